/*
 * test_depot.c: opening depots: schema creation, version checks, refusals
 * of files that are not depots.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "testutil.h"

static void test_open_memory(void)
{
    depot *d = test_depot_empty();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(test_sql_int(d, "PRAGMA user_version"), DEPOT_SCHEMA_VERSION);
    CU_ASSERT_EQUAL(test_sql_int(d, "PRAGMA foreign_keys"), 1);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM sqlite_schema WHERE name = 'journal'"), 1);
    depot_close(d);
}

/* A temp file name in build/ (removed by the caller). */
static void temp_path(char *buf, size_t n, const char *tag)
{
    snprintf(buf, n, "/tmp/depot-unit-%ld-%s.db", (long)getpid(), tag);
    unlink(buf);
}


static void test_open_refusals(void)
{
    char path[256];
    depot *d = NULL;
    strbuf err = STRBUF_INIT;

    /* missing file, no create */
    temp_path(path, sizeof path, "missing");
    CU_ASSERT_EQUAL(depot_open(path, 0, &d, &err), DEPOT_ENOTDEPOT);
    CU_ASSERT_PTR_NULL(d);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&err), "cannot open"));
    CU_ASSERT_PTR_NULL(strchr(strbuf_str(&err), '\n'));

    /* not SQLite */
    temp_path(path, sizeof path, "text");
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (int i = 0; i < 200; i++)
        fputs("this is not a database, just text\n", f);
    fclose(f);
    strbuf_reset(&err);
    CU_ASSERT_EQUAL(depot_open(path, 0, &d, &err), DEPOT_ENOTDEPOT);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&err), "not a database"));
    test_remove_db(path);

    /* SQLite, but another application's tables */
    temp_path(path, sizeof path, "other");
    sqlite3 *db;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(db);
    strbuf_reset(&err);
    CU_ASSERT_EQUAL(depot_open(path, DEPOT_OPEN_CREATE, &d, &err), DEPOT_ENOTDEPOT);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&err), "not a depot"));
    test_remove_db(path);

    /* a newer schema */
    temp_path(path, sizeof path, "newer");
    CU_ASSERT_EQUAL_FATAL(depot_open(path, DEPOT_OPEN_CREATE, &d, NULL), DEPOT_OK);
    depot_close(d);
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
    sqlite3_close(db);
    strbuf_reset(&err);
    CU_ASSERT_EQUAL(depot_open(path, 0, &d, &err), DEPOT_EVERSION);
    CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&err), "newer"));
    test_remove_db(path);

    /* a created file reopens, in WAL mode */
    temp_path(path, sizeof path, "ok");
    CU_ASSERT_EQUAL_FATAL(depot_open(path, DEPOT_OPEN_CREATE, &d, NULL), DEPOT_OK);
    depot_close(d);
    CU_ASSERT_EQUAL_FATAL(depot_open(path, 0, &d, NULL), DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
    depot_close(d);
    test_remove_db(path);
    strbuf_release(&err);
}

static void test_journal_append_only(void)
{
    depot *d = test_depot_empty();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    sqlite3 *db = depot_db(d);
    CU_ASSERT_EQUAL(sqlite3_exec(db,
        "INSERT INTO journal (at_ns, uid, user, pid, process, object_kind, object_id, object,"
        " attribute) VALUES (1, 0, 'u', 1, 'p', 'item', 1, 't', 'status')", NULL, NULL, NULL),
        SQLITE_OK);
    CU_ASSERT_NOT_EQUAL(sqlite3_exec(db, "UPDATE journal SET new = 'x'", NULL, NULL, NULL), SQLITE_OK);
    CU_ASSERT_NOT_EQUAL(sqlite3_exec(db, "DELETE FROM journal", NULL, NULL, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal"), 1);
    depot_close(d);
}

static void test_today(void)
{
    depot *d = test_depot_empty();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    char buf[11];
    CU_ASSERT_EQUAL(depot_set_today(d, "2024-02-29"), DEPOT_OK);
    depot_today(d, buf);
    CU_ASSERT_STRING_EQUAL(buf, "2024-02-29");
    CU_ASSERT_EQUAL(depot_set_today(d, "2023-02-29"), DEPOT_EINVAL);
    depot_today(d, buf);
    CU_ASSERT_STRING_EQUAL(buf, "2024-02-29");
    depot_close(d);
}

/* synchronous=FULL unless NORMAL is asked for; depot_sync() works in
 * both, with and without a log open, and in memory. */
static void test_sync_modes(void)
{
    char path[256];
    depot *d = NULL, *n = NULL;
    temp_path(path, sizeof path, "sync");
    CU_ASSERT_EQUAL_FATAL(depot_open(path, DEPOT_OPEN_CREATE, &d, NULL), DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "PRAGMA synchronous"), 2);
    CU_ASSERT_EQUAL(depot_sync(d), DEPOT_OK);
    CU_ASSERT_EQUAL_FATAL(depot_open(path, DEPOT_OPEN_SYNC_NORMAL, &n, NULL), DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(n, "PRAGMA synchronous"), 1);
    CU_ASSERT_EQUAL(depot_sync(n), DEPOT_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(depot_db(n), "INSERT INTO setting (key, value) VALUES ('t', '1')",
                                 NULL, NULL, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(depot_sync(n), DEPOT_OK);
    CU_ASSERT_EQUAL(depot_sync(d), DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM setting WHERE key = 't'"), 1);
    depot_close(n);
    depot_close(d);
    test_remove_db(path);
    d = test_depot_empty();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(depot_sync(d), DEPOT_OK);
    depot_close(d);
}

static CU_TestInfo tests[] = {
    { "sync modes and depot_sync", test_sync_modes },
    { "open in memory", test_open_memory },
    { "open refuses what is not a depot", test_open_refusals },
    { "journal is append-only", test_journal_append_only },
    { "today can be fixed", test_today },
    CU_TEST_INFO_NULL,
};

TEST_SUITE("depot", NULL, NULL, tests)
