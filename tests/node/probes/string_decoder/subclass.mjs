// node:string_decoder subclassed the pre-ES2015 way, as iconv-lite does
// under Express's body parsers: StringDecoder.call(this) on an object whose
// prototype is StringDecoder.prototype.
import { StringDecoder } from "node:string_decoder";

function Sub(enc) {
  StringDecoder.call(this, enc);
}
Sub.prototype = StringDecoder.prototype;
const d = new Sub("utf8");
const euro = Buffer.from("€");
console.log(d instanceof StringDecoder, d.encoding, JSON.stringify(d.write(euro.subarray(0, 2))), d.lastNeed, d.lastTotal);
console.log(JSON.stringify(d.write(euro.subarray(2))), JSON.stringify(d.end(Buffer.from([0xe2]))));
console.log(typeof StringDecoder, Object.keys(new StringDecoder("hex")).includes("encoding"));
