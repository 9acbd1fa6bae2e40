/*
 * test_io.c: import, export and backup (core/io.c) on in-memory depots.
 *
 * Imports are fed from memory (fmemopen).  Refusals are tables of CSV
 * records with the "FILE:LINE: column 'x': ..." line each must produce;
 * after any refusal the depot must be exactly as before (same counts, same
 * journal).  Round trips export from a seeded depot, import into one with
 * the same sites and categories but none of the exported objects, and
 * compare the bytes of the two exports.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "io.h"
#include "testutil.h"

/* Imports text (kind k) from a file called "in.csv"; report gets the faults. */
static int import_text(depot *d, const char *text, enum io_kind k, strbuf *report,
                       io_import_result *res)
{
    io_import_result dummy;
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    if (!f)
        return -1;
    io_import_opts o = { .kind = k, .name = "in.csv", .who = &test_actor };
    int rc = io_import(d, f, &o, res ? res : &dummy, report);
    fclose(f);
    return rc;
}

/* Exports kind k (or JSON for IO_AUTO) into out. */
static int export_text(depot *d, enum io_kind k, strbuf *out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return -1;
    int rc = k == IO_AUTO ? io_export_json(d, f) : io_export_csv(d, k, f);
    fclose(f);
    strbuf_add(out, buf, len);
    free(buf);
    return rc;
}

static void exec_sql(depot *d, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(depot_db(d), sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "\n%s: %s\n", sql, err);
        CU_FAIL("SQL failed");
    }
    sqlite3_free(err);
}

/* The text of the first column of the first row of sql, into out. */
static void sql_text(depot *d, const char *sql, strbuf *out)
{
    sqlite3_stmt *st;
    strbuf_reset(out);
    if (sqlite3_prepare_v2(depot_db(d), sql, -1, &st, NULL) != SQLITE_OK)
        return;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        strbuf_addstr(out, (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

/* ---- accepted imports ---- */

/* A spreadsheet's file: BOM, CRLF, header in its own case and order,
 * optional columns left out, quoted fields with commas and quotes. */
static void test_import_items(void)
{
    depot *d = test_depot_seeded(300);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    long long before = test_sql_int(d, "SELECT count(*) FROM item");
    long long high = test_sql_int(d, "SELECT max(CAST(substr(tag, 6) AS INTEGER)) FROM item"
                                     " WHERE tag GLOB 'scba-[0-9]*'");
    long long journal = test_sql_int(d, "SELECT count(*) FROM journal");
    const char *csv =
        "\xEF\xBB\xBF" "Station,CATEGORY,Model,Serial,Acquired,Tag,Last_Inspection,notes,Status\r\n"
        "jiaochangkou,scba,\"Dräger PSS 7000, 6.8 l\",S-1,2024-03-01,scba-900001,2025-01-02,"
        "\"said \"\"new\"\"\",\r\n"
        "jiefangbei,scba,MSA G1,S-2,2024-03-02,,,,maintenance\r\n"
        " logistics-base , drone , DJI M30T , D-1 , 2025-06-30 ,,none,,\r\n";
    strbuf report = STRBUF_INIT, s = STRBUF_INIT;
    io_import_result res;
    int rc = import_text(d, csv, IO_AUTO, &report, &res);
    if (rc)
        fprintf(stderr, "\n%s%s\n", strbuf_str(&report), depot_errmsg(d));
    CU_ASSERT_EQUAL_FATAL(rc, DEPOT_OK);
    CU_ASSERT_EQUAL(res.kind, IO_ITEMS);
    CU_ASSERT_EQUAL(res.rows, 3);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&report), "");
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item"), before + 3);

    sql_text(d, "SELECT model || '|' || notes || '|' || status || '|' || last_inspection"
                " FROM item WHERE tag = 'scba-900001'", &s);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&s), "Dräger PSS 7000, 6.8 l|said \"new\"|in-service|2025-01-02");
    /* no tag: the category's next number after the highest (which is now 900001) */
    (void)high;
    sql_text(d, "SELECT tag || '|' || status || '|' || (last_inspection IS NULL)"
                " FROM item WHERE serial = 'S-2'", &s);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&s), "scba-900002|maintenance|1");
    /* no status: reserve at the logistics base; blanks trimmed */
    sql_text(d, "SELECT model || '|' || status FROM item WHERE serial = 'D-1'", &s);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&s), "DJI M30T|reserve");
    /* each journalled as imported */
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal"), journal + 3);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal WHERE attribute = 'imported'"
                                    " AND object_kind = 'item' AND reason = 'import in.csv'"
                                    " AND user = 'tester' AND object = new"), 3);
    strbuf_release(&report);
    strbuf_release(&s);
    depot_close(d);
}

/* Without explicit tags, numbers continue after the category's highest. */
static void test_import_generated_tags(void)
{
    depot *d = test_depot_seeded(300);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    long long high = test_sql_int(d, "SELECT max(CAST(substr(tag, 7) AS INTEGER)) FROM item"
                                     " WHERE tag GLOB 'radio-[0-9]*'");
    CU_ASSERT_FATAL(high >= 0);
    strbuf report = STRBUF_INIT, s = STRBUF_INIT, want = STRBUF_INIT;
    CU_ASSERT_EQUAL(import_text(d, "category,model,serial,station,acquired\n"
                                   "radio,Hytera,R1,jiaochangkou,2020-01-01\n"
                                   "radio,Hytera,R2,jiaochangkou,2020-01-01\n",
                                IO_ITEMS, &report, NULL), DEPOT_OK);
    sql_text(d, "SELECT group_concat(tag, ' ') FROM (SELECT tag FROM item WHERE serial IN"
                " ('R1', 'R2') ORDER BY id)", &s);
    strbuf_addf(&want, "radio-%06lld radio-%06lld", high + 1, high + 2);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&s), strbuf_str(&want));
    strbuf_release(&report);
    strbuf_release(&s);
    strbuf_release(&want);
    depot_close(d);
}

static void test_import_vehicles_and_lines(void)
{
    depot *d = test_depot_seeded(100);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    long long vehicles = test_sql_int(d, "SELECT count(*) FROM vehicle");
    long long lines = test_sql_int(d, "SELECT count(*) FROM reserve_line");
    strbuf report = STRBUF_INIT, s = STRBUF_INIT;
    io_import_result res;
    CU_ASSERT_EQUAL(import_text(d, "callsign,type,station,plate,year,next-service\n"
                                   "jfb-rescue-9,rescue,jiefangbei,渝A0001应急,2024,2027-01-31\n",
                                IO_AUTO, &report, &res), DEPOT_OK);
    CU_ASSERT_EQUAL(res.kind, IO_VEHICLES);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM vehicle"), vehicles + 1);
    sql_text(d, "SELECT status || '|' || mileage || '|' || next_service FROM vehicle"
                " WHERE callsign = 'jfb-rescue-9'", &s);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&s), "in-service|0|2027-01-31");

    CU_ASSERT_EQUAL(import_text(d, "module,line,name,unit,count,target,minimum\n"
                                   "earthquake,tents,帐篷,tents,40,60,20\n",
                                IO_AUTO, &report, &res), DEPOT_OK);
    CU_ASSERT_EQUAL(res.kind, IO_LINES);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM reserve_line"), lines + 1);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal WHERE attribute = 'imported'"
                                    " AND object = 'earthquake/tents' AND object_kind = 'line'"),
                    1);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&report), "");
    strbuf_release(&report);
    strbuf_release(&s);
    depot_close(d);
}

/* ---- refusals: every fault reported, nothing changed ---- */

struct refusal {
    const char *record;     /* one CSV record after the header */
    const char *fault;      /* the report line it must produce (LINE added) */
};

#define ITEM_HEADER "tag,category,model,serial,station,vehicle,status,acquired,last-inspection,notes\n"

static const struct refusal item_refusals[] = {
    { "x-1,scba,M,S,atlantis,,,2020-01-01,,", "column 'station': no such site 'atlantis'" },
    { "x-2,widget,M,S,jiaochangkou,,,2020-01-01,,",
      "column 'category': no such equipment category 'widget'" },
    { "x-3,water-tender,M,S,jiaochangkou,,,2020-01-01,,",
      "column 'category': 'water-tender' is a vehicle type, not an equipment category" },
    { "x-4,scba,,S,jiaochangkou,,,2020-01-01,,", "column 'model': empty" },
    { "x-5,scba,M,S,jiaochangkou,,,2020-02-30,,",
      "column 'acquired': '2020-02-30' is not a date (YYYY-MM-DD)" },
    { "x-6,scba,M,S,jiaochangkou,,,2099-01-01,,", "column 'acquired': '2099-01-01' is in the future" },
    { "x-7,scba,M,S,jiaochangkou,,broken,2020-01-01,,",
      "column 'status': 'broken' is not one of in-service" },
    { "x-8,scba,M,S,jiaochangkou,no-such-truck,,2020-01-01,,",
      "column 'vehicle': no such vehicle 'no-such-truck'" },
    { "x-9,scba,M,S,jiaochangkou,,,2020-01-01,2019-12-31,",
      "column 'last-inspection': '2019-12-31' is before the item was acquired" },
    { "Bad Tag,scba,M,S,jiaochangkou,,,2020-01-01,,", "column 'tag': 'Bad Tag' is not a tag" },
    { "x-10,scba,M,S,jiaochangkou,,,2020-01-01", "8 fields where the header has 10" },
    { "good-1,scba,M,S,jiaochangkou,,,2020-01-01,,", NULL },
    { "good-1,scba,M,S2,jiaochangkou,,,2020-01-01,,", "column 'tag': 'good-1' is already on line " },
    { "x-11,scba,M,\"two\nlines\",jiaochangkou,,,2020-01-01,,",
      "column 'serial': 'two?lines' holds a line break" },
    { "x-12,scba,M,S,jiaochangkou,,,2020-01-01,,\xff\xfe",
      "column 'notes': is not UTF-8 text" },
};

/* The tag of an existing item, and a vehicle at another station than
 * jiaochangkou, make two more refusals from the seeded data. */
static void test_import_refusals(void)
{
    depot *d = test_depot_seeded(300);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf existing = STRBUF_INIT, vehicle = STRBUF_INIT, csv = STRBUF_INIT,
           want = STRBUF_INIT, report = STRBUF_INIT;
    sql_text(d, "SELECT tag FROM item ORDER BY id LIMIT 1", &existing);
    sql_text(d, "SELECT callsign FROM vehicle v JOIN site s ON s.id = v.station_id"
                " WHERE s.slug <> 'jiaochangkou' AND v.status <> 'retired' LIMIT 1", &vehicle);
    long long items = test_sql_int(d, "SELECT count(*) FROM item");
    long long journal = test_sql_int(d, "SELECT count(*) FROM journal");

    strbuf_addstr(&csv, ITEM_HEADER);
    size_t n = sizeof item_refusals / sizeof item_refusals[0];
    long line = 2;
    for (size_t i = 0; i < n; i++) {
        strbuf_addf(&csv, "%s\n", item_refusals[i].record);
        if (item_refusals[i].fault) {
            strbuf_reset(&want);
            strbuf_addf(&want, "in.csv:%ld: %s", line, item_refusals[i].fault);
        }
        line += 1 + (strstr(item_refusals[i].record, "\n") != NULL);
    }
    strbuf_addf(&csv, "%s,scba,M,S,jiaochangkou,,,2020-01-01,,\n", strbuf_str(&existing));
    strbuf_addf(&csv, "x-13,scba,M,S,jiaochangkou,%s,,2020-01-01,,\n", strbuf_str(&vehicle));
    long last = line + 1;

    CU_ASSERT_EQUAL(import_text(d, csv.buf, IO_AUTO, &report, NULL), DEPOT_EINVAL);
    const char *r = strbuf_str(&report);
    line = 2;
    for (size_t i = 0; i < n; i++) {
        if (item_refusals[i].fault) {
            strbuf_reset(&want);
            strbuf_addf(&want, "in.csv:%ld: %s", line, item_refusals[i].fault);
            if (!strstr(r, want.buf))
                fprintf(stderr, "\nmissing '%s' in:\n%s", want.buf, r);
            CU_ASSERT_PTR_NOT_NULL(strstr(r, want.buf));
        }
        line += 1 + (strstr(item_refusals[i].record, "\n") != NULL);
    }
    strbuf_reset(&want);
    strbuf_addf(&want, "in.csv:%ld: column 'tag': '%s' already exists in the depot", last - 1,
                strbuf_str(&existing));
    CU_ASSERT_PTR_NOT_NULL(strstr(r, want.buf));
    strbuf_reset(&want);
    strbuf_addf(&want, "in.csv:%ld: column 'vehicle': vehicle '%s' is at '", last,
                strbuf_str(&vehicle));
    CU_ASSERT_PTR_NOT_NULL(strstr(r, want.buf));
    /* the duplicate names the line of the first: good-1 is record 12, line 13 */
    CU_ASSERT_PTR_NOT_NULL(strstr(r, "'good-1' is already on line 13\n"));
    /* one line per fault, and nothing else */
    size_t lines = 0;
    for (const char *p = r; *p; p++)
        lines += *p == '\n';
    CU_ASSERT_EQUAL(lines, n - 1 + 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(depot_errmsg(d), "nothing was imported"));
    /* all or nothing: good-1 was not kept */
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item"), items);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM item WHERE tag = 'good-1'"), 0);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal"), journal);
    strbuf_release(&existing);
    strbuf_release(&vehicle);
    strbuf_release(&csv);
    strbuf_release(&want);
    strbuf_release(&report);
    depot_close(d);
}

struct header_case {
    const char *csv;
    enum io_kind kind;
    const char *fault;
};

static const struct header_case header_cases[] = {
    { "category,model,serial,station,acquired,colour\nscba,M,S,jiaochangkou,2020-01-01,red\n",
      IO_AUTO, "in.csv:1: unknown column 'colour' (items have: tag, category," },
    { "category,model,serial,acquired\n", IO_AUTO, "in.csv:1: missing column 'station'" },
    { "tag,Tag,category,model,serial,station,acquired\n", IO_AUTO,
      "in.csv:1: column 'tag' appears twice" },
    { "a,b,c\n1,2,3\n", IO_AUTO, "in.csv:1: cannot tell what the file holds" },
    { "category,model,serial,station,acquired\n", IO_VEHICLES,
      "in.csv:1: unknown column 'category' (vehicles have: callsign," },
    { "", IO_AUTO, "in.csv:1: the file is empty" },
    { "category,model,serial,station,acquired\nscba,\"M,S,jiaochangkou,2020-01-01\n",
      IO_AUTO, "in.csv:2: quoted field is never closed" },
    { "module,line,name,unit,count\nwater-rescue,name,N,u,1\natlantis,boats,B,u,-1\n", IO_AUTO,
      "in.csv:2: column 'line': 'name' is the name of a module's file" },
    { "module,line,name,unit,count\natlantis,boats,B,u,-1\n", IO_AUTO,
      "in.csv:2: column 'count': '-1' is not a whole number" },
    { "module,line,name,unit,count\natlantis,boats,B,u,1\n", IO_AUTO,
      "in.csv:2: column 'module': no such reserve module 'atlantis'" },
    { "callsign,type,station,plate,year\nx-1,scba,jiaochangkou,P,2020\n", IO_AUTO,
      "in.csv:2: column 'type': 'scba' is an equipment category, not a vehicle type" },
    { "callsign,type,station,plate,year,status\nx-1,rescue,jiaochangkou,P,20x0,parked\n",
      IO_AUTO, "in.csv:2: column 'year': '20x0' is not a year" },
    { "callsign,type,station,plate,year,status\nx-1,rescue,jiaochangkou,P,2020,parked\n",
      IO_AUTO, "in.csv:2: column 'status': 'parked' is not one of in-service, standby" },
};

static void test_import_header_and_kinds(void)
{
    depot *d = test_depot_seeded(100);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    long long journal = test_sql_int(d, "SELECT count(*) FROM journal");
    for (size_t i = 0; i < sizeof header_cases / sizeof header_cases[0]; i++) {
        strbuf report = STRBUF_INIT;
        int rc = import_text(d, header_cases[i].csv, header_cases[i].kind, &report, NULL);
        if (rc != DEPOT_EINVAL || !strstr(strbuf_str(&report), header_cases[i].fault))
            fprintf(stderr, "\nheader case %zu: rc %d, report:\n%s", i, rc, strbuf_str(&report));
        CU_ASSERT_EQUAL(rc, DEPOT_EINVAL);
        CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&report), header_cases[i].fault));
        strbuf_release(&report);
    }
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal"), journal);
    depot_close(d);
}

/* 150 bad rows: 100 reported, then the count of the rest. */
static void test_import_many_faults(void)
{
    depot *d = test_depot_seeded(100);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf csv = STRBUF_INIT, report = STRBUF_INIT;
    strbuf_addstr(&csv, "category,model,serial,station,acquired\n");
    for (int i = 0; i < 150; i++)
        strbuf_addf(&csv, "scba,M,S%d,atlantis,2020-01-01\n", i);
    io_import_result res;
    CU_ASSERT_EQUAL(import_text(d, csv.buf, IO_AUTO, &report, &res), DEPOT_EINVAL);
    CU_ASSERT_EQUAL(res.errors, 150);
    CU_ASSERT_EQUAL(res.rows, 150);
    const char *r = strbuf_str(&report);
    CU_ASSERT_PTR_NOT_NULL(strstr(r, "in.csv:101: column 'station': no such site 'atlantis'\n"));
    CU_ASSERT_PTR_NULL(strstr(r, "in.csv:102:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r, "in.csv: 50 more faults not shown\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(depot_errmsg(d), "150 faults"));
    strbuf_release(&csv);
    strbuf_release(&report);
    depot_close(d);
}

/* ---- round trips ---- */

static void test_round_trip(void)
{
    depot *a = test_depot_seeded(500);
    depot *b = test_depot_seeded(1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    /* b: the same sites, categories and modules, none of the objects */
    exec_sql(b, "DELETE FROM item; DELETE FROM vehicle; DELETE FROM reserve_line");
    /* a: notes with commas, quotes and non-ASCII, to travel too */
    exec_sql(a, "UPDATE item SET notes = 'pump seal, \"leaking\" 渗漏' WHERE id % 7 = 0");
    static const enum io_kind order[] = { IO_VEHICLES, IO_ITEMS, IO_LINES };
    for (size_t i = 0; i < 3; i++) {
        strbuf first = STRBUF_INIT, second = STRBUF_INIT, report = STRBUF_INIT;
        CU_ASSERT_EQUAL(export_text(a, order[i], &first), DEPOT_OK);
        CU_ASSERT(first.len > 100);
        int rc = import_text(b, first.buf, order[i], &report, NULL);
        if (rc)
            fprintf(stderr, "\nround trip %s: %s%s\n", io_kind_name(order[i]),
                    strbuf_str(&report), depot_errmsg(b));
        CU_ASSERT_EQUAL(rc, DEPOT_OK);
        CU_ASSERT_EQUAL(export_text(b, order[i], &second), DEPOT_OK);
        CU_ASSERT_EQUAL(first.len, second.len);
        CU_ASSERT_STRING_EQUAL(strbuf_str(&first), strbuf_str(&second));
        strbuf_release(&first);
        strbuf_release(&second);
        strbuf_release(&report);
    }
    CU_ASSERT_EQUAL(test_sql_int(b, "SELECT count(*) FROM item"),
                    test_sql_int(a, "SELECT count(*) FROM item"));
    strbuf faults = STRBUF_INIT;
    CU_ASSERT_EQUAL(depot_check(b, &faults), DEPOT_OK);
    strbuf_release(&faults);
    depot_close(a);
    depot_close(b);
}

/* The JSON export parses and holds every object. */
static void test_export_json(void)
{
    depot *d = test_depot_seeded(200);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    strbuf out = STRBUF_INIT;
    CU_ASSERT_EQUAL_FATAL(export_text(d, IO_AUTO, &out), DEPOT_OK);
    json_error_t je;
    json_t *doc = json_loadb(out.buf, out.len, JSON_REJECT_DUPLICATES, &je);
    if (!doc)
        fprintf(stderr, "\nexport json: %d:%d: %s\n", je.line, je.column, je.text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    static const struct { const char *key, *sql; } counts[] = {
        { "sites", "SELECT count(*) FROM site" },
        { "categories", "SELECT count(*) FROM category" },
        { "vehicles", "SELECT count(*) FROM vehicle" },
        { "items", "SELECT count(*) FROM item" },
        { "reserves", "SELECT count(*) FROM reserve_line" },
        { "modules", "SELECT count(*) FROM reserve_module" },
        { "plans", "SELECT count(*) FROM plan" },
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        CU_ASSERT_EQUAL((long long)json_array_size(json_object_get(doc, counts[i].key)),
                        test_sql_int(d, counts[i].sql));
    json_t *item = json_array_get(json_object_get(doc, "items"), 0);
    CU_ASSERT_EQUAL(json_object_size(item), 10);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_object_get(doc, "settings"),
                                                             "population")), "600000");
    json_decref(doc);
    strbuf_release(&out);
    depot_close(d);
}

/* ---- backup ---- */


static void test_backup(void)
{
    char src[256], dst[256];
    snprintf(src, sizeof src, "/tmp/depot-unit-%ld-backup-src.db", (long)getpid());
    snprintf(dst, sizeof dst, "/tmp/depot-unit-%ld-backup-dst.db", (long)getpid());
    test_remove_db(src);
    test_remove_db(dst);
    depot *d = NULL, *c = NULL;
    CU_ASSERT_EQUAL_FATAL(depot_open(src, DEPOT_OPEN_CREATE, &d, NULL), DEPOT_OK);
    depot_seed_opts o = { .items = 300, .seed = 3 };
    CU_ASSERT_EQUAL_FATAL(depot_seed(d, &o), DEPOT_OK);
    long pages = 0;
    CU_ASSERT_EQUAL(io_backup(d, dst, &pages), DEPOT_OK);
    CU_ASSERT(pages > 10);
    /* the copy is a sound depot with the same objects */
    CU_ASSERT_EQUAL_FATAL(depot_open(dst, 0, &c, NULL), DEPOT_OK);
    strbuf faults = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
    CU_ASSERT_EQUAL(depot_check(c, &faults), DEPOT_OK);
    CU_ASSERT_EQUAL(export_text(d, IO_ITEMS, &a), DEPOT_OK);
    CU_ASSERT_EQUAL(export_text(c, IO_ITEMS, &b), DEPOT_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&a), strbuf_str(&b));
    depot_close(c);
    /* never over an existing file, which stays as it was */
    long long size_before = -1, size_after = -1;
    FILE *f = fopen(dst, "rb");
    if (f) {
        fseek(f, 0, SEEK_END);
        size_before = ftell(f);
        fclose(f);
    }
    CU_ASSERT_EQUAL(io_backup(d, dst, NULL), DEPOT_EEXIST);
    CU_ASSERT_PTR_NOT_NULL(strstr(depot_errmsg(d), "file exists"));
    f = fopen(dst, "rb");
    if (f) {
        fseek(f, 0, SEEK_END);
        size_after = ftell(f);
        fclose(f);
    }
    CU_ASSERT_EQUAL(size_before, size_after);
    /* a directory that does not exist: refused, nothing left behind */
    CU_ASSERT_EQUAL(io_backup(d, "/nonexistent-dir/x.db", NULL), DEPOT_EIO);
    strbuf_release(&faults);
    strbuf_release(&a);
    strbuf_release(&b);
    depot_close(d);
    test_remove_db(src);
    test_remove_db(dst);
}

static CU_TestInfo tests[] = {
    { "import items from a spreadsheet's CSV", test_import_items },
    { "import numbers untagged items", test_import_generated_tags },
    { "import vehicles and reserve lines", test_import_vehicles_and_lines },
    { "import reports every bad row, changes nothing", test_import_refusals },
    { "import refuses bad headers and values of each kind", test_import_header_and_kinds },
    { "import reports 100 faults, then a count", test_import_many_faults },
    { "export, import, export: the same bytes", test_round_trip },
    { "export json", test_export_json },
    { "backup", test_backup },
    CU_TEST_INFO_NULL,
};

TEST_SUITE("io", NULL, NULL, tests)
