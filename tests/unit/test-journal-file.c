/* test-journal-file.c — the journal library on a temporary directory:
 * records and checksums, reading back, torn tails, flipped bits, unit
 * chains and tails, filters, rotation and vacuum, verify. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "journal/crc32c.h"
#include "journal/journal-def.h"
#include "journal/journal.h"
#include "lib/strbuf.h"

static char dir[64];

static int setup(void **state) {
        strcpy(dir, "/tmp/test-journal-XXXXXX");
        assert_non_null(mkdtemp(dir));
        return 0;
}

static int teardown(void **state) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
        return 0;
}

static void add(JournalWriter *w, const char *unit, int prio, uint64_t rt, const char *msg, size_t len) {
        JournalEntry e = {
                .unit = unit, .unit_len = strlen(unit), .ident = "id", .ident_len = 2,
                .message = msg, .message_len = len, .priority = prio, .facility = 3, .pid = 42,
                .uid = 7, .realtime = rt, .stream = JOURNAL_STREAM_STDOUT,
        };
        assert_int_equal(journal_writer_add(w, &e), 0);
}

typedef struct Collect {
        StrBuf b;
        unsigned n;
} Collect;

static int collect_cb(const JournalEntry *e, void *ud) {
        Collect *c = ud;
        strbuf_append(&c->b, e->unit, e->unit_len);
        strbuf_putc(&c->b, ':');
        strbuf_append(&c->b, e->message, e->message_len);
        strbuf_putc(&c->b, '|');
        c->n++;
        return 0;
}

static char *query(const JournalFilter *f, uint64_t limit, bool reverse, unsigned *n) {
        JournalReader *r;
        assert_int_equal(journal_reader_open(dir, &r), 0);
        Collect c = {};
        strbuf_puts(&c.b, "");
        assert_int_equal(journal_query(r, f, limit, reverse, collect_cb, &c), 0);
        journal_reader_free(r);
        if (n)
                *n = c.n;
        return strbuf_steal(&c.b);
}

static void test_crc(void **state) {
        /* The standard check value of CRC-32C. */
        assert_int_equal(crc32c_update(0, "123456789", 9), 0xE3069283u);
        uint32_t c = crc32c_update(0, "12345", 5);
        assert_int_equal(crc32c_update(c, "6789", 4), 0xE3069283u);
}

static void test_roundtrip(void **state) {
        JournalWriter *w;
        assert_int_equal(journal_writer_open(dir, NULL, &w), 0);
        add(w, "a.service", 6, 1000, "hello", 5);
        add(w, "b.service", 3, 2000, "bin\0ary\xff", 8);
        add(w, "a.service", 7, 3000, "", 0);
        assert_int_equal(journal_writer_flush(w), 0);
        journal_writer_close(w);
        JournalFilter f;
        journal_filter_init(&f);
        unsigned n;
        char *s = query(&f, 0, false, &n);
        assert_int_equal(n, 3);
        assert_memory_equal(s, "a.service:hello|b.service:bin\0ary\xff|a.service:|", 38);
        free(s);
        s = query(&f, 1, false, NULL);
        assert_string_equal(s, "a.service:|");
        free(s);
        s = query(&f, 2, true, NULL);
        assert_memory_equal(s, "a.service:|b.service:bin\0ary", 28);
        free(s);
        char *units[] = { "a.service", NULL };
        f.units = units;
        s = query(&f, 0, false, NULL);
        assert_string_equal(s, "a.service:hello|a.service:|");
        free(s);
        f.prio_max = 6;
        s = query(&f, 0, false, NULL);
        assert_string_equal(s, "a.service:hello|");
        free(s);
        journal_filter_init(&f);
        f.since = 1500;
        f.until = 2500;
        s = query(&f, 0, false, NULL);
        assert_memory_equal(s, "b.service:bin", 13);
        free(s);
        regex_t re;
        assert_int_equal(regcomp(&re, "^hel+o$", REG_EXTENDED | REG_NOSUB), 0);
        journal_filter_init(&f);
        f.grep = &re;
        s = query(&f, 0, false, NULL);
        assert_string_equal(s, "a.service:hello|");
        free(s);
        regfree(&re);
        JournalVerifyResult vr;
        assert_int_equal(journal_verify(dir, &vr, NULL, NULL), 0);
        assert_int_equal(vr.entries, 3);
        /* Reopen: appends continue in the same file, chains intact. */
        assert_int_equal(journal_writer_open(dir, NULL, &w), 0);
        add(w, "a.service", 6, 4000, "again", 5);
        journal_writer_close(w);
        journal_filter_init(&f);
        f.units = units;
        s = query(&f, 0, false, NULL);
        assert_string_equal(s, "a.service:hello|a.service:|a.service:again|");
        free(s);
        assert_int_equal(journal_verify(dir, &vr, NULL, NULL), 0);
        assert_int_equal(vr.entries, 4);
}

static char *only_file(void) {
        JournalFileInfo *a;
        size_t n;
        assert_int_equal(journal_dir_list(dir, &a, &n), 0);
        assert_true(n >= 1);
        char *p = strdup(a[n - 1].path);
        journal_file_info_free(a, n);
        return p;
}

static void test_torn_tail(void **state) {
        JournalWriter *w;
        assert_int_equal(journal_writer_open(dir, NULL, &w), 0);
        for (int i = 0; i < 10; i++) {
                char m[32];
                snprintf(m, sizeof m, "line %d", i);
                add(w, "t.service", 6, 0, m, strlen(m));
        }
        assert_int_equal(journal_writer_flush(w), 0);
        /* Simulate a crash: no close, then half a record at the end. */
        char *path = only_file();
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        int fd = open(path, O_WRONLY | O_APPEND);
        assert_true(fd >= 0);
        uint8_t junk[100];
        memset(junk, 0, sizeof junk);
        uint32_t magic = JOURNAL_ENTRY_MAGIC, size = 160;
        memcpy(junk, &magic, 4);
        memcpy(junk + 4, &size, 4);
        assert_int_equal(write(fd, junk, 100), 100);
        close(fd);
        JournalFilter f;
        journal_filter_init(&f);
        unsigned n;
        free(query(&f, 0, false, &n));
        assert_int_equal(n, 10);
        char *s = query(&f, 2, false, &n);
        assert_string_equal(s, "t.service:line 8|t.service:line 9|");
        free(s);
        JournalVerifyResult vr;
        assert_int_equal(journal_verify(dir, &vr, NULL, NULL), 0);
        assert_true(vr.torn_bytes > 0);
        /* The "crashed" writer is gone; a new one cuts the tail and goes on. */
        journal_writer_abandon(w);
        JournalWriter *w2;
        assert_int_equal(journal_writer_open(dir, NULL, &w2), 0);
        add(w2, "t.service", 6, 0, "after", 5);
        journal_writer_close(w2);
        free(query(&f, 0, false, &n));
        assert_int_equal(n, 11);
        assert_int_equal(journal_verify(dir, &vr, NULL, NULL), 0);
        assert_int_equal(vr.torn_bytes, 0);
        free(path);
}

static void test_flipped_bits(void **state) {
        JournalWriter *w;
        assert_int_equal(journal_writer_open(dir, NULL, &w), 0);
        for (int i = 0; i < 20; i++) {
                char m[32];
                snprintf(m, sizeof m, "message number %02d", i);
                add(w, i % 2 ? "odd.service" : "even.service", 6, 0, m, strlen(m));
        }
        journal_writer_close(w);
        char *path = only_file();
        /* Flip one bit in the 5th record's message. */
        int fd = open(path, O_RDWR);
        assert_true(fd >= 0);
        uint64_t rec = journal_record_size(12, 2, 17);
        off_t at = (off_t) (JOURNAL_HEADER_SIZE + 4 * rec + sizeof(JournalRecord) + 20);
        uint8_t c;
        assert_int_equal(pread(fd, &c, 1, at), 1);
        c ^= 0x10;
        assert_int_equal(pwrite(fd, &c, 1, at), 1);
        close(fd);
        JournalFilter f;
        journal_filter_init(&f);
        unsigned n;
        free(query(&f, 0, false, &n));
        assert_int_equal(n, 19);
        char *units[] = { "even.service", NULL };
        f.units = units;
        free(query(&f, 0, false, &n));
        assert_int_equal(n, 9);
        char *s = query(&f, 1, false, &n);
        assert_string_equal(s, "even.service:message number 18|");
        free(s);
        JournalVerifyResult vr;
        assert_true(journal_verify(dir, &vr, NULL, NULL) < 0);
        assert_int_equal(vr.bad_records, 1);
        /* A writer does not append after damage: it starts a new file. */
        assert_int_equal(journal_writer_open(dir, NULL, &w), 0);
        add(w, "even.service", 6, 0, "new", 3);
        journal_writer_close(w);
        journal_filter_init(&f);
        free(query(&f, 0, false, &n));
        assert_int_equal(n, 20);
        free(path);
}

static void test_rotation_vacuum(void **state) {
        JournalWriterConfig c;
        journal_writer_config_defaults(&c);
        c.max_file_size = 64 * 1024;
        c.max_use = 256 * 1024;
        JournalWriter *w;
        assert_int_equal(journal_writer_open(dir, &c, &w), 0);
        char msg[100];
        memset(msg, 'x', sizeof msg);
        for (int i = 0; i < 5000; i++) {
                char u[32];
                snprintf(u, sizeof u, "u%d.service", i % 10);
                snprintf(msg, sizeof msg, "%06d", i);
                msg[6] = 'x';
                add(w, u, 6, 1000000 + (uint64_t) i, msg, sizeof msg);
        }
        journal_writer_close(w);
        JournalFileInfo *a;
        size_t n;
        assert_int_equal(journal_dir_list(dir, &a, &n), 0);
        assert_true(n >= 3);
        uint64_t total = 0;
        for (size_t i = 0; i < n; i++) {
                assert_true(a[i].size <= 64 * 1024);
                total += a[i].size;
        }
        assert_true(total <= 256 * 1024 + 64 * 1024);
        journal_file_info_free(a, n);
        JournalVerifyResult vr;
        assert_int_equal(journal_verify(dir, &vr, NULL, NULL), 0);
        JournalFilter f;
        journal_filter_init(&f);
        char *units[] = { "u3.service", NULL };
        f.units = units;
        unsigned k;
        char *s = query(&f, 3, false, &k);
        assert_int_equal(k, 3);
        assert_memory_equal(s, "u3.service:004973", 17);
        free(s);
        f.since = 1000000 + 4900;
        f.until = 1000000 + 4950;
        free(query(&f, 0, false, &k));
        assert_int_equal(k, 5); /* 4903 4913 4923 4933 4943 */
        f.units = NULL;
        free(query(&f, 0, true, &k));
        assert_int_equal(k, 51);
        uint64_t freed;
        assert_true(journal_vacuum(dir, 100 * 1024, 0, &freed) > 0);
        assert_true(freed > 0);
        uint64_t use;
        assert_int_equal(journal_disk_usage(dir, &use), 0);
        assert_true(use <= 140 * 1024);
}

/* The writer's knowledge of its open file (no tail yet) stands in for the
 * walk back from the end: same answer, across a rotation, and a hint that
 * does not lead to the unit falls back to reading the file. */
static void test_active_file_hint(void **state) {
        JournalWriter *w;
        assert_int_equal(journal_writer_open(dir, NULL, &w), 0);
        add(w, "a.service", 6, 1000, "old", 3);
        assert_int_equal(journal_writer_rotate(w), 0);
        add(w, "a.service", 6, 2000, "one", 3);
        for (int i = 0; i < 200; i++)
                add(w, "b.service", 6, 3000 + i, "chatter", 7);
        add(w, "a.service", 6, 4000, "two", 3);
        for (int i = 0; i < 200; i++)
                add(w, "b.service", 6, 5000 + i, "chatter", 7);
        assert_int_equal(journal_writer_flush(w), 0);
        char *units[] = { "a.service", NULL };
        JournalFilter f;
        journal_filter_init(&f);
        f.units = units;
        char *walked = query(&f, 10, false, NULL);
        assert_string_equal(walked, "a.service:old|a.service:one|a.service:two|");
        uint64_t last[] = { journal_writer_unit_last(w, "a.service") };
        assert_true(last[0] > 0);
        assert_int_equal(journal_writer_unit_last(w, "c.service"), 0);
        f.active_path = journal_writer_path(w);
        f.active_unit_last = last;
        char *hinted = query(&f, 10, false, NULL);
        assert_string_equal(hinted, walked);
        free(hinted);
        /* 0: nothing in the active file; the rotated one still answers. */
        last[0] = 0;
        hinted = query(&f, 10, false, NULL);
        assert_string_equal(hinted, "a.service:old|");
        free(hinted);
        /* An offset that is not the unit's entry: read the file instead. */
        last[0] = journal_writer_unit_last(w, "b.service");
        hinted = query(&f, 10, false, NULL);
        assert_string_equal(hinted, walked);
        free(hinted);
        free(walked);
        journal_writer_close(w);
}

static void test_no_dir(void **state) {
        JournalReader *r;
        assert_int_equal(journal_reader_open("/nonexistent/journal", &r), 0);
        JournalFilter f;
        journal_filter_init(&f);
        Collect c = {};
        assert_int_equal(journal_query(r, &f, 10, false, collect_cb, &c), 0);
        assert_int_equal(c.n, 0);
        journal_reader_free(r);
}

static void test_format(void **state) {
        JournalEntry e = {
                .unit = "a.service", .unit_len = 9, .ident = "prog", .ident_len = 4, .pid = 5,
                .message = "a\x1b[31mb\"\n", .message_len = 9, .priority = 3, .facility = 16,
                .realtime = 1700000000123456ull, .uid = JOURNAL_UID_UNKNOWN,
        };
        StrBuf b = {};
        journal_format_entry(&b, &e, JOURNAL_OUTPUT_CAT, "h", true);
        assert_string_equal(b.data, "a\\x1b[31mb\"\\x0a\n");
        strbuf_reset(&b);
        journal_format_entry(&b, &e, JOURNAL_OUTPUT_JSON, "h", false);
        assert_non_null(strstr(b.data, "\"MESSAGE\" : \"a\\u001b[31mb\\\"\\n\""));
        assert_non_null(strstr(b.data, "\"PRIORITY\" : \"3\""));
        assert_non_null(strstr(b.data, "\"SYSLOG_FACILITY\" : \"16\""));
        assert_non_null(strstr(b.data, "\"_SYSTEMD_UNIT\" : \"a.service\""));
        assert_non_null(strstr(b.data, "\"__REALTIME_TIMESTAMP\" : \"1700000000123456\""));
        strbuf_reset(&b);
        e.message = "\xff\x01";
        e.message_len = 2;
        journal_format_entry(&b, &e, JOURNAL_OUTPUT_JSON, "h", false);
        assert_non_null(strstr(b.data, "\"MESSAGE\" : [255,1]"));
        strbuf_reset(&b);
        journal_format_entry(&b, &e, JOURNAL_OUTPUT_SHORT_PRECISE, "h", true);
        assert_non_null(strstr(b.data, ".123456 h prog[5]: \\xff\\x01\n"));
        strbuf_reset(&b);
        journal_format_entry(&b, &e, JOURNAL_OUTPUT_EXPORT, "h", false);
        assert_non_null(strstr(b.data, "\nMESSAGE\n\x02\0\0\0\0\0\0\0\xff\x01\n") || memmem(b.data, b.len, "\nMESSAGE\n\x02\0\0\0\0\0\0\0\xff\x01\n", 20));
        strbuf_done(&b);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_crc),
                cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
                cmocka_unit_test_setup_teardown(test_torn_tail, setup, teardown),
                cmocka_unit_test_setup_teardown(test_flipped_bits, setup, teardown),
                cmocka_unit_test_setup_teardown(test_rotation_vacuum, setup, teardown),
                cmocka_unit_test_setup_teardown(test_active_file_hint, setup, teardown),
                cmocka_unit_test(test_no_dir),
                cmocka_unit_test(test_format),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
