// FormData (XHR Standard §5) and the two body codecs Request/Response need:
// parsing application/x-www-form-urlencoded and multipart/form-data bodies
// (Fetch's formData()), and serializing FormData as multipart/form-data
// (HTML's multipart/form-data encoding algorithm).

import { Blob, File, blobBytes, fileFromBytes, isBlob } from "./blob.ts";
import { utf8Decode, utf8Encode } from "./encoding.ts";
import { decodeForm } from "./url.ts";
import { webOps } from "./web_ops.ts";
import { enumerable, inspectAs, ownMembers, requireArgs, toStringTag, toUSVString } from "./webidl.ts";

export type FormDataEntryValue = string | File;
type Entry = [string, FormDataEntryValue];

/** The spec's "create an entry": Blobs become Files, strings USVStrings. */
function makeEntry(name: unknown, value: unknown, filename?: unknown): Entry {
  const n = toUSVString(name);
  if (isBlob(value)) {
    const isFile = value instanceof File;
    if (isFile && filename === undefined) return [n, value as File];
    const fname = filename !== undefined ? toUSVString(filename) : isFile ? (value as File).name : "blob";
    const lastModified = isFile ? (value as File).lastModified : undefined;
    return [n, new File([value as Blob], fname, { type: (value as Blob).type, lastModified })];
  }
  return [n, toUSVString(value)];
}

export class FormData {
  #entries: Entry[] = [];

  constructor(form?: unknown, submitter?: unknown) {
    // There are no HTML forms on a server.
    if (form !== undefined || submitter !== undefined) {
      throw new TypeError("Failed to construct 'FormData': an HTMLFormElement is not supported in Howth");
    }
  }

  append(name: string, value: string | Blob, filename?: string): void {
    requireArgs(arguments.length, 2, "FormData.append");
    if (arguments.length === 3 && !isBlob(value)) {
      throw new TypeError("FormData.append: a filename is only allowed with a Blob value");
    }
    this.#entries.push(makeEntry(name, value, filename));
  }

  delete(name: string): void {
    requireArgs(arguments.length, 1, "FormData.delete");
    const n = toUSVString(name);
    this.#entries = this.#entries.filter((e) => e[0] !== n);
  }

  get(name: string): FormDataEntryValue | null {
    requireArgs(arguments.length, 1, "FormData.get");
    const n = toUSVString(name);
    for (const e of this.#entries) if (e[0] === n) return e[1];
    return null;
  }

  getAll(name: string): FormDataEntryValue[] {
    requireArgs(arguments.length, 1, "FormData.getAll");
    const n = toUSVString(name);
    return this.#entries.filter((e) => e[0] === n).map((e) => e[1]);
  }

  has(name: string): boolean {
    requireArgs(arguments.length, 1, "FormData.has");
    const n = toUSVString(name);
    return this.#entries.some((e) => e[0] === n);
  }

  set(name: string, value: string | Blob, filename?: string): void {
    requireArgs(arguments.length, 2, "FormData.set");
    if (arguments.length === 3 && !isBlob(value)) {
      throw new TypeError("FormData.set: a filename is only allowed with a Blob value");
    }
    const entry = makeEntry(name, value, filename);
    const i = this.#entries.findIndex((e) => e[0] === entry[0]);
    if (i < 0) {
      this.#entries.push(entry);
    } else {
      this.#entries[i] = entry;
      this.#entries = this.#entries.filter((e, j) => j <= i || e[0] !== entry[0]);
    }
  }

  forEach(callback: (value: FormDataEntryValue, key: string, parent: FormData) => void, thisArg?: unknown): void {
    requireArgs(arguments.length, 1, "FormData.forEach");
    if (typeof callback !== "function") throw new TypeError("FormData.forEach: callback is not a function");
    for (let i = 0; i < this.#entries.length; i++) {
      const e = this.#entries[i]!;
      callback.call(thisArg, e[1], e[0], this);
    }
  }

  entries(): IterableIterator<[string, FormDataEntryValue]> {
    return new FormDataIterator(this, "entries") as unknown as IterableIterator<[string, FormDataEntryValue]>;
  }

  keys(): IterableIterator<string> {
    return new FormDataIterator(this, "keys") as unknown as IterableIterator<string>;
  }

  values(): IterableIterator<FormDataEntryValue> {
    return new FormDataIterator(this, "values") as unknown as IterableIterator<FormDataEntryValue>;
  }

  [Symbol.iterator](): IterableIterator<[string, FormDataEntryValue]> {
    return this.entries();
  }

  static entryAt(f: FormData, i: number): Entry | undefined {
    return f.#entries[i];
  }
}

const entryAt = FormData.entryAt;
delete (FormData as { entryAt?: unknown }).entryAt;
enumerable(FormData.prototype, ownMembers(FormData.prototype));
Object.defineProperty(FormData.prototype, Symbol.iterator, {
  value: FormData.prototype.entries,
  writable: true,
  enumerable: false,
  configurable: true,
});
toStringTag(FormData.prototype, "FormData");
inspectAs<FormData>(FormData.prototype, (fd) => {
  const o: Record<string, unknown> = {};
  for (const [k, v] of fd) o[k] = k in o ? ([] as unknown[]).concat(o[k], v) : v;
  return o;
});

const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object;

class FormDataIterator {
  #target: FormData;
  #kind: "entries" | "keys" | "values";
  #index = 0;

  constructor(target: FormData, kind: "entries" | "keys" | "values") {
    this.#target = target;
    this.#kind = kind;
  }

  next(): IteratorResult<unknown> {
    const e = entryAt(this.#target, this.#index);
    if (e === undefined) return { value: undefined, done: true };
    this.#index++;
    return { value: this.#kind === "keys" ? e[0] : this.#kind === "values" ? e[1] : [e[0], e[1]], done: false };
  }
}

Object.setPrototypeOf(FormDataIterator.prototype, IteratorPrototype);
enumerable(FormDataIterator.prototype, ["next"]);
toStringTag(FormDataIterator.prototype, "FormData Iterator");

// ---- parsing -------------------------------------------------------------

interface MimeType {
  essence: string;
  params: Map<string, string>;
}

/** A small MIME type parser (MIME Sniffing §4.4), enough for Content-Type. */
export function parseMimeType(input: string): MimeType | null {
  const s = input.trim();
  const semi = s.indexOf(";");
  const essence = (semi < 0 ? s : s.slice(0, semi)).trim().toLowerCase();
  const slash = essence.indexOf("/");
  if (slash <= 0 || slash === essence.length - 1 || !/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(essence)) {
    return null;
  }
  const params = new Map<string, string>();
  let i = semi < 0 ? s.length : semi + 1;
  while (i < s.length) {
    while (i < s.length && /[\t\n\r ]/.test(s[i]!)) i++;
    let name = "";
    while (i < s.length && s[i] !== ";" && s[i] !== "=") name += s[i++];
    name = name.toLowerCase();
    if (i >= s.length) break;
    if (s[i] === ";") {
      i++;
      continue;
    }
    i++; // "="
    let value = "";
    if (s[i] === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === "\\" && i + 1 < s.length) i++;
        value += s[i++];
      }
      while (i < s.length && s[i] !== ";") i++;
    } else {
      while (i < s.length && s[i] !== ";") value += s[i++];
      value = value.replace(/[\t\n\r ]+$/, "");
      if (value === "") {
        i++;
        continue;
      }
    }
    i++;
    if (name !== "" && !params.has(name)) params.set(name, value);
  }
  return { essence, params };
}

/**
 * Fetch's formData() for a body: urlencoded or multipart/form-data per the
 * Content-Type. Throws TypeError for other types or malformed bodies.
 */
export function parseFormData(bytes: Uint8Array, contentType: string): FormData {
  const mime = parseMimeType(contentType ?? "");
  const fd = new FormData();
  if (mime?.essence === "application/x-www-form-urlencoded") {
    // The urlencoded parser decodes without BOM handling: keep a leading U+FEFF.
    for (const [name, value] of decodeForm(utf8Decode(bytes, true))) fd.append(name, value);
    return fd;
  }
  if (mime?.essence === "multipart/form-data") {
    const boundary = mime.params.get("boundary");
    if (boundary === undefined || boundary === "") {
      throw new TypeError("formData(): multipart/form-data without a boundary");
    }
    parseMultipart(bytes, boundary, fd);
    return fd;
  }
  throw new TypeError(`formData(): the body's Content-Type '${contentType}' is not a form`);
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const n = needle.length;
  const first = needle[0]!;
  const last = hay.length - n;
  outer: for (let i = hay.indexOf(first, from); i >= 0 && i <= last; i = hay.indexOf(first, i + 1)) {
    for (let j = 1; j < n; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Undoes the escaping browsers apply to names and filenames ("%22", CR, LF). */
function unescapeQuoted(s: string): string {
  return s.replace(/%0A/gi, "\n").replace(/%0D/gi, "\r").replace(/%22/g, '"');
}

function parseMultipart(body: Uint8Array, boundary: string, fd: FormData): void {
  const bad = (why: string): never => {
    throw new TypeError(`formData(): malformed multipart/form-data body (${why})`);
  };
  const delim = utf8Encode(`--${boundary}`);
  const crlfDelim = utf8Encode(`\r\n--${boundary}`);
  let at = indexOf(body, delim, 0);
  if (at < 0) bad("no boundary");
  at += delim.length;
  for (;;) {
    // After a delimiter: "--" ends the body, else CRLF starts a part.
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return;
    // Transport padding (spaces/tabs) may follow the delimiter.
    while (body[at] === 0x20 || body[at] === 0x09) at++;
    if (body[at] !== 0x0d || body[at + 1] !== 0x0a) bad("expected CRLF after boundary");
    at += 2;
    // Headers end at the first empty line.
    const headerEnd = indexOf(body, utf8Encode("\r\n\r\n"), at);
    let headersText: string;
    let contentStart: number;
    if (body[at] === 0x0d && body[at + 1] === 0x0a) {
      headersText = "";
      contentStart = at + 2;
    } else {
      if (headerEnd < 0) bad("unterminated part headers");
      // Header values are UTF-8 in practice (browsers send raw UTF-8 names).
      headersText = utf8Decode(body.subarray(at, headerEnd));
      contentStart = headerEnd + 4;
    }
    const next = indexOf(body, crlfDelim, contentStart);
    if (next < 0) bad("missing closing boundary");
    const content = body.subarray(contentStart, next);
    addPart(fd, headersText, content, bad);
    at = next + crlfDelim.length;
  }
}

function addPart(fd: FormData, headersText: string, content: Uint8Array, bad: (why: string) => never): void {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of headersText.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const hname = line.slice(0, colon).trim().toLowerCase();
    const hvalue = line.slice(colon + 1).trim();
    if (hname === "content-disposition") {
      if (!/^form-data\s*(;|$)/i.test(hvalue)) bad("part is not form-data");
      const re = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
      for (let m = re.exec(hvalue); m !== null; m = re.exec(hvalue)) {
        const key = m[1]!.toLowerCase();
        const raw = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3]!.trim();
        if (key === "name") name = unescapeQuoted(raw);
        else if (key === "filename") filename = unescapeQuoted(raw);
      }
    } else if (hname === "content-type") {
      contentType = hvalue;
    }
  }
  if (name === undefined) bad("part without a name");
  if (filename !== undefined) {
    // A copy: the body buffer may be reused by the server after the call.
    fd.append(name!, fileFromBytes(content.slice(), filename, contentType ?? "text/plain"));
  } else {
    fd.append(name!, utf8Decode(content));
  }
}

// ---- serializing -----------------------------------------------------------

/** LF or CR alone become CRLF, as HTML's form encoding normalises them. */
function toCRLF(s: string): string {
  return s.replace(/\r\n|\r|\n/g, "\r\n");
}

function escapeName(s: string): string {
  return s.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");
}

function randomBoundary(): string {
  const b = new Uint8Array(12);
  webOps.randomFill(b);
  let hex = "";
  for (const x of b) hex += x.toString(16).padStart(2, "0");
  return `----HowthFormBoundary${hex}`;
}

/** HTML's multipart/form-data encoding of a FormData, with its Content-Type. */
export function serializeFormData(fd: FormData): { body: Uint8Array; contentType: string } {
  const boundary = randomBoundary();
  const parts: Uint8Array[] = [];
  let total = 0;
  const push = (b: Uint8Array) => {
    parts.push(b);
    total += b.length;
  };
  for (const [name, value] of fd) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(toCRLF(name))}"`;
    if (typeof value === "string") {
      push(utf8Encode(`${head}\r\n\r\n${toCRLF(value)}\r\n`));
    } else {
      head += `; filename="${escapeName(value.name)}"\r\nContent-Type: ${value.type || "application/octet-stream"}\r\n\r\n`;
      push(utf8Encode(head));
      push(blobBytes(value));
      push(utf8Encode("\r\n"));
    }
  }
  push(utf8Encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    body.set(p, at);
    at += p.length;
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
