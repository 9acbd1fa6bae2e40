/*
 * ops.c: the FUSE operations, on libfuse's high-level (path) API.
 *
 * Why the high-level API: the depot's tree is addressed by paths (every view
 * is a path pattern, tree.c), inode numbers are computed from the path
 * (use_ino), and nothing needs a lookup count: libfuse keeps the
 * path <-> node table the kernel needs, and fuse_invalidate_path() exists
 * for cache invalidation.  The low-level API would make us keep that table
 * ourselves for no gain here.
 *
 * Reading: open() renders the file's text once into the handle, so a
 * sequence of read() calls sees one consistent value; getattr renders it to
 * report the exact st_size.
 *
 * Writing: there is no writeback cache, so every write() reaches us and a
 * refused value fails that very write() (shells ignore errors at close()).
 * A value is stored at the first write() that holds it, after its commit;
 * later writes to the same open file may only add blank space.  A write at
 * an offset other than the end of what was written is refused.  O_TRUNC and
 * truncate to 0 just begin a new value: they never store an empty one.
 * Whole documents (plans, delivery notes) are assembled across writes and
 * stored as soon as they parse (depot_doc_complete); a document still
 * incomplete at close is stored then, and its error can only be reported by
 * close() - the README tells users to copy documents with cp or dd.
 *
 * Every refusal goes through refuse(): the one place that records it in
 * log/errors and on the daemon's log.
 */
#define FUSE_USE_VERSION 312
#include <fuse.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "ops.h"
#include "scratch.h"

struct fs_config fs_config;

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

depot *fs_depot(void)
{
    pthread_once(&depot_once, make_key);
    depot *d = pthread_getspecific(depot_key);
    if (d)
        return d;
    strbuf err = STRBUF_INIT;
    int flags = fs_config.readonly ? DEPOT_OPEN_READONLY : 0;
    if (depot_open(fs_config.db_path, flags, &d, &err) != DEPOT_OK) {
        fuse_log(FUSE_LOG_ERR, "depotfs: %s\n", strbuf_str(&err));
        strbuf_release(&err);
        return NULL;
    }
    strbuf_release(&err);
    if (fs_config.today)
        depot_set_today(d, fs_config.today);
    pthread_setspecific(depot_key, d);
    return d;
}

#define GET_DEPOT(d)            \
    depot *d = fs_depot();      \
    if (!d)                     \
        return -EIO

/* ---- who is asking ---- */

struct actor_buf {
    depot_actor a;
    char user[64];
    char comm[64];
};

static void current_actor(struct actor_buf *b)
{
    struct fuse_context *c = fuse_get_context();
    struct passwd pw, *res = NULL;
    char tmp[1024];
    b->a.uid = (long)c->uid;
    b->a.pid = (long)c->pid;
    if (getpwuid_r(c->uid, &pw, tmp, sizeof tmp, &res) == 0 && res)
        snprintf(b->user, sizeof b->user, "%s", res->pw_name);
    else
        snprintf(b->user, sizeof b->user, "%ld", (long)c->uid);
    b->comm[0] = '\0';
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/comm", (long)c->pid);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fgets(b->comm, sizeof b->comm, f))
            b->comm[strcspn(b->comm, "\n")] = '\0';
        fclose(f);
    }
    b->a.user = b->user;
    b->a.process = b->comm;
}

/*
 * Records a refused write and returns its -errno: the one place where a
 * refusal is written down (log/errors, and the daemon's log).
 */
static int refuse(depot *d, const char *path, const char *buf, size_t len, int rc,
                  const char *reason)
{
    struct actor_buf who;
    char why[1024];
    current_actor(&who);
    snprintf(why, sizeof why, "%s", reason ? reason : depot_errmsg(d));
    if (!why[0])
        snprintf(why, sizeof why, "%s", depot_strerror(rc));
    depot_log_refusal(d, &who.a, path, buf, len, why);
    fuse_log(FUSE_LOG_ERR, "depotfs: refused write to '%s' by %s (uid %ld) via %s[%ld]: %s\n",
             path, who.user, who.a.uid, who.comm, who.a.pid, why);
    return -fs_errno(rc);
}

/* ---- open files ---- */

enum handle_kind { H_READ, H_ATTR, H_DOC, H_NEWDOC, H_SCRATCH };

struct handle {
    enum handle_kind kind;
    struct fs_path p;
    char *path;             /* as the user named it, for logs */
    strbuf content;         /* H_READ: the text read() serves */
    strbuf w;               /* what was written so far */
    int stored;             /* the written value or document has been stored */
    char note[FS_NAME_MAX + 1];  /* H_NEWDOC delivery: the note's slug */
    pthread_mutex_t lock;
};

static struct handle *handle_new(enum handle_kind kind, const char *path)
{
    struct handle *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->path = strdup(path);
    if (!h->path) {
        free(h);
        return NULL;
    }
    h->kind = kind;
    strbuf_init(&h->content);
    strbuf_init(&h->w);
    pthread_mutex_init(&h->lock, NULL);
    return h;
}

static void handle_free(struct handle *h)
{
    strbuf_release(&h->content);
    strbuf_release(&h->w);
    pthread_mutex_destroy(&h->lock);
    free(h->path);
    free(h);
}

static struct handle *HANDLE(struct fuse_file_info *fi)
{
    return (struct handle *)(uintptr_t)fi->fh;
}

/* ---- getattr, readlink, readdir ---- */

static int op_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    (void)fi;
    GET_DEPOT(d);
    struct fs_path p;
    if (scratch_stat(path, st) == 0)
        return 0;
    int rc = fs_resolve(d, path, &p);
    if (rc)
        return rc;
    return fs_stat(d, &p, st);
}

static int op_readlink(const char *path, char *buf, size_t size)
{
    GET_DEPOT(d);
    struct fs_path p;
    int rc = fs_resolve(d, path, &p);
    if (rc)
        return rc;
    if (fs_nodes[p.node].type != FT_LINK)
        return -EINVAL;
    strbuf t = STRBUF_INIT;
    rc = fs_content(d, &p, &t);
    if (rc == 0) {
        if (size == 0)
            rc = -EINVAL;
        else
            snprintf(buf, size, "%s", strbuf_str(&t));
    }
    strbuf_release(&t);
    return rc;
}

struct dir_fill {
    void *buf;
    fuse_fill_dir_t filler;
};

static int fill_entry(void *ctx, const char *name, const struct fs_path *child, off_t next)
{
    struct dir_fill *f = ctx;
    struct stat st;
    memset(&st, 0, sizeof st);
    enum fs_type t = fs_nodes[child->node].type;
    st.st_mode = t == FT_DIR || t == FT_OBJ ? S_IFDIR : t == FT_LINK ? S_IFLNK : S_IFREG;
    st.st_ino = fs_ino(child);   /* d_ino: an entry with 0 is skipped by readdir(3) */
    return f->filler(f->buf, name, &st, next, 0);
}

/* Scratch entries come after every tree row: offsets past the last row. */
#define SCRATCH_OFF_BASE ((off_t)(fs_node_count + 1) << 40)

static int fill_scratch(void *ctx, const char *name, const struct stat *st, long index)
{
    struct dir_fill *f = ctx;
    return f->filler(f->buf, name, st, SCRATCH_OFF_BASE + index + 1, 0);
}

static int op_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off,
                      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
    (void)fi;
    (void)flags;
    GET_DEPOT(d);
    struct fs_path p;
    int rc = fs_resolve(d, path, &p);
    if (rc)
        return rc;
    struct dir_fill f = { buf, filler };
    struct stat st;
    memset(&st, 0, sizeof st);
    st.st_mode = S_IFDIR;
    /* "." and ".." take offsets 1 and 2 of row 0, which is never a child.
     * Their d_ino must not be 0 (readdir(3) skips such entries); ".." gets
     * the root's, as the kernel fixes it up anyway. */
    st.st_ino = fs_ino(&p);
    if (off < 1 && filler(buf, ".", &st, 1, 0))
        return 0;
    st.st_ino = 1;
    if (off < 2 && filler(buf, "..", &st, 2, 0))
        return 0;
    if (off < SCRATCH_OFF_BASE) {
        rc = fs_list(d, &p, off < 2 ? 0 : off, fill_entry, &f);
        if (rc)
            return rc;
    }
    if (fs_nodes[p.node].type == FT_OBJ) {
        long skip = off > SCRATCH_OFF_BASE ? (long)(off - SCRATCH_OFF_BASE) : 0;
        scratch_list(path, skip, fill_scratch, &f);
    }
    return 0;
}

/* ---- open, read, write ---- */

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

static int op_open(const char *path, struct fuse_file_info *fi)
{
    struct handle *h;
    struct stat st;
    if (scratch_stat(path, &st) == 0) {
        if (!(h = handle_new(H_SCRATCH, path)))
            return -ENOMEM;
        fi->fh = (uintptr_t)h;
        if (fi->flags & O_TRUNC)
            scratch_truncate(path, 0);
        return 0;
    }
    GET_DEPOT(d);
    struct fs_path p;
    int rc = fs_resolve(d, path, &p);
    if (rc)
        return rc;
    enum fs_type t = fs_nodes[p.node].type;
    if (t == FT_DIR || t == FT_OBJ)
        return -EISDIR;
    if (wants_write(fi->flags)) {
        if ((rc = check_writable(&p)))
            return rc;
        h = handle_new(t == FT_ATTR ? H_ATTR : H_DOC, path);
    } else {
        h = handle_new(H_READ, path);
    }
    if (!h)
        return -ENOMEM;
    h->p = p;
    /* A handle opened for reading (or read-write) serves a snapshot. */
    if ((fi->flags & O_ACCMODE) != O_WRONLY && (rc = fs_content(d, &p, &h->content))) {
        handle_free(h);
        return rc;
    }
    fi->fh = (uintptr_t)h;
    return 0;
}

static int op_read(const char *path, char *buf, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    struct handle *h = HANDLE(fi);
    if (h->kind == H_SCRATCH || h->kind == H_NEWDOC)
        return scratch_read(path, buf, size, off);
    pthread_mutex_lock(&h->lock);
    int rc = 0;
    if (off < 0)
        rc = -EINVAL;
    else if ((size_t)off < h->content.len) {
        size_t n = h->content.len - (size_t)off;
        if (n > size)
            n = size;
        memcpy(buf, h->content.buf + off, n);
        rc = (int)n;
    }
    pthread_mutex_unlock(&h->lock);
    return rc;
}

/* Is buf all blank space (what may follow a stored value)? */
static int all_blank(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (buf[i] != '\n' && buf[i] != '\r' && buf[i] != ' ' && buf[i] != '\t')
            return 0;
    return 1;
}

/* Stores the document in h->w.  Returns a depot code. */
static int store_doc(depot *d, struct handle *h)
{
    struct actor_buf who;
    current_actor(&who);
    if (h->p.kind == DK_PLAN)
        return depot_plan_store(d, (int)h->p.id, h->w.buf, h->w.len, &who.a);
    return depot_delivery_store(d, h->note, h->w.buf, h->w.len, &who.a);
}

/* A write to an attribute value. */
static int write_attr(depot *d, struct handle *h, const char *buf, size_t size)
{
    if (h->stored) {
        if (all_blank(buf, size))
            return (int)size;
        return refuse(d, h->path, buf, size, DEPOT_EINVAL,
                      "a second value in the same open file (one value per write)");
    }
    strbuf_add(&h->w, buf, size);
    struct actor_buf who;
    current_actor(&who);
    int rc = depot_store(d, h->p.kind, h->p.id, h->p.attr->name, h->w.buf, h->w.len, &who.a);
    if (rc) {
        int e = refuse(d, h->path, h->w.buf, h->w.len, rc, NULL);
        strbuf_reset(&h->w);
        return e;
    }
    h->stored = 1;
    return (int)size;
}

/* A write to a whole document: assemble, store when complete. */
static int write_doc(depot *d, struct handle *h, const char *buf, size_t size)
{
    if (h->stored) {
        if (all_blank(buf, size))
            return (int)size;
        return refuse(d, h->path, buf, size, DEPOT_EINVAL,
                      "text after the end of the document");
    }
    strbuf_add(&h->w, buf, size);
    if (h->kind == H_NEWDOC)
        scratch_write(h->path, buf, size, (off_t)(h->w.len - size));
    if (depot_doc_complete(h->w.buf, h->w.len) == 0)
        return (int)size;
    /* Complete, or beyond repair: the core validates it and says where it
     * went wrong (line and column, or the field). */
    int rc = store_doc(d, h);
    if (rc) {
        int e = refuse(d, h->path, h->w.buf, h->w.len, rc, NULL);
        strbuf_reset(&h->w);
        if (h->kind == H_NEWDOC)
            scratch_truncate(h->path, 0);
        return e;
    }
    h->stored = 1;
    if (h->kind == H_NEWDOC)
        scratch_unlink(h->path);
    return (int)size;
}

static int op_write(const char *path, const char *buf, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    struct handle *h = HANDLE(fi);
    if (h->kind == H_SCRATCH)
        return scratch_write(path, buf, size, off);
    if (h->kind == H_READ)
        return -EBADF;
    GET_DEPOT(d);
    pthread_mutex_lock(&h->lock);
    int rc;
    if (off != (off_t)h->w.len && !(h->stored && off >= (off_t)h->w.len)) {
        rc = refuse(d, h->path, buf, size, DEPOT_EINVAL,
                    "a write at an offset (write the whole value from the start)");
    } else if (h->kind == H_ATTR) {
        rc = write_attr(d, h, buf, size);
    } else {
        rc = write_doc(d, h, buf, size);
    }
    pthread_mutex_unlock(&h->lock);
    return rc;
}

/* A document still incomplete at close is stored now; only close() can say
 * that it failed. */
static int op_flush(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    struct handle *h = HANDLE(fi);
    if ((h->kind != H_DOC && h->kind != H_NEWDOC) || h->stored || h->w.len == 0)
        return 0;
    GET_DEPOT(d);
    pthread_mutex_lock(&h->lock);
    int rc = store_doc(d, h);
    if (rc) {
        rc = refuse(d, h->path, h->w.buf, h->w.len, rc, NULL);
        strbuf_reset(&h->w);
    } else {
        h->stored = 1;
        if (h->kind == H_NEWDOC)
            scratch_unlink(h->path);
    }
    pthread_mutex_unlock(&h->lock);
    return rc;
}

static int op_release(const char *path, struct fuse_file_info *fi)
{
    struct handle *h = HANDLE(fi);
    /* A new document that never became one leaves nothing behind. */
    if (h->kind == H_NEWDOC && !h->stored)
        scratch_unlink(path);
    handle_free(h);
    return 0;
}

static int op_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    struct stat st;
    if (scratch_stat(path, &st) == 0) {
        struct handle *h = fi ? HANDLE(fi) : NULL;
        if (h && h->kind == H_NEWDOC)
            return size == 0 && h->w.len == 0 ? 0 : -EINVAL;
        return scratch_truncate(path, size);
    }
    GET_DEPOT(d);
    struct fs_path p;
    int rc = fs_resolve(d, path, &p);
    if (rc)
        return rc;
    enum fs_type t = fs_nodes[p.node].type;
    if (t == FT_DIR || t == FT_OBJ)
        return -EISDIR;
    if ((rc = check_writable(&p)))
        return rc;
    /* Truncating to 0 begins a new value; it never stores an empty one. */
    return size == 0 ? 0 : -EINVAL;
}

/* Splits path into its parent directory and last component. */
static int split_path(const char *path, char *dir, size_t dsize, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash || (size_t)(slash - path) >= dsize)
        return -ENAMETOOLONG;
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
    if (!dir[0])
        strcpy(dir, "/");
    *base = slash + 1;
    return strlen(*base) > FS_NAME_MAX ? -ENAMETOOLONG : 0;
}

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

static int op_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    GET_DEPOT(d);
    struct fs_path p;
    char dir[4096];
    const char *base;
    int rc = fs_resolve(d, path, &p);
    if (rc == 0)
        return op_open(path, fi);
    if (rc != -ENOENT)
        return rc;
    if ((rc = split_path(path, dir, sizeof dir, &base)))
        return rc;
    if ((rc = fs_resolve(d, dir, &p)))
        return rc;
    if (fs_config.readonly)
        return -EROFS;
    struct fuse_context *c = fuse_get_context();
    enum fs_type t = fs_nodes[p.node].type;
    struct handle *h;
    int year;
    if (t == FT_OBJ) {
        /* A scratch file: an editor's swap file, sed's temporary, mkstemp. */
        if ((rc = scratch_create(path, mode, c->uid, c->gid)))
            return rc;
        h = handle_new(H_SCRATCH, path);
    } else if (!strcmp(fs_nodes[p.node].name, "plans") && p.depth == 1
               && plan_file_year(base, &year)) {
        if ((rc = scratch_create(path, 0644, fs_config.uid, fs_config.gid)))
            return rc;
        h = handle_new(H_NEWDOC, path);
        if (h) {
            h->p.kind = DK_PLAN;
            h->p.id = year;
        }
    } else if (!strcmp(fs_nodes[p.node].name, "deliveries") && p.depth == 1
               && strlen(base) > 5 && !strcmp(base + strlen(base) - 5, ".json")) {
        if ((rc = scratch_create(path, 0644, fs_config.uid, fs_config.gid)))
            return rc;
        h = handle_new(H_NEWDOC, path);
        if (h) {
            h->p.kind = DK_DELIVERY;
            snprintf(h->note, sizeof h->note, "%.*s", (int)(strlen(base) - 5), base);
        }
    } else {
        return -EACCES;
    }
    if (!h) {
        scratch_unlink(path);
        return -ENOMEM;
    }
    fi->fh = (uintptr_t)h;
    return 0;
}

static int op_unlink(const char *path)
{
    if (scratch_unlink(path) == 0)
        return 0;
    GET_DEPOT(d);
    struct fs_path p;
    int rc = fs_resolve(d, path, &p);
    if (rc)
        return rc;
    return fs_config.readonly ? -EROFS : -EPERM;   /* nothing is ever deleted */
}

static int op_rmdir(const char *path)
{
    GET_DEPOT(d);
    struct fs_path p;
    int rc = fs_resolve(d, path, &p);
    if (rc)
        return rc;
    return fs_config.readonly ? -EROFS : -EPERM;
}

static int op_mkdir(const char *path, mode_t mode)
{
    (void)mode;
    GET_DEPOT(d);
    struct fs_path p;
    if (fs_resolve(d, path, &p) == 0)
        return -EEXIST;
    return fs_config.readonly ? -EROFS : -EPERM;
}

static int op_symlink(const char *target, const char *path)
{
    (void)target;
    (void)path;
    return fs_config.readonly ? -EROFS : -EPERM;
}

static int op_link(const char *from, const char *to)
{
    (void)from;
    (void)to;
    return fs_config.readonly ? -EROFS : -EPERM;
}

/* Stores text as the value of the resolved attribute or document at to. */
static int store_at(depot *d, const struct fs_path *to, const char *path, const strbuf *text)
{
    struct actor_buf who;
    current_actor(&who);
    int rc;
    if (fs_nodes[to->node].type == FT_ATTR) {
        if (!to->attr->store)
            return -EACCES;
        rc = depot_store(d, to->kind, to->id, to->attr->name, strbuf_str(text), text->len, &who.a);
    } else if (fs_nodes[to->node].type == FT_DOC && to->kind == DK_PLAN) {
        rc = depot_plan_store(d, (int)to->id, strbuf_str(text), text->len, &who.a);
    } else {
        return -EACCES;
    }
    return rc ? refuse(d, path, strbuf_str(text), text->len, rc, NULL) : 0;
}

/*
 * mv of a view's symlink transfers the object: an item between stations'
 * equipment/<category>/ directories or into a vehicle's load/, a vehicle
 * between stations' vehicles/.  The name must stay the same.
 */
static int transfer(depot *d, const struct fs_path *src, const struct fs_path *dstdir,
                    const char *base, const char *path)
{
    const struct fs_node *sn = &fs_nodes[src->node];
    strbuf value = STRBUF_INIT;
    const char *attr = NULL;
    int rc;
    if (sn->type != FT_LINK || strcmp(src->name, base))
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
            if (rc == 0 && have.len && strncmp(have.buf, strbuf_str(&want), have.len - 1))
                rc = DEPOT_EINVAL;
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
    enum depot_kind owner = !strcmp(attr, "vehicle") ? DK_VEHICLE : DK_SITE;
    if ((rc = depot_slug(d, owner, dstdir->slot[0], &value))) {
        strbuf_release(&value);
        return -fs_errno(rc);
    }
    /* Leaving a load for a station's shelf unloads the item. */
    if (src->kind == DK_ITEM && sn->view == DV_LOAD && !strcmp(attr, "station")) {
        struct actor_buf who;
        current_actor(&who);
        rc = depot_store(d, DK_ITEM, src->id, "vehicle", "none", 4, &who.a);
        if (rc) {
            rc = refuse(d, path, "none", 4, rc, NULL);
            strbuf_release(&value);
            return rc;
        }
    }
    struct actor_buf who;
    current_actor(&who);
    strbuf_addstr(&value, ": moved with mv");
    rc = depot_store(d, src->kind, src->id, attr, value.buf, value.len, &who.a);
    if (rc)
        rc = refuse(d, path, value.buf, value.len, rc, NULL);
    strbuf_release(&value);
    return rc;
}

static int op_rename(const char *from, const char *to, unsigned int flags)
{
    struct stat st;
    GET_DEPOT(d);
    if (flags & RENAME_EXCHANGE)
        return -EINVAL;
    if (fs_config.readonly)
        return -EROFS;
    struct fs_path dst;
    int drc = fs_resolve(d, to, &dst);
    if (scratch_stat(from, &st) == 0) {
        if (drc == -ENOENT || scratch_stat(to, &st) == 0) {
            /* scratch to scratch (or to a new name in an object's directory) */
            char dir[4096];
            const char *base;
            struct fs_path pd;
            int rc = split_path(to, dir, sizeof dir, &base);
            if (rc == 0)
                rc = fs_resolve(d, dir, &pd);
            if (rc)
                return rc;
            if (fs_nodes[pd.node].type != FT_OBJ)
                return -EACCES;
            return scratch_rename(from, to);
        }
        if (drc)
            return drc;
        if (flags & RENAME_NOREPLACE)
            return -EEXIST;
        /* An editor's or sed's temporary renamed over a value: a write. */
        strbuf text = STRBUF_INIT;
        scratch_content(from, &text);
        int rc = store_at(d, &dst, to, &text);
        strbuf_release(&text);
        if (rc == 0)
            scratch_unlink(from);
        return rc;
    }
    struct fs_path src, dstdir;
    int rc = fs_resolve(d, from, &src);
    if (rc)
        return rc;
    if (drc == 0)
        return -EPERM;      /* replacing a value or object by renaming: never */
    char dir[4096];
    const char *base;
    if ((rc = split_path(to, dir, sizeof dir, &base)) || (rc = fs_resolve(d, dir, &dstdir)))
        return rc;
    return transfer(d, &src, &dstdir, base, to);
}

static int op_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    (void)fi;
    if (scratch_chmod(path, mode) == 0)
        return 0;
    GET_DEPOT(d);
    struct fs_path p;
    int rc = fs_resolve(d, path, &p);
    if (rc)
        return rc;
    return fs_config.readonly ? -EROFS : -EPERM;
}

static int op_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
    (void)fi;
    if (scratch_chown(path, uid, gid) == 0)
        return 0;
    GET_DEPOT(d);
    struct fs_path p;
    int rc = fs_resolve(d, path, &p);
    if (rc)
        return rc;
    return fs_config.readonly ? -EROFS : -EPERM;
}

/* Times of values are the times of their changes: setting them is accepted
 * and ignored (so touch, cp -p and tar -x do not fail), except on scratch. */
static int op_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
    (void)fi;
    if (scratch_utimens(path, tv) == 0)
        return 0;
    GET_DEPOT(d);
    struct fs_path p;
    return fs_resolve(d, path, &p);
}

static int op_statfs(const char *path, struct statvfs *sv)
{
    (void)path;
    memset(sv, 0, sizeof *sv);
    sv->f_bsize = 4096;
    sv->f_frsize = 4096;
    sv->f_namemax = FS_NAME_MAX;
    return 0;
}

static void *op_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    cfg->use_ino = 1;
    cfg->readdir_ino = 1;
    /* No kernel caching of names or attributes yet: a value written through
     * one path must read back at once through every other. */
    cfg->entry_timeout = 0;
    cfg->attr_timeout = 0;
    cfg->negative_timeout = 0;
    cfg->kernel_cache = 0;
    /* Every write must reach us so a refused value fails the write(). */
    conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
    /* The first connection, opened after fuse_main has forked. */
    fs_depot();
    return NULL;
}

const struct fuse_operations fs_ops = {
    .init       = op_init,
    .getattr    = op_getattr,
    .readlink   = op_readlink,
    .readdir    = op_readdir,
    .open       = op_open,
    .read       = op_read,
    .write      = op_write,
    .flush      = op_flush,
    .release    = op_release,
    .truncate   = op_truncate,
    .create     = op_create,
    .unlink     = op_unlink,
    .rmdir      = op_rmdir,
    .mkdir      = op_mkdir,
    .symlink    = op_symlink,
    .link       = op_link,
    .rename     = op_rename,
    .chmod      = op_chmod,
    .chown      = op_chown,
    .utimens    = op_utimens,
    .statfs     = op_statfs,
};
