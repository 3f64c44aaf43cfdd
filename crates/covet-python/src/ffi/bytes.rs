//! `bytes` and `bytearray`: `dumps`' output buffer, which *is* the `bytes` object it returns,
//! and a bytearray's bytes copied under its lock.

use std::ptr;

use pyo3::exceptions::PyMemoryError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::critical_section::with_critical_section;
use pyo3::types::{PyByteArray, PyBytes};

use super::ssize;
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
///
/// Invariants: `object` is a bytes object of `capacity` bytes that only this buffer
/// references, whose data starts at `data`, its first `len` bytes written; or, after a
/// failed resize or `finish`, NULL with nothing to read (`len` and `capacity` 0). The `Python<'py>` token ties it to the attached thread: it cannot be
/// sent to a thread without the interpreter (its `Drop` releases the object).
pub struct BytesBuffer<'py> {
    py: Python<'py>,
    object: *mut ffi::PyObject,
    data: *mut u8,
    len: usize,
    capacity: usize,
}

impl<'py> BytesBuffer<'py> {
    /// Room for `capacity` bytes to start with.
    pub fn with_capacity(py: Python<'py>, capacity: usize) -> PyResult<Self> {
        // SAFETY: attached; NULL data asks CPython for an uninitialized bytes object of that
        // size, a new reference or NULL with an exception set.
        let object = unsafe { ffi::PyBytes_FromStringAndSize(ptr::null(), ssize(capacity)) };
        if object.is_null() {
            return Err(PyErr::fetch(py));
        }
        // SAFETY: a live bytes object: its data pointer.
        let data = unsafe { ffi::PyBytes_AsString(object) }.cast::<u8>();
        Ok(Self {
            py,
            object,
            data,
            len: 0,
            capacity,
        })
    }

    /// The finished `bytes` object, or MemoryError.
    pub fn finish(mut self) -> PyResult<Bound<'py, PyBytes>> {
        let py = self.py;
        let mut object = std::mem::replace(&mut self.object, ptr::null_mut());
        if object.is_null() {
            // A resize failed: its MemoryError is set.
            return Err(PyErr::fetch(py));
        }
        if self.len != self.capacity {
            if keeps_its_room(self.len, self.capacity) {
                // SAFETY: we hold the only reference to a bytes object of `capacity >= len`
                // bytes plus its NUL: a shorter size and a NUL at the new end stay inside its
                // allocation, and nothing has read its size or hash yet.
                unsafe {
                    (*object.cast::<ffi::PyVarObject>()).ob_size = ssize(self.len);
                    *self.data.add(self.len) = 0;
                }
            // SAFETY: we hold the only reference; shrinking also writes the trailing NUL. On
            // failure the object is freed and `object` set to NULL.
            } else if unsafe { _PyBytes_Resize(&raw mut object, ssize(self.len)) } != 0 {
                return Err(PyErr::fetch(py));
            }
        }
        // SAFETY: a bytes object whose only reference is handed over to the result.
        unsafe { Ok(Bound::from_owned_ptr(py, object).cast_into_unchecked()) }
    }

    /// What was written so far.
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: `data` is non-null and the first `len` bytes there were written (the
        // invariants); the object lives as long as `self`.
        unsafe { std::slice::from_raw_parts(self.data, self.len) }
    }

    #[cold]
    fn grow(&mut self, additional: usize) -> Result<(), OutOfMemory> {
        if self.object.is_null() {
            return Err(OutOfMemory);
        }
        let needed = self.len.checked_add(additional).ok_or(OutOfMemory)?;
        let capacity = needed.max(self.capacity.saturating_mul(2));
        if isize::try_from(capacity).is_err() {
            return Err(OutOfMemory);
        }
        // SAFETY: attached (the token); we hold the only reference to `object`.
        if unsafe { _PyBytes_Resize(&raw mut self.object, ssize(capacity)) } != 0 {
            // `object` is NULL now and MemoryError is set: nothing is left to read.
            self.data = ptr::NonNull::dangling().as_ptr();
            self.len = 0;
            self.capacity = 0;
            return Err(OutOfMemory);
        }
        // SAFETY: the resized, live bytes object: its (maybe moved) data.
        self.data = unsafe { ffi::PyBytes_AsString(self.object) }.cast::<u8>();
        self.capacity = capacity;
        Ok(())
    }
}

/// The smallest buffer that malloc may give a mapping of its own (glibc's lowest mmap
/// threshold; the threshold then rises to the size of the mapped blocks freed).
const MAPPED_FROM: usize = 128 * 1024;

/// Whether a finished buffer keeps its unused room instead of being shrunk to its length:
/// when it is large enough to be a mapping of its own and at most half of it is unused.
///
/// Shrinking such a buffer is what made large outputs slow: glibc frees the shrunk block,
/// which is smaller than the buffer the next `dumps` of the same size grows to, so its mmap
/// threshold never rises past that buffer, and every call maps fresh pages and takes a page
/// fault per 4 KiB written. Measured on a 1.86 MB output: 456 faults and 770 us per call
/// (orjson, which never shrinks: none, 47 us); on outputs from 200 KB to 10 MB, 0.05-0.06x
/// orjson's time whenever the doubling landed that way. Kept whole, the freed block raises
/// the threshold, later buffers come from the heap, and its pages are reused. The price is
/// memory: a result of 64 KiB or more may hold up to twice its length until it is freed
/// (no more than the call's peak). A result with more than half unused (a reservation for
/// escapes or wide text that the text did not need) is shrunk anyway.
const fn keeps_its_room(len: usize, capacity: usize) -> bool {
    capacity >= MAPPED_FROM && capacity - len <= len
}

impl Drop for BytesBuffer<'_> {
    fn drop(&mut self) {
        // SAFETY: attached (the token); NULL after `finish` or a failed resize, otherwise our
        // reference.
        unsafe { ffi::Py_XDECREF(self.object) };
    }
}

impl Output for BytesBuffer<'_> {
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
        // SAFETY: the caller reserved the room (`len + bytes.len() <= capacity`); the
        // regions cannot overlap (the source is never our own buffer).
        unsafe {
            let target = self.data.add(self.len);
            copy_small(bytes, target);
        }
        self.len += bytes.len();
    }

    #[allow(clippy::inline_always)]
    #[inline(always)]
    unsafe fn tail(&mut self) -> *mut u8 {
        // SAFETY: `len <= capacity`: within (or one past) the object's data.
        unsafe { self.data.add(self.len) }
    }

    #[allow(clippy::inline_always)]
    #[inline(always)]
    unsafe fn commit(&mut self, count: usize) {
        self.len += count;
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
    // SAFETY: every read is within `bytes` (offsets below `len`, the widths chosen by the
    // length range) and every write within `target`'s `len` bytes (the caller's promise);
    // unaligned reads and writes are used throughout.
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

/// What a `bytes` object of n bytes costs beyond n: its header and the trailing NUL.
/// CPython refuses (OverflowError "byte string is too large") a length that would push the
/// total past `PY_SSIZE_T_MAX`.
pub const fn bytes_object_overhead() -> usize {
    std::mem::offset_of!(ffi::PyBytesObject, ob_sval) + 1
}

/// The bytes of a `bytearray` (or subclass), copied (MemoryError, not an abort, when the
/// copy cannot be allocated): reading them in place would leave them open to a resize by
/// code that runs meanwhile.
pub fn bytearray_copy(bytes: &Bound<'_, PyByteArray>) -> PyResult<Vec<u8>> {
    with_critical_section(bytes, || {
        // SAFETY: attached, and on free-threaded builds the bytearray's critical section
        // is held; no Python code runs while the slice is read (pyo3's own `to_vec` does
        // the same, with an allocation that cannot fail softly).
        let data = unsafe { bytes.as_bytes() };
        let mut copy = Vec::new();
        copy.try_reserve_exact(data.len())
            .map_err(|_| PyMemoryError::new_err(()))?;
        copy.extend_from_slice(data);
        Ok(copy)
    })
}
