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

  /** A request a route with parameters answers: `/users/:id` gives `req.params.id`. */
  interface RoutedRequest extends Request {
    readonly params: Record<string, string>;
  }
  type RouteHandler = (req: RoutedRequest, server: Server) => HandlerResult | Promise<HandlerResult>;
  /** A static Response (sent as is to every request), a handler or a file. */
  type RouteValue = Response | RouteHandler | HowthFile;
  type RouteMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "CONNECT" | "TRACE";
  /** Bun.serve's route table: `/`, `/users/:id`, `/static/*` to a value or a map of methods (docs/routes.md). */
  type Routes = Record<string, RouteValue | Partial<Record<RouteMethod, RouteValue>>>;

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
    /** Matched in Rust before `fetch`; unmatched requests go to `fetch` (404 without one). */
    routes?: Routes;
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
  function serve(options: ServeOptions & { routes: Routes }): Server;
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

  // ---- Postgres: Howth.SQL, Bun.SQL's shape (docs/sql.md) ----

  /** A result: rows (objects, or arrays after `.values()`), with the command tag's count. */
  type SQLResult<Row = any> = Row[] & { count: number | null; command: string };

  /** A query: sent when awaited (or `.execute()`d); inside another template, a fragment of it. */
  interface SQLQuery<Row = any> extends PromiseLike<SQLResult<Row>> {
    /** Rows as arrays of values. */
    values(): SQLQuery<any[]>;
    /** The simple query protocol: several statements, no parameters; an array of results for several. */
    simple(): SQLQuery<any>;
    execute(): this;
    catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<SQLResult<Row> | B>;
    finally(f?: (() => void) | null): Promise<SQLResult<Row>>;
  }

  /** What sql(value, ...columns) makes: put inside a template. */
  interface SQLHelper {}

  interface SQLOptions {
    url?: string;
    hostname?: string;
    host?: string;
    port?: number | string;
    username?: string;
    user?: string;
    password?: string;
    database?: string;
    db?: string;
    /** Most connections in the pool (10). */
    max?: number;
    /** Seconds an idle connection is kept (0: forever). */
    idleTimeout?: number;
    /** Seconds a connection lives at most (0: forever). */
    maxLifetime?: number;
    /** Seconds to connect and log in (30). */
    connectionTimeout?: number;
    /** int8 as BigInt (default: a string). */
    bigint?: boolean;
    applicationName?: string;
    /** Startup parameters: statement_timeout, search_path, ... */
    connection?: Record<string, string | number | boolean>;
    onconnect?: (error: Error | null) => void;
    onclose?: (error: Error | null) => void;
  }

  /** The Postgres error of a failed query: `code` and `errno` are the SQLSTATE (or ERR_POSTGRES_* for a client-side failure). */
  class PostgresError extends Error {
    code: string;
    errno: string;
    severity?: string;
    detail?: string;
    hint?: string;
    /** 1-based character offset in the query text, as a string. */
    position?: string;
    where?: string;
    schema?: string;
    table?: string;
    column?: string;
    dataType?: string;
    constraint?: string;
  }

  interface SQL {
    /** A query: every `${value}` is a bound parameter. */
    <Row = any>(strings: TemplateStringsArray, ...values: unknown[]): SQLQuery<Row>;
    /** An identifier (a string), an in-list (an array), or an insert's or update's columns and values (objects). */
    (value: string | readonly unknown[] | Record<string, unknown>, ...columns: (string | string[])[]): SQLHelper;
    /** Text with $1-style parameters, as it is. */
    unsafe<Row = any>(text: string, params?: unknown[]): SQLQuery<Row>;
    /** A transaction: COMMIT when `fn` returns (its value comes back), ROLLBACK when it throws. */
    begin<T>(fn: (tx: SQL) => T | Promise<T>): Promise<T>;
    begin<T>(mode: string, fn: (tx: SQL) => T | Promise<T>): Promise<T>;
    transaction<T>(fn: (tx: SQL) => T | Promise<T>): Promise<T>;
    /** Inside a transaction: RELEASE when `fn` returns, ROLLBACK TO when it throws. */
    savepoint<T>(fn: (sp: SQL) => T | Promise<T>): Promise<T>;
    /** A connection of the pool for this caller alone, until release(). */
    reserve(): Promise<SQL & { release(): void }>;
    /** LISTEN on a connection of its own. */
    listen(channel: string, fn: (payload: string) => void): Promise<{ unlisten(): Promise<void> }>;
    connect(): Promise<SQL>;
    /** Closes the pool after the queries in flight; later queries reject. */
    end(options?: { timeout?: number }): Promise<void>;
    close(options?: { timeout?: number }): Promise<void>;
  }

  /** `new Howth.SQL(url, options)`: a pool of Postgres connections, used as a tag. */
  const SQL: {
    new (url?: string | SQLOptions, options?: SQLOptions): SQL;
    PostgresError: typeof PostgresError;
  };

  /** A pool from DATABASE_URL, POSTGRES_URL or the PG* variables, made on first use. */
  const sql: SQL;

  // ---- Redis: Howth.RedisClient, Bun.RedisClient's shape (docs/redis.md) ----

  interface RedisOptions {
    /** ms to connect and finish the handshake (10,000). */
    connectionTimeout?: number;
    autoReconnect?: boolean;
    maxRetries?: number;
    enableOfflineQueue?: boolean;
    maxOfflineQueue?: number;
    /** RESP3 (HELLO 3). */
    resp3?: boolean;
  }

  /** A reply's error (`code`: ERR, WRONGTYPE, WRONGPASS, ...) or ERR_REDIS_* for a connection failure. */
  class RedisError extends Error {
    code: string;
  }

  class RedisClient {
    /** redis://[user:password@]host[:port][/db]; default REDIS_URL, else redis://localhost:6379. */
    constructor(url?: string, options?: RedisOptions);
    readonly connected: boolean;
    onconnect: (() => void) | null;
    onclose: ((error: Error) => void) | null;
    connect(): Promise<void>;
    close(): void;
    /** Any command. */
    send(command: string, args?: unknown[]): Promise<any>;
    get(key: string): Promise<string | null>;
    /** Options as Redis takes them: set(k, v, "EX", 10), "PX", "NX", "XX", "GET", "KEEPTTL". */
    set(key: string, value: unknown, ...options: unknown[]): Promise<string | null>;
    del(...keys: string[]): Promise<number>;
    exists(key: string): Promise<boolean>;
    incr(key: string): Promise<number>;
    decr(key: string): Promise<number>;
    incrby(key: string, n: number): Promise<number>;
    decrby(key: string, n: number): Promise<number>;
    expire(key: string, seconds: number): Promise<number>;
    pexpire(key: string, ms: number): Promise<number>;
    ttl(key: string): Promise<number>;
    pttl(key: string): Promise<number>;
    hget(key: string, field: string): Promise<string | null>;
    hset(key: string, fields: Record<string, unknown>): Promise<number>;
    hset(key: string, ...fieldValues: unknown[]): Promise<number>;
    hmset(key: string, ...fieldValues: unknown[]): Promise<string>;
    hmget(key: string, ...fields: (string | string[])[]): Promise<(string | null)[]>;
    hgetall(key: string): Promise<Record<string, string>>;
    hdel(key: string, ...fields: string[]): Promise<number>;
    hincrby(key: string, field: string, n: number): Promise<number>;
    lpush(key: string, ...values: unknown[]): Promise<number>;
    rpush(key: string, ...values: unknown[]): Promise<number>;
    lpop(key: string): Promise<string | null>;
    rpop(key: string): Promise<string | null>;
    lrange(key: string, start: number, stop: number): Promise<string[]>;
    llen(key: string): Promise<number>;
    sadd(key: string, ...members: unknown[]): Promise<number>;
    srem(key: string, ...members: unknown[]): Promise<number>;
    smembers(key: string): Promise<string[]>;
    sismember(key: string, member: unknown): Promise<boolean>;
    zadd(key: string, ...scoreMembers: unknown[]): Promise<number>;
    zrange(key: string, start: number, stop: number, ...options: unknown[]): Promise<string[]>;
    zscore(key: string, member: unknown): Promise<string | null>;
    mget(...keys: (string | string[])[]): Promise<(string | null)[]>;
    mset(...keyValues: unknown[]): Promise<string>;
    keys(pattern: string): Promise<string[]>;
    ping(message?: string): Promise<string>;
    publish(channel: string, message: unknown): Promise<number>;
    /** Puts this connection in subscriber mode; `listener` gets each message. */
    subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<number>;
    unsubscribe(channel: string, listener?: (message: string, channel: string) => void): Promise<void>;
  }

  /** A client for REDIS_URL (or localhost:6379), made on first use. */
  const redis: RedisClient;

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
    /** Required unless `routes` is given. */
    fetch?: Handler;
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
