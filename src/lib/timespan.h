/* timespan.h — parsing time spans, sizes and small typed values the way
 * systemd does (systemd.time(7)). Pure functions, no logging. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "macro.h"

/* "5s", "1min 30s", "100ms", "2h", "infinity", "500" (bare number in
 * units of default_unit). Returns 0 or -EINVAL / -ERANGE. */
int parse_timespan(const char *s, usec_t default_unit, usec_t *ret);
/* "64K", "1M", "1G", "4096" (1024-based, systemd's meaning); "infinity" -> UINT64_MAX. */
int parse_size(const char *s, uint64_t *ret);
/* yes/no/true/false/on/off/1/0 -> 1/0; else -EINVAL. */
int parse_boolean(const char *s);
/* "SIGTERM", "TERM", "15" -> 15; else -EINVAL. */
int parse_signal(const char *s);
const char *signal_to_string(int sig); /* "TERM" -> "SIGTERM"-style: returns "SIGTERM" */
/* Formats a span as systemd does in status ("1min 30s", "infinity") into buf. */
char *format_timespan(char *buf, size_t size, usec_t t);
/* Monotonic / realtime clocks in µs. */
usec_t now_monotonic(void);
usec_t now_realtime(void);
