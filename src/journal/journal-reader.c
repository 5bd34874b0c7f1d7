/* journal-reader.c — queries over a directory of journal files, newest
 * file first when only the last entries are wanted; per-unit chains so a
 * unit's entries are read without reading the others; following new
 * entries with inotify. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "journal-def.h"

typedef struct ReaderFile {
        JournalFileInfo info;
        JournalMapped m;
        bool opened, failed;
} ReaderFile;

struct JournalReader {
        char *dir;
        ReaderFile *files;
        size_t n;
        /* where a follow continues */
        size_t follow_file;
        uint64_t follow_off;
        bool follow_set;
        int inotify_fd;
};

typedef struct Hit {
        uint32_t file;
        uint64_t off;
} Hit;

typedef struct HitVec {
        Hit *a;
        size_t n, cap;
} HitVec;

static int hits_push(HitVec *v, uint32_t file, uint64_t off) {
        if (v->n == v->cap) {
                size_t cap = v->cap ? v->cap * 2 : 256;
                Hit *a = realloc(v->a, cap * sizeof *a);
                if (!a)
                        return -ENOMEM;
                v->a = a;
                v->cap = cap;
        }
        v->a[v->n++] = (Hit) { file, off };
        return 0;
}

void journal_filter_init(JournalFilter *f) {
        *f = (JournalFilter) { .prio_min = 0, .prio_max = 7, .since = 0, .until = UINT64_MAX };
}

static int reader_load_list(JournalReader *r) {
        JournalFileInfo *a;
        size_t n;
        int k = journal_dir_list(r->dir, &a, &n);
        if (k < 0)
                return k;
        /* Keep what is open; add new files (names only grow). */
        ReaderFile *files = calloc(n ? n : 1, sizeof *files);
        if (!files) {
                journal_file_info_free(a, n);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                files[i].info = a[i];
                files[i].m.fd = -1;
                for (size_t j = 0; j < r->n; j++)
                        if (r->files[j].info.first_seqnum == a[i].first_seqnum && r->files[j].opened) {
                                files[i].m = r->files[j].m;
                                files[i].opened = true;
                                r->files[j].opened = false;
                                r->files[j].m.fd = -1;
                                r->files[j].m.map = NULL;
                                r->files[j].m.units = NULL;
                                r->files[j].m.n_units = 0;
                                r->files[j].m.path = NULL;
                        }
        }
        /* The follow position moves with its file. */
        if (r->follow_set && r->follow_file < r->n) {
                uint64_t seq = r->files[r->follow_file].info.first_seqnum;
                size_t to = 0;
                for (size_t i = 0; i < n; i++)
                        if (a[i].first_seqnum <= seq)
                                to = i;
                if (to < n && a[to].first_seqnum != seq)
                        r->follow_off = 0;
                r->follow_file = to;
        }
        for (size_t j = 0; j < r->n; j++) {
                if (r->files[j].opened)
                        journal_mapped_close(&r->files[j].m);
                free(r->files[j].info.path);
        }
        free(r->files);
        free(a); /* the paths moved into files */
        r->files = files;
        r->n = n;
        return 0;
}

int journal_reader_open(const char *dir, JournalReader **ret) {
        JournalReader *r = calloc(1, sizeof *r);
        if (!r)
                return -ENOMEM;
        r->inotify_fd = -1;
        r->dir = strdup(dir);
        int k = r->dir ? reader_load_list(r) : -ENOMEM;
        if (k < 0) {
                journal_reader_free(r);
                return k;
        }
        *ret = r;
        return 0;
}

int journal_reader_refresh(JournalReader *r) {
        int k = reader_load_list(r);
        if (k < 0)
                return k;
        for (size_t i = 0; i < r->n; i++) {
                ReaderFile *f = &r->files[i];
                if (!f->opened || f->m.has_tail)
                        continue;
                k = journal_mapped_refresh(&f->m);
                JournalHeader h;
                if (k >= 0 && f->m.map)
                        memcpy(&h, f->m.map, sizeof h);
                /* Closed since (it has a tail now), or unreadable: open it
                 * again when a query gets there. */
                if (k < 0 || (f->m.map && h.tail_offset)) {
                        journal_mapped_close(&f->m);
                        f->opened = false;
                }
        }
        return 0;
}

void journal_reader_trim(JournalReader *r) {
        for (size_t i = 0; i + 1 < r->n; i++)
                if (r->files[i].opened) {
                        journal_mapped_close(&r->files[i].m);
                        r->files[i].opened = false;
                }
}

JournalReader *journal_reader_free(JournalReader *r) {
        if (!r)
                return NULL;
        for (size_t i = 0; i < r->n; i++) {
                if (r->files[i].opened)
                        journal_mapped_close(&r->files[i].m);
                free(r->files[i].info.path);
        }
        free(r->files);
        if (r->inotify_fd >= 0)
                close(r->inotify_fd);
        free(r->dir);
        free(r);
        return NULL;
}

static JournalMapped *reader_file(JournalReader *r, size_t i) {
        ReaderFile *f = &r->files[i];
        if (f->failed)
                return NULL;
        if (!f->opened) {
                if (journal_mapped_open(f->info.path, &f->m) < 0) {
                        f->failed = true;
                        return NULL;
                }
                f->opened = true;
        }
        if (!f->m.map || !f->m.header_ok)
                return NULL;
        return &f->m;
}

static bool entry_unit_in(const JournalEntry *e, char **units) {
        for (char **u = units; *u; u++)
                if (strlen(*u) == e->unit_len && memcmp(*u, e->unit, e->unit_len) == 0)
                        return true;
        return false;
}

static bool entry_matches(const JournalEntry *e, const JournalFilter *f, bool check_units) {
        if (e->priority < f->prio_min || e->priority > f->prio_max)
                return false;
        if (e->realtime < f->since || e->realtime > f->until)
                return false;
        if (f->boot && memcmp(e->boot_id, f->boot_id, 16) != 0)
                return false;
        if (f->uid_only && e->uid != f->uid)
                return false;
        if (check_units && f->units && !entry_unit_in(e, f->units))
                return false;
        if (f->grep) {
                regmatch_t m = { .rm_so = 0, .rm_eo = (regoff_t) e->message_len };
                if (regexec(f->grep, e->message, 1, &m, REG_STARTEND) != 0)
                        return false;
        }
        return true;
}

/* Every match in the file by a forward scan that skips damage; newest
 * first into out, at most cap. */
static int file_scan_forward(JournalMapped *m, uint32_t fi, const JournalFilter *f, uint64_t cap, HitVec *out) {
        HitVec tmp = {};
        uint64_t off = JOURNAL_HEADER_SIZE;
        int r = 0;
        while (off + sizeof(JournalRecord) <= m->end) {
                JournalEntry e;
                uint64_t size;
                if (journal_record_parse(m->map, m->end, off, &e, NULL, &size) < 0) {
                        off = journal_record_resync(m->map, m->end, off + 8);
                        if (!off)
                                break;
                        continue;
                }
                if (entry_matches(&e, f, true) && (r = hits_push(&tmp, fi, off)) < 0)
                        break;
                off += size;
        }
        for (size_t i = tmp.n; r >= 0 && i > 0 && (uint64_t) (tmp.n - i) < cap; i--)
                r = hits_push(out, fi, tmp.a[i - 1].off);
        free(tmp.a);
        return r;
}

static int hit_cmp_desc(const void *a, const void *b) {
        const Hit *x = a, *y = b;
        return x->off > y->off ? -1 : x->off < y->off;
}

static bool same_file_name(const char *a, const char *b) {
        const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
        return strcmp(sa ? sa + 1 : a, sb ? sb + 1 : b) == 0;
}

/* Matches of one file, newest first, at most cap, appended to out. */
static int file_collect(JournalMapped *m, uint32_t fi, const JournalFilter *f, uint64_t cap, HitVec *out) {
        if (m->has_tail && m->first_realtime &&
            (m->last_realtime < f->since || m->first_realtime > f->until))
                return 0;
        size_t start_n = out->n;
        if (f->units) {
                bool active = !m->has_tail && f->active_path && same_file_name(m->path, f->active_path);
                for (char **u = f->units; *u; u++) {
                        size_t len = strlen(*u), before = out->n;
                        uint64_t off = active ? f->active_unit_last[u - f->units] : journal_mapped_unit_last(m, *u);
                        uint64_t n = 0;
                        while (off && n < cap) {
                                JournalEntry e;
                                uint64_t prev;
                                if (journal_record_parse(m->map, m->end, off, &e, &prev, NULL) < 0 ||
                                    e.unit_len != len || memcmp(e.unit, *u, len) != 0)
                                        goto fallback;
                                if (e.realtime < f->since)
                                        break;
                                if (entry_matches(&e, f, false)) {
                                        if (hits_push(out, fi, off) < 0)
                                                return -ENOMEM;
                                        n++;
                                }
                                off = prev;
                        }
                        (void) before;
                }
                if (f->units[0] && f->units[1]) {
                        qsort(out->a + start_n, out->n - start_n, sizeof(Hit), hit_cmp_desc);
                        if (out->n - start_n > cap)
                                out->n = start_n + cap;
                }
                return 0;
        }
        uint64_t end = m->end, n = 0;
        while (end > JOURNAL_HEADER_SIZE && n < cap) {
                int64_t s = journal_record_before(m->map, JOURNAL_HEADER_SIZE, end);
                JournalEntry e;
                if (s < 0 || journal_record_parse(m->map, m->end, (uint64_t) s, &e, NULL, NULL) < 0) {
                        /* A torn tail of the active file ends at a partial record. */
                        if (end == m->end && !m->has_tail) {
                                uint64_t off = JOURNAL_HEADER_SIZE, last_end = JOURNAL_HEADER_SIZE, size;
                                bool clean = true;
                                while (off < m->end) {
                                        if (journal_record_parse(m->map, m->end, off, NULL, NULL, &size) < 0) {
                                                clean = journal_record_resync(m->map, m->end, off + 8) == 0;
                                                break;
                                        }
                                        off += size;
                                        last_end = off;
                                }
                                if (clean && last_end < end) {
                                        end = last_end;
                                        continue;
                                }
                        }
                        goto fallback;
                }
                if (e.realtime < f->since)
                        break;
                if (entry_matches(&e, f, false)) {
                        if (hits_push(out, fi, (uint64_t) s) < 0)
                                return -ENOMEM;
                        n++;
                }
                end = (uint64_t) s;
        }
        return 0;
fallback:
        out->n = start_n;
        return file_scan_forward(m, fi, f, cap, out);
}

static int emit(JournalReader *r, const Hit *h, journal_entry_cb cb, void *userdata) {
        JournalMapped *m = &r->files[h->file].m;
        JournalEntry e;
        if (journal_record_parse(m->map, m->end, h->off, &e, NULL, NULL) < 0)
                return 0;
        e.file_index = h->file;
        return cb(&e, userdata);
}

int journal_query(JournalReader *r, const JournalFilter *f, uint64_t limit, bool reverse, journal_entry_cb cb,
                  void *userdata) {
        HitVec v = {};
        int k = 0;
        /* Where a follow starts: the end of the newest file now. */
        r->follow_set = true;
        r->follow_file = r->n ? r->n - 1 : 0;
        r->follow_off = 0;
        if (r->n) {
                JournalMapped *m = reader_file(r, r->n - 1);
                r->follow_off = m ? m->end : 0;
        }
        if (limit || reverse) {
                for (size_t i = r->n; i > 0 && k >= 0; i--) {
                        uint64_t cap = limit ? limit - v.n : UINT64_MAX;
                        if (limit && v.n >= limit)
                                break;
                        JournalMapped *m = reader_file(r, i - 1);
                        if (m)
                                k = file_collect(m, (uint32_t) (i - 1), f, cap, &v);
                        if (m && m->has_tail && m->first_realtime && m->first_realtime < f->since)
                                break; /* older files are older still */
                }
                for (size_t i = 0; k >= 0 && i < v.n; i++)
                        k = emit(r, reverse ? &v.a[i] : &v.a[v.n - 1 - i], cb, userdata);
        } else {
                for (size_t i = 0; i < r->n && k >= 0; i++) {
                        JournalMapped *m = reader_file(r, i);
                        if (!m)
                                continue;
                        v.n = 0;
                        k = file_collect(m, (uint32_t) i, f, UINT64_MAX, &v);
                        for (size_t j = v.n; k >= 0 && j > 0; j--)
                                k = emit(r, &v.a[j - 1], cb, userdata);
                }
        }
        free(v.a);
        return k < 0 ? k : 0;
}

static uint64_t now_mono(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

/* Reads what was appended since the follow position. */
static int follow_drain(JournalReader *r, const JournalFilter *f, journal_entry_cb cb, void *userdata) {
        for (;;) {
                if (r->follow_file >= r->n)
                        return 0;
                ReaderFile *rf = &r->files[r->follow_file];
                JournalMapped *m = reader_file(r, r->follow_file);
                if (m)
                        (void) journal_mapped_refresh(m);
                else if (rf->opened || rf->failed) {
                        /* Just created (no header yet) or unreadable: try again later. */
                        if (rf->opened)
                                journal_mapped_close(&rf->m);
                        rf->opened = rf->failed = false;
                        rf->m.fd = -1;
                        m = reader_file(r, r->follow_file);
                }
                if (m) {
                        if (r->follow_off < JOURNAL_HEADER_SIZE)
                                r->follow_off = JOURNAL_HEADER_SIZE;
                        for (;;) {
                                JournalEntry e;
                                uint64_t size;
                                if (journal_record_parse(m->map, m->end, r->follow_off, &e, NULL, &size) < 0)
                                        break;
                                e.file_index = (unsigned) r->follow_file;
                                if (entry_matches(&e, f, true)) {
                                        int k = cb(&e, userdata);
                                        if (k < 0)
                                                return k;
                                }
                                r->follow_off += size;
                        }
                }
                /* A newer file: this one is done (rotation flushes before it starts the next). */
                if (r->follow_file + 1 < r->n) {
                        r->follow_file++;
                        r->follow_off = JOURNAL_HEADER_SIZE;
                        continue;
                }
                return 0;
        }
}

int journal_follow(JournalReader *r, const JournalFilter *f, uint64_t timeout_usec, journal_entry_cb cb,
                   void *userdata) {
        if (r->inotify_fd < 0) {
                r->inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
                if (r->inotify_fd < 0)
                        return -errno;
                if (inotify_add_watch(r->inotify_fd, r->dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0)
                        return -errno;
        }
        if (!r->follow_set) {
                /* No query before: only what comes from now on. */
                r->follow_set = true;
                r->follow_file = r->n ? r->n - 1 : 0;
                JournalMapped *m = r->n ? reader_file(r, r->n - 1) : NULL;
                r->follow_off = m ? m->end : 0;
        }
        uint64_t deadline = timeout_usec == UINT64_MAX ? UINT64_MAX : now_mono() + timeout_usec;
        int k = follow_drain(r, f, cb, userdata);
        while (k >= 0) {
                int ms = -1;
                if (deadline != UINT64_MAX) {
                        uint64_t now = now_mono();
                        if (now >= deadline)
                                return 0;
                        ms = (int) ((deadline - now + 999) / 1000);
                }
                struct pollfd p = { .fd = r->inotify_fd, .events = POLLIN };
                int n = poll(&p, 1, ms);
                if (n < 0 && errno != EINTR)
                        return -errno;
                if (n <= 0)
                        continue;
                char buf[4096];
                bool created = false;
                ssize_t l;
                while ((l = read(r->inotify_fd, buf, sizeof buf)) > 0)
                        for (char *q = buf; q < buf + l;) {
                                struct inotify_event *ev = (struct inotify_event *) q;
                                if (ev->mask & (IN_CREATE | IN_MOVED_TO))
                                        created = true;
                                q += sizeof *ev + ev->len;
                        }
                if (created && (k = reader_load_list(r)) < 0)
                        return k;
                k = follow_drain(r, f, cb, userdata);
        }
        return k;
}
