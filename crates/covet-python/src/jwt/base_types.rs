//! What the binding reads of the caller's objects, read through their base types: a value
//! of a supported type (dict, list, tuple, set, frozenset, str, bytes, int, float,
//! datetime, timedelta) may be a subclass, and its overridden methods (`items`,
//! `__iter__`, `__len__`, `__eq__`, `__hash__`, `encode`, `__float__`, `utctimetuple`,
//! `total_seconds`, ...) are never called: the base type's data and methods decide.
//!
//! Containers are copied (new references) inside one critical section before any Python
//! code can run, and the binding works on the copy: a key's `__hash__` that runs later
//! (when the items go into a new dict) may change or clear the caller's container without
//! effect. pyo3's dict iterator would panic on that ("dictionary changed size during
//! iteration"), a PanicException that `except Exception` does not catch.
//!
//! Python objects whose size follows the input are made with CPython's checked
//! constructors here (pyo3's `PyString::new` and `PyBytes::new` panic when CPython runs
//! out of memory).

use pyo3::exceptions::{PyMemoryError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyFloat, PyInt, PyList, PyString, PyTuple};

pub use crate::convert::{dict_items, list_items};
use crate::convert::{type_name, Item};
use crate::ffi::containers::set_items;
use crate::ffi::number;
use crate::ffi::string::{char_count, plain_str};

/// The items of a `list`, `tuple`, `set` or `frozenset` (or a subclass of one) read through
/// the base type, in its iteration order; `None` for any other object.
pub fn collection_items<'py>(
    value: &Bound<'py, PyAny>,
) -> PyResult<Option<Vec<Bound<'py, PyAny>>>> {
    if let Ok(list) = value.cast::<PyList>() {
        return list_items(list).map(Some);
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        // A tuple's items cannot change; pyo3 reads them from the base storage.
        let mut items = Vec::new();
        items
            .try_reserve_exact(tuple.len())
            .map_err(|_| PyMemoryError::new_err(()))?;
        items.extend(tuple.iter());
        return Ok(Some(items));
    }
    set_items(value)
}

/// The value of the last item of `items` whose key is the str `name` (a str subclass is
/// read as its characters): the item a dict built from `items` by text would keep.
pub fn member<'a, 'py>(items: &'a [Item<'py>], name: &str) -> Option<&'a Bound<'py, PyAny>> {
    items
        .iter()
        .rev()
        .find(|(key, _)| key_text(key) == Some(name))
        .map(|(_, value)| value)
}

/// The text of a dict key for the lookups the binding makes by name: a `str` or a subclass
/// of it, read as its characters (its `__eq__` and `__hash__` are never used); `None` for
/// any other key, and for a `str` holding a lone surrogate, which no name matches.
pub fn key_text<'a>(key: &'a Bound<'_, PyAny>) -> Option<&'a str> {
    key.cast::<PyString>()
        .ok()
        .and_then(|text| text.to_str().ok())
}

/// `key` as the key of a dict the binding builds: a str subclass becomes the exact `str` of
/// its characters (so that its `__hash__` and `__eq__` never decide which keys collide, and
/// two keys of the same text cannot both be written); anything else is kept.
pub fn plain_key<'py>(key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    match key.cast::<PyString>() {
        Ok(text) if !key.is_exact_instance_of::<PyString>() => Ok(plain_str(text)?.into_any()),
        _ => Ok(key.clone()),
    }
}

/// Whether a str (or subclass) holds no characters: its length, not its `__len__`.
pub fn is_empty_text(text: &Bound<'_, PyString>) -> bool {
    char_count(text.as_borrowed()) == 0
}

/// A new `bytes` of `data`: MemoryError, not a panic, when CPython cannot allocate it.
pub fn new_bytes<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    PyBytes::new_with(py, data.len(), |buffer| {
        buffer.copy_from_slice(data);
        Ok(())
    })
}

/// An int or float (subclasses too, not bool: the caller checks) as a float, as
/// `int.__float__` and `float.__float__` give it: a subclass's `__float__` is not called.
pub fn number_as_f64(value: &Bound<'_, PyAny>) -> PyResult<f64> {
    if let Ok(float) = value.cast::<PyFloat>() {
        return Ok(float.value());
    }
    number::int_as_f64(value.cast::<PyInt>()?.as_borrowed())
}

/// An int (or subclass) as an i64, or the sign of an int beyond the i64 range: `Err(1)` or
/// `Err(-1)`. Its digits are read; no method of a subclass is called.
pub fn int_value(int: &Bound<'_, PyInt>) -> Result<i64, i32> {
    number::int_value(int.as_borrowed())
}

static TOTAL_SECONDS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static UTCTIMETUPLE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `datetime.timedelta.total_seconds(delta)`: the base method, whatever a subclass
/// overrides; its result is checked to be a float before it is read.
pub fn total_seconds(delta: &Bound<'_, PyAny>) -> PyResult<f64> {
    let py = delta.py();
    let method = TOTAL_SECONDS.get_or_try_init(py, || {
        py.import("datetime")?
            .getattr("timedelta")?
            .getattr("total_seconds")
            .map(Bound::unbind)
    })?;
    let seconds = method.bind(py).call1((delta,))?;
    let seconds = seconds.cast_exact::<PyFloat>().map_err(|_| {
        PyTypeError::new_err(format!(
            "timedelta.total_seconds() returned non-float (type {})",
            type_name(&seconds)
        ))
    })?;
    Ok(seconds.value())
}

/// The NumericDate of a datetime (or subclass): `calendar.timegm(
/// datetime.datetime.utctimetuple(value))`, the base method whatever a subclass overrides
/// (a naive datetime is taken as UTC; an aware one goes through its tzinfo's `utcoffset`,
/// which CPython checks). The time tuple's fields are type-checked before they are read.
pub fn numeric_date(value: &Bound<'_, PyAny>) -> PyResult<i64> {
    let py = value.py();
    let method = UTCTIMETUPLE.get_or_try_init(py, || {
        py.import("datetime")?
            .getattr("datetime")?
            .getattr("utctimetuple")
            .map(Bound::unbind)
    })?;
    let tuple = method.bind(py).call1((value,))?;
    let wrong = |what: &Bound<'_, PyAny>| {
        PyTypeError::new_err(format!(
            "datetime.utctimetuple() returned non-struct_time (type {})",
            type_name(what)
        ))
    };
    let fields = tuple.cast::<PyTuple>().map_err(|_| wrong(&tuple))?;
    let mut numbers = [0i64; 6];
    for (index, number) in numbers.iter_mut().enumerate() {
        let field = fields.get_item(index).map_err(|_| wrong(&tuple))?;
        let field = field.cast_exact::<PyInt>().map_err(|_| wrong(&tuple))?;
        *number = int_value(field).map_err(|_| wrong(&tuple))?;
    }
    let [year, month, day, hour, minute, second] = numbers;
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm): what
/// `calendar.timegm` computes from `date.toordinal()`, for the years datetime allows.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::days_from_civil;

    #[test]
    fn days_from_civil_matches_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2030, 1, 1), 21_915);
        assert_eq!(days_from_civil(1, 1, 1), -719_162);
        assert_eq!(days_from_civil(9999, 12, 31), 2_932_896);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
    }
}
