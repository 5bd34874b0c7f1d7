/* journal-file.c — records and mapped files: building, parsing and checking
 * entry records, walking back by trailers, reading the tail record. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crc32c.h"
#include "journal-def.h"

uint64_t journal_record_size(size_t unit_len, size_t ident_len, size_t msg_len) {
        return ALIGN8(sizeof(JournalRecord) + unit_len + ident_len + msg_len) + sizeof(JournalTrailer);
}

static uint32_t record_crc(const uint8_t *p, uint32_t size, size_t payload_end) {
        uint32_t c = crc32c_update(0, &size, sizeof size);
        return crc32c_update(c, p + offsetof(JournalRecord, msg_len), payload_end - offsetof(JournalRecord, msg_len));
}

void journal_record_build(uint8_t *buf, const JournalEntry *e, uint64_t seqnum, uint64_t prev_unit) {
        uint64_t size = journal_record_size(e->unit_len, e->ident_len, e->message_len);
        JournalRecord r = {
                .magic = JOURNAL_ENTRY_MAGIC,
                .size = (uint32_t) size,
                .msg_len = (uint32_t) e->message_len,
                .seqnum = seqnum,
                .realtime = e->realtime,
                .monotonic = e->monotonic,
                .prev_unit = prev_unit,
                .pid = e->pid,
                .uid = e->uid,
                .priority = (uint8_t) (e->priority & 7),
                .facility = (uint8_t) e->facility,
                .stream = (uint8_t) e->stream,
                .unit_len = (uint8_t) e->unit_len,
                .ident_len = (uint8_t) e->ident_len,
        };
        memcpy(r.boot_id, e->boot_id, 16);
        uint8_t *p = buf + sizeof r;
        memcpy(p, e->unit, e->unit_len);
        p += e->unit_len;
        if (e->ident_len)
                memcpy(p, e->ident, e->ident_len);
        p += e->ident_len;
        if (e->message_len)
                memcpy(p, e->message, e->message_len);
        p += e->message_len;
        size_t payload_end = (size_t) (p - buf);
        memset(p, 0, size - sizeof(JournalTrailer) - payload_end);
        memcpy(buf, &r, sizeof r);
        r.crc = record_crc(buf, r.size, payload_end);
        memcpy(buf + offsetof(JournalRecord, crc), &r.crc, sizeof r.crc);
        JournalTrailer t = { .size = (uint32_t) size, .magic = JOURNAL_TRAILER_MAGIC };
        memcpy(buf + size - sizeof t, &t, sizeof t);
}

int journal_record_parse(const uint8_t *map, uint64_t end, uint64_t off, JournalEntry *e, uint64_t *prev_unit,
                         uint64_t *ret_size) {
        JournalRecord r;
        if (off % 8 || off < JOURNAL_HEADER_SIZE || off > end || end - off < sizeof r + sizeof(JournalTrailer))
                return -EBADMSG;
        memcpy(&r, map + off, sizeof r);
        if (r.magic != JOURNAL_ENTRY_MAGIC || r.size % 8 || r.size > JOURNAL_RECORD_MAX || r.size > end - off ||
            r.priority > 7 || r.stream >= _JOURNAL_STREAM_MAX)
                return -EBADMSG;
        uint64_t payload = (uint64_t) r.unit_len + r.ident_len + r.msg_len;
        if (journal_record_size(r.unit_len, r.ident_len, r.msg_len) != r.size || payload > r.size)
                return -EBADMSG;
        JournalTrailer t;
        memcpy(&t, map + off + r.size - sizeof t, sizeof t);
        if (t.size != r.size || t.magic != JOURNAL_TRAILER_MAGIC)
                return -EBADMSG;
        if (record_crc(map + off, r.size, sizeof r + payload) != r.crc)
                return -EBADMSG;
        if (r.prev_unit && (r.prev_unit >= off || r.prev_unit < JOURNAL_HEADER_SIZE))
                return -EBADMSG;
        if (e) {
                const char *p = (const char *) map + off + sizeof r;
                *e = (JournalEntry) {
                        .seqnum = r.seqnum,
                        .realtime = r.realtime,
                        .monotonic = r.monotonic,
                        .pid = r.pid,
                        .uid = r.uid,
                        .priority = r.priority,
                        .facility = r.facility,
                        .stream = r.stream,
                        .unit = p,
                        .unit_len = r.unit_len,
                        .ident = p + r.unit_len,
                        .ident_len = r.ident_len,
                        .message = p + r.unit_len + r.ident_len,
                        .message_len = r.msg_len,
                        .offset = off,
                };
                memcpy(e->boot_id, r.boot_id, 16);
        }
        if (prev_unit)
                *prev_unit = r.prev_unit;
        if (ret_size)
                *ret_size = r.size;
        return 0;
}

int64_t journal_record_before(const uint8_t *map, uint64_t lower, uint64_t end_off) {
        JournalTrailer t;
        if (end_off % 8 || end_off < lower + sizeof(JournalRecord) + sizeof t)
                return -EBADMSG;
        memcpy(&t, map + end_off - sizeof t, sizeof t);
        if (t.magic != JOURNAL_TRAILER_MAGIC || t.size % 8 || t.size > end_off - lower)
                return -EBADMSG;
        return (int64_t) (end_off - t.size);
}

uint64_t journal_record_resync(const uint8_t *map, uint64_t end, uint64_t off) {
        off = ALIGN8(off);
        for (; off + sizeof(JournalRecord) + sizeof(JournalTrailer) <= end; off += 8) {
                uint32_t magic;
                memcpy(&magic, map + off, sizeof magic);
                if (magic == JOURNAL_ENTRY_MAGIC && journal_record_parse(map, end, off, NULL, NULL, NULL) == 0)
                        return off;
        }
        return 0;
}

uint32_t journal_header_crc(const JournalHeader *h) {
        return crc32c_update(0, h, offsetof(JournalHeader, crc));
}

void journal_header_init(JournalHeader *h, uint64_t first_seqnum, const uint8_t boot_id[16]) {
        *h = (JournalHeader) {
                .version = JOURNAL_VERSION,
                .header_size = JOURNAL_HEADER_SIZE,
                .first_seqnum = first_seqnum,
        };
        memcpy(h->magic, JOURNAL_MAGIC, 8);
        memcpy(h->boot_id, boot_id, 16);
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                (void) !read(fd, h->file_id, sizeof h->file_id);
                close(fd);
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        h->created_realtime = (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
        h->crc = journal_header_crc(h);
}

static void mapped_read_tail(JournalMapped *f) {
        uint64_t off = f->header.tail_offset;
        JournalTailRecord t;
        if (off < JOURNAL_HEADER_SIZE || off % 8 || off > f->size || f->size - off < sizeof t + sizeof(JournalTrailer))
                return;
        memcpy(&t, f->map + off, sizeof t);
        if (t.magic != JOURNAL_TAIL_MAGIC || t.size % 8 || t.size > f->size - off || t.size < sizeof t + 8 ||
            t.n_units > t.size / sizeof(JournalTailUnit))
                return;
        uint32_t size = t.size;
        uint32_t c = crc32c_update(0, &size, sizeof size);
        c = crc32c_update(c, f->map + off + offsetof(JournalTailRecord, n_units),
                          t.size - sizeof(JournalTrailer) - offsetof(JournalTailRecord, n_units));
        if (c != t.crc)
                return;
        JournalTailInfo *units = calloc(t.n_units ? t.n_units : 1, sizeof *units);
        if (!units)
                return;
        uint64_t p = off + sizeof t, lim = off + t.size - sizeof(JournalTrailer);
        size_t n = 0;
        for (; n < t.n_units; n++) {
                JournalTailUnit u;
                if (lim - p < sizeof u)
                        break;
                memcpy(&u, f->map + p, sizeof u);
                p += sizeof u;
                if (lim - p < u.name_len || u.last_offset >= off)
                        break;
                units[n].name = strndup((const char *) f->map + p, u.name_len);
                units[n].last_offset = u.last_offset;
                units[n].count = u.count;
                if (!units[n].name)
                        break;
                p += ALIGN8(u.name_len);
                if (p > lim)
                        break;
        }
        if (n != t.n_units) {
                for (size_t i = 0; i <= n && i < t.n_units; i++)
                        free(units[i].name);
                free(units);
                return;
        }
        f->units = units;
        f->n_units = n;
        f->has_tail = true;
        f->end = off;
        f->first_realtime = t.first_realtime;
        f->last_realtime = t.last_realtime;
}

static int mapped_map(JournalMapped *f) {
        struct stat st;
        if (fstat(f->fd, &st) < 0)
                return -errno;
        uint64_t size = (uint64_t) st.st_size & ~(uint64_t) 7;
        if (f->map && size == f->size)
                return 0;
        if (f->map && size > f->size) {
                /* Grown: keep what is mapped (and its page tables). */
                void *p = mremap((void *) f->map, f->size, size, MREMAP_MAYMOVE);
                if (p != MAP_FAILED) {
                        f->map = p;
                        f->size = size;
                        return 0;
                }
        }
        if (f->map)
                munmap((void *) f->map, f->size);
        f->map = NULL;
        f->size = 0;
        if (size < JOURNAL_HEADER_SIZE)
                return -EBADMSG;
        void *p = mmap(NULL, size, PROT_READ, MAP_SHARED, f->fd, 0);
        if (p == MAP_FAILED)
                return -errno;
        f->map = p;
        f->size = size;
        return 0;
}

int journal_mapped_open(const char *path, JournalMapped *f) {
        *f = (JournalMapped) { .fd = -1 };
        f->path = strdup(path);
        if (!f->path)
                return -ENOMEM;
        f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (f->fd < 0) {
                int r = -errno;
                journal_mapped_close(f);
                return r;
        }
        int r = mapped_map(f);
        if (r < 0) {
                /* An empty or short file (just created) is a file with no entries. */
                f->end = 0;
                return r == -EBADMSG ? 0 : (journal_mapped_close(f), r);
        }
        memcpy(&f->header, f->map, sizeof f->header);
        f->header_ok = memcmp(f->header.magic, JOURNAL_MAGIC, 8) == 0 &&
                       f->header.header_size == JOURNAL_HEADER_SIZE &&
                       journal_header_crc(&f->header) == f->header.crc;
        f->end = f->size;
        if (f->header_ok && f->header.tail_offset)
                mapped_read_tail(f);
        return 0;
}

int journal_mapped_refresh(JournalMapped *f) {
        if (f->fd < 0 || f->has_tail)
                return 0;
        bool had = f->map != NULL;
        int r = mapped_map(f);
        if (r < 0)
                return r == -EBADMSG ? 0 : r;
        if (!had) {
                memcpy(&f->header, f->map, sizeof f->header);
                f->header_ok = memcmp(f->header.magic, JOURNAL_MAGIC, 8) == 0 &&
                               journal_header_crc(&f->header) == f->header.crc;
        }
        f->end = f->size;
        return 0;
}

void journal_mapped_close(JournalMapped *f) {
        if (f->map)
                munmap((void *) f->map, f->size);
        if (f->fd >= 0)
                close(f->fd);
        for (size_t i = 0; i < f->n_units; i++)
                free(f->units[i].name);
        free(f->units);
        free(f->path);
        *f = (JournalMapped) { .fd = -1 };
}

uint64_t journal_mapped_unit_last(JournalMapped *f, const char *unit) {
        size_t len = strlen(unit);
        if (f->has_tail) {
                for (size_t i = 0; i < f->n_units; i++)
                        if (strcmp(f->units[i].name, unit) == 0)
                                return f->units[i].last_offset;
                return 0;
        }
        /* Walk back from the end to the unit's newest entry. */
        uint64_t end = f->end;
        while (end > JOURNAL_HEADER_SIZE) {
                int64_t start = journal_record_before(f->map, JOURNAL_HEADER_SIZE, end);
                JournalEntry e;
                if (start < 0 || journal_record_parse(f->map, f->end, (uint64_t) start, &e, NULL, NULL) < 0)
                        break;
                if (e.unit_len == len && memcmp(e.unit, unit, len) == 0)
                        return (uint64_t) start;
                end = (uint64_t) start;
        }
        if (end <= JOURNAL_HEADER_SIZE)
                return 0;
        /* Damage: scan forward with resync instead. */
        uint64_t last = 0, off = JOURNAL_HEADER_SIZE;
        while ((off = journal_record_resync(f->map, f->end, off)) != 0) {
                JournalEntry e;
                uint64_t size;
                if (journal_record_parse(f->map, f->end, off, &e, NULL, &size) < 0)
                        break;
                if (e.unit_len == len && memcmp(e.unit, unit, len) == 0)
                        last = off;
                off += size;
        }
        return last;
}
