/* unit-install.c — enable, disable, mask, unmask, set-default and
 * get-default as symlinks in the first unit directory. See unit-install.h
 * for the layout; the wording of every message is systemctl's. */
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "../lib/strv.h"
#include "unit-install.h"
#include "unit-internal.h"

#define INSTALL_NO_CONFIG_NOTICE \
        "The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n" \
        "Alias= settings in the [Install] section, and DefaultInstance= for template\n" \
        "units). This means they are not meant to be enabled using systemctl.\n" \
        " \n" \
        "Possible reasons for having this kind of units are:\n" \
        "\u2022 A unit may be statically enabled by being symlinked from another unit's\n" \
        "  .wants/ or .requires/ directory.\n" \
        "\u2022 A unit's purpose may be to act as a helper for some other unit which has\n" \
        "  a requirement dependency on it.\n" \
        "\u2022 A unit may be started when needed via activation (socket, path, timer,\n" \
        "  D-Bus, udev, scripted systemctl call, ...).\n" \
        "\u2022 In case of template units, the unit is meant to be enabled with some\n" \
        "  instance name specified."

static const char *const change_type_names[_INSTALL_CHANGE_TYPE_MAX] = {
        [INSTALL_CHANGE_CREATED] = "created",
        [INSTALL_CHANGE_REMOVED] = "removed",
        [INSTALL_CHANGE_NOTE] = "note",
        [INSTALL_CHANGE_ERROR] = "error",
};

const char *install_change_type_to_string(InstallChangeType t) {
        return (int) t >= 0 && t < _INSTALL_CHANGE_TYPE_MAX ? change_type_names[t] : NULL;
}

InstallChangeType install_change_type_from_string(const char *s) {
        for (int t = 0; s && t < _INSTALL_CHANGE_TYPE_MAX; t++)
                if (streq(change_type_names[t], s))
                        return t;
        return _INSTALL_CHANGE_TYPE_INVALID;
}

void install_changes_done(InstallChanges *c) {
        for (size_t i = 0; i < c->n; i++) {
                free(c->changes[i].path);
                free(c->changes[i].target);
        }
        free(c->changes);
        *c = (InstallChanges) {};
}

int install_changes_add(InstallChanges *c, InstallChangeType type, const char *path, const char *target) {
        InstallChange *n = realloc(c->changes, sizeof(InstallChange) * (c->n + 1));
        if (!n)
                return -ENOMEM;
        c->changes = n;
        InstallChange *e = &n[c->n];
        *e = (InstallChange) { .type = type, .path = strdup(path), .target = target ? strdup(target) : NULL };
        if (!e->path || (target && !e->target)) {
                free(e->path);
                free(e->target);
                return -ENOMEM;
        }
        c->n++;
        return 0;
}

bool install_changes_modified(const InstallChanges *c) {
        for (size_t i = 0; i < c->n; i++)
                if (c->changes[i].type == INSTALL_CHANGE_CREATED || c->changes[i].type == INSTALL_CHANGE_REMOVED)
                        return true;
        return false;
}

char *install_change_format(const InstallChange *c) {
        char *s = NULL;
        int r;
        switch (c->type) {
        case INSTALL_CHANGE_CREATED:
                r = asprintf(&s, "Created symlink %s \u2192 %s.", c->path, strempty(c->target));
                break;
        case INSTALL_CHANGE_REMOVED:
                r = asprintf(&s, "Removed \"%s\".", c->path);
                break;
        default:
                s = strdup(c->path);
                r = s ? 0 : -1;
        }
        return r < 0 ? NULL : s;
}

/* Records a message; returns r (the caller's error, or 0 for a warning). */
static int install_message(InstallChanges *c, int r, const char *fmt, ...) _printf_(3, 4);
static int install_message(InstallChanges *c, int r, const char *fmt, ...) {
        va_list ap;
        char *s = NULL;
        va_start(ap, fmt);
        int k = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        k = install_changes_add(c, INSTALL_CHANGE_ERROR, s, NULL);
        free(s);
        return k < 0 ? k : r;
}

/* Keeps the first error; -ENOMEM ends the operation. */
static bool keep_error(int *first, int r) {
        if (r < 0 && *first >= 0)
                *first = r;
        return r != -ENOMEM;
}

static const char *base_name(const char *p) {
        const char *s = strrchr(p, '/');
        return s ? s + 1 : p;
}

/* "a/b/../c/./d" -> "a/c/d", lexically; the unit file paths we link to are
 * built by joining directories and relative link targets. */
static char *path_simplify(const char *p) {
        _cleanup_strv_free_ char **parts = strv_split(p, "/");
        if (!parts)
                return NULL;
        size_t k = 0;
        for (size_t i = 0; parts[i]; i++) {
                if (streq(parts[i], ".")) {
                        free(parts[i]);
                        continue;
                }
                if (streq(parts[i], "..") && k > 0 && !streq(parts[k - 1], "..")) {
                        free(parts[i]);
                        free(parts[--k]);
                        continue;
                }
                parts[k++] = parts[i];
        }
        parts[k] = NULL;
        _cleanup_free_ char *j = strv_join(parts, "/");
        char *r = NULL;
        if (j && asprintf(&r, "%s%s", p[0] == '/' ? "/" : "", j) < 0)
                r = NULL;
        return r;
}

static int mkdir_parents(const char *path) {
        char buf[PATH_MAX];
        if (strlen(path) >= sizeof buf)
                return -ENAMETOOLONG;
        strcpy(buf, path);
        char *slash = strrchr(buf, '/');
        if (!slash || slash == buf)
                return 0;
        *slash = 0;
        for (char *p = buf + 1; *p; p++)
                if (*p == '/') {
                        *p = 0;
                        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                                return -errno;
                        *p = '/';
                }
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

static const char *first_dir(const UnitLoadContext *ctx) {
        return unit_install_dir(ctx);
}

/* Does the symlink at link (content cur) point at target already? */
static bool link_points_to(const char *link, const char *cur, const char *target) {
        struct stat a, b;
        if (streq(cur, target))
                return true;
        return stat(link, &a) == 0 && stat(target, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Makes link -> target. An existing link to the same file is no change; a
 * symlink elsewhere is replaced when replace is set, else refused, as is
 * anything that is not a symlink. */
static int link_make(InstallChanges *c, const char *verb, const char *link, const char *target, bool replace) {
        char cur[PATH_MAX];
        ssize_t n = readlink(link, cur, sizeof cur - 1);
        if (n >= 0) {
                cur[n] = 0;
                if (link_points_to(link, cur, target))
                        return 0;
                if (!replace)
                        return install_message(c, -EEXIST,
                                               "Failed to %s unit, file \"%s\" already exists and is a symlink to \"%s\".",
                                               verb, link, cur);
                if (unlink(link) < 0 && errno != ENOENT)
                        return install_message(c, -errno, "Failed to %s unit, cannot remove \"%s\": %s", verb, link,
                                               strerror(errno));
                if (install_changes_add(c, INSTALL_CHANGE_REMOVED, link, NULL) < 0)
                        return -ENOMEM;
        } else if (errno != ENOENT)
                return install_message(c, -EEXIST, "Failed to %s unit, file \"%s\" already exists.", verb, link);
        int r = mkdir_parents(link);
        if (r >= 0 && symlink(target, link) < 0)
                r = -errno;
        if (r < 0)
                return install_message(c, r, "Failed to %s unit, cannot create symlink \"%s\": %s", verb, link,
                                       strerror(-r));
        return install_changes_add(c, INSTALL_CHANGE_CREATED, link, target);
}

/* Loads name for an install operation; 1 with *ret when it has a file,
 * else 0 or -errno after a message. */
static int install_load(const UnitLoadContext *ctx, const char *verb, const char *name, InstallChanges *c,
                        UnitFile **ret) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        int r = unit_file_load(ctx, name, &u);
        if (r == -EINVAL)
                return install_message(c, r, "Failed to %s unit, unit name \"%s\" is not valid.", verb, name);
        if (r < 0)
                return r;
        switch (u->load_state) {
        case UNIT_NOT_FOUND:
                return install_message(c, -ENOENT, "Failed to %s unit, unit %s does not exist.", verb, u->name);
        case UNIT_MASKED:
                return install_message(c, -ERFKILL, "Failed to %s unit, unit %s is masked.", verb,
                                       u->fragment_path ? u->fragment_path : u->name);
        default:
                break;
        }
        if (!u->fragment_path)
                return install_message(c, -ENOENT, "Failed to %s unit %s: %s", verb, u->name,
                                       u->load_error ? u->load_error : "no unit file");
        char *p = path_simplify(u->fragment_path);
        if (!p)
                return -ENOMEM;
        free(u->fragment_path);
        u->fragment_path = p;
        *ret = TAKE_PTR(u);
        return 1;
}

/* The name a unit is linked under: its DefaultInstance= for a template. */
static char *install_link_name(const UnitFile *u) {
        const char *di = u->s.install.default_instance;
        if (unit_name_is_template(u->id) && di)
                return unit_name_instantiate(u->id, di);
        return strdup(u->id);
}

/* "foo@.target" for "bar@x.service" -> "foo@x.target"; other names as they are. */
static char *install_instantiate(const char *name, const char *lname) {
        _cleanup_free_ char *inst = NULL;
        if (unit_name_is_template(name) && unit_name_instance(lname, &inst) >= 0 && inst)
                return unit_name_instantiate(name, inst);
        return strdup(name);
}

static int enable_deps(const char *first, const UnitFile *u, const char *lname, char **targets, const char *suffix,
                       InstallChanges *c) {
        int ret = 0;
        STRV_FOREACH(t, targets) {
                _cleanup_free_ char *tname = install_instantiate(*t, lname), *link = NULL;
                if (!tname)
                        return -ENOMEM;
                if (unit_name_is_template(lname) && !unit_name_is_template(tname)) {
                        int r = install_message(c, -EINVAL, "Failed to enable %s, destination unit %s is a non-template unit.",
                                                u->id, tname);
                        if (!keep_error(&ret, r))
                                return r;
                        continue;
                }
                if (asprintf(&link, "%s/%s.%s/%s", first, tname, suffix, lname) < 0)
                        return -ENOMEM;
                if (!keep_error(&ret, link_make(c, "enable", link, u->fragment_path, true)))
                        return -ENOMEM;
        }
        return ret;
}

static int enable_aliases(const char *first, const UnitFile *u, const char *lname, InstallChanges *c) {
        int ret = 0;
        STRV_FOREACH(a, u->s.install.alias) {
                _cleanup_free_ char *aname = install_instantiate(*a, lname), *link = NULL;
                if (!aname || !(link = unit_path_join(first, aname)))
                        return -ENOMEM;
                if (streq(aname, lname))
                        continue;
                if (!keep_error(&ret, link_make(c, "enable", link, u->fragment_path, false)))
                        return -ENOMEM;
        }
        return ret;
}

/* Enables one unit and its Also= units. *no_config is set when a unit
 * named by the user (not through Also=) has nothing to install. */
static int enable_one(const UnitLoadContext *ctx, const char *name, bool via_also, char ***seen, bool *no_config,
                      InstallChanges *c) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        int r = install_load(ctx, "enable", name, c, &u);
        if (r <= 0)
                return r;
        if (strv_contains(*seen, u->id))
                return 0;
        if (strv_extend(seen, u->id) < 0)
                return -ENOMEM;
        const InstallSettings *i = &u->s.install;
        if (!i->wanted_by && !i->required_by && !i->alias && !i->also) {
                *no_config |= !via_also;
                return 0;
        }
        _cleanup_free_ char *lname = install_link_name(u);
        if (!lname)
                return -ENOMEM;
        const char *first = first_dir(ctx);
        int ret = 0;
        if (!keep_error(&ret, enable_aliases(first, u, lname, c)) ||
            !keep_error(&ret, enable_deps(first, u, lname, i->wanted_by, "wants", c)) ||
            !keep_error(&ret, enable_deps(first, u, lname, i->required_by, "requires", c)))
                return -ENOMEM;
        STRV_FOREACH(a, i->also)
                if (!keep_error(&ret, enable_one(ctx, *a, true, seen, no_config, c)))
                        return -ENOMEM;
        return ret;
}

static int no_first_dir(InstallChanges *c, const char *verb) {
        return install_message(c, -ENOENT, "Failed to %s unit: no unit directory to write to.", verb);
}

int unit_install_enable(const UnitLoadContext *ctx, char **names, InstallChanges *changes) {
        if (!first_dir(ctx))
                return no_first_dir(changes, "enable");
        _cleanup_strv_free_ char **seen = NULL;
        bool no_config = false;
        int ret = 0;
        STRV_FOREACH(n, names)
                if (!keep_error(&ret, enable_one(ctx, *n, false, &seen, &no_config, changes)))
                        return -ENOMEM;
        if (no_config && install_changes_add(changes, INSTALL_CHANGE_NOTE, INSTALL_NO_CONFIG_NOTICE, NULL) < 0)
                return -ENOMEM;
        return ret;
}

/* Collects the names and files whose links disable removes for name. */
static int disable_collect(const UnitLoadContext *ctx, const char *name, char ***names, char ***files,
                           InstallChanges *c) {
        _cleanup_free_ char *n = isempty(name) ? NULL : unit_name_complete(name);
        if (!n || !unit_name_is_valid(n))
                return install_message(c, -EINVAL, "Failed to disable unit, unit name \"%s\" is not valid.", name);
        if (strv_contains(*names, n))
                return 0;
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        int r = unit_file_load(ctx, n, &u);
        if (r < 0)
                return r;
        if (u->load_state == UNIT_MASKED)
                return install_message(c, 0, "Unit %s is masked, ignoring.", u->fragment_path ? u->fragment_path : n);
        if (strv_extend(names, n) < 0)
                return -ENOMEM;
        if (!u->fragment_path)
                return 0; /* no file: only links named after it go */
        _cleanup_free_ char *p = path_simplify(u->fragment_path), *lname = install_link_name(u);
        if (!p || !lname || (!strv_contains(*names, u->id) && strv_extend(names, u->id) < 0) ||
            strv_extend(files, p) < 0)
                return -ENOMEM;
        STRV_FOREACH(a, u->s.install.alias) {
                _cleanup_free_ char *aname = install_instantiate(*a, lname);
                if (!aname || (!strv_contains(*names, aname) && strv_extend(names, aname) < 0))
                        return -ENOMEM;
        }
        int ret = 0;
        STRV_FOREACH(a, u->s.install.also)
                if (!keep_error(&ret, disable_collect(ctx, *a, names, files, c)))
                        return -ENOMEM;
        return ret;
}

/* Should the symlink dir/entry (pointing at target) go? */
static bool link_matches(const char *dir, const char *entry, const char *target, char **names, char **files) {
        _cleanup_free_ char *tmpl = unit_name_template_of(entry);
        if (strv_contains(names, entry) || (tmpl && strv_contains(names, tmpl)) ||
            strv_contains(names, base_name(target)))
                return true;
        _cleanup_free_ char *joined = NULL, *abs = NULL;
        if (target[0] != '/' && asprintf(&joined, "%s/%s", dir, target) < 0)
                return false;
        abs = path_simplify(joined ? joined : target);
        return abs && strv_contains(files, abs);
}

/* Removes the matching symlinks of dir, and of its link directories when top. */
static int remove_links(const char *dir, bool top, char **names, char **files, InstallChanges *c) {
        DIR *d = opendir(dir);
        if (!d)
                return 0;
        _cleanup_strv_free_ char **entries = NULL;
        struct dirent *de;
        int r = 0;
        while (r >= 0 && (de = readdir(d)))
                if (de->d_name[0] != '.')
                        r = strv_extend(&entries, de->d_name);
        closedir(d);
        if (r < 0 || !entries)
                return r;
        strv_sort(entries);
        int ret = 0;
        STRV_FOREACH(e, entries) {
                _cleanup_free_ char *p = unit_path_join(dir, *e);
                if (!p)
                        return -ENOMEM;
                if (top && (endswith(*e, ".wants") || endswith(*e, ".requires"))) {
                        if (!keep_error(&ret, remove_links(p, false, names, files, c)))
                                return -ENOMEM;
                        continue;
                }
                char target[PATH_MAX];
                ssize_t n = readlink(p, target, sizeof target - 1);
                if (n < 0 || !unit_name_is_valid(*e))
                        continue;
                target[n] = 0;
                if (!link_matches(dir, *e, target, names, files))
                        continue;
                if (unlink(p) < 0) {
                        if (!keep_error(&ret, install_message(c, -errno, "Failed to remove \"%s\": %s", p, strerror(errno))))
                                return -ENOMEM;
                        continue;
                }
                if (install_changes_add(c, INSTALL_CHANGE_REMOVED, p, NULL) < 0)
                        return -ENOMEM;
        }
        return ret;
}

int unit_install_disable(const UnitLoadContext *ctx, char **names, InstallChanges *changes) {
        if (!first_dir(ctx))
                return no_first_dir(changes, "disable");
        _cleanup_strv_free_ char **remove_names = NULL, **files = NULL;
        int ret = 0;
        STRV_FOREACH(n, names)
                if (!keep_error(&ret, disable_collect(ctx, *n, &remove_names, &files, changes)))
                        return -ENOMEM;
        if (!remove_names)
                return ret;
        if (!keep_error(&ret, remove_links(first_dir(ctx), true, remove_names, files, changes)))
                return -ENOMEM;
        return ret;
}

static bool is_masking_link(const char *path) {
        char cur[PATH_MAX];
        ssize_t n = readlink(path, cur, sizeof cur - 1);
        if (n < 0)
                return false;
        cur[n] = 0;
        return streq(cur, "/dev/null");
}

/* FIRST/NAME for a valid name, else NULL after a message in *r. */
static char *first_dir_entry(const UnitLoadContext *ctx, const char *verb, const char *name, InstallChanges *c,
                             int *r) {
        _cleanup_free_ char *n = isempty(name) ? NULL : unit_name_complete(name);
        if (!n || !unit_name_is_valid(n)) {
                *r = install_message(c, -EINVAL, "Failed to %s unit, unit name \"%s\" is not valid.", verb, name);
                return NULL;
        }
        char *p = unit_path_join(first_dir(ctx), n);
        *r = p ? 0 : -ENOMEM;
        return p;
}

int unit_install_mask(const UnitLoadContext *ctx, char **names, InstallChanges *changes) {
        if (!first_dir(ctx))
                return no_first_dir(changes, "mask");
        int ret = 0;
        STRV_FOREACH(n, names) {
                int r;
                _cleanup_free_ char *p = first_dir_entry(ctx, "mask", *n, changes, &r);
                if (p)
                        r = link_make(changes, "mask", p, "/dev/null", false);
                if (!keep_error(&ret, r))
                        return -ENOMEM;
        }
        return ret;
}

int unit_install_unmask(const UnitLoadContext *ctx, char **names, InstallChanges *changes) {
        if (!first_dir(ctx))
                return no_first_dir(changes, "unmask");
        int ret = 0;
        STRV_FOREACH(n, names) {
                int r;
                _cleanup_free_ char *p = first_dir_entry(ctx, "unmask", *n, changes, &r);
                if (p && is_masking_link(p)) {
                        if (unlink(p) < 0 && errno != ENOENT)
                                r = install_message(changes, -errno, "Failed to unmask unit, cannot remove \"%s\": %s",
                                                    p, strerror(errno));
                        else
                                r = install_changes_add(changes, INSTALL_CHANGE_REMOVED, p, NULL);
                }
                if (!keep_error(&ret, r))
                        return -ENOMEM;
        }
        return ret;
}

/* "graphical" -> "graphical.target". */
static char *target_name_complete(const char *name) {
        char *n;
        if (isempty(name))
                return NULL;
        if (strchr(name, '.'))
                return strdup(name);
        return asprintf(&n, "%s.target", name) < 0 ? NULL : n;
}

int unit_install_set_default(const UnitLoadContext *ctx, const char *name, InstallChanges *changes) {
        if (!first_dir(ctx))
                return no_first_dir(changes, "set default");
        _cleanup_free_ char *n = target_name_complete(name), *link = NULL;
        if (!n)
                return -ENOMEM;
        if (!unit_name_is_valid(n) || unit_type_from_name(n) != UNIT_TARGET || streq(n, "default.target"))
                return install_message(changes, -EINVAL, "Failed to set default target, \"%s\" is not a valid target name.",
                                       name);
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        int r = install_load(ctx, "set default", n, changes, &u);
        if (r <= 0)
                return r;
        if (!(link = unit_path_join(first_dir(ctx), "default.target")))
                return -ENOMEM;
        if (streq(link, u->fragment_path))
                return 0;
        return link_make(changes, "set default", link, u->fragment_path, true);
}

int unit_install_get_default(const UnitLoadContext *ctx, char **ret) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        int r = unit_file_load(ctx, "default.target", &u);
        if (r < 0)
                return r;
        if (u->load_state == UNIT_MASKED)
                return -ERFKILL;
        if (!u->fragment_path)
                return -ENOENT;
        char *s = strdup(u->id);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}
