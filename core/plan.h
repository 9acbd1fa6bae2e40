/*
 * plan.h: what core/report.c borrows from core/plan.c.
 *
 * A year's plan lines set beside what was delivered that year is computed in
 * one place, so plans/<year>.json and reports/plan-execution can never
 * disagree.  "Delivered" is what entered service that year, whatever its
 * status now: vehicles whose year is Y, items of the category acquired in Y.
 */
#ifndef DEPOT_PLAN_H
#define DEPOT_PLAN_H

#include <stdint.h>

#include "depot.h"

/* Largest planned figure a plan may hold (keeps every sum far from overflow). */
#define DEPOT_PLAN_MAX 1000000000

struct plan_row {
    int64_t category_id;
    const char *slug;       /* the category's slug; valid during the callback only */
    int vehicle;            /* 1 for a vehicle type, 0 for an equipment category */
    int has_line;           /* 1 if the plan has a line for it (planned may still be 0) */
    int64_t planned;
    int64_t delivered;
};

/* Called once per row; a non-zero return stops the walk and is returned. */
typedef int (*plan_row_fn)(void *ctx, const struct plan_row *r);

/*
 * Walks every category that has a plan line in year or a delivery that year,
 * vehicle types first, each group in category id order, calling fn for each.
 * Does not check that a plan exists for year (a year without one has only
 * delivered rows).  Returns DEPOT_OK, fn's non-zero value, or a SQLite
 * failure code with depot_errmsg() set.  fn may run other depot queries.
 */
int depot_plan_rows(depot *d, int year, plan_row_fn fn, void *ctx);

/* Sets *n to what entered service in year for category (vehicle type if
 * vehicle, else equipment category), using the indexes.  DEPOT_OK or a
 * SQLite failure code. */
int depot_plan_delivered(depot *d, int64_t category, int vehicle, int year, int64_t *n);

#endif
