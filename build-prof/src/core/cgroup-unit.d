build-prof/src/core/cgroup-unit.o: src/core/cgroup-unit.c \
 src/core/cgroup-unit.h src/lib/cgroup.h src/lib/log.h src/lib/macro.h \
 src/core/manager.h src/lib/hashmap.h src/core/journal-glue.h \
 src/lib/loop.h src/core/unit.h src/core/service.h src/lib/process.h \
 src/unit/unit-settings.h src/unit/../lib/diag.h src/core/unit-deps.h \
 src/unit/unit-load.h
src/core/cgroup-unit.h:
src/lib/cgroup.h:
src/lib/log.h:
src/lib/macro.h:
src/core/manager.h:
src/lib/hashmap.h:
src/core/journal-glue.h:
src/lib/loop.h:
src/core/unit.h:
src/core/service.h:
src/lib/process.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
src/core/unit-deps.h:
src/unit/unit-load.h:
