//! Module specifier → file path.
//!
//! Specifiers are URLs relative to the importing module's file URL, as in
//! browsers, Deno and Node's ESM loader: `./a%20b.ts` names `a b.ts`, `..`
//! segments collapse, and `?query`/`#hash` do not reach the file system.
//! On top of the exact file, the lookups TypeScript users rely on (tsc's
//! `moduleResolution: bundler` and Bun do the same):
//!
//! 1. the exact file;
//! 2. the path with an extension appended: `.ts .mts .js .mjs .json`
//!    (`./util` → `util.ts`);
//! 3. a JS extension naming its TS source, as tsc lets one write
//!    (`./util.js` → `util.ts`, `.mjs` → `.mts`, `.cjs` → `.cts`);
//! 4. a directory's `index.ts`, then `index.js`.
//!
//! The result is canonical (symlinks resolved), so one file is one module
//! however it is reached.

use std::fmt;
use std::path::{Path, PathBuf};

use url::Url;

use super::npm_resolve::{resolve_package, Mode, NpmError};

/// Extensions tried, in order, after a specifier without one.
const PROBE_EXTENSIONS: &[&str] = &["ts", "mts", "js", "mjs", "json"];
/// Files tried, in order, in a directory.
const INDEX_FILES: &[&str] = &["index.ts", "index.js"];

/// Why a specifier names no file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    /// A package name (`lodash`, `@scope/pkg`) or `npm:`/`node:`/`jsr:`.
    Bare { specifier: String, referrer: String },
    /// A relative or absolute specifier naming no file.
    NotFound { specifier: String, referrer: String },
    /// A package specifier that names no file (see npm_resolve.rs).
    Package(NpmError),
    /// Some other URL (`https:`, `data:`, ...) or a malformed one.
    Unsupported {
        specifier: String,
        referrer: String,
        reason: String,
    },
}

impl ResolveError {
    pub fn specifier(&self) -> &str {
        match self {
            ResolveError::Bare { specifier, .. }
            | ResolveError::NotFound { specifier, .. }
            | ResolveError::Unsupported { specifier, .. } => specifier,
            ResolveError::Package(_) => "",
        }
    }

    /// Node's error code, where Node has one.
    pub fn code(&self) -> &'static str {
        match self {
            ResolveError::Package(e) => e.code(),
            ResolveError::NotFound { .. } => "ERR_MODULE_NOT_FOUND",
            _ => "ERR_UNSUPPORTED_RESOLVE_REQUEST",
        }
    }
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::Bare { specifier, referrer } => write!(
                f,
                "Cannot import '{specifier}' from {referrer}: 'npm:' and 'jsr:' specifiers are not supported; \
                 install the package into node_modules and import it by name"
            ),
            ResolveError::Package(e) => e.fmt(f),
            ResolveError::NotFound { specifier, referrer } => {
                write!(f, "Cannot find module '{specifier}' imported from {referrer}")
            }
            ResolveError::Unsupported {
                specifier,
                referrer,
                reason,
            } => write!(f, "Cannot import '{specifier}' from {referrer}: {reason}"),
        }
    }
}

impl std::error::Error for ResolveError {}

/// Resolves `specifier` imported by the module at `referrer` (an absolute
/// file path; a relative one is taken from the current directory).
pub fn resolve(specifier: &str, referrer: &Path) -> Result<PathBuf, ResolveError> {
    resolve_as(specifier, referrer, Mode::Import)
}

/// [`resolve`] for `import` or `require`, which select different
/// conditions in packages' `exports`.
pub fn resolve_as(specifier: &str, referrer: &Path, mode: Mode) -> Result<PathBuf, ResolveError> {
    let referrer_shown = referrer.display().to_string();
    let unsupported = |reason: String| ResolveError::Unsupported {
        specifier: specifier.to_string(),
        referrer: referrer_shown.clone(),
        reason,
    };

    let target = if is_path_like(specifier) {
        let base = referrer_url(referrer)
            .ok_or_else(|| unsupported("the importing module has no file path".into()))?;
        base.join(specifier)
            .map_err(|e| unsupported(format!("invalid specifier ({e})")))?
    } else {
        match Url::parse(specifier) {
            Ok(url) if url.scheme() == "file" => url,
            Ok(url) if matches!(url.scheme(), "npm" | "jsr") => {
                return Err(ResolveError::Bare {
                    specifier: specifier.to_string(),
                    referrer: referrer_shown,
                })
            }
            Ok(url) => {
                return Err(unsupported(format!(
                    "'{}:' imports are not supported; import a file by a relative path, an absolute path or a file:// URL",
                    url.scheme()
                )))
            }
            // No scheme: a package name (or `#import`), or a tsconfig
            // `paths` alias in the user's own code.
            Err(_) => {
                if let Some(found) = super::tsconfig_paths::resolve(specifier, referrer) {
                    return Ok(found);
                }
                let referrer = absolute(referrer);
                return resolve_package(specifier, &referrer, mode).map_err(ResolveError::Package);
            }
        }
    };
    let path = target
        .to_file_path()
        .map_err(|()| unsupported("the file URL names no local path".into()))?;
    let found = match mode {
        Mode::Import => find_file(&path),
        // require() probes as CommonJS does (`./lib` → lib/index.js, a
        // folder's package.json main), and the TypeScript lookups too.
        Mode::Require => find_cjs_file(&path).or_else(|| find_file(&path)),
    };
    found.ok_or_else(|| ResolveError::NotFound {
        specifier: specifier.to_string(),
        referrer: referrer_shown,
    })
}

/// A referrer path made absolute (an empty one: a file in the current
/// directory), for walking up to `node_modules`.
fn absolute(referrer: &Path) -> PathBuf {
    if referrer.is_absolute() {
        return referrer.to_path_buf();
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    if referrer.as_os_str().is_empty() {
        cwd.join("[eval]")
    } else {
        cwd.join(referrer)
    }
}

/// CommonJS's lookups for `require("./x")` and a package's `main`: the
/// exact file, then with `.js .json .cjs .mjs .ts .cts .mts` appended, then
/// a folder's `package.json` `main`, then its `index.*`. Canonical.
pub fn find_cjs_file(path: &Path) -> Option<PathBuf> {
    const EXTENSIONS: &[&str] = &["js", "json", "cjs", "mjs", "ts", "cts", "mts"];
    let found = if path.is_file() {
        Some(path.to_path_buf())
    } else {
        let name = path.file_name().and_then(|n| n.to_str());
        name.and_then(|name| {
            EXTENSIONS
                .iter()
                .map(|ext| path.with_file_name(format!("{name}.{ext}")))
                .find(|p| p.is_file())
        })
        .or_else(|| js_to_ts(path))
        .or_else(|| {
            if !path.is_dir() {
                return None;
            }
            let main = super::package::read(path).and_then(|p| p.main.clone());
            main.filter(|m| !m.is_empty() && m != "." && m != "./")
                .and_then(|m| find_cjs_file(&path.join(m)))
                .or_else(|| {
                    EXTENSIONS
                        .iter()
                        .map(|ext| path.join(format!("index.{ext}")))
                        .find(|p| p.is_file())
                })
        })
    };
    found.map(|p| std::fs::canonicalize(&p).unwrap_or(p))
}

/// `./x`, `../x`, `.`, `..` or `/abs/x`.
fn is_path_like(specifier: &str) -> bool {
    specifier.starts_with("./")
        || specifier.starts_with("../")
        || specifier.starts_with('/')
        || specifier == "."
        || specifier == ".."
}

/// The URL relative specifiers are resolved against. A script with no name
/// (code evaluated from a string) imports relative to the current directory.
fn referrer_url(referrer: &Path) -> Option<Url> {
    if referrer.as_os_str().is_empty() {
        Url::from_directory_path(std::env::current_dir().ok()?).ok()
    } else if referrer.is_absolute() {
        Url::from_file_path(referrer).ok()
    } else {
        Url::from_file_path(std::env::current_dir().ok()?.join(referrer)).ok()
    }
}

/// Applies the lookups in the module docs to `path`.
fn find_file(path: &Path) -> Option<PathBuf> {
    let found = if path.is_file() {
        Some(path.to_path_buf())
    } else {
        probe_extensions(path)
            .or_else(|| js_to_ts(path))
            .or_else(|| path.is_dir().then(|| probe_index(path)).flatten())
    };
    // Canonical, so that `./a.ts` and a symlink to it are one module.
    found.map(|p| std::fs::canonicalize(&p).unwrap_or(p))
}

fn probe_extensions(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    PROBE_EXTENSIONS
        .iter()
        .map(|ext| path.with_file_name(format!("{name}.{ext}")))
        .find(|p| p.is_file())
}

fn js_to_ts(path: &Path) -> Option<PathBuf> {
    let ts = match path.extension()?.to_str()? {
        "js" => "ts",
        "mjs" => "mts",
        "cjs" => "cts",
        _ => return None,
    };
    Some(path.with_extension(ts)).filter(|p| p.is_file())
}

fn probe_index(dir: &Path) -> Option<PathBuf> {
    INDEX_FILES.iter().map(|f| dir.join(f)).find(|p| p.is_file())
}

/// `/a/b c.ts` → `file:///a/b%20c.ts`. A relative path is taken from the
/// current directory.
pub fn path_to_file_url(path: &Path) -> String {
    let url = if path.is_absolute() {
        Url::from_file_path(path)
    } else {
        std::env::current_dir()
            .map_err(|_| ())
            .and_then(|cwd| Url::from_file_path(cwd.join(path)))
    };
    match url {
        Ok(url) => url.into(),
        // Only a path no URL can express gets here; keep it recognisable.
        Err(()) => format!("file://{}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_like_specifiers() {
        assert!(is_path_like("./a"));
        assert!(is_path_like("../a"));
        assert!(is_path_like("/a"));
        assert!(is_path_like(".."));
        assert!(!is_path_like("a"));
        assert!(!is_path_like(".a"));
        assert!(!is_path_like("@scope/a"));
    }

    #[test]
    fn file_urls_escape_paths() {
        assert_eq!(path_to_file_url(Path::new("/a/b c.ts")), "file:///a/b%20c.ts");
        assert_eq!(path_to_file_url(Path::new("/a/ü.ts")), "file:///a/%C3%BC.ts");
    }

    #[test]
    fn bare_and_other_schemes_are_refused() {
        let r = Path::new("/x/main.ts");
        let e = resolve("lodash", r).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Cannot find package 'lodash' imported from /x/main.ts"),
            "{e}"
        );
        assert!(matches!(
            resolve("@scope/pkg/sub", r),
            Err(ResolveError::Package(NpmError::NotFound { .. }))
        ));
        assert!(matches!(resolve("npm:lodash", r), Err(ResolveError::Bare { .. })));
        let e = resolve("https://example.com/a.ts", r).unwrap_err();
        assert!(
            e.to_string().contains("'https:' imports are not supported"),
            "{e}"
        );
    }
}
