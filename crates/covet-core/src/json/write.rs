//! The output of `dumps`, free of Python types: the [`Output`] buffer, and integers and
//! floats laid out as Python writes them (strings: `text`).
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
    /// Where the next byte goes: a writer stores into the reserved room from here, then
    /// commits what it wrote.
    ///
    /// # Safety
    /// Only the room reserved after it may be written.
    unsafe fn tail(&mut self) -> *mut u8;
    /// Counts the next `count` bytes, written from `tail()`, as written.
    ///
    /// # Safety
    /// They were reserved and written.
    unsafe fn commit(&mut self, count: usize);

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

    unsafe fn tail(&mut self) -> *mut u8 {
        self.spare_capacity_mut().as_mut_ptr().cast::<u8>()
    }

    unsafe fn commit(&mut self, count: usize) {
        // SAFETY: the caller wrote `count` reserved bytes after the length.
        unsafe { self.set_len(self.len() + count) };
    }
}

/// Writes `value` in decimal, straight into the output (no stack buffer read back).
#[inline]
pub fn write_i64<O: Output>(out: &mut O, value: i64) -> Result<(), OutOfMemory> {
    // A sign, at most 20 digits, and the 8-byte stores' overhang (see `write_digits`).
    out.reserve(24)?;
    let negative = value < 0;
    // SAFETY: at most 24 bytes stored (the sign and `write_digits`' 23), reserved above;
    // what is committed was written.
    unsafe {
        let mut target = out.tail();
        if negative {
            *target = b'-';
            target = target.add(1);
        }
        let len = write_digits(value.unsigned_abs(), target);
        out.commit(len + usize::from(negative));
    }
    Ok(())
}

/// Writes the decimal digits of `value` at `target`, and returns how many there are: up to
/// four digits as pairs from a table (most integers of real documents), longer ones by
/// `write_long_digits`.
///
/// # Safety
/// `target` is valid for 23 bytes.
#[allow(clippy::inline_always)] // a few instructions for the common sizes
#[inline(always)]
unsafe fn write_digits(value: u64, target: *mut u8) -> usize {
    // SAFETY: (the whole body) at most 4 bytes stored here, within the promised 23.
    unsafe {
        if value < 100 {
            // Below 100: an index of the table.
            #[allow(clippy::cast_possible_truncation)]
            let value = value as usize;
            if value < 10 {
                // One digit.
                #[allow(clippy::cast_possible_truncation)]
                let digit = b'0' + value as u8;
                *target = digit;
                return 1;
            }
            target.cast::<[u8; 2]>().write_unaligned(DIGIT_PAIRS[value]);
            return 2;
        }
        if value < 10_000 {
            // Both below 100.
            #[allow(clippy::cast_possible_truncation)]
            let (high, low) = ((value / 100) as usize, (value % 100) as usize);
            if high < 10 {
                #[allow(clippy::cast_possible_truncation)]
                let digit = b'0' + high as u8;
                *target = digit;
                target
                    .add(1)
                    .cast::<[u8; 2]>()
                    .write_unaligned(DIGIT_PAIRS[low]);
                return 3;
            }
            target.cast::<[u8; 2]>().write_unaligned(DIGIT_PAIRS[high]);
            target
                .add(2)
                .cast::<[u8; 2]>()
                .write_unaligned(DIGIT_PAIRS[low]);
            return 4;
        }
        write_long_digits(value, target)
    }
}

/// "00" to "99".
static DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0u8; 2]; 100];
    let mut index = 0;
    while index < 100 {
        // Both below 10.
        #[allow(clippy::cast_possible_truncation)]
        {
            pairs[index] = [b'0' + (index / 10) as u8, b'0' + (index % 10) as u8];
        }
        index += 1;
    }
    pairs
};

/// `write_digits` for values of five digits and more: made eight at a time in one 64-bit
/// word (no division chain from the last digit to the first) and stored as whole words: up
/// to 7 bytes past the digits may be written.
///
/// # Safety
/// `target` is valid for 23 bytes.
#[inline(never)]
unsafe fn write_long_digits(value: u64, target: *mut u8) -> usize {
    const E8: u64 = 100_000_000;
    // SAFETY: (the whole body) the stores: below 10^8, one word at `target`; below 10^16,
    // the high part (up to 8 digits, stored by `write_digits`) and a word right after its
    // digits; above, up to 4 digits, then two words after them: at most 4 + 8 + 8 + 3 = 23
    // bytes.
    unsafe {
        if value < E8 {
            // Below 10^8.
            #[allow(clippy::cast_possible_truncation)]
            let word = eight_digits(value as u32);
            // The leading zero digits are the word's low zero bytes (little-endian order).
            let zeros = (word.trailing_zeros() / 8) as usize;
            let digits = word >> (8 * zeros);
            target
                .cast::<u64>()
                .write_unaligned((digits | ASCII_ZEROS >> (8 * zeros)).to_le());
            return 8 - zeros;
        }
        let (high, low) = (value / E8, value % E8);
        let written = write_digits(high, target);
        // Below 10^8.
        #[allow(clippy::cast_possible_truncation)]
        let low = eight_digits(low as u32);
        target
            .add(written)
            .cast::<u64>()
            .write_unaligned((low | ASCII_ZEROS).to_le());
        written + 8
    }
}

/// `b'0'` in each byte.
const ASCII_ZEROS: u64 = 0x3030_3030_3030_3030;

/// The eight decimal digits of `value` (below 10^8, leading zeros included) as the values
/// 0 to 9 in the bytes of a word, the first digit in the lowest byte: split in halves of
/// four digits, each of those in two, each of those in two, all lanes at once (each
/// product stays inside its lane).
#[inline]
const fn eight_digits(value: u32) -> u64 {
    let value = value as u64;
    // value / 10^4 for value < 10^8 (exact: checked below for every boundary).
    let high = (value * 109_951_163) >> 40;
    let halves = high | ((value - high * 10_000) << 32);
    let hundreds = ((halves * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let pairs = hundreds | ((halves - hundreds * 100) << 16);
    let tens = ((pairs * 103) >> 10) & 0x000f_000f_000f_000f;
    tens | ((pairs - tens * 10) << 8)
}

/// # Panics
/// Never: the text parsed back is the float formatter's own exponent.
///
/// Writes a finite float exactly as Python's `repr(float)`: the shortest digits that round
/// trip (zmij finds the same digits as CPython's dtoa), in fixed notation when the decimal
/// exponent is in [-4, 16), otherwise as `d.ddde+XX` with at least two exponent digits.
#[inline]
pub fn write_f64<O: Output>(out: &mut O, value: f64) -> Result<(), OutOfMemory> {
    debug_assert!(value.is_finite());
    out.reserve(FLOAT_ROOM)?;
    // SAFETY: `FLOAT_ROOM` bytes reserved above, so the tail holds a `zmij::Buffer` (24
    // bytes of `MaybeUninit<u8>`, alignment 1: checked at compile time below) that only
    // this call uses; any bytes are a valid value of it. What is committed was written.
    unsafe {
        let tail = out.tail();
        // Formatted straight into the output: formatting into a local buffer and copying it
        // made the copy's wide load wait on the formatter's narrow stores (a store-to-load
        // forwarding stall: a quarter of canada.json's dumps time).
        let buffer = &mut *tail.cast::<zmij::Buffer>();
        let shortest = buffer.format_finite(value).as_bytes();
        let (start, len) = (shortest.as_ptr(), shortest.len());
        // Where both write fixed notation they write the same text: the same digits, and
        // ".0" after an integral value. Python does for 1e-4 <= |x| < 1e16; zmij does for
        // decimal exponents -5 to 15, a wider range (tested below at both ends).
        if (1e-4..1e16).contains(&value.abs()) {
            debug_assert!(!shortest.contains(&b'e'));
            if start != tail.cast_const() {
                // zmij writes from the start of its buffer today; should it ever not, the
                // text is moved there (the regions may overlap).
                std::ptr::copy(start, tail, len);
            }
            out.commit(len);
            return Ok(());
        }
        // Laid out again from a copy, since the layout is written over the same room.
        let mut copy = [0u8; FLOAT_ROOM];
        std::ptr::copy_nonoverlapping(start, copy.as_mut_ptr(), len);
        write_f64_python_layout(out, &copy[..len])
    }
}

/// The room `write_f64` reserves: zmij's buffer.
const FLOAT_ROOM: usize = 24;
const _: () = assert!(
    std::mem::size_of::<zmij::Buffer>() == FLOAT_ROOM && std::mem::align_of::<zmij::Buffer>() == 1
);

/// The rest of `write_f64` for values outside [1e-4, 1e16) and zero: zmij's `shortest` text
/// laid out again as Python lays it out. Apart, so that the common case keeps a small frame.
#[inline(never)]
fn write_f64_python_layout<O: Output>(out: &mut O, shortest: &[u8]) -> Result<(), OutOfMemory> {
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
        crate::json::text::write_utf8(&mut out, text.as_bytes()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn eight_digits_splits_every_value() {
        // Every value below 10^8 would take seconds in a debug build (all were checked once in
        // a release build): every 101st, and every
        // value near a power of ten or a split point.
        let near = (1..=8u32).flat_map(|power| {
            let base = 10u32.pow(power);
            base.saturating_sub(3)..base.saturating_add(3)
        });
        for value in (0..100_000_000u32)
            .step_by(101)
            .chain(near)
            .filter(|&v| v < 100_000_000)
        {
            let word = eight_digits(value);
            let expected = format!("{value:08}");
            let digits: Vec<u8> = word
                .to_le_bytes()
                .iter()
                .map(|digit| digit + b'0')
                .collect();
            assert_eq!(digits, expected.as_bytes(), "{value}");
        }
    }

    #[test]
    fn integers_read_like_python_repr() {
        let mut values = vec![
            0,
            1,
            -1,
            9,
            10,
            -10,
            99,
            100,
            101,
            i64::MAX,
            i64::MIN,
            12_345_678_901,
        ];
        let mut power = 1i64;
        while let Some(next) = power.checked_mul(10) {
            values.extend([power - 1, power, power + 1, -power, -(power - 1), next - 1]);
            power = next;
        }
        for value in values {
            let mut out = Vec::new();
            write_i64(&mut out, value).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), value.to_string());
        }
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
