#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <time.h>

#include "timespan.h"

typedef enum SourceType {
        SOURCE_IO,
        SOURCE_TIME,
        SOURCE_SIGNAL,
        SOURCE_CHILD,
        SOURCE_DEFER,
        SOURCE_PIDFD,
} SourceType;

struct LoopSource {
        SourceType type; /* first: epoll data.ptr points at sources */
        Loop *loop;
        void *userdata;
        bool dead;
        LoopSource *next_dead;
        union {
                struct {
                        int fd;
                        loop_io_cb cb;
                } io;
                struct {
                        usec_t when;
                        loop_time_cb cb;
                        LoopSource *prev, *next; /* armed list, sorted by when */
                        uint64_t fired_in;       /* iteration it last ran in */
                } time;
                struct {
                        int sig;
                        loop_signal_cb cb;
                } signal;
                struct {
                        pid_t pid;
                        loop_child_cb cb;
                        LoopSource *next; /* hash chain */
                } child;
                struct {
                        int fd;
                        pid_t pid;
                        loop_child_cb cb;
                } pidfd;
                struct {
                        loop_defer_cb cb;
                        bool pending;
                        bool post;        /* after all other work */
                        LoopSource *next; /* pending list */
                } defer;
        };
};

#define CHILD_BUCKETS 1024
#define LOOP_P_PIDFD 3 /* waitid() idtype, Linux 5.4 */

/* Internal epoll markers: their data.ptr points at these tags. */
static SourceType marker_signalfd = SOURCE_SIGNAL;
static SourceType marker_timerfd = SOURCE_TIME;

struct Loop {
        int epoll_fd;
        int signal_fd;
        int timer_fd;
        sigset_t signals;
        LoopSource *signal_sources[_NSIG];
        LoopSource *timers;             /* armed timers, earliest first */
        usec_t timer_armed_for;         /* USEC_INFINITY: disarmed */
        LoopSource *children[CHILD_BUCKETS];
        size_t n_children;
        LoopSource *defer_head, *defer_tail;
        LoopSource *post_head, *post_tail;
        LoopSource *dead;               /* freed at the end of the iteration */
        loop_orphan_cb orphan_cb;
        void *orphan_userdata;
        bool exiting;
        int exit_code;
        uint64_t wakeups;
        uint64_t iteration;
};

int loop_new(Loop **ret) {
        Loop *l = calloc(1, sizeof(Loop));
        if (!l)
                return -ENOMEM;
        l->signal_fd = l->timer_fd = -1;
        l->timer_armed_for = USEC_INFINITY;
        sigemptyset(&l->signals);
        l->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (l->epoll_fd < 0)
                goto fail;
        l->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (l->timer_fd < 0)
                goto fail;
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &marker_timerfd };
        if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, l->timer_fd, &ev) < 0)
                goto fail;
        *ret = l;
        return 0;
fail:;
        int r = negative_errno();
        loop_free(l);
        return r;
}

static void source_release(LoopSource *s) {
        free(s);
}

static void loop_free_dead(Loop *l) {
        while (l->dead) {
                LoopSource *s = l->dead;
                l->dead = s->next_dead;
                source_release(s);
        }
}

Loop *loop_free(Loop *l) {
        if (!l)
                return NULL;
        for (int i = 0; i < _NSIG; i++)
                loop_source_free(l->signal_sources[i]);
        while (l->timers)
                loop_source_free(l->timers);
        for (size_t i = 0; i < CHILD_BUCKETS; i++)
                while (l->children[i])
                        loop_source_free(l->children[i]);
        while (l->defer_head)
                loop_source_free(l->defer_head);
        while (l->post_head)
                loop_source_free(l->post_head);
        loop_free_dead(l);
        safe_close(l->signal_fd);
        safe_close(l->timer_fd);
        safe_close(l->epoll_fd);
        free(l);
        return NULL;
}

static LoopSource *source_new(Loop *l, SourceType type, void *userdata) {
        LoopSource *s = calloc(1, sizeof(LoopSource));
        if (!s)
                return NULL;
        s->type = type;
        s->loop = l;
        s->userdata = userdata;
        return s;
}

int loop_add_io(Loop *l, int fd, uint32_t events, loop_io_cb cb, void *userdata, LoopSource **ret) {
        LoopSource *s = source_new(l, SOURCE_IO, userdata);
        if (!s)
                return -ENOMEM;
        s->io.fd = fd;
        s->io.cb = cb;
        struct epoll_event ev = { .events = events, .data.ptr = s };
        if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
                int r = negative_errno();
                free(s);
                return r;
        }
        *ret = s;
        return 0;
}

int loop_io_set_events(LoopSource *s, uint32_t events) {
        struct epoll_event ev = { .events = events, .data.ptr = s };
        if (epoll_ctl(s->loop->epoll_fd, EPOLL_CTL_MOD, s->io.fd, &ev) < 0)
                return negative_errno();
        return 0;
}

/* Timers: a list sorted by deadline. Due ones run in the iteration that
 * finds them due; the timerfd is armed for the head just before the loop
 * sleeps, so a deadline that comes and goes within an iteration (a restart
 * with RestartSec=0) costs no system call. */
static void loop_rearm_timerfd(Loop *l) {
        usec_t want = l->timers ? l->timers->time.when : USEC_INFINITY;
        if (want == l->timer_armed_for)
                return;
        struct itimerspec its = {};
        if (want != USEC_INFINITY) {
                /* 0 would disarm; a deadline in the past fires at once. */
                usec_t w = want ? want : 1;
                its.it_value.tv_sec = (time_t) (w / USEC_PER_SEC);
                its.it_value.tv_nsec = (long) (w % USEC_PER_SEC) * 1000;
        }
        if (timerfd_settime(l->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
                l->timer_armed_for = want;
}

static void timer_unlink(LoopSource *s) {
        Loop *l = s->loop;
        if (s->time.prev)
                s->time.prev->time.next = s->time.next;
        else if (l->timers == s)
                l->timers = s->time.next;
        if (s->time.next)
                s->time.next->time.prev = s->time.prev;
        s->time.prev = s->time.next = NULL;
}

static void timer_link(LoopSource *s) {
        Loop *l = s->loop;
        LoopSource **p = &l->timers, *prev = NULL;
        while (*p && (*p)->time.when <= s->time.when) {
                prev = *p;
                p = &(*p)->time.next;
        }
        s->time.next = *p;
        s->time.prev = prev;
        if (*p)
                (*p)->time.prev = s;
        *p = s;
}

int loop_time_set(LoopSource *s, usec_t when) {
        timer_unlink(s);
        s->time.when = when;
        if (when != USEC_INFINITY)
                timer_link(s);
        return 0;
}

int loop_add_time(Loop *l, usec_t when, loop_time_cb cb, void *userdata, LoopSource **ret) {
        LoopSource *s = source_new(l, SOURCE_TIME, userdata);
        if (!s)
                return -ENOMEM;
        s->time.cb = cb;
        s->time.when = USEC_INFINITY;
        loop_time_set(s, when);
        *ret = s;
        return 0;
}

static int loop_update_signalfd(Loop *l) {
        int fd = signalfd(l->signal_fd, &l->signals, SFD_CLOEXEC | SFD_NONBLOCK);
        if (fd < 0)
                return negative_errno();
        if (l->signal_fd < 0) {
                struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &marker_signalfd };
                if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
                        int r = negative_errno();
                        close(fd);
                        return r;
                }
                l->signal_fd = fd;
        }
        return 0;
}

static int loop_watch_signal(Loop *l, int sig) {
        if (sigismember(&l->signals, sig))
                return 0;
        sigset_t one;
        sigemptyset(&one);
        sigaddset(&one, sig);
        if (sigprocmask(SIG_BLOCK, &one, NULL) < 0)
                return negative_errno();
        sigaddset(&l->signals, sig);
        return loop_update_signalfd(l);
}

int loop_add_signal(Loop *l, int sig, loop_signal_cb cb, void *userdata, LoopSource **ret) {
        if (sig <= 0 || sig >= _NSIG || sig == SIGCHLD)
                return -EINVAL;
        if (l->signal_sources[sig])
                return -EBUSY;
        int r = loop_watch_signal(l, sig);
        if (r < 0)
                return r;
        LoopSource *s = source_new(l, SOURCE_SIGNAL, userdata);
        if (!s)
                return -ENOMEM;
        s->signal.sig = sig;
        s->signal.cb = cb;
        l->signal_sources[sig] = s;
        *ret = s;
        return 0;
}

static LoopSource **child_slot(Loop *l, pid_t pid) {
        LoopSource **p = &l->children[(unsigned) pid % CHILD_BUCKETS];
        while (*p && (*p)->child.pid != pid)
                p = &(*p)->child.next;
        return p;
}

int loop_add_child(Loop *l, pid_t pid, loop_child_cb cb, void *userdata, LoopSource **ret) {
        if (pid <= 0)
                return -EINVAL;
        int r = loop_watch_signal(l, SIGCHLD);
        if (r < 0)
                return r;
        LoopSource **slot = child_slot(l, pid);
        if (*slot)
                return -EBUSY;
        LoopSource *s = source_new(l, SOURCE_CHILD, userdata);
        if (!s)
                return -ENOMEM;
        s->child.pid = pid;
        s->child.cb = cb;
        *slot = s;
        l->n_children++;
        *ret = s;
        return 0;
}

void loop_set_orphan_handler(Loop *l, loop_orphan_cb cb, void *userdata) {
        l->orphan_cb = cb;
        l->orphan_userdata = userdata;
        (void) loop_watch_signal(l, SIGCHLD);
}

static int add_defer(Loop *l, bool post, bool enable, loop_defer_cb cb, void *userdata, LoopSource **ret) {
        LoopSource *s = source_new(l, SOURCE_DEFER, userdata);
        if (!s)
                return -ENOMEM;
        s->defer.cb = cb;
        s->defer.post = post;
        *ret = s;
        if (enable)
                loop_defer_enable(s);
        return 0;
}

int loop_add_defer(Loop *l, loop_defer_cb cb, void *userdata, LoopSource **ret) {
        return add_defer(l, false, true, cb, userdata, ret);
}

int loop_add_post(Loop *l, loop_defer_cb cb, void *userdata, LoopSource **ret) {
        return add_defer(l, true, false, cb, userdata, ret);
}

static LoopSource **queue_head(LoopSource *s) {
        return s->defer.post ? &s->loop->post_head : &s->loop->defer_head;
}

static LoopSource **queue_tail(LoopSource *s) {
        return s->defer.post ? &s->loop->post_tail : &s->loop->defer_tail;
}

void loop_defer_enable(LoopSource *s) {
        if (s->defer.pending || s->dead)
                return;
        LoopSource **head = queue_head(s), **tail = queue_tail(s);
        s->defer.pending = true;
        s->defer.next = NULL;
        if (*tail)
                (*tail)->defer.next = s;
        else
                *head = s;
        *tail = s;
}

static void defer_unlink(LoopSource *s) {
        if (!s->defer.pending)
                return;
        LoopSource **p = queue_head(s), **tail = queue_tail(s), *prev = NULL;
        while (*p && *p != s) {
                prev = *p;
                p = &(*p)->defer.next;
        }
        if (*p)
                *p = s->defer.next;
        if (*tail == s)
                *tail = prev;
        s->defer.pending = false;
}

LoopSource *loop_source_free(LoopSource *s) {
        if (!s || s->dead)
                return NULL;
        Loop *l = s->loop;
        switch (s->type) {
        case SOURCE_IO:
                (void) epoll_ctl(l->epoll_fd, EPOLL_CTL_DEL, s->io.fd, NULL);
                break;
        case SOURCE_TIME:
                timer_unlink(s);
                break;
        case SOURCE_SIGNAL:
                l->signal_sources[s->signal.sig] = NULL;
                break;
        case SOURCE_CHILD: {
                LoopSource **slot = child_slot(l, s->child.pid);
                if (*slot == s) {
                        *slot = s->child.next;
                        l->n_children--;
                }
                break;
        }
        case SOURCE_DEFER:
                defer_unlink(s);
                break;
        case SOURCE_PIDFD:
                if (s->pidfd.fd >= 0)
                        (void) epoll_ctl(l->epoll_fd, EPOLL_CTL_DEL, s->pidfd.fd, NULL);
                break;
        }
        s->dead = true;
        s->next_dead = l->dead;
        l->dead = s;
        return NULL;
}

static void loop_timerfd_fired(Loop *l) {
        uint64_t expirations;
        (void) read(l->timer_fd, &expirations, sizeof expirations);
        l->timer_armed_for = USEC_INFINITY; /* fired: re-armed before the next sleep */
}

/* Runs the timers due now; returns whether any ran. Due timers are disarmed
 * before their callback, which may re-arm; one that already ran in this
 * iteration waits for the next, so a timer re-armed for "now" cannot spin. */
static bool loop_dispatch_due_timers(Loop *l) {
        usec_t now = now_monotonic();
        bool ran = false;
        while (l->timers && l->timers->time.when <= now && l->timers->time.fired_in != l->iteration) {
                LoopSource *s = l->timers;
                timer_unlink(s);
                s->time.when = USEC_INFINITY;
                s->time.fired_in = l->iteration;
                s->time.cb(s, now, s->userdata);
                ran = true;
        }
        return ran;
}

static void loop_reap_children(Loop *l) {
        for (;;) {
                siginfo_t si = {};
                if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
                        return;
                LoopSource **slot = child_slot(l, si.si_pid);
                LoopSource *s = *slot;
                if (s) {
                        *slot = s->child.next;
                        l->n_children--;
                        s->child.next = NULL;
                        /* The watch ends with the exit; the owner still frees the handle. */
                        s->child.pid = 0;
                        s->child.cb(s, &si, s->userdata);
                } else if (l->orphan_cb)
                        l->orphan_cb(&si, l->orphan_userdata);
        }
}

static void loop_dispatch_signals(Loop *l) {
        struct signalfd_siginfo si;
        bool chld = false;
        while (read(l->signal_fd, &si, sizeof si) == (ssize_t) sizeof si) {
                if (si.ssi_signo == SIGCHLD) {
                        chld = true;
                        continue;
                }
                LoopSource *s = si.ssi_signo < _NSIG ? l->signal_sources[si.ssi_signo] : NULL;
                if (s && !s->dead)
                        s->signal.cb(s, &si, s->userdata);
        }
        if (chld)
                loop_reap_children(l);
}

static bool loop_dispatch_queue(LoopSource **head, LoopSource **tail) {
        bool ran = false;
        /* Work deferred while running deferred work runs in this pass too. */
        while (*head) {
                LoopSource *s = *head;
                *head = s->defer.next;
                if (!*head)
                        *tail = NULL;
                s->defer.pending = false;
                s->defer.cb(s, s->userdata);
                ran = true;
        }
        return ran;
}

/* After the events: deferred work and due timers until neither is left,
 * then the post work, which may start it all again. */
static void loop_settle(Loop *l) {
        for (;;) {
                (void) loop_dispatch_queue(&l->defer_head, &l->defer_tail);
                if (loop_dispatch_due_timers(l))
                        continue;
                if (!loop_dispatch_queue(&l->post_head, &l->post_tail))
                        return;
        }
}

int loop_add_pidfd(Loop *l, int pidfd, pid_t pid, loop_child_cb cb, void *userdata, LoopSource **ret) {
        if (pidfd < 0 || pid <= 0)
                return -EINVAL;
        LoopSource *s = source_new(l, SOURCE_PIDFD, userdata);
        if (!s)
                return -ENOMEM;
        s->pidfd.fd = pidfd;
        s->pidfd.pid = pid;
        s->pidfd.cb = cb;
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s };
        if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, pidfd, &ev) < 0) {
                int r = negative_errno();
                free(s);
                return r;
        }
        *ret = s;
        return 0;
}

/* The process is gone. If it is our child after all, the status is real;
 * otherwise its parent reaps it and we only know that it ended. */
static void loop_dispatch_pidfd(LoopSource *s) {
        Loop *l = s->loop;
        siginfo_t si = {};
        int fd = s->pidfd.fd;
        (void) epoll_ctl(l->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
        s->pidfd.fd = -1;
        if (waitid((idtype_t) LOOP_P_PIDFD, (id_t) fd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0) {
                si.si_signo = SIGCHLD;
                si.si_code = CLD_EXITED;
                si.si_status = 0;
                si.si_pid = s->pidfd.pid;
        }
        s->pidfd.cb(s, &si, s->userdata);
}

static int timeout_ms(Loop *l, usec_t timeout) {
        if (l->defer_head || l->post_head)
                return 0;
        if (timeout == USEC_INFINITY)
                return -1;
        usec_t ms = (timeout + USEC_PER_MSEC - 1) / USEC_PER_MSEC;
        return ms > 60 * 60 * 1000 ? 60 * 60 * 1000 : (int) ms;
}

int loop_iterate(Loop *l, usec_t timeout) {
        struct epoll_event events[64];
        loop_rearm_timerfd(l);
        int n = epoll_wait(l->epoll_fd, events, (int) ELEMENTSOF(events), timeout_ms(l, timeout));
        if (n < 0)
                return errno == EINTR ? 0 : negative_errno();
        l->wakeups++;
        l->iteration++;
        for (int i = 0; i < n; i++) {
                void *p = events[i].data.ptr;
                if (p == &marker_timerfd)
                        loop_timerfd_fired(l);
                else if (p == &marker_signalfd)
                        loop_dispatch_signals(l);
                else {
                        LoopSource *s = p;
                        if (s->dead)
                                continue;
                        if (s->type == SOURCE_PIDFD)
                                loop_dispatch_pidfd(s);
                        else
                                s->io.cb(s, s->io.fd, events[i].events, s->userdata);
                }
        }
        loop_settle(l);
        loop_free_dead(l);
        return n;
}

int loop_run(Loop *l) {
        while (!l->exiting) {
                int r = loop_iterate(l, USEC_INFINITY);
                if (r < 0)
                        return r;
        }
        return l->exit_code;
}

void loop_exit(Loop *l, int code) {
        l->exiting = true;
        l->exit_code = code;
}

uint64_t loop_wakeups(const Loop *l) {
        return l->wakeups;
}
