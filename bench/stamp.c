/* stamp: the benchmark's service payload. A "sleep"-like program that, as the
 * first thing it does, reports "TAG PID MONOTONIC_NS\n" to a FIFO and then
 * pauses forever. The harness reads the FIFO to learn when each service's
 * process was exec'd (start-up time, restart latency) without polling /proc.
 *
 *   stamp FIFO TAG        explicit (superd, supervisord, the bare loop)
 *   ./run                 runit/s6: run is a symlink to stamp; TAG is the
 *                         basename of the cwd (the service dir), FIFO comes
 *                         from $STAMP_FIFO
 *   stamp FIFO TAG READY  the same as the first form, then, once the stamp is
 *                         written, says it is ready (bench/depbench.py):
 *                         READY = notify   sends "READY=1" to $NOTIFY_SOCKET
 *                                          (sd_notify's datagram, no libsystemd)
 *                         READY = fd:N     writes "\n" to fd N and closes it
 *                                          (s6's notification-fd, the bare loop)
 *                         READY = -        nothing
 * The FIFO is opened non-blocking so a payload never hangs when nobody reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* sd_notify(0, "READY=1") without libsystemd: one datagram to $NOTIFY_SOCKET
 * (a path, or an abstract name written with a leading '@'). */
static void notify_ready(void)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (!path || !*path)
        return;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    size_t len = strlen(path);
    if (len >= sizeof sa.sun_path)
        return;
    memcpy(sa.sun_path, path, len);
    if (sa.sun_path[0] == '@')
        sa.sun_path[0] = 0;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    static const char msg[] = "READY=1";
    (void)sendto(fd, msg, sizeof msg - 1, MSG_NOSIGNAL, (struct sockaddr *)&sa,
                 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
    close(fd);
}

static void say_ready(const char *how)
{
    if (strcmp(how, "notify") == 0)
        notify_ready();
    else if (strncmp(how, "fd:", 3) == 0) {
        int fd = atoi(how + 3);
        ssize_t w;
        do
            w = write(fd, "\n", 1);
        while (w < 0 && errno == EINTR);
        close(fd);
    }
}

int main(int argc, char **argv)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);

    const char *fifo, *tag;
    char cwd[4096];
    if (argc >= 3) {
        fifo = argv[1];
        tag = argv[2];
    } else {
        fifo = getenv("STAMP_FIFO");
        if (!getcwd(cwd, sizeof cwd))
            return 111;
        const char *slash = strrchr(cwd, '/');
        tag = slash ? slash + 1 : cwd;
    }
    if (fifo) {
        int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0) {
            int fl = fcntl(fd, F_GETFL);
            fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
            char buf[256];
            int n = snprintf(buf, sizeof buf, "%s %ld %lld\n", tag, (long)getpid(),
                             (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
            if (n > 0 && n < (int)sizeof buf) {
                ssize_t w;
                do
                    w = write(fd, buf, (size_t)n);
                while (w < 0 && errno == EINTR);
            }
            close(fd);
        }
    }
    if (argc >= 4)
        say_ready(argv[3]);
    for (;;)
        pause();
}
