// The web-platform globals of ts-lib (event, abort, url, encoding, base64,
// crypto, clone, blob, formdata, streams, performance) as user code sees them.
import { assert, assertEquals, assertRejects, assertThrows, run, test } from "./assert.ts";

// lib.dom (es2022 flavour) lacks ReadableStream.from and async iteration.
type RS<T> = ReadableStream<T> & AsyncIterable<T>;
const RSFrom = <T>(it: Iterable<T> | AsyncIterable<T>): RS<T> =>
  (ReadableStream as unknown as { from(i: unknown): RS<T> }).from(it);
const iter = <T>(s: ReadableStream<T>): AsyncIterable<T> => s as RS<T>;

// ---- installation ----------------------------------------------------------

test("web globals are non-enumerable, writable, configurable", () => {
  for (const name of [
    "URL", "URLSearchParams", "TextEncoder", "TextDecoder", "atob", "btoa", "crypto", "structuredClone",
    "Event", "EventTarget", "CustomEvent", "DOMException", "AbortController", "AbortSignal", "Blob", "File",
    "FormData", "ReadableStream", "WritableStream", "TransformStream", "performance",
  ]) {
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    assert(d !== undefined, `${name} is defined`);
    assertEquals([d!.enumerable, d!.writable, d!.configurable], [false, true, true], name);
  }
});

// ---- DOMException, Event, EventTarget -------------------------------------

test("DOMException names, codes and prototype", () => {
  const e = new DOMException("boom", "AbortError");
  assertEquals([e.name, e.message, e.code], ["AbortError", "boom", 20]);
  assert(e instanceof Error);
  assertEquals(Object.prototype.toString.call(e), "[object DOMException]");
  assertEquals(String(e), "AbortError: boom");
  assertEquals(new DOMException().name, "Error");
  assertEquals(new DOMException("x", "NotARealName").code, 0);
  assertEquals(DOMException.DATA_CLONE_ERR, 25);
  assertEquals(Object.getOwnPropertyDescriptor(e, "message"), undefined, "message is not an own property");
  assert(typeof e.stack === "string");
});

test("EventTarget: listeners, once, capture, handleEvent, removal", () => {
  const t = new EventTarget();
  const seen: string[] = [];
  const a = (e: Event) => seen.push(`a:${e.type}`);
  t.addEventListener("x", a);
  t.addEventListener("x", a); // duplicate ignored
  t.addEventListener("x", { handleEvent: (e: Event) => seen.push(`obj:${e.eventPhase}`) });
  t.addEventListener("x", () => seen.push("once"), { once: true });
  t.addEventListener("x", () => seen.push("capture"), true);
  assert(t.dispatchEvent(new Event("x")));
  t.dispatchEvent(new Event("x"));
  t.removeEventListener("x", a);
  t.dispatchEvent(new Event("x"));
  assertEquals(seen, ["capture", "a:x", "obj:2", "once", "capture", "a:x", "obj:2", "capture", "obj:2"]);
});

test("Event: preventDefault, passive, stopImmediatePropagation, target", () => {
  const t = new EventTarget();
  const targets: (EventTarget | null)[] = [];
  t.addEventListener("c", (e) => {
    targets.push(e.target);
    e.preventDefault();
  });
  const cancelable = new Event("c", { cancelable: true });
  assertEquals(t.dispatchEvent(cancelable), false);
  assert(cancelable.defaultPrevented);
  assert(targets[0] === t);
  assertEquals(t.dispatchEvent(new Event("c")), true, "not cancelable");
  const p = new EventTarget();
  p.addEventListener("p", (e) => e.preventDefault(), { passive: true });
  assertEquals(p.dispatchEvent(new Event("p", { cancelable: true })), true, "passive cannot cancel");
  const s = new EventTarget();
  const order: number[] = [];
  s.addEventListener("s", (e) => {
    order.push(1);
    e.stopImmediatePropagation();
  });
  s.addEventListener("s", () => order.push(2));
  s.dispatchEvent(new Event("s"));
  assertEquals(order, [1]);
  assertThrows(() => new (Event as unknown as new () => Event)(), TypeError);
});

test("CustomEvent detail and listener signal", () => {
  const t = new EventTarget();
  const ac = new AbortController();
  let got: unknown;
  t.addEventListener("d", (e) => (got = (e as CustomEvent).detail), { signal: ac.signal });
  t.dispatchEvent(new CustomEvent("d", { detail: { n: 1 } }));
  assertEquals(got, { n: 1 });
  ac.abort();
  got = undefined;
  t.dispatchEvent(new CustomEvent("d", { detail: 2 }));
  assertEquals(got, undefined, "listener removed by its signal");
});

// ---- AbortController / AbortSignal -----------------------------------------

test("AbortController aborts once with a reason", () => {
  const ac = new AbortController();
  const events: string[] = [];
  ac.signal.onabort = (e) => events.push(`on:${e.type}`);
  ac.signal.addEventListener("abort", () => events.push("listener"));
  assert(!ac.signal.aborted);
  ac.abort();
  ac.abort("again");
  assert(ac.signal.aborted);
  assert(ac.signal.reason instanceof DOMException);
  assertEquals((ac.signal.reason as DOMException).name, "AbortError");
  assertEquals(events, ["on:abort", "listener"]);
  assertThrows(() => ac.signal.throwIfAborted(), DOMException);
  assertThrows(() => new (AbortSignal as unknown as new () => AbortSignal)(), TypeError);
});

test("AbortSignal.abort and AbortSignal.any", () => {
  const s = AbortSignal.abort("why");
  assert(s.aborted);
  assertEquals(s.reason, "why");
  const a = new AbortController();
  const b = new AbortController();
  const any = AbortSignal.any([a.signal, b.signal]);
  let fired = 0;
  any.addEventListener("abort", () => fired++);
  assert(!any.aborted);
  b.abort("b");
  a.abort("a");
  assert(any.aborted);
  assertEquals(any.reason, "b");
  assertEquals(fired, 1);
  assert(AbortSignal.any([s]).aborted, "already aborted source");
});

test("AbortSignal.timeout aborts with TimeoutError", async () => {
  const s = AbortSignal.timeout(5);
  await new Promise((r) => setTimeout(r, 30));
  assert(s.aborted);
  assertEquals((s.reason as DOMException).name, "TimeoutError");
});

// ---- URL / URLSearchParams -------------------------------------------------

test("URL parses, exposes components and serializes", () => {
  const u = new URL("/a/b?x=1&y=2#h", "https://user:pw@example.com:8443/z");
  assertEquals(u.href, "https://user:pw@example.com:8443/a/b?x=1&y=2#h");
  assertEquals([u.protocol, u.username, u.password, u.host, u.hostname, u.port], ["https:", "user", "pw", "example.com:8443", "example.com", "8443"]);
  assertEquals([u.pathname, u.search, u.hash, u.origin], ["/a/b", "?x=1&y=2", "#h", "https://example.com:8443"]);
  assertEquals(JSON.stringify({ u }), '{"u":"https://user:pw@example.com:8443/a/b?x=1&y=2#h"}');
  assertEquals(String(u), u.href);
  assertThrows(() => new URL("nope"), TypeError);
  assert(URL.canParse("http://x"));
  assert(!URL.canParse("nope"));
  assertEquals(URL.parse("nope"), null);
  assertEquals(URL.parse("b", "http://x/a")!.href, "http://x/b");
  assertEquals(Object.prototype.toString.call(u), "[object URL]");
});

test("URL setters go through the WHATWG setters", () => {
  const u = new URL("http://example.com/p");
  u.pathname = "/q r";
  u.port = "8080";
  u.hash = "frag";
  u.protocol = "https";
  assertEquals(u.href, "https://example.com:8080/q%20r#frag");
  u.port = "443";
  assertEquals(u.host, "example.com", "default port dropped");
  assertThrows(() => (u.href = "not a url"), TypeError);
  u.href = "http://other.test/x?y";
  assertEquals(u.search, "?y");
});

test("URLs parsed from the same input stay independent", () => {
  const a = new URL("http://x/p?q=1");
  const b = new URL("http://x/p?q=1");
  a.pathname = "/changed";
  a.searchParams.set("q", "2");
  assertEquals(a.href, "http://x/changed?q=2");
  assertEquals(b.href, "http://x/p?q=1");
  assertEquals(new URL("http://x/p?q=1").pathname, "/p");
  assertEquals(new URL("p", "http://x/a/").href, "http://x/a/p");
  assertEquals(new URL("p", "http://y/").href, "http://y/p", "base is part of the key");
});

test("URL.searchParams is linked both ways", () => {
  const u = new URL("http://x/?a=1&b=2&a=3");
  const p = u.searchParams;
  assert(p === u.searchParams, "same object");
  assertEquals(p.getAll("a"), ["1", "3"]);
  p.append("c", "x y");
  assertEquals(u.search, "?a=1&b=2&a=3&c=x+y");
  p.delete("a");
  assertEquals(u.href, "http://x/?b=2&c=x+y");
  u.search = "?z=9";
  assertEquals([...p], [["z", "9"]]);
  p.delete("z");
  assertEquals(u.href, "http://x/", "empty params remove the query");
  u.href = "http://x/?k=v";
  assertEquals(p.get("k"), "v");
});

test("URLSearchParams init forms, methods and encoding", () => {
  assertEquals(new URLSearchParams("?a=1&b=%20&c=+").toString(), "a=1&b=+&c=+");
  assertEquals(new URLSearchParams([["a", "1"], ["a", "2"]]).getAll("a"), ["1", "2"]);
  assertEquals(new URLSearchParams({ x: "1", y: "é" }).toString(), "x=1&y=%C3%A9");
  assertThrows(() => new URLSearchParams([["a"]] as unknown as [string, string][]), TypeError);
  const p = new URLSearchParams("b=2&a=1&b=1&c=3");
  assertEquals(p.size, 4);
  p.sort();
  assertEquals(p.toString(), "a=1&b=2&b=1&c=3");
  p.set("b", "9");
  assertEquals(p.toString(), "a=1&b=9&c=3");
  assert(p.has("c", "3") && !p.has("c", "4"));
  p.delete("c", "4");
  assert(p.has("c"));
  assertEquals([...p.keys()], ["a", "b", "c"]);
  assertEquals([...p.values()], ["1", "9", "3"]);
  const seen: string[] = [];
  p.forEach((v, k) => seen.push(k + v));
  assertEquals(seen, ["a1", "b9", "c3"]);
  assertEquals(new URLSearchParams("a=\uD800").get("a"), "\uFFFD");
  assertEquals(new URLSearchParams({ "*-._~ !'()": "&=" }).toString(), "*-._%7E+%21%27%28%29=%26%3D");
  assertEquals(Object.prototype.toString.call(p.entries()), "[object URLSearchParams Iterator]");
  // Splitting without escapes, and with them (through the op).
  assertEquals([...new URLSearchParams("a&&b=&=c&d=e=f")], [["a", ""], ["b", ""], ["", "c"], ["d", "e=f"]]);
  assertEquals([...new URLSearchParams("a+b=%41%zz&%E2%82%AC")], [["a b", "A%zz"], ["€", ""]]);
  assertEquals(new URLSearchParams({ a: "1", "b.c": "x*y-z_" }).toString(), "a=1&b.c=x*y-z_");
  assertEquals(new URLSearchParams([["a b", "€"], ["~", ""]]).toString(), "a+b=%E2%82%AC&%7E=");
});

// ---- encoding, base64 ------------------------------------------------------

test("TextEncoder / TextDecoder round trips and options", () => {
  const bytes = new TextEncoder().encode("héllo 😀");
  assertEquals(bytes.length, 11);
  assertEquals(new TextDecoder().decode(bytes), "héllo 😀");
  assertEquals(new TextDecoder("latin1").encoding, "windows-1252");
  assertEquals(new TextDecoder("windows-1252").decode(new Uint8Array([0x80])), "€");
  assertEquals(new TextDecoder("shift_jis").decode(new Uint8Array([0x82, 0xa0])), "あ");
  assertThrows(() => new TextDecoder("utf-7"), RangeError);
  assertThrows(() => new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xff])), TypeError);
  const d = new TextDecoder();
  assertEquals(d.decode(new Uint8Array([0xf0, 0x9f]), { stream: true }) + d.decode(new Uint8Array([0x98, 0x80])), "😀");
  const dest = new Uint8Array(4);
  assertEquals(new TextEncoder().encodeInto("a😀", dest), { read: 1, written: 1 });
});

test("TextEncoderStream / TextDecoderStream", async () => {
  const chunks = ["a\uD83D", "\uDE00b"];
  const out = RSFrom(chunks).pipeThrough(new TextEncoderStream()).pipeThrough(new TextDecoderStream());
  let s = "";
  for await (const c of iter(out)) s += c;
  assertEquals(s, "a😀b");
});

test("atob / btoa", () => {
  assertEquals(btoa("hello"), "aGVsbG8=");
  assertEquals(atob(" aGVs bG8 "), "hello");
  assertEquals(atob("aGVsbG8"), "hello");
  const e = assertThrows(() => atob("a"), DOMException);
  assertEquals(e.name, "InvalidCharacterError");
  assertThrows(() => btoa("€"), DOMException);
  assertEquals(btoa(String.fromCharCode(0, 255)), "AP8=");
});

// ---- crypto ------------------------------------------------------------------

test("crypto.getRandomValues and randomUUID", () => {
  const a = new Uint8Array(32);
  assert(crypto.getRandomValues(a) === a);
  assert(a.some((x) => x !== 0));
  crypto.getRandomValues(new BigUint64Array(4));
  assertEquals(crypto.getRandomValues(new Uint8Array(0)).length, 0);
  assertEquals(assertThrows(() => crypto.getRandomValues(new Uint8Array(65537)), DOMException).name, "QuotaExceededError");
  assertEquals(assertThrows(() => crypto.getRandomValues(new Float32Array(1) as unknown as Uint8Array), DOMException).name, "TypeMismatchError");
  assertThrows(() => crypto.getRandomValues({} as Uint8Array), TypeError);
  const u = crypto.randomUUID();
  assert(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u), u);
  assert(crypto.randomUUID() !== u);
});

test("crypto.subtle.digest", async () => {
  const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");
  const abc = new TextEncoder().encode("abc");
  assertEquals(hex(await crypto.subtle.digest("SHA-256", abc)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assertEquals(hex(await crypto.subtle.digest({ name: "sha-1" }, abc.buffer)), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assertEquals((await crypto.subtle.digest("SHA-384", abc)).byteLength, 48);
  assertEquals((await crypto.subtle.digest("SHA-512", new DataView(abc.buffer))).byteLength, 64);
  const e = await assertRejects(() => crypto.subtle.digest("MD5", abc), DOMException);
  assertEquals(e.name, "NotSupportedError");
});

// ---- structuredClone ---------------------------------------------------------

test("structuredClone deep-copies and throws DataCloneError", () => {
  const src = { d: new Date(5), m: new Map([[1, { x: [1, 2] }]]), s: new Set(["a"]), b: new Uint8Array([1, 2]), re: /x/g };
  (src as Record<string, unknown>).self = src;
  const c = structuredClone(src);
  assert(c !== src && c.m.get(1) !== src.m.get(1));
  assertEquals(c.d.getTime(), 5);
  assertEquals(c.m.get(1), { x: [1, 2] });
  assert((c as Record<string, unknown>).self === c, "cycles kept");
  assertEquals([...c.b], [1, 2]);
  const e = assertThrows(() => structuredClone(() => 1), DOMException);
  assertEquals(e.name, "DataCloneError");
  assertEquals(structuredClone(new Error("m")).message, "m");
});

// ---- Blob, File, FormData ------------------------------------------------------

test("Blob parts, slice, type and readers", async () => {
  const b = new Blob(["ab", new Uint8Array([99]), new Blob(["de"])], { type: "Text/Plain" });
  assertEquals([b.size, b.type], [5, "text/plain"]);
  assertEquals(await b.text(), "abcde");
  assertEquals(await b.slice(1, -1).text(), "bcd");
  assertEquals(await b.slice(-2).text(), "de");
  assertEquals([...(await b.bytes())], [97, 98, 99, 100, 101]);
  assertEquals((await b.arrayBuffer()).byteLength, 5);
  let streamed = "";
  for await (const chunk of iter(b.stream())) streamed += new TextDecoder().decode(chunk);
  assertEquals(streamed, "abcde");
  assertEquals(new Blob(["x"], { type: "bad\u0001" }).type, "");
  assertEquals(await new Blob(["a\r\nb\rc"], { endings: "native" }).text(), "a\nb\nc");
  const f = new File(["x"], "a.txt", { type: "text/plain", lastModified: 42 });
  assert(f instanceof Blob);
  assertEquals([f.name, f.lastModified, f.size], ["a.txt", 42, 1]);
});

test("FormData entries and Blob → File conversion", () => {
  const fd = new FormData();
  fd.append("a", "1");
  fd.append("f", new Blob(["x"], { type: "text/plain" }));
  fd.append("a", "2");
  fd.set("g", new Blob(["y"]), "g.bin");
  assertEquals(fd.getAll("a"), ["1", "2"]);
  const f = fd.get("f") as File;
  assert(f instanceof File);
  assertEquals([f.name, f.type], ["blob", "text/plain"]);
  assertEquals((fd.get("g") as File).name, "g.bin");
  fd.set("a", "3");
  assertEquals([...fd.keys()], ["a", "f", "g"]);
  fd.delete("f");
  assert(!fd.has("f"));
  assertThrows(() => (fd.append as (n: string, v: string, f: string) => void)("x", "y", "name"), TypeError);
});

test("FormData multipart round trip through Response", async () => {
  const fd = new FormData();
  fd.append("name", "va\nl\"ue");
  fd.append("file", new File(["hello\r\n--not a boundary"], "hé.txt", { type: "text/plain" }));
  const res = new Response(fd);
  const type = res.headers.get("content-type")!;
  assert(type.startsWith("multipart/form-data; boundary="), type);
  const back = await new Response(await res.arrayBuffer(), { headers: { "content-type": type } }).formData();
  assertEquals(back.get("name"), "va\r\nl\"ue");
  const file = back.get("file") as File;
  assertEquals([file.name, file.type, await file.text()], ["hé.txt", "text/plain", "hello\r\n--not a boundary"]);
  const url = await new Response("a=1&b=x+y", { headers: { "content-type": "application/x-www-form-urlencoded" } }).formData();
  assertEquals([...url], [["a", "1"], ["b", "x y"]]);
});

// ---- streams -------------------------------------------------------------------

test("ReadableStream pull, backpressure and reader", async () => {
  let pulls = 0;
  const rs = new ReadableStream<number>({
    pull(c) {
      pulls++;
      c.enqueue(pulls);
      if (pulls === 3) c.close();
    },
  }, { highWaterMark: 2 });
  await new Promise((r) => setTimeout(r, 0));
  assertEquals(pulls, 2, "filled to the high-water mark");
  const reader = rs.getReader();
  assert(rs.locked);
  const got: number[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    got.push(value!);
  }
  assertEquals(got, [1, 2, 3]);
  await reader.closed;
  reader.releaseLock();
  assert(!rs.locked);
});

test("a released reader's closed rejects with a TypeError, held before the release or asked for after", async () => {
  const open = () => new ReadableStream({ pull() {} });
  const held = open().getReader();
  const heldClosed = held.closed;
  held.releaseLock();
  await assertRejects(() => heldClosed, TypeError, "lock was released");
  assert(held.closed === heldClosed, "the held promise stays the reader's closed");

  const unseen = open().getReader();
  unseen.releaseLock();
  const later = unseen.closed;
  await assertRejects(() => later, TypeError, "lock was released");
  assert(unseen.closed === later, "asked twice, one promise");

  const done = new ReadableStream({ start(c) { c.close(); } });
  const r = done.getReader();
  await r.closed;
  r.releaseLock();
  await assertRejects(() => r.closed, TypeError, "lock was released");
  const again = done.getReader();
  await again.closed; // a new reader of the closed stream sees it closed

  const waiting = open().getReader();
  const pending = waiting.read();
  waiting.releaseLock();
  await assertRejects(() => pending, TypeError, "lock was released");
});

test("ReadableStream errors, cancel and tee", async () => {
  const err = new Error("bad");
  const rs = new ReadableStream({ start(c) { c.error(err); } });
  await assertRejects(() => rs.getReader().read(), Error, "bad");
  let canceled: unknown;
  const rs2 = new ReadableStream({ cancel(r) { canceled = r; } });
  await rs2.cancel("why");
  assertEquals(canceled, "why");
  const [a, b] = RSFrom([1, 2, 3]).tee();
  const all = async (s: ReadableStream<number>) => {
    const out: number[] = [];
    for await (const x of iter(s)) out.push(x);
    return out;
  };
  assertEquals(await Promise.all([all(a), all(b)]), [[1, 2, 3], [1, 2, 3]]);
});

test("async iteration stops early with return() and cancels", async () => {
  let canceled = false;
  const rs = new ReadableStream<number>({
    start(c) { c.enqueue(1); c.enqueue(2); },
    cancel() { canceled = true; },
  });
  for await (const x of iter(rs)) {
    assertEquals(x, 1);
    break;
  }
  assert(canceled);
});

test("WritableStream writer, backpressure and close", async () => {
  const written: string[] = [];
  let closed = false;
  const ws = new WritableStream<string>({
    async write(chunk) {
      await new Promise((r) => setTimeout(r, 1));
      written.push(chunk);
    },
    close() { closed = true; },
  }, { highWaterMark: 1 });
  const w = ws.getWriter();
  assertEquals(w.desiredSize, 1);
  const p1 = w.write("a");
  assertEquals(w.desiredSize, 0);
  await w.ready;
  await p1;
  await w.write("b");
  await w.close();
  assert(closed);
  assertEquals(written, ["a", "b"]);
  await assertRejects(() => w.write("c"), TypeError);
});

test("WritableStream abort reaches the sink and signal", async () => {
  let reason: unknown;
  let signalAborted = false;
  const ws = new WritableStream({
    start(c) { c.signal.addEventListener("abort", () => (signalAborted = true)); },
    abort(r) { reason = r; },
  });
  await ws.abort("stop");
  assertEquals(reason, "stop");
  assert(signalAborted);
});

test("TransformStream, pipeThrough and pipeTo", async () => {
  const upper = new TransformStream<string, string>({
    transform(chunk, c) { c.enqueue(chunk.toUpperCase()); },
    flush(c) { c.enqueue("!"); },
  });
  const out: string[] = [];
  await RSFrom(["a", "b"]).pipeThrough(upper).pipeTo(new WritableStream({ write(c) { out.push(c); } }));
  assertEquals(out, ["A", "B", "!"]);
  const ac = new AbortController();
  const never = new ReadableStream({ pull() { return new Promise(() => {}); } });
  const p = never.pipeTo(new WritableStream(), { signal: ac.signal });
  ac.abort();
  const e = await assertRejects(() => p, DOMException);
  assertEquals(e.name, "AbortError");
});

test("ReadableStream.from async generator and queuing strategies", async () => {
  async function* gen() {
    yield "x";
    yield "y";
  }
  const out: string[] = [];
  for await (const v of RSFrom(gen())) out.push(v);
  assertEquals(out, ["x", "y"]);
  assertEquals((new CountQueuingStrategy({ highWaterMark: 3 }).size as () => number)(), 1);
  assertEquals(new ByteLengthQueuingStrategy({ highWaterMark: 3 }).size(new Uint8Array(7)), 7);
});

// ---- performance ---------------------------------------------------------------

test("performance.now, timeOrigin, mark and measure", () => {
  const t0 = performance.now();
  assert(t0 >= 0);
  assert(performance.timeOrigin > 1.6e12);
  const m = performance.mark("a", { detail: { k: 1 } });
  assertEquals(m.detail, { k: 1 });
  performance.mark("b");
  const ms = performance.measure("a-b", "a", "b");
  assert(ms.duration >= 0);
  assertEquals(performance.getEntriesByType("measure").length, 1);
  performance.clearMarks();
  assertEquals(performance.getEntriesByType("mark").length, 0);
  assertThrows(() => performance.measure("x", "nope"), DOMException);
});

await run();
