//! A panic in an op is a JavaScript exception, not the end of the process
//! (issue 19). The built (release) binary runs with HOWTH_TEST_PANIC_OP=1,
//! which adds an op that panics; before the engine caught panics at the
//! trampoline, the first call aborted the process and dropped every
//! connection.
mod common;

use std::io::Write;

use common::*;

const SERVER: &str = r#"
const server = Howth.serve({ port: 0, hostname: "127.0.0.1" }, (req) => {
  const p = new URL(req.url).pathname;
  if (p === "/panic") Howth.testPanic("boom in a request");
  if (p === "/caught") {
    try { Howth.testPanic("caught boom"); } catch (e) { return new Response(`caught: ${e instanceof Error} ${e.message}`); }
  }
  return new Response("alive");
});
console.log(`Listening on http://127.0.0.1:${server.port}/`);
"#;

fn server() -> (Server, TempScript) {
    let script = TempScript::new("panic.ts", SERVER);
    let server = Server::start_with(&script.path, &[], &[("HOWTH_TEST_PANIC_OP", "1")]);
    (server, script)
}

#[test]
fn a_panicking_op_is_a_500_and_the_server_stays_up() {
    let (server, _script) = server();
    // A connection opened before the panic must survive it.
    let mut before = server.connect();
    assert_eq!(server.get("/panic").status, 500);
    write!(before, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let r = read_response(&mut before).expect("the old connection still answers");
    assert_eq!((r.status, r.text().as_str()), (200, "alive"));
    assert_eq!(server.get("/panic").status, 500);
    assert_eq!(server.get("/").text(), "alive");

    // One stderr line per panic, naming the op and the message (the
    // server then logs the handler's exception, as for any other).
    let stderr = server.stderr();
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("howth: ")).collect();
    assert_eq!(lines.len(), 2, "stderr:\n{stderr}");
    assert!(
        lines[0].starts_with("howth: ops.testPanic panicked: boom in a request at "),
        "stderr:\n{stderr}"
    );
    // The default hook's multi-line report (and backtrace hint) is held back.
    assert!(!stderr.contains("RUST_BACKTRACE"), "stderr:\n{stderr}");
}

#[test]
fn a_panicking_op_throws_an_error_the_script_can_catch() {
    let (server, _script) = server();
    let r = server.get("/caught");
    assert_eq!(r.status, 200);
    assert!(
        r.text()
            .starts_with("caught: true ops.testPanic panicked: caught boom at "),
        "{}",
        r.text()
    );
}

#[test]
fn without_the_variable_there_is_no_panic_op() {
    let script = TempScript::new("probe.ts", "console.log(typeof Howth.testPanic);\n");
    let out = run(&script.path, &[]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "undefined\n");
}
