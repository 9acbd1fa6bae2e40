/*
 * uring.h: FUSE requests over io_uring, one queue per CPU (uring.c).
 */
#ifndef DEPOT_URING_H
#define DEPOT_URING_H

#include "ll.h"

/* Threads (each with one ring entry) per CPU queue. */
#define FS_URING_THREADS 8

/* Routes the session's replies through uring.c; after fuse_session_mount. */
int fs_uring_setup(struct fuse_session *se);
/* Starts the queues' threads (from init: they register once INIT is
 * answered); without io_uring they end and /dev/fuse serves everything. */
void fs_uring_start(unsigned max_write);
/* Called before taking a lock other requests wait for (the writer): a
 * ring thread answering a release runs as SCHED_IDLE (uring.c, set_idle)
 * and must not hold such a lock behind busy programs; it gets its normal
 * policy back.  Elsewhere it does nothing. */
void fs_uring_busy(void);
/* Waits for the threads, which end when the mount goes (after the loop). */
void fs_uring_stop(void);

#endif
