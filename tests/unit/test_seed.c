/*
 * test_seed.c: the demo district holds the plan's figures.
 *
 * Every expected figure here is quoted from ../shared/seed/FACTS.md (sites,
 * Annex 4's vehicles, Annex 5's recruits, the settings and indicators of the
 * team brief); what the seed invents (items) is checked against direct SQL on
 * the same depot, and for the rules it must keep (nothing at a site before it
 * opened, loads on working vehicles of the same station, determinism).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "testutil.h"

#define ITEMS 3000

/* A depot seeded with items and seed s (test_depot_seeded always uses seed 1). */
static depot *seeded_with(long items, unsigned long s)
{
    depot *d = test_depot_empty();
    if (!d)
        return NULL;
    depot_seed_opts o = { .items = items, .seed = s };
    if (depot_seed(d, &o) != DEPOT_OK) {
        fprintf(stderr, "seeded_with: %s\n", depot_errmsg(d));
        depot_close(d);
        return NULL;
    }
    return d;
}

/* The first column of sql with one int parameter and one text parameter
 * (either may be unused: pass what the SQL asks for); -1 on error. */
static long long sql_int_bind(depot *d, const char *sql, long long a, const char *b)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(depot_db(d), sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    for (int i = 1; i <= sqlite3_bind_parameter_count(st); i++) {
        const char *name = sqlite3_bind_parameter_name(st, i);
        if (name && !strcmp(name, ":s"))
            sqlite3_bind_text(st, i, b, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, i, a);
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* FNV-1a of every column of every row of sql, in order. */
static uint64_t sql_digest(depot *d, const char *sql)
{
    sqlite3_stmt *st;
    uint64_t h = 1469598103934665603ULL;
    if (sqlite3_prepare_v2(depot_db(d), sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const unsigned char *t = sqlite3_column_text(st, c);
            for (const unsigned char *p = t ? t : (const unsigned char *)"\x01NULL"; *p; p++)
                h = (h ^ *p) * 1099511628211ULL;
            h = (h ^ 0x1f) * 1099511628211ULL;
        }
        h = (h ^ 0x1e) * 1099511628211ULL;
    }
    sqlite3_finalize(st);
    return h;
}

static const char item_dump[] =
    "SELECT id, tag, category_id, model, serial, station_id, vehicle_id, status, acquired,"
    " last_inspection, notes, delivery_id, created_ns FROM item ORDER BY id";

static void test_sites(void)
{
    static const struct { const char *slug, *name, *kind; } want[] = {
        { "jiaochangkou",    "较场口消防救援站",         "station" },
        { "laifushi",        "来福士小型消防站",         "small-station" },
        { "jiefangbei",      "解放碑地下环道小型消防站", "small-station" },
        { "shidai-tianjie",  "龙湖时代天街小型消防站",   "small-station" },
        { "hualongqiao",     "化龙桥特勤消防救援站",     "station" },
        { "command-centre",  "渝中区消防指挥中心",       "command-centre" },
        { "service-station", "应急通信与车辆勤务站",     "service-station" },
        { "yinglong",        "迎龙消防训练基地",         "training-base" },
        { "logistics-base",  "战勤保障基地 / 应急装备物资储备库", "logistics-base" },
    };
    depot *d = test_depot_seeded(ITEMS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM site"), 9);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        long long n = sql_int_bind(d, "SELECT count(*) FROM site WHERE slug = :s", 0, want[i].slug);
        CU_ASSERT_EQUAL(n, 1);
        sqlite3_stmt *st;
        CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(depot_db(d),
            "SELECT name, kind, state FROM site WHERE slug = ?", -1, &st, NULL), SQLITE_OK);
        sqlite3_bind_text(st, 1, want[i].slug, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 0), want[i].name);
            CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 1), want[i].kind);
            CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 2), "operating");
        }
        sqlite3_finalize(st);
    }
    /* FACTS: the sites of the "two stations, one centre" and later open in 2025 */
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM site WHERE slug IN ('hualongqiao',"
        " 'command-centre', 'service-station', 'logistics-base', 'yinglong')"
        " AND opened BETWEEN '2025-01-01' AND '2025-12-31'"), 5);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM site WHERE slug = 'jiefangbei'"
        " AND opened LIKE '2022-%'"), 1);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM site WHERE slug = 'shidai-tianjie'"
        " AND opened LIKE '2023-%'"), 1);
    depot_close(d);
}

static void test_categories(void)
{
    static const struct { const char *slug, *name, *class; } types[] = {
        { "water-tender", "水罐车", "firefighting" },
        { "foam-tender", "泡沫车", "firefighting" },
        { "cafs-tender", "压缩空气泡沫车", "firefighting" },
        { "aerial-platform", "登高平台或云梯车", "aerial" },
        { "high-spray", "高喷车", "aerial" },
        { "rescue", "抢险救援车", "special-service" },
        { "smoke-exhaust", "排烟或照明车", "special-service" },
        { "hazmat-decon", "化救或洗消车", "special-service" },
        { "command-comms", "方舱通信指挥车", "support" },
        { "engineering", "工程机械", "support" },
        { "long-range-water", "远程供水或排涝车", "support" },
        { "hook-lift", "自装卸（模块）车", "support" },
        { "forward-support", "前突保障车", "support" },
    };
    depot *d = test_depot_seeded(ITEMS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM category WHERE kind = 'vehicle'"), 13);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        sqlite3_stmt *st;
        CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(depot_db(d),
            "SELECT name, class FROM category WHERE slug = ? AND kind = 'vehicle'",
            -1, &st, NULL), SQLITE_OK);
        sqlite3_bind_text(st, 1, types[i].slug, -1, SQLITE_STATIC);
        CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
        if (sqlite3_column_text(st, 0)) {
            CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 0), types[i].name);
            CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 1), types[i].class);
        }
        sqlite3_finalize(st);
    }
    /* about twenty equipment categories, every one of them with items */
    long long ecats = test_sql_int(d, "SELECT count(*) FROM category WHERE kind = 'equipment'");
    CU_ASSERT(ecats >= 18 && ecats <= 30);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM category c WHERE kind = 'equipment'"
        " AND EXISTS (SELECT 1 FROM item i WHERE i.category_id = c.id)"), ecats);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM category WHERE slug IN ('scba',"
        " 'turnout-gear', 'helmet', 'gas-detector', 'drone', 'radio', 'hose')"
        " AND kind = 'equipment'"), 7);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT service_life FROM category WHERE slug = 'turnout-gear'"), 5);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT inspection_interval FROM category WHERE slug = 'scba'"), 30);
    depot_close(d);
}

/* Annex 4: vehicles bought 2021-2025, by year and type, exactly. */
static const struct { int year; const char *type; int n; } annex4[] = {
    { 2021, "water-tender", 1 }, { 2021, "foam-tender", 1 }, { 2021, "high-spray", 1 },
    { 2021, "engineering", 1 },  { 2021, "forward-support", 2 },
    { 2022, "forward-support", 1 },
    { 2023, "foam-tender", 1 },  { 2023, "forward-support", 1 },
    { 2024, "water-tender", 1 }, { 2024, "forward-support", 1 },
    { 2025, "aerial-platform", 1 }, { 2025, "forward-support", 1 },
};
static const struct { int year, total; } annex4_totals[] = {
    { 2021, 6 }, { 2022, 1 }, { 2023, 2 }, { 2024, 2 }, { 2025, 2 },
};

static void test_fleet(void)
{
    depot *d = test_depot_seeded(ITEMS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    for (size_t i = 0; i < sizeof annex4 / sizeof annex4[0]; i++) {
        CU_ASSERT_EQUAL(sql_int_bind(d, "SELECT count(*) FROM vehicle v JOIN category c"
            " ON c.id = v.type_id WHERE v.year = :y AND c.slug = :s", annex4[i].year,
            annex4[i].type), annex4[i].n);
        CU_ASSERT_EQUAL(sql_int_bind(d, "SELECT sum(pl.planned) FROM plan_line pl JOIN category c"
            " ON c.id = pl.category_id WHERE pl.year = :y AND c.slug = :s", annex4[i].year,
            annex4[i].type), annex4[i].n);
    }
    for (size_t i = 0; i < sizeof annex4_totals / sizeof annex4_totals[0]; i++) {
        CU_ASSERT_EQUAL(sql_int_bind(d, "SELECT count(*) FROM vehicle WHERE year = :y", 
                                     annex4_totals[i].year, NULL), annex4_totals[i].total);
        CU_ASSERT_EQUAL(sql_int_bind(d, "SELECT sum(pl.planned) FROM plan_line pl JOIN category c"
            " ON c.id = pl.category_id WHERE pl.year = :y AND c.kind = 'vehicle'",
            annex4_totals[i].year, NULL), annex4_totals[i].total);
    }
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM vehicle WHERE year BETWEEN 2021 AND 2025"), 13);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM vehicle WHERE year BETWEEN 2016 AND 2020"), 28);
    CU_ASSERT(test_sql_int(d, "SELECT count(*) FROM vehicle") >= 30);
    CU_ASSERT(test_sql_int(d, "SELECT count(*) FROM vehicle WHERE status = 'retired'") > 0);
    CU_ASSERT(test_sql_int(d, "SELECT count(*) FROM vehicle WHERE status IN ('standby', 'maintenance')") > 0);
    CU_ASSERT(test_sql_int(d, "SELECT count(*) FROM vehicle WHERE status = 'in-service'")
              > test_sql_int(d, "SELECT count(*) FROM vehicle") / 2);
    /* vehicles older than their site only at Hualongqiao, the relocated (迁建)
     * special-service station, which took over its old fleet; plates unique;
     * older ones ran further */
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM vehicle v JOIN site s ON s.id = v.station_id"
        " WHERE s.opened IS NOT NULL AND v.year < CAST(substr(s.opened, 1, 4) AS INTEGER)"
        " AND s.slug <> 'hualongqiao'"), 0);
    CU_ASSERT(test_sql_int(d, "SELECT count(*) FROM vehicle v JOIN site s ON s.id = v.station_id"
        " WHERE s.slug = 'hualongqiao' AND v.status <> 'retired'") >= 8);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(DISTINCT plate) = count(*) FROM vehicle"), 1);
    CU_ASSERT(test_sql_int(d, "SELECT avg(mileage) FROM vehicle WHERE year <= 2018")
              > test_sql_int(d, "SELECT avg(mileage) FROM vehicle WHERE year >= 2024"));
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM vehicle WHERE status = 'retired'"
        " AND next_service IS NOT NULL"), 0);
    depot_close(d);
}

static void test_items(void)
{
    depot *d = test_depot_seeded(ITEMS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item"), ITEMS);
    /* tags: <category>-NNNNNN, numbered 1..n per category in acquisition order */
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item i JOIN category c ON c.id = i.category_id"
        " WHERE i.tag NOT GLOB c.slug || '-[0-9][0-9][0-9][0-9][0-9][0-9]'"), 0);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM (SELECT c.slug, count(*) n,"
        " max(CAST(substr(i.tag, length(c.slug) + 2) AS INTEGER)) m FROM item i"
        " JOIN category c ON c.id = i.category_id GROUP BY c.id) WHERE n <> m"), 0);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(DISTINCT serial) FROM item"), ITEMS);
    /* dates: 2008-2025, more of them recent; nothing at a site before it opened */
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item WHERE acquired NOT BETWEEN"
        " '2008-01-01' AND '2025-12-31'"), 0);
    CU_ASSERT(test_sql_int(d, "SELECT count(*) FROM item WHERE acquired >= '2021-01-01'")
              > ITEMS / 2);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item i JOIN site s ON s.id = i.station_id"
        " WHERE i.acquired < s.opened"), 0);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item WHERE last_inspection < acquired"), 0);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item WHERE created_ns <>"
        " (unixepoch(acquired) - 8 * 3600) * 1000000000"), 0);
    /* the two biggest stations; the logistics base holds the reserve */
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM (SELECT s.slug FROM site s"
        " JOIN item i ON i.station_id = s.id GROUP BY s.id ORDER BY count(*) DESC LIMIT 2)"
        " WHERE slug IN ('jiaochangkou', 'hualongqiao')"), 2);
    CU_ASSERT(test_sql_int(d, "SELECT 2 * sum(i.status = 'reserve') > count(*) FROM item i"
        " JOIN site s ON s.id = i.station_id WHERE s.slug = 'logistics-base'") == 1);
    /* statuses: mostly in service, every status present */
    CU_ASSERT(test_sql_int(d, "SELECT count(*) FROM item WHERE status = 'in-service'") > ITEMS / 2);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(DISTINCT status) FROM item"), 5);
    /* retired only past the service life, and only part of those */
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item i JOIN category c ON c.id = i.category_id"
        " WHERE i.status = 'retired' AND date(i.acquired, '+' || c.service_life || ' years')"
        " > '2026-12-01'"), 0);
    CU_ASSERT(test_sql_int(d, "SELECT count(*) FROM item i JOIN category c ON c.id = i.category_id"
        " WHERE i.status <> 'retired' AND date(i.acquired, '+' || c.service_life || ' years')"
        " <= '2026-12-01'") > 0);
    /* inspections: some never, some overdue on 2026-12-01, most not */
    CU_ASSERT(test_sql_int(d, "SELECT count(*) FROM item WHERE last_inspection IS NULL") > 0);
    long long overdue = test_sql_int(d, "SELECT count(*) FROM item i JOIN category c"
        " ON c.id = i.category_id WHERE i.status <> 'retired' AND"
        " date(coalesce(i.last_inspection, i.acquired), '+' || c.inspection_interval || ' days')"
        " < '2026-12-01'");
    CU_ASSERT(overdue > 0 && overdue < ITEMS / 2);
    /* loads: some, only in-service items, on working vehicles of their own station */
    CU_ASSERT(test_sql_int(d, "SELECT count(*) FROM item WHERE vehicle_id IS NOT NULL") > 0);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item i JOIN vehicle v ON v.id = i.vehicle_id"
        " WHERE v.station_id <> i.station_id OR v.status = 'retired' OR i.status = 'retired'"), 0);
    depot_close(d);
}

static void test_due_every_year(void)
{
    depot *d = test_depot_seeded(ITEMS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    for (int y = 2021; y <= 2026; y++) {
        long long n = sql_int_bind(d, "SELECT count(*) FROM item i JOIN category c"
            " ON c.id = i.category_id WHERE CAST(strftime('%Y', date(i.acquired,"
            " '+' || c.service_life || ' years')) AS INTEGER) = :y", y, NULL);
        if (n <= 0)
            fprintf(stderr, "no item due in %d\n", y);
        CU_ASSERT(n > 0);
    }
    depot_close(d);
}

static void test_plans(void)
{
    static const struct { int year, recruits; } annex5[] = {
        { 2021, 50 }, { 2022, 30 }, { 2023, 40 }, { 2024, 40 }, { 2025, 40 },
    };
    depot *d = test_depot_seeded(ITEMS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM plan"), 5);
    for (size_t i = 0; i < sizeof annex5 / sizeof annex5[0]; i++)
        CU_ASSERT_EQUAL(sql_int_bind(d, "SELECT recruits FROM plan WHERE year = :y",
                                     annex5[i].year, NULL), annex5[i].recruits);
    CU_ASSERT(test_sql_int(d, "SELECT sum(planned) FROM plan_line pl JOIN category c"
        " ON c.id = pl.category_id WHERE c.kind = 'equipment'") > 20000);
    for (int y = 2021; y <= 2025; y++)
        CU_ASSERT(sql_int_bind(d, "SELECT sum(planned) FROM plan_line pl JOIN category c"
            " ON c.id = pl.category_id WHERE c.kind = 'equipment' AND pl.year = :y", y, NULL) > 3000);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM plan_period WHERE first_year = 2021"
        " AND last_year = 2025 AND stated_vehicles = 12 AND stated_equipment = 20000"
        " AND stated_recruits = 200"), 1);
    depot_close(d);
}

static void test_facts(void)
{
    static const struct { const char *key, *value; } settings[] = {
        { "population", "600000" }, { "households", "200000" },
        { "district", "Yuzhong District, Chongqing" }, { "hydrants", "1251" },
    };
    static const struct { const char *slug, *measure; } measures[] = {
        { "vehicles-per-10k", "vehicles-per-10k" },
        { "stations-per-100k", "stations-per-100k" },
    };
    depot *d = test_depot_seeded(ITEMS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        sqlite3_stmt *st;
        CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(depot_db(d),
            "SELECT value FROM setting WHERE key = ?", -1, &st, NULL), SQLITE_OK);
        sqlite3_bind_text(st, 1, settings[i].key, -1, SQLITE_STATIC);
        CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
        if (sqlite3_column_text(st, 0))
            CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 0), settings[i].value);
        sqlite3_finalize(st);
    }
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM indicator"), 6);
    for (size_t i = 0; i < sizeof measures / sizeof measures[0]; i++)
        CU_ASSERT_EQUAL(sql_int_bind(d, "SELECT count(*) FROM indicator WHERE slug = :s"
            " AND measure = slug AND kind = 'expected'", 0, measures[i].slug), 1);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM indicator WHERE measure = ''"), 4);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM indicator WHERE slug = 'vehicles-per-10k'"
        " AND baseline = 0.5 AND target = 0.6 AND baseline_year = 2020 AND target_year = 2025"), 1);
    depot_close(d);
}

static void test_reserves(void)
{
    static const char *const slugs[] = { "building-fire", "water-rescue", "epidemic",
        "chemical-fire", "forest-fire", "underground-space", "ice-snow", "earthquake" };
    depot *d = test_depot_seeded(ITEMS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM reserve_module"), 8);
    for (size_t i = 0; i < sizeof slugs / sizeof slugs[0]; i++) {
        long long lines = sql_int_bind(d, "SELECT count(*) FROM reserve_line l JOIN reserve_module m"
            " ON m.id = l.module_id WHERE m.slug = :s", 0, slugs[i]);
        CU_ASSERT(lines >= 4 && lines <= 8);
    }
    CU_ASSERT(test_sql_int(d, "SELECT count(*) FROM reserve_line WHERE count < minimum") > 0);
    CU_ASSERT(test_sql_int(d, "SELECT count(*) FROM reserve_line WHERE count >= minimum") > 20);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM reserve_line WHERE minimum > target"), 0);
    depot_close(d);
}

static void test_deterministic(void)
{
    depot *a = seeded_with(2000, 7), *b = seeded_with(2000, 7), *c = seeded_with(2000, 8);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    static const char vehicles[] = "SELECT * FROM vehicle ORDER BY id";
    CU_ASSERT_EQUAL(sql_digest(a, item_dump), sql_digest(b, item_dump));
    CU_ASSERT_EQUAL(sql_digest(a, vehicles), sql_digest(b, vehicles));
    CU_ASSERT_NOT_EQUAL(sql_digest(a, item_dump), sql_digest(c, item_dump));
    CU_ASSERT_NOT_EQUAL(sql_digest(a, item_dump), 0);
    depot_close(a);
    depot_close(b);
    depot_close(c);
}

static void test_check_passes(void)
{
    depot *d = test_depot_seeded(ITEMS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL(depot_check(d, &out), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out), "");
    strbuf_release(&out);
    depot_close(d);
}

static void test_refuses_twice(void)
{
    depot *d = test_depot_seeded(100);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    depot_seed_opts o = { .items = 100, .seed = 1 };
    CU_ASSERT_EQUAL(depot_seed(d, &o), DEPOT_EEXIST);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item"), 100);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM site"), 9);
    depot_close(d);
}

struct progress_log {
    long calls, last, total;
    int backwards;
};

static void record_progress(void *ctx, long done, long total)
{
    struct progress_log *p = ctx;
    if (done < p->last)
        p->backwards = 1;
    p->calls++;
    p->last = done;
    p->total = total;
}

static void test_progress_and_default(void)
{
    depot *d = test_depot_empty();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    struct progress_log p = { 0, 0, 0, 0 };
    depot_seed_opts o = { .items = 0, .seed = 1, .progress = record_progress, .ctx = &p };
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CU_ASSERT_EQUAL_FATAL(depot_seed(d, &o), DEPOT_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "\n  seeding the default 25000 items took %.2f s\n",
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item"), 25000);
    CU_ASSERT_EQUAL(p.total, 25000);
    CU_ASSERT_EQUAL(p.last, 25000);
    CU_ASSERT(p.calls >= 90 && p.calls <= 110);
    CU_ASSERT_FALSE(p.backwards);
    depot_close(d);
}

static CU_TestInfo tests[] = {
    { "nine sites with their Chinese names", test_sites },
    { "vehicle types and equipment categories", test_categories },
    { "fleet: Annex 4 exactly, 2016-2020's 28", test_fleet },
    { "items: tags, dates, sites, statuses, loads", test_items },
    { "items reach end of life in every year 2021-2026", test_due_every_year },
    { "plans: Annex 5 recruits, more than 20000 pieces", test_plans },
    { "settings and indicators", test_facts },
    { "reserve modules", test_reserves },
    { "the same seed gives the same depot", test_deterministic },
    { "a fresh seed passes depot_check", test_check_passes },
    { "seeding a seeded depot is refused", test_refuses_twice },
    { "progress and the default 25000 items", test_progress_and_default },
    CU_TEST_INFO_NULL,
};

TEST_SUITE("seed", NULL, NULL, tests)
