// The socket under a database connection (Howth.SQL, Howth.RedisClient): a
// name resolved on the worker pool, then one of the loop's outgoing
// connections (net_client.ts). Its events reach the protocol owner
// through three callbacks; what it writes during a turn leaves in the
// turn's one write.

import { connect, resolveAll, type Connection } from "./net_client.ts";

export interface DbSocketEvents {
  /** Connected: the protocol may speak. */
  open(): void;
  data(bytes: Uint8Array): void;
  /** Gone, for whatever reason (always the last call); `error` says why when it failed. */
  closed(error: { code: string; message: string } | undefined): void;
}

/** One database connection's socket. */
export class DbSocket {
  #conn: Connection | undefined;
  #closed = false;
  #refed = true;
  #events: DbSocketEvents;

  constructor(hostname: string, port: number, timeoutMs: number, events: DbSocketEvents) {
    this.#events = events;
    resolveAll(hostname).then(
      (addrs) => {
        if (this.#closed) return;
        let error: { code: string; message: string } | undefined;
        this.#conn = connect(
          { addrs, port, timeout: timeoutMs > 0 ? timeoutMs : undefined },
          {
            connect: () => events.open(),
            data: (bytes) => events.data(bytes),
            // The server closed: the close that follows reports it.
            end: () => this.#conn?.end(),
            drain: () => {},
            error: (code, message) => {
              error = { code, message };
            },
            close: () => this.#gone(error ?? { code: "ERR_CONNECTION_CLOSED", message: "Connection closed" }),
          },
        );
        if (!this.#refed) this.#conn.ref(false);
      },
      (e: Error & { code?: string }) => this.#gone({ code: e.code ?? "ENOTFOUND", message: e.message }),
    );
  }

  #gone(error: { code: string; message: string } | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#events.closed(error);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Queues bytes for this turn's write. */
  write(bytes: Uint8Array): void {
    if (!this.#closed) this.#conn?.write(bytes);
  }

  /** Ends our side after what is queued (the server then closes). */
  end(): void {
    this.#conn?.end();
  }

  /** Closes now. */
  destroy(): void {
    this.#conn?.destroy();
    if (this.#conn === undefined) this.#gone(undefined);
  }

  /** Whether the socket keeps the process running. */
  ref(on: boolean): void {
    if (this.#refed === on) return;
    this.#refed = on;
    this.#conn?.ref(on);
  }
}

/** What has protocol output to write: a Postgres connection, a Redis client. */
export interface HasOutput {
  flushOutput(): void;
}

/** Owners with output queued this turn, written in one microtask after the turn's JS. */
const dirty = new Set<HasOutput>();
let flushQueued = false;

function flushAll(): void {
  flushQueued = false;
  for (const owner of dirty) owner.flushOutput();
  dirty.clear();
}

/**
 * Writes `owner`'s output once this turn's JS has run (a microtask), so
 * every query or command issued during the turn leaves in one write.
 */
export function flushThisTurn(owner: HasOutput): void {
  dirty.add(owner);
  if (!flushQueued) {
    flushQueued = true;
    queueMicrotask(flushAll);
  }
}
