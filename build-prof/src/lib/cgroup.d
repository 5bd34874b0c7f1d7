build-prof/src/lib/cgroup.o: src/lib/cgroup.c src/lib/cgroup.h \
 src/lib/macro.h
src/lib/cgroup.h:
src/lib/macro.h:
