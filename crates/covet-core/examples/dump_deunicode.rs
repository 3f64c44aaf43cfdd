//! Writes the transliteration table of the `deunicode` crate (the version in Cargo.lock) for
//! the pure-Python twin, so both backends transliterate from the same data:
//!
//! ```text
//! cargo run -p covet-core --example dump_deunicode > python/covet_rust_core/fallback/_deunicode.bin
//! ```
//!
//! Format: the entries for U+0080 upwards, in code point order, each followed by a NUL byte,
//! up to the last code point the crate maps. ASCII is not stored: `transliterate` keeps
//! it as it is (the crate's own table drops NUL and DEL). A
//! code point without an entry has an empty one. `tests/strings/test_translit.py` checks
//! the file against the native side on every code point.

use std::io::{self, Write};

fn main() -> io::Result<()> {
    let last = (0x80..=u32::from(char::MAX))
        .rev()
        .filter_map(char::from_u32)
        .find(|&c| deunicode::deunicode_char(c).is_some_and(|s| !s.is_empty()))
        .expect("the table maps something above ASCII");
    let mut out = io::BufWriter::new(io::stdout().lock());
    for code in 0x80..=u32::from(last) {
        let entry = char::from_u32(code)
            .and_then(deunicode::deunicode_char)
            .unwrap_or("");
        assert!(
            entry.bytes().all(|b| b.is_ascii() && b != 0),
            "U+{code:04X} maps to {entry:?}"
        );
        out.write_all(entry.as_bytes())?;
        out.write_all(b"\0")?;
    }
    out.flush()
}
