/*
 * main.c: runs every registered CUnit suite (see testutil.h) with the basic
 * runner, prints CUnit's summary and exits non-zero when any assertion,
 * test or suite set-up failed.  Arguments, if any, name the suites to run.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "testutil.h"

#define MAX_SUITES 64

static CU_SuiteInfo suites[MAX_SUITES + 1];
static size_t nsuites;
static char suite_names[MAX_SUITES][64];

const depot_actor test_actor = { 1000, 42, "tester", "cunit" };

void test_register_suite(const char *name, CU_InitializeFunc init,
                         CU_CleanupFunc cleanup, CU_TestInfo *tests)
{
    if (nsuites == MAX_SUITES) {
        fprintf(stderr, "too many test suites\n");
        exit(2);
    }
    snprintf(suite_names[nsuites], sizeof suite_names[nsuites], "%s", name);
    suites[nsuites] = (CU_SuiteInfo){ suite_names[nsuites], init, cleanup, NULL, NULL, tests };
    nsuites++;
}

depot *test_depot_empty(void)
{
    depot *d = NULL;
    strbuf err = STRBUF_INIT;
    if (depot_open(":memory:", DEPOT_OPEN_CREATE, &d, &err) != DEPOT_OK) {
        fprintf(stderr, "test_depot_empty: %s\n", strbuf_str(&err));
        CU_FAIL("cannot create an in-memory depot");
    }
    strbuf_release(&err);
    return d;
}

depot *test_depot_seeded(long items)
{
    depot *d = test_depot_empty();
    if (!d)
        return NULL;
    depot_seed_opts o = { .items = items, .seed = 1 };
    if (depot_seed(d, &o) != DEPOT_OK) {
        fprintf(stderr, "test_depot_seeded: %s\n", depot_errmsg(d));
        CU_FAIL("cannot seed an in-memory depot");
        depot_close(d);
        return NULL;
    }
    return d;
}

void test_remove_db(const char *path)
{
    char b[512];
    unlink(path);
    snprintf(b, sizeof b, "%s-wal", path);
    unlink(b);
    snprintf(b, sizeof b, "%s-shm", path);
    unlink(b);
}

long long test_sql_int(depot *d, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(depot_db(d), sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_SuiteInfo chosen[MAX_SUITES + 1];
    size_t n = 0;
    for (size_t i = 0; i < nsuites; i++) {
        int want = argc < 2;
        for (int a = 1; a < argc; a++)
            if (!strcmp(argv[a], suites[i].pName))
                want = 1;
        if (want)
            chosen[n++] = suites[i];
    }
    chosen[n] = (CU_SuiteInfo)CU_SUITE_INFO_NULL;
    if (CU_register_suites(chosen) != CUE_SUCCESS) {
        fprintf(stderr, "cannot register suites: %s\n", CU_get_error_msg());
        return 2;
    }
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed()
                    + CU_get_number_of_suites_failed();
    unsigned run = CU_get_number_of_tests_run();
    unsigned tfailed = CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    printf("\nunit: %u passed, %u failed\n", run - tfailed, tfailed);
    if (run == 0) {
        fprintf(stderr, "no test ran\n");
        return 1;
    }
    return failed ? 1 : 0;
}
