//! HTTP serving on the loop's side: framing a stream's requests into the
//! batch, and the answers the loop writes without JS (errors, 100
//! Continue, `Howth.serveRustOnly`).
use howth_parser::{write_error_response, BodyFraming, CONTINUE_100};

use crate::batch::ReplyTo;
use crate::frame::Frame;
use crate::respond;
use crate::server::Handler;
use crate::state::LoopState;

/// Answers `status` to the batch's requests from `from` on that JS neither
/// answered nor deferred.
pub(crate) fn answer_unanswered(ext: &mut LoopState, from: usize, status: u16) {
    for i in from..ext.batch.len {
        let e = &mut ext.batch.entries[i];
        if !e.answered && !e.deferred {
            e.answered = true;
            let reply = e.reply;
            answer_error(ext, &reply, status);
        }
    }
}

/// Answers with an error status (and Connection: close) in request order.
pub(crate) fn answer_error(ext: &mut LoopState, reply: &ReplyTo, status: u16) {
    let LoopState { sources, date, .. } = ext;
    let Some(s) = sources.stream_of(reply.stream, reply.stream_id) else {
        return;
    };
    write_error_response(s.out_for(reply.seq), status, date, true);
    s.finish(reply.seq);
    s.http_mut().close_after_error(reply.seq);
    ext.mark_dirty(reply.stream);
}

/// Frames every complete request buffered on stream `key`: JS servers get
/// batch entries, the Rust-only server is answered on the spot, and a
/// request that cannot be framed gets its error status and ends the
/// stream (nothing after it can be trusted to be a request).
pub(crate) fn frame_requests(ext: &mut LoopState, key: usize) {
    let Some(stream) = ext.sources.stream(key) else {
        return;
    };
    let server = stream.server();
    let rules = *stream.rules();
    let is_static = ext
        .sources
        .listener(server)
        .is_some_and(|l| matches!(l.handler(), Handler::Static { .. }));
    loop {
        let LoopState {
            sources,
            batch,
            static_head,
            ..
        } = &mut *ext;
        let Some(stream) = sources.stream_mut(key) else {
            return;
        };
        if !stream.may_frame() {
            return;
        }
        let frame = if is_static {
            stream
                .http_mut()
                .frame(&rules.limits, static_head, &mut batch.arena)
        } else {
            let (entry, arena) = batch.push_with_arena();
            stream.http_mut().frame(&rules.limits, &mut entry.head, arena)
        };
        let (offset, body) = match frame {
            Frame::Request { offset, body, .. } => (offset, body),
            other => {
                if !is_static {
                    batch.len -= 1;
                }
                return no_request(ext, key, other);
            }
        };
        let head = if is_static {
            &*static_head
        } else {
            &batch.entries[batch.len - 1].head
        };
        let base = stream.read_bytes(offset);
        let is_head = head.method.get(base) == b"HEAD";
        let http = stream.http_mut();
        let seq = http.begin_request();
        let last = http.last_request() || (rules.max_requests > 0 && seq + 1 >= rules.max_requests);
        let reply = ReplyTo {
            stream: key,
            stream_id: stream.id(),
            seq,
            is_head,
            keep_alive: head.keep_alive && !last,
            http10: head.minor_version == 0,
        };
        if !reply.keep_alive {
            stream.http_mut().stop_reading();
        }
        if is_static {
            answer_static(ext, &reply, server);
        } else {
            let e = &mut batch.entries[batch.len - 1];
            e.reply = reply;
            e.offset = offset;
            e.body = body;
            e.answered = false;
            e.deferred = false;
        }
    }
}

/// What framing found when it found no request: nothing yet (perhaps a
/// 100 Continue to send), or a refusal that ends the stream.
fn no_request(ext: &mut LoopState, key: usize, frame: Frame) {
    let Some(stream) = ext.sources.stream_mut(key) else {
        return;
    };
    match frame {
        Frame::NeedMore { send_continue: true } => {
            // Interim responses go out in order too: after the answers to
            // the requests before this one.
            let seq = stream.http().next_seq();
            stream.out_for(seq).extend_from_slice(CONTINUE_100);
            ext.mark_dirty(key);
        }
        Frame::Refuse { status, .. } => {
            let reply = ReplyTo {
                stream: key,
                stream_id: stream.id(),
                seq: stream.http_mut().begin_request(),
                ..ReplyTo::default()
            };
            stream.http_mut().stop_reading();
            answer_error(ext, &reply, status);
        }
        _ => {}
    }
}

/// `Howth.serveRustOnly`: the fixed response, written without JS.
fn answer_static(ext: &mut LoopState, reply: &ReplyTo, server: usize) {
    let LoopState { sources, date, .. } = ext;
    let Some((stream, listener)) = sources.stream_and_listener(reply.stream, server) else {
        return;
    };
    let Handler::Static { body } = listener.handler() else {
        return;
    };
    let out = stream.out_for(reply.seq);
    let w = respond::write_head(
        out,
        200,
        date,
        None,
        true,
        BodyFraming::Length(body.len() as u64),
        reply,
    );
    if !reply.is_head {
        out.extend_from_slice(body);
    }
    stream.finish(reply.seq);
    if w.close || w.upgrade {
        stream.http_mut().close_after(reply.seq);
    }
    ext.mark_dirty(reply.stream);
}
