/* inetd-import.h — reading xinetd.conf(5) and inetd.conf(5) and turning each
 * service into a .socket and a .service unit (superctl import-xinetd,
 * import-inetd). Pure: no file system access (includedir is the caller's
 * job), no logging, no name lookups (the caller passes a port resolver).
 *
 * Both formats are read into one model: a service is a name plus a list of
 * xinetd-style attributes (inetd.conf lines become socket_type, protocol,
 * wait, user, group, server, server_args, type=INTERNAL). The converter maps
 * what superd knows (socket_type wait user group server server_args port
 * bind only_from no_access instances per_source cps env passenv rlimit_*
 * nice umask banner banner_fail redirect type=INTERNAL ...) and names every
 * attribute it cannot map in the notes.
 *
 * xinetd quirk kept on purpose: an attribute line whose value ends in a
 * "# comment" is dropped by xinetd without a word, so the service runs
 * without it. The importer keeps the attribute (the comment stripped) and
 * notes that xinetd ignored it.
 *
 * Ownership: an InetdConfig owns its services, their attributes and its
 * diagnostics; inetd_config_done() frees all. ImportedUnits owns its texts. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "../lib/diag.h"

typedef struct InetdAttr {
        char *name;
        char op;          /* '=', '+' (+=) or '-' (-=) */
        char *value;      /* words joined by single spaces, comment stripped */
        unsigned line;
        bool commented;   /* the line ended in "# ...": xinetd dropped it */
} InetdAttr;

typedef struct InetdService {
        char *name;
        char *path;
        unsigned line;
        InetdAttr *attrs;
        size_t n_attrs;
} InetdService;

typedef struct InetdConfig {
        InetdService *services;
        size_t n_services;
        InetdService defaults;   /* xinetd's "defaults" section (name NULL) */
        char **includedirs;      /* "includedir DIR" lines, for the caller to read */
        char **includes;         /* "include FILE" lines */
        Diag diag;
} InetdConfig;

/* Appends what data (one file) holds. 0, or -ENOMEM; syntax problems go to
 * cfg->diag as "path:line: message" and the construct is skipped. */
int xinetd_parse(InetdConfig *cfg, const char *path, const char *data, size_t size);
int inetd_parse(InetdConfig *cfg, const char *path, const char *data, size_t size);
void inetd_config_done(InetdConfig *cfg);

/* Returns the port of a service name for protocol ("tcp"/"udp"), or -1. */
typedef int (*InetdPortLookup)(const char *name, const char *proto);

typedef struct ImportedUnits {
        char *socket_name, *socket_text;
        char *service_name, *service_text;
        char **notes;            /* "path:line: attribute 'x' ..." */
        bool disabled;           /* disable = yes (or a commented-out inetd line is not read at all) */
} ImportedUnits;

/* Converts service i of cfg. 0, -EINVAL when it cannot be expressed at all
 * (a note says why), -ENOMEM. unit_base: the name the units get ("echo-stream"). */
int inetd_service_convert(const InetdConfig *cfg, size_t i, InetdPortLookup lookup, ImportedUnits *ret);
void imported_units_done(ImportedUnits *u);
