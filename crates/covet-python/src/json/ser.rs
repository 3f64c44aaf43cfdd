//! `dumps`: Python objects to JSON text, written straight into the output `bytes`.
//!
//! Dispatch compares exact types, most common first (str, int, float, bool, None, dict,
//! list, tuple); subclasses and the richer types (datetime, UUID, Enum, Decimal,
//! dataclasses) and `default` are the slow path. Objects are passed as `Borrowed` (alive for
//! the call); every raw CPython read is a typed wrapper of `crate::ffi`.
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

use covet_core::json::text::{
    has_lone_surrogate, write_ascii, write_ascii_key, write_text, RawText, Text, TextError,
};
use covet_core::json::write::{is_json_number, write_f64, write_i64, OutOfMemory, Output};
use covet_core::json::MAX_DEPTH;
use covet_core::stack::{nested, Recursive, StackFloor};
use pyo3::exceptions::{PyMemoryError, PyRuntimeError, PyTypeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyInt, PyList, PyString, PyTuple, PyType};
use pyo3::Borrowed;

use super::MAX_DEFAULT_CHAIN;
use crate::convert::type_name;
use crate::ffi::containers::{dict_len, read_dict, read_list, Sequence, TupleItems};
use crate::ffi::datetime::{datetime_api, DateTimeApi};
use crate::ffi::number::{float_value, int_repr, int_value, one_digit_int};
use crate::ffi::object::{
    as_dict, as_float, as_int, as_list, as_str, as_tuple, borrow_for, descriptor_get,
    error_pending, exact_dict, exact_float, exact_int, exact_list, exact_str, exact_tuple,
    generic_getattr, is_exact_bool, is_false, is_none, is_subtype, is_true,
};
use crate::ffi::string::{compact_ascii, first_char, str_text};

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

impl From<TextError> for Failure {
    #[cold]
    fn from(error: TextError) -> Self {
        match error {
            TextError::OutOfMemory => OutOfMemory.into(),
            TextError::LoneSurrogate => encode_error(Problem::LoneSurrogate),
        }
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
                let mut chain = self.chain;
                chain.reverse();
                let repeat =
                    (1..chain.len()).find(|&k| chain[..k].iter().any(|seen| seen.is(&chain[k])));
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
    datetime: DateTimeApi,
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
        let datetime = datetime_api(py)?;
        let class = |module: &str, name: &str| -> PyResult<Bound<'_, PyType>> {
            Ok(py.import(module)?.getattr(name)?.cast_into::<PyType>()?)
        };
        let method = |class: &Bound<'_, PyType>, name: &str| -> PyResult<Py<PyAny>> {
            Ok(class.getattr(name)?.unbind())
        };
        let uuid = class("uuid", "UUID")?;
        let decimal = class("decimal", "Decimal")?;
        Ok(Lookups {
            datetime,
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
    held: Vec<Bound<'py, PyAny>>,
    /// The keys of the objects being written sorted, in their order (see `sorted_pairs`).
    order: Vec<SortEntry>,
    floor: StackFloor,
}

/// A key of an object written sorted: its characters, and where its value is in `held`.
#[derive(Clone, Copy)]
struct SortEntry {
    /// The key's characters, inside a `str` that `held` keeps alive or inside a converted
    /// key text that `sorted_pairs` keeps alive until the object is written: the entry is
    /// read only meanwhile.
    text: RawText,
    /// The key's `utf8_prefix`: most comparisons end on it.
    prefix: u128,
    value: usize,
}

impl<O, const SNAPSHOT: bool> Recursive for Serializer<'_, O, SNAPSHOT> {
    fn floor(&mut self) -> &mut StackFloor {
        &mut self.floor
    }
}

/// `type(object).__qualname__`, as JSONEncodeError messages name types.
fn qualified_name(object: &Bound<'_, PyAny>) -> String {
    object
        .get_type()
        .qualname()
        .map_or_else(|_| "?".to_owned(), |name| name.to_string())
}

/// `result`, which `hook` returned, if it is exactly a `str`; else the TypeError that says
/// what came back (CPython's wording for `__str__`).
fn returned_str<'py>(result: Bound<'py, PyAny>, hook: &str) -> PyResult<Bound<'py, PyString>> {
    result.cast_into_exact::<PyString>().map_err(|error| {
        PyTypeError::new_err(format!(
            "{hook} returned non-str (type {})",
            type_name(&error.into_inner())
        ))
    })
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

    /// Writes `object`.
    pub fn value(&mut self, object: Borrowed<'_, 'py, PyAny>, depth: usize) -> Result<(), Failure> {
        match self.leaf(object) {
            Some(written) => written,
            None => self.branch(object, depth),
        }
    }

    /// Writes `object` if it is of an exact leaf type (str, int, float, bool, None), whose
    /// writing runs no Python code: nothing can change or release what the caller reads
    /// meanwhile, so the object needs no reference of the caller's. `None` (nothing
    /// written) for every other object.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn leaf(&mut self, object: Borrowed<'_, 'py, PyAny>) -> Option<Result<(), Failure>> {
        if let Some(text) = exact_str(object) {
            return Some(self.string(text));
        }
        if let Some(int) = exact_int(object) {
            return Some(self.int(int));
        }
        if let Some(float) = exact_float(object) {
            return Some(self.float(float_value(float)));
        }
        if is_exact_bool(object) {
            let text: &[u8] = if is_true(object) { b"true" } else { b"false" };
            return Some(self.out.write(text).map_err(Failure::from));
        }
        if is_none(object) {
            return Some(self.out.write(b"null").map_err(Failure::from));
        }
        None
    }

    /// Writes `object`, which `leaf` did not: a container, or a type whose writing may run
    /// Python code. The caller holds a reference to it.
    fn branch(&mut self, object: Borrowed<'_, 'py, PyAny>, depth: usize) -> Result<(), Failure> {
        if let Some(dict) = exact_dict(object) {
            return nested(self, |this| this.dict(dict, depth + 1));
        }
        if let Some(list) = exact_list(object) {
            return nested(self, |this| this.list(list, depth + 1));
        }
        if let Some(tuple) = exact_tuple(object) {
            return nested(self, |this| this.tuple(tuple, depth + 1));
        }
        // Calls into Python from here on: the stack is checked first.
        nested(self, |this| this.other(object, depth))
    }

    /// Everything but the exact common types: subclasses, the richer types, `default`.
    #[inline(never)]
    fn other(&mut self, object: Borrowed<'_, 'py, PyAny>, depth: usize) -> Result<(), Failure> {
        let py = self.py;
        // `current` owns what default()/an Enum's value returned (the first, the argument).
        let mut current: Bound<'py, PyAny> = object.to_owned();
        let mut default_calls = 0;
        let mut enum_values = 0;
        loop {
            let object = current.as_borrowed();
            if let Some(text) = as_str(object) {
                return self.string(text);
            }
            if is_exact_bool(object) || is_none(object) {
                return self.value(object, depth);
            }
            if let Some(int) = as_int(object) {
                return self.int(int);
            }
            if let Some(float) = as_float(object) {
                return self.float(float_value(float));
            }
            if let Some(dict) = as_dict(object) {
                return self.dict(dict, depth + 1);
            }
            if let Some(list) = as_list(object) {
                return self.list(list, depth + 1);
            }
            if let Some(tuple) = as_tuple(object) {
                return self.tuple(tuple, depth + 1);
            }
            let datetime = self.lookups.datetime;
            if datetime.is_date(object) || datetime.is_time(object) {
                let text = self.isoformat(&current)?;
                return self.string(text.as_borrowed());
            }
            if is_subtype(object, self.lookups.uuid.bind(py)) {
                let text = self.uuid_text(&current)?;
                return Ok(write_quoted(&mut self.out, &text)?);
            }
            if is_subtype(object, self.lookups.enum_.bind(py)) {
                if enum_values == MAX_DEFAULT_CHAIN {
                    return Err(encode_error(Problem::EnumChain));
                }
                enum_values += 1;
                current = enum_value(&current)?;
                continue;
            }
            if is_subtype(object, self.lookups.decimal.bind(py)) {
                return self.decimal(&current);
            }
            if current
                .get_type()
                .hasattr(intern!(py, "__dataclass_fields__"))?
            {
                return self.dataclass(&current, depth + 1);
            }
            let Some(default) = &self.options.default else {
                return Err(encode_error(Problem::Unsupported(qualified_name(&current))));
            };
            if default_calls == MAX_DEFAULT_CHAIN {
                return Err(encode_error(Problem::DefaultChain));
            }
            default_calls += 1;
            current = default.call1((current,))?;
        }
    }

    /// Writes a `str` (or subclass) from its stored characters: the object does not grow
    /// the UTF-8 copy `PyUnicode_AsUTF8AndSize` would leave in it.
    #[allow(clippy::inline_always)] // most keys and values: a call costs more than a short one
    #[inline(always)]
    fn string(&mut self, text: Borrowed<'_, 'py, PyString>) -> Result<(), Failure> {
        if let Some(bytes) = compact_ascii(text) {
            return Ok(write_ascii(&mut self.out, bytes)?);
        }
        self.wide_string(text)
    }

    /// `string` for every `str` but a compact ASCII one.
    #[inline(never)]
    fn wide_string(&mut self, text: Borrowed<'_, 'py, PyString>) -> Result<(), Failure> {
        Ok(write_text(&mut self.out, str_text(text)?)?)
    }

    /// The ISO 8601 text of a datetime, date or time (or subclass), by the base type's own
    /// `isoformat` (a tzinfo's `utcoffset` is the only user code it runs).
    fn isoformat(&self, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
        let datetime = self.lookups.datetime;
        let object = value.as_borrowed();
        let (method, hook) = if datetime.is_datetime(object) {
            (&self.lookups.datetime_isoformat, "datetime.isoformat()")
        } else if datetime.is_date(object) {
            (&self.lookups.date_isoformat, "date.isoformat()")
        } else {
            (&self.lookups.time_isoformat, "time.isoformat()")
        };
        returned_str(method.bind(self.py).call1((value,))?, hook)
    }

    /// The canonical text of a UUID (or subclass), from the `int` slot UUID keeps its value
    /// in: an overridden `__str__` or `int` property is not consulted. The slot's descriptor
    /// reads the field, or raises AttributeError when it was never set.
    fn uuid_text(&self, value: &Bound<'py, PyAny>) -> Result<[u8; 36], Failure> {
        let py = self.py;
        let number = descriptor_get(
            self.lookups.uuid_int.bind(py),
            value.as_borrowed(),
            self.lookups.uuid.bind(py),
        )?;
        // Checked first: extracting from anything but an int would call its `__index__`.
        if as_int(number.as_borrowed()).is_none() {
            return Err(encode_error(Problem::UuidNotInt(qualified_name(&number))));
        }
        match number.extract::<u128>() {
            Ok(number) => Ok(uuid_text(number)),
            Err(_) => Err(encode_error(Problem::UuidOutOfRange)),
        }
    }

    fn int(&mut self, int: Borrowed<'_, 'py, PyInt>) -> Result<(), Failure> {
        if let Some(value) = one_digit_int(int) {
            return Ok(write_i64(&mut self.out, value)?);
        }
        match int_value(int) {
            // -1 is also the error sentinel: a value only if no exception came with it.
            Ok(value) if value != -1 || !error_pending(self.py) => {
                return Ok(write_i64(&mut self.out, value)?);
            }
            _ => {}
        }
        let digits = returned_str(int_repr(int)?, "int.__repr__()")?;
        Ok(self.out.write(digits.to_str()?.as_bytes())?)
    }

    #[inline]
    fn float(&mut self, value: f64) -> Result<(), Failure> {
        if value.is_finite() {
            return Ok(write_f64(&mut self.out, value)?);
        }
        self.non_finite(value)
    }

    /// NaN and the infinities: `null` with `nan="null"`, else an error.
    #[cold]
    #[inline(never)]
    fn non_finite(&mut self, value: f64) -> Result<(), Failure> {
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
        let finite = if is_true(finite.as_borrowed()) {
            true
        } else if is_false(finite.as_borrowed()) {
            false
        } else {
            return Err(PyTypeError::new_err(format!(
                "Decimal.is_finite() returned non-bool (type {})",
                type_name(&finite)
            ))
            .into());
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
        too_deep(object.as_borrowed(), depth)?;
        let fields = self
            .lookups
            .dataclass_fields
            .bind(self.py)
            .call1((object,))?;
        let fields = fields.cast_into::<PyTuple>().map_err(|error| {
            PyTypeError::new_err(format!(
                "dataclasses.fields() returned non-tuple (type {})",
                type_name(error.into_inner().as_any())
            ))
        })?;
        let start = self.held.len();
        let result = self
            .dataclass_items(object, &fields)
            .and_then(|()| self.held_object(start, object.as_borrowed(), depth));
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
            // Checked to be a str before it is read as one.
            let Some(text) = as_str(name.as_borrowed()) else {
                return Err(PyTypeError::new_err(format!(
                    "dataclass field name must be str, not {}",
                    type_name(&name)
                ))
                .into());
            };
            if first_char(text) == Some(u32::from(b'_')) {
                continue;
            }
            let value = object.getattr(&*text)?;
            self.held.try_reserve(2).map_err(|_| memory_error())?;
            self.held.push(name);
            self.held.push(value);
        }
        Ok(())
    }

    fn newline(&mut self, depth: usize) -> Result<(), OutOfMemory> {
        const SPACES: &[u8; 64] = &[b' '; 64];
        if let Some(indent) = self.options.indent {
            // An indent too large to multiply out could never be allocated either.
            let width = indent.checked_mul(depth).ok_or(OutOfMemory)?;
            self.out.reserve(width.checked_add(1).ok_or(OutOfMemory)?)?;
            // SAFETY: room for the newline and `width` spaces was reserved just above.
            unsafe { self.out.extend_reserved(b"\n") };
            let mut left = width;
            while left > 0 {
                let chunk = left.min(SPACES.len());
                // SAFETY: within the `width` bytes reserved above (`left` counts down).
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

    /// Writes `list` (a list or subclass, read through list itself) as an array.
    fn list(&mut self, list: Borrowed<'_, 'py, PyList>, depth: usize) -> Result<(), Failure> {
        too_deep(list.as_any().as_borrowed(), depth)?;
        if SNAPSHOT {
            return self.list_snapshot(list, depth);
        }
        // Read live: without `default` no copy is made, and user code (a tzinfo, an Enum's
        // value) may still change a list while it is being written, as a list iterator would
        // see it (its length is read again before each item).
        read_list(list, |items| {
            self.items(items, list.as_any().as_borrowed(), depth)
        })
    }

    /// Writes `tuple` (a tuple or subclass, read through tuple itself) as an array.
    fn tuple(&mut self, tuple: Borrowed<'_, 'py, PyTuple>, depth: usize) -> Result<(), Failure> {
        too_deep(tuple.as_any().as_borrowed(), depth)?;
        self.items(&TupleItems::new(tuple), tuple.as_any().as_borrowed(), depth)
    }

    /// The array of a list's or tuple's items, each held by a new reference while it is
    /// written; `identity` is the container, for the error path.
    #[allow(clippy::inline_always)] // two callers, the list's and the tuple's loop
    #[inline(always)]
    fn items<S: Sequence<'py>>(
        &mut self,
        items: &S,
        identity: Borrowed<'_, 'py, PyAny>,
        depth: usize,
    ) -> Result<(), Failure> {
        let empty = items.len() == 0;
        self.open(Brackets::Array, empty)?;
        if empty {
            return Ok(());
        }
        let mut index = 0;
        while let Some(item) = items.get_borrowed(index) {
            if index > 0 {
                self.out.write(b",")?;
            }
            self.newline(depth)?;
            let written = match self.leaf(item) {
                Some(written) => written,
                // Python code may run while anything else is written (a tzinfo, an Enum's
                // value, `default`): the item is held by a reference of ours meanwhile.
                None => self.branch(item.to_owned().as_borrowed(), depth),
            };
            if let Err(failure) = written {
                return Err(unwind(failure, identity, Segment::Index(index)));
            }
            index += 1;
        }
        Ok(self.close(Brackets::Array, depth)?)
    }

    /// `default` is given, and may change the list: writes the items it had when writing
    /// started.
    #[inline(never)]
    fn list_snapshot(
        &mut self,
        list: Borrowed<'_, 'py, PyList>,
        depth: usize,
    ) -> Result<(), Failure> {
        let start = self.held.len();
        let held = &mut self.held;
        // No Python code runs while the items are copied.
        read_list(list, |items| -> Result<(), TryReserveError> {
            let len = items.len();
            held.try_reserve(len)?;
            held.extend((0..len).map_while(|index| items.get(index)));
            Ok(())
        })
        .map_err(|_| memory_error())?;
        let result = self.held_items(list.as_any().as_borrowed(), start, depth);
        self.release(start);
        result
    }

    /// The held item at `index`, for as long as the caller writes it.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn held_item<'a>(&self, index: usize) -> Borrowed<'a, 'py, PyAny> {
        // SAFETY: `held` keeps a reference to the item until `release` drops the range it is
        // in, which its owner does only after writing it; what is pushed meanwhile (nested
        // containers) lands past it, and a reallocation of `held` moves the reference, not
        // the object.
        unsafe { borrow_for(&self.held[index]) }
    }

    /// The array of the items `list_snapshot` copied from `list` (from `start` on).
    fn held_items(
        &mut self,
        list: Borrowed<'_, 'py, PyAny>,
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
            let item = self.held_item(index);
            self.value(item, depth)
                .map_err(|failure| unwind(failure, list, Segment::Index(index - start)))?;
        }
        Ok(self.close(Brackets::Array, depth)?)
    }

    /// Releases the references held from `start` on.
    fn release(&mut self, start: usize) {
        self.held.truncate(start);
    }

    /// Writes `dict` (a dict or subclass, read through dict itself) as an object.
    fn dict(&mut self, dict: Borrowed<'_, 'py, PyDict>, depth: usize) -> Result<(), Failure> {
        too_deep(dict.as_any().as_borrowed(), depth)?;
        if dict_len(dict) == 0 {
            return Ok(self.open(Brackets::Object, true)?);
        }
        if SNAPSHOT || self.options.sort_keys {
            // Copied first: with `default` user code runs between items, and to sort, every
            // key is converted (maybe by user code: an Enum's value, a tzinfo) before any value
            // is written.
            let start = self.held.len();
            let held = &mut self.held;
            // Read through the base class (no user code), so nothing changes meanwhile.
            read_dict(dict, |items| -> Result<(), TryReserveError> {
                held.try_reserve(2 * items.len())?;
                while let Some((key, value)) = items.next() {
                    held.push(key);
                    held.push(value);
                }
                Ok(())
            })
            .map_err(|_| memory_error())?;
            let result = self.held_object(start, dict.as_any().as_borrowed(), depth);
            self.release(start);
            return result;
        }
        self.out.write(b"{")?;
        self.dict_live(dict, depth)
    }

    /// The items of `dict` after its `{`, read from the dict itself as it is written.
    fn dict_live(&mut self, dict: Borrowed<'_, 'py, PyDict>, depth: usize) -> Result<(), Failure> {
        read_dict(dict, |items| {
            let size = items.len();
            let mut left = size;
            let mut first = true;
            loop {
                // User code run while an item was written (a tzinfo, an Enum's `_value_`, a
                // dataclass property) may have changed the dict: checked as a dict iterator
                // checks itself, with its errors, so that the twin (which iterates) agrees.
                if items.len() != size {
                    return Err(dict_changed("dictionary changed size during iteration"));
                }
                let Some((key, value)) = items.next_borrowed() else {
                    break;
                };
                if left == 0 {
                    return Err(dict_changed("dictionary keys changed during iteration"));
                }
                left -= 1;
                let identity = dict.as_any().as_borrowed();
                // Compact output and a plain ASCII key, the common case: the comma, the key
                // and the colon in one write (no Python code runs while a str key is
                // written).
                if self.options.indent.is_none() {
                    if let Some(text) = exact_str(key) {
                        if let Some(bytes) = compact_ascii(text) {
                            if write_ascii_key(&mut self.out, !first, bytes)? {
                                first = false;
                                self.item_value(text, value, identity, depth)?;
                                continue;
                            }
                        }
                    }
                }
                if !first {
                    self.out.write(b",")?;
                }
                first = false;
                self.newline(depth)?;
                self.item(key, value, identity, depth)?;
            }
            Ok(self.close(Brackets::Object, depth)?)
        })
    }

    /// The object made of the key, value pairs held from `start` on (a dict's items, a
    /// dataclass's fields), its `{` not yet written; `identity` counts for circularity.
    fn held_object(
        &mut self,
        start: usize,
        identity: Borrowed<'_, 'py, PyAny>,
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
            let (key, value) = (self.held_item(index), self.held_item(index + 1));
            self.item(key, value, identity, depth)?;
        }
        Ok(self.close(Brackets::Object, depth)?)
    }

    /// One `"key":value` of an object written in its own order. The key and the value
    /// need no references of the caller's (a dict's items read live): they are taken here
    /// before any Python code can run.
    // Two callers (the live loop and `held_object`); measured (callgrind, citm_catalog.json
    // with `default`): called rather than inlined, it costs 6% more instructions.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn item(
        &mut self,
        key: Borrowed<'_, 'py, PyAny>,
        value: Borrowed<'_, 'py, PyAny>,
        identity: Borrowed<'_, 'py, PyAny>,
        depth: usize,
    ) -> Result<(), Failure> {
        if let Some(text) = exact_str(key) {
            // No Python code runs while a str key is written.
            self.string(text)?;
            self.key_separator()?;
            return self.item_value(text, value, identity, depth);
        }
        // Both held (the key's conversion may run user code), and the key converted once:
        // user code a conversion runs is not run again for the error path.
        let (key, value) = (key.to_owned(), value.to_owned());
        let value = value.as_borrowed();
        let key_text = self.key_text(&key)?;
        write_text(&mut self.out, key_text.as_text())?;
        self.key_separator()?;
        self.value(value, depth)
            .map_err(|failure| unwind_at_key(failure, identity, key_text.as_text()))
    }

    /// The value of an item whose `str` key is written, neither held by the caller.
    #[allow(clippy::inline_always)] // two callers, once per dict item
    #[inline(always)]
    fn item_value(
        &mut self,
        key: Borrowed<'_, 'py, PyString>,
        value: Borrowed<'_, 'py, PyAny>,
        identity: Borrowed<'_, 'py, PyAny>,
        depth: usize,
    ) -> Result<(), Failure> {
        if let Some(written) = self.leaf(value) {
            return written.map_err(|failure| unwind_at_str_key(failure, identity, key));
        }
        // Python code may run while the value is written, and remove both from the dict:
        // both are held by references of ours meanwhile.
        let (key, value) = (key.to_owned(), value.to_owned());
        self.branch(value.as_borrowed(), depth)
            .map_err(|failure| unwind_at_str_key(failure, identity, key.as_borrowed()))
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
        identity: Borrowed<'_, 'py, PyAny>,
        depth: usize,
    ) -> Result<(), Failure> {
        let end = self.held.len();
        // Every key checked, and those that are not a str converted (maybe by user code: an
        // Enum's value, a tzinfo), in order, before anything is sorted or written. Kept alive
        // until this object is written: its entries in `order` point into them.
        let mut converted: Vec<KeyText<'py>> = Vec::new();
        for index in (start..end).step_by(2) {
            // A compact ASCII str (or subclass), most keys: nothing to convert or check, so
            // no reference is taken and no `KeyText` made.
            if as_str(self.held[index].as_borrowed())
                .is_some_and(|key| compact_ascii(key).is_some())
            {
                continue;
            }
            let key = self.held[index].clone();
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
            // Each arm makes its own entry: a `Text` chosen between the two arms would be
            // built in memory and copied with a wider load than its stores (a stall per key).
            let (text, prefix) = if let Some(key) = as_str(self.held[index].as_borrowed()) {
                if let Some(bytes) = compact_ascii(key) {
                    // Compact ASCII, most keys: its bytes, without building a `Text` first.
                    let text = Text::Latin1(bytes);
                    (RawText::new(text), text.utf8_prefix())
                } else {
                    // A str key was read above: its characters are there.
                    let text = str_text(key).unwrap_or(Text::Latin1(&[]));
                    (RawText::new(text), text.utf8_prefix())
                }
            } else {
                let text = next_converted
                    .next()
                    .map_or(Text::Latin1(&[]), KeyText::as_text);
                (RawText::new(text), text.utf8_prefix())
            };
            self.order.push(SortEntry {
                text,
                prefix,
                value: index + 1,
            });
        }
        // Equal converted keys keep their order: the index breaks ties, and an unstable sort
        // needs no buffer of its own (a stable one allocates, infallibly, as many as there
        // are keys). Code-point order is UTF-8 byte order.
        self.order[mark..].sort_unstable_by(|a, b| {
            a.prefix
                .cmp(&b.prefix)
                // SAFETY: both keys are alive while this object is written (the field).
                .then_with(|| unsafe { a.text.text().cmp_code_points(&b.text.text()) })
                .then(a.value.cmp(&b.value))
        });
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
        identity: Borrowed<'_, 'py, PyAny>,
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
            // SAFETY: the key is alive while this object is written (the field).
            let key = unsafe { entry.text.text() };
            write_text(&mut self.out, key)?;
            self.key_separator()?;
            let value = self.held_item(entry.value);
            self.value(value, depth)
                .map_err(|failure| unwind_at_key(failure, identity, key))?;
        }
        Ok(self.close(Brackets::Object, depth)?)
    }

    /// The text a dict key is written as; the failure (if any) is about the dict. The key
    /// rules are the value rules: each type by its own behaviour, bounded unwrapping.
    fn key_text(&self, key: &Bound<'py, PyAny>) -> Result<KeyText<'py>, Failure> {
        if let Some(text) = as_str(key.as_borrowed()) {
            return str_key(text.to_owned());
        }
        if !self.options.non_str_keys {
            return Err(encode_error(Problem::KeyNotStr(qualified_name(key))));
        }
        let py = self.py;
        let mut current = key.clone();
        let mut enum_values = 0;
        loop {
            // Each check is on the real type, not `__class__`.
            let object = current.as_borrowed();
            if let Some(text) = as_str(object) {
                return str_key(text.to_owned());
            } else if is_true(object) {
                return Ok(KeyText::Static(b"true"));
            } else if is_false(object) {
                return Ok(KeyText::Static(b"false"));
            } else if is_none(object) {
                return Ok(KeyText::Static(b"null"));
            } else if let Some(int) = as_int(object) {
                return Ok(KeyText::Str(returned_str(
                    int_repr(int)?,
                    "int.__repr__()",
                )?));
            } else if let Some(float) = as_float(object) {
                let value = float_value(float);
                if !value.is_finite() {
                    return Err(encode_error(Problem::OutOfRange(float_repr(value))));
                }
                let mut text = ShortText::default();
                write_f64(&mut text, value)?;
                return Ok(KeyText::Short(text));
            } else if self.lookups.datetime.is_date(object) || self.lookups.datetime.is_time(object)
            {
                return str_key(self.isoformat(&current)?);
            } else if is_subtype(object, self.lookups.uuid.bind(py)) {
                let mut text = ShortText::default();
                text.write(&self.uuid_text(&current)?)?;
                return Ok(KeyText::Short(text));
            } else if is_subtype(object, self.lookups.enum_.bind(py)) {
                if enum_values == MAX_DEFAULT_CHAIN {
                    return Err(encode_error(Problem::EnumChain));
                }
                enum_values += 1;
                current = enum_value(&current)?;
                continue;
            }
            return Err(encode_error(Problem::KeyUnsupported(qualified_name(
                &current,
            ))));
        }
    }
}

#[inline]
fn too_deep(identity: Borrowed<'_, '_, PyAny>, depth: usize) -> Result<(), Failure> {
    if depth > MAX_DEPTH {
        return too_deep_error(identity);
    }
    Ok(())
}

#[cold]
fn too_deep_error(identity: Borrowed<'_, '_, PyAny>) -> Result<(), Failure> {
    Err(Failure::Encode(Box::new(EncodeError {
        problem: Problem::TooDeep,
        path: Vec::new(),
        chain: vec![identity.to_owned().unbind()],
    })))
}

/// The value of an Enum member as Enum's own `value` gives it: its `_value_`, read as
/// `object.__getattribute__` reads it (a subclass's `value` property or `__getattr__` is
/// not consulted).
fn enum_value<'py>(member: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    generic_getattr(member, intern!(member.py(), "_value_"))
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

/// A `str` key (or the `str` a key converts to), if it has a UTF-8 form (no lone
/// surrogate).
fn str_key(key: Bound<'_, PyString>) -> Result<KeyText<'_>, Failure> {
    // A compact ASCII str (most keys) has no surrogate to look for.
    if compact_ascii(key.as_borrowed()).is_none()
        && has_lone_surrogate(str_text(key.as_borrowed())?)
    {
        return Err(encode_error(Problem::LoneSurrogate));
    }
    Ok(KeyText::Str(key))
}

/// A dict key's text.
enum KeyText<'py> {
    /// A `str` (the key, or what it converts to), kept alive, its UTF-8 read in place.
    Str(Bound<'py, PyString>),
    /// Text made here: a float's digits, a UUID.
    Short(ShortText),
    Static(&'static [u8]),
}

impl KeyText<'_> {
    fn as_text(&self) -> Text<'_> {
        match self {
            // Read by `str_key`: the characters are there.
            Self::Str(key) => str_text(key.as_borrowed()).unwrap_or(Text::Latin1(&[])),
            // ASCII, made here.
            Self::Short(text) => Text::Latin1(text.as_bytes()),
            Self::Static(text) => Text::Latin1(text),
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

    unsafe fn tail(&mut self) -> *mut u8 {
        // SAFETY: `len <= 40`: within (or one past) the array.
        unsafe { self.bytes.as_mut_ptr().add(self.len) }
    }

    unsafe fn commit(&mut self, count: usize) {
        self.len += count;
    }
}

/// Adds the step from the object `container` to its failing item under a key (the key's
/// text, JSON-encoded) to an encode error's path. (A key's own problem is reported at its
/// dict: the dict's parent adds the dict's step.)
#[cold]
fn unwind_at_key(failure: Failure, container: Borrowed<'_, '_, PyAny>, key: Text<'_>) -> Failure {
    let Failure::Encode(_) = failure else {
        return failure;
    };
    let mut json = Vec::new();
    // The key was written before its value failed: only memory can be short here.
    if write_text(&mut json, key).is_err() {
        return memory_error();
    }
    unwind(failure, container, Segment::Key(json))
}

/// `unwind_at_key` for a `str` key, whose characters were read when it was written.
#[cold]
fn unwind_at_str_key(
    failure: Failure,
    container: Borrowed<'_, '_, PyAny>,
    key: Borrowed<'_, '_, PyString>,
) -> Failure {
    unwind_at_key(
        failure,
        container,
        str_text(key).unwrap_or(Text::Latin1(&[])),
    )
}

/// Adds the step from `container` to the failing child to an encode error's path.
fn unwind(failure: Failure, container: Borrowed<'_, '_, PyAny>, segment: Segment) -> Failure {
    match failure {
        Failure::Encode(mut error) => {
            error.path.push(segment);
            if matches!(error.problem, Problem::TooDeep) {
                error.chain.push(container.to_owned().unbind());
            }
            Failure::Encode(error)
        }
        python @ Failure::Python(_) => python,
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
