//! The fast entry point of `xxh3_64` (`ffi::fastcall`): hashing a 64-byte cache key takes a
//! few nanoseconds, PyO3's generic argument parsing around it ~100.
//!
//! Only the common shape is handled here: positional `bytes` data below the GIL-release size
//! and an optional positional `int` seed in `[0, 2**64)`. Every other call (keywords, other
//! buffers, wrong types, large inputs, wrapping seeds) goes to the PyO3 function in
//! `binding.rs`, so the semantics and error messages live in one place.

use std::ffi::CStr;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use super::binding::XXH3_GIL_RELEASE_MIN_BYTES;
use crate::ffi::fastcall::{self, Args, FastPath};
use crate::ffi::number::{exact_int_as_u64, new_u64};
use crate::ffi::object::{exact_bytes, exact_int};
use covet_core::hashing::xxh3;

struct Xxh3_64;

impl FastPath for Xxh3_64 {
    const NAME: &'static CStr = c"xxh3_64";

    fn slow() -> &'static PyOnceLock<Py<PyAny>> {
        static SLOW: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        &SLOW
    }

    fn call<'py>(args: &Args<'_, 'py>) -> Option<PyResult<Bound<'py, PyAny>>> {
        if !(1..=2).contains(&args.len()) {
            return None;
        }
        let data = exact_bytes(args.get(0)?)?;
        let bytes = data.as_bytes();
        if bytes.len() >= XXH3_GIL_RELEASE_MIN_BYTES {
            return None;
        }
        let seed = match args.get(1) {
            None => 0,
            // Negative or >= 2**64: the slow path wraps it modulo 2**64.
            Some(seed) => exact_int_as_u64(exact_int(seed)?)?,
        };
        Some(new_u64(args.py(), xxh3::hash64(bytes, seed)))
    }
}

/// Replaces the module's PyO3 `xxh3_64` by the fast entry point, which falls back to it.
pub fn install(module: &Bound<'_, PyModule>) -> PyResult<()> {
    fastcall::install::<Xxh3_64>(module)
}
