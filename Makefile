# Aurora's entry points. The README's Quick start uses `make run` and `make test`.
SHELL := /bin/bash
DATA ?= data

.PHONY: all bootstrap build run test test-asan fuzz bench bench-storage bench-queries bench-ingest bench-kafka format clean

all: build

bootstrap:
	@scripts/bootstrap.sh

build: bootstrap
	@cmake --preset release >/dev/null
	@cmake --build --preset release

# Builds Aurora and starts the server on data directory $(DATA), with the demo stream of the standard
# workload flowing into table `events` (1,000 events/s); it prints the URLs and how to sign in.
# AURORA_ADMIN_PASSWORD chooses admin's password on the first start (else it is random and printed).
run: build
	@build/release/src/app/aurora server --data $(DATA) --demo

# Every test: unit tests, storage crash test (kill -9), with warnings as errors; then the unit tests
# again under AddressSanitizer and UndefinedBehaviorSanitizer, and a short run of each fuzz target.
test: bootstrap
	@cmake --preset ci >/dev/null
	@cmake --build --preset ci
	@ctest --preset ci -j2
	@$(MAKE) --no-print-directory test-asan
	@scripts/fuzz.sh --seconds 20

# The kill -9 tests (storage crash test, Kafka sources under SIGKILL) run in the ci build only: their timing,
# not their memory use, is what they test.
test-asan: bootstrap
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan
	@ctest --preset asan -j2 -E "CrashTest|integration/server_kafka|ui/unit|ui/size"

fuzz: bootstrap
	@scripts/fuzz.sh --seconds $${SECONDS_PER_TARGET:-600}

# Storage benchmark beside ClickHouse 18.16 and DuckDB (long; not part of `make test`).
bench-storage: bootstrap
	@scripts/bootstrap.sh --bench
	@cmake --preset release >/dev/null
	@cmake --build --preset release
	@bench/storage.sh $(BENCH_ROWS)

# The 12 reference queries beside ClickHouse 18.16 and DuckDB (long; not part of `make test`).
bench-queries: bootstrap
	@scripts/bootstrap.sh --bench
	@cmake --preset release >/dev/null
	@cmake --build --preset release
	@bench/queries.sh $(BENCH_ROWS)

# HTTP events ingestion (throughput, send-to-visible time) beside ClickHouse 18.16 (not part of `make test`).
bench-ingest: bootstrap
	@scripts/bootstrap.sh --bench
	@cmake --preset release >/dev/null
	@cmake --build --preset release
	@bench/ingest_http.sh $(BENCH_ROWS)

# Kafka sources: events/s beside a bare librdkafka consumer, and produce-to-visible times at 50k events/s
# (not part of `make test`).
bench-kafka: bootstrap
	@cmake --preset release >/dev/null
	@cmake --build --preset release
	@bench/kafka.sh $(BENCH_ROWS)

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build
