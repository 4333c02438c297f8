// The native ops, for every ts-lib core module that needs them.
//
// (Named core_ops.ts, not ops.ts: TypeScript resolves an import of
// "./ops.d.ts" to a sibling ops.ts, which would hide the contract.)
//
// Rust hands the ops object to bootstrap() exactly once; bootstrap stores it
// here before anything else runs. Modules import the live binding `ops`
// (ES module bindings are live, so they see the value set later) instead of
// receiving it as an argument, which keeps hot functions' signatures small.
// User code never sees this module: internal modules are not importable
// from user specifiers.

import type { Ops } from "./ops.d.ts";

export type { Ops };

export let ops: Ops = undefined as unknown as Ops;

export function setOps(o: Ops): void {
  ops = o;
}

/** What Rust's bootInfo() returns, parsed once. */
export interface BootInfo {
  version: string;
  v8: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  mainUrl: string | null;
  mainPath: string | null;
  workerId: number;
  /** `howth run --port N` or the PORT environment variable; null when neither. */
  portOverride?: number | null;
  /** The address servers bind when the script names none (set by an embedding program); null for the default. */
  hostname?: string | null;
}

let boot: BootInfo | undefined;

export function bootInfo(): BootInfo {
  return boot ?? (boot = JSON.parse(ops.bootInfo()) as BootInfo);
}
