/* bareloop: the floor of the benchmark. One process, no configuration, no
 * state machine: fork/exec N children and respawn each one as soon as it
 * dies (SIGCHLD, reaped with waitpid). Child i runs  CMD ARGS... PREFIX<i>.
 *
 *   bareloop N PREFIX CMD [ARGS...]
 *
 * SIGTERM/SIGINT: kill every child with SIGKILL, reap them, exit 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t *pids;
static char **tags;
static int n;
static char **cmd;
static int ncmd;
static sigset_t oldmask;

static pid_t spawn(int i)
{
    pid_t p = fork();
    if (p == 0) {
        char *argv[ncmd + 2];
        for (int k = 0; k < ncmd; k++)
            argv[k] = cmd[k];
        argv[ncmd] = tags[i];
        argv[ncmd + 1] = NULL;
        sigprocmask(SIG_SETMASK, &oldmask, NULL);
        setsid();
        execv(argv[0], argv);
        _exit(127);
    }
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bareloop N PREFIX CMD [ARGS...]\n");
        return 2;
    }
    n = atoi(argv[1]);
    if (n <= 0)
        return 2;
    cmd = argv + 3;
    ncmd = argc - 3;
    pids = calloc((size_t)n, sizeof *pids);
    tags = calloc((size_t)n, sizeof *tags);
    if (!pids || !tags)
        return 1;
    for (int i = 0; i < n; i++)
        if (asprintf(&tags[i], "%s%d", argv[2], i + 1) < 0)
            return 1;

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, &oldmask);

    for (int i = 0; i < n; i++)
        pids[i] = spawn(i);

    for (;;) {
        int sig = sigwaitinfo(&set, NULL);
        if (sig < 0) {
            if (errno == EINTR)
                continue;
            return 1;
        }
        if (sig == SIGTERM || sig == SIGINT) {
            for (int i = 0; i < n; i++)
                if (pids[i] > 0)
                    kill(pids[i], SIGKILL);
            while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
                ;
            return 0;
        }
        pid_t p;
        while ((p = waitpid(-1, NULL, WNOHANG)) > 0)
            for (int i = 0; i < n; i++)
                if (pids[i] == p) {
                    pids[i] = spawn(i);
                    break;
                }
    }
}
