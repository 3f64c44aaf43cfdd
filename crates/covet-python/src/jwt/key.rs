//! `Key` and `KeySet` (`covet_rust_core.jwt.Key`/`KeySet`, from `_native.jwt`), and the key of a call: whatever the caller passed (a secret, PEM, a JWK
//! dict, a prepared key or set) resolved for an algorithm and a purpose. Parsing keys, the
//! key caches, the set's rules and the key/algorithm check are covet-core's.

use std::sync::Arc;

use covet_core::jwt::fallible::{self, try_format};
use covet_core::jwt::keys::{self, Jwk, Key, Purpose, JWK_BYTE_MEMBERS};
use covet_core::jwt::keyset::KeySet;
use covet_core::jwt::{Algorithm, Family, JwtError};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

use super::base_types::{dict_items, list_items, member};
use super::errors::{raise, OrRaise};
use crate::convert::{type_name, Item};
use crate::ffi::string::new_str;
use crate::json::binding::loads_slice;

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
    keys: KeySet,
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
        self.keys.get(kid).map(|key| JwtKey {
            key: Arc::clone(key),
        })
    }

    /// The usable keys, in the set's order.
    #[getter]
    fn keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        // As many as the set had entries: appended one by one (checked), not collected.
        let list = PyList::empty(py);
        for key in self.keys.keys() {
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
pub(super) fn text_or_bytes<'a>(value: &'a Bound<'_, PyAny>, what: &str) -> PyResult<&'a [u8]> {
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
) -> PyResult<Vec<Item<'py>>> {
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
fn jwk_members(items: &[Item<'_>]) -> Result<Result<Jwk, JwtError>, fallible::OutOfMemory> {
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
/// entries that are not a dict are skipped, as the set's rules skip unusable keys
/// (`KeySetBuilder::add`). MemoryError is not an unusable entry: it propagates.
fn key_set(py: Python<'_>, entries: &Bound<'_, PyAny>) -> PyResult<KeySet> {
    let entries = entries.cast::<PyList>().map_err(|_| {
        raise(
            py,
            &JwtError::invalid_key("a JWK set's \"keys\" must be a list"),
        )
    })?;
    let mut keys = KeySet::builder();
    for entry in list_items(entries)? {
        let Ok(entry) = entry.cast::<PyDict>() else {
            continue;
        };
        let jwk = jwk_members(&dict_items(entry)?).or_raise(py)?;
        keys.add(jwk).or_raise(py)?;
    }
    keys.finish().or_raise(py)
}

/// The PEM form of a `cryptography` key object (as PyJWT accepts), or None for any other
/// object: `covet_rust_core._jwt_key_objects`, which the twin uses too and which never
/// imports `cryptography` itself.
fn key_object_pem<'py>(
    py: Python<'py>,
    key: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, PyBytes>>> {
    let pem = py
        .import(intern!(py, "covet_rust_core._jwt_key_objects"))?
        .call_method1(intern!(py, "pem_of_key_object"), (key,))?;
    if pem.is_none() {
        return Ok(None);
    }
    // Checked before its bytes are read: exactly bytes (a key object's method made it).
    pem.cast_into_exact::<PyBytes>()
        .map(Some)
        .map_err(|_| PyTypeError::new_err("the key object's PEM form is not bytes"))
}

/// The key to use with `alg`, from whatever the caller passed.
pub(super) fn resolve_key(
    py: Python<'_>,
    key: Option<&Bound<'_, PyAny>>,
    alg: Algorithm,
    kid: Option<&str>,
    purpose: Purpose,
) -> PyResult<Arc<Key>> {
    let Some(key) = key.filter(|key| !key.is_none()) else {
        return Err(PyTypeError::new_err(
            "key must be str, bytes, a JWK dict, jwt.Key, jwt.KeySet or a cryptography key object, \
             not NoneType",
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
    let set: Option<&KeySet> = if let Ok(set) = key.cast::<JwtKeySet>() {
        Some(&set.get().keys)
    } else if let Some(entries) = set_entries {
        parsed_set = key_set(py, entries)?;
        Some(&parsed_set)
    } else {
        None
    };
    let resolved = if let Some(set) = set {
        if purpose == Purpose::Sign {
            return Err(raise(
                py,
                &JwtError::invalid_key("A JWK set cannot sign: pass one key"),
            ));
        }
        set.select(kid).or_raise(py)?
    } else if let Ok(prepared) = key.cast::<JwtKey>() {
        Arc::clone(&prepared.get().key)
    } else if let Some(text) = borrowed_bytes(key)? {
        if alg.family() == Family::Hmac {
            keys::cached_secret(text).or_raise(py)?
        } else {
            keys::cached_key(text).or_raise(py)?
        }
    } else if let Some(items) = &jwk_items {
        Arc::new(Key::from_jwk(&jwk_members(items).or_raise(py)?.or_raise(py)?).or_raise(py)?)
    } else if let Some(pem) = key_object_pem(py, key)? {
        keys::cached_key(pem.as_bytes()).or_raise(py)?
    } else {
        return Err(PyTypeError::new_err(format!(
            "key must be str, bytes, a JWK dict, jwt.Key, jwt.KeySet or a cryptography key object, not {}",
            type_name(key)
        )));
    };
    resolved.check_use(alg, purpose).or_raise(py)?;
    Ok(resolved)
}
