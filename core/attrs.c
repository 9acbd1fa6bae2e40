/*
 * attrs.c: the files inside an object's directory, sysfs style.
 *
 * Each kind of object has a table of attributes: a file name, a mode and a
 * show/store pair (depot_attr in depot.h).  show appends the value as text
 * ending in "\n" ("none" for an absent value); store gets a value already
 * split by depot_store() into text and reason, checks it against the SPEC's
 * rules and applies it in one transaction with its journal rows.  Adding a
 * file to every object of a kind is one row in a table below and two small
 * functions.
 *
 * The journal records old and new values exactly as the files show them:
 * update_journalled() renders the attribute with its own show function
 * before and after each UPDATE, inside the transaction, and journals it only
 * if the text changed.  So a store of the value already held changes and
 * journals nothing, and a cascade (a vehicle's load moving with it, retiring
 * unloading) is journalled per object in the same words as a direct write.
 * Counts and mileage adjusted with +N/-N are one UPDATE ... SET x = x + N
 * (add_delta()), so concurrent writers never lose an update; the new value
 * is read back in the same transaction and the old one computed from it and
 * the delta.
 *
 * item.json and vehicle.json are built from the other attribute files, so
 * they cannot disagree with them.  Two private flag bits (ATTR_INT,
 * ATTR_NULLABLE, above the public DEPOT_ATTR_* bits) give each file's JSON
 * type.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "parse.h"

/* Private flags: the JSON type of a value in *.json (default: string). */
#define ATTR_INT        0x100   /* shown as a decimal integer: a JSON number */
#define ATTR_NULLABLE   0x200   /* "none" means absent: JSON null */

/* Longest part of a refused value quoted in a message, in bytes. */
#define QUOTE_MAX 64

typedef int (*show_fn)(depot *d, int64_t id, strbuf *out);

/* ---- small helpers ---- */

/* Copies s into buf (QUOTE_MAX + 4 bytes), cut at a UTF-8 character
 * boundary with "..." if longer than QUOTE_MAX bytes.  Returns buf. */
static const char *clip(const char *s, char buf[QUOTE_MAX + 4])
{
    size_t n = strlen(s);
    if (n <= QUOTE_MAX) {
        memcpy(buf, s, n + 1);
        return buf;
    }
    n = QUOTE_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    memcpy(buf, s, n);
    memcpy(buf + n, "...", 4);
    return buf;
}

/* Appends a printable, shortened form of what a program wrote (which may
 * hold NUL bytes, newlines or invalid UTF-8) to out, for messages. */
static void quote_raw(const char *buf, size_t len, strbuf *out)
{
    size_t i;
    /* the newline that ends a line is not part of the value */
    if (len && buf[len - 1] == '\n') {
        len--;
        if (len && buf[len - 1] == '\r')
            len--;
    }
    int utf8 = utf8_valid(buf, len);
    for (i = 0; i < len && i < QUOTE_MAX; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\n')
            strbuf_addstr(out, "\\n");
        else if (c == '\\')
            strbuf_addstr(out, "\\\\");
        else if (c >= 0x20 && c < 0x7f)
            strbuf_addch(out, (char)c);
        else if (c >= 0x80 && utf8)
            strbuf_addch(out, (char)c);
        else
            strbuf_addf(out, "\\x%02x", c);
    }
    /* finish a UTF-8 character cut by the limit */
    while (utf8 && i < len && ((unsigned char)buf[i] & 0xc0) == 0x80)
        strbuf_addch(out, buf[i++]);
    if (i < len)
        strbuf_addstr(out, "...");
}

/* Sets the failure words "attr: <fmt...>" and returns code. */
static int refuse(depot *d, int code, const char *attr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int refuse(depot *d, int code, const char *attr, const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    strbuf_addf(&sb, "%s: ", attr);
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    depot_fail(d, code, "%s", strbuf_str(&sb));
    strbuf_release(&sb);
    return code;
}

/* Refuses text that is not a word of vocab, listing the words. */
static int refuse_word(depot *d, const char *attr, const char *text, const char *const *vocab)
{
    char q[QUOTE_MAX + 4];
    strbuf words = STRBUF_INIT;
    for (size_t i = 0; vocab[i]; i++)
        strbuf_addf(&words, "%s%s", i ? ", " : "", vocab[i]);
    refuse(d, DEPOT_EINVAL, attr, "'%s' is not one of %s", clip(text, q), strbuf_str(&words));
    strbuf_release(&words);
    return DEPOT_EINVAL;
}

/* Removes one trailing newline from sb. */
static void chomp(strbuf *sb)
{
    if (sb->len && sb->buf[sb->len - 1] == '\n')
        sb->buf[--sb->len] = '\0';
}

/* Appends ns (since the epoch) as local time "2026-11-30T14:03:12+0800". */
static void add_time(strbuf *out, int64_t ns)
{
    int64_t s = ns / 1000000000;
    if (ns % 1000000000 < 0)
        s--;
    time_t t = (time_t)s;
    struct tm tm;
    char buf[64];
    if (!localtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm))
        snprintf(buf, sizeof buf, "@%lld", (long long)s);
    strbuf_addstr(out, buf);
}

/* Fails with "no such <kind> (id N)". */
static int no_object(depot *d, enum depot_kind k, int64_t id)
{
    return depot_fail(d, DEPOT_ENOENT, "no such %s (id %lld)", depot_kind_name(k), (long long)id);
}

/*
 * Runs sql (a static string with one parameter, the object id) and appends
 * column 0 of its row and "\n" to out; a NULL shows as "none".  DEPOT_ENOENT
 * when there is no row (no such object).
 */
static int show_sql(depot *d, enum depot_kind k, const char *sql, int64_t id, strbuf *out)
{
    sqlite3_stmt *st = depot_stmt(d, sql);
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE)
        return no_object(d, k, id);
    if (s != SQLITE_ROW)
        return depot_sqlfail(d, "cannot read a value");
    if (sqlite3_column_type(st, 0) == SQLITE_NULL)
        strbuf_addstr(out, "none");
    else
        depot_col_text(st, 0, out);
    strbuf_addch(out, '\n');
    sqlite3_reset(st);
    return DEPOT_OK;
}

/* Defines show function fn of kind k as the value of sql. */
#define SHOW_SQL(fn, k, sql)                                                   \
    static int fn(depot *d, int64_t id, strbuf *out)                           \
    {                                                                          \
        return show_sql(d, k, sql, id, out);                                   \
    }

/* Runs sql (one parameter, the id) and sets *v to column 0 as int64.
 * DEPOT_ENOENT if no row. */
static int query_int(depot *d, enum depot_kind k, const char *sql, int64_t id, int64_t *v)
{
    sqlite3_stmt *st = depot_stmt(d, sql);
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE)
        return no_object(d, k, id);
    if (s != SQLITE_ROW)
        return depot_sqlfail(d, "cannot read a value");
    *v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return DEPOT_OK;
}

/* Appends the slug the journal names object (k, id) by; a line is
 * "<module>/<line>" so that the journal reads alone. */
static int obj_slug(depot *d, enum depot_kind k, int64_t id, strbuf *out)
{
    static const char *const sql[DK_COUNT] = {
        [DK_SITE] = "SELECT slug FROM site WHERE id = ?",
        [DK_CATEGORY] = "SELECT slug FROM category WHERE id = ?",
        [DK_VEHICLE] = "SELECT callsign FROM vehicle WHERE id = ?",
        [DK_ITEM] = "SELECT tag FROM item WHERE id = ?",
        [DK_MODULE] = "SELECT slug FROM reserve_module WHERE id = ?",
        [DK_LINE] = "SELECT m.slug || '/' || l.slug FROM reserve_line l"
                    " JOIN reserve_module m ON m.id = l.module_id WHERE l.id = ?",
        [DK_PLAN] = "SELECT year FROM plan WHERE year = ?",
        [DK_DELIVERY] = "SELECT note FROM delivery WHERE id = ?",
    };
    if ((unsigned)k >= DK_COUNT)
        return no_object(d, k, id);
    int rc = show_sql(d, k, sql[k], id, out);
    chomp(out);
    return rc;
}

/* Sets *ns to the creation time of object (k, id). */
static int obj_created(depot *d, enum depot_kind k, int64_t id, int64_t *ns)
{
    static const char *const sql[DK_COUNT] = {
        [DK_SITE] = "SELECT created_ns FROM site WHERE id = ?",
        [DK_CATEGORY] = "SELECT created_ns FROM category WHERE id = ?",
        [DK_VEHICLE] = "SELECT created_ns FROM vehicle WHERE id = ?",
        [DK_ITEM] = "SELECT created_ns FROM item WHERE id = ?",
        [DK_MODULE] = "SELECT created_ns FROM reserve_module WHERE id = ?",
        [DK_LINE] = "SELECT created_ns FROM reserve_line WHERE id = ?",
        [DK_PLAN] = "SELECT created_ns FROM plan WHERE year = ?",
        [DK_DELIVERY] = "SELECT received_ns FROM delivery WHERE id = ?",
    };
    if ((unsigned)k >= DK_COUNT)
        return no_object(d, k, id);
    return query_int(d, k, sql[k], id, ns);
}

/* ---- journalled changes ---- */

/* Renders attribute show of object id into out without its newline. */
static int shown(depot *d, show_fn show, int64_t id, strbuf *out)
{
    strbuf_reset(out);
    int rc = show(d, id, out);
    chomp(out);
    return rc;
}

/* Appends one journal row for object (k, id), naming it by its slug. */
static int journal(depot *d, const depot_actor *who, enum depot_kind k, int64_t id,
                   const char *attr, const char *was, const char *now, const char *reason)
{
    strbuf slug = STRBUF_INIT;
    int rc = obj_slug(d, k, id, &slug);
    if (!rc)
        rc = depot_journal(d, who, k, id, strbuf_str(&slug), attr, was, now, reason);
    strbuf_release(&slug);
    return rc;
}

/*
 * Inside the caller's transaction: steps st, an UPDATE of object (k, id)
 * with its parameters bound, and journals attribute attr (rendered by show
 * before and after) with reason if its text changed, counting the row in
 * *changed.  DEPOT_ENOENT if the object does not exist.
 */
static int update_journalled(depot *d, const depot_actor *who, enum depot_kind k, int64_t id,
                             const char *attr, show_fn show, sqlite3_stmt *st,
                             const char *reason, int *changed)
{
    strbuf was = STRBUF_INIT, now = STRBUF_INIT;
    int rc = shown(d, show, id, &was);
    if (!rc) {
        int s = sqlite3_step(st);
        sqlite3_reset(st);
        if (s != SQLITE_DONE && s != SQLITE_ROW)
            rc = depot_sqlfail(d, "cannot store the value");
    }
    if (!rc)
        rc = shown(d, show, id, &now);
    if (!rc && strcmp(strbuf_str(&was), strbuf_str(&now))) {
        rc = journal(d, who, k, id, attr, strbuf_str(&was), strbuf_str(&now), reason);
        if (!rc)
            (*changed)++;
    }
    strbuf_release(&was);
    strbuf_release(&now);
    return rc;
}

/* Ends a store's transaction: rolls back on failure or when nothing
 * changed, else commits.  Returns rc or the commit's result. */
static int finish(depot *d, int rc, int changed)
{
    if (rc || !changed) {
        depot_rollback(d);
        return rc;
    }
    return depot_commit(d);
}

/*
 * Inside the caller's write transaction: runs add_sql (?1 delta, ?2 id), the
 * one atomic "UPDATE ... SET x = x + ?1" of a +N/-N store, then reads the
 * new value with get_sql (? id); what names the store in SQLite failures.
 * The read sees exactly what the UPDATE left, since the transaction holds
 * the write lock throughout.  *found is 0
 * when the UPDATE changed no row (then *type and *now are untouched); else
 * *type is the new value's SQLite type (SQLITE_FLOAT when SQLite turned an
 * int64 overflow into a REAL) and *now the value.
 *
 * Not UPDATE ... RETURNING: SQLite runs RETURNING as a trigger, which makes
 * the UPDATE a multi-row write with a statement journal, a 64 KiB buffer
 * allocated and freed and a page copied on every store.
 */
static int add_delta(depot *d, enum depot_kind k, const char *add_sql, const char *get_sql,
                     int64_t delta, int64_t id, const char *what, int *found, int *type,
                     int64_t *now)
{
    sqlite3_stmt *st = depot_stmt(d, add_sql);
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, delta);
    sqlite3_bind_int64(st, 2, id);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return depot_sqlfail(d, what);
    *found = sqlite3_changes(d->db) > 0;
    if (!*found)
        return DEPOT_OK;
    st = depot_stmt(d, get_sql);
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, id);
    s = sqlite3_step(st);
    if (s != SQLITE_ROW) {
        sqlite3_reset(st);
        return s == SQLITE_DONE ? no_object(d, k, id) : depot_sqlfail(d, "cannot read a value");
    }
    *type = sqlite3_column_type(st, 0);
    *now = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return DEPOT_OK;
}

/* Prepares sql and binds (a, b) as ?1 and ?2; NULL on failure. */
static sqlite3_stmt *stmt2(depot *d, const char *sql, int64_t a, int64_t b)
{
    sqlite3_stmt *st = depot_stmt(d, sql);
    if (st) {
        sqlite3_bind_int64(st, 1, a);
        sqlite3_bind_int64(st, 2, b);
    }
    return st;
}

/* The statement that takes item id off its vehicle, bound; NULL on failure. */
static sqlite3_stmt *unload_stmt(depot *d, int64_t id)
{
    sqlite3_stmt *st = depot_stmt(d, "UPDATE item SET vehicle_id = NULL WHERE id = ?");
    if (st)
        sqlite3_bind_int64(st, 1, id);
    return st;
}

/* Finds the site named slug (inside a transaction): DEPOT_EINVAL with
 * "attr: no such site 'x'" if there is none. */
static int find_site(depot *d, const char *attr, const char *slug, int64_t *site)
{
    char q[QUOTE_MAX + 4];
    if (parse_slug(slug, NULL) != 0)
        return refuse(d, DEPOT_EINVAL, attr, "no such site '%s'", clip(slug, q));
    sqlite3_stmt *st = depot_stmt(d, "SELECT id FROM site WHERE slug = ?");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE)
        return refuse(d, DEPOT_EINVAL, attr, "no such site '%s'", clip(slug, q));
    if (s != SQLITE_ROW)
        return depot_sqlfail(d, "cannot look up a site");
    *site = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return DEPOT_OK;
}

/* Collects the ids of the items loaded on vehicle into *ids (malloc'd, the
 * caller frees) and their number into *n. */
static int loaded_items(depot *d, int64_t vehicle, int64_t **ids, size_t *n)
{
    sqlite3_stmt *st = depot_stmt(d, "SELECT id FROM item WHERE vehicle_id = ? ORDER BY id");
    size_t cap = 0;
    int s;
    *ids = NULL;
    *n = 0;
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, vehicle);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            int64_t *p = realloc(*ids, cap * sizeof *p);
            if (!p) {
                sqlite3_reset(st);
                return depot_fail(d, DEPOT_ENOMEM, "cannot list a vehicle's load: out of memory");
            }
            *ids = p;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return depot_sqlfail(d, "cannot list a vehicle's load");
    return DEPOT_OK;
}

/* A date value in canonical form into buf, or refusal words for attr. */
static int parse_date_value(depot *d, const char *attr, const char *text, char buf[11])
{
    char q[QUOTE_MAX + 4];
    int y, m, dd;
    if (parse_date(text, &y, &m, &dd, NULL) != 0)
        return refuse(d, DEPOT_EINVAL, attr, "'%s' is not a date (YYYY-MM-DD)", clip(text, q));
    snprintf(buf, 11, "%04d-%02d-%02d", y, m, dd);
    return DEPOT_OK;
}

/* ---- rendering through the read-transaction memo ---- */

static const depot_attr *table_of(enum depot_kind k, size_t *n);

/*
 * Appends attribute i of kind k's table, of object id, to out: what its
 * show function appends.  Inside a read transaction (d->reading) a plain
 * attribute's text is remembered in d->show_memo for the rest of it, where
 * the data cannot change, and served from there the next time; the memo
 * holds one object and is forgotten when the transaction ends or a write
 * begins.  Files made from the whole object (DEPOT_ATTR_OBJECT) and
 * volatile ones are always rendered.
 */
static int show_attr(depot *d, enum depot_kind k, size_t i, int64_t id, strbuf *out)
{
    size_t n;
    const depot_attr *a = &table_of(k, &n)[i];
    if (!d->reading || i >= DEPOT_SHOW_MEMO_ATTRS
        || (a->flags & (DEPOT_ATTR_OBJECT | DEPOT_ATTR_VOLATILE)))
        return a->show(d, id, out);
    if (!d->show_memo.valid || d->show_memo.kind != k || d->show_memo.id != id) {
        d->show_memo.valid = 1;
        d->show_memo.kind = k;
        d->show_memo.id = id;
        d->show_memo.have = 0;
    }
    strbuf *memo = &d->show_memo.text[i];
    if (d->show_memo.have & (1u << i)) {
        strbuf_add(out, memo->buf, memo->len);
        return DEPOT_OK;
    }
    size_t len = out->len;
    int rc = a->show(d, id, out);
    if (rc)
        return rc;
    strbuf_reset(memo);
    strbuf_add(memo, out->buf + len, out->len - len);
    d->show_memo.have |= 1u << i;
    return DEPOT_OK;
}

/* ---- history ---- */

/* Appends the history of object (k, id): its creation, then one line per
 * journal row, oldest first. */
static int show_history(depot *d, enum depot_kind k, int64_t id, strbuf *out)
{
    int64_t created;
    int rc = obj_created(d, k, id, &created);
    if (rc)
        return rc;
    add_time(out, created);
    strbuf_addstr(out, " created\n");
    sqlite3_stmt *st = depot_stmt(d,
        "SELECT at_ns, attribute, old, new, user, uid, process, pid, reason FROM journal"
        " WHERE object_kind = ?1 AND object_id = ?2 ORDER BY at_ns, id");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, depot_kind_name(k), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        add_time(out, sqlite3_column_int64(st, 0));
        strbuf_addch(out, ' ');
        depot_col_text(st, 1, out);
        for (int c = 2; c <= 3; c++) {
            strbuf_addstr(out, c == 2 ? " " : " -> ");
            if (sqlite3_column_type(st, c) == SQLITE_NULL)
                strbuf_addstr(out, "none");
            else
                depot_col_text(st, c, out);
        }
        strbuf_addstr(out, " by ");
        depot_col_text(st, 4, out);
        strbuf_addf(out, " (uid %lld) via ", (long long)sqlite3_column_int64(st, 5));
        if (sqlite3_column_bytes(st, 6) > 0) {
            depot_col_text(st, 6, out);
            strbuf_addf(out, "[%lld]", (long long)sqlite3_column_int64(st, 7));
        } else {
            strbuf_addf(out, "pid %lld", (long long)sqlite3_column_int64(st, 7));
        }
        if (sqlite3_column_bytes(st, 8) > 0) {
            strbuf_addstr(out, ": ");
            depot_col_text(st, 8, out);
        }
        strbuf_addch(out, '\n');
    }
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return depot_sqlfail(d, "cannot read the history");
    return DEPOT_OK;
}

static int show_vehicle_history(depot *d, int64_t id, strbuf *out)
{
    return show_history(d, DK_VEHICLE, id, out);
}

static int show_item_history(depot *d, int64_t id, strbuf *out)
{
    return show_history(d, DK_ITEM, id, out);
}

static int show_line_history(depot *d, int64_t id, strbuf *out)
{
    return show_history(d, DK_LINE, id, out);
}

/* Appends object (k, id) as a JSON object of its non-OBJECT attributes,
 * each rendered by its own show function. */
static int show_json(depot *d, enum depot_kind k, int64_t id, strbuf *out)
{
    size_t n;
    const depot_attr *a = depot_attrs(k, &n);
    json_t *obj = json_object();
    strbuf val = STRBUF_INIT;
    int rc = obj ? DEPOT_OK : depot_fail(d, DEPOT_ENOMEM, "cannot build JSON: out of memory");
    for (size_t i = 0; i < n && !rc; i++) {
        if (a[i].flags & DEPOT_ATTR_OBJECT)
            continue;
        strbuf_reset(&val);
        rc = show_attr(d, k, i, id, &val);
        if (rc)
            break;
        chomp(&val);
        json_t *j;
        if ((a[i].flags & ATTR_NULLABLE) && !strcmp(strbuf_str(&val), "none"))
            j = json_null();
        else if (a[i].flags & ATTR_INT)
            j = json_integer(strtoll(strbuf_str(&val), NULL, 10));
        else
            j = json_stringn(strbuf_str(&val), val.len);
        if (!j || json_object_set_new(obj, a[i].name, j) != 0)
            rc = depot_fail(d, DEPOT_EIO, "cannot build JSON: '%s' of %s %lld is not UTF-8",
                            a[i].name, depot_kind_name(k), (long long)id);
    }
    if (!rc) {
        char *s = json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (!s) {
            rc = depot_fail(d, DEPOT_ENOMEM, "cannot write JSON: out of memory");
        } else {
            strbuf_addstr(out, s);
            strbuf_addch(out, '\n');
            free(s);
        }
    }
    json_decref(obj);
    strbuf_release(&val);
    return rc;
}

/* ---- sites ---- */

SHOW_SQL(show_site_name, DK_SITE, "SELECT name FROM site WHERE id = ?")
SHOW_SQL(show_site_kind, DK_SITE, "SELECT kind FROM site WHERE id = ?")
SHOW_SQL(show_site_state, DK_SITE, "SELECT state FROM site WHERE id = ?")
SHOW_SQL(show_site_opened, DK_SITE, "SELECT opened FROM site WHERE id = ?")

static int show_site_summary(depot *d, int64_t id, strbuf *out)
{
    int64_t one;
    int rc = query_int(d, DK_SITE, "SELECT 1 FROM site WHERE id = ?", id, &one);
    return rc ? rc : depot_site_summary(d, id, out);
}

/* ---- categories ---- */

SHOW_SQL(show_category_name, DK_CATEGORY, "SELECT name FROM category WHERE id = ?")
SHOW_SQL(show_category_kind, DK_CATEGORY, "SELECT kind FROM category WHERE id = ?")
SHOW_SQL(show_category_class, DK_CATEGORY, "SELECT class FROM category WHERE id = ?")
SHOW_SQL(show_category_life, DK_CATEGORY, "SELECT service_life FROM category WHERE id = ?")
SHOW_SQL(show_category_interval, DK_CATEGORY,
         "SELECT inspection_interval FROM category WHERE id = ?")

/* Stores a whole number within [lo, hi] (unit names it in messages). */
static int store_category_int(depot *d, int64_t id, const depot_value *v, const depot_actor *who,
                              const char *attr, const char *unit, int64_t lo, int64_t hi,
                              const char *sql, show_fn show)
{
    char q[QUOTE_MAX + 4];
    const char *why = NULL;
    int64_t n;
    if (parse_uint(v->text, &n, &why) != 0)
        return refuse(d, DEPOT_EINVAL, attr, "'%s' is not a number of %s: %s",
                      clip(v->text, q), unit, why ? why : "not a number");
    if (n < lo || n > hi)
        return refuse(d, DEPOT_EINVAL, attr, "'%s' is out of range (%lld-%lld %s)",
                      clip(v->text, q), (long long)lo, (long long)hi, unit);
    int changed = 0, rc = depot_begin(d);
    if (rc)
        return rc;
    sqlite3_stmt *st = stmt2(d, sql, n, id);
    rc = st ? update_journalled(d, who, DK_CATEGORY, id, attr, show, st, v->reason, &changed)
            : DEPOT_EIO;
    return finish(d, rc, changed);
}

static int store_category_life(depot *d, int64_t id, const depot_value *v, const depot_actor *who)
{
    return store_category_int(d, id, v, who, "service-life", "years", 1, 100,
                              "UPDATE category SET service_life = ?1 WHERE id = ?2",
                              show_category_life);
}

static int store_category_interval(depot *d, int64_t id, const depot_value *v,
                                   const depot_actor *who)
{
    return store_category_int(d, id, v, who, "inspection-interval", "days", 1, 3660,
                              "UPDATE category SET inspection_interval = ?1 WHERE id = ?2",
                              show_category_interval);
}

/* ---- vehicles ---- */

SHOW_SQL(show_vehicle_type, DK_VEHICLE,
         "SELECT c.slug FROM vehicle v JOIN category c ON c.id = v.type_id WHERE v.id = ?")
SHOW_SQL(show_vehicle_class, DK_VEHICLE,
         "SELECT c.class FROM vehicle v JOIN category c ON c.id = v.type_id WHERE v.id = ?")
SHOW_SQL(show_vehicle_station, DK_VEHICLE,
         "SELECT s.slug FROM vehicle v JOIN site s ON s.id = v.station_id WHERE v.id = ?")
SHOW_SQL(show_vehicle_status, DK_VEHICLE, "SELECT status FROM vehicle WHERE id = ?")
SHOW_SQL(show_vehicle_plate, DK_VEHICLE, "SELECT plate FROM vehicle WHERE id = ?")
SHOW_SQL(show_vehicle_year, DK_VEHICLE, "SELECT year FROM vehicle WHERE id = ?")
SHOW_SQL(show_vehicle_mileage, DK_VEHICLE, "SELECT mileage FROM vehicle WHERE id = ?")
SHOW_SQL(show_vehicle_next_service, DK_VEHICLE, "SELECT next_service FROM vehicle WHERE id = ?")
SHOW_SQL(show_vehicle_notes, DK_VEHICLE, "SELECT notes FROM vehicle WHERE id = ?")

static int show_item_vehicle(depot *d, int64_t id, strbuf *out);
static int show_item_station(depot *d, int64_t id, strbuf *out);

static int show_vehicle_json(depot *d, int64_t id, strbuf *out)
{
    return show_json(d, DK_VEHICLE, id, out);
}

/*
 * Applies a vehicle's change to every item loaded on it, each journalled
 * with the reason "<before><callsign><after>": unloads them (site 0) or
 * moves them to site.  Inside the caller's transaction; a depot code.
 */
static int cascade_load(depot *d, const depot_actor *who, int64_t vehicle, const char *before,
                        const char *after, int64_t site, int *changed)
{
    strbuf reason = STRBUF_INIT;
    int64_t *ids = NULL;
    size_t n = 0;
    strbuf_addstr(&reason, before);
    int rc = obj_slug(d, DK_VEHICLE, vehicle, &reason);
    strbuf_addstr(&reason, after);
    if (!rc)
        rc = loaded_items(d, vehicle, &ids, &n);
    for (size_t i = 0; i < n && !rc; i++) {
        sqlite3_stmt *st = site
            ? stmt2(d, "UPDATE item SET station_id = ?1 WHERE id = ?2", site, ids[i])
            : unload_stmt(d, ids[i]);
        rc = !st ? DEPOT_EIO
           : update_journalled(d, who, DK_ITEM, ids[i], site ? "station" : "vehicle",
                               site ? show_item_station : show_item_vehicle, st,
                               strbuf_str(&reason), changed);
    }
    free(ids);
    strbuf_release(&reason);
    return rc;
}

static int store_vehicle_status(depot *d, int64_t id, const depot_value *v, const depot_actor *who)
{
    int w = parse_word(v->text, vehicle_statuses, NULL);
    if (w < 0)
        return refuse_word(d, "status", v->text, vehicle_statuses);
    int changed = 0, rc = depot_begin(d);
    if (rc)
        return rc;
    sqlite3_stmt *st = depot_stmt(d, "UPDATE vehicle SET status = ?1 WHERE id = ?2");
    if (!st)
        return finish(d, DEPOT_EIO, 0);
    sqlite3_bind_text(st, 1, vehicle_statuses[w], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    rc = update_journalled(d, who, DK_VEHICLE, id, "status", show_vehicle_status, st,
                           v->reason, &changed);
    if (!rc && !strcmp(vehicle_statuses[w], "retired")) {
        /* a retired vehicle carries nothing */
        rc = cascade_load(d, who, id, "vehicle ", " retired", 0, &changed);
    }
    return finish(d, rc, changed);
}

/* The first half of a station store, in a transaction it begins: finds
 * the site v names (*site) and runs sql (?1 site, ?2 id), journalled.
 * The caller adds the consequences and calls finish(). */
static int move_to_site(depot *d, enum depot_kind k, int64_t id, const depot_value *v,
                        const depot_actor *who, const char *sql, show_fn show, int64_t *site,
                        int *changed)
{
    int rc = find_site(d, "station", v->text, site);
    if (rc)
        return rc;
    sqlite3_stmt *st = stmt2(d, sql, *site, id);
    return st ? update_journalled(d, who, k, id, "station", show, st, v->reason, changed)
              : DEPOT_EIO;
}

static int store_vehicle_station(depot *d, int64_t id, const depot_value *v, const depot_actor *who)
{
    int64_t site = 0;
    int changed = 0, rc = depot_begin(d);
    if (rc)
        return rc;
    rc = move_to_site(d, DK_VEHICLE, id, v, who, "UPDATE vehicle SET station_id = ?1 WHERE id = ?2",
                      show_vehicle_station, &site, &changed);
    if (!rc) {
        /* its load moves with it */
        rc = cascade_load(d, who, id, "moved with vehicle ", "", site, &changed);
    }
    return finish(d, rc, changed);
}

static int store_vehicle_mileage(depot *d, int64_t id, const depot_value *v, const depot_actor *who)
{
    char q[QUOTE_MAX + 4];
    const char *why = NULL;
    int relative;
    int64_t n, cur;
    if (parse_count(v->text, &relative, &n, &why) != 0)
        return refuse(d, DEPOT_EINVAL, "mileage", "'%s' is not a mileage (N or +N km): %s",
                      clip(v->text, q), why ? why : "not a number");
    if (relative && v->text[0] == '-')
        return refuse(d, DEPOT_EINVAL, "mileage", "'%s' would lower the mileage"
                      " (mileage never goes down)", clip(v->text, q));
    int changed = 0, rc = depot_begin(d);
    if (rc)
        return rc;
    if (!relative) {
        rc = query_int(d, DK_VEHICLE, "SELECT mileage FROM vehicle WHERE id = ?", id, &cur);
        if (!rc && n < cur)
            rc = refuse(d, DEPOT_EINVAL, "mileage", "'%s' is below the current %lld"
                        " (mileage never goes down)", clip(v->text, q), (long long)cur);
        sqlite3_stmt *st = rc ? NULL : stmt2(d, "UPDATE vehicle SET mileage = ?1 WHERE id = ?2",
                                             n, id);
        if (!rc)
            rc = st ? update_journalled(d, who, DK_VEHICLE, id, "mileage", show_vehicle_mileage,
                                        st, v->reason, &changed)
                    : DEPOT_EIO;
        return finish(d, rc, changed);
    }
    /* +N: one statement, so that concurrent writers never lose an update */
    int found = 0, type = SQLITE_NULL;
    int64_t now = 0;
    rc = add_delta(d, DK_VEHICLE, "UPDATE vehicle SET mileage = mileage + ?1 WHERE id = ?2",
                   "SELECT mileage FROM vehicle WHERE id = ?", n, id,
                   "cannot store the mileage", &found, &type, &now);
    if (rc)
        return finish(d, rc, 0);
    if (!found)
        return finish(d, no_object(d, DK_VEHICLE, id), 0);
    if (type != SQLITE_INTEGER)
        return finish(d, refuse(d, DEPOT_EINVAL, "mileage", "'%s' would make the mileage"
                                " too large", clip(v->text, q)), 0);
    if (n != 0) {
        char was[24], nowt[24];
        snprintf(was, sizeof was, "%lld", (long long)(now - n));
        snprintf(nowt, sizeof nowt, "%lld", (long long)now);
        rc = journal(d, who, DK_VEHICLE, id, "mileage", was, nowt, v->reason);
        changed = 1;
    }
    return finish(d, rc, changed);
}

static int store_vehicle_next_service(depot *d, int64_t id, const depot_value *v,
                                      const depot_actor *who)
{
    char date[11];
    int none = !strcmp(v->text, "none");
    int changed = 0, rc = none ? DEPOT_OK : parse_date_value(d, "next-service", v->text, date);
    if (rc)
        return rc;
    if ((rc = depot_begin(d)))
        return rc;
    sqlite3_stmt *st = depot_stmt(d, "UPDATE vehicle SET next_service = ?1 WHERE id = ?2");
    if (!st)
        return finish(d, DEPOT_EIO, 0);
    if (!none)
        sqlite3_bind_text(st, 1, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, id);
    rc = update_journalled(d, who, DK_VEHICLE, id, "next-service", show_vehicle_next_service, st,
                           v->reason, &changed);
    return finish(d, rc, changed);
}

static int store_vehicle_notes(depot *d, int64_t id, const depot_value *v, const depot_actor *who)
{
    int changed = 0, rc = depot_begin(d);
    if (rc)
        return rc;
    sqlite3_stmt *st = depot_stmt(d, "UPDATE vehicle SET notes = ?1 WHERE id = ?2");
    if (!st)
        return finish(d, DEPOT_EIO, 0);
    sqlite3_bind_text(st, 1, v->text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    rc = update_journalled(d, who, DK_VEHICLE, id, "notes", show_vehicle_notes, st, v->reason,
                           &changed);
    return finish(d, rc, changed);
}

/* ---- equipment items ---- */

SHOW_SQL(show_item_category, DK_ITEM,
         "SELECT c.slug FROM item i JOIN category c ON c.id = i.category_id WHERE i.id = ?")
SHOW_SQL(show_item_model, DK_ITEM, "SELECT model FROM item WHERE id = ?")
SHOW_SQL(show_item_serial, DK_ITEM, "SELECT serial FROM item WHERE id = ?")
SHOW_SQL(show_item_station, DK_ITEM,
         "SELECT s.slug FROM item i JOIN site s ON s.id = i.station_id WHERE i.id = ?")
SHOW_SQL(show_item_vehicle, DK_ITEM,
         "SELECT v.callsign FROM item i LEFT JOIN vehicle v ON v.id = i.vehicle_id WHERE i.id = ?")
SHOW_SQL(show_item_status, DK_ITEM, "SELECT status FROM item WHERE id = ?")
SHOW_SQL(show_item_acquired, DK_ITEM, "SELECT acquired FROM item WHERE id = ?")
SHOW_SQL(show_item_expires, DK_ITEM,
         "SELECT date(i.acquired, '+' || c.service_life || ' years')"
         " FROM item i JOIN category c ON c.id = i.category_id WHERE i.id = ?")
SHOW_SQL(show_item_last_inspection, DK_ITEM, "SELECT last_inspection FROM item WHERE id = ?")
SHOW_SQL(show_item_next_inspection, DK_ITEM,
         "SELECT date(coalesce(i.last_inspection, i.acquired), '+' || c.inspection_interval"
         " || ' days') FROM item i JOIN category c ON c.id = i.category_id WHERE i.id = ?")
SHOW_SQL(show_item_notes, DK_ITEM, "SELECT notes FROM item WHERE id = ?")

static int show_item_json(depot *d, int64_t id, strbuf *out)
{
    return show_json(d, DK_ITEM, id, out);
}

static int store_item_status(depot *d, int64_t id, const depot_value *v, const depot_actor *who)
{
    int w = parse_word(v->text, item_statuses, NULL);
    if (w < 0)
        return refuse_word(d, "status", v->text, item_statuses);
    int changed = 0, rc = depot_begin(d);
    if (rc)
        return rc;
    sqlite3_stmt *st = depot_stmt(d, "UPDATE item SET status = ?1 WHERE id = ?2");
    if (!st)
        return finish(d, DEPOT_EIO, 0);
    sqlite3_bind_text(st, 1, item_statuses[w], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    rc = update_journalled(d, who, DK_ITEM, id, "status", show_item_status, st, v->reason,
                           &changed);
    if (!rc && !strcmp(item_statuses[w], "retired")) {
        /* a retired item is on no vehicle */
        st = unload_stmt(d, id);
        rc = st ? update_journalled(d, who, DK_ITEM, id, "vehicle", show_item_vehicle, st,
                                    "retired", &changed)
                : DEPOT_EIO;
    }
    return finish(d, rc, changed);
}

static int store_item_station(depot *d, int64_t id, const depot_value *v, const depot_actor *who)
{
    int64_t site = 0;
    int changed = 0, rc = depot_begin(d);
    if (rc)
        return rc;
    rc = move_to_site(d, DK_ITEM, id, v, who, "UPDATE item SET station_id = ?1 WHERE id = ?2",
                      show_item_station, &site, &changed);
    if (!rc) {
        /* an item cannot ride a vehicle at another station */
        strbuf reason = STRBUF_INIT;
        strbuf_addf(&reason, "moved to %s", v->text);
        sqlite3_stmt *st = stmt2(d, "UPDATE item SET vehicle_id = NULL WHERE id = ?1 AND"
                      " (SELECT station_id FROM vehicle WHERE vehicle.id = item.vehicle_id)"
                      " IS NOT ?2", id, site);
        rc = st ? update_journalled(d, who, DK_ITEM, id, "vehicle", show_item_vehicle, st,
                                    strbuf_str(&reason), &changed)
                : DEPOT_EIO;
        strbuf_release(&reason);
    }
    return finish(d, rc, changed);
}

static int store_item_vehicle(depot *d, int64_t id, const depot_value *v, const depot_actor *who)
{
    char q[QUOTE_MAX + 4];
    int changed = 0, rc;
    sqlite3_stmt *st;
    if (!strcmp(v->text, "none")) {
        if ((rc = depot_begin(d)))
            return rc;
        st = unload_stmt(d, id);
        rc = st ? update_journalled(d, who, DK_ITEM, id, "vehicle", show_item_vehicle, st,
                                    v->reason, &changed)
                : DEPOT_EIO;
        return finish(d, rc, changed);
    }
    if (parse_slug(v->text, NULL) != 0)
        return refuse(d, DEPOT_EINVAL, "vehicle", "no such vehicle '%s' (a callsign or none)",
                      clip(v->text, q));
    if ((rc = depot_begin(d)))
        return rc;
    st = depot_stmt(d, "SELECT id, station_id, status = 'retired' FROM vehicle WHERE callsign = ?");
    if (!st)
        return finish(d, DEPOT_EIO, 0);
    sqlite3_bind_text(st, 1, v->text, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    int64_t vid = 0, site = 0;
    int vretired = 0;
    if (s == SQLITE_ROW) {
        vid = sqlite3_column_int64(st, 0);
        site = sqlite3_column_int64(st, 1);
        vretired = sqlite3_column_int(st, 2);
    }
    sqlite3_reset(st);
    if (s == SQLITE_DONE)
        return finish(d, refuse(d, DEPOT_EINVAL, "vehicle", "no such vehicle '%s'",
                                clip(v->text, q)), 0);
    if (s != SQLITE_ROW)
        return finish(d, depot_sqlfail(d, "cannot look up a vehicle"), 0);
    if (vretired)
        return finish(d, refuse(d, DEPOT_EINVAL, "vehicle", "'%s' is retired; nothing can be"
                                " loaded onto it", clip(v->text, q)), 0);
    int64_t iretired;
    rc = query_int(d, DK_ITEM, "SELECT status = 'retired' FROM item WHERE id = ?", id, &iretired);
    if (!rc && iretired) {
        strbuf tag = STRBUF_INIT;
        rc = obj_slug(d, DK_ITEM, id, &tag);
        if (!rc)
            rc = refuse(d, DEPOT_EINVAL, "vehicle", "cannot load onto '%s': item '%s' is retired",
                        clip(v->text, q), strbuf_str(&tag));
        strbuf_release(&tag);
    }
    if (rc)
        return finish(d, rc, 0);
    st = stmt2(d, "UPDATE item SET vehicle_id = ?1 WHERE id = ?2", vid, id);
    rc = st ? update_journalled(d, who, DK_ITEM, id, "vehicle", show_item_vehicle, st,
                                v->reason, &changed)
            : DEPOT_EIO;
    if (!rc) {
        /* what a vehicle carries is at its station */
        strbuf reason = STRBUF_INIT;
        strbuf_addf(&reason, "loaded onto vehicle %s", v->text);
        st = stmt2(d, "UPDATE item SET station_id = ?1 WHERE id = ?2", site, id);
        rc = st ? update_journalled(d, who, DK_ITEM, id, "station", show_item_station, st,
                                    strbuf_str(&reason), &changed)
                : DEPOT_EIO;
        strbuf_release(&reason);
    }
    return finish(d, rc, changed);
}

static int store_item_last_inspection(depot *d, int64_t id, const depot_value *v,
                                      const depot_actor *who)
{
    char q[QUOTE_MAX + 4], date[11], today[11];
    int changed = 0, rc = parse_date_value(d, "last-inspection", v->text, date);
    if (rc)
        return rc;
    depot_today(d, today);
    if (strcmp(date, today) > 0)
        return refuse(d, DEPOT_EINVAL, "last-inspection", "'%s' is after today (%s)",
                      clip(v->text, q), today);
    if ((rc = depot_begin(d)))
        return rc;
    strbuf acquired = STRBUF_INIT;
    rc = shown(d, show_item_acquired, id, &acquired);
    if (!rc && strcmp(date, strbuf_str(&acquired)) < 0)
        rc = refuse(d, DEPOT_EINVAL, "last-inspection", "'%s' is before the item was acquired"
                    " (%s)", clip(v->text, q), strbuf_str(&acquired));
    strbuf_release(&acquired);
    if (rc)
        return finish(d, rc, 0);
    sqlite3_stmt *st = depot_stmt(d, "UPDATE item SET last_inspection = ?1 WHERE id = ?2");
    if (!st)
        return finish(d, DEPOT_EIO, 0);
    sqlite3_bind_text(st, 1, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, id);
    rc = update_journalled(d, who, DK_ITEM, id, "last-inspection", show_item_last_inspection,
                           st, v->reason, &changed);
    return finish(d, rc, changed);
}

static int store_item_notes(depot *d, int64_t id, const depot_value *v, const depot_actor *who)
{
    int changed = 0, rc = depot_begin(d);
    if (rc)
        return rc;
    sqlite3_stmt *st = depot_stmt(d, "UPDATE item SET notes = ?1 WHERE id = ?2");
    if (!st)
        return finish(d, DEPOT_EIO, 0);
    sqlite3_bind_text(st, 1, v->text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    rc = update_journalled(d, who, DK_ITEM, id, "notes", show_item_notes, st, v->reason,
                           &changed);
    return finish(d, rc, changed);
}

/* ---- reserve modules and their lines ---- */

SHOW_SQL(show_module_name, DK_MODULE, "SELECT name FROM reserve_module WHERE id = ?")
SHOW_SQL(show_module_location, DK_MODULE, "SELECT location FROM reserve_module WHERE id = ?")

static int show_module_summary(depot *d, int64_t id, strbuf *out)
{
    int64_t one;
    int rc = query_int(d, DK_MODULE, "SELECT 1 FROM reserve_module WHERE id = ?", id, &one);
    return rc ? rc : depot_module_summary(d, id, out);
}

SHOW_SQL(show_line_name, DK_LINE, "SELECT name FROM reserve_line WHERE id = ?")
SHOW_SQL(show_line_unit, DK_LINE, "SELECT unit FROM reserve_line WHERE id = ?")
SHOW_SQL(show_line_count, DK_LINE, "SELECT count FROM reserve_line WHERE id = ?")
SHOW_SQL(show_line_target, DK_LINE, "SELECT target FROM reserve_line WHERE id = ?")
SHOW_SQL(show_line_minimum, DK_LINE, "SELECT minimum FROM reserve_line WHERE id = ?")

/* The statements of one count-like column of reserve_line. */
struct line_column {
    const char *attr;
    const char *set_sql;    /* ?1 value, ?2 id */
    const char *add_sql;    /* ?1 delta, ?2 id */
    const char *get_sql;    /* ? id */
    show_fn show;
};

static const struct line_column line_count = {
    "count",
    "UPDATE reserve_line SET count = ?1 WHERE id = ?2",
    "UPDATE reserve_line SET count = count + ?1 WHERE id = ?2 AND count + ?1 >= 0",
    "SELECT count FROM reserve_line WHERE id = ?",
    show_line_count,
};
static const struct line_column line_target = {
    "target",
    "UPDATE reserve_line SET target = ?1 WHERE id = ?2",
    "UPDATE reserve_line SET target = target + ?1 WHERE id = ?2 AND target + ?1 >= 0",
    "SELECT target FROM reserve_line WHERE id = ?",
    show_line_target,
};
static const struct line_column line_minimum = {
    "minimum",
    "UPDATE reserve_line SET minimum = ?1 WHERE id = ?2",
    "UPDATE reserve_line SET minimum = minimum + ?1 WHERE id = ?2 AND minimum + ?1 >= 0",
    "SELECT minimum FROM reserve_line WHERE id = ?",
    show_line_minimum,
};

/* Stores N (set) or +N/-N (one atomic UPDATE) into column c of line id. */
static int store_line_column(depot *d, const struct line_column *c, int64_t id,
                             const depot_value *v, const depot_actor *who)
{
    char q[QUOTE_MAX + 4];
    const char *why = NULL;
    int relative, changed = 0, rc;
    int64_t n;
    if (parse_count(v->text, &relative, &n, &why) != 0)
        return refuse(d, DEPOT_EINVAL, c->attr, "'%s' is not a count (N, +N or -N): %s",
                      clip(v->text, q), why ? why : "not a number");
    if ((rc = depot_begin(d)))
        return rc;
    if (!relative) {
        sqlite3_stmt *st = stmt2(d, c->set_sql, n, id);
        rc = st ? update_journalled(d, who, DK_LINE, id, c->attr, c->show, st, v->reason,
                                    &changed)
                : DEPOT_EIO;
        return finish(d, rc, changed);
    }
    int found = 0, type = SQLITE_NULL;
    int64_t now = 0;
    rc = add_delta(d, DK_LINE, c->add_sql, c->get_sql, n, id, "cannot store a count", &found,
                   &type, &now);
    if (rc)
        return finish(d, rc, 0);
    if (!found) {
        /* no row: no such line, or the result would be negative */
        int64_t cur;
        rc = query_int(d, DK_LINE, c->get_sql, id, &cur);
        if (!rc)
            rc = refuse(d, DEPOT_EINVAL, c->attr, "'%s' would make the %s negative (now %lld)",
                        clip(v->text, q), c->attr, (long long)cur);
        return finish(d, rc, 0);
    }
    if (type != SQLITE_INTEGER)    /* SQLite turned an int64 overflow into a REAL */
        return finish(d, refuse(d, DEPOT_EINVAL, c->attr, "'%s' would make the %s too large",
                                clip(v->text, q), c->attr), 0);
    if (n != 0) {
        char was[24], nowt[24];
        snprintf(was, sizeof was, "%lld", (long long)(now - n));
        snprintf(nowt, sizeof nowt, "%lld", (long long)now);
        rc = journal(d, who, DK_LINE, id, c->attr, was, nowt, v->reason);
        changed = 1;
    }
    return finish(d, rc, changed);
}

static int store_line_count(depot *d, int64_t id, const depot_value *v, const depot_actor *who)
{
    return store_line_column(d, &line_count, id, v, who);
}

static int store_line_target(depot *d, int64_t id, const depot_value *v, const depot_actor *who)
{
    return store_line_column(d, &line_target, id, v, who);
}

static int store_line_minimum(depot *d, int64_t id, const depot_value *v, const depot_actor *who)
{
    return store_line_column(d, &line_minimum, id, v, who);
}

/* ---- the tables ---- */

#define RO(name, show, flags)           { name, 0444, flags, show, NULL }
#define RW(name, show, store, flags)    { name, 0644, flags, show, store }

static const depot_attr site_attrs[] = {
    RO("name", show_site_name, 0),
    RO("kind", show_site_kind, 0),
    RO("state", show_site_state, 0),
    RO("opened", show_site_opened, ATTR_NULLABLE),
    RO("summary", show_site_summary, DEPOT_ATTR_OBJECT | DEPOT_ATTR_VOLATILE),
};

static const depot_attr category_attrs[] = {
    RO("name", show_category_name, 0),
    RO("kind", show_category_kind, 0),
    RO("class", show_category_class, 0),
    RW("service-life", show_category_life, store_category_life, ATTR_INT),
    RW("inspection-interval", show_category_interval, store_category_interval, ATTR_INT),
};

static const depot_attr vehicle_attrs[] = {
    RO("type", show_vehicle_type, 0),
    RO("class", show_vehicle_class, 0),
    RW("station", show_vehicle_station, store_vehicle_station, 0),
    RW("status", show_vehicle_status, store_vehicle_status, 0),
    RO("plate", show_vehicle_plate, 0),
    RO("year", show_vehicle_year, ATTR_INT),
    RW("mileage", show_vehicle_mileage, store_vehicle_mileage, ATTR_INT),
    RW("next-service", show_vehicle_next_service, store_vehicle_next_service, ATTR_NULLABLE),
    RW("notes", show_vehicle_notes, store_vehicle_notes, DEPOT_ATTR_FREETEXT),
    RO("history", show_vehicle_history, DEPOT_ATTR_OBJECT),
    RO("vehicle.json", show_vehicle_json, DEPOT_ATTR_OBJECT),
};

static const depot_attr item_attrs[] = {
    RO("category", show_item_category, 0),
    RO("model", show_item_model, 0),
    RO("serial", show_item_serial, 0),
    RW("station", show_item_station, store_item_station, 0),
    RW("vehicle", show_item_vehicle, store_item_vehicle, ATTR_NULLABLE),
    RW("status", show_item_status, store_item_status, 0),
    RO("acquired", show_item_acquired, 0),
    RO("expires", show_item_expires, 0),
    RW("last-inspection", show_item_last_inspection, store_item_last_inspection, ATTR_NULLABLE),
    RO("next-inspection", show_item_next_inspection, 0),
    RW("notes", show_item_notes, store_item_notes, DEPOT_ATTR_FREETEXT),
    RO("history", show_item_history, DEPOT_ATTR_OBJECT),
    RO("item.json", show_item_json, DEPOT_ATTR_OBJECT),
};

static const depot_attr module_attrs[] = {
    RO("name", show_module_name, 0),
    RO("location", show_module_location, 0),
    RO("summary", show_module_summary, DEPOT_ATTR_OBJECT | DEPOT_ATTR_VOLATILE),
};

static const depot_attr line_attrs[] = {
    RO("name", show_line_name, 0),
    RO("unit", show_line_unit, 0),
    RW("count", show_line_count, store_line_count, ATTR_INT),
    RW("target", show_line_target, store_line_target, ATTR_INT),
    RW("minimum", show_line_minimum, store_line_minimum, ATTR_INT),
    RO("history", show_line_history, DEPOT_ATTR_OBJECT),
};

/* Plans and delivery notes are documents (core/plan.c), not attribute directories. */
static const depot_attr no_attrs[1];

#define TABLE(t) { t, sizeof t / sizeof t[0] }
static const struct {
    const depot_attr *attrs;
    size_t n;
} tables[DK_COUNT] = {
    [DK_SITE] = TABLE(site_attrs),
    [DK_CATEGORY] = TABLE(category_attrs),
    [DK_VEHICLE] = TABLE(vehicle_attrs),
    [DK_ITEM] = TABLE(item_attrs),
    [DK_MODULE] = TABLE(module_attrs),
    [DK_LINE] = TABLE(line_attrs),
    [DK_PLAN] = { no_attrs, 0 },
    [DK_DELIVERY] = { no_attrs, 0 },
};

static const depot_attr *table_of(enum depot_kind k, size_t *n)
{
    if ((unsigned)k >= DK_COUNT) {
        *n = 0;
        return no_attrs;
    }
    *n = tables[k].n;
    return tables[k].attrs;
}

const depot_attr *depot_attrs(enum depot_kind k, size_t *n)
{
    return table_of(k, n);
}

const depot_attr *depot_attr_find(enum depot_kind k, const char *name)
{
    size_t n;
    const depot_attr *a = depot_attrs(k, &n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(a[i].name, name))
            return &a[i];
    return NULL;
}

int depot_show(depot *d, enum depot_kind k, int64_t id, const char *attr, strbuf *out)
{
    const depot_attr *a = depot_attr_find(k, attr);
    if (!a)
        return depot_fail(d, DEPOT_ENOENT, "no such %s attribute '%s'", depot_kind_name(k), attr);
    size_t n, len = out->len;
    int rc = show_attr(d, k, (size_t)(a - table_of(k, &n)), id, out);
    if (rc && out->len > len) {
        /* leave out as it was */
        out->len = len;
        out->buf[len] = '\0';
    }
    return rc;
}

int depot_store(depot *d, enum depot_kind k, int64_t id, const char *attr,
                const char *buf, size_t len, const depot_actor *who)
{
    const depot_attr *a = depot_attr_find(k, attr);
    strbuf q = STRBUF_INIT, text = STRBUF_INIT, reason = STRBUF_INIT;
    const char *why = NULL;
    int rc;
    if (!a)
        return depot_fail(d, DEPOT_ENOENT, "no such %s attribute '%s'", depot_kind_name(k), attr);
    if (!buf)
        buf = "";
    quote_raw(buf, len, &q);
    if (!a->store)
        rc = depot_fail(d, DEPOT_EACCES, "%s: '%s' refused, '%s' of a %s is read-only",
                        attr, strbuf_str(&q), attr, depot_kind_name(k));
    else if (d->flags & DEPOT_OPEN_READONLY)
        rc = depot_fail(d, DEPOT_EROFS, "%s: '%s' refused, the depot is read-only",
                        attr, strbuf_str(&q));
    else if (len > DEPOT_VALUE_MAX + 5)     /* a BOM and "\r\n"; split_value checks exactly */
        rc = depot_fail(d, DEPOT_EINVAL, "%s: '%s' is too long (%zu bytes, at most %d)",
                        attr, strbuf_str(&q), len, DEPOT_VALUE_MAX);
    else if (split_value(buf, len, DEPOT_VALUE_MAX, !!(a->flags & DEPOT_ATTR_FREETEXT),
                         &text, &reason, &why) != 0)
        rc = depot_fail(d, DEPOT_EINVAL, "%s: '%s' refused: %s", attr, strbuf_str(&q),
                        why ? why : "not a value");
    else {
        depot_value v = { strbuf_str(&text), strbuf_str(&reason) };
        rc = a->store(d, id, &v, who);
    }
    strbuf_release(&q);
    strbuf_release(&text);
    strbuf_release(&reason);
    return rc;
}
