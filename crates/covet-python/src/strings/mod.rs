//! Python binding for the string helpers: argument checks and conversions only; the work is
//! in covet-core's `strings`.

pub mod case;
pub mod text;
pub mod url;

use std::borrow::Cow;

use pyo3::exceptions::{PyMemoryError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::critical_section::with_critical_section;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple};

use crate::convert::OrMemoryError;
use crate::names::type_name;
use covet_core::strings::fallible::vec_with_capacity;

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

/// A new reference from a CPython constructor, or its exception (a `MemoryError` when it
/// could not allocate): never pyo3's panic on NULL.
///
/// # Safety
/// Attached to the interpreter; `object` is a new reference or NULL with an exception set.
unsafe fn owned_or_err(py: Python<'_>, object: *mut ffi::PyObject) -> PyResult<Bound<'_, PyAny>> {
    // SAFETY: the caller's promise.
    unsafe { Bound::from_owned_ptr_or_err(py, object) }
}

/// A new `str` holding `text`; ASCII (the common case for every helper's output) is copied
/// straight into a compact ASCII object, skipping the UTF-8 decoder. `MemoryError` when it
/// cannot be allocated.
pub(crate) fn new_str<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyString>> {
    let object = if text.is_ascii() {
        // SAFETY: attached to the interpreter (we hold `py`); `text` is ASCII.
        unsafe { crate::json::ffi::str_from_ascii(text.as_bytes()) }
    } else {
        let size = ffi::Py_ssize_t::try_from(text.len()).map_err(|_| PyMemoryError::new_err(()))?;
        // SAFETY: attached; `text` is valid UTF-8 of `size` bytes.
        unsafe { ffi::PyUnicode_FromStringAndSize(text.as_ptr().cast(), size) }
    };
    // SAFETY: both constructors return a new `str` or NULL with an exception set.
    unsafe { Ok(owned_or_err(py, object)?.cast_into_unchecked::<PyString>()) }
}

/// `bytes.decode("utf-8", "surrogatepass")` of WTF-8 (UTF-8 that may encode lone
/// surrogates), straight through CPython's decoder.
pub(crate) fn str_from_wtf8<'py>(py: Python<'py>, wtf8: &[u8]) -> PyResult<Bound<'py, PyString>> {
    let size = ffi::Py_ssize_t::try_from(wtf8.len()).map_err(|_| PyMemoryError::new_err(()))?;
    // SAFETY: attached; `wtf8` is `size` readable bytes; the error handler name is a C
    // string literal.
    let object =
        unsafe { ffi::PyUnicode_DecodeUTF8(wtf8.as_ptr().cast(), size, c"surrogatepass".as_ptr()) };
    // SAFETY: PyUnicode_DecodeUTF8 returns a new `str` or NULL with an exception set.
    unsafe { Ok(owned_or_err(py, object)?.cast_into_unchecked::<PyString>()) }
}

/// `str.encode(text, "utf-8", "surrogatepass")`: the WTF-8 of a `str` holding lone
/// surrogates, read through `str` itself (a subclass's `encode` is never called).
pub(crate) fn surrogatepass<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyBytes>> {
    // SAFETY: attached; `text` is a live `str` (or subclass, read as its base); the codec
    // and handler names are C string literals.
    let object = unsafe {
        ffi::PyUnicode_AsEncodedString(text.as_ptr(), c"utf-8".as_ptr(), c"surrogatepass".as_ptr())
    };
    // SAFETY: a new reference or NULL with an exception set.
    let encoded = unsafe { owned_or_err(text.py(), object) }?;
    // The utf-8 codec is CPython's own, which returns `bytes`; checked all the same.
    Ok(encoded.cast_into::<PyBytes>()?)
}

/// A new empty `dict`.
pub(crate) fn new_dict(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    // SAFETY: attached; PyDict_New returns a new dict or NULL with an exception set.
    unsafe { Ok(owned_or_err(py, ffi::PyDict_New())?.cast_into_unchecked::<PyDict>()) }
}

/// A new `list` of `items`.
pub(crate) fn new_list<'py>(
    py: Python<'py>,
    items: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let len = ffi::Py_ssize_t::try_from(items.len()).map_err(|_| PyMemoryError::new_err(()))?;
    // SAFETY: attached; PyList_New returns a new list of `len` NULL slots or NULL with an
    // exception set.
    let list = unsafe { owned_or_err(py, ffi::PyList_New(len))? };
    for (at, item) in (0..len).zip(items) {
        // SAFETY: `list` is new, unseen by any other code (nothing runs in this loop), and
        // `at` < `len`; SET_ITEM steals the reference `into_ptr` gives up.
        unsafe { ffi::PyList_SET_ITEM(list.as_ptr(), at, item.into_ptr()) };
    }
    // SAFETY: PyList_New made a list.
    Ok(unsafe { list.cast_into_unchecked::<PyList>() })
}

/// A new `(first, second)` tuple.
pub(crate) fn new_pair<'py>(
    first: Bound<'py, PyAny>,
    second: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    let py = first.py();
    // SAFETY: attached; a new tuple of two NULL slots or NULL with an exception set.
    let tuple = unsafe { owned_or_err(py, ffi::PyTuple_New(2))? };
    // SAFETY: the tuple is new and unseen; SET_ITEM steals the two references.
    unsafe {
        ffi::PyTuple_SET_ITEM(tuple.as_ptr(), 0, first.into_ptr());
        ffi::PyTuple_SET_ITEM(tuple.as_ptr(), 1, second.into_ptr());
    }
    // SAFETY: PyTuple_New made a tuple.
    Ok(unsafe { tuple.cast_into_unchecked::<PyTuple>() })
}

/// The items of an exact `dict`, copied before anything is done with them: no Python code
/// runs while they are read (PyDict_Next, new references), and on free-threaded builds
/// the dict's critical section keeps other threads out meanwhile. The caller then works on
/// the copy, so code it runs (a key's `__hash__`, a value's `__str__`) may change the dict
/// without changing what is read, and pyo3's iterator (which panics on a change) is never
/// used.
pub(crate) fn dict_items<'py>(
    dict: &Bound<'py, PyDict>,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    let py = dict.py();
    with_critical_section(dict, || {
        let mut items = vec_with_capacity(dict.len()).or_memory_error()?;
        let mut position: ffi::Py_ssize_t = 0;
        let mut key: *mut ffi::PyObject = std::ptr::null_mut();
        let mut value: *mut ffi::PyObject = std::ptr::null_mut();
        // SAFETY: attached, `dict` is a live dict, locked against other threads; the
        // borrowed key and value become owned references at once, and no Python code runs
        // in this loop (the Vec has room for every item: no allocation either).
        while unsafe {
            ffi::PyDict_Next(
                dict.as_ptr(),
                &raw mut position,
                &raw mut key,
                &raw mut value,
            )
        } != 0
        {
            // SAFETY: PyDict_Next gave two live borrowed references.
            let item = unsafe {
                (
                    Bound::from_borrowed_ptr(py, key),
                    Bound::from_borrowed_ptr(py, value),
                )
            };
            items.push(item);
        }
        Ok(items)
    })
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

type Item<'py> = (Bound<'py, PyAny>, Bound<'py, PyAny>);

/// Dicts of up to this many items are copied on the stack.
const SMALL_DICT: usize = 16;

/// `dict_items` into `small` (how many), or `None` when the dict has more items than fit.
fn copy_small_dict<'py>(
    dict: &Bound<'py, PyDict>,
    small: &mut [Option<Item<'py>>; SMALL_DICT],
) -> Option<usize> {
    let py = dict.py();
    with_critical_section(dict, || {
        if dict.len() > SMALL_DICT {
            return None;
        }
        let mut count = 0;
        let mut position: ffi::Py_ssize_t = 0;
        let mut key: *mut ffi::PyObject = std::ptr::null_mut();
        let mut value: *mut ffi::PyObject = std::ptr::null_mut();
        // SAFETY: as in `dict_items`: attached, the dict locked against other threads, no
        // Python code run in this loop, borrowed references made owned at once; `count`
        // stays below the dict's length, checked above under the same lock.
        while unsafe {
            ffi::PyDict_Next(
                dict.as_ptr(),
                &raw mut position,
                &raw mut key,
                &raw mut value,
            )
        } != 0
        {
            let slot = small.get_mut(count)?;
            // SAFETY: PyDict_Next gave two live borrowed references.
            *slot = Some(unsafe {
                (
                    Bound::from_borrowed_ptr(py, key),
                    Bound::from_borrowed_ptr(py, value),
                )
            });
            count += 1;
        }
        Some(count)
    })
}

/// The items of an exact `list`, copied as `dict_items` copies a dict's.
pub(crate) fn list_items<'py>(list: &Bound<'py, PyList>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let py = list.py();
    with_critical_section(list, || {
        let len = list.len();
        let mut items = vec_with_capacity(len).or_memory_error()?;
        for at in 0..len {
            let at = ffi::Py_ssize_t::try_from(at).unwrap_or(ffi::Py_ssize_t::MAX);
            // SAFETY: attached, `list` is a live list of `len` items, locked against other
            // threads, and no Python code runs in this loop: `at` is in bounds and its slot
            // holds a live reference, which becomes an owned one.
            items.push(unsafe {
                Bound::from_borrowed_ptr(py, ffi::PyList_GET_ITEM(list.as_ptr(), at))
            });
        }
        Ok(items)
    })
}

/// The bytes of a `bytearray` (or subclass), copied: reading them in place would leave them
/// open to a resize by code that runs meanwhile.
pub(crate) fn bytearray_copy(bytes: &Bound<'_, PyByteArray>) -> PyResult<Vec<u8>> {
    with_critical_section(bytes, || {
        // SAFETY: attached, and on free-threaded builds the bytearray's critical section
        // is held; no Python code runs while the slice is read (pyo3's own `to_vec` does
        // the same, with an allocation that cannot fail softly).
        let data = unsafe { bytes.as_bytes() };
        let mut copy = vec_with_capacity(data.len()).or_memory_error()?;
        copy.extend_from_slice(data);
        Ok(copy)
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
