// node:dns. lookup() asks the C library's getaddrinfo, as Node does, so
// /etc/hosts and nsswitch apply; it runs on the worker pool and answers
// are reused for 30 s (runtime/src/dns.rs). The resolve* family needs a
// DNS client of its own (c-ares in Node) and is not implemented yet.

import { checkCallback, notImplemented } from "../nodeio/errors.ts";
import { nextTick } from "./process.ts";
import * as core from "./internal/dns.ts";
import type { LookupAddress, LookupOptions } from "./internal/dns.ts";
import promises from "./dns_promises.ts";

export type { LookupAddress, LookupOptions, ResultOrder } from "./internal/dns.ts";
export const { ADDRCONFIG, V4MAPPED, ALL, getDefaultResultOrder, setDefaultResultOrder } = core;
export const {
  NODATA, FORMERR, SERVFAIL, NOTFOUND, NOTIMP, REFUSED, BADQUERY, BADNAME, BADFAMILY, BADRESP, CONNREFUSED,
  TIMEOUT, EOF, FILE, NOMEM, DESTRUCTION, BADSTR, BADFLAGS, NONAME, BADHINTS, NOTINITIALIZED, LOADIPHLPAPI,
  ADDRGETNETWORKPARAMS, CANCELLED,
} = core.codes;
export { promises };

type LookupCallback = (err: Error | null, address?: string | LookupAddress[] | null, family?: number) => void;

export function lookup(hostname: string, callback: LookupCallback): void;
export function lookup(hostname: string, options: number | LookupOptions, callback: LookupCallback): void;
export function lookup(hostname: unknown, options: unknown, callback?: unknown): void {
  if (typeof options === "function") {
    callback = options;
    options = undefined;
  }
  checkCallback(callback, "callback");
  const q = core.query(hostname, options);
  const cb = callback as LookupCallback;
  if (!q.hostname) {
    nextTick(() => (q.all ? cb(null, []) : cb(null, null, q.family === 6 ? 6 : 4)));
    return;
  }
  core.resolveQuery(q, (err, addrs) => {
    if (err) return cb(err);
    if (q.all) return cb(null, addrs);
    cb(null, addrs[0].address, addrs[0].family);
  });
}
Object.defineProperty(lookup, Symbol.for("nodejs.util.promisify.customArgs"), {
  value: ["address", "family"],
  enumerable: false,
});

export const {
  lookupService, resolve, resolve4, resolve6, resolveAny, resolveCaa, resolveCname, resolveMx, resolveNaptr, resolveNs,
  resolvePtr, resolveSoa, resolveSrv, resolveTxt, reverse, getServers, setServers,
} = core.unimplemented("dns", false);
export class Resolver {
  constructor() {
    throw notImplemented("dns.Resolver");
  }
}

export default {
  lookup, lookupService, Resolver, getDefaultResultOrder, setDefaultResultOrder, setServers, getServers,
  resolve, resolve4, resolve6, resolveAny, resolveCaa, resolveCname, resolveMx, resolveNaptr, resolveNs,
  resolvePtr, resolveSoa, resolveSrv, resolveTxt, reverse, promises, ADDRCONFIG, ALL, V4MAPPED, ...core.codes,
};
