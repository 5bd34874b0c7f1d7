/* journal-writer.c — appending entries: a buffer flushed with one write(2),
 * per-unit chains, rotation with a tail record, the disk budget. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crc32c.h"
#include "journal-def.h"
#include "lib/hashmap.h"
#include "lib/strbuf.h"

#define WRITER_BUFFER_MAX (512u * 1024u)

typedef struct WriterUnit {
        char *name;
        uint64_t last, committed;  /* last: including buffered entries */
        uint32_t count, committed_count;
        bool dirty;
        struct WriterUnit *next_dirty;
} WriterUnit;

struct JournalWriter {
        char *dir;
        JournalWriterConfig config;
        int fd;
        char *path;
        uint64_t file_size;       /* bytes on disk (complete entries) */
        uint64_t file_entries;
        uint64_t tail_bytes;      /* size the tail record will have */
        uint64_t first_realtime, last_realtime, committed_last_realtime;
        uint64_t seqnum;          /* next */
        uint64_t committed_seqnum;
        uint8_t boot_id[16];
        StrBuf buf;
        size_t buf_entries;
        Hashmap units;            /* name -> WriterUnit (current file) */
        WriterUnit *dirty;
        bool unsynced;
        uint64_t lost;
        uint64_t stat_entries, stat_bytes;
};

void journal_writer_config_defaults(JournalWriterConfig *c) {
        *c = (JournalWriterConfig) {
                .max_file_size = 64ull << 20,
                .max_use = 1ull << 30,
                .mode = 0640,
                .gid = (gid_t) -1,
        };
}

static uint64_t now_usec(clockid_t id) {
        struct timespec ts;
        clock_gettime(id, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

static int mkdir_parents(const char *path, mode_t mode) {
        char buf[4096];
        if (strlen(path) >= sizeof buf)
                return -ENAMETOOLONG;
        strcpy(buf, path);
        for (char *p = buf + 1; *p; p++)
                if (*p == '/') {
                        *p = 0;
                        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                                return -errno;
                        *p = '/';
                }
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

static void writer_units_clear(JournalWriter *w) {
        const char *k;
        void *v;
        for (size_t i = 0; hashmap_next(&w->units, &i, &k, &v);) {
                WriterUnit *u = v;
                free(u->name);
                free(u);
        }
        hashmap_done(&w->units);
        w->dirty = NULL;
        w->tail_bytes = sizeof(JournalTailRecord) + sizeof(JournalTrailer);
}

static WriterUnit *writer_unit(JournalWriter *w, const char *name, size_t len) {
        char key[256];
        memcpy(key, name, len);
        key[len] = 0;
        WriterUnit *u = hashmap_get(&w->units, key);
        if (u)
                return u;
        u = calloc(1, sizeof *u);
        if (!u || !(u->name = strdup(key)) || hashmap_put(&w->units, u->name, u) < 0) {
                if (u)
                        free(u->name);
                free(u);
                return NULL;
        }
        w->tail_bytes += sizeof(JournalTailUnit) + ALIGN8(len);
        return u;
}

static int writer_create_file(JournalWriter *w) {
        char name[64];
        snprintf(name, sizeof name, "/j%016llx.sj", (unsigned long long) w->seqnum);
        free(w->path);
        w->path = malloc(strlen(w->dir) + sizeof name);
        if (!w->path)
                return -ENOMEM;
        strcpy(w->path, w->dir);
        strcat(w->path, name);
        int fd = open(w->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, w->config.mode);
        if (fd < 0 && errno == EEXIST) {
                /* A leftover with our name (a crash right after creating it): replace it. */
                (void) unlink(w->path);
                fd = open(w->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, w->config.mode);
        }
        if (fd < 0)
                return -errno;
        if (w->config.gid != (gid_t) -1)
                (void) !fchown(fd, (uid_t) -1, w->config.gid);
        JournalHeader h;
        journal_header_init(&h, w->seqnum, w->boot_id);
        if (write(fd, &h, sizeof h) != (ssize_t) sizeof h) {
                int r = errno ? -errno : -EIO;
                close(fd);
                (void) unlink(w->path);
                return r;
        }
        w->fd = fd;
        w->file_size = sizeof h;
        w->file_entries = 0;
        w->first_realtime = w->last_realtime = w->committed_last_realtime = 0;
        writer_units_clear(w);
        /* Make the new name durable. */
        int dfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
                (void) fsync(dfd);
                close(dfd);
        }
        return 0;
}

/* Opens the newest file for appending: checks every record, cuts a torn
 * tail, rebuilds the unit chains' ends. Returns 1 if it can be appended to,
 * 0 if a new file is needed (closed, damaged in the middle, foreign). */
static int writer_resume(JournalWriter *w, const char *path) {
        JournalMapped f;
        int r = journal_mapped_open(path, &f);
        if (r < 0)
                return 0;
        if (!f.map || !f.header_ok) {
                /* A header that never made it: nothing in it. */
                bool empty = !f.map || f.size <= JOURNAL_HEADER_SIZE;
                journal_mapped_close(&f);
                if (empty)
                        (void) unlink(path);
                return 0;
        }
        if (f.header.tail_offset) {
                /* Closed (or its tail damaged): learn the sequence number, start anew. */
                uint64_t off = JOURNAL_HEADER_SIZE, size;
                JournalEntry e;
                uint64_t lim = f.has_tail ? f.end : f.size;
                while ((off = journal_record_resync(f.map, lim, off)) &&
                       journal_record_parse(f.map, lim, off, &e, NULL, &size) == 0) {
                        if (e.seqnum >= w->seqnum)
                                w->seqnum = e.seqnum + 1;
                        off += size;
                }
                journal_mapped_close(&f);
                return 0;
        }
        uint64_t off = JOURNAL_HEADER_SIZE, size;
        JournalEntry e;
        while (off < f.size && journal_record_parse(f.map, f.size, off, &e, NULL, &size) == 0) {
                WriterUnit *u = writer_unit(w, e.unit, e.unit_len);
                if (u) {
                        u->last = u->committed = off;
                        u->count = ++u->committed_count;
                }
                if (!w->first_realtime)
                        w->first_realtime = e.realtime;
                w->last_realtime = w->committed_last_realtime = e.realtime;
                if (e.seqnum >= w->seqnum)
                        w->seqnum = e.seqnum + 1;
                w->file_entries++;
                off += size;
        }
        bool damaged_middle = off < f.size && journal_record_resync(f.map, f.size, off) != 0;
        uint64_t file_size = f.size;
        journal_mapped_close(&f);
        if (damaged_middle) {
                /* Keep every byte for the readers (they skip the damage); write elsewhere. */
                writer_units_clear(w);
                return 0;
        }
        int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                writer_units_clear(w);
                return 0;
        }
        if (off < file_size || file_size % 8) {
                /* A torn tail from a crash: cut it off. */
                if (ftruncate(fd, (off_t) off) < 0) {
                        close(fd);
                        writer_units_clear(w);
                        return 0;
                }
        }
        if (lseek(fd, (off_t) off, SEEK_SET) < 0) {
                close(fd);
                writer_units_clear(w);
                return 0;
        }
        w->fd = fd;
        w->file_size = off;
        free(w->path);
        w->path = strdup(path);
        return 1;
}

int journal_writer_open(const char *dir, const JournalWriterConfig *c, JournalWriter **ret) {
        JournalWriter *w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->fd = -1;
        w->tail_bytes = sizeof(JournalTailRecord) + sizeof(JournalTrailer);
        if (c)
                w->config = *c;
        else
                journal_writer_config_defaults(&w->config);
        if (w->config.max_file_size < 64 * 1024)
                w->config.max_file_size = 64 * 1024;
        w->seqnum = 1;
        (void) journal_boot_id(w->boot_id);
        w->dir = strdup(dir);
        int r = w->dir ? mkdir_parents(dir, 02755) : -ENOMEM;
        if (r < 0)
                goto fail;
        JournalFileInfo *files = NULL;
        size_t n = 0;
        r = journal_dir_list(dir, &files, &n);
        if (r < 0)
                goto fail;
        for (size_t i = 0; i < n; i++)
                if (files[i].first_seqnum >= w->seqnum)
                        w->seqnum = files[i].first_seqnum + 1;
        r = n > 0 ? writer_resume(w, files[n - 1].path) : 0;
        journal_file_info_free(files, n);
        if (r == 0)
                r = writer_create_file(w);
        if (r < 0)
                goto fail;
        w->committed_seqnum = w->seqnum;
        (void) journal_vacuum(w->dir, w->config.max_use, 0, NULL);
        *ret = w;
        return 0;
fail:
        journal_writer_close(w);
        return r;
}

static void writer_commit(JournalWriter *w, bool ok) {
        for (WriterUnit *u = w->dirty, *next; u; u = next) {
                next = u->next_dirty;
                if (ok) {
                        u->committed = u->last;
                        u->committed_count = u->count;
                } else {
                        u->last = u->committed;
                        u->count = u->committed_count;
                }
                u->dirty = false;
                u->next_dirty = NULL;
        }
        w->dirty = NULL;
        if (ok) {
                w->committed_seqnum = w->seqnum;
                w->committed_last_realtime = w->last_realtime;
        } else {
                w->seqnum = w->committed_seqnum;
                w->last_realtime = w->committed_last_realtime;
        }
}

int journal_writer_flush(JournalWriter *w) {
        if (!w || w->buf.len == 0)
                return 0;
        if (w->fd < 0) {
                /* No file (a rotation failed): try to start one now. */
                int r = writer_create_file(w);
                if (r < 0) {
                        w->lost += w->buf_entries;
                        strbuf_reset(&w->buf);
                        w->buf_entries = 0;
                        writer_commit(w, false);
                        return r;
                }
        }
        size_t done = 0;
        int r = 0;
        while (done < w->buf.len) {
                ssize_t k = write(w->fd, w->buf.data + done, w->buf.len - done);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0) {
                        r = k < 0 ? -errno : -EIO;
                        break;
                }
                done += (size_t) k;
        }
        if (r < 0) {
                /* Cut back to the last complete entry; the batch is lost. */
                if (ftruncate(w->fd, (off_t) w->file_size) < 0 ||
                    lseek(w->fd, (off_t) w->file_size, SEEK_SET) < 0) {
                        close(w->fd);
                        w->fd = -1;
                }
                w->lost += w->buf_entries;
                writer_commit(w, false);
        } else {
                w->file_size += w->buf.len;
                w->file_entries += w->buf_entries;
                w->stat_entries += w->buf_entries;
                w->stat_bytes += w->buf.len;
                w->unsynced = true;
                writer_commit(w, true);
        }
        strbuf_reset(&w->buf);
        w->buf_entries = 0;
        return r;
}

const char *journal_writer_path(const JournalWriter *w) {
        return w->path;
}

uint64_t journal_writer_unit_last(JournalWriter *w, const char *unit) {
        const WriterUnit *u = hashmap_get(&w->units, unit);
        return u ? u->committed : 0;
}

static int writer_write_tail(JournalWriter *w) {
        StrBuf b = {};
        JournalTailRecord t = {
                .magic = JOURNAL_TAIL_MAGIC,
                .n_units = (uint32_t) w->units.n,
                .n_entries = w->file_entries,
                .first_realtime = w->first_realtime,
                .last_realtime = w->last_realtime,
                .last_seqnum = w->seqnum ? w->seqnum - 1 : 0,
        };
        strbuf_append(&b, &t, sizeof t);
        const char *k;
        void *v;
        for (size_t i = 0; hashmap_next(&w->units, &i, &k, &v);) {
                WriterUnit *u = v;
                size_t len = strlen(u->name);
                JournalTailUnit tu = { .last_offset = u->last, .count = u->count, .name_len = (uint16_t) len };
                static const char zero[8];
                strbuf_append(&b, &tu, sizeof tu);
                strbuf_append(&b, u->name, len);
                strbuf_append(&b, zero, ALIGN8(len) - len);
        }
        JournalTrailer tr = { .size = (uint32_t) (b.len + sizeof tr), .magic = JOURNAL_TRAILER_MAGIC };
        strbuf_append(&b, &tr, sizeof tr);
        if (b.oom)
                return -ENOMEM;
        uint32_t size = (uint32_t) b.len;
        memcpy(b.data + offsetof(JournalTailRecord, size), &size, sizeof size);
        uint32_t c = crc32c_update(0, &size, sizeof size);
        c = crc32c_update(c, b.data + offsetof(JournalTailRecord, n_units),
                          b.len - sizeof tr - offsetof(JournalTailRecord, n_units));
        memcpy(b.data + offsetof(JournalTailRecord, crc), &c, sizeof c);
        int r = 0;
        if (pwrite(w->fd, b.data, b.len, (off_t) w->file_size) != (ssize_t) b.len || fdatasync(w->fd) < 0)
                r = -errno ? -errno : -EIO;
        strbuf_done(&b);
        if (r < 0)
                return r;
        /* Point the header at it. */
        JournalHeader h;
        if (pread(w->fd, &h, sizeof h, 0) != (ssize_t) sizeof h)
                return -EIO;
        h.tail_offset = w->file_size;
        h.crc = journal_header_crc(&h);
        if (pwrite(w->fd, &h, sizeof h, 0) != (ssize_t) sizeof h)
                return -EIO;
        return fdatasync(w->fd) < 0 ? -errno : 0;
}

static void writer_close_file(JournalWriter *w) {
        if (w->fd < 0)
                return;
        (void) journal_writer_flush(w);
        if (w->fd >= 0) {
                if (w->file_entries > 0)
                        (void) writer_write_tail(w);
                else
                        (void) fdatasync(w->fd);
                close(w->fd);
        }
        w->fd = -1;
        w->unsynced = false;
        writer_units_clear(w);
}

int journal_writer_rotate(JournalWriter *w) {
        writer_close_file(w);
        int r = writer_create_file(w);
        (void) journal_vacuum(w->dir, w->config.max_use, 0, NULL);
        return r;
}

int journal_writer_add(JournalWriter *w, const JournalEntry *e) {
        JournalEntry c = *e;
        if (c.unit_len > 255)
                c.unit_len = 255;
        if (c.ident_len > 255)
                c.ident_len = 255;
        if (c.message_len > JOURNAL_LINE_MAX)
                c.message_len = JOURNAL_LINE_MAX;
        if (!c.realtime)
                c.realtime = now_usec(CLOCK_REALTIME);
        if (!c.monotonic)
                c.monotonic = now_usec(CLOCK_MONOTONIC);
        static const uint8_t zero[16];
        if (memcmp(c.boot_id, zero, 16) == 0)
                memcpy(c.boot_id, w->boot_id, 16);
        if (c.priority < 0 || c.priority > 7)
                c.priority = 6;
        if (c.facility < 0 || c.facility > 23)
                c.facility = 3;
        if (c.stream < 0 || c.stream >= _JOURNAL_STREAM_MAX)
                c.stream = JOURNAL_STREAM_STDOUT;
        uint64_t size = journal_record_size(c.unit_len, c.ident_len, c.message_len);
        int r = 0;
        if (w->buf.len + size > WRITER_BUFFER_MAX)
                r = journal_writer_flush(w);
        if (w->fd >= 0 && w->file_entries + w->buf_entries > 0 &&
            w->file_size + w->buf.len + size + w->tail_bytes + sizeof(JournalTailUnit) + 256 > w->config.max_file_size) {
                int k = journal_writer_flush(w);
                if (k < 0 && r == 0)
                        r = k;
                k = journal_writer_rotate(w);
                if (k < 0 && r == 0)
                        r = k;
        }
        WriterUnit *u = writer_unit(w, c.unit, c.unit_len);
        if (!u) {
                w->lost++;
                return -ENOMEM;
        }
        size_t at = w->buf.len;
        if (w->buf.cap < at + size + 1) {
                size_t cap = w->buf.cap ? w->buf.cap : 4096;
                while (cap < at + size + 1)
                        cap *= 2;
                char *p = realloc(w->buf.data, cap);
                if (!p) {
                        w->lost++;
                        return -ENOMEM;
                }
                w->buf.data = p;
                w->buf.cap = cap;
        }
        uint64_t offset = w->file_size + at;
        journal_record_build((uint8_t *) w->buf.data + at, &c, w->seqnum++, u->last);
        w->buf.len += size;
        w->buf.data[w->buf.len] = 0;
        w->buf_entries++;
        u->last = offset;
        u->count++;
        if (!u->dirty) {
                u->dirty = true;
                u->next_dirty = w->dirty;
                w->dirty = u;
        }
        if (!w->first_realtime)
                w->first_realtime = c.realtime;
        w->last_realtime = c.realtime;
        return r;
}

int journal_writer_sync(JournalWriter *w) {
        if (!w)
                return 0;
        int r = journal_writer_flush(w);
        if (w->fd >= 0 && w->unsynced) {
                if (fdatasync(w->fd) < 0 && r == 0)
                        r = -errno;
                else
                        w->unsynced = false;
        }
        return r;
}

bool journal_writer_unsynced(const JournalWriter *w) {
        return w && (w->unsynced || w->buf.len > 0);
}

size_t journal_writer_buffered(const JournalWriter *w) {
        return w ? w->buf.len : 0;
}

uint64_t journal_writer_take_lost(JournalWriter *w) {
        uint64_t n = w->lost;
        w->lost = 0;
        return n;
}

void journal_writer_stats(const JournalWriter *w, uint64_t *entries, uint64_t *bytes) {
        *entries = w->stat_entries;
        *bytes = w->stat_bytes;
}

JournalWriter *journal_writer_abandon(JournalWriter *w) {
        if (!w)
                return NULL;
        if (w->fd >= 0)
                close(w->fd);
        w->fd = -1;
        return journal_writer_close(w);
}

JournalWriter *journal_writer_close(JournalWriter *w) {
        if (!w)
                return NULL;
        writer_close_file(w);
        writer_units_clear(w);
        strbuf_done(&w->buf);
        free(w->path);
        free(w->dir);
        free(w);
        return NULL;
}
