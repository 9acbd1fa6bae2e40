/*
 * fuzz.h: what the libFuzzer targets in tests/fuzz/ share.
 *
 * Each target is one file defining LLVMFuzzerTestOneInput().  Built with
 * clang -fsanitize=fuzzer it is a fuzzer (make fuzz); built with the normal
 * compiler and replay.c it runs every file of its corpus once (make
 * fuzz-replay, run by make test).  Targets that write to a depot start every
 * input from the same state: a demo district of 50 items seeded once, then
 * copied over the working depot with SQLite's backup API, so that an input
 * that crashes the fuzzer crashes the replay too.  FUZZ_ASSERT aborts (the
 * fuzzer then saves the input) with the failed condition on stderr.
 */
#ifndef DEPOT_FUZZ_H
#define DEPOT_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "depot.h"

#define FUZZ_ASSERT(cond)                                                        \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                      \
            abort();                                                             \
        }                                                                        \
    } while (0)

#define FUZZ_TODAY "2026-12-01"
#define FUZZ_ITEMS 50

/* Opens a new in-memory depot with the schema, today fixed; aborts on failure. */
__attribute__((unused)) static depot *fuzz_open(void)
{
    depot *d = NULL;
    strbuf err = STRBUF_INIT;
    if (depot_open(":memory:", DEPOT_OPEN_CREATE, &d, &err) != DEPOT_OK) {
        fprintf(stderr, "fuzz: %s\n", strbuf_str(&err));
        abort();
    }
    strbuf_release(&err);
    depot_set_today(d, FUZZ_TODAY);
    return d;
}

/* The pristine seeded depot (made on first use, never written afterwards). */
__attribute__((unused)) static depot *fuzz_pristine(void)
{
    static depot *p;
    if (!p) {
        p = fuzz_open();
        depot_seed_opts o = { .items = FUZZ_ITEMS, .seed = 1 };
        if (depot_seed(p, &o) != DEPOT_OK) {
            fprintf(stderr, "fuzz: cannot seed: %s\n", depot_errmsg(p));
            abort();
        }
    }
    return p;
}

/* The working depot, reset to the pristine state: call at the start of
 * every input.  The depot stays owned by this header (lives for the process). */
__attribute__((unused)) static depot *fuzz_depot(void)
{
    static depot *w;
    depot *p = fuzz_pristine();
    if (!w)
        w = fuzz_open();
    sqlite3_backup *b = sqlite3_backup_init(depot_db(w), "main", depot_db(p), "main");
    if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE) {
        fprintf(stderr, "fuzz: cannot reset the depot: %s\n", sqlite3_errmsg(depot_db(w)));
        abort();
    }
    sqlite3_backup_finish(b);
    return w;
}

/* The first column of the first row of sql as int64 (-1 if none). */
__attribute__((unused)) static int64_t fuzz_sql_int(depot *d, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(depot_db(d), sql, -1, &st, NULL) != SQLITE_OK)
        abort();
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Aborts, printing the faults, unless depot_check finds none. */
__attribute__((unused)) static void fuzz_check(depot *d)
{
    strbuf out = STRBUF_INIT;
    if (depot_check(d, &out) != DEPOT_OK) {
        fprintf(stderr, "fuzz: depot_check failed:\n%s\n", strbuf_str(&out));
        abort();
    }
    strbuf_release(&out);
}

/* A NUL-terminated copy of data (free() it). */
__attribute__((unused)) static char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
