/* exec-dirs.c — RuntimeDirectory= and its siblings (see exec-dirs.h), and
 * the file-tree helpers generators.c and tmpfiles.c share. */
#include "exec-dirs.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/strv.h"
#include "manager.h"

/* Deeper trees are left alone rather than risk running out of fds. */
#define REMOVE_DEPTH_MAX 128

static const char *const dir_env_names[_EXEC_DIRECTORY_MAX] = {
        [EXEC_DIRECTORY_RUNTIME] = "RUNTIME_DIRECTORY",
        [EXEC_DIRECTORY_STATE] = "STATE_DIRECTORY",
        [EXEC_DIRECTORY_CACHE] = "CACHE_DIRECTORY",
        [EXEC_DIRECTORY_LOGS] = "LOGS_DIRECTORY",
        [EXEC_DIRECTORY_CONFIGURATION] = "CONFIGURATION_DIRECTORY",
};

static const char *const dir_kind_names[_EXEC_DIRECTORY_MAX] = {
        [EXEC_DIRECTORY_RUNTIME] = "runtime",
        [EXEC_DIRECTORY_STATE] = "state",
        [EXEC_DIRECTORY_CACHE] = "cache",
        [EXEC_DIRECTORY_LOGS] = "logs",
        [EXEC_DIRECTORY_CONFIGURATION] = "configuration",
};

static const char *dir_prefix(Manager *m, ExecDirectoryType t) {
        switch (t) {
        case EXEC_DIRECTORY_RUNTIME:
                return m->dir_run;
        case EXEC_DIRECTORY_STATE:
                return m->dir_state;
        case EXEC_DIRECTORY_CACHE:
                return m->dir_cache;
        case EXEC_DIRECTORY_LOGS:
                return m->dir_logs;
        default:
                return m->dir_config;
        }
}

int exec_dirs_mkdir_p(const char *path, mode_t mode) {
        char buf[PATH_MAX];
        size_t l = strlen(path);

        if (l == 0 || l >= sizeof buf)
                return l ? -ENAMETOOLONG : -EINVAL;
        memcpy(buf, path, l + 1);
        for (char *p = buf + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = 0;
                if (mkdir(buf, mode) < 0 && errno != EEXIST)
                        return negative_errno();
                *p = '/';
        }
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
                return negative_errno();
        return 0;
}

/* Removes the entries of the directory dfd (taken over) recursively. */
static int remove_contents_fd(int dfd, dev_t dev, unsigned depth) {
        DIR *d = fdopendir(dfd);
        struct dirent *de;
        int r = 0;

        if (!d) {
                r = negative_errno();
                safe_close(dfd);
                return r;
        }
        while ((errno = 0, de = readdir(d))) {
                struct stat st;
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        if (errno != ENOENT)
                                r = negative_errno();
                        continue;
                }
                if (S_ISDIR(st.st_mode)) {
                        if (st.st_dev != dev || depth >= REMOVE_DEPTH_MAX) {
                                r = st.st_dev != dev ? -EXDEV : -ELOOP;
                                continue; /* a mount point, or too deep: leave it */
                        }
                        int sub = openat(dirfd(d), de->d_name,
                                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
                        if (sub < 0) {
                                r = negative_errno();
                                continue;
                        }
                        int k = remove_contents_fd(sub, dev, depth + 1);
                        if (k < 0)
                                r = k;
                        if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
                                r = negative_errno();
                } else if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT)
                        r = negative_errno();
        }
        closedir(d);
        return r;
}

int exec_dirs_empty_dir(const char *path) {
        struct stat st;
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return errno == ENOENT ? 0 : negative_errno();
        if (fstat(fd, &st) < 0) {
                int r = negative_errno();
                safe_close(fd);
                return r;
        }
        return remove_contents_fd(fd, st.st_dev, 0);
}

int exec_dirs_remove_tree(const char *path) {
        struct stat st;
        if (lstat(path, &st) < 0)
                return errno == ENOENT ? 0 : negative_errno();
        if (!S_ISDIR(st.st_mode))
                return unlink(path) < 0 && errno != ENOENT ? negative_errno() : 0;
        int r = exec_dirs_empty_dir(path);
        if (rmdir(path) < 0 && errno != ENOENT && r >= 0)
                r = negative_errno();
        return r;
}

/* User=/Group= as numbers; *ret_uid/gid stay -1 when not set. */
static int resolve_owner(const ExecSettings *es, uid_t *ret_uid, gid_t *ret_gid) {
        uid_t uid = (uid_t) -1;
        gid_t gid = (gid_t) -1;
        char *end;

        if (es->user) {
                errno = 0;
                unsigned long v = strtoul(es->user, &end, 10);
                struct passwd *pw = getpwnam(es->user);
                if (pw)
                        uid = pw->pw_uid, gid = pw->pw_gid;
                else if (*es->user && !*end && errno == 0 && v < (unsigned long) UINT32_MAX)
                        uid = (uid_t) v, gid = (gid_t) v;
                else
                        return -ESRCH;
        }
        if (es->group) {
                errno = 0;
                unsigned long v = strtoul(es->group, &end, 10);
                struct group *gr = getgrnam(es->group);
                if (gr)
                        gid = gr->gr_gid;
                else if (*es->group && !*end && errno == 0 && v < (unsigned long) UINT32_MAX)
                        gid = (gid_t) v;
                else
                        return -ESRCH;
        }
        *ret_uid = uid;
        *ret_gid = gid;
        return 0;
}

/* The innermost directory: created with mode (parents 0755), an existing
 * one must be a directory and gets mode and owner set again. */
static int create_one(const char *path, mode_t mode, uid_t uid, gid_t gid) {
        struct stat st;
        char *slash = strrchr(path, '/');
        int r;

        if (slash && slash != path) {
                *slash = 0;
                r = exec_dirs_mkdir_p(path, 0755);
                *slash = '/';
                if (r < 0)
                        return r;
        }
        if (mkdir(path, mode) < 0 && errno != EEXIST)
                return negative_errno();
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return errno == ELOOP ? -ENOTDIR : negative_errno();
        r = 0;
        if (fstat(fd, &st) < 0 || fchmod(fd, mode) < 0)
                r = negative_errno();
        else if ((uid != (uid_t) -1 || gid != (gid_t) -1) && (st.st_uid != uid || st.st_gid != gid) &&
                 fchown(fd, uid, gid) < 0)
                r = negative_errno();
        safe_close(fd);
        return r;
}

int exec_dirs_create(Unit *u) {
        const ExecSettings *es = &unit_settings(u)->exec;
        uid_t uid = (uid_t) -1;
        gid_t gid = (gid_t) -1;
        bool any = false;

        for (ExecDirectoryType t = 0; t < _EXEC_DIRECTORY_MAX; t++)
                any = any || (es->directories[t] && es->directories[t][0]);
        if (!any)
                return 0;
        int r = resolve_owner(es, &uid, &gid);
        if (r < 0)
                return log_unit_error_errno(u->name, r, "Failed to look up user '%s' or group '%s' for the "
                                            "service's directories: %m", strempty(es->user), strempty(es->group));

        for (ExecDirectoryType t = 0; t < _EXEC_DIRECTORY_MAX; t++) {
                const char *prefix = dir_prefix(u->manager, t);
                bool chown_it = t != EXEC_DIRECTORY_CONFIGURATION;
                STRV_FOREACH(d, es->directories[t]) {
                        _cleanup_free_ char *p = NULL;
                        if (asprintf(&p, "%s/%s", prefix, *d) < 0)
                                return log_unit_error_errno(u->name, -ENOMEM, "Failed to set up the service's directories: %m");
                        r = exec_dirs_mkdir_p(prefix, 0755);
                        if (r >= 0)
                                r = create_one(p, es->directory_mode[t], chown_it ? uid : (uid_t) -1,
                                               chown_it ? gid : (gid_t) -1);
                        if (r < 0)
                                return log_unit_error_errno(u->name, r, "Failed to set up %s directory '%s': %m",
                                                            dir_kind_names[t], p);
                        log_unit_debug(u->name, "Set up %s directory '%s'.", dir_kind_names[t], p);
                }
        }
        return 0;
}

int exec_dirs_environment(Unit *u, char ***env) {
        const ExecSettings *es = &unit_settings(u)->exec;

        for (ExecDirectoryType t = 0; t < _EXEC_DIRECTORY_MAX; t++) {
                const char *prefix = dir_prefix(u->manager, t);
                _cleanup_free_ char *v = NULL;
                if (!es->directories[t] || !es->directories[t][0])
                        continue;
                STRV_FOREACH(d, es->directories[t]) {
                        char *n = NULL;
                        if (asprintf(&n, "%s%s%s/%s", v ? v : "", v ? ":" : "", prefix, *d) < 0)
                                return -ENOMEM;
                        free(v);
                        v = n;
                }
                char *line = NULL;
                if (asprintf(&line, "%s=%s", dir_env_names[t], v) < 0)
                        return -ENOMEM;
                int r = strv_consume(env, line);
                if (r < 0)
                        return r;
        }
        return 0;
}

void exec_dirs_destroy_runtime(Unit *u, bool restarting) {
        const ExecSettings *es = &unit_settings(u)->exec;

        if (es->runtime_directory_preserve || (restarting && es->runtime_directory_preserve_restart))
                return;
        STRV_FOREACH(d, es->directories[EXEC_DIRECTORY_RUNTIME]) {
                _cleanup_free_ char *p = NULL;
                if (asprintf(&p, "%s/%s", u->manager->dir_run, *d) < 0) {
                        log_unit_warning(u->name, "Out of memory removing runtime directories, ignoring.");
                        return;
                }
                int r = exec_dirs_remove_tree(p);
                if (r < 0)
                        log_unit_warning_errno(u->name, r, "Failed to remove runtime directory '%s', ignoring: %m", p);
                else
                        log_unit_debug(u->name, "Removed runtime directory '%s'.", p);
        }
}
