//! Buffers that grow without aborting. Every string helper's output (and every copy it
//! makes on the way) has a size that follows its input, which a caller controls; Rust's
//! `String` and `Vec` abort the whole process ("memory allocation of N bytes failed") when
//! the allocator refuses them. Here every growth goes through `try_reserve`, so a refusal is
//! an `OutOfMemory` value, which the binding raises as `MemoryError`.
//!
//! The checks cost a comparison where capacity is already there; loops that know their
//! output size reserve it once and push inside it.

pub use crate::OutOfMemory;

/// The result of a step that may run out of memory.
pub type Fallible<T> = Result<T, OutOfMemory>;

/// First allocations of at most this many bytes take the ordinary path: a few pages cannot
/// be what an input exhausts memory with, and `try_reserve` costs ~45 more instructions per
/// allocation (callgrind), which the *_keys conversions pay once per key. Growth past it,
/// and larger first allocations, go through `try_reserve`.
const SMALL_ALLOCATION: usize = 4096;

/// An empty `String` with room for `capacity` bytes.
pub fn string_with_capacity(capacity: usize) -> Fallible<String> {
    if capacity <= SMALL_ALLOCATION {
        return Ok(String::with_capacity(capacity));
    }
    let mut out = String::new();
    out.try_reserve(capacity)?;
    Ok(out)
}

/// An empty `Vec` with room for `capacity` items.
pub fn vec_with_capacity<T>(capacity: usize) -> Fallible<Vec<T>> {
    if capacity.saturating_mul(std::mem::size_of::<T>()) <= SMALL_ALLOCATION {
        return Ok(Vec::with_capacity(capacity));
    }
    let mut out = Vec::new();
    out.try_reserve(capacity)?;
    Ok(out)
}

/// `text.to_owned()`.
pub fn owned(text: &str) -> Fallible<String> {
    let mut out = String::new();
    out.try_reserve_exact(text.len())?;
    out.push_str(text);
    Ok(out)
}

/// `text.replace(from, to)`, Python's `str.replace` (an empty `from` puts `to` before every
/// character and at the end, as Rust's does).
pub fn replace(text: &str, from: &str, to: &str) -> Fallible<String> {
    let mut out = String::new();
    out.try_reserve(text.len())?;
    let mut copied = 0;
    for (at, found) in text.match_indices(from) {
        out.try_push_str(&text[copied..at])?;
        out.try_push_str(to)?;
        copied = at + found.len();
    }
    out.try_push_str(&text[copied..])?;
    Ok(out)
}

/// `String` growth that reports `OutOfMemory` instead of aborting.
pub trait TryPush {
    /// `push(c)`.
    fn try_push(&mut self, c: char) -> Fallible<()>;
    /// `push_str(text)`.
    fn try_push_str(&mut self, text: &str) -> Fallible<()>;
    /// `extend(chars)`.
    fn try_extend(&mut self, chars: impl IntoIterator<Item = char>) -> Fallible<()>;
}

impl TryPush for String {
    #[inline]
    fn try_push(&mut self, c: char) -> Fallible<()> {
        self.try_reserve(c.len_utf8())?;
        self.push(c);
        Ok(())
    }

    #[inline]
    fn try_push_str(&mut self, text: &str) -> Fallible<()> {
        self.try_reserve(text.len())?;
        self.push_str(text);
        Ok(())
    }

    #[inline]
    fn try_extend(&mut self, chars: impl IntoIterator<Item = char>) -> Fallible<()> {
        for c in chars {
            self.try_push(c)?;
        }
        Ok(())
    }
}

/// `Vec` growth that reports `OutOfMemory` instead of aborting.
pub trait TryPushItem<T> {
    /// `push(item)`.
    fn try_push(&mut self, item: T) -> Fallible<()>;
}

impl<T> TryPushItem<T> for Vec<T> {
    #[inline]
    fn try_push(&mut self, item: T) -> Fallible<()> {
        self.try_reserve(1)?;
        self.push(item);
        Ok(())
    }
}

/// `Vec<u8>` growth by slices.
pub trait TryExtendBytes {
    /// `extend_from_slice(bytes)`.
    fn try_extend_bytes(&mut self, bytes: &[u8]) -> Fallible<()>;
}

impl TryExtendBytes for Vec<u8> {
    #[inline]
    fn try_extend_bytes(&mut self, bytes: &[u8]) -> Fallible<()> {
        self.try_reserve(bytes.len())?;
        self.extend_from_slice(bytes);
        Ok(())
    }
}

/// `String::from_utf8_lossy(bytes)` appended to `out`: each maximal invalid subpart becomes
/// one U+FFFD (Python's `errors="replace"` rule too).
pub fn push_utf8_lossy(out: &mut Vec<u8>, bytes: &[u8]) -> Fallible<()> {
    for chunk in bytes.utf8_chunks() {
        out.try_extend_bytes(chunk.valid().as_bytes())?;
        if !chunk.invalid().is_empty() {
            out.try_extend_bytes("\u{FFFD}".as_bytes())?;
        }
    }
    Ok(())
}

/// `String::from_utf8_lossy(bytes)` as an owned `String`.
pub fn utf8_lossy(bytes: &[u8]) -> Fallible<String> {
    let mut out = Vec::new();
    out.try_reserve(bytes.len())?;
    push_utf8_lossy(&mut out, bytes)?;
    Ok(ascii_or_utf8(out))
}

/// Bytes known to be valid UTF-8 as a `String`. The callers build them from `str` slices
/// and whole characters; were that ever wrong, the lossy form is kept rather than a panic.
pub fn ascii_or_utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_is_pythons() {
        assert_eq!(replace("a-b-c", "-", "+").unwrap(), "a+b+c");
        assert_eq!(replace("ab", "", "-").unwrap(), "-a-b-");
        assert_eq!(replace("", "", "-").unwrap(), "-");
        assert_eq!(replace("aaa", "aa", "b").unwrap(), "ba");
    }

    #[test]
    fn lossy_is_stds() {
        for bytes in [
            &b"plain"[..],
            b"\xC3\x28",
            b"\xE0\x80\x41",
            b"\xF0\x9F\x98",
            b"a\xffb\xed\xa0\x80",
        ] {
            assert_eq!(utf8_lossy(bytes).unwrap(), String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn refusals_are_values() {
        let mut text = String::new();
        assert_eq!(
            text.try_reserve(usize::MAX).map_err(OutOfMemory::from),
            Err(OutOfMemory)
        );
        assert_eq!(string_with_capacity(usize::MAX).err(), Some(OutOfMemory));
        assert_eq!(
            vec_with_capacity::<u64>(usize::MAX / 4).err(),
            Some(OutOfMemory)
        );
    }
}
