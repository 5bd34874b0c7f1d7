build-prof/src/core/output.o: src/core/output.c src/core/execute.h \
 src/exec/exec.h src/lib/process.h src/core/unit.h src/lib/log.h \
 src/lib/macro.h src/lib/loop.h src/core/service.h \
 src/unit/unit-settings.h src/unit/../lib/diag.h src/core/unit-deps.h \
 src/journal/journal.h src/lib/strbuf.h src/core/manager.h \
 src/lib/hashmap.h src/core/journal-glue.h src/unit/unit-load.h \
 src/core/output.h
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
src/journal/journal.h:
src/lib/strbuf.h:
src/core/manager.h:
src/lib/hashmap.h:
src/core/journal-glue.h:
src/unit/unit-load.h:
src/core/output.h:
