build-prof/src/superd/check.o: src/superd/check.c src/superd/check.h \
 src/core/manager.h src/lib/hashmap.h src/core/journal-glue.h \
 src/lib/loop.h src/lib/macro.h src/core/unit.h src/lib/log.h \
 src/core/service.h src/lib/process.h src/unit/unit-settings.h \
 src/unit/../lib/diag.h src/core/unit-deps.h src/unit/unit-load.h
src/superd/check.h:
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
