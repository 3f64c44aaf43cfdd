//! Python binding for the string helpers: argument checks and conversions only; the work is
//! in covet-core's `strings`.

pub mod case;
pub mod escape;
pub mod filename;
pub mod replace;
pub mod slug;
pub mod url;

use std::borrow::Cow;

use covet_core::strings::fallible::vec_with_capacity;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple, PyType};

pub(crate) use crate::convert::list_items;
use crate::convert::{dict_items, type_name, Item, OrMemoryError};
pub(crate) use crate::ffi::containers::new_pair;
use crate::ffi::containers::{new_list as list_of, read_dict};
pub(crate) use crate::ffi::string::new_str;
use crate::ffi::string::{decode_utf8, encode_surrogatepass, Errors};

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

/// `bytes.decode("utf-8", "surrogatepass")` of WTF-8 (UTF-8 that may encode lone
/// surrogates), straight through CPython's decoder.
pub(crate) fn str_from_wtf8<'py>(py: Python<'py>, wtf8: &[u8]) -> PyResult<Bound<'py, PyString>> {
    decode_utf8(py, wtf8, Errors::SurrogatePass).ok_or_else(|| PyErr::fetch(py))
}

/// `str.encode(text, "utf-8", "surrogatepass")`: the WTF-8 of a `str` holding lone
/// surrogates, read through `str` itself (a subclass's `encode` is never called).
pub(crate) fn surrogatepass<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyBytes>> {
    encode_surrogatepass(text)
}

/// A new empty `dict`.
pub(crate) fn new_dict(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    crate::ffi::containers::new_dict(py, 0).ok_or_else(|| PyErr::fetch(py))
}

/// A new `list` of `items`.
pub(crate) fn new_list<'py>(
    py: Python<'py>,
    mut items: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    list_of(py, items.drain(..)).ok_or_else(|| PyErr::fetch(py))
}

/// `for key, value in dict.items()` of an exact dict, on a copy of its items taken first
/// (`dict_items`): what `f` does to the dict does not change what is read.
pub(crate) fn for_each_item<'py>(
    dict: &Bound<'py, PyDict>,
    mut f: impl FnMut(Bound<'py, PyAny>, Bound<'py, PyAny>) -> PyResult<()>,
) -> PyResult<()> {
    // Most dicts are small: their copy stays on the stack (a heap copy cost the *_keys
    // conversions 9% more instructions on a 50-key API response).
    let mut small: [Option<Item<'py>>; SMALL_DICT] = Default::default();
    if let Some(count) = copy_small_dict(dict, &mut small) {
        for (key, value) in small.iter_mut().take(count).filter_map(Option::take) {
            f(key, value)?;
        }
        return Ok(());
    }
    for (key, value) in dict_items(dict)? {
        f(key, value)?;
    }
    Ok(())
}

/// Dicts of up to this many items are copied on the stack.
const SMALL_DICT: usize = 16;

/// `dict_items` into `small` (how many), or `None` when the dict has more items than fit.
fn copy_small_dict<'py>(
    dict: &Bound<'py, PyDict>,
    small: &mut [Option<Item<'py>>; SMALL_DICT],
) -> Option<usize> {
    read_dict(dict.as_borrowed(), |items| {
        if items.len() > SMALL_DICT {
            return None;
        }
        // No Python code runs while the items are read: the count stays below the length
        // checked just above.
        let mut count = 0;
        while let Some(item) = items.next() {
            *small.get_mut(count)? = Some(item);
            count += 1;
        }
        Some(count)
    })
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

pub(crate) type StrPair<'py> = (Bound<'py, PyString>, Bound<'py, PyString>);

/// The UTF-8 of each `str` (read through `str` itself: a subclass's methods are not
/// called), borrowed.
pub(crate) fn texts<'a>(strings: &'a [Bound<'_, PyString>]) -> PyResult<Vec<&'a str>> {
    let mut out = vec_with_capacity(strings.len()).or_memory_error()?;
    for text in strings {
        out.push(text.to_str()?);
    }
    Ok(out)
}

pub(crate) fn text_pairs<'a>(pairs: &'a [StrPair<'_>]) -> PyResult<Vec<(&'a str, &'a str)>> {
    let mut out = vec_with_capacity(pairs.len()).or_memory_error()?;
    for (first, second) in pairs {
        out.push((first.to_str()?, second.to_str()?));
    }
    Ok(out)
}

/// `collections.abc.Mapping`, imported once.
pub(crate) fn mapping_abc(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static MAPPING: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    MAPPING.import(py, "collections.abc", "Mapping")
}

/// `k, v = item`, as Python unpacks it, with its messages.
pub(crate) fn unpack_pair<'py>(
    item: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let py = item.py();
    if let Ok(tuple) = item.cast_exact::<PyTuple>() {
        if tuple.len() == 2 {
            return Ok((tuple.get_item(0)?, tuple.get_item(1)?));
        }
    }
    let mut values = item.try_iter().map_err(|error| {
        if error.is_instance_of::<PyTypeError>(py) {
            PyTypeError::new_err(format!(
                "cannot unpack non-iterable {} object",
                type_name(item)
            ))
        } else {
            error
        }
    })?;
    let mut next = |got: usize| -> PyResult<Bound<'py, PyAny>> {
        values.next().transpose()?.ok_or_else(|| {
            PyValueError::new_err(format!(
                "not enough values to unpack (expected 2, got {got})"
            ))
        })
    };
    let (key, value) = (next(0)?, next(1)?);
    if values.next().transpose()?.is_some() {
        // From CPython 3.14 the message counts an exact list's, tuple's or dict's items.
        let size = if py.version_info() >= (3, 14) {
            (item.cast_exact::<PyList>().map(PyListMethods::len))
                .or_else(|_| item.cast_exact::<PyTuple>().map(PyTupleMethods::len))
                .or_else(|_| item.cast_exact::<PyDict>().map(PyDictMethods::len))
                .ok()
        } else {
            None
        };
        return Err(PyValueError::new_err(match size {
            Some(size) => format!("too many values to unpack (expected 2, got {size})"),
            None => "too many values to unpack (expected 2)".to_owned(),
        }));
    }
    Ok((key, value))
}

/// `unpack_pair`, its TypeError or ValueError (not iterable, not two items, or raised by the
/// item's own iteration) reported as `wrong()`; anything else propagates unchanged.
pub(crate) fn unpack_pair_or<'py>(
    item: &Bound<'py, PyAny>,
    wrong: &dyn Fn() -> PyErr,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let py = item.py();
    unpack_pair(item).map_err(|error| {
        if error.is_instance_of::<PyTypeError>(py) || error.is_instance_of::<PyValueError>(py) {
            wrong()
        } else {
            error
        }
    })
}
