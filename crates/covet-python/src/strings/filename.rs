//! `secure_filename`: werkzeug's safe file names (docs/STRINGS.md, "File names"); the rule
//! is covet-core's `strings::filename`.

use covet_core::strings::filename as core;
use pyo3::prelude::*;
use pyo3::types::PyString;

use super::{new_str, str_arg};
use crate::convert::OrMemoryError;

/// werkzeug's `secure_filename`: only `[A-Za-z0-9_.-]` kept, path separators and
/// whitespace to `_`, `._` stripped at the ends; `windows` (default: on Windows) prefixes
/// `_` to device names such as `CON`.
#[pyfunction]
#[pyo3(signature = (filename, /, *, windows=None))]
pub fn secure_filename<'py>(
    filename: &Bound<'py, PyAny>,
    windows: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyString>> {
    let name = str_arg("secure_filename", "filename", filename)?.to_str()?;
    let windows = match windows {
        Some(value) if !value.is_none() => value.is_truthy()?,
        _ => cfg!(windows),
    };
    new_str(
        filename.py(),
        &core::secure_filename(name, windows).or_memory_error()?,
    )
}
