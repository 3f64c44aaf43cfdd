//! Python's notion of character classes and case, on Rust tables.
//!
//! The anchors (pyhumps, python-slugify, werkzeug) are written with `str` methods and `re`
//! classes; matching them exactly means using CPython's definitions, which are not Rust's:
//! `str.isalnum()` is general category L*/N* (Rust's `is_alphanumeric` adds the
//! Other_Alphabetic marks), `str.isspace()` includes `\x1c`-`\x1f` (Rust's `is_whitespace`
//! does not), `re`'s `\d` is category Nd. The tests compare these with the interpreter on
//! every assigned code point.
//!
//! They also follow the running interpreter's Unicode version, not the crates': the general
//! category comes from unicode-general-category corrected by the generated differences of
//! `unicode_versions.rs` for the interpreter's version (characters added since are
//! unassigned there, characters newer than the crate are known), and a character the
//! interpreter does not assign is left alone everywhere (no case, no decomposition), as
//! CPython leaves it.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use unicode_general_category::{get_general_category, GeneralCategory as Gc};
use unicode_normalization::char::{
    canonical_combining_class, compose as compose_pair, decompose_compatible,
};
use unicode_normalization::{is_nfkc_quick, IsNormalized};

use super::fallible::{owned, string_with_capacity, Fallible, TryPush, TryPushItem};
use super::unicode_versions::{DIFFERENCES, VERSIONS};

/// `str.isalnum()` for one character (also `re`'s `\w` for str patterns, minus `_`).
#[inline]
pub fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    matches!(
        general_category(c),
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
    general_category(c) == Gc::DecimalNumber
}

/// `str.isnumeric()` for one character: every N* character, and the CJK ideographs Unihan
/// gives a numeric value (一, 二, 百, 萬...), which CPython counts too. They matter where a
/// helper returns its input unchanged when it is numeric (pyhumps: `"一 二"` keeps its
/// space, `"一 a"` loses it).
#[inline]
pub fn is_numeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    match general_category(c) {
        Gc::DecimalNumber | Gc::LetterNumber | Gc::OtherNumber => true,
        Gc::OtherLetter => is_unihan_numeric(c),
        _ => false,
    }
}

/// The ideographs with a Unihan numeric value (kPrimaryNumeric, kAccountingNumeric,
/// kOtherNumeric) in Unicode 13 to 15.0 (CPython 3.10 to 3.12), sorted.
const UNIHAN_NUMERIC: [u32; 81] = [
    0x3405, 0x3483, 0x382A, 0x3B4D, 0x4E00, 0x4E03, 0x4E07, 0x4E09, 0x4E5D, 0x4E8C, 0x4E94, 0x4E96,
    0x4EBF, 0x4EC0, 0x4EDF, 0x4EE8, 0x4F0D, 0x4F70, 0x5104, 0x5146, 0x5169, 0x516B, 0x516D, 0x5341,
    0x5343, 0x5344, 0x5345, 0x534C, 0x53C1, 0x53C2, 0x53C3, 0x53C4, 0x56DB, 0x58F1, 0x58F9, 0x5E7A,
    0x5EFE, 0x5EFF, 0x5F0C, 0x5F0D, 0x5F0E, 0x5F10, 0x62FE, 0x634C, 0x67D2, 0x6F06, 0x7396, 0x767E,
    0x8086, 0x842C, 0x8CAE, 0x8CB3, 0x8D30, 0x9621, 0x9646, 0x964C, 0x9678, 0x96F6, 0xF96B, 0xF973,
    0xF978, 0xF9B2, 0xF9D1, 0xF9D3, 0xF9FD, 0x20001, 0x20064, 0x200E2, 0x20121, 0x2092A, 0x20983,
    0x2098C, 0x2099C, 0x20AEA, 0x20AFD, 0x20B19, 0x22390, 0x22998, 0x23B1B, 0x2626D, 0x2F890,
];

/// The ones Unicode 15.1 (CPython 3.13) added: 两 京 俩 倆 拐 洞 皕 秭 鈎 钩.
const UNIHAN_NUMERIC_15_1: [u32; 10] = [
    0x4E24, 0x4EAC, 0x4FE9, 0x5006, 0x62D0, 0x6D1E, 0x7695, 0x79ED, 0x920E, 0x94A9,
];

/// The Unicode version of the running interpreter's `unicodedata`, as `major * 100 + minor`
/// (1501 for 15.1). Rust's tables are of other versions (Unicode 17 in the standard library,
/// 16 in unicode-general-category, 18 in unicode-normalization); the functions here give the
/// interpreter's answer. The binding sets it before its first call; until then (and for
/// pure-Rust callers) the newest data is used.
static INTERPRETER_UNICODE: AtomicU32 = AtomicU32::new(u32::MAX);

/// The index in `VERSIONS` and `DIFFERENCES` of the interpreter's Unicode version: the
/// newest version listed that is not newer than the interpreter's (the oldest listed for an
/// older one). A CPython with newer data than the list knows gets the newest list, and its
/// new characters are unassigned here: the whole-Unicode tests then disagree, which is the
/// signal to run examples/unicode_versions.py.
static DIFFERENCES_INDEX: AtomicUsize = AtomicUsize::new(VERSIONS.len() - 1);

/// Says which Unicode version the interpreter's `unicodedata.unidata_version` is.
pub fn set_interpreter_unicode(major: u32, minor: u32) {
    let version = major * 100 + minor;
    INTERPRETER_UNICODE.store(version, Ordering::Relaxed);
    DIFFERENCES_INDEX.store(differences_index(version), Ordering::Relaxed);
}

fn differences_index(version: u32) -> usize {
    VERSIONS
        .partition_point(|&listed| listed <= version)
        .saturating_sub(1)
}

/// `unicodedata.category(c)` of the running interpreter.
#[inline]
pub fn general_category(c: char) -> Gc {
    general_category_in(c, DIFFERENCES_INDEX.load(Ordering::Relaxed))
}

fn general_category_in(c: char, index: usize) -> Gc {
    let code = u32::from(c);
    let differences = DIFFERENCES[index];
    let at = differences.partition_point(|&(_, last, _)| last < code);
    match differences.get(at) {
        Some(&(first, _, category)) if first <= code => category,
        _ => get_general_category(c),
    }
}

/// Whether the running interpreter assigns `c` (a character it does not know is its own
/// case, has no decomposition and is in no class). ASCII always is.
#[inline]
pub fn is_assigned(c: char) -> bool {
    c.is_ascii() || general_category(c) != Gc::Unassigned
}

fn is_unihan_numeric(c: char) -> bool {
    is_unihan_numeric_in(c, INTERPRETER_UNICODE.load(Ordering::Relaxed))
}

fn is_unihan_numeric_in(c: char, version: u32) -> bool {
    let code = u32::from(c);
    UNIHAN_NUMERIC.binary_search(&code).is_ok()
        || (version >= 1501 && UNIHAN_NUMERIC_15_1.binary_search(&code).is_ok())
}

/// `c.islower()`: the Lowercase property, as of the interpreter's Unicode version. The ones
/// that changed: U+10FC, U+A7F2-U+A7F4 and U+AB69 became lowercase in Unicode 15.0
/// (Other_Lowercase), U+0295 stopped being in Unicode 17.
#[inline]
pub fn is_lowercase(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase();
    }
    is_assigned(c) && is_lowercase_in(c, INTERPRETER_UNICODE.load(Ordering::Relaxed))
}

fn is_lowercase_in(c: char, version: u32) -> bool {
    match u32::from(c) {
        0x10FC | 0xA7F2..=0xA7F4 | 0xAB69 => version >= 1500,
        0x0295 => version < 1700,
        _ => c.is_lowercase(),
    }
}

/// `c.upper()`: the full uppercase mapping (`ß` -> `SS`), as of the interpreter's Unicode
/// version. The ones that changed: U+019B and U+0264 got capitals in Unicode 16, U+A7D3 and
/// U+A7D5 in Unicode 17; before, they are their own upper case.
pub fn upper_char(c: char) -> UpperChar {
    if !is_assigned(c) {
        return UpperChar::Same(Some(c));
    }
    upper_char_in(c, INTERPRETER_UNICODE.load(Ordering::Relaxed))
}

fn upper_char_in(c: char, version: u32) -> UpperChar {
    let since = match u32::from(c) {
        0x019B | 0x0264 => 1600,
        0xA7D3 | 0xA7D5 => 1700,
        _ => 0,
    };
    if version < since {
        return UpperChar::Same(Some(c));
    }
    UpperChar::Mapped(c.to_uppercase())
}

/// The characters of `upper_char`.
#[derive(Clone, Debug)]
pub enum UpperChar {
    Same(Option<char>),
    Mapped(std::char::ToUppercase),
}

impl Iterator for UpperChar {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        match self {
            Self::Same(c) => c.take(),
            Self::Mapped(chars) => chars.next(),
        }
    }
}

/// CPython's `Py_UNICODE_ISTITLE`: general category Lt.
#[inline]
pub fn is_title(c: char) -> bool {
    !c.is_ascii() && general_category(c) == Gc::TitlecaseLetter
}

/// `s.isupper()`: at least one uppercase character and none lowercase or titlecase.
pub fn str_is_upper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if is_lowercase(c) || is_title(c) {
            return false;
        }
        cased |= is_uppercase(c);
    }
    cased
}

/// The Uppercase property of an assigned character.
fn is_uppercase(c: char) -> bool {
    c.is_uppercase() && is_assigned(c)
}

/// `s.isnumeric()`: not empty and every character numeric.
pub fn str_is_numeric(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_numeric)
}

/// `s.lower()`: full lowercase mappings, final sigma included (as CPython does).
pub fn lower(s: &str) -> Fallible<Cow<'_, str>> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            let mut out = owned(s)?;
            out.make_ascii_lowercase();
            return Ok(Cow::Owned(out));
        }
        return Ok(Cow::Borrowed(s));
    }
    // Rust applies the same Final_Sigma rule as CPython, but with the properties of its
    // newer Unicode; no other mapping depends on context, none of an assigned character
    // changed since CPython 3.10's data, and a character the interpreter does not assign
    // is left as it is.
    map_chars(s, str::make_ascii_lowercase, |out, at, c| {
        if c == 'Σ' {
            out.try_push(if is_final_sigma(s, at) { 'ς' } else { 'σ' })
        } else if !is_assigned(c) {
            out.try_push(c)
        } else {
            out.try_extend(c.to_lowercase())
        }
    })
    .map(Cow::Owned)
}

/// `s` with its runs of ASCII copied and then changed in place by `ascii`, and every other
/// character written by `map` (given its byte offset).
fn map_chars(
    s: &str,
    ascii: fn(&mut str),
    mut map: impl FnMut(&mut String, usize, char) -> Fallible<()>,
) -> Fallible<String> {
    let mut out = string_with_capacity(s.len())?;
    let mut at = 0;
    while at < s.len() {
        let run = s.as_bytes()[at..]
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(s.len() - at);
        if run > 0 {
            let start = out.len();
            out.try_push_str(&s[at..at + run])?;
            if let Some(copied) = out.get_mut(start..) {
                ascii(copied);
            }
            at += run;
            continue;
        }
        let c = s[at..].chars().next().unwrap_or_default();
        map(&mut out, at, c)?;
        at += c.len_utf8();
    }
    Ok(out)
}

/// CPython's `handle_capital_sigma`: the `Σ` at `at` is final when a cased character comes
/// before it and none after it, skipping case-ignorable characters both ways.
fn is_final_sigma(s: &str, at: usize) -> bool {
    let cased = |c: Option<char>| c.is_some_and(is_cased);
    cased(s[..at].chars().rev().find(|&c| !is_case_ignorable(c)))
        && !cased(
            s[at + 'Σ'.len_utf8()..]
                .chars()
                .find(|&c| !is_case_ignorable(c)),
        )
}

/// The Cased property: Lowercase, Uppercase or Lt.
fn is_cased(c: char) -> bool {
    is_lowercase(c) || is_uppercase(c) || is_title(c)
}

/// The Case_Ignorable property: categories Mn, Me, Cf, Lm and Sk, and the punctuation of
/// Word_Break MidLetter, MidNumLet and Single_Quote (the same 17 characters in the Unicode
/// data of CPython 3.10 to 3.15). The categories are the interpreter's (U+1734 was Mn before
/// Unicode 14, U+1171E before 16).
fn is_case_ignorable(c: char) -> bool {
    match c {
        '\'' | '.' | ':' | '\u{B7}' | '\u{387}' | '\u{55F}' | '\u{5F4}' | '\u{2018}'
        | '\u{2019}' | '\u{2024}' | '\u{2027}' | '\u{FE13}' | '\u{FE52}' | '\u{FE55}'
        | '\u{FF07}' | '\u{FF0E}' | '\u{FF1A}' => true,
        _ => matches!(
            general_category(c),
            Gc::NonspacingMark
                | Gc::EnclosingMark
                | Gc::Format
                | Gc::ModifierLetter
                | Gc::ModifierSymbol
        ),
    }
}

/// `s.upper()`: full uppercase mappings (`ß` -> `SS`), as `upper_char`.
pub fn upper(s: &str) -> Fallible<Cow<'_, str>> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_lowercase()) {
            let mut out = owned(s)?;
            out.make_ascii_uppercase();
            return Ok(Cow::Owned(out));
        }
        return Ok(Cow::Borrowed(s));
    }
    map_chars(s, str::make_ascii_uppercase, |out, _, c| {
        out.try_extend(upper_char(c))
    })
    .map(Cow::Owned)
}

/// `c.lower()` of one character: its full lowercase mapping, or itself where the
/// interpreter does not assign it.
pub fn lower_char(c: char) -> LowerChar {
    if is_assigned(c) {
        LowerChar::Mapped(c.to_lowercase())
    } else {
        LowerChar::Same(Some(c))
    }
}

/// The characters of `lower_char`.
#[derive(Clone, Debug)]
pub enum LowerChar {
    Same(Option<char>),
    Mapped(std::char::ToLowercase),
}

impl Iterator for LowerChar {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        match self {
            Self::Same(c) => c.take(),
            Self::Mapped(chars) => chars.next(),
        }
    }
}

/// `unicodedata.normalize("NFKD", s)`; borrowed when nothing changes.
///
/// Our own loop over the crate's per-character tables: ASCII (a starter with no
/// decomposition) is copied as it is, other characters are decomposed and their combining
/// marks put in canonical order. It is several times faster than the crate's iterator on
/// the mostly-ASCII text of titles and file names, where that iterator was the profile's
/// top entry (slugify, secure_filename).
pub fn nfkd(s: &str) -> Fallible<Cow<'_, str>> {
    let Some(first) = s.bytes().position(|b| !b.is_ascii()) else {
        return Ok(Cow::Borrowed(s));
    };
    let mut out = string_with_capacity(s.len() + 8)?;
    out.push_str(&s[..first]);
    // Combining marks waiting for the next starter, to be stably sorted by class.
    let mut marks: Vec<(u8, char)> = Vec::new();
    // What the last push in the decomposition callback (which cannot return it) gave.
    let mut grown = Ok(());
    for c in s[first..].chars() {
        // A character the interpreter does not assign is a starter with no decomposition.
        if c.is_ascii() || !is_assigned(c) {
            flush_marks(&mut marks, &mut out)?;
            out.try_push(c)?;
            continue;
        }
        decompose_compatible(c, |part| {
            if grown.is_ok() {
                grown = match canonical_combining_class(part) {
                    0 => flush_marks(&mut marks, &mut out).and_then(|()| out.try_push(part)),
                    class => marks.try_push((class, part)),
                };
            }
        });
        grown?;
    }
    flush_marks(&mut marks, &mut out)?;
    if out == s {
        return Ok(Cow::Borrowed(s));
    }
    Ok(Cow::Owned(out))
}

/// Writes the combining marks after a starter in canonical order (called before every
/// starter: most have none).
#[inline]
fn flush_marks(marks: &mut Vec<(u8, char)>, out: &mut String) -> Fallible<()> {
    if marks.is_empty() {
        return Ok(());
    }
    write_marks(marks, out)
}

/// `flush_marks` of some marks: stably sorted by class without a sort's scratch buffer
/// (whose allocation cannot fail softly): insertion sort for the usual few marks, one pass
/// per class present for a long run.
fn write_marks(marks: &mut Vec<(u8, char)>, out: &mut String) -> Fallible<()> {
    const INSERTION_SORTED: usize = 32;
    if marks.len() <= INSERTION_SORTED {
        for end in 1..marks.len() {
            let mut at = end;
            while at > 0 && marks[at - 1].0 > marks[at].0 {
                marks.swap(at - 1, at);
                at -= 1;
            }
        }
        out.try_extend(marks.iter().map(|&(_, mark)| mark))?;
    } else {
        let mut present = [false; 256];
        for &(class, _) in marks.iter() {
            present[usize::from(class)] = true;
        }
        for class in (0..=u8::MAX).filter(|&class| present[usize::from(class)]) {
            let of_class = marks.iter().filter(|&&(c, _)| c == class);
            out.try_extend(of_class.map(|&(_, mark)| mark))?;
        }
    }
    marks.clear();
    Ok(())
}

/// `unicodedata.normalize("NFKC", s)`; ASCII and already-normalized text is borrowed.
pub fn nfkc(s: &str) -> Fallible<Cow<'_, str>> {
    if s.is_ascii() {
        return Ok(Cow::Borrowed(s));
    }
    let unassigned = |c: char| !is_assigned(c);
    if !s.contains(unassigned) {
        return nfkc_of_assigned(s);
    }
    // A character the interpreter does not assign is a starter that neither decomposes
    // nor composes: nothing reorders or composes across it, so the text between two of
    // them is normalized on its own, and they are kept as they are.
    let mut out = string_with_capacity(s.len())?;
    let mut rest = s;
    while let Some((at, c)) = rest.char_indices().find(|&(_, c)| unassigned(c)) {
        out.try_push_str(&nfkc_of_assigned(&rest[..at])?)?;
        out.try_push(c)?;
        rest = &rest[at + c.len_utf8()..];
    }
    out.try_push_str(&nfkc_of_assigned(rest)?)?;
    if out == s {
        return Ok(Cow::Borrowed(s));
    }
    Ok(Cow::Owned(out))
}

fn nfkc_of_assigned(s: &str) -> Fallible<Cow<'_, str>> {
    if s.is_ascii() || is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        return Ok(Cow::Borrowed(s));
    }
    Ok(Cow::Owned(compose(&nfkd(s)?)?))
}

/// Canonical composition (UAX #15) of decomposed, canonically ordered text: a character is
/// combined with the last starter before it when nothing between them blocks it (no
/// character of its class or higher, or a starter). The crate's iterator does the same, but
/// buffers a run of marks of any length where its allocation cannot fail softly.
fn compose(decomposed: &str) -> Fallible<String> {
    let mut out = string_with_capacity(decomposed.len())?;
    // The last starter, not yet written (a later character may still combine with it), the
    // characters after it that did not combine, and the class of the last of those.
    let mut starter: Option<char> = None;
    let mut uncombined = String::new();
    let mut last_class: Option<u8> = None;
    for c in decomposed.chars() {
        let class = canonical_combining_class(c);
        let Some(base) = starter else {
            if class == 0 {
                starter = Some(c);
            } else {
                out.try_push(c)?;
            }
            continue;
        };
        let blocked = last_class.is_some_and(|last| last >= class);
        if !blocked {
            if let Some(composed) = compose_pair(base, c) {
                starter = Some(composed);
                continue;
            }
        }
        if class == 0 {
            out.try_push(base)?;
            out.try_push_str(&uncombined)?;
            uncombined.clear();
            last_class = None;
            starter = Some(c);
        } else {
            uncombined.try_push(c)?;
            last_class = Some(class);
        }
    }
    if let Some(base) = starter {
        out.try_push(base)?;
    }
    out.try_push_str(&uncombined)?;
    Ok(out)
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
        assert!(is_numeric('一') && is_numeric('\u{2F890}') && !is_numeric('丁'));
    }

    #[test]
    fn unihan_numeric_tables_are_sorted_ideographs() {
        for table in [&UNIHAN_NUMERIC[..], &UNIHAN_NUMERIC_15_1[..]] {
            assert!(table.windows(2).all(|pair| pair[0] < pair[1]));
            for &code in table {
                let c = char::from_u32(code).unwrap();
                assert_eq!(get_general_category(c), Gc::OtherLetter);
            }
        }
        assert!(is_unihan_numeric_in('两', 1501) && !is_unihan_numeric_in('两', 1500));
        assert!(is_unihan_numeric_in('一', 1300));
    }

    #[test]
    fn changes_since_the_interpreters_unicode() {
        // The default is the newest data (no test changes the setting: they run in parallel).
        assert!(is_lowercase('\u{10FC}') && !is_lowercase('\u{0295}'));
        assert!(is_lowercase_in('\u{0295}', 1501) && !is_lowercase_in('\u{10FC}', 1400));
        assert!(is_lowercase_in('\u{10FC}', 1500));
        assert_eq!(upper_char('\u{019B}').collect::<String>(), "\u{A7DC}");
        assert_eq!(
            upper_char_in('\u{019B}', 1501).collect::<String>(),
            "\u{019B}"
        );
        assert_eq!(
            upper_char_in('\u{A7D3}', 1600).collect::<String>(),
            "\u{A7D3}"
        );
        assert_eq!(upper_char_in('ß', 1300).collect::<String>(), "SS");
        assert_eq!(upper("aƛß").unwrap(), "A\u{A7DC}SS");
    }

    #[test]
    fn categories_follow_the_interpreters_version() {
        // The differences are taken against the crate's version: a new crate needs new ones.
        assert_eq!(
            unicode_general_category::UNICODE_VERSION,
            super::super::unicode_versions::REFERENCE
        );
        assert!(VERSIONS.windows(2).all(|pair| pair[0] < pair[1]));
        for differences in DIFFERENCES {
            assert!(differences.iter().all(|&(first, last, _)| first <= last));
            assert!(differences.windows(2).all(|pair| pair[0].1 < pair[1].0));
        }
        let index = |version| VERSIONS.iter().position(|&v| v == version).unwrap();
        assert_eq!(differences_index(1300), index(1300));
        assert_eq!(differences_index(1502), index(1501));
        assert_eq!(differences_index(900), 0);
        assert_eq!(differences_index(u32::MAX), VERSIONS.len() - 1);
        // U+1E4D0 NAG MUNDARI LETTER O: Unicode 15.0.
        let nag_mundari = '\u{1E4D0}';
        assert_eq!(
            general_category_in(nag_mundari, index(1400)),
            Gc::Unassigned
        );
        assert_eq!(
            general_category_in(nag_mundari, index(1500)),
            Gc::OtherLetter
        );
        // U+A7CE LATIN CAPITAL LETTER PHARYNGEAL VOICED FRICATIVE: Unicode 17, newer than
        // the crate.
        assert_eq!(get_general_category('\u{A7CE}'), Gc::Unassigned);
        assert_eq!(general_category_in('\u{A7CE}', index(1600)), Gc::Unassigned);
        assert_eq!(
            general_category_in('\u{A7CE}', index(1700)),
            Gc::UppercaseLetter
        );
        // U+1734 HANUNOO SIGN PAMUDPOD: Mn until Unicode 14 made it Mc.
        assert_eq!(
            general_category_in('\u{1734}', index(1300)),
            Gc::NonspacingMark
        );
        assert_eq!(
            general_category_in('\u{1734}', index(1400)),
            Gc::SpacingMark
        );
    }

    #[test]
    fn final_sigma_as_cpython() {
        assert_eq!(lower("ΑΣ").unwrap(), "ας");
        assert_eq!(lower("ΑΣ'").unwrap(), "ας'");
        assert_eq!(lower("ΑΣ'Α").unwrap(), "ασ'α");
        assert_eq!(lower("Α'Σ").unwrap(), "α'ς");
        assert_eq!(lower("1Σ").unwrap(), "1σ");
        assert_eq!(lower("Σ").unwrap(), "σ");
        assert_eq!(
            lower("ΑΣ\u{0345}").unwrap(),
            "ας\u{0345}",
            "U+0345 is cased, but skipped"
        );
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
        assert_eq!(lower("ΟΔΟΣ").unwrap(), "οδος");
        assert_eq!(upper("straße").unwrap(), "STRASSE");
        assert_eq!(nfkd("ﬁé").unwrap(), "fie\u{301}");
        assert_eq!(nfkc("ﬁe\u{301}").unwrap(), "fié");
        assert!(matches!(nfkd("plain"), Ok(Cow::Borrowed(_))));
        assert!(matches!(nfkd("e\u{301}"), Ok(Cow::Borrowed(_))));
        // Marks reordered by class (below, 220, before above, 230) across a decomposition.
        assert_eq!(nfkd("\u{1e0b}\u{323}").unwrap(), "d\u{323}\u{307}");
        assert_eq!(nfkd("한").unwrap(), "\u{1112}\u{1161}\u{11ab}");
    }

    /// Our NFKD and NFKC loops against the crate's iterators, on random text made of the
    /// characters where they could go wrong: starters that compose (Hangul jamo and
    /// syllables, starter + starter pairs), marks of several classes in and out of order,
    /// compatibility decompositions, and runs of marks longer than the insertion sort's.
    #[test]
    fn normalization_loops_agree_with_the_crate() {
        use unicode_normalization::UnicodeNormalization;
        let alphabet: Vec<char> = "aeAEoO\u{301}\u{300}\u{323}\u{327}\u{30A}\u{345}\u{5B0}\u{E49}ﬁ①Åé\u{1100}\u{1161}\u{11A8}한각\u{B47}\u{B3E}\u{B57}\u{1E0B}\u{FB2C}\u{FDFA}x "
            .chars()
            .collect();
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut below = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound as u64).unwrap()
        };
        for round in 0..20_000 {
            let len = if round % 100 == 0 { 80 } else { below(10) };
            let text: String = (0..len)
                .map(|at| {
                    // Every 100th text: a long run of marks after one starter.
                    if round % 100 == 0 && at > 0 {
                        ['\u{301}', '\u{323}', '\u{345}', '\u{5B0}'][below(4)]
                    } else {
                        alphabet[below(alphabet.len())]
                    }
                })
                .collect();
            assert_eq!(
                nfkd(&text).unwrap(),
                text.nfkd().collect::<String>(),
                "{text:?}"
            );
            assert_eq!(
                nfkc(&text).unwrap(),
                text.nfkc().collect::<String>(),
                "{text:?}"
            );
        }
    }
}
