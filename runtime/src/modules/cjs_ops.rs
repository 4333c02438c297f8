//! The ops behind ts-lib's CommonJS loader (ts-lib/cjs.ts): resolving a
//! `require`, reading the code to wrap, finding a syntax error's position,
//! and `require()` of an ES module or a built-in (loaded here, evaluated by
//! the engine inside the call).

use std::path::Path;

use howth_engine::{CallArgs, Isolate, ModuleId, Modules};
use swc_common::sync::Lrc;
use swc_common::{FileName, Spanned};
use swc_ecma_ast::EsVersion;
use swc_ecma_parser::{parse_file_as_script, EsSyntax, Syntax};

use super::compile::{compile, CompileError, SourceKind};
use super::format::{format_of, Format};
use super::loader::{builtin_module, builtin_names};
use super::npm_resolve::{Mode, NpmError};
use super::resolve::{resolve_as, ResolveError};
use crate::RuntimeState;

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    iso.set_op("moduleResolve", op_module_resolve::<X>);
    iso.set_op("moduleSource", op_module_source::<X>);
    iso.set_op("moduleSyntaxError", op_module_syntax_error::<X>);
    iso.set_op("moduleBuiltins", op_module_builtins::<X>);
    iso.set_module_op("moduleRequireEsm", op_require_esm::<X>);
}

/// `()` → the names of the built-in modules, `fs/promises` style.
fn op_module_builtins<X>(_state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let names = builtin_names();
    let items: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
    args.return_strings(&items, false);
}

/// `(specifier, referrer, asImport)` → `[kind, value]`: `builtin` and the
/// internal module's name; `commonjs`, `module` or `json` and the file's
/// path; or `error:<code>` and the message.
fn op_module_resolve<X>(_state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let specifier = args.string(0);
    let referrer = args.string(1);
    let mode = if args.bool(2) { Mode::Import } else { Mode::Require };
    let (kind, value) = resolve_kind(&specifier, Path::new(&referrer), mode);
    args.return_strings(&[kind.as_bytes(), value.as_bytes()], false);
}

fn resolve_kind(specifier: &str, referrer: &Path, mode: Mode) -> (String, String) {
    match builtin_module(specifier) {
        Some(Ok(name)) => return ("builtin".into(), name.to_string()),
        Some(Err(msg)) => return ("error:ERR_UNKNOWN_BUILTIN_MODULE".into(), msg),
        None => {}
    }
    match resolve_as(specifier, referrer, mode) {
        Ok(path) => {
            let format = match std::fs::read_to_string(&path) {
                Ok(text) => format_of(&path, &text),
                Err(e) => {
                    return (
                        "error:ENOENT".into(),
                        format!("Cannot read {}: {e}", path.display()),
                    )
                }
            };
            let kind = match format {
                Format::CommonJs => "commonjs",
                Format::Esm => "module",
                Format::Json => "json",
            };
            (kind.into(), path.to_string_lossy().into_owned())
        }
        Err(e) => {
            let code = match &e {
                ResolveError::NotFound { .. }
                | ResolveError::Package(NpmError::NotFound { .. })
                | ResolveError::Package(NpmError::Missing { .. })
                    if mode == Mode::Require =>
                {
                    "MODULE_NOT_FOUND"
                }
                other => other.code(),
            };
            (format!("error:{code}"), e.to_string())
        }
    }
}

/// `(path)` → the JavaScript to run as a CommonJS module: the file as it is,
/// or, for TypeScript, compiled by swc (types removed, nothing else).
fn op_module_source<X>(_state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let path = args.string(0);
    let source = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            return args.throw(
                howth_engine::ErrorKind::Error,
                &format!("Cannot read {path}: {e}"),
            )
        }
    };
    let is_ts = path.ends_with(".ts") || path.ends_with(".cts") || path.ends_with(".mts");
    if !is_ts {
        return args.return_str(&source);
    }
    match compile(&path, &source, SourceKind::TypeScript) {
        Ok(c) => args.return_str(&c.code),
        Err(e) => args.throw(howth_engine::ErrorKind::SyntaxError, &e.one_line()),
    }
}

/// `(path)` → `file:line:col: message` for the first syntax error in a
/// CommonJS file (read as a script), or "" when swc finds none. Only called
/// after V8 refused the file, to say where.
fn op_module_syntax_error<X>(_state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let path = args.string(0);
    let Ok(source) = std::fs::read_to_string(&path) else {
        return args.return_str("");
    };
    args.return_str(
        &script_error(&path, &source)
            .map(|e| e.one_line())
            .unwrap_or_default(),
    );
}

fn script_error(path: &str, source: &str) -> Option<CompileError> {
    let cm: Lrc<swc_common::SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Custom(path.to_string())), source.to_string());
    let mut recovered = Vec::new();
    let syntax = Syntax::Es(EsSyntax {
        allow_return_outside_function: true,
        ..Default::default()
    });
    let err = match parse_file_as_script(&fm, syntax, EsVersion::latest(), None, &mut recovered) {
        Err(e) => e,
        Ok(_) => recovered.into_iter().min_by_key(|e| e.span().lo)?,
    };
    let offset = (err.span().lo.0.saturating_sub(fm.start_pos.0) as usize).min(fm.src.len());
    let before = &fm.src[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    Some(CompileError::at(
        path,
        &fm.src,
        line,
        col,
        err.kind().msg().into_owned(),
    ))
}

/// `(name)`: loads the ES module at a path, or the built-in
/// `howth:internal/...`, for `require()`; the engine evaluates it and
/// returns its namespace.
fn op_require_esm<X>(
    state: &mut RuntimeState<X>,
    m: &mut Modules<'_>,
    args: &mut CallArgs<'_>,
) -> Result<ModuleId, String> {
    let name = args.string(0);
    state.loader.load_for_require(m, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_errors_have_positions() {
        let e = script_error("/x/a.js", "var a = 1;\nvar b = ;\n").unwrap();
        assert!(e.one_line().starts_with("/x/a.js:2:9:"), "{}", e.one_line());
        assert!(script_error("/x/a.js", "return 1;").is_none());
    }
}
