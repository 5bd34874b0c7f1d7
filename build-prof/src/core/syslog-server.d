build-prof/src/core/syslog-server.o: src/core/syslog-server.c \
 src/journal/journal.h src/journal/syslog-parse.h src/lib/log.h \
 src/lib/macro.h src/core/manager.h src/lib/hashmap.h \
 src/core/journal-glue.h src/lib/loop.h src/core/unit.h \
 src/core/service.h src/lib/process.h src/unit/unit-settings.h \
 src/unit/../lib/diag.h src/core/unit-deps.h src/unit/unit-load.h \
 src/core/syslog-server.h
src/journal/journal.h:
src/journal/syslog-parse.h:
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
src/core/syslog-server.h:
