// fetch(): WHATWG fetch over HTTP/1.1 and HTTPS, on the loop's client
// connections with the HTTP driver (loop/src/client/http.rs decodes the
// responses, and their Content-Encoding, in Rust). This module turns a
// Request into a request head and body, keeps the keep-alive pool
// (fetch_pool.ts), follows redirects, and makes the Response whose body
// stream is fed from the socket with backpressure. docs/fetch.md.

import { ops, bootInfo } from "./core_ops.ts";
import { Request, requestBody } from "./request.ts";
import { Response, networkResponse } from "./response.ts";
import { Headers, appendTrusted } from "./headers.ts";
import { ReadableStream, type ReadableStreamDefaultController } from "./streams.ts";
import { Blob, blobBytes } from "./blob.ts";
import { URL } from "./url.ts";
import { utf8Encode } from "./encoding.ts";
import { chunkBytes } from "./body.ts";
import { acquire, release, discard, type Exchange, type PooledConnection, type TlsInit } from "./fetch_pool.ts";
import { dataUrlResponse } from "./fetch_data_url.ts";
import { fetchFailed } from "./fetch_errors.ts";

const MAX_REDIRECTS = 20;
const ENCODINGS = "gzip, deflate, br, zstd";

/** fetch's extra init fields, as Bun takes them. */
interface FetchInit extends RequestInit {
  tls?: TlsInit;
  decompress?: boolean;
}

function userAgent(): string {
  return `Howth/${bootInfo().version}`;
}

/** The request body as bytes, a stream, or nothing. */
async function bodyOf(req: Request): Promise<Uint8Array | ReadableStream<Uint8Array> | null> {
  const host = requestBody(req);
  if (host.stream !== null) return host.stream;
  const src = host.src;
  if (src === null) return null;
  if (typeof src === "string") return utf8Encode(src);
  if (src instanceof Uint8Array) return src;
  if (src instanceof Blob) return blobBytes(src);
  // A request a server received: its bytes.
  return new Uint8Array(await req.arrayBuffer());
}

/** [name, value, ...] to send: the request's headers and the defaults. */
function headerList(headers: Headers, url: URL): { list: string[]; host: string } {
  const list: string[] = [];
  let host = url.host;
  let ua = false;
  let accept = false;
  let encoding = false;
  for (const [name, value] of headers) {
    switch (name) {
      case "host":
        host = value;
        continue;
      case "content-length":
      case "transfer-encoding":
      case "connection":
      case "keep-alive":
        continue;
      case "user-agent":
        ua = true;
        break;
      case "accept":
        accept = true;
        break;
      case "accept-encoding":
        encoding = true;
        break;
    }
    list.push(name, value);
  }
  if (!accept) list.push("accept", "*/*");
  if (!encoding) list.push("accept-encoding", ENCODINGS);
  if (!ua) list.push("user-agent", userAgent());
  return { list, host };
}

/** Methods whose requests carry a Content-Length: 0 when they have no body. */
function wantsLength(method: string): boolean {
  return method === "POST" || method === "PUT" || method === "PATCH";
}

export async function fetch(input: unknown, init?: FetchInit): Promise<Response> {
  const req = input instanceof Request && init === undefined ? input : new Request(input as never, init as never);
  const signal = req.signal;
  signal.throwIfAborted();
  const url = new URL(req.url);
  if (url.protocol === "data:") return dataUrlResponse(url, req.method);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`fetch: unsupported URL scheme ${JSON.stringify(url.protocol)}`);
  }
  const tls = init?.tls;
  const decompress = init?.decompress ?? true;
  let method = req.method;
  let body = await bodyOf(req);
  let headers = req.headers;
  const redirect = req.redirect;
  let current = url;
  for (let hops = 0; ; hops++) {
    const res = await exchange(current, method, headers, body, {
      signal: signal as unknown as AbortSignal,
      tls,
      decompress,
      redirected: hops > 0,
    });
    const status = res.status;
    if (status < 300 || status > 399 || status === 304 || redirect === "manual") return res;
    const location = res.headers.get("location");
    if (location === null) return res;
    if (redirect === "error") {
      await res.body?.cancel();
      throw fetchFailed("ERR_FETCH_REDIRECT", `redirect mode is "error" and ${current.href} redirects`);
    }
    if (hops + 1 > MAX_REDIRECTS) {
      await res.body?.cancel();
      throw fetchFailed("ERR_FETCH_REDIRECT", `more than ${MAX_REDIRECTS} redirects`);
    }
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw fetchFailed("ERR_FETCH_REDIRECT", `bad Location ${JSON.stringify(location)}`);
    }
    // The redirect's own body is not read: the connection is not reused.
    await res.body?.cancel();
    if (body instanceof ReadableStream && status !== 303) {
      throw fetchFailed("ERR_FETCH_REDIRECT", "cannot follow a redirect with a streamed request body");
    }
    if (status === 303 ? method !== "HEAD" : (status === 301 || status === 302) && method === "POST") {
      method = "GET";
      body = null;
      headers = new Headers(headers);
      for (const h of ["content-type", "content-length", "content-encoding", "content-language", "content-location"]) {
        headers.delete(h);
      }
    }
    if (next.origin !== current.origin) {
      headers = new Headers(headers);
      headers.delete("authorization");
      headers.delete("cookie");
      headers.delete("proxy-authorization");
      headers.delete("host");
    }
    current = next;
  }
}

interface ExchangeOptions {
  signal: AbortSignal;
  tls: TlsInit | undefined;
  decompress: boolean;
  redirected: boolean;
}

/** One request and its response (no redirects). */
async function exchange(
  url: URL,
  method: string,
  headers: Headers,
  body: Uint8Array | ReadableStream<Uint8Array> | null,
  o: ExchangeOptions,
): Promise<Response> {
  const { list, host } = headerList(headers, url);
  const pc: PooledConnection = await acquire(url, o.tls, o.decompress, o.signal);
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    let paused = false;
    let done = false;
    const stop = (reason: unknown) => {
      if (done) return;
      done = true;
      discard(pc);
      if (!settled) {
        settled = true;
        reject(reason);
      } else {
        try {
          controller?.error(reason);
        } catch {
          // already closed or errored
        }
      }
      o.signal.removeEventListener("abort", onAbort);
    };
    const onAbort = () => stop(o.signal.reason);
    o.signal.addEventListener("abort", onAbort);
    const ex: Exchange = {
      head(status, reason, fields) {
        const h = new Headers();
        for (let i = 0; i < fields.length; i += 2) appendTrusted(h, fields[i].toLowerCase(), fields[i + 1]);
        const nullBody = method === "HEAD" || status === 204 || status === 205 || status === 304;
        const stream = nullBody
          ? null
          : new ReadableStream<Uint8Array>(
              {
                start(c) {
                  controller = c;
                },
                pull() {
                  if (paused) {
                    paused = false;
                    pc.conn.resume();
                  }
                },
                cancel() {
                  // An unread body: the connection cannot be reused.
                  if (!done) {
                    done = true;
                    discard(pc);
                    o.signal.removeEventListener("abort", onAbort);
                  }
                },
              },
              { highWaterMark: 1 },
            );
        settled = true;
        resolve(networkResponse(stream, status, reason, h, url.href, o.redirected));
      },
      data(bytes) {
        if (controller === undefined || done) return;
        controller.enqueue(bytes);
        if ((controller.desiredSize ?? 1) <= 0 && !paused) {
          paused = true;
          pc.conn.pause();
        }
      },
      end(reusable) {
        if (done) return;
        done = true;
        o.signal.removeEventListener("abort", onAbort);
        try {
          controller?.close();
        } catch {
          // the consumer cancelled
        }
        // The whole response is in: the next exchange on this connection
        // must find it reading again.
        if (paused) {
          paused = false;
          pc.conn.resume();
        }
        if (reusable) release(pc);
        else discard(pc);
      },
      fail(err) {
        stop(err);
      },
    };
    pc.exchange = ex;
    const target = url.pathname + url.search;
    try {
      if (body instanceof ReadableStream) {
        ops.fetchRequest(pc.conn.key, pc.conn.id, method, target, host, list, -2, undefined);
        void streamBody(pc, body, () => done).catch((e) => stop(e));
      } else if (body !== null) {
        ops.fetchRequest(pc.conn.key, pc.conn.id, method, target, host, list, body.byteLength, body);
      } else {
        ops.fetchRequest(pc.conn.key, pc.conn.id, method, target, host, list, wantsLength(method) ? 0 : -1, undefined);
      }
    } catch (e) {
      stop(e instanceof TypeError ? e : new TypeError(String(e)));
    }
  });
}

/** Sends a streamed request body in chunks, waiting for drains when the output is full. */
async function streamBody(pc: PooledConnection, body: ReadableStream<Uint8Array>, finished: () => boolean): Promise<void> {
  const reader = body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (finished()) return;
    if (done) {
      ops.fetchBodyEnd(pc.conn.key, pc.conn.id);
      return;
    }
    const bytes = chunkBytes(value);
    if (bytes.byteLength === 0) continue;
    if (!ops.fetchBodyChunk(pc.conn.key, pc.conn.id, bytes)) await pc.drained();
  }
}
