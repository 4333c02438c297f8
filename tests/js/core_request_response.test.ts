// Request and Response construction and bodies (cases follow WPT
// fetch/api/request and fetch/api/response).
import { assert, assertEquals, assertRejects, assertThrows, test, run } from "./assert.ts";

const enc = new TextEncoder();

test("Response defaults", async () => {
  const r = new Response();
  assertEquals(r.status, 200);
  assertEquals(r.statusText, "");
  assertEquals(r.ok, true);
  assertEquals(r.body, null);
  assertEquals(r.bodyUsed, false);
  assertEquals(r.type, "default");
  assertEquals(r.url, "");
  assertEquals(r.redirected, false);
  assertEquals(await r.text(), "");
  assertEquals([...r.headers], []);
});

test("Response string body: text/plain content type", async () => {
  const r = new Response("Hi");
  assertEquals(r.headers.get("content-type"), "text/plain;charset=UTF-8");
  assertEquals(await r.text(), "Hi");
  assertEquals(r.bodyUsed, true);
  await assertRejects(() => r.text(), TypeError);
});

test("Response init: status range, statusText, headers", () => {
  const r = new Response("x", { status: 404, statusText: "Nope", headers: { "X-A": "1" } });
  assertEquals(r.status, 404);
  assertEquals(r.ok, false);
  assertEquals(r.statusText, "Nope");
  assertEquals(r.headers.get("x-a"), "1");
  assertEquals(r.headers.get("content-type"), "text/plain;charset=UTF-8");
  assertThrows(() => new Response("", { status: 199 }), RangeError);
  assertThrows(() => new Response("", { status: 600 }), RangeError);
  assertThrows(() => new Response("", { statusText: "bad\n" }), TypeError);
  assertThrows(() => new Response("body", { status: 204 }), TypeError);
  assertEquals(new Response(null, { status: 204 }).status, 204);
  // An explicit content-type wins over the implied one.
  assertEquals(new Response("x", { headers: { "content-type": "text/html" } }).headers.get("content-type"), "text/html");
});

test("Response bodies: bytes, ArrayBuffer, URLSearchParams, Blob, FormData", async () => {
  const bytes = new Uint8Array([104, 105]);
  const r1 = new Response(bytes);
  bytes[0] = 0; // the body was copied at construction
  assertEquals(await r1.text(), "hi");
  assertEquals(r1.headers.get("content-type"), null);

  assertEquals(new Uint8Array(await new Response(enc.encode("ab").buffer).arrayBuffer()), enc.encode("ab"));

  const p = new Response(new URLSearchParams({ a: "1", b: "x y" }));
  assertEquals(p.headers.get("content-type"), "application/x-www-form-urlencoded;charset=UTF-8");
  assertEquals(await p.text(), "a=1&b=x+y");

  const b = new Response(new Blob(["blob!"], { type: "text/x-blob" }));
  assertEquals(b.headers.get("content-type"), "text/x-blob");
  assertEquals(await b.text(), "blob!");

  const fd = new FormData();
  fd.append("field", "value");
  const f = new Response(fd);
  const ct = f.headers.get("content-type")!;
  assert(ct.startsWith("multipart/form-data; boundary="), ct);
  const back = await f.formData();
  assertEquals(back.get("field"), "value");
});

test("Response.json", async () => {
  const r = Response.json({ a: [1, 2] }, { status: 201, headers: { "x-b": "2" } });
  assertEquals(r.status, 201);
  assertEquals(r.headers.get("content-type"), "application/json");
  assertEquals(r.headers.get("x-b"), "2");
  assertEquals(await r.json(), { a: [1, 2] });
  assertThrows(() => Response.json(undefined), TypeError);
  assertThrows(() => Response.json(Symbol() as never), TypeError);
  const own = Response.json(1, { headers: { "content-type": "application/vnd.x+json" } });
  assertEquals(own.headers.get("content-type"), "application/vnd.x+json");
});

test("Response.redirect and Response.error", () => {
  const r = Response.redirect("https://example.com/a?b", 307);
  assertEquals(r.status, 307);
  assertEquals(r.headers.get("location"), "https://example.com/a?b");
  assertEquals(Response.redirect("https://example.com").status, 302);
  assertThrows(() => Response.redirect("https://example.com", 200), RangeError);
  assertThrows(() => Response.redirect("not a url"), TypeError);
  const e = Response.error();
  assertEquals(e.type, "error");
  assertEquals(e.status, 0);
  assertEquals(e.ok, false);
});

test("Response body stream", async () => {
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(enc.encode("a"));
      c.enqueue(enc.encode("b"));
      c.close();
    },
  });
  const r = new Response(stream);
  assert(r.body === stream);
  assertEquals(await r.text(), "ab");
  assertEquals(r.bodyUsed, true);

  const s = new Response("streamed").body!;
  const reader = s.getReader();
  const { value } = await reader.read();
  assertEquals(new TextDecoder().decode(value), "streamed");
  assertEquals((await reader.read()).done, true);
});

test("reading .body makes the body used", async () => {
  const r = new Response("x");
  const reader = r.body!.getReader();
  assertEquals(r.bodyUsed, false);
  await reader.read();
  assertEquals(r.bodyUsed, true);
  await assertRejects(() => r.text(), TypeError);
});

test("Response.clone", async () => {
  const r = new Response("twice", { status: 202, headers: { a: "1" } });
  const c = r.clone();
  assertEquals(c.status, 202);
  assertEquals(c.headers.get("a"), "1");
  assertEquals(await r.text(), "twice");
  assertEquals(await c.text(), "twice");
  assertThrows(() => r.clone(), TypeError);

  const stream = new ReadableStream({
    start(c) {
      c.enqueue(enc.encode("s"));
      c.close();
    },
  });
  const sr = new Response(stream);
  const sc = sr.clone();
  assertEquals(await sr.text(), "s");
  assertEquals(await sc.text(), "s");
});

test("body methods: bytes, blob, arrayBuffer", async () => {
  assertEquals(await new Response("ab").bytes(), enc.encode("ab"));
  const blob = await new Response("xyz", { headers: { "content-type": "text/x" } }).blob();
  assertEquals(blob.size, 3);
  assertEquals(blob.type, "text/x");
  const ab = await new Response("q").arrayBuffer();
  assertEquals(ab.byteLength, 1);
  await assertRejects(() => new Response("{bad").json(), SyntaxError);
});

test("Request construction and defaults", () => {
  const r = new Request("https://example.com/path?q=1");
  assertEquals(r.url, "https://example.com/path?q=1");
  assertEquals(r.method, "GET");
  assertEquals(r.body, null);
  assertEquals(r.bodyUsed, false);
  assertEquals(r.cache, "default");
  assertEquals(r.credentials, "same-origin");
  assertEquals(r.mode, "cors");
  assertEquals(r.redirect, "follow");
  assertEquals(r.referrer, "about:client");
  assertEquals(r.referrerPolicy, "");
  assertEquals(r.integrity, "");
  assertEquals(r.keepalive, false);
  assertEquals(r.destination, "");
  assertEquals(r.signal.aborted, false);
  assertEquals([...r.headers], []);
  assertEquals(new Request(new URL("http://a.test/x")).url, "http://a.test/x");
  assertEquals(new Request("http://a.test").url, "http://a.test/");
});

test("Request invalid input", () => {
  assertThrows(() => new Request("/relative"), TypeError);
  assertThrows(() => new Request("http://user:pass@a.test/"), TypeError);
  assertThrows(() => new Request("http://a.test", { method: "CONNECT" }), TypeError);
  assertThrows(() => new Request("http://a.test", { method: "bad method" }), TypeError);
  assertThrows(() => new Request("http://a.test", { body: "x" }), TypeError);
  assertThrows(() => new Request("http://a.test", { method: "HEAD", body: "x" }), TypeError);
  assertThrows(() => new Request("http://a.test", { mode: "navigate" }), TypeError);
  assertThrows(() => new Request("http://a.test", { cache: "bogus" as RequestCache }), TypeError);
  assertThrows(() => new Request("http://a.test", { cache: "only-if-cached" }), TypeError);
});

test("Request method normalisation", () => {
  assertEquals(new Request("http://a.test", { method: "post" }).method, "POST");
  assertEquals(new Request("http://a.test", { method: "delete" }).method, "DELETE");
  // fetch upper-cases only the six standard methods.
  assertEquals(new Request("http://a.test", { method: "patch" }).method, "patch");
  assertEquals(new Request("http://a.test", { method: "CUSTOM" }).method, "CUSTOM");
});

test("Request bodies", async () => {
  const r = new Request("http://a.test", { method: "POST", body: JSON.stringify({ x: 1 }) });
  assertEquals(r.headers.get("content-type"), "text/plain;charset=UTF-8");
  assertEquals(await r.json(), { x: 1 });
  assertEquals(r.bodyUsed, true);
  await assertRejects(() => r.text(), TypeError);

  const form = new Request("http://a.test", { method: "POST", body: new URLSearchParams("a=1&a=2&b=%20") });
  const fd = await form.formData();
  assertEquals(fd.getAll("a"), ["1", "2"]);
  assertEquals(fd.get("b"), " ");

  const stream = new ReadableStream({ start: (c) => c.close() });
  assertThrows(() => new Request("http://a.test", { method: "POST", body: stream }), TypeError);
  const ok = new Request("http://a.test", { method: "POST", body: stream, duplex: "half" } as RequestInit);
  assertEquals(await ok.text(), "");
});

test("Request from a Request: fields copied, body moved", async () => {
  const a = new Request("http://a.test/x", { method: "PUT", body: "payload", headers: { "x-a": "1" } });
  const b = new Request(a, { headers: { "x-b": "2" } });
  assertEquals(b.url, "http://a.test/x");
  assertEquals(b.method, "PUT");
  assertEquals(b.headers.get("x-a"), null);
  assertEquals(b.headers.get("x-b"), "2");
  assertEquals(a.bodyUsed, true);
  assertEquals(await b.text(), "payload");
  const c = new Request(new Request("http://a.test/y", { headers: { k: "v" } }));
  assertEquals(c.headers.get("k"), "v");
});

test("Request.clone", async () => {
  const r = new Request("http://a.test", { method: "POST", body: "dup" });
  const c = r.clone();
  assertEquals(await r.text(), "dup");
  assertEquals(await c.text(), "dup");
  assertThrows(() => r.clone(), TypeError);
});

test("Request signal follows init.signal", () => {
  const ac = new AbortController();
  const r = new Request("http://a.test", { signal: ac.signal });
  assertEquals(r.signal.aborted, false);
  ac.abort("why");
  assertEquals(r.signal.aborted, true);
  assertEquals(r.signal.reason, "why");
  const pre = new Request("http://a.test", { signal: AbortSignal.abort() });
  assertEquals(pre.signal.aborted, true);
});

test("a null body reads as empty, repeatedly, and is never used", async () => {
  const r = new Response(null, { headers: { "content-type": "application/x-www-form-urlencoded" } });
  assertEquals(await r.text(), "");
  assertEquals((await r.arrayBuffer()).byteLength, 0);
  assertEquals((await r.blob()).size, 0);
  assertEquals([...(await r.formData())], []);
  assertEquals(r.bodyUsed, false);
  await assertRejects(() => new Response().json(), SyntaxError);
  await assertRejects(() => new Response().formData(), TypeError);
});

test("empty non-null bodies are used once read", async () => {
  for (const body of ["", new Blob([]), new URLSearchParams(""), new ArrayBuffer(0), new FormData()]) {
    const r = new Response(body as BodyInit);
    assertEquals(r.bodyUsed, false);
    await r.arrayBuffer();
    assertEquals(r.bodyUsed, true);
  }
});

test("Response.json: init, null-body statuses, unserialisable data", async () => {
  const r = Response.json("hello world", { statusText: "foo", headers: { "x-foo": "bar" } });
  assertEquals([r.type, r.status, r.statusText], ["default", 200, "foo"]);
  assertEquals(r.headers.get("x-foo"), "bar");
  assertEquals(await r.json(), "hello world");
  for (const status of [204, 205, 304]) assertThrows(() => Response.json("x", { status }), TypeError);
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assertThrows(() => Response.json(circular), TypeError);
  class CustomError extends Error {}
  assertThrows(() => Response.json({ get boom() { throw new CustomError("x"); } }), CustomError);
  // JSON.stringify escapes lone surrogates; the bytes are UTF-8.
  assertEquals(new Uint8Array(await Response.json("\uDEAD").arrayBuffer()), new Uint8Array([34, 92, 117, 100, 101, 97, 100, 34]));
  assertEquals(new Uint8Array(await Response.json("\u{1D306}").arrayBuffer()), new Uint8Array([34, 240, 157, 140, 134, 34]));
  const h = Response.json(null).headers;
  h.set("content-type", "foo/bar");
  assertEquals(h.get("content-type"), "foo/bar");
});

test("toStringTag and instanceof", () => {
  assertEquals(Object.prototype.toString.call(new Request("http://a.test")), "[object Request]");
  assertEquals(Object.prototype.toString.call(new Response()), "[object Response]");
  assert(new Response() instanceof Response);
});

await run();
