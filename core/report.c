/* report.c: STUB, being written (reports, summaries, logs). */
#include "internal.h"
const char *const *depot_report_names(void) { static const char *const n[] = { NULL }; return n; }
int depot_report(depot *d, const char *name, strbuf *out) { (void)name; (void)out; return depot_fail(d, DEPOT_EIO, "not implemented"); }
int depot_log_changes(depot *d, strbuf *out) { (void)out; return depot_fail(d, DEPOT_EIO, "not implemented"); }
int depot_log_errors(depot *d, strbuf *out) { (void)out; return depot_fail(d, DEPOT_EIO, "not implemented"); }
int depot_log_refusal(depot *d, const depot_actor *who, const char *path, const char *value, size_t len, const char *reason)
{ (void)who; (void)path; (void)value; (void)len; (void)reason; return depot_fail(d, DEPOT_EIO, "not implemented"); }
int depot_site_summary(depot *d, int64_t site, strbuf *out) { (void)site; (void)out; return depot_fail(d, DEPOT_EIO, "not implemented"); }
int depot_module_summary(depot *d, int64_t module, strbuf *out) { (void)module; (void)out; return depot_fail(d, DEPOT_EIO, "not implemented"); }
