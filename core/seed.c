/* seed.c: STUB, being written (the demo district). */
#include "internal.h"
int depot_seed(depot *d, const depot_seed_opts *o) { (void)o; return depot_fail(d, DEPOT_EIO, "not implemented"); }
