//! Howth.RedisClient's native half: one RESP state machine (howth-protocols'
//! sans-I/O `Client`) per connection JS opened. As for Postgres
//! (postgres.rs), JS owns the socket: it hands the bytes read to
//! `redisReceive` and writes what `redisOutput` gives once per turn, so
//! every command issued during a turn leaves in one write (automatic
//! pipelining). ts-lib/redis.ts is the JS half; ts-lib/ops.d.ts pins the
//! contract.
//!
//! Replies cross as two flat arrays, numbers and strings (see
//! [`Redis::value`]).

use std::collections::HashMap;

use howth_engine::{CallArgs, ErrorKind, Isolate, Kind};
use howth_protocols::redis::{Client, Config, Error, Event, Protocol, Value};

use super::strings_out::StringsOut;
use crate::RuntimeState;

/// Event tags in `redisReceive`'s numbers (ts-lib/redis.ts mirrors them).
mod tag {
    pub const READY: f64 = 1.0;
    pub const REPLY: f64 = 2.0;
    pub const REPLY_ERROR: f64 = 3.0;
    pub const PUSH: f64 = 4.0;
    pub const FAILED: f64 = 5.0;
}

/// Value tags (ts-lib/redis.ts mirrors them).
mod value {
    pub const NIL: f64 = 0.0;
    pub const SIMPLE: f64 = 1.0;
    pub const BULK: f64 = 2.0;
    pub const INT: f64 = 3.0;
    pub const DOUBLE: f64 = 4.0;
    pub const BOOL: f64 = 5.0;
    pub const BIG_NUMBER: f64 = 6.0;
    pub const ARRAY: f64 = 7.0;
    pub const MAP: f64 = 8.0;
    pub const SET: f64 = 9.0;
    pub const PUSH: f64 = 10.0;
    pub const ERROR: f64 = 11.0;
}

struct Conn {
    client: Client,
    /// Encoded commands not yet handed to JS for the socket.
    out: Vec<u8>,
}

/// The open connections and the output of the last `redisReceive` (its
/// strings are taken with `redisStrings`).
#[derive(Default)]
pub struct Redis {
    conns: HashMap<u32, Conn>,
    next_id: u32,
    nums: Vec<f64>,
    strings: StringsOut,
    args: Vec<u8>,
    arg_ends: Vec<usize>,
}

impl Redis {
    fn string(&mut self, s: &[u8]) {
        self.strings.push(s);
    }

    /// A value in prefix order: its tag, then a number (int, double, bool,
    /// or an aggregate's length, a map's in pairs) or a string (simple,
    /// bulk, big number; an error's code and message), then an
    /// aggregate's elements.
    fn value(&mut self, v: &Value) {
        match v {
            Value::Nil => self.nums.push(value::NIL),
            Value::Simple(s) => {
                self.nums.push(value::SIMPLE);
                self.string(s.as_bytes());
            }
            Value::Bulk(b) => {
                self.nums.push(value::BULK);
                self.string(b);
            }
            Value::Int(n) => self.nums.extend_from_slice(&[value::INT, *n as f64]),
            Value::Double(d) => self.nums.extend_from_slice(&[value::DOUBLE, *d]),
            Value::Bool(b) => self
                .nums
                .extend_from_slice(&[value::BOOL, f64::from(u8::from(*b))]),
            Value::BigNumber(s) => {
                self.nums.push(value::BIG_NUMBER);
                self.string(s.as_bytes());
            }
            Value::Array(items) | Value::Set(items) | Value::Push(items) => {
                let tag = match v {
                    Value::Array(_) => value::ARRAY,
                    Value::Set(_) => value::SET,
                    _ => value::PUSH,
                };
                self.nums.extend_from_slice(&[tag, items.len() as f64]);
                for item in items {
                    self.value(item);
                }
            }
            Value::Map(pairs) => {
                self.nums.extend_from_slice(&[value::MAP, pairs.len() as f64]);
                for (k, v) in pairs {
                    self.value(k);
                    self.value(v);
                }
            }
            Value::Error(e) => {
                self.nums.push(value::ERROR);
                self.string(e.code.as_bytes());
                self.string(e.message.as_bytes());
            }
        }
    }

    /// An error as a code ("ERR", "WRONGTYPE", "ERR_REDIS_CONNECTION_CLOSED",
    /// ...) and a message.
    fn error(&mut self, e: &Error) {
        match e {
            Error::Server(s) => {
                self.string(s.code.as_bytes());
                self.string(s.message.as_bytes());
            }
            Error::Protocol(_) => {
                self.string(b"ERR_REDIS_INVALID_RESPONSE");
                self.string(e.to_string().as_bytes());
            }
            Error::Closed => {
                self.string(b"ERR_REDIS_CONNECTION_CLOSED");
                self.string(b"Connection closed");
            }
        }
    }

    fn push_event(&mut self, event: Event) {
        match event {
            Event::Ready => self.nums.push(tag::READY),
            Event::Reply { id, result: Ok(v) } => {
                self.nums.extend_from_slice(&[tag::REPLY, id as f64]);
                self.value(&v);
            }
            Event::Reply { id, result: Err(e) } => {
                self.nums.extend_from_slice(&[tag::REPLY_ERROR, id as f64]);
                self.error(&e);
            }
            Event::Push(items) => {
                self.nums.push(tag::PUSH);
                self.value(&Value::Push(items));
            }
            Event::Failed(e) => {
                self.nums.push(tag::FAILED);
                self.error(&e);
            }
        }
    }

    fn drain(&mut self, id: u32) {
        self.nums.clear();
        self.strings.clear();
        while let Some(event) = self.conns.get_mut(&id).and_then(|c| c.client.poll_event()) {
            self.push_event(event);
        }
    }
}

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    iso.set_op("redisOpen", op_open::<X>);
    iso.set_op("redisCommand", op_command::<X>);
    iso.set_op("redisOutput", op_output::<X>);
    iso.set_op("redisReceive", op_receive::<X>);
    iso.set_op("redisStrings", op_strings::<X>);
    iso.set_op("redisLost", op_lost::<X>);
    iso.set_op("redisClose", op_close::<X>);
}

/// `redisOpen(json)`: a new connection's id; its handshake (AUTH, HELLO,
/// SELECT) waits in `redisOutput`. JSON: {username?, password?, database?,
/// resp3?, clientName?}.
fn op_open<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let v: serde_json::Value = match serde_json::from_str(&args.string(0)) {
        Ok(v) => v,
        Err(e) => return args.throw(ErrorKind::TypeError, &format!("redisOpen: bad options: {e}")),
    };
    let text = |k: &str| v[k].as_str().map(str::to_owned);
    let Ok(database) = u32::try_from(v["database"].as_u64().unwrap_or(0)) else {
        return args.throw(
            ErrorKind::RangeError,
            "redisOpen: database must be a small integer",
        );
    };
    let mut client = Client::new(Config {
        protocol: if v["resp3"].as_bool() == Some(true) {
            Protocol::Resp3
        } else {
            Protocol::Resp2
        },
        username: text("username"),
        password: text("password"),
        database,
        client_name: text("clientName"),
    });
    let mut out = Vec::new();
    client.start(&mut out);
    let r = &mut state.redis;
    let id = r.next_id;
    r.next_id = r.next_id.wrapping_add(1);
    r.conns.insert(id, Conn { client, out });
    args.return_number(f64::from(id));
}

fn conn_id(args: &CallArgs<'_>) -> u32 {
    args.number(0) as u32
}

/// `redisCommand(id, name, ...args)`: queues the command; its id. Each
/// argument is a string (sent as UTF-8) or bytes; numbers and the rest are
/// JS's to stringify first.
fn op_command<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let r = &mut state.redis;
    let id = conn_id(args);
    let mut bytes = std::mem::take(&mut r.args);
    let mut ends = std::mem::take(&mut r.arg_ends);
    bytes.clear();
    ends.clear();
    for i in 1..args.len() {
        match args.kind(i) {
            Kind::View | Kind::ArrayBuffer => args.append_bytes(i, &mut bytes),
            _ => args.append_utf8(i, &mut bytes),
        };
        ends.push(bytes.len());
    }
    let mut start = 0;
    let parts: Vec<&[u8]> = ends
        .iter()
        .map(|&end| {
            let s = &bytes[start..end];
            start = end;
            s
        })
        .collect();
    let cid = r.conns.get_mut(&id).map(|c| c.client.command(&parts, &mut c.out));
    drop(parts);
    r.args = bytes;
    r.arg_ends = ends;
    match cid {
        Some(cid) => args.return_number(cid as f64),
        None => args.throw(ErrorKind::Error, "redis: connection closed"),
    }
}

/// `redisOutput(id)`: the bytes to write, or undefined when there are none.
fn op_output<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    match state.redis.conns.get_mut(&conn_id(args)) {
        Some(c) if !c.out.is_empty() => {
            args.return_bytes(&c.out);
            c.out.clear();
        }
        _ => args.return_undefined(),
    }
}

/// `redisReceive(id, bytes)`: feeds what the socket read; the events it
/// completed as numbers (strings in `redisStrings`).
fn op_receive<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let r = &mut state.redis;
    let id = conn_id(args);
    let mut input = std::mem::take(&mut r.args);
    input.clear();
    args.append_bytes(1, &mut input);
    if let Some(c) = r.conns.get_mut(&id) {
        c.client.receive(&input);
    }
    r.args = input;
    r.drain(id);
    args.return_numbers(&r.nums);
}

/// `redisStrings()`: the strings of the last `redisReceive` or `redisLost`.
fn op_strings<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    state.redis.strings.return_to(args);
}

/// `redisLost(id)`: the socket closed or failed; the failure and every
/// waiting command's error, as `redisReceive` gives them.
fn op_lost<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let r = &mut state.redis;
    let id = conn_id(args);
    if let Some(c) = r.conns.get_mut(&id) {
        c.client.connection_lost();
    }
    r.drain(id);
    args.return_numbers(&r.nums);
}

/// `redisClose(id)`: forgets the connection.
fn op_close<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    state.redis.conns.remove(&conn_id(args));
}
