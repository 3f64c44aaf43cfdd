//! A raw `METH_FASTCALL` entry point for `xxh3_64`, the call where PyO3's generic argument
//! parsing and trampoline are most of the cost: hashing a 64-byte cache key takes a few
//! nanoseconds, the call around it ~100 (callgrind: ~170 of the ~440 instructions per call
//! were argument extraction and the trampoline).
//!
//! Only the common shape is handled here: positional `bytes` data below the GIL-release
//! size and an optional positional `int` seed in `[0, 2**64)`. Every other call (keywords,
//! other buffers, wrong types, large inputs, wrapping seeds) is handed unchanged to the
//! PyO3 function in `binding.rs`, so the semantics and error messages live in one place.
//!
//! The hashing domain's raw CPython access is here, in `exported_buffer.rs` (buffer exports)
//! and in `binding.rs`'s `fs_encoded` (one call); keep it this small.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use super::binding::XXH3_GIL_RELEASE_MIN_BYTES;
use covet_core::hashing::xxh3;

/// `data` and `seed` when the call has the fast shape, else None (and no error set).
///
/// # Safety
/// `args` must point to `nargs` valid object pointers, as CPython passes them to a
/// `METH_FASTCALL` function, and the caller must be attached to the interpreter.
unsafe fn fast_arguments<'a>(
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
) -> Option<(&'a [u8], u64)> {
    if !(1..=2).contains(&nargs) {
        return None;
    }
    // SAFETY: nargs >= 1, so args[0] is a valid object pointer.
    let data = unsafe { *args };
    // SAFETY: `data` is a valid object pointer.
    if unsafe { ffi::PyBytes_CheckExact(data) } == 0 {
        return None;
    }
    // SAFETY: `data` is exactly a bytes object: size and buffer are always available.
    let (buffer, size) = unsafe { (ffi::PyBytes_AsString(data), ffi::PyBytes_Size(data)) };
    let len = usize::try_from(size).ok()?;
    if len >= XXH3_GIL_RELEASE_MIN_BYTES {
        return None;
    }
    // SAFETY: a bytes object's buffer holds `len` bytes and lives as long as the call,
    // which holds a reference to `data`.
    let bytes = unsafe { std::slice::from_raw_parts(buffer.cast::<u8>(), len) };
    if nargs == 1 {
        return Some((bytes, 0));
    }
    // SAFETY: nargs == 2, so args[1] is a valid object pointer.
    let seed = unsafe { *args.add(1) };
    // SAFETY: `seed` is a valid object pointer.
    if unsafe { ffi::PyLong_CheckExact(seed) } == 0 {
        return None;
    }
    // SAFETY: `seed` is exactly an int.
    let value = unsafe { ffi::PyLong_AsUnsignedLongLong(seed) };
    // SAFETY: attached to the interpreter; querying and clearing the error indicator.
    if value == u64::MAX && unsafe { !ffi::PyErr_Occurred().is_null() } {
        // Negative or >= 2**64: the slow path wraps it modulo 2**64.
        unsafe { ffi::PyErr_Clear() };
        return None;
    }
    Some((bytes, value))
}

/// The PyO3 `xxh3_64`, which handles every call without the fast shape.
static SLOW_XXH3_64: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

unsafe extern "C" fn xxh3_64_fastcall(
    _module: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    if kwnames.is_null() {
        // SAFETY: CPython calls this with valid fastcall arguments, attached.
        if let Some((data, seed)) = unsafe { fast_arguments(args, nargs) } {
            // Hashing a slice cannot panic; should it ever, the slow path below reports
            // the panic as a Python exception instead of aborting across `extern "C"`.
            if let Ok(hash) = catch_unwind(AssertUnwindSafe(|| xxh3::hash64(data, seed))) {
                // SAFETY: attached; returns a new reference or NULL with an error set.
                return unsafe { ffi::PyLong_FromUnsignedLongLong(hash) };
            }
        }
    }
    // SAFETY: CPython calls this function attached to the interpreter.
    let py = unsafe { Python::assume_attached() };
    let Some(slow) = SLOW_XXH3_64.get(py) else {
        // Unreachable: `install` sets it before the function exists.
        PyErr::new::<pyo3::exceptions::PySystemError, _>("xxh3_64 is not initialised").restore(py);
        return ptr::null_mut();
    };
    let nargsf = usize::try_from(nargs).unwrap_or(0);
    // SAFETY: forwards exactly the arguments CPython gave us to the PyO3 function.
    unsafe { ffi::PyObject_Vectorcall(slow.as_ptr(), args, nargsf, kwnames) }
}

/// Replace the module's PyO3 `xxh3_64` by the fast entry point, which falls back to it.
pub fn install(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    // A second initialisation (subinterpreters) finds it set and keeps the first.
    let _ = SLOW_XXH3_64.set(py, module.getattr("xxh3_64")?.unbind());
    // CPython keeps a pointer to the method definition for the function's lifetime, and the
    // module can be initialised more than once per process (subinterpreters): one small
    // leaked definition per initialisation.
    let definition = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: c"xxh3_64".as_ptr(),
        ml_meth: ffi::PyMethodDefPointer {
            PyCFunctionFastWithKeywords: xxh3_64_fastcall,
        },
        ml_flags: ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
        ml_doc: c"xxh3_64(data, seed=None)\n--\n\nXXH3-64 of `data` as an int \
                  (`xxhash.xxh3_64_intdigest`). Stable across platforms."
            .as_ptr(),
    }));
    let module_name = module.name()?;
    // SAFETY: `definition` is 'static; `module` and `module_name` are valid and are
    // borrowed (PyCMethod_New takes its own references).
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
    module.setattr("xxh3_64", fast)
}
