//! npm packages under Howth: real packages from tests/npm/node_modules
//! (installed from tests/npm/package-lock.json by `make deps`), package
//! layouts built in temporary folders (exports conditions and patterns,
//! imports, self-reference, pnpm's symlinks), and the errors a missing or
//! broken dependency gives.
//!
//! Where Node can run the same script, it is the oracle: the script runs
//! under `node` and under `howth run`, and the outputs must be equal.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{howth, read_response, Server, TempScript};

fn npm_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/npm")
}

fn run_in(cmd: &str, args: &[&str], file: &Path) -> Output {
    let mut c = Command::new(cmd);
    c.args(args).arg(file);
    if let Some(dir) = file.parent() {
        c.current_dir(dir);
    }
    c.output().unwrap_or_else(|e| panic!("spawn {cmd}: {e}"))
}

/// Runs `file` under node and howth; both must succeed with equal stdout.
fn assert_same_as_node(file: &Path) -> String {
    let node = run_in("node", &[], file);
    let ours = run_in(howth(), &["run"], file);
    let text = |o: &Output| String::from_utf8_lossy(&o.stdout).into_owned();
    let err = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(node.status.success(), "node {}: {}", file.display(), err(&node));
    assert!(
        ours.status.success(),
        "howth {}: {}\nstdout:\n{}",
        file.display(),
        err(&ours),
        text(&ours)
    );
    assert!(!text(&node).is_empty(), "{}: no output", file.display());
    assert_eq!(
        text(&ours),
        text(&node),
        "{}: howth's output differs from node's",
        file.display()
    );
    text(&ours)
}

fn installed() -> bool {
    let ok = npm_dir().join("node_modules/hono/package.json").is_file();
    assert!(
        ok,
        "tests/npm/node_modules is missing: run `make deps` (npm ci in tests/npm)"
    );
    ok
}

#[test]
fn package_probes_match_node() {
    installed();
    let mut probes: Vec<PathBuf> = std::fs::read_dir(npm_dir().join("probes"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    probes.sort();
    assert!(probes.len() >= 10, "{probes:?}");
    for probe in probes {
        assert_same_as_node(&probe);
    }
}

fn send(server: &Server, request: &str) -> common::Response {
    let mut s = server.connect();
    s.write_all(request.as_bytes()).unwrap();
    read_response(&mut s).expect("a response")
}

#[test]
fn hono_app_with_cors_etag_and_zod_validator() {
    installed();
    let server = Server::start(&npm_dir().join("apps/hono.ts"));
    let r = server.get("/");
    assert_eq!((r.status, r.text().as_str()), (200, "Hello Hono"));

    let r = send(
        &server,
        "GET /api/users/7 HTTP/1.1\r\nHost: x\r\nOrigin: https://example.com\r\n\r\n",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), r#"{"id":7,"name":"Ada"}"#);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://example.com")
    );

    let r = server.get("/etag/doc");
    let tag = r.header("etag").expect("an ETag").to_string();
    let r = send(
        &server,
        &format!("GET /etag/doc HTTP/1.1\r\nHost: x\r\nIf-None-Match: {tag}\r\n\r\n"),
    );
    assert_eq!(r.status, 304);

    let post = |body: &str| {
        send(
            &server,
            &format!(
                "POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        )
    };
    let r = post(r#"{"name":"Bob","age":41}"#);
    assert_eq!(
        (r.status, r.text().as_str()),
        (201, r#"{"created":"Bob","nextAge":42}"#)
    );
    let r = post(r#"{"name":"B","age":1.5}"#);
    assert_eq!(r.status, 400);
    assert!(
        r.text().contains("too_small") && r.text().contains("invalid_type"),
        "{}",
        r.text()
    );
}

/// Runs `tests/npm/cross/<script>` with `args` under `runtime` ("node" or
/// howth's `run`), in tests/npm; it must succeed. Returns its stdout.
fn cross(runtime: &str, script: &str, args: &[&str]) -> String {
    let file = npm_dir().join("cross").join(script);
    let mut c = Command::new(runtime);
    if runtime != "node" {
        c.arg("run");
    }
    let out = c
        .arg(&file)
        .args(args)
        .current_dir(npm_dir())
        .output()
        .unwrap_or_else(|e| panic!("spawn {runtime}: {e}"));
    assert!(
        out.status.success(),
        "{runtime} {script} {args:?}: {}\nstdout:\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// jose signs and verifies HS256, ES256, RS256 and EdDSA JWTs under howth,
/// and the tokens and keys cross between runtimes: keys made and tokens
/// signed by howth are checked by node, and the reverse, with the public
/// keys moved as SPKI and JWK and the private keys as PKCS#8 and JWK. The
/// checks print the same under both (deterministic tokens in full).
#[test]
fn jose_jwts_cross_between_howth_and_node() {
    installed();
    let dir = TempScript::new("x", "");
    for (i, maker) in ["node", howth()].into_iter().enumerate() {
        let file = dir.dir.join(format!("jose-{i}.json"));
        let file = file.to_str().unwrap();
        assert_eq!(
            cross(maker, "jose_jwt.mjs", &["make", file]),
            "made ES256 RS256 EdDSA HS256\n"
        );
        let by_node = cross("node", "jose_jwt.mjs", &["check", file]);
        let by_howth = cross(howth(), "jose_jwt.mjs", &["check", file]);
        assert_eq!(by_howth, by_node, "keys and tokens made by {maker}");
        for alg in ["ES256", "RS256", "EdDSA", "HS256"] {
            for line in [
                format!("{alg} spki ok user-7 admin {alg}"),
                format!("{alg} jwk ok user-7 admin {alg}"),
                format!("{alg} tampered rejected ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
                format!("{alg} wrong issuer rejected ERR_JWT_CLAIM_VALIDATION_FAILED"),
                format!("{alg} re-signed ok user-7 again {alg}"),
                format!("{alg} jwk-signed ok user-7 jwk {alg}"),
                format!("{alg} expired rejected ERR_JWT_EXPIRED"),
            ] {
                assert!(by_node.lines().any(|l| l == line), "{line} in\n{by_node}");
            }
        }
    }
}

/// Hono's jwt middleware served by howth: tokens signed by node's jose
/// for the app's HS256 secret and ES256 public JWK get 200 with their
/// payload; expired, tampered, wrongly signed and missing tokens get 401
/// with Hono's WWW-Authenticate; a token the app signs verifies in node.
#[test]
fn hono_jwt_middleware_accepts_and_rejects_tokens() {
    installed();
    let server = Server::start(&npm_dir().join("apps/hono_jwt.ts"));
    let tokens: serde_json::Value =
        serde_json::from_str(&cross("node", "hono_jwt_tokens.mjs", &["tokens"])).unwrap();
    let get = |path: &str, token: &str| {
        send(
            &server,
            &format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n"),
        )
    };
    let payload = |r: &common::Response| -> serde_json::Value {
        assert_eq!(r.status, 200, "{}", r.text());
        serde_json::from_str::<serde_json::Value>(&r.text()).unwrap()["payload"].clone()
    };
    let r = get("/hs/me", tokens["hs"].as_str().unwrap());
    let p = payload(&r);
    assert_eq!(
        (p["sub"].as_str(), p["role"].as_str()),
        (Some("bob"), Some("reader"))
    );
    let r = get("/es/me", tokens["es"].as_str().unwrap());
    let p = payload(&r);
    assert_eq!(
        (p["sub"].as_str(), p["role"].as_str()),
        (Some("ada"), Some("admin"))
    );

    for (path, name) in [
        ("/hs/me", "hsExpired"),
        ("/es/me", "esExpired"),
        ("/hs/me", "hsTampered"),
        ("/hs/me", "hsWrongSecret"),
        ("/es/me", "esOtherKey"),
        ("/es/me", "hs"),
    ] {
        let r = get(path, tokens[name].as_str().unwrap());
        assert_eq!(
            (r.status, r.text().as_str()),
            (401, "Unauthorized"),
            "{name} at {path}"
        );
        let auth = r.header("www-authenticate").unwrap_or_default();
        assert!(auth.contains("error=\"invalid_token\""), "{name}: {auth}");
    }
    let r = server.get("/hs/me");
    assert_eq!(r.status, 401);
    assert!(
        r.header("www-authenticate")
            .is_some_and(|h| h.contains("no authorization included in request")),
        "{:?}",
        r.header("www-authenticate")
    );

    let issued = server.get("/login/eve");
    assert_eq!(issued.status, 200);
    let token = issued.text();
    assert_eq!(
        cross("node", "hono_jwt_tokens.mjs", &["verify", &token]),
        "eve true\n"
    );
    assert_eq!(payload(&get("/hs/me", &token))["sub"], "eve");
}

/// A package with conditional exports, patterns, excluded paths, imports
/// and a self-reference, in a temporary project.
fn conditions_project() -> TempScript {
    let t = TempScript::new("package.json", r#"{"name":"app","type":"module"}"#);
    let pkg = "node_modules/dual";
    t.add(
        &format!("{pkg}/package.json"),
        r##"{
  "name": "dual",
  "exports": {
    ".": {
      "browser": "./browser.js",
      "bun": "./bun.js",
      "import": { "types": "./index.d.ts", "default": "./esm/index.mjs" },
      "require": "./cjs/index.cjs"
    },
    "./feature/*.js": "./lib/*.js",
    "./feature/secret/*": null,
    "./package.json": "./package.json"
  },
  "imports": { "#util": { "node": "./lib/util-node.js", "default": "./lib/util-other.js" } }
}"##,
    );
    t.add(&format!("{pkg}/esm/index.mjs"), "import util from '#util';\nimport self from 'dual/feature/a.js';\nexport const kind = 'esm:' + util + ':' + self;\n");
    t.add(
        &format!("{pkg}/cjs/index.cjs"),
        "exports.kind = 'cjs:' + require('#util');\n",
    );
    t.add(
        &format!("{pkg}/lib/util-node.js"),
        "module.exports = 'node-util';\n",
    );
    t.add(
        &format!("{pkg}/lib/util-other.js"),
        "module.exports = 'other-util';\n",
    );
    t.add(&format!("{pkg}/lib/a.js"), "module.exports = 'feature-a';\n");
    t.add(&format!("{pkg}/lib/secret/b.js"), "module.exports = 'secret';\n");
    t.add(&format!("{pkg}/browser.js"), "export const kind = 'browser';\n");
    t.add(&format!("{pkg}/bun.js"), "export const kind = 'bun';\n");
    t
}

#[test]
fn exports_conditions_patterns_and_imports_match_node() {
    let t = conditions_project();
    let main = t.add(
        "main.mjs",
        r#"import { kind } from "dual";
import a from "dual/feature/a.js";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
console.log(kind, a, require("dual").kind, require("dual/package.json").name);
for (const spec of ["dual/feature/secret/b.js", "dual/lib/a.js"]) {
  try { require(spec); } catch (e) { console.log(spec, e.code); }
  try { await import(spec); } catch (e) { console.log(spec, e.message.includes("is not defined by \"exports\"")); }
}
"#,
    );
    let out = assert_same_as_node(&main);
    assert!(
        out.starts_with("esm:node-util:feature-a feature-a cjs:node-util dual\n"),
        "{out}"
    );
}

#[test]
fn the_howth_condition_comes_first_when_listed_first() {
    let t = TempScript::new("main.mjs", "import { kind } from 'p';\nconsole.log(kind);\n");
    t.add(
        "node_modules/p/package.json",
        r#"{"name":"p","exports":{"howth":"./howth.mjs","node":"./node.mjs","default":"./other.mjs"}}"#,
    );
    t.add("node_modules/p/howth.mjs", "export const kind = 'howth';\n");
    t.add("node_modules/p/node.mjs", "export const kind = 'node';\n");
    t.add("node_modules/p/other.mjs", "export const kind = 'other';\n");
    let out = run_in(howth(), &["run"], &t.path);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "howth\n", "{out:?}");
}

/// pnpm's layout: node_modules/<name> are symlinks into
/// node_modules/.pnpm/<name>@<version>/node_modules/<name>, and a package's
/// own dependencies are symlinks beside it there. Built here from the
/// installed packages.
#[test]
fn pnpm_symlinked_layout_gives_one_module_per_file() {
    installed();
    let t = TempScript::new("package.json", r#"{"name":"pnpm-app","type":"module"}"#);
    let store = t.dir.join("node_modules/.pnpm");
    let real = npm_dir().join("node_modules");
    let link = |target: &Path, at: &Path| {
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, at).unwrap();
    };
    // ms and zod, each in its store folder (linked to the installed copy).
    link(&real.join("ms"), &store.join("ms@2.1.3/node_modules/ms"));
    link(&real.join("zod"), &store.join("zod@3.24.1/node_modules/zod"));
    // A package `wrap` in the store that depends on ms (a sibling symlink).
    let wrap = store.join("wrap@1.0.0/node_modules/wrap");
    std::fs::create_dir_all(&wrap).unwrap();
    std::fs::write(wrap.join("package.json"), r#"{"name":"wrap","main":"index.js"}"#).unwrap();
    std::fs::write(
        wrap.join("index.js"),
        "const ms = require('ms');\nglobalThis.wrapLoads = (globalThis.wrapLoads || 0) + 1;\nmodule.exports = { ms, twoHours: ms('2h') };\n",
    )
    .unwrap();
    link(
        &store.join("ms@2.1.3/node_modules/ms"),
        &store.join("wrap@1.0.0/node_modules/ms"),
    );
    // The project's direct dependencies.
    link(
        &store.join("ms@2.1.3/node_modules/ms"),
        &t.dir.join("node_modules/ms"),
    );
    link(
        &store.join("zod@3.24.1/node_modules/zod"),
        &t.dir.join("node_modules/zod"),
    );
    link(&wrap, &t.dir.join("node_modules/wrap"));
    let main = t.add(
        "main.mjs",
        r#"import ms from "ms";
import wrap from "wrap";
import { z } from "zod";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
console.log("same ms", wrap.ms === ms, require("ms") === ms, require("wrap") === wrap, globalThis.wrapLoads);
console.log(wrap.twoHours, z.number().parse(5), require.resolve("ms").includes("/node_modules/ms/"));
"#,
    );
    let out = assert_same_as_node(&main);
    assert!(out.starts_with("same ms true true true 1\n"), "{out}");
}

fn howth_fails(file: &Path) -> String {
    let out = run_in(howth(), &["run"], file);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_missing_package_names_itself_the_importer_and_where_it_looked() {
    let t = TempScript::new("main.ts", "import x from 'not-installed-pkg';\nconsole.log(x);\n");
    std::fs::create_dir_all(t.dir.join("node_modules")).unwrap();
    let err = howth_fails(&t.path);
    let main = t.path.canonicalize().unwrap();
    assert!(
        err.contains(&format!(
            "Cannot find package 'not-installed-pkg' imported from {}",
            main.display()
        )),
        "{err}"
    );
    let looked = t.dir.canonicalize().unwrap().join("node_modules");
    assert!(err.contains(&looked.display().to_string()), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
}

/// A Node built-in Howth lacks (trace_events here) is named as such, by
/// bare name and by `node:` name; an installed package of that name would
/// still be found (polyfills of built-ins are common on npm).
#[test]
fn a_node_builtin_howth_lacks_is_named_as_one() {
    let t = TempScript::new("main.mjs", "import x from 'trace_events';\nconsole.log(x);\n");
    let err = howth_fails(&t.path);
    assert!(
        err.contains("Cannot find package 'trace_events'")
            && err.contains("'trace_events' is a Node.js built-in module that Howth does not have yet"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    let prefixed = t.add("prefixed.mjs", "import 'node:trace_events';\n");
    let err = howth_fails(&prefixed);
    assert!(
        err.contains(
            "No such built-in module: node:trace_events (a Node.js built-in that Howth does not have yet)"
        ),
        "{err}"
    );
    t.add(
        "node_modules/trace_events/package.json",
        r#"{"name":"trace_events","main":"index.js"}"#,
    );
    t.add(
        "node_modules/trace_events/index.js",
        "module.exports = 'polyfill';\n",
    );
    let out = run_in(howth(), &["run"], &t.path);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "polyfill\n", "{out:?}");
}

#[test]
fn a_path_the_exports_do_not_allow_is_err_package_path_not_exported() {
    let t = conditions_project();
    let main = t.add("main.mjs", "import 'dual/lib/a.js';\n");
    let err = howth_fails(&main);
    let pj = t
        .dir
        .canonicalize()
        .unwrap()
        .join("node_modules/dual/package.json");
    assert!(
        err.contains(&format!(
            "Package subpath './lib/a.js' is not defined by \"exports\" in {}",
            pj.display()
        )),
        "{err}"
    );
}

#[test]
fn a_syntax_error_in_a_dependency_names_file_line_and_column() {
    let t = TempScript::new("main.mjs", "import 'esm-broken';\n");
    t.add(
        "node_modules/esm-broken/package.json",
        r#"{"name":"esm-broken","type":"module","main":"index.js"}"#,
    );
    t.add(
        "node_modules/esm-broken/index.js",
        "export const a = 1;\nexport const b = ;\n",
    );
    let err = howth_fails(&t.path);
    let file = t
        .dir
        .canonicalize()
        .unwrap()
        .join("node_modules/esm-broken/index.js");
    assert!(err.contains(&format!("{}:2:", file.display())), "{err}");

    let t = TempScript::new("main.cjs", "require('cjs-broken');\n");
    t.add("node_modules/cjs-broken/package.json", r#"{"name":"cjs-broken"}"#);
    t.add(
        "node_modules/cjs-broken/index.js",
        "exports.a = 1;\n\nexports.b = (;\n",
    );
    let err = howth_fails(&t.path);
    let file = t
        .dir
        .canonicalize()
        .unwrap()
        .join("node_modules/cjs-broken/index.js");
    assert!(err.contains(&format!("{}:3:14", file.display())), "{err}");
}

#[test]
fn commonjs_cycles_see_partial_exports_as_in_node() {
    let t = TempScript::new(
        "main.cjs",
        "const a = require('./a.cjs');\nconsole.log('main', a.done, a.sawB);\n",
    );
    t.add(
        "a.cjs",
        "exports.done = false;\nconst b = require('./b.cjs');\nexports.sawB = b.done;\nexports.done = true;\n",
    );
    t.add(
        "b.cjs",
        "const a = require('./a.cjs');\nconsole.log('b sees a.done =', a.done);\nexports.done = true;\n",
    );
    let out = assert_same_as_node(&t.path);
    assert_eq!(out, "b sees a.done = false\nmain true true\n");
}

#[test]
fn builtins_by_require_and_import_and_unknown_ones() {
    let t = TempScript::new(
        "main.cjs",
        r#"const m = require("node:module");
const same = require("module");
console.log(typeof m.createRequire, m === same, m.isBuiltin("node:module"), m.isBuiltin("nope"));
try { require("node:definitely-not-a-module"); } catch (e) { console.log(e.code); }
try { require("node:http").request(); } catch (e) { console.log(e.code); }
"#,
    );
    let out = run_in(howth(), &["run"], &t.path);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "function true true false\nERR_UNKNOWN_BUILTIN_MODULE\nERR_NOT_IMPLEMENTED\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A built-in is one module instance per isolate, whether the process
/// started from ts-lib's snapshot or compiled ts-lib itself: `require` and
/// `import` give the same object, and the built-ins imported after start
/// link to the snapshot's own ts-lib modules (one worker pool, one ops
/// table: fs callbacks, fs promises and zlib in flight together all settle).
#[test]
fn builtins_are_one_instance_from_a_snapshot_start_or_not() {
    let t = TempScript::new(
        "main.mjs",
        r#"import { createRequire } from "node:module";
import fs from "node:fs";
import * as fsNamespace from "node:fs";
import zlib from "node:zlib";
const require = createRequire(import.meta.url);
console.log(require("node:fs") === fs, require("fs") === fs, fsNamespace.default === fs);
console.log(require("node:zlib") === zlib, (await import("node:zlib")).default === zlib);
console.log(new CompressionStream("gzip").readable instanceof ReadableStream);
const self = new URL(import.meta.url).pathname;
const results = await Promise.all([
  new Promise((ok, fail) => fs.readFile(self, (e, d) => (e ? fail(e) : ok(d.length > 0)))),
  fs.promises.readFile(self).then((d) => d.length > 0),
  new Promise((ok, fail) => zlib.gzip("abc", (e, d) => (e ? fail(e) : ok(new TextDecoder().decode(zlib.gunzipSync(d)))))),
]);
console.log(results.join(" "));
console.log(require("./c.cjs") === require("./c.cjs"));
"#,
    );
    t.add(
        "c.cjs",
        "module.exports = {};\nimport('node:fs').then((ns) => console.log('cjs', require('node:fs') === ns.default));\n",
    );
    let node = run_in("node", &[], &t.path);
    assert!(node.status.success(), "{node:?}");
    let cache = TempScript::new("x", "");
    let run = |snapshot: &str| {
        Command::new(howth())
            .args(["run"])
            .arg(&t.path)
            .env("HOWTH_CACHE_DIR", &cache.dir)
            .env("HOWTH_SNAPSHOT", snapshot)
            .output()
            .unwrap()
    };
    let snapshots = || {
        std::fs::read_dir(&cache.dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "v8snapshot"))
                    .count()
            })
            .unwrap_or(0)
    };
    // Without a snapshot; then the run that makes it; then one started from it.
    for (snapshot, made) in [("0", 0), ("1", 1), ("1", 1)] {
        let ours = run(snapshot);
        assert_eq!(snapshots(), made, "HOWTH_SNAPSHOT={snapshot}");
        assert_eq!(
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&node.stdout),
            "HOWTH_SNAPSHOT={snapshot}: {}",
            String::from_utf8_lossy(&ours.stderr)
        );
    }
    assert_eq!(
        String::from_utf8_lossy(&node.stdout),
        "true true true\ntrue true\ntrue\ntrue true abc\ntrue\ncjs true\n"
    );
}

#[test]
fn import_meta_dirname_filename_and_resolve_match_node() {
    let t = TempScript::new("package.json", r#"{"name":"app","type":"module"}"#);
    t.add(
        "node_modules/dep/package.json",
        r#"{"name":"dep","exports":{".":"./main.js","./sub":"./lib/sub.js"}}"#,
    );
    t.add("node_modules/dep/main.js", "module.exports = 1;\n");
    t.add("node_modules/dep/lib/sub.js", "module.exports = 2;\n");
    let main = t.add(
        "src/main.js",
        r#"const here = new URL(".", import.meta.url).pathname.slice(0, -1);
console.log(import.meta.dirname === here, import.meta.filename === here + "/main.js");
const rel = (u) => u.slice(u.indexOf("/node_modules/") >= 0 ? u.indexOf("/node_modules/") : u.lastIndexOf("/"));
console.log(rel(import.meta.resolve("dep")), rel(import.meta.resolve("dep/sub")), rel(import.meta.resolve("./other.js")));
console.log(import.meta.resolve("node:fs"), import.meta.resolve("fs"));
try { import.meta.resolve("dep/lib/sub.js"); } catch (e) { console.log(e.code); }
"#,
    );
    let out = assert_same_as_node(&main);
    assert!(
        out.starts_with(
            "true true\n/node_modules/dep/main.js /node_modules/dep/lib/sub.js /other.js\nnode:fs node:fs\n"
        ),
        "{out}"
    );
}

/// Node 22 runs a `.js` file that has no `type` to go by as an ES module
/// when it has ES module syntax (Node 20 does the same behind
/// `--experimental-detect-module`), and as CommonJS otherwise.
#[test]
fn es_module_syntax_in_a_typeless_js_file_is_detected() {
    let t = TempScript::new(
        "main.mjs",
        "import esm from 'detect-esm';\nimport cjs from 'detect-cjs';\nconsole.log(esm, cjs);\n",
    );
    t.add(
        "node_modules/detect-esm/package.json",
        r#"{"name":"detect-esm","main":"index.js"}"#,
    );
    t.add(
        "node_modules/detect-esm/index.js",
        "// import x from 'y' in a comment is not syntax\nimport { EOL } from 'node:os';\nexport default 'esm:' + JSON.stringify(EOL) + ':' + typeof require;\n",
    );
    t.add(
        "node_modules/detect-cjs/package.json",
        r#"{"name":"detect-cjs","main":"index.js"}"#,
    );
    t.add(
        "node_modules/detect-cjs/index.js",
        "const s = 'export default 1; import x from \"y\"';\nmodule.exports = 'cjs:' + typeof require + ':' + s.length;\n",
    );
    let node = run_in(
        "node",
        &["--experimental-detect-module", "--no-warnings"],
        &t.path,
    );
    let ours = run_in(howth(), &["run"], &t.path);
    assert!(node.status.success(), "{node:?}");
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&node.stdout),
        "{}",
        String::from_utf8_lossy(&ours.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&node.stdout),
        "esm:\"\\n\":undefined cjs:function:35\n"
    );
}

/// A package that publishes TypeScript (as some monorepo packages do) is
/// compiled like the user's own files, ES module and CommonJS alike.
#[test]
fn typescript_inside_a_package_is_compiled() {
    let t = TempScript::new(
        "main.ts",
        "import { greet, type Greeting } from 'ts-pkg';\nimport { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconst g: Greeting = greet('ts');\nconsole.log(g.text, require('ts-pkg/legacy').twice(21));\n",
    );
    t.add(
        "node_modules/ts-pkg/package.json",
        r#"{"name":"ts-pkg","type":"module","exports":{".":"./src/index.ts","./legacy":"./src/legacy.cts"}}"#,
    );
    t.add(
        "node_modules/ts-pkg/src/index.ts",
        "export interface Greeting { text: string }\nenum Tone { Warm = 'warm' }\nexport function greet(name: string): Greeting {\n  return { text: `hi ${name} (${Tone.Warm})` };\n}\n",
    );
    t.add(
        "node_modules/ts-pkg/src/legacy.cts",
        "const twice = (n: number): number => n * 2;\nmodule.exports = { twice };\n",
    );
    let out = run_in(howth(), &["run"], &t.path);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "hi ts (warm) 42\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn require_of_an_es_module_with_top_level_await_is_refused() {
    let t = TempScript::new("main.cjs", "try { require('./tla.mjs'); } catch (e) { console.log(e.message); }\nconsole.log(require('./plain.mjs').x);\n");
    t.add("tla.mjs", "await Promise.resolve();\nexport const x = 1;\n");
    t.add("plain.mjs", "export const x = 2;\n");
    let out = run_in(howth(), &["run"], &t.path);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("top-level await") && text.ends_with("2\n"),
        "{text} {out:?}"
    );
}

#[test]
fn tsconfig_paths_apply_to_the_users_files() {
    let t = TempScript::new(
        "tsconfig.json",
        "{\n  // comments and trailing commas, as tsc allows\n  \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"@lib/*\": [\"src/lib/*\"], }, },\n}\n",
    );
    t.add(
        "src/lib/greet.ts",
        "export const greet = (n: string): string => `hi ${n}`;\n",
    );
    t.add("src/util.ts", "export const two = 2;\n");
    let main = t.add(
        "src/main.ts",
        "import { greet } from '@lib/greet';\nimport { two } from 'src/util';\nconsole.log(greet('ts'), two);\n",
    );
    let out = run_in(howth(), &["run"], &main);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hi ts 2\n", "{out:?}");
}

#[test]
fn package_code_cache_is_written_and_used() {
    installed();
    let cache = TempScript::new("x", "");
    let probe = npm_dir().join("probes/zod.mjs");
    let run = || {
        Command::new(howth())
            .args(["run"])
            .arg(&probe)
            .env("HOWTH_CACHE_DIR", &cache.dir)
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success(), "{first:?}");
    let entries = || {
        std::fs::read_dir(cache.dir.join("packages"))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    let n = entries();
    assert!(n >= 1, "no package cache entries");
    let second = run();
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(
        entries(),
        n,
        "the second run compiled from the cache and wrote nothing new"
    );
}
