//! HTML escaping with markupsafe's entities: `&` `<` `>` `'` `"` become `&amp;` `&lt;`
//! `&gt;` `&#39;` `&#34;`.
//!
//! Only ASCII bytes are ever replaced, so the scan works on UTF-8 bytes directly. Text with
//! nothing to escape (most of it, in templates) is found by a word-at-a-time scan and
//! returned borrowed, so the binding can hand back the caller's own object.

use std::borrow::Cow;

use super::fallible::{ascii_or_utf8, Fallible};

const WORD: usize = std::mem::size_of::<u64>();
const ONES: u64 = u64::from_ne_bytes([0x01; WORD]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; WORD]);

/// Whether any byte of `word` is zero (exact, no false positives for the "any" question).
#[inline]
const fn has_zero_byte(word: u64) -> bool {
    word.wrapping_sub(ONES) & !word & HIGHS != 0
}

/// Whether any byte of `word` is one of the five special bytes. `&` (0x26) and `'` (0x27)
/// differ in bit 0 only, `<` (0x3C) and `>` (0x3E) in bit 1 only, so three comparisons
/// cover five bytes (setting bit 1 of `=` or `?` gives `?`, which matches nothing).
#[inline]
const fn has_special_byte(word: u64) -> bool {
    has_zero_byte((word | ONES) ^ u64::from_ne_bytes([0x27; WORD]))
        || has_zero_byte((word | (ONES << 1)) ^ u64::from_ne_bytes([0x3E; WORD]))
        || has_zero_byte(word ^ u64::from_ne_bytes([0x22; WORD]))
}

/// The entity for a byte, or `None` when it stays as it is.
#[inline]
const fn entity(byte: u8) -> Option<&'static str> {
    match byte {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'\'' => Some("&#39;"),
        b'"' => Some("&#34;"),
        _ => None,
    }
}

/// The index of the first byte at or after `from` that needs escaping.
#[inline]
fn find_special(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while at + WORD <= bytes.len() {
        let chunk: [u8; WORD] = bytes[at..at + WORD].try_into().expect("a word");
        if has_special_byte(u64::from_ne_bytes(chunk)) {
            break;
        }
        at += WORD;
    }
    bytes[at..]
        .iter()
        .position(|&b| entity(b).is_some())
        .map(|offset| at + offset)
}

/// `str(markupsafe.escape(text))` for a string; borrowed when nothing needs escaping.
/// Only ASCII bytes are replaced, by ASCII, so the result is valid UTF-8.
pub fn escape_html(text: &str) -> Fallible<Cow<'_, str>> {
    Ok(match escape_html_bytes(text.as_bytes())? {
        Cow::Borrowed(_) => Cow::Borrowed(text),
        Cow::Owned(bytes) => Cow::Owned(ascii_or_utf8(bytes)),
    })
}

/// The same on bytes of any ASCII-compatible encoding (the binding passes strings holding
/// lone surrogates as WTF-8, which markupsafe escapes like any other text).
pub fn escape_html_bytes(bytes: &[u8]) -> Fallible<Cow<'_, [u8]>> {
    let len = escaped_len(bytes);
    if len == bytes.len() {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut out = Vec::new();
    out.try_reserve_exact(len)?;
    out.resize(len, 0);
    escape_into(bytes, &mut out);
    Ok(Cow::Owned(out))
}

/// The length of `bytes` escaped: one pass that skips clean words, so that the output can
/// be allocated once, at its exact size (the binding allocates the `str` itself).
pub fn escaped_len(bytes: &[u8]) -> usize {
    let mut extra = 0;
    let mut at = 0;
    while let Some(special) = find_special(bytes, at) {
        extra += entity(bytes[special]).map_or(0, |e| e.len() - 1);
        at = special + 1;
    }
    bytes.len() + extra
}

/// Writes `bytes` escaped into `out`, which must be exactly `escaped_len(bytes)` long.
/// Words without a special byte are copied whole; the others byte by byte, which is what
/// keeps text dense with markup (a special every few bytes) fast.
///
/// # Panics
/// When `out` has the wrong length.
pub fn escape_into(bytes: &[u8], out: &mut [u8]) {
    let mut written = 0;
    let mut at = 0;
    while at + WORD <= bytes.len() {
        let chunk: [u8; WORD] = bytes[at..at + WORD].try_into().expect("a word");
        if has_special_byte(u64::from_ne_bytes(chunk)) {
            for &byte in &chunk {
                written += put(out, written, byte);
            }
        } else {
            out[written..written + WORD].copy_from_slice(&chunk);
            written += WORD;
        }
        at += WORD;
    }
    for &byte in &bytes[at..] {
        written += put(out, written, byte);
    }
    assert_eq!(
        written,
        out.len(),
        "escape_into: output longer than the text escaped"
    );
}

/// Writes one byte (or its entity) at `at`; returns how many bytes it wrote.
#[inline]
fn put(out: &mut [u8], at: usize, byte: u8) -> usize {
    if let Some(entity) = entity(byte) {
        out[at..at + entity.len()].copy_from_slice(entity.as_bytes());
        entity.len()
    } else {
        out[at] = byte;
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_markupsafes() {
        assert_eq!(
            escape_html(r#"<a href="x" title='&'>"#).unwrap(),
            "&lt;a href=&#34;x&#34; title=&#39;&amp;&#39;&gt;"
        );
    }

    #[test]
    fn nothing_to_escape_borrows() {
        let text = "plain text = fine? yes; 100% (ok) é 北京";
        assert!(matches!(escape_html(text), Ok(Cow::Borrowed(t)) if t == text));
        assert!(matches!(escape_html(""), Ok(Cow::Borrowed(""))));
    }

    #[test]
    fn every_position_in_and_across_words() {
        for len in 0..20 {
            for at in 0..len {
                for special in ['&', '<', '>', '\'', '"'] {
                    let mut text: String = "=?;é".chars().cycle().take(len).collect();
                    let index = text.char_indices().nth(at).map(|(i, _)| i).unwrap();
                    let ch_len = text[index..].chars().next().unwrap().len_utf8();
                    text.replace_range(index..index + ch_len, &special.to_string());
                    let expected = text
                        .replace('&', "&amp;")
                        .replace('<', "&lt;")
                        .replace('>', "&gt;")
                        .replace('\'', "&#39;")
                        .replace('"', "&#34;");
                    assert_eq!(escape_html(&text).unwrap(), expected, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn escape_into_fills_the_exact_length() {
        let text = b"<p class='a'>x & y</p> plain words here \"q\"";
        let mut out = vec![0; escaped_len(text)];
        escape_into(text, &mut out);
        assert_eq!(out, escape_html_bytes(text).unwrap().as_ref());
    }

    #[test]
    fn bytes_next_to_the_specials_are_not_special() {
        for byte in 0u8..0x80 {
            let text = char::from(byte).to_string();
            let borrowed = matches!(escape_html(&text), Ok(Cow::Borrowed(_)));
            assert_eq!(borrowed, entity(byte).is_none(), "{byte:#x}");
        }
    }
}
