# Howth — see README.md. One cargo profile (release) for build, test and bench.
SHELL := /bin/bash
LIBNODE_DIR := $(CURDIR)/.deps/libnode/usr/lib/x86_64-linux-gnu
LIBNODE_SYMBOLIC_DIR := $(CURDIR)/.deps/libnode-symbolic
# Doctests link in temporary folders the rpath cannot reach; same order as the
# rpath (.cargo/config.toml), so tests load the libnode the binary ships with.
export LD_LIBRARY_PATH := $(LIBNODE_SYMBOLIC_DIR):$(LIBNODE_DIR)$(if $(LD_LIBRARY_PATH),:$(LD_LIBRARY_PATH))
CARGO ?= cargo
HOWTH := target/release/howth

.PHONY: deps build run install test test-checked test-rust test-js test-node lint bench bench-node-http bench-callgrind bench-startup bench-io bench-npm bench-node bench-crypto fuzz soak clean bench-db bench-arena bench-proxy

deps:
	@bash scripts/deps.sh

build: deps
	$(CARGO) build --release --bin howth

run: build
	$(HOWTH) run examples/hello.ts

# The binary and the libnode it loads, under PREFIX (docs/getting-started.md).
PREFIX ?= /usr/local
install: build
	@bash scripts/install.sh $(PREFIX) $(HOWTH)

test: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings
	npx --no-install tsc --strict --noEmit -p ts-lib
	npx --no-install tsc --strict --noEmit -p examples
	npx --no-install tsc --strict --noEmit -p tests/js
	$(CARGO) test --release --workspace
	@bash scripts/test-js.sh $(HOWTH)
	node tests/node/run.mjs $(HOWTH)
	node scripts/check-docs.mjs $(HOWTH)
	@bash scripts/fuzz.sh 200000
	@bash tests/js/golden/check.sh $(HOWTH)
	node --test benches/harness/test/ scripts/test/

# The Rust suite once more with debug assertions on (profile `checked`:
# release plus debug-assertions and overflow checks, its own target folder),
# in which the engine's state guard asserts, then the JS suite and the Node
# probes on that build's binary (docs/engine-boundary.md). Not part of
# `make test`: it is a second full build (21 minutes cold on 2 cores).
test-checked: deps
	$(CARGO) test --profile checked --workspace --no-fail-fast
	@bash scripts/test-js.sh target/checked/howth
	node tests/node/run.mjs target/checked/howth

bench: build
	node benches/harness/bench.mjs $(BENCH_ARGS)

# node:http apps (benches/apps/node.mjs, express.cjs, fastify.cjs) on Howth,
# Bun and Node: hello and json at 50 and 1,000 connections, plus pipelined.
bench-node-http: build
	node benches/harness/bench.mjs --runtimes nodehttp-howth,nodehttp-bun,nodehttp-node,express-howth,express-bun,express-node,fastify-howth,fastify-bun,fastify-node --scenarios hello,json --connections 50,1000 $(BENCH_ARGS)

# The database scenarios (TechEmpower db/queries/updates/fortunes, HttpArena
# async-db and crud) on Howth and Bun against one Postgres and one Redis
# (benches/db/run.mjs; docs/sql.md#benchmarks).
bench-db: build
	node benches/db/run.mjs $(BENCH_ARGS)

# fetch() in a handler: benches/apps/proxy.ts on Howth, Bun and Deno, each request fetching a
# small JSON from one local upstream (benches/floor/epoll_floor.c json), 50 and 200 connections.
bench-proxy: build
	node benches/harness/bench.mjs --runtimes proxy-howth,proxy-bun,proxy-deno --scenarios proxy --no-pipeline $(BENCH_ARGS)

# The HttpArena-style profiles (benches/apps/arena.ts, arena-node.mjs) on Howth, Bun,
# Deno and Node, same run, each validated before it is timed (docs/benchmarks.md).
bench-arena: build
	node benches/harness/bench.mjs --runtimes arena-howth,arena-bun,arena-deno,arena-node --scenarios arena-baseline,arena-pipelined,arena-limited,arena-json,arena-upload,arena-async --no-pipeline $(BENCH_ARGS)

# Instructions per request under callgrind, plain and 16-deep pipelined
# (docs/engine-boundary.md). Compare binaries: make bench-callgrind
# CALLGRIND_BINS="target/main/howth target/release/howth".
bench-callgrind: build
	bash benches/callgrind/run.sh $(or $(CALLGRIND_BINS),$(HOWTH))

# `howth run empty.ts` next to the libnode floor, node and bun (hyperfine).
bench-startup: build
	bash benches/startup/run.sh

# gzip/gunzip and readFile of 1 MiB on Howth and Node, same run (docs/node-io.md).
bench-io: build
	bash benches/io/run.sh $(HOWTH)

# The Node API against node itself: tests/node/probes/<module>/*.mjs under
# both, stdout compared line by line (docs/node-compat.md).
test-node: build
	node tests/node/run.mjs $(HOWTH)

# Buffer base64/base64url/hex of 1 MiB on Howth and Node, same run (docs/node-compat.md).
bench-node: build
	bash benches/node/run.sh $(HOWTH)

# JWT verifications per second (HS256, ES256) on Howth, Node and Bun, same run (docs/web-crypto.md).
bench-crypto: build
	bash benches/crypto/run.sh $(HOWTH)

# Start-up with npm packages (a Hono app, lodash-es) next to node and bun (hyperfine).
bench-npm: build
	bash benches/npm/run.sh

# FUZZ_RUNS executions of every fuzz target (parser, connection, client protocols).
fuzz:
	@bash scripts/fuzz.sh $(or $(FUZZ_RUNS),2000000)

# The two-minute soak (the ten-second one runs in `make test`).
soak: build
	$(CARGO) test --release --test soak -- --ignored --nocapture

clean:
	$(CARGO) clean
