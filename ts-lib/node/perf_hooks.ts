// node:perf_hooks: the global performance object and its entry classes.
import { notImplemented } from "./internal/errors.ts";

const g = globalThis as unknown as Record<string, any>;
export const performance = g.performance;
export const PerformanceEntry = g.PerformanceEntry;
export const PerformanceMark = g.PerformanceMark;
export const PerformanceMeasure = g.PerformanceMeasure;
export const constants = {
  NODE_PERFORMANCE_GC_MAJOR: 4,
  NODE_PERFORMANCE_GC_MINOR: 1,
  NODE_PERFORMANCE_GC_INCREMENTAL: 8,
  NODE_PERFORMANCE_GC_WEAKCB: 16,
  NODE_PERFORMANCE_GC_FLAGS_NO: 0,
  NODE_PERFORMANCE_GC_FLAGS_CONSTRUCT_RETAINED: 2,
  NODE_PERFORMANCE_GC_FLAGS_FORCED: 4,
  NODE_PERFORMANCE_GC_FLAGS_SYNCHRONOUS_PHANTOM_PROCESSING: 8,
  NODE_PERFORMANCE_GC_FLAGS_ALL_AVAILABLE_GARBAGE: 16,
  NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY: 32,
  NODE_PERFORMANCE_GC_FLAGS_SCHEDULE_IDLE: 64,
};

export class PerformanceObserver {
  static supportedEntryTypes: readonly string[] = ["mark", "measure"];
  #callback: Function;
  constructor(callback: Function) {
    this.#callback = callback;
  }
  observe(): void {
    void this.#callback;
  }
  disconnect(): void {}
}

export function monitorEventLoopDelay(): never {
  throw notImplemented("perf_hooks.monitorEventLoopDelay");
}
export function createHistogram(): never {
  throw notImplemented("perf_hooks.createHistogram");
}

export default { performance, PerformanceEntry, PerformanceMark, PerformanceMeasure, PerformanceObserver, constants, monitorEventLoopDelay, createHistogram };
