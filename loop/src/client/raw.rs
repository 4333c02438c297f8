//! The raw-bytes driver: bytes in and out as they are, for `node:net` and
//! `node:tls` sockets. Everything it receives goes to JS as data events;
//! what JS writes goes out unchanged.
use super::{Cx, Failure, Kind};

#[derive(Default)]
pub struct Raw;

impl Raw {
    pub fn connected(&mut self, cx: &mut Cx<'_>) -> Result<(), Failure> {
        cx.events.push(cx.id, Kind::Connect, 0);
        Ok(())
    }

    pub fn received(&mut self, data: &[u8], cx: &mut Cx<'_>) -> Result<(), Failure> {
        cx.events.data(cx.id, data);
        Ok(())
    }

    pub fn ended(&mut self, cx: &mut Cx<'_>) -> Result<(), Failure> {
        cx.events.push(cx.id, Kind::End, 0);
        Ok(())
    }
}
