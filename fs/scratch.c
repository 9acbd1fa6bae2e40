/*
 * scratch.c: in-memory files (see scratch.h).  A plain array under one
 * mutex: there are rarely more than a handful at once (an editor's swap
 * file, a sed temporary, a document being copied in).
 */
#include "scratch.h"

#include <errno.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct scratch {
    char *path;             /* NULL: free slot */
    strbuf data;
    mode_t mode;
    uid_t uid;
    gid_t gid;
    ino_t ino;
    struct timespec mtime;
};

static struct scratch files[SCRATCH_MAX_FILES];
static size_t live;     /* files in use: 0, the usual case, skips every search */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static ino_t next_ino = 1;

/* Scratch inodes sit above every tree inode row (fs/tree.c uses rows < 255). */
#define SCRATCH_INO_BASE ((ino_t)0xff << 56)

static struct scratch *find(const char *path)
{
    for (size_t i = 0; live && i < SCRATCH_MAX_FILES; i++)
        if (files[i].path && !strcmp(files[i].path, path))
            return &files[i];
    return NULL;
}

static void touch(struct scratch *s)
{
    clock_gettime(CLOCK_REALTIME, &s->mtime);
}

static void release_file(struct scratch *s)
{
    if (s->path)
        live--;
    free(s->path);
    strbuf_release(&s->data);
    memset(s, 0, sizeof *s);
}

int scratch_create(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
    int rc = -ENOSPC;
    pthread_mutex_lock(&lock);
    if (find(path)) {
        rc = -EEXIST;
        goto out;
    }
    for (size_t i = 0; i < SCRATCH_MAX_FILES; i++) {
        struct scratch *s = &files[i];
        if (s->path)
            continue;
        s->path = strdup(path);
        if (!s->path) {
            rc = -ENOMEM;
            goto out;
        }
        live++;
        strbuf_init(&s->data);
        s->mode = mode & 07777;
        s->uid = uid;
        s->gid = gid;
        s->ino = SCRATCH_INO_BASE | next_ino++;
        touch(s);
        rc = 0;
        break;
    }
out:
    pthread_mutex_unlock(&lock);
    return rc;
}

static void fill_stat(const struct scratch *s, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFREG | s->mode;
    st->st_nlink = 1;
    st->st_uid = s->uid;
    st->st_gid = s->gid;
    st->st_ino = s->ino;
    st->st_size = (off_t)s->data.len;
    st->st_blksize = 4096;
    st->st_blocks = (st->st_size + 511) / 512;
    st->st_mtim = s->mtime;
    st->st_ctim = s->mtime;
    st->st_atim = s->mtime;
}

int scratch_path_of(ino_t ino, char *path, size_t size)
{
    int rc = -ENOENT;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < SCRATCH_MAX_FILES; i++) {
        if (files[i].path && files[i].ino == ino) {
            rc = strlen(files[i].path) < size ? 0 : -ENAMETOOLONG;
            if (rc == 0)
                strcpy(path, files[i].path);
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

int scratch_is_ino(ino_t ino)
{
    return ((uint64_t)ino >> 56) == 0xff;
}

int scratch_stat(const char *path, struct stat *st)
{
    pthread_mutex_lock(&lock);
    struct scratch *s = find(path);
    if (s)
        fill_stat(s, st);
    pthread_mutex_unlock(&lock);
    return s ? 0 : -ENOENT;
}

int scratch_read(const char *path, char *buf, size_t size, off_t off)
{
    int rc;
    pthread_mutex_lock(&lock);
    struct scratch *s = find(path);
    if (!s) {
        rc = -ENOENT;
    } else if (off < 0) {
        rc = -EINVAL;
    } else if ((size_t)off >= s->data.len) {
        rc = 0;
    } else {
        size_t n = s->data.len - (size_t)off;
        if (n > size)
            n = size;
        memcpy(buf, s->data.buf + off, n);
        rc = (int)n;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

/* Sets the length of s's data to len, zero-filling a gap. */
static int set_len(struct scratch *s, size_t len)
{
    if (len > SCRATCH_MAX_BYTES)
        return -EFBIG;
    if (len > s->data.len) {
        strbuf_grow(&s->data, len - s->data.len);
        memset(s->data.buf + s->data.len, 0, len - s->data.len);
    }
    s->data.len = len;
    if (s->data.buf)
        s->data.buf[len] = '\0';
    return 0;
}

int scratch_write(const char *path, const char *buf, size_t size, off_t off)
{
    int rc;
    pthread_mutex_lock(&lock);
    struct scratch *s = find(path);
    if (!s) {
        rc = -ENOENT;
    } else if (off < 0 || (size_t)off > SCRATCH_MAX_BYTES || size > SCRATCH_MAX_BYTES - (size_t)off) {
        rc = -EFBIG;
    } else {
        size_t end = (size_t)off + size;
        rc = 0;
        if (end > s->data.len)
            rc = set_len(s, end);
        if (rc == 0) {
            memcpy(s->data.buf + off, buf, size);
            touch(s);
            rc = (int)size;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

int scratch_truncate(const char *path, off_t size)
{
    int rc;
    pthread_mutex_lock(&lock);
    struct scratch *s = find(path);
    if (!s)
        rc = -ENOENT;
    else if (size < 0)
        rc = -EINVAL;
    else if ((rc = set_len(s, (size_t)size)) == 0)
        touch(s);
    pthread_mutex_unlock(&lock);
    return rc;
}

int scratch_chmod(const char *path, mode_t mode)
{
    pthread_mutex_lock(&lock);
    struct scratch *s = find(path);
    if (s)
        s->mode = mode & 07777;
    pthread_mutex_unlock(&lock);
    return s ? 0 : -ENOENT;
}

int scratch_chown(const char *path, uid_t uid, gid_t gid)
{
    pthread_mutex_lock(&lock);
    struct scratch *s = find(path);
    if (s) {
        if (uid != (uid_t)-1)
            s->uid = uid;
        if (gid != (gid_t)-1)
            s->gid = gid;
    }
    pthread_mutex_unlock(&lock);
    return s ? 0 : -ENOENT;
}

int scratch_utimens(const char *path, const struct timespec tv[2])
{
    pthread_mutex_lock(&lock);
    struct scratch *s = find(path);
    if (s) {
        if (!tv || tv[1].tv_nsec == UTIME_NOW)
            touch(s);
        else if (tv[1].tv_nsec != UTIME_OMIT)
            s->mtime = tv[1];
    }
    pthread_mutex_unlock(&lock);
    return s ? 0 : -ENOENT;
}

int scratch_unlink(const char *path)
{
    pthread_mutex_lock(&lock);
    struct scratch *s = find(path);
    if (s)
        release_file(s);
    pthread_mutex_unlock(&lock);
    return s ? 0 : -ENOENT;
}

int scratch_rename(const char *from, const char *to)
{
    int rc = 0;
    pthread_mutex_lock(&lock);
    struct scratch *s = find(from), *t = find(to);
    if (!s) {
        rc = -ENOENT;
    } else if (s != t) {
        char *p = strdup(to);
        if (!p) {
            rc = -ENOMEM;
        } else {
            if (t)
                release_file(t);
            free(s->path);
            s->path = p;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

int scratch_content(const char *path, strbuf *out)
{
    pthread_mutex_lock(&lock);
    struct scratch *s = find(path);
    if (s)
        strbuf_add(out, s->data.buf ? s->data.buf : "", s->data.len);
    pthread_mutex_unlock(&lock);
    return s ? 0 : -ENOENT;
}

int scratch_list(const char *dir, long skip,
                 int (*fn)(void *ctx, const char *name, const struct stat *st, long index),
                 void *ctx)
{
    size_t dl = strlen(dir);
    long index = 0;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; live && i < SCRATCH_MAX_FILES; i++) {
        struct scratch *s = &files[i];
        if (!s->path || strncmp(s->path, dir, dl) || s->path[dl] != '/'
            || strchr(s->path + dl + 1, '/'))
            continue;
        if (index++ < skip)
            continue;
        struct stat st;
        fill_stat(s, &st);
        if (fn(ctx, s->path + dl + 1, &st, index - 1))
            break;
    }
    pthread_mutex_unlock(&lock);
    return 0;
}
