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
///
/// One submodule per domain, `_native.json`, `.jwt`, `.hashing`, `.strings` and `.aio`, each
/// with the names and signatures of its twin `covet_rust_core.fallback.<domain>`
/// (tests/contract/test_exports.py compares them); the stubs are `_native/<domain>.pyi`.
/// Here at the top: only the build facts.
#[pyo3::pymodule(gil_used = false, module = "covet_rust_core")]
mod _native {
    use pyo3::prelude::*;

    #[pymodule_export]
    use crate::info::binding::native_info;

    #[pymodule(gil_used = false)]
    mod json {
        use pyo3::prelude::*;

        #[pymodule_export]
        use crate::json::binding::{dumps, dumps_str, loads};

        #[pymodule_init]
        fn init(module: &Bound<'_, PyModule>) -> PyResult<()> {
            let py = module.py();
            module.add(
                "JSONDecodeError",
                crate::json::binding::decode_error_type(py)?,
            )?;
            module.add(
                "JSONEncodeError",
                crate::json::binding::encode_error_type(py)?,
            )?;
            crate::json::install_fast_entry_points(module)
        }
    }

    #[pymodule(gil_used = false)]
    mod jwt {
        use pyo3::prelude::*;

        #[pymodule_export]
        use crate::jwt::decode::{decode, decode_complete, get_unverified_header};

        #[pymodule_export]
        use crate::jwt::encode::encode;

        #[pymodule_export]
        use crate::jwt::key::{JwtKey, JwtKeySet};

        #[pymodule_init]
        fn init(module: &Bound<'_, PyModule>) -> PyResult<()> {
            let py = module.py();
            module.add(
                "ALGORITHMS",
                pyo3::types::PyTuple::new(py, covet_core::jwt::Algorithm::names())?,
            )?;
            module.add(
                "DEFAULT_MAX_TOKEN_BYTES",
                covet_core::jwt::DEFAULT_MAX_TOKEN_BYTES,
            )?;
            // PyJWT's exception classes, defined once in Python and raised by both backends.
            crate::jwt::errors::export_all(module)
        }
    }

    #[pymodule(gil_used = false)]
    mod hashing {
        use pyo3::prelude::*;

        #[pymodule_export]
        use crate::hashing::binding::{
            blake3_digest, blake3_file, blake3_hexdigest, xxh3_128, xxh3_128_digest,
            xxh3_128_hexdigest, xxh3_64, xxh3_64_digest, xxh3_64_hexdigest, Blake3Hasher,
            Xxh3Hasher128, Xxh3Hasher64,
        };

        #[pymodule_init]
        fn init(module: &Bound<'_, PyModule>) -> PyResult<()> {
            module.add("AUTO", covet_core::hashing::threads::AUTO)?;
            crate::hashing::install_fast_entry_points(module)
        }
    }

    #[pymodule(gil_used = false)]
    mod strings {
        use pyo3::prelude::*;

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
        use crate::strings::escape::escape_html;

        #[pymodule_export]
        use crate::strings::filename::secure_filename;

        #[pymodule_export]
        use crate::strings::replace::{multi_replace, Replacer};

        #[pymodule_export]
        use crate::strings::slug::{slugify, transliterate};

        #[pymodule_init]
        fn init(module: &Bound<'_, PyModule>) {
            // The string helpers' character classes follow this interpreter's Unicode version
            // from the first call of any of them, not only after the first case conversion.
            crate::strings::case::follow_interpreter(module.py());
        }
    }

    /// The awaitables' native parts: each checks its arguments on the calling thread and
    /// returns an asyncio future that a covet worker thread completes. `covet_rust_core.aio`
    /// wraps them in coroutines.
    #[pymodule(gil_used = false)]
    mod aio {
        #[pymodule_export]
        use crate::hashing::aio::{blake3_digest, blake3_file, blake3_hexdigest};

        #[pymodule_export]
        use crate::jwt::aio::{jwt_decode, jwt_decode_complete, jwt_encode};
    }

    #[pymodule_init]
    fn init(module: &Bound<'_, PyModule>) -> PyResult<()> {
        module.add("__version__", crate::info::BUILD.version)?;
        module.add("build_profile", crate::info::BUILD.profile)?;
        // `import covet_rust_core._native.json` finds a submodule of an extension module only
        // in sys.modules: an extension module is not a package.
        let modules = module.py().import("sys")?.getattr("modules")?;
        for domain in ["json", "jwt", "hashing", "strings", "aio"] {
            let submodule = module.getattr(domain)?;
            modules.set_item(submodule.getattr("__name__")?, submodule)?;
        }
        Ok(())
    }
}
