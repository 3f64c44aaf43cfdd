//! ASCII transliteration with the `deunicode` crate's table (docs/STRINGS.md,
//! "transliterate"): each character becomes its table entry, characters without one are
//! dropped, ASCII stays as it is.
//!
//! The iteration is ours, not the crate's `deunicode()`, for two reasons: the crate's table
//! maps NUL and DEL to nothing once the text is past its leading ASCII (we keep ASCII
//! always), and the twin reimplements exactly this loop over the same table, dumped by
//! `examples/dump_deunicode.rs`.

use std::borrow::Cow;

use super::fallible::{string_with_capacity, Fallible, TryPush};

/// The table entry for a non-ASCII character ("" when it has none).
#[inline]
fn entry(c: char) -> &'static str {
    deunicode::deunicode_char(c).unwrap_or("")
}

/// The entry for any character: ASCII maps to itself.
#[inline]
fn entry_or_self(c: char, buffer: &mut [u8; 4]) -> &str {
    if c.is_ascii() {
        c.encode_utf8(buffer)
    } else {
        entry(c)
    }
}

/// Transliterates `text` to ASCII; borrowed when it is ASCII already.
///
/// An entry of two or more characters that ends in a space (CJK syllables: `北` is
/// `"Bei "`) loses the space at the end of the text or before an entry that starts with
/// one, so words are separated by exactly one space.
pub fn transliterate(text: &str) -> Fallible<Cow<'_, str>> {
    if text.is_ascii() {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = string_with_capacity(text.len() | 15)?;
    let mut chars = text.chars();
    let mut buffer = [0u8; 4];
    let Some(mut current) = chars.next() else {
        return Ok(Cow::Borrowed(text));
    };
    loop {
        let next = chars.next();
        if current.is_ascii() {
            out.try_push(current)?;
        } else {
            let mut mapped = entry(current);
            if mapped.len() > 1 && mapped.ends_with(' ') {
                let next_starts_with_space =
                    next.is_none_or(|next| entry_or_self(next, &mut buffer).starts_with(' '));
                if next_starts_with_space {
                    mapped = &mapped[..mapped.len() - 1];
                }
            }
            out.try_push_str(mapped)?;
        }
        match next {
            Some(next) => current = next,
            None => break,
        }
    }
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_and_beyond() {
        assert_eq!(transliterate("Æneid étude").unwrap(), "AEneid etude");
        assert_eq!(transliterate("北京").unwrap(), "Bei Jing");
        assert_eq!(transliterate("北 京").unwrap(), "Bei Jing");
        assert_eq!(transliterate("Москва").unwrap(), "Moskva");
        assert_eq!(transliterate("Straße").unwrap(), "Strasse");
    }

    #[test]
    fn ascii_is_kept_and_borrowed() {
        assert!(matches!(
            transliterate("plain\0text\x7f"),
            Ok(Cow::Borrowed(_))
        ));
        // Past a non-ASCII character too (the crate's own loop drops NUL there).
        assert_eq!(transliterate("é\0\x7f").unwrap(), "e\0\x7f");
    }

    #[test]
    fn unknown_characters_are_dropped() {
        assert_eq!(transliterate("a\u{10FFFF}b").unwrap(), "ab");
    }
}
