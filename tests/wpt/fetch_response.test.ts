// Response cases from WPT fetch/api/response (response-init-001.html,
// response-init-002.html, response-error.any.js, response-static-error.any.js,
// response-static-json.any.js, response-static-redirect.any.js,
// response-consume-empty.any.js, response-clone), translated to data + checks.

import { Suite, assertArrayEquals, assertEquals, assertRejects, assertThrows, assertTrue, report } from "../js/wpt_harness.ts";

export async function responseSuite(): Promise<Suite> {
  const s = new Suite("fetch response");

  // ---- response-init-001.html
  s.test("Check default value for type/url/ok/status/statusText/body", () => {
    const r = new Response();
    assertEquals(r.type, "default", "type");
    assertEquals(r.url, "", "url");
    assertEquals(r.ok, true, "ok");
    assertEquals(r.status, 200, "status");
    assertEquals(r.statusText, "", "statusText");
    assertEquals(r.body, null, "body");
  });
  for (const status of [200, 300, 400, 500, 599]) {
    s.test(`Check status init with ${status} and some values`, () => {
      const r = new Response(null, { status });
      assertEquals(r.status, status, "status");
      assertEquals(r.ok, status >= 200 && status <= 299, "ok");
    });
  }
  for (const statusText of ["", "OK", "with space", String.fromCharCode(0x80)]) {
    s.test(`Check statusText init with ${JSON.stringify(statusText)}`, () => {
      assertEquals(new Response(null, { statusText }).statusText, statusText, "statusText");
    });
  }

  // ---- response-error.any.js
  for (const status of [0, 100, 199, 600, 1000]) {
    s.test(`Throws RangeError when responseInit's status is ${status}`, () => {
      assertThrows(RangeError, () => new Response("", { status }));
    });
  }
  for (const statusText of ["\n", "\u0100"]) {
    s.test(`Throws TypeError when responseInit's statusText is ${JSON.stringify(statusText)}`, () => {
      assertThrows(TypeError, () => new Response("", { statusText }));
    });
  }
  for (const status of [204, 205, 304]) {
    s.test(`Throws TypeError when building a response with body and a body status of ${status}`, () => {
      assertThrows(TypeError, () => new Response("body", { status }));
    });
  }

  // ---- response-static-error.any.js
  s.test("Check response returned by static method error()", () => {
    const r = Response.error();
    assertEquals(r.type, "error", "type");
    assertEquals(r.status, 0, "status");
    assertEquals(r.statusText, "", "statusText");
    assertEquals(r.body, null, "body");
    assertTrue(r.headers.entries().next().done, "no headers");
  });
  s.test("the 'guard' of the Headers instance should be immutable", () => {
    const h = Response.error().headers;
    assertEquals(typeof h.append, "function", "append");
    assertThrows(TypeError, () => h.append("name", "value"));
  });
  s.test("Response.error has correct name and length", () => {
    assertEquals(Response.error.name, "error", "name");
    assertEquals(Response.error.length, 0, "length");
  });

  // ---- response-static-json.any.js
  const INIT: [ResponseInit | undefined, number, string, string, Record<string, string>][] = [
    [undefined, 200, "", "application/json", {}],
    [{ status: 400 }, 400, "", "application/json", {}],
    [{ statusText: "foo" }, 200, "foo", "application/json", {}],
    [{ headers: {} }, 200, "", "application/json", {}],
    [{ headers: { "content-type": "foo/bar" } }, 200, "", "foo/bar", {}],
    [{ headers: { "x-foo": "bar" } }, 200, "", "application/json", { "x-foo": "bar" }],
  ];
  for (const [init, status, statusText, type, headers] of INIT) {
    await s.testAsync(`Check response returned by static json() with init ${JSON.stringify(init)}`, async () => {
      const r = Response.json("hello world", init);
      assertEquals(r.type, "default", "type");
      assertEquals(r.status, status, "status");
      assertEquals(r.statusText, statusText, "statusText");
      assertEquals(r.headers.get("content-type"), type, "content-type");
      for (const k in headers) assertEquals(r.headers.get(k), headers[k], k);
      assertEquals(await r.json(), "hello world", "body");
    });
  }
  for (const status of [204, 205, 304]) {
    s.test(`Throws TypeError when calling static json() with a status of ${status}`, () => {
      assertThrows(TypeError, () => Response.json("hello world", { status }));
    });
  }
  await s.testAsync("Check static json() encodes JSON objects correctly", async () => {
    const data = await Response.json({ foo: "bar" }).json();
    assertEquals(typeof data, "object", "type");
    assertEquals(data.foo, "bar", "foo");
  });
  s.test("Check static json() throws when data is not encodable", () => {
    assertThrows(TypeError, () => Response.json(Symbol("foo")));
  });
  s.test("Check static json() throws when data is circular", () => {
    const a: Record<string, unknown> = { b: 1 };
    a.a = a;
    assertThrows(TypeError, () => Response.json(a));
  });
  s.test("Check static json() propagates JSON serializer errors", () => {
    class CustomError extends Error {
      override name = "CustomError";
    }
    assertThrows(CustomError, () => Response.json({ get foo() { throw new CustomError("bar"); } }));
  });
  const encodingChecks: [string, number[]][] = [
    ["\u{1D306}", [34, 240, 157, 140, 134, 34]],
    [String.fromCharCode(0xdf06, 0xd834), [34, 92, 117, 100, 102, 48, 54, 92, 117, 100, 56, 51, 52, 34]],
    [String.fromCharCode(0xdead), [34, 92, 117, 100, 101, 97, 100, 34]],
  ];
  for (const [input, expected] of encodingChecks) {
    await s.testAsync(`Check response returned by static json() with input ${JSON.stringify(input)}`, async () => {
      assertArrayEquals(new Uint8Array(await Response.json(input).arrayBuffer()), expected, "bytes");
    });
  }
  s.test("headers of Response.json() are mutable", () => {
    const h = Response.json(null).headers;
    h.append("x-custom", "value");
    assertEquals(h.get("x-custom"), "value", "append");
    h.set("x-custom", "value2");
    assertEquals(h.get("x-custom"), "value2", "set");
    h.delete("x-custom");
    assertEquals(h.get("x-custom"), null, "delete");
    assertEquals(h.get("content-type"), "application/json", "content-type");
    h.set("content-type", "foo/bar");
    assertEquals(h.get("content-type"), "foo/bar", "content-type set");
    h.delete("content-type");
    assertEquals(h.get("content-type"), null, "content-type deleted");
  });

  // ---- response-static-redirect.any.js
  const url = "http://test.url:1234/";
  s.test("Check default redirect response", () => {
    const r = Response.redirect(url);
    assertEquals(r.type, "default", "type");
    assertEquals(r.redirected, false, "redirected");
    assertEquals(r.ok, false, "ok");
    assertEquals(r.status, 302, "status");
    assertEquals(r.headers.get("Location"), url, "Location");
    assertEquals(r.statusText, "", "statusText");
  });
  for (const status of [301, 302, 303, 307, 308]) {
    s.test(`Check response returned by static method redirect(), status = ${status}`, () => {
      const r = Response.redirect(url, status);
      assertEquals(r.status, status, "status");
      assertEquals(r.headers.get("Location"), url, "Location");
      assertEquals(r.ok, false, "ok");
    });
  }
  s.test("Check error returned when giving invalid url to redirect()", () => {
    assertThrows(TypeError, () => Response.redirect("http://:This is not an url"));
  });
  for (const status of [200, 309, 400, 500]) {
    s.test(`Check error returned when giving invalid status to redirect(), status = ${status}`, () => {
      assertThrows(RangeError, () => Response.redirect(url, status));
    });
  }
  s.test("Response.redirect has correct name and length", () => {
    assertEquals(Response.redirect.name, "redirect", "name");
    assertEquals(Response.redirect.length, 1, "length");
  });

  // ---- response-init-002.html
  s.test("Initialize Response with headers values", () => {
    const dict: Record<string, string> = { name1: "value1", name2: "value2", name3: "value3" };
    const r = new Response("", { headers: new Headers(dict) });
    for (const k in dict) assertEquals(r.headers.get(k), dict[k], k);
  });
  const fd = new FormData();
  fd.append("name", "value");
  const inits: [BodyInit, string, string][] = [
    [new Blob(["This is a blob"], { type: "application/octet-binary" }), "application/octet-binary", "This is a blob"],
    [fd, "multipart/form-data", 'name="name"\r\n\r\nvalue'],
    [new URLSearchParams("name=value"), "application/x-www-form-urlencoded;charset=UTF-8", "name=value"],
    ["This is a USVString", "text/plain;charset=UTF-8", "This is a USVString"],
  ];
  for (const [body, type, text] of inits) {
    await s.testAsync(`Initialize Response's body with ${type}`, async () => {
      const r = new Response(body);
      const mime = r.headers.get("Content-Type");
      assertTrue(mime !== null && mime.includes(type), `Content-Type ${JSON.stringify(mime)} includes ${type}`);
      const got = await r.text();
      assertTrue(got.includes(text), `body ${JSON.stringify(got)} includes ${JSON.stringify(text)}`);
    });
  }
  await s.testAsync("Read Response's body as readableStream", async () => {
    const body = "This is response body";
    const reader = new Response(body).body!.getReader();
    const chunks: Uint8Array[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    assertEquals(new TextDecoder().decode(all), body, "streamed body");
  });

  // ---- response-consume-empty.any.js
  const noBody = (headers: [string, string][] = []) => new Response(undefined, { headers });
  await s.testAsync("Consume response's body as text", async () => {
    const r = noBody();
    assertEquals(await r.text(), "", "text");
    assertTrue(!r.bodyUsed, "bodyUsed stays false");
  });
  await s.testAsync("Consume response's body as blob", async () => {
    const r = noBody();
    assertEquals(await (await r.blob()).text(), "", "blob text");
    assertTrue(!r.bodyUsed, "bodyUsed stays false");
  });
  await s.testAsync("Consume response's body as arrayBuffer", async () => {
    const r = noBody();
    assertEquals((await r.arrayBuffer()).byteLength, 0, "byteLength");
    assertTrue(!r.bodyUsed, "bodyUsed stays false");
  });
  await s.testAsync("Consume response's body as json (error case)", async () => {
    const r = noBody();
    await assertRejects(SyntaxError, () => r.json());
    assertTrue(!r.bodyUsed, "bodyUsed stays false");
  });
  await s.testAsync("Consume response's body as formData with correct multipart type (error case)", async () => {
    const r = noBody([["Content-Type", 'multipart/form-data; boundary="boundary"']]);
    await assertRejects(TypeError, () => r.formData());
  });
  await s.testAsync("Consume response's body as formData with correct urlencoded type", async () => {
    const r = noBody([["Content-Type", "application/x-www-form-urlencoded;charset=UTF-8"]]);
    assertTrue((await r.formData()) instanceof FormData, "a FormData");
  });
  await s.testAsync("Consume response's body as formData without correct type (error case)", async () => {
    await assertRejects(TypeError, () => noBody().formData());
  });
  const empties: [string, () => BodyInit, boolean][] = [
    ["blob", () => new Blob([], { type: "text/plain" }), false],
    ["text", () => "", false],
    ["blob", () => new Blob([], { type: "text/plain" }), true],
    ["text", () => "", true],
    ["URLSearchParams", () => new URLSearchParams(""), true],
    ["FormData", () => new FormData(), true],
    ["ArrayBuffer", () => new ArrayBuffer(0), true],
  ];
  for (const [kind, body, asText] of empties) {
    await s.testAsync(`Consume empty ${kind} response body as ${asText ? "text" : "arrayBuffer"}`, async () => {
      const r = new Response(body());
      assertTrue(!r.bodyUsed, "bodyUsed is false at init");
      if (asText) {
        const t = await r.text();
        // An empty FormData still serializes its closing boundary.
        if (kind !== "FormData") assertEquals(t.length, 0, "text length");
      } else {
        assertEquals((await r.arrayBuffer()).byteLength, 0, "byteLength");
      }
      assertTrue(r.bodyUsed, "bodyUsed is true after being consumed");
    });
  }

  // ---- response-clone.html (the parts that need no network)
  await s.testAsync("Check Response's clone with default values, without body", async () => {
    const r = new Response();
    const c = r.clone();
    assertEquals(c.type, r.type, "type");
    assertEquals(c.status, r.status, "status");
    assertEquals(c.statusText, r.statusText, "statusText");
    assertEquals(c.body, null, "body");
  });
  await s.testAsync("Check Response's clone has the expected attribute values", async () => {
    const r = new Response("body", { status: 201, statusText: "Created", headers: { a: "1" } });
    const c = r.clone();
    assertEquals(c.status, 201, "status");
    assertEquals(c.statusText, "Created", "statusText");
    assertEquals(c.headers.get("a"), "1", "header");
    assertEquals(await c.text(), "body", "clone body");
    assertEquals(await r.text(), "body", "original body");
  });
  s.test("Cannot clone a disturbed response", () => {
    const r = new Response("body");
    void r.text();
    assertThrows(TypeError, () => r.clone());
  });

  return s;
}

if ((import.meta as { main?: boolean }).main) report([await responseSuite()]);
