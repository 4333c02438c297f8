//! `package.json` files, read once per process and kept.
//!
//! Resolution asks for the same few files again and again (every import
//! inside a package reads that package's `type` and `exports`), so each
//! file is parsed once and shared. Only the fields module loading needs are
//! kept. `exports` and `imports` keep their keys in file order, because the
//! first matching condition wins (serde_json's map would sort them).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// A value of `exports` or `imports`: a target path, conditions or subpaths
/// (in file order), alternatives, or `null` (excluded).
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Null,
    Path(String),
    Array(Vec<Target>),
    Map(Vec<(String, Target)>),
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Target, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Target;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, an array, an object or null")
            }
            fn visit_unit<E>(self) -> Result<Target, E> {
                Ok(Target::Null)
            }
            fn visit_none<E>(self) -> Result<Target, E> {
                Ok(Target::Null)
            }
            // Booleans and numbers are invalid targets; treat them as null
            // so one odd field does not make the whole package unreadable.
            fn visit_bool<E>(self, _: bool) -> Result<Target, E> {
                Ok(Target::Null)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Target, E> {
                Ok(Target::Null)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Target, E> {
                Ok(Target::Null)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Target, E> {
                Ok(Target::Null)
            }
            fn visit_str<E>(self, s: &str) -> Result<Target, E> {
                Ok(Target::Path(s.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Target, A::Error> {
                let mut items = Vec::new();
                while let Some(t) = seq.next_element()? {
                    items.push(t);
                }
                Ok(Target::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Target, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Target>()? {
                    entries.push((k, v));
                }
                Ok(Target::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
}

/// The fields of a `package.json` that module loading reads.
#[derive(Debug, Default, Deserialize)]
pub struct PackageJson {
    /// The folder holding the file.
    #[serde(skip)]
    pub dir: PathBuf,
    pub name: Option<String>,
    pub main: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub exports: Option<Target>,
    pub imports: Option<Target>,
}

impl PackageJson {
    /// `"type": "module"`.
    pub fn is_module(&self) -> bool {
        self.kind.as_deref() == Some("module")
    }

    /// `"type": "commonjs"` stated explicitly.
    pub fn is_commonjs(&self) -> bool {
        self.kind.as_deref() == Some("commonjs")
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join("package.json")
    }
}

thread_local! {
    // Per thread, as every isolate (and its loader) lives on one thread.
    static CACHE: RefCell<HashMap<PathBuf, Option<Rc<PackageJson>>>> = RefCell::new(HashMap::new());
}

/// The `package.json` in `dir`, if there is a readable one. A file that is
/// not valid JSON counts as absent, as for Node's format detection.
pub fn read(dir: &Path) -> Option<Rc<PackageJson>> {
    if let Some(hit) = CACHE.with(|c| c.borrow().get(dir).cloned()) {
        return hit;
    }
    let parsed = std::fs::read_to_string(dir.join("package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<PackageJson>(&text).ok())
        .map(|mut p| {
            p.dir = dir.to_path_buf();
            Rc::new(p)
        });
    CACHE.with(|c| c.borrow_mut().insert(dir.to_path_buf(), parsed.clone()));
    parsed
}

/// The nearest `package.json` above `file` (its package scope).
pub fn scope_of(file: &Path) -> Option<Rc<PackageJson>> {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d.file_name().is_some_and(|n| n == "node_modules") {
            return None;
        }
        if let Some(p) = read(d) {
            return Some(p);
        }
        dir = d.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_keep_file_order() {
        let p: PackageJson =
            serde_json::from_str(r#"{"exports":{"node":"./n.js","import":"./i.js","default":null}}"#)
                .unwrap();
        let Some(Target::Map(entries)) = p.exports else {
            panic!()
        };
        let keys: Vec<_> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["node", "import", "default"]);
        assert_eq!(entries[2].1, Target::Null);
    }
}
