/* sockaddr.h — socket addresses as unit files write them, and IP prefixes
 * for access lists. Pure functions: no syscalls besides inet_pton/ntop, no
 * logging, no globals.
 *
 * Listen addresses (systemd.socket(5) "ListenStream="):
 *   "/path"            Unix socket in the file system
 *   "@name"            abstract Unix socket (leading NUL byte)
 *   "80"               a bare port: [::]:80, dual-stack unless BindIPv6Only=ipv6-only
 *   "1.2.3.4:80"       IPv4
 *   "[::1]:80"         IPv6 (an optional "%scope" index is not supported)
 * Access-list words (systemd.resource-control(5) "IPAddressAllow="):
 *   an address with an optional "/prefixlen", or any, localhost, link-local,
 *   multicast, each expanding to an IPv4 and an IPv6 prefix. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

typedef struct SocketAddress {
        union {
                struct sockaddr sa;
                struct sockaddr_in in;
                struct sockaddr_in6 in6;
                struct sockaddr_un un;
                struct sockaddr_storage storage;
        } u;
        socklen_t len;
        bool bare_port; /* "80": the wildcard of both families */
} SocketAddress;

/* 0 and *ret filled, or -EINVAL. */
int socket_address_parse(const char *s, SocketAddress *ret);
/* As the unit file would write it: "127.0.0.1:80", "[::]:80", "/run/x",
 * "@name". Returns buf. */
char *socket_address_format(const SocketAddress *a, char *buf, size_t size);
/* The host of an IP address (IPv4-mapped IPv6 shown as IPv4) and its port.
 * 0, or -EAFNOSUPPORT for non-IP families. */
int sockaddr_host_port(const struct sockaddr *sa, char *host, size_t size, unsigned *ret_port);

typedef struct IpPrefix {
        int family;          /* AF_INET or AF_INET6 */
        uint8_t addr[16];    /* network byte order, 4 used for AF_INET */
        unsigned prefixlen;
} IpPrefix;

/* Appends the prefixes one access-list word stands for to *list (realloc'd).
 * 0, -EINVAL for a bad word, -ENOMEM. */
int ip_prefix_parse_word(const char *word, IpPrefix **list, size_t *n);
/* True when sa (AF_INET or AF_INET6; IPv4-mapped IPv6 counts as IPv4) lies in
 * one of the prefixes. */
bool ip_prefix_match(const IpPrefix *list, size_t n, const struct sockaddr *sa);
/* The key a source is counted under for MaxConnectionsPerSource=: the IPv4
 * address, the IPv6 /64 ("2001:db8:1:2::/64"), else "local". */
void sockaddr_source_key(const struct sockaddr *sa, char *buf, size_t size);
