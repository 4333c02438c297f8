//! Arbitrary bytes as a Postgres server's side of a session (startup,
//! authentication, then the responses to eight pipelined queries, extended and simple),
//! received whole and in two pieces: both must give the same events, rows
//! must decode or fail cleanly, and nothing may panic.

#![no_main]

use howth_protocols::postgres::{Config, Connection, Event};
use libfuzzer_sys::fuzz_target;

fn run<'a>(pieces: impl IntoIterator<Item = &'a [u8]>) -> Vec<String> {
    let mut conn = Connection::new(Config { user: "u".into(), password: Some("p".into()), ..Config::default() });
    conn.start();
    for sql in ["select 1", "select $1", "select 1", "begin"] {
        conn.query(sql, &[Some(b"1")]);
        conn.simple_query("select 1; select 2");
    }
    let mut events = Vec::new();
    let mut out = Vec::new();
    for piece in pieces {
        conn.receive(piece);
        while let Some(event) = conn.poll_event() {
            if let Event::Complete { result: Ok(result), .. } = &event {
                for row in &result.rows {
                    let _ = row.values();
                }
            }
            // What SCRAM sends is random; only the events are compared.
            conn.take_output(&mut out);
            events.push(format!("{event:?}"));
        }
    }
    events
}

fuzz_target!(|data: &[u8]| {
    let Some((&split, input)) = data.split_first() else { return };
    let split = usize::from(split) % (input.len() + 1);
    let whole = run([input]);
    let (a, b) = input.split_at(split);
    assert_eq!(run([a, b]), whole);
});
