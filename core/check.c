/*
 * check.c: is this depot sound?  (depotctl check)
 *
 * Three layers, each reporting one line per fault.  SQLite's own
 * integrity_check finds damaged pages and indexes.  PRAGMA
 * foreign_key_check finds rows that name a site, category, vehicle, module
 * or delivery that does not exist (it works whether or not foreign keys
 * were enforced when the row was written).  Last, the depot's invariants
 * are asked again in plain SELECTs, because a CHECK constraint proves
 * nothing about rows written with PRAGMA ignore_check_constraints, by an
 * older build or by hand: counts, targets, minimums and mileage are
 * non-negative integers; statuses, states and kinds are words of their
 * vocabulary; dates are real dates (date(x, '+0 days') IS x: plain date(x)
 * in SQLite 3.40 lets '2025-02-30' through); an item loaded on a vehicle is at that
 * vehicle's station and the vehicle is not retired; plan lines and journal
 * rows name objects that exist.
 *
 * Each invariant is one row of the checks[] table: a query whose every
 * result row is the text of one fault.  Adding an invariant is adding a row.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#define CHECK_MAX_LINES 100

/* Each query yields one text column per fault, naming the object first. */
static const char *const checks[] = {
    /* names: the slugs the tree uses as file names */
    "SELECT printf('site ''%s'': bad slug', slug) FROM site"
    " WHERE length(slug) NOT BETWEEN 1 AND 64 OR slug GLOB '*[^a-z0-9-]*'"
    " UNION ALL SELECT printf('category ''%s'': bad slug', slug) FROM category"
    " WHERE length(slug) NOT BETWEEN 1 AND 64 OR slug GLOB '*[^a-z0-9-]*'"
    " UNION ALL SELECT printf('vehicle ''%s'': bad callsign', callsign) FROM vehicle"
    " WHERE length(callsign) NOT BETWEEN 1 AND 64 OR callsign GLOB '*[^a-z0-9-]*'"
    " UNION ALL SELECT printf('item ''%s'': bad tag', tag) FROM item"
    " WHERE length(tag) NOT BETWEEN 1 AND 64 OR tag GLOB '*[^a-z0-9-]*'"
    " UNION ALL SELECT printf('module ''%s'': bad slug', slug) FROM reserve_module"
    " WHERE length(slug) NOT BETWEEN 1 AND 64 OR slug GLOB '*[^a-z0-9-]*'"
    " UNION ALL SELECT printf('reserve line ''%s'': bad slug', slug) FROM reserve_line"
    " WHERE length(slug) NOT BETWEEN 1 AND 64 OR slug GLOB '*[^a-z0-9-]*'"
    " OR slug IN ('name', 'location', 'summary')"
    " UNION ALL SELECT printf('delivery ''%s'': bad note name', note) FROM delivery"
    " WHERE length(note) NOT BETWEEN 1 AND 64 OR note GLOB '*[^a-z0-9-]*'",

    /* sites */
    "SELECT printf('site ''%s'': kind ''%s'' is not a site kind', slug, kind) FROM site"
    " WHERE kind IS NULL OR kind NOT IN ('station', 'small-station', 'command-centre',"
    " 'service-station', 'training-base', 'logistics-base')",
    "SELECT printf('site ''%s'': state ''%s'' is not operating, under-construction or planned',"
    " slug, state) FROM site"
    " WHERE state IS NULL OR state NOT IN ('operating', 'under-construction', 'planned')",
    "SELECT printf('site ''%s'': opened ''%s'' is not a date', slug, opened) FROM site"
    " WHERE opened IS NOT NULL AND date(opened, '+0 days') IS NOT opened",

    /* categories */
    "SELECT printf('category ''%s'': kind ''%s'' is not vehicle or equipment', slug, kind)"
    " FROM category WHERE kind IS NULL OR kind NOT IN ('vehicle', 'equipment')",
    "SELECT printf('category ''%s'': service life ''%s'' is not 1 to 100 years',"
    " slug, service_life) FROM category"
    " WHERE typeof(service_life) <> 'integer' OR service_life NOT BETWEEN 1 AND 100",
    "SELECT printf('category ''%s'': inspection interval ''%s'' is not 1 to 3660 days',"
    " slug, inspection_interval) FROM category"
    " WHERE typeof(inspection_interval) <> 'integer'"
    " OR inspection_interval NOT BETWEEN 1 AND 3660",

    /* vehicles */
    "SELECT printf('vehicle ''%s'': status ''%s'' is not a vehicle status', callsign, status)"
    " FROM vehicle WHERE status IS NULL OR status NOT IN ('in-service', 'standby',"
    " 'maintenance', 'out-of-service', 'retired')",
    "SELECT printf('vehicle ''%s'': negative or non-integer mileage ''%s''', callsign, mileage)"
    " FROM vehicle WHERE typeof(mileage) <> 'integer' OR mileage < 0",
    "SELECT printf('vehicle ''%s'': year ''%s'' is not a year', callsign, year) FROM vehicle"
    " WHERE typeof(year) <> 'integer' OR year NOT BETWEEN 1900 AND 9999",
    "SELECT printf('vehicle ''%s'': next service ''%s'' is not a date', callsign, next_service)"
    " FROM vehicle WHERE next_service IS NOT NULL"
    " AND date(next_service, '+0 days') IS NOT next_service",
    "SELECT printf('vehicle ''%s'': type ''%s'' is not a vehicle type', v.callsign, c.slug)"
    " FROM vehicle v JOIN category c ON c.id = v.type_id WHERE c.kind <> 'vehicle'",

    /* items */
    "SELECT printf('item ''%s'': status ''%s'' is not an equipment status', tag, status)"
    " FROM item WHERE status IS NULL OR status NOT IN ('in-service', 'reserve', 'maintenance',"
    " 'out-of-service', 'retired')",
    "SELECT printf('item ''%s'': acquired ''%s'' is not a date', tag, acquired) FROM item"
    " WHERE acquired IS NULL OR date(acquired, '+0 days') IS NOT acquired",
    "SELECT printf('item ''%s'': last inspection ''%s'' is not a date', tag, last_inspection)"
    " FROM item WHERE last_inspection IS NOT NULL"
    " AND date(last_inspection, '+0 days') IS NOT last_inspection",
    "SELECT printf('item ''%s'': category ''%s'' is not an equipment category', i.tag, c.slug)"
    " FROM item i JOIN category c ON c.id = i.category_id WHERE c.kind <> 'equipment'",
    "SELECT printf('item ''%s'': loaded on vehicle ''%s'' of another station', i.tag, v.callsign)"
    " FROM item i JOIN vehicle v ON v.id = i.vehicle_id"
    " WHERE i.vehicle_id IS NOT NULL AND v.station_id <> i.station_id",
    "SELECT printf('item ''%s'': loaded on retired vehicle ''%s''', i.tag, v.callsign)"
    " FROM item i JOIN vehicle v ON v.id = i.vehicle_id"
    " WHERE i.vehicle_id IS NOT NULL AND v.status = 'retired'",

    /* reserves */
    "SELECT printf('reserve line ''%s/%s'': negative or non-integer count ''%s''',"
    " coalesce(m.slug, '?'), l.slug, l.count) FROM reserve_line l"
    " LEFT JOIN reserve_module m ON m.id = l.module_id"
    " WHERE typeof(l.count) <> 'integer' OR l.count < 0",
    "SELECT printf('reserve line ''%s/%s'': negative or non-integer target ''%s''',"
    " coalesce(m.slug, '?'), l.slug, l.target) FROM reserve_line l"
    " LEFT JOIN reserve_module m ON m.id = l.module_id"
    " WHERE typeof(l.target) <> 'integer' OR l.target < 0",
    "SELECT printf('reserve line ''%s/%s'': negative or non-integer minimum ''%s''',"
    " coalesce(m.slug, '?'), l.slug, l.minimum) FROM reserve_line l"
    " LEFT JOIN reserve_module m ON m.id = l.module_id"
    " WHERE typeof(l.minimum) <> 'integer' OR l.minimum < 0",

    /* plans */
    "SELECT printf('plan %s: negative or non-integer recruits ''%s''', year, recruits) FROM plan"
    " WHERE typeof(recruits) <> 'integer' OR recruits < 0",
    "SELECT printf('plan %s: year is not a year', year) FROM plan"
    " WHERE typeof(year) <> 'integer' OR year NOT BETWEEN 1900 AND 9999",
    "SELECT printf('plan %s: line of category %s: negative or non-integer planned ''%s''',"
    " year, category_id, planned) FROM plan_line"
    " WHERE typeof(planned) <> 'integer' OR planned < 0",
    "SELECT printf('plan %s: line refers to a missing category (id %s)', l.year, l.category_id)"
    " FROM plan_line l WHERE NOT EXISTS (SELECT 1 FROM category c WHERE c.id = l.category_id)",
    "SELECT printf('plan %s: line of category ''%s'' but no plan for that year', l.year,"
    " coalesce((SELECT slug FROM category c WHERE c.id = l.category_id), l.category_id))"
    " FROM plan_line l WHERE NOT EXISTS (SELECT 1 FROM plan p WHERE p.year = l.year)",
    "SELECT printf('plan period ''%s'': last year %s before first year %s', name, last_year,"
    " first_year) FROM plan_period WHERE last_year < first_year",

    /* indicators */
    "SELECT printf('indicator ''%s'': kind ''%s'' is not binding or expected', slug, kind)"
    " FROM indicator WHERE kind IS NULL OR kind NOT IN ('binding', 'expected')",

    /* the journal: every row names an object that exists */
    "SELECT printf('journal entry %d: object kind ''%s'' is unknown', id, object_kind)"
    " FROM journal WHERE object_kind NOT IN ('site', 'category', 'vehicle', 'item', 'module',"
    " 'line', 'plan', 'delivery')",
    "SELECT printf('journal entry %d: %s %d (''%s'') does not exist', id, object_kind, object_id,"
    " object) FROM journal WHERE NOT CASE object_kind"
    " WHEN 'site' THEN EXISTS (SELECT 1 FROM site WHERE id = object_id)"
    " WHEN 'category' THEN EXISTS (SELECT 1 FROM category WHERE id = object_id)"
    " WHEN 'vehicle' THEN EXISTS (SELECT 1 FROM vehicle WHERE id = object_id)"
    " WHEN 'item' THEN EXISTS (SELECT 1 FROM item WHERE id = object_id)"
    " WHEN 'module' THEN EXISTS (SELECT 1 FROM reserve_module WHERE id = object_id)"
    " WHEN 'line' THEN EXISTS (SELECT 1 FROM reserve_line WHERE id = object_id)"
    " WHEN 'plan' THEN EXISTS (SELECT 1 FROM plan WHERE year = object_id)"
    " WHEN 'delivery' THEN EXISTS (SELECT 1 FROM delivery WHERE id = object_id)"
    " ELSE 1 END",
};

/* Collects fault lines: the first CHECK_MAX_LINES go to out, the rest are counted. */
struct faults {
    strbuf *out;
    long n;
};

static void fault(struct faults *f, const char *prefix, const unsigned char *text)
{
    if (f->n++ < CHECK_MAX_LINES)
        strbuf_addf(f->out, "%s%s\n", prefix, text ? (const char *)text : "(null)");
}

/* Runs sql (static text) and records its first column of each row as a fault;
 * rows equal to skip (if not NULL) are not faults. */
static int run_check(depot *d, const char *sql, const char *prefix, const char *skip,
                     struct faults *f)
{
    sqlite3_stmt *st = depot_stmt(d, sql);
    int rc;
    if (!st)
        return DEPOT_EIO;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *text = sqlite3_column_text(st, 0);
        if (!skip || !text || strcmp((const char *)text, skip))
            fault(f, prefix, text);
    }
    if (rc != SQLITE_DONE) {
        rc = depot_sqlfail(d, "cannot check the depot");
        sqlite3_reset(st);
        return rc;
    }
    sqlite3_reset(st);
    return DEPOT_OK;
}

int depot_check(depot *d, strbuf *out)
{
    struct faults f = { out, 0 };
    int rc = run_check(d, "PRAGMA integrity_check(100)", "integrity: ", "ok", &f);
    /* Missing references, named by the child's slug where it has one.
     * plan_line (no rowid) is covered by its own checks below. */
    if (!rc)
        rc = run_check(d,
            "SELECT printf('%s ''%s'': %s refers to a missing %s',"
            " CASE fk.\"table\" WHEN 'reserve_line' THEN 'reserve line' ELSE fk.\"table\" END,"
            " coalesce(CASE fk.\"table\""
            "  WHEN 'item' THEN (SELECT tag FROM item WHERE id = fk.rowid)"
            "  WHEN 'vehicle' THEN (SELECT callsign FROM vehicle WHERE id = fk.rowid)"
            "  WHEN 'reserve_line' THEN (SELECT slug FROM reserve_line WHERE id = fk.rowid)"
            "  END, 'row ' || fk.rowid),"
            " l.\"from\","
            " CASE fk.parent WHEN 'reserve_module' THEN 'module' ELSE fk.parent END)"
            " FROM pragma_foreign_key_check AS fk"
            " JOIN pragma_foreign_key_list(fk.\"table\") AS l ON l.id = fk.fkid"
            " WHERE fk.\"table\" <> 'plan_line'",
            "", NULL, &f);
    for (size_t i = 0; !rc && i < sizeof checks / sizeof checks[0]; i++)
        rc = run_check(d, checks[i], "", NULL, &f);
    if (rc)
        return rc;
    if (f.n > CHECK_MAX_LINES)
        strbuf_addf(out, "... and %ld more\n", f.n - CHECK_MAX_LINES);
    if (f.n)
        return depot_fail(d, DEPOT_EIO, "the depot has %ld fault%s", f.n, f.n == 1 ? "" : "s");
    return DEPOT_OK;
}
