//! Argument types shared by the bindings of every domain.

use pyo3::prelude::*;

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
