/* notify.h — the manager's notify socket (systemd's readiness protocol,
 * sd_notify(3)): an AF_UNIX datagram socket at RUNTIME_DIR/notify whose path
 * every process of a unit gets as $NOTIFY_SOCKET.
 *
 * Each datagram is received with its SCM_CREDENTIALS, parsed
 * (notify-parse.h), attributed to the unit of the sending pid
 * (manager_unit_by_pid()), checked against that unit's NotifyAccess= and
 * handed to the service (service_notify_message()). Every fd that came with
 * it is closed once it is handled, whatever happened (BARRIER=1 relies on
 * that). Datagrams that are oversized, malformed, without credentials, from
 * no unit, or refused by NotifyAccess= are dropped and counted; a warning
 * about them is logged at most once per unit (or once for all strangers)
 * per NOTIFY_LOG_INTERVAL, so a flood never floods the log.
 *
 * Ownership: the Manager owns its NotifySocket (Manager.notify), which owns
 * the fd, the loop source and the path; the socket file is removed when it
 * is freed. */
#pragma once

#include <stdint.h>

#include "lib/loop.h"
#include "lib/strbuf.h"

typedef struct Manager Manager;

#define NOTIFY_LOG_INTERVAL (10 * USEC_PER_SEC)

typedef struct NotifyStats {
        uint64_t received;
        uint64_t accepted;
        uint64_t barriers;             /* BARRIER=1: nothing but closing its fd */
        uint64_t dropped_oversized;
        uint64_t dropped_malformed;
        uint64_t dropped_no_credentials;
        uint64_t dropped_foreign;      /* from a process of no unit */
        uint64_t dropped_denied;       /* refused by the unit's NotifyAccess= */
        uint64_t main_pid_refused;     /* MAINPID= not a process of the unit */
        uint64_t fds_closed;
} NotifyStats;

typedef struct NotifySocket {
        Manager *manager;
        int fd;
        char *path;
        LoopSource *source;
        NotifyStats stats;
        usec_t foreign_log_last;       /* monotonic; rate limit of "from no unit" warnings */
} NotifySocket;

/* Creates RUNTIME_DIR/notify and watches it in m->loop. Logs and returns
 * -errno on failure (the manager runs on without readiness support). */
int notify_socket_new(Manager *m, NotifySocket **ret);
/* Takes over the bound socket fd (daemon-reexec); on failure fd stays the caller's. */
int notify_socket_adopt(Manager *m, int fd, NotifySocket **ret);
/* NULL in, NULL out. Unlinks the socket file. */
NotifySocket *notify_socket_free(NotifySocket *n);
/* Handles every datagram queued now. Called before a main process's exit is
 * processed, so that READY=1 or MAINPID= sent just before exiting counts. */
void notify_socket_drain(NotifySocket *n);
/* NotifySocket=, NotifyReceived=, NotifyDropped=... for `superctl show`. */
void notify_append_properties(const NotifySocket *n, StrBuf *b);
