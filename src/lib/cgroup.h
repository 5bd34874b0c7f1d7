/* cgroup.h — the few cgroup v2 operations superd needs to track processes.
 *
 * Paths are absolute file-system paths of cgroup directories (under the
 * cgroup2 mount). Nothing here keeps state or logs: callers own the paths
 * and fds they get. A cgroup is "populated" while any process is in it or
 * below it; its cgroup.events file signals changes with POLLPRI. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* The cgroup2 mount: /sys/fs/cgroup if it is cgroup2, else
 * /sys/fs/cgroup/unified (hybrid layout). -ENOMEDIUM: none. */
int cgroup_find_mount(char **ret);
/* The v2 cgroup ("0::/path") of pid (0: ourselves), e.g. "/" or "/a/b". */
int cgroup_get_path(pid_t pid, char **ret);
/* Makes dir (EEXIST is fine) and checks that we can write its cgroup.procs. */
int cgroup_create(const char *dir);
/* Removes an empty cgroup dir; -EBUSY while processes are in it. */
int cgroup_remove(const char *dir);
/* The pids in dir's cgroup.procs; *ret_n may be 0 (then *ret is NULL). */
int cgroup_list_pids(const char *dir, pid_t **ret, size_t *ret_n);
/* true when some process is in dir (cgroup.events "populated 1"). */
bool cgroup_is_populated(const char *dir);
/* Sends sig to every process in dir, again until no new process shows up
 * (a process may fork while we signal). SIGKILL uses cgroup.kill when the
 * kernel has it. Returns how many processes were signalled, or -errno. */
int cgroup_kill(const char *dir, int sig);
/* Opens dir/cgroup.events for EPOLLPRI watching (O_CLOEXEC). */
int cgroup_open_events(const char *dir);
/* Makes dir (EEXIST is fine) and opens it (O_RDONLY|O_DIRECTORY|O_CLOEXEC):
 * the fd clone3(CLONE_INTO_CGROUP) wants, and the base for the *_at()
 * calls, which then walk no path. */
int cgroup_open_dir(const char *dir);
/* Opens cgroup.events of the cgroup dir_fd for EPOLLPRI watching. */
int cgroup_open_events_at(int dir_fd);
/* 1 when "populated 1" is in text, or (text NULL) in what events_fd reads
 * now; 0 when not; -errno. */
int cgroup_events_populated(int events_fd, const char *text);
/* Reads a number from dir/file (pids.current, memory.current); -ENOENT if
 * the controller is not enabled there. */
int cgroup_read_u64(const char *dir, const char *file, unsigned long long *ret);
/* Writes text to dir/file. */
int cgroup_write(const char *dir, const char *file, const char *text);
/* true when controller is listed in dir/cgroup.subtree_control. */
bool cgroup_subtree_has(const char *dir, const char *controller);
