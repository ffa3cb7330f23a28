# SPDX-License-Identifier: Apache-2.0
# The entry points. Each target first installs what is missing
# (scripts/deps.sh), so they work on a fresh Debian 12 machine as root.
#
#   make          build build/brug
#   make run      build, create ./data/brug.db with a demo organisation, serve it
#   make test     build with AddressSanitizer and UBSan (clang) and run every suite,
#                 on SQLite and on a throwaway PostgreSQL cluster
#   make bench    build optimised and print the benchmark table (bench/run.sh): every
#                 operation on SQLite and PostgreSQL against its in-run baseline; the
#                 issues' sizes: BENCH_SEARCH_N=1000000 BENCH_IMPORT_N=1000000
#                 BENCH_ANSWERS_N=10000000
#   make soak     brug serve (optimised) under a mixed wrk load for SOAK_SECONDS (600):
#                 no error responses, no memory growth (bench/soak.sh; SOAK_BACKEND=pg)
#   make fuzz     run every fuzz target for FUZZ_SECONDS (default 300) each
#   make test-valgrind  the unit and API suites under valgrind (memcheck: no
#                 errors, no definite or indirect leaks) in a build without
#                 sanitizers, on SQLite and PostgreSQL

BUILD      ?= build
TEST_BUILD ?= build-test
BENCH_BUILD ?= build-bench
VALGRIND_BUILD ?= build-valgrind
DB         ?= ./data/brug.db
LISTEN     ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 300
MESON_TEST_ARGS ?=

.PHONY: all run test bench soak fuzz clean deps test-deps test-valgrind

all:
	@scripts/deps.sh build
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) -Dtests=false
	ninja -C $(BUILD) brug

run: all
	./$(BUILD)/brug demo --db $(DB)
	exec ./$(BUILD)/brug serve --db $(DB) --listen $(LISTEN)

test-deps:
	@scripts/deps.sh test

$(TEST_BUILD)/build.ninja:
	CC=clang meson setup $(TEST_BUILD) -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized -Dwerror=true

test: test-deps $(TEST_BUILD)/build.ninja
	ninja -C $(TEST_BUILD)
	scripts/test.sh $(TEST_BUILD) $(MESON_TEST_ARGS)

bench:
	@scripts/deps.sh bench
	@[ -f $(BENCH_BUILD)/build.ninja ] || meson setup $(BENCH_BUILD) -Dbuildtype=release -Dtests=false
	ninja -C $(BENCH_BUILD)
	bench/run.sh $(BENCH_BUILD)

soak:
	@scripts/deps.sh bench
	@[ -f $(BENCH_BUILD)/build.ninja ] || meson setup $(BENCH_BUILD) -Dbuildtype=release -Dtests=false
	ninja -C $(BENCH_BUILD)
	bench/soak.sh $(BENCH_BUILD)

fuzz: test-deps $(TEST_BUILD)/build.ninja
	ninja -C $(TEST_BUILD)
	@for t in $(TEST_BUILD)/tests/fuzz/fuzz_*; do \
		n=$${t##*/fuzz_}; echo "== fuzz $$n for $(FUZZ_SECONDS)s"; \
		tests/fuzz/run.sh $$t tests/fuzz/corpus/$$n $(FUZZ_SECONDS) || exit 1; \
	done

$(VALGRIND_BUILD)/build.ninja:
	meson setup $(VALGRIND_BUILD) -Dbuildtype=debugoptimized

test-valgrind: test-deps $(VALGRIND_BUILD)/build.ninja
	ninja -C $(VALGRIND_BUILD)
	scripts/test.sh $(VALGRIND_BUILD) --setup valgrind --suite unit --suite api --no-suite script $(MESON_TEST_ARGS)

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(BENCH_BUILD) $(VALGRIND_BUILD)
