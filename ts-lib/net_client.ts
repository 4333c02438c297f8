// Outgoing connections: the JS half of loop/src/client. A connection is
// opened on resolved addresses (DNS through node:dns's lookup, on the
// worker pool) and its events arrive in one call per turn, dispatched
// here to each connection's handler by id. node:net, node:tls and fetch
// build on this module; ts-lib/ops.d.ts has the op contract.

import { ops } from "./core_ops.ts";
import { reportUncaught } from "./errors.ts";
import { settled } from "./pool.ts";

/** What a connection tells its owner; called from the loop, one turn's events in order. */
export interface ConnectionHandler {
  /** Connected (after the TLS handshake when there is TLS). */
  connect(): void;
  /** Bytes arrived (a view the handler may keep: each turn has its own buffer). */
  data(bytes: Uint8Array): void;
  /** The peer ended its side. */
  end(): void;
  /** The output went down after a write returned false. */
  drain(): void;
  /** The connection failed; close follows. */
  error(code: string, message: string): void;
  /** The connection is gone (always the last call). */
  close(hadError: boolean): void;
  /** HTTP driver: a response head, "status\nreason\n(name\nvalue\n)*" as Latin-1 bytes. */
  head?(bytes: Uint8Array): void;
  /** HTTP driver: the response ended; reusable says whether another request may follow. */
  responseEnd?(reusable: boolean): void;
}

export interface TlsSpec {
  /** The name sent as SNI and checked against the certificate. */
  servername: string;
  /** PEM of the only CAs to trust. */
  ca?: string;
  rejectUnauthorized?: boolean;
  alpn?: string[];
}

export interface ConnectSpec {
  /** IP address literals, in the resolver's order. */
  addrs: string[];
  port: number;
  tls?: TlsSpec;
  /** Connect (and handshake) timeout in ms; 0 or absent: the OS's. */
  timeout?: number;
  /** Speak HTTP/1.1 (fetch's driver) instead of passing bytes through. */
  http?: { decompress: boolean };
}

// Event kinds: loop/src/client/events.rs.
const CONNECT = 1;
const DATA = 2;
const END = 3;
const DRAIN = 4;
const ERROR = 5;
const CLOSE = 6;
const HEAD = 7;
const RESPONSE_END = 8;

const handlers = new Map<number, ConnectionHandler>();
let listening = false;

function deliver(): void {
  const ev = ops.netTakeEvents();
  let bytes: Uint8Array | undefined;
  let errors: string[] | undefined;
  let offset = 0;
  for (let i = 0; i < ev.length; i += 3) {
    const id = ev[i];
    const kind = ev[i + 1];
    const arg = ev[i + 2];
    const h = handlers.get(id);
    if (kind === DATA || kind === HEAD) {
      bytes ??= ops.netTakeBytes();
      const chunk = bytes.subarray(offset, offset + arg);
      offset += arg;
      if (h === undefined) continue;
      if (kind === DATA) call(() => h.data(chunk));
      else call(() => h.head?.(chunk));
      continue;
    }
    if (h === undefined) continue;
    switch (kind) {
      case CONNECT:
        call(() => h.connect());
        break;
      case END:
        call(() => h.end());
        break;
      case DRAIN:
        call(() => h.drain());
        break;
      case RESPONSE_END:
        call(() => h.responseEnd?.(arg === 1));
        break;
      case ERROR: {
        errors ??= ops.netTakeErrors();
        const text = errors[arg] ?? "EIO unknown error";
        const space = text.indexOf(" ");
        call(() => h.error(text.slice(0, space), text.slice(space + 1)));
        break;
      }
      case CLOSE:
        handlers.delete(id);
        call(() => h.close(arg === 1));
        break;
    }
  }
}

function call(f: () => void): void {
  try {
    f();
  } catch (e) {
    reportUncaught(e);
  }
}

/** One outgoing connection. Methods on a closed connection do nothing. */
export class Connection {
  readonly key: number;
  readonly id: number;

  constructor(key: number, id: number) {
    this.key = key;
    this.id = id;
  }

  /** Queues bytes; they leave with everything else written this turn. False: wait for drain. */
  write(data: Uint8Array | string): boolean {
    return this.key >= 0 && ops.netWrite(this.key, this.id, data);
  }
  /** Ends our side once the output is out (a FIN; TLS close_notify first). */
  end(): void {
    if (this.key >= 0) ops.netEnd(this.key, this.id);
  }
  /** Closes now; unsent output is dropped. */
  destroy(): void {
    if (this.key >= 0) ops.netDestroy(this.key, this.id);
  }
  pause(): void {
    if (this.key >= 0) ops.netPause(this.key, this.id);
  }
  resume(): void {
    if (this.key >= 0) ops.netResume(this.key, this.id);
  }
  /** Whether this connection keeps the process running (Node's ref/unref). */
  ref(on: boolean): void {
    if (this.key >= 0) ops.netRef(this.key, this.id, on);
  }
  setNoDelay(on: boolean): void {
    if (this.key >= 0) ops.netSetNoDelay(this.key, this.id, on);
  }
  /** [localAddress, localPort, remoteAddress, remotePort], once connected. */
  addresses(): string[] | undefined {
    return this.key >= 0 ? ops.netAddresses(this.key, this.id) : undefined;
  }
}

/** Opens a connection to resolved addresses; every outcome reaches `handler`. */
export function connect(spec: ConnectSpec, handler: ConnectionHandler): Connection {
  if (!listening) {
    listening = true;
    ops.setNetCallback(deliver);
  }
  const [key, id] = ops.netConnect(JSON.stringify(spec));
  handlers.set(id, handler);
  return new Connection(key, id);
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An Error with Node's fields (code, syscall, hostname, errno). */
function lookupError(v: unknown): Error {
  const f = v as { message: string; code: string; errno: number; syscall: string; hostname: string };
  const e = new Error(f.message) as Error & Record<string, unknown>;
  Object.assign(e, { code: f.code, errno: f.errno, syscall: f.syscall, hostname: f.hostname });
  return e;
}

/**
 * Every address of `host`, in getaddrinfo's order (on the worker pool,
 * cached; runtime/src/dns.rs), or the lookup's error (code ENOTFOUND, ...).
 * An IP address literal is its own answer, without a lookup.
 */
export async function resolveAll(host: string): Promise<string[]> {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (IPV4.test(bare) || bare.includes(":")) return [bare];
  const found = await settled<[string, number][]>(ops.dnsLookup(true, bare, 0, 0) as number, lookupError);
  return found.map(([address]) => address);
}
