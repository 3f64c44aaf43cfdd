//! The JWT functions and the `Key`/`KeySet` classes (contract: docs/JWT.md). The rules
//! (tokens, claims, keys and their caches, JWK sets, signing) are covet-core's `jwt`; this
//! binding checks and converts the arguments, in docs/JWT.md's order, and raises the errors:
//!
//! - `errors`: each core error raised as its Python class (`covet_rust_core._jwt_errors`);
//! - `key`: the `Key` and `KeySet` classes and the key of a call;
//! - `encode`: the `encode` function;
//! - `options`: `decode`'s keyword arguments, checked into a `DecodeArgs`;
//! - `decode`: `decode`, `decode_complete`, `get_unverified_header`;
//! - `aio`: the awaitable forms of encode and decode;
//! - `base_types`: what the binding reads of the caller's objects, through their base
//!   types.
//!
//! RSA, ECDSA and Ed25519 work runs with the GIL released.

pub mod aio;
mod base_types;
pub mod decode;
pub mod encode;
pub mod errors;
pub mod key;
mod options;
