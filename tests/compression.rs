//! Howth's compression APIs (docs/compression.md), checked against Node's
//! zlib: what Howth compresses, node decompresses to the same bytes, and
//! what node compresses, Howth decompresses; CompressionStream and
//! DecompressionStream likewise. zstd (not in Node 20) round-trips in
//! Howth and is checked against the `zstd` tool when it is installed.

mod common;

use std::process::Command;

use common::{run, TempScript};

/// Writes each format's output for the same input as JSON (base64), with
/// Howth's APIs (`howth`) or Node's (`node`), and checks the other side's.
/// Plain JavaScript, so that both run the same file.
const CROSS: &str = r#"
const isNode = typeof Howth === "undefined";
const { readFileSync, writeFileSync } = await import("node:fs");
const zlib = await import("node:zlib");
const [mode, dir] = isNode ? process.argv.slice(2) : Howth.args;
// 200 KB: text-like with some noise, past the 64 KiB pool threshold.
let x = 7;
const input = new Uint8Array(200_000);
for (let i = 0; i < input.length; i++) {
  x = (x * 1103515245 + 12345) >>> 0;
  input[i] = i % 7 === 0 ? x >>> 24 : "abcdefgh"[(x >>> 16) & 7].charCodeAt(0);
}
const b64 = (u) => Buffer.from(u).toString("base64");
const unb64 = (s) => new Uint8Array(Buffer.from(s, "base64"));
async function viaStream(format, data, decompress) {
  const Ctor = decompress ? DecompressionStream : CompressionStream;
  const s = new Blob([data]).stream().pipeThrough(new Ctor(format));
  return new Uint8Array(await new Response(s).arrayBuffer());
}
const compress = isNode
  ? {
      gzip: (d) => zlib.gzipSync(d),
      deflate: (d) => zlib.deflateSync(d),
      "deflate-raw": (d) => zlib.deflateRawSync(d),
      br: (d) => zlib.brotliCompressSync(d),
    }
  : {
      gzip: (d) => Howth.gzipSync(d, { level: 9 }),
      deflate: (d) => Howth.deflateSync(d, { windowBits: 15 }),
      "deflate-raw": (d) => Howth.deflateSync(d),
      br: (d) => Howth.brotliCompressSync(d, { level: 5 }),
    };
const decompress = isNode
  ? {
      gzip: (d) => zlib.gunzipSync(d),
      deflate: (d) => zlib.inflateSync(d),
      "deflate-raw": (d) => zlib.inflateRawSync(d),
      br: (d) => zlib.brotliDecompressSync(d),
    }
  : {
      gzip: (d) => Howth.gunzipSync(d),
      deflate: (d) => Howth.inflateSync(d, { windowBits: 15 }),
      "deflate-raw": (d) => Howth.inflateSync(d),
      br: (d) => Howth.brotliDecompressSync(d),
    };
const same = (a) => a.length === input.length && a.every((v, i) => v === input[i]);
const me = isNode ? "node" : "howth";
if (mode === "make") {
  const out = {};
  for (const f of Object.keys(compress)) {
    out[f] = b64(compress[f](input));
    // Node 20's streams know no br; Howth's do.
    if (f !== "br" || !isNode) out["stream-" + f] = b64(await viaStream(f, input, false));
  }
  writeFileSync(`${dir}/${me}.json`, JSON.stringify(out));
  console.log("made");
} else {
  const theirs = JSON.parse(readFileSync(`${dir}/${isNode ? "howth" : "node"}.json`, "utf8"));
  const results = [];
  for (const [k, v] of Object.entries(theirs)) {
    const f = k.replace(/^stream-/, "");
    if (isNode && f === "br" && k.startsWith("stream-")) {
      results.push(`${k}:${same(decompress.br(unb64(v)))}`);
      continue;
    }
    results.push(`${k}:${same(decompress[f](unb64(v)))}`);
    if (f !== "br" || !isNode) results.push(`${k}/stream:${same(await viaStream(f, unb64(v), true))}`);
  }
  console.log(results.sort().join(" "));
}
"#;

fn node(args: &[&str]) -> String {
    let out = Command::new("node")
        .args(args)
        .output()
        .expect("node is installed");
    assert!(
        out.status.success(),
        "node: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn howth(script: &std::path::Path, args: &[&str]) -> String {
    let out = run(script, args);
    assert!(
        out.status.success(),
        "howth: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn node_reads_what_howth_compresses_and_howth_reads_what_node_compresses() {
    let script = TempScript::new("cross.mjs", CROSS);
    let js = &script.path;
    let dir = script.dir.to_str().unwrap();
    assert_eq!(howth(&script.path, &["make", dir]), "made");
    assert_eq!(node(&[js.to_str().unwrap(), "make", dir]), "made");
    let by_node = node(&[js.to_str().unwrap(), "check", dir]);
    let by_howth = howth(&script.path, &["check", dir]);
    assert!(
        !by_node.contains("false") && by_node.matches(":true").count() == 14,
        "node decompressing howth's: {by_node}"
    );
    assert!(
        !by_howth.contains("false") && by_howth.matches(":true").count() == 14,
        "howth decompressing node's: {by_howth}"
    );
}

#[test]
fn zstd_and_bad_input_and_options() {
    let script = TempScript::new(
        "z.ts",
        r#"
const text = "zstd ".repeat(10_000);
const out: unknown[] = [];
const z = Howth.zstdCompressSync(text, { level: 19 });
out.push(z.constructor.name, z.length < 200, new TextDecoder().decode(Howth.zstdDecompressSync(z)) === text);
out.push(new TextDecoder().decode(await Howth.zstdDecompress(await Howth.zstdCompress(text))) === text);
out.push(await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("zstd")).pipeThrough(new DecompressionStream("zstd"))).text() === text);
out.push(await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("br")).pipeThrough(new DecompressionStream("br"))).text() === text);
// Bun's deflateSync is raw deflate unless windowBits asks for a wrapper.
out.push(Howth.deflateSync("a")[0] !== 0x78, Howth.deflateSync("a", { windowBits: 15 })[0], Howth.deflateSync("a", { windowBits: 31 })[0]);
out.push(new TextDecoder().decode(Howth.inflateSync(Howth.gzipSync("via gzip"), { windowBits: 31 })));
out.push(Howth.gzipSync("x", { level: 0 }).length > Howth.gzipSync("x".repeat(50)).length - 40);
for (const bad of [
  () => Howth.zstdDecompressSync("not zstd"),
  () => Howth.gunzipSync("not gzip"),
  () => Howth.inflateSync(new Uint8Array([0xff, 0xff])),
  () => Howth.brotliDecompressSync(new Uint8Array([1, 2, 3, 4])),
  () => Howth.gzipSync("x", { level: 10 }),
  () => Howth.zstdCompressSync("x", { level: 23 }),
  () => Howth.deflateSync("x", { windowBits: 3 }),
  () => Howth.gzipSync(42 as any),
]) {
  try { bad(); out.push("no error"); } catch (e) { out.push((e as Error).name + ":" + (e as Error).message.startsWith("Howth.")); }
}
out.push(await Howth.zstdDecompress("junk").catch((e: any) => e.code));
out.push(await new Response(new Blob(["junk"]).stream().pipeThrough(new DecompressionStream("zstd"))).text().catch((e: Error) => e.name));
try { new CompressionStream("lz4" as any); } catch (e) { out.push((e as Error).name); }
const file = Howth.args[0] + "/t.zst";
await Howth.write(file, Howth.zstdCompressSync(text));
console.log(JSON.stringify(out));
"#,
    );
    let dir = script.dir.to_str().unwrap();
    let out = howth(&script.path, &[dir]);
    assert_eq!(
        out,
        concat!(
            r#"["Uint8Array",true,true,true,true,true,true,120,31,"via gzip",true,"#,
            r#""Error:true","Error:true","Error:true","Error:true","RangeError:true","RangeError:true","#,
            r#""RangeError:true","TypeError:true","ERR_ZSTD_INVALID","TypeError","TypeError"]"#
        )
    );
    // The zstd tool (when installed) reads what Howth wrote.
    if let Ok(z) = Command::new("zstd")
        .args(["-dc", &format!("{dir}/t.zst")])
        .output()
    {
        if z.status.success() {
            assert_eq!(String::from_utf8_lossy(&z.stdout), "zstd ".repeat(10_000));
        }
    }
}
