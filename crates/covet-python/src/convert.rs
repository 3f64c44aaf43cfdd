//! Argument and result conversions every domain's binding shares.

use covet_core::strings::fallible::vec_with_capacity;
use covet_core::OutOfMemory;
use pyo3::exceptions::PyMemoryError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::ffi::containers::{read_dict, read_list, Sequence};

/// An argument whose absence differs from an explicit None (PyO3 maps both to `None` for an
/// `Option`): `algorithm=None` is a TypeError, not HS256; `leeway=None` is a TypeError, not 0;
/// `slugify(entities=None)` means false, not the default true.
pub struct Given<'py>(pub Option<Bound<'py, PyAny>>);

impl<'a, 'py> FromPyObject<'a, 'py> for Given<'py> {
    type Error = PyErr;

    fn extract(value: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Self(Some(value.to_owned())))
    }
}

/// The type's `__name__`, as Python's own error messages give it ("not int").
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |name| name.to_string())
}

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

/// A dict's item: key and value, new references.
pub type Item<'py> = (Bound<'py, PyAny>, Bound<'py, PyAny>);

/// The items of `dict` (a dict or subclass, read through dict itself), in order, copied
/// before anything is done with them: no Python code runs while they are read, and on
/// free-threaded builds the dict's critical section keeps other threads out meanwhile. The
/// caller then works on the copy, so code it runs (a key's `__hash__`, a value's `__str__`)
/// may change the dict without changing what is read, and pyo3's iterator (which panics on a
/// change) is never used.
pub fn dict_items<'py>(dict: &Bound<'py, PyDict>) -> PyResult<Vec<Item<'py>>> {
    read_dict(dict.as_borrowed(), |items| {
        // Room for every item: no allocation while they are read.
        let mut copy = vec_with_capacity(items.len()).or_memory_error()?;
        while let Some(item) = items.next() {
            copy.push(item);
        }
        Ok(copy)
    })
}

/// The items of `list` (a list or subclass, read through list itself), copied as
/// `dict_items` copies a dict's.
pub fn list_items<'py>(list: &Bound<'py, PyList>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    read_list(list.as_borrowed(), |items| {
        let len = items.len();
        let mut copy = vec_with_capacity(len).or_memory_error()?;
        copy.extend((0..len).map_while(|index| items.get(index)));
        Ok(copy)
    })
}
