# depotfs: build, test and run.
#
#   make            build/depotfs and build/depotctl
#   make run        mount the demo depot (depot.db, seeded if absent) at ./mnt
#   make test       unit tests (plain and ASan+UBSan) and mounted tests
#
# Every target that builds first runs scripts/install-deps, which installs
# the Debian packages that are missing (apt-get; sudo when not root).  run,
# test and bench also turn on FUSE over io_uring where the kernel has it
# (scripts/enable-uring).

CC       ?= cc
PKGS     := fuse3 sqlite3 jansson
CPPFLAGS += -D_GNU_SOURCE -Icore -Ibuild/gen
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))

CORE_SRC := $(filter-out core/depotctl.c,$(wildcard core/*.c))
FS_SRC   := $(wildcard fs/*.c)
TEST_SRC := $(wildcard tests/unit/*.c)
GEN_SRC  := build/gen/schema_sql.c
HDRS     := $(wildcard core/*.h fs/*.h tests/unit/*.h)

# Two flavours of every object: plain in build/obj, sanitized in build/asan/obj.
obj      = $(patsubst %.c,build/obj/%.o,$(1))
asanobj  = $(patsubst %.c,build/asan/obj/%.o,$(1))

CORE_OBJ := $(call obj,$(CORE_SRC) $(GEN_SRC))
CORE_ASAN:= $(call asanobj,$(CORE_SRC) $(GEN_SRC))

DEPS_STAMP := build/.deps-installed

.PHONY: all deps run test unit unit-asan mount-test clean
all: build/depotfs build/depotctl

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps
	@scripts/install-deps
	@mkdir -p build && touch $@

build/gen/schema_sql.c: $(sort $(wildcard schema/*.sql)) scripts/embed-sql | $(DEPS_STAMP)
	@mkdir -p $(@D)
	scripts/embed-sql $(sort $(wildcard schema/*.sql)) > $@.tmp && mv $@.tmp $@

build/obj/%.o: %.c $(HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/asan/obj/%.o: %.c $(HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/obj/build/gen/%.o: build/gen/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

build/asan/obj/build/gen/%.o: build/gen/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -c $< -o $@

build/libdepot.a: $(CORE_OBJ)
	ar rcs $@ $^

build/asan/libdepot.a: $(CORE_ASAN)
	ar rcs $@ $^

build/depotctl: $(call obj,core/depotctl.c) build/libdepot.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

build/depotfs: $(call obj,$(FS_SRC)) build/libdepot.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

build/asan/depotctl: $(call asanobj,core/depotctl.c) build/asan/libdepot.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

build/asan/depotfs: $(call asanobj,$(FS_SRC)) build/asan/libdepot.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

build/unit-tests: $(call obj,$(TEST_SRC)) build/libdepot.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lcunit -lpthread

build/asan/unit-tests: $(call asanobj,$(TEST_SRC)) build/asan/libdepot.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(PKG_LIBS) -lcunit -lpthread

# Unit tests run on in-memory databases; the mounted tests drive the real
# daemon (the sanitized one) with real tools.  scripts/run-tests prints the
# closing "N passed, N failed" line and fails if anything failed.
test: all build/unit-tests build/asan/unit-tests build/asan/depotfs build/asan/depotctl
	@scripts/enable-uring
	@scripts/run-tests

unit: build/unit-tests
	build/unit-tests

run: all
	@scripts/enable-uring
	@scripts/run-demo

clean:
	rm -rf build

# Further targets (bench, fuzz, stress, install) live in their own fragments.
include $(sort $(wildcard scripts/make/*.mk))
