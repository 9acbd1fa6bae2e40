/*
 * test_upgrade.c: schema versions.  Opening a depot whose user_version is
 * below DEPOT_SCHEMA_VERSION applies the missing schema files in one
 * transaction (version 0 is an empty file, made a depot only when asked);
 * a file the migration cannot apply to, or one from a newer depotfs, is
 * refused with one clear line and left exactly as it was, byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "testutil.h"

static void temp_path(char *buf, size_t n, const char *tag)
{
    snprintf(buf, n, "/tmp/depot-unit-upgrade-%ld-%s.db", (long)getpid(), tag);
    unlink(buf);
}


/* The whole file at path, malloc'd (NULL if unreadable); *len its size. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Runs sql on the file at path with a plain SQLite connection. */
static int sql_on(const char *path, const char *sql)
{
    sqlite3 *db;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

/* The names of the schema objects of d, sorted, one per line. */
static void schema_names(depot *d, strbuf *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(depot_db(d), "SELECT type || ' ' || name FROM sqlite_schema"
                           " WHERE name NOT LIKE 'sqlite_%' ORDER BY 1", -1, &st, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(st) == SQLITE_ROW) {
        strbuf_addstr(out, (const char *)sqlite3_column_text(st, 0));
        strbuf_addch(out, '\n');
    }
    sqlite3_finalize(st);
}

/* An empty file (user_version 0) opened with DEPOT_OPEN_CREATE gets every
 * schema file: the same objects as a new in-memory depot, at the version
 * this build writes; it then reopens without DEPOT_OPEN_CREATE. */
static void test_upgrade_from_empty(void)
{
    char path[256];
    depot *d = NULL, *ref = test_depot_empty();
    strbuf want = STRBUF_INIT, have = STRBUF_INIT;
    CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
    schema_names(ref, &want);
    CU_ASSERT(want.len > 0);
    temp_path(path, sizeof path, "empty");
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);
    CU_ASSERT_EQUAL_FATAL(depot_open(path, DEPOT_OPEN_CREATE, &d, NULL), DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "PRAGMA user_version"), DEPOT_SCHEMA_VERSION);
    schema_names(d, &have);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&have), strbuf_str(&want));
    depot_close(d);
    d = NULL;
    CU_ASSERT_EQUAL(depot_open(path, 0, &d, NULL), DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "PRAGMA user_version"), DEPOT_SCHEMA_VERSION);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM pragma_integrity_check"
                                    " WHERE integrity_check = 'ok'"), 1);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
    depot_close(d);
    test_remove_db(path);
    depot_close(ref);
    strbuf_release(&want);
    strbuf_release(&have);
}

extern const char *const depot_migrations[];

/* A version 1 depot holding data (made from schema/001 alone, as the first
 * depotfs left it) is upgraded in place when opened: the journal's time
 * index (2) and the stations' shortfall indexes (3) appear, the data and the
 * journal stay, the version is current. */
static void test_upgrade_from_v1(void)
{
    char path[256];
    depot *d = NULL;
    temp_path(path, sizeof path, "v1");
    strbuf sql = STRBUF_INIT;
    strbuf_addstr(&sql, depot_migrations[0]);
    strbuf_addstr(&sql,
        "INSERT INTO site (id, slug, name, kind, state, created_ns)"
        " VALUES (1, 'jiaochangkou', 'J', 'station', 'operating', 1);"
        "INSERT INTO journal (at_ns, uid, user, pid, process, object_kind, object_id, object,"
        " attribute, old, new, reason) VALUES (5, 0, 'u', 1, 'p', 'site', 1, 'jiaochangkou',"
        " 'state', 'planned', 'operating', '');"
        "PRAGMA user_version = 1;");
    CU_ASSERT_EQUAL_FATAL(sql_on(path, strbuf_str(&sql)), SQLITE_OK);
    strbuf_release(&sql);
    CU_ASSERT_EQUAL_FATAL(depot_open(path, 0, &d, NULL), DEPOT_OK);
    CU_ASSERT_EQUAL(test_sql_int(d, "PRAGMA user_version"), DEPOT_SCHEMA_VERSION);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM sqlite_schema WHERE name IN"
                                    " ('journal_object_time', 'item_station_inspection',"
                                    "  'item_station_acquired')"), 3);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM site WHERE slug = 'jiaochangkou'"), 1);
    CU_ASSERT_EQUAL(test_sql_int(d, "SELECT count(*) FROM journal"), 1);
    int64_t ns = 0;
    CU_ASSERT_EQUAL(depot_mtime(d, DK_SITE, 1, NULL, &ns), DEPOT_OK);
    CU_ASSERT_EQUAL(ns, 5);
    depot_close(d);
    test_remove_db(path);
}

struct refusal {
    const char *tag;
    const char *setup;      /* SQL run on a new file before depot_open */
    int flags;
    int code;
    const char *words;      /* a substring of the error line */
};

/* Files depot_open must refuse, leaving them byte for byte as they were:
 * no migration half applied, no switch to WAL, no version written. */
static const struct refusal refusals[] = {
    { "conflict", "CREATE TABLE site (x); INSERT INTO site VALUES ('kept');",
      DEPOT_OPEN_CREATE, DEPOT_ENOTDEPOT, "not a depot" },
    { "conflict-ro", "CREATE TABLE site (x); INSERT INTO site VALUES ('kept');",
      DEPOT_OPEN_READONLY, DEPOT_ENOTDEPOT, "not a depot" },
    { "other-app", "CREATE TABLE item (tag TEXT); CREATE INDEX item_tag ON item(tag);",
      DEPOT_OPEN_CREATE, DEPOT_ENOTDEPOT, "not a depot" },
    { "v0-no-create", "PRAGMA user_version = 0; CREATE TABLE t (x); DROP TABLE t;",
      0, DEPOT_ENOTDEPOT, "depotctl init" },
    { "newer", "CREATE TABLE site (x); PRAGMA user_version = 99;",
      0, DEPOT_EVERSION, "newer" },
    { "newer-create", "CREATE TABLE site (x); PRAGMA user_version = 99;",
      DEPOT_OPEN_CREATE, DEPOT_EVERSION, "newer" },
    { "newer-ro", "CREATE TABLE site (x); PRAGMA user_version = 99;",
      DEPOT_OPEN_READONLY, DEPOT_EVERSION, "newer" },
};

static void test_upgrade_refusals(void)
{
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        const struct refusal *r = &refusals[i];
        char path[256], wal[300];
        depot *d = NULL;
        strbuf err = STRBUF_INIT;
        size_t n0 = 0, n1 = 0;
        temp_path(path, sizeof path, r->tag);
        CU_ASSERT_EQUAL_FATAL(sql_on(path, r->setup), SQLITE_OK);
        unsigned char *before = slurp(path, &n0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(before);
        int rc = depot_open(path, r->flags, &d, &err);
        if (rc != r->code || !strstr(strbuf_str(&err), r->words))
            fprintf(stderr, "\n%s: %d '%s'\n", r->tag, rc, strbuf_str(&err));
        CU_ASSERT_EQUAL(rc, r->code);
        CU_ASSERT_PTR_NULL(d);
        CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&err), r->words));
        CU_ASSERT_PTR_NOT_NULL(strstr(strbuf_str(&err), path));
        CU_ASSERT_PTR_NULL(strchr(strbuf_str(&err), '\n'));
        unsigned char *after = slurp(path, &n1);
        CU_ASSERT_PTR_NOT_NULL(after);
        if (after) {
            CU_ASSERT_EQUAL(n1, n0);
            if (n1 != n0 || memcmp(before, after, n0))
                fprintf(stderr, "\n%s: the refused file changed\n", r->tag);
            CU_ASSERT(n1 == n0 && !memcmp(before, after, n0));
        }
        snprintf(wal, sizeof wal, "%s-wal", path);
        CU_ASSERT_NOT_EQUAL(access(wal, F_OK), 0);
        free(before);
        free(after);
        strbuf_release(&err);
        test_remove_db(path);
    }
}

static CU_TestInfo tests[] = {
    { "an empty file is upgraded to the current schema", test_upgrade_from_empty },
    { "a version 1 depot is upgraded in place", test_upgrade_from_v1 },
    { "refused files are left as they were", test_upgrade_refusals },
    CU_TEST_INFO_NULL,
};

TEST_SUITE("upgrade", NULL, NULL, tests)
