/*
 * scratch.h: files that live only in the daemon's memory.
 *
 * Two kinds of file are not values of the depot yet: scratch files that
 * editors, sed -i and mkstemp create inside an object's directory (a name
 * that is not an attribute), and a new document being written
 * (plans/<new year>.json, deliveries/<new note>.json) until its content is
 * complete and stored.  Both are kept here, keyed by path, so they can be
 * stat'ed, written, read, listed, renamed and removed like files.  Nothing
 * here is ever stored in the database; everything is gone at unmount.
 * All functions are thread-safe (one mutex) and return 0 or -errno.
 * A path is any string whose last '/' separates a directory key from the
 * file's name (fs/ll.c uses "<directory inode in hex>/<name>").
 */
#ifndef DEPOT_SCRATCH_H
#define DEPOT_SCRATCH_H

#include <sys/stat.h>
#include <sys/types.h>

#include "strbuf.h"

#define SCRATCH_MAX_FILES 1024
#define SCRATCH_MAX_BYTES (16 << 20)    /* per file */

/* Creates path (-EEXIST if it exists, -ENOSPC past SCRATCH_MAX_FILES). */
int scratch_create(const char *path, mode_t mode, uid_t uid, gid_t gid);
/* The path of the scratch file with inode number ino, into path[size]. */
int scratch_path_of(ino_t ino, char *path, size_t size);
/* Is ino in the range of scratch inode numbers? */
int scratch_is_ino(ino_t ino);
/* Fills st for path; -ENOENT if there is no such scratch file. */
int scratch_stat(const char *path, struct stat *st);
int scratch_read(const char *path, char *buf, size_t size, off_t off);
int scratch_write(const char *path, const char *buf, size_t size, off_t off);
int scratch_truncate(const char *path, off_t size);
int scratch_chmod(const char *path, mode_t mode);
int scratch_chown(const char *path, uid_t uid, gid_t gid);
int scratch_utimens(const char *path, const struct timespec tv[2]);
int scratch_unlink(const char *path);
/* Renames a scratch file to another name (replacing a scratch file there). */
int scratch_rename(const char *from, const char *to);
/* Copies the content of path into out (appended). */
int scratch_content(const char *path, strbuf *out);
/* Calls fn for each scratch file directly inside directory dir, with index
 * i (0-based) so a listing can resume after index skip - 1. */
int scratch_list(const char *dir, long skip,
                 int (*fn)(void *ctx, const char *name, const struct stat *st, long index),
                 void *ctx);

#endif
