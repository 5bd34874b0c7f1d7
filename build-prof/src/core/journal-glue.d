build-prof/src/core/journal-glue.o: src/core/journal-glue.c \
 src/core/console.h src/core/forward.h src/core/journal-glue.h \
 src/journal/journal.h src/lib/log.h src/lib/macro.h src/lib/strbuf.h \
 src/control/protocol.h src/lib/strv.h src/lib/timespan.h \
 src/core/manager.h src/lib/hashmap.h src/lib/loop.h src/core/unit.h \
 src/core/service.h src/lib/process.h src/unit/unit-settings.h \
 src/unit/../lib/diag.h src/core/unit-deps.h src/unit/unit-load.h \
 src/core/syslog-server.h
src/core/console.h:
src/core/forward.h:
src/core/journal-glue.h:
src/journal/journal.h:
src/lib/log.h:
src/lib/macro.h:
src/lib/strbuf.h:
src/control/protocol.h:
src/lib/strv.h:
src/lib/timespan.h:
src/core/manager.h:
src/lib/hashmap.h:
src/lib/loop.h:
src/core/unit.h:
src/core/service.h:
src/lib/process.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
src/core/unit-deps.h:
src/unit/unit-load.h:
src/core/syslog-server.h:
