/*
 * held.h: what the kernel holds (held.c): the invalidation generation, the
 * sizes told to the kernel, the cached readers open, and when each value
 * was last invalidated.  ll.c calls these around its replies; nothing here
 * talks to the kernel.
 */
#ifndef DEPOTFS_HELD_H
#define DEPOTFS_HELD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "fs.h"

/* Each request begins here (fs_depot()): notes the generation, and whether
 * an invalidation was under way. */
void held_request_begin(void);
/* The generation now, and when the calling thread's request began. */
uint64_t held_generation(void);
uint64_t held_request_generation(void);
/* Has nothing been invalidated since the request began, and was nothing
 * being invalidated then or now? */
int held_quiet(void);

/* Around every invalidation (they may overlap, in any threads). */
void held_invalidation_begin(void);
void held_invalidation_end(void);
/* Inode ino, or the whole tree, is being invalidated now. */
void held_changed(ino_t ino);
void held_all_changed(void);

/* A file that may write a value opens or closes (a truncate in progress
 * counts as one). */
void held_writer_open(void);
void held_writer_close(void);

/* Prepares the attributes of p for a reply with lifetime attr_timeout:
 * the size its cached readers read, if any, and remembers the size told.
 * Returns 1 if it remembered one: call held_confirm(st_ino) after the
 * reply. */
int held_report(const struct fs_path *p, struct stat *st, double attr_timeout);
/* After the reply: forgets the size if the reply may have raced something
 * that makes the kernel drop it. */
void held_confirm(ino_t ino);
/* Forgets the size told for ino (a reply that did not carry it). */
void held_forget(ino_t ino);

/* An open for reading of ino, whose snapshot has size bytes: 0 if it may
 * read through the page cache (it is then registered), -1 for direct I/O. */
int held_reader_open(ino_t ino, size_t size);
/* A cached reader closes: how many of ino remain open. */
int held_reader_close(ino_t ino);

/* The pages of ino were put in the page cache (after a quiet request);
 * have they been since its last change (a hint: see held.c)? */
void held_pages_stored(ino_t ino);
int held_pages_fresh(ino_t ino);

#endif
