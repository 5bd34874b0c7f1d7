build-prof/src/lib/sockaddr.o: src/lib/sockaddr.c src/lib/sockaddr.h \
 src/lib/macro.h
src/lib/sockaddr.h:
src/lib/macro.h:
