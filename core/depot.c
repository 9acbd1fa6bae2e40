/*
 * depot.c: opening a depot and the plumbing every other core module uses.
 *
 * Opening sets the connection up the way the daemon needs it: WAL journal
 * (readers never block the writer), synchronous=FULL (a write acknowledged
 * to a program survives a power cut, not just a crash) unless the caller
 * asks for NORMAL (durable against a crash at once, against a power cut
 * from the next depot_sync(), as with write() and fsync() on a disk
 * filesystem: the daemon's writer, which calls depot_sync() itself before
 * each reply, grouping writers, and its -o sync=normal), foreign keys on,
 * and a busy timeout so that concurrent writers wait rather than fail.  The
 * schema lives in schema/NNN-*.sql, embedded at build time
 * (scripts/embed-sql); PRAGMA user_version says how many of those files a
 * database has had, and opening applies the missing ones in one transaction.
 *
 * The statement cache, failure words, transactions (and forgetting the
 * read-transaction memos when one begins or ends) and the journal insert
 * are here too, so the rules about them are written once.
 */
#include "internal.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"

extern const char *const depot_migrations[];

#define DEPOT_BUSY_TIMEOUT_MS 10000

static const char *const kind_names[DK_COUNT] = {
    [DK_SITE] = "site",         [DK_CATEGORY] = "category", [DK_VEHICLE] = "vehicle",
    [DK_ITEM] = "item",         [DK_MODULE] = "module",     [DK_LINE] = "line",
    [DK_PLAN] = "plan",         [DK_DELIVERY] = "delivery",
};

const char *depot_kind_name(enum depot_kind k)
{
    return (unsigned)k < DK_COUNT ? kind_names[k] : "object";
}

const char *depot_strerror(int err)
{
    switch (err) {
    case DEPOT_OK:        return "success";
    case DEPOT_ENOENT:    return "no such object";
    case DEPOT_EINVAL:    return "invalid value";
    case DEPOT_EACCES:    return "read-only value";
    case DEPOT_EPERM:     return "not allowed";
    case DEPOT_EEXIST:    return "already exists";
    case DEPOT_EROFS:     return "depot is read-only";
    case DEPOT_EBUSY:     return "depot is busy";
    case DEPOT_EIO:       return "database error";
    case DEPOT_ENOTDEPOT: return "not a depot";
    case DEPOT_EVERSION:  return "made by a newer depotfs";
    case DEPOT_ENOMEM:    return "out of memory";
    }
    return "unknown error";
}

int depot_fail(depot *d, int code, const char *fmt, ...)
{
    va_list ap;
    strbuf_reset(&d->err);
    va_start(ap, fmt);
    strbuf_vaddf(&d->err, fmt, ap);
    va_end(ap);
    return code;
}

int depot_sqlfail(depot *d, const char *what)
{
    int rc = sqlite3_extended_errcode(d->db);
    int code;
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:   code = DEPOT_EBUSY; break;
    case SQLITE_NOMEM:    code = DEPOT_ENOMEM; break;
    case SQLITE_READONLY: code = DEPOT_EROFS; break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:  code = DEPOT_ENOTDEPOT; break;
    default:              code = DEPOT_EIO; break;
    }
    return depot_fail(d, code, "%s: %s", what, sqlite3_errmsg(d->db));
}

const char *depot_errmsg(const depot *d)
{
    return strbuf_str(&d->err);
}

struct sqlite3 *depot_db(depot *d)
{
    return d->db;
}

sqlite3_stmt *depot_stmt(depot *d, const char *sql)
{
    size_t h = ((uintptr_t)sql >> 3) % DEPOT_STMT_SLOTS;
    for (size_t i = 0; i < DEPOT_STMT_SLOTS; i++) {
        size_t s = (h + i) % DEPOT_STMT_SLOTS;
        if (d->stmts[s].sql == sql) {
            sqlite3_reset(d->stmts[s].stmt);
            sqlite3_clear_bindings(d->stmts[s].stmt);
            return d->stmts[s].stmt;
        }
        if (!d->stmts[s].sql) {
            sqlite3_stmt *st;
            if (sqlite3_prepare_v3(d->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)
                != SQLITE_OK) {
                depot_sqlfail(d, "cannot prepare statement");
                return NULL;
            }
            d->stmts[s].sql = sql;
            d->stmts[s].stmt = st;
            return st;
        }
    }
    /* The cache is full: more distinct statements than slots is a bug. */
    depot_fail(d, DEPOT_EIO, "statement cache full");
    return NULL;
}

void depot_memo_reset(depot *d)
{
    d->mtime_memo.valid = 0;
    d->show_memo.valid = 0;
}

int depot_begin(depot *d)
{
    depot_memo_reset(d);
    if (d->flags & DEPOT_OPEN_READONLY)
        return depot_fail(d, DEPOT_EROFS, "the depot is mounted read-only");
    sqlite3_stmt *st = depot_stmt(d, "BEGIN IMMEDIATE");
    if (!st)
        return DEPOT_EIO;
    if (sqlite3_step(st) != SQLITE_DONE)
        return depot_sqlfail(d, "cannot begin a transaction");
    return DEPOT_OK;
}

int depot_commit(depot *d)
{
    if (d->dry_run) {
        depot_rollback(d);
        return DEPOT_OK;
    }
    sqlite3_stmt *st = depot_stmt(d, "COMMIT");
    if (!st) {
        depot_rollback(d);
        return DEPOT_EIO;
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
        int rc = depot_sqlfail(d, "cannot commit");
        depot_rollback(d);
        return rc;
    }
    return DEPOT_OK;
}

void depot_rollback(depot *d)
{
    if (!sqlite3_get_autocommit(d->db))
        sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
}

int depot_store_check(depot *d, enum depot_kind k, int64_t id, const char *attr,
                      const char *buf, size_t len, const depot_actor *who)
{
    d->dry_run = 1;
    int rc = depot_store(d, k, id, attr, buf, len, who);
    d->dry_run = 0;
    return rc;
}

int depot_plan_check(depot *d, int year, const char *doc, size_t len, const depot_actor *who)
{
    d->dry_run = 1;
    int rc = depot_plan_store(d, year, doc, len, who);
    d->dry_run = 0;
    return rc;
}

int depot_delivery_check(depot *d, const char *note, const char *doc, size_t len,
                         const depot_actor *who)
{
    d->dry_run = 1;
    int rc = depot_delivery_store(d, note, doc, len, who);
    d->dry_run = 0;
    return rc;
}

void depot_read_begin(depot *d)
{
    depot_memo_reset(d);
    if (sqlite3_get_autocommit(d->db)) {
        sqlite3_stmt *st = depot_stmt(d, "BEGIN");
        if (st && sqlite3_step(st) == SQLITE_DONE)
            d->reading = 1;
    }
}

void depot_read_end(depot *d)
{
    depot_memo_reset(d);
    for (sqlite3_stmt *st = sqlite3_next_stmt(d->db, NULL); st; st = sqlite3_next_stmt(d->db, st))
        if (sqlite3_stmt_busy(st))
            sqlite3_reset(st);
    if (d->reading) {
        d->reading = 0;
        if (!sqlite3_get_autocommit(d->db)) {
            sqlite3_stmt *st = depot_stmt(d, "COMMIT");
            if (!st || sqlite3_step(st) != SQLITE_DONE)
                depot_rollback(d);
        }
    }
}

int64_t depot_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int depot_journal(depot *d, const depot_actor *who, enum depot_kind k, int64_t id,
                  const char *object, const char *attr, const char *old_value,
                  const char *new_value, const char *reason)
{
    sqlite3_stmt *st = depot_stmt(d,
        "INSERT INTO journal (at_ns, uid, user, pid, process, object_kind, object_id,"
        " object, attribute, old, new, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!st)
        return DEPOT_EIO;
    if (!who)
        who = depot_self_actor();
    sqlite3_bind_int64(st, 1, depot_now_ns());
    sqlite3_bind_int64(st, 2, who->uid);
    sqlite3_bind_text(st, 3, who->user ? who->user : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, who->pid);
    sqlite3_bind_text(st, 5, who->process ? who->process : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, depot_kind_name(k), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, id);
    sqlite3_bind_text(st, 8, object, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, attr, -1, SQLITE_STATIC);
    if (old_value)
        sqlite3_bind_text(st, 10, old_value, -1, SQLITE_STATIC);
    if (new_value)
        sqlite3_bind_text(st, 11, new_value, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, reason ? reason : "", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        return depot_sqlfail(d, "cannot write the journal");
    return DEPOT_OK;
}

void depot_col_text(sqlite3_stmt *st, int col, strbuf *out)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (t)
        strbuf_add(out, t, (size_t)sqlite3_column_bytes(st, col));
}

const depot_actor *depot_self_actor(void)
{
    static depot_actor self;
    static char user[64], comm[64] = "depotctl";
    if (!self.user) {
        struct passwd *pw = getpwuid(getuid());
        snprintf(user, sizeof user, "%s", pw ? pw->pw_name : "");
        if (!pw)
            snprintf(user, sizeof user, "%ld", (long)getuid());
        FILE *f = fopen("/proc/self/comm", "r");
        if (f) {
            if (fgets(comm, sizeof comm, f))
                comm[strcspn(comm, "\n")] = '\0';
            fclose(f);
        }
        self.uid = (long)getuid();
        self.pid = (long)getpid();
        self.process = comm;
        self.user = user;
    }
    return &self;
}

int depot_set_today(depot *d, const char *date)
{
    int y, m, dd;
    if (!date) {
        d->today[0] = '\0';
        return DEPOT_OK;
    }
    if (parse_date(date, &y, &m, &dd, NULL) != 0)
        return depot_fail(d, DEPOT_EINVAL, "'%s' is not a date (YYYY-MM-DD)", date);
    snprintf(d->today, sizeof d->today, "%04d-%02d-%02d", y, m, dd);
    return DEPOT_OK;
}

void depot_today(const depot *d, char buf[11])
{
    if (d->today[0]) {
        memcpy(buf, d->today, 11);
        return;
    }
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, 11, "%Y-%m-%d", &tm);
}

/* Applies every migration past the file's user_version, in one transaction. */
static int depot_migrate(depot *d, const char *path, int create)
{
    sqlite3_stmt *st = NULL;
    int version = 0, latest = 0, rc;
    while (depot_migrations[latest])
        latest++;
    if (sqlite3_prepare_v2(d->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK
        || sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return depot_sqlfail(d, "cannot read the schema version");
    }
    version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version > latest)
        return depot_fail(d, DEPOT_EVERSION,
                          "cannot open '%s': schema version %d is newer than this depotfs (%d)",
                          path, version, latest);
    if (version == latest)
        return DEPOT_OK;
    if (version == 0) {
        /* An empty file becomes a depot only when asked to; a SQLite file
         * holding other tables is not a depot. */
        int tables = 0;
        if (sqlite3_prepare_v2(d->db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL)
                == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            tables = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        if (tables > 0)
            return depot_fail(d, DEPOT_ENOTDEPOT,
                              "cannot open '%s': a SQLite database, but not a depot", path);
        if (!create)
            return depot_fail(d, DEPOT_ENOTDEPOT,
                              "cannot open '%s': empty database (run 'depotctl init' first)", path);
    }
    if (d->flags & DEPOT_OPEN_READONLY)
        return depot_fail(d, DEPOT_EROFS,
                          "cannot open '%s' read-only: its schema needs an upgrade", path);
    if (sqlite3_exec(d->db, "BEGIN EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK)
        return depot_sqlfail(d, "cannot upgrade the schema");
    for (int v = version; v < latest; v++) {
        if (sqlite3_exec(d->db, depot_migrations[v], NULL, NULL, NULL) != SQLITE_OK) {
            rc = depot_sqlfail(d, "cannot upgrade the schema");
            depot_rollback(d);
            return rc;
        }
    }
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", latest);
    if (sqlite3_exec(d->db, sql, NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = depot_sqlfail(d, "cannot upgrade the schema");
        depot_rollback(d);
        return rc;
    }
    return DEPOT_OK;
}

int depot_open(const char *path, int flags, depot **out, strbuf *err)
{
    depot *d = calloc(1, sizeof *d);
    int memory = !strcmp(path, ":memory:") || !strncmp(path, "file::memory:", 13);
    int rc;
    *out = NULL;
    if (!d) {
        if (err)
            strbuf_addf(err, "cannot open '%s': out of memory", path);
        return DEPOT_ENOMEM;
    }
    d->flags = flags;
    if (!memory && !(flags & DEPOT_OPEN_CREATE)) {
        struct stat sb;
        if (stat(path, &sb) != 0) {
            rc = depot_fail(d, DEPOT_ENOTDEPOT, "cannot open '%s': %s", path, strerror(errno));
            goto fail;
        }
        if (!S_ISREG(sb.st_mode)) {
            rc = depot_fail(d, DEPOT_ENOTDEPOT, "cannot open '%s': not a regular file", path);
            goto fail;
        }
    }
    int oflags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX
               | ((flags & DEPOT_OPEN_READONLY) && !memory ? SQLITE_OPEN_READONLY
                                                           : SQLITE_OPEN_READWRITE)
               | ((flags & DEPOT_OPEN_CREATE) || memory ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &d->db, oflags, NULL) != SQLITE_OK) {
        rc = depot_fail(d, DEPOT_ENOTDEPOT, "cannot open '%s': %s", path,
                        d->db ? sqlite3_errmsg(d->db) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(d->db, 1);
    sqlite3_busy_timeout(d->db, DEPOT_BUSY_TIMEOUT_MS);
    /* The first read tells whether this is SQLite at all.  A depot is in
     * WAL mode, whose -wal and -shm files live beside the database: in a
     * directory we may not write, even reading fails, and SQLite only says
     * "attempt to write a readonly database". */
    if (sqlite3_exec(d->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK) {
        if (sqlite3_extended_errcode(d->db) == SQLITE_READONLY_DIRECTORY)
            rc = depot_fail(d, DEPOT_ENOTDEPOT, "cannot open '%s': its directory is not writable"
                            " (the write-ahead log keeps '%s-wal' and '%s-shm' beside it, even"
                            " to read)", path, path, path);
        else
            rc = depot_fail(d, DEPOT_ENOTDEPOT, "cannot open '%s': %s", path,
                            sqlite3_errmsg(d->db));
        goto fail;
    }
    if (sqlite3_exec(d->db, flags & DEPOT_OPEN_SYNC_NORMAL
                                ? "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"
                                : "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        rc = depot_sqlfail(d, "cannot configure the connection");
        goto fail;
    }
    rc = depot_migrate(d, path, (flags & DEPOT_OPEN_CREATE) || memory);
    if (rc)
        goto fail;
    /* WAL only once the file is known to be a depot: switching writes the
     * file's header, and a refused file must be left as it was. */
    if (!memory && !(flags & DEPOT_OPEN_READONLY)
        && sqlite3_exec(d->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK) {
        rc = depot_fail(d, DEPOT_ENOTDEPOT, "cannot open '%s': %s", path, sqlite3_errmsg(d->db));
        goto fail;
    }
    *out = d;
    return DEPOT_OK;
fail:
    if (err)
        strbuf_addstr(err, depot_errmsg(d));
    depot_close(d);
    return rc;
}

int depot_sync(depot *d)
{
    /* In WAL mode a commit is a set of frames appended to the -wal file;
     * once that file is on disk, so is every commit in it (a checkpoint
     * syncs the database file before the log is reused).  SQLite hands out
     * its own handle of the log, so the sync goes through its VFS. */
    sqlite3_file *wal = NULL;
    if (sqlite3_file_control(d->db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK)
        return depot_sqlfail(d, "cannot find the write-ahead log");
    if (!wal || !wal->pMethods)
        return DEPOT_OK;    /* no log open: nothing committed since the last checkpoint */
    if (wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL) != SQLITE_OK)
        return depot_fail(d, DEPOT_EIO, "cannot sync the write-ahead log");
    return DEPOT_OK;
}

void depot_close(depot *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < DEPOT_STMT_SLOTS; i++)
        if (d->stmts[i].stmt)
            sqlite3_finalize(d->stmts[i].stmt);
    sqlite3_close(d->db);
    for (size_t i = 0; i < DEPOT_SHOW_MEMO_ATTRS; i++)
        strbuf_release(&d->show_memo.text[i]);
    strbuf_release(&d->err);
    free(d);
}
