//! TypeScript / JavaScript / JSON source → JavaScript that V8 10.2 runs, with
//! swc.
//!
//! This file is also compiled into `runtime/build.rs` (through `#[path]`) to
//! turn `ts-lib/*.ts` into the JS embedded in the binary, so it may only use
//! crates that are build-dependencies too, and no `crate::` paths.
//!
//! What the pipeline does, and why:
//! - parse with decorators enabled, only so that a decorator is reported as
//!   "not supported yet" at its own position instead of as a confusing
//!   "unexpected token `@`";
//! - strip import attributes (`with { type: "json" }`, `assert {..}`): V8 10.2
//!   cannot parse `with`, and the loader decides a module's kind from its
//!   file extension anyway;
//! - TypeScript: `resolver` → `typescript` (types, type-only imports,
//!   `enum`, `namespace`, parameter properties) → `hygiene` → `fixer`, the
//!   order swc documents; nothing is downlevelled: every ES2022 feature is
//!   native in V8 10.2, and syntax newer than that is left for V8 to reject
//!   (the loader maps its error position back through the source map);
//! - JSON: validated with serde_json, then `export default JSON.parse("…")`.

use std::fmt;

use swc_common::errors::Handler;
use swc_common::source_map::SourceMapGenConfig;
use swc_common::sync::Lrc;
use swc_common::{BytePos, FileName, Globals, LineCol, Mark, Span, Spanned, GLOBALS};
use swc_ecma_ast::{
    CallExpr, Callee, Decorator, EsVersion, ExportAll, ImportDecl, Module, NamedExport, Program,
};
use swc_ecma_codegen::text_writer::JsWriter;
use swc_ecma_codegen::{Config as CodegenConfig, Emitter};
use swc_ecma_parser::{parse_file_as_module, EsSyntax, Syntax, TsSyntax};
use swc_ecma_transforms_base::{fixer::fixer, hygiene::hygiene, resolver};
use swc_ecma_transforms_typescript::typescript;
use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

/// What kind of source a file holds, decided by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    TypeScript,
    JavaScript,
    Json,
}

impl SourceKind {
    /// `.ts .mts .cts` → TypeScript, `.js .mjs .cjs` → JavaScript, `.json` →
    /// Json; anything else (including `.d.ts`, which holds no code, and
    /// `.tsx`/`.jsx`, as there is no JSX runtime) → None.
    pub fn from_path(path: &str) -> Option<SourceKind> {
        if path.ends_with(".d.ts") || path.ends_with(".d.mts") || path.ends_with(".d.cts") {
            return None;
        }
        let ext = path.rsplit_once('.').map(|(_, e)| e)?;
        if ext.contains('/') {
            return None;
        }
        match ext {
            "ts" | "mts" | "cts" => Some(SourceKind::TypeScript),
            "js" | "mjs" | "cjs" => Some(SourceKind::JavaScript),
            "json" => Some(SourceKind::Json),
            _ => None,
        }
    }
}

/// The JavaScript V8 will run, and how its positions map back to the source.
pub struct Compiled {
    pub code: String,
    /// None for JSON, whose generated code has no useful positions.
    pub source_map: Option<SourceMap>,
}

/// An in-memory source map from generated positions to original ones.
pub struct SourceMap {
    inner: swc_sourcemap::SourceMap,
}

impl SourceMap {
    /// Maps a generated position to the original one. Both are 1-based, and
    /// columns count UTF-16 code units, as V8's do.
    ///
    /// Takes the nearest mapping at or before the position on the same
    /// generated line; a position before the first mapping of its line (V8
    /// may point at leading whitespace) takes that line's first mapping.
    pub fn lookup(&self, line: u32, col: u32) -> Option<(u32, u32)> {
        let target = (line.checked_sub(1)?, col.saturating_sub(1));
        let map = &self.inner;
        let count = map.get_token_count() as usize;
        let dst = |i: usize| map.get_token(i).map(|t| (t.get_dst_line(), t.get_dst_col()));
        // Tokens are sorted by generated position: find the first one after
        // the target.
        let (mut lo, mut hi) = (0, count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if dst(mid)? <= target {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let on_line = |i: usize| dst(i).is_some_and(|(l, _)| l == target.0);
        let idx = if lo > 0 && on_line(lo - 1) {
            lo - 1
        } else if on_line(lo) {
            lo
        } else {
            return None;
        };
        let t = map.get_token(idx)?;
        t.has_source()
            .then(|| (t.get_src_line() + 1, t.get_src_col() + 1))
    }

    /// The map as source-map v3 JSON (for debuggers and `--print-map`-like
    /// tooling).
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        self.inner
            .to_writer(&mut out)
            .expect("writing to a Vec cannot fail");
        String::from_utf8(out).expect("source maps are JSON text")
    }
}

impl fmt::Debug for SourceMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceMap")
            .field("tokens", &self.inner.get_token_count())
            .finish()
    }
}

/// A source that cannot be compiled, at a 1-based line and column (columns
/// count characters) of the original file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// The text of that line, without its line terminator.
    pub source_line: String,
}

impl CompileError {
    /// Builds an error at a 1-based line and column of `source`.
    pub fn at(path: &str, source: &str, line: u32, column: u32, message: impl Into<String>) -> CompileError {
        let source_line = source
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_string();
        CompileError {
            path: path.to_string(),
            line,
            column,
            message: message.into(),
            source_line,
        }
    }

    /// `<path>:<line>:<col>: <message>`, for logs and JS error messages.
    pub fn one_line(&self) -> String {
        format!("{}:{}:{}: {}", self.path, self.line, self.column, self.message)
    }
}

/// rustc's layout: the gutter is as wide as the line number, and the caret
/// line copies the source line's tabs so the caret lines up under them.
impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        let caret_indent: String = self
            .source_line
            .chars()
            .take(self.column.saturating_sub(1) as usize)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(
            f,
            "error: {msg}\n{pad}--> {path}:{line}:{col}\n{pad} |\n{num} | {src}\n{pad} | {caret_indent}^",
            msg = self.message,
            path = self.path,
            line = self.line,
            col = self.column,
            src = self.source_line,
        )
    }
}

impl std::error::Error for CompileError {}

/// Compiles one file. `path` names it in errors and source maps.
pub fn compile(path: &str, source: &str, kind: SourceKind) -> Result<Compiled, CompileError> {
    match kind {
        SourceKind::Json => compile_json(path, source),
        SourceKind::TypeScript | SourceKind::JavaScript => compile_script(path, source, kind),
    }
}

fn compile_json(path: &str, source: &str) -> Result<Compiled, CompileError> {
    let text = source.strip_prefix('\u{feff}').unwrap_or(source);
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        // serde_json counts the column in bytes; report characters.
        let line = e.line() as u32;
        let src_line = text.lines().nth(e.line().saturating_sub(1)).unwrap_or("");
        let col = char_column(src_line, e.column().saturating_sub(1)) + 1;
        let mut message = e.to_string();
        // Drop serde_json's own " at line L column C" suffix: the position
        // is part of the error already.
        if let Some(i) = message.rfind(" at line ") {
            message.truncate(i);
        }
        return Err(CompileError::at(
            path,
            text,
            line,
            col,
            format!("invalid JSON: {message}"),
        ));
    }
    // Not `export default <json>`: in an object literal, a `"__proto__"` key
    // sets the prototype instead of making a property, so the value would
    // differ from JSON's. JSON.parse is exact, and V8 parses JSON faster
    // than the equivalent JS literal. A JSON string is a valid JS string
    // literal (ES2019 allows U+2028/U+2029 in strings).
    let literal = serde_json::to_string(text).expect("a str always serializes");
    Ok(Compiled {
        code: format!("export default JSON.parse({literal});\n"),
        source_map: None,
    })
}

fn compile_script(path: &str, source: &str, kind: SourceKind) -> Result<Compiled, CompileError> {
    let is_ts = kind == SourceKind::TypeScript;
    let cm: Lrc<swc_common::SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Custom(path.to_string())), source.to_string());
    let syntax = if is_ts {
        Syntax::Typescript(TsSyntax {
            decorators: true,
            ..Default::default()
        })
    } else {
        Syntax::Es(EsSyntax {
            decorators: true,
            import_attributes: true,
            explicit_resource_management: true,
            ..Default::default()
        })
    };
    // Positions are computed from the file's text, not with swc's
    // `lookup_char_pos`, which panics on the end-of-file position that
    // "unexpected end of input" errors carry. `fm.src` is the text swc parsed
    // (without a byte order mark), which span offsets count into.
    let error_at = |span: Span, message: String| {
        let offset = (span.lo.0.saturating_sub(fm.start_pos.0) as usize).min(fm.src.len());
        let (line, column) = line_col(&fm.src, offset);
        CompileError::at(path, &fm.src, line, column, message)
    };

    let mut recovered = Vec::new();
    let module = parse_file_as_module(&fm, syntax, EsVersion::latest(), None, &mut recovered)
        .map_err(|e| error_at(e.span(), e.kind().msg().into_owned()))?;
    // swc recovers from some errors (strict-mode violations, misplaced
    // modifiers, ...) and keeps parsing; tsc and V8 reject all of them, so
    // they are errors here too. Report the first in source order.
    if let Some(e) = recovered.iter().min_by_key(|e| e.span().lo) {
        return Err(error_at(e.span(), e.kind().msg().into_owned()));
    }
    if let Some(span) = first_decorator(&module) {
        return Err(error_at(span, "decorators are not supported yet".to_string()));
    }

    let mut program = Program::Module(module);
    program.visit_mut_with(&mut StripImportAttributes);

    // Marks live in `Globals`; a fresh one per file keeps a long-running
    // process from accumulating every file's marks (the resolver makes one
    // per scope). Creating it is a few small allocations.
    let program = if is_ts {
        GLOBALS
            .set(&Globals::new(), || strip_types(program))
            .map_err(|(span, message)| error_at(span, message))?
    } else {
        program
    };

    let mut code = Vec::with_capacity(source.len() + 64);
    let mut mappings: Vec<(BytePos, LineCol)> = Vec::new();
    {
        let mut emitter = Emitter {
            cfg: CodegenConfig::default().with_target(EsVersion::Es2022),
            cm: cm.clone(),
            comments: None,
            wr: JsWriter::new(cm.clone(), "\n", &mut code, Some(&mut mappings)),
        };
        emitter
            .emit_program(&program)
            .map_err(|e| CompileError::at(path, source, 1, 1, format!("cannot generate code: {e}")))?;
    }
    let code = String::from_utf8(code).expect("swc emits UTF-8");
    let map = cm.build_source_map(&mappings, None, MapConfig);
    Ok(Compiled {
        code,
        source_map: Some(SourceMap { inner: map }),
    })
}

/// Runs swc's TypeScript passes (inside `GLOBALS`), returning the first
/// error they report.
fn strip_types(program: Program) -> Result<Program, (Span, String)> {
    let unresolved_mark = Mark::new();
    let top_level_mark = Mark::new();
    let config = typescript::Config {
        // TS's default for an ES2022 target (useDefineForClassFields): class
        // fields stay native fields.
        native_class_properties: true,
        // `import x = require(..)` and `export =` are CommonJS; reject them
        // (TS1202/TS1203) rather than emit a `require` that does not exist.
        import_export_assign_config: typescript::TsImportExportAssignConfig::EsNext,
        ..Default::default()
    };
    // The typescript pass reports such errors through swc's diagnostic
    // handler; capture them instead of printing.
    let diagnostics = CapturedDiagnostics::default();
    let handler = Handler::with_emitter(false, false, Box::new(diagnostics.clone()));
    let program = swc_common::errors::HANDLER.set(&handler, || {
        program
            .apply(resolver(unresolved_mark, top_level_mark, true))
            .apply(typescript::typescript(config, unresolved_mark, top_level_mark))
            .apply(hygiene())
            .apply(fixer(None))
    });
    match diagnostics.first() {
        Some(error) => Err(error),
        None => Ok(program),
    }
}

/// 1-based line and character column of a byte offset in `text`.
fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() as u32 + 1;
    (line, before[line_start..].chars().count() as u32 + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The byte offset `byte` within `line`, as a 0-based character count.
fn char_column(line: &str, byte: usize) -> u32 {
    line[..floor_char_boundary(line, byte)].chars().count() as u32
}

/// The first decorator in source order, if any.
fn first_decorator(module: &Module) -> Option<Span> {
    #[derive(Default)]
    struct Find(Option<Span>);
    impl Visit for Find {
        fn visit_decorator(&mut self, d: &Decorator) {
            let earliest = match self.0 {
                Some(s) => d.span.lo < s.lo,
                None => true,
            };
            if earliest {
                self.0 = Some(d.span);
            }
        }
    }
    let mut find = Find::default();
    module.visit_with(&mut find);
    find.0
}

/// Removes `with { .. }` / `assert { .. }` from static imports and
/// re-exports, and the options argument of `import(x, { with: .. })`.
struct StripImportAttributes;

impl VisitMut for StripImportAttributes {
    fn visit_mut_import_decl(&mut self, n: &mut ImportDecl) {
        n.with = None;
    }

    fn visit_mut_named_export(&mut self, n: &mut NamedExport) {
        n.with = None;
    }

    fn visit_mut_export_all(&mut self, n: &mut ExportAll) {
        n.with = None;
    }

    fn visit_mut_call_expr(&mut self, n: &mut CallExpr) {
        n.visit_mut_children_with(self);
        // Only an object literal is dropped: evaluating it has no effect
        // beyond its own property values, which attributes never need.
        if matches!(n.callee, Callee::Import(_))
            && n.args.len() == 2
            && n.args[1].spread.is_none()
            && n.args[1].expr.is_object()
        {
            n.args.truncate(1);
        }
    }
}

/// Collects swc diagnostics (errors from transforms) instead of printing.
#[derive(Clone, Default)]
struct CapturedDiagnostics(Lrc<std::cell::RefCell<Vec<(Span, String)>>>);

impl CapturedDiagnostics {
    fn first(&self) -> Option<(Span, String)> {
        self.0.borrow().first().cloned()
    }
}

impl swc_common::errors::Emitter for CapturedDiagnostics {
    fn emit(&mut self, db: &mut swc_common::errors::DiagnosticBuilder<'_>) {
        if db.is_error() {
            let span = db.span.primary_span().unwrap_or_default();
            self.0.borrow_mut().push((span, db.message()));
        }
    }
}

/// Source map settings: sources are named by their path, contents are not
/// embedded (the files are on disk), no names table (stack traces only need
/// positions).
struct MapConfig;

impl SourceMapGenConfig for MapConfig {
    fn file_name_to_source(&self, f: &FileName) -> String {
        match f {
            FileName::Custom(s) => s.clone(),
            other => other.to_string(),
        }
    }

    fn inline_sources_content(&self, _: &FileName) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\nçd\r\nxyz";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 5), (2, 2)); // after the 2-byte ç
        assert_eq!(line_col(text, 4), (2, 1)); // inside ç: its start
        assert_eq!(line_col(text, 100), (3, 4)); // past the end: clamped
    }

    #[test]
    fn display_is_rustc_style_and_keeps_tabs_under_the_caret() {
        let e = CompileError::at("/a.ts", "x\n\tlet = 1;\n", 2, 6, "Unexpected token `=`");
        assert_eq!(e.source_line, "\tlet = 1;");
        assert_eq!(
            e.to_string(),
            "error: Unexpected token `=`\n --> /a.ts:2:6\n  |\n2 | \tlet = 1;\n  | \t    ^"
        );
        assert_eq!(e.one_line(), "/a.ts:2:6: Unexpected token `=`");
    }

    #[test]
    fn end_of_input_errors_have_a_position() {
        let e = compile("/e.ts", "function f() {\n  return 1;\n", SourceKind::TypeScript)
            .err()
            .unwrap();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn a_byte_order_mark_does_not_shift_columns() {
        let e = compile("/b.ts", "\u{feff}const x = );\n", SourceKind::TypeScript)
            .err()
            .unwrap();
        assert_eq!((e.line, e.column), (1, 11), "{e}");
        assert_eq!(e.source_line, "const x = );");
        let c = compile("/b.json", "\u{feff}{\"a\": 1}", SourceKind::Json).unwrap();
        assert!(c.code.contains("{\\\"a\\\": 1}"), "{}", c.code);
    }
}
