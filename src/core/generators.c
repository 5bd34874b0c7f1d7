/* generators.c — finding and running systemd.generator(7) programs (see
 * generators.h). */
#include "generators.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec-dirs.h"
#include "exec/exec.h"
#include "lib/log.h"
#include "lib/strv.h"
#include "lib/timespan.h"

/* More than this many generators is a broken installation, not a plan. */
#define GENERATORS_MAX 256

static const char *const system_generator_dirs[] = {
        "/lib/systemd/system-generators",
        "/usr/lib/systemd/system-generators",
};

static const char *const user_generator_dirs[] = {
        "/usr/lib/systemd/user-generators",
};

static const char *const output_suffix[_GENERATOR_DIR_MAX] = {
        [GENERATOR_DIR_NORMAL] = "/generator",
        [GENERATOR_DIR_EARLY] = "/generator.early",
        [GENERATOR_DIR_LATE] = "/generator.late",
};

char *generator_output_dir(const Manager *m, GeneratorDir d) {
        char *p;
        return asprintf(&p, "%s%s", m->runtime_dir, output_suffix[d]) < 0 ? NULL : p;
}

static bool name_seen(char *const *paths, const char *name) {
        for (char *const *p = paths; p && *p; p++) {
                const char *slash = strrchr(*p, '/');
                if (streq(slash ? slash + 1 : *p, name))
                        return true;
        }
        return false;
}

/* Adds dir's generators to *found and every name to *seen (so a masked
 * name still hides later ones). */
static int collect_dir(const char *dir, char ***found, char ***seen) {
        DIR *d = opendir(dir);
        struct dirent *de;
        int r = 0;

        if (!d)
                return errno == ENOENT || errno == ENOTDIR ? 0 : negative_errno();
        while (r >= 0 && (de = readdir(d))) {
                _cleanup_free_ char *path = NULL;
                struct stat st;
                if (de->d_name[0] == '.' || name_seen(*seen, de->d_name))
                        continue;
                if (strv_length(*seen) >= GENERATORS_MAX) {
                        log_warning("More than %d generators, ignoring the rest.", GENERATORS_MAX);
                        break;
                }
                if (asprintf(&path, "%s/%s", dir, de->d_name) < 0) {
                        r = -ENOMEM;
                        break;
                }
                r = strv_extend(seen, path);
                if (r < 0)
                        break;
                if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
                        log_debug("Skipping generator '%s': not an executable file.", path);
                        continue;
                }
                r = strv_extend(found, path);
        }
        closedir(d);
        return r;
}

static int by_basename(const void *a, const void *b) {
        const char *x = strrchr(*(char *const *) a, '/'), *y = strrchr(*(char *const *) b, '/');
        return strcmp(x ? x + 1 : "", y ? y + 1 : "");
}

static int generators_collect(Manager *m, char ***ret) {
        const char *const *dirs = m->scope == MANAGER_USER ? user_generator_dirs : system_generator_dirs;
        size_t n = m->scope == MANAGER_USER ? ELEMENTSOF(user_generator_dirs) : ELEMENTSOF(system_generator_dirs);
        _cleanup_strv_free_ char **seen = NULL;
        char **found = NULL;

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *dir = NULL;
                if (asprintf(&dir, "%s%s", m->scope == MANAGER_USER ? "" : m->root, dirs[i]) < 0) {
                        strv_free(found);
                        return -ENOMEM;
                }
                int r = collect_dir(dir, &found, &seen);
                if (r < 0) {
                        strv_free(found);
                        return r;
                }
        }
        if (found)
                qsort(found, strv_length(found), sizeof(char *), by_basename);
        *ret = found;
        return 0;
}

/* Waits for pid until deadline; returns 0 with *ret_status (waitpid
 * status), or -ETIME. */
static int wait_until(pid_t pid, usec_t deadline, int *ret_status) {
        int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);

        for (;;) {
                pid_t k = waitpid(pid, ret_status, WNOHANG);
                if (k == pid)
                        break;
                if (k < 0 && errno != EINTR) {
                        safe_close(pidfd);
                        return negative_errno();
                }
                usec_t now = now_monotonic();
                if (now >= deadline) {
                        safe_close(pidfd);
                        return -ETIME;
                }
                /* Without pidfds (Linux < 5.3), look again every 10 ms. */
                int ms = (int) MIN((deadline - now + 999) / 1000, pidfd >= 0 ? 1000U : 10U);
                struct pollfd p = { .fd = pidfd, .events = POLLIN };
                (void) poll(pidfd >= 0 ? &p : NULL, pidfd >= 0 ? 1 : 0, ms);
        }
        safe_close(pidfd);
        return 0;
}

static void log_generator_end(const char *path, int status, int report_fd) {
        ExecFailure f;

        if (exec_read_report(report_fd, &f) == 1)
                log_warning("Failed at step %s spawning generator %s: %s", exec_step_to_string(f.step), path,
                            strerror(f.error));
        else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
                log_warning("Generator '%s' failed with exit status %d, ignoring.", path, WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
                log_warning("Generator '%s' terminated by signal %s, ignoring.", path,
                            signal_to_string(WTERMSIG(status)));
        else
                log_debug("Generator '%s' finished.", path);
}

/* Runs one generator; returns -ETIME when it was killed at the deadline. */
static int generator_run_one(Manager *m, const char *path, char *const *outdirs, int out_fd, usec_t deadline) {
        char *argv[] = { (char *) path, outdirs[0], outdirs[1], outdirs[2], NULL };
        char *envp[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                         m->scope == MANAGER_USER ? "SYSTEMD_SCOPE=user" : "SYSTEMD_SCOPE=system",
                         "SYSTEMD_IN_INITRD=0", NULL };
        ExecParams p = {
                .path = path,
                .argv = argv,
                .envp = envp,
                .umask = 022,
                .stdin_fd = -1,
                .stdout_fd = out_fd,
                .stderr_fd = out_fd,
                .new_session = true,
        };
        pid_t pid;
        int report, status = 0;

        log_debug("Running generator '%s'.", path);
        int r = exec_spawn(&p, &pid, &report);
        if (r < 0)
                return log_warning_errno(r, "Failed to fork generator '%s', ignoring: %m", path), 0;
        r = wait_until(pid, deadline, &status);
        if (r == -ETIME) {
                log_warning("Generator '%s' timed out, killing it and skipping the rest.", path);
                (void) kill(-pid, SIGKILL);
                (void) kill(pid, SIGKILL);
                while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                        ;
        } else if (r < 0)
                log_warning_errno(r, "Failed to wait for generator '%s', ignoring: %m", path);
        else
                log_generator_end(path, status, report);
        safe_close(report);
        return r == -ETIME ? r : 0;
}

/* Empties (or creates) the three output directories. */
static int generators_prepare_dirs(Manager *m, char **outdirs) {
        for (GeneratorDir d = 0; d < _GENERATOR_DIR_MAX; d++) {
                outdirs[d] = generator_output_dir(m, d);
                if (!outdirs[d])
                        return -ENOMEM;
                int r = exec_dirs_remove_tree(outdirs[d]);
                if (r >= 0)
                        r = exec_dirs_mkdir_p(outdirs[d], 0755);
                if (r < 0)
                        return log_warning_errno(r, "Failed to prepare '%s': %m", outdirs[d]);
        }
        return 0;
}

void generators_run(Manager *m) {
        _cleanup_strv_free_ char **gens = NULL;
        char *outdirs[_GENERATOR_DIR_MAX + 1] = {};
        int out_fd = -1;

        int r = generators_prepare_dirs(m, outdirs);
        if (r < 0)
                goto finish;
        r = generators_collect(m, &gens);
        if (r < 0) {
                log_warning_errno(r, "Failed to list generators, ignoring: %m");
                goto finish;
        }
        if (!gens)
                goto finish;
        out_fd = open(m->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
        usec_t deadline = now_monotonic() + GENERATORS_TIMEOUT_USEC;
        STRV_FOREACH(g, gens)
                if (generator_run_one(m, *g, outdirs, out_fd, deadline) == -ETIME)
                        break;
finish:
        safe_close(out_fd);
        for (GeneratorDir d = 0; d < _GENERATOR_DIR_MAX; d++)
                free(outdirs[d]);
}
