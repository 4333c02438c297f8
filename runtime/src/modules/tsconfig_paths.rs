//! tsconfig `paths` and `baseUrl` for the user's own files, as Bun applies
//! them: `import { db } from "@/db"` with `"paths": { "@/*": ["./src/*"] }`.
//!
//! The nearest `tsconfig.json` above the importing file counts (never for
//! files inside `node_modules`: packages resolve by Node's rules only), with
//! what it `extends` (relative paths). The file may hold comments and
//! trailing commas, as tsc allows.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// One `paths` entry: the pattern and its targets.
type PathsEntry = (String, Vec<String>);

/// The resolution settings of one tsconfig (after `extends`).
#[derive(Debug, Default)]
struct Settings {
    /// Folder `paths` targets are relative to.
    paths_base: PathBuf,
    /// `paths` in file order: (pattern, targets).
    paths: Vec<PathsEntry>,
    base_url: Option<PathBuf>,
}

thread_local! {
    static CACHE: RefCell<HashMap<PathBuf, Option<Rc<Settings>>>> = RefCell::new(HashMap::new());
}

/// The file a bare `specifier` names through the tsconfig over `referrer`,
/// if any mapping applies and names an existing file.
pub fn resolve(specifier: &str, referrer: &Path) -> Option<PathBuf> {
    if referrer.components().any(|c| c.as_os_str() == "node_modules") {
        return None;
    }
    let settings = nearest(referrer.parent()?)?;
    // (prefix length, the entry, what its `*` matched)
    let mut best: Option<(usize, &PathsEntry, &str)> = None;
    for entry in &settings.paths {
        let pattern = &entry.0;
        match pattern.split_once('*') {
            None if pattern == specifier => {
                best = Some((usize::MAX, entry, ""));
                break;
            }
            Some((pre, post))
                if specifier.len() >= pre.len() + post.len()
                    && specifier.starts_with(pre)
                    && specifier.ends_with(post)
                    && best.is_none_or(|(len, _, _)| pre.len() > len) =>
            {
                best = Some((
                    pre.len(),
                    entry,
                    &specifier[pre.len()..specifier.len() - post.len()],
                ));
            }
            _ => {}
        }
    }
    if let Some((_, (_, targets), star)) = best {
        for t in targets {
            let path = settings.paths_base.join(t.replace('*', star));
            if let Some(found) = super::resolve::find_cjs_file(&path) {
                return Some(found);
            }
        }
    }
    let base = settings.base_url.as_ref()?;
    super::resolve::find_cjs_file(&base.join(specifier))
}

/// The settings of the nearest tsconfig.json at or above `dir`.
fn nearest(dir: &Path) -> Option<Rc<Settings>> {
    if let Some(hit) = CACHE.with(|c| c.borrow().get(dir).cloned()) {
        return hit;
    }
    let file = dir.join("tsconfig.json");
    let found = if file.is_file() {
        load(&file, 0).map(Rc::new)
    } else {
        dir.parent().and_then(nearest)
    };
    CACHE.with(|c| c.borrow_mut().insert(dir.to_path_buf(), found.clone()));
    found
}

/// Reads one tsconfig and what it extends (up to a few levels).
fn load(file: &Path, depth: u32) -> Option<Settings> {
    let text = std::fs::read_to_string(file).ok()?;
    let json: serde_json::Value = serde_json::from_str(&strip_jsonc(&text)).ok()?;
    let dir = file.parent()?;
    let mut settings = match json.get("extends").and_then(|e| e.as_str()) {
        Some(parent) if depth < 8 && (parent.starts_with('.') || parent.starts_with('/')) => {
            let mut p = dir.join(parent);
            if p.extension().is_none() {
                p.set_extension("json");
            }
            load(&p, depth + 1).unwrap_or_default()
        }
        _ => Settings::default(),
    };
    let options = json.get("compilerOptions");
    if let Some(base) = options.and_then(|o| o.get("baseUrl")).and_then(|b| b.as_str()) {
        settings.base_url = Some(dir.join(base));
    }
    if let Some(paths) = options.and_then(|o| o.get("paths")).and_then(|p| p.as_object()) {
        // `paths` are relative to baseUrl when there is one, else to the
        // tsconfig that declares them.
        settings.paths_base = settings.base_url.clone().unwrap_or_else(|| dir.to_path_buf());
        settings.paths = paths
            .iter()
            .map(|(k, v)| {
                let targets = v
                    .as_array()
                    .map(|a| a.iter().filter_map(|t| t.as_str().map(String::from)).collect())
                    .unwrap_or_default();
                (k.clone(), targets)
            })
            .collect();
    } else if settings.paths_base.as_os_str().is_empty() {
        settings.paths_base = dir.to_path_buf();
    }
    Some(settings)
}

/// JSON with comments and trailing commas → JSON.
fn strip_jsonc(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(b.len());
                out.extend_from_slice(&b[start..i]);
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b',' => {
                let next = b[i + 1..].iter().find(|c| !c.is_ascii_whitespace());
                if !matches!(next, Some(b'}') | Some(b']')) {
                    out.push(b',');
                }
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_becomes_json() {
        let text = "{ // c\n \"a\": \"x//y\", /* b */ \"b\": [1, 2,], }";
        let v: serde_json::Value = serde_json::from_str(&strip_jsonc(text)).unwrap();
        assert_eq!(v["a"], "x//y");
        assert_eq!(v["b"].as_array().unwrap().len(), 2);
    }
}
