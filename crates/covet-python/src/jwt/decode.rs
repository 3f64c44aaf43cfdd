//! `decode`, `decode_complete` and `get_unverified_header`: the token taken
//! apart in docs/JWT.md's order. The header and the payload are parsed once into Python
//! objects (the dicts returned); the rules (covet-core's `token` and `claims`) read a plain
//! view of the few members they need. The signature check (covet-core's `signing`) needs no
//! GIL and runs without it for the asymmetric algorithms.

use covet_core::json::value::Value;
use covet_core::jwt::claims::{self, Policy};
use covet_core::jwt::fallible;
use covet_core::jwt::keys::Purpose;
use covet_core::jwt::signing::SignatureCheck;
use covet_core::jwt::token::{self, JsonProblem};
use covet_core::jwt::{JwtError, DEFAULT_MAX_TOKEN_BYTES};
use pyo3::exceptions::{PyMemoryError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString};

use super::base_types::{self, new_bytes};
use super::errors::{raise, OrRaise};
use super::key::resolve_key;
use super::options::{decode_pyfunction, DecodeArgs};
use crate::convert::type_name;
use crate::ffi::string::{encode_surrogatepass, new_str};
use crate::json::binding::{loads_slice, loads_slice_unique_keys};

/// The token's bytes, checked against `max_token_bytes` before they are copied: a str's
/// UTF-8 (lone surrogates kept, so they fail as base64url: `str.encode(token, "utf-8",
/// "surrogatepass")`, never a subclass's `encode`), or bytes (a subclass's data).
fn token_bytes(
    py: Python<'_>,
    token: &Bound<'_, PyAny>,
    max_token_bytes: usize,
) -> PyResult<Vec<u8>> {
    let encoded;
    let bytes = if let Ok(text) = token.cast::<PyString>() {
        if let Ok(text) = text.to_str() {
            text.as_bytes()
        } else {
            encoded = encode_surrogatepass(text)?;
            encoded.as_bytes()
        }
    } else if let Ok(bytes) = token.cast::<PyBytes>() {
        bytes.as_bytes()
    } else {
        return Err(raise(
            py,
            &JwtError::Decode(format!(
                "Invalid token type: expected str or bytes, got {}",
                type_name(token)
            )),
        ));
    };
    token::check_size(bytes.len(), max_token_bytes).or_raise(py)?;
    fallible::copy(bytes).or_raise(py)
}

/// The DecodeError for a decoded header or payload that the fast parse refused, worded by
/// the plain-Rust check ([`token::check_object`], linear and fallible); a syntax error's
/// tail is the package's `loads`'s message. A MemoryError met on the way is raised as such.
fn segment_error(py: Python<'_>, json: &[u8], what: &str) -> PyErr {
    let Err(problem) = token::check_object(json) else {
        // Cannot happen: the two parsers accept the same documents.
        return raise(py, &JwtError::Decode(format!("Invalid {what} string")));
    };
    let mut syntax = String::new();
    if matches!(problem, JsonProblem::Syntax(_)) {
        match loads_slice(py, json) {
            // JSONDecodeError (or CPython's int digit limit): its str() is the tail.
            Err(error) if error.is_instance_of::<PyValueError>(py) => match error.value(py).str() {
                Ok(text) => syntax = text.to_string(),
                Err(error) => return error,
            },
            Err(error) => return error,
            Ok(_) => {}
        }
    }
    raise(py, &problem.into_error(what, |_| syntax))
}

/// A decoded header or payload as Python objects: a dict without repeated keys, or the
/// DecodeError for `what`.
fn python_object<'py>(py: Python<'py>, json: &[u8], what: &str) -> PyResult<Bound<'py, PyDict>> {
    match loads_slice_unique_keys(py, json) {
        Ok(object) => object.cast_into::<PyDict>().map_err(|_| {
            raise(
                py,
                &JsonProblem::NotAnObject.into_error(what, |_| String::new()),
            )
        }),
        Err(None) => Err(segment_error(py, json, what)),
        // CPython's limit on int digits (a ValueError) is the token's doing too.
        Err(Some(error)) if error.is_instance_of::<PyValueError>(py) => Err(raise(
            py,
            &JwtError::Decode(format!("Invalid {what} string: {}", error.value(py))),
        )),
        Err(Some(error)) => Err(error),
    }
}

/// The registered claims (and the required ones) of a payload dict, as plain values for
/// [`claims::validate`]. Only what the rules read is converted: for containers, their
/// string items (aud) and whether they are empty.
fn claims_view(payload: &Bound<'_, PyDict>, policy: &Policy) -> PyResult<Value> {
    let py = payload.py();
    // Interned: the names' str objects and hashes are made once per process.
    let registered = [
        intern!(py, "iat"),
        intern!(py, "nbf"),
        intern!(py, "exp"),
        intern!(py, "iss"),
        intern!(py, "aud"),
        intern!(py, "sub"),
        intern!(py, "jti"),
    ];
    let mut required = Vec::new();
    required
        .try_reserve_exact(policy.require.len())
        .map_err(|_| PyMemoryError::new_err(()))?;
    for name in &policy.require {
        required.push(new_str(py, name)?);
    }
    members_view(payload, registered.iter().copied().chain(&required))
}

/// The header members the rules read (alg, kid, crit, b64), as plain values.
fn header_view(header: &Bound<'_, PyDict>) -> PyResult<Value> {
    let py = header.py();
    let names = [
        intern!(py, "alg"),
        intern!(py, "kid"),
        intern!(py, "crit"),
        intern!(py, "b64"),
    ];
    members_view(header, names.iter().copied())
}

/// The members `names` of `dict` (the parser's: exact types only) that are present, as a
/// plain object.
fn members_view<'a, 'py: 'a>(
    dict: &Bound<'py, PyDict>,
    names: impl Iterator<Item = &'a Bound<'py, PyString>>,
) -> PyResult<Value> {
    let py = dict.py();
    let mut members = Vec::new();
    for name in names {
        if let Some(value) = dict.get_item(name)? {
            let name = fallible::copy(name.to_str()?.as_bytes()).or_raise(py)?;
            let value = plain_value(&value, true)?;
            members
                .try_reserve(1)
                .map_err(|_| PyMemoryError::new_err(()))?;
            members.push((name, value));
        }
    }
    Ok(Value::Object(members))
}

/// A value decoded from JSON (exact types) as a plain [`Value`]; containers one level deep
/// only. Every copy is fallible: the value is as large as the token allows.
fn plain_value(value: &Bound<'_, PyAny>, top: bool) -> PyResult<Value> {
    let py = value.py();
    Ok(if value.is_none() {
        Value::Null
    } else if let Ok(flag) = value.cast::<PyBool>() {
        Value::Bool(flag.is_true())
    } else if let Ok(int) = value.cast::<PyInt>() {
        match base_types::int_value(int) {
            Ok(int) => Value::Int(int),
            Err(_) => Value::BigInt(fallible::copy_str(int.str()?.to_str()?).or_raise(py)?),
        }
    } else if let Ok(float) = value.cast::<PyFloat>() {
        Value::Float(float.value())
    } else if let Ok(text) = value.cast::<PyString>() {
        Value::String(match text.to_str() {
            Ok(text) => fallible::copy(text.as_bytes()).or_raise(py)?,
            // Lone surrogates (from "\ud800" escapes): WTF-8, as the JSON parser keeps them.
            Err(_) => fallible::copy(encode_surrogatepass(text)?.as_bytes()).or_raise(py)?,
        })
    } else if let Ok(list) = value.cast::<PyList>() {
        if top {
            let items = base_types::list_items(list)?;
            let mut values = Vec::new();
            values
                .try_reserve_exact(items.len())
                .map_err(|_| PyMemoryError::new_err(()))?;
            for item in &items {
                values.push(plain_value(item, false)?);
            }
            Value::Array(values)
        } else {
            Value::Array(Vec::new())
        }
    } else {
        // A dict: only its truth value is read.
        let empty = value.cast::<PyDict>().map_or(true, PyDictMethods::is_empty);
        Value::Object(if empty {
            Vec::new()
        } else {
            vec![(Vec::new(), Value::Null)]
        })
    })
}

/// What a decode returns: the header and payload dicts and the signature.
pub(super) struct Decoded<'py> {
    pub(super) header: Bound<'py, PyAny>,
    pub(super) payload: Bound<'py, PyAny>,
    pub(super) signature: Vec<u8>,
}

/// A token taken apart up to its signature check: the header parsed and checked, the key
/// resolved. Checking the signature needs no GIL; the sync form releases it for the
/// asymmetric algorithms, the awaitable form moves them to a worker thread.
pub(super) struct Unverified {
    check: SignatureCheck,
    header: Py<PyDict>,
}

impl Unverified {
    pub(super) fn verifies_slowly(&self) -> bool {
        self.check.verifies_slowly()
    }

    pub(super) fn check_signature(&self) -> Result<(), JwtError> {
        self.check.check()
    }
}

/// The decode steps before the signature check, in docs/JWT.md's order.
pub(super) fn start_decode(
    py: Python<'_>,
    token: &Bound<'_, PyAny>,
    key: Option<&Bound<'_, PyAny>>,
    args: &DecodeArgs,
) -> PyResult<Unverified> {
    let token = token_bytes(py, token, args.max_token_bytes)?;
    let segments = token::split(&token).or_raise(py)?;
    let header_json = token::decode_segment(segments.header, "header").or_raise(py)?;
    // Parsed once into Python objects (as the payload); the rules read a plain view.
    let header_dict = python_object(py, &header_json, "header")?;
    let header = header_view(&header_dict)?;
    let kid = token::check_header(&header).or_raise(py)?;
    let verify_with = if args.verify_signature {
        let alg = token::check_alg(&header, &args.algorithms).or_raise(py)?;
        Some((
            alg,
            resolve_key(py, key, alg, kid.as_deref(), Purpose::Verify)?,
        ))
    } else {
        None
    };
    let signature = token::decode_segment(segments.signature, "signature").or_raise(py)?;
    Ok(Unverified {
        check: SignatureCheck::new(token, signature, verify_with),
        header: header_dict.unbind(),
    })
}

/// The decode steps after a successful signature check: the payload parsed and checked
/// against the claim rules.
pub(super) fn finish_decode<'py>(
    py: Python<'py>,
    unverified: Unverified,
    args: &DecodeArgs,
) -> PyResult<Decoded<'py>> {
    let segments = token::split(unverified.check.token()).or_raise(py)?;
    let payload_json = token::decode_segment(segments.payload, "payload").or_raise(py)?;
    // One parse into Python objects; the rules read the few claims they need from it.
    let payload = python_object(py, &payload_json, "payload")?;
    claims::validate(
        &claims_view(&payload, &args.policy)?,
        &args.policy,
        claims::now(),
    )
    .or_raise(py)?;
    Ok(Decoded {
        header: unverified.header.into_bound(py).into_any(),
        payload: payload.into_any(),
        signature: unverified.check.into_signature(),
    })
}

fn decode_token<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
    key: Option<&Bound<'py, PyAny>>,
    args: &DecodeArgs,
) -> PyResult<Decoded<'py>> {
    let unverified = start_decode(py, token, key, args)?;
    if unverified.verifies_slowly() {
        py.detach(|| unverified.check_signature())
    } else {
        unverified.check_signature()
    }
    .or_raise(py)?;
    finish_decode(py, unverified, args)
}

/// `decode_complete`'s result: `{"header": dict, "payload": dict, "signature": bytes}`.
pub(super) fn complete_dict<'py>(
    py: Python<'py>,
    decoded: Decoded<'py>,
) -> PyResult<Bound<'py, PyDict>> {
    let result = PyDict::new(py);
    result.set_item("header", decoded.header)?;
    result.set_item("payload", decoded.payload)?;
    result.set_item("signature", new_bytes(py, &decoded.signature)?)?;
    Ok(result)
}

decode_pyfunction! {
    /// Verify a JWT and return its claims (a dict).
    ///
    /// ``algorithms`` (a list) is required while the signature is verified. ``options`` keys are
    /// PyJWT's (verify_signature, verify_exp, verify_nbf, verify_iat, verify_aud, verify_iss,
    /// verify_sub, verify_jti, require, strict_aud); ``audience``, ``issuer``, ``subject`` and
    /// ``leeway`` (seconds or a timedelta) as in PyJWT. Tokens over ``max_token_bytes`` are
    /// refused before any decoding. Everything a token can cause is an InvalidTokenError.
    decode -> Bound<'py, PyAny> = |py, token, key, args: DecodeArgs| {
        Ok(decode_token(py, token, key, &args)?.payload)
    }
}

decode_pyfunction! {
    /// Like ``decode``, returning ``{"header": dict, "payload": dict, "signature": bytes}``.
    decode_complete -> Bound<'py, PyDict> = |py, token, key, args: DecodeArgs| {
        complete_dict(py, decode_token(py, token, key, &args)?)
    }
}

/// The token's header (a dict), checked for shape but NOT verified: use it only to choose a
/// key.
#[pyfunction]
#[pyo3(signature = (token, /))]
pub fn get_unverified_header<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let token = token_bytes(py, token, DEFAULT_MAX_TOKEN_BYTES)?;
    let segments = token::split(&token).or_raise(py)?;
    let header_json = token::decode_segment(segments.header, "header").or_raise(py)?;
    let header_dict = python_object(py, &header_json, "header")?;
    token::check_header(&header_view(&header_dict)?).or_raise(py)?;
    Ok(header_dict.into_any())
}
