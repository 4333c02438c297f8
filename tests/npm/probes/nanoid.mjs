// nanoid: an ESM-only package (v5 has no CommonJS build). IDs are random:
// their length, alphabet and uniqueness are printed.
import { nanoid, customAlphabet, urlAlphabet, customRandom } from "nanoid";

const id = nanoid();
console.log("nanoid", id.length, /^[A-Za-z0-9_-]+$/.test(id), nanoid(10).length);
const ids = new Set(Array.from({ length: 2000 }, () => nanoid()));
console.log("unique", ids.size);
const hex = customAlphabet("0123456789abcdef", 12);
console.log("custom", hex().length, /^[0-9a-f]{12}$/.test(hex()), urlAlphabet.length);
// A fixed random source makes the ID deterministic.
const fixed = customRandom("abcdef", 8, (size) => Uint8Array.from({ length: size }, (_, i) => i * 37));
console.log("customRandom", fixed());
