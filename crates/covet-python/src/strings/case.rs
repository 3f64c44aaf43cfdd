//! `to_snake` / `to_camel` / `to_pascal` / `to_kebab`, pyhumps' conversions of a `str`, and
//! their deep forms `to_*_keys`, which convert the keys of every mapping found through dicts
//! and lists (docs/STRINGS.md, "Case conversion").

use std::borrow::Cow;

use pyo3::exceptions::{PyRecursionError, PyTypeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use super::{
    cow_result, for_each_item, list_items, mapping_abc, new_dict, new_list, str_from_wtf8,
    surrogatepass, unpack_pair,
};
use crate::convert::type_name;
use crate::convert::OrMemoryError;
use covet_core::strings::case::{convert, Case};
use covet_core::strings::fallible::{
    string_with_capacity, vec_with_capacity, TryPush, TryPushItem,
};
use covet_core::strings::unicode;

/// The deepest nesting of containers the `*_keys` forms follow; the argument is at depth 1.
/// Past it (or around a cycle) they raise RecursionError, as pyhumps would hit Python's
/// recursion limit.
const MAX_DEPTH: usize = 1000;

/// Set once the character classes follow the interpreter's Unicode version. A `PyOnceLock`,
/// not a `Once`: the import below may let another thread run, which must not then block
/// while attached to the interpreter.
static INTERPRETER_UNICODE: PyOnceLock<()> = PyOnceLock::new();

/// The names of the string form and of the deep form, for messages.
fn names(case: Case) -> (&'static str, &'static str) {
    match case {
        Case::Snake => ("to_snake", "to_snake_keys"),
        Case::Camel => ("to_camel", "to_camel_keys"),
        Case::Pascal => ("to_pascal", "to_pascal_keys"),
        Case::Kebab => ("to_kebab", "to_kebab_keys"),
    }
}

/// Tells the character classes which Unicode version the interpreter has, once (see
/// `unicode::set_interpreter_unicode`). Without `unicodedata`, the newest data is used.
pub(crate) fn follow_interpreter(py: Python<'_>) {
    INTERPRETER_UNICODE.get_or_init(py, || {
        let version = py
            .import("unicodedata")
            .and_then(|module| module.getattr("unidata_version"))
            .and_then(|version| version.extract::<String>());
        let Ok(version) = version else {
            return;
        };
        let mut numbers = version.split('.').map(str::parse::<u32>);
        if let (Some(Ok(major)), Some(Ok(minor))) = (numbers.next(), numbers.next()) {
            unicode::set_interpreter_unicode(major, minor);
        }
    });
}

fn string_form<'py>(s: &Bound<'py, PyAny>, case: Case) -> PyResult<Bound<'py, PyString>> {
    let Ok(text) = s.cast::<PyString>() else {
        let (name, keys_name) = names(case);
        // The hint only where it helps: a dict or a list passed to the string form.
        let hint = if s.is_instance_of::<PyList>() || s.is_instance(mapping_abc(s.py())?)? {
            format!(" (use {keys_name} for dicts and lists)")
        } else {
            String::new()
        };
        return Err(PyTypeError::new_err(format!(
            "{name}() argument 's' must be str, not {}{hint}",
            type_name(s)
        )));
    };
    convert_text(text, case)
}

/// The conversion of a `str`: the same object when pyhumps returns it unchanged.
fn convert_text<'py>(text: &Bound<'py, PyString>, case: Case) -> PyResult<Bound<'py, PyString>> {
    match text.to_str() {
        Ok(s) => cow_result(text, convert(s, case).or_memory_error()?),
        Err(error) => convert_with_surrogates(text, case, error),
    }
}

/// Where lone surrogates stand while the core converts: plane 15 private use characters,
/// which like surrogates have no case, are not space, numeric or a separator, and are
/// neither cased nor case-ignorable (the final sigma rule), so every step treats them as
/// pyhumps treats the surrogates.
const STAND_IN: u32 = 0xF_0000;
const SURROGATES: std::ops::Range<u32> = 0xD800..0xE000;

fn is_stand_in(c: char) -> bool {
    (STAND_IN..STAND_IN + 0x800).contains(&u32::from(c))
}

/// A `str` with lone surrogates (which `json.loads` can make from `"\ud800"`), which has no
/// UTF-8 form: converted with stand-ins. Text that already holds a stand-in character
/// cannot be told apart afterwards and raises the UnicodeEncodeError of the UTF-8 form.
#[cold]
fn convert_with_surrogates<'py>(
    text: &Bound<'py, PyString>,
    case: Case,
    error: PyErr,
) -> PyResult<Bound<'py, PyString>> {
    let py = text.py();
    let encoded = surrogatepass(text)?;
    let Some(standing_in) = with_stand_ins(encoded.as_bytes())? else {
        return Err(error);
    };
    let converted = match convert(&standing_in, case).or_memory_error()? {
        Cow::Borrowed(_) if text.is_exact_instance_of::<PyString>() => return Ok(text.clone()),
        Cow::Borrowed(_) => return str_from_wtf8(py, encoded.as_bytes()),
        Cow::Owned(converted) => converted,
    };
    // A stand-in (4 bytes) becomes a surrogate (3): never longer than `converted`.
    let mut wtf8 = vec_with_capacity(converted.len()).or_memory_error()?;
    for c in converted.chars() {
        if is_stand_in(c) {
            let code = u32::from(c) - STAND_IN + SURROGATES.start;
            // The three bytes `surrogatepass` writes: 0xED, then 6 bits and 6 bits.
            wtf8.extend([0xED, 0x80 | low_bits(code >> 6), 0x80 | low_bits(code)]);
        } else {
            wtf8.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }
    str_from_wtf8(py, &wtf8)
}

fn low_bits(value: u32) -> u8 {
    u8::try_from(value & 0x3F).unwrap_or_default()
}

/// WTF-8 (`surrogatepass`) as text with stand-ins; `None` when it has stand-ins already.
fn with_stand_ins(wtf8: &[u8]) -> PyResult<Option<String>> {
    // A surrogate (3 bytes) becomes a stand-in (4): at most a third longer.
    let mut out = string_with_capacity(wtf8.len() + wtf8.len() / 3).or_memory_error()?;
    let mut rest = wtf8;
    loop {
        // A surrogate is 0xED then 0xA0..=0xBF (in UTF-8, 0xED is followed by 0x80..=0x9F).
        let found = rest
            .windows(2)
            .position(|pair| pair[0] == 0xED && pair[1] >= 0xA0);
        let Ok(valid) = std::str::from_utf8(&rest[..found.unwrap_or(rest.len())]) else {
            return Ok(None);
        };
        if valid.chars().any(is_stand_in) {
            return Ok(None);
        }
        out.try_push_str(valid).or_memory_error()?;
        let Some(at) = found else {
            return Ok(Some(out));
        };
        let Some(&[_, high, low]) = rest.get(at..at + 3) else {
            return Ok(None);
        };
        let code = 0xD000 | (u32::from(high & 0x3F) << 6) | u32::from(low & 0x3F);
        let Some(stand_in) = char::from_u32(code - SURROGATES.start + STAND_IN) else {
            return Ok(None);
        };
        out.try_push(stand_in).or_memory_error()?;
        rest = &rest[at + 3..];
    }
}

/// The deep conversion: pyhumps' `_process_keys`.
struct Keys<'py> {
    py: Python<'py>,
    case: Case,
    function: &'static str,
}

impl<'py> Keys<'py> {
    /// A value: lists and mappings are rebuilt with converted keys, anything else is kept.
    fn value(&self, value: &Bound<'py, PyAny>, depth: usize) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(dict) = value.cast_exact::<PyDict>() {
            return self.dict(dict, depth + 1);
        }
        // pyhumps asks for a list first: a list subclass that is also a Mapping is a list.
        if let Ok(list) = value.cast::<PyList>() {
            return self.list(list, depth + 1);
        }
        // The common leaves, without the cost of an ABC isinstance check (~150 ns each).
        if value.is_exact_instance_of::<PyString>()
            || value.is_exact_instance_of::<PyInt>()
            || value.is_none()
            || value.is_exact_instance_of::<PyBool>()
            || value.is_exact_instance_of::<PyFloat>()
            || value.is_exact_instance_of::<PyTuple>()
            || value.is_exact_instance_of::<PyBytes>()
        {
            return Ok(value.clone());
        }
        if value.is_instance(mapping_abc(self.py)?)? {
            return self.mapping(value, depth + 1);
        }
        Ok(value.clone())
    }

    fn enter(&self, depth: usize) -> PyResult<()> {
        if depth > MAX_DEPTH {
            return Err(PyRecursionError::new_err(format!(
                "{}(): nesting deeper than {MAX_DEPTH} levels",
                self.function
            )));
        }
        Ok(())
    }

    /// A key: a `str` is converted; any other key is kept (pyhumps would convert `str(key)`).
    fn key(&self, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        match key.cast::<PyString>() {
            Ok(text) => Ok(convert_text(text, self.case)?.into_any()),
            Err(_) => Ok(key.clone()),
        }
    }

    /// A value one level down, on a fresh stack segment if this thread's stack runs low.
    fn nested(&self, value: &Bound<'py, PyAny>, depth: usize) -> PyResult<Bound<'py, PyAny>> {
        covet_core::stack::with_stack(|| self.value(value, depth))
    }

    /// An exact dict, read from a copy of its items taken first (`for_each_item`): keys and
    /// values run Python code (a key's `__hash__` and `__eq__` when it is stored, a nested
    /// Mapping's `items()`), which may change the dict without changing what is read.
    fn dict(&self, dict: &Bound<'py, PyDict>, depth: usize) -> PyResult<Bound<'py, PyAny>> {
        self.enter(depth)?;
        let out = new_dict(self.py)?;
        for_each_item(dict, |key, value| {
            out.set_item(self.key(&key)?, self.nested(&value, depth)?)
        })?;
        Ok(out.into_any())
    }

    /// A list: an exact one from a copy of its items taken first (as a dict), a subclass
    /// as the list comprehension reads it, through its `__iter__`.
    fn list(&self, list: &Bound<'py, PyList>, depth: usize) -> PyResult<Bound<'py, PyAny>> {
        self.enter(depth)?;
        let mut items = Vec::new();
        if list.is_exact_instance_of::<PyList>() {
            let source = list_items(list)?;
            items = vec_with_capacity(source.len()).or_memory_error()?;
            for item in source {
                items.push(self.nested(&item, depth)?);
            }
        } else {
            for item in list.try_iter()? {
                items
                    .try_push(self.nested(&item?, depth)?)
                    .or_memory_error()?;
            }
        }
        Ok(new_list(self.py, items)?.into_any())
    }

    /// Any other Mapping: `{fn(k): _process_keys(v) for k, v in m.items()}`, read through
    /// its own `items()` as it goes: a change meanwhile is whatever its iterator makes of
    /// it (a dict view's RuntimeError), as in the twin.
    fn mapping(&self, mapping: &Bound<'py, PyAny>, depth: usize) -> PyResult<Bound<'py, PyAny>> {
        self.enter(depth)?;
        let out = new_dict(self.py)?;
        for item in mapping
            .call_method0(intern!(self.py, "items"))?
            .try_iter()?
        {
            let (key, value) = unpack_pair(&item?)?;
            out.set_item(self.key(&key)?, self.nested(&value, depth)?)?;
        }
        Ok(out.into_any())
    }
}

fn keys_form<'py>(obj: &Bound<'py, PyAny>, case: Case) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    let keys = Keys {
        py,
        case,
        function: names(case).1,
    };
    keys.value(obj, 0)
}

/// pyhumps' ``decamelize`` of a str: ``someHTTPRequestId`` -> ``some_http_request_id``.
/// Returns ``s`` itself when nothing changes (and, as pyhumps, for all-upper-case or numeric
/// text, whitespace included).
#[pyfunction]
#[pyo3(signature = (s, /))]
pub fn to_snake<'py>(s: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    string_form(s, Case::Snake)
}

/// pyhumps' ``camelize`` of a str: ``some_value`` -> ``someValue``.
#[pyfunction]
#[pyo3(signature = (s, /))]
pub fn to_camel<'py>(s: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    string_form(s, Case::Camel)
}

/// pyhumps' ``pascalize`` of a str: ``some_value`` -> ``SomeValue``.
#[pyfunction]
#[pyo3(signature = (s, /))]
pub fn to_pascal<'py>(s: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    string_form(s, Case::Pascal)
}

/// pyhumps' ``kebabize`` of a str: ``someValue`` -> ``some-value``.
#[pyfunction]
#[pyo3(signature = (s, /))]
pub fn to_kebab<'py>(s: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    string_form(s, Case::Kebab)
}

/// ``obj`` with the keys of every mapping found through dicts and lists converted as by
/// ``to_snake`` (pyhumps' ``decamelize`` of a dict or list). Mappings become new dicts,
/// lists new lists; non-str keys and all values are kept. RecursionError past 1000 levels.
#[pyfunction]
#[pyo3(signature = (obj, /))]
pub fn to_snake_keys<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    keys_form(obj, Case::Snake)
}

/// ``to_snake_keys`` with ``to_camel``.
#[pyfunction]
#[pyo3(signature = (obj, /))]
pub fn to_camel_keys<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    keys_form(obj, Case::Camel)
}

/// ``to_snake_keys`` with ``to_pascal``.
#[pyfunction]
#[pyo3(signature = (obj, /))]
pub fn to_pascal_keys<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    keys_form(obj, Case::Pascal)
}

/// ``to_snake_keys`` with ``to_kebab``.
#[pyfunction]
#[pyo3(signature = (obj, /))]
pub fn to_kebab_keys<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    keys_form(obj, Case::Kebab)
}
