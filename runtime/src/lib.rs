//! howth-runtime
