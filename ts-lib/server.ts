// The per-batch dispatch function: THE hot path.
//
// Rust parses every complete request that arrived in one loop turn and
// calls dispatch(n) once. For each request we make a lazy Request (one small
// object, no op calls), call the server's handler, and answer with exactly
// one ops.respond call, which serialises the response straight into the
// connection's write buffer. On the synchronous paths (a plain object, a
// Response with a string/bytes body) nothing else is allocated: no closures,
// no Headers, no promise. Only a handler that returns a Promise, or a body
// that has to be streamed or read asynchronously, takes the slower path,
// and it first `defer`s the request so that its bytes outlive the batch.

import { ops } from "./core_ops.ts";
import type { ResponseHeaders } from "./ops.d.ts";
import { Request, abortRequest, onAnswered, onDeferred, serverRequest } from "./request.ts";
import { Response, headersToSend, isResponse, respondDirect, responseBody, responseStatus } from "./response.ts";
import { Headers, headerList } from "./headers.ts";
import { bodyUsed, chunkBytes } from "./body.ts";
import { ReadableStream } from "./streams.ts";
import { Blob, blobBytes } from "./blob.ts";
import { console } from "./console.ts";
import { DOMException } from "./event.ts";
import { HowthFile } from "./file.ts";
import { fileAnswer } from "./file_response.ts";
import { ANSWERED, UNROUTED, routeRequest, type RouteTable } from "./routes.ts";

/** What a handler may return (besides a Response and a Promise). */
export interface PlainResponse {
  status?: number;
  headers?: Headers | Record<string, string | string[]> | [string, string][];
  body?: string | Uint8Array | ArrayBuffer | ArrayBufferView | null;
}

export interface ServerEntry {
  fetch: Function;
  /** `this` for fetch: the default export object, or undefined. */
  self: unknown;
  /** The server object handed to fetch as its second argument (as Bun does). */
  server: object;
  /** "host:port" for req.url when a request has no Host header. */
  defaultHost: string;
  /** Turns a handler's exception into a response (Bun's `error`, Deno's `onError`). */
  onError: ((error: unknown) => unknown) | null;
  /** `routes` (routes.ts), matched before fetch; null without. */
  routes?: RouteTable | null;
  /** Whether the options named a fetch (else unrouted requests get 404). */
  hasFetch?: boolean;
  /** node:http's servers take the whole batch themselves (node/internal/http_server.ts). */
  batch?: (n: number) => void;
}

/** By server id (small integers from Rust). */
const servers: (ServerEntry | undefined)[] = [];

export function registerServer(id: number, entry: ServerEntry): void {
  servers[id] = entry;
}

// A reused array for the headers of plain-object responses: ops.respond
// reads it before returning, so one array serves every request.
const scratch: string[] = [];

function dispatch(n: number): void {
  const entry = servers[ops.batchServer()]!;
  if (entry.batch !== undefined) return entry.batch(n);
  const routes = entry.routes;
  if (routes !== undefined && routes !== null) return dispatchRouted(entry, routes, n);
  const fetch = entry.fetch;
  const self = entry.self;
  const server = entry.server;
  const host = entry.defaultHost;
  for (let r = 0; r < n; r++) {
    const req = serverRequest(r, host);
    let res: unknown;
    try {
      res = fetch.call(self, req, server);
    } catch (e) {
      handlerFailed(entry, r, req, e);
      continue;
    }
    finish(entry, r, req, res);
  }
}

/** dispatch for a server with `routes`: the route table first, then fetch. */
function dispatchRouted(entry: ServerEntry, routes: RouteTable, n: number): void {
  const fetch = entry.fetch;
  const self = entry.self;
  const server = entry.server;
  const host = entry.defaultHost;
  const hasFetch = entry.hasFetch === true;
  for (let r = 0; r < n; r++) {
    const req = serverRequest(r, host);
    let res: unknown;
    try {
      res = routeRequest(routes, r, req, self, server, hasFetch);
      if (res === ANSWERED) {
        onAnswered(req);
        continue;
      }
      if (res === UNROUTED) res = fetch.call(self, req, server);
    } catch (e) {
      handlerFailed(entry, r, req, e);
      continue;
    }
    finish(entry, r, req, res);
  }
}

/**
 * Answers request r (a batch index, or a deferred handle < 0) with what its
 * handler returned.
 */
function finish(entry: ServerEntry, r: number, req: Request, res: unknown): void {
  try {
    if (res instanceof Response) {
      sendResponse(entry, r, req, res);
    } else if (typeof res === "object" && res !== null) {
      if (typeof (res as PromiseLike<unknown>).then === "function") {
        goAsync(entry, r, req, res as PromiseLike<unknown>);
      } else {
        sendPlain(entry, r, req, res as PlainResponse);
      }
    } else {
      badReturn(r, req, res);
    }
  } catch (e) {
    if (res instanceof Response && !isResponse(res)) {
      // Its state could not be read: say why rather than show V8's
      // "Cannot read private member" (checked only here, off the fast path).
      logProblem(
        "handler returned an object that passes `instanceof Response` but is not a Response " +
          "(a Proxy of one, or made with Object.create); answering 500",
      );
      respond500(r, req);
      return;
    }
    // ops.respond rejected the response (an invalid header, say) or a body
    // could not be converted: nothing was sent yet.
    failed(r, req, e);
  }
}

// ---- (a) plain objects ------------------------------------------------------

function sendPlain(entry: ServerEntry, r: number, req: Request, res: PlainResponse): void {
  const status = res.status;
  const body = res.body;
  const headers = res.headers;
  if (
    typeof body === "string" ||
    body === undefined ||
    body === null ||
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body)
  ) {
    ops.respond(
      r,
      status === undefined ? 200 : typeof status === "number" ? status : Number(status),
      body,
      headers === undefined || headers === null ? undefined : flattenHeaders(headers),
    );
    onAnswered(req);
    return;
  }
  // Any other body (a Blob, a stream, FormData...): let Response extract it.
  sendResponse(entry, r, req, new Response(body, { status: status ?? 200, headers: headers as never }));
}

/** A headers object, [[name, value]] list or Headers as ops.respond's flat list. */
function flattenHeaders(h: unknown): string[] | undefined {
  if (h instanceof Headers) return headerList(h);
  const out = scratch;
  let i = 0;
  if (Array.isArray(h)) {
    for (let j = 0; j < h.length; j++) {
      const pair = h[j];
      out[i++] = `${pair[0]}`;
      out[i++] = `${pair[1]}`;
    }
  } else {
    const obj = h as Record<string, unknown>;
    for (const k in obj) {
      const v = obj[k];
      if (typeof v === "string") {
        out[i++] = k;
        out[i++] = v;
      } else if (Array.isArray(v)) {
        // { "set-cookie": ["a=1", "b=2"] }: one header line each, as in Node.
        for (let j = 0; j < v.length; j++) {
          out[i++] = k;
          out[i++] = `${v[j]}`;
        }
      } else if (v !== undefined) {
        out[i++] = k;
        out[i++] = `${v}`;
      }
    }
  }
  if (i === 0) return undefined;
  // Setting length is a slow runtime call; skip it when it is already right
  // (the same handler returns the same number of headers every time).
  if (out.length !== i) out.length = i;
  return out;
}

// ---- (b) Response objects -------------------------------------------------

// What is sent is the Response's own state (response.ts's accessors), not
// what its getters say: a subclass may override those.
function sendResponse(entry: ServerEntry, r: number, req: Request, res: Response): void {
  if (respondDirect(r, res)) {
    onAnswered(req);
    return;
  }
  sendResponseSlow(entry, r, req, res);
}

function sendResponseSlow(entry: ServerEntry, r: number, req: Request, res: Response): void {
  const status = responseStatus(res);
  if (status === 0) {
    logProblem("handler returned Response.error(); answering 500");
    respond500(r, req);
    return;
  }
  const body = responseBody(res);
  if (bodyUsed(body)) {
    throw new TypeError("handler returned a Response whose body was already read");
  }
  const src = body.src;
  if (src instanceof ReadableStream) {
    sendStream(r, req, status, headersToSend(res), body.stream ?? src);
    return;
  }
  // `.body` was looked at but not read: the source is still whole.
  if (typeof src === "string" || src === null || src instanceof Uint8Array) {
    body.used = true;
    ops.respond(r, status, src, headersToSend(res));
    onAnswered(req);
    return;
  }
  if (src instanceof Blob) {
    // A Blob's bytes are in memory: sent as they are, no copy.
    body.used = true;
    ops.respond(r, status, blobBytes(src), headersToSend(res));
    onAnswered(req);
    return;
  }
  if (src instanceof HowthFile) {
    body.used = true;
    sendFile(r, req, status, headersToSend(res), src);
    return;
  }
  void entry;
  throw new TypeError("unsupported Response body");
}

// ---- Howth.file bodies ------------------------------------------------------

/** Stats and reads on the pool, then one ops.respond (file_response.ts decides what). */
function sendFile(r: number, req: Request, status: number, headers: ResponseHeaders, file: HowthFile): void {
  const h = defer(r, req);
  fileAnswer(req, status, headers, file).then(
    (a) => {
      ops.respond(h, a.status, a.body, a.headers.length === 0 ? undefined : a.headers);
      onAnswered(req);
    },
    (e) => failed(h, req, e),
  );
}

// ---- streamed bodies (chunked), with backpressure ------------------------------

interface StreamState {
  /** Resolves the pump's wait for the drain callback. */
  wake: (() => void) | null;
  closed: boolean;
}

const streaming = new Map<number, StreamState>();

function sendStream(
  r: number,
  req: Request,
  status: number,
  headers: ResponseHeaders,
  stream: ReadableStream<Uint8Array>,
): void {
  // respondStart defers a batch request itself and returns the handle.
  const h = ops.respondStart(r, status, headers);
  if (h !== r) onDeferred(req, h);
  const state: StreamState = { wake: null, closed: false };
  streaming.set(h, state);
  void pump(h, req, stream, state);
}

async function pump(h: number, req: Request, stream: ReadableStream<Uint8Array>, state: StreamState): Promise<void> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    reader = stream.getReader() as unknown as ReadableStreamDefaultReader<Uint8Array>;
    for (;;) {
      const { value, done } = await reader.read();
      if (state.closed) break;
      if (done) {
        ops.respondEnd(h);
        break;
      }
      const chunk: string | Uint8Array = typeof value === "string" ? value : chunkBytes(value);
      // An empty chunk would end a chunked body early.
      if (chunk.length === 0) continue;
      if (!ops.respondChunk(h, chunk)) {
        await new Promise<void>((resolve) => (state.wake = resolve));
        if (state.closed) break;
      }
    }
    if (state.closed) {
      // The client went away: stop the producer.
      await reader.cancel(new DOMException("The client disconnected", "AbortError")).catch(() => {});
    }
  } catch (e) {
    // The stream errored (or produced a bad chunk) after the head was sent:
    // the only honest thing left is to cut the response short.
    logError(e);
    if (typeof ops.respondAbort === "function") ops.respondAbort(h);
    else ops.respondEnd(h);
  } finally {
    streaming.delete(h);
    onAnswered(req);
  }
}

/**
 * Rust calls this once a turn when streamed responses may continue (their
 * connection's buffer drained) or clients of deferred requests went away
 * (closed; that also aborts req.signal); ops.takeDrains lists them. One
 * that fails does not keep the others from being told.
 */
function onDrains(): void {
  const list = ops.takeDrains();
  let failed = false;
  let failure: unknown;
  for (let i = 0; i < list.length; i += 2) {
    try {
      onDrain(list[i], list[i + 1] === 1);
    } catch (e) {
      if (!failed) failure = e;
      failed = true;
    }
  }
  if (failed) throw failure;
}

/** Drain and close notices for handles that are not fetch responses (node:http's). */
const drainWatchers = new Map<number, (h: number, closed: boolean) => void>();

export function watchDrain(h: number, watcher: (h: number, closed: boolean) => void): void {
  drainWatchers.set(h, watcher);
}

export function unwatchDrain(h: number): void {
  drainWatchers.delete(h);
}

function onDrain(h: number, closed: boolean): void {
  const watcher = drainWatchers.get(h);
  if (watcher !== undefined) return watcher(h, closed);
  if (closed) abortRequest(h);
  const state = streaming.get(h);
  if (state === undefined) return;
  if (closed) state.closed = true;
  const wake = state.wake;
  if (wake !== null) {
    state.wake = null;
    wake();
  }
}

// ---- (c) promises -----------------------------------------------------------

/** Makes request r outlive its batch; returns its handle. */
function defer(r: number, req: Request): number {
  if (r < 0) return r;
  const h = ops.defer(r);
  onDeferred(req, h);
  return h;
}

function goAsync(entry: ServerEntry, r: number, req: Request, p: PromiseLike<unknown>): void {
  // Defer now, while the batch (and the request's bytes) still exist.
  const h = defer(r, req);
  (p instanceof Promise ? p : Promise.resolve(p)).then(
    (res) => finish(entry, h, req, res),
    (e) => handlerFailed(entry, h, req, e),
  );
}

// ---- (d, e) failures ------------------------------------------------------------

function handlerFailed(entry: ServerEntry, r: number, req: Request, e: unknown): void {
  const onError = entry.onError;
  if (onError !== null) {
    let alt: unknown;
    try {
      alt = onError(e);
    } catch (e2) {
      failed(r, req, e2);
      return;
    }
    // The error handler's answer is final: its own failure is a 500.
    const errorEntry: ServerEntry = { ...entry, onError: null };
    finish(errorEntry, r, req, alt);
    return;
  }
  failed(r, req, e);
}

/** Logs an exception and answers 500. */
function failed(r: number, req: Request, e: unknown): void {
  logError(e);
  respond500(r, req);
}

function respond500(r: number, req: Request): void {
  try {
    ops.respond(r, 500, "Internal Server Error", undefined);
  } catch {
    // Already answered, or the request is gone: nothing more to say.
  }
  onAnswered(req);
}

function logError(e: unknown): void {
  console.error(e);
}

function logProblem(message: string): void {
  ops.print(2, `error: ${message}\n`);
}

function describe(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (typeof v === "string") return "a string (wrap it: return new Response(text))";
  return `a ${typeof v} (${String(v)})`;
}

function badReturn(r: number, req: Request, res: unknown): void {
  logProblem(
    `handler returned ${describe(res)}; expected a Response, a { status, headers, body } object, or a Promise of one`,
  );
  respond500(r, req);
}

/** Installs dispatch and the drain callback; once, at bootstrap. */
export function installServer(): void {
  ops.setDispatch(dispatch);
  ops.setDrainCallback(onDrains);
}
