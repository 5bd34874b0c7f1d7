/* unit-path-index.c — the names each search directory holds, read once.
 *
 * Loading one unit asks every search directory for its name, its drop-in
 * directories ("NAME.d", "TEMPLATE.d", "PREFIX-.service.d", "service.d")
 * and its ".wants"/".requires": some seventy lookups that almost all fail.
 * For a per-connection instance that is the whole cost of finding a
 * template read seconds ago. The index lists the top level of every search
 * directory once, so a name the index lacks costs a binary search instead
 * of a path walk. A regular file directly in a search directory (a unit's
 * fragment, typically a template) is also kept once read, on its entry
 * (1 MiB in all); drop-ins and directories are read from disk each time.
 *
 * It goes stale when an entry appears in or leaves a search directory (a
 * new unit file, a new drop-in directory, a mask) or a file in one is
 * written: an inotify watch on each directory (on the nearest existing
 * parent of one that does not exist) records that, and the owner asks
 * unit_path_index_is_stale() before it
 * loads, which is one read(2) that usually says EAGAIN. The kernel queues
 * the event inside the write that changed the directory, so a client that
 * writes a unit file and then asks for it is always seen. Without inotify
 * there is no index and every lookup goes to the disk, as before. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/strv.h"
#include "unit-internal.h"

typedef struct IndexedName {
        char *name;
        unsigned char type; /* DT_REG, DT_LNK, DT_DIR, ... (DT_UNKNOWN: ask the disk) */
        char *data;         /* a regular file's text once read, NUL-terminated; NULL before */
        size_t size;
} IndexedName;

typedef struct IndexedDir {
        char *path;
        IndexedName *names; /* sorted by name; none when the directory does not exist */
        size_t n;
        bool unknown;       /* could not be read (EACCES, EMFILE, ...): ask the disk */
} IndexedDir;

/* What a watch stands for: a search directory (child NULL: any change
 * counts), or the nearest existing parent of one that does not exist yet
 * (only child appearing counts, so files coming and going in /run do not
 * make the index stale). */
typedef struct WatchRole {
        int wd;
        char *child;
} WatchRole;

#define CACHED_BYTES_MAX (1024U * 1024U)

struct UnitPathIndex {
        IndexedDir *dirs; /* one per search directory, same order */
        size_t n_dirs;
        WatchRole *roles;
        size_t n_roles;
        size_t cached_bytes; /* of IndexedName.data, at most CACHED_BYTES_MAX */
        int inotify_fd; /* owned */
};

#define DIR_EVENTS                                                                                     \
        (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_MODIFY | \
         IN_CLOSE_WRITE)
#define PARENT_EVENTS (IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)

UnitPathIndex *unit_path_index_free(UnitPathIndex *idx) {
        if (!idx)
                return NULL;
        for (size_t i = 0; i < idx->n_dirs; i++) {
                free(idx->dirs[i].path);
                for (size_t j = 0; j < idx->dirs[i].n; j++) {
                        free(idx->dirs[i].names[j].name);
                        free(idx->dirs[i].names[j].data);
                }
                free(idx->dirs[i].names);
        }
        free(idx->dirs);
        for (size_t i = 0; i < idx->n_roles; i++)
                free(idx->roles[i].child);
        free(idx->roles);
        safe_close(idx->inotify_fd);
        free(idx);
        return NULL;
}

static int compare_names(const void *a, const void *b) {
        return strcmp(((const IndexedName *) a)->name, ((const IndexedName *) b)->name);
}

/* Reads the names in d->path; a directory that is not there stays empty,
 * one that cannot be read is unknown. */
static int indexed_dir_read(IndexedDir *d) {
        DIR *dir = opendir(d->path);
        if (!dir) {
                d->unknown = errno != ENOENT && errno != ENOTDIR;
                return 0;
        }
        size_t cap = 0;
        int r = 0;
        struct dirent *de;
        for (;;) {
                errno = 0;
                if (r < 0 || !(de = readdir(dir))) {
                        d->unknown = r >= 0 && errno != 0;
                        break;
                }
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (d->n == cap) {
                        size_t ncap = cap ? cap * 2 : 16;
                        IndexedName *nn = realloc(d->names, ncap * sizeof(IndexedName));
                        if (!nn) {
                                r = -ENOMEM;
                                break;
                        }
                        d->names = nn;
                        cap = ncap;
                }
                d->names[d->n] = (IndexedName) { .name = strdup(de->d_name), .type = de->d_type };
                if (!d->names[d->n].name)
                        r = -ENOMEM;
                else
                        d->n++;
        }
        closedir(dir);
        if (r >= 0 && d->n > 1)
                qsort(d->names, d->n, sizeof(IndexedName), compare_names);
        return r;
}

static int add_role(UnitPathIndex *idx, int wd, const char *child) {
        WatchRole *n = realloc(idx->roles, sizeof(WatchRole) * (idx->n_roles + 1));
        if (!n)
                return -ENOMEM;
        idx->roles = n;
        idx->roles[idx->n_roles] = (WatchRole) { .wd = wd, .child = child ? strdup(child) : NULL };
        if (child && !idx->roles[idx->n_roles].child)
                return -ENOMEM;
        idx->n_roles++;
        return 0;
}

/* Watches path, or its nearest existing parent for the next component
 * towards path to appear. */
static int watch_dir(UnitPathIndex *idx, const char *path) {
        char p[PATH_MAX], child[NAME_MAX + 1] = "";
        if (snprintf(p, sizeof p, "%s", path) >= (int) sizeof p)
                return -ENAMETOOLONG;
        uint32_t mask = DIR_EVENTS;
        for (;;) {
                int wd = inotify_add_watch(idx->inotify_fd, p, mask | IN_ONLYDIR | IN_MASK_ADD);
                if (wd >= 0)
                        return add_role(idx, wd, *child ? child : NULL);
                if (errno != ENOENT && errno != ENOTDIR)
                        return -errno;
                char *slash = strrchr(p, '/');
                if (!slash || streq(p, "/"))
                        return -ENOENT;
                snprintf(child, sizeof child, "%s", slash + 1);
                slash[slash == p] = 0; /* "/a" -> "/" */
                mask = PARENT_EVENTS;
        }
}

int unit_path_index_new(char **search_path, UnitPathIndex **ret) {
        UnitPathIndex *idx = calloc(1, sizeof(UnitPathIndex));
        if (!idx)
                return -ENOMEM;
        idx->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        int r = idx->inotify_fd < 0 ? -errno : 0;
        size_t n = strv_length(search_path);
        if (r >= 0 && !(idx->dirs = calloc(n ? n : 1, sizeof(IndexedDir))))
                r = -ENOMEM;
        /* Watch first, then read: a change in between makes the index stale
         * at once instead of lost. */
        for (size_t i = 0; r >= 0 && i < n; i++, idx->n_dirs++) {
                if (!(idx->dirs[i].path = strdup(search_path[i])))
                        r = -ENOMEM;
                else
                        r = watch_dir(idx, search_path[i]);
        }
        for (size_t i = 0; r >= 0 && i < idx->n_dirs; i++)
                r = indexed_dir_read(&idx->dirs[i]);
        if (r < 0) {
                unit_path_index_free(idx);
                return r;
        }
        *ret = idx;
        return 0;
}

/* Whether one event says something the index relies on changed. */
static bool event_matters(const UnitPathIndex *idx, const struct inotify_event *ev) {
        if (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF))
                return true;
        for (size_t i = 0; i < idx->n_roles; i++)
                if (idx->roles[i].wd == ev->wd &&
                    (!idx->roles[i].child || (ev->len && streq(ev->name, idx->roles[i].child))))
                        return true;
        return false;
}

bool unit_path_index_is_stale(UnitPathIndex *idx) {
        if (!idx)
                return false;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool stale = false;
        for (;;) {
                ssize_t k = read(idx->inotify_fd, buf, sizeof buf);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        return stale || (k < 0 && errno != EAGAIN);
                for (ssize_t off = 0; off + (ssize_t) sizeof(struct inotify_event) <= k;) {
                        const struct inotify_event *ev = (const struct inotify_event *) (buf + off);
                        stale = stale || event_matters(idx, ev);
                        off += (ssize_t) sizeof(struct inotify_event) + ev->len;
                }
        }
}

static const IndexedName *index_find(const UnitPathIndex *idx, char **search_path, size_t dir, const char *name,
                                     bool *ret_known) {
        *ret_known = idx && dir < idx->n_dirs && !idx->dirs[dir].unknown &&
                     streq(idx->dirs[dir].path, search_path[dir]);
        if (!*ret_known || !idx->dirs[dir].n)
                return NULL;
        IndexedName key = { .name = (char *) name };
        return bsearch(&key, idx->dirs[dir].names, idx->dirs[dir].n, sizeof(IndexedName), compare_names);
}

int unit_path_index_lookup(const UnitPathIndex *idx, char **search_path, size_t dir, const char *name) {
        bool known;
        const IndexedName *n = index_find(idx, search_path, dir, name, &known);
        return !known ? -1 : n ? 1 : 0;
}

bool unit_dir_may_have(const UnitLoadContext *ctx, size_t dir, const char *name) {
        return !ctx || unit_path_index_lookup(ctx->path_index, ctx->search_path, dir, name) != 0;
}

bool unit_dir_has_file(const UnitLoadContext *ctx, size_t dir, const char *name) {
        bool known;
        const IndexedName *n = ctx ? index_find(ctx->path_index, ctx->search_path, dir, name, &known) : NULL;
        return n && n->type == DT_REG;
}

/* The entry of path when it is a regular file directly in a search
 * directory, where the watch sees it written; else NULL. */
static IndexedName *index_file_entry(const UnitLoadContext *ctx, const char *path) {
        STRV_FOREACH(dir, ctx && ctx->path_index ? ctx->search_path : NULL) {
                const char *rest = startswith(path, *dir);
                if (!rest || *rest != '/' || !rest[1] || strchr(rest + 1, '/'))
                        continue;
                bool known;
                IndexedName *n = (IndexedName *) index_find(ctx->path_index, ctx->search_path,
                                                            (size_t) (dir - ctx->search_path), rest + 1, &known);
                return n && n->type == DT_REG ? n : NULL;
        }
        return NULL;
}

bool unit_path_index_get_file(const UnitLoadContext *ctx, const char *path, const char **ret, size_t *ret_size) {
        const IndexedName *n = index_file_entry(ctx, path);
        if (!n || !n->data)
                return false;
        *ret = n->data;
        *ret_size = n->size;
        return true;
}

void unit_path_index_put_file(const UnitLoadContext *ctx, const char *path, const char *data, size_t size) {
        IndexedName *n = index_file_entry(ctx, path);
        UnitPathIndex *idx = ctx ? ctx->path_index : NULL;
        if (!n || n->data || idx->cached_bytes + size > CACHED_BYTES_MAX || !(n->data = malloc(size + 1)))
                return;
        memcpy(n->data, data, size);
        n->data[size] = 0;
        n->size = size;
        idx->cached_bytes += size;
}
