//! The Python functions `jwt_encode`, `jwt_decode`, `jwt_decode_complete`,
//! `jwt_get_unverified_header` and the classes `Key` and `KeySet` (the package exposes them
//! as `covet_rust_core.jwt.*`). Arguments are checked and converted here, in the order
//! docs/JWT.md gives; the rules themselves are in the plain-Rust modules next door.
//!
//! The exception classes are defined in Python (`covet_rust_core._jwt_errors`) and shared
//! with the twin. RSA, ECDSA and Ed25519 work runs with the GIL released.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use pyo3::exceptions::{PyMemoryError, PyNotImplementedError, PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDateTime, PyDelta, PyDict, PyFloat, PyInt, PyList, PyString,
    PyTuple,
};

use super::base_types::{
    self, collection_items, dict_items, key_text, member, new_bytes, plain_key,
};
use crate::convert::type_name;
use crate::convert::Given;
use crate::ffi::bytes::BytesBuffer;
use crate::ffi::containers::dict_keys_are_exact_str;
use crate::ffi::string::{encode_surrogatepass, new_str};
use crate::json::binding::{dumps_buffer, loads_slice, loads_slice_unique_keys};
use covet_core::json::value::Value;
use covet_core::jwt::claims::{self, Expected, Policy};
use covet_core::jwt::fallible::{self, try_format};
use covet_core::jwt::keys::{self, Jwk, Key, Purpose, JWK_BYTE_MEMBERS};
use covet_core::jwt::token::{self, JsonProblem};
use covet_core::jwt::{b64, Algorithm, JwtError, DEFAULT_MAX_TOKEN_BYTES};

const ERRORS_MODULE: &str = "covet_rust_core._jwt_errors";

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The exception class `name` of `covet_rust_core._jwt_errors`.
pub fn error_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let module = ERRORS.get_or_try_init(py, || py.import(ERRORS_MODULE).map(Bound::unbind))?;
    module.bind(py).getattr(name)
}

pub(super) fn raise(py: Python<'_>, error: &JwtError) -> PyErr {
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
pub(super) trait OrRaise<T> {
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

/// A key parsed once, for repeated use: the fast path for asymmetric keys.
///
/// Make one with ``Key.from_pem(text)`` (PEM, or an OpenSSH public key line),
/// ``Key.from_jwk(jwk)`` (a dict or its JSON text) or ``Key.from_secret(secret)`` (HMAC).
#[pyclass(name = "Key", module = "covet_rust_core.jwt", frozen)]
pub struct JwtKey {
    key: Arc<Key>,
}

#[pymethods]
impl JwtKey {
    /// A key from PEM text (public, private or certificate) or an OpenSSH public key line.
    #[staticmethod]
    #[pyo3(signature = (data, /))]
    fn from_pem(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = text_or_bytes(data, "from_pem() argument")?;
        let key = keys::cached_key(text).or_raise(py)?;
        Ok(Self { key })
    }

    /// A key from a JWK: a dict, or its JSON text.
    #[staticmethod]
    #[pyo3(signature = (jwk, /))]
    fn from_jwk(py: Python<'_>, jwk: &Bound<'_, PyAny>) -> PyResult<Self> {
        let members = jwk_dict(py, jwk, "from_jwk() argument")?;
        let jwk = jwk_members(&members).or_raise(py)?.or_raise(py)?;
        let key = Key::from_jwk(&jwk).or_raise(py)?;
        Ok(Self { key: Arc::new(key) })
    }

    /// An HMAC key (HS256/384/512) from a secret: str (UTF-8) or bytes.
    #[staticmethod]
    #[pyo3(signature = (secret, /))]
    fn from_secret(py: Python<'_>, secret: &Bound<'_, PyAny>) -> PyResult<Self> {
        let secret = text_or_bytes(secret, "from_secret() argument")?;
        let key = Key::from_secret(secret).or_raise(py)?;
        Ok(Self { key: Arc::new(key) })
    }

    /// The JWK key type: "oct", "RSA", "EC" or "OKP".
    #[getter]
    fn kty(&self) -> &'static str {
        self.key.kind().kty()
    }

    /// "P-256", "P-384", "Ed25519", or None.
    #[getter]
    fn curve(&self) -> Option<&'static str> {
        self.key.kind().curve()
    }

    /// True when the key can sign (a private key or an HMAC secret).
    #[getter]
    fn is_private(&self) -> bool {
        self.key.is_private()
    }

    /// The JWK's "kid", or None.
    #[getter]
    fn kid<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyString>>> {
        // The JWK's, of any length: the checked constructor.
        self.key
            .kid
            .as_deref()
            .map(|kid| new_str(py, kid))
            .transpose()
    }

    /// The JWK's "alg", or None.
    #[getter]
    fn alg(&self) -> Option<&'static str> {
        self.key.alg.map(Algorithm::name)
    }

    fn __repr__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        let text = |value: Option<&str>| -> PyResult<String> {
            match value {
                None => Ok("None".to_owned()),
                Some(value) => {
                    let repr = new_str(py, value)?.repr()?;
                    fallible::copy_str(repr.to_str()?).or_raise(py)
                }
            }
        };
        let repr = try_format!(
            "Key(kty={}, curve={}, is_private={}, kid={}, alg={})",
            text(Some(self.key.kind().kty()))?,
            text(self.key.kind().curve())?,
            if self.key.is_private() {
                "True"
            } else {
                "False"
            },
            text(self.key.kid.as_deref())?,
            text(self.key.alg.map(Algorithm::name))?,
        )
        .or_raise(py)?;
        new_str(py, &repr)
    }
}

/// A parsed JWK set: ``KeySet.from_jwks(jwks)`` with a dict holding "keys", or its JSON text.
/// Entries that cannot be used for signatures are skipped.
#[pyclass(name = "KeySet", module = "covet_rust_core.jwt", frozen)]
pub struct JwtKeySet {
    keys: Vec<Arc<Key>>,
}

#[pymethods]
impl JwtKeySet {
    #[staticmethod]
    #[pyo3(signature = (jwks, /))]
    fn from_jwks(py: Python<'_>, jwks: &Bound<'_, PyAny>) -> PyResult<Self> {
        let members = jwk_dict(py, jwks, "from_jwks() argument")?;
        let Some(entries) = member(&members, "keys") else {
            return Err(raise(
                py,
                &JwtError::invalid_key("a JWK set is a JSON object with a \"keys\" list"),
            ));
        };
        Ok(Self {
            keys: key_set(py, entries)?,
        })
    }

    fn __len__(&self) -> usize {
        self.keys.len()
    }

    /// The key whose "kid" is `kid`, or None.
    #[pyo3(signature = (kid, /))]
    fn get(&self, kid: &str) -> Option<JwtKey> {
        self.keys
            .iter()
            .find(|key| key.kid.as_deref() == Some(kid))
            .map(|key| JwtKey {
                key: Arc::clone(key),
            })
    }

    /// The usable keys, in the set's order.
    #[getter]
    fn keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        // As many as the set had entries: appended one by one (checked), not collected.
        let list = PyList::empty(py);
        for key in &self.keys {
            list.append(Bound::new(
                py,
                JwtKey {
                    key: Arc::clone(key),
                },
            )?)?;
        }
        Ok(list)
    }

    fn __repr__(&self) -> String {
        format!("KeySet({} keys)", self.keys.len())
    }
}

/// The bytes of a str (UTF-8) or bytes argument.
fn text_or_bytes<'a>(value: &'a Bound<'_, PyAny>, what: &str) -> PyResult<&'a [u8]> {
    borrowed_bytes(value)?.ok_or_else(|| {
        PyTypeError::new_err(format!(
            "{what} must be str or bytes, not {}",
            type_name(value)
        ))
    })
}

/// The bytes of a str (its UTF-8, which CPython keeps) or bytes object, subclasses read
/// through the base type, without a copy; `None` for other types.
fn borrowed_bytes<'a>(value: &'a Bound<'_, PyAny>) -> PyResult<Option<&'a [u8]>> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Some(text.to_str()?.as_bytes()));
    }
    Ok(value.cast::<PyBytes>().ok().map(PyBytesMethods::as_bytes))
}

/// A JWK or JWK set given as a dict (its items, read through dict itself) or as JSON text.
fn jwk_dict<'py>(
    py: Python<'py>,
    value: &Bound<'py, PyAny>,
    what: &str,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    if let Ok(dict) = value.cast::<PyDict>() {
        return dict_items(dict);
    }
    if value.is_instance_of::<PyString>() || value.is_instance_of::<PyBytes>() {
        let text = text_or_bytes(value, what)?;
        // Only the text's own fault (JSONDecodeError, CPython's int digit limit: both
        // ValueErrors) is a key error; MemoryError stays what it is.
        let parsed = match loads_slice(py, text) {
            Ok(parsed) => parsed,
            Err(error) if error.is_instance_of::<PyValueError>(py) => {
                return Err(raise(
                    py,
                    &JwtError::invalid_key("the JWK is not valid JSON"),
                ));
            }
            Err(error) => return Err(error),
        };
        let dict = parsed
            .cast_into::<PyDict>()
            .map_err(|_| raise(py, &JwtError::invalid_key("a JWK is a JSON object")))?;
        return dict_items(&dict);
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be a dict or JSON text, not {}",
        type_name(value)
    )))
}

/// The members of a JWK (its items, keys read as their text) that the core reads; each
/// must be a string of Unicode text (a lone surrogate cannot be one). The outer error is
/// MemoryError only.
fn jwk_members(
    items: &[(Bound<'_, PyAny>, Bound<'_, PyAny>)],
) -> Result<Result<Jwk, JwtError>, fallible::OutOfMemory> {
    let member_text =
        |name: &str| -> Result<Result<Option<String>, JwtError>, fallible::OutOfMemory> {
            let Some(value) = member(items, name) else {
                return Ok(Ok(None));
            };
            let Ok(text) = value.cast::<PyString>() else {
                return Ok(Err(JwtError::InvalidKey(format!(
                    "the JWK's {name:?} must be a string"
                ))));
            };
            match text.to_str() {
                Ok(text) => Ok(Ok(Some(fallible::copy_str(text)?))),
                Err(_) => Ok(Err(JwtError::InvalidKey(format!(
                    "the JWK's {name:?} holds a lone surrogate"
                )))),
            }
        };
    macro_rules! text {
        ($name:expr) => {
            match member_text($name)? {
                Ok(text) => text,
                Err(error) => return Ok(Err(error)),
            }
        };
    }
    let mut jwk = Jwk {
        kty: text!("kty"),
        crv: text!("crv"),
        alg: text!("alg"),
        kid: text!("kid"),
        use_: text!("use"),
        members: Vec::new(),
    };
    for name in JWK_BYTE_MEMBERS {
        if let Some(value) = text!(name) {
            jwk.members.push((name, value));
        }
    }
    Ok(Ok(jwk))
}

/// The usable keys of a JWK set's `"keys"` member (a list, read through list itself);
/// unusable entries (not a dict, or not a key we can use) are skipped. MemoryError is not
/// an unusable entry: it propagates.
fn key_set(py: Python<'_>, entries: &Bound<'_, PyAny>) -> PyResult<Vec<Arc<Key>>> {
    let entries = entries.cast::<PyList>().map_err(|_| {
        raise(
            py,
            &JwtError::invalid_key("a JWK set's \"keys\" must be a list"),
        )
    })?;
    let mut keys = Vec::new();
    for entry in base_types::list_items(entries)? {
        let Ok(entry) = entry.cast::<PyDict>() else {
            continue;
        };
        // A set from an identity provider mixes in keys for other uses (encryption, curves we
        // do not support): those are skipped, not fatal.
        let key = match jwk_members(&dict_items(entry)?).or_raise(py)? {
            Ok(jwk) => Key::from_jwk(&jwk),
            Err(error) => Err(error),
        };
        match key {
            Ok(key) => {
                keys.try_reserve(1)
                    .map_err(|_| PyMemoryError::new_err(()))?;
                keys.push(Arc::new(key));
            }
            Err(JwtError::OutOfMemory) => return Err(PyMemoryError::new_err(())),
            Err(_) => {}
        }
    }
    if keys.is_empty() {
        return Err(raise(
            py,
            &JwtError::invalid_key("the JWK set holds no usable signing keys"),
        ));
    }
    Ok(keys)
}

/// The key of a set for a token with `kid`.
fn select(keys: &[Arc<Key>], kid: Option<&str>) -> Result<Arc<Key>, JwtError> {
    match kid {
        Some(kid) => match keys.iter().find(|key| key.kid.as_deref() == Some(kid)) {
            Some(key) => Ok(Arc::clone(key)),
            // The token's kid, of any length.
            None => Err(JwtError::Decode(try_format!(
                "No key in the JWK set has kid \"{kid}\""
            )?)),
        },
        None if keys.len() == 1 => Ok(Arc::clone(&keys[0])),
        None => Err(JwtError::Decode(format!(
            "The token has no kid header and the JWK set holds {} keys",
            keys.len()
        ))),
    }
}

/// The key to use with `alg`, from whatever the caller passed.
fn resolve_key(
    py: Python<'_>,
    key: Option<&Bound<'_, PyAny>>,
    alg: Algorithm,
    kid: Option<&str>,
    purpose: Purpose,
) -> PyResult<Arc<Key>> {
    let Some(key) = key.filter(|key| !key.is_none()) else {
        return Err(PyTypeError::new_err(
            "key must be str, bytes, a JWK dict, jwt.Key or jwt.KeySet, not NoneType",
        ));
    };
    // A JWK dict's items, read once through dict itself; a JWK set when it has "keys".
    let jwk_items = match key.cast::<PyDict>() {
        Ok(dict) => Some(dict_items(dict)?),
        Err(_) => None,
    };
    let set_entries = jwk_items.as_deref().and_then(|items| member(items, "keys"));
    // A JWK set, prepared or as a dict: borrowed, or parsed into `parsed_set`.
    let parsed_set;
    let set_keys: Option<&[Arc<Key>]> = if let Ok(set) = key.cast::<JwtKeySet>() {
        Some(&set.get().keys)
    } else if let Some(entries) = set_entries {
        parsed_set = key_set(py, entries)?;
        Some(&parsed_set)
    } else {
        None
    };
    let resolved = if let Some(set_keys) = set_keys {
        if purpose == Purpose::Sign {
            return Err(raise(
                py,
                &JwtError::invalid_key("A JWK set cannot sign: pass one key"),
            ));
        }
        select(set_keys, kid).or_raise(py)?
    } else if let Ok(prepared) = key.cast::<JwtKey>() {
        Arc::clone(&prepared.get().key)
    } else if let Some(text) = borrowed_bytes(key)? {
        if alg.family() == covet_core::jwt::Family::Hmac {
            keys::cached_secret(text).or_raise(py)?
        } else {
            keys::cached_key(text).or_raise(py)?
        }
    } else if let Some(items) = &jwk_items {
        Arc::new(Key::from_jwk(&jwk_members(items).or_raise(py)?.or_raise(py)?).or_raise(py)?)
    } else {
        return Err(PyTypeError::new_err(format!(
            "key must be str, bytes, a JWK dict, jwt.Key or jwt.KeySet, not {}",
            type_name(key)
        )));
    };
    if let Some(bound) = resolved.alg {
        if bound != alg {
            let error = match purpose {
                Purpose::Verify => JwtError::InvalidAlgorithm(format!(
                    "Token algorithm '{}' does not match the key's algorithm '{}'",
                    alg.name(),
                    bound.name()
                )),
                Purpose::Sign => JwtError::InvalidKey(format!(
                    "the key is for {}, not {}",
                    bound.name(),
                    alg.name()
                )),
            };
            return Err(raise(py, &error));
        }
    }
    resolved.check(alg, purpose).or_raise(py)?;
    Ok(resolved)
}

/// A token ready to be signed: `header.payload`, the key and the algorithm. Signing needs
/// no GIL; the sync form releases it for the asymmetric algorithms (hundreds of microseconds
/// for RSA; HMAC takes a microsecond, less than the switch), the awaitable form moves them
/// to a worker thread.
pub(super) struct Unsigned {
    token: Vec<u8>,
    key: Arc<Key>,
    alg: Algorithm,
}

impl Unsigned {
    pub(super) fn signs_slowly(&self) -> bool {
        self.key.is_asymmetric()
    }

    /// The whole token, `header.payload.signature` (ASCII).
    pub(super) fn sign(mut self) -> Result<Vec<u8>, JwtError> {
        let signature = self.key.sign(self.alg, &self.token)?;
        self.token
            .try_reserve(1 + b64::encoded_len(signature.len()))
            .map_err(|_| JwtError::OutOfMemory)?;
        self.token.push(b'.');
        b64::encode_url_into(&signature, &mut self.token)?;
        Ok(self.token)
    }
}

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

/// Seconds since the epoch, as `time.time()` gives them.
fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_secs_f64())
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
    headers: &[(Bound<'py, PyAny>, Bound<'py, PyAny>)],
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
pub fn jwt_encode<'py>(
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

/// Everything `jwt_encode` does before signing, in its order: the arguments checked, the
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
    let mut token = Vec::new();
    token
        .try_reserve_exact(
            b64::encoded_len(header.len())
                .saturating_add(b64::encoded_len(payload_json.as_slice().len()))
                .saturating_add(96),
        )
        .map_err(|_| PyMemoryError::new_err(()))?;
    b64::encode_url_into(header, &mut token).or_raise(py)?;
    token.push(b'.');
    b64::encode_url_into(payload_json.as_slice(), &mut token).or_raise(py)?;
    drop(payload_json);
    let key = resolve_key(py, Some(key), alg, None, Purpose::Sign)?;
    Ok(Unsigned { token, key, alg })
}

/// The checked arguments of a decode.
pub(super) struct DecodeArgs {
    verify_signature: bool,
    algorithms: Vec<Algorithm>,
    policy: Policy,
    max_token_bytes: usize,
}

const OPTION_NAMES: [&str; 11] = [
    "verify_signature",
    "verify_exp",
    "verify_nbf",
    "verify_iat",
    "verify_aud",
    "verify_iss",
    "verify_sub",
    "verify_jti",
    "require",
    "strict_aud",
    "enforce_minimum_key_length",
];

/// The `options` dict's values by name (index in [`OPTION_NAMES`]).
type OptionValues<'py> = [Option<Bound<'py, PyAny>>; OPTION_NAMES.len()];

fn option_value<'a, 'py>(
    options: &'a OptionValues<'py>,
    name: &str,
) -> Option<&'a Bound<'py, PyAny>> {
    OPTION_NAMES
        .iter()
        .position(|known| *known == name)
        .and_then(|index| options[index].as_ref())
}

fn option_flag(options: &OptionValues<'_>, name: &str) -> PyResult<Option<bool>> {
    let Some(value) = option_value(options, name) else {
        return Ok(None);
    };
    value
        .cast::<PyBool>()
        .map(|flag| Some(flag.is_true()))
        .map_err(|_| {
            PyTypeError::new_err(format!(
                "option '{name}' must be a bool, not {}",
                type_name(value)
            ))
        })
}

/// The items of a `list`, `tuple`, `set` or `frozenset` (read through the base type),
/// each a `str`; anything else is a TypeError naming `what`.
fn string_collection(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    let Some(items) = collection_items(value)? else {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a list of str, not {}",
            type_name(value)
        )));
    };
    strings_of(items.into_iter().map(Ok), what)
}

/// Each item a `str` (a subclass is read as its characters), copied; the first that is not
/// is a TypeError naming `what`.
fn strings_of<'py>(
    items: impl Iterator<Item = PyResult<Bound<'py, PyAny>>>,
    what: &str,
) -> PyResult<Vec<String>> {
    let mut strings = Vec::new();
    for item in items {
        let item = item?;
        let text = item.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!(
                "{what} must hold only str, not {}",
                type_name(&item)
            ))
        })?;
        let text = fallible::copy_str(text.to_str()?).or_raise(item.py())?;
        strings
            .try_reserve(1)
            .map_err(|_| PyMemoryError::new_err(()))?;
        strings.push(text);
    }
    Ok(strings)
}

/// `audience` or `issuer`: a str or an iterable of str (not bytes). A list, tuple, set or
/// frozenset is read through its base type; any other iterable through `iter()`.
fn expected(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<Expected>> {
    let Some(value) = value.filter(|value| !value.is_none()) else {
        return Ok(None);
    };
    let py = value.py();
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Some(Expected::One(
            fallible::copy_str(text.to_str()?).or_raise(py)?,
        )));
    }
    let wrong = || {
        PyTypeError::new_err(format!(
            "{what} must be a str or an iterable of str, not {}",
            type_name(value)
        ))
    };
    if value.is_instance_of::<PyBytes>() || value.is_instance_of::<PyByteArray>() {
        return Err(wrong());
    }
    if let Some(items) = collection_items(value)? {
        return Ok(Some(Expected::Any(strings_of(
            items.into_iter().map(Ok),
            what,
        )?)));
    }
    // Not iterable is `wrong`; anything else an `__iter__` raises propagates, as from the
    // twin's `iter(value)`.
    let items = value.try_iter().map_err(|error| {
        if error.is_instance_of::<PyTypeError>(py) {
            wrong()
        } else {
            error
        }
    })?;
    Ok(Some(Expected::Any(strings_of(items, what)?)))
}

/// `leeway`: seconds (an int or float, not bool) or a timedelta, read through the base
/// types (`int.__float__`, `float`'s value, `timedelta.total_seconds`).
fn leeway_seconds(value: &Bound<'_, PyAny>) -> PyResult<f64> {
    let seconds = if value.is_instance_of::<PyDelta>() {
        base_types::total_seconds(value)?
    } else if !value.is_instance_of::<PyBool>()
        && (value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>())
    {
        base_types::number_as_f64(value)?
    } else {
        return Err(PyTypeError::new_err(format!(
            "leeway must be a number of seconds or a timedelta, not {}",
            type_name(value)
        )));
    };
    if seconds.is_nan() {
        return Err(PyValueError::new_err("leeway must not be NaN"));
    }
    Ok(seconds)
}

/// The `options` dict: whether the signature is verified, and the claim checks. Its items
/// are read once through dict itself and matched by their keys' text.
fn options_policy(options: Option<&Bound<'_, PyAny>>) -> PyResult<(bool, Policy)> {
    let items = match options.filter(|options| !options.is_none()) {
        None => Vec::new(),
        Some(options) => dict_items(options.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err(format!(
                "options must be a dict or None, not {}",
                type_name(options)
            ))
        })?)?,
    };
    let mut options: OptionValues<'_> = Default::default();
    for (name, value) in &items {
        let Some(index) =
            key_text(name).and_then(|text| OPTION_NAMES.iter().position(|known| *known == text))
        else {
            // A str subclass is shown as its characters; another key by its own repr.
            return Err(PyTypeError::new_err(format!(
                "Unknown option {}; known: {}",
                plain_key(name)?.repr()?,
                OPTION_NAMES.join(", ")
            )));
        };
        options[index] = Some(value.clone());
    }
    drop(items);
    let verify_signature = option_flag(&options, "verify_signature")?.unwrap_or(true);
    // PyJWT's rule: without the signature check, the claim checks default to off.
    let flag = |name: &str| -> PyResult<bool> {
        Ok(option_flag(&options, name)?.unwrap_or(verify_signature))
    };
    let mut policy = Policy {
        verify_exp: flag("verify_exp")?,
        verify_nbf: flag("verify_nbf")?,
        verify_iat: flag("verify_iat")?,
        verify_aud: flag("verify_aud")?,
        verify_iss: flag("verify_iss")?,
        verify_sub: flag("verify_sub")?,
        verify_jti: flag("verify_jti")?,
        strict_aud: option_flag(&options, "strict_aud")?.unwrap_or(false),
        ..Policy::default()
    };
    option_flag(&options, "enforce_minimum_key_length")?;
    if let Some(require) = option_value(&options, "require") {
        if !(require.is_instance_of::<PyList>() || require.is_instance_of::<PyTuple>()) {
            return Err(PyTypeError::new_err(format!(
                "option 'require' must be a list of str, not {}",
                type_name(require)
            )));
        }
        policy.require = string_collection(require, "option 'require'")?;
    }
    Ok((verify_signature, policy))
}

/// Whether `algorithms` counts as not given: None, or of length 0 (a list, tuple, set or
/// frozenset by its base size; another object by `len()`, where only "has no len()" counts
/// as not empty).
fn no_algorithms(algorithms: Option<&Bound<'_, PyAny>>) -> PyResult<bool> {
    let Some(algorithms) = algorithms else {
        return Ok(true);
    };
    if let Some(items) = collection_items(algorithms)? {
        return Ok(items.is_empty());
    }
    match algorithms.len() {
        Ok(len) => Ok(len == 0),
        Err(error) if error.is_instance_of::<PyTypeError>(algorithms.py()) => Ok(false),
        Err(error) => Err(error),
    }
}

#[allow(clippy::too_many_arguments)] // PyJWT's keyword arguments
pub(super) fn decode_args(
    py: Python<'_>,
    algorithms: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyAny>>,
    audience: Option<&Bound<'_, PyAny>>,
    issuer: Option<&Bound<'_, PyAny>>,
    subject: Option<&Bound<'_, PyAny>>,
    leeway: Option<&Bound<'_, PyAny>>,
    max_token_bytes: Option<&Bound<'_, PyAny>>,
) -> PyResult<DecodeArgs> {
    let (verify_signature, mut policy) = options_policy(options)?;

    let mut algorithm_list = Vec::new();
    if verify_signature {
        let algorithms = algorithms.filter(|algorithms| !algorithms.is_none());
        if no_algorithms(algorithms)? {
            return Err(raise(
                py,
                &JwtError::Decode(
                    "It is required that you pass in a value for the \"algorithms\" argument when calling decode().".into(),
                ),
            ));
        }
        if let Some(algorithms) = algorithms {
            if algorithms.is_instance_of::<PyString>() {
                return Err(PyTypeError::new_err(
                    "algorithms must be a list of names, e.g. [\"HS256\"], not a str",
                ));
            }
            for name in string_collection(algorithms, "algorithms")? {
                let alg = Algorithm::supported(&name).or_raise(py)?;
                algorithm_list
                    .try_reserve(1)
                    .map_err(|_| PyMemoryError::new_err(()))?;
                algorithm_list.push(alg);
            }
        }
    }
    // Absent (not None): the defaults, 0 and DEFAULT_MAX_TOKEN_BYTES.
    policy.leeway = leeway.map_or(Ok(0.0), leeway_seconds)?;
    policy.audience = expected(audience, "audience")?;
    policy.issuer = expected(issuer, "issuer")?;
    policy.subject = match subject.filter(|subject| !subject.is_none()) {
        None => None,
        Some(subject) => {
            let text = subject.cast::<PyString>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "subject must be a str or None, not {}",
                    type_name(subject)
                ))
            })?;
            Some(fallible::copy_str(text.to_str()?).or_raise(py)?)
        }
    };
    let max_token_bytes = max_token_bytes.map_or(Ok(DEFAULT_MAX_TOKEN_BYTES), max_bytes)?;
    Ok(DecodeArgs {
        verify_signature,
        algorithms: algorithm_list,
        policy,
        max_token_bytes,
    })
}

/// `max_token_bytes`: a positive int (its digits; a subclass's methods are not asked).
fn max_bytes(value: &Bound<'_, PyAny>) -> PyResult<usize> {
    let int = match value.cast::<PyInt>() {
        Ok(int) if !value.is_instance_of::<PyBool>() => int,
        _ => {
            return Err(PyTypeError::new_err(format!(
                "max_token_bytes must be an int, not {}",
                type_name(value)
            )))
        }
    };
    match base_types::int_value(int) {
        Ok(limit) if limit > 0 => Ok(usize::try_from(limit).unwrap_or(usize::MAX)),
        Ok(limit) => Err(PyValueError::new_err(format!(
            "max_token_bytes must be positive, not {limit}"
        ))),
        // Beyond i64: no token is that long, so it is no limit at all.
        Err(sign) if sign > 0 => Ok(usize::MAX),
        Err(_) => Err(PyValueError::new_err("max_token_bytes must be positive")),
    }
}

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
    token: Vec<u8>,
    header: Py<PyDict>,
    signature: Vec<u8>,
    /// None under `verify_signature=False`.
    verify_with: Option<(Algorithm, Arc<Key>)>,
}

impl Unverified {
    pub(super) fn verifies_slowly(&self) -> bool {
        self.verify_with
            .as_ref()
            .is_some_and(|(_, key)| key.is_asymmetric())
    }

    pub(super) fn check_signature(&self) -> Result<(), JwtError> {
        let Some((alg, key)) = &self.verify_with else {
            return Ok(());
        };
        let segments = token::split(&self.token)?;
        key.verify(*alg, segments.signing_input, &self.signature)
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
        token,
        header: header_dict.unbind(),
        signature,
        verify_with,
    })
}

/// The decode steps after a successful signature check: the payload parsed and checked
/// against the claim rules.
pub(super) fn finish_decode<'py>(
    py: Python<'py>,
    unverified: Unverified,
    args: &DecodeArgs,
) -> PyResult<Decoded<'py>> {
    let segments = token::split(&unverified.token).or_raise(py)?;
    let payload_json = token::decode_segment(segments.payload, "payload").or_raise(py)?;
    // One parse into Python objects; the rules read the few claims they need from it.
    let payload = python_object(py, &payload_json, "payload")?;
    claims::validate(&claims_view(&payload, &args.policy)?, &args.policy, now()).or_raise(py)?;
    Ok(Decoded {
        header: unverified.header.into_bound(py).into_any(),
        payload: payload.into_any(),
        signature: unverified.signature,
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

/// Verify a JWT and return its claims (a dict).
///
/// ``algorithms`` (a list) is required while the signature is verified. ``options`` keys are
/// PyJWT's (verify_signature, verify_exp, verify_nbf, verify_iat, verify_aud, verify_iss,
/// verify_sub, verify_jti, require, strict_aud); ``audience``, ``issuer``, ``subject`` and
/// ``leeway`` (seconds or a timedelta) as in PyJWT. Tokens over ``max_token_bytes`` are
/// refused before any decoding. Everything a token can cause is an InvalidTokenError.
#[pyfunction]
// PyJWT's keyword arguments, extracted by PyO3 (by value).
#[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
#[pyo3(
    signature = (token, key=None, algorithms=None, options=None, audience=None, issuer=None, subject=None, leeway=Given(None), max_token_bytes=Given(None)),
    text_signature = "(token, key=None, algorithms=None, options=None, audience=None, issuer=None, subject=None, leeway=0, max_token_bytes=262144)"
)]
pub fn jwt_decode<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
    key: Option<&Bound<'py, PyAny>>,
    algorithms: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
    audience: Option<&Bound<'py, PyAny>>,
    issuer: Option<&Bound<'py, PyAny>>,
    subject: Option<&Bound<'py, PyAny>>,
    leeway: Given<'py>,
    max_token_bytes: Given<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    let args = decode_args(
        py,
        algorithms,
        options,
        audience,
        issuer,
        subject,
        leeway.0.as_ref(),
        max_token_bytes.0.as_ref(),
    )?;
    Ok(decode_token(py, token, key, &args)?.payload)
}

/// Like ``decode``, returning ``{"header": dict, "payload": dict, "signature": bytes}``.
#[pyfunction]
// PyJWT's keyword arguments, extracted by PyO3 (by value).
#[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
#[pyo3(
    signature = (token, key=None, algorithms=None, options=None, audience=None, issuer=None, subject=None, leeway=Given(None), max_token_bytes=Given(None)),
    text_signature = "(token, key=None, algorithms=None, options=None, audience=None, issuer=None, subject=None, leeway=0, max_token_bytes=262144)"
)]
pub fn jwt_decode_complete<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
    key: Option<&Bound<'py, PyAny>>,
    algorithms: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
    audience: Option<&Bound<'py, PyAny>>,
    issuer: Option<&Bound<'py, PyAny>>,
    subject: Option<&Bound<'py, PyAny>>,
    leeway: Given<'py>,
    max_token_bytes: Given<'py>,
) -> PyResult<Bound<'py, PyDict>> {
    let args = decode_args(
        py,
        algorithms,
        options,
        audience,
        issuer,
        subject,
        leeway.0.as_ref(),
        max_token_bytes.0.as_ref(),
    )?;
    complete_dict(py, decode_token(py, token, key, &args)?)
}

/// The token's header (a dict), checked for shape but NOT verified: use it only to choose a
/// key.
#[pyfunction]
#[pyo3(signature = (token, /))]
pub fn jwt_get_unverified_header<'py>(
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

/// The supported algorithm names, in documentation order.
pub fn algorithm_names() -> Vec<&'static str> {
    Algorithm::ALL.iter().map(|alg| alg.name()).collect()
}
