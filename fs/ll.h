/*
 * ll.h: the FUSE low-level operations table (ll.c).
 */
#ifndef DEPOT_LL_H
#define DEPOT_LL_H

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

extern const struct fuse_lowlevel_ops fs_ll_ops;

/* Gives ll.c the session it sends cache invalidations on. */
void fs_ll_set_session(struct fuse_session *se);
/* Sends no more notices to the kernel, once those under way are sent (a
 * second at most): before libfuse closes /dev/fuse at the daemon's exit. */
void fs_ll_close_notices(void);

#endif
