/* syslog-parse.h — RFC 3164 and RFC 5424 datagrams as syslog(3), logger(1)
 * and Python's SysLogHandler send them. Pure; fields point into the input. */
#pragma once

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct SyslogMessage {
        int priority;           /* 0..7, default 5 (notice) without <PRI> */
        int facility;           /* 0..23, default 1 (user) */
        uint64_t timestamp;     /* µs since the epoch, 0: not given / not parsed */
        const char *hostname;
        size_t hostname_len;
        const char *ident;
        size_t ident_len;
        uint32_t pid;           /* 0: not given */
        const char *msg;
        size_t msg_len;
        int rfc;                /* 3164 or 5424 */
} SyslogMessage;

/* Never fails: anything unparsable is the message. Trailing NULs and
 * newlines are dropped. */
void syslog_parse(const char *buf, size_t n, SyslogMessage *m);
