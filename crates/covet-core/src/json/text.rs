//! A `str`'s characters as CPython stores them (one, two or four bytes per code point) and
//! their JSON string form, written as UTF-8 straight from there.
//!
//! Reading the stored form instead of CPython's UTF-8 form (`PyUnicode_AsUTF8AndSize`)
//! matters twice: that call makes a UTF-8 copy of every non-ASCII string and keeps it in
//! the object for as long as it lives (a 10,000-character CJK string grows from 20 KB to
//! 50 KB), and a fresh string pays for that copy before a byte is written.
//!
//! Every writer here stores straight into the output's reserved room, in the widest pieces
//! it reads: a short text copied to a stack block and read back with a wider load stalls
//! the CPU (a store-to-load forwarding failure), which was a quarter of `dumps`' time on
//! twitter.json. So writes may run up to [`SLACK`] bytes past what they commit: every
//! reservation counts it.

#[cfg(target_arch = "aarch64")]
use super::scan::special_bytes_neon;
#[cfg(target_arch = "x86_64")]
use super::scan::{first_bytes, special_bytes_avx2, special_bytes_sse2, special_mask_avx512};
use super::simd::{level, Level};
use super::write::{OutOfMemory, Output};

/// A string's code points, in the width CPython stores them in.
#[derive(Clone, Copy, Debug)]
pub enum Text<'a> {
    /// Code points below U+0100, one byte each (ASCII is the common case).
    Latin1(&'a [u8]),
    /// Code points below U+10000, at least one above U+00FF. A surrogate here is a lone one:
    /// CPython stores a string with a code point above U+FFFF four bytes wide.
    Ucs2(&'a [u16]),
    /// At least one code point above U+FFFF.
    Ucs4(&'a [u32]),
}

/// The first 16 bytes of `units` as a big-endian number, zero-padded, read as whole words
/// inside the slice (copying a short text to a zeroed block and reading the block back as
/// one number stalls the CPU: a store-to-load forwarding failure per key of a sort).
#[inline]
fn latin1_prefix(units: &[u8]) -> u128 {
    let len = units.len().min(16);
    let word =
        |at: usize| -> u64 { u64::from_be_bytes(units[at..at + 8].try_into().unwrap_or_default()) };
    let half = |at: usize| -> u64 {
        u64::from(u32::from_be_bytes(
            units[at..at + 4].try_into().unwrap_or_default(),
        ))
    };
    // Each piece shifted to its byte offset (byte k at bits 120 - 8k); overlapping pieces
    // agree on the bytes they share.
    let high: u64 = match len {
        0 => 0,
        1..=3 => {
            let byte = |at: usize| u64::from(units[at]) << (56 - 8 * at);
            byte(0) | byte(len / 2) | byte(len - 1)
        }
        4..=7 => (half(0) << 32) | (half(len - 4) << (64 - 8 * len)),
        _ => word(0),
    };
    let low: u64 = match len {
        0..=8 => 0,
        // The last 8 bytes, their first `16 - len` (also in `high`) shifted out.
        _ => word(len - 8) << (8 * (16 - len)),
    };
    (u128::from(high) << 64) | u128::from(low)
}

/// A [`Text`] without its lifetime, in three plain fields, for a caller that keeps the
/// characters alive by other means (the keys of a `sort_keys` object, kept by the
/// serializer until the object is written). Plain fields also keep it out of the vector
/// registers: a `Text` moved into a sort entry was copied with one 16-byte load of three
/// scalar stores, which the CPU cannot forward (40% of a sort's entry building).
#[derive(Clone, Copy, Debug)]
pub struct RawText {
    /// 1, 2 or 4: bytes per code point.
    width: u8,
    data: *const u8,
    len: usize,
}

impl RawText {
    #[inline]
    pub fn new(text: Text<'_>) -> Self {
        let (width, data, len) = match text {
            Text::Latin1(units) => (1, units.as_ptr(), units.len()),
            Text::Ucs2(units) => (2, units.as_ptr().cast::<u8>(), units.len()),
            Text::Ucs4(units) => (4, units.as_ptr().cast::<u8>(), units.len()),
        };
        Self { width, data, len }
    }

    /// The text again.
    ///
    /// # Safety
    /// The characters `new` was given are alive and unchanged for `'a`.
    #[inline]
    pub unsafe fn text<'a>(self) -> Text<'a> {
        // SAFETY: the caller's promise; the pointer and length came from a slice of that
        // width (so they are aligned for it).
        unsafe {
            match self.width {
                1 => Text::Latin1(std::slice::from_raw_parts(self.data, self.len)),
                #[allow(clippy::cast_ptr_alignment)] // aligned: made from a `&[u16]`
                2 => Text::Ucs2(std::slice::from_raw_parts(
                    self.data.cast::<u16>(),
                    self.len,
                )),
                #[allow(clippy::cast_ptr_alignment)] // aligned: made from a `&[u32]`
                _ => Text::Ucs4(std::slice::from_raw_parts(
                    self.data.cast::<u32>(),
                    self.len,
                )),
            }
        }
    }
}

/// Why a text could not be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextError {
    OutOfMemory,
    /// A lone surrogate (U+D800 to U+DFFF): it has no UTF-8 form.
    LoneSurrogate,
}

impl From<OutOfMemory> for TextError {
    #[cold]
    fn from(OutOfMemory: OutOfMemory) -> Self {
        Self::OutOfMemory
    }
}

/// How far past what they commit the writers here may store (one 16-byte store at the end
/// of the committed bytes).
pub const SLACK: usize = 16;

/// The widest UTF-8 or escape form of one code point: `\u00XX`.
const MAX_UNIT_BYTES: usize = 6;

/// Wide texts are written in blocks of this many code points, each with its own
/// reservation: a worst case (six bytes each) reserved for a whole long string would
/// over-allocate six times its size.
const BLOCK: usize = 512;

impl Text<'_> {
    /// The number of code points.
    pub fn len(&self) -> usize {
        match self {
            Self::Latin1(units) => units.len(),
            Self::Ucs2(units) => units.len(),
            Self::Ucs4(units) => units.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The code point at `index` (below `len()`).
    fn code_point(&self, index: usize) -> u32 {
        match self {
            Self::Latin1(units) => u32::from(units[index]),
            Self::Ucs2(units) => u32::from(units[index]),
            Self::Ucs4(units) => units[index],
        }
    }

    /// The first 16 bytes of the text's UTF-8 form as a big-endian number, zero-padded: two
    /// texts whose prefixes differ are in the order of their prefixes (UTF-8 byte order,
    /// which is code-point order); equal prefixes say nothing (`cmp_code_points` decides).
    /// Computed once per key, it settles most comparisons of a sort without reading either
    /// text again.
    #[allow(clippy::inline_always)] // once per key of a sorted object, its text in registers
    #[inline(always)]
    pub fn utf8_prefix(self) -> u128 {
        if let Self::Latin1(units) = self {
            let prefix = latin1_prefix(units);
            // ASCII (most keys): the bytes themselves are the UTF-8 form.
            if prefix & 0x8080_8080_8080_8080_8080_8080_8080_8080 == 0 {
                return prefix;
            }
        }
        self.encoded_prefix()
    }

    /// `utf8_prefix` of a text with a character above U+007F among its first 16: encoded.
    #[inline(never)]
    fn encoded_prefix(self) -> u128 {
        let mut bytes = [0u8; 16];
        let mut len = 0;
        for index in 0..self.len() {
            if len == bytes.len() {
                break;
            }
            let mut encoded = [0u8; 4];
            // Code points of a `str`: a lone surrogate (refused before any sort) is written
            // as U+FFFD here, which only moves it among equal prefixes.
            let point = char::from_u32(self.code_point(index)).unwrap_or('\u{fffd}');
            for &byte in point.encode_utf8(&mut encoded).as_bytes() {
                if len < bytes.len() {
                    bytes[len] = byte;
                    len += 1;
                }
            }
        }
        u128::from_be_bytes(bytes)
    }

    /// Code-point order, which is also the order of the texts' UTF-8 bytes (what
    /// `sort_keys` sorts by).
    pub fn cmp_code_points(&self, other: &Text<'_>) -> std::cmp::Ordering {
        if let (Text::Latin1(a), Text::Latin1(b)) = (self, other) {
            return a.cmp(b);
        }
        let common = self.len().min(other.len());
        for index in 0..common {
            let order = self.code_point(index).cmp(&other.code_point(index));
            if order.is_ne() {
                return order;
            }
        }
        self.len().cmp(&other.len())
    }
}

/// Whether `text` holds a lone surrogate (which has no UTF-8 form): what writing it would
/// refuse, found without writing it.
pub fn has_lone_surrogate(text: Text<'_>) -> bool {
    match text {
        Text::Latin1(_) => false,
        Text::Ucs2(units) => units.iter().any(|&unit| unit & 0xf800 == 0xd800),
        Text::Ucs4(units) => units.iter().any(|&unit| unit & 0xffff_f800 == 0xd800),
    }
}

/// Writes `text` as a quoted JSON string in UTF-8, escaped as the standard library's
/// `ensure_ascii=False` escapes: the quote, the backslash and the control characters.
#[inline]
pub fn write_text<O: Output>(out: &mut O, text: Text<'_>) -> Result<(), TextError> {
    match text {
        Text::Latin1(units) => Ok(write_latin1(out, units)?),
        Text::Ucs2(units) => write_wide(out, units),
        Text::Ucs4(units) => write_wide(out, units),
    }
}

/// Writes UTF-8 `text` (bytes, not a `str`'s stored form: the fuzz targets and the criterion
/// benches) as a quoted JSON string. Its bytes of U+0080 and up are copied as they are.
pub fn write_utf8<O: Output>(out: &mut O, text: &[u8]) -> Result<(), OutOfMemory> {
    out.reserve(text.len() + 2 + SLACK)?;
    // SAFETY: room for the quote, the text and the slack was reserved just above.
    let plain = unsafe {
        let start = out.tail();
        *start = b'"';
        let plain = copy_plain(text, start.add(1), Stop::Special);
        out.commit(1 + plain);
        plain
    };
    finish_latin1(out, text, plain, Stop::Special)
}

/// Which bytes end a run copied as it is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// A quote, a backslash or a control character.
    Special,
    /// Those, and the bytes of U+0080 to U+00FF (Latin-1 text, two bytes each in UTF-8).
    SpecialOrHigh,
}

/// Writes ASCII `text` (a compact ASCII `str`'s characters, no byte above 0x7f) as a quoted
/// JSON string: the common case (most keys and values), inlined into the serializer.
#[allow(clippy::inline_always)]
#[inline(always)]
pub fn write_ascii<O: Output>(out: &mut O, text: &[u8]) -> Result<(), OutOfMemory> {
    debug_assert!(text.is_ascii());
    write_one_byte_wide(out, text, Stop::Special)
}

/// Writes `,"key":` (the comma when `comma`) for ASCII `key`, in one reservation and one
/// commit: a dict item's whole prefix in compact output. `false`, with nothing written,
/// when the key needs an escape (the caller writes it the general way).
#[allow(clippy::inline_always)] // once per dict item
#[inline(always)]
pub fn write_ascii_key<O: Output>(
    out: &mut O,
    comma: bool,
    key: &[u8],
) -> Result<bool, OutOfMemory> {
    debug_assert!(key.is_ascii());
    // The comma, two quotes, the colon, the key and the slack.
    out.reserve(key.len() + 4 + SLACK)?;
    // SAFETY: every store is within the room reserved just above (`copy_plain` stores up to
    // the key's length and the slack after the opening quote); only what was written is
    // committed.
    unsafe {
        let start = out.tail();
        *start = b',';
        let open = start.add(usize::from(comma));
        *open = b'"';
        let plain = copy_plain(key, open.add(1), Stop::Special);
        if plain != key.len() {
            return Ok(false);
        }
        let close = open.add(1 + plain);
        *close = b'"';
        *close.add(1) = b':';
        out.commit(close.add(2).offset_from(start).unsigned_abs());
    }
    Ok(true)
}

/// Writes one-byte-wide `text` (Latin-1: ASCII, or with characters U+0080 to U+00FF, which
/// take two bytes each in UTF-8).
#[inline]
fn write_latin1<O: Output>(out: &mut O, text: &[u8]) -> Result<(), OutOfMemory> {
    write_one_byte_wide(out, text, Stop::SpecialOrHigh)
}

/// Writes one-byte-wide `text` as a quoted JSON string: its plain start copied in the same
/// reservation as the quotes, the rest (from the first byte `stop` stops at) by
/// `finish_latin1`.
#[allow(clippy::inline_always)] // inlined into `write_ascii`'s callers: most strings
#[inline(always)]
fn write_one_byte_wide<O: Output>(out: &mut O, text: &[u8], stop: Stop) -> Result<(), OutOfMemory> {
    out.reserve(text.len() + 2 + SLACK)?;
    // SAFETY: room for the quotes, the text and the slack was reserved just above; the run
    // copied is committed, and the closing quote written after it when it is all the text.
    let plain = unsafe {
        let start = out.tail();
        *start = b'"';
        let plain = copy_plain(text, start.add(1), stop);
        if plain == text.len() {
            *start.add(1 + plain) = b'"';
            out.commit(plain + 2);
            return Ok(());
        }
        out.commit(1 + plain);
        plain
    };
    finish_latin1(out, text, plain, stop)
}

/// The rest of a one-byte text from `at` (a byte `stop` stops at), and the closing quote.
#[inline(never)]
fn finish_latin1<O: Output>(
    out: &mut O,
    text: &[u8],
    mut at: usize,
    stop: Stop,
) -> Result<(), OutOfMemory> {
    while let Some(&byte) = text.get(at) {
        let rest = &text[at + 1..];
        // This byte's widest form, all the rest as it is, the closing quote and the slack.
        out.reserve(MAX_UNIT_BYTES + rest.len() + 1 + SLACK)?;
        // SAFETY: within the room reserved just above.
        unsafe {
            let target = out.tail();
            let written = if byte < 0x80 {
                write_escape(target, byte)
            } else {
                // Latin-1 (only `SpecialOrHigh` stops at these bytes): two UTF-8 bytes.
                *target = 0xc0 | (byte >> 6);
                *target.add(1) = 0x80 | (byte & 0x3f);
                2
            };
            let plain = copy_plain(rest, target.add(written), stop);
            out.commit(written + plain);
            at += 1 + plain;
        }
    }
    out.reserve(1)?;
    // SAFETY: reserved just above.
    unsafe {
        *out.tail() = b'"';
        out.commit(1);
    }
    Ok(())
}

/// Writes the escape of ASCII byte `byte` (a quote, a backslash or a control character) at
/// `target`, and returns its length (2 or 6).
///
/// # Safety
/// `target` is valid for 6 bytes.
#[inline]
unsafe fn write_escape(target: *mut u8, byte: u8) -> usize {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let escape = ESCAPE[usize::from(byte)];
    debug_assert!(escape != 0);
    // SAFETY: the caller's promise: 6 bytes.
    unsafe {
        *target = b'\\';
        if escape == b'u' {
            let digits = [
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 15)],
            ];
            std::ptr::copy_nonoverlapping(digits.as_ptr(), target.add(1), 5);
            6
        } else {
            *target.add(1) = escape;
            2
        }
    }
}

/// How each ASCII byte is written inside a JSON string: 0 as is, otherwise the escape's
/// second character (`u` meaning `\u00XX`).
static ESCAPE: [u8; 128] = {
    let mut table = [0u8; 128];
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

/// Whether one byte stops a plain run.
#[inline]
fn stops(byte: u8, stop: Stop) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\' || (stop == Stop::SpecialOrHigh && byte >= 0x80)
}

/// Copies the bytes of `text` to `target` up to the first one `stop` stops at, and returns
/// how many were copied (`text.len()` when none stops). Bytes past that count may be
/// written too, up to `text.len() + SLACK`; they are not part of the output.
///
/// # Safety
/// `target` is valid for `text.len() + SLACK` bytes and does not overlap `text`.
#[allow(clippy::inline_always)] // the short case is a few instructions: a call costs more
#[inline(always)]
unsafe fn copy_plain(text: &[u8], target: *mut u8, stop: Stop) -> usize {
    let len = text.len();
    let source = text.as_ptr();
    // SAFETY: (the whole body) texts of 16 bytes and more go to `copy_plain_long`, under
    // this function's promise; a shorter text is read as two overlapping words inside it.
    // Every store is inside `target`'s promised room.
    unsafe {
        if len >= 16 {
            return copy_plain_long(level(), text, target, stop);
        }
        // Short texts (most dict keys): stored as two overlapping words, checked with
        // word-wide arithmetic; the position is looked for only when something stops.
        let plain = if len >= 8 {
            let head = source.cast::<u64>().read_unaligned();
            let tail = source.add(len - 8).cast::<u64>().read_unaligned();
            target.cast::<u64>().write_unaligned(head);
            target.add(len - 8).cast::<u64>().write_unaligned(tail);
            !word_stops(head, stop) && !word_stops(tail, stop)
        } else if len >= 4 {
            let head = source.cast::<u32>().read_unaligned();
            let tail = source.add(len - 4).cast::<u32>().read_unaligned();
            target.cast::<u32>().write_unaligned(head);
            target.add(len - 4).cast::<u32>().write_unaligned(tail);
            // Both halves checked in one word.
            !word_stops(u64::from(head) | (u64::from(tail) << 32), stop)
        } else if len > 0 {
            let (first, middle, last) = (*source, *source.add(len / 2), *source.add(len - 1));
            *target = first;
            *target.add(len / 2) = middle;
            *target.add(len - 1) = last;
            // The unused bytes are a plain letter.
            !word_stops(
                u64::from_le_bytes([first, middle, last, b'a', b'a', b'a', b'a', b'a']),
                stop,
            )
        } else {
            return 0;
        };
        if plain {
            return len;
        }
        let mut at = 0;
        while at < len && !stops(*source.add(at), stop) {
            at += 1;
        }
        at
    }
}

/// `copy_plain` for texts of 16 bytes and more, at `level` (the process's, or a test's).
///
/// # Safety
/// `copy_plain`'s; `level` is one this CPU has (`simd::available`).
#[inline(never)]
unsafe fn copy_plain_long(level: Level, text: &[u8], target: *mut u8, stop: Stop) -> usize {
    debug_assert!(text.len() >= 16);
    // SAFETY: the caller's promises; each path's own requirements are the same, and the
    // level's instructions are there.
    unsafe {
        match level {
            // Shorter texts stay on the AVX2 and SSE2 paths, as the parser's scan does.
            #[cfg(target_arch = "x86_64")]
            Level::Avx512 if text.len() >= 64 => {
                copy_plain_avx512(text.as_ptr(), text.len(), target, stop)
            }
            #[cfg(target_arch = "x86_64")]
            Level::Avx2 | Level::Avx512 => copy_plain_avx2(text.as_ptr(), text.len(), target, stop),
            #[cfg(target_arch = "x86_64")]
            Level::Sse2 => copy_plain_sse2(text.as_ptr(), text.len(), target, stop),
            #[cfg(target_arch = "aarch64")]
            Level::Neon => copy_plain_neon(text, target, stop),
            _ => copy_plain_portable(text, target, stop),
        }
    }
}

/// `copy_plain` eight bytes at a time, in plain Rust.
///
/// # Safety
/// `copy_plain`'s, and `text.len() >= 8`.
unsafe fn copy_plain_portable(text: &[u8], target: *mut u8, stop: Stop) -> usize {
    let len = text.len();
    let source = text.as_ptr();
    // SAFETY: words are read inside `text` (the last one ends at its end, overlapping bytes
    // already copied, which were plain and are stored again unchanged) and stored at the
    // same offsets in `target`.
    unsafe {
        let word_at = |at: usize| -> bool {
            let word = source.add(at).cast::<u64>().read_unaligned();
            target.add(at).cast::<u64>().write_unaligned(word);
            word_stops(word, stop)
        };
        let mut at = 0;
        while at + 8 <= len && !word_at(at) {
            at += 8;
        }
        if at + 8 > len && at < len && !word_at(len - 8) {
            return len;
        }
        // A word stops (or the text ended): the exact place, byte by byte from `at`.
        while at < len && !stops(*source.add(at), stop) {
            at += 1;
        }
        at
    }
}

/// `copy_plain` for texts of 16 bytes and more, 32 bytes at a time (16 for the last ones).
///
/// # Safety
/// `copy_plain`'s, `len >= 16`, and the CPU has AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn copy_plain_avx2(source: *const u8, len: usize, target: *mut u8, stop: Stop) -> usize {
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256,
        _mm256_set1_epi8, _mm256_setzero_si256, _mm256_storeu_si256,
    };
    if len < 32 {
        // SAFETY: the caller's promises, which are the SSE2 path's.
        return unsafe { copy_plain_sse2(source, len, target, stop) };
    }
    // SAFETY: (the whole body) AVX2 is there (the caller's promise); loads read 32 bytes
    // inside the text (the last block ends at its end, overlapping plain bytes already
    // copied), stores write the same offsets of `target`.
    unsafe {
        let high_bits = if stop == Stop::SpecialOrHigh {
            _mm256_set1_epi8(-1)
        } else {
            _mm256_setzero_si256()
        };
        #[allow(clippy::cast_ptr_alignment)] // unaligned loads and stores
        let block = |at: usize| -> u32 {
            let chunk = _mm256_loadu_si256(source.add(at).cast::<__m256i>());
            _mm256_storeu_si256(target.add(at).cast::<__m256i>(), chunk);
            let special = special_bytes_avx2(chunk);
            let high = _mm256_and_si256(chunk, high_bits);
            u32::from_ne_bytes(_mm256_movemask_epi8(_mm256_or_si256(special, high)).to_ne_bytes())
        };
        let mut at = 0;
        while at + 32 <= len {
            let mask = block(at);
            if mask != 0 {
                return at + mask.trailing_zeros() as usize;
            }
            at += 32;
        }
        if at == len {
            return len;
        }
        let checked = at - (len - 32);
        let mask = u64::from(block(len - 32)) >> checked;
        if mask != 0 {
            return at + mask.trailing_zeros() as usize;
        }
        len
    }
}

/// `copy_plain`, 64 bytes at a time; the last ones by a masked load and store, which touch
/// only the text's bytes and their places in `target`.
///
/// # Safety
/// `copy_plain`'s, and the CPU has AVX-512F and AVX-512BW.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn copy_plain_avx512(source: *const u8, len: usize, target: *mut u8, stop: Stop) -> usize {
    use std::arch::x86_64::{
        __m512i, _mm512_loadu_si512, _mm512_mask_storeu_epi8, _mm512_maskz_loadu_epi8,
        _mm512_movepi8_mask, _mm512_storeu_si512,
    };
    let high_bits = if stop == Stop::SpecialOrHigh {
        u64::MAX
    } else {
        0
    };
    // The mask of the bytes of `chunk` that stop.
    let stops_in = |chunk: __m512i| -> u64 {
        // SAFETY: AVX-512F and BW are there (the caller's promise).
        unsafe { special_mask_avx512(chunk) | (_mm512_movepi8_mask(chunk) & high_bits) }
    };
    // SAFETY: (the whole body) AVX-512F and BW are there; full loads and stores touch 64
    // bytes inside the text and at the same offsets of `target`; the masked ones only the
    // `rest` bytes left (masked-off bytes are not accessed).
    unsafe {
        let mut at = 0;
        while at + 64 <= len {
            let chunk = _mm512_loadu_si512(source.add(at).cast());
            _mm512_storeu_si512(target.add(at).cast(), chunk);
            let mask = stops_in(chunk);
            if mask != 0 {
                return at + mask.trailing_zeros() as usize;
            }
            at += 64;
        }
        let rest = len - at;
        if rest == 0 {
            return len;
        }
        let valid = first_bytes(rest);
        let chunk = _mm512_maskz_loadu_epi8(valid, source.add(at).cast());
        _mm512_mask_storeu_epi8(target.add(at).cast(), valid, chunk);
        // The zeroed bytes would count as control characters: masked off.
        let mask = stops_in(chunk) & valid;
        if mask != 0 {
            return at + mask.trailing_zeros() as usize;
        }
        len
    }
}

/// `copy_plain` for texts of 16 bytes and more, 16 bytes at a time with NEON.
///
/// # Safety
/// `copy_plain`'s, and `text.len() >= 16`.
#[cfg(target_arch = "aarch64")]
unsafe fn copy_plain_neon(text: &[u8], target: *mut u8, stop: Stop) -> usize {
    use super::scan::nibble_mask;
    use std::arch::aarch64::{vdupq_n_u8, vld1q_u8, vorrq_u8, vst1q_u8, vtstq_u8};
    let len = text.len();
    // SAFETY: NEON is part of aarch64; a register operation.
    let high_bits = unsafe { vdupq_n_u8(if stop == Stop::SpecialOrHigh { 0x80 } else { 0 }) };
    // Loads, stores, and gives the nibble mask of the bytes that stop, of 16 bytes at `at`.
    let block = |at: usize| -> u64 {
        // SAFETY: `at + 16 <= len` (the callers below): the load reads inside `text` and
        // the store writes inside `target`'s promised room; NEON is part of aarch64.
        let (chunk, high) = unsafe {
            let chunk = vld1q_u8(text.as_ptr().add(at));
            vst1q_u8(target.add(at), chunk);
            (chunk, vtstq_u8(chunk, high_bits))
        };
        // SAFETY: NEON is part of aarch64; a register operation.
        nibble_mask(unsafe { vorrq_u8(special_bytes_neon(chunk), high) })
    };
    let mut at = 0;
    while at + 16 <= len {
        let mask = block(at);
        if mask != 0 {
            return at + (mask.trailing_zeros() / 4) as usize;
        }
        at += 16;
    }
    if at == len {
        return len;
    }
    // The last 16 bytes; the first of them were found plain above.
    let checked = (at - (len - 16)) * 4;
    let mask = block(len - 16) >> checked;
    if mask != 0 {
        return at + (mask.trailing_zeros() / 4) as usize;
    }
    len
}

/// Whether any of the eight bytes of `word` stops a plain run (exact: no false answers
/// either way, though the bits it computes are not positions).
#[inline]
const fn word_stops(word: u64, stop: Stop) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte below n (n <= 0x80) sets its high bit in (x - n) & !x, for the lowest such
    // byte at least; a byte equal to c is a zero byte of x ^ c.
    let below_space = word.wrapping_sub(ONES * 0x20) & !word;
    let quote = word ^ (ONES * 0x22);
    let backslash = word ^ (ONES * 0x5c);
    let equal = (quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash);
    let high = match stop {
        Stop::Special => 0,
        Stop::SpecialOrHigh => word,
    };
    (below_space | equal | high) & HIGH != 0
}

/// `copy_plain` for texts of 16 bytes and more, 16 bytes at a time.
///
/// # Safety
/// `copy_plain`'s, and `len >= 16`.
#[cfg(target_arch = "x86_64")]
#[inline(never)]
unsafe fn copy_plain_sse2(source: *const u8, len: usize, target: *mut u8, stop: Stop) -> usize {
    use std::arch::x86_64::{
        __m128i, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_setzero_si128, _mm_storeu_si128,
    };
    // SAFETY: (the whole body) SSE2 is part of x86_64; reads and writes as `copy_plain`
    // says.
    unsafe {
        let high_bits = if stop == Stop::SpecialOrHigh {
            _mm_set1_epi8(-1)
        } else {
            _mm_setzero_si128()
        };
        // Loads, stores, and gives the mask of the bytes that stop, of 16 bytes at `at`.
        #[allow(clippy::cast_ptr_alignment)] // unaligned loads and stores
        let block = |at: usize| -> u32 {
            let chunk = _mm_loadu_si128(source.add(at).cast::<__m128i>());
            _mm_storeu_si128(target.add(at).cast::<__m128i>(), chunk);
            let special = special_bytes_sse2(chunk);
            // The high bit of each byte is kept by movemask: only with `SpecialOrHigh`.
            let high = std::arch::x86_64::_mm_and_si128(chunk, high_bits);
            u32::from_ne_bytes(_mm_movemask_epi8(_mm_or_si128(special, high)).to_ne_bytes())
        };
        let mut at = 0;
        while at + 16 <= len {
            let mask = block(at);
            if mask != 0 {
                return at + mask.trailing_zeros() as usize;
            }
            at += 16;
        }
        if at == len {
            return len;
        }
        // The last 16 bytes; the first of them were found plain above.
        let checked = at - (len - 16);
        let mask = block(len - 16) >> checked;
        if mask != 0 {
            return at + mask.trailing_zeros() as usize;
        }
        len
    }
}

/// A two- or four-byte-wide text's code units.
trait WideUnit: Copy {
    fn code_point(self) -> u32;

    /// Writes `units` as UTF-8 (escaped) from `target`, and returns where it ended.
    ///
    /// # Safety
    /// `target` is valid for `units.len() * MAX_UNIT_BYTES + SLACK` bytes.
    unsafe fn write_block(units: &[Self], target: *mut u8) -> Result<*mut u8, TextError> {
        // SAFETY: the caller's promise.
        unsafe { write_wide_block(units, target) }
    }
}

impl WideUnit for u16 {
    #[inline]
    fn code_point(self) -> u32 {
        u32::from(self)
    }

    #[cfg(target_arch = "x86_64")]
    unsafe fn write_block(units: &[Self], target: *mut u8) -> Result<*mut u8, TextError> {
        // SAFETY: the caller's promise; SSE2 is part of x86_64 (AVX2 and AVX-512 have no
        // path of their own here: they run the SSE2 one).
        unsafe {
            match level() {
                Level::Sse2 | Level::Avx2 | Level::Avx512 => write_ucs2_block_sse2(units, target),
                Level::Portable | Level::Neon => write_wide_block(units, target),
            }
        }
    }
}

impl WideUnit for u32 {
    #[inline]
    fn code_point(self) -> u32 {
        self
    }
}

/// `write_wide_block` for two-byte units, eight at a time where all eight are ASCII (one
/// byte each, as in the markup and URLs of most text) or all take three bytes (CJK and
/// most other scripts of the BMP); one at a time otherwise.
///
/// # Safety
/// `write_wide_block`'s.
#[cfg(target_arch = "x86_64")]
unsafe fn write_ucs2_block_sse2(units: &[u16], mut target: *mut u8) -> Result<*mut u8, TextError> {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi16, _mm_cvtsi128_si64, _mm_loadu_si128,
        _mm_movemask_epi8, _mm_or_si128, _mm_packus_epi16, _mm_set1_epi16, _mm_setzero_si128,
        _mm_slli_epi16, _mm_srli_epi16, _mm_storel_epi64, _mm_unpackhi_epi16, _mm_unpackhi_epi64,
        _mm_unpacklo_epi16,
    };
    // Six of the eight bytes of `word`, its two 32-bit lanes' low three bytes each.
    let six = |word: i64| -> u64 {
        let word = u64::from_ne_bytes(word.to_ne_bytes());
        (word & 0x00ff_ffff) | ((word >> 32) << 24)
    };
    let len = units.len();
    let source = units.as_ptr();
    let mut at = 0;
    // SAFETY: (the whole body) SSE2 is part of x86_64. Loads read 8 units inside `units`
    // (`at + 8 <= len`). Eight ASCII units store 8 bytes and advance by at most 8; eight
    // three-byte units store 4 x 8 bytes at offsets 0, 6, 12 and 18 and advance by 24: at
    // most 26 bytes stored for 8 units, within the 8 x 6 they may take (the block's
    // promise). The scalar steps are `write_wide_block`'s.
    unsafe {
        let high_bits = _mm_set1_epi16(-0x80); // 0xff80: set in units of U+0080 and up
        let three_bits = _mm_set1_epi16(-0x800); // 0xf800
        let surrogates = _mm_set1_epi16(-0x2800); // 0xd800
        let zero = _mm_setzero_si128();
        let six_bits = _mm_set1_epi16(0x3f);
        let continuation = _mm_set1_epi16(0x80);
        let lead = _mm_set1_epi16(0xe0);
        while at + 8 <= len {
            #[allow(clippy::cast_ptr_alignment)] // an unaligned load
            let chunk = _mm_loadu_si128(source.add(at).cast::<__m128i>());
            let ascii = _mm_cmpeq_epi16(_mm_and_si128(chunk, high_bits), zero);
            if _mm_movemask_epi8(ascii) == 0xffff {
                let bytes = _mm_packus_epi16(chunk, chunk);
                #[allow(clippy::cast_ptr_alignment)] // an unaligned store
                _mm_storel_epi64(target.cast::<__m128i>(), bytes);
                let mask = _mm_movemask_epi8(special_bytes_sse2(bytes)) & 0xff;
                if mask == 0 {
                    target = target.add(8);
                    at += 8;
                    continue;
                }
                // The plain units before the first special one are written; that one (and
                // what follows) goes the scalar way.
                let plain = mask.trailing_zeros() as usize;
                target = target.add(plain);
                at += plain;
                target = write_wide_block(&units[at..=at], target)?;
                at += 1;
                continue;
            }
            let top = _mm_and_si128(chunk, three_bits);
            let not_three =
                _mm_or_si128(_mm_cmpeq_epi16(top, zero), _mm_cmpeq_epi16(top, surrogates));
            if _mm_movemask_epi8(not_three) == 0 {
                // 1110xxxx 10xxxxxx 10xxxxxx, each byte in a 16-bit lane.
                let first = _mm_or_si128(_mm_srli_epi16(chunk, 12), lead);
                let second = _mm_or_si128(
                    _mm_and_si128(_mm_srli_epi16(chunk, 6), six_bits),
                    continuation,
                );
                let third = _mm_or_si128(_mm_and_si128(chunk, six_bits), continuation);
                // first | second << 8 in each 16-bit lane, then with `third` as the next
                // lane: each unit's three bytes (and a zero) in a 32-bit lane.
                let pairs = _mm_or_si128(first, _mm_slli_epi16(second, 8));
                let low = _mm_unpacklo_epi16(pairs, third);
                let high = _mm_unpackhi_epi16(pairs, third);
                target
                    .cast::<u64>()
                    .write_unaligned(six(_mm_cvtsi128_si64(low)));
                target
                    .add(6)
                    .cast::<u64>()
                    .write_unaligned(six(_mm_cvtsi128_si64(_mm_unpackhi_epi64(low, low))));
                target
                    .add(12)
                    .cast::<u64>()
                    .write_unaligned(six(_mm_cvtsi128_si64(high)));
                target
                    .add(18)
                    .cast::<u64>()
                    .write_unaligned(six(_mm_cvtsi128_si64(_mm_unpackhi_epi64(high, high))));
                target = target.add(24);
                at += 8;
                continue;
            }
            target = write_wide_block(&units[at..at + 8], target)?;
            at += 8;
        }
        write_wide_block(&units[at..], target)
    }
}

/// Writes a two- or four-byte-wide text, in blocks of `BLOCK` code points.
#[inline(never)]
fn write_wide<O: Output, U: WideUnit>(out: &mut O, units: &[U]) -> Result<(), TextError> {
    out.reserve(1)?;
    // SAFETY: reserved just above.
    unsafe {
        *out.tail() = b'"';
        out.commit(1);
    }
    for block in units.chunks(BLOCK) {
        // The widest form of each code point, the closing quote and the slack.
        out.reserve(block.len() * MAX_UNIT_BYTES + 1 + SLACK)?;
        // SAFETY: each code point writes at most MAX_UNIT_BYTES (a three-byte form is
        // stored as four bytes, within the slack), all reserved just above.
        unsafe {
            let start = out.tail();
            let end = U::write_block(block, start)?;
            out.commit(end.offset_from(start).unsigned_abs());
        }
    }
    out.reserve(1)?;
    // SAFETY: reserved just above.
    unsafe {
        *out.tail() = b'"';
        out.commit(1);
    }
    Ok(())
}

/// Writes `units` as UTF-8 (escaped) from `target`, and returns where it ended.
///
/// # Safety
/// `target` is valid for `units.len() * MAX_UNIT_BYTES + SLACK` bytes.
#[inline]
unsafe fn write_wide_block<U: WideUnit>(
    units: &[U],
    mut target: *mut u8,
) -> Result<*mut u8, TextError> {
    // SAFETY: (the whole body) each code point writes at most MAX_UNIT_BYTES, the widest
    // store four bytes at the start of a three-byte form (one byte of slack).
    unsafe {
        for &unit in units {
            let point = unit.code_point();
            if point < 0x80 {
                // Truncation checked: below 0x80.
                #[allow(clippy::cast_possible_truncation)]
                let byte = point as u8;
                if ESCAPE[usize::from(byte)] == 0 {
                    *target = byte;
                    target = target.add(1);
                } else {
                    target = target.add(write_escape(target, byte));
                }
            } else if point < 0x800 {
                #[allow(clippy::cast_possible_truncation)] // each piece below 0x100
                let bytes = [0xc0 | (point >> 6) as u8, 0x80 | (point & 0x3f) as u8];
                target.cast::<[u8; 2]>().write_unaligned(bytes);
                target = target.add(2);
            } else if point < 0x10000 {
                if point & 0xf800 == 0xd800 {
                    return Err(TextError::LoneSurrogate);
                }
                #[allow(clippy::cast_possible_truncation)] // each piece below 0x100
                let bytes = [
                    0xe0 | (point >> 12) as u8,
                    0x80 | ((point >> 6) & 0x3f) as u8,
                    0x80 | (point & 0x3f) as u8,
                    0,
                ];
                target.cast::<[u8; 4]>().write_unaligned(bytes);
                target = target.add(3);
            } else {
                #[allow(clippy::cast_possible_truncation)] // each piece below 0x100
                let bytes = [
                    0xf0 | (point >> 18) as u8,
                    0x80 | ((point >> 12) & 0x3f) as u8,
                    0x80 | ((point >> 6) & 0x3f) as u8,
                    0x80 | (point & 0x3f) as u8,
                ];
                target.cast::<[u8; 4]>().write_unaligned(bytes);
                target = target.add(4);
            }
        }
        Ok(target)
    }
}

#[cfg(test)]
// The tests narrow code points to the width they picked from the widest one.
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    /// The reference: the standard library's `ensure_ascii=False` escaping, char by char.
    fn expected(text: &str) -> Vec<u8> {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32).unwrap(),
                c => out.push(c),
            }
        }
        out.push('"');
        out.into_bytes()
    }

    /// `text` in the narrowest form CPython would store it in, written.
    fn written(text: &str) -> Result<Vec<u8>, TextError> {
        let mut out = Vec::new();
        write_text(&mut out, stored_text(text))?;
        Ok(out)
    }

    #[test]
    fn every_width_and_length_writes_the_reference() {
        let pieces = [
            "a", "\"", "\\", "\n", "\u{1}", "\u{1f}", "\u{7f}", "é", "ÿ", "Ā", "世", "\u{ffff}",
            "😀", "/",
        ];
        // Every piece at every position of texts of every length from 0 to 40 (across the
        // word, block and tail boundaries), in every width.
        for len in 0..40 {
            for piece in pieces {
                for at in 0..=len {
                    let mut text: String = "x".repeat(at);
                    text.push_str(piece);
                    text.push_str(&"y".repeat(len - at));
                    assert_eq!(written(&text).unwrap(), expected(&text), "{text:?}");
                    for wide in ["Ā", "😀"] {
                        let text = format!("{text}{wide}");
                        assert_eq!(written(&text).unwrap(), expected(&text), "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn many_escapes_and_long_wide_texts() {
        let text: String = (0..3000)
            .map(|i| char::from_u32(i % 0x3000 + 1).unwrap_or('?'))
            .collect();
        assert_eq!(written(&text).unwrap(), expected(&text));
        let controls: String = (0..2000)
            .map(|i| char::from_u32(i % 0x20).unwrap())
            .collect();
        assert_eq!(written(&controls).unwrap(), expected(&controls));
        let latin: String = (0..2000)
            .map(|i| char::from_u32(0x80 + i % 0x80).unwrap())
            .collect();
        assert_eq!(written(&latin).unwrap(), expected(&latin));
    }

    #[test]
    fn runs_of_each_utf8_length_in_wide_texts() {
        // Runs long enough for the eight-unit steps, broken by every kind of unit.
        for run in ["世", "a", "é", "\u{ffff}", "\u{e000}", "\u{800}"] {
            for len in 0..34 {
                for breaker in ["", "\"", "\n", "\u{1}", "a", "ÿ", "Ā", "世", "😀"] {
                    for at in [0, 1, 7, 8, 9, len / 2, len] {
                        let mut text = run.repeat(at.min(len));
                        text.push_str(breaker);
                        text.push_str(&run.repeat(len - at.min(len)));
                        text.push('Ā');
                        assert_eq!(written(&text).unwrap(), expected(&text), "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn lone_surrogates_inside_runs_are_refused() {
        for at in 0..20 {
            let mut units = vec![0x4e16u16; 20];
            units[at] = 0xdc00;
            let mut out = Vec::new();
            assert_eq!(
                write_text(&mut out, Text::Ucs2(&units)),
                Err(TextError::LoneSurrogate)
            );
            let mut units = vec![u16::from(b'a'); 20];
            units[at] = 0xd800;
            assert_eq!(
                write_text(&mut out, Text::Ucs2(&units)),
                Err(TextError::LoneSurrogate)
            );
        }
    }

    #[test]
    fn every_level_copies_the_same_plain_run() {
        for level in crate::json::simd::available() {
            // Up to past two 64-byte blocks, so that the AVX-512 loop and its masked tail
            // both run.
            for len in 16..160 {
                let positions = [
                    0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129,
                ];
                for at in positions.into_iter().chain([len / 2, len - 1]) {
                    for byte in [b'"', b'\\', 0x00, 0x1f, 0x7f, 0x80, 0xff] {
                        for stop in [Stop::Special, Stop::SpecialOrHigh] {
                            let mut text = vec![b'a'; len];
                            if at < len {
                                text[at] = byte;
                            }
                            let mut out = vec![0u8; len + SLACK];
                            // SAFETY: room for the text and the slack; an available level.
                            let plain =
                                unsafe { copy_plain_long(level, &text, out.as_mut_ptr(), stop) };
                            let expected = text.iter().position(|&b| stops(b, stop)).unwrap_or(len);
                            assert_eq!(plain, expected, "{level:?} {len} {at} {byte}");
                            assert_eq!(out[..plain], text[..plain], "{level:?} {len} {at}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_two_byte_paths_agree() {
        let pieces: [&[u16]; 8] = [
            &[0x61; 9],
            &[0x4e16; 9],
            &[0x22],
            &[0x0a],
            &[0x1],
            &[0xe9],
            &[0x100],
            &[0xffff, 0xe000],
        ];
        for first in pieces {
            for second in pieces {
                for third in pieces {
                    let units = [first, second, third, first].concat();
                    let mut scalar = vec![0u8; units.len() * MAX_UNIT_BYTES + SLACK];
                    let mut vector = scalar.clone();
                    // SAFETY: room for the widest form of each unit and the slack.
                    unsafe {
                        let end = write_wide_block(&units, scalar.as_mut_ptr()).unwrap();
                        let len = end.offset_from(scalar.as_ptr()).unsigned_abs();
                        let written = <u16 as WideUnit>::write_block(&units, vector.as_mut_ptr());
                        let vector_len =
                            written.unwrap().offset_from(vector.as_ptr()).unsigned_abs();
                        assert_eq!(vector[..vector_len], scalar[..len], "{units:x?}");
                    }
                }
            }
        }
    }

    #[test]
    fn ascii_keys_are_written_with_their_comma_and_colon() {
        for key in [
            "",
            "a",
            "id",
            "created_at",
            "a key longer than sixteen bytes",
        ] {
            for comma in [false, true] {
                let mut out = b"{".to_vec();
                assert!(write_ascii_key(&mut out, comma, key.as_bytes()).unwrap());
                let prefix = if comma { "," } else { "" };
                assert_eq!(out, format!("{{{prefix}\"{key}\":").into_bytes());
            }
        }
        for key in ["a\"b", "\n", "tab\tin a key longer than sixteen"] {
            let mut out = b"{".to_vec();
            assert!(!write_ascii_key(&mut out, true, key.as_bytes()).unwrap());
            assert_eq!(out, b"{", "nothing is written for {key:?}");
        }
    }

    #[test]
    fn utf8_text_is_escaped_and_kept() {
        for text in [
            "",
            "plain",
            "a\"b",
            "é\n世😀",
            &"long plain text ".repeat(5),
        ] {
            let mut out = Vec::new();
            write_utf8(&mut out, text.as_bytes()).unwrap();
            assert_eq!(out, expected(text), "{text:?}");
        }
    }

    #[test]
    fn lone_surrogates_are_refused() {
        let mut out = Vec::new();
        assert!(!has_lone_surrogate(Text::Ucs2(&[0xd7ff, 0xe000, 0xffff])));
        assert!(!has_lone_surrogate(Text::Ucs4(&[0xd7ff, 0xe000, 0x1_d800])));
        for unit in [0xd800u16, 0xdbff, 0xdc00, 0xdfff] {
            assert!(has_lone_surrogate(Text::Ucs2(&[0x41, unit])));
            assert!(has_lone_surrogate(Text::Ucs4(&[0x1f600, u32::from(unit)])));
            assert_eq!(
                write_text(&mut out, Text::Ucs2(&[0x41, unit, 0x42])),
                Err(TextError::LoneSurrogate)
            );
            assert_eq!(
                write_text(&mut out, Text::Ucs4(&[0x1f600, u32::from(unit)])),
                Err(TextError::LoneSurrogate)
            );
        }
    }

    #[test]
    fn utf8_prefixes_keep_the_order_or_tie() {
        let texts = [
            "",
            "a",
            "a\u{0}",
            "a\u{0}b",
            "ab",
            "b",
            "é",
            "ÿ",
            "Ā",
            "世",
            "😀",
            "😀a",
            "profile_background_color",
            "profile_background_image",
            "0123456789abcdef",
            "0123456789abcdefX",
            "0123456789abcdeé",
        ];
        for a in texts {
            for b in texts {
                let (pa, pb) = (stored_text(a).utf8_prefix(), stored_text(b).utf8_prefix());
                if pa != pb {
                    assert_eq!(pa.cmp(&pb), a.as_bytes().cmp(b.as_bytes()), "{a:?} {b:?}");
                }
            }
        }
        // Every length from 0 to 40, against the prefix made byte by byte.
        let long = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
        for len in 0..=long.len() {
            let mut expected = [0u8; 16];
            let head = &long.as_bytes()[..len.min(16)];
            expected[..head.len()].copy_from_slice(head);
            assert_eq!(
                stored_text(&long[..len]).utf8_prefix(),
                u128::from_be_bytes(expected),
                "{len}"
            );
        }
        // Equal prefixes for texts that differ only after 16 bytes, or in a trailing NUL.
        assert_eq!(
            stored_text("a").utf8_prefix(),
            stored_text("a\u{0}").utf8_prefix()
        );
        assert_eq!(
            stored_text("0123456789abcdef").utf8_prefix(),
            stored_text("0123456789abcdefX").utf8_prefix()
        );
    }

    /// `text` in the narrowest form CPython would store it in (leaked: for tests only).
    fn stored_text(text: &str) -> Text<'static> {
        let points: Vec<u32> = text.chars().map(u32::from).collect();
        let widest = points.iter().copied().max().unwrap_or(0);
        if widest < 0x100 {
            Text::Latin1(points.iter().map(|&p| p as u8).collect::<Vec<_>>().leak())
        } else if widest < 0x10000 {
            Text::Ucs2(points.iter().map(|&p| p as u16).collect::<Vec<_>>().leak())
        } else {
            Text::Ucs4(points.leak())
        }
    }

    #[test]
    fn code_point_order_is_utf8_byte_order() {
        let texts = [
            "", "a", "ab", "b", "é", "ÿ", "Ā", "世", "\u{ffff}", "😀", "😀a",
        ];
        for a in texts {
            for b in texts {
                let expected = a.as_bytes().cmp(b.as_bytes());
                let (a_text, b_text) = (stored_text(a), stored_text(b));
                assert_eq!(a_text.cmp_code_points(&b_text), expected, "{a:?} {b:?}");
                // Any width against any width compares by code point.
                let points: Vec<u32> = a.chars().map(u32::from).collect();
                assert_eq!(Text::Ucs4(&points).cmp_code_points(&b_text), expected);
            }
        }
    }
}
