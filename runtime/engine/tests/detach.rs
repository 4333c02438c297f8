//! Detaching an ArrayBuffer (the source of a transfer) across the engine
//! boundary: only a real, detachable ArrayBuffer is detached, whatever a
//! script passes; everything else is told apart by kind, never treated as a
//! buffer; and a detached buffer reads as empty to the ops that copy bytes.
use howth_engine::{Detach, Hooks, Isolate, IsolateOptions, PlatformOptions};

fn isolate() -> Isolate<Vec<u8>> {
    let options = IsolateOptions {
        platform: PlatformOptions {
            flags: "--hash-seed=20261127".into(),
            background_threads: false,
        },
        ..IsolateOptions::default()
    };
    let mut iso = Isolate::new(Vec::new(), &options, Hooks::default());
    iso.set_op("detach", |_, args| {
        let what = match args.detach_array_buffer(0) {
            Detach::Detached => "detached",
            Detach::NotArrayBuffer => "not an ArrayBuffer",
            Detach::NotDetachable => "not detachable",
        };
        args.return_str(what);
    });
    iso.set_op("copyBytes", |out: &mut Vec<u8>, args| {
        out.clear();
        let n = args.append_bytes(0, out);
        args.return_int(n as i32);
    });
    iso
}

fn run(iso: &mut Isolate<Vec<u8>>, src: &str) -> String {
    let ops = iso.ops_object();
    let f = iso
        .eval_script("detach.js", &format!("(ops) => {{ {src} }}"))
        .unwrap();
    let r = iso.call(&f, &[&ops]).unwrap_or_else(|e| panic!("{src}: {e}"));
    iso.to_string(&r)
}

#[test]
fn an_array_buffer_and_its_views_are_emptied() {
    let mut iso = isolate();
    let out = run(
        &mut iso,
        r#"const b = new ArrayBuffer(8);
        const u = new Uint8Array(b, 2, 4);
        const d = new DataView(b);
        u[0] = 7;
        const r = ops.detach(b);
        const throws = (f) => { try { f(); return "no"; } catch (e) { return e.constructor.name; } };
        return [r, b.byteLength, u.length, u.byteOffset, u[0], throws(() => d.byteLength),
          throws(() => new Uint8Array(b)), ops.copyBytes(u), ops.copyBytes(b)].join();"#,
    );
    assert_eq!(out, "detached,0,0,0,,TypeError,TypeError,0,0");
    assert!(
        iso.state().is_empty(),
        "no bytes were read from a detached buffer"
    );
}

#[test]
fn values_that_are_no_array_buffer_are_refused_by_kind() {
    let mut iso = isolate();
    let out = run(
        &mut iso,
        r#"const fake = Object.create(ArrayBuffer.prototype);
        const proxy = new Proxy(new ArrayBuffer(4), {});
        const values = [new SharedArrayBuffer(4), new Uint8Array(4), new DataView(new ArrayBuffer(2)), fake, proxy, 4, "ab", null, undefined, {}];
        const results = values.map((v) => ops.detach(v));
        results.push(ops.detach());
        return results.join("|");"#,
    );
    assert_eq!(out, ["not an ArrayBuffer"; 11].join("|"));
}

#[test]
fn a_detached_or_wasm_memory_buffer_is_not_detachable() {
    let mut iso = isolate();
    let out = run(
        &mut iso,
        r#"const b = new ArrayBuffer(2);
        const first = ops.detach(b);
        const again = ops.detach(b);
        const memory = new WebAssembly.Memory({ initial: 1 });
        const wasm = ops.detach(memory.buffer);
        return [first, again, wasm, memory.buffer.byteLength].join();"#,
    );
    assert_eq!(out, "detached,not detachable,not detachable,65536");
}
