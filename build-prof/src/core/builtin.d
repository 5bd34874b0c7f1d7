build-prof/src/core/builtin.o: src/core/builtin.c src/core/builtin.h \
 src/core/socket.h src/lib/hashmap.h src/lib/loop.h src/lib/macro.h \
 src/lib/process.h src/lib/sockaddr.h src/lib/strbuf.h \
 src/unit/unit-settings.h src/unit/../lib/diag.h src/core/unit.h \
 src/lib/log.h src/core/service.h src/core/unit-deps.h src/core/manager.h \
 src/core/journal-glue.h src/unit/unit-load.h
src/core/builtin.h:
src/core/socket.h:
src/lib/hashmap.h:
src/lib/loop.h:
src/lib/macro.h:
src/lib/process.h:
src/lib/sockaddr.h:
src/lib/strbuf.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
src/core/unit.h:
src/lib/log.h:
src/core/service.h:
src/core/unit-deps.h:
src/core/manager.h:
src/core/journal-glue.h:
src/unit/unit-load.h:
