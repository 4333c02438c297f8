//! What static analysis finds in a JavaScript file, by the rules Node uses
//! (its cjs-module-lexer), without running it:
//!
//! - the names a CommonJS module exports, so `import { a } from "cjs"`
//!   works: `exports.a =`, `module.exports.a =`, `exports["a"] =`,
//!   `Object.defineProperty(exports, "a", ...)`, `module.exports = { a, b:
//!   .., "c": .. }`, and `__esModule`;
//! - the modules it re-exports: `module.exports = require("x")`,
//!   `...require("x")` inside that object literal, and the helpers
//!   TypeScript and Babel emit (`__exportStar(require("x"), exports)`,
//!   `__export(require("x"))`);
//! - whether it uses ES module syntax (`import`/`export` statements,
//!   `import.meta`), which makes a `.js` file with no package `type` an ES
//!   module, as in Node 22.
//!
//! It is a tokenizer, not a parser: strings, templates, comments and regular
//! expressions are skipped so that their contents are never taken for code,
//! and the patterns above are matched over the tokens.

use std::borrow::Cow;
use std::collections::BTreeSet;

/// Tokens borrow from the source (a string is only copied when it has
/// escapes): a large CommonJS file has a hundred thousand of them.
#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    Ident(&'a str),
    Str(Cow<'a, str>),
    Punct(u8),
    /// Numbers, templates, regular expressions: nothing to match inside.
    Other,
}

/// The findings for one file.
#[derive(Debug, Default, PartialEq)]
pub struct Analysis {
    /// Named exports (without `default`), sorted.
    pub exports: BTreeSet<String>,
    /// Specifiers of re-exported modules, in source order.
    pub reexports: Vec<String>,
    /// `import`/`export` statements or `import.meta`.
    pub esm_syntax: bool,
    /// `require`, `module`, `exports`, `__dirname` or `__filename` in use.
    pub cjs_syntax: bool,
}

/// Analyses `source` (see the module docs).
pub fn analyse(source: &str) -> Analysis {
    let toks = tokenize(source);
    let mut a = Analysis::default();
    let ident = |i: usize, name: &str| matches!(toks.get(i), Some(Tok::Ident(n)) if *n == name);
    let punct = |i: usize, c: u8| toks.get(i) == Some(&Tok::Punct(c));
    let mut depth = 0i32;
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Punct(b'{') | Tok::Punct(b'(') | Tok::Punct(b'[') => depth += 1,
            Tok::Punct(b'}') | Tok::Punct(b')') | Tok::Punct(b']') => depth -= 1,
            Tok::Ident(name) => {
                let after_dot = i > 0 && punct(i - 1, b'.');
                if !after_dot {
                    match *name {
                        "import" => {
                            // `import.meta` anywhere; an import statement at
                            // the top level (not `import(...)`).
                            let meta = punct(i + 1, b'.') && ident(i + 2, "meta");
                            let statement = depth == 0
                                && matches!(
                                    toks.get(i + 1),
                                    Some(Tok::Ident(_))
                                        | Some(Tok::Str(_))
                                        | Some(Tok::Punct(b'{'))
                                        | Some(Tok::Punct(b'*'))
                                );
                            a.esm_syntax |= meta || statement;
                        }
                        "export" if depth == 0 => {
                            if matches!(
                                toks.get(i + 1),
                                Some(Tok::Ident(_)) | Some(Tok::Punct(b'{')) | Some(Tok::Punct(b'*'))
                            ) {
                                a.esm_syntax = true;
                            }
                        }
                        "require" if punct(i + 1, b'(') => a.cjs_syntax = true,
                        "__dirname" | "__filename" => a.cjs_syntax = true,
                        "module" if punct(i + 1, b'.') && ident(i + 2, "exports") => {
                            a.cjs_syntax = true;
                            exports_member(&toks, i + 3, &mut a);
                        }
                        "exports" => {
                            a.cjs_syntax |= punct(i + 1, b'.') || punct(i + 1, b'[');
                            exports_member(&toks, i + 1, &mut a);
                        }
                        "Object"
                            if punct(i + 1, b'.') && ident(i + 2, "defineProperty") && punct(i + 3, b'(') =>
                        {
                            // Object.defineProperty(exports | module.exports, "name", ...)
                            let mut k = i + 4;
                            if ident(k, "module") && punct(k + 1, b'.') && ident(k + 2, "exports") {
                                k += 3;
                            } else if ident(k, "exports") {
                                k += 1;
                            } else {
                                i += 1;
                                continue;
                            }
                            if punct(k, b',') {
                                if let Some(Tok::Str(s)) = toks.get(k + 1) {
                                    a.exports.insert(s.to_string());
                                }
                            }
                        }
                        "__exportStar" | "__export" | "_exportStar" if punct(i + 1, b'(') => {
                            if let Some(spec) = require_call(&toks, i + 2) {
                                a.reexports.push(spec);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    a.exports.remove("default");
    a
}

/// False when `source` cannot have ES module syntax: neither `import` nor
/// `export` appears in it as a word. A quick scan that spares most
/// CommonJS files the tokenizer when only their format is asked; true
/// says nothing (the word may be in a string or a comment).
pub fn may_have_esm_syntax(source: &str) -> bool {
    let b = source.as_bytes();
    let ident = |c: u8| c == b'_' || c == b'$' || c.is_ascii_alphanumeric() || c >= 0x80;
    ["import", "export"].iter().any(|word| {
        source.match_indices(word).any(|(at, _)| {
            let before = at.checked_sub(1).map(|k| b[k]);
            let after = b.get(at + word.len()).copied();
            !before.is_some_and(ident) && !after.is_some_and(ident)
        })
    })
}

/// After `exports` or `module.exports` at `i`: `.name =`, `["name"] =`, or
/// (for module.exports) `= { ... }` / `= require("x")`.
fn exports_member(toks: &[Tok<'_>], i: usize, a: &mut Analysis) {
    let punct = |k: usize, c: u8| toks.get(k) == Some(&Tok::Punct(c));
    match toks.get(i) {
        Some(Tok::Punct(b'.')) => {
            if let Some(Tok::Ident(name)) = toks.get(i + 1) {
                if punct(i + 2, b'=') && !punct(i + 3, b'=') {
                    a.exports.insert(name.to_string());
                }
            }
        }
        Some(Tok::Punct(b'[')) => {
            if let Some(Tok::Str(name)) = toks.get(i + 1) {
                if punct(i + 2, b']') && punct(i + 3, b'=') && !punct(i + 4, b'=') {
                    a.exports.insert(name.to_string());
                }
            }
        }
        Some(Tok::Punct(b'=')) if !punct(i + 1, b'=') => {
            if let Some(spec) = require_call(toks, i + 1) {
                a.reexports.push(spec);
            } else if punct(i + 1, b'{') {
                object_literal(toks, i + 2, a);
            }
        }
        _ => {}
    }
}

/// `require("x")` at `i`: the specifier.
fn require_call(toks: &[Tok<'_>], i: usize) -> Option<String> {
    match (toks.get(i), toks.get(i + 1), toks.get(i + 2), toks.get(i + 3)) {
        (Some(Tok::Ident(r)), Some(Tok::Punct(b'(')), Some(Tok::Str(s)), Some(Tok::Punct(b')')))
            if *r == "require" =>
        {
            Some(s.to_string())
        }
        _ => None,
    }
}

/// The keys of `{ a, b: x, "c": y, ...require("d") }` from just after `{`;
/// stops at the first entry it cannot read, as cjs-module-lexer does.
fn object_literal(toks: &[Tok<'_>], mut i: usize, a: &mut Analysis) {
    loop {
        let key = match toks.get(i) {
            Some(Tok::Ident(k)) => k.to_string(),
            Some(Tok::Str(k)) => k.to_string(),
            Some(Tok::Punct(b'.')) if toks.get(i + 1) == Some(&Tok::Punct(b'.')) => {
                // `...require("x")`
                match require_call(toks, i + 3) {
                    Some(spec) if toks.get(i + 2) == Some(&Tok::Punct(b'.')) => {
                        a.reexports.push(spec);
                        i += 7;
                        match toks.get(i) {
                            Some(Tok::Punct(b',')) => {
                                i += 1;
                                continue;
                            }
                            _ => return,
                        }
                    }
                    _ => return,
                }
            }
            _ => return,
        };
        match toks.get(i + 1) {
            Some(Tok::Punct(b',')) => {
                a.exports.insert(key);
                i += 2;
            }
            Some(Tok::Punct(b'}')) => {
                a.exports.insert(key);
                return;
            }
            Some(Tok::Punct(b':')) => {
                a.exports.insert(key);
                // Skip the value: one token (an identifier or literal), as
                // the lexer only reads simple values, or a balanced group.
                let mut k = i + 2;
                let mut depth = 0;
                while let Some(t) = toks.get(k) {
                    match t {
                        Tok::Punct(b'(') | Tok::Punct(b'[') | Tok::Punct(b'{') => depth += 1,
                        Tok::Punct(b')') | Tok::Punct(b']') => depth -= 1,
                        Tok::Punct(b'}') if depth == 0 => return,
                        Tok::Punct(b'}') => depth -= 1,
                        Tok::Punct(b',') if depth == 0 => break,
                        _ => {}
                    }
                    k += 1;
                }
                i = k + 1;
            }
            _ => return,
        }
    }
}

/// Keywords after which a `/` starts a regular expression.
const REGEX_AFTER: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

fn tokenize(src: &str) -> Vec<Tok<'_>> {
    let b = src.as_bytes();
    let mut toks: Vec<Tok> = Vec::with_capacity(b.len() / 6);
    // Open template literals' brace depth, to return into the template
    // after `${ ... }`.
    let mut template_stack: Vec<u32> = Vec::new();
    let mut brace_depth: u32 = 0;
    let mut i = 0;
    // A `#!` line at the start is not code.
    if b.starts_with(b"#!") {
        while i < b.len() && b[i] != b'\n' {
            i += 1;
        }
    }
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
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
            b'\'' | b'"' => {
                let (s, end) = string(src, i);
                toks.push(Tok::Str(s));
                i = end;
            }
            b'`' => {
                i = template(b, i + 1, &mut template_stack, brace_depth);
                toks.push(Tok::Other);
            }
            b'/' => {
                let regex = match toks.last() {
                    None => true,
                    Some(Tok::Punct(p)) => !matches!(p, b')' | b']' | b'}'),
                    Some(Tok::Ident(k)) => REGEX_AFTER.contains(k),
                    _ => false,
                };
                if regex {
                    i = regex_end(b, i + 1);
                    toks.push(Tok::Other);
                } else {
                    toks.push(Tok::Punct(b'/'));
                    i += 1;
                }
            }
            b'{' => {
                brace_depth += 1;
                toks.push(Tok::Punct(c));
                i += 1;
            }
            b'}' => {
                if template_stack.last() == Some(&brace_depth) {
                    template_stack.pop();
                    i = template(b, i + 1, &mut template_stack, brace_depth);
                    toks.push(Tok::Other);
                    continue;
                }
                brace_depth = brace_depth.saturating_sub(1);
                toks.push(Tok::Punct(c));
                i += 1;
            }
            b'0'..=b'9' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                    i += 1;
                }
                toks.push(Tok::Other);
            }
            _ if c == b'_' || c == b'$' || c.is_ascii_alphabetic() || c >= 0x80 => {
                let start = i;
                while i < b.len()
                    && (b[i] == b'_' || b[i] == b'$' || b[i].is_ascii_alphanumeric() || b[i] >= 0x80)
                {
                    i += 1;
                }
                toks.push(Tok::Ident(&src[start..i]));
            }
            _ => {
                toks.push(Tok::Punct(c));
                i += 1;
            }
        }
    }
    toks
}

/// A quoted string from its opening quote: its value (simple escapes) and
/// the offset after it. Borrowed from the source unless it has escapes.
fn string(src: &str, start: usize) -> (Cow<'_, str>, usize) {
    let b = src.as_bytes();
    let q = b[start];
    let mut i = start + 1;
    while i < b.len() && b[i] != q && b[i] != b'\n' && b[i] != b'\\' {
        i += 1;
    }
    if b.get(i) != Some(&b'\\') {
        // Quotes and newlines are ASCII, so both ends are char boundaries.
        return (Cow::Borrowed(&src[start + 1..i]), (i + 1).min(b.len()));
    }
    let mut out = b[start + 1..i].to_vec();
    while i < b.len() && b[i] != q && b[i] != b'\n' {
        if b[i] == b'\\' && i + 1 < b.len() {
            out.push(b[i + 1]);
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    (
        Cow::Owned(String::from_utf8_lossy(&out).into_owned()),
        (i + 1).min(b.len()),
    )
}

/// Skips template text from `i` to the closing backtick or a `${`; for the
/// latter records where the substitution's braces end.
fn template(b: &[u8], mut i: usize, stack: &mut Vec<u32>, depth: u32) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => return i + 1,
            b'$' if b.get(i + 1) == Some(&b'{') => {
                stack.push(depth);
                return i + 2;
            }
            _ => i += 1,
        }
    }
    i
}

/// The offset after a regular expression literal whose body starts at `i`.
fn regex_end(b: &[u8], mut i: usize) -> usize {
    let mut class = false;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                i += 1;
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                return i;
            }
            b'\n' => return i,
            _ => {}
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(src: &str) -> Vec<String> {
        analyse(src).exports.into_iter().collect()
    }

    #[test]
    fn exports_assignments() {
        assert_eq!(
            names("exports.a = 1; module.exports.b = 2; exports['c'] = 3; exports.d == 4;"),
            ["a", "b", "c"]
        );
        assert_eq!(
            names("Object.defineProperty(exports, '__esModule', { value: true }); Object.defineProperty(exports, \"e\", {get})"),
            ["__esModule", "e"]
        );
    }

    #[test]
    fn object_literal_exports() {
        let a =
            analyse("module.exports = { a, b: function () { return {x:1} }, 'c': 3, ...require('./d'), e };");
        assert_eq!(a.exports.into_iter().collect::<Vec<_>>(), ["a", "b", "c", "e"]);
        assert_eq!(a.reexports, ["./d"]);
        assert!(analyse("module.exports = require('./x')").reexports == ["./x"]);
        assert!(analyse("__exportStar(require(\"./y\"), exports)").reexports == ["./y"]);
    }

    #[test]
    fn strings_comments_regexes_and_templates_are_not_code() {
        let a = analyse("var s = 'exports.a = 1'; // exports.b = 2\n/* exports.c = 3 */ var r = /exports.d = 4/; var t = `exports.e = ${ {x: 1}.x } exports.f = 5`;");
        assert!(a.exports.is_empty(), "{:?}", a.exports);
        assert!(!a.esm_syntax);
    }

    #[test]
    fn the_quick_scan_only_rules_out_files_without_the_words() {
        assert!(!may_have_esm_syntax(
            "module.exports = require('./exports'); exports.imports = 1; reimport(); exported();"
        ));
        assert!(may_have_esm_syntax("import x from 'y'"));
        assert!(may_have_esm_syntax("x;export{a}"));
        assert!(may_have_esm_syntax("import.meta.url"));
        // A word in a comment is enough to need the tokenizer.
        assert!(may_have_esm_syntax("// export me\nmodule.exports = 1"));
        for src in [
            "import x from 'y';",
            "export const a = 1;",
            "console.log(import.meta.url)",
        ] {
            assert!(may_have_esm_syntax(src) && analyse(src).esm_syntax, "{src}");
        }
    }

    #[test]
    fn escaped_strings_are_unescaped() {
        assert_eq!(
            names(r#"exports["a\"b"] = 1; exports['c\'d'] = 2; exports["é"] = 3;"#),
            ["a\"b", "c'd", "é"]
        );
    }

    #[test]
    fn esm_syntax_detected() {
        assert!(analyse("import x from 'y';").esm_syntax);
        assert!(analyse("import {x} from 'y';").esm_syntax);
        assert!(analyse("export const a = 1;").esm_syntax);
        assert!(analyse("console.log(import.meta.url)").esm_syntax);
        assert!(
            !analyse("const m = import('x'); obj.import = 1; function f() { return x.export }").esm_syntax
        );
        assert!(analyse("const x = require('y'); module.exports = x;").cjs_syntax);
    }
}
