/* test-unit-exec.c — Exec*= command lines: quoting, escapes, prefixes,
 * ';' separators, resets, and the diagnostics of broken lines. */
#include "test-unit-helpers.h"
#include "unit/unit-internal.h"
#include "lib/strv.h"

static UnitFile *exec_unit(const char *lines) {
        char text[4096];
        snprintf(text, sizeof text, "[Service]\nType=oneshot\n%s", lines);
        return load_text("e.service", text);
}

static ExecCommandList *start(UnitFile *u) {
        return &u->s.service.exec[SERVICE_EXEC_START];
}

static void assert_argv(const ExecCommand *c, const char *const *want) {
        size_t n = 0;
        for (; want[n]; n++) {
                assert_non_null(c->argv[n]);
                assert_string_equal(c->argv[n], want[n]);
        }
        assert_null(c->argv[n]);
}

static void test_quoting(void **state) {
        UnitFile *u = exec_unit("ExecStart=/bin/sh -c \"echo 'a b'  c\" 'single \"q\"' mid\"dle x\"end \\\"lit\n");
        assert_no_diag(u);
        assert_argv(&start(u)->items[0], (const char *const[]) { "/bin/sh", "-c", "echo 'a b'  c", "single \"q\"",
                                                                 "middle xend", "\"lit", NULL });
        unit_file_free(u);
}

static void test_escapes(void **state) {
        UnitFile *u = exec_unit("ExecStart=/bin/printf \"a\\tb\\n\" \\x41\\102 \\u00e9 \"\\\\\" \\s x\\;\n");
        assert_no_diag(u);
        assert_argv(&start(u)->items[0], (const char *const[]) { "/bin/printf", "a\tb\n", "AB", "\xc3\xa9", "\\",
                                                                 " ", "x;", NULL });
        unit_file_free(u);
}

static void test_prefixes(void **state) {
        UnitFile *u = exec_unit("ExecStart=-/bin/a\nExecStart=@/bin/b argv0 x\nExecStart=:+-/bin/c\n"
                                "ExecStart=!!/bin/d\nExecStart=!-@/bin/e e0\n");
        assert_no_diag(u);
        ExecCommandList *l = start(u);
        assert_int_equal(l->n, 5);
        assert_int_equal(l->items[0].flags, EXEC_IGNORE_FAILURE);
        assert_int_equal(l->items[1].flags, EXEC_ARGV0);
        assert_string_equal(l->items[1].path, "/bin/b");
        assert_argv(&l->items[1], (const char *const[]) { "argv0", "x", NULL });
        assert_int_equal(l->items[2].flags, EXEC_NO_ENV_EXPAND | EXEC_FULL_PRIVILEGES | EXEC_IGNORE_FAILURE);
        assert_int_equal(l->items[3].flags, EXEC_NO_SETUID);
        assert_int_equal(l->items[4].flags, EXEC_NO_SETUID | EXEC_IGNORE_FAILURE | EXEC_ARGV0);
        assert_string_equal(l->items[4].argv[0], "e0");
        unit_file_free(u);
}

static void test_bad_prefixes(void **state) {
        UnitFile *u = exec_unit("ExecStart=+!/bin/a\nExecStart=--/bin/b\nExecStart=@/bin/c\nExecStart=-\n");
        assert_int_equal(start(u)->n, 0);
        assert_diag(u, "e.service:3: Invalid ExecStart= command line '+!/bin/a': invalid combination of prefixes, ignoring.");
        assert_diag(u, "e.service:4: Invalid ExecStart= command line '--/bin/b': invalid combination of prefixes, ignoring.");
        assert_diag(u, "e.service:5: Invalid ExecStart= command line '@/bin/c': '@' needs argv[0] after the program, ignoring.");
        assert_diag(u, "e.service:6: Invalid ExecStart= command line '-': the program must be an absolute path or a plain file name, ignoring.");
        unit_file_free(u);
}

static void test_semicolons(void **state) {
        UnitFile *u = exec_unit("ExecStartPre=/bin/a 1 ; /bin/b 2 \\; \";\" ;\nExecStart=/bin/x\n");
        assert_no_diag(u);
        ExecCommandList *l = &u->s.service.exec[SERVICE_EXEC_START_PRE];
        assert_int_equal(l->n, 2);
        assert_argv(&l->items[0], (const char *const[]) { "/bin/a", "1", NULL });
        assert_argv(&l->items[1], (const char *const[]) { "/bin/b", "2", ";", ";", NULL });
        unit_file_free(u);
}

static void test_reset_and_append(void **state) {
        UnitFile *u = exec_unit("ExecStop=/bin/a\nExecStop=/bin/b\nExecStop=\nExecStop=/bin/c\nExecStart=/bin/x\n");
        ExecCommandList *l = &u->s.service.exec[SERVICE_EXEC_STOP];
        assert_int_equal(l->n, 1);
        assert_string_equal(l->items[0].path, "/bin/c");
        assert_int_equal(l->items[0].line, 6);
        unit_file_free(u);
}

static void test_paths(void **state) {
        UnitFile *u = exec_unit("ExecStart=true\nExecStart=bin/true\nExecStart=/bin/\nExecStart=\"\"\n");
        assert_int_equal(start(u)->n, 1);
        assert_string_equal(start(u)->items[0].path, "true");
        assert_diag(u, "e.service:4: Invalid ExecStart= command line 'bin/true': the program must be an absolute path or a plain file name, ignoring.");
        assert_diag(u, "e.service:5: Invalid ExecStart= command line '/bin/': the program must be an absolute path or a plain file name, ignoring.");
        assert_diag(u, "e.service:6: Invalid ExecStart= command line '\"\"': the program must be an absolute path or a plain file name, ignoring.");
        unit_file_free(u);
}

static void test_bad_quoting(void **state) {
        UnitFile *u = exec_unit("ExecStart=/bin/echo \"unterminated\nExecStart=/bin/echo 'x\nExecStart=/bin/echo \\q\n"
                                "ExecStart=/bin/echo \\x00\nExecStart=/bin/echo trailing\\\\\\\\\n");
        assert_diag(u, "e.service:3: Invalid ExecStart= command line '/bin/echo \"unterminated': unbalanced quoting, ignoring.");
        assert_diag(u, "e.service:4: Invalid ExecStart= command line '/bin/echo 'x': unbalanced quoting, ignoring.");
        assert_diag(u, "e.service:5: Invalid ExecStart= command line '/bin/echo \\q': invalid escape sequence, ignoring.");
        assert_diag(u, "e.service:6: Invalid ExecStart= command line '/bin/echo \\x00': invalid escape sequence, ignoring.");
        assert_int_equal(start(u)->n, 1);
        assert_string_equal(start(u)->items[0].argv[1], "trailing\\\\");
        unit_file_free(u);
}

static void test_specifier_words_stay_words(void **state) {
        /* An instance containing escaped spaces stays one argument. */
        const char *text = "[Service]\nExecStart=/bin/echo %I \"%i\"\n";
        UnitFile *u = NULL;
        assert_int_equal(unit_file_load_string(NULL, "x@a\\x20b.service", "x@a\\x20b.service", text, strlen(text),
                                               &u), 0);
        assert_no_diag(u);
        assert_argv(&start(u)->items[0], (const char *const[]) { "/bin/echo", "a b", "a\\x20b", NULL });
        unit_file_free(u);
}

static void test_words(void **state) {
        char **w = NULL;
        const char *err = NULL;
        assert_int_equal(unit_words_split("  a 'b c'  \"d\"e\\ f ", 0, &w, &err), 0);
        assert_int_equal(strv_length(w), 3);
        assert_string_equal(w[2], "de f");
        strv_free(w);
        assert_int_equal(unit_words_split("a \"b", 0, &w, &err), -EINVAL);
        assert_string_equal(err, "unbalanced quoting");
        assert_int_equal(unit_words_split("a\\", 0, &w, &err), -EINVAL);
        assert_string_equal(err, "trailing backslash");
        assert_int_equal(unit_words_split("", 0, &w, &err), 0);
        assert_null(w);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_quoting),
                cmocka_unit_test(test_escapes),
                cmocka_unit_test(test_prefixes),
                cmocka_unit_test(test_bad_prefixes),
                cmocka_unit_test(test_semicolons),
                cmocka_unit_test(test_reset_and_append),
                cmocka_unit_test(test_paths),
                cmocka_unit_test(test_bad_quoting),
                cmocka_unit_test(test_specifier_words_stay_words),
                cmocka_unit_test(test_words),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
