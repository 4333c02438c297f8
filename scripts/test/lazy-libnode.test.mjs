// scripts/lazy-libnode.mjs on the libnode `make deps` provisioned.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bindsNow, makeLazy, readLayout } from "../lazy-libnode.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const candidates = [
  `${root}.deps/libnode/usr/lib/x86_64-linux-gnu/libnode.so.108`,
  "/usr/lib/x86_64-linux-gnu/libnode.so.108",
];
const libnodePath = candidates.find((p) => existsSync(p));
const DT_PLTGOT = 3n;

test("a libnode to patch was provisioned", () => {
  assert.ok(libnodePath, `none of ${candidates.join(", ")}`);
});

test("the copy binds lazily, keeps RELRO up to the GOT, and changes nothing else", () => {
  const original = readFileSync(libnodePath);
  const before = readLayout(original);
  assert.equal(bindsNow(before), true, "Debian's libnode is expected to be linked -z now");
  const patched = makeLazy(original);
  const after = readLayout(patched);
  assert.equal(bindsNow(after), false);
  const pltgot = after.dyn.get(DT_PLTGOT).value;
  assert.equal(after.relro.vaddr + after.relro.memsz, pltgot);
  assert.equal(after.relro.filesz, after.relro.memsz);
  assert.equal(after.relro.vaddr, before.relro.vaddr);
  assert.equal(patched.length, original.length);
  // Only header fields differ: two dynamic entries and RELRO's two sizes.
  const changed = [];
  for (let i = 0; i < original.length; i++) if (original[i] !== patched[i]) changed.push(i);
  const fields = [
    ...[...before.dyn.values()].map((e) => e.at + 8),
    before.relro.at + 32,
    before.relro.at + 40,
  ];
  for (const at of changed) {
    assert.ok(fields.some((f) => at >= f && at < f + 8), `byte ${at} changed outside a header field`);
  }
  assert.ok(changed.length > 0);
  // Patching the copy again changes nothing.
  assert.deepEqual(makeLazy(patched), patched);
});

test("refuses files it cannot make lazy", () => {
  assert.throws(() => makeLazy(Buffer.from("#!/bin/sh\necho not elf\n")), /not an ELF file/);
  // A PLT slot that does not point back into the PLT (no lazy stub to run).
  const original = readFileSync(libnodePath);
  const layout = readLayout(original);
  const jmprel = layout.fileOffset(layout.dyn.get(23n).value);
  const slot = original.readBigUInt64LE(jmprel);
  const broken = Buffer.from(original);
  broken.writeBigUInt64LE(0n, layout.fileOffset(slot));
  assert.throws(() => makeLazy(broken), /has no lazy stub/);
});
