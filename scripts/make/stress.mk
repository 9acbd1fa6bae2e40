# stress.mk: the long tests and the ThreadSanitizer daemon.
#
#   make stress   runs every tests/stress/test-*.sh (30 crash rounds, long
#                 concurrency) against the sanitized daemon, like make test
#   make tsan     builds build/tsan/depotfs and build/tsan/depotctl with
#                 -fsanitize=thread; run a mounted test against it with
#                 DEPOTFS=build/tsan/depotfs sh tests/mount/test-concurrency.sh
#                 (TSAN_OPTIONS=halt_on_error=0 by default: races are
#                 reported in the daemon's log, the test goes on)

TSAN_CC    ?= $(CC)
TSANFLAGS  := -fsanitize=thread -fno-omit-frame-pointer
tsanobj     = $(patsubst %.c,build/tsan/obj/%.o,$(1))

.PHONY: stress tsan
stress: all build/asan/depotfs build/asan/depotctl
	@failed=0; for t in tests/stress/test-*.sh; do \
	    echo "== $$t"; \
	    DEPOTFS=build/asan/depotfs DEPOTCTL=build/depotctl sh $$t || failed=1; \
	done; exit $$failed

tsan: build/tsan/depotfs build/tsan/depotctl

build/tsan/obj/%.o: %.c $(HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(TSAN_CC) $(CPPFLAGS) $(CFLAGS) $(TSANFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/tsan/obj/build/gen/%.o: build/gen/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(TSAN_CC) $(CPPFLAGS) $(CFLAGS) $(TSANFLAGS) -c $< -o $@

build/tsan/libdepot.a: $(call tsanobj,$(CORE_SRC) $(GEN_SRC))
	ar rcs $@ $^

build/tsan/depotfs: $(call tsanobj,$(FS_SRC)) build/tsan/libdepot.a
	$(TSAN_CC) $(CFLAGS) $(TSANFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

build/tsan/depotctl: $(call tsanobj,core/depotctl.c) build/tsan/libdepot.a
	$(TSAN_CC) $(CFLAGS) $(TSANFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread
