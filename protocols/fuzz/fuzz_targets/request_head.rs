//! Arbitrary method, target, host and header fields (the input split at
//! 0xff bytes) through `write_request_head`: whatever it accepts must read
//! back, through the server's own request parser, as exactly one request
//! head with the same parts, so no value can smuggle a second request or
//! an extra header.

#![no_main]

use howth_parser::{parse_request, BodyKind, Limits, RequestHead, Status};
use howth_protocols::http::{write_request_head, Framing};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let framing = match first % 3 {
        0 => Framing::None,
        1 => Framing::Length(u64::from(first)),
        _ => Framing::Chunked,
    };
    let parts: Vec<&[u8]> = rest.split(|&b| b == 0xff).collect();
    if parts.len() < 3 {
        return;
    }
    let (Ok(method), Ok(target), Ok(host)) =
        (std::str::from_utf8(parts[0]), std::str::from_utf8(parts[1]), std::str::from_utf8(parts[2]))
    else {
        return;
    };
    let mut headers: Vec<(&str, &[u8])> = Vec::new();
    for pair in parts[3..].chunks(2) {
        let (Ok(name), Some(value)) = (std::str::from_utf8(pair[0]), pair.get(1)) else { return };
        headers.push((name, value));
    }
    let mut out = Vec::new();
    if write_request_head(&mut out, method, target, host, &headers, framing).is_err() {
        assert!(out.is_empty(), "nothing written for a refused request");
        return;
    }
    let limits = Limits { max_head_bytes: usize::MAX, max_target_len: usize::MAX, ..Limits::default() };
    let mut head = RequestHead::new();
    // The server may refuse a head (a target it does not serve, too many
    // fields); it must never read it as something else.
    let Ok(Status::Complete) = parse_request(&out, &limits, &mut head) else { return };
    assert_eq!(head.head_len, out.len(), "exactly one head");
    assert_eq!(head.method.get(&out), method.as_bytes());
    assert_eq!(head.target.get(&out), target.as_bytes());
    let parsed: Vec<(&[u8], &[u8])> = head.headers(&out).collect();
    let framing_fields = usize::from(framing != Framing::None);
    assert_eq!(parsed.len(), 1 + headers.len() + framing_fields, "no field added or lost");
    assert_eq!(parsed[0], (&b"host"[..], host.as_bytes()));
    for ((name, value), (parsed_name, parsed_value)) in headers.iter().zip(&parsed[1..]) {
        assert_eq!(name.as_bytes(), *parsed_name);
        // Surrounding whitespace is not part of a field value.
        assert_eq!(value.trim_ascii(), *parsed_value);
    }
    let expected = match framing {
        Framing::None | Framing::Length(0) => BodyKind::None,
        Framing::Length(n) => BodyKind::Length(n),
        Framing::Chunked => BodyKind::Chunked,
    };
    assert_eq!(head.body, expected);
});
