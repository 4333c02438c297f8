//! The output queue (loop/src/output.rs, the very file the loop runs)
//! driven the way a connection drives it: responses numbered in request
//! order, written in pieces and finished in any order (async handlers,
//! streams), flushed through a transport that takes arbitrary amounts and
//! pushes back.
//!
//! Checked: no panic; whatever the order, what reaches the transport is
//! always a prefix of the responses concatenated in request order, and once
//! every response has finished and the transport takes everything, exactly
//! all of it; a response's bytes never leave before every response before
//! it has finished; `unsent` matches what is still to go.

#![no_main]

use std::io::{self, Write};

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/output.rs"]
mod output;

use output::{Flushed, OutQueue};

/// Responses per run: enough for every slot position of the ring.
const RESPONSES: usize = 12;

/// Takes at most `room` bytes per call, then pushes back.
struct Transport {
    got: Vec<u8>,
    room: usize,
}

impl Write for Transport {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if self.room == 0 {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = b.len().min(self.room);
        self.got.extend_from_slice(&b[..n]);
        self.room -= n;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The expected bytes of response `seq`'s `k`-th piece: distinct per
/// response and position, so a misplaced byte shows.
fn piece(seq: usize, k: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| (seq * 31 + k * 7 + i) as u8).collect()
}

fuzz_target!(|data: &[u8]| {
    let mut q = OutQueue::new();
    let mut t = Transport {
        got: Vec::new(),
        room: 0,
    };
    // What each response has written so far, and whether it finished.
    let mut written: Vec<Vec<u8>> = vec![Vec::new(); RESPONSES];
    let mut pieces = [0usize; RESPONSES];
    let mut done = [false; RESPONSES];
    for op in data.chunks(2) {
        let (a, b) = (op[0], op.get(1).copied().unwrap_or(0));
        let seq = (a as usize >> 2) % RESPONSES;
        match a & 3 {
            // A handler writes part of its response (not once finished).
            0 | 1 if !done[seq] => {
                let bytes = piece(seq, pieces[seq], b as usize % 40);
                pieces[seq] += 1;
                q.out_for(seq as u64).extend_from_slice(&bytes);
                written[seq].extend_from_slice(&bytes);
            }
            // A late write for a response already gone out: dropped.
            0 | 1 if (seq as u64) < q.front() => {
                q.out_for(seq as u64).extend_from_slice(b"stale");
            }
            2 => {
                q.finish(seq as u64);
                done[seq] = true;
            }
            _ => {
                t.room = b as usize;
                let before = t.got.len();
                let (flushed, n) = q.write_to(&mut t).expect("no I/O errors here");
                assert_eq!(t.got.len() - before, n);
                assert_eq!(flushed == Flushed::All, q.unsent() == 0);
            }
        }
        // Only finished responses, and the one after them, may have left.
        let open = done.iter().position(|d| !d).unwrap_or(RESPONSES);
        let allowed: Vec<u8> = written[..(open + 1).min(RESPONSES)].concat();
        assert!(
            allowed.starts_with(&t.got),
            "out of order: {} bytes sent, allowed {}",
            t.got.len(),
            allowed.len()
        );
    }
    for seq in 0..RESPONSES {
        q.finish(seq as u64);
    }
    t.room = usize::MAX;
    assert_eq!(q.write_to(&mut t).unwrap().0, Flushed::All);
    assert_eq!(q.unsent(), 0);
    // Everything the model recorded arrives, and nothing else (the late
    // writes were dropped).
    assert_eq!(t.got, written.concat());
    assert_eq!(q.front(), RESPONSES as u64);
});
