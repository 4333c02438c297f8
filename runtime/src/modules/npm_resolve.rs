//! Package specifiers (`hono`, `@scope/pkg/sub`, `#internal`) → files, by
//! Node's rules.
//!
//! - `node_modules` folders are searched walking up from the importer;
//! - a package's `exports` decide what may be imported from it: subpaths,
//!   `*` patterns and nested conditions; the conditions Howth matches are
//!   `howth`, `node`, `import` or `require` (by how the module is loaded),
//!   `module` (imports only) and `default`, taken in the file's order as
//!   Node does; `browser`, `bun` and `deno` never match;
//! - without `exports`: `main`, then `index.*`, and any file by path;
//! - `imports` (`#name`) map specifiers private to a package;
//! - a package may import itself by its own name.
//!
//! Results are canonical paths (symlinks resolved), so a pnpm layout, where
//! packages are symlinks into a store, gives one module per file.

use std::fmt;
use std::path::{Path, PathBuf};

use super::package::{self, PackageJson, Target};

/// How the importing code loads the module: selects `import` or `require`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Import,
    Require,
}

impl Mode {
    fn matches(self, condition: &str) -> bool {
        match condition {
            "howth" | "node" | "default" => true,
            "import" | "module" => self == Mode::Import,
            "require" => self == Mode::Require,
            _ => false,
        }
    }
}

/// Why a package specifier names no file. Display gives Node's messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NpmError {
    /// No `node_modules/<name>` in any folder above the importer.
    NotFound {
        name: String,
        referrer: String,
        looked: Vec<PathBuf>,
    },
    /// The package's `exports` do not allow this subpath.
    NotExported {
        subpath: String,
        package_json: PathBuf,
        referrer: String,
    },
    /// `#name` is not in the package's `imports`.
    ImportNotDefined {
        specifier: String,
        package_json: Option<PathBuf>,
        referrer: String,
    },
    /// The package maps the specifier to a file that does not exist.
    Missing { path: PathBuf, referrer: String },
}

/// The modules Node.js has built in (its `builtinModules`, by package
/// name), so a failed import of one Howth lacks can say so rather than
/// only that no package of that name is installed.
const NODE_BUILTINS: &[&str] = &[
    "assert",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "domain",
    "events",
    "fs",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "repl",
    "stream",
    "string_decoder",
    "sys",
    "timers",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
];

/// Whether `name` (a package name, no `node:`) is one of Node's built-ins.
pub fn is_node_builtin(name: &str) -> bool {
    NODE_BUILTINS.contains(&name)
}

impl NpmError {
    /// Node's error code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            NpmError::NotFound { .. } | NpmError::Missing { .. } => "ERR_MODULE_NOT_FOUND",
            NpmError::NotExported { .. } => "ERR_PACKAGE_PATH_NOT_EXPORTED",
            NpmError::ImportNotDefined { .. } => "ERR_PACKAGE_IMPORT_NOT_DEFINED",
        }
    }
}

impl fmt::Display for NpmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NpmError::NotFound {
                name,
                referrer,
                looked,
            } => {
                write!(f, "Cannot find package '{name}' imported from {referrer}")?;
                if !looked.is_empty() {
                    let dirs: Vec<String> = looked.iter().map(|p| p.display().to_string()).collect();
                    write!(f, " (looked in {}; is it installed?)", dirs.join(", "))?;
                }
                if is_node_builtin(name) {
                    write!(f, "; '{name}' is a Node.js built-in module that Howth does not have yet")?;
                }
                Ok(())
            }
            NpmError::NotExported {
                subpath,
                package_json,
                referrer,
            } => {
                if subpath == "." {
                    write!(
                        f,
                        "No \"exports\" main defined in {} imported from {referrer}",
                        package_json.display()
                    )
                } else {
                    write!(
                        f,
                        "Package subpath '{subpath}' is not defined by \"exports\" in {} imported from {referrer}",
                        package_json.display()
                    )
                }
            }
            NpmError::ImportNotDefined {
                specifier,
                package_json,
                referrer,
            } => match package_json {
                Some(p) => write!(
                    f,
                    "Package import specifier \"{specifier}\" is not defined in package {} imported from {referrer}",
                    p.display()
                ),
                None => write!(
                    f,
                    "Package import specifier \"{specifier}\" is not defined imported from {referrer}"
                ),
            },
            NpmError::Missing { path, referrer } => {
                write!(f, "Cannot find module '{}' imported from {referrer}", path.display())
            }
        }
    }
}

impl std::error::Error for NpmError {}

/// Splits `@scope/pkg/a/b` into (`@scope/pkg`, `./a/b`); `pkg` → (`pkg`, `.`).
/// None for names Node rejects (empty, leading `.`, a lone scope).
pub fn split_name(specifier: &str) -> Option<(&str, String)> {
    let end = if specifier.starts_with('@') {
        let slash = specifier.find('/')?;
        specifier[slash + 1..]
            .find('/')
            .map_or(specifier.len(), |i| slash + 1 + i)
    } else {
        specifier.find('/').unwrap_or(specifier.len())
    };
    let name = &specifier[..end];
    if name.is_empty()
        || name.starts_with('.')
        || name.contains('\\')
        || name.contains('%')
        || name.ends_with('/')
    {
        return None;
    }
    let subpath = format!(".{}", &specifier[end..]);
    Some((name, subpath))
}

/// Resolves a package specifier (or `#import`) made by the file `referrer`.
pub fn resolve_package(specifier: &str, referrer: &Path, mode: Mode) -> Result<PathBuf, NpmError> {
    let shown = referrer.display().to_string();
    if specifier.starts_with('#') {
        return resolve_imports(specifier, referrer, mode);
    }
    let Some((name, subpath)) = split_name(specifier) else {
        return Err(NpmError::NotFound {
            name: specifier.to_string(),
            referrer: shown,
            looked: Vec::new(),
        });
    };
    // A package importing itself by its own name (needs `exports`).
    if let Some(scope) = package::scope_of(referrer) {
        if scope.name.as_deref() == Some(name) {
            if let Some(exports) = &scope.exports {
                return exports_resolve(&scope, exports, &subpath, mode, &shown);
            }
        }
    }
    let start = if referrer.as_os_str().is_empty() {
        std::env::current_dir().unwrap_or_default()
    } else {
        referrer.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let mut looked = Vec::new();
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        dir = d.parent();
        if d.file_name().is_some_and(|n| n == "node_modules") {
            continue;
        }
        let modules = d.join("node_modules");
        let pkg_dir = modules.join(name);
        if !pkg_dir.is_dir() {
            if modules.is_dir() {
                looked.push(modules);
            }
            continue;
        }
        // Through symlinks (pnpm): the package's real folder.
        let pkg_dir = std::fs::canonicalize(&pkg_dir).unwrap_or(pkg_dir);
        return match package::read(&pkg_dir) {
            Some(pkg) => match &pkg.exports {
                Some(exports) => exports_resolve(&pkg, exports, &subpath, mode, &shown),
                None if subpath == "." => {
                    legacy_main(&pkg_dir, pkg.main.as_deref()).ok_or_else(|| NpmError::Missing {
                        path: pkg_dir.clone(),
                        referrer: shown,
                    })
                }
                None => file_in(&pkg_dir, &subpath, &shown),
            },
            None if subpath == "." => legacy_main(&pkg_dir, None).ok_or_else(|| NpmError::Missing {
                path: pkg_dir.clone(),
                referrer: shown,
            }),
            None => file_in(&pkg_dir, &subpath, &shown),
        };
    }
    Err(NpmError::NotFound {
        name: name.to_string(),
        referrer: shown,
        looked,
    })
}

/// `#name` through the `imports` of the importer's package.
fn resolve_imports(specifier: &str, referrer: &Path, mode: Mode) -> Result<PathBuf, NpmError> {
    let shown = referrer.display().to_string();
    let scope = package::scope_of(referrer);
    let not_defined = || NpmError::ImportNotDefined {
        specifier: specifier.to_string(),
        package_json: scope.as_ref().map(|p| p.path()),
        referrer: shown.clone(),
    };
    let Some(pkg) = scope.as_ref() else {
        return Err(not_defined());
    };
    let Some(Target::Map(map)) = &pkg.imports else {
        return Err(not_defined());
    };
    let Some((target, star)) = match_subpath(map, specifier) else {
        return Err(not_defined());
    };
    match resolve_target(pkg, target, star.as_deref(), mode, true, referrer)? {
        Some(path) => Ok(path),
        None => Err(not_defined()),
    }
}

/// PACKAGE_EXPORTS_RESOLVE: `subpath` (`.` or `./x`) through `exports`.
fn exports_resolve(
    pkg: &PackageJson,
    exports: &Target,
    subpath: &str,
    mode: Mode,
    referrer: &str,
) -> Result<PathBuf, NpmError> {
    let not_exported = || NpmError::NotExported {
        subpath: subpath.to_string(),
        package_json: pkg.path(),
        referrer: referrer.to_string(),
    };
    let subpath_keys =
        matches!(exports, Target::Map(m) if m.first().is_some_and(|(k, _)| k.starts_with('.')));
    let found = if subpath_keys {
        let Target::Map(map) = exports else { unreachable!() };
        match match_subpath(map, subpath) {
            Some((target, star)) => {
                resolve_target(pkg, target, star.as_deref(), mode, false, Path::new(referrer))?
            }
            None => None,
        }
    } else if subpath == "." {
        // A string, an array or conditions: all of it is the main export.
        resolve_target(pkg, exports, None, mode, false, Path::new(referrer))?
    } else {
        None
    };
    found.ok_or_else(not_exported)
}

/// The entry of a subpath map for `key`: the exact key, else the `*`
/// pattern with the longest prefix (Node's PATTERN_KEY_COMPARE), with what
/// its `*` matched.
fn match_subpath<'a>(map: &'a [(String, Target)], key: &str) -> Option<(&'a Target, Option<String>)> {
    if let Some((_, t)) = map.iter().find(|(k, _)| k == key && !k.contains('*')) {
        return Some((t, None));
    }
    let mut best: Option<(&str, &Target, String)> = None;
    for (k, t) in map {
        let Some((prefix, suffix)) = k.split_once('*') else {
            continue;
        };
        if suffix.contains('*')
            || !key.starts_with(prefix)
            || key.len() < k.len() - 1
            || !key.ends_with(suffix)
        {
            continue;
        }
        let better = match &best {
            None => true,
            Some((b, _, _)) => pattern_key_compare(k, b),
        };
        if better {
            let star = key[prefix.len()..key.len() - suffix.len()].to_string();
            best = Some((k, t, star));
        }
    }
    best.map(|(_, t, star)| (t, Some(star)))
}

/// True when pattern `a` is more specific than `b`: a longer prefix before
/// the `*`, then a longer key.
fn pattern_key_compare(a: &str, b: &str) -> bool {
    let pa = a.find('*').unwrap_or(a.len());
    let pb = b.find('*').unwrap_or(b.len());
    pa > pb || (pa == pb && a.len() > b.len())
}

/// PACKAGE_TARGET_RESOLVE. Ok(None): no condition matched or the target is
/// null (the subpath is not exported).
fn resolve_target(
    pkg: &PackageJson,
    target: &Target,
    star: Option<&str>,
    mode: Mode,
    is_imports: bool,
    referrer: &Path,
) -> Result<Option<PathBuf>, NpmError> {
    match target {
        Target::Null => Ok(None),
        Target::Path(p) => {
            let p = match star {
                Some(s) => p.replace('*', s),
                None => p.clone(),
            };
            if !p.starts_with("./") {
                // `imports` may map to a package ("#dep": "some-pkg").
                if is_imports && !p.starts_with('/') && !p.starts_with("../") {
                    return resolve_package(&p, referrer, mode).map(Some);
                }
                return Ok(None);
            }
            // A target may not climb out of its package or into node_modules.
            if p.split('/').any(|seg| seg == ".." || seg == "node_modules") {
                return Ok(None);
            }
            let path = pkg.dir.join(&p[2..]);
            match std::fs::canonicalize(&path) {
                Ok(real) if real.is_file() => Ok(Some(real)),
                _ => Err(NpmError::Missing {
                    path,
                    referrer: referrer.display().to_string(),
                }),
            }
        }
        Target::Array(items) => {
            let mut last_err = None;
            for item in items {
                match resolve_target(pkg, item, star, mode, is_imports, referrer) {
                    Ok(Some(p)) => return Ok(Some(p)),
                    Ok(None) => {}
                    Err(e) => last_err = Some(e),
                }
            }
            last_err.map_or(Ok(None), Err)
        }
        Target::Map(conditions) => {
            for (condition, t) in conditions {
                if mode.matches(condition) {
                    if let Some(found) = resolve_target(pkg, t, star, mode, is_imports, referrer)? {
                        return Ok(Some(found));
                    }
                    // A matched condition whose target is null or matches
                    // nothing inside: keep looking, as Node does.
                }
            }
            Ok(None)
        }
    }
}

/// A package without `exports`: `main` (as a file, with extensions, or as a
/// folder's index), else `index.js`.
fn legacy_main(dir: &Path, main: Option<&str>) -> Option<PathBuf> {
    if let Some(main) = main.filter(|m| !m.is_empty()) {
        if let Some(found) = super::resolve::find_cjs_file(&dir.join(main)) {
            return Some(found);
        }
    }
    super::resolve::find_cjs_file(&dir.join("index"))
}

/// `pkg/sub/path` in a package without `exports`: the file by path.
fn file_in(dir: &Path, subpath: &str, referrer: &str) -> Result<PathBuf, NpmError> {
    let path = dir.join(&subpath[2..]);
    // A folder with its own package.json (`pkg/sub` with sub/package.json).
    if path.is_dir() {
        if let Some(sub) = package::read(&path) {
            if let Some(found) = legacy_main(&path, sub.main.as_deref()) {
                return Ok(found);
            }
        }
    }
    super::resolve::find_cjs_file(&path).ok_or(NpmError::Missing {
        path,
        referrer: referrer.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_from_subpaths() {
        assert_eq!(split_name("hono"), Some(("hono", ".".into())));
        assert_eq!(split_name("hono/cors"), Some(("hono", "./cors".into())));
        assert_eq!(
            split_name("@hono/zod-validator"),
            Some(("@hono/zod-validator", ".".into()))
        );
        assert_eq!(split_name("@a/b/c/d"), Some(("@a/b", "./c/d".into())));
        assert_eq!(split_name("@a"), None);
        assert_eq!(split_name(".x"), None);
    }

    #[test]
    fn longest_pattern_wins() {
        let map = vec![
            ("./*".to_string(), Target::Path("./a/*.js".into())),
            ("./utils/*".to_string(), Target::Path("./b/*.js".into())),
            ("./utils/x".to_string(), Target::Path("./c.js".into())),
        ];
        let (t, star) = match_subpath(&map, "./utils/y").unwrap();
        assert_eq!(
            (t, star.as_deref()),
            (&Target::Path("./b/*.js".into()), Some("y"))
        );
        let (t, star) = match_subpath(&map, "./utils/x").unwrap();
        assert_eq!((t, star), (&Target::Path("./c.js".into()), None));
        let (_, star) = match_subpath(&map, "./q/r").unwrap();
        assert_eq!(star.as_deref(), Some("q/r"));
    }

    #[test]
    fn conditions_by_mode() {
        assert!(Mode::Import.matches("import") && !Mode::Import.matches("require"));
        assert!(Mode::Require.matches("require") && !Mode::Require.matches("module"));
        for never in ["browser", "bun", "deno", "worker"] {
            assert!(!Mode::Import.matches(never) && !Mode::Require.matches(never));
        }
    }
}
