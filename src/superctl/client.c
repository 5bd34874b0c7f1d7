#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control/protocol.h"
#include "lib/strv.h"
#include "superctl.h"

const char *control_socket_path(void) {
        static char buf[4096];
        const char *e = getenv("SUPERD_CONTROL");
        if (e && *e)
                return e;
        if (arg.root)
                snprintf(buf, sizeof buf, "%s/run/superd/control", arg.root);
        else if (arg.user) {
                const char *rt = getenv("XDG_RUNTIME_DIR");
                if (rt && *rt == '/')
                        snprintf(buf, sizeof buf, "%s/superd/control", rt);
                else
                        snprintf(buf, sizeof buf, "/tmp/superd-%u/superd/control", (unsigned) getuid());
        } else
                snprintf(buf, sizeof buf, "/run/superd/control");
        return buf;
}

int call_daemon(const char *verb, char **args, char **ret_out) {
        char **req = NULL;
        if (strv_extend(&req, CONTROL_PROTOCOL) < 0 || strv_extend(&req, verb) < 0 ||
            strv_extend_strv(&req, args) < 0) {
                strv_free(req);
                fprintf(stderr, "Out of memory.\n");
                return EXIT_FAIL;
        }
        int code = 0;
        char *err = NULL, *out = NULL;
        const char *path = control_socket_path();
        int r = control_call(path, req, &code, &err, &out);
        strv_free(req);
        if (r < 0) {
                if (r == -ENOENT || r == -ECONNREFUSED)
                        fprintf(stderr, "Failed to connect to superd at %s: %s (is superd running?)\n", path,
                                strerror(-r));
                else
                        fprintf(stderr, "Failed to talk to superd at %s: %s\n", path, strerror(-r));
                return EXIT_FAIL;
        }
        if (*err)
                fputs(err, stderr);
        if (ret_out)
                *ret_out = out;
        else {
                fputs(out, stdout);
                free(out);
        }
        free(err);
        return code;
}

int fetch_records(const char *verb, char **args, Record **ret) {
        char *out = NULL;
        int code = call_daemon(verb, args, &out);
        if (!out) {
                *ret = NULL;
                return code ? code : EXIT_FAIL;
        }
        char ***recs = NULL;
        int n = control_records_parse(out, &recs);
        free(out);
        if (n < 0) {
                fprintf(stderr, "Out of memory.\n");
                return EXIT_FAIL;
        }
        *ret = recs;
        return code;
}

void records_free(Record *r) {
        control_records_free(r);
}

bool use_color(void) {
        const char *t = getenv("TERM");
        return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && (!t || strcmp(t, "dumb") != 0);
}
