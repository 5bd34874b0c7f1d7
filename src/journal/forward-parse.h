/* forward-parse.h — ForwardRules= files in syslog.conf's form (SPEC 9):
 * "SELECTOR[;SELECTOR...]  ACTION" per line. Pure: no I/O, no logging;
 * problems go to a callback with their line number. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ForwardAction {
        FORWARD_FILE,   /* /path or -/path: append */
        FORWARD_UDP,    /* @host[:port] */
        FORWARD_TCP,    /* @@host[:port] (RFC 5424, octet counting) */
} ForwardAction;

typedef struct ForwardRule {
        uint8_t mask[24];       /* per facility: bit p set = priority p matches */
        ForwardAction action;
        char *target;           /* the path, or the host (IPv6 without brackets) */
        char *port;             /* "514" by default; NULL for files */
        bool rfc5424;           /* UDP: ";RFC5424" suffix; TCP: always */
        unsigned line;
} ForwardRule;

typedef void (*forward_diag_cb)(unsigned line, const char *message, void *userdata);

/* Parses text (n bytes, may hold NULs); bad lines are reported and skipped.
 * Returns 0 or -ENOMEM; *ret is an array of *ret_n rules (NULL when 0). */
int forward_rules_parse(const char *text, size_t n, ForwardRule **ret, size_t *ret_n, forward_diag_cb cb,
                        void *userdata);
void forward_rules_free(ForwardRule *rules, size_t n);

static inline bool forward_rule_matches(const ForwardRule *r, int facility, int priority) {
        return facility >= 0 && facility < 24 && priority >= 0 && priority < 8 &&
               (r->mask[facility] >> priority) & 1;
}

/* One selector list ("mail,news.info;*.=debug;kern.none") into mask;
 * 0 or -EINVAL with *err pointing at a static reason. */
int forward_selector_parse(const char *s, size_t n, uint8_t mask[24], const char **err);
