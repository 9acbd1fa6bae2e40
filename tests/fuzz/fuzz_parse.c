/*
 * fuzz_parse.c: the value parsers (core/parse.c) on arbitrary bytes.
 *
 * Every parser gets the input as a C string (cut at the first NUL) and
 * split_value gets the raw bytes.  Besides not crashing, each accepted
 * value must be what the parser's contract says: a number that prints back
 * as its digits, a date that prints back as itself, a slug of the allowed
 * characters, a split value that is one trimmed line of valid UTF-8.
 * utf8_valid is compared with an independent decoder written from the
 * Unicode table of well-formed byte sequences (Table 3-7).
 */
#include "fuzz.h"

#include "parse.h"

/* Unicode 15, Table 3-7: the well-formed UTF-8 byte sequences. */
static int utf8_reference(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char b = s[i];
        unsigned char lo = 0x80, hi = 0xbf;
        size_t k;
        if (b <= 0x7f) {
            i++;
            continue;
        }
        if (b >= 0xc2 && b <= 0xdf)
            k = 1;
        else if (b >= 0xe0 && b <= 0xef) {
            k = 2;
            if (b == 0xe0)
                lo = 0xa0;
            if (b == 0xed)
                hi = 0x9f;
        } else if (b >= 0xf0 && b <= 0xf4) {
            k = 3;
            if (b == 0xf0)
                lo = 0x90;
            if (b == 0xf4)
                hi = 0x8f;
        } else
            return 0;
        if (n - i - 1 < k)
            return 0;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t j = 2; j <= k; j++)
            if (s[i + j] < 0x80 || s[i + j] > 0xbf)
                return 0;
        i += k + 1;
    }
    return 1;
}

static void check_uint(const char *s)
{
    int64_t v;
    const char *why = NULL;
    char buf[32];
    if (parse_uint(s, &v, &why) != 0) {
        FUZZ_ASSERT(why && *why);
        return;
    }
    FUZZ_ASSERT(v >= 0);
    while (s[0] == '0' && s[1])
        s++;
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    FUZZ_ASSERT(!strcmp(buf, s));
}

static void check_count(const char *s)
{
    int relative = -1;
    int64_t n, u;
    const char *why = NULL;
    if (parse_count(s, &relative, &n, &why) != 0) {
        FUZZ_ASSERT(why && *why);
        return;
    }
    int signed_ = s[0] == '+' || s[0] == '-';
    FUZZ_ASSERT(relative == signed_);
    FUZZ_ASSERT(parse_uint(s + signed_, &u, NULL) == 0);
    FUZZ_ASSERT(s[0] == '-' ? n == -u : n == u);
}

static void check_date(const char *s)
{
    int y, m, d;
    const char *why = NULL;
    char buf[64];
    if (parse_date(s, &y, &m, &d, &why) != 0) {
        FUZZ_ASSERT(why && *why);
        return;
    }
    FUZZ_ASSERT(y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    FUZZ_ASSERT(!strcmp(buf, s));
    if (parse_year(s, &y, NULL) == 0)
        FUZZ_ASSERT(0);     /* a date is never a year */
}

static void check_year(const char *s)
{
    int y;
    char buf[16];
    if (parse_year(s, &y, NULL) != 0)
        return;
    snprintf(buf, sizeof buf, "%04d", y);
    FUZZ_ASSERT(y >= 1900 && !strcmp(buf, s));
}

static void check_word(const char *s)
{
    const char *const *vocabs[] = { item_statuses, vehicle_statuses, site_states };
    for (size_t v = 0; v < sizeof vocabs / sizeof vocabs[0]; v++) {
        const char *why = NULL;
        int i = parse_word(s, vocabs[v], &why);
        if (i >= 0)
            FUZZ_ASSERT(!strcmp(vocabs[v][i], s));
        else
            FUZZ_ASSERT(i == -1 && why && *why);
    }
}

static void check_slug(const char *s)
{
    const char *why = NULL;
    size_t n = strlen(s);
    if (parse_slug(s, &why) != 0) {
        FUZZ_ASSERT(why && *why);
        return;
    }
    FUZZ_ASSERT(n >= 1 && n <= 64 && s[0] != '-');
    FUZZ_ASSERT(strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static void check_split(const char *buf, size_t len, size_t max, int freetext)
{
    strbuf value = STRBUF_INIT, reason = STRBUF_INIT;
    const char *why = NULL;
    int rc = split_value(buf, len, max, freetext, &value, &reason, &why);
    FUZZ_ASSERT(strbuf_str(&value) && strbuf_str(&reason));
    if (rc != 0) {
        FUZZ_ASSERT(rc == -1 && why && *why);
        goto out;
    }
    const char *v = strbuf_str(&value), *r = strbuf_str(&reason);
    FUZZ_ASSERT(value.len <= max && value.len <= len && reason.len <= len);
    FUZZ_ASSERT(!memchr(v, '\0', value.len) && !memchr(v, '\n', value.len)
                && !memchr(v, '\r', value.len));
    FUZZ_ASSERT(!memchr(r, '\n', reason.len) && !memchr(r, '\r', reason.len));
    FUZZ_ASSERT(utf8_valid(v, value.len) && utf8_valid(r, reason.len));
    if (value.len)
        FUZZ_ASSERT(!is_blank(v[0]) && !is_blank(v[value.len - 1]));
    if (reason.len)
        FUZZ_ASSERT(!is_blank(r[0]) && !is_blank(r[reason.len - 1]));
    if (freetext) {
        FUZZ_ASSERT(reason.len == 0);
    } else {
        FUZZ_ASSERT(value.len > 0 && !memchr(v, ':', value.len));
        FUZZ_ASSERT(memmem(buf, len, v, value.len) != NULL);
    }
    /* The whole input was one line, valid UTF-8, without NUL. */
    FUZZ_ASSERT(!memchr(buf, '\0', len));
out:
    strbuf_release(&value);
    strbuf_release(&reason);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    FUZZ_ASSERT(utf8_valid((const char *)data, size) == utf8_reference(data, size));
    check_uint(s);
    check_count(s);
    check_date(s);
    check_year(s);
    check_word(s);
    check_slug(s);
    check_split((const char *)data, size, DEPOT_VALUE_MAX, 0);
    check_split((const char *)data, size, DEPOT_VALUE_MAX, 1);
    check_split((const char *)data, size, 16, 0);
    free(s);
    return 0;
}
