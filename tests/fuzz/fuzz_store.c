/*
 * fuzz_store.c: depot_store() of arbitrary bytes into every writable
 * attribute of a small seeded depot.
 *
 * For each input the depot is reset to the same seeded district (fuzz.h),
 * then the input is written, as a program would write it to the file, into
 * every writable attribute of one object of each kind (an equipment
 * category, a vehicle type, a vehicle, an item, a reserve line), in the
 * order of the attribute tables.  After each store: a refusal says why and
 * adds no journal row; an acceptance shows a value ending in one newline.
 * At the end depot_check() must find no fault (counts >= 0, loads on
 * the item's own station, and the rest of the depot's invariants).
 */
#include "fuzz.h"

struct target {
    enum depot_kind kind;
    const char *sql;        /* the object's id */
};

static const struct target targets[] = {
    { DK_CATEGORY, "SELECT min(id) FROM category WHERE kind = 'equipment'" },
    { DK_CATEGORY, "SELECT min(id) FROM category WHERE kind = 'vehicle'" },
    { DK_VEHICLE,  "SELECT min(id) FROM vehicle WHERE status <> 'retired'" },
    { DK_ITEM,     "SELECT min(id) FROM item WHERE status <> 'retired' AND vehicle_id IS NOT NULL" },
    { DK_ITEM,     "SELECT min(id) FROM item WHERE status <> 'retired' AND vehicle_id IS NULL" },
    { DK_LINE,     "SELECT min(id) FROM reserve_line" },
};

static void store_all(depot *d, enum depot_kind k, int64_t id, const uint8_t *data, size_t size)
{
    size_t n;
    const depot_attr *attrs = depot_attrs(k, &n);
    for (size_t i = 0; i < n; i++) {
        if (!attrs[i].store)
            continue;
        int64_t before = fuzz_sql_int(d, "SELECT count(*) FROM journal");
        int rc = depot_store(d, k, id, attrs[i].name, (const char *)data, size, NULL);
        int64_t after = fuzz_sql_int(d, "SELECT count(*) FROM journal");
        if (rc != DEPOT_OK) {
            FUZZ_ASSERT(depot_errmsg(d)[0] != '\0');
            FUZZ_ASSERT(!strchr(depot_errmsg(d), '\n'));
            FUZZ_ASSERT(after == before);
            FUZZ_ASSERT(rc == DEPOT_EINVAL || rc == DEPOT_ENOENT || rc == DEPOT_EPERM
                        || rc == DEPOT_EEXIST);
        } else {
            FUZZ_ASSERT(after >= before);
        }
        FUZZ_ASSERT(sqlite3_get_autocommit(depot_db(d)));   /* no transaction left open */
        strbuf out = STRBUF_INIT;
        FUZZ_ASSERT(depot_show(d, k, id, attrs[i].name, &out) == DEPOT_OK);
        FUZZ_ASSERT(out.len > 0 && out.buf[out.len - 1] == '\n');
        FUZZ_ASSERT(!memchr(out.buf, '\n', out.len - 1));
        strbuf_release(&out);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    depot *d = fuzz_depot();
    for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++) {
        int64_t id = fuzz_sql_int(d, targets[t].sql);
        FUZZ_ASSERT(id > 0);
        store_all(d, targets[t].kind, id, data, size);
    }
    FUZZ_ASSERT(fuzz_sql_int(d, "SELECT count(*) FROM reserve_line WHERE count < 0") == 0);
    fuzz_check(d);
    return 0;
}
