//! `transliterate` and `slugify` (python-slugify's pipeline, deunicode transliteration;
//! docs/STRINGS.md, "Slugs"); the work is covet-core's `strings::slug` and
//! `strings::translit`.

use covet_core::strings::fallible::{vec_with_capacity, TryPushItem};
use covet_core::strings::slug::{self as core, SlugOptions};
use covet_core::strings::translit;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyInt, PyString};

use super::{cow_result, new_str, str_arg, text_pairs, texts, unpack_pair_or, wrong_type, StrPair};
use crate::convert::{Given, OrMemoryError};
use crate::ffi::number::int_value;

/// ASCII transliteration with the deunicode table (characters without an entry are
/// dropped). ASCII text is returned as it is.
#[pyfunction]
pub fn transliterate<'py>(text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    let text = str_arg("transliterate", "text", text)?;
    cow_result(
        text,
        translit::transliterate(text.to_str()?).or_memory_error()?,
    )
}

/// python-slugify's `slugify` (its default pipeline, deunicode transliteration).
#[pyfunction]
#[pyo3(
    signature = (
        text, /, *, entities=Given(None), decimal=Given(None), hexadecimal=Given(None),
        max_length=Given(None), word_boundary=Given(None), save_order=Given(None),
        separator=Given(None), stopwords=Given(None), replacements=Given(None),
        lowercase=Given(None), allow_unicode=Given(None)
    ),
    text_signature = "(text, /, *, entities=True, decimal=True, hexadecimal=True, \
        max_length=0, word_boundary=False, save_order=False, separator='-', stopwords=(), \
        replacements=(), lowercase=True, allow_unicode=False)"
)]
#[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
pub fn slugify<'py>(
    text: &Bound<'py, PyAny>,
    entities: Given<'py>,
    decimal: Given<'py>,
    hexadecimal: Given<'py>,
    max_length: Given<'py>,
    word_boundary: Given<'py>,
    save_order: Given<'py>,
    separator: Given<'py>,
    stopwords: Given<'py>,
    replacements: Given<'py>,
    lowercase: Given<'py>,
    allow_unicode: Given<'py>,
) -> PyResult<Bound<'py, PyString>> {
    let py = text.py();
    let text = str_arg("slugify", "text", text)?.to_str()?;
    // Flags take any object's truth value (None is false), as python-slugify's `if` does.
    let flag = |value: &Given<'py>, default: bool| match &value.0 {
        Some(value) => value.is_truthy(),
        None => Ok(default),
    };
    // Checked in signature order, as the twin does.
    let max_length = max_length.0.as_ref().map_or(Ok(0), slug_max_length)?;
    let separator = match &separator.0 {
        Some(value) => str_arg("slugify", "separator", value)?.to_str()?,
        None => "-",
    };
    let stopwords = match &stopwords.0 {
        Some(value) => stopword_list(value)?,
        None => Vec::new(),
    };
    let replacements = match &replacements.0 {
        Some(value) => replacement_pairs(value)?,
        None => Vec::new(),
    };
    // The texts, borrowed from the `str` objects (checked to be UTF-8 while read above).
    let stopwords = texts(&stopwords)?;
    let replacements = text_pairs(&replacements)?;
    let options = SlugOptions {
        entities: flag(&entities, true)?,
        decimal: flag(&decimal, true)?,
        hexadecimal: flag(&hexadecimal, true)?,
        max_length,
        word_boundary: flag(&word_boundary, false)?,
        save_order: flag(&save_order, false)?,
        separator,
        stopwords: &stopwords,
        replacements: &replacements,
        lowercase: flag(&lowercase, true)?,
        allow_unicode: flag(&allow_unicode, false)?,
    };
    new_str(py, &core::slugify(text, &options).or_memory_error()?)
}

/// `max_length` as an i64: Python ints of any size (beyond i64 they mean "no limit" or
/// "none", as their sign says). An int subclass is read as the int it holds: neither its
/// `__index__` nor its comparisons are called.
fn slug_max_length(value: &Bound<'_, PyAny>) -> PyResult<i64> {
    let Ok(int) = value.cast::<PyInt>() else {
        return Err(wrong_type("slugify", "max_length", "int", value));
    };
    Ok(match int_value(int.as_borrowed()) {
        Ok(length) => length,
        Err(1..) => i64::MAX,
        Err(_) => 0,
    })
}

/// The `str` objects of an iterable of `str` (each checked to have a UTF-8 form as it is
/// read, as the twin checks them).
fn stopword_list<'py>(value: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyString>>> {
    let wrong =
        || PyTypeError::new_err("slugify() argument 'stopwords' must be an iterable of str");
    let items = listed(value, &wrong)?;
    let mut words = vec_with_capacity(items.len()).or_memory_error()?;
    for word in items {
        let word = word.cast_into::<PyString>().map_err(|_| wrong())?;
        word.to_str()?;
        words.push(word);
    }
    Ok(words)
}

fn replacement_pairs<'py>(value: &Bound<'py, PyAny>) -> PyResult<Vec<StrPair<'py>>> {
    let wrong = || {
        PyTypeError::new_err(
            "slugify() argument 'replacements' must be an iterable of (old, new) str pairs",
        )
    };
    let items = listed(value, &wrong)?;
    let mut pairs = vec_with_capacity(items.len()).or_memory_error()?;
    for pair in items {
        // A two-character str would unpack into a pair.
        if pair.is_instance_of::<PyString>() {
            return Err(wrong());
        }
        let (old, new) = unpack_pair_or(&pair, &wrong)?;
        let old = old.cast_into::<PyString>().map_err(|_| wrong())?;
        let new = new.cast_into::<PyString>().map_err(|_| wrong())?;
        old.to_str()?;
        new.to_str()?;
        pairs.push((old, new));
    }
    Ok(pairs)
}

/// Every item of an iterable argument, taken before any is looked at (as the twin's loop
/// does): a TypeError, from `iter()` or raised while iterating, becomes `wrong()`; anything
/// else (an `__iter__` or `__next__` raising, say) propagates unchanged.
fn listed<'py>(
    value: &Bound<'py, PyAny>,
    wrong: &dyn Fn() -> PyErr,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let py = value.py();
    let as_wrong = |error: PyErr| {
        if error.is_instance_of::<PyTypeError>(py) {
            wrong()
        } else {
            error
        }
    };
    let mut items = Vec::new();
    for item in value.try_iter().map_err(as_wrong)? {
        items.try_push(item.map_err(as_wrong)?).or_memory_error()?;
    }
    Ok(items)
}
