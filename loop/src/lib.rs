//! howth-loop: Howth's event loop.
//!
//! One mio `Poll` owns the listening sockets, every connection, the timers
//! and (through `howth-runtime`) the V8 isolate. Each turn:
//!
//! 1. poll, with the next timer as the timeout;
//! 2. accept every pending connection; read every readable socket;
//! 3. parse every complete request (pipelined ones too) into the batch;
//! 4. call JS once for the whole batch; ops write each response straight
//!    into its connection's buffer;
//! 5. run microtasks (async handlers answer here);
//! 6. write each connection's output once;
//! 7. run due timers.
//!
//! There are no threads, channels or async runtimes on the request path.

mod batch;
mod conn;
mod http_ops;
mod respond;
mod server;
mod trace;

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use howth_parser::{
    parse_request, write_error_response, BodyKind, ChunkStatus, ChunkedDecoder, DateCache, Status,
};
use howth_runtime::{Runtime, RuntimeError, RuntimeOptions, Value};
use mio::{Events, Interest, Poll, Registry, Token, Waker};
use slab::Slab;

use batch::{Batch, BodyAt, DeferredTable, ReplyTo};
use conn::{Conn, ReadOutcome};
pub use server::ServeOptions;
use server::{Handler, Server};
use trace::Trace;

/// A connection whose unsent output passes this stops being read from
/// until the client catches up (and streams see backpressure).
pub(crate) const WRITE_HIGH_WATER: usize = 1 << 20;

const LISTENER_BASE: usize = 1 << 40;
const WAKER: Token = Token(usize::MAX);

/// What the loop's ops work on: everything but the isolate itself.
pub struct LoopState {
    registry: Registry,
    servers: Slab<Server>,
    conns: Slab<Conn>,
    batch: Batch,
    deferred: DeferredTable,
    date: DateCache,
    /// Connections with output to write this turn.
    dirty: Vec<usize>,
    dispatch: Option<Value>,
    drain_callback: Option<Value>,
    batch_start: Instant,
    in_batch: bool,
    next_conn_id: u64,
    hdr_bytes: Vec<u8>,
    hdr_ends: Vec<u32>,
    /// Scratch head for requests answered without JS.
    static_head: howth_parser::RequestHead,
    trace: Option<Trace>,
    /// Set for workers: every listener shares its port (SO_REUSEPORT).
    pub(crate) reuse_port: bool,
}

impl LoopState {
    fn new(registry: Registry) -> LoopState {
        LoopState {
            registry,
            servers: Slab::new(),
            conns: Slab::with_capacity(1024),
            batch: Batch::default(),
            deferred: Slab::new(),
            date: DateCache::new(),
            dirty: Vec::with_capacity(1024),
            dispatch: None,
            drain_callback: None,
            batch_start: Instant::now(),
            in_batch: false,
            next_conn_id: 0,
            hdr_bytes: Vec::new(),
            hdr_ends: Vec::new(),
            static_head: howth_parser::RequestHead::with_header_capacity(32),
            trace: Trace::from_env(),
            reuse_port: false,
        }
    }

    /// Binds and registers a listener; returns (server id, bound port).
    fn listen(&mut self, mut options: ServeOptions, handler: Handler) -> Result<(usize, u16), String> {
        options.reuse_port |= self.reuse_port;
        let (mut listener, addr) = server::bind(&options)?;
        let entry = self.servers.vacant_entry();
        let id = entry.key();
        self.registry
            .register(&mut listener, Token(LISTENER_BASE + id), Interest::READABLE)
            .map_err(|e| format!("cannot watch the listener: {e}"))?;
        entry.insert(Server {
            listener,
            addr,
            handler,
            options,
            accepting: true,
        });
        Ok((id, addr.port()))
    }

    /// Stops accepting; idle connections close now, busy ones after their
    /// responses are written.
    fn stop_server(&mut self, id: usize) {
        let Some(s) = self.servers.get_mut(id) else { return };
        if s.accepting {
            s.accepting = false;
            let _ = self.registry.deregister(&mut s.listener);
        }
        for (_, c) in self.conns.iter_mut() {
            if c.server == id {
                c.read_closed = true;
            }
        }
    }

    fn mark_dirty(&mut self, key: usize) {
        if let Some(c) = self.conns.get_mut(key) {
            if !c.dirty {
                c.dirty = true;
                self.dirty.push(key);
            }
        }
    }

    /// Writes every connection with output; a connection that fails is
    /// marked gone (closed at the end of the turn).
    fn flush_dirty(&mut self) {
        for k in 0..self.dirty.len() {
            let key = self.dirty[k];
            if let Some(c) = self.conns.get_mut(key) {
                c.dirty = false;
                if c.flush(&self.registry, Token(key)).is_err() {
                    c.peer_gone = true;
                }
            }
        }
        self.dirty.clear();
    }

    fn accepting_servers(&self) -> usize {
        self.servers.iter().filter(|(_, s)| s.accepting).count()
    }
}

/// Stops a running loop from another thread.
#[derive(Clone)]
pub struct StopHandle {
    waker: Arc<Waker>,
    stop: Arc<AtomicBool>,
}

impl StopHandle {
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.waker.wake();
    }
}

pub struct EventLoop {
    poll: Poll,
    events: Events,
    rt: Runtime<LoopState>,
    stop: Arc<AtomicBool>,
    waker: Arc<Waker>,
    /// Connections read this turn, to parse.
    to_parse: Vec<usize>,
    /// Connections with work carried over to the next turn.
    carry: Vec<usize>,
    /// Connections to check for closing at the end of the turn.
    touched: Vec<usize>,
}

impl EventLoop {
    pub fn new(opts: &RuntimeOptions) -> io::Result<EventLoop> {
        let poll = Poll::new()?;
        let registry = poll.registry().try_clone()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        let mut rt = Runtime::new(LoopState::new(registry), opts);
        http_ops::register(rt.isolate());
        Ok(EventLoop {
            poll,
            events: Events::with_capacity(1024),
            rt,
            stop: Arc::new(AtomicBool::new(false)),
            waker,
            to_parse: Vec::with_capacity(1024),
            carry: Vec::new(),
            touched: Vec::with_capacity(1024),
        })
    }

    /// Makes every server this loop starts share its port with other
    /// loops (workers), through SO_REUSEPORT.
    pub fn set_reuse_port(&mut self, on: bool) {
        self.rt.state().ext.reuse_port = on;
    }

    pub fn stop_handle(&self) -> StopHandle {
        StopHandle {
            waker: self.waker.clone(),
            stop: self.stop.clone(),
        }
    }

    pub fn runtime(&mut self) -> &mut Runtime<LoopState> {
        &mut self.rt
    }

    /// The ports of the servers listening now, in start order.
    pub fn ports(&mut self) -> Vec<u16> {
        self.rt
            .state()
            .ext
            .servers
            .iter()
            .map(|(_, s)| s.addr.port())
            .collect()
    }

    /// Loads the entry module and runs until nothing is left to do (no
    /// server, no timer, no pending work), `stop()` or `exit()`.
    pub fn run_file(&mut self, entry: &Path) -> Result<(), RuntimeError> {
        self.rt.run_main(entry)?;
        self.run()
    }

    fn alive(&mut self) -> bool {
        let ext = &self.rt.state().ext;
        let serving = ext.accepting_servers() > 0 || !ext.conns.is_empty() || !ext.deferred.is_empty();
        serving || self.rt.has_pending_work()
    }

    pub fn run(&mut self) -> Result<(), RuntimeError> {
        loop {
            if self.stop.load(Ordering::SeqCst) {
                self.shutdown();
                return Ok(());
            }
            if !self.alive() {
                return Ok(());
            }
            self.turn()?;
        }
    }

    /// Stops every server and closes every connection.
    fn shutdown(&mut self) {
        let ext = &mut self.rt.state().ext;
        let ids: Vec<usize> = ext.servers.iter().map(|(k, _)| k).collect();
        for id in ids {
            ext.stop_server(id);
        }
        ext.flush_dirty();
        for (_, mut c) in std::mem::take(&mut ext.conns) {
            let _ = ext.registry.deregister(&mut c.sock);
        }
        ext.servers.clear();
    }

    fn poll_timeout(&mut self) -> Option<Duration> {
        if !self.carry.is_empty() {
            return Some(Duration::ZERO);
        }
        self.rt
            .next_timer()
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// One turn of the loop (see the crate docs).
    pub fn turn(&mut self) -> Result<(), RuntimeError> {
        let timeout = self.poll_timeout();
        match self.poll.poll(&mut self.events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(()),
            Err(e) => return Err(RuntimeError::Load(format!("error: poll failed: {e}"))),
        }
        let t_start = Instant::now();
        let ext = &mut self.rt.state().ext;
        ext.date.refresh(SystemTime::now());
        self.to_parse.clear();
        self.to_parse.append(&mut self.carry);
        for event in self.events.iter() {
            let token = event.token();
            if token == WAKER {
                continue;
            }
            if token.0 >= LISTENER_BASE {
                accept_all(ext, token.0 - LISTENER_BASE);
                continue;
            }
            let key = token.0;
            let Some(conn) = ext.conns.get_mut(key) else {
                continue;
            };
            if event.is_writable() && conn.flush(&ext.registry, token).is_err() {
                conn.peer_gone = true;
            }
            if event.is_readable() || event.is_read_closed() || event.is_error() {
                read_conn(conn);
            }
            // Reads stop at a short read, so an EOF that came with the last
            // bytes is known only from this event (EPOLLRDHUP).
            if event.is_read_closed() || event.is_error() {
                conn.peer_gone = true;
            }
            if !conn.to_parse {
                conn.to_parse = true;
                self.to_parse.push(key);
            }
        }
        // Parse and dispatch, one batch per server with JS work.
        let mut batches = 0;
        let mut next = 0;
        while next < self.to_parse.len() {
            let ext = &mut self.rt.state().ext;
            let server = match ext.conns.get(self.to_parse[next]) {
                Some(c) => c.server,
                None => {
                    next += 1;
                    continue;
                }
            };
            ext.batch.clear();
            ext.batch.server = server;
            let mut parsed_any = false;
            for k in next..self.to_parse.len() {
                let key = self.to_parse[k];
                if ext
                    .conns
                    .get(key)
                    .is_some_and(|c| c.server == server && c.to_parse)
                {
                    ext.conns[key].to_parse = false;
                    parse_conn(ext, key);
                    parsed_any = true;
                }
            }
            next += 1;
            if parsed_any && ext.batch.len > 0 {
                batches += 1;
                self.dispatch()?;
            }
        }
        let t_js_end = Instant::now();
        self.rt.run_microtasks()?;
        let ext = &mut self.rt.state().ext;
        ext.flush_dirty();
        // Compact read buffers, resume blocked reads, close finished conns.
        self.touched.clear();
        self.touched.extend_from_slice(&self.to_parse);
        for &key in &self.touched {
            let Some(conn) = ext.conns.get_mut(key) else {
                continue;
            };
            conn.compact();
            if conn.read_blocked && conn.unsent() < WRITE_HIGH_WATER {
                conn.read_blocked = false;
                read_conn(conn);
                if !conn.to_parse {
                    conn.to_parse = true;
                    self.carry.push(key);
                }
            } else if conn.filled > 0
                && !conn.read_closed
                && conn.unsent() < WRITE_HIGH_WATER
                && conn.in_flight == 0
            {
                // Complete requests left behind by a per-turn bound.
                if !conn.to_parse && has_complete_head(conn) {
                    conn.to_parse = true;
                    self.carry.push(key);
                }
            }
            if conn.is_finished() {
                close_conn(ext, key);
            }
        }
        if let Some(t) = ext.trace.as_mut() {
            t.record(t_start, t_js_end, Instant::now(), ext.batch.len, batches);
        }
        self.rt.run_due_timers()?;
        let ext = &mut self.rt.state().ext;
        if !ext.dirty.is_empty() {
            ext.flush_dirty();
            // Async responses may have finished connections.
            let done: Vec<usize> = ext
                .conns
                .iter()
                .filter(|(_, c)| c.is_finished())
                .map(|(k, _)| k)
                .collect();
            for key in done {
                close_conn(ext, key);
            }
        }
        Ok(())
    }

    /// The one call into JS for this batch; then any request the handler
    /// neither answered nor deferred gets a 500, so no client hangs.
    fn dispatch(&mut self) -> Result<(), RuntimeError> {
        let ext = &mut self.rt.state().ext;
        let n = ext.batch.len as i32;
        let Some(dispatch) = ext.dispatch.take() else {
            return Err(RuntimeError::Load(
                "error: ts-lib registered no dispatch function".into(),
            ));
        };
        ext.batch_start = Instant::now();
        ext.in_batch = true;
        let result = self.rt.isolate().call_with_int(&dispatch, n);
        let state = self.rt.state();
        state.ext.dispatch = Some(dispatch);
        state.ext.in_batch = false;
        if let Err(e) = result {
            if state.exit_code.is_some() {
                return Err(RuntimeError::Exit(state.exit_code.unwrap_or(1)));
            }
            eprintln!("error: request dispatch failed: {e}");
            if e.terminated {
                self.rt.isolate().cancel_terminate();
            }
        }
        let ext = &mut self.rt.state().ext;
        for i in 0..ext.batch.len {
            let e = &ext.batch.entries[i];
            if !e.answered && !e.deferred {
                let reply = e.reply;
                ext.batch.entries[i].answered = true;
                answer_error(ext, &reply, 500);
            }
        }
        Ok(())
    }
}

fn has_complete_head(conn: &Conn) -> bool {
    conn.unparsed().windows(4).any(|w| w == b"\r\n\r\n")
}

fn read_conn(conn: &mut Conn) {
    // Hold at most one maximal request (head + body) plus slack unparsed.
    match conn.read_available(64 << 20) {
        Ok(ReadOutcome::Drained) | Ok(ReadOutcome::Full) => {}
        Ok(ReadOutcome::Eof) => {
            conn.peer_gone = true;
        }
        Err(_) => {
            conn.peer_gone = true;
            conn.read_closed = true;
        }
    }
}

fn accept_all(ext: &mut LoopState, server: usize) {
    loop {
        let Some(s) = ext.servers.get(server).filter(|s| s.accepting) else {
            return;
        };
        match s.listener.accept() {
            Ok((mut sock, peer)) => {
                let _ = sock.set_nodelay(true);
                let entry = ext.conns.vacant_entry();
                let key = entry.key();
                if key >= LISTENER_BASE {
                    return;
                }
                if ext
                    .registry
                    .register(&mut sock, Token(key), Interest::READABLE)
                    .is_err()
                {
                    continue;
                }
                ext.next_conn_id += 1;
                entry.insert(Conn::new(ext.next_conn_id, sock, server, peer));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // ECONNABORTED and friends concern one connection only.
            Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => {}
            Err(e) => {
                // EMFILE/ENFILE/ENOBUFS: stop for this turn rather than spin;
                // the next readiness edge retries.
                eprintln!("warning: accept failed: {e}");
                return;
            }
        }
    }
}

fn close_conn(ext: &mut LoopState, key: usize) {
    if let Some(mut c) = ext.conns.try_remove(key) {
        let _ = ext.registry.deregister(&mut c.sock);
    }
}

/// Answers with an error status (and Connection: close) in request order.
fn answer_error(ext: &mut LoopState, reply: &ReplyTo, status: u16) {
    let LoopState { conns, date, .. } = ext;
    let Some(conn) = conns.get_mut(reply.conn).filter(|c| c.id == reply.conn_id) else {
        return;
    };
    write_error_response(conn.out_for(reply.seq), status, date, true);
    conn.finish(reply.seq);
    conn.close_after = Some(reply.seq);
    conn.read_closed = true;
    ext.mark_dirty(reply.conn);
}

/// Parses every complete request buffered on connection `key`: JS servers
/// get batch entries, the Rust-only server is answered on the spot, and a
/// bad request gets its error status and ends the connection.
fn parse_conn(ext: &mut LoopState, key: usize) {
    let conn_server = ext.conns[key].server;
    let Some(server) = ext.servers.get(conn_server) else {
        return;
    };
    let limits = server.options.limits;
    let is_static = matches!(server.handler, Handler::Static { .. });
    loop {
        let conn = &mut ext.conns[key];
        if conn.read_closed || conn.unsent() >= WRITE_HIGH_WATER || conn.consumed == conn.filled {
            return;
        }
        let offset = conn.consumed;
        let buf = &conn.rbuf[offset..conn.filled];
        let head = if is_static {
            &mut ext.static_head
        } else {
            &mut ext.batch.push().head
        };
        let parsed = parse_request(buf, &limits, head);
        let unwind = |ext: &mut LoopState| {
            if !is_static {
                ext.batch.len -= 1;
            }
        };
        let status = match parsed {
            Ok(Status::Complete) => None,
            Ok(Status::Partial) => {
                unwind(ext);
                return;
            }
            Err(e) => Some(e.status()),
        };
        let conn = &mut ext.conns[key];
        let seq = conn.next_seq;
        let reply_base = ReplyTo {
            conn: key,
            conn_id: conn.id,
            seq,
            is_head: false,
            keep_alive: false,
            http10: false,
        };
        if let Some(status) = status {
            unwind(ext);
            let conn = &mut ext.conns[key];
            conn.next_seq += 1;
            conn.in_flight += 1;
            conn.read_closed = true;
            answer_error(ext, &reply_base, status);
            return;
        }
        let head = if is_static {
            &ext.static_head
        } else {
            &ext.batch.entries[ext.batch.len - 1].head
        };
        let head_len = head.head_len;
        let buf = &conn.rbuf[offset..conn.filled];
        // Frame the body: all of it must be here before the handler runs.
        let (body, total) = match head.body {
            BodyKind::None => (BodyAt::None, head_len),
            BodyKind::Length(n) => {
                let n = n as usize;
                if buf.len() < head_len + n {
                    if head.expect_continue && !conn.continue_sent {
                        conn.continue_sent = true;
                        conn.wbuf.extend_from_slice(howth_parser::CONTINUE_100);
                        ext.mark_dirty(key);
                    }
                    unwind(ext);
                    return;
                }
                (
                    BodyAt::Read {
                        start: offset + head_len,
                        len: n,
                    },
                    head_len + n,
                )
            }
            BodyKind::Chunked => {
                let arena = &mut ext.batch.arena;
                let start = arena.len();
                let mut decoder = ChunkedDecoder::new(limits.max_body_bytes);
                match decoder.decode(&buf[head_len..], arena) {
                    Ok(ChunkStatus::Done { consumed }) => (
                        BodyAt::Arena {
                            start,
                            len: arena.len() - start,
                        },
                        head_len + consumed,
                    ),
                    Ok(ChunkStatus::Partial { .. }) => {
                        arena.truncate(start);
                        if head.expect_continue && !conn.continue_sent {
                            conn.continue_sent = true;
                            conn.wbuf.extend_from_slice(howth_parser::CONTINUE_100);
                            ext.mark_dirty(key);
                        }
                        unwind(ext);
                        return;
                    }
                    Err(e) => {
                        arena.truncate(start);
                        unwind(ext);
                        let conn = &mut ext.conns[key];
                        conn.next_seq += 1;
                        conn.in_flight += 1;
                        conn.read_closed = true;
                        answer_error(ext, &reply_base, e.status());
                        return;
                    }
                }
            }
        };
        let reply = ReplyTo {
            is_head: head.method.get(buf) == b"HEAD",
            keep_alive: head.keep_alive,
            http10: head.minor_version == 0,
            ..reply_base
        };
        conn.consumed += total;
        conn.continue_sent = false;
        conn.next_seq += 1;
        conn.in_flight += 1;
        if !reply.keep_alive {
            conn.read_closed = true;
        }
        if is_static {
            answer_static(ext, &reply, conn_server);
        } else {
            let e = &mut ext.batch.entries[ext.batch.len - 1];
            e.reply = reply;
            e.offset = offset;
            e.body = body;
            e.answered = false;
            e.deferred = false;
        }
    }
}

/// `Howth.serveRustOnly`: the fixed response, written without JS.
fn answer_static(ext: &mut LoopState, reply: &ReplyTo, server: usize) {
    let LoopState {
        conns, date, servers, ..
    } = ext;
    let Handler::Static { body } = &servers[server].handler else {
        return;
    };
    let conn = &mut conns[reply.conn];
    let out = conn.out_for(reply.seq);
    let w = respond::write_head(
        out,
        200,
        date,
        None,
        true,
        respond::Framing::Length(body.len() as u64),
        reply,
    );
    if !reply.is_head {
        out.extend_from_slice(body);
    }
    conn.finish(reply.seq);
    if w.close {
        conn.close_after = Some(reply.seq);
    }
    ext.mark_dirty(reply.conn);
}

/// Runs `entry` as the `howth run` command does: prints a failure and
/// returns the process exit code.
pub fn run_file(entry: &Path, opts: &RuntimeOptions) -> i32 {
    let mut el = match EventLoop::new(opts) {
        Ok(el) => el,
        Err(e) => {
            eprintln!("error: cannot start the event loop: {e}");
            return 1;
        }
    };
    match el.run_file(entry) {
        Ok(()) => el.rt.state().exit_code.unwrap_or(0),
        Err(RuntimeError::Exit(code)) => code,
        Err(e) => {
            eprintln!("{e}");
            e.exit_code()
        }
    }
}
