build-prof/src/core/service.o: src/core/service.c src/core/service.h \
 src/lib/loop.h src/lib/macro.h src/lib/process.h \
 src/unit/unit-settings.h src/unit/../lib/diag.h \
 src/core/service-internal.h src/core/unit.h src/lib/log.h \
 src/core/unit-deps.h src/core/cgroup-unit.h src/core/exec-dirs.h \
 src/core/execute.h src/exec/exec.h src/lib/timespan.h src/core/manager.h \
 src/lib/hashmap.h src/core/journal-glue.h src/unit/unit-load.h \
 src/core/notify-parse.h src/core/notify.h src/lib/strbuf.h \
 src/core/socket.h src/lib/sockaddr.h
src/core/service.h:
src/lib/loop.h:
src/lib/macro.h:
src/lib/process.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
src/core/service-internal.h:
src/core/unit.h:
src/lib/log.h:
src/core/unit-deps.h:
src/core/cgroup-unit.h:
src/core/exec-dirs.h:
src/core/execute.h:
src/exec/exec.h:
src/lib/timespan.h:
src/core/manager.h:
src/lib/hashmap.h:
src/core/journal-glue.h:
src/unit/unit-load.h:
src/core/notify-parse.h:
src/core/notify.h:
src/lib/strbuf.h:
src/core/socket.h:
src/lib/sockaddr.h:
