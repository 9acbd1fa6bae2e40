/*
 * main.c: depotfs [-f] [-o OPTS] DB MOUNTPOINT
 *
 * Parses depotfs's own options (-o today=, -o group=, -o ro) and the
 * database argument, checks everything that can be checked before mounting
 * (the database opens and is a depot, the mountpoint is a directory, not
 * already mounted, not a dead mount, and does not hold the database), so
 * that a mistake gives one clear line and no half mounted directory; a
 * database file that may not be written is mounted read-only, with a
 * warning.  Then it mounts and runs libfuse's multi-threaded loop.
 * The database is opened again by each worker thread after the daemon has
 * forked (fs_depot() in ops.c): SQLite connections must not cross a fork.
 */
#include "ll.h"

#include <sqlite3.h>
#include <time.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <syslog.h>
#include <unistd.h>

#include "fs.h"
#include "keeper.h"
#include "uring.h"

#define DEPOTFS_VERSION "0.1.0"

struct options {
    char *db;
    char *today;
    char *group;
    char *sync;
    char *uring;
    char *mnt;      /* the mountpoint as given (libfuse parses it too) */
    int ro;
    int allow_other;
    int help;
    int version;
    int extra;      /* a third non-option argument */
};

enum { KEY_RO, KEY_ALLOW_OTHER, KEY_HELP, KEY_VERSION };

static const struct fuse_opt option_spec[] = {
    { "today=%s", offsetof(struct options, today), 0 },
    { "group=%s", offsetof(struct options, group), 0 },
    { "sync=%s", offsetof(struct options, sync), 0 },
    { "uring=%s", offsetof(struct options, uring), 0 },
    FUSE_OPT_KEY("ro", KEY_RO),
    FUSE_OPT_KEY("allow_other", KEY_ALLOW_OTHER),
    FUSE_OPT_KEY("-h", KEY_HELP),
    FUSE_OPT_KEY("--help", KEY_HELP),
    FUSE_OPT_KEY("-V", KEY_VERSION),
    FUSE_OPT_KEY("--version", KEY_VERSION),
    FUSE_OPT_END
};

static int nonopts;

static int option_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
    (void)outargs;
    struct options *o = data;
    switch (key) {
    case KEY_RO:
        o->ro = 1;
        return 1;           /* keep: libfuse mounts read-only too */
    case KEY_ALLOW_OTHER:
        o->allow_other = 1;
        return 1;           /* keep, and default_permissions is added */
    case KEY_HELP:
        o->help = 1;
        return 0;
    case KEY_VERSION:
        o->version = 1;
        return 0;
    case FUSE_OPT_KEY_NONOPT:
        nonopts++;
        if (!o->db) {
            o->db = strdup(arg);
            return 0;       /* ours: the database */
        }
        if (nonopts > 2)
            o->extra = 1;
        else if (!o->mnt)
            o->mnt = strdup(arg);
        return 1;           /* the mountpoint, for libfuse */
    }
    return 1;
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: depotfs [-f] [-o OPTS] DB MOUNTPOINT\n"
        "Mounts the depot database DB at MOUNTPOINT (unmount: fusermount3 -u MOUNTPOINT).\n"
        "\n"
        "  -f                 stay in the foreground (log to stderr)\n"
        "  -d, -o debug       trace every operation (implies -f)\n"
        "  -s                 single-threaded\n"
        "  -o ro              read-only: every write fails with EROFS\n"
        "  -o today=DATE      fix \"today\" (YYYY-MM-DD) for reports and due dates\n"
        "  -o group=NAME      writable files are also writable by group NAME\n"
        "  -o sync=normal     faster writes, durable against a power cut only from the\n"
        "                     next fsync() (default sync=full: durable when write returns)\n"
        "  -o uring=0         read requests from /dev/fuse even where the kernel offers\n"
        "                     FUSE over io_uring (default uring=1: use it when allowed)\n"
        "  -o allow_other     let other users in (the kernel checks permission bits)\n"
        "  -h, --help         this help;  -V, --version  the version\n"
        "\n"
        "Other -o options are libfuse's (see mount.fuse3(8)).\n");
}

/* Is path the mountpoint of a FUSE mount whose daemon died (kill -9)?
 * Then the kernel answers ENOTCONN; statfs is never answered from a cache.
 * A request already waiting when the daemon died ends with ECONNABORTED
 * (read from /dev/fuse, or a connection aborted through fusectl by a
 * keeper, fs/keeper.c) or ECANCELED (queued on a ring of a daemon whose
 * io_uring is being torn down); while the mountpoint's own attributes are
 * cached, stat still succeeds. */
static int dead_errno(void)
{
    return errno == ENOTCONN || errno == ECONNABORTED || errno == ECANCELED;
}

static int is_dead_mount(const char *path)
{
    struct statvfs sv;
    struct stat st;
    return (statvfs(path, &sv) != 0 && dead_errno()) || (stat(path, &st) != 0 && dead_errno());
}

/* Does directory dir (resolved) hold file (resolved), at any depth?  A
 * mount there would hide the database from the daemon itself, whose
 * threads open it after mounting: they would wait on their own mount. */
static int holds(const char *dir, const char *file)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return 1;
    return !strncmp(dir, file, n) && file[n] == '/';
}

static int check_today(const char *today)
{
    depot *d = NULL;
    int ok;
    if (depot_open(":memory:", 0, &d, NULL) != DEPOT_OK)
        return 0;
    ok = depot_set_today(d, today) == DEPOT_OK;
    depot_close(d);
    return ok;
}

/* The exit status for what the loop returned: libfuse reports the signal
 * that ended it (Ctrl-C, kill, hangup), which is a clean unmount. */
static int loop_status(int rc)
{
    return rc == 0 || rc == SIGINT || rc == SIGTERM || rc == SIGHUP ? 0 : 1;
}

int main(int argc, char *argv[])
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    struct options o = { 0 };
    struct fuse_cmdline_opts cmd = { 0 };
    struct fuse_session *se = NULL;
    struct fuse_loop_config *loop = NULL;
    int ret = 1;

    /* Reports are rendered into buffers of tens of megabytes on a large
     * depot.  glibc raises its mmap threshold to the size of each large
     * block freed, so the next ones came from the heap arenas and were
     * never given back: an idle daemon kept 70 MB at 1,000,000 items after
     * `ls -l reports`.  A fixed threshold keeps large blocks mapped, and
     * freeing one returns it to the system. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);

    if (fuse_opt_parse(&args, &o, option_spec, option_proc) != 0)
        goto out_args;
    if (o.help) {
        usage(stdout);
        ret = 0;
        goto out_args;
    }
    if (o.version) {
        printf("depotfs %s (libfuse %s, SQLite %s)\n", DEPOTFS_VERSION, fuse_pkgversion(),
               sqlite3_libversion());
        ret = 0;
        goto out_args;
    }
    if (o.extra) {
        fprintf(stderr, "depotfs: too many arguments (try 'depotfs --help')\n");
        goto out_args;
    }
    /* Before libfuse resolves the mountpoint: a dead mount gives it an
     * error that does not say what to do. */
    if (o.mnt && is_dead_mount(o.mnt)) {
        fprintf(stderr, "depotfs: cannot mount on '%s': a previous mount there lost its daemon"
                " (killed?); unmount it first with 'fusermount3 -u %s'\n", o.mnt, o.mnt);
        goto out_args;
    }
    if (fuse_parse_cmdline(&args, &cmd) != 0)
        goto out_cmd;
    if (!o.db || !cmd.mountpoint) {
        fprintf(stderr, "depotfs: expected DB and MOUNTPOINT (try 'depotfs --help')\n");
        goto out_cmd;
    }
    if (o.today && !check_today(o.today)) {
        fprintf(stderr, "depotfs: option today: '%s' is not a date (YYYY-MM-DD)\n", o.today);
        goto out_cmd;
    }
    if (o.sync && strcmp(o.sync, "full") && strcmp(o.sync, "normal")) {
        fprintf(stderr, "depotfs: option sync: '%s' is neither 'full' nor 'normal'\n", o.sync);
        goto out_cmd;
    }
    fs_config.sync_normal = o.sync && !strcmp(o.sync, "normal");
    if (o.uring && strcmp(o.uring, "0") && strcmp(o.uring, "1")) {
        fprintf(stderr, "depotfs: option uring: '%s' is neither 0 nor 1\n", o.uring);
        goto out_cmd;
    }
    fs_config.uring = !cmd.singlethread && !(o.uring && !strcmp(o.uring, "0"));
    fs_config.uid = getuid();
    fs_config.gid = getgid();
    if (o.group) {
        struct group *g = getgrnam(o.group);
        if (!g) {
            fprintf(stderr, "depotfs: option group: no such group '%s'\n", o.group);
            goto out_cmd;
        }
        fs_config.gid = g->gr_gid;
        fs_config.group_write = 1;
    }
    /* A database file we may not write (its mode, a read-only filesystem)
     * is mounted read-only, as mount(8) does with a write-protected device,
     * rather than accepting writes that would all fail. */
    if (!o.ro && access(o.db, W_OK) != 0 && (errno == EACCES || errno == EPERM || errno == EROFS)) {
        fprintf(stderr, "depotfs: warning: '%s' is not writable (%s): mounting read-only\n",
                o.db, strerror(errno));
        o.ro = 1;
        if (fuse_opt_add_arg(&args, "-oro") != 0)
            goto out_cmd;
    }
    /* The database: open it once here to refuse a bad one early. */
    {
        depot *d = NULL;
        strbuf err = STRBUF_INIT;
        if (depot_open(o.db, o.ro ? DEPOT_OPEN_READONLY : 0, &d, &err) != DEPOT_OK) {
            fprintf(stderr, "depotfs: %s\n", strbuf_str(&err));
            strbuf_release(&err);
            goto out_cmd;
        }
        depot_close(d);
        strbuf_release(&err);
    }
    struct stat st;
    if (stat(cmd.mountpoint, &st) != 0) {
        if (dead_errno())
            fprintf(stderr, "depotfs: cannot mount on '%s': the daemon of a previous mount died;"
                    " unmount it first with 'fusermount3 -u %s'\n", cmd.mountpoint, cmd.mountpoint);
        else
            fprintf(stderr, "depotfs: cannot mount on '%s': %s\n", cmd.mountpoint,
                    strerror(errno));
        goto out_cmd;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "depotfs: cannot mount on '%s': not a directory\n", cmd.mountpoint);
        goto out_cmd;
    }
    fs_config.db_path = realpath(o.db, NULL);   /* the daemon chdirs to / */
    if (!fs_config.db_path)
        goto out_cmd;
    {
        char real[PATH_MAX];
        if (realpath(cmd.mountpoint, real) && holds(real, fs_config.db_path)) {
            fprintf(stderr, "depotfs: cannot mount on '%s': it holds the database '%s', which"
                    " the mount would hide (mount elsewhere)\n", cmd.mountpoint,
                    fs_config.db_path);
            goto out_cmd;
        }
    }
    if (fs_mount_dev(cmd.mountpoint)) {
        fprintf(stderr, "depotfs: cannot mount on '%s': mountpoint is busy (already mounted;"
                " if its daemon died, 'fusermount3 -u %s' first)\n", cmd.mountpoint,
                cmd.mountpoint);
        goto out_cmd;
    }
    fs_config.readonly = o.ro;
    fs_config.today = o.today;
    fs_config.mount_ns = (int64_t)time(NULL) * 1000000000;

    /* Others let in: the kernel checks permission bits.  The source shown
     * by mount and df is the database (commas escaped for libfuse). */
    if (o.allow_other && fuse_opt_add_arg(&args, "-odefault_permissions") != 0)
        goto out_cmd;
    {
        strbuf fsname = STRBUF_INIT;
        strbuf_addstr(&fsname, "-osubtype=depotfs,fsname=");
        for (const char *c = fs_config.db_path; *c; c++) {
            if (*c == ',' || *c == '\\')
                strbuf_addch(&fsname, '\\');
            strbuf_addch(&fsname, *c);
        }
        int bad = fuse_opt_add_arg(&args, strbuf_str(&fsname));
        strbuf_release(&fsname);
        if (bad)
            goto out_cmd;
    }
    fs_config.foreground = cmd.foreground;
    if (!cmd.foreground)
        openlog("depotfs", LOG_PID, LOG_DAEMON);

    se = fuse_session_new(&args, &fs_ll_ops, sizeof fs_ll_ops, NULL);
    if (!se)
        goto out_cmd;
    fs_ll_set_session(se);
    if (fuse_set_signal_handlers(se) != 0)
        goto out_session;
    if (fuse_session_mount(se, cmd.mountpoint) != 0)
        goto out_signals;
    if (fs_config.uring && fs_uring_setup(se) != 0)
        fs_config.uring = 0;
    if (fuse_daemonize(cmd.foreground) != 0)
        goto out_unmount;
    fs_keeper_start(cmd.mountpoint);
    if (cmd.singlethread) {
        ret = loop_status(fuse_session_loop(se));
    } else {
        loop = fuse_loop_cfg_create();
        if (!loop)
            goto out_unmount;
        fuse_loop_cfg_set_clone_fd(loop, (unsigned)cmd.clone_fd);
        if (cmd.max_threads && cmd.max_threads <= 1000)
            fuse_loop_cfg_set_max_threads(loop, cmd.max_threads);
        /* libfuse marks an unset value with UINT_MAX */
        fuse_loop_cfg_set_idle_threads(loop, cmd.max_idle_threads && cmd.max_idle_threads <= 1000
                                             ? cmd.max_idle_threads : 8);
        ret = loop_status(fuse_session_loop_mt(se, loop));
        fuse_loop_cfg_destroy(loop);
    }
out_unmount:
    fs_ll_close_notices();      /* unmounting closes /dev/fuse */
    fuse_session_unmount(se);
    fs_uring_stop();
out_signals:
    fuse_remove_signal_handlers(se);
out_session:
    fs_ll_set_session(NULL);
    fuse_session_destroy(se);
out_cmd:
    free(cmd.mountpoint);
out_args:
    fuse_opt_free_args(&args);
    free(o.db);
    free(o.today);
    free(o.group);
    free(o.sync);
    free(o.uring);
    free(o.mnt);
    free((char *)fs_config.db_path);
    return ret;
}
