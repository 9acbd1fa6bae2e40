/*
 * fuzz_plan.c: the plan and delivery-note JSON validators on arbitrary
 * documents (core/plan.c), against a small seeded depot.
 *
 * Each input is stored as plans/2023.json and as a new delivery note.  A
 * refusal must say why on one line, journal nothing and leave no
 * transaction open.  An accepted plan must show as a document that stores
 * back to the same document (show, store, show gives the same text); an
 * accepted delivery must show.  depot_check() must then find no fault.
 */
#include "fuzz.h"

#define YEAR 2023
#define NOTE "fuzz-note"

static void check_refusal(depot *d, int rc, int64_t journal_before)
{
    FUZZ_ASSERT(rc != DEPOT_EIO && rc != DEPOT_ENOMEM && rc != DEPOT_EBUSY);
    FUZZ_ASSERT(depot_errmsg(d)[0] != '\0');
    FUZZ_ASSERT(!strchr(depot_errmsg(d), '\n'));
    FUZZ_ASSERT(fuzz_sql_int(d, "SELECT count(*) FROM journal") == journal_before);
}

static void fuzz_plan(depot *d, const uint8_t *data, size_t size)
{
    int64_t before = fuzz_sql_int(d, "SELECT count(*) FROM journal");
    int rc = depot_plan_store(d, YEAR, (const char *)data, size, NULL);
    FUZZ_ASSERT(sqlite3_get_autocommit(depot_db(d)));
    if (rc != DEPOT_OK) {
        check_refusal(d, rc, before);
        return;
    }
    strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    FUZZ_ASSERT(depot_plan_show(d, YEAR, &a) == DEPOT_OK);
    FUZZ_ASSERT(depot_doc_complete(a.buf, a.len) == 1);
    rc = depot_plan_store(d, YEAR, a.buf, a.len, NULL);
    if (rc != DEPOT_OK)
        fprintf(stderr, "the shown plan does not store back: %s\n%s", depot_errmsg(d),
                strbuf_str(&a));
    FUZZ_ASSERT(rc == DEPOT_OK);
    FUZZ_ASSERT(depot_plan_show(d, YEAR, &b) == DEPOT_OK);
    FUZZ_ASSERT(a.len == b.len && !memcmp(a.buf, b.buf, a.len));
    strbuf_release(&a);
    strbuf_release(&b);
}

static void fuzz_delivery(depot *d, const uint8_t *data, size_t size)
{
    int64_t before = fuzz_sql_int(d, "SELECT count(*) FROM journal");
    int64_t items = fuzz_sql_int(d, "SELECT count(*) FROM item");
    int rc = depot_delivery_store(d, NOTE, (const char *)data, size, NULL);
    FUZZ_ASSERT(sqlite3_get_autocommit(depot_db(d)));
    int64_t id;
    if (rc != DEPOT_OK) {
        check_refusal(d, rc, before);
        FUZZ_ASSERT(fuzz_sql_int(d, "SELECT count(*) FROM item") == items);
        FUZZ_ASSERT(depot_lookup(d, DK_DELIVERY, 0, NOTE, &id) == DEPOT_ENOENT);
        return;
    }
    FUZZ_ASSERT(fuzz_sql_int(d, "SELECT count(*) FROM item") > items);
    FUZZ_ASSERT(depot_lookup(d, DK_DELIVERY, 0, NOTE, &id) == DEPOT_OK);
    strbuf out = STRBUF_INIT;
    FUZZ_ASSERT(depot_delivery_show(d, id, &out) == DEPOT_OK);
    FUZZ_ASSERT(depot_doc_complete(out.buf, out.len) == 1);
    strbuf_release(&out);
    /* The same note twice is refused. */
    before = fuzz_sql_int(d, "SELECT count(*) FROM journal");
    rc = depot_delivery_store(d, NOTE, (const char *)data, size, NULL);
    FUZZ_ASSERT(rc != DEPOT_OK);
    check_refusal(d, rc, before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    depot *d = fuzz_depot();
    fuzz_plan(d, data, size);
    fuzz_delivery(d, data, size);
    fuzz_check(d);
    return 0;
}
