/* socket-acl.h — a socket's access checks and limits (SPEC 5, 10):
 * IPAddressAllow=/IPAddressDeny= (an address matching Allow= passes, else
 * one matching Deny= is refused, else it passes: systemd's rule),
 * MaxConnections=, MaxConnectionsPerSource= (IPv6 sources per /64), and the
 * aggregated refusal log: the first refusal from a source in a 10 s window
 * is logged at once with its reason, the rest are counted and logged as
 * "refused N more connections from X in the last 10 s" when the window
 * ends, so a flood never becomes a log flood.
 *
 * Ownership: the Socket owns its prefix lists and the per-source counters
 * (SourceCount entries, each owning its key). */
#pragma once

#include "socket.h"

/* Parses the unit's IPAddressAllow=/IPAddressDeny= words (validated at load). */
int socket_acl_load(Socket *s);
void socket_acl_done(Socket *s);
/* NULL when a new connection from sa (source key) may be taken, else the
 * reason it is refused. Does not count it. */
const char *socket_acl_check(Socket *s, const struct sockaddr *sa, const char *key);
void socket_acl_source_add(Socket *s, const char *key);
void socket_acl_source_remove(Socket *s, const char *key);
/* Counts a refusal and logs it (aggregated). */
void socket_note_refusal(Socket *s, const char *key, const char *why);
