/* generators.h — systemd.generator(7) programs, run at start-up and on
 * every reload, before the unit files are read.
 *
 * Which: the executables in ROOT/lib/systemd/system-generators and
 * ROOT/usr/lib/systemd/system-generators (--user: /usr/lib/systemd/
 * user-generators); a name found in an earlier directory hides the same
 * name in a later one (a link to /dev/null masks it). They run one after
 * the other in the order of their names, each with the three output
 * directories as argv[1..3]: RUNTIME_DIR/generator, generator.early and
 * generator.late, emptied before every run. manager-paths.c puts
 * generator.early first in the unit search path, generator after
 * /run/systemd/system and before the vendor directories, generator.late last,
 * as systemd does.
 *
 * This is synchronous (the manager waits), so it is bounded: all generators
 * together get GENERATORS_TIMEOUT_USEC; one still running then is killed
 * with its process group and the rest are skipped. Their output goes to
 * superd.log. A failing generator is logged and ignored. */
#pragma once

#include "manager.h"

#define GENERATORS_TIMEOUT_USEC (5 * USEC_PER_SEC)

/* The three output directories, in argv order. */
typedef enum GeneratorDir {
        GENERATOR_DIR_NORMAL,
        GENERATOR_DIR_EARLY,
        GENERATOR_DIR_LATE,
        _GENERATOR_DIR_MAX,
} GeneratorDir;

/* RUNTIME_DIR/generator, ...; a new string or NULL on OOM. */
char *generator_output_dir(const Manager *m, GeneratorDir d);

/* Runs every generator. Never fails the caller: problems are logged. */
void generators_run(Manager *m);
