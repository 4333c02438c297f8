// A tiny test harness for scripts run with `howth run`: no imports from the
// runtime's internals, only what user code sees.
//
//   import { test, run, assertEquals } from "./assert.ts";
//   test("adds", () => assertEquals(1 + 1, 2));
//   await run();
//
// run() prints one line per test, then "N passed, M failed" on its own line,
// and exits 1 when anything failed.

type TestFn = () => void | Promise<void>;

const tests: { name: string; fn: TestFn }[] = [];

export function test(name: string, fn: TestFn): void {
  tests.push({ name, fn });
}

export class AssertionError extends Error {
  override name = "AssertionError";
}

function show(v: unknown): string {
  return Howth.inspect(v, { depth: 6 });
}

function equal(a: unknown, b: unknown, seen: Map<object, object>): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (ArrayBuffer.isView(a) && !(a instanceof DataView)) {
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (a instanceof ArrayBuffer) return equal(new Uint8Array(a), new Uint8Array(b as ArrayBuffer), seen);
  if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    if (a.size !== m.size) return false;
    for (const [k, v] of a) if (!m.has(k) || !equal(v, m.get(k), seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    const s = b as Set<unknown>;
    if (a.size !== s.size) return false;
    for (const v of a) if (!s.has(v)) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], seen)) return false;
  }
  return true;
}

export function assert(cond: unknown, message = "assertion failed"): asserts cond {
  if (!cond) throw new AssertionError(message);
}

export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  if (equal(actual, expected, new Map())) return;
  const text =
    typeof actual === "string" && typeof expected === "string"
      ? `\n  actual:   ${JSON.stringify(actual)}\n  expected: ${JSON.stringify(expected)}`
      : `\n  actual:   ${show(actual)}\n  expected: ${show(expected)}`;
  throw new AssertionError(`${message ? message + ": " : ""}values differ${text}`);
}

export function assertMatch(actual: string, re: RegExp, message?: string): void {
  if (!re.test(actual)) {
    throw new AssertionError(`${message ? message + ": " : ""}${JSON.stringify(actual)} does not match ${re}`);
  }
}

type ErrorClass = abstract new (...args: any[]) => Error;

function checkError(e: unknown, cls: ErrorClass | undefined, includes: string | undefined): Error {
  if (cls !== undefined && !(e instanceof cls)) {
    throw new AssertionError(`expected ${cls.name}, got ${show(e)}`);
  }
  if (includes !== undefined && !(e instanceof Error && e.message.includes(includes))) {
    throw new AssertionError(`expected an error message including ${JSON.stringify(includes)}, got ${show(e)}`);
  }
  return e as Error;
}

export function assertThrows(fn: () => unknown, cls?: ErrorClass, includes?: string): Error {
  try {
    fn();
  } catch (e) {
    return checkError(e, cls, includes);
  }
  throw new AssertionError(`expected ${cls?.name ?? "an exception"}, but nothing was thrown`);
}

export async function assertRejects(fn: () => Promise<unknown>, cls?: ErrorClass, includes?: string): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return checkError(e, cls, includes);
  }
  throw new AssertionError(`expected a rejection with ${cls?.name ?? "an exception"}, but it resolved`);
}

export async function run(): Promise<void> {
  let passed = 0;
  let failed = 0;
  for (const t of tests) {
    try {
      await t.fn();
      passed++;
      console.log(`ok - ${t.name}`);
    } catch (e) {
      failed++;
      const detail = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : show(e);
      console.log(`FAIL - ${t.name}\n    ${detail.replaceAll("\n", "\n    ")}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) Howth.exit(1);
}
