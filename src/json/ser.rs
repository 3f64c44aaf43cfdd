//! `dumps`: Python objects to JSON text, written straight into the output `bytes`.
//!
//! Dispatch compares exact type pointers, most common types first (str, int, float, bool,
//! None, dict, list, tuple); subclasses and the richer types (datetime, UUID, Enum,
//! Decimal, dataclasses) and `default` are the slow path. Every item is held by a new
//! reference while it is written, since `default` runs user code that may mutate the
//! containers being walked; with `default`, each dict's and list's items are copied when
//! writing it starts (`Serializer::held`), so what `default` does to them is not seen and a
//! `default` that keeps adding items cannot make the output endless (without `default`,
//! nothing is copied: only methods of subclasses, such as an overridden `isoformat()`, run
//! user code then, and docs/JSON.md leaves what their changes do unspecified). The error
//! path (a path from the root, circular-reference detection) costs nothing until something
//! fails: it is assembled while unwinding.

use std::collections::TryReserveError;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyString, PyTuple, PyType};

use super::ffi::{one_digit_int, str_utf8};
use super::write::{write_f64, write_i64, write_str, OutOfMemory, Output};
use super::{MAX_DEFAULT_CHAIN, MAX_DEPTH};

pub struct Options<'py> {
    pub default: Option<Bound<'py, PyAny>>,
    pub sort_keys: bool,
    pub indent: Option<usize>,
    pub non_str_keys: bool,
    pub nan_null: bool,
}

/// What went wrong, before the path is known.
pub enum Problem {
    Unsupported(String),
    KeyNotStr(String),
    KeyUnsupported(String),
    OutOfRange(String),
    LoneSurrogate,
    TooDeep,
    DefaultChain,
}

enum Segment {
    /// The key, already JSON-encoded.
    Key(Vec<u8>),
    Index(usize),
}

pub struct EncodeError {
    problem: Problem,
    /// From the failing place up to the root (reversed while unwinding).
    path: Vec<Segment>,
    /// For `TooDeep`: the containers from the too-deep one up to the root.
    chain: Vec<Py<PyAny>>,
}

/// Boxed, so that `Result<(), Failure>`, returned by every step of the recursion, fits in
/// two registers.
pub enum Failure {
    /// A Python exception to raise as it is (from `default`, MemoryError, int digits).
    Python(Box<PyErr>),
    Encode(Box<EncodeError>),
}

impl From<PyErr> for Failure {
    #[cold]
    fn from(error: PyErr) -> Self {
        Self::Python(Box::new(error))
    }
}

impl From<OutOfMemory> for Failure {
    #[cold]
    fn from(OutOfMemory: OutOfMemory) -> Self {
        Python::attach(|py| {
            PyErr::take(py)
                .unwrap_or_else(|| pyo3::exceptions::PyMemoryError::new_err(()))
                .into()
        })
    }
}

#[cold]
fn encode_error(problem: Problem) -> Failure {
    Failure::Encode(Box::new(EncodeError {
        problem,
        path: Vec::new(),
        chain: Vec::new(),
    }))
}

impl EncodeError {
    /// The message of the JSONEncodeError, the path written from the root.
    pub fn message(self) -> String {
        let mut segments = self.path;
        segments.reverse();
        let render = |segments: &[Segment]| {
            let mut path = String::from("$");
            for segment in segments {
                match segment {
                    Segment::Key(key) => {
                        path.push('[');
                        path.push_str(&String::from_utf8_lossy(key));
                        path.push(']');
                    }
                    Segment::Index(index) => {
                        path.push('[');
                        path.push_str(&index.to_string());
                        path.push(']');
                    }
                }
            }
            path
        };
        match self.problem {
            Problem::Unsupported(name) => {
                format!(
                    "Type is not JSON serializable: {name} at {}",
                    render(&segments)
                )
            }
            Problem::KeyNotStr(name) => format!(
                "Dict key must be str, not {name} at {} (pass non_str_keys=True)",
                render(&segments)
            ),
            Problem::KeyUnsupported(name) => {
                format!(
                    "Dict key type is not supported: {name} at {}",
                    render(&segments)
                )
            }
            Problem::OutOfRange(value) => {
                format!("Out of range float value {value} at {}", render(&segments))
            }
            Problem::LoneSurrogate => {
                format!("str contains a lone surrogate at {}", render(&segments))
            }
            Problem::DefaultChain => format!(
                "default() was called {MAX_DEFAULT_CHAIN} times in a row without returning a \
                 serializable value, at {}",
                render(&segments)
            ),
            Problem::TooDeep => {
                // chain[k] (root first) is the container at path segments[..k].
                let mut chain: Vec<*mut ffi::PyObject> =
                    self.chain.iter().map(Py::as_ptr).collect();
                chain.reverse();
                let repeat = (1..chain.len()).find(|&k| chain[..k].contains(&chain[k]));
                match repeat {
                    Some(k) => format!("Circular reference detected at {}", render(&segments[..k])),
                    None => format!(
                        "Nesting too deep (limit {MAX_DEPTH}) at {}",
                        render(&segments)
                    ),
                }
            }
        }
    }
}

/// Types and names looked up once per process.
struct Lookups {
    uuid: Py<PyType>,
    enum_: Py<PyType>,
    decimal: Py<PyType>,
    dataclass_fields: Py<PyAny>,
}

static LOOKUPS: PyOnceLock<Lookups> = PyOnceLock::new();

fn lookups(py: Python<'_>) -> PyResult<&'static Lookups> {
    LOOKUPS.get_or_try_init(py, || {
        // SAFETY: imports the datetime C API capsule; idempotent.
        unsafe { ffi::PyDateTime_IMPORT() };
        if unsafe { ffi::PyDateTimeAPI() }.is_null() {
            return Err(PyErr::fetch(py));
        }
        let class = |module: &str, name: &str| -> PyResult<Py<PyType>> {
            Ok(py
                .import(module)?
                .getattr(name)?
                .cast_into::<PyType>()?
                .unbind())
        };
        Ok(Lookups {
            uuid: class("uuid", "UUID")?,
            enum_: class("enum", "Enum")?,
            decimal: class("decimal", "Decimal")?,
            dataclass_fields: py.import("dataclasses")?.getattr("fields")?.unbind(),
        })
    })
}

/// `SNAPSHOT`: `default` is given, so user code runs while containers are open, and each
/// dict and list is copied when writing it starts. A compile-time flag: the checks cost
/// the common path nothing (a run-time test on every container cost 1% to 2.5% more
/// instructions on the benchmark documents).
pub struct Serializer<'py, O, const SNAPSHOT: bool> {
    py: Python<'py>,
    pub out: O,
    options: Options<'py>,
    lookups: &'static Lookups,
    /// `SNAPSHOT`: the items of the dicts and lists being written, copied when each was
    /// opened (a dict's as key, value pairs), each held by a new reference; every open
    /// container owns the range from where it started to the next one's start. One buffer
    /// for the whole call: copying costs no allocation per container.
    held: Vec<*mut ffi::PyObject>,
}

#[inline]
unsafe fn type_is(object: *mut ffi::PyObject, ty: *mut ffi::PyTypeObject) -> bool {
    unsafe { ffi::Py_TYPE(object) == ty }
}

#[inline]
unsafe fn is_subtype(object: *mut ffi::PyObject, ty: &Py<PyType>) -> bool {
    unsafe { ffi::PyType_IsSubtype(ffi::Py_TYPE(object), ty.as_ptr().cast()) != 0 }
}

fn type_name(object: &Bound<'_, PyAny>) -> String {
    object
        .get_type()
        .qualname()
        .map_or_else(|_| "?".to_owned(), |name| name.to_string())
}

/// What kind of container is being written, for its opening and closing bytes.
#[derive(Clone, Copy)]
enum Brackets {
    Array,
    Object,
}

impl<'py, O: Output, const SNAPSHOT: bool> Serializer<'py, O, SNAPSHOT> {
    pub fn new(py: Python<'py>, out: O, options: Options<'py>) -> PyResult<Self> {
        Ok(Self {
            py,
            out,
            options,
            lookups: lookups(py)?,
            held: Vec::new(),
        })
    }

    /// Writes `object` (borrowed; the caller keeps it alive).
    pub fn value(&mut self, object: *mut ffi::PyObject, depth: usize) -> Result<(), Failure> {
        unsafe {
            if type_is(object, &raw mut ffi::PyUnicode_Type) {
                return self.string(object);
            }
            if type_is(object, &raw mut ffi::PyLong_Type) {
                return self.int(object);
            }
            if type_is(object, &raw mut ffi::PyFloat_Type) {
                return self.float(ffi::PyFloat_AS_DOUBLE(object));
            }
            if type_is(object, &raw mut ffi::PyBool_Type) {
                return Ok(self.out.write(if object == ffi::Py_True() {
                    b"true"
                } else {
                    b"false"
                })?);
            }
            if object == ffi::Py_None() {
                return Ok(self.out.write(b"null")?);
            }
            if type_is(object, &raw mut ffi::PyDict_Type) {
                return super::with_stack(depth, || self.dict(object, object, depth + 1));
            }
            if type_is(object, &raw mut ffi::PyList_Type)
                || type_is(object, &raw mut ffi::PyTuple_Type)
            {
                return super::with_stack(depth, || self.sequence(object, depth + 1));
            }
        }
        self.other(object, depth)
    }

    /// Everything but the exact common types: subclasses, the richer types, `default`.
    #[inline(never)]
    fn other(&mut self, object: *mut ffi::PyObject, depth: usize) -> Result<(), Failure> {
        let py = self.py;
        // `current` owns what default()/Enum.value returned; the original is borrowed.
        let mut current: Bound<'py, PyAny> = unsafe { Bound::from_borrowed_ptr(py, object) };
        let mut default_calls = 0;
        loop {
            let ptr = current.as_ptr();
            unsafe {
                if ffi::PyUnicode_Check(ptr) != 0 {
                    return self.string(ptr);
                }
                if ffi::PyBool_Check(ptr) != 0 || ptr == ffi::Py_None() {
                    return self.value(ptr, depth);
                }
                if ffi::PyLong_Check(ptr) != 0 {
                    return self.int(ptr);
                }
                if ffi::PyFloat_Check(ptr) != 0 {
                    return self.float(ffi::PyFloat_AS_DOUBLE(ptr));
                }
                if ffi::PyDict_Check(ptr) != 0 {
                    return super::with_stack(depth, || self.dict(ptr, ptr, depth + 1));
                }
                if ffi::PyList_Check(ptr) != 0 || ffi::PyTuple_Check(ptr) != 0 {
                    return super::with_stack(depth, || self.sequence(ptr, depth + 1));
                }
                if ffi::PyDate_Check(ptr) != 0 || ffi::PyTime_Check(ptr) != 0 {
                    // datetime is a date subclass: one isoformat() serves all three.
                    return self.text_of(&current.call_method0(pyo3::intern!(py, "isoformat"))?);
                }
                if is_subtype(ptr, &self.lookups.uuid) {
                    return self.text_of(&current.str()?.into_any());
                }
                if is_subtype(ptr, &self.lookups.enum_) {
                    current = current.getattr(pyo3::intern!(py, "value"))?;
                    continue;
                }
                if is_subtype(ptr, &self.lookups.decimal) {
                    return self.decimal(&current);
                }
                if current
                    .get_type()
                    .hasattr(pyo3::intern!(py, "__dataclass_fields__"))?
                {
                    return super::with_stack(depth, || self.dataclass(&current, depth + 1));
                }
            }
            let Some(default) = &self.options.default else {
                return Err(encode_error(Problem::Unsupported(type_name(&current))));
            };
            if default_calls == MAX_DEFAULT_CHAIN {
                return Err(encode_error(Problem::DefaultChain));
            }
            default_calls += 1;
            current = default.call1((current,))?;
        }
    }

    unsafe fn string(&mut self, object: *mut ffi::PyObject) -> Result<(), Failure> {
        match unsafe { str_utf8(object) } {
            Some(text) => Ok(write_str(&mut self.out, text)?),
            None => Err(encode_error(Problem::LoneSurrogate)),
        }
    }

    /// A `str` from isoformat()/str(), written as a JSON string.
    fn text_of(&mut self, text: &Bound<'py, PyAny>) -> Result<(), Failure> {
        unsafe { self.string(text.as_ptr()) }
    }

    unsafe fn int(&mut self, object: *mut ffi::PyObject) -> Result<(), Failure> {
        if let Some(value) = unsafe { one_digit_int(object) } {
            return Ok(write_i64(&mut self.out, value)?);
        }
        let mut overflow = 0;
        let value = unsafe { ffi::PyLong_AsLongLongAndOverflow(object, &raw mut overflow) };
        if overflow == 0 && !(value == -1 && unsafe { !ffi::PyErr_Occurred().is_null() }) {
            return Ok(write_i64(&mut self.out, value)?);
        }
        let digits = int_repr(self.py, object)?;
        Ok(self.out.write(digits.to_str()?.as_bytes())?)
    }

    fn float(&mut self, value: f64) -> Result<(), Failure> {
        if value.is_finite() {
            return Ok(write_f64(&mut self.out, value)?);
        }
        if self.options.nan_null {
            return Ok(self.out.write(b"null")?);
        }
        Err(encode_error(Problem::OutOfRange(float_repr(value))))
    }

    fn decimal(&mut self, value: &Bound<'py, PyAny>) -> Result<(), Failure> {
        let py = self.py;
        let finite = value
            .call_method0(pyo3::intern!(py, "is_finite"))?
            .is_truthy()?;
        let text = value.str()?;
        if finite {
            return Ok(self.out.write(text.to_str()?.as_bytes())?);
        }
        if self.options.nan_null {
            return Ok(self.out.write(b"null")?);
        }
        Err(encode_error(Problem::OutOfRange(text.to_string())))
    }

    fn dataclass(&mut self, object: &Bound<'py, PyAny>, depth: usize) -> Result<(), Failure> {
        let py = self.py;
        let fields = self.lookups.dataclass_fields.bind(py).call1((object,))?;
        let items = pyo3::types::PyDict::new(py);
        for field in fields.cast::<PyTuple>().map_err(PyErr::from)? {
            let name = field.getattr(pyo3::intern!(py, "name"))?;
            let value = object.getattr(name.cast::<PyString>().map_err(PyErr::from)?)?;
            items.set_item(name, value)?;
        }
        // Written as a dict, but it is the dataclass that counts for circularity.
        self.dict(items.as_ptr(), object.as_ptr(), depth)
    }

    #[inline]
    fn too_deep(&self, identity: *mut ffi::PyObject, depth: usize) -> Result<(), Failure> {
        if depth > MAX_DEPTH {
            return self.too_deep_error(identity);
        }
        Ok(())
    }

    #[cold]
    fn too_deep_error(&self, identity: *mut ffi::PyObject) -> Result<(), Failure> {
        let py_object = unsafe { Bound::from_borrowed_ptr(self.py, identity) }.unbind();
        Err(Failure::Encode(Box::new(EncodeError {
            problem: Problem::TooDeep,
            path: Vec::new(),
            chain: vec![py_object],
        })))
    }

    fn newline(&mut self, depth: usize) -> Result<(), OutOfMemory> {
        const SPACES: &[u8; 64] = &[b' '; 64];
        if let Some(indent) = self.options.indent {
            // An indent too large to multiply out could never be allocated either.
            let width = indent.checked_mul(depth).ok_or(OutOfMemory)?;
            self.out.reserve(width.checked_add(1).ok_or(OutOfMemory)?)?;
            unsafe { self.out.extend_reserved(b"\n") };
            let mut left = width;
            while left > 0 {
                let chunk = left.min(SPACES.len());
                unsafe { self.out.extend_reserved(&SPACES[..chunk]) };
                left -= chunk;
            }
        }
        Ok(())
    }

    fn open(&mut self, brackets: Brackets, empty: bool) -> Result<(), OutOfMemory> {
        let bytes: &[u8] = match (brackets, empty) {
            (Brackets::Array, true) => b"[]",
            (Brackets::Array, false) => b"[",
            (Brackets::Object, true) => b"{}",
            (Brackets::Object, false) => b"{",
        };
        self.out.write(bytes)
    }

    fn close(&mut self, brackets: Brackets, depth: usize) -> Result<(), OutOfMemory> {
        self.newline(depth - 1)?;
        self.out.write(match brackets {
            Brackets::Array => b"]",
            Brackets::Object => b"}",
        })
    }

    fn sequence(&mut self, sequence: *mut ffi::PyObject, depth: usize) -> Result<(), Failure> {
        self.too_deep(sequence, depth)?;
        if SNAPSHOT && unsafe { ffi::PyList_Check(sequence) != 0 } {
            return self.list_snapshot(sequence, depth);
        }
        let is_list = unsafe { ffi::PyList_Check(sequence) != 0 };
        // Re-read each time: without `default` no copy is made, and user code (a subclass's
        // isoformat(), an Enum's value) may still change a list while it is being written.
        let len = |s| unsafe {
            if is_list {
                ffi::PyList_GET_SIZE(s)
            } else {
                ffi::PyTuple_GET_SIZE(s)
            }
        };
        self.open(Brackets::Array, len(sequence) == 0)?;
        if len(sequence) == 0 {
            return Ok(());
        }
        let py = self.py;
        by_other_threads_unchanged(py, sequence, || {
            let mut index = 0;
            while index < len(sequence) {
                if index > 0 {
                    self.out.write(b",")?;
                }
                self.newline(depth)?;
                let item = unsafe {
                    let item = if is_list {
                        ffi::PyList_GET_ITEM(sequence, index)
                    } else {
                        ffi::PyTuple_GET_ITEM(sequence, index)
                    };
                    ffi::Py_NewRef(item)
                };
                let result = self.value(item, depth);
                unsafe { ffi::Py_DECREF(item) };
                if let Err(failure) = result {
                    return Err(unwind(
                        py,
                        failure,
                        sequence,
                        Segment::Index(usize::try_from(index).unwrap_or(0)),
                    ));
                }
                index += 1;
            }
            Ok(self.close(Brackets::Array, depth)?)
        })
    }

    /// `default` is given, and may change the list: writes the items it had when writing
    /// started.
    #[inline(never)]
    fn list_snapshot(&mut self, list: *mut ffi::PyObject, depth: usize) -> Result<(), Failure> {
        let start = self.held.len();
        self.hold(list, |held| {
            // Read through the base class: list.__getitem__ of a subclass is not called.
            let len = unsafe { ffi::PyList_GET_SIZE(list) };
            held.try_reserve(usize::try_from(len).unwrap_or(0))?;
            for index in 0..len {
                held.push(unsafe { ffi::Py_NewRef(ffi::PyList_GET_ITEM(list, index)) });
            }
            Ok(())
        })?;
        let result = self.held_items(list, start, depth);
        self.release(start);
        result
    }

    /// The array of the items `list_snapshot` copied from `list` (from `start` on).
    fn held_items(
        &mut self,
        list: *mut ffi::PyObject,
        start: usize,
        depth: usize,
    ) -> Result<(), Failure> {
        let end = self.held.len();
        self.open(Brackets::Array, start == end)?;
        if start == end {
            return Ok(());
        }
        for index in start..end {
            if index > start {
                self.out.write(b",")?;
            }
            self.newline(depth)?;
            let item = self.held[index];
            self.value(item, depth)
                .map_err(|failure| unwind(self.py, failure, list, Segment::Index(index - start)))?;
        }
        Ok(self.close(Brackets::Array, depth)?)
    }

    /// Copies references to `held` with `copy`, so that no other thread changes `container`
    /// meanwhile; MemoryError if `held` cannot grow.
    fn hold(
        &mut self,
        container: *mut ffi::PyObject,
        copy: impl FnOnce(&mut Vec<*mut ffi::PyObject>) -> Result<(), TryReserveError>,
    ) -> PyResult<()> {
        let held = &mut self.held;
        by_other_threads_unchanged(self.py, container, || copy(held))
            .map_err(|_| pyo3::exceptions::PyMemoryError::new_err(()))
    }

    /// Releases the references held from `start` on.
    fn release(&mut self, start: usize) {
        for object in self.held.drain(start..) {
            // SAFETY: a reference taken by `hold`; the serializer runs attached.
            unsafe { ffi::Py_DECREF(object) };
        }
    }

    /// Writes `dict` (a dict or subclass) as an object; `identity` is the object that counts
    /// for circularity (the dict itself, or the dataclass it was made from).
    fn dict(
        &mut self,
        dict: *mut ffi::PyObject,
        identity: *mut ffi::PyObject,
        depth: usize,
    ) -> Result<(), Failure> {
        self.too_deep(identity, depth)?;
        let empty = unsafe { ffi::PyDict_Size(dict) } == 0;
        self.open(Brackets::Object, empty)?;
        if empty {
            return Ok(());
        }
        if self.options.sort_keys {
            return self.sorted_dict(dict, identity, depth);
        }
        // A dataclass's dict is our own: nobody else can change it.
        if SNAPSHOT && dict == identity {
            return self.dict_snapshot(dict, depth);
        }
        by_other_threads_unchanged(self.py, dict, || {
            let mut position: ffi::Py_ssize_t = 0;
            let mut key: *mut ffi::PyObject = std::ptr::null_mut();
            let mut value: *mut ffi::PyObject = std::ptr::null_mut();
            let mut first = true;
            while unsafe { ffi::PyDict_Next(dict, &raw mut position, &raw mut key, &raw mut value) }
                != 0
            {
                if !first {
                    self.out.write(b",")?;
                }
                first = false;
                self.newline(depth)?;
                // Own both while writing: user code run meanwhile (a subclass's isoformat())
                // may remove them from the dict.
                let (key, value) = unsafe { (ffi::Py_NewRef(key), ffi::Py_NewRef(value)) };
                let result = self.item(key, value, identity, depth);
                unsafe {
                    ffi::Py_DECREF(key);
                    ffi::Py_DECREF(value);
                }
                result?;
            }
            Ok(self.close(Brackets::Object, depth)?)
        })
    }

    /// `default` is given, and may change the dict: writes the items it had when writing
    /// started, as the standard library's C encoder did up to 3.11.
    #[inline(never)]
    fn dict_snapshot(&mut self, dict: *mut ffi::PyObject, depth: usize) -> Result<(), Failure> {
        let start = self.held.len();
        self.hold(dict, |held| {
            let size = usize::try_from(unsafe { ffi::PyDict_Size(dict) }).unwrap_or(0);
            held.try_reserve(2 * size)?;
            let mut position: ffi::Py_ssize_t = 0;
            let mut key: *mut ffi::PyObject = std::ptr::null_mut();
            let mut value: *mut ffi::PyObject = std::ptr::null_mut();
            // Read through the base class (no user code), so nothing changes meanwhile.
            while unsafe { ffi::PyDict_Next(dict, &raw mut position, &raw mut key, &raw mut value) }
                != 0
            {
                held.push(unsafe { ffi::Py_NewRef(key) });
                held.push(unsafe { ffi::Py_NewRef(value) });
            }
            Ok(())
        })?;
        let result = self.held_pairs(dict, start, depth);
        self.release(start);
        result
    }

    /// The items `dict_snapshot` copied from `dict` (from `start` on), the `{` written.
    fn held_pairs(
        &mut self,
        dict: *mut ffi::PyObject,
        start: usize,
        depth: usize,
    ) -> Result<(), Failure> {
        let end = self.held.len();
        for index in (start..end).step_by(2) {
            if index > start {
                self.out.write(b",")?;
            }
            self.newline(depth)?;
            let (key, value) = (self.held[index], self.held[index + 1]);
            self.item(key, value, dict, depth)?;
        }
        Ok(self.close(Brackets::Object, depth)?)
    }

    /// One `"key":value` of a dict being written in its own order.
    // Two callers (the live loop and `held_pairs`); measured (callgrind, citm_catalog.json
    // with `default`): called rather than inlined, it costs 6% more instructions.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn item(
        &mut self,
        key: *mut ffi::PyObject,
        value: *mut ffi::PyObject,
        identity: *mut ffi::PyObject,
        depth: usize,
    ) -> Result<(), Failure> {
        if unsafe { type_is(key, &raw mut ffi::PyUnicode_Type) } {
            unsafe { self.string(key)? };
        } else {
            let key_text = self.key_text(&unsafe { Bound::from_borrowed_ptr(self.py, key) })?;
            write_str(&mut self.out, key_text.as_bytes())?;
        }
        self.key_separator()?;
        self.value(value, depth)
            .map_err(|failure| self.unwind_at_key(failure, key, identity))
    }

    /// What comes between a key and its value.
    fn key_separator(&mut self) -> Result<(), OutOfMemory> {
        self.out.write(if self.options.indent.is_some() {
            b": "
        } else {
            b":"
        })
    }

    /// `unwind` for a failure under `key` of the dict at hand.
    #[cold]
    fn unwind_at_key(
        &self,
        failure: Failure,
        key: *mut ffi::PyObject,
        identity: *mut ffi::PyObject,
    ) -> Failure {
        let Failure::Encode(_) = failure else {
            return failure;
        };
        let key = unsafe { Bound::from_borrowed_ptr(self.py, key) };
        match self.key_text(&key) {
            Ok(key_text) => unwind(self.py, failure, identity, key_segment(&key_text)),
            Err(other) => other,
        }
    }

    fn sorted_dict(
        &mut self,
        dict: *mut ffi::PyObject,
        identity: *mut ffi::PyObject,
        depth: usize,
    ) -> Result<(), Failure> {
        // All items are read (and their keys converted) before any value is written: with
        // `default`, this is already the copy the other paths make.
        let dict = unsafe { Bound::from_borrowed_ptr(self.py, dict) }
            .cast_into::<pyo3::types::PyDict>()
            .map_err(PyErr::from)?;
        let mut items = Vec::with_capacity(dict.len());
        for (key, value) in dict.iter() {
            let key_text = self.key_text(&key)?;
            items.push((key_text, value));
        }
        // Stable: equal converted keys keep their order. UTF-8 byte order is code-point order.
        items.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        for (index, (key_text, value)) in items.iter().enumerate() {
            if index > 0 {
                self.out.write(b",")?;
            }
            self.newline(depth)?;
            write_str(&mut self.out, key_text.as_bytes())?;
            self.key_separator()?;
            self.value(value.as_ptr(), depth)
                .map_err(|failure| unwind(self.py, failure, identity, key_segment(key_text)))?;
        }
        Ok(self.close(Brackets::Object, depth)?)
    }

    /// The text a dict key is written as; the failure (if any) is about the dict.
    fn key_text(&self, key: &Bound<'py, PyAny>) -> Result<KeyText<'py>, Failure> {
        let ptr = key.as_ptr();
        if unsafe { ffi::PyUnicode_Check(ptr) } != 0 {
            return match unsafe { str_utf8(ptr) } {
                Some(_) => Ok(KeyText::Str(key.clone())),
                None => Err(encode_error(Problem::LoneSurrogate)),
            };
        }
        if !self.options.non_str_keys {
            return Err(encode_error(Problem::KeyNotStr(type_name(key))));
        }
        let py = self.py;
        let mut current = key.clone();
        loop {
            let ptr = current.as_ptr();
            let text: String = unsafe {
                if ffi::PyUnicode_Check(ptr) != 0 {
                    return self.key_text(&current);
                } else if ptr == ffi::Py_True() {
                    "true".into()
                } else if ptr == ffi::Py_False() {
                    "false".into()
                } else if ptr == ffi::Py_None() {
                    "null".into()
                } else if ffi::PyLong_Check(ptr) != 0 {
                    int_repr(py, ptr)?.to_string()
                } else if ffi::PyFloat_Check(ptr) != 0 {
                    let value = ffi::PyFloat_AS_DOUBLE(ptr);
                    if !value.is_finite() {
                        return Err(encode_error(Problem::OutOfRange(float_repr(value))));
                    }
                    let mut out = Vec::new();
                    let _ = write_f64(&mut out, value);
                    String::from_utf8(out).unwrap_or_default()
                } else if is_subtype(ptr, &self.lookups.enum_) {
                    current = current.getattr(pyo3::intern!(py, "value"))?;
                    continue;
                } else if is_subtype(ptr, &self.lookups.uuid) {
                    current.str()?.to_string()
                } else if ffi::PyDate_Check(ptr) != 0 || ffi::PyTime_Check(ptr) != 0 {
                    current
                        .call_method0(pyo3::intern!(py, "isoformat"))?
                        .str()?
                        .to_string()
                } else {
                    return Err(encode_error(Problem::KeyUnsupported(type_name(&current))));
                }
            };
            return Ok(KeyText::Owned(text));
        }
    }
}

/// A dict key's text: a `str` key kept alive (its UTF-8 read in place), or converted text.
enum KeyText<'py> {
    Str(Bound<'py, PyAny>),
    Owned(String),
}

impl KeyText<'_> {
    fn as_bytes(&self) -> &[u8] {
        match self {
            // Checked by key_text: the UTF-8 form exists (no lone surrogate).
            Self::Str(key) => unsafe { str_utf8(key.as_ptr()) }.unwrap_or_default(),
            Self::Owned(text) => text.as_bytes(),
        }
    }
}

/// The path step of a dict item: its key, JSON-encoded.
fn key_segment(key_text: &KeyText<'_>) -> Segment {
    let mut json = Vec::new();
    // Writing into a Vec fails only where allocation aborts anyway.
    let _ = write_str(&mut json, key_text.as_bytes());
    Segment::Key(json)
}

/// Adds the step from `container` to the failing child to an encode error's path.
/// (A key's own problem is reported at its dict: the dict's parent adds the dict's step.)
fn unwind(
    py: Python<'_>,
    failure: Failure,
    container: *mut ffi::PyObject,
    segment: Segment,
) -> Failure {
    match failure {
        Failure::Encode(mut error) => {
            error.path.push(segment);
            if matches!(error.problem, Problem::TooDeep) {
                let owned = unsafe { Bound::from_borrowed_ptr(py, container) }.unbind();
                error.chain.push(owned);
            }
            Failure::Encode(error)
        }
        python @ Failure::Python(_) => python,
    }
}

/// `int.__repr__` of an int or subclass: exact digits, CPython's digit limit included.
fn int_repr(py: Python<'_>, object: *mut ffi::PyObject) -> PyResult<Bound<'_, PyString>> {
    unsafe {
        let repr = ffi::PyLong_Type.tp_repr.expect("int has a repr");
        Bound::from_owned_ptr_or_err(py, repr(object)).map(|text| text.cast_into_unchecked())
    }
}

fn float_repr(value: f64) -> String {
    if value.is_nan() {
        "nan".into()
    } else if value > 0.0 {
        "inf".into()
    } else {
        "-inf".into()
    }
}

/// Runs `read`, which walks the borrowed items of the list, tuple or dict `container`, so
/// that no other thread changes `container` meanwhile. With the GIL that is already true.
/// Free-threaded CPython needs the container's critical section (its per-object lock,
/// suspended while Python code such as `default()` runs, which is why the loops re-read
/// their bounds); without it another thread could free an item between the read and the
/// new reference.
#[inline]
fn by_other_threads_unchanged<R>(
    py: Python<'_>,
    container: *mut ffi::PyObject,
    read: impl FnOnce() -> R,
) -> R {
    #[cfg(Py_GIL_DISABLED)]
    {
        // SAFETY: `container` is a live object the caller holds a reference to.
        let container = unsafe { Bound::from_borrowed_ptr(py, container) };
        pyo3::sync::critical_section::with_critical_section(&container, read)
    }
    #[cfg(not(Py_GIL_DISABLED))]
    {
        let _ = (py, container);
        read()
    }
}
