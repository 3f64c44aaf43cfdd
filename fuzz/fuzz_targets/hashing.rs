//! The hashing drivers (covet-core's hashing) against the hash crates' own one-shot functions:
//! a message fed in pieces, at split points drawn from the input, must hash as it does in
//! one piece, in every mode, at every output length and seek position.
//!
//! Input layout: 8 bytes of XXH3 seed, 8 bytes seeding the split points, 1 byte of
//! options, 32 bytes of BLAKE3 key (also the derive-key context), then the message.

#![no_main]

use covet_core::hashing::blake3::{fill_output, hash_into, update, Mode, OUT_LEN};
use covet_core::hashing::threads::Threads;
use covet_core::hashing::xxh3::{hash128, hash64, Xxh3Stream128, Xxh3Stream64};
use libfuzzer_sys::fuzz_target;
use twox_hash::{XxHash3_128, XxHash3_64};

const HEADER: usize = 8 + 8 + 1 + 32;

fuzz_target!(|data: &[u8]| {
    if data.len() < HEADER {
        return;
    }
    let (header, body) = data.split_at(HEADER);
    let word = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().expect("8 bytes"));
    let options = header[16];
    let key: [u8; 32] = header[17..49].try_into().expect("32 bytes");
    // Seed 0 has a path of its own (no secret derived from the seed).
    let seed = if options & 1 == 0 { 0 } else { word(0) };
    // Repeated up to 16 times, so that messages reach past the 4 KiB libFuzzer gives by
    // default: several BLAKE3 chunks (1 KiB) and XXH3 blocks (1 KiB) and stripes.
    let repeat = usize::from(options >> 4) + 1;
    let message = body.repeat(repeat);
    let splits = split_points(word(8), message.len());

    check_xxh3(&message, &splits, seed);
    let modes = [
        Mode::Hash,
        Mode::Keyed(key),
        Mode::DeriveKey(String::from_utf8_lossy(&key).into_owned()),
    ];
    let mode = &modes[usize::from(options >> 1 & 3) % 3];
    // An output length and seek position of the extendable output, small enough for the
    // reference to produce everything before them.
    let out_len = usize::from(header[17]) + usize::from(options & 8 != 0) * 700;
    let seek = u64::from(header[18]) * 7;
    check_blake3(&message, &splits, mode, out_len, seek);
});

/// Up to 16 increasing split points in `0..=len`, from a xorshift generator.
fn split_points(mut state: u64, len: usize) -> Vec<usize> {
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let count = usize::try_from(next() % 17).expect("small");
    let mut points: Vec<usize> = (0..count)
        .map(|_| usize::try_from(next() % (len as u64 + 1)).expect("within the message"))
        .collect();
    points.sort_unstable();
    points
}

/// The pieces between consecutive split points (empty pieces included: an empty update
/// must change nothing).
fn pieces<'a>(message: &'a [u8], splits: &[usize]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::with_capacity(splits.len() + 1);
    let mut start = 0;
    for &end in splits {
        pieces.push(&message[start..end]);
        start = end;
    }
    pieces.push(&message[start..]);
    pieces
}

fn check_xxh3(message: &[u8], splits: &[usize], seed: u64) {
    let expected64 = XxHash3_64::oneshot_with_seed(seed, message);
    let expected128 = XxHash3_128::oneshot_with_seed(seed, message);
    assert_eq!(hash64(message, seed), expected64);
    assert_eq!(hash128(message, seed), expected128);

    let mut narrow = Xxh3Stream64::new(seed);
    let mut wide = Xxh3Stream128::new(seed);
    let mut fed = 0;
    let mut copies = None;
    for piece in pieces(message, splits) {
        narrow.update(piece);
        wide.update(piece);
        fed += piece.len();
        // `digest` does not finish the stream: it is the hash of what was fed so far.
        assert_eq!(
            narrow.digest(),
            XxHash3_64::oneshot_with_seed(seed, &message[..fed])
        );
        assert_eq!(
            wide.digest(),
            XxHash3_128::oneshot_with_seed(seed, &message[..fed])
        );
        // A copy taken midway (`.copy()` in Python) goes on on its own.
        if copies.is_none() && fed >= message.len() / 2 {
            copies = Some((narrow.clone(), wide.clone(), fed));
        }
    }
    assert_eq!(narrow.digest(), expected64);
    assert_eq!(wide.digest(), expected128);
    if let Some((mut narrow_copy, mut wide_copy, fed)) = copies {
        narrow_copy.update(&message[fed..]);
        wide_copy.update(&message[fed..]);
        assert_eq!(narrow_copy.digest(), expected64);
        assert_eq!(wide_copy.digest(), expected128);
    }
    narrow.reset();
    wide.reset();
    assert_eq!(narrow.seed(), seed);
    narrow.update(message);
    wide.update(message);
    assert_eq!(narrow.digest(), expected64);
    assert_eq!(wide.digest(), expected128);
}

/// The official crate's reference: the first `len` output bytes after `seek`.
fn blake3_reference(mode: &Mode, message: &[u8], seek: u64, len: usize) -> Vec<u8> {
    let mut hasher = match mode {
        Mode::Hash => blake3::Hasher::new(),
        Mode::Keyed(key) => blake3::Hasher::new_keyed(key),
        Mode::DeriveKey(context) => blake3::Hasher::new_derive_key(context),
    };
    hasher.update(message);
    let skip = usize::try_from(seek).expect("small seek");
    let mut out = vec![0; skip + len];
    hasher.finalize_xof().fill(&mut out);
    // The default length is the one-shot functions' output.
    let one_shot = match mode {
        Mode::Hash => blake3::hash(message),
        Mode::Keyed(key) => blake3::keyed_hash(key, message),
        Mode::DeriveKey(context) => blake3::Hash::from(blake3::derive_key(context, message)),
    };
    assert_eq!(
        &out[..OUT_LEN.min(out.len())],
        &one_shot.as_bytes()[..OUT_LEN.min(out.len())]
    );
    out.split_off(skip)
}

fn check_blake3(message: &[u8], splits: &[usize], mode: &Mode, out_len: usize, seek: u64) {
    let expected = blake3_reference(mode, message, seek, out_len);
    let default = blake3_reference(mode, message, 0, OUT_LEN);

    let mut hasher = mode.hasher();
    for piece in pieces(message, splits) {
        update(&mut hasher, piece, Threads::One);
    }
    let mut out = vec![0; out_len];
    fill_output(&hasher, seek, &mut out);
    assert_eq!(out, expected, "streamed, seek {seek} length {out_len}");
    let mut digest = [0; OUT_LEN];
    fill_output(&hasher, 0, &mut digest);
    assert_eq!(digest[..], default[..]);

    // One-shot, on the calling thread and with the thread policies (messages here are far
    // below the size where a pool is used, so all must agree).
    for threads in [Threads::One, Threads::Auto] {
        let mut out = vec![0; out_len];
        hash_into(mode, message, threads, seek, &mut out);
        assert_eq!(out, expected, "{threads:?}, seek {seek} length {out_len}");
        let mut digest = [0; OUT_LEN];
        hash_into(mode, message, threads, 0, &mut digest);
        assert_eq!(digest[..], default[..]);
    }
}
