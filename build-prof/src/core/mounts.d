build-prof/src/core/mounts.o: src/core/mounts.c src/core/mounts.h \
 src/lib/log.h src/lib/macro.h src/lib/loop.h src/lib/mountinfo.h \
 src/core/manager.h src/lib/hashmap.h src/core/journal-glue.h \
 src/core/unit.h src/core/service.h src/lib/process.h \
 src/unit/unit-settings.h src/unit/../lib/diag.h src/core/unit-deps.h \
 src/unit/unit-load.h
src/core/mounts.h:
src/lib/log.h:
src/lib/macro.h:
src/lib/loop.h:
src/lib/mountinfo.h:
src/core/manager.h:
src/lib/hashmap.h:
src/core/journal-glue.h:
src/core/unit.h:
src/core/service.h:
src/lib/process.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
src/core/unit-deps.h:
src/unit/unit-load.h:
