/* test-notify.c — the sd_notify(3) datagram parser (core/notify-parse.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/notify-parse.h"

static NotifyMessage parse_ok(const char *text) {
        NotifyMessage m;
        int r = notify_message_parse(text, strlen(text), &m);
        if (r < 0)
                fail_msg("notify_message_parse(\"%s\") = %d", text, r);
        return m;
}

static int parse_err(const char *data, size_t size) {
        NotifyMessage m = { .fields = 0xdead };
        int r = notify_message_parse(data, size, &m);
        if (r >= 0)
                notify_message_done(&m);
        else
                assert_int_equal(m.fields, 0xdead); /* untouched on failure */
        return r;
}

static void test_ready_status(void **state) {
        NotifyMessage m = parse_ok("READY=1\nSTATUS=Processing requests...\n");
        assert_int_equal(m.fields, NOTIFY_READY | NOTIFY_STATUS);
        assert_string_equal(m.status, "Processing requests...");
        assert_int_equal(m.n_invalid, 0);
        assert_int_equal(m.n_unknown, 0);
        notify_message_done(&m);
        assert_null(m.status);

        m = parse_ok("READY=1");
        assert_int_equal(m.fields, NOTIFY_READY);
        notify_message_done(&m);
}

static void test_every_key(void **state) {
        NotifyMessage m = parse_ok("RELOADING=1\nSTOPPING=1\nERRNO=2\nMAINPID=4711\nWATCHDOG=1\n"
                                   "WATCHDOG_USEC=20000000\nEXTEND_TIMEOUT_USEC=5000000\nBARRIER=1\n"
                                   "FDSTORE=1\nMONOTONIC_USEC=5\nX_OWN=yes\n");
        assert_int_equal(m.fields, NOTIFY_RELOADING | NOTIFY_STOPPING | NOTIFY_ERRNO | NOTIFY_MAINPID |
                                           NOTIFY_WATCHDOG | NOTIFY_WATCHDOG_USEC | NOTIFY_EXTEND_TIMEOUT |
                                           NOTIFY_BARRIER | NOTIFY_FDSTORE);
        assert_int_equal(m.errno_value, 2);
        assert_int_equal(m.main_pid, 4711);
        assert_true(m.watchdog_usec == 20000000);
        assert_true(m.extend_timeout_usec == 5000000);
        assert_int_equal(m.n_unknown, 2);
        assert_int_equal(m.n_invalid, 0);
        notify_message_done(&m);

        m = parse_ok("WATCHDOG=trigger");
        assert_int_equal(m.fields, NOTIFY_WATCHDOG_TRIGGER);
        notify_message_done(&m);
}

static void test_bad_values_ignored(void **state) {
        NotifyMessage m = parse_ok("READY=2\nREADY=yes\nMAINPID=0\nMAINPID=-5\nMAINPID=abc\nMAINPID=2147483648\n"
                                   "ERRNO=-1\nERRNO=\nWATCHDOG=2\nWATCHDOG_USEC=1e6\n"
                                   "EXTEND_TIMEOUT_USEC=18446744073709551616\nBARRIER=0\nSTATUS=kept\n");
        assert_int_equal(m.fields, NOTIFY_STATUS);
        assert_int_equal(m.n_invalid, 12);
        assert_string_equal(m.status, "kept");
        notify_message_done(&m);

        m = parse_ok("MAINPID=2147483647\nEXTEND_TIMEOUT_USEC=18446744073709551615");
        assert_int_equal(m.main_pid, 2147483647);
        assert_true(m.extend_timeout_usec == UINT64_MAX);
        notify_message_done(&m);
}

static void test_first_wins(void **state) {
        NotifyMessage m = parse_ok("STATUS=one\nSTATUS=two\nMAINPID=10\nMAINPID=20\n");
        assert_string_equal(m.status, "one");
        assert_int_equal(m.main_pid, 10);
        notify_message_done(&m);
}

static void test_status_escaped(void **state) {
        NotifyMessage m = parse_ok("STATUS=a\tb\x1b[31m\xff\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xed\xa0\x80\xc0\xaf\x7f z");
        assert_string_equal(m.status, "a\\x09b\\x1b[31m\\xff\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                                      "\\xed\\xa0\\x80\\xc0\\xaf\\x7f z");
        notify_message_done(&m);

        m = parse_ok("STATUS=\n");
        assert_int_equal(m.fields, NOTIFY_STATUS);
        assert_string_equal(m.status, "");
        notify_message_done(&m);

        char *e = notify_escape("\xe2\x82", 2); /* truncated sequence */
        assert_string_equal(e, "\\xe2\\x82");
        free(e);
}

static void test_malformed(void **state) {
        assert_int_equal(parse_err("", 0), -EBADMSG);
        assert_int_equal(parse_err("\n\n", 2), -EBADMSG);
        assert_int_equal(parse_err("READY=1\0STATUS=x", 16), -EBADMSG);
        assert_int_equal(parse_err("READY=1\ngarbage\n", 16), -EBADMSG);
        assert_int_equal(parse_err("=1", 2), -EBADMSG);
        assert_int_equal(parse_err("RE ADY=1", 8), -EBADMSG);
        assert_int_equal(parse_err("READY-1", 7), -EBADMSG);
        assert_int_equal(parse_err("STATUS=x\nK\xc3\xa9Y=1", 14), -EBADMSG);
}

static void test_size_limit(void **state) {
        static char buf[NOTIFY_MESSAGE_MAX + 2];
        memcpy(buf, "STATUS=", 7);
        memset(buf + 7, 'x', sizeof buf - 7);
        assert_int_equal(parse_err(buf, NOTIFY_MESSAGE_MAX + 1), -EMSGSIZE);
        NotifyMessage m;
        assert_int_equal(notify_message_parse(buf, NOTIFY_MESSAGE_MAX, &m), 0);
        assert_int_equal(strlen(m.status), NOTIFY_MESSAGE_MAX - 7);
        notify_message_done(&m);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ready_status),     cmocka_unit_test(test_every_key),
                cmocka_unit_test(test_bad_values_ignored), cmocka_unit_test(test_first_wins),
                cmocka_unit_test(test_status_escaped),   cmocka_unit_test(test_malformed),
                cmocka_unit_test(test_size_limit),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
