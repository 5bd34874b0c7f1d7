/* unit-files.c — the unit files of a search path as list-unit-files and
 * is-enabled see them, and the names ".wants/" and ".requires/"
 * directories add. Enabled means: some "*.wants/" or "*.requires/" entry,
 * or an alias symlink, names the unit (or, for a template, an instance). */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "../lib/strv.h"
#include "unit-internal.h"

static int add_unique(char ***l, const char *s) {
        return strv_contains(*l, s) ? 0 : strv_extend(l, s);
}

/* Adds the unit names in dir to *l; templates get instance when set. */
static int scan_link_dir(const char *dir, const char *instance, char ***l) {
        DIR *d = opendir(dir);
        if (!d)
                return 0;
        int r = 0;
        struct dirent *de;
        while (r >= 0 && (de = readdir(d))) {
                if (!unit_name_is_valid(de->d_name))
                        continue;
                if (!unit_name_is_template(de->d_name)) {
                        r = add_unique(l, de->d_name);
                        continue;
                }
                if (!instance)
                        continue;
                _cleanup_free_ char *n = unit_name_instantiate(de->d_name, instance);
                r = n ? add_unique(l, n) : 0;
        }
        closedir(d);
        return r;
}

int unit_file_wants_dirs(const UnitLoadContext *ctx, const char *name, char ***ret_wants, char ***ret_requires) {
        _cleanup_strv_free_ char **wants = NULL, **requires = NULL;
        _cleanup_free_ char *inst = NULL, *tmpl = unit_name_template_of(name);
        if (!unit_name_is_valid(name))
                return -EINVAL;
        if (unit_name_instance(name, &inst) < 0)
                return -ENOMEM;
        const char *names[] = { name, tmpl };
        for (size_t i = 0; i < ELEMENTSOF(names) && names[i]; i++)
                STRV_FOREACH(dir, ctx ? ctx->search_path : NULL) {
                        _cleanup_free_ char *w = NULL, *q = NULL;
                        if (asprintf(&w, "%s/%s.wants", *dir, names[i]) < 0 ||
                            asprintf(&q, "%s/%s.requires", *dir, names[i]) < 0)
                                return -ENOMEM;
                        if (scan_link_dir(w, inst, &wants) < 0 || scan_link_dir(q, inst, &requires) < 0)
                                return -ENOMEM;
                }
        if (ret_wants)
                *ret_wants = TAKE_PTR(wants);
        if (ret_requires)
                *ret_requires = TAKE_PTR(requires);
        return 0;
}

/* Every name linked from a "*.wants/" or "*.requires/" dir of the path. */
static int linked_names(const UnitLoadContext *ctx, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        STRV_FOREACH(dir, ctx ? ctx->search_path : NULL) {
                DIR *d = opendir(*dir);
                if (!d)
                        continue;
                struct dirent *de;
                int r = 0;
                while (r >= 0 && (de = readdir(d))) {
                        if (de->d_name[0] == '.' || !(endswith(de->d_name, ".wants") || endswith(de->d_name, ".requires")))
                                continue;
                        _cleanup_free_ char *p = unit_path_join(*dir, de->d_name);
                        r = p ? scan_link_dir(p, NULL, &l) : -ENOMEM;
                }
                closedir(d);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static bool is_linked(char **linked, const char *name) {
        if (strv_contains(linked, name))
                return true;
        if (!unit_name_is_template(name))
                return false;
        STRV_FOREACH(n, linked) {
                _cleanup_free_ char *t = unit_name_template_of(*n);
                if (t && streq(t, name))
                        return true;
        }
        return false;
}

/* State of the file at path, which is the first one named name. */
static int file_state(const UnitLoadContext *ctx, const char *path, const char *name, char **linked,
                      UnitFileState *ret) {
        char target[PATH_MAX];
        ssize_t n = readlink(path, target, sizeof target - 1);
        struct stat st;
        if (n >= 0) {
                target[n] = 0;
                const char *slash = strrchr(target, '/'), *base = slash ? slash + 1 : target;
                if (streq(target, "/dev/null") || (stat(path, &st) == 0 && S_ISCHR(st.st_mode))) {
                        *ret = UNIT_FILE_MASKED;
                        return 0;
                }
                if (unit_name_is_valid(base) && !streq(base, name)) {
                        *ret = UNIT_FILE_ALIAS;
                        return 0;
                }
        }
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        int r = unit_file_load_path(ctx, path, name, &u);
        if (r < 0)
                return r;
        InstallSettings *i = &u->s.install;
        if (u->load_state == UNIT_MASKED)
                *ret = UNIT_FILE_MASKED;
        else if (is_linked(linked, name))
                *ret = UNIT_FILE_ENABLED;
        else if (i->wanted_by || i->required_by || i->alias)
                *ret = UNIT_FILE_DISABLED;
        else if (i->also)
                *ret = UNIT_FILE_INDIRECT;
        else
                *ret = UNIT_FILE_STATIC;
        return 0;
}

void unit_file_entries_free(UnitFileEntry *e, size_t n) {
        for (size_t i = 0; e && i < n; i++) {
                free(e[i].name);
                free(e[i].path);
        }
        free(e);
}

static int entry_compare(const void *a, const void *b) {
        return strcmp(((const UnitFileEntry *) a)->name, ((const UnitFileEntry *) b)->name);
}

static bool entry_seen(const UnitFileEntry *e, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++)
                if (streq(e[i].name, name))
                        return true;
        return false;
}

static int list_dir(const char *dir, UnitFileEntry **e, size_t *n) {
        DIR *d = opendir(dir);
        if (!d)
                return 0;
        struct dirent *de;
        int r = 0;
        while (r >= 0 && (de = readdir(d))) {
                if (!unit_name_is_valid(de->d_name) || entry_seen(*e, *n, de->d_name) ||
                    de->d_type == DT_DIR)
                        continue;
                UnitFileEntry *ne = realloc(*e, sizeof(UnitFileEntry) * (*n + 1));
                if (!ne) {
                        r = -ENOMEM;
                        break;
                }
                *e = ne;
                ne[*n] = (UnitFileEntry) { .name = strdup(de->d_name), .path = unit_path_join(dir, de->d_name) };
                (*n)++;
                if (!ne[*n - 1].name || !ne[*n - 1].path)
                        r = -ENOMEM;
        }
        closedir(d);
        return r;
}

int unit_file_list(const UnitLoadContext *ctx, UnitFileEntry **ret, size_t *ret_n) {
        UnitFileEntry *e = NULL;
        size_t n = 0;
        _cleanup_strv_free_ char **linked = NULL;
        int r = linked_names(ctx, &linked);
        STRV_FOREACH(dir, ctx ? ctx->search_path : NULL)
                if (r >= 0)
                        r = list_dir(*dir, &e, &n);
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = file_state(ctx, e[i].path, e[i].name, linked, &e[i].state);
        if (r < 0) {
                unit_file_entries_free(e, n);
                return r;
        }
        if (n > 1)
                qsort(e, n, sizeof(UnitFileEntry), entry_compare);
        *ret = e;
        *ret_n = n;
        return 0;
}

int unit_file_get_state(const UnitLoadContext *ctx, const char *name, UnitFileState *ret) {
        _cleanup_free_ char *n = isempty(name) ? NULL : unit_name_complete(name);
        if (!n)
                return -EINVAL;
        STRV_FOREACH(dir, ctx ? ctx->search_path : NULL) {
                _cleanup_free_ char *p = unit_path_join(*dir, n);
                struct stat st;
                if (!p)
                        return -ENOMEM;
                if (lstat(p, &st) < 0)
                        continue;
                _cleanup_strv_free_ char **linked = NULL;
                int r = linked_names(ctx, &linked);
                if (r < 0)
                        return r;
                return file_state(ctx, p, n, linked, ret);
        }
        return -ENOENT;
}
