/* unit-dropin.c — drop-ins and alias discovery.
 *
 * Drop-in directories of "foo-bar@x.service", most specific first:
 * "foo-bar@x.service.d", "foo-bar@.service.d", "foo-.service.d",
 * "service.d" (and the same for the name the unit's file defines when it
 * was loaded through an alias). Each is looked up in every search
 * directory; a file name seen first hides the same name later, so
 * /etc/... overrides /usr/lib/... The surviving "*.conf" files are applied
 * in lexical order of their file names; one linked to /dev/null is masked. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "../lib/strv.h"
#include "unit-internal.h"

typedef struct DropIn {
        char *name;
        char *path;
} DropIn;

typedef struct DropInList {
        DropIn *items;
        size_t n;
        bool overflow;
} DropInList;

static void dropin_list_done(DropInList *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->items[i].name);
                free(l->items[i].path);
        }
        free(l->items);
        *l = (DropInList) {};
}

/* The "-" prefixes of name: "a-b-c.service" -> "a-b-.service", "a-.service". */
static int add_dash_prefixes(char ***names, const char *name) {
        _cleanup_free_ char *prefix = unit_name_prefix(name);
        const char *dot = strrchr(name, '.');
        if (!prefix || !dot)
                return prefix ? 0 : -ENOMEM;
        for (size_t i = strlen(prefix); i > 0; i--) {
                if (prefix[i - 1] != '-' || i == strlen(prefix))
                        continue;
                char *n;
                if (asprintf(&n, "%.*s%s", (int) i, prefix, dot) < 0)
                        return -ENOMEM;
                if (strv_contains(*names, n))
                        free(n);
                else if (strv_consume(names, n) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int add_name(char ***names, const char *n) {
        if (!n || strv_contains(*names, n))
                return 0;
        return strv_extend(names, n);
}

/* Names whose ".d" directories hold drop-ins for u, most specific first. */
static int dropin_dir_names(const UnitFile *u, char ***ret) {
        _cleanup_strv_free_ char **names = NULL;
        const char *ids[] = { u->name, u->id };
        for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
                _cleanup_free_ char *tmpl = unit_name_template_of(ids[i]);
                if (add_name(&names, ids[i]) < 0 || add_name(&names, tmpl) < 0)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < ELEMENTSOF(ids); i++)
                if (add_dash_prefixes(&names, ids[i]) < 0)
                        return -ENOMEM;
        if (add_name(&names, unit_type_to_string(u->type)) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(names);
        return 0;
}

static bool dropin_seen(const DropInList *l, const char *name) {
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->items[i].name, name))
                        return true;
        return false;
}

static int dropin_add(DropInList *l, const char *dir, const char *name) {
        if (dropin_seen(l, name))
                return 0;
        if (l->n >= UNIT_DROPINS_MAX) {
                l->overflow = true;
                return 0;
        }
        DropIn *n = realloc(l->items, sizeof(DropIn) * (l->n + 1));
        if (!n)
                return -ENOMEM;
        l->items = n;
        DropIn d = { .name = strdup(name), .path = unit_path_join(dir, name) };
        if (!d.name || !d.path) {
                free(d.name);
                free(d.path);
                return -ENOMEM;
        }
        l->items[l->n++] = d;
        return 0;
}

static int dropin_scan_dir(DropInList *l, const char *dir) {
        DIR *d = opendir(dir);
        if (!d)
                return 0;
        int r = 0;
        struct dirent *de;
        while (r >= 0 && (de = readdir(d)))
                if (de->d_name[0] != '.' && endswith(de->d_name, ".conf"))
                        r = dropin_add(l, dir, de->d_name);
        closedir(d);
        return r;
}

static int dropin_compare(const void *a, const void *b) {
        return strcmp(((const DropIn *) a)->name, ((const DropIn *) b)->name);
}

static int dropins_collect(const UnitFile *u, const UnitLoadContext *ctx, DropInList *l) {
        _cleanup_strv_free_ char **names = NULL;
        int r = dropin_dir_names(u, &names);
        if (r < 0)
                return r;
        STRV_FOREACH(n, names)
                STRV_FOREACH(dir, ctx ? ctx->search_path : NULL) {
                        _cleanup_free_ char *d = NULL, *p = NULL;
                        if (asprintf(&d, "%s.d", *n) < 0)
                                return -ENOMEM;
                        if (!unit_dir_may_have(ctx, (size_t) (dir - ctx->search_path), d))
                                continue;
                        if (!(p = unit_path_join(*dir, d)))
                                return -ENOMEM;
                        r = dropin_scan_dir(l, p);
                        if (r < 0)
                                return r;
                }
        if (l->n > 1)
                qsort(l->items, l->n, sizeof(DropIn), dropin_compare);
        return 0;
}

int unit_load_dropins(UnitFile *u, const UnitLoadContext *ctx) {
        DropInList l = {};
        int r = dropins_collect(u, ctx, &l);
        if (l.overflow)
                diag_add(&u->diag, DIAG_WARNING, u->fragment_path ? u->fragment_path : u->name, 0,
                         "More than %u drop-ins, ignoring the rest.", UNIT_DROPINS_MAX);
        for (size_t i = 0; r >= 0 && i < l.n; i++) {
                r = unit_parse_file(u, ctx, l.items[i].path);
                if (r == 1)
                        r = strv_extend(&u->dropin_paths, l.items[i].path);
        }
        dropin_list_done(&l);
        return r < 0 ? r : 0;
}

struct UnitAliasMap {
        char **names;   /* symlink names ... */
        char **targets; /* ... and their targets' file names, same index */
};

UnitAliasMap *unit_alias_map_free(UnitAliasMap *m) {
        if (m) {
                strv_free(m->names);
                strv_free(m->targets);
                free(m);
        }
        return NULL;
}

/* Adds dir's symlinks with unit names to m. */
static int alias_map_scan(UnitAliasMap *m, const char *dir) {
        DIR *d = opendir(dir);
        if (!d)
                return 0;
        struct dirent *de;
        int r = 0;
        while (r >= 0 && (de = readdir(d))) {
                if ((de->d_type != DT_LNK && de->d_type != DT_UNKNOWN) || !unit_name_is_valid(de->d_name))
                        continue;
                _cleanup_free_ char *p = unit_path_join(dir, de->d_name);
                char target[PATH_MAX];
                ssize_t n = p ? readlink(p, target, sizeof target - 1) : -1;
                if (!p)
                        r = -ENOMEM;
                if (n < 0)
                        continue;
                target[n] = 0;
                const char *slash = strrchr(target, '/');
                r = strv_extend(&m->names, de->d_name);
                if (r >= 0)
                        r = strv_extend(&m->targets, slash ? slash + 1 : target);
        }
        closedir(d);
        return r;
}

int unit_alias_map_new(const UnitLoadContext *ctx, UnitAliasMap **ret) {
        UnitAliasMap *m = calloc(1, sizeof(UnitAliasMap));
        if (!m)
                return -ENOMEM;
        STRV_FOREACH(dir, ctx ? ctx->search_path : NULL)
                if (alias_map_scan(m, *dir) < 0 || strv_length(m->names) != strv_length(m->targets)) {
                        unit_alias_map_free(m);
                        return -ENOMEM;
                }
        *ret = m;
        return 0;
}

int unit_collect_aliases(UnitFile *u, const UnitLoadContext *ctx) {
        if (u->load_state == UNIT_NOT_FOUND || u->load_state == UNIT_MASKED)
                return 0;
        UnitAliasMap *own = NULL;
        const UnitAliasMap *m = ctx ? ctx->alias_map : NULL;
        if (!m) {
                int r = unit_alias_map_new(ctx, &own);
                if (r < 0)
                        return r;
                m = own;
        }
        int r = 0;
        for (size_t i = 0; r >= 0 && m->names && m->names[i]; i++)
                if (streq(m->targets[i], u->id) && !streq(m->names[i], u->id) &&
                    unit_type_from_name(m->names[i]) == u->type && !strv_contains(u->aliases, m->names[i]))
                        r = strv_extend(&u->aliases, m->names[i]);
        unit_alias_map_free(own);
        return r;
}
