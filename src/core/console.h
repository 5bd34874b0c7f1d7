/* console.h — ForwardToConsole= (console.c): journal entries as
 * "unit[pid]: message" lines on superd's stderr, never blocking the loop. */
#pragma once

#include <stdint.h>

typedef struct Manager Manager;
typedef struct Console Console;
typedef struct JournalEntry JournalEntry;

/* Takes over fd 2 for superd's own lines too (log_set_stderr_writer). */
int console_new(Manager *m, Console **ret);
Console *console_free(Console *c);
/* Buffers one entry's line (superd's own entries are not repeated: log.c
 * writes those). */
void console_entry(Console *c, const JournalEntry *e);
/* Writes what is buffered, as far as the descriptor takes it now. */
void console_flush(Console *c);
uint64_t console_dropped(const Console *c);
