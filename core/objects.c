/* objects.c: STUB, being written (lookup, listing, mtimes). */
#include "internal.h"
int depot_lookup(depot *d, enum depot_kind k, int64_t parent, const char *slug, int64_t *id)
{ (void)k; (void)parent; (void)slug; (void)id; return depot_fail(d, DEPOT_EIO, "not implemented"); }
int depot_slug(depot *d, enum depot_kind k, int64_t id, strbuf *out)
{ (void)k; (void)id; (void)out; return depot_fail(d, DEPOT_EIO, "not implemented"); }
int depot_mtime(depot *d, enum depot_kind k, int64_t id, const char *attr, int64_t *ns)
{ (void)k; (void)id; (void)attr; (void)ns; return depot_fail(d, DEPOT_EIO, "not implemented"); }
int depot_last_change(depot *d, int64_t *ns) { (void)ns; return depot_fail(d, DEPOT_EIO, "not implemented"); }
int depot_list(depot *d, enum depot_view v, int64_t a, int64_t b, int64_t after, depot_list_fn fn, void *ctx)
{ (void)v; (void)a; (void)b; (void)after; (void)fn; (void)ctx; return depot_fail(d, DEPOT_EIO, "not implemented"); }
int depot_member(depot *d, enum depot_view v, int64_t a, int64_t b, const char *name, enum depot_kind *kind, int64_t *id)
{ (void)v; (void)a; (void)b; (void)name; (void)kind; (void)id; return depot_fail(d, DEPOT_EIO, "not implemented"); }
