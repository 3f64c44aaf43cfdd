//! The awaitable forms of `encode`, `decode` and `decode_complete`
//! (`covet_rust_core.aio`, docs/AIO.md): every step the sync form takes before the signature
//! runs on the calling thread, in the same order, so errors are the same; signing or
//! verifying with an asymmetric key runs on a covet worker thread. HMAC takes about a
//! microsecond, far less than the hand-off, so HMAC tokens are done inline.

use pyo3::prelude::*;
use pyo3::types::PyString;

use super::decode::{complete_dict, finish_decode, start_decode, Unverified};
use super::encode::{prepare_encode, token_str};
use super::errors::{raise, OrRaise};
use super::options::{decode_pyfunction, DecodeArgs};
use crate::aio::{offload, ready};
use crate::convert::Given;
use covet_core::jwt::JwtError;

/// A token signed off the loop (ASCII), or the error signing gave.
struct Signed(Result<Vec<u8>, JwtError>);

impl<'py> IntoPyObject<'py> for Signed {
    type Target = PyString;
    type Output = Bound<'py, PyString>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        token_str(py, &self.0.or_raise(py)?)
    }
}

/// Awaitable form of `jwt.encode`: an asyncio future of the running loop.
#[pyfunction]
#[pyo3(
    signature = (payload, key, algorithm=Given(None), headers=None),
    text_signature = "(payload, key, algorithm='HS256', headers=None)"
)]
pub fn jwt_encode<'py>(
    py: Python<'py>,
    payload: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    algorithm: Given<'py>,
    headers: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let unsigned = prepare_encode(py, payload, key, algorithm, headers)?;
    if !unsigned.signs_slowly() {
        return ready(Signed(unsigned.sign()).into_pyobject(py)?.into_any());
    }
    offload(py, move || Signed(unsigned.sign()))
}

/// A token whose signature was checked off the loop; the payload is parsed and its claims
/// checked when the result is built (with the GIL).
struct Checked {
    unverified: Unverified,
    signature: Result<(), JwtError>,
    args: DecodeArgs,
    complete: bool,
}

impl<'py> IntoPyObject<'py> for Checked {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Err(error) = self.signature {
            return Err(raise(py, &error));
        }
        let decoded = finish_decode(py, self.unverified, &self.args)?;
        if self.complete {
            Ok(complete_dict(py, decoded)?.into_any())
        } else {
            Ok(decoded.payload)
        }
    }
}

/// The awaitable decode once its arguments are checked: HMAC inline, the rest offloaded.
fn decode_awaitable<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
    key: Option<&Bound<'py, PyAny>>,
    args: DecodeArgs,
    complete: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let unverified = start_decode(py, token, key, &args)?;
    if !unverified.verifies_slowly() {
        let signature = unverified.check_signature();
        let checked = Checked {
            unverified,
            signature,
            args,
            complete,
        };
        return ready(checked.into_pyobject(py)?);
    }
    offload(py, move || {
        let signature = unverified.check_signature();
        Checked {
            unverified,
            signature,
            args,
            complete,
        }
    })
}

decode_pyfunction! {
    /// Awaitable form of `jwt.decode`: an asyncio future of the running loop.
    jwt_decode -> Bound<'py, PyAny> = |py, token, key, args| decode_awaitable(py, token, key, args, false)
}

decode_pyfunction! {
    /// Awaitable form of `jwt.decode_complete`: an asyncio future of the running loop.
    jwt_decode_complete -> Bound<'py, PyAny> = |py, token, key, args| decode_awaitable(py, token, key, args, true)
}
