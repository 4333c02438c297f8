//! Howth embedded in a Rust program: the program owns an inventory and
//! hands it to a TypeScript handler through host functions.
//!
//! ```text
//! cargo run --release --example embed            # then:
//! curl http://127.0.0.1:3000/items/apple
//! curl -X POST http://127.0.0.1:3000/items/apple/take
//! curl http://127.0.0.1:3000/report
//! ```
//!
//! PORT picks another port (0 for any free one). Ctrl-C ends it.
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use howth::{HostValue, Howth};
use serde_json::json;

/// The TypeScript side: routes requests to the host's functions.
// [docs:app]
const APP: &str = r#"
export default {
  async fetch(req: Request): Promise<Response> {
    const [, kind, name, action] = new URL(req.url).pathname.split("/");
    if (kind === "items" && name && req.method === "GET") {
      // Sync: runs on this worker's loop thread, returns the value.
      const item = Howth.ops.item(name);
      return item === null ? new Response("no such item\n", { status: 404 }) : Response.json(item);
    }
    if (kind === "items" && name && action === "take" && req.method === "POST") {
      try {
        return Response.json(Howth.ops.take(name));
      } catch (e) {
        // The host's Err(message) arrives as an Error.
        return new Response(`${(e as Error).message}\n`, { status: 409 });
      }
    }
    if (kind === "report") {
      // Async: runs on a host thread; the promise settles on the loop.
      const report = await Howth.ops.report();
      return new Response(report, { headers: { "content-type": "text/plain" } });
    }
    return new Response("try /items/apple, POST /items/apple/take or /report\n", { status: 404 });
  },
};
"#;
// [/docs:app]

fn main() {
    let stock: Arc<Mutex<BTreeMap<String, u32>>> = Arc::new(Mutex::new(BTreeMap::from([
        ("apple".to_string(), 3),
        ("pear".to_string(), 1),
    ])));
    let port = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);

    // [docs:builder]
    let (for_item, for_take, for_report) = (stock.clone(), stock.clone(), stock.clone());
    let server = Howth::builder()
        .source("inventory.ts", APP)
        .port(port)
        .hostname("127.0.0.1")
        .function("item", move |args| {
            let name = args.first().and_then(HostValue::as_str).ok_or("item(name)")?;
            let stock = for_item.lock().map_err(|e| e.to_string())?;
            Ok(match stock.get(name) {
                Some(left) => json!({ "name": name, "left": left }).into(),
                None => HostValue::Null,
            })
        })
        .function("take", move |args| {
            let name = args.first().and_then(HostValue::as_str).ok_or("take(name)")?;
            let mut stock = for_take.lock().map_err(|e| e.to_string())?;
            match stock.get_mut(name) {
                Some(left) if *left > 0 => {
                    *left -= 1;
                    Ok(json!({ "name": name, "left": *left }).into())
                }
                Some(_) => Err(format!("{name} is sold out")),
                None => Err(format!("no such item: {name}")),
            }
        })
        .async_function("report", move |_| {
            // Pretend this is slow (a database, a file): it does not hold
            // up the server, because it runs on a host thread.
            std::thread::sleep(Duration::from_millis(20));
            let stock = for_report.lock().map_err(|e| e.to_string())?;
            Ok(stock
                .iter()
                .map(|(name, left)| format!("{name}: {left}\n"))
                .collect::<String>()
                .into())
        })
        .start();
    // [/docs:builder]
    let server = match server {
        Ok(server) => server,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(e.exit_code());
        }
    };
    println!(
        "inventory served at http://127.0.0.1:{}/items/apple",
        server.port()
    );
    if let Err(e) = server.wait() {
        eprintln!("{e}");
        std::process::exit(e.exit_code());
    }
}
