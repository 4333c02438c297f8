// node:string_decoder: characters split across chunks come out whole.
import { StringDecoder } from "node:string_decoder";

const euro = Buffer.from("€");
const d = new StringDecoder("utf8");
console.log(JSON.stringify(d.write(euro.subarray(0, 1))), JSON.stringify(d.write(euro.subarray(1))), JSON.stringify(d.end()));
console.log(JSON.stringify(d.write(Buffer.from([0xe2, 0x82]))), JSON.stringify(d.end()));
const emoji = Buffer.from("a😀b");
let out = "";
const d2 = new StringDecoder();
for (const byte of emoji) out += d2.write(Buffer.from([byte]));
console.log(out, out === "a😀b", d2.encoding);
const d3 = new StringDecoder("utf16le");
const u16 = Buffer.from("hé😀", "utf16le");
console.log(JSON.stringify([d3.write(u16.subarray(0, 3)), d3.write(u16.subarray(3, 5)), d3.write(u16.subarray(5)), d3.end()]));
const d4 = new StringDecoder("base64");
console.log(d4.write(Buffer.from("ab")), d4.write(Buffer.from("cd")), d4.end(), new StringDecoder("base64").end(Buffer.from("x")));
const d5 = new StringDecoder("hex");
console.log(d5.write(Buffer.from([1, 255])), d5.end(Buffer.from([16])));
console.log(new StringDecoder("latin1").write(Buffer.from([0xe9])), new StringDecoder("ucs2").encoding, new StringDecoder("binary").encoding);
try {
  new StringDecoder("nope");
} catch (e) {
  console.log(e.code, e.message);
}
