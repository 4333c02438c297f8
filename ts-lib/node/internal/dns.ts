// node:dns's shared half (node:dns and node:dns/promises): argument
// checks as Node makes them, result ordering, and the lookup itself on the
// worker pool (runtime/src/dns.rs).

import { ops } from "../../core_ops.ts";
import { onSettled } from "../../pool.ts";
import { invalidArgType, invalidArgValue, notImplemented, sysError } from "../../nodeio/errors.ts";
import { codedError } from "./errors.ts";
import { nextTick } from "../process.ts";

/** getaddrinfo's flags (Linux values, as Node exports them). */
export const ADDRCONFIG = 32;
export const V4MAPPED = 8;
export const ALL = 16;

/** The error codes of Node's DNS errors, as node:dns exports them. */
export const codes = {
  NODATA: "ENODATA",
  FORMERR: "EFORMERR",
  SERVFAIL: "ESERVFAIL",
  NOTFOUND: "ENOTFOUND",
  NOTIMP: "ENOTIMP",
  REFUSED: "EREFUSED",
  BADQUERY: "EBADQUERY",
  BADNAME: "EBADNAME",
  BADFAMILY: "EBADFAMILY",
  BADRESP: "EBADRESP",
  CONNREFUSED: "ECONNREFUSED",
  TIMEOUT: "ETIMEOUT",
  EOF: "EOF",
  FILE: "EFILE",
  NOMEM: "ENOMEM",
  DESTRUCTION: "EDESTRUCTION",
  BADSTR: "EBADSTR",
  BADFLAGS: "EBADFLAGS",
  NONAME: "ENONAME",
  BADHINTS: "EBADHINTS",
  NOTINITIALIZED: "ENOTINITIALIZED",
  LOADIPHLPAPI: "ELOADIPHLPAPI",
  ADDRGETNETWORKPARAMS: "EADDRGETNETWORKPARAMS",
  CANCELLED: "ECANCELLED",
} as const;

/** The parts of node:dns that need a DNS client of their own (c-ares in Node). */
export const UNIMPLEMENTED = [
  "lookupService", "resolve", "resolve4", "resolve6", "resolveAny", "resolveCaa", "resolveCname", "resolveMx",
  "resolveNaptr", "resolveNs", "resolvePtr", "resolveSoa", "resolveSrv", "resolveTxt", "reverse", "getServers",
  "setServers",
] as const;

/** Functions named `UNIMPLEMENTED` that fail with ERR_NOT_IMPLEMENTED (thrown, or as a rejection). */
export function unimplemented(prefix: string, rejects: boolean): Record<(typeof UNIMPLEMENTED)[number], () => never> {
  const entries = UNIMPLEMENTED.map((name) => [
    name,
    () => {
      const e = notImplemented(`${prefix}.${name}`);
      if (rejects) return Promise.reject(e);
      throw e;
    },
  ]);
  return Object.fromEntries(entries);
}

export type ResultOrder = "verbatim" | "ipv4first" | "ipv6first";

export interface LookupAddress {
  address: string;
  family: number;
}

export interface LookupOptions {
  family?: number | "IPv4" | "IPv6";
  hints?: number;
  all?: boolean;
  verbatim?: boolean;
  order?: ResultOrder;
}

let defaultOrder: ResultOrder = "verbatim";
const ORDERS: readonly ResultOrder[] = ["verbatim", "ipv4first", "ipv6first"];

export function getDefaultResultOrder(): ResultOrder {
  return defaultOrder;
}

export function setDefaultResultOrder(order: unknown): void {
  if (!ORDERS.includes(order as ResultOrder)) {
    throw codedError(
      TypeError,
      "ERR_INVALID_ARG_VALUE",
      `The argument 'dnsOrder' must be one of: 'verbatim', 'ipv4first', 'ipv6first'. Received ${typeof order === "string" ? `'${order}'` : String(order)}`,
    );
  }
  defaultOrder = order as ResultOrder;
}

/** A lookup's arguments, checked as Node checks them. */
export interface Query {
  hostname: string;
  family: 0 | 4 | 6;
  hints: number;
  all: boolean;
  order: ResultOrder;
}

/** ERR_INVALID_ARG_TYPE for an option: Node says "property" for a dotted name. */
function invalidOption(name: string, expected: string, value: unknown): TypeError {
  const e = invalidArgType(name, expected, value);
  e.message = e.message.replace(`"${name}" argument`, `"${name}" property`);
  return e;
}

export function query(hostname: unknown, options: unknown): Query {
  if (hostname && typeof hostname !== "string") throw invalidArgType("hostname", "of type string", hostname);
  let family: unknown = 0;
  let hints = 0;
  let all = false;
  let order = defaultOrder;
  if (typeof options === "number") family = options;
  else if (options !== undefined && options !== null) {
    if (typeof options !== "object") throw invalidArgType("options", "of type object", options);
    const o = options as LookupOptions;
    if (o.hints !== undefined) {
      if (typeof o.hints !== "number") throw invalidOption("options.hints", "of type number", o.hints);
      hints = o.hints >>> 0;
    }
    if (o.family !== undefined) family = o.family === "IPv4" ? 4 : o.family === "IPv6" ? 6 : o.family;
    if (o.all !== undefined) {
      if (typeof o.all !== "boolean") throw invalidOption("options.all", "of type boolean", o.all);
      all = o.all;
    }
    if (o.verbatim !== undefined) {
      if (typeof o.verbatim !== "boolean") throw invalidOption("options.verbatim", "of type boolean", o.verbatim);
      order = o.verbatim ? "verbatim" : "ipv4first";
    }
    if (o.order !== undefined) {
      if (!ORDERS.includes(o.order)) {
        throw codedError(
          TypeError,
          "ERR_INVALID_ARG_VALUE",
          `The property 'options.order' must be one of: 'verbatim', 'ipv4first', 'ipv6first'. Received '${String(o.order)}'`,
        );
      }
      order = o.order;
    }
  }
  if (family !== 0 && family !== 4 && family !== 6) {
    throw codedError(
      TypeError,
      "ERR_INVALID_ARG_VALUE",
      `The ${typeof options === "number" ? "argument 'family'" : "property 'options.family'"} must be one of: 0, 4, 6. Received ${typeof family === "string" ? `'${family}'` : String(family)}`,
    );
  }
  if ((hints & ~(ADDRCONFIG | ALL | V4MAPPED)) !== 0) throw invalidArgValue("hints", hints);
  return { hostname: (hostname as string) || "", family, hints, all, order };
}

/** 4 or 6 for an IP address literal, else 0 (Node's net.isIP). */
export function ipFamily(s: string): 0 | 4 | 6 {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(s)) return 4;
  if (s.includes(":")) {
    try {
      new URL(`http://[${s.split("%")[0]}]/`);
      return 6;
    } catch {
      return 0;
    }
  }
  return 0;
}

/** The answers in the order asked for (a stable sort keeps getaddrinfo's within a family). */
export function ordered(addrs: LookupAddress[], order: ResultOrder): LookupAddress[] {
  if (order === "verbatim") return addrs;
  const first = order === "ipv4first" ? 4 : 6;
  return [...addrs.filter((a) => a.family === first), ...addrs.filter((a) => a.family !== first)];
}

/**
 * Resolves q: the answers (all, or the first), or the error, handed to done
 * from the loop, never synchronously (as Node).
 */
export function resolveQuery(q: Query, done: (err: Error | null, addrs: LookupAddress[]) => void): void {
  if (!q.hostname) {
    nextTick(() => done(null, []));
    return;
  }
  const literal = ipFamily(q.hostname);
  if (literal !== 0) {
    nextTick(() => done(null, [{ address: q.hostname, family: literal }]));
    return;
  }
  const id = ops.dnsLookup(true, q.hostname, q.family, q.hints) as number;
  onSettled(id, (failed, value) => {
    if (failed) return done(lookupError(value), []);
    const addrs = (value as [string, number][]).map(([address, family]) => ({ address, family }));
    done(null, ordered(addrs, q.order));
  });
}

function lookupError(value: unknown): Error {
  const e = sysError(value) as Error & { hostname?: string };
  e.hostname = (value as { hostname: string }).hostname;
  return e;
}

