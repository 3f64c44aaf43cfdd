//! XXH3-64 and XXH3-128 with seeds: one-shot and streaming. The output is the reference
//! algorithm's (stable across platforms and versions), so it is safe for cache keys and
//! ETags. Byte forms are big-endian ("canonical"), as the `xxhash` package's digest().

use std::hash::Hasher as _;

use twox_hash::{XxHash3_128, XxHash3_64};

// Seed 0 (the common case) goes through `oneshot`, which reads the default secret in
// place; `oneshot_with_seed` first copies it to the stack (a 192-byte memcpy per call,
// seen in callgrind at 64 B).
pub fn hash64(data: &[u8], seed: u64) -> u64 {
    if seed == 0 {
        XxHash3_64::oneshot(data)
    } else {
        XxHash3_64::oneshot_with_seed(seed, data)
    }
}

pub fn hash128(data: &[u8], seed: u64) -> u128 {
    if seed == 0 {
        XxHash3_128::oneshot(data)
    } else {
        XxHash3_128::oneshot_with_seed(seed, data)
    }
}

/// The streaming states of the two widths, behind one interface.
pub trait Xxh3State: Clone + Send {
    type Digest: Copy;
    fn with_seed(seed: u64) -> Self;
    fn write(&mut self, data: &[u8]);
    fn digest(&self) -> Self::Digest;
}

impl Xxh3State for XxHash3_64 {
    type Digest = u64;
    fn with_seed(seed: u64) -> Self {
        XxHash3_64::with_seed(seed)
    }
    fn write(&mut self, data: &[u8]) {
        std::hash::Hasher::write(self, data);
    }
    fn digest(&self) -> u64 {
        self.finish()
    }
}

impl Xxh3State for XxHash3_128 {
    type Digest = u128;
    fn with_seed(seed: u64) -> Self {
        XxHash3_128::with_seed(seed)
    }
    fn write(&mut self, data: &[u8]) {
        XxHash3_128::write(self, data);
    }
    fn digest(&self) -> u128 {
        self.finish_128()
    }
}

/// A streaming XXH3 hash that remembers its seed, so `reset` can return to it.
#[derive(Clone)]
pub struct Xxh3Stream<S> {
    state: S,
    seed: u64,
}

pub type Xxh3Stream64 = Xxh3Stream<XxHash3_64>;
pub type Xxh3Stream128 = Xxh3Stream<XxHash3_128>;

impl<S: Xxh3State> Xxh3Stream<S> {
    pub fn new(seed: u64) -> Self {
        Self {
            state: S::with_seed(seed),
            seed,
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn update(&mut self, data: &[u8]) {
        self.state.write(data);
    }

    pub fn digest(&self) -> S::Digest {
        self.state.digest()
    }

    pub fn reset(&mut self) {
        self.state = S::with_seed(self.seed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_known_value() {
        assert_eq!(hash64(b"", 0), 0x2d06_8005_38d3_94c2);
    }

    #[test]
    fn streaming_equals_one_shot_for_every_chunking() {
        let data: Vec<u8> = (0..=250u8).cycle().take(5000).collect();
        for seed in [0, 1, u64::MAX] {
            for chunk in [1, 7, 64, 255, 256, 257, 1024, 5000] {
                let mut narrow = Xxh3Stream64::new(seed);
                let mut wide = Xxh3Stream128::new(seed);
                for part in data.chunks(chunk) {
                    narrow.update(part);
                    wide.update(part);
                }
                assert_eq!(narrow.digest(), hash64(&data, seed), "chunk {chunk}");
                assert_eq!(wide.digest(), hash128(&data, seed), "chunk {chunk}");
            }
        }
    }

    #[test]
    fn reset_returns_to_the_seeded_start() {
        let mut stream = Xxh3Stream64::new(42);
        stream.update(b"something");
        stream.reset();
        stream.update(b"abc");
        assert_eq!(stream.digest(), hash64(b"abc", 42));
        assert_eq!(stream.seed(), 42);
    }
}
