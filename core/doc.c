/*
 * doc.c: framing of whole-document writes.
 *
 * A plan or a delivery note may reach the depot in several write() calls
 * (cp writes in 128 KiB pieces).  depot_doc_complete() tells the front end
 * whether the bytes so far already form a document (store it now, and refuse
 * it at this write if it is invalid), could still become one (wait for more),
 * or never can (refuse now).  It decides with jansson's own parser, which
 * tells a document cut short from one that is wrong.
 *
 * Jansson reports "premature end of input" only when the cut falls between
 * tokens or inside a string.  A write may also end inside a token: in a
 * number after its sign, point or exponent ("1e"), inside a literal ("tru"),
 * inside an escape ("\u00") or inside a multi-byte UTF-8 character.  Jansson
 * calls those invalid, so when it refuses, the tail is looked at: if it is
 * such a cut token (or an integer too large that a point or an exponent
 * could still make a real number), it is completed in a valid way and the
 * result parsed again; a document that parses or is cut short then is a
 * valid beginning.  (Found by tests/fuzz/fuzz_json_complete.c.)
 */
#include <jansson.h>
#include <string.h>

#include "depot.h"
#include "parse.h"
#include "strbuf.h"

#define DOC_FLAGS (JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)

/* 1 parses, 0 cut short, -1 wrong: jansson's verdict on buf[0..len). */
static int parse(const char *buf, size_t len)
{
    json_error_t err;
    json_t *j = json_loadb(buf, len, DOC_FLAGS, &err);
    if (j) {
        json_decref(j);
        return 1;
    }
    /* Empty input and a document cut short are both "premature end". */
    return json_error_code(&err) == json_error_premature_end_of_input ? 0 : -1;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* How many bytes at the end of s[0..len) are the start of a UTF-8
 * character cut short, valid so far (Unicode Table 3-7); 0 if none. */
static size_t cut_utf8(const unsigned char *s, size_t len)
{
    for (size_t k = 1; k <= 3 && k <= len; k++) {
        unsigned char b = s[len - k];
        if ((b & 0xc0) == 0x80)
            continue;           /* a continuation byte: look further back */
        size_t need = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3
                    : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
        if (need <= k)
            return 0;           /* not a lead byte, or the character is whole */
        if (k >= 2) {
            unsigned char c = s[len - k + 1];
            unsigned char lo = b == 0xe0 ? 0xa0 : b == 0xf0 ? 0x90 : 0x80;
            unsigned char hi = b == 0xed ? 0x9f : b == 0xf4 ? 0x8f : 0xbf;
            if (c < lo || c > hi)
                return 0;
        }
        return k;
    }
    return 0;
}

/* Is s[0..n) a "\uXXXX" escape of a high surrogate (D800-DBFF)? */
static int high_surrogate(const char *s, size_t n)
{
    if (n != 6 || s[0] != '\\' || s[1] != 'u')
        return 0;
    int v = 0;
    for (int i = 2; i < 6; i++) {
        int h = hexval((unsigned char)s[i]);
        if (h < 0)
            return 0;
        v = v * 16 + h;
    }
    return v >= 0xd800 && v <= 0xdbff;
}

/*
 * If buf[0..len) ends inside a token, sets out to buf with that token
 * completed (or, for a cut UTF-8 character inside a string, removed) and
 * returns 1; otherwise returns 0.
 */
static int complete_tail(const char *buf, size_t len, strbuf *out)
{
    const unsigned char *s = (const unsigned char *)buf;
    int in_string = 0;
    size_t esc = (size_t)-1;        /* where the last escape in a string began */
    for (size_t i = 0; i < len; i++) {
        if (!in_string) {
            in_string = s[i] == '"';
        } else if (s[i] == '\\') {
            esc = i++;
        } else if (s[i] == '"') {
            in_string = 0;
        }
    }
    if (in_string) {
        size_t cut = cut_utf8(s, len);
        if (cut) {
            strbuf_add(out, buf, len - cut);
            return 1;
        }
        if (esc == (size_t)-1)
            return 0;
        if (esc == len - 1) {                   /* a lone backslash */
            strbuf_add(out, buf, len);
            strbuf_addch(out, 'n');
            return 1;
        }
        if (s[esc + 1] != 'u' || len - esc >= 6)
            return 0;
        /* "\u" and fewer than four hex digits: pad them into a character
         * allowed there (a low surrogate after a high one; never \u0000). */
        const char *pad = esc >= 6 && high_surrogate(buf + esc - 6, 6) ? "dc00" : "1111";
        size_t have = len - esc - 2;
        strbuf_add(out, buf, len);
        if (have == 1 && pad[0] == 'd' && (s[esc + 2] == 'd' || s[esc + 2] == 'D'))
            strbuf_addstr(out, "c00");
        else
            strbuf_addstr(out, pad + have);
        return 1;
    }
    /* Outside strings: the trailing run of characters a number or a
     * literal is made of. */
    size_t start = len;
    while (start > 0 && strchr("0123456789+-.eEtrufalsn", buf[start - 1]) && buf[start - 1])
        start--;
    size_t n = len - start;
    if (!n)
        return 0;
    static const char *const literals[] = { "true", "false", "null" };
    for (size_t i = 0; i < 3; i++) {
        if (n < strlen(literals[i]) && !strncmp(buf + start, literals[i], n)) {
            strbuf_add(out, buf, len);
            strbuf_addstr(out, literals[i] + n);
            return 1;
        }
    }
    /* A number cut after its sign, point, 'e' or exponent sign needs a digit. */
    if (strchr("-+.eE", buf[len - 1])) {
        strbuf_add(out, buf, len);
        strbuf_addch(out, '0');
        return 1;
    }
    /* An integer too large for jansson may still become a real number
     * ("833333333333333333333" of "833333333333333333333.5e-3"). */
    if (buf[len - 1] >= '0' && buf[len - 1] <= '9' && !memchr(buf + start, 'e', n)
        && !memchr(buf + start, 'E', n)) {
        strbuf_add(out, buf, len);
        strbuf_addstr(out, "e-400");
        return 1;
    }
    return 0;
}

int depot_doc_complete(const char *buf, size_t len)
{
    /* A byte-order mark before the document is skipped (plan.c does too);
     * one still cut short is a beginning. */
    if (len < 3 && !memcmp(buf, "\xef\xbb\xbf", len))
        return 0;
    size_t bom = utf8_bom_len(buf, len);
    buf += bom;
    len -= bom;
    int r = parse(buf, len);
    if (r >= 0)
        return r;
    strbuf more = STRBUF_INIT;
    if (complete_tail(buf, len, &more))
        r = parse(more.buf ? more.buf : "", more.len) >= 0 ? 0 : -1;
    strbuf_release(&more);
    return r;
}
