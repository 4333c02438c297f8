// Headers cases from WPT fetch/api/headers (headers-basic.any.js,
// header-setcookie.any.js, headers-casing, headers-errors, headers-normalize,
// header-values), translated to data + checks. Run alone with
// `howth run tests/wpt/fetch_headers.test.ts`, or through
// tests/js/wpt_fetch.test.ts with the Request and Response suites.

import { Suite, assertArrayEquals, assertEquals, assertThrows, assertTrue, report } from "../js/wpt_harness.ts";

const nested = (actual: [string, string][], expected: [string, string][], what: string) => {
  assertEquals(actual.length, expected.length, `${what} length`);
  expected.forEach((e, i) => assertArrayEquals(actual[i]!, e, `${what}[${i}]`));
};

export function headersSuite(): Suite {
  const s = new Suite("fetch headers");

  // ---- headers-basic.any.js
  s.test("Create headers from no parameter", () => void new Headers());
  s.test("Create headers from undefined parameter", () => void new Headers(undefined));
  s.test("Create headers from empty object", () => void new Headers({}));
  for (const p of [null, 1]) {
    s.test(`Create headers with ${p} should throw`, () => assertThrows(TypeError, () => new Headers(p as unknown as HeadersInit)));
  }
  const headerDict: Record<string, unknown> = {
    name1: "value1", name2: "value2", name3: "value3", name4: null, name5: undefined, name6: 1, "Content-Type": "value4",
  };
  const headerSeq = Object.keys(headerDict).map((k) => [k, headerDict[k]] as [string, string]);
  s.test("Create headers with sequence", () => {
    const h = new Headers(headerSeq);
    for (const k in headerDict) assertEquals(h.get(k), String(headerDict[k]), k);
    assertEquals(h.get("length"), null, "init is a sequence, not a record");
  });
  s.test("Create headers with record", () => {
    const h = new Headers(headerDict as Record<string, string>);
    for (const k in headerDict) assertEquals(h.get(k), String(headerDict[k]), k);
  });
  s.test("Create headers with existing headers", () => {
    const h2 = new Headers(new Headers(headerDict as Record<string, string>));
    for (const k in headerDict) assertEquals(h2.get(k), String(headerDict[k]), k);
  });
  s.test("Create headers with existing headers with custom iterator", () => {
    const h = new Headers();
    (h as unknown as Record<symbol, unknown>)[Symbol.iterator] = function* () {
      yield ["test", "test"];
    };
    assertEquals(new Headers(h).get("test"), "test", "test");
  });
  s.test("Check append method", () => {
    const h = new Headers();
    for (const k in headerDict) {
      h.append(k, headerDict[k] as string);
      assertEquals(h.get(k), String(headerDict[k]), k);
    }
  });
  s.test("Check set method", () => {
    const h = new Headers();
    for (const k in headerDict) {
      h.set(k, headerDict[k] as string);
      assertEquals(h.get(k), String(headerDict[k]), k);
    }
  });
  s.test("Check has method", () => {
    const h = new Headers(headerDict as Record<string, string>);
    for (const k in headerDict) assertTrue(h.has(k), k);
    assertTrue(!h.has("nameNotInHeaders"), "nameNotInHeaders");
  });
  s.test("Check delete method", () => {
    const h = new Headers(headerDict as Record<string, string>);
    for (const k in headerDict) {
      assertTrue(h.has(k), k);
      h.delete(k);
      assertTrue(!h.has(k), `${k} deleted`);
    }
  });
  s.test("Check get method", () => {
    const h = new Headers(headerDict as Record<string, string>);
    for (const k in headerDict) assertEquals(h.get(k), String(headerDict[k]), k);
    assertEquals(h.get("nameNotInHeaders"), null, "absent");
  });

  const entriesDict: Record<string, string> = {
    name1: "value1", Name2: "value2", name: "value3", "content-Type": "value4", "Content-Typ": "value5", "Content-Types": "value6",
  };
  const sorted: Record<string, string> = {};
  const sortedKeys = Object.keys(entriesDict).map((k) => {
    sorted[k.toLowerCase()] = entriesDict[k]!;
    return k.toLowerCase();
  }).sort();
  const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  const checkIterator = (it: object) => {
    const proto = Object.getPrototypeOf(it);
    assertEquals(Object.getPrototypeOf(proto), iteratorPrototype, "iterator prototype chain");
    const d = Object.getOwnPropertyDescriptor(proto, "next")!;
    assertTrue(d.configurable && d.enumerable && d.writable, "next is configurable, enumerable, writable");
  };
  s.test("Check keys method", () => {
    const it = new Headers(entriesDict).keys();
    checkIterator(it);
    for (const k of sortedKeys) assertEquals(it.next().value, k, "key");
    assertTrue(it.next().done, "done");
    assertTrue(it.next().done, "still done");
  });
  s.test("Check values method", () => {
    const it = new Headers(entriesDict).values();
    checkIterator(it);
    for (const k of sortedKeys) assertEquals(it.next().value, sorted[k], "value");
    assertTrue(it.next().done, "done");
  });
  s.test("Check entries method", () => {
    const it = new Headers(entriesDict).entries();
    checkIterator(it);
    for (const k of sortedKeys) assertArrayEquals(it.next().value!, [k, sorted[k]!], "entry");
    assertTrue(it.next().done, "done");
  });
  s.test("Check Symbol.iterator method", () => {
    const it = new Headers(entriesDict)[Symbol.iterator]();
    for (const k of sortedKeys) assertArrayEquals(it.next().value!, [k, sorted[k]!], "entry");
    assertTrue(it.next().done, "done");
  });
  s.test("Check forEach method", () => {
    const h = new Headers(entriesDict);
    const ref = sortedKeys[Symbol.iterator]();
    h.forEach((value, key, container) => {
      assertEquals(container, h, "container");
      const e = ref.next();
      assertEquals(key, e.value, "key");
      assertEquals(value, sorted[e.value!], "value");
    });
    assertTrue(ref.next().done, "all visited");
  });
  s.test("Iteration skips elements removed while iterating", () => {
    const h = new Headers({ foo: "2", baz: "1", BAR: "0" });
    const keys: string[] = [];
    for (const [k] of h) {
      keys.push(k);
      h.delete("foo");
    }
    assertArrayEquals(keys, ["bar", "baz"], "keys");
  });
  s.test("Removing elements already iterated over causes an element to be skipped during iteration", () => {
    const h = new Headers({ foo: "2", baz: "1", BAR: "0", quux: "3" });
    const keys: string[] = [];
    for (const [k] of h) {
      keys.push(k);
      if (k === "baz") h.delete("bar");
    }
    assertArrayEquals(keys, ["bar", "baz", "quux"], "keys");
  });
  s.test("Appending a value pair during iteration causes it to be reached during iteration", () => {
    const h = new Headers({ foo: "2", baz: "1", BAR: "0", quux: "3" });
    const keys: string[] = [];
    for (const [k] of h) {
      keys.push(k);
      if (k === "baz") h.append("X-yZ", "4");
    }
    assertArrayEquals(keys, ["bar", "baz", "foo", "quux", "x-yz"], "keys");
  });
  s.test("Prepending a value pair before the current element position causes it to be skipped during iteration", () => {
    const h = new Headers({ foo: "2", baz: "1", BAR: "0", quux: "3" });
    const keys: string[] = [];
    for (const [k] of h) {
      keys.push(k);
      if (k === "baz") h.append("abc", "-1");
    }
    assertArrayEquals(keys, ["bar", "baz", "baz", "foo", "quux"], "keys");
  });

  // ---- header-setcookie.any.js
  const headerList: [string, string][] = [["set-cookie", "foo=bar"], ["Set-Cookie", "fizz=buzz; domain=example.com"]];
  const setCookie2: [string, string][] = [["set-cookie2", "foo2=bar2"], ["Set-Cookie2", "fizz2=buzz2; domain=example2.com"]];
  s.test("Create headers with a single set-cookie header in object", () => void new Headers({ "Set-Cookie": "foo=bar" }));
  s.test("Create headers with multiple set-cookie header in list", () => void new Headers(headerList));
  s.test("Headers.prototype.get combines set-cookie headers in order", () => {
    assertEquals(new Headers(headerList).get("set-cookie"), "foo=bar, fizz=buzz; domain=example.com", "get");
  });
  s.test("Headers iterator does not combine set-cookie headers", () => {
    nested([...new Headers(headerList)], [["set-cookie", "foo=bar"], ["set-cookie", "fizz=buzz; domain=example.com"]], "list");
  });
  s.test("Headers iterator does not special case set-cookie2 headers", () => {
    nested([...new Headers(setCookie2)], [["set-cookie2", "foo2=bar2, fizz2=buzz2; domain=example2.com"]], "list");
  });
  s.test("Headers iterator does not combine set-cookie & set-cookie2 headers", () => {
    nested([...new Headers([...headerList, ...setCookie2])], [
      ["set-cookie", "foo=bar"], ["set-cookie", "fizz=buzz; domain=example.com"],
      ["set-cookie2", "foo2=bar2, fizz2=buzz2; domain=example2.com"],
    ], "list");
  });
  s.test("Headers iterator preserves set-cookie ordering", () => {
    nested([...new Headers([["set-cookie", "z=z"], ["set-cookie", "a=a"], ["set-cookie", "n=n"]])],
      [["set-cookie", "z=z"], ["set-cookie", "a=a"], ["set-cookie", "n=n"]], "list");
  });
  s.test("Headers iterator preserves per header ordering, but sorts keys alphabetically", () => {
    nested([...new Headers([
      ["xylophone-header", "1"], ["best-header", "2"], ["set-cookie", "3"], ["a-cool-header", "4"],
      ["set-cookie", "5"], ["a-cool-header", "6"], ["best-header", "7"],
    ])], [
      ["a-cool-header", "4, 6"], ["best-header", "2, 7"], ["set-cookie", "3"], ["set-cookie", "5"], ["xylophone-header", "1"],
    ], "list");
  });
  s.test("Headers iterator is correctly updated with set-cookie changes", () => {
    const h = new Headers([["fizz", "buzz"], ["X-Header", "test"]]);
    const it = h[Symbol.iterator]();
    assertArrayEquals(it.next().value!, ["fizz", "buzz"], "1");
    h.append("Set-Cookie", "a=b");
    assertArrayEquals(it.next().value!, ["set-cookie", "a=b"], "2");
    h.append("Accept", "text/html");
    assertArrayEquals(it.next().value!, ["set-cookie", "a=b"], "3");
    assertArrayEquals(it.next().value!, ["x-header", "test"], "4");
    h.append("set-cookie", "c=d");
    assertArrayEquals(it.next().value!, ["x-header", "test"], "5");
    assertTrue(it.next().done, "done");
  });
  s.test("Headers.prototype.has works for set-cookie", () => assertTrue(new Headers(headerList).has("sEt-cOoKiE"), "has"));
  s.test("Headers.prototype.append works for set-cookie", () => {
    const h = new Headers(setCookie2);
    h.append("set-Cookie", "foo=bar");
    h.append("sEt-cOoKiE", "fizz=buzz");
    nested([...h], [["set-cookie", "foo=bar"], ["set-cookie", "fizz=buzz"], ["set-cookie2", "foo2=bar2, fizz2=buzz2; domain=example2.com"]], "list");
  });
  s.test("Headers.prototype.set works for set-cookie", () => {
    const h = new Headers(headerList);
    h.set("set-cookie", "foo2=bar2");
    nested([...h], [["set-cookie", "foo2=bar2"]], "list");
  });
  s.test("Headers.prototype.delete works for set-cookie", () => {
    const h = new Headers(headerList);
    h.delete("set-Cookie");
    nested([...h], [], "list");
  });
  const getSetCookie = (h: Headers) => (h as Headers & { getSetCookie(): string[] }).getSetCookie();
  s.test("Headers.prototype.getSetCookie with no headers present", () => assertArrayEquals(getSetCookie(new Headers()), [], "list"));
  s.test("Headers.prototype.getSetCookie with one header", () => assertArrayEquals(getSetCookie(new Headers([headerList[0]!])), ["foo=bar"], "list"));
  s.test("Headers.prototype.getSetCookie with multiple headers", () => {
    assertArrayEquals(getSetCookie(new Headers(headerList)), ["foo=bar", "fizz=buzz; domain=example.com"], "list");
  });
  s.test("Headers.prototype.getSetCookie with an empty header", () => assertArrayEquals(getSetCookie(new Headers([["set-cookie", ""]])), [""], "list"));
  s.test("Headers.prototype.getSetCookie with two equal headers", () => {
    assertArrayEquals(getSetCookie(new Headers([["set-cookie", "x"], ["set-cookie", "x"]])), ["x", "x"], "list");
  });
  s.test("Headers.prototype.getSetCookie ignores set-cookie2 headers", () => {
    assertArrayEquals(getSetCookie(new Headers([["set-cookie2", "x"], ["set-cookie", "y"], ["set-cookie2", "z"]])), ["y"], "list");
  });
  s.test("Headers.prototype.getSetCookie preserves header ordering", () => {
    assertArrayEquals(getSetCookie(new Headers([["set-cookie", "z=z"], ["set-cookie", "a=a"], ["set-cookie", "n=n"]])), ["z=z", "a=a", "n=n"], "list");
  });

  // ---- headers-casing.html
  const caseDict: Record<string, string> = { UPPERCASE: "value1", lowercase: "value2", mixedCase: "value3" };
  const checkCase = (h: Headers) => {
    for (const k in caseDict) {
      for (const n of [k, k.toLowerCase(), k.toUpperCase()]) assertEquals(h.get(n), caseDict[k], n);
    }
  };
  s.test("Create headers, names use characters with different case", () => checkCase(new Headers(caseDict)));
  s.test("Check append method, names use characters with different case", () => {
    const h = new Headers();
    for (const k in caseDict) h.append(k, caseDict[k]!);
    checkCase(h);
  });
  s.test("Check set method, names use characters with different case", () => {
    const h = new Headers();
    for (const k in caseDict) h.set(k, caseDict[k]!);
    checkCase(h);
  });

  // ---- headers-errors.html (getAll is no longer in the standard)
  s.test("Create headers giving invalid init arguments", () => {
    assertThrows(TypeError, () => new Headers([["invalid", "invalidValue1", "invalidValue2"]] as unknown as [string, string][]));
    assertThrows(TypeError, () => new Headers([["invalid\u0100", "Value1"]]));
    assertThrows(TypeError, () => new Headers([["name", "invalidValue\u0100"]]));
  });
  s.test("Check headers'method giving invalid arguments", () => {
    const h = new Headers();
    assertThrows(TypeError, () => h.get("invalid\u0100"));
    assertThrows(TypeError, () => h.delete("invalid\u0100"));
    assertThrows(TypeError, () => h.has("invalid\u0100"));
    assertThrows(TypeError, () => h.set("invalid\u0100", "Value1"));
    assertThrows(TypeError, () => h.set("name", "invalidValue\u0100"));
    assertThrows(TypeError, () => h.append("invalid\u0100", "Value1"));
    assertThrows(TypeError, () => h.append("name", "invalidValue\u0100"));
  });

  // ---- headers-normalize.html
  const ws: Record<string, string> = {
    name1: " space ", name2: "\ttab\t", name3: " spaceAndTab\t", name4: "\r\n newLine", name5: "newLine\r\n ", name6: "\r\n\tnewLine",
  };
  s.test("Create headers with not normalized values", () => {
    const h = new Headers(ws);
    for (const k in ws) assertEquals(h.get(k), ws[k]!.trim(), k);
  });
  s.test("Check append method with not normalized values", () => {
    const h = new Headers();
    for (const k in ws) {
      h.append(k, ws[k]!);
      assertEquals(h.get(k), ws[k]!.trim(), k);
    }
  });
  s.test("Check set method with not normalized values", () => {
    const h = new Headers();
    for (const k in ws) {
      h.set(k, ws[k]!);
      assertEquals(h.get(k), ws[k]!.trim(), k);
    }
  });

  // ---- header-values.html: "x" + byte + "x" for every byte; only NUL, LF
  // and CR are invalid (there through XHR and fetch, here through Headers).
  for (let i = 0; i < 0x100; i++) {
    const fail = i === 0 || i === 0x0a || i === 0x0d;
    const val = "x" + String.fromCharCode(i) + "x";
    s.test(`Headers with value ${encodeURI(val)}`, () => {
      if (fail) {
        assertThrows(TypeError, () => new Headers({ "value-test": val }));
      } else {
        assertEquals(new Headers({ "value-test": val }).get("value-test"), val, "value");
      }
    });
  }
  return s;
}

if ((import.meta as { main?: boolean }).main) report([headersSuite()]);
