/* timespan.c — time spans, sizes, booleans and signal names as systemd
 * spells them (systemd.time(7)). */
#include "timespan.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <strings.h>
#include <time.h>

typedef struct UnitMultiplier {
        const char *suffix;
        uint64_t mult;
} UnitMultiplier;

static const UnitMultiplier time_units[] = {
        { "usec", 1 },
        { "us", 1 },
        { "\xc2\xb5s", 1 }, /* µs */
        { "msec", USEC_PER_MSEC },
        { "ms", USEC_PER_MSEC },
        { "seconds", USEC_PER_SEC },
        { "second", USEC_PER_SEC },
        { "sec", USEC_PER_SEC },
        { "s", USEC_PER_SEC },
        { "minutes", USEC_PER_MINUTE },
        { "minute", USEC_PER_MINUTE },
        { "min", USEC_PER_MINUTE },
        { "m", USEC_PER_MINUTE },
        { "hours", USEC_PER_HOUR },
        { "hour", USEC_PER_HOUR },
        { "hr", USEC_PER_HOUR },
        { "h", USEC_PER_HOUR },
        { "days", USEC_PER_DAY },
        { "day", USEC_PER_DAY },
        { "d", USEC_PER_DAY },
        { "weeks", 7 * USEC_PER_DAY },
        { "week", 7 * USEC_PER_DAY },
        { "w", 7 * USEC_PER_DAY },
        { "months", 2629800 * USEC_PER_SEC }, /* 30.44 days */
        { "month", 2629800 * USEC_PER_SEC },
        { "M", 2629800 * USEC_PER_SEC },
        { "years", 31557600 * USEC_PER_SEC }, /* 365.25 days */
        { "year", 31557600 * USEC_PER_SEC },
        { "y", 31557600 * USEC_PER_SEC },
};

static const UnitMultiplier size_units[] = {
        { "B", 1 },
        { "K", 1ULL << 10 },
        { "M", 1ULL << 20 },
        { "G", 1ULL << 30 },
        { "T", 1ULL << 40 },
        { "P", 1ULL << 50 },
        { "E", 1ULL << 60 },
};

static bool is_ws(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_unit_char(char c) {
        return isalpha((unsigned char) c) || c == '\xc2' || c == '\xb5';
}

/* Matches the whole run of letters at *p against the table; 0 for "no unit". */
static int match_unit(const char **p, const UnitMultiplier *tbl, size_t n, uint64_t *ret) {
        const char *e = *p;
        while (is_unit_char(*e))
                e++;
        size_t l = (size_t) (e - *p);
        if (l == 0) {
                *ret = 0;
                return 0;
        }
        for (size_t i = 0; i < n; i++)
                if (strlen(tbl[i].suffix) == l && memcmp(tbl[i].suffix, *p, l) == 0) {
                        *ret = tbl[i].mult;
                        *p = e;
                        return 0;
                }
        return -EINVAL;
}

/* One "<number>[.<fraction>] [unit]" component, added to *total. */
static int parse_component(const char **p, const UnitMultiplier *tbl, size_t n, uint64_t default_mult,
                           uint64_t *total) {
        const char *s = *p;
        uint64_t whole = 0;
        bool digits = false;
        for (; isdigit((unsigned char) *s); s++, digits = true) {
                if (whole > (UINT64_MAX - 9) / 10)
                        return -ERANGE;
                whole = whole * 10 + (uint64_t) (*s - '0');
        }
        const char *frac = NULL, *frac_end = NULL;
        if (*s == '.') {
                frac = ++s;
                while (isdigit((unsigned char) *s))
                        s++;
                frac_end = s;
                digits = digits || frac_end > frac;
        }
        if (!digits)
                return -EINVAL;
        while (is_ws(*s))
                s++;
        uint64_t mult;
        int r = match_unit(&s, tbl, n, &mult);
        if (r < 0)
                return r;
        bool unitless = mult == 0;
        if (unitless)
                mult = default_mult;
        if (mult != 0 && whole > UINT64_MAX / mult)
                return -ERANGE;
        uint64_t v = whole * mult, frac_val = 0, frac_div = 1;
        for (const char *f = frac; f && f < frac_end && frac_div < 1000000000000000000ULL; f++) {
                frac_val = frac_val * 10 + (uint64_t) (*f - '0');
                frac_div *= 10;
        }
        unsigned __int128 fv = (unsigned __int128) frac_val * mult / frac_div;
        if (fv > UINT64_MAX - v)
                return -ERANGE;
        v += (uint64_t) fv;
        if (unitless && *s && !is_ws(*s))
                return -EINVAL; /* "1.2.3s": a bare number must end the component */
        if (v > UINT64_MAX - 1 - *total)
                return -ERANGE;
        *total += v;
        *p = s;
        return 0;
}

static int parse_with_units(const char *s, const UnitMultiplier *tbl, size_t n, uint64_t default_mult,
                            uint64_t *ret) {
        while (is_ws(*s))
                s++;
        const char *e = s + strlen(s);
        while (e > s && is_ws(e[-1]))
                e--;
        if ((size_t) (e - s) == strlen("infinity") && strncmp(s, "infinity", 8) == 0) {
                *ret = UINT64_MAX;
                return 0;
        }
        uint64_t total = 0;
        bool any = false;
        for (;;) {
                while (is_ws(*s))
                        s++;
                if (!*s)
                        break;
                int r = parse_component(&s, tbl, n, default_mult, &total);
                if (r < 0)
                        return r;
                any = true;
        }
        if (!any)
                return -EINVAL;
        *ret = total;
        return 0;
}

int parse_timespan(const char *s, usec_t default_unit, usec_t *ret) {
        if (!s)
                return -EINVAL;
        return parse_with_units(s, time_units, ELEMENTSOF(time_units), default_unit, ret);
}

int parse_size(const char *s, uint64_t *ret) {
        if (!s)
                return -EINVAL;
        return parse_with_units(s, size_units, ELEMENTSOF(size_units), 1, ret);
}

int parse_boolean(const char *s) {
        static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
        static const char *const no[] = { "0", "no", "n", "false", "f", "off" };
        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(s, yes[i]) == 0)
                        return 1;
                if (strcasecmp(s, no[i]) == 0)
                        return 0;
        }
        return -EINVAL;
}

static const char *const signal_names[] = {
        [SIGHUP] = "SIGHUP",       [SIGINT] = "SIGINT",       [SIGQUIT] = "SIGQUIT",
        [SIGILL] = "SIGILL",       [SIGTRAP] = "SIGTRAP",     [SIGABRT] = "SIGABRT",
        [SIGBUS] = "SIGBUS",       [SIGFPE] = "SIGFPE",       [SIGKILL] = "SIGKILL",
        [SIGUSR1] = "SIGUSR1",     [SIGSEGV] = "SIGSEGV",     [SIGUSR2] = "SIGUSR2",
        [SIGPIPE] = "SIGPIPE",     [SIGALRM] = "SIGALRM",     [SIGTERM] = "SIGTERM",
        [SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD",     [SIGCONT] = "SIGCONT",
        [SIGSTOP] = "SIGSTOP",     [SIGTSTP] = "SIGTSTP",     [SIGTTIN] = "SIGTTIN",
        [SIGTTOU] = "SIGTTOU",     [SIGURG] = "SIGURG",       [SIGXCPU] = "SIGXCPU",
        [SIGXFSZ] = "SIGXFSZ",     [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
        [SIGWINCH] = "SIGWINCH",   [SIGIO] = "SIGIO",         [SIGPWR] = "SIGPWR",
        [SIGSYS] = "SIGSYS",
};

const char *signal_to_string(int sig) {
        if (sig > 0 && (size_t) sig < ELEMENTSOF(signal_names) && signal_names[sig])
                return signal_names[sig];
        if (sig == SIGRTMIN)
                return "SIGRTMIN";
        if (sig == SIGRTMAX)
                return "SIGRTMAX";
        return NULL;
}

static int parse_small_uint(const char *s, int max) {
        int v = 0;
        if (!*s)
                return -EINVAL;
        for (; *s; s++) {
                if (!isdigit((unsigned char) *s))
                        return -EINVAL;
                v = v * 10 + (*s - '0');
                if (v > max)
                        return -ERANGE;
        }
        return v;
}

/* "RTMIN", "RTMIN+3", "RTMAX-2" (name without "SIG"). */
static int parse_rt_signal(const char *s) {
        const char *p;
        int base, sign, off = 0;
        if ((p = startswith(s, "RTMIN")))
                base = SIGRTMIN, sign = 1;
        else if ((p = startswith(s, "RTMAX")))
                base = SIGRTMAX, sign = -1;
        else
                return -EINVAL;
        if (*p) {
                if (*p != (sign > 0 ? '+' : '-'))
                        return -EINVAL;
                off = parse_small_uint(p + 1, SIGRTMAX - SIGRTMIN);
                if (off < 0)
                        return -EINVAL;
        }
        return base + sign * off;
}

int parse_signal(const char *s) {
        if (!s || !*s)
                return -EINVAL;
        if (isdigit((unsigned char) *s)) {
                int v = parse_small_uint(s, SIGRTMAX);
                return v >= 1 ? v : -EINVAL;
        }
        const char *name = startswith(s, "SIG") ? s + 3 : s;
        for (size_t i = 1; i < ELEMENTSOF(signal_names); i++)
                if (signal_names[i] && streq(signal_names[i] + 3, name))
                        return (int) i;
        if (streq(name, "IOT"))
                return SIGABRT;
        if (streq(name, "POLL"))
                return SIGIO;
        return parse_rt_signal(name);
}

char *format_timespan(char *buf, size_t size, usec_t t) {
        static const UnitMultiplier parts[] = {
                { "y", 31557600 * USEC_PER_SEC }, { "month", 2629800 * USEC_PER_SEC },
                { "w", 7 * USEC_PER_DAY },         { "d", USEC_PER_DAY },
                { "h", USEC_PER_HOUR },            { "min", USEC_PER_MINUTE },
                { "s", USEC_PER_SEC },             { "ms", USEC_PER_MSEC },
                { "us", 1 },
        };
        if (!buf || size == 0)
                return buf;
        if (t == USEC_INFINITY) {
                snprintf(buf, size, "infinity");
                return buf;
        }
        if (t == 0) {
                snprintf(buf, size, "0");
                return buf;
        }
        size_t off = 0;
        buf[0] = 0;
        for (size_t i = 0; i < ELEMENTSOF(parts) && t > 0 && off < size; i++) {
                uint64_t n = t / parts[i].mult;
                if (n == 0)
                        continue;
                t -= n * parts[i].mult;
                int k = snprintf(buf + off, size - off, "%s%llu%s", off ? " " : "", (unsigned long long) n,
                                 parts[i].suffix);
                if (k < 0)
                        break;
                off += (size_t) k;
        }
        return buf;
}

static usec_t now_clock(clockid_t id) {
        struct timespec ts;
        if (clock_gettime(id, &ts) < 0)
                return 0;
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

usec_t now_monotonic(void) {
        return now_clock(CLOCK_MONOTONIC);
}

usec_t now_realtime(void) {
        return now_clock(CLOCK_REALTIME);
}
