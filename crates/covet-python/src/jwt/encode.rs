//! `encode`: the arguments checked in docs/JWT.md's order, the header and the payload
//! written with `dumps`, the key resolved; signing (covet-core's `signing`) needs no GIL and
//! runs without it for the asymmetric algorithms.

use covet_core::jwt::keys::Purpose;
use covet_core::jwt::signing::{signing_input, Unsigned};
use covet_core::jwt::Algorithm;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDateTime, PyDict, PyString};

use super::base_types::{self, dict_items, member, plain_key};
use super::errors::OrRaise;
use super::key::resolve_key;
use crate::convert::{type_name, Given, Item};
use crate::ffi::bytes::BytesBuffer;
use crate::ffi::containers::dict_keys_are_exact_str;
use crate::json::binding::dumps_buffer;

/// The `str` of a signed token (ASCII), or MemoryError.
pub(super) fn token_str<'py>(py: Python<'py>, token: &[u8]) -> PyResult<Bound<'py, PyString>> {
    PyString::from_bytes(py, token)
}

/// An algorithm name argument, checked for support.
fn algorithm_name(value: &Bound<'_, PyAny>) -> PyResult<Algorithm> {
    let name = value.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!("algorithm must be a str, not {}", type_name(value)))
    })?;
    Algorithm::supported(name.to_str()?).or_raise(value.py())
}

/// The truth of a value the way the twin's `if value:` takes it, except that a str (or a
/// subclass) is true when it holds characters: its `__len__` or `__bool__` is not asked.
fn is_truthy(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    match value.cast::<PyString>() {
        Ok(text) => Ok(!base_types::is_empty_text(text)),
        Err(_) => value.is_truthy(),
    }
}

/// The header of a new token, as JSON: `None` for the common `{"alg","typ":"JWT"}` with
/// nothing added, which is written directly.
fn header_json<'py>(
    py: Python<'py>,
    alg: Algorithm,
    headers: &[Item<'py>],
) -> PyResult<Option<BytesBuffer<'py>>> {
    if headers.is_empty() {
        return Ok(None);
    }
    let header = PyDict::new(py);
    header.set_item(intern!(py, "alg"), alg.name())?;
    header.set_item(intern!(py, "typ"), intern!(py, "JWT"))?;
    // The items were read at once, through dict itself; keys are put in by their text, so
    // a str subclass cannot add a second "alg" next to the one set below.
    for (name, value) in headers {
        header.set_item(plain_key(name)?, value)?;
    }
    header.set_item(intern!(py, "alg"), alg.name())?;
    if let Some(typ) = header.get_item(intern!(py, "typ"))? {
        if typ.is_none()
            || typ
                .cast::<PyString>()
                .is_ok_and(|typ| base_types::is_empty_text(typ))
        {
            header.del_item(intern!(py, "typ"))?;
        }
    }
    dumps_buffer(py, header.as_any(), true).map(Some)
}

/// Whether `dict` is an exact dict whose keys are all exact strs: then looking up a name in
/// it runs no Python code, and its claims can be used as they are.
fn has_plain_keys(dict: &Bound<'_, PyDict>) -> bool {
    dict.is_exact_instance_of::<PyDict>() && dict_keys_are_exact_str(dict)
}

/// The payload to write: its `exp`, `iat` and `nbf` datetimes as NumericDates, and its `iss`
/// checked. The caller's dict is left alone: a dict subclass, or a dict with a key that is
/// not an exact str, is copied item by item (read through dict itself, str subclass keys
/// as their text, so no two claims of one name reach the token); a plain dict is copied
/// only when a datetime is converted.
fn claims_to_write<'py>(
    py: Python<'py>,
    payload: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut claims = if has_plain_keys(payload) {
        payload.clone()
    } else {
        let copy = PyDict::new(py);
        for (name, value) in dict_items(payload)? {
            copy.set_item(plain_key(&name)?, value)?;
        }
        copy
    };
    for name in [intern!(py, "exp"), intern!(py, "iat"), intern!(py, "nbf")] {
        let Some(value) = claims.get_item(name)? else {
            continue;
        };
        if !value.is_instance_of::<PyDateTime>() {
            continue;
        }
        let seconds = base_types::numeric_date(&value)?;
        if claims.is(payload) {
            // An exact dict with exact str keys: PyDict_Copy runs no Python code.
            claims = payload.copy()?;
        }
        claims.set_item(name, seconds)?;
    }
    if let Some(iss) = claims.get_item(intern!(py, "iss"))? {
        if !iss.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err("Issuer (iss) must be a string."));
        }
    }
    Ok(claims)
}

/// Encode ``payload`` (a dict) as a signed JWT (compact JWS) and return it as ``str``.
///
/// ``exp``, ``iat`` and ``nbf`` datetimes become NumericDates; ``headers`` are merged into
/// ``{"alg": ..., "typ": "JWT"}`` (a truthy ``headers["alg"]`` wins over ``algorithm``).
/// The key: an HMAC secret (str/bytes), a private PEM, a private JWK dict, or a jwt.Key.
#[pyfunction]
#[pyo3(
    signature = (payload, key, algorithm=Given(None), headers=None),
    text_signature = "(payload, key, algorithm='HS256', headers=None)"
)]
pub fn encode<'py>(
    py: Python<'py>,
    payload: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    algorithm: Given<'py>,
    headers: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyString>> {
    let unsigned = prepare_encode(py, payload, key, algorithm, headers)?;
    let token = if unsigned.signs_slowly() {
        py.detach(|| unsigned.sign())
    } else {
        unsigned.sign()
    };
    token_str(py, &token.or_raise(py)?)
}

/// Everything `encode` does before signing, in its order: the arguments checked, the
/// header and payload serialised, the key resolved.
pub(super) fn prepare_encode<'py>(
    py: Python<'py>,
    payload: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    algorithm: Given<'py>,
    headers: Option<&Bound<'py, PyAny>>,
) -> PyResult<Unsigned> {
    let payload = payload.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(
            "Expecting a dict object, as JWT only supports JSON objects as payloads.",
        )
    })?;
    let headers = match headers.filter(|headers| !headers.is_none()) {
        None => Vec::new(),
        Some(headers) => dict_items(headers.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err(format!(
                "headers must be a dict or None, not {}",
                type_name(headers)
            ))
        })?)?,
    };
    // An `alg` whose truth cannot be told (its __bool__ or __len__ raises) is that error,
    // as in the twin's `if headers.get("alg")`.
    let header_alg = match member(&headers, "alg") {
        Some(alg) if is_truthy(alg)? => Some(alg),
        _ => None,
    };
    let alg = match (header_alg, algorithm.0) {
        (Some(alg), _) => algorithm_name(alg)?,
        (None, Some(alg)) => algorithm_name(&alg)?,
        (None, None) => Algorithm::HS256,
    };
    // Only its type matters here: a JWK set, which a kid would choose from, cannot sign. A
    // lone surrogate in it is refused by the header's dumps below (JSONEncodeError, as in
    // the twin).
    if let Some(kid) = member(&headers, "kid") {
        if !kid.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(
                "Key ID header parameter must be a string",
            ));
        }
    }
    if let Some(b64) = member(&headers, "b64") {
        if !b64.is(&*PyBool::new(py, true)) {
            return Err(PyValueError::new_err(
                "The b64 header parameter is not supported",
            ));
        }
    }
    let header = header_json(py, alg, &headers)?;
    drop(headers);
    let claims = claims_to_write(py, payload)?;
    let payload_json = dumps_buffer(py, claims.as_any(), false)?;
    drop(claims);

    let plain_header;
    let header = if let Some(buffer) = &header {
        buffer.as_slice()
    } else {
        // The common case, keys already sorted.
        plain_header = format!(r#"{{"alg":"{}","typ":"JWT"}}"#, alg.name());
        plain_header.as_bytes()
    };
    let token = signing_input(header, payload_json.as_slice()).or_raise(py)?;
    drop(payload_json);
    let key = resolve_key(py, Some(key), alg, None, Purpose::Sign)?;
    Ok(Unsigned::new(token, key, alg))
}
