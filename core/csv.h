/*
 * csv: reading and writing comma-separated values as spreadsheets save them.
 *
 * The reader takes RFC 4180 text from a stdio stream, one record at a time,
 * so a file of a million rows needs memory for one row only.  It accepts
 * UTF-8 with or without a byte order mark, LF or CRLF line ends (a lone CR
 * ends a line too), and quoted fields holding commas, doubled quotes and
 * line breaks.  Lines that are entirely empty are skipped (spreadsheets
 * leave them at the end).  It refuses, with the line number, what cannot be
 * read unambiguously: a quoted field never closed, a character after a
 * closing quote other than a comma or a line end, and a quote inside an
 * unquoted field.  It says nothing about what the fields mean: checking
 * UTF-8 and the values is the caller's business (core/io.c).
 *
 * Writing is strbuf_add_csv() (core/strbuf.h) per field plus csv_add_row()
 * for a whole record.
 */
#ifndef DEPOT_CSV_H
#define DEPOT_CSV_H

#include <stdio.h>

#include "strbuf.h"

#define CSV_MAX_FIELDS 256

typedef struct csv_reader {
    FILE *in;                   /* not owned */
    long line;                  /* the physical line of the next byte, from 1 */
    long record_line;           /* the line the last record began on */
    long long bytes;            /* bytes consumed so far (for progress) */
    int at_start;               /* nothing read yet (a BOM may follow) */
    int npushed;                /* bytes pushed back, read before the stream */
    int pushed[4];
    strbuf text;                /* the record's fields, each NUL-terminated */
    size_t nfields;
    size_t start[CSV_MAX_FIELDS];
    size_t len[CSV_MAX_FIELDS];
    const char *field[CSV_MAX_FIELDS];  /* valid until the next csv_read */
    char error[128];            /* why csv_read returned -1 */
} csv_reader;

/* Prepares r to read from in (which stays the caller's). */
void csv_reader_init(csv_reader *r, FILE *in);
/* Frees r's memory. */
void csv_reader_release(csv_reader *r);

/*
 * Reads the next record.  Returns 1 with r->nfields fields in r->field[]
 * (NUL-terminated; r->len[] holds each length, which is shorter than
 * strlen() only if the field holds a NUL byte) and r->record_line set; 0 at
 * the end of the input; -1 if the input is malformed (or unreadable, or a
 * record has more than CSV_MAX_FIELDS fields), with r->error naming the
 * fault and r->record_line the line where it lies.  After -1, stop reading.
 */
int csv_read(csv_reader *r);

/* Appends the n fields as one CSV record ending in "\n" to out. */
void csv_add_row(strbuf *out, const char *const *fields, size_t n);

#endif
