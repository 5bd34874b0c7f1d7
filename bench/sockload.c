/* sockload.c — load generator for bench/sockbench.py (make bench-sockets).
 *   sockload spawn HOST PORT N CONC      connect, send "x\n", half-close, read to EOF
 *   sockload short HOST PORT N CONC      connect, 64-byte round trip, close
 *   sockload rtt   HOST PORT CONNS SECS  64-byte round trips on CONNS connections
 *   sockload bulk  HOST PORT BYTES       send BYTES and read them back (echo)
 * Prints one line: "rate=<per second> p99_ms=<ms>" (rtt: round trips/s;
 * bulk: rate in MB/s). Threads, blocking sockets: simple and fair to all. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in addr;
static const char *mode;
static long per_thread, total_secs;
static atomic_long rounds, failures;
static double *lat;
static atomic_long lat_n;

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int dial(void) {
        for (int tries = 0; tries < 50; tries++) {
                int fd = socket(AF_INET, SOCK_STREAM, 0);
                if (connect(fd, (struct sockaddr *) &addr, sizeof addr) == 0) {
                        int one = 1;
                        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                        return fd;
                }
                close(fd);
                usleep(1000);
        }
        return -1;
}

static int read_full(int fd, char *b, size_t n) {
        size_t got = 0;
        while (got < n) {
                ssize_t r = read(fd, b + got, n - got);
                if (r <= 0)
                        return -1;
                got += (size_t) r;
        }
        return 0;
}

static void *worker(void *arg) {
        char buf[4096];
        memset(buf, 'a', 64);
        if (!strcmp(mode, "rtt")) {
                int fd = dial();
                double end = now() + total_secs;
                while (fd >= 0 && now() < end) {
                        for (int i = 0; i < 100; i++) {
                                if (write(fd, buf, 64) != 64 || read_full(fd, buf + 64, 64) < 0) {
                                        failures++;
                                        close(fd);
                                        return NULL;
                                }
                        }
                        rounds += 100;
                }
                close(fd);
                return NULL;
        }
        for (long i = 0; i < per_thread; i++) {
                double t0 = now();
                int fd = dial();
                if (fd < 0) {
                        failures++;
                        continue;
                }
                int ok;
                if (!strcmp(mode, "spawn")) {
                        ok = write(fd, "x\n", 2) == 2 && shutdown(fd, SHUT_WR) == 0;
                        ssize_t r, total = 0;
                        while (ok && (r = read(fd, buf, sizeof buf)) > 0)
                                total += r;
                        ok = ok && total == 2;
                } else {
                        ok = write(fd, buf, 64) == 64 && read_full(fd, buf + 64, 64) == 0;
                }
                close(fd);
                if (!ok)
                        failures++;
                lat[atomic_fetch_add(&lat_n, 1)] = now() - t0;
        }
        return NULL;
}

static int cmp(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return x < y ? -1 : x > y;
}

static void *bulk_writer(void *arg) {
        long bytes = *(long *) arg;
        int fd = (int) (long) ((long *) arg)[1];
        static char buf[1 << 16];
        while (bytes > 0) {
                ssize_t w = write(fd, buf, bytes < (long) sizeof buf ? (size_t) bytes : sizeof buf);
                if (w <= 0)
                        break;
                bytes -= w;
        }
        return NULL;
}

int main(int argc, char **argv) {
        if (argc < 5)
                return 2;
        mode = argv[1];
        addr.sin_family = AF_INET;
        addr.sin_port = htons((uint16_t) atoi(argv[3]));
        inet_pton(AF_INET, argv[2], &addr.sin_addr);
        if (!strcmp(mode, "bulk")) {
                long args[2] = { atol(argv[4]), 0 };
                int fd = dial();
                args[1] = fd;
                pthread_t t;
                double t0 = now();
                pthread_create(&t, NULL, bulk_writer, args);
                static char buf[1 << 16];
                long got = 0;
                while (got < args[0]) {
                        ssize_t r = read(fd, buf, sizeof buf);
                        if (r <= 0)
                                break;
                        got += r;
                }
                pthread_join(t, NULL);
                double dt = now() - t0;
                printf("rate=%.1f p99_ms=0 ok=%d\n", got / dt / 1e6, got == args[0]);
                return got == args[0] ? 0 : 1;
        }
        long n = atol(argv[4]);
        int conc = argc > 5 ? atoi(argv[5]) : 1;
        if (!strcmp(mode, "rtt")) {
                total_secs = conc;
                conc = (int) n;
        } else
                per_thread = n / conc;
        lat = calloc((size_t) n + 1, sizeof(double));
        pthread_t *ts = calloc((size_t) conc, sizeof(pthread_t));
        double t0 = now();
        for (int i = 0; i < conc; i++)
                pthread_create(&ts[i], NULL, worker, NULL);
        for (int i = 0; i < conc; i++)
                pthread_join(ts[i], NULL);
        double dt = now() - t0;
        if (!strcmp(mode, "rtt")) {
                printf("rate=%.0f p99_ms=0 failures=%ld\n", rounds / dt, (long) failures);
                return 0;
        }
        long m = lat_n;
        qsort(lat, (size_t) m, sizeof(double), cmp);
        printf("rate=%.0f p99_ms=%.2f failures=%ld\n", m / dt, m ? lat[(long) (m * 0.99)] * 1000 : 0,
               (long) failures);
        return 0;
}
