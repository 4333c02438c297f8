//! The module system end to end: swc compilation, resolution, and graphs
//! loaded into a real V8 isolate through `ModuleLoader`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use howth_engine::{Hooks, Isolate, IsolateOptions, JsError, ModuleId, Modules, PromiseState, Value};
use howth_runtime::modules::{
    compile, path_to_file_url, resolve, LoadError, ModuleLoader, ResolveError, SourceKind, TS_LIB,
};

// --- helpers -------------------------------------------------------------

/// A directory of files under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(files: &[(&str, &str)]) -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "howth-modules-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let dir = TempDir(dir.canonicalize().unwrap());
        for (name, text) in files {
            let path = dir.path(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    fn name(&self, rel: &str) -> String {
        self.path(rel).to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What the isolate's hooks reach: the loader, as in the real runtime.
#[derive(Default)]
struct State {
    loader: ModuleLoader,
}

fn dynamic_import(
    s: &mut State,
    m: &mut Modules<'_>,
    referrer: &str,
    specifier: &str,
) -> Result<ModuleId, String> {
    s.loader.dynamic_import(m, referrer, specifier)
}

fn import_meta(s: &mut State, id: ModuleId) -> (String, bool) {
    s.loader.import_meta(id)
}

fn isolate() -> Isolate<State> {
    let hooks = Hooks {
        dynamic_import: Some(dynamic_import),
        import_meta: Some(import_meta),
    };
    Isolate::new(State::default(), &IsolateOptions::default(), hooks)
}

/// Loads `entry` as the main module and evaluates it to completion.
fn run(iso: &mut Isolate<State>, entry: &Path) -> Result<Value, JsError> {
    let (mut m, mut state) = iso.modules_and_state();
    let id = state
        .loader
        .load_graph(&mut m, entry)
        .unwrap_or_else(|e| panic!("load failed:\n{e}"));
    state.loader.set_main(id);
    drop(state);
    m.set_main(id);
    let promise = m.evaluate(id)?;
    let ns = m.namespace(id);
    iso.run_microtasks();
    match iso.promise_state(&promise) {
        PromiseState::Fulfilled => Ok(ns),
        PromiseState::Rejected => {
            let reason = iso.promise_result(&promise).expect("settled");
            iso.mark_handled(&promise);
            Err(iso.describe(&reason))
        }
        s => panic!("main module did not finish: {s:?}"),
    }
}

fn get(iso: &mut Isolate<State>, obj: &Value, key: &str) -> String {
    let v = iso.get(obj, key).unwrap_or_else(|| panic!("no export {key}"));
    iso.to_string(&v)
}

fn load_err(dir: &TempDir, entry: &str) -> LoadError {
    let mut iso = isolate();
    let (mut m, mut state) = iso.modules_and_state();
    match state.loader.load_graph(&mut m, &dir.path(entry)) {
        Ok(_) => panic!("{entry} loaded"),
        Err(e) => e,
    }
}

fn ts(source: &str) -> String {
    compile("/t/mod.ts", source, SourceKind::TypeScript)
        .unwrap_or_else(|e| panic!("{e}"))
        .code
}

// --- compiling -------------------------------------------------------------

#[test]
fn source_kinds_follow_extensions() {
    for (p, k) in [
        ("a.ts", Some(SourceKind::TypeScript)),
        ("a.mts", Some(SourceKind::TypeScript)),
        ("a.cts", Some(SourceKind::TypeScript)),
        ("a.js", Some(SourceKind::JavaScript)),
        ("a.mjs", Some(SourceKind::JavaScript)),
        ("a.cjs", Some(SourceKind::JavaScript)),
        ("/x.y/a.json", Some(SourceKind::Json)),
        ("a.d.ts", None),
        ("a.txt", None),
        ("/x.ts/a", None),
    ] {
        assert_eq!(SourceKind::from_path(p), k, "{p}");
    }
}

#[test]
fn typescript_features_compile_and_run() {
    let dir = TempDir::new(&[(
        "main.ts",
        r#"
enum Color { Red, Green = 5, Blue }
const enum Flag { A = 1 << 0, B = 1 << 1 }
namespace Geometry {
  export const unit = 1;
  export function double(n: number): number { return n * 2 * unit; }
}
class Point<T extends number = number> {
  static origin = new Point(0, 0);
  constructor(public x: T, private readonly y: T, protected z?: T) {}
  sum(): number { return this.x + this.y; }
}
function first<T>(items: readonly T[]): T | undefined { return items[0]; }
const config = { port: 8080, host: "localhost" } satisfies Record<string, string | number>;
const tuple = ["a", 1] as const;
let n = <number>(41 as unknown);
n!++;
abstract class Base { abstract name(): string; hello() { return "hi " + this.name(); } }
class Impl extends Base { override name() { return "impl"; } declare extra: string; }
export const out = [
  Color.Red, Color.Green, Color.Blue, Color[6], Flag.A | Flag.B,
  Geometry.double(21), new Point(1, 2).sum(), Object.keys(new Point(1, 2)).join("+"),
  first<string>(["x"]), config.port, tuple[0], n, new Impl().hello(),
].join(",");
"#,
    )]);
    let mut iso = isolate();
    let ns = run(&mut iso, &dir.path("main.ts")).unwrap();
    assert_eq!(
        get(&mut iso, &ns, "out"),
        "0,5,6,Blue,3,42,3,x+y+z,x,8080,a,42,hi impl"
    );
}

#[test]
fn types_are_gone_from_the_output() {
    let code = ts("interface A { x: number }\ntype B = A | null;\nexport function f(a: A, b?: B): a is A { return !!(a satisfies A); }\ndeclare const g: number;\n");
    assert!(
        !code.contains("interface") && !code.contains("satisfies") && !code.contains("declare"),
        "{code}"
    );
    assert!(code.contains("export function f(a, b) {"), "{code}");
}

#[test]
fn type_only_imports_and_exports_are_removed() {
    let code = ts(r#"
import type { A } from "./types.ts";
import { type B, c } from "./values.ts";
import { OnlyType } from "./also-types.ts";
import "./side-effect.ts";
export type { A };
export type { D } from "./d.ts";
export { type B };
let x: OnlyType | A | B = c;
export { x };
"#);
    assert!(!code.contains("types.ts"), "{code}");
    assert!(!code.contains("also-types.ts"), "{code}");
    assert!(!code.contains("d.ts"), "{code}");
    assert!(code.contains(r#"import { c } from "./values.ts";"#), "{code}");
    assert!(code.contains(r#"import "./side-effect.ts";"#), "{code}");
}

#[test]
fn a_module_of_only_types_stays_a_module() {
    let code = ts("export interface A { x: number }\nexport type B = string;\n");
    assert!(
        code.contains("export { }") || code.contains("export {}"),
        "{code}"
    );
}

#[test]
fn import_attributes_are_stripped() {
    let code = ts(r#"
import data from "./data.json" with { type: "json" };
import old from "./old.json" assert { type: "json" };
export { default as again } from "./data.json" with { type: "json" };
export * from "./x.ts" with { type: "js" };
export const lazy = import("./data.json", { with: { type: "json" } });
export const both = [data, old];
"#);
    assert!(
        !code.contains("with") && !code.contains("assert") && !code.contains("type:"),
        "{code}"
    );
    assert!(code.contains(r#"import data from "./data.json";"#), "{code}");
    assert!(code.contains(r#"import("./data.json")"#), "{code}");

    let js = compile(
        "/t/a.js",
        "import d from './d.json' with { type: 'json' };\nexport default d;\n",
        SourceKind::JavaScript,
    )
    .unwrap()
    .code;
    assert!(
        js.contains(r#"import d from './d.json';"#) || js.contains(r#"import d from "./d.json";"#),
        "{js}"
    );
}

#[test]
fn es2022_is_not_downlevelled() {
    let code = ts("class A { #x = 1; static { } static s = 2; get x() { return this.#x; } }\nexport const v = await Promise.resolve(1 ?? 2) ?.toString();\nexport const big = 10n ** 2n;\n");
    for kept in ["#x = 1", "static{", "await Promise", "??", "?.", "10n"] {
        assert!(code.contains(kept), "{kept} missing in {code}");
    }
}

#[test]
fn json_becomes_a_default_export() {
    let c = compile(
        "/t/d.json",
        "{\"a\": [1, 2], \"__proto__\": {\"b\": true}}\n",
        SourceKind::Json,
    )
    .unwrap();
    assert!(c.code.starts_with("export default JSON.parse("), "{}", c.code);
    assert!(c.source_map.is_none());

    let e = compile("/t/d.json", "{\n  \"a\": 1,\n  \"b\": ,\n}\n", SourceKind::Json)
        .err()
        .unwrap();
    assert_eq!((e.line, e.column), (3, 8), "{e}");
    assert!(e.message.starts_with("invalid JSON: "), "{e}");
    assert_eq!(e.source_line, "  \"b\": ,");
}

#[test]
fn syntax_errors_point_at_the_right_line_and_column() {
    let source = "const a: number = 1;\nconst b = a + 1;\nconst c = );\n";
    let e = compile("/src/app.ts", source, SourceKind::TypeScript)
        .err()
        .unwrap();
    assert_eq!((e.line, e.column), (3, 11), "{e}");
    assert_eq!(e.path, "/src/app.ts");
    assert_eq!(e.source_line, "const c = );");
    assert_eq!(e.one_line(), format!("/src/app.ts:3:11: {}", e.message));
    assert_eq!(
        e.to_string(),
        format!(
            "error: {}\n --> /src/app.ts:3:11\n  |\n3 | const c = );\n  |           ^",
            e.message
        )
    );

    // Columns count characters, not bytes.
    let e = compile(
        "/src/u.ts",
        "const s = \"é\"; const t = );\n",
        SourceKind::TypeScript,
    )
    .err()
    .unwrap();
    assert_eq!((e.line, e.column), (1, 26), "{e}");

    // Errors swc recovers from are errors too.
    let e = compile(
        "/src/o.js",
        "export const x = 1;\nconst y = 010;\n",
        SourceKind::JavaScript,
    )
    .err()
    .unwrap();
    assert_eq!((e.line, e.column), (2, 11), "{e}");
}

#[test]
fn the_gutter_widens_with_the_line_number() {
    let source = format!("{}const x = );\n", "\n".repeat(11));
    let e = compile("/a.ts", &source, SourceKind::TypeScript).err().unwrap();
    assert_eq!(e.line, 12);
    assert!(
        e.to_string()
            .contains("\n  --> /a.ts:12:11\n   |\n12 | const x = );\n   |           ^"),
        "{e}"
    );
}

#[test]
fn decorators_are_refused_at_the_decorator() {
    let source = "function log(..._: unknown[]) {}\n\nclass A {\n  @log\n  m() {}\n}\n";
    let e = compile("/src/d.ts", source, SourceKind::TypeScript)
        .err()
        .unwrap();
    assert_eq!(e.message, "decorators are not supported yet");
    assert_eq!((e.line, e.column), (4, 3), "{e}");
}

#[test]
fn commonjs_import_assignments_are_refused() {
    let e = compile(
        "/src/c.ts",
        "\nimport fs = require(\"fs\");\nfs.readFileSync;\n",
        SourceKind::TypeScript,
    )
    .err()
    .unwrap();
    assert_eq!(e.line, 2, "{e}");
    assert!(e.message.contains("Import assignment cannot be used"), "{e}");
}

#[test]
fn source_maps_map_generated_positions_back() {
    let source = "interface A {\n  x: number;\n}\n\ntype B = A;\n\nexport function f(a: A): number {\n  return a.x;\n}\n";
    let c = compile("/src/m.ts", source, SourceKind::TypeScript).unwrap();
    let map = c.source_map.unwrap();
    // Find `return` in the generated code and map it back to line 8 col 3.
    let (gl, gc) = c
        .code
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("return").map(|c| (i as u32 + 1, c as u32 + 1)))
        .unwrap();
    assert!(gl < 8, "{}", c.code);
    assert_eq!(map.lookup(gl, gc), Some((8, 3)));
    assert!(
        map.to_json().contains("\"sources\":[\"/src/m.ts\"]"),
        "{}",
        map.to_json()
    );
}

// --- resolving ---------------------------------------------------------------

#[test]
fn resolution_rules() {
    let dir = TempDir::new(&[
        ("main.ts", ""),
        ("util.ts", ""),
        ("both.ts", ""),
        ("both.js", ""),
        ("plain.js", ""),
        ("esm.mts", ""),
        ("data.json", "{}"),
        ("lib/index.ts", ""),
        ("jsdir/index.js", ""),
        ("dotted.config.ts", ""),
        ("sub/deep.ts", ""),
        ("with space.ts", ""),
    ]);
    let main = dir.path("main.ts");
    let r = |s: &str| resolve(s, &main).map_err(|e| e.to_string());
    assert_eq!(r("./util"), Ok(dir.path("util.ts")));
    assert_eq!(r("./util.ts"), Ok(dir.path("util.ts")));
    assert_eq!(r("./util.js"), Ok(dir.path("util.ts")), "tsc-style .js → .ts");
    assert_eq!(r("./both.js"), Ok(dir.path("both.js")), "an existing .js wins");
    assert_eq!(r("./both"), Ok(dir.path("both.ts")), ".ts is tried before .js");
    assert_eq!(r("./plain"), Ok(dir.path("plain.js")));
    assert_eq!(r("./esm.mjs"), Ok(dir.path("esm.mts")));
    assert_eq!(r("./esm"), Ok(dir.path("esm.mts")));
    assert_eq!(r("./data"), Ok(dir.path("data.json")));
    assert_eq!(r("./lib"), Ok(dir.path("lib/index.ts")));
    assert_eq!(r("./lib/"), Ok(dir.path("lib/index.ts")));
    assert_eq!(r("./jsdir"), Ok(dir.path("jsdir/index.js")));
    assert_eq!(r("./dotted.config"), Ok(dir.path("dotted.config.ts")));
    assert_eq!(r("./with%20space.ts"), Ok(dir.path("with space.ts")));
    assert_eq!(r("./util.ts?v=1#x"), Ok(dir.path("util.ts")));
    let deep = dir.path("sub/deep.ts");
    assert_eq!(resolve("../util", &deep), Ok(dir.path("util.ts")));
    assert_eq!(resolve("./../sub/./deep.ts", &deep), Ok(deep.clone()));
    let abs = dir.name("util.ts");
    assert_eq!(r(&abs), Ok(dir.path("util.ts")));
    assert_eq!(
        r(&path_to_file_url(&dir.path("util.ts"))),
        Ok(dir.path("util.ts"))
    );
}

#[test]
fn resolution_errors_name_the_specifier_and_the_importer() {
    let dir = TempDir::new(&[("main.ts", "")]);
    let main = dir.path("main.ts");
    let e = resolve("./nope", &main).unwrap_err();
    assert!(matches!(e, ResolveError::NotFound { .. }));
    assert_eq!(
        e.to_string(),
        format!("Cannot find module './nope' imported from {}", main.display())
    );

    // Not installed: Node's message, and where it looked.
    std::fs::create_dir_all(main.parent().unwrap().join("node_modules")).unwrap();
    let e = resolve("lodash", &main).unwrap_err();
    assert!(matches!(e, ResolveError::Package(_)));
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!(
            "Cannot find package 'lodash' imported from {}",
            main.display()
        )),
        "{msg}"
    );
    assert!(msg.contains("node_modules; is it installed?)"), "{msg}");
}

#[test]
fn file_urls() {
    assert_eq!(
        path_to_file_url(Path::new("/srv/app/main.ts")),
        "file:///srv/app/main.ts"
    );
    assert_eq!(
        path_to_file_url(Path::new("/srv/my app/#1.ts")),
        "file:///srv/my%20app/%231.ts"
    );
}

// --- loading graphs into V8 ------------------------------------------------------

#[test]
fn a_graph_with_cycles_json_and_top_level_await() {
    let dir = TempDir::new(&[
        (
            "main.ts",
            r#"
import { a } from "./a.ts";
import data from "./data.json" with { type: "json" };
import { count } from "./counter";
const waited: number = await new Promise<number>((r) => setTimeoutLike(r));
function setTimeoutLike(r: (n: number) => void) { Promise.resolve().then(() => r(7)); }
export const out = [a(), data.n, data.list.length, Object.hasOwn(data, "__proto__"), waited, count].join(":");
"#,
        ),
        ("a.ts", "import { b } from './b.js';\nexport function a(): string { return 'a' + b(); }\n"),
        ("b.ts", "import { a } from './a.ts';\nexport function b(): string { return typeof a === 'function' ? 'b' : '?'; }\n"),
        ("data.json", r#"{"n": 42, "list": [1, 2, 3], "__proto__": {"x": 1}}"#),
        ("counter/index.ts", "import './side.ts';\nexport const count: number = (globalThis as any).sideEffects;\n"),
        ("counter/side.ts", "(globalThis as any).sideEffects = ((globalThis as any).sideEffects ?? 0) + 1;\n"),
    ]);
    let mut iso = isolate();
    let ns = run(&mut iso, &dir.path("main.ts")).unwrap();
    assert_eq!(get(&mut iso, &ns, "out"), "ab:42:3:true:7:1");
}

#[test]
fn import_meta_gives_the_file_url_and_main() {
    let dir = TempDir::new(&[
        ("my app/main.ts", "import { meta } from './dep.ts';\nexport const url = import.meta.url;\nexport const main = import.meta.main;\nexport const dep = meta;\n"),
        ("my app/dep.ts", "export const meta = import.meta.url + ' ' + import.meta.main;\n"),
    ]);
    let mut iso = isolate();
    let ns = run(&mut iso, &dir.path("my app/main.ts")).unwrap();
    let url = path_to_file_url(&dir.path("my app/main.ts"));
    assert!(
        url.starts_with("file:///") && url.ends_with("/my%20app/main.ts"),
        "{url}"
    );
    assert_eq!(get(&mut iso, &ns, "url"), url);
    assert_eq!(get(&mut iso, &ns, "main"), "true");
    let dep_url = path_to_file_url(&dir.path("my app/dep.ts"));
    assert_eq!(get(&mut iso, &ns, "dep"), format!("{dep_url} false"));
}

#[test]
fn dynamic_import_loads_new_graphs_and_reuses_loaded_modules() {
    let dir = TempDir::new(&[
        (
            "main.ts",
            r#"
import { shared } from "./shared.ts";
const lazy = await import("./lazy.ts");
const again = await import("./lazy");
const viaShared = await import("./shared.ts");
const name = "data";
const json = await import(`./${name}.json`);
const missing = await import("./nope.ts").then(() => "loaded", (e: Error) => e.message);
const broken = await import("./broken.ts").then(() => "loaded", (e: Error) => e.message);
export const out = [lazy.value, lazy === again, viaShared.shared === shared, json.default.ok].join(":");
export { missing, broken };
"#,
        ),
        ("shared.ts", "export const shared = { n: 1 };\n"),
        (
            "lazy.ts",
            "import { shared } from './shared.ts';\nexport const value: string = 'lazy' + shared.n;\n",
        ),
        ("data.json", r#"{"ok": true}"#),
        ("broken.ts", "\nexport const x = ;\n"),
    ]);
    let mut iso = isolate();
    let ns = run(&mut iso, &dir.path("main.ts")).unwrap();
    assert_eq!(get(&mut iso, &ns, "out"), "lazy1:true:true:true");
    assert_eq!(
        get(&mut iso, &ns, "missing"),
        format!(
            "Cannot find module './nope.ts' imported from {}",
            dir.name("main.ts")
        )
    );
    let broken = get(&mut iso, &ns, "broken");
    assert!(
        broken.starts_with(&format!("{}:2:18: ", dir.name("broken.ts"))),
        "{broken}"
    );
}

#[test]
fn load_errors_name_the_importer_and_the_specifier() {
    let dir = TempDir::new(&[
        (
            "main.ts",
            "import './ok.ts';\nimport { x } from './missing';\nconsole.log(x);\n",
        ),
        ("ok.ts", ""),
        ("bare.ts", "import _ from 'lodash';\n_.x;\n"),
        ("bad.ts", "import './ok.ts';\nimport './worse.ts';\n"),
        ("worse.ts", "type T = number;\n\nexport const v: T = (;\n"),
        (
            "noexport.ts",
            "interface I { a: 1 }\n\nimport { nothere } from './ok.ts';\nconsole.log(nothere);\n",
        ),
        ("text.ts", "import './notes.txt';\n"),
        ("notes.txt", "hello"),
    ]);
    let e = load_err(&dir, "main.ts");
    assert!(
        matches!(e, LoadError::Resolve(ResolveError::NotFound { .. })),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        format!(
            "Cannot find module './missing' imported from {}",
            dir.name("main.ts")
        )
    );
    assert_eq!(e.one_line(), e.to_string());

    let e = load_err(&dir, "bare.ts");
    assert!(matches!(e, LoadError::Resolve(ResolveError::Package(_))), "{e:?}");

    let e = load_err(&dir, "bad.ts");
    let LoadError::Compile(c) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(
        (c.path.as_str(), c.line, c.column),
        (dir.name("worse.ts").as_str(), 3, 22)
    );
    assert!(e.to_string().starts_with("error: "), "{e}");
    assert!(
        e.one_line()
            .starts_with(&format!("{}:3:22: ", dir.name("worse.ts"))),
        "{}",
        e.one_line()
    );

    // V8's link error, at the import in the TypeScript source.
    let e = load_err(&dir, "noexport.ts");
    let LoadError::Compile(c) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(
        (c.line, c.source_line.as_str()),
        (3, "import { nothere } from './ok.ts';"),
        "{e}"
    );
    assert!(
        c.message.contains("does not provide an export named 'nothere'"),
        "{e}"
    );

    let e = load_err(&dir, "text.ts");
    assert!(matches!(e, LoadError::UnknownKind { .. }), "{e:?}");

    let e = load_err(&dir, "absent.ts");
    assert!(matches!(e, LoadError::Read { .. }), "{e:?}");
    assert!(e.to_string().contains("absent.ts"), "{e}");
}

#[test]
fn v8_syntax_errors_map_back_to_the_typescript() {
    // swc accepts the `v` regexp flag (ES2024); V8 10.2 does not. The error
    // must point into the .ts file, past the lines the types took.
    let dir = TempDir::new(&[(
        "main.ts",
        "interface A {\n  x: number;\n}\ntype B = A;\n\nexport const re = /[a-z]/v;\n",
    )]);
    let e = load_err(&dir, "main.ts");
    let LoadError::Compile(c) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(c.line, 6, "{e}");
    assert_eq!(c.source_line, "export const re = /[a-z]/v;");
    assert!(c.message.starts_with("SyntaxError"), "{e}");
}

#[test]
fn stacks_map_back_to_typescript_lines() {
    let source = r#"interface Shape {
  kind: "circle";
  radius: number;
}

type Area = number;

function area(s: Shape): Area {
  if (s.radius < 0) {
    throw new Error("negative radius");
  }
  return Math.PI * s.radius ** 2;
}

export let stack = "";
try {
  area({ kind: "circle", radius: -1 });
} catch (e) {
  stack = (e as Error).stack ?? "";
}
"#;
    let dir = TempDir::new(&[("main.ts", source)]);
    let mut iso = isolate();
    let ns = run(&mut iso, &dir.path("main.ts")).unwrap();
    let stack = get(&mut iso, &ns, "stack");
    let name = dir.name("main.ts");
    assert!(
        !stack.contains(&format!("{name}:10:")),
        "types shift the generated lines: {stack}"
    );
    let mapped = iso.state().loader.map_stack(&stack);
    assert!(mapped.contains(&format!("at area ({name}:10:11)")), "{mapped}");
    assert!(mapped.contains(&format!("{name}:17:3")), "{mapped}");
    assert!(mapped.starts_with("Error: negative radius\n"), "{mapped}");

    // Uncaught at top level: the JsError's stack maps the same way.
    let dir = TempDir::new(&[(
        "boom.ts",
        "type T = string;\n\nconst t: T = 'x';\nthrow new TypeError(t);\n",
    )]);
    let mut iso = isolate();
    let e = run(&mut iso, &dir.path("boom.ts")).unwrap_err();
    let mapped = iso.state().loader.map_stack(e.stack.as_deref().unwrap());
    assert!(
        mapped.contains(&format!("{}:4:7", dir.name("boom.ts"))),
        "{mapped}"
    );
    let stack = e.stack.unwrap();
    assert!(stack.contains(&format!("{}:2:7", dir.name("boom.ts"))), "{stack}");
    let loader = &iso.state().loader;
    assert_eq!(loader.map_position(&dir.name("boom.ts"), 2, 7), Some((4, 7)));
    assert_eq!(loader.map_position("/not/loaded.ts", 2, 7), None);
}

#[test]
fn every_ts_lib_module_loads() {
    let mut iso = isolate();
    let (mut m, mut state) = iso.modules_and_state();
    for (name, _) in TS_LIB {
        assert!(name.starts_with("howth:internal/"));
        state
            .loader
            .load_internal(&mut m, name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let e = state
        .loader
        .load_internal(&mut m, "howth:internal/no-such-module")
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Cannot find internal module 'howth:internal/no-such-module'"
    );
}

#[test]
fn internal_and_user_modules_are_kept_apart() {
    let dir = TempDir::new(&[
        ("main.ts", "import 'howth:internal/bootstrap';\n"),
        ("user.ts", "export const v = 1;\n"),
    ]);
    let e = load_err(&dir, "main.ts");
    assert_eq!(
        e.to_string(),
        format!(
            "Cannot find internal module 'howth:internal/bootstrap' imported from {}",
            dir.name("main.ts")
        )
    );

    // The runtime's own code may import a user file by URL or absolute
    // path (e.g. the entry module), but nothing relative to itself.
    let mut iso = isolate();
    let (mut m, mut state) = iso.modules_and_state();
    let url = path_to_file_url(&dir.path("user.ts"));
    let id = state
        .loader
        .dynamic_import(&mut m, "howth:internal/x", &url)
        .unwrap();
    assert_eq!(state.loader.name(id), Some(dir.name("user.ts").as_str()));
    assert_eq!(state.loader.url(id), Some(url.as_str()));
    assert_eq!(
        state
            .loader
            .dynamic_import(&mut m, "howth:internal/x", &dir.name("user.ts")),
        Ok(id)
    );
    let e = state
        .loader
        .dynamic_import(&mut m, "howth:internal/x", "../user.ts")
        .unwrap_err();
    assert_eq!(
        e,
        "Cannot find internal module '../user.ts' imported from howth:internal/x"
    );
}

/// Not a timed test (these machines are shared): prints how long a 200-line
/// TypeScript file takes, for `cargo test --release -- --ignored --nocapture`.
#[test]
#[ignore]
fn compile_speed() {
    let mut source = String::new();
    for i in 0..20 {
        source.push_str(&format!(
            "interface Req{i} {{ id: number; name: string; tags?: string[] }}\n\
             export enum Kind{i} {{ A, B = {i}, C }}\n\
             export class Handler{i}<T extends Req{i}> {{\n\
             \x20 constructor(private readonly prefix: string, public count: number = 0) {{}}\n\
             \x20 handle(req: T): string {{\n\
             \x20   this.count++;\n\
             \x20   const tags = (req.tags ?? []).map((t: string) => t.toUpperCase()).join(',');\n\
             \x20   return `${{this.prefix}}:${{req.id}}:${{req.name}}:${{tags}}:${{Kind{i}.B}}` as const;\n\
             \x20 }}\n\
             }}\n"
        ));
    }
    assert_eq!(source.lines().count(), 200);
    for _ in 0..20 {
        compile("/bench.ts", &source, SourceKind::TypeScript).unwrap();
    }
    let n = 200;
    let t = std::time::Instant::now();
    for _ in 0..n {
        compile("/bench.ts", &source, SourceKind::TypeScript).unwrap();
    }
    let per = t.elapsed() / n;
    println!("compile 200-line TS ({} bytes): {per:?} per file", source.len());
}
