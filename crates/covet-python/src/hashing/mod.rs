//! Hashing's Python binding; the drivers are covet-core's `hashing`.
//!
//! `binding` is the thin Python layer (`aio` its awaitable forms), and `fastcall` the fast
//! entry point of the one call where PyO3's overhead dominates.

pub mod aio;
pub mod binding;
mod fastcall;

/// CPython's hashlib releases the GIL from this input size on; below it, the cost of
/// releasing and re-taking the GIL is a noticeable share of the work.
pub const GIL_RELEASE_MIN_BYTES: usize = 2048;

pub use fastcall::install as install_fast_entry_points;
