// The runtime's state behind Request, Response and Headers is out of user
// reach: no own properties, nothing on the prototypes but the spec's
// members, and what a server sends is what the Response was made with, not
// what a script later wrote on it, a subclass overrode or a Proxy answered.
import { assertEquals, assertThrows, test, run } from "./assert.ts";

type Obj = Record<PropertyKey, unknown>;

/** Every key on `o` and its prototype chain up to Object.prototype. */
function allKeys(o: object): PropertyKey[] {
  const keys: PropertyKey[] = [];
  for (let p: object | null = o; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    keys.push(...Reflect.ownKeys(p));
  }
  return keys;
}

function noInternals(o: object, what: string): void {
  assertEquals(Reflect.ownKeys(o), [], `${what}: own keys`);
  assertEquals(Object.getOwnPropertyNames(o), [], `${what}: own names`);
  assertEquals(Object.getOwnPropertySymbols(o), [], `${what}: own symbols`);
  const leaked = allKeys(o).filter((k) => typeof k === "string" && k.startsWith("_"));
  assertEquals(leaked, [], `${what}: underscore keys on the chain`);
  assertEquals(JSON.stringify(o), "{}", `${what}: JSON`);
}

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom");

/** A prototype's own keys: `members`, plus constructor, @@toStringTag and the inspect hook. */
function protoKeys(proto: object, members: string[], extra: PropertyKey[] = []): void {
  const expected = new Set<PropertyKey>(["constructor", ...members, Symbol.toStringTag, ...extra]);
  const actual = Reflect.ownKeys(proto).filter((k) => k !== inspectSymbol);
  assertEquals(
    actual.map(String).sort(),
    [...expected].map(String).sort(),
    `keys of ${String((proto as Obj)[Symbol.toStringTag])}.prototype`,
  );
}

const BODY = ["body", "bodyUsed", "arrayBuffer", "blob", "bytes", "formData", "json", "text", "clone"];

test("instances of Response, Request and Headers have no own properties", () => {
  noInternals(new Response(), "new Response()");
  noInternals(new Response("x", { status: 201, headers: { a: "1" } }), "new Response(body, init)");
  noInternals(new Response(new Uint8Array([1, 2])), "Response of bytes");
  noInternals(new Response(new ReadableStream()), "Response of a stream");
  noInternals(Response.json({ a: 1 }), "Response.json");
  noInternals(Response.redirect("http://example.com/"), "Response.redirect");
  noInternals(Response.error(), "Response.error");
  noInternals(new Response("x").clone(), "Response.clone");
  noInternals(new Request("http://example.com/"), "new Request");
  noInternals(new Request("http://example.com/", { method: "POST", body: "x", signal: new AbortController().signal }), "POST Request");
  noInternals(new Request(new Request("http://example.com/")), "Request of a Request");
  noInternals(new Request("http://example.com/").clone(), "Request.clone");
  noInternals(new Headers({ a: "1" }), "Headers");
  noInternals(new Headers({ a: "1" }).entries(), "Headers iterator");
  noInternals(new Response("x").headers, "a Response's Headers");
});

test("prototypes and constructors carry only the spec's members", () => {
  protoKeys(Response.prototype, ["status", "statusText", "ok", "headers", "type", "url", "redirected", ...BODY]);
  protoKeys(Request.prototype, [
    ...["method", "url", "headers", "signal", "cache", "credentials", "destination", "integrity", "keepalive"],
    ...["mode", "redirect", "referrer", "referrerPolicy", "isHistoryNavigation", "isReloadNavigation", "duplex"],
    ...BODY,
  ]);
  protoKeys(
    Headers.prototype,
    ["append", "delete", "get", "getSetCookie", "has", "set", "forEach", "entries", "keys", "values"],
    [Symbol.iterator],
  );
  assertEquals(Reflect.ownKeys(Response).map(String).sort(), ["error", "json", "length", "name", "prototype", "redirect"]);
  assertEquals(Reflect.ownKeys(Request).map(String).sort(), ["length", "name", "prototype"]);
  assertEquals(Reflect.ownKeys(Headers).map(String).sort(), ["length", "name", "prototype"]);
});

test("writing the old underscore fields changes nothing", async () => {
  const res = new Response("ok", { status: 201, headers: { a: "1" } });
  const r = res as unknown as Obj;
  r._status = 500;
  r._statusText = "evil";
  r._src = "evil";
  r._used = true;
  r._headers = null;
  r._ctype = "text/evil";
  assertEquals([res.status, res.statusText, res.bodyUsed], [201, "", false]);
  assertEquals([...res.headers], [["a", "1"], ["content-type", "text/plain;charset=UTF-8"]]);
  assertEquals(await res.text(), "ok");

  const req = new Request("http://example.com/a", { method: "PUT", body: "b" });
  const q = req as unknown as Obj;
  q._method = "DELETE";
  q._url = "http://evil/";
  q._src = "evil";
  q._r = 0;
  assertEquals([req.method, req.url], ["PUT", "http://example.com/a"]);
  assertEquals(await req.text(), "b");

  const h = new Headers({ a: "1" });
  (h as unknown as Obj)._list = ["evil", "1"];
  (h as unknown as Obj)._guard = 1;
  h.append("b", "2");
  assertEquals([...h], [["a", "1"], ["b", "2"]]);
});

test("a subclass cannot reach the state, and the getters brand-check their receiver", () => {
  class Peek extends Response {
    peek(): unknown[] {
      const self = this as unknown as Obj;
      return [self._status, self._src, self._headers];
    }
  }
  const p = new Peek("x", { status: 202 });
  assertEquals(p.peek(), [undefined, undefined, undefined]);
  assertEquals(p.status, 202);
  noInternals(p, "a Response subclass");

  const status = Object.getOwnPropertyDescriptor(Response.prototype, "status")!.get!;
  assertThrows(() => status.call({}), TypeError);
  assertThrows(() => status.call(Object.create(Response.prototype)), TypeError);
  const url = Object.getOwnPropertyDescriptor(Request.prototype, "url")!.get!;
  assertThrows(() => url.call(new Response()), TypeError);
  assertThrows(() => Headers.prototype.get.call({ _list: ["a", "1"] }, "a"), TypeError);
});

test("a Proxy sees no internal reads and cannot stand in for a Response", () => {
  const seen: PropertyKey[] = [];
  const res = new Response("x");
  const proxy = new Proxy(res, {
    get(target, key, receiver) {
      seen.push(key);
      return Reflect.get(target, key, receiver);
    },
  });
  // The getter runs with the proxy as `this`: it is not a Response.
  assertThrows(() => proxy.status, TypeError);
  assertThrows(() => proxy.headers, TypeError);
  assertEquals(seen, ["status", "headers"]);
});

// ---- what is served ---------------------------------------------------------

interface Served {
  status: number;
  type: string | null;
  body: string;
}

/** GETs each path from a separate node process (the test's own loop keeps serving). */
async function fetchAll(port: number, paths: string[]): Promise<Served[]> {
  const { execFile } = (await import("node:child_process" as string)) as {
    execFile: (
      file: string,
      args: string[],
      cb: (err: Error | null, stdout: string, stderr: string) => void,
    ) => unknown;
  };
  const script = `
    const out = [];
    for (const p of ${JSON.stringify(paths)}) {
      const r = await fetch("http://127.0.0.1:${port}" + p);
      out.push({ status: r.status, type: r.headers.get("content-type"), body: await r.text() });
    }
    console.log(JSON.stringify(out));`;
  return await new Promise((resolve, reject) => {
    execFile("node", ["--input-type=module", "-e", script], (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`node client failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as Served[]);
    });
  });
}

test("the server sends what the Response was made with", async () => {
  const proxyKeys: PropertyKey[] = [];
  const routes: Record<string, (req: Request) => Response> = {
    // Underscore fields written after construction are ignored.
    "/fields": () => {
      const res = new Response("ok", { status: 201 });
      Object.assign(res, { _status: 500, _src: "evil", _ctype: "text/evil", _used: true, _headers: null });
      return res;
    },
    // Own properties shadowing the getters, and a subclass overriding them.
    "/shadow": () => {
      const res = Response.json({ ok: true }, { status: 202 });
      Object.defineProperty(res, "status", { value: 500 });
      Object.defineProperty(res, "body", { value: "evil" });
      Object.defineProperty(res, "headers", { value: new Headers({ "content-type": "text/evil" }) });
      return res;
    },
    "/subclass": () => {
      class Lying extends Response {
        override get status(): number {
          return 500;
        }
        override get bodyUsed(): boolean {
          return true;
        }
      }
      return new Lying("sub", { status: 203, headers: { "content-type": "text/sub" } });
    },
    // The request's own state cannot be redirected either.
    "/request": (req) => {
      noInternals(req, "a server Request");
      const q = req as unknown as Obj;
      q._r = 123456;
      q._url = "http://evil/";
      q._method = "EVIL";
      return new Response(`${req.method} ${new URL(req.url).pathname}`);
    },
    // A Proxy passes `instanceof` but is not a Response: a 500, and its
    // traps never see the server reading state.
    "/proxy": () =>
      new Proxy(new Response("proxied"), {
        get(target, key, receiver) {
          proxyKeys.push(key);
          return Reflect.get(target, key, receiver);
        },
      }),
  };
  const server = Howth.serve({
    port: 0,
    hostname: "127.0.0.1",
    onListen() {},
    fetch(req) {
      return routes[new URL(req.url).pathname](req);
    },
  });
  try {
    const got = await fetchAll(server.port, Object.keys(routes));
    assertEquals(got[0], { status: 201, type: "text/plain;charset=utf-8", body: "ok" }, "/fields");
    assertEquals(got[1], { status: 202, type: "application/json", body: '{"ok":true}' }, "/shadow");
    assertEquals(got[2], { status: 203, type: "text/sub", body: "sub" }, "/subclass");
    assertEquals(got[3].status, 200, "/request");
    assertEquals(got[3].body, "GET /request", "/request");
    assertEquals(got[4].status, 500, "/proxy");
    const internal = proxyKeys.filter((k) => typeof k === "string" && k.startsWith("_"));
    assertEquals(internal, [], "/proxy: keys the server read through the proxy");
  } finally {
    server.stop();
  }
});

await run();
