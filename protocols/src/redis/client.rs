//! One Redis connection's state: the handshake, the queue of commands
//! awaiting replies, and pub/sub bookkeeping.

use std::collections::{BTreeSet, VecDeque};

use super::encode::encode_command;
use super::value::{decode_value, Error, Value};

/// The RESP version spoken on the connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Protocol {
    /// Every server speaks it; no handshake needed.
    #[default]
    Resp2,
    /// Negotiated with `HELLO 3` (Redis 6 and later): typed replies
    /// (maps, sets, doubles, booleans) and pushes that can share the
    /// connection with ordinary commands.
    Resp3,
}

/// What to say when the connection opens.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub protocol: Protocol,
    /// ACL user name (Redis 6); `None` authenticates as `default`.
    pub username: Option<String>,
    pub password: Option<String>,
    /// Database number for `SELECT`; 0 sends nothing.
    pub database: u32,
    /// `CLIENT SETNAME`.
    pub client_name: Option<String>,
}

/// Names a command; replies carry the id of the command they answer.
pub type CommandId = u64;

/// Something that happened on the connection.
#[derive(Debug, PartialEq)]
pub enum Event {
    /// The handshake (`HELLO`, `AUTH`, `SELECT`, ...) succeeded; comes
    /// once, before any reply.
    Ready,
    /// The reply to command `id`.
    Reply {
        id: CommandId,
        result: Result<Value, Error>,
    },
    /// Out-of-band data: a pub/sub message (`["message", channel,
    /// payload]`, `["pmessage", pattern, channel, payload]`), or any
    /// other RESP3 push such as a client-side-caching invalidation.
    Push(Vec<Value>),
    /// The connection is unusable: the handshake was refused, the server
    /// broke the protocol, or the socket closed (`Error::Closed`). Every command still waiting gets a
    /// `Reply` with `Err(Error::Closed)` right after this event.
    Failed(Error),
}

/// How many replies a command takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// One reply (almost every command).
    One,
    /// One subscribe or unsubscribe confirmation per channel; the command's
    /// reply is the last of them.
    Confirmations(usize),
}

#[derive(Debug)]
struct Pending {
    /// `None` for the handshake's own commands.
    id: Option<CommandId>,
    expect: Expect,
}

/// Which subscription family a pub/sub command or confirmation is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Channel,
    Pattern,
    Shard,
}

/// A Redis connection as a state machine; see the [module docs](super).
#[derive(Debug)]
pub struct Client {
    config: Config,
    /// Bytes received and not yet decoded start at `read_pos`.
    read: Vec<u8>,
    read_pos: usize,
    pending: VecDeque<Pending>,
    /// Events produced out of turn (failures), handed out before decoding
    /// more input.
    queued: VecDeque<Event>,
    next_id: CommandId,
    handshake_left: usize,
    failed: bool,
    /// Subscriptions as issued (not as confirmed), per family: an
    /// unsubscribe-all is answered with one confirmation per name.
    subscriptions: [BTreeSet<Vec<u8>>; 3],
}

impl Client {
    pub fn new(config: Config) -> Self {
        Client {
            config,
            read: Vec::new(),
            read_pos: 0,
            pending: VecDeque::new(),
            queued: VecDeque::new(),
            next_id: 0,
            handshake_left: 0,
            failed: false,
            subscriptions: Default::default(),
        }
    }

    /// Appends the handshake to `out`; call once, when the socket has
    /// connected (commands may be queued behind it straight away).
    pub fn start(&mut self, out: &mut Vec<u8>) {
        let config = &self.config;
        let mut commands: Vec<Vec<Vec<u8>>> = Vec::new();
        match config.protocol {
            Protocol::Resp3 => {
                let mut hello: Vec<Vec<u8>> = vec![b"HELLO".to_vec(), b"3".to_vec()];
                if let Some(password) = &config.password {
                    let user = config.username.as_deref().unwrap_or("default");
                    hello.extend([b"AUTH".to_vec(), user.into(), password.clone().into()]);
                }
                if let Some(name) = &config.client_name {
                    hello.extend([b"SETNAME".to_vec(), name.clone().into()]);
                }
                commands.push(hello);
            }
            Protocol::Resp2 => {
                if let Some(password) = &config.password {
                    let mut auth = vec![b"AUTH".to_vec()];
                    auth.extend(config.username.clone().map(Vec::from));
                    auth.push(password.clone().into());
                    commands.push(auth);
                }
                if let Some(name) = &config.client_name {
                    commands.push(vec![b"CLIENT".to_vec(), b"SETNAME".to_vec(), name.clone().into()]);
                }
            }
        }
        if config.database != 0 {
            commands.push(vec![b"SELECT".to_vec(), config.database.to_string().into()]);
        }
        self.handshake_left = commands.len();
        for (i, command) in commands.iter().enumerate() {
            encode_command(out, command);
            self.pending.insert(
                i,
                Pending {
                    id: None,
                    expect: Expect::One,
                },
            );
        }
        if commands.is_empty() {
            self.queued.push_back(Event::Ready);
        }
    }

    /// Appends `args` (the command name first) to `out` and returns the id
    /// its reply will carry. On a failed connection the reply is an
    /// immediate `Err(Error::Closed)` and nothing is written.
    pub fn command<A: AsRef<[u8]>>(&mut self, args: &[A], out: &mut Vec<u8>) -> CommandId {
        let id = self.next_id;
        self.next_id += 1;
        if self.failed {
            self.queued.push_back(Event::Reply {
                id,
                result: Err(Error::Closed),
            });
            return id;
        }
        encode_command(out, args);
        let expect = self.track_subscriptions(args);
        self.pending.push_back(Pending { id: Some(id), expect });
        id
    }

    /// Hands over bytes read from the socket.
    pub fn receive(&mut self, bytes: &[u8]) {
        if !self.failed {
            self.read.extend_from_slice(bytes);
        }
    }

    /// The next event, or `None` until more bytes are received.
    pub fn poll_event(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.queued.pop_front() {
                return Some(event);
            }
            if self.failed {
                return None;
            }
            match decode_value(&self.read[self.read_pos..], self.config.protocol) {
                Ok(None) => {
                    self.read.drain(..self.read_pos);
                    self.read_pos = 0;
                    return None;
                }
                Ok(Some((value, used))) => {
                    self.read_pos += used;
                    if let Some(event) = self.dispatch(value) {
                        return Some(event);
                    }
                }
                Err(e) => self.fail(e),
            }
        }
    }

    /// The socket closed or failed: `Event::Failed(Error::Closed)`, then
    /// every command waiting gets `Err(Error::Closed)`.
    pub fn connection_lost(&mut self) {
        if !self.failed {
            self.fail(Error::Closed);
        }
    }

    /// Commands written and not yet answered, handshake included.
    pub fn in_flight(&self) -> usize {
        self.pending.len()
    }

    pub fn is_failed(&self) -> bool {
        self.failed
    }

    fn fail(&mut self, error: Error) {
        self.failed = true;
        self.queued.push_back(Event::Failed(error));
        self.fail_pending();
    }

    fn fail_pending(&mut self) {
        self.read.clear();
        self.read_pos = 0;
        for p in std::mem::take(&mut self.pending) {
            if let Some(id) = p.id {
                self.queued.push_back(Event::Reply {
                    id,
                    result: Err(Error::Closed),
                });
            }
        }
    }

    /// Matches one decoded reply to what was waiting for it.
    fn dispatch(&mut self, value: Value) -> Option<Event> {
        if let Some(items) = self.out_of_band(&value) {
            let kind = items
                .first()
                .and_then(Value::as_bytes)
                .map(<[u8]>::to_ascii_lowercase);
            let confirms = kind.as_deref().and_then(confirmation_family).is_some();
            let front = self.pending.front_mut();
            match front {
                Some(Pending {
                    id: Some(id),
                    expect: Expect::Confirmations(left),
                }) if confirms => {
                    *left -= 1;
                    if *left > 0 {
                        return None;
                    }
                    let id = *id;
                    self.pending.pop_front();
                    return Some(Event::Reply {
                        id,
                        result: Ok(value),
                    });
                }
                _ => {
                    let (Value::Push(items) | Value::Array(items)) = value else {
                        return None;
                    };
                    return Some(Event::Push(items));
                }
            }
        }
        let Some(pending) = self.pending.pop_front() else {
            self.fail(Error::Protocol("a reply nobody asked for".into()));
            return None;
        };
        let result = match value {
            Value::Error(e) => Err(Error::Server(e)),
            v => Ok(v),
        };
        match pending.id {
            Some(id) => Some(Event::Reply { id, result }),
            None => match result {
                Err(e) => {
                    self.fail(e);
                    None
                }
                Ok(_) => {
                    self.handshake_left -= 1;
                    (self.handshake_left == 0).then_some(Event::Ready)
                }
            },
        }
    }

    /// The elements of a reply that is pub/sub traffic rather than the
    /// answer to the command at the front of the queue.
    fn out_of_band<'v>(&self, value: &'v Value) -> Option<&'v [Value]> {
        match value {
            // RESP3 keeps pushes apart from replies by type.
            Value::Push(items) => Some(items),
            // RESP2 has only arrays: while a pub/sub command waits for its
            // confirmations, or the connection is subscribed, an array
            // naming a pub/sub kind is pub/sub traffic.
            Value::Array(items) if self.config.protocol == Protocol::Resp2 => {
                let kind = items.first().and_then(Value::as_bytes)?.to_ascii_lowercase();
                let awaiting = matches!(
                    self.pending.front(),
                    Some(Pending {
                        expect: Expect::Confirmations(_),
                        ..
                    })
                );
                let subscribed = self.subscriptions.iter().any(|s| !s.is_empty());
                let is_message = matches!(&kind[..], b"message" | b"pmessage" | b"smessage");
                let is_confirmation = confirmation_family(&kind).is_some();
                ((awaiting && (is_message || is_confirmation)) || (subscribed && is_message))
                    .then_some(&items[..])
            }
            _ => None,
        }
    }

    /// Updates the subscription sets for a pub/sub command and says how
    /// many replies it takes.
    fn track_subscriptions<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Expect {
        let Some(name) = args.first() else {
            return Expect::One;
        };
        let Some((family, subscribe)) = pubsub_command(name.as_ref()) else {
            return Expect::One;
        };
        let set = &mut self.subscriptions[family as usize];
        let names = &args[1..];
        if subscribe {
            set.extend(names.iter().map(|n| n.as_ref().to_vec()));
            return Expect::Confirmations(names.len().max(1));
        }
        if names.is_empty() {
            // Unsubscribe from everything: one confirmation per name, or a
            // single one when there was nothing to leave.
            let n = set.len().max(1);
            set.clear();
            return Expect::Confirmations(n);
        }
        for n in names {
            set.remove(n.as_ref());
        }
        Expect::Confirmations(names.len())
    }
}

/// The pub/sub commands, which are also the kinds of their confirmations.
const PUBSUB: [(&[u8], Family, bool); 6] = [
    (b"subscribe", Family::Channel, true),
    (b"unsubscribe", Family::Channel, false),
    (b"psubscribe", Family::Pattern, true),
    (b"punsubscribe", Family::Pattern, false),
    (b"ssubscribe", Family::Shard, true),
    (b"sunsubscribe", Family::Shard, false),
];

/// `(family, is_subscribe)` for a pub/sub command name in any case. Runs
/// for every command, so it allocates nothing and rejects most names by
/// length.
fn pubsub_command(name: &[u8]) -> Option<(Family, bool)> {
    if !(9..=12).contains(&name.len()) {
        return None;
    }
    PUBSUB
        .iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, family, subscribe)| (family, subscribe))
}

/// Confirmations carry the command's name as their kind.
fn confirmation_family(kind: &[u8]) -> Option<Family> {
    pubsub_command(kind).map(|(f, _)| f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::Bulk(s.as_bytes().to_vec())
    }

    fn drain(c: &mut Client) -> Vec<Event> {
        std::iter::from_fn(|| c.poll_event()).collect()
    }

    #[test]
    fn resp3_handshake_authenticates_and_selects() {
        let mut c = Client::new(Config {
            protocol: Protocol::Resp3,
            username: Some("app".into()),
            password: Some("pw".into()),
            database: 2,
            client_name: None,
        });
        let mut out = Vec::new();
        c.start(&mut out);
        let id = c.command(&["PING"], &mut out);
        let mut expected = Vec::new();
        encode_command(&mut expected, &["HELLO", "3", "AUTH", "app", "pw"]);
        encode_command(&mut expected, &["SELECT", "2"]);
        encode_command(&mut expected, &["PING"]);
        assert_eq!(out, expected);
        c.receive(b"%1\r\n+proto\r\n:3\r\n+OK\r\n+PONG\r\n");
        assert_eq!(
            drain(&mut c),
            vec![
                Event::Ready,
                Event::Reply {
                    id,
                    result: Ok(Value::Simple("PONG".into()))
                }
            ]
        );
    }

    #[test]
    fn a_refused_handshake_fails_every_waiting_command() {
        let mut c = Client::new(Config {
            password: Some("wrong".into()),
            ..Config::default()
        });
        let mut out = Vec::new();
        c.start(&mut out);
        let a = c.command(&["GET", "a"], &mut out);
        c.receive(b"-WRONGPASS invalid username-password pair\r\n-NOAUTH Authentication required.\r\n");
        let events = drain(&mut c);
        assert!(matches!(&events[0], Event::Failed(Error::Server(e)) if e.code == "WRONGPASS"));
        assert_eq!(
            events[1],
            Event::Reply {
                id: a,
                result: Err(Error::Closed)
            }
        );
        assert_eq!(events.len(), 2);
        let b = c.command(&["GET", "b"], &mut out);
        assert_eq!(
            drain(&mut c),
            vec![Event::Reply {
                id: b,
                result: Err(Error::Closed)
            }]
        );
    }

    #[test]
    fn error_replies_fail_only_their_command() {
        let mut c = Client::new(Config::default());
        let mut out = Vec::new();
        c.start(&mut out);
        let ids: Vec<_> = (0..3).map(|_| c.command(&["X"], &mut out)).collect();
        c.receive(b":1\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n:3\r\n");
        let events = drain(&mut c);
        assert_eq!(events[0], Event::Ready);
        assert_eq!(
            events[1],
            Event::Reply {
                id: ids[0],
                result: Ok(Value::Int(1))
            }
        );
        assert!(
            matches!(&events[2], Event::Reply { id, result: Err(Error::Server(e)) } if *id == ids[1] && e.code == "WRONGTYPE")
        );
        assert_eq!(
            events[3],
            Event::Reply {
                id: ids[2],
                result: Ok(Value::Int(3))
            }
        );
    }

    #[test]
    fn resp2_subscribe_confirms_each_channel_then_delivers_messages() {
        let mut c = Client::new(Config::default());
        let mut out = Vec::new();
        c.start(&mut out);
        let sub = c.command(&["SUBSCRIBE", "a", "b"], &mut out);
        c.receive(b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
        c.receive(b"*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n");
        c.receive(b"*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n");
        let events = drain(&mut c);
        assert_eq!(
            events[1],
            Event::Push(vec![bulk("message"), bulk("a"), bulk("hi")])
        );
        assert!(
            matches!(&events[2], Event::Reply { id, result: Ok(Value::Array(v)) } if *id == sub && v[1] == bulk("b"))
        );
        let ping = c.command(&["PING"], &mut out);
        let unsub = c.command(&["UNSUBSCRIBE"], &mut out);
        c.receive(b"*2\r\n$4\r\npong\r\n$0\r\n\r\n");
        c.receive(
            b"*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:0\r\n",
        );
        let events = drain(&mut c);
        assert_eq!(
            events[0],
            Event::Reply {
                id: ping,
                result: Ok(Value::Array(vec![bulk("pong"), bulk("")]))
            }
        );
        assert!(matches!(&events[1], Event::Reply { id, .. } if *id == unsub));
        assert_eq!(events.len(), 2);
    }

    #[test]
    fn resp2_arrays_that_look_like_messages_are_replies_when_not_subscribed() {
        let mut c = Client::new(Config::default());
        let mut out = Vec::new();
        c.start(&mut out);
        let id = c.command(&["LRANGE", "l", "0", "-1"], &mut out);
        c.receive(b"*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nb\r\n");
        let events = drain(&mut c);
        assert!(matches!(&events[1], Event::Reply { id: i, result: Ok(Value::Array(_)) } if *i == id));
    }

    #[test]
    fn resp3_pushes_interleave_with_replies() {
        let mut c = Client::new(Config {
            protocol: Protocol::Resp3,
            ..Config::default()
        });
        let mut out = Vec::new();
        c.start(&mut out);
        let get = c.command(&["GET", "k"], &mut out);
        c.receive(b"%0\r\n>3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nx\r\n$1\r\nv\r\n");
        let events = drain(&mut c);
        assert_eq!(
            events,
            vec![
                Event::Ready,
                Event::Push(vec![bulk("message"), bulk("c"), bulk("x")]),
                Event::Reply {
                    id: get,
                    result: Ok(bulk("v"))
                },
            ]
        );
    }

    #[test]
    fn garbage_fails_the_connection_and_its_commands() {
        let mut c = Client::new(Config::default());
        let mut out = Vec::new();
        c.start(&mut out);
        let id = c.command(&["GET", "k"], &mut out);
        c.receive(b"HTTP/1.1 400 Bad Request\r\n");
        let events = drain(&mut c);
        assert!(matches!(events[1], Event::Failed(Error::Protocol(_))));
        assert_eq!(
            events[2],
            Event::Reply {
                id,
                result: Err(Error::Closed)
            }
        );
    }

    #[test]
    fn an_unsolicited_reply_is_a_protocol_error() {
        let mut c = Client::new(Config::default());
        c.start(&mut Vec::new());
        c.receive(b"+OK\r\n");
        assert!(matches!(drain(&mut c)[1], Event::Failed(Error::Protocol(_))));
    }

    #[test]
    fn connection_lost_fails_what_is_in_flight() {
        let mut c = Client::new(Config::default());
        let mut out = Vec::new();
        c.start(&mut out);
        let id = c.command(&["BLPOP", "q", "0"], &mut out);
        assert_eq!(c.in_flight(), 1);
        c.connection_lost();
        assert_eq!(
            drain(&mut c),
            vec![
                Event::Ready,
                Event::Failed(Error::Closed),
                Event::Reply {
                    id,
                    result: Err(Error::Closed)
                }
            ]
        );
        c.connection_lost();
        assert_eq!(drain(&mut c), vec![], "reported once");
    }
}
