#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "macro.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static bool is_cgroup2(const char *path) {
        struct statfs sf;
        return statfs(path, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

int cgroup_find_mount(char **ret) {
        static const char *const candidates[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
        for (size_t i = 0; i < ELEMENTSOF(candidates); i++)
                if (is_cgroup2(candidates[i])) {
                        char *p = strdup(candidates[i]);
                        if (!p)
                                return -ENOMEM;
                        *ret = p;
                        return 0;
                }
        return -ENOMEDIUM;
}

int cgroup_get_path(pid_t pid, char **ret) {
        char path[64], line[4096];
        if (pid == 0)
                snprintf(path, sizeof path, "/proc/self/cgroup");
        else
                snprintf(path, sizeof path, "/proc/%d/cgroup", (int) pid);
        FILE *f = fopen(path, "re");
        if (!f)
                return negative_errno();
        int r = -ENOMEDIUM;
        while (fgets(line, sizeof line, f)) {
                if (strncmp(line, "0::", 3) != 0)
                        continue;
                line[strcspn(line, "\n")] = 0;
                char *p = strdup(line + 3);
                r = p ? 0 : -ENOMEM;
                if (p)
                        *ret = p;
                break;
        }
        fclose(f);
        return r;
}

static int cgroup_file(const char *dir, const char *file, char *buf, size_t size) {
        if ((size_t) snprintf(buf, size, "%s/%s", dir, file) >= size)
                return -ENAMETOOLONG;
        return 0;
}

int cgroup_create(const char *dir) {
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return negative_errno();
        char p[4096];
        int r = cgroup_file(dir, "cgroup.procs", p, sizeof p);
        if (r < 0)
                return r;
        return access(p, W_OK) < 0 ? negative_errno() : 0;
}

int cgroup_remove(const char *dir) {
        return rmdir(dir) < 0 && errno != ENOENT ? negative_errno() : 0;
}

int cgroup_list_pids(const char *dir, pid_t **ret, size_t *ret_n) {
        char p[4096];
        int r = cgroup_file(dir, "cgroup.procs", p, sizeof p);
        if (r < 0)
                return r;
        FILE *f = fopen(p, "re");
        if (!f)
                return negative_errno();
        pid_t *list = NULL;
        size_t n = 0;
        long v;
        while (fscanf(f, "%ld", &v) == 1) {
                if (v <= 0)
                        continue;
                pid_t *nl = realloc(list, sizeof(pid_t) * (n + 1));
                if (!nl) {
                        free(list);
                        fclose(f);
                        return -ENOMEM;
                }
                list = nl;
                list[n++] = (pid_t) v;
        }
        fclose(f);
        *ret = list;
        *ret_n = n;
        return 0;
}

bool cgroup_is_populated(const char *dir) {
        char p[4096], line[128];
        if (cgroup_file(dir, "cgroup.events", p, sizeof p) < 0)
                return false;
        FILE *f = fopen(p, "re");
        if (!f)
                return false;
        bool populated = false;
        while (fgets(line, sizeof line, f))
                if (strncmp(line, "populated ", 10) == 0)
                        populated = line[10] == '1';
        fclose(f);
        return populated;
}

int cgroup_write(const char *dir, const char *file, const char *text) {
        char p[4096];
        int r = cgroup_file(dir, file, p, sizeof p);
        if (r < 0)
                return r;
        int fd = open(p, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        ssize_t k = write(fd, text, strlen(text));
        r = k < 0 ? negative_errno() : 0;
        close(fd);
        return r;
}

static bool pid_in(const pid_t *l, size_t n, pid_t pid) {
        for (size_t i = 0; i < n; i++)
                if (l[i] == pid)
                        return true;
        return false;
}

int cgroup_kill(const char *dir, int sig) {
        if (sig == SIGKILL && cgroup_write(dir, "cgroup.kill", "1") == 0)
                return cgroup_is_populated(dir) ? 1 : 0;
        pid_t *done = NULL;
        size_t n_done = 0;
        int r = 0;
        /* A process may fork between our read and its signal: read again
         * until a pass finds nobody new (bounded, a fork bomb cannot keep us). */
        for (int pass = 0; pass < 16; pass++) {
                pid_t *l = NULL;
                size_t n = 0, fresh = 0;
                r = cgroup_list_pids(dir, &l, &n);
                if (r < 0)
                        break;
                for (size_t i = 0; i < n; i++) {
                        if (pid_in(done, n_done, l[i]))
                                continue;
                        (void) kill(l[i], sig);
                        pid_t *nd = realloc(done, sizeof(pid_t) * (n_done + 1));
                        if (nd) {
                                done = nd;
                                done[n_done++] = l[i];
                        }
                        fresh++;
                }
                free(l);
                if (fresh == 0)
                        break;
        }
        free(done);
        return r < 0 ? r : (int) n_done;
}

int cgroup_open_events(const char *dir) {
        char p[4096];
        int r = cgroup_file(dir, "cgroup.events", p, sizeof p);
        if (r < 0)
                return r;
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

int cgroup_open_dir(const char *dir) {
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return negative_errno();
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

int cgroup_open_events_at(int dir_fd) {
        int fd = openat(dir_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

int cgroup_events_populated(int events_fd, const char *text) {
        char buf[256];
        if (!text) {
                ssize_t k = pread(events_fd, buf, sizeof buf - 1, 0);
                if (k < 0)
                        return negative_errno();
                buf[k] = 0;
                text = buf;
        }
        const char *p = strstr(text, "populated ");
        if (!p || (p != text && p[-1] != '\n'))
                return -EBADMSG;
        return p[10] == '1';
}

int cgroup_read_u64(const char *dir, const char *file, unsigned long long *ret) {
        char p[4096];
        int r = cgroup_file(dir, file, p, sizeof p);
        if (r < 0)
                return r;
        FILE *f = fopen(p, "re");
        if (!f)
                return negative_errno();
        unsigned long long v;
        r = fscanf(f, "%llu", &v) == 1 ? 0 : -EIO;
        fclose(f);
        if (r == 0)
                *ret = v;
        return r;
}

bool cgroup_subtree_has(const char *dir, const char *controller) {
        char p[4096], buf[1024];
        if (cgroup_file(dir, "cgroup.subtree_control", p, sizeof p) < 0)
                return false;
        FILE *f = fopen(p, "re");
        if (!f)
                return false;
        bool found = false;
        while (fscanf(f, "%1023s", buf) == 1)
                if (streq(buf, controller))
                        found = true;
        fclose(f);
        return found;
}
