//! Which vector instructions JSON's text scans use (the string writer of `dumps`, the string
//! and whitespace scans of the parser): chosen once per process, at the first scan, from
//! what the CPU has.
//!
//! `COVET_RUST_CORE_SIMD` forces a level (`portable`, `sse2`, `avx2`, `avx512`, `neon`), so
//! that the tests and the fuzz targets run every path this CPU can run, on every machine: a
//! level the CPU lacks is not used (never an illegal instruction), and an unknown name is
//! ignored. Otherwise the widest level but AVX-512 is used (see [`preferred`]).
//! `native_info()` reports the level in use and the levels available.

use std::sync::atomic::{AtomicU8, Ordering};

/// The instruction sets the scans are written for: on each architecture, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Level {
    /// Plain Rust, eight bytes per word where it helps: every target, and the reference the
    /// vector paths are tested against.
    Portable = 1,
    /// 16 bytes at a time: every x86-64 CPU has it.
    Sse2 = 2,
    /// 32 bytes at a time.
    Avx2 = 3,
    /// 64 bytes at a time, with masked loads and stores for a text's last bytes (AVX-512F
    /// and BW), so no text is copied to a padded block or read twice.
    Avx512 = 4,
    /// 16 bytes at a time: every aarch64 CPU has it.
    Neon = 5,
}

/// The environment variable that forces a level.
pub const LEVEL_VARIABLE: &str = "COVET_RUST_CORE_SIMD";

/// The chosen level (`Level as u8`), 0 before the first scan.
static CHOSEN: AtomicU8 = AtomicU8::new(0);

impl Level {
    /// The name `COVET_RUST_CORE_SIMD` and `native_info()` use.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Portable => "portable",
            Self::Sse2 => "sse2",
            Self::Avx2 => "avx2",
            Self::Avx512 => "avx512",
            Self::Neon => "neon",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [
            Self::Portable,
            Self::Sse2,
            Self::Avx2,
            Self::Avx512,
            Self::Neon,
        ]
        .into_iter()
        .find(|level| level.name().eq_ignore_ascii_case(name.trim()))
    }
}

/// Every level this CPU can run, lowest first.
pub fn available() -> Vec<Level> {
    let mut levels = vec![Level::Portable];
    #[cfg(target_arch = "x86_64")]
    {
        levels.push(Level::Sse2);
        if std::arch::is_x86_feature_detected!("avx2") {
            levels.push(Level::Avx2);
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512bw")
            {
                levels.push(Level::Avx512);
            }
        }
    }
    #[cfg(target_arch = "aarch64")]
    levels.push(Level::Neon);
    levels
}

/// The level the scans use: the one `COVET_RUST_CORE_SIMD` names if this CPU has it,
/// otherwise [`preferred`].
#[allow(clippy::inline_always)] // one load and a compare, in every scan
#[inline(always)]
pub fn level() -> Level {
    match CHOSEN.load(Ordering::Relaxed) {
        1 => Level::Portable,
        2 => Level::Sse2,
        3 => Level::Avx2,
        4 => Level::Avx512,
        5 => Level::Neon,
        _ => choose(),
    }
}

/// What `COVET_RUST_CORE_SIMD` asked for, if it names a level.
pub fn requested() -> Option<Level> {
    std::env::var(LEVEL_VARIABLE)
        .ok()
        .and_then(|name| Level::from_name(&name))
}

/// The level used unless one is asked for: the widest of `available` but AVX-512, which
/// must be asked for. Against AVX2 on an AMD EPYC (Zen 4 class) it parsed long strings
/// faster (1.14x on 90-1,900-byte strings) but twitter.json and the bench's API document
/// 2% slower, in three runs each; most JSON strings are short.
pub fn preferred(available: &[Level]) -> Level {
    available
        .iter()
        .rev()
        .copied()
        .find(|&level| level != Level::Avx512)
        .unwrap_or(Level::Portable)
}

#[cold]
#[inline(never)]
fn choose() -> Level {
    let available = available();
    let chosen = requested()
        .filter(|level| available.contains(level))
        .unwrap_or_else(|| preferred(&available));
    // Threads that race here choose the same level.
    CHOSEN.store(chosen as u8, Ordering::Relaxed);
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_none() {
        for level in [
            Level::Portable,
            Level::Sse2,
            Level::Avx2,
            Level::Avx512,
            Level::Neon,
        ] {
            assert_eq!(Level::from_name(level.name()), Some(level));
            assert_eq!(Level::from_name(&level.name().to_uppercase()), Some(level));
        }
        assert_eq!(Level::from_name("avx512bw"), None);
        assert_eq!(Level::from_name(""), None);
    }

    #[test]
    fn avx512_is_used_only_when_asked_for() {
        let x86 = [Level::Portable, Level::Sse2, Level::Avx2, Level::Avx512];
        assert_eq!(preferred(&x86), Level::Avx2);
        assert_eq!(preferred(&x86[..2]), Level::Sse2);
        assert_eq!(preferred(&[Level::Portable, Level::Neon]), Level::Neon);
        assert_eq!(preferred(&[]), Level::Portable);
    }

    #[test]
    fn the_chosen_level_is_available() {
        assert!(available().contains(&level()));
        assert_eq!(available()[0], Level::Portable);
    }
}
