//! The Postgres codec against a real server (Debian's `postgresql`):
//! a fresh cluster per test in a temporary directory, with SCRAM, md5,
//! cleartext-password and trust users, checked with `psql` too.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::db::{postgres, Postgres, SUPERUSER_PASSWORD};
use common::DEADLINE;
use howth_protocols::postgres::{
    read_ssl_response, write_cancel_request, write_ssl_request, Config, Connection, Error, Event, QueryId,
    QueryResult, TransactionStatus, Value,
};

impl Postgres {
    fn connect(&self, user: &str, password: Option<&str>) -> Conn {
        let stream = TcpStream::connect(("127.0.0.1", self.server.port)).unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut conn = Connection::new(Config {
            user: user.into(),
            password: password.map(Into::into),
            database: Some("postgres".into()),
            application_name: Some("howth-protocols-test".into()),
            params: Vec::new(),
            tls_server_end_point: None,
        });
        conn.start();
        Conn {
            stream,
            conn,
            writes: 0,
        }
    }

    fn superuser(&self) -> Conn {
        let mut c = self.connect("postgres", Some(SUPERUSER_PASSWORD));
        c.wait_ready().expect("the superuser logs in");
        c
    }
}

/// A blocking driver: what the loop does, one socket at a time.
struct Conn {
    stream: TcpStream,
    conn: Connection,
    writes: usize,
}

impl Conn {
    fn flush(&mut self) {
        let mut out = Vec::new();
        self.conn.take_output(&mut out);
        if !out.is_empty() {
            self.stream.write_all(&out).unwrap();
            self.writes += 1;
        }
    }

    fn next_event(&mut self) -> Event {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            if let Some(event) = self.conn.poll_event() {
                return event;
            }
            self.flush();
            match self.stream.read(&mut buf) {
                // A lost connection reports itself once (Failed); waiting
                // for more from a dead socket would spin.
                Ok(0) | Err(_) if self.conn.is_failed() => panic!("connection closed"),
                Ok(0) | Err(_) => self.conn.connection_lost(),
                Ok(n) => self.conn.receive(&buf[..n]),
            }
        }
    }

    fn wait_ready(&mut self) -> Result<(), Error> {
        match self.next_event() {
            Event::Ready => Ok(()),
            Event::Failed(e) => Err(e),
            other => panic!("unexpected {other:?}"),
        }
    }

    fn result(&mut self, id: QueryId) -> Result<QueryResult, Error> {
        loop {
            match self.next_event() {
                Event::Complete { id: got, result } => {
                    assert_eq!(got, id, "results come in query order");
                    return result;
                }
                Event::Notice(_) | Event::Ready => {}
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn query(&mut self, sql: &str, params: &[Option<&str>]) -> Result<QueryResult, Error> {
        let params: Vec<Option<&[u8]>> = params.iter().map(|p| p.map(str::as_bytes)).collect();
        let id = self.conn.query(sql, &params);
        self.result(id)
    }

    fn values(&mut self, sql: &str) -> Vec<Value> {
        let result = self.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}"));
        result.rows[0].values().unwrap()
    }
}

fn server_error(result: Result<QueryResult, Error>) -> howth_protocols::postgres::ServerError {
    match result {
        Err(Error::Server(e)) => *e,
        other => panic!("expected a server error, got {other:?}"),
    }
}

#[test]
fn every_authentication_method() {
    let pg = postgres();
    for (user, password) in [
        ("postgres", Some(SUPERUSER_PASSWORD)),
        ("trustuser", None),
        ("clearuser", Some("clear pw")),
        ("md5user", Some("md5 pw")),
    ] {
        let mut c = pg.connect(user, password);
        c.wait_ready().unwrap_or_else(|e| panic!("{user}: {e}"));
        assert_eq!(c.values("select current_user"), [Value::Text(user.into())]);
        assert!(c.conn.backend_key().is_some());
        assert!(c.conn.parameter("server_version").is_some());
    }
    for user in ["postgres", "clearuser", "md5user"] {
        let e = pg.connect(user, Some("wrong")).wait_ready().unwrap_err();
        assert!(
            matches!(&e, Error::Server(s) if s.code == "28P01" && s.severity == "FATAL"),
            "{user}: {e:?}"
        );
        assert!(
            matches!(pg.connect(user, None).wait_ready(), Err(Error::Auth(_))),
            "{user} without a password"
        );
    }
}

#[test]
fn pipelined_queries_go_out_in_one_write_and_land_in_the_table() {
    let pg = postgres();
    let mut c = pg.superuser();
    c.query(
        "create table items (id int primary key, name text, tags jsonb)",
        &[],
    )
    .unwrap();
    let writes = c.writes;
    let ids: Vec<_> = (0..200)
        .map(|i| {
            let (id, name) = (i.to_string(), format!("item '{i}'"));
            let params: [Option<&[u8]>; 3] =
                [Some(id.as_bytes()), Some(name.as_bytes()), Some(br#"["a", "b"]"#)];
            c.conn.query("insert into items values ($1, $2, $3)", &params)
        })
        .collect();
    for id in ids {
        let done = c.result(id).unwrap();
        assert_eq!((done.tag.as_str(), done.affected()), ("INSERT 0 1", Some(1)));
    }
    assert_eq!(c.writes - writes, 1, "200 queries, one write");
    assert_eq!(
        pg.psql("select count(*), max(name), min(tags->>1) from items"),
        "200|item '99'|b"
    );
    let result = c
        .query(
            "select id, name from items where id = any($1) order by id",
            &[Some("{3,1,2}")],
        )
        .unwrap();
    let names: Vec<_> = result.rows.iter().map(|r| r.value(1).unwrap()).collect();
    assert_eq!(
        names,
        ["item '1'", "item '2'", "item '3'"].map(|n| Value::Text(n.into()))
    );
    assert_eq!(
        result.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["id", "name"]
    );
}

#[test]
fn values_are_typed_by_oid() {
    let pg = postgres();
    let mut c = pg.superuser();
    let values = c.values(
        "select true, 32767::int2, '-2147483648'::int4, 9223372036854775807::int8, 1.5::float4, \
         'NaN'::float8, 123456789012345678901234567890.5::numeric, 'tëxt'::varchar, 'c'::char(3), \
         '{\"a\": [1, null]}'::jsonb, '\\x00ff'::bytea, '2024-02-29'::date, \
         '2024-02-29 12:34:56.789'::timestamp, '2024-02-29 18:04:56.789+05:30'::timestamptz, \
         'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, array[1, null, 3]::int4[], \
         array[['a', 'b c'], ['\"q\"', null]]::text[], null::int4, 'infinity'::timestamptz",
    );
    let micros = 1_709_210_096_789_000;
    let expected = [
        Value::Bool(true),
        Value::Int(32767),
        Value::Int(-2_147_483_648),
        Value::Int(i64::MAX),
        Value::Float(1.5),
        Value::Float(f64::NAN),
        Value::Numeric("123456789012345678901234567890.5".into()),
        Value::Text("tëxt".into()),
        Value::Text("c  ".into()),
        Value::Json(r#"{"a": [1, null]}"#.into()),
        Value::Bytea(vec![0, 255]),
        Value::Date(19_782),
        Value::Timestamp(micros),
        Value::TimestampTz(micros),
        Value::Uuid([
            0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11,
        ]),
        Value::Array(vec![Value::Int(1), Value::Null, Value::Int(3)]),
        Value::Array(vec![
            Value::Array(vec![Value::Text("a".into()), Value::Text("b c".into())]),
            Value::Array(vec![Value::Text("\"q\"".into()), Value::Null]),
        ]),
        Value::Null,
        Value::TimestampTz(i64::MAX),
    ];
    assert_eq!(values.len(), expected.len());
    for (i, (got, want)) in values.iter().zip(&expected).enumerate() {
        match (got, want) {
            (Value::Float(g), Value::Float(w)) if w.is_nan() => assert!(g.is_nan(), "column {i}: {got:?}"),
            _ => assert_eq!(got, want, "column {i}"),
        }
    }
    // The server agrees on the instants and the day count.
    assert_eq!(
        pg.psql("select extract(epoch from '2024-02-29 18:04:56.789+05:30'::timestamptz) * 1000000, '2024-02-29'::date - '1970-01-01'::date"),
        format!("{micros}.000000|19782")
    );
}

#[test]
fn an_error_fails_only_its_query() {
    let pg = postgres();
    let mut c = pg.superuser();
    c.query("create table u (id int primary key)", &[]).unwrap();
    let ok1 = c.conn.query("insert into u values (1)", &[]);
    let dup = c.conn.query("insert into u values (1)", &[]);
    let syntax = c.conn.query("selec 1", &[]);
    let ok2 = c.conn.query("insert into u values (2)", &[]);
    assert!(c.result(ok1).is_ok());
    let e = server_error(c.result(dup));
    assert_eq!((e.code.as_str(), e.severity.as_str()), ("23505", "ERROR"));
    assert_eq!(
        (e.constraint.as_deref(), e.table.as_deref()),
        (Some("u_pkey"), Some("u"))
    );
    assert_eq!(e.detail.as_deref(), Some("Key (id)=(1) already exists."));
    let e = server_error(c.result(syntax));
    assert_eq!((e.code.as_str(), e.position), ("42601", Some(1)));
    assert!(c.result(ok2).is_ok());
    assert_eq!(
        pg.psql("select string_agg(id::text, ',' order by id) from u"),
        "1,2"
    );
    // A wrong parameter is the query's error too.
    let e = server_error(c.query("select $1::int", &[Some("not a number")]));
    assert_eq!(e.code, "22P02");
}

#[test]
fn statements_are_prepared_once_per_connection() {
    let pg = postgres();
    let mut c = pg.superuser();
    for i in 0..3 {
        let n = i.to_string();
        assert_eq!(
            c.query("select $1::int * 2", &[Some(&n)]).unwrap().rows[0]
                .value(0)
                .unwrap(),
            Value::Int(i * 2)
        );
    }
    let prepared =
        c.values("select count(*) from pg_prepared_statements where statement = 'select $1::int * 2'");
    assert_eq!(prepared, [Value::Int(1)]);
    // A statement that failed to prepare is not cached: once the table
    // exists, the same text works.
    assert_eq!(server_error(c.query("select * from later", &[])).code, "42P01");
    c.query("create table later (x int)", &[]).unwrap();
    assert_eq!(c.query("select * from later", &[]).unwrap().tag, "SELECT 0");
}

#[test]
fn transactions_report_their_status() {
    let pg = postgres();
    let mut c = pg.superuser();
    assert_eq!(c.conn.transaction_status(), TransactionStatus::Idle);
    c.query("begin", &[]).unwrap();
    assert_eq!(c.conn.transaction_status(), TransactionStatus::InTransaction);
    server_error(c.query("select 1/0", &[]));
    assert_eq!(c.conn.transaction_status(), TransactionStatus::Failed);
    assert_eq!(server_error(c.query("select 1", &[])).code, "25P02");
    c.query("rollback", &[]).unwrap();
    assert_eq!(c.conn.transaction_status(), TransactionStatus::Idle);
}

#[test]
fn notifications_and_notices_arrive_as_events() {
    let pg = postgres();
    let mut listener = pg.superuser();
    listener.query("listen jobs", &[]).unwrap();
    let mut other = pg.superuser();
    other.query("select pg_notify('jobs', 'payload 1')", &[]).unwrap();
    let pid = other.conn.backend_key().unwrap().0;
    // The notification comes on its own, with no query asked.
    match listener.next_event() {
        Event::Notification {
            process_id,
            channel,
            payload,
        } => {
            assert_eq!(
                (process_id, channel.as_str(), payload.as_str()),
                (pid, "jobs", "payload 1")
            )
        }
        other => panic!("expected a notification, got {other:?}"),
    }
    let id = listener
        .conn
        .query("do $$ begin raise notice 'careful: %', 42; end $$", &[]);
    match listener.next_event() {
        Event::Notice(n) => assert_eq!(
            (n.severity.as_str(), n.message.as_str()),
            ("NOTICE", "careful: 42")
        ),
        other => panic!("expected a notice, got {other:?}"),
    }
    assert!(listener.result(id).is_ok());
}

#[test]
fn a_cancel_request_stops_the_running_query() {
    let pg = postgres();
    let mut c = pg.superuser();
    let id = c.conn.query("select pg_sleep(60)", &[]);
    c.flush();
    // The query must be running before it can be cancelled: wait until
    // the server says so.
    let pid = c.conn.backend_key().unwrap().0;
    let mut watcher = pg.superuser();
    let running = format!("select count(*) from pg_stat_activity where pid = {pid} and state = 'active'");
    while watcher.values(&running) != [Value::Int(1)] {}
    let mut cancel = Vec::new();
    write_cancel_request(c.conn.backend_key().unwrap(), &mut cancel);
    let mut side = TcpStream::connect(("127.0.0.1", pg.server.port)).unwrap();
    side.write_all(&cancel).unwrap();
    assert_eq!(server_error(c.result(id)).code, "57014");
    assert_eq!(
        c.values("select 1"),
        [Value::Int(1)],
        "the connection stays usable"
    );
}

#[test]
fn a_terminated_backend_fails_the_connection() {
    let pg = postgres();
    let mut c = pg.superuser();
    let pid = c.conn.backend_key().unwrap().0;
    pg.psql(&format!("select pg_terminate_backend({pid})"));
    let id = c.conn.query("select 1", &[]);
    loop {
        match c.next_event() {
            Event::Failed(e) => {
                // FATAL 57P01 when the server's goodbye is read; otherwise
                // the socket's end.
                assert!(
                    matches!(&e, Error::Server(s) if s.code == "57P01") || e == Error::Closed,
                    "{e:?}"
                );
            }
            Event::Complete { id: got, result } => {
                assert_eq!((got, result.unwrap_err()), (id, Error::Closed));
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(c.conn.is_failed());
}

#[test]
fn simple_queries_run_several_statements() {
    let pg = postgres();
    let mut c = pg.superuser();
    let before = c.conn.query("select 1", &[]);
    let id = c
        .conn
        .simple_query("create table m (x int); insert into m values (1), (2); select x from m order by x;");
    let after = c.conn.query("select count(*) from m", &[]);
    assert!(c.result(before).is_ok());
    let Event::SimpleComplete { id: got, result } = c.next_event() else {
        panic!("expected SimpleComplete")
    };
    let results = result.unwrap();
    assert_eq!(got, id);
    let tags: Vec<_> = results.iter().map(|r| r.tag.as_str()).collect();
    assert_eq!(tags, ["CREATE TABLE", "INSERT 0 2", "SELECT 2"]);
    let xs: Vec<_> = results[2].rows.iter().map(|r| r.value(0).unwrap()).collect();
    assert_eq!(xs, [Value::Int(1), Value::Int(2)]);
    assert_eq!(c.result(after).unwrap().rows[0].value(0).unwrap(), Value::Int(2));

    // An empty query is one empty result.
    let id = c.conn.simple_query("");
    let Event::SimpleComplete {
        id: got,
        result: Ok(results),
    } = c.next_event()
    else {
        panic!()
    };
    assert_eq!((got, results.len(), results[0].tag.as_str()), (id, 1, ""));

    // One implicit transaction: the error undoes the insert before it.
    let id = c
        .conn
        .simple_query("insert into m values (3); selec; insert into m values (4)");
    let Event::SimpleComplete {
        id: got,
        result: Err(Error::Server(e)),
    } = c.next_event()
    else {
        panic!("expected a failed SimpleComplete")
    };
    assert_eq!((got, e.code.as_str()), (id, "42601"));
    assert_eq!(pg.psql("select count(*) from m"), "2");
}

#[test]
fn a_server_without_tls_refuses_the_ssl_request_and_the_session_goes_on() {
    let pg = postgres();
    let mut stream = TcpStream::connect(("127.0.0.1", pg.server.port)).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut out = Vec::new();
    write_ssl_request(&mut out);
    stream.write_all(&out).unwrap();
    let mut answer = [0u8];
    stream.read_exact(&mut answer).unwrap();
    assert_eq!(
        read_ssl_response(answer[0]),
        Ok(false),
        "the test server has ssl off"
    );
    // Plain text from here, on the same socket.
    let mut conn = Connection::new(Config {
        user: "postgres".into(),
        password: Some(SUPERUSER_PASSWORD.into()),
        // Channel binding offered but not possible without TLS: SCRAM
        // still succeeds, saying the client could have bound.
        tls_server_end_point: Some(vec![0; 32]),
        ..Config::default()
    });
    conn.start();
    let mut c = Conn {
        stream,
        conn,
        writes: 0,
    };
    c.wait_ready().unwrap();
    assert_eq!(c.values("select 7"), [Value::Int(7)]);
}
