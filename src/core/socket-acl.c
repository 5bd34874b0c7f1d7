/* socket-acl.c — access lists, per-source limits and the refusal log. */
#include "socket-acl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/strv.h"
#include "lib/timespan.h"
#include "manager.h"
#include "unit.h"

#define REFUSAL_WINDOW (10 * USEC_PER_SEC)

typedef struct SourceCount {
        char *key;
        unsigned n;
} SourceCount;

static int acl_parse(char **words, IpPrefix **list, size_t *n) {
        STRV_FOREACH(w, words) {
                int r = ip_prefix_parse_word(*w, list, n);
                if (r < 0)
                        return r;
        }
        return 0;
}

int socket_acl_load(Socket *s) {
        const SocketSettings *k = &unit_settings(s->unit)->socket;
        free(s->allow);
        free(s->deny);
        s->allow = s->deny = NULL;
        s->n_allow = s->n_deny = 0;
        int r = acl_parse(k->ip_allow, &s->allow, &s->n_allow);
        return r < 0 ? r : acl_parse(k->ip_deny, &s->deny, &s->n_deny);
}

void socket_acl_done(Socket *s) {
        free(s->allow);
        free(s->deny);
        s->allow = s->deny = NULL;
        const char *k;
        void *v;
        for (size_t i = 0; hashmap_next(&s->per_source, &i, &k, &v);) {
                SourceCount *c = v;
                free(c->key);
                free(c);
        }
        hashmap_done(&s->per_source);
        s->refusal_timer = loop_source_free(s->refusal_timer);
}

static bool acl_denied(Socket *s, const struct sockaddr *sa) {
        if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
                return false;
        if (s->n_allow && ip_prefix_match(s->allow, s->n_allow, sa))
                return false;
        return s->n_deny && ip_prefix_match(s->deny, s->n_deny, sa);
}

const char *socket_acl_check(Socket *s, const struct sockaddr *sa, const char *key) {
        const SocketSettings *k = &unit_settings(s->unit)->socket;
        if (acl_denied(s, sa))
                return "denied by IPAddressDeny=";
        if (s->n_connections >= k->max_connections)
                return "MaxConnections= reached";
        unsigned per = k->max_connections_per_source ? k->max_connections_per_source : k->max_connections;
        SourceCount *c = hashmap_get(&s->per_source, key);
        if (c && c->n >= per)
                return "MaxConnectionsPerSource= reached";
        return NULL;
}

void socket_acl_source_add(Socket *s, const char *key) {
        SourceCount *c = hashmap_get(&s->per_source, key);
        if (c) {
                c->n++;
                return;
        }
        c = calloc(1, sizeof(SourceCount));
        if (!c || !(c->key = strdup(key)) || hashmap_put(&s->per_source, c->key, c) < 0) {
                if (c)
                        free(c->key);
                free(c);
                return;
        }
        c->n = 1;
}

void socket_acl_source_remove(Socket *s, const char *key) {
        SourceCount *c = key ? hashmap_get(&s->per_source, key) : NULL;
        if (!c)
                return;
        if (--c->n == 0) {
                (void) hashmap_remove(&s->per_source, c->key);
                free(c->key);
                free(c);
        }
}

static void refusal_flush(LoopSource *src, usec_t now, void *userdata) {
        Socket *s = userdata;
        for (unsigned i = 0; i < SOCKET_REFUSAL_SLOTS; i++) {
                SocketRefusal *r = &s->refusals[i];
                if (r->source[0] && r->count)
                        log_unit_warning(s->unit->name, "Refused %u more connections from %s (%s) in the last 10 s.",
                                         r->count, r->source, r->reason);
                *r = (SocketRefusal) {};
        }
        if (s->refusals_dropped)
                log_unit_warning(s->unit->name, "Refused %u connections from other sources in the last 10 s.",
                                 s->refusals_dropped);
        s->refusals_dropped = 0;
        s->refusal_timer = loop_source_free(s->refusal_timer);
}

void socket_note_refusal(Socket *s, const char *key, const char *why) {
        s->n_refused++;
        if (strstr(why, "IPAddress"))
                s->n_refused_acl++;
        else
                s->n_refused_limit++;
        if (!s->refusal_timer)
                (void) loop_add_time(s->unit->manager->loop, now_monotonic() + REFUSAL_WINDOW, refusal_flush, s,
                                     &s->refusal_timer);
        SocketRefusal *free_slot = NULL;
        for (unsigned i = 0; i < SOCKET_REFUSAL_SLOTS; i++) {
                SocketRefusal *r = &s->refusals[i];
                if (r->source[0] && streq(r->source, key) && r->reason == why) {
                        r->count++;
                        return;
                }
                if (!r->source[0] && !free_slot)
                        free_slot = r;
        }
        if (!free_slot) {
                s->refusals_dropped++;
                return;
        }
        snprintf(free_slot->source, sizeof free_slot->source, "%s", key);
        free_slot->reason = why;
        free_slot->count = 0;
        log_unit_warning(s->unit->name, "Refused connection from %s: %s.", key, why);
}

bool socket_datagram_allowed(Socket *s, const struct sockaddr *sa) {
        if (!acl_denied(s, sa))
                return true;
        char key[80];
        sockaddr_source_key(sa, key, sizeof key);
        socket_note_refusal(s, key, "denied by IPAddressDeny=");
        return false;
}
