// What the server sends for a Response whose body is a Howth.file: the
// HTTP semantics of a static file (RFC 9110 §8.8, §13, §14), decided from
// the request's headers and the file's stat, then the bytes read on the
// worker pool. docs/files.md is the contract; when the loop learns to
// sendfile(2) it takes `FileAnswer.range` instead of `body`.

import type { Request } from "./request.ts";
import type { ResponseHeaders } from "./ops.d.ts";
import { HowthFile, readRange, stat, type FileStat } from "./file.ts";

export interface FileAnswer {
  status: number;
  /** ops.respond's flat header list. */
  headers: string[];
  /**
   * What to send. For HEAD, a zero-filled array of the length the GET would
   * send (the loop writes its length as Content-Length and no body; V8
   * allocates it without touching the pages).
   */
  body: Uint8Array | string | null;
}

/** A strong validator from size and mtime, as nginx and Node's send do. */
export function etagOf(s: FileStat): string {
  return `"${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}"`;
}

/** RFC 9110 §13.1.2: a weak comparison of an If-None-Match list. */
function noneMatch(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  const bare = etag;
  for (const raw of header.split(",")) {
    let t = raw.trim();
    if (t.startsWith("W/")) t = t.slice(2);
    if (t === bare) return true;
  }
  return false;
}

/** HTTP-date to ms; NaN when it does not parse. */
function httpDate(v: string): number {
  return Date.parse(v);
}

/** Unmodified since the date (the date has second precision). */
function notModifiedSince(header: string, mtimeMs: number): boolean {
  const t = httpDate(header);
  return !Number.isNaN(t) && Math.floor(mtimeMs / 1000) * 1000 <= t;
}

/**
 * One `bytes=` range against `size` (RFC 9110 §14.1.2): [start, end)
 * inclusive-exclusive, "unsatisfiable", or null to ignore the header
 * (malformed, another unit, or several ranges: the whole file is sent).
 */
export function parseRange(header: string, size: number): [number, number] | "unsatisfiable" | null {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (m === null) return null;
  const [, first, last] = m;
  if (first === "" && last === "") return null;
  if (first === "") {
    // A suffix: the last N bytes.
    const n = Number(last);
    if (n === 0) return "unsatisfiable";
    return [Math.max(size - n, 0), size];
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return null;
  if (start >= size) return "unsatisfiable";
  const end = last === "" ? size : Math.min(Number(last) + 1, size);
  return [start, end];
}

/** Copies the handler's headers, dropping the ones the file answer sets. */
function baseHeaders(given: ResponseHeaders): string[] {
  const out: string[] = [];
  if (given === 1) {
    out.push("content-type", "application/json");
  } else if (given !== undefined) {
    for (let i = 0; i < given.length; i += 2) {
      const name = given[i]!.toLowerCase();
      if (name === "content-length" || name === "content-range") continue;
      out.push(given[i]!, given[i + 1]!);
    }
  }
  return out;
}

function has(headers: string[], name: string): boolean {
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === name) return true;
  return false;
}

/** The answer to `req` for `file`, sent with `status` and the handler's headers. */
export async function fileAnswer(req: Request, status: number, given: ResponseHeaders, file: HowthFile): Promise<FileAnswer> {
  const s = await stat(file.name);
  if (s === null || !s.isFile) {
    return { status: 404, headers: [], body: "Not Found" };
  }
  const headers = baseHeaders(given);
  if (!has(headers, "content-type")) headers.push("content-type", file.type);
  const method = req.method;
  const isHead = method === "HEAD";
  // Validators, ranges and 304 apply to a whole file answered 200 to a GET
  // or HEAD; any other status or a slice is sent as it is.
  if (status !== 200 || !file.whole || (method !== "GET" && !isHead)) {
    const [a, b] = file.range(s.size);
    return { status, headers, body: await bytesFor(file.name, a, b, isHead) };
  }
  const etag = etagOf(s);
  const lastModified = new Date(Math.floor(s.mtimeMs / 1000) * 1000).toUTCString();
  if (!has(headers, "etag")) headers.push("etag", etag);
  if (!has(headers, "last-modified")) headers.push("last-modified", lastModified);
  headers.push("accept-ranges", "bytes");
  const rh = req.headers;
  const inm = rh.get("if-none-match");
  const ims = rh.get("if-modified-since");
  // §13.2.2: If-None-Match wins over If-Modified-Since.
  if (inm !== null ? noneMatch(inm, etag) : ims !== null && notModifiedSince(ims, s.mtimeMs)) {
    return { status: 304, headers, body: null };
  }
  const range = rh.get("range");
  if (range !== null && !isHead && ifRangeHolds(rh.get("if-range"), etag, s.mtimeMs)) {
    const r = parseRange(range, s.size);
    if (r === "unsatisfiable") {
      headers.push("content-range", `bytes */${s.size}`);
      return { status: 416, headers, body: null };
    }
    if (r !== null) {
      headers.push("content-range", `bytes ${r[0]}-${r[1] - 1}/${s.size}`);
      return { status: 206, headers, body: await bytesFor(file.name, r[0], r[1], false) };
    }
  }
  return { status: 200, headers, body: await bytesFor(file.name, 0, s.size, isHead) };
}

/** §13.1.5: a Range applies only if If-Range (an ETag or a date) still matches. */
function ifRangeHolds(ifRange: string | null, etag: string, mtimeMs: number): boolean {
  if (ifRange === null) return true;
  const v = ifRange.trim();
  if (v.startsWith('"') || v.startsWith("W/")) return v === etag;
  const t = httpDate(v);
  return !Number.isNaN(t) && Math.floor(mtimeMs / 1000) * 1000 === t;
}

function bytesFor(path: string, start: number, end: number, isHead: boolean): Promise<Uint8Array> | Uint8Array {
  if (isHead) return new Uint8Array(end - start);
  return end === start ? new Uint8Array(0) : readRange(path, start, end);
}
