//! Howth.RedisClient against a real redis-server (Debian's, started by the
//! test on a free port with a password and no persistence): the typed
//! commands, send(), errors, pipelining (a turn's commands in one write),
//! pub/sub, and a server stopped and started again. Values written
//! through Howth are read back with `redis-cli` too.

mod common;
#[path = "../protocols/tests/common/mod.rs"]
mod servers;

use std::process::{Command, Stdio};

use common::{assert_lines_then_done, TempScript};
use servers::db::{redis, Redis, REDIS_PASSWORD};

fn url(r: &Redis) -> String {
    format!(
        "redis://:{}@127.0.0.1:{}",
        REDIS_PASSWORD.replace(' ', "%20"),
        r.server.port
    )
}

fn run_script(r: &Redis, source: &str) -> String {
    common::run_script_to_done(source, &[("REDIS_URL", &url(r))])
}

#[test]
fn commands_errors_and_pipelining() {
    let r = redis();
    let out = run_script(
        &r,
        r#"
const redis = Howth.redis;
const show = (label: string, v: unknown) => console.log(label, JSON.stringify(v));
show("set", [await redis.set("greeting", "héllo wörld"), await redis.get("greeting"), await redis.get("missing")]);
show("ex", [await redis.set("temp", "1", "EX", 100), await redis.ttl("temp"), await redis.set("temp", "2", "NX"), await redis.set("ptemp", "1", "PX", 50000)]);
show("exists", [await redis.exists("temp"), await redis.del("temp", "ptemp"), await redis.exists("temp")]);
show("counters", [await redis.incr("n"), await redis.incrby("n", 10), await redis.decr("n"), await redis.expire("n", 60), await redis.ttl("n")]);
show("hash", [await redis.hset("user:1", { name: "ann", age: 30 }), await redis.hget("user:1", "name"), await redis.hgetall("user:1"), await redis.hdel("user:1", "age"), await redis.hgetall("nothing")]);
show("list", [await redis.lpush("l", "a", "b"), await redis.rpush("l", "z"), await redis.lrange("l", 0, -1), await redis.lpop("l")]);
show("set-type", [await redis.sadd("s", "x", "y"), await redis.sismember("s", "x"), await redis.sismember("s", "q"), (await redis.smembers("s")).sort()]);
show("zset", [await redis.zadd("z", 2, "two", 1, "one"), await redis.zrange("z", 0, -1)]);
show("multi", [await redis.mset("a", "1", "b", "2"), await redis.mget("a", "b", "nope")]);
show("send", [await redis.send("STRLEN", ["greeting"]), await redis.send("ECHO", ["hi"])]);
try {
  await redis.lpush("greeting", "x");
} catch (e: any) {
  show("wrongtype", [e.code, e.message.startsWith("WRONGTYPE")]);
}
try {
  await redis.send("NOSUCHCOMMAND", []);
} catch (e: any) {
  show("unknown", [e.code]);
}
// 1,000 commands issued in one turn: all answered, in order.
const replies = await Promise.all(Array.from({ length: 1000 }, () => redis.incr("pipelined")));
show("pipelined", [replies.length, replies.every((v, i) => v === i + 1)]);
// Pub/sub on a client of its own.
const sub = new Howth.RedisClient(Howth.env.REDIS_URL);
const got: string[] = [];
const received = new Promise<void>((resolve) =>
  sub.subscribe("news", (message, channel) => {
    got.push(`${channel}:${message}`);
    if (got.length === 2) resolve();
  }),
);
await new Promise((r) => setTimeout(r, 50));
await redis.publish("news", "one");
await redis.publish("news", "two");
await received;
show("pubsub", got);
sub.close();
const wrong = new Howth.RedisClient(Howth.env.REDIS_URL!.replace(/:[^:@]*@/, ":wrong@"), { autoReconnect: false });
try {
  await wrong.get("x");
} catch (e: any) {
  show("password", [e.code]);
}
redis.close();
try {
  await redis.get("x");
} catch (e: any) {
  show("closed", [e.code]);
}
console.log("done");
"#,
    );
    assert_lines_then_done(
        &out,
        &[
            r#"set ["OK","héllo wörld",null]"#,
            r#"ex ["OK",100,null,"OK"]"#,
            "exists [true,2,false]",
            "counters [1,11,10,1,60]",
            r#"hash [2,"ann",{"name":"ann","age":"30"},1,{}]"#,
            r#"list [2,3,["b","a","z"],"b"]"#,
            r#"set-type [2,true,false,["x","y"]]"#,
            r#"zset [2,["one","two"]]"#,
            r#"multi ["OK",["1","2",null]]"#,
            r#"send [13,"hi"]"#,
            r#"wrongtype ["WRONGTYPE",true]"#,
            r#"unknown ["ERR"]"#,
            "pipelined [1000,true]",
            r#"pubsub ["news:one","news:two"]"#,
            r#"password ["WRONGPASS"]"#,
            r#"closed ["ERR_REDIS_CONNECTION_CLOSED"]"#,
        ],
    );
    assert_eq!(r.cli(&["get", "greeting"]), "héllo wörld");
    assert_eq!(r.cli(&["hgetall", "user:1"]), "name\nann");
    assert_eq!(r.cli(&["get", "pipelined"]), "1000");
}

/// redis-server stopped: commands reject promptly; started again on the
/// same port: the client reconnects and later commands succeed.
#[test]
fn server_restart() {
    let r = redis();
    let port = r.server.port;
    let script = TempScript::new(
        "main.ts",
        r#"
const redis = new Howth.RedisClient(Howth.env.REDIS_URL, { maxRetries: 1000 });
console.log("first", await redis.set("k", "v"));
let down = false;
for (let i = 0; i < 1000; i++) {
  const v = await redis.get("k").catch((e: any) => e);
  if (v instanceof Error && !down) {
    down = true;
    console.log("down", v.code);
  } else if (!(v instanceof Error) && down) {
    console.log("up", v);
    break;
  }
  await new Promise((r) => setTimeout(r, 20));
}
redis.close();
console.log("done");
"#,
    );
    let mut child = Command::new(common::howth())
        .arg("run")
        .arg(&script.path)
        .env("REDIS_URL", url(&r))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line);
        }
    });
    let next = || {
        rx.recv_timeout(servers::DEADLINE)
            .expect("a line from the script")
    };
    assert_eq!(next(), "first OK");
    drop(r);
    let line = next();
    assert!(line.starts_with("down E"), "{line}");
    // Started again, empty (no persistence): the value is gone, the client is back.
    let again = servers::db::redis_on(port);
    assert_eq!(next(), "up null");
    assert_eq!(next(), "done");
    assert!(child.wait().unwrap().success());
    drop(again);
}
