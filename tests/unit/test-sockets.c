/* test-sockets.c — the pure parts of socket units: listen addresses
 * (lib/sockaddr.c), access-list prefixes and source keys, Accept=yes
 * instance names (core/socket.c), chargen/time answers (core/builtin.c),
 * and the xinetd/inetd importer (unit/inetd-import.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "core/builtin.h"
#include "core/socket.h"
#include "lib/sockaddr.h"
#include "lib/strv.h"
#include "unit/inetd-import.h"

static const char *fmt(const char *in, char *buf, size_t size) {
        SocketAddress a;
        if (socket_address_parse(in, &a) < 0)
                return "ERR";
        return socket_address_format(&a, buf, size);
}

static void test_listen_addresses(void **state) {
        char b[128];
        SocketAddress a;
        assert_string_equal(fmt("127.0.0.1:80", b, sizeof b), "127.0.0.1:80");
        assert_string_equal(fmt("[::1]:8080", b, sizeof b), "[::1]:8080");
        assert_string_equal(fmt("[2001:db8::5]:1", b, sizeof b), "[2001:db8::5]:1");
        assert_string_equal(fmt("/run/x.sock", b, sizeof b), "/run/x.sock");
        assert_string_equal(fmt("@abstract", b, sizeof b), "@abstract");
        assert_int_equal(socket_address_parse("9999", &a), 0);
        assert_true(a.bare_port);
        assert_int_equal(a.u.sa.sa_family, AF_INET6);
        assert_string_equal(socket_address_format(&a, b, sizeof b), "[::]:9999");
        assert_int_equal(a.u.un.sun_family, AF_INET6);
        assert_int_equal(socket_address_parse("@x", &a), 0);
        assert_int_equal(a.len, offsetof(struct sockaddr_un, sun_path) + 2);
        const char *bad[] = { "", "0", "65536", "1.2.3.4", "1.2.3.4:", "1.2.3.4:0", "1.2.3.999:80", "[::1]80",
                              "[::1]:", "::1:80", "host:80", "@", "/", "80x", "-1" };
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
                if (socket_address_parse(bad[i], &a) != -EINVAL)
                        fail_msg("'%s' parsed", bad[i]);
        char long_path[200];
        memset(long_path, 'a', sizeof long_path);
        long_path[0] = '/';
        long_path[sizeof long_path - 1] = 0;
        assert_int_equal(socket_address_parse(long_path, &a), -EINVAL);
}

static struct sockaddr_storage ip(const char *s, unsigned port) {
        struct sockaddr_storage ss = {};
        if (strchr(s, ':')) {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &ss;
                in6->sin6_family = AF_INET6;
                in6->sin6_port = htons(port);
                assert_int_equal(inet_pton(AF_INET6, s, &in6->sin6_addr), 1);
        } else {
                struct sockaddr_in *in = (struct sockaddr_in *) &ss;
                in->sin_family = AF_INET;
                in->sin_port = htons(port);
                assert_int_equal(inet_pton(AF_INET, s, &in->sin_addr), 1);
        }
        return ss;
}

static bool match(const char *words, const char *addr) {
        IpPrefix *l = NULL;
        size_t n = 0;
        _cleanup_strv_free_ char **w = strv_split(words, " ");
        STRV_FOREACH(x, w)
                assert_int_equal(ip_prefix_parse_word(*x, &l, &n), 0);
        struct sockaddr_storage ss = ip(addr, 1);
        bool m = ip_prefix_match(l, n, (struct sockaddr *) &ss);
        free(l);
        return m;
}

static void test_cidr(void **state) {
        assert_true(match("10.0.0.0/8", "10.255.1.2"));
        assert_false(match("10.0.0.0/8", "11.0.0.1"));
        assert_true(match("192.168.1.128/25", "192.168.1.200"));
        assert_false(match("192.168.1.128/25", "192.168.1.127"));
        assert_true(match("10.231.0.3", "10.231.0.3"));
        assert_false(match("10.231.0.3", "10.231.0.2"));
        assert_true(match("any", "1.2.3.4"));
        assert_true(match("any", "2001:db8::1"));
        assert_true(match("localhost", "127.0.0.5"));
        assert_true(match("localhost", "::1"));
        assert_false(match("localhost", "::2"));
        assert_true(match("link-local", "169.254.3.4"));
        assert_true(match("link-local", "fe80::1"));
        assert_true(match("multicast", "239.1.1.1"));
        assert_true(match("multicast", "ff02::1"));
        assert_false(match("multicast", "10.0.0.1"));
        assert_true(match("2001:db8::/32", "2001:db8:ffff::1"));
        assert_false(match("2001:db8::/33", "2001:db8:ffff::1"));
        assert_true(match("10.0.0.0/8", "::ffff:10.1.2.3"));      /* IPv4-mapped counts as IPv4 */
        assert_true(match("0.0.0.0/0", "8.8.8.8"));
        IpPrefix *l = NULL;
        size_t n = 0;
        assert_int_equal(ip_prefix_parse_word("10.0.0.0/33", &l, &n), -EINVAL);
        assert_int_equal(ip_prefix_parse_word("::/129", &l, &n), -EINVAL);
        assert_int_equal(ip_prefix_parse_word("nonsense", &l, &n), -EINVAL);
        assert_int_equal(ip_prefix_parse_word("1.2.3.4/", &l, &n), -EINVAL);
        assert_int_equal(n, 0);
        free(l);
}

static void test_source_keys(void **state) {
        char k[80];
        struct sockaddr_storage a = ip("10.231.0.3", 5), b = ip("2001:db8:1:2:3:4:5:6", 5),
                                c = ip("::ffff:1.2.3.4", 5);
        sockaddr_source_key((struct sockaddr *) &a, k, sizeof k);
        assert_string_equal(k, "10.231.0.3");
        sockaddr_source_key((struct sockaddr *) &b, k, sizeof k);
        assert_string_equal(k, "2001:db8:1:2::/64");
        sockaddr_source_key((struct sockaddr *) &c, k, sizeof k);
        assert_string_equal(k, "1.2.3.4");
        struct sockaddr_un u = { .sun_family = AF_UNIX };
        sockaddr_source_key((struct sockaddr *) &u, k, sizeof k);
        assert_string_equal(k, "local");
}

static void test_instance_names(void **state) {
        char b[256];
        struct sockaddr_storage l = ip("127.0.0.1", 8000), r = ip("127.0.0.1", 45678);
        assert_int_equal(socket_instance_string(0, (struct sockaddr *) &l, (struct sockaddr *) &r, 0, 0, b, sizeof b), 0);
        assert_string_equal(b, "0-127.0.0.1:8000-127.0.0.1:45678");
        struct sockaddr_storage l6 = ip("::1", 22), r6 = ip("::ffff:10.0.0.9", 1234);
        assert_int_equal(socket_instance_string(17, (struct sockaddr *) &l6, (struct sockaddr *) &r6, 0, 0, b, sizeof b), 0);
        assert_string_equal(b, "17-::1:22-10.0.0.9:1234");
        struct sockaddr_un u = { .sun_family = AF_UNIX };
        assert_int_equal(socket_instance_string(3, (struct sockaddr *) &u, (struct sockaddr *) &u, 4242, 1000, b, sizeof b), 0);
        assert_string_equal(b, "3-4242-1000");
        assert_int_equal(socket_instance_string(3, (struct sockaddr *) &l, (struct sockaddr *) &r, 0, 0, b, 8), -ENOSPC);
}

static void test_chargen_time(void **state) {
        char buf[200];
        uint64_t pos = 0;
        assert_int_equal(builtin_chargen_fill(buf, 148, &pos), 148);
        assert_int_equal(pos, 148);
        assert_memory_equal(buf, " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n", 74);
        assert_memory_equal(buf + 74, "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n", 74);
        /* resumable at any byte */
        uint64_t p2 = 70;
        builtin_chargen_fill(buf, 10, &p2);
        assert_memory_equal(buf, "fg\r\n!\"#$%&", 10);
        /* line 95 wraps around to line 0's text */
        uint64_t p3 = 95 * 74;
        builtin_chargen_fill(buf, 2, &p3);
        assert_memory_equal(buf, " !", 2);
        uint8_t t[4];
        builtin_time_bytes(0, t);    /* 1970-01-01 = 2208988800 since 1900 */
        assert_memory_equal(t, "\x83\xaa\x7e\x80", 4);
        builtin_time_bytes(1700000000, t);
        uint32_t v = (uint32_t) t[0] << 24 | (uint32_t) t[1] << 16 | (uint32_t) t[2] << 8 | t[3];
        assert_int_equal(v, (uint32_t) (1700000000ULL + 2208988800ULL));
}

static int fake_lookup(const char *name, const char *proto) {
        if (strcmp(name, "telnet") == 0)
                return 23;
        if (strcmp(name, "echo") == 0)
                return 7;
        return -1;
}

static const char *xinetd_ctf =
        "# a CTF service\n"
        "defaults\n{\n    instances = 30\n}\n"
        "service pwn\n{\n"
        "    socket_type = stream\n    protocol = tcp\n    wait = no\n    user = ctf\n"
        "    server = /home/ctf/run\n    server_args = -x $HOME 50%\n    port = 31337\n"
        "    per_source = 10 # per IP\n"
        "    rlimit_cpu = 20\n    only_from = 10.0.0.0/8 localhost ctf.example.org\n"
        "    nice = 5\n    env = A=1 B=2\n    log_on_failure += USERID\n    weird_thing = 1\n"
        "}\n"
        "service echo\n{\n    type = INTERNAL\n    id = echo-stream\n    socket_type = stream\n    wait = no\n}\n"
        "service fwd {\n    socket_type = stream\n    port = 8080\n    redirect = 10.1.1.1 80\n    wait = no\n}\n"
        "includedir /etc/xinetd.d\n";

static void test_xinetd_import(void **state) {
        InetdConfig cfg = {};
        assert_int_equal(xinetd_parse(&cfg, "ctf.conf", xinetd_ctf, strlen(xinetd_ctf)), 0);
        assert_int_equal(cfg.n_services, 3);
        assert_string_equal(cfg.includedirs[0], "/etc/xinetd.d");
        const InetdService *s = &cfg.services[0];
        assert_string_equal(s->name, "pwn");
        bool found = false;
        for (size_t i = 0; i < s->n_attrs; i++)
                if (strcmp(s->attrs[i].name, "per_source") == 0) {
                        assert_true(s->attrs[i].commented);
                        assert_string_equal(s->attrs[i].value, "10");
                        assert_int_equal(s->attrs[i].line, 15);
                        found = true;
                }
        assert_true(found);

        ImportedUnits u;
        assert_int_equal(inetd_service_convert(&cfg, 0, fake_lookup, &u), 0);
        assert_string_equal(u.socket_name, "pwn.socket");
        assert_string_equal(u.service_name, "pwn@.service");
        assert_non_null(strstr(u.socket_text, "ListenStream=0.0.0.0:31337\nAccept=yes\n"));
        assert_non_null(strstr(u.socket_text, "MaxConnectionsPerSource=10\n"));
        assert_non_null(strstr(u.socket_text, "MaxConnections=30\n"));        /* from defaults */
        assert_non_null(strstr(u.socket_text, "IPAddressAllow=10.0.0.0/8 localhost\nIPAddressDeny=any\n"));
        assert_non_null(strstr(u.service_text, "ExecStart=/home/ctf/run -x $$HOME 50%%\n"));
        assert_non_null(strstr(u.service_text, "User=ctf\n"));
        assert_non_null(strstr(u.service_text, "LimitCPU=20\n"));
        assert_non_null(strstr(u.service_text, "Nice=5\n"));
        assert_non_null(strstr(u.service_text, "Environment=\"A=1\"\nEnvironment=\"B=2\"\n"));
        _cleanup_free_ char *notes = strv_join(u.notes, "\n");
        assert_non_null(strstr(notes, "ctf.conf:15: 'per_source = 10 # ...': xinetd ignored this line"));
        assert_non_null(strstr(notes, "ctf.example.org' is a host name"));
        assert_non_null(strstr(notes, "attribute 'log_on_failure' has no equivalent in superd"));
        assert_non_null(strstr(notes, "attribute 'weird_thing' is unknown"));
        imported_units_done(&u);

        assert_int_equal(inetd_service_convert(&cfg, 1, fake_lookup, &u), 0);
        assert_string_equal(u.socket_name, "echo-stream.socket");
        assert_null(u.service_name);
        assert_non_null(strstr(u.socket_text, "ListenStream=0.0.0.0:7\nBuiltin=echo\n"));
        imported_units_done(&u);

        assert_int_equal(inetd_service_convert(&cfg, 2, fake_lookup, &u), 0);
        assert_non_null(strstr(u.socket_text, "Builtin=proxy\n"));
        assert_non_null(strstr(u.socket_text, "ProxyTo=10.1.1.1:80\n"));
        imported_units_done(&u);
        inetd_config_done(&cfg);
}

static void test_xinetd_syntax_errors(void **state) {
        const char *bad = "service a\nnot a brace\nservice b\n{\nnoequals\n = x\n}\nbogus line\nservice c\n{\n x = 1\n";
        InetdConfig cfg = {};
        assert_int_equal(xinetd_parse(&cfg, "b.conf", bad, strlen(bad)), 0);
        assert_int_equal(cfg.n_services, 2);
        assert_true(cfg.diag.n >= 4);
        assert_string_equal(cfg.diag.entries[0].text, "b.conf:2: Expected '{', ignoring the service.");
        ImportedUnits u;
        assert_int_equal(inetd_service_convert(&cfg, 0, fake_lookup, &u), -EINVAL); /* no socket_type */
        imported_units_done(&u);
        inetd_config_done(&cfg);
}

static void test_inetd_import(void **state) {
        const char *conf = "# comment\n"
                           "telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.telnetd -h\n"
                           "echo dgram udp wait root internal\n"
                           "127.0.0.1:2000 stream tcp6 nowait.100 nobody:nogroup /bin/cat cat\n"
                           "short line\n";
        InetdConfig cfg = {};
        assert_int_equal(inetd_parse(&cfg, "inetd.conf", conf, strlen(conf)), 0);
        assert_int_equal(cfg.n_services, 3);
        assert_int_equal(cfg.diag.n, 1);
        ImportedUnits u;
        assert_int_equal(inetd_service_convert(&cfg, 0, fake_lookup, &u), 0);
        assert_string_equal(u.service_name, "telnet@.service");
        assert_non_null(strstr(u.socket_text, "ListenStream=0.0.0.0:23\nAccept=yes\n"));
        assert_non_null(strstr(u.service_text, "ExecStart=@/usr/sbin/tcpd /usr/sbin/in.telnetd -h\nUser=root\n"));
        imported_units_done(&u);
        assert_int_equal(inetd_service_convert(&cfg, 1, fake_lookup, &u), 0);
        assert_non_null(strstr(u.socket_text, "ListenDatagram=0.0.0.0:7\nBuiltin=echo\n"));
        imported_units_done(&u);
        assert_int_equal(inetd_service_convert(&cfg, 2, fake_lookup, &u), 0);
        assert_string_equal(u.socket_name, "2000.socket");
        assert_non_null(strstr(u.socket_text, "ListenStream=127.0.0.1:2000\n"));
        assert_non_null(strstr(u.socket_text, "TriggerLimitIntervalSec=60s\nTriggerLimitBurst=100\n"));
        assert_non_null(strstr(u.service_text, "ExecStart=@/bin/cat cat\nUser=nobody\nGroup=nogroup\n"));
        imported_units_done(&u);
        inetd_config_done(&cfg);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_listen_addresses), cmocka_unit_test(test_cidr),
                cmocka_unit_test(test_source_keys),      cmocka_unit_test(test_instance_names),
                cmocka_unit_test(test_chargen_time),     cmocka_unit_test(test_xinetd_import),
                cmocka_unit_test(test_xinetd_syntax_errors), cmocka_unit_test(test_inetd_import),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
