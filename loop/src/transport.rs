//! How a stream's bytes cross the wire. Plain TCP today; TLS (rustls's
//! sans-I/O `read_tls`/`process_new_packets`/`write_tls` around the same
//! socket) becomes a second variant, and the protocol above it sees only
//! plaintext through `Read` and `Write` (docs/loop.md).
use std::io::{self, Read, Write};
use std::net::Shutdown;

use mio::net::TcpStream;
use mio::{Interest, Registry, Token};

pub enum Transport {
    Tcp(TcpStream),
}

impl Transport {
    pub fn register(&mut self, registry: &Registry, token: Token, interest: Interest) -> io::Result<()> {
        match self {
            Transport::Tcp(s) => registry.register(s, token, interest),
        }
    }

    pub fn reregister(&mut self, registry: &Registry, token: Token, interest: Interest) -> io::Result<()> {
        match self {
            Transport::Tcp(s) => registry.reregister(s, token, interest),
        }
    }

    pub fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        match self {
            Transport::Tcp(s) => registry.deregister(s),
        }
    }

    /// Ends the write side: what was written is followed by a FIN.
    pub fn shutdown_write(&mut self) -> io::Result<()> {
        match self {
            Transport::Tcp(s) => s.shutdown(Shutdown::Write),
        }
    }
}

impl Read for Transport {
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Transport::Tcp(s) => s.read(buf),
        }
    }
}

impl Write for Transport {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Transport::Tcp(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
