//! `str`: reading its UTF-8 in place, making new ones (compact ASCII straight from bytes),
//! and CPython's own codecs where a subclass's methods must not be called.

use std::os::raw::c_char;
use std::ptr::{self, NonNull};

use pyo3::exceptions::PyMemoryError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use pyo3::Borrowed;

use covet_core::json::text::Text;

use super::{ssize, usize_of};

/// The UTF-8 text of a `str` (or subclass) without copying: a compact ASCII string's own
/// data, otherwise CPython's cached UTF-8 form. `None`, with the exception cleared, when
/// the string holds a lone surrogate. The bytes live as long as the object.
#[allow(clippy::inline_always)]
#[inline(always)]
pub fn str_utf8<'a>(text: Borrowed<'a, '_, PyString>) -> Option<&'a [u8]> {
    // The common case read in place.
    if let Some(bytes) = compact_ascii(text) {
        return Some(bytes);
    }
    let object = text.as_ptr();
    // SAFETY: attached; `object` is a live `str`, alive for 'a (the Borrowed's promise), and
    // so is the UTF-8 form CPython caches in it.
    unsafe {
        let mut len: ffi::Py_ssize_t = 0;
        let data = ffi::PyUnicode_AsUTF8AndSize(object, &raw mut len);
        if data.is_null() {
            ffi::PyErr_Clear();
            return None;
        }
        Some(std::slice::from_raw_parts(data.cast::<u8>(), usize_of(len)))
    }
}

/// The characters of a compact ASCII `str` (the common case), read in place: they follow
/// its header. `None` for any other `str`, and on 3.14 and later, whose headers hide the
/// flags this reads (`str_text` and `str_utf8` read those strings).
#[allow(clippy::inline_always)]
#[inline(always)]
pub fn compact_ascii<'a>(text: Borrowed<'a, '_, PyString>) -> Option<&'a [u8]> {
    #[cfg(not(Py_3_14))]
    // SAFETY: attached; a live `str`, alive for 'a (the Borrowed's promise): its flags, and
    // when it is compact ASCII, its `length` bytes after the header, which never change.
    unsafe {
        let object = text.as_ptr();
        if ffi::PyUnicode_IS_COMPACT_ASCII(object) != 0 {
            let header = object.cast::<ffi::PyASCIIObject>();
            let len = usize_of((*header).length);
            return Some(std::slice::from_raw_parts(header.add(1).cast::<u8>(), len));
        }
    }
    #[cfg(Py_3_14)]
    let _ = text;
    None
}

/// The characters of a `str` (or subclass) as CPython stores them (one, two or four bytes
/// each), read in place: no UTF-8 copy is made, and the object does not grow. The slice
/// lives as long as the object.
#[allow(clippy::inline_always)] // `dumps` calls it for every string, key or value
#[inline(always)]
pub fn str_text<'a>(text: Borrowed<'a, '_, PyString>) -> PyResult<Text<'a>> {
    let object = text.as_ptr();
    // SAFETY: attached; `object` is a live `str`, alive for 'a (the Borrowed's promise), and
    // so is its character data, which a `str` never changes once made (after
    // PyUnicode_READY, for the legacy strings of the 3.11 API that may not be ready). The
    // data is aligned to its width and holds `length` units of `kind` bytes.
    unsafe {
        #[cfg(not(Py_3_12))]
        if ffi::PyUnicode_READY(object) != 0 {
            return Err(PyErr::fetch(text.py()));
        }
        let len = usize_of(ffi::PyUnicode_GET_LENGTH(object));
        let data = ffi::PyUnicode_DATA(object);
        Ok(match ffi::PyUnicode_KIND(object) {
            ffi::PyUnicode_1BYTE_KIND => {
                Text::Latin1(std::slice::from_raw_parts(data.cast::<u8>(), len))
            }
            ffi::PyUnicode_2BYTE_KIND => {
                Text::Ucs2(std::slice::from_raw_parts(data.cast::<u16>(), len))
            }
            _ => Text::Ucs4(std::slice::from_raw_parts(data.cast::<u32>(), len)),
        })
    }
}

/// A new `str` from ASCII bytes, copied straight into a compact ASCII object; `None` with
/// MemoryError set when it cannot be allocated.
///
/// # Safety
/// `bytes` is ASCII: a compact ASCII `str` holding anything else breaks CPython's invariants
/// (its UTF-8 form would be read as valid when it is not).
#[inline]
pub unsafe fn new_ascii<'py>(py: Python<'py>, bytes: &[u8]) -> Option<Bound<'py, PyString>> {
    // SAFETY: attached; a new compact ASCII str of that length, or NULL with an exception.
    let object = unsafe { ffi::PyUnicode_New(ssize(bytes.len()), 127) };
    if object.is_null() {
        return None;
    }
    // SAFETY: a new compact ASCII object has room for len + 1 bytes after its header, and
    // the caller promised ASCII; the object is new, unseen by anyone else.
    unsafe {
        ptr::copy_nonoverlapping(
            bytes.as_ptr(),
            ffi::PyUnicode_DATA(object).cast::<u8>(),
            bytes.len(),
        );
        Some(Bound::from_owned_ptr(py, object).cast_into_unchecked())
    }
}

/// A new compact ASCII `str` of `len` characters written by `fill` (the slice starts zeroed).
///
/// # Safety
/// `fill` leaves only ASCII bytes in the slice.
pub unsafe fn new_ascii_with(
    py: Python<'_>,
    len: usize,
    fill: impl FnOnce(&mut [u8]),
) -> PyResult<Bound<'_, PyString>> {
    let size = ffi::Py_ssize_t::try_from(len).map_err(|_| PyMemoryError::new_err(()))?;
    // SAFETY: attached; a new compact ASCII str of `len` characters (or NULL + error).
    let object = unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyUnicode_New(size, 127)) }?;
    // SAFETY: a compact ASCII str of `len` characters has `len` writable bytes of data, not
    // yet seen by anyone else; zeroed before a `&mut [u8]` is made of them, and the caller
    // promised that `fill` leaves ASCII there.
    unsafe {
        let data = ffi::PyUnicode_1BYTE_DATA(object.as_ptr());
        ptr::write_bytes(data, 0, len);
        fill(std::slice::from_raw_parts_mut(data, len));
        Ok(object.cast_into_unchecked())
    }
}

/// A new `str` of `text`: MemoryError, never a panic, when CPython cannot allocate it. ASCII
/// text (the common case) is copied straight into a compact ASCII object.
pub fn new_str<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyString>> {
    if text.is_ascii() {
        // SAFETY: checked just above.
        return unsafe { new_ascii(py, text.as_bytes()) }.ok_or_else(|| PyErr::fetch(py));
    }
    // SAFETY: attached; `text` is UTF-8 of that length; a new str or NULL with an exception.
    unsafe {
        Ok(Bound::from_owned_ptr_or_err(
            py,
            ffi::PyUnicode_FromStringAndSize(text.as_ptr().cast(), ssize(text.len())),
        )?
        .cast_into_unchecked())
    }
}

/// How `decode_utf8` treats bytes that are not UTF-8 (CPython's error handlers).
#[derive(Clone, Copy)]
pub enum Errors {
    /// UnicodeDecodeError.
    Strict,
    /// WTF-8: a lone surrogate's three bytes decode to it (`str.encode`'s `surrogatepass`).
    SurrogatePass,
    /// U+FFFD for each bad sequence.
    Replace,
}

/// `bytes.decode("utf-8", errors)` through CPython's decoder; `None` with the exception set
/// (UnicodeDecodeError, MemoryError).
#[inline]
pub fn decode_utf8<'py>(
    py: Python<'py>,
    bytes: &[u8],
    errors: Errors,
) -> Option<Bound<'py, PyString>> {
    let errors = match errors {
        Errors::Strict => ptr::null(),
        Errors::SurrogatePass => c"surrogatepass".as_ptr(),
        Errors::Replace => c"replace".as_ptr(),
    };
    // SAFETY: attached; `bytes` is readable for its length; the handler is NULL or a C
    // string literal; a new str or NULL with an exception set.
    unsafe {
        let object =
            ffi::PyUnicode_DecodeUTF8(bytes.as_ptr().cast::<c_char>(), ssize(bytes.len()), errors);
        Bound::from_owned_ptr_or_opt(py, object).map(|text| text.cast_into_unchecked())
    }
}

/// `str.encode(text, "utf-8", "surrogatepass")`: the WTF-8 of a `str` (or subclass, read
/// through `str` itself: its `encode` is never called), lone surrogates kept.
pub fn encode_surrogatepass<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyBytes>> {
    // SAFETY: attached; `text` is a live str; the codec and handler names are C string
    // literals; a new reference or NULL with an exception set.
    let encoded = unsafe {
        Bound::from_owned_ptr_or_err(
            text.py(),
            ffi::PyUnicode_AsEncodedString(
                text.as_ptr(),
                c"utf-8".as_ptr(),
                c"surrogatepass".as_ptr(),
            ),
        )?
    };
    // The utf-8 codec is CPython's own, which returns `bytes`; checked all the same.
    Ok(encoded.cast_into::<PyBytes>()?)
}

/// `text` in the file system encoding, as `open()` encodes a str path (CPython's own
/// encoder: a str subclass's `encode` is not called).
#[cfg(unix)]
pub fn encode_fs_default<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyBytes>> {
    // SAFETY: attached; `text` is a str; a new reference to a bytes object, or NULL with an
    // exception set.
    let encoded = unsafe {
        Bound::from_owned_ptr_or_err(text.py(), ffi::PyUnicode_EncodeFSDefault(text.as_ptr()))?
    };
    Ok(encoded.cast_into::<PyBytes>()?)
}

/// The exact `str` of a `str` subclass's characters (`PyUnicode_FromObject`: none of its
/// methods is called); an exact `str` is returned as it is (a new reference).
pub fn plain_str<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    // SAFETY: attached; `text` is a live str; a new exact str or NULL with an exception set.
    unsafe {
        Ok(
            Bound::from_owned_ptr_or_err(text.py(), ffi::PyUnicode_FromObject(text.as_ptr()))?
                .cast_into_unchecked(),
        )
    }
}

/// `first + second`, by `str` itself.
pub fn concat<'py>(
    first: &Bound<'py, PyString>,
    second: &Bound<'py, PyString>,
) -> PyResult<Bound<'py, PyString>> {
    // SAFETY: attached; both are live `str`; a new `str` or NULL with an exception set.
    unsafe {
        Ok(Bound::from_owned_ptr_or_err(
            first.py(),
            ffi::PyUnicode_Concat(first.as_ptr(), second.as_ptr()),
        )?
        .cast_into_unchecked())
    }
}

/// How many characters a `str` (or subclass) holds: its length, not its `__len__`.
#[inline]
pub fn char_count(text: Borrowed<'_, '_, PyString>) -> usize {
    // SAFETY: attached; a live str: its stored length.
    usize_of(unsafe { ffi::PyUnicode_GetLength(text.as_ptr()) })
}

/// The first character of a `str` (or subclass), by its data; `None` when empty.
pub fn first_char(text: Borrowed<'_, '_, PyString>) -> Option<u32> {
    if char_count(text) == 0 {
        return None;
    }
    // SAFETY: attached; a live, non-empty str: index 0 is in range.
    Some(unsafe { ffi::PyUnicode_ReadChar(text.as_ptr(), 0) })
}

/// A compact ASCII `str` with its hash computed, held by a cache that lives as long as the
/// process (`loads`' key cache). It owns one reference, given back by `release` with the
/// interpreter attached; dropped otherwise, the reference is leaked (the string stays alive),
/// never released without the interpreter.
pub struct CachedStr(NonNull<ffi::PyObject>);

// SAFETY: the `str` is immutable; its reference count is only touched by `bind` and
// `release`, which take the interpreter's token.
unsafe impl Send for CachedStr {}

/// Whether `a` and `b`, of one length, hold the same bytes: inline for up to 16 bytes (most
/// keys), where the `bcmp` call of a slice comparison cost more than the compare (3% of
/// twitter.json's `loads` time).
#[allow(clippy::inline_always)] // a few instructions per cached key
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    debug_assert_eq!(a.len(), b.len());
    let len = a.len();
    if len > 16 || len != b.len() {
        return a == b;
    }
    // SAFETY: (the whole body) every read is inside both slices, which have `len` bytes:
    // two overlapping words (or halves) that start at 0 and end at `len`; unaligned reads.
    unsafe {
        let (a, b) = (a.as_ptr(), b.as_ptr());
        if len >= 8 {
            let word = |p: *const u8, at: usize| p.add(at).cast::<u64>().read_unaligned();
            (word(a, 0) ^ word(b, 0)) | (word(a, len - 8) ^ word(b, len - 8)) == 0
        } else if len >= 4 {
            let half = |p: *const u8, at: usize| p.add(at).cast::<u32>().read_unaligned();
            (half(a, 0) ^ half(b, 0)) | (half(a, len - 4) ^ half(b, len - 4)) == 0
        } else if len > 0 {
            // 1 to 3 bytes: the first, the middle and the last are all of them.
            *a == *b && *a.add(len / 2) == *b.add(len / 2) && *a.add(len - 1) == *b.add(len - 1)
        } else {
            true
        }
    }
}

impl CachedStr {
    /// A new compact ASCII `str` of `bytes`, hashed now (the str keeps its hash, so every
    /// dict it goes into reuses it): the cache's reference and one for the caller. `None`
    /// with the exception set when it cannot be made.
    ///
    /// # Safety
    /// `bytes` is ASCII.
    pub unsafe fn new<'py>(py: Python<'py>, bytes: &[u8]) -> Option<(Self, Bound<'py, PyAny>)> {
        // SAFETY: the caller's promise.
        let text = unsafe { new_ascii(py, bytes) }?;
        // SAFETY: attached; a live str. -1 is failure (MemoryError), with the exception set.
        if unsafe { ffi::PyObject_Hash(text.as_ptr()) } == -1 {
            return None;
        }
        let kept = text.clone().into_ptr();
        // SAFETY: the pointer of a live object (a new reference, owned from here on).
        let cached = Self(unsafe { NonNull::new_unchecked(kept) });
        Some((cached, text.into_any()))
    }

    /// Whether the string holds exactly `bytes`.
    #[inline]
    pub fn equals(&self, bytes: &[u8]) -> bool {
        let object = self.0.as_ptr();
        // SAFETY: a live compact ASCII str (made by `new`, kept alive by our reference, never
        // changed): its length and its characters after the header.
        // (The length compared as `Option`: callgrind counted five more instructions per
        // cached key with `usize_of`'s conversion.)
        unsafe {
            usize::try_from(ffi::PyUnicode_GET_LENGTH(object)).ok() == Some(bytes.len())
                && same_bytes(
                    std::slice::from_raw_parts(
                        ffi::PyUnicode_DATA(object).cast::<u8>(),
                        bytes.len(),
                    ),
                    bytes,
                )
        }
    }

    /// A new reference to the string.
    #[inline]
    pub fn bind<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        // SAFETY: attached (the token); our reference keeps the object alive.
        unsafe { Bound::from_borrowed_ptr(py, self.0.as_ptr()) }
    }

    /// Gives the cache's reference back.
    pub fn release(self, py: Python<'_>) {
        // SAFETY: attached (the token); the reference `new` took, released once (`self` is
        // consumed).
        drop(unsafe { Bound::from_owned_ptr(py, self.0.as_ptr()) });
    }
}

#[cfg(test)]
mod tests {
    use super::same_bytes;

    #[test]
    fn same_bytes_is_slice_equality_at_every_length_and_position() {
        for len in 0..40usize {
            let a: Vec<u8> = (b'a'..=b'z').cycle().take(len).collect();
            assert!(same_bytes(&a, &a.clone()), "{len}");
            for at in 0..len {
                let mut b = a.clone();
                b[at] ^= 0x01;
                assert!(!same_bytes(&a, &b), "{len} {at}");
                assert_eq!(same_bytes(&a, &b), a == b);
            }
        }
    }
}
