/* forward.h — ForwardRules= (forward.c): copies journal entries to files,
 * UDP and TCP syslog receivers as syslog.conf rules say, never blocking. */
#pragma once

#include <stdint.h>

typedef struct Manager Manager;
typedef struct Forwarder Forwarder;
typedef struct JournalEntry JournalEntry;

/* Reads the rules (ForwardRules=, default ROOT/etc/superd/syslog.conf);
 * *ret stays NULL when there are none. Bad lines are logged and skipped. */
int forwarder_new(Manager *m, Forwarder **ret);
Forwarder *forwarder_free(Forwarder *f);
/* Queues e for every matching rule (files are written at forwarder_flush). */
void forwarder_entry(Forwarder *f, const JournalEntry *e);
void forwarder_flush(Forwarder *f);
/* SIGUSR1: reopen the files (logrotate). */
void forwarder_reopen(Forwarder *f);
/* Entries dropped so far (full queues, failed sends). */
uint64_t forwarder_dropped(const Forwarder *f);
