# fuzz.mk: libFuzzer targets (tests/fuzz/fuzz_*.c) and their corpus replay.
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="fuzz_parse ..."]
#       builds each target with clang -fsanitize=fuzzer,address,undefined
#       into build/fuzz/ and runs it for FUZZ_SECONDS (-max_total_time),
#       starting from tests/fuzz/corpus/<target>/.  New inputs go to
#       build/fuzz/corpus/<target>/, crashes to build/fuzz/crashes/ (copy a
#       fixed crash into tests/fuzz/corpus/<target>/ so that it is replayed).
#       clang warns of things gcc does not: warnings stay warnings here.
#   make fuzz-replay
#       builds the same targets with $(CC) under ASan+UBSan, linked with
#       tests/fuzz/replay.c instead of libFuzzer, into build/fuzz-replay/;
#       tests/fuzz/test-replay.sh runs every corpus file through them.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= fuzz_parse fuzz_store fuzz_router fuzz_plan fuzz_json_complete
FUZZ_FLAGS   := -g -O1 -Wno-error -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=undefined
FUZZ_FS_SRC  := fs/tree.c fs/errno.c fs/readme.c fs/render.c
FUZZ_HDRS    := tests/fuzz/fuzz.h

fuzzobj = $(patsubst %.c,build/fuzz/obj/%.o,$(1))
FUZZ_CORE_OBJ := $(call fuzzobj,$(CORE_SRC) $(GEN_SRC))

.PHONY: fuzz fuzz-build fuzz-replay
fuzz-build: $(addprefix build/fuzz/,$(FUZZ_TARGETS))
fuzz-replay: $(addprefix build/fuzz-replay/,$(FUZZ_TARGETS))

fuzz: fuzz-build
	@mkdir -p build/fuzz/crashes
	@set -e; for t in $(FUZZ_TARGETS); do \
	    mkdir -p build/fuzz/corpus/$$t; \
	    dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	    echo "== $$t ($(FUZZ_SECONDS) s)"; \
	    build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	        -print_final_stats=1 -artifact_prefix=build/fuzz/crashes/$$t- $$dict \
	        build/fuzz/corpus/$$t tests/fuzz/corpus/$$t 2>build/fuzz/$$t.log \
	        || { tail -n 60 build/fuzz/$$t.log; exit 1; }; \
	    grep -E '^stat::number_of_executed_units|^Done' build/fuzz/$$t.log; \
	done

# Objects for the fuzzers: clang, instrumented for coverage (fuzzer-no-link).
build/fuzz/obj/%.o: %.c $(HDRS) $(FUZZ_HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Ifs $(CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link \
	    $(PKG_CFLAGS) -c $< -o $@

build/fuzz/obj/build/gen/%.o: build/gen/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS) $(FUZZ_FLAGS) -c $< -o $@

build/fuzz/fuzz_router: $(call fuzzobj,$(FUZZ_FS_SRC))
build/fuzz/%: build/fuzz/obj/tests/fuzz/%.o $(FUZZ_CORE_OBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) -lpthread

# The replay: the normal compiler, the sanitized core library, replay.c.
$(call asanobj,$(wildcard tests/fuzz/*.c)): CPPFLAGS += -Ifs
$(call asanobj,$(wildcard tests/fuzz/*.c)): $(FUZZ_HDRS)
build/fuzz-replay/fuzz_router: $(call asanobj,$(FUZZ_FS_SRC))
build/fuzz-replay/%: build/asan/obj/tests/fuzz/%.o build/asan/obj/tests/fuzz/replay.o \
                     build/asan/libdepot.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $(filter %.o,$^) build/asan/libdepot.a $(PKG_LIBS) -lpthread
