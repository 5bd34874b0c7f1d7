/* notify-parse.h — one sd_notify(3) datagram as a pure function: bytes in,
 * NotifyMessage out. No sockets, no state, no logging, so the fuzzer and
 * the unit tests call it directly.
 *
 * Format: newline-separated KEY=VALUE assignments (a trailing newline and
 * empty lines are fine). A datagram is malformed — rejected whole — when it
 * is empty, longer than NOTIFY_MESSAGE_MAX, contains a NUL byte, or has a
 * line that is not KEY=VALUE with KEY made of [A-Za-z0-9_]. Within a good
 * datagram a known key whose value does not parse (READY=2, MAINPID=abc) is
 * ignored and counted in n_invalid, and unknown keys are ignored and counted
 * in n_unknown, as systemd ignores them. The first assignment of a key wins.
 *
 * Ownership: NotifyMessage owns `status`; notify_message_done() frees it. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "lib/macro.h"

/* systemd reads notifications into a buffer of this size too. */
#define NOTIFY_MESSAGE_MAX 4096

typedef enum NotifyField {
        NOTIFY_READY = 1 << 0,            /* READY=1 */
        NOTIFY_RELOADING = 1 << 1,        /* RELOADING=1 */
        NOTIFY_STOPPING = 1 << 2,         /* STOPPING=1 */
        NOTIFY_STATUS = 1 << 3,           /* STATUS=text */
        NOTIFY_ERRNO = 1 << 4,            /* ERRNO=n, n >= 0 */
        NOTIFY_MAINPID = 1 << 5,          /* MAINPID=n, n > 0 */
        NOTIFY_WATCHDOG = 1 << 6,         /* WATCHDOG=1 */
        NOTIFY_WATCHDOG_TRIGGER = 1 << 7, /* WATCHDOG=trigger */
        NOTIFY_WATCHDOG_USEC = 1 << 8,    /* WATCHDOG_USEC=n */
        NOTIFY_EXTEND_TIMEOUT = 1 << 9,   /* EXTEND_TIMEOUT_USEC=n */
        NOTIFY_BARRIER = 1 << 10,         /* BARRIER=1 */
        NOTIFY_FDSTORE = 1 << 11,         /* FDSTORE=1 (not supported: the fds are closed) */
} NotifyField;

typedef struct NotifyMessage {
        unsigned fields;           /* NotifyField bits present with a valid value */
        char *status;              /* STATUS=: control characters and bytes that are not
                                    * UTF-8 escaped as \xNN; "" clears the status */
        int errno_value;
        pid_t main_pid;
        usec_t watchdog_usec;
        usec_t extend_timeout_usec;
        unsigned n_invalid;        /* known keys whose value did not parse */
        unsigned n_unknown;        /* keys we do not know */
} NotifyMessage;

/* Parses data[0..size). Returns 0 and fills *ret, -EMSGSIZE when size is
 * over NOTIFY_MESSAGE_MAX, -EBADMSG for a malformed datagram, -ENOMEM.
 * *ret is written only on success. */
int notify_message_parse(const char *data, size_t size, NotifyMessage *ret);
void notify_message_done(NotifyMessage *m);

/* Escapes text[0..size) for display: printable ASCII and valid UTF-8 kept,
 * everything else as \xNN. Returns a new string or NULL (ENOMEM). */
char *notify_escape(const char *text, size_t size);
