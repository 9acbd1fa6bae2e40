/*
 * depotctl: make, fill and check depot files from the shell.
 *
 *     depotctl init DB                          an empty depot (the schema only)
 *     depotctl seed DB [--items N] [--seed S]   the demo district
 *     depotctl check DB                         integrity and invariants
 *
 * A second front end to core/, beside depotfs (as squashfuse_ls is beside
 * squashfuse): it mounts nothing and knows nothing about FUSE.  Subcommands
 * are rows of commands[]; each parses its own options with getopt_long and
 * returns the exit status: 0 success, 1 failure (one line on stderr saying
 * why), 2 a usage error (one line naming it, with a hint).
 */
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

static const struct command commands[] = {
    { "init",  "DB",                       "create an empty depot database", cmd_init },
    { "seed",  "DB [--items N] [--seed S]", "fill it with the demo district (25000 items by default)",
      cmd_seed },
    { "check", "DB",                       "check SQLite's integrity and the depot's invariants",
      cmd_check },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: depotctl [--help] [--version] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  depotctl %-5s %-26s %s\n", commands[i].name, commands[i].args,
                commands[i].what);
    fprintf(f, "\nexit status: 0 success, 1 failure or faults found, 2 usage error\n");
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
 * each) and its one DB argument.  Returns -1 to go on with *db set, or an
 * exit status.  Each option other than --help calls on_opt(c, optarg, ctx).
 */
static int parse_command(int argc, char **argv, const char *shortopts,
                         const struct option *opts,
                         int (*on_opt)(int c, const char *arg, void *ctx), void *ctx,
                         const char **db)
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
    if (optind >= argc)
        return usage_error("%s: missing DB argument", argv[0]);
    if (optind + 1 < argc)
        return usage_error("%s: unexpected argument '%s'", argv[0], argv[optind + 1]);
    *db = argv[optind];
    return -1;
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
        if ((rc = parse_number("--items", arg, 1, MAX_ITEMS, &v)) >= 0)
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
    depot_seed_opts o = { .items = a.items, .seed = a.seed };
    if (isatty(STDERR_FILENO))
        o.progress = show_progress;
    if (depot_seed(d, &o) != DEPOT_OK) {
        if (o.progress)
            fputs("\r\033[K", stderr);    /* the message replaces the bar */
        rc = failure("cannot seed '%s': %s", db, depot_errmsg(d));
        depot_close(d);
        return rc;
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
