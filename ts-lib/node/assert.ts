// node:assert: the legacy (loose) assertions as the default export, with
// `strict` holding the strict ones; AssertionError carries Node's fields
// (actual, expected, operator, generatedMessage, code).

import { inspect } from "../format.ts";
import { isDeepEqual } from "./internal/compare.ts";
import { coded, invalidArgType } from "./internal/errors.ts";

interface AssertionErrorOptions {
  message?: string | Error;
  actual?: unknown;
  expected?: unknown;
  operator?: string;
  stackStartFn?: Function;
}

const show = (v: unknown) => inspect(v, { depth: 1000, breakLength: Infinity });

const explanations: Record<string, string> = {
  deepStrictEqual: "Expected values to be strictly deep-equal:",
  strictEqual: "Expected values to be strictly equal:",
  deepEqual: "Expected values to be loosely deep-equal:",
  equal: "Expected values to be loosely equal:",
  notDeepStrictEqual: 'Expected "actual" not to be strictly deep-equal to:',
  notStrictEqual: 'Expected "actual" to be strictly unequal to:',
  notDeepEqual: 'Expected "actual" not to be loosely deep-equal to:',
  notEqual: 'Expected "actual" to be loosely unequal to:',
};

export class AssertionError extends Error {
  actual: unknown;
  expected: unknown;
  operator: string | undefined;
  generatedMessage: boolean;
  code = "ERR_ASSERTION";
  constructor(options: AssertionErrorOptions) {
    if (options === null || typeof options !== "object") throw invalidArgType("options", "of type object", options);
    const { message, actual, expected, operator } = options;
    let text: string;
    if (message !== undefined) text = String(message);
    else if (operator !== undefined && operator in explanations) {
      const a = show(actual), e = show(expected);
      text = operator.startsWith("not")
        ? `${explanations[operator]}\n\n${a}\n`
        : a.includes("\n") || e.includes("\n") || operator.includes("deep") || operator.includes("Deep")
          ? `${explanations[operator]}\n+ actual - expected\n\n+ ${a.split("\n").join("\n+ ")}\n- ${e.split("\n").join("\n- ")}`
          : `${explanations[operator]}\n\n${a} !== ${e}\n`;
    } else if (operator === "fail") text = "Failed";
    else text = `${show(actual)} ${operator} ${show(expected)}`;
    super(text);
    this.name = "AssertionError";
    this.actual = actual;
    this.expected = expected;
    this.operator = operator;
    this.generatedMessage = message === undefined;
    const capture = (Error as unknown as { captureStackTrace?: (o: object, f: Function) => void }).captureStackTrace;
    if (options.stackStartFn && capture) capture(this, options.stackStartFn);
  }
  toString(): string {
    return `${this.name} [${this.code}]: ${this.message}`;
  }
}

function fail(obj: { actual?: unknown; expected?: unknown; message?: string | Error; operator: string; fn: Function; generated?: boolean }): never {
  if (obj.message instanceof Error) throw obj.message;
  const e = new AssertionError({ actual: obj.actual, expected: obj.expected, message: obj.message, operator: obj.operator, stackStartFn: obj.fn });
  if (obj.generated !== undefined) e.generatedMessage = obj.generated;
  throw e;
}

function innerOk(fn: Function, argLen: number, value: unknown, message?: string | Error): void {
  if (value) return;
  let generated = false;
  if (argLen === 0) {
    message = "No value argument passed to `assert.ok()`";
    generated = true;
  } else if (message === undefined) {
    message = "The expression evaluated to a falsy value:\n\n  assert.ok(" + show(value) + ")\n";
    generated = true;
  } else if (message instanceof Error) throw message;
  const err = new AssertionError({ actual: value, expected: true, message, operator: "==", stackStartFn: fn });
  err.generatedMessage = generated;
  throw err;
}

type Matcher = RegExp | Function | object;

function checkError(actual: unknown, expected: Matcher | undefined, message: string | undefined, fn: Function): void {
  if (expected === undefined) return;
  if (typeof expected === "function") {
    if ((expected as Function).prototype !== undefined && actual instanceof (expected as Function)) return;
    if (Error.isPrototypeOf(expected as Function)) {
      throw actual;
    }
    const ok = (expected as Function).call({}, actual);
    if (ok !== true) {
      fail({ actual, expected, message: message ?? `The ${(expected as Function).name ? `"${(expected as Function).name}" ` : ""}validation function is expected to return "true". Received ${show(ok)}`, operator: "throws", fn });
    }
    return;
  }
  if (expected instanceof RegExp) {
    if (expected.test(String(actual))) return;
    fail({ actual, expected, message: message ?? `The input did not match the regular expression ${show(expected)}. Input:\n\n${show(String(actual))}\n`, operator: "throws", fn });
  }
  if (typeof expected === "object" && expected !== null) {
    for (const key of Object.keys(expected)) {
      const want = (expected as Record<string, unknown>)[key];
      const got = (actual as Record<string, unknown>)?.[key];
      const same = want instanceof RegExp && typeof got === "string" ? want.test(got) : isDeepEqual(got, want, true);
      if (!same) {
        fail({ actual, expected, message: message ?? `Expected values to be strictly deep-equal:\n+ actual - expected\n\n  Comparison {\n+   ${key}: ${show(got)}\n-   ${key}: ${show(want)}\n  }`, operator: "throws", fn });
      }
    }
  }
}

const NO_EXCEPTION = Symbol("no exception");

function getActual(fn: unknown): unknown {
  if (typeof fn !== "function") throw invalidArgType("fn", "of type function", fn);
  try {
    fn();
  } catch (e) {
    return e;
  }
  return NO_EXCEPTION;
}

async function waitActual(promiseFn: unknown): Promise<unknown> {
  let p: unknown;
  if (typeof promiseFn === "function") {
    p = promiseFn();
    if (!p || typeof (p as Promise<unknown>).then !== "function") {
      throw coded(new TypeError(`Expected instance of Promise to be returned from the "promiseFn" function but got ${show(p)}.`), "ERR_INVALID_RETURN_VALUE");
    }
  } else if (promiseFn && typeof (promiseFn as Promise<unknown>).then === "function") p = promiseFn;
  else throw invalidArgType("promiseFn", "of type function or an instance of Promise", promiseFn);
  try {
    await p;
  } catch (e) {
    return e;
  }
  return NO_EXCEPTION;
}

function splitArgs(error?: Matcher | string, message?: string): [Matcher | undefined, string | undefined] {
  if (typeof error === "string") return [undefined, error];
  return [error, message];
}

function makeAssert(strict: boolean) {
  const assert = function ok(...args: unknown[]): void {
    innerOk(assert, args.length, args[0], args[1] as string | undefined);
  } as any;
  const eq = (a: unknown, b: unknown) => (strict ? Object.is(a, b) : a == b || (Number.isNaN(a) && Number.isNaN(b))); // eslint-disable-line eqeqeq
  Object.assign(assert, {
    ok(...args: unknown[]) {
      innerOk(assert.ok, args.length, args[0], args[1] as string | undefined);
    },
    fail(message?: string | Error) {
      if (message instanceof Error) throw message;
      throw new AssertionError({ message: message ?? "Failed", operator: "fail", stackStartFn: assert.fail });
    },
    equal(actual: unknown, expected: unknown, message?: string | Error) {
      if (!eq(actual, expected)) fail({ actual, expected, message, operator: strict ? "strictEqual" : "==", fn: assert.equal });
    },
    notEqual(actual: unknown, expected: unknown, message?: string | Error) {
      if (eq(actual, expected)) fail({ actual, expected, message, operator: strict ? "notStrictEqual" : "!=", fn: assert.notEqual });
    },
    strictEqual(actual: unknown, expected: unknown, message?: string | Error) {
      if (!Object.is(actual, expected)) fail({ actual, expected, message, operator: "strictEqual", fn: assert.strictEqual });
    },
    notStrictEqual(actual: unknown, expected: unknown, message?: string | Error) {
      if (Object.is(actual, expected)) fail({ actual, expected, message, operator: "notStrictEqual", fn: assert.notStrictEqual });
    },
    deepEqual(actual: unknown, expected: unknown, message?: string | Error) {
      if (!isDeepEqual(actual, expected, strict)) fail({ actual, expected, message, operator: strict ? "deepStrictEqual" : "deepEqual", fn: assert.deepEqual });
    },
    notDeepEqual(actual: unknown, expected: unknown, message?: string | Error) {
      if (isDeepEqual(actual, expected, strict)) fail({ actual, expected, message, operator: strict ? "notDeepStrictEqual" : "notDeepEqual", fn: assert.notDeepEqual });
    },
    deepStrictEqual(actual: unknown, expected: unknown, message?: string | Error) {
      if (!isDeepEqual(actual, expected, true)) fail({ actual, expected, message, operator: "deepStrictEqual", fn: assert.deepStrictEqual });
    },
    notDeepStrictEqual(actual: unknown, expected: unknown, message?: string | Error) {
      if (isDeepEqual(actual, expected, true)) fail({ actual, expected, message, operator: "notDeepStrictEqual", fn: assert.notDeepStrictEqual });
    },
    throws(fn: unknown, error?: Matcher | string, message?: string) {
      const [m, msg] = splitArgs(error, message);
      const actual = getActual(fn);
      if (actual === NO_EXCEPTION) fail({ actual: undefined, expected: m, message: msg ?? "Missing expected exception" + (m && typeof m === "function" && (m as Function).name ? ` (${(m as Function).name}).` : "."), operator: "throws", fn: assert.throws });
      checkError(actual, m, msg, assert.throws);
    },
    doesNotThrow(fn: unknown, error?: Matcher | string, message?: string) {
      const [, msg] = splitArgs(error, message);
      const actual = getActual(fn);
      if (actual !== NO_EXCEPTION) fail({ actual, expected: error, message: `Got unwanted exception${msg ? `: ${msg}` : "."}\nActual message: "${(actual as Error)?.message}"`, operator: "doesNotThrow", fn: assert.doesNotThrow });
    },
    async rejects(promiseFn: unknown, error?: Matcher | string, message?: string) {
      const [m, msg] = splitArgs(error, message);
      const actual = await waitActual(promiseFn);
      if (actual === NO_EXCEPTION) fail({ actual: undefined, expected: m, message: msg ?? "Missing expected rejection" + (m && typeof m === "function" && (m as Function).name ? ` (${(m as Function).name}).` : "."), operator: "rejects", fn: assert.rejects });
      checkError(actual, m, msg, assert.rejects);
    },
    async doesNotReject(promiseFn: unknown, error?: Matcher | string, message?: string) {
      const [, msg] = splitArgs(error, message);
      const actual = await waitActual(promiseFn);
      if (actual !== NO_EXCEPTION) fail({ actual, expected: error, message: `Got unwanted rejection${msg ? `: ${msg}` : "."}\nActual message: "${(actual as Error)?.message}"`, operator: "doesNotReject", fn: assert.doesNotReject });
    },
    ifError(err: unknown) {
      if (err !== null && err !== undefined) {
        let message = "ifError got unwanted exception: ";
        message += typeof err === "object" && typeof (err as Error).message === "string" ? ((err as Error).message.length === 0 && (err as Error).constructor ? (err as Error).constructor.name : (err as Error).message) : show(err);
        const e = new AssertionError({ actual: err, expected: null, operator: "ifError", message, stackStartFn: assert.ifError });
        throw e;
      }
    },
    match(string: unknown, regexp: RegExp, message?: string | Error) {
      if (!(regexp instanceof RegExp)) throw invalidArgType("regexp", "an instance of RegExp", regexp);
      if (typeof string !== "string" || !regexp.test(string)) {
        fail({ actual: string, expected: regexp, message: message ?? (typeof string !== "string" ? `The "string" argument must be of type string. Received type ${typeof string} (${show(string)})` : `The input did not match the regular expression ${show(regexp)}. Input:\n\n${show(string)}\n`), operator: "match", fn: assert.match, generated: message === undefined });
      }
    },
    doesNotMatch(string: unknown, regexp: RegExp, message?: string | Error) {
      if (!(regexp instanceof RegExp)) throw invalidArgType("regexp", "an instance of RegExp", regexp);
      if (typeof string !== "string" || regexp.test(string)) {
        fail({ actual: string, expected: regexp, message: message ?? (typeof string !== "string" ? `The "string" argument must be of type string. Received type ${typeof string} (${show(string)})` : `The input was expected to not match the regular expression ${show(regexp)}. Input:\n\n${show(string)}\n`), operator: "doesNotMatch", fn: assert.doesNotMatch, generated: message === undefined });
      }
    },
    AssertionError,
  });
  if (strict) {
    assert.equal = assert.strictEqual;
    assert.notEqual = assert.notStrictEqual;
    assert.deepEqual = assert.deepStrictEqual;
    assert.notDeepEqual = assert.notDeepStrictEqual;
  }
  return assert;
}

const strict = makeAssert(true);
const assert = makeAssert(false);
assert.strict = strict;
strict.strict = strict;

export { strict };
export const { ok, fail: failFn, equal, notEqual, strictEqual, notStrictEqual, deepEqual, notDeepEqual, deepStrictEqual, notDeepStrictEqual, throws, doesNotThrow, rejects, doesNotReject, ifError, match, doesNotMatch } = assert;
export { failFn as fail };
export default assert;
