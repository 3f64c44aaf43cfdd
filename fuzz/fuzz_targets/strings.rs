//! Every string helper core on arbitrary text (docs/STRINGS.md), each against a property
//! the contract states or a plain reference written from the anchor's own algorithm.
//!
//! Input layout: the first byte holds option flags; the rest, as text (invalid UTF-8
//! replaced by U+FFFD, so that every input exercises the helpers), is split at NUL bytes:
//! the first part is the text, the others are extra words (stopwords, safe characters, a
//! query separator, `(pattern, replacement)` pairs).

#![no_main]

use std::borrow::Cow;

use covet_core::strings::case::{convert, Case};
use covet_core::strings::escape::{escape_html, escape_html_bytes, escaped_len};
use covet_core::strings::filename::secure_filename;
use covet_core::strings::replace::{Replacer, ReplacerError};
use covet_core::strings::slug::{slugify, SlugOptions};
use covet_core::strings::translit::transliterate;
use covet_core::strings::unicode::is_space;
use covet_core::strings::url::{
    field_count, parse_qsl, parse_qsl_wtf8, quote, unquote, unquote_bytes, unquote_to_bytes,
    unquote_wtf8, BadField, SafeSet, NOTHING_SAFE, PATH_SAFE,
};
use libfuzzer_sys::fuzz_target;
use unicode_normalization::UnicodeNormalization as _;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let lossy = String::from_utf8_lossy(body);
    let mut parts = lossy.split('\0');
    let text = parts.next().unwrap_or("");
    let words: Vec<&str> = parts.take(16).collect();
    let flag = |bit: u8| flags & (1 << bit) != 0;

    check_escape_html(text, body);
    check_transliterate(text);
    check_case(text);
    check_url(text, body, &words, flag(0), flag(1));
    check_secure_filename(text, flag(2));
    check_slugify(text, &words, flags);
    check_replace(text, &words);
});

/// markupsafe's five entities, replaced one after the other (`&` first).
fn escape_reference(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for &byte in text {
        match byte {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'\'' => out.extend_from_slice(b"&#39;"),
            b'"' => out.extend_from_slice(b"&#34;"),
            _ => out.push(byte),
        }
    }
    out
}

fn check_escape_html(text: &str, bytes: &[u8]) {
    let escaped = escape_html(text).expect("memory");
    assert_eq!(escaped.as_bytes(), escape_reference(text.as_bytes()));
    assert_eq!(
        matches!(escaped, Cow::Borrowed(_)),
        !text.contains(['&', '<', '>', '\'', '"'])
    );
    // No markup survives: every `&` left starts one of the five entities.
    assert!(!escaped.contains(['<', '>', '\'', '"']));
    for (at, _) in escaped.match_indices('&') {
        let rest = &escaped[at..];
        assert!(["&amp;", "&lt;", "&gt;", "&#39;", "&#34;"]
            .iter()
            .any(|entity| rest.starts_with(entity)));
    }
    // Raw bytes (the binding passes WTF-8 for lone surrogates).
    let escaped = escape_html_bytes(bytes).expect("memory");
    assert_eq!(*escaped, escape_reference(bytes)[..]);
    assert_eq!(escaped_len(bytes), escaped.len());
}

/// The rule docs/STRINGS.md gives, on the crate's table: each character becomes its entry
/// (ASCII itself); an entry of two or more characters ending in a space loses it at the end
/// of the text or before an entry starting with a space.
fn transliterate_reference(text: &str) -> String {
    // (entry, whether it comes from the table): ASCII is copied, never trimmed.
    let entries: Vec<(Cow<'_, str>, bool)> = text
        .chars()
        .map(|c| {
            if c.is_ascii() {
                (Cow::Owned(c.to_string()), false)
            } else {
                (
                    Cow::Borrowed(deunicode::deunicode_char(c).unwrap_or("")),
                    true,
                )
            }
        })
        .collect();
    let mut out = String::new();
    for (index, (entry, from_table)) in entries.iter().enumerate() {
        let next_starts_with_space = entries
            .get(index + 1)
            .is_none_or(|(next, _)| next.starts_with(' '));
        if *from_table && entry.len() > 1 && entry.ends_with(' ') && next_starts_with_space {
            out.push_str(&entry[..entry.len() - 1]);
        } else {
            out.push_str(entry);
        }
    }
    out
}

fn check_transliterate(text: &str) {
    let ascii = transliterate(text).expect("memory");
    assert!(ascii.is_ascii());
    if text.is_ascii() {
        assert!(matches!(ascii, Cow::Borrowed(same) if same == text));
    }
    assert_eq!(ascii, transliterate_reference(text));
}

fn check_case(text: &str) {
    for case in [Case::Snake, Case::Camel, Case::Pascal, Case::Kebab] {
        let converted = convert(text, case).expect("memory");
        match &converted {
            Cow::Borrowed(same) => assert_eq!(*same, text),
            // Text that comes back unchanged is handed back as the caller's own object.
            Cow::Owned(changed) => {
                assert_ne!(changed, text, "{case:?}");
                // Whitespace is removed before any conversion.
                assert!(!changed.chars().any(is_space), "{case:?} {changed:?}");
            }
        }
        if text.is_ascii() {
            assert!(converted.is_ascii(), "{case:?}");
        }
        let separators = |s: &str| s.chars().filter(|&c| c == '-' || c == '_').count();
        match case {
            Case::Snake => {
                if let Cow::Owned(changed) = &converted {
                    assert!(!changed.chars().any(|c| c.is_ascii_uppercase()));
                }
                // Words are joined with `_` only; a `-` is never added.
                assert_eq!(converted.matches('-').count(), text.matches('-').count());
                if text.is_ascii() {
                    assert_eq!(
                        convert(&converted, case).expect("memory"),
                        converted,
                        "snake twice"
                    );
                }
            }
            Case::Kebab => {
                assert!(converted.matches('_').count() <= text.matches('_').count());
            }
            // Separator runs are dropped, never added.
            Case::Camel | Case::Pascal => {
                assert!(separators(&converted) <= separators(text), "{case:?}");
            }
        }
    }
}

/// urllib's `unquote`: each run of ASCII characters decoded to bytes (`%XX` escapes, the
/// rest as is) and then as UTF-8 with replacement; other characters copied.
fn unquote_reference(text: &str, plus: bool) -> String {
    let text = if plus {
        Cow::Owned(text.replace('+', " "))
    } else {
        Cow::Borrowed(text)
    };
    let mut out = String::new();
    let mut rest = text.as_ref();
    while !rest.is_empty() {
        let ascii = rest.find(|c: char| !c.is_ascii()).unwrap_or(rest.len());
        if ascii == 0 {
            let other = rest.find(|c: char| c.is_ascii()).unwrap_or(rest.len());
            out.push_str(&rest[..other]);
            rest = &rest[other..];
        } else {
            out.push_str(&String::from_utf8_lossy(&unquote_to_bytes_reference(
                &rest.as_bytes()[..ascii],
            )));
            rest = &rest[ascii..];
        }
    }
    out
}

fn unquote_to_bytes_reference(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let escape = bytes
            .get(at + 1..at + 3)
            .filter(|hex| bytes[at] == b'%' && hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        if let Some(byte) = escape {
            out.push(byte);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    out
}

/// urllib's `parse_qsl`, line for line.
fn parse_qsl_reference(
    qs: &str,
    separator: &str,
    keep_blank_values: bool,
    strict_parsing: bool,
) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    if qs.is_empty() {
        return Ok(pairs);
    }
    for field in qs.split(separator) {
        if field.is_empty() && !strict_parsing {
            continue;
        }
        let (name, value) = match field.split_once('=') {
            Some(pair) => pair,
            None if strict_parsing => return Err(field.to_owned()),
            None if keep_blank_values => (field, ""),
            None => continue,
        };
        if !value.is_empty() || keep_blank_values {
            pairs.push((
                unquote_reference(name, true),
                unquote_reference(value, true),
            ));
        }
    }
    Ok(pairs)
}

fn check_url(text: &str, bytes: &[u8], words: &[&str], keep: bool, strict: bool) {
    // Any safe set without `%` (a literal `%` would then be unquoted): quoting, then
    // unquoting, gives the text back; `quote_plus` likewise with `unquote_plus`.
    let chosen: Vec<u8> = words
        .first()
        .map_or(&b""[..], |word| word.as_bytes())
        .iter()
        .copied()
        .filter(|&byte| byte != b'%')
        .collect();
    let chosen = SafeSet::new(&chosen);
    for (safe, plus) in [(&PATH_SAFE, false), (&NOTHING_SAFE, true), (&chosen, false)] {
        let quoted = quote(text.as_bytes(), safe, plus).expect("memory");
        let mut escapes = quoted.split('%');
        for (index, piece) in escapes.by_ref().enumerate() {
            let literal = if index == 0 {
                piece
            } else {
                let hex = piece.get(..2).expect("two hex digits after %");
                assert!(hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)));
                &piece[2..]
            };
            assert!(literal
                .bytes()
                .all(|b| safe.keeps(b) || (plus && b == b'+')));
        }
        if !(plus && safe.keeps(b'+')) {
            assert_eq!(
                unquote(&quoted, plus).expect("memory"),
                text,
                "safe {safe:?} plus {plus}"
            );
        }
    }
    for plus in [false, true] {
        let unquoted = unquote(text, plus).expect("memory");
        assert_eq!(unquoted, unquote_reference(text, plus), "plus {plus}");
        assert_eq!(
            *unquote_wtf8(text.as_bytes(), plus).expect("memory"),
            *unquoted.as_bytes()
        );
        let _ = unquote_wtf8(bytes, plus);
    }
    assert_eq!(
        unquote_bytes(bytes).expect("memory"),
        String::from_utf8_lossy(&unquote_to_bytes_reference(bytes))
    );
    assert_eq!(
        *unquote_to_bytes(bytes).expect("memory"),
        unquote_to_bytes_reference(bytes)[..]
    );

    let separator = match words.get(1) {
        Some(word) if !word.is_empty() => word,
        _ => "&",
    };
    assert_eq!(
        field_count(text.as_bytes(), separator.as_bytes()),
        1 + text.matches(separator).count()
    );
    let pairs = parse_qsl(text, separator, keep, strict)
        .expect("memory")
        .map(|pairs| {
            pairs
                .into_iter()
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect::<Vec<_>>()
        });
    let expected = parse_qsl_reference(text, separator, keep, strict);
    match (&pairs, &expected) {
        (Err(BadField(field)), Err(reference)) => assert_eq!(*field, reference.as_bytes()),
        _ => assert_eq!(pairs.as_ref().ok(), expected.as_ref().ok(), "{separator:?}"),
    }
    let _ = parse_qsl_wtf8(bytes, separator.as_bytes(), keep, strict);
}

/// werkzeug's `secure_filename`, step for step: NFKD of the whole text, non-ASCII dropped,
/// `/` to a space, `"_".join(split())`, only `[A-Za-z0-9_.-]` kept, `._` stripped, and the
/// Windows device names prefixed with `_`.
fn secure_filename_reference(name: &str, windows: bool) -> String {
    let ascii: String = name
        .nfkd()
        .filter(char::is_ascii)
        .map(|c| if c == '/' { ' ' } else { c })
        .collect();
    let joined = ascii
        .split(is_space)
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    let kept: String = joined
        .chars()
        .filter(|&c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        .collect();
    let stripped = kept.trim_matches(['.', '_']);
    let devices = [
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM1", "COM2", "COM3", "COM4", "COM5",
        "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7",
        "LPT8", "LPT9",
    ];
    let stem = stripped
        .split('.')
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    if windows && devices.contains(&stem.as_str()) {
        format!("_{stripped}")
    } else {
        stripped.to_owned()
    }
}

fn check_secure_filename(text: &str, windows: bool) {
    let name = secure_filename(text, windows).expect("memory");
    assert!(name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')));
    assert!(!name.ends_with(['.', '_']));
    assert!(!name.starts_with('.'));
    assert!(windows || !name.starts_with('_'));
    assert_eq!(
        secure_filename(&name, windows).expect("memory"),
        name,
        "not stable"
    );
    assert_eq!(name, secure_filename_reference(text, windows));
}

fn check_slugify(text: &str, words: &[&str], flags: u8) {
    let default = slugify(text, &SlugOptions::default()).expect("memory");
    // docs/STRINGS.md step 7: `[-a-z0-9]` (lower-cased first), runs of `-` collapsed, none
    // at the ends.
    assert!(
        default
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{default:?}"
    );
    assert!(!default.starts_with('-') && !default.ends_with('-') && !default.contains("--"));
    assert_eq!(
        slugify(&default, &SlugOptions::default()).expect("memory"),
        default,
        "not stable"
    );

    let stopwords: Vec<&str> = words.to_vec();
    let options = SlugOptions {
        entities: flags & 1 != 0,
        decimal: flags & 2 != 0,
        hexadecimal: flags & 4 != 0,
        word_boundary: flags & 8 != 0,
        save_order: flags & 16 != 0,
        lowercase: flags & 32 != 0,
        allow_unicode: flags & 64 != 0,
        max_length: i64::from(flags >> 4) - 2,
        stopwords: &stopwords,
        ..SlugOptions::default()
    };
    let slug = slugify(text, &options).expect("memory");
    assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
    if options.allow_unicode {
        assert!(slug
            .chars()
            .all(|c| c == '-' || covet_core::strings::unicode::is_alnum(c)));
    } else {
        assert!(slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    }
    if let Ok(max_length) = usize::try_from(options.max_length) {
        assert!(max_length == 0 || slug.chars().count() <= max_length);
    }
    // Replacements and a separator of one's own make any text possible: no panic is all.
    // An empty pattern inserts its replacement around every character (Python's
    // `str.replace`), and does so again in step 9: one such pair, with a short replacement,
    // so that the text cannot grow without bound.
    let mut empty_pattern = false;
    let replacements: Vec<(&str, &str)> = words
        .chunks_exact(2)
        .filter(|pair| {
            let keep = !pair[0].is_empty() || (!empty_pattern && pair[1].len() <= 4);
            empty_pattern |= pair[0].is_empty();
            keep
        })
        .take(4)
        .map(|pair| (pair[0], pair[1]))
        .collect();
    let options = SlugOptions {
        replacements: &replacements,
        separator: words.first().copied().unwrap_or("_"),
        ..options
    };
    let _ = slugify(text, &options);
}

/// Leftmost match, the longest of those starting there, replaced text not scanned again; a
/// repeated pattern takes its last replacement.
fn replace_reference(text: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let longest = pairs
            .iter()
            .enumerate()
            .filter(|(_, (pattern, _))| rest.starts_with(pattern))
            .max_by_key(|&(index, (pattern, _))| (pattern.len(), index));
        if let Some((_, (pattern, replacement))) = longest {
            out.push_str(replacement);
            rest = &rest[pattern.len()..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn check_replace(text: &str, words: &[&str]) {
    let pairs: Vec<(&str, &str)> = words
        .chunks_exact(2)
        .map(|pair| (pair[0], pair[1]))
        .collect();
    match Replacer::new(&pairs) {
        Ok(replacer) => {
            assert!(pairs.iter().all(|(pattern, _)| !pattern.is_empty()));
            let mut distinct: Vec<&str> = pairs.iter().map(|(pattern, _)| *pattern).collect();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(replacer.len(), distinct.len());
            assert_eq!(
                replacer.replace(text).expect("memory"),
                replace_reference(text, &pairs)
            );
        }
        Err(ReplacerError::EmptyPattern) => {
            assert!(pairs.iter().any(|(pattern, _)| pattern.is_empty()));
        }
        Err(error) => panic!("{error:?}"),
    }
}
