// An ES-module-only package.
import superjson from "superjson";
const s = superjson.stringify({ when: new Date(0), set: new Set([1, 2]), big: 10n });
const back = superjson.parse(s);
console.log("superjson", s, back.when instanceof Date, back.set.has(2), typeof back.big);
