"""XXH3-64 and XXH3-128 (xxHash v0.8.x) in pure Python, one-shot and streaming.

This is the pure-Python twin of the native hashing code: for every input and seed it returns
the same integers as the ``xxhash`` package's ``xxh3_64_intdigest`` and
``xxh3_128_intdigest`` (the 128-bit value is ``high64 << 64 | low64``). It follows the
published XXH3 algorithm:

* inputs of 0-16 bytes, 17-128 bytes and 129-240 bytes each have their own short path, which
  always uses the default secret and mixes the seed in directly;
* longer inputs run eight 64-bit accumulators over 64-byte stripes, scramble them after every
  1024-byte block and merge them at the end; a non-zero seed first derives a custom secret
  from the default one.

:class:`Xxh3State` is the streaming form and keeps the reference design's bounded memory: a
256-byte buffer, the accumulators and a stripe counter, whatever the total length. Its
digests equal the one-shot functions over the concatenation of every update, for any
chunking.

Python integers are unbounded, so every value that the reference keeps in a 64-bit register
is reduced with ``& MASK64`` wherever the next step depends on it being in range. Seeds are
expected in ``[0, 2**64)``; callers validate them.
"""

from __future__ import annotations

import struct
from functools import lru_cache
from operator import xor
from typing import Final, TypeAlias

__all__ = ["MASK64", "Xxh3State", "xxh3_64", "xxh3_128"]

_Bytes: TypeAlias = bytes | bytearray | memoryview

MASK64: Final = (1 << 64) - 1
_MASK32: Final = (1 << 32) - 1

_P32_1: Final = 0x9E3779B1
_P32_2: Final = 0x85EBCA77
_P32_3: Final = 0xC2B2AE3D
_P64_1: Final = 0x9E3779B185EBCA87
_P64_2: Final = 0xC2B2AE3D27D4EB4F
_P64_3: Final = 0x165667B19E3779F9
_P64_4: Final = 0x85EBCA77C2B2AE63
_P64_5: Final = 0x27D4EB2F165667C5
_PRIME_MX1: Final = 0x165667919E3779F9
_PRIME_MX2: Final = 0x9FB21C651E98DF25

_DEFAULT_SECRET: Final = bytes.fromhex(
    "b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671f"
    "cb79e64eccc0e578825ad07dccff7221b8084674f743248ee03590e6813a264c"
    "3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8"
    "a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364"
    "eac5ac8334d3ebc3c581a0fffa1363eb170ddd51b7f0da49d316552629d4689e"
    "2b16be587d47a1fc8ff8b8d17ad031ce45cb3a8f95160428afd7fbcabb4b407e"
)
_SECRET_SIZE: Final = 192

_STRIPE_LEN: Final = 64
_STRIPES_PER_BLOCK: Final = (_SECRET_SIZE - _STRIPE_LEN) // 8
_BLOCK_LEN: Final = _STRIPE_LEN * _STRIPES_PER_BLOCK
_BUFFER_SIZE: Final = 256
_BUFFER_STRIPES: Final = _BUFFER_SIZE // _STRIPE_LEN
_MIDSIZE_MAX: Final = 240

_INIT_ACC: Final = (_P32_3, _P64_1, _P64_2, _P64_3, _P64_4, _P32_2, _P64_5, _P32_1)

_unpack_u64: Final = struct.Struct("<Q").unpack_from
_unpack_u32: Final = struct.Struct("<I").unpack_from
_unpack_2u64: Final = struct.Struct("<2Q").unpack_from
_unpack_8u64: Final = struct.Struct("<8Q").unpack_from
# One decoder per possible number of stripes, so the long path never builds a format string.
_unpack_stripes: Final = tuple(
    struct.Struct(f"<{8 * n}Q").unpack_from for n in range(_STRIPES_PER_BLOCK + 1)
)

# The short paths read the default secret at odd byte offsets (3, 103, 119, ...), so index the
# 64-bit little-endian word starting at *every* byte offset once, instead of decoding per call.
_S: Final[tuple[int, ...]] = tuple(
    _unpack_u64(_DEFAULT_SECRET, i)[0] for i in range(_SECRET_SIZE - 7)
)


def _secret32(offset: int) -> int:
    value: int = _unpack_u32(_DEFAULT_SECRET, offset)[0]
    return value


_KEY_1TO3_LO: Final = _secret32(0) ^ _secret32(4)
_KEY_1TO3_HI: Final = _secret32(8) ^ _secret32(12)


def _fold64(lhs: int, rhs: int) -> int:
    product = lhs * rhs
    return (product & MASK64) ^ (product >> 64)


def _xxh64_avalanche(h: int) -> int:
    h ^= h >> 33
    h = (h * _P64_2) & MASK64
    h ^= h >> 29
    h = (h * _P64_3) & MASK64
    return h ^ (h >> 32)


def _avalanche(h: int) -> int:
    h ^= h >> 37
    h = (h * _PRIME_MX1) & MASK64
    return h ^ (h >> 32)


def _bswap32(value: int) -> int:
    return int.from_bytes(value.to_bytes(4, "little"), "big")


def _bswap64(value: int) -> int:
    return int.from_bytes(value.to_bytes(8, "little"), "big")


def _rotl64(value: int, bits: int) -> int:
    return ((value << bits) | (value >> (64 - bits))) & MASK64


def _combined_1to3(data: _Bytes, n: int) -> int:
    return (data[0] << 16) | (data[n >> 1] << 24) | data[n - 1] | (n << 8)


def _mix_words(lo: int, hi: int, key_lo: int, key_hi: int, seed: int) -> int:
    return _fold64(lo ^ ((key_lo + seed) & MASK64), hi ^ ((key_hi - seed) & MASK64))


def _mix16(data: _Bytes, offset: int, key_lo: int, key_hi: int, seed: int) -> int:
    lo, hi = _unpack_2u64(data, offset)
    return _mix_words(lo, hi, key_lo, key_hi, seed)


# ---------------------------------------------------------------------------------------------
# 64-bit short paths (default secret, seed mixed in directly)
# ---------------------------------------------------------------------------------------------


def _h64_0to16(data: _Bytes, n: int, seed: int) -> int:
    if n > 8:
        lo: int = _unpack_u64(data, 0)[0] ^ (((_S[24] ^ _S[32]) + seed) & MASK64)
        hi: int = _unpack_u64(data, n - 8)[0] ^ (((_S[40] ^ _S[48]) - seed) & MASK64)
        return _avalanche((n + _bswap64(lo) + hi + _fold64(lo, hi)) & MASK64)
    if n >= 4:
        seed ^= _bswap32(seed & _MASK32) << 32
        first: int = _unpack_u32(data, 0)[0]
        last: int = _unpack_u32(data, n - 4)[0]
        h = (last | (first << 32)) ^ (((_S[8] ^ _S[16]) - seed) & MASK64)
        # 4-8 bytes take the reference's stronger "rrmxmx" finaliser, not the plain avalanche.
        h ^= _rotl64(h, 49) ^ _rotl64(h, 24)
        h = (h * _PRIME_MX2) & MASK64
        h ^= (h >> 35) + n
        h = (h * _PRIME_MX2) & MASK64
        return h ^ (h >> 28)
    if n:
        return _xxh64_avalanche(_combined_1to3(data, n) ^ ((_KEY_1TO3_LO + seed) & MASK64))
    return _xxh64_avalanche(seed ^ _S[56] ^ _S[64])


def _h64_17to128(data: _Bytes, n: int, seed: int) -> int:
    acc = n * _P64_1
    # Pairs of 16-byte chunks from both ends, so every input byte is covered for any length.
    for i in range((n - 1) >> 5, -1, -1):
        acc += _mix16(data, 16 * i, _S[32 * i], _S[32 * i + 8], seed)
        acc += _mix16(data, n - 16 * i - 16, _S[32 * i + 16], _S[32 * i + 24], seed)
    return _avalanche(acc & MASK64)


def _h64_129to240(data: _Bytes, n: int, seed: int) -> int:
    acc = n * _P64_1
    for i in range(8):
        acc += _mix16(data, 16 * i, _S[16 * i], _S[16 * i + 8], seed)
    acc = _avalanche(acc & MASK64)
    # The secret is too short for 15 distinct chunks: later chunks reuse it from offset 3.
    for i in range(8, n >> 4):
        acc += _mix16(data, 16 * i, _S[16 * i - 125], _S[16 * i - 117], seed)
    acc += _mix16(data, n - 16, _S[119], _S[127], seed)
    return _avalanche(acc & MASK64)


# ---------------------------------------------------------------------------------------------
# 128-bit short paths
# ---------------------------------------------------------------------------------------------


def _h128_0to16(data: _Bytes, n: int, seed: int) -> tuple[int, int]:
    if n > 8:
        return _h128_9to16(data, n, seed)
    if n >= 4:
        return _h128_4to8(data, n, seed)
    if n:
        lo = _combined_1to3(data, n)
        hi = _bswap32(lo)
        hi = ((hi << 13) | (hi >> 19)) & _MASK32
        return (
            _xxh64_avalanche(lo ^ ((_KEY_1TO3_LO + seed) & MASK64)),
            _xxh64_avalanche(hi ^ ((_KEY_1TO3_HI - seed) & MASK64)),
        )
    return (
        _xxh64_avalanche(seed ^ _S[64] ^ _S[72]),
        _xxh64_avalanche(seed ^ _S[80] ^ _S[88]),
    )


def _h128_4to8(data: _Bytes, n: int, seed: int) -> tuple[int, int]:
    seed ^= _bswap32(seed & _MASK32) << 32
    first: int = _unpack_u32(data, 0)[0]
    last: int = _unpack_u32(data, n - 4)[0]
    keyed = (first | (last << 32)) ^ (((_S[16] ^ _S[24]) + seed) & MASK64)
    product = keyed * (_P64_1 + (n << 2))
    lo = product & MASK64
    hi = ((product >> 64) + (lo << 1)) & MASK64
    lo ^= hi >> 3
    lo ^= lo >> 35
    lo = (lo * _PRIME_MX2) & MASK64
    return lo ^ (lo >> 28), _avalanche(hi)


def _h128_9to16(data: _Bytes, n: int, seed: int) -> tuple[int, int]:
    first: int = _unpack_u64(data, 0)[0]
    last: int = _unpack_u64(data, n - 8)[0]
    product = (first ^ last ^ (((_S[32] ^ _S[40]) - seed) & MASK64)) * _P64_1
    lo = ((product & MASK64) + ((n - 1) << 54)) & MASK64
    last ^= ((_S[48] ^ _S[56]) + seed) & MASK64
    hi = ((product >> 64) + last + (last & _MASK32) * (_P32_2 - 1)) & MASK64
    lo ^= _bswap64(hi)
    # A 128x64-bit product of (hi:lo) by PRIME64_2, kept to 128 bits.
    product = lo * _P64_2
    hi = ((product >> 64) + hi * _P64_2) & MASK64
    return _avalanche(product & MASK64), _avalanche(hi)


def _mix32(
    acc: tuple[int, int], data: _Bytes, off1: int, off2: int, *, key: int, seed: int
) -> tuple[int, int]:
    a1, b1 = _unpack_2u64(data, off1)
    a2, b2 = _unpack_2u64(data, off2)
    lo = (acc[0] + _mix_words(a1, b1, _S[key], _S[key + 8], seed)) & MASK64
    hi = (acc[1] + _mix_words(a2, b2, _S[key + 16], _S[key + 24], seed)) & MASK64
    # Cross-feeding each chunk's raw words into the other lane keeps the two halves coupled.
    return lo ^ ((a2 + b2) & MASK64), hi ^ ((a1 + b1) & MASK64)


def _h128_mid_finish(acc: tuple[int, int], n: int, seed: int) -> tuple[int, int]:
    lo = (acc[0] + acc[1]) & MASK64
    hi = (acc[0] * _P64_1 + acc[1] * _P64_4 + ((n - seed) & MASK64) * _P64_2) & MASK64
    return _avalanche(lo), (-_avalanche(hi)) & MASK64


def _h128_17to128(data: _Bytes, n: int, seed: int) -> tuple[int, int]:
    acc = ((n * _P64_1) & MASK64, 0)
    # Unlike the 64-bit variant the lanes are xored, so the (descending) order matters.
    for i in range((n - 1) >> 5, -1, -1):
        acc = _mix32(acc, data, 16 * i, n - 16 * i - 16, key=32 * i, seed=seed)
    return _h128_mid_finish(acc, n, seed)


def _h128_129to240(data: _Bytes, n: int, seed: int) -> tuple[int, int]:
    acc = ((n * _P64_1) & MASK64, 0)
    for i in range(4):
        acc = _mix32(acc, data, 32 * i, 32 * i + 16, key=32 * i, seed=seed)
    acc = (_avalanche(acc[0]), _avalanche(acc[1]))
    for i in range(4, n >> 5):
        acc = _mix32(acc, data, 32 * i, 32 * i + 16, key=32 * i - 125, seed=seed)
    # The reference swaps the halves and negates the seed for the final chunk.
    acc = _mix32(acc, data, n - 16, n - 32, key=103, seed=(-seed) & MASK64)
    return _h128_mid_finish(acc, n, seed)


# ---------------------------------------------------------------------------------------------
# Long inputs: stripes, blocks, scramble, merge
# ---------------------------------------------------------------------------------------------


class _LongSecret:
    """The secret words the long path needs, pre-decoded for one seed."""

    __slots__ = ("block_keys", "last_keys", "merge_hi", "merge_lo", "scramble_keys")

    def __init__(self, secret: bytes) -> None:
        words = struct.unpack_from(f"<{_SECRET_SIZE // 8}Q", secret)
        # Stripe n of a block reads the secret from byte 8*n, so lane i of stripe n uses word
        # n+i; laying the keys out stripe after stripe lets one map() pair them with the data.
        self.block_keys: tuple[int, ...] = tuple(
            words[n + i] for n in range(_STRIPES_PER_BLOCK) for i in range(8)
        )
        self.scramble_keys: tuple[int, ...] = words[-8:]
        self.last_keys: tuple[int, ...] = _unpack_8u64(secret, _SECRET_SIZE - _STRIPE_LEN - 7)
        self.merge_lo: tuple[int, ...] = _unpack_8u64(secret, 11)
        self.merge_hi: tuple[int, ...] = _unpack_8u64(secret, _SECRET_SIZE - _STRIPE_LEN - 11)


@lru_cache(maxsize=64)
def _long_secret(seed: int) -> _LongSecret:
    if not seed:
        return _DEFAULT_LONG_SECRET
    words = list(struct.unpack_from(f"<{_SECRET_SIZE // 8}Q", _DEFAULT_SECRET))
    for i in range(0, len(words), 2):
        words[i] = (words[i] + seed) & MASK64
        words[i + 1] = (words[i + 1] - seed) & MASK64
    return _LongSecret(struct.pack(f"<{len(words)}Q", *words))


_DEFAULT_LONG_SECRET: Final = _LongSecret(_DEFAULT_SECRET)


def _accumulate(
    acc: list[int], data: _Bytes, offset: int, stripes: int, keys: tuple[int, ...]
) -> None:
    """Add ``stripes`` stripes from ``data[offset:]`` into ``acc``, leaving it unreduced.

    Accumulation only ever adds to ``acc`` and never reads it, so the per-stripe terms can be
    summed lane by lane and the reduction modulo 2**64 left to the next scramble or merge.
    """
    if not stripes:
        return
    words = _unpack_stripes[stripes](data, offset)
    products = [(x & _MASK32) * (x >> 32) for x in map(xor, words, keys)]
    for lane in range(8):
        acc[lane] += sum(products[lane::8])
        acc[lane ^ 1] += sum(words[lane::8])


def _scramble(acc: list[int], keys: tuple[int, ...]) -> None:
    for lane in range(8):
        value = acc[lane] & MASK64
        acc[lane] = ((value ^ (value >> 47) ^ keys[lane]) * _P32_1) & MASK64


def _consume_stripes(
    acc: list[int],
    done: int,
    data: _Bytes,
    offset: int,
    stripes: int,
    *,
    secret: _LongSecret,
) -> int:
    """Feed whole stripes, scrambling at each block end; return the new stripes-in-block count.

    ``done`` is how many stripes of the current block were already accumulated: the streaming
    state can stop mid-block, and the next stripe must pick up the secret where it left off.
    """
    keys = secret.block_keys
    if stripes >= _STRIPES_PER_BLOCK - done:
        first = _STRIPES_PER_BLOCK - done
        _accumulate(acc, data, offset, first, keys[8 * done :])
        _scramble(acc, secret.scramble_keys)
        offset += first * _STRIPE_LEN
        stripes -= first
        while stripes >= _STRIPES_PER_BLOCK:
            _accumulate(acc, data, offset, _STRIPES_PER_BLOCK, keys)
            _scramble(acc, secret.scramble_keys)
            offset += _BLOCK_LEN
            stripes -= _STRIPES_PER_BLOCK
        done = 0
    _accumulate(acc, data, offset, stripes, keys[8 * done :])
    return done + stripes


def _long_acc(data: _Bytes, n: int, secret: _LongSecret) -> list[int]:
    acc = list(_INIT_ACC)
    # (n - 1) keeps at least one byte back, so the final stripe is always the "last stripe"
    # (even when n is a multiple of 64) and is hashed with its own secret offset below.
    _consume_stripes(acc, 0, data, 0, (n - 1) // _STRIPE_LEN, secret=secret)
    return _finish_acc(acc, data, n - _STRIPE_LEN, secret)


def _finish_acc(acc: list[int], last: _Bytes, offset: int, secret: _LongSecret) -> list[int]:
    _accumulate(acc, last, offset, 1, secret.last_keys)
    return [value & MASK64 for value in acc]


def _merge(acc: list[int], keys: tuple[int, ...], start: int) -> int:
    result = start
    for lane in range(0, 8, 2):
        result += _fold64(acc[lane] ^ keys[lane], acc[lane + 1] ^ keys[lane + 1])
    return _avalanche(result & MASK64)


def _long64(acc: list[int], n: int, secret: _LongSecret) -> int:
    return _merge(acc, secret.merge_lo, (n * _P64_1) & MASK64)


def _long128(acc: list[int], n: int, secret: _LongSecret) -> int:
    lo = _merge(acc, secret.merge_lo, (n * _P64_1) & MASK64)
    hi = _merge(acc, secret.merge_hi, ~(n * _P64_2) & MASK64)
    return (hi << 64) | lo


# ---------------------------------------------------------------------------------------------
# Public one-shot API
# ---------------------------------------------------------------------------------------------


def _short64(data: _Bytes, n: int, seed: int) -> int:
    if n <= 16:
        return _h64_0to16(data, n, seed)
    if n <= 128:
        return _h64_17to128(data, n, seed)
    return _h64_129to240(data, n, seed)


def _short128(data: _Bytes, n: int, seed: int) -> int:
    if n <= 16:
        lo, hi = _h128_0to16(data, n, seed)
    elif n <= 128:
        lo, hi = _h128_17to128(data, n, seed)
    else:
        lo, hi = _h128_129to240(data, n, seed)
    return (hi << 64) | lo


def xxh3_64(data: bytes, seed: int = 0) -> int:
    """XXH3-64 of ``data``, equal to ``xxhash.xxh3_64_intdigest(data, seed)``."""
    n = len(data)
    if n <= _MIDSIZE_MAX:
        return _short64(data, n, seed)
    secret = _long_secret(seed)
    return _long64(_long_acc(data, n, secret), n, secret)


def xxh3_128(data: bytes, seed: int = 0) -> int:
    """XXH3-128 of ``data`` as ``high64 << 64 | low64``, like ``xxh3_128_intdigest``."""
    n = len(data)
    if n <= _MIDSIZE_MAX:
        return _short128(data, n, seed)
    secret = _long_secret(seed)
    return _long128(_long_acc(data, n, secret), n, secret)


# ---------------------------------------------------------------------------------------------
# Streaming
# ---------------------------------------------------------------------------------------------


class Xxh3State:
    """Streaming state shared by the 64- and 128-bit variants (as in the reference design).

    Memory stays bounded: a 256-byte buffer, eight accumulators and counters. Input is
    buffered until more than 256 bytes are available, then consumed in whole stripes while
    always holding back at least one byte, so that the digest can treat the final 64 bytes as
    the "last stripe" exactly as the one-shot functions do. Digests do not modify the state.
    """

    __slots__ = ("_acc", "_buffer", "_buffered", "_secret", "_seed", "_stripes", "_total")

    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self._secret = _long_secret(seed)
        self._buffer = bytearray(_BUFFER_SIZE)
        self.reset()

    @property
    def seed(self) -> int:
        return self._seed

    def reset(self) -> None:
        """Return to the freshly constructed state, keeping the seed."""
        self._acc = list(_INIT_ACC)
        self._buffered = 0
        self._stripes = 0
        self._total = 0

    def copy(self) -> Xxh3State:
        """An independent state that continues from this one."""
        clone = Xxh3State.__new__(Xxh3State)
        clone._seed = self._seed
        clone._secret = self._secret
        clone._buffer = bytearray(self._buffer)
        clone._acc = list(self._acc)
        clone._buffered = self._buffered
        clone._stripes = self._stripes
        clone._total = self._total
        return clone

    def update(self, data: bytes) -> None:
        """Append ``data`` to the hashed input."""
        view = memoryview(data).cast("B")
        n = view.nbytes
        self._total += n
        buffer = self._buffer
        room = _BUFFER_SIZE - self._buffered
        if n <= room:
            buffer[self._buffered : self._buffered + n] = view
            self._buffered += n
            return
        pos = 0
        if self._buffered:
            buffer[self._buffered :] = view[:room]
            pos = room
            self._stripes = _consume_stripes(
                self._acc, self._stripes, buffer, 0, _BUFFER_STRIPES, secret=self._secret
            )
        if n - pos > _BUFFER_SIZE:
            stripes = (n - pos - 1) // _STRIPE_LEN
            self._stripes = _consume_stripes(
                self._acc, self._stripes, view, pos, stripes, secret=self._secret
            )
            pos += stripes * _STRIPE_LEN
            # The tail of the buffer keeps the last consumed stripe: if fewer than 64 bytes
            # end up buffered, the digest's last stripe must borrow bytes from it.
            buffer[_BUFFER_SIZE - _STRIPE_LEN :] = view[pos - _STRIPE_LEN : pos]
        self._buffered = n - pos
        buffer[: self._buffered] = view[pos:]

    def _long_acc(self) -> list[int]:
        acc = list(self._acc)
        buffered = self._buffered
        buffer = self._buffer
        if buffered >= _STRIPE_LEN:
            stripes = (buffered - 1) // _STRIPE_LEN
            _consume_stripes(acc, self._stripes, buffer, 0, stripes, secret=self._secret)
            return _finish_acc(acc, buffer, buffered - _STRIPE_LEN, self._secret)
        last = buffer[_BUFFER_SIZE - (_STRIPE_LEN - buffered) :] + buffer[:buffered]
        return _finish_acc(acc, last, 0, self._secret)

    def digest64(self) -> int:
        """XXH3-64 of everything passed to :meth:`update` so far."""
        if self._total <= _MIDSIZE_MAX:
            return _short64(self._buffer, self._total, self._seed)
        return _long64(self._long_acc(), self._total, self._secret)

    def digest128(self) -> int:
        """XXH3-128 (``high64 << 64 | low64``) of everything passed to :meth:`update` so far."""
        if self._total <= _MIDSIZE_MAX:
            return _short128(self._buffer, self._total, self._seed)
        return _long128(self._long_acc(), self._total, self._secret)
