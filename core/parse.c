/*
 * parse.c: the strict value parsers (see parse.h).
 *
 * Everything a user writes to a file passes through here before it reaches
 * SQL, so each parser accepts exactly the documented form and nothing near
 * it: decimal digits only (no blanks, signs where not asked for, 0x,
 * exponents, fractions or overflow), real calendar dates, exact words of a
 * vocabulary.  The functions are pure (no database, no global state) and
 * every reason they give in *why is a static constant string, so they are
 * safe to call from any thread.  split_value() is the one place that turns
 * the bytes of a write into a value and a reason.
 */
#include "parse.h"

#include <string.h>

#include "depot.h"

const char *const item_statuses[] = { "in-service", "reserve", "maintenance", "out-of-service", "retired", NULL };
const char *const vehicle_statuses[] = { "in-service", "standby", "maintenance", "out-of-service", "retired", NULL };
const char *const site_states[] = { "operating", "under-construction", "planned", NULL };

/* Sets *why (if asked for) and returns -1: every refusal ends here. */
static int refuse(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int parse_uint(const char *s, int64_t *out, const char **why)
{
    int64_t v = 0;
    if (!s || !*s)
        return refuse(why, "empty number");
    for (const char *p = s; *p; p++) {
        if (!is_digit(*p))
            return refuse(why, "not a non-negative whole number (digits 0-9 only)");
        int digit = *p - '0';
        if (v > (INT64_MAX - digit) / 10)
            return refuse(why, "number too large");
        v = v * 10 + digit;
    }
    *out = v;
    return 0;
}

int parse_count(const char *s, int *relative, int64_t *n, const char **why)
{
    int64_t v;
    int sign = 0;
    if (!s || !*s)
        return refuse(why, "empty count");
    if (*s == '+' || *s == '-') {
        sign = *s == '-' ? -1 : 1;
        s++;
        if (!*s)
            return refuse(why, "a sign without a number");
    }
    if (parse_uint(s, &v, why) != 0)
        return -1;
    *relative = sign != 0;
    *n = sign < 0 ? -v : v;
    return 0;
}

/* The two-digit (or four-digit) decimal number at s, all digits checked. */
static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

int parse_date(const char *s, int *y, int *m, int *d, const char **why)
{
    int yy, mm, dd;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-'
        || digits(s, 4, &yy) || digits(s + 5, 2, &mm) || digits(s + 8, 2, &dd))
        return refuse(why, "not a date (YYYY-MM-DD)");
    if (yy < 1900)
        return refuse(why, "year before 1900");
    if (mm < 1 || mm > 12)
        return refuse(why, "no such month");
    if (dd < 1 || dd > days_in_month(yy, mm))
        return refuse(why, "no such day in that month");
    *y = yy;
    *m = mm;
    *d = dd;
    return 0;
}

int parse_year(const char *s, int *y, const char **why)
{
    int v;
    if (!s || strlen(s) != 4 || digits(s, 4, &v))
        return refuse(why, "not a year (four digits)");
    if (v < 1900)
        return refuse(why, "year before 1900");
    *y = v;
    return 0;
}

int parse_word(const char *s, const char *const *vocab, const char **why)
{
    for (int i = 0; s && vocab[i]; i++)
        if (!strcmp(s, vocab[i]))
            return i;
    if (vocab == item_statuses || vocab == vehicle_statuses)
        return refuse(why, "not a known status");
    if (vocab == site_states)
        return refuse(why, "not a known state");
    return refuse(why, "not a known word");
}

int parse_slug(const char *s, const char **why)
{
    size_t n = 0;
    if (!s || !*s)
        return refuse(why, "empty name");
    if (*s == '-')
        return refuse(why, "name starts with '-'");
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-'))
            return refuse(why, "name holds characters other than a-z, 0-9 and '-'");
        if (n >= 64)
            return refuse(why, "name longer than 64 characters");
    }
    return 0;
}

int utf8_valid(const char *buf, size_t len)
{
    if (!len)
        return 1;
    const unsigned char *p = (const unsigned char *)buf, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        size_t n;
        unsigned cp, min;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 2; cp = c & 0x1f; min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            n = 3; cp = c & 0x0f; min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            n = 4; cp = c & 0x07; min = 0x10000;
        } else {
            return 0;   /* a continuation byte first, or 0xf8..0xff */
        }
        if ((size_t)(end - p) < n)
            return 0;   /* truncated */
        for (size_t i = 1; i < n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;   /* overlong, beyond Unicode, or a surrogate */
        p += n;
    }
    return 1;
}

size_t utf8_bom_len(const char *buf, size_t len)
{
    return len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Appends s[0..n) to out without its leading and trailing blanks. */
static void add_trimmed(strbuf *out, const char *s, size_t n)
{
    while (n && is_blank(*s)) {
        s++;
        n--;
    }
    while (n && is_blank(s[n - 1]))
        n--;
    strbuf_add(out, s, n);
}

int split_value(const char *buf, size_t len, size_t max, int freetext,
                strbuf *value, strbuf *reason, const char **why)
{
    strbuf_reset(value);
    strbuf_reset(reason);
    strbuf_grow(value, 0);      /* both hold "" even after a refusal */
    strbuf_grow(reason, 0);
    if (!len)
        return freetext ? 0 : refuse(why, "empty value");
    if (memchr(buf, '\0', len))
        return refuse(why, "contains a NUL byte");
    /* A byte-order mark is not part of the value. */
    size_t bom = utf8_bom_len(buf, len);
    buf += bom;
    len -= bom;
    /* One line: drop its line end ("\n" or "\r\n") and any blank lines
     * after it (an editor's last Enter: a write of "12\n" then "\n" is
     * accepted too), then no line break may remain. */
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || is_blank(buf[len - 1])))
        len--;
    if (len > max)
        return refuse(why, max == DEPOT_VALUE_MAX ? "longer than 4096 bytes"
                                                  : "longer than the longest value allowed");
    if (!utf8_valid(buf, len))
        return refuse(why, "not valid UTF-8 text");
    if (memchr(buf, '\n', len) || memchr(buf, '\r', len))
        return refuse(why, "more than one value (several lines)");
    if (freetext) {
        add_trimmed(value, buf, len);
        return 0;
    }
    const char *colon = memchr(buf, ':', len);
    size_t vlen = colon ? (size_t)(colon - buf) : len;
    add_trimmed(value, buf, vlen);
    if (colon)
        add_trimmed(reason, colon + 1, len - vlen - 1);
    if (!value->len) {
        strbuf_reset(reason);
        return refuse(why, "empty value");
    }
    return 0;
}
