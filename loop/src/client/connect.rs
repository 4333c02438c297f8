//! Opening the socket: the addresses to try, in the order of
//! `howth_runtime::dns::connect_order` (RFC 8305's interleaving of IPv6
//! and IPv4), one attempt at a time, the next when one fails; and the
//! names Node gives the OS's failures.
use std::io;
use std::net::SocketAddr;

use mio::net::TcpStream;

/// The addresses still to try, and the first failure (the one reported
/// when every address failed, as Node reports the first).
pub struct Attempts {
    addrs: Vec<SocketAddr>,
    next: usize,
    first_error: Option<(io::Error, SocketAddr)>,
}

impl Attempts {
    pub fn new(addrs: Vec<SocketAddr>) -> Attempts {
        Attempts {
            addrs,
            next: 0,
            first_error: None,
        }
    }

    /// Starts a non-blocking connect to the next address. A socket that
    /// cannot even be made (EMFILE) or an address refused at once counts
    /// as a failed attempt; None when no address is left.
    pub fn start_next(&mut self) -> Option<(TcpStream, SocketAddr)> {
        while let Some(&addr) = self.addrs.get(self.next) {
            self.next += 1;
            match TcpStream::connect(addr) {
                Ok(s) => return Some((s, addr)),
                Err(e) => self.failed(e, addr),
            }
        }
        None
    }

    pub fn failed(&mut self, e: io::Error, addr: SocketAddr) {
        if self.first_error.is_none() {
            self.first_error = Some((e, addr));
        }
    }

    /// Node's code and message for the connect that failed on every
    /// address.
    pub fn describe_failure(&self) -> (&'static str, String) {
        match &self.first_error {
            Some((e, addr)) => {
                let code = error_code(e);
                (code, format!("connect {code} {addr}"))
            }
            None => (
                "EADDRNOTAVAIL",
                "connect EADDRNOTAVAIL: no address to connect to".into(),
            ),
        }
    }
}

/// Node's code (libuv's name) for an OS error.
pub fn error_code(e: &io::Error) -> &'static str {
    match e.raw_os_error() {
        Some(libc::ECONNREFUSED) => "ECONNREFUSED",
        Some(libc::ECONNRESET) => "ECONNRESET",
        Some(libc::ECONNABORTED) => "ECONNABORTED",
        Some(libc::ETIMEDOUT) => "ETIMEDOUT",
        Some(libc::EHOSTUNREACH) => "EHOSTUNREACH",
        Some(libc::ENETUNREACH) => "ENETUNREACH",
        Some(libc::EADDRNOTAVAIL) => "EADDRNOTAVAIL",
        Some(libc::EADDRINUSE) => "EADDRINUSE",
        Some(libc::EPIPE) => "EPIPE",
        Some(libc::EMFILE) => "EMFILE",
        Some(libc::ENFILE) => "ENFILE",
        Some(libc::ENOBUFS) => "ENOBUFS",
        Some(libc::EACCES) => "EACCES",
        Some(libc::EPERM) => "EPERM",
        _ => match e.kind() {
            io::ErrorKind::UnexpectedEof => "ECONNRESET",
            io::ErrorKind::BrokenPipe => "EPIPE",
            _ => "EIO",
        },
    }
}
