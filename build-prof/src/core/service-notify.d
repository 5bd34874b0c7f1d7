build-prof/src/core/service-notify.o: src/core/service-notify.c \
 src/lib/log.h src/lib/macro.h src/lib/timespan.h src/core/manager.h \
 src/lib/hashmap.h src/core/journal-glue.h src/lib/loop.h src/core/unit.h \
 src/core/service.h src/lib/process.h src/unit/unit-settings.h \
 src/unit/../lib/diag.h src/core/unit-deps.h src/unit/unit-load.h \
 src/core/notify-parse.h src/core/notify.h src/lib/strbuf.h \
 src/core/service-internal.h
src/lib/log.h:
src/lib/macro.h:
src/lib/timespan.h:
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
src/core/notify-parse.h:
src/core/notify.h:
src/lib/strbuf.h:
src/core/service-internal.h:
