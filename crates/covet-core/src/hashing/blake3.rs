//! BLAKE3 driving: the three modes, size-aware threading, extendable output with seek,
//! and files hashed through a guarded memory map (or buffered reads where mapping cannot
//! work or is not guarded).

use std::fs::File;
use std::io::{self, Read};
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

/// Regular files from this size on are memory-mapped, smaller ones read (the `blake3`
/// crate's threshold, which `update_mmap` used before; mapping costs more than it saves on
/// a few pages).
pub const MAP_MIN_BYTES: u64 = 16 * 1024;

/// A mapped file is hashed in windows of this size, so that a file found shrunk stops the
/// work at the end of the window instead of hashing zeros to the end of the map. Large
/// enough that the windows cost nothing measurable, threaded or not
/// (`cargo bench --bench file_hashing`).
const MAP_WINDOW_BYTES: usize = 64 << 20;

/// Reads go through a buffer of this size: measured as fast as 64 KiB and 1 MiB on files
/// of 64 MiB and 1 GiB, and small enough to stay in L2 (`cargo bench --bench file_hashing`).
const READ_BUFFER_BYTES: usize = 256 * 1024;

/// Longer paths are refused with ENAMETOOLONG before the standard library copies them
/// (infallibly) to add a NUL: no operating system accepts a path of this length (Linux:
/// 4096 bytes, macOS: 1024), so the answer is the one `open()` would give.
pub const MAX_PATH_BYTES: usize = 1 << 20;

/// Why a file could not be hashed.
#[derive(Debug)]
pub enum FileHashError {
    Io(io::Error),
    /// The file shrank while it was hashed: bytes it held when it was opened were gone
    /// when they were read.
    Shrank,
    /// A read buffer could not be allocated.
    OutOfMemory,
}

impl From<io::Error> for FileHashError {
    fn from(err: io::Error) -> Self {
        Self::Io(err)
    }
}

impl std::fmt::Display for FileHashError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(err) => err.fmt(f),
            Self::Shrank => f.write_str("file shrank while it was hashed"),
            Self::OutOfMemory => f.write_str("out of memory for the read buffer"),
        }
    }
}

/// Hash the file at `path` without reading it into memory up front.
///
/// A regular file of [`MAP_MIN_BYTES`] or more is hashed as the bytes it held when it was
/// opened (its size then; bytes appended later are not read): memory-mapped where a map
/// can be guarded against the file shrinking (`mapped_file`), read otherwise. If it
/// shrinks so that some of those bytes are gone when they are read, the result is
/// [`FileHashError::Shrank`], never a crash and never a digest. Anything else (small
/// files, pipes, devices) is read to its end.
pub fn hash_file(
    path: &Path,
    mode: &Mode,
    threads: Threads,
    seek: u64,
    out: &mut [u8],
) -> Result<(), FileHashError> {
    #[cfg(unix)]
    if path.as_os_str().len() > MAX_PATH_BYTES {
        return Err(io::Error::from_raw_os_error(libc::ENAMETOOLONG).into());
    }
    let file = File::open(path)?;
    let metadata = file.metadata()?;
    let mut hasher = mode.hasher();
    if metadata.is_file() && metadata.len() >= MAP_MIN_BYTES {
        hash_sized(&file, metadata.len(), &mut hasher, threads)?;
    } else {
        hash_to_end(&file, &mut hasher)?;
    }
    fill_output(&hasher, seek, out);
    Ok(())
}

/// Hash the first `len` bytes of a regular file.
fn hash_sized(
    file: &File,
    len: u64,
    hasher: &mut ::blake3::Hasher,
    threads: Threads,
) -> Result<(), FileHashError> {
    #[cfg(any(target_os = "linux", target_os = "macos"))]
    if let Ok(map_len) = usize::try_from(len) {
        // SAFETY: the mapped bytes are only hashed; a shrink is caught by `pages_lost`.
        if let Some(map) = unsafe { super::mapped_file::MappedFile::map(file, map_len) } {
            return hash_mapped(&map, hasher, threads);
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos")))]
    let _ = threads;
    hash_sized_by_reading(file, len, hasher)
}

#[cfg(any(target_os = "linux", target_os = "macos"))]
fn hash_mapped(
    map: &super::mapped_file::MappedFile,
    hasher: &mut ::blake3::Hasher,
    threads: Threads,
) -> Result<(), FileHashError> {
    for window in map.bytes().chunks(MAP_WINDOW_BYTES) {
        update(hasher, window, threads);
        if map.pages_lost() {
            return Err(FileHashError::Shrank);
        }
    }
    Ok(())
}

/// Hash the first `len` bytes of a regular file by reading them (on one thread: this is the
/// path where a map is not possible, and the copy out of the page cache, not the hashing,
/// sets its speed).
fn hash_sized_by_reading(
    file: &File,
    len: u64,
    hasher: &mut ::blake3::Hasher,
) -> Result<(), FileHashError> {
    let mut buffer = read_buffer(READ_BUFFER_BYTES)?;
    let mut left = len;
    let mut reader = file;
    while left > 0 {
        let want = usize::try_from(left).map_or(buffer.len(), |left| left.min(buffer.len()));
        match reader.read(&mut buffer[..want]) {
            Ok(0) => return Err(FileHashError::Shrank),
            Ok(n) => {
                hasher.update(&buffer[..n]);
                left -= n as u64;
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(())
}

/// Hash what `file` gives until its end (small files, pipes, devices).
fn hash_to_end(file: &File, hasher: &mut ::blake3::Hasher) -> Result<(), FileHashError> {
    let mut buffer = read_buffer(64 * 1024)?;
    let mut reader = file;
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                hasher.update(&buffer[..n]);
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err.into()),
        }
    }
}

fn read_buffer(len: usize) -> Result<Vec<u8>, FileHashError> {
    let mut buffer = Vec::new();
    buffer
        .try_reserve_exact(len)
        .map_err(|_| FileHashError::OutOfMemory)?;
    buffer.resize(len, 0);
    Ok(buffer)
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
        assert!(
            matches!(missing, Err(FileHashError::Io(err)) if err.kind() == io::ErrorKind::NotFound)
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A file shrunk after its size was taken: whether mapped or read, the bytes that are
    /// gone make the hash fail with `Shrank` (mapped: instead of SIGBUS killing the process).
    #[test]
    fn a_file_that_shrank_is_an_error() {
        let dir = std::env::temp_dir().join(format!("covet-shrink-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("shrinking");
        for (len, kept) in [(1 << 20, 0), (1 << 20, 4096 * 3 + 1), (5 << 20, 3 << 20)] {
            std::fs::write(&path, vector_input(len)).unwrap();
            let file = File::open(&path).unwrap();
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(kept)
                .unwrap();
            for threads in [Threads::One, Threads::Auto] {
                let mut hasher = Mode::Hash.hasher();
                let mapped = hash_sized(&file, len as u64, &mut hasher, threads);
                assert!(matches!(mapped, Err(FileHashError::Shrank)), "{len} {kept}");
            }
            let mut hasher = Mode::Hash.hasher();
            let mut reader = &file;
            io::Seek::rewind(&mut reader).unwrap();
            let read = hash_sized_by_reading(&file, len as u64, &mut hasher);
            assert!(matches!(read, Err(FileHashError::Shrank)), "{len} {kept}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_that_grew_is_hashed_as_it_was_opened() {
        let dir = std::env::temp_dir().join(format!("covet-grow-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("growing");
        let data = vector_input(100_000);
        std::fs::write(&path, &data[..70_000]).unwrap();
        let file = File::open(&path).unwrap();
        std::fs::write(&path, &data).unwrap();
        let mut expected = [0; 32];
        hash_into(&Mode::Hash, &data[..70_000], Threads::One, 0, &mut expected);
        let mut hasher = Mode::Hash.hasher();
        hash_sized(&file, 70_000, &mut hasher, Threads::One).unwrap();
        assert_eq!(hasher.finalize().as_bytes(), &expected);
        let mut hasher = Mode::Hash.hasher();
        hash_sized_by_reading(&file, 70_000, &mut hasher).unwrap();
        assert_eq!(hasher.finalize().as_bytes(), &expected);
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
