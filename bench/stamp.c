/* stamp: the benchmark's service payload. A "sleep"-like program that, as the
 * first thing it does, reports "TAG PID MONOTONIC_NS\n" to a FIFO and then
 * pauses forever. The harness reads the FIFO to learn when each service's
 * process was exec'd (start-up time, restart latency) without polling /proc.
 *
 *   stamp FIFO TAG        explicit (superd, supervisord, the bare loop)
 *   ./run                 runit/s6: run is a symlink to stamp; TAG is the
 *                         basename of the cwd (the service dir), FIFO comes
 *                         from $STAMP_FIFO
 * The FIFO is opened non-blocking so a payload never hangs when nobody reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
    for (;;)
        pause();
}
