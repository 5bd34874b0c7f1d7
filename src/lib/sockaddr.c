/* sockaddr.c — parsing and formatting of listen addresses and IP prefixes. */
#include "sockaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

static int parse_port(const char *s, uint16_t *ret) {
        if (!*s || strlen(s) > 5)
                return -EINVAL;
        unsigned v = 0;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                v = v * 10 + (unsigned) (*p - '0');
        }
        if (v == 0 || v > 65535)
                return -EINVAL;
        *ret = (uint16_t) v;
        return 0;
}

static int parse_unix(const char *s, SocketAddress *a) {
        size_t n = strlen(s);
        if (n >= sizeof a->u.un.sun_path || n < 2)
                return -EINVAL;
        a->u.un.sun_family = AF_UNIX;
        memcpy(a->u.un.sun_path, s, n);
        if (s[0] == '@') {
                a->u.un.sun_path[0] = 0;
                a->len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n);
        } else
                a->len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n + 1);
        return 0;
}

int socket_address_parse(const char *s, SocketAddress *ret) {
        SocketAddress a = {};
        uint16_t port;
        char host[INET6_ADDRSTRLEN + 1];
        if (!s || !*s)
                return -EINVAL;
        if (s[0] == '/' || s[0] == '@') {
                if (parse_unix(s, &a) < 0)
                        return -EINVAL;
        } else if (s[0] == '[') {
                const char *end = strchr(s, ']');
                if (!end || end[1] != ':' || (size_t) (end - s - 1) >= sizeof host)
                        return -EINVAL;
                memcpy(host, s + 1, (size_t) (end - s - 1));
                host[end - s - 1] = 0;
                if (parse_port(end + 2, &port) < 0 || inet_pton(AF_INET6, host, &a.u.in6.sin6_addr) != 1)
                        return -EINVAL;
                a.u.in6.sin6_family = AF_INET6;
                a.u.in6.sin6_port = htons(port);
                a.len = sizeof(struct sockaddr_in6);
        } else if (strchr(s, ':')) {
                const char *colon = strrchr(s, ':');
                if ((size_t) (colon - s) >= sizeof host)
                        return -EINVAL;
                memcpy(host, s, (size_t) (colon - s));
                host[colon - s] = 0;
                if (parse_port(colon + 1, &port) < 0 || inet_pton(AF_INET, host, &a.u.in.sin_addr) != 1)
                        return -EINVAL;
                a.u.in.sin_family = AF_INET;
                a.u.in.sin_port = htons(port);
                a.len = sizeof(struct sockaddr_in);
        } else {
                if (parse_port(s, &port) < 0)
                        return -EINVAL;
                a.u.in6.sin6_family = AF_INET6;
                a.u.in6.sin6_addr = in6addr_any;
                a.u.in6.sin6_port = htons(port);
                a.len = sizeof(struct sockaddr_in6);
                a.bare_port = true;
        }
        *ret = a;
        return 0;
}

char *socket_address_format(const SocketAddress *a, char *buf, size_t size) {
        char host[INET6_ADDRSTRLEN];
        switch (a->u.sa.sa_family) {
        case AF_INET:
                inet_ntop(AF_INET, &a->u.in.sin_addr, host, sizeof host);
                snprintf(buf, size, "%s:%u", host, ntohs(a->u.in.sin_port));
                break;
        case AF_INET6:
                inet_ntop(AF_INET6, &a->u.in6.sin6_addr, host, sizeof host);
                snprintf(buf, size, "[%s]:%u", host, ntohs(a->u.in6.sin6_port));
                break;
        case AF_UNIX: {
                size_t n = a->len > offsetof(struct sockaddr_un, sun_path)
                                   ? a->len - offsetof(struct sockaddr_un, sun_path) : 0;
                if (n > 0 && a->u.un.sun_path[0] == 0)
                        snprintf(buf, size, "@%.*s", (int) (n - 1), a->u.un.sun_path + 1);
                else
                        snprintf(buf, size, "%.*s", (int) strnlen(a->u.un.sun_path, n), a->u.un.sun_path);
                break;
        }
        default:
                snprintf(buf, size, "?");
        }
        return buf;
}

/* An IPv4-mapped IPv6 address as IPv4; the address bytes and family. */
static int sockaddr_ip_bytes(const struct sockaddr *sa, uint8_t out[16]) {
        static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        if (sa->sa_family == AF_INET) {
                memcpy(out, &((const struct sockaddr_in *) sa)->sin_addr, 4);
                return AF_INET;
        }
        if (sa->sa_family == AF_INET6) {
                const uint8_t *b = ((const struct sockaddr_in6 *) sa)->sin6_addr.s6_addr;
                if (memcmp(b, mapped, 12) == 0) {
                        memcpy(out, b + 12, 4);
                        return AF_INET;
                }
                memcpy(out, b, 16);
                return AF_INET6;
        }
        return -EAFNOSUPPORT;
}

int sockaddr_host_port(const struct sockaddr *sa, char *host, size_t size, unsigned *ret_port) {
        uint8_t b[16];
        int family = sockaddr_ip_bytes(sa, b);
        if (family < 0)
                return family;
        if (!inet_ntop(family, b, host, (socklen_t) size))
                return -ENOSPC;
        *ret_port = sa->sa_family == AF_INET ? ntohs(((const struct sockaddr_in *) sa)->sin_port)
                                             : ntohs(((const struct sockaddr_in6 *) sa)->sin6_port);
        return 0;
}

static int prefix_add(IpPrefix **list, size_t *n, int family, const void *addr, unsigned len) {
        if (*n >= 4096)
                return -E2BIG;
        IpPrefix *l = realloc(*list, sizeof(IpPrefix) * (*n + 1));
        if (!l)
                return -ENOMEM;
        *list = l;
        IpPrefix *p = &l[(*n)++];
        *p = (IpPrefix) { .family = family, .prefixlen = len };
        memcpy(p->addr, addr, family == AF_INET ? 4 : 16);
        return 0;
}

static int prefix_add_text(IpPrefix **list, size_t *n, const char *text) {
        char buf[INET6_ADDRSTRLEN + 8];
        uint8_t addr[16] = {};
        if (strlen(text) >= sizeof buf)
                return -EINVAL;
        strcpy(buf, text);
        char *slash = strchr(buf, '/');
        int family = strchr(buf, ':') ? AF_INET6 : AF_INET;
        unsigned max = family == AF_INET6 ? 128 : 32, len = max;
        if (slash) {
                char *e;
                *slash = 0;
                long v = strtol(slash + 1, &e, 10);
                if (*e || e == slash + 1 || v < 0 || v > (long) max)
                        return -EINVAL;
                len = (unsigned) v;
        }
        if (inet_pton(family, buf, addr) != 1)
                return -EINVAL;
        return prefix_add(list, n, family, addr, len);
}

int ip_prefix_parse_word(const char *word, IpPrefix **list, size_t *n) {
        static const struct {
                const char *name, *v4, *v6;
        } names[] = {
                { "any", "0.0.0.0/0", "::/0" },
                { "localhost", "127.0.0.0/8", "::1/128" },
                { "link-local", "169.254.0.0/16", "fe80::/64" },
                { "multicast", "224.0.0.0/4", "ff00::/8" },
        };
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(word, names[i].name)) {
                        int r = prefix_add_text(list, n, names[i].v4);
                        return r < 0 ? r : prefix_add_text(list, n, names[i].v6);
                }
        return prefix_add_text(list, n, word);
}

static bool prefix_contains(const IpPrefix *p, int family, const uint8_t *b) {
        if (p->family != family)
                return false;
        unsigned full = p->prefixlen / 8, rest = p->prefixlen % 8;
        if (memcmp(p->addr, b, full) != 0)
                return false;
        if (rest == 0)
                return true;
        uint8_t mask = (uint8_t) (0xff << (8 - rest));
        return (p->addr[full] & mask) == (b[full] & mask);
}

bool ip_prefix_match(const IpPrefix *list, size_t n, const struct sockaddr *sa) {
        uint8_t b[16];
        int family = sockaddr_ip_bytes(sa, b);
        if (family < 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (prefix_contains(&list[i], family, b))
                        return true;
        return false;
}

void sockaddr_source_key(const struct sockaddr *sa, char *buf, size_t size) {
        uint8_t b[16];
        char host[INET6_ADDRSTRLEN];
        int family = sockaddr_ip_bytes(sa, b);
        if (family == AF_INET && inet_ntop(AF_INET, b, host, sizeof host))
                snprintf(buf, size, "%s", host);
        else if (family == AF_INET6) {
                memset(b + 8, 0, 8);
                inet_ntop(AF_INET6, b, host, sizeof host);
                snprintf(buf, size, "%s/64", host);
        } else
                snprintf(buf, size, "local");
}
