//! The text pieces of `dumps`, free of Python types: string escaping, integers and floats
//! laid out as Python writes them, into any [`Output`].
//!
//! The binding writes into a Python `bytes` object that it grows in place (no final copy);
//! tests, benches and fuzz targets write into a `Vec<u8>`.

pub use crate::OutOfMemory;

/// An append-only byte buffer with fallible growth.
pub trait Output {
    /// Makes room for `additional` more bytes.
    fn reserve(&mut self, additional: usize) -> Result<(), OutOfMemory>;
    /// Appends `bytes`; room for them must have been reserved.
    ///
    /// # Safety
    /// The caller reserved at least `bytes.len()` bytes since the last write.
    unsafe fn extend_reserved(&mut self, bytes: &[u8]);

    #[allow(clippy::inline_always)] // see BytesBuffer::reserve
    #[inline(always)]
    fn write(&mut self, bytes: &[u8]) -> Result<(), OutOfMemory> {
        self.reserve(bytes.len())?;
        // SAFETY: reserved just above.
        unsafe { self.extend_reserved(bytes) };
        Ok(())
    }
}

impl Output for Vec<u8> {
    fn reserve(&mut self, additional: usize) -> Result<(), OutOfMemory> {
        self.try_reserve(additional).map_err(|_| OutOfMemory)
    }

    unsafe fn extend_reserved(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// How each byte is written inside a JSON string: 0 as is, otherwise the escape's second
/// character (`u` meaning `\u00XX`). The standard library's `ensure_ascii=False` rules:
/// quote, backslash and control characters only.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// The index of the first byte of `text` that needs escaping, or `text.len()`.
#[inline]
pub fn first_escape(text: &[u8]) -> usize {
    super::scan::first_special(text).0
}

/// Writes `text` (UTF-8) as a quoted JSON string.
#[inline]
pub fn write_str<O: Output>(out: &mut O, text: &[u8]) -> Result<(), OutOfMemory> {
    let clean = first_escape(text);
    if clean == text.len() {
        // Nothing to escape, the common case: one reservation, three copies.
        out.reserve(text.len() + 2)?;
        // SAFETY: the text and its two quotes, reserved just above.
        unsafe {
            out.extend_reserved(b"\"");
            out.extend_reserved(text);
            out.extend_reserved(b"\"");
        }
        return Ok(());
    }
    write_escaped_str(out, text, clean)
}

/// `write_str` from the first byte that needs an escape, at `clean`.
#[inline(never)]
fn write_escaped_str<O: Output>(
    out: &mut O,
    text: &[u8],
    mut clean: usize,
) -> Result<(), OutOfMemory> {
    // Room for the text with no more escapes; each escape reserves for what follows it.
    out.reserve(text.len() + 2)?;
    // SAFETY: within the room for the text and its quotes, reserved just above.
    unsafe { out.extend_reserved(b"\"") };
    let mut rest = text;
    loop {
        // SAFETY: the clean run is part of the text, whose room (and the closing quote's)
        // was reserved before the loop or, after an escape, for all of the rest.
        unsafe { out.extend_reserved(&rest[..clean]) };
        let Some(&byte) = rest.get(clean) else { break };
        rest = &rest[clean + 1..];
        out.reserve(6 + rest.len() + 1)?;
        let escape = ESCAPE[byte as usize];
        if escape == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let escaped = [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 15)],
            ];
            // SAFETY: at most 6 bytes of escape, reserved with the rest just above.
            unsafe { out.extend_reserved(&escaped) };
        } else {
            // SAFETY: as above.
            unsafe { out.extend_reserved(&[b'\\', escape]) };
        }
        clean = first_escape(rest);
    }
    // SAFETY: the closing quote's byte was counted in every reservation above.
    unsafe { out.extend_reserved(b"\"") };
    Ok(())
}

pub fn write_i64<O: Output>(out: &mut O, value: i64) -> Result<(), OutOfMemory> {
    let mut buffer = itoa::Buffer::new();
    out.write(buffer.format(value).as_bytes())
}

/// # Panics
/// Never: the text parsed back is the float formatter's own exponent.
///
/// Writes a finite float exactly as Python's `repr(float)`: the shortest digits that round
/// trip (zmij finds the same digits as CPython's dtoa), in fixed notation when the decimal
/// exponent is in [-4, 16), otherwise as `d.ddde+XX` with at least two exponent digits.
pub fn write_f64<O: Output>(out: &mut O, value: f64) -> Result<(), OutOfMemory> {
    debug_assert!(value.is_finite());
    let mut buffer = zmij::Buffer::new();
    let shortest = buffer.format_finite(value).as_bytes();
    // Where both write fixed notation they write the same text: the same digits, and ".0"
    // after an integral value. Python does for 1e-4 <= |x| < 1e16; zmij does for decimal
    // exponents -5 to 15, a wider range (tested below at both ends).
    if (1e-4..1e16).contains(&value.abs()) {
        debug_assert!(!shortest.contains(&b'e'));
        return out.write(shortest);
    }
    let (negative, body) = match shortest.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, shortest),
    };
    // Collect the significant digits and the exponent `point` such that the value is
    // 0.DIGITS x 10^point.
    let (mantissa, exponent) = match body.iter().position(|&b| b == b'e') {
        Some(e) => {
            let exponent: i32 = std::str::from_utf8(&body[e + 1..])
                .unwrap()
                .parse()
                .unwrap();
            (&body[..e], exponent)
        }
        None => (body, 0),
    };
    let mut digits = [0u8; 32];
    let mut count = 0;
    let mut point: i32 = 0;
    let mut seen_point = false;
    for &byte in mantissa {
        if byte == b'.' {
            seen_point = true;
            continue;
        }
        if count == 0 && byte == b'0' {
            // Leading zeros move the point left once past it.
            if seen_point {
                point -= 1;
            }
            continue;
        }
        digits[count] = byte;
        count += 1;
        if !seen_point {
            point += 1;
        }
    }
    while count > 1 && digits[count - 1] == b'0' {
        count -= 1;
    }
    if count == 0 {
        // Zero.
        return out.write(if negative { b"-0.0" } else { b"0.0" });
    }
    point += exponent;
    let digits = &digits[..count];
    let decimal_exponent = point - 1;
    let mut text = [0u8; 40];
    let mut len = 0;
    let mut push = |bytes: &[u8]| {
        text[len..len + bytes.len()].copy_from_slice(bytes);
        len += bytes.len();
    };
    if negative {
        push(b"-");
    }
    if (-4..16).contains(&decimal_exponent) {
        if point <= 0 {
            push(b"0.");
            for _ in 0..-point {
                push(b"0");
            }
            push(digits);
        } else {
            let point = usize::try_from(point).unwrap();
            if digits.len() <= point {
                push(digits);
                for _ in digits.len()..point {
                    push(b"0");
                }
                push(b".0");
            } else {
                push(&digits[..point]);
                push(b".");
                push(&digits[point..]);
            }
        }
    } else {
        push(&digits[..1]);
        if digits.len() > 1 {
            push(b".");
            push(&digits[1..]);
        }
        push(if decimal_exponent < 0 { b"e-" } else { b"e+" });
        let magnitude = decimal_exponent.unsigned_abs();
        if magnitude < 10 {
            push(b"0");
        }
        let mut exponent_text = itoa::Buffer::new();
        push(exponent_text.format(magnitude).as_bytes());
    }
    out.write(&text[..len])
}

/// Whether `text` is a JSON number (RFC 8259: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`).
/// Text that comes from outside the serializer (a Decimal's `str`) is checked with it before
/// it is written unquoted: nothing else may end up in the output as a number.
pub fn is_json_number(text: &[u8]) -> bool {
    let digits = |from: usize| {
        text[from..]
            .iter()
            .position(|byte| !byte.is_ascii_digit())
            .map_or(text.len(), |count| from + count)
    };
    let mut at = usize::from(text.first() == Some(&b'-'));
    match text.get(at) {
        Some(b'0') => at += 1,
        Some(b'1'..=b'9') => at = digits(at),
        _ => return false,
    }
    if text.get(at) == Some(&b'.') {
        let end = digits(at + 1);
        if end == at + 1 {
            return false;
        }
        at = end;
    }
    if matches!(text.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(text.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let end = digits(at);
        if end == at {
            return false;
        }
        at = end;
    }
    at == text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn float(value: f64) -> String {
        let mut out = Vec::new();
        write_f64(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn string(text: &str) -> String {
        let mut out = Vec::new();
        write_str(&mut out, text.as_bytes()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn floats_read_like_python_repr() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.1, "0.1"),
            (100.0, "100.0"),
            (123.456, "123.456"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (5e-324, "5e-324"),
            (1.797_693_134_862_315_7e308, "1.7976931348623157e+308"),
            (-2.5e100, "-2.5e+100"),
            (123_456_789_012_345.67, "123456789012345.67"),
            (9_007_199_254_740_993.0, "9007199254740992.0"),
            (0.000_1, "0.0001"),
            (0.000_099_999_999_999_999_99, "9.999999999999999e-05"),
            (9_999_999_999_999_998.0, "9999999999999998.0"),
            (1e16 - 2.0, "9999999999999998.0"),
        ];
        for (value, expected) in cases {
            assert_eq!(float(value), expected, "{value:e}");
        }
    }

    #[test]
    fn strings_escape_like_the_standard_library() {
        assert_eq!(string("plain"), "\"plain\"");
        assert_eq!(string("a\"b\\c/d"), r#""a\"b\\c/d""#);
        assert_eq!(
            string("\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}é"),
            "\"\\n\\r\\t\\b\\f\\u0001\\u001f\u{7f}é\""
        );
        assert_eq!(
            string("a long run of plain text then \" a quote"),
            "\"a long run of plain text then \\\" a quote\""
        );
    }

    #[test]
    fn json_numbers_are_told_from_other_text() {
        for number in [
            "0", "-0", "7", "10", "-12", "1.5", "0.000123", "1E+2", "1e-7", "0E-7", "1.10",
            "-1.2E+5",
        ] {
            assert!(is_json_number(number.as_bytes()), "{number}");
        }
        for text in [
            "",
            "-",
            "01",
            "1.",
            ".5",
            "+1",
            "1e",
            "1e+",
            "NaN",
            "Infinity",
            "-Infinity",
            "sNaN",
            "1,\"admin\":true",
            "1 ",
            " 1",
            "1.2.3",
            "0x1",
            "1_000",
        ] {
            assert!(!is_json_number(text.as_bytes()), "{text}");
        }
    }
}
