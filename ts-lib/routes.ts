// `routes` in the serve options and the default export, as Bun.serve's: a
// table from path patterns ("/", "/api/users/:id", "/static/*") to what
// answers them: a Response (static: its status, headers and body are read
// once, here, and sent for every request), a handler, a Howth.file, or a
// map of methods to those. The patterns are matched in Rust
// (runtime/src/ops/router.rs on the howth-router crate: a prefix tree built
// once, literal > parameter > wildcard); this module holds what each route
// leads to and runs it. Requests no route matches go to `fetch` (404 when
// there is none). docs/routes.md.

import { ops } from "./core_ops.ts";
import type { ResponseHeaders } from "./ops.d.ts";
import { Response, headersToSend, responseBody, responseStatus } from "./response.ts";
import { Blob, blobBytes } from "./blob.ts";
import { HowthFile } from "./file.ts";
import type { Request } from "./request.ts";

type Handler = (req: Request, server: unknown) => unknown;

/** What one route (or one method of it) does. */
type Target =
  | { kind: "handler"; fn: Handler }
  | { kind: "static"; status: number; headers: ResponseHeaders; body: string | Uint8Array | null }
  | { kind: "file"; file: HowthFile };

interface Route {
  /** The pattern's parameter names, in order: routerParams gives the values so. */
  names: string[];
  /** For any method (a route that is not a method map). */
  any: Target | null;
  /** By method; GET also answers HEAD when HEAD is not listed. */
  methods: Map<string, Target> | null;
  /** The Allow header of a method map. */
  allow: string;
}

export interface RouteTable {
  id: number;
  routes: Route[];
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"];

function target(pattern: string, v: unknown): Target {
  if (typeof v === "function") return { kind: "handler", fn: v as Handler };
  if (v instanceof HowthFile) return { kind: "file", file: v };
  if (v instanceof Response) {
    const body = responseBody(v);
    const src = body.src;
    let bytes: string | Uint8Array | null;
    if (typeof src === "string" || src === null || src instanceof Uint8Array) bytes = src;
    else if (src instanceof Blob) bytes = blobBytes(src);
    else if (src instanceof HowthFile) return { kind: "file", file: src };
    else throw new TypeError(`Howth.serve: route ${pattern}: a static Response's body must be text, bytes, a Blob or a Howth.file (not a stream)`);
    return { kind: "static", status: responseStatus(v), headers: headersToSend(v), body: bytes };
  }
  throw new TypeError(`Howth.serve: route ${pattern} must be a Response, a handler function, a Howth.file or a map of methods to those`);
}

function paramNames(pattern: string): string[] {
  const names: string[] = [];
  for (const seg of pattern.split("/")) if (seg.startsWith(":")) names.push(seg.slice(1));
  return names;
}

/** Builds the table once, at serve(): the Rust tree and what each route does. */
export function compileRoutes(table: unknown): RouteTable {
  if (typeof table !== "object" || table === null) throw new TypeError("Howth.serve: routes must be an object of path patterns");
  const patterns: string[] = [];
  const routes: Route[] = [];
  for (const pattern of Object.keys(table)) {
    if (pattern.includes("\n")) throw new TypeError(`Howth.serve: route ${JSON.stringify(pattern)} holds a newline`);
    const v = (table as Record<string, unknown>)[pattern];
    const route: Route = { names: paramNames(pattern), any: null, methods: null, allow: "" };
    if (typeof v === "object" && v !== null && !(v instanceof Response) && !(v instanceof HowthFile)) {
      route.methods = new Map();
      for (const m of Object.keys(v)) {
        if (!METHODS.includes(m)) throw new TypeError(`Howth.serve: route ${pattern}: ${JSON.stringify(m)} is not an HTTP method`);
        route.methods.set(m, target(`${pattern} ${m}`, (v as Record<string, unknown>)[m]));
      }
      const allowed = [...route.methods.keys()];
      if (route.methods.has("GET") && !route.methods.has("HEAD")) allowed.push("HEAD");
      route.allow = allowed.join(", ");
    } else {
      route.any = target(pattern, v);
    }
    patterns.push(pattern);
    routes.push(route);
  }
  // The Rust side refuses a bad table with the reason (a duplicate, a
  // misplaced "*", two names for one parameter).
  const id = ops.routerNew(patterns.join("\n"));
  return { id, routes };
}

/** Returned by routeRequest when the request was answered already. */
export const ANSWERED: unique symbol = Symbol("answered");
/** Returned by routeRequest when no route matched: fetch decides. */
export const UNROUTED: unique symbol = Symbol("unrouted");

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Routes batch request r: ANSWERED (a static route, sent), UNROUTED, or
 * what the route's handler returned (a Response, a promise...), with
 * `req.params` set.
 */
export function routeRequest(table: RouteTable, r: number, req: Request, self: unknown, server: unknown, hasFetch: boolean): unknown {
  const i = ops.routerMatch(table.id, ops.reqTarget(r));
  if (i < 0) return UNROUTED;
  const route = table.routes[i]!;
  let t = route.any;
  if (route.methods !== null) {
    const method = req.method;
    t = route.methods.get(method) ?? (method === "HEAD" ? route.methods.get("GET") : undefined) ?? null;
    if (t === null) {
      // Bun hands the request to fetch; without one, 405 says what is allowed.
      if (hasFetch) return UNROUTED;
      ops.respond(r, 405, "Method Not Allowed", ["allow", route.allow]);
      return ANSWERED;
    }
  }
  (req as unknown as { params: Record<string, string> }).params = route.names.length === 0 ? NO_PARAMS : params(route.names);
  const tt = t!;
  if (tt.kind === "static") {
    ops.respond(r, tt.status, tt.body, tt.headers);
    return ANSWERED;
  }
  if (tt.kind === "file") return new Response(tt.file);
  return tt.fn.call(self, req, server);
}

function params(names: string[]): Record<string, string> {
  const values = ops.routerParams();
  const out: Record<string, string> = {};
  for (let k = 0; k < names.length; k++) out[names[k]!] = values[k]!;
  return out;
}
