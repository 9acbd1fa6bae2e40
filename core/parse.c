/* parse.c: STUB, being written (see parse.h). */
#include "parse.h"
const char *const item_statuses[] = { "in-service", "reserve", "maintenance", "out-of-service", "retired", NULL };
const char *const vehicle_statuses[] = { "in-service", "standby", "maintenance", "out-of-service", "retired", NULL };
const char *const site_states[] = { "operating", "under-construction", "planned", NULL };
int parse_uint(const char *s, int64_t *out, const char **why) { (void)s; (void)out; if (why) *why = "not implemented"; return -1; }
int parse_count(const char *s, int *relative, int64_t *n, const char **why) { (void)s; (void)relative; (void)n; if (why) *why = "not implemented"; return -1; }
int parse_date(const char *s, int *y, int *m, int *d, const char **why) { (void)s; (void)y; (void)m; (void)d; if (why) *why = "not implemented"; return -1; }
int parse_year(const char *s, int *y, const char **why) { (void)s; (void)y; if (why) *why = "not implemented"; return -1; }
int parse_word(const char *s, const char *const *vocab, const char **why) { (void)s; (void)vocab; if (why) *why = "not implemented"; return -1; }
int parse_slug(const char *s, const char **why) { (void)s; if (why) *why = "not implemented"; return -1; }
int utf8_valid(const char *buf, size_t len) { (void)buf; (void)len; return 0; }
int split_value(const char *buf, size_t len, size_t max, int freetext, strbuf *value, strbuf *reason, const char **why)
{ (void)buf; (void)len; (void)max; (void)freetext; (void)value; (void)reason; if (why) *why = "not implemented"; return -1; }
