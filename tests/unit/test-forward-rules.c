/* test-forward-rules.c — ForwardRules= (syslog.conf) selectors and actions,
 * bad lines reported with their numbers and skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "journal/forward-parse.h"

static char diags[4096];

static void diag(unsigned line, const char *msg, void *userdata) {
        size_t l = strlen(diags);
        snprintf(diags + l, sizeof diags - l, "%u:%s\n", line, msg);
}

static size_t parse(const char *text, ForwardRule **r) {
        size_t n = 0;
        diags[0] = 0;
        assert_int_equal(forward_rules_parse(text, strlen(text), r, &n, diag, NULL), 0);
        return n;
}

static uint8_t sel(const char *s, int fac) {
        uint8_t mask[24];
        const char *err = NULL;
        assert_int_equal(forward_selector_parse(s, strlen(s), mask, &err), 0);
        return mask[fac];
}

static void test_selectors(void **state) {
        assert_int_equal(sel("local0.*", 16), 0xff);
        assert_int_equal(sel("local0.*", 17), 0);
        assert_int_equal(sel("mail.info", 2), 0x7f);          /* info and more urgent */
        assert_int_equal(sel("mail.=info", 2), 0x40);
        assert_int_equal(sel("mail.!info", 2), 0);
        assert_int_equal(sel("mail.*;mail.!info", 2), 0x80);  /* only debug left */
        assert_int_equal(sel("mail.*;mail.!=info", 2), 0xbf);
        assert_int_equal(sel("*.*;auth,authpriv.none", 4), 0);
        assert_int_equal(sel("*.*;auth,authpriv.none", 10), 0);
        assert_int_equal(sel("*.*;auth,authpriv.none", 3), 0xff);
        assert_int_equal(sel("mail,news.warn;*.=debug", 7), 0x1f | 0x80);
        assert_int_equal(sel("*.=debug", 0), 0x80);
        assert_int_equal(sel("kern.emerg", 0), 0x01);
        assert_int_equal(sel("user.error", 1), 0x0f);
        assert_int_equal(sel("user.PANIC", 1), 0x01);
        assert_int_equal(sel("mark.*", 16), 0);
        uint8_t mask[24];
        const char *err;
        static const char *const bad[] = { "", "mail", "mail.", ".info", "bogus.info", "mail.bogus",
                                           "mail,.info", "mail.info;", ";mail.info", "mail.!", "m.a.i.l" };
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
                err = NULL;
                assert_true(forward_selector_parse(bad[i], strlen(bad[i]), mask, &err) < 0);
                assert_non_null(err);
        }
}

static void test_actions(void **state) {
        ForwardRule *r;
        size_t n = parse("# c\n\n  local0.*\t/var/log/dd_info\n"
                         "*.*;auth.none   -/var/log/syslog   \n"
                         "user.* @10.0.0.1\n"
                         "user.* @[::1]:5514;RFC5424\n"
                         "daemon.* @@loghost.example:6514\n",
                         &r);
        assert_string_equal(diags, "");
        assert_int_equal(n, 5);
        assert_int_equal(r[0].action, FORWARD_FILE);
        assert_string_equal(r[0].target, "/var/log/dd_info");
        assert_null(r[0].port);
        assert_int_equal(r[0].line, 3);
        assert_true(forward_rule_matches(&r[0], 16, 6));
        assert_false(forward_rule_matches(&r[0], 17, 6));
        assert_string_equal(r[1].target, "/var/log/syslog");
        assert_false(forward_rule_matches(&r[1], 4, 3));
        assert_int_equal(r[2].action, FORWARD_UDP);
        assert_string_equal(r[2].target, "10.0.0.1");
        assert_string_equal(r[2].port, "514");
        assert_false(r[2].rfc5424);
        assert_string_equal(r[3].target, "::1");
        assert_string_equal(r[3].port, "5514");
        assert_true(r[3].rfc5424);
        assert_int_equal(r[4].action, FORWARD_TCP);
        assert_string_equal(r[4].target, "loghost.example");
        assert_string_equal(r[4].port, "6514");
        assert_true(r[4].rfc5424);
        forward_rules_free(r, n);
}

static void test_bad_lines(void **state) {
        ForwardRule *r;
        size_t n = parse("$ModLoad imudp\n"
                         "kern.bogus /x\n"
                         "local0.*\n"
                         "user.* @\n"
                         "user.* @@host:99999\n"
                         "user.* @h:1 extra\n"
                         "user.* relative/path\n"
                         "user.* @::1:514\n"
                         "user.* @h;XML\n"
                         "local1.* /ok\n",
                         &r);
        assert_int_equal(n, 1);
        assert_string_equal(r[0].target, "/ok");
        assert_int_equal(r[0].line, 10);
        /* one report per bad line, with its number */
        for (unsigned l = 1; l <= 9; l++) {
                char want[8];
                snprintf(want, sizeof want, "%u:", l);
                assert_non_null(strstr(diags, want));
        }
        assert_null(strstr(diags, "10:"));
        forward_rules_free(r, n);
        /* NULs, no final newline, CRLF */
        const char t[] = "user.* /a\0b\nlocal0.*\t/c\r\nlocal2.* /d";
        n = 0;
        diags[0] = 0;
        assert_int_equal(forward_rules_parse(t, sizeof t - 1, &r, &n, diag, NULL), 0);
        assert_int_equal(n, 2);
        assert_string_equal(r[0].target, "/c");
        assert_string_equal(r[1].target, "/d");
        forward_rules_free(r, n);
        assert_int_equal(forward_rules_parse("", 0, &r, &n, NULL, NULL), 0);
        assert_int_equal(n, 0);
        forward_rules_free(r, n);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_selectors),
                cmocka_unit_test(test_actions),
                cmocka_unit_test(test_bad_lines),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
