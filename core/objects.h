/*
 * objects.h: what core/objects.c shows its own tests and nobody else.
 *
 * The SQL of every lookup and listing statement the module runs, so that a
 * test can run EXPLAIN QUERY PLAN on each and check that no view ever scans
 * a big table (item, vehicle, journal) from end to end.
 */
#ifndef DEPOT_OBJECTS_H
#define DEPOT_OBJECTS_H

#include <stddef.h>

/* The i-th statement of core/objects.c (static text), counting from 0; NULL
 * past the last one. */
const char *depot_objects_statement(size_t i);

#endif
