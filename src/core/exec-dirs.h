/* exec-dirs.h — the directories systemd.exec(5) lets a unit ask for:
 * RuntimeDirectory= StateDirectory= CacheDirectory= LogsDirectory=
 * ConfigurationDirectory=, under the instance's %t %S %C %L %E
 * (Manager.dir_run ... dir_config: /run, /var/lib, ... or DIR/run ... with
 * --root, the XDG dirs with --user).
 *
 * Life cycle, as systemd's: every start creates them (parents 0755, the
 * innermost with *DirectoryMode= and owned by User=/Group=, except the
 * configuration directory, which stays root's) before the first process of
 * the start runs; the processes get RUNTIME_DIRECTORY= ... with the absolute
 * paths, colon-separated; when the service is dead the runtime directories
 * are removed, unless RuntimeDirectoryPreserve=yes, or =restart and a
 * restart follows. The other kinds are never removed.
 *
 * Runs in the manager: the user and group are looked up with getpwnam()
 * and getgrnam(), as execute.c does for USER/HOME. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "unit.h"

/* Creates every directory u asks for. Logs what failed and returns -errno;
 * the caller fails the start (result 'resources'). */
int exec_dirs_create(Unit *u);

/* Appends RUNTIME_DIRECTORY=... (one variable per kind that u uses) to *env. */
int exec_dirs_environment(Unit *u, char ***env);

/* The service is dead: removes its runtime directories unless they are to
 * be kept (restarting: a restart, automatic or manual, follows). */
void exec_dirs_destroy_runtime(Unit *u, bool restarting);

/* Helpers shared with generators.c and tmpfiles.c. */

/* mkdir -p: missing parents get mode too; existing ones are left alone. */
int exec_dirs_mkdir_p(const char *path, mode_t mode);
/* Removes path and everything below it without following symlinks or
 * crossing into other file systems. A missing path is not an error. */
int exec_dirs_remove_tree(const char *path);
/* Removes what is inside the directory path (same rules), keeps path. */
int exec_dirs_empty_dir(const char *path);
