/* test-unit-nasty.c — files that are wrong on purpose: each must load
 * without crashing, stay within bounds, and leave at least one diagnostic
 * saying where it is wrong. */
#include <stdlib.h>
#include <time.h>

#include "test-unit-helpers.h"
#include "unit/unit-internal.h"
#include "lib/strv.h"

static UnitFile *load_bytes(const char *name, const char *data, size_t size) {
        UnitFile *u = NULL;
        assert_int_equal(unit_file_load_string(NULL, name, name, data, size, &u), 0);
        return u;
}

static void test_empty(void **state) {
        UnitFile *u = load_bytes("e.service", "", 0);
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        assert_diag(u, "e.service: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.");
        unit_file_free(u);
        u = load_bytes("e.target", "", 0);
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_no_diag(u);
        unit_file_free(u);
        u = NULL;
        assert_int_equal(unit_file_load_string(NULL, NULL, "n.target", NULL, 0, &u), 0);
        unit_file_free(u);
}

static void test_binary_garbage(void **state) {
        unsigned seed = 12345;
        size_t size = 65536;
        char *data = malloc(size);
        for (int round = 0; round < 20; round++) {
                for (size_t i = 0; i < size; i++)
                        data[i] = (char) (rand_r(&seed) & 0xff);
                if (round % 2)
                        memcpy(data, "[Service]\n", 10);
                UnitFile *u = load_bytes("g.service", data, size);
                assert_true(u->diag.n > 0);
                assert_int_not_equal(u->load_state, UNIT_LOADED);
                unit_file_free(u);
        }
        free(data);
}

static void test_nul_bytes(void **state) {
        static const char text[] = "[Service]\nExecStart=/bin/true\nDescr\0iption=x\n\0\n";
        UnitFile *u = load_bytes("z.service", text, sizeof text - 1);
        assert_diag(u, "z.service:3: Line contains a NUL byte, ignoring.");
        assert_diag(u, "z.service:4: Line contains a NUL byte, ignoring.");
        assert_int_equal(u->load_state, UNIT_LOADED);
        unit_file_free(u);
}

static void test_long_lines(void **state) {
        size_t n = UNIT_LINE_MAX + 100;
        char *text = malloc(n + 200);
        int k = sprintf(text, "[Service]\nExecStart=/bin/true\n[Unit]\nDescription=");
        size_t fill = UNIT_LINE_MAX - strlen("Description=");
        memset(text + k, 'x', fill);
        strcpy(text + k + fill, "\n");
        UnitFile *u = load_bytes("l.service", text, strlen(text));
        assert_no_diag(u);
        assert_int_equal(strlen(u->s.description), fill);
        unit_file_free(u);
        memset(text + k, 'x', fill + 10);
        strcpy(text + k + fill + 10, "\n[Service]\nUMask=0077\n");
        u = load_bytes("l.service", text, strlen(text));
        assert_diag(u, "l.service:4: Line too long (limit 1048576 bytes), ignoring.");
        assert_null(u->s.description);
        assert_int_equal(u->s.exec.umask, 0077);
        unit_file_free(u);
        free(text);
}

static void test_long_continuation(void **state) {
        size_t lines = 10000;
        char *text = malloc(lines * 8 + 100), *p = text;
        p += sprintf(p, "[Service]\nExecStart=/bin/echo \\\n");
        for (size_t i = 0; i < lines; i++)
                p += sprintf(p, "%s\\\n", i % 100 == 0 ? "# c " : " ab ");
        p += sprintf(p, "end\nUMask=0077\n");
        UnitFile *u = load_bytes("c.service", text, (size_t) (p - text));
        assert_no_diag(u);
        assert_int_equal(strv_length(u->s.service.exec[SERVICE_EXEC_START].items[0].argv), 2 + lines - lines / 100);
        assert_int_equal(u->s.exec.umask, 0077);
        unit_file_free(u);
        free(text);
}

static void test_unterminated(void **state) {
        UnitFile *u = load_text("q.service", "[Service]\nExecStart=/bin/echo \"abc\nEnvironment=\"A=1\n"
                                             "ExecStop=/bin/x \\\n");
        assert_diag(u, "q.service:2: Invalid ExecStart= command line '/bin/echo \"abc': unbalanced quoting, ignoring.");
        assert_diag(u, "q.service:3: Failed to parse Environment= value '\"A=1': unbalanced quoting, ignoring.");
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        unit_file_free(u);
}

static void test_ten_thousand_keys(void **state) {
        char *text = malloc(10000 * 40 + 100), *p = text;
        p += sprintf(p, "[Unit]\nDescription=many\n[Service]\nExecStart=/bin/true\n");
        for (int i = 0; i < 10000; i++)
                switch (i % 4) {
                case 0: p += sprintf(p, "Environment=K%d=%d\n", i, i); break;
                case 1: p += sprintf(p, "X-Custom%d=whatever\n", i); break;
                case 2: p += sprintf(p, "RestartSec=%ds\n", i); break;
                default: p += sprintf(p, "ExecStartPre=-/bin/step %d\n", i); break;
                }
        clock_t t0 = clock();
        UnitFile *u = load_bytes("k.service", text, (size_t) (p - text));
        assert_true(clock() - t0 < 2 * CLOCKS_PER_SEC);
        assert_no_diag(u);
        assert_int_equal(strv_length(u->s.exec.environment), 2500);
        assert_int_equal(u->s.service.exec[SERVICE_EXEC_START_PRE].n, 2500);
        assert_true(u->s.service.restart_usec == 9998 * USEC_PER_SEC);
        unit_file_free(u);
        free(text);
}

static void test_self_referencing_specifiers(void **state) {
        UnitFile *u = load_text("x@a.service", "[Unit]\nDescription=%%%%n%\nDocumentation=man:%%%i%n\n"
                                                  "[Service]\nExecStart=/bin/echo %%%%n% %\n");
        assert_diag(u, "x@a.service:2: Unterminated specifier '%' at the end of Description=, ignoring.");
        assert_diag(u, "x@a.service:5: Unterminated specifier '%' at the end of ExecStart=, ignoring.");
        unit_file_free(u);
}

static void test_too_big(void **state) {
        size_t n = UNIT_FILE_SIZE_MAX + 1;
        char *text = calloc(1, n);
        memset(text, '#', n);
        UnitFile *u = load_bytes("big.service", text, n);
        assert_int_equal(u->load_state, UNIT_ERROR);
        assert_diag(u, "big.service: File too large (4194305 bytes, limit 4194304), refusing.");
        unit_file_free(u);
        free(text);
}

static void test_invalid_utf8_and_odd_lines(void **state) {
        UnitFile *u = load_text("o.service", "\xef\xbb\xbf[Service]\r\nExecStart=/bin/true\r\n"
                                             "Description=\xff\xfe\n[\n[]\n[Service]\n"
                                             "Description=\xc0\xaf overlong\n=\n   =   \n[Unit]]\nA=\n");
        assert_diag(u, "o.service:3: Line is not valid UTF-8, ignoring.");
        assert_diag(u, "o.service:4: Invalid section header '[', ignoring section.");
        assert_diag(u, "o.service:5: Invalid section header '[]', ignoring section.");
        assert_diag(u, "o.service:7: Line is not valid UTF-8, ignoring.");
        assert_diag(u, "o.service:8: Missing key name before '=', ignoring line.");
        assert_diag(u, "o.service:10: Invalid section header '[Unit]]', ignoring section.");
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_int_equal(u->s.service.exec[SERVICE_EXEC_START].n, 1);
        unit_file_free(u);
}

static void test_diag_flood(void **state) {
        char *text = malloc(200000), *p = text;
        p += sprintf(p, "[Service]\nExecStart=/bin/true\n");
        for (int i = 0; i < 5000; i++)
                p += sprintf(p, "Bogus%d=1\n", i);
        UnitFile *u = load_bytes("d.service", text, (size_t) (p - text));
        assert_int_equal(u->diag.n, DIAG_MAX);
        assert_true(u->diag.dropped > 0);
        unit_file_free(u);
        free(text);
}

static void test_assignment_limit(void **state) {
        size_t n = UNIT_ASSIGNMENTS_MAX + 10;
        char *text = malloc(n * 12 + 100), *p = text;
        p += sprintf(p, "[Service]\nExecStart=/bin/true\n");
        for (size_t i = 0; i < n; i++)
                p += sprintf(p, "Nice=%zu\n", i % 10);
        UnitFile *u = load_bytes("a.service", text, (size_t) (p - text));
        assert_diag(u, "a.service:100002: Too many assignments (limit 100000), ignoring the rest.");
        unit_file_free(u);
        free(text);
}

static void test_list_limits(void **state) {
        size_t words = UNIT_WORDS_MAX + 5;
        char *text = malloc(words * 3 + 100), *p = text;
        p += sprintf(p, "[Service]\nExecStart=/bin/true");
        for (size_t i = 0; i < words; i++)
                p += sprintf(p, " a");
        p += sprintf(p, "\n");
        UnitFile *u = load_bytes("w.service", text, (size_t) (p - text));
        assert_diag(u, "w.service: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.");
        assert_true(u->diag.n >= 2);
        unit_file_free(u);
        free(text);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_binary_garbage),
                cmocka_unit_test(test_nul_bytes),
                cmocka_unit_test(test_long_lines),
                cmocka_unit_test(test_long_continuation),
                cmocka_unit_test(test_unterminated),
                cmocka_unit_test(test_ten_thousand_keys),
                cmocka_unit_test(test_self_referencing_specifiers),
                cmocka_unit_test(test_too_big),
                cmocka_unit_test(test_invalid_utf8_and_odd_lines),
                cmocka_unit_test(test_diag_flood),
                cmocka_unit_test(test_assignment_limit),
                cmocka_unit_test(test_list_limits),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
