//! Bindings of the text helpers: escape_html, transliterate, slugify, secure_filename,
//! multi_replace and Replacer.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use pyo3::exceptions::{PyMemoryError, PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyInt, PyString, PyType};

use super::url::unpack_pair as unpack_item;
use super::{cow_result, dict_items, new_str, str_arg, str_from_wtf8, surrogatepass, wrong_type};
use crate::convert::type_name;
use crate::convert::Given;
use crate::convert::OrMemoryError;
use crate::ffi::number::int_value;
use crate::ffi::string::{new_ascii_with, plain_str};
use covet_core::strings::fallible::{vec_with_capacity, TryPushItem};
use covet_core::strings::replace::{Replacer as CoreReplacer, ReplacerError};
use covet_core::strings::slug::SlugOptions;
use covet_core::strings::{escape, filename, slug, translit};

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
        return cow_result(text, escape::escape_html(utf8).or_memory_error()?);
    }
    // A lone surrogate: markupsafe passes it through, so escape the WTF-8 form.
    let wtf8 = surrogatepass(text)?;
    match escape::escape_html_bytes(wtf8.as_bytes()).or_memory_error()? {
        Cow::Borrowed(_) => exact_str(text),
        Cow::Owned(bytes) => str_from_wtf8(text.py(), &bytes),
    }
}

/// ASCII text (the common case) escaped straight into a new compact ASCII `str` of the
/// exact size: no intermediate buffer, no UTF-8 decoding.
fn escape_ascii<'py>(text: &Bound<'py, PyString>, bytes: &[u8]) -> PyResult<Bound<'py, PyString>> {
    let len = escape::escaped_len(bytes);
    if len == bytes.len() {
        return exact_str(text);
    }
    // SAFETY: escape_into fills the whole `escaped_len` with the escaped ASCII text.
    unsafe { new_ascii_with(text.py(), len, |out| escape::escape_into(bytes, out)) }
}

/// The same text as an exact `str` (a subclass such as `Markup` is copied).
fn exact_str<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    if text.is_exact_instance_of::<PyString>() {
        return Ok(text.clone());
    }
    plain_str(text)
}

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
    new_str(py, &slug::slugify(text, &options).or_memory_error()?)
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

type StrPair<'py> = (Bound<'py, PyString>, Bound<'py, PyString>);

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
        let (old, new) = unpack_pair(&pair, &wrong)?;
        let old = old.cast_into::<PyString>().map_err(|_| wrong())?;
        let new = new.cast_into::<PyString>().map_err(|_| wrong())?;
        old.to_str()?;
        new.to_str()?;
        pairs.push((old, new));
    }
    Ok(pairs)
}

/// The UTF-8 of each `str` (read through `str` itself: a subclass's methods are not
/// called), borrowed.
fn texts<'a>(strings: &'a [Bound<'_, PyString>]) -> PyResult<Vec<&'a str>> {
    let mut out = vec_with_capacity(strings.len()).or_memory_error()?;
    for text in strings {
        out.push(text.to_str()?);
    }
    Ok(out)
}

fn text_pairs<'a>(pairs: &'a [StrPair<'_>]) -> PyResult<Vec<(&'a str, &'a str)>> {
    let mut out = vec_with_capacity(pairs.len()).or_memory_error()?;
    for (first, second) in pairs {
        out.push((first.to_str()?, second.to_str()?));
    }
    Ok(out)
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
    new_str(
        filename.py(),
        &filename::secure_filename(name, windows).or_memory_error()?,
    )
}

/// `collections.abc.Mapping`, imported once.
pub(crate) fn mapping_abc(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static MAPPING: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    MAPPING.import(py, "collections.abc", "Mapping")
}

/// The `(pattern, replacement)` pairs of a mapping or an iterable of pairs, each checked
/// (a `str` with a UTF-8 form) as it is read, in the twin's order. An exact dict is read
/// from a copy of its items (`dict_items`); any other Mapping through its `items()`, each
/// item unpacked as Python's `pattern, replacement = item` unpacks it.
fn pairs_of<'py>(function: &str, mapping: &Bound<'py, PyAny>) -> PyResult<Vec<StrPair<'py>>> {
    let py = mapping.py();
    let not_pairs = || {
        PyTypeError::new_err(format!(
            "{function}() argument 'mapping' must be a mapping or an iterable of \
             (pattern, replacement) pairs, not {}",
            type_name(mapping)
        ))
    };
    let text = |value: Bound<'py, PyAny>| -> PyResult<Bound<'py, PyString>> {
        let text = value.cast_into::<PyString>().map_err(|value| {
            PyTypeError::new_err(format!(
                "{function}(): patterns and replacements must be str, not {}",
                type_name(value.into_inner().as_any())
            ))
        })?;
        text.to_str()?;
        Ok(text)
    };
    let mut pairs = Vec::new();
    if let Ok(dict) = mapping.cast_exact::<PyDict>() {
        let items = dict_items(dict)?;
        pairs = vec_with_capacity(items.len()).or_memory_error()?;
        for (pattern, replacement) in items {
            pairs.push((text(pattern)?, text(replacement)?));
        }
    } else if mapping.is_instance(mapping_abc(py)?)? {
        for item in mapping.call_method0(intern!(py, "items"))?.try_iter()? {
            let (pattern, replacement) = unpack_item(&item?)?;
            pairs
                .try_push((text(pattern)?, text(replacement)?))
                .or_memory_error()?;
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
            pairs
                .try_push((text(pattern)?, text(replacement)?))
                .or_memory_error()?;
        }
    }
    Ok(pairs)
}

/// The pairs compiled.
fn compile(function: &str, pairs: &[(&str, &str)]) -> PyResult<CoreReplacer> {
    CoreReplacer::new(pairs).map_err(|error| match error {
        ReplacerError::EmptyPattern => {
            PyValueError::new_err(format!("{function}(): empty pattern"))
        }
        ReplacerError::TooLarge(reason) => {
            PyValueError::new_err(format!("{function}(): too many patterns: {reason}"))
        }
        ReplacerError::OutOfMemory => PyMemoryError::new_err(()),
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

fn recent_replacer(pairs: &[(&str, &str)]) -> PyResult<Arc<CoreReplacer>> {
    let bytes: usize = pairs.iter().map(|(p, r)| p.len() + r.len()).sum();
    if bytes > RECENT_REPLACER_MAX_BYTES {
        return Ok(Arc::new(compile("multi_replace", pairs)?));
    }
    let same = |known: &[(String, String)]| {
        known.len() == pairs.len()
            && known
                .iter()
                .zip(pairs)
                .all(|((p, r), (q, s))| p == q && r == s)
    };
    let mut recent = RECENT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(at) = recent.iter().position(|(known, _)| same(known)) {
        if let Some(entry) = recent.remove(at) {
            let replacer = Arc::clone(&entry.1);
            recent.push_front(entry);
            return Ok(replacer);
        }
    }
    drop(recent);
    let replacer = Arc::new(compile("multi_replace", pairs)?);
    // At most 64 KiB of text (above): kept with plain allocations.
    let key = pairs
        .iter()
        .map(|&(p, r)| (p.to_owned(), r.to_owned()))
        .collect();
    let mut recent = RECENT.lock().unwrap_or_else(PoisonError::into_inner);
    recent.push_front((key, Arc::clone(&replacer)));
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
    let pairs = pairs_of("multi_replace", mapping)?;
    let replacer = recent_replacer(&text_pairs(&pairs)?)?;
    cow_result(text, replacer.replace(text.to_str()?).or_memory_error()?)
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
        let pairs = pairs_of("Replacer", mapping)?;
        Ok(Self {
            core: compile("Replacer", &text_pairs(&pairs)?)?,
        })
    }

    /// `text` with every pattern replaced (leftmost, then longest); returned as it is when
    /// nothing matched.
    fn replace<'py>(&self, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
        let text = str_arg("replace", "text", text)?;
        cow_result(text, self.core.replace(text.to_str()?).or_memory_error()?)
    }

    fn __len__(&self) -> usize {
        self.core.len()
    }

    fn __repr__(&self) -> String {
        let n = self.core.len();
        format!("Replacer({n} pattern{})", if n == 1 { "" } else { "s" })
    }
}
