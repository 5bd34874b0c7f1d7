build-prof/src/core/condition.o: src/core/condition.c \
 src/core/condition.h src/unit/unit-settings.h src/unit/../lib/diag.h \
 src/unit/../lib/macro.h src/lib/timespan.h src/core/manager.h \
 src/lib/hashmap.h src/core/journal-glue.h src/lib/loop.h src/core/unit.h \
 src/lib/log.h src/core/service.h src/lib/process.h src/core/unit-deps.h \
 src/unit/unit-load.h
src/core/condition.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
src/unit/../lib/macro.h:
src/lib/timespan.h:
src/core/manager.h:
src/lib/hashmap.h:
src/core/journal-glue.h:
src/lib/loop.h:
src/core/unit.h:
src/lib/log.h:
src/core/service.h:
src/lib/process.h:
src/core/unit-deps.h:
src/unit/unit-load.h:
