/* output.h — capture of services' stdout/stderr (see output.c). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "lib/strbuf.h"

typedef struct Manager Manager;

/* daemon-reexec: one "stream=FD PID LEVEL PREFIX UNIT IDENT" line per
 * stream, its fd kept open across exec. */
void output_streams_serialize(Manager *m, StrBuf *b);
/* Takes ownership of fd (the read end of a service's output pipe). */
int output_stream_new(Manager *m, const char *unit, const char *ident, pid_t pid, int fd, int level,
                      bool level_prefix);
