// Small built-ins: tty, v8, worker_threads, perf_hooks, stream/web, and ERR_NOT_IMPLEMENTED.
import tty from "node:tty";
import v8 from "node:v8";
import { isMainThread, threadId, parentPort, Worker } from "node:worker_threads";
import { performance, PerformanceObserver } from "node:perf_hooks";
import { ReadableStream, TransformStream } from "node:stream/web";

console.log(typeof tty.isatty, tty.isatty(-1), tty.isatty(99999));
const h = v8.getHeapStatistics();
console.log(["total_heap_size", "used_heap_size", "heap_size_limit"].every((k) => typeof h[k] === "number"));
console.log(isMainThread, threadId, parentPort);
console.log(typeof performance.now(), performance.now() >= 0, typeof PerformanceObserver);
console.log(ReadableStream === globalThis.ReadableStream, TransformStream === globalThis.TransformStream);
console.log(typeof Worker);
