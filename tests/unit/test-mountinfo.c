/* test-mountinfo.c — the mount table from /proc/self/mountinfo text, and
 * which paths may be on a filesystem that can hang us (lib/mountinfo.h). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/macro.h"
#include "lib/mountinfo.h"

static const char fixture[] =
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n"
        "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
        "24 22 0:40 / /mnt rw,relatime shared:30 - nfs srv:/export rw,vers=3,hard\n"
        "25 24 8:2 / /mnt/local rw,relatime shared:31 - ext4 /dev/sda2 rw\n"
        "26 22 0:41 / /home/u/remote rw,nosuid,nodev,relatime shared:32 - fuse.sshfs u@h:/ rw,user_id=0\n"
        "27 22 0:42 / /srv/with\\040space rw,relatime - cifs //h/s rw\n"
        "28 22 8:3 / /data rw,relatime - xfs /dev/sdb1 rw\n"
        "29 28 8:4 /sub /data/in\\011tab\\134x rw master:1 propagate_from:2 - ext4 /dev/sdc1 rw\n"
        "30 22 0:43 / /net rw,relatime - autofs systemd-1 rw,fd=30\n"
        "31 22 0:44 / /media/usb/ rw - fuseblk /dev/sdd1 rw\n"
        "32 22 0:45 / /tmp rw - tmpfs tmpfs rw"; /* no newline at the end */

static MountTable *parse(const char *text) {
        MountTable *t = NULL;
        int r = mount_table_parse(text, strlen(text), &t);
        if (r < 0)
                fail_msg("mount_table_parse() = %d", r);
        return t;
}

static bool remote(const MountTable *t, const char *path) {
        return mount_table_path_is_remote(t, path);
}

static void test_types(void **state) {
        const char *rem[] = { "nfs",   "nfs4",  "cifs", "smb3",   "smbfs", "ncpfs",      "9p",
                              "ceph",  "glusterfs", "afs", "gfs2", "ocfs2", "lustre", "davfs",
                              "sshfs", "fuse",  "fuse.sshfs", "fuseblk", "fuse.rclone", "autofs", "" };
        for (size_t i = 0; i < ELEMENTSOF(rem); i++)
                if (!mount_type_is_remote(rem[i]))
                        fail_msg("'%s' counted as local", rem[i]);
        const char *loc[] = { "ext4", "xfs", "btrfs", "tmpfs", "proc", "sysfs", "overlay", "vfat", "nfsd" };
        for (size_t i = 0; i < ELEMENTSOF(loc); i++)
                if (mount_type_is_remote(loc[i]))
                        fail_msg("'%s' counted as remote", loc[i]);
        assert_true(mount_type_is_remote(NULL));
}

static void test_parse(void **state) {
        _cleanup_(mount_table_freep) MountTable *t = parse(fixture);
        assert_int_equal(mount_table_size(t), 11);
        assert_false(remote(t, "/"));
        assert_false(remote(t, "/usr/bin/true"));
        assert_false(remote(t, "/proc/self"));
        assert_true(remote(t, "/mnt"));
        assert_true(remote(t, "/mnt/"));
        assert_true(remote(t, "/mnt/nfs/bin/x"));
        assert_true(remote(t, "/mnt/other"));
        assert_true(remote(t, "/home/u/remote/bin/x"));
        assert_false(remote(t, "/home/u/local"));
        assert_true(remote(t, "/media/usb")); /* the trailing slash of the mount point */
        assert_true(remote(t, "/media/usb/a"));
        assert_false(remote(t, "/media/usbx"));
        assert_false(remote(t, "/tmp/x")); /* the last line, without a newline */
}

static void test_escapes(void **state) {
        _cleanup_(mount_table_freep) MountTable *t = parse(fixture);
        assert_true(remote(t, "/srv/with space"));
        assert_true(remote(t, "/srv/with space/bin/x"));
        assert_false(remote(t, "/srv/with"));
        assert_false(remote(t, "/srv/with\\040space")); /* a literal backslash is another name */
        assert_false(remote(t, "/srv/with spacex"));
        assert_false(remote(t, "/data/in\ttab\\x/y"));
}

/* A local mount below a remote one is reached through the remote
 * directory (permission checks, revalidation ask its server), so it
 * counts as remote; its siblings are on the remote mount itself. */
static void test_nested(void **state) {
        _cleanup_(mount_table_freep) MountTable *t = parse(fixture);
        assert_true(remote(t, "/mnt/local"));
        assert_true(remote(t, "/mnt/local/x"));
        assert_true(remote(t, "/mnt/localx"));
        /* Local below local: /data (xfs), /data/in\ttab\\x (ext4). */
        assert_false(remote(t, "/data/x"));
        assert_false(remote(t, "/data/in\ttab\\x"));

        /* The same mount point twice: the order does not say which is on top. */
        _cleanup_(mount_table_freep) MountTable *s = parse("1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
                                                           "2 1 0:40 / /opt rw - ext4 /dev/sdb rw\n"
                                                           "3 1 0:41 / /opt rw - nfs4 s:/ rw\n");
        assert_true(remote(s, "/opt/x"));
        assert_false(remote(s, "/usr"));
}

static void test_components(void **state) {
        _cleanup_(mount_table_freep) MountTable *t = parse(fixture);
        assert_false(remote(t, "/mntx"));
        assert_false(remote(t, "/mntx/y"));
        assert_false(remote(t, "/mn"));
        assert_true(remote(t, "//mnt//x"));
        assert_true(remote(t, "/./mnt/./x"));
        assert_true(remote(t, "/mnt/."));
        assert_false(remote(t, "/usr/./bin//"));
        assert_false(remote(t, "///"));
        /* Not something we can answer without touching the path. */
        assert_true(remote(t, "/usr/../mnt/x"));
        assert_true(remote(t, "/usr/.."));
        assert_true(remote(t, "usr/bin/true"));
        assert_true(remote(t, "true"));
        assert_true(remote(t, ""));
        assert_true(remote(t, NULL));
        assert_true(remote(NULL, "/usr"));
        char *longp = malloc(8192);
        assert_non_null(longp);
        for (size_t i = 0; i < 8190; i += 2)
                memcpy(longp + i, "/a", 2);
        longp[8190] = 0;
        assert_true(remote(t, longp));
        free(longp);
        assert_false(remote(t, "/a/...")); /* "..." is a name */
}

/* A table without "/" covers nothing outside its mounts. */
static void test_uncovered(void **state) {
        _cleanup_(mount_table_freep) MountTable *t = parse("5 1 8:1 / /srv rw - ext4 /dev/sda1 rw\n");
        assert_false(remote(t, "/srv/x"));
        assert_true(remote(t, "/usr/bin/x"));
        assert_true(remote(t, "/"));
        _cleanup_(mount_table_freep) MountTable *e = parse("");
        assert_int_equal(mount_table_size(e), 0);
        assert_true(remote(e, "/"));
        /* No type after the separator: unknown, so remote. */
        _cleanup_(mount_table_freep) MountTable *n = parse("1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
                                                           "2 1 8:2 / /x rw - \n");
        assert_true(remote(n, "/x/y"));
        assert_false(remote(n, "/y"));
}

static void test_garbage(void **state) {
        const char *bad[] = {
                "garbage\n",
                "1 0 8:1 / / rw - ext4 /dev/sda1 rw\nhello world\n",
                "1 0 8:1 / / rw ext4 /dev/sda1 rw\n",               /* no separator */
                "1 0 8:1 / / rw -\n",                               /* no type */
                "1 0 8:1 / /\n",
                "x 0 8:1 / / rw - ext4 /dev/sda1 rw\n",
                "1 0 81 / / rw - ext4 /dev/sda1 rw\n",
                "1 0 8:1 / mnt rw - ext4 /dev/sda1 rw\n",           /* not absolute */
                "1 0 8:1 / /a\\04 rw - ext4 /dev/sda1 rw\n",        /* short escape */
                "1 0 8:1 / /a\\ rw - ext4 /dev/sda1 rw\n",
                "1 0 8:1 / /a\\9xx rw - ext4 /dev/sda1 rw\n",
                "1 0 8:1 / /a\\000 rw - ext4 /dev/sda1 rw\n",       /* NUL */
                "1 0 8:1 / /a\\400 rw - ext4 /dev/sda1 rw\n",       /* > 255 */
                "1 0 8:1 / / rw - ext\\4 /dev/sda1 rw\n",
                "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n\n\n- - - - - - -\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                MountTable *t = NULL;
                int r = mount_table_parse(bad[i], strlen(bad[i]), &t);
                if (r != -EBADMSG)
                        fail_msg("bad[%zu] parsed: %d", i, r);
                assert_null(t);
                /* What the manager does then: no table, nothing local. */
                assert_true(remote(t, "/"));
        }
        const char nul[] = "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 8:2 / /a\0b rw - ext4 x rw\n";
        MountTable *t = NULL;
        assert_int_equal(mount_table_parse(nul, sizeof nul - 1, &t), -EBADMSG);
        assert_null(t);
        assert_int_equal(mount_table_parse(NULL, 1, &t), -EINVAL);
        /* Blank lines carry no mount and are no harm. */
        t = parse("\n1 0 8:1 / / rw - ext4 /dev/sda1 rw\n\n");
        assert_int_equal(mount_table_size(t), 1);
        mount_table_free(t);
}

/* Every byte sequence either parses or fails; none crashes. */
static void test_fuzz(void **state) {
        char buf[256];
        unsigned seed = 1;
        for (int round = 0; round < 20000; round++) {
                size_t n = (size_t) (rand_r(&seed) % sizeof buf);
                memcpy(buf, fixture, n < sizeof fixture ? n : sizeof fixture - 1);
                for (int k = rand_r(&seed) % 8; k > 0 && n > 0; k--)
                        buf[rand_r(&seed) % n] = "\\ -/0123\n:ax"[rand_r(&seed) % 12];
                MountTable *t = NULL;
                if (mount_table_parse(buf, n, &t) >= 0)
                        (void) remote(t, "/mnt/local/x");
                mount_table_free(t);
        }
}

static void test_read_self(void **state) {
        int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                skip();
        char *text = NULL;
        size_t size = 0;
        assert_int_equal(lseek(fd, 5, SEEK_SET), 5); /* pread: the position does not matter */
        assert_int_equal(mountinfo_read_fd(fd, &text, &size), 0);
        assert_true(size > 0);
        assert_int_equal(strlen(text), size);
        assert_true(text[0] >= '0' && text[0] <= '9');
        MountTable *t = NULL;
        assert_int_equal(mount_table_parse(text, size, &t), 0);
        assert_true(mount_table_size(t) > 0);
        /* Reading again from the start gives a whole table again. */
        char *again = NULL;
        size_t size2 = 0;
        assert_int_equal(mountinfo_read_fd(fd, &again, &size2), 0);
        assert_true(again[0] >= '0' && again[0] <= '9');
        free(again);
        mount_table_free(t);
        free(text);
        close(fd);
        assert_int_equal(mountinfo_read_fd(-1, &text, &size), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_types),      cmocka_unit_test(test_parse),
                cmocka_unit_test(test_escapes),    cmocka_unit_test(test_nested),
                cmocka_unit_test(test_components), cmocka_unit_test(test_uncovered),
                cmocka_unit_test(test_garbage),    cmocka_unit_test(test_fuzz),
                cmocka_unit_test(test_read_self),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
