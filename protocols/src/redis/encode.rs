//! Commands as RESP arrays of bulk strings, written by hand: this is the
//! hot path of every pipelined command, and a command is only ever an array
//! of byte strings, so a general frame encoder would only add work.

/// Appends `args` (the command name first) as a RESP array of bulk strings.
pub fn encode_command<A: AsRef<[u8]>>(out: &mut Vec<u8>, args: &[A]) {
    let len: usize = args.iter().map(|a| a.as_ref().len() + 16).sum();
    out.reserve(len + 16);
    write_len(out, b'*', args.len());
    for arg in args {
        let arg = arg.as_ref();
        write_len(out, b'$', arg.len());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
}

fn write_len(out: &mut Vec<u8>, prefix: u8, n: usize) {
    out.push(prefix);
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_binary_arguments_with_their_lengths() {
        let mut out = Vec::new();
        encode_command(&mut out, &[&b"SET"[..], b"k", b"a\r\nb\0"]);
        assert_eq!(out, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\na\r\nb\0\r\n");
    }

    #[test]
    fn encodes_empty_arguments() {
        let mut out = Vec::new();
        encode_command(&mut out, &["ECHO", ""]);
        assert_eq!(out, b"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n");
    }

    #[test]
    fn round_trips_through_the_decoder() {
        let mut out = Vec::new();
        encode_command(&mut out, &["LPUSH", "list", "x"]);
        let (frame, used) = redis_protocol::resp2::decode::decode(&out).unwrap().unwrap();
        assert_eq!(used, out.len());
        use redis_protocol::resp2::types::OwnedFrame::{Array, BulkString};
        assert_eq!(
            frame,
            Array(vec![
                BulkString(b"LPUSH".to_vec()),
                BulkString(b"list".to_vec()),
                BulkString(b"x".to_vec())
            ])
        );
    }
}
