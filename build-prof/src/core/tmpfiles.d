build-prof/src/core/tmpfiles.o: src/core/tmpfiles.c src/core/tmpfiles.h \
 src/lib/diag.h src/lib/macro.h src/core/exec-dirs.h src/core/unit.h \
 src/lib/log.h src/lib/loop.h src/core/service.h src/lib/process.h \
 src/unit/unit-settings.h src/core/unit-deps.h src/lib/strbuf.h \
 src/lib/strv.h src/core/manager.h src/lib/hashmap.h \
 src/core/journal-glue.h src/unit/unit-load.h
src/core/tmpfiles.h:
src/lib/diag.h:
src/lib/macro.h:
src/core/exec-dirs.h:
src/core/unit.h:
src/lib/log.h:
src/lib/loop.h:
src/core/service.h:
src/lib/process.h:
src/unit/unit-settings.h:
src/core/unit-deps.h:
src/lib/strbuf.h:
src/lib/strv.h:
src/core/manager.h:
src/lib/hashmap.h:
src/core/journal-glue.h:
src/unit/unit-load.h:
