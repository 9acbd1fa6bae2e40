/*
 * depot: the fire and rescue district's inventory, as a C library.
 *
 * This is the whole public interface of core/: opening a depot file, finding
 * and listing its objects for every view of the tree, showing each value as
 * the text a file holds, storing a written value with the SPEC's rules, and
 * journalling every change.  Nothing here knows about FUSE; fs/ turns paths
 * into these calls, and depotctl and the tests call them directly.
 *
 * Objects are rows: a site, a category (vehicle type or equipment category),
 * a vehicle, an item, a reserve module, a reserve line, a plan (its id is its
 * year) and a delivery note.  Each kind has a table of attributes, sysfs
 * style: a name, a mode and a show/store pair.  Adding a file to every object
 * of a kind is one row in that table (core/attrs.c) and two small functions.
 *
 * Threads: a depot handle is one SQLite connection and must be used by one
 * thread at a time; a multi-threaded program opens one handle per thread.
 * Errors: every function returning int returns DEPOT_OK (0) or one of the
 * depot_err codes below; the words for the user are in depot_errmsg().
 */
#ifndef DEPOT_H
#define DEPOT_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

typedef struct depot depot;

enum depot_err {
    DEPOT_OK = 0,
    DEPOT_ENOENT,       /* no such object, attribute, year or view member */
    DEPOT_EINVAL,       /* a value that does not parse or is not allowed */
    DEPOT_EACCES,       /* the attribute is read-only */
    DEPOT_EPERM,        /* never allowed: removing, renaming an object */
    DEPOT_EEXIST,       /* the object already exists */
    DEPOT_EROFS,        /* the depot was opened read-only */
    DEPOT_EBUSY,        /* the database stayed locked past the busy timeout */
    DEPOT_EIO,          /* SQLite failed (disk, I/O, constraint we did not expect) */
    DEPOT_ENOTDEPOT,    /* the file is missing, not SQLite, or not a depot */
    DEPOT_EVERSION,     /* the file was made by a newer depotfs */
    DEPOT_ENOMEM,
};

/* Returns a short constant English name for err ("no such object", ...). */
const char *depot_strerror(int err);

/* Flags for depot_open(). */
#define DEPOT_OPEN_CREATE   0x1   /* create the file and its schema if absent or empty */
#define DEPOT_OPEN_READONLY 0x2   /* every store returns DEPOT_EROFS */
/* synchronous=NORMAL instead of FULL: a commit is complete and survives a
 * crash of the process at once, and survives a power cut from the next
 * depot_sync() or checkpoint on (the daemon's writer, which syncs by group
 * commit, and its -o sync=normal; README, Durability). */
#define DEPOT_OPEN_SYNC_NORMAL 0x4

/* The schema version this build writes (PRAGMA user_version). */
#define DEPOT_SCHEMA_VERSION 3

/*
 * Opens the depot at path ("file::memory:" or ":memory:" for an in-memory
 * one, which is always created).  Sets WAL mode, foreign keys and a busy
 * timeout; applies the schema to an empty file when DEPOT_OPEN_CREATE is
 * given; upgrades an older schema in place, in one transaction.  On success
 * *out is a new handle, to be closed with depot_close().  On failure *out is
 * NULL and err (if not NULL) holds one line such as
 * "cannot open 'x.db': file is not a database".
 */
int depot_open(const char *path, int flags, depot **out, strbuf *err);
/* Makes every transaction committed so far (by any connection) durable:
 * syncs the write-ahead log to disk.  For fsync() on the mount. */
int depot_sync(depot *d);
/* Finalizes every statement and closes the connection; NULL is a no-op. */
void depot_close(depot *d);
/* The words of the last failure on d (never NULL; "" if none). */
const char *depot_errmsg(const depot *d);
/* Sets what "today" is for due dates and reports ("YYYY-MM-DD"); NULL: the clock.
 * Returns DEPOT_EINVAL for a date that does not exist. */
int depot_set_today(depot *d, const char *date);
/* Writes today's date ("YYYY-MM-DD") into buf. */
void depot_today(const depot *d, char buf[11]);
/*
 * Groups the reads of one request into one read transaction: a single
 * consistent snapshot, and one lock round instead of one per statement.
 * depot_read_begin() opens it (a no-op if a transaction is already open);
 * depot_read_end() resets every statement still stepping and ends it, so no
 * old snapshot outlives the request.  Stores must not be called between
 * the two (they open their own write transaction).
 */
void depot_read_begin(depot *d);
void depot_read_end(depot *d);

/* The underlying connection, for depotctl check/backup and tests. */
struct sqlite3 *depot_db(depot *d);

/* Who makes a change: recorded in the journal with every accepted write. */
typedef struct depot_actor {
    long uid;
    long pid;
    const char *user;       /* login name, or the uid in decimal */
    const char *process;    /* command name (comm), "" if unknown */
} depot_actor;

enum depot_kind {
    DK_SITE,
    DK_CATEGORY,
    DK_VEHICLE,
    DK_ITEM,
    DK_MODULE,
    DK_LINE,
    DK_PLAN,
    DK_DELIVERY,
    DK_COUNT
};

/* "site", "category", "vehicle", "item", "module", "line", "plan", "delivery". */
const char *depot_kind_name(enum depot_kind k);

/*
 * Finds the object of kind k named slug and sets *id.  parent is the module
 * id for DK_LINE and ignored otherwise.  For DK_PLAN the slug is the year in
 * four digits and the id is the year.  Returns DEPOT_ENOENT if there is none.
 */
int depot_lookup(depot *d, enum depot_kind k, int64_t parent, const char *slug, int64_t *id);

/* The slug of object (k, id) into out (appended).  DEPOT_ENOENT if none. */
int depot_slug(depot *d, enum depot_kind k, int64_t id, strbuf *out);

/* ---- attributes: one file per value, as in sysfs ---- */

/* A written value, split by depot_store(): text is the value with the
 * newline removed and blanks trimmed; reason is what followed the first
 * colon ("" if none). */
typedef struct depot_value {
    const char *text;
    const char *reason;
} depot_value;

#define DEPOT_ATTR_FREETEXT 0x1   /* the whole line is the value (notes): no reason split, may be empty */
#define DEPOT_ATTR_OBJECT   0x2   /* generated from the whole object (history, *.json, summary):
                                     its mtime is the object's last change */
#define DEPOT_ATTR_VOLATILE 0x4   /* depends on other objects too (a summary): may change
                                     without any change to this object */

typedef struct depot_attr {
    const char *name;       /* the file name */
    unsigned mode;          /* 0644 writable, 0444 read-only */
    unsigned flags;         /* DEPOT_ATTR_* */
    /* Appends the file's text (ending in "\n") to out. */
    int (*show)(depot *d, int64_t id, strbuf *out);
    /* Validates and applies v in one transaction with its journal row;
     * NULL for read-only attributes.  On refusal nothing changes and
     * depot_errmsg() says why. */
    int (*store)(depot *d, int64_t id, const depot_value *v, const depot_actor *who);
} depot_attr;

/* The attribute table of kind k, in the order an object's directory lists them. */
const depot_attr *depot_attrs(enum depot_kind k, size_t *n);
/* The attribute named name of kind k, or NULL. */
const depot_attr *depot_attr_find(enum depot_kind k, const char *name);

/* Appends the text of attribute attr of object (k, id) to out. */
int depot_show(depot *d, enum depot_kind k, int64_t id, const char *attr, strbuf *out);

/*
 * Stores what a program wrote (buf, len: the whole content written to the
 * file) as the new value of attribute attr of object (k, id).  Refuses
 * (DEPOT_EINVAL) NUL bytes, text that is not UTF-8, more than one line,
 * an empty value (except for FREETEXT attributes) and anything over
 * DEPOT_VALUE_MAX bytes; splits "value: reason"; then calls the attribute's
 * store.  DEPOT_EACCES for a read-only attribute, DEPOT_EROFS on a
 * read-only depot.  Storing the value already held changes and journals
 * nothing.
 */
#define DEPOT_VALUE_MAX 4096
int depot_store(depot *d, enum depot_kind k, int64_t id, const char *attr,
                const char *buf, size_t len, const depot_actor *who);
/* The same checks as depot_store(), in a transaction rolled back: would
 * buf be accepted now?  Stores and journals nothing. */
int depot_store_check(depot *d, enum depot_kind k, int64_t id, const char *attr,
                      const char *buf, size_t len, const depot_actor *who);

/*
 * The time of the last change of attribute attr of object (k, id), in ns
 * since the epoch: its newest journal row, else the object's creation.  attr
 * NULL (or an OBJECT attribute) means any attribute of the object.
 */
int depot_mtime(depot *d, enum depot_kind k, int64_t id, const char *attr, int64_t *ns);
/* The id of the newest journal row (0 if none), to pass to depot_changed_since(). */
int depot_journal_head(depot *d, int64_t *id);

/* Called once per object changed: its kind, id and `parent`: for a reserve
 * line its module; for an item whose vehicle changed, the vehicle it was on
 * before (0 if it was on none); 0 otherwise. */
typedef void (*depot_changed_fn)(void *ctx, enum depot_kind kind, int64_t id, int64_t parent);
/* Lists every object with a journal row after row `after`: what a store
 * changed, its cascades included (a vehicle's load moving with it). */
int depot_changed_since(depot *d, int64_t after, depot_changed_fn fn, void *ctx);

/* The time of the newest change anywhere in the depot (for reports, logs). */
int depot_last_change(depot *d, int64_t *ns);

/* ---- views: the directories that list objects ---- */

enum depot_view {
    DV_SITES,               /* every site */
    DV_SITE_VEHICLES,       /* a = site: its vehicles, not retired */
    DV_SITE_ITEMS,          /* a = site, b = equipment category: its items, not retired */
    DV_FLEET,               /* every vehicle, retired too */
    DV_LOAD,                /* a = vehicle: items loaded on it, not retired */
    DV_ITEMS,               /* every item, retired too */
    DV_CATEGORIES,          /* every category, vehicle types and equipment */
    DV_EQUIPMENT_CATEGORIES,/* the equipment categories only (stations/<site>/equipment/) */
    DV_CATEGORY_MEMBERS,    /* a = category: its vehicles or items, not retired */
    DV_YEARS,               /* every year from the oldest acquisition to the last plan or end of life */
    DV_YEAR_ACQUIRED,       /* a = year, b = category: what entered service that year */
    DV_YEAR_DUE,            /* a = year, b = category: what reaches the end of its service life that year */
    DV_MODULES,             /* every reserve module */
    DV_LINES,               /* a = module: its stock lines */
    DV_PLANS,               /* every planned year (id = year) */
    DV_DELIVERIES,          /* every delivery note */
    DV_COUNT
};

/* Called once per member: name is its slug, (kind, id) the object.  A
 * non-zero return stops the listing (depot_list then returns DEPOT_OK). */
typedef int (*depot_list_fn)(void *ctx, const char *name, enum depot_kind kind, int64_t id);

/*
 * Lists the members of view v (parameters a, b as the view says) whose id is
 * greater than after, in increasing id order, so that a listing can resume
 * where it stopped (pass 0 to start).  DEPOT_ENOENT if a or b does not exist.
 */
int depot_list(depot *d, enum depot_view v, int64_t a, int64_t b, int64_t after,
               depot_list_fn fn, void *ctx);

/* Finds member name of view v: DEPOT_OK with *kind and *id set, or DEPOT_ENOENT. */
int depot_member(depot *d, enum depot_view v, int64_t a, int64_t b, const char *name,
                 enum depot_kind *kind, int64_t *id);

/* ---- documents: plans and delivery notes (core/plan.c) ---- */

/* Appends plans/<year>.json (SPEC section 5) to out.  DEPOT_ENOENT if no plan. */
int depot_plan_show(depot *d, int year, strbuf *out);
/* Replaces (or creates) year's planned figures from a JSON document, in one
 * transaction, journalled.  DEPOT_EINVAL with the line and column or the
 * offending field in depot_errmsg() for a malformed or inconsistent one. */
int depot_plan_store(depot *d, int year, const char *doc, size_t len, const depot_actor *who);
/* Validate a plan or delivery note exactly as storing it would, without
 * changing anything (the store runs and is rolled back).  DEPOT_OK if a
 * store would succeed now. */
int depot_plan_check(depot *d, int year, const char *doc, size_t len, const depot_actor *who);
int depot_delivery_check(depot *d, const char *note, const char *doc, size_t len,
                         const depot_actor *who);
/* Appends deliveries/<note>.json: the note's items with their tags. */
int depot_delivery_show(depot *d, int64_t id, strbuf *out);
/* Receives a delivery note: creates all its items in one transaction, or none. */
int depot_delivery_store(depot *d, const char *note, const char *doc, size_t len,
                         const depot_actor *who);

/*
 * Tells whether buf holds a whole JSON document yet (core/doc.c): 1 if it
 * parses, 0 if it is a valid beginning that more bytes could complete, -1
 * if no continuation can make it valid.  Lets a writer send a document in
 * several write() calls while a bad one is still refused at the write.
 */
int depot_doc_complete(const char *buf, size_t len);

/* ---- reports and logs (core/report.c) ---- */

/* The report names, NULL-terminated: "low-stock", "low-stock.csv", ... */
const char *const *depot_report_names(void);
/* Appends report name (text or .csv) to out.  DEPOT_ENOENT for an unknown name. */
int depot_report(depot *d, const char *name, strbuf *out);
/* log/changes: every journal row, oldest first, one line each. */
int depot_log_changes(depot *d, strbuf *out);
/* log/errors: every refused write, oldest first, one line each. */
int depot_log_errors(depot *d, strbuf *out);
/* A log's map: where each block of its lines begins, so that its size is
 * known and any part of it rendered without rendering it whole.  errors:
 * log/errors, else log/changes.  NULL if out of memory. */
typedef struct depot_log_map depot_log_map;
depot_log_map *depot_log_map_new(int errors);
void depot_log_map_free(depot_log_map *m);
/* Extends m over the rows added since it was last extended. */
int depot_log_map_update(depot *d, depot_log_map *m);
/* The size in bytes of the log as far as m goes. */
uint64_t depot_log_map_size(const depot_log_map *m);
/* Appends bytes [off, off + len) of the log, as far as m goes, to out. */
int depot_log_map_read(depot *d, const depot_log_map *m, uint64_t off, size_t len, strbuf *out);
/*
 * Records a refused write (the one place that does): path is the file as the
 * user named it, value what they wrote, reason the words from depot_errmsg().
 * Written in its own transaction; the refusal stands even if that fails.
 */
int depot_log_refusal(depot *d, const depot_actor *who, const char *path,
                      const char *value, size_t len, const char *reason);

/* ---- the demo district and integrity (core/seed.c, core/check.c) ---- */

typedef struct depot_seed_opts {
    long items;             /* equipment items to create (default 25000) */
    unsigned long seed;     /* the same seed gives the same depot */
    /* Called now and then while items are created; may be NULL. */
    void (*progress)(void *ctx, long done, long total);
    void *ctx;
} depot_seed_opts;

/* Fills an empty depot with the demo district, in one transaction.
 * DEPOT_EEXIST if the depot already holds sites. */
int depot_seed(depot *d, const depot_seed_opts *o);

/* Checks SQLite's integrity and the depot's invariants; appends one line per
 * fault to out.  Returns DEPOT_OK if there is none, DEPOT_EIO if any. */
int depot_check(depot *d, strbuf *out);

#endif
