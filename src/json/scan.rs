//! Finding the bytes that end a run of plain string text: `"`, `\\` and the control
//! characters below U+0020. The parser stops there (end of string, escape, error) and so
//! does the serializer (escape needed): both spend most of their string time here.

/// Whether `byte` is a quote, a backslash or a control character.
#[inline]
pub const fn is_special(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// The index of the first special byte of `text` (or `text.len()`), and whether any byte
/// before it is non-ASCII.
#[inline]
pub fn first_special(text: &[u8]) -> (usize, bool) {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of x86_64.
        unsafe { first_special_sse2(text) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        first_special_scalar(text, 0, false)
    }
}

#[inline]
fn first_special_scalar(text: &[u8], mut pos: usize, mut non_ascii: bool) -> (usize, bool) {
    while let Some(&byte) = text.get(pos) {
        if is_special(byte) {
            break;
        }
        non_ascii |= byte >= 0x80;
        pos += 1;
    }
    (pos, non_ascii)
}

#[cfg(target_arch = "x86_64")]
#[inline]
unsafe fn first_special_sse2(text: &[u8]) -> (usize, bool) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    const PAGE: usize = 4096;
    // SAFETY (whole body): loads are unaligned and within `text`, except the one for a
    // short tail, which stays within the tail's memory page and is masked to the tail.
    unsafe {
        let quote = _mm_set1_epi8(i8::from_ne_bytes([b'"']));
        let backslash = _mm_set1_epi8(i8::from_ne_bytes([b'\\']));
        let below_space = _mm_set1_epi8(0x1f);
        // (special bytes, non-ASCII bytes) as bit masks of the 16 bytes at `at`.
        let masks = |at: *const u8| -> (u32, u32) {
            // An unaligned load: the alignment of the pointer type does not matter.
            #[allow(clippy::cast_ptr_alignment)]
            let chunk = _mm_loadu_si128(at.cast::<__m128i>());
            // max(byte, 0x1f) == 0x1f exactly for the control characters.
            let control = _mm_cmpeq_epi8(_mm_max_epu8(chunk, below_space), below_space);
            let special = _mm_or_si128(
                _mm_or_si128(
                    _mm_cmpeq_epi8(chunk, quote),
                    _mm_cmpeq_epi8(chunk, backslash),
                ),
                control,
            );
            (
                u32::from_ne_bytes(_mm_movemask_epi8(special).to_ne_bytes()),
                u32::from_ne_bytes(_mm_movemask_epi8(chunk).to_ne_bytes()),
            )
        };
        let found = |pos: usize, special: u32, high: u32, non_ascii: bool| {
            let index = special.trailing_zeros();
            let before = (1u32 << index) - 1;
            (pos + index as usize, non_ascii || high & before != 0)
        };
        let mut pos = 0;
        let mut non_ascii = false;
        while pos + 16 <= text.len() {
            let (special, high) = masks(text.as_ptr().add(pos));
            if special != 0 {
                return found(pos, special, high, non_ascii);
            }
            non_ascii |= high != 0;
            pos += 16;
        }
        let rest = text.len() - pos;
        if rest == 0 {
            return (pos, non_ascii);
        }
        let at = text.as_ptr().add(pos);
        if (at as usize) % PAGE > PAGE - 16 {
            return first_special_scalar(text, pos, non_ascii);
        }
        let valid = (1u32 << rest) - 1;
        let (special, high) = masks(at);
        let (special, high) = (special & valid, high & valid);
        if special != 0 {
            return found(pos, special, high, non_ascii);
        }
        (text.len(), non_ascii || high != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_special_byte_and_non_ascii_before_it() {
        for len in 0..40usize {
            for special_at in 0..=len {
                for high_at in [None, Some(0), Some(len / 2), Some(len.saturating_sub(1))] {
                    let mut text = vec![b'a'; len];
                    if let Some(high) = high_at.filter(|&h| h < len) {
                        text[high] = 0xC3;
                    }
                    if special_at < len {
                        text[special_at] = b'"';
                    }
                    let expected = first_special_scalar(&text, 0, false);
                    assert_eq!(
                        first_special(&text),
                        expected,
                        "{len} {special_at} {high_at:?}"
                    );
                }
            }
        }
    }
}
