//! Finding the bytes that end a run of plain string text: `"`, `\\` and the control
//! characters below U+0020. The parser stops there (end of string, escape, error) and so
//! does the serializer (escape needed): both spend most of their string time here.

use super::simd::{level, Level};

/// The bytes of `chunk` that end a plain run (a quote, a backslash, a control character), as
/// 0xff, the others 0: the parser's string scan and the serializer's string copy both ask.
#[cfg(target_arch = "x86_64")]
#[allow(clippy::inline_always)] // a few instructions inside every vector loop
#[inline(always)]
pub(super) fn special_bytes_sse2(chunk: std::arch::x86_64::__m128i) -> std::arch::x86_64::__m128i {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_max_epu8, _mm_or_si128, _mm_set1_epi8};
    // SAFETY: SSE2 is part of x86_64; register operations only.
    unsafe {
        let below_space = _mm_set1_epi8(0x1f);
        // max(byte, 0x1f) == 0x1f exactly for the control characters.
        let control = _mm_cmpeq_epi8(_mm_max_epu8(chunk, below_space), below_space);
        let quote = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(0x22));
        let backslash = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(0x5c));
        _mm_or_si128(_mm_or_si128(quote, backslash), control)
    }
}

/// `special_bytes_sse2` for 32 bytes.
///
/// # Safety
/// The CPU has AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
pub(super) unsafe fn special_bytes_avx2(
    chunk: std::arch::x86_64::__m256i,
) -> std::arch::x86_64::__m256i {
    use std::arch::x86_64::{
        _mm256_cmpeq_epi8, _mm256_max_epu8, _mm256_or_si256, _mm256_set1_epi8,
    };
    let below_space = _mm256_set1_epi8(0x1f);
    let control = _mm256_cmpeq_epi8(_mm256_max_epu8(chunk, below_space), below_space);
    let quote = _mm256_cmpeq_epi8(chunk, _mm256_set1_epi8(0x22));
    let backslash = _mm256_cmpeq_epi8(chunk, _mm256_set1_epi8(0x5c));
    _mm256_or_si256(_mm256_or_si256(quote, backslash), control)
}

/// The bytes of the 64 in `chunk` that end a plain run, as a bit mask (bit `i` for byte
/// `i`).
///
/// # Safety
/// The CPU has AVX-512F and AVX-512BW.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
#[inline]
pub(super) unsafe fn special_mask_avx512(chunk: std::arch::x86_64::__m512i) -> u64 {
    use std::arch::x86_64::{_mm512_cmpeq_epi8_mask, _mm512_cmple_epu8_mask, _mm512_set1_epi8};
    _mm512_cmple_epu8_mask(chunk, _mm512_set1_epi8(0x1f))
        | _mm512_cmpeq_epi8_mask(chunk, _mm512_set1_epi8(0x22))
        | _mm512_cmpeq_epi8_mask(chunk, _mm512_set1_epi8(0x5c))
}

/// `special_bytes_sse2` for NEON.
#[cfg(target_arch = "aarch64")]
#[allow(clippy::inline_always)] // a few instructions inside every vector loop
#[inline(always)]
pub(super) fn special_bytes_neon(
    chunk: std::arch::aarch64::uint8x16_t,
) -> std::arch::aarch64::uint8x16_t {
    use std::arch::aarch64::{vceqq_u8, vcleq_u8, vdupq_n_u8, vorrq_u8};
    // SAFETY: NEON is part of aarch64 (a baseline feature of every aarch64 target); register
    // operations only.
    unsafe {
        let control = vcleq_u8(chunk, vdupq_n_u8(0x1f));
        let quote = vceqq_u8(chunk, vdupq_n_u8(0x22));
        let backslash = vceqq_u8(chunk, vdupq_n_u8(0x5c));
        vorrq_u8(vorrq_u8(quote, backslash), control)
    }
}

/// A NEON byte mask (each byte 0xff or 0) as four bits per byte of a 64-bit word, byte `i`
/// at bits `4i..4i + 4` (NEON has no movemask; a narrowing shift is the usual stand-in).
#[cfg(target_arch = "aarch64")]
#[allow(clippy::inline_always)]
#[inline(always)]
pub(super) fn nibble_mask(mask: std::arch::aarch64::uint8x16_t) -> u64 {
    use std::arch::aarch64::{
        vget_lane_u64, vreinterpret_u64_u8, vreinterpretq_u16_u8, vshrn_n_u16,
    };
    // SAFETY: NEON is part of aarch64; register operations only.
    unsafe {
        vget_lane_u64::<0>(vreinterpret_u64_u8(vshrn_n_u16::<4>(vreinterpretq_u16_u8(
            mask,
        ))))
    }
}

/// The mask of the first `len` of 64 bytes (`len <= 64`).
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) const fn first_bytes(len: usize) -> u64 {
    if len >= 64 {
        u64::MAX
    } else {
        (1u64 << len) - 1
    }
}

/// Whether `byte` is a quote, a backslash or a control character.
// The byte-by-byte form: the portable scan, and the tests' reference.
#[inline]
pub const fn is_special(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// The index of the first special byte of `text` (or `text.len()`), and whether any byte
/// before it is non-ASCII.
#[inline]
pub fn first_special(text: &[u8]) -> (usize, bool) {
    first_special_at(level(), text)
}

/// `first_special` at `level` (the process's, or a test's: one this CPU has).
#[inline]
fn first_special_at(level: Level, text: &[u8]) -> (usize, bool) {
    match level {
        // Only texts of 64 bytes and more: on shorter ones (most strings) the masked load
        // measured slower than the inlined SSE2 path (0.93x on 2-to-20-byte strings).
        // SAFETY: AVX-512F and BW are there (the level is available).
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 if text.len() >= 64 => unsafe { first_special_avx512(text) },
        // Only texts of 32 bytes and more are worth the call: shorter ones (most strings)
        // stay on the inlined SSE2 path.
        // SAFETY: AVX2 is there (the level is available).
        #[cfg(target_arch = "x86_64")]
        Level::Avx2 if text.len() >= 32 => unsafe { first_special_avx2(text) },
        // SAFETY: SSE2 is part of x86_64.
        #[cfg(target_arch = "x86_64")]
        Level::Sse2 | Level::Avx2 | Level::Avx512 => unsafe { first_special_sse2(text) },
        #[cfg(target_arch = "aarch64")]
        Level::Neon => first_special_neon(text),
        _ => first_special_scalar(text, 0, false),
    }
}

/// `first_special`, 32 bytes at a time, the last ones by the SSE2 path.
///
/// # Safety
/// The CPU has AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn first_special_avx2(text: &[u8]) -> (usize, bool) {
    use std::arch::x86_64::{__m256i, _mm256_loadu_si256, _mm256_movemask_epi8};
    // (special bytes, non-ASCII bytes) as bit masks of the 32 bytes at `at`.
    let masks = |at: usize| -> (u32, u32) {
        // SAFETY: callers pass `at + 32 <= text.len()`; an unaligned load. AVX2 is there
        // (the caller's promise).
        #[allow(clippy::cast_ptr_alignment)]
        let (chunk, special) = unsafe {
            let chunk = _mm256_loadu_si256(text.as_ptr().add(at).cast::<__m256i>());
            (chunk, special_bytes_avx2(chunk))
        };
        (
            u32::from_ne_bytes(_mm256_movemask_epi8(special).to_ne_bytes()),
            u32::from_ne_bytes(_mm256_movemask_epi8(chunk).to_ne_bytes()),
        )
    };
    let found = |pos: usize, special: u32, high: u32, non_ascii: bool| {
        let index = special.trailing_zeros();
        let before = (1u64 << index) - 1;
        (
            pos + index as usize,
            non_ascii || u64::from(high) & before != 0,
        )
    };
    if text.len() < 32 {
        // SAFETY: SSE2 is part of x86_64.
        return unsafe { first_special_sse2(text) };
    }
    let mut pos = 0;
    let mut non_ascii = false;
    while pos + 32 <= text.len() {
        let (special, high) = masks(pos);
        if special != 0 {
            return found(pos, special, high, non_ascii);
        }
        non_ascii |= high != 0;
        pos += 32;
    }
    if pos == text.len() {
        return (pos, non_ascii);
    }
    // The last 32 bytes; the first of them were checked above (no special byte among them),
    // so their bits are shifted out.
    let checked = pos - (text.len() - 32);
    let (special, high) = masks(text.len() - 32);
    let (special, high) = (special >> checked, high >> checked);
    if special != 0 {
        return found(pos, special, high, non_ascii);
    }
    (text.len(), non_ascii || high != 0)
}

/// `first_special`, 64 bytes at a time; the last ones by one masked load, which reads only
/// the bytes it keeps.
///
/// # Safety
/// The CPU has AVX-512F and AVX-512BW.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn first_special_avx512(text: &[u8]) -> (usize, bool) {
    use std::arch::x86_64::{_mm512_loadu_si512, _mm512_maskz_loadu_epi8, _mm512_movepi8_mask};
    let mut pos = 0;
    let mut non_ascii = false;
    // SAFETY: (the whole body) AVX-512F and BW are there (the caller's promise). Full loads
    // read 64 bytes inside `text`; the masked load reads only the `rest` bytes left in it
    // (masked-off bytes are not accessed, so they cannot fault, and are zero).
    unsafe {
        while pos + 64 <= text.len() {
            let chunk = _mm512_loadu_si512(text.as_ptr().add(pos).cast());
            let special = special_mask_avx512(chunk);
            let high = _mm512_movepi8_mask(chunk);
            if special != 0 {
                let index = special.trailing_zeros();
                let before = first_bytes(index as usize);
                return (pos + index as usize, non_ascii || high & before != 0);
            }
            non_ascii |= high != 0;
            pos += 64;
        }
        let rest = text.len() - pos;
        if rest == 0 {
            return (pos, non_ascii);
        }
        let valid = first_bytes(rest);
        let chunk = _mm512_maskz_loadu_epi8(valid, text.as_ptr().add(pos).cast());
        // The zeroed bytes would count as control characters: masked off.
        let special = special_mask_avx512(chunk) & valid;
        let high = _mm512_movepi8_mask(chunk);
        let index = special.trailing_zeros() as usize;
        let end = index.min(rest);
        (pos + end, non_ascii || high & first_bytes(end) != 0)
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
    use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_movemask_epi8};
    // SAFETY: (the whole body) every load is unaligned and reads 16 bytes inside `text` or
    // inside a local copy. Reading past the end of `text`, even within its memory page, is
    // undefined behaviour (AddressSanitizer reports it: fuzz/, json_parse), so the tail is
    // read as the last 16 bytes of `text`, overlapping bytes already checked, and a text
    // shorter than 16 bytes is copied to a zero-padded block first (as cheap as the old
    // over-read: callgrind counted 2.6 more instructions per dict key).
    unsafe {
        // (special bytes, non-ASCII bytes) as bit masks of the 16 bytes at `at`.
        let masks = |at: *const u8| -> (u32, u32) {
            // An unaligned load: the alignment of the pointer type does not matter.
            #[allow(clippy::cast_ptr_alignment)]
            let chunk = _mm_loadu_si128(at.cast::<__m128i>());
            let special = special_bytes_sse2(chunk);
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
        if text.len() < 16 {
            // Short strings, most dict keys: one block, the padding masked off.
            let block = short_block(text);
            let valid = (1u32 << rest) - 1;
            let (special, high) = masks(block.as_ptr());
            let (special, high) = (special & valid, high & valid);
            if special != 0 {
                return found(pos, special, high, non_ascii);
            }
            return (text.len(), non_ascii || high != 0);
        }
        // The last 16 bytes; the first `16 - rest` of them were checked above (no special
        // byte among them), so their bits are shifted out.
        let checked = 16 - rest;
        let (special, high) = masks(text.as_ptr().add(text.len() - 16));
        let (special, high) = (special >> checked, high >> checked);
        if special != 0 {
            return found(pos, special, high, non_ascii);
        }
        (text.len(), non_ascii || high != 0)
    }
}

/// `first_special`, 16 bytes at a time with NEON, as the SSE2 path does it.
#[cfg(target_arch = "aarch64")]
fn first_special_neon(text: &[u8]) -> (usize, bool) {
    use std::arch::aarch64::{vcgeq_u8, vdupq_n_u8, vld1q_u8};
    // (special bytes, non-ASCII bytes) as nibble masks of the 16 bytes at `at`.
    let masks = |at: *const u8| -> (u64, u64) {
        // SAFETY: callers pass a pointer with 16 readable bytes (inside `text` or a local
        // block); NEON is part of aarch64.
        let (chunk, high) = unsafe {
            let chunk = vld1q_u8(at);
            (chunk, vcgeq_u8(chunk, vdupq_n_u8(0x80)))
        };
        (nibble_mask(special_bytes_neon(chunk)), nibble_mask(high))
    };
    let found = |pos: usize, special: u64, high: u64, non_ascii: bool| {
        let index = special.trailing_zeros() / 4;
        let before = (1u64 << (index * 4)) - 1;
        (pos + index as usize, non_ascii || high & before != 0)
    };
    let mut pos = 0;
    let mut non_ascii = false;
    while pos + 16 <= text.len() {
        let (special, high) = masks(text[pos..].as_ptr());
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
    if text.len() < 16 {
        // Short strings: one zero-padded block, the padding masked off.
        let block = short_block(text);
        let valid = (1u64 << (rest * 4)) - 1;
        let (special, high) = masks(block.as_ptr());
        let (special, high) = (special & valid, high & valid);
        if special != 0 {
            return found(pos, special, high, non_ascii);
        }
        return (text.len(), non_ascii || high != 0);
    }
    // The last 16 bytes; the first `16 - rest` of them were checked above.
    let checked = (16 - rest) * 4;
    let (special, high) = masks(text[text.len() - 16..].as_ptr());
    let (special, high) = (special >> checked, high >> checked);
    if special != 0 {
        return found(pos, special, high, non_ascii);
    }
    (text.len(), non_ascii || high != 0)
}

/// `text` (shorter than 16 bytes) zero-padded to 16 bytes, copied with two overlapping
/// fixed-size moves instead of a variable-length `memcpy` call.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
#[inline]
fn short_block(text: &[u8]) -> [u8; 16] {
    let mut block = [0u8; 16];
    let len = text.len();
    if len >= 8 {
        block[..8].copy_from_slice(&text[..8]);
        block[len - 8..len].copy_from_slice(&text[len - 8..]);
    } else if len >= 4 {
        block[..4].copy_from_slice(&text[..4]);
        block[len - 4..len].copy_from_slice(&text[len - 4..]);
    } else if len > 0 {
        block[0] = text[0];
        block[len / 2] = text[len / 2];
        block[len - 1] = text[len - 1];
    }
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_special_byte_and_non_ascii_before_it() {
        // Past two 64-byte blocks: every path's loop and tail run.
        for len in 0..160usize {
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
                    for level in crate::json::simd::available() {
                        assert_eq!(
                            first_special_at(level, &text),
                            expected,
                            "{level:?} {len} {special_at} {high_at:?}"
                        );
                    }
                }
            }
        }
    }

    /// Every text is scanned within its own bytes. Each one here ends exactly where its
    /// allocation ends, so a read past the end (the old 16-byte tail load, found by the
    /// fuzz/ json_parse target) is reported when the tests run under AddressSanitizer or
    /// Miri; without them this checks that bytes after the text are never seen.
    #[test]
    fn reads_only_inside_the_text() {
        for len in 0..160usize {
            for special_at in [None, Some(0), Some(len / 2), Some(len.saturating_sub(1))] {
                let mut text = vec![b'a'; len];
                if let Some(at) = special_at.filter(|&at| at < len) {
                    text[at] = b'\\';
                }
                let text = text.into_boxed_slice();
                for level in crate::json::simd::available() {
                    assert_eq!(
                        first_special_at(level, &text),
                        first_special_scalar(&text, 0, false),
                        "{level:?} {len} {special_at:?}"
                    );
                    // A special byte right after the slice must not be seen.
                    let mut longer = text.to_vec();
                    longer.push(b'"');
                    assert_eq!(
                        first_special_at(level, &longer[..len]).0,
                        special_at.filter(|&at| at < len).unwrap_or(len)
                    );
                }
            }
        }
    }
}
