//! JSON: `dumps` / `dumps_str` / `loads` (contract: docs/JSON.md).
//!
//! Pure-Rust parts, usable without Python (tests, criterion, fuzzing):
//! * `parse`: a strict RFC 8259 parser feeding a `Sink`, with the error rules both
//!   backends share;
//! * `scan`: the vectorized search for the bytes that end plain string text;
//! * `write`: string escaping and number layout as Python's `json` and `repr` write them.
//!
//! Python-facing parts, where building and reading Python objects *is* the hot path:
//! * `ffi`: every raw CPython call of this domain, in one place to audit;
//! * `de`: the sink that builds Python objects, with the key cache;
//! * `ser`: the serializer, dispatching on exact type pointers;
//! * `binding`: the `#[pyfunction]`s and the exceptions.

pub mod binding;
mod de;
mod ffi;
pub mod parse;
mod scan;
mod ser;
pub mod write;

/// The deepest nesting of containers `loads` and `dumps` accept; the root container is at
/// depth 1. Deep enough for any real document, shallow enough that the recursive parser and
/// serializer stay far from the end of even a 512 KiB thread stack.
pub const MAX_DEPTH: usize = 1024;

/// How many times in a row `default` may return a value that needs `default` again.
pub const MAX_DEFAULT_CHAIN: usize = 32;
