/*
 * csv.c: an RFC 4180 reader over a stdio stream, one record at a time, and
 * the record writer.  See csv.h for what is accepted and refused.
 *
 * The reader is a small state machine over bytes (getc_unlocked: a million
 * rows are read in well under a second).  Each field's bytes are appended to
 * one strbuf, NUL-terminated, and the field pointers are set once the record
 * is complete, since the buffer may move while it grows.
 */
#include "csv.h"

#include <string.h>

void csv_reader_init(csv_reader *r, FILE *in)
{
    memset(r, 0, sizeof *r);
    r->in = in;
    r->line = 1;
    r->at_start = 1;
    strbuf_init(&r->text);
}

void csv_reader_release(csv_reader *r)
{
    strbuf_release(&r->text);
}

/* The next byte (or EOF), counting bytes and lines. */
static int next(csv_reader *r)
{
    int c;
    if (r->npushed)
        c = r->pushed[--r->npushed];
    else if ((c = getc_unlocked(r->in)) != EOF)
        r->bytes++;
    if (c == '\n')
        r->line++;
    return c;
}

/* Pushes c back (up to 4 bytes; EOF is not pushed). */
static void push(csv_reader *r, int c)
{
    if (c == EOF)
        return;
    if (c == '\n')
        r->line--;
    r->pushed[r->npushed++] = c;
}

/* Skips a UTF-8 byte order mark at the start of the input. */
static void skip_bom(csv_reader *r)
{
    int a = next(r), b, c;
    if (a != 0xEF) {
        push(r, a);
        return;
    }
    b = next(r);
    if (b == 0xBB) {
        c = next(r);
        if (c == 0xBF)
            return;
        push(r, c);
    }
    push(r, b);
    push(r, a);
}

static int fail(csv_reader *r, long line, const char *why)
{
    r->record_line = line;
    snprintf(r->error, sizeof r->error, "%s", why);
    return -1;
}

/* Ends the current field: records its start and length, adds the NUL. */
static int end_field(csv_reader *r, size_t start)
{
    if (r->nfields == CSV_MAX_FIELDS)
        return fail(r, r->record_line, "more than 256 fields in a record");
    r->start[r->nfields] = start;
    r->len[r->nfields] = r->text.len - start;
    r->nfields++;
    strbuf_addch(&r->text, '\0');
    return 0;
}

int csv_read(csv_reader *r)
{
    int c;
    if (r->at_start) {
        r->at_start = 0;
        skip_bom(r);
    }
    strbuf_reset(&r->text);
    r->nfields = 0;
    /* blank lines are no records */
    do {
        r->record_line = r->line;
        c = next(r);
        if (c == '\r') {
            int n = next(r);
            if (n != '\n') {
                push(r, n);
                r->line++;
            }
        }
    } while (c == '\n' || c == '\r');
    if (c == EOF)
        return ferror(r->in) ? fail(r, r->line, "cannot read the input") : 0;

    for (;;) {
        size_t start = r->text.len;
        if (c == '"') {
            long opened = r->line;
            for (;;) {
                c = next(r);
                if (c == EOF)
                    return fail(r, opened, "quoted field is never closed (a '\"' is missing)");
                if (c == '"') {
                    c = next(r);
                    if (c != '"')
                        break;
                }
                strbuf_addch(&r->text, (char)c);
            }
            if (c != ',' && c != '\n' && c != '\r' && c != EOF)
                return fail(r, r->line, "a closing quote must end the field"
                                        " (write a quote inside a field as \"\")");
        } else {
            while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
                if (c == '"')
                    return fail(r, r->line, "quote inside an unquoted field"
                                            " (quote the whole field and double the quote)");
                strbuf_addch(&r->text, (char)c);
                c = next(r);
            }
        }
        if (end_field(r, start) != 0)
            return -1;
        if (c != ',')
            break;
        c = next(r);
    }
    if (c == '\r') {
        c = next(r);
        if (c != '\n') {
            push(r, c);
            r->line++;
        }
    }
    if (c == EOF && ferror(r->in))
        return fail(r, r->line, "cannot read the input");
    for (size_t i = 0; i < r->nfields; i++)
        r->field[i] = r->text.buf + r->start[i];
    return 1;
}

void csv_add_row(strbuf *out, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_addch(out, ',');
        strbuf_add_csv(out, fields[i] ? fields[i] : "");
    }
    strbuf_addch(out, '\n');
}
