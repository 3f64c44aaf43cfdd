//! `int` and `float`: their values read from the objects, new numbers for `loads`.

use std::ffi::CStr;

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyInt};
use pyo3::Borrowed;

/// A float's value (`float` or a subclass, read as the float it holds: `__float__` is not
/// called).
#[allow(clippy::inline_always)]
#[inline(always)]
pub fn float_value(float: Borrowed<'_, '_, PyFloat>) -> f64 {
    // SAFETY: a live float (or subclass, which keeps the base layout): its stored value.
    unsafe { ffi::PyFloat_AS_DOUBLE(float.as_ptr()) }
}

/// The value of an int (or subclass) that fits in one CPython digit, read from the object
/// itself; `None` for larger ones. Most ints in JSON documents are such (|v| < 2**30), and
/// this avoids a call and an overflow check per number.
///
/// The layouts read are CPython's own: 3.12 and later keep a tag (sign and digit count)
/// after the object header, earlier versions a signed digit count in the variable-size
/// header; the first 30-bit digit follows in both (a zero has one zero digit).
#[allow(clippy::inline_always, clippy::cast_ptr_alignment)]
#[inline(always)]
pub fn one_digit_int(int: Borrowed<'_, '_, PyInt>) -> Option<i64> {
    let object = int.as_ptr();
    // SAFETY: `object` is a live int (or subclass: the base layout), so the header and its
    // first digit are there to read, at the offsets given above.
    unsafe {
        #[cfg(Py_3_12)]
        {
            let tag_at = object
                .cast::<u8>()
                .add(std::mem::size_of::<ffi::PyObject>());
            let tag = tag_at.cast::<usize>().read();
            // Compact (at most one digit) below 2 << 3; sign in the low two bits
            // (0 positive, 1 zero, 2 negative).
            if tag < (2 << 3) {
                let digit = tag_at
                    .add(std::mem::size_of::<usize>())
                    .cast::<u32>()
                    .read();
                #[allow(clippy::cast_possible_wrap)]
                let sign = 1 - (tag & 3) as i64;
                return Some(sign * i64::from(digit));
            }
            None
        }
        #[cfg(not(Py_3_12))]
        {
            let size = ffi::Py_SIZE(object);
            if size.abs() <= 1 {
                let digit = object
                    .cast::<u8>()
                    .add(std::mem::size_of::<ffi::PyVarObject>())
                    .cast::<u32>()
                    .read();
                return Some(i64::try_from(size).unwrap_or(0) * i64::from(digit));
            }
            None
        }
    }
}

/// An int (or subclass) as an i64, or the sign of an int beyond the i64 range: `Err(1)` or
/// `Err(-1)`. Its digits are read; no method of a subclass is called, nothing is raised.
#[inline]
pub fn int_value(int: Borrowed<'_, '_, PyInt>) -> Result<i64, i32> {
    let mut overflow: std::os::raw::c_int = 0;
    // SAFETY: attached; `int` is a live int: PyLong_AsLongLongAndOverflow reads its digits and
    // sets `overflow` instead of raising for a value out of range (it raises only for
    // non-ints, which calls `__index__`).
    let value = unsafe { ffi::PyLong_AsLongLongAndOverflow(int.as_ptr(), &raw mut overflow) };
    if overflow == 0 {
        Ok(value)
    } else {
        Err(overflow)
    }
}

/// `int.__repr__` of an int or subclass (int's own slot, whatever a subclass defines): exact
/// digits, CPython's digit limit included (a ValueError past it).
pub fn int_repr<'py>(int: Borrowed<'_, 'py, PyInt>) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: reads the slot of CPython's static int type.
    let Some(repr) = (unsafe { ffi::PyLong_Type.tp_repr }) else {
        return Err(PyTypeError::new_err("int has no repr"));
    };
    // SAFETY: attached; `int` is a live int, which int's repr slot accepts; a new reference
    // or NULL with an exception set.
    unsafe { Bound::from_owned_ptr_or_err(int.py(), repr(int.as_ptr())) }
}

/// An int (or subclass) as a float, as `int.__float__` gives it (OverflowError when too
/// large): a subclass's `__float__` is not called.
pub fn int_as_f64(int: Borrowed<'_, '_, PyInt>) -> PyResult<f64> {
    // SAFETY: attached; `int` is a live int: PyLong_AsDouble reads its digits; -1.0 with an
    // exception set (OverflowError) is the failure.
    let result = unsafe { ffi::PyLong_AsDouble(int.as_ptr()) };
    // -1.0 exactly is CPython's error sentinel.
    #[allow(clippy::float_cmp)]
    if result == -1.0 {
        if let Some(error) = PyErr::take(int.py()) {
            return Err(error);
        }
    }
    Ok(result)
}

/// An exact int's value if it is in `[0, 2**64)`; `None` otherwise (no exception left set).
#[inline]
pub fn exact_int_as_u64(int: Borrowed<'_, '_, PyInt>) -> Option<u64> {
    // SAFETY: attached; `int` is a live int: read without calling any method.
    let value = unsafe { ffi::PyLong_AsUnsignedLongLong(int.as_ptr()) };
    // SAFETY: attached; the error indicator is read and, for a value out of range, cleared.
    if value == u64::MAX && unsafe { !ffi::PyErr_Occurred().is_null() } {
        // SAFETY: as above.
        unsafe { ffi::PyErr_Clear() };
        return None;
    }
    Some(value)
}

/// A new int; `None` with an exception (MemoryError) set when it cannot be allocated.
#[inline]
pub fn new_int(py: Python<'_>, value: i64) -> Option<Bound<'_, PyAny>> {
    // SAFETY: attached; a new reference or NULL with an exception set.
    unsafe { Bound::from_owned_ptr_or_opt(py, ffi::PyLong_FromLongLong(value)) }
}

/// A new int from a u64.
#[inline]
pub fn new_u64(py: Python<'_>, value: u64) -> PyResult<Bound<'_, PyAny>> {
    // SAFETY: attached; a new reference or NULL with an exception set.
    unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyLong_FromUnsignedLongLong(value)) }
}

/// A new int from its decimal digits (with a sign), through CPython's own parsing, so that its
/// digit limit applies as in `int()`; `None` with the exception (ValueError, MemoryError)
/// set.
pub fn new_int_from_digits<'py>(py: Python<'py>, digits: &CStr) -> Option<Bound<'py, PyAny>> {
    // SAFETY: attached; `digits` is NUL-terminated and alive for the call; a new reference or
    // NULL with an exception set.
    unsafe {
        Bound::from_owned_ptr_or_opt(
            py,
            ffi::PyLong_FromString(digits.as_ptr(), std::ptr::null_mut(), 10),
        )
    }
}

/// A new float; `None` with an exception set when it cannot be allocated.
#[inline]
pub fn new_float(py: Python<'_>, value: f64) -> Option<Bound<'_, PyAny>> {
    // SAFETY: attached; a new reference or NULL with an exception set.
    unsafe { Bound::from_owned_ptr_or_opt(py, ffi::PyFloat_FromDouble(value)) }
}
