"""The synchronous API under threads (docs/AIO.md, "The sync API under threads"), on both
backends: the native extension and the pure-Python twin.

The contract says every function and object may be used from many threads at once, that the
module's shared state (the JSON key cache, the JWT parsed-key caches, the ``multi_replace``
pattern cache, BLAKE3's thread pools) is synchronised, that a hasher object serialises
concurrent ``update`` calls, and that long native work (BLAKE3 from 2048 bytes, XXH3 from
64 KiB, ``blake3_file``, asymmetric JWT signing and verifying) runs with the GIL released.
Releasing the GIL is exactly what lets threads race inside the extension, so it is checked
here under load:

* ``test_every_public_function_from_eight_threads_matches_single_threaded``: a table of
  calls covering every public function and class of every domain module (on the native
  side also ``native_info`` and the ``_native.aio`` awaitables, each thread awaiting them on
  its own event loop), with valid and invalid inputs (wrong types, bad tokens, bad keys, invalid
  JSON, lone surrogates, ...) and inputs big enough to release the GIL. Each call's outcome
  (``("ok", result)`` or ``("err", exception type, message)``) is computed single-threaded
  first; then 8 threads, started together, run the whole table in their own shuffled
  orders for a bounded number of rounds, and every outcome must equal the single-threaded
  one. ``test_call_table_covers_every_public_function`` keeps the table honest: every
  public name called, a tenth or more of the calls invalid, each call succeeding or failing
  as its label says.
* Shared objects: one hasher updated by 8 threads at once (every digest read meanwhile is
  the digest of some whole number of updates; the final one is the digest of all of them);
  one ``Replacer`` and one ``JwtKey`` used from every thread; documents sharing keys parsed
  at once (the JSON key cache); one PEM text and more secrets and key texts than the JWT
  key caches hold, from every thread (hits, misses and evictions); a ``bytearray`` hashed
  by some threads while others try to resize it (refused with BufferError while an export
  is held; every digest is that of a state the array really had).
* The GIL really is released during long native work (native only), and from exactly the
  documented sizes. The check is about ordering, never time: with the interpreter's switch
  interval raised so that threads only change hands when the GIL is released on purpose, a
  counter thread can advance between two reads taken right before and right after a call
  only if that call released the GIL. A pure-Python loop, which holds the GIL, is the
  control: across it the counter must not move. A check repeats the call until the counter
  has moved across one (a deadline of minutes guards against waiting forever), so machine
  load changes how many calls that takes, never the verdict.

Rounds and input sizes are scaled per backend (the twin is pure Python and much slower), so
each backend's run stays within seconds. The eight-thread tests are the ``slow`` tier (thread
stress: ``--run-slow``); the call table's coverage and the GIL checks run every time.
"""

from __future__ import annotations

import asyncio
import functools
import random
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import pytest
from covet_rust_core._backend import DOMAINS
from covet_rust_core._jwt_errors import InvalidSignatureError

from tests.support import implementations
from tests.support.implementations import is_native
from tests.support.keys import Keys, material

THREADS: Final = 8
# Every thread waits at most this long at the start barrier and the test for the threads to
# finish; a hung thread fails the test instead of hanging the session.
JOIN_TIMEOUT_SECONDS: Final = 300.0
SEED: Final = 20240607

# Claims with a fixed far-future expiry (2100-01-01), so every token and every decode is
# the same in every run; and one long expired (2001-09-09).
FAR_FUTURE: Final = 4_102_444_800
LONG_AGO: Final = 1_000_000_000
CLAIMS: Final[dict[str, Any]] = {
    "sub": "user-42",
    "name": "Zoë",
    "roles": ["admin", "ops"],
    "exp": FAR_FUTURE,
}
SECRET: Final = "covet-thread-tests-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCD"
OTHER_SECRET: Final = "another-secret-of-enough-length-0123456789-abcdefghijklmnopqrstuv"


@dataclass(frozen=True)
class Scale:
    """How much work one backend does: rounds of the table per thread, and input sizes
    (at or above the GIL-release thresholds for the native side)."""

    rounds: int
    blake3_bytes: int
    xxh3_bytes: int
    json_records: int
    # Shared-hasher test: updates per thread and the size of each update.
    hasher_updates: int
    hasher_chunk_bytes: int
    # Key-cache tests: distinct secrets and distinct key texts (more than the caches' 64).
    distinct_keys: int


NATIVE_SCALE: Final = Scale(
    rounds=12,
    blake3_bytes=1 << 20,
    xxh3_bytes=256 << 10,
    json_records=2000,
    hasher_updates=8,
    hasher_chunk_bytes=256 << 10,
    distinct_keys=100,
)
TWIN_SCALE: Final = Scale(
    rounds=4,
    blake3_bytes=4096,
    xxh3_bytes=64 << 10,
    json_records=100,
    hasher_updates=4,
    hasher_chunk_bytes=2048,
    distinct_keys=80,
)


def scale_for(module: ModuleType) -> Scale:
    return NATIVE_SCALE if is_native(module) else TWIN_SCALE


# --- Outcomes and threads -------------------------------------------------------------

Outcome = tuple[object, ...]


def outcome(run: Callable[[], object]) -> Outcome:
    """``("ok", result)`` or ``("err", exception type, message)``."""
    try:
        return ("ok", run())
    except Exception as error:
        return ("err", type(error), str(error))


def short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 300 else f"{text[:300]}... ({len(text)} characters)"


def run_in_threads(work: Callable[[int], None], count: int = THREADS) -> None:
    """``work(index)`` on ``count`` threads released together by a barrier. Fails the test
    if a thread raised (anything, a PanicException included), hung, or did not finish."""
    barrier = threading.Barrier(count)
    failures: list[str] = []
    finished: list[int] = []

    def body(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT_SECONDS)
            work(index)
        except BaseException as error:
            failures.append(f"thread {index}: {type(error).__name__}: {error}")
        else:
            finished.append(index)

    threads = [
        threading.Thread(target=body, args=(index,), name=f"covet-stress-{index}")
        for index in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT_SECONDS)
    assert [thread.name for thread in threads if thread.is_alive()] == []
    assert failures == []
    assert sorted(finished) == list(range(count))


@contextmanager
def switch_interval(seconds: float) -> Iterator[None]:
    """The interpreter's thread switch interval set to ``seconds`` for the block."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


# --- The call table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One call of the table: ``run()`` makes it and returns a comparable result."""

    label: str
    covers: tuple[str, ...]
    run: Callable[[], object]
    valid: bool


class Table:
    """Calls under construction; ``ok`` and ``bad`` add a valid and an invalid one."""

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def ok(self, label: str, covers: str | tuple[str, ...], run: Callable[[], object]) -> None:
        self._add(label, covers, run, valid=True)

    def bad(self, label: str, covers: str | tuple[str, ...], run: Callable[[], object]) -> None:
        self._add(label, covers, run, valid=False)

    def _add(
        self, label: str, covers: str | tuple[str, ...], run: Callable[[], object], *, valid: bool
    ) -> None:
        names = (covers,) if isinstance(covers, str) else covers
        self.calls.append(Call(label, names, run, valid))


def public_callables(impl: ModuleType) -> set[str]:
    """The implementation's public functions and classes as ``domain.name`` (constants and
    exceptions aside), with the native build report; the awaitables only on the native side
    (the twin's are ``asyncio.to_thread`` over the functions the table already calls)."""
    names = {"native_info"} if implementations.is_native(impl) else set()
    for domain in DOMAINS:
        if domain == "aio" and not implementations.is_native(impl):
            continue
        module = getattr(impl, domain)
        for name in module.__all__:
            value = getattr(module, name)
            if not callable(value):
                continue
            if isinstance(value, type) and issubclass(value, BaseException):
                continue
            names.add(f"{domain}.{name}")
    return names


def record_document(records: int) -> dict[str, Any]:
    """A document of many objects sharing their keys (what the JSON key cache is for)."""
    return {
        "count": records,
        "items": [
            {
                "id": index,
                "name": f"user-{index}",
                "email": f"user{index}@example.com",
                "score": index * 0.25,
                "active": index % 2 == 0,
                "tags": ["a", "b", "ç"],
                "address": {"city": "Zürich", "zip": f"{8000 + index % 100}"},
                "note": None,
            }
            for index in range(records)
        ],
    }


class Opaque:
    """A value JSON cannot hold; ``dumps`` turns it into text through ``default``."""

    def __init__(self, tag: str) -> None:
        self.tag = tag

    def __repr__(self) -> str:
        return f"Opaque({self.tag!r})"


def describe_key(key: Any) -> tuple[object, ...]:
    return (key.kty, key.curve, key.is_private, key.kid, key.alg)


def awaited(make: Callable[[], Awaitable[object]]) -> object:
    """The result of the awaitable ``make()`` returns, on a new event loop of the calling
    thread (the native ``aio_*`` functions need a running loop)."""

    async def await_it() -> object:
        return await make()

    return asyncio.run(await_it())


def json_calls(table: Table, mod: ModuleType, scale: Scale) -> None:
    document = record_document(scale.json_records)
    document_bytes = mod.json.dumps(document)
    distinct_keys = {f"key-{index}": index for index in range(3000)}
    distinct_text = mod.json.dumps_str(distinct_keys)
    opaque = {"when": Opaque("now"), "set": Opaque("s")}
    table.ok("loads records bytes", "json.loads", lambda: mod.json.loads(document_bytes))
    table.ok("loads records str", "json.loads", lambda: mod.json.loads(document_bytes.decode()))
    table.ok("loads 3000 distinct keys", "json.loads", lambda: mod.json.loads(distinct_text))
    table.ok(
        "loads bytearray", "json.loads", lambda: mod.json.loads(bytearray(b'{"a": [1, 2.5, null]}'))
    )
    table.ok("loads lone surrogate escape", "json.loads", lambda: mod.json.loads('"\\ud800"'))
    table.bad("loads truncated", "json.loads", lambda: mod.json.loads(b'{"a": [1, 2,'))
    table.bad("loads trailing comma", "json.loads", lambda: mod.json.loads("[1, 2,]"))
    table.bad("loads invalid utf-8", "json.loads", lambda: mod.json.loads(b'["\xff"]'))
    table.bad("loads None", "json.loads", lambda: mod.json.loads(None))
    table.ok("dumps records", "json.dumps", lambda: mod.json.dumps(document))
    table.ok(
        "dumps sorted indented",
        "json.dumps",
        lambda: mod.json.dumps(document["items"][:50], sort_keys=True, indent=2),
    )
    table.ok("dumps default", "json.dumps", lambda: mod.json.dumps(opaque, default=repr))
    table.ok(
        "dumps non-str keys",
        "json.dumps",
        lambda: mod.json.dumps({1: "a", 2.5: "b", None: "c"}, non_str_keys=True),
    )
    table.ok("dumps nan as null", "json.dumps", lambda: mod.json.dumps([float("nan")], nan="null"))
    table.ok("dumps_str records", "json.dumps_str", lambda: mod.json.dumps_str(document))
    table.ok(
        "dumps_str newline",
        "json.dumps_str",
        lambda: mod.json.dumps_str({"é": "☃"}, append_newline=True),
    )
    table.bad("dumps opaque", "json.dumps", lambda: mod.json.dumps(opaque))
    table.bad("dumps nan", "json.dumps", lambda: mod.json.dumps(float("nan")))
    table.bad("dumps int key", "json.dumps", lambda: mod.json.dumps({1: 2}))
    table.bad("dumps_str lone surrogate", "json.dumps_str", lambda: mod.json.dumps_str("a\ud800b"))


@dataclass(frozen=True)
class HashInputs:
    big: bytes  # blake3: at or above 2048 bytes (native: released GIL)
    big_array: bytearray  # the same bytes as a buffer that is not ``bytes``
    medium: bytes  # xxh3: at or above 64 KiB
    small: bytes
    key: bytes
    file: Path
    missing: Path
    directory: Path
    strided: memoryview  # not C-contiguous

    @classmethod
    def make(cls, scale: Scale, tmp_path: Path) -> HashInputs:
        big = random.Random(SEED).randbytes(4096) * (scale.blake3_bytes // 4096)
        file = tmp_path / "hash-me.bin"
        file.write_bytes(big)
        return cls(
            big=big,
            big_array=bytearray(big),
            medium=big[: scale.xxh3_bytes],
            small=b"covet thread stress",
            key=bytes(range(32)),
            file=file,
            missing=tmp_path / "missing.bin",
            directory=tmp_path,
            strided=memoryview(b"abcdefgh")[::2],
        )


def blake3_calls(table: Table, mod: ModuleType, data: HashInputs) -> None:
    big, big_array, small, key, file = data.big, data.big_array, data.small, data.key, data.file
    table.ok("blake3_digest big", "hashing.blake3_digest", lambda: mod.hashing.blake3_digest(big))
    table.ok(
        "blake3_digest big auto threads",
        "hashing.blake3_digest",
        lambda: mod.hashing.blake3_digest(big, max_threads=mod.hashing.AUTO),
    )
    table.ok(
        "blake3_digest bytearray 2 threads",
        "hashing.blake3_digest",
        lambda: mod.hashing.blake3_digest(big_array, max_threads=2),
    )
    table.ok(
        "blake3_digest keyed long output",
        "hashing.blake3_digest",
        lambda: mod.hashing.blake3_digest(small, key=key, length=4096, seek=7),
    )
    table.ok(
        "blake3_hexdigest derive key",
        "hashing.blake3_hexdigest",
        lambda: mod.hashing.blake3_hexdigest(big, derive_key_context="covet 2024 threads"),
    )
    table.ok(
        "blake3_hexdigest small",
        "hashing.blake3_hexdigest",
        lambda: mod.hashing.blake3_hexdigest(small),
    )
    table.ok("blake3_file", "hashing.blake3_file", lambda: mod.hashing.blake3_file(file))
    table.ok(
        "blake3_file auto threads keyed",
        "hashing.blake3_file",
        lambda: mod.hashing.blake3_file(
            str(file), max_threads=mod.hashing.AUTO, key=key, length=64
        ),
    )
    table.bad(
        "blake3_digest str", "hashing.blake3_digest", lambda: mod.hashing.blake3_digest("text")
    )
    table.bad(
        "blake3_digest short key",
        "hashing.blake3_digest",
        lambda: mod.hashing.blake3_digest(big, key=b"short"),
    )
    table.bad(
        "blake3_hexdigest key and context",
        "hashing.blake3_hexdigest",
        lambda: mod.hashing.blake3_hexdigest(small, key=key, derive_key_context="c"),
    )
    table.bad(
        "blake3_digest zero threads",
        "hashing.blake3_digest",
        lambda: mod.hashing.blake3_digest(big, max_threads=0),
    )
    table.bad(
        "blake3_digest strided view",
        "hashing.blake3_digest",
        lambda: mod.hashing.blake3_digest(data.strided),
    )
    table.bad(
        "blake3_file missing", "hashing.blake3_file", lambda: mod.hashing.blake3_file(data.missing)
    )
    table.bad(
        "blake3_file directory",
        "hashing.blake3_file",
        lambda: mod.hashing.blake3_file(data.directory),
    )


def aio_hashing_calls(table: Table, mod: ModuleType, data: HashInputs) -> None:
    """Native only: the awaitables behind covet_rust_core.aio, each thread on its own event
    loop; from 64 KiB they run on the covet runtime, below that inline."""
    big, big_array, small, key, file = data.big, data.big_array, data.small, data.key, data.file
    table.ok(
        "aio_blake3_digest big",
        "aio.blake3_digest",
        lambda: awaited(lambda: mod.aio.blake3_digest(big, max_threads=mod.hashing.AUTO)),
    )
    table.ok(
        "aio_blake3_digest small",
        "aio.blake3_digest",
        lambda: awaited(lambda: mod.aio.blake3_digest(small, key=key)),
    )
    table.ok(
        "aio_blake3_hexdigest bytearray",
        "aio.blake3_hexdigest",
        lambda: awaited(lambda: mod.aio.blake3_hexdigest(big_array, length=100)),
    )
    table.ok(
        "aio_blake3_file", "aio.blake3_file", lambda: awaited(lambda: mod.aio.blake3_file(file))
    )
    table.bad(
        "aio_blake3_digest str",
        "aio.blake3_digest",
        lambda: awaited(lambda: mod.aio.blake3_digest("text")),
    )
    table.bad(
        "aio_blake3_file missing",
        "aio.blake3_file",
        lambda: awaited(lambda: mod.aio.blake3_file(data.missing)),
    )


def xxh3_calls(table: Table, mod: ModuleType, data: HashInputs) -> None:
    medium, small = data.medium, data.small
    for width in ("64", "128"):
        for form in ("", "_digest", "_hexdigest"):
            name = f"xxh3_{width}{form}"
            function = getattr(mod.hashing, name)
            covers = f"hashing.{name}"
            table.ok(f"{name} medium", covers, functools.partial(function, medium))
            table.ok(
                f"{name} small seeded", covers, functools.partial(function, small, seed=2**70 + 5)
            )
        name = f"xxh3_{width}"
        function = getattr(mod.hashing, name)
        table.bad(f"{name} str", f"hashing.{name}", functools.partial(function, "text"))
        table.bad(
            f"{name} str seed", f"hashing.{name}", functools.partial(function, small, seed="1")
        )


def hasher_calls(table: Table, mod: ModuleType, data: HashInputs) -> None:
    big, big_array, medium, small, key = data.big, data.big_array, data.medium, data.small, data.key

    def blake3_streamed() -> str:
        hasher = mod.hashing.blake3(small, max_threads=2)
        hasher.update(big).update(big_array)
        copy = hasher.copy()
        copy.update(small)
        return f"{hasher.hexdigest()} {copy.hexdigest(length=40, seek=3)}"

    def blake3_reset() -> bytes:
        hasher = mod.hashing.blake3(key=key)
        hasher.update(big)
        hasher.reset()
        return bytes(hasher.update(small).digest())

    table.ok("blake3 hasher streamed", "hashing.blake3", blake3_streamed)
    table.ok("blake3 hasher reset", "hashing.blake3", blake3_reset)
    table.bad("blake3 hasher bad key", "hashing.blake3", lambda: mod.hashing.blake3(key=b"short"))
    table.bad(
        "blake3 hasher update str", "hashing.blake3", lambda: mod.hashing.blake3().update("text")
    )

    for name in ("xxh3_64_hasher", "xxh3_128_hasher"):
        cls = getattr(mod.hashing, name)
        covers = f"hashing.{name}"

        def xxh3_streamed(cls: Any = cls) -> tuple[object, ...]:
            hasher = cls(small, seed=9)
            hasher.update(medium)
            copy = hasher.copy()
            copy.update(small)
            return (hasher.intdigest(), hasher.digest(), copy.hexdigest(), hasher.seed)

        def xxh3_reset(cls: Any = cls) -> int:
            hasher = cls(medium)
            hasher.reset()
            return int(hasher.update(small).intdigest())

        table.ok(f"{name} streamed", covers, xxh3_streamed)
        table.ok(f"{name} reset", covers, xxh3_reset)
        table.bad(f"{name} float seed", covers, functools.partial(cls, seed=1.5))


@dataclass(frozen=True)
class JwtInputs:
    """Keys, tokens and parsed keys the JWT calls share (made once, used by every thread)."""

    keys: Keys
    rsa_token: str  # RS256, with "kid": "rsa"
    ed_token: str
    es_token: str
    hs_token: str
    expired_token: str
    rsa_private_key: Any  # JwtKey
    rsa_public_key: Any  # JwtKey
    key_set: Any  # JwtKeySet

    @classmethod
    def make(cls, mod: ModuleType, keys: Keys) -> JwtInputs:
        rsa, p256, ed = keys.rsa2048, keys.p256, keys.ed25519
        return cls(
            keys=keys,
            rsa_token=mod.jwt.encode(
                CLAIMS, rsa.private_pkcs8_pem, "RS256", headers={"kid": "rsa"}
            ),
            ed_token=mod.jwt.encode(CLAIMS, ed.private_pkcs8_pem, "EdDSA"),
            es_token=mod.jwt.encode(CLAIMS, p256.private_pkcs8_pem, "ES256"),
            hs_token=mod.jwt.encode(CLAIMS, SECRET),
            expired_token=mod.jwt.encode({**CLAIMS, "exp": LONG_AGO}, SECRET),
            rsa_private_key=mod.jwt.Key.from_pem(rsa.private_pkcs8_pem),
            rsa_public_key=mod.jwt.Key.from_pem(rsa.public_spki_pem),
            key_set=mod.jwt.KeySet.from_jwks(
                {
                    "keys": [
                        {**rsa.public_jwk, "kid": "rsa", "alg": "RS256"},
                        {**p256.public_jwk, "kid": "p256"},
                        {**ed.public_jwk, "kid": "ed"},
                        {"kty": "unknown", "kid": "skipped"},
                    ]
                }
            ),
        )


def jwt_valid_calls(table: Table, mod: ModuleType, jwt: JwtInputs) -> None:
    keys = jwt.keys
    rsa, p256, ed = keys.rsa2048, keys.p256, keys.ed25519

    def signed_then_decoded(private_pem: str, public_pem: str, algorithm: str) -> object:
        """Randomised signatures (ECDSA, RSA-PSS) compared by what decoding them gives."""
        token = mod.jwt.encode(CLAIMS, private_pem, algorithm)
        whole = mod.jwt.decode_complete(token, public_pem, algorithms=[algorithm])
        return (whole["header"], whole["payload"], len(whole["signature"]))

    table.ok("jwt_encode HS256", "jwt.encode", lambda: mod.jwt.encode(CLAIMS, SECRET))
    table.ok(
        "jwt_encode HS512 headers",
        "jwt.encode",
        lambda: mod.jwt.encode(CLAIMS, SECRET.encode(), "HS512", headers={"kid": "k1"}),
    )
    table.ok(
        "jwt_encode RS256 pem",
        "jwt.encode",
        lambda: mod.jwt.encode(CLAIMS, rsa.private_pkcs8_pem, "RS256"),
    )
    table.ok(
        "jwt_encode RS256 shared JwtKey",
        ("jwt.encode", "jwt.Key"),
        lambda: mod.jwt.encode(CLAIMS, jwt.rsa_private_key, "RS256"),
    )
    table.ok(
        "jwt_encode EdDSA", "jwt.encode", lambda: mod.jwt.encode(CLAIMS, ed.private_jwk, "EdDSA")
    )
    table.ok(
        "ES256 sign then decode",
        ("jwt.encode", "jwt.decode_complete"),
        lambda: signed_then_decoded(p256.private_pkcs8_pem, p256.public_spki_pem, "ES256"),
    )
    table.ok(
        "PS256 sign then decode",
        ("jwt.encode", "jwt.decode_complete"),
        lambda: signed_then_decoded(rsa.private_pkcs8_pem, rsa.public_spki_pem, "PS256"),
    )
    table.ok(
        "jwt_decode HS256",
        "jwt.decode",
        lambda: mod.jwt.decode(jwt.hs_token, SECRET, algorithms=["HS256"]),
    )
    table.ok(
        "jwt_decode RS256 pem",
        "jwt.decode",
        lambda: mod.jwt.decode(jwt.rsa_token, rsa.public_spki_pem, algorithms=["RS256"]),
    )
    table.ok(
        "jwt_decode RS256 shared JwtKey",
        ("jwt.decode", "jwt.Key"),
        lambda: mod.jwt.decode(jwt.rsa_token, jwt.rsa_public_key, algorithms=["RS256"]),
    )
    table.ok(
        "jwt_decode RS256 key set",
        ("jwt.decode", "jwt.KeySet"),
        lambda: mod.jwt.decode(jwt.rsa_token, jwt.key_set, algorithms=["RS256", "ES256"]),
    )
    table.ok(
        "jwt_decode ES256 certificate",
        "jwt.decode",
        lambda: mod.jwt.decode(jwt.es_token, p256.certificate_pem, algorithms=["ES256"]),
    )
    table.ok(
        "jwt_decode_complete EdDSA",
        "jwt.decode_complete",
        lambda: mod.jwt.decode_complete(jwt.ed_token, ed.openssh_public, algorithms=["EdDSA"]),
    )
    table.ok(
        "jwt_decode unverified",
        "jwt.decode",
        lambda: mod.jwt.decode(jwt.expired_token, options={"verify_signature": False}),
    )
    table.ok(
        "jwt_get_unverified_header",
        "jwt.get_unverified_header",
        lambda: mod.jwt.get_unverified_header(jwt.rsa_token),
    )
    table.ok(
        "JwtKey.from_pem rsa",
        "jwt.Key",
        lambda: describe_key(mod.jwt.Key.from_pem(rsa.private_traditional_pem)),
    )
    table.ok(
        "JwtKey.from_jwk ec",
        "jwt.Key",
        lambda: describe_key(mod.jwt.Key.from_jwk({**p256.public_jwk, "kid": "p", "alg": "ES256"})),
    )
    table.ok("JwtKey.from_secret", "jwt.Key", lambda: describe_key(mod.jwt.Key.from_secret(SECRET)))
    table.ok(
        "JwtKeySet.from_jwks text",
        "jwt.KeySet",
        lambda: [
            describe_key(key)
            for key in mod.jwt.KeySet.from_jwks(mod.json.dumps({"keys": [ed.public_jwk]})).keys
        ],
    )
    table.ok(
        "JwtKeySet shared lookups",
        "jwt.KeySet",
        lambda: (len(jwt.key_set), describe_key(jwt.key_set.get("p256")), jwt.key_set.get("nope")),
    )


def jwt_invalid_calls(table: Table, mod: ModuleType, jwt: JwtInputs) -> None:
    keys = jwt.keys
    rsa, ed = keys.rsa2048, keys.ed25519
    table.bad(
        "jwt_decode wrong secret",
        "jwt.decode",
        lambda: mod.jwt.decode(jwt.hs_token, OTHER_SECRET, algorithms=["HS256"]),
    )
    table.bad(
        "jwt_decode RS256 other key",
        "jwt.decode",
        lambda: mod.jwt.decode(
            jwt.rsa_token, keys.rsa2048_other.public_spki_pem, algorithms=["RS256"]
        ),
    )
    table.bad(
        "jwt_decode expired",
        "jwt.decode",
        lambda: mod.jwt.decode(jwt.expired_token, SECRET, algorithms=["HS256"]),
    )
    table.bad(
        "jwt_decode algorithm not allowed",
        "jwt.decode",
        lambda: mod.jwt.decode(jwt.rsa_token, rsa.public_spki_pem, algorithms=["ES256"]),
    )
    table.bad(
        "jwt_decode garbage",
        "jwt.decode",
        lambda: mod.jwt.decode("not.a.token", SECRET, algorithms=["HS256"]),
    )
    table.bad(
        "jwt_decode_complete tampered",
        "jwt.decode_complete",
        lambda: mod.jwt.decode_complete(
            jwt.ed_token[:-4] + ("AAAA" if not jwt.ed_token.endswith("AAAA") else "BBBB"),
            ed.public_spki_pem,
            algorithms=["EdDSA"],
        ),
    )
    table.bad(
        "jwt_encode with a public key",
        "jwt.encode",
        lambda: mod.jwt.encode(CLAIMS, rsa.public_spki_pem, "RS256"),
    )
    table.bad(
        "jwt_encode RSA 1024",
        "jwt.encode",
        lambda: mod.jwt.encode(CLAIMS, keys.rsa1024.private_pkcs8_pem, "RS256"),
    )
    table.bad("jwt_encode empty secret", "jwt.encode", lambda: mod.jwt.encode(CLAIMS, ""))
    table.bad(
        "jwt_get_unverified_header garbage",
        "jwt.get_unverified_header",
        lambda: mod.jwt.get_unverified_header("abc"),
    )
    table.bad("JwtKey.from_pem garbage", "jwt.Key", lambda: mod.jwt.Key.from_pem("-----BEGIN x"))
    table.bad("JwtKey.from_secret empty", "jwt.Key", lambda: mod.jwt.Key.from_secret(b""))
    table.bad(
        "JwtKeySet.from_jwks bad text", "jwt.KeySet", lambda: mod.jwt.KeySet.from_jwks("{not")
    )


def aio_jwt_calls(table: Table, mod: ModuleType, jwt: JwtInputs) -> None:
    keys = jwt.keys
    rsa, ed = keys.rsa2048, keys.ed25519
    # Native only, as for hashing: asymmetric work on the covet runtime, HMAC inline.
    table.ok(
        "aio_jwt_encode RS256",
        "aio.jwt_encode",
        lambda: awaited(lambda: mod.aio.jwt_encode(CLAIMS, rsa.private_pkcs8_pem, "RS256")),
    )
    table.ok(
        "aio_jwt_encode HS256",
        "aio.jwt_encode",
        lambda: awaited(lambda: mod.aio.jwt_encode(CLAIMS, SECRET)),
    )
    table.ok(
        "aio_jwt_decode RS256",
        "aio.jwt_decode",
        lambda: awaited(
            lambda: mod.aio.jwt_decode(jwt.rsa_token, jwt.rsa_public_key, algorithms=["RS256"])
        ),
    )
    table.ok(
        "aio_jwt_decode_complete EdDSA",
        "aio.jwt_decode_complete",
        lambda: awaited(
            lambda: mod.aio.jwt_decode_complete(jwt.ed_token, ed.public_jwk, algorithms=["EdDSA"])
        ),
    )
    table.bad(
        "aio_jwt_decode RS256 other key",
        "aio.jwt_decode",
        lambda: awaited(
            lambda: mod.aio.jwt_decode(
                jwt.rsa_token, keys.rsa2048_other.public_spki_pem, algorithms=["RS256"]
            )
        ),
    )
    table.bad(
        "aio_jwt_decode_complete expired",
        "aio.jwt_decode_complete",
        lambda: awaited(
            lambda: mod.aio.jwt_decode_complete(jwt.expired_token, SECRET, algorithms=["HS256"])
        ),
    )
    table.bad(
        "aio_jwt_encode public key",
        "aio.jwt_encode",
        lambda: awaited(lambda: mod.aio.jwt_encode(CLAIMS, rsa.public_spki_pem, "RS256")),
    )


def string_calls(table: Table, mod: ModuleType) -> None:
    text = "Héllo <b>Wörld</b> & 'friends' — 北京 Ελληνικά " * 20
    nested = {"userName": [{"firstName": "a", "lastLogin": {"ipAddress": "x"}}], "id_value": 1}
    mapping = {"cat": "dog", "dog": "cat", "<": "&lt;", "Wörld": "World"}
    replacer = mod.strings.Replacer(mapping)
    query = "a=1&b=%E2%98%83&a=2&c=&d=x+y"
    table.ok("escape_html", "strings.escape_html", lambda: mod.strings.escape_html(text))
    table.ok("escape_html object", "strings.escape_html", lambda: mod.strings.escape_html(12.5))
    table.ok(
        "escape_html lone surrogate",
        "strings.escape_html",
        lambda: mod.strings.escape_html("\ud800<"),
    )
    table.ok("slugify", "strings.slugify", lambda: mod.strings.slugify(text))
    table.ok(
        "slugify options",
        "strings.slugify",
        lambda: mod.strings.slugify(
            text, max_length=30, word_boundary=True, separator="_", stopwords=["the"]
        ),
    )
    table.ok("transliterate", "strings.transliterate", lambda: mod.strings.transliterate(text))
    for name in ("to_snake", "to_camel", "to_pascal", "to_kebab"):
        function = getattr(mod.strings, name)
        table.ok(name, f"strings.{name}", functools.partial(function, "someHTTPRequest_value-name"))
        keys_function = getattr(mod.strings, f"{name}_keys")
        table.ok(f"{name}_keys", f"strings.{name}_keys", functools.partial(keys_function, nested))
    table.ok("quote", "strings.quote", lambda: mod.strings.quote(text))
    table.ok(
        "quote_plus bytes",
        "strings.quote_plus",
        lambda: mod.strings.quote_plus(text.encode(), safe="/"),
    )
    table.ok("unquote", "strings.unquote", lambda: mod.strings.unquote("%E2%98%83%ff%zz"))
    table.ok("unquote_plus", "strings.unquote_plus", lambda: mod.strings.unquote_plus(b"a+b%20c"))
    table.ok(
        "urlencode",
        "strings.urlencode",
        lambda: mod.strings.urlencode({"q": text[:40], "n": [1, 2]}, doseq=True),
    )
    table.ok(
        "parse_qsl",
        "strings.parse_qsl",
        lambda: mod.strings.parse_qsl(query, keep_blank_values=True),
    )
    table.ok("parse_qs", "strings.parse_qs", lambda: mod.strings.parse_qs(query))
    table.ok(
        "multi_replace", "strings.multi_replace", lambda: mod.strings.multi_replace(text, mapping)
    )
    for index in range(10):
        # More pattern sets than multi_replace keeps compiled (8), so its cache evicts.
        table.ok(
            f"multi_replace set {index}",
            "strings.multi_replace",
            functools.partial(
                mod.strings.multi_replace, text, [(f"{index}", "#"), ("é", f"e{index}")]
            ),
        )
    table.ok("Replacer shared", "strings.Replacer", lambda: (len(replacer), replacer.replace(text)))
    table.ok(
        "Replacer new", "strings.Replacer", lambda: mod.strings.Replacer([("a", "b")]).replace(text)
    )
    table.ok(
        "secure_filename",
        "strings.secure_filename",
        lambda: mod.strings.secure_filename("../../é tc/pa ss"),
    )
    table.ok(
        "secure_filename windows",
        "strings.secure_filename",
        lambda: mod.strings.secure_filename("CON.txt", windows=True),
    )
    table.bad(
        "escape_html no str", "strings.escape_html", lambda: mod.strings.escape_html(Unprintable())
    )
    table.bad("slugify int", "strings.slugify", lambda: mod.strings.slugify(123))
    table.bad("slugify lone surrogate", "strings.slugify", lambda: mod.strings.slugify("\ud800 x"))
    table.bad(
        "transliterate surrogate",
        "strings.transliterate",
        lambda: mod.strings.transliterate("a\udfff"),
    )
    table.bad("to_snake None", "strings.to_snake", lambda: mod.strings.to_snake(None))
    table.bad("to_camel bytes", "strings.to_camel", lambda: mod.strings.to_camel(b"a_b"))
    table.bad("quote int", "strings.quote", lambda: mod.strings.quote(123))
    table.bad("quote lone surrogate", "strings.quote", lambda: mod.strings.quote("\ud800"))
    table.bad("unquote None", "strings.unquote", lambda: mod.strings.unquote(None))
    table.bad("urlencode str", "strings.urlencode", lambda: mod.strings.urlencode("abc"))
    table.bad(
        "parse_qsl strict",
        "strings.parse_qsl",
        lambda: mod.strings.parse_qsl("a", strict_parsing=True),
    )
    table.bad(
        "parse_qs too many",
        "strings.parse_qs",
        lambda: mod.strings.parse_qs(query, max_num_fields=2),
    )
    table.bad(
        "multi_replace empty pattern",
        "strings.multi_replace",
        lambda: mod.strings.multi_replace("x", {"": "y"}),
    )
    table.bad("Replacer int", "strings.Replacer", lambda: mod.strings.Replacer(42))
    table.bad(
        "secure_filename None", "strings.secure_filename", lambda: mod.strings.secure_filename(None)
    )


class Unprintable:
    """``str()`` of it raises: ``escape_html`` must pass the error on."""

    def __str__(self) -> str:
        raise ValueError("no text for this object")


def call_table(mod: ModuleType, tmp_path: Path) -> list[Call]:
    scale = scale_for(mod)
    table = Table()
    json_calls(table, mod, scale)
    hash_inputs = HashInputs.make(scale, tmp_path)
    blake3_calls(table, mod, hash_inputs)
    xxh3_calls(table, mod, hash_inputs)
    hasher_calls(table, mod, hash_inputs)
    jwt_inputs = JwtInputs.make(mod, material())
    jwt_valid_calls(table, mod, jwt_inputs)
    jwt_invalid_calls(table, mod, jwt_inputs)
    string_calls(table, mod)
    # Native only: the awaitables of covet_rust_core.aio and the build description (the
    # twin has neither; the coverage test holds each backend to its own public names).
    if implementations.is_native(mod):
        aio_hashing_calls(table, mod, hash_inputs)
        aio_jwt_calls(table, mod, jwt_inputs)
        table.ok("native_info", "native_info", mod.native_info)
    return table.calls


# --- Tests: the whole table -------------------------------------------------------------


def test_call_table_covers_every_public_function(impl: ModuleType, tmp_path: Path) -> None:
    calls = call_table(impl, tmp_path)
    covered = {name for call in calls for name in call.covers}
    assert covered == public_callables(impl)
    assert len({call.label for call in calls}) == len(calls)
    invalid = [call for call in calls if not call.valid]
    assert len(invalid) * 10 >= len(calls)
    # Each call does what its label says: the valid ones succeed, the invalid ones raise.
    wrong = [
        f"{call.label}: {short(result)}"
        for call in calls
        if (result := outcome(call.run))[0] != ("ok" if call.valid else "err")
    ]
    assert wrong == []


@pytest.mark.slow
def test_every_public_function_from_eight_threads_matches_single_threaded(
    impl: ModuleType, tmp_path: Path
) -> None:
    scale = scale_for(impl)
    calls = call_table(impl, tmp_path)
    expected = [outcome(call.run) for call in calls]
    mismatches: list[str] = []
    rounds_done = [0] * THREADS

    def stress(index: int) -> None:
        order = list(range(len(calls)))
        shuffler = random.Random(SEED + index)
        for _ in range(scale.rounds):
            shuffler.shuffle(order)
            for position in order:
                got = outcome(calls[position].run)
                if got != expected[position]:
                    mismatches.append(
                        f"thread {index}, {calls[position].label}: got {short(got)}, "
                        f"single-threaded {short(expected[position])}"
                    )
            rounds_done[index] += 1

    # A switch interval 500 times shorter than the default: Python-level code (the twin,
    # ``default`` callbacks, event loops) is interrupted in many more places.
    with switch_interval(1e-5):
        run_in_threads(stress)
    assert mismatches == []
    assert rounds_done == [scale.rounds] * THREADS


# --- Tests: shared objects and shared caches ------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("hasher_name", ["blake3", "xxh3_64_hasher", "xxh3_128_hasher"])
def test_one_hasher_updated_from_eight_threads(impl: ModuleType, hasher_name: str) -> None:
    """Every thread feeds the same chunk to one hasher and reads its digest in between;
    updates are serialised, so each digest read is that of a whole number of chunks, and
    the last one is the digest of all of them."""
    scale = scale_for(impl)
    cls = getattr(impl.hashing, hasher_name)
    chunk = random.Random(SEED).randbytes(scale.hasher_chunk_bytes)
    total = THREADS * scale.hasher_updates
    reference = cls()
    prefix_digests = {reference.hexdigest(): 0}
    for count in range(1, total + 1):
        prefix_digests[reference.update(chunk).hexdigest()] = count
    assert len(prefix_digests) == total + 1
    shared = cls()
    torn: list[str] = []

    def feed(index: int) -> None:
        for _ in range(scale.hasher_updates):
            shared.update(chunk if index % 2 else memoryview(chunk))
            seen = shared.copy().hexdigest() if index % 3 else shared.hexdigest()
            if seen not in prefix_digests:
                torn.append(f"thread {index} read {seen}")

    run_in_threads(feed)
    assert torn == []
    assert prefix_digests[shared.hexdigest()] == total


@pytest.mark.slow
def test_one_replacer_and_one_jwt_key_shared_by_eight_threads(impl: ModuleType) -> None:
    """One compiled Replacer and one parsed JwtKey (signing and verifying) used by every
    thread give what they give single-threaded."""
    keys = material()
    replacer = impl.strings.Replacer({"a": "1", "ab": "2", "abc": "3", "ü": "ue"})
    texts = [f"abcab a ü {index} " * (index + 1) for index in range(40)]
    expected_texts = [replacer.replace(text) for text in texts]
    signing_key = impl.jwt.Key.from_pem(keys.rsa2048.private_pkcs8_pem)
    verifying_key = impl.jwt.Key.from_jwk(keys.rsa2048.public_jwk)
    payloads = [{**CLAIMS, "n": index} for index in range(10)]
    expected_tokens = [impl.jwt.encode(p, signing_key, "RS256") for p in payloads]
    mismatches: list[str] = []

    def use(index: int) -> None:
        shuffler = random.Random(SEED + index)
        for position in shuffler.sample(range(len(texts)), len(texts)):
            if replacer.replace(texts[position]) != expected_texts[position]:
                mismatches.append(f"thread {index}: replace of text {position}")
        for position in shuffler.sample(range(len(payloads)), len(payloads)):
            token = impl.jwt.encode(payloads[position], signing_key, "RS256")
            if token != expected_tokens[position]:
                mismatches.append(f"thread {index}: token {position}")
            claims = impl.jwt.decode(token, verifying_key, algorithms=["RS256"])
            if claims != payloads[position]:
                mismatches.append(f"thread {index}: claims {position}")

    run_in_threads(use)
    assert mismatches == []
    assert len(replacer) == 4
    assert describe_key(signing_key) == ("RSA", None, True, None, None)


@pytest.mark.slow
def test_concurrent_loads_of_documents_sharing_keys(impl: ModuleType) -> None:
    """The JSON key cache: documents whose keys repeat within and across documents (cache
    hits), plus more distinct keys than the cache has slots (collisions), from 8 threads."""
    scale = scale_for(impl)
    documents = [record_document(scale.json_records // 4)]
    documents += [
        {f"field-{(index * 37 + offset) % 4000}": offset for offset in range(500)}
        for index in range(6)
    ]
    documents.append({"é-key": {"é-key": ["é-key"]}, "k" * 64: 1, "k" * 65: 2})
    texts = [impl.json.dumps(document) for document in documents]
    mismatches: list[str] = []

    def parse(index: int) -> None:
        shuffler = random.Random(SEED + index)
        for _ in range(3):
            for position in shuffler.sample(range(len(texts)), len(texts)):
                text = texts[position]
                parsed = impl.json.loads(text if index % 2 else text.decode())
                if parsed != documents[position]:
                    mismatches.append(f"thread {index}: document {position}")

    run_in_threads(parse)
    assert mismatches == []


@pytest.mark.slow
def test_concurrent_jwt_key_cache_hits_misses_and_evictions(impl: ModuleType) -> None:
    """The JWT parsed-key caches (64 key texts, 64 HMAC secrets): the same PEM text from every
    thread (hits), and more distinct secrets and key texts than either cache holds, in a
    different order per thread (misses and evictions while other threads hit)."""
    scale = scale_for(impl)
    keys = material()
    secrets = [f"{SECRET}-{index}" for index in range(scale.distinct_keys)]
    # Distinct texts of the same keys: PEM text with trailing blank lines is still the key.
    texts = [
        (pair.private_pkcs8_pem + "\n" * index, pair.public_spki_pem + "\n" * index, algorithm)
        for index in range(scale.distinct_keys // 2)
        for pair, algorithm in ((keys.ed25519, "EdDSA"), (keys.p256, "ES256"))
    ]
    shared_pem = keys.rsa2048.public_spki_pem
    rsa_token = impl.jwt.encode(CLAIMS, keys.rsa2048.private_pkcs8_pem, "RS256")
    hs_tokens = [impl.jwt.encode({**CLAIMS, "i": i}, s) for i, s in enumerate(secrets)]
    mismatches: list[str] = []

    def use_keys(index: int) -> None:
        shuffler = random.Random(SEED + index)
        for position in shuffler.sample(range(len(secrets)), len(secrets)):
            secret = secrets[position]
            if impl.jwt.encode({**CLAIMS, "i": position}, secret) != hs_tokens[position]:
                mismatches.append(f"thread {index}: HS256 token {position}")
            claims = impl.jwt.decode(hs_tokens[position], secret, algorithms=["HS256"])
            if claims != {**CLAIMS, "i": position}:
                mismatches.append(f"thread {index}: HS256 claims {position}")
            wrong = outcome(
                functools.partial(
                    impl.jwt.decode,
                    hs_tokens[position],
                    secrets[position - 1],
                    algorithms=["HS256"],
                )
            )
            if wrong != ("err", InvalidSignatureError, "Signature verification failed"):
                mismatches.append(f"thread {index}: wrong secret {position}: {short(wrong)}")
            if impl.jwt.decode(rsa_token, shared_pem, algorithms=["RS256"]) != CLAIMS:
                mismatches.append(f"thread {index}: shared PEM")
        for position in shuffler.sample(range(len(texts)), len(texts)):
            private_pem, public_pem, algorithm = texts[position]
            token = impl.jwt.encode(CLAIMS, private_pem, algorithm)
            if impl.jwt.decode(token, public_pem, algorithms=[algorithm]) != CLAIMS:
                mismatches.append(f"thread {index}: {algorithm} key text {position}")

    run_in_threads(use_keys)
    assert mismatches == []


@pytest.mark.slow
def test_bytearray_resized_while_other_threads_hash_it(impl: ModuleType) -> None:
    """Hashing reads a bytearray through a held buffer export: while another thread hashes
    it, resizing it raises BufferError (never a crash), and every digest is that of the
    array either before or after a resize, never of memory it no longer owns."""
    scale = scale_for(impl)
    base = random.Random(SEED).randbytes(scale.blake3_bytes)
    grown = base + b"!"
    shared = bytearray(base)
    allowed = {
        "blake3_digest": {impl.hashing.blake3_digest(base), impl.hashing.blake3_digest(grown)},
        "xxh3_64": {impl.hashing.xxh3_64(base), impl.hashing.xxh3_64(grown)},
        "blake3": {impl.hashing.blake3(base).digest(), impl.hashing.blake3(grown).digest()},
    }
    resize_lock = threading.Lock()  # orders the resizing threads only, never the hashers
    hashers_left = [THREADS // 2]
    hashing_done = threading.Event()
    unexpected: list[str] = []

    def resize_until_hashing_is_done() -> None:
        while not hashing_done.is_set():
            with resize_lock:
                try:
                    if len(shared) == len(base):
                        shared.append(ord("!"))
                    else:
                        del shared[-1]
                except BufferError:
                    pass  # a hasher holds the export: the refusal the contract promises
            time.sleep(0)  # lets the hashers in

    def hash_repeatedly(index: int) -> None:
        try:
            for _ in range(scale.hasher_updates):
                results = {
                    "blake3_digest": impl.hashing.blake3_digest(shared),
                    "xxh3_64": impl.hashing.xxh3_64(shared),
                    "blake3": impl.hashing.blake3().update(shared).digest(),
                }
                unexpected.extend(
                    f"thread {index}: {name} gave {short(value)}"
                    for name, value in results.items()
                    if value not in allowed[name]
                )
        finally:
            with resize_lock:
                hashers_left[0] -= 1
                if hashers_left[0] == 0:
                    hashing_done.set()

    def hash_or_resize(index: int) -> None:
        if index % 2:
            resize_until_hashing_is_done()
        else:
            hash_repeatedly(index)

    run_in_threads(hash_or_resize)
    assert unexpected == []
    assert bytes(shared[: len(base)]) == base


# --- Tests: the GIL is released (native only) ------------------------------------------------


# The GIL checks below stop at the first call across which the counter moved: with a correct
# build that is usually the first call or so, and on a loaded machine (the counter thread
# waiting for a core) a few more. They give up only after this long, which a build that
# keeps the GIL always reaches: the deadline is the guard against waiting forever, never
# part of a passing verdict.
GIL_DEADLINE_SECONDS: Final = 300.0


@contextmanager
def counter_thread() -> Iterator[Callable[[], int]]:
    """A thread counting while it holds the GIL, letting go of it only by sleeping between
    counts, under a switch interval long enough that no thread is ever made to give the GIL
    up within a test. Yields a function reading the count. So the count cannot move while
    another thread holds the GIL: across code that never lets go of it, it stays put; if it
    advanced, that code released the GIL."""
    count = [0]
    running = threading.Event()
    stop = threading.Event()

    def counting() -> None:
        while not stop.is_set():
            count[0] += 1
            running.set()
            stop.wait(0.0001)

    thread = threading.Thread(target=counting, name="covet-gil-counter")
    with switch_interval(100.0):
        try:
            thread.start()
            assert running.wait(JOIN_TIMEOUT_SECONDS)
            yield lambda: count[0]
        finally:
            stop.set()
            thread.join(JOIN_TIMEOUT_SECONDS)
    assert not thread.is_alive()


def counter_moves_across(work: Callable[[], object]) -> bool:
    """Whether the counter thread advanced across one call of ``work()``. Calls it again and
    again until the counter has moved across one call (True), or until GIL_DEADLINE_SECONDS
    have passed without that ever happening (False). Nothing runs between the two reads of
    the count but the call and bytecode, which keeps the GIL: the count differs only if
    ``work`` released it, and how fast either thread runs decides only how many calls it
    takes, never the answer."""
    give_up_at = time.monotonic() + GIL_DEADLINE_SECONDS
    with counter_thread() as read_count:
        while True:
            before = read_count()
            work()
            if read_count() != before:
                return True
            if time.monotonic() > give_up_at:
                return False


def counter_moves_in_any_of(work: Callable[[], object], calls: int) -> bool:
    """Whether the counter thread advanced across any of ``calls`` calls of ``work()``."""
    with counter_thread() as read_count:
        for _ in range(calls):
            before = read_count()
            work()
            if read_count() != before:
                return True
    return False


def python_loop() -> int:
    total = 0
    for index in range(300_000):
        total += index
    return total


def test_gil_check_control_pure_python_keeps_the_gil() -> None:
    """The measurement's control: a pure-Python loop never lets the counter move (each call
    takes far less than the 100 s switch interval, however loaded the machine)."""
    assert not counter_moves_in_any_of(python_loop, calls=5)


def test_gil_released_while_hashing(tmp_path: Path) -> None:
    native = implementations.native()
    data = bytes(32 << 20)
    sparse = tmp_path / "sparse.bin"
    with sparse.open("wb") as handle:
        handle.truncate(256 << 20)
    assert counter_moves_across(lambda: native.hashing.blake3_digest(data))
    assert counter_moves_across(
        lambda: native.hashing.blake3_hexdigest(data, max_threads=native.hashing.AUTO)
    )
    assert counter_moves_across(lambda: native.hashing.blake3_file(sparse))
    assert counter_moves_across(lambda: native.hashing.blake3(data))
    assert counter_moves_across(lambda: native.hashing.xxh3_64(data))
    assert counter_moves_across(lambda: native.hashing.xxh3_128_hasher().update(data))


def test_gil_released_from_the_documented_sizes() -> None:
    """At exactly the documented thresholds (BLAKE3 from 2048 bytes of input or of output,
    XXH3 from 64 KiB). Such a call is short, so the counter thread gets in across only some
    of them; counter_moves_across repeats the call until it has, however long the machine's
    load makes that take. Only a call that never releases the GIL can fail."""
    native = implementations.native()
    blake3_input = bytes(2048)
    xxh3_input = bytes(64 << 10)
    blake3_hasher = native.hashing.blake3()
    xxh3_hasher = native.hashing.xxh3_64_hasher()

    assert counter_moves_across(lambda: native.hashing.blake3_digest(blake3_input))
    assert counter_moves_across(lambda: native.hashing.blake3_digest(b"x", length=2048))
    assert counter_moves_across(lambda: blake3_hasher.update(blake3_input))
    assert counter_moves_across(lambda: blake3_hasher.digest(2048))
    assert counter_moves_across(lambda: native.hashing.xxh3_64(xxh3_input))
    assert counter_moves_across(lambda: native.hashing.xxh3_128_digest(xxh3_input))
    assert counter_moves_across(lambda: xxh3_hasher.update(xxh3_input))


def test_gil_released_while_signing_and_verifying() -> None:
    native = implementations.native()
    keys = material()
    rsa_private = keys.rsa2048.private_pkcs8_pem
    rsa_public = keys.rsa2048.public_spki_pem
    rsa_token = native.jwt.encode(CLAIMS, rsa_private, "RS256")
    es_token = native.jwt.encode(CLAIMS, keys.p256.private_pkcs8_pem, "ES256")

    assert counter_moves_across(lambda: native.jwt.encode(CLAIMS, rsa_private, "RS256"))
    assert counter_moves_across(
        lambda: native.jwt.decode(rsa_token, rsa_public, algorithms=["RS256"])
    )
    assert counter_moves_across(
        lambda: native.jwt.decode(es_token, keys.p256.public_spki_pem, algorithms=["ES256"])
    )
