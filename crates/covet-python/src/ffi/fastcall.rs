//! Raw `METH_FASTCALL` entry points, for the calls where PyO3's generic argument parsing and
//! trampoline are most of the cost (hashing a 64-byte cache key with `xxh3_64` takes a few
//! nanoseconds, the call around it ~100: callgrind counted ~170 of the ~440 instructions per
//! call in argument extraction and the trampoline).
//!
//! A [`FastPath`] handles the common shape of call; every other call (keywords, other types,
//! anything the fast path declines) is handed unchanged to the PyO3 function it replaces, so
//! the semantics and the error messages live in one place.

use std::ffi::CStr;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use pyo3::exceptions::PySystemError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::Borrowed;

use super::usize_of;

/// A function with a fast entry point.
pub trait FastPath {
    /// The module attribute: the PyO3 function of that name is replaced, and kept for every
    /// call the fast path declines. Its docstring and text signature become the fast one's.
    const NAME: &'static CStr;

    /// Where `install` keeps the PyO3 function.
    fn slow() -> &'static PyOnceLock<Py<PyAny>>;

    /// The result of a call of the common shape (positional arguments only), or `None`, with
    /// no exception set, to hand the call to the PyO3 function.
    fn call<'py>(args: &Args<'_, 'py>) -> Option<PyResult<Bound<'py, PyAny>>>;
}

/// The positional arguments of a fastcall without keywords.
pub struct Args<'a, 'py> {
    py: Python<'py>,
    pointers: *const *mut ffi::PyObject,
    len: usize,
    call: PhantomData<&'a ()>,
}

impl<'a, 'py> Args<'a, 'py> {
    pub fn py(&self) -> Python<'py> {
        self.py
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The argument at `index`, alive for the call.
    #[inline]
    pub fn get(&self, index: usize) -> Option<Borrowed<'a, 'py, PyAny>> {
        if index >= self.len {
            return None;
        }
        // SAFETY: `pointers` holds `len` live object pointers for the call ('a), as CPython passes
        // them to a METH_FASTCALL function; `index` is in range.
        unsafe {
            let object = *self.pointers.add(index);
            std::hint::assert_unchecked(!object.is_null());
            Some(Borrowed::from_ptr(self.py, object))
        }
    }
}

/// The C function CPython calls for `F`.
///
/// # Safety
/// Called by CPython as a `METH_FASTCALL | METH_KEYWORDS` function: attached, `args` holds
/// `nargs` live object pointers followed by the values of the `kwnames` (NULL or a tuple of
/// str).
unsafe extern "C" fn trampoline<F: FastPath>(
    _module: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls this function attached to the interpreter.
    let py = unsafe { Python::assume_attached() };
    if kwnames.is_null() {
        let positional = Args {
            py,
            pointers: args,
            len: usize_of(nargs),
            call: PhantomData,
        };
        // A fast path does not panic; should it ever, the call goes the slow way, which
        // reports a panic as a Python exception instead of aborting across `extern "C"`.
        if let Ok(Some(result)) = catch_unwind(AssertUnwindSafe(|| F::call(&positional))) {
            return match result {
                Ok(value) => value.into_ptr(),
                Err(error) => {
                    error.restore(py);
                    ptr::null_mut()
                }
            };
        }
    }
    let Some(slow) = F::slow().get(py) else {
        // Unreachable: `install` sets it before the function exists.
        PySystemError::new_err("the fast entry point is not initialised").restore(py);
        return ptr::null_mut();
    };
    // SAFETY: forwards exactly the arguments CPython gave us to the PyO3 function; a new
    // reference or NULL with an exception set, which is what we return.
    unsafe { ffi::PyObject_Vectorcall(slow.as_ptr(), args, usize_of(nargs), kwnames) }
}

/// Replaces the module's PyO3 function `F::NAME` by the fast entry point, which falls back to
/// it.
pub fn install<F: FastPath>(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    let name = F::NAME
        .to_str()
        .map_err(|_| PySystemError::new_err("a fast entry point's name must be UTF-8"))?;
    let slow = module.getattr(name)?;
    let doc = documentation(name, &slow)?;
    // A second initialisation (subinterpreters) finds it set and keeps the first.
    let _ = F::slow().set(py, slow.unbind());
    // CPython keeps a pointer to the method definition for the function's lifetime, and the
    // module can be initialised more than once per process (subinterpreters): one small
    // leaked definition per initialisation.
    let definition = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: F::NAME.as_ptr(),
        ml_meth: ffi::PyMethodDefPointer {
            PyCFunctionFastWithKeywords: trampoline::<F>,
        },
        ml_flags: ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
        ml_doc: doc.as_ptr(),
    }));
    let module_name = module.name()?;
    // SAFETY: attached; `definition` is 'static; `module` and `module_name` are live and
    // borrowed (PyCMethod_New takes its own references); a new reference or NULL with an
    // exception set.
    let fast = unsafe {
        Bound::from_owned_ptr_or_err(
            py,
            ffi::PyCMethod_New(
                definition,
                module.as_ptr(),
                module_name.as_ptr(),
                ptr::null_mut(),
            ),
        )?
    };
    module.setattr(name, fast)
}

/// The docstring of the fast entry point: the PyO3 function's text signature and docstring,
/// laid out as CPython reads them (`name(args)\n--\n\n` then the text), so that `help()` and
/// `inspect.signature` see the same function. Kept for the process's lifetime, as the method
/// definition that points to it (one small string per initialisation).
fn documentation(name: &str, slow: &Bound<'_, PyAny>) -> PyResult<&'static CStr> {
    let text = |attribute: &str| -> PyResult<Option<String>> {
        let value = slow.getattr(attribute)?;
        if value.is_none() {
            return Ok(None);
        }
        Ok(Some(value.extract::<String>()?))
    };
    let mut doc = String::new();
    if let Some(signature) = text("__text_signature__")? {
        doc = format!("{name}{signature}\n--\n\n");
    }
    doc.push_str(&text("__doc__")?.unwrap_or_default());
    let doc = std::ffi::CString::new(doc)
        .map_err(|_| PySystemError::new_err("a docstring must not contain NUL"))?;
    Ok(Box::leak(doc.into_boxed_c_str()))
}
