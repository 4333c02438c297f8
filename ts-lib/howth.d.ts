// Types for what Howth adds to the web platform, for users' TypeScript.
//
// Request, Response, Headers, URL, fetch-style handlers and the other web
// globals are typed by TypeScript's own lib.dom, exactly as for Bun, Deno
// and Cloudflare Workers code: this file only declares the `Howth` global.
// Use it with `"lib": ["es2022", "dom"]` and include this file (or
// reference it: `/// <reference path="howth.d.ts" />`).

/// <reference lib="dom" />

declare namespace Howth {
  /** Howth's version, e.g. "0.1.0". */
  const version: string;
  /** Versions of Howth and of the V8 it runs on. */
  const versions: { readonly howth: string; readonly v8: string };
  /** The arguments after the entry file: `howth run app.ts a b` gives ["a", "b"]. */
  const args: string[];
  /** The environment variables at start-up. Changing this object does not change the process's environment. */
  const env: Record<string, string | undefined>;
  /** This worker's index (0 in a single-worker process). */
  const workerId: number;
  /**
   * The host functions of the Rust program Howth is embedded in (empty
   * under `howth run`). Arguments and results are strings, numbers,
   * booleans, null, bytes (Uint8Array) or JSON-able objects; async host
   * functions return a Promise. A host function's error is thrown (or
   * rejects) as an Error with its message.
   */
  const ops: Readonly<Record<string, (...args: any[]) => any>>;
  /** Absolute path of the entry module. */
  const mainPath: string | undefined;
  /** The working directory at start-up. */
  function cwd(): string;

  /** Formats a value as console.log does (Node's util.inspect rules). */
  function inspect(value: unknown, options?: InspectOptions): string;
  /** Ends the process with `code` (default 0) after flushing stdout and stderr. */
  function exit(code?: number): never;
  /** Lets the process exit while this timer is still pending. */
  function unrefTimer(id: number): void;
  /** Undoes unrefTimer. */
  function refTimer(id: number): void;

  interface InspectOptions {
    /** Levels of nesting shown (default 2); deeper objects print as [Object]. */
    depth?: number | null;
    showHidden?: boolean;
    /** Width past which entries go on separate lines (default 80). */
    breakLength?: number;
    /** Inner levels combined on one line (default 3); false: one entry per line. */
    compact?: number | boolean;
    maxArrayLength?: number | null;
    maxStringLength?: number | null;
    sorted?: boolean;
    customInspect?: boolean;
    colors?: boolean;
  }

  /**
   * A response as a plain object: the fast path. `body` is sent as is;
   * without `headers`, a string body gets `content-type: text/plain;charset=utf-8`.
   */
  interface PlainResponse {
    status?: number;
    headers?: HeadersInit | Record<string, string | string[]>;
    body?: string | Uint8Array | ArrayBuffer | ArrayBufferView | null;
  }

  type HandlerResult = Response | PlainResponse;

  /** A request handler, as for Bun.serve and Deno.serve. */
  type Handler = (req: Request, server: Server) => HandlerResult | Promise<HandlerResult>;

  /** Limits enforced by the server loop (Rust); each has a default there. */
  interface ServeLimits {
    /** Largest request body accepted, in bytes. */
    maxBodyBytes?: number;
    /** Largest request head (request line and headers), in bytes. */
    maxHeaderBytes?: number;
    /** Most header fields in one request. */
    maxHeaders?: number;
    /** Longest request target, in bytes. */
    maxUrlLength?: number;
    /** Most connections open at once. */
    maxConnections?: number;
    /** Time allowed for a request head to arrive, in ms. */
    headerTimeoutMs?: number;
    /** Time an idle keep-alive connection is kept, in ms. */
    idleTimeoutMs?: number;
    /** Time allowed for a request body to arrive, in ms. */
    bodyTimeoutMs?: number;
    /** Requests served on one connection before it is closed. */
    maxRequestsPerConnection?: number;
    /** Time a batch's handlers may run synchronously, in ms; past it they are stopped and answered 503. */
    maxHandlerMs?: number;
    /** After stop() or SIGINT/SIGTERM: time requests in flight get to finish, in ms. */
    shutdownTimeoutMs?: number;
  }

  interface ServeOptions extends ServeLimits {
    /** Port to listen on; 0 picks a free one. Default: --port / PORT, else 3000. */
    port?: number;
    /** Address to bind. Default "0.0.0.0". */
    hostname?: string;
    fetch?: Handler;
    /** Answers a handler's exception (Bun's name). Default: log it and answer 500. */
    error?: (error: unknown) => HandlerResult | Promise<HandlerResult>;
    /** Deno's name for `error`. */
    onError?: (error: unknown) => HandlerResult | Promise<HandlerResult>;
    /** Called once listening, instead of printing "Listening on http://HOST:PORT/". */
    onListen?: (addr: { hostname: string; port: number }) => void;
  }

  interface Server {
    /** The port actually bound (useful with port 0). */
    readonly port: number;
    readonly hostname: string;
    /** http://host:port/ (a wildcard address shows as localhost). */
    readonly url: URL;
    /**
     * Stops accepting (the port is closed: new clients are refused). Idle
     * connections close now; requests in flight are still answered, each
     * connection closing after its last, until shutdownTimeoutMs.
     */
    stop(): void;
    /** stop(), as a promise (Deno's name). */
    shutdown(): Promise<void>;
  }

  /**
   * Starts an HTTP server. `serve({ port, fetch })`, `serve({ port }, handler)`
   * or `serve(handler)`. Prints "Listening on http://HOST:PORT/" unless
   * onListen is given.
   */
  function serve(options: ServeOptions & { fetch: Handler }): Server;
  function serve(options: ServeOptions, handler: Handler): Server;
  function serve(handler: Handler): Server;

  /** A socket opened by connect (Bun.connect's shape). */
  interface Socket<Data = unknown> {
    data: Data;
    readonly readyState: "opening" | "open" | "closed";
    /** Queues bytes (they leave with the turn's other writes); returns how many. */
    write(data: string | ArrayBufferView | ArrayBuffer): number;
    /** Writes `data` if given, then ends our side. */
    end(data?: string | ArrayBufferView | ArrayBuffer): void;
    terminate(): void;
    pause(): void;
    resume(): void;
    ref(): void;
    unref(): void;
    setNoDelay(on?: boolean): void;
    readonly localPort: number | undefined;
    readonly remoteAddress: string | undefined;
  }

  /**
   * Opens a TCP (or TLS) connection, as Bun.connect: resolves once open;
   * rejects with an Error whose code says why (ECONNREFUSED, ENOTFOUND,
   * ETIMEDOUT, certificate codes).
   */
  function connect<Data = unknown>(options: {
    hostname: string;
    port: number;
    tls?: boolean | { serverName?: string; ca?: string; rejectUnauthorized?: boolean };
    /** Connect (and TLS handshake) timeout, ms. */
    timeout?: number;
    data?: Data;
    socket: {
      open?(socket: Socket<Data>): void;
      data?(socket: Socket<Data>, data: Uint8Array): void;
      end?(socket: Socket<Data>): void;
      drain?(socket: Socket<Data>): void;
      error?(socket: Socket<Data>, error: Error): void;
      close?(socket: Socket<Data>, error?: Error): void;
      connectError?(socket: Socket<Data>, error: Error): void;
    };
  }): Promise<Socket<Data>>;

  /** The earlier Howth's name for serve. */
  const serveBatch: typeof serve;

  /** The no-JS baseline: the server loop answers every request with `body` (text/plain), never calling JS. */
  function serveRustOnly(options: { port?: number; hostname?: string; body?: string } & ServeLimits): Server;

  /**
   * The shape of an entry module's default export that Howth serves
   * (`export default { fetch(req) { ... } } satisfies Howth.ServeExport`).
   */
  interface ServeExport extends ServeOptions {
    fetch: Handler;
    /**
     * Threads serving this export, each with its own isolate and its own
     * socket on the shared port (SO_REUSEPORT); "auto" is one per core.
     * Each loads the entry module itself; `Howth.workerId` tells them apart.
     * `howth run --workers` takes precedence.
     */
    workers?: number | "auto";
  }
}

// URLPattern is a Howth global (as in Deno and Bun) that this TypeScript's
// lib.dom does not declare yet.
interface URLPatternInit {
  protocol?: string;
  username?: string;
  password?: string;
  hostname?: string;
  port?: string;
  pathname?: string;
  search?: string;
  hash?: string;
  baseURL?: string;
}
type URLPatternInput = string | URLPatternInit;
interface URLPatternOptions {
  ignoreCase?: boolean;
}
interface URLPatternComponentResult {
  input: string;
  groups: Record<string, string | undefined>;
}
interface URLPatternResult {
  inputs: URLPatternInput[];
  protocol: URLPatternComponentResult;
  username: URLPatternComponentResult;
  password: URLPatternComponentResult;
  hostname: URLPatternComponentResult;
  port: URLPatternComponentResult;
  pathname: URLPatternComponentResult;
  search: URLPatternComponentResult;
  hash: URLPatternComponentResult;
}
interface URLPattern {
  readonly protocol: string;
  readonly username: string;
  readonly password: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  readonly hasRegExpGroups: boolean;
  test(input?: URLPatternInput, baseURL?: string): boolean;
  exec(input?: URLPatternInput, baseURL?: string): URLPatternResult | null;
}
declare var URLPattern: {
  prototype: URLPattern;
  new (input?: URLPatternInput, baseURL?: string, options?: URLPatternOptions): URLPattern;
  new (input?: URLPatternInput, options?: URLPatternOptions): URLPattern;
};

/** What Howth sets on a module's `import.meta` besides `url`. */
interface ImportMeta {
  /** True in the entry module. */
  main: boolean;
  /** The module's file path (file modules only). */
  filename: string;
  /** The folder of `filename`. */
  dirname: string;
  /** The URL an import of `specifier` from this module would load. */
  resolve(specifier: string): string;
}
