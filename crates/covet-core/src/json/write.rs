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
    // A sign and at most 19 digits.
    out.reserve(20)?;
    let negative = value < 0;
    // SAFETY: at most 20 bytes stored (the sign and 19 digits: `write_digits` stores only
    // digits), reserved above; what is committed was written.
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
/// `target` is valid for 20 bytes.
#[allow(clippy::inline_always)] // a few instructions for the common sizes
#[inline(always)]
unsafe fn write_digits(value: u64, target: *mut u8) -> usize {
    if value < 10_000 {
        // Below 10^4.
        #[allow(clippy::cast_possible_truncation)]
        // SAFETY: at most 4 bytes, within the promised 20.
        return unsafe { write_up_to_four_digits(value as u32, target) };
    }
    // SAFETY: the caller's promise.
    unsafe { write_long_digits(value, target) }
}

/// Writes `value` (below 10^4) at `target` in as many digits as it has, and returns how
/// many.
///
/// # Safety
/// `target` is valid for 4 bytes.
#[allow(clippy::inline_always)]
#[inline(always)]
unsafe fn write_up_to_four_digits(value: u32, target: *mut u8) -> usize {
    debug_assert!(value < 10_000);
    // SAFETY: (the whole body) at most 4 bytes stored, as promised.
    unsafe {
        if value < 100 {
            if value < 10 {
                // One digit.
                #[allow(clippy::cast_possible_truncation)]
                let digit = b'0' + value as u8;
                *target = digit;
                return 1;
            }
            target.cast::<[u8; 2]>().write_unaligned(pair(value));
            return 2;
        }
        let (high, low) = (value / 100, value % 100);
        if high < 10 {
            #[allow(clippy::cast_possible_truncation)]
            let digit = b'0' + high as u8;
            *target = digit;
            target.add(1).cast::<[u8; 2]>().write_unaligned(pair(low));
            return 3;
        }
        target.cast::<[u8; 2]>().write_unaligned(pair(high));
        target.add(2).cast::<[u8; 2]>().write_unaligned(pair(low));
        4
    }
}

/// The two digits of `value` (below 100), from the table.
#[allow(clippy::inline_always)]
#[inline(always)]
fn pair(value: u32) -> [u8; 2] {
    DIGIT_PAIRS[value as usize % 100]
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

/// `write_digits` for values of five digits and more: the leading part in as many digits as
/// it has, then groups of four or eight digits with their leading zeros, each group's pairs
/// from the table. Each pair comes from two divisions by constants (by 10^4, then by 100)
/// that do not wait on each other's pairs: a shorter chain of dependent multiplications
/// than splitting a whole word lane by lane (three in a row), which was the int writer's
/// stall on citm_catalog.json (integers of mostly nine digits; 6-digit ints took 5.6 ns
/// each against orjson's 2.6).
///
/// # Safety
/// `target` is valid for 20 bytes.
#[inline(never)]
unsafe fn write_long_digits(value: u64, target: *mut u8) -> usize {
    const E4: u64 = 10_000;
    const E8: u64 = 100_000_000;
    // SAFETY: (the whole body) the stores: below 10^8, up to 4 digits and 4 after them;
    // below 10^16, up to 8 digits (by `write_digits`) and 8 after them; above, up to 4
    // digits (the value is below 2^64 < 10^20), then 8 and 8: at most 20 bytes.
    unsafe {
        if value < E8 {
            // Both below 10^4.
            #[allow(clippy::cast_possible_truncation)]
            let (high, low) = ((value / E4) as u32, (value % E4) as u32);
            let written = write_up_to_four_digits(high, target);
            write_four_digits(low, target.add(written));
            return written + 4;
        }
        let (high, low) = (value / E8, value % E8);
        let written = write_digits(high, target);
        // Below 10^8.
        #[allow(clippy::cast_possible_truncation)]
        write_eight_digits(low as u32, target.add(written));
        written + 8
    }
}

/// Stores the four digits of `value` (below 10^4, leading zeros included) at `target`.
///
/// # Safety
/// `target` is valid for 4 bytes.
#[allow(clippy::inline_always)]
#[inline(always)]
unsafe fn write_four_digits(value: u32, target: *mut u8) {
    // SAFETY: two 2-byte stores inside the promised 4 bytes.
    unsafe {
        target.cast::<[u8; 2]>().write_unaligned(pair(value / 100));
        target
            .add(2)
            .cast::<[u8; 2]>()
            .write_unaligned(pair(value % 100));
    }
}

/// Stores the eight digits of `value` (below 10^8, leading zeros included) at `target`.
///
/// # Safety
/// `target` is valid for 8 bytes.
#[allow(clippy::inline_always)]
#[inline(always)]
unsafe fn write_eight_digits(value: u32, target: *mut u8) {
    // SAFETY: two groups of four inside the promised 8 bytes.
    unsafe {
        write_four_digits(value / 10_000, target);
        write_four_digits(value % 10_000, target.add(4));
    }
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
    fn every_group_of_digits_is_written_with_its_leading_zeros() {
        // Every value below 10^8 would take seconds in a debug build: every 101st, and
        // every value near a power of ten or a split point; each alone, as the leading part
        // of a longer number, and as the last eight digits of one.
        let near = (1..=8u32).flat_map(|power| {
            let base = 10u32.pow(power);
            base.saturating_sub(3)..base.saturating_add(3)
        });
        for value in (0..100_000_000u32)
            .step_by(101)
            .chain(near)
            .filter(|&v| v < 100_000_000)
        {
            for number in [
                u64::from(value),
                u64::from(value) * 100_000_000 + 12_345_678,
                1_000_000_000 + u64::from(value),
            ] {
                let mut out = Vec::new();
                write_i64(&mut out, i64::try_from(number).unwrap()).unwrap();
                assert_eq!(String::from_utf8(out).unwrap(), number.to_string());
            }
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
