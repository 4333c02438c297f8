//! The HTTP ops ts-lib calls (see ts-lib/ops.d.ts): serving, reading the
//! request fields lazily, and serialising responses straight into the
//! connection's write buffer.
use std::time::{Duration, Instant};

use howth_parser::{is_valid_header_name, is_valid_header_value, BodyFraming, RequestHead};
use howth_runtime::{CallArgs, ErrorKind, Isolate, Kind, RuntimeState};

use crate::batch::{BodyAt, Deferred, Handle, ReplyTo, RequestRef};
use crate::respond::{write_head, HeaderList};
use crate::server::{Handler, ServeOptions};
use crate::state::LoopState;

type State = RuntimeState<LoopState>;

/// A batch that has run this long writes what is ready before going on, so
/// a slow handler does not hold the responses before it hostage.
const BATCH_FLUSH_AFTER: Duration = Duration::from_millis(1);

pub fn register(iso: &mut Isolate<State>) {
    iso.set_op("serve", op_serve);
    iso.set_op("serveRustOnly", op_serve_rust_only);
    iso.set_op("serverStop", op_server_stop);
    iso.set_op("setDispatch", op_set_dispatch);
    iso.set_op("setDrainCallback", op_set_drain_callback);
    iso.set_op("takeDrains", op_take_drains);
    iso.set_op("batchServer", op_batch_server);
    iso.set_op("reqMethod", op_req_method);
    iso.set_op("reqTarget", op_req_target);
    iso.set_op("reqHost", op_req_host);
    iso.set_op("reqUrl", op_req_url);
    iso.set_op("reqHeader", op_req_header);
    iso.set_op("reqHeaders", op_req_headers);
    iso.set_op("reqRawHeaders", op_req_raw_headers);
    iso.set_op("reqHttpMinor", op_req_http_minor);
    iso.set_op("reqBody", op_req_body);
    iso.set_op("reqBodyText", op_req_body_text);
    iso.set_op("reqRemote", op_req_remote);
    iso.set_op("reqClosed", op_req_closed);
    iso.set_op("defer", op_defer);
    iso.set_op("respond", op_respond);
    iso.set_op("respondStart", op_respond_start);
    iso.set_op("respondChunk", op_respond_chunk);
    iso.set_op("respondEnd", op_respond_end);
    iso.set_op("respondAbort", op_respond_abort);
}

// ---- servers ----------------------------------------------------------------

fn start_server(state: &mut State, args: &mut CallArgs<'_>, handler: Handler) {
    let opts = match ServeOptions::from_json_over(&args.string(0), &state.ext.serve_defaults) {
        Ok(o) => o,
        Err(e) => return args.throw(ErrorKind::TypeError, &e),
    };
    match state.ext.listen(opts, handler, state.terminate.clone()) {
        Ok((id, port)) => args.return_numbers(&[id as f64, port as f64]),
        // node:http reports a failed listen as an 'error' event the script
        // may handle, so it asks for a plain exception.
        Err(msg) if catches_listen_error(&args.string(0)) => args.throw(ErrorKind::Error, &msg),
        Err(msg) => {
            // A server that cannot listen stops the program, as in Bun; the
            // loop's caller gets why (`RuntimeError::Listen`) and decides
            // what to print and how to exit. The exit code stops JS the way
            // `exit()` does, past any catch.
            state.exit_code = Some(1);
            if let Some(t) = &state.terminate {
                t.terminate();
            }
            args.throw(ErrorKind::Error, &msg);
            state.ext.listen_error = Some(msg);
        }
    }
}

/// Whether serve's options say `"listenError": "throw"` (node:http's listen).
fn catches_listen_error(json: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .is_some_and(|v| v.get("listenError").and_then(|e| e.as_str()) == Some("throw"))
}

fn op_serve(state: &mut State, args: &mut CallArgs<'_>) {
    start_server(state, args, Handler::Js);
}

fn op_serve_rust_only(state: &mut State, args: &mut CallArgs<'_>) {
    let body = args.string(1).into_bytes();
    start_server(state, args, Handler::Static { body });
}

fn op_server_stop(state: &mut State, args: &mut CallArgs<'_>) {
    state.ext.stop_server(args.int(0).max(0) as usize);
}

fn op_set_dispatch(state: &mut State, args: &mut CallArgs<'_>) {
    if args.kind(0) != Kind::Function {
        return args.throw(ErrorKind::TypeError, "setDispatch expects a function");
    }
    state.ext.dispatch = Some(args.value(0));
}

fn op_set_drain_callback(state: &mut State, args: &mut CallArgs<'_>) {
    state.ext.drain_callback = Some(args.value(0));
}

/// The drains of this turn, for the drain callback: [handle, closed (0 or
/// 1), ...]. Taking them empties the list; drains queued while the callback
/// runs go to the next turn's call.
fn op_take_drains(state: &mut State, args: &mut CallArgs<'_>) {
    let notify = &mut state.ext.notify;
    let mut list = Vec::with_capacity(notify.len() * 2);
    for (h, closed) in notify.drain(..) {
        list.push(h.to_js());
        list.push(if closed { 1.0 } else { 0.0 });
    }
    args.return_numbers(&list);
}

fn op_batch_server(state: &mut State, args: &mut CallArgs<'_>) {
    args.return_int(state.ext.batch.server as i32);
}

// ---- request fields -----------------------------------------------------------

/// A request's bytes, wherever they live.
struct RequestView<'a> {
    base: &'a [u8],
    head: &'a RequestHead,
    body: &'a [u8],
    peer: std::net::SocketAddr,
}

/// The request JS refers to by argument `i`: a batch index (valid while
/// its batch runs) or a deferred request's handle.
#[inline]
fn request_ref(args: &CallArgs<'_>, i: usize) -> Option<RequestRef> {
    RequestRef::from_js(args.number(i))
}

fn view<'a>(ext: &'a LoopState, args: &CallArgs<'_>) -> Option<RequestView<'a>> {
    match request_ref(args, 0)? {
        RequestRef::Deferred(h) => {
            let d = ext.deferred.get(h)?;
            Some(RequestView {
                base: &d.bytes,
                head: &d.head,
                body: &d.body,
                peer: d.peer,
            })
        }
        RequestRef::Batch(i) => {
            let e = ext.batch_entry(i)?;
            let stream = ext.sources.stream(e.reply.stream)?;
            let body = match e.body {
                BodyAt::None => &[][..],
                BodyAt::Read { start, len } => stream.read_range(start, len),
                BodyAt::Arena { start, len } => &ext.batch.arena[start..start + len],
            };
            Some(RequestView {
                base: stream.read_bytes(e.offset),
                head: &e.head,
                body,
                peer: stream.peer(),
            })
        }
    }
}

fn op_req_method(state: &mut State, args: &mut CallArgs<'_>) {
    match view(&state.ext, args) {
        Some(v) => args.return_latin1(v.head.method.get(v.base)),
        None => args.return_undefined(),
    }
}

fn op_req_target(state: &mut State, args: &mut CallArgs<'_>) {
    match view(&state.ext, args) {
        Some(v) => args.return_latin1(v.head.target.get(v.base)),
        None => args.return_undefined(),
    }
}

fn op_req_host(state: &mut State, args: &mut CallArgs<'_>) {
    match view(&state.ext, args) {
        Some(v) => args.return_latin1(v.head.host.map(|h| h.get(v.base)).unwrap_or(b"")),
        None => args.return_undefined(),
    }
}

/// `http://<Host><target>` for the usual request (origin-form target, a
/// Host header), built here as one flat string: joining the parts in JS
/// cost two more op calls and a rope that the handler's first `indexOf`
/// flattened again. "" for anything else (ts-lib then builds it).
fn op_req_url(state: &mut State, args: &mut CallArgs<'_>) {
    let Some(v) = view(&state.ext, args) else {
        return args.return_undefined();
    };
    let url = &mut state.scratch;
    url.clear();
    v.head.write_origin_url(v.base, url);
    args.return_latin1(url);
}

fn op_req_header(state: &mut State, args: &mut CallArgs<'_>) {
    let name = &mut state.scratch;
    name.clear();
    args.append_utf8(1, name);
    let Some(v) = view(&state.ext, args) else {
        return args.return_null();
    };
    // Repeated fields combine with ", " (RFC 9110 5.3); one is returned as is.
    let mut found: Option<&[u8]> = None;
    let mut joined: Vec<u8> = Vec::new();
    for (n, value) in v.head.headers(v.base) {
        if n.eq_ignore_ascii_case(name) {
            match found {
                None => found = Some(value),
                Some(first) => {
                    if joined.is_empty() {
                        joined.extend_from_slice(first);
                    }
                    joined.extend_from_slice(b", ");
                    joined.extend_from_slice(value);
                }
            }
        }
    }
    match (found, joined.is_empty()) {
        (None, _) => args.return_null(),
        (Some(one), true) => args.return_latin1(one),
        (Some(_), false) => args.return_latin1(&joined),
    }
}

fn op_req_headers(state: &mut State, args: &mut CallArgs<'_>) {
    let Some(v) = view(&state.ext, args) else {
        return args.return_strings(&[], true);
    };
    let lower = &mut state.scratch;
    lower.clear();
    for (n, _) in v.head.headers(v.base) {
        lower.extend(n.iter().map(u8::to_ascii_lowercase));
    }
    let mut items: Vec<&[u8]> = Vec::with_capacity(v.head.headers.len() * 2);
    let mut at = 0;
    for (n, value) in v.head.headers(v.base) {
        items.push(&lower[at..at + n.len()]);
        items.push(value);
        at += n.len();
    }
    args.return_strings(&items, true);
}

/// As reqHeaders, with the names as the client sent them (node:http's rawHeaders).
fn op_req_raw_headers(state: &mut State, args: &mut CallArgs<'_>) {
    let Some(v) = view(&state.ext, args) else {
        return args.return_strings(&[], true);
    };
    let mut items: Vec<&[u8]> = Vec::with_capacity(v.head.headers.len() * 2);
    for (n, value) in v.head.headers(v.base) {
        items.push(n);
        items.push(value);
    }
    args.return_strings(&items, true);
}

/// The request's HTTP minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
fn op_req_http_minor(state: &mut State, args: &mut CallArgs<'_>) {
    match view(&state.ext, args) {
        Some(v) => args.return_int(i32::from(v.head.minor_version)),
        None => args.return_undefined(),
    }
}

fn op_req_body(state: &mut State, args: &mut CallArgs<'_>) {
    match view(&state.ext, args) {
        Some(v) => args.return_bytes(v.body),
        None => args.return_bytes(&[]),
    }
}

fn op_req_body_text(state: &mut State, args: &mut CallArgs<'_>) {
    match view(&state.ext, args) {
        Some(v) => args.return_str(&String::from_utf8_lossy(v.body)),
        None => args.return_str(""),
    }
}

fn op_req_remote(state: &mut State, args: &mut CallArgs<'_>) {
    match view(&state.ext, args) {
        Some(v) => args.return_str(&v.peer.to_string()),
        None => args.return_undefined(),
    }
}

fn op_req_closed(state: &mut State, args: &mut CallArgs<'_>) {
    let reply = request_ref(args, 0).and_then(|r| state.ext.reply_of(r));
    let open = reply.is_some_and(|rt| state.ext.client_alive(&rt));
    args.return_bool(!open);
}

/// Copies a batch request out of the read buffer so its handler can answer
/// after the batch. Deferring a deferred handle returns it unchanged.
fn op_defer(state: &mut State, args: &mut CallArgs<'_>) {
    match request_ref(args, 0).and_then(|r| state.ext.defer(r)) {
        Some(h) => args.return_number(h.to_js()),
        None => args.return_number(args.number(0)),
    }
}

// ---- responses ------------------------------------------------------------------

/// Reads the flat [name, value, ...] header list of argument `i` into the
/// loop's scratch vectors and validates it. Returns Ok(false) for no list.
/// `headers` = 1 in respond/respondStart: `content-type: application/json`
/// (Response.json's), without an array to read element by element.
const HEADERS_JSON: i32 = 1;

fn read_headers(ext: &mut LoopState, args: &CallArgs<'_>, i: usize) -> Result<bool, String> {
    ext.hdr_bytes.clear();
    ext.hdr_ends.clear();
    match args.kind(i) {
        Kind::Undefined | Kind::Null => return Ok(false),
        Kind::Array => {}
        Kind::Int if args.int(i) == HEADERS_JSON => {
            const NAME: &[u8] = b"content-type";
            const VALUE: &[u8] = b"application/json";
            ext.hdr_bytes.extend_from_slice(NAME);
            ext.hdr_bytes.extend_from_slice(VALUE);
            ext.hdr_ends.push(NAME.len() as u32);
            ext.hdr_ends.push((NAME.len() + VALUE.len()) as u32);
            return Ok(true);
        }
        _ => return Err("headers must be an array of strings".into()),
    }
    let n = args
        .strings_into(i, &mut ext.hdr_bytes, &mut ext.hdr_ends)
        .ok_or("headers must be an array of strings")?;
    if n % 2 != 0 {
        return Err("headers must be name/value pairs".into());
    }
    let list = HeaderList {
        bytes: &ext.hdr_bytes,
        ends: &ext.hdr_ends,
    };
    for (name, value) in list.pairs() {
        if !is_valid_header_name(name) {
            return Err(format!(
                "invalid header name: {:?}",
                String::from_utf8_lossy(name)
            ));
        }
        if !is_valid_header_value(value) {
            return Err(format!(
                "invalid value for header {}: {:?}",
                String::from_utf8_lossy(name),
                String::from_utf8_lossy(value)
            ));
        }
    }
    Ok(true)
}

fn body_len(args: &CallArgs<'_>, i: usize) -> Result<usize, &'static str> {
    match args.kind(i) {
        Kind::Undefined | Kind::Null => Ok(0),
        Kind::String => Ok(args.utf8_len(i)),
        Kind::View | Kind::ArrayBuffer => Ok(args.bytes_len(i)),
        _ => Err("response body must be a string, ArrayBuffer, typed array or null"),
    }
}

fn append_body(args: &CallArgs<'_>, i: usize, out: &mut Vec<u8>) {
    match args.kind(i) {
        Kind::String => {
            args.append_utf8(i, out);
        }
        Kind::View | Kind::ArrayBuffer => {
            args.append_bytes(i, out);
        }
        _ => {}
    }
}

fn op_respond(state: &mut State, args: &mut CallArgs<'_>) {
    let ext = &mut state.ext;
    let text = &mut state.scratch;
    let status = args.int(1);
    if !(100..=999).contains(&status) {
        return args.throw(ErrorKind::RangeError, &format!("invalid status code {status}"));
    }
    let has_headers = match read_headers(ext, args, 3) {
        Ok(h) => h,
        Err(e) => return args.throw(ErrorKind::TypeError, &e),
    };
    // A string body is made UTF-8 once, here: its length goes in the head,
    // its bytes are copied after it.
    let is_text = args.kind(2) == Kind::String;
    // A number stands for a body of that many bytes the client asked not
    // to see: a HEAD answer declares the GET's Content-Length without the
    // bytes ever being read or allocated (a Howth.file, say).
    let declared = matches!(args.kind(2), Kind::Int | Kind::Number);
    if declared && !request_ref(args, 0).is_some_and(|r| ext.is_head(r)) {
        return args.throw(
            ErrorKind::TypeError,
            "a numeric response body is only for HEAD requests",
        );
    }
    let len = if declared {
        let n = args.number(2);
        if !(n >= 0.0 && n <= u64::MAX as f64 && n.fract() == 0.0) {
            return args.throw(ErrorKind::RangeError, &format!("invalid body length {n}"));
        }
        n as usize
    } else if is_text {
        text.clear();
        args.append_utf8(2, text)
    } else {
        match body_len(args, 2) {
            Ok(n) => n,
            Err(e) => return args.throw(ErrorKind::TypeError, e),
        }
    };
    let Some(reply) = request_ref(args, 0).and_then(|r| ext.take_reply(r)) else {
        return;
    };
    let default_text = !has_headers && is_text;
    let LoopState {
        sources,
        date,
        hdr_bytes,
        hdr_ends,
        ..
    } = ext;
    let Some(conn) = sources.stream_of(reply.stream, reply.stream_id) else {
        return;
    };
    let headers = HeaderList {
        bytes: hdr_bytes,
        ends: hdr_ends,
    };
    let out = conn.out_for(reply.seq);
    let framing = write_head(
        out,
        status as u16,
        date,
        has_headers.then_some(&headers),
        default_text,
        BodyFraming::Length(len as u64),
        &reply,
    );
    if framing.body_allowed && !reply.is_head {
        if is_text {
            out.extend_from_slice(text);
        } else {
            append_body(args, 2, out);
        }
    }
    conn.finish(reply.seq);
    // An upgrade closes too, for now: no protocol can take the socket over
    // yet (docs/loop.md says where one goes).
    if framing.close || framing.upgrade {
        conn.http_mut().close_after(reply.seq);
    }
    ext.mark_dirty(reply.stream);
    if ext.in_batch {
        // At most one early flush per BATCH_FLUSH_AFTER: flushing after
        // every response once a batch ran long wrote pipelined responses
        // one syscall each (3.5 per sendto instead of 16).
        let now = Instant::now();
        if now.duration_since(ext.last_flush) > BATCH_FLUSH_AFTER {
            ext.flush_dirty();
            ext.last_flush = now;
        }
    }
}

fn op_respond_start(state: &mut State, args: &mut CallArgs<'_>) {
    let ext = &mut state.ext;
    let status = args.int(1);
    if !(100..=999).contains(&status) {
        return args.throw(ErrorKind::RangeError, &format!("invalid status code {status}"));
    }
    let has_headers = match read_headers(ext, args, 2) {
        Ok(h) => h,
        Err(e) => return args.throw(ErrorKind::TypeError, &e),
    };
    let Some(h) = request_ref(args, 0).and_then(|r| ext.defer(r)) else {
        return args.return_number(args.number(0));
    };
    let Some(d) = ext.deferred.get_mut(h).filter(|d| !d.failed) else {
        return args.return_number(h.to_js());
    };
    d.streaming = true;
    let reply = d.reply;
    let LoopState {
        sources,
        date,
        hdr_bytes,
        hdr_ends,
        deferred,
        ..
    } = ext;
    if let Some(conn) = sources.stream_of(reply.stream, reply.stream_id) {
        let headers = HeaderList {
            bytes: hdr_bytes,
            ends: hdr_ends,
        };
        let out = conn.out_for(reply.seq);
        let framing = write_head(
            out,
            status as u16,
            date,
            has_headers.then_some(&headers),
            false,
            BodyFraming::Chunked,
            &reply,
        );
        if !framing.body_allowed || reply.is_head {
            if let Some(d) = deferred.get_mut(h) {
                d.streaming = false;
            }
        }
        ext.mark_dirty(reply.stream);
    }
    args.return_number(h.to_js());
}

fn op_respond_chunk(state: &mut State, args: &mut CallArgs<'_>) {
    let ext = &mut state.ext;
    let Some(RequestRef::Deferred(h)) = request_ref(args, 0) else {
        return args.throw(
            ErrorKind::TypeError,
            "respondChunk needs the handle respondStart returned",
        );
    };
    let Some(d) = ext.deferred.get(h) else {
        return args.return_bool(false);
    };
    let (reply, streaming) = (d.reply, d.streaming && !d.failed);
    let Some(conn) = ext.sources.stream_of(reply.stream, reply.stream_id) else {
        return args.return_bool(false);
    };
    if streaming {
        let len = match body_len(args, 1) {
            Ok(n) => n,
            Err(e) => return args.throw(ErrorKind::TypeError, e),
        };
        if len > 0 {
            let out = conn.out_for(reply.seq);
            howth_parser::write_chunk_size(out, len);
            append_body(args, 1, out);
            howth_parser::write_chunk_end(out);
        }
    }
    let below_high_water = conn.unsent() < crate::WRITE_HIGH_WATER;
    if !below_high_water {
        // The loop calls the drain callback once the output is down to the
        // low-water mark (or the client is gone).
        conn.set_stream_waiting();
    }
    ext.mark_dirty(reply.stream);
    args.return_bool(below_high_water);
}

fn op_respond_end(state: &mut State, args: &mut CallArgs<'_>) {
    finish_stream(state, request_ref(args, 0), true);
}

/// Ends a streamed response abnormally: the connection closes without the
/// last chunk, so the client sees a truncated body, not a complete one.
fn op_respond_abort(state: &mut State, args: &mut CallArgs<'_>) {
    finish_stream(state, request_ref(args, 0), false);
}

/// Takes a streamed response's deferred entry and completes it in request
/// order. `complete` writes the last chunk; otherwise what was sent goes
/// out and the close tells the client the body was cut short.
fn finish_stream(state: &mut State, r: Option<RequestRef>, complete: bool) {
    let ext = &mut state.ext;
    let Some(RequestRef::Deferred(h)) = r else {
        return;
    };
    let Some(d) = ext.remove_deferred(h) else {
        return;
    };
    if d.failed {
        // The loop answered (or cut off) this one already.
        return;
    }
    let reply = d.reply;
    let Some(conn) = ext.sources.stream_of(reply.stream, reply.stream_id) else {
        return;
    };
    if complete && d.streaming {
        howth_parser::write_last_chunk(conn.out_for(reply.seq));
    }
    conn.finish(reply.seq);
    if !complete || !reply.keep_alive {
        conn.http_mut().close_after(reply.seq);
    }
    ext.mark_dirty(reply.stream);
}

impl LoopState {
    /// Batch entry `i`, while its batch runs (afterwards the index means
    /// nothing: a later batch reuses it).
    #[inline]
    fn batch_entry(&self, i: usize) -> Option<&crate::batch::BatchEntry> {
        if !self.in_batch {
            return None;
        }
        self.batch.active().get(i)
    }

    /// Where request `r` must be answered, without consuming it.
    pub(crate) fn reply_of(&self, r: RequestRef) -> Option<ReplyTo> {
        match r {
            RequestRef::Deferred(h) => self.deferred.get(h).map(|d| d.reply),
            RequestRef::Batch(i) => self.batch_entry(i).map(|e| e.reply),
        }
    }

    /// Whether the client that sent `reply`'s request is still there.
    pub(crate) fn client_alive(&self, reply: &ReplyTo) -> bool {
        self.sources
            .stream(reply.stream)
            .is_some_and(|s| s.id() == reply.stream_id && s.alive())
    }

    /// Removes deferred request `h` from the table and from its stream's list.
    fn remove_deferred(&mut self, h: Handle) -> Option<Deferred> {
        let d = self.deferred.remove(h)?;
        if let Some(s) = self.sources.stream_of(d.reply.stream, d.reply.stream_id) {
            s.remove_deferred(h);
        }
        Some(d)
    }

    /// Whether request `r` (still unanswered) is a HEAD.
    pub(crate) fn is_head(&self, r: RequestRef) -> bool {
        match r {
            RequestRef::Deferred(h) => self.deferred.get(h).is_some_and(|d| d.reply.is_head),
            RequestRef::Batch(i) => {
                self.in_batch
                    && self.batch.entries[..self.batch.len]
                        .get(i)
                        .is_some_and(|e| e.reply.is_head)
            }
        }
    }

    /// Consumes request `r` for a whole response: None when it was already
    /// answered, is streaming, or never existed.
    pub(crate) fn take_reply(&mut self, r: RequestRef) -> Option<ReplyTo> {
        match r {
            RequestRef::Deferred(h) => {
                if self.deferred.get(h)?.streaming {
                    return None;
                }
                let d = self.remove_deferred(h)?;
                // Already answered by the loop: JS letting go frees the entry.
                (!d.failed).then_some(d.reply)
            }
            RequestRef::Batch(i) => {
                if !self.in_batch {
                    return None;
                }
                let e = self.batch.entries[..self.batch.len].get_mut(i)?;
                if e.answered || e.deferred {
                    return None;
                }
                e.answered = true;
                Some(e.reply)
            }
        }
    }

    /// Copies batch request `r` out; returns its deferred handle (a
    /// deferred request's own, unchanged).
    pub(crate) fn defer(&mut self, r: RequestRef) -> Option<Handle> {
        let i = match r {
            RequestRef::Deferred(h) => return self.deferred.contains(h).then_some(h),
            RequestRef::Batch(i) => i,
        };
        if !self.in_batch {
            return None;
        }
        let e = self.batch.entries[..self.batch.len].get_mut(i)?;
        if e.answered || e.deferred {
            return None;
        }
        let stream = self.sources.stream_mut(e.reply.stream)?;
        e.deferred = true;
        let bytes = stream.read_bytes(e.offset)[..e.head.head_len].to_vec();
        let body = match e.body {
            BodyAt::None => Vec::new(),
            BodyAt::Read { start, len } => stream.read_range(start, len).to_vec(),
            BodyAt::Arena { start, len } => self.batch.arena[start..start + len].to_vec(),
        };
        let d = Deferred {
            reply: e.reply,
            bytes,
            head: e.head.clone(),
            body,
            peer: stream.peer(),
            streaming: false,
            failed: false,
        };
        let Some(h) = self.deferred.insert(d) else {
            // The table is full: the request stays the batch's, answered
            // 500 at the batch's end like any the handler left.
            self.batch.entries[i].deferred = false;
            return None;
        };
        stream.add_deferred(h);
        Some(h)
    }
}
