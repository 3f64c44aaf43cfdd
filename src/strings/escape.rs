//! HTML escaping with markupsafe's entities: `&` `<` `>` `'` `"` become `&amp;` `&lt;`
//! `&gt;` `&#39;` `&#34;`.
//!
//! Only ASCII bytes are ever replaced, so the scan works on UTF-8 bytes directly. Text with
//! nothing to escape (most of it, in templates) is found by a word-at-a-time scan and
//! returned borrowed, so the binding can hand back the caller's own object.

use std::borrow::Cow;

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
///
/// # Panics
/// Never: only ASCII bytes are replaced, by ASCII, so the result is valid UTF-8.
pub fn escape_html(text: &str) -> Cow<'_, str> {
    match escape_html_bytes(text.as_bytes()) {
        Cow::Borrowed(_) => Cow::Borrowed(text),
        Cow::Owned(bytes) => {
            Cow::Owned(String::from_utf8(bytes).expect("escaping keeps UTF-8 valid"))
        }
    }
}

/// The same on bytes of any ASCII-compatible encoding (the binding passes strings holding
/// lone surrogates as WTF-8, which markupsafe escapes like any other text).
///
/// # Panics
/// Never: `find_special` only stops at bytes that have an entity.
pub fn escape_html_bytes(bytes: &[u8]) -> Cow<'_, [u8]> {
    let Some(first) = find_special(bytes, 0) else {
        return Cow::Borrowed(bytes);
    };
    // Room for one entity in twenty bytes before the first reallocation.
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 5 + 8);
    let mut copied = 0;
    let mut special = first;
    loop {
        out.extend_from_slice(&bytes[copied..special]);
        out.extend_from_slice(entity(bytes[special]).expect("a special byte").as_bytes());
        copied = special + 1;
        match find_special(bytes, copied) {
            Some(next) => special = next,
            None => break,
        }
    }
    out.extend_from_slice(&bytes[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_markupsafes() {
        assert_eq!(
            escape_html(r#"<a href="x" title='&'>"#),
            "&lt;a href=&#34;x&#34; title=&#39;&amp;&#39;&gt;"
        );
    }

    #[test]
    fn nothing_to_escape_borrows() {
        let text = "plain text = fine? yes; 100% (ok) é 北京";
        assert!(matches!(escape_html(text), Cow::Borrowed(t) if t == text));
        assert!(matches!(escape_html(""), Cow::Borrowed("")));
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
                    assert_eq!(escape_html(&text), expected, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn bytes_next_to_the_specials_are_not_special() {
        for byte in 0u8..0x80 {
            let text = char::from(byte).to_string();
            let borrowed = matches!(escape_html(&text), Cow::Borrowed(_));
            assert_eq!(borrowed, entity(byte).is_none(), "{byte:#x}");
        }
    }
}
