/*
 * strbuf: a growable, always NUL-terminated byte buffer.
 *
 * Every "show" function of the depot renders into one of these, so a file's
 * text and its exact length come from the same place.  The buffer owns its
 * memory; strbuf_release() frees it and leaves an empty, reusable buffer.
 * Allocation failure aborts the process (as git's strbuf does): a depot that
 * cannot allocate a few kilobytes cannot do anything useful either.
 */
#ifndef DEPOT_STRBUF_H
#define DEPOT_STRBUF_H

#include <stddef.h>
#include <stdarg.h>

typedef struct strbuf {
    char *buf;      /* always NUL-terminated once initialised; "" when empty */
    size_t len;     /* bytes used, not counting the NUL */
    size_t cap;     /* bytes allocated */
} strbuf;

#define STRBUF_INIT { NULL, 0, 0 }

/* Makes sb an empty buffer (no allocation until the first append). */
void strbuf_init(strbuf *sb);
/* Frees sb's memory; sb is empty and reusable afterwards. */
void strbuf_release(strbuf *sb);
/* Empties sb but keeps its memory. */
void strbuf_reset(strbuf *sb);
/* Ensures room for extra more bytes plus the NUL. */
void strbuf_grow(strbuf *sb, size_t extra);
void strbuf_add(strbuf *sb, const void *data, size_t len);
void strbuf_addstr(strbuf *sb, const char *s);
void strbuf_addch(strbuf *sb, char c);
void strbuf_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap);
/* Appends s as one CSV field (quoted when it holds , " CR or LF). */
void strbuf_add_csv(strbuf *sb, const char *s);
/* Returns sb's text ("" for a never-used buffer); sb still owns it. */
const char *strbuf_str(const strbuf *sb);
/* Hands sb's memory to the caller (free() it) and leaves sb empty. */
char *strbuf_detach(strbuf *sb, size_t *len);

#endif
