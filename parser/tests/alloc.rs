//! Proves the steady-state hot path allocates nothing: a counting global
//! allocator watches the thread that runs each test.
//!
//! The crate itself forbids `unsafe`; implementing `GlobalAlloc` cannot be
//! done without it, so it lives here, in a test binary of its own.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, UNIX_EPOCH};

use howth_parser::{
    parse_request, write_content_length, write_header, write_status_line, ChunkStatus, ChunkedDecoder,
    DateCache, Limits, RequestHead, Status,
};

struct Counting;

thread_local! {
    // Const-initialised and without a destructor, so reading it inside the
    // allocator cannot itself allocate.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the slot is gone while the thread is being torn down.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is passed through to the system allocator unchanged;
// the counter is a thread-local Cell, touched only by its own thread.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        System.alloc_zeroed(layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        System.realloc(ptr, layout, new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made on this thread while running `f`.
fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

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

#[test]
fn parsing_a_30_header_request_allocates_nothing_after_the_first() {
    let buf = browser_request();
    let limits = Limits::default();
    let mut head = RequestHead::new();
    // The first parse grows the header vector; that is the one allocation.
    assert_eq!(parse_request(&buf, &limits, &mut head), Ok(Status::Complete));
    assert_eq!(head.headers.len(), 30);

    let n = allocations_in(|| {
        for _ in 0..1000 {
            let status = parse_request(&buf, &limits, &mut head);
            assert_eq!(status, Ok(Status::Complete));
            assert_eq!(head.headers.len(), 30);
            // Partial heads and rejected heads take the same path.
            assert_eq!(
                parse_request(&buf[..buf.len() / 2], &limits, &mut head),
                Ok(Status::Partial)
            );
            assert!(parse_request(b"GET / HTTP/2.0\r\n\r\n", &limits, &mut head).is_err());
        }
    });
    assert_eq!(n, 0, "allocations while parsing");
}

#[test]
fn a_presized_head_allocates_nothing_at_all() {
    let buf = browser_request();
    let limits = Limits::default();
    let mut head = RequestHead::with_header_capacity(limits.max_headers);
    let n = allocations_in(|| {
        assert_eq!(parse_request(&buf, &limits, &mut head), Ok(Status::Complete));
    });
    assert_eq!(n, 0);
}

#[test]
fn serialising_into_a_warm_buffer_allocates_nothing() {
    let mut date = DateCache::at(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let mut out = Vec::with_capacity(4096);
    let n = allocations_in(|| {
        for i in 0..1000u64 {
            out.clear();
            // Crosses a second boundary now and then, so formatting runs too.
            date.refresh(UNIX_EPOCH + Duration::from_millis(1_700_000_000_000 + i * 7));
            write_status_line(&mut out, 200);
            out.extend_from_slice(date.header_line());
            write_header(&mut out, b"Content-Type", b"text/plain;charset=utf-8");
            write_content_length(&mut out, 2);
            out.extend_from_slice(b"\r\nHi");
            write_status_line(&mut out, 599);
        }
    });
    assert_eq!(n, 0);
}

#[test]
fn decoding_into_a_warm_buffer_allocates_nothing() {
    let input = b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n";
    let mut body = Vec::with_capacity(64);
    let n = allocations_in(|| {
        for _ in 0..1000 {
            body.clear();
            let mut decoder = ChunkedDecoder::new(1 << 20);
            for piece in input.chunks(3) {
                let _ = decoder.decode(piece, &mut body);
            }
            assert!(decoder.is_done());
            assert_eq!(
                decoder.decode(b"", &mut body),
                Ok(ChunkStatus::Done { consumed: 0 })
            );
        }
    });
    assert_eq!(n, 0);
    assert_eq!(body, b"hello world");
}

#[test]
fn the_counter_sees_allocations() {
    let n = allocations_in(|| {
        let v: Vec<u8> = Vec::with_capacity(std::hint::black_box(16));
        std::hint::black_box(v);
    });
    assert_eq!(n, 1);
}
