//! Whether a file is an ES module, CommonJS or JSON, by Node's rules.
//!
//! - `.mjs` and `.mts` are ES modules, `.cjs` and `.cts` CommonJS, `.json`
//!   JSON;
//! - `.js` and `.ts` follow the `type` of the nearest package.json
//!   (`"module"` or `"commonjs"`);
//! - with no `type`, the file decides, as in Node 22: ES module syntax
//!   (`import`/`export` statements, `import.meta`) makes it an ES module.
//!   Otherwise a `.js` inside `node_modules` is CommonJS; the user's own
//!   `.js` and `.ts` files are CommonJS only when they use `require`,
//!   `module`, `exports`, `__dirname` or `__filename`, so a plain script
//!   keeps running as the ES module it always ran as.

use std::path::Path;

use super::cjs_analysis::{analyse, may_have_esm_syntax};
use super::package;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Esm,
    CommonJs,
    Json,
}

/// The format of the file at `path` whose text is `source`.
pub fn format_of(path: &Path, source: &str) -> Format {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext {
        "mjs" | "mts" => return Format::Esm,
        "cjs" | "cts" => return Format::CommonJs,
        "json" => return Format::Json,
        _ => {}
    }
    if let Some(scope) = package::scope_of(path) {
        if scope.is_module() {
            return Format::Esm;
        }
        if scope.is_commonjs() {
            return Format::CommonJs;
        }
    }
    let in_node_modules = is_dependency(path);
    if in_node_modules && ext == "js" && !may_have_esm_syntax(source) {
        return Format::CommonJs;
    }
    let found = analyse(source);
    if found.esm_syntax {
        return Format::Esm;
    }
    if (in_node_modules && ext == "js") || found.cjs_syntax {
        Format::CommonJs
    } else {
        Format::Esm
    }
}

/// Whether the file is inside a `node_modules` folder (a dependency).
pub fn is_dependency(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "node_modules")
}
