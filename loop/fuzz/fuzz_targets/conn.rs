//! The connection state machine (loop/src/frame.rs, the very file the loop
//! runs) fed arbitrary bytes split at arbitrary points, the way the loop
//! drives it: read no further than `read_cap`, frame every request, compact
//! at the end of each turn, stop at the first refusal.
//!
//! Checked: no panic; whatever the split, the same requests (method,
//! target, body) and then the same end (a refusal, or what the last request
//! still waits for) as when all the bytes arrive at once; a connection stopped at its read cap always has a request to
//! frame or a refusal (it can never stall); spans and bodies stay inside
//! the buffer and the limits; `100 Continue` is asked for at most once per
//! request, and only by a request that announced it.

#![no_main]

use howth_parser::{Limits, RequestHead};
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/frame.rs"]
mod frame;

use frame::{Awaiting, BodyAt, Frame, Input};

/// Small enough for inputs to reach every limit and cap.
const TINY: Limits = Limits {
    max_target_len: 24,
    max_head_bytes: 200,
    max_headers: 4,
    max_body_bytes: 100,
};

#[derive(Debug, PartialEq, Eq)]
enum Event {
    Request {
        method: Vec<u8>,
        target: Vec<u8>,
        body: Vec<u8>,
        len: usize,
    },
    Refused(u16),
}

/// Feeds `stream` in pieces of the sizes `splits` yields (cycled), as the
/// loop would. Returns the framed requests, or the refusal ending them, and
/// what the last request was still waiting for.
fn run(stream: &[u8], limits: &Limits, soft_cap: usize, splits: &[usize]) -> (Vec<Event>, Awaiting) {
    let mut input = Input::new();
    input.soft_cap = soft_cap;
    let mut head = RequestHead::new();
    let mut arena = Vec::new();
    let mut events = Vec::new();
    let mut fed = 0;
    let mut piece = 0;
    let mut continues_for_this_request = 0;
    loop {
        // Read: one piece, but never past the read cap (the loop stops
        // reading there until parsing makes room).
        let cap = input.read_cap(limits);
        let room = cap.saturating_sub(input.unparsed_len());
        let want = splits[piece % splits.len()].max(1);
        piece += 1;
        let mut take = want.min(stream.len() - fed).min(room);
        while take > 0 {
            let spare = input.spare();
            let n = take.min(spare.len());
            spare[..n].copy_from_slice(&stream[fed..fed + n]);
            input.advance(n);
            fed += n;
            take -= n;
        }
        // Parse: every request that is complete.
        arena.clear();
        loop {
            let filled = input.filled;
            match input.next(limits, &mut head, &mut arena) {
                Frame::Request { offset, len, body } => {
                    assert!(offset + len <= filled);
                    assert_eq!(offset + len, input.consumed);
                    assert_eq!(head.head_len <= len, true);
                    let base = &input.buf[offset..filled];
                    let body = match body {
                        BodyAt::None => Vec::new(),
                        BodyAt::Read { start, len: n } => {
                            assert!(start >= offset + head.head_len && start + n <= offset + len);
                            input.buf[start..start + n].to_vec()
                        }
                        BodyAt::Arena { start, len: n } => arena[start..start + n].to_vec(),
                    };
                    assert!(body.len() as u64 <= limits.max_body_bytes);
                    events.push(Event::Request {
                        method: head.method.get(base).to_vec(),
                        target: head.target.get(base).to_vec(),
                        body,
                        len,
                    });
                    continues_for_this_request = 0;
                }
                Frame::NeedMore { send_continue } => {
                    if send_continue {
                        assert!(head.expect_continue);
                        continues_for_this_request += 1;
                        assert_eq!(continues_for_this_request, 1, "100 Continue twice");
                    }
                    assert_ne!(input.awaiting, Awaiting::Nothing);
                    // Waiting for bytes the cap lets in: never a stall.
                    assert!(
                        input.unparsed_len() < input.read_cap(limits),
                        "stalled: {} unparsed bytes, cap {}",
                        input.unparsed_len(),
                        input.read_cap(limits)
                    );
                    break;
                }
                Frame::Empty => break,
                Frame::Refuse { status, reason } => {
                    assert!(matches!(status, 400 | 413 | 414 | 431 | 505), "{status}");
                    assert!(!reason.is_empty());
                    events.push(Event::Refused(status));
                    return (events, Awaiting::Nothing);
                }
            }
        }
        // End of the turn.
        input.compact();
        if fed == stream.len() {
            return (events, input.awaiting);
        }
        assert!(
            room > 0 || input.unparsed_len() < input.read_cap(limits),
            "no progress"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    // Byte 0 picks the limits and the soft cap, byte 1 seeds the splits.
    let [mode, seed, stream @ ..] = data else {
        return;
    };
    let limits = if mode & 1 == 0 { TINY } else { Limits::default() };
    let soft_cap = match (mode >> 1) & 3 {
        0 => frame::READ_SOFT_CAP,
        1 => 1,
        2 => 64,
        _ => 512,
    };
    let whole = run(stream, &limits, soft_cap, &[usize::MAX]);
    // Pieces of 1 to 16 bytes from a small generator seeded by `seed`.
    let mut x = u32::from(*seed) | 0x100;
    let splits: Vec<usize> = (0..64)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x % 16) as usize + 1
        })
        .collect();
    let mut pieces = run(stream, &limits, soft_cap, &splits);
    // A head with two faults may be refused for either, depending on how
    // much of it had arrived (a target found too long while the line is
    // still growing is 414; the same line arriving whole with a bad header
    // after it is 400): parse_request judges what it has. Refused it is
    // either way, after the same requests.
    if let (Some(Event::Refused(a)), Some(Event::Refused(b))) = (whole.0.last(), pieces.0.last_mut()) {
        *b = *a;
    }
    assert_eq!(whole.0, pieces.0, "split at {splits:?}");
    // A request still incomplete is incomplete in the same way.
    if !matches!(whole.0.last(), Some(Event::Refused(_))) {
        assert_eq!(whole.1, pieces.1);
    }
});
