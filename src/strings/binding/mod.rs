//! Python binding for the string helpers: argument checks and conversions only; the work is
//! in the pure cores one folder up.

pub mod case;
pub mod text;
pub mod url;

use std::borrow::Cow;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::names::type_name;

/// The contract's wording for a wrong argument type (docs/STRINGS.md, "Argument errors"):
/// `slugify() argument 'text' must be str, not bytes`.
pub(crate) fn wrong_type(
    function: &str,
    argument: &str,
    expected: &str,
    value: &Bound<'_, PyAny>,
) -> PyErr {
    PyTypeError::new_err(format!(
        "{function}() argument '{argument}' must be {expected}, not {}",
        type_name(value)
    ))
}

/// `str` argument or the contract's TypeError.
pub(crate) fn str_arg<'a, 'py>(
    function: &str,
    argument: &str,
    value: &'a Bound<'py, PyAny>,
) -> PyResult<&'a Bound<'py, PyString>> {
    value
        .cast::<PyString>()
        .map_err(|_| wrong_type(function, argument, "str", value))
}

/// A new `str` holding `text`; ASCII (the common case for every helper's output) is copied
/// straight into a compact ASCII object, skipping the UTF-8 decoder.
pub(crate) fn new_str<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyString>> {
    if text.is_ascii() {
        // SAFETY: attached to the interpreter (we hold `py`); `text` is ASCII.
        let object = unsafe { crate::json::ffi::str_from_ascii(text.as_bytes()) };
        // SAFETY: a new reference or NULL with an exception set.
        let any = unsafe { Bound::from_owned_ptr_or_err(py, object) }?;
        // SAFETY: PyUnicode_New made a str.
        return Ok(unsafe { any.cast_into_unchecked::<PyString>() });
    }
    Ok(PyString::new(py, text))
}

/// The result of a core that borrows when nothing changed: the caller's own object then
/// (when it is an exact `str`; a subclass is copied into a plain `str`), else a new `str`.
pub(crate) fn cow_result<'py>(
    input: &Bound<'py, PyString>,
    result: Cow<'_, str>,
) -> PyResult<Bound<'py, PyString>> {
    match result {
        Cow::Borrowed(text) if input.is_exact_instance_of::<PyString>() => {
            // A borrowed result is the whole input or a part of it; only the whole is the
            // input object.
            if input.to_str().is_ok_and(|whole| whole.len() == text.len()) {
                return Ok(input.clone());
            }
            new_str(input.py(), text)
        }
        Cow::Borrowed(text) => new_str(input.py(), text),
        Cow::Owned(text) => new_str(input.py(), &text),
    }
}
