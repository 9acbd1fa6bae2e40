/*
 * internal.h: what the modules of core/ share and nobody else sees.
 *
 * struct depot is one SQLite connection plus its statement cache, the words
 * of its last failure and its idea of "today".  Statements are prepared once
 * per connection: depot_stmt() takes a static SQL string and returns the
 * cached, reset statement, keyed by the string's address, so a hot path
 * never parses SQL twice.  Every value reaches SQL through a bind.  Inside a
 * read transaction (depot_read_begin) nothing can change, so the last
 * object's times and attribute texts are remembered until it ends.
 */
#ifndef DEPOT_INTERNAL_H
#define DEPOT_INTERNAL_H

#include <sqlite3.h>

#include "depot.h"

#define DEPOT_STMT_SLOTS 512
#define DEPOT_SHOW_MEMO_ATTRS 16     /* at least the longest attribute table */

struct depot {
    sqlite3 *db;
    int flags;                  /* DEPOT_OPEN_* */
    char today[11];             /* fixed "today", or "" for the clock */
    int reading;                /* inside depot_read_begin() */
    int dry_run;                /* depot_commit() rolls back (the *_check calls) */
    /* Inside a read transaction the data cannot change, so depot_mtime()
     * remembers the last object's creation and newest journal time. */
    struct {
        int valid;
        enum depot_kind kind;
        int64_t id;
        int64_t created;
        int64_t newest;         /* -1: the object has no journal row */
    } mtime_memo;
    /* Likewise depot_show() remembers the text of the last object's plain
     * attributes (not DEPOT_ATTR_OBJECT or _VOLATILE), by their index in
     * the kind's table: listing an item's files renders each, and then
     * item.json, built from the same values, costs no query. */
    struct {
        int valid;
        enum depot_kind kind;
        int64_t id;
        unsigned have;          /* bit i: text[i] holds attribute i */
        strbuf text[DEPOT_SHOW_MEMO_ATTRS];
    } show_memo;
    strbuf err;                 /* words of the last failure */
    struct {
        const char *sql;        /* key: address of a static string */
        sqlite3_stmt *stmt;
    } stmts[DEPOT_STMT_SLOTS];
};

/*
 * Returns the prepared statement for sql (a string literal or other static
 * text: it is cached by address), reset and with its bindings cleared.  NULL
 * if SQLite refuses it, with depot_errmsg() saying why.  The statement stays
 * owned by d; callers step it and need not reset it.
 */
sqlite3_stmt *depot_stmt(depot *d, const char *sql);

/* Sets the failure words (printf style) and returns code. */
int depot_fail(depot *d, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Turns the connection's last SQLite error into a depot code (BUSY/LOCKED ->
 * DEPOT_EBUSY, NOMEM -> DEPOT_ENOMEM, else DEPOT_EIO) with words naming what. */
int depot_sqlfail(depot *d, const char *what);

/* Forgets what the read-transaction memos hold (mtime_memo, show_memo). */
void depot_memo_reset(depot *d);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  begin returns DEPOT_EROFS on a
 * read-only depot.  rollback is safe to call when no transaction is open. */
int depot_begin(depot *d);
int depot_commit(depot *d);
void depot_rollback(depot *d);

/* Appends one journal row (inside the caller's transaction). */
int depot_journal(depot *d, const depot_actor *who, enum depot_kind k, int64_t id,
                  const char *object, const char *attr, const char *old_value,
                  const char *new_value, const char *reason);

/* Now, in nanoseconds since the epoch (CLOCK_REALTIME). */
int64_t depot_now_ns(void);

/* Appends column col of the current row as text ("" for NULL). */
void depot_col_text(sqlite3_stmt *st, int col, strbuf *out);

/* The actor used for changes made by depotctl and seeding: this process. */
const depot_actor *depot_self_actor(void);



/* ---- tags of new items (objects.c): shared by deliveries and imports ---- */

/* The number of tag if it is "<slug>-<1 to 15 digits>", else -1. */
int64_t depot_tag_number(const char *slug, const char *tag);
/* The highest number among the tags of category's items that follow its
 * pattern ("<slug>-<digits>"), 0 if none. */
int depot_tag_high(depot *d, int64_t category, const char *slug, int64_t *high);
/* *used: 1 if an item (retired too) holds tag. */
int depot_tag_used(depot *d, const char *tag, int *used);
/* The next free tag "<slug>-<%06d number>" from *next on (an item of
 * another category may hold one of the pattern): writes it to tag (80
 * bytes) and moves *next past it.  DEPOT_EINVAL when the numbers run out. */
int depot_tag_next(depot *d, const char *slug, int64_t *next, char tag[80]);

/* ---- shared between modules (implemented in report.c) ---- */

/* stations/<site>/summary: vehicles by status, items by category and
 * status, and the site's shortfalls.  Appends to out. */
int depot_site_summary(depot *d, int64_t site, strbuf *out);
/* reserves/<module>/summary: each line's count against minimum and target. */
int depot_module_summary(depot *d, int64_t module, strbuf *out);
/* The statement counting a site's shortfalls (report.c; its query plan is
 * checked by test_report.c). */
extern const char depot_site_shortfalls_sql[];

#endif
