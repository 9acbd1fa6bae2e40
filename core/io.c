/*
 * io.c: import from CSV, export to CSV and JSON, online backup (io.h says
 * what each accepts and promises).
 *
 * Import is one pass over the file inside one transaction.  The header row
 * maps file columns to the kind's columns; each record is checked column by
 * column (every fault is reported, not only the first), and a record with
 * no fault is inserted at once, even after faults in earlier records, so
 * that a tag used twice in the file is found like one already in the depot
 * (the UNIQUE index finds both).  At the end the transaction commits if no
 * record was at fault, else rolls back.  Sites, categories and modules are
 * few and are read into arrays once; vehicles are looked up by the
 * callsign index; every statement is prepared once (depot_stmt), so a
 * million rows cost a million executions of the same few statements.
 */
#include "internal.h"
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "parse.h"

#define TEXT_MAX 256            /* model, serial, plate, name, unit */
#define NOTES_MAX DEPOT_VALUE_MAX
#define MAX_COLUMNS 10
#define PROGRESS_EVERY 8192

/* ---- kinds and their columns ---- */

enum { REQ = 1 };

struct column {
    const char *name;
    int flags;
};

struct import;
typedef void (*row_fn)(struct import *im, const char *const *v);

struct kind_def {
    const char *name;
    const struct column *cols;
    size_t ncols;
    row_fn row;
};

enum { I_TAG, I_CATEGORY, I_MODEL, I_SERIAL, I_STATION, I_VEHICLE, I_STATUS, I_ACQUIRED,
       I_INSPECTION, I_NOTES };
static const struct column item_cols[] = {
    { "tag", 0 }, { "category", REQ }, { "model", REQ }, { "serial", REQ },
    { "station", REQ }, { "vehicle", 0 }, { "status", 0 }, { "acquired", REQ },
    { "last-inspection", 0 }, { "notes", 0 },
};
enum { V_CALLSIGN, V_TYPE, V_STATION, V_STATUS, V_PLATE, V_YEAR, V_MILEAGE, V_SERVICE,
       V_NOTES };
static const struct column vehicle_cols[] = {
    { "callsign", REQ }, { "type", REQ }, { "station", REQ }, { "status", 0 },
    { "plate", REQ }, { "year", REQ }, { "mileage", 0 }, { "next-service", 0 },
    { "notes", 0 },
};
enum { L_MODULE, L_LINE, L_NAME, L_UNIT, L_COUNT, L_TARGET, L_MINIMUM };
static const struct column line_cols[] = {
    { "module", REQ }, { "line", REQ }, { "name", REQ }, { "unit", REQ },
    { "count", 0 }, { "target", 0 }, { "minimum", 0 },
};

static void item_row(struct import *im, const char *const *v);
static void vehicle_row(struct import *im, const char *const *v);
static void line_row(struct import *im, const char *const *v);

#define NCOLS(a) (sizeof a / sizeof a[0])
static const struct kind_def kinds[] = {
    [IO_ITEMS] = { "items", item_cols, NCOLS(item_cols), item_row },
    [IO_VEHICLES] = { "vehicles", vehicle_cols, NCOLS(vehicle_cols), vehicle_row },
    [IO_LINES] = { "lines", line_cols, NCOLS(line_cols), line_row },
};

const char *io_kind_name(enum io_kind k)
{
    return k >= IO_ITEMS && k <= IO_LINES ? kinds[k].name : "auto";
}

int io_kind_parse(const char *name, enum io_kind *k)
{
    for (int i = IO_ITEMS; i <= IO_LINES; i++)
        if (!strcmp(name, kinds[i].name)) {
            *k = (enum io_kind)i;
            return 0;
        }
    return -1;
}

/* ---- the import's state ---- */

struct site {
    char *slug;
    int64_t id;
    int logistics;
};
struct category {
    char *slug;
    int64_t id;
    int vehicle;
    int64_t next;               /* next tag number, 0 until needed */
};
struct module {
    char *slug;
    int64_t id;
};

struct import {
    depot *d;
    const io_import_opts *o;
    const char *file;
    const struct kind_def *kind;
    strbuf *report;
    const depot_actor *who;
    long line;                  /* of the current record */
    long errors;
    int row_bad;
    int fatal;                  /* a depot code: a failure not the file's fault */
    char qbuf[2][72];           /* for q() */
    int qwhich;
    char today[11];
    strbuf reason;              /* "import FILE" */
    strbuf scratch;
    struct site *sites;
    size_t nsites;
    struct category *cats;
    size_t ncats;
    struct module *mods;
    size_t nmods;
    /* (id, line) of every object inserted, ids increasing: which line
     * made the object that a later duplicate meets */
    int64_t *made_id;
    long *made_line;
    size_t nmade, capmade;
};

/* Reports a fault of the current record (column may be NULL). */
__attribute__((format(printf, 3, 4)))
static void bad(struct import *im, const char *column, const char *fmt, ...)
{
    va_list ap;
    im->errors++;
    im->row_bad = 1;
    if (im->errors > IO_MAX_REPORTED)
        return;
    strbuf_addf(im->report, "%s:%ld: ", im->file, im->line);
    if (column)
        strbuf_addf(im->report, "column '%s': ", column);
    va_start(ap, fmt);
    strbuf_vaddf(im->report, fmt, ap);
    va_end(ap);
    strbuf_addch(im->report, '\n');
}

/* A value fit to quote in a message: at most 60 bytes of whole UTF-8
 * characters, control characters as '?', "..." if cut.  Uses one of the
 * import's two buffers in turn (so a message may quote two values). */
static const char *q(struct import *im, const char *s)
{
    char *b = im->qbuf[im->qwhich ^= 1];
    size_t n = 0, limit = strlen(s) > 60 ? 56 : 60;
    while (*s) {
        unsigned char c = (unsigned char)*s;
        size_t clen = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (n + clen > limit)
            break;
        for (size_t i = 0; i < clen && *s; i++, s++)
            b[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
    }
    if (*s) {
        memcpy(b + n, "...", 3);
        n += 3;
    }
    b[n] = '\0';
    return b;
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t';
}

/* Is the (trimmed) value absent: empty or "none"? */
static int absent(const char *s)
{
    return !*s || !strcmp(s, "none");
}

/*
 * Checks the text of a field that holds a free text value (model, notes):
 * UTF-8, one line, no control characters, at most max bytes.  Reports and
 * returns -1 if not.  required: empty is a fault too.
 */
static int text_ok(struct import *im, const char *col, const char *s, size_t max, int required)
{
    size_t n = strlen(s);
    if (required && !n) {
        bad(im, col, "empty (a value is required)");
        return -1;
    }
    if (n > max) {
        bad(im, col, "longer than %zu bytes", max);
        return -1;
    }
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            bad(im, col, "'%s' holds a line break or control character", q(im, s));
            return -1;
        }
    return 0;
}

/* A required slug-valued field: reports empty or malformed; -1 if bad. */
static int slug_ok(struct import *im, const char *col, const char *s, const char *what)
{
    if (!*s) {
        bad(im, col, "empty (%s is required)", what);
        return -1;
    }
    if (parse_slug(s, NULL) != 0) {
        bad(im, col, "'%s' is not %s (1-64 of a-z, 0-9 and '-')", q(im, s), what);
        return -1;
    }
    return 0;
}

/* A date field: sets buf ("" if absent and optional).  -1 if bad. */
static int date_ok(struct import *im, const char *col, const char *s, int required, char buf[11])
{
    int y, m, dd;
    buf[0] = '\0';
    if (absent(s) && !(required && *s)) {
        if (required) {
            bad(im, col, "empty (a date YYYY-MM-DD is required)");
            return -1;
        }
        return 0;
    }
    if (parse_date(s, &y, &m, &dd, NULL) != 0) {
        bad(im, col, "'%s' is not a date (YYYY-MM-DD)", q(im, s));
        return -1;
    }
    snprintf(buf, 11, "%04d-%02d-%02d", y, m, dd);
    return 0;
}

/* A whole number field (default def when empty).  -1 if bad. */
static int number_ok(struct import *im, const char *col, const char *s, int64_t def, int64_t *v)
{
    const char *why = NULL;
    if (!*s) {
        *v = def;
        return 0;
    }
    if (parse_uint(s, v, &why) != 0) {
        bad(im, col, "'%s' is not a whole number: %s", q(im, s), why ? why : "not a number");
        return -1;
    }
    return 0;
}

static const struct site *find_site(struct import *im, const char *col, const char *s)
{
    if (slug_ok(im, col, s, "a site") != 0)
        return NULL;
    for (size_t i = 0; i < im->nsites; i++)
        if (!strcmp(im->sites[i].slug, s))
            return &im->sites[i];
    bad(im, col, "no such site '%s'", q(im, s));
    return NULL;
}

/* The category named s, which must be a vehicle type (vehicle) or an
 * equipment category; NULL after reporting. */
static struct category *find_category(struct import *im, const char *col, const char *s,
                                      int vehicle)
{
    const char *what = vehicle ? "a vehicle type" : "an equipment category";
    if (slug_ok(im, col, s, what) != 0)
        return NULL;
    for (size_t i = 0; i < im->ncats; i++) {
        struct category *c = &im->cats[i];
        if (strcmp(c->slug, s))
            continue;
        if (c->vehicle == vehicle)
            return c;
        bad(im, col, "'%s' is %s, not %s", q(im, s),
            vehicle ? "an equipment category" : "a vehicle type", what);
        return NULL;
    }
    bad(im, col, "no such %s '%s'", vehicle ? "vehicle type" : "equipment category", q(im, s));
    return NULL;
}

/* Remembers that the current line made object id. */
static void made(struct import *im, int64_t id)
{
    if (im->nmade == im->capmade) {
        im->capmade = im->capmade ? im->capmade * 2 : 4096;
        int64_t *a = realloc(im->made_id, im->capmade * sizeof *a);
        long *b = a ? realloc(im->made_line, im->capmade * sizeof *b) : NULL;
        if (!a || !b)
            abort();    /* as strbuf does: nothing sensible to do */
        im->made_id = a;
        im->made_line = b;
    }
    im->made_id[im->nmade] = id;
    im->made_line[im->nmade++] = im->line;
}

/* The line of the file that made object id, or 0 if it is older. */
static long made_by(const struct import *im, int64_t id)
{
    size_t lo = 0, hi = im->nmade;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (im->made_id[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < im->nmade && im->made_id[lo] == id ? im->made_line[lo] : 0;
}

/* After an INSERT of an object whose name is taken: says where it is. */
static void taken(struct import *im, const char *col, const char *name, int64_t other)
{
    long by = other ? made_by(im, other) : 0;
    if (by)
        bad(im, col, "'%s' is already on line %ld", q(im, name), by);
    else
        bad(im, col, "'%s' already exists in the depot (import adds, never replaces)",
            q(im, name));
}

/* Steps an INSERT; 0 done, 1 a UNIQUE constraint failed, -1 other failure
 * (im->fatal set, depot_errmsg() says why). */
static int insert(struct import *im, sqlite3_stmt *st, const char *what)
{
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s == SQLITE_DONE)
        return 0;
    if (sqlite3_extended_errcode(im->d->db) == SQLITE_CONSTRAINT_UNIQUE)
        return 1;
    im->fatal = depot_sqlfail(im->d, what);
    return -1;
}

static void journal_made(struct import *im, enum depot_kind k, int64_t id, const char *name)
{
    made(im, id);
    int rc = depot_journal(im->d, im->who, k, id, name, "imported", NULL, name,
                           strbuf_str(&im->reason));
    if (rc != DEPOT_OK)
        im->fatal = rc;
}

/* ---- items ---- */

/* Gives an item of category c the next free tag of its category. */
static int next_tag(struct import *im, struct category *c, char tag[80])
{
    int64_t high;
    if (c->next == 0) {
        if (depot_tag_high(im->d, c->id, c->slug, &high))
            return -1;
        c->next = high + 1;
    }
    return depot_tag_next(im->d, c->slug, &c->next, tag) ? -1 : 0;
}

static void item_row(struct import *im, const char *const *v)
{
    depot *d = im->d;
    char acquired[11], inspected[11], tag[80];
    int64_t vehicle = 0;
    int status = -1;

    if (*v[I_TAG] && parse_slug(v[I_TAG], NULL) != 0)
        bad(im, "tag", "'%s' is not a tag (1-64 of a-z, 0-9 and '-')", q(im, v[I_TAG]));
    struct category *cat = find_category(im, "category", v[I_CATEGORY], 0);
    text_ok(im, "model", v[I_MODEL], TEXT_MAX, 1);
    text_ok(im, "serial", v[I_SERIAL], TEXT_MAX, 1);
    const struct site *site = find_site(im, "station", v[I_STATION]);
    if (!absent(v[I_VEHICLE])) {
        const char *cs = v[I_VEHICLE];
        sqlite3_stmt *st = depot_stmt(d, "SELECT v.id, v.station_id, v.status = 'retired', s.slug"
                                         " FROM vehicle v JOIN site s ON s.id = v.station_id"
                                         " WHERE v.callsign = ?");
        if (!st) {
            im->fatal = DEPOT_EIO;
            return;
        }
        sqlite3_bind_text(st, 1, cs, -1, SQLITE_STATIC);
        int s = sqlite3_step(st);
        if (s == SQLITE_DONE)
            bad(im, "vehicle", "no such vehicle '%s'", q(im, cs));
        else if (s != SQLITE_ROW) {
            im->fatal = depot_sqlfail(d, "cannot look up a vehicle");
        } else if (sqlite3_column_int(st, 2))
            bad(im, "vehicle", "vehicle '%s' is retired; nothing can be loaded onto it", q(im, cs));
        else if (site && sqlite3_column_int64(st, 1) != site->id)
            bad(im, "vehicle", "vehicle '%s' is at '%s', not at '%s'", q(im, cs),
                (const char *)sqlite3_column_text(st, 3), site->slug);
        else
            vehicle = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    if (*v[I_STATUS]) {
        status = parse_word(v[I_STATUS], item_statuses, NULL);
        if (status < 0)
            bad(im, "status", "'%s' is not one of in-service, reserve, maintenance,"
                " out-of-service, retired", q(im, v[I_STATUS]));
        else if (vehicle && !strcmp(item_statuses[status], "retired"))
            bad(im, "status", "a retired item is on no vehicle (leave 'vehicle' empty)");
    }
    if (date_ok(im, "acquired", v[I_ACQUIRED], 1, acquired) == 0 && strcmp(acquired, im->today) > 0)
        bad(im, "acquired", "'%s' is in the future (today is %s)", acquired, im->today);
    if (date_ok(im, "last-inspection", v[I_INSPECTION], 0, inspected) == 0 && *inspected) {
        if (strcmp(inspected, im->today) > 0)
            bad(im, "last-inspection", "'%s' is after today (%s)", inspected, im->today);
        else if (*acquired && strcmp(inspected, acquired) < 0)
            bad(im, "last-inspection", "'%s' is before the item was acquired (%s)", inspected,
                acquired);
    }
    text_ok(im, "notes", v[I_NOTES], NOTES_MAX, 0);
    if (im->row_bad || im->fatal)
        return;

    if (*v[I_TAG]) {
        snprintf(tag, sizeof tag, "%s", v[I_TAG]);
        int64_t n = depot_tag_number(cat->slug, tag);
        if (cat->next && n >= cat->next)
            cat->next = n + 1;
    } else if (next_tag(im, cat, tag) != 0) {
        im->fatal = DEPOT_EIO;
        return;
    }
    const char *st_word = status >= 0 ? item_statuses[status]
                          : site->logistics ? "reserve" : "in-service";
    sqlite3_stmt *st = depot_stmt(d,
        "INSERT INTO item (tag, category_id, model, serial, station_id, vehicle_id, status,"
        " acquired, last_inspection, notes, created_ns) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    if (!st) {
        im->fatal = DEPOT_EIO;
        return;
    }
    sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, cat->id);
    sqlite3_bind_text(st, 3, v[I_MODEL], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, v[I_SERIAL], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, site->id);
    if (vehicle)
        sqlite3_bind_int64(st, 6, vehicle);
    sqlite3_bind_text(st, 7, st_word, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, acquired, -1, SQLITE_STATIC);
    if (*inspected)
        sqlite3_bind_text(st, 9, inspected, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, v[I_NOTES], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, depot_now_ns());
    int r = insert(im, st, "cannot create an item");
    if (r == 0) {
        journal_made(im, DK_ITEM, sqlite3_last_insert_rowid(d->db), tag);
    } else if (r == 1) {
        int64_t other = 0;
        sqlite3_stmt *f = depot_stmt(d, "SELECT id FROM item WHERE tag = ?");
        if (f) {
            sqlite3_bind_text(f, 1, tag, -1, SQLITE_STATIC);
            if (sqlite3_step(f) == SQLITE_ROW)
                other = sqlite3_column_int64(f, 0);
            sqlite3_reset(f);
        }
        taken(im, "tag", tag, other);
    }
}

/* ---- vehicles ---- */

static void vehicle_row(struct import *im, const char *const *v)
{
    depot *d = im->d;
    char service[11];
    int64_t year = 0, mileage = 0;
    int status = 0;
    const char *why = NULL;

    slug_ok(im, "callsign", v[V_CALLSIGN], "a callsign");
    struct category *type = find_category(im, "type", v[V_TYPE], 1);
    const struct site *site = find_site(im, "station", v[V_STATION]);
    if (*v[V_STATUS] && (status = parse_word(v[V_STATUS], vehicle_statuses, NULL)) < 0)
        bad(im, "status", "'%s' is not one of in-service, standby, maintenance,"
            " out-of-service, retired", q(im, v[V_STATUS]));
    text_ok(im, "plate", v[V_PLATE], TEXT_MAX, 1);
    if (!*v[V_YEAR]) {
        bad(im, "year", "empty (the year it entered service is required)");
    } else {
        int y;
        if (parse_year(v[V_YEAR], &y, &why) != 0)
            bad(im, "year", "'%s' is not a year (YYYY)", q(im, v[V_YEAR]));
        else if (memcmp(v[V_YEAR], im->today, 4) > 0)
            bad(im, "year", "'%s' is in the future (today is %s)", v[V_YEAR], im->today);
        year = y;
    }
    number_ok(im, "mileage", v[V_MILEAGE], 0, &mileage);
    date_ok(im, "next-service", v[V_SERVICE], 0, service);
    text_ok(im, "notes", v[V_NOTES], NOTES_MAX, 0);
    if (im->row_bad || im->fatal)
        return;

    sqlite3_stmt *st = depot_stmt(d,
        "INSERT INTO vehicle (callsign, type_id, station_id, status, plate, year, mileage,"
        " next_service, notes, created_ns) VALUES (?,?,?,?,?,?,?,?,?,?)");
    if (!st) {
        im->fatal = DEPOT_EIO;
        return;
    }
    sqlite3_bind_text(st, 1, v[V_CALLSIGN], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, type->id);
    sqlite3_bind_int64(st, 3, site->id);
    sqlite3_bind_text(st, 4, vehicle_statuses[status], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, v[V_PLATE], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, year);
    sqlite3_bind_int64(st, 7, mileage);
    if (*service)
        sqlite3_bind_text(st, 8, service, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, v[V_NOTES], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, depot_now_ns());
    int r = insert(im, st, "cannot create a vehicle");
    if (r == 0) {
        journal_made(im, DK_VEHICLE, sqlite3_last_insert_rowid(d->db), v[V_CALLSIGN]);
    } else if (r == 1) {
        int64_t other = 0;
        sqlite3_stmt *f = depot_stmt(d, "SELECT id FROM vehicle WHERE callsign = ?");
        if (f) {
            sqlite3_bind_text(f, 1, v[V_CALLSIGN], -1, SQLITE_STATIC);
            if (sqlite3_step(f) == SQLITE_ROW)
                other = sqlite3_column_int64(f, 0);
            sqlite3_reset(f);
        }
        taken(im, "callsign", v[V_CALLSIGN], other);
    }
}

/* ---- reserve lines ---- */

static void line_row(struct import *im, const char *const *v)
{
    depot *d = im->d;
    const struct module *mod = NULL;
    int64_t count = 0, target = 0, minimum = 0;

    if (slug_ok(im, "module", v[L_MODULE], "a reserve module") == 0) {
        for (size_t i = 0; i < im->nmods && !mod; i++)
            if (!strcmp(im->mods[i].slug, v[L_MODULE]))
                mod = &im->mods[i];
        if (!mod)
            bad(im, "module", "no such reserve module '%s'", q(im, v[L_MODULE]));
    }
    if (slug_ok(im, "line", v[L_LINE], "a line name") == 0
        && (!strcmp(v[L_LINE], "name") || !strcmp(v[L_LINE], "location")
            || !strcmp(v[L_LINE], "summary")))
        bad(im, "line", "'%s' is the name of a module's file; choose another", v[L_LINE]);
    text_ok(im, "name", v[L_NAME], TEXT_MAX, 1);
    text_ok(im, "unit", v[L_UNIT], TEXT_MAX, 1);
    number_ok(im, "count", v[L_COUNT], 0, &count);
    number_ok(im, "target", v[L_TARGET], 0, &target);
    number_ok(im, "minimum", v[L_MINIMUM], 0, &minimum);
    if (im->row_bad || im->fatal)
        return;

    sqlite3_stmt *st = depot_stmt(d,
        "INSERT INTO reserve_line (module_id, slug, name, unit, count, target, minimum,"
        " created_ns) VALUES (?,?,?,?,?,?,?,?)");
    if (!st) {
        im->fatal = DEPOT_EIO;
        return;
    }
    sqlite3_bind_int64(st, 1, mod->id);
    sqlite3_bind_text(st, 2, v[L_LINE], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, v[L_NAME], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, v[L_UNIT], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, count);
    sqlite3_bind_int64(st, 6, target);
    sqlite3_bind_int64(st, 7, minimum);
    sqlite3_bind_int64(st, 8, depot_now_ns());
    strbuf name = STRBUF_INIT;
    strbuf_addf(&name, "%s/%s", mod->slug, v[L_LINE]);
    int r = insert(im, st, "cannot create a reserve line");
    if (r == 0) {
        journal_made(im, DK_LINE, sqlite3_last_insert_rowid(d->db), strbuf_str(&name));
    } else if (r == 1) {
        int64_t other = 0;
        sqlite3_stmt *f = depot_stmt(d, "SELECT id FROM reserve_line WHERE module_id = ?"
                                        " AND slug = ?");
        if (f) {
            sqlite3_bind_int64(f, 1, mod->id);
            sqlite3_bind_text(f, 2, v[L_LINE], -1, SQLITE_STATIC);
            if (sqlite3_step(f) == SQLITE_ROW)
                other = sqlite3_column_int64(f, 0);
            sqlite3_reset(f);
        }
        taken(im, "line", strbuf_str(&name), other);
    }
    strbuf_release(&name);
}

/* ---- the header ---- */

/* The column name a spreadsheet wrote, as ours: trimmed, lowercase, with
 * '_' and ' ' as '-'. */
static void column_name(const char *s, strbuf *out)
{
    strbuf_reset(out);
    while (is_blank(*s))
        s++;
    for (; *s; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if (c == '_' || c == ' ')
            c = '-';
        strbuf_addch(out, c);
    }
    while (out->len && out->buf[out->len - 1] == '-' && is_blank(s[-1])) {
        out->buf[--out->len] = '\0';
        s--;
    }
}

static int has_column(const csv_reader *r, const char *name, strbuf *tmp)
{
    for (size_t i = 0; i < r->nfields; i++) {
        column_name(r->field[i], tmp);
        if (!strcmp(strbuf_str(tmp), name))
            return 1;
    }
    return 0;
}

/* Reads the header: sets im->kind and map[file column] = kind column.
 * Returns 0, or -1 after reporting (every fault of the header). */
static int header(struct import *im, csv_reader *r, int *map)
{
    strbuf *tmp = &im->scratch;
    enum io_kind k = im->o->kind;
    im->line = r->record_line;
    if (k == IO_AUTO) {
        if (has_column(r, "callsign", tmp))
            k = IO_VEHICLES;
        else if (has_column(r, "module", tmp))
            k = IO_LINES;
        else if (has_column(r, "category", tmp) || has_column(r, "tag", tmp))
            k = IO_ITEMS;
        else {
            bad(im, NULL, "cannot tell what the file holds: the header names no 'category'"
                " (items), 'callsign' (vehicles) or 'module' (reserve lines) column;"
                " use --kind");
            return -1;
        }
    }
    im->kind = &kinds[k];
    const struct kind_def *kd = im->kind;
    int seen[MAX_COLUMNS] = { 0 };
    for (size_t i = 0; i < r->nfields; i++) {
        column_name(r->field[i], tmp);
        map[i] = -1;
        for (size_t c = 0; c < kd->ncols; c++)
            if (!strcmp(kd->cols[c].name, strbuf_str(tmp)))
                map[i] = (int)c;
        if (map[i] < 0) {
            strbuf names = STRBUF_INIT;
            for (size_t c = 0; c < kd->ncols; c++)
                strbuf_addf(&names, "%s%s", c ? ", " : "", kd->cols[c].name);
            bad(im, NULL, "unknown column '%s' (%s have: %s)", q(im, r->field[i]), kd->name,
                strbuf_str(&names));
            strbuf_release(&names);
        } else if (seen[map[i]]++) {
            bad(im, NULL, "column '%s' appears twice", kd->cols[map[i]].name);
        }
    }
    for (size_t c = 0; c < kd->ncols; c++)
        if ((kd->cols[c].flags & REQ) && !seen[c])
            bad(im, NULL, "missing column '%s' (%s need it)", kd->cols[c].name, kd->name);
    return im->errors ? -1 : 0;
}

/* ---- setup ---- */

/* Reads sites, categories and modules into arrays. */
static int load_names(struct import *im)
{
    depot *d = im->d;
    sqlite3_stmt *st = depot_stmt(d, "SELECT id, slug, kind = 'logistics-base' FROM site");
    if (!st)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        im->sites = realloc(im->sites, (im->nsites + 1) * sizeof *im->sites);
        if (!im->sites)
            abort();
        im->sites[im->nsites++] = (struct site){
            strdup((const char *)sqlite3_column_text(st, 1)), sqlite3_column_int64(st, 0),
            sqlite3_column_int(st, 2) };
    }
    sqlite3_reset(st);
    st = depot_stmt(d, "SELECT id, slug, kind = 'vehicle' FROM category");
    if (!st)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        im->cats = realloc(im->cats, (im->ncats + 1) * sizeof *im->cats);
        if (!im->cats)
            abort();
        im->cats[im->ncats++] = (struct category){
            strdup((const char *)sqlite3_column_text(st, 1)), sqlite3_column_int64(st, 0),
            sqlite3_column_int(st, 2), 0 };
    }
    sqlite3_reset(st);
    st = depot_stmt(d, "SELECT id, slug FROM reserve_module");
    if (!st)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        im->mods = realloc(im->mods, (im->nmods + 1) * sizeof *im->mods);
        if (!im->mods)
            abort();
        im->mods[im->nmods++] = (struct module){
            strdup((const char *)sqlite3_column_text(st, 1)), sqlite3_column_int64(st, 0) };
    }
    sqlite3_reset(st);
    return 0;
}

static void import_release(struct import *im)
{
    for (size_t i = 0; i < im->nsites; i++)
        free(im->sites[i].slug);
    for (size_t i = 0; i < im->ncats; i++)
        free(im->cats[i].slug);
    for (size_t i = 0; i < im->nmods; i++)
        free(im->mods[i].slug);
    free(im->sites);
    free(im->cats);
    free(im->mods);
    free(im->made_id);
    free(im->made_line);
    strbuf_release(&im->reason);
    strbuf_release(&im->scratch);
}

/* Trims blanks around each field in place (fields are the reader's). */
static void trim_fields(csv_reader *r)
{
    for (size_t i = 0; i < r->nfields; i++) {
        char *s = (char *)r->field[i];
        size_t n = r->len[i];
        while (n && is_blank(s[n - 1]))
            s[--n] = '\0';
        size_t lead = 0;
        while (lead < n && is_blank(s[lead]))
            lead++;
        r->field[i] = s + lead;
        r->len[i] = n - lead;
    }
}

/* The record's fields in the kind's column order ("" for absent columns);
 * checks the field count, NUL bytes and UTF-8.  -1 if the record is bad. */
static int arrange(struct import *im, csv_reader *r, const int *map, size_t nheader,
                   const char **v)
{
    const struct kind_def *kd = im->kind;
    for (size_t c = 0; c < kd->ncols; c++)
        v[c] = "";
    if (r->nfields != nheader) {
        bad(im, NULL, "%zu fields where the header has %zu", r->nfields, nheader);
        return -1;
    }
    for (size_t i = 0; i < r->nfields; i++) {
        const char *col = kd->cols[map[i]].name;
        if (strlen(r->field[i]) != r->len[i])
            bad(im, col, "holds a NUL byte");
        else if (!utf8_valid(r->field[i], r->len[i]))
            bad(im, col, "is not UTF-8 text (save the sheet as CSV UTF-8)");
        else
            v[map[i]] = r->field[i];
    }
    return im->row_bad ? -1 : 0;
}

int io_import(depot *d, FILE *in, const io_import_opts *o, io_import_result *res,
              strbuf *report)
{
    struct import im = { 0 };
    csv_reader r;
    int map[CSV_MAX_FIELDS];
    size_t nheader = 0;
    int rc;

    im.d = d;
    im.o = o;
    im.file = o->name ? o->name : "-";
    im.report = report;
    im.who = o->who ? o->who : depot_self_actor();
    depot_today(d, im.today);
    strbuf_addf(&im.reason, "import %s", im.file);
    memset(res, 0, sizeof *res);
    csv_reader_init(&r, in);

    if ((rc = depot_begin(d)) != DEPOT_OK) {
        csv_reader_release(&r);
        import_release(&im);
        return rc;
    }
    /* a larger page cache while importing (the indexes grow); put back after */
    int64_t old_cache = -2000;
    sqlite3_stmt *cs = depot_stmt(d, "PRAGMA cache_size");
    if (cs && sqlite3_step(cs) == SQLITE_ROW)
        old_cache = sqlite3_column_int64(cs, 0);
    if (cs)
        sqlite3_reset(cs);
    sqlite3_exec(d->db, "PRAGMA cache_size = -262144", NULL, NULL, NULL);
    if (load_names(&im) != 0) {
        rc = DEPOT_EIO;
        goto out;
    }
    int got = csv_read(&r), header_ok = 0;
    if (got == 0) {
        im.line = 1;
        bad(&im, NULL, "the file is empty (a header row is needed)");
    } else if (got > 0) {
        trim_fields(&r);
        nheader = r.nfields;
        header_ok = header(&im, &r, map) == 0;
    }
    /* every record, even after faults, so that all of them are reported */
    while (header_ok && !im.fatal) {
        const char *v[MAX_COLUMNS];
        got = csv_read(&r);
        if (got <= 0)
            break;
        res->rows++;
        im.line = r.record_line;
        im.row_bad = 0;
        trim_fields(&r);
        if (arrange(&im, &r, map, nheader, v) == 0)
            im.kind->row(&im, v);
        if (o->progress && res->rows % PROGRESS_EVERY == 0)
            o->progress(o->ctx, r.bytes, o->size, res->rows);
    }
    if (got < 0) {
        im.line = r.record_line;
        im.row_bad = 0;
        bad(&im, NULL, "%s", r.error);
    }
    if (o->progress)
        o->progress(o->ctx, r.bytes, o->size, res->rows);
    res->kind = im.kind ? (enum io_kind)(im.kind - kinds) : IO_AUTO;
    res->errors = im.errors;
    if (im.fatal) {
        rc = im.fatal;
    } else if (im.errors) {
        if (im.errors > IO_MAX_REPORTED)
            strbuf_addf(report, "%s: %ld more faults not shown\n", im.file,
                        im.errors - IO_MAX_REPORTED);
        rc = depot_fail(d, DEPOT_EINVAL, "%ld %s in '%s'; nothing was imported", im.errors,
                        im.errors == 1 ? "fault" : "faults", im.file);
    } else {
        rc = DEPOT_OK;
    }
out:
    {
        char sql[48];
        snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)old_cache);
        sqlite3_exec(d->db, sql, NULL, NULL, NULL);
    }
    if (rc == DEPOT_OK)
        rc = depot_commit(d);
    else
        depot_rollback(d);
    csv_reader_release(&r);
    import_release(&im);
    return rc;
}

/* ---- export ---- */

static int write_out(depot *d, FILE *out, strbuf *sb)
{
    if (sb->len && fwrite(sb->buf, 1, sb->len, out) != sb->len)
        return depot_fail(d, DEPOT_EIO, "cannot write the export: %s", strerror(errno));
    strbuf_reset(sb);
    return DEPOT_OK;
}

int io_export_csv(depot *d, enum io_kind k, FILE *out)
{
    static const char *const sql[] = {
        [IO_ITEMS] =
            "SELECT i.tag, c.slug, i.model, i.serial, s.slug, coalesce(v.callsign, ''),"
            " i.status, i.acquired, coalesce(i.last_inspection, ''), i.notes"
            " FROM item i JOIN category c ON c.id = i.category_id"
            " JOIN site s ON s.id = i.station_id LEFT JOIN vehicle v ON v.id = i.vehicle_id"
            " ORDER BY i.id",
        [IO_VEHICLES] =
            "SELECT v.callsign, c.slug, s.slug, v.status, v.plate, v.year, v.mileage,"
            " coalesce(v.next_service, ''), v.notes"
            " FROM vehicle v JOIN category c ON c.id = v.type_id"
            " JOIN site s ON s.id = v.station_id ORDER BY v.id",
        [IO_LINES] =
            "SELECT m.slug, l.slug, l.name, l.unit, l.count, l.target, l.minimum"
            " FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id ORDER BY l.id",
    };
    if (k < IO_ITEMS || k > IO_LINES)
        return depot_fail(d, DEPOT_EINVAL, "cannot export: no such kind");
    const struct kind_def *kd = &kinds[k];
    const char *f[MAX_COLUMNS];
    strbuf sb = STRBUF_INIT;
    int rc;
    for (size_t c = 0; c < kd->ncols; c++)
        f[c] = kd->cols[c].name;
    csv_add_row(&sb, f, kd->ncols);
    sqlite3_stmt *st = depot_stmt(d, sql[k]);
    if (!st) {
        strbuf_release(&sb);
        return DEPOT_EIO;
    }
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        for (size_t c = 0; c < kd->ncols; c++)
            f[c] = (const char *)sqlite3_column_text(st, (int)c);
        csv_add_row(&sb, f, kd->ncols);
        if (sb.len > 65536 && (rc = write_out(d, out, &sb)) != DEPOT_OK)
            goto out;
    }
    rc = s == SQLITE_DONE ? write_out(d, out, &sb) : depot_sqlfail(d, "cannot read the depot");
out:
    sqlite3_reset(st);
    strbuf_release(&sb);
    return rc;
}

/* Appends s as a JSON string. */
static void json_str(strbuf *sb, const char *s)
{
    strbuf_addch(sb, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            strbuf_addch(sb, '\\');
            strbuf_addch(sb, (char)c);
        } else if (c == '\n') {
            strbuf_addstr(sb, "\\n");
        } else if (c < 0x20 || c == 0x7f) {
            strbuf_addf(sb, "\\u%04x", c);
        } else {
            strbuf_addch(sb, (char)c);
        }
    }
    strbuf_addch(sb, '"');
}

/* Appends each row of st as a JSON object whose keys are names[] (the
 * columns in order; NULL is null, integers are numbers), as members of an
 * array already opened.  Writes out now and then. */
static int json_rows(depot *d, FILE *out, strbuf *sb, sqlite3_stmt *st, const char *const *names,
                     size_t n, const char *indent)
{
    int s, first = 1, rc = DEPOT_OK;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        strbuf_addf(sb, "%s\n%s{", first ? "" : ",", indent);
        first = 0;
        for (size_t c = 0; c < n; c++) {
            strbuf_addf(sb, "%s\"%s\": ", c ? ", " : "", names[c]);
            switch (sqlite3_column_type(st, (int)c)) {
            case SQLITE_NULL:
                strbuf_addstr(sb, "null");
                break;
            case SQLITE_INTEGER:
                strbuf_addf(sb, "%lld", (long long)sqlite3_column_int64(st, (int)c));
                break;
            default:
                json_str(sb, (const char *)sqlite3_column_text(st, (int)c));
            }
        }
        strbuf_addch(sb, '}');
        if (sb->len > 65536 && (rc = write_out(d, out, sb)) != DEPOT_OK)
            break;
    }
    if (!rc && s != SQLITE_DONE)
        rc = depot_sqlfail(d, "cannot read the depot");
    sqlite3_reset(st);
    return rc;
}

#define JSON_ROWS(key, sql, ...) do {                                               \
        static const char *const names_[] = { __VA_ARGS__ };                        \
        sqlite3_stmt *st_ = depot_stmt(d, sql);                                     \
        strbuf_addstr(&sb, ",\n  \"" key "\": [");                                  \
        rc = st_ ? json_rows(d, out, &sb, st_, names_, NCOLS(names_), "    ")       \
                 : DEPOT_EIO;                                                       \
        strbuf_addstr(&sb, "\n  ]");                                                \
    } while (0)

int io_export_json(depot *d, FILE *out)
{
    strbuf sb = STRBUF_INIT;
    int rc = DEPOT_OK;
    sqlite3_stmt *st;
    strbuf_addf(&sb, "{\n  \"format\": \"depotfs\",\n  \"schema\": %d,\n  \"settings\": {",
                DEPOT_SCHEMA_VERSION);
    st = depot_stmt(d, "SELECT key, value FROM setting ORDER BY key");
    if (!st)
        rc = DEPOT_EIO;
    for (int first = 1; !rc && sqlite3_step(st) == SQLITE_ROW; first = 0) {
        strbuf_addstr(&sb, first ? "\n    " : ",\n    ");
        json_str(&sb, (const char *)sqlite3_column_text(st, 0));
        strbuf_addstr(&sb, ": ");
        json_str(&sb, (const char *)sqlite3_column_text(st, 1));
    }
    if (st)
        sqlite3_reset(st);
    strbuf_addstr(&sb, "\n  }");
    if (!rc)
        JSON_ROWS("sites", "SELECT slug, name, kind, state, opened FROM site ORDER BY id",
                  "slug", "name", "kind", "state", "opened");
    if (!rc)
        JSON_ROWS("categories", "SELECT slug, name, kind, class, service_life,"
                  " inspection_interval FROM category ORDER BY id",
                  "slug", "name", "kind", "class", "service-life", "inspection-interval");
    if (!rc)
        JSON_ROWS("vehicles", "SELECT v.callsign, c.slug, s.slug, v.status, v.plate, v.year,"
                  " v.mileage, v.next_service, v.notes FROM vehicle v"
                  " JOIN category c ON c.id = v.type_id JOIN site s ON s.id = v.station_id"
                  " ORDER BY v.id",
                  "callsign", "type", "station", "status", "plate", "year", "mileage",
                  "next-service", "notes");
    if (!rc)
        JSON_ROWS("items", "SELECT i.tag, c.slug, i.model, i.serial, s.slug, v.callsign,"
                  " i.status, i.acquired, i.last_inspection, i.notes FROM item i"
                  " JOIN category c ON c.id = i.category_id JOIN site s ON s.id = i.station_id"
                  " LEFT JOIN vehicle v ON v.id = i.vehicle_id ORDER BY i.id",
                  "tag", "category", "model", "serial", "station", "vehicle", "status",
                  "acquired", "last-inspection", "notes");
    if (!rc)
        JSON_ROWS("reserves", "SELECT m.slug, l.slug, l.name, l.unit, l.count, l.target,"
                  " l.minimum FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id"
                  " ORDER BY m.id, l.id",
                  "module", "line", "name", "unit", "count", "target", "minimum");
    if (!rc)
        JSON_ROWS("modules", "SELECT slug, name, location FROM reserve_module ORDER BY id",
                  "slug", "name", "location");
    /* plans, as plans/<year>.json shows them */
    int years[256];
    size_t ny = 0;
    if (!rc) {
        st = depot_stmt(d, "SELECT year FROM plan ORDER BY year");
        if (!st)
            rc = DEPOT_EIO;
        while (!rc && ny < 256 && sqlite3_step(st) == SQLITE_ROW)
            years[ny++] = sqlite3_column_int(st, 0);
        if (st)
            sqlite3_reset(st);
    }
    if (!rc) {
        strbuf_addstr(&sb, ",\n  \"plans\": [");
        strbuf plan = STRBUF_INIT;
        for (size_t i = 0; i < ny && !rc; i++) {
            strbuf_reset(&plan);
            rc = depot_plan_show(d, years[i], &plan);
            while (plan.len && plan.buf[plan.len - 1] == '\n')
                plan.buf[--plan.len] = '\0';
            strbuf_addf(&sb, "%s\n", i ? "," : "");
            strbuf_add(&sb, plan.buf, plan.len);
        }
        strbuf_release(&plan);
        strbuf_addstr(&sb, "\n  ]\n}\n");
    }
    if (!rc)
        rc = write_out(d, out, &sb);
    strbuf_release(&sb);
    if (!rc && fflush(out) != 0)
        rc = depot_fail(d, DEPOT_EIO, "cannot write the export: %s", strerror(errno));
    return rc;
}

/* ---- backup ---- */

static void remove_copy(const char *dest)
{
    char b[4200];
    unlink(dest);
    snprintf(b, sizeof b, "%s-wal", dest);
    unlink(b);
    snprintf(b, sizeof b, "%s-shm", dest);
    unlink(b);
    snprintf(b, sizeof b, "%s-journal", dest);
    unlink(b);
}

int io_backup(depot *d, const char *dest, long *pages)
{
    int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return depot_fail(d, errno == EEXIST ? DEPOT_EEXIST : DEPOT_EIO,
                          "cannot back up to '%s': %s", dest,
                          errno == EEXIST ? "file exists (a backup never overwrites)"
                                          : strerror(errno));
    close(fd);
    sqlite3 *to = NULL;
    int rc = DEPOT_OK;
    if (sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        rc = depot_fail(d, DEPOT_EIO, "cannot back up to '%s': %s", dest,
                        to ? sqlite3_errmsg(to) : "out of memory");
        goto out;
    }
    sqlite3_backup *b = sqlite3_backup_init(to, "main", d->db, "main");
    if (!b) {
        rc = depot_fail(d, DEPOT_EIO, "cannot back up to '%s': %s", dest, sqlite3_errmsg(to));
        goto out;
    }
    /* One step copies every page under one read transaction: a snapshot.
     * A writer holding the lock (rollback journal mode) makes it BUSY: wait. */
    int s, tries = 0;
    while ((s = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || s == SQLITE_LOCKED) {
        if (++tries > 600)
            break;
        sqlite3_sleep(50);
    }
    if (pages)
        *pages = sqlite3_backup_pagecount(b);
    sqlite3_backup_finish(b);
    if (s != SQLITE_DONE)
        rc = depot_fail(d, s == SQLITE_BUSY || s == SQLITE_LOCKED ? DEPOT_EBUSY : DEPOT_EIO,
                        "cannot back up to '%s': %s", dest, sqlite3_errstr(s));
out:
    if (to && sqlite3_close(to) != SQLITE_OK && rc == DEPOT_OK)
        rc = depot_fail(d, DEPOT_EIO, "cannot back up to '%s': cannot close the copy", dest);
    if (rc != DEPOT_OK)
        remove_copy(dest);
    return rc;
}
