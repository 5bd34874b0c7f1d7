/* listenfds.c — a tiny server using systemd's socket-activation protocol
 * (LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES; fds from 3), for the socket tests.
 * For each connection on fd 3 it answers one line describing what it got,
 * then echoes one line back. "quit" makes it exit 0. Works the same under
 * superd and under systemd-socket-activate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
        const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS"), *names = getenv("LISTEN_FDNAMES");
        int pidok = pid && atol(pid) == (long) getpid();
        int n = fds ? atoi(fds) : 0;
        if (!pidok || n < 1)
                return 2;
        for (;;) {
                int c = accept(3, NULL, NULL);
                if (c < 0)
                        return 3;
                char line[512];
                int k = snprintf(line, sizeof line, "pid=%ld fds=%d names=%s pidok=%d\n", (long) getpid(), n,
                                 names ? names : "", pidok);
                if (write(c, line, (size_t) k) < 0)
                        return 4;
                ssize_t r = read(c, line, sizeof line - 1);
                if (r > 0) {
                        line[r] = 0;
                        if (strncmp(line, "quit", 4) == 0) {
                                close(c);
                                return 0;
                        }
                        if (write(c, line, (size_t) r) < 0)
                                return 4;
                }
                close(c);
        }
}
