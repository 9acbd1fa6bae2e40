/*
 * fuzz_router.c: the path router of the mounted tree (fs/tree.c) on
 * arbitrary paths, against a small seeded depot.
 *
 * The input is a path (cut at the first NUL; tried as given and with a
 * leading '/').  fs_resolve() must either refuse it with -ENOENT, -ENOTDIR
 * or -ENAMETOOLONG, or resolve it; a resolved path must stat, a file must
 * render, a directory must list, every listed entry must resolve under the
 * directory to the same inode, and a symlink's target must resolve.
 *
 * tree.c is linked alone, without ops.c and libfuse, so this file provides
 * what tree.c and fs.h expect from the rest of the daemon: fs_config,
 * fs_depot() and the invalidation generation.  Nothing here writes: the
 * seeded depot is made once.
 */
#include "fuzz.h"

#include <errno.h>

#include "fs.h"

struct fs_config fs_config;

depot *fs_depot(void)
{
    return fuzz_pristine();
}

/* Nothing changes the depot here: one generation (render.c may keep what
 * it rendered). */
uint64_t fs_generation(void)
{
    return 0;
}

uint64_t fs_request_generation(void)
{
    return 0;
}

#define MAX_PATH 4096
#define MAX_CHECKED 64      /* listed entries re-resolved per directory */

struct listing {
    depot *d;
    const char *dir;
    int n;
};

static void path_join(char *out, size_t size, const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    snprintf(out, size, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name);
}

static int check_entry(void *ctx, const char *name, const struct fs_path *child, off_t next)
{
    struct listing *l = ctx;
    char path[MAX_PATH + FS_NAME_MAX + 2];
    struct fs_path p;
    FUZZ_ASSERT(name[0] && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, ".."));
    FUZZ_ASSERT(strlen(name) <= FS_NAME_MAX && !strcmp(child->name, name));
    FUZZ_ASSERT(next > 0);
    if (l->n++ >= MAX_CHECKED)
        return 1;
    path_join(path, sizeof path, l->dir, name);
    int rc = fs_resolve(l->d, path, &p);
    if (rc) {
        fprintf(stderr, "listed '%s' does not resolve: %d\n", path, rc);
        FUZZ_ASSERT(rc == 0);
    }
    FUZZ_ASSERT(fs_ino(&p) == fs_ino(child));
    FUZZ_ASSERT(p.node == child->node && p.id == child->id);
    return 0;
}

/* Resolves the symlink at path (a resolved link) and its target. */
static void check_link(depot *d, const char *path, const char *target)
{
    char buf[2 * MAX_PATH + 8];
    snprintf(buf, sizeof buf, "%s", path);
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
    char *slash = strrchr(buf, '/');
    FUZZ_ASSERT(slash);
    *slash = '\0';
    /* Apply the target's "../" to the link's directory, then its rest. */
    while (!strncmp(target, "../", 3)) {
        size_t m = strlen(buf);
        while (m && buf[m - 1] == '/')
            buf[--m] = '\0';
        slash = strrchr(buf, '/');
        FUZZ_ASSERT(slash);     /* a link never points above the root */
        *slash = '\0';
        target += 3;
    }
    n = strlen(buf);
    snprintf(buf + n, sizeof buf - n, "/%s", target);
    struct fs_path p;
    int rc = fs_resolve(d, buf, &p);
    if (rc) {
        fprintf(stderr, "link '%s' -> '%s' does not resolve: %d\n", path, buf, rc);
        FUZZ_ASSERT(rc == 0);
    }
}

static void route(depot *d, const char *path)
{
    struct fs_path p;
    struct stat st;
    int rc = fs_resolve(d, path, &p);
    if (rc) {
        FUZZ_ASSERT(rc == -ENOENT || rc == -ENOTDIR || rc == -ENAMETOOLONG);
        return;
    }
    FUZZ_ASSERT(p.node >= 0 && p.node < fs_node_count);
    rc = fs_stat(d, &p, &st);
    FUZZ_ASSERT(rc == 0);
    FUZZ_ASSERT(st.st_ino == fs_ino(&p));
    strbuf out = STRBUF_INIT;
    enum fs_type t = fs_nodes[p.node].type;
    rc = fs_content(d, &p, &out);
    if (t == FT_DIR || t == FT_OBJ) {
        FUZZ_ASSERT(rc == -EISDIR && S_ISDIR(st.st_mode));
        struct listing l = { d, path, 0 };
        FUZZ_ASSERT(fs_list(d, &p, 0, check_entry, &l) == 0);
    } else {
        FUZZ_ASSERT(rc == 0);
        FUZZ_ASSERT(fs_list(d, &p, 0, check_entry, NULL) == -ENOTDIR);
        if (t == FT_LINK) {
            FUZZ_ASSERT(S_ISLNK(st.st_mode) && (size_t)st.st_size == out.len);
            check_link(d, path, strbuf_str(&out));
        } else {
            FUZZ_ASSERT(S_ISREG(st.st_mode) && (size_t)st.st_size == out.len);
        }
    }
    strbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    depot *d = fs_depot();
    if (size > MAX_PATH)
        size = MAX_PATH;
    char *s = fuzz_cstr(data, size);
    char slashed[MAX_PATH + 2];
    if (!fs_config.today) {
        fs_config.today = FUZZ_TODAY;
        fs_config.mount_ns = 1;
    }
    route(d, s);
    snprintf(slashed, sizeof slashed, "/%s", s);
    route(d, slashed);
    free(s);
    return 0;
}
