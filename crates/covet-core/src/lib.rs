//! The pure-Rust cores of `covet_rust_core`: everything that does not touch a Python object.
//!
//! No pyo3 here, not even optionally: `cargo test -p covet-core`, the criterion benches
//! (`benches/`) and the cargo-fuzz targets (`fuzz/` at the repository root) build and run
//! without libpython. The Python extension (`crates/covet-python`) converts arguments, calls
//! these cores and turns their results and errors into Python objects.
//!
//! - `json`: the strict parser (feeding any `Sink`), the scanner, and the text pieces of
//!   `dumps` (string escaping, numbers);
//! - `jwt`: base64url, DER/PEM, keys and their caches, signing and verifying, token and claim
//!   rules, JWK sets and kid selection;
//! - `hashing`: BLAKE3 and XXH3 drivers, thread pools, SIGBUS-guarded file maps;
//! - `strings`: every string helper's core, the Unicode tables, fallible buffers;
//! - `stack`: how deep recursion stays within the thread's stack (JSON, deep key conversion).

pub mod forks;
pub mod hashing;
pub mod json;
pub mod jwt;
pub mod stack;
pub mod strings;

use std::collections::TryReserveError;

/// An allocation sized by the input failed: every core's buffers grow fallibly, and the
/// binding raises CPython's own bare `MemoryError` for this (as the twin does), never an
/// abort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfMemory;

impl From<TryReserveError> for OutOfMemory {
    fn from(_: TryReserveError) -> Self {
        Self
    }
}
