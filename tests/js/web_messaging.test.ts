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
