build-prof/src/superd/daemon.o: src/superd/daemon.c src/superd/daemon.h \
 src/lib/macro.h
src/superd/daemon.h:
src/lib/macro.h:
