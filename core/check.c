/* check.c: STUB, being written (integrity check). */
#include "internal.h"
int depot_check(depot *d, strbuf *out) { (void)out; return depot_fail(d, DEPOT_EIO, "not implemented"); }
