//! What an object is (its exact type, a base type, a singleton), and the protocols read
//! through a type's own slots rather than through what a subclass defines.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use pyo3::Borrowed;

/// `object` as a `T`, which the type check `is` (run on `object` by the caller) proved.
///
/// # Safety
/// `is` is the result of `T`'s own type check on `object`.
#[allow(clippy::inline_always)]
#[inline(always)]
unsafe fn proven<'a, 'py, T>(
    object: Borrowed<'a, 'py, PyAny>,
    is: bool,
) -> Option<Borrowed<'a, 'py, T>> {
    if is {
        // SAFETY: the caller's promise: `object` passed `T`'s type check.
        Some(unsafe { object.cast_unchecked::<T>() })
    } else {
        None
    }
}

/// Whether `object`'s type is exactly `ty` (a subclass is not).
#[allow(clippy::inline_always)]
#[inline(always)]
fn type_is(object: Borrowed<'_, '_, PyAny>, ty: *mut ffi::PyTypeObject) -> bool {
    // SAFETY: a live object (the Borrowed's promise) always has a type to read.
    unsafe { ffi::Py_TYPE(object.as_ptr()) == ty }
}

macro_rules! exact_type_checks {
    ($($(#[$doc:meta])* $name:ident => $target:ty, $type_object:ident;)*) => {$(
        $(#[$doc])*
        #[allow(clippy::inline_always)] // the serializer's dispatch: a compare each
        #[inline(always)]
        pub fn $name<'a, 'py>(object: Borrowed<'a, 'py, PyAny>) -> Option<Borrowed<'a, 'py, $target>> {
            let is = type_is(object, &raw mut ffi::$type_object);
            // SAFETY: the check is the type's own (an exact type match).
            unsafe { proven(object, is) }
        }
    )*};
}

exact_type_checks! {
    /// `object` if its type is exactly `str`.
    exact_str => PyString, PyUnicode_Type;
    /// `object` if its type is exactly `int` (`bool` is not).
    exact_int => PyInt, PyLong_Type;
    /// `object` if its type is exactly `float`.
    exact_float => PyFloat, PyFloat_Type;
    /// `object` if its type is exactly `dict`.
    exact_dict => PyDict, PyDict_Type;
    /// `object` if its type is exactly `list`.
    exact_list => PyList, PyList_Type;
    /// `object` if its type is exactly `tuple`.
    exact_tuple => PyTuple, PyTuple_Type;
    /// `object` if its type is exactly `bytes`.
    exact_bytes => PyBytes, PyBytes_Type;
}

/// Whether `object`'s type is exactly `bool` (`True` or `False`).
#[allow(clippy::inline_always)]
#[inline(always)]
pub fn is_exact_bool(object: Borrowed<'_, '_, PyAny>) -> bool {
    type_is(object, &raw mut ffi::PyBool_Type)
}

macro_rules! base_type_checks {
    ($($(#[$doc:meta])* $name:ident => $target:ty, $check:ident;)*) => {$(
        $(#[$doc])*
        #[inline]
        pub fn $name<'a, 'py>(object: Borrowed<'a, 'py, PyAny>) -> Option<Borrowed<'a, 'py, $target>> {
            // SAFETY: a live object; the check reads its type's flags, never calls it.
            let is = unsafe { ffi::$check(object.as_ptr()) } != 0;
            // SAFETY: the check is the type's own (its subclass flag).
            unsafe { proven(object, is) }
        }
    )*};
}

base_type_checks! {
    /// `object` if it is a `str` or a subclass of it (read as the `str` it holds).
    as_str => PyString, PyUnicode_Check;
    /// `object` if it is an `int` or a subclass of it (`bool` included).
    as_int => PyInt, PyLong_Check;
    /// `object` if it is a `float` or a subclass of it.
    as_float => PyFloat, PyFloat_Check;
    /// `object` if it is a `dict` or a subclass of it.
    as_dict => PyDict, PyDict_Check;
    /// `object` if it is a `list` or a subclass of it.
    as_list => PyList, PyList_Check;
    /// `object` if it is a `tuple` or a subclass of it.
    as_tuple => PyTuple, PyTuple_Check;
}

/// Whether `object` is `None`.
#[allow(clippy::inline_always)]
#[inline(always)]
pub fn is_none(object: Borrowed<'_, '_, PyAny>) -> bool {
    // SAFETY: the address of the `None` singleton, compared, not read.
    object.as_ptr() == unsafe { ffi::Py_None() }
}

/// Whether `object` is `True`.
#[allow(clippy::inline_always)]
#[inline(always)]
pub fn is_true(object: Borrowed<'_, '_, PyAny>) -> bool {
    // SAFETY: the address of the `True` singleton, compared, not read.
    object.as_ptr() == unsafe { ffi::Py_True() }
}

/// Whether `object` is `False`.
#[allow(clippy::inline_always)]
#[inline(always)]
pub fn is_false(object: Borrowed<'_, '_, PyAny>) -> bool {
    // SAFETY: the address of the `False` singleton, compared, not read.
    object.as_ptr() == unsafe { ffi::Py_False() }
}

/// A new reference to `None`.
#[inline]
pub fn none(py: Python<'_>) -> Bound<'_, PyAny> {
    // SAFETY: attached (the token); `None` is a live singleton, and the new reference is
    // owned by the result.
    unsafe { Bound::from_borrowed_ptr(py, ffi::Py_None()) }
}

/// A new reference to `True` or `False`.
#[inline]
pub fn boolean(py: Python<'_>, value: bool) -> Bound<'_, PyAny> {
    // SAFETY: attached; both singletons are live, and the new reference is owned by the
    // result.
    unsafe {
        Bound::from_borrowed_ptr(
            py,
            if value {
                ffi::Py_True()
            } else {
                ffi::Py_False()
            },
        )
    }
}

/// Whether `object`'s type is `ty` or a subclass of it, by the types' MROs (never by an
/// `__instancecheck__` or a lying `__class__`).
#[inline]
pub fn is_subtype(object: Borrowed<'_, '_, PyAny>, ty: &Bound<'_, PyType>) -> bool {
    // SAFETY: attached; both are live, and PyType_IsSubtype only reads the types' MROs.
    unsafe { ffi::PyType_IsSubtype(ffi::Py_TYPE(object.as_ptr()), ty.as_type_ptr()) != 0 }
}

/// `descriptor.__get__(object, owner)` through the descriptor type's C slot: for the member
/// descriptor of a `__slots__` field this reads the field itself, whatever a subclass of
/// `owner` defines in its place. Not a descriptor: the class attribute itself, as attribute
/// lookup gives it.
pub fn descriptor_get<'py>(
    descriptor: &Bound<'py, PyAny>,
    object: Borrowed<'_, 'py, PyAny>,
    owner: &Bound<'py, PyType>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = descriptor.py();
    // SAFETY: attached; all three are live. The slot returns a new reference or NULL with an
    // exception set, which from_owned_ptr_or_err takes.
    unsafe {
        let result = match (*ffi::Py_TYPE(descriptor.as_ptr())).tp_descr_get {
            Some(get) => get(descriptor.as_ptr(), object.as_ptr(), owner.as_ptr()),
            None => ffi::Py_NewRef(descriptor.as_ptr()),
        };
        Bound::from_owned_ptr_or_err(py, result)
    }
}

/// `object.__getattribute__(name)` as `object` itself defines it (`PyObject_GenericGetAttr`):
/// a subclass's `__getattribute__`, `__getattr__` or property of that name is not consulted
/// unless it is a data descriptor of the type.
pub fn generic_getattr<'py>(
    object: &Bound<'py, PyAny>,
    name: &Bound<'py, PyString>,
) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: attached; both are live; a new reference or NULL with an exception set.
    unsafe {
        Bound::from_owned_ptr_or_err(
            object.py(),
            ffi::PyObject_GenericGetAttr(object.as_ptr(), name.as_ptr()),
        )
    }
}

/// Sets CPython's bare `MemoryError` (no allocation, so it works when memory is gone) for a
/// caller that reports failure by leaving an exception set.
#[cold]
pub fn set_memory_error(_py: Python<'_>) {
    // SAFETY: attached (the token).
    unsafe { ffi::PyErr_NoMemory() };
}

/// Whether an exception is set (for calls whose only failure signal is a sentinel value that
/// can also be a real result, such as -1).
#[inline]
pub fn error_pending(_py: Python<'_>) -> bool {
    // SAFETY: attached (the token); reads the thread's error indicator.
    unsafe { !ffi::PyErr_Occurred().is_null() }
}

/// `object` borrowed for `'a`, a lifetime the borrow checker cannot see (an item a buffer of
/// references holds while the buffer itself grows).
///
/// # Safety
/// `object` (the referenced Python object, not this `Bound`) stays alive for `'a`: some owner
/// keeps a reference to it that long.
#[allow(clippy::inline_always)]
#[inline(always)]
pub unsafe fn borrow_for<'a, 'py>(object: &Bound<'py, PyAny>) -> Borrowed<'a, 'py, PyAny> {
    // SAFETY: a live object's pointer (not NULL); alive for 'a (the caller's promise).
    unsafe { Borrowed::from_ptr(object.py(), object.as_ptr()) }
}
