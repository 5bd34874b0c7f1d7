#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

#include "strbuf.h"

static int log_max_level = LOG_INFO;
static int log_file_fd = -1;
static bool log_to_stderr = true;
static int log_stderr_level = LOG_DEBUG;
static const char *log_ident = "superd";
static log_hook_t log_hook;
static void *log_hook_userdata;
static log_sink_t log_sink;
static void *log_sink_userdata;
static bool log_service_file = true;
static bool log_service_stderr = true;
static log_stderr_writer_t log_stderr_writer;
static void *log_stderr_writer_userdata;

void log_set_service_lines_to_stderr(bool on) {
        log_service_stderr = on;
}

void log_set_stderr_writer(log_stderr_writer_t w, void *userdata) {
        log_stderr_writer = w;
        log_stderr_writer_userdata = userdata;
}

void log_set_sink(log_sink_t sink, void *userdata) {
        log_sink = sink;
        log_sink_userdata = userdata;
}

void log_set_service_lines_to_file(bool on) {
        log_service_file = on;
}

void log_set_max_level(int level) {
        log_max_level = level;
}

int log_get_max_level(void) {
        return log_max_level;
}

int log_level_from_string(const char *s) {
        static const char *const names[] = { "emerg", "alert", "crit", "err",
                                             "warning", "notice", "info", "debug" };
        for (int i = 0; i < (int) ELEMENTSOF(names); i++)
                if (strcmp(s, names[i]) == 0)
                        return i;
        if (strcmp(s, "error") == 0)
                return LOG_ERR;
        return -EINVAL;
}

void log_set_file(int fd) {
        safe_close(log_file_fd);
        log_file_fd = fd;
}

void log_set_stderr(bool on) {
        log_to_stderr = on;
}

void log_set_stderr_level(int level) {
        log_stderr_level = level;
}

void log_set_ident(const char *ident) {
        log_ident = ident;
}

void log_set_hook(log_hook_t hook, void *userdata) {
        log_hook = hook;
        log_hook_userdata = userdata;
}

static void format_timestamp(char *buf, size_t size) {
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        localtime_r(&ts.tv_sec, &tm);
        size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf + n, size - n, ".%06ld", ts.tv_nsec / 1000);
}

/* One write(2) per line, so concurrent writers never interleave a line. */
static void log_write_line(int level, const char *who, int pid, const char *text, size_t len, bool to_file,
                           bool to_stderr) {
        char ts[64];
        format_timestamp(ts, sizeof ts);
        StrBuf b = {};
        strbuf_printf(&b, "%s %s[%d]: ", ts, who, pid);
        strbuf_append(&b, text, len);
        strbuf_putc(&b, '\n');
        if (b.oom)
                return;
        if (log_file_fd >= 0 && to_file)
                (void) !write(log_file_fd, b.data, b.len);
        if (to_stderr && log_to_stderr && level <= log_stderr_level) {
                /* stderr gets no timestamp: the supervisor above us adds its own. */
                size_t ts_len = strlen(ts) + 1;
                if (log_stderr_writer)
                        log_stderr_writer(b.data + ts_len, b.len - ts_len, log_stderr_writer_userdata);
                else
                        (void) !write(STDERR_FILENO, b.data + ts_len, b.len - ts_len);
        }
        strbuf_done(&b);
}

int log_internalv(int level, int error, const char *unit, const char *fmt, va_list ap) {
        int saved = errno;
        if (error < 0)
                errno = -error;
        if (level <= log_max_level || log_hook) {
                char text[2048];
                vsnprintf(text, sizeof text, fmt, ap);
                if (level <= log_max_level) {
                        char line[2600];
                        int n = unit ? snprintf(line, sizeof line, "%s: %s", unit, text)
                                     : snprintf(line, sizeof line, "%s", text);
                        log_write_line(level, log_ident, (int) getpid(), line,
                                       MIN((size_t) n, sizeof line - 1), true, true);
                        if (log_sink)
                                log_sink(level, unit, text, log_sink_userdata);
                }
                if (log_hook && unit) {
                        char line[2100];
                        snprintf(line, sizeof line, "%s[%d]: %s", log_ident, (int) getpid(), text);
                        log_hook(level, unit, line, log_hook_userdata);
                }
        }
        errno = saved;
        return error < 0 ? error : -EIO;
}

int log_internal(int level, int error, const char *unit, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = log_internalv(level, error, unit, fmt, ap);
        va_end(ap);
        return r;
}

void log_service_line(const char *ident, const char *unit, int pid, int level, const char *text, size_t len) {
        if (log_service_file || log_service_stderr)
                log_write_line(level, ident, pid, text, len, log_service_file, log_service_stderr);
        if (log_hook) {
                char line[1024];
                snprintf(line, sizeof line, "%s[%d]: %.*s", ident, pid, (int) MIN(len, sizeof line), text);
                log_hook(level, unit, line, log_hook_userdata);
        }
}
