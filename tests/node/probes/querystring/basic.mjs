// node:querystring: parse and stringify round trips, Node's edge cases.
import qs, { parse, stringify, escape, unescape } from "node:querystring";

for (const s of ["a=1&b=2", "a=1&a=2&a=3", "a", "a=", "=b", "a+b=c+d", "x=%20%2B%E2%82%AC", "bad=%E2%82", "&&a=1&&", "", "a=1;b=2", "k=v=w"]) {
  console.log(JSON.stringify(s), JSON.stringify(parse(s)));
}
console.log(JSON.stringify(parse("a:1;b:2", ";", ":")), JSON.stringify(parse("a=1&b=2&c=3", null, null, { maxKeys: 2 })));
console.log(stringify({ a: 1, b: [2, 3], c: "x y", d: true, e: null, f: undefined, g: NaN, h: {}, "k&": "v=" }));
console.log(stringify({ a: 1, b: 2 }, ";", ":"), stringify("str"), stringify(null), stringify({ u: "€ü" }));
console.log(escape("a b&c/€"), unescape("a%20b%zz"), qs.decode === qs.parse, qs.encode === qs.stringify);
try {
  escape("\ud800");
} catch (e) {
  console.log(e.name, e.code);
}
