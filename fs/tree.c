/*
 * tree.c: the depot's directory tree, declared as data.
 *
 * fs_nodes[] is the whole tree of SPEC section 2, one row per path
 * pattern, like sysfs attribute groups: a row names its parent row, what it
 * is (directory, object directory, attribute file, symlink, document,
 * generated file) and how its name matches (a literal, a member of a core
 * view, an attribute of the parent object's kind, a report name).  Adding a
 * directory or file pattern is one row here; adding an attribute to every
 * object of a kind is one row in core/attrs.c.  Resolving a path walks the
 * rows; listing a directory enumerates its child rows.
 *
 * Slots: while a path is resolved, each view member may bind its id to one
 * of two slots (site, category, year, module...), which later rows pass to
 * their views as parameters a and b.
 *
 * Inode numbers.  Every path that is not a symlink gets a distinct inode
 * number that is stable for the life of its object, computed from the path
 * alone (no table to keep, nothing to forget):
 *
 *     ino = (row + 1) << 56 | key
 *
 * where key is, for an attribute file, attr_index << 48 | object id (for a
 * reserve line's files, attr_index << 48 | module << 28 | line); for a
 * directory bound to two slots (stations/<site>/equipment/<category>,
 * years/<year>/due/<category>, reserves/<module>/<line>), slot0 << 28 |
 * slot1; otherwise the one bound id (or 0 for a fixed directory).  Row
 * numbers are fixed by this table, ids are SQLite rowids that are never
 * reused (nothing is ever deleted), so the same path has the same inode for
 * as long as its object exists, across remounts.  Symlinks use row and
 * target id; two symlinks may share a number, which is allowed.  Limits:
 * object ids below 2^48, site, module and year ids below 2^28 (modules
 * below 2^20), categories and lines below 2^28.  The mapping is inverted by
 * fs_from_ino(), so the low-level front end (ll.c) needs no inode table.
 */
#include "fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Row indices, in the order of fs_nodes[]. */
enum {
    N_ROOT, N_README,
    N_STATIONS, N_SITE, N_SITE_ATTR, N_SITE_VEHICLES, N_SITE_VEHICLE,
    N_SITE_EQUIPMENT, N_SITE_CAT, N_SITE_ITEM,
    N_FLEET, N_VEHICLE, N_VEHICLE_ATTR, N_LOAD, N_LOAD_ITEM,
    N_EQUIPMENT, N_ITEM, N_ITEM_ATTR,
    N_CATEGORIES, N_CATEGORY, N_CATEGORY_ATTR, N_CATEGORY_ITEMS, N_CATEGORY_MEMBER,
    N_YEARS, N_YEAR, N_YEAR_PLAN,
    N_YEAR_ACQUIRED, N_YEAR_ACQ_CAT, N_YEAR_ACQ_MEMBER,
    N_YEAR_DUE, N_YEAR_DUE_CAT, N_YEAR_DUE_MEMBER,
    N_RESERVES, N_MODULE, N_MODULE_ATTR, N_LINE, N_LINE_ATTR,
    N_PLANS, N_PLAN, N_DELIVERIES, N_DELIVERY,
    N_REPORTS, N_REPORT, N_LOG, N_LOG_CHANGES, N_LOG_ERRORS,
    N_COUNT
};

static int gen_report(depot *d, const struct fs_path *p, strbuf *out)
{
    return depot_report(d, p->name, out);
}

static int gen_changes(depot *d, const struct fs_path *p, strbuf *out)
{
    (void)p;
    return depot_log_changes(d, out);
}

static int gen_errors(depot *d, const struct fs_path *p, strbuf *out)
{
    (void)p;
    return depot_log_errors(d, out);
}

#define DIR_(nm, par, md)  { nm, par, FT_DIR, FM_LITERAL, 0, -1, -1, -1, NULL, 0, md, NULL }
#define GEN_(nm, par, fn)  { nm, par, FT_GEN, FM_LITERAL, 0, -1, -1, -1, NULL, 0, 0444, fn }
#define ATTRS_(par)        { "<attribute>", par, FT_ATTR, FM_ATTR, 0, -1, -1, -1, NULL, 0, 0, NULL }
/* A member of view v (params from slots a, b) shown as its canonical directory. */
#define OBJ_(lbl, par, v, a, b, bnd, k) { lbl, par, FT_OBJ, FM_VIEW, v, a, b, bnd, NULL, k, 0755, NULL }
/* A member of view v shown as a symlink to its canonical place. */
#define LINK_(lbl, par, v, a, b)  { lbl, par, FT_LINK, FM_VIEW, v, a, b, -1, NULL, 0, 0777, NULL }
/* A member of view v shown as a plain directory (a year, a category under a year). */
#define VDIR_(lbl, par, v, bnd, k) { lbl, par, FT_DIR, FM_VIEW, v, -1, -1, bnd, NULL, k, 0555, NULL }

const struct fs_node fs_nodes[] = {
    [N_ROOT]            = DIR_("", -1, 0555),
    [N_README]          = GEN_("README", N_ROOT, fs_readme),

    [N_STATIONS]        = DIR_("stations", N_ROOT, 0555),
    [N_SITE]            = OBJ_("<site>", N_STATIONS, DV_SITES, -1, -1, 0, DK_SITE),
    [N_SITE_ATTR]       = ATTRS_(N_SITE),
    [N_SITE_VEHICLES]   = DIR_("vehicles", N_SITE, 0755),
    [N_SITE_VEHICLE]    = LINK_("<callsign>", N_SITE_VEHICLES, DV_SITE_VEHICLES, 0, -1),
    [N_SITE_EQUIPMENT]  = DIR_("equipment", N_SITE, 0555),
    [N_SITE_CAT]        = { "<category>", N_SITE_EQUIPMENT, FT_DIR, FM_VIEW, DV_EQUIPMENT_CATEGORIES,
                            -1, -1, 1, NULL, DK_CATEGORY, 0755, NULL },
    [N_SITE_ITEM]       = LINK_("<tag>", N_SITE_CAT, DV_SITE_ITEMS, 0, 1),

    [N_FLEET]           = DIR_("fleet", N_ROOT, 0555),
    [N_VEHICLE]         = OBJ_("<callsign>", N_FLEET, DV_FLEET, -1, -1, 0, DK_VEHICLE),
    [N_VEHICLE_ATTR]    = ATTRS_(N_VEHICLE),
    [N_LOAD]            = DIR_("load", N_VEHICLE, 0755),
    [N_LOAD_ITEM]       = LINK_("<tag>", N_LOAD, DV_LOAD, 0, -1),

    [N_EQUIPMENT]       = DIR_("equipment", N_ROOT, 0555),
    [N_ITEM]            = OBJ_("<tag>", N_EQUIPMENT, DV_ITEMS, -1, -1, 0, DK_ITEM),
    [N_ITEM_ATTR]       = ATTRS_(N_ITEM),

    [N_CATEGORIES]      = DIR_("categories", N_ROOT, 0555),
    [N_CATEGORY]        = OBJ_("<category>", N_CATEGORIES, DV_CATEGORIES, -1, -1, 0, DK_CATEGORY),
    [N_CATEGORY_ATTR]   = ATTRS_(N_CATEGORY),
    [N_CATEGORY_ITEMS]  = DIR_("items", N_CATEGORY, 0555),
    [N_CATEGORY_MEMBER] = LINK_("<tag-or-callsign>", N_CATEGORY_ITEMS, DV_CATEGORY_MEMBERS, 0, -1),

    [N_YEARS]           = DIR_("years", N_ROOT, 0555),
    [N_YEAR]            = VDIR_("<year>", N_YEARS, DV_YEARS, 0, DK_PLAN),
    [N_YEAR_PLAN]       = { "plan.json", N_YEAR, FT_LINK, FM_LITERAL, 0, -1, -1, -1, NULL, DK_PLAN, 0777, NULL },
    [N_YEAR_ACQUIRED]   = DIR_("acquired", N_YEAR, 0555),
    [N_YEAR_ACQ_CAT]    = VDIR_("<category>", N_YEAR_ACQUIRED, DV_CATEGORIES, 1, DK_CATEGORY),
    [N_YEAR_ACQ_MEMBER] = LINK_("<tag-or-callsign>", N_YEAR_ACQ_CAT, DV_YEAR_ACQUIRED, 0, 1),
    [N_YEAR_DUE]        = DIR_("due", N_YEAR, 0555),
    [N_YEAR_DUE_CAT]    = VDIR_("<category>", N_YEAR_DUE, DV_CATEGORIES, 1, DK_CATEGORY),
    [N_YEAR_DUE_MEMBER] = LINK_("<tag-or-callsign>", N_YEAR_DUE_CAT, DV_YEAR_DUE, 0, 1),

    [N_RESERVES]        = DIR_("reserves", N_ROOT, 0555),
    [N_MODULE]          = OBJ_("<module>", N_RESERVES, DV_MODULES, -1, -1, 0, DK_MODULE),
    [N_MODULE_ATTR]     = ATTRS_(N_MODULE),
    [N_LINE]            = OBJ_("<line>", N_MODULE, DV_LINES, 0, -1, 1, DK_LINE),
    [N_LINE_ATTR]       = ATTRS_(N_LINE),

    [N_PLANS]           = DIR_("plans", N_ROOT, 0755),
    [N_PLAN]            = { "<year>.json", N_PLANS, FT_DOC, FM_VIEW, DV_PLANS, -1, -1, -1, ".json",
                            DK_PLAN, 0644, NULL },
    [N_DELIVERIES]      = DIR_("deliveries", N_ROOT, 0755),
    [N_DELIVERY]        = { "<note>.json", N_DELIVERIES, FT_DOC, FM_VIEW, DV_DELIVERIES, -1, -1, -1,
                            ".json", DK_DELIVERY, 0444, NULL },

    [N_REPORTS]         = DIR_("reports", N_ROOT, 0555),
    [N_REPORT]          = { "<report>", N_REPORTS, FT_GEN, FM_REPORT, 0, -1, -1, -1, NULL, 0, 0444,
                            gen_report },
    [N_LOG]             = DIR_("log", N_ROOT, 0555),
    [N_LOG_CHANGES]     = GEN_("changes", N_LOG, gen_changes),
    [N_LOG_ERRORS]      = GEN_("errors", N_LOG, gen_errors),
};

const int fs_node_count = N_COUNT;

_Static_assert(sizeof fs_nodes / sizeof fs_nodes[0] == N_COUNT, "one row per node");

/* The view parameter a slot feeds, or 0 when the row names none. */
static int64_t slot_arg(const struct fs_path *p, int slot)
{
    return slot >= 0 ? p->slot[slot] : 0;
}

/* Does years/<year>/plan.json exist (a plan for that year)? */
static int year_has_plan(depot *d, int64_t year)
{
    char y[16];
    int64_t id;
    snprintf(y, sizeof y, "%lld", (long long)year);
    return depot_lookup(d, DK_PLAN, 0, y, &id) == DEPOT_OK;
}

/* Splits a view member's file name into its slug: checks and strips the
 * row's suffix.  Returns 0, or -1 if the name cannot be a member. */
static int member_slug(const struct fs_node *n, const char *name, char *slug, size_t size)
{
    size_t len = strlen(name), sl = n->suffix ? strlen(n->suffix) : 0;
    if (len <= sl || len - sl >= size)
        return -1;
    if (sl && strcmp(name + len - sl, n->suffix))
        return -1;
    memcpy(slug, name, len - sl);
    slug[len - sl] = '\0';
    return 0;
}

/* Matches one component against the child rows of p->node; updates p. */
static int resolve_child(depot *d, struct fs_path *p, const char *name)
{
    int parent = p->node;
    for (int i = 0; i < N_COUNT; i++) {
        const struct fs_node *n = &fs_nodes[i];
        if (n->parent != parent)
            continue;
        switch (n->match) {
        case FM_LITERAL:
            if (strcmp(n->name, name))
                continue;
            if (i == N_YEAR_PLAN) {
                if (!year_has_plan(d, p->slot[0]))
                    return -ENOENT;
                p->kind = DK_PLAN;
                p->id = p->slot[0];
            }
            p->node = i;
            return 0;
        case FM_ATTR: {
            size_t na;
            const depot_attr *attrs = depot_attrs(p->kind, &na);
            for (size_t k = 0; k < na; k++) {
                if (!strcmp(attrs[k].name, name)) {
                    p->obj_node = parent;
                    p->attr = &attrs[k];
                    p->attr_index = (int)k;
                    p->node = i;
                    return 0;
                }
            }
            continue;
        }
        case FM_REPORT:
            for (const char *const *r = depot_report_names(); *r; r++) {
                if (!strcmp(*r, name)) {
                    p->id = r - depot_report_names();
                    p->node = i;
                    return 0;
                }
            }
            continue;
        case FM_VIEW: {
            char slug[FS_NAME_MAX + 1];
            enum depot_kind kind;
            int64_t id;
            if (member_slug(n, name, slug, sizeof slug) < 0)
                continue;
            int rc = depot_member(d, n->view, slot_arg(p, n->arg_a), slot_arg(p, n->arg_b),
                                  slug, &kind, &id);
            if (rc == DEPOT_ENOENT)
                continue;
            if (rc)
                return -fs_errno(rc);
            if (n->bind >= 0)
                p->slot[n->bind] = id;
            p->kind = kind;
            p->id = id;
            p->node = i;
            return 0;
        }
        }
    }
    return -ENOENT;
}

int fs_lookup_child(depot *d, struct fs_path *p, const char *name)
{
    size_t len = strlen(name);
    enum fs_type t = fs_nodes[p->node].type;
    if (len > FS_NAME_MAX)
        return -ENAMETOOLONG;
    if (t != FT_DIR && t != FT_OBJ)
        return -ENOTDIR;
    if (!strcmp(name, ".") || !strcmp(name, "..") || len == 0)
        return -ENOENT;
    struct fs_path c = *p;
    int rc = resolve_child(d, &c, name);
    if (rc)
        return rc;
    memcpy(c.name, name, len + 1);
    c.depth = p->depth + 1;
    *p = c;
    return 0;
}

int fs_resolve(depot *d, const char *path, struct fs_path *p)
{
    memset(p, 0, sizeof *p);
    p->node = N_ROOT;
    if (path[0] != '/')
        return -ENOENT;
    const char *s = path;
    while (*s) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        size_t len = strcspn(s, "/");
        if (len > FS_NAME_MAX)
            return -ENAMETOOLONG;
        enum fs_type t = fs_nodes[p->node].type;
        if (t != FT_DIR && t != FT_OBJ)
            return -ENOTDIR;
        memcpy(p->name, s, len);
        p->name[len] = '\0';
        int rc = resolve_child(d, p, p->name);
        if (rc)
            return rc;
        p->depth++;
        s += len;
    }
    return 0;
}

/* The symlink target of p: "../" up to the root, then the canonical place. */
static void link_target(const struct fs_path *p, strbuf *out)
{
    for (int i = 1; i < p->depth; i++)
        strbuf_addstr(out, "../");
    const char *name = p->name;
    switch (p->kind) {
    case DK_VEHICLE: strbuf_addf(out, "fleet/%s", name); break;
    case DK_ITEM:    strbuf_addf(out, "equipment/%s", name); break;
    case DK_PLAN:    strbuf_addf(out, "plans/%lld.json", (long long)p->id); break;
    default:         strbuf_addstr(out, name); break;
    }
}

int fs_content(depot *d, const struct fs_path *p, strbuf *out)
{
    const struct fs_node *n = &fs_nodes[p->node];
    int rc;
    switch (n->type) {
    case FT_ATTR:
        rc = p->attr->show(d, p->id, out);
        break;
    case FT_DOC:
        rc = p->kind == DK_PLAN ? depot_plan_show(d, (int)p->id, out)
                                : depot_delivery_show(d, p->id, out);
        break;
    case FT_GEN:
        rc = n->gen(d, p, out);
        break;
    case FT_LINK:
        link_target(p, out);
        return 0;
    default:
        return -EISDIR;
    }
    return rc ? -fs_errno(rc) : 0;
}

/* The highest slot bound by row or its ancestors (-1: none). */
static int row_slots(int row)
{
    int top = -1;
    for (; row >= 0; row = fs_nodes[row].parent)
        if (fs_nodes[row].match == FM_VIEW && fs_nodes[row].bind > top)
            top = fs_nodes[row].bind;
    return top;
}

/* The number of components of a path of this row. */
static int row_depth(int row)
{
    int depth = 0;
    for (; fs_nodes[row].parent >= 0; row = fs_nodes[row].parent)
        depth++;
    return depth;
}

#define KEY_MASK        ((UINT64_C(1) << 56) - 1)
#define ID_MASK         ((UINT64_C(1) << 48) - 1)
#define SLOT1_MASK      ((UINT64_C(1) << 28) - 1)
#define LINK_VEHICLE    (UINT64_C(1) << 55)

ino_t fs_ino(const struct fs_path *p)
{
    const struct fs_node *n = &fs_nodes[p->node];
    uint64_t key;
    if (p->node == N_ROOT)
        return 1;       /* FUSE_ROOT_ID */
    if (n->type == FT_ATTR && row_slots(n->parent) == 1)   /* a line: module and line */
        key = (uint64_t)p->attr_index << 48
            | (((uint64_t)p->slot[0] << 28 | ((uint64_t)p->slot[1] & SLOT1_MASK)) & ID_MASK);
    else if (n->type == FT_ATTR)
        key = (uint64_t)p->attr_index << 48 | ((uint64_t)p->id & ID_MASK);
    else if (n->type == FT_LINK)
        key = (uint64_t)p->id | (p->kind == DK_VEHICLE ? LINK_VEHICLE : 0);
    else if (n->type == FT_DOC || n->match == FM_REPORT)
        key = (uint64_t)p->id;
    else if (row_slots(p->node) == 1)
        key = (uint64_t)p->slot[0] << 28 | ((uint64_t)p->slot[1] & SLOT1_MASK);
    else
        key = (uint64_t)p->slot[0];
    return (ino_t)((uint64_t)(p->node + 1) << 56 | (key & KEY_MASK));
}

/* Appends the slug of object (k, id), or the year for DK_PLAN rows. */
static int add_slug(depot *d, enum depot_kind k, int64_t id, strbuf *out)
{
    if (k == DK_PLAN) {
        strbuf_addf(out, "%lld", (long long)id);
        return 0;
    }
    int rc = depot_slug(d, k, id, out);
    return rc ? -fs_errno(rc) : 0;
}

int fs_from_ino(depot *d, ino_t ino, struct fs_path *p)
{
    memset(p, 0, sizeof *p);
    if (ino == 1)
        return 0;       /* the root, N_ROOT */
    uint64_t row = (uint64_t)ino >> 56, key = (uint64_t)ino & KEY_MASK;
    if (row < 1 || row > N_COUNT)
        return -ENOENT;
    const struct fs_node *n = &fs_nodes[row - 1];
    strbuf name = STRBUF_INIT;
    int rc = 0;
    p->node = (int)row - 1;
    p->depth = row_depth(p->node);
    switch (n->type) {
    case FT_ATTR: {
        size_t na;
        const depot_attr *attrs;
        p->kind = fs_nodes[n->parent].kind;
        p->id = (int64_t)(key & ID_MASK);
        if (row_slots(n->parent) == 1) {
            p->slot[0] = p->id >> 28;
            p->id &= (int64_t)SLOT1_MASK;
        }
        p->obj_node = n->parent;
        attrs = depot_attrs(p->kind, &na);
        p->attr_index = (int)(key >> 48);
        if ((size_t)p->attr_index >= na)
            return -ENOENT;
        p->attr = &attrs[p->attr_index];
        if (fs_nodes[n->parent].bind >= 0)
            p->slot[fs_nodes[n->parent].bind] = p->id;
        /* Whether the object exists is known when its value is shown. */
        strbuf_addstr(&name, p->attr->name);
        break;
    }
    case FT_LINK:
        p->id = (int64_t)(key & ~LINK_VEHICLE);
        if (p->node == N_YEAR_PLAN) {
            p->kind = DK_PLAN;
            p->slot[0] = p->id;
            strbuf_addstr(&name, n->name);
            if (!year_has_plan(d, p->id))
                rc = -ENOENT;
            break;
        }
        if (n->view == DV_SITE_VEHICLES)
            p->kind = DK_VEHICLE;
        else if (n->view == DV_SITE_ITEMS || n->view == DV_LOAD)
            p->kind = DK_ITEM;
        else
            p->kind = key & LINK_VEHICLE ? DK_VEHICLE : DK_ITEM;
        rc = add_slug(d, p->kind, p->id, &name);
        break;
    case FT_DOC:
        p->id = (int64_t)key;
        p->kind = n->kind;
        rc = add_slug(d, p->kind, p->id, &name);
        strbuf_addstr(&name, n->suffix);
        break;
    case FT_GEN:
        if (n->match == FM_REPORT) {
            const char *const *names = depot_report_names();
            int64_t count = 0;
            while (names[count])
                count++;
            if ((int64_t)key >= count)
                return -ENOENT;
            p->id = (int64_t)key;
            strbuf_addstr(&name, names[key]);
        } else {
            strbuf_addstr(&name, n->name);
        }
        break;
    case FT_DIR:
    case FT_OBJ:
        if (row_slots(p->node) == 1) {
            p->slot[0] = (int64_t)(key >> 28);
            p->slot[1] = (int64_t)(key & SLOT1_MASK);
        } else {
            p->slot[0] = (int64_t)key;
        }
        if (n->match == FM_VIEW) {
            p->kind = n->kind;
            p->id = p->slot[n->bind];
            rc = add_slug(d, p->kind, p->id, &name);
        } else {
            strbuf_addstr(&name, n->name);
        }
        break;
    }
    if (rc == 0 && name.len > FS_NAME_MAX)
        rc = -ENAMETOOLONG;
    if (rc == 0)
        memcpy(p->name, strbuf_str(&name), name.len + 1);
    strbuf_release(&name);
    return rc;
}

int fs_path_string(depot *d, const struct fs_path *p, strbuf *out)
{
    int chain[16], n = 0;
    for (int row = p->node; row > 0 && n < 16; row = fs_nodes[row].parent)
        chain[n++] = row;
    if (n == 0) {
        strbuf_addch(out, '/');
        return 0;
    }
    for (int i = n - 1; i > 0; i--) {
        const struct fs_node *r = &fs_nodes[chain[i]];
        strbuf_addch(out, '/');
        if (r->match == FM_LITERAL) {
            strbuf_addstr(out, r->name);
        } else {
            int rc = add_slug(d, r->kind, p->slot[r->bind], out);
            if (rc)
                return rc;
        }
    }
    strbuf_addch(out, '/');
    strbuf_addstr(out, p->name);
    return 0;
}

/* Kernel cache lifetimes (see the comment on caching in ll.c). */
#define FS_LONG_TIMEOUT 86400.0

void fs_timeouts(const struct fs_path *p, double *entry, double *attr)
{
    const struct fs_node *n = &fs_nodes[p->node];
    *entry = FS_LONG_TIMEOUT;
    *attr = 0;
    switch (n->type) {
    case FT_ATTR:
        if (!(p->attr->flags & DEPOT_ATTR_VOLATILE))
            *attr = FS_LONG_TIMEOUT;
        break;
    case FT_OBJ:
        *attr = FS_LONG_TIMEOUT;
        break;
    case FT_LINK:
        /* The views whose members change only with the member itself (a
         * station's equipment and vehicles: a transfer, a retirement; a
         * category's items: a retirement; a vehicle's load: a move, a
         * retirement) or with everything at once (a year's acquired and
         * due: a category's service life, another process): entries and
         * attributes kept for a day.  After a change to an item or a
         * vehicle, its name is invalidated in every view that may list it
         * (fs_view_entries) and so are its symlinks' inodes
         * (fs_view_link_inos).  A year's plan.json is looked up each time:
         * its mtime is the depot's last change. */
        if (p->node == N_YEAR_PLAN)
            *entry = 0;
        else
            *attr = FS_LONG_TIMEOUT;
        break;
    case FT_DIR:
        /* A year's entry is kept too: the span of years only grows with
         * deliveries and plans, and moves otherwise only with a category's
         * service life or another process, which invalidate everything. */
        if (fs_fixed_dir(p->node))
            *attr = FS_LONG_TIMEOUT;    /* invalidated after every change (ll.c) */
        break;
    case FT_DOC:
    case FT_GEN:
        break;
    }
}

static int collect_site(void *ctx, const char *name, enum depot_kind kind, int64_t id)
{
    (void)name;
    (void)kind;
    struct { int64_t id[64]; size_t n; } *sites = ctx;
    sites->id[sites->n++] = id;
    return sites->n == sizeof sites->id / sizeof sites->id[0];
}

/* The id of the object attribute attr of (k, id) names (0 for "none"). */
static int show_id(depot *d, enum depot_kind k, int64_t id, const char *attr,
                   enum depot_kind of, int64_t *out)
{
    strbuf v = STRBUF_INIT;
    int rc = depot_show(d, k, id, attr, &v);
    while (rc == 0 && v.len && v.buf[v.len - 1] == '\n')
        v.buf[--v.len] = '\0';
    *out = 0;
    if (rc == 0 && strcmp(strbuf_str(&v), "none"))
        rc = depot_lookup(d, of, 0, strbuf_str(&v), out);
    strbuf_release(&v);
    return rc;
}

int fs_view_entries(depot *d, enum depot_kind k, int64_t id, int64_t prior,
                    fs_view_entry_fn fn, void *ctx)
{
    if (k != DK_ITEM && k != DK_VEHICLE)
        return 0;
    strbuf name = STRBUF_INIT;
    int64_t cat_id = 0, vehicle_id = 0;
    int rc = depot_slug(d, k, id, &name);
    if (rc == 0)
        rc = show_id(d, k, id, k == DK_ITEM ? "category" : "type", DK_CATEGORY, &cat_id);
    if (rc == 0 && k == DK_ITEM)
        rc = show_id(d, k, id, "vehicle", DK_VEHICLE, &vehicle_id);
    struct fs_path p;
    /* fleet/<callsign>/load/<tag>: the vehicle it is on, and the one it was on */
    const int64_t loads[2] = { vehicle_id, prior != vehicle_id ? prior : 0 };
    memset(&p, 0, sizeof p);
    p.node = N_LOAD;
    for (int i = 0; rc == 0 && i < 2; i++) {
        if ((p.slot[0] = loads[i]) != 0)
            fn(ctx, fs_ino(&p), strbuf_str(&name));
    }
    /* categories/<category>/items/<name> */
    memset(&p, 0, sizeof p);
    p.node = N_CATEGORY_ITEMS;
    p.slot[0] = cat_id;
    if (rc == 0)
        fn(ctx, fs_ino(&p), strbuf_str(&name));
    /* stations/<site>/equipment/<category>/<tag>, stations/<site>/vehicles/<callsign> */
    memset(&p, 0, sizeof p);
    p.node = k == DK_ITEM ? N_SITE_CAT : N_SITE_VEHICLES;
    p.slot[1] = k == DK_ITEM ? cat_id : 0;
    struct { int64_t id[64]; size_t n; } sites;
    int64_t after = 0;
    do {
        sites.n = 0;
        if (rc == 0)
            rc = depot_list(d, DV_SITES, 0, 0, after, collect_site, &sites);
        for (size_t i = 0; rc == 0 && i < sites.n; i++) {
            p.slot[0] = after = sites.id[i];
            fn(ctx, fs_ino(&p), strbuf_str(&name));
        }
    } while (rc == 0 && sites.n == sizeof sites.id / sizeof sites.id[0]);
    strbuf_release(&name);
    return rc ? -fs_errno(rc) : 0;
}

size_t fs_view_link_inos(enum depot_kind k, int64_t id, ino_t ino[FS_VIEW_LINKS])
{
    static const int item_rows[] = {
        N_SITE_ITEM, N_CATEGORY_MEMBER, N_YEAR_ACQ_MEMBER, N_YEAR_DUE_MEMBER, N_LOAD_ITEM };
    static const int vehicle_rows[] = {
        N_SITE_VEHICLE, N_CATEGORY_MEMBER, N_YEAR_ACQ_MEMBER, N_YEAR_DUE_MEMBER };
    _Static_assert(sizeof item_rows / sizeof item_rows[0] <= FS_VIEW_LINKS, "FS_VIEW_LINKS");
    size_t n = k == DK_ITEM ? sizeof item_rows / sizeof item_rows[0]
             : k == DK_VEHICLE ? sizeof vehicle_rows / sizeof vehicle_rows[0] : 0;
    struct fs_path p;
    memset(&p, 0, sizeof p);
    p.kind = k;
    p.id = id;
    for (size_t i = 0; i < n; i++) {
        p.node = k == DK_ITEM ? item_rows[i] : vehicle_rows[i];
        ino[i] = fs_ino(&p);
    }
    return n;
}

int fs_log_kind(const struct fs_path *p)
{
    return p->node == N_LOG_CHANGES ? 0 : p->node == N_LOG_ERRORS ? 1 : -1;
}

int fs_fixed_dir(int row)
{
    return fs_nodes[row].type == FT_DIR && fs_nodes[row].match == FM_LITERAL
        && row_slots(row) < 0;
}

int fs_attr_row(enum depot_kind k)
{
    for (int i = 0; i < N_COUNT; i++)
        if (fs_nodes[i].type == FT_ATTR && fs_nodes[fs_nodes[i].parent].kind == k
            && fs_nodes[fs_nodes[i].parent].type == FT_OBJ)
            return i;
    return -1;
}

/* Link count of a directory row: 2 + its subdirectories when they are a
 * fixed set; 1 ("not counted", as btrfs reports) when they are a view's
 * members, which would take a query over the whole view to count. */
static nlink_t dir_nlink(int node)
{
    nlink_t n = 2;
    for (int i = 0; i < N_COUNT; i++) {
        const struct fs_node *c = &fs_nodes[i];
        if (c->parent != node || (c->type != FT_DIR && c->type != FT_OBJ))
            continue;
        if (c->match == FM_VIEW)
            return 1;
        n++;
    }
    return n;
}

static void ns_to_timespec(int64_t ns, struct timespec *ts)
{
    ts->tv_sec = (time_t)(ns / 1000000000);
    ts->tv_nsec = (long)(ns % 1000000000);
}

int fs_stat(depot *d, const struct fs_path *p, struct stat *st)
{
    const struct fs_node *n = &fs_nodes[p->node];
    int64_t mtime = 0;
    int rc = DEPOT_OK;
    memset(st, 0, sizeof *st);
    st->st_uid = fs_config.uid;
    st->st_gid = fs_config.gid;
    st->st_ino = fs_ino(p);
    st->st_blksize = 4096;
    switch (n->type) {
    case FT_DIR:
    case FT_OBJ:
        st->st_mode = S_IFDIR | n->mode;
        st->st_nlink = dir_nlink(p->node);
        if (n->type == FT_OBJ)
            rc = depot_mtime(d, p->kind, p->id, NULL, &mtime);
        else
            rc = depot_last_change(d, &mtime);
        break;
    case FT_LINK: {
        strbuf t = STRBUF_INIT;
        link_target(p, &t);
        st->st_mode = S_IFLNK | 0777;
        st->st_nlink = 1;
        st->st_size = (off_t)t.len;
        strbuf_release(&t);
        rc = p->kind == DK_PLAN ? depot_last_change(d, &mtime)
                                : depot_mtime(d, p->kind, p->id, NULL, &mtime);
        break;
    }
    case FT_ATTR:
    case FT_DOC:
    case FT_GEN: {
        int r;
        if (fs_log_kind(p) >= 0) {
            uint64_t size;
            if ((r = fs_log_size(d, fs_log_kind(p), &size)))
                return r;
            st->st_size = (off_t)size;
        } else {
            struct fs_text *t;
            if ((r = fs_render_text(d, p, &t)))
                return r;
            st->st_size = (off_t)fs_text_len(t);
            fs_text_put(t);
        }
        unsigned mode = n->type == FT_ATTR ? p->attr->mode : n->mode;
        if (fs_config.group_write && (mode & 0200))
            mode |= 0020;
        if (fs_config.readonly)
            mode &= ~0222u;
        st->st_mode = S_IFREG | mode;
        st->st_nlink = 1;
        if (n->type == FT_ATTR && !(p->attr->flags & DEPOT_ATTR_OBJECT))
            rc = depot_mtime(d, p->kind, p->id, p->attr->name, &mtime);
        else if (n->type == FT_ATTR)
            rc = depot_mtime(d, p->kind, p->id, NULL, &mtime);
        else
            rc = depot_last_change(d, &mtime);
        break;
    }
    }
    if (rc)
        return -fs_errno(rc);
    if (fs_config.readonly && (st->st_mode & S_IFMT) == S_IFDIR)
        st->st_mode &= ~0222u;
    if (mtime == 0)
        mtime = fs_config.mount_ns;
    st->st_blocks = (st->st_size + 511) / 512;
    ns_to_timespec(mtime, &st->st_mtim);
    st->st_ctim = st->st_mtim;
    st->st_atim = st->st_mtim;
    return 0;
}

/* ---- listing ---- */

#define OFF_ROW_SHIFT 40
#define OFF(row, sub) ((off_t)(row) << OFF_ROW_SHIFT | (off_t)(sub))

struct list_ctx {
    const struct fs_path *dir;
    const struct fs_node *row;
    int row_index;
    fs_entry_fn fn;
    void *ctx;
    int stopped;
};

/* Emits one member of a view row. */
static int list_member(void *vctx, const char *name, enum depot_kind kind, int64_t id)
{
    struct list_ctx *c = vctx;
    struct fs_path child = *c->dir;
    char fname[FS_NAME_MAX + 1];
    snprintf(fname, sizeof fname, "%s%s", name, c->row->suffix ? c->row->suffix : "");
    child.node = c->row_index;
    child.kind = kind;
    child.id = id;
    child.depth = c->dir->depth + 1;
    snprintf(child.name, sizeof child.name, "%s", fname);
    if (c->row->bind >= 0)
        child.slot[c->row->bind] = id;
    if (c->fn(c->ctx, fname, &child, OFF(c->row_index, id + 1))) {
        c->stopped = 1;
        return 1;
    }
    return 0;
}

int fs_ino_row(ino_t ino)
{
    if (ino == 1)
        return N_ROOT;
    uint64_t row = (uint64_t)ino >> 56;
    return row >= 1 && row <= N_COUNT ? (int)row - 1 : -1;
}

int fs_list_past_end(int row, off_t off)
{
    int start_row = (int)(off >> OFF_ROW_SHIFT);
    int64_t start_sub = off & ((OFF(1, 0)) - 1);
    if (row < 0 || row >= N_COUNT || (fs_nodes[row].type != FT_DIR && fs_nodes[row].type != FT_OBJ))
        return 0;
    for (int i = start_row; i < N_COUNT; i++) {
        const struct fs_node *n = &fs_nodes[i];
        int64_t from = i == start_row ? start_sub : 0;
        if (n->parent != row)
            continue;
        if (n->match == FM_LITERAL && from == 0)
            return 0;
        if (n->match == FM_ATTR) {
            size_t na;
            depot_attrs(fs_nodes[row].kind, &na);
            if ((size_t)from < na)
                return 0;
        }
        if (n->match != FM_LITERAL && n->match != FM_ATTR)
            return 0;       /* views and reports: the data decides */
    }
    return 1;
}

int fs_list(depot *d, const struct fs_path *p, off_t offset, fs_entry_fn fn, void *ctx)
{
    int start_row = (int)(offset >> OFF_ROW_SHIFT);
    int64_t start_sub = offset & ((OFF(1, 0)) - 1);
    enum fs_type t = fs_nodes[p->node].type;
    if (t != FT_DIR && t != FT_OBJ)
        return -ENOTDIR;
    for (int i = start_row; i < N_COUNT; i++) {
        const struct fs_node *n = &fs_nodes[i];
        int64_t from = i == start_row ? start_sub : 0;
        if (n->parent != p->node)
            continue;
        struct fs_path child = *p;
        child.node = i;
        child.depth = p->depth + 1;
        switch (n->match) {
        case FM_LITERAL:
            if (from > 0)
                continue;
            if (i == N_YEAR_PLAN) {
                if (!year_has_plan(d, p->slot[0]))
                    continue;
                child.kind = DK_PLAN;
                child.id = p->slot[0];
            }
            snprintf(child.name, sizeof child.name, "%s", n->name);
            if (fn(ctx, n->name, &child, OFF(i, 1)))
                return 0;
            break;
        case FM_ATTR: {
            size_t na;
            const depot_attr *attrs = depot_attrs(p->kind, &na);
            for (size_t k = (size_t)from; k < na; k++) {
                child.obj_node = p->node;
                child.attr = &attrs[k];
                child.attr_index = (int)k;
                snprintf(child.name, sizeof child.name, "%s", attrs[k].name);
                if (fn(ctx, attrs[k].name, &child, OFF(i, k + 1)))
                    return 0;
            }
            break;
        }
        case FM_REPORT: {
            const char *const *names = depot_report_names();
            for (int64_t k = from; names[k]; k++) {
                snprintf(child.name, sizeof child.name, "%s", names[k]);
                child.id = k;
                if (fn(ctx, names[k], &child, OFF(i, k + 1)))
                    return 0;
            }
            break;
        }
        case FM_VIEW: {
            struct list_ctx c = { p, n, i, fn, ctx, 0 };
            /* Offsets of members are id + 1, so resume after id = from - 1. */
            int rc = depot_list(d, n->view, slot_arg(p, n->arg_a), slot_arg(p, n->arg_b),
                                from > 0 ? from - 1 : 0, list_member, &c);
            if (rc)
                return -fs_errno(rc);
            if (c.stopped)
                return 0;
            break;
        }
        }
    }
    return 0;
}
