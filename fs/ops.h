/*
 * ops.h: the FUSE operations table (ops.c).
 */
#ifndef DEPOT_OPS_H
#define DEPOT_OPS_H

#define FUSE_USE_VERSION 312
#include <fuse.h>

extern const struct fuse_operations fs_ops;

#endif
