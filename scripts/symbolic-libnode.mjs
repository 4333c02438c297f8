#!/usr/bin/env node
// Writes a copy of libnode.so.108 whose references to its own functions are
// bound at build time, as if it had been linked with -Bsymbolic-functions.
//
// Why: Debian links libnode with every V8 and Node symbol exported and no
// -Bsymbolic, so each call or vtable slot that points into libnode itself is
// a dynamic relocation the loader resolves by name at every start: ~60,000
// hash-table lookups, most of the ~38 ms any program linking libnode pays
// before main(). For the loader's answer to such a lookup, the first
// definition in the search order (the executable, then libnode), is
// libnode's own definition unless the executable defines the same symbol:
// this copy writes that answer in as a plain relative relocation.
//
// What is converted: R_X86_64_JUMP_SLOT, _GLOB_DAT and _64 relocations whose
// symbol libnode defines as a function (global or weak; a weak one the
// executable also defines is an inline function, the same code by the ODR),
// or as strong (global) data. Left to the loader: undefined symbols, weak and
// STB_GNU_UNIQUE data (vtables, typeinfo, template statics, which must stay
// one object per process), IFUNCs and TLS. BIND_NOW and full RELRO stay as
// Debian built them; only relocation entries change.
//
// usage: node scripts/symbolic-libnode.mjs <libnode.so.108> <output>
import { readFileSync, writeFileSync, renameSync } from "node:fs";

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_GNU_RELRO = 0x6474e552;
const DT_NULL = 0n;
const DT_PLTRELSZ = 2n;
const DT_STRTAB = 5n;
const DT_SYMTAB = 6n;
const DT_RELA = 7n;
const DT_RELASZ = 8n;
const DT_PLTREL = 20n;
const DT_JMPREL = 23n;

export const R_X86_64_64 = 1;
export const R_X86_64_GLOB_DAT = 6;
export const R_X86_64_JUMP_SLOT = 7;
export const R_X86_64_RELATIVE = 8;
const STB_GLOBAL = 1;
const STB_WEAK = 2;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const SHN_LORESERVE = 0xff00;

/** Parses the ELF headers and dynamic section; throws on anything else. */
export function readLayout(buf) {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46) throw new Error("not an ELF file");
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
      type: buf.readUInt32LE(at),
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
  const dyn = new Map(); // tag -> value (first occurrence)
  for (let at = Number(dynamic.offset); ; at += 16) {
    const tag = buf.readBigInt64LE(at);
    if (tag === DT_NULL) break;
    if (!dyn.has(tag)) dyn.set(tag, buf.readBigUInt64LE(at + 8));
  }
  return { dyn, relro, fileOffset };
}

/** Every RELA relocation (dynamic and PLT) with its symbol, for `buf`. */
export function relocations(buf, layout = readLayout(buf)) {
  const { dyn, fileOffset } = layout;
  const need = (tag, name) => {
    if (!dyn.has(tag)) throw new Error(`no ${name} in the dynamic section`);
    return dyn.get(tag);
  };
  const symtab = fileOffset(need(DT_SYMTAB, "DT_SYMTAB"));
  const strtab = fileOffset(need(DT_STRTAB, "DT_STRTAB"));
  if (dyn.has(DT_JMPREL) && need(DT_PLTREL, "DT_PLTREL") !== DT_RELA) {
    throw new Error("PLT relocations are not RELA");
  }
  const symbol = (index) => {
    const at = symtab + index * 24;
    const info = buf[at + 4];
    const nameAt = strtab + buf.readUInt32LE(at);
    return {
      index,
      name: () => buf.toString("latin1", nameAt, buf.indexOf(0, nameAt)),
      bind: info >> 4,
      type: info & 0xf,
      shndx: buf.readUInt16LE(at + 6),
      value: buf.readBigUInt64LE(at + 8),
    };
  };
  const out = [];
  for (const [start, size] of [
    [dyn.get(DT_RELA), dyn.get(DT_RELASZ)],
    [dyn.get(DT_JMPREL), dyn.get(DT_PLTRELSZ)],
  ]) {
    if (start === undefined || !size) continue;
    const first = fileOffset(start);
    for (let at = first; at < first + Number(size); at += 24) {
      const info = buf.readBigUInt64LE(at + 8);
      const index = Number(info >> 32n);
      out.push({
        at,
        type: Number(info & 0xffffffffn),
        symbol: index === 0 ? null : symbol(index),
        addend: buf.readBigInt64LE(at + 16),
      });
    }
  }
  return out;
}

/** The symbols an object defines in its dynamic symbol table (from the
 * section headers), by name: what it exports to, or interposes on, others. */
export function definedSymbols(buf) {
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const defined = new Map();
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    if (buf.readUInt32LE(at + 4) !== 11) continue; // SHT_DYNSYM
    const offset = Number(buf.readBigUInt64LE(at + 24));
    const size = Number(buf.readBigUInt64LE(at + 32));
    const strtab = Number(buf.readBigUInt64LE(shoff + buf.readUInt32LE(at + 40) * shentsize + 24));
    for (let s = offset + 24; s < offset + size; s += 24) {
      const shndx = buf.readUInt16LE(s + 6);
      if (shndx === 0) continue;
      const nameAt = strtab + buf.readUInt32LE(s);
      const info = buf[s + 4];
      const name = buf.toString("latin1", nameAt, buf.indexOf(0, nameAt));
      defined.set(name, { bind: info >> 4, type: info & 0xf, shndx });
    }
  }
  return defined;
}

/** Whether the loader would find this object's own definition for `sym`
 * and the definition may be bound at build time (see the header). */
export function bindsToSelf(sym) {
  if (!sym || sym.shndx === 0 || sym.shndx >= SHN_LORESERVE) return false;
  if (sym.type === STT_FUNC) return sym.bind === STB_GLOBAL || sym.bind === STB_WEAK;
  return sym.type === STT_OBJECT && sym.bind === STB_GLOBAL;
}

/** Returns the converted copy of `input` (a Buffer) and how many
 * relocations were converted; `input` is unchanged. */
export function makeSymbolic(input) {
  const buf = Buffer.from(input);
  let converted = 0;
  for (const r of relocations(buf)) {
    if (r.type !== R_X86_64_64 && r.type !== R_X86_64_GLOB_DAT && r.type !== R_X86_64_JUMP_SLOT) continue;
    if (!bindsToSelf(r.symbol)) continue;
    // JUMP_SLOT and GLOB_DAT store S, R_X86_64_64 stores S + A; a relative
    // relocation stores load base + addend.
    const addend = r.type === R_X86_64_64 ? r.symbol.value + BigInt.asUintN(64, r.addend) : r.symbol.value;
    if (r.type !== R_X86_64_64 && r.addend !== 0n) continue;
    buf.writeBigUInt64LE(BigInt(R_X86_64_RELATIVE), r.at + 8);
    buf.writeBigInt64LE(BigInt.asIntN(64, addend), r.at + 16);
    converted++;
  }
  return { buf, converted };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error("usage: symbolic-libnode.mjs <libnode.so.108> <output>");
    process.exit(2);
  }
  try {
    const { buf, converted } = makeSymbolic(readFileSync(input));
    const tmp = `${output}.tmp-${process.pid}`;
    writeFileSync(tmp, buf, { mode: 0o644 });
    renameSync(tmp, output);
    console.log(`symbolic-libnode: ${converted} relocations bound to libnode's own definitions`);
  } catch (e) {
    console.error(`symbolic-libnode: ${input}: ${e.message}`);
    process.exit(1);
  }
}
