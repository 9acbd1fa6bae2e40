/*
 * test_objects.c: finding objects, listing every view, times of change.
 *
 * A small district is built with direct SQL on an empty depot, with retired
 * and loaded objects placed so that every view's rule (retired objects
 * leave station, category and load views; years/ keeps them) shows in its
 * expected listing.  Then: lookups and names from tables, each view's
 * listing from a table of (view, a, b) -> names, membership of each listed
 * name and refusal of names that are elsewhere, resumption and early stops,
 * mtimes from the journal or from creation, and EXPLAIN QUERY PLAN of every
 * statement of core/objects.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "internal.h"
#include "objects.h"
#include "testutil.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Sites, categories, vehicles, items, modules, lines, plans, deliveries. */
static const char fixture_sql[] =
    "INSERT INTO site (id, slug, name, kind, state, opened, created_ns) VALUES"
    " (1, 'jiaochangkou', 'J', 'station', 'operating', '1990-01-01', 1001),"
    " (2, 'laifushi', 'L', 'small-station', 'operating', NULL, 1002),"
    " (3, 'logistics-base', 'B', 'logistics-base', 'planned', NULL, 1003);"
    "INSERT INTO category (id, slug, name, kind, class, service_life, inspection_interval,"
    " created_ns) VALUES"
    " (1, 'water-tender', 'W', 'vehicle', 'firefighting', 15, 365, 2001),"
    " (2, 'scba', 'S', 'equipment', 'protective', 10, 180, 2002),"
    " (3, 'helmet', 'H', 'equipment', 'protective', 5, 365, 2003),"
    " (4, 'foam-tender', 'F', 'vehicle', 'firefighting', 12, 365, 2004),"
    " (5, 'drone', 'D', 'equipment', 'aerial', 8, 90, 2005);"
    "INSERT INTO vehicle (id, callsign, type_id, station_id, status, plate, year, mileage,"
    " created_ns) VALUES"
    " (1, 'jck-water-tender-1', 1, 1, 'in-service', 'P1', 2015, 100, 3001),"
    " (2, 'jck-foam-tender-1', 4, 1, 'standby', 'P2', 2021, 100, 3002),"
    " (3, 'lfs-water-tender-1', 1, 2, 'in-service', 'P3', 2020, 100, 3003),"
    " (4, 'jck-water-tender-old', 1, 1, 'retired', 'P4', 2005, 100, 3004),"
    " (5, 'lb-water-tender-2', 1, 3, 'maintenance', 'P5', 2020, 100, 3005);"
    "INSERT INTO delivery (id, note, received_ns, uid, user) VALUES"
    " (1, 'd-2021-001', 4001, 1000, 'tester'), (2, 'd-2023-007', 4002, 1000, 'tester');"
    "INSERT INTO item (id, tag, category_id, model, serial, station_id, vehicle_id, status,"
    " acquired, delivery_id, created_ns) VALUES"
    " (1, 'scba-000001', 2, 'm', 's1', 1, 1, 'in-service', '2016-03-01', 1, 5001),"
    " (2, 'scba-000002', 2, 'm', 's2', 1, 1, 'retired', '2012-05-05', NULL, 5002),"
    " (3, 'scba-000003', 2, 'm', 's3', 1, NULL, 'reserve', '2016-12-31', 1, 5003),"
    " (4, 'scba-000004', 2, 'm', 's4', 2, 3, 'in-service', '2020-01-01', NULL, 5004),"
    " (5, 'helmet-000001', 3, 'm', 's5', 1, 1, 'in-service', '2021-06-30', NULL, 5005),"
    " (6, 'helmet-000002', 3, 'm', 's6', 1, NULL, 'maintenance', '2016-01-01', NULL, 5006),"
    " (7, 'helmet-000003', 3, 'm', 's7', 3, NULL, 'retired', '2016-07-07', NULL, 5007),"
    " (8, 'scba-000005', 2, 'm', 's8', 1, NULL, 'out-of-service', '2017-01-01', NULL, 5008),"
    " (9, 'helmet-000004', 3, 'm', 's9', 1, 4, 'in-service', '2023-02-28', 2, 5009);"
    "INSERT INTO reserve_module (id, slug, name, location, created_ns) VALUES"
    " (1, 'building-fire', 'B', 'base', 6001), (2, 'water-rescue', 'W', 'base', 6002);"
    "INSERT INTO reserve_line (id, module_id, slug, name, unit, count, target, minimum,"
    " created_ns) VALUES"
    " (1, 1, 'foam-concentrate', 'F', 'l', 10, 20, 5, 7001),"
    " (2, 1, 'hose-65mm', 'H', 'm', 10, 20, 5, 7002),"
    " (3, 2, 'life-jacket', 'L', 'pcs', 10, 20, 5, 7003),"
    " (4, 2, 'hose-65mm', 'H', 'm', 10, 20, 5, 7004);"
    "INSERT INTO plan (year, recruits, created_ns) VALUES"
    " (2021, 40, 8001), (2022, 40, 8002), (2025, 40, 8003);";

/* The span of years/ in the fixture: oldest acquisition 2005 (vehicle 4);
 * last end of life 2020 + 15 (water tenders of 2020). */
#define FIRST_YEAR 2005
#define LAST_YEAR 2035

static depot *fixture(void)
{
    depot *d = test_depot_empty();
    if (!d)
        return NULL;
    char *err = NULL;
    if (sqlite3_exec(depot_db(d), fixture_sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "fixture: %s\n", err ? err : "?");
        sqlite3_free(err);
        CU_FAIL("cannot build the fixture");
        depot_close(d);
        return NULL;
    }
    return d;
}

/* Inserts a journal row directly (at_ns chosen by the test). */
static void journal_row(depot *d, int64_t at, const char *kind, int64_t id, const char *attr)
{
    sqlite3_stmt *st;
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(depot_db(d),
        "INSERT INTO journal (at_ns, uid, user, pid, process, object_kind, object_id, object,"
        " attribute, old, new) VALUES (?, 1000, 'tester', 42, 'cunit', ?, ?, 'x', ?, 'a', 'b')",
        -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, at);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, id);
    sqlite3_bind_text(st, 4, attr, -1, SQLITE_STATIC);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

/* ---- collecting a listing ---- */

#define MAX_NAMES 512

struct listing {
    size_t n;
    char names[MAX_NAMES][72];
    int64_t ids[MAX_NAMES];
    enum depot_kind kinds[MAX_NAMES];
    size_t stop_after;          /* 0: never stop */
    int increasing;             /* every id greater than the one before */
};

static int collect(void *ctx, const char *name, enum depot_kind kind, int64_t id)
{
    struct listing *l = ctx;
    if (l->n >= MAX_NAMES)
        return 1;
    if (l->n && id <= l->ids[l->n - 1])
        l->increasing = 0;
    snprintf(l->names[l->n], sizeof l->names[l->n], "%s", name);
    l->ids[l->n] = id;
    l->kinds[l->n] = kind;
    l->n++;
    return l->stop_after && l->n >= l->stop_after;
}

static struct listing *listing_new(void)
{
    struct listing *l = calloc(1, sizeof *l);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    l->increasing = 1;
    return l;
}

/* "a b c": the names of a listing, space-separated. */
static void joined(const struct listing *l, strbuf *out)
{
    strbuf_reset(out);
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            strbuf_addch(out, ' ');
        strbuf_addstr(out, l->names[i]);
    }
}

/* ---- lookups and names ---- */

static void test_lookup(void)
{
    static const struct {
        enum depot_kind kind;
        int64_t parent;
        const char *slug;
        int rc;
        int64_t id;
    } cases[] = {
        { DK_SITE, 0, "jiaochangkou", DEPOT_OK, 1 },
        { DK_SITE, 0, "logistics-base", DEPOT_OK, 3 },
        { DK_SITE, 0, "hualongqiao", DEPOT_ENOENT, 0 },
        { DK_SITE, 0, "Jiaochangkou", DEPOT_ENOENT, 0 },
        { DK_SITE, 0, "", DEPOT_ENOENT, 0 },
        { DK_SITE, 0, "jiaochangkou/", DEPOT_ENOENT, 0 },
        { DK_CATEGORY, 0, "scba", DEPOT_OK, 2 },
        { DK_CATEGORY, 0, "foam-tender", DEPOT_OK, 4 },
        { DK_CATEGORY, 0, "jiaochangkou", DEPOT_ENOENT, 0 },
        { DK_VEHICLE, 0, "jck-water-tender-old", DEPOT_OK, 4 },
        { DK_VEHICLE, 0, "scba-000001", DEPOT_ENOENT, 0 },
        { DK_ITEM, 0, "scba-000002", DEPOT_OK, 2 },
        { DK_ITEM, 0, "helmet-000004", DEPOT_OK, 9 },
        { DK_ITEM, 0, "xyz", DEPOT_ENOENT, 0 },
        { DK_ITEM, 0, "scba-000001\n", DEPOT_ENOENT, 0 },
        { DK_ITEM, 0, "scba-000001.json", DEPOT_ENOENT, 0 },
        { DK_MODULE, 0, "water-rescue", DEPOT_OK, 2 },
        { DK_MODULE, 0, "earthquake", DEPOT_ENOENT, 0 },
        { DK_LINE, 1, "hose-65mm", DEPOT_OK, 2 },
        { DK_LINE, 2, "hose-65mm", DEPOT_OK, 4 },
        { DK_LINE, 1, "life-jacket", DEPOT_ENOENT, 0 },
        { DK_LINE, 9, "hose-65mm", DEPOT_ENOENT, 0 },
        { DK_PLAN, 0, "2021", DEPOT_OK, 2021 },
        { DK_PLAN, 0, "2025", DEPOT_OK, 2025 },
        { DK_PLAN, 0, "2023", DEPOT_ENOENT, 0 },
        { DK_PLAN, 0, "02021", DEPOT_ENOENT, 0 },
        { DK_PLAN, 0, "21", DEPOT_ENOENT, 0 },
        { DK_PLAN, 0, "2021.json", DEPOT_ENOENT, 0 },
        { DK_PLAN, 0, "plan", DEPOT_ENOENT, 0 },
        { DK_DELIVERY, 0, "d-2023-007", DEPOT_OK, 2 },
        { DK_DELIVERY, 0, "d-2023-008", DEPOT_ENOENT, 0 },
    };
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    for (size_t i = 0; i < N_OF(cases); i++) {
        int64_t id = -1;
        int rc = depot_lookup(d, cases[i].kind, cases[i].parent, cases[i].slug, &id);
        CU_ASSERT_EQUAL(rc, cases[i].rc);
        if (cases[i].rc == DEPOT_OK) {
            CU_ASSERT_EQUAL(id, cases[i].id);
        } else {
            CU_ASSERT_EQUAL(id, -1);
            CU_ASSERT_PTR_NOT_NULL(strstr(depot_errmsg(d), "no such"));
        }
    }
    int64_t id;
    CU_ASSERT_EQUAL(depot_lookup(d, DK_ITEM, 0, "xyz", &id), DEPOT_ENOENT);
    CU_ASSERT_STRING_EQUAL(depot_errmsg(d), "no such item 'xyz'");
    CU_ASSERT_EQUAL(depot_lookup(d, DK_COUNT, 0, "xyz", &id), DEPOT_EINVAL);
    depot_close(d);
}

static void test_slug(void)
{
    static const struct {
        enum depot_kind kind;
        int64_t id;
        int rc;
        const char *slug;
    } cases[] = {
        { DK_SITE, 2, DEPOT_OK, "laifushi" },
        { DK_CATEGORY, 5, DEPOT_OK, "drone" },
        { DK_VEHICLE, 5, DEPOT_OK, "lb-water-tender-2" },
        { DK_ITEM, 7, DEPOT_OK, "helmet-000003" },
        { DK_MODULE, 1, DEPOT_OK, "building-fire" },
        { DK_LINE, 4, DEPOT_OK, "hose-65mm" },
        { DK_PLAN, 2022, DEPOT_OK, "2022" },
        { DK_DELIVERY, 1, DEPOT_OK, "d-2021-001" },
        { DK_SITE, 4, DEPOT_ENOENT, "" },
        { DK_ITEM, 0, DEPOT_ENOENT, "" },
        { DK_ITEM, 10, DEPOT_ENOENT, "" },
        { DK_PLAN, 2023, DEPOT_ENOENT, "" },
        { DK_LINE, -1, DEPOT_ENOENT, "" },
    };
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < N_OF(cases); i++) {
        strbuf_reset(&sb);
        CU_ASSERT_EQUAL(depot_slug(d, cases[i].kind, cases[i].id, &sb), cases[i].rc);
        CU_ASSERT_STRING_EQUAL(strbuf_str(&sb), cases[i].slug);
    }
    /* depot_slug appends */
    strbuf_reset(&sb);
    strbuf_addstr(&sb, "equipment/");
    CU_ASSERT_EQUAL(depot_slug(d, DK_ITEM, 1, &sb), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&sb), "equipment/scba-000001");
    strbuf_release(&sb);
    depot_close(d);
}

/* ---- views ---- */

struct view_case {
    enum depot_view view;
    int64_t a, b;
    int rc;
    enum depot_kind kind;       /* of every member */
    const char *names;          /* space-separated, in order */
};

/* Vehicle type ids: 1 water-tender, 4 foam-tender; equipment: 2 scba, 3 helmet, 5 drone. */
static const struct view_case view_cases[] = {
    { DV_SITES, 0, 0, DEPOT_OK, DK_SITE, "jiaochangkou laifushi logistics-base" },
    { DV_SITE_VEHICLES, 1, 0, DEPOT_OK, DK_VEHICLE, "jck-water-tender-1 jck-foam-tender-1" },
    { DV_SITE_VEHICLES, 2, 0, DEPOT_OK, DK_VEHICLE, "lfs-water-tender-1" },
    { DV_SITE_VEHICLES, 3, 0, DEPOT_OK, DK_VEHICLE, "lb-water-tender-2" },
    { DV_SITE_VEHICLES, 4, 0, DEPOT_ENOENT, DK_VEHICLE, "" },
    { DV_SITE_ITEMS, 1, 2, DEPOT_OK, DK_ITEM, "scba-000001 scba-000003 scba-000005" },
    { DV_SITE_ITEMS, 1, 3, DEPOT_OK, DK_ITEM, "helmet-000001 helmet-000002 helmet-000004" },
    { DV_SITE_ITEMS, 2, 2, DEPOT_OK, DK_ITEM, "scba-000004" },
    { DV_SITE_ITEMS, 3, 3, DEPOT_OK, DK_ITEM, "" },
    { DV_SITE_ITEMS, 2, 5, DEPOT_OK, DK_ITEM, "" },
    { DV_SITE_ITEMS, 1, 1, DEPOT_ENOENT, DK_ITEM, "" },    /* a vehicle type */
    { DV_SITE_ITEMS, 1, 99, DEPOT_ENOENT, DK_ITEM, "" },
    { DV_SITE_ITEMS, 9, 2, DEPOT_ENOENT, DK_ITEM, "" },
    { DV_FLEET, 0, 0, DEPOT_OK, DK_VEHICLE,
      "jck-water-tender-1 jck-foam-tender-1 lfs-water-tender-1 jck-water-tender-old"
      " lb-water-tender-2" },
    { DV_LOAD, 1, 0, DEPOT_OK, DK_ITEM, "scba-000001 helmet-000001" },
    { DV_LOAD, 3, 0, DEPOT_OK, DK_ITEM, "scba-000004" },
    { DV_LOAD, 4, 0, DEPOT_OK, DK_ITEM, "helmet-000004" },
    { DV_LOAD, 2, 0, DEPOT_OK, DK_ITEM, "" },
    { DV_LOAD, 99, 0, DEPOT_ENOENT, DK_ITEM, "" },
    { DV_ITEMS, 0, 0, DEPOT_OK, DK_ITEM,
      "scba-000001 scba-000002 scba-000003 scba-000004 helmet-000001 helmet-000002"
      " helmet-000003 scba-000005 helmet-000004" },
    { DV_CATEGORIES, 0, 0, DEPOT_OK, DK_CATEGORY, "water-tender scba helmet foam-tender drone" },
    { DV_EQUIPMENT_CATEGORIES, 0, 0, DEPOT_OK, DK_CATEGORY, "scba helmet drone" },
    { DV_CATEGORY_MEMBERS, 1, 0, DEPOT_OK, DK_VEHICLE,
      "jck-water-tender-1 lfs-water-tender-1 lb-water-tender-2" },
    { DV_CATEGORY_MEMBERS, 4, 0, DEPOT_OK, DK_VEHICLE, "jck-foam-tender-1" },
    { DV_CATEGORY_MEMBERS, 2, 0, DEPOT_OK, DK_ITEM, "scba-000001 scba-000003 scba-000004 scba-000005" },
    { DV_CATEGORY_MEMBERS, 3, 0, DEPOT_OK, DK_ITEM, "helmet-000001 helmet-000002 helmet-000004" },
    { DV_CATEGORY_MEMBERS, 5, 0, DEPOT_OK, DK_ITEM, "" },
    { DV_CATEGORY_MEMBERS, 99, 0, DEPOT_ENOENT, DK_ITEM, "" },
    { DV_YEAR_ACQUIRED, 2016, 2, DEPOT_OK, DK_ITEM, "scba-000001 scba-000003" },
    { DV_YEAR_ACQUIRED, 2016, 3, DEPOT_OK, DK_ITEM, "helmet-000002 helmet-000003" },
    { DV_YEAR_ACQUIRED, 2017, 2, DEPOT_OK, DK_ITEM, "scba-000005" },
    { DV_YEAR_ACQUIRED, 2012, 2, DEPOT_OK, DK_ITEM, "scba-000002" },
    { DV_YEAR_ACQUIRED, 2023, 3, DEPOT_OK, DK_ITEM, "helmet-000004" },
    { DV_YEAR_ACQUIRED, 2015, 2, DEPOT_OK, DK_ITEM, "" },
    { DV_YEAR_ACQUIRED, 2020, 1, DEPOT_OK, DK_VEHICLE, "lfs-water-tender-1 lb-water-tender-2" },
    { DV_YEAR_ACQUIRED, 2005, 1, DEPOT_OK, DK_VEHICLE, "jck-water-tender-old" },
    { DV_YEAR_ACQUIRED, 2021, 4, DEPOT_OK, DK_VEHICLE, "jck-foam-tender-1" },
    { DV_YEAR_ACQUIRED, 2021, 1, DEPOT_OK, DK_VEHICLE, "" },
    { DV_YEAR_ACQUIRED, FIRST_YEAR - 1, 2, DEPOT_ENOENT, DK_ITEM, "" },
    { DV_YEAR_ACQUIRED, LAST_YEAR + 1, 2, DEPOT_ENOENT, DK_ITEM, "" },
    { DV_YEAR_ACQUIRED, 2016, 99, DEPOT_ENOENT, DK_ITEM, "" },
    { DV_YEAR_DUE, 2026, 2, DEPOT_OK, DK_ITEM, "scba-000001 scba-000003" },
    { DV_YEAR_DUE, 2022, 2, DEPOT_OK, DK_ITEM, "scba-000002" },
    { DV_YEAR_DUE, 2021, 3, DEPOT_OK, DK_ITEM, "helmet-000002 helmet-000003" },
    { DV_YEAR_DUE, 2028, 3, DEPOT_OK, DK_ITEM, "helmet-000004" },
    { DV_YEAR_DUE, 2016, 2, DEPOT_OK, DK_ITEM, "" },
    { DV_YEAR_DUE, 2035, 1, DEPOT_OK, DK_VEHICLE, "lfs-water-tender-1 lb-water-tender-2" },
    { DV_YEAR_DUE, 2020, 1, DEPOT_OK, DK_VEHICLE, "jck-water-tender-old" },
    { DV_YEAR_DUE, 2033, 4, DEPOT_OK, DK_VEHICLE, "jck-foam-tender-1" },
    { DV_YEAR_DUE, 2030, 5, DEPOT_OK, DK_ITEM, "" },
    { DV_YEAR_DUE, LAST_YEAR + 1, 1, DEPOT_ENOENT, DK_VEHICLE, "" },
    { DV_YEAR_DUE, 2030, 0, DEPOT_ENOENT, DK_ITEM, "" },
    { DV_MODULES, 0, 0, DEPOT_OK, DK_MODULE, "building-fire water-rescue" },
    { DV_LINES, 1, 0, DEPOT_OK, DK_LINE, "foam-concentrate hose-65mm" },
    { DV_LINES, 2, 0, DEPOT_OK, DK_LINE, "life-jacket hose-65mm" },
    { DV_LINES, 3, 0, DEPOT_ENOENT, DK_LINE, "" },
    { DV_PLANS, 0, 0, DEPOT_OK, DK_PLAN, "2021 2022 2025" },
    { DV_DELIVERIES, 0, 0, DEPOT_OK, DK_DELIVERY, "d-2021-001 d-2023-007" },
};

static void test_views(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf got = STRBUF_INIT, slug = STRBUF_INIT;
    for (size_t i = 0; i < N_OF(view_cases); i++) {
        const struct view_case *c = &view_cases[i];
        struct listing *l = listing_new();
        int rc = depot_list(d, c->view, c->a, c->b, 0, collect, l);
        CU_ASSERT_EQUAL(rc, c->rc);
        joined(l, &got);
        if (strcmp(strbuf_str(&got), c->names))
            fprintf(stderr, "\nview %d (%lld, %lld): got '%s', want '%s'\n", (int)c->view,
                    (long long)c->a, (long long)c->b, strbuf_str(&got), c->names);
        CU_ASSERT_STRING_EQUAL(strbuf_str(&got), c->names);
        CU_ASSERT(l->increasing);
        for (size_t j = 0; j < l->n; j++) {
            /* the kind is right and the id names the member */
            CU_ASSERT_EQUAL(l->kinds[j], c->kind);
            strbuf_reset(&slug);
            CU_ASSERT_EQUAL(depot_slug(d, l->kinds[j], l->ids[j], &slug), DEPOT_OK);
            CU_ASSERT_STRING_EQUAL(strbuf_str(&slug), l->names[j]);
            /* every listed name is a member, as the same object */
            enum depot_kind k = DK_COUNT;
            int64_t id = -1;
            CU_ASSERT_EQUAL(depot_member(d, c->view, c->a, c->b, l->names[j], &k, &id), DEPOT_OK);
            CU_ASSERT_EQUAL(k, l->kinds[j]);
            CU_ASSERT_EQUAL(id, l->ids[j]);
        }
        /* a view that does not exist has no members either */
        if (c->rc != DEPOT_OK) {
            enum depot_kind k;
            int64_t id;
            CU_ASSERT_EQUAL(depot_member(d, c->view, c->a, c->b, "scba-000001", &k, &id), c->rc);
        }
        free(l);
    }
    strbuf_release(&got);
    strbuf_release(&slug);
    depot_close(d);
}

static void test_years(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    struct listing *l = listing_new();
    CU_ASSERT_EQUAL(depot_list(d, DV_YEARS, 0, 0, 0, collect, l), DEPOT_OK);
    CU_ASSERT_EQUAL(l->n, LAST_YEAR - FIRST_YEAR + 1);
    for (size_t i = 0; i < l->n; i++) {
        char want[8];
        snprintf(want, sizeof want, "%d", FIRST_YEAR + (int)i);
        CU_ASSERT_STRING_EQUAL(l->names[i], want);
        CU_ASSERT_EQUAL(l->ids[i], FIRST_YEAR + (int64_t)i);
        CU_ASSERT_EQUAL(l->kinds[i], DK_PLAN);
    }
    /* resuming inside and before the span */
    l->n = 0;
    CU_ASSERT_EQUAL(depot_list(d, DV_YEARS, 0, 0, 2030, collect, l), DEPOT_OK);
    CU_ASSERT_EQUAL(l->n, LAST_YEAR - 2030);
    CU_ASSERT_STRING_EQUAL(l->names[0], "2031");
    l->n = 0;
    CU_ASSERT_EQUAL(depot_list(d, DV_YEARS, 0, 0, LAST_YEAR, collect, l), DEPOT_OK);
    CU_ASSERT_EQUAL(l->n, 0);
    l->n = 0;
    CU_ASSERT_EQUAL(depot_list(d, DV_YEARS, 0, 0, INT64_MAX, collect, l), DEPOT_OK);
    CU_ASSERT_EQUAL(l->n, 0);

    static const struct { const char *name; int rc; } members[] = {
        { "2005", DEPOT_OK }, { "2035", DEPOT_OK }, { "2021", DEPOT_OK },
        { "2004", DEPOT_ENOENT }, { "2036", DEPOT_ENOENT }, { "02021", DEPOT_ENOENT },
        { "21", DEPOT_ENOENT }, { "year", DEPOT_ENOENT }, { "", DEPOT_ENOENT },
    };
    for (size_t i = 0; i < N_OF(members); i++) {
        enum depot_kind k;
        int64_t id = 0;
        CU_ASSERT_EQUAL(depot_member(d, DV_YEARS, 0, 0, members[i].name, &k, &id), members[i].rc);
        if (members[i].rc == DEPOT_OK)
            CU_ASSERT_EQUAL(id, atoi(members[i].name));
    }

    /* A later plan extends the span; a newer vehicle's end of life too. */
    CU_ASSERT_EQUAL(sqlite3_exec(depot_db(d),
        "INSERT INTO plan (year, created_ns) VALUES (2040, 1)", NULL, NULL, NULL), SQLITE_OK);
    l->n = 0;
    CU_ASSERT_EQUAL(depot_list(d, DV_YEARS, 0, 0, 0, collect, l), DEPOT_OK);
    CU_ASSERT_EQUAL(l->n, 2040 - FIRST_YEAR + 1);
    CU_ASSERT_EQUAL(sqlite3_exec(depot_db(d),
        "INSERT INTO vehicle (id, callsign, type_id, station_id, status, plate, year, mileage,"
        " created_ns) VALUES (6, 'new', 4, 1, 'in-service', 'P', 2039, 0, 1)",
        NULL, NULL, NULL), SQLITE_OK);
    l->n = 0;
    CU_ASSERT_EQUAL(depot_list(d, DV_YEARS, 0, 0, 0, collect, l), DEPOT_OK);
    CU_ASSERT_EQUAL(l->n, 2039 + 12 - FIRST_YEAR + 1);
    free(l);
    depot_close(d);

    /* An empty depot has no years; its year views do not exist. */
    d = test_depot_empty();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    l = listing_new();
    CU_ASSERT_EQUAL(depot_list(d, DV_YEARS, 0, 0, 0, collect, l), DEPOT_OK);
    CU_ASSERT_EQUAL(l->n, 0);
    CU_ASSERT_EQUAL(depot_list(d, DV_YEAR_ACQUIRED, 2020, 1, 0, collect, l), DEPOT_ENOENT);
    free(l);
    depot_close(d);
}

/* Names that exist, but not in the view asked. */
static void test_not_members(void)
{
    static const struct {
        enum depot_view view;
        int64_t a, b;
        const char *name;
    } cases[] = {
        { DV_SITES, 0, 0, "hualongqiao" },
        { DV_SITES, 0, 0, "scba" },
        { DV_SITE_VEHICLES, 1, 0, "jck-water-tender-old" },     /* retired */
        { DV_SITE_VEHICLES, 1, 0, "lfs-water-tender-1" },       /* elsewhere */
        { DV_SITE_VEHICLES, 1, 0, "scba-000001" },
        { DV_SITE_ITEMS, 1, 2, "scba-000002" },                 /* retired */
        { DV_SITE_ITEMS, 1, 2, "scba-000004" },                 /* other site */
        { DV_SITE_ITEMS, 1, 2, "helmet-000001" },               /* other category */
        { DV_FLEET, 0, 0, "scba-000001" },
        { DV_LOAD, 1, 0, "scba-000002" },                       /* retired */
        { DV_LOAD, 1, 0, "scba-000003" },                       /* not loaded */
        { DV_LOAD, 1, 0, "scba-000004" },                       /* on another vehicle */
        { DV_ITEMS, 0, 0, "jck-water-tender-1" },
        { DV_ITEMS, 0, 0, "scba-000001.json" },
        { DV_ITEMS, 0, 0, "../scba-000001" },
        { DV_ITEMS, 0, 0, "" },
        { DV_CATEGORIES, 0, 0, "jiaochangkou" },
        { DV_EQUIPMENT_CATEGORIES, 0, 0, "water-tender" },
        { DV_CATEGORY_MEMBERS, 1, 0, "jck-water-tender-old" },  /* retired */
        { DV_CATEGORY_MEMBERS, 1, 0, "jck-foam-tender-1" },
        { DV_CATEGORY_MEMBERS, 2, 0, "scba-000002" },           /* retired */
        { DV_CATEGORY_MEMBERS, 2, 0, "helmet-000001" },
        { DV_YEAR_ACQUIRED, 2016, 2, "scba-000005" },           /* 2017 */
        { DV_YEAR_ACQUIRED, 2016, 2, "helmet-000002" },         /* other category */
        { DV_YEAR_ACQUIRED, 2015, 1, "lfs-water-tender-1" },
        { DV_YEAR_DUE, 2016, 2, "scba-000001" },                /* acquired, not due */
        { DV_YEAR_DUE, 2020, 1, "lfs-water-tender-1" },
        { DV_MODULES, 0, 0, "hose-65mm" },
        { DV_LINES, 1, 0, "life-jacket" },
        { DV_LINES, 1, 0, "name" },
        { DV_PLANS, 0, 0, "2023" },
        { DV_PLANS, 0, 0, "02021" },
        { DV_PLANS, 0, 0, "2021.json" },
        { DV_DELIVERIES, 0, 0, "d-2021-002" },
    };
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    for (size_t i = 0; i < N_OF(cases); i++) {
        enum depot_kind k = DK_COUNT;
        int64_t id = -1;
        int rc = depot_member(d, cases[i].view, cases[i].a, cases[i].b, cases[i].name, &k, &id);
        if (rc != DEPOT_ENOENT)
            fprintf(stderr, "\nview %d: '%s' is a member\n", (int)cases[i].view, cases[i].name);
        CU_ASSERT_EQUAL(rc, DEPOT_ENOENT);
        CU_ASSERT_EQUAL(id, -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(depot_errmsg(d), "no such"));
    }
    depot_close(d);
}

/* Listing one entry at a time, resuming after the last id each time, gives
 * the whole listing; a callback that stops is obeyed. */
static void test_resume_and_stop(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf whole = STRBUF_INIT, pieces = STRBUF_INIT;
    for (size_t i = 0; i < N_OF(view_cases); i++) {
        const struct view_case *c = &view_cases[i];
        if (c->rc != DEPOT_OK)
            continue;
        struct listing *all = listing_new(), *one = listing_new();
        CU_ASSERT_EQUAL(depot_list(d, c->view, c->a, c->b, 0, collect, all), DEPOT_OK);
        one->stop_after = 1;
        int64_t after = 0;
        for (size_t step = 0; step <= all->n + 1; step++) {
            size_t before = one->n;
            one->stop_after = before + 1;
            CU_ASSERT_EQUAL(depot_list(d, c->view, c->a, c->b, after, collect, one), DEPOT_OK);
            if (one->n == before)
                break;
            CU_ASSERT_EQUAL(one->n, before + 1);   /* it stopped when told */
            after = one->ids[one->n - 1];
        }
        joined(all, &whole);
        joined(one, &pieces);
        CU_ASSERT_STRING_EQUAL(strbuf_str(&pieces), strbuf_str(&whole));
        free(all);
        free(one);
    }
    strbuf_release(&whole);
    strbuf_release(&pieces);
    depot_close(d);
}

/* More members than one batch of rows: order, completeness, resumption,
 * and a callback that uses the depot (even the same view) while listing. */
struct nested {
    depot *d;
    size_t n, inner_ok;
    int64_t last;
    int increasing;
};

static int count_only(void *ctx, const char *name, enum depot_kind kind, int64_t id)
{
    (void)name; (void)kind; (void)id;
    (*(size_t *)ctx)++;
    return 0;
}

static int nested_cb(void *ctx, const char *name, enum depot_kind kind, int64_t id)
{
    struct nested *n = ctx;
    enum depot_kind k;
    int64_t mid;
    size_t inner = 0;
    if (id <= n->last)
        n->increasing = 0;
    n->last = id;
    n->n++;
    /* every tenth member: list the same view again, and look the member up */
    if (n->n % 10 == 0 && depot_list(n->d, DV_CATEGORY_MEMBERS, 5, 0, id, count_only, &inner) == DEPOT_OK
        && depot_member(n->d, DV_CATEGORY_MEMBERS, 5, 0, name, &k, &mid) == DEPOT_OK
        && k == kind && mid == id)
        n->inner_ok++;
    return 0;
}

static void test_large_listing(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL_FATAL(sqlite3_exec(depot_db(d),
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
        " INSERT INTO item (id, tag, category_id, model, serial, station_id, status, acquired,"
        " created_ns) SELECT 100 + i * 3, printf('drone-%06d', i), 5, 'm', 's', 1 + i % 3,"
        " CASE WHEN i % 7 = 0 THEN 'retired' ELSE 'in-service' END,"
        " printf('%04d-06-15', 2010 + i % 12), 9000 + i FROM n",
        NULL, NULL, NULL), SQLITE_OK);
    static const struct { enum depot_view view; int64_t a, b; const char *sql; } cases[] = {
        { DV_CATEGORY_MEMBERS, 5, 0,
          "SELECT count(*) FROM item WHERE category_id = 5 AND status <> 'retired'" },
        { DV_ITEMS, 0, 0, "SELECT count(*) FROM item" },
        { DV_SITE_ITEMS, 2, 5,
          "SELECT count(*) FROM item WHERE category_id = 5 AND station_id = 2 AND status <> 'retired'" },
        { DV_YEAR_ACQUIRED, 2015, 5,
          "SELECT count(*) FROM item WHERE category_id = 5 AND acquired LIKE '2015-%'" },
        { DV_YEAR_DUE, 2025, 5,
          "SELECT count(*) FROM item WHERE category_id = 5 AND acquired LIKE '2017-%'" },
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        long long want = test_sql_int(d, cases[i].sql);
        CU_ASSERT(want > 0);
        struct nested n = { d, 0, 0, 0, 1 };
        CU_ASSERT_EQUAL(depot_list(d, cases[i].view, cases[i].a, cases[i].b, 0, nested_cb, &n),
                        DEPOT_OK);
        CU_ASSERT_EQUAL((long long)n.n, want);
        CU_ASSERT(n.increasing);
        if (cases[i].view == DV_CATEGORY_MEMBERS)
            CU_ASSERT_EQUAL(n.inner_ok, n.n / 10);
        /* resuming from the middle gives the rest */
        size_t rest = 0;
        CU_ASSERT_EQUAL(depot_list(d, cases[i].view, cases[i].a, cases[i].b, 1000, count_only, &rest),
                        DEPOT_OK);
        char sql[512];
        snprintf(sql, sizeof sql, "%s AND id > 1000", cases[i].sql);
        if (cases[i].view == DV_ITEMS)
            snprintf(sql, sizeof sql, "SELECT count(*) FROM item WHERE id > 1000");
        CU_ASSERT_EQUAL((long long)rest, test_sql_int(d, sql));
    }
    depot_close(d);
}

/* ---- the demo district ---- */

/* Counts the members of a view (-1 on failure). */
static long long view_count(depot *d, enum depot_view v, int64_t a, int64_t b)
{
    size_t n = 0;
    return depot_list(d, v, a, b, 0, count_only, &n) == DEPOT_OK ? (long long)n : -1;
}

/* The int64 pairs (or single ints, b = 0) of a query, into a[] and b[]. */
static size_t sql_pairs(depot *d, const char *sql, int64_t *a, int64_t *b, size_t max)
{
    sqlite3_stmt *st;
    size_t n = 0;
    if (sqlite3_prepare_v2(depot_db(d), sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    while (n < max && sqlite3_step(st) == SQLITE_ROW) {
        a[n] = sqlite3_column_int64(st, 0);
        b[n] = sqlite3_column_count(st) > 1 ? sqlite3_column_int64(st, 1) : 0;
        n++;
    }
    sqlite3_finalize(st);
    return n;
}

/*
 * On the seeded district (once core/seed.c is real): every view's count
 * equals the direct SQL count, and over all years each category's
 * acquisitions and ends of life add up to all its members.
 */
static void test_seeded_counts(void)
{
    depot *d = test_depot_empty();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    depot_seed_opts o = { .items = 2000, .seed = 1 };
    if (depot_seed(d, &o) != DEPOT_OK) {
        /* core/seed.c is written by another engineer; until then, say so. */
        CU_ASSERT_STRING_EQUAL(depot_errmsg(d), "not implemented");
        fprintf(stderr, "\n  (seeded counts skipped: depot_seed: %s) ", depot_errmsg(d));
        depot_close(d);
        return;
    }
    enum { MAXR = 4096 };
    static int64_t a[MAXR], b[MAXR];
    char sql[512];
    size_t n;

    CU_ASSERT_EQUAL(view_count(d, DV_ITEMS, 0, 0), test_sql_int(d, "SELECT count(*) FROM item"));
    CU_ASSERT_EQUAL(view_count(d, DV_FLEET, 0, 0), test_sql_int(d, "SELECT count(*) FROM vehicle"));
    CU_ASSERT_EQUAL(view_count(d, DV_SITES, 0, 0), test_sql_int(d, "SELECT count(*) FROM site"));
    CU_ASSERT_EQUAL(view_count(d, DV_CATEGORIES, 0, 0), test_sql_int(d, "SELECT count(*) FROM category"));
    CU_ASSERT_EQUAL(view_count(d, DV_MODULES, 0, 0), test_sql_int(d, "SELECT count(*) FROM reserve_module"));
    CU_ASSERT_EQUAL(view_count(d, DV_PLANS, 0, 0), test_sql_int(d, "SELECT count(*) FROM plan"));

    n = sql_pairs(d, "SELECT s.id, c.id FROM site s, category c WHERE c.kind = 'equipment'", a, b, MAXR);
    CU_ASSERT(n > 0);
    for (size_t i = 0; i < n; i++) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM item WHERE station_id = %lld AND"
                 " category_id = %lld AND status <> 'retired'", (long long)a[i], (long long)b[i]);
        CU_ASSERT_EQUAL(view_count(d, DV_SITE_ITEMS, a[i], b[i]), test_sql_int(d, sql));
        snprintf(sql, sizeof sql, "SELECT count(*) FROM vehicle WHERE station_id = %lld"
                 " AND status <> 'retired'", (long long)a[i]);
        CU_ASSERT_EQUAL(view_count(d, DV_SITE_VEHICLES, a[i], 0), test_sql_int(d, sql));
    }
    n = sql_pairs(d, "SELECT id FROM vehicle", a, b, MAXR);
    for (size_t i = 0; i < n; i++) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM item WHERE vehicle_id = %lld"
                 " AND status <> 'retired'", (long long)a[i]);
        CU_ASSERT_EQUAL(view_count(d, DV_LOAD, a[i], 0), test_sql_int(d, sql));
    }
    n = sql_pairs(d, "SELECT id, kind = 'vehicle' FROM category", a, b, MAXR);
    struct listing *years = listing_new();
    CU_ASSERT_EQUAL(depot_list(d, DV_YEARS, 0, 0, 0, collect, years), DEPOT_OK);
    CU_ASSERT(years->n > 0);
    for (size_t i = 0; i < n; i++) {
        snprintf(sql, sizeof sql, b[i] ? "SELECT count(*) FROM vehicle WHERE type_id = %lld"
                                       : "SELECT count(*) FROM item WHERE category_id = %lld",
                 (long long)a[i]);
        long long all = test_sql_int(d, sql), acquired = 0, due = 0;
        snprintf(sql, sizeof sql, b[i] ? "SELECT count(*) FROM vehicle WHERE type_id = %lld"
                                         " AND status <> 'retired'"
                                       : "SELECT count(*) FROM item WHERE category_id = %lld"
                                         " AND status <> 'retired'", (long long)a[i]);
        CU_ASSERT_EQUAL(view_count(d, DV_CATEGORY_MEMBERS, a[i], 0), test_sql_int(d, sql));
        for (size_t y = 0; y < years->n; y++) {
            acquired += view_count(d, DV_YEAR_ACQUIRED, years->ids[y], a[i]);
            due += view_count(d, DV_YEAR_DUE, years->ids[y], a[i]);
        }
        CU_ASSERT_EQUAL(acquired, all);
        CU_ASSERT_EQUAL(due, all);
    }
    free(years);
    depot_close(d);
}

/* ---- times of change ---- */

static void test_mtime(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    int64_t last = -1;
    /* no journal: the newest creation (plan 2025 at 8003) */
    CU_ASSERT_EQUAL(depot_last_change(d, &last), DEPOT_OK);
    CU_ASSERT_EQUAL(last, 8003);

    /* appended in time order, as changes commit */
    journal_row(d, 90000, "site", 2, "state");
    journal_row(d, 100000, "item", 1, "status");
    journal_row(d, 150000, "item", 1, "status");
    journal_row(d, 200000, "item", 1, "notes");
    journal_row(d, 250000, "line", 2, "count");
    journal_row(d, 260000, "plan", 2022, "plan");
    journal_row(d, 300000, "vehicle", 1, "status");      /* same id, other kind */

    const depot_attr *history = depot_attr_find(DK_ITEM, "history");
    int64_t item_history = history && (history->flags & DEPOT_ATTR_OBJECT) ? 200000 : 5001;
    static const struct {
        enum depot_kind kind;
        int64_t id;
        const char *attr;
        int rc;
        int64_t ns;
    } cases[] = {
        { DK_ITEM, 1, "status", DEPOT_OK, 150000 },
        { DK_ITEM, 1, "notes", DEPOT_OK, 200000 },
        { DK_ITEM, 1, "model", DEPOT_OK, 5001 },          /* never changed: creation */
        { DK_ITEM, 1, NULL, DEPOT_OK, 200000 },           /* the whole object */
        { DK_ITEM, 2, "status", DEPOT_OK, 5002 },
        { DK_ITEM, 2, NULL, DEPOT_OK, 5002 },
        { DK_VEHICLE, 1, "status", DEPOT_OK, 300000 },
        { DK_VEHICLE, 1, "notes", DEPOT_OK, 3001 },
        { DK_VEHICLE, 2, NULL, DEPOT_OK, 3002 },
        { DK_LINE, 2, "count", DEPOT_OK, 250000 },
        { DK_LINE, 2, "target", DEPOT_OK, 7002 },
        { DK_LINE, 4, "count", DEPOT_OK, 7004 },
        { DK_MODULE, 1, NULL, DEPOT_OK, 6001 },
        { DK_SITE, 2, NULL, DEPOT_OK, 90000 },
        { DK_SITE, 3, "state", DEPOT_OK, 1003 },
        { DK_CATEGORY, 5, "service-life", DEPOT_OK, 2005 },
        { DK_PLAN, 2022, NULL, DEPOT_OK, 260000 },
        { DK_PLAN, 2021, NULL, DEPOT_OK, 8001 },
        { DK_DELIVERY, 2, NULL, DEPOT_OK, 4002 },
        { DK_ITEM, 10, NULL, DEPOT_ENOENT, -1 },
        { DK_ITEM, 10, "status", DEPOT_ENOENT, -1 },
        { DK_PLAN, 2023, NULL, DEPOT_ENOENT, -1 },
        { DK_DELIVERY, 3, NULL, DEPOT_ENOENT, -1 },
        { DK_LINE, 5, "count", DEPOT_ENOENT, -1 },
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        int64_t ns = -1;
        CU_ASSERT_EQUAL(depot_mtime(d, cases[i].kind, cases[i].id, cases[i].attr, &ns), cases[i].rc);
        CU_ASSERT_EQUAL(ns, cases[i].ns);
    }
    int64_t ns = -1;
    CU_ASSERT_EQUAL(depot_mtime(d, DK_ITEM, 1, "history", &ns), DEPOT_OK);
    CU_ASSERT_EQUAL(ns, item_history);

    CU_ASSERT_EQUAL(depot_last_change(d, &last), DEPOT_OK);
    CU_ASSERT_EQUAL(last, 300000);
    /* a creation after the last journal row is a newer change */
    CU_ASSERT_EQUAL(sqlite3_exec(depot_db(d), "INSERT INTO delivery (id, note, received_ns)"
                                 " VALUES (3, 'd-late', 400000)", NULL, NULL, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(depot_last_change(d, &last), DEPOT_OK);
    CU_ASSERT_EQUAL(last, 400000);
    /* A journal row through the depot's own journalling moves it to now. */
    int64_t before = depot_now_ns();
    CU_ASSERT_EQUAL(depot_journal(d, &test_actor, DK_ITEM, 3, "scba-000003", "status",
                                  "reserve", "in-service", "test"), DEPOT_OK);
    CU_ASSERT_EQUAL(depot_mtime(d, DK_ITEM, 3, "status", &ns), DEPOT_OK);
    CU_ASSERT(ns >= before);
    CU_ASSERT_EQUAL(depot_last_change(d, &last), DEPOT_OK);
    CU_ASSERT_EQUAL(last, ns);
    depot_close(d);

    d = test_depot_empty();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(depot_last_change(d, &last), DEPOT_OK);
    CU_ASSERT_EQUAL(last, 0);
    depot_close(d);
}

/* ---- query plans ---- */

/* Asserts that no statement of core/objects.c scans item, vehicle or journal
 * whole, and that the views use the indexes meant for them. */
static void test_query_plans(void)
{
    static const char *const forbidden[] = { "SCAN item", "SCAN vehicle", "SCAN journal" };
    static const struct { const char *sql_part; const char *plan_part; } expected[] = {
        { "FROM item WHERE station_id = ?1 AND category_id = ?2 AND id > ?3",
          "item_station (station_id=? AND category_id=? AND rowid>?)" },
        { "FROM item WHERE category_id = ?1 AND id > ?3", "item_category (category_id=? AND rowid>?)" },
        { "FROM item WHERE vehicle_id = ?1 AND id > ?3", "item_vehicle (vehicle_id=? AND rowid>?)" },
        { "FROM vehicle WHERE station_id = ?1 AND id > ?3", "vehicle_station (station_id=? AND rowid>?)" },
        { "FROM vehicle WHERE type_id = ?1 AND id > ?3", "vehicle_type (type_id=? AND rowid>?)" },
        { "INDEXED BY item_acquired", "item_acquired (category_id=? AND acquired>? AND acquired<?)" },
        { "attribute = ?3", "journal_object (object_kind=? AND object_id=? AND attribute=?)" },
        { "SELECT max(at_ns) FROM journal", "journal_object_time (object_kind=? AND object_id=?)" },
        { "FROM item WHERE tag = ?7", "sqlite_autoindex_item_1 (tag=?)" },
    };
    depot *d = test_depot_empty();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    size_t seen[N_OF(expected)] = { 0 };
    strbuf plan = STRBUF_INIT, q = STRBUF_INIT;
    size_t n = 0;
    for (const char *sql; (sql = depot_objects_statement(n)) != NULL; n++) {
        sqlite3_stmt *st;
        strbuf_reset(&q);
        strbuf_addf(&q, "EXPLAIN QUERY PLAN %s", sql);
        strbuf_reset(&plan);
        CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(depot_db(d), strbuf_str(&q), -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            strbuf_addstr(&plan, (const char *)sqlite3_column_text(st, 3));
            strbuf_addch(&plan, '\n');
        }
        sqlite3_finalize(st);
        for (size_t f = 0; f < N_OF(forbidden); f++) {
            const char *hit = strstr(strbuf_str(&plan), forbidden[f]);
            size_t fl = strlen(forbidden[f]);
            if (hit && (hit[fl] == ' ' || hit[fl] == '\n')) {
                fprintf(stderr, "\nfull scan in: %s\n%s", sql, strbuf_str(&plan));
                CU_FAIL("a statement scans a big table");
            }
        }
        for (size_t e = 0; e < N_OF(expected); e++) {
            if (!strstr(sql, expected[e].sql_part))
                continue;
            seen[e]++;
            if (!strstr(strbuf_str(&plan), expected[e].plan_part))
                fprintf(stderr, "\nunexpected plan for: %s\n%s", sql, strbuf_str(&plan));
            CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&plan), expected[e].plan_part));
        }
    }
    CU_ASSERT(n > 40);
    for (size_t e = 0; e < N_OF(expected); e++)
        CU_ASSERT(seen[e] > 0);
    strbuf_release(&plan);
    strbuf_release(&q);
    depot_close(d);
}

struct changed {
    int n, vehicles, items, lines;
    int64_t module, prior;      /* a line's module; an item's vehicle before */
};

static void count_changed(void *ctx, enum depot_kind k, int64_t id, int64_t parent)
{
    struct changed *c = ctx;
    (void)id;
    c->n++;
    c->vehicles += k == DK_VEHICLE;
    c->items += k == DK_ITEM;
    if (k == DK_ITEM)
        c->prior = parent;
    if (k == DK_LINE) {
        c->lines++;
        c->module = parent;
    }
}

/* depot_changed_since names what a store changed, its cascades included. */
static void test_changed_since(void)
{
    depot *d = test_depot_seeded(2000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    long long vid = test_sql_int(d, "SELECT vehicle_id FROM item WHERE vehicle_id IS NOT NULL"
                                    " AND status <> 'retired' GROUP BY vehicle_id"
                                    " ORDER BY count(*) DESC LIMIT 1");
    long long load = test_sql_int(d, "SELECT count(*) FROM item WHERE vehicle_id ="
                                     " (SELECT vehicle_id FROM item WHERE vehicle_id IS NOT NULL"
                                     " AND status <> 'retired' GROUP BY vehicle_id"
                                     " ORDER BY count(*) DESC LIMIT 1)");
    CU_ASSERT_FATAL(vid > 0 && load > 0);
    int64_t head = -1;
    CU_ASSERT_EQUAL_FATAL(depot_journal_head(d, &head), DEPOT_OK);
    CU_ASSERT_EQUAL(head, 0);
    /* Moving the vehicle moves its load: the vehicle and every loaded item. */
    char q[128];
    snprintf(q, sizeof q, "SELECT station_id FROM vehicle WHERE id = %lld", vid);
    const char *to = test_sql_int(d, q) == test_sql_int(d, "SELECT id FROM site WHERE slug = 'yinglong'")
                   ? "jiaochangkou" : "yinglong";
    CU_ASSERT_EQUAL_FATAL(depot_store(d, DK_VEHICLE, vid, "station", to, strlen(to), &test_actor),
                          DEPOT_OK);
    struct changed c = { 0 };
    CU_ASSERT_EQUAL(depot_changed_since(d, head, count_changed, &c), DEPOT_OK);
    CU_ASSERT_EQUAL(c.vehicles, 1);
    CU_ASSERT_EQUAL(c.items, load);
    CU_ASSERT_EQUAL(c.n, load + 1);
    /* A line is named with its module. */
    CU_ASSERT_EQUAL_FATAL(depot_journal_head(d, &head), DEPOT_OK);
    CU_ASSERT(head > 0);
    CU_ASSERT_EQUAL_FATAL(depot_store(d, DK_LINE, 1, "count", "+1", 2, &test_actor), DEPOT_OK);
    memset(&c, 0, sizeof c);
    CU_ASSERT_EQUAL(depot_changed_since(d, head, count_changed, &c), DEPOT_OK);
    CU_ASSERT_EQUAL(c.n, 1);
    CU_ASSERT_EQUAL(c.lines, 1);
    CU_ASSERT_EQUAL(c.module, test_sql_int(d, "SELECT module_id FROM reserve_line WHERE id = 1"));
    /* An item is named with the vehicle it was on before its vehicle changed
     * (so that vehicle's load can be told), else with 0. */
    long long item = test_sql_int(d, "SELECT id FROM item WHERE vehicle_id IS NOT NULL"
                                     " AND status <> 'retired' ORDER BY id LIMIT 1");
    snprintf(q, sizeof q, "SELECT vehicle_id FROM item WHERE id = %lld", item);
    long long was = test_sql_int(d, q);
    CU_ASSERT_FATAL(item > 0 && was > 0);
    const char *none = "none";
    CU_ASSERT_EQUAL_FATAL(depot_journal_head(d, &head), DEPOT_OK);
    CU_ASSERT_EQUAL_FATAL(depot_store(d, DK_ITEM, item, "vehicle", none, strlen(none), &test_actor),
                          DEPOT_OK);
    memset(&c, 0, sizeof c);
    CU_ASSERT_EQUAL(depot_changed_since(d, head, count_changed, &c), DEPOT_OK);
    CU_ASSERT_EQUAL(c.items, 1);
    CU_ASSERT_EQUAL(c.prior, was);
    strbuf cs = STRBUF_INIT;
    CU_ASSERT_EQUAL_FATAL(depot_slug(d, DK_VEHICLE, was, &cs), DEPOT_OK);
    CU_ASSERT_EQUAL_FATAL(depot_journal_head(d, &head), DEPOT_OK);
    CU_ASSERT_EQUAL_FATAL(depot_store(d, DK_ITEM, item, "vehicle", cs.buf, cs.len, &test_actor),
                          DEPOT_OK);
    memset(&c, 0, sizeof c);
    c.prior = -1;
    CU_ASSERT_EQUAL(depot_changed_since(d, head, count_changed, &c), DEPOT_OK);
    CU_ASSERT_EQUAL(c.prior, 0);     /* it was on none */
    strbuf_release(&cs);
    const char *why = "no vehicle change";
    CU_ASSERT_EQUAL_FATAL(depot_journal_head(d, &head), DEPOT_OK);
    CU_ASSERT_EQUAL_FATAL(depot_store(d, DK_ITEM, item, "notes", why, strlen(why), &test_actor),
                          DEPOT_OK);
    memset(&c, 0, sizeof c);
    c.prior = -1;
    CU_ASSERT_EQUAL(depot_changed_since(d, head, count_changed, &c), DEPOT_OK);
    CU_ASSERT_EQUAL(c.prior, 0);
    /* Nothing after the newest row. */
    CU_ASSERT_EQUAL_FATAL(depot_journal_head(d, &head), DEPOT_OK);
    memset(&c, 0, sizeof c);
    CU_ASSERT_EQUAL(depot_changed_since(d, head, count_changed, &c), DEPOT_OK);
    CU_ASSERT_EQUAL(c.n, 0);
    depot_close(d);
}

/* Tags of new items, shared by deliveries and imports: the pattern's
 * number, the category's highest, the next free one (skipping a tag of the
 * pattern held by an item of another category), and the end of numbers. */
static void test_tag_numbers(void)
{
    CU_ASSERT_EQUAL(depot_tag_number("scba", "scba-000012"), 12);
    CU_ASSERT_EQUAL(depot_tag_number("scba", "scba-"), -1);
    CU_ASSERT_EQUAL(depot_tag_number("scba", "scba-12a"), -1);
    CU_ASSERT_EQUAL(depot_tag_number("scba", "scbax-1"), -1);
    CU_ASSERT_EQUAL(depot_tag_number("scba", "scba-1234567890123456"), -1);
    CU_ASSERT_EQUAL(depot_tag_number("scba", "scba-123456789012345"), 123456789012345LL);
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    int64_t high = -1, next;
    CU_ASSERT_EQUAL(depot_tag_high(d, 2, "scba", &high), DEPOT_OK);
    CU_ASSERT_EQUAL(high, 5);
    CU_ASSERT_EQUAL(depot_tag_high(d, 5, "drone", &high), DEPOT_OK);
    CU_ASSERT_EQUAL(high, 0);
    /* helmet-000001 to -000004 are all held: from 2 the next free is 5. */
    char tag[80];
    next = 2;
    CU_ASSERT_EQUAL(depot_tag_next(d, "helmet", &next, tag), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(tag, "helmet-000005");
    CU_ASSERT_EQUAL(next, 6);
    CU_ASSERT_EQUAL(sqlite3_exec(depot_db(d), "UPDATE item SET tag = 'drone-000001' WHERE id = 5",
                                 NULL, NULL, NULL), SQLITE_OK);
    next = 1;
    CU_ASSERT_EQUAL(depot_tag_next(d, "drone", &next, tag), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(tag, "drone-000002");
    next = 1000000000000000LL;
    CU_ASSERT_EQUAL(depot_tag_next(d, "drone", &next, tag), DEPOT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(depot_errmsg(d), "no tag number left"));
    depot_close(d);
}

static CU_TestInfo tests[] = {
    { "tags of new items", test_tag_numbers },
    { "lookup by name", test_lookup },
    { "what a store changed, cascades included", test_changed_since },
    { "names of objects", test_slug },
    { "views list their members", test_views },
    { "years span acquisitions, plans and ends of life", test_years },
    { "names elsewhere are not members", test_not_members },
    { "listings resume and stop", test_resume_and_stop },
    { "large listings and nested calls", test_large_listing },
    { "seeded district: views against SQL counts", test_seeded_counts },
    { "mtime from the journal or creation", test_mtime },
    { "every statement uses an index", test_query_plans },
    CU_TEST_INFO_NULL,
};

TEST_SUITE("objects", NULL, NULL, tests)
