/*
 * report.c: the depot's reports, summaries and logs, all computed live.
 *
 * reports/ holds five reports (low-stock, due-inspection, end-of-life,
 * plan-execution, indicators), each as aligned text for people and as CSV
 * (header row, "\n" line ends) for scripts.  Both come from the same table
 * of cells, so they always agree.  Text columns are padded by display width:
 * a Chinese character takes two columns in a terminal, so names and units in
 * Chinese still line up.  stations/<site>/summary and reserves/<module>/summary
 * are small reports of one object.
 *
 * Dates are compared with depot_today(), so "-o today=" fixes every report.
 * Item queries walk the equipment categories (a few tens) and take index
 * ranges of item(category_id, acquired) and item(category_id,
 * coalesce(last_inspection, acquired)), so a report reads the items it shows
 * and few others, at 25,000 items as at 2,000,000.
 *
 * log/changes and log/errors render the journal and the refusal table; this
 * file is also the one place that records a refusal (depot_log_refusal).
 * Every text from a user is made printable on the way in or out, so a log
 * line is always one line.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plan.h"

/* Longest refused value kept in log/errors, in bytes of printable text. */
#define REFUSAL_VALUE_MAX 200
/* Days ahead that due-inspection looks. */
#define DUE_AHEAD_DAYS 30

/* ---- text helpers ---- */

/* Length of the valid UTF-8 sequence at s (at most n bytes), its code point
 * in *cp; 0 if the bytes there are not valid UTF-8. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2, min = 0x80, c &= 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, min = 0x800, c &= 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

/* Terminal columns of code point c: 2 for East Asian wide characters. */
static int cp_width(unsigned c)
{
    if ((c >= 0x0300 && c <= 0x036f) || c == 0x200b)
        return 0;
    if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e)
        || (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf)
        || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf)
        || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff)
        || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60)
        || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd))
        return 2;
    return 1;
}

/* Terminal columns that s takes (an invalid byte counts as one). */
static size_t display_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), w = 0;
    while (n) {
        unsigned cp;
        size_t k = utf8_seq(p, n, &cp);
        if (!k) {
            k = 1;
            cp = '?';
        }
        w += (size_t)cp_width(cp);
        p += k;
        n -= k;
    }
    return w;
}

/*
 * Appends buf[0..len) made printable: NUL as \0, other control bytes and
 * bytes that are not valid UTF-8 as \xNN, a backslash doubled if
 * backslashes (so that the text reads back unambiguously); valid UTF-8 is
 * kept.  Stops before the printable text would pass max bytes and then
 * notes the whole length: "... (1048576 bytes in all)".
 */
static void add_escaped(strbuf *out, const char *buf, size_t len, size_t max, int backslashes)
{
    const unsigned char *p = (const unsigned char *)buf;
    size_t i = 0, used = 0;
    while (i < len) {
        char esc[8];
        const char *piece = esc;
        size_t k = 1, plen;
        unsigned cp;
        if (p[i] == 0) {
            memcpy(esc, "\\0", 3);
        } else if (p[i] == '\\' && backslashes) {
            memcpy(esc, "\\\\", 3);
        } else if (p[i] < 0x20 || p[i] == 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02x", p[i]);
        } else if ((k = utf8_seq(p + i, len - i, &cp)) != 0) {
            piece = buf + i;
        } else {
            k = 1;
            snprintf(esc, sizeof esc, "\\x%02x", p[i]);
        }
        plen = piece == esc ? strlen(esc) : k;
        if (used + plen > max) {
            strbuf_addf(out, "... (%zu bytes in all)", len);
            return;
        }
        strbuf_add(out, piece, plen);
        used += plen;
        i += k;
    }
}

/* Appends a time stamp in ns as local time, "2026-11-30T14:03:12+0800". */
static void add_time(strbuf *out, int64_t ns)
{
    time_t t = (time_t)(ns / 1000000000);
    struct tm tm;
    char buf[40];
    if (ns < 0)
        t = (time_t)((ns - 999999999) / 1000000000);
    localtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
    strbuf_addstr(out, buf);
}

/* Appends a REAL column as the shortest decimal ("1", "1.16"), "none" for NULL. */
static void add_real(strbuf *out, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        strbuf_addstr(out, "none");
    else
        strbuf_addf(out, "%g", sqlite3_column_double(st, col));
}

/* add_escaped() with every backslash doubled: for values a user wrote. */
static void add_printable(strbuf *out, const char *buf, size_t len, size_t max)
{
    add_escaped(out, buf, len, max, 1);
}

/* add_escaped() keeping backslashes: for our own words and for text stored
 * printable already, so that it is not escaped twice. */
static void add_sanitized(strbuf *out, const char *buf, size_t len)
{
    add_escaped(out, buf, len, (size_t)-1, 0);
}

/* ---- tables: one set of cells, rendered as aligned text or CSV ---- */

/* Cells are only ever read in order, so they are kept back to back, each
 * ending in NUL, with no index: a report of 1,000,000 rows holds its text
 * once (an offset per cell was another 8 bytes for each of 6,000,000). */
struct table {
    size_t ncol;
    const char *const *head;    /* ncol column names */
    const char *align;          /* ncol letters: 'l' left, 'r' right */
    strbuf cells;               /* every cell, each ending in NUL */
    size_t n;                   /* cells held */
};

static void table_init(struct table *t, size_t ncol, const char *const *head, const char *align)
{
    memset(t, 0, sizeof *t);
    t->ncol = ncol;
    t->head = head;
    t->align = align;
}

static void table_release(struct table *t)
{
    strbuf_release(&t->cells);
    t->n = 0;
}

static size_t table_rows(const struct table *t)
{
    return t->n / t->ncol;
}

/* The first cell, and the cell after cell c. */
static const char *table_first(const struct table *t)
{
    return strbuf_str(&t->cells);
}

static const char *table_next(const char *c)
{
    return c + strlen(c) + 1;
}

/* Appends the next cell (rows fill left to right). */
__attribute__((format(printf, 2, 3)))
static void table_cellf(struct table *t, const char *fmt, ...)
{
    va_list ap;
    t->n++;
    va_start(ap, fmt);
    strbuf_vaddf(&t->cells, fmt, ap);
    va_end(ap);
    strbuf_addch(&t->cells, '\0');
}

static void table_cell(struct table *t, const char *s)
{
    table_cellf(t, "%s", s ? s : "");
}

/* Appends a text column of the current row of st as the next cell ("none" for NULL). */
static void table_col(struct table *t, sqlite3_stmt *st, int col)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    table_cell(t, s ? s : "none");
}

/* Appends one aligned line of text (the ncol cells), without trailing blanks. */
static void table_line(const struct table *t, strbuf *out, const char *indent,
                       const size_t *width, const char *const *cells)
{
    size_t start = out->len;
    strbuf_addstr(out, indent);
    for (size_t c = 0; c < t->ncol; c++) {
        size_t w = display_width(cells[c]);
        size_t pad = width[c] > w ? width[c] - w : 0;
        if (c)
            strbuf_addstr(out, "  ");
        if (t->align[c] == 'r')
            for (size_t i = 0; i < pad; i++)
                strbuf_addch(out, ' ');
        strbuf_addstr(out, cells[c]);
        if (t->align[c] != 'r')
            for (size_t i = 0; i < pad; i++)
                strbuf_addch(out, ' ');
    }
    while (out->len > start && out->buf[out->len - 1] == ' ')
        out->len--;
    out->buf[out->len] = '\0';
    strbuf_addch(out, '\n');
}

/* The table as text: a header line and one line per row, columns padded to
 * their display width and two blanks apart; "none" instead if it is empty. */
static void table_text(const struct table *t, strbuf *out, const char *indent)
{
    size_t rows = table_rows(t);
    size_t *width = calloc(t->ncol, sizeof *width);
    const char **cells = calloc(t->ncol, sizeof *cells);
    if (!width || !cells)
        abort();
    if (!rows) {
        strbuf_addf(out, "%snone\n", indent);
        goto out;
    }
    for (size_t c = 0; c < t->ncol; c++)
        width[c] = display_width(t->head[c]);
    const char *cell = table_first(t);
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < t->ncol; c++, cell = table_next(cell)) {
            size_t w = display_width(cell);
            if (w > width[c])
                width[c] = w;
        }
    table_line(t, out, indent, width, t->head);
    cell = table_first(t);
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < t->ncol; c++, cell = table_next(cell))
            cells[c] = cell;
        table_line(t, out, indent, width, cells);
    }
out:
    free(width);
    free(cells);
}

/* The table as CSV: the header row, then the rows; "\n" line ends. */
static void table_csv(const struct table *t, strbuf *out)
{
    for (size_t c = 0; c < t->ncol; c++) {
        if (c)
            strbuf_addch(out, ',');
        strbuf_add_csv(out, t->head[c]);
    }
    strbuf_addch(out, '\n');
    const char *cell = table_first(t);
    for (size_t r = 0; r < table_rows(t); r++) {
        for (size_t c = 0; c < t->ncol; c++, cell = table_next(cell)) {
            if (c)
                strbuf_addch(out, ',');
            strbuf_add_csv(out, cell);
        }
        strbuf_addch(out, '\n');
    }
}

/* Renders a one-table report: text has a title line and a blank line first. */
static void table_out(const struct table *t, int csv, const char *title, strbuf *out)
{
    if (csv) {
        table_csv(t, out);
        return;
    }
    strbuf_addf(out, "%s\n\n", title);
    table_text(t, out, "");
}

/* ---- the reports ---- */

static int report_low_stock(depot *d, int csv, strbuf *out)
{
    static const char *const head[] = { "module", "line", "count", "minimum", "target",
                                        "shortfall", "unit" };
    struct table t;
    table_init(&t, 7, head, "llrrrrl");
    /* Reserve lines are few (tens): a scan is the index. */
    sqlite3_stmt *st = depot_stmt(d,
        "SELECT m.slug, l.slug, l.count, l.minimum, l.target, max(l.target - l.count, 0), l.unit"
        " FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id"
        " WHERE l.count < l.minimum ORDER BY m.id, l.id");
    if (!st)
        return DEPOT_EIO;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (int c = 0; c < 7; c++)
            table_col(&t, st, c);
    if (rc != SQLITE_DONE) {
        table_release(&t);
        return depot_sqlfail(d, "cannot read the reserve");
    }
    table_out(&t, csv, "low stock: reserve lines below their minimum (shortfall to target)", out);
    table_release(&t);
    return DEPOT_OK;
}

static int report_due_inspection(depot *d, int csv, strbuf *out)
{
    static const char *const head[] = { "tag", "category", "station", "last-inspection",
                                        "next-inspection", "days-overdue" };
    char today[11], title[200];
    struct table t;
    depot_today(d, today);
    table_init(&t, 6, head, "lllllr");
    /* For each equipment category (the outer loop), a range of the index
     * item(category_id, coalesce(last_inspection, acquired)): next =
     * base + interval <= today + 30 days  <=>  base <= today + 30 - interval.
     * The index is named: the planner would rather scan schema 003's
     * partial index of the items not retired, all of them. */
    sqlite3_stmt *st = depot_stmt(d,
        "SELECT i.tag, c.slug, s.slug, i.last_inspection,"
        " date(coalesce(i.last_inspection, i.acquired), '+' || c.inspection_interval || ' days')"
        "   AS next,"
        " CAST(julianday(?1) - julianday(coalesce(i.last_inspection, i.acquired))"
        "   - c.inspection_interval AS INTEGER)"
        " FROM category c"
        " JOIN item i INDEXED BY item_inspection"
        "   ON i.category_id = c.id AND coalesce(i.last_inspection, i.acquired)"
        "   <= date(?1, '+' || ?2 || ' days', '-' || c.inspection_interval || ' days')"
        " JOIN site s ON s.id = i.station_id"
        " WHERE c.kind = 'equipment' AND i.status <> 'retired'"
        " ORDER BY next, i.id");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, today, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, DUE_AHEAD_DAYS);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (int c = 0; c < 6; c++)
            table_col(&t, st, c);
    if (rc != SQLITE_DONE) {
        table_release(&t);
        return depot_sqlfail(d, "cannot read the items");
    }
    snprintf(title, sizeof title,
             "due for inspection: items whose next inspection is overdue or due within %d days"
             " of %s, oldest first (negative days-overdue: days left)", DUE_AHEAD_DAYS, today);
    table_out(&t, csv, title, out);
    table_release(&t);
    return DEPOT_OK;
}

static int report_end_of_life(depot *d, int csv, strbuf *out)
{
    static const char *const head[] = { "tag", "category", "station", "status", "acquired",
                                        "expires" };
    char today[11], title[160];
    struct table t;
    depot_today(d, today);
    table_init(&t, 6, head, "llllll");
    /* expires = acquired + life years <= today.  The first bound (a little
     * wide, for 29 February) is a range of item(category_id, acquired),
     * named for the reason given in report_due_inspection; the second is
     * the exact rule. */
    sqlite3_stmt *st = depot_stmt(d,
        "SELECT i.tag, c.slug, s.slug, i.status, i.acquired,"
        " date(i.acquired, '+' || c.service_life || ' years') AS expires"
        " FROM category c"
        " JOIN item i INDEXED BY item_acquired ON i.category_id = c.id"
        "   AND i.acquired <= date(?1, '-' || c.service_life || ' years', '+3 days')"
        " JOIN site s ON s.id = i.station_id"
        " WHERE c.kind = 'equipment' AND i.status <> 'retired'"
        "   AND date(i.acquired, '+' || c.service_life || ' years') <= ?1"
        " ORDER BY expires, i.id");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, today, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (int c = 0; c < 6; c++)
            table_col(&t, st, c);
    if (rc != SQLITE_DONE) {
        table_release(&t);
        return depot_sqlfail(d, "cannot read the items");
    }
    snprintf(title, sizeof title,
             "end of life: items not retired whose service life ended on or before %s", today);
    table_out(&t, csv, title, out);
    table_release(&t);
    return DEPOT_OK;
}

/* Sets *pop to the setting 'population' (0 if absent or not a number). */
static int population(depot *d, double *pop)
{
    sqlite3_stmt *st = depot_stmt(d,
        "SELECT CAST(value AS REAL) FROM setting WHERE key = 'population'"
        " AND value GLOB '[0-9]*' AND value NOT GLOB '*[^0-9]*'");
    if (!st)
        return DEPOT_EIO;
    int rc = sqlite3_step(st);
    *pop = rc == SQLITE_ROW ? sqlite3_column_double(st, 0) : 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return depot_sqlfail(d, "cannot read the settings");
    sqlite3_reset(st);
    return DEPOT_OK;
}

/* The live figure of an indicator's measure into out ("n/a" when the depot
 * cannot compute it). */
static int measure_now(depot *d, const char *measure, double pop, strbuf *out)
{
    sqlite3_stmt *st;
    double scale;
    if (!strcmp(measure, "vehicles-per-10k")) {
        st = depot_stmt(d, "SELECT count(*) FROM vehicle WHERE status <> 'retired'");
        scale = 10000;
    } else if (!strcmp(measure, "stations-per-100k")) {
        st = depot_stmt(d, "SELECT count(*) FROM site"
                           " WHERE kind IN ('station', 'small-station') AND state = 'operating'");
        scale = 100000;
    } else {
        strbuf_addstr(out, "n/a");
        return DEPOT_OK;
    }
    if (!st)
        return DEPOT_EIO;
    if (sqlite3_step(st) != SQLITE_ROW)
        return depot_sqlfail(d, "cannot compute an indicator");
    if (pop <= 0)
        strbuf_addstr(out, "n/a");
    else
        strbuf_addf(out, "%.2f", (double)sqlite3_column_int64(st, 0) / pop * scale);
    sqlite3_reset(st);
    return DEPOT_OK;
}

static int report_indicators(depot *d, int csv, strbuf *out)
{
    static const char *const head[] = { "indicator", "unit", "baseline", "baseline-year",
                                        "target", "target-year", "kind", "now" };
    struct table t;
    double pop;
    int rc = population(d, &pop);
    if (rc)
        return rc;
    table_init(&t, 8, head, "llrrrrlr");
    sqlite3_stmt *st = depot_stmt(d,
        "SELECT name, unit, baseline, baseline_year, target, target_year, kind, measure"
        " FROM indicator ORDER BY id");
    if (!st)
        return DEPOT_EIO;
    strbuf cell = STRBUF_INIT;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        table_col(&t, st, 0);
        table_col(&t, st, 1);
        strbuf_reset(&cell);
        add_real(&cell, st, 2);
        table_cell(&t, strbuf_str(&cell));
        table_col(&t, st, 3);
        strbuf_reset(&cell);
        add_real(&cell, st, 4);
        table_cell(&t, strbuf_str(&cell));
        table_col(&t, st, 5);
        table_col(&t, st, 6);
        strbuf_reset(&cell);
        if ((rc = measure_now(d, (const char *)sqlite3_column_text(st, 7), pop, &cell))) {
            sqlite3_reset(st);
            goto out;
        }
        table_cell(&t, strbuf_str(&cell));
    }
    if (rc != SQLITE_DONE) {
        rc = depot_sqlfail(d, "cannot read the indicators");
        goto out;
    }
    table_out(&t, csv, "indicators: the plan's baselines and targets, and where the depot"
                       " can compute it, the figure now", out);
    rc = DEPOT_OK;
out:
    strbuf_release(&cell);
    table_release(&t);
    return rc;
}

/* plan-execution: one year's rows go into the table through depot_plan_rows(). */
struct exec_ctx {
    struct table *t;
    int year;
    int64_t vp, vd, ep, ed;
};

/* A difference as a cell: "+3", "-2", "0". */
static void table_diff(struct table *t, int64_t diff)
{
    table_cellf(t, diff ? "%+lld" : "%lld", (long long)diff);
}

static int exec_row(void *ctx, const struct plan_row *r)
{
    struct exec_ctx *c = ctx;
    table_cellf(c->t, "%d", c->year);
    table_cell(c->t, r->vehicle ? "vehicle" : "equipment");
    table_cell(c->t, r->slug);
    table_cellf(c->t, "%lld", (long long)r->planned);
    table_cellf(c->t, "%lld", (long long)r->delivered);
    table_diff(c->t, r->delivered - r->planned);
    table_cell(c->t, "");
    table_cell(c->t, "");
    if (r->vehicle) {
        c->vp += r->planned;
        c->vd += r->delivered;
    } else {
        c->ep += r->planned;
        c->ed += r->delivered;
    }
    return 0;
}

/* One total row of the plan-execution table. */
static void exec_total(struct table *t, const char *when, const char *kind, int64_t planned,
                       int64_t delivered, int has_delivered, const char *stated,
                       const char *check)
{
    table_cell(t, when);
    table_cell(t, kind);
    table_cell(t, "total");
    table_cellf(t, "%lld", (long long)planned);
    if (has_delivered) {
        table_cellf(t, "%lld", (long long)delivered);
        table_diff(t, delivered - planned);
    } else {
        table_cell(t, "");
        table_cell(t, "");
    }
    table_cell(t, stated);
    table_cell(t, check);
}

/* What entered service over first..last: vehicles and equipment. */
static int period_delivered(depot *d, int first, int last, int64_t *veh, int64_t *eq)
{
    char from[24], to[24];
    sqlite3_stmt *st = depot_stmt(d, "SELECT count(*) FROM vehicle WHERE year BETWEEN ? AND ?");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int(st, 1, first);
    sqlite3_bind_int(st, 2, last);
    if (sqlite3_step(st) != SQLITE_ROW)
        return depot_sqlfail(d, "cannot count deliveries");
    *veh = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    /* Per category, a range of item(category_id, acquired). */
    snprintf(from, sizeof from, "%04d-01-01", first);
    snprintf(to, sizeof to, "%04d-01-01", last + 1);
    st = depot_stmt(d,
        "SELECT coalesce(sum((SELECT count(*) FROM item i WHERE i.category_id = c.id"
        "   AND i.acquired >= ? AND i.acquired < ?)), 0)"
        " FROM category c WHERE c.kind = 'equipment'");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW)
        return depot_sqlfail(d, "cannot count deliveries");
    *eq = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return DEPOT_OK;
}

/*
 * The check of a stated figure against the yearly plans ("" if they agree
 * or the text states none).  at_least: the text states a floor, not a total
 * (the plan buys "more than 20,000" pieces of equipment, 2万余件), so only
 * yearly plans that fall short of it contradict it.
 */
static void period_check(strbuf *out, const char *what, sqlite3_stmt *st, int col,
                         int64_t lines, int at_least, strbuf *stated)
{
    strbuf_reset(out);
    strbuf_reset(stated);
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return;
    int64_t s = sqlite3_column_int64(st, col);
    strbuf_addf(stated, "%lld", (long long)s);
    if (at_least ? lines < s : lines != s)
        strbuf_addf(out, "%s: stated %s%lld in the text, the yearly plans add up to %lld"
                    " - the plan contradicts itself", what, at_least ? "more than " : "",
                    (long long)s, (long long)lines);
}

static int report_plan_execution(depot *d, int csv, strbuf *out)
{
    static const char *const head[] = { "year", "kind", "category", "planned", "delivered",
                                        "difference", "stated", "check" };
    struct table t;
    int *years = NULL;
    size_t ny = 0, cap = 0;
    int rc;
    char today[11], when[32];
    strbuf check = STRBUF_INIT, stated = STRBUF_INIT, checks = STRBUF_INIT;
    depot_today(d, today);
    table_init(&t, 8, head, "lllrrrrl");

    sqlite3_stmt *st = depot_stmt(d, "SELECT year, recruits FROM plan ORDER BY year");
    if (!st)
        return DEPOT_EIO;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (ny + 2 > cap) {
            cap = cap ? 2 * cap : 16;
            years = realloc(years, cap * sizeof *years);
            if (!years)
                abort();
        }
        years[ny++] = sqlite3_column_int(st, 0);
        years[ny++] = sqlite3_column_int(st, 1);
    }
    if (rc != SQLITE_DONE) {
        rc = depot_sqlfail(d, "cannot read the plans");
        goto out;
    }
    for (size_t i = 0; i < ny; i += 2) {
        struct exec_ctx c = { &t, years[i], 0, 0, 0, 0 };
        if ((rc = depot_plan_rows(d, years[i], exec_row, &c)) != DEPOT_OK)
            goto out;
        snprintf(when, sizeof when, "%d", years[i]);
        exec_total(&t, when, "vehicle", c.vp, c.vd, 1, "", "");
        exec_total(&t, when, "equipment", c.ep, c.ed, 1, "", "");
        exec_total(&t, when, "recruits", years[i + 1], 0, 0, "", "");
    }

    /* Each planning period: the sums of its yearly plans beside what its
     * text states, which need not agree. */
    st = depot_stmt(d, "SELECT first_year, last_year, stated_vehicles, stated_equipment,"
                       " stated_recruits, name,"
                       " (SELECT coalesce(sum(pl.planned), 0) FROM plan_line pl"
                       "   JOIN category c ON c.id = pl.category_id"
                       "   WHERE pl.year BETWEEN p.first_year AND p.last_year"
                       "   AND c.kind = 'vehicle'),"
                       " (SELECT coalesce(sum(pl.planned), 0) FROM plan_line pl"
                       "   JOIN category c ON c.id = pl.category_id"
                       "   WHERE pl.year BETWEEN p.first_year AND p.last_year"
                       "   AND c.kind = 'equipment'),"
                       " (SELECT coalesce(sum(recruits), 0) FROM plan"
                       "   WHERE year BETWEEN p.first_year AND p.last_year)"
                       " FROM plan_period p ORDER BY first_year, id");
    if (!st) {
        rc = DEPOT_EIO;
        goto out;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int first = sqlite3_column_int(st, 0), last = sqlite3_column_int(st, 1);
        int64_t vd = 0, ed = 0;
        int e = period_delivered(d, first, last, &vd, &ed);
        if (e) {
            sqlite3_reset(st);
            rc = e;
            goto out;
        }
        snprintf(when, sizeof when, "%d-%d", first, last);
        period_check(&check, "vehicles", st, 2, sqlite3_column_int64(st, 6), 0, &stated);
        exec_total(&t, when, "vehicle", sqlite3_column_int64(st, 6), vd, 1,
                   strbuf_str(&stated), strbuf_str(&check));
        if (check.len)
            strbuf_addf(&checks, "%s (%s): %s\n", when,
                        (const char *)sqlite3_column_text(st, 5), strbuf_str(&check));
        period_check(&check, "equipment", st, 3, sqlite3_column_int64(st, 7), 1, &stated);
        exec_total(&t, when, "equipment", sqlite3_column_int64(st, 7), ed, 1,
                   strbuf_str(&stated), strbuf_str(&check));
        if (check.len)
            strbuf_addf(&checks, "%s (%s): %s\n", when,
                        (const char *)sqlite3_column_text(st, 5), strbuf_str(&check));
        period_check(&check, "recruits", st, 4, sqlite3_column_int64(st, 8), 0, &stated);
        exec_total(&t, when, "recruits", sqlite3_column_int64(st, 8), 0, 0,
                   strbuf_str(&stated), strbuf_str(&check));
        if (check.len)
            strbuf_addf(&checks, "%s (%s): %s\n", when,
                        (const char *)sqlite3_column_text(st, 5), strbuf_str(&check));
    }
    if (rc != SQLITE_DONE) {
        rc = depot_sqlfail(d, "cannot read the planning periods");
        goto out;
    }
    if (csv) {
        table_csv(&t, out);
    } else {
        /* The check column is long: in text it goes below the table. */
        struct table tt;
        table_init(&tt, 7, head, "lllrrrr");
        const char *cell = table_first(&t);
        for (size_t r = 0; r < table_rows(&t); r++) {
            for (size_t c = 0; c < 7; c++, cell = table_next(cell))
                table_cell(&tt, cell);
            cell = table_next(cell);    /* the check */
        }
        strbuf_addf(out, "plan execution: planned against delivered (what entered service"
                         " that year, any status now), as of %s\n\n", today);
        table_text(&tt, out, "");
        table_release(&tt);
        if (checks.len) {
            strbuf_addstr(out, "\nchecks:\n");
            strbuf_addstr(out, strbuf_str(&checks));
        }
    }
    rc = DEPOT_OK;
out:
    free(years);
    strbuf_release(&check);
    strbuf_release(&stated);
    strbuf_release(&checks);
    table_release(&t);
    return rc;
}

static const struct report {
    const char *name;
    int (*make)(depot *d, int csv, strbuf *out);
} reports[] = {
    { "low-stock",      report_low_stock },
    { "due-inspection", report_due_inspection },
    { "end-of-life",    report_end_of_life },
    { "plan-execution", report_plan_execution },
    { "indicators",     report_indicators },
};

const char *const *depot_report_names(void)
{
    static const char *const names[] = {
        "low-stock", "low-stock.csv", "due-inspection", "due-inspection.csv",
        "end-of-life", "end-of-life.csv", "plan-execution", "plan-execution.csv",
        "indicators", "indicators.csv", NULL
    };
    return names;
}

int depot_report(depot *d, const char *name, strbuf *out)
{
    size_t n = strlen(name);
    int csv = n > 4 && !strcmp(name + n - 4, ".csv");
    if (csv)
        n -= 4;
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++)
        if (strlen(reports[i].name) == n && !strncmp(reports[i].name, name, n)) {
            size_t start = out->len;
            int rc = reports[i].make(d, csv, out);
            if (rc) {
                /* Leave out as it was: no half report. */
                out->len = start;
                if (out->buf)
                    out->buf[start] = '\0';
            }
            return rc;
        }
    return depot_fail(d, DEPOT_ENOENT, "no such report '%s'", name);
}

/* ---- summaries ---- */

/* The body of depot_site_summary(); may leave part of the text in out on failure. */
/*
 * A site's shortfalls (?1 today, ?2 the site), counted per category against
 * one threshold date each, so that the indexes of schema 003 answer them
 * as range counts instead of two dates being computed for every item:
 *  - inspection overdue: coalesce(last_inspection, acquired) + interval
 *    days < today, i.e. coalesce(...) < today - interval days (exact: days
 *    are uniform);
 *  - past end of life: acquired + life years <= today, i.e. acquired <=
 *    today - life years, except when today is 29 February and that year
 *    has none: SQLite then gives 1 March, and an item acquired on 1 March
 *    reaches its end on 1 March, after today, so the threshold is the day
 *    before.  (Checked against the per-item formula for every day of
 *    2000-2040, lives of 1 to 100 years, acquisitions within three days of
 *    the threshold: 10,483,200 cases, and in test_report.c.)
 */
const char depot_site_shortfalls_sql[] =
    "SELECT coalesce(sum((SELECT count(*) FROM item i"
    "   WHERE i.station_id = ?2 AND i.category_id = c.id AND i.status <> 'retired'"
    "     AND coalesce(i.last_inspection, i.acquired)"
    "         < date(?1, '-' || c.inspection_interval || ' days'))), 0),"
    " coalesce(sum((SELECT count(*) FROM item i"
    "   WHERE i.station_id = ?2 AND i.category_id = c.id AND i.status <> 'retired'"
    "     AND i.acquired <= CASE WHEN substr(?1, 6) = '02-29'"
    "         AND substr(date(?1, '-' || c.service_life || ' years'), 6) = '03-01'"
    "       THEN date(?1, '-' || c.service_life || ' years', '-1 days')"
    "       ELSE date(?1, '-' || c.service_life || ' years') END)), 0)"
    " FROM category c";

static int site_summary(depot *d, int64_t site, strbuf *out)
{
    static const char *const vstat[] = { "in-service", "standby", "maintenance",
                                         "out-of-service" };
    static const char *const head[] = { "category", "in-service", "reserve", "maintenance",
                                        "out-of-service", "total" };
    static const char *const istat[] = { "in-service", "reserve", "maintenance",
                                         "out-of-service" };
    char today[11];
    int rc;
    depot_today(d, today);

    sqlite3_stmt *st = depot_stmt(d, "SELECT slug, name, kind, state, opened FROM site WHERE id = ?");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, site);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return depot_fail(d, DEPOT_ENOENT, "no such site (id %lld)", (long long)site);
    if (rc != SQLITE_ROW)
        return depot_sqlfail(d, "cannot read a site");
    strbuf_addf(out, "%s: %s\nkind: %s\nstate: %s\nopened: %s\nas of: %s\n",
                (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
                sqlite3_column_type(st, 4) == SQLITE_NULL ? "none"
                    : (const char *)sqlite3_column_text(st, 4), today);
    sqlite3_reset(st);

    /* Vehicles by status (the vehicle_station index). */
    int64_t vcount[5] = { 0 };
    st = depot_stmt(d, "SELECT status, count(*) FROM vehicle WHERE station_id = ? GROUP BY status");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, site);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        size_t k;
        for (k = 0; k < 4 && strcmp(vstat[k], s); k++)
            ;
        vcount[k] += sqlite3_column_int64(st, 1);   /* k == 4: retired */
    }
    if (rc != SQLITE_DONE)
        goto sqlfail;
    strbuf_addf(out, "\nvehicles: %lld (retired, not counted: %lld)\n",
                (long long)(vcount[0] + vcount[1] + vcount[2] + vcount[3]), (long long)vcount[4]);
    for (int k = 0; k < 4; k++)
        strbuf_addf(out, "  %-15s %lld\n", vstat[k], (long long)vcount[k]);

    /* Items by category and status: the item_station(station_id, category_id)
     * index gives the site's rows grouped by category. */
    struct table t;
    table_init(&t, 6, head, "lrrrrr");
    int64_t row[5] = { 0 }, total[5] = { 0 }, retired = 0;
    int64_t cur = -1;
    strbuf slug = STRBUF_INIT;
    st = depot_stmt(d, "SELECT i.category_id, c.slug, i.status, count(*) FROM item i"
                       " JOIN category c ON c.id = i.category_id"
                       " WHERE i.station_id = ? GROUP BY i.category_id, i.status"
                       " ORDER BY i.category_id");
    if (!st) {
        table_release(&t);
        return DEPOT_EIO;
    }
    sqlite3_bind_int64(st, 1, site);
    for (;;) {
        rc = sqlite3_step(st);
        int64_t cat = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -2;
        if (cat != cur && cur != -1 && row[4] > 0) {
            table_cell(&t, strbuf_str(&slug));
            for (int k = 0; k < 5; k++)
                table_cellf(&t, "%lld", (long long)row[k]);
        }
        if (cat != cur) {
            memset(row, 0, sizeof row);
            cur = cat;
            strbuf_reset(&slug);
            if (rc == SQLITE_ROW)
                depot_col_text(st, 1, &slug);
        }
        if (rc != SQLITE_ROW)
            break;
        const char *s = (const char *)sqlite3_column_text(st, 2);
        int64_t n = sqlite3_column_int64(st, 3);
        size_t k;
        for (k = 0; k < 4 && strcmp(istat[k], s); k++)
            ;
        if (k == 4) {
            retired += n;
            continue;
        }
        row[k] += n;
        row[4] += n;
        total[k] += n;
        total[4] += n;
    }
    strbuf_release(&slug);
    if (rc != SQLITE_DONE) {
        table_release(&t);
        goto sqlfail;
    }
    if (table_rows(&t)) {
        table_cell(&t, "total");
        for (int k = 0; k < 5; k++)
            table_cellf(&t, "%lld", (long long)total[k]);
    }
    strbuf_addf(out, "\nequipment: %lld items (retired, not counted: %lld)\n",
                (long long)total[4], (long long)retired);
    table_text(&t, out, "  ");
    table_release(&t);

    /* Shortfalls among the site's items. */
    st = depot_stmt(d, depot_site_shortfalls_sql);
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, today, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, site);
    if (sqlite3_step(st) != SQLITE_ROW)
        goto sqlfail;
    strbuf_addf(out, "\nshortfalls:\n  inspection overdue: %lld\n"
                     "  past end of life, not retired: %lld\n",
                (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1));
    sqlite3_reset(st);
    return DEPOT_OK;
sqlfail:
    return depot_sqlfail(d, "cannot summarise a site");
}

int depot_site_summary(depot *d, int64_t site, strbuf *out)
{
    strbuf text = STRBUF_INIT;
    int rc = site_summary(d, site, &text);
    if (rc == DEPOT_OK)
        strbuf_add(out, text.buf ? text.buf : "", text.len);
    strbuf_release(&text);
    return rc;
}

/* The body of depot_module_summary(); may leave part of the text in out on failure. */
static int module_summary(depot *d, int64_t module, strbuf *out)
{
    static const char *const head[] = { "line", "count", "minimum", "target", "unit", "flag" };
    int rc;
    sqlite3_stmt *st = depot_stmt(d, "SELECT slug, name, location FROM reserve_module WHERE id = ?");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, module);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return depot_fail(d, DEPOT_ENOENT, "no such reserve module (id %lld)", (long long)module);
    if (rc != SQLITE_ROW)
        return depot_sqlfail(d, "cannot read a reserve module");
    strbuf_addf(out, "%s: %s\nlocation: %s\n\n", (const char *)sqlite3_column_text(st, 0),
                (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2));
    sqlite3_reset(st);

    struct table t;
    table_init(&t, 6, head, "lrrrll");
    st = depot_stmt(d, "SELECT slug, count, minimum, target, unit FROM reserve_line"
                       " WHERE module_id = ? ORDER BY id");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int64(st, 1, module);
    int64_t low = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < 5; c++)
            table_col(&t, st, c);
        int64_t count = sqlite3_column_int64(st, 1), min = sqlite3_column_int64(st, 2),
                target = sqlite3_column_int64(st, 3);
        if (count < min) {
            low++;
            table_cellf(&t, "LOW: %lld short of target", (long long)(target - count));
        } else {
            table_cell(&t, "");
        }
    }
    if (rc != SQLITE_DONE) {
        table_release(&t);
        return depot_sqlfail(d, "cannot read a reserve module");
    }
    table_text(&t, out, "");
    strbuf_addf(out, "\nlines below minimum: %lld\n", (long long)low);
    table_release(&t);
    return DEPOT_OK;
}

int depot_module_summary(depot *d, int64_t module, strbuf *out)
{
    strbuf text = STRBUF_INIT;
    int rc = module_summary(d, module, &text);
    if (rc == DEPOT_OK)
        strbuf_add(out, text.buf ? text.buf : "", text.len);
    strbuf_release(&text);
    return rc;
}

/* ---- logs ---- */

/* Appends "TIME USER(UID) PROCESS[PID]" from columns col.. (at_ns, uid, user, pid, process). */
static void add_who(strbuf *out, sqlite3_stmt *st, int col)
{
    add_time(out, sqlite3_column_int64(st, col));
    strbuf_addch(out, ' ');
    add_sanitized(out, (const char *)sqlite3_column_text(st, col + 2),
                  (size_t)sqlite3_column_bytes(st, col + 2));
    strbuf_addf(out, "(%lld) ", (long long)sqlite3_column_int64(st, col + 1));
    add_sanitized(out, (const char *)sqlite3_column_text(st, col + 4),
                  (size_t)sqlite3_column_bytes(st, col + 4));
    strbuf_addf(out, "[%lld]", (long long)sqlite3_column_int64(st, col + 3));
}

/* Appends text column col made printable ("none" for NULL): escaped in
 * full if full, else only sanitized. */
static void add_col(strbuf *out, sqlite3_stmt *st, int col, int full)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL) {
        strbuf_addstr(out, "none");
        return;
    }
    const char *s = (const char *)sqlite3_column_text(st, col);
    add_escaped(out, s ? s : "", (size_t)sqlite3_column_bytes(st, col), (size_t)-1, full);
}

/* One line of log/changes from a row of SQL_LOG_CHANGES (columns from 1). */
static void add_change(strbuf *out, sqlite3_stmt *st)
{
    add_who(out, st, 1);
    strbuf_addch(out, ' ');
    add_col(out, st, 6, 0);
    strbuf_addch(out, '/');
    add_col(out, st, 7, 0);
    strbuf_addch(out, ' ');
    add_col(out, st, 8, 0);
    strbuf_addstr(out, ": ");
    add_col(out, st, 9, 1);
    strbuf_addstr(out, " -> ");
    add_col(out, st, 10, 1);
    if (sqlite3_column_bytes(st, 11) > 0) {
        strbuf_addstr(out, " (");
        add_col(out, st, 11, 1);
        strbuf_addch(out, ')');
    }
    strbuf_addch(out, '\n');
}

/* One line of log/errors from a row of SQL_LOG_ERRORS (columns from 1). */
static void add_refusal(strbuf *out, sqlite3_stmt *st)
{
    add_who(out, st, 1);
    strbuf_addch(out, ' ');
    /* Stored printable already (depot_log_refusal); sanitized again only in
     * case another program wrote the table. */
    add_col(out, st, 6, 0);
    strbuf_addstr(out, ": '");
    add_col(out, st, 7, 0);
    strbuf_addstr(out, "': ");
    add_col(out, st, 8, 0);
    strbuf_addch(out, '\n');
}

static const char SQL_LOG_CHANGES[] =
    "SELECT id, at_ns, uid, user, pid, process, object_kind, object, attribute, old, new, reason"
    " FROM journal WHERE id > ?1 AND id <= ?2 ORDER BY id";
static const char SQL_LOG_ERRORS[] =
    "SELECT id, at_ns, uid, user, pid, process, path, value, reason"
    " FROM refusal WHERE id > ?1 AND id <= ?2 ORDER BY id";

/* The rows of a log with id in (after, upto], oldest first: a statement to
 * step and reset, or NULL. */
static sqlite3_stmt *log_rows(depot *d, int errors, int64_t after, int64_t upto)
{
    sqlite3_stmt *st = depot_stmt(d, errors ? SQL_LOG_ERRORS : SQL_LOG_CHANGES);
    if (st) {
        sqlite3_bind_int64(st, 1, after);
        sqlite3_bind_int64(st, 2, upto);
    }
    return st;
}

/* Appends the line of the row st is on. */
static void add_line(strbuf *out, sqlite3_stmt *st, int errors)
{
    if (errors)
        add_refusal(out, st);
    else
        add_change(out, st);
}

/* Ends a statement from log_rows whose last step gave rc. */
static int log_rows_end(depot *d, int errors, sqlite3_stmt *st, int rc)
{
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return depot_sqlfail(d, errors ? "cannot read the refusals" : "cannot read the journal");
    return DEPOT_OK;
}

/* The whole of a log. */
static int log_all(depot *d, int errors, strbuf *out)
{
    sqlite3_stmt *st = log_rows(d, errors, 0, INT64_MAX);
    if (!st)
        return DEPOT_EIO;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        add_line(out, st, errors);
    return log_rows_end(d, errors, st, rc);
}

int depot_log_changes(depot *d, strbuf *out)
{
    return log_all(d, 0, out);
}

int depot_log_errors(depot *d, strbuf *out)
{
    return log_all(d, 1, out);
}

/*
 * The logs' maps.  A log is one line per row, rows are never changed nor
 * deleted (triggers refuse it) and a row's line depends on the row alone,
 * so the text up to any row never changes either.  A map notes, every
 * LOG_BLOCK_BYTES or so, which row a line begins with and at which byte:
 * the log's size is then known without keeping its text, and any part of
 * it is rendered from the block it falls in.  Kept for the daemon's life,
 * it takes 16 bytes per 16 KiB of log, and is extended over the rows added
 * since (depot_log_map_update), so a stat of a log of millions of lines
 * reads only what is new, and `tail` renders only its end.
 */
#define LOG_BLOCK_BYTES 16384

struct log_block {
    int64_t after;      /* the block's first line is that of the first row with id > after */
    uint64_t off;       /* and begins at this byte of the log */
};

struct depot_log_map {
    int errors;
    struct log_block *blocks;   /* by offset; blocks[0] is { 0, 0 } */
    size_t n, cap;
    int64_t last;               /* the id of the last row mapped (0: none) */
    uint64_t size;              /* the bytes of the lines up to it */
};

depot_log_map *depot_log_map_new(int errors)
{
    depot_log_map *m = calloc(1, sizeof *m);
    if (!m || !(m->blocks = malloc(sizeof *m->blocks))) {
        free(m);
        return NULL;
    }
    m->errors = errors;
    m->blocks[0] = (struct log_block){ 0, 0 };
    m->n = m->cap = 1;
    return m;
}

void depot_log_map_free(depot_log_map *m)
{
    if (m)
        free(m->blocks);
    free(m);
}

uint64_t depot_log_map_size(const depot_log_map *m)
{
    return m->size;
}

/* Does the row m ends with still exist?  Only if the database file was
 * replaced (a backup put back under a running daemon) can it not: then the
 * map starts again. */
static int log_map_holds(depot *d, const depot_log_map *m)
{
    if (m->last == 0)
        return 1;
    sqlite3_stmt *st = depot_stmt(d, m->errors ? "SELECT 1 FROM refusal WHERE id = ?"
                                               : "SELECT 1 FROM journal WHERE id = ?");
    if (!st)
        return 1;
    sqlite3_bind_int64(st, 1, m->last);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc != SQLITE_DONE;
}

int depot_log_map_update(depot *d, depot_log_map *m)
{
    if (!log_map_holds(d, m)) {
        m->n = 1;
        m->last = 0;
        m->size = 0;
    }
    sqlite3_stmt *st = log_rows(d, m->errors, m->last, INT64_MAX);
    if (!st)
        return DEPOT_EIO;
    strbuf line = STRBUF_INIT;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (m->size - m->blocks[m->n - 1].off >= LOG_BLOCK_BYTES) {
            if (m->n == m->cap) {
                size_t cap = m->cap * 2;
                struct log_block *b = realloc(m->blocks, cap * sizeof *b);
                if (!b) {
                    sqlite3_reset(st);
                    strbuf_release(&line);
                    return depot_fail(d, DEPOT_ENOMEM, "no memory to map %s",
                                      m->errors ? "log/errors" : "log/changes");
                }
                m->blocks = b;
                m->cap = cap;
            }
            m->blocks[m->n++] = (struct log_block){ m->last, m->size };
        }
        strbuf_reset(&line);
        add_line(&line, st, m->errors);
        m->size += line.len;
        m->last = sqlite3_column_int64(st, 0);
    }
    strbuf_release(&line);
    return log_rows_end(d, m->errors, st, rc);
}

int depot_log_map_read(depot *d, const depot_log_map *m, uint64_t off, size_t len, strbuf *out)
{
    if (off >= m->size || len == 0)
        return DEPOT_OK;
    if (len > m->size - off)
        len = (size_t)(m->size - off);
    /* The last block beginning at or before off. */
    size_t lo = 0, hi = m->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->blocks[mid].off <= off)
            lo = mid;
        else
            hi = mid;
    }
    const struct log_block *b = &m->blocks[lo];
    size_t skip = (size_t)(off - b->off);
    sqlite3_stmt *st = log_rows(d, m->errors, b->after, m->last);
    if (!st)
        return DEPOT_EIO;
    strbuf text = STRBUF_INIT;
    int rc = SQLITE_DONE;
    while (text.len < skip + len && (rc = sqlite3_step(st)) == SQLITE_ROW)
        add_line(&text, st, m->errors);
    rc = log_rows_end(d, m->errors, st, rc);
    if (rc == DEPOT_OK && text.len < skip + len)
        rc = depot_fail(d, DEPOT_EIO, "%s is shorter than when it was mapped: rows were removed",
                        m->errors ? "the refusal table" : "the journal");
    if (rc == DEPOT_OK)
        strbuf_add(out, text.buf + skip, len);
    strbuf_release(&text);
    return rc;
}

int depot_log_refusal(depot *d, const depot_actor *who, const char *path,
                      const char *value, size_t len, const char *reason)
{
    /* reason is often depot_errmsg(d) itself: copy it before anything can
     * overwrite the failure words. */
    strbuf v = STRBUF_INIT, r = STRBUF_INIT, p = STRBUF_INIT;
    sqlite3_stmt *st;
    int rc = DEPOT_OK, own = sqlite3_get_autocommit(d->db);
    if (!who)
        who = depot_self_actor();
    add_printable(&v, value ? value : "", value ? len : 0, REFUSAL_VALUE_MAX);
    add_sanitized(&r, reason ? reason : "", reason ? strlen(reason) : 0);
    add_sanitized(&p, path ? path : "", path ? strlen(path) : 0);
    /* Its own transaction, unless the caller already has one open on this
     * connection (SQLite transactions do not nest): then just the insert. */
    if (own && (rc = depot_begin(d)) != DEPOT_OK)
        goto out;
    st = depot_stmt(d,
        "INSERT INTO refusal (at_ns, uid, user, pid, process, path, value, reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st) {
        rc = DEPOT_EIO;
        goto fail;
    }
    sqlite3_bind_int64(st, 1, depot_now_ns());
    sqlite3_bind_int64(st, 2, who->uid);
    sqlite3_bind_text(st, 3, who->user ? who->user : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, who->pid);
    sqlite3_bind_text(st, 5, who->process ? who->process : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, strbuf_str(&p), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, strbuf_str(&v), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, strbuf_str(&r), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = depot_sqlfail(d, "cannot record a refusal");
        goto fail;
    }
    if (own)
        rc = depot_commit(d);
    goto out;
fail:
    if (own)
        depot_rollback(d);
out:
    strbuf_release(&v);
    strbuf_release(&r);
    strbuf_release(&p);
    return rc;
}
