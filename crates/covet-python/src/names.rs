//! Names of Python types for error messages, shared by every domain's binding.

use pyo3::prelude::*;

/// The type's `__name__`, as Python's own error messages give it ("not int").
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |name| name.to_string())
}
