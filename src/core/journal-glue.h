/* journal-glue.h — the manager's side of the journal (journal-glue.c):
 * [Journal] settings, the writer, rate limits, sync timer, lost entries. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct Manager Manager;
typedef struct ManagerJournal ManagerJournal;

typedef enum JournalStorage {
        JOURNAL_STORAGE_DEFAULT,   /* persistent */
        JOURNAL_STORAGE_PERSISTENT,
        JOURNAL_STORAGE_VOLATILE,
        JOURNAL_STORAGE_NONE,
} JournalStorage;

/* [Journal] in superd.conf; zero = default. */
typedef struct JournalConfig {
        JournalStorage storage;
        uint64_t max_use, max_file_size;
        uint64_t sync_interval, ratelimit_interval; /* µs */
        unsigned ratelimit_burst;
        bool ratelimit_burst_set, ratelimit_interval_set;
        int forward_to_console;   /* -1 default */
        char *syslog_socket;      /* NULL default, "" off */
        bool syslog_socket_set;
        char *forward_rules;
} JournalConfig;

typedef enum JournalConfigKey {
        JOURNAL_KEY_STORAGE,
        JOURNAL_KEY_MAX_USE,
        JOURNAL_KEY_MAX_FILE_SIZE,
        JOURNAL_KEY_SYNC_INTERVAL,
        JOURNAL_KEY_RATELIMIT_INTERVAL,
        JOURNAL_KEY_RATELIMIT_BURST,
        JOURNAL_KEY_FORWARD_TO_CONSOLE,
        JOURNAL_KEY_SYSLOG_SOCKET,
        JOURNAL_KEY_FORWARD_RULES,
} JournalConfigKey;

int journal_config_set(JournalConfig *c, JournalConfigKey key, const char *value);
void journal_config_done(JournalConfig *c);

/* Opens the journal per config (start-up); never fatal: problems are logged
 * and the journal is off. */
int manager_journal_setup(Manager *m);
void manager_journal_free(Manager *m);
/* The journal folder of this instance, or NULL (Storage=none). */
const char *manager_journal_dir(Manager *m);

/* One line into the journal (rate limited per unit; not written yet). */
void manager_journal_line(Manager *m, const char *unit, const char *ident, pid_t pid, uid_t uid, int priority,
                          int facility, int stream, const char *msg, size_t len);
/* Writes what is buffered (one write) and arms the sync timer. */
void manager_journal_flush(Manager *m);
/* Flush + fsync now (superctl logs --sync). */
int manager_journal_sync(Manager *m);
/* The unit's last n entries from the journal, in "short" format, lines
 * separated by '\n' (superctl status). */
typedef struct StrBuf StrBuf;
int manager_journal_last_lines(Manager *m, const char *unit, unsigned n, StrBuf *out);
/* logs-read: the entries matching args ("unit=", "prio=MIN MAX",
 * "since=", "until=", "lines=", "reverse=1", "boot=1", "grep="), as
 * records with hex-encoded UNIT, IDENT and MESSAGE; a uid other than 0
 * sees only entries with its uid. */
int manager_journal_serve(Manager *m, uid_t uid, char **args, StrBuf *out, StrBuf *err);
/* daemon-reload: read ForwardRules= again. */
void manager_journal_reload(Manager *m);
/* SIGUSR1: reopen ForwardRules= files. */
void manager_journal_reopen(Manager *m);
/* True when the journal cannot take more now (back-pressure on pipes). */
bool manager_journal_busy(Manager *m);
