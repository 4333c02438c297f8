// fetch()'s keep-alive pool: connections per origin (and TLS options),
// reused once a response was read to its end, never after an error or an
// unread body; idle ones closed after IDLE_MS and not keeping the process
// alive meanwhile; at most MAX_PER_ORIGIN open per origin, further
// requests queued until one is free.

import { connect, resolveAll, type Connection, type TlsSpec } from "./net_client.ts";
import { clearTimeout, setTimeout, unrefTimer } from "./timers.ts";
import { URL } from "./url.ts";
import { fetchFailed } from "./fetch_errors.ts";

/** fetch(url, { tls }), as Bun takes it. */
export interface TlsInit {
  ca?: string | string[];
  rejectUnauthorized?: boolean;
  serverName?: string;
}

/** The request in flight on a connection: where its response goes. */
export interface Exchange {
  head(status: number, reason: string, fields: string[]): void;
  data(bytes: Uint8Array): void;
  end(reusable: boolean): void;
  fail(err: Error): void;
}

export interface PooledConnection {
  conn: Connection;
  exchange: Exchange | null;
  /** Resolves when the output drained after a refused write. */
  drained(): Promise<void>;
}

const MAX_PER_ORIGIN = 256;
const IDLE_MS = 4000;

interface Waiter {
  resolve(pc: PooledConnection): void;
  reject(e: unknown): void;
}

interface Pool {
  idle: Entry[];
  open: number;
  waiting: Waiter[];
  /** How to open another connection to this origin. */
  open_new: () => Promise<Entry>;
}

interface Entry extends PooledConnection {
  pool: Pool;
  idleTimer: number;
  dead: boolean;
  drainWaiters: (() => void)[];
}

const pools = new Map<string, Pool>();

function tlsSpec(url: URL, tls: TlsInit | undefined): TlsSpec | undefined {
  if (url.protocol !== "https:") return undefined;
  const ca = tls?.ca;
  return {
    servername: tls?.serverName ?? url.hostname.replace(/^\[|\]$/g, ""),
    ca: Array.isArray(ca) ? ca.join("\n") : ca,
    rejectUnauthorized: tls?.rejectUnauthorized ?? true,
    alpn: ["http/1.1"],
  };
}

function defaultPort(url: URL): number {
  return url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** Decodes a head event: "status\nreason\n(name\nvalue\n)*" (bytes as Latin-1). */
function parseHead(bytes: Uint8Array): [number, string, string[]] {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  const parts = text.split("\n");
  parts.pop();
  const status = Number(parts[0]);
  return [status, parts[1] ?? "", parts.slice(2)];
}

function openConnection(pool: Pool, url: URL, tls: TlsInit | undefined, decompress: boolean): Promise<Entry> {
  const host = url.hostname;
  return resolveAll(host).then(
    (addrs) =>
      new Promise<Entry>((resolve, reject) => {
        let opening = true;
        const entry = {
          pool,
          exchange: null,
          idleTimer: 0,
          dead: false,
          drainWaiters: [],
          drained() {
            return new Promise<void>((r) => entry.drainWaiters.push(r));
          },
        } as unknown as Entry;
        entry.conn = connect(
          { addrs, port: defaultPort(url), tls: tlsSpec(url, tls), http: { decompress } },
          {
            connect() {
              opening = false;
              resolve(entry);
            },
            head(bytes) {
              const [status, reason, fields] = parseHead(bytes);
              entry.exchange?.head(status, reason, fields);
            },
            data(bytes) {
              entry.exchange?.data(bytes);
            },
            responseEnd(reusable) {
              const ex = entry.exchange;
              entry.exchange = null;
              ex?.end(reusable);
            },
            end() {
              // The server closed an idle connection.
              discard(entry);
            },
            drain() {
              const w = entry.drainWaiters;
              entry.drainWaiters = [];
              for (const f of w) f();
            },
            error(code, message) {
              const err = fetchFailed(code, message);
              if (opening) {
                opening = false;
                reject(err);
                return;
              }
              const ex = entry.exchange;
              entry.exchange = null;
              ex?.fail(err);
            },
            close() {
              forget(entry);
              if (opening) {
                opening = false;
                reject(fetchFailed("ECONNRESET", "the connection closed while opening"));
              }
              const ex = entry.exchange;
              entry.exchange = null;
              ex?.fail(fetchFailed("ECONNRESET", "other side closed"));
            },
          },
        );
      }),
    (err: Error & { code?: string }) => {
      throw fetchFailed(err.code ?? "ENOTFOUND", err.message);
    },
  );
}

/** A connection for a request to `url`: an idle one, a new one, or the next one freed. */
export function acquire(
  url: URL,
  tls: TlsInit | undefined,
  decompress: boolean,
  signal: AbortSignal,
): Promise<PooledConnection> {
  const key = `${url.protocol}//${url.host}|${decompress ? 1 : 0}|${tls === undefined ? "" : JSON.stringify(tls)}`;
  let pool = pools.get(key);
  if (pool === undefined) {
    const p: Pool = { idle: [], open: 0, waiting: [], open_new: () => openConnection(p, url, tls, decompress) };
    pools.set(key, (pool = p));
  }
  const idle = pool.idle.pop();
  if (idle !== undefined) {
    clearTimeout(idle.idleTimer);
    idle.conn.ref(true);
    return Promise.resolve(idle);
  }
  if (pool.open < MAX_PER_ORIGIN) return openCounted(pool);
  const p = pool;
  return new Promise<PooledConnection>((resolve, reject) => {
    const w: Waiter = { resolve, reject };
    p.waiting.push(w);
    signal.addEventListener("abort", () => {
      const i = p.waiting.indexOf(w);
      if (i >= 0) {
        p.waiting.splice(i, 1);
        reject(signal.reason);
      }
    });
  });
}

function openCounted(pool: Pool): Promise<Entry> {
  pool.open++;
  return pool.open_new().catch((e) => {
    pool.open--;
    wakeWaiter(pool);
    throw e;
  });
}

/** A connection slot came free: the first queued request opens a connection in it. */
function wakeWaiter(pool: Pool): void {
  const w = pool.waiting.shift();
  if (w !== undefined) openCounted(pool).then(w.resolve, w.reject);
}

/** The response was read to its end on a reusable connection: back to the pool. */
export function release(pc: PooledConnection): void {
  const e = pc as Entry;
  if (e.dead) return;
  e.exchange = null;
  const w = e.pool.waiting.shift();
  if (w !== undefined) {
    w.resolve(e);
    return;
  }
  e.conn.ref(false);
  e.idleTimer = setTimeout(() => discard(e), IDLE_MS);
  unrefTimer(e.idleTimer);
  e.pool.idle.push(e);
}

/** Closes a connection that cannot be reused (an error, an unread body, a non-reusable end). */
export function discard(pc: PooledConnection): void {
  const e = pc as Entry;
  if (e.dead) return;
  forget(e);
  e.conn.destroy();
}

function forget(e: Entry): void {
  if (e.dead) return;
  e.dead = true;
  clearTimeout(e.idleTimer);
  const i = e.pool.idle.indexOf(e);
  if (i >= 0) e.pool.idle.splice(i, 1);
  e.pool.open--;
  wakeWaiter(e.pool);
}
