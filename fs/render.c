/*
 * render.c: the texts open files read, shared, and the last renderings of
 * the files whose attributes are never cached, kept for a moment.
 *
 * Every open for reading takes a snapshot of the file's text (fs_text).
 * A text is immutable once made and counted by reference, so the handles
 * reading one rendering and the cache below share its memory: ten readers
 * of an 85 MB report at 2,000,000 items hold it once, not ten times.
 *
 * Summaries, reports, documents and the README are rendered to answer
 * stat() (their exact size) and again to open them (the logs never are
 * rendered whole: see the end of this file), and `ls -l reports/` then
 * `cat reports/x` renders a third time; a station's summary over
 * 2,000,000 items takes a second or more, the due-inspection report
 * several.  fs_render_text() keeps each such rendering with the
 * generation it was made at (ll.c bumps the generation around every
 * invalidation: after each change we make, and when the watcher sees
 * another process change the database) and serves it again while the
 * generation is the same, for at most RENDER_MS from when it was ready: so
 * a rendering is never older than the last change we made, and never
 * older than a second.  The cache holds at most RENDER_BYTES, or one
 * rendering larger than that alone (the next one evicts it), and
 * fs_render_sweep() (the watcher, four times a second) lets go of what
 * has expired, so an idle daemon keeps nothing.  Threads that open the
 * same file while it is being rendered wait for that rendering.
 */
#include "fs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RENDER_SLOTS 32
#define RENDER_BYTES ((size_t)16 << 20)
#define RENDER_MS 1000

struct fs_text {
    atomic_int refs;
    strbuf s;
};

struct rendering {
    struct fs_text *text;       /* NULL: a free slot */
    ino_t ino;
    uint64_t generation;
    int64_t at_ms;
};

/* Renderings under way, so that threads opening the same file at once
 * make it once (four readers of an 85 MB report: one rendering, not four). */
struct pending {
    int busy;
    ino_t ino;
    uint64_t generation;
};

static struct rendering slots[RENDER_SLOTS];
static struct pending pendings[RENDER_SLOTS];
static size_t bytes;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rendered = PTHREAD_COND_INITIALIZER;

/* The clock render.c, held.c and walkers.c measure ages by. */
int64_t fs_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Takes over s's memory (s is left empty).  A large text gives back what
 * its buffer grew by beyond it (an 85 MB report sat in 128 MB). */
static struct fs_text *text_of(strbuf *s)
{
    struct fs_text *t = malloc(sizeof *t);
    if (!t)
        abort();        /* as strbuf does */
    atomic_init(&t->refs, 1);
    if (s->cap > ((size_t)1 << 20) && s->cap - s->len > s->len / 8) {
        char *shrunk = realloc(s->buf, s->len + 1);
        if (shrunk) {
            s->buf = shrunk;
            s->cap = s->len + 1;
        }
    }
    t->s = *s;
    strbuf_init(s);
    return t;
}

const char *fs_text_data(const struct fs_text *t)
{
    return strbuf_str(&t->s);
}

size_t fs_text_len(const struct fs_text *t)
{
    return t->s.len;
}

void fs_text_put(struct fs_text *t)
{
    if (t && atomic_fetch_sub(&t->refs, 1) == 1) {
        strbuf_release(&t->s);
        free(t);
    }
}

/* Files rendered anew for every stat and open (attributes never cached). */
static int volatile_file(const struct fs_path *p)
{
    enum fs_type t = fs_nodes[p->node].type;
    return t == FT_GEN || t == FT_DOC
        || (t == FT_ATTR && (p->attr->flags & DEPOT_ATTR_VOLATILE));
}

/* Frees slot r (lock held). */
static void drop(struct rendering *r)
{
    bytes -= r->text->s.len;
    fs_text_put(r->text);
    r->text = NULL;
}

void fs_render_sweep(void)
{
    int64_t now = fs_now_ms();
    pthread_mutex_lock(&lock);
    for (int i = 0; i < RENDER_SLOTS; i++)
        if (slots[i].text && now - slots[i].at_ms >= RENDER_MS)
            drop(&slots[i]);
    pthread_mutex_unlock(&lock);
}

/* The kept rendering of ino made at generation g, if it may still be
 * served (a new reference), else NULL; a stale one is dropped (lock held). */
static struct fs_text *lookup(ino_t ino, uint64_t g)
{
    int64_t now = fs_now_ms();
    for (int i = 0; i < RENDER_SLOTS; i++) {
        struct rendering *r = &slots[i];
        if (r->text && r->ino == ino) {
            if (r->generation == g && g == fs_generation() && now - r->at_ms < RENDER_MS) {
                atomic_fetch_add(&r->text->refs, 1);
                return r->text;
            }
            drop(r);
        }
    }
    return NULL;
}

/* Keeps text t, rendered at generation g, for inode ino (lock held). */
static void keep(ino_t ino, uint64_t g, struct fs_text *t)
{
    size_t len = t->s.len;
    struct rendering *slot = NULL;
    for (;;) {
        struct rendering *oldest = NULL;
        for (int i = 0; i < RENDER_SLOTS; i++) {
            struct rendering *r = &slots[i];
            if (r->text && r->ino == ino)
                drop(r);    /* another thread's, meanwhile */
            if (!r->text && !slot)
                slot = r;
            if (r->text && (!oldest || r->at_ms < oldest->at_ms))
                oldest = r;
        }
        /* Room, or nothing else left: a large rendering is kept alone. */
        if (slot && (bytes + len <= RENDER_BYTES || !oldest))
            break;
        drop(oldest);
        slot = NULL;
    }
    atomic_fetch_add(&t->refs, 1);
    *slot = (struct rendering){ t, ino, g, fs_now_ms() };  /* from when it is ready */
    bytes += len;
}

int fs_render_text(depot *d, const struct fs_path *p, struct fs_text **out)
{
    strbuf s = STRBUF_INIT;
    int rc;
    *out = NULL;
    if (!volatile_file(p)) {
        if ((rc = fs_content(d, p, &s)) == 0)
            *out = text_of(&s);
        strbuf_release(&s);
        return rc;
    }
    ino_t ino = fs_ino(p);
    uint64_t g = fs_request_generation();
    struct pending *mine = NULL;
    pthread_mutex_lock(&lock);
    for (;;) {
        struct fs_text *kept = lookup(ino, g);
        if (kept) {
            pthread_mutex_unlock(&lock);
            *out = kept;
            return 0;
        }
        /* Another thread is rendering it for the same generation: wait
         * for its rendering rather than make another. */
        struct pending *other = NULL;
        for (int i = 0; i < RENDER_SLOTS && !other; i++)
            if (pendings[i].busy && pendings[i].ino == ino && pendings[i].generation == g)
                other = &pendings[i];
        if (!other || (g & 1))
            break;
        pthread_cond_wait(&rendered, &lock);
    }
    for (int i = 0; i < RENDER_SLOTS && !mine && !(g & 1); i++)
        if (!pendings[i].busy) {
            mine = &pendings[i];
            *mine = (struct pending){ 1, ino, g };
        }
    pthread_mutex_unlock(&lock);

    rc = fs_content(d, p, &s);
    if (rc == 0)
        *out = text_of(&s);
    strbuf_release(&s);
    pthread_mutex_lock(&lock);
    /* Made during an invalidation: not kept. */
    if (rc == 0 && !(g & 1))
        keep(ino, g, *out);
    if (mine) {
        mine->busy = 0;
        pthread_cond_broadcast(&rendered);
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

/* ---- the logs ----
 *
 * log/changes and log/errors grow for as long as the depot is used: a
 * million changes make a log of about 100 MB.  So they are never rendered
 * whole: one map of each (depot_log_map, core/report.c), shared by every
 * thread and kept for the daemon's life, gives their size and renders only
 * the blocks a read falls in. */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static depot_log_map *log_maps[2];

/* The map of log kind (fs_log_kind), made if it is not yet (log_lock held). */
static depot_log_map *log_map(int kind)
{
    if (!log_maps[kind])
        log_maps[kind] = depot_log_map_new(kind);
    return log_maps[kind];
}

int fs_log_size(depot *d, int kind, uint64_t *size)
{
    pthread_mutex_lock(&log_lock);
    depot_log_map *m = log_map(kind);
    int rc = m ? depot_log_map_update(d, m) : DEPOT_ENOMEM;
    if (m)
        *size = depot_log_map_size(m);
    pthread_mutex_unlock(&log_lock);
    return rc ? -fs_errno(rc) : 0;
}

int fs_log_read(depot *d, int kind, uint64_t size, uint64_t off, size_t len, strbuf *out)
{
    if (off >= size)
        return 0;
    if (len > size - off)
        len = (size_t)(size - off);
    pthread_mutex_lock(&log_lock);
    depot_log_map *m = log_map(kind);
    int rc = m ? depot_log_map_read(d, m, off, len, out) : DEPOT_ENOMEM;
    pthread_mutex_unlock(&log_lock);
    return rc ? -fs_errno(rc) : 0;
}

void fs_log_maps_free(void)
{
    pthread_mutex_lock(&log_lock);
    for (int i = 0; i < 2; i++) {
        depot_log_map_free(log_maps[i]);
        log_maps[i] = NULL;
    }
    pthread_mutex_unlock(&log_lock);
}
