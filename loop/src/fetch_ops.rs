//! The ops of fetch()'s HTTP/1.1 driver (client/http.rs; contract in
//! ts-lib/ops.d.ts): a request head and body written into a connection
//! opened by netConnect with `http`, the body streamed in chunks when its
//! length is unknown. Responses come back as the connection's events.
use howth_protocols::http::{write_request_head, BodyWriter, Framing};
use howth_runtime::{CallArgs, ErrorKind, Isolate, Kind, RuntimeState};

use crate::net_ops::conn;
use crate::state::LoopState;

type State = RuntimeState<LoopState>;

pub fn register(iso: &mut Isolate<State>) {
    iso.set_op("fetchRequest", op_request);
    iso.set_op("fetchBodyChunk", op_body_chunk);
    iso.set_op("fetchBodyEnd", op_body_end);
}

/// Appends argument `i` (a string or bytes) to `out`.
fn append_data(args: &CallArgs<'_>, i: usize, out: &mut Vec<u8>) {
    match args.kind(i) {
        Kind::String => {
            args.append_utf8(i, out);
        }
        Kind::Undefined | Kind::Null => {}
        _ => {
            args.append_bytes(i, out);
        }
    }
}

/// `fetchRequest(key, id, method, target, host, headers, length, body?)`:
/// writes a request (headers flat [name, value, ...]; length -1 for no
/// body, -2 for a chunked body that fetchBodyChunk/fetchBodyEnd stream, or
/// the body's byte length, the body then given whole). False once the
/// output is over the high-water mark. Throws TypeError for a head that
/// cannot be sent (bad method, header name or value).
fn op_request(state: &mut State, args: &mut CallArgs<'_>) {
    let (key, id) = conn(args);
    let method = args.string(2);
    let target = args.string(3);
    let host = args.string(4);
    let ext = &mut state.ext;
    ext.hdr_bytes.clear();
    ext.hdr_ends.clear();
    if args
        .strings_into(5, &mut ext.hdr_bytes, &mut ext.hdr_ends)
        .is_none()
    {
        return args.throw(
            ErrorKind::TypeError,
            "fetchRequest: headers must be an array of strings",
        );
    }
    let mut fields: Vec<(&str, &[u8])> = Vec::with_capacity(ext.hdr_ends.len() / 2);
    let mut start = 0;
    let mut pairs = ext.hdr_ends.chunks_exact(2);
    for pair in &mut pairs {
        let (name_end, value_end) = (pair[0] as usize, pair[1] as usize);
        let name = std::str::from_utf8(&ext.hdr_bytes[start..name_end]).unwrap_or("\u{0}");
        fields.push((name, &ext.hdr_bytes[name_end..value_end]));
        start = value_end;
    }
    let length = args.number(6);
    let framing = if length == -1.0 {
        Framing::None
    } else if length == -2.0 {
        Framing::Chunked
    } else {
        Framing::Length(length.max(0.0) as u64)
    };
    let mut out = std::mem::take(&mut ext.client_scratch);
    out.clear();
    if let Err(e) = write_request_head(&mut out, &method, &target, &host, &fields, framing) {
        ext.client_scratch = out;
        return args.throw(ErrorKind::TypeError, &format!("fetch: {e}"));
    }
    if let Framing::Length(_) = framing {
        append_data(args, 7, &mut out);
    }
    let ext = &mut state.ext;
    let under = match ext.sources.client_mut(key).filter(|c| c.id() == id) {
        Some(c) => {
            if let Some(h) = c.http_mut() {
                h.request_sent(&method);
                h.writer = matches!(framing, Framing::Chunked).then(|| BodyWriter::new(framing));
            }
            c.send(&out, &mut ext.clients.events)
        }
        None => false,
    };
    ext.client_scratch = out;
    ext.mark_client_dirty(key);
    args.return_bool(under);
}

/// `fetchBodyChunk(key, id, chunk)`: one chunk of a chunked request body.
fn op_body_chunk(state: &mut State, args: &mut CallArgs<'_>) {
    body_part(state, args, false);
}

/// `fetchBodyEnd(key, id)`: the chunked request body is complete.
fn op_body_end(state: &mut State, args: &mut CallArgs<'_>) {
    body_part(state, args, true);
}

fn body_part(state: &mut State, args: &mut CallArgs<'_>, end: bool) {
    let (key, id) = conn(args);
    let ext = &mut state.ext;
    let mut data = std::mem::take(&mut ext.client_scratch);
    data.clear();
    if !end {
        append_data(args, 2, &mut data);
    }
    let mut framed = Vec::with_capacity(data.len() + 16);
    let under = match ext.sources.client_mut(key).filter(|c| c.id() == id) {
        Some(c) => {
            let written = match c.http_mut().and_then(|h| h.writer.as_mut()) {
                Some(w) if end => w.finish(&mut framed),
                Some(w) => w.write(&mut framed, &data),
                None => Ok(()),
            };
            match written {
                Ok(()) => c.send(&framed, &mut ext.clients.events),
                Err(_) => false,
            }
        }
        None => false,
    };
    ext.client_scratch = data;
    ext.mark_client_dirty(key);
    args.return_bool(under);
}
