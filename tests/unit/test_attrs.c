/*
 * test_attrs.c: the attribute files of every kind (core/attrs.c): the
 * tables, what each file shows, and what each writable file accepts and
 * refuses, with the journal rows an accepted write leaves and the cascades
 * (a vehicle's load moving with it, retiring unloading).
 *
 * Every test builds its own small district with direct SQL on an empty
 * in-memory depot (fixture below), so the expected values are the ones
 * inserted here; derived values (expiry, next inspection) are compared with
 * SQL on the same database, never hard-coded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "testutil.h"

#define TODAY "2026-06-15"
/* 2021-05-03T00:00:00Z: when the fixture's objects were created */
#define CREATED_NS "1620000000000000000"

static const char fixture_sql[] =
    "INSERT INTO site (id, slug, name, kind, state, opened, created_ns) VALUES"
    " (1, 'jiaochangkou', '较场口消防站', 'station', 'operating', '2005-01-01', " CREATED_NS "),"
    " (2, 'laifushi', '来福士消防站', 'station', 'operating', '2019-09-01', " CREATED_NS "),"
    " (3, 'logistics-base', '战勤保障基地', 'logistics-base', 'under-construction', NULL, "
    CREATED_NS ");"
    "INSERT INTO category (id, slug, name, kind, class, service_life, inspection_interval,"
    " created_ns) VALUES"
    " (1, 'water-tender', '水罐消防车', 'vehicle', 'firefighting', 15, 365, " CREATED_NS "),"
    " (2, 'rescue', '抢险救援车', 'vehicle', 'special-service', 15, 180, " CREATED_NS "),"
    " (3, 'scba', '正压式空气呼吸器', 'equipment', 'protective', 8, 365, " CREATED_NS "),"
    " (4, 'thermal-camera', '热成像仪', 'equipment', 'detection', 6, 180, " CREATED_NS ");"
    "INSERT INTO vehicle (id, callsign, type_id, station_id, status, plate, year, mileage,"
    " next_service, notes, created_ns) VALUES"
    " (1, 'jck-water-tender-1', 1, 1, 'in-service', '渝A·12345', 2018, 12500, '2026-12-01', '', "
    CREATED_NS "),"
    " (2, 'lfs-rescue-1', 2, 2, 'standby', '渝A·23456', 2020, 3000, NULL, 'winch serviced', "
    CREATED_NS "),"
    " (3, 'jck-old-tender', 1, 1, 'retired', '渝A·00001', 2006, 310000, NULL, '', " CREATED_NS ");"
    "INSERT INTO item (id, tag, category_id, model, serial, station_id, vehicle_id, status,"
    " acquired, last_inspection, notes, created_ns) VALUES"
    " (1, 'scba-000001', 3, 'RHZKF6.8/30', 'SN-0001', 1, 1, 'in-service', '2020-03-15',"
    " '2025-06-01', '', " CREATED_NS "),"
    " (2, 'scba-000002', 3, 'RHZKF6.8/30', 'SN-0002', 1, 1, 'in-service', '2020-03-15', NULL, '', "
    CREATED_NS "),"
    " (3, 'thermal-camera-000001', 4, 'K2', 'TC-77', 2, NULL, 'reserve', '2022-01-10', NULL,"
    " 'spare battery in case', " CREATED_NS "),"
    " (4, 'scba-000003', 3, 'RHZKF6.8/30', 'SN-0003', 3, NULL, 'retired', '2012-05-20',"
    " '2019-05-01', '', " CREATED_NS "),"
    " (5, 'thermal-camera-000002', 4, 'K2', 'TC-78', 2, 2, 'in-service', '2021-07-01',"
    " '2026-01-10', '', " CREATED_NS ");"
    "INSERT INTO reserve_module (id, slug, name, location, created_ns) VALUES"
    " (1, 'earthquake', '地震救援模块', 'logistics-base', " CREATED_NS ");"
    "INSERT INTO reserve_line (id, module_id, slug, name, unit, count, target, minimum,"
    " created_ns) VALUES"
    " (1, 1, 'tents', '帐篷', 'tent', 5, 20, 10, " CREATED_NS "),"
    " (2, 1, 'water', '饮用水', 'case', 100, 200, 50, " CREATED_NS ");";

/* Fills d with the fixture and fixes today; fails the test if it cannot. */
static int fill(depot *d)
{
    char *err = NULL;
    if (sqlite3_exec(depot_db(d), fixture_sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "fixture: %s\n", err ? err : "?");
        sqlite3_free(err);
        CU_FAIL("cannot insert the fixture");
        return -1;
    }
    CU_ASSERT_EQUAL(depot_set_today(d, TODAY), DEPOT_OK);
    return 0;
}

/* A new in-memory depot holding the fixture, or NULL. */
static depot *fixture(void)
{
    depot *d = test_depot_empty();
    if (d && fill(d) != 0) {
        depot_close(d);
        return NULL;
    }
    return d;
}

/* The attribute's text without its newline into out (reset); the result code. */
static int show_text(depot *d, enum depot_kind k, int64_t id, const char *attr, strbuf *out)
{
    strbuf_reset(out);
    int rc = depot_show(d, k, id, attr, out);
    if (rc == DEPOT_OK) {
        CU_ASSERT(out->len > 0 && out->buf[out->len - 1] == '\n');
        if (out->len && out->buf[out->len - 1] == '\n')
            out->buf[--out->len] = '\0';
        CU_ASSERT_PTR_NULL(strchr(strbuf_str(out), '\n'));
    }
    return rc;
}

/* Text of column 0 of the first row of sql with ?1 = id, into out. */
static void sql_text(depot *d, const char *sql, int64_t id, strbuf *out)
{
    sqlite3_stmt *st;
    strbuf_reset(out);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(depot_db(d), sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        strbuf_addstr(out, (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

/* Every row of every table a store may touch, as text: equal snapshots
 * mean nothing changed. */
static void snapshot(depot *d, strbuf *out)
{
    static const char *const tables[] = { "site", "category", "vehicle", "item",
                                          "reserve_module", "reserve_line", "journal", NULL };
    strbuf_reset(out);
    for (size_t t = 0; tables[t]; t++) {
        char sql[64];
        sqlite3_stmt *st;
        snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY rowid", tables[t]);
        CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(depot_db(d), sql, -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                const unsigned char *v = sqlite3_column_text(st, c);
                strbuf_addf(out, "%s|", v ? (const char *)v : "NULL");
            }
            strbuf_addch(out, '\n');
        }
        sqlite3_finalize(st);
    }
}

static long long journal_rows(depot *d)
{
    return test_sql_int(d, "SELECT count(*) FROM journal");
}

/* Checks the newest journal row of (k, id, attr): the test actor, the
 * object's slug, old, new and reason.  Returns 0 if there is such a row. */
static int check_journal(depot *d, enum depot_kind k, int64_t id, const char *object,
                         const char *attr, const char *old, const char *new_value,
                         const char *reason)
{
    sqlite3_stmt *st;
    int found = -1;
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(depot_db(d),
        "SELECT uid, user, pid, process, object, old, new, reason FROM journal"
        " WHERE object_kind = ?1 AND object_id = ?2 AND attribute = ?3 ORDER BY id DESC LIMIT 1",
        -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, depot_kind_name(k), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_text(st, 3, attr, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        found = 0;
        CU_ASSERT_EQUAL(sqlite3_column_int64(st, 0), test_actor.uid);
        CU_ASSERT_STRING_EQUAL(sqlite3_column_text(st, 1), test_actor.user);
        CU_ASSERT_EQUAL(sqlite3_column_int64(st, 2), test_actor.pid);
        CU_ASSERT_STRING_EQUAL(sqlite3_column_text(st, 3), test_actor.process);
        if (object)
            CU_ASSERT_STRING_EQUAL(sqlite3_column_text(st, 4), object);
        const char *o = (const char *)sqlite3_column_text(st, 5);
        const char *n = (const char *)sqlite3_column_text(st, 6);
        const char *r = (const char *)sqlite3_column_text(st, 7);
        CU_ASSERT_PTR_NOT_NULL(o);
        CU_ASSERT_PTR_NOT_NULL(n);
        if (o && old && strcmp(o, old)) {
            fprintf(stderr, "\n  journal %s: old '%s', expected '%s'\n", attr, o, old);
            CU_FAIL("journal old value");
        }
        if (n && new_value && strcmp(n, new_value)) {
            fprintf(stderr, "\n  journal %s: new '%s', expected '%s'\n", attr, n, new_value);
            CU_FAIL("journal new value");
        }
        if (reason && strcmp(r ? r : "", reason)) {
            fprintf(stderr, "\n  journal %s: reason '%s', expected '%s'\n", attr, r, reason);
            CU_FAIL("journal reason");
        }
    }
    sqlite3_finalize(st);
    return found;
}

/* ---- the tables ---- */

static void test_attr_tables(void)
{
    static const struct {
        enum depot_kind kind;
        const char *names;      /* in directory order; '*' marks writable */
    } want[] = {
        { DK_SITE, "name kind state opened summary" },
        { DK_CATEGORY, "name kind class *service-life *inspection-interval" },
        { DK_VEHICLE, "type class *station *status plate year *mileage *next-service *notes"
                      " history vehicle.json" },
        { DK_ITEM, "category model serial *station *vehicle *status acquired expires"
                   " *last-inspection next-inspection *notes history item.json" },
        { DK_MODULE, "name location summary" },
        { DK_LINE, "name unit *count *target *minimum history" },
        { DK_PLAN, "" },
        { DK_DELIVERY, "" },
    };
    for (size_t t = 0; t < sizeof want / sizeof want[0]; t++) {
        size_t n = 99;
        const depot_attr *a = depot_attrs(want[t].kind, &n);
        strbuf got = STRBUF_INIT;
        for (size_t i = 0; i < n; i++) {
            strbuf_addf(&got, "%s%s%s", i ? " " : "", a[i].mode == 0644 ? "*" : "", a[i].name);
            CU_ASSERT(a[i].mode == 0644 || a[i].mode == 0444);
            CU_ASSERT_EQUAL(a[i].mode == 0644, a[i].store != NULL);
            CU_ASSERT_PTR_NOT_NULL(a[i].show);
            CU_ASSERT_PTR_EQUAL(depot_attr_find(want[t].kind, a[i].name), &a[i]);
            int object = !strcmp(a[i].name, "history") || !strcmp(a[i].name, "summary")
                         || strstr(a[i].name, ".json") != NULL;
            CU_ASSERT_EQUAL(!!(a[i].flags & DEPOT_ATTR_OBJECT), object);
            CU_ASSERT_EQUAL(!!(a[i].flags & DEPOT_ATTR_FREETEXT), !strcmp(a[i].name, "notes"));
        }
        if (strcmp(strbuf_str(&got), want[t].names)) {
            fprintf(stderr, "\n  %s: '%s', expected '%s'\n", depot_kind_name(want[t].kind),
                    strbuf_str(&got), want[t].names);
            CU_FAIL("attribute table");
        }
        CU_ASSERT_PTR_NULL(depot_attr_find(want[t].kind, "no-such-file"));
        CU_ASSERT_PTR_NULL(depot_attr_find(want[t].kind, ""));
        strbuf_release(&got);
    }
}

/* ---- showing ---- */

static void test_show_values(void)
{
    static const struct {
        enum depot_kind kind;
        int64_t id;
        const char *attr;
        const char *text;
    } cases[] = {
        { DK_SITE, 1, "name", "较场口消防站" },
        { DK_SITE, 1, "kind", "station" },
        { DK_SITE, 3, "kind", "logistics-base" },
        { DK_SITE, 3, "state", "under-construction" },
        { DK_SITE, 1, "opened", "2005-01-01" },
        { DK_SITE, 3, "opened", "none" },
        { DK_CATEGORY, 3, "name", "正压式空气呼吸器" },
        { DK_CATEGORY, 3, "kind", "equipment" },
        { DK_CATEGORY, 1, "kind", "vehicle" },
        { DK_CATEGORY, 2, "class", "special-service" },
        { DK_CATEGORY, 3, "service-life", "8" },
        { DK_CATEGORY, 4, "inspection-interval", "180" },
        { DK_VEHICLE, 1, "type", "water-tender" },
        { DK_VEHICLE, 2, "class", "special-service" },
        { DK_VEHICLE, 2, "station", "laifushi" },
        { DK_VEHICLE, 2, "status", "standby" },
        { DK_VEHICLE, 1, "plate", "渝A·12345" },
        { DK_VEHICLE, 1, "year", "2018" },
        { DK_VEHICLE, 1, "mileage", "12500" },
        { DK_VEHICLE, 1, "next-service", "2026-12-01" },
        { DK_VEHICLE, 2, "next-service", "none" },
        { DK_VEHICLE, 2, "notes", "winch serviced" },
        { DK_VEHICLE, 1, "notes", "" },
        { DK_ITEM, 1, "category", "scba" },
        { DK_ITEM, 1, "model", "RHZKF6.8/30" },
        { DK_ITEM, 3, "serial", "TC-77" },
        { DK_ITEM, 3, "station", "laifushi" },
        { DK_ITEM, 1, "vehicle", "jck-water-tender-1" },
        { DK_ITEM, 3, "vehicle", "none" },
        { DK_ITEM, 4, "status", "retired" },
        { DK_ITEM, 3, "acquired", "2022-01-10" },
        { DK_ITEM, 1, "last-inspection", "2025-06-01" },
        { DK_ITEM, 2, "last-inspection", "none" },
        { DK_ITEM, 3, "notes", "spare battery in case" },
        { DK_MODULE, 1, "name", "地震救援模块" },
        { DK_MODULE, 1, "location", "logistics-base" },
        { DK_LINE, 1, "name", "帐篷" },
        { DK_LINE, 2, "unit", "case" },
        { DK_LINE, 1, "count", "5" },
        { DK_LINE, 1, "target", "20" },
        { DK_LINE, 1, "minimum", "10" },
    };
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT, want = STRBUF_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = show_text(d, cases[i].kind, cases[i].id, cases[i].attr, &out);
        CU_ASSERT_EQUAL(rc, DEPOT_OK);
        if (rc || strcmp(strbuf_str(&out), cases[i].text)) {
            fprintf(stderr, "\n  %s %lld %s: '%s' (%d), expected '%s'\n",
                    depot_kind_name(cases[i].kind), (long long)cases[i].id, cases[i].attr,
                    strbuf_str(&out), rc, cases[i].text);
            CU_FAIL("shown value");
        }
    }
    /* derived dates, against SQL on the same rows */
    for (int64_t id = 1; id <= 5; id++) {
        CU_ASSERT_EQUAL(show_text(d, DK_ITEM, id, "expires", &out), DEPOT_OK);
        sql_text(d, "SELECT date(acquired, '+' || service_life || ' years') FROM item"
                    " JOIN category c ON c.id = category_id WHERE item.id = ?1", id, &want);
        CU_ASSERT_STRING_EQUAL(strbuf_str(&out), strbuf_str(&want));
        CU_ASSERT_EQUAL(show_text(d, DK_ITEM, id, "next-inspection", &out), DEPOT_OK);
        sql_text(d, "SELECT date(coalesce(last_inspection, acquired), '+' || inspection_interval"
                    " || ' days') FROM item JOIN category c ON c.id = category_id"
                    " WHERE item.id = ?1", id, &want);
        CU_ASSERT_STRING_EQUAL(strbuf_str(&out), strbuf_str(&want));
        CU_ASSERT_EQUAL(strlen(strbuf_str(&out)), 10);
    }
    /* no such object, no such attribute: ENOENT, and out is left as it was */
    static const struct {
        enum depot_kind kind;
        int64_t id;
        const char *attr;
    } missing[] = {
        { DK_ITEM, 99, "status" }, { DK_ITEM, 99, "history" }, { DK_ITEM, 99, "item.json" },
        { DK_VEHICLE, 0, "mileage" }, { DK_VEHICLE, 99, "vehicle.json" },
        { DK_SITE, 99, "name" }, { DK_SITE, 99, "summary" }, { DK_MODULE, 99, "summary" },
        { DK_LINE, 99, "count" }, { DK_CATEGORY, 99, "service-life" },
        { DK_ITEM, 1, "no-such-file" }, { DK_ITEM, 1, "mileage" }, { DK_PLAN, 2023, "name" },
    };
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        strbuf_reset(&out);
        strbuf_addstr(&out, "kept");
        CU_ASSERT_EQUAL(depot_show(d, missing[i].kind, missing[i].id, missing[i].attr, &out),
                        DEPOT_ENOENT);
        CU_ASSERT_STRING_EQUAL(strbuf_str(&out), "kept");
        CU_ASSERT(strlen(depot_errmsg(d)) > 0);
    }
    strbuf_release(&out);
    strbuf_release(&want);
    depot_close(d);
}

/* ---- storing: one table per writable attribute ---- */

struct store_case {
    const char *in;         /* what is written */
    size_t len;             /* 0: strlen(in) */
    int rc;
    const char *shown;      /* the value afterwards, without "\n" */
    int journal;            /* journal rows the write adds (all its cascades) */
    const char *old;        /* the attribute's journal row: old value */
    const char *reason;     /*   and reason ("" when none given) */
    const char *msg;        /* a part of the refusal words, or NULL */
};

struct store_table {
    enum depot_kind kind;
    int64_t id;
    const char *object;     /* its slug as the journal names it */
    const char *attr;
    const struct store_case *cases;
};

#define OK_(in, shown, j, old, reason) { in, 0, DEPOT_OK, shown, j, old, reason, NULL }
#define SAME(in, shown) { in, 0, DEPOT_OK, shown, 0, NULL, NULL, NULL }
#define BAD(in, shown, msg) { in, 0, DEPOT_EINVAL, shown, 0, NULL, NULL, msg }
#define END { NULL, 0, 0, NULL, 0, NULL, NULL, NULL }

static const struct store_case count_cases[] = {
    OK_("7", "7", 1, "5", ""),
    OK_("7\n", "7", 1, "5", ""),
    OK_("7\r\n", "7", 1, "5", ""),
    OK_("  8  \n", "8", 1, "5", ""),
    OK_("0", "0", 1, "5", ""),
    OK_("+3", "8", 1, "5", ""),
    OK_("+3\n", "8", 1, "5", ""),
    OK_("-5", "0", 1, "5", ""),
    OK_("-2: used at Chaotianmen fire\n", "3", 1, "5", "used at Chaotianmen fire"),
    OK_("+15: restocked after audit", "20", 1, "5", "restocked after audit"),
    OK_("9223372036854775807", "9223372036854775807", 1, "5", ""),
    OK_("7:", "7", 1, "5", ""),
    SAME("5", "5"),
    SAME("5\n", "5"),
    SAME("+0", "5"),
    SAME("-0", "5"),
    SAME("005", "5"),
    BAD("-6", "5", "count: '-6' would make the count negative (now 5)"),
    BAD("-12: used at Chaotianmen fire\n", "5", "count: '-12' would make the count negative (now 5)"),
    BAD("-9223372036854775807", "5", "negative (now 5)"),
    BAD("+9223372036854775807", "5", "too large"),
    BAD("", "5", "count:"),
    BAD("\n", "5", "count:"),
    BAD("   \n", "5", "count:"),
    BAD(": only a reason", "5", "count:"),
    BAD("seven", "5", "'seven'"),
    BAD("five\n", "5", "'five'"),
    BAD("1.5", "5", "'1.5'"),
    BAD("1e3", "5", "'1e3'"),
    BAD("0x10", "5", "'0x10'"),
    BAD("++1", "5", "'++1'"),
    BAD("+-1", "5", "'+-1'"),
    BAD("--1", "5", "'--1'"),
    BAD("- 1", "5", "'- 1'"),
    BAD("+", "5", "'+'"),
    BAD("1,000", "5", "'1,000'"),
    BAD("1 000", "5", "'1 000'"),
    BAD("18446744073709551616", "5", "'18446744073709551616'"),
    BAD("+18446744073709551616", "5", "'+18446744073709551616'"),
    BAD("9223372036854775808", "5", "'9223372036854775808'"),
    BAD("-9223372036854775808", "5", "count:"),
    BAD("１", "5", "count:"),              /* a fullwidth digit */
    BAD("1\n2\n", "5", "count:"),
    BAD("1\n2", "5", "count:"),
    BAD("1\r2", "5", "count:"),
    BAD("\n1", "5", "count:"),
    BAD("none", "5", "'none'"),
    END,
};

static const struct store_case target_cases[] = {
    OK_("25", "25", 1, "20", ""),
    OK_("+5: new tents budgeted", "25", 1, "20", "new tents budgeted"),
    OK_("-20", "0", 1, "20", ""),
    SAME("20", "20"),
    BAD("-21", "20", "target: '-21' would make the target negative (now 20)"),
    BAD("twenty", "20", "'twenty'"),
    BAD("2e1", "20", "'2e1'"),
    END,
};

static const struct store_case minimum_cases[] = {
    OK_("12", "12", 1, "10", ""),
    OK_("-10", "0", 1, "10", ""),
    SAME("+0", "10"),
    BAD("-11", "10", "minimum: '-11' would make the minimum negative (now 10)"),
    BAD("0x0A", "10", "'0x0A'"),
    END,
};

static const struct store_case mileage_cases[] = {
    OK_("13000", "13000", 1, "12500", ""),
    OK_("13000: annual odometer check", "13000", 1, "12500", "annual odometer check"),
    OK_("+250", "12750", 1, "12500", ""),
    OK_("+250: drill at Chaotianmen", "12750", 1, "12500", "drill at Chaotianmen"),
    OK_("9223372036854775807", "9223372036854775807", 1, "12500", ""),
    SAME("12500", "12500"),
    SAME("+0", "12500"),
    BAD("12000", "12500", "mileage: '12000' is below the current 12500 (mileage never goes down)"),
    BAD("0", "12500", "mileage: '0' is below the current 12500"),
    BAD("-5", "12500", "mileage: '-5'"),
    BAD("-0", "12500", "mileage: '-0'"),
    BAD("+9223372036854775807", "12500", "too large"),
    BAD("abc", "12500", "'abc'"),
    BAD("twelve thousand", "12500", "'twelve thousand'"),
    BAD("1.5", "12500", "'1.5'"),
    BAD("1e5", "12500", "'1e5'"),
    BAD("0x10000", "12500", "'0x10000'"),
    BAD("++1", "12500", "'++1'"),
    BAD("18446744073709551616", "12500", "'18446744073709551616'"),
    BAD("13 000", "12500", "'13 000'"),
    BAD("13000km", "12500", "'13000km'"),
    BAD("", "12500", "mileage:"),
    BAD(" \t \n", "12500", "mileage:"),
    BAD("13000\n14000\n", "12500", "mileage:"),
    END,
};

static const struct store_case next_service_cases[] = {
    OK_("2027-01-15", "2027-01-15", 1, "2026-12-01", ""),
    OK_("2024-02-29: overdue, booked late", "2024-02-29", 1, "2026-12-01", "overdue, booked late"),
    OK_("none", "none", 1, "2026-12-01", ""),
    OK_("none: sold for scrap", "none", 1, "2026-12-01", "sold for scrap"),
    SAME("2026-12-01", "2026-12-01"),
    BAD("2026-02-30", "2026-12-01", "next-service: '2026-02-30' is not a date (YYYY-MM-DD)"),
    BAD("2025-02-29", "2026-12-01", "'2025-02-29' is not a date"),
    BAD("2026-13-01", "2026-12-01", "'2026-13-01'"),
    BAD("2026-12-1", "2026-12-01", "'2026-12-1'"),
    BAD("2026/12/01", "2026-12-01", "'2026/12/01'"),
    BAD("26-12-01", "2026-12-01", "'26-12-01'"),
    BAD("1899-12-31", "2026-12-01", "'1899-12-31'"),
    BAD("tomorrow", "2026-12-01", "'tomorrow'"),
    BAD("None", "2026-12-01", "'None'"),
    BAD("", "2026-12-01", "next-service:"),
    BAD("2027-01-15\n2027-02-15", "2026-12-01", "next-service:"),
    END,
};

static const struct store_case vehicle_status_cases[] = {
    OK_("in-service", "in-service", 1, "standby", ""),
    OK_("maintenance: pump seal leaking\n", "maintenance", 1, "standby", "pump seal leaking"),
    OK_("  out-of-service  :  winch broken  \n", "out-of-service", 1, "standby", "winch broken"),
    /* lfs-rescue-1 carries thermal-camera-000002: retiring unloads it */
    OK_("retired", "retired", 2, "standby", ""),
    SAME("standby", "standby"),
    SAME("standby: still standby", "standby"),
    BAD("broken", "standby",
        "status: 'broken' is not one of in-service, standby, maintenance, out-of-service, retired"),
    BAD("reserve", "standby", "'reserve' is not one of"),
    BAD("In-Service", "standby", "'In-Service'"),
    BAD("in service", "standby", "'in service'"),
    BAD("in-service retired", "standby", "'in-service retired'"),
    BAD("", "standby", "status:"),
    BAD("in-service\nretired\n", "standby", "status:"),
    END,
};

static const struct store_case vehicle_station_cases[] = {
    /* lfs-rescue-1 carries thermal-camera-000002: it moves too */
    OK_("jiaochangkou", "jiaochangkou", 2, "laifushi", ""),
    OK_("logistics-base: to the workshop", "logistics-base", 2, "laifushi", "to the workshop"),
    SAME("laifushi", "laifushi"),
    BAD("atlantis", "laifushi", "station: no such site 'atlantis'"),
    BAD("Jiaochangkou", "laifushi", "no such site 'Jiaochangkou'"),
    BAD("../jiaochangkou", "laifushi", "no such site '../jiaochangkou'"),
    BAD("jiaochangkou laifushi", "laifushi", "no such site"),
    BAD("", "laifushi", "station:"),
    END,
};

static const struct store_case vehicle_notes_cases[] = {
    OK_("new winch cable fitted 2026-05", "new winch cable fitted 2026-05", 1, "winch serviced", ""),
    OK_("note: colons stay in notes\n", "note: colons stay in notes", 1, "winch serviced", ""),
    OK_("渝中区 ✓ 中文备注", "渝中区 ✓ 中文备注", 1, "winch serviced", ""),
    OK_("", "", 1, "winch serviced", ""),
    OK_("\n", "", 1, "winch serviced", ""),
    OK_("   \t \n", "", 1, "winch serviced", ""),
    SAME("winch serviced", "winch serviced"),
    SAME("  winch serviced  \n", "winch serviced"),
    BAD("line one\nline two\n", "winch serviced", "notes:"),
    BAD("\xc3\x28", "winch serviced", "notes:"),
    END,
};

static const struct store_case item_status_cases[] = {
    OK_("in-service", "in-service", 1, "reserve", ""),
    OK_("maintenance: pump seal leaking", "maintenance", 1, "reserve", "pump seal leaking"),
    OK_("retired", "retired", 1, "reserve", ""),   /* on no vehicle: nothing to unload */
    SAME("reserve", "reserve"),
    BAD("broken", "reserve",
        "status: 'broken' is not one of in-service, reserve, maintenance, out-of-service, retired"),
    BAD("standby", "reserve", "'standby' is not one of"),
    BAD("RETIRED", "reserve", "'RETIRED'"),
    BAD("", "reserve", "status:"),
    BAD("   ", "reserve", "status:"),
    END,
};

static const struct store_case item_station_cases[] = {
    OK_("jiaochangkou", "jiaochangkou", 1, "laifushi", ""),
    OK_("logistics-base: returned to stores", "logistics-base", 1, "laifushi", "returned to stores"),
    SAME("laifushi", "laifushi"),
    BAD("atlantis", "laifushi", "station: no such site 'atlantis'"),
    BAD("LAIFUSHI", "laifushi", "no such site 'LAIFUSHI'"),
    BAD("", "laifushi", "station:"),
    END,
};

static const struct store_case item_vehicle_cases[] = {
    OK_("lfs-rescue-1", "lfs-rescue-1", 1, "none", ""),            /* same station */
    OK_("jck-water-tender-1: for the drill", "jck-water-tender-1", 2, "none", "for the drill"),
    SAME("none", "none"),
    BAD("jck-old-tender", "none", "vehicle: 'jck-old-tender' is retired"),
    BAD("atlantis-1", "none", "vehicle: no such vehicle 'atlantis-1'"),
    BAD("None", "none", "no such vehicle 'None'"),
    BAD("", "none", "vehicle:"),
    END,
};

static const struct store_case last_inspection_cases[] = {
    OK_(TODAY, TODAY, 1, "none", ""),
    OK_("2022-01-10", "2022-01-10", 1, "none", ""),
    OK_("2024-02-29: annual check, passed", "2024-02-29", 1, "none", "annual check, passed"),
    BAD("2026-06-16", "none", "last-inspection: '2026-06-16' is after today (2026-06-15)"),
    BAD("2099-01-01", "none", "after today"),
    BAD("2022-01-09", "none", "last-inspection: '2022-01-09' is before the item was acquired"),
    BAD("2026-02-30", "none", "last-inspection: '2026-02-30' is not a date (YYYY-MM-DD)"),
    BAD("2026-6-1", "none", "'2026-6-1'"),
    BAD("20260601", "none", "'20260601'"),
    BAD("none", "none", "'none'"),
    BAD("today", "none", "'today'"),
    BAD("", "none", "last-inspection:"),
    END,
};

static const struct store_case item_notes_cases[] = {
    OK_("battery swapped", "battery swapped", 1, "spare battery in case", ""),
    OK_("", "", 1, "spare battery in case", ""),
    SAME("spare battery in case\n", "spare battery in case"),
    BAD("two\nlines", "spare battery in case", "notes:"),
    END,
};

static const struct store_case service_life_cases[] = {
    OK_("10", "10", 1, "8", ""),
    OK_("1", "1", 1, "8", ""),
    OK_("100: national standard GB 38315", "100", 1, "8", "national standard GB 38315"),
    SAME("8", "8"),
    SAME("08", "8"),
    BAD("0", "8", "service-life: '0' is out of range (1-100 years)"),
    BAD("101", "8", "'101' is out of range"),
    BAD("-1", "8", "'-1'"),
    BAD("+1", "8", "'+1'"),
    BAD("1.5", "8", "'1.5'"),
    BAD("eight", "8", "'eight'"),
    BAD("18446744073709551616", "8", "'18446744073709551616'"),
    BAD("", "8", "service-life:"),
    END,
};

static const struct store_case inspection_interval_cases[] = {
    OK_("180", "180", 1, "365", ""),
    OK_("3660", "3660", 1, "365", ""),
    OK_("1", "1", 1, "365", ""),
    SAME("365", "365"),
    BAD("3661", "365", "inspection-interval: '3661' is out of range (1-3660 days)"),
    BAD("0", "365", "'0' is out of range"),
    BAD("1e2", "365", "'1e2'"),
    BAD("0x10", "365", "'0x10'"),
    END,
};

static const struct store_table store_tables[] = {
    { DK_LINE, 1, "earthquake/tents", "count", count_cases },
    { DK_LINE, 1, "earthquake/tents", "target", target_cases },
    { DK_LINE, 1, "earthquake/tents", "minimum", minimum_cases },
    { DK_VEHICLE, 1, "jck-water-tender-1", "mileage", mileage_cases },
    { DK_VEHICLE, 1, "jck-water-tender-1", "next-service", next_service_cases },
    { DK_VEHICLE, 2, "lfs-rescue-1", "status", vehicle_status_cases },
    { DK_VEHICLE, 2, "lfs-rescue-1", "station", vehicle_station_cases },
    { DK_VEHICLE, 2, "lfs-rescue-1", "notes", vehicle_notes_cases },
    { DK_ITEM, 3, "thermal-camera-000001", "status", item_status_cases },
    { DK_ITEM, 3, "thermal-camera-000001", "station", item_station_cases },
    { DK_ITEM, 3, "thermal-camera-000001", "vehicle", item_vehicle_cases },
    { DK_ITEM, 3, "thermal-camera-000001", "last-inspection", last_inspection_cases },
    { DK_ITEM, 3, "thermal-camera-000001", "notes", item_notes_cases },
    { DK_CATEGORY, 3, "scba", "service-life", service_life_cases },
    { DK_CATEGORY, 3, "scba", "inspection-interval", inspection_interval_cases },
};

/* Runs one store case on a fresh fixture and checks everything it pins. */
static void run_store_case(const struct store_table *t, const struct store_case *c)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf before = STRBUF_INIT, after = STRBUF_INIT, out = STRBUF_INIT;
    size_t len = c->len ? c->len : strlen(c->in);
    snapshot(d, &before);
    /* depot_store_check() gives the store's verdict and changes nothing. */
    int crc = depot_store_check(d, t->kind, t->id, t->attr, c->in, len, &test_actor);
    if (crc != c->rc)
        fprintf(stderr, "\n  %s %s <- '%s': check says %d, expected %d\n",
                depot_kind_name(t->kind), t->attr, c->in, crc, c->rc);
    CU_ASSERT_EQUAL(crc, c->rc);
    snapshot(d, &after);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&after), strbuf_str(&before));
    int rc = depot_store(d, t->kind, t->id, t->attr, c->in, len, &test_actor);
    CU_ASSERT_EQUAL(show_text(d, t->kind, t->id, t->attr, &out), DEPOT_OK);
    long long rows = journal_rows(d);
    int bad = rc != c->rc || strcmp(strbuf_str(&out), c->shown) || rows != c->journal;
    if (bad)
        fprintf(stderr, "\n  %s %s <- '%s': rc %d (%s), shown '%s', %lld journal rows;"
                " expected %d, '%s', %d\n", depot_kind_name(t->kind), t->attr, c->in, rc,
                depot_errmsg(d), strbuf_str(&out), rows, c->rc, c->shown, c->journal);
    CU_ASSERT_EQUAL(rc, c->rc);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out), c->shown);
    CU_ASSERT_EQUAL(rows, c->journal);
    if (rc != DEPOT_OK || c->journal == 0) {
        /* refused, or the value already held: nothing at all changed */
        snapshot(d, &after);
        CU_ASSERT_STRING_EQUAL(strbuf_str(&after), strbuf_str(&before));
    }
    if (rc != DEPOT_OK) {
        const char *m = depot_errmsg(d);
        CU_ASSERT_EQUAL(strncmp(m, t->attr, strlen(t->attr)), 0);
        CU_ASSERT_PTR_NULL(strchr(m, '\n'));
        if (c->msg && !strstr(m, c->msg)) {
            fprintf(stderr, "\n  %s <- '%s': message '%s' lacks '%s'\n", t->attr, c->in, m,
                    c->msg);
            CU_FAIL("refusal words");
        }
    }
    if (c->journal > 0)
        CU_ASSERT_EQUAL(check_journal(d, t->kind, t->id, t->object, t->attr, c->old, c->shown,
                                      c->reason), 0);
    strbuf_release(&before);
    strbuf_release(&after);
    strbuf_release(&out);
    depot_close(d);
}

static void test_store_tables(void)
{
    size_t n = 0;
    for (size_t t = 0; t < sizeof store_tables / sizeof store_tables[0]; t++)
        for (const struct store_case *c = store_tables[t].cases; c->in; c++, n++)
            run_store_case(&store_tables[t], c);
    CU_ASSERT(n > 150);
}

/* Every writable attribute of every kind refuses the SPEC's malformed
 * writes: NUL bytes, invalid UTF-8, several lines, 1 MiB; and all but notes
 * refuse empty and blank values. */
static void test_store_malformed_everywhere(void)
{
    static const struct {
        enum depot_kind kind;
        int64_t id;
    } objects[] = {
        { DK_SITE, 1 }, { DK_CATEGORY, 3 }, { DK_VEHICLE, 1 }, { DK_ITEM, 1 },
        { DK_MODULE, 1 }, { DK_LINE, 1 },
    };
    static const struct {
        const char *in;
        size_t len;
        int freetext_ok;    /* accepted by notes */
    } inputs[] = {
        { "", 0, 1 },
        { "   ", 3, 1 },
        { " \t\n", 3, 1 },
        { "1\n2\n", 4, 0 },
        { "1\n2", 3, 0 },
        { "1\0", 2, 0 },
        { "\0", 1, 0 },
        { "2\0" "3\n", 4, 0 },
        { "in-service\0retired", 18, 0 },
        { "\xff\xfe", 2, 0 },
        { "caf\xc3", 4, 0 },
        { "\xed\xa0\x80", 3, 0 },   /* a UTF-16 surrogate */
        { "\xc0\xaf", 2, 0 },       /* an overlong '/' */
    };
    size_t big = 1 << 20;
    char *mib = malloc(big);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mib);
    memset(mib, '1', big);
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf before = STRBUF_INIT, after = STRBUF_INIT;
    size_t tried = 0;
    for (size_t o = 0; o < sizeof objects / sizeof objects[0]; o++) {
        size_t n;
        const depot_attr *a = depot_attrs(objects[o].kind, &n);
        for (size_t i = 0; i < n; i++) {
            if (a[i].mode != 0644)
                continue;
            int freetext = (a[i].flags & DEPOT_ATTR_FREETEXT) != 0;
            for (size_t k = 0; k <= sizeof inputs / sizeof inputs[0]; k++) {
                const char *in = k < sizeof inputs / sizeof inputs[0] ? inputs[k].in : mib;
                size_t len = k < sizeof inputs / sizeof inputs[0] ? inputs[k].len : big;
                if (k < sizeof inputs / sizeof inputs[0] && freetext && inputs[k].freetext_ok)
                    continue;
                snapshot(d, &before);
                int rc = depot_store(d, objects[o].kind, objects[o].id, a[i].name, in, len,
                                     &test_actor);
                snapshot(d, &after);
                tried++;
                if (rc != DEPOT_EINVAL)
                    fprintf(stderr, "\n  %s %s <- input %zu: %d (%s)\n",
                            depot_kind_name(objects[o].kind), a[i].name, k, rc, depot_errmsg(d));
                CU_ASSERT_EQUAL(rc, DEPOT_EINVAL);
                CU_ASSERT_STRING_EQUAL(strbuf_str(&after), strbuf_str(&before));
                const char *m = depot_errmsg(d);
                CU_ASSERT_EQUAL(strncmp(m, a[i].name, strlen(a[i].name)), 0);
                CU_ASSERT_PTR_NULL(strchr(m, '\n'));
                CU_ASSERT(strlen(m) < 400);     /* a 1 MiB value is quoted shortened */
                CU_ASSERT_PTR_NOT_NULL(strchr(m, '\''));
            }
        }
    }
    CU_ASSERT_EQUAL(journal_rows(d), 0);
    CU_ASSERT(tried > 200);
    strbuf_release(&before);
    strbuf_release(&after);
    depot_close(d);
    free(mib);
}

/* Notes hold at most DEPOT_VALUE_MAX bytes (a trailing newline aside). */
static void test_notes_length(void)
{
    char *buf = malloc(DEPOT_VALUE_MAX + 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    memset(buf, 'n', DEPOT_VALUE_MAX + 1);
    buf[DEPOT_VALUE_MAX] = '\n';
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 1, "notes", buf, DEPOT_VALUE_MAX + 1, &test_actor),
                    DEPOT_OK);
    CU_ASSERT_EQUAL(show_text(d, DK_ITEM, 1, "notes", &out), DEPOT_OK);
    CU_ASSERT_EQUAL(out.len, DEPOT_VALUE_MAX);
    buf[DEPOT_VALUE_MAX] = 'x';     /* one byte too many */
    CU_ASSERT_EQUAL(depot_store(d, DK_VEHICLE, 1, "notes", buf, DEPOT_VALUE_MAX + 1, &test_actor),
                    DEPOT_EINVAL);
    CU_ASSERT_EQUAL(show_text(d, DK_VEHICLE, 1, "notes", &out), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out), "");
    CU_ASSERT_EQUAL(journal_rows(d), 1);
    strbuf_release(&out);
    depot_close(d);
    free(buf);
}

/* ---- refusals that are not about the value ---- */

static void test_read_only_and_unknown(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    static const struct {
        enum depot_kind kind;
        int64_t id;
    } objects[] = {
        { DK_SITE, 1 }, { DK_CATEGORY, 3 }, { DK_VEHICLE, 1 }, { DK_ITEM, 1 },
        { DK_MODULE, 1 }, { DK_LINE, 1 },
    };
    strbuf before = STRBUF_INIT, after = STRBUF_INIT;
    size_t ro = 0;
    snapshot(d, &before);
    for (size_t o = 0; o < sizeof objects / sizeof objects[0]; o++) {
        size_t n;
        const depot_attr *a = depot_attrs(objects[o].kind, &n);
        for (size_t i = 0; i < n; i++) {
            if (a[i].mode != 0444)
                continue;
            ro++;
            CU_ASSERT_EQUAL(depot_store(d, objects[o].kind, objects[o].id, a[i].name,
                                        "12\n", 3, &test_actor), DEPOT_EACCES);
            const char *m = depot_errmsg(d);
            CU_ASSERT_PTR_NOT_NULL(strstr(m, "read-only"));
            CU_ASSERT_PTR_NOT_NULL(strstr(m, a[i].name));
            CU_ASSERT_PTR_NOT_NULL(strstr(m, "'12'"));
        }
        CU_ASSERT_EQUAL(depot_store(d, objects[o].kind, objects[o].id, "no-such-file", "1", 1,
                                    &test_actor), DEPOT_ENOENT);
        CU_ASSERT_PTR_NOT_NULL(strstr(depot_errmsg(d), "no-such-file"));
    }
    CU_ASSERT_EQUAL(ro, 5 + 3 + 6 + 8 + 3 + 3);
    /* writes to objects that do not exist */
    CU_ASSERT_EQUAL(depot_store(d, DK_LINE, 99, "count", "+1", 2, &test_actor), DEPOT_ENOENT);
    CU_ASSERT_EQUAL(depot_store(d, DK_LINE, 99, "count", "1", 1, &test_actor), DEPOT_ENOENT);
    CU_ASSERT_EQUAL(depot_store(d, DK_VEHICLE, 99, "mileage", "+1", 2, &test_actor), DEPOT_ENOENT);
    CU_ASSERT_EQUAL(depot_store(d, DK_VEHICLE, 99, "status", "standby", 7, &test_actor),
                    DEPOT_ENOENT);
    CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 99, "vehicle", "lfs-rescue-1", 12, &test_actor),
                    DEPOT_ENOENT);
    CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 99, "notes", "x", 1, &test_actor), DEPOT_ENOENT);
    CU_ASSERT_EQUAL(depot_store(d, DK_CATEGORY, 99, "service-life", "5", 1, &test_actor),
                    DEPOT_ENOENT);
    CU_ASSERT_EQUAL(depot_store(d, DK_PLAN, 2023, "recruits", "5", 1, &test_actor), DEPOT_ENOENT);
    snapshot(d, &after);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&after), strbuf_str(&before));
    strbuf_release(&before);
    strbuf_release(&after);
    depot_close(d);
}


static void test_read_only_depot(void)
{
    char path[256];
    depot *d = NULL;
    snprintf(path, sizeof path, "/tmp/depot-unit-%ld-attrs-ro.db", (long)getpid());
    test_remove_db(path);
    CU_ASSERT_EQUAL_FATAL(depot_open(path, DEPOT_OPEN_CREATE, &d, NULL), DEPOT_OK);
    int filled = fill(d);
    depot_close(d);
    d = NULL;
    CU_ASSERT_EQUAL_FATAL(filled, 0);
    CU_ASSERT_EQUAL_FATAL(depot_open(path, DEPOT_OPEN_READONLY, &d, NULL), DEPOT_OK);
    static const struct {
        enum depot_kind kind;
        int64_t id;
        const char *attr;
        const char *in;
    } writes[] = {
        { DK_LINE, 1, "count", "+1" }, { DK_LINE, 1, "count", "6" },
        { DK_LINE, 1, "target", "21" }, { DK_LINE, 1, "minimum", "-1" },
        { DK_VEHICLE, 1, "mileage", "13000" }, { DK_VEHICLE, 1, "status", "maintenance" },
        { DK_VEHICLE, 1, "station", "laifushi" }, { DK_VEHICLE, 1, "next-service", "none" },
        { DK_VEHICLE, 1, "notes", "x" }, { DK_ITEM, 3, "status", "in-service" },
        { DK_ITEM, 3, "station", "jiaochangkou" }, { DK_ITEM, 3, "vehicle", "lfs-rescue-1" },
        { DK_ITEM, 3, "last-inspection", "2026-01-01" }, { DK_ITEM, 3, "notes", "" },
        { DK_CATEGORY, 3, "service-life", "9" }, { DK_CATEGORY, 3, "inspection-interval", "9" },
        { DK_LINE, 1, "count", "garbage" },
    };
    strbuf out = STRBUF_INIT;
    for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
        CU_ASSERT_EQUAL(depot_store(d, writes[i].kind, writes[i].id, writes[i].attr,
                                    writes[i].in, strlen(writes[i].in), &test_actor), DEPOT_EROFS);
        CU_ASSERT_PTR_NOT_NULL(strstr(depot_errmsg(d), "read-only"));
    }
    /* a read-only attribute stays EACCES; reading works */
    CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 3, "expires", "2030-01-01", 10, &test_actor),
                    DEPOT_EACCES);
    CU_ASSERT_EQUAL(show_text(d, DK_LINE, 1, "count", &out), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out), "5");
    CU_ASSERT_EQUAL(show_text(d, DK_ITEM, 3, "status", &out), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out), "reserve");
    CU_ASSERT_EQUAL(depot_show(d, DK_ITEM, 3, "item.json", &out), DEPOT_OK);
    CU_ASSERT_EQUAL(journal_rows(d), 0);
    strbuf_release(&out);
    depot_close(d);
    test_remove_db(path);
}

/* ---- the object files ---- */

/* Checks that kind's JSON file of object id agrees with every attribute file. */
static void check_json_agrees(depot *d, enum depot_kind k, int64_t id, const char *file)
{
    strbuf doc = STRBUF_INIT, val = STRBUF_INIT;
    CU_ASSERT_EQUAL_FATAL(depot_show(d, k, id, file, &doc), DEPOT_OK);
    CU_ASSERT(doc.len > 2 && doc.buf[doc.len - 1] == '\n' && doc.buf[doc.len - 2] == '}');
    json_error_t e;
    json_t *j = json_loads(strbuf_str(&doc), 0, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_FATAL(json_is_object(j));
    size_t n, keys = 0;
    const depot_attr *a = depot_attrs(k, &n);
    void *it = json_object_iter(j);
    for (size_t i = 0; i < n; i++) {
        if (a[i].flags & DEPOT_ATTR_OBJECT) {
            CU_ASSERT_PTR_NULL(json_object_get(j, a[i].name));
            continue;
        }
        keys++;
        /* keys in attribute order */
        CU_ASSERT_PTR_NOT_NULL_FATAL(it);
        CU_ASSERT_STRING_EQUAL(json_object_iter_key(it), a[i].name);
        it = json_object_iter_next(j, it);
        json_t *v = json_object_get(j, a[i].name);
        CU_ASSERT_PTR_NOT_NULL_FATAL(v);
        CU_ASSERT_EQUAL(show_text(d, k, id, a[i].name, &val), DEPOT_OK);
        const char *text = strbuf_str(&val);
        if (json_is_null(v)) {
            CU_ASSERT_STRING_EQUAL(text, "none");
        } else if (json_is_integer(v)) {
            char num[32];
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            CU_ASSERT_STRING_EQUAL(text, num);
        } else {
            CU_ASSERT_FATAL(json_is_string(v));
            CU_ASSERT_STRING_EQUAL(json_string_value(v), text);
        }
        /* types: counts and years are numbers, absent values null */
        int intish = !strcmp(a[i].name, "year") || !strcmp(a[i].name, "mileage");
        CU_ASSERT_EQUAL(json_is_integer(v), intish);
        if (!strcmp(text, "none") && strcmp(a[i].name, "notes"))
            CU_ASSERT(json_is_null(v));
    }
    CU_ASSERT_PTR_NULL(it);
    CU_ASSERT_EQUAL(json_object_size(j), keys);
    /* two-space indentation, as json_dumps(JSON_INDENT(2)) writes */
    CU_ASSERT_EQUAL(strncmp(strbuf_str(&doc), "{\n  \"", 5), 0);
    json_decref(j);
    strbuf_release(&doc);
    strbuf_release(&val);
}

static void test_json_agrees(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    for (int64_t id = 1; id <= 5; id++)
        check_json_agrees(d, DK_ITEM, id, "item.json");
    for (int64_t id = 1; id <= 3; id++)
        check_json_agrees(d, DK_VEHICLE, id, "vehicle.json");
    /* and after changes, notes with quotes and non-ASCII text */
    static const char *const w[][3] = {
        { "item", "notes", "said \"ok\" \\ 好 \t tab" },
        { "item", "last-inspection", "2026-06-01" },
        { "item", "vehicle", "none" },
        { "vehicle", "notes", "none" },
        { "vehicle", "next-service", "none" },
        { "vehicle", "mileage", "+1" },
    };
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        enum depot_kind k = !strcmp(w[i][0], "item") ? DK_ITEM : DK_VEHICLE;
        CU_ASSERT_EQUAL(depot_store(d, k, 1, w[i][1], w[i][2], strlen(w[i][2]), &test_actor),
                        DEPOT_OK);
    }
    check_json_agrees(d, DK_ITEM, 1, "item.json");
    check_json_agrees(d, DK_VEHICLE, 1, "vehicle.json");
    /* notes that read "none" are a string, not an absent value */
    strbuf doc = STRBUF_INIT;
    CU_ASSERT_EQUAL(depot_show(d, DK_VEHICLE, 1, "vehicle.json", &doc), DEPOT_OK);
    json_t *j = json_loads(strbuf_str(&doc), 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT(json_is_string(json_object_get(j, "notes")));
    CU_ASSERT(json_is_null(json_object_get(j, "next-service")));
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "mileage")), 12501);
    json_decref(j);
    strbuf_release(&doc);
    depot_close(d);
}

/* The local-time rendering the history uses, computed here independently. */
static void local_stamp(long long ns, char buf[64])
{
    time_t t = (time_t)(ns / 1000000000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, 64, "%Y-%m-%dT%H:%M:%S%z", &tm);
}

static void test_history(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    static const char *const writes[][2] = {
        { "status", "maintenance: pump seal leaking\n" },
        { "notes", "seal ordered" },
        { "status", "reserve" },
        { "vehicle", "lfs-rescue-1" },
    };
    for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++)
        CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 3, writes[i][0], writes[i][1],
                                    strlen(writes[i][1]), &test_actor), DEPOT_OK);
    CU_ASSERT_EQUAL(depot_store(d, DK_LINE, 1, "count", "-2: used at Chaotianmen fire", 28,
                                &test_actor), DEPOT_OK);
    CU_ASSERT_EQUAL(depot_store(d, DK_LINE, 1, "target", "+5", 2, &test_actor), DEPOT_OK);
    CU_ASSERT_EQUAL(depot_store(d, DK_LINE, 1, "count", "-99", 3, &test_actor), DEPOT_EINVAL);

    /* expected lines, from the journal rows' own times */
    static const char *const item_tail[] = {
        "status reserve -> maintenance by tester (uid 1000) via cunit[42]: pump seal leaking",
        "notes spare battery in case -> seal ordered by tester (uid 1000) via cunit[42]",
        "status maintenance -> reserve by tester (uid 1000) via cunit[42]",
        "vehicle none -> lfs-rescue-1 by tester (uid 1000) via cunit[42]",
    };
    static const char *const line_tail[] = {
        "count 5 -> 3 by tester (uid 1000) via cunit[42]: used at Chaotianmen fire",
        "target 20 -> 25 by tester (uid 1000) via cunit[42]",
    };
    static const struct {
        enum depot_kind kind;
        int64_t id;
        const char *file;
        const char *const *tail;
        size_t n;
    } objects[] = {
        { DK_ITEM, 3, "history", item_tail, 4 },
        { DK_LINE, 1, "history", line_tail, 2 },
        { DK_VEHICLE, 2, "history", NULL, 0 },
    };
    for (size_t o = 0; o < sizeof objects / sizeof objects[0]; o++) {
        strbuf want = STRBUF_INIT, got = STRBUF_INIT;
        char stamp[64];
        local_stamp(1620000000000000000LL, stamp);
        strbuf_addf(&want, "%s created\n", stamp);
        sqlite3_stmt *st;
        CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(depot_db(d),
            "SELECT at_ns FROM journal WHERE object_kind = ?1 AND object_id = ?2 ORDER BY id",
            -1, &st, NULL), SQLITE_OK);
        sqlite3_bind_text(st, 1, depot_kind_name(objects[o].kind), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, objects[o].id);
        size_t i = 0;
        while (sqlite3_step(st) == SQLITE_ROW && i < objects[o].n) {
            local_stamp(sqlite3_column_int64(st, 0), stamp);
            strbuf_addf(&want, "%s %s\n", stamp, objects[o].tail[i++]);
        }
        sqlite3_finalize(st);
        CU_ASSERT_EQUAL(i, objects[o].n);
        CU_ASSERT_EQUAL(depot_show(d, objects[o].kind, objects[o].id, objects[o].file, &got),
                        DEPOT_OK);
        if (strcmp(strbuf_str(&got), strbuf_str(&want))) {
            fprintf(stderr, "\n  history:\n%s  expected:\n%s", strbuf_str(&got),
                    strbuf_str(&want));
            CU_FAIL("history");
        }
        strbuf_release(&want);
        strbuf_release(&got);
    }
    depot_close(d);
}

/* ---- counts under repetition and concurrency-safe form ---- */

static void test_plus_one_thousand_times(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT;
    int failures = 0;
    for (int i = 0; i < 1000; i++)
        failures += depot_store(d, DK_LINE, 2, "count", "+1\n", 3, &test_actor) != DEPOT_OK;
    CU_ASSERT_EQUAL(failures, 0);
    CU_ASSERT_EQUAL(show_text(d, DK_LINE, 2, "count", &out), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out), "1100");
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count FROM reserve_line WHERE id = 2"), 1100);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal WHERE object_kind = 'line'"
                                    " AND object_id = 2 AND attribute = 'count'"
                                    " AND CAST(new AS INTEGER) = CAST(old AS INTEGER) + 1"), 1000);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(DISTINCT old) FROM journal"), 1000);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT min(CAST(old AS INTEGER)) FROM journal"), 100);
    /* and the other line did not move */
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count FROM reserve_line WHERE id = 1"), 5);
    strbuf_release(&out);
    depot_close(d);
}

/* Mileage +N adds to whatever is stored, even if it changed behind our back. */
static void test_relative_is_atomic_form(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL(sqlite3_exec(depot_db(d), "UPDATE vehicle SET mileage = 20000 WHERE id = 1;"
                                 "UPDATE reserve_line SET count = 7 WHERE id = 1",
                                 NULL, NULL, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(depot_store(d, DK_VEHICLE, 1, "mileage", "+5", 2, &test_actor), DEPOT_OK);
    CU_ASSERT_EQUAL(show_text(d, DK_VEHICLE, 1, "mileage", &out), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out), "20005");
    CU_ASSERT_EQUAL(check_journal(d, DK_VEHICLE, 1, "jck-water-tender-1", "mileage", "20000",
                                  "20005", ""), 0);
    CU_ASSERT_EQUAL(depot_store(d, DK_LINE, 1, "count", "-7: all issued", 14, &test_actor),
                    DEPOT_OK);
    CU_ASSERT_EQUAL(check_journal(d, DK_LINE, 1, "earthquake/tents", "count", "7", "0",
                                  "all issued"), 0);
    CU_ASSERT_EQUAL(depot_store(d, DK_LINE, 1, "count", "-1", 2, &test_actor), DEPOT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(depot_errmsg(d), "(now 0)"));
    CU_ASSERT_EQUAL(journal_rows(d), 2);
    strbuf_release(&out);
    depot_close(d);
}

/* ---- cascades ---- */

/* The value of (k, id, attr) is want (without "\n"). */
static void expect_value(depot *d, enum depot_kind k, int64_t id, const char *attr,
                         const char *want)
{
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL(show_text(d, k, id, attr, &out), DEPOT_OK);
    if (strcmp(strbuf_str(&out), want)) {
        fprintf(stderr, "\n  %s %lld %s: '%s', expected '%s'\n", depot_kind_name(k),
                (long long)id, attr, strbuf_str(&out), want);
        CU_FAIL("value after a cascade");
    }
    strbuf_release(&out);
}

static void test_vehicle_transfer_moves_load(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(depot_store(d, DK_VEHICLE, 1, "station", "laifushi: cover for refit", 25,
                                &test_actor), DEPOT_OK);
    expect_value(d, DK_VEHICLE, 1, "station", "laifushi");
    expect_value(d, DK_ITEM, 1, "station", "laifushi");
    expect_value(d, DK_ITEM, 2, "station", "laifushi");
    expect_value(d, DK_ITEM, 1, "vehicle", "jck-water-tender-1");
    expect_value(d, DK_ITEM, 4, "station", "logistics-base");   /* not loaded: stays */
    CU_ASSERT_EQUAL(journal_rows(d), 3);
    CU_ASSERT_EQUAL(check_journal(d, DK_VEHICLE, 1, "jck-water-tender-1", "station",
                                  "jiaochangkou", "laifushi", "cover for refit"), 0);
    for (int64_t id = 1; id <= 2; id++)
        CU_ASSERT_EQUAL(check_journal(d, DK_ITEM, id, NULL, "station", "jiaochangkou",
                                      "laifushi", "moved with vehicle jck-water-tender-1"), 0);
    /* all in one transaction: the rows share... nothing left open */
    CU_ASSERT(sqlite3_get_autocommit(depot_db(d)));
    depot_close(d);
}

static void test_retiring_vehicle_unloads(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(depot_store(d, DK_VEHICLE, 1, "status", "retired: end of service life", 28,
                                &test_actor), DEPOT_OK);
    expect_value(d, DK_VEHICLE, 1, "status", "retired");
    expect_value(d, DK_ITEM, 1, "vehicle", "none");
    expect_value(d, DK_ITEM, 2, "vehicle", "none");
    expect_value(d, DK_ITEM, 1, "station", "jiaochangkou");    /* unloaded where it was */
    expect_value(d, DK_ITEM, 5, "vehicle", "lfs-rescue-1");    /* another vehicle's load */
    CU_ASSERT_EQUAL(journal_rows(d), 3);
    CU_ASSERT_EQUAL(check_journal(d, DK_VEHICLE, 1, "jck-water-tender-1", "status", "in-service",
                                  "retired", "end of service life"), 0);
    CU_ASSERT_EQUAL(check_journal(d, DK_ITEM, 1, "scba-000001", "vehicle", "jck-water-tender-1",
                                  "none", "vehicle jck-water-tender-1 retired"), 0);
    CU_ASSERT_EQUAL(check_journal(d, DK_ITEM, 2, "scba-000002", "vehicle", "jck-water-tender-1",
                                  "none", "vehicle jck-water-tender-1 retired"), 0);
    /* nothing can be loaded onto it now */
    CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 3, "vehicle", "jck-water-tender-1", 18, &test_actor),
                    DEPOT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(depot_errmsg(d), "'jck-water-tender-1' is retired"));
    CU_ASSERT_EQUAL(journal_rows(d), 3);
    depot_close(d);
}

static void test_retiring_item_unloads(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 1, "status", "retired: cylinder past test date", 32,
                                &test_actor), DEPOT_OK);
    expect_value(d, DK_ITEM, 1, "status", "retired");
    expect_value(d, DK_ITEM, 1, "vehicle", "none");
    expect_value(d, DK_ITEM, 2, "vehicle", "jck-water-tender-1");
    CU_ASSERT_EQUAL(journal_rows(d), 2);
    CU_ASSERT_EQUAL(check_journal(d, DK_ITEM, 1, "scba-000001", "status", "in-service", "retired",
                                  "cylinder past test date"), 0);
    CU_ASSERT_EQUAL(check_journal(d, DK_ITEM, 1, "scba-000001", "vehicle", "jck-water-tender-1",
                                  "none", "retired"), 0);
    /* a retired item cannot be loaded again */
    CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 1, "vehicle", "jck-water-tender-1", 18, &test_actor),
                    DEPOT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(depot_errmsg(d), "'scba-000001' is retired"));
    CU_ASSERT_EQUAL(journal_rows(d), 2);
    depot_close(d);
}

static void test_item_moves(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    /* loading takes the item to the vehicle's station */
    CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 3, "vehicle", "jck-water-tender-1: for the drill",
                                33, &test_actor), DEPOT_OK);
    expect_value(d, DK_ITEM, 3, "vehicle", "jck-water-tender-1");
    expect_value(d, DK_ITEM, 3, "station", "jiaochangkou");
    CU_ASSERT_EQUAL(check_journal(d, DK_ITEM, 3, "thermal-camera-000001", "vehicle", "none",
                                  "jck-water-tender-1", "for the drill"), 0);
    CU_ASSERT_EQUAL(check_journal(d, DK_ITEM, 3, "thermal-camera-000001", "station", "laifushi",
                                  "jiaochangkou", NULL), 0);
    CU_ASSERT_EQUAL(journal_rows(d), 2);
    /* moving it to the station it is at keeps it loaded */
    CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 3, "station", "jiaochangkou", 12, &test_actor),
                    DEPOT_OK);
    expect_value(d, DK_ITEM, 3, "vehicle", "jck-water-tender-1");
    CU_ASSERT_EQUAL(journal_rows(d), 2);
    /* moving it to another station takes it off the vehicle */
    CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 3, "station", "logistics-base: repair", 22,
                                &test_actor), DEPOT_OK);
    expect_value(d, DK_ITEM, 3, "station", "logistics-base");
    expect_value(d, DK_ITEM, 3, "vehicle", "none");
    CU_ASSERT_EQUAL(journal_rows(d), 4);
    CU_ASSERT_EQUAL(check_journal(d, DK_ITEM, 3, NULL, "station", "jiaochangkou",
                                  "logistics-base", "repair"), 0);
    CU_ASSERT_EQUAL(check_journal(d, DK_ITEM, 3, NULL, "vehicle", "jck-water-tender-1", "none",
                                  NULL), 0);
    /* unloading with "none" leaves the station alone */
    CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 1, "vehicle", "none: back to the rack", 22,
                                &test_actor), DEPOT_OK);
    expect_value(d, DK_ITEM, 1, "vehicle", "none");
    expect_value(d, DK_ITEM, 1, "station", "jiaochangkou");
    CU_ASSERT_EQUAL(journal_rows(d), 5);
    CU_ASSERT_EQUAL(check_journal(d, DK_ITEM, 1, "scba-000001", "vehicle", "jck-water-tender-1",
                                  "none", "back to the rack"), 0);
    depot_close(d);
}

/* Inspection dates: next-inspection follows last-inspection and the
 * category's interval; expiry follows the service life. */
static void test_derived_dates_follow(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT, want = STRBUF_INIT;
    CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 2, "last-inspection", "2026-03-01", 10, &test_actor),
                    DEPOT_OK);
    CU_ASSERT_EQUAL(depot_store(d, DK_CATEGORY, 3, "inspection-interval", "90", 2, &test_actor),
                    DEPOT_OK);
    CU_ASSERT_EQUAL(depot_store(d, DK_CATEGORY, 3, "service-life", "10", 2, &test_actor),
                    DEPOT_OK);
    CU_ASSERT_EQUAL(show_text(d, DK_ITEM, 2, "next-inspection", &out), DEPOT_OK);
    sql_text(d, "SELECT date('2026-03-01', '+90 days')", 0, &want);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out), strbuf_str(&want));
    CU_ASSERT_EQUAL(show_text(d, DK_ITEM, 2, "expires", &out), DEPOT_OK);
    sql_text(d, "SELECT date(acquired, '+10 years') FROM item WHERE id = ?1", 2, &want);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out), strbuf_str(&want));
    CU_ASSERT_EQUAL(check_journal(d, DK_CATEGORY, 3, "scba", "inspection-interval", "365", "90",
                                  ""), 0);
    CU_ASSERT_EQUAL(journal_rows(d), 3);
    strbuf_release(&out);
    strbuf_release(&want);
    depot_close(d);
}

/* Every file of an object, rendered as depot_show() gives it, into out (reset). */
static void render_all(depot *d, enum depot_kind k, int64_t id, strbuf *out)
{
    size_t n;
    const depot_attr *a = depot_attrs(k, &n);
    strbuf_reset(out);
    for (size_t i = 0; i < n; i++) {
        strbuf_addf(out, "%s=", a[i].name);
        CU_ASSERT_EQUAL(depot_show(d, k, id, a[i].name, out), DEPOT_OK);
    }
}

/* Inside a read transaction the texts of an object's files are remembered
 * (so item.json reuses them): what is shown must be exactly what is shown
 * outside one, whatever the order, and a change made between two read
 * transactions must show in the second. */
static void test_read_memo(void)
{
    depot *d = fixture();
    if (!d)
        return;
    static const struct { enum depot_kind kind; int64_t id; } objs[] = {
        { DK_ITEM, 1 }, { DK_ITEM, 2 }, { DK_ITEM, 3 }, { DK_VEHICLE, 1 }, { DK_VEHICLE, 2 },
        { DK_LINE, 1 }, { DK_SITE, 1 }, { DK_CATEGORY, 3 }, { DK_MODULE, 1 },
    };
    enum { N = sizeof objs / sizeof objs[0] };
    strbuf want[N], got = STRBUF_INIT, out = STRBUF_INIT;
    for (size_t o = 0; o < N; o++) {
        strbuf_init(&want[o]);
        render_all(d, objs[o].kind, objs[o].id, &want[o]);
    }
    /* twice in one transaction, objects interleaved */
    depot_read_begin(d);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t o = 0; o < N; o++) {
            render_all(d, objs[o].kind, objs[o].id, &got);
            CU_ASSERT_STRING_EQUAL(strbuf_str(&got), strbuf_str(&want[o]));
        }
    }
    /* a missing object leaves nothing behind */
    CU_ASSERT_EQUAL(show_text(d, DK_ITEM, 99, "status", &out), DEPOT_ENOENT);
    CU_ASSERT_EQUAL(show_text(d, DK_ITEM, 3, "status", &out), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out), "reserve");
    depot_read_end(d);
    /* a change between two read transactions shows in the second */
    CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 3, "status", "maintenance\n", 12, &test_actor),
                    DEPOT_OK);
    depot_read_begin(d);
    CU_ASSERT_EQUAL(show_text(d, DK_ITEM, 3, "status", &out), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out), "maintenance");
    strbuf_reset(&out);
    CU_ASSERT_EQUAL(depot_show(d, DK_ITEM, 3, "item.json", &out), DEPOT_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), "\"status\": \"maintenance\""));
    depot_read_end(d);
    /* and outside any transaction every show reads afresh */
    CU_ASSERT_EQUAL(depot_store(d, DK_ITEM, 3, "status", "reserve\n", 8, &test_actor), DEPOT_OK);
    CU_ASSERT_EQUAL(show_text(d, DK_ITEM, 3, "status", &out), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out), "reserve");
    render_all(d, DK_ITEM, 3, &got);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&got), "\"status\": \"reserve\""));
    for (size_t o = 0; o < N; o++)
        strbuf_release(&want[o]);
    strbuf_release(&got);
    strbuf_release(&out);
    depot_close(d);
}

static CU_TestInfo tests[] = {
    { "attribute tables", test_attr_tables },
    { "shown values", test_show_values },
    { "store tables", test_store_tables },
    { "malformed writes everywhere", test_store_malformed_everywhere },
    { "notes length", test_notes_length },
    { "read-only and unknown", test_read_only_and_unknown },
    { "read-only depot", test_read_only_depot },
    { "json agrees with files", test_json_agrees },
    { "history", test_history },
    { "+1 a thousand times", test_plus_one_thousand_times },
    { "relative changes", test_relative_is_atomic_form },
    { "vehicle transfer moves load", test_vehicle_transfer_moves_load },
    { "retiring a vehicle unloads", test_retiring_vehicle_unloads },
    { "retiring an item unloads", test_retiring_item_unloads },
    { "item moves", test_item_moves },
    { "derived dates follow", test_derived_dates_follow },
    { "read-transaction memo", test_read_memo },
    CU_TEST_INFO_NULL,
};

TEST_SUITE("attrs", NULL, NULL, tests);
