build-prof/src/lib/process.o: src/lib/process.c src/lib/process.h \
 src/lib/macro.h
src/lib/process.h:
src/lib/macro.h:
