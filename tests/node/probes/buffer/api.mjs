// node:buffer: construction, comparison, search, slicing, numbers in and out.
import { Buffer } from "node:buffer";

const b = Buffer.from("hello world");
console.log(b, b.length, Buffer.isBuffer(b), Buffer.isBuffer(new Uint8Array(1)), b instanceof Uint8Array, b.constructor.name);
console.log(Buffer.alloc(4), Buffer.alloc(4, 1), Buffer.alloc(5, "ab"), Buffer.alloc(4, "aGk=", "base64"), Buffer.alloc(3, Buffer.from([9, 8])));
console.log(Buffer.from([1, 2, 300, -1]), Buffer.from(new Uint16Array([1, 258])), Buffer.from({ length: 2, 0: 5, 1: 6 }), Buffer.from({ type: "Buffer", data: [7] }));
const ab = new ArrayBuffer(8);
const view = Buffer.from(ab, 2, 4);
view[0] = 255;
console.log(new Uint8Array(ab)[2], view.byteOffset, view.length, Buffer.from(new String("boxed")));
console.log(Buffer.concat([Buffer.from("a"), Buffer.from("bc"), new Uint8Array([100])]), Buffer.concat([Buffer.from("abc")], 2), Buffer.concat([], 0));
console.log(Buffer.compare(Buffer.from("a"), Buffer.from("b")), Buffer.from("b").compare(Buffer.from("a")), b.equals(Buffer.from("hello world")));
console.log(b.compare(Buffer.from("world"), 0, 5, 6, 11), [Buffer.from("b"), Buffer.from("a"), Buffer.from("ab")].sort(Buffer.compare));
console.log(b.indexOf("o"), b.indexOf("o", 5), b.lastIndexOf("o"), b.indexOf(Buffer.from("wor")), b.indexOf(111), b.includes("xyz"), b.indexOf("o", -3));
console.log(b.lastIndexOf("o", 5), b.indexOf(""), b.indexOf("", 20), b.lastIndexOf(108, -5), b.indexOf("6f", "hex"), b.indexOf(0x16f));
const s = b.slice(0, 5);
s[0] = 72;
console.log(b.toString(), b.subarray(6).toString(), b.slice(-5).toString(), b.toString("utf8", 1, 4), b.toString(undefined, 6));
const target = Buffer.alloc(6, ".");
console.log(b.copy(target, 1, 0, 3), target.toString(), b.copy(target, 4), target.toString());
console.log(JSON.stringify(Buffer.from("hi")), Buffer.from("abc").toJSON());
const w = Buffer.alloc(10);
console.log(w.write("héllo"), w, w.write("xyz", 8), w, w.write("abcd", 2, 1), w.write("6162", 0, "hex"), w);
console.log(Buffer.alloc(4).fill("ab"), Buffer.alloc(4).fill(0x41, 1, 3), Buffer.alloc(6).fill("é"), Buffer.alloc(3).fill(""));
const n = Buffer.alloc(16);
n.writeUInt32BE(0xdeadbeef, 0);
n.writeInt16LE(-2, 4);
n.writeDoubleLE(1.5, 8);
console.log(n, n.readUInt32BE(0), n.readUInt32LE(0), n.readInt16LE(4), n.readUInt16LE(4), n.readDoubleLE(8), n.readUInt8(0), n.readInt8(0));
n.writeFloatBE(3.25, 0);
n.writeBigUInt64LE(2n ** 63n + 5n, 8);
console.log(n.readFloatBE(0), n.readBigUInt64LE(8), n.readBigInt64LE(8), n.readBigUInt64BE(8));
n.writeUIntBE(0x123456, 0, 3);
n.writeIntLE(-123456, 3, 3);
console.log(n.readUIntBE(0, 3), n.readIntLE(3, 3), n.readUIntLE(0, 6), n.readIntBE(0, 6), n.writeUint16LE(1, 0), n.readUint16LE(0));
for (const f of [() => n.readUInt8(16), () => n.readUInt32LE(13), () => n.readUInt8(1.5), () => n.writeUInt8(256, 0), () => n.writeInt32LE(2 ** 31, 0),
  () => n.writeUInt32LE(-1, 0), () => n.readUIntLE(0, 7), () => n.writeBigUInt64LE(-1n, 0), () => n.readUInt8("1"), () => Buffer.alloc(0).readUInt8(),
  () => Buffer.alloc(-1), () => Buffer.from(5), () => Buffer.from({}), () => n.writeUIntLE(2 ** 40, 0, 6) && n.writeUInt32LE(2 ** 33, 0)]) {
  try {
    console.log("ok", f());
  } catch (e) {
    console.log(e.name, e.code, e.message);
  }
}
const sw = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
console.log(Buffer.from(sw).swap16(), Buffer.from(sw).swap32(), Buffer.from(sw).swap64());
try {
  Buffer.from([1, 2, 3]).swap16();
} catch (e) {
  console.log(e.code, e.message);
}
console.log(Buffer.alloc(60, 1), Buffer.from("x").toLocaleString(), Buffer.of(1, 2), Buffer.from("abc").reverse(), [...Buffer.from("ab").entries()]);
console.log(Buffer.from("ab").map((x) => x + 1), Buffer.from("hello").filter((x) => x > 104), Buffer.byteLength(new ArrayBuffer(5)), Buffer.poolSize);
console.log(Buffer(3), new Buffer("old"), Buffer.from(Buffer.from("copy")), Buffer.allocUnsafe(3).length, Buffer.copyBytesFrom(new Uint16Array([1, 2]), 1));
