// Headers: WHATWG semantics (cases follow WPT fetch/api/headers).
import { assert, assertEquals, assertThrows, test, run } from "./assert.ts";

test("case-insensitive get/has/set/delete", () => {
  const h = new Headers();
  h.set("Content-Type", "text/html");
  assertEquals(h.get("content-type"), "text/html");
  assertEquals(h.get("CONTENT-TYPE"), "text/html");
  assert(h.has("Content-type"));
  h.delete("CONTENT-type");
  assertEquals(h.has("content-type"), false);
  assertEquals(h.get("content-type"), null);
});

test("append combines with comma-space; set replaces", () => {
  const h = new Headers();
  h.append("Accept", "a");
  h.append("accept", "b");
  assertEquals(h.get("accept"), "a, b");
  h.set("accept", "c");
  assertEquals(h.get("accept"), "c");
  assertEquals([...h], [["accept", "c"]]);
});

test("set-cookie is never combined; getSetCookie", () => {
  const h = new Headers([
    ["Set-Cookie", "a=1"],
    ["set-cookie", "b=2"],
    ["x", "y"],
  ]);
  assertEquals(h.getSetCookie(), ["a=1", "b=2"]);
  assertEquals(h.get("set-cookie"), "a=1, b=2");
  assertEquals([...h], [
    ["set-cookie", "a=1"],
    ["set-cookie", "b=2"],
    ["x", "y"],
  ]);
  assertEquals(new Headers().getSetCookie(), []);
});

test("iteration is sorted by lower-case name and combined", () => {
  const h = new Headers({ "Z-Last": "z", "a-first": "a", "M-Mid": "m1" });
  h.append("m-mid", "m2");
  assertEquals([...h.keys()], ["a-first", "m-mid", "z-last"]);
  assertEquals([...h.values()], ["a", "m1, m2", "z"]);
  assertEquals([...h.entries()][1], ["m-mid", "m1, m2"]);
  const seen: string[] = [];
  h.forEach((v, k, parent) => {
    assert(parent === h);
    seen.push(`${k}=${v}`);
  });
  assertEquals(seen, ["a-first=a", "m-mid=m1, m2", "z-last=z"]);
  assertEquals(Object.prototype.toString.call(h.entries()), "[object Headers Iterator]");
  assertEquals(Object.prototype.toString.call(h), "[object Headers]");
});

test("init from record, array of pairs, Headers", () => {
  assertEquals(new Headers({ a: "1" }).get("a"), "1");
  assertEquals(new Headers([["a", "1"]]).get("a"), "1");
  const src = new Headers({ a: "1" });
  const copy = new Headers(src);
  copy.set("a", "2");
  assertEquals(src.get("a"), "1");
  assertEquals(copy.get("a"), "2");
  assertThrows(() => new Headers([["a"]] as never), TypeError);
  assertThrows(() => new Headers([["a", "b", "c"]] as never), TypeError);
  assertThrows(() => new Headers(null as never), TypeError);
});

test("values are normalised: leading/trailing HTTP whitespace stripped", () => {
  const h = new Headers();
  h.set("a", "  x y \t");
  assertEquals(h.get("a"), "x y");
  h.set("b", "\r\n v \n");
  assertEquals(h.get("b"), "v");
  h.set("c", "");
  assertEquals(h.get("c"), "");
});

test("invalid names and values throw TypeError", () => {
  const h = new Headers();
  assertThrows(() => h.set("bad name", "x"), TypeError);
  assertThrows(() => h.set("", "x"), TypeError);
  assertThrows(() => h.set("a:b", "x"), TypeError);
  assertThrows(() => h.set("é", "x"), TypeError);
  assertThrows(() => h.get("bad name"), TypeError);
  assertThrows(() => h.set("a", "x\ny"), TypeError);
  assertThrows(() => h.set("a", "x\ry"), TypeError);
  assertThrows(() => h.set("a", "x\0y"), TypeError);
  assertThrows(() => h.append("a", "\u0100"), TypeError);
  // Latin-1 and obs-text are fine.
  h.set("a", "caf\u00e9");
  assertEquals(h.get("a"), "café");
});

test("immutable headers (Response.error, Response.redirect) refuse changes", () => {
  const h = Response.error().headers;
  assertThrows(() => h.set("a", "b"), TypeError);
  assertThrows(() => h.append("a", "b"), TypeError);
  assertThrows(() => h.delete("a"), TypeError);
  const r = Response.redirect("http://example.com/x", 301);
  assertEquals(r.headers.get("location"), "http://example.com/x");
  assertThrows(() => r.headers.set("location", "/y"), TypeError);
});

test("mutation during iteration is seen", () => {
  const h = new Headers({ a: "1", c: "3" });
  const keys: string[] = [];
  for (const [k] of h) {
    keys.push(k);
    if (k === "a") h.set("b", "2");
  }
  assertEquals(keys, ["a", "b", "c"]);
});

test("String() and numbers as values", () => {
  const h = new Headers();
  h.set("n", 42 as unknown as string);
  assertEquals(h.get("n"), "42");
});

test("set-cookie: per-name order kept, set-cookie2 not special", () => {
  const h = new Headers([
    ["zeta", "1"],
    ["set-cookie", "z=z"],
    ["set-cookie2", "x"],
    ["set-cookie", "a=a"],
    ["beta", "2"],
    ["set-cookie2", "y"],
    ["beta", "3"],
  ]);
  assertEquals([...h], [
    ["beta", "2, 3"],
    ["set-cookie", "z=z"],
    ["set-cookie", "a=a"],
    ["set-cookie2", "x, y"],
    ["zeta", "1"],
  ]);
  assertEquals(h.getSetCookie(), ["z=z", "a=a"]);
  h.set("Set-Cookie", "only=1");
  assertEquals(h.getSetCookie(), ["only=1"]);
  h.delete("SET-COOKIE");
  assertEquals(h.getSetCookie(), []);
  assertEquals(new Headers([["set-cookie", ""]]).getSetCookie(), [""]);
});

test("an iterator sees appends made while it runs", () => {
  const h = new Headers([
    ["fizz", "buzz"],
    ["X-Header", "test"],
  ]);
  const it = h[Symbol.iterator]();
  assertEquals(it.next().value, ["fizz", "buzz"]);
  h.append("Set-Cookie", "a=b");
  assertEquals(it.next().value, ["set-cookie", "a=b"]);
  h.append("Accept", "text/html");
  // "accept" sorts first, so the cursor now points at set-cookie again.
  assertEquals(it.next().value, ["set-cookie", "a=b"]);
  assertEquals(it.next().value, ["x-header", "test"]);
  h.append("set-cookie", "c=d");
  assertEquals(it.next().value, ["x-header", "test"]);
  assertEquals(it.next().done, true);
});

await run();
