/* test-control-protocol.c — framing and property records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "control/protocol.h"
#include "lib/json.h"
#include "lib/strv.h"

static void test_frame_roundtrip(void **state) {
        char *fields[] = { "superd/1", "start", "a.service", "" };
        StrBuf b = {};
        control_frame_append(&b, fields, 4);
        assert_false(b.oom);
        char **out = NULL;
        size_t used = 0;
        /* Every prefix is "need more", never an error. */
        for (size_t n = 0; n < b.len; n++)
                assert_int_equal(control_frame_parse(b.data, n, &out, &used), 0);
        assert_int_equal(control_frame_parse(b.data, b.len, &out, &used), 1);
        assert_int_equal(used, b.len);
        assert_int_equal(strv_length(out), 4);
        assert_string_equal(out[1], "start");
        assert_string_equal(out[3], "");
        strv_free(out);
        strbuf_done(&b);
}

static void test_frame_garbage(void **state) {
        char **out = NULL;
        size_t used;
        /* length 0 */
        assert_int_equal(control_frame_parse("\0\0\0\0", 4, &out, &used), -EBADMSG);
        /* length over the maximum */
        assert_int_equal(control_frame_parse("\xff\xff\xff\xff", 4, &out, &used), -EBADMSG);
        /* a payload that does not end in NUL */
        assert_int_equal(control_frame_parse("\3\0\0\0abc", 7, &out, &used), -EBADMSG);
}

static void test_records(void **state) {
        StrBuf b = {};
        control_record_add(&b, "Id", "a.service");
        control_record_add(&b, "Text", "two\nlines \\ back");
        control_record_end(&b);
        control_record_add(&b, "Id", "b.service");
        control_record_end(&b);
        char ***recs = NULL;
        assert_int_equal(control_records_parse(b.data, &recs), 2);
        assert_string_equal(control_record_get(recs[0], "Text"), "two\nlines \\ back");
        assert_string_equal(control_record_get(recs[1], "Id"), "b.service");
        assert_null(control_record_get(recs[1], "Text"));
        control_records_free(recs);
        strbuf_done(&b);
}

static void test_json_escaping(void **state) {
        StrBuf b = {};
        json_append_string(&b, "a\"b\\c\n\x01\xff\xc3\xa9");
        assert_string_equal(b.data, "\"a\\\"b\\\\c\\u000a\\u0001\\ufffd\xc3\xa9\"");
        strbuf_done(&b);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_frame_roundtrip),
                cmocka_unit_test(test_frame_garbage),
                cmocka_unit_test(test_records),
                cmocka_unit_test(test_json_escaping),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
