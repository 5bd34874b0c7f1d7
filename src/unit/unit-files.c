/* unit-files.c — the unit files of a search path as list-unit-files and
 * is-enabled see them, and the names ".wants/" and ".requires/"
 * directories add. Only links in configuration directories (every search
 * directory not under /usr or /lib and no generator's) count, as for systemd: enabled means a
 * "*.wants/" or "*.requires/" entry names the unit (for a template: its
 * DefaultInstance=), or an Alias= symlink points at it; indirect means
 * another instance of a template is enabled, a symlink not in Alias= points
 * at it, or its [Install] has only Also=. */
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

/* scan_link_dir() of search directory `at`'s entry name, when it may be there. */
static int scan_index_dir(const UnitLoadContext *ctx, size_t at, const char *name, const char *instance,
                          char ***l) {
        if (!unit_dir_may_have(ctx, at, name))
                return 0;
        _cleanup_free_ char *p = unit_path_join(ctx->search_path[at], name);
        return p ? scan_link_dir(p, instance, l) : -ENOMEM;
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
                        size_t at = (size_t) (dir - ctx->search_path);
                        _cleanup_free_ char *w = NULL, *q = NULL;
                        if (asprintf(&w, "%s.wants", names[i]) < 0 || asprintf(&q, "%s.requires", names[i]) < 0)
                                return -ENOMEM;
                        if (scan_index_dir(ctx, at, w, inst, &wants) < 0 ||
                            scan_index_dir(ctx, at, q, inst, &requires) < 0)
                                return -ENOMEM;
                }
        if (ret_wants)
                *ret_wants = TAKE_PTR(wants);
        if (ret_requires)
                *ret_requires = TAKE_PTR(requires);
        return 0;
}

/* A symlink (or file) in a configuration directory that may enable a unit. */
typedef struct ConfigLink {
        char *name; /* its file name */
        char *dest; /* the file name its target ends in, NULL when not a symlink */
        bool wants; /* in a "*.wants/" or "*.requires/" directory, else at top level */
} ConfigLink;

typedef struct ConfigLinks {
        ConfigLink *links;
        size_t n;
} ConfigLinks;

static void config_links_done(ConfigLinks *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->links[i].name);
                free(l->links[i].dest);
        }
        free(l->links);
        *l = (ConfigLinks) {};
}

/* Vendor directories (under /usr or /lib) ship links that do not make a
 * unit "enabled"; every other directory of the path is configuration, as
 * /etc and /run are for systemd. */
bool unit_dir_is_generated(const char *dir) {
        const char *slash = strrchr(dir, '/'), *base = slash ? slash + 1 : dir;
        return streq(base, "generator") || streq(base, "generator.early") || streq(base, "generator.late");
}

const char *unit_install_dir(const UnitLoadContext *ctx) {
        STRV_FOREACH(dir, ctx ? ctx->search_path : NULL)
                if (!unit_dir_is_generated(*dir))
                        return *dir;
        return NULL;
}

static bool dir_is_config(const UnitLoadContext *ctx, const char *dir) {
        const char *p = dir, *r = ctx ? ctx->root : NULL;
        if (unit_dir_is_generated(dir))
                return false;
        if (!isempty(r) && startswith(dir, r))
                p = dir + strlen(r);
        while (*p == '/' && p[1] == '/')
                p++;
        return !(startswith(p, "/usr/") || startswith(p, "/lib/") || streq(p, "/usr") || streq(p, "/lib"));
}

static int config_link_add(ConfigLinks *l, const char *dir, const char *name, bool wants) {
        if (l->n >= UNIT_LIST_MAX)
                return 0;
        _cleanup_free_ char *p = unit_path_join(dir, name);
        if (!p)
                return -ENOMEM;
        ConfigLink *nl = realloc(l->links, sizeof(ConfigLink) * (l->n + 1));
        if (!nl)
                return -ENOMEM;
        l->links = nl;
        ConfigLink *e = &nl[l->n];
        *e = (ConfigLink) { .name = strdup(name), .wants = wants };
        if (!e->name)
                return -ENOMEM;
        l->n++;
        char target[PATH_MAX];
        ssize_t k = readlink(p, target, sizeof target - 1);
        if (k > 0) {
                target[k] = 0;
                const char *slash = strrchr(target, '/');
                if (!(e->dest = strdup(slash ? slash + 1 : target)))
                        return -ENOMEM;
        }
        return 0;
}

/* Adds every unit-named entry of dir; top level, also the link dirs below it. */
static int config_links_scan(const char *dir, bool wants, ConfigLinks *l) {
        DIR *d = opendir(dir);
        if (!d)
                return 0;
        struct dirent *de;
        int r = 0;
        while (r >= 0 && (de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                if (!wants && (endswith(de->d_name, ".wants") || endswith(de->d_name, ".requires"))) {
                        _cleanup_free_ char *p = unit_path_join(dir, de->d_name);
                        r = p ? config_links_scan(p, true, l) : -ENOMEM;
                } else if (unit_name_is_valid(de->d_name) && (wants || de->d_type == DT_LNK))
                        r = config_link_add(l, dir, de->d_name, wants);
        }
        closedir(d);
        return r;
}

static int config_links_collect(const UnitLoadContext *ctx, ConfigLinks *ret) {
        ConfigLinks l = {};
        STRV_FOREACH(dir, ctx ? ctx->search_path : NULL) {
                if (!dir_is_config(ctx, *dir))
                        continue;
                int r = config_links_scan(*dir, false, &l);
                if (r < 0) {
                        config_links_done(&l);
                        return r;
                }
        }
        *ret = l;
        return 0;
}

/* What the configuration links say about unit name with install settings i:
 * 2 enabled, 1 indirect (an instance other than DefaultInstance= is enabled,
 * or a link aliases it under a name that is not in Alias=), 0 nothing. */
static int links_verdict(const ConfigLinks *l, const char *name, const InstallSettings *i) {
        bool tmpl = unit_name_is_template(name), indirect = false;
        for (size_t k = 0; k < l->n; k++) {
                const ConfigLink *e = &l->links[k];
                if (!e->wants) {
                        if (streq_ptr(e->dest, name) && !streq(e->name, name)) {
                                if (strv_contains(i->alias, e->name))
                                        return 2;
                                indirect = true;
                        }
                        continue;
                }
                if (streq(e->name, name) || (!tmpl && streq_ptr(e->dest, name)))
                        return 2;
                if (!tmpl)
                        continue;
                _cleanup_free_ char *t = unit_name_template_of(e->name), *inst = NULL;
                if (!t || !streq(t, name))
                        continue;
                if (unit_name_instance(e->name, &inst) >= 0 && streq_ptr(inst, i->default_instance))
                        return 2;
                indirect = true;
        }
        return indirect;
}

/* State of the file at path, the first one named name (or, for an instance,
 * its template's file: via_template). */
static int file_state(const UnitLoadContext *ctx, const char *path, const char *name, bool via_template,
                      const ConfigLinks *links, UnitFileState *ret) {
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
                if (!via_template && unit_name_is_valid(base) && !streq(base, name)) {
                        *ret = UNIT_FILE_ALIAS;
                        return 0;
                }
        }
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        int r = unit_file_load_path(ctx, path, name, &u);
        if (r < 0)
                return r;
        InstallSettings *i = &u->s.install;
        int v = u->load_state == UNIT_MASKED ? 0 : links_verdict(links, name, i);
        if (u->load_state == UNIT_MASKED)
                *ret = UNIT_FILE_MASKED;
        else if (v == 2)
                *ret = UNIT_FILE_ENABLED;
        else if (v == 1)
                *ret = UNIT_FILE_INDIRECT;
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
        ConfigLinks links = {};
        int r = config_links_collect(ctx, &links);
        STRV_FOREACH(dir, ctx ? ctx->search_path : NULL)
                if (r >= 0)
                        r = list_dir(*dir, &e, &n);
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = file_state(ctx, e[i].path, e[i].name, false, &links, &e[i].state);
        config_links_done(&links);
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

/* The first file of the search path called name: 1 found (*ret_path), 0 none. */
static int find_file(const UnitLoadContext *ctx, const char *name, char **ret_path) {
        STRV_FOREACH(dir, ctx ? ctx->search_path : NULL) {
                char *p = unit_path_join(*dir, name);
                struct stat st;
                if (!p)
                        return -ENOMEM;
                if (lstat(p, &st) == 0) {
                        *ret_path = p;
                        return 1;
                }
                free(p);
        }
        return 0;
}

int unit_file_get_state(const UnitLoadContext *ctx, const char *name, UnitFileState *ret) {
        _cleanup_free_ char *n = isempty(name) ? NULL : unit_name_complete(name);
        if (!n || !unit_name_is_valid(n))
                return -EINVAL;
        _cleanup_free_ char *p = NULL, *tmpl = unit_name_template_of(n);
        int r = find_file(ctx, n, &p);
        bool via_template = false;
        if (r == 0 && tmpl) {
                r = find_file(ctx, tmpl, &p);
                via_template = true;
        }
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        ConfigLinks links = {};
        r = config_links_collect(ctx, &links);
        if (r >= 0)
                r = file_state(ctx, p, n, via_template, &links, ret);
        config_links_done(&links);
        return r;
}
