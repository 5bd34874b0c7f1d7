build-prof/src/journal/syslog-parse.o: src/journal/syslog-parse.c \
 src/journal/syslog-parse.h
src/journal/syslog-parse.h:
