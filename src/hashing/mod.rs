//! Hashing: BLAKE3 (hash, keyed, derive-key, extendable output, files) and XXH3-64/128.
//!
//! `blake3`, `xxh3` and `threads` are pure Rust (no PyO3 types) so `cargo test` and the
//! criterion benches drive them directly; `binding` is the thin Python layer (`aio` its awaitable forms), and
//! `fastcall` a raw CPython entry point for the one call where PyO3's overhead dominates;
//! `exported_buffer` holds PEP 3118 buffer exports. `mapped_file` (pure Rust, Linux and macOS)
//! maps files so that one shrinking under the map is an error instead of SIGBUS.
//!
//! ahash is deliberately not exposed: its output changes across CPUs, builds and versions,
//! so it is only fit for in-process hash tables. XXH3 output is stable everywhere, which
//! is what cache keys shared between workers and ETags need.

pub mod aio;
pub mod binding;
pub mod blake3;
mod exported_buffer;
mod fastcall;
#[cfg(any(target_os = "linux", target_os = "macos"))]
pub mod mapped_file;
pub mod threads;
pub mod xxh3;

/// CPython's hashlib releases the GIL from this input size on; below it, the cost of
/// releasing and re-taking the GIL is a noticeable share of the work.
pub const GIL_RELEASE_MIN_BYTES: usize = 2048;

pub use fastcall::install as install_fast_entry_points;
