/* sockservers.c — the baselines of bench/sockbench.py:
 *   sockservers forkexec PORT PROG [ARGS]  a bare accept-fork-exec loop (the
 *                                          connection as stdin/stdout)
 *   sockservers spawn PORT PROG [ARGS]     the same with posix_spawn()
 *   sockservers echo PORT                  a bare single-threaded epoll echo server
 * Loopback only, no limits, no access checks: the floor to compare with. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_on(int port, int nonblock) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0), one = 1;
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port) };
        inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, (struct sockaddr *) &a, sizeof a) < 0 || listen(fd, 4096) < 0) {
                perror("listen");
                exit(1);
        }
        return fd;
}

/* The connection as stdin/stdout of argv[0], by fork()+execv(). */
static void spawn_fork(int c, char **argv) {
        if (fork() == 0) {
                dup2(c, 0);
                dup2(c, 1);
                execv(argv[0], argv);
                _exit(127);
        }
}

/* The same by posix_spawn(). */
static void spawn_posix(int c, char **argv) {
        extern char **environ;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, c, 0);
        posix_spawn_file_actions_adddup2(&fa, c, 1);
        pid_t pid;
        posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
}

static void accept_loop(int port, void (*spawn)(int, char **), char **argv) {
        signal(SIGCHLD, SIG_IGN);
        int l = listen_on(port, 0);
        for (;;) {
                int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
                if (c < 0)
                        continue;
                spawn(c, argv);
                close(c);
        }
}

int main(int argc, char **argv) {
        if (argc < 3)
                return 2;
        if (!strcmp(argv[1], "spawn") || !strcmp(argv[1], "forkexec")) {
                if (argc < 4)
                        return 2;
                accept_loop(atoi(argv[2]), !strcmp(argv[1], "spawn") ? spawn_posix : spawn_fork, argv + 3);
        }
        int l = listen_on(atoi(argv[2]), 1), ep = epoll_create1(EPOLL_CLOEXEC);
        struct epoll_event ev = { .events = EPOLLIN, .data.fd = l }, evs[256];
        epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
        static char buf[65536];
        for (;;) {
                int n = epoll_wait(ep, evs, 256, -1);
                for (int i = 0; i < n; i++) {
                        int fd = evs[i].data.fd;
                        if (fd == l) {
                                int c;
                                while ((c = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                                        struct epoll_event ce = { .events = EPOLLIN, .data.fd = c };
                                        epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
                                }
                                continue;
                        }
                        ssize_t r = read(fd, buf, sizeof buf);
                        if (r <= 0) {
                                if (r < 0 && errno == EAGAIN)
                                        continue;
                                close(fd);
                                continue;
                        }
                        /* a simple server: write it all back (blocking briefly if the peer is slow) */
                        ssize_t off = 0;
                        while (off < r) {
                                ssize_t w = write(fd, buf + off, (size_t) (r - off));
                                if (w < 0 && errno == EAGAIN)
                                        continue;
                                if (w <= 0)
                                        break;
                                off += w;
                        }
                }
        }
}
