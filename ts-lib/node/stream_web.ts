// node:stream/web: the WHATWG streams, which are also globals.
const g = globalThis as unknown as Record<string, unknown>;

export const ReadableStream = g.ReadableStream as typeof globalThis.ReadableStream;
export const ReadableStreamDefaultReader = g.ReadableStreamDefaultReader as typeof globalThis.ReadableStreamDefaultReader;
export const ReadableStreamBYOBReader = g.ReadableStreamBYOBReader as typeof globalThis.ReadableStreamBYOBReader;
export const ReadableStreamBYOBRequest = g.ReadableStreamBYOBRequest as typeof globalThis.ReadableStreamBYOBRequest;
export const ReadableByteStreamController = g.ReadableByteStreamController as typeof globalThis.ReadableByteStreamController;
export const ReadableStreamDefaultController = g.ReadableStreamDefaultController as typeof globalThis.ReadableStreamDefaultController;
export const TransformStream = g.TransformStream as typeof globalThis.TransformStream;
export const TransformStreamDefaultController = g.TransformStreamDefaultController as typeof globalThis.TransformStreamDefaultController;
export const WritableStream = g.WritableStream as typeof globalThis.WritableStream;
export const WritableStreamDefaultWriter = g.WritableStreamDefaultWriter as typeof globalThis.WritableStreamDefaultWriter;
export const WritableStreamDefaultController = g.WritableStreamDefaultController as typeof globalThis.WritableStreamDefaultController;
export const ByteLengthQueuingStrategy = g.ByteLengthQueuingStrategy as typeof globalThis.ByteLengthQueuingStrategy;
export const CountQueuingStrategy = g.CountQueuingStrategy as typeof globalThis.CountQueuingStrategy;
export const TextEncoderStream = g.TextEncoderStream as typeof globalThis.TextEncoderStream;
export const TextDecoderStream = g.TextDecoderStream as typeof globalThis.TextDecoderStream;
export const CompressionStream = g.CompressionStream as typeof globalThis.CompressionStream;
export const DecompressionStream = g.DecompressionStream as typeof globalThis.DecompressionStream;

export default {
  ReadableStream, ReadableStreamDefaultReader, ReadableStreamBYOBReader, ReadableStreamBYOBRequest,
  ReadableByteStreamController, ReadableStreamDefaultController, TransformStream, TransformStreamDefaultController,
  WritableStream, WritableStreamDefaultWriter, WritableStreamDefaultController, ByteLengthQueuingStrategy,
  CountQueuingStrategy, TextEncoderStream, TextDecoderStream, CompressionStream, DecompressionStream,
};
