"""The detector: which implementation `import covet_rust_core` picks and why, the doctor,
the pytest plugin, and the package-level API that follows the choice. The one part of the
suite whose outcome depends on COVET_RUST_CORE_BACKEND."""
