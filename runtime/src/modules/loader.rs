//! Loads ES module graphs into an isolate: files from disk (compiled with
//! swc) and the runtime's own modules embedded at build time (`howth:`).
//!
//! A `ModuleLoader` belongs to one isolate: the `ModuleId`s it records are
//! that isolate's. It keeps, per module, the resource name V8 prints in
//! stack traces (the absolute path, or the `howth:` specifier), the
//! `import.meta.url` and the source map, so errors and stacks can be shown
//! at their TypeScript positions.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use howth_engine::{JsError, ModuleId, Modules};

use super::compile::{compile, CompileError, SourceKind, SourceMap};
use super::facade::facade_source;
use super::format::{format_of, is_dependency, Format};
use super::package_cache::PackageCache;
use super::resolve::{path_to_file_url, resolve, ResolveError};

mod ts_lib {
    // `pub static TS_LIB: &[(&str, &str)]`: ("howth:internal/<path>", js),
    // written by runtime/build.rs from ts-lib/**/*.ts.
    include!(concat!(env!("OUT_DIR"), "/ts_lib.rs"));
}

pub use ts_lib::TS_LIB;

/// The scheme of the runtime's embedded modules.
const INTERNAL_PREFIX: &str = "howth:internal/";
/// Where the Node API modules live among them: `node:fs/promises` is
/// `howth:internal/node/fs_promises` (ts-lib/node/fs_promises.ts).
const NODE_PREFIX: &str = "howth:internal/node/";

/// ts-lib as this process runs it: the copy compiled into the binary, or,
/// when `HOWTH_TS_LIB_DIR` names a ts-lib folder, that folder compiled now.
///
/// The override is for working on ts-lib: a change to a .ts file then needs
/// no cargo build. Its code differs from the embedded copy, so the startup
/// snapshot and code cache, whose names hash the code, are made anew for it
/// and never mixed up with the binary's own. A file that does not compile
/// is reported on stderr and the embedded copy is used.
pub fn ts_lib() -> &'static [(&'static str, &'static str)] {
    static LIB: std::sync::OnceLock<&'static [(&'static str, &'static str)]> = std::sync::OnceLock::new();
    LIB.get_or_init(|| match std::env::var_os("HOWTH_TS_LIB_DIR") {
        Some(dir) => ts_lib_from(Path::new(&dir)).unwrap_or_else(|e| {
            eprintln!("warning: HOWTH_TS_LIB_DIR: {e}; using the ts-lib built into howth");
            TS_LIB
        }),
        None => TS_LIB,
    })
}

/// Compiles every module of a ts-lib folder; leaked, as it lives as long
/// as the process (once per process).
fn ts_lib_from(dir: &Path) -> Result<&'static [(&'static str, &'static str)], String> {
    let files = super::ts_lib_files::ts_lib_files(dir);
    if files.is_empty() {
        return Err(format!("{} holds no .ts files", dir.display()));
    }
    let mut lib = Vec::with_capacity(files.len());
    for (name, path) in files {
        let shown = path.to_string_lossy();
        let source = std::fs::read_to_string(&path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
        let compiled = compile(&shown, &source, SourceKind::TypeScript).map_err(|e| e.one_line())?;
        let name: &'static str = Box::leak(name.into_boxed_str());
        let code: &'static str = Box::leak(compiled.code.into_boxed_str());
        lib.push((name, code));
    }
    Ok(Box::leak(lib.into_boxed_slice()))
}

/// The built-in module a specifier names, by Node's rules: `node:x` always
/// means the built-in (and is an error when there is none); a bare `x` only
/// when a built-in of that name exists, so a package may still be called
/// anything else. None: not a built-in.
pub fn builtin_module(specifier: &str) -> Option<Result<&'static str, String>> {
    let (name, prefixed) = match specifier.strip_prefix("node:") {
        Some(name) => (name, true),
        None => (specifier, false),
    };
    if name.is_empty() || name.starts_with('.') || name.starts_with('/') || name.contains('\\') {
        return prefixed.then(|| Err(format!("No such built-in module: {specifier}")));
    }
    let internal = format!("{NODE_PREFIX}{}", name.replace('/', "_"));
    match ts_lib().iter().find(|(n, _)| *n == internal) {
        Some(&(n, _)) => Some(Ok(n)),
        None if prefixed => {
            let package = name.split('/').next().unwrap_or(name);
            Some(Err(if super::npm_resolve::is_node_builtin(package) {
                format!(
                    "No such built-in module: {specifier} (a Node.js built-in that Howth does not have yet)"
                )
            } else {
                format!("No such built-in module: {specifier}")
            }))
        }
        None => None,
    }
}

/// The names of the built-in modules (`fs`, `fs/promises`, ...), sorted.
pub fn builtin_names() -> Vec<String> {
    let files: Vec<&str> = ts_lib()
        .iter()
        .filter_map(|(n, _)| n.strip_prefix(NODE_PREFIX))
        // ts-lib/node/internal/ holds the built-ins' shared parts, not modules.
        .filter(|n| !n.contains('/'))
        .collect();
    // `fs_promises` is `fs/promises` (there is an `fs`); `child_process`
    // keeps its name (there is no `child`).
    let mut names: Vec<String> = files
        .iter()
        .map(|n| match n.split_once('_') {
            Some((head, rest)) if files.contains(&head) => format!("{head}/{}", rest.replace('_', "/")),
            _ => n.to_string(),
        })
        .collect();
    names.sort();
    names
}

/// Why a module graph could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// swc or V8 rejected a module's source, or V8 could not link it (a
    /// missing export); the position is in the original file.
    Compile(CompileError),
    /// An import names no module.
    Resolve(ResolveError),
    /// A file could not be read.
    Read { path: PathBuf, error: std::io::Error },
    /// A file whose extension names no kind of module Howth runs.
    UnknownKind { path: String },
    /// An embedded module that does not exist.
    NoInternal {
        specifier: String,
        referrer: Option<String>,
    },
    /// A V8 error with no position in a known module.
    Js(JsError),
}

impl LoadError {
    /// The error on one line: `path:line:col: message` for source errors.
    pub fn one_line(&self) -> String {
        match self {
            LoadError::Compile(e) => e.one_line(),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Compile(e) => e.fmt(f),
            LoadError::Resolve(e) => e.fmt(f),
            LoadError::Read { path, error } => write!(f, "Cannot read {}: {error}", path.display()),
            LoadError::UnknownKind { path } => write!(
                f,
                "Cannot load {path}: unknown module type (expected .ts, .mts, .cts, .js, .mjs, .cjs or .json)"
            ),
            LoadError::NoInternal { specifier, referrer } => match referrer {
                Some(r) => write!(f, "Cannot find internal module '{specifier}' imported from {r}"),
                None => write!(f, "Cannot find internal module '{specifier}'"),
            },
            LoadError::Js(e) => f.write_str(&e.message),
        }
    }
}

impl std::error::Error for LoadError {}

impl From<CompileError> for LoadError {
    fn from(e: CompileError) -> Self {
        LoadError::Compile(e)
    }
}

impl From<ResolveError> for LoadError {
    fn from(e: ResolveError) -> Self {
        LoadError::Resolve(e)
    }
}

/// What a specifier resolved to.
enum Target {
    File(PathBuf),
    Internal { name: &'static str, code: &'static str },
}

struct Record {
    /// Resource name: absolute path, or `howth:internal/<stem>`.
    name: String,
    url: String,
    source_map: Option<SourceMap>,
    /// The modules its static imports resolved to, once all are linked.
    deps: Option<Vec<ModuleId>>,
}

/// The module records of one isolate. See the module docs.
#[derive(Default)]
pub struct ModuleLoader {
    records: HashMap<ModuleId, Record>,
    by_name: HashMap<String, ModuleId>,
    main: Option<ModuleId>,
    /// V8 code cache for the internal modules (see code_cache.rs).
    pub code_cache: Option<super::code_cache::CodeCache>,
    /// V8 code cache for modules from node_modules (see package_cache.rs).
    pub package_cache: Option<PackageCache>,
    /// Resource names of the generated modules that stand for CommonJS
    /// modules (facade.rs); they may import ts-lib's CommonJS loader.
    facades: HashSet<String>,
    /// The entry file, so its facade (if it is CommonJS) marks it main.
    main_path: Option<PathBuf>,
}

impl ModuleLoader {
    pub fn new() -> ModuleLoader {
        ModuleLoader::default()
    }

    /// Loads `entry` and everything it imports, links and instantiates the
    /// graph; the caller evaluates it. Modules already loaded are reused.
    pub fn load_graph(&mut self, m: &mut Modules<'_>, entry: &Path) -> Result<ModuleId, LoadError> {
        let abs = if entry.is_absolute() {
            entry.to_path_buf()
        } else {
            std::env::current_dir()
                .map_err(|error| LoadError::Read {
                    path: entry.to_path_buf(),
                    error,
                })?
                .join(entry)
        };
        // Canonical like every resolved import, so the entry is not loaded a
        // second time when a module imports it back.
        let path = std::fs::canonicalize(&abs).map_err(|error| LoadError::Read { path: abs, error })?;
        self.main_path = Some(path.clone());
        let id = self.load_one(m, Target::File(path))?;
        self.link_and_instantiate(m, id)?;
        Ok(id)
    }

    /// The resource names of the loaded modules by id, when the ids are
    /// `0..n` (as in an isolate whose every module this loader compiled):
    /// what a snapshot of the isolate records beside its modules.
    pub fn names_by_id(&self) -> Option<Vec<String>> {
        let mut names = vec![None; self.records.len()];
        for (id, record) in &self.records {
            if let Some(slot) = names.get_mut(id.index() as usize) {
                *slot = Some(record.name.clone());
            }
        }
        names.into_iter().collect()
    }

    /// Takes the modules of a startup snapshot as loaded (they are
    /// evaluated already): `ids[k]` is the module named `names[k]`. Imports
    /// of those names then link to these instances, never to new copies.
    pub fn adopt_snapshot_modules(&mut self, ids: &[ModuleId], names: &[String]) {
        for (&id, name) in ids.iter().zip(names) {
            self.insert(id, name.clone(), name.clone(), None);
        }
    }

    /// Loads an embedded module (`howth:internal/<stem>`) and its imports.
    pub fn load_internal(&mut self, m: &mut Modules<'_>, specifier: &str) -> Result<ModuleId, LoadError> {
        let target = internal_target(specifier).ok_or_else(|| LoadError::NoInternal {
            specifier: specifier.to_string(),
            referrer: None,
        })?;
        let id = self.load_one(m, target)?;
        self.link_and_instantiate(m, id)?;
        Ok(id)
    }

    /// The `import()` hook: loads and instantiates `specifier` imported by
    /// the module or script named `referrer` (its resource name). Errors
    /// are one line, for the rejected promise's message.
    pub fn dynamic_import(
        &mut self,
        m: &mut Modules<'_>,
        referrer: &str,
        specifier: &str,
    ) -> Result<ModuleId, String> {
        let result = self
            .resolve_import(referrer, specifier)
            .and_then(|target| self.load_one(m, target))
            .and_then(|id| self.link_and_instantiate(m, id).map(|()| id));
        result.map_err(|e| e.one_line())
    }

    /// `require()` of an ES module or a built-in: loads and instantiates the
    /// module named `name` (an absolute path or `howth:internal/...`); the
    /// engine evaluates it. Errors are one line.
    pub fn load_for_require(&mut self, m: &mut Modules<'_>, name: &str) -> Result<ModuleId, String> {
        let target = if name.starts_with(INTERNAL_PREFIX) {
            internal_target(name).ok_or_else(|| format!("Cannot find internal module '{name}'"))
        } else {
            Ok(Target::File(PathBuf::from(name)))
        };
        target
            .map_err(|e| e.to_string())
            .and_then(|t| self.load_one(m, t).map_err(|e| e.one_line()))
            .and_then(|id| {
                self.link_and_instantiate(m, id)
                    .map(|()| id)
                    .map_err(|e| e.one_line())
            })
    }

    /// `import.meta.url` and `import.meta.main` of a module.
    pub fn import_meta(&self, id: ModuleId) -> (String, bool) {
        let url = self.records.get(&id).map(|r| r.url.clone()).unwrap_or_default();
        (url, self.main == Some(id))
    }

    /// Marks the entry module, for `import.meta.main`.
    pub fn set_main(&mut self, id: ModuleId) {
        self.main = Some(id);
    }

    /// The module's resource name (absolute path or `howth:` specifier).
    pub fn name(&self, id: ModuleId) -> Option<&str> {
        self.records.get(&id).map(|r| r.name.as_str())
    }

    /// The module's `import.meta.url`.
    pub fn url(&self, id: ModuleId) -> Option<&str> {
        self.records.get(&id).map(|r| r.url.as_str())
    }

    /// The module loaded under a resource name (absolute path), if any.
    pub fn id(&self, name: &str) -> Option<ModuleId> {
        self.by_name.get(name).copied()
    }

    pub fn source_map(&self, id: ModuleId) -> Option<&SourceMap> {
        self.records.get(&id)?.source_map.as_ref()
    }

    /// A generated position (1-based) in the module named `resource`, as a
    /// position in its source file.
    pub fn map_position(&self, resource: &str, line: u32, col: u32) -> Option<(u32, u32)> {
        let id = self.by_name.get(resource)?;
        self.records.get(id)?.source_map.as_ref()?.lookup(line, col)
    }

    /// Rewrites every `<resource>:<line>:<col>` in a V8 stack trace whose
    /// resource is a module of this loader to its source position. Anything
    /// else is left as it is.
    pub fn map_stack(&self, stack: &str) -> String {
        stack
            .split_inclusive('\n')
            .map(|line| self.map_line(line))
            .collect()
    }

    /// Maps the positions on one line of a stack trace. A resource name may
    /// contain spaces and parentheses, so each `:<line>:<col>` is matched
    /// against the known names ending just before it, starting at the line
    /// start or after a space or `(`.
    fn map_line(&self, line: &str) -> String {
        let bytes = line.as_bytes();
        let mut out = String::with_capacity(line.len());
        let mut copied = 0;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b':' {
                if let Some((gen_line, gen_col, end)) = parse_line_col(bytes, i) {
                    if let Some(start) = self.resource_ending_at(line, copied, i) {
                        if let Some((l, c)) = self.map_position(&line[start..i], gen_line, gen_col) {
                            out.push_str(&line[copied..i]);
                            out.push_str(&format!(":{l}:{c}"));
                            copied = end;
                            i = end;
                            continue;
                        }
                    }
                }
            }
            i += 1;
        }
        out.push_str(&line[copied..]);
        out
    }

    /// The start of a known resource name that ends at `end` on `line`,
    /// beginning no earlier than `from`.
    fn resource_ending_at(&self, line: &str, from: usize, end: usize) -> Option<usize> {
        let bytes = line.as_bytes();
        let starts = std::iter::once(from).chain(
            (from..end)
                .filter(|&k| matches!(bytes[k], b' ' | b'('))
                .map(|k| k + 1),
        );
        starts
            .filter(|&s| s < end)
            .find(|&s| line.is_char_boundary(s) && self.by_name.contains_key(&line[s..end]))
    }

    // --- loading -------------------------------------------------------

    /// Resolves an import made by the module or script named `referrer`.
    fn resolve_import(&self, referrer: &str, specifier: &str) -> Result<Target, LoadError> {
        let from_internal = referrer.starts_with(INTERNAL_PREFIX);
        let no_internal = || LoadError::NoInternal {
            specifier: specifier.to_string(),
            referrer: Some(referrer.to_string()),
        };
        // Embedded modules import each other by full specifier or by a path
        // relative to their own folder, as the .ts files in ts-lib/ do; user
        // code may not reach into them.
        let internal_name = if specifier.starts_with(INTERNAL_PREFIX) {
            Some(specifier.to_string())
        } else if from_internal && (specifier.starts_with("./") || specifier.starts_with("../")) {
            internal_relative(referrer, specifier)
        } else {
            None
        };
        if let Some(name) = internal_name {
            return internal_target(&name)
                .filter(|_| from_internal || self.facades.contains(referrer))
                .ok_or_else(no_internal);
        }
        // `node:fs`, `fs`, `node:fs/promises`: the Node API (ts-lib/node/).
        if let Some(builtin) = builtin_module(specifier) {
            let name = builtin.map_err(|reason| {
                LoadError::Resolve(ResolveError::Unsupported {
                    specifier: specifier.to_string(),
                    referrer: referrer.to_string(),
                    reason,
                })
            })?;
            return internal_target(name).ok_or_else(no_internal);
        }
        // An embedded module may still import a user file by absolute path
        // or file URL (e.g. the entry module); nothing relative to itself.
        if from_internal && specifier.starts_with('.') {
            return Err(no_internal());
        }
        Ok(Target::File(resolve(specifier, Path::new(referrer))?))
    }

    /// Compiles one module (not its imports), or returns the one already
    /// loaded from the same file.
    fn load_one(&mut self, m: &mut Modules<'_>, target: Target) -> Result<ModuleId, LoadError> {
        match target {
            Target::Internal { name, code } => {
                if let Some(&id) = self.by_name.get(name) {
                    return Ok(id);
                }
                // Compiled by build.rs already; an error here is a bug in
                // ts-lib that only V8 sees (syntax newer than V8 10.2).
                let cache = self.code_cache.as_ref().and_then(|c| c.get(name));
                let (id, cache_used) = m
                    .compile_cached(name, code, cache)
                    .map_err(|e| self.v8_error(e, name, code, None))?;
                if let Some(c) = self.code_cache.as_mut() {
                    c.stale |= !cache_used;
                }
                self.insert(id, name.to_string(), name.to_string(), None);
                Ok(id)
            }
            Target::File(path) => {
                let name = path.to_string_lossy().into_owned();
                if let Some(&id) = self.by_name.get(&name) {
                    return Ok(id);
                }
                let kind = SourceKind::from_path(&name)
                    .ok_or_else(|| LoadError::UnknownKind { path: name.clone() })?;
                let source = std::fs::read_to_string(&path).map_err(|error| LoadError::Read {
                    path: path.clone(),
                    error,
                })?;
                let url = path_to_file_url(&path);
                let format = match kind {
                    SourceKind::Json => Format::Json,
                    _ => format_of(&path, &source),
                };
                if format == Format::CommonJs {
                    // The CommonJS module itself runs in ts-lib's loader;
                    // this generated module is what importers link to.
                    let is_main = self.main_path.as_deref() == Some(path.as_path());
                    let code = facade_source(&path, &source, is_main);
                    let id = m.compile(&name, &code).map_err(LoadError::Js)?;
                    self.facades.insert(name.clone());
                    self.insert(id, name, url, None);
                    return Ok(id);
                }
                if kind == SourceKind::JavaScript && is_dependency(&path) {
                    // A package's JavaScript runs as published: no swc pass,
                    // and V8's code cache from an earlier run when there is one.
                    let source = match source.strip_prefix("#!") {
                        Some(rest) => format!("//{rest}"),
                        None => source,
                    };
                    let cached = self.package_cache.as_ref().and_then(|c| c.get(&name, &source));
                    let (id, used) = m
                        .compile_cached(&name, &source, cached.as_deref())
                        .map_err(|e| self.v8_error(e, &name, &source, None))?;
                    if let Some(c) = self.package_cache.as_mut() {
                        if !used {
                            c.note_missing(id, &name, &source);
                        }
                    }
                    self.insert(id, name, url, None);
                    return Ok(id);
                }
                let compiled = compile(&name, &source, kind)?;
                let id = m
                    .compile(&name, &compiled.code)
                    .map_err(|e| self.v8_error(e, &name, &source, compiled.source_map.as_ref()))?;
                self.insert(id, name, url, compiled.source_map);
                Ok(id)
            }
        }
    }

    /// Writes the code cache when a module compiled without it. Call after
    /// the internal modules ran, so the cache holds their compiled functions.
    pub fn save_code_cache(&mut self, m: &mut Modules<'_>) {
        let Some(cache) = self.code_cache.as_mut() else {
            return;
        };
        if !cache.stale {
            return;
        }
        let entries = self
            .by_name
            .iter()
            .filter(|(name, _)| name.starts_with("howth:internal/"))
            .map(|(name, &id)| (name.clone(), m.code_cache(id)))
            .filter(|(_, data)| !data.is_empty())
            .collect();
        cache.save(entries);
    }

    /// Writes V8's code cache for the package modules that compiled without
    /// one. Call once the entry module has run.
    pub fn save_package_cache(&mut self, m: &mut Modules<'_>) {
        if let Some(cache) = self.package_cache.as_mut() {
            cache.save(m);
        }
    }

    fn insert(&mut self, id: ModuleId, name: String, url: String, source_map: Option<SourceMap>) {
        self.by_name.insert(name.clone(), id);
        self.records.insert(
            id,
            Record {
                name,
                url,
                source_map,
                deps: None,
            },
        );
    }

    /// Loads and links everything `root` imports, depth first, then
    /// instantiates the graph. A module already loaded (a cycle, or a module
    /// shared with an earlier graph) is linked, never compiled again.
    fn link_and_instantiate(&mut self, m: &mut Modules<'_>, root: ModuleId) -> Result<(), LoadError> {
        if m.is_instantiated(root) {
            return Ok(());
        }
        let mut stack = vec![root];
        let mut seen = HashSet::from([root]);
        while let Some(id) = stack.pop() {
            // An instantiated module's whole graph is linked already.
            if m.is_instantiated(id) {
                continue;
            }
            let deps = match &self.records[&id].deps {
                Some(deps) => deps.clone(),
                None => {
                    let referrer = self.records[&id].name.clone();
                    let mut deps = Vec::new();
                    for specifier in m.requests(id) {
                        let target = self.resolve_import(&referrer, &specifier)?;
                        let dep = self.load_one(m, target)?;
                        m.link(id, &specifier, dep);
                        deps.push(dep);
                    }
                    // Recorded only once every import is linked, so a graph
                    // that failed half-way is walked again next time.
                    self.records.get_mut(&id).expect("record of a loaded module").deps = Some(deps.clone());
                    deps
                }
            };
            // Reversed so the first import is walked first.
            for dep in deps.into_iter().rev() {
                if seen.insert(dep) {
                    stack.push(dep);
                }
            }
        }
        m.instantiate(root).map_err(|e| self.js_error(e))
    }

    /// A V8 compile error in a module being loaded: at its source position
    /// when the source map knows it.
    fn v8_error(&self, e: JsError, name: &str, source: &str, map: Option<&SourceMap>) -> LoadError {
        if e.terminated || e.line == 0 {
            return LoadError::Js(e);
        }
        let (line, col) = map
            .and_then(|m| m.lookup(e.line, e.column))
            .unwrap_or((e.line, e.column));
        LoadError::Compile(CompileError::at(name, source, line, col, e.message))
    }

    /// A V8 error while linking (e.g. a missing export), at the importing
    /// module's source position when it is one of ours and readable.
    fn js_error(&self, e: JsError) -> LoadError {
        let Some(resource) = e.resource.as_deref().filter(|_| e.line > 0 && !e.terminated) else {
            return LoadError::Js(e);
        };
        let Some(&id) = self.by_name.get(resource) else {
            return LoadError::Js(e);
        };
        let record = &self.records[&id];
        let source = match internal_target(resource) {
            Some(Target::Internal { code, .. }) => Some(code.to_string()),
            _ => std::fs::read_to_string(&record.name).ok(),
        };
        let Some(source) = source else {
            return LoadError::Js(e);
        };
        let (line, col) = record
            .source_map
            .as_ref()
            .and_then(|m| m.lookup(e.line, e.column))
            .unwrap_or((e.line, e.column));
        let message = e.message.clone();
        LoadError::Compile(CompileError::at(resource, &source, line, col, message))
    }
}

/// `howth:internal/<path>` → its embedded code.
fn internal_target(specifier: &str) -> Option<Target> {
    ts_lib()
        .iter()
        .find(|(name, _)| *name == specifier)
        .map(|&(name, code)| Target::Internal { name, code })
}

/// The internal module a relative import of an internal module names:
/// `./b.ts` from `howth:internal/node/a` is `howth:internal/node/b`,
/// `../b.js` is `howth:internal/b`. None when it climbs out of ts-lib.
fn internal_relative(referrer: &str, specifier: &str) -> Option<String> {
    let referrer = referrer.strip_prefix(INTERNAL_PREFIX)?;
    let mut parts: Vec<&str> = referrer.split('/').collect();
    parts.pop(); // the referrer's own file name
    for segment in specifier.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    let path = parts.join("/");
    let stem = path
        .strip_suffix(".ts")
        .or_else(|| path.strip_suffix(".js"))
        .unwrap_or(&path);
    Some(format!("{INTERNAL_PREFIX}{stem}"))
}

/// Parses `:<line>:<col>` at `colon`; returns both and the end offset.
fn parse_line_col(bytes: &[u8], colon: usize) -> Option<(u32, u32, usize)> {
    let digits = |from: usize| {
        let n = bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
        let v: u32 = std::str::from_utf8(&bytes[from..from + n]).ok()?.parse().ok()?;
        Some((v, from + n))
    };
    let (line, after_line) = digits(colon + 1)?;
    if bytes.get(after_line) != Some(&b':') {
        return None;
    }
    let (col, end) = digits(after_line + 1)?;
    Some((line, col, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_line_and_column() {
        assert_eq!(parse_line_col(b"a.ts:12:5)", 4), Some((12, 5, 9)));
        assert_eq!(parse_line_col(b"a.ts:12)", 4), None);
        assert_eq!(parse_line_col(b"a.ts::5", 4), None);
    }

    #[test]
    fn internal_relative_imports_follow_folders() {
        let r = |from: &str, spec: &str| internal_relative(from, spec);
        assert_eq!(
            r("howth:internal/bootstrap", "./url.ts").as_deref(),
            Some("howth:internal/url")
        );
        assert_eq!(
            r("howth:internal/node/fs", "./path.ts").as_deref(),
            Some("howth:internal/node/path")
        );
        assert_eq!(
            r("howth:internal/node/fs", "../errors.js").as_deref(),
            Some("howth:internal/errors")
        );
        assert_eq!(r("howth:internal/node/fs", "../../x.ts"), None);
    }

    #[test]
    fn builtins_resolve_by_nodes_rules() {
        // ts-lib/node/ may not hold these yet; the rules hold either way.
        assert!(matches!(builtin_module("node:no-such-module"), Some(Err(_))));
        assert_eq!(builtin_module("no-such-package"), None);
        assert!(matches!(builtin_module("node:"), Some(Err(_))));
        assert_eq!(builtin_module("./fs"), None);
        // The built-ins' shared internals are not built-ins themselves.
        assert!(matches!(builtin_module("node:internal/buffer"), Some(Err(_))));
        assert!(!builtin_names().iter().any(|n| n.starts_with("internal")));
        let modules = ts_lib().iter().filter(|(n, _)| {
            n.strip_prefix(NODE_PREFIX)
                .is_some_and(|rest| !rest.contains('/'))
        });
        for (name, _) in modules {
            let bare = name[NODE_PREFIX.len()..].replace('_', "/");
            assert_eq!(builtin_module(&format!("node:{bare}")), Some(Ok(*name)));
        }
    }

    #[test]
    fn stacks_of_unknown_files_are_unchanged() {
        let loader = ModuleLoader::new();
        let stack = "Error: x\n    at f (/a/b.ts:3:5)\n    at /a/c d.ts:1:1\n";
        assert_eq!(loader.map_stack(stack), stack);
    }
}
