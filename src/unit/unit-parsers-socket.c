/* unit-parsers-socket.c — value parsers of [Socket] keys (systemd.socket(5)
 * and superd's Builtin=, ProxyTo=, BannerFile=, RefusedBannerFile=).
 * Addresses are validated here and kept as written; the manager parses
 * them again (socket_address_parse) when it binds. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/sockaddr.h"
#include "../lib/strv.h"
#include "../lib/timespan.h"
#include "unit-internal.h"

#define SOCKET_LISTEN_MAX 1024U

int config_parse_listen(const ConfigContext *c, const char *v, void *t, int l) {
        SocketSettings *k = t;
        if (isempty(v)) {
                for (size_t i = 0; k && i < k->n_listen; i++)
                        free(k->listen[i].address);
                if (k) {
                        free(k->listen);
                        k->listen = NULL;
                        k->n_listen = 0;
                }
                return 1;
        }
        _cleanup_free_ char *x = NULL;
        int r = unit_specifiers_expand(c, v, &x);
        if (r <= 0)
                return r;
        SocketAddress a;
        if (l == SOCKET_LISTEN_FIFO) {
                if (x[0] != '/')
                        return config_invalid(c, x, "not an absolute path");
        } else if (socket_address_parse(x, &a) < 0)
                return config_invalid(c, x, "not a socket address (PORT, ADDRESS:PORT, [ADDRESS]:PORT, /path, @name)");
        if (!k)
                return 1;
        if (k->n_listen >= SOCKET_LISTEN_MAX)
                return config_invalid(c, x, "too many listening addresses");
        SocketListen *n = realloc(k->listen, sizeof(SocketListen) * (k->n_listen + 1));
        if (!n)
                return -ENOMEM;
        k->listen = n;
        k->listen[k->n_listen++] = (SocketListen) { .type = (SocketListenType) l, .address = TAKE_PTR(x),
                                                    .line = c->line };
        return 1;
}

int config_parse_builtin(const ConfigContext *c, const char *v, void *t, int l) {
        if (isempty(v))
                return config_reset(c, t);
        SocketBuiltin b = socket_builtin_from_string(v);
        if (b < 0)
                return config_invalid(c, v, "expected echo, discard, daytime, time, chargen, proxy or none");
        if (t)
                *(SocketBuiltin *) t = b;
        return 1;
}

int config_parse_bind_ipv6_only(const ConfigContext *c, const char *v, void *t, int l) {
        SocketBindIPv6Only x;
        if (isempty(v))
                return config_reset(c, t);
        if (streq(v, "default"))
                x = SOCKET_BIND_DEFAULT;
        else if (streq(v, "both"))
                x = SOCKET_BIND_BOTH;
        else if (streq(v, "ipv6-only"))
                x = SOCKET_BIND_IPV6_ONLY;
        else {
                int b = parse_boolean(v);
                if (b < 0)
                        return config_invalid(c, v, "expected default, both or ipv6-only");
                x = b ? SOCKET_BIND_IPV6_ONLY : SOCKET_BIND_BOTH;
        }
        if (t)
                *(SocketBindIPv6Only *) t = x;
        return 1;
}

int config_parse_timestamping(const ConfigContext *c, const char *v, void *t, int l) {
        int x;
        if (isempty(v))
                return config_reset(c, t);
        if (streq(v, "off"))
                x = 0;
        else if (streq(v, "us") || streq(v, "usec") || streq(v, "µs") || streq(v, "microseconds"))
                x = 1;
        else if (streq(v, "ns") || streq(v, "nsec") || streq(v, "nanoseconds"))
                x = 2;
        else
                return config_invalid(c, v, "expected off, us or ns");
        if (t)
                *(int *) t = x;
        return 1;
}

int config_parse_socket_size(const ConfigContext *c, const char *v, void *t, int l) {
        uint64_t x;
        if (isempty(v))
                return config_reset(c, t);
        if (parse_size(v, &x) < 0 || x > INT_MAX)
                return config_invalid(c, v, "not a size");
        if (t)
                *(uint64_t *) t = x;
        return 1;
}

/* MaxConnections=, MaxConnectionsPerSource=: fail-closed, must be > 0. */
int config_parse_connections(const ConfigContext *c, const char *v, void *t, int l) {
        if (isempty(v))
                return config_reset(c, t);
        unsigned x = 0;
        int r = config_parse_unsigned(c, v, &x, 0);
        if (r <= 0)
                return r;
        if (x == 0)
                return config_invalid(c, v, "must be greater than 0");
        if (t)
                *(unsigned *) t = x;
        return 1;
}

int config_parse_proxy_to(const ConfigContext *c, const char *v, void *t, int l) {
        SocketAddress a;
        if (isempty(v))
                return config_parse_string(c, v, t, 0);
        if (socket_address_parse(v, &a) < 0 || a.bare_port || a.u.sa.sa_family == AF_UNIX)
                return config_invalid(c, v, "expected a numeric ADDRESS:PORT or [ADDRESS]:PORT (no name lookups)");
        return config_parse_string(c, v, t, 0);
}

int config_parse_socket_service(const ConfigContext *c, const char *v, void *t, int l) {
        if (isempty(v))
                return config_parse_string(c, v, t, 0);
        _cleanup_free_ char *x = NULL;
        int r = unit_specifiers_expand(c, v, &x);
        if (r <= 0)
                return r;
        if (!unit_name_is_valid(x) || !endswith(x, ".service") || strstr(x, "@."))
                return config_invalid(c, x, "not a service unit name (templates are not allowed)");
        return config_parse_string(c, x, t, 0);
}

int config_parse_fd_name(const ConfigContext *c, const char *v, void *t, int l) {
        if (isempty(v))
                return config_parse_string(c, v, t, 0);
        if (strlen(v) > 255 || strchr(v, ':'))
                return config_invalid(c, v, "not a valid file descriptor name");
        for (const char *p = v; *p; p++)
                if ((unsigned char) *p < 32 || *p == 127)
                        return config_invalid(c, v, "not a valid file descriptor name");
        return config_parse_string(c, v, t, 0);
}

int config_parse_socket_exec(const ConfigContext *c, const char *v, void *t, int l) {
        return config_parse_exec(c, v, t, l);
}
