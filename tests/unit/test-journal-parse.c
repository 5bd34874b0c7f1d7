/* test-journal-parse.c — syslog datagrams (RFC 3164, RFC 5424, nasty
 * inputs), journalctl's time expressions, priorities and ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "journal/journal.h"
#include "journal/syslog-parse.h"

static void check(const char *in, size_t n, int prio, int fac, const char *ident, unsigned pid, const char *msg) {
        SyslogMessage m;
        syslog_parse(in, n, &m);
        assert_int_equal(m.priority, prio);
        assert_int_equal(m.facility, fac);
        if (ident) {
                assert_int_equal(m.ident_len, strlen(ident));
                assert_memory_equal(m.ident, ident, m.ident_len);
        } else
                assert_int_equal(m.ident_len, 0);
        assert_int_equal(m.pid, pid);
        assert_int_equal(m.msg_len, strlen(msg));
        assert_memory_equal(m.msg, msg, m.msg_len);
}

#define CHECK(s, ...) check(s, sizeof(s) - 1, __VA_ARGS__)

static void test_rfc3164(void **state) {
        /* glibc syslog(3) to /dev/log */
        CHECK("<134>Nov 21 10:00:01 mydaemon[123]: started", 6, 16, "mydaemon", 123, "started");
        /* logger(1) locally */
        CHECK("<131>Nov  1 09:04:09 mytag: hello from logger", 3, 16, "mytag", 0, "hello from logger");
        /* with a host name */
        CHECK("<13>Nov 21 10:00:01 host1 prog[7]: x y", 5, 1, "prog", 7, "x y");
        /* Python's SysLogHandler: no header, a trailing NUL */
        CHECK("<12>python says hi\0", 4, 1, NULL, 0, "python says hi");
        CHECK("<12>app: with tag\n", 4, 1, "app", 0, "with tag");
        /* no PRI at all */
        CHECK("just text", 5, 1, NULL, 0, "just text");
        /* bad PRI stays text */
        CHECK("<999>x", 5, 1, NULL, 0, "<999>x");
        CHECK("<>x", 5, 1, NULL, 0, "<>x");
        CHECK("<12", 5, 1, NULL, 0, "<12");
        check("", 0, 5, 1, NULL, 0, "");
        /* NUL bytes inside are kept */
        SyslogMessage m;
        syslog_parse("<14>a: b\0c", 10, &m);
        assert_int_equal(m.msg_len, 3);
        assert_memory_equal(m.msg, "b\0c", 3);
        /* invalid UTF-8 is kept as is */
        CHECK("<14>t: \xff\xfe", 6, 1, "t", 0, "\xff\xfe");
        /* a huge pid is not a pid */
        CHECK("<14>t[99999999999]: m", 6, 1, "t", 0, "m");
}

static void test_rfc5424(void **state) {
        CHECK("<165>1 2026-11-21T10:00:00.003Z host app 42 ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"A]pp\"] \xef\xbb\xbf" "An app event",
              5, 20, "app", 42, "An app event");
        CHECK("<14>1 - - - - - - plain", 6, 1, NULL, 0, "plain");
        CHECK("<14>1 - - tool - - -", 6, 1, "tool", 0, "");
        CHECK("<14>1 ", 6, 1, NULL, 0, "");
}

static void test_big_datagram(void **state) {
        size_t n = 64 * 1024;
        char *b = malloc(n);
        memset(b, 'a', n);
        memcpy(b, "<11>x: ", 7);
        SyslogMessage m;
        syslog_parse(b, n, &m);
        assert_int_equal(m.priority, 3);
        assert_int_equal(m.msg_len, n - 7);
        free(b);
}

static void test_priorities(void **state) {
        int a, b;
        assert_int_equal(journal_priority_from_string("err"), 3);
        assert_int_equal(journal_priority_from_string("7"), 7);
        assert_int_equal(journal_priority_from_string("warning"), 4);
        assert_true(journal_priority_from_string("8") < 0);
        assert_true(journal_priority_from_string("bogus") < 0);
        assert_int_equal(journal_parse_priority_range("err", &a, &b), 0);
        assert_int_equal(a, 0);
        assert_int_equal(b, 3);
        assert_int_equal(journal_parse_priority_range("warning..err", &a, &b), 0);
        assert_int_equal(a, 3);
        assert_int_equal(b, 4);
        assert_int_equal(journal_parse_priority_range("1..6", &a, &b), 0);
        assert_int_equal(a, 1);
        assert_int_equal(b, 6);
        assert_true(journal_parse_priority_range("x..err", &a, &b) < 0);
        assert_int_equal(journal_facility_from_string("local0"), 16);
        assert_string_equal(journal_facility_to_string(3), "daemon");
}

static uint64_t at(int y, int mo, int d, int h, int mi, int s) {
        struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s,
                         .tm_isdst = -1 };
        return (uint64_t) mktime(&tm) * 1000000u;
}

static void test_times(void **state) {
        setenv("TZ", "UTC", 1);
        tzset();
        uint64_t now = at(2026, 11, 21, 12, 30, 15) + 500, t;
        assert_int_equal(journal_parse_time("2026-11-21 10:00", now, &t), 0);
        assert_int_equal(t, at(2026, 11, 21, 10, 0, 0));
        assert_int_equal(journal_parse_time("2026-11-21 10:00:05", now, &t), 0);
        assert_int_equal(t, at(2026, 11, 21, 10, 0, 5));
        assert_int_equal(journal_parse_time("2026-11-20", now, &t), 0);
        assert_int_equal(t, at(2026, 11, 20, 0, 0, 0));
        assert_int_equal(journal_parse_time("09:15", now, &t), 0);
        assert_int_equal(t, at(2026, 11, 21, 9, 15, 0));
        assert_int_equal(journal_parse_time("today", now, &t), 0);
        assert_int_equal(t, at(2026, 11, 21, 0, 0, 0));
        assert_int_equal(journal_parse_time("yesterday", now, &t), 0);
        assert_int_equal(t, at(2026, 11, 20, 0, 0, 0));
        assert_int_equal(journal_parse_time("tomorrow", now, &t), 0);
        assert_int_equal(t, at(2026, 11, 22, 0, 0, 0));
        assert_int_equal(journal_parse_time("now", now, &t), 0);
        assert_int_equal(t, now);
        assert_int_equal(journal_parse_time("-1h", now, &t), 0);
        assert_int_equal(t, now - 3600000000ull);
        assert_int_equal(journal_parse_time("5 min ago", now, &t), 0);
        assert_int_equal(t, now - 300000000ull);
        assert_int_equal(journal_parse_time("+30s", now, &t), 0);
        assert_int_equal(t, now + 30000000ull);
        assert_int_equal(journal_parse_time("@1700000000", now, &t), 0);
        assert_int_equal(t, 1700000000000000ull);
        assert_true(journal_parse_time("", now, &t) < 0);
        assert_true(journal_parse_time("2026-13-01", now, &t) < 0);
        assert_true(journal_parse_time("25:00", now, &t) < 0);
        assert_true(journal_parse_time("soon", now, &t) < 0);
        assert_true(journal_parse_time("-", now, &t) < 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_rfc3164),     cmocka_unit_test(test_rfc5424),
                cmocka_unit_test(test_big_datagram), cmocka_unit_test(test_priorities),
                cmocka_unit_test(test_times),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
