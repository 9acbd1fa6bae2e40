/* plan.c: STUB, being written (plans and deliveries as JSON). */
#include "internal.h"
int depot_plan_show(depot *d, int year, strbuf *out) { (void)year; (void)out; return depot_fail(d, DEPOT_EIO, "not implemented"); }
int depot_plan_store(depot *d, int year, const char *doc, size_t len, const depot_actor *who)
{ (void)year; (void)doc; (void)len; (void)who; return depot_fail(d, DEPOT_EIO, "not implemented"); }
int depot_delivery_show(depot *d, int64_t id, strbuf *out) { (void)id; (void)out; return depot_fail(d, DEPOT_EIO, "not implemented"); }
int depot_delivery_store(depot *d, const char *note, const char *doc, size_t len, const depot_actor *who)
{ (void)note; (void)doc; (void)len; (void)who; return depot_fail(d, DEPOT_EIO, "not implemented"); }
