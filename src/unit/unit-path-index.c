/* unit-path-index.c — the names each search directory holds, read once.
 *
 * Loading one unit asks every search directory for its name, its drop-in
 * directories ("NAME.d", "TEMPLATE.d", "PREFIX-.service.d", "service.d")
 * and its ".wants"/".requires": some seventy lookups that almost all fail.
 * For a per-connection instance that is the whole cost of finding a
 * template read seconds ago. The index lists the top level of every search
 * directory once, so a name the index lacks costs a binary search instead
 * of a path walk; what is there is still read from disk every time.
 *
 * It goes stale when an entry appears in or leaves a search directory (a
 * new unit file, a new drop-in directory, a mask): an inotify watch on each
 * directory (on the nearest existing parent of one that does not exist)
 * records that, and the owner asks unit_path_index_is_stale() before it
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

typedef struct IndexedDir {
        char *path;
        char **names; /* sorted; NULL when the directory does not exist */
        size_t n;
} IndexedDir;

struct UnitPathIndex {
        IndexedDir *dirs; /* one per search directory, same order */
        size_t n_dirs;
        int inotify_fd; /* owned */
};

#define DIR_EVENTS (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)
#define PARENT_EVENTS (IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)

UnitPathIndex *unit_path_index_free(UnitPathIndex *idx) {
        if (!idx)
                return NULL;
        for (size_t i = 0; i < idx->n_dirs; i++) {
                free(idx->dirs[i].path);
                for (size_t j = 0; j < idx->dirs[i].n; j++)
                        free(idx->dirs[i].names[j]);
                free(idx->dirs[i].names);
        }
        free(idx->dirs);
        safe_close(idx->inotify_fd);
        free(idx);
        return NULL;
}

static int compare_names(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Reads the names in d->path; a directory that is not there stays empty. */
static int indexed_dir_read(IndexedDir *d) {
        DIR *dir = opendir(d->path);
        if (!dir)
                return 0;
        size_t cap = 0;
        int r = 0;
        struct dirent *de;
        while (r >= 0 && (de = readdir(dir))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (d->n == cap) {
                        size_t ncap = cap ? cap * 2 : 16;
                        char **nn = realloc(d->names, ncap * sizeof(char *));
                        if (!nn) {
                                r = -ENOMEM;
                                break;
                        }
                        d->names = nn;
                        cap = ncap;
                }
                if (!(d->names[d->n] = strdup(de->d_name)))
                        r = -ENOMEM;
                else
                        d->n++;
        }
        closedir(dir);
        if (r >= 0 && d->n > 1)
                qsort(d->names, d->n, sizeof(char *), compare_names);
        return r;
}

/* Watches path, or its nearest existing parent for path to appear. */
static int watch_dir(int fd, const char *path) {
        char p[PATH_MAX];
        if (snprintf(p, sizeof p, "%s", path) >= (int) sizeof p)
                return -ENAMETOOLONG;
        uint32_t mask = DIR_EVENTS;
        for (;;) {
                if (inotify_add_watch(fd, p, mask | IN_ONLYDIR | IN_MASK_ADD) >= 0)
                        return 0;
                if (errno != ENOENT && errno != ENOTDIR)
                        return -errno;
                char *slash = strrchr(p, '/');
                if (!slash || streq(p, "/"))
                        return -ENOENT;
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
                        r = watch_dir(idx->inotify_fd, search_path[i]);
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

bool unit_path_index_is_stale(UnitPathIndex *idx) {
        if (!idx)
                return false;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool stale = false;
        for (;;) {
                ssize_t k = read(idx->inotify_fd, buf, sizeof buf);
                if (k > 0) {
                        stale = true;
                        continue;
                }
                if (k < 0 && errno == EINTR)
                        continue;
                return stale || (k < 0 && errno != EAGAIN);
        }
}

int unit_path_index_lookup(const UnitPathIndex *idx, char **search_path, size_t dir, const char *name) {
        if (!idx || dir >= idx->n_dirs || !streq(idx->dirs[dir].path, search_path[dir]))
                return -1;
        const IndexedDir *d = &idx->dirs[dir];
        return d->n && bsearch(&name, d->names, d->n, sizeof(char *), compare_names) ? 1 : 0;
}

bool unit_dir_may_have(const UnitLoadContext *ctx, size_t dir, const char *name) {
        return !ctx || unit_path_index_lookup(ctx->path_index, ctx->search_path, dir, name) != 0;
}
