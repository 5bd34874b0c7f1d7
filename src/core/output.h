/* output.h — capture of services' stdout/stderr (see output.c). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "lib/strbuf.h"

typedef struct Manager Manager;

typedef struct OutputStreamParams {
        const char *unit, *ident;
        pid_t pid;
        uid_t uid;          /* the service's User=, stored in each entry */
        int level;          /* default priority (SyslogLevel=) */
        int facility;       /* SyslogFacility= */
        int stream;         /* JOURNAL_STREAM_STDOUT or _STDERR */
        bool level_prefix;  /* honour "<N>" (SyslogLevelPrefix=) */
} OutputStreamParams;

/* daemon-reexec: one "stream=FD PID LEVEL FLAGS FACILITY UID UNIT IDENT"
 * line per stream (FLAGS: 16 | 1 prefix | 2 stderr), its fd kept open
 * across exec. */
void output_streams_serialize(Manager *m, StrBuf *b);
/* The value of such a line (also the older "FD PID LEVEL PREFIX UNIT IDENT"). */
void output_stream_deserialize(Manager *m, char *val);
/* Takes ownership of fd (the read end of a service's output pipe). */
int output_stream_new(Manager *m, const OutputStreamParams *p, int fd);
