//! The JWT functions and the `Key`/`KeySet` classes (contract: docs/JWT.md); the rules are
//! covet-core's `jwt`.
//!
//! - `binding`: the Python functions and the `Key`/`KeySet` classes; `aio`: their awaitable
//!   forms;
//! - `base_types`: what the binding reads of the caller's objects, through their base types.

pub mod aio;
mod base_types;
pub mod binding;
