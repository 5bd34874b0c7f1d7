/* syslog-server.h — the syslog datagram socket (SyslogSocket=). */
#pragma once

typedef struct Manager Manager;
typedef struct SyslogServer SyslogServer;

/* Listens where the config says (default /dev/log for a system instance,
 * RUNTIME_DIR/syslog otherwise); skips with a warning if it is in use. */
int syslog_server_new(Manager *m, SyslogServer **ret);
SyslogServer *syslog_server_free(SyslogServer *s);
