#include "protocol.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/strv.h"

void control_frame_append(StrBuf *out, char *const *fields, size_t n) {
        size_t len = 0;
        for (size_t i = 0; i < n; i++)
                len += strlen(fields[i]) + 1;
        uint8_t hdr[4] = { len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, (len >> 24) & 0xff };
        strbuf_append(out, hdr, 4);
        for (size_t i = 0; i < n; i++)
                strbuf_append(out, fields[i], strlen(fields[i]) + 1);
}

int control_frame_parse(const char *data, size_t len, char ***ret_fields, size_t *ret_consumed) {
        if (len < 4)
                return 0;
        const uint8_t *h = (const uint8_t *) data;
        size_t plen = (size_t) h[0] | (size_t) h[1] << 8 | (size_t) h[2] << 16 | (size_t) h[3] << 24;
        if (plen == 0 || plen > CONTROL_FRAME_MAX)
                return -EBADMSG;
        if (len - 4 < plen)
                return 0;
        const char *p = data + 4, *end = p + plen;
        if (end[-1] != 0)
                return -EBADMSG;
        char **fields = calloc(1, sizeof(char *));
        if (!fields)
                return -ENOMEM;
        while (p < end) {
                size_t l = strlen(p);
                if (strv_extend(&fields, p) < 0) {
                        strv_free(fields);
                        return -ENOMEM;
                }
                p += l + 1;
        }
        *ret_fields = fields;
        *ret_consumed = 4 + plen;
        return 1;
}

void control_record_add(StrBuf *b, const char *key, const char *value) {
        strbuf_puts(b, key);
        strbuf_putc(b, '=');
        for (const char *p = value ? value : ""; *p; p++) {
                if (*p == '\\')
                        strbuf_puts(b, "\\\\");
                else if (*p == '\n')
                        strbuf_puts(b, "\\n");
                else
                        strbuf_putc(b, *p);
        }
        strbuf_putc(b, '\n');
}

void control_record_addf(StrBuf *b, const char *key, const char *fmt, ...) {
        char buf[4096];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        control_record_add(b, key, buf);
}

void control_record_end(StrBuf *b) {
        strbuf_putc(b, '\n');
}

static char *unescape_line(const char *s, size_t n) {
        char *r = malloc(n + 1), *w = r;
        if (!r)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '\\' && i + 1 < n) {
                        i++;
                        *w++ = s[i] == 'n' ? '\n' : s[i];
                } else
                        *w++ = s[i];
        }
        *w = 0;
        return r;
}

void control_records_free(char ***records) {
        for (size_t i = 0; records && records[i]; i++)
                strv_free(records[i]);
        free(records);
}

int control_records_parse(const char *text, char ****ret) {
        char ***records = calloc(1, sizeof(char **));
        char **cur = NULL;
        size_t n = 0;
        if (!records)
                return -ENOMEM;
        for (const char *p = text; ; ) {
                const char *nl = strchr(p, '\n');
                size_t l = nl ? (size_t) (nl - p) : strlen(p);
                if (l > 0 && strv_consume(&cur, unescape_line(p, l)) < 0)
                        goto oom;
                if ((l == 0 || !nl) && cur) {
                        char ***nr = realloc(records, sizeof(char **) * (n + 2));
                        if (!nr)
                                goto oom;
                        records = nr;
                        records[n++] = cur;
                        records[n] = NULL;
                        cur = NULL;
                }
                if (!nl)
                        break;
                p = nl + 1;
        }
        *ret = records;
        return (int) n;
oom:
        strv_free(cur);
        control_records_free(records);
        return -ENOMEM;
}

const char *control_record_get(char *const *record, const char *key) {
        size_t kl = strlen(key);
        for (size_t i = 0; record && record[i]; i++)
                if (strncmp(record[i], key, kl) == 0 && record[i][kl] == '=')
                        return record[i] + kl + 1;
        return NULL;
}

static int write_all(int fd, const char *p, size_t n) {
        while (n > 0) {
                /* A daemon that closed the connection is an error, not SIGPIPE. */
                ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

static int connect_unix(const char *path) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof sa.sun_path)
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return negative_errno();
        if (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                int r = negative_errno();
                close(fd);
                return r;
        }
        return fd;
}

static int read_response(int fd, char ***ret_fields) {
        StrBuf in = {};
        int r;
        for (;;) {
                char buf[65536];
                ssize_t k = read(fd, buf, sizeof buf);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        r = negative_errno();
                        break;
                }
                if (k == 0) {
                        r = -ECONNRESET;
                        break;
                }
                strbuf_append(&in, buf, (size_t) k);
                if (in.oom) {
                        r = -ENOMEM;
                        break;
                }
                size_t used;
                r = control_frame_parse(in.data, in.len, ret_fields, &used);
                if (r != 0)
                        break;
        }
        strbuf_done(&in);
        return r < 0 ? r : 0;
}

int control_call(const char *path, char *const *request, int *ret_code, char **ret_stderr, char **ret_stdout) {
        _cleanup_close_ int fd = connect_unix(path);
        if (fd < 0)
                return fd;
        StrBuf out = {};
        control_frame_append(&out, request, strv_length(request));
        if (out.oom)
                return -ENOMEM;
        int r = write_all(fd, out.data, out.len);
        strbuf_done(&out);
        if (r < 0)
                return r;
        char **fields = NULL;
        r = read_response(fd, &fields);
        if (r < 0)
                return r;
        if (strv_length(fields) != 4 || strcmp(fields[0], CONTROL_PROTOCOL) != 0) {
                strv_free(fields);
                return -EPROTO;
        }
        *ret_code = atoi(fields[1]);
        *ret_stderr = fields[2];
        *ret_stdout = fields[3];
        free(fields[0]);
        free(fields[1]);
        free(fields);
        return 0;
}
