"""BLAKE3 in pure Python: the twin of the native ``blake3`` binding.

Implements the three BLAKE3 modes (``hash``, ``keyed_hash``, ``derive_key``) with
extendable output and seeking, following the reference design in the BLAKE3 paper. The
native side uses the official ``blake3`` crate; this module must produce byte-identical
output for every input, key, context, output length and seek position.

Input is streamed: the hasher holds one partial chunk (at most one buffered 64-byte block
plus a chaining value) and a stack of at most 54 subtree chaining values, so memory stays
bounded however much data is fed in.
"""

from __future__ import annotations

import struct
import sys
from typing import TypeAlias

__all__ = ["BLOCK_LEN", "CHUNK_LEN", "KEY_LEN", "OUT_LEN", "Blake3State"]

KEY_LEN = 32
OUT_LEN = 32
# The longest ``bytes`` CPython can make: PY_SSIZE_T_MAX minus PyBytesObject's header and
# trailing NUL (PyBytes_FromStringAndSize's check; 33 bytes on 64-bit builds).
MAX_BYTES_LENGTH = sys.maxsize - (33 if sys.maxsize > 2**32 else 17)
BLOCK_LEN = 64
CHUNK_LEN = 1024

_Words: TypeAlias = tuple[int, ...]

_MASK = 0xFFFFFFFF

_IV: _Words = (
    0x6A09E667,
    0xBB67AE85,
    0x3C6EF372,
    0xA54FF53A,
    0x510E527F,
    0x9B05688C,
    0x1F83D9AB,
    0x5BE0CD19,
)

_CHUNK_START = 1 << 0
_CHUNK_END = 1 << 1
_PARENT = 1 << 2
_ROOT = 1 << 3
_KEYED_HASH = 1 << 4
_DERIVE_KEY_CONTEXT = 1 << 5
_DERIVE_KEY_MATERIAL = 1 << 6

_BLOCKS_PER_CHUNK = CHUNK_LEN // BLOCK_LEN

_unpack_block = struct.Struct("<16I").unpack_from
_pack_block = struct.Struct("<16I").pack
_unpack_key = struct.Struct("<8I").unpack


def _compress(  # noqa: PLR0915 - unrolled on purpose, see below
    cv: _Words, m: _Words, counter: int, block_len: int, flags: int
) -> _Words:
    """Run the BLAKE3 compression function and return all 16 output words.

    The first 8 words are the new chaining value; all 16 are one block of root output.

    This is the hot spot of the module, so the 7 rounds are fully unrolled on local
    variables: function calls, list indexing and the per-round message permutation are
    what dominate a straightforward pure-Python version. Instead of permuting the message
    between rounds, each round reads the words in the order the permutation
    ``(2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8)`` would have left them in.
    Each group of 12 lines is one ``G`` call (rotations by 16, 12, 8, 7), first on the
    four columns of the state, then on the four diagonals.
    """
    v0, v1, v2, v3, v4, v5, v6, v7 = cv
    m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15 = m
    v8, v9, v10, v11 = 0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A
    v12 = counter & _MASK
    v13 = (counter >> 32) & _MASK
    v14 = block_len
    v15 = flags

    # Round 1: columns, then diagonals.
    v0 = (v0 + v4 + m0) & _MASK
    v12 ^= v0
    v12 = v12 >> 16 | (v12 << 16) & _MASK
    v8 = (v8 + v12) & _MASK
    v4 ^= v8
    v4 = v4 >> 12 | (v4 << 20) & _MASK
    v0 = (v0 + v4 + m1) & _MASK
    v12 ^= v0
    v12 = v12 >> 8 | (v12 << 24) & _MASK
    v8 = (v8 + v12) & _MASK
    v4 ^= v8
    v4 = v4 >> 7 | (v4 << 25) & _MASK
    v1 = (v1 + v5 + m2) & _MASK
    v13 ^= v1
    v13 = v13 >> 16 | (v13 << 16) & _MASK
    v9 = (v9 + v13) & _MASK
    v5 ^= v9
    v5 = v5 >> 12 | (v5 << 20) & _MASK
    v1 = (v1 + v5 + m3) & _MASK
    v13 ^= v1
    v13 = v13 >> 8 | (v13 << 24) & _MASK
    v9 = (v9 + v13) & _MASK
    v5 ^= v9
    v5 = v5 >> 7 | (v5 << 25) & _MASK
    v2 = (v2 + v6 + m4) & _MASK
    v14 ^= v2
    v14 = v14 >> 16 | (v14 << 16) & _MASK
    v10 = (v10 + v14) & _MASK
    v6 ^= v10
    v6 = v6 >> 12 | (v6 << 20) & _MASK
    v2 = (v2 + v6 + m5) & _MASK
    v14 ^= v2
    v14 = v14 >> 8 | (v14 << 24) & _MASK
    v10 = (v10 + v14) & _MASK
    v6 ^= v10
    v6 = v6 >> 7 | (v6 << 25) & _MASK
    v3 = (v3 + v7 + m6) & _MASK
    v15 ^= v3
    v15 = v15 >> 16 | (v15 << 16) & _MASK
    v11 = (v11 + v15) & _MASK
    v7 ^= v11
    v7 = v7 >> 12 | (v7 << 20) & _MASK
    v3 = (v3 + v7 + m7) & _MASK
    v15 ^= v3
    v15 = v15 >> 8 | (v15 << 24) & _MASK
    v11 = (v11 + v15) & _MASK
    v7 ^= v11
    v7 = v7 >> 7 | (v7 << 25) & _MASK
    v0 = (v0 + v5 + m8) & _MASK
    v15 ^= v0
    v15 = v15 >> 16 | (v15 << 16) & _MASK
    v10 = (v10 + v15) & _MASK
    v5 ^= v10
    v5 = v5 >> 12 | (v5 << 20) & _MASK
    v0 = (v0 + v5 + m9) & _MASK
    v15 ^= v0
    v15 = v15 >> 8 | (v15 << 24) & _MASK
    v10 = (v10 + v15) & _MASK
    v5 ^= v10
    v5 = v5 >> 7 | (v5 << 25) & _MASK
    v1 = (v1 + v6 + m10) & _MASK
    v12 ^= v1
    v12 = v12 >> 16 | (v12 << 16) & _MASK
    v11 = (v11 + v12) & _MASK
    v6 ^= v11
    v6 = v6 >> 12 | (v6 << 20) & _MASK
    v1 = (v1 + v6 + m11) & _MASK
    v12 ^= v1
    v12 = v12 >> 8 | (v12 << 24) & _MASK
    v11 = (v11 + v12) & _MASK
    v6 ^= v11
    v6 = v6 >> 7 | (v6 << 25) & _MASK
    v2 = (v2 + v7 + m12) & _MASK
    v13 ^= v2
    v13 = v13 >> 16 | (v13 << 16) & _MASK
    v8 = (v8 + v13) & _MASK
    v7 ^= v8
    v7 = v7 >> 12 | (v7 << 20) & _MASK
    v2 = (v2 + v7 + m13) & _MASK
    v13 ^= v2
    v13 = v13 >> 8 | (v13 << 24) & _MASK
    v8 = (v8 + v13) & _MASK
    v7 ^= v8
    v7 = v7 >> 7 | (v7 << 25) & _MASK
    v3 = (v3 + v4 + m14) & _MASK
    v14 ^= v3
    v14 = v14 >> 16 | (v14 << 16) & _MASK
    v9 = (v9 + v14) & _MASK
    v4 ^= v9
    v4 = v4 >> 12 | (v4 << 20) & _MASK
    v3 = (v3 + v4 + m15) & _MASK
    v14 ^= v3
    v14 = v14 >> 8 | (v14 << 24) & _MASK
    v9 = (v9 + v14) & _MASK
    v4 ^= v9
    v4 = v4 >> 7 | (v4 << 25) & _MASK
    # Round 2: columns, then diagonals.
    v0 = (v0 + v4 + m2) & _MASK
    v12 ^= v0
    v12 = v12 >> 16 | (v12 << 16) & _MASK
    v8 = (v8 + v12) & _MASK
    v4 ^= v8
    v4 = v4 >> 12 | (v4 << 20) & _MASK
    v0 = (v0 + v4 + m6) & _MASK
    v12 ^= v0
    v12 = v12 >> 8 | (v12 << 24) & _MASK
    v8 = (v8 + v12) & _MASK
    v4 ^= v8
    v4 = v4 >> 7 | (v4 << 25) & _MASK
    v1 = (v1 + v5 + m3) & _MASK
    v13 ^= v1
    v13 = v13 >> 16 | (v13 << 16) & _MASK
    v9 = (v9 + v13) & _MASK
    v5 ^= v9
    v5 = v5 >> 12 | (v5 << 20) & _MASK
    v1 = (v1 + v5 + m10) & _MASK
    v13 ^= v1
    v13 = v13 >> 8 | (v13 << 24) & _MASK
    v9 = (v9 + v13) & _MASK
    v5 ^= v9
    v5 = v5 >> 7 | (v5 << 25) & _MASK
    v2 = (v2 + v6 + m7) & _MASK
    v14 ^= v2
    v14 = v14 >> 16 | (v14 << 16) & _MASK
    v10 = (v10 + v14) & _MASK
    v6 ^= v10
    v6 = v6 >> 12 | (v6 << 20) & _MASK
    v2 = (v2 + v6 + m0) & _MASK
    v14 ^= v2
    v14 = v14 >> 8 | (v14 << 24) & _MASK
    v10 = (v10 + v14) & _MASK
    v6 ^= v10
    v6 = v6 >> 7 | (v6 << 25) & _MASK
    v3 = (v3 + v7 + m4) & _MASK
    v15 ^= v3
    v15 = v15 >> 16 | (v15 << 16) & _MASK
    v11 = (v11 + v15) & _MASK
    v7 ^= v11
    v7 = v7 >> 12 | (v7 << 20) & _MASK
    v3 = (v3 + v7 + m13) & _MASK
    v15 ^= v3
    v15 = v15 >> 8 | (v15 << 24) & _MASK
    v11 = (v11 + v15) & _MASK
    v7 ^= v11
    v7 = v7 >> 7 | (v7 << 25) & _MASK
    v0 = (v0 + v5 + m1) & _MASK
    v15 ^= v0
    v15 = v15 >> 16 | (v15 << 16) & _MASK
    v10 = (v10 + v15) & _MASK
    v5 ^= v10
    v5 = v5 >> 12 | (v5 << 20) & _MASK
    v0 = (v0 + v5 + m11) & _MASK
    v15 ^= v0
    v15 = v15 >> 8 | (v15 << 24) & _MASK
    v10 = (v10 + v15) & _MASK
    v5 ^= v10
    v5 = v5 >> 7 | (v5 << 25) & _MASK
    v1 = (v1 + v6 + m12) & _MASK
    v12 ^= v1
    v12 = v12 >> 16 | (v12 << 16) & _MASK
    v11 = (v11 + v12) & _MASK
    v6 ^= v11
    v6 = v6 >> 12 | (v6 << 20) & _MASK
    v1 = (v1 + v6 + m5) & _MASK
    v12 ^= v1
    v12 = v12 >> 8 | (v12 << 24) & _MASK
    v11 = (v11 + v12) & _MASK
    v6 ^= v11
    v6 = v6 >> 7 | (v6 << 25) & _MASK
    v2 = (v2 + v7 + m9) & _MASK
    v13 ^= v2
    v13 = v13 >> 16 | (v13 << 16) & _MASK
    v8 = (v8 + v13) & _MASK
    v7 ^= v8
    v7 = v7 >> 12 | (v7 << 20) & _MASK
    v2 = (v2 + v7 + m14) & _MASK
    v13 ^= v2
    v13 = v13 >> 8 | (v13 << 24) & _MASK
    v8 = (v8 + v13) & _MASK
    v7 ^= v8
    v7 = v7 >> 7 | (v7 << 25) & _MASK
    v3 = (v3 + v4 + m15) & _MASK
    v14 ^= v3
    v14 = v14 >> 16 | (v14 << 16) & _MASK
    v9 = (v9 + v14) & _MASK
    v4 ^= v9
    v4 = v4 >> 12 | (v4 << 20) & _MASK
    v3 = (v3 + v4 + m8) & _MASK
    v14 ^= v3
    v14 = v14 >> 8 | (v14 << 24) & _MASK
    v9 = (v9 + v14) & _MASK
    v4 ^= v9
    v4 = v4 >> 7 | (v4 << 25) & _MASK
    # Round 3: columns, then diagonals.
    v0 = (v0 + v4 + m3) & _MASK
    v12 ^= v0
    v12 = v12 >> 16 | (v12 << 16) & _MASK
    v8 = (v8 + v12) & _MASK
    v4 ^= v8
    v4 = v4 >> 12 | (v4 << 20) & _MASK
    v0 = (v0 + v4 + m4) & _MASK
    v12 ^= v0
    v12 = v12 >> 8 | (v12 << 24) & _MASK
    v8 = (v8 + v12) & _MASK
    v4 ^= v8
    v4 = v4 >> 7 | (v4 << 25) & _MASK
    v1 = (v1 + v5 + m10) & _MASK
    v13 ^= v1
    v13 = v13 >> 16 | (v13 << 16) & _MASK
    v9 = (v9 + v13) & _MASK
    v5 ^= v9
    v5 = v5 >> 12 | (v5 << 20) & _MASK
    v1 = (v1 + v5 + m12) & _MASK
    v13 ^= v1
    v13 = v13 >> 8 | (v13 << 24) & _MASK
    v9 = (v9 + v13) & _MASK
    v5 ^= v9
    v5 = v5 >> 7 | (v5 << 25) & _MASK
    v2 = (v2 + v6 + m13) & _MASK
    v14 ^= v2
    v14 = v14 >> 16 | (v14 << 16) & _MASK
    v10 = (v10 + v14) & _MASK
    v6 ^= v10
    v6 = v6 >> 12 | (v6 << 20) & _MASK
    v2 = (v2 + v6 + m2) & _MASK
    v14 ^= v2
    v14 = v14 >> 8 | (v14 << 24) & _MASK
    v10 = (v10 + v14) & _MASK
    v6 ^= v10
    v6 = v6 >> 7 | (v6 << 25) & _MASK
    v3 = (v3 + v7 + m7) & _MASK
    v15 ^= v3
    v15 = v15 >> 16 | (v15 << 16) & _MASK
    v11 = (v11 + v15) & _MASK
    v7 ^= v11
    v7 = v7 >> 12 | (v7 << 20) & _MASK
    v3 = (v3 + v7 + m14) & _MASK
    v15 ^= v3
    v15 = v15 >> 8 | (v15 << 24) & _MASK
    v11 = (v11 + v15) & _MASK
    v7 ^= v11
    v7 = v7 >> 7 | (v7 << 25) & _MASK
    v0 = (v0 + v5 + m6) & _MASK
    v15 ^= v0
    v15 = v15 >> 16 | (v15 << 16) & _MASK
    v10 = (v10 + v15) & _MASK
    v5 ^= v10
    v5 = v5 >> 12 | (v5 << 20) & _MASK
    v0 = (v0 + v5 + m5) & _MASK
    v15 ^= v0
    v15 = v15 >> 8 | (v15 << 24) & _MASK
    v10 = (v10 + v15) & _MASK
    v5 ^= v10
    v5 = v5 >> 7 | (v5 << 25) & _MASK
    v1 = (v1 + v6 + m9) & _MASK
    v12 ^= v1
    v12 = v12 >> 16 | (v12 << 16) & _MASK
    v11 = (v11 + v12) & _MASK
    v6 ^= v11
    v6 = v6 >> 12 | (v6 << 20) & _MASK
    v1 = (v1 + v6 + m0) & _MASK
    v12 ^= v1
    v12 = v12 >> 8 | (v12 << 24) & _MASK
    v11 = (v11 + v12) & _MASK
    v6 ^= v11
    v6 = v6 >> 7 | (v6 << 25) & _MASK
    v2 = (v2 + v7 + m11) & _MASK
    v13 ^= v2
    v13 = v13 >> 16 | (v13 << 16) & _MASK
    v8 = (v8 + v13) & _MASK
    v7 ^= v8
    v7 = v7 >> 12 | (v7 << 20) & _MASK
    v2 = (v2 + v7 + m15) & _MASK
    v13 ^= v2
    v13 = v13 >> 8 | (v13 << 24) & _MASK
    v8 = (v8 + v13) & _MASK
    v7 ^= v8
    v7 = v7 >> 7 | (v7 << 25) & _MASK
    v3 = (v3 + v4 + m8) & _MASK
    v14 ^= v3
    v14 = v14 >> 16 | (v14 << 16) & _MASK
    v9 = (v9 + v14) & _MASK
    v4 ^= v9
    v4 = v4 >> 12 | (v4 << 20) & _MASK
    v3 = (v3 + v4 + m1) & _MASK
    v14 ^= v3
    v14 = v14 >> 8 | (v14 << 24) & _MASK
    v9 = (v9 + v14) & _MASK
    v4 ^= v9
    v4 = v4 >> 7 | (v4 << 25) & _MASK
    # Round 4: columns, then diagonals.
    v0 = (v0 + v4 + m10) & _MASK
    v12 ^= v0
    v12 = v12 >> 16 | (v12 << 16) & _MASK
    v8 = (v8 + v12) & _MASK
    v4 ^= v8
    v4 = v4 >> 12 | (v4 << 20) & _MASK
    v0 = (v0 + v4 + m7) & _MASK
    v12 ^= v0
    v12 = v12 >> 8 | (v12 << 24) & _MASK
    v8 = (v8 + v12) & _MASK
    v4 ^= v8
    v4 = v4 >> 7 | (v4 << 25) & _MASK
    v1 = (v1 + v5 + m12) & _MASK
    v13 ^= v1
    v13 = v13 >> 16 | (v13 << 16) & _MASK
    v9 = (v9 + v13) & _MASK
    v5 ^= v9
    v5 = v5 >> 12 | (v5 << 20) & _MASK
    v1 = (v1 + v5 + m9) & _MASK
    v13 ^= v1
    v13 = v13 >> 8 | (v13 << 24) & _MASK
    v9 = (v9 + v13) & _MASK
    v5 ^= v9
    v5 = v5 >> 7 | (v5 << 25) & _MASK
    v2 = (v2 + v6 + m14) & _MASK
    v14 ^= v2
    v14 = v14 >> 16 | (v14 << 16) & _MASK
    v10 = (v10 + v14) & _MASK
    v6 ^= v10
    v6 = v6 >> 12 | (v6 << 20) & _MASK
    v2 = (v2 + v6 + m3) & _MASK
    v14 ^= v2
    v14 = v14 >> 8 | (v14 << 24) & _MASK
    v10 = (v10 + v14) & _MASK
    v6 ^= v10
    v6 = v6 >> 7 | (v6 << 25) & _MASK
    v3 = (v3 + v7 + m13) & _MASK
    v15 ^= v3
    v15 = v15 >> 16 | (v15 << 16) & _MASK
    v11 = (v11 + v15) & _MASK
    v7 ^= v11
    v7 = v7 >> 12 | (v7 << 20) & _MASK
    v3 = (v3 + v7 + m15) & _MASK
    v15 ^= v3
    v15 = v15 >> 8 | (v15 << 24) & _MASK
    v11 = (v11 + v15) & _MASK
    v7 ^= v11
    v7 = v7 >> 7 | (v7 << 25) & _MASK
    v0 = (v0 + v5 + m4) & _MASK
    v15 ^= v0
    v15 = v15 >> 16 | (v15 << 16) & _MASK
    v10 = (v10 + v15) & _MASK
    v5 ^= v10
    v5 = v5 >> 12 | (v5 << 20) & _MASK
    v0 = (v0 + v5 + m0) & _MASK
    v15 ^= v0
    v15 = v15 >> 8 | (v15 << 24) & _MASK
    v10 = (v10 + v15) & _MASK
    v5 ^= v10
    v5 = v5 >> 7 | (v5 << 25) & _MASK
    v1 = (v1 + v6 + m11) & _MASK
    v12 ^= v1
    v12 = v12 >> 16 | (v12 << 16) & _MASK
    v11 = (v11 + v12) & _MASK
    v6 ^= v11
    v6 = v6 >> 12 | (v6 << 20) & _MASK
    v1 = (v1 + v6 + m2) & _MASK
    v12 ^= v1
    v12 = v12 >> 8 | (v12 << 24) & _MASK
    v11 = (v11 + v12) & _MASK
    v6 ^= v11
    v6 = v6 >> 7 | (v6 << 25) & _MASK
    v2 = (v2 + v7 + m5) & _MASK
    v13 ^= v2
    v13 = v13 >> 16 | (v13 << 16) & _MASK
    v8 = (v8 + v13) & _MASK
    v7 ^= v8
    v7 = v7 >> 12 | (v7 << 20) & _MASK
    v2 = (v2 + v7 + m8) & _MASK
    v13 ^= v2
    v13 = v13 >> 8 | (v13 << 24) & _MASK
    v8 = (v8 + v13) & _MASK
    v7 ^= v8
    v7 = v7 >> 7 | (v7 << 25) & _MASK
    v3 = (v3 + v4 + m1) & _MASK
    v14 ^= v3
    v14 = v14 >> 16 | (v14 << 16) & _MASK
    v9 = (v9 + v14) & _MASK
    v4 ^= v9
    v4 = v4 >> 12 | (v4 << 20) & _MASK
    v3 = (v3 + v4 + m6) & _MASK
    v14 ^= v3
    v14 = v14 >> 8 | (v14 << 24) & _MASK
    v9 = (v9 + v14) & _MASK
    v4 ^= v9
    v4 = v4 >> 7 | (v4 << 25) & _MASK
    # Round 5: columns, then diagonals.
    v0 = (v0 + v4 + m12) & _MASK
    v12 ^= v0
    v12 = v12 >> 16 | (v12 << 16) & _MASK
    v8 = (v8 + v12) & _MASK
    v4 ^= v8
    v4 = v4 >> 12 | (v4 << 20) & _MASK
    v0 = (v0 + v4 + m13) & _MASK
    v12 ^= v0
    v12 = v12 >> 8 | (v12 << 24) & _MASK
    v8 = (v8 + v12) & _MASK
    v4 ^= v8
    v4 = v4 >> 7 | (v4 << 25) & _MASK
    v1 = (v1 + v5 + m9) & _MASK
    v13 ^= v1
    v13 = v13 >> 16 | (v13 << 16) & _MASK
    v9 = (v9 + v13) & _MASK
    v5 ^= v9
    v5 = v5 >> 12 | (v5 << 20) & _MASK
    v1 = (v1 + v5 + m11) & _MASK
    v13 ^= v1
    v13 = v13 >> 8 | (v13 << 24) & _MASK
    v9 = (v9 + v13) & _MASK
    v5 ^= v9
    v5 = v5 >> 7 | (v5 << 25) & _MASK
    v2 = (v2 + v6 + m15) & _MASK
    v14 ^= v2
    v14 = v14 >> 16 | (v14 << 16) & _MASK
    v10 = (v10 + v14) & _MASK
    v6 ^= v10
    v6 = v6 >> 12 | (v6 << 20) & _MASK
    v2 = (v2 + v6 + m10) & _MASK
    v14 ^= v2
    v14 = v14 >> 8 | (v14 << 24) & _MASK
    v10 = (v10 + v14) & _MASK
    v6 ^= v10
    v6 = v6 >> 7 | (v6 << 25) & _MASK
    v3 = (v3 + v7 + m14) & _MASK
    v15 ^= v3
    v15 = v15 >> 16 | (v15 << 16) & _MASK
    v11 = (v11 + v15) & _MASK
    v7 ^= v11
    v7 = v7 >> 12 | (v7 << 20) & _MASK
    v3 = (v3 + v7 + m8) & _MASK
    v15 ^= v3
    v15 = v15 >> 8 | (v15 << 24) & _MASK
    v11 = (v11 + v15) & _MASK
    v7 ^= v11
    v7 = v7 >> 7 | (v7 << 25) & _MASK
    v0 = (v0 + v5 + m7) & _MASK
    v15 ^= v0
    v15 = v15 >> 16 | (v15 << 16) & _MASK
    v10 = (v10 + v15) & _MASK
    v5 ^= v10
    v5 = v5 >> 12 | (v5 << 20) & _MASK
    v0 = (v0 + v5 + m2) & _MASK
    v15 ^= v0
    v15 = v15 >> 8 | (v15 << 24) & _MASK
    v10 = (v10 + v15) & _MASK
    v5 ^= v10
    v5 = v5 >> 7 | (v5 << 25) & _MASK
    v1 = (v1 + v6 + m5) & _MASK
    v12 ^= v1
    v12 = v12 >> 16 | (v12 << 16) & _MASK
    v11 = (v11 + v12) & _MASK
    v6 ^= v11
    v6 = v6 >> 12 | (v6 << 20) & _MASK
    v1 = (v1 + v6 + m3) & _MASK
    v12 ^= v1
    v12 = v12 >> 8 | (v12 << 24) & _MASK
    v11 = (v11 + v12) & _MASK
    v6 ^= v11
    v6 = v6 >> 7 | (v6 << 25) & _MASK
    v2 = (v2 + v7 + m0) & _MASK
    v13 ^= v2
    v13 = v13 >> 16 | (v13 << 16) & _MASK
    v8 = (v8 + v13) & _MASK
    v7 ^= v8
    v7 = v7 >> 12 | (v7 << 20) & _MASK
    v2 = (v2 + v7 + m1) & _MASK
    v13 ^= v2
    v13 = v13 >> 8 | (v13 << 24) & _MASK
    v8 = (v8 + v13) & _MASK
    v7 ^= v8
    v7 = v7 >> 7 | (v7 << 25) & _MASK
    v3 = (v3 + v4 + m6) & _MASK
    v14 ^= v3
    v14 = v14 >> 16 | (v14 << 16) & _MASK
    v9 = (v9 + v14) & _MASK
    v4 ^= v9
    v4 = v4 >> 12 | (v4 << 20) & _MASK
    v3 = (v3 + v4 + m4) & _MASK
    v14 ^= v3
    v14 = v14 >> 8 | (v14 << 24) & _MASK
    v9 = (v9 + v14) & _MASK
    v4 ^= v9
    v4 = v4 >> 7 | (v4 << 25) & _MASK
    # Round 6: columns, then diagonals.
    v0 = (v0 + v4 + m9) & _MASK
    v12 ^= v0
    v12 = v12 >> 16 | (v12 << 16) & _MASK
    v8 = (v8 + v12) & _MASK
    v4 ^= v8
    v4 = v4 >> 12 | (v4 << 20) & _MASK
    v0 = (v0 + v4 + m14) & _MASK
    v12 ^= v0
    v12 = v12 >> 8 | (v12 << 24) & _MASK
    v8 = (v8 + v12) & _MASK
    v4 ^= v8
    v4 = v4 >> 7 | (v4 << 25) & _MASK
    v1 = (v1 + v5 + m11) & _MASK
    v13 ^= v1
    v13 = v13 >> 16 | (v13 << 16) & _MASK
    v9 = (v9 + v13) & _MASK
    v5 ^= v9
    v5 = v5 >> 12 | (v5 << 20) & _MASK
    v1 = (v1 + v5 + m5) & _MASK
    v13 ^= v1
    v13 = v13 >> 8 | (v13 << 24) & _MASK
    v9 = (v9 + v13) & _MASK
    v5 ^= v9
    v5 = v5 >> 7 | (v5 << 25) & _MASK
    v2 = (v2 + v6 + m8) & _MASK
    v14 ^= v2
    v14 = v14 >> 16 | (v14 << 16) & _MASK
    v10 = (v10 + v14) & _MASK
    v6 ^= v10
    v6 = v6 >> 12 | (v6 << 20) & _MASK
    v2 = (v2 + v6 + m12) & _MASK
    v14 ^= v2
    v14 = v14 >> 8 | (v14 << 24) & _MASK
    v10 = (v10 + v14) & _MASK
    v6 ^= v10
    v6 = v6 >> 7 | (v6 << 25) & _MASK
    v3 = (v3 + v7 + m15) & _MASK
    v15 ^= v3
    v15 = v15 >> 16 | (v15 << 16) & _MASK
    v11 = (v11 + v15) & _MASK
    v7 ^= v11
    v7 = v7 >> 12 | (v7 << 20) & _MASK
    v3 = (v3 + v7 + m1) & _MASK
    v15 ^= v3
    v15 = v15 >> 8 | (v15 << 24) & _MASK
    v11 = (v11 + v15) & _MASK
    v7 ^= v11
    v7 = v7 >> 7 | (v7 << 25) & _MASK
    v0 = (v0 + v5 + m13) & _MASK
    v15 ^= v0
    v15 = v15 >> 16 | (v15 << 16) & _MASK
    v10 = (v10 + v15) & _MASK
    v5 ^= v10
    v5 = v5 >> 12 | (v5 << 20) & _MASK
    v0 = (v0 + v5 + m3) & _MASK
    v15 ^= v0
    v15 = v15 >> 8 | (v15 << 24) & _MASK
    v10 = (v10 + v15) & _MASK
    v5 ^= v10
    v5 = v5 >> 7 | (v5 << 25) & _MASK
    v1 = (v1 + v6 + m0) & _MASK
    v12 ^= v1
    v12 = v12 >> 16 | (v12 << 16) & _MASK
    v11 = (v11 + v12) & _MASK
    v6 ^= v11
    v6 = v6 >> 12 | (v6 << 20) & _MASK
    v1 = (v1 + v6 + m10) & _MASK
    v12 ^= v1
    v12 = v12 >> 8 | (v12 << 24) & _MASK
    v11 = (v11 + v12) & _MASK
    v6 ^= v11
    v6 = v6 >> 7 | (v6 << 25) & _MASK
    v2 = (v2 + v7 + m2) & _MASK
    v13 ^= v2
    v13 = v13 >> 16 | (v13 << 16) & _MASK
    v8 = (v8 + v13) & _MASK
    v7 ^= v8
    v7 = v7 >> 12 | (v7 << 20) & _MASK
    v2 = (v2 + v7 + m6) & _MASK
    v13 ^= v2
    v13 = v13 >> 8 | (v13 << 24) & _MASK
    v8 = (v8 + v13) & _MASK
    v7 ^= v8
    v7 = v7 >> 7 | (v7 << 25) & _MASK
    v3 = (v3 + v4 + m4) & _MASK
    v14 ^= v3
    v14 = v14 >> 16 | (v14 << 16) & _MASK
    v9 = (v9 + v14) & _MASK
    v4 ^= v9
    v4 = v4 >> 12 | (v4 << 20) & _MASK
    v3 = (v3 + v4 + m7) & _MASK
    v14 ^= v3
    v14 = v14 >> 8 | (v14 << 24) & _MASK
    v9 = (v9 + v14) & _MASK
    v4 ^= v9
    v4 = v4 >> 7 | (v4 << 25) & _MASK
    # Round 7: columns, then diagonals.
    v0 = (v0 + v4 + m11) & _MASK
    v12 ^= v0
    v12 = v12 >> 16 | (v12 << 16) & _MASK
    v8 = (v8 + v12) & _MASK
    v4 ^= v8
    v4 = v4 >> 12 | (v4 << 20) & _MASK
    v0 = (v0 + v4 + m15) & _MASK
    v12 ^= v0
    v12 = v12 >> 8 | (v12 << 24) & _MASK
    v8 = (v8 + v12) & _MASK
    v4 ^= v8
    v4 = v4 >> 7 | (v4 << 25) & _MASK
    v1 = (v1 + v5 + m5) & _MASK
    v13 ^= v1
    v13 = v13 >> 16 | (v13 << 16) & _MASK
    v9 = (v9 + v13) & _MASK
    v5 ^= v9
    v5 = v5 >> 12 | (v5 << 20) & _MASK
    v1 = (v1 + v5 + m0) & _MASK
    v13 ^= v1
    v13 = v13 >> 8 | (v13 << 24) & _MASK
    v9 = (v9 + v13) & _MASK
    v5 ^= v9
    v5 = v5 >> 7 | (v5 << 25) & _MASK
    v2 = (v2 + v6 + m1) & _MASK
    v14 ^= v2
    v14 = v14 >> 16 | (v14 << 16) & _MASK
    v10 = (v10 + v14) & _MASK
    v6 ^= v10
    v6 = v6 >> 12 | (v6 << 20) & _MASK
    v2 = (v2 + v6 + m9) & _MASK
    v14 ^= v2
    v14 = v14 >> 8 | (v14 << 24) & _MASK
    v10 = (v10 + v14) & _MASK
    v6 ^= v10
    v6 = v6 >> 7 | (v6 << 25) & _MASK
    v3 = (v3 + v7 + m8) & _MASK
    v15 ^= v3
    v15 = v15 >> 16 | (v15 << 16) & _MASK
    v11 = (v11 + v15) & _MASK
    v7 ^= v11
    v7 = v7 >> 12 | (v7 << 20) & _MASK
    v3 = (v3 + v7 + m6) & _MASK
    v15 ^= v3
    v15 = v15 >> 8 | (v15 << 24) & _MASK
    v11 = (v11 + v15) & _MASK
    v7 ^= v11
    v7 = v7 >> 7 | (v7 << 25) & _MASK
    v0 = (v0 + v5 + m14) & _MASK
    v15 ^= v0
    v15 = v15 >> 16 | (v15 << 16) & _MASK
    v10 = (v10 + v15) & _MASK
    v5 ^= v10
    v5 = v5 >> 12 | (v5 << 20) & _MASK
    v0 = (v0 + v5 + m10) & _MASK
    v15 ^= v0
    v15 = v15 >> 8 | (v15 << 24) & _MASK
    v10 = (v10 + v15) & _MASK
    v5 ^= v10
    v5 = v5 >> 7 | (v5 << 25) & _MASK
    v1 = (v1 + v6 + m2) & _MASK
    v12 ^= v1
    v12 = v12 >> 16 | (v12 << 16) & _MASK
    v11 = (v11 + v12) & _MASK
    v6 ^= v11
    v6 = v6 >> 12 | (v6 << 20) & _MASK
    v1 = (v1 + v6 + m12) & _MASK
    v12 ^= v1
    v12 = v12 >> 8 | (v12 << 24) & _MASK
    v11 = (v11 + v12) & _MASK
    v6 ^= v11
    v6 = v6 >> 7 | (v6 << 25) & _MASK
    v2 = (v2 + v7 + m3) & _MASK
    v13 ^= v2
    v13 = v13 >> 16 | (v13 << 16) & _MASK
    v8 = (v8 + v13) & _MASK
    v7 ^= v8
    v7 = v7 >> 12 | (v7 << 20) & _MASK
    v2 = (v2 + v7 + m4) & _MASK
    v13 ^= v2
    v13 = v13 >> 8 | (v13 << 24) & _MASK
    v8 = (v8 + v13) & _MASK
    v7 ^= v8
    v7 = v7 >> 7 | (v7 << 25) & _MASK
    v3 = (v3 + v4 + m7) & _MASK
    v14 ^= v3
    v14 = v14 >> 16 | (v14 << 16) & _MASK
    v9 = (v9 + v14) & _MASK
    v4 ^= v9
    v4 = v4 >> 12 | (v4 << 20) & _MASK
    v3 = (v3 + v4 + m13) & _MASK
    v14 ^= v3
    v14 = v14 >> 8 | (v14 << 24) & _MASK
    v9 = (v9 + v14) & _MASK
    v4 ^= v9
    v4 = v4 >> 7 | (v4 << 25) & _MASK

    c0, c1, c2, c3, c4, c5, c6, c7 = cv
    return (
        v0 ^ v8,
        v1 ^ v9,
        v2 ^ v10,
        v3 ^ v11,
        v4 ^ v12,
        v5 ^ v13,
        v6 ^ v14,
        v7 ^ v15,
        v8 ^ c0,
        v9 ^ c1,
        v10 ^ c2,
        v11 ^ c3,
        v12 ^ c4,
        v13 ^ c5,
        v14 ^ c6,
        v15 ^ c7,
    )


def _parent_cv(left: _Words, right: _Words, key: _Words, flags: int) -> _Words:
    """Chaining value of a non-root parent node over two child chaining values."""
    return _compress(key, left + right, 0, BLOCK_LEN, flags | _PARENT)[:8]


class Blake3State:
    """An incremental BLAKE3 hasher in one of the three modes.

    Build it with :meth:`new`, :meth:`new_keyed` or :meth:`new_derive_key`; plain
    ``Blake3State()`` is the same as :meth:`new`.
    """

    __slots__ = (
        "_blocks_compressed",
        "_buf",
        "_chunk_counter",
        "_chunk_cv",
        "_cv_stack",
        "_flags",
        "_key",
    )

    def __init__(self) -> None:
        self._key: _Words = _IV
        self._flags: int = 0
        self._cv_stack: list[_Words] = []
        self._chunk_cv: _Words = _IV
        self._chunk_counter: int = 0
        self._blocks_compressed: int = 0
        # The current chunk's last received block. It is compressed only once more input
        # shows it is not the chunk's final block, which needs the CHUNK_END flag (and
        # ROOT too if the whole input is one chunk).
        self._buf = bytearray()

    @classmethod
    def _with_key(cls, key: _Words, flags: int) -> Blake3State:
        state = cls()
        state._key = key
        state._flags = flags
        state._chunk_cv = key
        return state

    @classmethod
    def new(cls) -> Blake3State:
        """A hasher for the regular ``hash`` mode."""
        return cls()

    @classmethod
    def new_keyed(cls, key: bytes) -> Blake3State:
        """A hasher for the ``keyed_hash`` mode; ``key`` must be exactly 32 bytes."""
        if len(key) != KEY_LEN:
            raise ValueError(f"BLAKE3 key must be {KEY_LEN} bytes, got {len(key)}")
        return cls._with_key(_unpack_key(key), _KEYED_HASH)

    @classmethod
    def new_derive_key(cls, context: str) -> Blake3State:
        """A hasher for the ``derive_key`` mode; key material goes in via :meth:`update`.

        The context string is hashed on its own (UTF-8 encoded) to make the key for the
        key material, as the spec defines it.
        """
        context_hasher = cls._with_key(_IV, _DERIVE_KEY_CONTEXT)
        # Through str itself: a str subclass's encode() must not change the key.
        context_hasher.update(str.encode(context, "utf-8"))
        context_key = context_hasher.finalize(KEY_LEN)
        return cls._with_key(_unpack_key(context_key), _DERIVE_KEY_MATERIAL)

    def copy(self) -> Blake3State:
        """An independent hasher in the same state."""
        other = Blake3State.__new__(Blake3State)
        other._key = self._key
        other._flags = self._flags
        other._cv_stack = self._cv_stack.copy()
        other._chunk_cv = self._chunk_cv
        other._chunk_counter = self._chunk_counter
        other._blocks_compressed = self._blocks_compressed
        other._buf = bytearray(self._buf)
        return other

    def reset(self) -> None:
        """Forget all input, keeping the mode (and its key or derived context key)."""
        self._cv_stack.clear()
        self._chunk_cv = self._key
        self._chunk_counter = 0
        self._blocks_compressed = 0
        self._buf.clear()

    def _push_chunk_cv(self, cv: _Words, total_chunks: int) -> None:
        """Add a finished chunk's chaining value and merge every completed subtree.

        After ``total_chunks`` chunks, the stack holds one subtree per set bit of that
        count, so each trailing zero bit of it is one merge. This is safe only because a
        chunk is pushed once more input has shown it is not the last one: a merged parent
        can then never turn out to be the root, which needs the ROOT flag.
        """
        stack = self._cv_stack
        key = self._key
        flags = self._flags
        while not total_chunks & 1:
            cv = _parent_cv(stack.pop(), cv, key, flags)
            total_chunks >>= 1
        stack.append(cv)

    def update(self, data: bytes | memoryview) -> None:
        """Feed more input (any C-contiguous buffer)."""
        view = memoryview(data).cast("B")
        end = len(view)
        pos = 0
        key = self._key
        flags = self._flags
        while pos < end:
            if self._blocks_compressed == _BLOCKS_PER_CHUNK - 1 and len(self._buf) == BLOCK_LEN:
                # The current chunk is full and more input follows: it is not the last
                # chunk, so it can be closed and its chaining value put on the stack.
                last = _unpack_block(self._buf)
                cv = _compress(
                    self._chunk_cv,
                    last,
                    self._chunk_counter,
                    BLOCK_LEN,
                    flags | _CHUNK_END,
                )[:8]
                self._chunk_counter += 1
                self._push_chunk_cv(cv, self._chunk_counter)
                self._chunk_cv = key
                self._blocks_compressed = 0
                self._buf.clear()

            if not self._blocks_compressed and not self._buf and end - pos > CHUNK_LEN:
                # Fast path: a whole chunk straight from the input, known not to be the
                # last one (more input follows it), with no copying into the buffer.
                counter = self._chunk_counter
                block_end = pos + CHUNK_LEN - BLOCK_LEN
                block_flags = flags | _CHUNK_START
                cv = key
                while pos < block_end:
                    cv = _compress(cv, _unpack_block(view, pos), counter, BLOCK_LEN, block_flags)
                    cv = cv[:8]
                    block_flags = flags
                    pos += BLOCK_LEN
                last = _unpack_block(view, pos)
                cv = _compress(cv, last, counter, BLOCK_LEN, flags | _CHUNK_END)[:8]
                pos += BLOCK_LEN
                self._chunk_counter = counter + 1
                self._push_chunk_cv(cv, counter + 1)
                continue

            chunk_end = pos + min(
                CHUNK_LEN - self._blocks_compressed * BLOCK_LEN - len(self._buf), end - pos
            )
            pos = self._update_chunk(view, pos, chunk_end)

    def _update_chunk(self, view: memoryview, pos: int, end: int) -> int:
        """Feed ``view[pos:end]``, which all belongs to the current chunk; return ``end``."""
        flags = self._flags
        counter = self._chunk_counter
        buf = self._buf
        while pos < end:
            if len(buf) == BLOCK_LEN:
                # More input for this chunk follows, so the buffered block is not its last.
                start = 0 if self._blocks_compressed else _CHUNK_START
                self._chunk_cv = _compress(
                    self._chunk_cv, _unpack_block(buf), counter, BLOCK_LEN, flags | start
                )[:8]
                self._blocks_compressed += 1
                buf.clear()
            if not buf:
                # Full blocks followed by more input compress straight from the input.
                while end - pos > BLOCK_LEN:
                    start = 0 if self._blocks_compressed else _CHUNK_START
                    self._chunk_cv = _compress(
                        self._chunk_cv, _unpack_block(view, pos), counter, BLOCK_LEN, flags | start
                    )[:8]
                    self._blocks_compressed += 1
                    pos += BLOCK_LEN
            take = min(BLOCK_LEN - len(buf), end - pos)
            buf += view[pos : pos + take]
            pos += take
        return pos

    def finalize(self, length: int = OUT_LEN, seek: int = 0) -> bytes:
        """Bytes ``[seek, seek + length)`` of the extendable output.

        The hasher is left unchanged, so more input may follow.
        """
        if length < 0:
            raise ValueError(f"output length must be non-negative, got {length}")
        if seek < 0:
            raise ValueError(f"seek must be non-negative, got {seek}")
        if length > MAX_BYTES_LENGTH:
            # CPython's own error for a bytes object it cannot represent (the native side's).
            raise OverflowError("byte string is too large")
        if not length:
            return b""

        key = self._key
        flags = self._flags
        # The current chunk is the rightmost leaf; fold the stack into it from the right,
        # stopping one node short so the root node is compressed with the ROOT flag below.
        buf = self._buf
        cv = self._chunk_cv
        block = _unpack_block(buf + bytes(BLOCK_LEN - len(buf)))
        counter = self._chunk_counter
        block_len = len(buf)
        node_flags = flags | _CHUNK_END | (0 if self._blocks_compressed else _CHUNK_START)
        for left in reversed(self._cv_stack):
            right = _compress(cv, block, counter, block_len, node_flags)[:8]
            cv = key
            block = left + right
            counter = 0
            block_len = BLOCK_LEN
            node_flags = flags | _PARENT

        # Each 64-byte output block is the root node compressed with its own block
        # counter, so output can start at any block without computing the ones before.
        node_flags |= _ROOT
        out_counter, skip = divmod(seek, BLOCK_LEN)
        # Allocate first, as the native side does: a length that cannot be allocated fails
        # at once with MemoryError instead of after hashing for hours.
        out = bytearray(length)
        filled = 0
        while filled < length:
            block_bytes = _pack_block(*_compress(cv, block, out_counter, block_len, node_flags))
            piece = block_bytes[skip : skip + length - filled]
            out[filled : filled + len(piece)] = piece
            filled += len(piece)
            skip = 0
            out_counter += 1
        return bytes(out)
