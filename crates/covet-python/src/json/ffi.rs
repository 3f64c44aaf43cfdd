//! Every raw CPython call of the JSON domain that is not a plain refcount or type check:
//! the `bytes` output buffer grown in place, and `str` creation and reading by width.
//! Kept in one file so the unsafe surface is small enough to audit.

use std::os::raw::c_char;
use std::ptr;

use pyo3::ffi;

use covet_core::json::write::{OutOfMemory, Output};

extern "C" {
    // Stable in every CPython this crate supports (3.10 up), but not re-exported by
    // pyo3-ffi. Resizes a bytes object whose only reference we hold; on failure it frees
    // the object, sets `*bytes` to NULL and raises MemoryError.
    fn _PyBytes_Resize(
        bytes: *mut *mut ffi::PyObject,
        new_size: ffi::Py_ssize_t,
    ) -> std::os::raw::c_int;
}

/// An output buffer that *is* the `bytes` object `dumps` returns: it grows by doubling and
/// is shrunk to its length at the end, so the result is never copied.
pub struct BytesBuffer {
    object: *mut ffi::PyObject,
    data: *mut u8,
    len: usize,
    capacity: usize,
}

impl BytesBuffer {
    /// Room for `capacity` bytes to start with; `None` with MemoryError set on failure.
    pub fn with_capacity(capacity: usize) -> Option<Self> {
        // SAFETY: NULL data asks CPython for an uninitialized bytes object of that size.
        let object = unsafe { ffi::PyBytes_FromStringAndSize(ptr::null(), to_ssize(capacity)) };
        if object.is_null() {
            return None;
        }
        let data = unsafe { ffi::PyBytes_AsString(object) }.cast::<u8>();
        Some(Self {
            object,
            data,
            len: 0,
            capacity,
        })
    }

    /// The finished `bytes` object (a new reference), or NULL with MemoryError set.
    pub fn finish(mut self) -> *mut ffi::PyObject {
        let mut object = std::mem::replace(&mut self.object, ptr::null_mut());
        if self.len != self.capacity {
            // SAFETY: we hold the only reference; shrinking also writes the trailing NUL.
            if unsafe { _PyBytes_Resize(&raw mut object, to_ssize(self.len)) } != 0 {
                return ptr::null_mut();
            }
        }
        object
    }

    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: the first `len` bytes were written.
        unsafe { std::slice::from_raw_parts(self.data, self.len) }
    }
}

impl Drop for BytesBuffer {
    fn drop(&mut self) {
        // SAFETY: NULL after `finish` or a failed resize; otherwise our reference.
        unsafe { ffi::Py_XDECREF(self.object) };
    }
}

impl Output for BytesBuffer {
    // Forced inline (here and below): each write of the serializer is a few instructions,
    // and measured with callgrind, a call around them costs more than they do.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn reserve(&mut self, additional: usize) -> Result<(), OutOfMemory> {
        if self.capacity - self.len >= additional {
            return Ok(());
        }
        self.grow(additional)
    }

    #[allow(clippy::inline_always)]
    #[inline(always)]
    unsafe fn extend_reserved(&mut self, bytes: &[u8]) {
        // SAFETY: the caller reserved the room; the regions cannot overlap (the source is
        // never our own buffer).
        unsafe {
            let target = self.data.add(self.len);
            copy_small(bytes, target);
        }
        self.len += bytes.len();
    }
}

impl BytesBuffer {
    #[cold]
    fn grow(&mut self, additional: usize) -> Result<(), OutOfMemory> {
        let needed = self.len.checked_add(additional).ok_or(OutOfMemory)?;
        let capacity = needed.max(self.capacity.saturating_mul(2));
        if isize::try_from(capacity).is_err() {
            return Err(OutOfMemory);
        }
        // SAFETY: we hold the only reference to `object`.
        if unsafe { _PyBytes_Resize(&raw mut self.object, to_ssize(capacity)) } != 0 {
            // `object` is NULL now and MemoryError is set.
            return Err(OutOfMemory);
        }
        self.data = unsafe { ffi::PyBytes_AsString(self.object) }.cast::<u8>();
        self.capacity = capacity;
        Ok(())
    }
}

/// Copies `bytes` to `target`. Most writes of a serializer are a few bytes (separators,
/// numbers, keys), where a call to memcpy costs more than the copy: those are done with
/// two overlapping fixed-size copies instead.
///
/// # Safety
/// `target` is valid for `bytes.len()` bytes and does not overlap `bytes`.
#[allow(clippy::inline_always)]
#[inline(always)]
unsafe fn copy_small(bytes: &[u8], target: *mut u8) {
    let len = bytes.len();
    let source = bytes.as_ptr();
    unsafe {
        match len {
            0 => {}
            1..=3 => {
                *target = *source;
                *target.add(len / 2) = *source.add(len / 2);
                *target.add(len - 1) = *source.add(len - 1);
            }
            4..=8 => {
                let head = source.cast::<u32>().read_unaligned();
                let tail = source.add(len - 4).cast::<u32>().read_unaligned();
                target.cast::<u32>().write_unaligned(head);
                target.add(len - 4).cast::<u32>().write_unaligned(tail);
            }
            9..=16 => {
                let head = source.cast::<u64>().read_unaligned();
                let tail = source.add(len - 8).cast::<u64>().read_unaligned();
                target.cast::<u64>().write_unaligned(head);
                target.add(len - 8).cast::<u64>().write_unaligned(tail);
            }
            17..=32 => {
                let head = source.cast::<u128>().read_unaligned();
                let tail = source.add(len - 16).cast::<u128>().read_unaligned();
                target.cast::<u128>().write_unaligned(head);
                target.add(len - 16).cast::<u128>().write_unaligned(tail);
            }
            _ => ptr::copy_nonoverlapping(source, target, len),
        }
    }
}

fn to_ssize(len: usize) -> ffi::Py_ssize_t {
    // Lengths come from Rust allocations and slices, which never exceed isize::MAX.
    ffi::Py_ssize_t::try_from(len).expect("length fits in Py_ssize_t")
}

/// A new `str` from ASCII bytes, copied straight into a compact ASCII object.
///
/// # Safety
/// Attached to the interpreter; `bytes` is ASCII.
pub unsafe fn str_from_ascii(bytes: &[u8]) -> *mut ffi::PyObject {
    let object = unsafe { ffi::PyUnicode_New(to_ssize(bytes.len()), 127) };
    if !object.is_null() {
        // SAFETY: a compact ASCII object has room for len + 1 bytes after its header.
        unsafe {
            ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                ffi::PyUnicode_DATA(object).cast::<u8>(),
                bytes.len(),
            );
        }
    }
    object
}

/// A new `str` from UTF-8 (with `surrogates`, from WTF-8: lone surrogates kept).
///
/// # Safety
/// Attached to the interpreter.
pub unsafe fn str_from_utf8(bytes: &[u8], surrogates: bool) -> *mut ffi::PyObject {
    let errors = if surrogates {
        c"surrogatepass".as_ptr()
    } else {
        ptr::null()
    };
    unsafe {
        ffi::PyUnicode_DecodeUTF8(
            bytes.as_ptr().cast::<c_char>(),
            to_ssize(bytes.len()),
            errors,
        )
    }
}

/// The UTF-8 text of a `str` (or subclass) without copying: a compact ASCII string's own
/// data, otherwise CPython's cached UTF-8 form. `None`, with the exception cleared, when
/// the string holds a lone surrogate.
///
/// # Safety
/// Attached to the interpreter; `object` is a live `str`, which must outlive the slice.
pub unsafe fn str_utf8<'a>(object: *mut ffi::PyObject) -> Option<&'a [u8]> {
    unsafe {
        // The common case read in place: a compact ASCII string's characters follow its
        // header. (3.14 hides the flags this reads; there the call below does the same.)
        #[cfg(not(Py_3_14))]
        if ffi::PyUnicode_IS_COMPACT_ASCII(object) != 0 {
            let header = object.cast::<ffi::PyASCIIObject>();
            let len = usize::try_from((*header).length).unwrap_or(0);
            return Some(std::slice::from_raw_parts(header.add(1).cast::<u8>(), len));
        }
        let mut len: ffi::Py_ssize_t = 0;
        let data = ffi::PyUnicode_AsUTF8AndSize(object, &raw mut len);
        if data.is_null() {
            ffi::PyErr_Clear();
            return None;
        }
        Some(std::slice::from_raw_parts(
            data.cast::<u8>(),
            usize::try_from(len).unwrap_or(0),
        ))
    }
}

/// Whether compact ASCII `object` holds exactly `bytes`.
///
/// # Safety
/// `object` is a live compact ASCII `str`.
pub unsafe fn ascii_str_equals(object: *mut ffi::PyObject, bytes: &[u8]) -> bool {
    unsafe {
        usize::try_from(ffi::PyUnicode_GET_LENGTH(object)).ok() == Some(bytes.len())
            && std::slice::from_raw_parts(ffi::PyUnicode_DATA(object).cast::<u8>(), bytes.len())
                == bytes
    }
}

/// The value of an int (or subclass) that fits in one CPython digit, read from the object
/// itself; `None` for larger ones. Most ints in JSON documents are such (|v| < 2**30), and
/// this avoids a call and an overflow check per number.
///
/// # Safety
/// `object` is a live `int`. The layouts read are CPython's own: 3.12 and later keep a tag
/// (sign and digit count) after the object header, earlier versions a signed digit count
/// in the variable-size header; the first 30-bit digit follows in both.
#[allow(clippy::inline_always, clippy::cast_ptr_alignment)]
#[inline(always)]
pub unsafe fn one_digit_int(object: *mut ffi::PyObject) -> Option<i64> {
    unsafe {
        #[cfg(Py_3_12)]
        {
            let tag_at = object
                .cast::<u8>()
                .add(std::mem::size_of::<ffi::PyObject>());
            let tag = tag_at.cast::<usize>().read();
            // Compact (at most one digit) below 2 << 3; sign in the low two bits
            // (0 positive, 1 zero, 2 negative).
            if tag < (2 << 3) {
                let digit = tag_at
                    .add(std::mem::size_of::<usize>())
                    .cast::<u32>()
                    .read();
                #[allow(clippy::cast_possible_wrap)]
                let sign = 1 - (tag & 3) as i64;
                return Some(sign * i64::from(digit));
            }
            None
        }
        #[cfg(not(Py_3_12))]
        {
            let size = ffi::Py_SIZE(object);
            if size.abs() <= 1 {
                let digit = object
                    .cast::<u8>()
                    .add(std::mem::size_of::<ffi::PyVarObject>())
                    .cast::<u32>()
                    .read();
                return Some(i64::try_from(size).unwrap_or(0) * i64::from(digit));
            }
            None
        }
    }
}

/// The number of items of a dict (or subclass): its `ma_used`, read without a call. The
/// serializer compares it before each step of a dict it reads live, as dict iterators do.
///
/// # Safety
/// `dict` is a live `dict`; the caller holds its critical section on free-threaded builds.
#[allow(clippy::inline_always)]
#[inline(always)]
pub unsafe fn dict_len(dict: *mut ffi::PyObject) -> ffi::Py_ssize_t {
    // SAFETY: a dict object's layout starts with PyDictObject's public fields.
    unsafe { (*dict.cast::<ffi::PyDictObject>()).ma_used }
}

/// `descriptor.__get__(object, owner)` through the descriptor type's C slot: for the member
/// descriptor of a `__slots__` field this reads the field itself, whatever a subclass of
/// `owner` defines in its place. A new reference, or NULL with an exception set.
///
/// # Safety
/// Attached to the interpreter; all three are live objects.
pub unsafe fn descriptor_get(
    descriptor: *mut ffi::PyObject,
    object: *mut ffi::PyObject,
    owner: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    unsafe {
        match (*ffi::Py_TYPE(descriptor)).tp_descr_get {
            Some(get) => get(descriptor, object, owner),
            // Not a descriptor: the class attribute itself, as attribute lookup gives it.
            None => ffi::Py_NewRef(descriptor),
        }
    }
}
