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

#endif
