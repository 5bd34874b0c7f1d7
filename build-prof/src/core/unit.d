build-prof/src/core/unit.o: src/core/unit.c src/core/unit.h src/lib/log.h \
 src/lib/macro.h src/lib/loop.h src/core/service.h src/lib/process.h \
 src/unit/unit-settings.h src/unit/../lib/diag.h src/core/unit-deps.h \
 src/lib/strv.h src/lib/timespan.h src/core/job.h src/core/manager.h \
 src/lib/hashmap.h src/core/journal-glue.h src/unit/unit-load.h \
 src/core/socket.h src/lib/sockaddr.h src/lib/strbuf.h
src/core/unit.h:
src/lib/log.h:
src/lib/macro.h:
src/lib/loop.h:
src/core/service.h:
src/lib/process.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
src/core/unit-deps.h:
src/lib/strv.h:
src/lib/timespan.h:
src/core/job.h:
src/core/manager.h:
src/lib/hashmap.h:
src/core/journal-glue.h:
src/unit/unit-load.h:
src/core/socket.h:
src/lib/sockaddr.h:
src/lib/strbuf.h:
