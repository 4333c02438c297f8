//! Listening sockets and the options each server was started with.
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

use howth_parser::Limits;
use mio::net::{TcpListener, TcpStream};
use mio::{Interest, Registry, Token};
use socket2::{Domain, Protocol, Socket, Type};

use crate::stream::Rules;

/// What answers a server's requests.
pub enum Handler {
    /// The JS handler, through the batch dispatch function.
    Js,
    /// `Howth.serveRustOnly`: a fixed response, no JS at all (the baseline).
    Static { body: Vec<u8> },
}

/// Options from `Howth.serve(...)` (JSON from ts-lib), the CLI's flags, or
/// the embedder. A zero count or duration turns that limit off.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub port: u16,
    pub hostname: String,
    /// Head and body limits the parser enforces (414, 431, 413).
    pub limits: Limits,
    /// Share the port with other workers' sockets (SO_REUSEPORT).
    pub reuse_port: bool,
    pub backlog: i32,
    /// Connections open at once; at the limit the listener stops being
    /// watched (new clients wait in the kernel's backlog) until one closes.
    pub max_connections: usize,
    /// Requests one connection may carry; the last is answered with
    /// `Connection: close`.
    pub max_requests_per_connection: u64,
    /// Time for a whole request head to arrive, from the connection's start
    /// or the request's first byte.
    pub header_timeout: Duration,
    /// Time for a whole body to arrive once its head has.
    pub body_timeout: Duration,
    /// Time a kept-alive connection may sit between requests, and the time
    /// a client may leave owed output unread before it is dropped.
    pub idle_timeout: Duration,
    /// Time JS may run synchronously for one batch of requests (and for one
    /// round of promise callbacks or timers) before it is terminated.
    pub max_handler: Duration,
    /// After `stop()` or SIGINT/SIGTERM: time the requests in flight get to
    /// finish before their connections are closed anyway.
    pub shutdown_timeout: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            port: 3000,
            hostname: "0.0.0.0".into(),
            limits: Limits::default(),
            reuse_port: false,
            backlog: 4096,
            max_connections: 0,
            max_requests_per_connection: 0,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(10),
            max_handler: Duration::from_secs(10),
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}

/// The option names `from_json` reads besides port and hostname; ts-lib's
/// LIMIT_OPTIONS and howth.d.ts list the same.
pub const OPTION_NAMES: &[&str] = &[
    "maxBodyBytes",
    "maxHeaderBytes",
    "maxHeaders",
    "maxUrlLength",
    "maxConnections",
    "maxRequestsPerConnection",
    "headerTimeoutMs",
    "bodyTimeoutMs",
    "idleTimeoutMs",
    "maxHandlerMs",
    "shutdownTimeoutMs",
];

impl ServeOptions {
    /// Reads the JSON ts-lib passes to `ops.serve`; unknown keys are ignored
    /// and missing ones keep their defaults.
    pub fn from_json(json: &str) -> Result<ServeOptions, String> {
        ServeOptions::from_json_over(json, &ServeOptions::default())
    }

    /// As `from_json`, with missing keys taken from `base` (the defaults the
    /// CLI's flags set) instead of the built-in defaults.
    pub fn from_json_over(json: &str, base: &ServeOptions) -> Result<ServeOptions, String> {
        let v: serde_json::Value =
            serde_json::from_str(json).map_err(|e| format!("bad serve options: {e}"))?;
        let mut o = base.clone();
        if let Some(p) = v.get("port").and_then(|p| p.as_u64()) {
            o.port = u16::try_from(p).map_err(|_| format!("port {p} is out of range (0-65535)"))?;
        }
        if let Some(h) = v.get("hostname").and_then(|h| h.as_str()) {
            o.hostname = h.to_string();
        }
        for &name in OPTION_NAMES {
            let Some(x) = v.get(name) else { continue };
            // ts-lib checks for non-negative numbers; fractions round down.
            let n = x
                .as_u64()
                .or_else(|| x.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
                .ok_or_else(|| format!("option {name} must be a non-negative number"))?;
            o.set(name, n)?;
        }
        if let Some(b) = v.get("reusePort").and_then(|b| b.as_bool()) {
            o.reuse_port = b;
        }
        Ok(o)
    }

    /// Sets one of [`OPTION_NAMES`] (counts, bytes, or milliseconds).
    pub fn set(&mut self, name: &str, n: u64) -> Result<(), String> {
        let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let ms = Duration::from_millis;
        match name {
            "maxBodyBytes" => self.limits.max_body_bytes = n,
            "maxHeaderBytes" => self.limits.max_head_bytes = size(n),
            "maxHeaders" => self.limits.max_headers = size(n),
            "maxUrlLength" => self.limits.max_target_len = size(n),
            "maxConnections" => self.max_connections = size(n),
            "maxRequestsPerConnection" => self.max_requests_per_connection = n,
            "headerTimeoutMs" => self.header_timeout = ms(n),
            "bodyTimeoutMs" => self.body_timeout = ms(n),
            "idleTimeoutMs" => self.idle_timeout = ms(n),
            "maxHandlerMs" => self.max_handler = ms(n),
            "shutdownTimeoutMs" => self.shutdown_timeout = ms(n),
            _ => return Err(format!("unknown serve option {name}")),
        }
        Ok(())
    }
}

/// Why a listener is not being watched for new connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paused {
    No,
    /// At `max_connections`: resumes when one closes.
    Full,
    /// accept() failed for want of a resource (EMFILE, ENFILE, ENOBUFS,
    /// ENOMEM): resumes when a connection closes (freeing a descriptor) or
    /// at `retry`, whichever comes first.
    Error {
        retry: Instant,
    },
}

/// A listening socket and what its server was started with. Its key among
/// the loop's sources is its token and the server id JS holds.
pub struct Server {
    /// None after `stop()`: closed, so new clients are refused at once
    /// instead of waiting in a backlog nobody accepts from.
    listener: Option<TcpListener>,
    addr: SocketAddr,
    handler: Handler,
    options: ServeOptions,
    /// False after `stop()`.
    accepting: bool,
    paused: Paused,
    /// An accept error was logged and no accept has succeeded since: one
    /// line per episode, not one per retry.
    accept_error_logged: bool,
    /// Streams of this server open now.
    streams: usize,
    /// After `stop()`: when streams still busy are closed anyway.
    stop_deadline: Option<Instant>,
}

/// What one accept() call on a listener gave.
pub enum Accepted {
    Stream(TcpStream, SocketAddr),
    /// Not accepting now (stopped, paused, or the socket has nothing).
    Nothing,
    /// At `max_connections`: pause until a stream closes.
    Full,
    Failed(io::Error),
}

impl Server {
    pub fn new(listener: TcpListener, addr: SocketAddr, handler: Handler, options: ServeOptions) -> Server {
        Server {
            listener: Some(listener),
            addr,
            handler,
            options,
            accepting: true,
            paused: Paused::No,
            accept_error_logged: false,
            streams: 0,
            stop_deadline: None,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn handler(&self) -> &Handler {
        &self.handler
    }

    pub fn options(&self) -> &ServeOptions {
        &self.options
    }

    pub fn accepting(&self) -> bool {
        self.accepting
    }

    pub fn paused(&self) -> Paused {
        self.paused
    }

    /// What a stream of this server may do (stream.rs).
    pub fn rules(&self) -> Rules {
        let o = &self.options;
        Rules {
            limits: o.limits,
            max_requests: o.max_requests_per_connection,
            header_timeout: o.header_timeout,
            body_timeout: o.body_timeout,
            idle_timeout: o.idle_timeout,
        }
    }

    /// Accepts one pending connection, if the server takes one now.
    pub fn accept(&mut self) -> Accepted {
        if !self.accepting || self.paused != Paused::No {
            return Accepted::Nothing;
        }
        if self.options.max_connections > 0 && self.streams >= self.options.max_connections {
            return Accepted::Full;
        }
        let Some(listener) = self.listener.as_ref() else {
            return Accepted::Nothing;
        };
        match listener.accept() {
            Ok((sock, peer)) => {
                self.accept_error_logged = false;
                Accepted::Stream(sock, peer)
            }
            Err(e) => Accepted::Failed(e),
        }
    }

    /// A stream of this server was registered.
    pub fn stream_opened(&mut self) {
        self.streams += 1;
    }

    pub fn stream_closed(&mut self) {
        self.streams = self.streams.saturating_sub(1);
    }

    /// Whether to log an accept-side error now: once per episode (until an
    /// accept succeeds again).
    pub fn first_error(&mut self) -> bool {
        !std::mem::replace(&mut self.accept_error_logged, true)
    }

    /// Stops accepting and closes the listener; false when it already was.
    pub fn stop(&mut self, registry: &Registry, now: Instant) -> bool {
        if !self.accepting {
            return false;
        }
        self.accepting = false;
        if let Some(mut l) = self.listener.take() {
            // Already deregistered when paused; the error is moot either way.
            let _ = registry.deregister(&mut l);
        }
        self.paused = Paused::No;
        let timeout = self.options.shutdown_timeout;
        self.stop_deadline = (!timeout.is_zero()).then(|| now + timeout);
        true
    }

    /// Whether the shutdown timeout after `stop()` has passed at `now`.
    pub fn stop_expired(&self, now: Instant) -> bool {
        self.stop_deadline.is_some_and(|d| now >= d)
    }

    /// The shutdown timeout was acted on.
    pub fn clear_stop_deadline(&mut self) {
        self.stop_deadline = None;
    }

    /// Stops watching the listener (a level-triggered or re-armed listener
    /// would otherwise wake every turn) until `resume`.
    pub fn pause(&mut self, registry: &Registry, why: Paused) {
        if self.paused == Paused::No {
            if let Some(l) = self.listener.as_mut() {
                let _ = registry.deregister(l);
            }
        }
        self.paused = why;
    }

    /// Watches the listener again if the cause of the pause is gone; true
    /// when it is watched again (then take what waits in the backlog). A
    /// failure to re-register pauses it until `retry_at`.
    pub fn resume(&mut self, registry: &Registry, token: Token, retry_at: Instant) -> bool {
        if self.paused == Paused::No || !self.accepting {
            return false;
        }
        if self.paused == Paused::Full && self.streams >= self.options.max_connections {
            return false;
        }
        let Some(l) = self.listener.as_mut() else {
            return false;
        };
        match registry.register(l, token, Interest::READABLE) {
            Ok(()) => {
                self.paused = Paused::No;
                true
            }
            Err(e) => {
                if self.first_error() {
                    eprintln!("warning: cannot watch the listener again: {e}; retrying");
                }
                self.paused = Paused::Error { retry: retry_at };
                false
            }
        }
    }

    /// Paused on an accept error whose retry time has come.
    pub fn retry_due(&self, now: Instant) -> bool {
        matches!(self.paused, Paused::Error { retry } if retry <= now)
    }
}

/// Binds a non-blocking listener with a deep backlog (bursts of 1,000
/// connects must not be refused). Errors name the address and the cause in
/// one line.
pub fn bind(opts: &ServeOptions) -> Result<(TcpListener, SocketAddr), String> {
    let host = if opts.hostname == "localhost" {
        "127.0.0.1"
    } else {
        opts.hostname.as_str()
    };
    let addr = (host, opts.port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve hostname '{}': {e}", opts.hostname))?
        .next()
        .ok_or_else(|| format!("hostname '{}' has no address", opts.hostname))?;
    let describe = |e: io::Error| match e.kind() {
        io::ErrorKind::AddrInUse => format!("port {} is already in use ({addr})", opts.port),
        io::ErrorKind::PermissionDenied => format!("permission denied to listen on {addr}"),
        io::ErrorKind::AddrNotAvailable => format!("address {addr} is not available on this machine"),
        _ => format!("cannot listen on {addr}: {e}"),
    };
    let socket =
        Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP)).map_err(describe)?;
    socket.set_reuse_address(true).map_err(describe)?;
    if opts.reuse_port {
        socket.set_reuse_port(true).map_err(describe)?;
    }
    socket.set_nonblocking(true).map_err(describe)?;
    socket.bind(&addr.into()).map_err(describe)?;
    socket.listen(opts.backlog).map_err(describe)?;
    let std_listener: std::net::TcpListener = socket.into();
    let local = std_listener.local_addr().map_err(describe)?;
    Ok((TcpListener::from_std(std_listener), local))
}
