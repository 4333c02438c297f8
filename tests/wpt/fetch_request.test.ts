// Request cases from WPT fetch/api/request (request-error.any.js with
// request-error.js, request-structure.any.js, request-init-002.html,
// request-consume-empty.any.js, request-constructor-init-body-override.any.js),
// translated to data + checks.
//
// WPT runs in a document, where new Request("") resolves against the page;
// a server has no page, so the relative URLs "" and "test" are resolved
// against BASE here.

import { Suite, assertEquals, assertRejects, assertThrows, assertTrue, report } from "../js/wpt_harness.ts";

const BASE = "http://example.com/fetch/api/request/";
const u = (s: string) => new URL(s, BASE).href;

export async function requestSuite(): Promise<Suite> {
  const s = new Suite("fetch request");

  // ---- request-error.js / request-error.any.js
  const bad: { args: [string, RequestInit?]; testName: string }[] = [
    { args: [u(""), { window: "http://test.url" } as unknown as RequestInit], testName: "RequestInit's window is not null" },
    { args: ["http://:not a valid URL"], testName: "Input URL is not valid" },
    { args: ["http://user:pass@test.url"], testName: "Input URL has credentials" },
    { args: [u(""), { mode: "navigate" }], testName: "RequestInit's mode is navigate" },
    { args: [u(""), { referrer: "http://:not a valid URL" }], testName: "RequestInit's referrer is invalid" },
    { args: [u(""), { method: "IN VALID" }], testName: "RequestInit's method is invalid" },
    { args: [u(""), { method: "TRACE" }], testName: "RequestInit's method is forbidden" },
    { args: [u(""), { mode: "no-cors", method: "PUT" }], testName: "RequestInit's mode is no-cors and method is not simple" },
    { args: [u(""), { mode: "cors", cache: "only-if-cached" }], testName: "RequestInit's cache mode is only-if-cached and mode is not same-origin" },
    { args: [u("test"), { cache: "only-if-cached", mode: "cors" }], testName: "Request with cache mode: only-if-cached and fetch mode cors" },
    { args: [u("test"), { cache: "only-if-cached", mode: "no-cors" }], testName: "Request with cache mode: only-if-cached and fetch mode no-cors" },
  ];
  for (const prop of ["referrerPolicy", "mode", "credentials", "cache", "redirect"]) {
    bad.push({ args: [u(""), { [prop]: "BAD" } as RequestInit], testName: `Bad ${prop} init parameter value` });
  }
  for (const { args, testName } of bad) {
    s.test(testName, () => assertThrows(TypeError, () => new Request(...args)));
  }
  s.test("Calling Request constructor without 'new' must throw", () => {
    assertThrows(TypeError, () => (Request as unknown as () => unknown)());
  });
  s.test("Request should get its content-type from the init request", () => {
    const initial = new Request(u(""), { headers: new Headers([["Content-Type", "potato"]]) });
    assertEquals(new Request(initial).headers.get("Content-Type"), "potato", "content-type");
  });
  s.test("Request should not get its content-type from the init request if init headers are provided", () => {
    const initial = new Request(u(""), { headers: new Headers([["Content-Type", "potato"]]) });
    assertTrue(!new Request(initial, { headers: new Headers([]) }).headers.has("Content-Type"), "no content-type");
  });
  s.test("Request should get its content-type from the body if none is provided", () => {
    const initial = new Request(u(""), { headers: new Headers([["Content-Type-Extra", "potato"]]), body: "this is my plate", method: "POST" });
    assertEquals(new Request(initial).headers.get("Content-Type"), "text/plain;charset=UTF-8", "content-type");
  });
  s.test("Request should get its content-type from init headers if one is provided", () => {
    const initial = new Request(u(""), { headers: new Headers([["Content-Type", "potato"]]), body: "this is my plate", method: "POST" });
    assertEquals(new Request(initial).headers.get("Content-Type"), "potato", "content-type");
  });
  s.test("Request with cache mode: only-if-cached and fetch mode: same-origin", () => {
    void new Request(u("test"), { cache: "only-if-cached", mode: "same-origin" });
  });

  // ---- request-structure.any.js
  const request = new Request(u(""));
  for (const m of ["clone", "arrayBuffer", "blob", "formData", "json", "text"]) {
    s.test(`Request has ${m} method`, () => assertTrue(m in request, m));
  }
  const readOnly: Record<string, [unknown, unknown]> = {
    method: ["GET", "POST"], url: [undefined, "http://url.test"], destination: ["", "worker"],
    referrer: ["about:client", "http://url.test"], referrerPolicy: ["", "unsafe-url"], mode: ["cors", "navigate"],
    credentials: ["same-origin", "cors"], cache: ["default", "reload"], redirect: ["follow", "manual"],
    integrity: [undefined, "CannotWriteIntegrity"], isReloadNavigation: [false, true], isHistoryNavigation: [false, true],
    duplex: ["half", "full"], bodyUsed: [false, true],
  };
  s.test("Check headers attribute", () => {
    assertTrue("headers" in request, "headers");
    try {
      (request as unknown as Record<string, unknown>).headers = new Headers({ name: "value" });
    } catch {
      // Strict-mode assignment to a getter-only accessor throws; either way it must not change.
    }
    assertTrue(!request.headers.has("name"), "headers is read only");
  });
  for (const [attr, [dflt, next]] of Object.entries(readOnly)) {
    s.test(`Check ${attr} attribute`, () => {
      assertTrue(attr in request, attr);
      try {
        (request as unknown as Record<string, unknown>)[attr] = next;
      } catch {
        // as above
      }
      const v = (request as unknown as Record<string, unknown>)[attr];
      if (dflt === undefined) assertTrue(v !== next, `${attr} is read only`);
      else assertEquals(v, dflt, `${attr} keeps its default`);
    });
  }

  // ---- request-init-002.html
  s.test("Initialize Request with headers values", () => {
    const dict: Record<string, string> = { name1: "value1", name2: "value2", name3: "value3" };
    const r = new Request(u(""), { headers: new Headers(dict) });
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
    await s.testAsync(`Initialize Request's body with ${type}`, async () => {
      const r = new Request(u(""), { method: "POST", body });
      assertThrows(TypeError, () => new Request(u(""), { method: "GET", body }));
      const mime = r.headers.get("Content-Type");
      assertTrue(mime !== null && mime.includes(type), `Content-Type ${JSON.stringify(mime)} includes ${type}`);
      const got = await r.text();
      assertTrue(got.includes(text), `body ${JSON.stringify(got)} includes ${JSON.stringify(text)}`);
    });
  }

  // ---- request-consume-empty.any.js
  const noBody = (headers: [string, string][] = []) => new Request(u(""), { method: "POST", headers });
  await s.testAsync("Consume request's body as text", async () => {
    const r = noBody();
    assertEquals(await r.text(), "", "text");
    assertTrue(!r.bodyUsed, "bodyUsed stays false");
  });
  await s.testAsync("Consume request's body as blob", async () => {
    const r = noBody();
    assertEquals(await (await r.blob()).text(), "", "blob text");
    assertTrue(!r.bodyUsed, "bodyUsed stays false");
  });
  await s.testAsync("Consume request's body as arrayBuffer", async () => {
    const r = noBody();
    assertEquals((await r.arrayBuffer()).byteLength, 0, "byteLength");
    assertTrue(!r.bodyUsed, "bodyUsed stays false");
  });
  await s.testAsync("Consume request's body as json (error case)", async () => {
    const r = noBody();
    await assertRejects(SyntaxError, () => r.json());
    assertTrue(!r.bodyUsed, "bodyUsed stays false");
  });
  await s.testAsync("Consume request's body as formData with correct multipart type (error case)", async () => {
    const r = noBody([["Content-Type", 'multipart/form-data; boundary="boundary"']]);
    await assertRejects(TypeError, () => r.formData());
    assertTrue(!r.bodyUsed, "bodyUsed stays false");
  });
  await s.testAsync("Consume request's body as formData with correct urlencoded type", async () => {
    const r = noBody([["Content-Type", "application/x-www-form-urlencoded;charset=UTF-8"]]);
    assertTrue((await r.formData()) instanceof FormData, "a FormData");
    assertTrue(!r.bodyUsed, "bodyUsed stays false");
  });
  await s.testAsync("Consume request's body as formData without correct type (error case)", async () => {
    const r = noBody();
    await assertRejects(TypeError, () => r.formData());
    assertTrue(!r.bodyUsed, "bodyUsed stays false");
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
    await s.testAsync(`Consume empty ${kind} request body as ${asText ? "text" : "arrayBuffer"}`, async () => {
      const r = new Request(u(""), { method: "POST", body: body() });
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

  // ---- request-constructor-init-body-override.any.js
  await s.testAsync("Check that the body of a new request can be overridden when created from an existing Request object", async () => {
    const req1 = new Request("https://example.com/", { body: "req1", method: "POST" });
    assertEquals(await req1.text(), "req1", "req1");
    const req2 = new Request(req1, { body: "req2" });
    assertEquals(await req2.text(), "req2", "req2");
  });

  return s;
}

if ((import.meta as { main?: boolean }).main) report([await requestSuite()]);
