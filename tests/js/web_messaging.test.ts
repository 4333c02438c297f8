// MessageChannel, BroadcastChannel and URLPattern as user code sees them.
// (Node 20, the oracle elsewhere, has no URLPattern: the expected values
// here are the URL Pattern standard's own examples.)
import { assert, assertEquals, assertThrows, run, test } from "./assert.ts";

function nextMessage(target: EventTarget): Promise<MessageEvent> {
  return new Promise((resolve) => target.addEventListener("message", (e) => resolve(e as MessageEvent), { once: true }));
}

test("MessageChannel delivers a clone, later, in order", async () => {
  const { port1, port2 } = new MessageChannel();
  const got: unknown[] = [];
  const done = new Promise<void>((resolve) => {
    port2.onmessage = (e) => {
      got.push(e.data);
      if (got.length === 2) resolve();
    };
  });
  const payload = { n: 1, list: [1, 2], when: new Date(0), m: new Map([["k", 1]]) };
  port1.postMessage(payload);
  payload.n = 99; // the message was cloned when posted
  port1.postMessage("second");
  assertEquals(got.length, 0, "delivery is a task, not synchronous");
  await done;
  assertEquals(got[0], { n: 1, list: [1, 2], when: new Date(0), m: new Map([["k", 1]]) });
  assert(got[0] !== payload);
  assertEquals(got[1], "second");
  port1.close();
  port2.close();
});

test("MessagePort queues until started; close stops delivery", async () => {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage("early");
  const seen: string[] = [];
  port2.addEventListener("message", (e) => seen.push((e as MessageEvent).data));
  await new Promise((r) => setTimeout(r, 5));
  assertEquals(seen, [], "addEventListener alone does not start the port");
  port2.start();
  await nextMessage(port2);
  assertEquals(seen, ["early"]);
  port2.close();
  port1.postMessage("after close"); // silently dropped
  assertThrows(() => (port1 as unknown as { postMessage(): void }).postMessage(), TypeError);
  assertThrows(() => new (MessagePort as unknown as new () => unknown)(), TypeError);
  const e = new MessageEvent("message", { data: 7 });
  assertEquals([e.type, e.data, e.origin, e.ports.length], ["message", 7, "", 0]);
});

test("uncloneable messages throw DataCloneError", () => {
  const { port1, port2 } = new MessageChannel();
  const err = assertThrows(() => port1.postMessage(() => 1), DOMException);
  assertEquals(err.name, "DataCloneError");
  port1.close();
  port2.close();
});

test("a transferred ArrayBuffer is detached: structuredClone and postMessage", async () => {
  const view = new Uint8Array([1, 2, 3]);
  const clone = structuredClone({ view, buffer: view.buffer }, { transfer: [view.buffer] });
  assertEquals([view.buffer.byteLength, view.length], [0, 0], "the original and its views are empty");
  assertEquals([...clone.view], [1, 2, 3]);
  assert(clone.buffer === clone.view.buffer, "one buffer in the clone, as in the original");
  // A detached buffer, the same buffer twice, a SharedArrayBuffer, a view:
  // DataCloneError, and nothing is detached by a clone that fails.
  const twice = new ArrayBuffer(1);
  const refusals: [unknown, Transferable[]][] = [
    [view.buffer, [view.buffer]],
    [1, [twice, twice]],
    [1, [new SharedArrayBuffer(2)]],
    [1, [new Uint8Array(2)]],
  ];
  for (const [value, transfer] of refusals) {
    assertEquals(assertThrows(() => structuredClone(value, { transfer }), DOMException).name, "DataCloneError");
  }
  const kept = new ArrayBuffer(4);
  assertEquals(assertThrows(() => structuredClone({ f() {} }, { transfer: [kept] }), DOMException).name, "DataCloneError");
  assertEquals(kept.byteLength, 4, "a failed clone detaches nothing");

  const { port1, port2 } = new MessageChannel();
  const sent = new Float64Array([0.5, 1.5]).buffer;
  const got = nextMessage(port2);
  port2.start();
  port1.postMessage({ sent }, [sent]);
  assertEquals(sent.byteLength, 0, "detached as soon as it is posted");
  assertEquals([...new Float64Array((await got).data.sent)], [0.5, 1.5]);
  port1.close();
  port2.close();
});

test("BroadcastChannel reaches the other channels of the same name, not itself", async () => {
  const a = new BroadcastChannel("news");
  const b = new BroadcastChannel("news");
  const c = new BroadcastChannel("other");
  let selfOrOther = 0;
  a.onmessage = () => selfOrOther++;
  c.onmessage = () => selfOrOther++;
  const got = nextMessage(b);
  a.postMessage({ headline: "hi" });
  assertEquals((await got).data, { headline: "hi" });
  await new Promise((r) => setTimeout(r, 5));
  assertEquals(selfOrOther, 0);
  assertEquals(b.name, "news");
  a.close();
  const e = assertThrows(() => a.postMessage(1), DOMException);
  assertEquals(e.name, "InvalidStateError");
  b.close();
  c.close();
});

test("URLPattern matches pathnames and captures groups", () => {
  const p = new URLPattern({ pathname: "/books/:id" });
  assert(p.test("https://example.com/books/123"));
  assert(!p.test("https://example.com/authors/123"));
  const m = p.exec("https://example.com/books/123");
  assertEquals(m?.pathname, { input: "/books/123", groups: { id: "123" } });
  assertEquals(m?.hostname.input, "example.com");
  assertEquals(m?.inputs, ["https://example.com/books/123"]);
  assertEquals(p.pathname, "/books/:id");
  assertEquals(p.protocol, "*");
  assertEquals(p.hasRegExpGroups, false);
});

test("URLPattern from a string with a base URL, regexp groups, wildcards", () => {
  const p = new URLPattern("/api/:version(v\\d+)/*", "https://example.com");
  assertEquals([p.protocol, p.hostname, p.pathname], ["https", "example.com", "/api/:version(v\\d+)/*"]);
  assert(p.hasRegExpGroups);
  const m = p.exec("https://example.com/api/v2/users/7");
  assertEquals(m?.pathname.groups, { version: "v2", "0": "users/7" });
  assertEquals(p.exec("https://example.com/api/beta/users"), null);
  assertEquals(p.exec("https://other.com/api/v2/users"), null);
  assert(new URLPattern({ hostname: "{*.}?example.com" }).test({ hostname: "www.example.com" }));
  assert(new URLPattern({ pathname: "/ABC" }, { ignoreCase: true }).test("https://x.dev/abc"));
  assertEquals(new URLPattern({ pathname: "/x" }).test("not a url"), false);
});

test("URLPattern rejects bad patterns with TypeError", () => {
  assertThrows(() => new URLPattern({ pathname: "/:id(" }), TypeError);
  assertThrows(() => new URLPattern("relative/path"), TypeError);
  assertEquals(Object.prototype.toString.call(new URLPattern({})), "[object URLPattern]");
});

await run();
