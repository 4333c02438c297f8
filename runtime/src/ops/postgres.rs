//! Howth.SQL's native half: one Postgres protocol state machine
//! (howth-protocols' sans-I/O `Connection`) per connection JS opened. JS
//! owns the socket (an outgoing connection of the loop): it hands the
//! bytes read to `pgReceive` and writes what `pgOutput` gives, once per
//! turn, so every query issued during a turn leaves in one write.
//! ts-lib/sql.ts is the JS half; ts-lib/ops.d.ts pins the contract.
//!
//! Results cross as two flat arrays, numbers and strings (see
//! [`Postgres::push_event`]), so a result of any size is two V8 calls
//! rather than one per value; JS turns each cell's text into its type.

use std::collections::HashMap;

use howth_engine::{CallArgs, ErrorKind, Isolate, Kind};
use howth_protocols::postgres::{
    Config, Connection, Error, Event, QueryResult, ServerError, TransactionStatus,
};

use super::strings_out::StringsOut;
use crate::RuntimeState;

/// Event tags in `pgReceive`'s numbers (ts-lib/sql_wire.ts mirrors them).
mod tag {
    pub const READY: f64 = 1.0;
    pub const COMPLETE: f64 = 2.0;
    pub const QUERY_ERROR: f64 = 3.0;
    pub const SIMPLE_COMPLETE: f64 = 4.0;
    pub const SIMPLE_ERROR: f64 = 5.0;
    pub const NOTIFICATION: f64 = 6.0;
    pub const NOTICE: f64 = 7.0;
    pub const FAILED: f64 = 8.0;
}

/// Why something failed, the number after an error tag.
fn error_kind(e: &Error) -> f64 {
    match e {
        Error::Server(_) => 0.0,
        Error::Auth(_) => 1.0,
        Error::Protocol(_) => 2.0,
        Error::Closed => 3.0,
    }
}

/// The open connections' protocol states and the output of the last
/// `pgReceive` (its strings are taken with `pgStrings`).
#[derive(Default)]
pub struct Postgres {
    conns: HashMap<u32, Connection>,
    next_id: u32,
    nums: Vec<f64>,
    strings: StringsOut,
    scratch: Vec<u8>,
    params: Vec<u8>,
    param_ends: Vec<Option<(usize, usize)>>,
}

impl Postgres {
    fn string(&mut self, s: &[u8]) {
        self.strings.push(s);
    }

    fn opt(&mut self, s: &Option<String>) {
        self.string(s.as_deref().unwrap_or("").as_bytes());
    }

    /// Twelve strings: severity, code, message, detail, hint, position,
    /// where, schema, table, column, data type, constraint ("" when the
    /// server sent none). Errors that are not the server's have only a
    /// message.
    fn error(&mut self, e: &Error) {
        let server;
        let e: &ServerError = match e {
            Error::Server(s) => s,
            other => {
                server = ServerError {
                    severity: "ERROR".into(),
                    message: other.to_string(),
                    ..ServerError::default()
                };
                &server
            }
        };
        self.string(e.severity.as_bytes());
        self.string(e.code.as_bytes());
        self.string(e.message.as_bytes());
        self.opt(&e.detail);
        self.opt(&e.hint);
        let position = e.position.map(|p| p.to_string());
        self.opt(&position);
        self.opt(&e.where_);
        self.opt(&e.schema);
        self.opt(&e.table);
        self.opt(&e.column);
        self.opt(&e.data_type);
        self.opt(&e.constraint);
    }

    /// A result: numbers [columns, rows, affected (-1: none), type OID per
    /// column, NULL count, each NULL's cell index]; strings: the command
    /// tag, the column names, then every cell row by row ("" for NULL).
    fn result(&mut self, r: &QueryResult) {
        let width = r.columns.len();
        let affected = r.affected().map_or(-1.0, |n| n as f64);
        self.nums
            .extend_from_slice(&[width as f64, r.rows.len() as f64, affected]);
        self.nums.extend(r.columns.iter().map(|c| f64::from(c.type_oid)));
        let null_count_at = self.nums.len();
        self.nums.push(0.0);
        self.string(r.tag.as_bytes());
        for c in r.columns.iter() {
            self.string(c.name.as_bytes());
        }
        let mut nulls = 0;
        for (i, row) in r.rows.iter().enumerate() {
            for col in 0..row.len() {
                match row.raw(col) {
                    Some(text) => self.string(text),
                    None => {
                        self.string(b"");
                        self.nums.push((i * width + col) as f64);
                        nulls += 1;
                    }
                }
            }
        }
        self.nums[null_count_at] = nulls as f64;
    }

    fn push_event(&mut self, event: Event) {
        match event {
            Event::Ready => self.nums.push(tag::READY),
            Event::Complete { id, result: Ok(r) } => {
                self.nums.extend_from_slice(&[tag::COMPLETE, id as f64]);
                self.result(&r);
            }
            Event::Complete { id, result: Err(e) } => {
                self.nums
                    .extend_from_slice(&[tag::QUERY_ERROR, id as f64, error_kind(&e)]);
                self.error(&e);
            }
            Event::SimpleComplete {
                id,
                result: Ok(results),
            } => {
                self.nums
                    .extend_from_slice(&[tag::SIMPLE_COMPLETE, id as f64, results.len() as f64]);
                for r in &results {
                    self.result(r);
                }
            }
            Event::SimpleComplete { id, result: Err(e) } => {
                self.nums
                    .extend_from_slice(&[tag::SIMPLE_ERROR, id as f64, error_kind(&e)]);
                self.error(&e);
            }
            Event::Notification {
                process_id,
                channel,
                payload,
            } => {
                self.nums
                    .extend_from_slice(&[tag::NOTIFICATION, f64::from(process_id)]);
                self.string(channel.as_bytes());
                self.string(payload.as_bytes());
            }
            Event::Notice(notice) => {
                self.nums.push(tag::NOTICE);
                self.error(&Error::Server(Box::new(notice)));
            }
            Event::Failed(e) => {
                self.nums.extend_from_slice(&[tag::FAILED, error_kind(&e)]);
                self.error(&e);
            }
        }
    }

    /// Every event connection `id` has ready, encoded; the strings stay
    /// for `pgStrings`.
    fn drain(&mut self, id: u32) {
        self.nums.clear();
        self.strings.clear();
        while let Some(event) = self.conns.get_mut(&id).and_then(Connection::poll_event) {
            self.push_event(event);
        }
    }
}

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    iso.set_op("pgOpen", op_open::<X>);
    iso.set_op("pgQuery", op_query::<X>);
    iso.set_op("pgSimpleQuery", op_simple_query::<X>);
    iso.set_op("pgOutput", op_output::<X>);
    iso.set_op("pgReceive", op_receive::<X>);
    iso.set_op("pgStrings", op_strings::<X>);
    iso.set_op("pgLost", op_lost::<X>);
    iso.set_op("pgClose", op_close::<X>);
    iso.set_op("pgStatus", op_status::<X>);
}

/// `pgOpen(json)`: a new connection's id; its startup message waits in
/// `pgOutput`. JSON: {user, password?, database?, applicationName?,
/// params?: {name: value}}.
fn op_open<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let v: serde_json::Value = match serde_json::from_str(&args.string(0)) {
        Ok(v) => v,
        Err(e) => return args.throw(ErrorKind::TypeError, &format!("pgOpen: bad options: {e}")),
    };
    let text = |k: &str| v[k].as_str().map(str::to_owned);
    let Some(user) = text("user") else {
        return args.throw(ErrorKind::TypeError, "pgOpen: user must be a string");
    };
    let params = v["params"]
        .as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let mut conn = Connection::new(Config {
        user,
        password: text("password"),
        database: text("database"),
        application_name: text("applicationName"),
        params,
        tls_server_end_point: None,
    });
    conn.start();
    let pg = &mut state.postgres;
    let id = pg.next_id;
    pg.next_id = pg.next_id.wrapping_add(1);
    pg.conns.insert(id, conn);
    args.return_number(f64::from(id));
}

fn conn_id(args: &CallArgs<'_>) -> u32 {
    args.number(0) as u32
}

/// Appends parameter `i` as Postgres text to `out`: a string as UTF-8, bytes
/// as bytea's hex form. None for NULL (null or undefined).
fn param(args: &CallArgs<'_>, i: usize, out: &mut Vec<u8>) -> Option<(usize, usize)> {
    let start = out.len();
    match args.kind(i) {
        Kind::Null | Kind::Undefined => return None,
        Kind::View | Kind::ArrayBuffer => {
            let mut raw = Vec::new();
            args.append_bytes(i, &mut raw);
            out.extend_from_slice(b"\\x");
            for b in raw {
                out.extend_from_slice(&HEX[usize::from(b)]);
            }
        }
        _ => {
            args.append_utf8(i, out);
        }
    }
    Some((start, out.len()))
}

/// Two lowercase hex digits per byte value.
const HEX: [[u8; 2]; 256] = {
    let digits = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [digits[i >> 4], digits[i & 15]];
        i += 1;
    }
    t
};

/// `pgQuery(id, text, ...params)`: queues the query (extended protocol,
/// prepared once per connection); the query id. Parameters: string (sent
/// as text), Uint8Array (bytea), null/undefined (NULL).
fn op_query<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let pg = &mut state.postgres;
    let id = conn_id(args);
    let mut text = std::mem::take(&mut pg.scratch);
    text.clear();
    args.append_utf8(1, &mut text);
    let mut bytes = std::mem::take(&mut pg.params);
    let mut ends = std::mem::take(&mut pg.param_ends);
    bytes.clear();
    ends.clear();
    for i in 2..args.len() {
        ends.push(param(args, i, &mut bytes));
    }
    let values: Vec<Option<&[u8]>> = ends.iter().map(|r| r.map(|(s, e)| &bytes[s..e])).collect();
    // append_utf8 wrote valid UTF-8.
    let result = pg
        .conns
        .get_mut(&id)
        .map(|conn| conn.query(std::str::from_utf8(&text).unwrap_or(""), &values));
    drop(values);
    pg.scratch = text;
    pg.params = bytes;
    pg.param_ends = ends;
    match result {
        Some(qid) => args.return_number(qid as f64),
        None => args.throw(ErrorKind::Error, "postgres: connection closed"),
    }
}

/// `pgSimpleQuery(id, text)`: queues text of any number of statements
/// (simple query protocol, no parameters); the query id.
fn op_simple_query<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let text = args.string(1);
    match state.postgres.conns.get_mut(&conn_id(args)) {
        Some(conn) => {
            let qid = conn.simple_query(&text);
            args.return_number(qid as f64)
        }
        None => args.throw(ErrorKind::Error, "postgres: connection closed"),
    }
}

/// `pgOutput(id)`: the bytes to write, or undefined when there are none.
fn op_output<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let pg = &mut state.postgres;
    let Some(conn) = pg.conns.get_mut(&conn_id(args)) else {
        return args.return_undefined();
    };
    let mut out = std::mem::take(&mut pg.scratch);
    out.clear();
    conn.take_output(&mut out);
    if out.is_empty() {
        args.return_undefined();
    } else {
        args.return_bytes(&out);
    }
    pg.scratch = out;
}

/// `pgReceive(id, bytes)`: feeds what the socket read; the events it
/// completed as numbers (strings in `pgStrings`). Authentication may leave
/// output: call `pgOutput` after.
fn op_receive<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let pg = &mut state.postgres;
    let id = conn_id(args);
    let mut input = std::mem::take(&mut pg.scratch);
    input.clear();
    args.append_bytes(1, &mut input);
    if let Some(conn) = pg.conns.get_mut(&id) {
        conn.receive(&input);
    }
    pg.scratch = input;
    pg.drain(id);
    args.return_numbers(&pg.nums);
}

/// `pgStrings()`: the strings of the last `pgReceive` or `pgLost`.
fn op_strings<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    state.postgres.strings.return_to(args);
}

/// `pgLost(id)`: the socket closed or failed; the failure and every
/// waiting query's error, as `pgReceive` gives them.
fn op_lost<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let pg = &mut state.postgres;
    let id = conn_id(args);
    if let Some(conn) = pg.conns.get_mut(&id) {
        conn.connection_lost();
    }
    pg.drain(id);
    args.return_numbers(&pg.nums);
}

/// `pgClose(id)`: forgets the connection; the Terminate message to write
/// before closing the socket (undefined when it was gone already).
fn op_close<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let Some(mut conn) = state.postgres.conns.remove(&conn_id(args)) else {
        return args.return_undefined();
    };
    conn.terminate();
    let mut out = Vec::new();
    conn.take_output(&mut out);
    args.return_bytes(&out);
}

/// `pgStatus(id)`: the transaction status of the last ReadyForQuery, as
/// the protocol writes it: "I" idle, "T" in a transaction, "E" in a failed
/// one ("" when the connection is gone).
fn op_status<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let status = match state
        .postgres
        .conns
        .get(&conn_id(args))
        .map(Connection::transaction_status)
    {
        Some(TransactionStatus::Idle) => "I",
        Some(TransactionStatus::InTransaction) => "T",
        Some(TransactionStatus::Failed) => "E",
        None => "",
    };
    args.return_latin1(status.as_bytes());
}
