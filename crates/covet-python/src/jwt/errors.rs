//! The JWT exceptions: each core error (`JwtError`) raised as its class of
//! `covet_rust_core._jwt_errors`, which is defined in Python and shared with the twin, so
//! that `except covet_rust_core.jwt.InvalidTokenError` catches both backends' errors.

use covet_core::jwt::fallible;
use covet_core::jwt::JwtError;
use pyo3::exceptions::{PyMemoryError, PyNotImplementedError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::ffi::string::new_str;

const ERRORS_MODULE: &str = "covet_rust_core._jwt_errors";

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// `covet_rust_core._jwt_errors`, imported once.
fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    let module = ERRORS.get_or_try_init(py, || py.import(ERRORS_MODULE).map(Bound::unbind))?;
    Ok(module.bind(py))
}

/// The exception class `name` of `covet_rust_core._jwt_errors`.
pub fn error_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    errors_module(py)?.getattr(name)
}

/// Adds every class of `covet_rust_core._jwt_errors` (its `__all__`) to `module`, so that
/// `_native.jwt` exports PyJWT's exceptions as `fallback.jwt` does.
pub fn export_all(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let errors = errors_module(module.py())?;
    for name in errors.getattr("__all__")?.try_iter()? {
        let name = name?.cast_into::<pyo3::types::PyString>()?;
        module.add(&name, errors.getattr(&name)?)?;
    }
    Ok(())
}

pub fn raise(py: Python<'_>, error: &JwtError) -> PyErr {
    let class = match error {
        JwtError::NotImplemented(message) => {
            return match new_str(py, message) {
                Ok(message) => PyNotImplementedError::new_err(message.unbind()),
                Err(error) => error,
            };
        }
        JwtError::OutOfMemory => return PyMemoryError::new_err(()),
        JwtError::MissingClaim(_) => "MissingRequiredClaimError",
        JwtError::Decode(_) => "DecodeError",
        JwtError::InvalidToken(_) => "InvalidTokenError",
        JwtError::InvalidSignature => "InvalidSignatureError",
        JwtError::Expired => "ExpiredSignatureError",
        JwtError::Immature(_) => "ImmatureSignatureError",
        JwtError::InvalidAudience(_) => "InvalidAudienceError",
        JwtError::InvalidIssuer(_) => "InvalidIssuerError",
        JwtError::InvalidIssuedAt => "InvalidIssuedAtError",
        JwtError::InvalidAlgorithm(_) => "InvalidAlgorithmError",
        JwtError::InvalidSubject(_) => "InvalidSubjectError",
        JwtError::InvalidJti => "InvalidJTIError",
        JwtError::InvalidKey(_) => "InvalidKeyError",
    };
    // The message may quote the token or the caller's names, of any length: made with the
    // checked constructor (MissingRequiredClaimError words its message from the claim).
    match new_str(py, &error.message())
        .and_then(|message| error_class(py, class)?.call1((message,)))
    {
        Ok(instance) => PyErr::from_value(instance),
        Err(error) => error,
    }
}

/// Converts the core's errors at the binding's edge.
pub trait OrRaise<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> OrRaise<T> for Result<T, JwtError> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|error| raise(py, &error))
    }
}

impl<T> OrRaise<T> for Result<T, fallible::OutOfMemory> {
    fn or_raise(self, _: Python<'_>) -> PyResult<T> {
        self.map_err(|_| PyMemoryError::new_err(()))
    }
}
