//! The ops of outgoing connections with the raw-bytes driver (see
//! ts-lib/ops.d.ts, "outgoing connections"): what node:net and node:tls
//! are built on. A connection is (key, id): the key finds it in the
//! sources, the id makes sure it is still the same connection (keys are
//! reused, ids never).
use std::time::Duration;

use howth_runtime::{CallArgs, ErrorKind, Isolate, Kind, RuntimeState};
use serde_json::Value as Json;

use crate::client::{parse_addrs, tls_options, ConnectOptions, Driver, Http, Raw};
use crate::state::LoopState;

type State = RuntimeState<LoopState>;

pub fn register(iso: &mut Isolate<State>) {
    iso.set_op("netConnect", op_connect);
    iso.set_op("netWrite", op_write);
    iso.set_op("netEnd", op_end);
    iso.set_op("netDestroy", op_destroy);
    iso.set_op("netPause", op_pause);
    iso.set_op("netResume", op_resume);
    iso.set_op("netRef", op_ref);
    iso.set_op("netSetNoDelay", op_set_no_delay);
    iso.set_op("netAddresses", op_addresses);
    iso.set_op("setNetCallback", op_set_callback);
    iso.set_op("netTakeEvents", op_take_events);
    iso.set_op("netTakeBytes", op_take_bytes);
    iso.set_op("netTakeErrors", op_take_errors);
}

/// What netConnect's JSON says, checked: the connect and the driver.
fn connect_options(json: &str) -> Result<(ConnectOptions, Driver), String> {
    let v: Json = serde_json::from_str(json).map_err(|e| format!("netConnect: bad options: {e}"))?;
    let addrs: Vec<String> = v["addrs"]
        .as_array()
        .ok_or("netConnect: addrs must be an array of IP addresses")?
        .iter()
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    let addrs = parse_addrs(&addrs).map_err(|e| format!("netConnect: {e}"))?;
    let port = v["port"]
        .as_u64()
        .filter(|p| *p <= 65535)
        .ok_or("netConnect: port must be an integer from 0 to 65535")? as u16;
    let timeout = v["timeout"]
        .as_f64()
        .filter(|t| *t > 0.0)
        .map(|ms| Duration::from_secs_f64(ms / 1000.0));
    let tls = match &v["tls"] {
        Json::Object(t) => {
            let name = t
                .get("servername")
                .and_then(Json::as_str)
                .ok_or("netConnect: tls.servername must be a string")?
                .to_string();
            let ca = t.get("ca").and_then(Json::as_str).map(str::to_string);
            let reject = t
                .get("rejectUnauthorized")
                .and_then(Json::as_bool)
                .unwrap_or(true);
            let alpn = match t.get("alpn") {
                Some(Json::Array(list)) => list
                    .iter()
                    .filter_map(|p| p.as_str().map(|s| s.as_bytes().to_vec()))
                    .collect(),
                _ => Vec::new(),
            };
            Some((name, tls_options(ca, reject, alpn)))
        }
        _ => None,
    };
    let driver = match &v["http"] {
        Json::Object(h) => {
            let decompress = h.get("decompress").and_then(Json::as_bool).unwrap_or(true);
            Driver::Http(Box::new(Http::new(decompress)))
        }
        _ => Driver::Raw(Raw),
    };
    let opts = ConnectOptions {
        addrs,
        port,
        tls,
        timeout,
    };
    Ok((opts, driver))
}

/// `netConnect(json)`: [key, id]; key -1 when the connect failed at once
/// (its error and close events come next turn).
fn op_connect(state: &mut State, args: &mut CallArgs<'_>) {
    let (opts, driver) = match connect_options(&args.string(0)) {
        Ok(o) => o,
        Err(e) => return args.throw(ErrorKind::TypeError, &e),
    };
    let (key, id) = state.ext.connect_client(opts, driver);
    args.return_numbers(&[key.map_or(-1.0, |k| k as f64), id as f64]);
}

/// The connection of arguments 0 and 1 (key, id).
pub(crate) fn conn(args: &CallArgs<'_>) -> (usize, u64) {
    (args.number(0).max(0.0) as usize, args.number(1).max(0.0) as u64)
}

/// `netWrite(key, id, data)`: false once the output is over the
/// high-water mark (wait for the drain event).
fn op_write(state: &mut State, args: &mut CallArgs<'_>) {
    let (key, id) = conn(args);
    let ext = &mut state.ext;
    let mut data = std::mem::take(&mut ext.client_scratch);
    data.clear();
    match args.kind(2) {
        Kind::String => {
            args.append_utf8(2, &mut data);
        }
        _ => {
            args.append_bytes(2, &mut data);
        }
    }
    let under = match ext.sources.client_mut(key).filter(|c| c.id() == id) {
        Some(c) => c.send(&data, &mut ext.clients.events),
        None => false,
    };
    ext.client_scratch = data;
    ext.mark_client_dirty(key);
    args.return_bool(under);
}

fn op_end(state: &mut State, args: &mut CallArgs<'_>) {
    let (key, id) = conn(args);
    if let Some(c) = state.ext.client_of(key, id) {
        c.end();
        state.ext.mark_client_dirty(key);
    }
}

fn op_destroy(state: &mut State, args: &mut CallArgs<'_>) {
    let (key, id) = conn(args);
    if let Some(c) = state.ext.client_of(key, id) {
        c.destroy();
        state.ext.client_maybe_done(key);
    }
}

fn op_pause(state: &mut State, args: &mut CallArgs<'_>) {
    let (key, id) = conn(args);
    if let Some(c) = state.ext.client_of(key, id) {
        c.set_paused(true);
    }
}

fn op_resume(state: &mut State, args: &mut CallArgs<'_>) {
    let (key, id) = conn(args);
    if let Some(c) = state.ext.client_of(key, id) {
        c.set_paused(false);
        // Edge-triggered: bytes that arrived while paused raised no new
        // event, so read them next turn.
        state.ext.clients.revisit.push(key);
    }
}

fn op_ref(state: &mut State, args: &mut CallArgs<'_>) {
    let (key, id) = conn(args);
    state.ext.ref_client(key, id, args.bool(2));
}

fn op_set_no_delay(state: &mut State, args: &mut CallArgs<'_>) {
    let (key, id) = conn(args);
    if let Some(c) = state.ext.client_of(key, id) {
        c.set_no_delay(args.bool(2));
    }
}

/// `netAddresses(key, id)`: [localAddress, localPort, remoteAddress,
/// remotePort] as strings, or undefined when not connected.
fn op_addresses(state: &mut State, args: &mut CallArgs<'_>) {
    let (key, id) = conn(args);
    let Some((local, remote)) = state.ext.client_of(key, id).and_then(|c| c.addresses()) else {
        return args.return_undefined();
    };
    let parts = [
        local.ip().to_string(),
        local.port().to_string(),
        remote.ip().to_string(),
        remote.port().to_string(),
    ];
    let items: Vec<&[u8]> = parts.iter().map(|s| s.as_bytes()).collect();
    args.return_strings(&items, true);
}

fn op_set_callback(state: &mut State, args: &mut CallArgs<'_>) {
    if args.kind(0) != Kind::Function {
        return args.throw(ErrorKind::TypeError, "setNetCallback expects a function");
    }
    state.ext.clients.callback = Some(args.value(0));
}

/// This turn's events, flat: [id, kind, argument, ...].
fn op_take_events(state: &mut State, args: &mut CallArgs<'_>) {
    let nums = state.ext.clients.delivering.take_nums();
    args.return_numbers(&nums);
}

/// This turn's data, every data event's bytes one after the other.
fn op_take_bytes(state: &mut State, args: &mut CallArgs<'_>) {
    let events = &mut state.ext.clients.delivering;
    args.return_bytes(events.bytes());
    events.clear_bytes();
}

/// This turn's error texts: "CODE message".
fn op_take_errors(state: &mut State, args: &mut CallArgs<'_>) {
    let errors = state.ext.clients.delivering.take_errors();
    let items: Vec<&[u8]> = errors.iter().map(|s| s.as_bytes()).collect();
    args.return_strings(&items, false);
}
