//! `escape_html`: markupsafe's escape as a plain `str` (docs/STRINGS.md, "HTML escaping");
//! the escaping is covet-core's `strings::escape`.

use std::borrow::Cow;

use covet_core::strings::escape as core;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyString;

use super::{cow_result, str_from_wtf8, surrogatepass};
use crate::convert::OrMemoryError;
use crate::ffi::string::{new_ascii_with, plain_str};

/// markupsafe's escape as a plain `str`: `&` `<` `>` `'` `"` become `&amp;` `&lt;` `&gt;`
/// `&#39;` `&#34;`; an object with `__html__` gives that (already safe) text; anything else
/// goes through `str()`. A `str` with nothing to escape is returned as it is.
///
/// What comes back from Python code is read only after CPython's own check: `__html__`'s
/// result goes through `str()` (PyObject_Str, which raises "__str__ returned non-string"
/// for a lying `__str__`), exactly as `Markup(s.__html__())` does, so a `__html__` giving
/// bytes or an int is written as `str()` of it, as markupsafe writes it.
#[pyfunction]
pub fn escape_html<'py>(s: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    let py = s.py();
    if let Ok(text) = s.cast_exact::<PyString>() {
        return escape_str(text);
    }
    let html = intern!(py, "__html__");
    if s.hasattr(html)? {
        // What `Markup(s.__html__())` does: a second `__html__` is called, then `str()`.
        let mut safe = s.call_method0(html)?;
        if safe.hasattr(html)? {
            safe = safe.call_method0(html)?;
        }
        return exact_str(&safe.str()?);
    }
    escape_str(&s.str()?)
}

/// Escapes a `str` (or subclass, read as the `str` it holds) into an exact `str`.
fn escape_str<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    if let Ok(utf8) = text.to_str() {
        if utf8.is_ascii() {
            return escape_ascii(text, utf8.as_bytes());
        }
        return cow_result(text, core::escape_html(utf8).or_memory_error()?);
    }
    // A lone surrogate: markupsafe passes it through, so escape the WTF-8 form.
    let wtf8 = surrogatepass(text)?;
    match core::escape_html_bytes(wtf8.as_bytes()).or_memory_error()? {
        Cow::Borrowed(_) => exact_str(text),
        Cow::Owned(bytes) => str_from_wtf8(text.py(), &bytes),
    }
}

/// ASCII text (the common case) escaped straight into a new compact ASCII `str` of the
/// exact size: no intermediate buffer, no UTF-8 decoding.
fn escape_ascii<'py>(text: &Bound<'py, PyString>, bytes: &[u8]) -> PyResult<Bound<'py, PyString>> {
    let len = core::escaped_len(bytes);
    if len == bytes.len() {
        return exact_str(text);
    }
    // SAFETY: escape_into fills the whole `escaped_len` with the escaped ASCII text.
    unsafe { new_ascii_with(text.py(), len, |out| core::escape_into(bytes, out)) }
}

/// The same text as an exact `str` (a subclass such as `Markup` is copied).
fn exact_str<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    if text.is_exact_instance_of::<PyString>() {
        return Ok(text.clone());
    }
    plain_str(text)
}
