#!/usr/bin/env bash
# Provisions the V8 that Debian's libnode ships (V8 10.2), idempotently.
# 1. libnode-dev already installed system-wide: use it.
# 2. else try `apt-get install libnode-dev`.
# 3. where that conflicts with an installed Node.js (nodesource's nodejs
#    package claims the same files), download libnode108 + libnode-dev and
#    unpack them into .deps/libnode/, then install libnode108's shared-library
#    dependencies so the unpacked libnode.so.108 can be loaded.
# Also installs the npm packages the TypeScript checks need (typescript).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/.deps/libnode"
lib_rel=usr/lib/x86_64-linux-gnu

have_system() {
  dpkg-query -W -f='${Status}' libnode-dev 2>/dev/null | grep -q "install ok installed" &&
    [ -e /usr/include/node/v8.h ] && [ -e /$lib_rel/libnode.so ]
}
have_local() {
  [ -e "$dest/usr/include/node/v8.h" ] && [ -e "$dest/$lib_rel/libnode.so.108" ]
}
libs_loadable() {
  local so=$1
  ! ldd "$so" 2>/dev/null | grep -q "not found"
}

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_update_once() {
  if [ $apt_updated = 0 ]; then sudo_ apt-get update -qq || true; apt_updated=1; fi
}

if have_system; then
  echo "deps: using system libnode-dev"
elif have_local && libs_loadable "$dest/$lib_rel/libnode.so.108"; then
  echo "deps: using $dest"
else
  # Only attempt a system install when it would not remove an installed Node.js.
  if ! dpkg-query -W -f='${Status}' nodejs 2>/dev/null | grep -q "install ok installed"; then
    apt_update_once
    if sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnode-dev; then
      echo "deps: installed libnode-dev"; exit_ok=1
    fi
  fi
  if ! have_system; then
    apt_update_once
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download libnode108 libnode-dev 2>/dev/null) ||
      { apt_update_once; (cd "$tmp" && apt-get download libnode108 libnode-dev); }
    mkdir -p "$dest"
    for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$dest"; done
    rm -rf "$tmp"
    # libnode-dev's libnode.so symlink is relative; make sure it resolves here.
    if [ ! -e "$dest/$lib_rel/libnode.so" ]; then
      ln -sf libnode.so.108 "$dest/$lib_rel/libnode.so"
    fi
    if ! libs_loadable "$dest/$lib_rel/libnode.so.108"; then
      sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        libc-ares2 libicu72 libuv1 libnghttp2-14 libbrotli1 libssl3 zlib1g
    fi
    libs_loadable "$dest/$lib_rel/libnode.so.108" ||
      { echo "deps: libnode.so.108 still has unresolved libraries:"; ldd "$dest/$lib_rel/libnode.so.108" | grep "not found"; exit 1; }
    echo "deps: unpacked libnode into $dest"
  fi
fi

# A copy of libnode.so.108 whose references to its own functions are bound
# at build time (scripts/symbolic-libnode.mjs says why: it removes most of
# the loader's work at every start). The binary's rpath looks in
# .deps/libnode-symbolic first and falls back to the original, so a copy that
# cannot be made only costs start-up time.
if have_system; then libnode="/$lib_rel/libnode.so.108"; else libnode="$dest/$lib_rel/libnode.so.108"; fi
symbolic="$here/.deps/libnode-symbolic/libnode.so.108"
if [ ! -e "$symbolic" ] || [ "$libnode" -nt "$symbolic" ] || [ "$here/scripts/symbolic-libnode.mjs" -nt "$symbolic" ]; then
  mkdir -p "$(dirname "$symbolic")"
  if ! node "$here/scripts/symbolic-libnode.mjs" "$libnode" "$symbolic"; then
    rm -f "$symbolic"
    echo "deps: using libnode as Debian linked it (see above)"
  fi
fi

# Real servers for the client-protocol tests (protocols/tests): Redis and
# Postgres (initdb and postgres live in /usr/lib/postgresql/<version>/bin);
# wrk, the load generator `howth bench http` drives in tests/cli.rs.
servers=()
command -v wrk >/dev/null 2>&1 || servers+=(wrk)
command -v redis-server >/dev/null 2>&1 || servers+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || servers+=(redis-tools)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || servers+=(postgresql)
command -v psql >/dev/null 2>&1 || servers+=(postgresql-client)
if [ ${#servers[@]} -gt 0 ]; then
  apt_update_once
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${servers[@]}"
  echo "deps: installed ${servers[*]}"
fi

# TypeScript for `tsc --noEmit` (pinned by package-lock.json).
if [ -f "$here/package.json" ] && [ ! -x "$here/node_modules/.bin/tsc" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The npm ws package, the WebSocket peer of protocols/tests/websocket.rs.
ws_peer="$here/protocols/tests/ws"
if [ ! -f "$ws_peer/node_modules/.package-lock.json" ] ||
  [ "$ws_peer/package-lock.json" -nt "$ws_peer/node_modules/.package-lock.json" ]; then
  (cd "$ws_peer" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The real npm packages tests/npm.rs runs (pinned by tests/npm/package-lock.json).
npm_tests="$here/tests/npm"
if [ -f "$npm_tests/package-lock.json" ] && { [ ! -f "$npm_tests/node_modules/.package-lock.json" ] ||
  [ "$npm_tests/package-lock.json" -nt "$npm_tests/node_modules/.package-lock.json" ]; }; then
  (cd "$npm_tests" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The Node HTTP frameworks tests/node_http.rs serves (pinned by tests/npm-http/package-lock.json).
npm_http="$here/tests/npm-http"
if [ -f "$npm_http/package-lock.json" ] && { [ ! -f "$npm_http/node_modules/.package-lock.json" ] ||
  [ "$npm_http/package-lock.json" -nt "$npm_http/node_modules/.package-lock.json" ]; }; then
  (cd "$npm_http" && npm ci --no-audit --no-fund --loglevel=error)
fi
