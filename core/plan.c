/*
 * plan.c: the two kinds of JSON document in the tree, plans and delivery
 * notes.
 *
 * plans/<year>.json (SPEC section 5) shows a year's planned figures beside
 * what was delivered that year; writing it replaces the planned figures (and
 * only those: "delivered" and "totals" are computed, so on write they are
 * accepted and ignored).  deliveries/<note>.json receives new items: writing
 * a note creates every item it lists, or none.
 *
 * A delivery note is a JSON array of items, or an object {"items": [...]}:
 *     [ { "category": "scba", "model": "RHZK6.8/30", "serial": "A123",
 *         "station": "jiaochangkou", "vehicle": "jck-water-tender-1",
 *         "acquired": "2026-11-30", "tag": "scba-000123" }, ... ]
 * category, model, serial and station are required; vehicle (on that
 * station, not retired; null means none), acquired (default today, never in
 * the future) and tag (default: the category's next number, at least six
 * digits) are optional.  Items go into service, or into reserve at the
 * logistics base; each gets a journal row "delivered" with reason
 * "delivery <note>".  Reading the note back gives the same form, with every
 * tag and date filled in, the items as they are now.
 *
 * Both writers read the whole document with jansson, refuse duplicate keys,
 * and validate all of it before changing anything; a refusal names the
 * offending field the way a program would address it ("vehicles[2].type",
 * "items[3].station") or gives jansson's line and column.  Every accepted
 * document is one transaction with its journal rows.  Storing the plan that
 * is already held changes and journals nothing, so a round trip (cat the
 * file, write the same text back) is harmless.
 */
#include "internal.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "plan.h"

/* Most items one delivery note may list. */
#define DELIVERY_MAX_ITEMS 10000
/* Longest model or serial text. */
#define DELIVERY_TEXT_MAX 256

/* ---- shared with report.c ---- */

int depot_plan_delivered(depot *d, int64_t category, int vehicle, int year, int64_t *n)
{
    sqlite3_stmt *st;
    char from[24], to[24];
    if (vehicle) {
        st = depot_stmt(d, "SELECT count(*) FROM vehicle WHERE type_id = ? AND year = ?");
        if (!st)
            return DEPOT_EIO;
        sqlite3_bind_int64(st, 1, category);
        sqlite3_bind_int(st, 2, year);
    } else {
        /* A range of the (category_id, acquired) index. */
        st = depot_stmt(d, "SELECT count(*) FROM item"
                           " WHERE category_id = ? AND acquired >= ? AND acquired < ?");
        if (!st)
            return DEPOT_EIO;
        snprintf(from, sizeof from, "%04d-01-01", year);
        snprintf(to, sizeof to, "%04d-01-01", year + 1);
        sqlite3_bind_int64(st, 1, category);
        sqlite3_bind_text(st, 2, from, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, to, -1, SQLITE_TRANSIENT);
    }
    if (sqlite3_step(st) != SQLITE_ROW)
        return depot_sqlfail(d, "cannot count deliveries");
    *n = sqlite3_column_int64(st, 0);
    /* A statement left on its row holds the connection's read snapshot:
     * later reads would not see later commits, and BEGIN IMMEDIATE would
     * fail with SQLITE_BUSY_SNAPSHOT. */
    sqlite3_reset(st);
    return DEPOT_OK;
}

int depot_plan_rows(depot *d, int year, plan_row_fn fn, void *ctx)
{
    /* Categories are few (tens): one count per category and year is cheap
     * and each count is an index range. */
    sqlite3_stmt *st = depot_stmt(d,
        "SELECT c.id, c.slug, c.kind = 'vehicle', pl.planned IS NOT NULL, coalesce(pl.planned, 0)"
        " FROM category c LEFT JOIN plan_line pl ON pl.year = ? AND pl.category_id = c.id"
        " ORDER BY c.kind <> 'vehicle', c.id");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int(st, 1, year);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct plan_row r = {
            .category_id = sqlite3_column_int64(st, 0),
            .slug = (const char *)sqlite3_column_text(st, 1),
            .vehicle = sqlite3_column_int(st, 2),
            .has_line = sqlite3_column_int(st, 3),
            .planned = sqlite3_column_int64(st, 4),
        };
        int e = depot_plan_delivered(d, r.category_id, r.vehicle, year, &r.delivered);
        if (e) {
            sqlite3_reset(st);
            return e;
        }
        if (!r.has_line && r.delivered == 0)
            continue;
        e = fn(ctx, &r);
        if (e) {
            sqlite3_reset(st);
            return e;
        }
    }
    if (rc != SQLITE_DONE)
        return depot_sqlfail(d, "cannot read the plan");
    return DEPOT_OK;
}

/* ---- small helpers ---- */

/* Sets the failure words "FILE: PATH: message" (PATH may be "") and returns EINVAL. */
__attribute__((format(printf, 4, 5)))
static int doc_fail(depot *d, const char *file, const char *path, const char *fmt, ...)
{
    strbuf m = STRBUF_INIT;
    va_list ap;
    strbuf_addf(&m, "%s: ", file);
    if (*path)
        strbuf_addf(&m, "%s: ", path);
    va_start(ap, fmt);
    strbuf_vaddf(&m, fmt, ap);
    va_end(ap);
    depot_fail(d, DEPOT_EINVAL, "%s", strbuf_str(&m));
    strbuf_release(&m);
    return DEPOT_EINVAL;
}

/* "a string", "an array", ... for messages. */
static const char *json_words(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:  return "an object";
    case JSON_ARRAY:   return "an array";
    case JSON_STRING:  return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL:    return "a real number";
    case JSON_TRUE:    return "true";
    case JSON_FALSE:   return "false";
    case JSON_NULL:    return "null";
    }
    return "a JSON value";
}

/* Parses doc (after a byte-order mark, which RFC 8259 lets a parser
 * ignore); on a syntax error fails with jansson's line and column. */
static int doc_load(depot *d, const char *file, const char *doc, size_t len, json_t **out)
{
    json_error_t je;
    size_t bom = utf8_bom_len(doc, len);
    *out = json_loadb(doc + bom, len - bom, JSON_REJECT_DUPLICATES, &je);
    if (!*out)
        return depot_fail(d, DEPOT_EINVAL, "%s: line %d, column %d: %s",
                          file, je.line, je.column, je.text);
    return DEPOT_OK;
}

/*
 * After json_unpack_ex() refused object o at path: says why in the
 * document's own words (not an object, an unknown key, a missing one), with
 * jansson's text as the last resort.  keys lists the allowed keys, the first
 * nrequired of them required.
 */
static int object_fail(depot *d, const char *file, const char *path, json_t *o,
                       const char *const *keys, size_t nrequired, const json_error_t *je)
{
    const char *k;
    json_t *v;
    if (!json_is_object(o))
        return doc_fail(d, file, path, "must be a JSON object, not %s", json_words(o));
    json_object_foreach(o, k, v) {
        size_t i;
        for (i = 0; keys[i] && strcmp(keys[i], k); i++)
            ;
        if (!keys[i])
            return doc_fail(d, file, path, "unknown key '%s'", k);
    }
    for (size_t i = 0; i < nrequired; i++)
        if (!json_object_get(o, keys[i]))
            return doc_fail(d, file, path, "'%s' is missing", keys[i]);
    return doc_fail(d, file, path, "%s", je->text);
}

/* A count in a document: a JSON integer 0..DEPOT_PLAN_MAX. */
static int want_count(depot *d, const char *file, const char *path, const json_t *v, int64_t *out)
{
    if (!json_is_integer(v))
        return doc_fail(d, file, path, "must be a non-negative integer, not %s", json_words(v));
    json_int_t n = json_integer_value(v);
    if (n < 0)
        return doc_fail(d, file, path, "must be a non-negative integer, not %lld", (long long)n);
    if (n > DEPOT_PLAN_MAX)
        return doc_fail(d, file, path, "%lld is too large (at most %d)", (long long)n,
                        DEPOT_PLAN_MAX);
    *out = n;
    return DEPOT_OK;
}

/* Looks a category up by slug: *id and *vehicle set, or 0 if there is none. */
static int category_find(depot *d, const char *slug, int64_t *id, int *vehicle, int *found)
{
    sqlite3_stmt *st = depot_stmt(d, "SELECT id, kind = 'vehicle' FROM category WHERE slug = ?");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    *found = 0;
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *vehicle = sqlite3_column_int(st, 1);
        *found = 1;
        sqlite3_reset(st);
    } else if (rc != SQLITE_DONE) {
        return depot_sqlfail(d, "cannot look up a category");
    }
    return DEPOT_OK;
}

/* ---- plans ---- */

/* One planned figure of a document or of the database. */
struct plan_fig {
    int64_t category;
    int vehicle;
    const char *slug;       /* borrowed from the JSON document, or NULL */
    int64_t planned;
};

/* A year's planned figures. */
struct plan_figs {
    int exists;             /* the database holds a plan for the year */
    int64_t recruits;
    struct plan_fig *v;
    size_t n, cap;
};

static void figs_add(struct plan_figs *f, int64_t category, int vehicle, const char *slug,
                     int64_t planned)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 32;
        f->v = realloc(f->v, f->cap * sizeof *f->v);
        if (!f->v)
            abort();
    }
    f->v[f->n++] = (struct plan_fig){ category, vehicle, slug, planned };
}

static int64_t figs_get(const struct plan_figs *f, int64_t category)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].category == category)
            return f->v[i].planned;
    return 0;
}

/* 1 if a and b plan the same: the same recruits and the same figure for
 * every category, a missing line counting as 0. */
static int figs_same(const struct plan_figs *a, const struct plan_figs *b)
{
    if (a->recruits != b->recruits)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (figs_get(b, a->v[i].category) != a->v[i].planned)
            return 0;
    for (size_t i = 0; i < b->n; i++)
        if (figs_get(a, b->v[i].category) != b->v[i].planned)
            return 0;
    return 1;
}

/* The database's planned figures for year (slugs NULL). */
static int figs_load(depot *d, int year, struct plan_figs *f)
{
    sqlite3_stmt *st = depot_stmt(d, "SELECT recruits FROM plan WHERE year = ?");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int(st, 1, year);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        f->exists = 1;
        f->recruits = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    } else if (rc != SQLITE_DONE) {
        return depot_sqlfail(d, "cannot read the plan");
    }
    st = depot_stmt(d, "SELECT pl.category_id, c.kind = 'vehicle', pl.planned"
                       " FROM plan_line pl JOIN category c ON c.id = pl.category_id"
                       " WHERE pl.year = ? ORDER BY pl.category_id");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int(st, 1, year);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        figs_add(f, sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1), NULL,
                 sqlite3_column_int64(st, 2));
    if (rc != SQLITE_DONE)
        return depot_sqlfail(d, "cannot read the plan");
    return DEPOT_OK;
}

/* The journal's words for a year's planned figures: compact JSON such as
 * {"vehicles":{"foam-tender":1},"equipment":{"scba":400},"recruits":40}. */
static int figs_words(depot *d, const struct plan_figs *f, strbuf *out)
{
    json_t *root = json_object(), *veh = json_object(), *eq = json_object();
    int rc = DEPOT_OK;
    for (size_t i = 0; i < f->n && rc == DEPOT_OK; i++) {
        const char *slug = f->v[i].slug;
        sqlite3_stmt *st = NULL;
        if (!slug) {
            st = depot_stmt(d, "SELECT slug FROM category WHERE id = ?");
            if (!st) {
                rc = DEPOT_EIO;
                break;
            }
            sqlite3_bind_int64(st, 1, f->v[i].category);
            if (sqlite3_step(st) != SQLITE_ROW) {
                rc = depot_sqlfail(d, "cannot read a category");
                break;
            }
            slug = (const char *)sqlite3_column_text(st, 0);
        }
        json_object_set_new(f->v[i].vehicle ? veh : eq, slug, json_integer(f->v[i].planned));
        if (st)
            sqlite3_reset(st);
    }
    json_object_set_new(root, "vehicles", veh);
    json_object_set_new(root, "equipment", eq);
    json_object_set_new(root, "recruits", json_integer(f->recruits));
    char *s = rc ? NULL : json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc)
        return rc;
    if (!s)
        return depot_fail(d, DEPOT_ENOMEM, "cannot render the plan");
    strbuf_addstr(out, s);
    free(s);
    return rc;
}

/* Accumulates plans/<year>.json while depot_plan_rows() walks the rows. */
struct show_ctx {
    json_t *vehicles, *equipment;
    int64_t vp, vd, ep, ed;
};

static int show_row(void *ctx, const struct plan_row *r)
{
    struct show_ctx *c = ctx;
    json_t *o = json_object();
    json_object_set_new(o, r->vehicle ? "type" : "category", json_string(r->slug));
    json_object_set_new(o, "planned", json_integer(r->planned));
    json_object_set_new(o, "delivered", json_integer(r->delivered));
    json_array_append_new(r->vehicle ? c->vehicles : c->equipment, o);
    if (r->vehicle) {
        c->vp += r->planned;
        c->vd += r->delivered;
    } else {
        c->ep += r->planned;
        c->ed += r->delivered;
    }
    return 0;
}

static json_t *pair(int64_t planned, int64_t delivered)
{
    json_t *o = json_object();
    json_object_set_new(o, "planned", json_integer(planned));
    json_object_set_new(o, "delivered", json_integer(delivered));
    return o;
}

int depot_plan_show(depot *d, int year, strbuf *out)
{
    sqlite3_stmt *st = depot_stmt(d, "SELECT recruits FROM plan WHERE year = ?");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int(st, 1, year);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return depot_fail(d, DEPOT_ENOENT, "no plan for the year %d", year);
    if (rc != SQLITE_ROW)
        return depot_sqlfail(d, "cannot read the plan");
    int64_t recruits = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);

    struct show_ctx c = { json_array(), json_array(), 0, 0, 0, 0 };
    rc = depot_plan_rows(d, year, show_row, &c);
    if (rc) {
        json_decref(c.vehicles);
        json_decref(c.equipment);
        return rc;
    }
    json_t *root = json_object(), *rec = json_object(), *tot = json_object();
    json_object_set_new(root, "year", json_integer(year));
    json_object_set_new(root, "vehicles", c.vehicles);
    json_object_set_new(root, "equipment", c.equipment);
    json_object_set_new(rec, "planned", json_integer(recruits));
    json_object_set_new(root, "recruits", rec);
    json_object_set_new(tot, "vehicles", pair(c.vp, c.vd));
    json_object_set_new(tot, "equipment", pair(c.ep, c.ed));
    json_object_set_new(root, "totals", tot);
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!s)
        return depot_fail(d, DEPOT_ENOMEM, "cannot render plans/%d.json", year);
    strbuf_addstr(out, s);
    strbuf_addch(out, '\n');
    free(s);
    return DEPOT_OK;
}

/* Reads one list ("vehicles" or "equipment") of a plan into f. */
static int plan_list(depot *d, const char *file, const char *list, json_t *arr, int vehicle,
                     struct plan_figs *f)
{
    static const char *const keys[] = { "type", "planned", "delivered", NULL };
    static const char *const ekeys[] = { "category", "planned", "delivered", NULL };
    const char *key = vehicle ? "type" : "category";
    char path[96];
    size_t i;
    json_t *el;
    if (!json_is_array(arr))
        return doc_fail(d, file, list, "must be a JSON array, not %s", json_words(arr));
    json_array_foreach(arr, i, el) {
        const char *slug = NULL;
        json_t *jslug = NULL, *jplanned = NULL, *jdelivered = NULL;
        json_error_t je;
        int64_t planned, cat;
        int isveh, found, rc;
        snprintf(path, sizeof path, "%s[%zu]", list, i);
        if (json_unpack_ex(el, &je, JSON_STRICT, "{s:o, s:o, s?o}", key, &jslug,
                           "planned", &jplanned, "delivered", &jdelivered) != 0)
            return object_fail(d, file, path, el, vehicle ? keys : ekeys, 2, &je);
        (void)jdelivered;   /* computed, so ignored on write */
        snprintf(path, sizeof path, "%s[%zu].%s", list, i, key);
        if (!json_is_string(jslug))
            return doc_fail(d, file, path, "must be a string, not %s", json_words(jslug));
        slug = json_string_value(jslug);
        if ((rc = category_find(d, slug, &cat, &isveh, &found)) != DEPOT_OK)
            return rc;
        if (!found || isveh != vehicle) {
            if (found)
                return doc_fail(d, file, path, "'%s' is %s, not %s", slug,
                                isveh ? "a vehicle type" : "an equipment category",
                                vehicle ? "a vehicle type" : "an equipment category");
            return doc_fail(d, file, path, "unknown %s '%s'",
                            vehicle ? "vehicle type" : "equipment category", slug);
        }
        for (size_t j = 0; j < f->n; j++)
            if (f->v[j].category == cat)
                return doc_fail(d, file, path, "'%s' is listed twice", slug);
        snprintf(path, sizeof path, "%s[%zu].planned", list, i);
        if ((rc = want_count(d, file, path, jplanned, &planned)) != DEPOT_OK)
            return rc;
        figs_add(f, cat, vehicle, slug, planned);
    }
    return DEPOT_OK;
}

/* Validates a whole plan document into f (slugs borrowed from root). */
static int plan_parse(depot *d, const char *file, int year, json_t *root, struct plan_figs *f)
{
    static const char *const keys[] = { "year", "vehicles", "equipment", "recruits", "totals",
                                        NULL };
    static const char *const rkeys[] = { "planned", NULL };
    json_t *jyear = NULL, *jveh = NULL, *jeq = NULL, *jrec = NULL, *jtot = NULL, *jplanned;
    json_error_t je;
    int rc;
    if (json_unpack_ex(root, &je, JSON_STRICT, "{s:o, s?o, s?o, s?o, s?o}", "year", &jyear,
                       "vehicles", &jveh, "equipment", &jeq, "recruits", &jrec,
                       "totals", &jtot) != 0)
        return object_fail(d, file, "", root, keys, 1, &je);
    (void)jtot;     /* computed, so ignored on write */
    if (!json_is_integer(jyear))
        return doc_fail(d, file, "year", "must be an integer, not %s", json_words(jyear));
    if (json_integer_value(jyear) != year)
        return doc_fail(d, file, "year", "%lld does not match the file's year %d",
                        (long long)json_integer_value(jyear), year);
    if (jveh && (rc = plan_list(d, file, "vehicles", jveh, 1, f)) != DEPOT_OK)
        return rc;
    if (jeq && (rc = plan_list(d, file, "equipment", jeq, 0, f)) != DEPOT_OK)
        return rc;
    if (jrec) {
        if (json_unpack_ex(jrec, &je, JSON_STRICT, "{s:o}", "planned", &jplanned) != 0)
            return object_fail(d, file, "recruits", jrec, rkeys, 1, &je);
        if ((rc = want_count(d, file, "recruits.planned", jplanned, &f->recruits)) != DEPOT_OK)
            return rc;
    }
    return DEPOT_OK;
}

/* Replaces year's plan with f, inside the caller's transaction. */
static int plan_write(depot *d, int year, const struct plan_figs *f)
{
    sqlite3_stmt *st = depot_stmt(d,
        "INSERT INTO plan (year, recruits, created_ns) VALUES (?, ?, ?)"
        " ON CONFLICT (year) DO UPDATE SET recruits = excluded.recruits");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_int64(st, 2, f->recruits);
    sqlite3_bind_int64(st, 3, depot_now_ns());
    if (sqlite3_step(st) != SQLITE_DONE)
        return depot_sqlfail(d, "cannot write the plan");
    st = depot_stmt(d, "DELETE FROM plan_line WHERE year = ?");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int(st, 1, year);
    if (sqlite3_step(st) != SQLITE_DONE)
        return depot_sqlfail(d, "cannot write the plan");
    for (size_t i = 0; i < f->n; i++) {
        st = depot_stmt(d, "INSERT INTO plan_line (year, category_id, planned) VALUES (?, ?, ?)");
        if (!st)
            return DEPOT_EIO;
        sqlite3_bind_int(st, 1, year);
        sqlite3_bind_int64(st, 2, f->v[i].category);
        sqlite3_bind_int64(st, 3, f->v[i].planned);
        if (sqlite3_step(st) != SQLITE_DONE)
            return depot_sqlfail(d, "cannot write the plan");
    }
    return DEPOT_OK;
}

int depot_plan_store(depot *d, int year, const char *doc, size_t len, const depot_actor *who)
{
    char file[32];
    json_t *root = NULL;
    struct plan_figs now = { 0 }, old = { 0 };
    strbuf oldw = STRBUF_INIT, neww = STRBUF_INIT;
    char object[8];
    int rc;

    if (year < 1900 || year > 9999)
        return depot_fail(d, DEPOT_ENOENT, "no such plan year '%d'", year);
    snprintf(file, sizeof file, "plans/%04d.json", year);
    if (d->flags & DEPOT_OPEN_READONLY)
        return depot_fail(d, DEPOT_EROFS, "%s: the depot is mounted read-only", file);
    if ((rc = doc_load(d, file, doc, len, &root)) != DEPOT_OK)
        return rc;
    if ((rc = plan_parse(d, file, year, root, &now)) != DEPOT_OK)
        goto out;
    if ((rc = depot_begin(d)) != DEPOT_OK)
        goto out;
    if ((rc = figs_load(d, year, &old)) != DEPOT_OK)
        goto fail;
    if (old.exists && figs_same(&old, &now)) {
        /* The same planned figures: nothing to change or journal. */
        rc = depot_commit(d);
        goto out;
    }
    if ((rc = plan_write(d, year, &now)) != DEPOT_OK)
        goto fail;
    if (old.exists && (rc = figs_words(d, &old, &oldw)) != DEPOT_OK)
        goto fail;
    if ((rc = figs_words(d, &now, &neww)) != DEPOT_OK)
        goto fail;
    snprintf(object, sizeof object, "%04d", year);
    rc = depot_journal(d, who, DK_PLAN, year, object, "plan.json",
                       old.exists ? strbuf_str(&oldw) : NULL, strbuf_str(&neww), "");
    if (rc)
        goto fail;
    rc = depot_commit(d);
    goto out;
fail:
    depot_rollback(d);
out:
    json_decref(root);
    free(now.v);
    free(old.v);
    strbuf_release(&oldw);
    strbuf_release(&neww);
    return rc;
}

/* ---- deliveries ---- */

/* One item of a delivery note, validated. */
struct dlv_item {
    int64_t category, station, vehicle;     /* vehicle 0: none */
    const char *category_slug, *model, *serial;     /* borrowed from the document */
    int reserve;                            /* the station is a logistics base */
    char acquired[11];
    char tag[80];                           /* "" until generated */
    int64_t id;
};

/* Checks a text field (model, serial): a non-empty line without control characters. */
static int want_text(depot *d, const char *file, const char *path, json_t *v, const char **out)
{
    if (!json_is_string(v))
        return doc_fail(d, file, path, "must be a string, not %s", json_words(v));
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > DELIVERY_TEXT_MAX)
        return doc_fail(d, file, path, "longer than %d bytes", DELIVERY_TEXT_MAX);
    if (s[strspn(s, " \t")] == '\0')
        return doc_fail(d, file, path, "must not be empty");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return doc_fail(d, file, path, "must be one line without control characters");
    *out = s;
    return DEPOT_OK;
}

/* Validates items[i] into it (tag left "" if the note gives none). */
static int delivery_item(depot *d, const char *file, size_t i, json_t *el, const char *today,
                         struct dlv_item *it)
{
    static const char *const keys[] = { "category", "model", "serial", "station", "vehicle",
                                        "acquired", "tag", NULL };
    json_t *jcat = NULL, *jmodel = NULL, *jserial = NULL, *jstation = NULL, *jveh = NULL,
           *jacq = NULL, *jtag = NULL;
    json_error_t je;
    char path[64];
    int rc, isveh, found;
    sqlite3_stmt *st;

    snprintf(path, sizeof path, "items[%zu]", i);
    if (json_unpack_ex(el, &je, JSON_STRICT, "{s:o, s:o, s:o, s:o, s?o, s?o, s?o}",
                       "category", &jcat, "model", &jmodel, "serial", &jserial,
                       "station", &jstation, "vehicle", &jveh, "acquired", &jacq,
                       "tag", &jtag) != 0)
        return object_fail(d, file, path, el, keys, 4, &je);

    snprintf(path, sizeof path, "items[%zu].category", i);
    if (!json_is_string(jcat))
        return doc_fail(d, file, path, "must be a string, not %s", json_words(jcat));
    it->category_slug = json_string_value(jcat);
    if ((rc = category_find(d, it->category_slug, &it->category, &isveh, &found)) != DEPOT_OK)
        return rc;
    if (!found)
        return doc_fail(d, file, path, "no such equipment category '%s'", it->category_slug);
    if (isveh)
        return doc_fail(d, file, path, "'%s' is a vehicle type, not an equipment category",
                        it->category_slug);

    snprintf(path, sizeof path, "items[%zu].model", i);
    if ((rc = want_text(d, file, path, jmodel, &it->model)) != DEPOT_OK)
        return rc;
    snprintf(path, sizeof path, "items[%zu].serial", i);
    if ((rc = want_text(d, file, path, jserial, &it->serial)) != DEPOT_OK)
        return rc;

    snprintf(path, sizeof path, "items[%zu].station", i);
    if (!json_is_string(jstation))
        return doc_fail(d, file, path, "must be a string, not %s", json_words(jstation));
    const char *station = json_string_value(jstation);
    st = depot_stmt(d, "SELECT id, kind = 'logistics-base' FROM site WHERE slug = ?");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, station, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return doc_fail(d, file, path, "no such site '%s'", station);
    if (rc != SQLITE_ROW)
        return depot_sqlfail(d, "cannot look up a site");
    it->station = sqlite3_column_int64(st, 0);
    it->reserve = sqlite3_column_int(st, 1);
    sqlite3_reset(st);

    it->vehicle = 0;
    if (jveh && !json_is_null(jveh)) {
        snprintf(path, sizeof path, "items[%zu].vehicle", i);
        if (!json_is_string(jveh))
            return doc_fail(d, file, path, "must be a string, not %s", json_words(jveh));
        const char *cs = json_string_value(jveh);
        st = depot_stmt(d, "SELECT v.id, v.station_id, v.status = 'retired', s.slug"
                           " FROM vehicle v JOIN site s ON s.id = v.station_id"
                           " WHERE v.callsign = ?");
        if (!st)
            return DEPOT_EIO;
        sqlite3_bind_text(st, 1, cs, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            return doc_fail(d, file, path, "no such vehicle '%s'", cs);
        if (rc != SQLITE_ROW)
            return depot_sqlfail(d, "cannot look up a vehicle");
        if (sqlite3_column_int(st, 2)) {
            sqlite3_reset(st);
            return doc_fail(d, file, path, "vehicle '%s' is retired", cs);
        }
        if (sqlite3_column_int64(st, 1) != it->station) {
            rc = doc_fail(d, file, path, "vehicle '%s' is at '%s', not at '%s'", cs,
                          (const char *)sqlite3_column_text(st, 3), station);
            sqlite3_reset(st);
            return rc;
        }
        it->vehicle = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }

    snprintf(it->acquired, sizeof it->acquired, "%s", today);
    if (jacq) {
        snprintf(path, sizeof path, "items[%zu].acquired", i);
        if (!json_is_string(jacq))
            return doc_fail(d, file, path, "must be a date (YYYY-MM-DD), not %s", json_words(jacq));
        const char *a = json_string_value(jacq);
        int y, m, dd;
        if (parse_date(a, &y, &m, &dd, NULL) != 0)
            return doc_fail(d, file, path, "'%s' is not a date (YYYY-MM-DD)", a);
        if (strcmp(a, today) > 0)
            return doc_fail(d, file, path, "'%s' is in the future (today is %s)", a, today);
        memcpy(it->acquired, a, 11);
    }

    it->tag[0] = '\0';
    if (jtag) {
        snprintf(path, sizeof path, "items[%zu].tag", i);
        if (!json_is_string(jtag))
            return doc_fail(d, file, path, "must be a string, not %s", json_words(jtag));
        const char *t = json_string_value(jtag);
        int used = 0;
        if (parse_slug(t, NULL) != 0)
            return doc_fail(d, file, path, "'%s' is not a tag (1-64 of a-z, 0-9 and '-')", t);
        if ((rc = depot_tag_used(d, t, &used)) != DEPOT_OK)
            return rc;
        if (used)
            return doc_fail(d, file, path, "tag '%s' is already in use", t);
        snprintf(it->tag, sizeof it->tag, "%s", t);
    }
    return DEPOT_OK;
}

/* Gives every item without a tag the next number of its category, after
 * the highest held in the depot or named in the note. */
static int delivery_tags(depot *d, const char *file, struct dlv_item *v, size_t n)
{
    struct { int64_t category; int64_t next; } seen[64];
    size_t nseen = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].tag[0])
            continue;
        size_t k;
        for (k = 0; k < nseen && seen[k].category != v[i].category; k++)
            ;
        if (k == nseen) {
            int64_t high = 0;
            int rc = depot_tag_high(d, v[i].category, v[i].category_slug, &high);
            if (rc)
                return rc;
            /* Tags the note names in this category's pattern (on any
             * item) count too, so generated tags never meet them. */
            for (size_t j = 0; j < n; j++) {
                int64_t t = v[j].tag[0] ? depot_tag_number(v[i].category_slug, v[j].tag) : -1;
                if (t > high)
                    high = t;
            }
            if (nseen == sizeof seen / sizeof seen[0])
                nseen = 0;  /* more categories than slots: forget, recompute */
            k = nseen++;
            seen[k].category = v[i].category;
            seen[k].next = high + 1;
        }
        int rc = depot_tag_next(d, v[i].category_slug, &seen[k].next, v[i].tag);
        if (rc == DEPOT_EINVAL)
            return doc_fail(d, file, "", "%s", depot_errmsg(d));
        if (rc)
            return rc;
    }
    return DEPOT_OK;
}

/* Inserts the delivery row and its items, journalled, in the open transaction. */
static int delivery_write(depot *d, const char *note, struct dlv_item *v, size_t n,
                          const depot_actor *who)
{
    if (!who)
        who = depot_self_actor();
    int64_t now = depot_now_ns();
    sqlite3_stmt *st = depot_stmt(d,
        "INSERT INTO delivery (note, received_ns, uid, user) VALUES (?, ?, ?, ?)");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, note, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, who->uid);
    sqlite3_bind_text(st, 4, who->user ? who->user : "", -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        return depot_sqlfail(d, "cannot record the delivery");
    int64_t did = sqlite3_last_insert_rowid(d->db);
    strbuf reason = STRBUF_INIT;
    strbuf_addf(&reason, "delivery %s", note);
    int rc = DEPOT_OK;
    for (size_t i = 0; i < n && rc == DEPOT_OK; i++) {
        st = depot_stmt(d,
            "INSERT INTO item (tag, category_id, model, serial, station_id, vehicle_id, status,"
            " acquired, delivery_id, created_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!st) {
            rc = DEPOT_EIO;
            break;
        }
        sqlite3_bind_text(st, 1, v[i].tag, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, v[i].category);
        sqlite3_bind_text(st, 3, v[i].model, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, v[i].serial, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 5, v[i].station);
        if (v[i].vehicle)
            sqlite3_bind_int64(st, 6, v[i].vehicle);
        sqlite3_bind_text(st, 7, v[i].reserve ? "reserve" : "in-service", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, v[i].acquired, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 9, did);
        sqlite3_bind_int64(st, 10, now);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = depot_sqlfail(d, "cannot create an item");
            break;
        }
        v[i].id = sqlite3_last_insert_rowid(d->db);
        rc = depot_journal(d, who, DK_ITEM, v[i].id, v[i].tag, "delivered", NULL, v[i].tag,
                           strbuf_str(&reason));
    }
    strbuf_release(&reason);
    return rc;
}

int depot_delivery_store(depot *d, const char *note, const char *doc, size_t len,
                         const depot_actor *who)
{
    char file[96], today[11];
    json_t *root = NULL, *items;
    struct dlv_item *v = NULL;
    size_t n = 0, i;
    json_t *el;
    sqlite3_stmt *st;
    int rc;

    if (parse_slug(note, NULL) != 0)
        return depot_fail(d, DEPOT_EINVAL,
                          "deliveries/%.70s.json: a note's name is 1-64 of a-z, 0-9 and '-'", note);
    snprintf(file, sizeof file, "deliveries/%s.json", note);
    if (d->flags & DEPOT_OPEN_READONLY)
        return depot_fail(d, DEPOT_EROFS, "%s: the depot is mounted read-only", file);
    if ((rc = doc_load(d, file, doc, len, &root)) != DEPOT_OK)
        return rc;
    /* The document is the array of items, or an object {"items": [...]}. */
    items = root;
    if (json_is_object(root)) {
        static const char *const keys[] = { "items", NULL };
        json_error_t je;
        if (json_unpack_ex(root, &je, JSON_STRICT, "{s:o}", "items", &items) != 0) {
            rc = object_fail(d, file, "", root, keys, 1, &je);
            goto out;
        }
    }
    if (!json_is_array(items)) {
        rc = doc_fail(d, file, items == root ? "" : "items",
                      "must be a JSON array of items, not %s", json_words(items));
        goto out;
    }
    n = json_array_size(items);
    if (n == 0) {
        rc = doc_fail(d, file, "", "the note lists no items");
        goto out;
    }
    if (n > DELIVERY_MAX_ITEMS) {
        rc = doc_fail(d, file, "", "%zu items is more than one note may hold (%d)", n,
                      DELIVERY_MAX_ITEMS);
        goto out;
    }
    v = calloc(n, sizeof *v);
    if (!v) {
        rc = depot_fail(d, DEPOT_ENOMEM, "%s: out of memory", file);
        goto out;
    }
    depot_today(d, today);
    /* Validation reads inside the write transaction, so that the note name
     * and the tags checked free are still free when the items are created. */
    if ((rc = depot_begin(d)) != DEPOT_OK)
        goto out;
    st = depot_stmt(d, "SELECT 1 FROM delivery WHERE note = ?");
    if (!st) {
        rc = DEPOT_EIO;
        goto fail;
    }
    sqlite3_bind_text(st, 1, note, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) {
        rc = depot_fail(d, DEPOT_EEXIST, "%s: delivery note '%s' already exists", file, note);
        goto fail;
    }
    if (rc != SQLITE_DONE) {
        rc = depot_sqlfail(d, "cannot look up a delivery note");
        goto fail;
    }
    json_array_foreach(items, i, el) {
        if ((rc = delivery_item(d, file, i, el, today, &v[i])) != DEPOT_OK)
            goto fail;
        for (size_t j = 0; j < i && v[i].tag[0]; j++)
            if (!strcmp(v[j].tag, v[i].tag)) {
                char path[64];
                snprintf(path, sizeof path, "items[%zu].tag", i);
                rc = doc_fail(d, file, path, "tag '%s' is also given to items[%zu]",
                              v[i].tag, j);
                goto fail;
            }
    }
    if ((rc = delivery_tags(d, file, v, n)) != DEPOT_OK)
        goto fail;
    if ((rc = delivery_write(d, note, v, n, who)) != DEPOT_OK)
        goto fail;
    rc = depot_commit(d);
    goto out;
fail:
    depot_rollback(d);
out:
    free(v);
    json_decref(root);
    return rc;
}

int depot_delivery_show(depot *d, int64_t id, strbuf *out)
{
    sqlite3_stmt *st = depot_stmt(d, "SELECT 1 FROM delivery WHERE id = ?");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return depot_fail(d, DEPOT_ENOENT, "no such delivery note (id %lld)", (long long)id);
    if (rc != SQLITE_ROW)
        return depot_sqlfail(d, "cannot read a delivery note");

    /* The partial index item_delivery serves delivery_id = ?. */
    st = depot_stmt(d,
        "SELECT i.tag, c.slug, i.model, i.serial, s.slug, v.callsign, i.acquired"
        " FROM item i JOIN category c ON c.id = i.category_id JOIN site s ON s.id = i.station_id"
        " LEFT JOIN vehicle v ON v.id = i.vehicle_id"
        " WHERE i.delivery_id = ? ORDER BY i.id");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, id);
    json_t *arr = json_array();
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_object();
        json_object_set_new(o, "tag", json_string((const char *)sqlite3_column_text(st, 0)));
        json_object_set_new(o, "category", json_string((const char *)sqlite3_column_text(st, 1)));
        json_object_set_new(o, "model", json_string((const char *)sqlite3_column_text(st, 2)));
        json_object_set_new(o, "serial", json_string((const char *)sqlite3_column_text(st, 3)));
        json_object_set_new(o, "station", json_string((const char *)sqlite3_column_text(st, 4)));
        if (sqlite3_column_type(st, 5) != SQLITE_NULL)
            json_object_set_new(o, "vehicle",
                                json_string((const char *)sqlite3_column_text(st, 5)));
        json_object_set_new(o, "acquired", json_string((const char *)sqlite3_column_text(st, 6)));
        json_array_append_new(arr, o);
    }
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return depot_sqlfail(d, "cannot read a delivery note");
    }
    char *s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(arr);
    if (!s)
        return depot_fail(d, DEPOT_ENOMEM, "cannot render a delivery note");
    strbuf_addstr(out, s);
    strbuf_addch(out, '\n');
    free(s);
    return DEPOT_OK;
}
