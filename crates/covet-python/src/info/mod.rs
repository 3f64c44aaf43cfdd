//! Facts about this build and the CPU it runs on, free of PyO3 types so they can be
//! tested with `cargo test`. The binding in `binding.rs` turns them into a Python dict.

pub mod binding;

/// How the extension was compiled. Every field is fixed at build time by `build.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildInfo {
    pub version: &'static str,
    /// Cargo's base profile: `"release"` or `"debug"`.
    pub profile: &'static str,
    /// The profile's own name: `"release"` (fat LTO: what users get and benches measure),
    /// `"quick-release"` (no LTO: test builds), `"dev"`, ...
    pub cargo_profile: &'static str,
    pub opt_level: &'static str,
    pub debug_assertions: bool,
    pub rustc: &'static str,
    pub target: &'static str,
    pub pyo3: &'static str,
    /// The interpreter ABI the extension was built against, e.g. `"CPython 3.11"`.
    pub python_abi: &'static str,
    /// Built for a free-threaded (`Py_GIL_DISABLED`) interpreter.
    pub free_threaded: bool,
}

impl BuildInfo {
    /// A debug build is many times slower; the Python detector warns about it.
    pub fn is_debug(&self) -> bool {
        self.profile == "debug" || self.opt_level == "0"
    }
}

pub const BUILD: BuildInfo = BuildInfo {
    version: env!("CARGO_PKG_VERSION"),
    profile: env!("COVET_BUILD_PROFILE"),
    cargo_profile: env!("COVET_BUILD_CARGO_PROFILE"),
    opt_level: env!("COVET_BUILD_OPT_LEVEL"),
    debug_assertions: cfg!(debug_assertions),
    rustc: env!("COVET_BUILD_RUSTC"),
    target: env!("COVET_BUILD_TARGET"),
    pyo3: env!("COVET_BUILD_PYO3"),
    python_abi: env!("COVET_BUILD_PYTHON_ABI"),
    free_threaded: cfg!(Py_GIL_DISABLED),
};

/// CPU features detected at run time that the fast paths of this library (SIMD JSON
/// scanning, BLAKE3, escaping) can use. The list is in a fixed order.
pub fn cpu_features() -> Vec<&'static str> {
    let mut found = Vec::new();
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    {
        macro_rules! probe {
            ($($name:tt),* $(,)?) => {
                $(if std::arch::is_x86_feature_detected!($name) { found.push($name); })*
            };
        }
        probe!(
            "sse2",
            "ssse3",
            "sse4.1",
            "sse4.2",
            "popcnt",
            "pclmulqdq",
            "aes",
            "sha",
            "bmi1",
            "bmi2",
            "avx",
            "avx2",
            "fma",
            "avx512f",
            "avx512bw",
            "avx512vl",
            "avx512vbmi",
        );
    }
    #[cfg(target_arch = "aarch64")]
    {
        macro_rules! probe {
            ($($name:tt),* $(,)?) => {
                $(if std::arch::is_aarch64_feature_detected!($name) { found.push($name); })*
            };
        }
        probe!("neon", "aes", "sha2", "sha3", "crc", "sve", "sve2");
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_the_crate_version() {
        assert_eq!(BUILD.version, env!("CARGO_PKG_VERSION"));
        assert!(!BUILD.version.is_empty());
    }

    #[test]
    fn build_facts_are_recorded() {
        assert!(
            BUILD.profile == "debug" || BUILD.profile == "release",
            "{}",
            BUILD.profile
        );
        assert!(BUILD.rustc.starts_with("rustc "), "{}", BUILD.rustc);
        assert!(!BUILD.target.is_empty());
        assert!(BUILD.pyo3.starts_with("0.30"), "{}", BUILD.pyo3);
        assert!(BUILD.python_abi.contains('3'), "{}", BUILD.python_abi);
    }

    #[test]
    fn tests_run_unoptimized_so_is_debug_agrees_with_profile() {
        // `cargo test` builds with the `test` profile which inherits `dev`.
        assert_eq!(
            BUILD.is_debug(),
            BUILD.opt_level == "0" || BUILD.profile == "debug"
        );
    }

    #[test]
    fn cpu_features_have_no_duplicates() {
        let features = cpu_features();
        let mut sorted = features.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), features.len());
        #[cfg(target_arch = "x86_64")]
        assert!(
            features.contains(&"sse2"),
            "x86_64 always has SSE2: {features:?}"
        );
    }
}
