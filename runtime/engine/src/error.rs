use std::fmt;

use crate::ffi;

/// A JavaScript exception (or a failure to compile), as V8 described it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsError {
    /// `String(exception)`, e.g. "TypeError: x is not a function".
    pub message: String,
    /// The exception's `stack` when it has one.
    pub stack: Option<String>,
    /// The script or module the error points into (its resource name).
    pub resource: Option<String>,
    /// 1-based line and column of the error's position, 0 when unknown.
    pub line: u32,
    pub column: u32,
    /// The source line at that position.
    pub source_line: Option<String>,
    /// True when execution was stopped by `TerminateHandle::terminate`.
    pub terminated: bool,
}

impl fmt::Display for JsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.stack {
            Some(stack) => f.write_str(stack),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for JsError {}

/// Owns the sinks an `ErrorOut` points at while the shim fills them.
#[derive(Default)]
pub(crate) struct ErrorSinks {
    message: Vec<u8>,
    stack: Vec<u8>,
    source_line: Vec<u8>,
    resource: Vec<u8>,
}

impl ErrorSinks {
    pub(crate) fn out(&mut self) -> ffi::ErrorOut {
        ffi::ErrorOut {
            message: ffi::sink(&mut self.message),
            stack: ffi::sink(&mut self.stack),
            source_line: ffi::sink(&mut self.source_line),
            resource: ffi::sink(&mut self.resource),
            line: 0,
            column: 0,
            terminated: 0,
        }
    }

    pub(crate) fn finish(self, out: &ffi::ErrorOut) -> JsError {
        fn opt(v: Vec<u8>) -> Option<String> {
            (!v.is_empty()).then(|| String::from_utf8_lossy(&v).into_owned())
        }
        JsError {
            message: String::from_utf8_lossy(&self.message).into_owned(),
            stack: opt(self.stack),
            resource: opt(self.resource),
            line: out.line.max(0) as u32,
            column: out.column.max(0) as u32,
            source_line: opt(self.source_line),
            terminated: out.terminated != 0,
        }
    }
}
