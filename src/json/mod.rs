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
pub(crate) mod ffi;
pub mod parse;
mod scan;
mod ser;
pub mod stack;
pub mod value;
pub mod write;

/// The deepest nesting of containers `loads` and `dumps` accept; the root container is at
/// depth 1. Deep enough for any real document; a bound on the work and the stack.
pub const MAX_DEPTH: usize = 1024;

/// Runs `f`, one nesting level deeper, on a new stack segment if the thread's stack is
/// nearly used up (see `stack`). For recursions outside this module (the case conversion of
/// nested keys); the parser and the serializer keep a `StackFloor` instead, which checks
/// every level for less.
pub fn with_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(stack::RED_ZONE, stack::SEGMENT, f)
}

/// How many times in a row `default` may return a value that needs `default` again, and how
/// many Enum values in a row may be Enums (an Enum whose value is itself must end).
pub const MAX_DEFAULT_CHAIN: usize = 32;
