//! The keyword arguments of `decode` (PyJWT's): `algorithms`, `options`, `audience`,
//! `issuer`, `subject`, `leeway` and `max_token_bytes`, checked in docs/JWT.md's order and
//! read through their base types, into a `DecodeArgs` (the claim rules' `Policy`, the
//! algorithms, the size limit).

use covet_core::jwt::claims::{Expected, Policy};
use covet_core::jwt::fallible;
use covet_core::jwt::{Algorithm, JwtError, DEFAULT_MAX_TOKEN_BYTES};
use pyo3::exceptions::{PyMemoryError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDelta, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple,
};

use super::base_types::{self, collection_items, dict_items, key_text, plain_key};
use super::errors::{raise, OrRaise};
use crate::convert::type_name;

/// The checked arguments of a decode.
pub(super) struct DecodeArgs {
    pub(super) verify_signature: bool,
    pub(super) algorithms: Vec<Algorithm>,
    pub(super) policy: Policy,
    pub(super) max_token_bytes: usize,
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

/// Defines a `#[pyfunction]` with PyJWT's decode arguments, so that their signature is
/// written once for `decode`, `decode_complete` and the awaitable forms of both: the
/// arguments after the token and the key are checked into a [`DecodeArgs`] first (docs/
/// JWT.md's order), then `$implementation(py, token, key, args)` gives the result.
macro_rules! decode_pyfunction {
    ($(#[$attribute:meta])* $name:ident -> $output:ty = $implementation:expr) => {
        $(#[$attribute])*
        #[pyo3::pyfunction]
        // PyJWT's keyword arguments, extracted by PyO3 (by value).
        #[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
        #[pyo3(
            signature = (token, key=None, algorithms=None, options=None, audience=None, issuer=None, subject=None, leeway=$crate::convert::Given(None), max_token_bytes=$crate::convert::Given(None)),
            text_signature = "(token, key=None, algorithms=None, options=None, audience=None, issuer=None, subject=None, leeway=0, max_token_bytes=262144)"
        )]
        pub fn $name<'py>(
            py: pyo3::Python<'py>,
            token: &pyo3::Bound<'py, pyo3::PyAny>,
            key: Option<&pyo3::Bound<'py, pyo3::PyAny>>,
            algorithms: Option<&pyo3::Bound<'py, pyo3::PyAny>>,
            options: Option<&pyo3::Bound<'py, pyo3::PyAny>>,
            audience: Option<&pyo3::Bound<'py, pyo3::PyAny>>,
            issuer: Option<&pyo3::Bound<'py, pyo3::PyAny>>,
            subject: Option<&pyo3::Bound<'py, pyo3::PyAny>>,
            leeway: $crate::convert::Given<'py>,
            max_token_bytes: $crate::convert::Given<'py>,
        ) -> pyo3::PyResult<$output> {
            let args = $crate::jwt::options::decode_args(
                py,
                algorithms,
                options,
                audience,
                issuer,
                subject,
                leeway.0.as_ref(),
                max_token_bytes.0.as_ref(),
            )?;
            ($implementation)(py, token, key, args)
        }
    };
}
pub(super) use decode_pyfunction;

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
