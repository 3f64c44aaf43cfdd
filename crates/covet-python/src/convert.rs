//! Conversions every domain's binding shares.

use covet_core::OutOfMemory;
use pyo3::exceptions::PyMemoryError;
use pyo3::PyResult;

/// A core's allocation failure as CPython's own bare `MemoryError` (what the twin raises),
/// at the binding's edge: `vec_with_capacity(n).or_memory_error()?`.
pub trait OrMemoryError<T> {
    fn or_memory_error(self) -> PyResult<T>;
}

impl<T> OrMemoryError<T> for Result<T, OutOfMemory> {
    #[inline]
    fn or_memory_error(self) -> PyResult<T> {
        self.map_err(|OutOfMemory| PyMemoryError::new_err(()))
    }
}
