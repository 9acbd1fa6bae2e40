/*
 * test_parse.c: the value parsers, from tables of good inputs with their
 * expected results and bad inputs with the reason they must give.
 */
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "testutil.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Asserts a refusal: -1 and a non-empty static reason; optionally the reason itself. */
static void check_refused(int rc, const char *why, const char *want_why)
{
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NOT_NULL(why);
    if (why) {
        CU_ASSERT(why[0] != '\0');
        if (want_why)
            CU_ASSERT_STRING_EQUAL(why, want_why);
    }
}

static void test_uint(void)
{
    static const struct { const char *in; int64_t out; } good[] = {
        { "0", 0 }, { "1", 1 }, { "42", 42 }, { "007", 7 }, { "4096", 4096 },
        { "9223372036854775807", INT64_MAX }, { "0000000000000000000000001", 1 },
    };
    static const char *const bad[] = {
        "", " 1", "1 ", "+1", "-1", "1.5", "1e3", "0x10", "++1", "99999999999999999999",
        "9223372036854775808", "ten", "1,000", "1_000", "\t1", "1\n", "１", "0b1", "- 1",
    };
    for (size_t i = 0; i < N_OF(good); i++) {
        int64_t v = -99;
        const char *why = NULL;
        CU_ASSERT_EQUAL(parse_uint(good[i].in, &v, &why), 0);
        CU_ASSERT_EQUAL(v, good[i].out);
        CU_ASSERT_PTR_NULL(why);
    }
    for (size_t i = 0; i < N_OF(bad); i++) {
        int64_t v = -99;
        const char *why = NULL;
        int rc = parse_uint(bad[i], &v, &why);
        check_refused(rc, why, NULL);
        CU_ASSERT_EQUAL(v, -99);
    }
    /* why may be NULL */
    int64_t v;
    CU_ASSERT_EQUAL(parse_uint("x", &v, NULL), -1);
}

static void test_count(void)
{
    static const struct { const char *in; int relative; int64_t n; } good[] = {
        { "0", 0, 0 }, { "12", 0, 12 }, { "+3", 1, 3 }, { "-12", 1, -12 }, { "+0", 1, 0 },
        { "-0", 1, 0 }, { "9223372036854775807", 0, INT64_MAX },
        { "-9223372036854775807", 1, -INT64_MAX }, { "+007", 1, 7 },
    };
    static const char *const bad[] = {
        "", "++1", "+-1", "-+1", "-", "+", "--3", "+ 3", "- 3", " +3", "+3 ", "1.5", "-1e3",
        "+0x10", "twelve", "99999999999999999999", "-9223372036854775808", "3-", "+3+",
    };
    for (size_t i = 0; i < N_OF(good); i++) {
        int rel = -1;
        int64_t n = -99;
        const char *why = NULL;
        CU_ASSERT_EQUAL(parse_count(good[i].in, &rel, &n, &why), 0);
        CU_ASSERT_EQUAL(rel, good[i].relative);
        CU_ASSERT_EQUAL(n, good[i].n);
    }
    for (size_t i = 0; i < N_OF(bad); i++) {
        int rel = -1;
        int64_t n = -99;
        const char *why = NULL;
        int rc = parse_count(bad[i], &rel, &n, &why);
        check_refused(rc, why, NULL);
        CU_ASSERT_EQUAL(rel, -1);
        CU_ASSERT_EQUAL(n, -99);
    }
}

static void test_date(void)
{
    static const struct { const char *in; int y, m, d; } good[] = {
        { "2024-02-29", 2024, 2, 29 }, { "2000-02-29", 2000, 2, 29 }, { "1900-01-01", 1900, 1, 1 },
        { "9999-12-31", 9999, 12, 31 }, { "2026-01-31", 2026, 1, 31 }, { "2026-04-30", 2026, 4, 30 },
        { "2023-02-28", 2023, 2, 28 },
    };
    static const char *const bad[] = {
        "", "2023-02-29", "2026-02-30", "2026-13-01", "2026-1-01", "2026-01-1", "1900-02-29",
        "2026-00-10", "2026-01-00", "2026-04-31", "1899-12-31", "0000-01-01", "26-01-01",
        "2026/01/01", "2026-01-01 ", " 2026-01-01", "2026-01-01\n", "20260101", "2026-01-0a",
        "2026-+1-01", "2026--1-01", "2026-01-01T00:00", "10000-01-01", "today",
    };
    for (size_t i = 0; i < N_OF(good); i++) {
        int y = 0, m = 0, d = 0;
        const char *why = NULL;
        CU_ASSERT_EQUAL(parse_date(good[i].in, &y, &m, &d, &why), 0);
        CU_ASSERT_EQUAL(y, good[i].y);
        CU_ASSERT_EQUAL(m, good[i].m);
        CU_ASSERT_EQUAL(d, good[i].d);
    }
    for (size_t i = 0; i < N_OF(bad); i++) {
        int y = 0, m = 0, d = 0;
        const char *why = NULL;
        int rc = parse_date(bad[i], &y, &m, &d, &why);
        check_refused(rc, why, NULL);
        CU_ASSERT(y == 0 && m == 0 && d == 0);
    }
}

static void test_year(void)
{
    static const struct { const char *in; int y; } good[] = {
        { "1900", 1900 }, { "2025", 2025 }, { "9999", 9999 },
    };
    static const char *const bad[] = {
        "", "1899", "0999", "999", "10000", "+2025", "-2025", "2025 ", " 2025", "20x5", "2025\n",
        "2e03", "year",
    };
    for (size_t i = 0; i < N_OF(good); i++) {
        int y = 0;
        CU_ASSERT_EQUAL(parse_year(good[i].in, &y, NULL), 0);
        CU_ASSERT_EQUAL(y, good[i].y);
    }
    for (size_t i = 0; i < N_OF(bad); i++) {
        int y = 0;
        const char *why = NULL;
        int rc = parse_year(bad[i], &y, &why);
        check_refused(rc, why, NULL);
        CU_ASSERT_EQUAL(y, 0);
    }
}

static void test_word(void)
{
    static const struct { const char *in; const char *const *vocab; int index; } good[] = {
        { "in-service", item_statuses, 0 },   { "reserve", item_statuses, 1 },
        { "maintenance", item_statuses, 2 },  { "out-of-service", item_statuses, 3 },
        { "retired", item_statuses, 4 },      { "standby", vehicle_statuses, 1 },
        { "retired", vehicle_statuses, 4 },   { "operating", site_states, 0 },
        { "under-construction", site_states, 1 }, { "planned", site_states, 2 },
    };
    static const struct { const char *in; const char *const *vocab; const char *why; } bad[] = {
        { "standby", item_statuses, "not a known status" },
        { "reserve", vehicle_statuses, "not a known status" },
        { "In-service", item_statuses, "not a known status" },
        { "in-service ", item_statuses, "not a known status" },
        { "in service", item_statuses, "not a known status" },
        { "", item_statuses, "not a known status" },
        { "retire", vehicle_statuses, "not a known status" },
        { "retireds", vehicle_statuses, "not a known status" },
        { "operating\n", site_states, "not a known state" },
        { "closed", site_states, "not a known state" },
    };
    for (size_t i = 0; i < N_OF(good); i++)
        CU_ASSERT_EQUAL(parse_word(good[i].in, good[i].vocab, NULL), good[i].index);
    for (size_t i = 0; i < N_OF(bad); i++) {
        const char *why = NULL;
        int rc = parse_word(bad[i].in, bad[i].vocab, &why);
        check_refused(rc, why, bad[i].why);
    }
}

static void test_slug(void)
{
    static const char *const good[] = {
        "jiaochangkou", "scba-000123", "jck-water-tender-1", "a", "0", "2025", "a-",
        "shidai-tianjie", "a--b",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 64 */
    };
    static const char *const bad[] = {
        "", "-a", "Jiaochangkou", "scba_000123", "a b", "a/b", ".", "..", "a.json", "é",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 65 */
        "a\n", " a",
    };
    for (size_t i = 0; i < N_OF(good); i++)
        CU_ASSERT_EQUAL(parse_slug(good[i], NULL), 0);
    for (size_t i = 0; i < N_OF(bad); i++) {
        const char *why = NULL;
        int rc = parse_slug(bad[i], &why);
        check_refused(rc, why, NULL);
    }
}

static void test_utf8(void)
{
    static const struct { const char *in; size_t len; int valid; } cases[] = {
        { "", 0, 1 },
        { "plain ascii", 11, 1 },
        { "\xe8\xbe\x83\xe5\x9c\xba\xe5\x8f\xa3", 9, 1 },     /* 较场口 */
        { "\xc2\xa9", 2, 1 },                                 /* U+00A9 */
        { "\xf0\x9f\x9a\x92", 4, 1 },                         /* U+1F692 fire engine */
        { "\xf4\x8f\xbf\xbf", 4, 1 },                         /* U+10FFFF */
        { "\xed\x9f\xbf", 3, 1 },                             /* U+D7FF */
        { "\xee\x80\x80", 3, 1 },                             /* U+E000 */
        { "\xff", 1, 0 },
        { "\xfe", 1, 0 },
        { "\x80", 1, 0 },                                     /* lone continuation */
        { "\xc0\xaf", 2, 0 },                                 /* overlong '/' */
        { "\xc1\xbf", 2, 0 },                                 /* overlong */
        { "\xe0\x80\xaf", 3, 0 },                             /* overlong 3-byte */
        { "\xf0\x80\x80\xaf", 4, 0 },                         /* overlong 4-byte */
        { "\xed\xa0\x80", 3, 0 },                             /* surrogate U+D800 */
        { "\xed\xbf\xbf", 3, 0 },                             /* surrogate U+DFFF */
        { "\xf4\x90\x80\x80", 4, 0 },                         /* U+110000 */
        { "\xf5\x80\x80\x80", 4, 0 },
        { "\xf8\x88\x80\x80\x80", 5, 0 },                     /* 5-byte form */
        { "\xe8\xbe", 2, 0 },                                 /* truncated */
        { "ab\xe8", 3, 0 },                                   /* truncated at end */
        { "\xf0\x9f\x9a", 3, 0 },                             /* truncated 4-byte */
        { "\xc2" "a", 2, 0 },                                 /* bad continuation */
        { "\xe8\xbe\x83\xe5\x9c\xba\xe5\x8f\xa3", 8, 0 },     /* cut by len */
        { "a\0b", 3, 1 },                                     /* NUL is valid UTF-8 */
    };
    for (size_t i = 0; i < N_OF(cases); i++)
        CU_ASSERT_EQUAL(utf8_valid(cases[i].in, cases[i].len), cases[i].valid);
}

struct split_case {
    const char *in;
    size_t len;             /* 0: strlen(in) */
    int freetext;
    int rc;
    const char *value;      /* expected on success */
    const char *reason;
    const char *why;        /* expected on refusal (NULL: any) */
};

static void test_split_value(void)
{
    static const struct split_case cases[] = {
        { "12", 0, 0, 0, "12", "", NULL },
        { "12\n", 0, 0, 0, "12", "", NULL },
        { "12\r\n", 0, 0, 0, "12", "", NULL },
        { "  12\t\n", 0, 0, 0, "12", "", NULL },
        { "maintenance: pump seal leaking\n", 0, 0, 0, "maintenance", "pump seal leaking", NULL },
        { "maintenance: pump seal leaking", 0, 0, 0, "maintenance", "pump seal leaking", NULL },
        { "-12: used at Chaotianmen fire\n", 0, 0, 0, "-12", "used at Chaotianmen fire", NULL },
        { "  +3  : x ", 0, 0, 0, "+3", "x", NULL },
        { "12:", 0, 0, 0, "12", "", NULL },
        { "12 :  \n", 0, 0, 0, "12", "", NULL },
        { "2026-03-01: inspected at 10:30: ok", 0, 0, 0, "2026-03-01", "inspected at 10:30: ok", NULL },
        { "retired: \xe6\x8a\xa5\xe5\xba\x9f", 0, 0, 0, "retired", "\xe6\x8a\xa5\xe5\xba\x9f", NULL },
        /* freetext: the whole line, colons and all, may be empty */
        { "note: call 10:30, ask for Li\n", 0, 1, 0, "note: call 10:30, ask for Li", "", NULL },
        { "  spare key: in cab  \n", 0, 1, 0, "spare key: in cab", "", NULL },
        { "\n", 0, 1, 0, "", "", NULL },
        { "", 0, 1, 0, "", "", NULL },
        { "   \t", 0, 1, 0, "", "", NULL },
        { "\xe5\xa4\x87\xe6\xb3\xa8\n", 0, 1, 0, "\xe5\xa4\x87\xe6\xb3\xa8", "", NULL },
        /* blank lines after the value (an editor's last Enter), a byte-order mark before it */
        { "12\n\n", 0, 0, 0, "12", "", NULL },
        { "12\r\r\n", 0, 0, 0, "12", "", NULL },
        { "maintenance: seal\r\n\r\n \t\n", 0, 0, 0, "maintenance", "seal", NULL },
        { "\xef\xbb\xbf" "12\r\n", 0, 0, 0, "12", "", NULL },
        { "\xef\xbb\xbf" "note\n\n", 0, 1, 0, "note", "", NULL },
        { "\xef\xbb\xbf", 0, 1, 0, "", "", NULL },
        { "1\xef\xbb\xbf" "2\n", 0, 0, 0, "1\xef\xbb\xbf" "2", "", NULL },   /* only before it */
        /* refusals */
        { "", 0, 0, -1, NULL, NULL, "empty value" },
        { "\n", 0, 0, -1, NULL, NULL, "empty value" },
        { "\r\n", 0, 0, -1, NULL, NULL, "empty value" },
        { "   \t\n", 0, 0, -1, NULL, NULL, "empty value" },
        { ": only a reason", 0, 0, -1, NULL, NULL, "empty value" },
        { "12\n13\n", 0, 0, -1, NULL, NULL, "more than one value (several lines)" },
        { "12\n13", 0, 0, -1, NULL, NULL, "more than one value (several lines)" },
        { "12\n\n13\n", 0, 0, -1, NULL, NULL, "more than one value (several lines)" },
        { "\n12\n", 0, 0, -1, NULL, NULL, "more than one value (several lines)" },
        { "\xef\xbb\xbf\n", 0, 0, -1, NULL, NULL, "empty value" },
        { "12\r13", 0, 0, -1, NULL, NULL, "more than one value (several lines)" },
        { "a\nb\n", 0, 1, -1, NULL, NULL, "more than one value (several lines)" },
        { "12\0" "3\n", 4, 0, -1, NULL, NULL, "contains a NUL byte" },
        { "\0", 1, 1, -1, NULL, NULL, "contains a NUL byte" },
        { "12\n\0", 4, 0, -1, NULL, NULL, "contains a NUL byte" },
        { "\xff\n", 0, 0, -1, NULL, NULL, "not valid UTF-8 text" },
        { "ok: \xc0\xaf", 0, 0, -1, NULL, NULL, "not valid UTF-8 text" },
        { "\xed\xa0\x80", 0, 1, -1, NULL, NULL, "not valid UTF-8 text" },
    };
    strbuf v = STRBUF_INIT, r = STRBUF_INIT;
    for (size_t i = 0; i < N_OF(cases); i++) {
        const struct split_case *c = &cases[i];
        size_t len = c->len ? c->len : strlen(c->in);
        const char *why = NULL;
        strbuf_addstr(&v, "stale");
        strbuf_addstr(&r, "stale");
        int rc = split_value(c->in, len, DEPOT_VALUE_MAX, c->freetext, &v, &r, &why);
        CU_ASSERT_EQUAL(rc, c->rc);
        if (c->rc == 0 && rc == 0) {
            CU_ASSERT_STRING_EQUAL(strbuf_str(&v), c->value);
            CU_ASSERT_EQUAL(v.len, strlen(c->value));
            CU_ASSERT_STRING_EQUAL(strbuf_str(&r), c->reason);
        } else if (c->rc != 0) {
            check_refused(rc, why, c->why);
            CU_ASSERT_STRING_EQUAL(strbuf_str(&v), "");
            CU_ASSERT_STRING_EQUAL(strbuf_str(&r), "");
        }
    }
    strbuf_release(&v);
    strbuf_release(&r);
}

static void test_split_value_length(void)
{
    static const struct { size_t len; int newline; int freetext; int rc; } cases[] = {
        { 4096, 0, 0, 0 },                /* exactly the limit */
        { 4096, 1, 0, 0 },                /* the limit plus its newline */
        { 4097, 0, 0, -1 },
        { 4097, 1, 1, -1 },
        { 1 << 20, 0, 0, -1 },            /* 1 MiB */
        { 1 << 20, 1, 1, -1 },
    };
    strbuf v = STRBUF_INIT, r = STRBUF_INIT;
    for (size_t i = 0; i < N_OF(cases); i++) {
        size_t n = cases[i].len + (cases[i].newline ? 1 : 0);
        char *buf = malloc(n);
        CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
        memset(buf, '7', cases[i].len);
        if (cases[i].newline)
            buf[n - 1] = '\n';
        const char *why = NULL;
        int rc = split_value(buf, n, DEPOT_VALUE_MAX, cases[i].freetext, &v, &r, &why);
        CU_ASSERT_EQUAL(rc, cases[i].rc);
        if (rc == 0) {
            CU_ASSERT_EQUAL(v.len, cases[i].len);
        } else {
            check_refused(rc, why, "longer than 4096 bytes");
        }
        free(buf);
    }
    /* A smaller limit is honoured too, with a reason of its own. */
    const char *why = NULL;
    CU_ASSERT_EQUAL(split_value("12345", 5, 4, 0, &v, &r, &why), -1);
    check_refused(-1, why, NULL);
    CU_ASSERT_EQUAL(split_value("1234\n", 5, 4, 0, &v, &r, &why), 0);
    /* A NUL inside a 1 MiB value is reported as a NUL. */
    char *big = malloc(1 << 20);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    memset(big, 'a', 1 << 20);
    big[1000] = '\0';
    CU_ASSERT_EQUAL(split_value(big, 1 << 20, DEPOT_VALUE_MAX, 1, &v, &r, &why), -1);
    check_refused(-1, why, "contains a NUL byte");
    free(big);
    strbuf_release(&v);
    strbuf_release(&r);
}

/* The value split and then parsed, as a store would: the SPEC's examples. */
static void test_split_then_parse(void)
{
    static const struct { const char *in; int rc; int relative; int64_t n; } counts[] = {
        { "-12: used at Chaotianmen fire\n", 0, 1, -12 },
        { "  +3  : x ", 0, 1, 3 },
        { "40\n", 0, 0, 40 },
        { "12\r\n", 0, 0, 12 },
        { "+ 3: x", -1, 0, 0 },
        { "forty: x", -1, 0, 0 },
        { "1 2\n", -1, 0, 0 },
    };
    strbuf v = STRBUF_INIT, r = STRBUF_INIT;
    for (size_t i = 0; i < N_OF(counts); i++) {
        int rel = -1;
        int64_t n = 0;
        int rc = split_value(counts[i].in, strlen(counts[i].in), DEPOT_VALUE_MAX, 0, &v, &r, NULL);
        if (rc == 0)
            rc = parse_count(strbuf_str(&v), &rel, &n, NULL);
        CU_ASSERT_EQUAL(rc, counts[i].rc);
        if (counts[i].rc == 0 && rc == 0) {
            CU_ASSERT_EQUAL(rel, counts[i].relative);
            CU_ASSERT_EQUAL(n, counts[i].n);
        }
    }
    CU_ASSERT_EQUAL(split_value("maintenance: pump seal leaking\n", 31, DEPOT_VALUE_MAX, 0,
                                &v, &r, NULL), 0);
    CU_ASSERT_EQUAL(parse_word(strbuf_str(&v), item_statuses, NULL), 2);
    CU_ASSERT_EQUAL(parse_word(strbuf_str(&v), vehicle_statuses, NULL), 2);
    CU_ASSERT_STRING_EQUAL(strbuf_str(&r), "pump seal leaking");
    strbuf_release(&v);
    strbuf_release(&r);
}

static CU_TestInfo tests[] = {
    { "parse_uint", test_uint },
    { "parse_count", test_count },
    { "parse_date", test_date },
    { "parse_year", test_year },
    { "parse_word", test_word },
    { "parse_slug", test_slug },
    { "utf8_valid", test_utf8 },
    { "split_value", test_split_value },
    { "split_value length limit", test_split_value_length },
    { "split then parse", test_split_then_parse },
    CU_TEST_INFO_NULL,
};

TEST_SUITE("parse", NULL, NULL, tests)
