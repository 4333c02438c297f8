#!/usr/bin/env bash
# Installs the built howth under PREFIX (make install PREFIX=...):
#
#   PREFIX/bin/howth                          symlink to the binary
#   PREFIX/lib/howth/target/release/howth     the binary
#   PREFIX/lib/howth/.deps/libnode-symbolic/libnode.so.108
#
# The binary finds libnode through an rpath relative to itself
# ($ORIGIN/../../.deps/..., .cargo/config.toml), so the install keeps the
# build tree's layout under lib/howth and the rpath needs no rewriting.
# The self-bound copy `make deps` made is installed when there is one, else
# the libnode `make deps` unpacked; a system-wide libnode-dev needs nothing.
# libnode's own dependencies (ICU, libuv, OpenSSL, ...) come from the
# system: the target machine needs the packages scripts/deps.sh installs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
prefix=${1:?usage: install.sh PREFIX [path/to/howth]}
binary=${2:-$here/target/release/howth}
lib_rel=usr/lib/x86_64-linux-gnu
[ -x "$binary" ] || { echo "install: no binary at $binary (make build)" >&2; exit 1; }

mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
home="$prefix/lib/howth"
mkdir -p "$home/target/release" "$prefix/bin"
install -m 755 "$binary" "$home/target/release/howth"
if [ -e "$here/.deps/libnode-symbolic/libnode.so.108" ]; then
  mkdir -p "$home/.deps/libnode-symbolic"
  install -m 644 "$here/.deps/libnode-symbolic/libnode.so.108" "$home/.deps/libnode-symbolic/"
  echo "install: libnode (self-bound copy) in $home/.deps/libnode-symbolic"
elif [ -e "$here/.deps/libnode/$lib_rel/libnode.so.108" ]; then
  mkdir -p "$home/.deps/libnode/$lib_rel"
  install -m 644 "$here/.deps/libnode/$lib_rel/libnode.so.108" "$home/.deps/libnode/$lib_rel/"
  echo "install: libnode in $home/.deps/libnode/$lib_rel"
else
  echo "install: using the system's libnode.so.108"
fi
ln -sfn ../lib/howth/target/release/howth "$prefix/bin/howth"
echo "install: $prefix/bin/howth"
