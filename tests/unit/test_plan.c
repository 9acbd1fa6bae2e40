/*
 * test_plan.c: plans/<year>.json and deliveries/<note>.json (core/plan.c).
 *
 * Fixtures are tests/data/fixture.sql on an empty depot.  The export is
 * pinned by golden documents (tests/data/plan-golden), the refusals by
 * data-driven folders of invalid documents and the words expected for each
 * (tests/data/plan-invalid, tests/data/delivery-invalid): adding a case is
 * adding two files.  Every refusal must leave the depot as it was, journal
 * included; a round trip (show, store the same text) must change nothing.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "testutil.h"

#define DATA "tests/data"

/* The whole of file path into out (binary safe); 0 on success. */
static int read_file(const char *path, strbuf *out)
{
    FILE *f = fopen(path, "rb");
    char buf[65536];
    size_t n;
    if (!f)
        return -1;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_add(out, buf, n);
    fclose(f);
    return 0;
}

/* Runs the SQL in file path on d; 0 on success. */
static int exec_file(depot *d, const char *path)
{
    strbuf sql = STRBUF_INIT;
    char *err = NULL;
    int rc = read_file(path, &sql);
    if (rc == 0 && sqlite3_exec(depot_db(d), strbuf_str(&sql), NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", path, err);
        rc = -1;
    }
    sqlite3_free(err);
    strbuf_release(&sql);
    return rc;
}

static void exec_sql_ok(depot *d, const char *sql)
{
    CU_ASSERT_EQUAL(sqlite3_exec(depot_db(d), sql, NULL, NULL, NULL), SQLITE_OK);
}

/* An empty depot with the fixture, today fixed at 2026-01-01. */
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

/* A fingerprint of everything a plan or delivery store may touch. */
static void snapshot(depot *d, strbuf *out)
{
    static const char *const sql[] = {
        "SELECT count(*) FROM journal",
        "SELECT count(*) FROM item",
        "SELECT count(*) FROM delivery",
        "SELECT count(*) FROM plan",
        "SELECT coalesce(sum(recruits * year), 0) FROM plan",
        "SELECT count(*) FROM plan_line",
        "SELECT coalesce(sum(planned * (year - 2000) * category_id), 0) FROM plan_line",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++)
        strbuf_addf(out, "%lld ", test_sql_int(d, sql[i]));
}

/* Every file of dir ending in ext, sorted, into names (count returned). */
static size_t list_cases(const char *dir, const char *ext, char names[][128], size_t max)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    size_t n = 0, el = strlen(ext);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dp);
    while ((e = readdir(dp)) && n < max) {
        size_t l = strlen(e->d_name);
        if (l > el && l - el < 128 && !strcmp(e->d_name + l - el, ext)) {
            memcpy(names[n], e->d_name, l - el);
            names[n][l - el] = '\0';
            n++;
        }
    }
    closedir(dp);
    qsort(names, n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    return n;
}

/* NAME.expect: its one line, without the newline. */
static void read_expect(const char *dir, const char *name, strbuf *out)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.expect", dir, name);
    CU_ASSERT_EQUAL_FATAL(read_file(path, out), 0);
    while (out->len && (out->buf[out->len - 1] == '\n' || out->buf[out->len - 1] == '\r'))
        out->buf[--out->len] = '\0';
    CU_ASSERT(out->len > 0);
}

static void test_show_golden(void)
{
    char names[64][128], path[512];
    size_t n = list_cases(DATA "/plan-golden", ".json", names, 64);
    CU_ASSERT(n >= 3);
    for (size_t i = 0; i < n; i++) {
        depot *d = fixture();
        CU_ASSERT_PTR_NOT_NULL_FATAL(d);
        snprintf(path, sizeof path, DATA "/plan-golden/%s.sql", names[i]);
        CU_ASSERT_EQUAL(exec_file(d, path), 0);
        snprintf(path, sizeof path, DATA "/plan-golden/%s.json", names[i]);
        json_error_t je;
        json_t *want = json_load_file(path, 0, &je);
        CU_ASSERT_PTR_NOT_NULL_FATAL(want);
        int year = (int)json_integer_value(json_object_get(want, "year"));
        strbuf out = STRBUF_INIT;
        CU_ASSERT_EQUAL(depot_plan_show(d, year, &out), DEPOT_OK);
        json_t *got = json_loads(strbuf_str(&out), 0, &je);
        CU_ASSERT_PTR_NOT_NULL(got);
        if (!json_equal(want, got)) {
            fprintf(stderr, "\nplan-golden/%s.json differs; got:\n%s", names[i], strbuf_str(&out));
            CU_FAIL("plan export differs from its golden document");
        }
        json_decref(want);
        json_decref(got);
        strbuf_release(&out);
        depot_close(d);
    }
}

/* The text itself: keys in the SPEC's order, two-space indent, one final newline. */
static void test_show_format(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL_FATAL(depot_plan_show(d, 2021, &out), DEPOT_OK);
    const char *s = strbuf_str(&out);
    const char *head = "{\n  \"year\": 2021,\n  \"vehicles\": [\n    {\n"
                       "      \"type\": \"water-tender\",\n      \"planned\": 1,\n"
                       "      \"delivered\": 1\n    },";
    CU_ASSERT_EQUAL(strncmp(s, head, strlen(head)), 0);
    const char *order[] = { "\"year\"", "\"vehicles\"", "\"equipment\"", "\"recruits\"",
                            "\"totals\"" };
    const char *prev = s;
    for (size_t i = 0; i < 5; i++) {
        const char *p = strstr(s, order[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        CU_ASSERT(p >= prev);
        prev = p;
    }
    CU_ASSERT(out.len > 2 && s[out.len - 1] == '\n' && s[out.len - 2] == '}');
    /* No plan for the year: ENOENT, and nothing appended. */
    strbuf_reset(&out);
    CU_ASSERT_EQUAL(depot_plan_show(d, 2022, &out), DEPOT_ENOENT);
    CU_ASSERT_EQUAL(out.len, 0);
    strbuf_release(&out);
    depot_close(d);
}

static void round_trip(depot *d, int year)
{
    strbuf a = STRBUF_INIT, b = STRBUF_INIT, s1 = STRBUF_INIT, s2 = STRBUF_INIT;
    CU_ASSERT_EQUAL_FATAL(depot_plan_show(d, year, &a), DEPOT_OK);
    snapshot(d, &s1);
    CU_ASSERT_EQUAL(depot_plan_store(d, year, a.buf, a.len, &test_actor), DEPOT_OK);
    snapshot(d, &s2);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&s1), strbuf_str(&s2));
    CU_ASSERT_EQUAL(depot_plan_show(d, year, &b), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&a), strbuf_str(&b));
    strbuf_release(&a);
    strbuf_release(&b);
    strbuf_release(&s1);
    strbuf_release(&s2);
}

static void test_round_trip(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    long long j0 = test_sql_int(d, "SELECT count(*) FROM journal");
    round_trip(d, 2021);
    /* 2023 shows scba with planned 0 (delivered without a line): storing
     * that back is still no change. */
    round_trip(d, 2023);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal"), j0);
    /* A document without delivered/totals, in another order, same figures. */
    const char *same =
        "{\"equipment\": [{\"planned\": 0, \"category\": \"drone\"}],"
        " \"recruits\": {\"planned\": 40}, \"year\": 2023,"
        " \"vehicles\": [{\"type\": \"forward-support\", \"planned\": 1},"
        "               {\"type\": \"foam-tender\", \"planned\": 1}]}";
    CU_ASSERT_EQUAL(depot_plan_store(d, 2023, same, strlen(same), &test_actor), DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal"), j0);
    /* The same after a byte-order mark (a Windows editor's): whole, and no change. */
    strbuf bom = STRBUF_INIT;
    strbuf_addstr(&bom, "\xef\xbb\xbf");
    strbuf_addstr(&bom, same);
    CU_ASSERT_EQUAL(depot_doc_complete(bom.buf, 1), 0);
    CU_ASSERT_EQUAL(depot_doc_complete(bom.buf, 3), 0);
    CU_ASSERT_EQUAL(depot_doc_complete(bom.buf, bom.len), 1);
    CU_ASSERT_EQUAL(depot_plan_store(d, 2023, bom.buf, bom.len, &test_actor), DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal"), j0);
    strbuf_release(&bom);
    depot_close(d);
}

static void test_store_changes(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const char *doc =
        "{\"year\": 2021,"
        " \"vehicles\": [{\"type\": \"water-tender\", \"planned\": 2, \"delivered\": 99}],"
        " \"equipment\": [{\"category\": \"scba\", \"planned\": 450}],"
        " \"recruits\": {\"planned\": 55}, \"totals\": {\"anything\": true}}";
    CU_ASSERT_EQUAL_FATAL(depot_plan_store(d, 2021, doc, strlen(doc), &test_actor), DEPOT_OK);
    /* The lines are replaced whole: forward-support and helmet are gone. */
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM plan_line WHERE year = 2021"), 2);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT planned FROM plan_line WHERE year = 2021"
                                    " AND category_id = 1"), 2);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT planned FROM plan_line WHERE year = 2021"
                                    " AND category_id = 10"), 450);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT recruits FROM plan WHERE year = 2021"), 55);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal"), 1);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal WHERE object_kind = 'plan'"
                                    " AND object_id = 2021 AND object = '2021'"
                                    " AND attribute = 'plan.json' AND user = 'tester'"
                                    " AND old IS NOT NULL AND new IS NOT NULL"), 1);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT instr(old, '\"forward-support\":2') > 0"
                                    " AND instr(new, '\"scba\":450') > 0"
                                    " AND instr(new, '\"recruits\":55') > 0 FROM journal"), 1);
    /* Delivered comes from the depot, not from the document. */
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL(depot_plan_show(d, 2021, &out), DEPOT_OK);
    json_t *got = json_loads(strbuf_str(&out), 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    json_t *v0 = json_array_get(json_object_get(got, "vehicles"), 0);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(v0, "delivered")), 1);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(v0, "planned")), 2);
    json_decref(got);

    /* A new year: created, journalled with no old value; absent lists mean none. */
    const char *fresh = "{\"year\": 2030}";
    CU_ASSERT_EQUAL(depot_plan_store(d, 2030, fresh, strlen(fresh), &test_actor), DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT recruits FROM plan WHERE year = 2030"), 0);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal WHERE object_id = 2030"
                                    " AND old IS NULL"), 1);
    strbuf_reset(&out);
    CU_ASSERT_EQUAL(depot_plan_show(d, 2030, &out), DEPOT_OK);
    got = json_loads(strbuf_str(&out), 0, NULL);
    json_t *want = json_pack("{s:i, s:[], s:[], s:{s:i}, s:{s:{s:i, s:i}, s:{s:i, s:i}}}",
                             "year", 2030, "vehicles", "equipment", "recruits", "planned", 0,
                             "totals", "vehicles", "planned", 0, "delivered", 0,
                             "equipment", "planned", 0, "delivered", 0);
    CU_ASSERT(json_equal(want, got));
    json_decref(want);
    json_decref(got);
    strbuf_release(&out);
    depot_close(d);
}

static void test_store_invalid(void)
{
    static char names[128][128];
    const char *dir = DATA "/plan-invalid";
    size_t n = list_cases(dir, ".json", names, 128);
    CU_ASSERT(n >= 20);
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf before = STRBUF_INIT, show0 = STRBUF_INIT;
    snapshot(d, &before);
    CU_ASSERT_EQUAL(depot_plan_show(d, 2023, &show0), DEPOT_OK);
    for (size_t i = 0; i < n; i++) {
        strbuf doc = STRBUF_INIT, expect = STRBUF_INIT, after = STRBUF_INIT, show = STRBUF_INIT;
        char path[512];
        snprintf(path, sizeof path, "%s/%s.json", dir, names[i]);
        CU_ASSERT_EQUAL_FATAL(read_file(path, &doc), 0);
        read_expect(dir, names[i], &expect);
        int rc = depot_plan_store(d, 2023, doc.buf ? doc.buf : "", doc.len, &test_actor);
        const char *msg = depot_errmsg(d);
        if (rc != DEPOT_EINVAL || !strstr(msg, strbuf_str(&expect))) {
            fprintf(stderr, "\nplan-invalid/%s: rc %d, message '%s', expected '%s'\n",
                    names[i], rc, msg, strbuf_str(&expect));
            CU_FAIL("an invalid plan was not refused as expected");
        }
        CU_ASSERT_PTR_NULL(strchr(msg, '\n'));
        snapshot(d, &after);
        CU_ASSERT_STRING_EQUAL(strbuf_str(&before), strbuf_str(&after));
        CU_ASSERT_EQUAL(depot_plan_show(d, 2023, &show), DEPOT_OK);
        CU_ASSERT_STRING_EQUAL(strbuf_str(&show0), strbuf_str(&show));
        strbuf_release(&doc);
        strbuf_release(&expect);
        strbuf_release(&after);
        strbuf_release(&show);
    }
    CU_ASSERT_EQUAL(sqlite3_get_autocommit(depot_db(d)), 1);
    strbuf_release(&before);
    strbuf_release(&show0);
    depot_close(d);
}

static void test_store_bad_year(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const char *doc = "{\"year\": 99999}";
    CU_ASSERT_NOT_EQUAL(depot_plan_store(d, 99999, doc, strlen(doc), &test_actor), DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM plan"), 2);
    depot_close(d);
}

/* ---- deliveries ---- */

static void test_delivery_store(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const char *doc =
        "[{\"category\": \"scba\", \"model\": \"RHZK6.8/30\", \"serial\": \"N1\","
        "  \"station\": \"jiaochangkou\", \"vehicle\": \"jck-water-tender-1\"},"
        " {\"category\": \"scba\", \"model\": \"RHZK6.8/30\", \"serial\": \"N2\","
        "  \"station\": \"logistics-base\", \"acquired\": \"2025-12-30\"},"
        " {\"category\": \"helmet\", \"model\": \"F2\", \"serial\": \"N3\","
        "  \"station\": \"laifushi\", \"tag\": \"helmet-000050\"},"
        " {\"category\": \"helmet\", \"model\": \"F2\", \"serial\": \"N4\","
        "  \"station\": \"laifushi\", \"vehicle\": null},"
        " {\"category\": \"drone\", \"model\": \"无人机 M30T\", \"serial\": \"N5\","
        "  \"station\": \"hualongqiao\"}]";
    long long items0 = test_sql_int(d, "SELECT count(*) FROM item");
    CU_ASSERT_EQUAL_FATAL(depot_delivery_store(d, "dn-2026-001", doc, strlen(doc), &test_actor),
                          DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item"), items0 + 5);
    long long did = test_sql_int(d, "SELECT id FROM delivery WHERE note = 'dn-2026-001'");
    CU_ASSERT(did > 0);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM delivery WHERE note = 'dn-2026-001'"
                                    " AND uid = 1000 AND user = 'tester'"), 1);
    /* Tags continue from each category's highest number (and the note's own). */
    static const struct { const char *tag, *where; } want[] = {
        { "scba-000006",   "station_id = 1 AND vehicle_id = 1 AND status = 'in-service'"
                           " AND acquired = '2026-01-01' AND model = 'RHZK6.8/30'" },
        { "scba-000007",   "station_id = 4 AND vehicle_id IS NULL AND status = 'reserve'"
                           " AND acquired = '2025-12-30'" },
        { "helmet-000050", "station_id = 2 AND status = 'in-service'" },
        { "helmet-000051", "station_id = 2 AND vehicle_id IS NULL" },
        { "drone-000003",  "station_id = 3 AND model = '无人机 M30T'" },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char sql[512];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM item WHERE tag = '%s' AND %s"
                 " AND delivery_id = %lld AND last_inspection IS NULL AND created_ns > 1000",
                 want[i].tag, want[i].where, did);
        if (test_sql_int(d, sql) != 1) {
            fprintf(stderr, "\nnot found: %s\n", sql);
            CU_FAIL("a delivered item is not as expected");
        }
    }
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal WHERE object_kind = 'item'"
                                    " AND attribute = 'delivered' AND old IS NULL"
                                    " AND new = object AND reason = 'delivery dn-2026-001'"), 5);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal"), 5);

    /* The note reads back as the same items, with tags and dates filled in. */
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL(depot_delivery_show(d, did, &out), DEPOT_OK);
    CU_ASSERT(out.len > 2 && out.buf[out.len - 1] == '\n');
    json_t *got = json_loads(strbuf_str(&out), 0, NULL);
    json_t *exp = json_pack(
        "[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s, s:s},"
        " {s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s, s:s},"
        " {s:s, s:s, s:s, s:s, s:s, s:s}]",
        "tag", "scba-000006", "category", "scba", "model", "RHZK6.8/30", "serial", "N1",
        "station", "jiaochangkou", "vehicle", "jck-water-tender-1", "acquired", "2026-01-01",
        "tag", "scba-000007", "category", "scba", "model", "RHZK6.8/30", "serial", "N2",
        "station", "logistics-base", "acquired", "2025-12-30",
        "tag", "helmet-000050", "category", "helmet", "model", "F2", "serial", "N3",
        "station", "laifushi", "acquired", "2026-01-01",
        "tag", "helmet-000051", "category", "helmet", "model", "F2", "serial", "N4",
        "station", "laifushi", "acquired", "2026-01-01",
        "tag", "drone-000003", "category", "drone", "model", "无人机 M30T", "serial", "N5",
        "station", "hualongqiao", "acquired", "2026-01-01");
    CU_ASSERT_PTR_NOT_NULL(exp);
    if (!json_equal(exp, got)) {
        fprintf(stderr, "\ndelivery shows:\n%s", strbuf_str(&out));
        CU_FAIL("delivery note does not read back");
    }
    json_decref(exp);

    /* The same note again: EEXIST, nothing created. */
    CU_ASSERT_EQUAL(depot_delivery_store(d, "dn-2026-001", doc, strlen(doc), &test_actor),
                    DEPOT_EEXIST);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item"), items0 + 5);
    /* What show printed, stored under a new note: its tags are taken now. */
    CU_ASSERT_EQUAL(depot_delivery_store(d, "dn-2026-002", out.buf, out.len, &test_actor),
                    DEPOT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(depot_errmsg(d), "items[0].tag: tag 'scba-000006' is already"));
    /* The {"items": [...]} form is accepted too. */
    const char *wrapped = "{\"items\": [{\"category\": \"scba\", \"model\": \"m\","
                          " \"serial\": \"s\", \"station\": \"laifushi\"}]}";
    CU_ASSERT_EQUAL(depot_delivery_store(d, "dn-2026-003", wrapped, strlen(wrapped),
                                         &test_actor), DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item WHERE tag = 'scba-000008'"
                                    " AND station_id = 2"), 1);
    /* Tags of a category's pattern held elsewhere are never generated again:
     * one named in the note on another category's item, one in the depot. */
    exec_sql_ok(d, "INSERT INTO item (tag, category_id, model, serial, station_id, status,"
                   " acquired, created_ns) VALUES"
                   " ('helmet-000052', 12, 'm', 's', 1, 'in-service', '2025-01-01', 1)");
    const char *mixed =
        "[{\"category\": \"helmet\", \"model\": \"m\", \"serial\": \"a\","
        "  \"station\": \"laifushi\", \"tag\": \"scba-000020\"},"
        " {\"category\": \"scba\", \"model\": \"m\", \"serial\": \"b\", \"station\": \"laifushi\"},"
        " {\"category\": \"helmet\", \"model\": \"m\", \"serial\": \"c\", \"station\": \"laifushi\"}]";
    CU_ASSERT_EQUAL(depot_delivery_store(d, "dn-2026-004", mixed, strlen(mixed), &test_actor),
                    DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item WHERE delivery_id ="
                                    " (SELECT id FROM delivery WHERE note = 'dn-2026-004') AND"
                                    " ((tag = 'scba-000020' AND category_id = 11 AND serial = 'a')"
                                    " OR (tag = 'scba-000021' AND serial = 'b')"
                                    " OR (tag = 'helmet-000053' AND serial = 'c'))"), 3);
    /* No such note; a note name that is not a slug. */
    strbuf_reset(&out);
    CU_ASSERT_EQUAL(depot_delivery_show(d, 9999, &out), DEPOT_ENOENT);
    CU_ASSERT_EQUAL(depot_delivery_store(d, "Bad Note", wrapped, strlen(wrapped), &test_actor),
                    DEPOT_EINVAL);
    json_decref(got);
    strbuf_release(&out);
    depot_close(d);
}

static void test_delivery_invalid(void)
{
    static char names[128][128];
    const char *dir = DATA "/delivery-invalid";
    size_t n = list_cases(dir, ".json", names, 128);
    CU_ASSERT(n >= 20);
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf before = STRBUF_INIT;
    snapshot(d, &before);
    for (size_t i = 0; i < n; i++) {
        strbuf doc = STRBUF_INIT, expect = STRBUF_INIT, after = STRBUF_INIT;
        char path[512];
        snprintf(path, sizeof path, "%s/%s.json", dir, names[i]);
        CU_ASSERT_EQUAL_FATAL(read_file(path, &doc), 0);
        read_expect(dir, names[i], &expect);
        int rc = depot_delivery_store(d, names[i], doc.buf ? doc.buf : "", doc.len, &test_actor);
        const char *msg = depot_errmsg(d);
        if (rc != DEPOT_EINVAL || !strstr(msg, strbuf_str(&expect))) {
            fprintf(stderr, "\ndelivery-invalid/%s: rc %d, message '%s', expected '%s'\n",
                    names[i], rc, msg, strbuf_str(&expect));
            CU_FAIL("an invalid delivery note was not refused as expected");
        }
        snapshot(d, &after);
        CU_ASSERT_STRING_EQUAL(strbuf_str(&before), strbuf_str(&after));
        strbuf_release(&doc);
        strbuf_release(&expect);
        strbuf_release(&after);
    }
    CU_ASSERT_EQUAL(sqlite3_get_autocommit(depot_db(d)), 1);
    strbuf_release(&before);
    depot_close(d);
}

/* A note may name many categories, each more than once: every untagged
 * item still gets its own next number (no tag generated twice). */
static void test_delivery_many_categories(void)
{
    depot *d = fixture();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    enum { NCAT = 80 };
    strbuf doc = STRBUF_INIT;
    for (int i = 0; i < NCAT; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "INSERT INTO category (slug, name, kind, class, service_life,"
                 " inspection_interval, created_ns) VALUES ('kit-%d', 'kit', 'equipment',"
                 " 'other', 5, 365, 1)", i);
        exec_sql_ok(d, sql);
    }
    strbuf_addch(&doc, '[');
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < NCAT; i++)
            strbuf_addf(&doc, "%s{\"category\": \"kit-%d\", \"model\": \"m\", \"serial\": \"s%d\","
                        " \"station\": \"laifushi\"}", round || i ? ", " : "", i, round);
    strbuf_addch(&doc, ']');
    long long items0 = test_sql_int(d, "SELECT count(*) FROM item");
    int rc = depot_delivery_store(d, "many", doc.buf, doc.len, &test_actor);
    if (rc != DEPOT_OK)
        fprintf(stderr, "\nmany categories: %s\n", depot_errmsg(d));
    CU_ASSERT_EQUAL(rc, DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item"), items0 + 2 * NCAT);
    /* kit-N-000001 for the first round, kit-N-000002 for the second. */
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item i JOIN category c"
                                    " ON c.id = i.category_id WHERE c.slug LIKE 'kit-%'"
                                    " AND i.tag = c.slug || '-00000' || (substr(i.serial, 2) + 1)"),
                    2 * NCAT);
    strbuf_release(&doc);
    depot_close(d);
}

/* The seeded district: every plan round-trips, and the export's figures
 * are those of direct SQL. */
static void test_seeded_plans(void)
{
    depot *d = test_depot_seeded(3000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    long long j0 = test_sql_int(d, "SELECT count(*) FROM journal");
    CU_ASSERT(test_sql_int(d, "SELECT count(*) FROM plan") >= 5);
    for (int year = 2021; year <= 2025; year++) {
        strbuf out = STRBUF_INIT;
        char sql[512];
        CU_ASSERT_EQUAL_FATAL(depot_plan_show(d, year, &out), DEPOT_OK);
        json_t *got = json_loads(strbuf_str(&out), 0, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(got);
        json_t *tot = json_object_get(got, "totals");
        snprintf(sql, sizeof sql, "SELECT coalesce(sum(planned), 0) FROM plan_line pl JOIN category c"
                 " ON c.id = pl.category_id WHERE c.kind = 'vehicle' AND year = %d", year);
        CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(tot, "vehicles"),
                                                           "planned")), test_sql_int(d, sql));
        snprintf(sql, sizeof sql, "SELECT count(*) FROM vehicle WHERE year = %d", year);
        CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(tot, "vehicles"),
                                                           "delivered")), test_sql_int(d, sql));
        snprintf(sql, sizeof sql, "SELECT count(*) FROM item WHERE acquired LIKE '%d-%%'", year);
        CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(tot, "equipment"),
                                                           "delivered")), test_sql_int(d, sql));
        snprintf(sql, sizeof sql, "SELECT recruits FROM plan WHERE year = %d", year);
        CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(got, "recruits"),
                                                           "planned")), test_sql_int(d, sql));
        json_decref(got);
        round_trip(d, year);
        strbuf_release(&out);
    }
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal"), j0);
    depot_close(d);
}

/* Statements of d still on a row (they hold the connection's read snapshot). */
static int busy_statements(depot *d)
{
    int n = 0;
    for (sqlite3_stmt *st = sqlite3_next_stmt(depot_db(d), NULL); st;
         st = sqlite3_next_stmt(depot_db(d), st))
        if (sqlite3_stmt_busy(st)) {
            fprintf(stderr, "\nstatement left on a row: %s\n", sqlite3_sql(st));
            n++;
        }
    return n;
}

/* The daemon keeps one connection per thread on one file: a connection that
 * has read a plan (or stored one) must see what another commits next, and
 * must be able to write after it.  A statement left on its row would pin
 * the old snapshot (stale reads, then SQLITE_BUSY_SNAPSHOT on BEGIN). */
static void test_no_snapshot_held(void)
{
    char path[] = "/tmp/depot-test-plan-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    depot *a = NULL, *b = NULL;
    CU_ASSERT_EQUAL_FATAL(depot_open(path, DEPOT_OPEN_CREATE, &a, NULL), DEPOT_OK);
    CU_ASSERT_EQUAL(exec_file(a, DATA "/fixture.sql"), 0);
    CU_ASSERT_EQUAL_FATAL(depot_open(path, 0, &b, NULL), DEPOT_OK);
    depot_set_today(a, "2026-01-01");
    depot_set_today(b, "2026-01-01");
    static const struct { const char *doc; long long scba; } steps[] = {
        { "{\"year\": 2021, \"equipment\": [{\"category\": \"scba\", \"planned\": 401}]}", 401 },
        { "{\"year\": 2021, \"equipment\": [{\"category\": \"scba\", \"planned\": 402}]}", 402 },
        { "{\"year\": 2021, \"equipment\": [{\"category\": \"scba\", \"planned\": 402}]}", 402 },
        { "{\"year\": 2021, \"equipment\": [{\"category\": \"scba\", \"planned\": -1}]}", 402 },
        { "{\"year\": 2021, \"vehicles\": [{\"type\": \"scba\", \"planned\": 1}]}", 402 },
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        /* Each step writes through one connection, then reads through both. */
        depot *w = i % 2 ? b : a;
        depot_plan_store(w, 2021, steps[i].doc, strlen(steps[i].doc), &test_actor);
        CU_ASSERT_EQUAL(busy_statements(w), 0);
        for (int k = 0; k < 2; k++) {
            depot *r = k ? b : a;
            strbuf out = STRBUF_INIT;
            CU_ASSERT_EQUAL(depot_plan_show(r, 2021, &out), DEPOT_OK);
            CU_ASSERT_EQUAL(busy_statements(r), 0);
            json_t *got = json_loads(strbuf_str(&out), 0, NULL);
            json_t *e0 = json_array_get(json_object_get(got, "equipment"), 0);
            CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(e0, "category")), "scba");
            CU_ASSERT_EQUAL(json_integer_value(json_object_get(e0, "planned")), steps[i].scba);
            json_decref(got);
            strbuf_release(&out);
        }
    }
    /* Deliveries: a valid note and one refused, each through one side. */
    const char *ok = "[{\"category\": \"scba\", \"model\": \"m\", \"serial\": \"s\","
                     " \"station\": \"laifushi\"}]";
    const char *bad = "[{\"category\": \"scba\", \"model\": \"m\", \"serial\": \"s\","
                      " \"station\": \"laifushi\", \"tag\": \"scba-000001\"}]";
    CU_ASSERT_EQUAL(depot_delivery_store(a, "n1", ok, strlen(ok), &test_actor), DEPOT_OK);
    CU_ASSERT_EQUAL(busy_statements(a), 0);
    CU_ASSERT_EQUAL(depot_delivery_store(b, "n2", bad, strlen(bad), &test_actor), DEPOT_EINVAL);
    CU_ASSERT_EQUAL(busy_statements(b), 0);
    CU_ASSERT_EQUAL(depot_delivery_store(b, "n3", ok, strlen(ok), &test_actor), DEPOT_OK);
    CU_ASSERT_EQUAL(busy_statements(b), 0);
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL(depot_delivery_show(a, test_sql_int(b, "SELECT id FROM delivery WHERE note = 'n3'"),
                                        &out), DEPOT_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&out), "scba-000007"));
    CU_ASSERT_EQUAL(busy_statements(a), 0);
    strbuf_release(&out);
    depot_close(a);
    depot_close(b);
    char side[64];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static CU_TestInfo tests[] = {
    { "plan export matches the golden documents", test_show_golden },
    { "plan export: key order, indent, ENOENT", test_show_format },
    { "plan round trip changes and journals nothing", test_round_trip },
    { "plan store replaces the figures, journalled", test_store_changes },
    { "plan store refuses every invalid document", test_store_invalid },
    { "plan store refuses a year out of range", test_store_bad_year },
    { "delivery creates its items with tags", test_delivery_store },
    { "delivery refuses every invalid note whole", test_delivery_invalid },
    { "delivery numbers many categories", test_delivery_many_categories },
    { "seeded plans: figures and round trips", test_seeded_plans },
    { "a connection never keeps an old snapshot", test_no_snapshot_held },
    CU_TEST_INFO_NULL,
};

TEST_SUITE("plan", NULL, NULL, tests);
