/* manager-paths.c — where an instance keeps things (SPEC 3): system,
 * --user and --root DIR, and the unit search path with UnitPath= and
 * $SUPERD_UNIT_PATH. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generators.h"
#include "lib/strv.h"
#include "manager.h"

static char *path_join(const char *a, const char *b) {
        char *r;
        return asprintf(&r, "%s%s", a, b) < 0 ? NULL : r;
}

static const char *home_dir(void) {
        const char *h = getenv("HOME");
        if (h && *h == '/')
                return h;
        struct passwd *pw = getpwuid(getuid());
        return pw ? pw->pw_dir : "/";
}

/* $XDG_X, else HOME/fallback. */
static char *xdg_dir(const char *var, const char *fallback) {
        const char *v = getenv(var);
        if (v && *v == '/')
                return strdup(v);
        return path_join(home_dir(), fallback);
}

static const char *const system_unit_dirs[] = {
        "/etc/superd/units", "/etc/systemd/system", "/run/systemd/system",
        "/lib/systemd/system", "/usr/lib/systemd/system",
};

/* With the generators' output dirs where systemd puts them (generators.h):
 * early first, normal before the vendor dirs, late last. */
static int default_search_path(Manager *m, char ***ret) {
        char **l = NULL;
        if (strv_consume(&l, generator_output_dir(m, GENERATOR_DIR_EARLY)) < 0)
                goto oom;
        if (m->scope == MANAGER_USER) {
                _cleanup_free_ char *cfg = xdg_dir("XDG_CONFIG_HOME", "/.config");
                if (!cfg || strv_consume(&l, path_join(cfg, "/superd/units")) < 0 ||
                    strv_consume(&l, path_join(cfg, "/systemd/user")) < 0 ||
                    strv_consume(&l, generator_output_dir(m, GENERATOR_DIR_NORMAL)) < 0 ||
                    strv_extend(&l, "/usr/lib/systemd/user") < 0)
                        goto oom;
        } else
                for (size_t i = 0; i < ELEMENTSOF(system_unit_dirs); i++) {
                        if (streq(system_unit_dirs[i], "/lib/systemd/system") &&
                            strv_consume(&l, generator_output_dir(m, GENERATOR_DIR_NORMAL)) < 0)
                                goto oom;
                        if (strv_consume(&l, path_join(m->root, system_unit_dirs[i])) < 0)
                                goto oom;
                }
        if (strv_consume(&l, generator_output_dir(m, GENERATOR_DIR_LATE)) < 0)
                goto oom;
        *ret = l;
        return 0;
oom:
        strv_free(l);
        return -ENOMEM;
}

/* "a:b:" -> a, b, then the default list (an empty last entry appends it). */
int manager_build_search_path(Manager *m, const char *spec) {
        char **l = NULL, **def = NULL;
        int r = default_search_path(m, &def);
        if (r < 0)
                return r;
        if (!spec || !*spec) {
                strv_free(m->search_path);
                m->search_path = def;
                m->load_ctx.search_path = def;
                return 0;
        }
        char **parts = strv_split(spec, ":");
        bool append = spec[strlen(spec) - 1] == ':';
        if (!parts)
                goto oom;
        /* Given paths are taken as written, also under --root: that is how a
         * folder instance runs the units a package installed in /lib. */
        STRV_FOREACH(p, parts)
                if (**p == '/' && strv_extend(&l, *p) < 0)
                        goto oom;
        if (append && strv_extend_strv(&l, def) < 0)
                goto oom;
        if (!l && !(l = calloc(1, sizeof(char *))))
                goto oom;
        strv_free(parts);
        strv_free(def);
        strv_free(m->search_path);
        m->search_path = l;
        m->load_ctx.search_path = l;
        return 0;
oom:
        strv_free(parts);
        strv_free(def);
        strv_free(l);
        return -ENOMEM;
}

static int setup_user_paths(Manager *m) {
        _cleanup_free_ char *cfg = xdg_dir("XDG_CONFIG_HOME", "/.config");
        _cleanup_free_ char *state = xdg_dir("XDG_STATE_HOME", "/.local/state");
        _cleanup_free_ char *cache = xdg_dir("XDG_CACHE_HOME", "/.cache");
        const char *rt = getenv("XDG_RUNTIME_DIR");
        char fallback[64];
        if (!rt || *rt != '/') {
                snprintf(fallback, sizeof fallback, "/tmp/superd-%u", (unsigned) getuid());
                rt = fallback;
        }
        if (!cfg || !state || !cache)
                return -ENOMEM;
        m->config_path = path_join(cfg, "/superd/superd.conf");
        m->runtime_dir = path_join(rt, "/superd");
        m->state_dir = path_join(state, "/superd");
        m->dir_run = strdup(rt);
        m->dir_state = strdup(state);
        m->dir_cache = strdup(cache);
        m->dir_logs = path_join(state, "/log");
        m->dir_config = strdup(cfg);
        return 0;
}

static int setup_system_paths(Manager *m) {
        m->config_path = path_join(m->root, "/etc/superd.conf");
        m->runtime_dir = path_join(m->root, "/run/superd");
        m->state_dir = path_join(m->root, "/var/lib/superd");
        m->dir_run = path_join(m->root, "/run");
        m->dir_state = path_join(m->root, "/var/lib");
        m->dir_cache = path_join(m->root, "/var/cache");
        m->dir_logs = path_join(m->root, "/var/log");
        m->dir_config = path_join(m->root, "/etc");
        return 0;
}

int manager_setup_paths(Manager *m, const ManagerOptions *o) {
        m->scope = o->scope;
        m->root = strdup(o->root ? o->root : "");
        if (!m->root)
                return -ENOMEM;
        int r = m->scope == MANAGER_USER ? setup_user_paths(m) : setup_system_paths(m);
        if (r < 0)
                return r;
        if (!m->config_path || !m->runtime_dir || !m->state_dir || !m->dir_run || !m->dir_state ||
            !m->dir_cache || !m->dir_logs || !m->dir_config)
                return -ENOMEM;
        m->control_path = path_join(m->runtime_dir, "/control");
        m->pid_path = path_join(m->runtime_dir, "/superd.pid");
        m->log_path = path_join(m->runtime_dir, "/superd.log");
        if (!m->control_path || !m->pid_path || !m->log_path)
                return -ENOMEM;
        r = manager_build_search_path(m, getenv("SUPERD_UNIT_PATH"));
        if (r < 0)
                return r;
        m->load_ctx = (UnitLoadContext) {
                .search_path = m->search_path,
                .user_instance = m->scope == MANAGER_USER,
                .runtime_dir = m->dir_run,
                .state_dir = m->dir_state,
                .cache_dir = m->dir_cache,
                .logs_dir = m->dir_logs,
                .config_dir = m->dir_config,
                .root = *m->root ? m->root : NULL,
        };
        return 0;
}
