/*
 * held.c: what the kernel holds, as far as the daemon can know it, and
 * when the kernel may be trusted with a value's size.
 *
 * ll.c calls in here around every reply that carries attributes
 * (held_report, held_confirm), every open for reading (held_reader_open,
 * held_reader_close), every open for writing (held_writer_open/close) and
 * every invalidation (held_invalidation_begin/end, held_changed,
 * held_all_changed).  Nothing here talks to the kernel.
 *
 * Reads through the page cache.  A second `cat` of a value should cost one
 * open and no read, so values are read through the kernel's page cache,
 * kept across opens until a change invalidates them.  But the kernel cuts
 * or pads what it reads from the cache to the size it holds for the inode,
 * and a reader must never see "10" of "100".  Three rules keep the size the
 * kernel holds equal to the size of what a cached reader reads:
 *
 *  1. An open reads through the cache only if no file is open for writing,
 *     the value has not been invalidated for a second (settled: replies the
 *     kernel got around a change may still be in flight, and it accepts or
 *     drops them by its own attribute versions), and the value has exactly
 *     the size we last told the kernel (told_as: this catches a change by
 *     another process that the watcher has not seen yet).  Otherwise the
 *     open is direct I/O from its own snapshot and the kernel's size does
 *     not matter.
 *  2. While cached readers of an inode are open, every size we report for
 *     it (lookup, getattr, setattr, readdirplus) is the size they read
 *     (held_report()); when the last one closes after a change, the inode is
 *     invalidated and the kernel asks again.  So the size cannot shrink
 *     under a reader that opened a longer value.
 *  3. O_TRUNC is a separate truncate (no atomic O_TRUNC, which would set the
 *     size to 0 under such a reader); sizes that grow (a write past the old
 *     end) are harmless: a short read sets the size back.
 *
 * A cached open also puts its snapshot in the page cache (store_pages in
 * ll.c), so that no READ follows, unless it put them there since the last
 * change already (held_pages_fresh); pages filled by a handle whose
 * snapshot an invalidation has since overtaken are dropped again.
 *
 * A stale size can only make an open choose direct I/O: slower, never wrong.
 */

#include "held.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

/* Bumped before and after every invalidation; invalidating counts the
 * invalidations under way, in any thread. */
static atomic_uint_fast64_t generation;
static atomic_int invalidating;
/* The generation when the calling thread's request began, and whether no
 * invalidation was under way then. */
static _Thread_local uint64_t request_generation;
static _Thread_local int request_quiet;
/* Open files that may write a value (and truncates in progress): while
 * any is open, no size is remembered as told and no read is cached. */
static atomic_int writers_open;

void held_request_begin(void)
{
    request_quiet = !atomic_load(&invalidating);
    request_generation = atomic_load(&generation);
}

uint64_t held_request_generation(void)
{
    return request_generation;
}

uint64_t held_generation(void)
{
    return atomic_load(&generation);
}

void held_writer_open(void)
{
    atomic_fetch_add(&writers_open, 1);
}

void held_writer_close(void)
{
    atomic_fetch_sub(&writers_open, 1);
}

/* Has nothing been invalidated since the calling thread's request began,
 * and was nothing being invalidated then or now? */
int held_quiet(void)
{
    return request_quiet && !atomic_load(&invalidating)
        && atomic_load(&generation) == request_generation;
}

/* For render.c: twice the generation, plus one while invalidating. */
uint64_t fs_generation(void)
{
    return 2 * (uint64_t)atomic_load(&generation) + (atomic_load(&invalidating) > 0);
}

uint64_t fs_request_generation(void)
{
    return 2 * request_generation + !request_quiet;
}

void held_invalidation_begin(void)
{
    atomic_fetch_add(&invalidating, 1);
    atomic_fetch_add(&generation, 1);
}

void held_invalidation_end(void)
{
    atomic_fetch_add(&generation, 1);
    atomic_fetch_sub(&invalidating, 1);
}

/* The size last told per cacheable value file, found by inode hash in a
 * table of 4-way buckets (32 bytes each): one word per slot, the hash
 * with the size in its low 16 bits, 0 when empty.  A 25,000-item depot has
 * some 300,000 value files, and a slot lost to a collision costs the cache
 * for that file (direct I/O), never correctness.  Only ever touched under
 * readers_lock. */
#define TOLD_BUCKET_BITS 18
#define TOLD_WAYS 4
#define TOLD_SIZE_MASK ((uint64_t)0xFFFF)
static uint64_t told_sizes[(1u << TOLD_BUCKET_BITS) * TOLD_WAYS];
static unsigned told_evict;    /* round robin over the ways of full buckets */

static uint64_t told_hash(ino_t ino)
{
    uint64_t x = (uint64_t)ino * 0x9E3779B97F4A7C15ull;
    return x ^ (x >> 31);
}

static uint64_t *told_bucket(uint64_t h)
{
    return &told_sizes[(h >> (64 - TOLD_BUCKET_BITS)) * TOLD_WAYS];
}

/* The slot holding ino's size, or NULL. */
static uint64_t *told_find(uint64_t h)
{
    uint64_t *b = told_bucket(h);
    for (int i = 0; i < TOLD_WAYS; i++)
        if (b[i] && (b[i] & ~TOLD_SIZE_MASK) == (h & ~TOLD_SIZE_MASK))
            return &b[i];
    return NULL;
}

/* Remembers size as told for ino, or forgets ino (size -1). */
static void told_set(ino_t ino, long long size)
{
    uint64_t h = told_hash(ino), *s = told_find(h);
    if (size < 0 || (uint64_t)size > TOLD_SIZE_MASK) {
        if (s)
            *s = 0;
        return;
    }
    if (!s) {
        uint64_t *b = told_bucket(h);
        for (int i = 0; i < TOLD_WAYS && !s; i++)
            if (!b[i])
                s = &b[i];
        if (!s)
            s = &b[told_evict++ % TOLD_WAYS];
    }
    *s = (h & ~TOLD_SIZE_MASK) | (uint64_t)size;
}

/* Was the size of inode ino last told as size (by a request no
 * invalidation raced)? */
static int told_as(ino_t ino, size_t size)
{
    uint64_t *s = told_find(told_hash(ino));
    return s && (*s & TOLD_SIZE_MASK) == size;
}

/* When each value file was last invalidated (monotonic ms, by inode hash;
 * a collision only makes a file look recently changed), and when the whole
 * tree last was.  A value changed within the last second is read with
 * direct I/O: attribute replies the kernel received around the change may
 * still be in flight, and it may accept or drop them in any order. */
#define SETTLE_MS 1000u
static _Atomic uint32_t changed_ms[1u << TOLD_BUCKET_BITS];
static _Atomic uint32_t all_changed_ms;

/* The clock in ms, cut to 32 bits to fit the atomic words above (the
 * differences taken of it wrap correctly). */
static uint32_t now_ms(void)
{
    return (uint32_t)fs_now_ms();
}

void held_changed(ino_t ino)
{
    atomic_store(&changed_ms[told_hash(ino) >> (64 - TOLD_BUCKET_BITS)], now_ms());
}

void held_all_changed(void)
{
    atomic_store(&all_changed_ms, now_ms());
}

/* Has the value of ino stayed unchanged for the last second? */
static int settled(ino_t ino)
{
    uint32_t now = now_ms();
    return now - atomic_load(&changed_ms[told_hash(ino) >> (64 - TOLD_BUCKET_BITS)]) >= SETTLE_MS
        && now - atomic_load(&all_changed_ms) >= SETTLE_MS;
}

/* When each value file's pages were last put in the page cache
 * (store_pages in ll.c), by the same hash.  A hint only: pages the kernel
 * holds are never stale (every change drops them, and pages filled around a
 * change are dropped again), so pages stored after the value's last change
 * are still its value, unless the kernel evicted them, and then a READ
 * fills them again.  A collision makes an open skip storing pages it
 * should have stored: a READ follows, never a wrong value. */
static _Atomic uint32_t stored_ms[1u << TOLD_BUCKET_BITS];

static int after(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}

int held_pages_fresh(ino_t ino)
{
    size_t b = told_hash(ino) >> (64 - TOLD_BUCKET_BITS);
    uint32_t at = atomic_load(&stored_ms[b]);
    return after(at, atomic_load(&changed_ms[b])) && after(at, atomic_load(&all_changed_ms));
}

void held_pages_stored(ino_t ino)
{
    atomic_store(&stored_ms[told_hash(ino) >> (64 - TOLD_BUCKET_BITS)], now_ms());
}

/* Open cached readers per inode: a small hash of lists (nodes are kept on a
 * free list, so opening allocates only when more files than ever before are
 * open at once). */
struct reader {
    ino_t ino;
    size_t size;            /* the size they all read */
    int count;
    struct reader *next;
};
#define READER_BUCKETS 256
static struct reader *readers[READER_BUCKETS];
static struct reader *readers_free;
static atomic_int readers_open;     /* inodes with cached readers: 0 skips the lock */
static pthread_mutex_t readers_lock = PTHREAD_MUTEX_INITIALIZER;

static struct reader **reader_find(ino_t ino)
{
    struct reader **r = &readers[told_hash(ino) % READER_BUCKETS];
    while (*r && (*r)->ino != ino)
        r = &(*r)->next;
    return r;
}

/* Registers a cached reader of ino reading size bytes (readers_lock
 * held); -1 if another size is pinned or there is no memory. */
static int reader_add_locked(ino_t ino, size_t size)
{
    struct reader **r = reader_find(ino);
    if (*r) {
        if ((*r)->size != size)
            return -1;
        (*r)->count++;
        return 0;
    }
    struct reader *n = readers_free;
    if (n)
        readers_free = n->next;
    else if (!(n = malloc(sizeof *n)))
        return -1;
    *n = (struct reader){ ino, size, 1, NULL };
    *r = n;
    atomic_fetch_add(&readers_open, 1);
    return 0;
}

int held_reader_close(ino_t ino)
{
    int left = 0;
    pthread_mutex_lock(&readers_lock);
    struct reader **r = reader_find(ino), *n = *r;
    if (n && (left = --n->count) == 0) {
        *r = n->next;
        n->next = readers_free;
        readers_free = n;
        atomic_fetch_sub(&readers_open, 1);
    }
    pthread_mutex_unlock(&readers_lock);
    return left;
}

/* May a size told now be trusted to be the kernel's?  Not while a write
 * may be completing (the kernel then drops attribute replies that raced it)
 * or an invalidation ran since the request began. */
static int told_trustworthy(void)
{
    return !atomic_load(&writers_open) && held_quiet();
}

int held_report(const struct fs_path *p, struct stat *st, double attr_timeout)
{
    if (fs_nodes[p->node].type != FT_ATTR || attr_timeout <= 0)
        return 0;
    pthread_mutex_lock(&readers_lock);
    struct reader *r = atomic_load(&readers_open) ? *reader_find(st->st_ino) : NULL;
    if (r)
        st->st_size = (off_t)r->size;
    int trust = told_trustworthy() && (uint64_t)st->st_size <= TOLD_SIZE_MASK;
    told_set(st->st_ino, trust ? (long long)st->st_size : -1);
    pthread_mutex_unlock(&readers_lock);
    return trust;
}

void held_confirm(ino_t ino)
{
    if (told_trustworthy())
        return;
    held_forget(ino);
}

int held_reader_open(ino_t ino, size_t size)
{
    if (atomic_load(&writers_open) || !settled(ino))
        return -1;
    pthread_mutex_lock(&readers_lock);
    int rc = told_as(ino, size) ? reader_add_locked(ino, size) : -1;
    pthread_mutex_unlock(&readers_lock);
    return rc;
}

void held_forget(ino_t ino)
{
    pthread_mutex_lock(&readers_lock);
    told_set(ino, -1);
    pthread_mutex_unlock(&readers_lock);
}
