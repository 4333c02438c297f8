// node:buffer: every encoding, both ways, including Node's lenient decoding.
import { Buffer, constants, kMaxLength, isUtf8, isAscii, atob, btoa } from "node:buffer";

const samples = ["", "a", "hello", "héllo wörld", "日本語", "emoji 😀!", "\u0000\u007f\u0080\u00ff", "lone \ud800 surrogate"];
const encodings = ["utf8", "utf-8", "hex", "base64", "base64url", "latin1", "binary", "ascii", "utf16le", "ucs2", "UCS-2", "UTF8"];
for (const s of samples) {
  for (const enc of encodings) {
    const b = Buffer.from(s, enc === "hex" || enc.startsWith("base64") ? "utf8" : enc);
    console.log(JSON.stringify(s), enc, b.toString("hex"), JSON.stringify(b.toString(enc)), Buffer.byteLength(s, enc));
  }
}
const decodes = [["aGVsbG8=", "base64"], ["aGVsbG8", "base64"], ["aGVs bG8=ZZ", "base64"], ["a-_b", "base64"], ["a+/b", "base64url"],
  ["ab=cd", "base64"], ["a$b%c^d", "base64"], ["Zm9v\nYmFy", "base64"], ["", "base64"], ["=", "base64"], ["QQ", "base64"],
  ["abc", "hex"], ["abzz12", "hex"], ["ABCDEF", "hex"], ["0", "hex"], ["zz", "hex"],
  // Non-ASCII in hex/base64 text: Latin-1 (one byte a character in V8) and wider characters.
  ["aGVs\u00e9bG8", "base64"], ["aGVs\u4e00bG8", "base64"], ["ab\u00e912", "hex"], ["ab\u4e00cd", "hex"], ["\u00e9abcd", "hex"], ["YQ==YQ==", "base64"], ["-_-_", "base64url"],
  ["ÿ", "latin1"], ["Āā", "latin1"], ["€", "ascii"]];
for (const [s, enc] of decodes) console.log("decode", JSON.stringify(s), enc, Buffer.from(s, enc).toString("hex"), Buffer.byteLength(s, enc));
const big = Buffer.alloc(1000);
for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 255;
const b64 = big.toString("base64");
console.log(b64.length, b64.slice(0, 40), Buffer.from(b64, "base64").equals(big), Buffer.from(big.toString("base64url"), "base64url").equals(big));
console.log(Buffer.from(b64 + "\u00e9", "base64").equals(big), Buffer.from(big.toString("hex") + "\u4e00", "hex").equals(big));
console.log(Buffer.from(big.toString("hex"), "hex").equals(big), Buffer.from(big.toString("latin1"), "latin1").equals(big));
console.log(big.toString("utf8").length, big.toString("ascii").length, big.toString("utf16le").length);
console.log(Buffer.from([0xe2, 0x82]).toString(), Buffer.from([0xf0, 0x9f, 0x98]).toString() === "\ufffd", Buffer.from([0xef, 0xbb, 0xbf, 0x41]).toString().length);
console.log(Buffer.isEncoding("hex"), Buffer.isEncoding("UTF-16LE"), Buffer.isEncoding("nope"), Buffer.isEncoding(""), Buffer.isEncoding(1));
for (const f of [() => Buffer.from("x", "nope"), () => Buffer.alloc(2).toString("bogus")]) {
  try {
    f();
  } catch (e) {
    console.log(e.name, e.code, e.message);
  }
}
console.log(isUtf8(Buffer.from("héllo")), isUtf8(Buffer.from([0xff])), isAscii(Buffer.from("abc")), isAscii(Buffer.from("é")));
console.log(atob("aGk="), btoa("hi"), kMaxLength === constants.MAX_LENGTH);
