"""Hashing: BLAKE3 and XXH3 on both implementations."""
