build-prof/src/core/manager.o: src/core/manager.c src/core/manager.h \
 src/lib/hashmap.h src/core/journal-glue.h src/lib/loop.h src/lib/macro.h \
 src/core/unit.h src/lib/log.h src/core/service.h src/lib/process.h \
 src/unit/unit-settings.h src/unit/../lib/diag.h src/core/unit-deps.h \
 src/unit/unit-load.h src/core/cgroup-unit.h src/core/control-server.h \
 src/lib/strbuf.h src/core/execute.h src/exec/exec.h \
 src/core/generators.h src/core/job.h src/lib/strv.h src/lib/timespan.h \
 src/core/mounts.h src/core/tmpfiles.h src/core/notify.h
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
src/core/cgroup-unit.h:
src/core/control-server.h:
src/lib/strbuf.h:
src/core/execute.h:
src/exec/exec.h:
src/core/generators.h:
src/core/job.h:
src/lib/strv.h:
src/lib/timespan.h:
src/core/mounts.h:
src/core/tmpfiles.h:
src/core/notify.h:
