/*
 * depotctl: make, fill and check depot files from the shell.
 *
 *     depotctl init DB                          an empty depot (the schema only)
 *     depotctl seed DB [--items N] [--seed S]   the demo district
 *     depotctl check DB                         integrity and invariants
 *     depotctl import DB FILE [--kind K]        items, vehicles or reserve lines from CSV
 *     depotctl export DB --csv [--kind K] | --json   the inventory to stdout
 *     depotctl backup DB FILE                   a consistent copy, while others write
 *
 * A second front end to core/, beside depotfs (as squashfuse_ls is beside
 * squashfuse): it mounts nothing and knows nothing about FUSE.  Subcommands
 * are rows of commands[]; each parses its own options with getopt_long and
 * returns the exit status: 0 success, 1 failure (one line on stderr saying
 * why), 2 a usage error (one line naming it, with a hint).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "depot.h"
#include "io.h"
#include "parse.h"

#define DEPOTCTL_VERSION "0.1.0"
#define MAX_ITEMS 100000000L
#define EXIT_USAGE 2

struct command {
    const char *name;
    const char *args;
    const char *what;
    int (*run)(int argc, char **argv);
};

static int cmd_init(int argc, char **argv);
static int cmd_seed(int argc, char **argv);
static int cmd_check(int argc, char **argv);
static int cmd_import(int argc, char **argv);
static int cmd_export(int argc, char **argv);
static int cmd_backup(int argc, char **argv);

static const struct command commands[] = {
    { "init",  "DB",                       "create an empty depot database", cmd_init },
    { "seed",  "DB [--items N] [--seed S]", "fill it with the demo district (25000 items by default)",
      cmd_seed },
    { "check", "DB",                       "check SQLite's integrity and the depot's invariants",
      cmd_check },
    { "import", "DB FILE [--kind K]",      "add items, vehicles or reserve lines (K) from CSV; all or none",
      cmd_import },
    { "export", "DB --csv [--kind K]|--json", "write the inventory as CSV (items by default) or JSON",
      cmd_export },
    { "backup", "DB FILE",                 "copy the depot to a new FILE, even while it is written",
      cmd_backup },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: depotctl [--help] [--version] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  depotctl %-6s %-27s %s\n", commands[i].name, commands[i].args,
                commands[i].what);
    fprintf(f, "\nK is items, vehicles or lines.  FILE - is standard input.  See depotctl(8).\n"
               "exit status: 0 success, 1 failure or faults found, 2 usage error\n");
}

/* Prints "depotctl: <message> (try 'depotctl --help')" and returns EXIT_USAGE. */
__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("depotctl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (try 'depotctl --help')\n", stderr);
    return EXIT_USAGE;
}

/* The usage error for getopt's last refusal ('?' or ':'). */
static int option_error(char **argv, int c)
{
    const char *arg = argv[optind - 1];
    if (c == ':')
        return usage_error("option '%s' needs a value", arg);
    if (optopt && strncmp(arg, "--", 2))
        return usage_error("unknown option '-%c'", optopt);
    return usage_error("unknown option '%s'", arg);
}

/* Prints "depotctl: <message>" and returns 1. */
__attribute__((format(printf, 1, 2)))
static int failure(const char *fmt, ...)
{
    va_list ap;
    fputs("depotctl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_FAILURE;
}

/*
 * Parses a subcommand's options (only --help, plus those of opts handled by
 * each) and its nargs arguments, named by names (e.g. {"DB", "FILE"}).
 * Returns -1 to go on with args[] set, or an exit status.  Each option
 * other than --help calls on_opt(c, optarg, ctx).
 */
static int parse_args(int argc, char **argv, const char *shortopts, const struct option *opts,
                      int (*on_opt)(int c, const char *arg, void *ctx), void *ctx,
                      const char **args, int nargs, const char *const *names)
{
    int c;
    optind = 0;         /* glibc: start afresh on the new argv */
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return EXIT_SUCCESS;
        }
        if (c == '?' || c == ':')
            return option_error(argv, c);
        int rc = on_opt ? on_opt(c, optarg, ctx) : -1;
        if (rc >= 0)
            return rc;
    }
    for (int i = 0; i < nargs; i++) {
        if (optind + i >= argc)
            return usage_error("%s: missing %s argument", argv[0], names[i]);
        args[i] = argv[optind + i];
    }
    if (optind + nargs < argc)
        return usage_error("%s: unexpected argument '%s'", argv[0], argv[optind + nargs]);
    return -1;
}

/* parse_args for the commands whose one argument is DB. */
static int parse_command(int argc, char **argv, const char *shortopts,
                         const struct option *opts,
                         int (*on_opt)(int c, const char *arg, void *ctx), void *ctx,
                         const char **db)
{
    static const char *const names[] = { "DB" };
    return parse_args(argc, argv, shortopts, opts, on_opt, ctx, db, 1, names);
}

static const struct option help_only[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

/* Opens db with flags, or prints depot_open's one line and returns NULL. */
static depot *open_or_complain(const char *db, int flags)
{
    depot *d = NULL;
    strbuf err = STRBUF_INIT;
    if (depot_open(db, flags, &d, &err) != DEPOT_OK)
        failure("%s", strbuf_str(&err));
    strbuf_release(&err);
    return d;
}

static int cmd_init(int argc, char **argv)
{
    const char *db = NULL;
    int rc = parse_command(argc, argv, ":h", help_only, NULL, NULL, &db);
    if (rc >= 0)
        return rc;
    struct stat sb;
    if (stat(db, &sb) == 0 && (sb.st_size > 0 || !S_ISREG(sb.st_mode)))
        return failure("cannot init '%s': file exists", db);
    depot *d = open_or_complain(db, DEPOT_OPEN_CREATE);
    if (!d)
        return EXIT_FAILURE;
    depot_close(d);
    printf("initialised '%s' (schema version %d)\n", db, DEPOT_SCHEMA_VERSION);
    return EXIT_SUCCESS;
}

struct seed_args {
    long items;
    unsigned long seed;
};

/* A whole number for option name, from min to max; -1 if it is one, else EXIT_USAGE. */
static int parse_number(const char *name, const char *arg, int64_t min, int64_t max, int64_t *v)
{
    const char *why = NULL;
    if (parse_uint(arg, v, &why) != 0)
        return usage_error("bad %s '%s': %s", name, arg, why);
    if (*v < min || *v > max)
        return usage_error("bad %s '%s': must be from %lld to %lld", name, arg,
                           (long long)min, (long long)max);
    return -1;
}

static int seed_option(int c, const char *arg, void *ctx)
{
    struct seed_args *a = ctx;
    int64_t v;
    int rc;
    if (c == 'n') {
        if ((rc = parse_number("--items", arg, 0, MAX_ITEMS, &v)) >= 0)
            return rc;
        a->items = (long)v;
        return -1;
    }
    if ((rc = parse_number("--seed", arg, 0, INT64_MAX, &v)) >= 0)
        return rc;
    a->seed = (unsigned long)v;
    return -1;
}

/* The progress bar, on stderr (only called when it is a terminal). */
static void show_progress(void *ctx, long done, long total)
{
    (void)ctx;
    int width = 40, filled = total ? (int)((long long)done * width / total) : width;
    fprintf(stderr, "\rseeding [%.*s%*s] %3d%% %ld/%ld items",
            filled, "########################################", width - filled, "",
            total ? (int)((long long)done * 100 / total) : 100, done, total);
    if (done == total)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* The first column of the first row of sql (a literal) as a number; -1 on error. */
static long long count_of(depot *d, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(depot_db(d), sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int cmd_seed(int argc, char **argv)
{
    static const struct option opts[] = {
        { "items", required_argument, NULL, 'n' },
        { "seed", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct seed_args a = { 25000, 1 };
    const char *db = NULL;
    int rc = parse_command(argc, argv, ":h", opts, seed_option, &a, &db);
    if (rc >= 0)
        return rc;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    depot *d = open_or_complain(db, DEPOT_OPEN_CREATE);
    if (!d)
        return EXIT_FAILURE;
    /* depot_seed() takes 0 items as "the default": seed one, then remove
     * it, for a district with no equipment yet (to import into). */
    depot_seed_opts o = { .items = a.items ? a.items : 1, .seed = a.seed };
    if (isatty(STDERR_FILENO))
        o.progress = show_progress;
    if (depot_seed(d, &o) != DEPOT_OK) {
        if (o.progress)
            fputs("\r\033[K", stderr);    /* the message replaces the bar */
        rc = failure("cannot seed '%s': %s", db, depot_errmsg(d));
        depot_close(d);
        return rc;
    }
    if (a.items == 0) {
        char *msg = NULL;
        if (sqlite3_exec(depot_db(d), "DELETE FROM item", NULL, NULL, &msg) != SQLITE_OK) {
            rc = failure("cannot seed '%s': %s", db, msg ? msg : "cannot remove the items");
            sqlite3_free(msg);
            depot_close(d);
            return rc;
        }
    }
    printf("seeded '%s' (seed %lu): %lld sites, %lld vehicles, %lld items,"
           " %lld reserve modules (%lld stock lines), %lld plans in %.2f s\n",
           db, a.seed, count_of(d, "SELECT count(*) FROM site"),
           count_of(d, "SELECT count(*) FROM vehicle"),
           count_of(d, "SELECT count(*) FROM item"),
           count_of(d, "SELECT count(*) FROM reserve_module"),
           count_of(d, "SELECT count(*) FROM reserve_line"),
           count_of(d, "SELECT count(*) FROM plan"), seconds_since(&t0));
    depot_close(d);
    return EXIT_SUCCESS;
}

static int cmd_check(int argc, char **argv)
{
    const char *db = NULL;
    int rc = parse_command(argc, argv, ":h", help_only, NULL, NULL, &db);
    if (rc >= 0)
        return rc;
    depot *d = open_or_complain(db, DEPOT_OPEN_READONLY);
    if (!d)
        return EXIT_FAILURE;
    strbuf faults = STRBUF_INIT;
    rc = depot_check(d, &faults);
    if (rc == DEPOT_OK) {
        puts("ok");
    } else if (faults.len > 0) {
        fputs(strbuf_str(&faults), stdout);
        failure("check '%s': %s", db, depot_errmsg(d));
    } else {
        failure("cannot check '%s': %s", db, depot_errmsg(d));
    }
    strbuf_release(&faults);
    depot_close(d);
    return rc == DEPOT_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ---- import, export, backup (core/io.c) ---- */

struct kind_arg {
    enum io_kind kind;
    int csv, json;
};

static int kind_option(int c, const char *arg, void *ctx)
{
    struct kind_arg *a = ctx;
    if (c == 'k') {
        if (io_kind_parse(arg, &a->kind) != 0)
            return usage_error("bad --kind '%s': must be items, vehicles or lines", arg);
    } else if (c == 'c') {
        a->csv = 1;
    } else if (c == 'j') {
        a->json = 1;
    }
    return -1;
}

/* The import's progress, on stderr (a terminal): a bar if the size is known. */
static void show_import_progress(void *ctx, long long bytes, long long size, long rows)
{
    (void)ctx;
    int width = 40;
    if (size > 0) {
        int filled = (int)(bytes * width / size);
        if (filled > width)
            filled = width;
        fprintf(stderr, "\rimporting [%.*s%*s] %3d%% %ld rows",
                filled, "########################################", width - filled, "",
                (int)(bytes * 100 / size), rows);
    } else {
        fprintf(stderr, "\rimporting %ld rows", rows);
    }
    fflush(stderr);
}

static int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        { "kind", required_argument, NULL, 'k' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static const char *const names[] = { "DB", "FILE" };
    struct kind_arg a = { IO_AUTO, 0, 0 };
    const char *args[2];
    int rc = parse_args(argc, argv, ":hk:", opts, kind_option, &a, args, 2, names);
    if (rc >= 0)
        return rc;
    const char *db = args[0], *file = args[1];
    FILE *in = stdin;
    struct stat sb;
    if (strcmp(file, "-") && !(in = fopen(file, "r")))
        return failure("cannot import '%s': %s", file, strerror(errno));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    io_import_opts o = { .kind = a.kind, .name = in == stdin ? "stdin" : file };
    if (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode))
        o.size = sb.st_size;
    if (isatty(STDERR_FILENO))
        o.progress = show_import_progress;
    depot *d = open_or_complain(db, 0);
    if (!d) {
        if (in != stdin)
            fclose(in);
        return EXIT_FAILURE;
    }
    strbuf report = STRBUF_INIT;
    io_import_result res;
    rc = io_import(d, in, &o, &res, &report);
    if (o.progress)
        fputs("\r\033[K", stderr);    /* the result replaces the bar */
    fputs(strbuf_str(&report), stderr);
    if (rc == DEPOT_OK)
        printf("imported %ld %s from '%s' into '%s' in %.2f s\n", res.rows,
               io_kind_name(res.kind), o.name, db, seconds_since(&t0));
    else
        failure("cannot import '%s': %s", o.name, depot_errmsg(d));
    strbuf_release(&report);
    depot_close(d);
    if (in != stdin)
        fclose(in);
    return rc == DEPOT_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}

static int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        { "csv", no_argument, NULL, 'c' },
        { "json", no_argument, NULL, 'j' },
        { "kind", required_argument, NULL, 'k' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct kind_arg a = { IO_AUTO, 0, 0 };
    const char *db = NULL;
    int rc = parse_command(argc, argv, ":hk:", opts, kind_option, &a, &db);
    if (rc >= 0)
        return rc;
    if (a.csv == a.json)
        return usage_error("export: say --csv or --json (one of them)");
    if (a.json && a.kind != IO_AUTO)
        return usage_error("export: --kind goes with --csv (--json writes everything)");
    depot *d = open_or_complain(db, DEPOT_OPEN_READONLY);
    if (!d)
        return EXIT_FAILURE;
    /* one read transaction: the export is one snapshot */
    sqlite3_exec(depot_db(d), "BEGIN", NULL, NULL, NULL);
    rc = a.json ? io_export_json(d, stdout)
                : io_export_csv(d, a.kind == IO_AUTO ? IO_ITEMS : a.kind, stdout);
    sqlite3_exec(depot_db(d), "COMMIT", NULL, NULL, NULL);
    if (rc == DEPOT_OK && fflush(stdout) != 0)
        rc = failure("cannot export '%s': %s", db, strerror(errno));
    else if (rc != DEPOT_OK)
        rc = failure("cannot export '%s': %s", db, depot_errmsg(d));
    depot_close(d);
    return rc == DEPOT_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}

static int cmd_backup(int argc, char **argv)
{
    static const char *const names[] = { "DB", "FILE" };
    const char *args[2];
    int rc = parse_args(argc, argv, ":h", help_only, NULL, NULL, args, 2, names);
    if (rc >= 0)
        return rc;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    depot *d = open_or_complain(args[0], DEPOT_OPEN_READONLY);
    if (!d)
        return EXIT_FAILURE;
    long pages = 0;
    if (io_backup(d, args[1], &pages) == DEPOT_OK) {
        printf("backed up '%s' to '%s' (%ld pages) in %.2f s\n", args[0], args[1], pages,
               seconds_since(&t0));
        rc = EXIT_SUCCESS;
    } else {
        rc = failure("%s", depot_errmsg(d));
    }
    depot_close(d);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return EXIT_SUCCESS;
        }
        if (c == 'V') {
            puts("depotctl " DEPOTCTL_VERSION);
            return EXIT_SUCCESS;
        }
        return option_error(argv, c);
    }
    if (optind >= argc)
        return usage_error("missing command");
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(argv[optind], commands[i].name))
            return commands[i].run(argc - optind, argv + optind);
    return usage_error("unknown command '%s'", argv[optind]);
}
