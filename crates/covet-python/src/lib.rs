//! `covet_rust_core`'s native extension, imported as `covet_rust_core._native`.
//!
//! This file only assembles the Python module. The cores are the covet-core crate; here each
//! domain's folder (`json`, `jwt`, `hashing`, `strings`, with `aio` and `info`) is a thin
//! binding, `convert` holds the conversions they share, and `ffi` every raw CPython call.

pub mod aio;
mod convert;
mod ffi;
pub mod hashing;
pub mod info;
pub mod json;
pub mod jwt;
pub mod strings;

/// Native side of `covet_rust_core`. Import `covet_rust_core`, not this module: the package
/// picks the backend and says loudly when it cannot use this one.
#[pyo3::pymodule(gil_used = false)]
mod _native {
    use pyo3::prelude::*;

    #[pymodule_export]
    use crate::info::binding::native_info;

    #[pymodule_export]
    use crate::hashing::binding::{
        blake3_digest, blake3_file, blake3_hexdigest, xxh3_128, xxh3_128_digest,
        xxh3_128_hexdigest, xxh3_64, xxh3_64_digest, xxh3_64_hexdigest, Blake3Hasher,
        Xxh3Hasher128, Xxh3Hasher64,
    };

    #[pymodule_export]
    use crate::hashing::aio::{aio_blake3_digest, aio_blake3_file, aio_blake3_hexdigest};

    #[pymodule_export]
    use crate::json::binding::{dumps, dumps_str, loads};

    #[pymodule_export]
    use crate::strings::case::{
        to_camel, to_camel_keys, to_kebab, to_kebab_keys, to_pascal, to_pascal_keys, to_snake,
        to_snake_keys,
    };

    #[pymodule_export]
    use crate::strings::url::{
        parse_qs, parse_qsl, quote, quote_plus, unquote, unquote_plus, urlencode,
    };

    #[pymodule_export]
    use crate::jwt::decode::{jwt_decode, jwt_decode_complete, jwt_get_unverified_header};

    #[pymodule_export]
    use crate::jwt::encode::jwt_encode;

    #[pymodule_export]
    use crate::jwt::aio::{aio_jwt_decode, aio_jwt_decode_complete, aio_jwt_encode};

    #[pymodule_export]
    use crate::strings::escape::escape_html;

    #[pymodule_export]
    use crate::strings::filename::secure_filename;

    #[pymodule_export]
    use crate::strings::replace::{multi_replace, Replacer};

    #[pymodule_export]
    use crate::strings::slug::{slugify, transliterate};

    #[pymodule_init]
    fn init(module: &Bound<'_, PyModule>) -> PyResult<()> {
        module.add("__version__", crate::info::BUILD.version)?;
        module.add("build_profile", crate::info::BUILD.profile)?;
        module.add("AUTO", covet_core::hashing::threads::AUTO)?;
        crate::hashing::install_fast_entry_points(module)?;
        let py = module.py();
        // The string helpers' character classes follow this interpreter's Unicode version
        // from the first call of any of them, not only after the first case conversion.
        crate::strings::case::follow_interpreter(py);
        module.add(
            "JSONDecodeError",
            crate::json::binding::decode_error_type(py)?,
        )?;
        module.add(
            "JSONEncodeError",
            crate::json::binding::encode_error_type(py)?,
        )?;
        // The classes are `covet_rust_core.jwt.Key`/`KeySet`; flat here, as the twin has them.
        module.add("JwtKey", py.get_type::<crate::jwt::key::JwtKey>())?;
        module.add("JwtKeySet", py.get_type::<crate::jwt::key::JwtKeySet>())?;
        module.add(
            "JWT_ALGORITHMS",
            pyo3::types::PyTuple::new(py, covet_core::jwt::Algorithm::names())?,
        )?;
        module.add(
            "JWT_DEFAULT_MAX_TOKEN_BYTES",
            covet_core::jwt::DEFAULT_MAX_TOKEN_BYTES,
        )?;
        Ok(())
    }
}
