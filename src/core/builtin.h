/* builtin.h — Builtin= services answered inside superd (SPEC 5): echo
 * (RFC 862), discard (863), chargen (864), daytime (867), time (868) on
 * stream and datagram sockets, and proxy (xinetd's redirect).
 *
 * Never blocks the loop: every fd is non-blocking; each stream connection
 * has bounded buffers and is watched for EPOLLIN only while its buffer has
 * room and for EPOLLOUT only while it has something to write (back-pressure
 * = stop reading). chargen writes only when the peer can take it.
 *
 * Ownership: a BuiltinConn is owned by its Socket's list; builtin_conn_free()
 * unlinks it, closes its fds and tells the socket (counters). */
#pragma once

#include "socket.h"

/* Takes fd (an accepted stream connection, non-blocking). 0, or -errno
 * (fd closed). source_key: for MaxConnectionsPerSource= bookkeeping. tcp:
 * a TCP connection, whose short reads mean "empty for now" (builtin.c). */
int builtin_stream_new(Socket *s, int fd, const char *source_key, bool tcp);
/* Reads and answers what is queued on a datagram port (bounded per call). */
void builtin_datagram(Socket *s, SocketPort *p);
BuiltinConn *builtin_conn_free(BuiltinConn *c);
void builtin_free_all(Socket *s);

/* Pure: fills buf with RFC 864 chargen text starting at *pos (a position in
 * the endless stream of 74-byte lines), advances *pos. Returns bytes written. */
size_t builtin_chargen_fill(char *buf, size_t size, uint64_t *pos);
/* RFC 868: seconds since 1900-01-01, big-endian, 32 bits. */
void builtin_time_bytes(time_t now, uint8_t out[4]);
