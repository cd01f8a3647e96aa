# boxcg — build, test, demo, install.
#
#   make            library (static + shared), the boxcg CLI
#   make demo       validate, plan and apply the bundled policies
#   make check      unit tests (plain and ASan+UBSan), golden tests,
#                   host cgroup2 tests, real-kernel tests under qemu
#   make install    PREFIX=/usr/local DESTDIR=
#
# O=DIR puts every build product under DIR (default build/), so several
# builds (plain, sanitizer, fuzz) can live side by side.

VERSION      := 0.1.0
SOVERSION    := 0
O            ?= build
PREFIX       ?= /usr/local
DESTDIR      ?=
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
BINDIR       ?= $(PREFIX)/bin
MANDIR       ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
TMPFILESDIR  ?= $(PREFIX)/lib/tmpfiles.d
BASHCOMPDIR  ?= $(PREFIX)/share/bash-completion/completions

CC           ?= cc
PKG_CONFIG   ?= pkg-config
DEPS_PKGS    := yaml-0.1 libcyaml jansson
SANITIZE     ?=
OPT          ?= -O2 -g

# libsystemd (sd-bus) is dlopen()ed by lib/systemd/bus.c only when systemd
# must be asked for the delegated unit: its header at build time, never a
# link (ARCHITECTURE.md, "Optional libraries are opened when used").
SD_PKGS      := libsystemd
DEPS_CFLAGS  = $(shell $(PKG_CONFIG) --cflags $(DEPS_PKGS) $(SD_PKGS) 2>/dev/null)
DEPS_LIBS    = $(shell $(PKG_CONFIG) --libs $(DEPS_PKGS) 2>/dev/null)
# The CLI alone serves HTTP (boxcg metrics --listen) and dlopen()s
# libmicrohttpd when it does: its header at build time, never a link.
CLI_PKGS     := libmicrohttpd
CLI_CFLAGS   = $(shell $(PKG_CONFIG) --cflags $(CLI_PKGS) 2>/dev/null)
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter
CFLAGS   ?= $(OPT)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DBOXCG_VERSION='"$(VERSION)"' \
             $(WARN) -fPIC -Ilib/include -Ilib $(DEPS_CFLAGS) $(SANITIZE) $(CFLAGS)
ALL_LDFLAGS = $(SANITIZE) $(LDFLAGS)

LIB_SRC  := $(sort $(shell find lib -name '*.c'))
CLI_SRC  := $(sort $(wildcard cmd/boxcg/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(O)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(O)/obj/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(O)/obj/%.o)

# The CLI of the test suites: the same objects, but test_hooks.c compiled
# with -DBOXCG_TEST_HOOKS, so it reads the BOXCG_TEST_* variables. The
# boxcg that `make install` ships reads none (tests/install proves it).
CLI_HOOKS_OBJ := $(O)/obj/cmd/boxcg/test_hooks.o
CLI_TEST_OBJ := $(filter-out $(CLI_HOOKS_OBJ),$(CLI_OBJ)) $(O)/obj/cmd/boxcg/test_hooks_on.o
BOXCG_TEST := $(O)/boxcg-test

LIB_A    := $(O)/libboxcg.a
LIB_SO   := $(O)/libboxcg.so.$(VERSION)
BOXCG    := $(O)/boxcg
BOXCG_STATIC := $(O)/boxcg-static
UNIT     := $(O)/unit-tests

.PHONY: all deps test-deps check check-unit check-asan check-golden check-docs check-valgrind \
        check-host check-kernel check-systemd check-eco check-fault check-install demo install install-dist uninstall clean bench fuzz \
        check-fuzz fuzz-build
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory build-all

build-all: $(LIB_A) $(LIB_SO) $(BOXCG)

deps:
	@.ci/deps.sh build

test-deps:
	@.ci/deps.sh test

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(O)/obj/cmd/%.o: cmd/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CLI_CFLAGS) -MMD -MP -c $< -o $@

$(O)/obj/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -I$(O) -Itests/unit -MMD -MP -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# Only boxcg_* is exported (lib/api/libboxcg.map); the static library keeps
# every symbol for the CLI and the unit tests.
LIB_MAP  := lib/api/libboxcg.map
$(LIB_SO): $(LIB_OBJ) $(LIB_MAP)
	$(CC) -shared -Wl,-soname,libboxcg.so.$(SOVERSION) -Wl,--version-script=$(LIB_MAP) \
		-o $@ $(LIB_OBJ) $(ALL_LDFLAGS) $(DEPS_LIBS)
	ln -sf libboxcg.so.$(VERSION) $(O)/libboxcg.so.$(SOVERSION)
	ln -sf libboxcg.so.$(SOVERSION) $(O)/libboxcg.so

$(BOXCG): $(CLI_OBJ) $(LIB_A)
	$(CC) -o $@ $(CLI_OBJ) $(LIB_A) $(ALL_LDFLAGS) $(DEPS_LIBS)

$(O)/obj/cmd/boxcg/test_hooks_on.o: cmd/boxcg/test_hooks.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DBOXCG_TEST_HOOKS -MMD -MP -c $< -o $@

$(BOXCG_TEST): $(CLI_TEST_OBJ) $(LIB_A)
	$(CC) -o $@ $(CLI_TEST_OBJ) $(LIB_A) $(ALL_LDFLAGS) $(DEPS_LIBS)

# A fully static boxcg for the real-kernel VM (its initramfs has no libc).
# Debian ships libyaml.a, libcyaml.a and libjansson.a.
# Debian's static libmicrohttpd needs a static p11-kit it does not ship:
# this binary is built without the HTTP server (metrics --listen refuses).
# Debian ships no libsystemd.a either: it is built without sd-bus
# (lib/systemd/bus.c with BOXCG_NO_LIBSYSTEMD), and says so on a systemd host.
STATIC_PKGS  := yaml-0.1 libcyaml jansson
CLI_STATIC_OBJ := $(filter-out $(O)/obj/cmd/boxcg/metrics_http.o,$(CLI_TEST_OBJ)) \
                  $(O)/obj/cmd/boxcg/metrics_http_nohttp.o
$(O)/obj/cmd/boxcg/metrics_http_nohttp.o: cmd/boxcg/metrics_http.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DBX_NO_HTTP -MMD -MP -c $< -o $@
SD_BUS_OBJ   := $(O)/obj/lib/systemd/bus.o
SD_BUS_NOLIB := $(O)/obj-static/lib/systemd/bus.o
LIB_STATIC_OBJ := $(filter-out $(SD_BUS_OBJ),$(LIB_OBJ)) $(SD_BUS_NOLIB)
$(SD_BUS_NOLIB): lib/systemd/bus.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DBOXCG_NO_LIBSYSTEMD -MMD -MP -c $< -o $@

$(BOXCG_STATIC): $(CLI_STATIC_OBJ) $(LIB_STATIC_OBJ)
	$(CC) -static -o $@ $(CLI_STATIC_OBJ) $(LIB_STATIC_OBJ) $(LDFLAGS) \
		$(shell $(PKG_CONFIG) --static --libs $(STATIC_PKGS) 2>/dev/null)

# The unit-test runner learns its suites from the file names:
# tests/unit/test_foo.c defines `Suite *suite_foo(void)`.
$(O)/suites.inc: $(UNIT_SRC) Makefile
	@mkdir -p $(O)
	@for f in $(filter tests/unit/test_%.c,$(UNIT_SRC)); do \
		n=$${f#tests/unit/test_}; echo "SUITE($${n%.c})"; done > $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@

$(O)/obj/tests/unit/main.o: $(O)/suites.inc

$(UNIT): $(UNIT_OBJ) $(LIB_A)
	$(CC) -o $@ $(UNIT_OBJ) $(LIB_A) $(ALL_LDFLAGS) $(DEPS_LIBS) $(CHECK_LIBS)

# ---- tests ---------------------------------------------------------------

check: test-deps
	@$(MAKE) --no-print-directory check-unit
	@$(MAKE) --no-print-directory check-asan
	@$(MAKE) --no-print-directory check-golden
	@$(MAKE) --no-print-directory check-docs
	@$(MAKE) --no-print-directory check-valgrind
	@$(MAKE) --no-print-directory check-fuzz
	@$(MAKE) --no-print-directory check-fault
	@$(MAKE) --no-print-directory check-eco
	@$(MAKE) --no-print-directory check-install
	@$(MAKE) --no-print-directory check-host
	@$(MAKE) --no-print-directory check-kernel
	@$(MAKE) --no-print-directory check-systemd
	@echo "make check: all suites passed"

check-unit: $(UNIT) $(BOXCG_TEST)
	BOXCG=$(abspath $(BOXCG_TEST)) BOXCG_SRC=$(CURDIR) $(UNIT)

check-asan:
	@$(MAKE) --no-print-directory O=$(O)/asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all" check-unit

check-golden: $(BOXCG_TEST)
	tests/golden/run.sh $(abspath $(BOXCG_TEST))

# Every shell transcript of README.md, docs/*.md and the man pages runs and
# must match (docs/TESTING.md); those marked doc-test: kernel run in
# check-kernel (tests/kernel/t_docs.sh). The runner's own test first.
# The transcripts that show a rollback use the test hooks: the test build.
check-docs: $(BOXCG_TEST)
	tests/docs/selftest.sh $(abspath $(BOXCG_TEST))
	tests/docs/run.py $(abspath $(BOXCG_TEST))

# Apply/recover under injected failures and SIGKILL at every mutation,
# concurrent applies, stale plans, lock timeouts (directory roots).
check-fault: $(BOXCG_TEST)
	tests/fault/run.sh $(abspath $(BOXCG_TEST))

# Man pages, bash completion, systemd unit, Ansible module and role.
check-eco: $(BOXCG_TEST)
	tests/eco/run.sh $(abspath $(BOXCG_TEST))

# Every golden case again with boxcg under valgrind memcheck.
check-valgrind: $(BOXCG_TEST)
	tests/valgrind/run.sh $(abspath $(BOXCG_TEST))

check-host: $(BOXCG_TEST)
	tests/host/run.sh $(abspath $(BOXCG_TEST))

# make install into a temporary DESTDIR, then build docs/examples/ against it
# with pkg-config and run it on a directory root.
check-install: build-all $(BOXCG_TEST)
	tests/install/run.sh $(O)

# One qemu boot runs every tests/kernel/t_*.sh (BOXCG_KERNEL_TESTS=glob
# selects); the Debian kernel is cached under build/kernel-cache.
check-kernel: $(BOXCG_STATIC)
	tests/kernel/run.sh $(abspath $(BOXCG_STATIC)) $(abspath $(O))/kernel

# One qemu boot of a Debian 12 guest whose PID 1 is systemd, boxcg installed
# by `make install`, runs every tests/systemd/t_*.sh (BOXCG_SYSTEMD_TESTS=glob
# selects); the root filesystem is cached under build/systemd-cache.
check-systemd: build-all
	tests/systemd/run.sh $(abspath $(O))/systemd $(abspath $(O))

demo: deps
	@$(MAKE) --no-print-directory build-all $(BOXCG_TEST)
	@docs/demo.sh $(abspath $(BOXCG)) $(abspath $(BOXCG_TEST))

# ---- install -------------------------------------------------------------

install: all install-dist
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)
	install -m 755 $(BOXCG) $(DESTDIR)$(BINDIR)/boxcg
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libboxcg.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libboxcg.so.$(SOVERSION)
	ln -sf libboxcg.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libboxcg.so
	install -m 644 lib/include/boxcg.h $(DESTDIR)$(INCLUDEDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|' \
		lib/boxcg.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/boxcg.pc

# ---- benchmarks (not part of check; docs/PERFORMANCE.md) ------------------
# boxcg at normal optimization (never sanitizers) against floor programs.

BENCH_BIN := $(addprefix $(O)/bench/,gen_policy floor_scan floor_apply floor_read timeit api_create floor_stats)

$(O)/bench/gen_policy: tests/bench/gen_policy.c tests/bench/gen_model.c tests/bench/gen_model.h
$(O)/bench/floor_scan: tests/bench/floor_scan.c
$(O)/bench/floor_apply: tests/bench/floor_apply.c tests/bench/floor_io.c tests/bench/gen_model.c \
	tests/bench/floor_io.h tests/bench/gen_model.h
$(O)/bench/floor_read: tests/bench/floor_read.c tests/bench/floor_io.c tests/bench/gen_model.c \
	tests/bench/floor_io.h tests/bench/gen_model.h
$(O)/bench/timeit: tests/bench/timeit.c
$(O)/bench/floor_stats: tests/bench/floor_stats.c
$(O)/bench/api_create: tests/bench/api_create.c tests/bench/floor_io.c tests/bench/gen_model.c \
	tests/bench/floor_io.h tests/bench/gen_model.h $(LIB_A)
$(BENCH_BIN):
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.a,$^) $(ALL_LDFLAGS) $(DEPS_LIBS)

bench: deps
	@$(MAKE) --no-print-directory SANITIZE= OPT="-O2 -g" build-all $(BENCH_BIN)
	tests/bench/run.sh $(abspath $(BOXCG)) $(abspath $(O)/bench)

# ---- fuzzing: every format boxcg reads back, under libFuzzer + ASan + UBSan
# Targets (tests/fuzz/fuzz_<name>.c): policy (the loader), planfile (saved
# plans), journal, snapshot, managed (the user.boxcg.managed record).
# `make fuzz FUZZ_TIME=600` runs each as long as asked; `make check` runs
# each for FUZZ_CHECK_TIME (4 s).

FUZZ_TIME ?= 300
FUZZ_CHECK_TIME ?= 4
FUZZ_O    := $(O)/fuzz
FUZZ_TARGETS := policy planfile journal snapshot managed
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_O)/fuzz_%)
FUZZ_BIN  := $(FUZZ_O)/fuzz_policy
FUZZ_SRC  := $(LIB_SRC)
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -Wno-format-nonliteral -Ilib -O1 -g \
	-fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

# clang's -Wformat-nonliteral also flags vasprintf wrappers taking a
# va_list, which gcc accepts; the rest of WARN applies unchanged.
fuzz-build:
	@$(MAKE) --no-print-directory O=$(FUZZ_O) CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
		SANITIZE="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
		WARN="$(WARN) -Wno-format-nonliteral" $(FUZZ_SRC:%.c=$(FUZZ_O)/obj/%.o)
	@for t in $(FUZZ_TARGETS); do \
		echo "clang ... -o $(FUZZ_O)/fuzz_$$t tests/fuzz/fuzz_$$t.c"; \
		clang $(FUZZ_FLAGS) -o $(FUZZ_O)/fuzz_$$t tests/fuzz/fuzz_$$t.c \
			$(FUZZ_SRC:%.c=$(FUZZ_O)/obj/%.o) $(DEPS_LIBS) || exit 1; \
	done

fuzz: test-deps fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		tests/fuzz/run.sh $(abspath $(FUZZ_O))/fuzz_$$t $(FUZZ_TIME) $(abspath $(FUZZ_O))/$$t || exit 1; \
	done

check-fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		tests/fuzz/run.sh $(abspath $(FUZZ_O))/fuzz_$$t $(FUZZ_CHECK_TIME) $(abspath $(FUZZ_O))/$$t || exit 1; \
	done

# What makes boxcg native on a host: man pages, bash completion, the
# boot-time unit (ExecStart at the installed binary) and the state dir.
install-dist:
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(TMPFILESDIR)
	install -m 644 docs/man/boxcg.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 docs/man/boxcg-policy.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 cmd/boxcg/completion/boxcg.bash $(DESTDIR)$(BASHCOMPDIR)/boxcg
	sed -e 's|@BINDIR@|$(BINDIR)|g' cmd/boxcg/systemd/boxcg.service.in > $(DESTDIR)$(SYSTEMDUNITDIR)/boxcg.service
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/boxcg.service
	install -m 644 cmd/boxcg/systemd/boxcg.tmpfiles $(DESTDIR)$(TMPFILESDIR)/boxcg.conf

clean:
	rm -rf build $(O)

-include $(shell find $(O)/obj $(O)/obj-static -name '*.d' 2>/dev/null)
