/* socket.h — socket units (systemd.socket(5), SPEC 5): superd listens and
 * starts the service when a client comes, or answers itself (Builtin=).
 *
 *   DEAD/FAILED --start--> START_PRE (ExecStartPre) -> bind every Listen*=
 *        -> START_POST (ExecStartPost) -> LISTENING
 *   LISTENING --first connection/datagram (Accept=no)--> RUNNING: the
 *        service is started with every listening fd (LISTEN_FDS); superd
 *        stops watching until the service is down again, then LISTENING.
 *   LISTENING --connection (Accept=yes)--> accept4, checks (IPAddressAllow=/
 *        Deny=, MaxConnections=, MaxConnectionsPerSource=), then an instance
 *        NAME@N-LOCAL-REMOTE.service of NAME@.service with the connection on
 *        stdin/stdout, or a built-in answers it (builtin.c). Stays LISTENING.
 *   any --stop--> STOP_PRE (ExecStopPre) -> close, RemoveOnStop=
 *        -> STOP_POST (ExecStopPost) -> DEAD | FAILED
 *
 * Invariants: socket_set_state() is the only writer of `state`; it drops the
 * control timer where the new state has none and calls unit_notify(). Port
 * fds are open from the end of START_PRE to the beginning of STOP_POST. A
 * port is watched (EPOLLIN) only while LISTENING and not paused by the
 * trigger limit or by EMFILE/ENFILE; pausing is a timer, never a sleep.
 *
 * Ownership: the socket Unit owns its Socket (Unit.socket), which owns the
 * port fds, their loop sources, the built-in connections and the timers. An
 * instance Unit owns its SocketConnection (Unit.connection: the accepted
 * fd and the peer's address); it names its socket unit, so either may go
 * first. Ended instances are freed from the manager by a deferred sweep. */
#pragma once

#include "lib/hashmap.h"
#include "lib/loop.h"
#include "lib/process.h"
#include "lib/sockaddr.h"
#include "lib/strbuf.h"
#include "unit/unit-settings.h"
#include "unit.h"

typedef struct Unit Unit;
typedef struct Socket Socket;
typedef struct BuiltinConn BuiltinConn;

typedef enum SocketState {
        SOCKET_DEAD,
        SOCKET_START_PRE,
        SOCKET_START_POST,
        SOCKET_LISTENING,
        SOCKET_RUNNING,
        SOCKET_STOP_PRE,
        SOCKET_STOP_POST,
        SOCKET_FAILED,
        _SOCKET_STATE_MAX,
} SocketState;

typedef enum SocketResult {
        SOCKET_SUCCESS,
        SOCKET_FAILURE_RESOURCES,
        SOCKET_FAILURE_TIMEOUT,
        SOCKET_FAILURE_EXIT_CODE,
        SOCKET_FAILURE_SIGNAL,
        SOCKET_FAILURE_CORE_DUMP,
        SOCKET_FAILURE_SERVICE_START_LIMIT_HIT,
        _SOCKET_RESULT_MAX,
} SocketResult;

typedef struct SocketPort {
        Socket *socket;
        SocketListenType type;
        SocketAddress addr;      /* unused for FIFOs */
        char *display;           /* "[::]:80", "/run/x.sock", for list-sockets */
        char *path;              /* Unix path or FIFO made by us (RemoveOnStop=), else NULL */
        int fd;
        LoopSource *io;
        bool watched;
} SocketPort;

#define SOCKET_REFUSAL_SLOTS 8

typedef struct SocketRefusal {
        char source[64];
        const char *reason;
        unsigned count;          /* beyond the first, which was logged at once */
} SocketRefusal;

struct Socket {
        Unit *unit;
        SocketState state;
        SocketResult result;
        SocketPort *ports;
        size_t n_ports;
        IpPrefix *allow, *deny;
        size_t n_allow, n_deny;
        Hashmap per_source;      /* source key -> SourceCount (owned) */

        unsigned n_accepted, n_connections, n_refused, n_refused_acl, n_refused_limit, n_triggers;
        usec_t trigger_begin;    /* monotonic start of the trigger-limit window */
        unsigned trigger_count;
        bool paused_trigger, paused_emfile, emfile_logged;
        LoopSource *resume_timer;

        SocketRefusal refusals[SOCKET_REFUSAL_SLOTS];
        unsigned refusals_dropped; /* refusals from sources beyond the slots */
        LoopSource *refusal_timer;

        PidRef control_pid;
        LoopSource *control_watch;
        int control_report_fd;
        SocketExecCommand control_command_id;
        size_t control_index;
        LoopSource *timer;

        JobWaiter trigger_waiter; /* the service start job of an Accept=no trigger */
        int *adopt_fds;           /* listening fds handed over by daemon-reexec, by port index */
        size_t n_adopt_fds;
        Unit *trigger_unit;      /* the service it waits on, NULL: none */

        BuiltinConn *builtins;   /* list, owned */
        char *banner, *refused_banner; /* BannerFile= contents, read at start */
        size_t banner_len, refused_banner_len;
};

/* What an Accept=yes instance knows about its connection. */
typedef struct SocketConnection {
        char *socket_name;
        char *source_key;
        int fd;
        char remote_addr[64];
        unsigned remote_port;    /* 0 for Unix peers */
} SocketConnection;

int socket_init(Unit *u);
void socket_done(Unit *u);
int socket_start(Unit *u);
/* After daemon-reexec: listen again on the fds the old process kept (owned
 * from here on; -1 entries are opened anew), in state listening or running,
 * without running ExecStartPre= again. */
int socket_adopt(Unit *u, SocketState st, int *fds, size_t n_fds);
/* "listening" -> SOCKET_LISTENING, ...; _SOCKET_STATE_MAX if unknown. */
SocketState socket_state_from_string(const char *s);
int socket_stop(Unit *u);
void socket_reset_failed(Unit *u);
int socket_active_state(const Unit *u);
const char *socket_sub_state(const Unit *u);
const char *socket_state_to_string(SocketState s);
const char *socket_result_to_string(SocketResult r);

/* A service changed state: Accept=no sockets watch again once it is down;
 * an instance that ended releases its connection and is swept. */
void socket_service_notify(Unit *svc, int old_state, int new_state);
/* Socket-specific implicit dependencies (Before= its service, sockets.target). */
int socket_add_dependencies(Unit *u);
void socket_connection_free(SocketConnection *c);
/* Queues an ended instance to be freed from the manager (deferred). */
void socket_sweep_instance(Unit *svc);

/* What a service's main process gets from sockets: fds from 3 and the
 * LISTEN_ and REMOTE_ variables; stdin_fd >= 0 is the connection of an
 * Accept=yes instance. fds are borrowed from the sockets; free with
 * socket_spawn_extras_done(). */
typedef struct SocketSpawnExtras {
        int *fds;
        size_t n_fds;
        char **env;
        int conn_fd;
} SocketSpawnExtras;
int socket_spawn_extras(Unit *svc, SocketSpawnExtras *ret);
void socket_spawn_extras_done(SocketSpawnExtras *x);

/* Adds the socket's properties (NAccepted, NConnections, Listen, ...) for show. */
void socket_append_properties(Unit *u, StrBuf *b);

/* list-sockets: one record per listening port of every socket unit. */
typedef struct Manager Manager;
void socket_list_records(Manager *m, StrBuf *out);

/* For builtin.c: a built-in connection ended. */
void socket_connection_closed(Socket *s, const char *source_key);
/* Whether a datagram source passes the access lists (counts and logs refusals). */
bool socket_datagram_allowed(Socket *s, const struct sockaddr *sa);
/* Pure: the instance part of an Accept=yes service name, as systemd makes it:
 * "N-LOCALADDR:PORT-REMOTEADDR:PORT" for IP, "N-PID-UID" for Unix peers. */
int socket_instance_string(unsigned nr, const struct sockaddr *local, const struct sockaddr *remote,
                           pid_t peer_pid, uid_t peer_uid, char *buf, size_t size);
