//! Text-format values decoded to typed values by the column's type OID.
//!
//! Queries ask for every result column in text format: it is what the
//! server produces cheapest for most types, and one decoder per type covers
//! scalars and arrays alike. The session is started with `DateStyle=ISO`
//! and `TimeZone=UTC` (see `Connection`), which fixes the date formats
//! parsed here.

use std::fmt;

/// Type OIDs (from the server's `pg_type`) that get a typed value.
pub mod oid {
    pub const BOOL: u32 = 16;
    pub const BYTEA: u32 = 17;
    pub const CHAR: u32 = 18;
    pub const NAME: u32 = 19;
    pub const INT8: u32 = 20;
    pub const INT2: u32 = 21;
    pub const INT4: u32 = 23;
    pub const TEXT: u32 = 25;
    pub const OID: u32 = 26;
    pub const JSON: u32 = 114;
    pub const FLOAT4: u32 = 700;
    pub const FLOAT8: u32 = 701;
    pub const BPCHAR: u32 = 1042;
    pub const VARCHAR: u32 = 1043;
    pub const DATE: u32 = 1082;
    pub const TIMESTAMP: u32 = 1114;
    pub const TIMESTAMPTZ: u32 = 1184;
    pub const NUMERIC: u32 = 1700;
    pub const UUID: u32 = 2950;
    pub const JSONB: u32 = 3802;
}

/// A decoded column value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// int2, int4, int8 and oid.
    Int(i64),
    /// float4 and float8 (NaN and ±Infinity included).
    Float(f64),
    /// numeric, as the server wrote it: no binary type holds every numeric.
    Numeric(String),
    /// text, varchar, char, name and every type without its own variant.
    Text(String),
    /// json and jsonb, as text for the caller's JSON parser.
    Json(String),
    Bytea(Vec<u8>),
    /// Days since 1970-01-01; `i32::MAX` / `i32::MIN` for ±infinity.
    Date(i32),
    /// Microseconds since 1970-01-01 00:00, no time zone; `i64::MAX` /
    /// `i64::MIN` for ±infinity.
    Timestamp(i64),
    /// Microseconds since the Unix epoch (UTC); `i64::MAX` / `i64::MIN`
    /// for ±infinity.
    TimestampTz(i64),
    Uuid([u8; 16]),
    /// Any array of the above, nested for more than one dimension.
    Array(Vec<Value>),
}

/// A value the server sent that does not read as its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub type_oid: u32,
    pub reason: &'static str,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode a value of type {}: {}",
            self.type_oid, self.reason
        )
    }
}

impl std::error::Error for DecodeError {}

/// The element type of an array type, for the array types decoded here.
pub fn array_element(type_oid: u32) -> Option<u32> {
    Some(match type_oid {
        1000 => oid::BOOL,
        1001 => oid::BYTEA,
        1002 => oid::CHAR,
        1003 => oid::NAME,
        1005 => oid::INT2,
        1007 => oid::INT4,
        1009 => oid::TEXT,
        1014 => oid::BPCHAR,
        1015 => oid::VARCHAR,
        1016 => oid::INT8,
        1021 => oid::FLOAT4,
        1022 => oid::FLOAT8,
        1028 => oid::OID,
        199 => oid::JSON,
        3807 => oid::JSONB,
        1182 => oid::DATE,
        1115 => oid::TIMESTAMP,
        1185 => oid::TIMESTAMPTZ,
        1231 => oid::NUMERIC,
        2951 => oid::UUID,
        _ => return None,
    })
}

/// Decodes one non-null text-format value of type `type_oid`.
pub fn decode_text(type_oid: u32, text: &[u8]) -> Result<Value, DecodeError> {
    let err = |reason| DecodeError { type_oid, reason };
    let utf8 = || std::str::from_utf8(text).map_err(|_| err("invalid UTF-8"));
    Ok(match type_oid {
        oid::BOOL => match text {
            b"t" => Value::Bool(true),
            b"f" => Value::Bool(false),
            _ => return Err(err("not t or f")),
        },
        oid::INT2 | oid::INT4 | oid::INT8 | oid::OID => {
            Value::Int(parse_int(text).ok_or_else(|| err("not an integer"))?)
        }
        oid::FLOAT4 | oid::FLOAT8 => Value::Float(utf8()?.parse().map_err(|_| err("not a number"))?),
        oid::NUMERIC => Value::Numeric(utf8()?.to_owned()),
        oid::JSON | oid::JSONB => Value::Json(utf8()?.to_owned()),
        oid::BYTEA => Value::Bytea(decode_bytea(text).ok_or_else(|| err("invalid bytea"))?),
        oid::DATE => Value::Date(parse_date(text).ok_or_else(|| err("invalid date"))?),
        oid::TIMESTAMP => {
            Value::Timestamp(parse_timestamp(text, false).ok_or_else(|| err("invalid timestamp"))?)
        }
        oid::TIMESTAMPTZ => {
            Value::TimestampTz(parse_timestamp(text, true).ok_or_else(|| err("invalid timestamptz"))?)
        }
        oid::UUID => Value::Uuid(parse_uuid(text).ok_or_else(|| err("invalid uuid"))?),
        _ => match array_element(type_oid) {
            Some(element) => Value::Array(parse_array(text, element)?),
            None => Value::Text(utf8()?.to_owned()),
        },
    })
}

/// An optionally negative decimal integer, as the server writes them:
/// the most common column type, so no UTF-8 check or generic parser.
fn parse_int(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first()? {
        (b'-', rest) => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    // Accumulated as a negative number, whose range includes i64::MIN.
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_sub(i64::from(d - b'0'))?;
    }
    if negative {
        Some(n)
    } else {
        n.checked_neg()
    }
}

/// `\x` hex (the default `bytea_output`) or the older escape format.
fn decode_bytea(text: &[u8]) -> Option<Vec<u8>> {
    if let Some(hex) = text.strip_prefix(b"\\x") {
        if hex.len() % 2 != 0 {
            return None;
        }
        return hex
            .chunks(2)
            .map(|p| Some(hex_digit(p[0])? << 4 | hex_digit(p[1])?))
            .collect();
    }
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] != b'\\' {
            out.push(text[i]);
            i += 1;
        } else if text.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
        } else {
            let digits = text.get(i + 1..i + 4)?;
            if !digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                return None;
            }
            let n = digits.iter().fold(0u32, |n, d| n * 8 + u32::from(d - b'0'));
            out.push(u8::try_from(n).ok()?);
            i += 4;
        }
    }
    Some(out)
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn parse_uuid(text: &[u8]) -> Option<[u8; 16]> {
    let digits: Vec<u8> = text.iter().copied().filter(|&b| b != b'-').collect();
    if text.len() != 36 || digits.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (byte, pair) in out.iter_mut().zip(digits.chunks(2)) {
        *byte = hex_digit(pair[0])? << 4 | hex_digit(pair[1])?;
    }
    Some(out)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (astronomical years:
/// 1 BC is year 0).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A run of ASCII digits at the start of `s`, its value and the rest.
fn number(s: &[u8], max_digits: usize) -> Option<(i64, &[u8])> {
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if n == 0 || n > max_digits {
        return None;
    }
    let value = s[..n].iter().fold(0i64, |v, d| v * 10 + i64::from(d - b'0'));
    Some((value, &s[n..]))
}

/// Year, month, day.
type Ymd = (i64, i64, i64);

/// `YYYY-MM-DD` at the start of `s` (the year may have more digits): the
/// year, month and day, and the rest.
fn date_part(s: &[u8]) -> Option<(Ymd, &[u8])> {
    let (year, s) = number(s, 7)?;
    let (month, s) = number(s.strip_prefix(b"-")?, 2)?;
    let (day, s) = number(s.strip_prefix(b"-")?, 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(((year, month, day), s))
}

/// Days since the epoch; a date written `... BC` is in astronomical year
/// `1 - year`.
fn epoch_days((year, month, day): Ymd, bc: bool) -> i64 {
    days_from_civil(if bc { 1 - year } else { year }, month, day)
}

fn parse_date(text: &[u8]) -> Option<i32> {
    match text {
        b"infinity" => return Some(i32::MAX),
        b"-infinity" => return Some(i32::MIN),
        _ => {}
    }
    let (date, rest) = date_part(text)?;
    let bc = match rest {
        b"" => false,
        b" BC" => true,
        _ => return None,
    };
    i32::try_from(epoch_days(date, bc)).ok()
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff][±HH[:MM[:SS]]][ BC]`.
fn parse_timestamp(text: &[u8], with_zone: bool) -> Option<i64> {
    match text {
        b"infinity" => return Some(i64::MAX),
        b"-infinity" => return Some(i64::MIN),
        _ => {}
    }
    let (date, s) = date_part(text)?;
    let (hour, s) = number(s.strip_prefix(b" ")?, 2)?;
    let (minute, s) = number(s.strip_prefix(b":")?, 2)?;
    let (second, mut s) = number(s.strip_prefix(b":")?, 2)?;
    let mut micros = 0;
    if let Some(frac) = s.strip_prefix(b".") {
        let n = frac.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 || n > 6 {
            return None;
        }
        let (digits, rest) = number(frac, 6)?;
        micros = digits * 10i64.pow(6 - n as u32);
        s = rest;
    }
    let mut offset = 0;
    if with_zone {
        let sign = match s.first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let (h, rest) = number(&s[1..], 2)?;
        s = rest;
        offset = h * 3600;
        for unit in [60, 1] {
            if let Some(rest) = s.strip_prefix(b":") {
                let (v, rest) = number(rest, 2)?;
                offset += v * unit;
                s = rest;
            }
        }
        offset *= sign;
    }
    let bc = match s {
        b"" => false,
        b" BC" => true,
        _ => return None,
    };
    let days = epoch_days(date, bc);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    seconds.checked_mul(1_000_000)?.checked_add(micros)
}

/// Deepest array nesting accepted (Postgres allows 6 dimensions).
const MAX_ARRAY_DEPTH: usize = 6;

/// `{1,2,NULL}`, `{{"a b","c\"d"},{e,f}}`, with an optional
/// `[lower:upper]=` dimension prefix.
fn parse_array(text: &[u8], element: u32) -> Result<Vec<Value>, DecodeError> {
    let err = |reason| DecodeError {
        type_oid: element,
        reason,
    };
    let mut s = text;
    if s.first() == Some(&b'[') {
        let eq = s
            .iter()
            .position(|&b| b == b'=')
            .ok_or(err("invalid array dimensions"))?;
        s = &s[eq + 1..];
    }
    let mut pos = 0;
    let Value::Array(items) = parse_array_level(s, &mut pos, element, 1)? else {
        unreachable!()
    };
    if pos != s.len() {
        return Err(err("text after the array"));
    }
    Ok(items)
}

fn parse_array_level(s: &[u8], pos: &mut usize, element: u32, depth: usize) -> Result<Value, DecodeError> {
    let err = |reason| DecodeError {
        type_oid: element,
        reason,
    };
    if depth > MAX_ARRAY_DEPTH {
        return Err(err("array nested too deeply"));
    }
    if s.get(*pos) != Some(&b'{') {
        return Err(err("array does not start with {"));
    }
    *pos += 1;
    let mut items = Vec::new();
    if s.get(*pos) == Some(&b'}') {
        *pos += 1;
        return Ok(Value::Array(items));
    }
    loop {
        match s.get(*pos) {
            Some(b'{') => items.push(parse_array_level(s, pos, element, depth + 1)?),
            Some(b'"') => {
                *pos += 1;
                let mut raw = Vec::new();
                loop {
                    match s.get(*pos) {
                        Some(b'"') => break,
                        Some(b'\\') => {
                            raw.push(*s.get(*pos + 1).ok_or(err("unterminated array element"))?);
                            *pos += 2;
                        }
                        Some(&b) => {
                            raw.push(b);
                            *pos += 1;
                        }
                        None => return Err(err("unterminated array element")),
                    }
                }
                *pos += 1;
                items.push(decode_text(element, &raw)?);
            }
            Some(_) => {
                let start = *pos;
                while !matches!(s.get(*pos), Some(b',' | b'}') | None) {
                    *pos += 1;
                }
                let raw = s[start..*pos].trim_ascii();
                if raw.is_empty() {
                    return Err(err("empty array element"));
                }
                items.push(if raw.eq_ignore_ascii_case(b"NULL") {
                    Value::Null
                } else {
                    decode_text(element, raw)?
                });
            }
            None => return Err(err("unterminated array")),
        }
        match s.get(*pos) {
            Some(b',') => *pos += 1,
            Some(b'}') => {
                *pos += 1;
                return Ok(Value::Array(items));
            }
            _ => return Err(err("expected , or } in array")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(type_oid: u32, text: &str) -> Value {
        decode_text(type_oid, text.as_bytes()).unwrap()
    }

    #[test]
    fn scalars() {
        assert_eq!(d(oid::BOOL, "t"), Value::Bool(true));
        assert_eq!(d(oid::INT8, "-9223372036854775808"), Value::Int(i64::MIN));
        assert_eq!(d(oid::INT8, "9223372036854775807"), Value::Int(i64::MAX));
        assert_eq!(d(oid::INT4, "0"), Value::Int(0));
        assert_eq!(d(oid::INT2, "-12"), Value::Int(-12));
        for bad in [
            "",
            "-",
            "+1",
            "1.0",
            " 1",
            "9223372036854775808",
            "-9223372036854775809",
        ] {
            assert!(decode_text(oid::INT8, bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert_eq!(d(oid::FLOAT8, "1.5e-7"), Value::Float(1.5e-7));
        assert!(matches!(d(oid::FLOAT4, "NaN"), Value::Float(f) if f.is_nan()));
        assert_eq!(d(oid::FLOAT8, "-Infinity"), Value::Float(f64::NEG_INFINITY));
        assert_eq!(
            d(oid::NUMERIC, "12345678901234567890.000001"),
            Value::Numeric("12345678901234567890.000001".into())
        );
        assert_eq!(
            d(oid::JSONB, r#"{"a": [1]}"#),
            Value::Json(r#"{"a": [1]}"#.into())
        );
        assert_eq!(d(oid::VARCHAR, "héllo"), Value::Text("héllo".into()));
        assert_eq!(d(999_999, "unknown type"), Value::Text("unknown type".into()));
        assert_eq!(
            d(oid::UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
            Value::Uuid([
                0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a,
                0x11
            ])
        );
    }

    #[test]
    fn bytea_hex_and_escape() {
        assert_eq!(d(oid::BYTEA, "\\x00ff10"), Value::Bytea(vec![0, 255, 16]));
        assert_eq!(d(oid::BYTEA, "a\\\\b\\001"), Value::Bytea(b"a\\b\x01".to_vec()));
        assert!(decode_text(oid::BYTEA, b"\\x0").is_err());
        assert!(decode_text(oid::BYTEA, b"\\9").is_err());
    }

    #[test]
    fn dates_and_timestamps() {
        assert_eq!(d(oid::DATE, "1970-01-01"), Value::Date(0));
        assert_eq!(d(oid::DATE, "2000-03-01"), Value::Date(11_017));
        assert_eq!(d(oid::DATE, "1969-12-31"), Value::Date(-1));
        // 1 BC is astronomical year 0; its March 1st is 719,468 days before
        // the epoch.
        assert_eq!(d(oid::DATE, "0001-03-01 BC"), Value::Date(-719_468));
        assert_eq!(d(oid::DATE, "infinity"), Value::Date(i32::MAX));
        assert_eq!(
            d(oid::TIMESTAMP, "2024-02-29 12:34:56.5"),
            Value::Timestamp(1_709_210_096_500_000)
        );
        assert_eq!(
            d(oid::TIMESTAMPTZ, "2024-02-29 12:34:56.5+00"),
            Value::TimestampTz(1_709_210_096_500_000)
        );
        assert_eq!(
            d(oid::TIMESTAMPTZ, "2024-02-29 18:04:56.5+05:30"),
            Value::TimestampTz(1_709_210_096_500_000)
        );
        assert_eq!(
            d(oid::TIMESTAMPTZ, "1970-01-01 00:00:00-00:00:01"),
            Value::TimestampTz(1_000_000)
        );
        assert_eq!(d(oid::TIMESTAMP, "-infinity"), Value::Timestamp(i64::MIN));
        for bad in [
            "2024-13-01 00:00:00",
            "2024-01-01",
            "2024-01-01 00:00:00.1234567",
            "2024-01-01 00:00:00+",
        ] {
            assert!(decode_text(oid::TIMESTAMPTZ, bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn arrays() {
        assert_eq!(
            d(1007, "{1,NULL,-3}"),
            Value::Array(vec![Value::Int(1), Value::Null, Value::Int(-3)])
        );
        assert_eq!(d(1009, "{}"), Value::Array(vec![]));
        assert_eq!(
            d(1009, r#"{"a b","c\"d",NULL,"NULL",e}"#),
            Value::Array(vec![
                Value::Text("a b".into()),
                Value::Text("c\"d".into()),
                Value::Null,
                Value::Text("NULL".into()),
                Value::Text("e".into())
            ])
        );
        assert_eq!(
            d(1005, "[0:1][1:1]={{1},{2}}"),
            Value::Array(vec![
                Value::Array(vec![Value::Int(1)]),
                Value::Array(vec![Value::Int(2)])
            ])
        );
        assert_eq!(d(1001, r#"{"\\x01"}"#), Value::Array(vec![Value::Bytea(vec![1])]));
        for bad in ["{1,2", "{1,,2}", "{1}x", "1,2", "{{{{{{{1}}}}}}}", "{\"a}"] {
            assert!(decode_text(1007, bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
