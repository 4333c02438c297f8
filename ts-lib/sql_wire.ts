// One Postgres connection for Howth.SQL: the socket (db_socket.ts) and the
// protocol state machine in Rust (runtime/src/ops/postgres.rs, by id).
// Queries are queued in Rust as they are issued and the output is taken
// once per turn (a microtask after the first query), so every query of a
// turn leaves in one write; results come back in issue order and are
// turned into rows here.

import { ops } from "./core_ops.ts";
import { DbSocket, flushThisTurn } from "./db_socket.ts";
import { parserFor, serialize } from "./sql_types.ts";

/** Where and as whom to connect (sql.ts reads it from the URL and options). */
export interface ConnectionConfig {
  hostname: string;
  port: number;
  username: string;
  password?: string;
  database?: string;
  applicationName?: string;
  connectionTimeout: number;
  bigint: boolean;
  /** Startup parameters (statement_timeout, search_path, ...). */
  params: Record<string, string>;
}

/** What the server said about a failed query, with Bun's and node-postgres's field names. */
export class PostgresError extends Error {
  override name = "PostgresError";
  /** The SQLSTATE (`23505`), or ERR_POSTGRES_* for a client-side failure. */
  code: string;
  /** The SQLSTATE, as Bun names it. */
  errno: string;
  severity?: string;
  detail?: string;
  hint?: string;
  position?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;

  constructor(message: string, code: string) {
    super(message);
    this.code = code;
    this.errno = code;
  }
}

/** A client-side error (closed, timed out, refused). */
export function clientError(code: string, message: string): PostgresError {
  return new PostgresError(message, code);
}

/** Rows as objects (default) or arrays (`.values()`). */
export type RowMode = "objects" | "values";

/** A result: rows with Bun's `count` and `command`. */
export type Result = unknown[] & { count: number | null; command: string; columns?: string[] };

interface Waiting {
  mode: RowMode;
  simple: boolean;
  resolve: (r: Result | Result[]) => void;
  reject: (e: Error) => void;
}

const READY = 1,
  COMPLETE = 2,
  QUERY_ERROR = 3,
  SIMPLE_COMPLETE = 4,
  SIMPLE_ERROR = 5,
  NOTIFICATION = 6,
  NOTICE = 7,
  FAILED = 8;

const ERROR_KIND_CODES = ["", "ERR_POSTGRES_AUTHENTICATION_FAILED", "ERR_POSTGRES_PROTOCOL_ERROR", "ERR_POSTGRES_CONNECTION_CLOSED"];

export class PgConnection {
  readonly config: ConnectionConfig;
  #id: number;
  #socket: DbSocket;
  #waiting = new Map<number, Waiting>();
  #open = false;
  #ready = false;
  #failed: Error | undefined;
  #readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  /** Set by the pool: called when the connection is gone or a query completed. */
  onClose: (c: PgConnection) => void = () => {};
  onIdle: (c: PgConnection) => void = () => {};
  onNotification: (channel: string, payload: string, pid: number) => void = () => {};
  readonly createdAt = Date.now();
  lastUsed = Date.now();
  /** Held by a transaction or sql.reserve(): the pool gives it to nobody else. */
  reserved = false;

  constructor(config: ConnectionConfig) {
    this.config = config;
    this.#id = ops.pgOpen(
      JSON.stringify({
        user: config.username,
        password: config.password,
        database: config.database,
        applicationName: config.applicationName,
        params: config.params,
      }),
    );
    this.#socket = new DbSocket(config.hostname, config.port, config.connectionTimeout, {
      open: () => {
        this.#open = true;
        this.#markDirty();
      },
      data: (bytes) => this.#received(ops.pgReceive(this.#id, bytes)),
      closed: (error) => this.#closed(error),
    });
  }

  /** Queries sent and not answered. */
  get inFlight(): number {
    return this.#waiting.size;
  }

  get closed(): boolean {
    return this.#failed !== undefined;
  }

  /** "I", "T" (in a transaction), "E" (in a failed one). */
  get status(): string {
    return ops.pgStatus(this.#id);
  }

  /** Resolves once authenticated (a failed login rejects at once with the server's error). */
  ready(): Promise<void> {
    if (this.#ready) return Promise.resolve();
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  /** Queues a query; the promise settles with its result when the server answers. */
  query(text: string, params: unknown[], mode: RowMode, simple: boolean): Promise<Result | Result[]> {
    if (this.#failed) return Promise.reject(this.#failed);
    let qid: number;
    if (simple) qid = ops.pgSimpleQuery(this.#id, text);
    else if (params.length === 0) qid = ops.pgQuery(this.#id, text);
    else qid = ops.pgQuery(this.#id, text, ...params.map(serialize));
    if (this.#waiting.size === 0) this.#socket.ref(true);
    this.lastUsed = Date.now();
    this.#markDirty();
    return new Promise((resolve, reject) => this.#waiting.set(qid, { mode, simple, resolve, reject }));
  }

  /** Ends the session (Terminate) once what is queued has gone. */
  close(): void {
    if (this.#failed) return;
    const bye = ops.pgClose(this.#id);
    this.flushOutput();
    if (bye !== undefined && this.#open) this.#socket.write(bye);
    this.#socket.end();
    this.#fail(clientError("ERR_POSTGRES_CONNECTION_CLOSED", "Connection closed"));
  }

  #markDirty(): void {
    if (!this.#open) return;
    flushThisTurn(this);
  }

  /** Writes what the protocol has queued. */
  flushOutput(): void {
    if (!this.#open || this.#failed) return;
    const out = ops.pgOutput(this.#id);
    if (out !== undefined) this.#socket.write(out);
  }

  #closed(error: { code: string; message: string } | undefined): void {
    if (this.#failed) return;
    const nums = ops.pgLost(this.#id);
    ops.pgClose(this.#id);
    const cause = error ? clientError(error.code, error.message) : undefined;
    this.#received(nums, cause);
    this.#fail(cause ?? clientError("ERR_POSTGRES_CONNECTION_CLOSED", "Connection closed"));
  }

  #fail(e: Error): void {
    if (this.#failed) return;
    this.#failed = e;
    for (const w of this.#readyWaiters) w.reject(e);
    this.#readyWaiters = [];
    for (const w of this.#waiting.values()) w.reject(e);
    this.#waiting.clear();
    this.#socket.ref(false);
    this.onClose(this);
  }

  /** Handles the events of one read; `cause` replaces "connection closed" when the socket failed. */
  #received(nums: number[], cause?: Error): void {
    // Authentication answers the server from inside pgReceive: its output goes out this turn.
    this.#markDirty();
    if (nums.length === 0) return;
    const strings = ops.pgStrings();
    let n = 0;
    let s = 0;
    const error = (kind: number): PostgresError => {
      const f = strings.slice(s, s + 12);
      s += 12;
      if (kind === 3 && cause) return cause as PostgresError;
      const e = new PostgresError(f[2], kind === 0 ? f[1] : ERROR_KIND_CODES[kind]);
      const names = ["severity", , , "detail", "hint", "position", "where", "schema", "table", "column", "dataType", "constraint"] as const;
      names.forEach((name, i) => {
        if (name !== undefined && f[i] !== "") (e as unknown as Record<string, string>)[name] = f[i];
      });
      return e;
    };
    const result = (mode: RowMode): Result => {
      const width = nums[n++];
      const height = nums[n++];
      const affected = nums[n++];
      const oids = nums.slice(n, n + width);
      n += width;
      const nullCount = nums[n++];
      const nulls = nullCount === 0 ? undefined : new Set(nums.slice(n, n + nullCount));
      n += nullCount;
      const tag = strings[s++];
      const names = strings.slice(s, s + width);
      s += width;
      const parsers = oids.map((oid) => parserFor(oid, this.config.bigint));
      const rows: unknown[] = new Array(height);
      for (let r = 0; r < height; r++) {
        const base = r * width;
        if (mode === "values") {
          const row = new Array(width);
          for (let c = 0; c < width; c++) row[c] = nulls?.has(base + c) ? null : parsers[c](strings[s + c]);
          rows[r] = row;
        } else {
          const row: Record<string, unknown> = {};
          for (let c = 0; c < width; c++) row[names[c]] = nulls?.has(base + c) ? null : parsers[c](strings[s + c]);
          rows[r] = row;
        }
        s += width;
      }
      const out = rows as Result;
      out.count = affected >= 0 ? affected : null;
      out.command = tag.split(" ")[0];
      Object.defineProperty(out, "columns", { value: names, enumerable: false });
      return out;
    };
    const take = (qid: number): Waiting | undefined => {
      const w = this.#waiting.get(qid);
      this.#waiting.delete(qid);
      return w;
    };
    while (n < nums.length) {
      switch (nums[n++]) {
        case READY:
          this.#ready = true;
          for (const w of this.#readyWaiters) w.resolve();
          this.#readyWaiters = [];
          break;
        case COMPLETE: {
          const w = take(nums[n++]);
          const r = result(w?.mode ?? "objects");
          w?.resolve(r);
          break;
        }
        case QUERY_ERROR:
        case SIMPLE_ERROR: {
          const w = take(nums[n++]);
          const e = error(nums[n++]);
          w?.reject(e);
          break;
        }
        case SIMPLE_COMPLETE: {
          const w = take(nums[n++]);
          const count = nums[n++];
          const results: Result[] = [];
          for (let i = 0; i < count; i++) results.push(result(w?.mode ?? "objects"));
          w?.resolve(results);
          break;
        }
        case NOTIFICATION: {
          const pid = nums[n++];
          const channel = strings[s++];
          const payload = strings[s++];
          this.onNotification(channel, payload, pid);
          break;
        }
        case NOTICE:
          s += 12;
          break;
        case FAILED: {
          const e = error(nums[n++]);
          this.#fail(e);
          this.#socket.destroy();
          break;
        }
      }
    }
    if (this.#waiting.size === 0 && !this.#failed) {
      this.#socket.ref(false);
      this.onIdle(this);
    }
  }
}
