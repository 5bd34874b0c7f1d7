/* mounts.h — the manager's copy of its mount table, so a spawn can tell
 * whether the child may share our memory until it execs (exec-clone.c):
 * only when every path it touches first is on a local filesystem, since we
 * are suspended meanwhile and a hung NFS server or FUSE daemon would hang
 * us with the child.
 *
 * /proc/self/mountinfo stays open and watched for EPOLLPRI, which the
 * kernel raises on every mount and unmount in our namespace; the table is
 * read anew then, never on a timer. When it cannot be read, parsed or
 * watched, no path is local and every child is forked.
 *
 * Ownership: the Manager owns its ManagerMounts (Manager.mounts). */
#pragma once

#include <stdbool.h>

typedef struct Manager Manager;
typedef struct ManagerMounts ManagerMounts;

/* Opens, watches and reads the mount table. Failure is logged and leaves
 * Manager.mounts NULL: nothing is local. */
int manager_mounts_setup(Manager *m);
void manager_mounts_free(Manager *m);

/* Reads the table anew if it changed since (a poll() that does not wait):
 * once before a spawn, so a mount made just before a start request whose
 * event is not dispatched yet is seen. */
void manager_mounts_refresh(Manager *m);

/* Whether the absolute path is below no NFS, FUSE or other remote mount
 * (mountinfo.h). False when the table is unknown. */
bool manager_path_is_local(Manager *m, const char *path);
