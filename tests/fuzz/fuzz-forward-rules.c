/* fuzz-forward-rules.c — any ForwardRules= file parses without crashing;
 * every rule has a target and line numbers only grow. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "journal/forward-parse.h"

static void diag(unsigned line, const char *msg, void *userdata) {
        unsigned *last = userdata;
        assert(msg && *msg);
        assert(line > *last || line == *last);
        *last = line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        ForwardRule *r = NULL;
        size_t n = 0;
        unsigned last = 0;
        if (forward_rules_parse((const char *) data, size, &r, &n, diag, &last) < 0)
                return 0;
        unsigned prev = 0;
        for (size_t i = 0; i < n; i++) {
                assert(r[i].target && *r[i].target);
                assert(r[i].line > prev);
                prev = r[i].line;
                if (r[i].action == FORWARD_FILE)
                        assert(r[i].target[0] == '/' && !r[i].port);
                else
                        assert(r[i].port && *r[i].port);
                for (int f = 0; f < 24; f++)
                        for (int p = 0; p < 8; p++)
                                (void) forward_rule_matches(&r[i], f, p);
        }
        forward_rules_free(r, n);
        return 0;
}
