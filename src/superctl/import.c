/* import.c — superctl import-xinetd FILE|DIR... and import-inetd FILE:
 * reads the files (following xinetd's includedir/include), converts each
 * service (src/unit/inetd-import.c) and prints the units, or writes them
 * with --write DIR. Notes (unmapped attributes, lines xinetd ignored) go
 * to stderr as comments, and into the written unit as comments too. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/strv.h"
#include "superctl.h"
#include "unit/inetd-import.h"

#define IMPORT_FILE_MAX (1U << 20)
#define IMPORT_DEPTH_MAX 8

static int port_lookup(const char *name, const char *proto) {
        struct servent *s = getservbyname(name, proto);
        return s ? ntohs((uint16_t) s->s_port) : -1;
}

static int read_file(const char *path, char **ret, size_t *ret_size) {
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        char *buf = malloc(IMPORT_FILE_MAX);
        ssize_t n = buf ? read(fd, buf, IMPORT_FILE_MAX) : -1;
        int e = errno;
        close(fd);
        if (n < 0) {
                free(buf);
                return buf ? -e : -ENOMEM;
        }
        *ret = buf;
        *ret_size = (size_t) n;
        return 0;
}

/* xinetd skips files whose names contain '.' or end in '~' in includedir. */
static bool xinetd_file_wanted(const char *name) {
        return name[0] != '.' && !strchr(name, '.') && !endswith(name, "~");
}

static int load_xinetd(InetdConfig *cfg, const char *path, unsigned depth);

static int load_xinetd_dir(InetdConfig *cfg, const char *dir, unsigned depth) {
        struct dirent **ents = NULL;
        int n = scandir(dir, &ents, NULL, alphasort);
        if (n < 0) {
                fprintf(stderr, "Failed to read directory '%s': %s\n", dir, strerror(errno));
                return -errno;
        }
        int r = 0;
        for (int i = 0; i < n; i++) {
                if (r >= 0 && xinetd_file_wanted(ents[i]->d_name)) {
                        _cleanup_free_ char *p = NULL;
                        if (asprintf(&p, "%s/%s", dir, ents[i]->d_name) < 0)
                                r = -ENOMEM;
                        else {
                                struct stat st;
                                if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
                                        r = load_xinetd(cfg, p, depth + 1);
                        }
                }
                free(ents[i]);
        }
        free(ents);
        return r;
}

static int load_xinetd(InetdConfig *cfg, const char *path, unsigned depth) {
        struct stat st;
        if (depth > IMPORT_DEPTH_MAX)
                return -ELOOP;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
                return load_xinetd_dir(cfg, path, depth);
        char *data;
        size_t size;
        int r = read_file(path, &data, &size);
        if (r < 0) {
                fprintf(stderr, "Failed to read '%s': %s\n", path, strerror(-r));
                return r;
        }
        size_t dirs_before = strv_length(cfg->includedirs), inc_before = strv_length(cfg->includes);
        r = xinetd_parse(cfg, path, data, size);
        free(data);
        if (r < 0)
                return r;
        /* Follow what this file included, in order. */
        _cleanup_strv_free_ char **dirs = strv_copy(cfg->includedirs ? cfg->includedirs + dirs_before : NULL);
        _cleanup_strv_free_ char **incs = strv_copy(cfg->includes ? cfg->includes + inc_before : NULL);
        STRV_FOREACH(i, incs)
                if ((r = load_xinetd(cfg, *i, depth + 1)) < 0 && r != -ENOENT)
                        return r;
        STRV_FOREACH(d, dirs)
                if ((r = load_xinetd_dir(cfg, *d, depth + 1)) < 0 && r != -ENOENT)
                        return r;
        return 0;
}

static int write_unit(const char *dir, const char *name, const char *text, char **notes) {
        _cleanup_free_ char *p = NULL;
        if (asprintf(&p, "%s/%s", dir, name) < 0)
                return -ENOMEM;
        FILE *f = fopen(p, "we");
        if (!f) {
                fprintf(stderr, "Failed to write '%s': %s\n", p, strerror(errno));
                return -errno;
        }
        STRV_FOREACH(n, notes)
                fprintf(f, "# NOTE: %s\n", *n);
        fputs(text, f);
        int r = fclose(f) == 0 ? 0 : -errno;
        if (r == 0)
                printf("Wrote %s\n", p);
        return r;
}

static int emit(const InetdConfig *cfg) {
        int failures = 0;
        for (size_t i = 0; i < cfg->diag.n; i++)
                fprintf(stderr, "%s\n", cfg->diag.entries[i].text);
        if (arg.write_dir && mkdir(arg.write_dir, 0755) < 0 && errno != EEXIST) {
                fprintf(stderr, "Failed to create '%s': %s\n", arg.write_dir, strerror(errno));
                return EXIT_FAIL;
        }
        for (size_t i = 0; i < cfg->n_services; i++) {
                ImportedUnits u;
                int r = inetd_service_convert(cfg, i, port_lookup, &u);
                STRV_FOREACH(n, u.notes)
                        fprintf(stderr, "# %s\n", *n);
                if (r < 0) {
                        failures++;
                        imported_units_done(&u);
                        continue;
                }
                if (arg.write_dir) {
                        if (write_unit(arg.write_dir, u.socket_name, u.socket_text, u.notes) < 0 ||
                            (u.service_name && write_unit(arg.write_dir, u.service_name, u.service_text, NULL) < 0))
                                failures++;
                } else {
                        printf("# ---- %s\n", u.socket_name);
                        STRV_FOREACH(n, u.notes)
                                printf("# NOTE: %s\n", *n);
                        fputs(u.socket_text, stdout);
                        if (u.service_name)
                                printf("\n# ---- %s\n%s", u.service_name, u.service_text);
                        putchar('\n');
                }
                imported_units_done(&u);
        }
        if (cfg->n_services == 0) {
                fprintf(stderr, "No services found.\n");
                return EXIT_FAIL;
        }
        return failures ? EXIT_FAIL : EXIT_OK;
}

int verb_import_xinetd(char **args) {
        if (!args || !*args) {
                fprintf(stderr, "Too few arguments: import-xinetd needs files or directories.\n");
                return EXIT_INVALIDARGUMENT;
        }
        InetdConfig cfg = {};
        int r = 0;
        STRV_FOREACH(a, args)
                if ((r = load_xinetd(&cfg, *a, 0)) < 0)
                        break;
        int code = r < 0 ? EXIT_FAIL : emit(&cfg);
        inetd_config_done(&cfg);
        return code;
}

int verb_import_inetd(char **args) {
        if (!args || !*args || args[1]) {
                fprintf(stderr, "import-inetd needs exactly one file.\n");
                return EXIT_INVALIDARGUMENT;
        }
        char *data;
        size_t size;
        int r = read_file(args[0], &data, &size);
        if (r < 0) {
                fprintf(stderr, "Failed to read '%s': %s\n", args[0], strerror(-r));
                return EXIT_FAIL;
        }
        InetdConfig cfg = {};
        r = inetd_parse(&cfg, args[0], data, size);
        free(data);
        int code = r < 0 ? EXIT_FAIL : emit(&cfg);
        inetd_config_done(&cfg);
        return code;
}
