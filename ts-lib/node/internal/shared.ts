// One copy of each stateful built-in per isolate. ts-lib's bootstrap
// imports node:buffer, node:events, node:process, ... to install the
// globals; when Howth starts from its startup snapshot, a later
// `import "node:buffer"` from user code compiles a fresh copy of the
// module (runtime/src/lib.rs: connect_internal_modules). The facades in
// ts-lib/node/*.ts therefore export the implementation registered first,
// so `import { Buffer } from "node:buffer"` is the global Buffer, and
// process, streams and emitters share one EventEmitter.

/** The implementation of `name` registered first in this isolate (`impl` when this is the first). */
export function shared<T extends object>(name: string, impl: T): T {
  // (Looked up on each call: facades run this during module evaluation,
  // possibly before this module's own top-level statements in a cycle.)
  const REGISTRY = Symbol.for("howth.internal.node");
  const g = globalThis as unknown as Record<symbol, Record<string, object> | undefined>;
  let reg = g[REGISTRY];
  if (reg === undefined) {
    reg = Object.create(null) as Record<string, object>;
    Object.defineProperty(globalThis, REGISTRY, { value: reg, enumerable: false, configurable: false, writable: false });
  }
  return (reg[name] ??= impl) as T;
}
