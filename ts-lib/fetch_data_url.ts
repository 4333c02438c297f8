// data: URLs for fetch() (the Fetch standard's "data: URL processor"):
// the media type, percent-decoding, and base64.

import { Response } from "./response.ts";
import { URL } from "./url.ts";
import { fetchFailed } from "./fetch_errors.ts";

function percentDecode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      out.push(c);
    } else {
      for (const b of new TextEncoder().encode(s[i])) out.push(b);
    }
  }
  return new Uint8Array(out);
}

export function dataUrlResponse(url: URL, method: string): Response {
  const href = url.href.slice(5).replace(/#.*$/, "");
  const comma = href.indexOf(",");
  if (comma < 0) throw fetchFailed("ERR_INVALID_URL", "a data: URL needs a comma");
  let type = href.slice(0, comma).trim();
  let bytes = percentDecode(href.slice(comma + 1));
  if (/;\s*base64$/i.test(type)) {
    type = type.replace(/;\s*base64$/i, "");
    let text = "";
    for (const b of bytes) text += String.fromCharCode(b);
    text = text.replace(/[\t\n\f\r ]/g, "");
    let bin: string;
    try {
      bin = atob(text);
    } catch {
      throw fetchFailed("ERR_INVALID_URL", "bad base64 in a data: URL");
    }
    bytes = Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  }
  if (type === "" || type.startsWith(";")) type = `text/plain${type === "" ? ";charset=US-ASCII" : type}`;
  return new Response(method === "HEAD" ? null : bytes, { status: 200, headers: { "content-type": type } });
}
