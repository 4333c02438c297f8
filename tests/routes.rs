//! `routes` in the serve options (docs/routes.md) over real sockets: params,
//! method maps, static responses, the fetch fallback, 404/405, precedence
//! and backtracking, wildcards, a bad table refused at start.

mod common;

use std::io::Write;

use common::{read_response_for, Response, Server, TempScript};

const APP: &str = r#"
type Routed = Request & { params: Record<string, string> };
const seen = { count: 0 };
export default {
  marker: "the default export",
  routes: {
    "/": new Response("home", { status: 201, headers: { "x-static": "yes", "content-type": "text/x-home" } }),
    "/users/:id": (req: Routed) => Response.json({ id: req.params.id, keys: Object.keys(req.params) }),
    "/users/:id/posts/:post": (req: Routed) => Response.json(req.params),
    "/users/me": () => new Response("literal beats parameter"),
    "/a/b/c": () => new Response("abc"),
    "/a/:x/d": (req: Routed) => new Response("param " + req.params.x),
    "/a/*": (req: Routed) => new Response("wild " + new URL(req.url).pathname),
    "/static/*": () => new Response("static tree"),
    "/about": () => new Response("about"),
    "/items": {
      GET: (req: Routed) => new Response("list " + JSON.stringify(req.params)),
      POST: async (req: Request) => new Response("made " + (await req.text()), { status: 201 }),
    },
    "/async": async () => {
      await new Promise((r) => setTimeout(r, 5));
      return new Response("later");
    },
    "/this": function (this: { marker: string }) {
      return new Response(this.marker);
    },
    "/file": Howth.file(import.meta.dirname + "/page.html"),
  },
  fetch(req: Request & { params?: unknown }) {
    seen.count++;
    return new Response(`fetch ${req.method} ${new URL(req.url).pathname} params=${req.params === undefined ? "unset" : "set"}`, { status: 404 });
  },
};
"#;

fn request(server: &Server, raw: &str, head: bool) -> Response {
    let mut s = server.connect();
    s.write_all(raw.as_bytes()).unwrap();
    read_response_for(&mut s, head).expect("a response")
}

fn get(server: &Server, path: &str) -> (u16, String) {
    let r = server.get(path);
    (r.status, r.text())
}

fn app() -> (Server, TempScript) {
    let script = TempScript::new("routes.ts", APP);
    script.add("page.html", "<p>page</p>");
    let server = Server::start(&script.path);
    (server, script)
}

#[test]
fn params_precedence_and_wildcards() {
    let (server, _script) = app();
    assert_eq!(
        get(&server, "/users/42"),
        (200, r#"{"id":"42","keys":["id"]}"#.into())
    );
    // Percent-decoded, the query is not part of the match.
    assert_eq!(
        get(&server, "/users/a%20b?x=1"),
        (200, r#"{"id":"a b","keys":["id"]}"#.into())
    );
    assert_eq!(
        get(&server, "/users/7/posts/9"),
        (200, r#"{"id":"7","post":"9"}"#.into())
    );
    assert_eq!(get(&server, "/users/me"), (200, "literal beats parameter".into()));
    assert_eq!(get(&server, "/a/b/c"), (200, "abc".into()));
    // The literal branch cannot finish /a/b/d: the parameter branch can.
    assert_eq!(get(&server, "/a/b/d"), (200, "param b".into()));
    assert_eq!(get(&server, "/a/b/e/f"), (200, "wild /a/b/e/f".into()));
    assert_eq!(get(&server, "/static/css/x.css"), (200, "static tree".into()));
    assert_eq!(get(&server, "/static/"), (200, "static tree".into()));
    // Not below /static/, and a trailing slash is another path.
    assert_eq!(
        get(&server, "/static"),
        (404, "fetch GET /static params=unset".into())
    );
    assert_eq!(
        get(&server, "/about/"),
        (404, "fetch GET /about/ params=unset".into())
    );
    assert_eq!(get(&server, "/about"), (200, "about".into()));
    // An empty segment is not a parameter value.
    assert_eq!(
        get(&server, "/users/"),
        (404, "fetch GET /users/ params=unset".into())
    );
}

#[test]
fn static_responses_method_maps_and_handlers() {
    let (server, _script) = app();
    let r = server.get("/");
    assert_eq!(r.status, 201);
    assert_eq!(r.text(), "home");
    assert_eq!(r.header("x-static"), Some("yes"));
    assert_eq!(r.header("content-type"), Some("text/x-home"));
    // The static body is read once: the second answer is the same.
    assert_eq!(server.get("/").text(), "home");

    assert_eq!(get(&server, "/items"), (200, "list {}".into()));
    let r = request(
        &server,
        "POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbolt",
        false,
    );
    assert_eq!((r.status, r.text()), (201, "made bolt".into()));
    // GET answers HEAD: no body, same status.
    let r = request(
        &server,
        "HEAD /items HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        true,
    );
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    // A method the map lacks goes to fetch, which exists here.
    let r = request(
        &server,
        "DELETE /items HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        false,
    );
    assert_eq!(
        (r.status, r.text()),
        (404, "fetch DELETE /items params=unset".into())
    );

    assert_eq!(get(&server, "/async"), (200, "later".into()));
    assert_eq!(get(&server, "/this"), (200, "the default export".into()));
    let r = server.get("/file");
    assert_eq!((r.status, r.text()), (200, "<p>page</p>".into()));
    assert!(
        r.header("content-type").unwrap().starts_with("text/html"),
        "{:?}",
        r.headers
    );
}

#[test]
fn without_fetch_unmatched_is_404_and_a_missing_method_is_405_with_allow() {
    let server = Server::from_source(
        r#"
export default {
  routes: {
    "/only": { GET: () => new Response("got"), PUT: () => new Response("put") },
  },
};
"#,
    );
    assert_eq!(server.get("/only").text(), "got");
    assert_eq!(server.get("/elsewhere").status, 404);
    let r = request(
        &server,
        "POST /only HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        false,
    );
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, PUT, HEAD"));
}

#[test]
fn a_bad_table_is_refused_at_start_with_the_pattern_and_reason() {
    for (routes, want) in [
        (r#"{ "/a/*/b": () => new Response("x") }"#, "/a/*/b"),
        (r#"{ "nope": () => new Response("x") }"#, "nope"),
        (
            r#"{ "/a/:id": () => new Response("x"), "/a/:name/b": () => new Response("y") }"#,
            "/a/:name/b",
        ),
        (r#"{ "/x": 42 }"#, "/x"),
        (r#"{ "/x": { FETCH: () => new Response("x") } }"#, "FETCH"),
    ] {
        let script = TempScript::new("bad.ts", &format!("export default {{ routes: {routes} }};\n"));
        let out = common::run(&script.path, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{routes}: started anyway");
        assert!(stderr.contains(want), "{routes}: {stderr}");
    }
}
