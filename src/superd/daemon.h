/* daemon.h — the classic daemon rules, done once and right (SPEC 4).
 *
 * daemon_detach(): fork; the first parent waits on a pipe and exits 0 when
 * the daemon says it is ready, or 1 if the daemon dies first (the daemon's
 * stderr is still the caller's until then, so the reason was printed
 * there). The child calls setsid(), forks again (so it can never regain a
 * controlling terminal), then calls setsid() once more to lead a session of
 * its own (it opens every tty O_NOCTTY), sets the umask and chdir("/"), and closes every
 * inherited fd but 0-2 and keep_fd. daemon_ready() tells the waiting parent
 * and puts /dev/null on 0-2. */
#pragma once

#include <sys/types.h>

/* Returns 0 in the daemon (with *ret_ready_fd to pass to daemon_ready), or
 * -errno. Never returns in the waiting parent. */
int daemon_detach(int keep_fd, int *ret_ready_fd);
int daemon_ready(int ready_fd);

/* Takes an exclusive lock on path. On success returns the fd. If another
 * process holds it, returns -EBUSY and *ret_holder (0 if unknown). */
int pidfile_lock(const char *path, pid_t *ret_holder);
/* Writes our pid into the locked file. */
int pidfile_write(int fd);
