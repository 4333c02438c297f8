//! Arbitrary text as a value of a type picked by the first byte: decoding
//! must give a value or an error, never a panic, and a decoded text value
//! is the input itself.

#![no_main]

use howth_protocols::postgres::types::oid;
use howth_protocols::postgres::{decode_text, Value};
use libfuzzer_sys::fuzz_target;

const TYPES: [u32; 22] = [
    oid::BOOL,
    oid::BYTEA,
    oid::INT2,
    oid::INT4,
    oid::INT8,
    oid::TEXT,
    oid::JSON,
    oid::FLOAT4,
    oid::FLOAT8,
    oid::NUMERIC,
    oid::DATE,
    oid::TIMESTAMP,
    oid::TIMESTAMPTZ,
    oid::UUID,
    oid::JSONB,
    1000,
    1001,
    1007,
    1009,
    1182,
    1185,
    2951,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, text)) = data.split_first() else { return };
    let type_oid = TYPES[usize::from(pick) % TYPES.len()];
    if let Ok(Value::Text(s)) = decode_text(type_oid, text) {
        assert_eq!(s.as_bytes(), text);
    }
});
