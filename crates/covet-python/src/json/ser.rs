//! `dumps`: Python objects to JSON text, written straight into the output `bytes`.
//!
//! Dispatch compares exact type pointers, most common types first (str, int, float, bool,
//! None, dict, list, tuple); subclasses and the richer types (datetime, UUID, Enum,
//! Decimal, dataclasses) and `default` are the slow path.
//!
//! What user code can do here, and why it cannot hurt (docs/JSON.md has the contract):
//! * A value of a supported type is written with that type's own behaviour, never through a
//!   method a subclass can override: a `str` subclass by its characters, an `int` by
//!   `int.__repr__`, a `date` by `date.isoformat`, a UUID from its `int` slot, a Decimal by
//!   `Decimal.__str__` (checked to be a JSON number). A subclass cannot inject text.
//! * What Python code hands back (`default`, an Enum's value, `isoformat`) is dispatched on
//!   its real type again, or checked to be exactly the type the next step reads.
//! * Unwrapping is bounded: 32 `default` calls and 32 Enum values in a row, then an error.
//! * Every item is held by a new reference while it is written. A dict read live (no
//!   `default`, no `sort_keys`) is checked before each step as a dict iterator checks
//!   itself, so user code that changes it (a tzinfo, an Enum's `_value_` descriptor, a
//!   dataclass property) gets CPython's RuntimeError, not a skipped or repeated item. With
//!   `default`, or to sort, each dict's items are copied when writing it starts
//!   (`Serializer::held`), and with `default` each list's too: a `default` that keeps adding
//!   items cannot make the output endless.
//! * The stack is checked at every level and before each call into Python (`stack`).
//!
//! The error path (a path from the root, circular-reference detection) costs nothing until
//! something fails: it is assembled while unwinding.

use std::collections::TryReserveError;

use pyo3::exceptions::{PyMemoryError, PyRuntimeError, PyTypeError};
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyString, PyTuple, PyType};

use super::ffi::{descriptor_get, dict_len, one_digit_int, str_utf8};
use super::MAX_DEFAULT_CHAIN;
use covet_core::json::write::{
    is_json_number, write_f64, write_i64, write_str, OutOfMemory, Output,
};
use covet_core::json::MAX_DEPTH;
use covet_core::stack::{nested, Recursive, StackFloor};

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
    EnumChain,
    /// A UUID whose `int` slot holds something else than an int (its type named).
    UuidNotInt(String),
    UuidOutOfRange,
    /// A finite Decimal whose text is not a JSON number (possible only with the pure-Python
    /// `decimal` module, whose `__str__` reads attributes a subclass can replace). The text
    /// is not quoted in the message: it is whatever the subclass made up.
    NotANumber,
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
            Problem::EnumChain => format!(
                "Enum value unwrapped {MAX_DEFAULT_CHAIN} times in a row without reaching a \
                 serializable value, at {}",
                render(&segments)
            ),
            Problem::UuidNotInt(name) => {
                format!(
                    "UUID.int must be an int, not {name} at {}",
                    render(&segments)
                )
            }
            Problem::UuidOutOfRange => format!("UUID.int out of range at {}", render(&segments)),
            Problem::NotANumber => {
                format!("Decimal text is not a JSON number at {}", render(&segments))
            }
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

/// Types and the base types' own methods, looked up once per process.
struct Lookups {
    uuid: Py<PyType>,
    /// `uuid.UUID.__dict__["int"]`: the member descriptor of the slot that holds a UUID.
    uuid_int: Py<PyAny>,
    enum_: Py<PyType>,
    decimal: Py<PyType>,
    /// `Decimal.__str__` and `Decimal.is_finite`, called on subclasses too.
    decimal_str: Py<PyAny>,
    decimal_is_finite: Py<PyAny>,
    /// `isoformat` of `datetime`, `date` and `time`, called on subclasses too.
    datetime_isoformat: Py<PyAny>,
    date_isoformat: Py<PyAny>,
    time_isoformat: Py<PyAny>,
    dataclass_fields: Py<PyAny>,
}

static LOOKUPS: PyOnceLock<Lookups> = PyOnceLock::new();

fn lookups(py: Python<'_>) -> PyResult<&'static Lookups> {
    LOOKUPS.get_or_try_init(py, || {
        // SAFETY: imports the datetime C API capsule; idempotent.
        unsafe { ffi::PyDateTime_IMPORT() };
        // SAFETY: reads the pointer the import just set (NULL with an exception if it failed).
        if unsafe { ffi::PyDateTimeAPI() }.is_null() {
            return Err(PyErr::fetch(py));
        }
        let class = |module: &str, name: &str| -> PyResult<Bound<'_, PyType>> {
            Ok(py.import(module)?.getattr(name)?.cast_into::<PyType>()?)
        };
        let method = |class: &Bound<'_, PyType>, name: &str| -> PyResult<Py<PyAny>> {
            Ok(class.getattr(name)?.unbind())
        };
        let uuid = class("uuid", "UUID")?;
        let decimal = class("decimal", "Decimal")?;
        Ok(Lookups {
            uuid_int: uuid.getattr("__dict__")?.get_item("int")?.unbind(),
            uuid: uuid.unbind(),
            enum_: class("enum", "Enum")?.unbind(),
            decimal_str: method(&decimal, "__str__")?,
            decimal_is_finite: method(&decimal, "is_finite")?,
            decimal: decimal.unbind(),
            datetime_isoformat: method(&class("datetime", "datetime")?, "isoformat")?,
            date_isoformat: method(&class("datetime", "date")?, "isoformat")?,
            time_isoformat: method(&class("datetime", "time")?, "isoformat")?,
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
    /// The items of the dicts (as key, value pairs), lists and dataclasses being written
    /// from a copy, each held by a new reference; every open one owns the range from where
    /// it started to the next one's start. One buffer for the whole call: copying costs no
    /// allocation per container.
    held: Vec<*mut ffi::PyObject>,
    /// The keys of the objects being written sorted, in their order (see `sorted_pairs`).
    order: Vec<SortEntry>,
    floor: StackFloor,
}

/// A key of an object written sorted: its bytes, and where its value is in `held`.
#[derive(Clone, Copy)]
struct SortEntry {
    /// The key's UTF-8, inside a `str` that `held` keeps alive or inside a converted key
    /// text that `sorted_pairs` keeps alive until the object is written.
    text: *const u8,
    len: usize,
    value: usize,
}

impl SortEntry {
    fn text(&self) -> &[u8] {
        // SAFETY: see the field; the entry is read only while the object is written.
        unsafe { std::slice::from_raw_parts(self.text, self.len) }
    }
}

impl<O, const SNAPSHOT: bool> Recursive for Serializer<'_, O, SNAPSHOT> {
    fn floor(&mut self) -> &mut StackFloor {
        &mut self.floor
    }
}

#[inline]
unsafe fn type_is(object: *mut ffi::PyObject, ty: *mut ffi::PyTypeObject) -> bool {
    unsafe { ffi::Py_TYPE(object) == ty }
}

#[inline]
unsafe fn is_subtype(object: *mut ffi::PyObject, ty: &Py<PyType>) -> bool {
    unsafe { ffi::PyType_IsSubtype(ffi::Py_TYPE(object), ty.as_ptr().cast()) != 0 }
}

/// `type(object).__qualname__`, as JSONEncodeError messages name types.
fn type_name(object: &Bound<'_, PyAny>) -> String {
    object
        .get_type()
        .qualname()
        .map_or_else(|_| "?".to_owned(), |name| name.to_string())
}

/// `result`, which `hook` returned, if it is exactly a `str`; else the TypeError that says
/// what came back (CPython's wording for `__str__`).
fn returned_str<'py>(result: Bound<'py, PyAny>, hook: &str) -> PyResult<Bound<'py, PyString>> {
    // SAFETY: `result` is a live object.
    if unsafe { ffi::PyUnicode_CheckExact(result.as_ptr()) } != 0 {
        // SAFETY: checked just above.
        return Ok(unsafe { result.cast_into_unchecked() });
    }
    Err(PyTypeError::new_err(format!(
        "{hook} returned non-str (type {})",
        crate::names::type_name(&result)
    )))
}

#[cold]
fn memory_error() -> Failure {
    PyMemoryError::new_err(()).into()
}

/// The RuntimeError of a dict changed by user code while it was read, worded as CPython's
/// dict iterators word it.
#[cold]
fn dict_changed(what: &'static str) -> Failure {
    PyRuntimeError::new_err(what).into()
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
            order: Vec::new(),
            floor: StackFloor::here(),
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
                return nested(self, |this| this.dict(object, depth + 1));
            }
            if type_is(object, &raw mut ffi::PyList_Type)
                || type_is(object, &raw mut ffi::PyTuple_Type)
            {
                return nested(self, |this| this.sequence(object, depth + 1));
            }
        }
        // Calls into Python from here on: the stack is checked first.
        nested(self, |this| this.other(object, depth))
    }

    /// Everything but the exact common types: subclasses, the richer types, `default`.
    #[inline(never)]
    fn other(&mut self, object: *mut ffi::PyObject, depth: usize) -> Result<(), Failure> {
        let py = self.py;
        // `current` owns what default()/an Enum's value returned; the original is borrowed.
        let mut current: Bound<'py, PyAny> = unsafe { Bound::from_borrowed_ptr(py, object) };
        let mut default_calls = 0;
        let mut enum_values = 0;
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
                    return self.dict(ptr, depth + 1);
                }
                if ffi::PyList_Check(ptr) != 0 || ffi::PyTuple_Check(ptr) != 0 {
                    return self.sequence(ptr, depth + 1);
                }
                if ffi::PyDate_Check(ptr) != 0 || ffi::PyTime_Check(ptr) != 0 {
                    let text = self.isoformat(&current)?;
                    return self.string(text.as_ptr());
                }
                if is_subtype(ptr, &self.lookups.uuid) {
                    let text = self.uuid_text(&current)?;
                    return Ok(write_quoted(&mut self.out, &text)?);
                }
                if is_subtype(ptr, &self.lookups.enum_) {
                    if enum_values == MAX_DEFAULT_CHAIN {
                        return Err(encode_error(Problem::EnumChain));
                    }
                    enum_values += 1;
                    current = enum_value(&current)?;
                    continue;
                }
                if is_subtype(ptr, &self.lookups.decimal) {
                    return self.decimal(&current);
                }
            }
            if current
                .get_type()
                .hasattr(intern!(py, "__dataclass_fields__"))?
            {
                return self.dataclass(&current, depth + 1);
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

    /// The ISO 8601 text of a datetime, date or time (or subclass), by the base type's own
    /// `isoformat` (a tzinfo's `utcoffset` is the only user code it runs).
    fn isoformat(&self, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
        let ptr = value.as_ptr();
        // SAFETY: `value` is live; the datetime C API was imported with the lookups.
        let (method, hook) = unsafe {
            if ffi::PyDateTime_Check(ptr) != 0 {
                (&self.lookups.datetime_isoformat, "datetime.isoformat()")
            } else if ffi::PyDate_Check(ptr) != 0 {
                (&self.lookups.date_isoformat, "date.isoformat()")
            } else {
                (&self.lookups.time_isoformat, "time.isoformat()")
            }
        };
        returned_str(method.bind(self.py).call1((value,))?, hook)
    }

    /// The canonical text of a UUID (or subclass), from the `int` slot UUID keeps its value
    /// in: an overridden `__str__` or `int` property is not consulted.
    fn uuid_text(&self, value: &Bound<'py, PyAny>) -> Result<[u8; 36], Failure> {
        let py = self.py;
        // SAFETY: all three are live; the slot's descriptor reads the field or raises
        // AttributeError when it was never set.
        let number = unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                descriptor_get(
                    self.lookups.uuid_int.as_ptr(),
                    value.as_ptr(),
                    self.lookups.uuid.as_ptr(),
                ),
            )?
        };
        // Checked first: extracting from anything but an int would call its `__index__`.
        // SAFETY: `number` is live.
        if unsafe { ffi::PyLong_Check(number.as_ptr()) } == 0 {
            return Err(encode_error(Problem::UuidNotInt(type_name(&number))));
        }
        match number.extract::<u128>() {
            Ok(number) => Ok(uuid_text(number)),
            Err(_) => Err(encode_error(Problem::UuidOutOfRange)),
        }
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

    /// A Decimal (or subclass) by `Decimal.is_finite` and `Decimal.__str__`: what a subclass
    /// overrides is not consulted, so it can neither inject text nor pass a NaN as finite.
    fn decimal(&mut self, value: &Bound<'py, PyAny>) -> Result<(), Failure> {
        let py = self.py;
        let finite = self.lookups.decimal_is_finite.bind(py).call1((value,))?;
        // SAFETY: comparing object identities.
        let finite = unsafe {
            if finite.as_ptr() == ffi::Py_True() {
                true
            } else if finite.as_ptr() == ffi::Py_False() {
                false
            } else {
                return Err(PyTypeError::new_err(format!(
                    "Decimal.is_finite() returned non-bool (type {})",
                    crate::names::type_name(&finite)
                ))
                .into());
            }
        };
        let text = returned_str(
            self.lookups.decimal_str.bind(py).call1((value,))?,
            "Decimal.__str__()",
        )?;
        let bytes = text.to_str()?.as_bytes();
        if finite {
            if !is_json_number(bytes) {
                return Err(encode_error(Problem::NotANumber));
            }
            return Ok(self.out.write(bytes)?);
        }
        if self.options.nan_null {
            return Ok(self.out.write(b"null")?);
        }
        Err(encode_error(Problem::OutOfRange(text.to_string())))
    }

    /// A dataclass instance, as an object of its fields (`dataclasses.fields`), leaving out
    /// those whose names start with `_` (private, as orjson leaves them out too).
    fn dataclass(&mut self, object: &Bound<'py, PyAny>, depth: usize) -> Result<(), Failure> {
        self.too_deep(object.as_ptr(), depth)?;
        let fields = self
            .lookups
            .dataclass_fields
            .bind(self.py)
            .call1((object,))?;
        let fields = fields.cast_into::<PyTuple>().map_err(|error| {
            PyTypeError::new_err(format!(
                "dataclasses.fields() returned non-tuple (type {})",
                crate::names::type_name(error.into_inner().as_any())
            ))
        })?;
        let start = self.held.len();
        let result = self
            .dataclass_items(object, &fields)
            .and_then(|()| self.held_object(start, object.as_ptr(), depth));
        self.release(start);
        result
    }

    /// Copies the public fields of dataclass `object` to `held`, as name, value pairs.
    fn dataclass_items(
        &mut self,
        object: &Bound<'py, PyAny>,
        fields: &Bound<'py, PyTuple>,
    ) -> Result<(), Failure> {
        let py = self.py;
        for field in fields {
            let name = field.getattr(intern!(py, "name"))?;
            let name_ptr = name.as_ptr();
            // SAFETY: `name` is live; checked to be a str before it is read as one.
            unsafe {
                if ffi::PyUnicode_Check(name_ptr) == 0 {
                    return Err(PyTypeError::new_err(format!(
                        "dataclass field name must be str, not {}",
                        crate::names::type_name(&name)
                    ))
                    .into());
                }
                if ffi::PyUnicode_GetLength(name_ptr) > 0
                    && ffi::PyUnicode_ReadChar(name_ptr, 0) == u32::from(b'_')
                {
                    continue;
                }
            }
            // SAFETY: checked to be a str above.
            let value = object.getattr(unsafe { name.cast_unchecked::<PyString>() })?;
            self.held.try_reserve(2).map_err(|_| memory_error())?;
            self.held.push(name.into_ptr());
            self.held.push(value.into_ptr());
        }
        Ok(())
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
        // Re-read each time: without `default` no copy is made, and user code (a tzinfo, an
        // Enum's value) may still change a list while it is being written, as a list
        // iterator would see it.
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
    /// meanwhile (no Python code runs while copying); MemoryError if `held` cannot grow.
    fn hold(
        &mut self,
        container: *mut ffi::PyObject,
        copy: impl FnOnce(&mut Vec<*mut ffi::PyObject>) -> Result<(), TryReserveError>,
    ) -> Result<(), Failure> {
        let held = &mut self.held;
        by_other_threads_unchanged(self.py, container, || copy(held)).map_err(|_| memory_error())
    }

    /// Releases the references held from `start` on.
    fn release(&mut self, start: usize) {
        for object in self.held.drain(start..) {
            // SAFETY: a reference taken by `hold` or `dataclass_items`; the serializer runs
            // attached.
            unsafe { ffi::Py_DECREF(object) };
        }
    }

    /// Writes `dict` (a dict or subclass, read through dict itself) as an object.
    fn dict(&mut self, dict: *mut ffi::PyObject, depth: usize) -> Result<(), Failure> {
        self.too_deep(dict, depth)?;
        // SAFETY: `dict` is a live dict.
        let empty = unsafe { dict_len(dict) } == 0;
        if empty {
            return Ok(self.open(Brackets::Object, true)?);
        }
        if SNAPSHOT || self.options.sort_keys {
            // Copied first: with `default` user code runs between items, and to sort, every
            // key is converted (maybe by user code: an Enum's value, a tzinfo) before any value
            // is written.
            let start = self.held.len();
            self.hold(dict, |held| {
                let size = usize::try_from(unsafe { dict_len(dict) }).unwrap_or(0);
                held.try_reserve(2 * size)?;
                let mut position: ffi::Py_ssize_t = 0;
                let mut key: *mut ffi::PyObject = std::ptr::null_mut();
                let mut value: *mut ffi::PyObject = std::ptr::null_mut();
                // Read through the base class (no user code), so nothing changes meanwhile.
                while unsafe {
                    ffi::PyDict_Next(dict, &raw mut position, &raw mut key, &raw mut value)
                } != 0
                {
                    held.push(unsafe { ffi::Py_NewRef(key) });
                    held.push(unsafe { ffi::Py_NewRef(value) });
                }
                Ok(())
            })?;
            let result = self.held_object(start, dict, depth);
            self.release(start);
            return result;
        }
        self.out.write(b"{")?;
        self.dict_live(dict, depth)
    }

    /// The items of `dict` after its `{`, read from the dict itself as it is written.
    fn dict_live(&mut self, dict: *mut ffi::PyObject, depth: usize) -> Result<(), Failure> {
        by_other_threads_unchanged(self.py, dict, || {
            // SAFETY (every block below): `dict` is a live dict, read within its critical
            // section; the items PyDict_Next gives are borrowed until the new references.
            let size = unsafe { dict_len(dict) };
            let mut left = size;
            let mut position: ffi::Py_ssize_t = 0;
            let mut key: *mut ffi::PyObject = std::ptr::null_mut();
            let mut value: *mut ffi::PyObject = std::ptr::null_mut();
            let mut first = true;
            loop {
                // User code run while an item was written (a tzinfo, an Enum's `_value_`, a
                // dataclass property) may have changed the dict: checked as a dict iterator
                // checks itself, with its errors, so that the twin (which iterates) agrees.
                if unsafe { dict_len(dict) } != size {
                    return Err(dict_changed("dictionary changed size during iteration"));
                }
                if unsafe {
                    ffi::PyDict_Next(dict, &raw mut position, &raw mut key, &raw mut value)
                } == 0
                {
                    break;
                }
                if left == 0 {
                    return Err(dict_changed("dictionary keys changed during iteration"));
                }
                left -= 1;
                if !first {
                    self.out.write(b",")?;
                }
                first = false;
                self.newline(depth)?;
                // Own both while writing: user code run meanwhile may remove them.
                let (key, value) = unsafe { (ffi::Py_NewRef(key), ffi::Py_NewRef(value)) };
                let result = self.item(key, value, dict, depth);
                unsafe {
                    ffi::Py_DECREF(key);
                    ffi::Py_DECREF(value);
                }
                result?;
            }
            Ok(self.close(Brackets::Object, depth)?)
        })
    }

    /// The object made of the key, value pairs held from `start` on (a dict's items, a
    /// dataclass's fields), its `{` not yet written; `identity` counts for circularity.
    fn held_object(
        &mut self,
        start: usize,
        identity: *mut ffi::PyObject,
        depth: usize,
    ) -> Result<(), Failure> {
        let end = self.held.len();
        self.open(Brackets::Object, start == end)?;
        if start == end {
            return Ok(());
        }
        if self.options.sort_keys {
            return self.sorted_pairs(start, identity, depth);
        }
        for index in (start..end).step_by(2) {
            if index > start {
                self.out.write(b",")?;
            }
            self.newline(depth)?;
            let (key, value) = (self.held[index], self.held[index + 1]);
            self.item(key, value, identity, depth)?;
        }
        Ok(self.close(Brackets::Object, depth)?)
    }

    /// One `"key":value` of an object written in its own order.
    // Two callers (the live loop and `held_object`); measured (callgrind, citm_catalog.json
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
        let py = self.py;
        if unsafe { type_is(key, &raw mut ffi::PyUnicode_Type) } {
            unsafe { self.string(key)? };
            self.key_separator()?;
            return self.value(value, depth).map_err(|failure| {
                // Checked above: the key's UTF-8 form exists.
                let text = unsafe { str_utf8(key) }.unwrap_or_default();
                unwind_at_key(py, failure, identity, text)
            });
        }
        // Converted once: user code a conversion runs is not run again for the error path.
        let key_text = self.key_text(&unsafe { Bound::from_borrowed_ptr(py, key) })?;
        write_str(&mut self.out, key_text.as_bytes())?;
        self.key_separator()?;
        self.value(value, depth)
            .map_err(|failure| unwind_at_key(py, failure, identity, key_text.as_bytes()))
    }

    /// What comes between a key and its value.
    fn key_separator(&mut self) -> Result<(), OutOfMemory> {
        self.out.write(if self.options.indent.is_some() {
            b": "
        } else {
            b":"
        })
    }

    /// The object of the pairs held from `start` on, sorted by their converted keys (all
    /// converted, and checked, before any value is written).
    fn sorted_pairs(
        &mut self,
        start: usize,
        identity: *mut ffi::PyObject,
        depth: usize,
    ) -> Result<(), Failure> {
        let end = self.held.len();
        // Every key checked, and those that are not a str converted (maybe by user code: an
        // Enum's value, a tzinfo), in order, before anything is sorted or written. Kept alive
        // until this object is written: its entries in `order` point into them.
        let mut converted: Vec<KeyText<'py>> = Vec::new();
        for index in (start..end).step_by(2) {
            let key = unsafe { Bound::from_borrowed_ptr(self.py, self.held[index]) };
            match self.key_text(&key)? {
                // A str key's bytes are read from the key itself, kept alive by `held`.
                KeyText::Str(text) if text.is(&key) => {}
                other => {
                    converted.try_reserve(1).map_err(|_| memory_error())?;
                    converted.push(other);
                }
            }
        }
        // Each key's bytes found once, not at every comparison, with where its value is held;
        // in a buffer shared by the whole call, as `held` is (from `mark` on: this object's).
        let mark = self.order.len();
        self.order
            .try_reserve((end - start) / 2)
            .map_err(|_| memory_error())?;
        let mut next_converted = converted.iter();
        for index in (start..end).step_by(2) {
            let key = self.held[index];
            // SAFETY: `key` is held; a str key was checked above to have its UTF-8 form.
            let bytes = match unsafe { ffi::PyUnicode_Check(key) } {
                0 => next_converted.next().map_or(&[][..], KeyText::as_bytes),
                _ => unsafe { str_utf8(key) }.unwrap_or_default(),
            };
            self.order.push(SortEntry {
                text: bytes.as_ptr(),
                len: bytes.len(),
                value: index + 1,
            });
        }
        // Equal converted keys keep their order: the index breaks ties, and an unstable sort
        // needs no buffer of its own (a stable one allocates, infallibly, as many as there
        // are keys). UTF-8 byte order is code-point order.
        self.order[mark..]
            .sort_unstable_by(|a, b| a.text().cmp(b.text()).then(a.value.cmp(&b.value)));
        let result = self.sorted_items(mark, identity, depth);
        self.order.truncate(mark);
        // The converted keys lived until here: `order` pointed into them.
        drop(converted);
        result
    }

    /// The items `sorted_pairs` put in order (from `mark` on), after the `{`.
    fn sorted_items(
        &mut self,
        mark: usize,
        identity: *mut ffi::PyObject,
        depth: usize,
    ) -> Result<(), Failure> {
        let end = self.order.len();
        for position in mark..end {
            // Read by index: nested objects push their own entries past `end` meanwhile.
            let entry = self.order[position];
            if position > mark {
                self.out.write(b",")?;
            }
            self.newline(depth)?;
            write_str(&mut self.out, entry.text())?;
            self.key_separator()?;
            let value = self.held[entry.value];
            self.value(value, depth)
                .map_err(|failure| unwind_at_key(self.py, failure, identity, entry.text()))?;
        }
        Ok(self.close(Brackets::Object, depth)?)
    }

    /// The text a dict key is written as; the failure (if any) is about the dict. The key
    /// rules are the value rules: each type by its own behaviour, bounded unwrapping.
    fn key_text(&self, key: &Bound<'py, PyAny>) -> Result<KeyText<'py>, Failure> {
        // SAFETY: `key` is live.
        if unsafe { ffi::PyUnicode_Check(key.as_ptr()) } != 0 {
            return str_key(key.clone());
        }
        if !self.options.non_str_keys {
            return Err(encode_error(Problem::KeyNotStr(type_name(key))));
        }
        let py = self.py;
        let mut current = key.clone();
        let mut enum_values = 0;
        loop {
            let ptr = current.as_ptr();
            // SAFETY: `current` is live; each check is on its real type, not `__class__`.
            unsafe {
                if ffi::PyUnicode_Check(ptr) != 0 {
                    return str_key(current);
                } else if ptr == ffi::Py_True() {
                    return Ok(KeyText::Static(b"true"));
                } else if ptr == ffi::Py_False() {
                    return Ok(KeyText::Static(b"false"));
                } else if ptr == ffi::Py_None() {
                    return Ok(KeyText::Static(b"null"));
                } else if ffi::PyLong_Check(ptr) != 0 {
                    return Ok(KeyText::Str(int_repr(py, ptr)?.into_any()));
                } else if ffi::PyFloat_Check(ptr) != 0 {
                    let value = ffi::PyFloat_AS_DOUBLE(ptr);
                    if !value.is_finite() {
                        return Err(encode_error(Problem::OutOfRange(float_repr(value))));
                    }
                    let mut text = ShortText::default();
                    write_f64(&mut text, value)?;
                    return Ok(KeyText::Short(text));
                } else if ffi::PyDate_Check(ptr) != 0 || ffi::PyTime_Check(ptr) != 0 {
                    return str_key(self.isoformat(&current)?.into_any());
                } else if is_subtype(ptr, &self.lookups.uuid) {
                    let mut text = ShortText::default();
                    text.write(&self.uuid_text(&current)?)?;
                    return Ok(KeyText::Short(text));
                } else if is_subtype(ptr, &self.lookups.enum_) {
                    if enum_values == MAX_DEFAULT_CHAIN {
                        return Err(encode_error(Problem::EnumChain));
                    }
                    enum_values += 1;
                    current = enum_value(&current)?;
                    continue;
                }
            }
            return Err(encode_error(Problem::KeyUnsupported(type_name(&current))));
        }
    }
}

/// The value of an Enum member as Enum's own `value` gives it: its `_value_`, read as
/// `object.__getattribute__` reads it (a subclass's `value` property or `__getattr__` is
/// not consulted).
fn enum_value<'py>(member: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = member.py();
    // SAFETY: both are live; a new reference or NULL with an exception.
    unsafe {
        Bound::from_owned_ptr_or_err(
            py,
            ffi::PyObject_GenericGetAttr(member.as_ptr(), intern!(py, "_value_").as_ptr()),
        )
    }
}

/// The canonical `8-4-4-4-12` lower-case text of a UUID's 128 bits.
fn uuid_text(value: u128) -> [u8; 36] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = [b'-'; 36];
    let mut rest = value;
    for index in (0..36).rev() {
        if matches!(index, 8 | 13 | 18 | 23) {
            continue;
        }
        // The low four bits: always below 16.
        #[allow(clippy::cast_possible_truncation)]
        let nibble = (rest & 0xf) as usize;
        text[index] = HEX[nibble];
        rest >>= 4;
    }
    text
}

/// `text` as a JSON string; it holds nothing to escape (a UUID's hex digits and dashes).
fn write_quoted<O: Output>(out: &mut O, text: &[u8]) -> Result<(), OutOfMemory> {
    out.reserve(text.len() + 2)?;
    // SAFETY: reserved just above.
    unsafe {
        out.extend_reserved(b"\"");
        out.extend_reserved(text);
        out.extend_reserved(b"\"");
    }
    Ok(())
}

/// A `str` key (or the `str` a key converts to), if its UTF-8 form exists.
fn str_key(key: Bound<'_, PyAny>) -> Result<KeyText<'_>, Failure> {
    // SAFETY: `key` is a live str, kept alive in the KeyText.
    match unsafe { str_utf8(key.as_ptr()) } {
        Some(_) => Ok(KeyText::Str(key)),
        None => Err(encode_error(Problem::LoneSurrogate)),
    }
}

/// A dict key's text.
enum KeyText<'py> {
    /// A `str` (the key, or what it converts to), kept alive, its UTF-8 read in place.
    Str(Bound<'py, PyAny>),
    /// Text made here: a float's digits, a UUID.
    Short(ShortText),
    Static(&'static [u8]),
}

impl KeyText<'_> {
    fn as_bytes(&self) -> &[u8] {
        match self {
            // Checked by `str_key`: the UTF-8 form exists.
            Self::Str(key) => unsafe { str_utf8(key.as_ptr()) }.unwrap_or_default(),
            Self::Short(text) => text.as_bytes(),
            Self::Static(text) => text,
        }
    }
}

/// Up to 40 bytes of text without an allocation: the longest float `repr` is 24, a UUID 36.
struct ShortText {
    bytes: [u8; 40],
    len: usize,
}

impl Default for ShortText {
    fn default() -> Self {
        Self {
            bytes: [0; 40],
            len: 0,
        }
    }
}

impl ShortText {
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl Output for ShortText {
    fn reserve(&mut self, additional: usize) -> Result<(), OutOfMemory> {
        if self.bytes.len() - self.len < additional {
            return Err(OutOfMemory);
        }
        Ok(())
    }

    unsafe fn extend_reserved(&mut self, bytes: &[u8]) {
        self.bytes[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
}

/// Adds the step from the object `container` to its failing item under a key (the key's
/// text, JSON-encoded) to an encode error's path. (A key's own problem is reported at its
/// dict: the dict's parent adds the dict's step.)
#[cold]
fn unwind_at_key(
    py: Python<'_>,
    failure: Failure,
    container: *mut ffi::PyObject,
    key: &[u8],
) -> Failure {
    let Failure::Encode(_) = failure else {
        return failure;
    };
    let mut json = Vec::new();
    if write_str(&mut json, key).is_err() {
        return memory_error();
    }
    unwind(py, failure, container, Segment::Key(json))
}

/// Adds the step from `container` to the failing child to an encode error's path.
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
    // SAFETY: `object` is a live int; int's own repr slot, whatever a subclass defines.
    let repr = unsafe {
        let repr = ffi::PyLong_Type
            .tp_repr
            .ok_or_else(|| PyTypeError::new_err("int has no repr"))?;
        Bound::from_owned_ptr_or_err(py, repr(object))?
    };
    returned_str(repr, "int.__repr__()")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_text_is_canonical() {
        assert_eq!(&uuid_text(0), b"00000000-0000-0000-0000-000000000000");
        assert_eq!(
            &uuid_text(0x1234_5678_1234_5678_1234_5678_1234_5678),
            b"12345678-1234-5678-1234-567812345678"
        );
        assert_eq!(
            &uuid_text(u128::MAX),
            b"ffffffff-ffff-ffff-ffff-ffffffffffff"
        );
    }

    #[test]
    fn short_text_refuses_what_does_not_fit() {
        let mut text = ShortText::default();
        assert!(text.write(&[b'x'; 40]).is_ok());
        assert_eq!(text.write(b"y"), Err(OutOfMemory));
        assert_eq!(text.as_bytes(), &[b'x'; 40]);
    }
}
