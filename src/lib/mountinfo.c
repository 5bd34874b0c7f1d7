/* mountinfo.c — the mount table from /proc/self/mountinfo text, and which
 * paths lie on filesystems that may block (see mountinfo.h).
 *
 * A line (proc(5)):
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * mount id, parent id, major:minor, root, mount point, options, optional
 * fields up to a lone "-", then filesystem type, source, super options.
 * The kernel writes ' ', '\t', '\n' and '\\' in names as \ooo. */
#include "mountinfo.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "macro.h"

/* Far more than any real table (some 150 bytes per mount): a larger file
 * means something is wrong, and then nothing is local. */
#define MOUNTINFO_MAX (64U * 1024U * 1024U)

typedef struct MountEntry {
        const char *path; /* decoded, in MountTable.text: "/" or no trailing slash */
        size_t len;
        bool remote;
} MountEntry;

struct MountTable {
        char *text; /* a copy of the input, split and decoded in place */
        MountEntry *entries;
        size_t n;
};

static const char *const remote_types[] = {
        "nfs",  "nfs4", "cifs",  "smb3",   "smbfs", "ncpfs", "9p",    "ceph", "glusterfs",
        "afs",  "gfs2", "ocfs2", "lustre", "davfs", "sshfs",
        /* An automount point with nothing mounted on it yet: a path below it
         * makes the automounter mount, from the network as often as not, and
         * the lookup waits for it. */
        "autofs",
};

bool mount_type_is_remote(const char *fstype) {
        if (!fstype || !*fstype)
                return true;
        if (startswith(fstype, "fuse")) /* fuse, fuseblk, fuse.sshfs, ...: a daemon answers */
                return true;
        for (size_t i = 0; i < ELEMENTSOF(remote_types); i++)
                if (streq(fstype, remote_types[i]))
                        return true;
        return false;
}

MountTable *mount_table_free(MountTable *t) {
        if (!t)
                return NULL;
        free(t->entries);
        free(t->text);
        free(t);
        return NULL;
}

size_t mount_table_size(const MountTable *t) {
        return t ? t->n : 0;
}

/* The next space-separated field of *cur, NUL-terminated in place; NULL at
 * the end of the line. */
static char *next_field(char **cur) {
        char *f = *cur;
        if (!f)
                return NULL;
        char *sp = strchr(f, ' ');
        if (sp) {
                *sp = 0;
                *cur = sp + 1;
        } else
                *cur = NULL;
        return f;
}

static bool is_octal(char c) {
        return c >= '0' && c <= '7';
}

/* Undoes the \ooo escapes in place; *ret_len is the decoded length. A
 * stray backslash or an escaped NUL is not the kernel's writing. */
static int unescape(char *s, size_t *ret_len) {
        char *w = s;
        for (const char *r = s; *r;) {
                if (*r != '\\') {
                        *w++ = *r++;
                        continue;
                }
                if (r[1] < '0' || r[1] > '3' || !is_octal(r[2]) || !is_octal(r[3]))
                        return -EBADMSG;
                int v = (r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0');
                if (v == 0)
                        return -EBADMSG;
                *w++ = (char) v;
                r += 4;
        }
        *w = 0;
        *ret_len = (size_t) (w - s);
        return 0;
}

static bool is_number(const char *s) {
        if (!*s)
                return false;
        for (; *s; s++)
                if (*s < '0' || *s > '9')
                        return false;
        return true;
}

static int parse_line(char *line, MountEntry *ret) {
        char *cur = line, *f[6];
        for (size_t i = 0; i < ELEMENTSOF(f); i++)
                if (!(f[i] = next_field(&cur)))
                        return -EBADMSG;
        if (!is_number(f[0]) || !is_number(f[1]) || !strchr(f[2], ':'))
                return -EBADMSG;
        const char *sep; /* optional fields ("shared:1", ...) end at a lone "-" */
        do
                if (!(sep = next_field(&cur)))
                        return -EBADMSG;
        while (!streq(sep, "-"));
        char *fstype = next_field(&cur);
        char *mp = f[4];
        size_t len, type_len;
        if (!fstype || unescape(fstype, &type_len) < 0 || unescape(mp, &len) < 0 || mp[0] != '/')
                return -EBADMSG;
        while (len > 1 && mp[len - 1] == '/')
                mp[--len] = 0;
        *ret = (MountEntry) { .path = mp, .len = len, .remote = mount_type_is_remote(fstype) };
        return 0;
}

int mount_table_parse(const char *text, size_t size, MountTable **ret) {
        if ((!text && size > 0) || !ret)
                return -EINVAL;
        if (size > 0 && memchr(text, 0, size))
                return -EBADMSG;
        _cleanup_(mount_table_freep) MountTable *t = calloc(1, sizeof(MountTable));
        if (!t || !(t->text = malloc(size + 1)))
                return -ENOMEM;
        if (size > 0)
                memcpy(t->text, text, size);
        t->text[size] = 0;
        size_t lines = 1;
        for (const char *p = t->text; (p = strchr(p, '\n')); p++)
                lines++;
        if (!(t->entries = calloc(lines, sizeof(MountEntry))))
                return -ENOMEM;
        for (char *line = t->text, *end; line; line = end) {
                end = strchr(line, '\n');
                if (end)
                        *end++ = 0;
                if (!*line)
                        continue; /* the end of the last line */
                int r = parse_line(line, &t->entries[t->n]);
                if (r < 0)
                        return r;
                t->n++;
        }
        *ret = TAKE_PTR(t);
        return 0;
}

/* Copies path into buf without empty and "." components and without a
 * trailing slash ("/" stays "/"), as the kernel writes mount points. False
 * when it is not absolute, does not fit, or has a ".." component: that may
 * climb out of a mount point through a symbolic link we cannot see. */
static bool path_normalize(const char *path, char *buf, size_t size, size_t *ret_len) {
        if (!path || path[0] != '/' || size < 2)
                return false;
        size_t n = 0;
        for (const char *p = path;;) {
                while (*p == '/')
                        p++;
                size_t l = strcspn(p, "/");
                if (l == 0)
                        break;
                if (l == 2 && p[0] == '.' && p[1] == '.')
                        return false;
                if (!(l == 1 && p[0] == '.')) {
                        if (n + 1 + l >= size)
                                return false;
                        buf[n++] = '/';
                        memcpy(buf + n, p, l);
                        n += l;
                }
                p += l;
        }
        if (n == 0)
                buf[n++] = '/';
        buf[n] = 0;
        *ret_len = n;
        return true;
}

/* Whether the mount point e is path or one of its parent directories. */
static bool mount_covers(const MountEntry *e, const char *path, size_t len) {
        if (e->len == 1) /* "/" */
                return true;
        return e->len <= len && memcmp(e->path, path, e->len) == 0 && (path[e->len] == '/' || path[e->len] == 0);
}

bool mount_table_path_is_remote(const MountTable *t, const char *path) {
        char buf[PATH_MAX];
        size_t len;
        if (!t || !path_normalize(path, buf, sizeof buf, &len))
                return true;
        /* Any remote mount on the way counts (see mountinfo.h), and so do
         * mounts stacked on one point: which is on top the order of the
         * table does not say for certain. */
        bool covered = false;
        for (size_t i = 0; i < t->n; i++) {
                if (!mount_covers(&t->entries[i], buf, len))
                        continue;
                if (t->entries[i].remote)
                        return true;
                covered = true;
        }
        return !covered;
}

int mountinfo_read_fd(int fd, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = NULL;
        size_t cap = 0, n = 0;
        if (fd < 0 || !ret || !ret_size)
                return -EINVAL;
        for (;;) {
                if (cap - n < 2) {
                        size_t ncap = cap ? cap * 2 : 16384;
                        if (ncap > MOUNTINFO_MAX)
                                return -EFBIG;
                        char *nbuf = realloc(buf, ncap);
                        if (!nbuf)
                                return -ENOMEM;
                        buf = nbuf;
                        cap = ncap;
                }
                /* A seq_file reads on where the last read ended; offset 0
                 * starts a fresh walk of the table. */
                ssize_t k = pread(fd, buf + n, cap - n - 1, (off_t) n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        buf[n] = 0;
        *ret = TAKE_PTR(buf);
        *ret_size = n;
        return 0;
}
