//! Allocation that reports failure instead of aborting the process: every JWT buffer whose
//! size follows the input (a token, a segment, a key text, a message quoting part of the
//! input) is made through here, and a failure becomes `MemoryError` at the binding's edge
//! (docs/RELIABILITY.md: nothing aborts with "memory allocation of N bytes failed").

use std::fmt::{self, Write as _};

pub use crate::OutOfMemory;

/// A copy of `bytes`.
pub fn copy(bytes: &[u8]) -> Result<Vec<u8>, OutOfMemory> {
    let mut out = Vec::new();
    out.try_reserve_exact(bytes.len())?;
    out.extend_from_slice(bytes);
    Ok(out)
}

/// A copy of `text`.
pub fn copy_str(text: &str) -> Result<String, OutOfMemory> {
    let mut out = String::new();
    out.try_reserve_exact(text.len())?;
    out.push_str(text);
    Ok(out)
}

/// `String::from_utf8_lossy(bytes)` as an owned string: each maximal invalid sequence
/// (a WTF-8 lone surrogate from a `"\ud800"` escape is three) becomes U+FFFD.
pub fn lossy(bytes: &[u8]) -> Result<String, OutOfMemory> {
    let mut out = String::new();
    out.try_reserve(bytes.len())?;
    for chunk in bytes.utf8_chunks() {
        out.try_reserve(chunk.valid().len() + 3)?;
        out.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
    Ok(out)
}

/// Counts what a `format_args!` writes, without allocating.
struct Counter(usize);

impl fmt::Write for Counter {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.0 = self.0.saturating_add(text.len());
        Ok(())
    }
}

/// `format!` for messages that quote the input: measured first, then written into a string
/// reserved fallibly at that exact size.
pub fn format(args: fmt::Arguments<'_>) -> Result<String, OutOfMemory> {
    let mut counter = Counter(0);
    // Writing to a Counter cannot fail; the Display impls used here do not fail either.
    let _ = counter.write_fmt(args);
    let mut out = String::new();
    out.try_reserve_exact(counter.0)?;
    let _ = out.write_fmt(args);
    Ok(out)
}

/// [`format`] with `format!`'s syntax. Exported (at the crate root, re-exported here) for the
/// binding's messages, which quote the caller's input too.
#[macro_export]
macro_rules! try_format {
    ($($arg:tt)*) => {
        $crate::jwt::fallible::format(format_args!($($arg)*))
    };
}
pub use crate::try_format;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lossy_matches_the_standard_library() {
        for bytes in [
            &b"plain"[..],
            b"\xed\xa0\x80",
            b"a\xffb\xc3",
            b"\xf0\x9f\x98\x80 ok",
            b"",
        ] {
            assert_eq!(lossy(bytes).unwrap(), String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn formats_at_the_exact_size() {
        let name = "a\"b\u{7}";
        let text = try_format!("Algorithm {name:?} is not supported ({})", 12).unwrap();
        assert_eq!(
            text,
            format!("Algorithm {name:?} is not supported ({})", 12)
        );
        assert_eq!(text.capacity(), text.len());
    }

    #[test]
    fn an_impossible_size_is_an_error() {
        let mut out: Vec<u8> = Vec::new();
        assert!(out.try_reserve_exact(usize::MAX).is_err());
        assert_eq!(
            OutOfMemory::from(out.try_reserve(usize::MAX).unwrap_err()),
            OutOfMemory
        );
    }
}
