//! What crosses the engine boundary besides plain arguments: a detached
//! ArrayBuffer (the source of a transfer) and V8's serialisation of a value
//! (BroadcastChannel between workers).
//!
//! Detaching: only a real, detachable ArrayBuffer is detached, whatever a
//! script passes; everything else is told apart by kind, never treated as a
//! buffer; and a detached buffer reads as empty to the ops that copy bytes.
//!
//! Serialising: what one isolate serialises another reads back; what
//! cannot be cloned throws in the script; bytes that are no serialisation
//! (cut short, altered, empty) are an exception, never a read past their
//! end.
use howth_engine::{Detach, Hooks, Isolate};

mod common;

/// An isolate whose state holds bytes. `ops.detach(v)` detaches v and says
/// what happened; `ops.copyBytes(v)` copies a buffer's bytes into the
/// state; `ops.save(v)` serialises v into it and `ops.load(cut, flip)`
/// deserialises it (the first `cut` bytes; `flip` xors 0xff into the byte
/// at that index when it is >= 0).
fn isolate() -> Isolate<Vec<u8>> {
    let mut iso = Isolate::new(Vec::new(), &common::options(), Hooks::default());
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
    iso.set_op("save", |saved: &mut Vec<u8>, args| {
        let mut out = Vec::new();
        if args.serialize(0, &mut out) {
            *saved = out;
            args.return_bool(true);
        } else {
            assert!(out.is_empty(), "nothing written for a value that failed");
        }
    });
    iso.set_op("load", |saved: &mut Vec<u8>, args| {
        let mut b = saved.clone();
        b.truncate(args.int(0).max(0) as usize);
        if let Some(x) = usize::try_from(args.int(1)).ok().and_then(|i| b.get_mut(i)) {
            *x ^= 0xff;
        }
        args.return_deserialized(&b);
    });
    iso
}

fn run(iso: &mut Isolate<Vec<u8>>, src: &str) -> String {
    common::run_with_ops(iso, "transfer.js", src)
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

#[test]
fn a_value_serialised_in_one_isolate_is_read_in_another() {
    let mut a = isolate();
    let mut b = isolate();
    let saved = run(
        &mut a,
        r#"const v = { m: new Map([["k", new Date(0)]]), u: new Uint16Array([1, 65535]), s: new Set([1n]), re: /x/gi };
        v.self = v;
        let getter = 0;
        Object.defineProperty(v, "g", { enumerable: true, get() { getter++; return "got"; } });
        return ops.save(v) + "," + getter;"#,
    );
    assert_eq!(saved, "true,1");
    *b.state() = a.state().clone();
    let out = run(
        &mut b,
        r#"const v = ops.load(1 << 30, -1);
        return [v.self === v, v.m.get("k").getTime(), v.u.constructor.name, v.u[1], [...v.s][0] === 1n, String(v.re), v.g].join();"#,
    );
    assert_eq!(out, "true,0,Uint16Array,65535,true,/x/gi,got");
}

#[test]
fn what_cannot_be_cloned_throws_in_the_script() {
    let mut a = isolate();
    let out = run(
        &mut a,
        r#"return [() => 1, { f() {} }, new SharedArrayBuffer(4), Symbol("s")].map((v) => {
          try { ops.save(v); return "saved"; } catch (e) { return e.constructor.name; }
        }).join();"#,
    );
    assert_eq!(out, "Error,Error,Error,Error");
}

#[test]
fn bytes_that_are_no_serialisation_are_an_exception() {
    let mut a = isolate();
    run(
        &mut a,
        r#"return ops.save({ text: "a string long enough to cut", list: [1, 2, 3], n: 1.5 });"#,
    );
    let len = a.state().len();
    let mut b = isolate();
    *b.state() = a.state().clone();
    // Every prefix, and every single altered byte: a value or an exception.
    let out = run(
        &mut b,
        &format!(
            r#"let threw = 0, read = 0;
            for (let cut = 0; cut < {len}; cut++) {{ try {{ ops.load(cut, -1); read++; }} catch {{ threw++; }} }}
            for (let i = 0; i < {len}; i++) {{ try {{ ops.load({len}, i); read++; }} catch {{ threw++; }} }}
            return [threw > {len}, read + threw, JSON.stringify(ops.load({len}, -1))].join();"#
        ),
    );
    assert_eq!(
        out,
        format!(
            "true,{},{}",
            2 * len,
            r#"{"text":"a string long enough to cut","list":[1,2,3],"n":1.5}"#
        )
    );
}
