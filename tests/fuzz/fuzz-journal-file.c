/* fuzz-journal-file.c — the reader and verify on arbitrary bytes as a
 * journal file: no crash, no read outside the file; a writer opening it
 * carries on without damage to what it appends. */
#include <assert.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal/journal.h"

static int count_cb(const JournalEntry *e, void *ud) {
        (*(unsigned *) ud)++;
        assert(e->priority >= 0 && e->priority <= 7);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char dir[] = "/tmp/fuzz-journal-XXXXXX";
        if (!mkdtemp(dir))
                return 0;
        char path[128];
        snprintf(path, sizeof path, "%s/j0000000000000001.sj", dir);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
                (void) !write(fd, data, size);
                close(fd);
        }
        JournalReader *r;
        unsigned n = 0;
        if (journal_reader_open(dir, &r) >= 0) {
                JournalFilter f;
                journal_filter_init(&f);
                (void) journal_query(r, &f, 0, false, count_cb, &n);
                (void) journal_query(r, &f, 3, true, count_cb, &n);
                char *units[] = { "a.service", NULL };
                f.units = units;
                (void) journal_query(r, &f, 0, false, count_cb, &n);
                journal_reader_free(r);
        }
        JournalVerifyResult vr;
        (void) journal_verify(dir, &vr, NULL, NULL);
        JournalWriter *w;
        if (journal_writer_open(dir, NULL, &w) >= 0) {
                JournalEntry e = { .unit = "a.service", .unit_len = 9, .message = "m", .message_len = 1, .priority = 6 };
                (void) journal_writer_add(w, &e);
                journal_writer_close(w);
        }
        char cmd[160];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        (void) !system(cmd);
        return 0;
}
