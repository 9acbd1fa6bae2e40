/*
 * render.c: the last renderings of the files whose attributes are never
 * cached (summaries, reports, logs, documents, README), kept for a moment.
 *
 * Such a file is rendered to answer stat() (its exact size) and again to
 * open it, and `ls -l reports/` then `cat reports/x` renders it a third
 * time; a station's summary over 2,000,000 items takes a second or more.
 * fs_render() keeps each rendering with the generation it was made at
 * (ll.c bumps the generation around every invalidation: after each change
 * we make, and when the watcher sees another process change the database)
 * and serves it again while the generation is the same, for at most
 * RENDER_MS: so a rendering is never older than the last change we made,
 * and never older than a second.  Only RENDER_BYTES in all are kept; the
 * oldest go first.
 */
#include "fs.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#define RENDER_SLOTS 32
#define RENDER_BYTES ((size_t)16 << 20)
#define RENDER_MS 1000

struct rendering {
    int used;
    ino_t ino;
    uint64_t generation;
    int64_t at_ms;
    strbuf text;
};

static struct rendering slots[RENDER_SLOTS];
static size_t bytes;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Files rendered anew for every stat and open (attributes never cached). */
static int volatile_file(const struct fs_path *p)
{
    enum fs_type t = fs_nodes[p->node].type;
    return t == FT_GEN || t == FT_DOC
        || (t == FT_ATTR && (p->attr->flags & DEPOT_ATTR_VOLATILE));
}

static void drop(struct rendering *r)
{
    bytes -= r->text.len;
    strbuf_release(&r->text);
    r->used = 0;
}

int fs_render(depot *d, const struct fs_path *p, strbuf *out)
{
    if (!volatile_file(p))
        return fs_content(d, p, out);
    ino_t ino = fs_ino(p);
    uint64_t g = fs_request_generation();
    int64_t now = now_ms();
    pthread_mutex_lock(&lock);
    for (int i = 0; i < RENDER_SLOTS; i++) {
        struct rendering *r = &slots[i];
        if (r->used && r->ino == ino) {
            if (r->generation == g && g == fs_generation() && now - r->at_ms < RENDER_MS) {
                strbuf_add(out, r->text.buf, r->text.len);
                pthread_mutex_unlock(&lock);
                return 0;
            }
            drop(r);
        }
    }
    pthread_mutex_unlock(&lock);

    size_t start = out->len;
    int rc = fs_content(d, p, out);
    size_t len = out->len - start;
    /* Made during an invalidation, or too large to keep: not kept. */
    if (rc || (g & 1) || len > RENDER_BYTES / 4)
        return rc;
    pthread_mutex_lock(&lock);
    struct rendering *slot = NULL;
    for (;;) {
        struct rendering *oldest = NULL;
        for (int i = 0; i < RENDER_SLOTS; i++) {
            struct rendering *r = &slots[i];
            if (r->used && r->ino == ino)
                drop(r);    /* another thread's, meanwhile */
            if (!r->used && !slot)
                slot = r;
            if (r->used && (!oldest || r->at_ms < oldest->at_ms))
                oldest = r;
        }
        if (slot && bytes + len <= RENDER_BYTES)
            break;
        drop(oldest);       /* full: the oldest goes */
        slot = NULL;
    }
    slot->used = 1;
    slot->ino = ino;
    slot->generation = g;
    slot->at_ms = now_ms();     /* from when it is ready: a slow one lasts too */
    strbuf_init(&slot->text);
    strbuf_add(&slot->text, out->buf + start, len);
    bytes += len;
    pthread_mutex_unlock(&lock);
    return 0;
}
