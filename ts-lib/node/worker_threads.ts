// node:worker_threads: the main thread's view. Workers (a module on its
// own thread and isolate) are not implemented yet.
import { notImplemented } from "./internal/errors.ts";

export const isMainThread = true;
export const threadId = 0;
export const parentPort = null;
export const workerData = null;
export const resourceLimits = {};
export const SHARE_ENV = Symbol.for("nodejs.worker_threads.SHARE_ENV");
export { MessageChannel, MessagePort, BroadcastChannel };

const g = globalThis as unknown as Record<string, unknown>;
const MessageChannel = g.MessageChannel;
const MessagePort = g.MessagePort;
const BroadcastChannel = g.BroadcastChannel;

export class Worker {
  constructor() {
    throw notImplemented("worker_threads.Worker");
  }
}

const environmentData = new Map<unknown, unknown>();
export function getEnvironmentData(key: unknown): unknown {
  return environmentData.get(key);
}
export function setEnvironmentData(key: unknown, value: unknown): void {
  if (value === undefined) environmentData.delete(key);
  else environmentData.set(key, value);
}
export function markAsUntransferable(): void {}
export function isMarkedAsUntransferable(): boolean {
  return false;
}
export function receiveMessageOnPort(): undefined {
  return undefined;
}

export default {
  isMainThread, threadId, parentPort, workerData, resourceLimits, SHARE_ENV, Worker, MessageChannel, MessagePort,
  BroadcastChannel, getEnvironmentData, setEnvironmentData, markAsUntransferable, isMarkedAsUntransferable, receiveMessageOnPort,
};
