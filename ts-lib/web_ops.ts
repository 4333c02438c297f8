// The native ops for the web-platform modules (url, encoding, crypto, ...).
//
// installWebGlobals() sets this once, before any of those modules' code
// runs on behalf of a user. It is a separate module from ops.ts so that the
// web globals depend on nothing but the Rust contract in ops.d.ts; ES module
// bindings are live, so importers see the value set later.

import type { Ops } from "./ops.d.ts";

export let webOps: Ops = undefined as unknown as Ops;

export function setWebOps(o: Ops): void {
  webOps = o;
}
