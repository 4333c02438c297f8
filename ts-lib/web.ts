// Installs the web-platform globals (and the missing ES built-ins) on
// globalThis. bootstrap.ts calls installWebGlobals() once, before any
// user code runs. Properties are defined like WebIDL interface objects:
// non-enumerable, writable, configurable.

import { AbortController, AbortSignal } from "./abort.ts";
import { atob, btoa } from "./base64.ts";
import { Blob, File } from "./blob.ts";
import { structuredClone } from "./clone.ts";
import { CompressionStream, DecompressionStream } from "./compression.ts";
import { Crypto, CryptoKey, SubtleCrypto, crypto } from "./crypto.ts";
import { TextDecoder, TextDecoderStream, TextEncoder, TextEncoderStream } from "./encoding.ts";
import { CustomEvent, DOMException, Event, EventTarget } from "./event.ts";
import { FormData } from "./formdata.ts";
import { BroadcastChannel, MessageChannel, MessageEvent, MessagePort } from "./messaging.ts";
import { Performance, PerformanceEntry, PerformanceMark, PerformanceMeasure, performance } from "./performance.ts";
import { installPolyfills } from "./polyfills.ts";
import {
  ByteLengthQueuingStrategy,
  CountQueuingStrategy,
  ReadableStream,
  ReadableStreamDefaultController,
  ReadableStreamDefaultReader,
  TransformStream,
  TransformStreamDefaultController,
  WritableStream,
  WritableStreamDefaultController,
  WritableStreamDefaultWriter,
} from "./streams.ts";
import { URL, URLSearchParams } from "./url.ts";
import { URLPattern } from "./urlpattern.ts";

/** Every global this module installs, by name. */
export const webGlobals = {
  // event.ts
  DOMException,
  Event,
  EventTarget,
  CustomEvent,
  // abort.ts
  AbortController,
  AbortSignal,
  // url.ts
  URL,
  URLSearchParams,
  // urlpattern.ts
  URLPattern,
  // encoding.ts
  TextEncoder,
  TextDecoder,
  TextEncoderStream,
  TextDecoderStream,
  // base64.ts
  atob,
  btoa,
  // crypto.ts
  Crypto,
  CryptoKey,
  SubtleCrypto,
  crypto,
  // clone.ts
  structuredClone,
  // messaging.ts
  MessageChannel,
  MessagePort,
  MessageEvent,
  BroadcastChannel,
  // blob.ts, formdata.ts
  Blob,
  File,
  FormData,
  // streams.ts
  ReadableStream,
  ReadableStreamDefaultReader,
  ReadableStreamDefaultController,
  WritableStream,
  WritableStreamDefaultWriter,
  WritableStreamDefaultController,
  TransformStream,
  TransformStreamDefaultController,
  ByteLengthQueuingStrategy,
  CountQueuingStrategy,
  // compression.ts
  CompressionStream,
  DecompressionStream,
  // performance.ts
  performance,
  Performance,
  PerformanceEntry,
  PerformanceMark,
  PerformanceMeasure,
};

/**
 * Defines the web globals. Calls no op (it may run while a startup
 * snapshot is made); the modules reach their ops through web_ops.ts, which
 * bootstrap fills in with setWebOps.
 */
export function installWebGlobals(): void {
  installPolyfills();
  const g = globalThis as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(webGlobals)) {
    Object.defineProperty(g, name, { value, writable: true, enumerable: false, configurable: true });
  }
}
