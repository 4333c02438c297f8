//! howth-loop
