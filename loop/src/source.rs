//! Everything the loop's poll watches, in one slab: a source's key is its
//! mio token, and what it is lives in its type. A listener accepts streams;
//! a stream carries bytes (stream.rs); a client is a connection this loop
//! opened (client/).
use mio::Token;
use slab::Slab;

use crate::client::Client;
use crate::server::Server;
use crate::stream::Stream;

pub enum Source {
    Listener(Server),
    Stream(Stream),
    /// An outgoing connection (client/).
    Client(Client),
}

/// The slab of sources, with typed access by key.
pub struct Sources {
    slab: Slab<Source>,
    /// How many of them are streams.
    streams: usize,
}

/// Tokens the slab never hands out: the poll's waker and the signal pipe.
pub const WAKER: Token = Token(usize::MAX);
pub const SIGNALS: Token = Token(usize::MAX - 1);

impl Sources {
    pub fn with_capacity(n: usize) -> Sources {
        Sources {
            slab: Slab::with_capacity(n),
            streams: 0,
        }
    }

    /// The key the next source inserted gets (its token).
    pub fn next_key(&self) -> usize {
        self.slab.vacant_key()
    }

    /// Inserts a source under the key `next_key` returned.
    pub fn insert(&mut self, source: Source) -> usize {
        self.streams += usize::from(matches!(source, Source::Stream(_)));
        self.slab.insert(source)
    }

    pub fn get_mut(&mut self, key: usize) -> Option<&mut Source> {
        self.slab.get_mut(key)
    }

    #[inline]
    pub fn stream(&self, key: usize) -> Option<&Stream> {
        match self.slab.get(key) {
            Some(Source::Stream(s)) => Some(s),
            _ => None,
        }
    }

    #[inline]
    pub fn stream_mut(&mut self, key: usize) -> Option<&mut Stream> {
        match self.slab.get_mut(key) {
            Some(Source::Stream(s)) => Some(s),
            _ => None,
        }
    }

    /// The stream under `key` if it is still stream `id` (a key is reused
    /// once its stream closes; an id never is).
    #[inline]
    pub fn stream_of(&mut self, key: usize, id: u64) -> Option<&mut Stream> {
        self.stream_mut(key).filter(|s| s.id() == id)
    }

    /// Stream `stream` and listener `listener` at once (the Rust-only
    /// server writes its listener's fixed body into its stream).
    pub fn stream_and_listener(&mut self, stream: usize, listener: usize) -> Option<(&mut Stream, &Server)> {
        match self.slab.get2_mut(stream, listener)? {
            (Source::Stream(s), Source::Listener(l)) => Some((s, l)),
            _ => None,
        }
    }

    pub fn listener(&self, key: usize) -> Option<&Server> {
        match self.slab.get(key) {
            Some(Source::Listener(l)) => Some(l),
            _ => None,
        }
    }

    pub fn listener_mut(&mut self, key: usize) -> Option<&mut Server> {
        match self.slab.get_mut(key) {
            Some(Source::Listener(l)) => Some(l),
            _ => None,
        }
    }

    #[inline]
    pub fn client_mut(&mut self, key: usize) -> Option<&mut Client> {
        match self.slab.get_mut(key) {
            Some(Source::Client(c)) => Some(c),
            _ => None,
        }
    }

    /// Removes client connection `key`, returning it.
    pub fn remove_client(&mut self, key: usize) -> Option<Client> {
        if !matches!(self.slab.get(key), Some(Source::Client(_))) {
            return None;
        }
        match self.slab.remove(key) {
            Source::Client(c) => Some(c),
            _ => None,
        }
    }

    pub fn clients_mut(&mut self) -> impl Iterator<Item = (usize, &mut Client)> {
        self.slab.iter_mut().filter_map(|(k, s)| match s {
            Source::Client(c) => Some((k, c)),
            _ => None,
        })
    }

    /// Removes stream `key`, returning it.
    pub fn remove_stream(&mut self, key: usize) -> Option<Stream> {
        if !matches!(self.slab.get(key), Some(Source::Stream(_))) {
            return None;
        }
        self.streams -= 1;
        match self.slab.remove(key) {
            Source::Stream(s) => Some(s),
            _ => None,
        }
    }

    pub fn streams_mut(&mut self) -> impl Iterator<Item = (usize, &mut Stream)> {
        self.slab.iter_mut().filter_map(|(k, s)| match s {
            Source::Stream(s) => Some((k, s)),
            _ => None,
        })
    }

    pub fn listeners(&self) -> impl Iterator<Item = (usize, &Server)> {
        self.slab.iter().filter_map(|(k, s)| match s {
            Source::Listener(l) => Some((k, l)),
            _ => None,
        })
    }

    /// The keys of the listeners (a copy, to act on each while mutating).
    pub fn listener_keys(&self) -> Vec<usize> {
        self.listeners().map(|(k, _)| k).collect()
    }

    /// Removes every stream, handing each to `f` (the loop's hard stop),
    /// and every listener.
    pub fn drain(&mut self, mut f: impl FnMut(Stream)) {
        self.streams = 0;
        for (_, s) in std::mem::take(&mut self.slab) {
            if let Source::Stream(s) = s {
                f(s);
            }
        }
    }

    pub fn has_streams(&self) -> bool {
        self.streams > 0
    }
}
