/*
 * testutil.h: how a CUnit suite file registers itself, and shared helpers.
 *
 * Each tests/unit/test_*.c ends with
 *     TEST_SUITE("parse", NULL, NULL, tests);
 * where tests is its CU_TestInfo table (ending in CU_TEST_INFO_NULL).  A
 * constructor adds the suite to the registry, so adding a suite file needs
 * no edit anywhere else.  main.c runs them all and exits non-zero on any
 * failure (CUnit's basic runner alone would return 0).
 */
#ifndef DEPOT_TESTUTIL_H
#define DEPOT_TESTUTIL_H

#include <CUnit/CUnit.h>

#include "depot.h"

void test_register_suite(const char *name, CU_InitializeFunc init,
                         CU_CleanupFunc cleanup, CU_TestInfo *tests);

#define TEST_SUITE(name, init, cleanup, tests)                                 \
    __attribute__((constructor)) static void test_register_(void)              \
    {                                                                          \
        test_register_suite(name, init, cleanup, tests);                       \
    }

/* A new in-memory depot with the schema; fails the test (and returns NULL)
 * if it cannot be made.  Close it with depot_close(). */
depot *test_depot_empty(void);
/* A new in-memory depot seeded with the demo district (items, seed 1). */
depot *test_depot_seeded(long items);
/* The first column of the first row of sql (no parameters) as int64; -1 on error. */
long long test_sql_int(depot *d, const char *sql);
/* Removes a database file and its -wal and -shm files, if present. */
void test_remove_db(const char *path);
/* An actor for tests: uid 1000, user "tester", pid 42, process "cunit". */
extern const depot_actor test_actor;

#endif
