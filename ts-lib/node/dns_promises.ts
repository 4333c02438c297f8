// node:dns/promises: lookup as a promise (the shared half is
// ./internal/dns.ts).

import { notImplemented } from "../nodeio/errors.ts";
import * as core from "./internal/dns.ts";
import type { LookupAddress, LookupOptions } from "./internal/dns.ts";

export const { getDefaultResultOrder, setDefaultResultOrder } = core;
export const {
  NODATA, FORMERR, SERVFAIL, NOTFOUND, NOTIMP, REFUSED, BADQUERY, BADNAME, BADFAMILY, BADRESP, CONNREFUSED,
  TIMEOUT, EOF, FILE, NOMEM, DESTRUCTION, BADSTR, BADFLAGS, NONAME, BADHINTS, NOTINITIALIZED, LOADIPHLPAPI,
  ADDRGETNETWORKPARAMS, CANCELLED,
} = core.codes;

export function lookup(hostname: string, options?: number | LookupOptions): Promise<LookupAddress | LookupAddress[]> {
  const q = core.query(hostname, options);
  return new Promise((resolve, reject) => {
    if (!q.hostname) {
      return resolve(q.all ? [] : { address: null as unknown as string, family: q.family === 6 ? 6 : 4 });
    }
    core.resolveQuery(q, (err, addrs) => {
      if (err) return reject(err);
      resolve(q.all ? addrs : addrs[0]);
    });
  });
}

export const {
  lookupService, resolve, resolve4, resolve6, resolveAny, resolveCaa, resolveCname, resolveMx, resolveNaptr, resolveNs,
  resolvePtr, resolveSoa, resolveSrv, resolveTxt, reverse, getServers, setServers,
} = core.unimplemented("dnsPromises", true);
export class Resolver {
  constructor() {
    throw notImplemented("dnsPromises.Resolver");
  }
}

export default {
  lookup, lookupService, Resolver, getDefaultResultOrder, setDefaultResultOrder, setServers, getServers,
  resolve, resolve4, resolve6, resolveAny, resolveCaa, resolveCname, resolveMx, resolveNaptr, resolveNs,
  resolvePtr, resolveSoa, resolveSrv, resolveTxt, reverse, ...core.codes,
};
