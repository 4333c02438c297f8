// performance (High Resolution Time, User Timing): now(), timeOrigin and a
// minimal mark/measure buffer. There is no PerformanceObserver.

import { DOMException, EventTarget } from "./event.ts";
import { structuredClone } from "./clone.ts";
import { webOps } from "./web_ops.ts";
import { enumerable, inspectAs, ownMembers, toStringTag } from "./webidl.ts";

const INTERNAL = Symbol("internal");

export class PerformanceEntry {
  #name: string;
  #type: string;
  #start: number;
  #duration: number;

  constructor(token?: unknown, name = "", type = "", start = 0, duration = 0) {
    if (token !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#name = name;
    this.#type = type;
    this.#start = start;
    this.#duration = duration;
  }

  get name(): string { return this.#name; }
  get entryType(): string { return this.#type; }
  get startTime(): number { return this.#start; }
  get duration(): number { return this.#duration; }

  toJSON(): Record<string, unknown> {
    return { name: this.name, entryType: this.entryType, startTime: this.startTime, duration: this.duration };
  }
}

enumerable(PerformanceEntry.prototype, ownMembers(PerformanceEntry.prototype));
toStringTag(PerformanceEntry.prototype, "PerformanceEntry");
inspectAs<PerformanceEntry>(PerformanceEntry.prototype, (e) => e.toJSON());

export interface PerformanceMarkOptions {
  detail?: unknown;
  startTime?: number;
}

export class PerformanceMark extends PerformanceEntry {
  #detail: unknown;

  constructor(markName: string, markOptions: PerformanceMarkOptions = {}) {
    const start = markOptions?.startTime ?? now();
    if (start < 0) throw new TypeError("PerformanceMark: startTime cannot be negative");
    super(INTERNAL, String(markName), "mark", start, 0);
    const detail = markOptions?.detail;
    this.#detail = detail === undefined ? null : structuredClone(detail);
  }

  get detail(): unknown { return this.#detail; }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), detail: this.#detail };
  }
}

enumerable(PerformanceMark.prototype, ownMembers(PerformanceMark.prototype));
toStringTag(PerformanceMark.prototype, "PerformanceMark");

export class PerformanceMeasure extends PerformanceEntry {
  #detail: unknown;

  constructor(token?: unknown, name = "", start = 0, duration = 0, detail: unknown = null) {
    if (token !== INTERNAL) throw new TypeError("Illegal constructor");
    super(INTERNAL, name, "measure", start, duration);
    this.#detail = detail;
  }

  get detail(): unknown { return this.#detail; }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), detail: this.#detail };
  }
}

enumerable(PerformanceMeasure.prototype, ownMembers(PerformanceMeasure.prototype));
toStringTag(PerformanceMeasure.prototype, "PerformanceMeasure");

function now(): number {
  return webOps.now();
}

export interface PerformanceMeasureOptions {
  detail?: unknown;
  start?: string | number;
  duration?: number;
  end?: string | number;
}

export class Performance extends EventTarget {
  #entries: PerformanceEntry[] = [];

  constructor(token?: unknown) {
    if (token !== INTERNAL) throw new TypeError("Illegal constructor");
    super();
  }

  get timeOrigin(): number {
    return webOps.timeOrigin();
  }

  now(): number {
    return webOps.now();
  }

  mark(markName: string, markOptions?: PerformanceMarkOptions): PerformanceMark {
    const m = new PerformanceMark(markName, markOptions);
    this.#entries.push(m);
    return m;
  }

  measure(measureName: string, startOrOptions?: string | PerformanceMeasureOptions, endMark?: string): PerformanceMeasure {
    let start: number;
    let end: number;
    let detail: unknown = null;
    if (startOrOptions !== null && typeof startOrOptions === "object") {
      if (endMark !== undefined) throw new TypeError("performance.measure: endMark is not allowed with options");
      const o = startOrOptions;
      if (o.start === undefined && o.end === undefined) {
        throw new TypeError("performance.measure: options need a start or an end");
      }
      if (o.start !== undefined && o.end !== undefined && o.duration !== undefined) {
        throw new TypeError("performance.measure: start, end and duration cannot all be given");
      }
      if (o.end !== undefined) end = this.#time(o.end);
      else if (o.start !== undefined && o.duration !== undefined) end = this.#time(o.start) + o.duration;
      else end = now();
      if (o.start !== undefined) start = this.#time(o.start);
      else if (o.duration !== undefined && o.end !== undefined) start = end - o.duration;
      else start = 0;
      detail = o.detail === undefined ? null : structuredClone(o.detail);
    } else {
      end = endMark !== undefined ? this.#time(endMark) : now();
      start = startOrOptions !== undefined ? this.#time(startOrOptions) : 0;
    }
    const m = new PerformanceMeasure(INTERNAL, String(measureName), start, end - start, detail);
    this.#entries.push(m);
    return m;
  }

  /** A mark's latest time by name, or a timestamp given directly. */
  #time(v: string | number): number {
    if (typeof v === "number") {
      if (v < 0) throw new TypeError("performance.measure: times cannot be negative");
      return v;
    }
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const e = this.#entries[i]!;
      if (e.entryType === "mark" && e.name === v) return e.startTime;
    }
    throw new DOMException(`The mark '${v}' does not exist.`, "SyntaxError");
  }

  getEntries(): PerformanceEntry[] {
    return this.#entries.slice();
  }

  getEntriesByType(type: string): PerformanceEntry[] {
    return this.#entries.filter((e) => e.entryType === type);
  }

  getEntriesByName(name: string, type?: string): PerformanceEntry[] {
    return this.#entries.filter((e) => e.name === name && (type === undefined || e.entryType === type));
  }

  clearMarks(markName?: string): void {
    this.#entries = this.#entries.filter((e) => e.entryType !== "mark" || (markName !== undefined && e.name !== markName));
  }

  clearMeasures(measureName?: string): void {
    this.#entries = this.#entries.filter(
      (e) => e.entryType !== "measure" || (measureName !== undefined && e.name !== measureName),
    );
  }

  toJSON(): Record<string, unknown> {
    return { timeOrigin: this.timeOrigin };
  }
}

enumerable(Performance.prototype, ownMembers(Performance.prototype));
toStringTag(Performance.prototype, "Performance");

export const performance = new Performance(INTERNAL);
