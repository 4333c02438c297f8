//! Many strings handed to JS in one call: the database ops (postgres.rs,
//! redis.rs) collect a turn's column names, cells and replies here and
//! return them as one array, rather than one V8 call per value.

use howth_engine::CallArgs;

/// UTF-8 strings back to back, and where each ends.
#[derive(Default)]
pub struct StringsOut {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl StringsOut {
    pub fn push(&mut self, s: &[u8]) {
        self.bytes.extend_from_slice(s);
        self.ends.push(self.bytes.len());
    }

    /// Empties the list, keeping the buffers' capacity.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
    }

    /// Returns the strings as a JS array (invalid UTF-8 becomes U+FFFD).
    pub fn return_to(&self, args: &mut CallArgs<'_>) {
        let mut start = 0;
        let items: Vec<&[u8]> = self
            .ends
            .iter()
            .map(|&end| {
                let s = &self.bytes[start..end];
                start = end;
                s
            })
            .collect();
        args.return_strings(&items, false);
    }
}
