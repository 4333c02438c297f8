//! howth
