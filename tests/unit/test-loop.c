/* test-loop.c — the event loop: io, timers (and that nothing is armed when
 * nothing is due), signals, child reaping by pid, orphans, deferred work,
 * freeing a source from its own callback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/loop.h"
#include "lib/timespan.h"

static int counter;

static void io_cb(LoopSource *s, int fd, uint32_t events, void *userdata) {
        char buf[16];
        (void) !read(fd, buf, sizeof buf);
        counter++;
        /* A source may free itself inside its callback. */
        loop_source_free(s);
}

static void test_io_and_self_free(void **state) {
        Loop *l;
        int p[2];
        assert_int_equal(loop_new(&l), 0);
        assert_int_equal(pipe(p), 0);
        LoopSource *s;
        assert_int_equal(loop_add_io(l, p[0], EPOLLIN, io_cb, NULL, &s), 0);
        counter = 0;
        assert_int_equal(write(p[1], "x", 1), 1);
        assert_true(loop_iterate(l, 1000 * USEC_PER_MSEC) >= 1);
        assert_int_equal(counter, 1);
        /* Freed: more data does not call back again. */
        assert_int_equal(write(p[1], "y", 1), 1);
        loop_iterate(l, 10 * USEC_PER_MSEC);
        assert_int_equal(counter, 1);
        close(p[0]);
        close(p[1]);
        loop_free(l);
}

static usec_t fired_at[3];
static int fired;

static void time_cb(LoopSource *s, usec_t now, void *userdata) {
        fired_at[(intptr_t) userdata] = now;
        fired++;
}

static void test_timers_fire_in_order(void **state) {
        Loop *l;
        LoopSource *a, *b, *c;
        assert_int_equal(loop_new(&l), 0);
        usec_t now = now_monotonic();
        fired = 0;
        assert_int_equal(loop_add_time(l, now + 30 * USEC_PER_MSEC, time_cb, (void *) 2, &c), 0);
        assert_int_equal(loop_add_time(l, now + 10 * USEC_PER_MSEC, time_cb, (void *) 0, &a), 0);
        assert_int_equal(loop_add_time(l, now + 20 * USEC_PER_MSEC, time_cb, (void *) 1, &b), 0);
        usec_t deadline = now + 2 * USEC_PER_SEC;
        while (fired < 3 && now_monotonic() < deadline)
                loop_iterate(l, 100 * USEC_PER_MSEC);
        assert_int_equal(fired, 3);
        assert_true(fired_at[0] >= now + 10 * USEC_PER_MSEC);
        assert_true(fired_at[0] <= fired_at[1]);
        assert_true(fired_at[1] <= fired_at[2]);
        loop_source_free(a);
        loop_source_free(b);
        loop_source_free(c);
        loop_free(l);
}

static void test_disarmed_timer_never_fires(void **state) {
        Loop *l;
        LoopSource *a;
        assert_int_equal(loop_new(&l), 0);
        fired = 0;
        assert_int_equal(loop_add_time(l, now_monotonic() + 5 * USEC_PER_MSEC, time_cb, (void *) 0, &a), 0);
        assert_int_equal(loop_time_set(a, USEC_INFINITY), 0);
        /* Nothing armed: an iteration with a timeout returns with no events. */
        assert_int_equal(loop_iterate(l, 30 * USEC_PER_MSEC), 0);
        assert_int_equal(fired, 0);
        /* A deadline in the past fires at once. */
        assert_int_equal(loop_time_set(a, 1), 0);
        assert_true(loop_iterate(l, 1000 * USEC_PER_MSEC) >= 1);
        assert_int_equal(fired, 1);
        loop_source_free(a);
        loop_free(l);
}

static int got_signal;

static void signal_cb(LoopSource *s, const struct signalfd_siginfo *si, void *userdata) {
        got_signal = (int) si->ssi_signo;
}

static void test_signal(void **state) {
        Loop *l;
        LoopSource *s;
        assert_int_equal(loop_new(&l), 0);
        assert_int_equal(loop_add_signal(l, SIGUSR2, signal_cb, NULL, &s), 0);
        assert_int_equal(loop_add_signal(l, SIGUSR2, signal_cb, NULL, &s), -EBUSY);
        got_signal = 0;
        kill(getpid(), SIGUSR2);
        usec_t deadline = now_monotonic() + 2 * USEC_PER_SEC;
        while (!got_signal && now_monotonic() < deadline)
                loop_iterate(l, 100 * USEC_PER_MSEC);
        assert_int_equal(got_signal, SIGUSR2);
        loop_source_free(s);
        loop_free(l);
}

static int child_status = -1, orphans;

static void child_cb(LoopSource *s, const siginfo_t *si, void *userdata) {
        child_status = si->si_status;
}

static void orphan_cb(const siginfo_t *si, void *userdata) {
        orphans++;
}

static void test_children_and_orphans(void **state) {
        Loop *l;
        LoopSource *s;
        assert_int_equal(loop_new(&l), 0);
        loop_set_orphan_handler(l, orphan_cb, NULL);
        pid_t watched = fork();
        if (watched == 0)
                _exit(7);
        pid_t unwatched = fork();
        if (unwatched == 0)
                _exit(0);
        assert_int_equal(loop_add_child(l, watched, child_cb, NULL, &s), 0);
        child_status = -1;
        orphans = 0;
        usec_t deadline = now_monotonic() + 3 * USEC_PER_SEC;
        while ((child_status < 0 || orphans < 1) && now_monotonic() < deadline)
                loop_iterate(l, 100 * USEC_PER_MSEC);
        assert_int_equal(child_status, 7);
        assert_int_equal(orphans, 1);
        /* Both are reaped: no zombie is left. */
        assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
        loop_source_free(s);
        loop_free(l);
}

static int deferred;

static void defer_cb(LoopSource *s, void *userdata) {
        deferred++;
        if (deferred < 3)
                loop_defer_enable(s); /* re-armed work runs in the same pass */
}

static void test_defer(void **state) {
        Loop *l;
        LoopSource *s;
        assert_int_equal(loop_new(&l), 0);
        deferred = 0;
        assert_int_equal(loop_add_defer(l, defer_cb, NULL, &s), 0);
        loop_iterate(l, 0);
        assert_int_equal(deferred, 3);
        loop_iterate(l, 0);
        assert_int_equal(deferred, 3);
        loop_source_free(s);
        loop_free(l);
}

/* What an event makes due now runs in the same iteration: a timer armed
 * for "now" (RestartSec=0), then the post work, once, after everything. */
static char order[16];
static size_t n_order;
static LoopSource *post_src, *now_timer;

static void order_post_cb(LoopSource *s, void *userdata) {
        order[n_order++] = 'p';
}

static void order_timer_cb(LoopSource *s, usec_t now, void *userdata) {
        order[n_order++] = 't';
        loop_defer_enable(post_src);
        /* re-armed for now: runs again in the next iteration, not in a spin */
        loop_time_set(s, now);
}

static void order_io_cb(LoopSource *s, int fd, uint32_t events, void *userdata) {
        char buf[16];
        (void) !read(fd, buf, sizeof buf);
        order[n_order++] = 'i';
        loop_defer_enable(post_src);
        loop_time_set(now_timer, now_monotonic());
}

static void test_due_now_and_post(void **state) {
        Loop *l;
        LoopSource *io;
        int p[2];
        assert_int_equal(loop_new(&l), 0);
        assert_int_equal(pipe(p), 0);
        assert_int_equal(loop_add_io(l, p[0], EPOLLIN, order_io_cb, NULL, &io), 0);
        assert_int_equal(loop_add_post(l, order_post_cb, NULL, &post_src), 0);
        assert_int_equal(loop_add_time(l, USEC_INFINITY, order_timer_cb, NULL, &now_timer), 0);
        /* created disabled: nothing to do */
        n_order = 0;
        assert_int_equal(loop_iterate(l, 0), 0);
        assert_int_equal(n_order, 0);
        assert_int_equal(write(p[1], "x", 1), 1);
        assert_int_equal(loop_iterate(l, 1000 * USEC_PER_MSEC), 1);
        assert_int_equal(n_order, 3);
        assert_memory_equal(order, "itp", 3);
        /* the re-armed timer: once per iteration */
        loop_iterate(l, 1000 * USEC_PER_MSEC);
        assert_int_equal(n_order, 5);
        assert_memory_equal(order + 3, "tp", 2);
        loop_time_set(now_timer, USEC_INFINITY);
        loop_source_free(io);
        loop_source_free(post_src);
        loop_source_free(now_timer);
        close(p[0]);
        close(p[1]);
        loop_free(l);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_io_and_self_free),
                cmocka_unit_test(test_timers_fire_in_order),
                cmocka_unit_test(test_disarmed_timer_never_fires),
                cmocka_unit_test(test_signal),
                cmocka_unit_test(test_children_and_orphans),
                cmocka_unit_test(test_defer),
                cmocka_unit_test(test_due_now_and_post),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
