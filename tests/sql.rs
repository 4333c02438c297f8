//! Howth.SQL against a real Postgres (Debian's, started by the test in a
//! temporary directory on a free port, SCRAM login): queries and their
//! parameters, every mapped type both ways, the sql() helpers,
//! transactions and savepoints, reserve, the pool's pipelining, errors,
//! and a server restart under load. Values written through Howth are read
//! back with `psql` too.

mod common;
#[path = "../protocols/tests/common/mod.rs"]
mod servers;

use common::{assert_lines_then_done, TempScript};
use servers::db::{postgres, Postgres, SUPERUSER_PASSWORD};

fn url(pg: &Postgres) -> String {
    format!(
        "postgres://postgres:{}@127.0.0.1:{}/postgres",
        SUPERUSER_PASSWORD.replace(' ', "%20"),
        pg.server.port
    )
}

fn run_script(pg: &Postgres, source: &str) -> String {
    common::run_script_to_done(source, &[("DATABASE_URL", &url(pg))])
}

#[test]
fn queries_types_helpers_and_errors() {
    let pg = postgres();
    pg.psql("create table people (id serial primary key, name text not null unique, age int, tags text[], meta jsonb, born date, seen timestamptz, photo bytea, big int8, score numeric)");
    let out = run_script(
        &pg,
        r#"
const sql = Howth.sql;
const show = (label: string, v: unknown) => console.log(label, JSON.stringify(v, (_k, x) => typeof x === "bigint" ? `${x}n` : x instanceof Uint8Array ? Array.from(x) : x));

// Parameters are bound, never spliced: a quote in a value is data.
const evil = "Robert'); drop table people; --";
const inserted = await sql`insert into people ${sql({ name: evil, age: 41, tags: ["a", "b c", 'd"e', null], meta: { k: [1, "x"] }, born: new Date("1985-06-15T00:00:00Z"), seen: new Date("2024-02-29T12:34:56.789Z"), photo: new Uint8Array([0, 1, 254, 255]), big: 9007199254740993n, score: "12345678901234567890.5" })} returning id, name`;
show("inserted", [inserted.count, inserted.command, inserted[0].name]);
const many = [{ name: "ann", age: 30 }, { name: "bob", age: null }];
const two = await sql`insert into people ${sql(many, "name", "age")}`;
show("two", [two.count, two.command]);

const [row] = await sql`select name, age, tags, meta, born, seen, photo, big, score from people where name = ${evil}`;
show("row", row);
show("dates", [row.born instanceof Date, (row.seen as Date).toISOString()]);
const big = new Howth.SQL(Howth.env.DATABASE_URL, { bigint: true });
const [b] = await big`select big, ${-5}::int8 as neg from people where big is not null`;
show("bigint", [typeof b.big, b.big, b.neg]);
await big.end();

// sql(array) in an in-list, sql(obj, ...cols) in an update, identifiers, fragments.
show("in", (await sql`select name from people where name in ${sql(["ann", "bob", "nobody"])} order by name`).map((r) => r.name));
await sql`update people set ${sql({ age: 31, name: "ann" }, "age")} where name = ${"ann"}`;
show("updated", (await sql`select age from people where name = 'ann'`)[0].age);
const col = "age";
const older = sql`and ${sql(col)} > ${20}`;
show("fragment", (await sql`select name from people where true ${older} order by name`).map((r) => r.name));
show("values", await sql`select 1 as a, 'x' as b`.values());
show("unsafe", await sql.unsafe("select $1::int + 1 as n", [41]));
show("simple", (await sql.unsafe("select 1 as a; select 2 as b").simple()).map((r: any) => r[0]));
show("nulls", await sql`select ${null}::int as n, ${undefined}::text as u, ${[1, null, 3]}::int[] as arr`);
show("floats", await sql`select 'NaN'::float8 as nan, '-Infinity'::float8 as inf, 0.1::float4 as f4, ${1.5}::float8 as p`.values());
show("empty", [(await sql`select 1 where false`).length]);

// Errors carry Postgres's fields.
try {
  await sql`insert into people (name) values (${"ann"})`;
} catch (e: any) {
  show("unique", [e instanceof Howth.SQL.PostgresError, e.code, e.errno, e.constraint, e.table, e.detail]);
}
try {
  await sql`select nope from people`;
} catch (e: any) {
  show("syntax", [e.code, e.position, e.message]);
}
// A failed query fails alone: the queries around it in the same write complete.
const results = await Promise.allSettled([sql`select 1 as a`, sql`select 1/0`, sql`select 3 as c`]);
show("pipelined", results.map((r) => (r.status === "fulfilled" ? r.value[0] : (r.reason as any).code)));
const bad = new Howth.SQL(Howth.env.DATABASE_URL.replace(/:[^:@]*@/, ":wrong@"));
try {
  await bad`select 1`;
} catch (e: any) {
  show("password", [e.code]);
}
await sql.end();
try {
  await sql`select 1`;
} catch (e: any) {
  show("ended", [e.code]);
}
console.log("done");
"#,
    );
    let expect = [
        r#"inserted [1,"INSERT","Robert'); drop table people; --"]"#,
        r#"two [2,"INSERT"]"#,
        r#"row {"name":"Robert'); drop table people; --","age":41,"tags":["a","b c","d\"e",null],"meta":{"k":[1,"x"]},"born":"1985-06-15T00:00:00.000Z","seen":"2024-02-29T12:34:56.789Z","photo":[0,1,254,255],"big":"9007199254740993","score":"12345678901234567890.5"}"#,
        r#"dates [true,"2024-02-29T12:34:56.789Z"]"#,
        r#"bigint ["bigint","9007199254740993n","-5n"]"#,
        r#"in ["ann","bob"]"#,
        "updated 31",
        r#"fragment ["Robert'); drop table people; --","ann"]"#,
        r#"values [[1,"x"]]"#,
        r#"unsafe [{"n":42}]"#,
        r#"simple [{"a":1},{"b":2}]"#,
        r#"nulls [{"n":null,"u":null,"arr":[1,null,3]}]"#,
        r#"floats [[null,null,0.1,1.5]]"#,
        "empty [0]",
        r#"unique [true,"23505","23505","people_name_key","people","Key (name)=(ann) already exists."]"#,
        r#"syntax ["42703","8","column \"nope\" does not exist"]"#,
        r#"pipelined [{"a":1},"22012",{"c":3}]"#,
        r#"password ["28P01"]"#,
        r#"ended ["ERR_POSTGRES_CONNECTION_CLOSED"]"#,
    ];
    assert_lines_then_done(&out, &expect);
    // What the server holds, read with psql.
    assert_eq!(
        pg.psql("select name, age, tags, meta, born, seen, encode(photo, 'hex'), big, score from people where id = 1"),
        r#"Robert'); drop table people; --|41|{a,"b c","d\"e",NULL}|{"k": [1, "x"]}|1985-06-15|2024-02-29 12:34:56.789+00|0001feff|9007199254740993|12345678901234567890.5"#
    );
    assert_eq!(pg.psql("select count(*) from people"), "3");
}

#[test]
fn transactions_reserve_and_pool() {
    let pg = postgres();
    pg.psql("create table accounts (id int primary key, balance int not null check (balance >= 0))");
    pg.psql("insert into accounts values (1, 100), (2, 0)");
    let out = run_script(
        &pg,
        r#"
const sql = new Howth.SQL(Howth.env.DATABASE_URL, { max: 4 });
const show = (label: string, v: unknown) => console.log(label, JSON.stringify(v));
const balances = async () => (await sql`select balance from accounts order by id`).map((r) => r.balance);

// Commit: the callback's value comes back.
const moved = await sql.begin(async (tx) => {
  await tx`update accounts set balance = balance - 30 where id = 1`;
  await tx`update accounts set balance = balance + 30 where id = 2`;
  return "moved";
});
show("commit", [moved, await balances()]);

// A throw rolls back every statement of the transaction.
try {
  await sql.begin(async (tx) => {
    await tx`update accounts set balance = balance + 1000 where id = 2`;
    await tx`update accounts set balance = balance - 1000 where id = 1`; // violates the check
  });
} catch (e: any) {
  show("rollback", [e.code, await balances()]);
}

// Savepoints: the inner failure is undone, the outer work kept.
await sql.begin(async (tx) => {
  await tx`update accounts set balance = balance + 1 where id = 1`;
  await tx.savepoint(async (sp) => {
    await sp`update accounts set balance = balance + 500 where id = 2`;
    throw new Error("undo the savepoint");
  }).catch((e: Error) => show("savepoint", e.message));
  const inner = await tx.savepoint(async (sp) => (await sp`select balance from accounts where id = 2`)[0].balance);
  show("inner", inner);
});
show("after", await balances());

// Returning an array of queries runs them all in the transaction.
const both = await sql.begin((tx) => [tx`select 1 as one`, tx`select 2 as two`]);
show("array", both.map((r: any) => r[0]));

// A transaction sees its own writes; others do not until it commits.
let seenOutside: number[] = [];
await sql.begin(async (tx) => {
  await tx`update accounts set balance = 0 where id = 1`;
  seenOutside = await balances();
});
show("isolation", [seenOutside, await balances()]);

// reserve(): one connection for this caller; its session state persists.
const reserved = await sql.reserve();
await reserved`set application_name = 'howth-reserved'`;
show("reserved", (await reserved`select current_setting('application_name') as a`)[0].a);
reserved.release();

// The pool: 200 queries at once on at most 4 connections, all answered.
const pids = await Promise.all(Array.from({ length: 200 }, (_, i) => sql`select pg_backend_pid() as pid, ${i}::int as i`));
const ok = pids.every((r, i) => r[0].i === i);
show("pool", [ok, new Set(pids.map((r) => r[0].pid)).size <= 4]);
await sql.end();
console.log("done");
"#,
    );
    let expect = [
        r#"commit ["moved",[70,30]]"#,
        r#"rollback ["23514",[70,30]]"#,
        r#"savepoint "undo the savepoint""#,
        "inner 30",
        "after [71,30]",
        r#"array [{"one":1},{"two":2}]"#,
        "isolation [[71,30],[0,30]]",
        r#"reserved "howth-reserved""#,
        "pool [true,true]",
    ];
    assert_lines_then_done(&out, &expect);
    assert_eq!(
        pg.psql("select string_agg(balance::text, ',' order by id) from accounts"),
        "0,30"
    );
}

/// Postgres restarted under load: the queries in flight reject with a
/// connection error, later queries reconnect and succeed, nothing hangs.
#[test]
fn server_restart() {
    let pg = postgres();
    let script = TempScript::new(
        "main.ts",
        r#"
const sql = new Howth.SQL(Howth.env.DATABASE_URL, { max: 2 });
console.log("first", (await sql`select 1 as a`)[0].a);
// Wait for the test to kill the server's sessions.
await sql`select pg_sleep(30)`.catch((e: any) => console.log("in flight", e.code));
let answer;
for (let i = 0; i < 100 && answer === undefined; i++) {
  answer = await sql`select 2 as b`.then((r) => r[0].b, () => new Promise((r) => setTimeout(r, 100)));
}
console.log("after", answer);
await sql.end();
console.log("done");
"#,
    );
    let child = std::process::Command::new(common::howth())
        .arg("run")
        .arg(&script.path)
        .env("DATABASE_URL", url(&pg))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the sleep is running, end every client session (as a restart does).
    let deadline = std::time::Instant::now() + servers::DEADLINE;
    while pg.psql(
        "select count(*) from pg_stat_activity where query like 'select pg_sleep%' and state = 'active'",
    ) != "1"
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the sleep query never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    pg.psql("select pg_terminate_backend(pid) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()");
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "first 1");
    assert!(lines[1].starts_with("in flight "), "{stdout}");
    assert_eq!(&lines[2..], ["after 2", "done"], "{stdout}");
}
