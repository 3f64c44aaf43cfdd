//! Case conversion exactly as pyhumps 3.8 does it (docs/STRINGS.md, "Case conversion"):
//! `decamelize`, `camelize`, `pascalize` and `kebabize` of a `str`.
//!
//! pyhumps is a few regular expressions applied one after the other. Each is hand-coded here
//! as a scan with the same matches (`[A-Z]` is ASCII only, `\d` any Unicode decimal digit,
//! `\s` `str.isspace()`), applied in the same order, so its quirks come out the same:
//! `"a_B"` -> `"a__b"`, `"ALL_CAPS"` unchanged but kebabized to `"ALL-CAPS"`, `"ßa"`
//! pascalized to `"SSa"`. The snake and kebab forms of ASCII text, nearly every key of a real
//! document, are one pass; the tests check that pass against the step-by-step route.

use std::borrow::Cow;

use super::fallible::{
    ascii_or_utf8, owned, string_with_capacity, vec_with_capacity, Fallible, TryPush,
};
use super::unicode;

/// The target case; each is one pyhumps function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `decamelize`: `someHTTPRequestId` -> `some_http_request_id`.
    Snake,
    /// `camelize`: `some_value` -> `someValue`.
    Camel,
    /// `pascalize`: `some_value` -> `SomeValue`.
    Pascal,
    /// `kebabize`: `someValue` -> `some-value`.
    Kebab,
}

/// `s` converted to `case` as pyhumps converts a `str`. Borrowed when the result is `s`
/// itself, in particular when pyhumps returns its argument unchanged: after whitespace is
/// removed, the text is all upper case or numeric (for `Kebab`, numeric only); then `s` is
/// returned as it was, whitespace included.
pub fn convert(s: &str, case: Case) -> Fallible<Cow<'_, str>> {
    // pyhumps' `_is_none`: `re.sub(r"\s+", "", s)`, then its early returns.
    let (text, upper, numeric) = if s.is_ascii() {
        let shape = AsciiShape::of(s.as_bytes());
        let text = if shape.space {
            Cow::Owned(remove_space(s)?)
        } else {
            Cow::Borrowed(s)
        };
        let numeric = !text.is_empty() && shape.digits;
        (text, shape.upper, numeric)
    } else {
        let text = if s.chars().any(unicode::is_space) {
            Cow::Owned(remove_space(s)?)
        } else {
            Cow::Borrowed(s)
        };
        let upper = unicode::str_is_upper(&text);
        let numeric = unicode::str_is_numeric(&text);
        (text, upper, numeric)
    };
    if numeric || (upper && case != Case::Kebab) {
        return Ok(Cow::Borrowed(s));
    }
    let converted = then(
        text,
        match case {
            Case::Snake => separate_lower::<b'_'>,
            Case::Camel => camelize,
            Case::Pascal => pascalize,
            Case::Kebab => kebabize,
        },
    )?;
    // Some steps undo each other (pascalize lowers the first letter, then upper-cases it):
    // text already in the target case comes back as `s`, and the caller's object with it.
    Ok(match converted {
        Cow::Owned(text) if text == s => Cow::Borrowed(s),
        converted => converted,
    })
}

/// What one pass over ASCII text tells about it.
struct AsciiShape {
    space: bool,
    /// `str.isupper()` once whitespace is removed.
    upper: bool,
    /// Only digits and whitespace (`str.isnumeric()` once whitespace is removed, if that
    /// leaves something).
    digits: bool,
}

impl AsciiShape {
    #[inline]
    fn of(bytes: &[u8]) -> Self {
        let (mut space, mut upper, mut lower, mut other) = (false, false, false, false);
        for &byte in bytes {
            match byte {
                b'0'..=b'9' => {}
                b'A'..=b'Z' => upper = true,
                b'a'..=b'z' => lower = true,
                b'\t'..=b'\r' | 0x1c..=0x1f | b' ' => space = true,
                _ => other = true,
            }
        }
        Self {
            space,
            upper: upper && !lower,
            digits: !(upper || lower || other),
        }
    }
}

fn remove_space(s: &str) -> Fallible<String> {
    // Never longer than `s`.
    let mut out = string_with_capacity(s.len())?;
    out.extend(s.chars().filter(|&c| !unicode::is_space(c)));
    Ok(out)
}

/// A step of a conversion: borrowed when it changes nothing.
type Step = fn(&str) -> Fallible<Cow<'_, str>>;

/// `step` applied to `text`, keeping `text`'s lifetime. Every step returns `Borrowed` only
/// for its whole input unchanged, so an owned `text` is kept then.
fn then(text: Cow<'_, str>, step: Step) -> Fallible<Cow<'_, str>> {
    Ok(match text {
        Cow::Borrowed(text) => step(text)?,
        Cow::Owned(text) => match step(&text)? {
            Cow::Borrowed(_) => Cow::Owned(text),
            Cow::Owned(changed) => Cow::Owned(changed),
        },
    })
}

#[inline]
fn is_separator(byte: u8) -> bool {
    byte == b'-' || byte == b'_'
}

/// `[A-Z\d]` of pyhumps' `ACRONYM_RE`, for `str` patterns.
#[inline]
fn is_acronym(c: char) -> bool {
    c.is_ascii_uppercase() || unicode::is_decimal(c)
}

/// `_separate_words(_fix_abbreviations(t), SEP).lower()`: the snake (`_`) and kebab (`-`)
/// forms, once the early returns are past.
fn separate_lower<const SEP: u8>(t: &str) -> Fallible<Cow<'_, str>> {
    if t.is_ascii() {
        return separate_lower_ascii(t, SEP);
    }
    separate_lower_steps::<SEP>(t)
}

/// `separate_lower` step by step, as pyhumps does it.
fn separate_lower_steps<const SEP: u8>(t: &str) -> Fallible<Cow<'_, str>> {
    then(
        then(fix_abbreviations(t)?, separate_words::<SEP>)?,
        unicode::lower,
    )
}

/// `separate_lower` of ASCII text in one pass. Every `A-Z` starts a word except the ones
/// `_fix_abbreviations` lowers; those are the rule of `lowered_by_title` below, which only
/// looks at the neighbours.
fn separate_lower_ascii(t: &str, separator: u8) -> Fallible<Cow<'_, str>> {
    let bytes = t.as_bytes();
    let Some(first) = bytes.iter().position(u8::is_ascii_uppercase) else {
        // No word starts: lowering changes nothing either.
        return Ok(Cow::Borrowed(t));
    };
    let mut out = vec_with_capacity(separated_len(bytes))?;
    // The first word takes the `-`/`_` run before it, and the separator goes before that run
    // (`SPLIT_RE`'s leading `[\-_]*`): "ab__Cd" -> "ab" + "_" + "__cd".
    let word_start = bytes[..first]
        .iter()
        .rposition(|&byte| !is_separator(byte))
        .map_or(0, |at| at + 1);
    out.extend_from_slice(&bytes[..word_start]);
    if word_start > 0 {
        out.push(separator);
    }
    out.extend_from_slice(&bytes[word_start..first]);
    out.push(bytes[first].to_ascii_lowercase());
    for at in first + 1..bytes.len() {
        let byte = bytes[at];
        if byte.is_ascii_uppercase() {
            let next = bytes.get(at + 1).copied();
            if !lowered_by_title(bytes[at - 1], next) {
                out.push(separator);
            }
            out.push(byte.to_ascii_lowercase());
        } else {
            out.push(byte);
        }
    }
    Ok(Cow::Owned(ascii_or_utf8(out)))
}

/// Room for `bytes` with words separated: a separator before each `A-Z` at most, and one
/// before the first word's run. Short text (keys) reserves that for every byte rather than
/// count (a pass over each key cost the *_keys conversions 5% more); long text counts.
fn separated_len(bytes: &[u8]) -> usize {
    const COUNTED_FROM: usize = 16 * 1024;
    if bytes.len() < COUNTED_FROM {
        return 2 * bytes.len() + 1;
    }
    bytes.len()
        + bytes
            .iter()
            .filter(|byte| byte.is_ascii_uppercase())
            .count()
        + 1
}

/// Whether `_fix_abbreviations` lowers an `A-Z` between `previous` and `next` (`None`: the
/// end). `ACRONYM_RE` (`([A-Z\d]+)(?=[A-Z\d]|$)`) matches every run of `[A-Z\d]` but its
/// last character, or the whole run at the end of the text, and title-cases the match: a
/// letter after a letter of the match is lowered. So a letter is lowered when the one before
/// it is `A-Z` and it is not the last of its run, or the run ends the text.
#[inline]
fn lowered_by_title(previous: u8, next: Option<u8>) -> bool {
    previous.is_ascii_uppercase()
        && next.is_none_or(|next| next.is_ascii_uppercase() || next.is_ascii_digit())
}

/// `_fix_abbreviations`: `ACRONYM_RE.sub(lambda m: m.group(0).title(), s)`. Only `A-Z`
/// letters change (to lower case, same length); see `lowered_by_title`.
fn fix_abbreviations(s: &str) -> Fallible<Cow<'_, str>> {
    let mut out: Option<String> = None;
    let mut previous_upper = false;
    let mut chars = s.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let upper = c.is_ascii_uppercase();
        if upper && previous_upper && chars.peek().is_none_or(|&(_, next)| is_acronym(next)) {
            let copy = match &mut out {
                Some(copy) => copy,
                None => out.insert(owned(s)?),
            };
            // An ASCII letter, lowered in place: same length, still UTF-8.
            if let Some(letter) = copy.get_mut(at..=at) {
                letter.make_ascii_lowercase();
            }
        }
        previous_upper = upper;
    }
    Ok(out.map_or(Cow::Borrowed(s), Cow::Owned))
}

/// `SEP.join(w for w in SPLIT_RE.split(s) if w)`, `SPLIT_RE` being
/// `([\-_]*[A-Z][^A-Z]*[\-_]*)`: a word starts at every `A-Z`, the first one with the
/// `-`/`_` run before it.
fn separate_words<const SEP: u8>(s: &str) -> Fallible<Cow<'_, str>> {
    let bytes = s.as_bytes();
    let Some(first) = bytes.iter().position(u8::is_ascii_uppercase) else {
        return Ok(Cow::Borrowed(s));
    };
    let separator = char::from(SEP);
    let word_start = bytes[..first]
        .iter()
        .rposition(|&byte| !is_separator(byte))
        .map_or(0, |at| at + 1);
    let mut out = string_with_capacity(separated_len(bytes))?;
    out.push_str(&s[..word_start]);
    if word_start > 0 {
        out.push(separator);
    }
    out.push_str(&s[word_start..=first]);
    for c in s[first + 1..].chars() {
        if c.is_ascii_uppercase() {
            out.push(separator);
        }
        out.push(c);
    }
    Ok(Cow::Owned(out))
}

/// `camelize` past its early returns: the first character lowered unless the first two are
/// upper case (`s[:2].isupper()`), then `-`/`_` runs inside the text dropped, upper-casing
/// the character after each.
fn camelize(s: &str) -> Fallible<Cow<'_, str>> {
    then(lower_first(s)?, underscore_upper)
}

/// `pascalize` past its early returns: the first character of every run of characters other
/// than `-`/`_` upper-cased (`PASCAL_RE`), then `camelize` of that (with its own early
/// returns), then the first character upper-cased.
fn pascalize(s: &str) -> Fallible<Cow<'_, str>> {
    if s.is_ascii() {
        return pascalize_ascii(s);
    }
    pascalize_steps(s)
}

/// `pascalize` step by step, as pyhumps does it.
fn pascalize_steps(s: &str) -> Fallible<Cow<'_, str>> {
    let words = pascal_words(s)?;
    let camel = if unicode::str_is_upper(&words) || unicode::str_is_numeric(&words) {
        words
    } else {
        then(words, camelize)?
    };
    then(camel, upper_first)
}

/// `pascalize` of ASCII text in one pass. With ASCII case mappings the steps simplify: the
/// first letter of every word is upper-cased; camelize lowers the first character and the
/// last step upper-cases it again; the words are joined (inner `-`/`_` runs dropped) unless
/// the text is upper case by then, when camelize returns it as it is.
fn pascalize_ascii(s: &str) -> Fallible<Cow<'_, str>> {
    let mut words = owned(s)?.into_bytes();
    let (mut upper, mut lower) = (false, false);
    let mut after_separator = true;
    for byte in &mut words {
        if is_separator(*byte) {
            after_separator = true;
            continue;
        }
        if after_separator {
            byte.make_ascii_uppercase();
        }
        after_separator = false;
        upper |= byte.is_ascii_uppercase();
        lower |= byte.is_ascii_lowercase();
    }
    let upper_case = upper && !lower;
    if !upper_case {
        // Drop every `-`/`_` run with a character on both sides.
        let first_word = words.iter().position(|&byte| !is_separator(byte));
        let last_word = words.iter().rposition(|&byte| !is_separator(byte));
        if let (Some(first_word), Some(last_word)) = (first_word, last_word) {
            let mut kept = first_word;
            for at in first_word..words.len() {
                if at > last_word || !is_separator(words[at]) {
                    words[kept] = words[at];
                    kept += 1;
                }
            }
            words.truncate(kept);
        }
    }
    Ok(Cow::Owned(ascii_or_utf8(words)))
}

/// `kebabize` past its early return: text that is not upper case and that `camelize` or
/// `pascalize` leaves unchanged is split into words like `decamelize` does; anything else
/// only has its inner `-`/`_` runs made a single `-`.
fn kebabize(s: &str) -> Fallible<Cow<'_, str>> {
    if !unicode::str_is_upper(s) && (camelize(s)? == s || pascalize(s)? == s) {
        return separate_lower::<b'-'>(s);
    }
    underscore_sub(s, false)
}

/// `s[0].lower() + s[1:]` unless `s[:2].isupper()`.
fn lower_first(s: &str) -> Fallible<Cow<'_, str>> {
    let Some(first) = s.chars().next() else {
        return Ok(Cow::Borrowed(s));
    };
    let two = s.char_indices().nth(2).map_or(s.len(), |(at, _)| at);
    if unicode::str_is_upper(&s[..two]) || unicode::lower_char(first).eq([first]) {
        return Ok(Cow::Borrowed(s));
    }
    let mut out = string_with_capacity(s.len() + 4)?;
    out.try_extend(unicode::lower_char(first))?;
    out.try_push_str(&s[first.len_utf8()..])?;
    Ok(Cow::Owned(out))
}

/// `s[0].upper() + s[1:]` (`ß` -> `SS`).
fn upper_first(s: &str) -> Fallible<Cow<'_, str>> {
    let Some(first) = s.chars().next() else {
        return Ok(Cow::Borrowed(s));
    };
    if unicode::upper_char(first).eq([first]) {
        return Ok(Cow::Borrowed(s));
    }
    let mut out = string_with_capacity(s.len() + 8)?;
    out.try_extend(unicode::upper_char(first))?;
    out.try_push_str(&s[first.len_utf8()..])?;
    Ok(Cow::Owned(out))
}

/// `PASCAL_RE.sub(...)`, `([^\-_]+)`: the first character of every run of characters other
/// than `-`/`_` upper-cased.
fn pascal_words(s: &str) -> Fallible<Cow<'_, str>> {
    let mut out = String::new();
    let mut copied = 0;
    let mut after_separator = true;
    for (at, c) in s.char_indices() {
        if c == '-' || c == '_' {
            after_separator = true;
            continue;
        }
        if after_separator && !unicode::upper_char(c).eq([c]) {
            out.try_push_str(&s[copied..at])?;
            out.try_extend(unicode::upper_char(c))?;
            copied = at + c.len_utf8();
        }
        after_separator = false;
    }
    if copied == 0 {
        return Ok(Cow::Borrowed(s));
    }
    out.try_push_str(&s[copied..])?;
    Ok(Cow::Owned(out))
}

fn underscore_upper(s: &str) -> Fallible<Cow<'_, str>> {
    underscore_sub(s, true)
}

/// `UNDERSCORE_RE.sub(...)`, `(?<=[^\-_])[\-_]+[^\-_]`: a `-`/`_` run with a character on
/// each side is replaced, with the character after it, by that character upper-cased
/// (`upper`, camelize) or by `-` and that character (kebabize). Runs at either end stay.
fn underscore_sub(s: &str, upper: bool) -> Fallible<Cow<'_, str>> {
    let bytes = s.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|&byte| is_separator(byte)) {
        let start = at + offset;
        let end = start
            + bytes[start..]
                .iter()
                .position(|&byte| !is_separator(byte))
                .unwrap_or(bytes.len() - start);
        // The run is maximal: the character before it, if any, is not a separator.
        let Some(next) = s[end..].chars().next() else {
            break;
        };
        at = end;
        if start == 0 {
            continue;
        }
        if copied == 0 {
            // Room for the text at once (the result is about as long), not by doubling.
            out.try_reserve(s.len())?;
        }
        out.try_push_str(&s[copied..start])?;
        if upper {
            out.try_extend(unicode::upper_char(next))?;
        } else {
            out.try_push('-')?;
            out.try_push(next)?;
        }
        at = end + next.len_utf8();
        copied = at;
    }
    if copied == 0 {
        return Ok(Cow::Borrowed(s));
    }
    out.try_push_str(&s[copied..])?;
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(s: &str) -> [String; 4] {
        [Case::Snake, Case::Camel, Case::Pascal, Case::Kebab]
            .map(|case| convert(s, case).unwrap().into())
    }

    /// Outputs of pyhumps 3.8 (decamelize, camelize, pascalize, kebabize).
    #[test]
    fn pyhumps_examples() {
        let cases: &[(&str, [&str; 4])] = &[
            (
                "someHTTPRequestId",
                [
                    "some_http_request_id",
                    "someHTTPRequestId",
                    "SomeHTTPRequestId",
                    "some-http-request-id",
                ],
            ),
            ("ALL_CAPS", ["ALL_CAPS", "ALL_CAPS", "ALL_CAPS", "ALL-CAPS"]),
            ("ALL CAPS", ["ALL CAPS", "ALL CAPS", "ALL CAPS", "ALLCAPS"]),
            ("_leading", ["_leading", "_leading", "_Leading", "_leading"]),
            (
                "trailing_",
                ["trailing_", "trailing_", "Trailing_", "trailing_"],
            ),
            ("__a_b__", ["__a_b__", "__aB__", "__A_B__", "__a-b__"]),
            ("a_B_C", ["a__b__c", "aBC", "A_B_C", "a-B-C"]),
            ("ab__Cd", ["ab___cd", "abCd", "AbCd", "ab-Cd"]),
            (
                "some_Value",
                ["some__value", "someValue", "SomeValue", "some-Value"],
            ),
            ("foo--bar", ["foo--bar", "fooBar", "FooBar", "foo-bar"]),
            (
                "someValue",
                ["some_value", "someValue", "SomeValue", "some-value"],
            ),
            (
                "some_value",
                ["some_value", "someValue", "SomeValue", "some-value"],
            ),
            (
                "some-value",
                ["some-value", "someValue", "SomeValue", "some-value"],
            ),
            ("a  B", ["a_b", "aB", "AB", "a-b"]),
            ("HTTP2X", ["HTTP2X", "HTTP2X", "HTTP2X", "HTTP2X"]),
            ("x1A", ["x1_a", "x1A", "X1A", "x1-a"]),
            ("v2Api", ["v2_api", "v2Api", "V2Api", "v2-api"]),
            ("aB1C2", ["a_b1_c2", "aB1C2", "AB1C2", "a-b1-c2"]),
            (
                "getHTTP2Response",
                [
                    "get_http2_response",
                    "getHTTP2Response",
                    "GetHTTP2Response",
                    "get-http2-response",
                ],
            ),
            ("ABc", ["a_bc", "ABc", "ABc", "a-bc"]),
            ("Ab", ["ab", "ab", "Ab", "ab"]),
            ("AB", ["AB", "AB", "AB", "AB"]),
            ("a", ["a", "a", "A", "a"]),
            ("", ["", "", "", ""]),
            ("_", ["_", "_", "_", "_"]),
            ("a__", ["a__", "a__", "A__", "a__"]),
            ("12 3", ["12 3", "12 3", "12 3", "12 3"]),
            ("一 二", ["一 二", "一 二", "一 二", "一 二"]),
            ("ßa", ["ßa", "ßa", "SSa", "ßa"]),
            ("a_ß", ["a_ß", "aSS", "A_SS", "a-ß"]),
            ("İa", ["i\u{307}a", "i\u{307}a", "I\u{307}a", "İa"]),
            ("ΣxΣ", ["σxς", "σxΣ", "ΣxΣ", "σxς"]),
            ("x١A", ["x١_a", "x١A", "X١A", "x١-a"]),
        ];
        for (input, expected) in cases {
            assert_eq!(all(input), expected.map(String::from), "{input:?}");
        }
    }

    #[test]
    fn unchanged_text_is_borrowed() {
        for (input, case) in [
            ("user_id", Case::Snake),
            ("ALL_CAPS", Case::Snake),
            ("HTTP 2", Case::Camel),
            ("userId", Case::Camel),
            ("UserId", Case::Pascal),
            ("user-id", Case::Kebab),
            ("123", Case::Kebab),
        ] {
            assert!(
                matches!(convert(input, case), Ok(Cow::Borrowed(text)) if text == input),
                "{input:?} {case:?}"
            );
        }
    }

    /// A small xorshift generator: the tests need no crate for it.
    struct Random(u64);

    impl Random {
        fn below(&mut self, bound: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            usize::try_from(self.0 % bound as u64).unwrap()
        }
    }

    #[test]
    fn ascii_pass_agrees_with_the_steps() {
        let alphabet: Vec<char> = "aAbBzZ09_-xXyY1 ".chars().collect();
        let mut random = Random(0x9E37_79B9_7F4A_7C15);
        for _ in 0..200_000 {
            let len = random.below(9);
            let text: String = (0..len)
                .map(|_| alphabet[random.below(alphabet.len())])
                .collect();
            assert_eq!(
                separate_lower_ascii(&text, b'_'),
                separate_lower_steps::<b'_'>(&text),
                "{text:?}"
            );
            assert_eq!(
                separate_lower_ascii(&text, b'-'),
                separate_lower_steps::<b'-'>(&text),
                "{text:?}"
            );
            let text = remove_space(&text).unwrap();
            let shape = AsciiShape::of(text.as_bytes());
            let numeric = shape.digits && !text.is_empty();
            if !shape.upper && !numeric {
                assert_eq!(pascalize_ascii(&text), pascalize_steps(&text), "{text:?}");
            }
        }
    }
}
