//! The datetime C API: type checks for `date`, `time` and `datetime`, which read the types
//! the `datetime` module's capsule exports.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::Borrowed;

/// Proof that the datetime C API capsule was imported, so that its type checks have the
/// types to read (without it they would read through NULL).
#[derive(Clone, Copy)]
pub struct DateTimeApi(());

/// Imports the datetime C API capsule (once per process; later calls only check it).
pub fn datetime_api(py: Python<'_>) -> PyResult<DateTimeApi> {
    // SAFETY: attached; imports the capsule and publishes its pointer, idempotently.
    unsafe { ffi::PyDateTime_IMPORT() };
    // SAFETY: reads the pointer the import set (NULL with an exception if it failed).
    if unsafe { ffi::PyDateTimeAPI() }.is_null() {
        return Err(PyErr::fetch(py));
    }
    Ok(DateTimeApi(()))
}

// The checks read nothing of the value itself: it is the proof that the API is there.
#[allow(clippy::unused_self)]
impl DateTimeApi {
    /// Whether `object` is a `date` (or subclass; `datetime` is one).
    #[inline]
    pub fn is_date(self, object: Borrowed<'_, '_, PyAny>) -> bool {
        // SAFETY: the API is imported (this value's proof); `object` is live.
        unsafe { ffi::PyDate_Check(object.as_ptr()) != 0 }
    }

    /// Whether `object` is a `time` (or subclass).
    #[inline]
    pub fn is_time(self, object: Borrowed<'_, '_, PyAny>) -> bool {
        // SAFETY: the API is imported (this value's proof); `object` is live.
        unsafe { ffi::PyTime_Check(object.as_ptr()) != 0 }
    }

    /// Whether `object` is a `datetime` (or subclass).
    #[inline]
    pub fn is_datetime(self, object: Borrowed<'_, '_, PyAny>) -> bool {
        // SAFETY: the API is imported (this value's proof); `object` is live.
        unsafe { ffi::PyDateTime_Check(object.as_ptr()) != 0 }
    }
}
