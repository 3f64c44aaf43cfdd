//! Hashing: BLAKE3 (hash, keyed, derive-key, extendable output, files) and XXH3-64/128.
//!
//! `blake3`, `xxh3` and `threads` are the drivers the Python binding (covet-python's
//! `hashing`) calls and the criterion benches and fuzz targets drive directly.
//! `mapped_file` (Linux and macOS) maps files so that one shrinking under the map is an error
//! instead of SIGBUS.
//!
//! ahash is deliberately not exposed: its output changes across CPUs, builds and versions,
//! so it is only fit for in-process hash tables. XXH3 output is stable everywhere, which
//! is what cache keys shared between workers and ETags need.

pub mod blake3;
#[cfg(any(target_os = "linux", target_os = "macos"))]
pub mod mapped_file;
pub mod threads;
pub mod xxh3;
