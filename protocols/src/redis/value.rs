//! Replies: the frame scanner that bounds them, the `redis-protocol`
//! decoder that reads them, and [`Value`], what a reply is to a caller.

use std::fmt;

use redis_protocol::resp2::types::RangeFrame as Frame2;
use redis_protocol::resp3::types::RangeFrame as Frame3;

use super::client::Protocol;

/// Deepest nesting of arrays, maps, sets and pushes accepted in a reply.
/// Redis itself never nests deeper than a handful of levels; the bound
/// keeps a hostile server from exhausting the stack of the recursive
/// decoder.
pub const MAX_DEPTH: usize = 64;

/// One reply, or one element of an aggregate reply.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// RESP2 null bulk string or array, RESP3 null.
    Nil,
    /// A simple string such as `OK` or `PONG`.
    Simple(String),
    /// A bulk (RESP3: blob or verbatim) string: arbitrary bytes.
    Bulk(Vec<u8>),
    Int(i64),
    /// RESP3 double.
    Double(f64),
    /// RESP3 boolean.
    Bool(bool),
    /// RESP3 big number, as its decimal digits.
    BigNumber(String),
    Array(Vec<Value>),
    /// RESP3 map, in the order the server sent it.
    Map(Vec<(Value, Value)>),
    /// RESP3 set, in the order the server sent it.
    Set(Vec<Value>),
    /// RESP3 out-of-band push (pub/sub messages, invalidations).
    Push(Vec<Value>),
    /// An error nested in an aggregate (for example in the reply to
    /// `EXEC`); an error reply to a command is that command's `Err`.
    Error(ServerError),
}

impl Value {
    /// The bytes of a bulk or simple string.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bulk(b) => Some(b),
            Value::Simple(s) => Some(s.as_bytes()),
            _ => None,
        }
    }
}

/// An error reply: `-WRONGTYPE Operation against a key holding the wrong kind of value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerError {
    /// The first word, by convention the kind: `ERR`, `WRONGTYPE`,
    /// `NOAUTH`, `WRONGPASS`, `MOVED`, ...
    pub code: String,
    /// The whole error line, code included.
    pub message: String,
}

impl ServerError {
    pub fn new(message: &[u8]) -> Self {
        let message = String::from_utf8_lossy(message).into_owned();
        let code = message.split(' ').next().unwrap_or("").to_owned();
        ServerError { code, message }
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Why a command has no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The server answered with an error reply.
    Server(ServerError),
    /// The server sent bytes that are not RESP (or not the RESP version
    /// in use); the connection cannot be trusted any more.
    Protocol(String),
    /// The connection ended, or failed, before the reply arrived.
    Closed,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Server(e) => write!(f, "redis: {e}"),
            Error::Protocol(why) => write!(f, "redis: protocol error: {why}"),
            Error::Closed => f.write_str("redis: connection closed"),
        }
    }
}

impl std::error::Error for Error {}

/// Decodes the first reply in `buf`: `Ok(None)` until it has fully
/// arrived, then the value and how many bytes it took.
pub fn decode_value(buf: &[u8], protocol: Protocol) -> Result<Option<(Value, usize)>, Error> {
    let Some(len) = scan_frame(buf)? else {
        return Ok(None);
    };
    let frame = &buf[..len];
    let value = match protocol {
        Protocol::Resp2 => match redis_protocol::resp2::decode::decode_range(frame) {
            Ok(Some((f, used))) if used == len => from_resp2(frame, &f),
            Ok(_) => return Err(Error::Protocol("reply framing disagrees with the decoder".into())),
            Err(e) => return Err(Error::Protocol(e.to_string())),
        },
        Protocol::Resp3 => match redis_protocol::resp3::decode::complete::decode_range(frame) {
            Ok(Some((f, used))) if used == len => from_resp3(frame, &f)?,
            Ok(_) => return Err(Error::Protocol("reply framing disagrees with the decoder".into())),
            Err(e) => return Err(Error::Protocol(e.to_string())),
        },
    };
    Ok(Some((value, len)))
}

/// Finds where the first frame in `buf` ends, without building it, and
/// refuses nesting deeper than [`MAX_DEPTH`] before the recursive decoder
/// sees it. Only the framing is checked here (type bytes, lengths, CRLF);
/// the decoder checks the rest.
fn scan_frame(buf: &[u8]) -> Result<Option<usize>, Error> {
    // Elements still expected by each open level, the bottom one being the
    // reply itself; on the stack, since most replies are one level.
    let mut open = [0u64; MAX_DEPTH + 1];
    open[0] = 1;
    let mut depth = 1;
    let mut pos = 0;
    loop {
        let Some(line_end) = find_line_end(buf, pos)? else {
            return Ok(None);
        };
        let kind = buf[pos];
        let line = &buf[pos + 1..line_end];
        pos = line_end + 2;
        let mut children = 0u64;
        match kind {
            b'+' | b'-' | b':' | b',' | b'#' | b'(' | b'_' => {}
            b'$' if line == b"-1" => {} // RESP2 null bulk string
            b'*' if line == b"-1" => {} // RESP2 null array
            _ if line == b"?" => return Err(Error::Protocol("streamed replies are not supported".into())),
            b'$' | b'!' | b'=' => {
                let n = parse_len(line)?;
                let end = usize::try_from(n)
                    .ok()
                    .and_then(|n| pos.checked_add(n))
                    .and_then(|e| e.checked_add(2));
                let Some(end) = end else {
                    return Err(Error::Protocol("bulk length overflows".into()));
                };
                if buf.len() < end {
                    return Ok(None);
                }
                if &buf[end - 2..end] != b"\r\n" {
                    return Err(Error::Protocol("bulk string not followed by CRLF".into()));
                }
                pos = end;
            }
            b'*' | b'~' | b'>' => children = parse_len(line)?,
            b'%' | b'|' => children = parse_len(line)?.saturating_mul(2),
            _ => return Err(Error::Protocol(format!("unknown reply type byte 0x{kind:02x}"))),
        }
        if kind == b'|' {
            // Attributes come before the value they describe, which is one
            // more element of the same level.
            open[depth - 1] += 1;
        }
        if children > 0 {
            if depth > MAX_DEPTH {
                return Err(Error::Protocol(format!(
                    "reply nested deeper than {MAX_DEPTH} levels"
                )));
            }
            open[depth] = children;
            depth += 1;
            continue;
        }
        // A complete element: close every level it completes.
        while depth > 0 {
            open[depth - 1] -= 1;
            if open[depth - 1] > 0 {
                break;
            }
            depth -= 1;
        }
        if depth == 0 {
            return Ok(Some(pos));
        }
    }
}

/// Longest type-and-length or simple-string line accepted.
const MAX_LINE: usize = 1024 * 1024;

/// Where the CRLF ending the line that starts at `from` is, once it has
/// arrived.
fn find_line_end(buf: &[u8], from: usize) -> Result<Option<usize>, Error> {
    let Some(off) = buf[from..].iter().position(|&b| b == b'\n') else {
        if buf.len() - from > MAX_LINE {
            return Err(Error::Protocol("reply line too long".into()));
        }
        return Ok(None);
    };
    let lf = from + off;
    if lf < from + 2 || buf[lf - 1] != b'\r' {
        return Err(Error::Protocol("reply line not ended by CRLF".into()));
    }
    Ok(Some(lf - 1))
}

fn parse_len(line: &[u8]) -> Result<u64, Error> {
    if line.is_empty() || line.len() > 19 || !line.iter().all(u8::is_ascii_digit) {
        return Err(Error::Protocol(format!(
            "invalid length {:?}",
            String::from_utf8_lossy(line)
        )));
    }
    Ok(line.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')))
}

fn text(buf: &[u8], r: &(usize, usize)) -> String {
    String::from_utf8_lossy(&buf[r.0..r.1]).into_owned()
}

fn from_resp2(buf: &[u8], frame: &Frame2) -> Value {
    match frame {
        Frame2::SimpleString(r) => Value::Simple(text(buf, r)),
        Frame2::Error(r) => Value::Error(ServerError::new(&buf[r.0..r.1])),
        Frame2::Integer(n) => Value::Int(*n),
        Frame2::BulkString(r) => Value::Bulk(buf[r.0..r.1].to_vec()),
        Frame2::Array(items) => Value::Array(items.iter().map(|f| from_resp2(buf, f)).collect()),
        Frame2::Null => Value::Nil,
    }
}

fn from_resp3(buf: &[u8], frame: &Frame3) -> Result<Value, Error> {
    let list = |items: &mut dyn Iterator<Item = &Frame3>| {
        items.map(|f| from_resp3(buf, f)).collect::<Result<Vec<_>, _>>()
    };
    Ok(match frame {
        Frame3::BlobString { data, .. } | Frame3::VerbatimString { data, .. } => {
            Value::Bulk(buf[data.0..data.1].to_vec())
        }
        Frame3::SimpleString { data, .. } => Value::Simple(text(buf, data)),
        Frame3::BlobError { data, .. } | Frame3::SimpleError { data, .. } => {
            Value::Error(ServerError::new(&buf[data.0..data.1]))
        }
        Frame3::Boolean { data, .. } => Value::Bool(*data),
        Frame3::Null => Value::Nil,
        Frame3::Number { data, .. } => Value::Int(*data),
        Frame3::Double { data, .. } => Value::Double(*data),
        Frame3::BigNumber { data, .. } => Value::BigNumber(text(buf, data)),
        Frame3::Array { data, .. } => Value::Array(list(&mut data.iter())?),
        Frame3::Set { data, .. } => Value::Set(list(&mut data.iter())?),
        Frame3::Push { data, .. } => Value::Push(list(&mut data.iter())?),
        // The decoder fills its (insertion-ordered) map from the last pair
        // to the first.
        Frame3::Map { data, .. } => Value::Map(
            data.iter()
                .rev()
                .map(|(k, v)| Ok((from_resp3(buf, k)?, from_resp3(buf, v)?)))
                .collect::<Result<Vec<_>, Error>>()?,
        ),
        Frame3::Hello { .. } | Frame3::ChunkedString(_) => {
            return Err(Error::Protocol(
                "a HELLO or chunked frame where a reply belongs".into(),
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode2(buf: &[u8]) -> Result<Option<(Value, usize)>, Error> {
        decode_value(buf, Protocol::Resp2)
    }

    fn decode3(buf: &[u8]) -> Result<Option<(Value, usize)>, Error> {
        decode_value(buf, Protocol::Resp3)
    }

    #[test]
    fn decodes_resp2_types() {
        assert_eq!(
            decode2(b"+OK\r\n").unwrap(),
            Some((Value::Simple("OK".into()), 5))
        );
        assert_eq!(decode2(b":-7\r\n").unwrap(), Some((Value::Int(-7), 5)));
        assert_eq!(decode2(b"$-1\r\n").unwrap(), Some((Value::Nil, 5)));
        assert_eq!(decode2(b"*-1\r\n").unwrap(), Some((Value::Nil, 5)));
        assert_eq!(decode2(b"$0\r\n\r\n").unwrap(), Some((Value::Bulk(vec![]), 6)));
        let (v, n) = decode2(b"*3\r\n$1\r\na\r\n*0\r\n-ERR no\r\nrest")
            .unwrap()
            .unwrap();
        assert_eq!(n, 24);
        assert_eq!(
            v,
            Value::Array(vec![
                Value::Bulk(b"a".to_vec()),
                Value::Array(vec![]),
                Value::Error(ServerError {
                    code: "ERR".into(),
                    message: "ERR no".into()
                })
            ])
        );
    }

    #[test]
    fn decodes_resp3_types() {
        assert_eq!(decode3(b"_\r\n").unwrap(), Some((Value::Nil, 3)));
        assert_eq!(decode3(b"#t\r\n").unwrap(), Some((Value::Bool(true), 4)));
        assert_eq!(decode3(b",1.5\r\n").unwrap(), Some((Value::Double(1.5), 6)));
        assert_eq!(
            decode3(b"(123456789012345678901234\r\n").unwrap().unwrap().0,
            Value::BigNumber("123456789012345678901234".into())
        );
        assert_eq!(
            decode3(b"=7\r\ntxt:abc\r\n").unwrap().unwrap().0,
            Value::Bulk(b"abc".to_vec())
        );
        let map = b"%2\r\n+b\r\n:2\r\n+a\r\n:1\r\n";
        assert_eq!(
            decode3(map).unwrap().unwrap().0,
            Value::Map(vec![
                (Value::Simple("b".into()), Value::Int(2)),
                (Value::Simple("a".into()), Value::Int(1))
            ])
        );
        assert_eq!(
            decode3(b"~3\r\n:3\r\n:1\r\n:2\r\n").unwrap().unwrap().0,
            Value::Set(vec![Value::Int(3), Value::Int(1), Value::Int(2)])
        );
        let push = b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n";
        assert_eq!(decode3(push).unwrap().unwrap().1, push.len());
        // An attribute is read and dropped; the value after it is the reply.
        let attr = b"|1\r\n+ttl\r\n:3\r\n:42\r\n";
        assert_eq!(decode3(attr).unwrap(), Some((Value::Int(42), attr.len())));
    }

    #[test]
    fn waits_for_every_split_of_a_reply() {
        let reply = b"*2\r\n$5\r\nhello\r\n%1\r\n+k\r\n$0\r\n\r\n";
        for cut in 0..reply.len() {
            assert_eq!(decode3(&reply[..cut]).unwrap(), None, "cut at {cut}");
        }
        assert_eq!(decode3(reply).unwrap().unwrap().1, reply.len());
    }

    #[test]
    fn refuses_malformed_replies() {
        for bad in [
            &b"?x\r\n"[..],
            b"$abc\r\n",
            b"$3\r\nabcXY",
            b"*1x\r\n",
            b"$99999999999999999999\r\n",
            b"$?\r\n",
        ] {
            assert!(
                matches!(decode3(bad), Err(Error::Protocol(_))),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        // RESP3-only types are not RESP2.
        assert!(matches!(decode2(b"#t\r\n"), Err(Error::Protocol(_))));
    }

    #[test]
    fn refuses_deep_nesting_before_decoding() {
        let deep = b"*1\r\n".repeat(100_000);
        assert!(matches!(decode2(&deep), Err(Error::Protocol(m)) if m.contains("nested")));
        let ok = [b"*1\r\n".repeat(MAX_DEPTH - 1), b":1\r\n".to_vec()].concat();
        assert!(decode2(&ok).unwrap().is_some());
    }
}
