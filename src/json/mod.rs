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
pub mod value;
pub mod write;

/// The deepest nesting of containers `loads` and `dumps` accept; the root container is at
/// depth 1. Deep enough for any real document; a bound on the work and the stack.
pub const MAX_DEPTH: usize = 1024;

/// How often (in nesting levels) the recursive parser and serializer check the stack.
const STACK_CHECK_EVERY: usize = 32;
/// Room left on the stack below which the next levels run on a new stack segment: 32
/// levels of the serializer's dict path, the largest, measured at about 300 bytes each,
/// with a wide margin.
const STACK_RED_ZONE: usize = 64 * 1024;
const STACK_SEGMENT: usize = 1024 * 1024;

/// Runs `f`, one nesting level deeper, on a fresh stack segment if the thread's stack is
/// nearly used up. The limit of 1024 levels needs about 300 KiB of stack; a thread started
/// with `threading.stack_size(256 * 1024)` (or a small native thread) has less, and must
/// get an exception or a result, never a crash (measured: 128 KiB crashed before this).
#[inline]
pub fn with_stack<R>(depth: usize, f: impl FnOnce() -> R) -> R {
    // Not at the root: the first levels fit in what any caller has left.
    if depth % STACK_CHECK_EVERY == 0 && depth > 0 {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, f)
    } else {
        f()
    }
}

/// How many times in a row `default` may return a value that needs `default` again.
pub const MAX_DEFAULT_CHAIN: usize = 32;
