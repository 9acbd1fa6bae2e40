/*
 * parse: the value parsers, pure functions with no database.
 *
 * Every text a user writes passes through here before it reaches SQL, so
 * these are strict: decimal digits only (no blanks, no 0x, no exponent, no
 * 1.5, no overflow), real calendar dates, words from a fixed vocabulary.
 * Each returns 0 on success and -1 on refusal, with a short reason in
 * *why (a static string) when why is not NULL.  They are CUnit-tested from
 * tables and fuzzed.
 */
#ifndef DEPOT_PARSE_H
#define DEPOT_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* A non-negative decimal integer that fits int64_t: "0", "42". */
int parse_uint(const char *s, int64_t *out, const char **why);

/* A count: "N" sets (*relative = 0), "+N"/"-N" adjust (*relative = 1,
 * *n signed).  N as in parse_uint. */
int parse_count(const char *s, int *relative, int64_t *n, const char **why);

/* A calendar date "YYYY-MM-DD" (years 1900-9999) that exists. */
int parse_date(const char *s, int *y, int *m, int *d, const char **why);

/* A four-digit year 1900-9999. */
int parse_year(const char *s, int *y, const char **why);

/* The index of s in the NULL-terminated vocab, or -1 (why: "not one of ..."). */
int parse_word(const char *s, const char *const *vocab, const char **why);

/* A slug: 1-64 of [a-z0-9-], not starting with '-'. */
int parse_slug(const char *s, const char **why);

/* 1 if buf[0..len) is valid UTF-8 (no overlongs or surrogates), else 0. */
int utf8_valid(const char *buf, size_t len);

/* The length of the UTF-8 byte-order mark buf begins with (Notepad,
 * PowerShell, a spreadsheet's "CSV UTF-8"): 3, or 0 if none.  It is not
 * part of a value or a document. */
size_t utf8_bom_len(const char *buf, size_t len);

/*
 * Splits what a program wrote to a file into a value and a reason.
 * Refuses NUL bytes, invalid UTF-8, more than max bytes, and more than one
 * line (its line end, "\n" or "\r\n", blank lines after it and a
 * byte-order mark before it are dropped).  Unless freetext, the
 * value ends at the first ':' and what follows is the reason; both are
 * trimmed of blanks, and an empty value is refused.  With freetext the whole
 * trimmed line is the value (which may be empty) and the reason is empty.
 * value and reason are reset, then filled.
 */
int split_value(const char *buf, size_t len, size_t max, int freetext,
                strbuf *value, strbuf *reason, const char **why);

/* Vocabularies (NULL-terminated). */
extern const char *const item_statuses[];     /* in-service reserve maintenance out-of-service retired */
extern const char *const vehicle_statuses[];  /* in-service standby maintenance out-of-service retired */
extern const char *const site_states[];       /* operating under-construction planned */

#endif
