// Runs the cases of tests/wpt/encoding.json (derived from WPT's encoding/
// tests, see tests/wpt/README.md) against TextEncoder and TextDecoder.
// Cases are counted the way the WPT files count their test() calls.

import data from "../wpt/encoding.json";
import { Suite, assertArrayEquals, assertEquals, assertThrows, assertTrue, report } from "./wpt_harness.ts";

type Str = string | { units: number[] };
const str = (v: Str): string => (typeof v === "string" ? v : String.fromCharCode(...v.units));

interface Step {
  bytes?: number[];
  stream: boolean;
  expect?: Str;
  notExpect?: Str;
  throws?: string;
  view?: string;
  thenOverwrite?: number[];
}

interface DecodeCase {
  name: string;
  source: string;
  label: string;
  fatal: boolean;
  ignoreBOM: boolean;
  steps: Step[];
}

const VIEWS: Record<string, (b: Uint8Array) => ArrayBuffer | ArrayBufferView> = {
  Uint8Array: (b) => b,
  ArrayBuffer: (b) => b.buffer as ArrayBuffer,
  DataView: (b) => new DataView(b.buffer),
  Int8Array: (b) => new Int8Array(b.buffer),
  Uint8ClampedArray: (b) => new Uint8ClampedArray(b.buffer),
};

const labels = new Suite("encoding labels");
for (const enc of data.encodings) {
  for (const label of enc.labels) {
    if (enc.name === "replacement") {
      // api-replacement-encodings.any.js
      labels.test(`Label for "replacement" should be rejected by API: ${label}`, () => {
        assertThrows(RangeError, () => new TextDecoder(label));
      });
      continue;
    }
    // textdecoder-labels.any.js
    labels.test(`${label} => ${enc.name}`, () => {
      assertEquals(new TextDecoder(label).encoding, enc.name, "encoding");
      assertEquals(new TextDecoder(label.toUpperCase()).encoding, enc.name, "upper-case label");
      for (const ws of data.labelWhitespace) {
        assertEquals(new TextDecoder(ws + label).encoding, enc.name, "leading whitespace");
        assertEquals(new TextDecoder(label + ws).encoding, enc.name, "trailing whitespace");
        assertEquals(new TextDecoder(ws + label + ws).encoding, enc.name, "surrounding whitespace");
      }
    });
  }
}
// api-invalid-label.any.js and api-legacy-utf-labels.any.js
const invalid: string[] = [...data.invalidLabels];
for (const enc of data.encodings) {
  for (const label of enc.labels) {
    for (const ws of data.invalidLabelWhitespace) invalid.push(ws + label, label + ws, ws + label + ws);
  }
}
for (const input of invalid) {
  labels.test(`Invalid label ${JSON.stringify(input)} should be rejected by TextDecoder`, () => {
    assertThrows(RangeError, () => new TextDecoder(input));
  });
}

const decoding = new Suite("encoding decode");
for (const c of data.decode as DecodeCase[]) {
  decoding.test(`${c.source}: ${c.name}`, () => {
    const decoder = new TextDecoder(c.label, { fatal: c.fatal, ignoreBOM: c.ignoreBOM });
    assertEquals(decoder.fatal, c.fatal, "fatal");
    assertEquals(decoder.ignoreBOM, c.ignoreBOM, "ignoreBOM");
    c.steps.forEach((s, i) => {
      const bytes = s.bytes === undefined ? undefined : new Uint8Array(s.bytes);
      const input = bytes === undefined ? undefined : VIEWS[s.view ?? "Uint8Array"]!(bytes);
      const run = () => (input === undefined && !s.stream ? decoder.decode() : decoder.decode(input, { stream: s.stream }));
      if (s.throws !== undefined) {
        assertThrows(TypeError, run);
        return;
      }
      const out = run();
      if (s.expect !== undefined) assertEquals(out, str(s.expect), `step ${i}`);
      if (s.notExpect !== undefined) assertTrue(out !== str(s.notExpect), `step ${i}: output differs from ${JSON.stringify(str(s.notExpect))}`);
      if (s.thenOverwrite !== undefined && bytes !== undefined) bytes.set(s.thenOverwrite);
    });
  });
}

// textdecoder-streaming.any.js: every window size, chunk by chunk.
for (const c of data.streaming) {
  decoding.test(c.name, () => {
    const decoder = new TextDecoder(c.label);
    let out = "";
    for (let i = 0; i < c.bytes.length; i += c.window) {
      out += decoder.decode(new Uint8Array(c.bytes.slice(i, i + c.window)), { stream: true });
    }
    out += decoder.decode();
    assertEquals(out, c.expect, "decoded");
  });
}

// textdecoder-fatal-single-byte.any.js
for (const { encoding, bad } of data.singleByteFatal) {
  for (let i = 0; i < 256; i++) {
    if (bad.includes(i)) {
      decoding.test(`Throw due to fatal flag: ${encoding} doesn't have a pointer ${i}`, () => {
        assertThrows(TypeError, () => new TextDecoder(encoding, { fatal: true }).decode(new Uint8Array([i])));
      });
    } else {
      decoding.test(`Not throw: ${encoding} has a pointer ${i}`, () => {
        assertEquals(typeof new TextDecoder(encoding, { fatal: true }).decode(new Uint8Array([i])), "string", "type");
      });
    }
  }
}

// TextDecoder basics (api-basics.any.js, textdecoder-fatal.any.js).
decoding.test("Default encodings", () => {
  assertEquals(new TextEncoder().encoding, "utf-8", "TextEncoder encoding");
  assertEquals(new TextDecoder().encoding, "utf-8", "TextDecoder encoding");
});
decoding.test("Default inputs", () => {
  assertEquals(new TextEncoder().encode().length, 0, "encode() length");
  assertEquals(new TextDecoder().decode(), "", "decode()");
  assertEquals(new TextDecoder().decode(undefined), "", "decode(undefined)");
  assertThrows(TypeError, () => new TextDecoder().decode(null as unknown as undefined));
});
decoding.test("The fatal attribute of TextDecoder", () => {
  assertTrue("fatal" in new TextDecoder(), "fatal exists");
  assertEquals(new TextDecoder().fatal, false, "default");
  assertEquals(new TextDecoder("utf-8", { fatal: true }).fatal, true, "set");
});
decoding.test("The ignoreBOM attribute of TextDecoder", () => {
  assertEquals(new TextDecoder().ignoreBOM, false, "default");
  assertEquals(new TextDecoder("utf-8", { ignoreBOM: true }).ignoreBOM, true, "set");
});

const encoding = new Suite("encoding encode");
// api-surrogates-utf8.any.js, api-basics.any.js
for (const c of data.encode) {
  encoding.test(`${c.source}: ${c.name}`, () => {
    const input = str(c.input as Str);
    const encoded = new TextEncoder().encode(input);
    assertArrayEquals(encoded, c.expect, "encoded");
    assertTrue(encoded instanceof Uint8Array, "encode() returns a Uint8Array");
  });
}
// encodeInto.any.js
for (const c of data.encodeInto) {
  const input = str(c.input as Str);
  encoding.test(`encodeInto() with ${JSON.stringify(input)} and buffer size ${c.bufferSize}`, () => {
    const buffer = new ArrayBuffer(c.bufferSize);
    const view = new Uint8Array(buffer);
    const result = new TextEncoder().encodeInto(input, view);
    assertEquals(result.read, c.read, "read");
    assertEquals(result.written, c.written.length, "written");
    for (let i = 0; i < c.bufferSize; i++) assertEquals(view[i], i < c.written.length ? c.written[i] : 0, `byte ${i}`);
  });
}
const CTORS: Record<string, new (b: ArrayBuffer) => unknown> = {
  DataView, Int8Array, Int16Array, Int32Array, Uint16Array, Uint32Array, Uint8ClampedArray, Float32Array, Float64Array,
};
for (const name of data.encodeIntoInvalidDestinations) {
  encoding.test(`Invalid encodeInto() destination: ${name}`, () => {
    assertThrows(TypeError, () => new TextEncoder().encodeInto("", new CTORS[name]!(new ArrayBuffer(0)) as Uint8Array));
  });
}

report([labels, decoding, encoding]);
