//! The ES module that stands for a CommonJS module when one is imported.
//!
//! `import x, { a } from "./lib.cjs"` links against a small generated
//! module: it runs the CommonJS module through ts-lib's loader (cjs.ts, so
//! `require` of the same file elsewhere shares one `module.exports`), makes
//! `module.exports` the default export and exports the names static
//! analysis finds (cjs_analysis.rs), following re-exports into the modules
//! they name, as Node does.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::cjs_analysis::analyse;
use super::format::{format_of, Format};
use super::npm_resolve::Mode;
use super::resolve::resolve_as;

/// The facade's source for the CommonJS file `path` (text `source`).
/// `is_main`: the file is the program's entry (`require.main === module`).
pub fn facade_source(path: &Path, source: &str, is_main: bool) -> String {
    let mut names = BTreeSet::new();
    let mut seen = HashSet::new();
    collect_names(path, source, &mut names, &mut seen, 0);
    names.remove("default");
    let path_json = serde_json::to_string(&path.to_string_lossy()).unwrap_or_default();
    let mut out = String::new();
    out.push_str("import { loadForImport } from \"howth:internal/cjs\";\n");
    let _ = writeln!(out, "const m = loadForImport({path_json}, {is_main});");
    out.push_str("export default m;\n");
    let exported: Vec<&String> = names.iter().filter(|n| is_identifier_name(n)).collect();
    for (k, name) in exported.iter().enumerate() {
        let _ = writeln!(out, "const __{k} = m == null ? undefined : m[\"{name}\"];");
    }
    if !exported.is_empty() {
        let list: Vec<String> = exported
            .iter()
            .enumerate()
            .map(|(k, name)| format!("__{k} as {name}"))
            .collect();
        let _ = writeln!(out, "export {{ {} }};", list.join(", "));
    }
    out
}

/// The exported names of a CommonJS file and of what it re-exports.
fn collect_names(
    path: &Path,
    source: &str,
    names: &mut BTreeSet<String>,
    seen: &mut HashSet<PathBuf>,
    depth: u32,
) {
    if depth > 16 || !seen.insert(path.to_path_buf()) {
        return;
    }
    let found = analyse(source);
    names.extend(found.exports);
    for spec in found.reexports {
        let Ok(target) = resolve_as(&spec, path, Mode::Require) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&target) else {
            continue;
        };
        if format_of(&target, &text) == Format::CommonJs {
            collect_names(&target, &text, names, seen, depth + 1);
        }
    }
}

/// An IdentifierName (reserved words allowed: `export { x as delete }` is
/// valid); ASCII only, which is every export name the lexer finds in
/// practice.
fn is_identifier_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c == '$' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c == '$' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facade_exports_found_names() {
        let src = facade_source(
            Path::new("/nowhere/a.js"),
            "exports.a = 1; exports['b-c'] = 2; exports.default = 3;",
            false,
        );
        assert!(src.contains("loadForImport(\"/nowhere/a.js\", false)"), "{src}");
        assert!(src.contains("export { __0 as a };"), "{src}");
        assert!(!src.contains("b-c") && !src.contains("as default"), "{src}");
    }
}
