//! A response head into a stream's output: the handler's validated header
//! list, handed to the parser crate's serialiser, which owns the framing.
use howth_parser::{write_response_head, BodyFraming, DateCache, Exchange, HeadWritten};

use crate::batch::ReplyTo;

/// A validated flat header list: `ends[k]` is where string k ends in `bytes`.
pub struct HeaderList<'a> {
    pub bytes: &'a [u8],
    pub ends: &'a [u32],
}

impl HeaderList<'_> {
    pub fn pairs(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.ends.chunks_exact(2).enumerate().map(move |(k, pair)| {
            let start = if k == 0 { 0 } else { self.ends[2 * k - 1] as usize };
            let mid = pair[0] as usize;
            (&self.bytes[start..mid], &self.bytes[mid..pair[1] as usize])
        })
    }
}

/// Writes the head of the response to `reply` (see
/// `howth_parser::write_response_head`).
#[inline]
pub fn write_head(
    out: &mut Vec<u8>,
    status: u16,
    date: &DateCache,
    headers: Option<&HeaderList<'_>>,
    default_text: bool,
    framing: BodyFraming,
    reply: &ReplyTo,
) -> HeadWritten {
    let exchange = Exchange {
        keep_alive: reply.keep_alive,
        http10: reply.http10,
    };
    // Two instances of the serialiser: the common case (no headers from
    // the handler) without an iterator to walk.
    match headers {
        None => write_response_head(out, status, date, [], default_text, framing, exchange),
        Some(list) => write_response_head(out, status, date, list.pairs(), default_text, framing, exchange),
    }
}
