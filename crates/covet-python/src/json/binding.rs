//! The Python functions `dumps`, `dumps_str` and `loads`, and the exceptions they raise.
//!
//! The exception classes are defined in Python (`covet_rust_core._json_errors`) and shared
//! with the twin, so `except covet_rust_core.JSONDecodeError` catches both backends' errors.

use pyo3::exceptions::{PyBufferError, PyMemoryError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyString, PyType};

use super::de::{key_cache, ObjectSink};
use super::ser::{Failure, Options, Serializer};
use crate::convert::type_name;
use crate::ffi::buffer::ExportedBuffer;
use crate::ffi::bytes::BytesBuffer;
use crate::ffi::collector::CollectorPause;
use crate::ffi::string::{decode_utf8, encode_surrogatepass, str_utf8, Errors};
use covet_core::json::parse::{self, Encoding, ErrorKind, ParseError};
use covet_core::json::write::Output;

const ERRORS_MODULE: &str = "covet_rust_core._json_errors";
/// Where a `dumps` output starts; it doubles from there. Small enough that the bytes object
/// (this plus a 33-byte header) comes from CPython's small-object allocator, which is
/// cheaper than malloc for the many small documents of an API server.
const INITIAL_CAPACITY: usize = 448;

static DECODE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static ENCODE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

pub fn decode_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECODE_ERROR.import(py, ERRORS_MODULE, "JSONDecodeError")
}

pub fn encode_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    ENCODE_ERROR.import(py, ERRORS_MODULE, "JSONEncodeError")
}

/// A flag option, taken by its truth value as the standard library's `json.dumps` does.
#[derive(Clone, Copy)]
pub struct Flag(bool);

impl<'a, 'py> FromPyObject<'a, 'py> for Flag {
    type Error = PyErr;

    fn extract(value: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        value.is_truthy().map(Self)
    }
}

/// `dumps`' options when every one is at its default.
pub(super) fn default_options<'py>() -> Options<'py> {
    Options {
        default: None,
        sort_keys: false,
        indent: None,
        non_str_keys: false,
        nan_null: false,
    }
}

fn options<'py>(
    default: Option<Bound<'py, PyAny>>,
    sort_keys: Flag,
    indent: Option<&Bound<'py, PyAny>>,
    non_str_keys: Flag,
    nan: NanPolicy,
) -> PyResult<Options<'py>> {
    let default = default.filter(|value| !value.is_none());
    if let Some(default) = &default {
        if !default.is_callable() {
            return Err(PyTypeError::new_err(format!(
                "default must be callable or None, not {}",
                type_name(default)
            )));
        }
    }
    let indent = match indent.filter(|value| !value.is_none()) {
        None => None,
        Some(value)
            if value.is_instance_of::<pyo3::types::PyBool>()
                || !value.is_instance_of::<pyo3::types::PyInt>() =>
        {
            return Err(PyTypeError::new_err(format!(
                "indent must be None or an int, not {}",
                type_name(value)
            )));
        }
        Some(value) => {
            let width: i64 = value
                .extract()
                .map_err(|_| PyValueError::new_err("indent is too large"))?;
            if width < 0 {
                return Err(PyValueError::new_err(format!(
                    "indent must be >= 0, not {width}"
                )));
            }
            Some(usize::try_from(width).map_err(|_| PyValueError::new_err("indent is too large"))?)
        }
    };
    Ok(Options {
        default,
        sort_keys: sort_keys.0,
        indent,
        non_str_keys: non_str_keys.0,
        nan_null: nan == NanPolicy::Null,
    })
}

/// What `dumps` writes for NaN and infinities: the `nan=` option, "error" or "null".
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NanPolicy {
    Error,
    Null,
}

impl<'a, 'py> FromPyObject<'a, 'py> for NanPolicy {
    type Error = PyErr;

    fn extract(value: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match value
            .cast::<PyString>()
            .ok()
            .map(|text| text.to_string())
            .as_deref()
        {
            Some("error") => Ok(Self::Error),
            Some("null") => Ok(Self::Null),
            // A ValueError, not the TypeError of a failed conversion: None is refused too.
            _ => Err(PyValueError::new_err(format!(
                "nan must be 'error' or 'null', not {}",
                value.repr()?
            ))),
        }
    }
}

/// Serializes `obj` into a bytes buffer, the newline included if asked.
pub(super) fn serialize<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    options: Options<'py>,
    newline: bool,
) -> PyResult<BytesBuffer<'py>> {
    let out = BytesBuffer::with_capacity(py, INITIAL_CAPACITY)?;
    // With `default`, user code runs while containers are open: the serializer that copies
    // each container's items first (docs/JSON.md, "default and the containers it changes").
    let written = if options.default.is_some() {
        write(Serializer::<_, true>::new(py, out, options)?, obj)
    } else {
        write(Serializer::<_, false>::new(py, out, options)?, obj)
    };
    let mut out = match written {
        Ok(out) => out,
        Err(Failure::Python(error)) => return Err(*error),
        Err(Failure::Encode(error)) => {
            return Err(PyErr::from_type(
                encode_error_type(py)?.clone(),
                error.message(),
            ))
        }
    };
    if newline {
        out.write(b"\n").map_err(|_| PyErr::fetch(py))?;
    }
    Ok(out)
}

/// Writes `obj`, and gives the output back.
fn write<'py, O: Output, const SNAPSHOT: bool>(
    mut serializer: Serializer<'py, O, SNAPSHOT>,
    obj: &Bound<'py, PyAny>,
) -> Result<O, Failure> {
    serializer.value(obj.as_borrowed(), 0)?;
    Ok(serializer.out)
}

/// Serialize ``obj`` to compact JSON as UTF-8 ``bytes``.
///
/// Options are keyword-only: ``default`` (called for unsupported objects), ``sort_keys``,
/// ``indent`` (None or spaces per level), ``non_str_keys`` (allow int, float, bool, None,
/// Enum, UUID and date/time keys), ``nan`` ("error" or "null") and ``append_newline``.
/// Raises JSONEncodeError (a TypeError) naming the type and where it was met.
#[pyfunction]
#[allow(clippy::too_many_arguments)] // the Python signature: obj and six keyword options
#[pyo3(
    signature = (obj, /, *, default=None, sort_keys=Flag(false), indent=None, non_str_keys=Flag(false), nan=NanPolicy::Error, append_newline=Flag(false)),
    text_signature = "(obj, /, *, default=None, sort_keys=False, indent=None, non_str_keys=False, nan='error', append_newline=False)"
)]
pub fn dumps<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    default: Option<Bound<'py, PyAny>>,
    sort_keys: Flag,
    indent: Option<&Bound<'py, PyAny>>,
    non_str_keys: Flag,
    nan: NanPolicy,
    append_newline: Flag,
) -> PyResult<Bound<'py, PyBytes>> {
    let options = options(default, sort_keys, indent, non_str_keys, nan)?;
    serialize(py, obj, options, append_newline.0)?.finish()
}

/// Like ``dumps``, returning ``str`` (converted once, inside).
#[pyfunction]
#[allow(clippy::too_many_arguments)] // the Python signature: obj and six keyword options
#[pyo3(
    signature = (obj, /, *, default=None, sort_keys=Flag(false), indent=None, non_str_keys=Flag(false), nan=NanPolicy::Error, append_newline=Flag(false)),
    text_signature = "(obj, /, *, default=None, sort_keys=False, indent=None, non_str_keys=False, nan='error', append_newline=False)"
)]
pub fn dumps_str<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    default: Option<Bound<'py, PyAny>>,
    sort_keys: Flag,
    indent: Option<&Bound<'py, PyAny>>,
    non_str_keys: Flag,
    nan: NanPolicy,
    append_newline: Flag,
) -> PyResult<Bound<'py, PyString>> {
    let options = options(default, sort_keys, indent, non_str_keys, nan)?;
    let out = serialize(py, obj, options, append_newline.0)?;
    // The output is valid UTF-8: strings with lone surrogates were refused.
    decode_utf8(py, out.as_slice(), Errors::Strict).ok_or_else(|| PyErr::fetch(py))
}

/// The bytes of `loads`' argument, borrowed where that is safe.
enum Document<'a, 'py> {
    /// A `str`'s UTF-8 form (CPython's own, cached in the object).
    Str(Bound<'py, PyString>, &'a [u8]),
    /// A `str` holding lone surrogates, encoded with `surrogatepass`.
    StrWithSurrogates(Bound<'py, PyString>, Bound<'py, PyBytes>),
    Bytes(Bound<'py, PyBytes>),
    /// Other buffers (bytearray, memoryview...) are copied: they could change while parsed.
    Copied(Vec<u8>),
}

impl Document<'_, '_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Self::Str(_, bytes) => bytes,
            Self::StrWithSurrogates(_, bytes) | Self::Bytes(bytes) => bytes.as_bytes(),
            Self::Copied(bytes) => bytes,
        }
    }
}

fn document<'a, 'py>(data: &'a Bound<'py, PyAny>) -> PyResult<Document<'a, 'py>> {
    if let Ok(text) = data.cast::<PyString>() {
        // The bytes live as long as the str, which `data` keeps alive.
        if let Some(bytes) = str_utf8(text.as_borrowed()) {
            return Ok(Document::Str(text.clone(), bytes));
        }
        return Ok(Document::StrWithSurrogates(
            text.clone(),
            encode_surrogatepass(text)?,
        ));
    }
    if let Ok(bytes) = data.cast::<PyBytes>() {
        return Ok(Document::Bytes(bytes.clone()));
    }
    // Any buffer, 0-dimensional ones (a ctypes scalar) included, as the twin's memoryview();
    // a TypeError (no buffer, or the exporter's own) becomes loads' own, as the twin's does,
    // and anything else the exporter raises propagates.
    let export = match ExportedBuffer::get_if_contiguous(data) {
        Ok(export) => export,
        Err(error) if error.is_instance_of::<PyTypeError>(data.py()) => {
            return Err(PyTypeError::new_err(format!(
                "loads() argument must be str, bytes, bytearray or memoryview, not {}",
                type_name(data)
            )));
        }
        Err(error) => return Err(error),
    };
    let Some(export) = export else {
        return Err(PyBufferError::new_err(
            "loads() needs a C-contiguous buffer",
        ));
    };
    Ok(Document::Copied(copied(export.bytes())?))
}

/// A copy of `bytes`; MemoryError rather than an abort when it cannot be allocated.
fn copied(bytes: &[u8]) -> PyResult<Vec<u8>> {
    let mut copy = Vec::new();
    copy.try_reserve_exact(bytes.len())
        .map_err(|_| PyMemoryError::new_err(()))?;
    copy.extend_from_slice(bytes);
    Ok(copy)
}

/// The JSONDecodeError for `error`, with the document as `str` and a character position.
fn decode_error(py: Python<'_>, document: &Document<'_, '_>, error: ParseError) -> PyErr {
    if error.kind == ErrorKind::Sink {
        return PyErr::fetch(py);
    }
    if error.kind == ErrorKind::OutOfMemory {
        return PyMemoryError::new_err(());
    }
    // A sink failure may have been superseded (a UnicodeDecodeError by "Invalid UTF-8").
    drop(PyErr::take(py));
    let bytes = document.bytes();
    let pos = parse::char_index(bytes, error.offset);
    let doc = match document {
        Document::Str(text, _) | Document::StrWithSurrogates(text, _) => {
            Ok(text.clone().into_any())
        }
        Document::Bytes(_) | Document::Copied(_) => decode_utf8(py, bytes, Errors::Replace)
            .map(Bound::into_any)
            .ok_or_else(|| PyErr::fetch(py)),
    };
    match (doc, decode_error_type(py)) {
        (Ok(doc), Ok(class)) => {
            PyErr::from_type(class.clone(), (error.kind.message(), doc.unbind(), pos))
        }
        (Err(error), _) | (_, Err(error)) => error,
    }
}

/// Parse a JSON document (strict RFC 8259) from ``str`` or UTF-8 bytes.
///
/// Integers of any size are exact; floats are correctly rounded. Raises JSONDecodeError
/// (a json.JSONDecodeError) with the message and position of the first problem, including
/// nesting deeper than 1024.
#[pyfunction]
#[pyo3(signature = (data, /))]
pub fn loads<'py>(py: Python<'py>, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    loads_document(py, data)
}

/// `loads`' work, for its PyO3 function and its fast entry point.
pub(super) fn loads_document<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let document = document(data)?;
    let encoding = match document {
        Document::Str(..) => Encoding::Utf8,
        Document::StrWithSurrogates(..) => Encoding::Wtf8,
        Document::Bytes(_) | Document::Copied(_) => Encoding::Unchecked,
    };
    let bytes = document.bytes();
    // No Python code runs during the parse: nothing can see or change the collector's state
    // until the pause ends.
    let pause = if bytes.len() >= PAUSE_COLLECTOR_FROM {
        CollectorPause::begin(py)
    } else {
        None
    };
    let mut sink = ObjectSink::new(py, key_cache());
    let result = match parse::parse(bytes, encoding, &mut sink) {
        Ok(()) => sink.into_root(),
        Err(error) => {
            drop(sink);
            // Takes the sink's exception, if any, out of the interpreter.
            Err(decode_error(py, &document, error))
        }
    };
    match (result, pause) {
        (Ok(root), Some(pause)) => pause.end().map(|()| root),
        (Err(error), Some(pause)) => {
            // The parse's error is the one to raise; the collection's own, unlikely, goes
            // where CPython puts errors it cannot raise.
            if let Err(collection) = pause.end() {
                collection.write_unraisable(py, None);
            }
            Err(error)
        }
        (result, None) => result,
    }
}

/// The document size from which `loads` pauses the cyclic collector (`CollectorPause`):
/// below it, a document holds too few containers (one collection per 700) for the pause
/// to matter.
const PAUSE_COLLECTOR_FROM: usize = 16 * 1024;

/// `dumps(obj, sort_keys=...)` for other bindings (the JWT header and payload): the bytes
/// object under construction, read with `as_slice`.
pub(crate) fn dumps_buffer<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    sort_keys: bool,
) -> PyResult<BytesBuffer<'py>> {
    let options = options(None, Flag(sort_keys), None, Flag(false), NanPolicy::Error)?;
    serialize(py, obj, options, false)
}

/// `loads(bytes)` for other bindings that refuse repeated keys: `Err(None)` when the
/// document is not valid JSON or repeats a key in some object (the caller words that
/// itself), `Err(Some(error))` for a Python exception such as MemoryError.
pub(crate) fn loads_slice_unique_keys<'py>(
    py: Python<'py>,
    bytes: &[u8],
) -> Result<Bound<'py, PyAny>, Option<PyErr>> {
    let mut sink = ObjectSink::rejecting_duplicates(py, key_cache());
    match parse::parse(bytes, Encoding::Unchecked, &mut sink) {
        Ok(()) => sink.into_root().map_err(Some),
        Err(error) => {
            let duplicate = sink.duplicate;
            drop(sink);
            let pending = PyErr::take(py);
            // A sink failure with a Python exception that is not about the text itself.
            if error.kind == ErrorKind::Sink && !duplicate {
                return Err(pending);
            }
            if error.kind == ErrorKind::OutOfMemory {
                return Err(Some(PyMemoryError::new_err(())));
            }
            Err(None)
        }
    }
}

/// `loads(bytes)` for other bindings, on a slice of UTF-8 to be checked.
pub(crate) fn loads_slice<'py>(py: Python<'py>, bytes: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    let mut sink = ObjectSink::new(py, key_cache());
    match parse::parse(bytes, Encoding::Unchecked, &mut sink) {
        Ok(()) => sink.into_root(),
        Err(error) => {
            drop(sink);
            Err(decode_error(py, &Document::Copied(copied(bytes)?), error))
        }
    }
}
