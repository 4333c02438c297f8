//! Arbitrary bytes as a request head, under the default limits and under
//! tiny ones that every input can reach: never a panic, and a Complete head
//! only ever describes bytes of the head itself.

#![no_main]

use howth_parser::{parse_request, BodyKind, Limits, RequestHead, Span, Status};
use libfuzzer_sys::fuzz_target;

const TINY: Limits = Limits {
    max_target_len: 24,
    max_head_bytes: 200,
    max_headers: 4,
    max_body_bytes: 100,
};

fuzz_target!(|data: &[u8]| {
    check(data, &Limits::default());
    check(data, &TINY);
});

fn check(data: &[u8], limits: &Limits) {
    let mut head = RequestHead::new();
    match parse_request(data, limits, &mut head) {
        Ok(Status::Complete) => {
            let len = head.head_len;
            assert!(len <= data.len());
            assert!(len <= limits.max_head_bytes);
            assert!(head.target.len as usize <= limits.max_target_len);
            assert!(head.headers.len() <= limits.max_headers);
            assert!(head.minor_version <= 1);
            let spans = [head.method, head.target]
                .into_iter()
                .chain(head.headers.iter().flat_map(|&(n, v)| [n, v]))
                .chain(head.host)
                .chain(head.content_type);
            for span in spans {
                assert!(
                    span.start as usize + span.len as usize <= len,
                    "{span:?} past {len}"
                );
                let _ = span.get(data);
            }
            assert!(!head.method.is_empty() && !head.target.is_empty());
            assert!(head.headers.iter().all(|(n, _): &(Span, Span)| !n.is_empty()));
            match head.body {
                BodyKind::Length(n) => assert!(n > 0 && n <= limits.max_body_bytes),
                BodyKind::Chunked => assert_eq!(head.minor_version, 1),
                BodyKind::None => {}
            }
            if head.expect_continue {
                assert!(head.body != BodyKind::None);
            }

            // The verdict depends on the head alone, and one byte less of it
            // is not yet a head.
            let mut again = RequestHead::new();
            assert_eq!(
                parse_request(&data[..len], limits, &mut again),
                Ok(Status::Complete)
            );
            assert_eq!(again, head);
            assert_eq!(
                parse_request(&data[..len - 1], limits, &mut again),
                Ok(Status::Partial)
            );
        }
        Ok(Status::Partial) => assert!(data.len() <= limits.max_head_bytes),
        Err(e) => {
            assert!(matches!(e.status(), 400 | 413 | 414 | 431 | 505));
            assert!(!e.reason().is_empty());
        }
    }
}
