// node:http's tables and header checks, shared by the server's request and
// response: STATUS_CODES and METHODS as Node lists them, and the header
// name/value validation with Node's error codes and messages.

import { coded } from "./errors.ts";

export const STATUS_CODES: Record<number, string> = {
  100: "Continue",
  101: "Switching Protocols",
  102: "Processing",
  103: "Early Hints",
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content",
  207: "Multi-Status",
  208: "Already Reported",
  226: "IM Used",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  305: "Use Proxy",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Payload Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  418: "I'm a Teapot",
  421: "Misdirected Request",
  422: "Unprocessable Entity",
  423: "Locked",
  424: "Failed Dependency",
  425: "Too Early",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  506: "Variant Also Negotiates",
  507: "Insufficient Storage",
  508: "Loop Detected",
  509: "Bandwidth Limit Exceeded",
  510: "Not Extended",
  511: "Network Authentication Required",
};

export const METHODS: string[] = [
  "ACL", "BIND", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET", "HEAD", "LINK", "LOCK", "M-SEARCH",
  "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL", "MOVE", "NOTIFY", "OPTIONS", "PATCH", "POST", "PROPFIND",
  "PROPPATCH", "PURGE", "PUT", "QUERY", "REBIND", "REPORT", "SEARCH", "SOURCE", "SUBSCRIBE", "TRACE",
  "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE",
];

const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
// Field content: visible bytes, tab, space and obs-text; no CR, LF or NUL.
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

export function validateHeaderName(name: unknown, label = "Header name"): void {
  if (typeof name !== "string" || name === "" || !TOKEN.test(name)) {
    throw coded(new TypeError(`${label} must be a valid HTTP token ["${name}"]`), "ERR_INVALID_HTTP_TOKEN");
  }
}

export function validateHeaderValue(name: string, value: unknown): void {
  if (value === undefined) {
    throw coded(new TypeError(`Invalid value "${value}" for header "${name}"`), "ERR_HTTP_INVALID_HEADER_VALUE");
  }
  if (INVALID_VALUE.test(String(value))) {
    throw coded(new TypeError(`Invalid character in header content ["${name}"]`), "ERR_INVALID_CHAR");
  }
}

export function headersSentError(action: string): Error {
  return coded(new Error(`Cannot ${action} headers after they are sent to the client`), "ERR_HTTP_HEADERS_SENT");
}

// Node's joining rules for a repeated request header (IncomingMessage's
// headers): these keep the first value and drop the rest...
const FIRST_WINS = new Set([
  "age", "authorization", "content-length", "content-type", "etag", "expires", "from", "host",
  "if-modified-since", "if-unmodified-since", "last-modified", "location", "max-forwards",
  "proxy-authorization", "referer", "retry-after", "server", "user-agent",
]);

/**
 * Adds one header line to a headers object as Node does: set-cookie
 * collects an array, cookie joins with "; ", the FIRST_WINS names keep
 * their first value, and every other name joins with ", ".
 */
export function addHeaderLine(headers: Record<string, string | string[]>, name: string, value: string): void {
  const prev = headers[name];
  if (prev === undefined) {
    headers[name] = name === "set-cookie" ? [value] : value;
  } else if (name === "set-cookie") {
    (prev as string[]).push(value);
  } else if (name === "cookie") {
    headers[name] = `${prev}; ${value}`;
  } else if (!FIRST_WINS.has(name)) {
    headers[name] = `${prev}, ${value}`;
  }
}
