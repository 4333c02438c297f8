//! Taking new connections off a listener: each becomes a stream source.
use std::io;

use mio::Token;

use crate::server::{Accepted, Paused};
use crate::source::{Source, SIGNALS};
use crate::state::LoopState;
use crate::stream::Stream;
use crate::ACCEPT_RETRY;

/// What an accept() error means.
enum AcceptError {
    /// Nothing more to accept now.
    WouldBlock,
    /// Try again at once (EINTR).
    Retry,
    /// The error belongs to one pending connection, which it consumed:
    /// go on with the next.
    ThisConnection,
    /// Out of descriptors, buffers or memory (or an unexpected error):
    /// pause the listener, since retrying at once would spin.
    Resource,
}

fn classify_accept_error(e: &io::Error) -> AcceptError {
    match e.kind() {
        io::ErrorKind::WouldBlock => return AcceptError::WouldBlock,
        io::ErrorKind::Interrupted => return AcceptError::Retry,
        _ => {}
    }
    match e.raw_os_error() {
        // accept(2): Linux passes errors already pending on the new socket
        // back from accept; each concerns that connection alone.
        Some(
            libc::ECONNABORTED
            | libc::ECONNRESET
            | libc::EPROTO
            | libc::EPERM
            | libc::ENOPROTOOPT
            | libc::EHOSTDOWN
            | libc::ENONET
            | libc::EHOSTUNREACH
            | libc::EOPNOTSUPP
            | libc::ENETDOWN
            | libc::ENETUNREACH
            | libc::ETIMEDOUT,
        ) => AcceptError::ThisConnection,
        _ => AcceptError::Resource,
    }
}

/// Accepts every pending connection of listener `server`.
pub(crate) fn accept_all(ext: &mut LoopState, server: usize) {
    loop {
        let now = ext.now;
        let Some(l) = ext.sources.listener_mut(server) else {
            return;
        };
        match l.accept() {
            Accepted::Nothing => return,
            Accepted::Full => {
                ext.pause_accepting(server, Paused::Full);
                return;
            }
            Accepted::Stream(sock, peer) => {
                let rules = l.rules();
                let key = ext.sources.next_key();
                if key >= SIGNALS.0 {
                    // usize::MAX - 1 sources: unreachable; dropping closes it.
                    return;
                }
                let id = ext.next_stream_id();
                let mut stream = Stream::accept(id, sock, peer, server, rules, now);
                match stream.register(&ext.registry, Token(key)) {
                    Ok(()) => {
                        ext.sources.insert(Source::Stream(stream));
                        if let Some(l) = ext.sources.listener_mut(server) {
                            l.stream_opened();
                        }
                    }
                    Err(e) => {
                        // ENOMEM, or the epoll watch limit: this client is
                        // dropped (closing its socket), the loop goes on.
                        if let Some(l) = ext.sources.listener_mut(server) {
                            if l.first_error() {
                                eprintln!("warning: cannot watch a new connection: {e}; closing it");
                            }
                        }
                    }
                }
            }
            Accepted::Failed(e) => match classify_accept_error(&e) {
                AcceptError::WouldBlock => return,
                AcceptError::Retry | AcceptError::ThisConnection => {}
                AcceptError::Resource => {
                    // EMFILE/ENFILE/ENOBUFS/ENOMEM: the pending client stays
                    // in the backlog. Retrying now would fail again (and
                    // with level-triggered readiness, spin); so the listener
                    // rests until a connection closes or ACCEPT_RETRY passes.
                    if l.first_error() {
                        eprintln!(
                            "warning: accept failed: {e}; pausing new connections until one closes (or {} ms)",
                            ACCEPT_RETRY.as_millis()
                        );
                    }
                    let retry = now + ACCEPT_RETRY;
                    ext.pause_accepting(server, Paused::Error { retry });
                    return;
                }
            },
        }
    }
}
