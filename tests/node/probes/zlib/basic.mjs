// node:zlib whole-buffer forms: round trips, headers, levels, errors, and
// the callback forms completing from the worker pool.
import zlib from "node:zlib";
import { gunzipSync, gzipSync } from "zlib";

const text = "hello zlib ".repeat(1000);
const bytes = new Uint8Array(200000).map((_, i) => (i * 7) % 251);
const td = new TextDecoder();
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

const gz = gzipSync(text);
console.log(Array.from(gz.subarray(0, 10)).join(","), gz.length < text.length);
console.log(td.decode(gunzipSync(gz)) === text);
for (const [c, d] of [["deflateSync", "inflateSync"], ["deflateRawSync", "inflateRawSync"], ["gzipSync", "unzipSync"], ["deflateSync", "unzipSync"], ["brotliCompressSync", "brotliDecompressSync"]]) {
  const packed = zlib[c](bytes);
  console.log(c, d, same(zlib[d](packed), bytes), packed.length < bytes.length);
}
for (const level of [0, 1, 9]) {
  const packed = zlib.deflateSync(text, { level });
  console.log("level", level, td.decode(zlib.inflateSync(packed)) === text, packed[0], level === 0 ? packed.length > text.length : packed.length < 200);
}
console.log(td.decode(zlib.inflateSync(zlib.deflateSync(new TextEncoder().encode("bytes in")).buffer)));
console.log(zlib.constants.Z_BEST_COMPRESSION, zlib.constants.BROTLI_PARAM_QUALITY, zlib.constants.Z_DATA_ERROR);

const attempt = (f) => {
  try {
    f();
    console.log("ok");
  } catch (e) {
    console.log("error", e.code, e.errno, e.message);
  }
};
attempt(() => zlib.inflateSync(new Uint8Array([1, 2, 3, 4, 5])));
attempt(() => zlib.gunzipSync(gz.subarray(0, gz.length - 10)));
attempt(() => zlib.gzipSync(42));
attempt(() => zlib.gzip(text));

await new Promise((resolve) => {
  zlib.gzip(text, (err, out) => {
    console.log("cb gzip", err, td.decode(zlib.gunzipSync(out)) === text);
    zlib.gunzip(out, { level: 1 }, (err2, back) => {
      console.log("cb gunzip", err2, td.decode(back) === text);
      zlib.inflate(new Uint8Array([9, 9, 9]), (err3, r) => {
        console.log("cb inflate", err3.code, err3.errno, err3.message, r);
        resolve();
      });
    });
  });
});
const order = [];
await new Promise((resolve) => {
  const done = (name) => {
    order.push(name);
    if (order.length === 2) resolve();
  };
  zlib.deflate(bytes, () => done("deflate"));
  zlib.brotliCompress(text, (e, out) => {
    console.log("cb brotli", e, td.decode(zlib.brotliDecompressSync(out)) === text);
    done("brotli");
  });
});
console.log(order.sort().join(","));
