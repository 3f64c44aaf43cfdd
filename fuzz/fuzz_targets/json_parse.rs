//! The strict JSON parser on arbitrary bytes (docs/JSON.md, `loads`), and the writer
//! (`dumps`' string and number text) on what it parsed.
//!
//! Checked on every input:
//! * the parser never panics, and its error offsets are ones the binding can turn into a
//!   character index (inside the input, on a character boundary);
//! * the three input encodings agree on valid UTF-8, and the crate's own value builder
//!   (`json::value::parse_value`) agrees with the tree built here;
//! * a parsed document written back with the crate's writer parses to the same value, and
//!   writing that gives the same text (round trip);
//! * `serde_json`, a second strict parser, gives the same verdict and the same value, except
//!   for the three differences docs/JSON.md states on purpose, each checked precisely here
//!   rather than by skipping inputs: lone surrogate escapes (accepted, as by Python),
//!   numbers beyond the f64 range (`1e400` is `inf`, big integers exact, as in Python), and
//!   the 1024-level depth limit (`serde_json` is run with no limit);
//! * string escaping is the standard library's `ensure_ascii=False` escaping, and every
//!   finite float (also the bit patterns of the input, 8 bytes at a time) is laid out as
//!   Python's `repr(float)`.

#![no_main]

use std::borrow::Cow;
use std::collections::BTreeMap;

use covet_core::json::parse::{
    char_index, parse, Encoding, ErrorKind, ParseError, Sink, SinkError, Text,
};
use covet_core::json::value::{parse_value, Value};
use covet_core::json::text::{write_text, write_utf8, Text as StoredText};
use covet_core::json::write::{write_f64, write_i64};
use covet_core::json::MAX_DEPTH;
use libfuzzer_sys::fuzz_target;
use serde::Deserialize as _;

fuzz_target!(|data: &[u8]| {
    check_document(data);
    check_float_layout(data);
});

fn check_document(data: &[u8]) {
    let parsed = parse_tree(data, Encoding::Unchecked);
    check_error(data, &parsed);
    // The value builder the JWT code uses must see the same document.
    match (&parsed, parse_value(data)) {
        (Ok(tree), Ok(value)) => assert!(same(tree, &value), "parse_value differs"),
        (Err(error), Err(other)) => assert_eq!(*error, other, "parse_value error differs"),
        (tree, value) => panic!("parse_value disagrees: {tree:?} vs {value:?}"),
    }
    if std::str::from_utf8(data).is_ok() {
        // Valid UTF-8 needs no validation: the encodings a Python `str` gives must decide
        // exactly as bytes do (a `str` never holds raw surrogates when it is valid UTF-8).
        for encoding in [Encoding::Utf8, Encoding::Wtf8] {
            let other = parse_tree(data, encoding);
            match (&parsed, &other) {
                (Ok(a), Ok(b)) => assert!(same(a, b), "{encoding:?} value differs"),
                (Err(a), Err(b)) => assert_eq!(a, b, "{encoding:?} error differs"),
                _ => panic!("{encoding:?} verdict differs: {parsed:?} vs {other:?}"),
            }
        }
    }
    if let Ok(tree) = &parsed {
        check_round_trip(tree);
    }
    check_against_serde(data, &parsed);
}

/// What the binding needs of an error: an offset in the input, at a character boundary
/// (it counts characters up to it), and invalid UTF-8 reported first, at the first bad byte.
fn check_error(data: &[u8], parsed: &Result<Value, ParseError>) {
    let Err(error) = parsed else { return };
    assert!(error.offset <= data.len(), "offset past the end: {error:?}");
    // Only this file's sink can fail, and only on invalid UTF-8, which `parse` then
    // reports as such.
    assert_ne!(error.kind, ErrorKind::Sink);
    match std::str::from_utf8(data) {
        Err(utf8) => {
            assert_eq!(error.kind, ErrorKind::InvalidUtf8, "{error:?}");
            assert_eq!(error.offset, utf8.valid_up_to());
        }
        Ok(text) => {
            assert_ne!(error.kind, ErrorKind::InvalidUtf8);
            assert!(text.is_char_boundary(error.offset), "{error:?}");
            assert!(char_index(data, error.offset) <= text.chars().count());
        }
    }
    if error.kind == ErrorKind::TooDeep {
        assert!(matches!(data[error.offset], b'[' | b'{'));
        assert_eq!(depth_before(data, error.offset), MAX_DEPTH, "{error:?}");
    }
}

/// How many containers are open before `offset`, in a document that is valid up to there.
fn depth_before(data: &[u8], offset: usize) -> usize {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in &data[..offset] {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth -= 1,
            _ => {}
        }
    }
    depth
}

fn parse_tree(data: &[u8], encoding: Encoding) -> Result<Value, ParseError> {
    let mut sink = Tree {
        encoding,
        values: Vec::new(),
        keys: Vec::new(),
    };
    parse(data, encoding, &mut sink)?;
    assert_eq!(sink.values.len(), 1, "one value per document");
    assert!(sink.keys.is_empty());
    Ok(sink.values.pop().expect("one value"))
}

/// Builds a `Value` and checks what the parser says about each string's bytes.
struct Tree {
    encoding: Encoding,
    values: Vec<Value>,
    keys: Vec<Vec<u8>>,
}

impl Tree {
    fn text(&self, bytes: &[u8], text: Text) -> Result<Vec<u8>, SinkError> {
        match text {
            Text::Ascii => assert!(bytes.is_ascii(), "Ascii text with non-ASCII bytes"),
            Text::Utf8 => {
                assert!(!bytes.is_ascii(), "Utf8 text without a non-ASCII byte");
                if std::str::from_utf8(bytes).is_err() {
                    // Only bytes from outside may still be invalid here (the sink's job).
                    assert_eq!(self.encoding, Encoding::Unchecked, "invalid Utf8 text");
                    return Err(SinkError);
                }
            }
            Text::Wtf8 => {
                assert!(has_surrogate(bytes), "Wtf8 text without a surrogate");
                assert!(is_wtf8(bytes), "Wtf8 text that is not WTF-8");
            }
        }
        Ok(bytes.to_vec())
    }
}

impl Sink for Tree {
    fn null(&mut self) -> Result<(), SinkError> {
        self.values.push(Value::Null);
        Ok(())
    }
    fn boolean(&mut self, value: bool) -> Result<(), SinkError> {
        self.values.push(Value::Bool(value));
        Ok(())
    }
    fn int(&mut self, value: i64) -> Result<(), SinkError> {
        self.values.push(Value::Int(value));
        Ok(())
    }
    fn big_int(&mut self, digits: &str) -> Result<(), SinkError> {
        // Only integers that do not fit an i64 come here.
        assert!(digits.parse::<i64>().is_err(), "{digits} fits an i64");
        self.values.push(Value::BigInt(digits.to_owned()));
        Ok(())
    }
    fn float(&mut self, value: f64) -> Result<(), SinkError> {
        assert!(!value.is_nan(), "a JSON number parsed to NaN");
        self.values.push(Value::Float(value));
        Ok(())
    }
    fn string(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError> {
        let text = self.text(bytes, text)?;
        self.values.push(Value::String(text));
        Ok(())
    }
    fn key(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError> {
        let text = self.text(bytes, text)?;
        self.keys.push(text);
        Ok(())
    }
    fn end_array(&mut self, len: usize) -> Result<(), SinkError> {
        let items = self.values.split_off(self.values.len() - len);
        self.values.push(Value::Array(items));
        Ok(())
    }
    fn end_object(&mut self, pairs: usize) -> Result<(), SinkError> {
        let values = self.values.split_off(self.values.len() - pairs);
        let keys = self.keys.split_off(self.keys.len() - pairs);
        self.values
            .push(Value::Object(keys.into_iter().zip(values).collect()));
        Ok(())
    }
}

/// An encoded surrogate (U+D800 to U+DFFF: ED A0..BF xx).
fn has_surrogate(bytes: &[u8]) -> bool {
    bytes
        .windows(2)
        .any(|pair| pair[0] == 0xED && pair[1] >= 0xA0)
}

/// UTF-8 extended to surrogates: valid once every encoded surrogate is replaced by an
/// encoded U+FFFD (also three bytes).
fn is_wtf8(bytes: &[u8]) -> bool {
    std::str::from_utf8(&surrogates_to_replacement(bytes)).is_ok()
}

fn surrogates_to_replacement(bytes: &[u8]) -> Cow<'_, [u8]> {
    if !has_surrogate(bytes) {
        return Cow::Borrowed(bytes);
    }
    let mut out = bytes.to_vec();
    let mut at = 0;
    while at + 2 < out.len() {
        if out[at] == 0xED
            && (0xA0..0xC0).contains(&out[at + 1])
            && (0x80..0xC0).contains(&out[at + 2])
        {
            out[at..at + 3].copy_from_slice("\u{FFFD}".as_bytes());
            at += 3;
        } else {
            at += 1;
        }
    }
    Cow::Owned(out)
}

/// Values equal, floats bit for bit (so `-0.0` is not `0.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, vx), (ky, vy))| kx == ky && same(vx, vy))
        }
        _ => a == b,
    }
}

/// Writes `value` with the crate's writer. Lone surrogates are written as their WTF-8
/// bytes, as a `str` holding them is encoded with `surrogatepass` (`dumps` refuses them, so
/// this text is read back as `Encoding::Wtf8`). Infinities, which `dumps` refuses too, are
/// written as a literal that reads back as the same infinity, so that the rest of the
/// document is still checked.
fn write_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Int(value) => write_i64(out, *value).expect("memory"),
        Value::BigInt(digits) => out.extend_from_slice(digits.as_bytes()),
        Value::Float(value) if value.is_finite() => write_f64(out, *value).expect("memory"),
        Value::Float(value) if *value > 0.0 => out.extend_from_slice(b"1e999"),
        Value::Float(_) => out.extend_from_slice(b"-1e999"),
        Value::String(text) => write_string(out, text),
        Value::Array(items) => {
            out.push(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                write_value(out, item);
            }
            out.push(b']');
        }
        Value::Object(members) => {
            out.push(b'{');
            for (index, (key, item)) in members.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                write_string(out, key);
                out.push(b':');
                write_value(out, item);
            }
            out.push(b'}');
        }
    }
}

/// `write_utf8`, checked against the escaping docs/JSON.md gives (the standard library's
/// with `ensure_ascii=False`), and `write_text` of the same characters stored as CPython
/// would store them (one, two or four bytes each) against it.
fn write_string(out: &mut Vec<u8>, text: &[u8]) {
    let start = out.len();
    write_utf8(out, text).expect("memory");
    if let Ok(text) = std::str::from_utf8(text) {
        let points: Vec<u32> = text.chars().map(u32::from).collect();
        let widest = points.iter().copied().max().unwrap_or(0);
        let mut stored = Vec::new();
        let written = if widest < 0x100 {
            let units: Vec<u8> = points.iter().map(|&p| p as u8).collect();
            write_text(&mut stored, StoredText::Latin1(&units))
        } else if widest < 0x10000 {
            let units: Vec<u16> = points.iter().map(|&p| p as u16).collect();
            write_text(&mut stored, StoredText::Ucs2(&units))
        } else {
            write_text(&mut stored, StoredText::Ucs4(&points))
        };
        written.expect("valid UTF-8 has no lone surrogate");
        assert_eq!(stored[..], out[start..], "stored form differs for {text:?}");
    }
    let mut expected = vec![b'"'];
    for &byte in text {
        match byte {
            b'"' => expected.extend_from_slice(b"\\\""),
            b'\\' => expected.extend_from_slice(b"\\\\"),
            b'\n' => expected.extend_from_slice(b"\\n"),
            b'\r' => expected.extend_from_slice(b"\\r"),
            b'\t' => expected.extend_from_slice(b"\\t"),
            0x08 => expected.extend_from_slice(b"\\b"),
            0x0c => expected.extend_from_slice(b"\\f"),
            0..0x20 => expected.extend_from_slice(format!("\\u{byte:04x}").as_bytes()),
            _ => expected.push(byte),
        }
    }
    expected.push(b'"');
    assert_eq!(
        out[start..],
        expected[..],
        "string escaping differs for {:?}",
        String::from_utf8_lossy(text)
    );
}

fn check_round_trip(tree: &Value) {
    let mut text = Vec::new();
    write_value(&mut text, tree);
    let valid_utf8 = std::str::from_utf8(&text).is_ok();
    let encoding = if valid_utf8 {
        Encoding::Unchecked
    } else {
        Encoding::Wtf8
    };
    let again = match parse_tree(&text, encoding) {
        Ok(again) => again,
        Err(error) => panic!(
            "written text does not parse: {error:?} in {:?}",
            String::from_utf8_lossy(&text)
        ),
    };
    assert!(
        same(tree, &again),
        "round trip changed the value: {tree:?} -> {:?} -> {again:?}",
        String::from_utf8_lossy(&text)
    );
    let mut text_again = Vec::new();
    write_value(&mut text_again, &again);
    assert_eq!(text, text_again, "writing is not stable");
}

/// The verdict and value of `serde_json`, with the documented differences.
fn check_against_serde(data: &[u8], parsed: &Result<Value, ParseError>) {
    // Lone surrogate escapes are accepted here and refused by serde_json: compare on the
    // text with each of them spelled `\ufffd` instead (same length, so the same offsets),
    // which must decide exactly as the original does here.
    let replaced = lone_surrogate_escapes_to_replacement(data);
    let parsed_replaced = match &replaced {
        Cow::Borrowed(_) => None,
        Cow::Owned(replaced) => Some(parse_tree(replaced, Encoding::Unchecked)),
    };
    if let Some(other) = &parsed_replaced {
        match (parsed, other) {
            (Ok(a), Ok(b)) => assert!(
                same(&surrogates_replaced(a), b),
                "lone surrogates are not kept as such: {a:?} vs {b:?}"
            ),
            (Err(a), Err(b)) => assert_eq!(a, b),
            _ => panic!("a lone surrogate escape changed the verdict: {parsed:?} vs {other:?}"),
        }
    }
    let ours = parsed_replaced.as_ref().unwrap_or(parsed);
    let mut deserializer = serde_json::Deserializer::from_slice(&replaced);
    deserializer.disable_recursion_limit();
    let theirs = serde_json::Value::deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => assert!(
            same_as_serde(ours, &theirs),
            "serde_json reads another value: {ours:?} vs {theirs:?}"
        ),
        (Ok(ours), Err(error)) => {
            // serde_json has no infinities and no integers beyond f64: it refuses what
            // Python reads as `inf` or as a big int.
            assert!(
                error.to_string().starts_with("number out of range") && has_huge_number(ours),
                "serde_json refuses what we accept: {error} for {ours:?}"
            );
        }
        (Err(ours), Ok(_)) => assert_eq!(
            ours.kind,
            ErrorKind::TooDeep,
            "we refuse what serde_json accepts: {ours:?}"
        ),
        (Err(_), Err(_)) => {}
    }
}

/// `\uXXXX` escapes of surrogates that are not part of a pair (a high one followed by a
/// `\u` low one) replaced by `\ufffd`, inside strings.
fn lone_surrogate_escapes_to_replacement(data: &[u8]) -> Cow<'_, [u8]> {
    let hex = |at: usize| -> Option<u16> {
        let digits = std::str::from_utf8(data.get(at..at + 4)?).ok()?;
        if !digits.bytes().all(|digit| digit.is_ascii_hexdigit()) {
            return None;
        }
        u16::from_str_radix(digits, 16).ok()
    };
    let unit_at = |at: usize| -> Option<u16> {
        if data.get(at..at + 2)? == b"\\u" {
            hex(at + 2)
        } else {
            None
        }
    };
    let mut out: Option<Vec<u8>> = None;
    let mut in_string = false;
    let mut at = 0;
    while at < data.len() {
        let byte = data[at];
        if !in_string {
            in_string = byte == b'"';
            at += 1;
            continue;
        }
        match byte {
            b'"' => {
                in_string = false;
                at += 1;
            }
            b'\\' => match unit_at(at) {
                Some(high @ 0xD800..=0xDBFF)
                    if unit_at(at + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) =>
                {
                    let _ = high;
                    at += 12;
                }
                Some(0xD800..=0xDFFF) => {
                    let out = out.get_or_insert_with(|| data.to_vec());
                    out[at..at + 6].copy_from_slice(b"\\ufffd");
                    at += 6;
                }
                Some(_) => at += 6,
                // Any other escape is two bytes (or an error, which ends the document).
                None => at += 2,
            },
            _ => at += 1,
        }
    }
    out.map_or(Cow::Borrowed(data), Cow::Owned)
}

/// `value` with every lone surrogate in its strings and keys replaced by U+FFFD.
fn surrogates_replaced(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::String(surrogates_to_replacement(text).into_owned()),
        Value::Array(items) => Value::Array(items.iter().map(surrogates_replaced).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(key, value)| {
                    (
                        surrogates_to_replacement(key).into_owned(),
                        surrogates_replaced(value),
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A number `serde_json` cannot represent: an infinite float, or an integer whose nearest
/// f64 is infinite.
fn has_huge_number(value: &Value) -> bool {
    match value {
        Value::Float(value) => value.is_infinite(),
        Value::BigInt(digits) => digits.parse::<f64>().is_ok_and(f64::is_infinite),
        Value::Array(items) => items.iter().any(has_huge_number),
        Value::Object(members) => members.iter().any(|(_, value)| has_huge_number(value)),
        _ => false,
    }
}

fn same_as_serde(ours: &Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (ours, theirs) {
        (Value::Null, J::Null) => true,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::Int(a), J::Number(b)) => {
            b.as_i64() == Some(*a)
                // `-0` is the int 0 in Python; serde_json reads it as the float -0.0.
                || (*a == 0 && b.as_f64().is_some_and(|b| b == 0.0 && b.is_sign_negative()))
        }
        (Value::BigInt(digits), J::Number(b)) => match digits.parse::<u64>() {
            Ok(a) => b.as_u64() == Some(a),
            // Beyond u64 serde_json keeps only the nearest f64.
            Err(_) => b.is_f64() && digits.parse::<f64>().ok() == b.as_f64(),
        },
        (Value::Float(a), J::Number(b)) => {
            b.is_f64() && b.as_f64().is_some_and(|b| b.to_bits() == a.to_bits())
        }
        (Value::String(a), J::String(b)) => a == b.as_bytes(),
        (Value::Array(a), J::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_as_serde(a, b))
        }
        (Value::Object(members), J::Object(map)) => {
            // Repeated keys: the last value wins, at the first key's place, as in Python.
            let mut last: BTreeMap<&[u8], &Value> = BTreeMap::new();
            for (key, value) in members {
                last.insert(key, value);
            }
            last.len() == map.len()
                && map.iter().all(|(key, theirs)| {
                    last.get(key.as_bytes())
                        .is_some_and(|ours| same_as_serde(ours, theirs))
                })
        }
        _ => false,
    }
}

/// Every finite double met as 8 input bytes, laid out as Python's `repr`. Rust's `{:?}` gives
/// shortest round-trip digits too and switches to an exponent at the same points (below
/// 1e-4, from 1e16); Python writes the exponent with a sign and two digits, and when the
/// value lies exactly halfway between two shortest candidates Python takes the even one
/// where Rust rounds up (`156845526200.265625` is `156845526200.26562` in Python, found by
/// this target).
fn check_float_layout(data: &[u8]) {
    // The first 32 are plenty: the bytes of the growing corpus keep changing them.
    for chunk in data.chunks_exact(8).take(32) {
        let value = f64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        if !value.is_finite() {
            continue;
        }
        let mut out = Vec::new();
        write_f64(&mut out, value).expect("memory");
        let expected = python_repr(value);
        assert_eq!(
            String::from_utf8_lossy(&out),
            expected,
            "repr({value:e}) differs"
        );
        assert_eq!(
            std::str::from_utf8(&out)
                .unwrap()
                .parse::<f64>()
                .map(f64::to_bits),
            Ok(value.to_bits())
        );
    }
}

fn python_repr(value: f64) -> String {
    let rust = format!("{value:?}");
    let shortest = tie_to_even(&rust, value).unwrap_or(rust);
    let Some((mantissa, exponent)) = shortest.split_once('e') else {
        return shortest;
    };
    let (sign, digits) = match exponent.strip_prefix('-') {
        Some(digits) => ('-', digits),
        None => ('+', exponent),
    };
    format!("{mantissa}e{sign}{digits:0>2}")
}

/// When Rust's shortest digits end in an odd digit that was rounded up from an exact tie,
/// the candidate one below, which Python prints.
fn tie_to_even(rust: &str, value: f64) -> Option<String> {
    let (mantissa, exponent) = match rust.split_once('e') {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (rust, None),
    };
    let last = mantissa.bytes().last()?;
    if !matches!(last, b'1' | b'3' | b'5' | b'7' | b'9') {
        return None;
    }
    let mut lower = mantissa[..mantissa.len() - 1].to_owned();
    lower.push(char::from(last - 1));
    let lower_mantissa_len = lower.len();
    if let Some(exponent) = exponent {
        lower.push('e');
        lower.push_str(exponent);
    }
    if lower.parse::<f64>().ok()?.to_bits() != value.to_bits() {
        return None;
    }
    // A tie: the exact value is the lower candidate's digits followed by a 5.
    let significant = |text: &str| -> String {
        text.chars()
            .filter(char::is_ascii_digit)
            .skip_while(|&digit| digit == '0')
            .collect()
    };
    let exact = format!("{:.1100}", value.abs());
    let exact = significant(&exact);
    let mut midpoint = significant(&lower[..lower_mantissa_len]);
    midpoint.push('5');
    (exact.trim_end_matches('0') == midpoint).then_some(lower)
}
