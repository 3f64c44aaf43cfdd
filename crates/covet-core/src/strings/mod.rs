//! String helpers for web applications, each matching the library people use for it today
//! (the contract: docs/STRINGS.md): HTML escaping (markupsafe), slugs (python-slugify),
//! case conversion (pyhumps), URL coding (urllib.parse), many-pattern replacement, and safe
//! file names (werkzeug).
//!
//! Every core here is a plain function on `&str` (or bytes) free of PyO3 types, so `cargo
//! test` and the criterion benches run without Python; the binding (covet-python's `strings`)
//! converts the arguments.
//! Cores return `Cow::Borrowed` when nothing changes, so the binding can hand back the
//! caller's own `str` object instead of building an equal one. Their buffers grow through
//! `fallible`, so an input too big for memory is an `OutOfMemory` (a `MemoryError`), never
//! an abort.

pub mod case;
pub mod entities;
pub mod escape;
pub mod fallible;
pub mod filename;
pub mod replace;
pub mod slug;
pub mod translit;
pub mod unicode;
mod unicode_versions;
pub mod url;
