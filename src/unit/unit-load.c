/* unit-load.c — finding a unit's files on the search path and reading
 * them: fragment (itself, or its template), aliases and masks by symlink,
 * drop-ins, then the checks of unit-parse.c. See unit-load.h for the rules. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "../lib/strv.h"
#include "unit-internal.h"

static bool is_dev_null(const struct stat *st) {
        return S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3);
}

static int read_fd(UnitFile *u, const char *path, int fd, char **ret, size_t *ret_size) {
        size_t cap = 4096, n = 0;
        char *buf = malloc(cap + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                if (n == cap) {
                        if (cap > UNIT_FILE_SIZE_MAX) {
                                free(buf);
                                diag_add(&u->diag, DIAG_ERROR, path, 0, "File too large (limit %u bytes), refusing.",
                                         UNIT_FILE_SIZE_MAX);
                                return 0;
                        }
                        char *nb = realloc(buf, cap * 2 + 1);
                        if (!nb) {
                                free(buf);
                                return -ENOMEM;
                        }
                        buf = nb;
                        cap *= 2;
                }
                ssize_t k = read(fd, buf + n, cap - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        int e = errno;
                        free(buf);
                        diag_add(&u->diag, DIAG_ERROR, path, 0, "Failed to read file: %s", strerror(e));
                        return 0;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        buf[n] = 0;
        *ret = buf;
        *ret_size = n;
        return 1;
}

int unit_read_file(UnitFile *u, const char *path, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        struct stat st;
        if (fd < 0) {
                diag_add(&u->diag, DIAG_ERROR, path, 0, "Failed to open file: %s", strerror(errno));
                return 0;
        }
        if (fstat(fd, &st) < 0) {
                diag_add(&u->diag, DIAG_ERROR, path, 0, "Failed to stat file: %s", strerror(errno));
                return 0;
        }
        if (is_dev_null(&st))
                return 2;
        if (!S_ISREG(st.st_mode)) {
                diag_add(&u->diag, DIAG_ERROR, path, 0, "Not a regular file, ignoring.");
                return 0;
        }
        if (st.st_size > (off_t) UNIT_FILE_SIZE_MAX) {
                diag_add(&u->diag, DIAG_ERROR, path, 0, "File too large (%lld bytes, limit %u), refusing.",
                         (long long) st.st_size, UNIT_FILE_SIZE_MAX);
                return 0;
        }
        return read_fd(u, path, fd, ret, ret_size);
}

char *unit_path_join(const char *a, const char *b) {
        char *r;
        if (asprintf(&r, "%s%s%s", a, endswith(a, "/") ? "" : "/", b) < 0)
                return NULL;
        return r;
}

static const char *base_name(const char *p) {
        const char *s = strrchr(p, '/');
        return s ? s + 1 : p;
}

/* Where a symlink's target really is: relative to the link's directory,
 * absolute ones under --root. */
static char *link_target_path(const UnitLoadContext *ctx, const char *link, const char *target) {
        char *r;
        if (target[0] == '/') {
                if (ctx && ctx->root && !startswith(target, ctx->root))
                        return unit_path_join(ctx->root, target + 1);
                return strdup(target);
        }
        const char *slash = strrchr(link, '/');
        if (asprintf(&r, "%.*s/%s", slash ? (int) (slash - link) : 1, slash ? link : ".", target) < 0)
                return NULL;
        return r;
}

typedef struct Found {
        char *path; /* the file at the end of the chain */
        char *id;   /* the name it defines: last unit-named link target, else the name */
        bool masked;
} Found;

static void found_done(Found *f) {
        free(f->path);
        free(f->id);
        *f = (Found) {};
}

/* Follows the symlinks starting at path. 1 found, 0 nothing there, -errno.
 * A link whose target does not exist where it points but names a unit
 * ("foo.service -> bar.service") is an alias by name: ret->path stays NULL
 * and the caller looks ret->id up on the search path, as systemd does. */
static int follow_chain(const UnitLoadContext *ctx, const char *path, const char *name, Found *ret) {
        _cleanup_free_ char *cur = strdup(path), *id = strdup(name);
        if (!cur || !id)
                return -ENOMEM;
        for (unsigned hop = 0;; hop++) {
                struct stat st;
                if (lstat(cur, &st) < 0) {
                        if ((errno != ENOENT && errno != ENOTDIR) || hop == 0 || streq(id, name))
                                return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
                        free(cur);
                        cur = NULL; /* alias by name */
                        break;
                }
                if (!S_ISLNK(st.st_mode))
                        break;
                if (hop >= UNIT_SYMLINK_HOPS_MAX)
                        return -ELOOP;
                char target[PATH_MAX];
                ssize_t n = readlink(cur, target, sizeof target - 1);
                if (n < 0)
                        return -errno;
                target[n] = 0;
                if (streq(target, "/dev/null")) {
                        ret->masked = true;
                        break;
                }
                char *next = link_target_path(ctx, cur, target);
                if (!next)
                        return -ENOMEM;
                free(cur);
                cur = next;
                if (unit_name_is_valid(base_name(cur))) {
                        free(id);
                        if (!(id = strdup(base_name(cur))))
                                return -ENOMEM;
                }
        }
        struct stat st;
        if (cur && !ret->masked && stat(cur, &st) == 0 && is_dev_null(&st))
                ret->masked = true;
        ret->path = TAKE_PTR(cur);
        ret->id = TAKE_PTR(id);
        return 1;
}

/* The first directory of the search path that has name; aliases by name
 * are followed up to UNIT_SYMLINK_HOPS_MAX times. */
static int search_name_depth(const UnitLoadContext *ctx, const char *name, Found *ret, char **ret_link,
                             unsigned depth) {
        STRV_FOREACH(dir, ctx ? ctx->search_path : NULL) {
                size_t at = (size_t) (dir - ctx->search_path);
                if (!unit_dir_may_have(ctx, at, name))
                        continue;
                _cleanup_free_ char *p = unit_path_join(*dir, name);
                if (!p)
                        return -ENOMEM;
                int r;
                if (unit_dir_has_file(ctx, at, name)) {
                        /* A regular file: no link to follow, no /dev/null. */
                        ret->path = strdup(p);
                        ret->id = strdup(name);
                        r = ret->path && ret->id ? 1 : -ENOMEM;
                } else
                        r = follow_chain(ctx, p, name, ret);
                if (r == 0)
                        continue;
                if (r > 0 && !ret->path && !ret->masked) {
                        if (depth >= UNIT_SYMLINK_HOPS_MAX)
                                return -ELOOP;
                        _cleanup_free_ char *id = TAKE_PTR(ret->id);
                        _cleanup_free_ char *link = NULL;
                        r = search_name_depth(ctx, id, ret, &link, depth + 1);
                        if (r == 0)
                                return -ENOENT; /* dangling alias */
                }
                if (r > 0)
                        *ret_link = TAKE_PTR(p);
                return r;
        }
        return 0;
}

static int search_name(const UnitLoadContext *ctx, const char *name, Found *ret, char **ret_link) {
        return search_name_depth(ctx, name, ret, ret_link, 0);
}

static int set_load_error(UnitFile *u, UnitLoadState state, const char *msg) {
        u->load_state = state;
        free(u->load_error);
        u->load_error = strdup(msg);
        return u->load_error ? 0 : -ENOMEM;
}

/* Finds the fragment of u: its own name first, then its template. A file
 * that defines a template ("foo@bar.service -> foo@.service", or the
 * template itself) is the instance's file. */
static int unit_locate(const UnitLoadContext *ctx, UnitFile *u, Found *f, char **ret_link) {
        int r = search_name(ctx, u->name, f, ret_link);
        if (r == 0 && u->instance) {
                _cleanup_free_ char *tmpl = unit_name_template_of(u->name);
                if (!tmpl)
                        return -ENOMEM;
                r = search_name(ctx, tmpl, f, ret_link);
                if (r > 0 && !f->masked && !unit_name_is_template(f->id))
                        return -EXDEV;
        }
        if (r <= 0 || f->masked || !u->instance || !unit_name_is_template(f->id))
                return r;
        char *inst = unit_name_instantiate(f->id, u->instance);
        if (!inst)
                return -ENOMEM;
        free(f->id);
        f->id = inst;
        return 1;
}

/* Takes the result of unit_locate() into u: masked, alias, fragment path. */
static int unit_apply_found(UnitFile *u, Found *f, const char *link) {
        char msg[512];
        if (f->masked) {
                snprintf(msg, sizeof msg, "Unit %s is masked.", u->name);
                u->fragment_path = strdup(link);
                return set_load_error(u, UNIT_MASKED, msg);
        }
        if (unit_type_from_name(f->id) != u->type) {
                snprintf(msg, sizeof msg, "Unit %s is an alias of %.255s, a different unit type.", u->name, f->id);
                diag_add(&u->diag, DIAG_ERROR, link, 0, "%s", msg);
                return set_load_error(u, UNIT_ERROR, msg);
        }
        if (!streq(f->id, u->name)) {
                if (strv_extend(&u->aliases, u->name) < 0)
                        return -ENOMEM;
                free(u->id);
                u->id = TAKE_PTR(f->id);
                free(u->instance);
                if (unit_name_instance(u->id, &u->instance) < 0)
                        return -ENOMEM;
        }
        u->fragment_path = TAKE_PTR(f->path);
        return 0;
}

/* Reads and parses one file of u. 1 parsed, 0 not (diagnosed), 2 masked. */
int unit_parse_file(UnitFile *u, const UnitLoadContext *ctx, const char *path) {
        _cleanup_free_ char *data = NULL;
        const char *cached;
        size_t size = 0;
        int r;
        if (unit_path_index_get_file(ctx, path, &cached, &size))
                r = unit_parse_data(u, ctx, path, cached, size);
        else {
                r = unit_read_file(u, path, &data, &size);
                if (r != 1)
                        return r;
                unit_path_index_put_file(ctx, path, data, size);
                r = unit_parse_data(u, ctx, path, data, size);
        }
        return r < 0 ? r : 1;
}

static int unit_load_fragment(UnitFile *u, const UnitLoadContext *ctx) {
        int r = unit_parse_file(u, ctx, u->fragment_path);
        if (r < 0)
                return r;
        if (r == 2) {
                char msg[300];
                snprintf(msg, sizeof msg, "Unit %s is masked.", u->name);
                return set_load_error(u, UNIT_MASKED, msg);
        }
        if (r == 0)
                return set_load_error(u, UNIT_ERROR, u->diag.n ? u->diag.entries[u->diag.n - 1].text
                                                             : "Failed to read unit file.");
        return 0;
}

static int locate_error(UnitFile *u, int r) {
        char msg[512];
        if (r == 0) {
                snprintf(msg, sizeof msg, "Unit %s not found.", u->name);
                return set_load_error(u, UNIT_NOT_FOUND, msg);
        }
        if (r == -EXDEV)
                snprintf(msg, sizeof msg, "Template of unit %s is an alias of a unit that is no template.", u->name);
        else
                snprintf(msg, sizeof msg, "Failed to find unit %s: %s", u->name, strerror(-r));
        diag_add(&u->diag, DIAG_ERROR, u->name, 0, "%s", msg);
        return set_load_error(u, UNIT_ERROR, msg);
}

int unit_file_load(const UnitLoadContext *ctx, const char *name, UnitFile **ret) {
        _cleanup_free_ char *n = isempty(name) ? NULL : unit_name_complete(name);
        if (!n)
                return -EINVAL;
        _cleanup_(unit_file_freep) UnitFile *u = unit_file_new(n);
        if (!u)
                return -ENOMEM;
        Found f = {};
        _cleanup_free_ char *link = NULL;
        int r = unit_locate(ctx, u, &f, &link);
        if (r == -ENOMEM)
                goto out;
        if (r <= 0)
                r = locate_error(u, r);
        else if ((r = unit_apply_found(u, &f, link)) >= 0 && u->load_state == UNIT_LOADED) {
                r = unit_load_fragment(u, ctx);
                if (r >= 0 && u->load_state != UNIT_MASKED && u->load_state != UNIT_ERROR)
                        r = unit_load_dropins(u, ctx);
                if (r >= 0)
                        r = unit_finalize(u);
        }
        if (r >= 0)
                r = unit_collect_aliases(u, ctx);
out:
        found_done(&f);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(u);
        return 0;
}

static int unit_new_for_file(const char *path, const char *name, UnitFile **ret) {
        if (!name && !path)
                return -EINVAL;
        const char *n = name ? name : base_name(path);
        if (!unit_name_is_valid(n))
                return -EINVAL;
        UnitFile *u = unit_file_new(n);
        if (!u)
                return -ENOMEM;
        if (path && !(u->fragment_path = strdup(path))) {
                unit_file_free(u);
                return -ENOMEM;
        }
        *ret = u;
        return 0;
}

int unit_file_load_path(const UnitLoadContext *ctx, const char *path, const char *name, UnitFile **ret) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        int r = unit_new_for_file(path, name, &u);
        if (r < 0)
                return r;
        r = unit_load_fragment(u, ctx);
        if (r >= 0)
                r = unit_finalize(u);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(u);
        return 0;
}

int unit_file_load_string(const UnitLoadContext *ctx, const char *path, const char *name, const char *data,
                          size_t size, UnitFile **ret) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        int r = unit_new_for_file(path, name, &u);
        if (r < 0)
                return r;
        r = unit_parse_data(u, ctx, path ? path : u->name, data ? data : "", data ? size : 0);
        if (r >= 0)
                r = unit_finalize(u);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(u);
        return 0;
}
