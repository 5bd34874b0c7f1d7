/* exec-child.c — the child side of exec_spawn(), run between fork() and
 * execve(). It performs the steps listed in exec.h in that order; the first
 * one that fails writes {step, errno} to the report pipe and _exit()s with
 * systemd's exit status for the step.
 *
 * Only simple system calls here: no stdio, no logging, and no allocation
 * except what the NSS lookups (getpwnam, getgrnam, getgrouplist) do, which
 * is acceptable because the manager is single-threaded, so no lock can be
 * held by a thread that does not exist in the child. Everything the child
 * needs to remember lives on its stack. */
#include "exec/exec.h"
#include "exec/exec-internal.h"

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/macro.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Credentials resolved before chroot() and applied after it. */
typedef struct ChildCreds {
        bool set_uid, set_gid, set_groups;
        uid_t uid;
        gid_t gid;
        size_t n_groups;
        char home[PATH_MAX];    /* "" when unknown */
        char name[256];         /* passwd name, for getgrouplist(); "" if none */
        gid_t groups[EXEC_GROUPS_MAX];
} ChildCreds;

/* Runs expr; on failure records the step in *ret_step and returns the
 * negative errno from the enclosing function. */
#define CHILD_STEP(ret_step, s, expr)                  \
        do {                                           \
                int _r_ = (expr);                      \
                if (_r_ < 0) {                         \
                        *(ret_step) = (s);             \
                        return _r_;                    \
                }                                      \
        } while (0)

static int errno_or(int fallback) {
        return errno > 0 ? -errno : fallback;
}

/* Parses a decimal uid/gid; -EINVAL when s is not one (a name then). */
static int child_parse_id(const char *s, unsigned *ret) {
        unsigned long v = 0;

        if (!*s)
                return -EINVAL;
        for (const char *c = s; *c; c++) {
                if (*c < '0' || *c > '9')
                        return -EINVAL;
                v = v * 10 + (unsigned long) (*c - '0');
                if (v >= (unsigned long) UINT_MAX) /* (uid_t) -1 is never valid */
                        return -ERANGE;
        }
        *ret = (unsigned) v;
        return 0;
}

/* ---- fds ---- */

/* Returns a duplicate of fd (or of a fresh /dev/null for fd < 0) at or
 * above min, close-on-exec. */
static int child_dup_above(int fd, int min) {
        int r, null_fd = -1;

        if (fd < 0) {
                null_fd = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);
                if (null_fd < 0)
                        return -errno;
                fd = null_fd;
        }
        r = fcntl(fd, F_DUPFD_CLOEXEC, min);
        if (r < 0)
                r = -errno;
        safe_close(null_fd);
        return r;
}

/* Closes every fd >= first except keep and the directory fd, walking
 * /proc/self/fd with getdents64() (no opendir(): it allocates). Returns
 * -errno when /proc is not there. */
static int child_close_from_proc(int first, int keep) {
        char buf[4096] __attribute__((aligned(8)));
        int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        long n;

        if (dfd < 0)
                return -errno;
        while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0)
                for (long off = 0; off < n; ) {
                        /* struct linux_dirent64: ino 8, off 8, reclen 2, type 1, name */
                        unsigned short reclen;
                        const char *name = buf + off + 19;
                        unsigned v;

                        memcpy(&reclen, buf + off + 16, sizeof(reclen));
                        off += reclen;
                        if (child_parse_id(name, &v) < 0 || v > INT_MAX)
                                continue;
                        if ((int) v >= first && (int) v != keep && (int) v != dfd)
                                (void) close((int) v);
                }
        safe_close(dfd);
        return n < 0 ? -errno : 0;
}

/* Closes every fd >= first except keep, at execve() at the latest: they
 * are marked close-on-exec where the kernel can (5.11), which is a few bit
 * operations here, and execve() closes them after our parent, if it waits
 * for us (exec-clone.c), has gone on. With thousands of fds in the manager
 * that is most of a child's work before exec. */
static void child_close_from(int first, int keep) {
        if ((keep <= first || close_range((unsigned) first, (unsigned) keep - 1, CLOSE_RANGE_CLOEXEC) == 0) &&
            close_range((unsigned) keep + 1, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
                return;
        if (keep > first && close_range((unsigned) first, (unsigned) keep - 1, 0) < 0)
                goto fallback;
        if (close_range((unsigned) keep + 1, ~0U, 0) < 0)
                goto fallback;
        return;

fallback:;
        /* Kernel without close_range() (before 5.9). */
        if (child_close_from_proc(first, keep) == 0)
                return;
        struct rlimit rl;
        long max = 65536;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
                max = (long) MIN(rl.rlim_cur, (rlim_t) INT_MAX);
        for (long fd = first; fd < max; fd++)
                if (fd != keep)
                        (void) close((int) fd);
}

static ExecStep child_fd_step(size_t i) {
        static const ExecStep std_steps[3] = { EXEC_STEP_STDIN, EXEC_STEP_STDOUT, EXEC_STEP_STDERR };
        return i < 3 ? std_steps[i] : EXEC_STEP_FDS;
}

/* Puts stdin/stdout/stderr on 0-2 and the passed fds on 3.., closes every
 * other fd, and moves the report fd (updated in *report_fd) above them all.
 * A source may already sit on some target number, so first everything is
 * duplicated above the highest target, then dup2()ed down. */
static int child_arrange_fds(const ExecParams *p, int *report_fd, ExecStep *ret_step) {
        int moved[3 + EXEC_PASS_FDS_MAX];
        size_t n = 3 + p->n_pass_fds;
        int top = (int) n, r;

        *ret_step = EXEC_STEP_FDS;
        if (p->n_pass_fds > EXEC_PASS_FDS_MAX)
                return -E2BIG;

        r = fcntl(*report_fd, F_DUPFD_CLOEXEC, top);
        if (r < 0)
                return -errno;
        *report_fd = r;

        for (size_t i = 0; i < n; i++) {
                int src = i == 0 ? p->stdin_fd : i == 1 ? p->stdout_fd :
                          i == 2 ? p->stderr_fd : p->pass_fds[i - 3];
                moved[i] = child_dup_above(src, top);
                if (moved[i] < 0) {
                        *ret_step = child_fd_step(i);
                        return moved[i];
                }
        }

        /* dup2() leaves the target without FD_CLOEXEC, as the program
         * needs it. */
        for (size_t i = 0; i < n; i++)
                if (dup2(moved[i], (int) i) < 0) {
                        *ret_step = child_fd_step(i);
                        return -errno;
                }

        child_close_from(top, *report_fd);

        /* The manager may hand us non-blocking pipes; programs expect
         * blocking stdio. */
        for (int fd = 0; fd < 3; fd++) {
                int fl = fcntl(fd, F_GETFL);
                if (fl >= 0 && (fl & O_NONBLOCK))
                        (void) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
        }
        return 0;
}

/* ---- process attributes ---- */

/* glibc refuses sigaction() on the two real-time signals it reserves (32,
 * 33), yet a parent such as make may have left them ignored: reset them with
 * the system call, whose struct layout is this one on these architectures. */
static void child_reset_reserved_signal(int sig) {
#if defined(__x86_64__) || defined(__aarch64__) || defined(__i386__) || defined(__arm__) || defined(__riscv)
        struct {
                void *handler;
                unsigned long flags;
                void *restorer;
                uint64_t mask;
        } ksa = { .handler = SIG_DFL };
        (void) syscall(SYS_rt_sigaction, sig, &ksa, NULL, sizeof ksa.mask);
#else
        (void) sig;
#endif
}

/* Every disposition back to the default, or (signals_default: the parent
 * keeps them so, exec_reset_signal_dispositions()) only SIGPIPE and the two
 * reserved ones, which saves some sixty system calls per child. */
static int child_reset_signals(bool ignore_sigpipe, bool signals_default) {
        struct sigaction sa = { .sa_handler = SIG_DFL };
        sigset_t ss;

        for (int sig = 1; sig < NSIG; sig++) {
                if (sig == SIGKILL || sig == SIGSTOP)
                        continue;
                if (signals_default && sig != SIGPIPE && sig != 32 && sig != 33)
                        continue;
                if (sigaction(sig, &sa, NULL) < 0 && errno == EINVAL)
                        child_reset_reserved_signal(sig);
        }
        if (ignore_sigpipe) {
                sa.sa_handler = SIG_IGN;
                if (sigaction(SIGPIPE, &sa, NULL) < 0)
                        return -errno;
        }
        if (sigemptyset(&ss) < 0 || sigprocmask(SIG_SETMASK, &ss, NULL) < 0)
                return -errno;
        return 0;
}

/* Without CAP_SYS_RESOURCE (a container) a hard limit cannot be raised:
 * then the limit is clamped to the hard limit we have, as a unit such as
 * redis-server's LimitNOFILE=65535 must still run. Lowering always applies. */
static int child_set_rlimit(int resource, const struct rlimit *want) {
        struct rlimit cur, clamped = *want;
        if (setrlimit(resource, want) == 0)
                return 0;
        if (errno != EPERM || getrlimit(resource, &cur) < 0 || want->rlim_max <= cur.rlim_max)
                return -errno;
        clamped.rlim_max = cur.rlim_max;
        if (clamped.rlim_cur > clamped.rlim_max)
                clamped.rlim_cur = clamped.rlim_max;
        return setrlimit(resource, &clamped) < 0 ? -errno : 0;
}

static int child_set_rlimits(const ExecParams *p) {
        if (!p->rlimit_set || !p->rlimit)
                return 0;
        for (int i = 0; i < RLIM_NLIMITS; i++)
                if (p->rlimit_set[i]) {
                        int r = child_set_rlimit(i, &p->rlimit[i]);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static int child_set_nice(const ExecParams *p) {
        if (p->nice_set && setpriority(PRIO_PROCESS, 0, p->nice) < 0)
                return -errno;
        return 0;
}

static int child_set_oom_score_adjust(const ExecParams *p) {
        char buf[16], *e = buf + sizeof(buf), *s = e;
        unsigned v;
        ssize_t n;
        int fd, r = 0;

        if (!p->oom_score_adjust_set)
                return 0;

        /* Format by hand: no stdio in the child. */
        v = p->oom_score_adjust < 0 ? 0U - (unsigned) p->oom_score_adjust : (unsigned) p->oom_score_adjust;
        do
                *--s = (char) ('0' + v % 10);
        while ((v /= 10) > 0);
        if (p->oom_score_adjust < 0)
                *--s = '-';

        fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        n = write(fd, s, (size_t) (e - s));
        if (n < 0)
                r = -errno;
        else if (n != e - s)
                r = -EIO;
        safe_close(fd);
        return r;
}

/* IOSchedulingClass=/IOSchedulingPriority= as ioprio_set(2) takes them:
 * class in the top bits, the level (0..7) below. A priority without a class
 * means best-effort, as in systemd; the idle class has no levels. */
static int child_set_ioprio(const ExecParams *p) {
        enum { IOPRIO_WHO_PROCESS_ = 1, IOPRIO_CLASS_SHIFT_ = 13, IOPRIO_CLASS_BE_ = 2, IOPRIO_CLASS_IDLE_ = 3 };
        int cls = p->io_class, prio = p->io_priority;

        if (!p->io_scheduling_set)
                return 0;
        if (cls < 0 || cls > IOPRIO_CLASS_IDLE_ || prio < 0 || prio > 7)
                return -EINVAL;
        if (cls == 0 && prio != 0)
                cls = IOPRIO_CLASS_BE_;
        if (cls == IOPRIO_CLASS_IDLE_)
                prio = 0;
        if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS_, 0, (cls << IOPRIO_CLASS_SHIFT_) | prio) < 0)
                return -errno;
        return 0;
}

/* CPUSchedulingPolicy=/CPUSchedulingPriority=: the priority counts only for
 * the real-time policies (clamped into their range), the others take 0. */
static int child_set_scheduler(const ExecParams *p) {
        struct sched_param sp = {};
        int policy = p->cpu_policy;

        if (!p->cpu_scheduling_set)
                return 0;
        if (policy == SCHED_FIFO || policy == SCHED_RR) {
                int lo = sched_get_priority_min(policy), hi = sched_get_priority_max(policy);
                sp.sched_priority = p->cpu_priority < lo ? lo : p->cpu_priority > hi ? hi : p->cpu_priority;
        }
        if (p->cpu_reset_on_fork)
                policy |= SCHED_RESET_ON_FORK;
        if (sched_setscheduler(0, policy, &sp) < 0)
                return -errno;
        return 0;
}

static int child_setup_process(const ExecParams *p, int *report_fd, ExecStep *ret_step) {
        int r = child_arrange_fds(p, report_fd, ret_step);
        if (r < 0)
                return r;

        CHILD_STEP(ret_step, EXEC_STEP_SIGNAL_MASK, child_reset_signals(p->ignore_sigpipe, p->signals_default));
        if (p->new_session)
                CHILD_STEP(ret_step, EXEC_STEP_SETSID, setsid() < 0 ? -errno : 0);
        CHILD_STEP(ret_step, EXEC_STEP_LIMITS, child_set_rlimits(p));
        CHILD_STEP(ret_step, EXEC_STEP_NICE, child_set_nice(p));
        CHILD_STEP(ret_step, EXEC_STEP_OOM_ADJUST, child_set_oom_score_adjust(p));
        CHILD_STEP(ret_step, EXEC_STEP_IOPRIO, child_set_ioprio(p));
        CHILD_STEP(ret_step, EXEC_STEP_SETSCHEDULER, child_set_scheduler(p));
        (void) umask(p->umask);
        return 0;
}

/* ---- credentials ---- */

static int child_copy(char *dst, size_t size, const char *src) {
        size_t l = strlen(src);
        if (l >= size)
                return -ENAMETOOLONG;
        memcpy(dst, src, l + 1);
        return 0;
}

static int child_lookup_user(const char *user, ChildCreds *c) {
        struct passwd *pw;
        unsigned id;
        int r;

        errno = 0;
        if (child_parse_id(user, &id) == 0) {
                pw = getpwuid((uid_t) id);
                if (!pw) {
                        /* A numeric uid need not have an entry. */
                        c->uid = (uid_t) id;
                        c->gid = (gid_t) id;
                        c->set_uid = c->set_gid = true;
                        return 0;
                }
        } else {
                pw = getpwnam(user);
                if (!pw)
                        return errno_or(-ESRCH);
        }

        c->uid = pw->pw_uid;
        c->gid = pw->pw_gid;
        c->set_uid = c->set_gid = true;
        r = child_copy(c->home, sizeof(c->home), strempty(pw->pw_dir));
        if (r < 0)
                return r;
        return child_copy(c->name, sizeof(c->name), pw->pw_name);
}

static int child_lookup_group(const char *group, gid_t *ret) {
        struct group *gr;
        unsigned id;

        if (child_parse_id(group, &id) == 0) {
                *ret = (gid_t) id;
                return 0;
        }
        errno = 0;
        gr = getgrnam(group);
        if (!gr)
                return errno_or(-ESRCH);
        *ret = gr->gr_gid;
        return 0;
}

/* With User=, the user's groups (as initgroups() would set them) plus
 * SupplementaryGroups=; without, the current groups plus those. */
static int child_lookup_groups(const ExecParams *p, ChildCreds *c) {
        if (c->name[0]) {
                int n = EXEC_GROUPS_MAX;
                if (getgrouplist(c->name, c->gid, c->groups, &n) < 0)
                        return -E2BIG;
                c->n_groups = (size_t) n;
                c->set_groups = true;
        } else if (p->supplementary_groups && p->supplementary_groups[0]) {
                int n = getgroups(EXEC_GROUPS_MAX, c->groups);
                if (n < 0)
                        return -errno;
                c->n_groups = (size_t) n;
                c->set_groups = true;
        } else if (c->set_uid) {
                /* Numeric uid without passwd entry: only its gid. */
                c->groups[0] = c->gid;
                c->n_groups = 1;
                c->set_groups = true;
        }

        for (char *const *g = p->supplementary_groups; g && *g; g++) {
                if (c->n_groups >= EXEC_GROUPS_MAX)
                        return -E2BIG;
                int r = child_lookup_group(*g, &c->groups[c->n_groups]);
                if (r < 0)
                        return r;
                c->n_groups++;
                c->set_groups = true;
        }
        return 0;
}

static int child_lookup_creds(const ExecParams *p, ChildCreds *c, ExecStep *ret_step) {
        if (p->user)
                CHILD_STEP(ret_step, EXEC_STEP_USER, child_lookup_user(p->user, c));
        if (p->group) {
                CHILD_STEP(ret_step, EXEC_STEP_GROUP, child_lookup_group(p->group, &c->gid));
                c->set_gid = true;
        }
        CHILD_STEP(ret_step, EXEC_STEP_GROUP, child_lookup_groups(p, c));
        return 0;
}

static int child_chroot(const char *root) {
        if (chroot(root) < 0 || chdir("/") < 0)
                return -errno;
        return 0;
}

static int child_set_groups(const ChildCreds *c) {
        if (c->set_groups && setgroups(c->n_groups, c->groups) < 0)
                return -errno;
        if (c->set_gid && setresgid(c->gid, c->gid, c->gid) < 0)
                return -errno;
        return 0;
}

static int child_set_user(const ChildCreds *c) {
        if (!c->set_uid)
                return 0;
        if (setresuid(c->uid, c->uid, c->uid) < 0)
                return -errno;
        if (c->uid != 0) {
                /* Privileges dropped for good? setuid(0)/setgid(0) must
                 * fail now. */
                if (setuid(0) == 0)
                        return -EPERM;
                if (c->gid != 0 && setgid(0) == 0)
                        return -EPERM;
        }
        return 0;
}

static int child_chdir(const ExecParams *p, const ChildCreds *c) {
        const char *wd = p->working_directory ? p->working_directory : "/";

        if (streq(wd, "~"))
                wd = c->home[0] ? c->home : "/";
        if (chdir(wd) == 0)
                return 0;
        if (errno == ENOENT && p->working_directory_missing_ok)
                return chdir("/") < 0 ? -errno : 0;
        return -errno;
}

static int child_setup_identity(const ExecParams *p, ChildCreds *c, ExecStep *ret_step) {
        int r = child_lookup_creds(p, c, ret_step);
        if (r < 0)
                return r;
        if (p->root_directory)
                CHILD_STEP(ret_step, EXEC_STEP_CHROOT, child_chroot(p->root_directory));
        CHILD_STEP(ret_step, EXEC_STEP_GROUP, child_set_groups(c));
        CHILD_STEP(ret_step, EXEC_STEP_USER, child_set_user(c));
        if (p->no_new_privileges)
                CHILD_STEP(ret_step, EXEC_STEP_NO_NEW_PRIVILEGES,
                           prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0);
        CHILD_STEP(ret_step, EXEC_STEP_CHDIR, child_chdir(p, c));
        return 0;
}

/* ---- exec ---- */

static const char *child_env_path(char *const *envp) {
        for (char *const *e = envp; e && *e; e++)
                if (strncmp(*e, "PATH=", 5) == 0)
                        return *e + 5;
        return DEFAULT_PATH;
}

/* execve(), searching PATH from envp when path has no '/' (like
 * execvpe(): remember EACCES, keep looking on ENOENT-like errors). Returns
 * only on failure. */
static int child_execve(const char *path, char *const *argv, char *const *envp) {
        char buf[PATH_MAX];
        bool eacces = false;
        size_t nl = strlen(path);

        if (strchr(path, '/')) {
                execve(path, argv, envp);
                return -errno;
        }
        if (nl == 0)
                return -ENOENT;

        for (const char *d = child_env_path(envp); ; ) {
                const char *end = strchrnul(d, ':');
                size_t dl = (size_t) (end - d);

                if (dl > 0 && dl + 1 + nl < sizeof(buf)) {
                        memcpy(buf, d, dl);
                        buf[dl] = '/';
                        memcpy(buf + dl + 1, path, nl + 1);
                        execve(buf, argv, envp);
                        if (errno == EACCES)
                                eacces = true;
                        else if (errno != ENOENT && errno != ENOTDIR && errno != ESTALE &&
                                 errno != ENODEV && errno != ETIMEDOUT)
                                return -errno;
                }
                if (*end == '\0')
                        break;
                d = end + 1;
        }
        return eacces ? -EACCES : -ENOENT;
}

/* WATCHDOG_PID= and LISTEN_PID= name the process itself, known only after
 * the fork: overwrite the padded value in place (no allocation). */
static void child_fill_pid(char *const *envp, const char *prefix) {
        size_t plen = strlen(prefix);
        char digits[16];
        size_t n = 0;
        for (pid_t pid = getpid(); pid > 0 && n < sizeof digits; pid /= 10)
                digits[n++] = (char) ('0' + pid % 10);
        for (char *const *e = envp; e && *e; e++) {
                if (strncmp(*e, prefix, plen) != 0)
                        continue;
                char *v = *e + plen;
                if (strlen(v) < n)
                        return;
                for (size_t i = 0; i < n; i++)
                        v[i] = digits[n - 1 - i];
                v[n] = '\0';
                return;
        }
}

static _Noreturn void child_fail(int report_fd, ExecStep step, int error) {
        ExecReport rec = { .step = (int32_t) step, .error = error > 0 ? error : EIO };
        ssize_t n;

        do
                n = write(report_fd, &rec, sizeof(rec));
        while (n < 0 && errno == EINTR);
        _exit(exec_step_exit_status(step));
}

_Noreturn void exec_child(const ExecParams *p, int report_fd) {
        ChildCreds creds = {};
        ExecStep step = EXEC_STEP_NONE;
        int r;

        /* Before anything can fork: every descendant starts inside. */
        if (p->cgroup_set && p->cgroup_fd >= 0) {
                int procs = openat(p->cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
                if (procs < 0 || write(procs, "0", 1) < 0)
                        child_fail(report_fd, EXEC_STEP_CGROUP, errno);
                close(procs);
        }
        r = child_setup_process(p, &report_fd, &step);
        if (r < 0)
                child_fail(report_fd, step, -r);
        r = child_setup_identity(p, &creds, &step);
        if (r < 0)
                child_fail(report_fd, step, -r);

        if (p->set_watchdog_pid)
                child_fill_pid(p->envp, "WATCHDOG_PID=");
        if (p->set_listen_pid)
                child_fill_pid(p->envp, "LISTEN_PID=");
        r = child_execve(p->path, p->argv, p->envp);
        child_fail(report_fd, EXEC_STEP_EXEC, -r);
}
