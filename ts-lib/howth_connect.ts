// Howth.connect: a TCP or TLS client socket with Bun.connect's shape
// (`{ hostname, port, tls, socket: { open, data, end, drain, error,
// close, connectError } }`, a promise of the socket once open), on the
// loop's outgoing connections (net_client.ts).

import { connect as open, resolveAll, type Connection, type TlsSpec } from "./net_client.ts";

export interface SocketHandler {
  open?(socket: HowthSocket): void;
  data?(socket: HowthSocket, data: Uint8Array): void;
  end?(socket: HowthSocket): void;
  drain?(socket: HowthSocket): void;
  error?(socket: HowthSocket, error: Error): void;
  close?(socket: HowthSocket, error?: Error): void;
  connectError?(socket: HowthSocket, error: Error): void;
}

export interface ConnectOptions {
  hostname: string;
  port: number;
  tls?: boolean | { serverName?: string; ca?: string; rejectUnauthorized?: boolean };
  /** Connect (and TLS handshake) timeout in ms. */
  timeout?: number;
  socket: SocketHandler;
  data?: unknown;
}

/** An Error with Node's `code` and `syscall`, as node:net gives them. */
export function socketError(code: string, message: string): Error {
  const e = new Error(message) as Error & { code: string; errno?: number; syscall?: string };
  e.code = code;
  const syscall = message.split(" ")[0];
  if (syscall === "connect" || syscall === "read" || syscall === "write") e.syscall = syscall;
  return e;
}

export class HowthSocket {
  #conn: Connection | undefined;
  #ended = false;
  data: unknown;
  readyState: "opening" | "open" | "closed" = "opening";

  constructor(data: unknown) {
    this.data = data;
  }

  /** @internal */
  attach(conn: Connection): void {
    this.#conn = conn;
  }

  /** Queues `data` (sent with the turn's other writes); returns the bytes queued. */
  write(data: string | ArrayBufferView | ArrayBuffer): number {
    if (this.#conn === undefined || this.#ended || this.readyState === "closed") return 0;
    const bytes =
      typeof data === "string"
        ? data
        : data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.#conn.write(bytes);
    return typeof bytes === "string" ? new TextEncoder().encode(bytes).length : bytes.byteLength;
  }

  /** Writes `data` if given, then ends our side. */
  end(data?: string | ArrayBufferView | ArrayBuffer): void {
    if (data !== undefined) this.write(data);
    this.#ended = true;
    this.#conn?.end();
  }

  /** Closes at once. */
  terminate(): void {
    this.#conn?.destroy();
  }

  pause(): void {
    this.#conn?.pause();
  }

  resume(): void {
    this.#conn?.resume();
  }

  ref(): void {
    this.#conn?.ref(true);
  }

  unref(): void {
    this.#conn?.ref(false);
  }

  setNoDelay(on = true): void {
    this.#conn?.setNoDelay(on);
  }

  get localPort(): number | undefined {
    const a = this.#conn?.addresses();
    return a ? Number(a[1]) : undefined;
  }

  get remoteAddress(): string | undefined {
    return this.#conn?.addresses()?.[2];
  }
}

function tlsSpec(o: ConnectOptions): TlsSpec | undefined {
  if (o.tls === undefined || o.tls === false) return undefined;
  const t = o.tls === true ? {} : o.tls;
  return {
    servername: t.serverName ?? o.hostname,
    ca: t.ca,
    rejectUnauthorized: t.rejectUnauthorized ?? true,
  };
}

export async function connect(o: ConnectOptions): Promise<HowthSocket> {
  if (o === null || typeof o !== "object" || typeof o.socket !== "object" || o.socket === null) {
    throw new TypeError("Howth.connect: expected { hostname, port, socket: { ... } }");
  }
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`Howth.connect: port must be an integer from 1 to 65535, got ${String(o.port)}`);
  }
  const hostname = String(o.hostname ?? "localhost");
  const h = o.socket;
  const socket = new HowthSocket(o.data);
  const addrs = await resolveAll(hostname);
  return new Promise((resolve, reject) => {
    let opened = false;
    let failure: Error | undefined;
    const conn = open(
      { addrs, port, tls: tlsSpec({ ...o, hostname }), timeout: o.timeout },
      {
        connect() {
          opened = true;
          socket.readyState = "open";
          h.open?.(socket);
          resolve(socket);
        },
        data(bytes) {
          h.data?.(socket, bytes);
        },
        end() {
          h.end?.(socket);
        },
        drain() {
          h.drain?.(socket);
        },
        error(code, message) {
          failure = socketError(code, message);
          if (!opened) {
            h.connectError?.(socket, failure);
            reject(failure);
          } else {
            h.error?.(socket, failure);
          }
        },
        close() {
          socket.readyState = "closed";
          if (opened) h.close?.(socket, failure);
        },
      },
    );
    socket.attach(conn);
  });
}
