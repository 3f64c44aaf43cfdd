//! How many threads BLAKE3 may use, and the bounded thread pools that enforce it.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, OnceLock};

use rayon_core::{ThreadPool, ThreadPoolBuilder};

/// The Python-facing value of `max_threads` that lets the library choose (`blake3.AUTO`
/// in the `blake3` package is also -1).
pub const AUTO: i64 = -1;

/// Below this many bytes hashing stays on the calling thread, whatever `max_threads` says
/// (the caller allows *at most* that many threads): waking pool threads costs more than
/// they save. Measured with `cargo bench --bench hashing -- blake3_threads` on a 2-core
/// x86-64 machine (AVX2): two threads took 3.0x the single-thread time at 128 KiB, 1.4x
/// at 512 KiB, 1.06x at 1 MiB, and 0.74x at 2 MiB, 0.46x at 8 MiB. See docs/HASHING.md.
pub const PARALLEL_MIN_BYTES: usize = 2 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    One,
    AtMost(NonZeroUsize),
    Auto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidThreads(pub i64);

impl std::fmt::Display for InvalidThreads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "max_threads must be a positive integer or AUTO (-1), not {}",
            self.0
        )
    }
}

impl Threads {
    pub fn from_max_threads(max_threads: i64) -> Result<Self, InvalidThreads> {
        match max_threads {
            AUTO => Ok(Self::Auto),
            1 => Ok(Self::One),
            n if n > 1 => usize::try_from(n)
                .ok()
                .and_then(NonZeroUsize::new)
                .map(Self::AtMost)
                .ok_or(InvalidThreads(n)),
            n => Err(InvalidThreads(n)),
        }
    }

    /// The pool to hash `len` bytes with, or None to stay on the calling thread.
    pub fn pool_for(self, len: u64) -> Option<Arc<ThreadPool>> {
        let limit = match self {
            Self::One => return None,
            Self::AtMost(n) => n.get(),
            Self::Auto => usize::MAX,
        };
        let threads = limit.min(cores());
        if threads < 2 || len < PARALLEL_MIN_BYTES as u64 {
            return None;
        }
        pool(threads)
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

struct Pools {
    /// The fork generation that built these pools (`crate::forks`): after fork() the child
    /// has none of their threads, and submitting work to them would wait forever.
    owner_generation: u64,
    by_size: Vec<(usize, Arc<ThreadPool>)>,
}

/// The shared pool of `threads` threads, built on first use; None when the threads cannot
/// be started (out of memory or of threads: `max_threads` is an upper bound, so the work
/// then stays on the calling thread instead of failing or panicking).
fn pool(threads: usize) -> Option<Arc<ThreadPool>> {
    static POOLS: OnceLock<Mutex<Pools>> = OnceLock::new();
    let pools = POOLS.get_or_init(|| {
        Mutex::new(Pools {
            owner_generation: crate::forks::generation(),
            by_size: Vec::new(),
        })
    });
    let mut pools = pools
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let generation = crate::forks::generation();
    if pools.owner_generation != generation {
        // Inherited from the parent: their worker threads do not exist here. Dropping a
        // pool would signal threads that are gone, so leak them and start afresh.
        for (_, stale) in pools.by_size.drain(..) {
            std::mem::forget(stale);
        }
        pools.owner_generation = generation;
    }
    if let Some((_, found)) = pools.by_size.iter().find(|(size, _)| *size == threads) {
        return Some(Arc::clone(found));
    }
    pools.by_size.try_reserve(1).ok()?;
    let built = Arc::new(
        ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("covet-blake3-{i}"))
            .build()
            .ok()?,
    );
    pools.by_size.push((threads, Arc::clone(&built)));
    Some(built)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_threads_values() {
        assert_eq!(Threads::from_max_threads(1), Ok(Threads::One));
        assert_eq!(Threads::from_max_threads(AUTO), Ok(Threads::Auto));
        assert_eq!(
            Threads::from_max_threads(4),
            Ok(Threads::AtMost(NonZeroUsize::new(4).unwrap()))
        );
        for bad in [0, -2, i64::MIN] {
            assert_eq!(Threads::from_max_threads(bad), Err(InvalidThreads(bad)));
        }
    }

    #[test]
    fn small_inputs_stay_on_the_calling_thread() {
        assert!(Threads::One.pool_for(u64::MAX).is_none());
        assert!(Threads::Auto
            .pool_for(PARALLEL_MIN_BYTES as u64 - 1)
            .is_none());
        let two = Threads::AtMost(NonZeroUsize::new(2).unwrap());
        assert!(two.pool_for(PARALLEL_MIN_BYTES as u64 - 1).is_none());
    }

    #[test]
    fn pools_are_reused_and_bounded() {
        if cores() < 2 {
            return;
        }
        let two = Threads::AtMost(NonZeroUsize::new(2).unwrap());
        let a = two.pool_for(1 << 30).expect("a pool for a big input");
        let b = two.pool_for(1 << 30).expect("a pool for a big input");
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.current_num_threads(), 2);
    }
}
