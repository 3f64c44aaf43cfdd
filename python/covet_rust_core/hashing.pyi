# The public hashing API is typed as the native one; the pure-Python twin matches it.
from covet_rust_core._native import AUTO as AUTO
from covet_rust_core._native import blake3 as blake3
from covet_rust_core._native import blake3_digest as blake3_digest
from covet_rust_core._native import blake3_file as blake3_file
from covet_rust_core._native import blake3_hexdigest as blake3_hexdigest
from covet_rust_core._native import xxh3_64 as xxh3_64
from covet_rust_core._native import xxh3_64_digest as xxh3_64_digest
from covet_rust_core._native import xxh3_64_hasher as xxh3_64_hasher
from covet_rust_core._native import xxh3_64_hexdigest as xxh3_64_hexdigest
from covet_rust_core._native import xxh3_128 as xxh3_128
from covet_rust_core._native import xxh3_128_digest as xxh3_128_digest
from covet_rust_core._native import xxh3_128_hasher as xxh3_128_hasher
from covet_rust_core._native import xxh3_128_hexdigest as xxh3_128_hexdigest

__all__ = [
    "AUTO",
    "blake3",
    "blake3_digest",
    "blake3_file",
    "blake3_hexdigest",
    "xxh3_64",
    "xxh3_64_digest",
    "xxh3_64_hasher",
    "xxh3_64_hexdigest",
    "xxh3_128",
    "xxh3_128_digest",
    "xxh3_128_hasher",
    "xxh3_128_hexdigest",
]
