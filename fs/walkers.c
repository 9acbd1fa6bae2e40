/*
 * walkers.c: which programs walking the tree want their files' attributes.
 *
 * Every listing is a readdirplus, and an entry may carry its attributes or
 * not (inode 0: the kernel then only learns the name and type).  Carrying
 * them is what makes `ls -l`, `du`, `rsync` and `tar` fast: one request
 * brings the attributes of a whole directory, where each file would
 * otherwise be looked up on its own.  But for a value file they cost the
 * rendering of its value (its exact size), and the kernel builds an inode
 * for each; `find -name` and `os.walk` never look at them.  An item's
 * directory lists a dozen values, so over equipment/ that is 300,000
 * renderings and inodes nobody asked for, most of a cold `find`.
 *
 * The kernel's own "readdirplus auto" mode cannot tell the two apart (it
 * always sends readdirplus for the start of a directory, which is all of
 * a small one), so the daemon decides, per thread: a thread lists without
 * the attributes of files until it looks files up by name (stat, open),
 * and with them from then on, for as long as it keeps using the mount.  A
 * program that stats what it lists pays one directory's worth of lookups;
 * one that does not, never pays for attributes.  Directories always come
 * with their attributes: every walker stats them to descend.
 *
 * A small table by thread id, under a mutex (a lookup or a listing is tens
 * of microseconds; this is well under one).  An entry unused for
 * WALKER_IDLE_MS is forgotten, so a reused thread id starts afresh.
 */
#include "walkers.h"

#include "fs.h"

#include <pthread.h>
#include <stdint.h>

#define WALKERS 64
#define WALKER_IDLE_MS 10000
#define LOOKUPS_TO_WANT 4       /* files looked up before listings carry attributes */

struct walker {
    pid_t pid;
    int lookups;
    int64_t seen_ms;
};

static struct walker walkers[WALKERS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The entry of pid, made if need be in place of the least recently seen
 * (lock held). */
static struct walker *walker_of(pid_t pid, int64_t now)
{
    struct walker *oldest = &walkers[0];
    for (int i = 0; i < WALKERS; i++) {
        struct walker *w = &walkers[i];
        if (w->pid == pid && now - w->seen_ms < WALKER_IDLE_MS) {
            w->seen_ms = now;
            return w;
        }
        if (w->seen_ms < oldest->seen_ms)
            oldest = w;
    }
    *oldest = (struct walker){ pid, 0, now };
    return oldest;
}

int walker_wants_attrs(pid_t pid)
{
    if (pid <= 0)
        return 1;
    pthread_mutex_lock(&lock);
    int want = walker_of(pid, fs_now_ms())->lookups >= LOOKUPS_TO_WANT;
    pthread_mutex_unlock(&lock);
    return want;
}

void walker_looked_up_file(pid_t pid)
{
    if (pid <= 0)
        return;
    pthread_mutex_lock(&lock);
    struct walker *w = walker_of(pid, fs_now_ms());
    if (w->lookups < LOOKUPS_TO_WANT)
        w->lookups++;
    pthread_mutex_unlock(&lock);
}
