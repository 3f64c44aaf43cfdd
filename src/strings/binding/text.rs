//! Bindings of the text helpers: escape_html, transliterate, slugify, secure_filename,
//! multi_replace and Replacer.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use pyo3::exceptions::{PyMemoryError, PyOverflowError, PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyString, PyType};

use super::{cow_result, new_str, str_arg, wrong_type};
use crate::args::Given;
use crate::names::type_name;
use crate::strings::replace::{Replacer as CoreReplacer, ReplacerError};
use crate::strings::slug::SlugOptions;
use crate::strings::{escape, filename, slug, translit};

/// markupsafe's escape as a plain `str`: `&` `<` `>` `'` `"` become `&amp;` `&lt;` `&gt;`
/// `&#39;` `&#34;`; an object with `__html__` gives that (already safe) text; anything else
/// goes through `str()`. A `str` with nothing to escape is returned as it is.
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

/// Escapes a `str` (or subclass) into an exact `str`.
fn escape_str<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    if let Ok(utf8) = text.to_str() {
        if utf8.is_ascii() {
            return escape_ascii(text, utf8.as_bytes());
        }
        return cow_result(text, escape::escape_html(utf8));
    }
    // A lone surrogate: markupsafe passes it through, so escape the WTF-8 form.
    let py = text.py();
    let wtf8 = text.call_method1(
        intern!(py, "encode"),
        (intern!(py, "utf-8"), intern!(py, "surrogatepass")),
    )?;
    let wtf8 = wtf8.cast_into::<PyBytes>()?;
    match escape::escape_html_bytes(wtf8.as_bytes()) {
        Cow::Borrowed(_) => exact_str(text),
        Cow::Owned(bytes) => PyBytes::new(py, &bytes)
            .call_method1(
                intern!(py, "decode"),
                (intern!(py, "utf-8"), intern!(py, "surrogatepass")),
            )?
            .cast_into::<PyString>()
            .map_err(Into::into),
    }
}

/// ASCII text (the common case) escaped straight into a new compact ASCII `str` of the
/// exact size: no intermediate buffer, no UTF-8 decoding.
fn escape_ascii<'py>(text: &Bound<'py, PyString>, bytes: &[u8]) -> PyResult<Bound<'py, PyString>> {
    let len = escape::escaped_len(bytes);
    if len == bytes.len() {
        return exact_str(text);
    }
    let py = text.py();
    let size = pyo3::ffi::Py_ssize_t::try_from(len).map_err(|_| PyMemoryError::new_err(()))?;
    // SAFETY: attached; a new compact ASCII str of `len` characters (or NULL + error).
    let object = unsafe { Bound::from_owned_ptr_or_err(py, pyo3::ffi::PyUnicode_New(size, 127)) }?;
    // SAFETY: a compact ASCII str of `len` characters has `len` writable bytes of data, not
    // yet seen by anyone else; escape_into fills all of them with ASCII.
    unsafe {
        let data = pyo3::ffi::PyUnicode_1BYTE_DATA(object.as_ptr());
        escape::escape_into(bytes, std::slice::from_raw_parts_mut(data, len));
    }
    // SAFETY: PyUnicode_New made a str.
    Ok(unsafe { object.cast_into_unchecked::<PyString>() })
}

/// The same text as an exact `str` (a subclass such as `Markup` is copied).
fn exact_str<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    if text.is_exact_instance_of::<PyString>() {
        return Ok(text.clone());
    }
    let py = text.py();
    // SAFETY: attached; `PyUnicode_FromObject` returns a new exact `str` (or NULL + error).
    let copy = unsafe {
        Bound::from_owned_ptr_or_err(py, pyo3::ffi::PyUnicode_FromObject(text.as_ptr()))
    }?;
    // SAFETY: PyUnicode_FromObject returns a str.
    Ok(unsafe { copy.cast_into_unchecked::<PyString>() })
}

/// ASCII transliteration with the deunicode table (characters without an entry are
/// dropped). ASCII text is returned as it is.
#[pyfunction]
pub fn transliterate<'py>(text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    let text = str_arg("transliterate", "text", text)?;
    cow_result(text, translit::transliterate(text.to_str()?))
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
    let flag = |value: &Given<'py>, default: bool| {
        value
            .0
            .as_ref()
            .map_or(Ok(default), PyAnyMethods::is_truthy)
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
    new_str(py, &slug::slugify(text, &options))
}

/// `max_length` as an i64: Python ints of any size (beyond i64 they mean "no limit" or
/// "none", as their sign says).
fn slug_max_length(value: &Bound<'_, PyAny>) -> PyResult<i64> {
    if !value.is_instance_of::<pyo3::types::PyInt>() {
        return Err(wrong_type("slugify", "max_length", "int", value));
    }
    match value.extract::<i64>() {
        Ok(length) => Ok(length),
        Err(error) if error.is_instance_of::<PyOverflowError>(value.py()) => {
            Ok(if value.gt(0)? { i64::MAX } else { 0 })
        }
        Err(error) => Err(error),
    }
}

fn stopword_list(value: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let wrong =
        || PyTypeError::new_err("slugify() argument 'stopwords' must be an iterable of str");
    let mut words = Vec::new();
    for word in listed(value, &wrong)? {
        let word = word.cast::<PyString>().map_err(|_| wrong())?;
        words.push(word.to_str()?.to_owned());
    }
    Ok(words)
}

fn replacement_pairs(value: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let wrong = || {
        PyTypeError::new_err(
            "slugify() argument 'replacements' must be an iterable of (old, new) str pairs",
        )
    };
    let mut pairs = Vec::new();
    for pair in listed(value, &wrong)? {
        // A two-character str would unpack into a pair.
        if pair.is_instance_of::<PyString>() {
            return Err(wrong());
        }
        let (old, new) = unpack_pair(&pair, &wrong)?;
        let old = old.cast_into::<PyString>().map_err(|_| wrong())?;
        let new = new.cast_into::<PyString>().map_err(|_| wrong())?;
        pairs.push((old.to_str()?.to_owned(), new.to_str()?.to_owned()));
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
        items.push(item.map_err(as_wrong)?);
    }
    Ok(items)
}

/// `first, second = item` as Python unpacks it: a TypeError or ValueError (not iterable,
/// not two items, or raised by the item's own iteration) becomes `wrong()`; anything else
/// propagates unchanged.
fn unpack_pair<'py>(
    item: &Bound<'py, PyAny>,
    wrong: &dyn Fn() -> PyErr,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let py = item.py();
    let unpacking = |error: PyErr| {
        if error.is_instance_of::<PyTypeError>(py) || error.is_instance_of::<PyValueError>(py) {
            wrong()
        } else {
            error
        }
    };
    let mut parts = item.try_iter().map_err(unpacking)?;
    let mut next = || parts.next().ok_or_else(wrong)?.map_err(unpacking);
    let first = next()?;
    let second = next()?;
    match parts.next() {
        None => Ok((first, second)),
        Some(Ok(_)) => Err(wrong()),
        Some(Err(error)) => Err(unpacking(error)),
    }
}

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
    new_str(filename.py(), &filename::secure_filename(name, windows))
}

/// `collections.abc.Mapping`, imported once.
pub(crate) fn mapping_abc(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static MAPPING: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    MAPPING.import(py, "collections.abc", "Mapping")
}

/// The `(pattern, replacement)` pairs of a mapping or an iterable of pairs.
fn pairs_of(function: &str, mapping: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let py = mapping.py();
    let not_pairs = || {
        PyTypeError::new_err(format!(
            "{function}() argument 'mapping' must be a mapping or an iterable of \
             (pattern, replacement) pairs, not {}",
            type_name(mapping)
        ))
    };
    let not_str = |value: &Bound<'_, PyAny>| {
        PyTypeError::new_err(format!(
            "{function}(): patterns and replacements must be str, not {}",
            type_name(value)
        ))
    };
    let text = |value: &Bound<'_, PyAny>| -> PyResult<String> {
        Ok(value
            .cast::<PyString>()
            .map_err(|_| not_str(value))?
            .to_str()?
            .to_owned())
    };
    let mut pairs = Vec::new();
    if let Ok(dict) = mapping.cast_exact::<PyDict>() {
        for (pattern, replacement) in dict.iter() {
            pairs.push((text(&pattern)?, text(&replacement)?));
        }
    } else if mapping.is_instance(mapping_abc(py)?)? {
        for item in mapping.call_method0(intern!(py, "items"))?.try_iter()? {
            let (pattern, replacement) = item?.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
            pairs.push((text(&pattern)?, text(&replacement)?));
        }
    } else {
        if mapping.is_instance_of::<PyString>() {
            return Err(not_pairs());
        }
        // As the twin's `iter(mapping)` does: a TypeError (not iterable) becomes the "not
        // pairs" TypeError; anything else an `__iter__` raises propagates unchanged.
        let items = mapping.try_iter().map_err(|error| {
            if error.is_instance_of::<PyTypeError>(py) {
                not_pairs()
            } else {
                error
            }
        })?;
        for item in items {
            let item = item?;
            if item.is_instance_of::<PyString>() {
                return Err(not_pairs());
            }
            let (pattern, replacement) = unpack_pair(&item, &not_pairs)?;
            pairs.push((text(&pattern)?, text(&replacement)?));
        }
    }
    Ok(pairs)
}

/// The pairs compiled.
fn compile(function: &str, pairs: Vec<(String, String)>) -> PyResult<CoreReplacer> {
    CoreReplacer::new(pairs).map_err(|error| match error {
        ReplacerError::EmptyPattern => {
            PyValueError::new_err(format!("{function}(): empty pattern"))
        }
        ReplacerError::TooLarge(reason) => {
            PyValueError::new_err(format!("{function}(): too many patterns: {reason}"))
        }
    })
}

/// How many recently used pattern sets `multi_replace` keeps compiled.
const RECENT_REPLACERS: usize = 8;

/// Pattern sets `multi_replace` compiled lately, most recent first. Building the automaton
/// for 20 patterns costs 70-100 us (benches/bench_strings.py), far more than a 10 KB
/// replacement with it, and code that calls `multi_replace` in a loop passes the same
/// mapping every time. Keyed by the pairs themselves (never by the mapping's identity,
/// which a mutated dict keeps), so a hit is always the same automaton a fresh compile
/// would give.
type RecentReplacers = VecDeque<(Vec<(String, String)>, Arc<CoreReplacer>)>;
static RECENT: Mutex<RecentReplacers> = Mutex::new(VecDeque::new());

/// Larger pattern sets (in bytes of patterns and replacements) are compiled but not kept,
/// so the cache's memory stays bounded.
const RECENT_REPLACER_MAX_BYTES: usize = 64 * 1024;

fn recent_replacer(pairs: Vec<(String, String)>) -> PyResult<Arc<CoreReplacer>> {
    let bytes: usize = pairs.iter().map(|(p, r)| p.len() + r.len()).sum();
    if bytes > RECENT_REPLACER_MAX_BYTES {
        return Ok(Arc::new(compile("multi_replace", pairs)?));
    }
    let mut recent = RECENT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(at) = recent.iter().position(|(known, _)| *known == pairs) {
        let entry = recent.remove(at).expect("found above");
        let replacer = Arc::clone(&entry.1);
        recent.push_front(entry);
        return Ok(replacer);
    }
    drop(recent);
    let replacer = Arc::new(compile("multi_replace", pairs.clone())?);
    let mut recent = RECENT.lock().unwrap_or_else(PoisonError::into_inner);
    recent.push_front((pairs, Arc::clone(&replacer)));
    recent.truncate(RECENT_REPLACERS);
    Ok(replacer)
}

/// Every pattern of `mapping` (a mapping or an iterable of pairs) replaced in one pass:
/// leftmost match first, the longest among those starting there. The last 8 pattern sets
/// stay compiled; `Replacer` compiles a set once for good.
#[pyfunction]
pub fn multi_replace<'py>(
    text: &Bound<'py, PyAny>,
    mapping: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyString>> {
    let text = str_arg("multi_replace", "text", text)?;
    let replacer = recent_replacer(pairs_of("multi_replace", mapping)?)?;
    cow_result(text, replacer.replace(text.to_str()?))
}

/// Patterns compiled once (an Aho-Corasick automaton) for `replace(text)`; immutable, so
/// one instance can be shared by every thread.
#[pyclass(frozen, module = "covet_rust_core.strings")]
pub struct Replacer {
    core: CoreReplacer,
}

#[pymethods]
impl Replacer {
    #[new]
    fn new(mapping: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self {
            core: compile("Replacer", pairs_of("Replacer", mapping)?)?,
        })
    }

    /// `text` with every pattern replaced (leftmost, then longest); returned as it is when
    /// nothing matched.
    fn replace<'py>(&self, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
        let text = str_arg("replace", "text", text)?;
        cow_result(text, self.core.replace(text.to_str()?))
    }

    fn __len__(&self) -> usize {
        self.core.len()
    }

    fn __repr__(&self) -> String {
        let n = self.core.len();
        format!("Replacer({n} pattern{})", if n == 1 { "" } else { "s" })
    }
}
