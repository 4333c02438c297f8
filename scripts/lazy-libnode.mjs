#!/usr/bin/env node
// Writes a copy of libnode.so.108 whose PLT is bound lazily.
//
// Why: Debian links libnode `-z now` with every V8 and Node symbol exported,
// so the dynamic loader resolves ~60,000 symbols by name before main(); that
// is most of the ~38 ms any program linking libnode pays at start. Half of
// those are PLT slots (calls into functions), which the ELF format lets the
// loader resolve on first call instead -- a process that runs a small script
// calls only a few thousand of them. The copy differs from the original in
// three header fields: DF_BIND_NOW and DF_1_NOW are cleared, and the
// PT_GNU_RELRO segment ends where the GOT begins, because lazily bound GOT
// slots are written after start-up (the "partial RELRO" layout of a default
// `ld` link). Code and data are untouched; LD_BIND_NOW=1 restores eager
// binding at run time.
//
// usage: node scripts/lazy-libnode.mjs <libnode.so.108> <output>
import { readFileSync, writeFileSync, renameSync } from "node:fs";

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_GNU_RELRO = 0x6474e552;
const PF_X = 1;
const DT_NULL = 0n;
const DT_PLTRELSZ = 2n;
const DT_PLTGOT = 3n;
const DT_RELA = 7n;
const DT_PLTREL = 20n;
const DT_JMPREL = 23n;
const DT_BIND_NOW = 24n;
const DT_FLAGS = 30n;
const DT_FLAGS_1 = 0x6ffffffbn;
const DF_BIND_NOW = 0x8n;
const DF_1_NOW = 0x1n;
const R_X86_64_JUMP_SLOT = 7n;
const R_X86_64_IRELATIVE = 37n;

/** Parses the ELF headers this patch needs; throws on anything else. */
export function readLayout(buf) {
  if (buf.readUInt32BE(0) !== 0x7f454c46) throw new Error("not an ELF file");
  if (buf[4] !== 2 || buf[5] !== 1) throw new Error("not 64-bit little-endian ELF");
  if (buf.readUInt16LE(16) !== 3) throw new Error("not a shared object (ET_DYN)");
  if (buf.readUInt16LE(18) !== 62) throw new Error("not x86-64");
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const phentsize = buf.readUInt16LE(0x36);
  const phnum = buf.readUInt16LE(0x38);
  const loads = [];
  let dynamic = null;
  let relro = null;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const ph = {
      at,
      type: buf.readUInt32LE(at),
      flags: buf.readUInt32LE(at + 4),
      offset: buf.readBigUInt64LE(at + 8),
      vaddr: buf.readBigUInt64LE(at + 16),
      filesz: buf.readBigUInt64LE(at + 32),
      memsz: buf.readBigUInt64LE(at + 40),
    };
    if (ph.type === PT_LOAD) loads.push(ph);
    if (ph.type === PT_DYNAMIC) dynamic = ph;
    if (ph.type === PT_GNU_RELRO) relro = ph;
  }
  if (!dynamic) throw new Error("no PT_DYNAMIC segment");
  const fileOffset = (vaddr) => {
    const seg = loads.find((l) => vaddr >= l.vaddr && vaddr < l.vaddr + l.filesz);
    if (!seg) throw new Error(`address 0x${vaddr.toString(16)} is not in the file`);
    return Number(vaddr - seg.vaddr + seg.offset);
  };
  const isCode = (vaddr) =>
    loads.some((l) => (l.flags & PF_X) !== 0 && vaddr >= l.vaddr && vaddr < l.vaddr + l.memsz);
  const dyn = new Map(); // tag -> { at, value } (first occurrence)
  for (let at = Number(dynamic.offset); ; at += 16) {
    const tag = buf.readBigInt64LE(at);
    if (tag === DT_NULL) break;
    if (!dyn.has(tag)) dyn.set(tag, { at, value: buf.readBigUInt64LE(at + 8) });
  }
  return { loads, relro, dyn, fileOffset, isCode };
}

/** True when the loader would bind this object's PLT eagerly. */
export function bindsNow(layout) {
  const flags = layout.dyn.get(DT_FLAGS)?.value ?? 0n;
  const flags1 = layout.dyn.get(DT_FLAGS_1)?.value ?? 0n;
  return layout.dyn.has(DT_BIND_NOW) || (flags & DF_BIND_NOW) !== 0n || (flags1 & DF_1_NOW) !== 0n;
}

/** Returns a patched copy of `input` (a Buffer), leaving `input` unchanged. */
export function makeLazy(input) {
  const buf = Buffer.from(input);
  const layout = readLayout(buf);
  const { dyn, relro, fileOffset, isCode } = layout;
  if (dyn.has(DT_BIND_NOW)) throw new Error("DT_BIND_NOW entry present: not supported");
  const need = (tag, name) => {
    const entry = dyn.get(tag);
    if (!entry) throw new Error(`no ${name} in the dynamic section`);
    return entry.value;
  };
  const pltgot = need(DT_PLTGOT, "DT_PLTGOT");
  const jmprel = need(DT_JMPREL, "DT_JMPREL");
  const pltrelsz = need(DT_PLTRELSZ, "DT_PLTRELSZ");
  if (need(DT_PLTREL, "DT_PLTREL") !== DT_RELA) throw new Error("PLT relocations are not RELA");

  // Lazy binding only works if every PLT slot starts out pointing back into
  // its PLT stub (which calls the resolver). `ld -z now` still writes these.
  const relocs = fileOffset(jmprel);
  for (let at = relocs; at < relocs + Number(pltrelsz); at += 24) {
    const slot = buf.readBigUInt64LE(at);
    const type = buf.readBigUInt64LE(at + 8) & 0xffffffffn;
    if (type === R_X86_64_IRELATIVE) continue; // resolved at load either way
    if (type !== R_X86_64_JUMP_SLOT) throw new Error(`unexpected PLT relocation type ${type}`);
    const initial = buf.readBigUInt64LE(fileOffset(slot));
    if (!isCode(initial)) {
      throw new Error(`PLT slot 0x${slot.toString(16)} has no lazy stub (0x${initial.toString(16)})`);
    }
  }

  for (const [tag, bit] of [
    [DT_FLAGS, DF_BIND_NOW],
    [DT_FLAGS_1, DF_1_NOW],
  ]) {
    const entry = dyn.get(tag);
    if (entry) buf.writeBigUInt64LE(entry.value & ~bit, entry.at + 8);
  }
  // The GOT must stay writable after start-up; everything RELRO protected
  // before it (vtables, .data.rel.ro, .dynamic) stays protected.
  if (relro && pltgot >= relro.vaddr && pltgot < relro.vaddr + relro.memsz) {
    const size = pltgot - relro.vaddr;
    buf.writeBigUInt64LE(size, relro.at + 32);
    buf.writeBigUInt64LE(size, relro.at + 40);
  }
  return buf;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error("usage: lazy-libnode.mjs <libnode.so.108> <output>");
    process.exit(2);
  }
  try {
    const patched = makeLazy(readFileSync(input));
    const tmp = `${output}.tmp-${process.pid}`;
    writeFileSync(tmp, patched, { mode: 0o644 });
    renameSync(tmp, output);
  } catch (e) {
    console.error(`lazy-libnode: ${input}: ${e.message}`);
    process.exit(1);
  }
}
