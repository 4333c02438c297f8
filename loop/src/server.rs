//! Listening sockets and the options each server was started with.
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

use howth_parser::Limits;
use mio::net::TcpListener;
use socket2::{Domain, Protocol, Socket, Type};

/// What answers a server's requests.
pub enum Handler {
    /// The JS handler, through the batch dispatch function.
    Js,
    /// `Howth.serveRustOnly`: a fixed response, no JS at all (the baseline).
    Static { body: Vec<u8> },
}

/// Options from `Howth.serve(...)` (JSON from ts-lib) or the embedder.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub port: u16,
    pub hostname: String,
    pub limits: Limits,
    /// Share the port with other workers' sockets (SO_REUSEPORT).
    pub reuse_port: bool,
    pub backlog: i32,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            port: 3000,
            hostname: "0.0.0.0".into(),
            limits: Limits::default(),
            reuse_port: false,
            backlog: 4096,
        }
    }
}

impl ServeOptions {
    /// Reads the JSON ts-lib passes to `ops.serve`; unknown keys are ignored
    /// and missing ones keep their defaults.
    pub fn from_json(json: &str) -> Result<ServeOptions, String> {
        let v: serde_json::Value =
            serde_json::from_str(json).map_err(|e| format!("bad serve options: {e}"))?;
        let mut o = ServeOptions::default();
        if let Some(p) = v.get("port").and_then(|p| p.as_u64()) {
            o.port = u16::try_from(p).map_err(|_| format!("port {p} is out of range (0-65535)"))?;
        }
        if let Some(h) = v.get("hostname").and_then(|h| h.as_str()) {
            o.hostname = h.to_string();
        }
        let num = |k: &str| v.get(k).and_then(|x| x.as_u64());
        if let Some(n) = num("maxBodyBytes") {
            o.limits.max_body_bytes = n;
        }
        if let Some(n) = num("maxHeaderBytes") {
            o.limits.max_head_bytes = n as usize;
        }
        if let Some(n) = num("maxHeaders") {
            o.limits.max_headers = n as usize;
        }
        if let Some(n) = num("maxUrlLength") {
            o.limits.max_target_len = n as usize;
        }
        if let Some(b) = v.get("reusePort").and_then(|b| b.as_bool()) {
            o.reuse_port = b;
        }
        Ok(o)
    }
}

pub struct Server {
    pub listener: TcpListener,
    pub addr: SocketAddr,
    pub handler: Handler,
    pub options: ServeOptions,
    /// False after `stop()`: the listener is deregistered and dropped.
    pub accepting: bool,
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
