//! The Redis codec against a real redis-server (Debian's `redis-server`),
//! with a password and no persistence, checked with `redis-cli` too.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::db::{redis, Redis, REDIS_PASSWORD as PASSWORD};
use common::DEADLINE;
use howth_protocols::redis::{Client, CommandId, Config, Error, Event, Protocol, Value};

impl Redis {
    fn connect(&self, config: Config) -> Conn {
        let stream = TcpStream::connect(("127.0.0.1", self.server.port)).unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut client = Client::new(config);
        let mut out = Vec::new();
        client.start(&mut out);
        Conn {
            stream,
            client,
            out,
            writes: 0,
        }
    }
}

fn authed(protocol: Protocol) -> Config {
    Config {
        protocol,
        password: Some(PASSWORD.into()),
        ..Config::default()
    }
}

/// A blocking driver: what the loop does, one socket at a time.
struct Conn {
    stream: TcpStream,
    client: Client,
    out: Vec<u8>,
    /// How many writes went to the socket.
    writes: usize,
}

impl Conn {
    fn flush(&mut self) {
        if !self.out.is_empty() {
            self.stream.write_all(&self.out).unwrap();
            self.out.clear();
            self.writes += 1;
        }
    }

    fn send(&mut self, args: &[&str]) -> CommandId {
        self.client.command(args, &mut self.out)
    }

    fn next_event(&mut self) -> Event {
        let mut buf = [0u8; 16 * 1024];
        loop {
            if let Some(event) = self.client.poll_event() {
                return event;
            }
            self.flush();
            // A reset, an end of file or a read past the deadline all end
            // the connection.
            match self.stream.read(&mut buf) {
                // A lost connection reports itself once (Failed); waiting
                // for more from a dead socket would spin.
                Ok(0) | Err(_) if self.client.is_failed() => panic!("connection closed"),
                Ok(0) | Err(_) => self.client.connection_lost(),
                Ok(n) => self.client.receive(&buf[..n]),
            }
        }
    }

    fn reply(&mut self, id: CommandId) -> Result<Value, Error> {
        loop {
            match self.next_event() {
                Event::Reply { id: got, result } => {
                    assert_eq!(got, id, "replies come in command order");
                    return result;
                }
                // A lost connection announces itself before the replies
                // it fails.
                Event::Ready | Event::Failed(Error::Closed) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn call(&mut self, args: &[&str]) -> Result<Value, Error> {
        let id = self.send(args);
        self.reply(id)
    }
}

fn bulk(s: &str) -> Value {
    Value::Bulk(s.as_bytes().to_vec())
}

#[test]
fn pipelines_a_thousand_commands_in_one_write() {
    let redis = redis();
    let mut conn = redis.connect(authed(Protocol::Resp2));
    let ids: Vec<_> = (0..1000)
        .map(|i| {
            if i % 2 == 0 {
                conn.send(&["INCR", "counter"])
            } else {
                conn.send(&["RPUSH", "list", &i.to_string()])
            }
        })
        .collect();
    conn.flush();
    assert_eq!(conn.writes, 1);
    for (i, id) in ids.into_iter().enumerate() {
        // INCR counts the even commands, RPUSH's list length the odd ones:
        // both are the command's rank among its kind.
        let expected = i as i64 / 2 + 1;
        assert_eq!(conn.reply(id), Ok(Value::Int(expected)), "command {i}");
    }
    assert_eq!(redis.cli(&["GET", "counter"]), "500");
    assert_eq!(redis.cli(&["LINDEX", "list", "-1"]), "999");
}

#[test]
fn binary_values_round_trip_and_are_seen_by_redis_cli() {
    let redis = redis();
    let mut conn = redis.connect(authed(Protocol::Resp3));
    let value = "line\r\nbreak \u{1F600}";
    assert_eq!(
        conn.call(&["SET", "k", value, "EX", "100"]),
        Ok(Value::Simple("OK".into()))
    );
    assert_eq!(conn.call(&["GET", "k"]), Ok(bulk(value)));
    assert_eq!(conn.call(&["GET", "missing"]), Ok(Value::Nil));
    assert_eq!(redis.cli(&["STRLEN", "k"]), value.len().to_string());
    redis.cli(&["SET", "from-cli", "hello"]);
    assert_eq!(conn.call(&["GET", "from-cli"]), Ok(bulk("hello")));
}

#[test]
fn resp3_gives_typed_replies() {
    let redis = redis();
    let mut conn = redis.connect(authed(Protocol::Resp3));
    conn.call(&["HSET", "h", "b", "2", "a", "1"]).unwrap();
    let Ok(Value::Map(pairs)) = conn.call(&["HGETALL", "h"]) else {
        panic!("HGETALL is a map in RESP3")
    };
    let mut pairs: Vec<_> = pairs.into_iter().collect();
    pairs.sort_by(|x, y| x.0.as_bytes().cmp(&y.0.as_bytes()));
    assert_eq!(pairs, vec![(bulk("a"), bulk("1")), (bulk("b"), bulk("2"))]);
    conn.call(&["SADD", "s", "x"]).unwrap();
    assert_eq!(conn.call(&["SMEMBERS", "s"]), Ok(Value::Set(vec![bulk("x")])));
    conn.call(&["ZADD", "z", "1.5", "m"]).unwrap();
    assert_eq!(conn.call(&["ZSCORE", "z", "m"]), Ok(Value::Double(1.5)));
    // The same in RESP2 is an array and a bulk string.
    let mut old = redis.connect(authed(Protocol::Resp2));
    assert_eq!(old.call(&["ZSCORE", "z", "m"]), Ok(bulk("1.5")));
    assert!(matches!(old.call(&["HGETALL", "h"]), Ok(Value::Array(v)) if v.len() == 4));
}

#[test]
fn an_error_reply_fails_only_its_command() {
    let redis = redis();
    let mut conn = redis.connect(authed(Protocol::Resp2));
    let a = conn.send(&["SET", "str", "x"]);
    let b = conn.send(&["LPUSH", "str", "y"]);
    let c = conn.send(&["GET", "str"]);
    assert_eq!(conn.reply(a), Ok(Value::Simple("OK".into())));
    assert!(matches!(conn.reply(b), Err(Error::Server(e)) if e.code == "WRONGTYPE"));
    assert_eq!(conn.reply(c), Ok(bulk("x")));
}

#[test]
fn a_wrong_password_fails_the_connection() {
    let redis = redis();
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let mut conn = redis.connect(Config {
            protocol,
            password: Some("wrong".into()),
            ..Config::default()
        });
        let id = conn.send(&["GET", "k"]);
        assert!(
            matches!(conn.next_event(), Event::Failed(Error::Server(e)) if e.code == "WRONGPASS"),
            "{protocol:?}"
        );
        assert_eq!(
            conn.next_event(),
            Event::Reply {
                id,
                result: Err(Error::Closed)
            }
        );
    }
    // Without a password the first command is refused, not the connection.
    let mut conn = redis.connect(Config::default());
    assert!(matches!(conn.call(&["GET", "k"]), Err(Error::Server(e)) if e.code == "NOAUTH"));
}

#[test]
fn select_chooses_the_database() {
    let redis = redis();
    let mut conn = redis.connect(Config {
        database: 3,
        client_name: Some("howth-test".into()),
        ..authed(Protocol::Resp2)
    });
    conn.call(&["SET", "where", "db3"]).unwrap();
    assert_eq!(redis.cli(&["-n", "3", "GET", "where"]), "db3");
    assert_eq!(redis.cli(&["-n", "0", "EXISTS", "where"]), "0");
    assert_eq!(conn.call(&["CLIENT", "GETNAME"]), Ok(bulk("howth-test")));
}

#[test]
fn pub_sub_delivers_messages_in_both_protocols() {
    let redis = redis();
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        // The previous round's subscriber keeps its pattern until the server
        // notices its close, so each round has its own pattern.
        let (pattern, topic) = (format!("log{protocol:?}.*"), format!("log{protocol:?}.db"));
        let mut sub = redis.connect(authed(protocol));
        let mut publisher = redis.connect(authed(Protocol::Resp2));
        let id = sub.send(&["SUBSCRIBE", "news", "sport"]);
        sub.send(&["PSUBSCRIBE", &pattern]);
        let ping = sub.send(&["PING"]);
        loop {
            if let Event::Reply { id: got, .. } = sub.next_event() {
                if got == ping {
                    break;
                }
                assert!(got == id || got == id + 1);
            }
        }
        assert_eq!(publisher.call(&["PUBLISH", "sport", "goal"]), Ok(Value::Int(1)));
        assert_eq!(publisher.call(&["PUBLISH", &topic, "slow"]), Ok(Value::Int(1)));
        assert_eq!(
            sub.next_event(),
            Event::Push(vec![bulk("message"), bulk("sport"), bulk("goal")]),
            "{protocol:?}"
        );
        assert_eq!(
            sub.next_event(),
            Event::Push(vec![bulk("pmessage"), bulk(&pattern), bulk(&topic), bulk("slow")])
        );
        let unsub = sub.send(&["UNSUBSCRIBE"]);
        let Event::Reply {
            id: got,
            result: Ok(_),
        } = sub.next_event()
        else {
            panic!()
        };
        assert_eq!(got, unsub, "both channels confirmed before the reply");
        assert_eq!(publisher.call(&["PUBLISH", "news", "gone"]), Ok(Value::Int(0)));
    }
}

#[test]
fn a_server_that_goes_away_fails_what_is_in_flight() {
    let mut redis = redis();
    let mut conn = redis.connect(authed(Protocol::Resp2));
    conn.call(&["PING"]).unwrap();
    let blocked = conn.send(&["BLPOP", "never", "0"]);
    conn.flush();
    redis.server.child.kill().unwrap();
    redis.server.child.wait().unwrap();
    assert_eq!(conn.next_event(), Event::Failed(Error::Closed));
    assert_eq!(conn.reply(blocked), Err(Error::Closed));
}
