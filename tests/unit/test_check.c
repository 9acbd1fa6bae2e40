/*
 * test_check.c: depot_check finds every planted fault.
 *
 * Each row of plants[] damages a freshly seeded depot behind the schema's
 * back (PRAGMA ignore_check_constraints, foreign_keys=OFF, as an old build
 * or a hand edit could) and names a piece of the fault line depot_check must
 * print.  A fresh seed must check clean, so every fault line comes from the
 * plant.  One more test damages an index, for SQLite's integrity_check, and
 * one plants more faults than are printed, for the "... and N more" line.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "testutil.h"

#define PLANT_ITEMS 400

static const char unguard[] = "PRAGMA ignore_check_constraints = ON; PRAGMA foreign_keys = OFF;";

static const struct plant {
    const char *what;
    const char *sql;
    const char *expect;     /* a substring of depot_check's output */
} plants[] = {
    { "negative count",
      "UPDATE reserve_line SET count = -5 WHERE slug = 'sandbags'",
      "reserve line 'water-rescue/sandbags': negative or non-integer count '-5'" },
    { "count that is not a number",
      "UPDATE reserve_line SET count = 'many' WHERE slug = 'n95-masks'",
      "reserve line 'epidemic/n95-masks': negative or non-integer count 'many'" },
    { "negative target",
      "UPDATE reserve_line SET target = -1 WHERE slug = 'tents'",
      "reserve line 'forest-fire/tents': negative or non-integer target '-1'" },
    { "negative minimum",
      "UPDATE reserve_line SET minimum = -3 WHERE slug = 'heaters'",
      "reserve line 'ice-snow/heaters': negative or non-integer minimum '-3'" },
    { "negative mileage",
      "UPDATE vehicle SET mileage = -100 WHERE callsign = 'jck-rescue-2'",
      "vehicle 'jck-rescue-2': negative or non-integer mileage '-100'" },
    { "vehicle status out of vocabulary",
      "UPDATE vehicle SET status = 'parked' WHERE callsign = 'lfs-rescue-1'",
      "vehicle 'lfs-rescue-1': status 'parked'" },
    { "vehicle next service not a date",
      "UPDATE vehicle SET next_service = '2026-13-01' WHERE callsign = 'lfs-rescue-1'",
      "vehicle 'lfs-rescue-1': next service '2026-13-01' is not a date" },
    { "vehicle of an equipment category",
      "UPDATE vehicle SET type_id = (SELECT id FROM category WHERE slug = 'scba')"
      " WHERE callsign = 'jck-rescue-2'",
      "vehicle 'jck-rescue-2': type 'scba' is not a vehicle type" },
    { "vehicle at a missing site",
      "UPDATE vehicle SET station_id = 999 WHERE callsign = 'jck-rescue-2'",
      "vehicle 'jck-rescue-2': station_id refers to a missing site" },
    { "site state out of vocabulary",
      "UPDATE site SET state = 'demolished' WHERE slug = 'laifushi'",
      "site 'laifushi': state 'demolished'" },
    { "site kind out of vocabulary",
      "UPDATE site SET kind = 'castle' WHERE slug = 'yinglong'",
      "site 'yinglong': kind 'castle' is not a site kind" },
    { "site opened not a date",
      "UPDATE site SET opened = '2025-02-30' WHERE slug = 'hualongqiao'",
      "site 'hualongqiao': opened '2025-02-30' is not a date" },
    { "bad slug",
      "UPDATE site SET slug = 'Jiao Chang Kou' WHERE slug = 'jiaochangkou'",
      "site 'Jiao Chang Kou': bad slug" },
    { "category service life out of range",
      "UPDATE category SET service_life = 0 WHERE slug = 'helmet'",
      "category 'helmet': service life '0'" },
    { "category inspection interval out of range",
      "UPDATE category SET inspection_interval = -30 WHERE slug = 'scba'",
      "category 'scba': inspection interval '-30'" },
    { "item status out of vocabulary",
      "UPDATE item SET status = 'lost' WHERE tag = 'hose-000001'",
      "item 'hose-000001': status 'lost' is not an equipment status" },
    { "item acquired not a date",
      "UPDATE item SET acquired = '2023-02-29' WHERE tag = 'hose-000001'",
      "item 'hose-000001': acquired '2023-02-29' is not a date" },
    { "item last inspection not a date",
      "UPDATE item SET last_inspection = 'yesterday' WHERE tag = 'hose-000002'",
      "item 'hose-000002': last inspection 'yesterday' is not a date" },
    { "item of a vehicle type",
      "UPDATE item SET category_id = (SELECT id FROM category WHERE slug = 'water-tender')"
      " WHERE tag = 'hose-000001'",
      "is not an equipment category" },
    { "item of a missing category",
      "UPDATE item SET category_id = 9999 WHERE tag = 'hose-000001'",
      "item 'hose-000001': category_id refers to a missing category" },
    { "item at a missing site",
      "UPDATE item SET station_id = 9999 WHERE tag = 'hose-000001'",
      "item 'hose-000001': station_id refers to a missing site" },
    { "item on a missing vehicle",
      "UPDATE item SET vehicle_id = 9999 WHERE tag = 'hose-000001'",
      "item 'hose-000001': vehicle_id refers to a missing vehicle" },
    { "item loaded on a vehicle of another station",
      "UPDATE item SET station_id = (SELECT id FROM site WHERE slug = 'jiaochangkou'),"
      " vehicle_id = (SELECT id FROM vehicle WHERE callsign = 'lfs-rescue-1')"
      " WHERE tag = 'hose-000001'",
      "item 'hose-000001': loaded on vehicle 'lfs-rescue-1' of another station" },
    { "item loaded on a retired vehicle",
      "UPDATE item SET station_id = (SELECT id FROM site WHERE slug = 'jiaochangkou'),"
      " vehicle_id = (SELECT id FROM vehicle WHERE callsign = 'jck-water-tender-1')"
      " WHERE tag = 'hose-000001'",
      "item 'hose-000001': loaded on retired vehicle 'jck-water-tender-1'" },
    { "item tag not a slug",
      "UPDATE item SET tag = 'HOSE 1' WHERE tag = 'hose-000001'",
      "item 'HOSE 1': bad tag" },
    { "reserve line of a missing module",
      "UPDATE reserve_line SET module_id = 99 WHERE slug = 'goggles'",
      "reserve line 'goggles': module_id refers to a missing module" },
    { "negative recruits",
      "UPDATE plan SET recruits = -40 WHERE year = 2023",
      "plan 2023: negative or non-integer recruits '-40'" },
    { "negative planned",
      "UPDATE plan_line SET planned = -1 WHERE year = 2022"
      " AND category_id = (SELECT id FROM category WHERE slug = 'forward-support')",
      "plan 2022: line of category" },
    { "plan line of a missing category",
      "INSERT INTO plan_line (year, category_id, planned) VALUES (2024, 4242, 7)",
      "plan 2024: line refers to a missing category (id 4242)" },
    { "plan line of a year without a plan",
      "INSERT INTO plan_line (year, category_id, planned)"
      " SELECT 2030, id, 5 FROM category WHERE slug = 'drone'",
      "plan 2030: line of category 'drone' but no plan for that year" },
    { "journal row of a missing item",
      "INSERT INTO journal (at_ns, uid, user, pid, process, object_kind, object_id, object,"
      " attribute) VALUES (1, 0, 'u', 1, 'p', 'item', 777777, 'scba-777777', 'status')",
      "item 777777 ('scba-777777') does not exist" },
    { "journal row of a missing plan",
      "INSERT INTO journal (at_ns, uid, user, pid, process, object_kind, object_id, object,"
      " attribute) VALUES (1, 0, 'u', 1, 'p', 'plan', 1999, '1999', 'plan.json')",
      "plan 1999 ('1999') does not exist" },
    { "journal row of an unknown kind",
      "INSERT INTO journal (at_ns, uid, user, pid, process, object_kind, object_id, object,"
      " attribute) VALUES (1, 0, 'u', 1, 'p', 'spaceship', 1, 'x', 'y')",
      "object kind 'spaceship' is unknown" },
    { "indicator kind out of vocabulary",
      "UPDATE indicator SET kind = 'hoped-for' WHERE slug = 'hydrant-coverage'",
      "indicator 'hydrant-coverage': kind 'hoped-for'" },
};

static void test_fresh_is_clean(void)
{
    depot *d = test_depot_seeded(PLANT_ITEMS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL(depot_check(d, &out), DEPOT_OK);
    CU_ASSERT_EQUAL(out.len, 0);
    strbuf_release(&out);
    depot_close(d);

    d = test_depot_empty();     /* an empty depot is sound too */
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(depot_check(d, &out), DEPOT_OK);
    strbuf_release(&out);
    depot_close(d);
}

static void test_planted_faults(void)
{
    for (size_t i = 0; i < sizeof plants / sizeof plants[0]; i++) {
        depot *d = test_depot_seeded(PLANT_ITEMS);
        CU_ASSERT_PTR_NOT_NULL_FATAL(d);
        sqlite3 *db = depot_db(d);
        CU_ASSERT_EQUAL_FATAL(sqlite3_exec(db, unguard, NULL, NULL, NULL), SQLITE_OK);
        char *err = NULL;
        if (sqlite3_exec(db, plants[i].sql, NULL, NULL, &err) != SQLITE_OK
            || sqlite3_changes(db) != 1) {
            fprintf(stderr, "\n  plant '%s' did not take: %s\n", plants[i].what,
                    err ? err : "no row changed");
            CU_FAIL("a plant did not take");
        }
        sqlite3_free(err);
        strbuf out = STRBUF_INIT;
        int rc = depot_check(d, &out);
        if (rc != DEPOT_EIO || !strstr(strbuf_str(&out), plants[i].expect))
            fprintf(stderr, "\n  plant '%s': rc %d, expected '%s' in:\n%s", plants[i].what, rc,
                    plants[i].expect, strbuf_str(&out));
        CU_ASSERT_EQUAL(rc, DEPOT_EIO);
        CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), plants[i].expect));
        /* one line per fault, each ending in a newline */
        CU_ASSERT(out.len > 0 && out.buf[out.len - 1] == '\n');
        CU_ASSERT_PTR_NOT_NULL(strstr(depot_errmsg(d), "fault"));
        strbuf_release(&out);
        depot_close(d);
    }
}

static void test_cap(void)
{
    depot *d = test_depot_seeded(PLANT_ITEMS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    sqlite3 *db = depot_db(d);
    CU_ASSERT_EQUAL_FATAL(sqlite3_exec(db, unguard, NULL, NULL, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL_FATAL(sqlite3_exec(db, "UPDATE item SET status = 'lost' WHERE id <= 150",
                                       NULL, NULL, NULL), SQLITE_OK);
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL(depot_check(d, &out), DEPOT_EIO);
    long lines = 0;
    for (size_t i = 0; i < out.len; i++)
        lines += out.buf[i] == '\n';
    CU_ASSERT_EQUAL(lines, 101);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), "\n... and 50 more\n"));
    strbuf_release(&out);
    depot_close(d);
}

/* A damaged index: the file's schema says item_status indexes another
 * column than the one its entries hold. */
static void test_integrity(void)
{
    char path[128];
    snprintf(path, sizeof path, "/tmp/depot-unit-%ld-check.db", (long)getpid());
    unlink(path);
    depot *d = NULL;
    CU_ASSERT_EQUAL_FATAL(depot_open(path, DEPOT_OPEN_CREATE, &d, NULL), DEPOT_OK);
    depot_seed_opts o = { .items = PLANT_ITEMS, .seed = 1 };
    CU_ASSERT_EQUAL(depot_seed(d, &o), DEPOT_OK);
    depot_close(d);
    sqlite3 *db;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(db, "PRAGMA writable_schema = ON;"
        " UPDATE sqlite_schema SET sql = 'CREATE INDEX item_status ON item(model)'"
        " WHERE name = 'item_status'", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    CU_ASSERT_EQUAL_FATAL(depot_open(path, 0, &d, NULL), DEPOT_OK);
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL(depot_check(d, &out), DEPOT_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), "integrity: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), "item_status"));
    strbuf_release(&out);
    depot_close(d);
    char aux[160];
    unlink(path);
    snprintf(aux, sizeof aux, "%s-wal", path);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", path);
    unlink(aux);
}

static CU_TestInfo tests[] = {
    { "a fresh depot checks clean", test_fresh_is_clean },
    { "every planted fault is found", test_planted_faults },
    { "at most 100 fault lines, then a count", test_cap },
    { "a damaged index is found", test_integrity },
    CU_TEST_INFO_NULL,
};

TEST_SUITE("check", NULL, NULL, tests)
