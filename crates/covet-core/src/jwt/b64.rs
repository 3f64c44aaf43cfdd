//! base64url as JWS uses it (RFC 7515 §2), strict: every byte string has exactly one
//! accepted spelling, so a token cannot be altered without changing its signing input.
//! Standard base64 (for PEM bodies) is decoded here too.
//!
//! Every output buffer is sized by the input and reserved fallibly: [`OutOfMemory`] is the
//! caller's `MemoryError`.

use super::fallible::OutOfMemory;

const URL_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const INVALID: u8 = 0xff;

const fn decode_table(alphabet: &[u8; 64]) -> [u8; 256] {
    let mut table = [INVALID; 256];
    let mut index = 0;
    while index < 64 {
        // index < 64.
        #[allow(clippy::cast_possible_truncation)]
        let sextet = index as u8;
        table[alphabet[index] as usize] = sextet;
        index += 1;
    }
    table
}

const URL_TABLE: [u8; 256] = decode_table(URL_ALPHABET);
const STD_TABLE: [u8; 256] =
    decode_table(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

/// The length of the unpadded base64url text of `len` bytes.
pub fn encoded_len(len: usize) -> usize {
    len / 3 * 4 + [0, 2, 3][len % 3]
}

/// Appends the unpadded base64url text of `input` to `out`.
pub fn encode_url_into(input: &[u8], out: &mut Vec<u8>) -> Result<(), OutOfMemory> {
    out.try_reserve(encoded_len(input.len()))?;
    let mut chunks = input.chunks_exact(3);
    for chunk in &mut chunks {
        let word = u32::from(chunk[0]) << 16 | u32::from(chunk[1]) << 8 | u32::from(chunk[2]);
        out.extend_from_slice(&[
            URL_ALPHABET[(word >> 18) as usize & 63],
            URL_ALPHABET[(word >> 12) as usize & 63],
            URL_ALPHABET[(word >> 6) as usize & 63],
            URL_ALPHABET[word as usize & 63],
        ]);
    }
    match *chunks.remainder() {
        [a] => out.extend_from_slice(&[
            URL_ALPHABET[usize::from(a >> 2)],
            URL_ALPHABET[usize::from(a & 3) << 4],
        ]),
        [a, b] => out.extend_from_slice(&[
            URL_ALPHABET[usize::from(a >> 2)],
            URL_ALPHABET[usize::from(a & 3) << 4 | usize::from(b >> 4)],
            URL_ALPHABET[usize::from(b & 15) << 2],
        ]),
        _ => {}
    }
    Ok(())
}

/// The unpadded base64url text of `input`.
pub fn encode_url(input: &[u8]) -> Result<Vec<u8>, OutOfMemory> {
    let mut out = Vec::new();
    encode_url_into(input, &mut out)?;
    Ok(out)
}

/// Decodes base64url strictly: only the URL alphabet; `=` padding only where it makes the
/// length a multiple of 4; no length of 1 modulo 4; unused trailing bits must be zero.
/// `Ok(None)` when the text is refused.
pub fn decode_url(input: &[u8]) -> Result<Option<Vec<u8>>, OutOfMemory> {
    match strip_padding(input) {
        Some(stripped) => decode_canonical(stripped, &URL_TABLE),
        None => Ok(None),
    }
}

/// Some issuers pad; accept one or two `=` only when they complete a multiple of 4.
fn strip_padding(input: &[u8]) -> Option<&[u8]> {
    let padding = input.iter().rev().take_while(|&&byte| byte == b'=').count();
    if padding == 0 {
        return Some(input);
    }
    if padding > 2 || !input.len().is_multiple_of(4) {
        return None;
    }
    Some(&input[..input.len() - padding])
}

fn decode_canonical(input: &[u8], table: &[u8; 256]) -> Result<Option<Vec<u8>>, OutOfMemory> {
    if input.len() % 4 == 1 {
        return Ok(None);
    }
    let mut out = Vec::new();
    out.try_reserve_exact(input.len() / 4 * 3 + 2)?;
    let mut chunks = input.chunks_exact(4);
    for chunk in &mut chunks {
        let mut word = 0u32;
        for &byte in chunk {
            let sextet = table[usize::from(byte)];
            if sextet == INVALID {
                return Ok(None);
            }
            word = word << 6 | u32::from(sextet);
        }
        out.extend_from_slice(&word.to_be_bytes()[1..]);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = 0u32;
        for &byte in rest {
            let sextet = table[usize::from(byte)];
            if sextet == INVALID {
                return Ok(None);
            }
            word = word << 6 | u32::from(sextet);
        }
        // 2 characters carry 12 bits for 1 byte, 3 carry 18 for 2: the rest must be zero.
        let (bytes, unused_bits) = if rest.len() == 2 { (1, 4) } else { (2, 2) };
        if word & ((1 << unused_bits) - 1) != 0 {
            return Ok(None);
        }
        let word = word >> unused_bits;
        let be = word.to_be_bytes();
        out.extend_from_slice(&be[4 - bytes..]);
    }
    Ok(Some(out))
}

/// Decodes standard base64 with padding, ignoring ASCII whitespace (a PEM body).
/// `Ok(None)` when the text is refused.
pub fn decode_std_lenient_whitespace(input: &[u8]) -> Result<Option<Vec<u8>>, OutOfMemory> {
    let mut compact = Vec::new();
    compact.try_reserve_exact(input.len())?;
    compact.extend(
        input
            .iter()
            .copied()
            .filter(|byte| !byte.is_ascii_whitespace()),
    );
    match strip_padding(&compact) {
        Some(stripped) => decode_canonical(stripped, &STD_TABLE),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length() {
        for len in 0..64 {
            #[allow(clippy::cast_possible_truncation)]
            let input: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = encode_url(&input).unwrap();
            assert_eq!(text.len(), encoded_len(len));
            assert_eq!(decode_url(&text).unwrap().unwrap(), input);
        }
    }

    #[test]
    fn refuses_non_canonical_text() {
        assert_eq!(decode_url(b"AQ").unwrap().unwrap(), vec![1]);
        assert!(decode_url(b"AR").unwrap().is_none(), "unused bits set");
        assert!(decode_url(b"AQE").unwrap().is_some());
        assert!(decode_url(b"AQF").unwrap().is_none(), "unused bits set");
        assert!(decode_url(b"A").unwrap().is_none(), "length 1 mod 4");
        assert!(decode_url(b"ab+/").unwrap().is_none(), "standard alphabet");
        assert!(decode_url(b"ab c").unwrap().is_none(), "whitespace");
        assert!(
            decode_url(b"AQ==").unwrap().is_some(),
            "padding to a multiple of 4"
        );
        assert!(
            decode_url(b"AQ=").unwrap().is_none(),
            "padding short of a multiple of 4"
        );
        assert!(decode_url(b"AQE==").unwrap().is_none());
        assert!(decode_url(b"====").unwrap().is_none());
        assert_eq!(decode_url(b"").unwrap().unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn decodes_pem_bodies() {
        assert_eq!(
            decode_std_lenient_whitespace(b"aGVs\nbG8=\r\n")
                .unwrap()
                .unwrap(),
            b"hello"
        );
        assert!(decode_std_lenient_whitespace(b"aGVs-G8=")
            .unwrap()
            .is_none());
    }
}
