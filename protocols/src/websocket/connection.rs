//! One WebSocket connection after the handshake: frames in, messages and
//! control events out, replies (pong, the closing handshake, the close
//! that reports a protocol failure) appended to the caller's buffer.

use super::deflate::{DeflateParams, Deflater, Inflater};
use super::frame::{
    apply_mask, parse_header, write_frame, Header, MAX_CONTROL_PAYLOAD, OP_BINARY, OP_CLOSE, OP_CONTINUATION,
    OP_PING, OP_PONG, OP_TEXT,
};
use super::{Error, SendError};

/// Which end of the connection this is: clients mask what they send and
/// must not receive masked frames; servers the reverse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Client,
    Server,
}

/// A connection's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Largest message received, after decompression; larger is closed
    /// with 1009.
    pub max_message: usize,
    /// Messages sent shorter than this go uncompressed even when
    /// permessage-deflate was agreed (small ones barely shrink).
    pub compress_threshold: usize,
    /// permessage-deflate's agreed parameters, if any.
    pub deflate: Option<DeflateParams>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_message: 64 * 1024 * 1024,
            compress_threshold: 1024,
            deflate: None,
        }
    }
}

/// What a peer sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// A whole text message, checked to be UTF-8.
    Text(&'a str),
    /// A whole binary message.
    Binary(&'a [u8]),
    /// A ping; the pong has been appended to the output.
    Ping(&'a [u8]),
    Pong(&'a [u8]),
    /// The peer's close frame: its code (none when it sent an empty close)
    /// and reason. If this side had not closed, the echoing close frame
    /// (same code and reason) has been appended to the output. Nothing more is read; a server
    /// now closes the socket, a client waits for the server to.
    Close {
        code: Option<u16>,
        reason: &'a str,
    },
}

/// An [`Event`] copied out of the connection's buffers, to keep past the
/// next `decode`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnedEvent {
    Text(String),
    Binary(Vec<u8>),
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    /// Code and reason.
    Close(Option<u16>, String),
}

impl From<Event<'_>> for OwnedEvent {
    fn from(event: Event<'_>) -> OwnedEvent {
        match event {
            Event::Text(t) => OwnedEvent::Text(t.to_owned()),
            Event::Binary(b) => OwnedEvent::Binary(b.to_vec()),
            Event::Ping(p) => OwnedEvent::Ping(p.to_vec()),
            Event::Pong(p) => OwnedEvent::Pong(p.to_vec()),
            Event::Close { code, reason } => OwnedEvent::Close(code, reason.to_owned()),
        }
    }
}

/// Close codes a peer may send (RFC 6455 §7.4, and the IANA registry's
/// 1012 to 1014); 1005, 1006 and 1015 only ever describe a closure.
pub fn is_valid_close_code(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Open,
    /// This side sent a close; the peer's is awaited.
    CloseSent,
    /// Both closes are out, or the peer's came: nothing more is read.
    Closed,
    Failed(Error),
}

/// The data frame being received.
#[derive(Clone, Copy, Debug)]
struct Incoming {
    fin: bool,
    left: u64,
    mask: Option<[u8; 4]>,
    /// Payload bytes of this frame received so far (the mask's phase).
    offset: usize,
}

/// A message being received: its kind and whether it was compressed.
#[derive(Clone, Copy, Debug)]
struct Message {
    text: bool,
    compressed: bool,
}

enum Step {
    Nothing,
    Message { text: bool },
    Ping,
    Pong,
    Close { code: Option<u16> },
}

/// Where masking keys come from: the OS's random source, 64 keys a read.
struct Masks {
    pool: [u8; 256],
    used: usize,
}

impl Masks {
    fn next(&mut self) -> [u8; 4] {
        if self.used == self.pool.len() {
            getrandom::getrandom(&mut self.pool).expect("the OS random source");
            self.used = 0;
        }
        let key = self.pool[self.used..self.used + 4].try_into().expect("4 bytes");
        self.used += 4;
        key
    }
}

/// One connection's codec; see the [module docs](super).
pub struct Connection {
    role: Role,
    config: Config,
    state: State,
    frame: Option<Incoming>,
    message: Option<Message>,
    /// The message received so far (decompressed, unmasked).
    data: Vec<u8>,
    /// A compressed message's payload so far.
    compressed: Vec<u8>,
    /// How much of `data` is known to be valid UTF-8 (text messages are
    /// checked as they arrive, so a bad byte fails the connection at once).
    utf8_checked: usize,
    control: Vec<u8>,
    /// The message being sent in fragments: compressed or not.
    sending: Option<bool>,
    deflater: Option<Deflater>,
    inflater: Option<Inflater>,
    masks: Masks,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("role", &self.role)
            .field("config", &self.config)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl Connection {
    pub fn new(role: Role, config: Config) -> Connection {
        let (deflater, inflater) = match config.deflate {
            Some(d) => {
                let (own_bits, own_reset, peer_reset) = match role {
                    Role::Client => (
                        d.client_max_window_bits,
                        d.client_no_context_takeover,
                        d.server_no_context_takeover,
                    ),
                    Role::Server => (
                        d.server_max_window_bits,
                        d.server_no_context_takeover,
                        d.client_no_context_takeover,
                    ),
                };
                (
                    Some(Deflater::new(own_bits, own_reset)),
                    Some(Inflater::new(peer_reset)),
                )
            }
            None => (None, None),
        };
        Connection {
            role,
            config,
            state: State::Open,
            frame: None,
            message: None,
            data: Vec::new(),
            compressed: Vec::new(),
            utf8_checked: 0,
            control: Vec::new(),
            sending: None,
            deflater,
            inflater,
            masks: Masks {
                pool: [0; 256],
                used: 256,
            },
        }
    }

    /// Whether the peer's close came (or the connection failed): nothing
    /// more will be read.
    pub fn is_closed(&self) -> bool {
        matches!(self.state, State::Closed | State::Failed(_))
    }

    /// Reads from the start of `input`; returns how many bytes were used
    /// and what arrived, if anything. Replies go to `out`. Bytes not used
    /// (an incomplete frame header or control frame) must be passed again
    /// with what arrives next. On an error the close frame with its code
    /// has been appended to `out` (unless this side had already closed):
    /// write it, then close the socket.
    pub fn decode<'a>(
        &'a mut self,
        input: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(usize, Option<Event<'a>>), Error> {
        let (used, step) = match self.step(input, out) {
            Ok(done) => done,
            Err(e) => {
                if self.state == State::Open {
                    let mut payload = e.code.to_be_bytes().to_vec();
                    payload.extend_from_slice(e.reason.as_bytes());
                    self.write_control(out, OP_CLOSE, &payload);
                }
                self.state = State::Failed(e.clone());
                return Err(e);
            }
        };
        let event = match step {
            Step::Nothing => None,
            Step::Message { text: true } => Some(Event::Text(
                std::str::from_utf8(&self.data).expect("checked as it arrived"),
            )),
            Step::Message { text: false } => Some(Event::Binary(&self.data)),
            Step::Ping => Some(Event::Ping(&self.control)),
            Step::Pong => Some(Event::Pong(&self.control)),
            Step::Close { code } => Some(Event::Close {
                code,
                reason: std::str::from_utf8(&self.control[2.min(self.control.len())..]).expect("checked"),
            }),
        };
        Ok((used, event))
    }

    fn step(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(usize, Step), Error> {
        match &self.state {
            State::Closed => return Ok((0, Step::Nothing)),
            State::Failed(e) => return Err(e.clone()),
            State::Open | State::CloseSent => {}
        }
        if let Some(frame) = self.frame {
            return self.payload(frame, input);
        }
        let Some(header) = parse_header(input)? else {
            return Ok((0, Step::Nothing));
        };
        match (self.role, header.mask.is_some()) {
            (Role::Server, false) => return Err(Error::protocol("unmasked frame from a client")),
            (Role::Client, true) => return Err(Error::protocol("masked frame from a server")),
            _ => {}
        }
        if header.is_control() {
            return self.control_frame(header, input, out);
        }
        let compressed = header.rsv1;
        match (header.opcode, self.message) {
            (OP_CONTINUATION, None) => return Err(Error::protocol("continuation without a message")),
            (OP_CONTINUATION, Some(_)) if compressed => {
                return Err(Error::protocol("RSV1 on a continuation"))
            }
            (OP_CONTINUATION, Some(_)) => {}
            (_, Some(_)) => return Err(Error::protocol("a new message inside a fragmented one")),
            (opcode, None) => {
                if compressed && self.inflater.is_none() {
                    return Err(Error::protocol("RSV1 without permessage-deflate"));
                }
                self.message = Some(Message {
                    text: opcode == OP_TEXT,
                    compressed,
                });
                self.data.clear();
                self.compressed.clear();
                self.utf8_checked = 0;
            }
        }
        let so_far = if compressed {
            self.compressed.len()
        } else {
            self.data.len()
        };
        if header.len > (self.config.max_message - so_far.min(self.config.max_message)) as u64 {
            return Err(Error::too_big());
        }
        let frame = Incoming {
            fin: header.fin,
            left: header.len,
            mask: header.mask,
            offset: 0,
        };
        let (used, step) = self.payload(frame, &input[header.size..])?;
        Ok((header.size + used, step))
    }

    /// Takes payload bytes of the current data frame.
    fn payload(&mut self, mut frame: Incoming, input: &[u8]) -> Result<(usize, Step), Error> {
        let message = self.message.expect("a data frame belongs to a message");
        let n = usize::try_from(frame.left).map_or(input.len(), |left| left.min(input.len()));
        let target = if message.compressed {
            &mut self.compressed
        } else {
            &mut self.data
        };
        let start = target.len();
        target.extend_from_slice(&input[..n]);
        if let Some(key) = frame.mask {
            apply_mask(&mut target[start..], key, frame.offset);
        }
        frame.offset += n;
        frame.left -= n as u64;
        if message.text && !message.compressed {
            self.check_utf8(false)?;
        }
        if frame.left > 0 {
            self.frame = Some(frame);
            return Ok((n, Step::Nothing));
        }
        self.frame = None;
        if !frame.fin {
            return Ok((n, Step::Nothing));
        }
        self.message = None;
        if message.compressed {
            let inflater = self.inflater.as_mut().expect("RSV1 only with deflate");
            inflater.inflate(&self.compressed, &mut self.data, self.config.max_message)?;
        }
        if message.text {
            self.check_utf8(true)?;
        }
        Ok((n, Step::Message { text: message.text }))
    }

    /// Checks the text received since the last check; an incomplete
    /// character at the end is fine unless the message is complete.
    fn check_utf8(&mut self, complete: bool) -> Result<(), Error> {
        match std::str::from_utf8(&self.data[self.utf8_checked..]) {
            Ok(_) => self.utf8_checked = self.data.len(),
            Err(e) if e.error_len().is_none() && !complete => self.utf8_checked += e.valid_up_to(),
            Err(_) => return Err(Error::invalid_data("text that is not UTF-8")),
        }
        Ok(())
    }

    fn control_frame(
        &mut self,
        header: Header,
        input: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(usize, Step), Error> {
        let len = header.len as usize;
        let Some(payload) = input.get(header.size..header.size + len) else {
            return Ok((0, Step::Nothing));
        };
        self.control.clear();
        self.control.extend_from_slice(payload);
        if let Some(key) = header.mask {
            apply_mask(&mut self.control, key, 0);
        }
        let used = header.size + len;
        match header.opcode {
            OP_PING => {
                if self.state == State::Open {
                    let payload = std::mem::take(&mut self.control);
                    self.write_control(out, OP_PONG, &payload);
                    self.control = payload;
                }
                Ok((used, Step::Ping))
            }
            OP_PONG => Ok((used, Step::Pong)),
            _ => {
                let code = match self.control.len() {
                    0 => None,
                    1 => return Err(Error::protocol("close frame with a one-byte payload")),
                    _ => {
                        let code = u16::from_be_bytes([self.control[0], self.control[1]]);
                        if !is_valid_close_code(code) {
                            return Err(Error::protocol("invalid close code"));
                        }
                        if std::str::from_utf8(&self.control[2..]).is_err() {
                            return Err(Error::invalid_data("close reason that is not UTF-8"));
                        }
                        Some(code)
                    }
                };
                if self.state == State::Open {
                    // Echoed whole, code and reason, as ws does.
                    let echo = std::mem::take(&mut self.control);
                    self.write_control(out, OP_CLOSE, &echo);
                    self.control = echo;
                }
                self.state = State::Closed;
                Ok((used, Step::Close { code }))
            }
        }
    }

    fn mask(&mut self) -> Option<[u8; 4]> {
        (self.role == Role::Client).then(|| self.masks.next())
    }

    fn write_control(&mut self, out: &mut Vec<u8>, opcode: u8, payload: &[u8]) {
        let mask = self.mask();
        write_frame(out, true, false, opcode, payload, mask);
    }

    fn check_open(&self) -> Result<(), SendError> {
        match self.state {
            State::Open => Ok(()),
            _ => Err(SendError::Closed),
        }
    }

    /// Appends a whole text message.
    pub fn send_text(&mut self, out: &mut Vec<u8>, text: &str) -> Result<(), SendError> {
        self.send_fragment(out, true, text.as_bytes(), true)
    }

    /// Appends a whole binary message.
    pub fn send_binary(&mut self, out: &mut Vec<u8>, data: &[u8]) -> Result<(), SendError> {
        self.send_fragment(out, false, data, true)
    }

    /// Appends one frame of a message sent in pieces (a stream, or a
    /// message too big to build at once): `text` is read on the first
    /// piece only; `fin` marks the last. With permessage-deflate, whether
    /// the message is compressed is decided on its first piece. A text
    /// message's pieces must be UTF-8 together; each need not be alone.
    pub fn send_fragment(
        &mut self,
        out: &mut Vec<u8>,
        text: bool,
        data: &[u8],
        fin: bool,
    ) -> Result<(), SendError> {
        self.check_open()?;
        let (opcode, compress) = match self.sending {
            Some(compress) => (OP_CONTINUATION, compress),
            None => {
                let compress = self
                    .deflater
                    .as_ref()
                    .is_some_and(|d| d.can_compress() && data.len() >= self.config.compress_threshold);
                (if text { OP_TEXT } else { OP_BINARY }, compress)
            }
        };
        self.sending = if fin { None } else { Some(compress) };
        let rsv1 = compress && opcode != OP_CONTINUATION;
        let mask = self.mask();
        if compress {
            let mut body = Vec::with_capacity(data.len() / 2 + 64);
            self.deflater
                .as_mut()
                .expect("compress")
                .compress(data, fin, &mut body);
            write_frame(out, fin, rsv1, opcode, &body, mask);
        } else {
            write_frame(out, fin, rsv1, opcode, data, mask);
        }
        Ok(())
    }

    /// Appends a ping (at most 125 bytes of payload).
    pub fn ping(&mut self, out: &mut Vec<u8>, payload: &[u8]) -> Result<(), SendError> {
        self.send_control(out, OP_PING, payload)
    }

    /// Appends an unsolicited pong (a heartbeat).
    pub fn pong(&mut self, out: &mut Vec<u8>, payload: &[u8]) -> Result<(), SendError> {
        self.send_control(out, OP_PONG, payload)
    }

    fn send_control(&mut self, out: &mut Vec<u8>, opcode: u8, payload: &[u8]) -> Result<(), SendError> {
        self.check_open()?;
        if payload.len() > MAX_CONTROL_PAYLOAD {
            return Err(SendError::ControlTooLong);
        }
        self.write_control(out, opcode, payload);
        Ok(())
    }

    /// Starts the closing handshake: a close frame with `code` (or none)
    /// and `reason` (at most 123 bytes). Messages still arrive until the
    /// peer's close ([`Event::Close`]).
    pub fn close(&mut self, out: &mut Vec<u8>, code: Option<u16>, reason: &str) -> Result<(), SendError> {
        self.check_open()?;
        let payload = match code {
            Some(code) if !is_valid_close_code(code) => return Err(SendError::InvalidCloseCode(code)),
            Some(_) if reason.len() > MAX_CONTROL_PAYLOAD - 2 => return Err(SendError::ControlTooLong),
            Some(code) => [&code.to_be_bytes()[..], reason.as_bytes()].concat(),
            None if !reason.is_empty() => return Err(SendError::InvalidCloseCode(1005)),
            None => Vec::new(),
        };
        self.write_control(out, OP_CLOSE, &payload);
        self.state = State::CloseSent;
        Ok(())
    }
}
