# superd — plain GNU make. `make`, `make check`, `make demo`, `make bench`,
# `make install PREFIX=/usr DESTDIR=...`. Out-of-tree objects in $(BUILD).

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
SBINDIR   ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
DESTDIR   ?=
BUILD     ?= build
CC        ?= cc
CFLAGS    ?= -O2 -g
SAN       ?=

WARNINGS  := -Wall -Wextra -Wimplicit-fallthrough -Wno-unused-parameter -Wno-missing-field-initializers \
             -Wformat=2 -Wno-format-nonliteral
BASEFLAGS := -std=gnu11 -D_GNU_SOURCE -DSUPERD_VERSION='"$(VERSION)"' -MMD -MP -Isrc
ifeq ($(SAN),1)
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
ALL_CFLAGS  = $(BASEFLAGS) $(WARNINGS) $(CFLAGS) $(SANFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

CORE_SRCS := $(sort $(wildcard src/lib/*.c src/unit/*.c src/exec/*.c src/control/*.c src/journal/*.c src/core/*.c))
SUPERD_SRCS := $(sort $(wildcard src/superd/*.c))
SUPERCTL_SRCS := $(sort $(wildcard src/superctl/*.c))
UNIT_TESTS := $(sort $(wildcard tests/unit/test-*.c))
FUZZERS   := $(sort $(wildcard tests/fuzz/fuzz-*.c))

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
CORE_OBJS := $(call obj,$(CORE_SRCS))
ARCHIVE   := $(BUILD)/libsuperd-core.a
TEST_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_TESTS))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZERS))

.PHONY: all check check-warnings check-build check-unit check-fuzz check-integration check-san demo bench bench-deps bench-logs bench-sockets install clean deps

all: $(BUILD)/superd $(BUILD)/superctl

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(ARCHIVE): $(CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/superd: $(call obj,$(SUPERD_SRCS)) $(ARCHIVE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lm

$(BUILD)/superctl: $(call obj,$(SUPERCTL_SRCS)) $(ARCHIVE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lm

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(ARCHIVE)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcmocka -lm

$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(BUILD)/tests/fuzz-main.o $(ARCHIVE)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lm

$(BUILD)/tests/fuzz-main.o: tests/fuzz-main.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

deps:
	@tools/install-deps.sh

check-build: all $(TEST_BINS) $(FUZZ_BINS)

check-unit: check-build
	@set -e; for t in $(TEST_BINS); do echo "== $$t"; $$t; done

check-fuzz: check-build
	@set -e; for f in $(FUZZ_BINS); do n=$${f##*/fuzz-}; echo "== $$f"; $$f tests/fuzz/corpus/$$n; done

check-integration: check-build
	SUPERD_BUILD=$(abspath $(BUILD)) /usr/bin/python3 -m pytest -q -x -p no:cacheprovider tests/integration

NPROC     := $(shell nproc 2>/dev/null || echo 2)
SANVARS   := BUILD=build-san SAN=1 CFLAGS="-O1 -g"
# UBSan alone: AddressSanitizer makes superd fork (it cannot follow a child
# onto the stack exec-clone.c gives it), so this pass covers the spawn path
# a normal build takes.
UBSANVARS := BUILD=build-ubsan SANFLAGS="-fsanitize=undefined -fno-sanitize-recover=undefined" CFLAGS="-O1 -g"

# Warning-free under gcc and clang (clang only where installed).
check-warnings:
	$(MAKE) -j$(NPROC) BUILD=build-werror CFLAGS="-O2 -g -Werror" all
	@if command -v clang >/dev/null; then $(MAKE) -j$(NPROC) CC=clang BUILD=build-clang CFLAGS="-O2 -g -Werror" all; fi

# The whole suite, then again under ASan+UBSan, then the unit and
# integration tests under UBSan alone, each in a separate build dir.
# Builds run in parallel; the tests run one suite at a time.
check: deps
	$(MAKE) check-warnings
	$(MAKE) -j$(NPROC) check-build
	$(MAKE) check-unit check-fuzz check-integration
	$(MAKE) -j$(NPROC) $(SANVARS) check-build
	$(MAKE) $(SANVARS) check-unit check-fuzz check-integration
	$(MAKE) -j$(NPROC) $(UBSANVARS) check-build
	$(MAKE) $(UBSANVARS) check-unit check-integration

demo: all
	@tools/demo.sh $(abspath $(BUILD))

bench: all
	@bench/run.sh $(abspath $(BUILD))

# 500 services in a chain and in a fan, against runit, s6 and a bare C loop (bench/depbench.py).
bench-deps: all
	@bench/run.sh $(abspath $(BUILD)) depbench.py

# Socket units against xinetd, openbsd-inetd, tcpserver and bare C loops (bench/sockbench.py).
bench-sockets: all
	@/usr/bin/python3 bench/sockbench.py $(abspath $(BUILD)) --markdown $(BUILD)/bench-sockets.md

# The journal's numbers (issue 4): capture throughput, queries on 10M entries.
bench-logs: all
	@/usr/bin/python3 bench/logbench.py $(abspath $(BUILD))

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(BUILD)/superd $(DESTDIR)$(SBINDIR)/superd
	install -m 0755 $(BUILD)/superctl $(DESTDIR)$(BINDIR)/superctl
	install -m 0644 docs/superd.8 $(DESTDIR)$(MANDIR)/man8/superd.8
	install -m 0644 docs/superctl.1 $(DESTDIR)$(MANDIR)/man1/superctl.1
	install -m 0644 docs/superd.conf.5 $(DESTDIR)$(MANDIR)/man5/superd.conf.5

clean:
	rm -rf build build-san build-ubsan build-clang build-werror

-include $(CORE_OBJS:.o=.d) $(patsubst %.o,%.d,$(call obj,$(SUPERD_SRCS) $(SUPERCTL_SRCS) $(UNIT_TESTS) $(FUZZERS)))
