build-prof/src/core/manager-paths.o: src/core/manager-paths.c \
 src/core/generators.h src/core/manager.h src/lib/hashmap.h \
 src/core/journal-glue.h src/lib/loop.h src/lib/macro.h src/core/unit.h \
 src/lib/log.h src/core/service.h src/lib/process.h \
 src/unit/unit-settings.h src/unit/../lib/diag.h src/core/unit-deps.h \
 src/unit/unit-load.h src/lib/strv.h
src/core/generators.h:
src/core/manager.h:
src/lib/hashmap.h:
src/core/journal-glue.h:
src/lib/loop.h:
src/lib/macro.h:
src/core/unit.h:
src/lib/log.h:
src/core/service.h:
src/lib/process.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
src/core/unit-deps.h:
src/unit/unit-load.h:
src/lib/strv.h:
