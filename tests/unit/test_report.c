/*
 * test_report.c: reports, summaries and logs (core/report.c).
 *
 * The small fixture is tests/data/fixture.sql with today fixed at
 * 2026-01-01; its reports are pinned as exact texts, worked out by hand from
 * the fixture's rows (see the comments there).  On the seeded district the
 * reports are compared with direct SQL.  The refusal log is checked for what
 * it does with bytes a terminal must not see and with values of a megabyte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "internal.h"   /* depot_site_summary, depot_module_summary */
#include "testutil.h"

#define DATA "tests/data"

/* Runs the SQL in file path on d; 0 on success. */
static int exec_file(depot *d, const char *path)
{
    FILE *f = fopen(path, "rb");
    strbuf sql = STRBUF_INIT;
    char buf[65536], *err = NULL;
    size_t n;
    int rc = 0;
    if (!f)
        return -1;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_add(&sql, buf, n);
    fclose(f);
    if (sqlite3_exec(depot_db(d), strbuf_str(&sql), NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", path, err);
        rc = -1;
    }
    sqlite3_free(err);
    strbuf_release(&sql);
    return rc;
}

static depot *fixture(void)
{
    depot *d = test_depot_empty();
    if (!d)
        return NULL;
    if (exec_file(d, DATA "/fixture.sql") != 0 || depot_set_today(d, "2026-01-01") != DEPOT_OK) {
        CU_FAIL("cannot load tests/data/fixture.sql");
        depot_close(d);
        return NULL;
    }
    return d;
}

static void exec_sql(depot *d, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(depot_db(d), sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "\n%s: %s\n", sql, err);
        CU_FAIL("fixture SQL failed");
    }
    sqlite3_free(err);
}

/* Report name into out (reset first); asserts it succeeds. */
static const char *report(depot *d, const char *name, strbuf *out)
{
    strbuf_reset(out);
    int rc = depot_report(d, name, out);
    if (rc != DEPOT_OK)
        fprintf(stderr, "\nreport %s: %s\n", name, depot_errmsg(d));
    CU_ASSERT_EQUAL(rc, DEPOT_OK);
    return strbuf_str(out);
}

/* Lines of s. */
static long lines(const char *s)
{
    long n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_names(void)
{
    static const char *const want[] = {
        "low-stock", "low-stock.csv", "due-inspection", "due-inspection.csv",
        "end-of-life", "end-of-life.csv", "plan-execution", "plan-execution.csv",
        "indicators", "indicators.csv", NULL
    };
    static const char *const header[] = {
        "module,line,count,minimum,target,shortfall,unit\n",
        "tag,category,station,last-inspection,next-inspection,days-overdue\n",
        "tag,category,station,status,acquired,expires\n",
        "year,kind,category,planned,delivered,difference,stated,check\n",
        "indicator,unit,baseline,baseline-year,target,target-year,kind,now\n",
    };
    const char *const *names = depot_report_names();
    size_t i;
    for (i = 0; want[i]; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(names[i]);
        CU_ASSERT_STRING_EQUAL(names[i], want[i]);
    }
    CU_ASSERT_PTR_NULL(names[i]);

    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT;
    for (i = 0; names[i]; i++) {
        const char *s = report(d, names[i], &out);
        CU_ASSERT(out.len > 1 && s[out.len - 1] == '\n' && s[out.len - 2] != '\n');
        CU_ASSERT_EQUAL(strlen(s), out.len);
        if (i % 2)      /* CSV: the header row first, no CR anywhere */
            CU_ASSERT_EQUAL(strncmp(s, header[i / 2], strlen(header[i / 2])), 0);
        if (i % 2)
            CU_ASSERT_PTR_NULL(strchr(s, '\r'));
    }
    static const char *const unknown[] = { "nope", "low-stock.txt", ".csv", "low-stock.csv.csv",
                                           "", "Low-Stock" };
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        strbuf_reset(&out);
        CU_ASSERT_EQUAL(depot_report(d, unknown[i], &out), DEPOT_ENOENT);
        CU_ASSERT_EQUAL(out.len, 0);
    }
    strbuf_release(&out);
    depot_close(d);
}

/* The fixture's reports, exactly (worked out by hand from fixture.sql). */
static void test_exact(void)
{
    static const struct { const char *name, *text; } cases[] = {
        { "low-stock",
          "low stock: reserve lines below their minimum (shortfall to target)\n"
          "\n"
          "module         line              count  minimum  target  shortfall  unit\n"
          "building-fire  foam-concentrate     10       20      40         30  litre\n"
          "water-rescue   life-jacket           5       50     100         95  件\n" },
        { "low-stock.csv",
          "module,line,count,minimum,target,shortfall,unit\n"
          "building-fire,foam-concentrate,10,20,40,30,litre\n"
          "water-rescue,life-jacket,5,50,100,95,件\n" },
        /* next = coalesce(last, acquired) + interval (scba 180, helmet 365,
         * drone 90 days); drone-000002 is retired; scba-000003/4/5 are
         * due after 2026-01-31. */
        { "due-inspection",
          "due for inspection: items whose next inspection is overdue or due within 30 days"
          " of 2026-01-01, oldest first (negative days-overdue: days left)\n"
          "\n"
          "tag            category  station       last-inspection  next-inspection  days-overdue\n"
          "scba-000001    scba      jiaochangkou  2025-06-01       2025-11-28                 34\n"
          "helmet-000001  helmet    jiaochangkou  none             2025-12-01                 31\n"
          "scba-000002    scba      jiaochangkou  2025-07-20       2026-01-16                -15\n"
          "drone-000001   drone     laifushi      none             2026-01-18                -17\n"
          "helmet-000002  helmet    laifushi      2025-01-20       2026-01-20                -19\n" },
        { "due-inspection.csv",
          "tag,category,station,last-inspection,next-inspection,days-overdue\n"
          "scba-000001,scba,jiaochangkou,2025-06-01,2025-11-28,34\n"
          "helmet-000001,helmet,jiaochangkou,none,2025-12-01,31\n"
          "scba-000002,scba,jiaochangkou,2025-07-20,2026-01-16,-15\n"
          "drone-000001,drone,laifushi,none,2026-01-18,-17\n"
          "helmet-000002,helmet,laifushi,2025-01-20,2026-01-20,-19\n" },
        /* helmet life 5 years, scba 8: drone-000002 would be past it, but is retired */
        { "end-of-life",
          "end of life: items not retired whose service life ended on or before 2026-01-01\n"
          "\n"
          "tag            category  station       status       acquired    expires\n"
          "helmet-000002  helmet    laifushi      in-service   2019-06-01  2024-06-01\n"
          "scba-000004    scba      jiaochangkou  maintenance  2017-05-01  2025-05-01\n" },
        { "end-of-life.csv",
          "tag,category,station,status,acquired,expires\n"
          "helmet-000002,helmet,laifushi,in-service,2019-06-01,2024-06-01\n"
          "scba-000004,scba,jiaochangkou,maintenance,2017-05-01,2025-05-01\n" },
        /* 3 vehicles not retired / 600000 * 10000; 2 operating (small) stations
         * / 600000 * 100000; the Chinese name is 14 columns wide, padded to 23. */
        { "indicators",
          "indicators: the plan's baselines and targets, and where the depot can compute it,"
          " the figure now\n"
          "\n"
          "indicator                unit      baseline  baseline-year  target  target-year"
          "  kind       now\n"
          "万人消防车辆数           per 10k        0.5           2020     0.6         2025"
          "  expected  0.05\n"
          "stations per 100k        per 100k         1           2020    1.16         2025"
          "  expected  0.33\n"
          "fire deaths per million  per 1M         1.2           2020       1         2025"
          "  binding    n/a\n" },
        { "indicators.csv",
          "indicator,unit,baseline,baseline-year,target,target-year,kind,now\n"
          "万人消防车辆数,per 10k,0.5,2020,0.6,2025,expected,0.05\n"
          "stations per 100k,per 100k,1,2020,1.16,2025,expected,0.33\n"
          "fire deaths per million,per 1M,1.2,2020,1,2025,binding,n/a\n" },
    };
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = report(d, cases[i].name, &out);
        if (strcmp(got, cases[i].text)) {
            fprintf(stderr, "\nreport %s:\n%s\nexpected:\n%s", cases[i].name, got, cases[i].text);
            CU_FAIL("report text differs");
        }
    }
    strbuf_release(&out);
    depot_close(d);
}

/* Reports follow the data and the date they are asked on. */
static void test_reports_follow(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT;
    /* Empty tables show "none" in text and the header alone in CSV. */
    exec_sql(d, "UPDATE reserve_line SET count = minimum");
    CU_ASSERT_STRING_EQUAL(report(d, "low-stock", &out),
                           "low stock: reserve lines below their minimum (shortfall to target)\n"
                           "\nnone\n");
    CU_ASSERT_STRING_EQUAL(report(d, "low-stock.csv", &out),
                           "module,line,count,minimum,target,shortfall,unit\n");
    /* count below minimum but above target: shortfall to target is 0, not negative */
    exec_sql(d, "UPDATE reserve_line SET count = 3, minimum = 5, target = 2 WHERE id = 4");
    CU_ASSERT_STRING_EQUAL(report(d, "low-stock.csv", &out),
                           "module,line,count,minimum,target,shortfall,unit\n"
                           "water-rescue,rope,3,5,2,0,m\n");

    /* Two years earlier nothing is past its life yet. */
    CU_ASSERT_EQUAL(depot_set_today(d, "2024-01-01"), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(report(d, "end-of-life.csv", &out),
                           "tag,category,station,status,acquired,expires\n");
    /* The day an item's life ends it is in the report (expires <= today). */
    CU_ASSERT_EQUAL(depot_set_today(d, "2024-06-01"), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(report(d, "end-of-life.csv", &out),
                           "tag,category,station,status,acquired,expires\n"
                           "helmet-000002,helmet,laifushi,in-service,2019-06-01,2024-06-01\n");
    /* An inspection recorded moves an item out of due-inspection. */
    CU_ASSERT_EQUAL(depot_set_today(d, "2026-01-01"), DEPOT_OK);
    exec_sql(d, "UPDATE item SET last_inspection = '2025-12-31' WHERE tag = 'scba-000001'");
    CU_ASSERT_PTR_NULL(strstr(report(d, "due-inspection.csv", &out), "scba-000001"));
    /* Exactly 30 days ahead is in, 31 is out (scba: 180 days). */
    exec_sql(d, "UPDATE item SET last_inspection = date('2026-01-31', '-180 days')"
                " WHERE tag = 'scba-000003';"
                "UPDATE item SET last_inspection = date('2026-02-01', '-180 days')"
                " WHERE tag = 'scba-000005'");
    report(d, "due-inspection.csv", &out);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), "scba-000003,scba,jiaochangkou,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), ",2026-01-31,-30\n"));
    CU_ASSERT_PTR_NULL(strstr(strbuf_str(&out), "scba-000005"));
    /* Retiring an item takes it out of both reports. */
    exec_sql(d, "UPDATE item SET status = 'retired' WHERE tag IN ('helmet-000002', 'scba-000004')");
    CU_ASSERT_PTR_NULL(strstr(report(d, "due-inspection", &out), "helmet-000002"));
    CU_ASSERT_STRING_EQUAL(report(d, "end-of-life.csv", &out),
                           "tag,category,station,status,acquired,expires\n");
    /* A CSV field with a comma or a quote is quoted. */
    exec_sql(d, "UPDATE indicator SET name = 'deaths, \"per\" million' WHERE id = 3");
    CU_ASSERT_PTR_NOT_NULL(strstr(report(d, "indicators.csv", &out),
                                  "\n\"deaths, \"\"per\"\" million\",per 1M,"));
    /* No population: the live figures are n/a. */
    exec_sql(d, "DELETE FROM setting WHERE key = 'population'");
    CU_ASSERT_PTR_NULL(strstr(report(d, "indicators.csv", &out), "0.05"));
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), ",expected,n/a\n"));
    strbuf_release(&out);
    depot_close(d);
}

/* Many items due on scattered dates come out oldest first. */
static void test_due_order(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    /* 300 more items over three categories, dates in no order. */
    exec_sql(d,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
        " INSERT INTO item (tag, category_id, model, serial, station_id, status, acquired,"
        "   last_inspection, created_ns)"
        " SELECT printf('x-%06d', i), 10 + i % 3, 'm', 's', 1 + i % 4,"
        "   CASE WHEN i % 7 = 0 THEN 'retired' ELSE 'in-service' END,"
        "   '2015-01-01', date('2024-06-01', '+' || ((i * 7919) % 600) || ' days'), 1 FROM n");
    strbuf out = STRBUF_INIT;
    report(d, "due-inspection.csv", &out);
    long rows = lines(strbuf_str(&out)) - 1;
    long long want = test_sql_int(d,
        "SELECT count(*) FROM item i JOIN category c ON c.id = i.category_id"
        " WHERE i.status <> 'retired' AND date(coalesce(i.last_inspection, i.acquired),"
        " '+' || c.inspection_interval || ' days') <= '2026-01-31'");
    CU_ASSERT(rows > 50);
    CU_ASSERT_EQUAL(rows, want);
    /* next-inspection (column 5) never decreases; days-overdue never increases */
    char prev[11] = "0000-00-00";
    long prevdays = 1L << 30;
    const char *p = strchr(strbuf_str(&out), '\n') + 1;
    for (; *p; p = strchr(p, '\n') + 1) {
        const char *c = p;
        for (int k = 0; k < 4; k++)
            c = strchr(c, ',') + 1;
        CU_ASSERT(strncmp(prev, c, 10) <= 0);
        memcpy(prev, c, 10);
        long days = strtol(c + 11, NULL, 10);
        CU_ASSERT(days <= prevdays);
        prevdays = days;
    }
    strbuf_release(&out);
    depot_close(d);
}

static void test_plan_execution(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT;
    const char *flag = "vehicles: stated 3 in the text, the yearly plans add up to 5"
                       " - the plan contradicts itself";
    report(d, "plan-execution", &out);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), flag));
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), "\nchecks:\n2021-2025 (14th five-year plan): "));
    /* equipment (500) and recruits (90) agree with their lines: no flag */
    CU_ASSERT_PTR_NULL(strstr(strbuf_str(&out), "equipment: stated"));
    CU_ASSERT_PTR_NULL(strstr(strbuf_str(&out), "recruits: stated"));
    /* The rows: planned beside delivered (2023: scba delivered without a line) */
    report(d, "plan-execution.csv", &out);
    static const char *const rows[] = {
        "\n2021,vehicle,water-tender,1,1,0,,\n",
        "\n2021,vehicle,forward-support,2,1,-1,,\n",
        "\n2021,equipment,scba,400,3,-397,,\n",
        "\n2021,vehicle,total,3,2,-1,,\n",
        "\n2021,equipment,total,500,3,-497,,\n",
        "\n2021,recruits,total,50,,,,\n",
        "\n2023,equipment,scba,0,1,+1,,\n",
        "\n2023,equipment,drone,0,0,0,,\n",
        "\n2021-2025,vehicle,total,5,3,-2,3,\"vehicles: stated 3 in the text, the yearly"
        " plans add up to 5 - the plan contradicts itself\"\n",
        "\n2021-2025,equipment,total,500,6,-494,500,\n",
        "\n2021-2025,recruits,total,90,,,90,\n",
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (!strstr(strbuf_str(&out), rows[i])) {
            fprintf(stderr, "\nmissing row %s in\n%s", rows[i], strbuf_str(&out));
            CU_FAIL("plan-execution row missing");
        }
    CU_ASSERT_EQUAL(lines(strbuf_str(&out)), 1 + 14 + 3);
    /* Once the text and the lines agree the flag goes; a new mismatch shows. */
    exec_sql(d, "UPDATE plan_period SET stated_vehicles = 5, stated_recruits = 100");
    report(d, "plan-execution", &out);
    CU_ASSERT_PTR_NULL(strstr(strbuf_str(&out), "vehicles: stated"));
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), "recruits: stated 100 in the text, the yearly"
                                                    " plans add up to 90"));
    /* Equipment is stated as a floor ("more than 20,000"): only falling
     * short of it is a contradiction. */
    exec_sql(d, "UPDATE plan_period SET stated_equipment = 400");
    CU_ASSERT_PTR_NULL(strstr(report(d, "plan-execution", &out), "equipment: stated"));
    exec_sql(d, "UPDATE plan_period SET stated_equipment = 501");
    CU_ASSERT_PTR_NOT_NULL(strstr(report(d, "plan-execution", &out),
                                  "equipment: stated more than 501 in the text, the yearly plans"
                                  " add up to 500 - the plan contradicts itself"));
    /* No stated figure: nothing to check. */
    exec_sql(d, "UPDATE plan_period SET stated_recruits = NULL, stated_equipment = NULL");
    CU_ASSERT_PTR_NULL(strstr(report(d, "plan-execution", &out), "checks:"));
    strbuf_release(&out);
    depot_close(d);
}

static void test_site_summary(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL_FATAL(depot_site_summary(d, 1, &out), DEPOT_OK);
    static const char *const want[] = {
        "jiaochangkou: 较场口消防救援站\nkind: station\nstate: operating\nopened: 2000-01-01\n"
        "as of: 2026-01-01\n",
        "\nvehicles: 2 (retired, not counted: 1)\n  in-service      1\n  standby         1\n"
        "  maintenance     0\n  out-of-service  0\n",
        "\nequipment: 5 items (retired, not counted: 1)\n"
        "  category  in-service  reserve  maintenance  out-of-service  total\n"
        "  scba               2        1            1               0      4\n"
        "  helmet             1        0            0               0      1\n"
        "  total              3        1            1               0      5\n",
        "\nshortfalls:\n  inspection overdue: 2\n  past end of life, not retired: 1\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(strbuf_str(&out), want[i])) {
            fprintf(stderr, "\nsummary lacks:\n%s\ngot:\n%s", want[i], strbuf_str(&out));
            CU_FAIL("site summary differs");
        }
    /* A site without anything, and a missing one. */
    strbuf_reset(&out);
    CU_ASSERT_EQUAL(depot_site_summary(d, 3, &out), DEPOT_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), "equipment: 0 items (retired, not counted: 0)\n"
                                                    "  none\n"));
    strbuf_reset(&out);
    CU_ASSERT_EQUAL(depot_site_summary(d, 99, &out), DEPOT_ENOENT);
    CU_ASSERT_EQUAL(out.len, 0);
    strbuf_release(&out);
    depot_close(d);
}

static void test_module_summary(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL_FATAL(depot_module_summary(d, 2, &out), DEPOT_OK);
    /* 件 is two columns wide: "unit" is padded to 4 columns with two blanks */
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out),
        "water-rescue: 水域救援模块\n"
        "location: logistics-base\n"
        "\n"
        "line         count  minimum  target  unit  flag\n"
        "life-jacket      5       50     100  件    LOW: 95 short of target\n"
        "rope             0        0       0  m\n"
        "\n"
        "lines below minimum: 1\n");
    strbuf_reset(&out);
    CU_ASSERT_EQUAL(depot_module_summary(d, 1, &out), DEPOT_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), "  LOW: 30 short of target\n"
                                                    "breathing-cylinder     50 "));
    strbuf_reset(&out);
    CU_ASSERT_EQUAL(depot_module_summary(d, 99, &out), DEPOT_ENOENT);
    strbuf_release(&out);
    depot_close(d);
}

/* The value column of the newest refusal, as text. */
static void last_refusal(depot *d, const char *col, strbuf *out)
{
    sqlite3_stmt *st;
    char sql[128];
    strbuf_reset(out);
    snprintf(sql, sizeof sql, "SELECT %s FROM refusal ORDER BY id DESC LIMIT 1", col);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(depot_db(d), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        strbuf_add(out, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    sqlite3_finalize(st);
}

static void test_refusal(void)
{
    static const struct { const char *in; size_t len; const char *stored; } cases[] = {
        { "maintenance", 11, "maintenance" },
        { "a\0b", 3, "a\\0b" },
        { "x\n", 2, "x\\x0a" },
        { "\x01\x1b[31m\x7f", 7, "\\x01\\x1b[31m\\x7f" },
        { "\xff\xfe", 2, "\\xff\\xfe" },
        { "中文 ok", 9, "中文 ok" },
        { "\xe4\xb8", 2, "\\xe4\\xb8" },                /* a cut UTF-8 sequence */
        { "\xc0\xaf", 2, "\\xc0\\xaf" },                /* an overlong '/' */
        { "\xed\xa0\x80", 3, "\\xed\\xa0\\x80" },       /* a surrogate */
        { "back\\slash", 10, "back\\\\slash" },
        { "", 0, "" },
    };
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf got = STRBUF_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CU_ASSERT_EQUAL(depot_log_refusal(d, &test_actor, "equipment/scba-000001/status",
                                          cases[i].in, cases[i].len, "not a status"), DEPOT_OK);
        last_refusal(d, "value", &got);
        if (strcmp(strbuf_str(&got), cases[i].stored)) {
            fprintf(stderr, "\nrefusal %zu stored '%s', expected '%s'\n", i, strbuf_str(&got),
                    cases[i].stored);
            CU_FAIL("refused value not made printable as expected");
        }
    }
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM refusal WHERE uid = 1000"
                                    " AND user = 'tester' AND pid = 42 AND process = 'cunit'"
                                    " AND path = 'equipment/scba-000001/status'"
                                    " AND reason = 'not a status'"), (long long)(sizeof cases / sizeof cases[0]));

    /* A megabyte: kept short, with the whole length noted. */
    size_t big = 1 << 20;
    char *v = malloc(big);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    memset(v, 'a', big);
    v[5] = '\0';
    CU_ASSERT_EQUAL(depot_log_refusal(d, &test_actor, "plans/2023.json", v, big,
                                      "plans/2023.json: line 1, column 1: invalid token"), DEPOT_OK);
    last_refusal(d, "value", &got);
    CU_ASSERT(got.len <= 240);
    CU_ASSERT_EQUAL(strncmp(strbuf_str(&got), "aaaaa\\0aaaa", 11), 0);
    CU_ASSERT(got.len > 20 && strstr(strbuf_str(&got), "... (1048576 bytes in all)") != NULL);
    /* Cut on a character boundary: 中 is three bytes, never split. */
    for (size_t i = 0; i + 3 <= big; i += 3)
        memcpy(v + i, "\xe4\xb8\xad", 3);
    CU_ASSERT_EQUAL(depot_log_refusal(d, NULL, "x", v, big - big % 3, "r"), DEPOT_OK);
    last_refusal(d, "value", &got);
    const char *dots = strstr(strbuf_str(&got), "... (");
    CU_ASSERT_PTR_NOT_NULL_FATAL(dots);
    CU_ASSERT_EQUAL((dots - strbuf_str(&got)) % 3, 0);
    CU_ASSERT(dots - strbuf_str(&got) >= 150);
    free(v);

    /* The reason may be depot_errmsg() itself, and stays intact. */
    CU_ASSERT_EQUAL(depot_set_today(d, "2026-02-30"), DEPOT_EINVAL);
    strbuf msg = STRBUF_INIT;
    strbuf_addstr(&msg, depot_errmsg(d));
    CU_ASSERT_EQUAL(depot_log_refusal(d, &test_actor, "p", "v", 1, depot_errmsg(d)), DEPOT_OK);
    last_refusal(d, "reason", &got);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&got), strbuf_str(&msg));
    CU_ASSERT_STRING_EQUAL(depot_errmsg(d), strbuf_str(&msg));
    strbuf_release(&msg);

    /* Inside a transaction already open on the connection: no nesting,
     * just the row, part of that transaction. */
    long long n = test_sql_int(d, "SELECT count(*) FROM refusal");
    exec_sql(d, "BEGIN");
    CU_ASSERT_EQUAL(depot_log_refusal(d, &test_actor, "p", "v", 1, "r"), DEPOT_OK);
    CU_ASSERT_EQUAL(sqlite3_get_autocommit(depot_db(d)), 0);
    exec_sql(d, "ROLLBACK");
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM refusal"), n);
    CU_ASSERT_EQUAL(depot_log_refusal(d, &test_actor, "p", "v", 1, "r"), DEPOT_OK);
    CU_ASSERT_EQUAL(sqlite3_get_autocommit(depot_db(d)), 1);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM refusal"), n + 1);
    strbuf_release(&got);
    depot_close(d);
}

/* Adds n rows to log errors (the refusal table) or log/changes (the
 * journal), of every length from 0 to about 600 bytes, with text that
 * needs escaping (a newline, a backslash, UTF-8). */
static void add_log_rows(depot *d, int errors, int n)
{
    char sql[1024];
    const char *text =
        "substr(replace(hex(zeroblob(300)), '00', 'a\xc3\xa9\\' || char(10)), 1, (i * 37) % 601)";
    if (errors)
        snprintf(sql, sizeof sql,
                 "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < %d)"
                 " INSERT INTO refusal (at_ns, uid, user, pid, process, path, value, reason)"
                 " SELECT 1764547200000000000 + i * 1000000000, i, 'user' || i, i * 7, 'proc',"
                 " 'reserves/m/l/count', %s, 'reason ' || i FROM r", n, text);
    else
        snprintf(sql, sizeof sql,
                 "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < %d)"
                 " INSERT INTO journal (at_ns, uid, user, pid, process, object_kind, object_id,"
                 " object, attribute, old, new, reason)"
                 " SELECT 1764547200000000000 + i * 1000000000, i, 'user' || i, i * 7, 'proc',"
                 " 'item', 6, 'helmet-000001', 'notes', CASE WHEN i %% 5 THEN 'old' END, %s,"
                 " CASE WHEN i %% 3 THEN 'because ' || i ELSE '' END FROM r", n, text);
    exec_sql(d, sql);
}

/* Reads [off, off + len) through map m and checks it against full. */
static void check_map_read(depot *d, const depot_log_map *m, const strbuf *full, uint64_t off,
                           size_t len)
{
    strbuf got = STRBUF_INIT;
    CU_ASSERT_EQUAL(depot_log_map_read(d, m, off, len, &got), DEPOT_OK);
    size_t want = off >= full->len ? 0 : len < full->len - off ? len : full->len - off;
    CU_ASSERT_EQUAL(got.len, want);
    if (got.len == want && want > 0 && memcmp(got.buf, full->buf + off, want) != 0) {
        fprintf(stderr, "\nmap read at %llu, %zu bytes: not the log's\n",
                (unsigned long long)off, len);
        CU_FAIL("a map read differs from the whole log");
    }
    strbuf_release(&got);
}

/* depot_log_map: a log's size and any part of it, as rendering the whole
 * log gives them, across blocks; extended as rows are added, while what a
 * reader already had does not change. */
static void test_log_map(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    for (int errors = 0; errors < 2; errors++) {
        strbuf full = STRBUF_INIT, before = STRBUF_INIT;
        depot_log_map *m = depot_log_map_new(errors);
        CU_ASSERT_PTR_NOT_NULL_FATAL(m);
        CU_ASSERT_EQUAL(depot_log_map_update(d, m), DEPOT_OK);
        CU_ASSERT_EQUAL(depot_log_map_size(m), 0);
        check_map_read(d, m, &full, 0, 100);

        add_log_rows(d, errors, 3000);
        CU_ASSERT_EQUAL(depot_log_map_update(d, m), DEPOT_OK);
        CU_ASSERT_EQUAL(errors ? depot_log_errors(d, &full) : depot_log_changes(d, &full),
                        DEPOT_OK);
        CU_ASSERT_FATAL(full.len > 16 * 16384);     /* many blocks */
        CU_ASSERT_EQUAL(depot_log_map_size(m), full.len);
        /* Block edges, every line's start in the first blocks, and 500
         * places through the whole log, at read sizes from one byte to
         * more than a block. */
        static const size_t lens[] = { 1, 100, 4096, 65536, 131072, 300000 };
        for (uint64_t off = 65530; off < 65540; off++)
            check_map_read(d, m, &full, off, 20);
        for (size_t i = 0, n = 0; i < full.len && n < 600; i++)
            if (full.buf[i] == '\n')
                check_map_read(d, m, &full, i + 1, lens[n++ % 6]);
        uint64_t x = 12345;
        for (int i = 0; i < 500; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            check_map_read(d, m, &full, (x >> 33) % full.len, lens[i % 6]);
        }
        check_map_read(d, m, &full, 0, full.len);
        check_map_read(d, m, &full, full.len - 5, 100);     /* cut at the end */
        check_map_read(d, m, &full, full.len, 100);         /* past it: nothing */

        /* Rows added: the map goes as far as it went until extended. */
        strbuf_add(&before, full.buf, full.len);
        uint64_t old = full.len;
        int rc = errors ? depot_log_refusal(d, &test_actor, "equipment/x/status", "broken", 6,
                                            "not a status")
                        : depot_store(d, DK_ITEM, 6, "status", "maintenance: seal", 17,
                                      &test_actor);
        CU_ASSERT_EQUAL(rc, DEPOT_OK);
        add_log_rows(d, errors, 700);
        CU_ASSERT_EQUAL(depot_log_map_size(m), old);
        check_map_read(d, m, &before, old - 50, 100);
        strbuf_reset(&full);
        CU_ASSERT_EQUAL(errors ? depot_log_errors(d, &full) : depot_log_changes(d, &full),
                        DEPOT_OK);
        CU_ASSERT_EQUAL(depot_log_map_update(d, m), DEPOT_OK);
        CU_ASSERT_EQUAL(depot_log_map_size(m), full.len);
        CU_ASSERT(full.len > old);
        CU_ASSERT_EQUAL(memcmp(full.buf, before.buf, old), 0);
        for (uint64_t off = old - 300; off < old + 300; off += 7)
            check_map_read(d, m, &full, off, 4096);
        check_map_read(d, m, &full, 0, full.len);
        /* A map made at once over the whole log is the same size. */
        depot_log_map *fresh = depot_log_map_new(errors);
        CU_ASSERT_EQUAL(depot_log_map_update(d, fresh), DEPOT_OK);
        CU_ASSERT_EQUAL(depot_log_map_size(fresh), full.len);
        depot_log_map_free(fresh);
        /* The database replaced by an older copy (here: its last rows
         * removed): the map starts again rather than name rows gone. */
        exec_sql(d, errors ? "DROP TRIGGER refusal_append_only_d;"
                             " DELETE FROM refusal WHERE id > (SELECT max(id) - 900 FROM refusal)"
                           : "DROP TRIGGER journal_append_only_d;"
                             " DELETE FROM journal WHERE id > (SELECT max(id) - 900 FROM journal)");
        strbuf_reset(&full);
        CU_ASSERT_EQUAL(errors ? depot_log_errors(d, &full) : depot_log_changes(d, &full),
                        DEPOT_OK);
        CU_ASSERT_EQUAL(depot_log_map_update(d, m), DEPOT_OK);
        CU_ASSERT_EQUAL(depot_log_map_size(m), full.len);
        check_map_read(d, m, &full, full.len - 1000, 4096);
        depot_log_map_free(m);
        strbuf_release(&full);
        strbuf_release(&before);
    }
    depot_close(d);
}

static void test_logs(void)
{
    char *tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
    setenv("TZ", "UTC", 1);
    tzset();
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL(depot_log_changes(d, &out), DEPOT_OK);
    CU_ASSERT_EQUAL(out.len, 0);
    /* 2025-12-01T00:00:00Z; a value with a newline stays on its line. */
    exec_sql(d,
        "INSERT INTO journal (at_ns, uid, user, pid, process, object_kind, object_id, object,"
        " attribute, old, new, reason) VALUES"
        " (1764547200000000000, 1000, 'wang', 4242, 'bash', 'item', 6, 'helmet-000001',"
        "  'status', 'in-service', 'maintenance', 'visor cracked'),"
        " (1764547201000000000, 0, 'root', 1, 'depotctl', 'item', 6, 'helmet-000001',"
        "  'notes', NULL, 'two' || char(10) || 'lines', '')");
    CU_ASSERT_EQUAL(depot_log_changes(d, &out), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out),
        "2025-12-01T00:00:00+0000 wang(1000) bash[4242] item/helmet-000001 status:"
        " in-service -> maintenance (visor cracked)\n"
        "2025-12-01T00:00:01+0000 root(0) depotctl[1] item/helmet-000001 notes:"
        " none -> two\\x0alines\n");

    exec_sql(d,
        "INSERT INTO refusal (at_ns, uid, user, pid, process, path, value, reason) VALUES"
        " (1764547202000000000, 1000, 'wang', 4242, 'bash', 'reserves/water-rescue/rope/count',"
        "  '-12', 'count cannot go below zero (holds 0)')");
    strbuf_reset(&out);
    CU_ASSERT_EQUAL(depot_log_errors(d, &out), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&out),
        "2025-12-01T00:00:02+0000 wang(1000) bash[4242] reserves/water-rescue/rope/count:"
        " '-12': count cannot go below zero (holds 0)\n");
    /* Through depot_log_refusal: one line per refusal, whatever the value held. */
    CU_ASSERT_EQUAL(depot_log_refusal(d, &test_actor, "equipment/scba-000001/notes",
                                      "a\nb\rc\0", 6, "not one line"), DEPOT_OK);
    strbuf_reset(&out);
    CU_ASSERT_EQUAL(depot_log_errors(d, &out), DEPOT_OK);
    CU_ASSERT_EQUAL(lines(strbuf_str(&out)), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), " tester(1000) cunit[42]"
                                  " equipment/scba-000001/notes: 'a\\x0ab\\x0dc\\0': not one line\n"));
    /* A plan change appears in the changes log. */
    const char *doc = "{\"year\": 2023, \"recruits\": {\"planned\": 41}}";
    CU_ASSERT_EQUAL(depot_plan_store(d, 2023, doc, strlen(doc), &test_actor), DEPOT_OK);
    strbuf_reset(&out);
    CU_ASSERT_EQUAL(depot_log_changes(d, &out), DEPOT_OK);
    CU_ASSERT_EQUAL(lines(strbuf_str(&out)), 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), " tester(1000) cunit[42] plan/2023 plan.json: "
                                  "{\"vehicles\":{\"foam-tender\":1,\"forward-support\":1},"
                                  "\"equipment\":{\"drone\":0},\"recruits\":40} -> "
                                  "{\"vehicles\":{},\"equipment\":{},\"recruits\":41}\n"));
    strbuf_release(&out);
    depot_close(d);
    if (tz)
        setenv("TZ", tz, 1);
    else
        unsetenv("TZ");
    free(tz);
    tzset();
}

/* The seeded district: report figures are those of direct SQL. */
static void test_seeded(void)
{
    depot *d = test_depot_seeded(3000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(depot_set_today(d, "2026-06-01"), DEPOT_OK);
    strbuf out = STRBUF_INIT;
    report(d, "due-inspection.csv", &out);
    CU_ASSERT_EQUAL(lines(strbuf_str(&out)) - 1, test_sql_int(d,
        "SELECT count(*) FROM item i JOIN category c ON c.id = i.category_id"
        " WHERE i.status <> 'retired' AND date(coalesce(i.last_inspection, i.acquired),"
        " '+' || c.inspection_interval || ' days') <= '2026-07-01'"));
    report(d, "end-of-life.csv", &out);
    CU_ASSERT_EQUAL(lines(strbuf_str(&out)) - 1, test_sql_int(d,
        "SELECT count(*) FROM item i JOIN category c ON c.id = i.category_id"
        " WHERE i.status <> 'retired'"
        " AND date(i.acquired, '+' || c.service_life || ' years') <= '2026-06-01'"));
    report(d, "low-stock.csv", &out);
    CU_ASSERT_EQUAL(lines(strbuf_str(&out)) - 1,
                    test_sql_int(d, "SELECT count(*) FROM reserve_line WHERE count < minimum"));
    report(d, "indicators.csv", &out);
    CU_ASSERT_EQUAL(lines(strbuf_str(&out)) - 1, test_sql_int(d, "SELECT count(*) FROM indicator"));
    /* The district's plan contradicts itself: 12 vehicles in the text, 13 in Annex 4. */
    report(d, "plan-execution", &out);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), "vehicles: stated 12 in the text, the yearly"
                                                    " plans add up to 13"));
    CU_ASSERT_PTR_NULL(strstr(strbuf_str(&out), "equipment: stated"));
    CU_ASSERT_PTR_NULL(strstr(strbuf_str(&out), "recruits: stated"));
    /* Every site's summary counts what SQL counts. */
    long long sites = test_sql_int(d, "SELECT max(id) FROM site");
    for (long long s = 1; s <= sites; s++) {
        char want[128], sql[256];
        strbuf_reset(&out);
        CU_ASSERT_EQUAL(depot_site_summary(d, s, &out), DEPOT_OK);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM item WHERE station_id = %lld"
                 " AND status <> 'retired'", s);
        snprintf(want, sizeof want, "\nequipment: %lld items (", test_sql_int(d, sql));
        CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), want));
        snprintf(sql, sizeof sql, "SELECT count(*) FROM vehicle WHERE station_id = %lld"
                 " AND status <> 'retired'", s);
        snprintf(want, sizeof want, "\nvehicles: %lld (", test_sql_int(d, sql));
        CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), want));
    }
    strbuf_release(&out);
    depot_close(d);
}

/* A site's shortfalls are counted per category against one threshold date
 * (schema 003's indexes); they must equal the per-item dates, 29 February
 * included: items are added whose life ends on either side of it. */
static void test_shortfall_thresholds(void)
{
    static const char *const days[] = { "2028-02-29", "2024-02-29", "2028-02-28", "2028-03-01",
                                        "2027-02-28", "2027-03-01", "2026-06-01" };
    depot *d = test_depot_seeded(3000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL_FATAL(sqlite3_exec(depot_db(d),
        "INSERT INTO item (tag, category_id, model, serial, station_id, status, acquired,"
        " created_ns) SELECT 'edge-' || c.id || '-' || y.y || '-' || k.k, c.id, 'm', 's',"
        " (SELECT min(id) FROM site), 'in-service',"
        " date((y.y - c.service_life) || '-02-28', k.k || ' days'), 1"
        " FROM category c, (SELECT 2024 AS y UNION SELECT 2027 UNION SELECT 2028) y,"
        " (SELECT -1 AS k UNION SELECT 0 UNION SELECT 1 UNION SELECT 2) k", NULL, NULL, NULL),
        SQLITE_OK);
    long long sites = test_sql_int(d, "SELECT max(id) FROM site");
    strbuf out = STRBUF_INIT;
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        CU_ASSERT_EQUAL_FATAL(depot_set_today(d, days[i]), DEPOT_OK);
        for (long long s = 1; s <= sites; s++) {
            char want[160], sql[512];
            strbuf_reset(&out);
            CU_ASSERT_EQUAL(depot_site_summary(d, s, &out), DEPOT_OK);
            snprintf(sql, sizeof sql, "SELECT count(*) FROM item i JOIN category c"
                     " ON c.id = i.category_id WHERE i.station_id = %lld AND i.status <> 'retired'"
                     " AND date(coalesce(i.last_inspection, i.acquired),"
                     " '+' || c.inspection_interval || ' days') < '%s'", s, days[i]);
            snprintf(want, sizeof want, "\n  inspection overdue: %lld\n", test_sql_int(d, sql));
            CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), want));
            snprintf(sql, sizeof sql, "SELECT count(*) FROM item i JOIN category c"
                     " ON c.id = i.category_id WHERE i.station_id = %lld AND i.status <> 'retired'"
                     " AND date(i.acquired, '+' || c.service_life || ' years') <= '%s'", s, days[i]);
            snprintf(want, sizeof want, "\n  past end of life, not retired: %lld\n",
                     test_sql_int(d, sql));
            if (!strstr(strbuf_str(&out), want))
                fprintf(stderr, "\n%s, site %lld: want '%s' in\n%s", days[i], s, want,
                        strbuf_str(&out));
            CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), want));
        }
    }
    /* ... each as a range count on its index, never a scan of the items. */
    sqlite3_stmt *st;
    strbuf plan = STRBUF_INIT, q = STRBUF_INIT;
    strbuf_addf(&q, "EXPLAIN QUERY PLAN %s", depot_site_shortfalls_sql);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(depot_db(d), strbuf_str(&q), -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        strbuf_addstr(&plan, (const char *)sqlite3_column_text(st, 3));
        strbuf_addch(&plan, '\n');
    }
    sqlite3_finalize(st);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&plan),
        "item_station_inspection (station_id=? AND category_id=? AND <expr><?)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&plan),
        "item_station_acquired (station_id=? AND category_id=? AND acquired<?)"));
    CU_ASSERT_PTR_NULL(strstr(strbuf_str(&plan), "SCAN i"));
    strbuf_release(&plan);
    strbuf_release(&q);
    strbuf_release(&out);
    depot_close(d);
}

/* Every statement the reports and summaries prepare (the depot keeps them
 * prepared) reads the items through an index, never all of them: the
 * planner, without statistics, would rather scan a partial index of every
 * item not retired than take a category's range. */
static void test_report_plans(void)
{
    depot *d = test_depot_seeded(300);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT, plan = STRBUF_INIT, q = STRBUF_INIT;
    for (const char *const *n = depot_report_names(); *n; n++)
        report(d, *n, &out);
    strbuf_reset(&out);
    CU_ASSERT_EQUAL(depot_site_summary(d, 1, &out), DEPOT_OK);
    int checked = 0;
    for (sqlite3_stmt *p = sqlite3_next_stmt(depot_db(d), NULL); p;
         p = sqlite3_next_stmt(depot_db(d), p)) {
        const char *sql = sqlite3_sql(p);
        if (!sql || !strstr(sql, " item ") || !strncmp(sql, "EXPLAIN", 7))
            continue;
        sqlite3_stmt *st;
        strbuf_reset(&q);
        strbuf_addf(&q, "EXPLAIN QUERY PLAN %s", sql);
        strbuf_reset(&plan);
        CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(depot_db(d), strbuf_str(&q), -1, &st, NULL),
                              SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            strbuf_addstr(&plan, (const char *)sqlite3_column_text(st, 3));
            strbuf_addch(&plan, '\n');
        }
        sqlite3_finalize(st);
        checked++;
        if (strstr(strbuf_str(&plan), "SCAN i ") || strstr(strbuf_str(&plan), "SCAN i\n")
            || strstr(strbuf_str(&plan), "SCAN item")) {
            fprintf(stderr, "\nscans the items: %s\n%s", sql, strbuf_str(&plan));
            CU_FAIL("a report statement scans the items");
        }
    }
    CU_ASSERT(checked >= 4);
    strbuf_release(&out);
    strbuf_release(&plan);
    strbuf_release(&q);
    depot_close(d);
}

static CU_TestInfo tests[] = {
    { "report names, CSV headers, unknown names", test_names },
    { "reports of the fixture, exactly", test_exact },
    { "reports follow the data and today", test_reports_follow },
    { "due-inspection: oldest first, counts as SQL", test_due_order },
    { "plan-execution flags stated against yearly", test_plan_execution },
    { "site summary", test_site_summary },
    { "report statements read the items through indexes", test_report_plans },
    { "site shortfalls: per-category thresholds equal per-item dates", test_shortfall_thresholds },
    { "module summary", test_module_summary },
    { "refusals: printable, short, own transaction", test_refusal },
    { "log/changes and log/errors lines", test_logs },
    { "a log's map: its size and any part, as it grows", test_log_map },
    { "seeded district: reports agree with SQL", test_seeded },
    CU_TEST_INFO_NULL,
};

TEST_SUITE("report", NULL, NULL, tests);
