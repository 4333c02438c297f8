// The globals ts-lib core installs, as user code sees them.
import { assert, assertEquals, test, run } from "./assert.ts";

test("Howth facts", () => {
  assertEquals(typeof Howth.version, "string");
  assert(/^\d+\.\d+\.\d+/.test(Howth.version), Howth.version);
  assert(Array.isArray(Howth.args));
  assertEquals(typeof Howth.env, "object");
  assertEquals(typeof Howth.env.PATH, "string");
  assertEquals(Howth.workerId, 0);
  assertEquals(typeof Howth.cwd(), "string");
  assert(Howth.serveBatch === Howth.serve);
  assert(Howth.mainPath!.endsWith("core_globals.test.ts"), Howth.mainPath);
});

test("global object aliases", () => {
  assert(self === globalThis);
  assert((globalThis as { global?: unknown }).global === globalThis);
});

test("globals are non-enumerable, writable, configurable", () => {
  for (const name of ["console", "setTimeout", "Headers", "Request", "Response", "Howth", "queueMicrotask"]) {
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    assert(d !== undefined, `${name} is defined`);
    assertEquals([d!.enumerable, d!.writable, d!.configurable], [false, true, true], name);
  }
});

test("console methods work detached from console", () => {
  const { log, error, info, warn, debug } = console;
  for (const f of [log, error, info, warn, debug]) assertEquals(typeof f, "function");
});

test("Error.prepareStackTrace is installed and V8-shaped", () => {
  function named() {
    return new Error("x").stack!;
  }
  const stack = named();
  assert(stack.startsWith("Error: x\n    at named ("), stack);
  class K {
    m() {
      return new Error("y").stack!;
    }
  }
  assert(new K().m().split("\n")[1].startsWith("    at K.m ("));
});

test("structuredClone, URL and friends come from the web modules", () => {
  assertEquals(typeof structuredClone, "function");
  assertEquals(new URL("http://a.test/x?y=1").searchParams.get("y"), "1");
});

await run();
