//! Howth.file and Howth.write (docs/files.md): the lazy file object's API,
//! and `new Response(Howth.file(p))` answered over a real socket with the
//! static-file semantics (Content-Type, HEAD, Range → 206/416, ETag and
//! Last-Modified → 304, a missing file → 404).

mod common;

use std::io::Write;

use common::{read_response_for, run, Response, Server, TempScript};

/// A deterministic, incompressible-looking 300 KiB: bigger than one read.
fn binary() -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..300 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn the_file_object_reads_slices_streams_and_writes() {
    let script = TempScript::new(
        "file.ts",
        r#"
const f = Howth.file(Howth.args[0] + "/a.txt");
const out: unknown[] = [];
out.push(f.name.endsWith("/a.txt"), f.type, f.size, f.lastModified > 1e12, await f.exists());
out.push(await f.text(), await f.slice(6, 11).text(), await f.slice(-4).text(), await f.slice(6).slice(0, 5).text());
out.push((await f.json().catch((e: Error) => e.name)));
out.push((await f.bytes()).constructor.name, (await f.arrayBuffer()).byteLength);
let streamed = "";
for await (const c of f.stream()) streamed += new TextDecoder().decode(c);
out.push(streamed);
const missing = Howth.file(Howth.args[0] + "/nope.json");
out.push(await missing.exists(), missing.type, missing.size, await missing.text().catch((e: any) => e.code));
out.push(Howth.file(Howth.args[0]).size > 0, await Howth.file(Howth.args[0]).exists());
out.push(await Howth.write(Howth.args[0] + "/w.bin", new Uint8Array([1, 2, 3])));
out.push((await Howth.file(Howth.args[0] + "/w.bin").bytes()).join());
out.push(await Howth.write(Howth.file(Howth.args[0] + "/copy.txt"), f), await Howth.file(Howth.args[0] + "/copy.txt").text());
out.push(await Howth.write(Howth.args[0] + "/r.txt", new Response("from a response")));
out.push(await new Response(Howth.file(Howth.args[0] + "/r.txt")).text());
out.push(new Response(Howth.file(Howth.args[0] + "/x.png")).headers.get("content-type"));
out.push(Howth.file("/x/y.JSON").type, Howth.file("/x/.env").type, Howth.file("/x/y.bin", { type: "Text/X" }).type);
try { Howth.file(""); } catch (e) { out.push((e as Error).name); }
console.log(JSON.stringify(out));
"#,
    );
    script.add("a.txt", "hello world 0123456789\n");
    let dir = script.dir.to_str().unwrap();
    let out = run(&script.path, &[dir]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = concat!(
        r#"[true,"text/plain;charset=utf-8",23,true,true,"#,
        r#""hello world 0123456789\n","world","789\n","world","SyntaxError","Uint8Array",23,"#,
        r#""hello world 0123456789\n",false,"application/json;charset=utf-8",0,"ENOENT","#,
        r#"true,false,3,"1,2,3",23,"hello world 0123456789\n",15,"from a response","image/png","#,
        r#""application/json;charset=utf-8","application/octet-stream","text/x","TypeError"]"#,
    );
    assert_eq!(stdout.trim(), expected);
}

const SERVER: &str = r#"
const dir = Howth.env.FILE_DIR!;
export default {
  fetch(req: Request) {
    const p = new URL(req.url).pathname;
    if (p === "/missing") return new Response(Howth.file(dir + "/gone.bin"));
    if (p === "/teapot") return new Response(Howth.file(dir + "/a.txt"), { status: 418, headers: { "x-kind": "tea" } });
    if (p === "/slice") return new Response(Howth.file(dir + "/a.txt").slice(6, 11));
    if (p === "/plain") return { body: Howth.file(dir + "/a.txt") } as any;
    return new Response(Howth.file(dir + p));
  },
};
"#;

fn request(server: &Server, raw: &str, head: bool) -> Response {
    let mut s = server.connect();
    s.write_all(raw.as_bytes()).unwrap();
    read_response_for(&mut s, head).expect("a response")
}

fn get(server: &Server, path: &str, headers: &str) -> Response {
    request(
        server,
        &format!("GET {path} HTTP/1.1\r\nHost: t\r\n{headers}\r\n"),
        false,
    )
}

#[test]
fn a_file_response_has_static_file_semantics_over_a_socket() {
    let script = TempScript::new("server.ts", SERVER);
    let data = binary();
    std::fs::write(script.dir.join("data.png"), &data).unwrap();
    script.add("a.txt", "hello world 0123456789\n");
    let server = Server::start_with(&script.path, &[], &[("FILE_DIR", script.dir.to_str().unwrap())]);

    let full = get(&server, "/data.png", "");
    assert_eq!(full.status, 200);
    assert!(full.body == data, "the body is the file, byte for byte");
    assert_eq!(full.header("content-type"), Some("image/png"));
    assert_eq!(full.header("accept-ranges"), Some("bytes"));
    let etag = full.header("etag").expect("an ETag").to_string();
    let modified = full.header("last-modified").expect("a Last-Modified").to_string();

    let head = request(&server, "HEAD /data.png HTTP/1.1\r\nHost: t\r\n\r\n", true);
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(data.len().to_string().as_str())
    );
    // The connection carries no body after a HEAD: the next response parses.
    let mut s = server.connect();
    s.write_all(b"HEAD /a.txt HTTP/1.1\r\nHost: t\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    assert_eq!(
        read_response_for(&mut s, true).unwrap().header("content-length"),
        Some("23")
    );
    assert_eq!(
        read_response_for(&mut s, false).unwrap().text(),
        "hello world 0123456789\n"
    );

    let part = get(&server, "/data.png", "Range: bytes=1000-1999\r\n");
    assert_eq!(part.status, 206);
    assert_eq!(
        part.header("content-range"),
        Some(format!("bytes 1000-1999/{}", data.len()).as_str())
    );
    assert!(part.body == data[1000..2000]);
    let tail = get(&server, "/data.png", "Range: bytes=-10\r\n");
    assert_eq!(tail.status, 206);
    assert!(tail.body == data[data.len() - 10..]);
    let open = get(&server, "/a.txt", "Range: bytes=12-\r\n");
    assert_eq!((open.status, open.text().as_str()), (206, "0123456789\n"));
    let past = get(&server, "/a.txt", "Range: bytes=23-30\r\n");
    assert_eq!(past.status, 416);
    assert_eq!(past.header("content-range"), Some("bytes */23"));
    // Several ranges, another unit or a malformed one: the whole file.
    for h in ["bytes=0-1,4-5", "items=0-1", "bytes=5-2", "bytes=x"] {
        let r = get(&server, "/a.txt", &format!("Range: {h}\r\n"));
        assert_eq!((r.status, r.body.len()), (200, 23), "{h}");
    }
    // If-Range with another validator: the Range is ignored.
    let stale = get(&server, "/a.txt", "Range: bytes=0-1\r\nIf-Range: \"other\"\r\n");
    assert_eq!(stale.status, 200);

    let cached = get(&server, "/data.png", &format!("If-None-Match: {etag}\r\n"));
    assert_eq!(cached.status, 304);
    assert_eq!(cached.header("etag"), Some(etag.as_str()));
    assert_eq!(
        get(
            &server,
            "/data.png",
            &format!("If-None-Match: \"x\", W/{etag}\r\n")
        )
        .status,
        304
    );
    assert_eq!(get(&server, "/data.png", "If-None-Match: \"x\"\r\n").status, 200);
    assert_eq!(
        get(
            &server,
            "/data.png",
            &format!("If-Modified-Since: {modified}\r\n")
        )
        .status,
        304
    );
    assert_eq!(
        get(
            &server,
            "/data.png",
            "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
        )
        .status,
        200
    );
    // If-None-Match decides when both are sent (RFC 9110 §13.2.2).
    let both = get(
        &server,
        "/data.png",
        &format!("If-None-Match: \"x\"\r\nIf-Modified-Since: {modified}\r\n"),
    );
    assert_eq!(both.status, 200);

    let missing = get(&server, "/missing", "");
    assert_eq!((missing.status, missing.text().as_str()), (404, "Not Found"));
    let dir = get(&server, "/", "");
    assert_eq!(dir.status, 404, "a directory is not a file");
    let teapot = get(&server, "/teapot", "Range: bytes=0-1\r\n");
    assert_eq!((teapot.status, teapot.body.len()), (418, 23));
    assert_eq!(teapot.header("x-kind"), Some("tea"));
    assert_eq!(teapot.header("content-type"), Some("text/plain;charset=utf-8"));
    assert_eq!(get(&server, "/slice", "").text(), "world");
    assert_eq!(get(&server, "/plain", "").text(), "hello world 0123456789\n");
    // The server stayed up through all of it.
    assert_eq!(get(&server, "/a.txt", "").status, 200);
}
