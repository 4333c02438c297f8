//! AsyncLocalStorage inside a server: requests dispatched in one batch
//! (pipelined in one write, and on several connections at once), each
//! running its handler in `als.run` and awaiting timers, a file read and
//! bare promises, find their own store when they answer. The probes under
//! tests/node/probes/async_hooks/ compare the same behaviour with node
//! outside a server.

mod common;

use std::io::Write;

const SERVER: &str = r#"
import { AsyncLocalStorage } from "node:async_hooks";
import { readFile } from "node:fs/promises";
const als = new AsyncLocalStorage<string>();
const file = new URL(import.meta.url);
export default {
  async fetch(req: Request): Promise<Response> {
    const id = new URL(req.url).searchParams.get("id") ?? "";
    if (id === "") return new Response(`outside:${als.getStore()}`);
    return als.run(id, async () => {
      await new Promise((r) => setTimeout(r, Number(id) % 7));
      await null;
      const mid = als.getStore();
      await readFile(file);
      await new Promise((r) => setImmediate(r));
      return new Response(`${id}:${mid}:${als.getStore()}`);
    });
  },
};
"#;

#[test]
fn each_request_keeps_its_store_across_awaits() {
    let server = common::Server::from_source(SERVER);
    // 40 requests in one write: one batch, 40 runs interleaving.
    let mut s = server.connect();
    let mut wire = String::new();
    for i in 0..40 {
        wire.push_str(&format!("GET /?id={i} HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
    s.write_all(wire.as_bytes()).unwrap();
    for i in 0..40 {
        let r = common::read_response(&mut s).expect("a response");
        assert_eq!(r.text(), format!("{i}:{i}:{i}"));
    }
    // Several connections at once, then a request outside any run.
    let threads: Vec<_> = (100..110)
        .map(|i| {
            let port = server.port;
            std::thread::spawn(move || {
                let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
                write!(s, "GET /?id={i} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
                common::read_response(&mut s).expect("a response").text()
            })
        })
        .collect();
    for (i, t) in (100..110).zip(threads) {
        assert_eq!(t.join().unwrap(), format!("{i}:{i}:{i}"));
    }
    assert_eq!(server.get("/").text(), "outside:undefined");
}
