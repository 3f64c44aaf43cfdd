//! JSON's pure-Rust parts (contract: docs/JSON.md), usable without Python (tests, criterion,
//! fuzzing):
//! * `parse`: a strict RFC 8259 parser feeding a `Sink`, with the error rules both
//!   backends share;
//! * `scan`: the vectorized search for the bytes that end plain string text;
//! * `simd`: which vector instructions the scans use (chosen at run time, or forced);
//! * `text`: a `str`'s stored characters written as an escaped JSON string, in UTF-8;
//! * `write`: the output buffer, and numbers laid out as Python's `repr` writes them;
//! * `value`: a plain-Rust value tree, for callers that must look at a document without
//!   building Python objects (the JWT rules, tests, fuzz targets).
//!
//! The Python-facing parts (the sink that builds Python objects, the serializer that reads
//! them) are in the covet-python crate: building and reading Python objects *is* the hot
//! path there.

pub mod parse;
mod scan;
pub mod simd;
pub mod text;
pub mod value;
pub mod write;

/// The deepest nesting of containers `loads` and `dumps` accept; the root container is at
/// depth 1. Deep enough for any real document; a bound on the work and the stack.
pub const MAX_DEPTH: usize = 1024;
