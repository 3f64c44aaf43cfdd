"""Hashing for web applications: BLAKE3 and XXH3, from the backend the detector chose.

* ``blake3``: a hashlib-style object (``update``, ``digest(length, seek=)``, ``hexdigest``,
  ``copy``, ``reset``) with keyed hashing (``key=`` 32 bytes), key derivation
  (``derive_key_context=``) and extendable output; ``blake3_digest`` / ``blake3_hexdigest``
  hash a value in one call; ``blake3_file`` hashes a file without reading it into Python
  (memory-mapped, GIL released). A regular file of 16 KiB or more is hashed as the bytes it
  held when it was opened; if it shrinks while it is hashed (log rotation with copytruncate,
  an upload rewritten), the call raises ``OSError(errno.EIO, "file shrank while it was
  hashed", path)``, never crashes and never returns a digest of what is left. Smaller files
  and pipes are read to their end. ``max_threads`` is an upper bound: threads are used only
  for inputs of 2 MiB or more, where they were measured to gain; ``AUTO`` means as many
  as there are cores.
* ``xxh3_64`` / ``xxh3_128``: the non-cryptographic XXH3 as an int (``*_digest``: big-endian
  bytes, ``*_hexdigest``: hex), identical to the ``xxhash`` package and stable across
  platforms and versions, so it is safe for cache keys and ETags shared between workers;
  ``xxh3_64_hasher`` / ``xxh3_128_hasher`` stream.

ahash is not offered: its output changes across CPUs, builds and versions, so it is fit only
for in-process hash tables, the only use this library will make of it.

Inputs are any C-contiguous buffer; ``str`` is a TypeError ("Strings must be encoded before
hashing") and a non-contiguous buffer a BufferError, as in hashlib. The native side
releases the GIL while hashing inputs of 2048 bytes or more (XXH3: 64 KiB or more).
"""

from __future__ import annotations

from covet_rust_core._backend import export_domain

__all__ = export_domain("hashing", globals())  # noqa: PLE0605 (the names are the implementation\'s)
