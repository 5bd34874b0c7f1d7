/* journal-verify.c — checks every file of a directory: header, each
 * record's checksum and bounds, the per-unit chains and the tail record. A
 * partial last write of the newest file (a crash) is reported but passes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal-def.h"
#include "lib/macro.h"

static void say(journal_verify_cb cb, void *ud, const char *path, bool ok, const char *fmt, ...) _printf_(5, 6);

static void say(journal_verify_cb cb, void *ud, const char *path, bool ok, const char *fmt, ...) {
        if (!cb)
                return;
        char text[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
        cb(path, ok, text, ud);
}

static bool verify_file(JournalMapped *m, bool newest, JournalVerifyResult *res, journal_verify_cb cb, void *ud) {
        if (!m->map) {
                if (newest) {
                        say(cb, ud, m->path, true, "empty (being created)");
                        return true;
                }
                say(cb, ud, m->path, false, "shorter than a header");
                return false;
        }
        if (!m->header_ok) {
                say(cb, ud, m->path, false, "bad header");
                return false;
        }
        bool ok = true;
        if (m->header.tail_offset && !m->has_tail) {
                say(cb, ud, m->path, false, "tail record at %llu is damaged", (unsigned long long) m->header.tail_offset);
                ok = false;
        }
        uint64_t off = JOURNAL_HEADER_SIZE, n = 0, prev_seq = 0;
        uint64_t end = m->has_tail ? m->end : (m->header.tail_offset ? m->header.tail_offset : m->size);
        if (end > m->size)
                end = m->size;
        while (off < end) {
                JournalEntry e;
                uint64_t size, prev;
                if (journal_record_parse(m->map, end, off, &e, &prev, &size) < 0) {
                        uint64_t next = journal_record_resync(m->map, end, off + 8);
                        if (!next) {
                                if (newest && !m->header.tail_offset) {
                                        res->torn_bytes += end - off;
                                        say(cb, ud, m->path, true, "incomplete last write of %llu bytes at %llu (ignored)",
                                            (unsigned long long) (end - off), (unsigned long long) off);
                                } else {
                                        res->bad_records++;
                                        ok = false;
                                        say(cb, ud, m->path, false, "damaged data at %llu..%llu",
                                            (unsigned long long) off, (unsigned long long) end);
                                }
                                break;
                        }
                        res->bad_records++;
                        ok = false;
                        say(cb, ud, m->path, false, "damaged record at %llu, skipped %llu bytes",
                            (unsigned long long) off, (unsigned long long) (next - off));
                        off = next;
                        continue;
                }
                if (prev) {
                        JournalEntry pe;
                        if (journal_record_parse(m->map, end, prev, &pe, NULL, NULL) < 0 || pe.unit_len != e.unit_len ||
                            memcmp(pe.unit, e.unit, e.unit_len) != 0) {
                                ok = false;
                                say(cb, ud, m->path, false, "entry at %llu: broken unit chain", (unsigned long long) off);
                        }
                }
                if (prev_seq && e.seqnum <= prev_seq) {
                        ok = false;
                        say(cb, ud, m->path, false, "entry at %llu: sequence number goes back", (unsigned long long) off);
                }
                prev_seq = e.seqnum;
                n++;
                off += size;
        }
        if (m->has_tail)
                for (size_t i = 0; i < m->n_units; i++) {
                        JournalEntry e;
                        size_t len = strlen(m->units[i].name);
                        if (journal_record_parse(m->map, end, m->units[i].last_offset, &e, NULL, NULL) < 0 ||
                            e.unit_len != len || memcmp(e.unit, m->units[i].name, len) != 0) {
                                ok = false;
                                say(cb, ud, m->path, false, "tail: bad last entry for unit %s", m->units[i].name);
                        }
                }
        res->entries += n;
        if (ok)
                say(cb, ud, m->path, true, "%llu entries", (unsigned long long) n);
        return ok;
}

int journal_verify(const char *dir, JournalVerifyResult *res, journal_verify_cb cb, void *userdata) {
        *res = (JournalVerifyResult) {};
        JournalFileInfo *a;
        size_t n;
        int r = journal_dir_list(dir, &a, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                JournalMapped m;
                res->files++;
                r = journal_mapped_open(a[i].path, &m);
                if (r < 0) {
                        say(cb, userdata, a[i].path, false, "cannot open: %s", strerror(-r));
                        res->files_bad++;
                        continue;
                }
                if (!verify_file(&m, i + 1 == n, res, cb, userdata))
                        res->files_bad++;
                journal_mapped_close(&m);
        }
        journal_file_info_free(a, n);
        return res->files_bad ? -EBADMSG : 0;
}
