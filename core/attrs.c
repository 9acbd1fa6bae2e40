/* attrs.c: STUB, being written (attribute tables, show/store). */
#include "internal.h"
const depot_attr *depot_attrs(enum depot_kind k, size_t *n) { (void)k; *n = 0; return NULL; }
const depot_attr *depot_attr_find(enum depot_kind k, const char *name) { (void)k; (void)name; return NULL; }
int depot_show(depot *d, enum depot_kind k, int64_t id, const char *attr, strbuf *out)
{ (void)k; (void)id; (void)attr; (void)out; return depot_fail(d, DEPOT_EIO, "not implemented"); }
int depot_store(depot *d, enum depot_kind k, int64_t id, const char *attr, const char *buf, size_t len, const depot_actor *who)
{ (void)k; (void)id; (void)attr; (void)buf; (void)len; (void)who; return depot_fail(d, DEPOT_EIO, "not implemented"); }
