build-prof/src/journal/crc32c.o: src/journal/crc32c.c \
 src/journal/crc32c.h
src/journal/crc32c.h:
