#include "process.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "macro.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

int pidref_set(PidRef *ref, pid_t pid) {
        if (pid <= 0)
                return -EINVAL;
        ref->pid = pid;
        ref->fd = (int) syscall(SYS_pidfd_open, pid, 0); /* always close-on-exec */
        if (ref->fd < 0)
                ref->fd = -1;
        return 0;
}

int pidref_set_fd(PidRef *ref, pid_t pid, int fd) {
        if (fd < 0)
                return pidref_set(ref, pid);
        if (pid <= 0)
                return -EINVAL;
        ref->pid = pid;
        ref->fd = fd;
        return 0;
}

void pidref_set_child(PidRef *ref, pid_t pid) {
        ref->pid = pid;
        ref->fd = -1;
}

void pidref_done(PidRef *ref) {
        ref->fd = safe_close(ref->fd);
        ref->pid = 0;
}

int pidref_kill(const PidRef *ref, int sig) {
        if (ref->pid <= 0)
                return -ESRCH;
        if (ref->fd >= 0) {
                if (syscall(SYS_pidfd_send_signal, ref->fd, sig, NULL, 0) < 0)
                        return negative_errno();
                return 0;
        }
        return kill(ref->pid, sig) < 0 ? negative_errno() : 0;
}

int pidref_kill_group(const PidRef *ref, int sig) {
        int r = pidref_kill(ref, sig);
        /* The group may outlive its leader; it keeps the leader's pid as pgid
         * only while any member lives, so this cannot hit a stranger unless
         * the whole group is gone and the pid reused as a new group id. */
        if (ref->pid > 0 && kill(-ref->pid, sig) == 0)
                r = 0;
        return r;
}

static int read_stat(pid_t pid, char *buf, size_t size, char **ret_after_comm) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        ssize_t n = read(fd, buf, size - 1);
        close(fd);
        if (n <= 0)
                return -EIO;
        buf[n] = 0;
        char *p = strrchr(buf, ')');
        if (!p)
                return -EIO;
        *ret_after_comm = p + 1;
        return 0;
}

int process_get_state(pid_t pid, char *ret) {
        char buf[1024], *p;
        int r = read_stat(pid, buf, sizeof buf, &p);
        if (r < 0)
                return r;
        while (*p == ' ')
                p++;
        *ret = *p;
        return 0;
}

static int read_stat_field(pid_t pid, int field, long *ret) {
        char path[64], buf[1024];
        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0)
                return -EIO;
        buf[n] = 0;
        /* comm may contain spaces and parens: fields start after the last ')'. */
        char *p = strrchr(buf, ')');
        if (!p)
                return -EIO;
        p++;
        for (int i = 3; i <= field; i++) {
                while (*p == ' ')
                        p++;
                if (i == field) {
                        *ret = strtol(p, NULL, 10);
                        return 0;
                }
                while (*p && *p != ' ')
                        p++;
        }
        return -EIO;
}

int process_get_sid(pid_t pid, pid_t *ret) {
        long v;
        int r = read_stat_field(pid, 6, &v);
        if (r < 0)
                return r;
        *ret = (pid_t) v;
        return 0;
}

int process_get_starttime(pid_t pid, unsigned long long *ret) {
        long v;
        /* Field 22 (starttime, clock ticks since boot) does not fit a long
         * only after ~290 million years of uptime. */
        int r = read_stat_field(pid, 22, &v);
        if (r < 0)
                return r;
        *ret = (unsigned long long) v;
        return 0;
}

bool process_is_alive(pid_t pid) {
        char state;
        return process_get_state(pid, &state) >= 0 && state != 'Z' && state != 'X';
}

int process_get_ppid(pid_t pid, pid_t *ret) {
        long v;
        int r = read_stat_field(pid, 4, &v);
        if (r < 0)
                return r;
        *ret = (pid_t) v;
        return 0;
}

int process_list_session(pid_t sid, pid_t exclude, pid_t **ret, size_t *ret_n) {
        DIR *d = opendir("/proc");
        if (!d)
                return negative_errno();
        pid_t *list = NULL;
        size_t n = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (!isdigit((unsigned char) de->d_name[0]))
                        continue;
                pid_t pid = (pid_t) atoi(de->d_name), s;
                if (pid == exclude || process_get_sid(pid, &s) < 0 || s != sid)
                        continue;
                pid_t *nl = realloc(list, sizeof(pid_t) * (n + 1));
                if (!nl) {
                        free(list);
                        closedir(d);
                        return -ENOMEM;
                }
                list = nl;
                list[n++] = pid;
        }
        closedir(d);
        *ret = list;
        *ret_n = n;
        return 0;
}
