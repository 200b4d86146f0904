# Pyflame: one plain Makefile.
#   make            build/pyflame (gcc by default; CC=clang works the same)
#   make check      every test: unit and replay tests (plain, and again under ASan+UBSan built
#                   with clang), then the end-to-end tests under every installed interpreter
#   make offsets    regenerate src/python/offsets_table.c from the installed Pythons' headers,
#                   and src/python/asyncio_table.c from their live Task and Future (3.11-3.13)
#   make fuzz       libFuzzer over the walker (FUZZ_SECONDS); make fuzz-native, over the
#                   native unwinder
#   make bench      the overhead benchmark (not part of check)
#   make soak       pyflame's memory over an hour's profile (SOAK_SECONDS=3600)

CC      ?= cc
SANCC   ?= clang
WARN     = -Wall -Wextra -Werror
CSTD     = -std=c11 -D_GNU_SOURCE
CFLAGS  ?= -O2 -g
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -Isrc -MMD -MP
SAN_CFLAGS = $(CSTD) $(WARN) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all -Isrc -MMD -MP
# ncursesw: the live view (src/top/screen.c) alone; linked into the tests too, which never call it.
LDLIBS   = -lelf -ldw -lz -lm -lncursesw
# build/pyflame is linked static-pie (glibc included, address space randomization kept) when
# pkg-config names libdw's, libelf's and ncursesw's needs and every archive, libc's too, is
# installed (STATIC_DEPS=0: never): no dynamic loader runs at its start. Mapping and relocating
# seven shared libraries cost 2-3 ms of CPU a start; glibc's alone, 1.5 ms and 26 page faults
# more (a page fault costs 12-14 us on the VMs this runs on), 30% of a one-tick run. libdw's
# debuginfod client stays out (src/native/no_debuginfod.c). The tests and the sanitized builds
# link everything shared. Evaluated only when build/pyflame links.
STATIC_DEPS ?= 1
GLIBC_LIBS   = -pthread -lpthread -ldl -lm -lc -lrt
DEP_FLAGS    = $(shell pkg-config --static --libs libdw libelf ncursesw 2>/dev/null)
DEP_LIBS     = $(filter-out $(GLIBC_LIBS),$(DEP_FLAGS))
dep_missing  = $(filter-out /%,$(shell $(CC) -print-file-name=lib$(1:-l%=%).a))
# Yes when pkg-config named only -l libraries and each one's archive is found, and libc's.
STATIC_OK    = $(if $(DEP_LIBS),$(if $(strip $(filter-out -l%,$(DEP_LIBS)) \
		$(foreach l,$(filter -l%,$(DEP_LIBS)) -lc,$(call dep_missing,$(l)))),,yes))
STATIC_LDLIBS = build/obj/native/no_debuginfod.o -static-pie $(DEP_LIBS) -lm -pthread
PYFLAME_LDLIBS = $(if $(filter 1,$(STATIC_DEPS)),$(if $(STATIC_OK),$(STATIC_LDLIBS),$(LDLIBS)),$(LDLIBS))
PREFIX  ?= /usr/local

LIB_SRC  := $(sort $(wildcard src/*/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=build/obj/%.o)
SAN_OBJ  := $(LIB_SRC:src/%.c=build/san/obj/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests/%)
SAN_BIN  := $(UNIT_SRC:tests/unit/%.c=build/san/tests/%)
# What several unit tests share (tests/unit/fixture_*.c): compiled on its own (so that each
# object keeps its own .d) and linked into every test, never a test itself.
FIXTURE_SRC := $(sort $(wildcard tests/unit/fixture_*.c))
FIXTURE_OBJ := $(FIXTURE_SRC:tests/unit/%.c=build/tests/%.o)
SAN_FIXTURE_OBJ := $(FIXTURE_SRC:tests/unit/%.c=build/san/tests/%.o)

.PHONY: all check check-build offsets bench soak fuzz fuzz-native install clean

all: build/pyflame

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

build/libpyflame.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/pyflame: build/obj/main.o build/libpyflame.a
	$(CC) $(CFLAGS) -o $@ $(filter %.o %.a,$^) $(PYFLAME_LDLIBS)

build/obj/main.o: src/main.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(FIXTURE_OBJ): build/tests/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -c $< -o $@

build/tests/%: tests/unit/%.c $(FIXTURE_OBJ) build/libpyflame.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(FIXTURE_OBJ) $(call fuzz_src,$*) build/libpyflame.a $(LDLIBS)

# The sanitized build uses clang, so every `make check` also proves the code clang-clean.
build/san/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(SANCC) $(SAN_CFLAGS) -c $< -o $@

build/san/libpyflame.a: $(SAN_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(SAN_FIXTURE_OBJ): build/san/tests/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(SANCC) $(SAN_CFLAGS) -Itests/unit -c $< -o $@

build/san/tests/%: tests/unit/%.c $(SAN_FIXTURE_OBJ) build/san/libpyflame.a
	@mkdir -p $(dir $@)
	$(SANCC) $(SAN_CFLAGS) -Itests/unit -o $@ $< $(SAN_FIXTURE_OBJ) $(call fuzz_src,$*) build/san/libpyflame.a $(LDLIBS)

# The fuzz driver a unit test replays its corpus through, linked into it: test_fuzz_corpus
# takes the walker's, test_fuzz_native the native unwinder's.
fuzz_src = $(if $(filter %fuzz_corpus,$(1)),$(FUZZ_SRC))$(if $(filter %fuzz_native,$(1)),$(FUZZ_NATIVE_SRC))

# `make fuzz`: libFuzzer over mutated memory images (FUZZ_SECONDS, default 60), seeded with the
# recorded images; new crashers land in tests/fuzz/corpus, which `make check` replays.
FUZZ_SRC     = tests/fuzz/fuzz_walk.c
FUZZ_SECONDS ?= 60
build/fuzz/fuzz_walk: $(FUZZ_SRC) $(LIB_SRC)
	@mkdir -p build/fuzz
	$(SANCC) $(CSTD) $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -Isrc -o $@ $(FUZZ_SRC) $(LIB_SRC) $(LDLIBS)

fuzz: build/fuzz/fuzz_walk
	@mkdir -p build/fuzz/corpus tests/fuzz/corpus
	cp -n tests/images/*.img build/fuzz/corpus/ 2>/dev/null || true
	build/fuzz/fuzz_walk -max_total_time=$(FUZZ_SECONDS) -max_len=262144 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix=tests/fuzz/corpus/ build/fuzz/corpus tests/fuzz/corpus

# The native unwinder's driver: registers and a stack from the input, this process's own
# modules (tests/fuzz/fuzz_native.c); crashers land in tests/fuzz/corpus-native, which
# test_fuzz_native replays.
FUZZ_NATIVE_SRC = tests/fuzz/fuzz_native.c
build/fuzz/fuzz_native: $(FUZZ_NATIVE_SRC) $(LIB_SRC)
	@mkdir -p build/fuzz
	$(SANCC) $(CSTD) $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -Isrc -o $@ $(FUZZ_NATIVE_SRC) $(LIB_SRC) $(LDLIBS)

fuzz-native: build/fuzz/fuzz_native
	@mkdir -p build/fuzz/corpus-native tests/fuzz/corpus-native
	build/fuzz/fuzz_native -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix=tests/fuzz/corpus-native/ \
		build/fuzz/corpus-native tests/fuzz/corpus-native

build/san/pyflame: src/main.c build/san/libpyflame.a
	$(SANCC) $(SAN_CFLAGS) -o $@ $(filter %.c %.a,$^) $(LDLIBS)

# check builds everything it runs in parallel (CHECK_JOBS, the machine's CPUs by default): the
# two variants' objects are independent, and a serial build was a tenth of check's time. A
# `make -jN check` keeps its own N (the jobserver); the tests themselves run one at a time.
CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CHECK_DEPS  = build/pyflame build/san/pyflame $(UNIT_BIN) $(SAN_BIN)
check:
	$(MAKE) $(if $(filter -j% --jobserver%,$(MAKEFLAGS)),,-j$(CHECK_JOBS)) check-build
	tests/run

check-build: $(CHECK_DEPS)

offsets:
	tools/gen-offsets > src/python/offsets_table.c.new
	mv src/python/offsets_table.c.new src/python/offsets_table.c
	tools/gen-asyncio-offsets > src/python/asyncio_table.c.new
	mv src/python/asyncio_table.c.new src/python/asyncio_table.c

bench: build/pyflame
	bench/run

soak: build/pyflame
	bench/soak

install: build/pyflame
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 build/pyflame $(DESTDIR)$(PREFIX)/bin/pyflame
	if [ -f docs/pyflame.1 ]; then install -m 644 docs/pyflame.1 $(DESTDIR)$(PREFIX)/share/man/man1/; fi

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
