//! URL coding as `urllib.parse` does it with UTF-8 (docs/STRINGS.md, "URL coding"): `quote`
//! and `quote_plus`, `unquote` and `unquote_plus`, the component coding of `urlencode`, and
//! `parse_qsl`.
//!
//! Text arrives as UTF-8, or as WTF-8 when a Python `str` holds lone surrogates (encoded
//! with `surrogatepass`): `quote` refuses those (the binding raises urllib's
//! `UnicodeEncodeError`), while `unquote` and `parse_qsl` pass them through as urllib does,
//! so their byte-level forms copy every byte that is not part of an escape.

use std::borrow::Cow;

use memchr::memmem;

use super::fallible::{
    ascii_or_utf8, push_utf8_lossy, utf8_lossy, vec_with_capacity, Fallible, TryExtendBytes,
    TryPushItem,
};

/// The bytes `quote` leaves as they are: urllib's always-safe `A-Za-z0-9_.-~` and the ASCII
/// bytes of its `safe` argument (urllib drops non-ASCII ones).
#[derive(Clone, Debug)]
pub struct SafeSet([bool; 256]);

impl SafeSet {
    /// The set for urllib's `safe` argument given as bytes (a `str` as its UTF-8: non-ASCII
    /// characters are ignored either way).
    pub const fn new(safe: &[u8]) -> Self {
        let mut keep = [false; 256];
        let always = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~";
        let mut at = 0;
        while at < always.len() {
            keep[always[at] as usize] = true;
            at += 1;
        }
        at = 0;
        while at < safe.len() {
            if safe[at] < 0x80 {
                keep[safe[at] as usize] = true;
            }
            at += 1;
        }
        Self(keep)
    }

    #[inline]
    pub fn keeps(&self, byte: u8) -> bool {
        self.0[usize::from(byte)]
    }
}

/// `quote`'s default, `safe="/"`.
pub static PATH_SAFE: SafeSet = SafeSet::new(b"/");
/// `quote_plus`'s and `urlencode`'s default, `safe=""`.
pub static NOTHING_SAFE: SafeSet = SafeSet::new(b"");

const HEX_DIGITS: &[u8; 16] = b"0123456789ABCDEF";

/// `quote_from_bytes(bytes, safe)`, which is also `quote(s, safe)` of the UTF-8 of a `str`;
/// with `plus`, `quote_plus`: a space becomes `+` (even when `safe` has it, as in urllib,
/// which quotes with `safe + " "` and then replaces). Borrowed when nothing changes (the
/// bytes are ASCII then).
pub fn quote<'a>(bytes: &'a [u8], safe: &SafeSet, plus: bool) -> Fallible<Cow<'a, str>> {
    let Some(first) = bytes
        .iter()
        .position(|&byte| !safe.keeps(byte) || (plus && byte == b' '))
    else {
        return Ok(Cow::Borrowed(ascii_str(bytes)));
    };
    let mut out = String::new();
    out.try_reserve_exact(first + room_to_quote(&bytes[first..], safe, plus))?;
    out.push_str(ascii_str(&bytes[..first]));
    push_quoted(&mut out, &bytes[first..], safe, plus);
    Ok(Cow::Owned(out))
}

/// Below this many bytes, quoting reserves for the worst case (every byte `%XX`) at once;
/// above, it counts first, so that what it asks for is what it needs (a text close to the
/// memory limit quotes if its result fits). Counting cost a quarter more time on a 200-byte
/// path (callgrind, 8,000 instructions a call).
const QUOTED_WORST_CASE_BYTES: usize = 16 * 1024;

/// Room for `bytes` quoted: at least `quoted_len`.
fn room_to_quote(bytes: &[u8], safe: &SafeSet, plus: bool) -> usize {
    if bytes.len() <= QUOTED_WORST_CASE_BYTES {
        return 3 * bytes.len();
    }
    quoted_len(bytes, safe, plus)
}

/// The length of `bytes` quoted: 3 for each byte that becomes `%XX`, 1 for the others.
fn quoted_len(bytes: &[u8], safe: &SafeSet, plus: bool) -> usize {
    let escaped = bytes
        .iter()
        .filter(|&&byte| !(safe.keeps(byte) || (plus && byte == b' ')))
        .count();
    bytes.len().saturating_add(escaped.saturating_mul(2))
}

/// `quote` appended to `out`: for `urlencode`, which joins many quoted components. Room
/// for all of it is reserved first.
pub fn quote_into(out: &mut String, bytes: &[u8], safe: &SafeSet, plus: bool) -> Fallible<()> {
    out.try_reserve(room_to_quote(bytes, safe, plus))?;
    push_quoted(out, bytes, safe, plus);
    Ok(())
}

/// `bytes` quoted, appended to `out`, which has room for them (`quoted_len`).
fn push_quoted(out: &mut String, bytes: &[u8], safe: &SafeSet, plus: bool) {
    for &byte in bytes {
        if plus && byte == b' ' {
            out.push('+');
        } else if safe.keeps(byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
            out.push(char::from(HEX_DIGITS[usize::from(byte & 0xF)]));
        }
    }
}

/// Bytes known to be ASCII (a safe set holds nothing else) as `str`.
fn ascii_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("safe bytes are ASCII")
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// The byte of the escape `%XX` at the start of `bytes`, if there is one.
#[inline]
fn escape_at(bytes: &[u8]) -> Option<u8> {
    match bytes {
        [b'%', high, low, ..] => Some((hex_value(*high)? << 4) | hex_value(*low)?),
        _ => None,
    }
}

/// urllib's `unquote(s)` of a `str` (`errors="replace"`); with `plus`, `unquote_plus`.
/// Borrowed when there is nothing to decode.
///
/// urllib decodes each run of ASCII characters to bytes (`%XX` escapes) and those as UTF-8,
/// invalid sequences becoming U+FFFD one per maximal subpart (Python's "replace", which is
/// also `String::from_utf8_lossy`'s rule), and copies other characters. A literal ASCII
/// character cannot continue a UTF-8 sequence, so decoding each run of consecutive escapes
/// on its own, as here, gives the same text.
pub fn unquote(s: &str, plus: bool) -> Fallible<Cow<'_, str>> {
    Ok(match unquote_wtf8(s.as_bytes(), plus)? {
        Cow::Borrowed(_) => Cow::Borrowed(s),
        // Valid: escapes became valid UTF-8 and the rest was copied from a `str`.
        Cow::Owned(bytes) => Cow::Owned(ascii_or_utf8(bytes)),
    })
}

/// `unquote` of UTF-8 or WTF-8 text: every byte outside an escape is copied. The result is
/// never longer than `bytes` (an escape of 3 bytes gives 1 byte, or its share of a U+FFFD).
pub fn unquote_wtf8(bytes: &[u8], plus: bool) -> Fallible<Cow<'_, [u8]>> {
    let mut out = Vec::new();
    let mut copied = 0;
    let mut at = 0;
    let mut escaped = Vec::new();
    loop {
        let found = if plus {
            memchr::memchr2(b'%', b'+', &bytes[at..])
        } else {
            memchr::memchr(b'%', &bytes[at..])
        };
        let Some(offset) = found else { break };
        let start = at + offset;
        if bytes[start] == b'+' {
            out.try_extend_bytes(&bytes[copied..start])?;
            out.try_push(b' ')?;
            at = start + 1;
            copied = at;
            continue;
        }
        // A `%` not followed by two hex digits stays as it is.
        at = start + 1;
        if escape_at(&bytes[start..]).is_none() {
            continue;
        }
        escaped.clear();
        let mut end = start;
        while let Some(byte) = escape_at(&bytes[end..]) {
            escaped.try_push(byte)?;
            end += 3;
        }
        out.try_extend_bytes(&bytes[copied..start])?;
        push_utf8_lossy(&mut out, &escaped)?;
        at = end;
        copied = end;
    }
    if copied == 0 {
        return Ok(Cow::Borrowed(bytes));
    }
    out.try_extend_bytes(&bytes[copied..])?;
    Ok(Cow::Owned(out))
}

/// urllib's `unquote_to_bytes`: every `%XX` escape decoded, everything else copied.
pub fn unquote_to_bytes(bytes: &[u8]) -> Fallible<Cow<'_, [u8]>> {
    let Some(first) = memchr::memchr(b'%', bytes) else {
        return Ok(Cow::Borrowed(bytes));
    };
    // Never longer than `bytes`.
    let mut out = vec_with_capacity(bytes.len())?;
    out.extend_from_slice(&bytes[..first]);
    let mut at = first;
    while at < bytes.len() {
        if let Some(byte) = escape_at(&bytes[at..]) {
            out.push(byte);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    Ok(Cow::Owned(out))
}

/// urllib's `unquote(b)` of `bytes`: all of it unquoted, then decoded as UTF-8 with
/// replacement (unlike a `str`, raw non-ASCII bytes and escapes decode together).
pub fn unquote_bytes(bytes: &[u8]) -> Fallible<Cow<'_, str>> {
    utf8(unquote_to_bytes(bytes)?)
}

/// `1 + qs.count(separator)`: the number of fields urllib compares with `max_num_fields`
/// (for a non-empty `qs`; what an empty one counts depends on the Python version, see the
/// binding).
pub fn field_count(qs: &[u8], separator: &[u8]) -> usize {
    1 + memmem::find_iter(qs, separator).count()
}

/// A field without `=` under `strict_parsing`: urllib's `ValueError("bad query field: %r")`.
#[derive(Debug, PartialEq, Eq)]
pub struct BadField<'a>(pub &'a [u8]);

/// A name and a value, unquoted.
pub type Pair<'a> = (Cow<'a, [u8]>, Cow<'a, [u8]>);

/// A name and a value, unquoted, of text.
pub type TextPair<'a> = (Cow<'a, str>, Cow<'a, str>);

/// `parse_qsl(qs, keep_blank_values, strict_parsing, separator=separator)` of UTF-8 or WTF-8
/// text (the `max_num_fields` check is the caller's): `qs` split on every `separator`;
/// empty fields skipped (under `strict_parsing` they are bad fields); each field split at
/// its first `=`, a field without one being a name with an empty value under
/// `keep_blank_values`, a bad field under `strict_parsing` and skipped otherwise; pairs with
/// an empty value kept only under `keep_blank_values`; names and values `unquote_plus`ed.
///
/// The outer `Result` is memory, the inner one the text.
pub fn parse_qsl_wtf8<'a>(
    qs: &'a [u8],
    separator: &[u8],
    keep_blank_values: bool,
    strict_parsing: bool,
) -> Fallible<Result<Vec<Pair<'a>>, BadField<'a>>> {
    let mut pairs = Vec::new();
    if qs.is_empty() {
        return Ok(Ok(pairs));
    }
    let mut start = 0;
    let ends = memmem::find_iter(qs, separator).chain([qs.len()]);
    for end in ends {
        let field = &qs[start..end];
        start = end + separator.len();
        if field.is_empty() && !strict_parsing {
            continue;
        }
        let (name, value) = match memchr::memchr(b'=', field) {
            Some(at) => (&field[..at], &field[at + 1..]),
            None if strict_parsing => return Ok(Err(BadField(field))),
            None if keep_blank_values => (field, &field[field.len()..]),
            None => continue,
        };
        if !value.is_empty() || keep_blank_values {
            pairs.try_push((unquote_wtf8(name, true)?, unquote_wtf8(value, true)?))?;
        }
    }
    Ok(Ok(pairs))
}

/// `parse_qsl_wtf8` of a `str`'s UTF-8, giving text.
pub fn parse_qsl<'a>(
    qs: &'a str,
    separator: &str,
    keep_blank_values: bool,
    strict_parsing: bool,
) -> Fallible<Result<Vec<TextPair<'a>>, BadField<'a>>> {
    let pairs = match parse_qsl_wtf8(
        qs.as_bytes(),
        separator.as_bytes(),
        keep_blank_values,
        strict_parsing,
    )? {
        Ok(pairs) => pairs,
        Err(bad) => return Ok(Err(bad)),
    };
    let mut texts = vec_with_capacity(pairs.len())?;
    for (name, value) in pairs {
        texts.push((utf8(name)?, utf8(value)?));
    }
    Ok(Ok(texts))
}

/// Bytes as text, invalid UTF-8 replaced (`errors="replace"`).
fn utf8(bytes: Cow<'_, [u8]>) -> Fallible<Cow<'_, str>> {
    Ok(match bytes {
        Cow::Borrowed(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => Cow::Owned(utf8_lossy(bytes)?),
        },
        Cow::Owned(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Cow::Owned(text),
            Err(error) => Cow::Owned(utf8_lossy(error.as_bytes())?),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_like_urllib() {
        assert_eq!(
            quote(b"abc def/~", &PATH_SAFE, false).unwrap(),
            "abc%20def/~"
        );
        assert_eq!(quote(b"a b+c/", &NOTHING_SAFE, true).unwrap(), "a+b%2Bc%2F");
        assert_eq!(
            quote("é".as_bytes(), &NOTHING_SAFE, false).unwrap(),
            "%C3%A9",
            "UTF-8, upper-case hex"
        );
        assert_eq!(quote(b"a b", &SafeSet::new(b" "), true).unwrap(), "a+b");
        // Non-ASCII in safe is ignored.
        assert_eq!(
            quote("é".as_bytes(), &SafeSet::new("é".as_bytes()), false).unwrap(),
            "%C3%A9"
        );
        assert!(matches!(
            quote(b"plain-text_1.2~", &NOTHING_SAFE, false),
            Ok(Cow::Borrowed(_))
        ));
    }

    #[test]
    fn unquote_like_urllib() {
        assert_eq!(unquote("abc%20def", false).unwrap(), "abc def");
        assert_eq!(unquote("%7e/abc+def", true).unwrap(), "~/abc def");
        assert_eq!(unquote("%%41%4%4G%", false).unwrap(), "%A%4%4G%");
        assert_eq!(unquote("%C3%A9", false).unwrap(), "é");
        // Invalid UTF-8: one U+FFFD per maximal subpart.
        assert_eq!(unquote("%C3%28", false).unwrap(), "\u{FFFD}(");
        assert_eq!(unquote("%E0%80%41", false).unwrap(), "\u{FFFD}\u{FFFD}A");
        assert_eq!(unquote("%F0%9F%98", false).unwrap(), "\u{FFFD}");
        // A literal character ends a sequence: urllib decodes runs of ASCII characters.
        assert_eq!(unquote("%C3a%A9", false).unwrap(), "\u{FFFD}a\u{FFFD}");
        assert_eq!(unquote("%C3é%A9", false).unwrap(), "\u{FFFD}é\u{FFFD}");
        assert!(matches!(unquote("no escapes", false), Ok(Cow::Borrowed(_))));
        // bytes: decoded as a whole.
        assert_eq!(unquote_bytes(b"\xC3%A9").unwrap(), "é");
        assert_eq!(unquote_bytes(b"\xC3").unwrap(), "\u{FFFD}");
    }

    #[test]
    fn parse_qsl_like_urllib() {
        let parse = |qs, keep, strict| {
            parse_qsl(qs, "&", keep, strict).unwrap().map(|pairs| {
                pairs
                    .into_iter()
                    .map(|(name, value)| (name.into_owned(), value.into_owned()))
                    .collect::<Vec<_>>()
            })
        };
        let pair = |name: &str, value: &str| (name.to_owned(), value.to_owned());
        assert_eq!(
            parse("a=1&b=%20x+y&&c&d=", false, false),
            Ok(vec![pair("a", "1"), pair("b", " x y")])
        );
        assert_eq!(
            parse("a=1&b=%20x+y&&c&d=", true, false),
            Ok(vec![
                pair("a", "1"),
                pair("b", " x y"),
                pair("c", ""),
                pair("d", "")
            ])
        );
        assert_eq!(parse("a=1=2", false, false), Ok(vec![pair("a", "1=2")]));
        assert_eq!(parse("a=1&&b=2", false, true), Err(BadField(b"")));
        assert_eq!(parse("a=1&b", false, true), Err(BadField(b"b")));
        assert_eq!(parse("", false, true), Ok(vec![]));
        assert_eq!(field_count(b"a;b;;c", b";"), 4);
        assert_eq!(
            field_count(b"a&&&b", b"&&"),
            2,
            "non-overlapping, as str.count"
        );
    }
}
