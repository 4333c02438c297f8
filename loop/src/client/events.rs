//! What client connections tell JS, queued during a turn and handed over
//! in one call (`EventLoop::deliver_client_events`): flat numbers for the
//! events, one byte buffer for all the data, one list for error texts. JS
//! takes them with `netTakeEvents`, `netTakeBytes` and `netTakeErrors`
//! (ts-lib/ops.d.ts has the contract).

/// Event kinds, as JS sees them (ts-lib/ops.d.ts mirrors these numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// Connected (after the TLS handshake, for TLS).
    Connect = 1,
    /// Bytes arrived: the argument is their length in the turn's buffer.
    Data = 2,
    /// The peer ended its side (EOF, or TLS close_notify).
    End = 3,
    /// The output went below the low-water mark after a write was refused.
    Drain = 4,
    /// The connection failed: the argument indexes the turn's error texts.
    Error = 5,
    /// The connection is gone: the argument is 1 after an error.
    Close = 6,
    /// HTTP driver: a response head, as "status\nreason\n(name\nvalue\n)*"
    /// bytes in the turn's buffer (the argument is their length).
    Head = 7,
    /// HTTP driver: the response ended; the argument is 1 when the
    /// connection may carry another request.
    ResponseEnd = 8,
}

/// The events of a turn.
#[derive(Default)]
pub struct ClientEvents {
    /// [connection id, kind, argument, ...].
    nums: Vec<f64>,
    bytes: Vec<u8>,
    /// "CODE message" for each error event.
    errors: Vec<String>,
}

impl ClientEvents {
    pub fn push(&mut self, id: u64, kind: Kind, arg: usize) {
        self.nums
            .extend_from_slice(&[id as f64, kind as u8 as f64, arg as f64]);
    }

    pub fn data(&mut self, id: u64, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        self.bytes.extend_from_slice(data);
        self.push(id, Kind::Data, data.len());
    }

    /// An event whose argument is a length of bytes in the turn's buffer.
    pub fn bytes_event(&mut self, id: u64, kind: Kind, data: &[u8]) {
        self.bytes.extend_from_slice(data);
        self.push(id, kind, data.len());
    }

    /// An error with Node's code (`ECONNREFUSED`) and a message that says
    /// what was being done (`connect ECONNREFUSED 127.0.0.1:9`).
    pub fn error(&mut self, id: u64, code: &str, message: &str) {
        self.errors.push(format!("{code} {message}"));
        self.push(id, Kind::Error, self.errors.len() - 1);
    }

    pub fn is_empty(&self) -> bool {
        self.nums.is_empty()
    }

    pub fn take_nums(&mut self) -> Vec<f64> {
        std::mem::take(&mut self.nums)
    }

    /// The turn's bytes; the buffer keeps its capacity for the next turn
    /// (the caller copies them into JS).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn clear_bytes(&mut self) {
        self.bytes.clear();
    }

    /// Empties the queue, keeping its buffers' capacity.
    pub fn clear(&mut self) {
        self.nums.clear();
        self.bytes.clear();
        self.errors.clear();
    }

    pub fn take_errors(&mut self) -> Vec<String> {
        std::mem::take(&mut self.errors)
    }
}
