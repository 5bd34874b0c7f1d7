/* notifyd.c — a small daemon speaking systemd's readiness protocol through
 * libsystemd's sd_notify(), for test_notify.py. Built by the test with
 * `cc -o notifyd notifyd.c -lsystemd`.
 *
 *   notifyd OUTDIR [extend]
 *
 * Writes OUTDIR/notifyd.pid, then READY=1 with a STATUS=. With "extend" it
 * first spends 3 s starting up, sending EXTEND_TIMEOUT_USEC=1500000 every
 * 0.5 s. SIGHUP: RELOADING=1, OUTDIR/reloading, waits for OUTDIR/reload-go,
 * then READY=1 and STATUS=reloaded N. If the watchdog is on
 * (sd_watchdog_enabled), writes OUTDIR/watchdog (WATCHDOG_USEC and
 * WATCHDOG_PID as seen) and pings every quarter interval until SIGUSR2.
 * SIGTERM: STOPPING=1, exit 0. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

static volatile sig_atomic_t got_hup, got_term, got_usr2;

static void on_signal(int sig) {
        if (sig == SIGHUP)
                got_hup = 1;
        else if (sig == SIGTERM)
                got_term = 1;
        else if (sig == SIGUSR2)
                got_usr2 = 1;
}

static void write_file(const char *dir, const char *name, const char *text) {
        char path[4096], tmp[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
        FILE *f = fopen(tmp, "w");
        if (!f)
                return;
        fputs(text, f);
        fclose(f);
        rename(tmp, path);
}

static int file_exists(const char *dir, const char *name) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        return access(path, F_OK) == 0;
}

static void sleep_ms(long ms) {
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
}

int main(int argc, char **argv) {
        if (argc < 2)
                return 2;
        const char *out = argv[1];
        char buf[256];
        struct sigaction sa = { .sa_handler = on_signal };
        sigaction(SIGHUP, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGUSR2, &sa, NULL);

        snprintf(buf, sizeof buf, "%d\n", (int) getpid());
        write_file(out, "notifyd.pid", buf);

        uint64_t wd = 0;
        int wd_on = sd_watchdog_enabled(0, &wd) > 0;
        if (wd_on) {
                const char *pid = getenv("WATCHDOG_PID");
                snprintf(buf, sizeof buf, "%llu %s\n", (unsigned long long) wd, pid ? pid : "-");
                write_file(out, "watchdog", buf);
        }

        if (argc > 2 && strcmp(argv[2], "extend") == 0)
                for (int i = 0; i < 6; i++) {
                        sd_notify(0, "EXTEND_TIMEOUT_USEC=1500000");
                        sleep_ms(500);
                }

        sd_notifyf(0, "READY=1\nSTATUS=serving as %d", (int) getpid());
        unsigned reloads = 0;
        long step = wd_on ? (long) (wd / 4000) : 50;
        if (step < 10 || step > 50)
                step = step < 10 ? 10 : 50;
        for (;;) {
                if (got_term) {
                        sd_notify(0, "STOPPING=1\nSTATUS=stopping");
                        return 0;
                }
                if (got_hup) {
                        got_hup = 0;
                        sd_notify(0, "RELOADING=1\nSTATUS=reloading");
                        write_file(out, "reloading", "1\n");
                        for (int i = 0; i < 1000 && !file_exists(out, "reload-go"); i++) {
                                if (wd_on && !got_usr2)
                                        sd_notify(0, "WATCHDOG=1");
                                sleep_ms(10);
                        }
                        snprintf(buf, sizeof buf, "READY=1\nSTATUS=reloaded %u", ++reloads);
                        sd_notify(0, buf);
                        snprintf(buf, sizeof buf, "%u\n", reloads);
                        write_file(out, "reloaded", buf);
                }
                if (wd_on && !got_usr2)
                        sd_notify(0, "WATCHDOG=1");
                sleep_ms(step);
        }
}
