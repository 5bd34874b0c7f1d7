/* journal-util.c — boot id, priority and facility names, journalctl's time
 * expressions, the directory listing and its disk budget. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal-def.h"
#include "lib/timespan.h"

static const char *const stream_names[] = { "stdout", "stderr", "syslog", "superd" };

const char *journal_stream_to_string(int s) {
        return s >= 0 && s < _JOURNAL_STREAM_MAX ? stream_names[s] : "unknown";
}

int journal_boot_id(uint8_t ret[16]) {
        memset(ret, 0, 16);
        int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        char buf[64];
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0)
                return -EIO;
        buf[n] = 0;
        size_t k = 0;
        for (char *p = buf; *p && k < 32; p++) {
                if (!isxdigit((unsigned char) *p))
                        continue;
                int v = isdigit((unsigned char) *p) ? *p - '0' : (tolower((unsigned char) *p) - 'a' + 10);
                ret[k / 2] = (uint8_t) (ret[k / 2] | (k % 2 ? v : v << 4));
                k++;
        }
        return k == 32 ? 0 : -EIO;
}

static const char *const prio_names[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };

int journal_priority_from_string(const char *s) {
        if (s[0] >= '0' && s[0] <= '7' && s[1] == 0)
                return s[0] - '0';
        for (int i = 0; i < 8; i++)
                if (strcasecmp(s, prio_names[i]) == 0)
                        return i;
        if (strcasecmp(s, "error") == 0)
                return 3;
        if (strcasecmp(s, "warn") == 0)
                return 4;
        if (strcasecmp(s, "panic") == 0)
                return 0;
        return -EINVAL;
}

const char *journal_priority_to_string(int p) {
        return p >= 0 && p < 8 ? prio_names[p] : "info";
}

int journal_parse_priority_range(const char *s, int *min, int *max) {
        const char *dots = strstr(s, "..");
        if (!dots) {
                int p = journal_priority_from_string(s);
                if (p < 0)
                        return p;
                *min = 0;
                *max = p;
                return 0;
        }
        char a[32], b[32];
        size_t la = (size_t) (dots - s);
        if (la >= sizeof a || strlen(dots + 2) >= sizeof b)
                return -EINVAL;
        memcpy(a, s, la);
        a[la] = 0;
        strcpy(b, dots + 2);
        int pa = la ? journal_priority_from_string(a) : 0;
        int pb = b[0] ? journal_priority_from_string(b) : 7;
        if (pa < 0 || pb < 0)
                return -EINVAL;
        /* journalctl accepts either order. */
        *min = pa < pb ? pa : pb;
        *max = pa < pb ? pb : pa;
        return 0;
}

static const char *const facility_names[] = {
        "kern",   "user",   "mail",   "daemon", "auth",   "syslog", "lpr",    "news",
        "uucp",   "cron",   "authpriv", "ftp",  "ntp",    "security", "console", "solaris-cron",
        "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
};

int journal_facility_from_string(const char *s) {
        for (int i = 0; i < 24; i++)
                if (strcasecmp(s, facility_names[i]) == 0)
                        return i;
        if (strcasecmp(s, "auth-priv") == 0)
                return 10;
        if (isdigit((unsigned char) s[0])) {
                char *end;
                long v = strtol(s, &end, 10);
                if (!*end && v >= 0 && v < 24)
                        return (int) v;
        }
        return -EINVAL;
}

const char *journal_facility_to_string(int f) {
        return f >= 0 && f < 24 ? facility_names[f] : "user";
}

static uint64_t tm_to_usec(struct tm *tm) {
        tm->tm_isdst = -1;
        time_t t = mktime(tm);
        return t < 0 ? 0 : (uint64_t) t * 1000000u;
}

static const char *skip_space(const char *s) {
        while (*s == ' ' || *s == '\t')
                s++;
        return s;
}

/* "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.frac]]", "HH:MM[:SS]" */
static int parse_absolute(const char *s, uint64_t now, uint64_t *ret) {
        struct tm tm;
        time_t nt = (time_t) (now / 1000000u);
        localtime_r(&nt, &tm);
        int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
        const char *p = s;
        if (sscanf(p, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3) {
                p += n;
                tm.tm_year = y - 1900;
                tm.tm_mon = mo - 1;
                tm.tm_mday = d;
                if (mo < 1 || mo > 12 || d < 1 || d > 31)
                        return -EINVAL;
                if (*p == 'T' || *p == ' ')
                        p = skip_space(p + 1);
                else if (*p) {
                        return -EINVAL;
                }
                if (!*p) {
                        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
                        *ret = tm_to_usec(&tm);
                        return 0;
                }
        }
        n = 0;
        if (sscanf(p, "%2d:%2d%n", &h, &mi, &n) != 2)
                return -EINVAL;
        p += n;
        uint64_t frac = 0;
        if (*p == ':') {
                n = 0;
                if (sscanf(p + 1, "%2d%n", &sec, &n) != 1)
                        return -EINVAL;
                p += 1 + n;
                if (*p == '.') {
                        p++;
                        uint64_t scale = 100000;
                        while (isdigit((unsigned char) *p)) {
                                frac += (uint64_t) (*p - '0') * scale;
                                scale /= 10;
                                p++;
                        }
                }
        }
        if (*skip_space(p))
                return -EINVAL;
        if (h > 23 || mi > 59 || sec > 60)
                return -EINVAL;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = sec;
        *ret = tm_to_usec(&tm) + frac;
        return 0;
}

int journal_parse_time(const char *s, uint64_t now, uint64_t *ret) {
        s = skip_space(s);
        size_t len = strlen(s);
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
                len--;
        char buf[128];
        if (len == 0 || len >= sizeof buf)
                return -EINVAL;
        memcpy(buf, s, len);
        buf[len] = 0;
        time_t nt = (time_t) (now / 1000000u);
        struct tm tm;
        localtime_r(&nt, &tm);
        if (strcmp(buf, "now") == 0) {
                *ret = now;
                return 0;
        }
        int day = strcmp(buf, "today") == 0 ? 0 : strcmp(buf, "yesterday") == 0 ? -1 : strcmp(buf, "tomorrow") == 0 ? 1 : 99;
        if (day != 99) {
                tm.tm_mday += day;
                tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
                *ret = tm_to_usec(&tm);
                return 0;
        }
        if (buf[0] == '@') {
                char *end;
                errno = 0;
                double v = strtod(buf + 1, &end);
                if (errno || *end || v < 0 || v > 1e13)
                        return -EINVAL;
                *ret = (uint64_t) (v * 1e6);
                return 0;
        }
        usec_t span;
        if (buf[0] == '-' || buf[0] == '+') {
                if (parse_timespan(buf + 1, USEC_PER_SEC, &span) < 0 || span == USEC_INFINITY)
                        return -EINVAL;
                *ret = buf[0] == '-' ? (span > now ? 0 : now - span) : now + span;
                return 0;
        }
        if (len > 4 && strcmp(buf + len - 4, " ago") == 0) {
                buf[len - 4] = 0;
                if (parse_timespan(buf, USEC_PER_SEC, &span) < 0 || span == USEC_INFINITY)
                        return -EINVAL;
                *ret = span > now ? 0 : now - span;
                return 0;
        }
        if (len > 5 && strcmp(buf + len - 5, " left") == 0) {
                buf[len - 5] = 0;
                if (parse_timespan(buf, USEC_PER_SEC, &span) < 0 || span == USEC_INFINITY)
                        return -EINVAL;
                *ret = now + span;
                return 0;
        }
        return parse_absolute(buf, now, ret);
}

/* ---- the directory ------------------------------------------------------ */

static int info_cmp(const void *a, const void *b) {
        const JournalFileInfo *x = a, *y = b;
        return x->first_seqnum < y->first_seqnum ? -1 : x->first_seqnum > y->first_seqnum;
}

int journal_dir_list(const char *dir, JournalFileInfo **ret, size_t *ret_n) {
        *ret = NULL;
        *ret_n = 0;
        DIR *d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        JournalFileInfo *a = NULL;
        size_t n = 0, cap = 0;
        int r = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                const char *nm = de->d_name;
                size_t l = strlen(nm);
                if (l != 20 || nm[0] != 'j' || strcmp(nm + 17, ".sj") != 0)
                        continue;
                char *end;
                unsigned long long seq = strtoull(nm + 1, &end, 16);
                if (end != nm + 17)
                        continue;
                if (n == cap) {
                        cap = cap ? cap * 2 : 16;
                        JournalFileInfo *na = realloc(a, cap * sizeof *a);
                        if (!na) {
                                r = -ENOMEM;
                                break;
                        }
                        a = na;
                }
                char *path = malloc(strlen(dir) + l + 2);
                if (!path) {
                        r = -ENOMEM;
                        break;
                }
                sprintf(path, "%s/%s", dir, nm);
                struct stat st;
                if (stat(path, &st) < 0) {
                        free(path);
                        continue;
                }
                a[n++] = (JournalFileInfo) {
                        .path = path,
                        .size = (uint64_t) st.st_size,
                        .first_seqnum = seq,
                        .mtime_usec = (uint64_t) st.st_mtim.tv_sec * 1000000u + (uint64_t) st.st_mtim.tv_nsec / 1000u,
                };
        }
        closedir(d);
        if (r < 0) {
                journal_file_info_free(a, n);
                return r;
        }
        if (n > 1)
                qsort(a, n, sizeof *a, info_cmp);
        *ret = a;
        *ret_n = n;
        return 0;
}

void journal_file_info_free(JournalFileInfo *a, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(a[i].path);
        free(a);
}

int journal_disk_usage(const char *dir, uint64_t *ret) {
        JournalFileInfo *a;
        size_t n;
        int r = journal_dir_list(dir, &a, &n);
        if (r < 0)
                return r;
        uint64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
                struct stat st;
                sum += stat(a[i].path, &st) == 0 ? (uint64_t) st.st_blocks * 512u : a[i].size;
        }
        journal_file_info_free(a, n);
        *ret = sum;
        return 0;
}

int journal_vacuum(const char *dir, uint64_t max_use, uint64_t before_realtime, uint64_t *ret_freed) {
        JournalFileInfo *a;
        size_t n;
        int r = journal_dir_list(dir, &a, &n);
        if (r < 0)
                return r;
        uint64_t total = 0, freed = 0;
        for (size_t i = 0; i < n; i++)
                total += a[i].size;
        int removed = 0;
        /* Oldest first; the newest file is the active one and stays. */
        for (size_t i = 0; i + 1 < n; i++) {
                bool too_big = max_use && total > max_use;
                bool too_old = before_realtime && a[i + 1].mtime_usec && a[i].mtime_usec < before_realtime;
                if (!too_big && !too_old)
                        break;
                if (unlink(a[i].path) == 0) {
                        total -= a[i].size;
                        freed += a[i].size;
                        removed++;
                }
        }
        journal_file_info_free(a, n);
        if (ret_freed)
                *ret_freed = freed;
        return removed;
}
