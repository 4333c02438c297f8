// Howth.SQL: Postgres with Bun.SQL's shape. `sql` is a function: as a tag
// it makes a query (run when awaited), called with a value it makes a
// helper (sql_query.ts). Queries go to a pool of connections
// (sql_wire.ts) that pipelines: a query takes an idle connection, else a
// new one while the pool is below `max`, else the least busy, so the
// queries of one turn leave in one write per connection. Transactions
// and sql.reserve() hold a connection of their own.

import { bootInfo } from "./core_ops.ts";
import { unrefTimer } from "./timers.ts";
import { Fragment, Helper, Piece, Raw, compile, escapeIdentifier, type Builder } from "./sql_query.ts";
import { PgConnection, PostgresError, clientError, type ConnectionConfig, type Result, type RowMode } from "./sql_wire.ts";

export { PostgresError };

export interface SQLOptions {
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
  /** Seconds a connection may stay idle before it is closed (0: forever). */
  idleTimeout?: number;
  /** Seconds a connection lives at most (0: forever). */
  maxLifetime?: number;
  /** Seconds to connect and log in (30). */
  connectionTimeout?: number;
  /** int8 as BigInt instead of a string. */
  bigint?: boolean;
  /** Postgres's application_name. */
  applicationName?: string;
  /** Other startup parameters (statement_timeout, search_path, ...). */
  connection?: Record<string, string | number | boolean>;
  tls?: unknown;
  ssl?: unknown;
  onconnect?: (error: Error | null) => void;
  onclose?: (error: Error | null) => void;
}

interface Settings extends ConnectionConfig {
  max: number;
  idleTimeout: number;
  maxLifetime: number;
}

function settings(url: string | undefined, o: SQLOptions): Settings {
  const env = bootInfo().env;
  url ??= o.url ?? (o.hostname || o.host ? undefined : (env.DATABASE_URL ?? env.POSTGRES_URL ?? env.PGURL));
  const u = url ? new URL(url) : undefined;
  if (u && u.protocol !== "postgres:" && u.protocol !== "postgresql:") {
    throw new TypeError(`Howth.SQL: only postgres:// URLs are supported, got ${u.protocol}//`);
  }
  const q = u?.searchParams;
  const sslmode = q?.get("sslmode") ?? env.PGSSLMODE;
  if (o.tls || o.ssl || sslmode === "require" || sslmode === "verify-ca" || sslmode === "verify-full") {
    throw new PostgresError("Howth.SQL: TLS connections to Postgres are not supported yet", "ERR_POSTGRES_UNSUPPORTED_TLS");
  }
  const hostname = o.hostname ?? o.host ?? (u?.hostname ? decodeURIComponent(u.hostname) : undefined) ?? q?.get("host") ?? env.PGHOST ?? "localhost";
  if (hostname.startsWith("/")) {
    throw new PostgresError("Howth.SQL: Unix socket connections are not supported yet", "ERR_POSTGRES_UNSUPPORTED_SOCKET");
  }
  const username = o.username ?? o.user ?? (u?.username ? decodeURIComponent(u.username) : undefined) ?? env.PGUSER ?? env.USER ?? "postgres";
  const password = o.password ?? (u?.password ? decodeURIComponent(u.password) : undefined) ?? env.PGPASSWORD;
  const path = u?.pathname.slice(1);
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.connection ?? {})) params[k] = String(v);
  const seconds = (v: unknown, dflt: number) => (v === undefined || v === null ? dflt : Number(v));
  return {
    hostname: hostname.replace(/^\[(.*)\]$/, "$1"),
    port: Number(o.port ?? (u?.port || undefined) ?? env.PGPORT ?? 5432),
    username,
    password,
    database: o.database ?? o.db ?? (path ? decodeURIComponent(path) : undefined) ?? env.PGDATABASE ?? username,
    applicationName: o.applicationName ?? q?.get("application_name") ?? undefined,
    connectionTimeout: seconds(o.connectionTimeout ?? q?.get("connect_timeout"), 30) * 1000,
    bigint: o.bigint === true,
    params,
    max: Math.max(1, seconds(o.max ?? q?.get("max"), 10) | 0),
    idleTimeout: seconds(o.idleTimeout, 0),
    maxLifetime: seconds(o.maxLifetime, 0),
  };
}

/** Where a context's queries run. */
interface Runner {
  /** A connection for one query (now, or once one is free). */
  connection(): PgConnection | Promise<PgConnection>;
}

/** The connections of one `new SQL(...)`. */
class Pool implements Runner {
  readonly settings: Settings;
  readonly options: SQLOptions;
  #conns: PgConnection[] = [];
  #reserveWaiters: ((c: PgConnection) => void)[] = [];
  ended: Error | undefined;

  constructor(s: Settings, options: SQLOptions) {
    this.settings = s;
    this.options = options;
  }

  #open(): PgConnection {
    const c = new PgConnection(this.settings);
    this.#conns.push(c);
    c.onClose = (gone) => {
      this.#conns = this.#conns.filter((x) => x !== gone);
      this.options.onclose?.(null);
    };
    c.onIdle = (idle) => this.#idle(idle);
    if (this.options.onconnect) {
      c.ready().then(
        () => this.options.onconnect?.(null),
        (e: Error) => this.options.onconnect?.(e),
      );
    }
    return c;
  }

  #idle(c: PgConnection): void {
    if (c.reserved) return;
    const waiter = this.#reserveWaiters.shift();
    if (waiter) {
      c.reserved = true;
      waiter(c);
      return;
    }
    const { idleTimeout, maxLifetime } = this.settings;
    if (maxLifetime > 0 && Date.now() - c.createdAt > maxLifetime * 1000) return c.close();
    if (idleTimeout > 0) {
      const t = setTimeout(() => {
        if (c.inFlight === 0 && !c.reserved && Date.now() - c.lastUsed >= idleTimeout * 1000) c.close();
      }, idleTimeout * 1000);
      unrefTimer(t);
    }
  }

  connection(): PgConnection {
    if (this.ended) throw this.ended;
    let best: PgConnection | undefined;
    for (const c of this.#conns) {
      if (c.reserved || c.closed) continue;
      if (c.inFlight === 0) return c;
      if (best === undefined || c.inFlight < best.inFlight) best = c;
    }
    if (best === undefined || this.#conns.length < this.settings.max) return this.#open();
    return best;
  }

  /** A connection for one holder alone: an idle one, a new one, or the next to become idle. */
  reserve(): Promise<PgConnection> {
    if (this.ended) return Promise.reject(this.ended);
    for (const c of this.#conns) {
      if (!c.reserved && !c.closed && c.inFlight === 0) {
        c.reserved = true;
        return Promise.resolve(c);
      }
    }
    if (this.#conns.length < this.settings.max) {
      const c = this.#open();
      c.reserved = true;
      return Promise.resolve(c);
    }
    return new Promise((resolve) => this.#reserveWaiters.push(resolve));
  }

  release(c: PgConnection): void {
    c.reserved = false;
    if (c.inFlight === 0 && !c.closed) this.#idle(c);
  }

  /** Closes every connection once its queries are answered (or after `timeout` seconds). */
  async end(timeout?: number): Promise<void> {
    this.ended ??= clientError("ERR_POSTGRES_CONNECTION_CLOSED", "Connection closed");
    const deadline = timeout === undefined ? Infinity : Date.now() + timeout * 1000;
    const conns = [...this.#conns];
    await Promise.all(
      conns.map(async (c) => {
        while (c.inFlight > 0 && !c.closed && Date.now() < deadline) {
          await new Promise<void>((r) => {
            const prev = c.onIdle;
            c.onIdle = (x) => {
              c.onIdle = prev;
              r();
              prev(x);
            };
            if (deadline !== Infinity) setTimeout(r, Math.max(0, deadline - Date.now()));
          });
        }
        c.close();
      }),
    );
  }
}

/** A connection held by a transaction or sql.reserve(). */
class Held implements Runner {
  constructor(
    readonly conn: PgConnection,
    public released = false,
  ) {}

  connection(): PgConnection {
    if (this.released) throw clientError("ERR_POSTGRES_CONNECTION_CLOSED", "This reserved connection was released");
    return this.conn;
  }
}

/** A query: runs when first awaited (or `.execute()`d); a fragment when put inside another template. */
export class Query extends Piece implements PromiseLike<Result> {
  #runner: Runner;
  #strings: readonly string[];
  #values: readonly unknown[];
  #mode: RowMode = "objects";
  #simple = false;
  #promise: Promise<Result> | undefined;
  #unsafe: string | undefined;

  constructor(runner: Runner, strings: readonly string[], values: readonly unknown[], unsafe?: string) {
    super();
    this.#runner = runner;
    this.#strings = strings;
    this.#values = values;
    this.#unsafe = unsafe;
  }

  build(b: Builder): void {
    if (this.#unsafe !== undefined) b.text += this.#unsafe;
    else b.template(this.#strings, this.#values);
  }

  /** Rows as arrays of values instead of objects. */
  values(): this {
    this.#mode = "values";
    return this;
  }

  /** The simple query protocol: several statements, no parameters. */
  simple(): this {
    this.#simple = true;
    return this;
  }

  /** Sends the query now rather than when it is awaited. */
  execute(): this {
    this.#run();
    return this;
  }

  #run(): Promise<Result> {
    if (this.#promise) return this.#promise;
    this.#promise = (async () => {
      const { text, params } =
        this.#unsafe !== undefined ? { text: this.#unsafe, params: this.#values as unknown[] } : compile(this.#strings, this.#values);
      if (this.#simple && params.length > 0) throw new TypeError("Howth.SQL: a simple query takes no parameters");
      const r = this.#runner.connection();
      const conn = r instanceof PgConnection ? r : await r;
      const out = await conn.query(text, params, this.#mode, this.#simple);
      if (this.#simple) {
        const results = out as Result[];
        return (results.length === 1 ? results[0] : results) as Result;
      }
      return out as Result;
    })();
    return this.#promise;
  }

  then<A = Result, B = never>(
    onfulfilled?: ((value: Result) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#run().then(onfulfilled, onrejected);
  }

  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Result | B> {
    return this.#run().catch(onrejected);
  }

  finally(f?: (() => void) | null): Promise<Result> {
    return this.#run().finally(f);
  }

  get [Symbol.toStringTag](): string {
    return "Query";
  }
}

type Tag = (strings: TemplateStringsArray | string | unknown, ...values: unknown[]) => unknown;

const CONTEXT = Symbol("Howth.SQL context");

interface Context {
  pool: Pool;
  runner: Runner;
  /** Savepoint names in a transaction. */
  depth: number;
}

function isTemplate(x: unknown): x is TemplateStringsArray {
  return Array.isArray(x) && Array.isArray((x as unknown as { raw?: unknown }).raw);
}

/** The callable `sql` for a context: a tag, a helper maker, and SQL's methods. */
function makeSql(cx: Context): SQL {
  const sql = function (first: unknown, ...rest: unknown[]) {
    if (isTemplate(first)) return new Query(cx.runner, first, rest);
    return new Helper(first, rest.flat() as string[]);
  } as unknown as SQL;
  Object.setPrototypeOf(sql, SQL.prototype);
  Object.defineProperty(sql, CONTEXT, { value: cx });
  return sql;
}

function context(sql: unknown): Context {
  const cx = (sql as { [CONTEXT]?: Context })[CONTEXT];
  if (cx === undefined) throw new TypeError("Illegal invocation: not a Howth.SQL instance");
  return cx;
}

async function runTransaction<T>(cx: Context, begin: string, fn: (tx: SQL) => T | Promise<T>): Promise<T> {
  const held = new Held(await cx.pool.reserve());
  const tx = makeSql({ pool: cx.pool, runner: held, depth: 0 });
  // BEGIN is pipelined with the callback's first queries.
  const began = held.conn.query(begin, [], "objects", false);
  try {
    let value: unknown = await fn(tx);
    if (Array.isArray(value)) value = await Promise.all(value);
    await began;
    await held.conn.query("COMMIT", [], "objects", false);
    return value as T;
  } catch (e) {
    await began.catch(() => {});
    if (!held.conn.closed) await held.conn.query("ROLLBACK", [], "objects", false).catch(() => {});
    throw e;
  } finally {
    held.released = true;
    cx.pool.release(held.conn);
  }
}

export interface SQL extends Tag {}

/** `new Howth.SQL(url?, options?)`: a pool of Postgres connections, used as a tag. */
export class SQL {
  static PostgresError = PostgresError;

  constructor(url?: string | SQLOptions, options?: SQLOptions) {
    const opts = typeof url === "object" && url !== null ? url : (options ?? {});
    const s = settings(typeof url === "string" ? url : undefined, opts);
    const pool = new Pool(s, opts);
    return makeSql({ pool, runner: pool, depth: 0 });
  }

  /** Runs `text` as it is, with `$1`-style parameters. */
  unsafe(text: string, params: unknown[] = []): Query {
    return new Query(context(this).runner, [], params, String(text));
  }

  /** Text put into a query as it is (not a parameter). */
  raw(text: string): Raw {
    return new Raw(String(text));
  }

  /** A sql`...` fragment to compose into another query (Bun's sql`` used as a value works too). */
  fragment(strings: TemplateStringsArray, ...values: unknown[]): Fragment {
    return new Fragment(strings, values);
  }

  /** A transaction: commits when `fn` returns, rolls back when it throws; `fn`'s value. */
  begin<T>(a: string | ((tx: SQL) => T | Promise<T>), b?: (tx: SQL) => T | Promise<T>): Promise<T> {
    const cx = context(this);
    const fn = typeof a === "function" ? a : b;
    if (typeof fn !== "function") return Promise.reject(new TypeError("Howth.SQL: begin() needs a callback"));
    if (cx.runner instanceof Held) return Promise.reject(new TypeError("Howth.SQL: already in a transaction: use savepoint()"));
    const mode = typeof a === "string" ? ` ${a}` : "";
    if (!/^[a-z ,]*$/i.test(mode)) return Promise.reject(new TypeError(`Howth.SQL: bad transaction mode ${mode}`));
    return runTransaction(cx, `BEGIN${mode}`, fn);
  }

  /** Bun's other name for begin. */
  transaction<T>(a: string | ((tx: SQL) => T | Promise<T>), b?: (tx: SQL) => T | Promise<T>): Promise<T> {
    return this.begin(a, b);
  }

  /** Inside a transaction: a savepoint, released when `fn` returns, rolled back to when it throws. */
  async savepoint<T>(a: string | ((sp: SQL) => T | Promise<T>), b?: (sp: SQL) => T | Promise<T>): Promise<T> {
    const cx = context(this);
    const fn = typeof a === "function" ? a : b;
    if (!(cx.runner instanceof Held)) throw new TypeError("Howth.SQL: savepoint() is only available inside a transaction");
    if (typeof fn !== "function") throw new TypeError("Howth.SQL: savepoint() needs a callback");
    const conn = cx.runner.conn;
    cx.depth++;
    const name = `howth_sp_${cx.depth}`;
    try {
      await conn.query(`SAVEPOINT ${name}`, [], "objects", false);
      try {
        let value: unknown = await fn(makeSql(cx));
        if (Array.isArray(value)) value = await Promise.all(value);
        await conn.query(`RELEASE SAVEPOINT ${name}`, [], "objects", false);
        return value as T;
      } catch (e) {
        await conn.query(`ROLLBACK TO SAVEPOINT ${name}`, [], "objects", false).catch(() => {});
        throw e;
      }
    } finally {
      cx.depth--;
    }
  }

  /** A connection of the pool for this caller alone, until `release()`. */
  async reserve(): Promise<SQL & { release(): void }> {
    const cx = context(this);
    const held = new Held(await cx.pool.reserve());
    const sql = makeSql({ pool: cx.pool, runner: held, depth: 0 }) as SQL & { release(): void };
    const release = () => {
      if (held.released) return;
      held.released = true;
      cx.pool.release(held.conn);
    };
    Object.defineProperty(sql, "release", { value: release });
    Object.defineProperty(sql, Symbol.for("Symbol.dispose"), { value: release });
    return sql;
  }

  /** Closes the pool once the queries in flight are answered (at most `timeout` seconds); later queries reject. */
  end(options?: { timeout?: number }): Promise<void> {
    return context(this).pool.end(options?.timeout);
  }

  close(options?: { timeout?: number }): Promise<void> {
    return this.end(options);
  }

  /** Opens a connection now (queries open them as needed anyway). */
  async connect(): Promise<SQL> {
    const r = context(this).runner.connection();
    await (r instanceof PgConnection ? r : await r).ready();
    return this;
  }

  /** LISTEN on `channel` on a connection of its own; `fn` gets each NOTIFY's payload. */
  async listen(channel: string, fn: (payload: string) => void): Promise<{ unlisten(): Promise<void> }> {
    const cx = context(this);
    const conn = new PgConnection(cx.pool.settings);
    conn.onNotification = (ch, payload) => {
      if (ch === channel) fn(payload);
    };
    await conn.query(`LISTEN ${escapeIdentifier(channel)}`, [], "objects", false);
    return {
      unlisten: async () => {
        conn.close();
      },
    };
  }
}

let defaultSql: SQL | undefined;

/** `Howth.sql`: a pool from DATABASE_URL, POSTGRES_URL or the PG* variables, made on first use. */
export function defaultSQL(): SQL {
  return (defaultSql ??= new SQL());
}
