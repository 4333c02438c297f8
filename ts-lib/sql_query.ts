// Query text for Howth.SQL's tagged templates: every interpolated value
// becomes a bound parameter ($1, $2, ...), never text; what `sql(...)`
// returns (an identifier, a column list, an insert's or update's columns
// and values, an `in` list) and nested sql`...` fragments are expanded in
// place, their values bound too. The helper's shape is chosen, as in Bun
// and postgres.js, by the keyword just before it.

/** Something that writes itself into a query: a helper or a fragment. */
export abstract class Piece {
  /** Appends text to `b`, binding values with `b.bind`. */
  abstract build(b: Builder, before: string): void;
}

/** The query being written. */
export class Builder {
  text = "";
  params: unknown[] = [];

  /** A placeholder for `v`. */
  bind(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }

  /** Appends a template's strings with its values in between. */
  template(strings: readonly string[], values: readonly unknown[]): void {
    this.text += strings[0];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v instanceof Piece) v.build(this, this.text);
      else this.text += this.bind(v);
      this.text += strings[i + 1];
    }
  }
}

/** `"name"`, with quotes doubled; `a.b` quotes each part. */
export function escapeIdentifier(name: string): string {
  return name
    .split(".")
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join(".");
}

/** A nested sql`...` that is not run by itself. */
export class Fragment extends Piece {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {
    super();
  }

  build(b: Builder): void {
    b.template(this.strings, this.values);
  }
}

/** Text put in as it is (`sql.unsafe` inside a template). */
export class Raw extends Piece {
  constructor(readonly text: string) {
    super();
  }

  build(b: Builder): void {
    b.text += this.text;
  }
}

/** What the keyword before `${sql(...)}` asks for. */
type Shape = "insert" | "update" | "in" | "values" | "columns";

function shapeBefore(before: string): Shape | undefined {
  const t = before.trimEnd().toLowerCase();
  if (/\bset$/.test(t)) return "update";
  if (/\bin$/.test(t)) return "in";
  if (/\bvalues$/.test(t)) return "values";
  if (/\binsert\s+into\s+[^\s(]+$/.test(t)) return "insert";
  if (/(\bselect|\breturning|,)$/.test(t)) return "columns";
  return undefined;
}

/** `sql(value, ...columns)`: an identifier, an object or objects, or a list. */
export class Helper extends Piece {
  constructor(
    readonly value: unknown,
    readonly columns: string[],
  ) {
    super();
  }

  build(b: Builder, before: string): void {
    const v = this.value;
    const shape = shapeBefore(before);
    if (typeof v === "string") {
      b.text += escapeIdentifier(v);
      return;
    }
    if (Array.isArray(v) && (v.length === 0 || typeof v[0] !== "object" || v[0] === null || v[0] instanceof Date)) {
      // A list of values (`in`), or of column names after select/returning.
      if (shape === "columns" && v.every((x) => typeof x === "string")) {
        b.text += v.map(escapeIdentifier).join(", ");
        return;
      }
      b.text += v.length === 0 ? "(null)" : `(${v.map((x) => b.bind(x)).join(", ")})`;
      return;
    }
    const rows = (Array.isArray(v) ? v : [v]) as Record<string, unknown>[];
    if (rows.length === 0 || typeof rows[0] !== "object" || rows[0] === null) {
      throw new TypeError("Howth.SQL: sql() takes a string, an array or an object");
    }
    const columns = this.columns.length > 0 ? this.columns : Object.keys(rows[0]).filter((k) => rows[0][k] !== undefined);
    if (shape === "update") {
      b.text += columns.map((c) => `${escapeIdentifier(c)} = ${b.bind(rows[0][c])}`).join(", ");
      return;
    }
    if (shape === "columns") {
      b.text += columns.map(escapeIdentifier).join(", ");
      return;
    }
    const tuples = rows.map((row) => `(${columns.map((c) => b.bind(row[c])).join(", ")})`).join(", ");
    if (shape === "values") b.text += tuples;
    else b.text += `(${columns.map(escapeIdentifier).join(", ")}) values ${tuples}`;
  }
}

/** A template's text and parameters. */
export function compile(strings: readonly string[], values: readonly unknown[]): { text: string; params: unknown[] } {
  const b = new Builder();
  b.template(strings, values);
  return { text: b.text, params: b.params };
}
