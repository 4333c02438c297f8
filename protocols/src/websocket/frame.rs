//! Frame headers (RFC 6455 §5.2) and masking. A header is read only when
//! all of it is in; payloads are streamed by the connection.

use super::Error;

pub const OP_CONTINUATION: u8 = 0x0;
pub const OP_TEXT: u8 = 0x1;
pub const OP_BINARY: u8 = 0x2;
pub const OP_CLOSE: u8 = 0x8;
pub const OP_PING: u8 = 0x9;
pub const OP_PONG: u8 = 0xA;

/// Longest payload of a control frame.
pub const MAX_CONTROL_PAYLOAD: usize = 125;

/// A parsed frame header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub fin: bool,
    /// RSV1: a compressed message (permessage-deflate).
    pub rsv1: bool,
    pub opcode: u8,
    pub mask: Option<[u8; 4]>,
    pub len: u64,
    /// Bytes the header took.
    pub size: usize,
}

impl Header {
    pub fn is_control(&self) -> bool {
        self.opcode & 0x8 != 0
    }
}

/// The header at the start of `input`, or `None` until all of it is in.
/// Refuses what no peer may send whatever was negotiated: RSV2 and RSV3,
/// reserved opcodes, a fragmented or long control frame, a length with
/// the top bit set.
pub fn parse_header(input: &[u8]) -> Result<Option<Header>, Error> {
    let [b0, b1, ..] = *input else { return Ok(None) };
    if b0 & 0x30 != 0 {
        return Err(Error::protocol("reserved bits set"));
    }
    let opcode = b0 & 0x0F;
    if !matches!(
        opcode,
        OP_CONTINUATION | OP_TEXT | OP_BINARY | OP_CLOSE | OP_PING | OP_PONG
    ) {
        return Err(Error::protocol("reserved opcode"));
    }
    let fin = b0 & 0x80 != 0;
    let masked = b1 & 0x80 != 0;
    let (len, mut size) = match b1 & 0x7F {
        126 => match input.get(2..4) {
            Some(b) => (u64::from(u16::from_be_bytes([b[0], b[1]])), 4),
            None => return Ok(None),
        },
        127 => match input.get(2..10) {
            Some(b) => (u64::from_be_bytes(b.try_into().expect("8 bytes")), 10),
            None => return Ok(None),
        },
        n => (u64::from(n), 2),
    };
    if len >> 63 != 0 {
        return Err(Error::protocol("frame length with the top bit set"));
    }
    if opcode & 0x8 != 0 && (!fin || len > MAX_CONTROL_PAYLOAD as u64) {
        return Err(Error::protocol("fragmented or long control frame"));
    }
    let mask = if masked {
        let Some(key) = input.get(size..size + 4) else {
            return Ok(None);
        };
        size += 4;
        Some(key.try_into().expect("4 bytes"))
    } else {
        None
    };
    Ok(Some(Header {
        fin,
        rsv1: b0 & 0x40 != 0,
        opcode,
        mask,
        len,
        size,
    }))
}

/// Appends a frame header.
pub fn write_header(out: &mut Vec<u8>, fin: bool, rsv1: bool, opcode: u8, len: usize, mask: Option<[u8; 4]>) {
    out.push(u8::from(fin) << 7 | u8::from(rsv1) << 6 | opcode);
    let mask_bit = if mask.is_some() { 0x80 } else { 0 };
    match len {
        0..=125 => out.push(mask_bit | len as u8),
        126..=0xFFFF => {
            out.push(mask_bit | 126);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.push(mask_bit | 127);
            out.extend_from_slice(&(len as u64).to_be_bytes());
        }
    }
    if let Some(key) = mask {
        out.extend_from_slice(&key);
    }
}

/// Appends a whole frame, masking the payload with `mask` (client frames).
pub fn write_frame(
    out: &mut Vec<u8>,
    fin: bool,
    rsv1: bool,
    opcode: u8,
    payload: &[u8],
    mask: Option<[u8; 4]>,
) {
    write_header(out, fin, rsv1, opcode, payload.len(), mask);
    let start = out.len();
    out.extend_from_slice(payload);
    if let Some(key) = mask {
        apply_mask(&mut out[start..], key, 0);
    }
}

/// XORs `data` with the masking key, `offset` bytes into the payload.
pub fn apply_mask(data: &mut [u8], key: [u8; 4], offset: usize) {
    let key: [u8; 4] = std::array::from_fn(|i| key[(offset + i) % 4]);
    let word = u32::from_ne_bytes(key);
    let mut chunks = data.chunks_exact_mut(4);
    for chunk in &mut chunks {
        let v = u32::from_ne_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]) ^ word;
        chunk.copy_from_slice(&v.to_ne_bytes());
    }
    for (b, k) in chunks.into_remainder().iter_mut().zip(key) {
        *b ^= k;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_examples_parse() {
        // RFC 6455 §5.7: a single-frame unmasked and masked "Hello".
        let h = parse_header(&[0x81, 0x05, b'H']).unwrap().unwrap();
        assert_eq!(
            (h.fin, h.opcode, h.len, h.size, h.mask),
            (true, OP_TEXT, 5, 2, None)
        );
        let masked = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];
        let h = parse_header(&masked).unwrap().unwrap();
        assert_eq!((h.mask, h.size), (Some([0x37, 0xfa, 0x21, 0x3d]), 6));
        let mut payload = masked[6..].to_vec();
        apply_mask(&mut payload, h.mask.unwrap(), 0);
        assert_eq!(payload, b"Hello");
        // 256 bytes and 64 KiB binary.
        assert_eq!(parse_header(&[0x82, 0x7E, 0x01, 0x00]).unwrap().unwrap().len, 256);
        let h = parse_header(&[0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0])
            .unwrap()
            .unwrap();
        assert_eq!((h.len, h.size), (65536, 10));
        // Not yet complete.
        assert_eq!(parse_header(&[0x82, 0x7F, 0, 0]), Ok(None));
        assert_eq!(parse_header(&[0x81, 0x85, 0x37]), Ok(None));
    }

    #[test]
    fn masking_at_any_offset_matches_byte_by_byte() {
        let key = [1, 2, 3, 250];
        let data: Vec<u8> = (0..37).collect();
        for offset in 0..8 {
            let mut fast = data.clone();
            apply_mask(&mut fast, key, offset);
            let slow: Vec<u8> = data
                .iter()
                .enumerate()
                .map(|(i, b)| b ^ key[(i + offset) % 4])
                .collect();
            assert_eq!(fast, slow, "offset {offset}");
        }
    }

    #[test]
    fn written_headers_read_back() {
        for len in [0, 125, 126, 65535, 65536] {
            for mask in [None, Some([9, 8, 7, 6])] {
                let mut out = Vec::new();
                write_header(&mut out, false, true, OP_BINARY, len, mask);
                let h = parse_header(&out).unwrap().unwrap();
                assert_eq!(
                    (h.fin, h.rsv1, h.opcode, h.len, h.mask, h.size),
                    (false, true, OP_BINARY, len as u64, mask, out.len())
                );
            }
        }
    }

    #[test]
    fn refuses_what_no_peer_may_send() {
        assert!(parse_header(&[0xA1, 0x00]).is_err(), "RSV2");
        assert!(parse_header(&[0x83, 0x00]).is_err(), "opcode 3");
        assert!(parse_header(&[0x0B, 0x00]).is_err(), "opcode 11");
        assert!(parse_header(&[0x09, 0x00]).is_err(), "fragmented ping");
        assert!(parse_header(&[0x89, 0x7E, 0x00, 0x7E]).is_err(), "long ping");
        assert!(parse_header(&[0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0]).is_err());
    }
}
