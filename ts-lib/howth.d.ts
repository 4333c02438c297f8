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

  // ---- files (docs/files.md) ----

  /**
   * A file read lazily, as Bun.file: nothing is read or stat'ed until asked.
   * Typed as a Blob so it goes wherever one does (`new Response(file)`),
   * but `instanceof Blob` is false at run time.
   */
  interface HowthFile extends Blob {
    /** The path as given. */
    readonly name: string;
    /** From the extension ("text/html;charset=utf-8"), or the `type` given; application/octet-stream if unknown. */
    readonly type: string;
    /** The size now (stat on each read); 0 when the file does not exist. */
    readonly size: number;
    /** Modification time, ms since the epoch; 0 when the file does not exist. */
    readonly lastModified: number;
    /** Whether a regular file is at the path. */
    exists(): Promise<boolean>;
    text(): Promise<string>;
    json(): Promise<any>;
    bytes(): Promise<Uint8Array<ArrayBuffer>>;
    arrayBuffer(): Promise<ArrayBuffer>;
    /** The contents in chunks, read as the stream is pulled. */
    stream(): ReadableStream<Uint8Array<ArrayBuffer>>;
    /** A lazily read part of the file (offsets as Blob.slice). */
    slice(start?: number, end?: number, contentType?: string): HowthFile;
  }

  /** A lazily read file. `new Response(Howth.file(p))` answers with Range, ETag/Last-Modified (304) and HEAD handled. */
  function file(path: string | URL, options?: { type?: string }): HowthFile;

  /** Writes `data` to `dest` (created or truncated); resolves to the bytes written. */
  function write(
    dest: string | URL | HowthFile,
    data: string | Blob | ArrayBuffer | ArrayBufferView | Response | HowthFile,
  ): Promise<number>;

  // ---- compression (docs/compression.md) ----

  type CompressInput = string | ArrayBuffer | ArrayBufferView;

  interface ZlibCompressionOptions {
    /** 0 (store) to 9 (smallest); default 6. */
    level?: number;
    /**
     * deflateSync/inflateSync: absent or -8..-15 raw deflate (the default, as Bun);
     * 8..15 zlib-wrapped (inflate: 0 too); 24..31 gzip.
     */
    windowBits?: number;
    memLevel?: number;
    strategy?: number;
  }

  /** gzip (RFC 1952). */
  function gzipSync(data: CompressInput, options?: ZlibCompressionOptions): Uint8Array;
  function gunzipSync(data: CompressInput, options?: ZlibCompressionOptions): Uint8Array;
  /** Raw deflate (RFC 1951) unless `windowBits` asks for zlib or gzip wrapping, as Bun. */
  function deflateSync(data: CompressInput, options?: ZlibCompressionOptions): Uint8Array;
  function inflateSync(data: CompressInput, options?: ZlibCompressionOptions): Uint8Array;
  /** Brotli (Howth's addition); `level` is the quality, 0..11 (default 11). */
  function brotliCompressSync(data: CompressInput, options?: { level?: number }): Uint8Array;
  function brotliDecompressSync(data: CompressInput): Uint8Array;
  /** Zstandard, as Bun; `level` 1..22 (default 3). */
  function zstdCompressSync(data: CompressInput, options?: { level?: number }): Uint8Array;
  function zstdDecompressSync(data: CompressInput): Uint8Array;
  /** zstdCompressSync on the worker pool. */
  function zstdCompress(data: CompressInput, options?: { level?: number }): Promise<Uint8Array>;
  function zstdDecompress(data: CompressInput): Promise<Uint8Array>;

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
