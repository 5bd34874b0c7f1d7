/* test-tmpfiles.c — the tmpfiles.d parser: fields, modifiers, modes,
 * specifiers, arguments, and the path:line of every diagnostic. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/tmpfiles.h"

static const TmpfilesSpecifiers sp = {
        .runtime_dir = "/run", .state_dir = "/var/lib", .cache_dir = "/var/cache", .logs_dir = "/var/log",
        .config_dir = "/etc", .home = "/root", .user = "root", .uid = "0", .group = "root", .gid = "0",
        .hostname = "host", .tmp_dir = "/tmp", .var_tmp_dir = "/var/tmp",
};

static void parse(const char *text, TmpfilesItems *items, Diag *diag) {
        *items = (TmpfilesItems) {};
        *diag = (Diag) {};
        assert_int_equal(tmpfiles_parse("/x.conf", text, strlen(text), &sp, items, diag), 0);
}

static void test_memcached_line(void **state) {
        TmpfilesItems it;
        Diag d;
        parse("# comment\n\nd /run/memcached 0755 memcache memcache -\n", &it, &d);
        assert_int_equal(d.n, 0);
        assert_int_equal(it.n, 1);
        assert_int_equal(it.items[0].type, TMPFILES_DIRECTORY);
        assert_string_equal(it.items[0].path, "/run/memcached");
        assert_true(it.items[0].mode_set);
        assert_int_equal(it.items[0].mode, 0755);
        assert_string_equal(it.items[0].user, "memcache");
        assert_string_equal(it.items[0].group, "memcache");
        assert_null(it.items[0].argument);
        assert_string_equal(it.items[0].source, "/x.conf:3");
        tmpfiles_items_done(&it);
        diag_done(&d);
}

static void test_types_and_defaults(void **state) {
        TmpfilesItems it;
        Diag d;
        parse("D! %t/a\n"
              "f+ /etc/motd 0644 - - - hello\\nworld\n"
              "L+ /etc/l - - - - /target %S\n"
              "z /dev/snd/* ~0660 - audio\n"
              "d- \"/run/with space\" :0700\n"
              "w /ignored - - - - x\n"
              "L /etc/factory\n",
              &it, &d);
        assert_int_equal(d.n, 0);
        assert_int_equal(it.n, 6);
        assert_int_equal(it.items[0].type, TMPFILES_DIRECTORY_EMPTY);
        assert_true(it.items[0].boot_only);
        assert_string_equal(it.items[0].path, "/run/a");
        assert_false(it.items[0].mode_set);
        assert_null(it.items[0].user);
        assert_int_equal(it.items[1].type, TMPFILES_FILE);
        assert_true(it.items[1].force);
        assert_string_equal(it.items[1].argument, "hello\nworld");
        assert_int_equal(it.items[2].type, TMPFILES_SYMLINK);
        assert_string_equal(it.items[2].argument, "/target /var/lib");
        assert_int_equal(it.items[3].type, TMPFILES_ADJUST);
        assert_true(it.items[3].mode_masked);
        assert_int_equal(it.items[3].mode, 0660);
        assert_null(it.items[3].user);
        assert_string_equal(it.items[3].group, "audio");
        assert_string_equal(it.items[4].path, "/run/with space");
        assert_true(it.items[4].ignore_errors);
        assert_true(it.items[4].mode_create_only);
        assert_int_equal(it.items[4].mode, 0700);
        assert_string_equal(it.items[5].path, "/etc/factory");
        assert_string_equal(it.items[5].source, "/x.conf:7");
        tmpfiles_items_done(&it);
        diag_done(&d);
}

static void test_bad_lines(void **state) {
        TmpfilesItems it;
        Diag d;
        parse("Y /x\n"
              "d relative\n"
              "d /a/../b\n"
              "d /x 0999\n"
              "d\n"
              "d /x%q\n"
              "d \"/unterminated\n"
              "d /ok 0700\n"
              "d! /ok2\n"
              "d? /x\n",
              &it, &d);
        assert_int_equal(it.n, 2);
        assert_string_equal(it.items[0].path, "/ok");
        assert_int_equal(d.n, 8);
        const char *want[] = { "/x.conf:1: ", "/x.conf:2: ", "/x.conf:3: ", "/x.conf:4: ", "/x.conf:5: ",
                               "/x.conf:6: ", "/x.conf:7: ", "/x.conf:10: " };
        for (size_t i = 0; i < 8; i++)
                assert_true(strncmp(d.entries[i].text, want[i], strlen(want[i])) == 0);
        assert_non_null(strstr(d.entries[0].text, "Unknown command type 'Y'"));
        assert_non_null(strstr(d.entries[3].text, "Invalid mode '0999'"));
        tmpfiles_items_done(&it);
        diag_done(&d);
}

static void test_mask_mode(void **state) {
        assert_int_equal(tmpfiles_mask_mode(0755, 0644, false), 0644);
        assert_int_equal(tmpfiles_mask_mode(0777, 0700, true), 0777);
        assert_int_equal(tmpfiles_mask_mode(04755, 0755, false), 0755);
        assert_int_equal(tmpfiles_mask_mode(01777, 0755, true), 01777);
        assert_int_equal(tmpfiles_mask_mode(0666, 0000, false), 0000);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_memcached_line),
                cmocka_unit_test(test_types_and_defaults),
                cmocka_unit_test(test_bad_lines),
                cmocka_unit_test(test_mask_mode),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
