// The `Howth` global: process facts (version, args, env, workerId) and the
// server API. Declared for users in howth.d.ts; keep the two in step.

import { connect } from "./howth_connect.ts";
import { ops, bootInfo } from "./core_ops.ts";
import { registerServer, type ServerEntry } from "./server.ts";
import { inspect, type InspectOptions } from "./format.ts";
import { refTimer, unrefTimer } from "./timers.ts";
import { URL } from "./url.ts";
import { compressionApi } from "./compression.ts";
import { file, write } from "./file.ts";
import { compileRoutes } from "./routes.ts";
import { PostgresError, SQL, defaultSQL } from "./sql.ts";
import { RedisClient, RedisError, defaultRedisClient } from "./redis.ts";

type Handler = (req: unknown, server: HowthServer) => unknown;

/** The limits ops.serve understands (ops.d.ts); passed through as JSON. */
const LIMIT_OPTIONS = [
  "maxBodyBytes",
  "maxHeaderBytes",
  "maxHeaders",
  "maxUrlLength",
  "maxConnections",
  "headerTimeoutMs",
  "idleTimeoutMs",
  "bodyTimeoutMs",
  "maxRequestsPerConnection",
  "maxHandlerMs",
  "shutdownTimeoutMs",
] as const;

export interface ServeOptions {
  port?: number;
  hostname?: string;
  fetch?: Handler;
  /** Bun's name: answers a handler's exception. */
  error?: (error: unknown) => unknown;
  /** Deno's name for the same. */
  onError?: (error: unknown) => unknown;
  /** Called once listening, instead of printing "Listening on ...". */
  onListen?: (addr: { hostname: string; port: number }) => void;
  /** Bun's route table (routes.ts). */
  routes?: Record<string, unknown>;
  [limit: string]: unknown;
}

const DEFAULT_PORT = 3000;
const DEFAULT_HOSTNAME = "0.0.0.0";

/** The embedding program's hostname (bootInfo), else 0.0.0.0. */
function defaultHostname(): string {
  return bootInfo().hostname ?? DEFAULT_HOSTNAME;
}

/** How a host appears in a URL: IPv6 in brackets. */
function urlHost(hostname: string): string {
  return hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
}

export class HowthServer {
  declare readonly id: number;
  declare readonly port: number;
  declare readonly hostname: string;
  #stopped: boolean;

  constructor(id: number, port: number, hostname: string) {
    Object.defineProperty(this, "id", { value: id, enumerable: false });
    Object.defineProperty(this, "port", { value: port, enumerable: true });
    Object.defineProperty(this, "hostname", { value: hostname, enumerable: true });
    this.#stopped = false;
  }

  /** The URL to reach the server at; a wildcard address becomes localhost. */
  get url(): URL {
    const h = this.hostname === "0.0.0.0" || this.hostname === "::" ? "localhost" : urlHost(this.hostname);
    return new URL(`http://${h}:${this.port}/`);
  }

  /** Stops accepting connections; requests in flight are still answered. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    ops.serverStop(this.id);
  }

  /** Deno's name: stop, as a promise. */
  shutdown(): Promise<void> {
    this.stop();
    return Promise.resolve();
  }
}

function optionsJson(options: ServeOptions, port: number, hostname: string): string {
  const json: Record<string, unknown> = { port, hostname };
  for (const name of LIMIT_OPTIONS) {
    const v = options[name];
    if (v === undefined) continue;
    if (typeof v !== "number" || !(v >= 0)) {
      throw new TypeError(`Howth.serve: option ${name} must be a non-negative number`);
    }
    json[name] = v;
  }
  return JSON.stringify(json);
}

function checkPort(port: unknown): number {
  const p = typeof port === "string" && port !== "" ? Number(port) : port;
  if (typeof p !== "number" || !Number.isInteger(p) || p < 0 || p > 65535) {
    throw new TypeError(`Howth.serve: port must be an integer from 0 to 65535, got ${inspect(port)}`);
  }
  return p;
}

function announce(options: ServeOptions, hostname: string, port: number): void {
  if (typeof options.onListen === "function") {
    options.onListen({ hostname, port });
  } else if (!bootInfo().workerId) {
    // Workers share the port; one line is enough.
    ops.print(1, `Listening on http://${urlHost(hostname)}:${port}/\n`);
  }
}

/** Starts a server; `self` is `this` for fetch (the default export object). */
export function startServer(options: ServeOptions, fetch: Function | undefined, self: unknown, port: unknown): HowthServer {
  // Built before listening: a bad table is an error at serve(), not a port left open.
  const routes = options.routes === undefined ? null : compileRoutes(options.routes);
  const hostname = options.hostname === undefined ? defaultHostname() : `${options.hostname}`;
  const [id, boundPort] = ops.serve(optionsJson(options, checkPort(port), hostname));
  const server = new HowthServer(id, boundPort, hostname);
  const onError = options.onError ?? options.error;
  const defaultHost = `${hostname === "0.0.0.0" || hostname === "::" ? "localhost" : urlHost(hostname)}:${boundPort}`;
  const entry: ServerEntry = {
    fetch: fetch ?? notFound,
    self,
    server,
    defaultHost,
    onError: typeof onError === "function" ? (e: unknown) => onError.call(self, e) : null,
    routes,
    hasFetch: fetch !== undefined,
  };
  registerServer(id, entry);
  announce(options, hostname, boundPort);
  return server;
}

/** What a server with routes and no fetch answers when no route matches. */
function notFound(): { status: number; body: string } {
  return { status: 404, body: "Not Found" };
}

/** Port precedence for Howth.serve: the option, then --port/PORT, then 3000. */
function portFor(options: ServeOptions): unknown {
  if (options.port !== undefined) return options.port;
  return bootInfo().portOverride ?? envPort() ?? DEFAULT_PORT;
}

function envPort(): number | undefined {
  // Older hosts do not pass portOverride; PORT is what it stands for.
  if (bootInfo().portOverride !== undefined) return undefined;
  const p = bootInfo().env.PORT;
  return p !== undefined && p !== "" ? Number(p) : undefined;
}

/**
 * Howth.serve(options), Howth.serve(options, handler) or Howth.serve(handler).
 */
export function serve(a: ServeOptions | Handler, b?: Handler): HowthServer {
  let options: ServeOptions;
  let handler: unknown;
  if (typeof a === "function") {
    options = {};
    handler = a;
  } else {
    options = a ?? {};
    if (typeof options !== "object") throw new TypeError("Howth.serve: options must be an object");
    handler = typeof b === "function" ? b : options.fetch;
  }
  if (typeof handler !== "function" && options.routes === undefined) {
    throw new TypeError("Howth.serve: a handler is required: Howth.serve({ fetch(req) { ... } }) or Howth.serve(options, handler)");
  }
  // With serve({ fetch }), `this` in fetch is the options object, as with a default export.
  const fetch = typeof handler === "function" ? handler : undefined;
  return startServer(options, fetch, handler === options.fetch ? options : undefined, portFor(options));
}

/** The default export's port: --port/PORT first, then its own, then 3000. */
export function serveDefaultExport(def: ServeOptions & { fetch?: Function }): HowthServer {
  const info = bootInfo();
  const port = info.portOverride ?? def.port ?? envPort() ?? DEFAULT_PORT;
  return startServer(def, def.fetch, def, port);
}

/** The no-JS baseline: Rust answers every request with `body`. */
export function serveRustOnly(options: { port?: number; hostname?: string; body?: string } = {}): HowthServer {
  const hostname = options.hostname === undefined ? defaultHostname() : `${options.hostname}`;
  const port = checkPort(portFor(options as ServeOptions));
  const body = options.body === undefined ? "Hi" : `${options.body}`;
  const [id, boundPort] = ops.serveRustOnly(optionsJson(options as ServeOptions, port, hostname), body);
  const server = new HowthServer(id, boundPort, hostname);
  announce(options as ServeOptions, hostname, boundPort);
  return server;
}

export function makeHowth(): object {
  const info = bootInfo();
  return {
    version: info.version,
    versions: Object.freeze({ howth: info.version, v8: info.v8 }),
    args: info.args,
    env: info.env,
    workerId: info.workerId ?? 0,
    mainPath: info.mainPath ?? undefined,
    cwd: () => info.cwd,
    serve,
    serveBatch: serve,
    serveRustOnly,
    connect,
    inspect: (value: unknown, options?: InspectOptions) => inspect(value, options),
    exit: (code = 0) => ops.exit(code | 0),
    unrefTimer,
    refTimer,
    ...compressionApi,
    file,
    write,
    // Postgres and Redis clients with Bun's shapes (sql.ts, redis.ts); the
    // default ones are made from the environment on first use.
    SQL,
    PostgresError,
    get sql() {
      return defaultSQL();
    },
    RedisClient,
    RedisError,
    get redis() {
      return defaultRedisClient();
    },
    // Test-only (HOWTH_TEST_PANIC_OP=1): calls an op that panics.
    ...(ops.testPanic ? { testPanic: (message: string) => ops.testPanic!(String(message)) } : {}),
  };
}
