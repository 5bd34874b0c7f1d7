/* test-exec-env.c — environment assembly, EnvironmentFile= parsing and
 * $VAR expansion of command lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "exec/exec.h"
#include "lib/macro.h"
#include "lib/strv.h"

#define STRV(...) ((char *const[]) { __VA_ARGS__, NULL })

/* Compares as one "|"-joined string, so a failure prints both lists. */
static void assert_strv(char *const *l, const char *expected) {
        _cleanup_free_ char *j = strv_join(l, "|");
        assert_non_null(j);
        assert_string_equal(j, expected);
}

static char *free_str(char *s) {
        free(s);
        return NULL;
}

static void parse_expect(const char *text, const char *expected) {
        _cleanup_strv_free_ char **env = NULL;
        assert_int_equal(exec_parse_environment_file(text, strlen(text), &env), 0);
        assert_strv(env, expected);
}

static void test_parse_basic(void **state) {
        parse_expect("", "");
        parse_expect("A=1\nB=2", "A=1|B=2");
        parse_expect("# comment\n; other comment\n\n   \nA=1\n", "A=1");
        parse_expect("  A = spaced value  \t\r\n", "A=spaced value");
        parse_expect("A=\nB", "A=");
        parse_expect("no equals sign\n1BAD=x\nBA-D=x\nGOOD_1=y\n=z\n", "GOOD_1=y");
        parse_expect("A=1\nA=2\n", "A=2");
        parse_expect("A=x # not a comment\n", "A=x # not a comment");
        parse_expect("export A=1\nexport\tB=2\nexportC=3\n", "A=1|B=2|exportC=3");
        parse_expect("A=a=b=c\n", "A=a=b=c");
}

static void test_parse_quotes(void **state) {
        parse_expect("A='single $x \\n \"q\"'\n", "A=single $x \\n \"q\"");
        parse_expect("A=\"d \\\" \\\\ \\$ \\` \\n\"\n", "A=d \" \\ $ ` \\n");
        parse_expect("A=  \"  padded  \"  \n", "A=  padded  ");
        parse_expect("A='multi\nline'\nB=2\n", "A=multi\nline|B=2");
        parse_expect("A=\"multi\\\nline\"\n", "A=multiline");
        parse_expect("A=x'y'\"z\"\n", "A=x'y'\"z\"");   /* quotes after the first char stay */
        parse_expect("A='unterminated\n", "A=unterminated\n");
        parse_expect("A=\"\"\n", "A=");
}

static void test_parse_escapes(void **state) {
        parse_expect("A=one\\\ntwo\nB=3\n", "A=onetwo|B=3");
        parse_expect("A=back\\\\slash\n", "A=back\\slash");
        parse_expect("A=\\ lead and trail\\ \n", "A= lead and trail ");
        parse_expect("A=\\'x\\'\n", "A='x'");
        parse_expect("A=trailing\\", "A=trailing");
        /* An embedded NUL makes the assignment invalid. */
        {
                static const char text[] = "A=x\0y\nB=1\n";
                _cleanup_strv_free_ char **env = NULL;
                assert_int_equal(exec_parse_environment_file(text, sizeof(text) - 1, &env), 0);
                assert_strv(env, "B=1");
        }
        /* So does invalid UTF-8; valid multi-byte text is kept. */
        parse_expect("A=caf\xc3\xa9\nB=\xc3\nC=\xed\xa0\x80\nD=\xc0\xaf\nE=\xf0\x9f\x98\x80\nF=\xf4\x90\x80\x80\n",
                     "A=caf\xc3\xa9|E=\xf0\x9f\x98\x80");
}

static void test_build_order(void **state) {
        _cleanup_strv_free_ char **env = NULL;
        char *bad = (char *) 0x1;

        assert_int_equal(exec_build_environment(
                STRV("PATH=/bin", "HOME=/root", "USER=root"),
                STRV("TERM=xterm", "HOME=/home/mgr", "SECRET=1", "EMPTY="),
                STRV("TERM", "HOME", "NOT_SET", "EMPTY"),
                NULL,
                STRV("USER=svc", "FOO=bar", "FOO=baz"),
                NULL,
                &env, &bad), 0);
        assert_null(bad);
        assert_strv(env, "PATH=/bin|HOME=/home/mgr|USER=svc|TERM=xterm|EMPTY=|FOO=baz");
}

static void test_build_unset(void **state) {
        _cleanup_strv_free_ char **env = NULL;

        assert_int_equal(exec_build_environment(
                STRV("PATH=/bin", "A=1", "B=2", "C=3"),
                NULL, NULL, NULL,
                STRV("D=4"),
                STRV("A", "B=wrong", "C=3", "D", "NOPE"),
                &env, NULL), 0);
        assert_strv(env, "PATH=/bin|B=2");
}

static void write_file(const char *path, const char *text) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);
}

static void test_build_files(void **state) {
        char dir[] = "/tmp/test-exec-env-XXXXXX", f1[64], f2[64], missing[80], dash[80], glob[80];
        _cleanup_strv_free_ char **env = NULL;
        _cleanup_free_ char *bad = NULL;

        assert_non_null(mkdtemp(dir));
        snprintf(f1, sizeof(f1), "%s/a.env", dir);
        snprintf(f2, sizeof(f2), "%s/b.env", dir);
        snprintf(missing, sizeof(missing), "%s/missing.env", dir);
        snprintf(dash, sizeof(dash), "-%s/missing.env", dir);
        snprintf(glob, sizeof(glob), "%s/*.env", dir);
        write_file(f1, "# a\nA=from-a\nSHARED=a\nPATH=/file\n");
        write_file(f2, "SHARED=b\nB='from b'\n");

        /* Files after PassEnvironment and Environment=: they override both. */
        assert_int_equal(exec_build_environment(
                STRV("PATH=/bin"), STRV("P=passed", "A=manager"), STRV("P", "A"),
                STRV(f1, dash, f2), STRV("B=env"), NULL, &env, &bad), 0);
        assert_null(bad);
        assert_strv(env, "PATH=/file|P=passed|A=from-a|B=from b|SHARED=b");
        env = strv_free(env);

        /* A glob, sorted. */
        assert_int_equal(exec_build_environment(NULL, NULL, NULL, STRV(glob), NULL, NULL, &env, &bad), 0);
        assert_strv(env, "A=from-a|SHARED=b|PATH=/file|B=from b");
        env = strv_free(env);

        assert_int_equal(exec_build_environment(NULL, NULL, NULL, STRV(f1, missing), NULL, NULL, &env, &bad),
                         -ENOENT);
        assert_null(env);
        assert_string_equal(bad, missing);
        bad = free_str(bad);

        assert_int_equal(exec_build_environment(NULL, NULL, NULL, STRV("relative.env"), NULL, NULL, &env, &bad),
                         -EINVAL);
        assert_string_equal(bad, "relative.env");
        bad = free_str(bad);

        /* Over the size limit. */
        {
                int fd = open(f2, O_WRONLY | O_TRUNC | O_CLOEXEC);
                assert_true(fd >= 0);
                assert_int_equal(ftruncate(fd, 1024 * 1024 + 1), 0);
                close(fd);
        }
        assert_int_equal(exec_build_environment(NULL, NULL, NULL, STRV(f2), NULL, NULL, &env, &bad), -EFBIG);
        assert_string_equal(bad, f2);
        bad = free_str(bad);
        {
                int fd = open(f2, O_WRONLY | O_TRUNC | O_CLOEXEC);
                assert_int_equal(ftruncate(fd, 1024 * 1024), 0); /* exactly the limit: fine (all NULs) */
                close(fd);
        }
        assert_int_equal(exec_build_environment(NULL, NULL, NULL, STRV(f2), NULL, NULL, &env, &bad), 0);
        assert_strv(env, "");
        env = strv_free(env);

        unlink(f1);
        unlink(f2);
        rmdir(dir);
}

static void expand_expect(char *const *argv, const char *expected) {
        static char *const env[] = { "ONE=one", "TWO=two two", "QUOTED='a b' \"c\\\"d\" e\\ f", "EMPTY=",
                                     "SPACES=   ", NULL };
        _cleanup_strv_free_ char **l = NULL;
        assert_int_equal(exec_expand_argv(argv, env, &l), 0);
        assert_strv(l, expected);
}

static void test_expand(void **state) {
        expand_expect(STRV("echo", "$ONE", "$TWO", "${TWO}"), "echo|one|two|two|two two");
        expand_expect(STRV("x", "$QUOTED"), "x|a b|c\"d|e f");
        expand_expect(STRV("x", "${QUOTED}"), "x|'a b' \"c\\\"d\" e\\ f");
        expand_expect(STRV("x", "$UNSET", "$EMPTY", "$SPACES", "y"), "x|y");
        expand_expect(STRV("x", "${UNSET}", "${EMPTY}"), "x||");
        expand_expect(STRV("x", "pre${ONE}post", "a$ONE", "$$ONE", "$$", "cost: 5$"), "x|preonepost|a$ONE|$ONE|$|cost: 5$");
        expand_expect(STRV("x", "${ONE", "${}", "${1X}", "$1", "${ONE}${ONE}"), "x|${ONE|${}|${1X}|$1|oneone");
        expand_expect(STRV("sh", "-c", "echo $HOME"), "sh|-c|echo $HOME");
        expand_expect(STRV("x"), "x");
        {
                _cleanup_strv_free_ char **l = NULL;
                assert_int_equal(exec_expand_argv(STRV("x", "$ONE"), NULL, &l), 0);
                assert_strv(l, "x");
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_basic),
                cmocka_unit_test(test_parse_quotes),
                cmocka_unit_test(test_parse_escapes),
                cmocka_unit_test(test_build_order),
                cmocka_unit_test(test_build_unset),
                cmocka_unit_test(test_build_files),
                cmocka_unit_test(test_expand),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
