/* test-exec.c — exec_spawn() with real processes (the tests run as root):
 * each step of the child, its failure report and exit status. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

#include "exec/exec.h"
#include "exec/exec-internal.h"
#include "lib/macro.h"

static char *const test_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", NULL };

static ExecParams params(const char *path, char *const *argv) {
        return (ExecParams) {
                .path = path,
                .argv = argv,
                .envp = test_env,
                .umask = 022,
                .stdin_fd = -1,
                .stdout_fd = -1,
                .stderr_fd = -1,
                .ignore_sigpipe = true,
                .new_session = true,
        };
}

typedef struct RunResult {
        int report;          /* exec_read_report() */
        ExecFailure failure;
        int status;          /* exit status, or 128+signal */
        pid_t pid;
        char out[4096];      /* stdout, when captured */
} RunResult;

static void read_all(int fd, char *buf, size_t size) {
        size_t len = 0;
        ssize_t n;

        while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) != 0) {
                if (n < 0) {
                        assert_int_equal(errno, EINTR);
                        continue;
                }
                len += (size_t) n;
        }
        buf[len] = 0;
}

/* Spawns p (stdout captured unless p sets it), waits for the child, and
 * reads its report. */
static RunResult run(ExecParams p) {
        RunResult rr = { .failure = { .step = EXEC_STEP_NONE } };
        int out[2] = { -1, -1 }, fd = -1, status;

        if (p.stdout_fd < 0) {
                assert_int_equal(pipe2(out, O_CLOEXEC), 0);
                p.stdout_fd = out[1];
        }
        assert_int_equal(exec_spawn(&p, &rr.pid, &fd), 0);
        assert_true(fd >= 0);
        assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        if (out[0] >= 0) {
                safe_close(out[1]);
                read_all(out[0], rr.out, sizeof(rr.out));
                safe_close(out[0]);
        }
        assert_int_equal(waitpid(rr.pid, &status, 0), rr.pid);
        rr.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        rr.report = exec_read_report(fd, &rr.failure);
        safe_close(fd);
        return rr;
}

static void assert_ok(const RunResult *rr) {
        if (rr->report != 0)
                print_error("child failed at step %s: %s\n", exec_step_to_string(rr->failure.step), strerror(rr->failure.error));
        assert_int_equal(rr->report, 0);
        assert_int_equal(rr->status, 0);
}

static void assert_failed(const RunResult *rr, ExecStep step, int error) {
        assert_int_equal(rr->report, 1);
        assert_string_equal(exec_step_to_string(rr->failure.step), exec_step_to_string(step));
        assert_int_equal(rr->failure.error, error);
        assert_int_equal(rr->status, exec_step_exit_status(step));
}

#define SH(script) ((char *const[]) { "sh", "-c", (char *) (script), NULL })

/* The child that shares our memory until it execs (no User=, so every
 * spawn above took it where it is built): its failure report arrives, our
 * errno survives it, and it fills the LISTEN_PID= slot with its own pid. */
static void test_shared_memory_child(void **state) {
        ExecParams p = params("/nonexistent/x", (char *const[]) { "x", NULL });
        int pipefd[2];
        assert_int_equal(pipe2(pipefd, O_CLOEXEC | O_NONBLOCK), 0);
        errno = 4242;
        int pidfd = -1;
        pid_t pid = exec_clone_shared(&p, pipefd[1], -1, &pidfd);
        int saved = errno;
        safe_close(pipefd[1]);
        if (pid == -ENOSYS) {
                safe_close(pipefd[0]);
                skip();
        }
        assert_true(pid > 0);
        assert_int_equal(saved, 4242);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_int_equal(WEXITSTATUS(status), 203);
        ExecFailure f;
        assert_int_equal(exec_read_report(pipefd[0], &f), 1);
        assert_int_equal(f.step, EXEC_STEP_EXEC);
        assert_int_equal(f.error, ENOENT);
        safe_close(pipefd[0]);
        safe_close(pidfd);
}

/* The pidfd comes with the child where the kernel can make one, close-on-exec
 * and naming that child; else -1. */
static void test_spawn_pidfd(void **state) {
        ExecParams p = params("/bin/sleep", (char *const[]) { "sleep", "5", NULL });
        pid_t pid;
        int pidfd = -2, report = -1;
        assert_int_equal(exec_spawn_pidfd(&p, &pid, &pidfd, &report), 0);
        if (pidfd >= 0) {
                assert_true(fcntl(pidfd, F_GETFD) & FD_CLOEXEC);
                assert_int_equal(syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0), 0);
        } else {
                assert_int_equal(pidfd, -1);
                kill(pid, SIGKILL);
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        safe_close(pidfd);
        safe_close(report);
}

static void test_listen_pid_filled(void **state) {
        char slot[] = "LISTEN_PID=0123456789";
        char *env[] = { "PATH=/usr/bin:/bin", slot, NULL };
        ExecParams p = params("/bin/sh", SH("printf %s \"$LISTEN_PID\""));
        p.envp = env;
        p.set_listen_pid = true;
        RunResult rr = run(p);
        assert_ok(&rr);
        char want[32];
        snprintf(want, sizeof want, "%d", (int) rr.pid);
        assert_string_equal(rr.out, want);
}

static void test_step_table(void **state) {
        assert_string_equal(exec_step_to_string(EXEC_STEP_EXEC), "EXEC");
        assert_string_equal(exec_step_to_string(EXEC_STEP_NO_NEW_PRIVILEGES), "NO_NEW_PRIVILEGES");
        assert_string_equal(exec_step_to_string(EXEC_STEP_SIGNAL_MASK), "SIGNAL_MASK");
        assert_null(exec_step_to_string(_EXEC_STEP_MAX));
        assert_int_equal(exec_step_exit_status(EXEC_STEP_CHDIR), 200);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_NICE), 201);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_FDS), 202);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_EXEC), 203);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_LIMITS), 205);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_OOM_ADJUST), 206);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_SIGNAL_MASK), 207);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_STDIN), 208);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_STDOUT), 209);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_CHROOT), 210);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_IOPRIO), 211);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_SETSCHEDULER), 214);
        assert_string_equal(exec_step_to_string(EXEC_STEP_SETSCHEDULER), "SETSCHEDULER");
        assert_int_equal(exec_step_exit_status(EXEC_STEP_GROUP), 216);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_USER), 217);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_SETSID), 220);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_STDERR), 222);
        assert_int_equal(exec_step_exit_status(EXEC_STEP_NO_NEW_PRIVILEGES), 227);
        for (int s = EXEC_STEP_NONE + 1; s < _EXEC_STEP_MAX; s++)
                assert_non_null(exec_step_to_string((ExecStep) s));
}

static void test_read_report_eagain(void **state) {
        int p[2];
        ExecFailure f;

        assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
        assert_int_equal(exec_read_report(p[0], &f), -EAGAIN);
        safe_close(p[1]);
        assert_int_equal(exec_read_report(p[0], &f), 0);
        safe_close(p[0]);
        assert_int_equal(exec_read_report(-1, &f), -EBADF);
}

static void test_true(void **state) {
        RunResult rr = run(params("/bin/true", (char *const[]) { "true", NULL }));
        assert_ok(&rr);
        rr = run(params("/bin/false", (char *const[]) { "false", NULL }));
        assert_int_equal(rr.report, 0);
        assert_int_equal(rr.status, 1);
}

static void test_enoent(void **state) {
        RunResult rr = run(params("/nonexistent/x", (char *const[]) { "x", NULL }));
        assert_failed(&rr, EXEC_STEP_EXEC, ENOENT);
        assert_int_equal(rr.status, 203);
}

static void test_eacces(void **state) {
        char path[] = "/tmp/test-exec-XXXXXX";
        int fd = mkostemp(path, O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
        safe_close(fd);
        assert_int_equal(chmod(path, 0644), 0);

        RunResult rr = run(params(path, (char *const[]) { path, NULL }));
        assert_failed(&rr, EXEC_STEP_EXEC, EACCES);
        unlink(path);
}

static void test_path_search(void **state) {
        RunResult rr = run(params("echo", (char *const[]) { "echo", "hi", NULL }));
        assert_ok(&rr);
        assert_string_equal(rr.out, "hi\n");
        rr = run(params("nosuchcommand_x", (char *const[]) { "nosuchcommand_x", NULL }));
        assert_failed(&rr, EXEC_STEP_EXEC, ENOENT);
}

static void test_argv_envp(void **state) {
        ExecParams p = params("/bin/sh", SH("echo \"$0|$1|$LANG|$FOO\""));
        p.argv = (char *const[]) { "sh", "-c", "echo \"$0|$1|$LANG|$FOO\"", "zero", "one", NULL };
        p.envp = (char *const[]) { "FOO=bar baz", "LANG=C.UTF-8", NULL };
        RunResult rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "zero|one|C.UTF-8|bar baz\n");
}

static void test_working_directory(void **state) {
        ExecParams p = params("/bin/sh", SH("pwd"));
        RunResult rr;

        /* Default: "/" whatever our own cwd is. */
        assert_int_equal(chdir("/tmp"), 0);
        rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "/\n");

        p.working_directory = "/usr/bin";
        rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "/usr/bin\n");

        p.working_directory = "~";
        p.user = "root";
        rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "/root\n");

        p.user = NULL;
        rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "/\n");
}

static void test_working_directory_missing(void **state) {
        ExecParams p = params("/bin/sh", SH("pwd"));
        RunResult rr;

        p.working_directory = "/nonexistent/dir";
        rr = run(p);
        assert_failed(&rr, EXEC_STEP_CHDIR, ENOENT);
        assert_int_equal(rr.status, 200);

        p.working_directory_missing_ok = true;
        rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "/\n");
}

static void test_chdir_as_user(void **state) {
        char dir[] = "/tmp/test-exec-XXXXXX";
        assert_non_null(mkdtemp(dir));
        assert_int_equal(chmod(dir, 0700), 0);

        ExecParams p = params("/bin/true", (char *const[]) { "true", NULL });
        p.working_directory = dir;
        p.user = "nobody";
        RunResult rr = run(p);
        assert_failed(&rr, EXEC_STEP_CHDIR, EACCES);

        p.working_directory_missing_ok = true; /* only ENOENT is forgiven */
        rr = run(p);
        assert_failed(&rr, EXEC_STEP_CHDIR, EACCES);
        rmdir(dir);
}

static void test_user_unknown(void **state) {
        ExecParams p = params("/bin/true", (char *const[]) { "true", NULL });
        p.user = "nosuchuser_x";
        RunResult rr = run(p);
        assert_failed(&rr, EXEC_STEP_USER, ESRCH);
        assert_int_equal(rr.status, 217);

        p.user = NULL;
        p.group = "nosuchgroup_x";
        rr = run(p);
        assert_failed(&rr, EXEC_STEP_GROUP, ESRCH);
        assert_int_equal(rr.status, 216);

        p.group = NULL;
        p.supplementary_groups = (char *const[]) { "daemon", "nosuchgroup_x", NULL };
        rr = run(p);
        assert_failed(&rr, EXEC_STEP_GROUP, ESRCH);
}

static void test_user_nobody(void **state) {
        ExecParams p = params("/bin/sh", SH("id -u; id -g; id -G; test -w /root || echo ro"));
        RunResult rr;

        p.user = "nobody";
        rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "65534\n65534\n65534\nro\n");

        p.group = "daemon";
        p.supplementary_groups = (char *const[]) { "nogroup", "2", NULL };
        rr = run(p);
        assert_ok(&rr);
        /* getgrouplist(nobody, daemon) gives daemon (nobody is in no
         * group), then SupplementaryGroups=. */
        assert_string_equal(rr.out, "65534\n1\n1 2 65534\nro\n");

        /* A numeric uid without a passwd entry. */
        p = params("/bin/sh", SH("id -u; id -g; id -G"));
        p.user = "4242";
        rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "4242\n4242\n4242\n");
}

static void test_group_only(void **state) {
        ExecParams p = params("/bin/sh", SH("id -u; id -g"));
        p.group = "daemon";
        RunResult rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "0\n1\n");
}

static void test_rlimit_nice_oom_umask(void **state) {
        bool set[RLIM_NLIMITS] = {};
        struct rlimit rl[RLIM_NLIMITS] = {};
        ExecParams p = params("/bin/sh", SH("ulimit -n; nice; cat /proc/self/oom_score_adj; umask"));

        set[RLIMIT_NOFILE] = true;
        rl[RLIMIT_NOFILE] = (struct rlimit) { 123, 456 };
        p.rlimit_set = set;
        p.rlimit = rl;
        p.nice_set = true;
        p.nice = 7;
        p.oom_score_adjust_set = true;
        p.oom_score_adjust = 1000; /* raising needs no CAP_SYS_RESOURCE */
        p.umask = 027;
        RunResult rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "123\n7\n1000\n0027\n");

        /* soft above hard: setrlimit() refuses. */
        rl[RLIMIT_NOFILE] = (struct rlimit) { 456, 123 };
        rr = run(p);
        assert_failed(&rr, EXEC_STEP_LIMITS, EINVAL);

        rl[RLIMIT_NOFILE] = (struct rlimit) { 123, 456 };
        p.oom_score_adjust = 5000;
        rr = run(p);
        assert_failed(&rr, EXEC_STEP_OOM_ADJUST, EINVAL);
}

static void test_io_and_cpu_scheduling(void **state) {
        ExecParams p = params("/bin/sh", SH("ionice -p $$; chrt -p $$ | sed 's/.*: //'"));

        p.io_scheduling_set = true;
        p.io_class = 2;
        p.io_priority = 5;
        p.cpu_scheduling_set = true;
        p.cpu_policy = SCHED_BATCH;
        RunResult rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "best-effort: prio 5\nSCHED_BATCH\n0\n");

        /* A real-time priority out of range is clamped to it. */
        p.io_class = 3;
        p.cpu_policy = SCHED_RR;
        p.cpu_priority = 1000;
        rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "idle\nSCHED_RR\n99\n");

        p.io_class = 9;
        rr = run(p);
        assert_failed(&rr, EXEC_STEP_IOPRIO, EINVAL);
        assert_int_equal(rr.status, 211);

        p.io_class = 2;
        p.cpu_policy = 77;
        rr = run(p);
        assert_failed(&rr, EXEC_STEP_SETSCHEDULER, EINVAL);
        assert_int_equal(rr.status, 214);
}

static void test_no_leaked_fds(void **state) {
        int leak = open("/dev/null", O_RDONLY); /* deliberately without O_CLOEXEC */
        assert_true(leak >= 0);
        int high = fcntl(leak, F_DUPFD, 100);
        assert_true(high >= 100);

        RunResult rr = run(params("/bin/ls", (char *const[]) { "ls", "-1", "/proc/self/fd", NULL }));
        assert_ok(&rr);
        /* 3 is ls's own handle on the directory. */
        assert_string_equal(rr.out, "0\n1\n2\n3\n");
        safe_close(leak);
        safe_close(high);
}

/* Moves fd to exactly target, first parking whatever the test runner left
 * there at *saved (restored by restore_fd()). */
static int move_to(int fd, int target, int *saved) {
        *saved = fcntl(target, F_DUPFD_CLOEXEC, 200);
        assert_int_equal(dup3(fd, target, O_CLOEXEC), target);
        safe_close(fd);
        return target;
}

static int move_high(int fd) {
        int r = fcntl(fd, F_DUPFD_CLOEXEC, 300);
        assert_true(r >= 300);
        safe_close(fd);
        return r;
}

static void restore_fd(int fd, int saved) {
        if (saved >= 0) {
                assert_int_equal(dup2(saved, fd), fd);
                safe_close(saved);
        } else
                safe_close(fd);
}

static void test_pass_fds(void **state) {
        int a[2], b[2];
        char buf[64];

        assert_int_equal(pipe2(a, O_CLOEXEC), 0);
        assert_int_equal(pipe2(b, O_CLOEXEC), 0);
        for (int i = 0; i < 2; i++) { /* off 3 and 4, which move_to() takes */
                a[i] = move_high(a[i]);
                b[i] = move_high(b[i]);
        }
        /* Put the sources on each other's targets: A's write end on 4,
         * B's on 3, and pass them as {A, B} -> child fd 3 = A, 4 = B. */
        int saved3, saved4;
        int wa = move_to(a[1], 4, &saved4), wb = move_to(b[1], 3, &saved3);

        ExecParams p = params("/bin/sh", SH("echo a >&3; echo b >&4; echo out; echo err >&2"));
        p.pass_fds = (const int[]) { wa, wb };
        p.n_pass_fds = 2;
        p.stderr_fd = wa; /* the same source on two targets */
        RunResult rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "out\n");
        restore_fd(wa, saved4);
        restore_fd(wb, saved3);

        read_all(a[0], buf, sizeof(buf));
        assert_string_equal(buf, "a\nerr\n");
        read_all(b[0], buf, sizeof(buf));
        assert_string_equal(buf, "b\n");
        safe_close(a[0]);
        safe_close(b[0]);

        /* A bad fd to pass: step FDS. */
        p.pass_fds = (const int[]) { 999 };
        p.n_pass_fds = 1;
        p.stderr_fd = -1;
        rr = run(p);
        assert_failed(&rr, EXEC_STEP_FDS, EBADF);
        p.n_pass_fds = 0;
        p.stdin_fd = 998;
        rr = run(p);
        assert_failed(&rr, EXEC_STEP_STDIN, EBADF);
}

static void test_stdin(void **state) {
        int in[2];
        ExecParams p = params("/bin/cat", (char *const[]) { "cat", NULL });

        RunResult rr = run(p); /* /dev/null */
        assert_ok(&rr);
        assert_string_equal(rr.out, "");

        assert_int_equal(pipe2(in, O_CLOEXEC | O_NONBLOCK), 0);
        assert_int_equal(write(in[1], "hello\n", 6), 6);
        safe_close(in[1]);
        p.stdin_fd = in[0];
        rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "hello\n");
        safe_close(in[0]);
}

/* The kernel's struct sigaction: glibc refuses signal 32, make may leave it ignored. */
typedef struct KernelSigaction {
        void *handler;
        unsigned long flags;
        void *restorer;
        uint64_t mask;
} KernelSigaction;

static void raw_sigaction(int sig, void *handler, KernelSigaction *old) {
        KernelSigaction ksa = { .handler = handler };
        assert_int_equal(syscall(SYS_rt_sigaction, sig, &ksa, old, sizeof ksa.mask), 0);
}

static void raw_sigaction_restore(int sig, const KernelSigaction *old) {
        assert_int_equal(syscall(SYS_rt_sigaction, sig, old, NULL, sizeof old->mask), 0);
}

/* Runs grep PATTERN /proc/self/status in a child spawned with p's settings. */
static void assert_status_lines(ExecParams p, const char *pattern, const char *want) {
        char *const argv[] = { "grep", "-E", (char *) pattern, "/proc/self/status", NULL };
        p.path = "/bin/grep";
        p.argv = argv;
        RunResult rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, want);
}

static void test_signals(void **state) {
        struct sigaction ign = { .sa_handler = SIG_IGN }, old_term;
        sigset_t block, old_mask;

        sigemptyset(&block);
        sigaddset(&block, SIGUSR1);
        sigaddset(&block, SIGCHLD);
        assert_int_equal(sigprocmask(SIG_BLOCK, &block, &old_mask), 0);
        assert_int_equal(sigaction(SIGTERM, &ign, &old_term), 0);
        /* As make leaves it: glibc's reserved signal 32 ignored. */
        KernelSigaction kold;
        raw_sigaction(32, SIG_IGN, &kold);

        ExecParams p = params("/bin/true", (char *const[]) { "true", NULL });
        assert_status_lines(p, "^Sig(Blk|Ign)", "SigBlk:\t0000000000000000\nSigIgn:\t0000000000001000\n");
        p.ignore_sigpipe = false;
        assert_status_lines(p, "^Sig(Blk|Ign)", "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");

        assert_int_equal(sigaction(SIGTERM, &old_term, NULL), 0);
        raw_sigaction_restore(32, &kold);
        assert_int_equal(sigprocmask(SIG_SETMASK, &old_mask, NULL), 0);
}

/* The manager resets its dispositions once; its children then reset only
 * SIGPIPE and the reserved 32/33, and still start with nothing ignored. */
static void test_signals_default(void **state) {
        struct sigaction ign = { .sa_handler = SIG_IGN }, cur, old_pipe;
        assert_int_equal(sigaction(SIGTERM, &ign, NULL), 0);
        exec_reset_signal_dispositions();
        assert_int_equal(sigaction(SIGTERM, NULL, &cur), 0);
        assert_true(cur.sa_handler == SIG_DFL);
        assert_int_equal(sigaction(SIGPIPE, &ign, &old_pipe), 0);
        KernelSigaction kold;
        raw_sigaction(32, SIG_IGN, &kold);

        ExecParams p = params("/bin/true", (char *const[]) { "true", NULL });
        p.signals_default = true;
        p.ignore_sigpipe = false;
        assert_status_lines(p, "^SigIgn", "SigIgn:\t0000000000000000\n");
        p.ignore_sigpipe = true;
        assert_status_lines(p, "^SigIgn", "SigIgn:\t0000000000001000\n");

        raw_sigaction_restore(32, &kold);
        assert_int_equal(sigaction(SIGPIPE, &old_pipe, NULL), 0);
}

static void test_setsid(void **state) {
        /* Fields 1, 5, 6 of /proc/self/stat: pid, pgrp, session. */
        ExecParams p = params("/bin/sh", SH("read pid comm st ppid pgrp sid rest </proc/self/stat; echo $pid $pgrp $sid"));
        char expect[64];

        RunResult rr = run(p);
        assert_ok(&rr);
        snprintf(expect, sizeof(expect), "%d %d %d\n", rr.pid, rr.pid, rr.pid);
        assert_string_equal(rr.out, expect);

        p.new_session = false;
        rr = run(p);
        assert_ok(&rr);
        snprintf(expect, sizeof(expect), "%d %d %d\n", rr.pid, getpgrp(), getsid(0));
        assert_string_equal(rr.out, expect);
}

static void test_no_new_privileges(void **state) {
        ExecParams p = params("/bin/grep", (char *const[]) { "grep", "^NoNewPrivs", "/proc/self/status", NULL });
        RunResult rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "NoNewPrivs:\t0\n");

        p.no_new_privileges = true;
        rr = run(p);
        assert_ok(&rr);
        assert_string_equal(rr.out, "NoNewPrivs:\t1\n");
}

static int copy_file(const char *from, const char *to, mode_t mode) {
        char buf[65536];
        ssize_t n;
        int in = open(from, O_RDONLY | O_CLOEXEC), out;

        if (in < 0)
                return -errno;
        out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (out < 0) {
                safe_close(in);
                return -errno;
        }
        while ((n = read(in, buf, sizeof(buf))) > 0)
                if (write(out, buf, (size_t) n) != n) {
                        n = -1;
                        break;
                }
        safe_close(in);
        safe_close(out);
        return n < 0 ? -EIO : 0;
}

static void test_chroot(void **state) {
        char dir[] = "/tmp/test-exec-XXXXXX", bin[64], sub[64];
        ExecParams p = params("/bin/true", (char *const[]) { "true", NULL });
        RunResult rr;

        p.root_directory = "/nonexistent/root";
        rr = run(p);
        assert_failed(&rr, EXEC_STEP_CHROOT, ENOENT);
        assert_int_equal(rr.status, 210);

        /* An empty root: /bin/true is not there, so the chroot happened. */
        assert_non_null(mkdtemp(dir));
        p.root_directory = dir;
        rr = run(p);
        assert_failed(&rr, EXEC_STEP_EXEC, ENOENT);

        /* ldconfig is static on Debian: it runs inside, in the working
         * directory relative to the new root. */
        snprintf(bin, sizeof(bin), "%s/ldconfig", dir);
        snprintf(sub, sizeof(sub), "%s/sub", dir);
        if (copy_file("/sbin/ldconfig", bin, 0755) == 0) {
                assert_int_equal(mkdir(sub, 0755), 0);
                p.path = "/ldconfig";
                p.argv = (char *const[]) { "ldconfig", "--version", NULL };
                p.working_directory = "/sub";
                rr = run(p);
                assert_ok(&rr);
                assert_non_null(startswith(rr.out, "ldconfig "));
                p.working_directory = "/nonexistent";
                rr = run(p);
                assert_failed(&rr, EXEC_STEP_CHDIR, ENOENT);
                rmdir(sub);
                unlink(bin);
        }
        rmdir(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_step_table),
                cmocka_unit_test(test_read_report_eagain),
                cmocka_unit_test(test_true),
                cmocka_unit_test(test_enoent),
                cmocka_unit_test(test_eacces),
                cmocka_unit_test(test_path_search),
                cmocka_unit_test(test_argv_envp),
                cmocka_unit_test(test_working_directory),
                cmocka_unit_test(test_working_directory_missing),
                cmocka_unit_test(test_chdir_as_user),
                cmocka_unit_test(test_user_unknown),
                cmocka_unit_test(test_user_nobody),
                cmocka_unit_test(test_group_only),
                cmocka_unit_test(test_rlimit_nice_oom_umask),
                cmocka_unit_test(test_io_and_cpu_scheduling),
                cmocka_unit_test(test_no_leaked_fds),
                cmocka_unit_test(test_pass_fds),
                cmocka_unit_test(test_stdin),
                cmocka_unit_test(test_signals),
                cmocka_unit_test(test_signals_default),
                cmocka_unit_test(test_setsid),
                cmocka_unit_test(test_no_new_privileges),
                cmocka_unit_test(test_chroot),
                cmocka_unit_test(test_shared_memory_child),
                cmocka_unit_test(test_listen_pid_filled),
                cmocka_unit_test(test_spawn_pidfd),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
