// A tiny harness for the data-driven WPT runners (wpt_*.test.ts): each case
// is a function that throws on failure; suites count passes and failures,
// and report() prints one `name: N passed, M failed` line per suite and a
// final `N passed, M failed` line, then throws if any case failed that is
// not a documented known failure (see tests/wpt/*_known_failures.json).

export interface KnownFailures {
  /** Why these cases fail (printed once). */
  reason: string;
  /** Case ids, as the runner names them. */
  cases: string[];
}

export class Suite {
  passed = 0;
  failures: { id: string; message: string; known: boolean }[] = [];
  readonly #known: Set<string>;
  readonly knownReason: string;
  readonly #seenKnown = new Set<string>();

  constructor(readonly name: string, known?: KnownFailures) {
    this.#known = new Set(known?.cases ?? []);
    this.knownReason = known?.reason ?? "";
  }

  #record(id: string, err: unknown): void {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const known = this.#known.has(id);
    if (known) this.#seenKnown.add(id);
    this.failures.push({ id, message, known });
  }

  /** Runs one case. */
  test(id: string, fn: () => void): void {
    try {
      fn();
      this.passed++;
    } catch (e) {
      this.#record(id, e);
    }
  }

  /** Runs one asynchronous case. */
  async testAsync(id: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
      this.passed++;
    } catch (e) {
      this.#record(id, e);
    }
  }

  get failed(): number {
    return this.failures.length;
  }

  get unexpected(): number {
    return this.failures.filter((f) => !f.known).length;
  }

  /** Known failures that passed this time: the list needs updating. */
  get fixedKnown(): string[] {
    return [...this.#known].filter((id) => !this.#seenKnown.has(id));
  }
}

export function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Uint8Array) return `[${Array.from(v).join(",")}]`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function assertEquals(actual: unknown, expected: unknown, what = "value"): void {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: got ${show(actual)}, want ${show(expected)}`);
  }
}

export function assertTrue(cond: unknown, what: string): void {
  if (!cond) throw new Error(`${what}: expected true`);
}

export function assertArrayEquals(actual: ArrayLike<unknown>, expected: ArrayLike<unknown>, what = "array"): void {
  const a = Array.from(actual);
  const e = Array.from(expected);
  if (a.length !== e.length || a.some((x, i) => !Object.is(x, e[i]))) {
    throw new Error(`${what}: got ${show(a)}, want ${show(e)}`);
  }
}

/** Asserts fn throws an instance of `ctor` (and, for DOMException, `name`). */
export function assertThrows(ctor: Function, fn: () => unknown, name?: string): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof (ctor as new () => unknown))) {
      throw new Error(`expected ${ctor.name} to be thrown, got ${e instanceof Error ? e.name : String(e)}: ${String((e as Error)?.message ?? "")}`);
    }
    if (name !== undefined && (e as { name?: string }).name !== name) {
      throw new Error(`expected ${ctor.name} named ${name}, got ${(e as { name?: string }).name}`);
    }
    return;
  }
  throw new Error(`expected ${ctor.name}${name ? ` (${name})` : ""} to be thrown, nothing was`);
}

export async function assertRejects(ctor: Function, fn: () => Promise<unknown>, name?: string): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof (ctor as new () => unknown))) {
      throw new Error(`expected a rejection with ${ctor.name}, got ${e instanceof Error ? e.name : String(e)}`);
    }
    if (name !== undefined && (e as { name?: string }).name !== name) {
      throw new Error(`expected ${ctor.name} named ${name}, got ${(e as { name?: string }).name}`);
    }
    return;
  }
  throw new Error(`expected a rejection with ${ctor.name}, it resolved`);
}

const MAX_LISTED = 200;

/**
 * Prints the suites' results and the closing line; throws when a case
 * failed that is not a known failure (the runner then exits 1).
 */
export function report(suites: Suite[]): void {
  let passed = 0;
  let failed = 0;
  let unexpected = 0;
  for (const s of suites) {
    let listed = 0;
    for (const f of s.failures) {
      if (listed++ >= MAX_LISTED) break;
      console.log(`  ${f.known ? "known " : ""}FAIL ${s.name} ${f.id}: ${f.message}`);
    }
    if (s.failures.length > MAX_LISTED) console.log(`  ... and ${s.failures.length - MAX_LISTED} more`);
    const known = s.failed - s.unexpected;
    if (known > 0) {
      console.log(`  ${s.name}: ${known} expected failures, not counted below (${s.knownReason})`);
    }
    for (const id of s.fixedKnown) console.log(`  ${s.name}: known failure now passes, remove it from the list: ${id}`);
    // Expected (known, upstream) failures are listed above and not counted
    // as failures here, so a CI reading this line sees only regressions.
    console.log(`${s.name}: ${s.passed} passed, ${s.unexpected} failed`);
    passed += s.passed;
    failed += s.unexpected;
    unexpected += s.unexpected;
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (unexpected > 0) throw new Error(`${unexpected} unexpected WPT failure${unexpected === 1 ? "" : "s"}`);
}
