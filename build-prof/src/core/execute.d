build-prof/src/core/execute.o: src/core/execute.c src/core/execute.h \
 src/exec/exec.h src/lib/process.h src/core/unit.h src/lib/log.h \
 src/lib/macro.h src/lib/loop.h src/core/service.h \
 src/unit/unit-settings.h src/unit/../lib/diag.h src/core/unit-deps.h \
 src/core/cgroup-unit.h src/core/exec-dirs.h src/journal/journal.h \
 src/lib/strv.h src/core/manager.h src/lib/hashmap.h \
 src/core/journal-glue.h src/unit/unit-load.h src/core/mounts.h \
 src/core/notify.h src/lib/strbuf.h src/core/output.h src/core/socket.h \
 src/lib/sockaddr.h
src/core/execute.h:
src/exec/exec.h:
src/lib/process.h:
src/core/unit.h:
src/lib/log.h:
src/lib/macro.h:
src/lib/loop.h:
src/core/service.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
src/core/unit-deps.h:
src/core/cgroup-unit.h:
src/core/exec-dirs.h:
src/journal/journal.h:
src/lib/strv.h:
src/core/manager.h:
src/lib/hashmap.h:
src/core/journal-glue.h:
src/unit/unit-load.h:
src/core/mounts.h:
src/core/notify.h:
src/lib/strbuf.h:
src/core/output.h:
src/core/socket.h:
src/lib/sockaddr.h:
