//! The raw-bytes driver: bytes in and out as they are, for `node:net` and
//! `node:tls` sockets. Everything it receives goes to JS as data events;
//! what JS writes goes out unchanged.
use super::{Cx, Kind};

#[derive(Default)]
pub struct Raw;

impl Raw {
    pub fn connected(&mut self, cx: &mut Cx<'_>) {
        cx.events.push(cx.id, Kind::Connect, 0);
    }

    pub fn received(&mut self, data: &[u8], cx: &mut Cx<'_>) {
        cx.events.data(cx.id, data);
    }

    pub fn ended(&mut self, cx: &mut Cx<'_>) {
        cx.events.push(cx.id, Kind::End, 0);
    }
}
