// node:url's legacy API: url.parse (every field), url.format, url.resolve
// and Url.resolveObject, on the inputs Node's own rules treat specially.
import url, { parse, format, resolve, Url } from "node:url";

const fields = ["protocol", "slashes", "auth", "host", "port", "hostname", "hash", "search", "query", "pathname", "path", "href"];
const show = (u) => JSON.stringify(fields.map((f) => u[f]));

const inputs = [
  "http://user:pass@host.com:8080/p/a/t/h?query=string#hash",
  "HTTP://WWW.Example.COM/A?B#C",
  "/just/a/path?x=1&y=2",
  "//host/path",
  "relative/path",
  "?only=query",
  "#only-hash",
  "",
  "   http://trim.me/  ",
  "http:\\\\back\\slash\\path?q=\\x",
  "mailto:someone@example.com",
  "javascript:alert(1)",
  "file:///etc/passwd",
  "file://localhost/etc/hosts",
  "http://[::1]:3000/ipv6",
  "http://a b.com/",
  "http://x.com/has space/and\"quote'<>^`{|}",
  "http://münchen.de/straße",
  "http://host:/empty-port",
  "http://host:abc/bad-port",
  "http://a@b@c/",
  "http://%41%40b/",
  "www.example.com/no-protocol",
  "//user@host/with-auth",
  "xmpp:user@host/resource",
  "git+ssh://git@github.com:user/repo.git",
  "http://host.com?",
  "http://host.com#",
  "http://host.com/a/b/../c/./d",
  "HTTP://host.com",
  "http://x/" + "a".repeat(10) + "?q=1#h",
  "tel:+1-555-0100",
  "http://host.com/p?a=1&a=2&b=%20c+d",
];
for (const s of inputs) {
  console.log(JSON.stringify(s), show(parse(s)));
  const q = parse(s, true);
  console.log("  query", JSON.stringify(q.query), Object.getPrototypeOf(q.query ?? {}) === null);
  console.log("  slashesDenoteHost", show(parse(s, false, true)));
}
for (const bad of ["http://[fe80::1%25eth0]/", "http://a%00b/", "http://a<b/", "http://[a b]/"]) {
  try {
    console.log("parsed", show(parse(bad)));
  } catch (e) {
    console.log("threw", e.name, e.code, e.input === bad);
  }
}
for (const v of [undefined, null, 1, {}]) {
  try {
    parse(v);
  } catch (e) {
    console.log("parse", String(v), e.name, e.code);
  }
}

// format: legacy objects, strings, WHATWG URLs with options.
const objects = [
  { protocol: "http", host: "a.com", pathname: "/x" },
  { protocol: "https:", hostname: "b.com", port: 8443, pathname: "y", query: { a: 1, b: ["2", "3"] } },
  { protocol: "mailto", auth: "me", hostname: "x.org" },
  { protocol: "file", pathname: "/etc/hosts" },
  { protocol: "file:" },
  { hostname: "::1", port: 80, pathname: "/v6" },
  { protocol: "http:", auth: "us er:p@ss€", host: "h", search: "q=1#not-hash", hash: "frag" },
  { pathname: "/a?b#c" },
  { protocol: "xmpp:", slashes: true, host: "h", pathname: "p" },
  { search: "?s", query: { ignored: true } },
  {},
];
for (const o of objects) console.log(JSON.stringify(o), JSON.stringify(format(o)));
console.log(format("http://A.com/b c?d#e"));
const w = new URL("https://user:pw@xn--espaol-zwa.com:8080/p?q=1#h");
console.log(format(w));
console.log(format(w, { auth: false, fragment: false, search: false }));
console.log(format(w, { unicode: true }));
for (const v of [null, 5, undefined]) {
  try {
    format(v);
  } catch (e) {
    console.log("format", String(v), e.name, e.code);
  }
}

// resolve: Node's legacy resolution table (including what WHATWG resolves differently).
const pairs = [
  ["/one/two/three", "four"],
  ["http://example.com/", "/one"],
  ["http://example.com/one", "/two"],
  ["http://example.com/a/b/c", "../d"],
  ["http://example.com/a/b/c", "../../../../d"],
  ["one/two/three", "four"],
  ["one/two/three", "../../../../four"],
  ["http://a/b/c/d;p?q", "g:h"],
  ["http://a/b/c/d;p?q", "g"],
  ["http://a/b/c/d;p?q", "./g"],
  ["http://a/b/c/d;p?q", "g/"],
  ["http://a/b/c/d;p?q", "//g"],
  ["http://a/b/c/d;p?q", "?y"],
  ["http://a/b/c/d;p?q", "#s"],
  ["http://a/b/c/d;p?q", ""],
  ["http://a/b/c/d;p?q", "."],
  ["http://a/b/c/d;p?q", ".."],
  ["http://a/b/c/d;p?q", "../.."],
  ["http://a/b/c/d;p?q", "g?y/./x"],
  ["http://a/b/c/d;p?q", "http:g"],
  ["http://a/b/c/d;p?q", "https:g"],
  ["http://user:pw@a/b", "//other/c"],
  ["http://user:pw@a/b", "/c"],
  ["mailto:local1@domain1", "local2@domain2"],
  ["mailto:a@b", "?subject=hi"],
  ["file:///a/b", "c"],
  ["file:///a/b", "../../../c"],
  ["http://x.com", "y"],
  ["", "a/b"],
  ["a", ""],
];
for (const [from, to] of pairs) console.log(JSON.stringify([from, to]), JSON.stringify(resolve(from, to)));
const ro = url.resolveObject("http://a/b/c", "../d?e#f");
console.log(ro instanceof Url, show(ro));
console.log(url.resolveObject("", "x"));
const u = new Url();
console.log(show(u), typeof u.parse, u.parse("http://a/b") === u, u.href);
console.log(Object.keys(url).sort().join(","));
