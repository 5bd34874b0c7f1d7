build-prof/src/core/control-verbs.o: src/core/control-verbs.c \
 src/core/control-install.h src/core/control-server.h src/lib/strbuf.h \
 src/lib/macro.h src/core/unit.h src/lib/log.h src/lib/loop.h \
 src/core/service.h src/lib/process.h src/unit/unit-settings.h \
 src/unit/../lib/diag.h src/core/unit-deps.h src/core/job.h \
 src/control/protocol.h src/lib/strv.h src/lib/timespan.h \
 src/core/manager.h src/lib/hashmap.h src/core/journal-glue.h \
 src/unit/unit-load.h src/core/notify.h src/core/socket.h \
 src/lib/sockaddr.h src/core/unit-properties.h
src/core/control-install.h:
src/core/control-server.h:
src/lib/strbuf.h:
src/lib/macro.h:
src/core/unit.h:
src/lib/log.h:
src/lib/loop.h:
src/core/service.h:
src/lib/process.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
src/core/unit-deps.h:
src/core/job.h:
src/control/protocol.h:
src/lib/strv.h:
src/lib/timespan.h:
src/core/manager.h:
src/lib/hashmap.h:
src/core/journal-glue.h:
src/unit/unit-load.h:
src/core/notify.h:
src/core/socket.h:
src/lib/sockaddr.h:
src/core/unit-properties.h:
