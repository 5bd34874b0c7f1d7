#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/macro.h"

static void close_inherited_fds(int keep1, int keep2) {
        /* close_range() cannot skip two fds; do ranges around them. */
        int lo = MIN(keep1, keep2), hi = MAX(keep1, keep2);
        int ranges[][2] = { { 3, lo - 1 }, { lo + 1, hi - 1 }, { hi + 1, -1 } };
        for (size_t i = 0; i < ELEMENTSOF(ranges); i++) {
                unsigned from = (unsigned) MAX(ranges[i][0], 3);
                unsigned to = ranges[i][1] < 0 ? ~0U : (unsigned) ranges[i][1];
                if (from <= to && syscall(436 /* close_range */, from, to, 0) < 0)
                        for (unsigned fd = from; fd <= to && fd < 65536; fd++)
                                (void) close((int) fd);
        }
}

static void wait_for_ready(int fd, pid_t child) {
        char c;
        ssize_t n;
        do
                n = read(fd, &c, 1);
        while (n < 0 && errno == EINTR);
        /* The intermediate child exits right after the second fork. */
        (void) waitpid(child, NULL, 0);
        _exit(n == 1 ? EXIT_SUCCESS : EXIT_FAILURE);
}

int daemon_detach(int keep_fd, int *ret_ready_fd) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return negative_errno();
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid > 0) {
                close(p[1]);
                wait_for_ready(p[0], pid);
        }
        close(p[0]);
        if (setsid() < 0)
                _exit(EXIT_FAILURE);
        pid = fork();
        if (pid < 0)
                _exit(EXIT_FAILURE);
        if (pid > 0)
                _exit(EXIT_SUCCESS);
        /* The second fork made us a non-leader, so we can never acquire a
         * terminal by accident; a session of our own (every tty we open is
         * O_NOCTTY) also keeps us out of the first child's session, whose
         * leader is gone. */
        (void) setsid();
        umask(022);
        if (chdir("/") < 0)
                _exit(EXIT_FAILURE);
        close_inherited_fds(keep_fd < 0 ? p[1] : keep_fd, p[1]);
        *ret_ready_fd = p[1];
        return 0;
}

int daemon_ready(int ready_fd) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null < 0)
                return negative_errno();
        for (int fd = 0; fd < 3; fd++)
                if (dup2(null, fd) < 0)
                        return negative_errno();
        if (null > 2)
                close(null);
        if (ready_fd >= 0) {
                (void) !write(ready_fd, "1", 1);
                close(ready_fd);
        }
        return 0;
}

int pidfile_lock(const char *path, pid_t *ret_holder) {
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return negative_errno();
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                int r = errno == EWOULDBLOCK ? -EBUSY : negative_errno();
                char buf[32] = "";
                ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
                *ret_holder = n > 0 ? (pid_t) atoi(buf) : 0;
                close(fd);
                return r;
        }
        return fd;
}

int pidfile_write(int fd) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%d\n", (int) getpid());
        if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t) n, 0) != n)
                return negative_errno();
        return 0;
}
