//! `quote`, `quote_plus`, `unquote`, `unquote_plus`, `urlencode`, `parse_qsl` and
//! `parse_qs`: urllib.parse's functions with UTF-8, same results and exception types as the
//! running interpreter's (docs/STRINGS.md, "URL coding").

use std::borrow::Cow;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple};

use super::{cow_result, new_str, str_arg, surrogatepass, wrong_type};
use super::{for_each_item, new_dict, new_list, new_pair, str_from_wtf8, unpack_pair};
use crate::convert::Given;
use crate::convert::OrMemoryError;
use crate::ffi::bytes::bytearray_copy;
use crate::ffi::string::concat;
use covet_core::strings::fallible::{vec_with_capacity, TryPush};
use covet_core::strings::url::{self as core, SafeSet, NOTHING_SAFE, PATH_SAFE};

/// A flag taken by its truth value, as urllib does (`if not doseq`).
#[derive(Clone, Copy)]
pub struct Truth(bool);

impl<'a, 'py> FromPyObject<'a, 'py> for Truth {
    type Error = PyErr;

    fn extract(value: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        value.is_truthy().map(Self)
    }
}

/// urllib's `safe`: str or bytes (the contract's types), of which only the ASCII counts.
fn safe_set(function: &str, safe: &Bound<'_, PyAny>) -> PyResult<SafeSet> {
    if let Ok(text) = safe.cast::<PyString>() {
        // Lone surrogates are not ASCII: ignored as by encode("ascii", "ignore").
        return Ok(match text.to_str() {
            Ok(utf8) => SafeSet::new(utf8.as_bytes()),
            Err(_) => SafeSet::new(surrogatepass(text)?.as_bytes()),
        });
    }
    if let Ok(bytes) = safe.cast::<PyBytes>() {
        return Ok(SafeSet::new(bytes.as_bytes()));
    }
    Err(wrong_type(function, "safe", "str or bytes", safe))
}

fn resolve_safe(
    function: &str,
    safe: &Given<'_>,
    default: &'static SafeSet,
) -> PyResult<Cow<'static, SafeSet>> {
    match &safe.0 {
        None => Ok(Cow::Borrowed(default)),
        Some(safe) => Ok(Cow::Owned(safe_set(function, safe)?)),
    }
}

/// `quote` and `quote_plus`. urllib reads `safe` only for a non-empty `string`.
fn quote_any<'py>(
    function: &str,
    string: &Bound<'py, PyAny>,
    safe: &Given<'py>,
    default: &'static SafeSet,
    plus: bool,
) -> PyResult<Bound<'py, PyString>> {
    if let Ok(text) = string.cast::<PyString>() {
        // A lone surrogate raises the UnicodeEncodeError of urllib's `string.encode()`.
        let utf8 = text.to_str()?;
        if utf8.is_empty() {
            return cow_result(text, Cow::Borrowed(utf8));
        }
        let safe = resolve_safe(function, safe, default)?;
        return cow_result(
            text,
            core::quote(utf8.as_bytes(), &safe, plus).or_memory_error()?,
        );
    }
    let copied;
    let bytes = if let Ok(bytes) = string.cast::<PyBytes>() {
        bytes.as_bytes()
    } else if let Ok(bytes) = string.cast::<PyByteArray>() {
        copied = bytearray_copy(bytes)?;
        &copied
    } else {
        return Err(wrong_type(
            function,
            "string",
            "str, bytes or bytearray",
            string,
        ));
    };
    if bytes.is_empty() {
        // urllib's quote_plus computes `safe + " "` first for a bytearray (not for bytes), so
        // a bad `safe` fails even then.
        if plus && !string.is_instance_of::<PyBytes>() {
            resolve_safe(function, safe, default)?;
        }
        return new_str(string.py(), "");
    }
    let safe = resolve_safe(function, safe, default)?;
    new_str(
        string.py(),
        &core::quote(bytes, &safe, plus).or_memory_error()?,
    )
}

/// urllib's ``quote(string, safe='/')`` with UTF-8: every byte other than ASCII letters,
/// digits, ``_.-~`` and the ASCII of ``safe`` becomes ``%XX``. ``string`` is str, bytes or
/// bytearray; a str with nothing to quote is returned itself.
#[pyfunction]
// Arguments extracted by PyO3, by value.
#[allow(clippy::needless_pass_by_value)]
#[pyo3(signature = (string, safe=Given(None)), text_signature = "(string, safe='/')")]
pub fn quote<'py>(string: &Bound<'py, PyAny>, safe: Given<'py>) -> PyResult<Bound<'py, PyString>> {
    quote_any("quote", string, &safe, &PATH_SAFE, false)
}

/// urllib's ``quote_plus(string, safe='')``: ``quote`` with spaces as ``+``.
#[pyfunction]
// Arguments extracted by PyO3, by value.
#[allow(clippy::needless_pass_by_value)]
#[pyo3(signature = (string, safe=Given(None)), text_signature = "(string, safe='')")]
pub fn quote_plus<'py>(
    string: &Bound<'py, PyAny>,
    safe: Given<'py>,
) -> PyResult<Bound<'py, PyString>> {
    quote_any("quote_plus", string, &safe, &NOTHING_SAFE, true)
}

/// `unquote(s)` / `unquote_plus(s)` of a str; lone surrogates pass through as in urllib.
fn unquote_text<'py>(text: &Bound<'py, PyString>, plus: bool) -> PyResult<Bound<'py, PyString>> {
    if let Ok(utf8) = text.to_str() {
        return cow_result(text, core::unquote(utf8, plus).or_memory_error()?);
    }
    let wtf8 = surrogatepass(text)?;
    match core::unquote_wtf8(wtf8.as_bytes(), plus).or_memory_error()? {
        Cow::Borrowed(_) if text.is_exact_instance_of::<PyString>() => Ok(text.clone()),
        unquoted => str_from_wtf8(text.py(), &unquoted),
    }
}

/// urllib's ``unquote(string)``: ``%XX`` escapes decoded as UTF-8, invalid sequences
/// replaced by U+FFFD. ``string`` is str or bytes.
#[pyfunction]
#[pyo3(signature = (string))]
pub fn unquote<'py>(string: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    if let Ok(text) = string.cast::<PyString>() {
        return unquote_text(text, false);
    }
    if let Ok(bytes) = string.cast::<PyBytes>() {
        return new_str(
            string.py(),
            &core::unquote_bytes(bytes.as_bytes()).or_memory_error()?,
        );
    }
    Err(wrong_type("unquote", "string", "str or bytes", string))
}

/// urllib's ``unquote_plus(string)``: ``unquote`` with ``+`` as a space. ``string`` is str
/// or bytes (urllib takes only str here; bytes work as in ``unquote``).
#[pyfunction]
#[pyo3(signature = (string))]
pub fn unquote_plus<'py>(string: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    if let Ok(text) = string.cast::<PyString>() {
        return unquote_text(text, true);
    }
    if let Ok(bytes) = string.cast::<PyBytes>() {
        let bytes = bytes.as_bytes();
        let mut spaced = vec_with_capacity(bytes.len()).or_memory_error()?;
        spaced.extend(bytes.iter().map(|&b| if b == b'+' { b' ' } else { b }));
        return new_str(
            string.py(),
            &core::unquote_bytes(&spaced).or_memory_error()?,
        );
    }
    Err(wrong_type("unquote_plus", "string", "str or bytes", string))
}

/// urlencode's `safe`, read at the first non-empty component quoted, as urllib does.
struct LazySafe<'a, 'py> {
    argument: &'a Given<'py>,
    set: Option<SafeSet>,
}

impl LazySafe<'_, '_> {
    /// `quote_plus(bytes, safe)` appended to `target`.
    fn quote_into(&mut self, target: &mut String, bytes: &[u8]) -> PyResult<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        let safe = match &self.set {
            Some(safe) => safe,
            None => self
                .set
                .insert(resolve_safe("urlencode", self.argument, &NOTHING_SAFE)?.into_owned()),
        };
        core::quote_into(target, bytes, safe, true).or_memory_error()
    }
}

/// urlencode's output: the `key=value` pieces joined by `&`, built in one string.
struct Encoder<'a, 'py> {
    out: String,
    pieces: usize,
    safe: LazySafe<'a, 'py>,
    doseq: bool,
}

impl<'py> Encoder<'_, 'py> {
    /// `bytes` or `str(value)` (a str is itself), UTF-8; a lone surrogate raises urllib's
    /// UnicodeEncodeError.
    fn with_component<R>(
        value: &Bound<'py, PyAny>,
        f: impl FnOnce(&[u8]) -> PyResult<R>,
    ) -> PyResult<R> {
        if let Ok(bytes) = value.cast::<PyBytes>() {
            return f(bytes.as_bytes());
        }
        let text = value.str()?;
        f(text.to_str()?.as_bytes())
    }

    /// Appends `key=` and `bytes` quoted.
    fn piece(&mut self, key: &str, bytes: &[u8]) -> PyResult<()> {
        if self.pieces > 0 {
            self.out.try_push('&').or_memory_error()?;
        }
        self.pieces += 1;
        self.out.try_push_str(key).or_memory_error()?;
        self.out.try_push('=').or_memory_error()?;
        self.safe.quote_into(&mut self.out, bytes)
    }

    /// One `(key, value)` of the query, as urllib's loop body.
    fn pair(&mut self, key: &Bound<'py, PyAny>, value: &Bound<'py, PyAny>) -> PyResult<()> {
        let mut key_text = String::new();
        Self::with_component(key, |bytes| self.safe.quote_into(&mut key_text, bytes))?;
        if !self.doseq {
            return Self::with_component(value, |bytes| self.piece(&key_text, bytes));
        }
        // With doseq: bytes and str (itself, not str() of a subclass) are single values; any
        // other value with a len() is a sequence of values, the rest go through str().
        if let Ok(bytes) = value.cast::<PyBytes>() {
            return self.piece(&key_text, bytes.as_bytes());
        }
        if let Ok(text) = value.cast::<PyString>() {
            return self.piece(&key_text, text.to_str()?.as_bytes());
        }
        match value.len() {
            Ok(_) => {
                for element in value.try_iter()? {
                    Self::with_component(&element?, |bytes| self.piece(&key_text, bytes))?;
                }
                Ok(())
            }
            Err(error) if error.is_instance_of::<PyTypeError>(value.py()) => {
                Self::with_component(value, |bytes| self.piece(&key_text, bytes))
            }
            Err(error) => Err(error),
        }
    }
}

/// urllib's TypeError for a query that is neither a mapping nor a sequence of pairs.
fn not_a_query(py: Python<'_>, cause: PyErr) -> PyErr {
    let error = PyTypeError::new_err("not a valid non-string sequence or mapping object");
    error.set_cause(py, Some(cause));
    error
}

/// urllib's check of a query without `items`: it has a len(), and its first element, if
/// any, is a tuple.
fn check_sequence(query: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = query.py();
    let type_error = |error: PyErr| {
        if error.is_instance_of::<PyTypeError>(py) {
            not_a_query(py, error)
        } else {
            error
        }
    };
    if query.len().map_err(type_error)? > 0
        && !query
            .get_item(0)
            .map_err(type_error)?
            .is_instance_of::<PyTuple>()
    {
        return Err(not_a_query(py, PyTypeError::new_err(())));
    }
    Ok(())
}

/// urllib's ``urlencode(query, doseq=False, safe='')`` with ``quote_plus``: ``query`` is a
/// mapping (anything with ``items()``) or a sequence of pairs; keys and values are bytes or
/// go through ``str()``; with ``doseq``, values that are sequences (not str or bytes)
/// give one ``key=value`` each.
#[pyfunction]
// Arguments extracted by PyO3, by value.
#[allow(clippy::needless_pass_by_value)]
#[pyo3(signature = (query, doseq=Truth(false), safe=Given(None)), text_signature = "(query, doseq=False, safe='')")]
pub fn urlencode<'py>(
    query: &Bound<'py, PyAny>,
    doseq: Truth,
    safe: Given<'py>,
) -> PyResult<Bound<'py, PyString>> {
    let py = query.py();
    let mut encoder = Encoder {
        out: String::new(),
        pieces: 0,
        safe: LazySafe {
            argument: &safe,
            set: None,
        },
        doseq: doseq.0,
    };
    if let Ok(dict) = query.cast_exact::<PyDict>() {
        for_each_item(dict, |key, value| encoder.pair(&key, &value))?;
    } else if query.hasattr(intern!(py, "items"))? {
        for item in query.call_method0(intern!(py, "items"))?.try_iter()? {
            let (key, value) = unpack_pair(&item?)?;
            encoder.pair(&key, &value)?;
        }
    } else {
        check_sequence(query)?;
        for item in query.try_iter()? {
            let (key, value) = unpack_pair(&item?)?;
            encoder.pair(&key, &value)?;
        }
    }
    new_str(py, &encoder.out)
}

/// A `str` as UTF-8, or as WTF-8 (`surrogatepass`) when it holds lone surrogates, which
/// urllib's parsing passes through.
enum Text<'py> {
    Utf8(Bound<'py, PyString>),
    Wtf8(Bound<'py, PyBytes>),
}

impl<'py> Text<'py> {
    fn of(text: &Bound<'py, PyString>) -> PyResult<Self> {
        if text.to_str().is_ok() {
            return Ok(Self::Utf8(text.clone()));
        }
        Ok(Self::Wtf8(surrogatepass(text)?))
    }

    fn bytes(&self) -> &[u8] {
        match self {
            // Checked to be valid by `of`.
            Self::Utf8(text) => text.to_str().map(str::as_bytes).unwrap_or_default(),
            Self::Wtf8(bytes) => bytes.as_bytes(),
        }
    }
}

/// A part of the parsed text as a `str`: UTF-8, or WTF-8 from a `str` with lone surrogates.
fn part_str<'py>(py: Python<'py>, bytes: &[u8]) -> PyResult<Bound<'py, PyString>> {
    match std::str::from_utf8(bytes) {
        Ok(text) => new_str(py, text),
        Err(_) => str_from_wtf8(py, bytes),
    }
}

const SEPARATOR_ERROR: &str = "Separator must be of type string or bytes.";

/// The separator's text: a non-empty str (urllib's ValueError for an empty one; other types
/// are the contract's TypeError, where urllib's error depends on the Python version).
fn separator_text<'py>(
    py: Python<'py>,
    function: &str,
    separator: &Given<'py>,
) -> PyResult<Text<'py>> {
    let Some(separator) = &separator.0 else {
        return Ok(Text::Utf8(intern!(py, "&").clone()));
    };
    // Its length read through str itself, not a subclass's __len__.
    let text = Text::of(str_arg(function, "separator", separator)?)?;
    if text.bytes().is_empty() {
        return Err(PyValueError::new_err(SEPARATOR_ERROR));
    }
    Ok(text)
}

/// parse_qsl's work, giving each (name, value) to `emit`.
fn parse_query<'py>(
    function: &str,
    qs: &Bound<'py, PyAny>,
    keep_blank_values: bool,
    strict_parsing: bool,
    max_num_fields: Option<&Bound<'py, PyAny>>,
    separator: &Given<'py>,
    mut emit: impl FnMut(Bound<'py, PyString>, Bound<'py, PyString>) -> PyResult<()>,
) -> PyResult<()> {
    let py = qs.py();
    // urllib also parses bytes (into bytes) and None (as empty); the contract takes str.
    let qs = Text::of(
        qs.cast::<PyString>()
            .map_err(|_| wrong_type(function, "qs", "str", qs))?,
    )?;
    let separator = separator_text(py, function, separator)?;
    let qs_bytes = qs.bytes();
    // urllib's handling of an empty query changed: 3.10 splits it into one empty field (a
    // field count of 1, a bad field under strict_parsing), 3.11 and 3.12 count no field,
    // 3.13 returns [] before looking at max_num_fields.
    let empty_query_fields = match qs_bytes.is_empty().then(|| py.version_info()) {
        Some(version) if version < (3, 11) => Some(1),
        Some(version) if version < (3, 13) => Some(0),
        _ => None,
    };
    if let Some(max_num_fields) = max_num_fields.filter(|max| !max.is_none()) {
        let count = if qs_bytes.is_empty() {
            empty_query_fields
        } else {
            Some(core::field_count(qs_bytes, separator.bytes()))
        };
        if let Some(count) = count {
            if max_num_fields.lt(count)? {
                return Err(PyValueError::new_err("Max number of fields exceeded"));
            }
        }
    }
    if empty_query_fields == Some(1) && strict_parsing {
        return Err(PyValueError::new_err("bad query field: ''"));
    }
    let pairs = core::parse_qsl_wtf8(
        qs_bytes,
        separator.bytes(),
        keep_blank_values,
        strict_parsing,
    )
    .or_memory_error()?
    .map_err(|core::BadField(field)| bad_field(py, field))?;
    for (name, value) in pairs {
        emit(part_str(py, &name)?, part_str(py, &value)?)?;
    }
    Ok(())
}

/// urllib's `ValueError("bad query field: %r" % (field,))`, the message made by CPython (a
/// field may be as long as the query: no Rust copy of it).
fn bad_field(py: Python<'_>, field: &[u8]) -> PyErr {
    let message = part_str(py, field).and_then(|field| {
        let repr = field.repr()?;
        let prefix = intern!(py, "bad query field: ");
        concat(prefix, &repr)
    });
    match message {
        Ok(message) => PyValueError::new_err(message.unbind()),
        Err(error) => error,
    }
}

/// urllib's ``parse_qsl(qs, keep_blank_values=False, strict_parsing=False,
/// max_num_fields=None, separator='&')`` with UTF-8: a list of (name, value) str pairs.
/// ValueError for too many fields, a field without ``=`` under ``strict_parsing``, or a bad
/// separator.
#[pyfunction]
// Arguments extracted by PyO3, by value.
#[allow(clippy::needless_pass_by_value)]
#[pyo3(
    signature = (qs, keep_blank_values=Truth(false), strict_parsing=Truth(false), max_num_fields=None, separator=Given(None)),
    text_signature = "(qs, keep_blank_values=False, strict_parsing=False, max_num_fields=None, separator='&')"
)]
pub fn parse_qsl<'py>(
    qs: &Bound<'py, PyAny>,
    keep_blank_values: Truth,
    strict_parsing: Truth,
    max_num_fields: Option<&Bound<'py, PyAny>>,
    separator: Given<'py>,
) -> PyResult<Bound<'py, PyList>> {
    let py = qs.py();
    let out = new_list(py, Vec::new())?;
    parse_query(
        "parse_qsl",
        qs,
        keep_blank_values.0,
        strict_parsing.0,
        max_num_fields,
        &separator,
        |name, value| out.append(new_pair(name.into_any(), value.into_any())?),
    )?;
    Ok(out)
}

/// urllib's ``parse_qs``: ``parse_qsl``'s pairs as a dict of lists of values, in order.
#[pyfunction]
// Arguments extracted by PyO3, by value.
#[allow(clippy::needless_pass_by_value)]
#[pyo3(
    signature = (qs, keep_blank_values=Truth(false), strict_parsing=Truth(false), max_num_fields=None, separator=Given(None)),
    text_signature = "(qs, keep_blank_values=False, strict_parsing=False, max_num_fields=None, separator='&')"
)]
pub fn parse_qs<'py>(
    qs: &Bound<'py, PyAny>,
    keep_blank_values: Truth,
    strict_parsing: Truth,
    max_num_fields: Option<&Bound<'py, PyAny>>,
    separator: Given<'py>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = qs.py();
    let out = new_dict(py)?;
    parse_query(
        "parse_qs",
        qs,
        keep_blank_values.0,
        strict_parsing.0,
        max_num_fields,
        &separator,
        |name, value| match out.get_item(&name)? {
            Some(values) => values.cast_into::<PyList>()?.append(value),
            None => out.set_item(name, new_list(py, vec![value.into_any()])?),
        },
    )?;
    Ok(out)
}
