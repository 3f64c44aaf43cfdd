//! A held buffer export (PEP 3118) of any object, read as bytes when it is C-contiguous.
//!
//! PyO3's `PyUntypedBuffer::get` refuses buffers without a shape ("shape is null"), which
//! is what a 0-dimensional buffer has by the protocol (a ctypes scalar, a 0-d NumPy array):
//! hashlib hashes those, `loads` reads them, and so do the twins. This holder asks for the
//! same full description (`PyBUF_FULL_RO`) and leaves every judgement to CPython:
//! `PyObject_GetBuffer` calls the exporter (a Python class's `__buffer__` on 3.12+, whose
//! result CPython checks), and `PyBuffer_IsContiguous` decides contiguity.

use std::ffi::c_char;
use std::pin::Pin;

use pyo3::exceptions::PyBufferError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// PyBuffer_IsContiguous's order argument for C (row-major) order.
#[allow(clippy::cast_possible_wrap)] // b'C' is ASCII: the same value as i8 or u8.
const C_ORDER: c_char = b'C' as c_char;

/// A buffer export, released (with the interpreter attached) when dropped: the exporter
/// cannot resize or free the memory while it is held.
pub struct ExportedBuffer {
    // Pinned: an exporter may point `shape` into the Py_buffer itself.
    view: Pin<Box<ffi::Py_buffer>>,
}

// SAFETY: the export is plain memory owned by the exporter until PyBuffer_Release, which
// `drop` calls with the interpreter attached, on whichever thread drops it.
unsafe impl Send for ExportedBuffer {}
// SAFETY: `&ExportedBuffer` only reads the Py_buffer's fields.
unsafe impl Sync for ExportedBuffer {}

impl ExportedBuffer {
    /// Exports `obj`'s buffer, which must be C-contiguous (BufferError otherwise). CPython's
    /// TypeError for an object without a buffer, and whatever the exporter raises, propagate.
    pub fn get_contiguous(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::get_if_contiguous(obj)?
            .ok_or_else(|| PyBufferError::new_err("buffer is not C-contiguous"))
    }

    /// Exports `obj`'s buffer; `None` (the export released) when it is not C-contiguous, so
    /// that every `ExportedBuffer` is, and `bytes` is its whole content. CPython's TypeError
    /// for an object without a buffer, and whatever the exporter raises, propagate.
    pub fn get_if_contiguous(obj: &Bound<'_, PyAny>) -> PyResult<Option<Self>> {
        let mut view = Box::<ffi::Py_buffer>::new_uninit();
        // SAFETY: a valid object and room for a Py_buffer, which PyObject_GetBuffer fills in
        // when it returns 0 (and leaves unexported when it fails).
        let status =
            unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), view.as_mut_ptr(), ffi::PyBUF_FULL_RO) };
        if status != 0 {
            return Err(PyErr::fetch(obj.py()));
        }
        // SAFETY: initialised by the successful PyObject_GetBuffer; from here on `drop`
        // releases it, whatever the checks below decide.
        let view = unsafe { view.assume_init() };
        let export = Self {
            view: Box::into_pin(view),
        };
        // SAFETY: a live, filled-in Py_buffer.
        let contiguous =
            unsafe { ffi::PyBuffer_IsContiguous(&raw const *export.view, C_ORDER) != 0 };
        if !contiguous {
            return Ok(None);
        }
        if export.view.len < 0 || (export.view.len > 0 && export.view.buf.is_null()) {
            return Err(PyBufferError::new_err(
                "the exporter gave an invalid buffer",
            ));
        }
        Ok(Some(export))
    }

    /// The exported bytes.
    pub fn bytes(&self) -> &[u8] {
        let len = self.view.len.unsigned_abs();
        if len == 0 {
            return &[];
        }
        // SAFETY: a C-contiguous export (checked in `get_if_contiguous`) spans `len` bytes from
        // `buf`, valid and unmoved while the export is held, which outlives the borrow of
        // `self`.
        unsafe { std::slice::from_raw_parts(self.view.buf.cast::<u8>(), len) }
    }
}

impl Drop for ExportedBuffer {
    fn drop(&mut self) {
        // As PyO3's own buffers: without an interpreter (finalized), there is nothing left to
        // release.
        let _ = Python::try_attach(|_| {
            // SAFETY: the export made in `get`, released once; the Py_buffer is not moved.
            unsafe { ffi::PyBuffer_Release(&raw mut *Pin::get_unchecked_mut(self.view.as_mut())) };
        });
    }
}

/// What keeps a Python object's bytes valid and unmoved while a thread without the
/// interpreter reads them. Held for its drop only (never read).
pub enum BytesOwner {
    /// Immutable; the reference keeps it alive.
    Bytes(#[allow(dead_code)] Py<PyBytes>),
    /// A held export: the object cannot be resized or released until it is dropped.
    Buffer(#[allow(dead_code)] ExportedBuffer),
}

/// The bytes of a `bytes` object or of a buffer export, readable on any thread (the
/// awaitable forms hash them on a worker) for as long as the owner is held.
pub struct HeldBytes {
    owner: Option<BytesOwner>,
    data: *const u8,
    len: usize,
}

// SAFETY: the pointer is into memory that `owner` keeps alive and unmoved (a `bytes`
// object's storage, or an export that cannot be resized while held), and it is only read
// while `owner` is there; both owner types are Send.
unsafe impl Send for HeldBytes {}

impl HeldBytes {
    /// The storage of a `bytes` object.
    pub fn of_bytes(bytes: Bound<'_, PyBytes>) -> Self {
        let slice = bytes.as_bytes();
        let (data, len) = (slice.as_ptr(), slice.len());
        Self {
            owner: Some(BytesOwner::Bytes(bytes.unbind())),
            data,
            len,
        }
    }

    /// The bytes of an export.
    pub fn of_export(buffer: ExportedBuffer) -> Self {
        let slice = buffer.bytes();
        let (data, len) = (slice.as_ptr(), slice.len());
        Self {
            owner: Some(BytesOwner::Buffer(buffer)),
            data,
            len,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The bytes (none once the owner was given up).
    pub fn as_slice(&self) -> &[u8] {
        if self.owner.is_none() || self.len == 0 {
            return &[];
        }
        // SAFETY: `data` and `len` came from a slice of the memory `owner` keeps alive and
        // unmoved, and the owner is still held.
        unsafe { std::slice::from_raw_parts(self.data, self.len) }
    }

    /// Gives up the owner, for its release where the interpreter allows it; the bytes are
    /// not readable afterwards.
    pub fn release(&mut self) -> Option<BytesOwner> {
        self.len = 0;
        self.owner.take()
    }
}
