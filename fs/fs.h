/*
 * fs.h: what the parts of the FUSE front end share.
 *
 * fs/ turns paths into core calls and nothing more.  tree.c declares the
 * tree as data (a table of path patterns) and resolves a path into a
 * struct fs_path; ops.c implements the FUSE operations on top of that;
 * main.c parses options, checks the depot and the mountpoint, and runs the
 * loop; errno.c is the one place where depot errors become errno values.
 */
#ifndef DEPOT_FS_H
#define DEPOT_FS_H

#include <stdarg.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "depot.h"

/* What a node of the tree is. */
enum fs_type {
    FT_DIR,     /* a directory: fixed children and/or a view's members */
    FT_OBJ,     /* an object's canonical directory: its attribute files (+ children) */
    FT_ATTR,    /* an attribute file of the parent object (show/store) */
    FT_LINK,    /* a symlink to an object's canonical directory or document */
    FT_DOC,     /* a whole JSON document (plans/<year>.json, deliveries/<note>.json) */
    FT_GEN,     /* a generated read-only file (README, reports, logs) */
};

/* How a node's name is matched within its parent. */
enum fs_match {
    FM_LITERAL, /* the name is fs_node.name */
    FM_VIEW,    /* a member of fs_node.view (with fs_node.suffix after the slug) */
    FM_ATTR,    /* an attribute of the parent object's kind */
    FM_REPORT,  /* one of depot_report_names() */
};

struct fs_path;
typedef int (*fs_gen_fn)(depot *d, const struct fs_path *p, strbuf *out);

/* One row of the tree table (see tree.c). */
struct fs_node {
    const char *name;       /* FM_LITERAL: the name; otherwise a label for comments */
    int parent;             /* index of the parent row (-1 for the root) */
    enum fs_type type;
    enum fs_match match;
    enum depot_view view;   /* FM_VIEW: the view whose members match; FT_DIR: the view it lists */
    signed char arg_a;      /* slot feeding the view's a (-1: none) */
    signed char arg_b;      /* slot feeding the view's b (-1: none) */
    signed char bind;       /* FM_VIEW: slot the member's id is bound to (-1: none) */
    const char *suffix;     /* FM_VIEW: text after the slug in the name (".json") */
    enum depot_kind kind;   /* FT_OBJ, FT_DOC: the object's kind */
    unsigned mode;          /* permission bits (type bits added by getattr) */
    fs_gen_fn gen;          /* FT_GEN: renders the file */
};

#define FS_SLOTS 2
#define FS_NAME_MAX 255

/* A resolved path. */
struct fs_path {
    int node;                       /* row of the tree table */
    int64_t slot[FS_SLOTS];         /* bound ids: site, category, year, module, ... */
    enum depot_kind kind;           /* the object named by the last view component */
    int64_t id;                     /* its id (FT_OBJ, FT_ATTR, FT_LINK, FT_DOC) */
    int obj_node;                   /* FT_ATTR: the row of the object's directory */
    const depot_attr *attr;         /* FT_ATTR: the attribute */
    int attr_index;                 /* FT_ATTR: its index in the kind's table */
    char name[FS_NAME_MAX + 1];     /* the last component */
    int depth;                      /* number of components */
};

extern const struct fs_node fs_nodes[];
extern const int fs_node_count;

/* Resolves an absolute path.  Returns 0 and fills *p, or -ENOENT / -ENOTDIR
 * (a component under a file) / -ENAMETOOLONG / -errno of a depot failure. */
int fs_resolve(depot *d, const char *path, struct fs_path *p);

/* Resolves name within directory p; on success p becomes the child.
 * -ENOENT, -ENOTDIR, -ENAMETOOLONG or -errno of a depot failure. */
int fs_lookup_child(depot *d, struct fs_path *p, const char *name);

/* Rebuilds the path named by inode number ino (the inverse of fs_ino(),
 * see tree.c).  Returns 0, or -ENOENT if it names nothing (any more). */
int fs_from_ino(depot *d, ino_t ino, struct fs_path *p);

/* Appends the canonical absolute path of p ("/equipment/scba-000001/status"). */
int fs_path_string(depot *d, const struct fs_path *p, strbuf *out);

/* How long the kernel may cache p's name (entry) and attributes (attr). */
void fs_timeouts(const struct fs_path *p, double *entry, double *attr);

/* Is row a directory that exists once, whatever the data (the root,
 * stations/, equipment/, reports/ ...)?  Its inode is (row + 1) << 56. */
int fs_fixed_dir(int row);
/* Is p log/changes (0) or log/errors (1)?  -1: neither. */
int fs_log_kind(const struct fs_path *p);

/* A file's text, immutable and shared by reference (render.c). */
struct fs_text;
const char *fs_text_data(const struct fs_text *t);
size_t fs_text_len(const struct fs_text *t);
/* Lets go of a reference (NULL: nothing). */
void fs_text_put(struct fs_text *t);
/* fs_content() as a shared text (*out: a new reference, to put), but a
 * file whose attributes are never cached (summaries, reports,
 * documents) is served from its last rendering while nothing has changed
 * since, for at most a second.  Returns 0 or -errno (*out NULL). */
int fs_render_text(depot *d, const struct fs_path *p, struct fs_text **out);
/* Lets go of the renderings kept past their second. */
void fs_render_sweep(void);
/* log/changes (kind 0) and log/errors (1), never rendered whole: the size
 * of the log now, and bytes [off, off + len) of it as it was when it had
 * size bytes, appended to out.  Both return 0 or -errno. */
int fs_log_size(depot *d, int kind, uint64_t *size);
int fs_log_read(depot *d, int kind, uint64_t size, uint64_t off, size_t len, strbuf *out);
/* Lets go of the logs' maps (at exit). */
void fs_log_maps_free(void);
/* The monotonic clock in milliseconds (render.c; the caches' clock). */
int64_t fs_now_ms(void);
/* The invalidation generation (ll.c): odd while one runs, bumped around
 * each; and its value when the calling thread's request began. */
uint64_t fs_generation(void);
uint64_t fs_request_generation(void);

/* The tree row of inode ino (0: the root), without the database; -1 if it
 * is not one of the tree's inodes. */
int fs_ino_row(ino_t ino);
/* Is readdir offset off past every entry the tree can give a directory of
 * row whatever the data (only scratch files may follow)? */
int fs_list_past_end(int row, off_t off);

/* The tree row of the attribute files of objects of kind k (-1: none). */
int fs_attr_row(enum depot_kind k);
/* For object (k, id), calls fn with every directory of a view whose
 * entries the kernel keeps (fs_timeouts) that may list it, and its name
 * there: after a change to the object those entries are invalidated, in
 * whichever of them it was listed before.  prior: for an item, the vehicle
 * it was on before the change (0: none, or the same), whose load listed it. */
typedef void (*fs_view_entry_fn)(void *ctx, ino_t parent, const char *name);
int fs_view_entries(depot *d, enum depot_kind k, int64_t id, int64_t prior,
                    fs_view_entry_fn fn, void *ctx);
/* The inodes of the symlinks that stand for item or vehicle id in the
 * views whose entries the kernel keeps (station, category, year acquired,
 * year due, and an item's load): each is one whichever directory lists
 * it.  Returns how many (0 for other kinds). */
#define FS_VIEW_LINKS 5
size_t fs_view_link_inos(enum depot_kind k, int64_t id, ino_t ino[FS_VIEW_LINKS]);

/* Fills st for p (mode, ino, nlink, size, times, owner).  Generated and
 * attribute files are rendered to know their exact size.  Returns 0 or -errno. */
int fs_stat(depot *d, const struct fs_path *p, struct stat *st);

/* The inode number of p (computed from the path, see tree.c). */
ino_t fs_ino(const struct fs_path *p);

/* Renders the content of a file node (attribute, document, generated) into
 * out; for a symlink, its target.  Returns 0 or -errno. */
int fs_content(depot *d, const struct fs_path *p, strbuf *out);

/* Called for each directory entry by fs_list: return non-zero to stop. */
typedef int (*fs_entry_fn)(void *ctx, const char *name, const struct fs_path *child,
                           off_t next_offset);
/* Lists the entries of directory p after offset (0 to start), excluding "."
 * and "..".  Each entry carries the offset to resume after it.  Returns 0 or -errno. */
int fs_list(depot *d, const struct fs_path *p, off_t offset, fs_entry_fn fn, void *ctx);

/* The errno for a depot error code (the one place they are mapped). */
int fs_errno(int depot_err);

/* Owner, fixed "today" and other mount-wide settings, set by main.c. */
struct fs_config {
    uid_t uid;
    gid_t gid;
    int group_write;        /* -o group=NAME: writable files are group-writable */
    int readonly;           /* -o ro */
    int sync_normal;        /* -o sync=normal: no sync before the reply (else group commit) */
    const char *today;      /* -o today=YYYY-MM-DD, or NULL */
    const char *db_path;
    int64_t mount_ns;       /* when the mount started (times of fixed directories) */
    int foreground;         /* log to stderr (else syslog) */
    int uring;              /* take requests over io_uring when the kernel allows (-o uring=0: never) */
};
extern struct fs_config fs_config;

/* The depot connection of the calling thread (opened on first use). */
depot *fs_depot(void);

/* Logs one line (printf style, no newline) to stderr in the foreground,
 * to syslog when daemonized.  priority is a syslog LOG_* level. */
void fs_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* README text of the tree (fs/readme.c). */
int fs_readme(depot *d, const struct fs_path *p, strbuf *out);

#endif
