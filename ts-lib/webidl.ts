// Small WebIDL helpers shared by the web-platform modules: argument
// conversions and making class members look like IDL-defined ones.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

/** WebIDL USVString: String(v) with lone surrogates replaced by U+FFFD. */
export function toUSVString(v: unknown): string {
  const s = typeof v === "string" ? v : String(v);
  return ANY_SURROGATE.test(s) ? s.replace(LONE_SURROGATE, "\uFFFD") : s;
}

/** Throws the TypeError WebIDL gives for too few arguments. */
export function requireArgs(got: number, want: number, where: string): void {
  if (got < want) {
    throw new TypeError(`${where}: ${want} argument${want === 1 ? "" : "s"} required, but only ${got} present.`);
  }
}

/**
 * IDL attributes and operations are enumerable, unlike class members: make
 * the named prototype members enumerable so that for-in, console output and
 * interface checks see what browsers show.
 */
export function enumerable(proto: object, names: readonly string[]): void {
  for (const name of names) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (d !== undefined && !d.enumerable) {
      d.enumerable = true;
      Object.defineProperty(proto, name, d);
    }
  }
}

/** Every own string-keyed member of a class prototype except the constructor. */
export function ownMembers(proto: object): string[] {
  return Object.getOwnPropertyNames(proto).filter((n) => n !== "constructor");
}

/** Sets Symbol.toStringTag as WebIDL does (a non-writable data property). */
export function toStringTag(proto: object, tag: string): void {
  Object.defineProperty(proto, Symbol.toStringTag, { value: tag, writable: false, enumerable: false, configurable: true });
}

/** The symbol console.log (format.ts) and Node's util.inspect look for. */
export const inspectSymbol: unique symbol = Symbol.for("nodejs.util.inspect.custom") as never;

type Inspect = (v: unknown, opts?: object) => string;

/**
 * Makes console.log show instances as Node does (`Blob { size: 1, type: '' }`):
 * `fields` picks what to show. Defined non-enumerable on the prototype.
 */
export function inspectAs<T>(proto: object, fields: (self: T) => Record<string, unknown>): void {
  Object.defineProperty(proto, inspectSymbol, {
    value: function (this: T, depth: number, opts: object, inspect?: Inspect): string | Record<string, unknown> {
      const name = (this as { constructor?: { name?: string } })?.constructor?.name ?? "Object";
      if (depth < 0) return `[${name}]`;
      if (typeof inspect !== "function") return fields(this);
      return `${name} ${inspect(fields(this), { ...opts, depth })}`;
    },
    writable: true,
    enumerable: false,
    configurable: true,
  });
}
