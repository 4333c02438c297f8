//! Micro-benchmarks of the client codecs' receive paths: what one turn of
//! the loop costs to turn a server's bytes into results.
//!
//! - 1,000 Postgres DataRows (int4, text, jsonb, numeric, timestamptz)
//!   received, parsed into rows and decoded to values;
//! - 1,000 pipelined GETs encoded, and 1,000 RESP bulk replies (100 bytes
//!   each) matched to them and decoded;
//! - a 1 MiB chunked HTTP response body in 16 KiB chunks;
//! - 1,000 masked 32-byte text messages received by a WebSocket server
//!   (unmasked, checked as UTF-8, each an event).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use howth_protocols::{http, postgres, redis, websocket};

const ROWS: usize = 1000;

fn pg_message(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![tag];
    m.extend_from_slice(&(body.len() as u32 + 4).to_be_bytes());
    m.extend_from_slice(body);
    m
}

/// What the server sends for `select id, name, tags, price, created from items`.
fn pg_response() -> Vec<u8> {
    let mut description = 5i16.to_be_bytes().to_vec();
    for (name, type_oid) in [
        ("id", 23u32),
        ("name", 25),
        ("tags", 3802),
        ("price", 1700),
        ("created", 1184),
    ] {
        description.extend_from_slice(name.as_bytes());
        description.push(0);
        description.extend_from_slice(&[0; 6]);
        description.extend_from_slice(&type_oid.to_be_bytes());
        description.extend_from_slice(&[0, 4, 255, 255, 255, 255, 0, 0]);
    }
    let mut out = [
        pg_message(b'1', b""),
        pg_message(b'2', b""),
        pg_message(b'T', &description),
    ]
    .concat();
    for i in 0..ROWS {
        let fields = [
            i.to_string(),
            format!("item number {i}"),
            r#"["red", "large", "sale"]"#.to_string(),
            format!("{i}.99"),
            "2024-02-29 12:34:56.789+00".to_string(),
        ];
        let mut row = (fields.len() as i16).to_be_bytes().to_vec();
        for f in &fields {
            row.extend_from_slice(&(f.len() as i32).to_be_bytes());
            row.extend_from_slice(f.as_bytes());
        }
        out.extend(pg_message(b'D', &row));
    }
    out.extend(pg_message(b'C', b"SELECT 1000\0"));
    out.extend(pg_message(b'Z', b"I"));
    out
}

fn postgres_rows(c: &mut Criterion) {
    let response = pg_response();
    let mut conn = postgres::Connection::new(postgres::Config {
        user: "bench".into(),
        ..Default::default()
    });
    conn.start();
    conn.receive(&[pg_message(b'R', &[0, 0, 0, 0]), pg_message(b'Z', b"I")].concat());
    assert!(matches!(conn.poll_event(), Some(postgres::Event::Ready)));
    let mut out = Vec::new();
    let mut group = c.benchmark_group("postgres");
    group.throughput(criterion::Throughput::Elements(ROWS as u64));
    group.bench_function("1000 DataRows received and decoded", |b| {
        b.iter(|| {
            conn.query("select id, name, tags, price, created from items", &[]);
            out.clear();
            conn.take_output(&mut out);
            conn.receive(black_box(&response));
            let Some(postgres::Event::Complete {
                result: Ok(result), ..
            }) = conn.poll_event()
            else {
                panic!()
            };
            let mut decoded = 0;
            for row in &result.rows {
                decoded += row.values().unwrap().len();
            }
            assert_eq!(decoded, ROWS * 5);
        })
    });
    group.finish();
}

fn redis_bulk_replies(c: &mut Criterion) {
    let value = "v".repeat(100);
    let mut replies = Vec::new();
    for _ in 0..ROWS {
        replies.extend_from_slice(format!("$100\r\n{value}\r\n").as_bytes());
    }
    let mut group = c.benchmark_group("redis");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("1000 GETs encoded", |b| {
        b.iter_batched(
            || {
                (
                    redis::Client::new(redis::Config::default()),
                    Vec::with_capacity(64 * 1024),
                )
            },
            |(mut client, mut out)| {
                for _ in 0..ROWS {
                    client.command(black_box(&["GET", "key"]), &mut out);
                }
                (client, out)
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("1000 bulk replies matched and decoded", |b| {
        b.iter_batched(
            || {
                let mut client = redis::Client::new(redis::Config::default());
                let mut out = Vec::new();
                client.start(&mut out);
                for _ in 0..ROWS {
                    client.command(&["GET", "key"], &mut out);
                }
                assert_eq!(client.poll_event(), Some(redis::Event::Ready));
                client
            },
            |mut client| {
                client.receive(black_box(&replies));
                let mut n = 0;
                while let Some(redis::Event::Reply { result: Ok(_), .. }) = client.poll_event() {
                    n += 1;
                }
                assert_eq!(n, ROWS);
                client
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn http_chunked_body(c: &mut Criterion) {
    let chunk = vec![b'x'; 16 * 1024];
    let mut response = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..64 {
        howth_parser::write_chunk(&mut response, &chunk);
    }
    howth_parser::write_last_chunk(&mut response);
    let mut body = Vec::with_capacity(1 << 20);
    let mut group = c.benchmark_group("http");
    group.throughput(Throughput::Bytes(1 << 20));
    group.bench_function("1 MiB chunked body", |b| {
        b.iter(|| {
            body.clear();
            let mut decoder = http::ResponseDecoder::new();
            decoder.request_sent(http::RequestMethod::Other);
            let mut at = 0;
            loop {
                let (used, event) = decoder.decode(black_box(&response[at..]), &mut body).unwrap();
                at += used;
                if let Some(http::Event::End { .. }) = event {
                    break;
                }
            }
            assert_eq!(body.len(), 1 << 20);
        })
    });
    group.finish();
}

fn websocket_messages(c: &mut Criterion) {
    const MESSAGES: usize = 1000;
    let mut client = websocket::Connection::new(websocket::Role::Client, websocket::Config::default());
    let mut wire = Vec::new();
    for i in 0..MESSAGES {
        client
            .send_text(&mut wire, &format!("{{\"type\":\"tick\",\"seq\":{i:>10}}}"))
            .unwrap();
    }
    let mut group = c.benchmark_group("websocket");
    group.throughput(Throughput::Elements(MESSAGES as u64));
    group.bench_function("1,000 masked 32-byte text messages", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            let mut server =
                websocket::Connection::new(websocket::Role::Server, websocket::Config::default());
            let (mut at, mut n) = (0, 0);
            while at < wire.len() {
                let (used, event) = server.decode(black_box(&wire[at..]), &mut out).unwrap();
                at += used;
                n += usize::from(matches!(event, Some(websocket::Event::Text(_))));
            }
            assert_eq!(n, MESSAGES);
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    postgres_rows,
    redis_bulk_replies,
    http_chunked_body,
    websocket_messages
);
criterion_main!(benches);
