/* control-server.h — the daemon side of the control socket (protocol.h).
 *
 * Every connection is non-blocking and owned by the server; one request per
 * connection. A request that changes something needs uid 0 or the
 * instance's owner (SO_PEERCRED); reading verbs are open to every local
 * user. Garbage gets an error response and the connection closes; other
 * connections are unaffected. A connection waiting for jobs holds a
 * JobWaiter per unit; closing it removes them. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "lib/strbuf.h"
#include "unit.h"

typedef struct Manager Manager;
typedef struct ControlServer ControlServer;
typedef struct ControlConn ControlConn;

#define CONTROL_REQUEST_MAX (64u * 1024u)
#define CONTROL_CONNECTIONS_MAX 1024u

int control_server_new(Manager *m, const char *path, ControlServer **ret);
ControlServer *control_server_free(ControlServer *s);
/* daemon-reexec: the listening fd, and a server around one we kept
 * (on failure fd stays the caller's). */
int control_server_fd(const ControlServer *s);
int control_server_adopt(Manager *m, const char *path, int fd, ControlServer **ret);

/* The request being served, for verb handlers (control-verbs.c). */
struct ControlConn {
        ControlServer *server;
        Manager *manager;
        int fd;
        LoopSource *source;
        uid_t uid;
        pid_t pid;
        StrBuf in;
        StrBuf out;
        size_t out_done;
        bool answered;
        int code;            /* exit code for superctl */
        StrBuf err_text;     /* superctl's stderr */
        StrBuf out_text;     /* superctl's stdout */
        JobWaiter *waiters;  /* array, one per unit waited for */
        Unit **waited_units;
        size_t n_waiters;
        size_t n_pending;
        ControlConn *prev, *next;
};

/* Sends the response built in code/err_text/out_text. */
void control_conn_answer(ControlConn *c);
void control_conn_errorf(ControlConn *c, int code, const char *fmt, ...) _printf_(3, 4);

typedef struct ControlVerb {
        const char *name;
        /* Returns true when the answer is ready, false when it will come later. */
        bool (*handler)(ControlConn *c, char **args);
        bool changes;        /* needs root or the owner */
} ControlVerb;

const ControlVerb *control_verb_lookup(const char *name);
