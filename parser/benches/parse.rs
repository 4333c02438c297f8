//! Micro-benchmarks of the per-request work: parsing heads, decoding a
//! chunked body, serialising a response.
//!
//! Raw httparse on the same input runs beside the head parser as its
//! baseline, so what the offsets and framing checks cost can be read off
//! the same run.

use std::hint::black_box;
use std::time::SystemTime;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use howth_parser::{
    parse_request, write_content_length, write_header, write_status_line, ChunkedDecoder, DateCache, Limits,
    RequestHead, Status,
};

/// What oha and wrk send.
const OHA: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost:3000\r\nUser-Agent: oha/1.4.5\r\nAccept: */*\r\n\r\n";

fn browser_request() -> Vec<u8> {
    let mut buf = b"GET /products/42?ref=home&utm_source=newsletter HTTP/1.1\r\n".to_vec();
    let headers: [(&str, &str); 30] = [
        ("Host", "shop.example.com"),
        ("Connection", "keep-alive"),
        ("sec-ch-ua", "\"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\""),
        ("sec-ch-ua-mobile", "?0"),
        ("sec-ch-ua-platform", "\"Linux\""),
        ("Upgrade-Insecure-Requests", "1"),
        (
            "User-Agent",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
        ),
        (
            "Accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8",
        ),
        ("Sec-Fetch-Site", "same-origin"),
        ("Sec-Fetch-Mode", "navigate"),
        ("Sec-Fetch-User", "?1"),
        ("Sec-Fetch-Dest", "document"),
        ("Referer", "https://shop.example.com/"),
        ("Accept-Encoding", "gzip, deflate, br, zstd"),
        ("Accept-Language", "en-GB,en;q=0.9,fr;q=0.8"),
        ("Cookie", "session=abc123def456; theme=dark; cart=3; consent=yes"),
        ("Cache-Control", "max-age=0"),
        ("DNT", "1"),
        ("Priority", "u=0, i"),
        ("If-None-Match", "W/\"5e-abcdef\""),
        ("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"),
        ("X-Requested-With", "XMLHttpRequest"),
        ("X-Forwarded-For", "203.0.113.7"),
        ("X-Forwarded-Proto", "https"),
        ("X-Request-Id", "0f8fad5b-d9cb-469f-a165-70867728950e"),
        ("Origin", "https://shop.example.com"),
        ("Pragma", "no-cache"),
        ("TE", "trailers"),
        ("Via", "1.1 proxy"),
        ("Content-Type", "text/html"),
    ];
    for (name, value) in headers {
        buf.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    buf.extend_from_slice(b"\r\n");
    buf
}

fn parse(c: &mut Criterion) {
    let limits = Limits::default();
    let browser = browser_request();
    let mut group = c.benchmark_group("parse");
    for (name, input) in [("oha_get", OHA), ("browser_30_headers", &browser[..])] {
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::new("howth", name), input, |b, input| {
            let mut head = RequestHead::with_header_capacity(limits.max_headers);
            b.iter(|| {
                let status = parse_request(black_box(input), &limits, &mut head);
                assert_eq!(status, Ok(Status::Complete));
                black_box(&head);
            })
        });
        // httparse alone, into the same uninitialised scratch array.
        group.bench_with_input(BenchmarkId::new("httparse", name), input, |b, input| {
            b.iter(|| {
                let mut headers = [std::mem::MaybeUninit::uninit(); 100];
                let mut req = httparse::Request::new(&mut []);
                let status = req.parse_with_uninit_headers(black_box(input), &mut headers);
                assert!(matches!(status, Ok(httparse::Status::Complete(_))));
                black_box(&req);
            })
        });
    }
    group.finish();

    // Sixteen requests in one read, as wrk's pipelining script sends them.
    let batch = OHA.repeat(16);
    let mut group = c.benchmark_group("parse_pipelined");
    group.throughput(Throughput::Elements(16));
    group.bench_function("oha_get_x16", |b| {
        let mut heads: Vec<RequestHead> = (0..16).map(|_| RequestHead::with_header_capacity(8)).collect();
        b.iter(|| {
            let buf = black_box(&batch[..]);
            let mut pos = 0;
            for head in heads.iter_mut() {
                let status = parse_request(&buf[pos..], &limits, head);
                assert_eq!(status, Ok(Status::Complete));
                pos += head.head_len;
            }
            assert_eq!(pos, buf.len());
            black_box(&heads);
        })
    });
    group.finish();
}

fn chunked(c: &mut Criterion) {
    let mut wire = Vec::new();
    let payload = vec![b'x'; 4096];
    for _ in 0..4 {
        howth_parser::write_chunk(&mut wire, &payload);
    }
    howth_parser::write_last_chunk(&mut wire);
    let mut group = c.benchmark_group("chunked");
    group.throughput(Throughput::Bytes(4 * payload.len() as u64));
    group.bench_function("decode_4x4KiB_in_1500B_reads", |b| {
        let mut body = Vec::with_capacity(wire.len());
        b.iter(|| {
            body.clear();
            let mut decoder = ChunkedDecoder::new(1 << 20);
            for read in black_box(&wire[..]).chunks(1500) {
                let _ = decoder.decode(read, &mut body);
            }
            assert!(decoder.is_done());
            black_box(&body);
        })
    });
    group.finish();
}

fn serialise(c: &mut Criterion) {
    let mut date = DateCache::new();
    let mut group = c.benchmark_group("serialise");
    group.bench_function("200_text_plain_hi", |b| {
        let mut out = Vec::with_capacity(4096);
        b.iter(|| {
            out.clear();
            write_status_line(&mut out, black_box(200));
            out.extend_from_slice(date.header_line());
            write_header(&mut out, b"Content-Type", b"text/plain;charset=utf-8");
            let body = black_box(&b"Hi"[..]);
            write_content_length(&mut out, body.len() as u64);
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(body);
            black_box(&out);
        })
    });
    // Once per loop turn: reading the clock, and formatting once a second.
    group.bench_function("date_refresh_now", |b| b.iter(|| date.refresh(SystemTime::now())));
    group.finish();
}

criterion_group!(benches, parse, chunked, serialise);
criterion_main!(benches);
