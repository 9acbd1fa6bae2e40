/*
 * objects.c: finding objects by name, listing the views, and times of change.
 *
 * A view is a directory of the tree that lists objects (stations/<site>/
 * vehicles/, categories/<c>/items/, years/<y>/due/<c>/, ...).  Each is one
 * indexed query over the object tables that returns (id, name) in id order
 * from a given id on, so that a directory listing of 2,000,000 items can stop
 * and resume anywhere at the cost of one index seek.  The statements are all
 * listed by depot_objects_statement() so that a unit test can run
 * EXPLAIN QUERY PLAN on every one of them.
 *
 * Parameters are numbered the same way in every view statement, so that one
 * binder serves them all:
 *     ?1 a: the site, vehicle, category or module     ?2 b: the category, or a year
 *     ?3 the id to list after    ?4 how many rows     ?5 ?6 first and last date
 *     ?7 the member's name (membership tests)
 * A statement may leave some of them out.
 *
 * depot_list() reads a batch of rows, resets its statement and only then calls
 * the caller's function for each, so the callback may use the depot freely
 * (even list the same view) and no read transaction is held across it.
 *
 * Years are not rows: years/ lists every year from the oldest acquisition
 * (or plan) to the last plan or end of service life, computed per category
 * from the indexes; a year is reported as kind DK_PLAN with the year as id.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objects.h"
#include "parse.h"

/* ---- the statements ---- */

/* Finding an object by its name (?1), or by (module ?2, slug ?1) for lines. */
static const char *const lookup_sql[DK_COUNT] = {
    [DK_SITE]     = "SELECT id FROM site WHERE slug = ?1",
    [DK_CATEGORY] = "SELECT id FROM category WHERE slug = ?1",
    [DK_VEHICLE]  = "SELECT id FROM vehicle WHERE callsign = ?1",
    [DK_ITEM]     = "SELECT id FROM item WHERE tag = ?1",
    [DK_MODULE]   = "SELECT id FROM reserve_module WHERE slug = ?1",
    [DK_LINE]     = "SELECT id FROM reserve_line WHERE module_id = ?2 AND slug = ?1",
    [DK_PLAN]     = "SELECT year FROM plan WHERE year = ?2",
    [DK_DELIVERY] = "SELECT id FROM delivery WHERE note = ?1",
};

/* The name of object ?1. */
static const char *const slug_sql[DK_COUNT] = {
    [DK_SITE]     = "SELECT slug FROM site WHERE id = ?1",
    [DK_CATEGORY] = "SELECT slug FROM category WHERE id = ?1",
    [DK_VEHICLE]  = "SELECT callsign FROM vehicle WHERE id = ?1",
    [DK_ITEM]     = "SELECT tag FROM item WHERE id = ?1",
    [DK_MODULE]   = "SELECT slug FROM reserve_module WHERE id = ?1",
    [DK_LINE]     = "SELECT slug FROM reserve_line WHERE id = ?1",
    [DK_PLAN]     = "SELECT printf('%04d', year) FROM plan WHERE year = ?1",
    [DK_DELIVERY] = "SELECT note FROM delivery WHERE id = ?1",
};

/* When object ?1 came into being. */
static const char *const created_sql[DK_COUNT] = {
    [DK_SITE]     = "SELECT created_ns FROM site WHERE id = ?1",
    [DK_CATEGORY] = "SELECT created_ns FROM category WHERE id = ?1",
    [DK_VEHICLE]  = "SELECT created_ns FROM vehicle WHERE id = ?1",
    [DK_ITEM]     = "SELECT created_ns FROM item WHERE id = ?1",
    [DK_MODULE]   = "SELECT created_ns FROM reserve_module WHERE id = ?1",
    [DK_LINE]     = "SELECT created_ns FROM reserve_line WHERE id = ?1",
    [DK_PLAN]     = "SELECT created_ns FROM plan WHERE year = ?1",
    [DK_DELIVERY] = "SELECT received_ns FROM delivery WHERE id = ?1",
};

static const char SQL_JOURNAL_ATTR[] =
    "SELECT at_ns FROM journal WHERE object_kind = ?1 AND object_id = ?2 AND attribute = ?3"
    " ORDER BY at_ns DESC LIMIT 1";
static const char SQL_JOURNAL_OBJECT[] =
    "SELECT max(at_ns) FROM journal WHERE object_kind = ?1 AND object_id = ?2";
/* The newest change: the journal's last row (it is appended in the order
 * changes commit), or the newest creation if that is later (or there is no
 * journal).  The big tables' newest row is their last (ids only grow), found
 * through the rowid; the small tables are read whole. */
static const char SQL_LAST_CHANGE[] =
    "SELECT max(coalesce((SELECT at_ns FROM journal WHERE id = (SELECT max(id) FROM journal)), 0),"
    " coalesce((SELECT created_ns FROM item WHERE id = (SELECT max(id) FROM item)), 0),"
    " coalesce((SELECT created_ns FROM vehicle WHERE id = (SELECT max(id) FROM vehicle)), 0),"
    " coalesce((SELECT received_ns FROM delivery WHERE id = (SELECT max(id) FROM delivery)), 0),"
    " coalesce((SELECT max(created_ns) FROM site), 0),"
    " coalesce((SELECT max(created_ns) FROM category), 0),"
    " coalesce((SELECT max(created_ns) FROM reserve_module), 0),"
    " coalesce((SELECT max(created_ns) FROM reserve_line), 0),"
    " coalesce((SELECT max(created_ns) FROM plan), 0))";

/* The span of years/: per category, the oldest and newest acquisition come
 * from the index (item_acquired, vehicle_type), so this costs a few seeks
 * per category whatever the number of items. */
static const char SQL_YEARS[] =
    "SELECT min(lo), max(hi) FROM ("
    " SELECT CAST(substr((SELECT acquired FROM item WHERE category_id = c.id"
    "                     ORDER BY acquired LIMIT 1), 1, 4) AS INTEGER) AS lo,"
    "        CAST(substr((SELECT acquired FROM item WHERE category_id = c.id"
    "                     ORDER BY acquired DESC LIMIT 1), 1, 4) AS INTEGER)"
    "          + c.service_life AS hi"
    "   FROM category AS c WHERE c.kind = 'equipment'"
    " UNION ALL"
    " SELECT (SELECT min(year) FROM vehicle WHERE type_id = c.id),"
    "        (SELECT max(year) FROM vehicle WHERE type_id = c.id) + c.service_life"
    "   FROM category AS c WHERE c.kind = 'vehicle'"
    " UNION ALL"
    " SELECT min(year), max(year) FROM plan)";

static const char SQL_SITE_EXISTS[] = "SELECT 1 FROM site WHERE id = ?1";
static const char SQL_VEHICLE_EXISTS[] = "SELECT 1 FROM vehicle WHERE id = ?1";
static const char SQL_MODULE_EXISTS[] = "SELECT 1 FROM reserve_module WHERE id = ?1";
static const char SQL_CATEGORY[] = "SELECT kind, service_life FROM category WHERE id = ?1";

/* A view's listing (id, name) and its membership test (id), for one kind. */
struct view_sql {
    const char *list;
    const char *member;
    enum depot_kind kind;
};

static const struct view_sql V_SITES = {
    "SELECT id, slug FROM site WHERE id > ?3 ORDER BY id LIMIT ?4",
    "SELECT id FROM site WHERE slug = ?7", DK_SITE };
static const struct view_sql V_SITE_VEHICLES = {
    "SELECT id, callsign FROM vehicle WHERE station_id = ?1 AND id > ?3"
    " AND status <> 'retired' ORDER BY id LIMIT ?4",
    "SELECT id FROM vehicle WHERE callsign = ?7 AND station_id = ?1 AND status <> 'retired'",
    DK_VEHICLE };
static const struct view_sql V_SITE_ITEMS = {
    "SELECT id, tag FROM item WHERE station_id = ?1 AND category_id = ?2 AND id > ?3"
    " AND status <> 'retired' ORDER BY id LIMIT ?4",
    "SELECT id FROM item WHERE tag = ?7 AND station_id = ?1 AND category_id = ?2"
    " AND status <> 'retired'",
    DK_ITEM };
static const struct view_sql V_FLEET = {
    "SELECT id, callsign FROM vehicle WHERE id > ?3 ORDER BY id LIMIT ?4",
    "SELECT id FROM vehicle WHERE callsign = ?7", DK_VEHICLE };
static const struct view_sql V_LOAD = {
    "SELECT id, tag FROM item WHERE vehicle_id = ?1 AND id > ?3 AND status <> 'retired'"
    " ORDER BY id LIMIT ?4",
    "SELECT id FROM item WHERE tag = ?7 AND vehicle_id = ?1 AND status <> 'retired'",
    DK_ITEM };
static const struct view_sql V_ITEMS = {
    "SELECT id, tag FROM item WHERE id > ?3 ORDER BY id LIMIT ?4",
    "SELECT id FROM item WHERE tag = ?7", DK_ITEM };
static const struct view_sql V_CATEGORIES = {
    "SELECT id, slug FROM category WHERE id > ?3 ORDER BY id LIMIT ?4",
    "SELECT id FROM category WHERE slug = ?7", DK_CATEGORY };
static const struct view_sql V_EQUIPMENT_CATEGORIES = {
    "SELECT id, slug FROM category WHERE id > ?3 AND kind = 'equipment' ORDER BY id LIMIT ?4",
    "SELECT id FROM category WHERE slug = ?7 AND kind = 'equipment'", DK_CATEGORY };
static const struct view_sql V_TYPE_VEHICLES = {
    "SELECT id, callsign FROM vehicle WHERE type_id = ?1 AND id > ?3 AND status <> 'retired'"
    " ORDER BY id LIMIT ?4",
    "SELECT id FROM vehicle WHERE callsign = ?7 AND type_id = ?1 AND status <> 'retired'",
    DK_VEHICLE };
static const struct view_sql V_CATEGORY_ITEMS = {
    "SELECT id, tag FROM item WHERE category_id = ?1 AND id > ?3 AND status <> 'retired'"
    " ORDER BY id LIMIT ?4",
    "SELECT id FROM item WHERE tag = ?7 AND category_id = ?1 AND status <> 'retired'",
    DK_ITEM };
/* years/<y>/{acquired,due}/<c>/: ?2 is the year of entry into service. */
static const struct view_sql V_YEAR_VEHICLES = {
    "SELECT id, callsign FROM vehicle WHERE type_id = ?1 AND year = ?2 AND id > ?3"
    " ORDER BY id LIMIT ?4",
    "SELECT id FROM vehicle WHERE callsign = ?7 AND type_id = ?1 AND year = ?2",
    DK_VEHICLE };
/* ?5, ?6: the first and last day of the year of acquisition. */
static const struct view_sql V_YEAR_ITEMS = {
    "SELECT id, tag FROM item INDEXED BY item_acquired"
    " WHERE category_id = ?1 AND acquired BETWEEN ?5 AND ?6 AND id > ?3"
    " ORDER BY id LIMIT ?4",
    "SELECT id FROM item WHERE tag = ?7 AND category_id = ?1 AND acquired BETWEEN ?5 AND ?6",
    DK_ITEM };
static const struct view_sql V_MODULES = {
    "SELECT id, slug FROM reserve_module WHERE id > ?3 ORDER BY id LIMIT ?4",
    "SELECT id FROM reserve_module WHERE slug = ?7", DK_MODULE };
static const struct view_sql V_LINES = {
    "SELECT id, slug FROM reserve_line WHERE module_id = ?1 AND id > ?3 ORDER BY id LIMIT ?4",
    "SELECT id FROM reserve_line WHERE module_id = ?1 AND slug = ?7", DK_LINE };
static const struct view_sql V_PLANS = {
    "SELECT year, printf('%04d', year) FROM plan WHERE year > ?3 ORDER BY year LIMIT ?4",
    "SELECT year FROM plan WHERE year = CAST(?7 AS INTEGER) AND printf('%04d', year) = ?7",
    DK_PLAN };
static const struct view_sql V_DELIVERIES = {
    "SELECT id, note FROM delivery WHERE id > ?3 ORDER BY id LIMIT ?4",
    "SELECT id FROM delivery WHERE note = ?7", DK_DELIVERY };

static const struct view_sql *const all_views[] = {
    &V_SITES, &V_SITE_VEHICLES, &V_SITE_ITEMS, &V_FLEET, &V_LOAD, &V_ITEMS, &V_CATEGORIES,
    &V_EQUIPMENT_CATEGORIES, &V_TYPE_VEHICLES, &V_CATEGORY_ITEMS, &V_YEAR_VEHICLES,
    &V_YEAR_ITEMS, &V_MODULES, &V_LINES, &V_PLANS, &V_DELIVERIES,
};
/* What changed after a journal row: each object once, a line with its module,
 * an item with the vehicle it was on before its vehicle changed (its first
 * such row's old value; both scans are rowid ranges over the newest rows).
 * NOT INDEXED keeps it a rowid range over the few newest rows: otherwise the
 * planner would walk journal_object from end to end for the GROUP BY. */
static const char SQL_JOURNAL_HEAD[] = "SELECT coalesce(max(id), 0) FROM journal";
static const char SQL_CHANGED_SINCE[] =
    "SELECT object_kind, object_id, CASE object_kind"
    " WHEN 'line' THEN (SELECT module_id FROM reserve_line WHERE reserve_line.id = object_id)"
    " WHEN 'item' THEN coalesce((SELECT v.id FROM journal AS j NOT INDEXED"
    "   JOIN vehicle AS v ON v.callsign = j.old"
    "   WHERE j.id > ?1 AND j.object_kind = 'item' AND j.object_id = journal.object_id"
    "   AND j.attribute = 'vehicle' ORDER BY j.id LIMIT 1), 0)"
    " ELSE 0 END"
    " FROM journal NOT INDEXED WHERE id > ?1 GROUP BY object_kind, object_id";

static const char *const other_sql[] = {
    SQL_JOURNAL_ATTR, SQL_JOURNAL_OBJECT, SQL_LAST_CHANGE, SQL_YEARS, SQL_JOURNAL_HEAD,
    SQL_CHANGED_SINCE,
    SQL_SITE_EXISTS, SQL_VEHICLE_EXISTS, SQL_MODULE_EXISTS, SQL_CATEGORY,
};

/* See objects.h: the lookup, name and creation statements of each kind, then
 * each view's listing and membership, then the rest. */
const char *depot_objects_statement(size_t i)
{
    const size_t nviews = sizeof all_views / sizeof all_views[0];
    const size_t nother = sizeof other_sql / sizeof other_sql[0];
    if (i < 3 * (size_t)DK_COUNT) {
        const char *const *t = i < DK_COUNT ? lookup_sql : i < 2 * DK_COUNT ? slug_sql : created_sql;
        return t[i % DK_COUNT];
    }
    i -= 3 * (size_t)DK_COUNT;
    if (i < 2 * nviews)
        return i % 2 ? all_views[i / 2]->member : all_views[i / 2]->list;
    i -= 2 * nviews;
    return i < nother ? other_sql[i] : NULL;
}

/* ---- objects ---- */

static int valid_kind(depot *d, enum depot_kind k)
{
    if ((unsigned)k >= DK_COUNT)
        return depot_fail(d, DEPOT_EINVAL, "no such kind of object: %d", (int)k);
    return DEPOT_OK;
}

/* Steps st once: DEPOT_OK with a row, DEPOT_ENOENT without, or the SQLite failure. */
static int step_row(depot *d, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return DEPOT_OK;
    if (rc == SQLITE_DONE)
        return DEPOT_ENOENT;
    return depot_sqlfail(d, what);
}

int depot_lookup(depot *d, enum depot_kind k, int64_t parent, const char *slug, int64_t *id)
{
    int year = 0, rc = valid_kind(d, k);
    if (rc)
        return rc;
    if (parse_slug(slug, NULL) != 0 || (k == DK_PLAN && parse_year(slug, &year, NULL) != 0))
        return depot_fail(d, DEPOT_ENOENT, "no such %s '%s'", depot_kind_name(k), slug ? slug : "");
    sqlite3_stmt *st = depot_stmt(d, lookup_sql[k]);
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    if (k == DK_PLAN)
        sqlite3_bind_int(st, 2, year);
    else if (k == DK_LINE)
        sqlite3_bind_int64(st, 2, parent);
    rc = step_row(d, st, "cannot look an object up");
    if (rc == DEPOT_ENOENT)
        return depot_fail(d, DEPOT_ENOENT, "no such %s '%s'", depot_kind_name(k), slug);
    if (rc)
        return rc;
    *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return DEPOT_OK;
}

int depot_slug(depot *d, enum depot_kind k, int64_t id, strbuf *out)
{
    int rc = valid_kind(d, k);
    if (rc)
        return rc;
    sqlite3_stmt *st = depot_stmt(d, slug_sql[k]);
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, id);
    rc = step_row(d, st, "cannot read an object's name");
    if (rc == DEPOT_ENOENT)
        return depot_fail(d, DEPOT_ENOENT, "no such %s: id %lld", depot_kind_name(k), (long long)id);
    if (rc)
        return rc;
    depot_col_text(st, 0, out);
    sqlite3_reset(st);
    return DEPOT_OK;
}

/* The creation time of (k, id) and the time of its newest journal row (-1
 * if none) into *created and *newest.  Remembered for the rest of a read
 * transaction (depot_read_begin), where they cannot change: listing an
 * object's files asks for them once per file. */
static int object_times(depot *d, enum depot_kind k, int64_t id, int64_t *created,
                        int64_t *newest)
{
    if (d->reading && d->mtime_memo.valid && d->mtime_memo.kind == k && d->mtime_memo.id == id) {
        *created = d->mtime_memo.created;
        *newest = d->mtime_memo.newest;
        return DEPOT_OK;
    }
    sqlite3_stmt *st = depot_stmt(d, created_sql[k]);
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, id);
    int rc = step_row(d, st, "cannot read an object's time of creation");
    if (rc == DEPOT_ENOENT)
        return depot_fail(d, DEPOT_ENOENT, "no such %s: id %lld", depot_kind_name(k), (long long)id);
    if (rc)
        return rc;
    *created = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    st = depot_stmt(d, SQL_JOURNAL_OBJECT);
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, depot_kind_name(k), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    rc = step_row(d, st, "cannot read the journal");
    if (rc && rc != DEPOT_ENOENT)
        return rc;
    *newest = rc == DEPOT_OK && sqlite3_column_type(st, 0) != SQLITE_NULL
            ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    if (d->reading) {
        d->mtime_memo.valid = 1;
        d->mtime_memo.kind = k;
        d->mtime_memo.id = id;
        d->mtime_memo.created = *created;
        d->mtime_memo.newest = *newest;
    }
    return DEPOT_OK;
}

int depot_mtime(depot *d, enum depot_kind k, int64_t id, const char *attr, int64_t *ns)
{
    int64_t created = 0, newest = -1;
    int rc = valid_kind(d, k);
    if (rc || (rc = object_times(d, k, id, &created, &newest)))
        return rc;
    /* A file made from the whole object changes with any of its values. */
    const depot_attr *a = attr ? depot_attr_find(k, attr) : NULL;
    int whole = !attr || (a && (a->flags & DEPOT_ATTR_OBJECT));
    if (newest < 0 || whole) {
        *ns = newest < 0 ? created : newest;
        return DEPOT_OK;
    }
    sqlite3_stmt *st = depot_stmt(d, SQL_JOURNAL_ATTR);
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, depot_kind_name(k), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_text(st, 3, attr, -1, SQLITE_STATIC);
    rc = step_row(d, st, "cannot read the journal");
    if (rc && rc != DEPOT_ENOENT)
        return rc;
    *ns = rc == DEPOT_OK && sqlite3_column_type(st, 0) != SQLITE_NULL
        ? sqlite3_column_int64(st, 0) : created;
    sqlite3_reset(st);
    return DEPOT_OK;
}

int depot_journal_head(depot *d, int64_t *id)
{
    sqlite3_stmt *st = depot_stmt(d, SQL_JOURNAL_HEAD);
    if (!st)
        return DEPOT_EIO;
    int rc = step_row(d, st, "cannot read the journal");
    if (rc == DEPOT_OK)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc;
}

int depot_changed_since(depot *d, int64_t after, depot_changed_fn fn, void *ctx)
{
    sqlite3_stmt *st = depot_stmt(d, SQL_CHANGED_SINCE);
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, after);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        for (int k = 0; k < DK_COUNT && name; k++) {
            if (!strcmp(name, depot_kind_name((enum depot_kind)k))) {
                fn(ctx, (enum depot_kind)k, sqlite3_column_int64(st, 1),
                   sqlite3_column_int64(st, 2));
                break;
            }
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DEPOT_OK : depot_sqlfail(d, "cannot read the journal");
}

int depot_last_change(depot *d, int64_t *ns)
{
    sqlite3_stmt *st = depot_stmt(d, SQL_LAST_CHANGE);
    if (!st)
        return DEPOT_EIO;
    int rc = step_row(d, st, "cannot read the journal");
    if (rc == DEPOT_ENOENT)
        return depot_fail(d, DEPOT_EIO, "cannot read the journal: no result");
    if (rc)
        return rc;
    *ns = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return DEPOT_OK;
}

/* ---- views ---- */

/* The parameters of one view query. */
struct view_args {
    int64_t a, b;               /* ?1, ?2 */
    char first[32], last[32];   /* ?5, ?6: "YYYY-01-01", "YYYY-12-31", or "" */
};

/* Binds what the statement uses of args, after (?3), limit (?4) and name (?7). */
static void bind_view(sqlite3_stmt *st, const struct view_args *va, int64_t after,
                      int limit, const char *name)
{
    int n = sqlite3_bind_parameter_count(st);
    if (n >= 1) sqlite3_bind_int64(st, 1, va->a);
    if (n >= 2) sqlite3_bind_int64(st, 2, va->b);
    if (n >= 3) sqlite3_bind_int64(st, 3, after);
    if (n >= 4) sqlite3_bind_int(st, 4, limit);
    if (n >= 5) sqlite3_bind_text(st, 5, va->first, -1, SQLITE_TRANSIENT);
    if (n >= 6) sqlite3_bind_text(st, 6, va->last, -1, SQLITE_TRANSIENT);
    if (n >= 7 && name) sqlite3_bind_text(st, 7, name, -1, SQLITE_STATIC);
}

/* Fails with "no such <kind>" unless the statement (?1 = id) finds a row. */
static int need(depot *d, const char *sql, int64_t id, const char *kind)
{
    sqlite3_stmt *st = depot_stmt(d, sql);
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, id);
    int rc = step_row(d, st, "cannot look an object up");
    sqlite3_reset(st);
    if (rc == DEPOT_ENOENT)
        return depot_fail(d, DEPOT_ENOENT, "no such %s: id %lld", kind, (long long)id);
    return rc;
}

/* Category id: *vehicle = 1 for a vehicle type, 0 for equipment; its service life. */
static int need_category(depot *d, int64_t id, int *vehicle, int *life)
{
    sqlite3_stmt *st = depot_stmt(d, SQL_CATEGORY);
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, id);
    int rc = step_row(d, st, "cannot look a category up");
    if (rc == DEPOT_ENOENT)
        return depot_fail(d, DEPOT_ENOENT, "no such category: id %lld", (long long)id);
    if (rc)
        return rc;
    *vehicle = !strcmp((const char *)sqlite3_column_text(st, 0), "vehicle");
    *life = sqlite3_column_int(st, 1);
    sqlite3_reset(st);
    return DEPOT_OK;
}

/* The first and last year of years/ ( *first > *last when there is none). */
static int year_span(depot *d, int64_t *first, int64_t *last)
{
    sqlite3_stmt *st = depot_stmt(d, SQL_YEARS);
    if (!st)
        return DEPOT_EIO;
    int rc = step_row(d, st, "cannot compute the span of years");
    if (rc == DEPOT_ENOENT)
        rc = DEPOT_OK;
    else if (rc == DEPOT_OK && sqlite3_column_type(st, 0) != SQLITE_NULL
             && sqlite3_column_type(st, 1) != SQLITE_NULL) {
        *first = sqlite3_column_int64(st, 0);
        *last = sqlite3_column_int64(st, 1);
        sqlite3_reset(st);
        return DEPOT_OK;
    }
    sqlite3_reset(st);
    *first = 1;
    *last = 0;
    return rc;
}

static int need_year(depot *d, int64_t year)
{
    int64_t first, last;
    int rc = year_span(d, &first, &last);
    if (rc)
        return rc;
    if (year < first || year > last)
        return depot_fail(d, DEPOT_ENOENT, "no such year: %lld", (long long)year);
    return DEPOT_OK;
}

/*
 * Checks a view's parameters and picks its statements: *vs is NULL for
 * DV_YEARS, which has no table.  DEPOT_ENOENT if a or b names nothing.
 */
static int view_setup(depot *d, enum depot_view v, int64_t a, int64_t b,
                      const struct view_sql **vs, struct view_args *va)
{
    int vehicle = 0, life = 0, rc;
    memset(va, 0, sizeof *va);
    va->a = a;
    va->b = b;
    *vs = NULL;
    switch (v) {
    case DV_SITES:                *vs = &V_SITES; return DEPOT_OK;
    case DV_FLEET:                *vs = &V_FLEET; return DEPOT_OK;
    case DV_ITEMS:                *vs = &V_ITEMS; return DEPOT_OK;
    case DV_CATEGORIES:           *vs = &V_CATEGORIES; return DEPOT_OK;
    case DV_EQUIPMENT_CATEGORIES: *vs = &V_EQUIPMENT_CATEGORIES; return DEPOT_OK;
    case DV_MODULES:              *vs = &V_MODULES; return DEPOT_OK;
    case DV_PLANS:                *vs = &V_PLANS; return DEPOT_OK;
    case DV_DELIVERIES:           *vs = &V_DELIVERIES; return DEPOT_OK;
    case DV_YEARS:                return DEPOT_OK;
    case DV_SITE_VEHICLES:
        *vs = &V_SITE_VEHICLES;
        return need(d, SQL_SITE_EXISTS, a, "site");
    case DV_SITE_ITEMS:
        *vs = &V_SITE_ITEMS;
        if ((rc = need(d, SQL_SITE_EXISTS, a, "site")) != DEPOT_OK
            || (rc = need_category(d, b, &vehicle, &life)) != DEPOT_OK)
            return rc;
        if (vehicle)
            return depot_fail(d, DEPOT_ENOENT, "no such equipment category: id %lld", (long long)b);
        return DEPOT_OK;
    case DV_LOAD:
        *vs = &V_LOAD;
        return need(d, SQL_VEHICLE_EXISTS, a, "vehicle");
    case DV_CATEGORY_MEMBERS:
        if ((rc = need_category(d, a, &vehicle, &life)) != DEPOT_OK)
            return rc;
        *vs = vehicle ? &V_TYPE_VEHICLES : &V_CATEGORY_ITEMS;
        return DEPOT_OK;
    case DV_YEAR_ACQUIRED:
    case DV_YEAR_DUE: {
        if ((rc = need_year(d, a)) != DEPOT_OK || (rc = need_category(d, b, &vehicle, &life)) != DEPOT_OK)
            return rc;
        /* What is due in year a entered service service_life years before. */
        int64_t entered = v == DV_YEAR_DUE ? a - life : a;
        va->a = b;
        va->b = entered;
        snprintf(va->first, sizeof va->first, "%04lld-01-01", (long long)entered);
        snprintf(va->last, sizeof va->last, "%04lld-12-31", (long long)entered);
        *vs = vehicle ? &V_YEAR_VEHICLES : &V_YEAR_ITEMS;
        return DEPOT_OK;
    }
    case DV_LINES:
        *vs = &V_LINES;
        return need(d, SQL_MODULE_EXISTS, a, "reserve module");
    case DV_COUNT:
        break;
    }
    return depot_fail(d, DEPOT_EINVAL, "no such view: %d", (int)v);
}

/* Rows read per query: the statement is reset before the callbacks run. */
#define LIST_BATCH 128

struct list_row {
    int64_t id;
    char name[72];
};

static int list_years(depot *d, int64_t after, depot_list_fn fn, void *ctx)
{
    int64_t first, last;
    int rc = year_span(d, &first, &last);
    if (rc)
        return rc;
    if (after >= last)
        return DEPOT_OK;
    for (int64_t y = after + 1 > first ? after + 1 : first; y <= last; y++) {
        char name[24];
        snprintf(name, sizeof name, "%04lld", (long long)y);
        if (fn(ctx, name, DK_PLAN, y))
            break;
    }
    return DEPOT_OK;
}

int depot_list(depot *d, enum depot_view v, int64_t a, int64_t b, int64_t after,
               depot_list_fn fn, void *ctx)
{
    const struct view_sql *vs;
    struct view_args va;
    int rc = view_setup(d, v, a, b, &vs, &va);
    if (rc)
        return rc;
    if (!vs)
        return list_years(d, after, fn, ctx);
    struct list_row rows[LIST_BATCH];
    for (;;) {
        sqlite3_stmt *st = depot_stmt(d, vs->list);
        if (!st)
            return DEPOT_EIO;
        bind_view(st, &va, after, LIST_BATCH, NULL);
        size_t n = 0;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < LIST_BATCH) {
            const unsigned char *name = sqlite3_column_text(st, 1);
            rows[n].id = sqlite3_column_int64(st, 0);
            snprintf(rows[n].name, sizeof rows[n].name, "%s", name ? (const char *)name : "");
            n++;
        }
        if (rc != SQLITE_DONE && rc != SQLITE_ROW)
            return depot_sqlfail(d, "cannot list a directory");
        sqlite3_reset(st);
        for (size_t i = 0; i < n; i++)
            if (fn(ctx, rows[i].name, vs->kind, rows[i].id))
                return DEPOT_OK;
        if (n < LIST_BATCH)
            return DEPOT_OK;
        after = rows[n - 1].id;
    }
}

int depot_member(depot *d, enum depot_view v, int64_t a, int64_t b, const char *name,
                 enum depot_kind *kind, int64_t *id)
{
    const struct view_sql *vs;
    struct view_args va;
    int rc = view_setup(d, v, a, b, &vs, &va);
    if (rc)
        return rc;
    if (parse_slug(name, NULL) != 0)
        return depot_fail(d, DEPOT_ENOENT, "no such entry '%s'", name ? name : "");
    if (!vs) {
        int year;
        if (parse_year(name, &year, NULL) != 0 || need_year(d, year) != DEPOT_OK)
            return depot_fail(d, DEPOT_ENOENT, "no such year '%s'", name);
        *kind = DK_PLAN;
        *id = year;
        return DEPOT_OK;
    }
    sqlite3_stmt *st = depot_stmt(d, vs->member);
    if (!st)
        return DEPOT_EIO;
    bind_view(st, &va, 0, 0, name);
    rc = step_row(d, st, "cannot look an object up");
    if (rc == DEPOT_ENOENT)
        return depot_fail(d, DEPOT_ENOENT, "no such %s '%s' here", depot_kind_name(vs->kind), name);
    if (rc)
        return rc;
    *kind = vs->kind;
    *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return DEPOT_OK;
}

/* ---- tags of new items ---- */

int64_t depot_tag_number(const char *slug, const char *tag)
{
    size_t n = strlen(slug);
    if (strncmp(tag, slug, n) || tag[n] != '-' || !tag[n + 1])
        return -1;
    const char *p = tag + n + 1;
    if (strlen(p) > 15 || p[strspn(p, "0123456789")])
        return -1;
    return strtoll(p, NULL, 10);
}

int depot_tag_high(depot *d, int64_t category, const char *slug, int64_t *high)
{
    /* A scan of the category's rows of the item_category index. */
    char prefix[80];
    snprintf(prefix, sizeof prefix, "%s-", slug);
    sqlite3_stmt *st = depot_stmt(d,
        "SELECT max(CAST(substr(tag, ?2) AS INTEGER)) FROM item"
        " WHERE category_id = ?1 AND substr(tag, 1, ?2 - 1) = ?3"
        " AND length(tag) BETWEEN ?2 AND ?2 + 14"
        " AND substr(tag, ?2) NOT GLOB '*[^0-9]*'");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, category);
    sqlite3_bind_int(st, 2, (int)strlen(prefix) + 1);
    sqlite3_bind_text(st, 3, prefix, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return depot_sqlfail(d, "cannot number new items");
    }
    *high = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return DEPOT_OK;
}

int depot_tag_used(depot *d, const char *tag, int *used)
{
    sqlite3_stmt *st = depot_stmt(d, "SELECT 1 FROM item WHERE tag = ?");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, tag, -1, SQLITE_TRANSIENT);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return depot_sqlfail(d, "cannot look up a tag");
    *used = s == SQLITE_ROW;
    return DEPOT_OK;
}

int depot_tag_next(depot *d, const char *slug, int64_t *next, char tag[80])
{
    int used = 1, rc = DEPOT_OK;
    while (used && rc == DEPOT_OK) {
        if (*next > 999999999999999LL)
            return depot_fail(d, DEPOT_EINVAL, "no tag number left for category '%s'", slug);
        snprintf(tag, 80, "%s-%06lld", slug, (long long)(*next)++);
        rc = depot_tag_used(d, tag, &used);
    }
    return rc;
}
