/* mountinfo.h — which filesystem a path is on, from the text of
 * /proc/self/mountinfo (proc(5)), without touching the path.
 *
 * A spawn that suspends us until the child's execve() (exec-clone.c) is
 * only safe when every path the child touches is on a local filesystem: a
 * hung NFS server or FUSE daemon would hang the child and us with it. A
 * stat() or realpath() to find out would hang just the same, so the answer
 * comes from the mount table alone: the longest mount point that is a
 * prefix of the path, component by component. Every such mount counts,
 * not only the longest: to reach a local mount below an NFS or FUSE
 * directory the kernel checks permissions on, and may revalidate, that
 * directory, which asks the server or the daemon. Symbolic links are not
 * followed (they cannot be without touching the path).
 *
 * Everything uncertain counts as remote: a path that is not absolute or
 * has a ".." component, a path below no mount, a mount without a type,
 * and a table that did not parse (mount_table_parse() fails then). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct MountTable MountTable;

/* Parses mountinfo text (size bytes, need not end in a newline or NUL)
 * into a new table in *ret. -EBADMSG when any line is not a mountinfo
 * line (the table would have a hole where a remote mount may be),
 * -ENOMEM. */
int mount_table_parse(const char *text, size_t size, MountTable **ret);
MountTable *mount_table_free(MountTable *t);
static inline void mount_table_freep(MountTable **t) {
        mount_table_free(*t);
}

/* Number of mounts in the table (0 for NULL). */
size_t mount_table_size(const MountTable *t);

/* Whether a filesystem of this type (mountinfo's field after " - ") may
 * block on a server or a user-space daemon: network filesystems, FUSE,
 * autofs. NULL or "" counts as remote. */
bool mount_type_is_remote(const char *fstype);

/* Whether path may be on such a filesystem. True for a NULL table. */
bool mount_table_path_is_remote(const MountTable *t, const char *path);

/* Reads the whole of an open /proc/self/mountinfo from offset 0 (pread, so
 * the fd's position does not matter) into a new NUL-terminated buffer in
 * *ret, its length in *ret_size. Returns 0 or -errno. */
int mountinfo_read_fd(int fd, char **ret, size_t *ret_size);
