/* protocol.h — the control protocol between superctl and superd (version 1).
 *
 * A connection carries frames: a 4-byte little-endian payload length, then
 * the payload, a sequence of NUL-terminated fields. Payloads are at most
 * CONTROL_FRAME_MAX bytes.
 *   request:  "superd/1" VERB ARG...
 *   response: "superd/1" EXIT-CODE STDERR-TEXT STDOUT-TEXT
 * One request per connection; the daemon answers, then closes. Anything
 * else — a bad length, a missing NUL, a wrong version, an unknown verb — gets
 * an error response (where a response can still be framed) and the close.
 *
 * Properties travel in STDOUT-TEXT as records: "Key=Value" lines, records
 * separated by an empty line; in values, '\' and newline are escaped as
 * "\\" and "\n" so a record never splits. The client formats them (status,
 * show, -o json), so the daemon needs no presentation code. */
#pragma once

#include <stddef.h>

#include "lib/strbuf.h"

#define CONTROL_PROTOCOL "superd/1"
#define CONTROL_FRAME_MAX (8u << 20)

/* Appends one frame holding fields[0..n) to out. */
void control_frame_append(StrBuf *out, char *const *fields, size_t n);

/* Looks for one whole frame at the start of data. Returns 1 and sets
 * *ret_fields (a new strv) and *ret_consumed when one is there, 0 when more
 * bytes are needed, -EBADMSG when the bytes cannot be a frame, -ENOMEM. */
int control_frame_parse(const char *data, size_t len, char ***ret_fields, size_t *ret_consumed);

/* Record helpers. */
void control_record_add(StrBuf *b, const char *key, const char *value);
void control_record_addf(StrBuf *b, const char *key, const char *fmt, ...) _printf_(3, 4);
void control_record_end(StrBuf *b);
/* Splits text into records; each record is a strv of "Key=Value" with values
 * unescaped. Returns the number of records, or -ENOMEM. */
int control_records_parse(const char *text, char ****ret);
void control_records_free(char ***records);
/* Value of key in one record, or NULL. */
const char *control_record_get(char *const *record, const char *key);

/* Client side: connects to path, sends the request, waits for the response.
 * Returns 0 and the parts, or -errno (-ECONNREFUSED/-ENOENT: no daemon). */
int control_call(const char *path, char *const *request, int *ret_code, char **ret_stderr, char **ret_stdout);
