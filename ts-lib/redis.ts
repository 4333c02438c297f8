// Howth.RedisClient: Redis with Bun.RedisClient's shape, on one connection
// (db_socket.ts) and the RESP state machine in Rust
// (runtime/src/ops/redis.rs). Automatic pipelining: a command is encoded
// as it is issued and the output is taken once per turn (a microtask), so
// every command of a turn leaves in one write; replies are matched in
// order. A lost connection is reopened with backoff; commands issued
// meanwhile queue behind the handshake of the next one, up to a bound.

import { bootInfo, ops } from "./core_ops.ts";
import { DbSocket, flushThisTurn } from "./db_socket.ts";

export interface RedisOptions {
  /** ms to connect and finish the handshake (10,000). */
  connectionTimeout?: number;
  /** Reopen a lost connection (true). */
  autoReconnect?: boolean;
  /** Reconnection attempts before giving up (10). */
  maxRetries?: number;
  /** Queue commands while disconnected (true); false rejects them at once. */
  enableOfflineQueue?: boolean;
  /** Most commands queued while disconnected (10,000). */
  maxOfflineQueue?: number;
  /** RESP3 (HELLO 3) instead of RESP2. */
  resp3?: boolean;
  tls?: unknown;
}

/** A reply's error or a connection failure: `code` is the server's first word (ERR, WRONGTYPE) or ERR_REDIS_*. */
export class RedisError extends Error {
  override name = "RedisError";
  code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const READY = 1,
  REPLY = 2,
  REPLY_ERROR = 3,
  PUSH = 4,
  FAILED = 5;

const NIL = 0,
  SIMPLE = 1,
  BULK = 2,
  INT = 3,
  DOUBLE = 4,
  BOOL = 5,
  BIG_NUMBER = 6,
  ARRAY = 7,
  MAP = 8,
  SET = 9,
  PUSH_VALUE = 10,
  ERROR = 11;

/** Reads values out of one redisReceive's numbers and strings. */
class Reader {
  n = 0;
  s = 0;
  constructor(
    readonly nums: number[],
    readonly strings: string[],
  ) {}

  value(): unknown {
    const tag = this.nums[this.n++];
    switch (tag) {
      case NIL:
        return null;
      case SIMPLE:
      case BULK:
        return this.strings[this.s++];
      case INT:
      case DOUBLE:
        return this.nums[this.n++];
      case BOOL:
        return this.nums[this.n++] === 1;
      case BIG_NUMBER:
        return BigInt(this.strings[this.s++]);
      case ARRAY:
      case SET:
      case PUSH_VALUE: {
        const len = this.nums[this.n++];
        const items = new Array(len);
        for (let i = 0; i < len; i++) items[i] = this.value();
        return items;
      }
      case MAP: {
        const len = this.nums[this.n++];
        const out: Record<string, unknown> = {};
        for (let i = 0; i < len; i++) {
          const k = this.value();
          out[String(k)] = this.value();
        }
        return out;
      }
      case ERROR: {
        const code = this.strings[this.s++];
        return new RedisError(code, this.strings[this.s++]);
      }
      default:
        throw new RedisError("ERR_REDIS_INVALID_RESPONSE", `unknown value tag ${tag}`);
    }
  }

  error(): RedisError {
    const code = this.strings[this.s++];
    return new RedisError(code, this.strings[this.s++]);
  }
}

type Convert = (v: unknown) => unknown;
const asBool: Convert = (v) => v === 1 || v === true;
/** HGETALL in RESP2 is a flat [field, value, ...] list: an object. */
const asObject: Convert = (v) => {
  if (!Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < v.length; i += 2) out[String(v[i])] = v[i + 1];
  return out;
};

interface Waiting {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  convert?: Convert;
}

function arg(v: unknown): string | Uint8Array {
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v === null || v === undefined) throw new TypeError("Howth.RedisClient: a command argument cannot be null or undefined");
  return String(v);
}

/** `new Howth.RedisClient(url?, options?)`: redis://[user:password@]host[:port][/db], rediss:// for TLS. */
export class RedisClient {
  #url: URL;
  #options: RedisOptions;
  #id = -1;
  #socket: DbSocket | undefined;
  #open = false;
  #ready = false;
  #closedByUser = false;
  #retries = 0;
  #waiting = new Map<number, Waiting>();
  #readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  #subscribers = new Map<string, Set<(message: string, channel: string) => void>>();
  onconnect: (() => void) | null = null;
  onclose: ((error: Error) => void) | null = null;

  constructor(url?: string, options: RedisOptions = {}) {
    const env = bootInfo().env;
    this.#url = new URL(url ?? env.REDIS_URL ?? env.VALKEY_URL ?? "redis://localhost:6379");
    if (this.#url.protocol === "rediss:" || options.tls) {
      throw new RedisError("ERR_REDIS_UNSUPPORTED_TLS", "Howth.RedisClient: TLS connections to Redis are not supported yet");
    }
    if (this.#url.protocol !== "redis:" && this.#url.protocol !== "valkey:") {
      throw new TypeError(`Howth.RedisClient: expected a redis:// URL, got ${this.#url.protocol}//`);
    }
    this.#options = options;
  }

  /** Connected and past the handshake. */
  get connected(): boolean {
    return this.#ready;
  }

  /** Opens the connection (commands do it as needed); resolves once the handshake is done. */
  connect(): Promise<void> {
    this.#ensureOpen();
    if (this.#ready) return Promise.resolve();
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  /** Closes the connection; commands waiting and later reject. */
  close(): void {
    this.#closedByUser = true;
    this.#teardown(new RedisError("ERR_REDIS_CONNECTION_CLOSED", "Connection closed"));
  }

  #ensureOpen(): void {
    if (this.#socket !== undefined || this.#closedByUser) return;
    const u = this.#url;
    const database = Number(u.pathname.slice(1) || u.searchParams.get("db") || 0);
    this.#id = ops.redisOpen(
      JSON.stringify({
        username: u.username ? decodeURIComponent(u.username) : undefined,
        password: u.password ? decodeURIComponent(u.password) : undefined,
        database,
        resp3: this.#options.resp3 === true,
      }),
    );
    const id = this.#id;
    this.#socket = new DbSocket(u.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost", Number(u.port || 6379), this.#options.connectionTimeout ?? 10_000, {
      open: () => {
        if (id !== this.#id) return;
        this.#open = true;
        this.#markDirty();
      },
      data: (bytes) => {
        if (id === this.#id) this.#received(ops.redisReceive(id, bytes));
      },
      closed: (error) => {
        if (id !== this.#id) return;
        this.#lost(error ? new RedisError(error.code, error.message) : undefined);
      },
    });
    this.#socket.ref(false);
  }

  /** The socket went away: fail what waited, then reconnect with backoff (unless closed or out of retries). */
  #lost(cause: RedisError | undefined): void {
    const nums = ops.redisLost(this.#id);
    this.#received(nums, cause);
    ops.redisClose(this.#id);
    this.#socket = undefined;
    this.#open = false;
    const wasReady = this.#ready;
    this.#ready = false;
    const error = cause ?? new RedisError("ERR_REDIS_CONNECTION_CLOSED", "Connection closed");
    if (wasReady) this.onclose?.(error);
    if (this.#closedByUser) return;
    const max = this.#options.maxRetries ?? 10;
    if (this.#options.autoReconnect === false || this.#retries >= max) {
      for (const w of this.#readyWaiters) w.reject(error);
      this.#readyWaiters = [];
      return;
    }
    const delay = Math.min(50 * 2 ** this.#retries, 2000);
    this.#retries++;
    setTimeout(() => {
      if (this.#socket === undefined && !this.#closedByUser) this.#ensureOpen();
    }, delay);
  }

  #teardown(error: RedisError): void {
    if (this.#socket !== undefined) {
      const socket = this.#socket;
      this.flushOutput();
      this.#received(ops.redisLost(this.#id), error);
      ops.redisClose(this.#id);
      this.#id = -1;
      this.#socket = undefined;
      socket.end();
    }
    this.#ready = false;
    for (const w of this.#readyWaiters) w.reject(error);
    this.#readyWaiters = [];
  }

  #markDirty(): void {
    if (!this.#open) return;
    flushThisTurn(this);
  }

  /** @internal Writes the commands queued this turn. */
  flushOutput(): void {
    if (!this.#open || this.#socket === undefined) return;
    const out = ops.redisOutput(this.#id);
    if (out !== undefined) this.#socket.write(out);
  }

  #received(nums: number[], cause?: RedisError): void {
    if (nums.length === 0) return;
    const r = new Reader(nums, ops.redisStrings());
    // Why the connection failed (a refused AUTH): the waiting commands reject with it.
    let failure: RedisError | undefined = cause;
    while (r.n < nums.length) {
      switch (nums[r.n++]) {
        case READY:
          this.#ready = true;
          this.#retries = 0;
          for (const w of this.#readyWaiters) w.resolve();
          this.#readyWaiters = [];
          this.onconnect?.();
          break;
        case REPLY: {
          const w = this.#take(nums[r.n++]);
          const v = r.value();
          if (w) w.resolve(w.convert ? w.convert(v) : v);
          break;
        }
        case REPLY_ERROR: {
          const w = this.#take(nums[r.n++]);
          const e = r.error();
          w?.reject(failure && e.code === "ERR_REDIS_CONNECTION_CLOSED" ? failure : e);
          break;
        }
        case PUSH:
          this.#push(r.value() as unknown[]);
          break;
        case FAILED: {
          const e = r.error();
          if (e.code !== "ERR_REDIS_CONNECTION_CLOSED") {
            failure = e;
            // A refused handshake (WRONGPASS) or a broken stream: the connection is done.
            for (const w of this.#readyWaiters) w.reject(e);
            this.#readyWaiters = [];
            if (e.code !== "ERR_REDIS_INVALID_RESPONSE") this.#closedByUser = true;
            this.#socket?.destroy();
          }
          break;
        }
      }
    }
    if (this.#waiting.size === 0) this.#socket?.ref(false);
    this.#markDirty();
  }

  #take(id: number): Waiting | undefined {
    const w = this.#waiting.get(id);
    this.#waiting.delete(id);
    return w;
  }

  #push(items: unknown[]): void {
    const kind = String(items[0]);
    if (kind === "message" || kind === "smessage") {
      for (const fn of this.#subscribers.get(String(items[1])) ?? []) fn(String(items[2]), String(items[1]));
    } else if (kind === "pmessage") {
      for (const fn of this.#subscribers.get(String(items[1])) ?? []) fn(String(items[3]), String(items[2]));
    }
  }

  #command(args: unknown[], convert?: Convert): Promise<unknown> {
    if (this.#closedByUser) return Promise.reject(new RedisError("ERR_REDIS_CONNECTION_CLOSED", "Connection closed"));
    this.#ensureOpen();
    if (this.#socket === undefined) return Promise.reject(new RedisError("ERR_REDIS_CONNECTION_CLOSED", "Connection closed"));
    if (!this.#ready && (this.#options.enableOfflineQueue === false || this.#waiting.size >= (this.#options.maxOfflineQueue ?? 10_000))) {
      return Promise.reject(new RedisError("ERR_REDIS_CONNECTION_CLOSED", "Connection closed: the offline queue is full"));
    }
    let id: number;
    try {
      id = ops.redisCommand(this.#id, ...args.map(arg));
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.#waiting.size === 0) this.#socket.ref(true);
    this.#markDirty();
    return new Promise((resolve, reject) => this.#waiting.set(id, { resolve, reject, convert }));
  }

  /** Any command: `send("LPOS", ["list", "x"])`. */
  send(command: string, args: unknown[] = []): Promise<unknown> {
    return this.#command([command, ...args]);
  }

  get(key: string): Promise<string | null> {
    return this.#command(["GET", key]) as Promise<string | null>;
  }
  /** `set(key, value)`, with options as Redis takes them: `set(k, v, "EX", 10)`, `"PX"`, `"NX"`, `"XX"`, `"GET"`, `"KEEPTTL"`. */
  set(key: string, value: unknown, ...options: unknown[]): Promise<string | null> {
    return this.#command(["SET", key, value, ...options]) as Promise<string | null>;
  }
  del(...keys: string[]): Promise<number> {
    return this.#command(["DEL", ...keys]) as Promise<number>;
  }
  exists(key: string): Promise<boolean> {
    return this.#command(["EXISTS", key], asBool) as Promise<boolean>;
  }
  incr(key: string): Promise<number> {
    return this.#command(["INCR", key]) as Promise<number>;
  }
  decr(key: string): Promise<number> {
    return this.#command(["DECR", key]) as Promise<number>;
  }
  incrby(key: string, n: number): Promise<number> {
    return this.#command(["INCRBY", key, n]) as Promise<number>;
  }
  decrby(key: string, n: number): Promise<number> {
    return this.#command(["DECRBY", key, n]) as Promise<number>;
  }
  expire(key: string, seconds: number): Promise<number> {
    return this.#command(["EXPIRE", key, seconds]) as Promise<number>;
  }
  pexpire(key: string, ms: number): Promise<number> {
    return this.#command(["PEXPIRE", key, ms]) as Promise<number>;
  }
  ttl(key: string): Promise<number> {
    return this.#command(["TTL", key]) as Promise<number>;
  }
  pttl(key: string): Promise<number> {
    return this.#command(["PTTL", key]) as Promise<number>;
  }
  hget(key: string, field: string): Promise<string | null> {
    return this.#command(["HGET", key, field]) as Promise<string | null>;
  }
  /** `hset(key, field, value, ...)` or `hset(key, { field: value })`. */
  hset(key: string, ...rest: unknown[]): Promise<number> {
    return this.#command(["HSET", key, ...fieldValues(rest)]) as Promise<number>;
  }
  hmset(key: string, ...rest: unknown[]): Promise<string> {
    return this.#command(["HMSET", key, ...fieldValues(rest)]) as Promise<string>;
  }
  hmget(key: string, ...fields: (string | string[])[]): Promise<(string | null)[]> {
    return this.#command(["HMGET", key, ...fields.flat()]) as Promise<(string | null)[]>;
  }
  hgetall(key: string): Promise<Record<string, string>> {
    return this.#command(["HGETALL", key], asObject) as Promise<Record<string, string>>;
  }
  hdel(key: string, ...fields: string[]): Promise<number> {
    return this.#command(["HDEL", key, ...fields]) as Promise<number>;
  }
  hincrby(key: string, field: string, n: number): Promise<number> {
    return this.#command(["HINCRBY", key, field, n]) as Promise<number>;
  }
  lpush(key: string, ...values: unknown[]): Promise<number> {
    return this.#command(["LPUSH", key, ...values]) as Promise<number>;
  }
  rpush(key: string, ...values: unknown[]): Promise<number> {
    return this.#command(["RPUSH", key, ...values]) as Promise<number>;
  }
  lpop(key: string): Promise<string | null> {
    return this.#command(["LPOP", key]) as Promise<string | null>;
  }
  rpop(key: string): Promise<string | null> {
    return this.#command(["RPOP", key]) as Promise<string | null>;
  }
  lrange(key: string, start: number, stop: number): Promise<string[]> {
    return this.#command(["LRANGE", key, start, stop]) as Promise<string[]>;
  }
  llen(key: string): Promise<number> {
    return this.#command(["LLEN", key]) as Promise<number>;
  }
  sadd(key: string, ...members: unknown[]): Promise<number> {
    return this.#command(["SADD", key, ...members]) as Promise<number>;
  }
  srem(key: string, ...members: unknown[]): Promise<number> {
    return this.#command(["SREM", key, ...members]) as Promise<number>;
  }
  smembers(key: string): Promise<string[]> {
    return this.#command(["SMEMBERS", key]) as Promise<string[]>;
  }
  sismember(key: string, member: unknown): Promise<boolean> {
    return this.#command(["SISMEMBER", key, member], asBool) as Promise<boolean>;
  }
  zadd(key: string, ...scoreMembers: unknown[]): Promise<number> {
    return this.#command(["ZADD", key, ...scoreMembers]) as Promise<number>;
  }
  zrange(key: string, start: number, stop: number, ...options: unknown[]): Promise<string[]> {
    return this.#command(["ZRANGE", key, start, stop, ...options]) as Promise<string[]>;
  }
  zscore(key: string, member: unknown): Promise<string | null> {
    return this.#command(["ZSCORE", key, member]) as Promise<string | null>;
  }
  mget(...keys: (string | string[])[]): Promise<(string | null)[]> {
    return this.#command(["MGET", ...keys.flat()]) as Promise<(string | null)[]>;
  }
  mset(...rest: unknown[]): Promise<string> {
    return this.#command(["MSET", ...fieldValues(rest)]) as Promise<string>;
  }
  keys(pattern: string): Promise<string[]> {
    return this.#command(["KEYS", pattern]) as Promise<string[]>;
  }
  ping(message?: string): Promise<string> {
    return this.#command(message === undefined ? ["PING"] : ["PING", message]) as Promise<string>;
  }
  publish(channel: string, message: unknown): Promise<number> {
    return this.#command(["PUBLISH", channel, message]) as Promise<number>;
  }

  /** Subscribes this connection to `channel` (it then takes only pub/sub commands); `listener` gets each message. */
  async subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<number> {
    let set = this.#subscribers.get(channel);
    if (!set) this.#subscribers.set(channel, (set = new Set()));
    set.add(listener);
    const reply = (await this.#command(["SUBSCRIBE", channel])) as unknown[];
    return Number(reply[2]);
  }

  /** Stops `listener` (or every listener) of `channel`. */
  async unsubscribe(channel: string, listener?: (message: string, channel: string) => void): Promise<void> {
    const set = this.#subscribers.get(channel);
    if (listener && set) set.delete(listener);
    if (!listener || set?.size === 0) {
      this.#subscribers.delete(channel);
      await this.#command(["UNSUBSCRIBE", channel]);
    }
  }
}

/** `{ f: v }` or `f, v, ...` as a flat argument list. */
function fieldValues(rest: unknown[]): unknown[] {
  if (rest.length === 1 && typeof rest[0] === "object" && rest[0] !== null && !Array.isArray(rest[0])) {
    return Object.entries(rest[0] as Record<string, unknown>).flat();
  }
  return rest.flat();
}

let defaultRedis: RedisClient | undefined;

/** `Howth.redis`: a client for REDIS_URL (or localhost:6379), made on first use. */
export function defaultRedisClient(): RedisClient {
  return (defaultRedis ??= new RedisClient());
}
