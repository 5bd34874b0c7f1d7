/* journal-gen.c — fills a journal folder with the library: N entries across
 * U units ("unitK.service"), one entry per 100 µs of fake time from T0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal/journal.h"

int main(int argc, char **argv) {
        if (argc < 5) {
                fprintf(stderr, "usage: journal-gen DIR N UNITS T0_USEC\n");
                return 2;
        }
        long n = atol(argv[2]), units = atol(argv[3]);
        unsigned long long t0 = strtoull(argv[4], NULL, 10);
        JournalWriterConfig c;
        journal_writer_config_defaults(&c);
        c.max_use = 1ull << 40;
        JournalWriter *w;
        if (journal_writer_open(argv[1], &c, &w) < 0)
                return 1;
        char msg[101], unit[32];
        memset(msg, 'x', sizeof msg);
        for (long i = 0; i < n; i++) {
                snprintf(unit, sizeof unit, "unit%ld.service", i % units);
                snprintf(msg, 12, "%010ld ", i);
                msg[11] = 'x';
                JournalEntry e = { .unit = unit, .unit_len = strlen(unit), .ident = "gen", .ident_len = 3,
                                   .message = msg, .message_len = 100, .priority = 6, .facility = 3, .pid = 1,
                                   .realtime = t0 + (unsigned long long) i * 100, .monotonic = 1 + (unsigned long long) i };
                if (journal_writer_add(w, &e) < 0)
                        return 1;
        }
        journal_writer_close(w);
        return 0;
}
