// scripts/symbolic-libnode.mjs on the libnode `make deps` provisioned, and
// the conditions under which its answers are the loader's for Howth.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  R_X86_64_64,
  R_X86_64_GLOB_DAT,
  R_X86_64_JUMP_SLOT,
  R_X86_64_RELATIVE,
  bindsToSelf,
  definedSymbols,
  makeSymbolic,
  readLayout,
  relocations,
} from "../symbolic-libnode.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const candidates = [
  `${root}.deps/libnode/usr/lib/x86_64-linux-gnu/libnode.so.108`,
  "/usr/lib/x86_64-linux-gnu/libnode.so.108",
];
const libnodePath = candidates.find((p) => existsSync(p));
const original = libnodePath ? readFileSync(libnodePath) : null;
const R_X86_64_COPY = 5;

test("a libnode to convert was provisioned", () => {
  assert.ok(libnodePath, `none of ${candidates.join(", ")}`);
});

test("each converted relocation stores what the loader would have stored", () => {
  const { buf, converted } = makeSymbolic(original);
  assert.equal(buf.length, original.length);
  const before = relocations(original);
  const after = relocations(buf);
  assert.equal(after.length, before.length);
  let seen = 0;
  for (let i = 0; i < before.length; i++) {
    const [b, a] = [before[i], after[i]];
    assert.equal(a.at, b.at);
    const symbolic = [R_X86_64_64, R_X86_64_GLOB_DAT, R_X86_64_JUMP_SLOT].includes(b.type);
    if (!symbolic || !bindsToSelf(b.symbol)) {
      assert.deepEqual([a.type, a.symbol?.index, a.addend], [b.type, b.symbol?.index, b.addend]);
      continue;
    }
    seen++;
    assert.equal(a.type, R_X86_64_RELATIVE);
    assert.equal(a.symbol, null);
    const expected = b.symbol.value + (b.type === R_X86_64_64 ? b.addend : 0n);
    assert.equal(BigInt.asUintN(64, a.addend), expected);
  }
  assert.equal(seen, converted);
  // Most of libnode's symbolic relocations point into itself.
  assert.ok(converted > 40000, `only ${converted} converted`);
  // Headers (BIND_NOW, RELRO) are untouched: only relocation entries differ.
  assert.deepEqual(readLayout(buf).dyn, readLayout(original).dyn);
  assert.deepEqual(readLayout(buf).relro, readLayout(original).relro);
  // Converting the copy again changes nothing.
  assert.equal(makeSymbolic(buf).converted, 0);
});

test("what stays with the loader: undefined symbols, weak and unique data", () => {
  const kept = relocations(makeSymbolic(original).buf).filter((r) => r.symbol);
  assert.ok(kept.length > 0);
  for (const r of kept) assert.equal(bindsToSelf(r.symbol), false, r.symbol.name());
  const names = new Set(kept.map((r) => r.symbol.name()));
  assert.ok(names.has("malloc"), "libc's functions are still looked up");
});

test("howth interposes on nothing the copy binds: no copy relocations, no strong duplicates", (t) => {
  const exe = `${root}target/release/howth`;
  if (!existsSync(exe)) return t.skip("target/release/howth not built");
  const bin = readFileSync(exe);
  assert.equal(relocations(bin).filter((r) => r.type === R_X86_64_COPY).length, 0);
  const ours = definedSymbols(bin);
  const theirs = definedSymbols(original);
  for (const [name, sym] of ours) {
    const other = theirs.get(name);
    if (!other || !bindsToSelf(other)) continue;
    // Bound to libnode's copy, though howth's comes first in the search
    // order: only right for an inline function or template instantiated on
    // both sides (weak, and the same code by the ODR).
    assert.ok(sym.bind === 2 && other.bind === 2 && sym.type === 2, `howth and libnode both define ${name}`);
  }
});

test("refuses what is not an x86-64 shared object", () => {
  assert.throws(() => makeSymbolic(Buffer.from("#!/bin/sh\necho not elf\n")), /not an ELF file/);
  const exec = Buffer.from(original.subarray(0, 64));
  exec.writeUInt16LE(2, 16); // ET_EXEC
  assert.throws(() => makeSymbolic(exec), /not a shared object/);
});
