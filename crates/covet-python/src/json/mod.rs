//! JSON: `dumps` / `dumps_str` / `loads` (contract: docs/JSON.md). The parser and the text
//! pieces are covet-core's `json`; here building and reading Python objects *is* the hot path:
//! * `de`: the sink that builds Python objects, with the key cache;
//! * `ser`: the serializer, dispatching on exact type pointers;
//! * `binding`: the `#[pyfunction]`s and the exceptions;
//! * `fastcall`: `dumps(obj)` and `loads(data)` without PyO3's argument extraction.

pub mod binding;
mod de;
mod fastcall;
mod ser;

pub use fastcall::install as install_fast_entry_points;

/// How many times in a row `default` may return a value that needs `default` again, and how
/// many Enum values in a row may be Enums (an Enum whose value is itself must end).
pub const MAX_DEFAULT_CHAIN: usize = 32;
