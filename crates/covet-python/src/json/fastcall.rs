//! The fast entry points of `dumps` and `loads` (`ffi::fastcall`): for a small document, the
//! call around the work is much of its cost (PyO3's generic extraction of six keyword
//! options costs about as much as writing a 165-byte dict).
//!
//! Only the common shape is handled here: one positional argument and no keywords, which
//! is `dumps(obj)` with every option at its default and any `loads(data)`. Every other call
//! goes to the PyO3 function in `binding.rs`, so the semantics and error messages live in
//! one place.

use std::ffi::CStr;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use super::binding::{default_options, loads_document, serialize};
use crate::ffi::fastcall::{self, Args, FastPath};

struct Dumps;

impl FastPath for Dumps {
    const NAME: &'static CStr = c"dumps";

    fn slow() -> &'static PyOnceLock<Py<PyAny>> {
        static SLOW: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        &SLOW
    }

    fn call<'py>(args: &Args<'_, 'py>) -> Option<PyResult<Bound<'py, PyAny>>> {
        if args.len() != 1 {
            return None;
        }
        let obj = args.get(0)?.to_owned();
        let written = serialize(args.py(), &obj, default_options(), false)
            .and_then(|out| out.finish().map(Bound::into_any));
        Some(written)
    }
}

struct Loads;

impl FastPath for Loads {
    const NAME: &'static CStr = c"loads";

    fn slow() -> &'static PyOnceLock<Py<PyAny>> {
        static SLOW: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        &SLOW
    }

    fn call<'py>(args: &Args<'_, 'py>) -> Option<PyResult<Bound<'py, PyAny>>> {
        if args.len() != 1 {
            return None;
        }
        Some(loads_document(args.py(), &args.get(0)?.to_owned()))
    }
}

/// Replaces the module's PyO3 `dumps` and `loads` by their fast entry points, which fall
/// back to them.
pub fn install(module: &Bound<'_, PyModule>) -> PyResult<()> {
    fastcall::install::<Dumps>(module)?;
    fastcall::install::<Loads>(module)
}
