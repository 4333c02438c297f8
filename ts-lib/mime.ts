// A file's Content-Type from its extension, for Howth.file. Text types
// carry charset=utf-8, as Bun.file's do; anything unknown is
// application/octet-stream.

const TEXT = ";charset=utf-8";

const BY_EXTENSION: Record<string, string> = {
  html: "text/html" + TEXT,
  htm: "text/html" + TEXT,
  css: "text/css" + TEXT,
  js: "text/javascript" + TEXT,
  mjs: "text/javascript" + TEXT,
  cjs: "text/javascript" + TEXT,
  ts: "text/javascript" + TEXT,
  json: "application/json" + TEXT,
  map: "application/json" + TEXT,
  txt: "text/plain" + TEXT,
  md: "text/markdown" + TEXT,
  csv: "text/csv" + TEXT,
  xml: "application/xml" + TEXT,
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  ico: "image/x-icon",
  bmp: "image/bmp",
  woff: "font/woff",
  woff2: "font/woff2",
  ttf: "font/ttf",
  otf: "font/otf",
  wasm: "application/wasm",
  pdf: "application/pdf",
  zip: "application/zip",
  gz: "application/gzip",
  br: "application/x-brotli",
  zst: "application/zstd",
  tar: "application/x-tar",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
  wav: "audio/wav",
  mp4: "video/mp4",
  webm: "video/webm",
};

export const OCTET_STREAM = "application/octet-stream";

/** The Content-Type for `path`'s extension (case-insensitive). */
export function mimeTypeOf(path: string): string {
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  if (dot <= slash + 1) return OCTET_STREAM; // no extension, or a dotfile
  return BY_EXTENSION[path.slice(dot + 1).toLowerCase()] ?? OCTET_STREAM;
}

