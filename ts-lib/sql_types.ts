// Postgres values both ways for Howth.SQL: a cell's text (the server's
// text format; the session runs with DateStyle=ISO and TimeZone=UTC, see
// protocols/src/postgres) to a JS value by the column's type OID, and a JS
// value to the text of a bound parameter. Types follow Bun.SQL: numbers for
// int2/int4/oid/float, int8 as a string (a BigInt with `bigint: true`),
// numeric as a string, Date for date/timestamp/timestamptz, parsed JSON,
// Uint8Array for bytea, arrays of all of these.

/** Turns one cell's text into its JS value. */
export type Parser = (text: string) => unknown;

const identity: Parser = (s) => s;
const toNumber: Parser = (s) => +s;
const toBool: Parser = (s) => s === "t";
const toJson: Parser = (s) => JSON.parse(s);
const toBigInt: Parser = (s) => BigInt(s);

function toBytes(s: string): Uint8Array {
  if (!s.startsWith("\\x")) return new TextEncoder().encode(s); // the escape format is off by default
  const out = new Uint8Array((s.length - 2) >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 + 2 * i, 2), 16);
  return out;
}

/** `2024-02-29` (UTC midnight), `infinity`, `-infinity`, `... BC`. */
function toDate(s: string): Date {
  if (s === "infinity") return new Date(8.64e15);
  if (s === "-infinity") return new Date(-8.64e15);
  return isoDate(s, "T00:00:00Z");
}

/** `2024-02-29 12:34:56.5` (timestamp, taken as UTC) or `...+00` (timestamptz, sent in UTC). */
function toTimestamp(s: string): Date {
  if (s === "infinity") return new Date(8.64e15);
  if (s === "-infinity") return new Date(-8.64e15);
  const t = s.indexOf(" ");
  let rest = s.slice(t + 1);
  let bc = false;
  if (rest.endsWith(" BC")) {
    bc = true;
    rest = rest.slice(0, -3);
  }
  // A zone is +HH, +HH:MM or +HH:MM:SS after the time; ISO wants +HH:MM.
  const zone = /([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/.exec(rest);
  let suffix = "Z";
  let seconds = 0;
  if (zone !== null) {
    rest = rest.slice(0, zone.index);
    suffix = `${zone[1]}${zone[2]}:${zone[3] ?? "00"}`;
    if (zone[4] !== undefined) seconds = (zone[1] === "-" ? 1 : -1) * +zone[4];
  }
  const d = isoDate(bc ? `${s.slice(0, t)} BC` : s.slice(0, t), `T${rest}${suffix}`);
  return seconds === 0 ? d : new Date(d.getTime() + seconds * 1000);
}

/** A `YYYY-MM-DD[ BC]` date joined to an ISO time; years beyond 4 digits and BC in ISO's signed 6-digit form. */
function isoDate(date: string, time: string): Date {
  const bc = date.endsWith(" BC");
  if (bc) date = date.slice(0, -3);
  const dash = date.indexOf("-", 1);
  let year = +date.slice(0, dash);
  if (bc) year = 1 - year;
  const y =
    year >= 0 && year <= 9999
      ? String(year).padStart(4, "0")
      : `${year < 0 ? "-" : "+"}${String(Math.abs(year)).padStart(6, "0")}`;
  return new Date(`${y}${date.slice(dash)}${time}`);
}

// Type OIDs (pg_type.dat).
const BOOL = 16,
  BYTEA = 17,
  INT8 = 20,
  INT2 = 21,
  INT4 = 23,
  OID = 26,
  JSON_ = 114,
  FLOAT4 = 700,
  FLOAT8 = 701,
  DATE = 1082,
  TIMESTAMP = 1114,
  TIMESTAMPTZ = 1184,
  JSONB = 3802;

/** Array type OID to its element's OID. */
const ARRAY_OF: Record<number, number> = {
  1000: BOOL,
  1001: BYTEA,
  1016: INT8,
  1005: INT2,
  1007: INT4,
  1028: OID,
  199: JSON_,
  1021: FLOAT4,
  1022: FLOAT8,
  1182: DATE,
  1115: TIMESTAMP,
  1185: TIMESTAMPTZ,
  3807: JSONB,
  1009: 25, // text
  1015: 1043, // varchar
  1014: 1042, // char
  1003: 19, // name
  1231: 1700, // numeric
  2951: 2950, // uuid
  1183: 1083, // time
};

function scalarParser(oid: number, bigint: boolean): Parser {
  switch (oid) {
    case BOOL:
      return toBool;
    case INT2:
    case INT4:
    case OID:
    case FLOAT4:
    case FLOAT8:
      return toNumber;
    case INT8:
      return bigint ? toBigInt : identity;
    case JSON_:
    case JSONB:
      return toJson;
    case BYTEA:
      return toBytes;
    case DATE:
      return toDate;
    case TIMESTAMP:
    case TIMESTAMPTZ:
      return toTimestamp;
    default:
      return identity;
  }
}

/** The parser for a column of type `oid`. */
export function parserFor(oid: number, bigint: boolean): Parser {
  const element = ARRAY_OF[oid];
  if (element === undefined) return scalarParser(oid, bigint);
  const parse = scalarParser(element, bigint);
  return (text) => parseArray(text, parse);
}

/**
 * An array's text, `{1,NULL,"a \"b\""}`, nested for more dimensions, with
 * an optional `[1:2]=` bounds prefix; NULL (unquoted) is null.
 */
export function parseArray(text: string, parse: Parser): unknown[] {
  let i = 0;
  if (text[0] === "[") i = text.indexOf("=") + 1;
  const level = (): unknown[] => {
    const items: unknown[] = [];
    i++; // "{"
    if (text[i] === "}") {
      i++;
      return items;
    }
    for (;;) {
      const c = text[i];
      if (c === "{") items.push(level());
      else if (c === '"') {
        let s = "";
        i++;
        while (text[i] !== '"') {
          if (i >= text.length) throw new SyntaxError("unterminated array element");
          if (text[i] === "\\") i++;
          s += text[i++];
        }
        i++;
        items.push(parse(s));
      } else {
        let end = i;
        while (end < text.length && text[end] !== "," && text[end] !== "}") end++;
        const raw = text.slice(i, end);
        i = end;
        items.push(raw === "NULL" ? null : parse(raw));
      }
      if (text[i] === ",") i++;
      else if (text[i] === "}") {
        i++;
        return items;
      } else throw new SyntaxError("malformed array literal");
    }
  };
  return level();
}

/**
 * A JS value as a parameter's text for the server to read by the type it
 * infers: null for NULL, bytes as they are (bytea), Dates in ISO form,
 * arrays as array literals, other objects as JSON.
 */
export function serialize(v: unknown): string | Uint8Array | null {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
    case "bigint":
      return String(v);
    case "boolean":
      return v ? "t" : "f";
    case "undefined":
      return null;
    case "object":
      if (v === null) return null;
      if (v instanceof Uint8Array) return v;
      if (v instanceof ArrayBuffer) return new Uint8Array(v);
      if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      if (v instanceof Date) return v.toISOString();
      if (Array.isArray(v)) return arrayLiteral(v);
      return JSON.stringify(v);
    default:
      throw new TypeError(`Howth.SQL: cannot send a ${typeof v} as a query parameter`);
  }
}

/** `{1,NULL,"a \"b\""}`: every element quoted except NULL and nested arrays. */
export function arrayLiteral(items: unknown[]): string {
  const parts = items.map((item) => {
    if (Array.isArray(item)) return arrayLiteral(item);
    const s = serialize(item);
    if (s === null) return "NULL";
    const text = typeof s === "string" ? s : `\\x${Array.from(s, (b) => b.toString(16).padStart(2, "0")).join("")}`;
    return `"${text.replace(/[\\"]/g, "\\$&")}"`;
  });
  return `{${parts.join(",")}}`;
}
