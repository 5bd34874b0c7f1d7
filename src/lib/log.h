/* log.h — the daemon's and client's own messages.
 *
 * One log target per process (the only global besides arg_* options): a file
 * (the runtime dir's superd.log until the journal exists), optionally stderr
 * too, and a callback so the manager can keep recent lines per unit. src/lib
 * code itself never logs above debug. log_*_errno() take a negative errno,
 * set errno for %m and return it, so `return log_error_errno(r, "...: %m")`. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h>

#include "macro.h"

typedef void (*log_hook_t)(int level, const char *unit, const char *text, void *userdata);

void log_set_max_level(int level);
int log_get_max_level(void);
int log_level_from_string(const char *s); /* "info" -> LOG_INFO, -EINVAL */
/* Takes ownership of fd (O_APPEND). -1 closes the file target. */
void log_set_file(int fd);
void log_set_stderr(bool on);
/* Only messages at level or more urgent reach stderr (default: all). */
void log_set_stderr_level(int level);
void log_set_ident(const char *ident);
void log_set_hook(log_hook_t hook, void *userdata);
/* A sink gets every message at or above the max level, unformatted (the
 * manager's journal). Service lines go to the file only if asked to. */
typedef void (*log_sink_t)(int level, const char *unit, const char *text, void *userdata);
void log_set_sink(log_sink_t sink, void *userdata);
void log_set_service_lines_to_file(bool on);
/* Services' lines on stderr too (default on; off once the journal's
 * ForwardToConsole= takes them over). */
void log_set_service_lines_to_stderr(bool on);
/* Replaces write(2) to fd 2 (the journal's console writer: non-blocking,
 * bounded); NULL restores it. */
typedef void (*log_stderr_writer_t)(const char *data, size_t len, void *userdata);
void log_set_stderr_writer(log_stderr_writer_t w, void *userdata);

/* Writes one line attributed to unit (NULL: the manager itself). */
int log_internal(int level, int error, const char *unit, const char *fmt, ...) _printf_(4, 5);
int log_internalv(int level, int error, const char *unit, const char *fmt, va_list ap);
/* A line from a service's output, written as "ident[pid]: text" and handed
 * to the hook under unit. */
void log_service_line(const char *ident, const char *unit, int pid, int level, const char *text, size_t len);

#define log_full_errno(level, error, ...) log_internal(level, error, NULL, __VA_ARGS__)
#define log_debug(...) log_internal(LOG_DEBUG, 0, NULL, __VA_ARGS__)
#define log_info(...) log_internal(LOG_INFO, 0, NULL, __VA_ARGS__)
#define log_notice(...) log_internal(LOG_NOTICE, 0, NULL, __VA_ARGS__)
#define log_warning(...) log_internal(LOG_WARNING, 0, NULL, __VA_ARGS__)
#define log_error(...) log_internal(LOG_ERR, 0, NULL, __VA_ARGS__)
#define log_warning_errno(e, ...) log_internal(LOG_WARNING, e, NULL, __VA_ARGS__)
#define log_error_errno(e, ...) log_internal(LOG_ERR, e, NULL, __VA_ARGS__)
#define log_unit_info(u, ...) log_internal(LOG_INFO, 0, u, __VA_ARGS__)
#define log_unit_notice(u, ...) log_internal(LOG_NOTICE, 0, u, __VA_ARGS__)
#define log_unit_warning(u, ...) log_internal(LOG_WARNING, 0, u, __VA_ARGS__)
#define log_unit_error(u, ...) log_internal(LOG_ERR, 0, u, __VA_ARGS__)
#define log_unit_debug(u, ...) log_internal(LOG_DEBUG, 0, u, __VA_ARGS__)
#define log_unit_error_errno(u, e, ...) log_internal(LOG_ERR, e, u, __VA_ARGS__)
#define log_unit_warning_errno(u, e, ...) log_internal(LOG_WARNING, e, u, __VA_ARGS__)
