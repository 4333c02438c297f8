//! Arbitrary arguments (the input split at 0xff bytes) through the hand
//! encoder: the `redis-protocol` crate must decode exactly one array of
//! the same bulk strings, using every byte.

#![no_main]

use howth_protocols::redis::encode_command;
use libfuzzer_sys::fuzz_target;
use redis_protocol::resp2::types::OwnedFrame;

fuzz_target!(|data: &[u8]| {
    let args: Vec<&[u8]> = data.split(|&b| b == 0xff).collect();
    let mut out = Vec::new();
    encode_command(&mut out, &args);
    let (frame, used) = redis_protocol::resp2::decode::decode(&out).unwrap().unwrap();
    assert_eq!(used, out.len());
    let expected = OwnedFrame::Array(args.iter().map(|a| OwnedFrame::BulkString(a.to_vec())).collect());
    assert_eq!(frame, expected);
});
