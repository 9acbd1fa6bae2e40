/*
 * io: a depot's inventory in and out as files, for depotctl import, export
 * and backup.  No FUSE here.
 *
 * Import reads CSV (core/csv.h) of one of three kinds, with a header row
 * naming its columns (any order; case-insensitive; '_' or a blank may stand
 * for '-'; columns marked * are required, the others may be left out or
 * left empty):
 *
 *   items     tag category* model* serial* station* vehicle status acquired*
 *             last-inspection notes
 *   vehicles  callsign* type* station* status plate* year* mileage
 *             next-service notes
 *   lines     module* line* name* unit* count target minimum
 *
 * Absent values (no vehicle, never inspected, no service date) are empty
 * fields (or the word "none").  An item without a tag gets its category's
 * next number; an item without a status goes into reserve at a logistics
 * base and into service elsewhere; a vehicle without a status or mileage is
 * in service with 0 km; a line's count, target and minimum default to 0.
 * The kind is the caller's, or else the header says it: a 'callsign' column
 * means vehicles, 'module' lines, 'category' or 'tag' items.  A column the
 * kind does not have is refused.  Every object named must exist and every
 * value must be one the tree would accept (a vehicle an item rides is at
 * the item's station and not retired; dates are real and not in the future;
 * an inspection is not before the acquisition); new tags, callsigns and
 * lines must not exist yet (a file of existing objects is refused, never
 * merged).
 *
 * All rows or none: one transaction, each new object journalled with
 * attribute "imported" and reason "import FILE".  Every fault is reported
 * as "FILE:LINE: column 'station': no such site 'atlantis'" (up to
 * IO_MAX_REPORTED lines, then how many more), and then nothing changes.
 *
 * Export writes the same CSV (all columns, in the order above, one object
 * per row in the order they were created), so that importing an export
 * into a depot holding the same sites and categories recreates the same
 * objects and exports the same bytes; or the whole inventory as one JSON
 * document.  Backup copies the database with SQLite's online backup, a
 * consistent snapshot even while other processes write.
 */
#ifndef DEPOT_IO_H
#define DEPOT_IO_H

#include <stdio.h>

#include "depot.h"

#define IO_MAX_REPORTED 100

enum io_kind { IO_AUTO, IO_ITEMS, IO_VEHICLES, IO_LINES };

/* "items", "vehicles", "lines" ("auto" for IO_AUTO). */
const char *io_kind_name(enum io_kind k);
/* Sets *k from its name; -1 if name is none of items, vehicles, lines. */
int io_kind_parse(const char *name, enum io_kind *k);

typedef struct io_import_opts {
    enum io_kind kind;          /* IO_AUTO: tell it from the header */
    const char *name;           /* the file as messages name it */
    long long size;             /* the input's size in bytes, 0 if unknown */
    /* Called every few thousand rows and at the end; may be NULL. */
    void (*progress)(void *ctx, long long bytes, long long size, long rows);
    void *ctx;
    const depot_actor *who;     /* NULL: this process */
} io_import_opts;

typedef struct io_import_result {
    enum io_kind kind;          /* what the file held */
    long rows;                  /* records read (not counting the header) */
    long errors;                /* faults found (0 on success) */
} io_import_result;

/*
 * Imports every record of in (see above) in one transaction.  Returns
 * DEPOT_OK with res filled when all were imported.  DEPOT_EINVAL when any
 * record, the header or the CSV itself is at fault: nothing changed, and
 * report holds one line per fault ("FILE:LINE: ..."), at most
 * IO_MAX_REPORTED, then "FILE: N more faults not shown"; depot_errmsg()
 * sums up.  Other codes (DEPOT_EBUSY, DEPOT_EROFS, DEPOT_EIO) with
 * depot_errmsg() saying why; nothing changed either.
 */
int io_import(depot *d, FILE *in, const io_import_opts *o, io_import_result *res,
              strbuf *report);

/* Writes every object of kind k (not IO_AUTO) as CSV with its header row to
 * out.  DEPOT_EIO if writing fails (depot_errmsg() says why). */
int io_export_csv(depot *d, enum io_kind k, FILE *out);

/* Writes the whole inventory to out as one JSON object: settings, sites,
 * categories, vehicles, items, reserves (modules with their lines) and
 * plans (as plans/<year>.json shows them). */
int io_export_json(depot *d, FILE *out);

/*
 * Copies the depot into a new file dest with SQLite's online backup API:
 * one consistent snapshot, taken while other connections may write.
 * Refuses (DEPOT_EEXIST) if dest exists; on any failure removes what it
 * made of dest.  Sets *pages to the pages copied if pages is not NULL.
 */
int io_backup(depot *d, const char *dest, long *pages);

#endif
