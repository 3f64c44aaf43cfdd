//! BLAKE3 driving: the three modes, size-aware threading, extendable output with seek,
//! and files hashed through a memory map (or buffered reads where mapping cannot work).

use std::io;
use std::path::Path;

use super::threads::Threads;

pub const KEY_LEN: usize = ::blake3::KEY_LEN;
pub const OUT_LEN: usize = ::blake3::OUT_LEN;
pub const BLOCK_LEN: usize = ::blake3::BLOCK_LEN;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Hash,
    Keyed([u8; KEY_LEN]),
    /// Key derivation with this (hard-coded, application-specific) context string.
    DeriveKey(String),
}

impl Mode {
    pub fn hasher(&self) -> ::blake3::Hasher {
        match self {
            Self::Hash => ::blake3::Hasher::new(),
            Self::Keyed(key) => ::blake3::Hasher::new_keyed(key),
            Self::DeriveKey(context) => ::blake3::Hasher::new_derive_key(context),
        }
    }
}

/// Feed `data` to `hasher`, on a thread pool when `threads` says the size pays for it.
pub fn update(hasher: &mut ::blake3::Hasher, data: &[u8], threads: Threads) {
    match threads.pool_for(data.len() as u64) {
        Some(pool) => pool.install(|| {
            hasher.update_rayon(data);
        }),
        None => {
            hasher.update(data);
        }
    }
}

/// Write extendable output starting at byte `seek` into `out`.
pub fn fill_output(hasher: &::blake3::Hasher, seek: u64, out: &mut [u8]) {
    if seek == 0 && out.len() == OUT_LEN {
        out.copy_from_slice(hasher.finalize().as_bytes());
        return;
    }
    let mut reader = hasher.finalize_xof();
    reader.set_position(seek);
    reader.fill(out);
}

/// One-shot hash of `data` into `out` (any length), with no hasher object kept.
pub fn hash_into(mode: &Mode, data: &[u8], threads: Threads, seek: u64, out: &mut [u8]) {
    if matches!(mode, Mode::Hash) && seek == 0 && out.len() == OUT_LEN && threads == Threads::One {
        // The crate's one-shot entry point skips the incremental hasher's bookkeeping.
        out.copy_from_slice(::blake3::hash(data).as_bytes());
        return;
    }
    let mut hasher = mode.hasher();
    update(&mut hasher, data, threads);
    fill_output(&hasher, seek, out);
}

/// Hash the file at `path` without reading it into memory up front: regular files are
/// memory-mapped, anything else (pipes, empty or special files) is read in chunks.
pub fn hash_file(
    path: &Path,
    mode: &Mode,
    threads: Threads,
    seek: u64,
    out: &mut [u8],
) -> io::Result<()> {
    let mut hasher = mode.hasher();
    let size = std::fs::metadata(path)?.len();
    match threads.pool_for(size) {
        Some(pool) => pool.install(|| hasher.update_mmap_rayon(path).map(drop))?,
        None => hasher.update_mmap(path).map(drop)?,
    }
    fill_output(&hasher, seek, out);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroUsize;

    /// Input of the official test vectors: byte i is i % 251.
    fn vector_input(len: usize) -> Vec<u8> {
        (0..=250u8).cycle().take(len).collect()
    }

    #[test]
    fn official_vector_1024_bytes() {
        // From the BLAKE3 test_vectors.json, input_len 1024, first 32 bytes of "hash".
        let expected = "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7";
        let mut out = [0; 32];
        hash_into(&Mode::Hash, &vector_input(1024), Threads::One, 0, &mut out);
        assert_eq!(hex(&out), expected);
    }

    fn output(hasher: &::blake3::Hasher, length: usize, seek: u64) -> Vec<u8> {
        let mut out = vec![0; length];
        fill_output(hasher, seek, &mut out);
        out
    }

    #[test]
    fn seek_reads_the_middle_of_the_extended_output() {
        let hasher = Mode::Hash.hasher();
        let long = output(&hasher, 131, 0);
        assert_eq!(output(&hasher, 20, 30), long[30..50]);
    }

    #[test]
    fn threaded_equals_single_threaded() {
        let data = vector_input(3 << 20); // above PARALLEL_MIN_BYTES
        let two = Threads::AtMost(NonZeroUsize::new(2).unwrap());
        for mode in [
            Mode::Hash,
            Mode::Keyed([7; 32]),
            Mode::DeriveKey("covet 2026-11-23 test".into()),
        ] {
            let mut one = [0; 64];
            let mut many = [0; 64];
            let mut auto = [0; 64];
            hash_into(&mode, &data, Threads::One, 0, &mut one);
            hash_into(&mode, &data, two, 0, &mut many);
            hash_into(&mode, &data, Threads::Auto, 0, &mut auto);
            assert_eq!(one, many);
            assert_eq!(one, auto);
        }
    }

    #[test]
    fn file_hash_equals_memory_hash() {
        let dir = std::env::temp_dir().join(format!("covet-blake3-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for len in [0, 1, 2047, 2048, 2049, 70_000, (2 << 20) + 3] {
            let data = vector_input(len);
            let path = dir.join(format!("f{len}"));
            std::fs::write(&path, &data).unwrap();
            for threads in [Threads::One, Threads::Auto] {
                let mut from_file = [0; 32];
                let mut from_memory = [0; 32];
                hash_file(&path, &Mode::Hash, threads, 0, &mut from_file).unwrap();
                hash_into(&Mode::Hash, &data, Threads::One, 0, &mut from_memory);
                assert_eq!(from_file, from_memory, "len {len}");
            }
        }
        let missing = hash_file(
            &dir.join("missing"),
            &Mode::Hash,
            Threads::One,
            0,
            &mut [0; 32],
        );
        assert_eq!(missing.unwrap_err().kind(), io::ErrorKind::NotFound);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn hex(bytes: &[u8]) -> String {
        use std::fmt::Write;
        bytes.iter().fold(String::new(), |mut s, b| {
            write!(s, "{b:02x}").unwrap();
            s
        })
    }
}
