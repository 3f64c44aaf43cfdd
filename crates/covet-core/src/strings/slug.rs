//! python-slugify's default ("legacy") pipeline, step for step (docs/STRINGS.md, "slugify"),
//! with `translit` in place of text-unidecode.
//!
//! Each step is a pass over the text, as in python-slugify: the order matters (entities
//! are decoded after transliteration, so `&eacute;` is decoded too late to become `e` and
//! turns into a separator, exactly as there). Passes that find nothing to change borrow.

use std::borrow::Cow;
use std::collections::HashSet;

use super::entities::HTML4_ENTITIES;
use super::fallible::{self, owned, string_with_capacity, Fallible, TryPush};
use super::translit::transliterate;
use super::unicode::{is_alnum, is_decimal, lower, nfkc, nfkd};

/// Stands for a decoded `&#55296;`: Python would hold a lone surrogate there, which no Rust
/// string can. Like a surrogate it is not alnum, has no case and no decomposition, so it
/// ends up inside a separator run exactly as the surrogate does.
const SURROGATE_STAND_IN: char = '\u{FFFD}';

/// The options of `slugify`, with python-slugify's defaults.
#[derive(Debug, Clone)]
#[allow(clippy::struct_excessive_bools)] // python-slugify's flags, one for one
pub struct SlugOptions<'a> {
    pub entities: bool,
    pub decimal: bool,
    pub hexadecimal: bool,
    /// Characters; 0 or less means no limit.
    pub max_length: i64,
    pub word_boundary: bool,
    pub save_order: bool,
    pub separator: &'a str,
    pub stopwords: &'a [&'a str],
    pub replacements: &'a [(&'a str, &'a str)],
    pub lowercase: bool,
    pub allow_unicode: bool,
}

impl Default for SlugOptions<'_> {
    fn default() -> Self {
        Self {
            entities: true,
            decimal: true,
            hexadecimal: true,
            max_length: 0,
            word_boundary: false,
            save_order: false,
            separator: "-",
            stopwords: &[],
            replacements: &[],
            lowercase: true,
            allow_unicode: false,
        }
    }
}

/// A slug of `text`.
pub fn slugify(text: &str, options: &SlugOptions<'_>) -> Fallible<String> {
    let mut text = Cow::Borrowed(text);
    replace_all(&mut text, options.replacements)?;
    step(&mut text, apostrophe_runs_to_dash)?;
    if options.allow_unicode {
        step(&mut text, nfkc)?;
    } else {
        step(&mut text, nfkd)?;
        step(&mut text, transliterate)?;
    }
    if options.entities {
        step(&mut text, decode_named)?;
    }
    if options.decimal {
        step(&mut text, |text| decode_numeric(text, Radix::Decimal))?;
    }
    if options.hexadecimal {
        step(&mut text, |text| decode_numeric(text, Radix::Hex))?;
    }
    step(&mut text, if options.allow_unicode { nfkc } else { nfkd })?;
    if options.lowercase {
        step(&mut text, lower)?;
    }
    let mut text = Cow::Owned(clean(&text, options.allow_unicode)?);
    if !options.stopwords.is_empty() {
        text = Cow::Owned(drop_stopwords(&text, options.stopwords, options.lowercase)?);
    }
    replace_all(&mut text, options.replacements)?;
    let text = if options.max_length > 0 {
        smart_truncate(
            &text,
            options.max_length,
            options.word_boundary,
            options.save_order,
        )?
    } else {
        text.into_owned()
    };
    if options.separator == "-" {
        Ok(text)
    } else {
        fallible::replace(&text, "-", options.separator)
    }
}

/// Applies one pass; a pass borrows exactly when it changes nothing, so the text is then
/// kept as it is (no copy).
fn step(text: &mut Cow<'_, str>, pass: impl Fn(&str) -> Fallible<Cow<'_, str>>) -> Fallible<()> {
    if let Cow::Owned(changed) = pass(text)? {
        *text = Cow::Owned(changed);
    }
    Ok(())
}

/// `text.replace(old, new)` for each pair in order (Python's `str.replace`: an empty `old`
/// inserts `new` around every character, as Rust's does).
fn replace_all(text: &mut Cow<'_, str>, replacements: &[(&str, &str)]) -> Fallible<()> {
    for &(old, new) in replacements {
        if old.is_empty() || text.contains(old) {
            *text = Cow::Owned(fallible::replace(text, old, new)?);
        }
    }
    Ok(())
}

/// `re.sub(r"[']+", "-", text)`.
fn apostrophe_runs_to_dash(text: &str) -> Fallible<Cow<'_, str>> {
    if !text.contains('\'') {
        return Ok(Cow::Borrowed(text));
    }
    // Never longer than the text.
    let mut out = string_with_capacity(text.len())?;
    let mut in_run = false;
    for c in text.chars() {
        if c == '\'' {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    Ok(Cow::Owned(out))
}

/// `&name;` for the HTML 4 names, in one left-to-right pass (a decoded `&` does not start a
/// new reference, as with `re.sub`).
fn decode_named(text: &str) -> Fallible<Cow<'_, str>> {
    if !text.contains('&') {
        return Ok(Cow::Borrowed(text));
    }
    // Never longer than the text: a reference is longer than the character it stands for.
    let mut out = string_with_capacity(text.len())?;
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        // Names are at most 8 ASCII letters and digits and cannot contain ';', so the only
        // candidate is the text up to the next ';'.
        let decoded = after.find(';').filter(|&end| end <= 8).and_then(|end| {
            let name = &after[..end];
            HTML4_ENTITIES
                .binary_search_by(|(known, _)| known.cmp(&name))
                .ok()
                .map(|at| (end, HTML4_ENTITIES[at].1))
        });
        if let Some((end, code)) = decoded {
            out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            rest = &after[end + 1..];
        } else {
            out.push('&');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Radix {
    /// `&#(\d+);`
    Decimal,
    /// `&#x([\da-fA-F]+);` (lower-case `x` only, as python-slugify's legacy pattern)
    Hex,
}

/// The value of a digit of `re`'s `\d` (any Unicode decimal digit, which Python's `int()`
/// accepts too). Decimal digits come in runs of ten from 0, and the runs that touch (the
/// mathematical digits) start at a multiple of ten from the first, so the digit's value
/// is its distance from the start of its run of Nd characters, modulo ten.
fn decimal_digit_value(c: char) -> u32 {
    if c.is_ascii_digit() {
        return u32::from(c) - u32::from('0');
    }
    let mut start = u32::from(c);
    while start > 0 && char::from_u32(start - 1).is_some_and(is_decimal) {
        start -= 1;
    }
    (u32::from(c) - start) % 10
}

/// A reference found by `scan_reference`: its length in bytes after `&#`, and its value
/// (`None` when larger than any code point, where Python's `chr` raises).
struct Reference {
    len: usize,
    value: Option<u32>,
}

/// Reads the digits and `;` of a `&#` reference starting at `after` (just past `&#`).
fn scan_reference(after: &str, radix: Radix) -> Option<Reference> {
    let (digits_at, base) = match radix {
        Radix::Decimal => (0, 10u64),
        Radix::Hex => (usize::from(after.starts_with('x')), 16),
    };
    if radix == Radix::Hex && digits_at == 0 {
        return None;
    }
    let digits = &after[digits_at..];
    let mut value: Option<u64> = Some(0);
    let mut end = 0;
    for (at, c) in digits.char_indices() {
        let digit = if is_decimal(c) {
            decimal_digit_value(c)
        } else if radix == Radix::Hex && c.is_ascii_hexdigit() {
            c.to_digit(16).expect("a hex digit")
        } else {
            end = at;
            break;
        };
        value = value
            .and_then(|v| v.checked_mul(base))
            .and_then(|v| v.checked_add(u64::from(digit)))
            .filter(|&v| v <= 0x10_FFFF);
        end = at + c.len_utf8();
    }
    if end == 0 || !digits[end..].starts_with(';') {
        return None;
    }
    Some(Reference {
        len: digits_at + end + 1,
        value: value.and_then(|v| u32::try_from(v).ok()),
    })
}

/// `re.sub` of one kind of numeric reference with `chr(int(digits, base))`. As in
/// python-slugify, one value beyond U+10FFFF makes `chr` raise, which cancels the whole
/// substitution: every reference of this kind is then left as it is.
fn decode_numeric(text: &str, radix: Radix) -> Fallible<Cow<'_, str>> {
    if !text.contains("&#") {
        return Ok(Cow::Borrowed(text));
    }
    // Never longer than the text: `&#1;` is 4 bytes, a character at most 4.
    let mut out = string_with_capacity(text.len())?;
    let mut rest = text;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match scan_reference(after, radix) {
            Some(Reference { value: None, .. }) => return Ok(Cow::Borrowed(text)),
            Some(Reference {
                len,
                value: Some(code),
            }) => {
                out.push(char::from_u32(code).unwrap_or(SURROGATE_STAND_IN));
                rest = &after[len..];
            }
            None => {
                out.push('&');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// Steps 6 and 7: apostrophes removed, `,` between two decimal digits removed, runs of
/// disallowed characters (`[^-a-zA-Z0-9]`, or `[\W_]` with `allow_unicode`) to one `-`,
/// runs of `-` collapsed, `-` stripped at both ends.
fn clean(text: &str, allow_unicode: bool) -> Fallible<String> {
    let unquoted: Cow<'_, str> = if text.contains('\'') {
        Cow::Owned(fallible::replace(text, "'", "")?)
    } else {
        Cow::Borrowed(text)
    };
    // Never longer than the text: each kept character once, at most one `-` before it.
    let mut out = string_with_capacity(unquoted.len())?;
    let mut pending_dash = false;
    let mut previous: Option<char> = None;
    let mut chars = unquoted.chars().peekable();
    while let Some(c) = chars.next() {
        let between_digits = c == ','
            && previous.is_some_and(is_decimal)
            && chars.peek().copied().is_some_and(is_decimal);
        previous = Some(c);
        if between_digits {
            continue;
        }
        let allowed = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            allow_unicode && is_alnum(c)
        };
        if allowed {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else {
            // Disallowed runs and dashes alike become one separator, never at the ends.
            pending_dash = true;
        }
    }
    Ok(out)
}

/// Words (split on `-`) that are stopwords dropped. The stopwords go in a hash set, so the
/// cost is one lookup per word whatever their number (a scan of the list for every word
/// took 0.6 s for 30,000 words against 30,000 stopwords).
fn drop_stopwords(text: &str, stopwords: &[&str], lowercase: bool) -> Fallible<String> {
    let mut lowered: Vec<Cow<'_, str>> = Vec::new();
    if lowercase {
        lowered.try_reserve(stopwords.len())?;
        for word in stopwords {
            lowered.push(lower(word)?);
        }
    }
    let mut excluded: HashSet<&str, ahash::RandomState> =
        HashSet::with_hasher(ahash::RandomState::new());
    excluded.try_reserve(stopwords.len())?;
    if lowercase {
        excluded.extend(lowered.iter().map(AsRef::as_ref));
    } else {
        excluded.extend(stopwords.iter().copied());
    }
    // Never longer than the text.
    let mut out = string_with_capacity(text.len())?;
    let mut first = true;
    for word in text.split('-').filter(|word| !excluded.contains(word)) {
        if !first {
            out.push('-');
        }
        first = false;
        out.push_str(word);
    }
    Ok(out)
}

/// The first `n` characters of `text`.
fn prefix_chars(text: &str, n: usize) -> &str {
    text.char_indices()
        .nth(n)
        .map_or(text, |(at, _)| &text[..at])
}

/// python-slugify's `smart_truncate` with `-` as the separator; lengths in characters.
fn smart_truncate(
    text: &str,
    max_length: i64,
    word_boundary: bool,
    save_order: bool,
) -> Fallible<String> {
    let max_length = usize::try_from(max_length).unwrap_or(usize::MAX);
    let text = text.trim_matches('-');
    if text.chars().count() < max_length {
        return owned(text);
    }
    if !word_boundary {
        return owned(prefix_chars(text, max_length).trim_matches('-'));
    }
    if !text.contains('-') {
        return owned(prefix_chars(text, max_length));
    }
    // Never longer than the text.
    let mut truncated = string_with_capacity(text.len())?;
    let mut truncated_len = 0;
    for word in text.split('-').filter(|word| !word.is_empty()) {
        let word_len = word.chars().count();
        let next_len = truncated_len + word_len;
        if next_len < max_length {
            truncated.try_push_str(word)?;
            truncated.try_push('-')?;
            truncated_len = next_len + 1;
        } else if next_len == max_length {
            truncated.try_push_str(word)?;
            break;
        } else if save_order {
            break;
        }
    }
    if truncated.is_empty() {
        return owned(prefix_chars(text, max_length).trim_matches('-'));
    }
    let kept = truncated.trim_matches('-').len();
    if kept == truncated.len() {
        return Ok(truncated);
    }
    owned(truncated.trim_matches('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(text: &str) -> String {
        slugify(text, &SlugOptions::default()).unwrap()
    }

    #[test]
    fn python_slugify_examples() {
        assert_eq!(slug("This is a test ---"), "this-is-a-test");
        assert_eq!(slug("影師嗎"), "ying-shi-ma");
        assert_eq!(slug("C'est déjà l'été."), "c-est-deja-l-ete");
        assert_eq!(slug("Компьютер"), "kompiuter");
        assert_eq!(slug("jaja---lol-méméméoo--a"), "jaja-lol-mememeoo-a");
        assert_eq!(slug("10 | 20 %"), "10-20");
        assert_eq!(slug("1,000 reasons you are #1"), "1000-reasons-you-are-1");
        assert_eq!(slug("foo &amp; bar"), "foo-bar");
        assert_eq!(slug("&#x41;&#66;"), "ab");
    }

    #[test]
    fn out_of_range_reference_cancels_its_kind() {
        assert_eq!(slug("&#65; &#1114112;"), "65-1114112");
        assert_eq!(slug("&#x41; &#1114112;"), "a-1114112");
        assert_eq!(slug("&#55296;x"), "x");
    }

    #[test]
    fn options() {
        let stop = ["The", "a"];
        let options = SlugOptions {
            stopwords: &stop,
            separator: "_",
            ..SlugOptions::default()
        };
        assert_eq!(slugify("The quick a fox", &options).unwrap(), "quick_fox");
        let options = SlugOptions {
            max_length: 9,
            word_boundary: true,
            ..SlugOptions::default()
        };
        assert_eq!(slugify("one two three", &options).unwrap(), "one-two");
        let options = SlugOptions {
            allow_unicode: true,
            ..SlugOptions::default()
        };
        assert_eq!(
            slugify("Ñandú_über Straße", &options).unwrap(),
            "ñandú-über-straße"
        );
    }

    #[test]
    fn unicode_decimal_digits() {
        assert_eq!(decimal_digit_value('\u{0663}'), 3);
        assert_eq!(decimal_digit_value('\u{1D7D8}'), 0); // double-struck zero
        assert_eq!(decimal_digit_value('\u{1D7E1}'), 9);
    }
}
