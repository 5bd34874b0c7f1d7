/* output.h — capture of services' stdout/stderr (see output.c). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

typedef struct Manager Manager;

/* Takes ownership of fd (the read end of a service's output pipe). */
int output_stream_new(Manager *m, const char *unit, const char *ident, pid_t pid, int fd, int level,
                      bool level_prefix);
