//! Python's notion of character classes and case, on Rust tables.
//!
//! The anchors (pyhumps, python-slugify, werkzeug) are written with `str` methods and `re`
//! classes; matching them exactly means using CPython's definitions, which are not Rust's:
//! `str.isalnum()` is general category L*/N* (Rust's `is_alphanumeric` adds the
//! Other_Alphabetic marks), `str.isspace()` includes `\x1c`-`\x1f` (Rust's `is_whitespace`
//! does not), `re`'s `\d` is category Nd. The tests compare these with the interpreter on
//! every assigned code point.

use std::borrow::Cow;

use unicode_general_category::{get_general_category, GeneralCategory as Gc};
use unicode_normalization::char::{canonical_combining_class, decompose_compatible};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// `str.isalnum()` for one character (also `re`'s `\w` for str patterns, minus `_`).
#[inline]
pub fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    matches!(
        get_general_category(c),
        Gc::UppercaseLetter
            | Gc::LowercaseLetter
            | Gc::TitlecaseLetter
            | Gc::ModifierLetter
            | Gc::OtherLetter
            | Gc::DecimalNumber
            | Gc::LetterNumber
            | Gc::OtherNumber
    )
}

/// `re`'s `\w` for str patterns: alnum or `_`.
#[inline]
pub fn is_word(c: char) -> bool {
    c == '_' || is_alnum(c)
}

/// `str.isspace()` for one character (also `re`'s `\s` and `str.split()`'s separators).
#[inline]
pub fn is_space(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\x1c'..='\x1f' | ' ') || (!c.is_ascii() && c.is_whitespace())
}

/// `re`'s `\d` for str patterns (`str.isdecimal()`): general category Nd.
#[inline]
pub fn is_decimal(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    get_general_category(c) == Gc::DecimalNumber
}

/// `str.isnumeric()` for one character, as far as it matters for output: every N* character
/// (CPython also counts CJK ideographs with a numeric value, which have no case and so never
/// change a conversion's result).
#[inline]
pub fn is_numeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    matches!(
        get_general_category(c),
        Gc::DecimalNumber | Gc::LetterNumber | Gc::OtherNumber
    )
}

/// CPython's `Py_UNICODE_ISTITLE`: general category Lt.
#[inline]
pub fn is_title(c: char) -> bool {
    !c.is_ascii() && get_general_category(c) == Gc::TitlecaseLetter
}

/// `s.isupper()`: at least one uppercase character and none lowercase or titlecase.
pub fn str_is_upper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_lowercase() || is_title(c) {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

/// `s.isnumeric()`: not empty and every character numeric.
pub fn str_is_numeric(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_numeric)
}

/// `s.lower()`: full lowercase mappings, final sigma included (as CPython does).
pub fn lower(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            return Cow::Owned(s.to_ascii_lowercase());
        }
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.to_lowercase())
}

/// `s.upper()`: full uppercase mappings (`ß` -> `SS`).
pub fn upper(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_lowercase()) {
            return Cow::Owned(s.to_ascii_uppercase());
        }
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.to_uppercase())
}

/// `unicodedata.normalize("NFKD", s)`; borrowed when nothing changes.
///
/// Our own loop over the crate's per-character tables: ASCII (a starter with no
/// decomposition) is copied as it is, other characters are decomposed and their combining
/// marks put in canonical order. It is several times faster than the crate's iterator on
/// the mostly-ASCII text of titles and file names, where that iterator was the profile's
/// top entry (slugify, secure_filename).
pub fn nfkd(s: &str) -> Cow<'_, str> {
    let Some(first) = s.bytes().position(|b| !b.is_ascii()) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..first]);
    // Combining marks waiting for the next starter, to be stably sorted by class.
    let mut marks: Vec<(u8, char)> = Vec::new();
    let flush = |marks: &mut Vec<(u8, char)>, out: &mut String| {
        if marks.len() > 1 {
            marks.sort_by_key(|&(class, _)| class);
        }
        out.extend(marks.drain(..).map(|(_, mark)| mark));
    };
    for c in s[first..].chars() {
        if c.is_ascii() {
            flush(&mut marks, &mut out);
            out.push(c);
            continue;
        }
        decompose_compatible(c, |part| match canonical_combining_class(part) {
            0 => {
                flush(&mut marks, &mut out);
                out.push(part);
            }
            class => marks.push((class, part)),
        });
    }
    flush(&mut marks, &mut out);
    if out == s {
        return Cow::Borrowed(s);
    }
    Cow::Owned(out)
}

/// `unicodedata.normalize("NFKC", s)`; ASCII and already-normalized text is borrowed.
pub fn nfkc(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.nfkc().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_cpython_not_rust() {
        // Other_Alphabetic mark: Rust calls it alphabetic, Python does not.
        assert!('\u{0903}'.is_alphabetic());
        assert!(!is_alnum('\u{0903}'));
        assert!(is_space('\x1c') && !'\x1c'.is_whitespace());
        assert!(is_decimal('\u{0663}') && !is_decimal('\u{00b2}'));
        assert!(is_numeric('\u{00b2}') && is_numeric('\u{216b}'));
    }

    #[test]
    fn string_predicates() {
        assert!(str_is_upper("HTTP2"));
        assert!(!str_is_upper("123"));
        assert!(!str_is_upper("Http"));
        assert!(!str_is_upper("\u{01c5}X")); // titlecase Dž
        assert!(str_is_numeric("12\u{00b2}"));
        assert!(!str_is_numeric(""));
    }

    #[test]
    fn case_and_normalization() {
        assert_eq!(lower("ΟΔΟΣ"), "οδος");
        assert_eq!(upper("straße"), "STRASSE");
        assert_eq!(nfkd("ﬁé"), "fie\u{301}");
        assert_eq!(nfkc("ﬁe\u{301}"), "fié");
        assert!(matches!(nfkd("plain"), Cow::Borrowed(_)));
        assert!(matches!(nfkd("e\u{301}"), Cow::Borrowed(_)));
        // Marks reordered by class (below, 220, before above, 230) across a decomposition.
        assert_eq!(nfkd("\u{1e0b}\u{323}"), "d\u{323}\u{307}");
        assert_eq!(nfkd("한"), "\u{1112}\u{1161}\u{11ab}");
    }
}
