/* test-timespan.c — time spans, sizes, booleans and signals (systemd.time(7)). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lib/timespan.h"

static usec_t span(const char *s) {
        usec_t u = 0;
        int r = parse_timespan(s, USEC_PER_SEC, &u);
        if (r < 0)
                fail_msg("parse_timespan(\"%s\") = %d", s, r);
        return u;
}

static void test_timespan_good(void **state) {
        assert_true(span("5s") == 5 * USEC_PER_SEC);
        assert_true(span("1min 30s") == 90 * USEC_PER_SEC);
        assert_true(span("100ms") == 100 * USEC_PER_MSEC);
        assert_true(span("infinity") == USEC_INFINITY);
        assert_true(span("  infinity ") == USEC_INFINITY);
        assert_true(span("1h30min") == 90 * USEC_PER_MINUTE);
        assert_true(span("500") == 500 * USEC_PER_SEC);
        assert_true(span("0") == 0);
        assert_true(span("1.5s") == 1500 * USEC_PER_MSEC);
        assert_true(span("2 h") == 2 * USEC_PER_HOUR);
        assert_true(span("1d 2h 3m 4s 5ms 6us") ==
                    USEC_PER_DAY + 2 * USEC_PER_HOUR + 3 * USEC_PER_MINUTE + 4 * USEC_PER_SEC + 5 * USEC_PER_MSEC + 6);
        assert_true(span("1w") == 7 * USEC_PER_DAY);
        assert_true(span("1y") == 31557600 * USEC_PER_SEC);
        assert_true(span("3 seconds") == 3 * USEC_PER_SEC);
        assert_true(span("1 \xc2\xb5s") == 1);
        usec_t u;
        assert_int_equal(parse_timespan("250", 1, &u), 0);
        assert_true(u == 250);
}

static void test_timespan_bad(void **state) {
        const char *bad[] = { "", " ", "s", "5x", "-5s", "5s-", "1.2.3s", "infinityx", "in finity", "5 s s",
                              ".", "1min, 30s", "0x10", "1e3" };
        usec_t u;
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                if (parse_timespan(bad[i], USEC_PER_SEC, &u) >= 0)
                        fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(parse_timespan("99999999999999999999s", USEC_PER_SEC, &u), -ERANGE);
        assert_int_equal(parse_timespan("600000y", USEC_PER_SEC, &u), -ERANGE);
        assert_int_equal(parse_timespan(NULL, USEC_PER_SEC, &u), -EINVAL);
}

static void test_size(void **state) {
        uint64_t v;
        assert_int_equal(parse_size("64K", &v), 0);
        assert_true(v == 65536);
        assert_int_equal(parse_size("1M", &v), 0);
        assert_true(v == 1 << 20);
        assert_int_equal(parse_size("1G", &v), 0);
        assert_true(v == 1ULL << 30);
        assert_int_equal(parse_size("4096", &v), 0);
        assert_true(v == 4096);
        assert_int_equal(parse_size("1.5K", &v), 0);
        assert_true(v == 1536);
        assert_int_equal(parse_size("infinity", &v), 0);
        assert_true(v == UINT64_MAX);
        assert_int_equal(parse_size("16E", &v), -ERANGE);
        assert_int_equal(parse_size("12Q", &v), -EINVAL);
        assert_int_equal(parse_size("-1", &v), -EINVAL);
        assert_int_equal(parse_size("", &v), -EINVAL);
}

static void test_boolean(void **state) {
        const char *yes[] = { "1", "yes", "y", "true", "t", "on", "YES", "On" };
        const char *no[] = { "0", "no", "n", "false", "f", "off", "NO" };
        for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
                assert_int_equal(parse_boolean(yes[i]), 1);
        for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
                assert_int_equal(parse_boolean(no[i]), 0);
        assert_int_equal(parse_boolean("maybe"), -EINVAL);
        assert_int_equal(parse_boolean(""), -EINVAL);
        assert_int_equal(parse_boolean(NULL), -EINVAL);
}

static void test_signal(void **state) {
        assert_int_equal(parse_signal("SIGTERM"), SIGTERM);
        assert_int_equal(parse_signal("TERM"), SIGTERM);
        assert_int_equal(parse_signal("15"), 15);
        assert_int_equal(parse_signal("SIGKILL"), SIGKILL);
        assert_int_equal(parse_signal("RTMIN+2"), SIGRTMIN + 2);
        assert_int_equal(parse_signal("SIGRTMAX-1"), SIGRTMAX - 1);
        assert_int_equal(parse_signal("0"), -EINVAL);
        assert_true(parse_signal("65") < 0);
        assert_true(parse_signal("SIGFOO") < 0);
        assert_true(parse_signal("") < 0);
        assert_true(parse_signal("RTMIN+99") < 0);
        assert_string_equal(signal_to_string(SIGTERM), "SIGTERM");
        assert_string_equal(signal_to_string(SIGHUP), "SIGHUP");
        assert_null(signal_to_string(0));
}

static void test_format(void **state) {
        char buf[64];
        assert_string_equal(format_timespan(buf, sizeof buf, 90 * USEC_PER_SEC), "1min 30s");
        assert_string_equal(format_timespan(buf, sizeof buf, USEC_INFINITY), "infinity");
        assert_string_equal(format_timespan(buf, sizeof buf, 0), "0");
        assert_string_equal(format_timespan(buf, sizeof buf, USEC_PER_HOUR + 5 * USEC_PER_MSEC), "1h 5ms");
        assert_string_equal(format_timespan(buf, 4, 90 * USEC_PER_SEC), "1mi");
        assert_true(now_monotonic() > 0);
        assert_true(now_realtime() > 1600000000ULL * USEC_PER_SEC);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_timespan_good), cmocka_unit_test(test_timespan_bad),
                cmocka_unit_test(test_size),          cmocka_unit_test(test_boolean),
                cmocka_unit_test(test_signal),        cmocka_unit_test(test_format),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
