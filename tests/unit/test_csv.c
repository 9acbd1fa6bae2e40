/*
 * test_csv.c: the CSV reader and writer (core/csv.c), from tables.
 *
 * Each reader case is input bytes and the records expected, rendered as
 * "LINE[field][field];LINE[field]" (the line each record begins on, then
 * its fields), or the line and words of the refusal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "testutil.h"

struct read_case {
    const char *input;
    size_t len;             /* 0: strlen(input) */
    const char *records;    /* NULL if refused */
    long error_line;
    const char *error;      /* a part of the refusal's words */
};

static const struct read_case read_cases[] = {
    { "a,b,c\n1,2,3\n", 0, "1[a][b][c];2[1][2][3]", 0, NULL },
    { "\xEF\xBB\xBFtag,model\nx,y\n", 0, "1[tag][model];2[x][y]", 0, NULL },
    { "a,b\r\n1,2\r\n", 0, "1[a][b];2[1][2]", 0, NULL },
    { "\xEF\xBB\xBF" "a,b\r\n1,2", 0, "1[a][b];2[1][2]", 0, NULL },
    { "a,b\n1,2", 0, "1[a][b];2[1][2]", 0, NULL },
    { "\"x,y\",z\n", 0, "1[x,y][z]", 0, NULL },
    { "\"say \"\"hi\"\"\",2\n", 0, "1[say \"hi\"][2]", 0, NULL },
    { "\"\"\"\"\n", 0, "1[\"]", 0, NULL },
    { "\"line1\nline2\",b\nc,d\n", 0, "1[line1\nline2][b];3[c][d]", 0, NULL },
    { "\"a\r\nb\",c\r\nd,e\r\n", 0, "1[a\r\nb][c];3[d][e]", 0, NULL },
    { ",,\n", 0, "1[][][]", 0, NULL },
    { "\"\",x\n", 0, "1[][x]", 0, NULL },
    { "a,\n", 0, "1[a][]", 0, NULL },
    { "a\n\n\r\nb\n\n", 0, "1[a];4[b]", 0, NULL },
    { "a\rb\r", 0, "1[a];2[b]", 0, NULL },
    { " a , b \n", 0, "1[ a ][ b ]", 0, NULL },
    { "\xEF\xBC\x88x\n", 0, "1[\xEF\xBC\x88x]", 0, NULL },
    { "\xEF\xBBx\n", 0, "1[\xEF\xBBx]", 0, NULL },
    { "渝A8773,备用气瓶\n", 0, "1[渝A8773][备用气瓶]", 0, NULL },
    { "", 0, "", 0, NULL },
    { "\xEF\xBB\xBF", 0, "", 0, NULL },
    { "\n\n", 0, "", 0, NULL },
    { "a,\"b\nc\nd\",e\nf\n", 0, "1[a][b\nc\nd][e];4[f]", 0, NULL },
    /* refusals, with the line where the fault lies */
    { "a,b\n\"open,\nmore\n", 0, NULL, 2, "never closed" },
    { "a\n\"x\ny\",b\n\"z\n", 0, NULL, 4, "never closed" },
    { "a\n\"x\"y,z\n", 0, NULL, 2, "closing quote" },
    { "a\nb\"c\n", 0, NULL, 2, "quote inside an unquoted field" },
    { "a\r\nb\r\nc,\"d\" \r\n", 0, NULL, 3, "closing quote" },
};

/* Reads all of input; renders the records into out, or returns -1 with
 * the reader's error line and words. */
static int read_all(const char *input, size_t len, strbuf *out, long *line, char *why, size_t n)
{
    FILE *f = len ? fmemopen((void *)input, len, "r") : fopen("/dev/null", "r");
    if (!f)
        return -2;
    csv_reader r;
    csv_reader_init(&r, f);
    int got, first = 1;
    while ((got = csv_read(&r)) > 0) {
        strbuf_addf(out, "%s%ld", first ? "" : ";", r.record_line);
        first = 0;
        for (size_t i = 0; i < r.nfields; i++) {
            strbuf_addch(out, '[');
            strbuf_add(out, r.field[i], r.len[i]);
            strbuf_addch(out, ']');
        }
    }
    if (got < 0) {
        *line = r.record_line;
        snprintf(why, n, "%s", r.error);
    }
    csv_reader_release(&r);
    fclose(f);
    return got;
}

static void test_read_table(void)
{
    for (size_t i = 0; i < sizeof read_cases / sizeof read_cases[0]; i++) {
        const struct read_case *c = &read_cases[i];
        strbuf out = STRBUF_INIT;
        long line = 0;
        char why[128] = "";
        size_t len = c->len ? c->len : strlen(c->input);
        int got = read_all(c->input, len, &out, &line, why, sizeof why);
        if (c->records) {
            if (got != 0 || strcmp(strbuf_str(&out), c->records))
                fprintf(stderr, "\ncsv case %zu: got %d '%s' (%s), want '%s'\n", i, got,
                        strbuf_str(&out), why, c->records);
            CU_ASSERT_EQUAL(got, 0);
            CU_ASSERT_STRING_EQUAL(strbuf_str(&out), c->records);
        } else {
            if (got != -1 || line != c->error_line || !strstr(why, c->error))
                fprintf(stderr, "\ncsv case %zu: got %d line %ld '%s', want line %ld '%s'\n",
                        i, got, line, why, c->error_line, c->error);
            CU_ASSERT_EQUAL(got, -1);
            CU_ASSERT_EQUAL(line, c->error_line);
            CU_ASSERT_PTR_NOT_NULL(strstr(why, c->error));
        }
        strbuf_release(&out);
    }
}

/* A NUL byte inside a field: the length says so. */
static void test_read_nul(void)
{
    static const char input[] = "a,b\0c\n";
    FILE *f = fmemopen((void *)input, sizeof input - 1, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    csv_reader r;
    csv_reader_init(&r, f);
    CU_ASSERT_EQUAL(csv_read(&r), 1);
    CU_ASSERT_EQUAL(r.nfields, 2);
    CU_ASSERT_EQUAL(r.len[1], 3);
    CU_ASSERT_EQUAL(strlen(r.field[1]), 1);
    CU_ASSERT_EQUAL(csv_read(&r), 0);
    csv_reader_release(&r);
    fclose(f);
}

/* More fields than a record may hold: refused, not overrun. */
static void test_read_too_many_fields(void)
{
    strbuf in = STRBUF_INIT, out = STRBUF_INIT;
    for (int i = 0; i < CSV_MAX_FIELDS + 1; i++)
        strbuf_addstr(&in, i ? ",x" : "x");
    strbuf_addch(&in, '\n');
    long line = 0;
    char why[128] = "";
    CU_ASSERT_EQUAL(read_all(in.buf, in.len, &out, &line, why, sizeof why), -1);
    CU_ASSERT_EQUAL(line, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "more than"));
    strbuf_release(&in);
    strbuf_release(&out);
}

struct write_case {
    const char *fields[4];
    size_t n;
    const char *row;
};

static const struct write_case write_cases[] = {
    { { "a", "b", "c" }, 3, "a,b,c\n" },
    { { "x,y", "z" }, 2, "\"x,y\",z\n" },
    { { "say \"hi\"" }, 1, "\"say \"\"hi\"\"\"\n" },
    { { "two\nlines", "" }, 2, "\"two\nlines\",\n" },
    { { "", "", "" }, 3, ",,\n" },
    { { "cr\rhere", NULL }, 2, "\"cr\rhere\",\n" },
    { { "渝A8773应急" }, 1, "渝A8773应急\n" },
};

/* Each row as written, and read back to the same fields. */
static void test_write_table(void)
{
    for (size_t i = 0; i < sizeof write_cases / sizeof write_cases[0]; i++) {
        const struct write_case *c = &write_cases[i];
        strbuf row = STRBUF_INIT;
        csv_add_row(&row, c->fields, c->n);
        CU_ASSERT_STRING_EQUAL(strbuf_str(&row), c->row);
        FILE *f = fmemopen(row.buf, row.len, "r");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        csv_reader r;
        csv_reader_init(&r, f);
        CU_ASSERT_EQUAL(csv_read(&r), 1);
        CU_ASSERT_EQUAL(r.nfields, c->n);
        for (size_t k = 0; k < c->n && k < r.nfields; k++)
            CU_ASSERT_STRING_EQUAL(r.field[k], c->fields[k] ? c->fields[k] : "");
        CU_ASSERT_EQUAL(csv_read(&r), 0);
        csv_reader_release(&r);
        fclose(f);
        strbuf_release(&row);
    }
}

static CU_TestInfo tests[] = {
    { "reader cases", test_read_table },
    { "NUL byte in a field", test_read_nul },
    { "too many fields", test_read_too_many_fields },
    { "writer cases and read back", test_write_table },
    CU_TEST_INFO_NULL,
};

TEST_SUITE("csv", NULL, NULL, tests)
