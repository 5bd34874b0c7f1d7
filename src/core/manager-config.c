/* manager-config.c — superd.conf (SPEC 4): INI like a unit file, read with
 * the unit lexer; one table of keys for [Manager] and [Journal] (parsed by
 * journal-glue.c). A missing file means defaults; a bad
 * value is reported "path:line: message" and the default stays. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/log.h"
#include "lib/strv.h"
#include "lib/timespan.h"
#include "manager.h"
#include "unit/unit-internal.h"

typedef struct ConfigParse {
        Manager *m;
        ManagerConfig *c;
        Diag *diag;
} ConfigParse;

typedef int (*ManagerKeyParser)(ConfigParse *p, const char *value, size_t offset);

typedef struct ManagerKey {
        const char *section;
        const char *key;
        ManagerKeyParser parse;
        size_t offset; /* into ManagerConfig */
} ManagerKey;

static int parse_string(ConfigParse *p, const char *v, size_t off) {
        char **field = (char **) ((char *) p->c + off);
        char *copy = *v ? strdup(v) : NULL;
        if (*v && !copy)
                return -ENOMEM;
        free(*field);
        *field = copy;
        return 0;
}

static int parse_usec(ConfigParse *p, const char *v, size_t off) {
        return parse_timespan(v, USEC_PER_SEC, (usec_t *) ((char *) p->c + off));
}

static int parse_unsigned(ConfigParse *p, const char *v, size_t off) {
        char *end;
        errno = 0;
        unsigned long n = strtoul(v, &end, 10);
        if (errno || end == v || *end || n > 1000000)
                return -EINVAL;
        *(unsigned *) ((char *) p->c + off) = (unsigned) n;
        return 0;
}

static int parse_log_level(ConfigParse *p, const char *v, size_t off) {
        int l = log_level_from_string(v);
        if (l < 0)
                return l;
        p->c->log_level = l;
        return 0;
}

static int parse_nofile(ConfigParse *p, const char *v, size_t off) {
        uint64_t soft, hard;
        const char *colon = strchr(v, ':');
        _cleanup_free_ char *first = colon ? strndup(v, (size_t) (colon - v)) : strdup(v);
        if (!*v) {
                p->c->default_limit_nofile_set = false;
                return 0;
        }
        if (!first || parse_size(first, &soft) < 0 || parse_size(colon ? colon + 1 : first, &hard) < 0 ||
            soft > hard)
                return -EINVAL;
        p->c->default_limit_nofile = (struct rlimit) { soft == UINT64_MAX ? RLIM_INFINITY : soft,
                                                       hard == UINT64_MAX ? RLIM_INFINITY : hard };
        p->c->default_limit_nofile_set = true;
        return 0;
}

static int parse_umask(ConfigParse *p, const char *v, size_t off) {
        char *end;
        unsigned long n = strtoul(v, &end, 8);
        if (end == v || *end || n > 0777)
                return -EINVAL;
        p->c->umask = (mode_t) n;
        return 0;
}

static int parse_unit_path(ConfigParse *p, const char *v, size_t off) {
        return manager_build_search_path(p->m, *v ? v : getenv("SUPERD_UNIT_PATH"));
}

static int parse_accepted(ConfigParse *p, const char *v, size_t off) {
        return 0;
}

static int parse_journal(ConfigParse *p, const char *v, size_t key) {
        return journal_config_set(&p->c->journal, (JournalConfigKey) key, v);
}

#define OFF(f) offsetof(ManagerConfig, f)
static const ManagerKey manager_keys[] = {
        { "Journal", "ForwardRules", parse_journal, JOURNAL_KEY_FORWARD_RULES },
        { "Journal", "ForwardToConsole", parse_journal, JOURNAL_KEY_FORWARD_TO_CONSOLE },
        { "Journal", "RateLimitBurst", parse_journal, JOURNAL_KEY_RATELIMIT_BURST },
        { "Journal", "RateLimitIntervalSec", parse_journal, JOURNAL_KEY_RATELIMIT_INTERVAL },
        { "Journal", "Storage", parse_journal, JOURNAL_KEY_STORAGE },
        { "Journal", "SyncIntervalSec", parse_journal, JOURNAL_KEY_SYNC_INTERVAL },
        { "Journal", "SyslogSocket", parse_journal, JOURNAL_KEY_SYSLOG_SOCKET },
        { "Journal", "SystemMaxFileSize", parse_journal, JOURNAL_KEY_MAX_FILE_SIZE },
        { "Journal", "SystemMaxUse", parse_journal, JOURNAL_KEY_MAX_USE },
        { "Manager", "DefaultLimitNOFILE", parse_nofile, 0 },
        { "Manager", "DefaultRestartSec", parse_usec, OFF(default_restart_usec) },
        { "Manager", "DefaultStartLimitBurst", parse_unsigned, OFF(default_start_limit_burst) },
        { "Manager", "DefaultStartLimitIntervalSec", parse_usec, OFF(default_start_limit_interval) },
        { "Manager", "DefaultTarget", parse_string, OFF(default_target) },
        { "Manager", "DefaultTimeoutStartSec", parse_usec, OFF(default_timeout_start) },
        { "Manager", "DefaultTimeoutStopSec", parse_usec, OFF(default_timeout_stop) },
        { "Manager", "HTTPListen", parse_accepted, 0 },
        { "Manager", "LANG", parse_string, OFF(lang) },
        { "Manager", "LogLevel", parse_log_level, 0 },
        { "Manager", "UMask", parse_umask, 0 },
        { "Manager", "UnitPath", parse_unit_path, 0 },
};
#undef OFF

static int config_section(void *userdata, const char *path, unsigned line, const char *name) {
        ConfigParse *p = userdata;
        if (!streq(name, "Manager") && !streq(name, "Journal") && strncmp(name, "X-", 2) != 0)
                diag_add(p->diag, DIAG_WARNING, path, line, "Unknown section '%s', ignoring.", name);
        return 0;
}

static int config_assignment(void *userdata, const char *path, unsigned line, const char *section,
                             const char *key, const char *value) {
        ConfigParse *p = userdata;
        if (!section || strncmp(section, "X-", 2) == 0 || strncmp(key, "X-", 2) == 0)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(manager_keys); i++) {
                const ManagerKey *k = &manager_keys[i];
                if (!streq(k->section, section) || !streq(k->key, key))
                        continue;
                int r = k->parse(p, value, k->offset);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        diag_add(p->diag, DIAG_WARNING, path, line, "Failed to parse %s= value '%s', ignoring.",
                                 key, value);
                return 0;
        }
        if (streq(section, "Manager") || streq(section, "Journal"))
                diag_add(p->diag, DIAG_WARNING, path, line, "Unknown key '%s' in section [%s], ignoring.", key,
                         section);
        return 0;
}

void manager_config_defaults(ManagerConfig *c) {
        free(c->default_target);
        free(c->lang);
        journal_config_done(&c->journal);
        *c = (ManagerConfig) {
                .default_target = NULL,
                .default_restart_usec = 100 * USEC_PER_MSEC,
                .default_timeout_start = 90 * USEC_PER_SEC,
                .default_timeout_stop = 90 * USEC_PER_SEC,
                .default_start_limit_interval = 10 * USEC_PER_SEC,
                .default_start_limit_burst = 5,
                .log_level = LOG_INFO,
                .umask = 0022,
                .journal = { .forward_to_console = -1 },
        };
}

static int read_file(const char *path, char **ret, size_t *ret_size) {
        FILE *f = fopen(path, "re");
        if (!f)
                return negative_errno();
        struct stat st;
        if (fstat(fileno(f), &st) < 0 || st.st_size > (off_t) UNIT_FILE_SIZE_MAX) {
                fclose(f);
                return -EFBIG;
        }
        char *buf = malloc((size_t) st.st_size + 1);
        size_t n = buf ? fread(buf, 1, (size_t) st.st_size, f) : 0;
        fclose(f);
        if (!buf)
                return -ENOMEM;
        buf[n] = 0;
        *ret = buf;
        *ret_size = n;
        return 0;
}

int manager_load_config(Manager *m) {
        _cleanup_free_ char *data = NULL;
        size_t size = 0;
        diag_done(&m->config_diag);
        manager_config_defaults(&m->config);
        int r = manager_build_search_path(m, getenv("SUPERD_UNIT_PATH"));
        if (r < 0)
                return r;
        r = read_file(m->config_path, &data, &size);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                diag_add(&m->config_diag, DIAG_ERROR, m->config_path, 0, "Failed to read: %s", strerror(-r));
                return 0;
        }
        ConfigParse p = { .m = m, .c = &m->config, .diag = &m->config_diag };
        UnitLexCallbacks cb = { .section = config_section, .assignment = config_assignment };
        r = unit_lex(m->config_path, data, size, &m->config_diag, &cb, &p);
        m->load_ctx.search_path = m->search_path;
        return r < 0 ? r : 0;
}
