// node:http's Server on the loop that serves Howth.serve: listen() is
// ops.serve, and the server registers a batch function with server.ts's
// dispatch instead of a fetch handler. One call into JS per batch: for each
// parsed request an IncomingMessage and a ServerResponse are made and
// 'request' is emitted; a response not ended by the time its listener
// returns is deferred (its bytes copied out of the read buffer) so it can
// end later.

import { ops } from "../../core_ops.ts";
import { registerServer, watchDrain, unwatchDrain } from "../../server.ts";
import { console } from "../../console.ts";
import { EventEmitter } from "./events.ts";
import { coded, invalidArgType } from "./errors.ts";
import { process } from "./process.ts";
import { IncomingMessage, type RequestHost } from "./http_incoming.ts";
import { ServerResponse, type ResponseHost } from "./http_outgoing.ts";

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

interface ListenOptions {
  port?: number | string;
  host?: string;
  backlog?: number;
  path?: string;
}

/** Node's error for a listen that failed, from the loop's message. */
function listenError(message: string, address: string, port: number): Error {
  const [code, errno, text] = /already in use/.test(message)
    ? ["EADDRINUSE", -98, "address already in use"]
    : /permission denied/.test(message)
      ? ["EACCES", -13, "permission denied"]
      : /not available/.test(message)
        ? ["EADDRNOTAVAIL", -99, "address not available"]
        : ["EINVAL", -22, message];
  const e = new Error(`listen ${code}: ${text} ${address}:${port}`) as Error & Record<string, unknown>;
  e.code = code;
  e.errno = errno;
  e.syscall = "listen";
  e.address = address;
  e.port = port;
  return e;
}

function badPort(port: unknown): RangeError {
  const shown = typeof port === "string" ? `'${port}'` : String(port);
  return coded(
    new RangeError(`options.port should be >= 0 and < 65536. Received type ${typeof port} (${shown}).`),
    "ERR_SOCKET_BAD_PORT",
  );
}

function checkPort(port: unknown): number {
  const p = typeof port === "string" && port.trim() !== "" ? Number(port) : port;
  if (typeof p !== "number" || !Number.isInteger(p) || p < 0 || p > 65535) throw badPort(port);
  return p;
}

const NODE_KEEP_ALIVE_TIMEOUT = 5000;
const NODE_HEADERS_TIMEOUT = 60000;

export class Server extends EventEmitter {
  timeout = 0;
  keepAliveTimeout = NODE_KEEP_ALIVE_TIMEOUT;
  headersTimeout = NODE_HEADERS_TIMEOUT;
  requestTimeout = 300000;
  maxHeadersCount: number | null = null;
  maxRequestsPerConnection = 0;
  #id = -1;
  #address: { address: string; family: string; port: number } | null = null;
  /** Responses that outlived their batch, by handle: the drain callback finds them here. */
  #open = new Map<number, ServerResponse>();
  #requestHost: RequestHost;
  #responseHost: ResponseHost;

  constructor(options?: Record<string, unknown> | RequestListener, listener?: RequestListener) {
    super();
    if (typeof options === "function") {
      listener = options;
      options = undefined;
    } else if (options !== undefined && (options === null || typeof options !== "object")) {
      throw invalidArgType("options", "of type object", options);
    }
    if (options?.maxHeaderSize !== undefined) this.maxHeaderSize = Number(options.maxHeaderSize);
    if (typeof listener === "function") this.on("request", listener);
    this.#requestHost = { local: () => this.#address };
    const open = this.#open;
    this.#responseHost = {
      rehandle(res, h) {
        if (open.get(res._h) === res) open.delete(res._h);
        res._h = res.req._h = h;
        open.set(h, res);
        watchDrain(h, onDrain);
      },
      done(res) {
        if (res._h < 0 && open.get(res._h) === res) {
          open.delete(res._h);
          unwatchDrain(res._h);
        }
      },
    };
    const onDrain = (h: number, closed: boolean) => {
      const res = open.get(h);
      if (res === undefined) return;
      if (closed) res._clientGone();
      else res._drained();
    };
    this.#onDrain = onDrain;
  }

  maxHeaderSize: number | undefined;
  #onDrain: (h: number, closed: boolean) => void;

  get listening(): boolean {
    return this.#id >= 0;
  }

  listen(...args: unknown[]): this {
    let cb = typeof args[args.length - 1] === "function" ? (args.pop() as () => void) : undefined;
    let opts: ListenOptions;
    if (args.length === 0 || args[0] === undefined || args[0] === null) {
      opts = { port: 0 };
    } else if (typeof args[0] === "object") {
      opts = args[0] as ListenOptions;
    } else if (typeof args[0] === "string" && !/^\s*\d+\s*$/.test(args[0])) {
      opts = { path: args[0] };
    } else {
      opts = { port: args[0] as number, host: typeof args[1] === "string" ? args[1] : undefined };
    }
    if (opts.path !== undefined) {
      throw coded(new Error("node:http: listening on a Unix socket path is not supported"), "ERR_NOT_IMPLEMENTED");
    }
    if (this.#id >= 0) {
      throw coded(new Error("Listen method has been called more than once without closing."), "ERR_SERVER_ALREADY_LISTEN");
    }
    const port = checkPort(opts.port ?? 0);
    if (cb !== undefined) this.once("listening", cb);
    cb = undefined;
    // No host: every address, IPv6 and IPv4 both, as Node does; IPv4 alone
    // where the machine has no IPv6.
    const hosts = opts.host === undefined || opts.host === "" ? ["::", "0.0.0.0"] : [opts.host];
    let id = -1;
    let bound = 0;
    let failure: unknown;
    for (const host of hosts) {
      try {
        [id, bound] = ops.serve(this.#optionsJson(port, host));
        this.#address = { address: host === "localhost" ? "127.0.0.1" : host, family: host.includes(":") ? "IPv6" : "IPv4", port: bound };
        break;
      } catch (e) {
        failure = e;
        if (!/not available|Address family/i.test(String((e as Error)?.message))) break;
      }
    }
    if (id < 0) {
      const err = listenError(String((failure as Error)?.message ?? failure), hosts[0], port);
      process.nextTick(() => this.emit("error", err));
      return this;
    }
    this.#id = id;
    registerServer(id, {
      fetch: noFetch,
      self: undefined,
      server: this,
      defaultHost: "",
      onError: null,
      batch: (n: number) => this.#dispatch(n),
    });
    process.nextTick(() => this.emit("listening"));
    return this;
  }

  #optionsJson(port: number, hostname: string): string {
    const o: Record<string, unknown> = { port, hostname, listenError: "throw" };
    // Node's default timeouts are looser than the loop's (60 s for a head
    // against 10 s): a value the script left alone keeps the loop's.
    if (this.headersTimeout !== NODE_HEADERS_TIMEOUT) o.headerTimeoutMs = this.headersTimeout;
    if (this.keepAliveTimeout !== NODE_KEEP_ALIVE_TIMEOUT) o.idleTimeoutMs = this.keepAliveTimeout;
    if (this.maxHeadersCount !== null && this.maxHeadersCount > 0) o.maxHeaders = this.maxHeadersCount;
    if (this.maxRequestsPerConnection > 0) o.maxRequestsPerConnection = this.maxRequestsPerConnection;
    if (this.maxHeaderSize !== undefined && this.maxHeaderSize > 0) o.maxHeaderBytes = this.maxHeaderSize;
    return JSON.stringify(o);
  }

  #dispatch(n: number): void {
    const requestHost = this.#requestHost;
    const responseHost = this.#responseHost;
    for (let r = 0; r < n; r++) {
      const req = new IncomingMessage(r, requestHost);
      const res = new ServerResponse(req, responseHost);
      try {
        this.emit("request", req, res);
      } catch (e) {
        // Node would crash the process; the server stays up instead and
        // answers this request 500.
        console.error(e);
        if (!res.writableEnded) res.destroy();
      }
      if (!res.writableEnded && res._h === r) {
        // Answered later: copy the request out of the batch.
        const h = ops.defer(r);
        res._h = req._h = h;
        this.#open.set(h, res);
        watchDrain(h, this.#onDrain);
      }
    }
  }

  address(): { address: string; family: string; port: number } | null {
    return this.#id >= 0 ? { ...this.#address! } : null;
  }

  /** Stops accepting; requests in flight are answered; 'close' follows. */
  close(cb?: (err?: Error) => void): this {
    if (this.#id < 0) {
      if (typeof cb === "function") {
        const err = coded(new Error("Server is not running."), "ERR_SERVER_NOT_RUNNING");
        process.nextTick(cb, err);
      }
      return this;
    }
    ops.serverStop(this.#id);
    this.#id = -1;
    if (typeof cb === "function") this.once("close", cb);
    process.nextTick(() => this.emit("close"));
    return this;
  }

  /** The loop closes idle keep-alive connections when the server stops. */
  closeIdleConnections(): void {}
  closeAllConnections(): void {}

  setTimeout(ms: number, cb?: () => void): this {
    this.timeout = ms;
    if (typeof cb === "function") this.on("timeout", cb);
    return this;
  }

  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

function noFetch(): never {
  throw new Error("node:http servers dispatch through their batch function");
}

export function createServer(options?: Record<string, unknown> | RequestListener, listener?: RequestListener): Server {
  return new Server(options, listener);
}
