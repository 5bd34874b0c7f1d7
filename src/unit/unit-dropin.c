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
                        _cleanup_free_ char *p = NULL;
                        if (asprintf(&p, "%s/%s.d", *dir, *n) < 0)
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

/* Is dir/entry a symlink whose target's file name is id? */
static bool links_to(const char *dir, const char *entry, const char *id) {
        _cleanup_free_ char *p = unit_path_join(dir, entry);
        char target[PATH_MAX];
        if (!p)
                return false;
        ssize_t n = readlink(p, target, sizeof target - 1);
        if (n < 0)
                return false;
        target[n] = 0;
        const char *slash = strrchr(target, '/');
        return streq(slash ? slash + 1 : target, id);
}

int unit_collect_aliases(UnitFile *u, const UnitLoadContext *ctx) {
        if (u->load_state == UNIT_NOT_FOUND || u->load_state == UNIT_MASKED)
                return 0;
        STRV_FOREACH(dir, ctx ? ctx->search_path : NULL) {
                DIR *d = opendir(*dir);
                if (!d)
                        continue;
                struct dirent *de;
                int r = 0;
                while (r >= 0 && (de = readdir(d))) {
                        if (de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
                                continue;
                        if (streq(de->d_name, u->id) || unit_type_from_name(de->d_name) != u->type ||
                            !unit_name_is_valid(de->d_name) || strv_contains(u->aliases, de->d_name))
                                continue;
                        if (links_to(*dir, de->d_name, u->id))
                                r = strv_extend(&u->aliases, de->d_name);
                }
                closedir(d);
                if (r < 0)
                        return r;
        }
        return 0;
}
