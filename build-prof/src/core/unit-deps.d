build-prof/src/core/unit-deps.o: src/core/unit-deps.c \
 src/core/unit-deps.h src/lib/strv.h src/core/manager.h src/lib/hashmap.h \
 src/core/journal-glue.h src/lib/loop.h src/lib/macro.h src/core/unit.h \
 src/lib/log.h src/core/service.h src/lib/process.h \
 src/unit/unit-settings.h src/unit/../lib/diag.h src/unit/unit-load.h \
 src/core/socket.h src/lib/sockaddr.h src/lib/strbuf.h
src/core/unit-deps.h:
src/lib/strv.h:
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
src/unit/unit-load.h:
src/core/socket.h:
src/lib/sockaddr.h:
src/lib/strbuf.h:
