/*
 * ll.c: the FUSE operations, on libfuse's low-level (inode) API.
 *
 * Why the low-level API.  A depot is browsed by tools that stat every file
 * (ls -lR, find, rsync), so what decides speed is how many requests reach
 * the daemon at all: the kernel must cache names and attributes.  But some
 * files change whenever anything changes (summaries, reports, logs, JSON,
 * history), while most (an item's serial, its status) change only when
 * written.  The low-level API lets each reply carry its own cache lifetime
 * (fs_timeouts() in tree.c) and lets us invalidate exactly the inodes a
 * change touches; the high-level API has one timeout for everything.  Our
 * inode numbers are computed from the path and can be turned back into it
 * (fs_ino / fs_from_ino in tree.c), so there is no inode table to keep:
 * forget is a no-op and memory stays flat however many files the kernel
 * caches.
 *
 * Caching and coherence.
 *  - Attribute files (but summaries) and object directories: cached for a
 *    day.  After every accepted change, before the write() returns, the
 *    attributes and pages of every attribute file of each object the change
 *    touched (as its journal rows name them, cascades included) are
 *    invalidated (fuse_lowlevel_notify_inval_inode; by a notifier thread
 *    the writer waits for, see "the notifiers").  A category change
 *    moves every item's expiry, so it invalidates the whole tree (below).
 *  - Summaries, reports, logs, documents, directories that list objects,
 *    a year's plan.json: attributes never cached, so size and mtime are
 *    always fresh (their renderings are kept a moment by render.c, so a
 *    stat and the open that follows render once).
 *  - The symlinks of the views (stations/<s>/equipment/<c>/<tag>,
 *    stations/<s>/vehicles/<callsign>, categories/<c>/items/<name>,
 *    years/<y>/{acquired,due}/<c>/<name>, fleet/<callsign>/load/<tag>):
 *    entries and attributes cached for a day; after a change to an item
 *    or a vehicle its name is invalidated in every station's view, in its
 *    category's and in the loads of the vehicle it is on and the one it
 *    was on (the journal says which: depot_changed_since), whichever it
 *    was listed in, and so are its symlinks' inodes (fs_view_link_inos).
 *    mv moves the kernel's entry of the source's link to the new name,
 *    dropped again after the reply (settle_moved).  A year's members move
 *    only with a category's service life or another process's change,
 *    which invalidate everything.  Symlink targets never change and are
 *    cached too.
 *  - File data: values are read through the page cache, kept across opens,
 *    when that is safe, else with direct I/O from a snapshot the open took
 *    (see "Reads through the page cache" in held.c); everything else is
 *    always direct I/O.  Opens for reading ask for no flush.
 *  - Directories: every listing is a readdirplus; no opendir (ENOSYS), so
 *    the kernel keeps each listing in its readdir cache until the
 *    directory's mtime or an invalidation says otherwise.  A listing
 *    carries its files' attributes only for a thread that looks files up
 *    (walkers.c); directories always come with theirs.
 *  - Another process changing the database (sqlite3, depotctl): a watcher
 *    thread polls PRAGMA data_version every 250 ms on the connection all our
 *    changes are made on (the writer, below), where it moves only for other
 *    processes' commits; then it invalidates every top-level entry, which
 *    drops the kernel's cached subtrees, so the new values show within a
 *    quarter of a second.
 *
 * Reading: open() renders the file's text once into the handle, so a
 * sequence of read() calls sees one consistent value.
 *
 * Writing: there is no writeback cache, so every write() reaches us and a
 * refused value fails that very write() (shells ignore errors at close()).
 * A value is stored, after its commit, by the write() that ends its line;
 * pieces before it are checked and held (see write_attr), and a line never
 * ended is stored at close (flush).  Later writes to the same open file may
 * only add blank space.  A write at
 * an offset other than the end of what was written is refused.  O_TRUNC and
 * truncate to 0 just begin a new value: they never store an empty one.
 * Every change is made on one connection, the writer (see there); what it
 * touched is told to the kernel after the writer is given back and before
 * the reply, while the commit is made durable (on disk, SPEC 4) by group
 * commit (both in writer_give); with -o
 * sync=normal it survives a crash of the daemon at once but a power cut
 * only from the next fsync() on any file of the mount, for about twice the
 * write rate.
 * Whole documents (plans, delivery notes) are assembled across writes; as
 * soon as they parse (depot_doc_complete) they are validated, so a bad one
 * fails that write, and stored at close.  A document still incomplete at
 * close can only be refused by close() - the README tells users to copy
 * documents with cp or dd.
 *
 * Every refusal goes through refuse(): the one place that records it in
 * log/errors and on the daemon's log.
 */
#include "ll.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "fs.h"
#include "held.h"
#include "walkers.h"
#include "scratch.h"
#include "uring.h"

struct fs_config fs_config;


static struct fuse_session *_Atomic session;   /* NULL once the loop has ended */

/* ---- the depot connection of each thread ---- */

static pthread_key_t depot_key;
static pthread_once_t depot_once = PTHREAD_ONCE_INIT;

static void close_depot(void *d)
{
    depot_close(d);
}

static void make_key(void)
{
    pthread_key_create(&depot_key, close_depot);
}

/* Opens a connection to the mounted depot, or logs why it cannot.  The
 * writer's commits do not sync the log themselves: they are made durable
 * by group_sync() (or, with -o sync=normal, by the next fsync()). */
static depot *open_depot(int for_writer)
{
    depot *d = NULL;
    strbuf err = STRBUF_INIT;
    int flags = (fs_config.readonly ? DEPOT_OPEN_READONLY : 0)
              | (fs_config.sync_normal || for_writer ? DEPOT_OPEN_SYNC_NORMAL : 0);
    if (depot_open(fs_config.db_path, flags, &d, &err) != DEPOT_OK) {
        fs_log(LOG_ERR, "%s", strbuf_str(&err));
        d = NULL;
    } else if (fs_config.today) {
        depot_set_today(d, fs_config.today);
    }
    strbuf_release(&err);
    return d;
}

/* The calling thread's connection, as it is (mid-request). */
static depot *fs_depot_current(void)
{
    pthread_once(&depot_once, make_key);
    depot *d = pthread_getspecific(depot_key);
    if (!d && (d = open_depot(0)))
        pthread_setspecific(depot_key, d);
    return d;
}

depot *fs_depot(void)
{
    held_request_begin();
    depot *d = fs_depot_current();
    if (d)
        depot_read_end(d);      /* no snapshot outlives the request before */
    return d;
}

/*
 * The writer.  Every change is made on this one connection, shared under a
 * mutex (SQLite lets one writer in at a time anyway).  So PRAGMA
 * data_version on it changes only when another process commits, and the
 * watcher tells a change behind our back (drop every cached entry) from
 * ours (already invalidated precisely, before the write returned).
 */
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
static depot *writer;
static int writer_commits;          /* commits on the writer since it was taken */

/* Counts the writer's commits (SQLite's commit hook): a store checked and
 * rolled back (depot_store_check) commits nothing and needs no sync. */
static int count_commit(void *arg)
{
    (void)arg;
    writer_commits++;
    return 0;       /* let it commit */
}

/* Opens the writer if it is not yet (writer_lock held): NULL if it cannot be. */
static depot *writer_open(void)
{
    if (!writer && (writer = open_depot(1)))
        sqlite3_commit_hook(depot_db(writer), count_commit, NULL);
    return writer;
}

/*
 * Group commit.  A change must be on disk before the write that made it
 * returns (SPEC 4; not with -o sync=normal).  With synchronous=FULL SQLite
 * would sync the log inside each commit, holding the writer, so writers
 * arriving together would wait for each other's disk flushes in turn.  So
 * the writer commits with synchronous=NORMAL (the commit is complete, in
 * the log, not yet synced), and a request that committed waits, once it
 * has given the writer back, until a sync of the log that began after its
 * commit has ended: one sync covers every commit made before it began, so
 * the writers that committed meanwhile share the next one.  The log is
 * synced through a connection of its own (syncer), used only by the
 * thread leading a sync.
 */
static atomic_uint_fast64_t commits;    /* commits numbered as they are given back */
static pthread_mutex_t sync_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sync_done = PTHREAD_COND_INITIALIZER;
static uint64_t synced;         /* commits up to this number are on disk (sync_lock) */
static int syncing;             /* a thread is syncing (sync_lock) */
static depot *syncer;           /* the leader's connection */

/* Syncs the log (the leader, outside sync_lock): 0 or -EIO. */
static int sync_log(void)
{
    if (!syncer && !(syncer = open_depot(0)))
        return -EIO;
    /* The connection's handle of the log is open once it has read. */
    depot_read_begin(syncer);
    depot_read_end(syncer);
    if (depot_sync(syncer) != DEPOT_OK) {
        fs_log(LOG_ERR, "cannot sync the write-ahead log: %s", depot_errmsg(syncer));
        return -EIO;
    }
    return 0;
}

/* Waits until commit number mine is on disk: 0, or -EIO if it cannot be. */
static int group_sync(uint64_t mine)
{
    int rc = 0;
    pthread_mutex_lock(&sync_lock);
    while (synced < mine && rc == 0) {
        if (syncing) {
            pthread_cond_wait(&sync_done, &sync_lock);
            continue;
        }
        syncing = 1;
        uint64_t upto = atomic_load(&commits);  /* every one of them made before the sync */
        pthread_mutex_unlock(&sync_lock);
        rc = sync_log();
        pthread_mutex_lock(&sync_lock);
        syncing = 0;
        if (rc == 0 && upto > synced)
            synced = upto;
        pthread_cond_broadcast(&sync_done);
    }
    pthread_mutex_unlock(&sync_lock);
    return rc;
}

/* Takes the writer for a request that may change the depot (NULL: none). */
static depot *writer_take(void)
{
    fs_depot();     /* begins the request: generation, the thread's snapshot ended */
    fs_uring_busy();
    pthread_mutex_lock(&writer_lock);
    if (!writer_open())
        pthread_mutex_unlock(&writer_lock);
    else
        writer_commits = 0;
    return writer;
}

/* Gives the writer back: the number of its commit to wait for
 * (group_sync), or 0 if nothing was committed while it was held (or with
 * -o sync=normal).  writer_give, below, is what requests call. */
static uint64_t writer_put(void)
{
    uint64_t mine = 0;
    if (!fs_config.sync_normal && writer_commits)
        mine = atomic_fetch_add(&commits, 1) + 1;
    depot_read_end(writer);
    pthread_mutex_unlock(&writer_lock);
    return mine;
}

void fs_log(int priority, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (fs_config.foreground) {
        fputs("depotfs: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
    } else {
        vsyslog(priority, fmt, ap);
    }
    va_end(ap);
}

/* ---- who is asking ---- */

struct actor_buf {
    depot_actor a;
    char user[64];
    char comm[64];
};

/* The login name of uid (or the uid in decimal) into buf.  The last few
 * answers are kept: every write needs one, and the passwd database is a
 * file read per lookup. */
static void user_name(uid_t uid, char *buf, size_t size)
{
    static struct { uid_t uid; char name[64]; int used; } cache[8];
    static unsigned next;
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < sizeof cache / sizeof cache[0]; i++) {
        if (cache[i].used && cache[i].uid == uid) {
            snprintf(buf, size, "%s", cache[i].name);
            pthread_mutex_unlock(&lock);
            return;
        }
    }
    pthread_mutex_unlock(&lock);
    struct passwd pw, *res = NULL;
    char tmp[1024];
    if (getpwuid_r(uid, &pw, tmp, sizeof tmp, &res) == 0 && res)
        snprintf(buf, size, "%s", res->pw_name);
    else
        snprintf(buf, size, "%ld", (long)uid);
    pthread_mutex_lock(&lock);
    unsigned slot = next++ % (sizeof cache / sizeof cache[0]);
    cache[slot].uid = uid;
    cache[slot].used = 1;
    snprintf(cache[slot].name, sizeof cache[slot].name, "%s", buf);
    pthread_mutex_unlock(&lock);
}

/* The command name of process pid into buf.  Kept for a second: a script
 * writing thousands of values would otherwise read /proc once per write (a
 * pid reused within that second would be misnamed in the journal). */
static void process_name(pid_t pid, char *buf, size_t size)
{
    static struct { pid_t pid; int64_t until; char comm[64]; } cache[8];
    static unsigned next;
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < sizeof cache / sizeof cache[0]; i++) {
        if (cache[i].pid == pid && cache[i].until > ns) {
            snprintf(buf, size, "%s", cache[i].comm);
            pthread_mutex_unlock(&lock);
            return;
        }
    }
    pthread_mutex_unlock(&lock);
    char path[64];
    buf[0] = '\0';
    snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, size - 1);
        buf[n > 0 ? n : 0] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        close(fd);
    }
    pthread_mutex_lock(&lock);
    unsigned slot = next++ % (sizeof cache / sizeof cache[0]);
    cache[slot].pid = pid;
    cache[slot].until = ns + 1000000000;
    snprintf(cache[slot].comm, sizeof cache[slot].comm, "%s", buf);
    pthread_mutex_unlock(&lock);
}

static void current_actor(fuse_req_t req, struct actor_buf *b)
{
    const struct fuse_ctx *c = fuse_req_ctx(req);
    b->a.uid = (long)c->uid;
    b->a.pid = (long)c->pid;
    user_name(c->uid, b->user, sizeof b->user);
    process_name(c->pid, b->comm, sizeof b->comm);
    b->a.user = b->user;
    b->a.process = b->comm;
}

/*
 * Records a refused write and returns its -errno: the one place where a
 * refusal is written down (log/errors, and the daemon's log).  path is the
 * file as the depot names it; reason NULL means depot_errmsg(d).
 */
static int refuse(fuse_req_t req, depot *d, const char *path, const char *buf, size_t len,
                  int rc, const char *reason)
{
    struct actor_buf who;
    char why[1024];
    current_actor(req, &who);
    snprintf(why, sizeof why, "%s", reason ? reason : depot_errmsg(d));
    if (!why[0])
        snprintf(why, sizeof why, "%s", depot_strerror(rc));
    depot_log_refusal(d, &who.a, path, buf, len, why);
    /* log/errors has changed: no rendering of it may be served again. */
    held_invalidation_begin();
    held_invalidation_end();
    fs_log(LOG_WARNING, "refused write to '%s' by %s (uid %ld) via %s[%ld]: %s",
           path, who.user, who.a.uid, who.comm, who.a.pid, why);
    return -fs_errno(rc);
}

/* ---- invalidation after a change ---- */

/*
 * Every notice to the kernel goes through these three, under the read side
 * of notice_lock, and only while notices are open.  The daemon's exit
 * closes them (fs_ll_close_notices) before libfuse closes /dev/fuse: a
 * notifier, a rename's thread or the watcher still sending one afterwards
 * would write to a closed descriptor, or to whatever file took its number
 * by then (TSan saw the first in test-write, a notice against the close).
 */
static pthread_rwlock_t notice_lock = PTHREAD_RWLOCK_INITIALIZER;
static atomic_int notices_closed;

static struct fuse_session *notice_begin(void)
{
    pthread_rwlock_rdlock(&notice_lock);
    struct fuse_session *se = atomic_load(&notices_closed) ? NULL : session;
    if (!se)
        pthread_rwlock_unlock(&notice_lock);
    return se;
}

/* 0, or -ENOENT if the kernel holds no such inode (or -errno). */
static int notify_inval_inode(fuse_ino_t ino, off_t off)
{
    struct fuse_session *se = notice_begin();
    int rc = -ENOTCONN;
    if (se) {
        rc = fuse_lowlevel_notify_inval_inode(se, ino, off, 0);
        pthread_rwlock_unlock(&notice_lock);
    }
    return rc;
}

static void notify_inval_entry(fuse_ino_t parent, const char *name)
{
    struct fuse_session *se = notice_begin();
    if (se) {
        fuse_lowlevel_notify_inval_entry(se, parent, name, strlen(name));
        pthread_rwlock_unlock(&notice_lock);
    }
}

static int notify_store(fuse_ino_t ino, struct fuse_bufvec *bv)
{
    struct fuse_session *se = notice_begin();
    int rc = -ENOTCONN;
    if (se) {
        rc = fuse_lowlevel_notify_store(se, ino, 0, bv, 0);
        pthread_rwlock_unlock(&notice_lock);
    }
    return rc;
}

void fs_ll_close_notices(void)
{
    /* A notice may wait for a directory lock held by a program whose own
     * request will never be answered now: wait a second at most. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    int locked = pthread_rwlock_timedwrlock(&notice_lock, &until) == 0;
    atomic_store(&notices_closed, 1);
    if (locked)
        pthread_rwlock_unlock(&notice_lock);
}

/* Invalidates inode ino (attributes, and pages from offset off: off < 0
 * keeps them), and notes when (held.c). */
static int invalidate_inode(fuse_ino_t ino, off_t off)
{
    held_changed((ino_t)ino);
    return notify_inval_inode(ino, off);
}

static void invalidate_entry(fuse_ino_t parent, const char *name);

/* Drops the kernel's cached attributes and pages of every attribute file
 * of (k, id), and the attributes of its directory.  A read may hold a
 * page's lock while its request waits: hence the notifiers (below).
 *
 * A file the kernel holds no inode of (-ENOENT) may still be on its way
 * in: a lookup answered before the change is turned into an inode only
 * when the program that asked runs again, which under load can be
 * milliseconds after this notice, and that inode would keep the old size
 * for a day (a stat racing a status write left a quarter of the item.json
 * sizes wrong in test-coherence's race).  The lookup holds its directory's
 * lock until then, and dropping the file's name waits for that lock: so
 * the name goes too, and the next stat looks the file up afresh (after
 * the reply when a rename made the change: it holds that lock itself). */
static void invalidate_object(enum depot_kind k, int64_t id, int64_t module)
{
    int row = fs_attr_row(k);
    if (row < 0 || !session)
        return;
    size_t na;
    const depot_attr *attrs = depot_attrs(k, &na);
    struct fs_path p;
    memset(&p, 0, sizeof p);
    p.kind = k;
    p.id = id;
    if (k == DK_LINE) {     /* a line's files are named by module and line */
        p.slot[0] = module;
        p.slot[1] = id;
    }
    struct fs_path dir = p;
    dir.node = fs_nodes[row].parent;
    if (k != DK_LINE)
        dir.slot[0] = id;
    fuse_ino_t dir_ino = fs_ino(&dir);
    for (size_t i = 0; i < na; i++) {
        p.node = row;
        p.attr_index = (int)i;
        if (invalidate_inode(fs_ino(&p), 0) == -ENOENT)
            invalidate_entry(dir_ino, attrs[i].name);
    }
    notify_inval_inode(dir_ino, -1);
}

/* Drops the cached attributes and listings of the directories that exist
 * once (stations/, equipment/ ...): their mtime is the depot's last change,
 * and a delivery or a plan adds to their listings. */
static void invalidate_fixed_dirs(void)
{
    if (!session)
        return;
    for (int row = 0; row < fs_node_count; row++) {
        if (!fs_fixed_dir(row))
            continue;
        struct fs_path p;
        memset(&p, 0, sizeof p);
        p.node = row;
        notify_inval_inode(fs_ino(&p), 0);
    }
}

/* Drops every cached entry below the root: used when more changed than can
 * be named (another process wrote the database, a category's service life
 * moved every expiry date).  Must not run inside a request on the root. */
static void invalidate_all(void)
{
    static const char *const top[] = { "README", "stations", "fleet", "equipment",
        "categories", "years", "reserves", "plans", "deliveries", "reports", "log", NULL };
    if (!session)
        return;
    held_all_changed();
    for (int i = 0; top[i]; i++)
        notify_inval_entry(FUSE_ROOT_ID, top[i]);
    invalidate_fixed_dirs();
}

static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pending_cond = PTHREAD_COND_INITIALIZER;
static int pending_all;

/* Asks the watcher thread to invalidate everything (soon, outside any request). */
static void request_invalidate_all(void)
{
    pthread_mutex_lock(&pending_lock);
    pending_all = 1;
    pthread_cond_signal(&pending_cond);
    pthread_mutex_unlock(&pending_lock);
}

/*
 * Entries (a name in a directory) are invalidated at once, except while a
 * rename is answered: the kernel holds both directories' locks until it has
 * our reply, and fuse_lowlevel_notify_inval_entry takes the directory's
 * lock, so inside the rename it would deadlock.  There they are kept on the
 * thread's list and sent after its reply (after_rename).
 */
struct deferred_entry {
    fuse_ino_t parent;
    char name[FS_NAME_MAX + 1];
};
static _Thread_local int deferring;
static _Thread_local struct deferred_entry *deferred;
static _Thread_local size_t ndeferred, deferred_cap;

static void invalidate_entry(fuse_ino_t parent, const char *name)
{
    if (!session)
        return;
    if (!deferring) {
        notify_inval_entry(parent, name);
        return;
    }
    if (ndeferred == deferred_cap) {
        size_t cap = deferred_cap ? 2 * deferred_cap : 64;
        struct deferred_entry *n = realloc(deferred, cap * sizeof *n);
        if (!n) {
            request_invalidate_all();       /* cannot say which: everything */
            return;
        }
        deferred = n;
        deferred_cap = cap;
    }
    deferred[ndeferred].parent = parent;
    snprintf(deferred[ndeferred].name, sizeof deferred[ndeferred].name, "%s", name);
    ndeferred++;
}

static void invalidate_view_entry(void *ctx, ino_t parent, const char *name)
{
    (void)ctx;
    invalidate_entry((fuse_ino_t)parent, name);
}

/*
 * Invalidation after a change happens in two steps.  Under the writer, the
 * change is committed and the journal read for what it touched
 * (note_change); the kernel is told afterwards, once the writer is given
 * back (changes_start, from writer_give), before the reply.  Telling the kernel may wait for
 * a directory lock held by a program whose own request (a rename) waits for
 * the writer: it must never be done while holding it.  The invalidation
 * counts as under way from the first note to the end of the flush.
 */
struct change {
    enum depot_kind kind;
    int64_t id;
    int64_t module;     /* a line's module; an item's vehicle before the change */
};
static _Thread_local struct change *changes;
static _Thread_local size_t nchanges, changes_cap;
static _Thread_local int changes_pending;   /* noted; invalidation under way */
static _Thread_local int changes_fixed;     /* the fixed directories too */
static _Thread_local int changes_all;       /* everything (a category moved every date) */

static void note_begin(void)
{
    if (!changes_pending) {
        held_invalidation_begin();
        changes_pending = 1;
    }
}

/* Notes one object a change touched (a depot_changed_fn). */
static void note_object(void *ctx, enum depot_kind k, int64_t id, int64_t module)
{
    (void)ctx;
    if (k == DK_CATEGORY)
        changes_all = 1;    /* every expiry or next inspection may have moved */
    if (nchanges == changes_cap) {
        size_t cap = changes_cap ? 2 * changes_cap : 16;
        struct change *n = realloc(changes, cap * sizeof *n);
        if (!n) {
            changes_all = 1;    /* cannot say which: everything */
            return;
        }
        changes = n;
        changes_cap = cap;
    }
    changes[nchanges++] = (struct change){ k, id, module };
}

/* Notes what the changes journalled after row `head` touched: the journal
 * names every object a store changed, cascades included, so what to
 * invalidate never has to be guessed here.  d is the writer. */
static void note_change(depot *d, int64_t head)
{
    note_begin();
    changes_fixed = 1;
    depot_changed_since(d, head, note_object, NULL);
}

/* A document (plan, delivery) was stored: the listings it adds to. */
static void note_document(void)
{
    note_begin();
    changes_fixed = 1;
}

/* Tells the kernel what changes touched: every file of each object, its
 * entries in the views the kernel keeps (looked up on connection d), the
 * fixed directories; then the invalidation noted by note_begin ends. */
static void tell_kernel(depot *d, const struct change *ch, size_t n, int fixed, int all)
{
    if (fixed)
        invalidate_fixed_dirs();
    for (size_t i = 0; i < n; i++) {
        invalidate_object(ch[i].kind, ch[i].id, ch[i].module);
        if (d)
            fs_view_entries(d, ch[i].kind, ch[i].id, ch[i].kind == DK_ITEM ? ch[i].module : 0,
                            invalidate_view_entry, NULL);
        ino_t links[FS_VIEW_LINKS];
        size_t nlinks = fs_view_link_inos(ch[i].kind, ch[i].id, links);
        for (size_t j = 0; j < nlinks; j++)
            notify_inval_inode(links[j], -1);
    }
    if (all)
        request_invalidate_all();
    held_invalidation_end();
}

/*
 * The notifiers: one thread per CPU that tells the kernel what a change
 * touched, while the worker that made the change waits for it, at most
 * NOTICE_WAIT_MS, and then replies.
 *
 * Why not on the worker itself.  An entry's invalidation takes its
 * directory's lock, and a page's takes the page's lock; a program listing
 * or looking up in that directory (or reading that page) holds it while its
 * own request waits for a worker.  Read from /dev/fuse, another worker
 * takes that request, as long as libfuse's pool (10 threads) is not all
 * waiting; over io_uring (uring.c) only the workers of the CPU the program
 * runs on can.  When they are all waiting for such locks, nothing moves
 * again: 24 programs writing and listing in the same views did that to
 * both (tests/mount/test-uring.sh).  A worker that waits for a notifier instead gives
 * up after NOTICE_WAIT_MS: its reply then hands its ring entry the waiting
 * request, the lock is released and the notices go out.  So a write
 * returns after the kernel has dropped what it touched, except when another
 * program is inside that very directory at that moment, and then a moment
 * later (the invalidation counts as under way meanwhile, see held.c).  The
 * notifier of the worker's CPU is chosen, so handing over costs a context
 * switch, not a wake-up of another CPU.
 */
#define NOTICE_WAIT_MS 20

struct notice_job {
    struct change *changes;
    size_t n;
    int fixed, all;
    fuse_ino_t ino;     /* or else: only this inode's attributes and pages */
    int done;           /* told (under the notifier's lock) */
    struct timespec until;  /* how long its worker waits for it */
    int abandoned;      /* its worker stopped waiting: the notifier frees it */
    struct notice_job *next;
};

struct notifier {
    pthread_t tid;
    int started;
    int cpu;
    pthread_mutex_t lock;
    pthread_cond_t work;    /* a job queued, or stop */
    pthread_cond_t told;    /* a job done */
    struct notice_job *head, *tail;
    int stop;
};

static struct notifier *notifiers;
static atomic_int nnotifiers;   /* running */
static int notifier_slots;  /* initialized */

static void run_job(depot *d, const struct notice_job *job)
{
    if (job->ino)       /* held_changed was called when it was handed over */
        notify_inval_inode(job->ino, 0);
    else
        tell_kernel(d, job->changes, job->n, job->fixed, job->all);
}

static void free_job(struct notice_job *job)
{
    free(job->changes);
    free(job);
}

static void *notify_run(void *arg)
{
    struct notifier *n = arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(n->cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    pthread_mutex_lock(&n->lock);
    for (;;) {
        while (!n->head && !n->stop)
            pthread_cond_wait(&n->work, &n->lock);
        struct notice_job *job = n->head;
        if (!job)
            break;
        n->head = job->next;
        if (!n->head)
            n->tail = NULL;
        pthread_mutex_unlock(&n->lock);
        run_job(fs_depot(), job);
        pthread_mutex_lock(&n->lock);
        job->done = 1;
        if (job->abandoned) {
            free_job(job);
        } else {
            pthread_cond_broadcast(&n->told);
        }
    }
    pthread_mutex_unlock(&n->lock);
    return NULL;
}

static void notifiers_start(void)
{
    int cpus = (int)sysconf(_SC_NPROCESSORS_CONF);
    if (cpus < 1 || cpus > 1024 || notifiers)
        return;
    notifiers = calloc((size_t)cpus, sizeof *notifiers);
    if (!notifiers)
        return;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    for (int i = 0; i < cpus; i++) {
        struct notifier *n = &notifiers[i];
        n->cpu = i;
        pthread_mutex_init(&n->lock, NULL);
        pthread_cond_init(&n->work, NULL);
        pthread_cond_init(&n->told, &ca);
        notifier_slots = i + 1;
        n->started = pthread_create(&n->tid, NULL, notify_run, n) == 0;
        if (!n->started)
            break;
        atomic_store(&nnotifiers, i + 1);
    }
    pthread_condattr_destroy(&ca);
}

static void notifiers_stop(void)
{
    atomic_store(&nnotifiers, 0);  /* changes_start tells the kernel itself from now on */
    for (int i = 0; i < notifier_slots; i++) {
        struct notifier *n = &notifiers[i];
        if (n->started) {
            pthread_mutex_lock(&n->lock);
            n->stop = 1;
            pthread_cond_signal(&n->work);
            pthread_mutex_unlock(&n->lock);
            pthread_join(n->tid, NULL);
        }
        pthread_mutex_destroy(&n->lock);
        pthread_cond_destroy(&n->work);
        pthread_cond_destroy(&n->told);
    }
    free(notifiers);
    notifiers = NULL;
    notifier_slots = 0;
}

/* Hands job to the notifier of this CPU, to be waited for (notice_wait)
 * or not at all.  Without notifiers, runs it here: NULL. */
static struct notifier *notice_start(struct notice_job *job, int wait)
{
    int count = atomic_load(&nnotifiers);
    if (!count) {
        run_job(fs_depot_current(), job);
        free_job(job);
        return NULL;
    }
    int cpu = sched_getcpu();
    struct notifier *n = &notifiers[cpu >= 0 ? cpu % count : 0];
    clock_gettime(CLOCK_MONOTONIC, &job->until);
    job->until.tv_nsec += NOTICE_WAIT_MS * 1000000L;
    job->until.tv_sec += job->until.tv_nsec / 1000000000L;
    job->until.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&n->lock);
    job->abandoned = !wait;     /* then the notifier frees it: not to be touched */
    if (n->tail)
        n->tail->next = job;
    else
        n->head = job;
    n->tail = job;
    pthread_cond_signal(&n->work);
    pthread_mutex_unlock(&n->lock);
    return n;
}

/* Waits for a job notice_start gave notifier n to be done, at most until
 * NOTICE_WAIT_MS after it was handed over (then the notifier frees it). */
static void notice_wait(struct notifier *n, struct notice_job *job)
{
    if (!n)
        return;
    pthread_mutex_lock(&n->lock);
    while (!job->done && pthread_cond_timedwait(&n->told, &n->lock, &job->until) != ETIMEDOUT)
        ;
    if (job->done)
        free_job(job);
    else
        job->abandoned = 1;
    pthread_mutex_unlock(&n->lock);
}

static void hand_over(struct notice_job *job, int wait)
{
    struct notifier *n = notice_start(job, wait);
    if (wait)
        notice_wait(n, job);
}

/* Starts telling the kernel what the noted changes touched (tell_kernel):
 * through a notifier, whose job is left in *job for notice_wait; or here
 * during a rename, whose entries are only kept (see invalidate_entry).
 * Never called holding the writer. */
static struct notifier *changes_start(struct notice_job **job)
{
    struct notifier *n = NULL;
    *job = NULL;
    if (!changes_pending)
        return NULL;
    struct notice_job *j = deferring ? NULL : calloc(1, sizeof *j);
    if (j) {
        *j = (struct notice_job){ .changes = changes, .n = nchanges, .fixed = changes_fixed,
                                  .all = changes_all };
        if ((n = notice_start(j, 1)))
            *job = j;
    } else {
        tell_kernel(fs_depot_current(), changes, nchanges, changes_fixed, changes_all);
        free(changes);
    }
    changes = NULL;
    nchanges = changes_cap = 0;
    changes_fixed = changes_all = changes_pending = 0;
    return n;
}

/* Gives the writer back and, before the reply, both tells the kernel what
 * the request changed and waits until its commit is on disk (group_sync).
 * The two go on at once: the notices on this CPU's notifier while this
 * thread waits for the disk (about 40 us of notices for a count written,
 * beside 100-160 us of fdatasync).  They are independent: a commit is
 * visible to every connection before it is synced, and a reader who sees
 * it before the sync has ended saw what the write() returning will
 * confirm.  0, or -EIO when the change is made but not known to be
 * durable. */
static int writer_give(void)
{
    uint64_t mine = writer_put();
    struct notice_job *job;
    struct notifier *n = changes_start(&job);
    int rc = mine ? group_sync(mine) : 0;
    notice_wait(n, job);
    return rc;
}

/* Drops inode ino's attributes and pages, through a notifier: waiting for
 * it (at most NOTICE_WAIT_MS) before a reply, not at all after one (a
 * READ's own pages stay locked until its reply is committed, fs/uring.c). */
static void invalidate_pages(fuse_ino_t ino, int wait)
{
    struct notice_job *job = calloc(1, sizeof *job);
    if (!job) {
        invalidate_inode(ino, 0);
        return;
    }
    held_changed((ino_t)ino);
    job->ino = ino;
    hand_over(job, wait);
}

/* The watcher: external changes (PRAGMA data_version) and requested
 * invalidations, outside any request. */
static pthread_t watcher;
static atomic_int watcher_stop;
static sqlite3_stmt *watch_stmt;    /* PRAGMA data_version on the writer */
static long long watch_last = -1;   /* its last value; -1: not read yet */

/* Has another process committed since the last call?  (The first call
 * takes the baseline and says no.)  Takes the writer's lock. */
static int changed_behind_our_back(void)
{
    int changed = 0;
    pthread_mutex_lock(&writer_lock);
    if (writer_open() && !watch_stmt
        && sqlite3_prepare_v2(depot_db(writer), "PRAGMA data_version", -1, &watch_stmt, NULL)
               != SQLITE_OK)
        watch_stmt = NULL;
    if (watch_stmt) {
        long long v = -1;
        if (sqlite3_step(watch_stmt) == SQLITE_ROW)
            v = sqlite3_column_int64(watch_stmt, 0);
        sqlite3_reset(watch_stmt);
        changed = watch_last >= 0 && v != watch_last;
        watch_last = v;
    }
    pthread_mutex_unlock(&writer_lock);
    return changed;
}

static void *watch(void *arg)
{
    (void)arg;
    while (!atomic_load(&watcher_stop)) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250 * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&pending_lock);
        if (!pending_all)
            pthread_cond_timedwait(&pending_cond, &pending_lock, &until);
        int all = pending_all;
        pending_all = 0;
        pthread_mutex_unlock(&pending_lock);
        fs_render_sweep();
        /* On the writer's connection, data_version moves only when another
         * process commits. */
        if (changed_behind_our_back())
            all = 1;
        if (all && !atomic_load(&watcher_stop)) {
            held_invalidation_begin();
            invalidate_all();
            held_invalidation_end();
        }
    }
    pthread_mutex_lock(&writer_lock);
    sqlite3_finalize(watch_stmt);
    watch_stmt = NULL;
    watch_last = -1;
    pthread_mutex_unlock(&writer_lock);
    return NULL;
}

/* ---- replies ---- */

#define GET_DEPOT(req, d)                   \
    depot *d = fs_depot();                  \
    if (!d) {                               \
        fuse_reply_err(req, EIO);           \
        return;                             \
    }

/* Resolves ino into *p; replies with the error and returns -1 on failure. */
static int get_path(fuse_req_t req, depot *d, fuse_ino_t ino, struct fs_path *p)
{
    int rc = fs_from_ino(d, (ino_t)ino, p);
    if (rc) {
        fuse_reply_err(req, -rc);
        return -1;
    }
    return 0;
}

/* The scratch key of name in directory dir: "<dir inode>/<name>". */
static void scratch_key(char *buf, size_t size, fuse_ino_t dir, const char *name)
{
    snprintf(buf, size, "%llx/%s", (unsigned long long)dir, name);
}

#define KEY_MAX (FS_NAME_MAX + 32)

static void reply_entry_for(fuse_req_t req, depot *d, const struct fs_path *p)
{
    struct fuse_entry_param e;
    memset(&e, 0, sizeof e);
    int rc = fs_stat(d, p, &e.attr);
    if (rc) {
        fuse_reply_err(req, -rc);
        return;
    }
    e.ino = e.attr.st_ino;
    fs_timeouts(p, &e.entry_timeout, &e.attr_timeout);
    int told = held_report(p, &e.attr, e.attr_timeout);
    fuse_reply_entry(req, &e);
    if (told)
        held_confirm(e.ino);
}

static void reply_scratch_entry(fuse_req_t req, const char *key)
{
    struct fuse_entry_param e;
    memset(&e, 0, sizeof e);
    if (scratch_stat(key, &e.attr) != 0) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    e.ino = e.attr.st_ino;
    fuse_reply_entry(req, &e);
}

static void ll_init(void *userdata, struct fuse_conn_info *conn)
{
    (void)userdata;
    /* Every write must reach us so a refused value fails the write(). */
    conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
    /* O_TRUNC as a separate setattr, answered with the value's real size:
     * with atomic O_TRUNC the kernel would set the size to 0 under a reader
     * reading through the page cache, which would read nothing (see "Reads
     * through the page cache" above). */
    conn->want &= ~FUSE_CAP_ATOMIC_O_TRUNC;
    /* Every listing is a readdirplus: names and attributes in one reply, so
     * find and ls -l never look the entries up one by one.  (The "auto"
     * mode sends plain readdir after the first page of a large directory,
     * and then one lookup per entry follows.)  A directory listed again is
     * served from the kernel's readdir cache without asking us. */
    if (conn->capable & FUSE_CAP_READDIRPLUS)
        conn->want |= FUSE_CAP_READDIRPLUS;
    conn->want &= ~FUSE_CAP_READDIRPLUS_AUTO;
    /* A symlink's target never changes (it is made from its inode's row
     * and object), so the kernel may keep it. */
    if (conn->capable & FUSE_CAP_CACHE_SYMLINKS)
        conn->want |= FUSE_CAP_CACHE_SYMLINKS;
    /* The first connection, opened after the daemon has forked. */
    fs_depot();
    /* The baseline of data_version, before the kernel may cache anything
     * (no request comes before init's reply): taken later by the watcher,
     * a change another process made meanwhile would never be noticed and
     * what the kernel cached before it would be served for a day. */
    changed_behind_our_back();
    atomic_store(&watcher_stop, 0);
    if (pthread_create(&watcher, NULL, watch, NULL) != 0)
        fs_log(LOG_WARNING, "cannot start the change watcher: external changes show late");
    notifiers_start();
    if (fs_config.uring)
        fs_uring_start(conn->max_write);
}

static void handles_free_all(void);
static atomic_int after_renames;

static void ll_destroy(void *userdata)
{
    (void)userdata;
    for (int i = 0; atomic_load(&after_renames) > 0 && i < 2000; i++)
        usleep(1000);       /* a rename's notices, about 25 ms */
    notifiers_stop();
    handles_free_all();     /* every worker has stopped */
    atomic_store(&watcher_stop, 1);
    pthread_mutex_lock(&pending_lock);
    pthread_cond_signal(&pending_cond);
    pthread_mutex_unlock(&pending_lock);
    pthread_join(watcher, NULL);
    depot_close(writer);
    writer = NULL;
    depot_close(syncer);
    syncer = NULL;
    fs_log_maps_free();
}

static void ll_lookup_in(fuse_req_t req, depot *d, fuse_ino_t parent, const char *name)
{
    char key[KEY_MAX];
    scratch_key(key, sizeof key, parent, name);
    struct stat st;
    if (scratch_stat(key, &st) == 0) {
        reply_scratch_entry(req, key);
        return;
    }
    struct fs_path p;
    if (get_path(req, d, parent, &p))
        return;
    int rc = fs_lookup_child(d, &p, name);
    if (rc) {
        fuse_reply_err(req, -rc);
        return;
    }
    if (fs_nodes[p.node].type != FT_DIR && fs_nodes[p.node].type != FT_OBJ)
        walker_looked_up_file(fuse_req_ctx(req)->pid);
    reply_entry_for(req, d, &p);
}

static void ll_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    depot *d = fs_depot();
    if (!d) {
        fuse_reply_err(req, EIO);
        return;
    }
    depot_read_begin(d);
    ll_lookup_in(req, d, parent, name);
    depot_read_end(d);
}

/* Inode numbers are computed, not allocated: nothing to forget. */
static void ll_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
    (void)ino;
    (void)nlookup;
    fuse_reply_none(req);
}

static void ll_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
    (void)count;
    (void)forgets;
    fuse_reply_none(req);
}

static int snapshot_size(struct fuse_file_info *fi, off_t *size);

static void ll_getattr_in(fuse_req_t req, depot *d, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct stat st;
    char key[KEY_MAX];
    if (scratch_is_ino((ino_t)ino)) {
        if (scratch_path_of((ino_t)ino, key, sizeof key) || scratch_stat(key, &st))
            fuse_reply_err(req, ENOENT);
        else
            fuse_reply_attr(req, &st, 0);
        return;
    }
    struct fs_path p;
    if (get_path(req, d, ino, &p))
        return;
    int rc = fs_stat(d, &p, &st);
    if (rc) {
        fuse_reply_err(req, -rc);
        return;
    }
    /* Asked through an open file (fstat, or the kernel before reading
     * through its cache): the size of what that file reads. */
    off_t size;
    if (fi && snapshot_size(fi, &size) == 0)
        st.st_size = size;
    double entry, attr;
    fs_timeouts(&p, &entry, &attr);
    int told = held_report(&p, &st, attr);
    fuse_reply_attr(req, &st, attr);
    if (told)
        held_confirm(st.st_ino);
}

static void ll_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    depot *d = fs_depot();
    if (!d) {
        fuse_reply_err(req, EIO);
        return;
    }
    depot_read_begin(d);
    ll_getattr_in(req, d, ino, fi);
    depot_read_end(d);
}

static void ll_readlink_in(fuse_req_t req, depot *d, fuse_ino_t ino)
{
    struct fs_path p;
    if (get_path(req, d, ino, &p))
        return;
    if (fs_nodes[p.node].type != FT_LINK) {
        fuse_reply_err(req, EINVAL);
        return;
    }
    strbuf t = STRBUF_INIT;
    int rc = fs_content(d, &p, &t);
    if (rc)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_readlink(req, strbuf_str(&t));
    strbuf_release(&t);
}

static void ll_readlink(fuse_req_t req, fuse_ino_t ino)
{
    depot *d = fs_depot();
    if (!d) {
        fuse_reply_err(req, EIO);
        return;
    }
    depot_read_begin(d);
    ll_readlink_in(req, d, ino);
    depot_read_end(d);
}

/* ---- directories ---- */

#define DIR_TOLD_MAX 256

struct dir_buf {
    fuse_req_t req;
    depot *d;
    char *buf;
    size_t size, used;
    int plus;
    int lean;                       /* plus, but files without attributes (walkers.c) */
    size_t ntold;                   /* sizes told by this reply, to confirm */
    fuse_ino_t told[DIR_TOLD_MAX];
};

/* Adds one entry; returns 1 when the reply buffer is full. */
static int add_entry(struct dir_buf *b, const char *name, const struct stat *st,
                     const struct fs_path *child, off_t next)
{
    size_t n;
    if (b->plus) {
        struct fuse_entry_param e;
        memset(&e, 0, sizeof e);
        e.attr = *st;
        /* No link count, no attributes: ".", "..", and the files of a
         * lean listing carry only name and type (inode 0: the kernel makes
         * no entry).  Scratch files: an entry, never cached. */
        e.ino = st->st_nlink ? st->st_ino : 0;
        int told = 0;
        if (child && e.ino) {
            fs_timeouts(child, &e.entry_timeout, &e.attr_timeout);
            told = held_report(child, &e.attr, e.attr_timeout);
        }
        n = fuse_add_direntry_plus(b->req, b->buf + b->used, b->size - b->used, name, &e, next);
        /* A size not sent, or one too many to confirm, is forgotten. */
        if (told && n <= b->size - b->used && b->ntold < DIR_TOLD_MAX)
            b->told[b->ntold++] = e.attr.st_ino;
        else if (told)
            held_forget(e.attr.st_ino);
    } else {
        n = fuse_add_direntry(b->req, b->buf + b->used, b->size - b->used, name, st, next);
    }
    if (n > b->size - b->used)
        return 1;
    b->used += n;
    return 0;
}

static int fill_entry(void *ctx, const char *name, const struct fs_path *child, off_t next)
{
    struct dir_buf *b = ctx;
    struct stat st;
    memset(&st, 0, sizeof st);
    enum fs_type t = fs_nodes[child->node].type;
    int dir = t == FT_DIR || t == FT_OBJ;
    if (b->plus && (dir || !b->lean)) {
        if (fs_stat(b->d, child, &st) != 0)
            return 0;       /* vanished meanwhile: leave it out */
    } else {
        st.st_mode = dir ? S_IFDIR : t == FT_LINK ? S_IFLNK : S_IFREG;
        st.st_ino = fs_ino(child);
    }
    return add_entry(b, name, &st, child, next);
}

/* Scratch entries come after every tree row: offsets past the last row. */
#define SCRATCH_OFF_BASE ((off_t)(fs_node_count + 1) << 40)

static int fill_scratch(void *ctx, const char *name, const struct stat *st, long index)
{
    struct dir_buf *b = ctx;
    return add_entry(b, name, st, NULL, SCRATCH_OFF_BASE + index + 1);
}

/* d NULL: off is past every entry the tree can give this directory
 * (fs_list_past_end), so only its scratch files may follow and the
 * database is not needed (the last readdir of every listing). */
static void do_readdir_in(fuse_req_t req, depot *d, fuse_ino_t ino, size_t size, off_t off, int plus)
{
    struct fs_path p;
    memset(&p, 0, sizeof p);
    if (d && get_path(req, d, ino, &p))
        return;
    if (!d)
        p.node = fs_ino_row((ino_t)ino);
    enum fs_type t = fs_nodes[p.node].type;
    if (t != FT_DIR && t != FT_OBJ) {
        fuse_reply_err(req, ENOTDIR);
        return;
    }
    struct dir_buf b = { .req = req, .d = d, .buf = malloc(size), .size = size, .plus = plus,
                         .lean = plus && !walker_wants_attrs(fuse_req_ctx(req)->pid) };
    if (!b.buf) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    struct stat st;
    memset(&st, 0, sizeof st);
    int rc = 0;
    /* "." and ".." take offsets 1 and 2 of row 0, which is never a child.
     * In readdirplus they carry no entry (ino 0), as the kernel expects. */
    st.st_mode = S_IFDIR;
    st.st_ino = ino;
    if (off < 1 && add_entry(&b, ".", &st, NULL, 1))
        goto reply;
    st.st_ino = FUSE_ROOT_ID;
    if (off < 2 && add_entry(&b, "..", &st, NULL, 2))
        goto reply;
    if (off < SCRATCH_OFF_BASE && d)
        rc = fs_list(d, &p, off < 2 ? 0 : off, fill_entry, &b);
    if (rc == 0 && fs_nodes[p.node].type == FT_OBJ) {
        char key[KEY_MAX];
        long skip = off > SCRATCH_OFF_BASE ? (long)(off - SCRATCH_OFF_BASE) : 0;
        snprintf(key, sizeof key, "%llx", (unsigned long long)ino);
        scratch_list(key, skip, fill_scratch, &b);
    }
reply:
    if (rc)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_buf(req, b.buf, b.used);
    for (size_t i = 0; i < b.ntold; i++)
        held_confirm(b.told[i]);
    free(b.buf);
}

static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, int plus)
{
    int row = fs_ino_row((ino_t)ino);
    if (row > 0 && off >= 2 && (off >= SCRATCH_OFF_BASE || fs_list_past_end(row, off))) {
        do_readdir_in(req, NULL, ino, size, off, plus);
        return;
    }
    depot *d = fs_depot();
    if (!d) {
        fuse_reply_err(req, EIO);
        return;
    }
    depot_read_begin(d);
    do_readdir_in(req, d, ino, size, off, plus);
    depot_read_end(d);
}

/* opendir answers ENOSYS: the kernel then stops sending opendir and
 * releasedir, two round trips per directory listed (readdir checks the
 * inode itself). */
static void ll_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    (void)fi;
    fuse_reply_err(req, ENOSYS);
}

static void ll_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi)
{
    (void)fi;
    do_readdir(req, ino, size, off, 0);
}

static void ll_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                           struct fuse_file_info *fi)
{
    (void)fi;
    do_readdir(req, ino, size, off, 1);
}

/* ---- open files ---- */

enum handle_kind { H_READ, H_ATTR, H_DOC, H_NEWDOC, H_SCRATCH };

struct handle {
    enum handle_kind kind;
    struct fs_path p;
    char key[KEY_MAX];      /* H_SCRATCH, H_NEWDOC: the scratch key */
    strbuf path;            /* the depot's name of the file, for logs (handle_path) */
    struct fs_text *content; /* what read() serves (shared, render.c); NULL: nothing */
    strbuf w;               /* what was written so far */
    int stored;             /* the written value or document has been stored (or refused) */
    int append;             /* opened O_APPEND (>>, tee -a): named when refused */
    int complete;           /* a whole, valid document awaits the flush */
    int refused;            /* the document was refused: later writes fail quietly */
    char note[FS_NAME_MAX + 1];  /* H_NEWDOC delivery: the note's slug */
    pthread_mutex_t lock;
    /* read() replies in flight from content.  The kernel may finish a read
     * and send release before our writev() has returned: release waits. */
    atomic_int replying;
    int cached;             /* H_READ through the page cache (else direct I/O) */
    uint64_t generation;    /* the generation when content was taken */
    uint64_t log_size;      /* a log: how far it goes for this handle (log_grow) */
    struct handle *prev, *next;     /* the open handles (handles_lock) */
};

/* Every open handle, so that those still open when the daemon is stopped
 * (a signal, an unmount with files open: no release comes) are freed. */
static pthread_mutex_t handles_lock = PTHREAD_MUTEX_INITIALIZER;
static struct handle *handles;

static struct handle *handle_new(enum handle_kind kind)
{
    struct handle *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    pthread_mutex_lock(&handles_lock);
    h->next = handles;
    if (handles)
        handles->prev = h;
    handles = h;
    pthread_mutex_unlock(&handles_lock);
    h->kind = kind;
    if (kind == H_ATTR || kind == H_DOC || kind == H_NEWDOC)
        held_writer_open();
    strbuf_init(&h->path);
    strbuf_init(&h->w);
    pthread_mutex_init(&h->lock, NULL);
    return h;
}

/* The depot's name of h's file, for a refusal's log line: made only when
 * one needs it (an open does not query the slugs it names).  A new
 * document's is set when it is created.  d: any connection. */
static const char *handle_path(depot *d, struct handle *h)
{
    if (!h->path.len)
        fs_path_string(d, &h->p, &h->path);
    return strbuf_str(&h->path);
}

/* A new document stored or refused is no scratch file any more: its name
 * goes at once, before the write() or close() that decided returns (not
 * at the release, which no one waits for: `cp` refused, then `ls`, must
 * not show it).  Done once: the name may be another file's by the time
 * of the release. */
static void newdoc_drop(struct handle *h)
{
    if (h->kind == H_NEWDOC && h->key[0]) {
        scratch_unlink(h->key);
        h->key[0] = '\0';
    }
}

static void handle_free(struct handle *h)
{
    pthread_mutex_lock(&handles_lock);
    if (h->prev)
        h->prev->next = h->next;
    else
        handles = h->next;
    if (h->next)
        h->next->prev = h->prev;
    pthread_mutex_unlock(&handles_lock);
    if (h->kind == H_ATTR || h->kind == H_DOC || h->kind == H_NEWDOC)
        held_writer_close();
    strbuf_release(&h->path);
    fs_text_put(h->content);
    strbuf_release(&h->w);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

/* Frees the handles of the files still open when the session ends. */
static void handles_free_all(void)
{
    while (handles)
        handle_free(handles);
}

static size_t content_len(const struct handle *h)
{
    return h->content ? fs_text_len(h->content) : 0;
}

static struct handle *HANDLE(struct fuse_file_info *fi)
{
    return (struct handle *)(uintptr_t)fi->fh;
}

/*
 * log/changes and log/errors grow while they are open, as a log file does:
 * `tail -f` stats the open file every second and reads on when it has grown,
 * `less +F` reads at its end.  So a read at the end of what the handle
 * covers, and a stat through it, first take in the lines written since,
 * with h->lock held.  A log is read from its map (fs_log_read), never held
 * whole; what the handle covers never changes, as log lines do not.  Other
 * files stay the snapshot their open took.
 */
static void log_grow(struct handle *h)
{
    /* This thread's connection, as it is: inside a stat its request's read
     * transaction; inside a read, none (each statement its own). */
    depot *d = fs_depot_current();
    if (!d)
        return;
    /* Nothing can have been logged since the generation last seen (every
     * change and refusal moves it, another process's change within a
     * quarter of a second): then a read at the end costs no query. */
    uint64_t g = held_generation();
    if (g == h->generation)
        return;
    h->generation = g;
    uint64_t size;
    if (fs_log_size(d, fs_log_kind(&h->p), &size) == 0 && size > h->log_size)
        h->log_size = size;
}

static int is_log(const struct handle *h)
{
    return h->kind == H_READ && fs_log_kind(&h->p) >= 0;
}

/* The size of what handle fi reads (a log grown first): 0, or -1 if it is
 * not a read snapshot. */
static int snapshot_size(struct fuse_file_info *fi, off_t *size)
{
    struct handle *h = HANDLE(fi);
    if (!h || h->kind != H_READ)
        return -1;
    if (is_log(h)) {
        pthread_mutex_lock(&h->lock);
        log_grow(h);
        *size = (off_t)h->log_size;
        pthread_mutex_unlock(&h->lock);
        return 0;
    }
    *size = (off_t)content_len(h);
    return 0;
}

static int wants_write(int flags)
{
    return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
}

/* May this resolved file be written at all?  0 or -errno. */
static int check_writable(const struct fs_path *p)
{
    const struct fs_node *n = &fs_nodes[p->node];
    if (fs_config.readonly)
        return -EROFS;
    if (n->type == FT_ATTR && p->attr->store)
        return 0;
    if (n->type == FT_DOC && p->kind == DK_PLAN)
        return 0;
    return -EACCES;
}

/* Puts a cached reader's snapshot into the kernel's page cache at open, so
 * that reading it needs no READ request (nor, after it, the attribute
 * refresh the kernel asks for once it has read: it marks the access time
 * stale); not again if an open did since the value last changed (a warm
 * cat: 1.8 us an open).  If an invalidation ran meanwhile, the pages may
 * hold a value already replaced: they are dropped again. */
static void store_pages(fuse_ino_t ino, const struct fs_text *content)
{
    if (!session || !fs_text_len(content) || !held_quiet() || held_pages_fresh((ino_t)ino))
        return;
    struct fuse_bufvec bv = FUSE_BUFVEC_INIT(fs_text_len(content));
    bv.buf[0].mem = (void *)fs_text_data(content);
    if (notify_store(ino, &bv) == 0 && held_quiet())
        held_pages_stored((ino_t)ino);
    else if (!held_quiet())
        invalidate_pages(ino, 1);
}

static int plans_temp(const struct fs_path *dir, const char *name);

static void ll_open_in(fuse_req_t req, depot *d, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct handle *h;
    if (scratch_is_ino((ino_t)ino)) {
        if (!(h = handle_new(H_SCRATCH))) {
            fuse_reply_err(req, ENOMEM);
            return;
        }
        if (scratch_path_of((ino_t)ino, h->key, sizeof h->key)) {
            handle_free(h);
            fuse_reply_err(req, ENOENT);
            return;
        }
        /* Outside an object's directory a scratch file is a new document
         * that another process is writing (but a temporary beside the
         * plans): a second writer would write into it unseen and believe
         * it stored. */
        struct fs_path dir;
        if (fs_from_ino(d, (ino_t)strtoull(h->key, NULL, 16), &dir) == 0
            && fs_nodes[dir.node].type != FT_OBJ && !plans_temp(&dir, strchr(h->key, '/') + 1)) {
            handle_free(h);
            fuse_reply_err(req, EBUSY);
            return;
        }
        if (fi->flags & O_TRUNC)
            scratch_truncate(h->key, 0);
        fi->fh = (uintptr_t)h;
        fi->direct_io = 1;
        fuse_reply_open(req, fi);
        return;
    }
    struct fs_path p;
    if (get_path(req, d, ino, &p))
        return;
    enum fs_type t = fs_nodes[p.node].type;
    int rc;
    if (t == FT_DIR || t == FT_OBJ) {
        fuse_reply_err(req, EISDIR);
        return;
    }
    if (wants_write(fi->flags) && (rc = check_writable(&p))) {
        fuse_reply_err(req, -rc);
        return;
    }
    h = handle_new(!wants_write(fi->flags) ? H_READ : t == FT_ATTR ? H_ATTR : H_DOC);
    if (!h) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    h->p = p;
    h->generation = held_request_generation();
    /* A handle opened for reading (or read-write) serves a snapshot; a
     * log, what it held at the open, and more as it grows. */
    if (h->kind == H_READ && fs_log_kind(&p) >= 0)
        rc = fs_log_size(d, fs_log_kind(&p), &h->log_size);
    else if ((fi->flags & O_ACCMODE) != O_WRONLY)
        rc = fs_render_text(d, &p, &h->content);
    else
        rc = 0;
    if (rc) {
        handle_free(h);
        fuse_reply_err(req, -rc);
        return;
    }
    fi->fh = (uintptr_t)h;
    if (h->kind == H_READ) {
        /* Reading needs no flush.  A value whose size the kernel holds
         * right (told_as) is read through the page cache, kept across opens
         * until a change invalidates it: a second cat costs one open.
         * Anything else is direct I/O from the snapshot taken here, so the
         * kernel neither cuts nor pads the text to a size it cached a moment
         * earlier (a reader must never see "10" of "100"). */
        double entry, attr;
        fs_timeouts(&p, &entry, &attr);
        h->cached = t == FT_ATTR && attr > 0 && held_reader_open(ino, content_len(h)) == 0;
        if (h->cached)
            store_pages(ino, h->content);
        fi->noflush = 1;
        fi->keep_cache = h->cached;
        fi->direct_io = !h->cached;
    } else {
        /* Writes bypass the page cache: no stale pages of a refused or
         * rewritten value ("+1" is stored as "13"), no page locks held
         * while we invalidate.  Both kinds need the flush: a document is
         * stored there, and so is a value whose line never ended
         * (printf 12 > count). */
        fi->direct_io = 1;
        h->append = !!(fi->flags & O_APPEND);
    }
    fuse_reply_open(req, fi);
}

static void ll_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    depot *d = fs_depot();
    if (!d) {
        fuse_reply_err(req, EIO);
        return;
    }
    depot_read_begin(d);
    ll_open_in(req, d, ino, fi);
    depot_read_end(d);
}

/* A read of log/changes or log/errors: rendered from the log's map, at
 * the end after taking in what was written since. */
static void log_read(fuse_req_t req, struct handle *h, size_t size, uint64_t off)
{
    pthread_mutex_lock(&h->lock);
    if (off >= h->log_size)
        log_grow(h);
    uint64_t upto = h->log_size;
    pthread_mutex_unlock(&h->lock);
    depot *d = fs_depot_current();
    strbuf out = STRBUF_INIT;
    int rc = d ? fs_log_read(d, fs_log_kind(&h->p), upto, off, size, &out) : -EIO;
    if (rc)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_buf(req, out.buf, out.len);
    strbuf_release(&out);
}

static void ll_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    struct handle *h = HANDLE(fi);
    char *buf;
    if (h->kind == H_SCRATCH || h->kind == H_NEWDOC) {
        if (!(buf = malloc(size ? size : 1))) {
            fuse_reply_err(req, ENOMEM);
            return;
        }
        int n = scratch_read(h->key, buf, size, off);
        if (n < 0)
            fuse_reply_err(req, -n);
        else
            fuse_reply_buf(req, buf, (size_t)n);
        free(buf);
        return;
    }
    if (off < 0) {
        fuse_reply_err(req, EINVAL);
        return;
    }
    if (is_log(h)) {
        log_read(req, h, size, (uint64_t)off);
        return;
    }
    atomic_fetch_add(&h->replying, 1);
    if ((size_t)off >= content_len(h)) {
        fuse_reply_buf(req, NULL, 0);
    } else {
        size_t n = content_len(h) - (size_t)off;
        fuse_reply_buf(req, fs_text_data(h->content) + off, n < size ? n : size);
    }
    /* The pages just filled hold this handle's snapshot: if anything has
     * changed since it was taken, drop them again (once the reply has
     * filled and unlocked them: not waited for), so later opens do not
     * read an old value. */
    if (h->cached && held_generation() != h->generation)
        invalidate_pages(ino, 0);
    atomic_fetch_sub(&h->replying, 1);
}

/* Is buf all blank space (what may follow a stored value)? */
static int all_blank(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (buf[i] != '\n' && buf[i] != '\r' && buf[i] != ' ' && buf[i] != '\t')
            return 0;
    return 1;
}

/* Stores the document in h->w, or with check only validates it.  Returns a
 * depot code. */
static int store_doc(fuse_req_t req, depot *d, struct handle *h, int check)
{
    struct actor_buf who;
    current_actor(req, &who);
    int rc;
    if (h->p.kind == DK_PLAN)
        rc = (check ? depot_plan_check : depot_plan_store)(d, (int)h->p.id, h->w.buf,
                                                          h->w.len, &who.a);
    else
        rc = (check ? depot_delivery_check : depot_delivery_store)(d, h->note, h->w.buf,
                                                                  h->w.len, &who.a);
    if (rc == DEPOT_OK && !check)
        note_document();
    return rc;
}

/* Stores text as attribute attr of object obj for the requester (d is the
 * writer), and notes what it touched.  Returns a depot code. */
static int store_value(fuse_req_t req, depot *d, const struct fs_path *obj,
                       const char *attr, const char *text, size_t len)
{
    struct actor_buf who;
    int64_t head = 0;
    current_actor(req, &who);
    depot_journal_head(d, &head);
    int rc = depot_store(d, obj->kind, obj->id, attr, text, len, &who.a);
    if (rc == DEPOT_OK)
        note_change(d, head);
    return rc;
}

/*
 * A write to an attribute value.  A value is one line: it is stored by the
 * write that ends it (its newline), with everything written before it in
 * this open file.  Bytes that do not end a line yet may be the first piece
 * of a longer one ({ printf -2; printf ': reason\n'; }, stdio cutting a
 * long line at 4 KiB, dd bs=1), so they are only checked: a piece that is
 * no value is refused at once, a valid one is held and stored when its line
 * ends or, if it never does (printf 12 > count), at close (ll_flush).
 * Storing a first piece at once would leave it stored when the rest is
 * refused, and the rest refused when it was all one valid value.
 */
static int write_attr(fuse_req_t req, depot *d, struct handle *h, const char *buf, size_t size)
{
    if (h->stored) {
        if (all_blank(buf, size))
            return (int)size;
        return refuse(req, d, handle_path(d, h), buf, size, DEPOT_EINVAL,
                      "a second value in the same open file (one value per write)");
    }
    strbuf_add(&h->w, buf, size);
    int rc;
    if (h->w.buf[h->w.len - 1] != '\n') {
        struct actor_buf who;
        current_actor(req, &who);
        rc = depot_store_check(d, h->p.kind, h->p.id, h->p.attr->name, h->w.buf, h->w.len,
                               &who.a);
        if (rc == DEPOT_OK)
            return (int)size;       /* held: stored when the line ends, or at close */
        int e = refuse(req, d, handle_path(d, h), h->w.buf, h->w.len, rc, NULL);
        strbuf_reset(&h->w);
        return e;
    }
    rc = store_value(req, d, &h->p, h->p.attr->name, h->w.buf, h->w.len);
    if (rc) {
        int e = refuse(req, d, handle_path(d, h), h->w.buf, h->w.len, rc, NULL);
        strbuf_reset(&h->w);
        return e;
    }
    h->stored = 1;
    return (int)size;
}

/* The largest document accepted (a plan is a few kilobytes; a delivery
 * note of 10,000 items about 2 MiB). */
#define DOC_MAX (16 << 20)

/* Could buf end a JSON document (its last non-blank byte closes one)? */
static int may_end_document(const char *buf, size_t len)
{
    while (len > 0 && all_blank(buf + len - 1, 1))
        len--;
    return len > 0 && (buf[len - 1] == '}' || buf[len - 1] == ']');
}

/*
 * A write to a whole document: assembled across writes.  When the bytes so
 * far form a document it is validated (without storing): an invalid one is
 * refused at that write.  A valid one is stored when the file is closed
 * (flush), so that text after it, also refused, can still keep it out.
 */
static int write_doc(fuse_req_t req, depot *d, struct handle *h, const char *buf, size_t size)
{
    if (h->refused)
        return -EINVAL;     /* already refused and logged once */
    if (h->stored || h->complete) {
        if (all_blank(buf, size))
            return (int)size;
        h->complete = 0;
        h->stored = 1;      /* nothing more from this file */
        strbuf_reset(&h->w);
        newdoc_drop(h);
        return refuse(req, d, handle_path(d, h), buf, size, DEPOT_EINVAL,
                      "text after the end of the document (nothing stored)");
    }
    if (h->w.len + size > DOC_MAX) {
        strbuf_reset(&h->w);
        h->stored = 1;
        newdoc_drop(h);
        refuse(req, d, handle_path(d, h), buf, size, DEPOT_EINVAL,
               "document larger than 16 MiB");
        return -EFBIG;
    }
    strbuf_add(&h->w, buf, size);
    if (h->kind == H_NEWDOC)
        scratch_write(h->key, buf, size, (off_t)(h->w.len - size));
    /* Parse only when the bytes so far could end a document: a big one
     * arriving in many writes is not parsed again at every write. */
    if (!may_end_document(h->w.buf, h->w.len) || depot_doc_complete(h->w.buf, h->w.len) == 0)
        return (int)size;
    /* Complete, or beyond repair: the core validates it and says where it
     * went wrong (line and column, or the field). */
    int rc = store_doc(req, d, h, 1);
    if (rc) {
        int e = refuse(req, d, handle_path(d, h), h->w.buf, h->w.len, rc, NULL);
        strbuf_reset(&h->w);
        h->stored = 1;      /* refused whole: later writes store nothing */
        h->refused = 1;
        newdoc_drop(h);
        return e;
    }
    h->complete = 1;
    return (int)size;
}

static void ll_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                     struct fuse_file_info *fi)
{
    (void)ino;
    struct handle *h = HANDLE(fi);
    int rc;
    if (!h) {
        rc = -EBADF;
    } else if (h->kind == H_SCRATCH) {
        rc = scratch_write(h->key, buf, size, off);
    } else if (h->kind == H_READ) {
        rc = -EBADF;
    } else {
        depot *d = writer_take();
        if (!d) {
            fuse_reply_err(req, EIO);
            return;
        }
        pthread_mutex_lock(&h->lock);
        if (off != (off_t)h->w.len && !(h->stored && off >= (off_t)h->w.len))
            rc = refuse(req, d, handle_path(d, h), buf, size, DEPOT_EINVAL,
                        h->append ? "appending (>>, O_APPEND): write the whole value with > instead"
                                  : "a write at an offset (write the whole value from the start)");
        else if (h->kind == H_ATTR)
            rc = write_attr(req, d, h, buf, size);
        else
            rc = write_doc(req, d, h, buf, size);
        pthread_mutex_unlock(&h->lock);
        int e = writer_give();
        if (e && rc >= 0)
            rc = e;
    }
    if (rc < 0)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_write(req, (size_t)rc);
}

/* Stores the value held in h (written without ending its line), with the
 * writer d and h->lock held: 0 or -errno (refused and recorded). */
static int store_held(fuse_req_t req, depot *d, struct handle *h)
{
    if (h->stored || h->w.len == 0)
        return 0;
    int rc = store_value(req, d, &h->p, h->p.attr->name, h->w.buf, h->w.len);
    if (rc) {
        rc = refuse(req, d, handle_path(d, h), h->w.buf, h->w.len, rc, NULL);
        strbuf_reset(&h->w);
    } else {
        h->stored = 1;      /* h->w stays: what this file wrote (ll_setattr) */
    }
    return rc;
}

/* At close: a value whose line never ended is stored; so is a document, a
 * valid one checked at its last write, or one still incomplete, whose error
 * only close() can report. */
static void ll_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    struct handle *h = HANDLE(fi);
    if (!h || h->kind == H_READ || h->kind == H_SCRATCH || h->stored || h->w.len == 0) {
        fuse_reply_err(req, 0);
        return;
    }
    depot *d = writer_take();
    if (!d) {
        fuse_reply_err(req, EIO);
        return;
    }
    pthread_mutex_lock(&h->lock);
    if (h->kind == H_ATTR) {
        int e = store_held(req, d, h);
        pthread_mutex_unlock(&h->lock);
        int g = writer_give();
        fuse_reply_err(req, e ? -e : -g);
        return;
    }
    int rc = store_doc(req, d, h, 0);
    h->stored = 1;
    h->complete = 0;
    if (rc)
        rc = refuse(req, d, handle_path(d, h), h->w.buf, h->w.len, rc, NULL);
    newdoc_drop(h);
    strbuf_reset(&h->w);
    pthread_mutex_unlock(&h->lock);
    int g = writer_give();
    fuse_reply_err(req, rc ? -rc : -g);
}

static void ll_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct handle *h = HANDLE(fi);
    if (!h) {
        fuse_reply_err(req, 0);
        return;
    }
    /* A new document that never became one leaves nothing behind. */
    newdoc_drop(h);
    /* A value still held had no flush (there is one at every close()): it
     * is stored now, as the program meant, though no one hears a refusal. */
    if (h->kind == H_ATTR && !h->stored && h->w.len) {
        depot *d = writer_take();
        if (d) {
            store_held(req, d, h);
            (void)writer_give();    /* no one to tell */
        }
    }
    while (atomic_load(&h->replying))
        sched_yield();
    /* The last cached reader after a change: the size it pinned may be
     * stale now, so the kernel must ask again. */
    if (h->cached && held_reader_close(ino) == 0 && held_generation() != h->generation)
        invalidate_pages(ino, 1);
    handle_free(h);
    fuse_reply_err(req, 0);
}

/* Every change is committed before its write() returns; fsync() makes the
 * commits so far durable (without -o sync=normal they already are). */
static void ll_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
    (void)ino;
    (void)datasync;
    (void)fi;
    depot *d = fs_depot();
    if (!d) {
        fuse_reply_err(req, EIO);
        return;
    }
    int rc = fs_config.sync_normal ? depot_sync(d) : DEPOT_OK;
    fuse_reply_err(req, rc ? fs_errno(rc) : 0);
}

/* ---- setattr: truncate, chmod, chown, utimens ---- */

static void setattr_in(fuse_req_t req, depot *d, fuse_ino_t ino, struct stat *attr, int to_set);

static void ll_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
                       struct fuse_file_info *fi)
{
    char key[KEY_MAX];
    struct stat st;
    int rc = 0;
    if (scratch_is_ino((ino_t)ino)) {
        if (scratch_path_of((ino_t)ino, key, sizeof key)) {
            fuse_reply_err(req, ENOENT);
            return;
        }
        struct handle *h = fi ? HANDLE(fi) : NULL;
        if ((to_set & FUSE_SET_ATTR_SIZE) && h && h->kind == H_NEWDOC)
            rc = attr->st_size == 0 && h->w.len == 0 ? 0 : -EINVAL;
        else if (to_set & FUSE_SET_ATTR_SIZE)
            rc = scratch_truncate(key, attr->st_size);
        if (!rc && (to_set & FUSE_SET_ATTR_MODE))
            rc = scratch_chmod(key, attr->st_mode);
        if (!rc && (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)))
            rc = scratch_chown(key, to_set & FUSE_SET_ATTR_UID ? attr->st_uid : (uid_t)-1,
                               to_set & FUSE_SET_ATTR_GID ? attr->st_gid : (gid_t)-1);
        if (!rc && (to_set & (FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_MTIME_NOW))) {
            struct timespec tv[2] = { attr->st_atim, attr->st_mtim };
            if (to_set & FUSE_SET_ATTR_MTIME_NOW)
                tv[1].tv_nsec = UTIME_NOW;
            rc = scratch_utimens(key, tv);
        }
        if (!rc)
            rc = scratch_stat(key, &st);
        if (rc)
            fuse_reply_err(req, -rc);
        else
            fuse_reply_attr(req, &st, 0);
        return;
    }
    GET_DEPOT(req, d);
    /* A truncate through a file open on a value (Python's write() then
     * truncate(), an editor's ftruncate): to the length written through it
     * changes nothing; to 0 begins a new value in it.  To another length
     * it is refused below (unless that is the stored value's), and a value
     * held in the file, not yet a whole line, is dropped: a program told
     * its truncate failed must not find that value stored at close. */
    struct handle *h = fi ? HANDLE(fi) : NULL;
    if ((to_set & FUSE_SET_ATTR_SIZE) && h && h->kind == H_ATTR) {
        pthread_mutex_lock(&h->lock);
        if (attr->st_size == 0) {
            strbuf_reset(&h->w);
            h->stored = 0;
        } else if ((size_t)attr->st_size == h->w.len) {
            to_set &= ~FUSE_SET_ATTR_SIZE;
        } else if (!h->stored) {
            strbuf_reset(&h->w);
        }
        pthread_mutex_unlock(&h->lock);
    }
    /* A truncate counts as a writer while it is answered. */
    held_writer_open();
    setattr_in(req, d, ino, attr, to_set);
    held_writer_close();
}

static void setattr_in(fuse_req_t req, depot *d, fuse_ino_t ino, struct stat *attr, int to_set)
{
    struct stat st;
    int rc = 0;
    struct fs_path p;
    if (get_path(req, d, ino, &p))
        return;
    enum fs_type t = fs_nodes[p.node].type;
    if (to_set & FUSE_SET_ATTR_SIZE) {
        if (t == FT_DIR || t == FT_OBJ)
            rc = -EISDIR;
        else if ((rc = check_writable(&p)) == 0 && attr->st_size != 0) {
            /* Truncating to 0 begins a new value; it never stores an empty
             * one.  Truncating to the value's own length (open "r+", write,
             * truncate) changes nothing; any other length is refused. */
            rc = fs_stat(d, &p, &st);
            if (rc == 0 && st.st_size != attr->st_size)
                rc = -EINVAL;
        }
    }
    /* Modes and owners say what a file is and who may write it: changing
     * them is refused.  Setting the ones it has (cp -p, cp -a, rsync -p,
     * Python's shutil.copy after writing the value) changes nothing and is
     * accepted, so those copies do not fail after storing the value. */
    if (!rc && (to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))) {
        if (fs_config.readonly)
            rc = -EROFS;
        else if ((rc = fs_stat(d, &p, &st)) == 0
                 && (((to_set & FUSE_SET_ATTR_MODE)
                      && (attr->st_mode & 07777) != (st.st_mode & 07777))
                     || ((to_set & FUSE_SET_ATTR_UID) && attr->st_uid != st.st_uid)
                     || ((to_set & FUSE_SET_ATTR_GID) && attr->st_gid != st.st_gid)))
            rc = -EPERM;
    }
    /* Times of values are the times of their changes: setting them is
     * accepted and ignored, so touch, cp -p and tar -x do not fail. */
    if (!rc)
        rc = fs_stat(d, &p, &st);
    if (rc) {
        fuse_reply_err(req, -rc);
        return;
    }
    double entry, attr_to;
    fs_timeouts(&p, &entry, &attr_to);
    int told = held_report(&p, &st, attr_to);
    fuse_reply_attr(req, &st, attr_to);
    if (told)
        held_confirm(st.st_ino);
}

/* ---- creating, removing, renaming ---- */

/* Is name "<four digits>.json"?  Sets *year. */
static int plan_file_year(const char *name, int *year)
{
    if (strlen(name) != 9 || strcmp(name + 4, ".json"))
        return 0;
    for (int i = 0; i < 4; i++)
        if (name[i] < '0' || name[i] > '9')
            return 0;
    *year = atoi(name);
    return *year >= 1900;
}

/* Is name in directory dir a temporary beside the plans: a name in plans/
 * that is not a plan's (sed -i, perl -pi, Python's mkstemp there), a
 * scratch file to be renamed over a plan? */
static int plans_temp(const struct fs_path *dir, const char *name)
{
    int year;
    return dir->depth == 1 && !strcmp(fs_nodes[dir->node].name, "plans")
        && !plan_file_year(name, &year);
}

static void ll_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
                      struct fuse_file_info *fi)
{
    GET_DEPOT(req, d);
    struct fs_path p, c;
    char key[KEY_MAX];
    if (get_path(req, d, parent, &p))
        return;
    c = p;
    int rc = fs_lookup_child(d, &c, name);
    if (rc == 0) {
        fuse_reply_err(req, EEXIST);    /* the kernel looks up first; a race */
        return;
    }
    if (rc != -ENOENT) {
        fuse_reply_err(req, -rc);
        return;
    }
    if (fs_config.readonly) {
        fuse_reply_err(req, EROFS);
        return;
    }
    const struct fuse_ctx *ctx = fuse_req_ctx(req);
    enum fs_type t = fs_nodes[p.node].type;
    const char *dirname = fs_nodes[p.node].name;
    struct handle *h = NULL;
    int year;
    scratch_key(key, sizeof key, parent, name);
    if (t == FT_OBJ || plans_temp(&p, name)) {
        /* A scratch file: an editor's swap file, sed's temporary, mkstemp. */
        if ((rc = scratch_create(key, mode, ctx->uid, ctx->gid)) == 0)
            h = handle_new(H_SCRATCH);
    } else if (p.depth == 1 && !strcmp(dirname, "plans") && plan_file_year(name, &year)) {
        if ((rc = scratch_create(key, 0644, fs_config.uid, fs_config.gid)) == 0
            && (h = handle_new(H_NEWDOC))) {
            h->p.kind = DK_PLAN;
            h->p.id = year;
        }
    } else if (p.depth == 1 && !strcmp(dirname, "deliveries") && strlen(name) > 5
               && !strcmp(name + strlen(name) - 5, ".json")) {
        if ((rc = scratch_create(key, 0644, fs_config.uid, fs_config.gid)) == 0
            && (h = handle_new(H_NEWDOC))) {
            h->p.kind = DK_DELIVERY;
            snprintf(h->note, sizeof h->note, "%.*s", (int)(strlen(name) - 5), name);
        }
    } else {
        rc = -EACCES;
    }
    if (rc == 0 && !h) {
        scratch_unlink(key);
        rc = -ENOMEM;
    }
    if (rc) {
        fuse_reply_err(req, -rc);
        return;
    }
    snprintf(h->key, sizeof h->key, "%s", key);
    fs_path_string(d, &p, &h->path);
    strbuf_addf(&h->path, "/%s", name);
    struct fuse_entry_param e;
    memset(&e, 0, sizeof e);
    scratch_stat(key, &e.attr);
    e.ino = e.attr.st_ino;
    fi->fh = (uintptr_t)h;
    fi->direct_io = 1;
    if (fuse_reply_create(req, &e, fi) != 0) {
        newdoc_drop(h);
        handle_free(h);
    }
}

/* Replies to an operation that never changes a depot object (rm, rmdir,
 * mkdir, mknod, ln, ln -s): EPERM once the name is checked, EROFS when read-only. */
static void refuse_op(fuse_req_t req, fuse_ino_t parent, const char *name, int exist_err)
{
    GET_DEPOT(req, d);
    struct fs_path p;
    if (get_path(req, d, parent, &p))
        return;
    int rc = fs_lookup_child(d, &p, name);
    if (rc == 0 && exist_err)
        rc = -exist_err;
    else if (rc == 0 || (rc == -ENOENT && exist_err))
        rc = fs_config.readonly ? -EROFS : -EPERM;
    fuse_reply_err(req, -rc);
}

static void ll_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    char key[KEY_MAX];
    scratch_key(key, sizeof key, parent, name);
    if (scratch_unlink(key) == 0) {
        fuse_reply_err(req, 0);
        return;
    }
    refuse_op(req, parent, name, 0);    /* nothing is ever deleted */
}

static void ll_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    refuse_op(req, parent, name, 0);
}

static void ll_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
    (void)mode;
    refuse_op(req, parent, name, EEXIST);
}

/* mkfifo, mknod: no special files in a depot (ENOSYS would read
 * "Function not implemented", as if the daemon were unfinished). */
static void ll_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
                     dev_t rdev)
{
    (void)mode;
    (void)rdev;
    refuse_op(req, parent, name, EEXIST);
}

static void ll_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
    (void)link;
    refuse_op(req, parent, name, EEXIST);
}

static void ll_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t parent, const char *name)
{
    (void)ino;
    refuse_op(req, parent, name, EEXIST);
}

/* Stores text as the value of the resolved attribute or plan at to. */
static int store_at(fuse_req_t req, depot *d, const struct fs_path *to, const strbuf *text)
{
    strbuf path = STRBUF_INIT;
    int rc;
    fs_path_string(d, to, &path);
    if (fs_nodes[to->node].type == FT_ATTR) {
        if (!to->attr->store) {
            strbuf_release(&path);
            return -EACCES;
        }
        rc = store_value(req, d, to, to->attr->name, strbuf_str(text), text->len);
    } else if (fs_nodes[to->node].type == FT_DOC && to->kind == DK_PLAN) {
        struct actor_buf who;
        current_actor(req, &who);
        rc = depot_plan_store(d, (int)to->id, strbuf_str(text), text->len, &who.a);
        if (rc == DEPOT_OK)
            note_document();
    } else {
        strbuf_release(&path);
        return -EACCES;
    }
    rc = rc ? refuse(req, d, strbuf_str(&path), strbuf_str(text), text->len, rc, NULL) : 0;
    strbuf_release(&path);
    return rc;
}

/*
 * mv of a view's symlink transfers the object: an item between stations'
 * equipment/<category>/ directories or into a vehicle's load/, a vehicle
 * between stations' vehicles/.  The name must stay the same.
 */
static int transfer(fuse_req_t req, depot *d, const struct fs_path *src,
                    const struct fs_path *dstdir, const char *newname)
{
    const struct fs_node *sn = &fs_nodes[src->node];
    const char *attr = NULL;
    int rc;
    if (sn->type != FT_LINK || strcmp(src->name, newname))
        return -EPERM;
    /* The destination must be a directory whose members are of src's kind. */
    for (int i = 0; i < fs_node_count; i++) {
        const struct fs_node *c = &fs_nodes[i];
        if (c->parent != dstdir->node || c->type != FT_LINK || c->match != FM_VIEW)
            continue;
        if (src->kind == DK_ITEM && c->view == DV_SITE_ITEMS) {
            /* An item keeps its category: equipment/<category>/ must be its own. */
            strbuf have = STRBUF_INIT, want = STRBUF_INIT;
            rc = depot_show(d, DK_ITEM, src->id, "category", &have);
            if (rc == 0)
                rc = depot_slug(d, DK_CATEGORY, dstdir->slot[1], &want);
            if (rc == 0) {
                strbuf_addch(&want, '\n');
                if (strcmp(strbuf_str(&have), strbuf_str(&want)))
                    rc = DEPOT_EINVAL;
            }
            strbuf_release(&have);
            strbuf_release(&want);
            if (rc)
                return -fs_errno(rc);
            attr = "station";
        } else if (src->kind == DK_ITEM && c->view == DV_LOAD) {
            attr = "vehicle";
        } else if (src->kind == DK_VEHICLE && c->view == DV_SITE_VEHICLES) {
            attr = "station";
        }
    }
    if (!attr)
        return -EPERM;
    /* The destination directory's object: a site or a vehicle. */
    strbuf value = STRBUF_INIT, path = STRBUF_INIT;
    enum depot_kind owner = !strcmp(attr, "vehicle") ? DK_VEHICLE : DK_SITE;
    rc = depot_slug(d, owner, dstdir->slot[0], &value);
    fs_path_string(d, dstdir, &path);
    strbuf_addf(&path, "/%s", newname);
    /* Leaving a load for a station's shelf unloads the item. */
    if (rc == 0 && src->kind == DK_ITEM && sn->view == DV_LOAD && !strcmp(attr, "station"))
        rc = store_value(req, d, src, "vehicle", "none", 4);
    if (rc == 0) {
        strbuf_addstr(&value, ": moved with mv");
        rc = store_value(req, d, src, attr, value.buf, value.len);
    }
    rc = rc ? refuse(req, d, strbuf_str(&path), strbuf_str(&value), value.len, rc, NULL) : 0;
    strbuf_release(&value);
    strbuf_release(&path);
    return rc;
}

/*
 * A value renamed to a new name in its own object's directory: sed -i.bak
 * and perl -pi.bak keep the old text that way before renaming their
 * temporary over the value.  Nothing is ever deleted, so the value stays
 * where it is and the new name becomes a scratch file holding a copy of its
 * text (replacing a scratch file of that name: the .bak of the last run).
 * 0 or -errno.
 */
static int backup_copy(depot *d, const struct fs_path *src, const char *key, unsigned int flags)
{
    strbuf text = STRBUF_INIT;
    struct stat st, old;
    int rc = fs_stat(d, src, &st);
    if (rc == 0 && scratch_stat(key, &old) == 0) {
        if (flags & RENAME_NOREPLACE)
            rc = -EEXIST;
        else
            scratch_unlink(key);
    }
    if (rc == 0)
        rc = fs_content(d, src, &text);
    if (rc == 0)
        rc = scratch_create(key, st.st_mode, st.st_uid, st.st_gid);
    if (rc == 0) {
        int n = scratch_write(key, text.buf ? text.buf : "", text.len, 0);
        if (n < 0) {
            scratch_unlink(key);
            rc = n;
        }
    }
    strbuf_release(&text);
    return rc;
}

/* A rename with the writer held: 0 or -errno, not yet replied. */
static int rename_in(fuse_req_t req, depot *d, fuse_ino_t parent, const char *name,
                     fuse_ino_t newparent, const char *newname, unsigned int flags, int *moved)
{
    char from[KEY_MAX], to[KEY_MAX];
    struct stat st;
    int rc;
    if (flags & RENAME_EXCHANGE)
        return -EINVAL;
    if (fs_config.readonly)
        return -EROFS;
    struct fs_path dir, dst, src;
    if ((rc = fs_from_ino(d, (ino_t)newparent, &dir)))
        return rc;
    dst = dir;
    int drc = fs_lookup_child(d, &dst, newname);
    scratch_key(from, sizeof from, parent, name);
    scratch_key(to, sizeof to, newparent, newname);
    if (scratch_stat(from, &st) == 0) {
        if (drc == -ENOENT)     /* to another name among the scratch files of an object */
            return fs_nodes[dir.node].type == FT_OBJ ? scratch_rename(from, to) : -EACCES;
        if (drc)
            return drc;
        if (flags & RENAME_NOREPLACE)
            return -EEXIST;
        /* An editor's or sed's temporary renamed over a value: a write. */
        strbuf text = STRBUF_INIT;
        scratch_content(from, &text);
        rc = store_at(req, d, &dst, &text);
        strbuf_release(&text);
        if (rc == 0)
            scratch_unlink(from);
        return rc;
    }
    if ((rc = fs_from_ino(d, (ino_t)parent, &src)))
        return rc;
    if ((rc = fs_lookup_child(d, &src, name)) == 0) {
        if (drc == 0)
            rc = -EPERM;            /* replacing a value or object by renaming: never */
        else if (fs_nodes[src.node].type == FT_ATTR && parent == newparent
                 && fs_nodes[dir.node].type == FT_OBJ && drc == -ENOENT)
            rc = backup_copy(d, &src, to, flags);
        else
            rc = transfer(req, d, &src, &dir, newname);
    }
    /* The kernel moves the source's entry to the new name: the link of
     * another view (or station), or the value a backup copy is made of, to
     * be looked up anew, after the reply (settle_moved). */
    *moved = rc == 0;
    return rc;
}

/*
 * After a transfer by mv (or a value renamed to a backup name), drops the
 * entry the kernel moved to the new name: the source's symlink, whose
 * target is relative to the old directory (or the value's file).  The
 * kernel moves it once it has our reply and finds a name to invalidate
 * without waiting for the rename to end, so a notice sent at once may come
 * before the move and miss it (it then finds nothing, or the negative entry
 * mv's own stat left).  So the notice is sent again at growing intervals
 * for about 25 ms.  Until the first notice after the move lands, the new
 * name may still read as the old link, with the old directory's target
 * (README, "Writing").
 */
static void settle_moved(fuse_ino_t parent, const char *name)
{
    for (useconds_t wait = 50; session && wait <= 12800; wait *= 2) {
        notify_inval_entry(parent, name);
        usleep(wait);
    }
}

/*
 * What a rename leaves to do after its reply: the entries it kept
 * (invalidate_entry) and, after a transfer, settle_moved.  It is done on a
 * thread of its own, not on the worker that answered: over io_uring a
 * reply reaches the kernel only when the handler returns (fs/uring.c), and
 * until then the rename holds the very directory locks these notices take.
 * ll_destroy waits for these threads (after_renames counts them).
 */
struct after_rename {
    struct deferred_entry *entries;
    size_t n;
    int moved;
    fuse_ino_t parent;
    char name[FS_NAME_MAX + 1];
};

static void *after_rename_run(void *arg)
{
    struct after_rename *a = arg;
    for (size_t i = 0; session && i < a->n; i++)
        notify_inval_entry(a->entries[i].parent, a->entries[i].name);
    if (a->moved)
        settle_moved(a->parent, a->name);
    free(a->entries);
    free(a);
    atomic_fetch_sub(&after_renames, 1);
    return NULL;
}

static void after_rename(int moved, fuse_ino_t parent, const char *name)
{
    int started = !ndeferred && !moved;     /* nothing to do */
    struct after_rename *a = started ? NULL : calloc(1, sizeof *a);
    pthread_attr_t attr;
    if (a && pthread_attr_init(&attr) == 0) {
        *a = (struct after_rename){ deferred, ndeferred, moved, parent, "" };
        snprintf(a->name, sizeof a->name, "%s", name);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        atomic_fetch_add(&after_renames, 1);
        pthread_t t;
        started = pthread_create(&t, &attr, after_rename_run, a) == 0;
        if (!started)
            atomic_fetch_sub(&after_renames, 1);
        pthread_attr_destroy(&attr);
    }
    if (!started) {
        /* The watcher drops every entry instead (not here: see above). */
        free(a);
        free(deferred);
        request_invalidate_all();
    }
    deferring = 0;
    deferred = NULL;
    ndeferred = deferred_cap = 0;
}

/* While a rename is answered the kernel holds both directories' locks, so
 * the entries its changes invalidate are sent after the reply (see
 * invalidate_entry); the files' attributes and pages before it, as for
 * any write, once the writer is given back. */
static void ll_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
                      fuse_ino_t newparent, const char *newname, unsigned int flags)
{
    depot *d = writer_take();
    if (!d) {
        fuse_reply_err(req, EIO);
        return;
    }
    deferring = 1;
    int moved = 0;
    int rc = rename_in(req, d, parent, name, newparent, newname, flags, &moved);
    int g = writer_give();
    if (rc == 0)
        rc = g;
    fuse_reply_err(req, -rc);
    after_rename(moved, newparent, newname);
}

static void ll_statfs(fuse_req_t req, fuse_ino_t ino)
{
    (void)ino;
    struct statvfs sv;
    memset(&sv, 0, sizeof sv);
    sv.f_bsize = 4096;
    sv.f_frsize = 4096;
    sv.f_namemax = FS_NAME_MAX;
    fuse_reply_statfs(req, &sv);
}

/* access(2) without default_permissions: what the mode bits say. */
static void ll_access_in(fuse_req_t req, depot *d, fuse_ino_t ino, int mask)
{
    struct stat st;
    char key[KEY_MAX];
    int rc = 0;
    if (scratch_is_ino((ino_t)ino)) {
        rc = scratch_path_of((ino_t)ino, key, sizeof key) ? -ENOENT : scratch_stat(key, &st);
    } else {
            struct fs_path p;
        if (get_path(req, d, ino, &p))
            return;
        rc = fs_stat(d, &p, &st);
    }
    if (rc == 0 && (mask & W_OK) && fs_config.readonly)
        rc = -EROFS;
    else if (rc == 0 && (((mask & W_OK) && !(st.st_mode & 0222))
                         || ((mask & X_OK) && !(st.st_mode & 0111))))
        rc = -EACCES;
    fuse_reply_err(req, -rc);
}

static void ll_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
    depot *d = fs_depot();
    if (!d) {
        fuse_reply_err(req, EIO);
        return;
    }
    depot_read_begin(d);
    ll_access_in(req, d, ino, mask);
    depot_read_end(d);
}

const struct fuse_lowlevel_ops fs_ll_ops = {
    .init           = ll_init,
    .destroy        = ll_destroy,
    .lookup         = ll_lookup,
    .forget         = ll_forget,
    .forget_multi   = ll_forget_multi,
    .getattr        = ll_getattr,
    .setattr        = ll_setattr,
    .readlink       = ll_readlink,
    .opendir        = ll_opendir,
    .readdir        = ll_readdir,
    .readdirplus    = ll_readdirplus,
    .open           = ll_open,
    .read           = ll_read,
    .write          = ll_write,
    .flush          = ll_flush,
    .release        = ll_release,
    .fsync          = ll_fsync,
    .create         = ll_create,
    .unlink         = ll_unlink,
    .rmdir          = ll_rmdir,
    .mkdir          = ll_mkdir,
    .mknod          = ll_mknod,
    .symlink        = ll_symlink,
    .link           = ll_link,
    .rename         = ll_rename,
    .statfs         = ll_statfs,
    .access         = ll_access,
};

void fs_ll_set_session(struct fuse_session *se)
{
    session = se;
}
