/* journal.h — superd's journal as a library: entries, files, a writer and a
 * reader that work on a directory with no daemon. It knows nothing of the
 * manager and never logs; errors are negative errnos, problems found while
 * reading are reported through the result (verify) or skipped.
 *
 * On disk (journal-def.h): a directory of files "jSEQNUM.sj" (16 hex digits,
 * the sequence number of the first entry, so name order is time order). Each
 * file has a header, then append-only entry records, each with a CRC-32C,
 * its size at both ends (walkable in both directions) and the offset of the
 * previous entry of the same unit in the file (a per-unit chain). A file is
 * closed at rotation with a tail record: per unit its last entry and count,
 * plus the file's time range; the header then points at the tail. A reader
 * of a file without a tail (the active one, or one left by a crash) finds a
 * unit's last entry by walking back from the end. */
#pragma once

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define JOURNAL_UID_UNKNOWN UINT32_MAX
#define JOURNAL_LINE_MAX (48u * 1024u)  /* longer lines are split by the capture */

typedef enum JournalStream {
        JOURNAL_STREAM_STDOUT,
        JOURNAL_STREAM_STDERR,
        JOURNAL_STREAM_SYSLOG,
        JOURNAL_STREAM_SUPERD,
        _JOURNAL_STREAM_MAX,
} JournalStream;

const char *journal_stream_to_string(int s);

typedef struct JournalEntry {
        uint64_t seqnum;
        uint64_t realtime;   /* µs since the epoch */
        uint64_t monotonic;  /* µs, CLOCK_MONOTONIC of the boot */
        uint8_t boot_id[16];
        uint32_t pid;
        uint32_t uid;        /* JOURNAL_UID_UNKNOWN when not known */
        int priority;        /* 0..7 */
        int facility;        /* 0..23 */
        int stream;          /* JournalStream */
        const char *unit;
        size_t unit_len;     /* < 256 */
        const char *ident;
        size_t ident_len;    /* < 256 */
        const char *message; /* binary-safe, may hold NUL */
        size_t message_len;
        /* filled by the reader */
        uint64_t offset;
        unsigned file_index;
} JournalEntry;

/* ---- the writer --------------------------------------------------------- */

typedef struct JournalWriter JournalWriter;

typedef struct JournalWriterConfig {
        uint64_t max_file_size; /* SystemMaxFileSize, default 64M */
        uint64_t max_use;       /* SystemMaxUse, default 1G */
        mode_t mode;            /* file mode, default 0640 */
        gid_t gid;              /* group of new files, (gid_t) -1: leave */
} JournalWriterConfig;

void journal_writer_config_defaults(JournalWriterConfig *c);
/* Creates the directory if needed; opens the newest file and carries on
 * after its last valid entry (a torn tail is cut off), or starts a new one. */
int journal_writer_open(const char *dir, const JournalWriterConfig *c, JournalWriter **ret);
/* Flushes, writes the tail record, syncs. NULL is fine. */
JournalWriter *journal_writer_close(JournalWriter *w);
/* Frees w as a crash would leave the files: buffered entries dropped, no
 * tail, no sync (tests; a forked child dropping its copy). */
JournalWriter *journal_writer_abandon(JournalWriter *w);
/* Buffers one entry (seqnum assigned here; realtime/monotonic/boot_id are
 * taken as given, 0 = now/this boot). Never writes unless the buffer is full
 * (then it flushes first). Returns -ENOSPC etc. when that flush failed: the
 * buffered entries are counted lost. */
int journal_writer_add(JournalWriter *w, const JournalEntry *e);
/* One write(2) of everything buffered. On failure the file is cut back to
 * its last complete entry and the entries are counted as lost. */
int journal_writer_flush(JournalWriter *w);
/* Flush and fdatasync. */
int journal_writer_sync(JournalWriter *w);
bool journal_writer_unsynced(const JournalWriter *w);
size_t journal_writer_buffered(const JournalWriter *w);
/* Entries lost since the last call (resets the count). */
uint64_t journal_writer_take_lost(JournalWriter *w);
/* Counters: entries and bytes written by this writer. */
void journal_writer_stats(const JournalWriter *w, uint64_t *entries, uint64_t *bytes);
/* Closes the current file and starts a new one. */
int journal_writer_rotate(JournalWriter *w);
/* The file being appended to, and the offset there of unit's newest
 * entry on disk (0: none in this file). */
const char *journal_writer_path(const JournalWriter *w);
uint64_t journal_writer_unit_last(JournalWriter *w, const char *unit);

/* ---- files in a directory ---------------------------------------------- */

typedef struct JournalFileInfo {
        char *path;
        uint64_t size;
        uint64_t first_seqnum;
        uint64_t mtime_usec;
} JournalFileInfo;

/* Lists "j*.sj" in dir, oldest first. */
int journal_dir_list(const char *dir, JournalFileInfo **ret, size_t *ret_n);
void journal_file_info_free(JournalFileInfo *a, size_t n);
/* Sum of the files' sizes. */
int journal_disk_usage(const char *dir, uint64_t *ret);
/* Removes the oldest files (never the newest, active one) until the total is
 * at most max_use and no removed file's entries are newer than before
 * (0 = no time limit). Returns how many files it removed. */
int journal_vacuum(const char *dir, uint64_t max_use, uint64_t before_realtime, uint64_t *ret_freed);

/* ---- the reader --------------------------------------------------------- */

typedef struct JournalReader JournalReader;

typedef struct JournalFilter {
        char **units;          /* NULL: every unit */
        int prio_min, prio_max; /* entries with prio_min <= priority <= prio_max */
        uint64_t since, until; /* realtime µs; 0 / UINT64_MAX: open */
        const regex_t *grep;   /* matched against the message */
        bool boot;             /* only entries of boot_id */
        uint8_t boot_id[16];
        bool uid_only;         /* only entries of uid */
        uint32_t uid;
        /* What the writer knows of the file it appends to (its path, and
         * for each of units the offset of that unit's newest entry there,
         * 0 for none): spares the walk back from the end of a file that
         * has no tail yet. NULL: walk. */
        const char *active_path;
        const uint64_t *active_unit_last;
} JournalFilter;

void journal_filter_init(JournalFilter *f);

typedef int (*journal_entry_cb)(const JournalEntry *e, void *userdata);

int journal_reader_open(const char *dir, JournalReader **ret);
JournalReader *journal_reader_free(JournalReader *r);
/* For a reader kept open across queries: picks up files added, grown,
 * closed (given a tail) or removed since. */
int journal_reader_refresh(JournalReader *r);
/* Closes every file but the newest: a reader kept between queries must not
 * hold on to the space of files removed in the meantime. */
void journal_reader_trim(JournalReader *r);
/* Calls cb for each matching entry, oldest first (newest first with
 * reverse); limit > 0: only the last `limit` matches (the first `limit` in
 * reverse). A cb returning < 0 stops the query with that value. */
int journal_query(JournalReader *r, const JournalFilter *f, uint64_t limit, bool reverse, journal_entry_cb cb,
                  void *userdata);
/* After a query: waits (inotify, no polling) for new entries and calls cb
 * for each match, until cb returns < 0 or timeout_usec passes (USEC
 * infinity: forever). Returns 0 on timeout. */
int journal_follow(JournalReader *r, const JournalFilter *f, uint64_t timeout_usec, journal_entry_cb cb,
                   void *userdata);

typedef struct JournalVerifyResult {
        unsigned files, files_bad;
        uint64_t entries;
        uint64_t bad_records;   /* damaged records skipped */
        uint64_t torn_bytes;    /* an incomplete last write (crash), ignored */
} JournalVerifyResult;

typedef void (*journal_verify_cb)(const char *path, bool ok, const char *text, void *userdata);
int journal_verify(const char *dir, JournalVerifyResult *res, journal_verify_cb cb, void *userdata);

/* ---- helpers (journal-util.c) ------------------------------------------ */

int journal_boot_id(uint8_t ret[16]);
/* "emerg".."debug" or "0".."7" -> 0..7, -EINVAL. */
int journal_priority_from_string(const char *s);
const char *journal_priority_to_string(int p);
/* "err", "3", "warning..err", "0..3": [*min, *max]; a single level means 0..level. */
int journal_parse_priority_range(const char *s, int *min, int *max);
int journal_facility_from_string(const char *s);
const char *journal_facility_to_string(int f);
/* journalctl's time syntax: "2026-11-21 10:00[:SS]", "2026-11-21", "10:00",
 * "today", "yesterday", "tomorrow", "now", "-1h", "+30min", "5 min ago",
 * "@1700000000". now is realtime µs; local time zone. */
int journal_parse_time(const char *s, uint64_t now, uint64_t *ret);

/* ---- output (journal-format.c) ----------------------------------------- */

typedef enum JournalOutput {
        JOURNAL_OUTPUT_SHORT,
        JOURNAL_OUTPUT_SHORT_ISO,
        JOURNAL_OUTPUT_SHORT_PRECISE,
        JOURNAL_OUTPUT_CAT,
        JOURNAL_OUTPUT_JSON,
        JOURNAL_OUTPUT_JSON_PRETTY,
        JOURNAL_OUTPUT_EXPORT,
        _JOURNAL_OUTPUT_MAX,
} JournalOutput;

int journal_output_from_string(const char *s);

typedef struct StrBuf StrBuf;
/* Appends one entry in the format, ending in '\n'. escape: control
 * characters and invalid UTF-8 in text formats shown as \xNN (terminal). */
void journal_format_entry(StrBuf *b, const JournalEntry *e, JournalOutput o, const char *hostname, bool escape);
