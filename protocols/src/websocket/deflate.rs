//! permessage-deflate (RFC 7692): the extension's parameters, their
//! negotiation in `Sec-WebSocket-Extensions`, and the per-direction
//! compressor and decompressor (raw deflate through flate2, context kept
//! between messages unless a side asked for no context takeover).

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use super::{Error, HandshakeError};

/// The four parameters of permessage-deflate. As an offer (client) or a
/// policy (server) they say what to ask for; once negotiated, what both
/// sides agreed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeflateParams {
    /// The server resets its compression context after each message.
    pub server_no_context_takeover: bool,
    /// The client resets its compression context after each message.
    pub client_no_context_takeover: bool,
    /// The server's LZ77 window is at most 2^n bytes (8 to 15).
    pub server_max_window_bits: Option<u8>,
    /// The client's window is at most 2^n bytes. In an offer, `Some(15)`
    /// is written as the bare parameter: "I can limit my window if told".
    pub client_max_window_bits: Option<u8>,
}

/// The raw deflate stream's final empty stored block, which every
/// message's compressed data ends with and which the sender removes.
const TAIL: [u8; 4] = [0x00, 0x00, 0xFF, 0xFF];

/// The extension's parameters, one `Sec-WebSocket-Extensions` element:
/// `name; key; key=value; key="value"`.
fn elements(header: &[u8]) -> impl Iterator<Item = (String, Vec<(String, Option<String>)>)> + '_ {
    header.split(|&b| b == b',').filter_map(|element| {
        let element = std::str::from_utf8(element).ok()?;
        let mut parts = element.split(';').map(str::trim);
        let name = parts.next()?.to_ascii_lowercase();
        if name.is_empty() {
            return None;
        }
        let params = parts
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (
                    k.trim().to_ascii_lowercase(),
                    Some(v.trim().trim_matches('"').to_owned()),
                ),
                None => (p.to_ascii_lowercase(), None),
            })
            .collect();
        Some((name, params))
    })
}

fn window_bits(value: Option<&str>) -> Option<u8> {
    let v = value?;
    if v.is_empty() || v.len() > 2 || !v.bytes().all(|b| b.is_ascii_digit()) || v.starts_with('0') {
        return None;
    }
    v.parse().ok().filter(|n| (8..=15).contains(n))
}

impl DeflateParams {
    /// Parses one permessage-deflate element's parameters; `None` when one
    /// is unknown, repeated or has a bad value (RFC 7692 §5.1: such an
    /// offer is declined, such a response fails the connection).
    fn parse(params: &[(String, Option<String>)]) -> Option<(DeflateParams, bool)> {
        let mut p = DeflateParams::default();
        let mut client_bits_bare = false;
        let mut seen = Vec::new();
        for (key, value) in params {
            if seen.contains(&key) {
                return None;
            }
            seen.push(key);
            match (key.as_str(), value.as_deref()) {
                ("server_no_context_takeover", None) => p.server_no_context_takeover = true,
                ("client_no_context_takeover", None) => p.client_no_context_takeover = true,
                ("server_max_window_bits", v) => p.server_max_window_bits = Some(window_bits(v)?),
                ("client_max_window_bits", None) => client_bits_bare = true,
                ("client_max_window_bits", v) => p.client_max_window_bits = Some(window_bits(v)?),
                _ => return None,
            }
        }
        Some((p, client_bits_bare))
    }

    /// The offer a client sends, as a `Sec-WebSocket-Extensions` value.
    pub fn offer(&self) -> String {
        let mut s = String::from("permessage-deflate");
        if self.server_no_context_takeover {
            s.push_str("; server_no_context_takeover");
        }
        if self.client_no_context_takeover {
            s.push_str("; client_no_context_takeover");
        }
        if let Some(bits) = self.server_max_window_bits {
            s.push_str(&format!("; server_max_window_bits={bits}"));
        }
        match self.client_max_window_bits {
            Some(15) => s.push_str("; client_max_window_bits"),
            Some(bits) => s.push_str(&format!("; client_max_window_bits={bits}")),
            None => {}
        }
        s
    }

    /// A server's answer to the `Sec-WebSocket-Extensions` values of a
    /// request, given its own policy: the agreed parameters and the
    /// response header value, or `None` (no offer it can accept).
    pub fn accept(offers: &[&[u8]], policy: &DeflateParams) -> Option<(DeflateParams, String)> {
        offers
            .iter()
            .flat_map(|h| elements(h))
            .filter(|(name, _)| name == "permessage-deflate")
            .find_map(|(_, params)| {
                let (offer, client_bits_bare) = DeflateParams::parse(&params)?;
                let client_can_limit = client_bits_bare || offer.client_max_window_bits.is_some();
                let agreed = DeflateParams {
                    server_no_context_takeover: offer.server_no_context_takeover
                        || policy.server_no_context_takeover,
                    client_no_context_takeover: offer.client_no_context_takeover
                        || policy.client_no_context_takeover,
                    server_max_window_bits: match (
                        offer.server_max_window_bits,
                        policy.server_max_window_bits,
                    ) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    },
                    // A limit on the client only where it said it can
                    // take one; its own value binds it anyway.
                    client_max_window_bits: match (
                        offer.client_max_window_bits,
                        policy.client_max_window_bits,
                    ) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) if client_can_limit => a.or(b),
                        _ => None,
                    },
                };
                let mut response = agreed;
                // `client_max_window_bits=15` in a response says nothing.
                if response.client_max_window_bits == Some(15) {
                    response.client_max_window_bits = None;
                }
                let header = response.offer();
                Some((agreed, header))
            })
    }

    /// A client's reading of the server's response to `offer`; `Ok(None)`
    /// when the server declined.
    pub fn negotiated(
        response: &[&[u8]],
        offer: &DeflateParams,
    ) -> Result<Option<DeflateParams>, HandshakeError> {
        let mut agreed = None;
        for (name, params) in response.iter().flat_map(|h| elements(h)) {
            if name != "permessage-deflate" || agreed.is_some() {
                return Err(HandshakeError::Extension(name));
            }
            let (mut p, client_bits_bare) =
                DeflateParams::parse(&params).ok_or_else(|| HandshakeError::Extension(name.clone()))?;
            // The server may limit our window only if we said it could.
            if client_bits_bare
                || (p.client_max_window_bits.is_some() && offer.client_max_window_bits.is_none())
            {
                return Err(HandshakeError::Extension(name));
            }
            // What we asked of the server binds it, said again or not.
            p.server_no_context_takeover |= offer.server_no_context_takeover;
            if offer.server_max_window_bits.is_some() && p.server_max_window_bits.is_none() {
                return Err(HandshakeError::Extension(name));
            }
            agreed = Some(p);
        }
        Ok(agreed)
    }
}

/// One direction's compressor.
pub(super) struct Deflater {
    compress: Option<Compress>,
    no_context_takeover: bool,
}

impl Deflater {
    /// `window_bits`: the sender's agreed limit. zlib cannot write raw
    /// deflate with a 256-byte window, so under a limit of 8 messages go
    /// uncompressed (RFC 7692 allows any message to be).
    pub fn new(window_bits: Option<u8>, no_context_takeover: bool) -> Deflater {
        let bits = window_bits.unwrap_or(15);
        Deflater {
            compress: (bits >= 9).then(|| Compress::new_with_window_bits(Compression::fast(), false, bits)),
            no_context_takeover,
        }
    }

    pub fn can_compress(&self) -> bool {
        self.compress.is_some()
    }

    /// Compresses part of a message onto `out`; at `fin` the deflate tail
    /// is removed and, without context takeover, the context reset.
    pub fn compress(&mut self, data: &[u8], fin: bool, out: &mut Vec<u8>) {
        let compress = self.compress.as_mut().expect("can_compress");
        let mut input = data;
        loop {
            // Deflate expands incompressible input by a few bytes a block.
            out.reserve(input.len() + 64);
            let before = compress.total_in();
            compress
                .compress_vec(input, out, FlushCompress::Sync)
                .expect("deflate of memory cannot fail");
            input = &input[(compress.total_in() - before) as usize..];
            // The flush is complete once all input is in and room is left.
            if input.is_empty() && out.len() < out.capacity() {
                break;
            }
        }
        if fin {
            if out.ends_with(&TAIL) {
                out.truncate(out.len() - TAIL.len());
            }
            if self.no_context_takeover {
                compress.reset();
            }
        }
    }
}

/// One direction's decompressor.
pub(super) struct Inflater {
    decompress: Decompress,
    no_context_takeover: bool,
}

impl Inflater {
    pub fn new(no_context_takeover: bool) -> Inflater {
        // Any window the peer agreed to (at most 2^15) reads with 2^15.
        Inflater {
            decompress: Decompress::new(false),
            no_context_takeover,
        }
    }

    /// Inflates a whole message's payload onto `out`, refusing to grow
    /// `out` beyond `max` bytes (a small message can inflate a thousand
    /// times over).
    pub fn inflate(&mut self, compressed: &[u8], out: &mut Vec<u8>, max: usize) -> Result<(), Error> {
        let mut ended = false;
        for (first, piece) in [(true, compressed), (false, &TAIL[..])] {
            let mut input = piece;
            while !ended {
                if out.len() == out.capacity() {
                    if out.len() >= max {
                        return Err(Error::too_big());
                    }
                    out.reserve(out.len().max(4096).min(max - out.len()));
                }
                let (before_in, before_out) = (self.decompress.total_in(), out.len());
                let status = self
                    .decompress
                    .decompress_vec(input, out, FlushDecompress::Sync)
                    .map_err(|_| Error::invalid_data("bad compressed data"))?;
                input = &input[(self.decompress.total_in() - before_in) as usize..];
                if out.len() > max {
                    return Err(Error::too_big());
                }
                // A final block (BFINAL) ends the stream: the message ends
                // there and the next one starts a new stream.
                ended = status == Status::StreamEnd;
                if ended && first && !input.is_empty() {
                    return Err(Error::invalid_data("data after the end of the deflate stream"));
                }
                let stalled = out.len() == before_out && self.decompress.total_in() == before_in;
                if (input.is_empty() || stalled) && out.len() < out.capacity() {
                    break;
                }
            }
        }
        if ended || self.no_context_takeover {
            self.decompress.reset(false);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(s: &str) -> Vec<(String, Option<String>)> {
        elements(s.as_bytes()).next().unwrap().1
    }

    #[test]
    fn offers_and_answers() {
        let offer = DeflateParams {
            client_max_window_bits: Some(15),
            ..DeflateParams::default()
        };
        assert_eq!(offer.offer(), "permessage-deflate; client_max_window_bits");
        let (agreed, header) = DeflateParams::accept(
            &[b"x-foo, permessage-deflate; client_max_window_bits"],
            &DeflateParams::default(),
        )
        .unwrap();
        assert_eq!(header, "permessage-deflate");
        assert_eq!(
            agreed.client_max_window_bits, None,
            "no limit asked of the client"
        );
        // The client asks the server for no takeover and a small window.
        let (agreed, header) = DeflateParams::accept(
            &[b"permessage-deflate; server_no_context_takeover; server_max_window_bits=10"],
            &DeflateParams::default(),
        )
        .unwrap();
        assert_eq!(
            header,
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=10"
        );
        assert!(agreed.server_no_context_takeover);
        // An unknown or bad parameter declines that offer; the next is taken.
        let (_, header) = DeflateParams::accept(
            &[b"permessage-deflate; x=1, permessage-deflate; server_max_window_bits=16, permessage-deflate"],
            &DeflateParams::default(),
        )
        .unwrap();
        assert_eq!(header, "permessage-deflate");
        assert_eq!(
            DeflateParams::accept(&[b"permessage-deflate; x=1"], &DeflateParams::default()),
            None
        );
    }

    #[test]
    fn a_client_checks_the_answer() {
        let offer = DeflateParams {
            client_max_window_bits: Some(15),
            ..DeflateParams::default()
        };
        let ok =
            DeflateParams::negotiated(&[b"permessage-deflate; client_max_window_bits=10"], &offer).unwrap();
        assert_eq!(ok.unwrap().client_max_window_bits, Some(10));
        assert_eq!(DeflateParams::negotiated(&[], &offer), Ok(None));
        assert!(DeflateParams::negotiated(&[b"permessage-deflate; bogus"], &offer).is_err());
        assert!(DeflateParams::negotiated(&[b"x-other"], &offer).is_err());
        assert!(DeflateParams::negotiated(&[b"permessage-deflate, permessage-deflate"], &offer).is_err());
        let no_limit = DeflateParams::default();
        assert!(
            DeflateParams::negotiated(&[b"permessage-deflate; client_max_window_bits=10"], &no_limit)
                .is_err()
        );
        assert_eq!(params("a; b=\"9\""), [("b".to_owned(), Some("9".to_owned()))]);
        assert_eq!(window_bits(Some("08")), None);
    }

    fn roundtrip(takeover: bool) -> Vec<usize> {
        let mut deflater = Deflater::new(None, !takeover);
        let mut inflater = Inflater::new(!takeover);
        let message = b"a message that repeats, a message that repeats, a message".repeat(4);
        (0..3)
            .map(|_| {
                let mut compressed = Vec::new();
                deflater.compress(&message[..100], false, &mut compressed);
                deflater.compress(&message[100..], true, &mut compressed);
                assert!(!compressed.ends_with(&TAIL));
                let mut out = Vec::new();
                inflater.inflate(&compressed, &mut out, 1 << 20).unwrap();
                assert_eq!(out, message);
                compressed.len()
            })
            .collect()
    }

    #[test]
    fn context_takeover_makes_repeats_cheaper() {
        let with = roundtrip(true);
        assert!(with[1] < with[0] / 2, "{with:?}");
        let without = roundtrip(false);
        assert!(
            without[0] == without[1] && without[1] == without[2],
            "{without:?}"
        );
    }

    #[test]
    fn inflating_stops_at_the_limit() {
        let mut deflater = Deflater::new(None, false);
        let mut compressed = Vec::new();
        deflater.compress(&vec![0u8; 1 << 20], true, &mut compressed);
        assert!(compressed.len() < 16 * 1024, "{} bytes", compressed.len());
        let mut out = Vec::new();
        assert_eq!(
            Inflater::new(false).inflate(&compressed, &mut out, 1000),
            Err(Error::too_big())
        );
        assert!(out.capacity() <= 8192);
        assert_eq!(
            Inflater::new(false).inflate(b"\xff\xff\xff", &mut Vec::new(), 1000),
            Err(Error::invalid_data("bad compressed data"))
        );
    }
}
