"""The soak shared by benches/soak.py (1,000,000 calls, by hand) and tests/contract/test_soak.py (a
short one in every test run): a fixed mix of calls over every public function, a tenth of
them with failing inputs, run round after round while the process's memory and the
reference counts of what the calls touch are watched.

* ``mix(module, workdir)``: the calls, on ``module`` (the extension ``covet_rust_core._native``
  or the twin ``covet_rust_core.fallback``, each with one module per domain): JSON
  (``loads``, ``dumps``, ``dumps_str`` with every option and ``default``), JWT (``encode``,
  ``decode``, ``decode_complete``, ``get_unverified_header`` with HMAC, RSA, EC and Ed25519
  keys as PEM strings, as parsed ``Key`` objects and from a ``KeySet``; ``Key`` and ``KeySet``
  constructors), hashing (one-shot BLAKE3 and XXH3, ``blake3_file``, the hasher objects'
  every method) and strings (every helper, ``Replacer``). Each failing call names the exception
  the contract promises for it; another exception, or none, is a failure of the soak.
* ``soak(...)``: runs ``calls`` calls (every tenth a failing one): after the warm-up it
  measures the resident set size every ``every`` calls and takes the reference counts; the
  last ``traced`` calls run under tracemalloc; returns the figures.
"""

from __future__ import annotations

import array
import dataclasses
import datetime as dt
import decimal
import gc
import importlib
import os
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Final

from covet_rust_core.bench.jwt_workloads import key_material

__all__ = [
    "FAILING_SHARE",
    "Call",
    "Sample",
    "SoakResult",
    "load_module",
    "mix",
    "rss_bytes",
    "soak",
]

# One call in this many is a failing one.
FAILING_SHARE: Final = 10
_PAGE: Final = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int:
    """The resident set size now (Linux: /proc/self/statm; elsewhere the peak, from
    resource, which is the best the platform offers)."""
    try:
        with open("/proc/self/statm", "rb") as statm:  # noqa: PTH123 - a hot path
            return int(statm.read().split()[1]) * _PAGE
    except OSError:  # pragma: no cover - not Linux
        import resource

        scale = 1 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def load_module(backend: str) -> ModuleType:
    """The implementation of ``backend``: "native" (the extension) or "fallback" (the twin)."""
    name = {"native": "covet_rust_core._native", "fallback": "covet_rust_core.fallback"}[backend]
    return importlib.import_module(name)


@dataclass(frozen=True)
class Call:
    """One call of the mix: ``function(*args, **kwargs)``, which raises exactly ``error``
    when it is given (a failing input), and returns otherwise."""

    name: str
    function: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    error: type[BaseException] | None = None


@dataclasses.dataclass
class Order:
    """A dataclass in a dumps payload."""

    id: int
    placed: dt.datetime
    total: decimal.Decimal
    lines: list[str]


class Opaque:
    """Serialized through ``default``."""

    def __init__(self, value: int) -> None:
        self.value = value


def opaque_default(obj: Any) -> Any:
    if isinstance(obj, Opaque):
        return {"opaque": obj.value}
    raise TypeError(type(obj).__name__)


def api_document() -> dict[str, Any]:
    """An API response of ~2 KB: nested objects, arrays, numbers, text with escapes and
    non-ASCII."""
    return {
        "data": [
            {
                "id": index,
                "type": "article",
                "attributes": {
                    "title": f'Titre n°{index}: "quoted" & <b>bold</b> — été',
                    "score": index * 1.25,
                    "tags": ["news", "météo", "\u2028line"],
                    "published": index % 2 == 0,
                    "editor": None,
                },
            }
            for index in range(8)
        ],
        "meta": {"total": 8, "next": "https://api.example.com/articles?page=2", "big": 2**80},
    }


def nested_camel(depth: int) -> Any:
    value: Any = {"leafValue": [1, {"innerKey": "x"}]}
    for level in range(depth):
        value = {f"levelNumber{level}": value, "siblingList": [{"someKey": level}]}
    return value


def mix(module: ModuleType, workdir: Path) -> tuple[list[Call], list[Call]]:  # noqa: PLR0915
    """(the succeeding calls, the failing calls) of the soak, on ``module``; small files
    are written to ``workdir``."""
    m = module
    now = int(time.time())
    far = now + 10 * 365 * 86400
    document = api_document()
    doc_bytes = m.json.dumps(document)
    doc_text = doc_bytes.decode()
    order = Order(
        7,
        dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        decimal.Decimal("19.90"),
        ["a", "b"],
    )
    rich = {
        "order": order,
        "uuid": uuid.UUID(int=12345),
        "when": dt.date(2026, 1, 2),
        "opaque": Opaque(3),
        "nan": float("nan"),
        7: "int key",
    }

    secret = key_material("HS256").signing
    rsa, ec, ed = key_material("RS256"), key_material("ES256"), key_material("EdDSA")
    claims = {
        "sub": "user-4821",
        "iat": now,
        "exp": far,
        "aud": "api",
        "iss": "auth",
        "roles": ["editor", "viewer"],
    }
    hs_token = m.jwt.encode(claims, secret)
    rs_token = m.jwt.encode(claims, rsa.signing, algorithm="RS256")
    es_key = m.jwt.Key.from_pem(ec.signing)
    es_public = m.jwt.Key.from_pem(ec.verifying)
    ed_key = m.jwt.Key.from_pem(ed.signing)
    es_token = m.jwt.encode(claims, es_key, algorithm="ES256", headers={"kid": "ec-1"})
    ed_token = m.jwt.encode(claims, ed_key, algorithm="EdDSA")
    jwks = {
        "keys": [
            # b"secret-secret-secret-secret", base64url
            {"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0", "kid": "hs"},
            {**ed25519_public_jwk(ed.verifying), "kid": "ed-1"},
        ]
    }
    keyset = m.jwt.KeySet.from_jwks(jwks)
    expired = m.jwt.encode({"exp": now - 3600}, secret)
    tampered = hs_token[:-4] + ("AAAA" if not hs_token.endswith("AAAA") else "BBBB")
    decode_options = {"algorithms": ["HS256"], "audience": "api", "issuer": "auth"}

    small = workdir / "soak-small.bin"
    small.write_bytes(bytes(range(256)) * 16)
    empty = workdir / "soak-empty.bin"
    empty.write_bytes(b"")
    missing = workdir / "soak-missing.bin"
    data64, data4k, data300k = b"k" * 64, os.urandom(4096), os.urandom(300 * 1024)
    blake3_key = bytes(range(32))

    html = "<p class='x'>Fish & \"Chips\"</p>" * 4
    title = "Héllo, Wörld & Co! Straße 北京 ½"
    query = "a=1&b=%C3%A9t%C3%A9&c=x+y&d=&e=%zz"
    patterns = {"cat": "dog", "category": "class", "&": "&amp;", "été": "summer"}
    replacer = m.strings.Replacer(patterns)
    camel = nested_camel(5)

    def blake3_object() -> bytes:
        hasher = m.hashing.blake3(data64, key=blake3_key)
        hasher.update(data4k)
        copy = hasher.copy()
        copy.reset()
        digest: bytes = hasher.digest(48, seek=7)
        hexdigest: str = copy.hexdigest()
        return digest + hexdigest.encode()

    def xxh3_object() -> int:
        hasher = m.hashing.xxh3_128_hasher(data64, seed=7)
        hasher.update(data4k)
        twin = hasher.copy()
        twin.reset()
        return int(hasher.intdigest()) ^ len(twin.hexdigest()) ^ len(hasher.digest())

    ok = [
        # JSON
        Call("loads bytes", m.json.loads, (doc_bytes,)),
        Call("loads str", m.json.loads, (doc_text,)),
        Call("loads bytearray", m.json.loads, (bytearray(doc_bytes),)),
        Call("loads null", m.json.loads, ("null",)),
        Call("loads small", m.json.loads, ('[0, 1, -1, true, false, "", "a", {}]',)),
        Call("dumps", m.json.dumps, (document,)),
        Call(
            "dumps_str sorted indent",
            m.json.dumps_str,
            (document,),
            {"sort_keys": True, "indent": 2, "append_newline": True},
        ),
        Call(
            "dumps default",
            m.json.dumps,
            (rich,),
            {"default": opaque_default, "nan": "null", "non_str_keys": True},
        ),
        # JWT
        Call("jwt_encode HS256", m.jwt.encode, (claims, secret)),
        Call("jwt_decode HS256", m.jwt.decode, (hs_token, secret), decode_options),
        Call(
            "jwt_decode_complete HS256", m.jwt.decode_complete, (hs_token, secret), decode_options
        ),
        Call("jwt_get_unverified_header", m.jwt.get_unverified_header, (es_token,)),
        Call("jwt_encode RS256 PEM", m.jwt.encode, (claims, rsa.signing), {"algorithm": "RS256"}),
        Call(
            "jwt_decode RS256 PEM",
            m.jwt.decode,
            (rs_token, rsa.verifying),
            {"algorithms": ["RS256"], "audience": "api"},
        ),
        Call("jwt_encode ES256 Key", m.jwt.encode, (claims, es_key), {"algorithm": "ES256"}),
        Call(
            "jwt_decode ES256 Key",
            m.jwt.decode,
            (es_token, es_public),
            {"algorithms": ["ES256"], "audience": "api"},
        ),
        Call("jwt_encode EdDSA Key", m.jwt.encode, (claims, ed_key), {"algorithm": "EdDSA"}),
        Call(
            "jwt_decode EdDSA PEM",
            m.jwt.decode,
            (ed_token, ed.verifying),
            {"algorithms": ["EdDSA"], "audience": "api"},
        ),
        Call(
            "jwt_decode HS256 KeySet",
            m.jwt.decode,
            (m.jwt.encode(claims, b"secret-secret-secret-secret", headers={"kid": "hs"}), keyset),
            decode_options,
        ),
        Call("Key.from_pem EC", m.jwt.Key.from_pem, (ec.verifying,)),
        Call("Key.from_jwk", m.jwt.Key.from_jwk, (jwks["keys"][1],)),
        Call("Key.from_secret", m.jwt.Key.from_secret, (secret,)),
        Call("KeySet.from_jwks", m.jwt.KeySet.from_jwks, (jwks,)),
        Call("KeySet.get", keyset.get, ("ed-1",)),
        # Hashing
        Call("blake3_digest 64 B", m.hashing.blake3_digest, (data64,)),
        Call(
            "blake3_hexdigest 4 KiB keyed",
            m.hashing.blake3_hexdigest,
            (data4k,),
            {"key": blake3_key},
        ),
        Call(
            "blake3_digest derive",
            m.hashing.blake3_digest,
            (data64,),
            {"derive_key_context": "soak 2026", "length": 64},
        ),
        Call("blake3 object", blake3_object),
        Call("blake3_file", m.hashing.blake3_file, (small,)),
        Call("blake3_file empty", m.hashing.blake3_file, (str(empty),)),
        Call("xxh3_64", m.hashing.xxh3_64, (data64,)),
        Call("xxh3_64 300 KiB", m.hashing.xxh3_64, (data300k,), {"seed": 2**64 + 5}),
        Call("xxh3_128", m.hashing.xxh3_128, (data4k,)),
        Call("xxh3_64_digest", m.hashing.xxh3_64_digest, (data64,)),
        Call("xxh3_128_hexdigest", m.hashing.xxh3_128_hexdigest, (bytearray(data64),), {"seed": 9}),
        Call("xxh3_64_hasher", lambda: m.hashing.xxh3_64_hasher(data64).intdigest()),
        Call("xxh3_128_hasher object", xxh3_object),
        # Strings
        Call("escape_html", m.strings.escape_html, (html,)),
        Call("escape_html nothing", m.strings.escape_html, ("plain text",)),
        Call("transliterate", m.strings.transliterate, (title,)),
        Call("slugify", m.strings.slugify, (title,)),
        Call(
            "slugify options",
            m.strings.slugify,
            (title,),
            {
                "max_length": 12,
                "word_boundary": True,
                "separator": "_",
                "stopwords": ["co"],
                "replacements": [("&", "and")],
            },
        ),
        Call("to_snake", m.strings.to_snake, ("someHTTPRequestId",)),
        Call("to_camel", m.strings.to_camel, ("some_http_request_id",)),
        Call("to_pascal", m.strings.to_pascal, ("some-kebab-case",)),
        Call("to_kebab", m.strings.to_kebab, ("SomePascalCase",)),
        Call("to_snake_keys", m.strings.to_snake_keys, (camel,)),
        Call(
            "to_camel_keys",
            m.strings.to_camel_keys,
            ({"user_id": 1, "home_address": {"zip_code": 2}},),
        ),
        Call("to_pascal_keys", m.strings.to_pascal_keys, ([{"a_b": 1}],)),
        Call("to_kebab_keys", m.strings.to_kebab_keys, ({"someKey": [1, 2]},)),
        Call("quote", m.strings.quote, ("/path with spaces/été?x=1",)),
        Call("quote_plus", m.strings.quote_plus, (b"a b&c",)),
        Call("unquote", m.strings.unquote, ("%C3%A9t%C3%A9%zz",)),
        Call("unquote_plus", m.strings.unquote_plus, ("a+b%20c",)),
        Call("urlencode", m.strings.urlencode, ({"q": "été", "n": [1, 2]},), {"doseq": True}),
        Call("parse_qsl", m.strings.parse_qsl, (query,), {"keep_blank_values": True}),
        Call("parse_qs", m.strings.parse_qs, (query,)),
        Call("multi_replace", m.strings.multi_replace, ("the cat's category & été", patterns)),
        Call("Replacer", m.strings.Replacer, (patterns,)),
        Call("Replacer.replace", replacer.replace, ("the cat's category & été" * 4,)),
        Call("Replacer len", len, (replacer,)),
        Call("secure_filename", m.strings.secure_filename, ("../../etc/pâsswd file.txt",)),
    ]
    deep: dict[str, Any] = {}
    for _ in range(1001):
        deep = {"someKey": deep}
    failing = [
        Call("loads invalid", m.json.loads, ("[1, 2,",), error=covet_json_decode_error()),
        Call("loads type", m.json.loads, (5,), error=TypeError),
        Call(
            "dumps unserializable",
            m.json.dumps,
            ({"a": [object()]},),
            error=covet_json_encode_error(),
        ),
        Call("dumps nan", m.json.dumps, (float("nan"),), error=covet_json_encode_error()),
        Call(
            "jwt_decode expired",
            m.jwt.decode,
            (expired, secret),
            {"algorithms": ["HS256"]},
            error=jwt_error("ExpiredSignatureError"),
        ),
        Call(
            "jwt_decode tampered",
            m.jwt.decode,
            (tampered, secret),
            {"algorithms": ["HS256"]},
            error=jwt_error("InvalidSignatureError"),
        ),
        Call(
            "jwt_decode garbage",
            m.jwt.decode,
            ("not.a-token", secret),
            {"algorithms": ["HS256"]},
            error=jwt_error("DecodeError"),
        ),
        Call("jwt_encode empty key", m.jwt.encode, ({}, ""), error=jwt_error("InvalidKeyError")),
        Call(
            "Key.from_pem garbage",
            m.jwt.Key.from_pem,
            ("-----BEGIN PUBLIC KEY-----\nAA",),
            error=jwt_error("InvalidKeyError"),
        ),
        Call("blake3_digest str", m.hashing.blake3_digest, ("text",), error=TypeError),
        Call("blake3 short key", m.hashing.blake3, (), {"key": b"short"}, error=ValueError),
        Call("blake3_file missing", m.hashing.blake3_file, (missing,), error=FileNotFoundError),
        Call("xxh3_64 strided", m.hashing.xxh3_64, (memoryview(data64)[::2],), error=BufferError),
        Call("slugify bytes", m.strings.slugify, (b"bytes",), error=TypeError),
        Call(
            "multi_replace empty pattern",
            m.strings.multi_replace,
            ("x", {"": "y"}),
            error=ValueError,
        ),
        Call("Replacer not str", m.strings.Replacer, ({1: 2},), error=TypeError),
        Call(
            "parse_qsl strict",
            m.strings.parse_qsl,
            ("a&b",),
            {"strict_parsing": True},
            error=ValueError,
        ),
        Call("to_snake not str", m.strings.to_snake, (5,), error=TypeError),
        Call("quote surrogate", m.strings.quote, ("\ud800",), error=UnicodeEncodeError),
        Call("to_snake_keys too deep", m.strings.to_snake_keys, (deep,), error=RecursionError),
    ]
    return ok, failing


def ed25519_public_jwk(pem: str) -> dict[str, str]:
    """The public JWK of an Ed25519 public key in PEM (RFC 8037)."""
    import base64

    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_public_key(pem.encode())
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return {"kty": "OKP", "crv": "Ed25519", "x": x}


def covet_json_decode_error() -> type[BaseException]:
    from covet_rust_core import JSONDecodeError

    return JSONDecodeError


def covet_json_encode_error() -> type[BaseException]:
    from covet_rust_core import JSONEncodeError

    return JSONEncodeError


def jwt_error(name: str) -> type[BaseException]:
    error: type[BaseException] = getattr(importlib.import_module("covet_rust_core.jwt"), name)
    return error


def watched_objects(ok: list[Call], failing: list[Call]) -> dict[str, Any]:
    """What the calls must not leak a reference to: every argument, and the singletons and
    interned strings results are made of."""
    watched: dict[str, Any] = {
        "None": None,
        "True": True,
        "False": False,
        "0": 0,
        "1": 1,
        "-1": -1,
        "7": 7,
        "''": "",
        "()": (),
        "b''": b"",
        "'sub'": sys.intern("sub"),
        "'exp'": sys.intern("exp"),
        "'alg'": sys.intern("alg"),
        "'typ'": sys.intern("typ"),
        "'HS256'": sys.intern("HS256"),
        "'JWT'": sys.intern("JWT"),
        "'a'": sys.intern("a"),
    }
    for call in [*ok, *failing]:
        for index, arg in enumerate([*call.args, *call.kwargs.values()]):
            label = f"{call.name} arg {index}"
            # A str, bytes or number may be shared with the rest of the interpreter (a small
            # int, a str the compiler interned because it looks like a name, "" or b""): its
            # count is not the mix's alone. Containers and other objects are.
            if isinstance(arg, (str, bytes, int, float)):
                label += SHARED_ARGUMENT
            watched[label] = arg
    return watched


def refcounts(watched: dict[str, Any]) -> array.array[int]:
    """The reference count of every watched object, in order. Kept in an array of C ints:
    a dict of Python ints would itself hold references to the small ints it is measuring
    (an object whose count is 5 would add one to the count of 5)."""
    gc.collect()
    # getrefcount's own argument adds 1 to every count alike.
    return array.array("q", [sys.getrefcount(value) for value in watched.values()])


def shared(label: str) -> bool:
    """Whether the watched object may be shared with the rest of the interpreter (a
    singleton, an argument that is a str, bytes or number): its count may drift by a bounded
    amount while the interpreter warms up (3.11's adaptive specialization, free lists,
    caches), where a call's own containers and objects must come back to exactly the count
    they had."""
    return " arg " not in label or label.endswith(SHARED_ARGUMENT)


# Arguments that may be shared objects (a str, bytes or number): their labels end with this
# marker (see watched_objects).
SHARED_ARGUMENT: Final = " (shared)"


@dataclass(frozen=True)
class Sample:
    calls: int
    seconds: float
    rss: int


@dataclass
class SoakResult:
    backend: str
    calls: int
    warmup: int
    # The last calls, run under tracemalloc (not part of the RSS and reference count window).
    traced: int = 0
    seconds: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    # Calls that broke their promise: the wrong exception, none where one was promised, or
    # one where none was.
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    failing_calls: int = 0
    # tracemalloc over the last ``traced`` calls: traced bytes at their start, at the end,
    # the peak, and the source lines whose live allocations grew most.
    traced_start: int = 0
    traced_end: int = 0
    traced_peak: int = 0
    traced_top: list[str] = field(default_factory=list)
    # Reference counts: every change from the end of the warm-up to the end (label ->
    # (before, after)); the shared objects' changes over the second half of that (label ->
    # (at the middle, at the end)), and their tolerance (see refcount_problems).
    refcount_changes: dict[str, tuple[int, int]] = field(default_factory=dict)
    second_half_changes: dict[str, tuple[int, int]] = field(default_factory=dict)
    refcounts_checked: int = 0
    shared_tolerance: int = 0

    @property
    def rss_after_warmup(self) -> int:
        return next(sample.rss for sample in self.samples if sample.calls >= self.warmup)

    @property
    def rss_end(self) -> int:
        """The RSS at the end of the measured window (before the traced calls)."""
        return self.samples[-1].rss

    @property
    def rss_growth(self) -> int:
        return self.rss_end - self.rss_after_warmup

    @property
    def rss_max_growth(self) -> int:
        after = [sample.rss for sample in self.samples if sample.calls >= self.warmup]
        return max(after) - self.rss_after_warmup

    @property
    def refcount_problems(self) -> dict[str, tuple[int, int]]:
        """The changes that show a leak. A call's own argument: any change after the warm-up.
        A shared object (None, a small int, an interned str), whose count drifts while the
        interpreter warms up (3.11's adaptive specialization, caches filling) and settles: a
        change over the second half of the run by ``shared_tolerance`` or more, half the
        number of times the least frequent call ran in that half (a reference leaked, or
        dropped, on every run of any one call moves a count by twice that, and a leak keeps
        moving it in the second half as in the first)."""
        problems = {
            label: counts for label, counts in self.refcount_changes.items() if not shared(label)
        }
        problems.update(
            (label, (middle, end))
            for label, (middle, end) in self.second_half_changes.items()
            if abs(end - middle) >= self.shared_tolerance
        )
        return problems


class Tracer:
    """tracemalloc from the end of the warm-up to the end. The start snapshot waits on disk:
    in memory its traces would hold small ints (domains, sizes, line numbers) by the
    thousand, and move the very reference counts the soak watches."""

    def __init__(self, workdir: Path) -> None:
        self.path = workdir / "soak-start.tracemalloc"

    def start(self, result: SoakResult) -> None:
        gc.collect()
        tracemalloc.start()
        tracemalloc.take_snapshot().dump(str(self.path))
        result.traced_start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()

    def finish(self, result: SoakResult) -> None:
        result.traced_peak = tracemalloc.get_traced_memory()[1]
        # Live memory is what a collection leaves: cyclic garbage (an exception and its
        # traceback, say) waits for the collector's oldest generation otherwise.
        gc.collect()
        result.traced_end = tracemalloc.get_traced_memory()[0]
        end = tracemalloc.take_snapshot()
        tracemalloc.stop()
        growth = end.compare_to(tracemalloc.Snapshot.load(str(self.path)), "lineno")
        result.traced_top = [str(stat) for stat in growth[:8] if stat.size_diff > 0]


def soak(
    module: ModuleType,
    backend: str,
    workdir: Path,
    *,
    calls: int,
    warmup: int,
    every: int,
    traced: int = 0,
    on_sample: Callable[[Sample], None] | None = None,
) -> SoakResult:
    """``calls`` calls of the mix on ``module``, every FAILING_SHAREth one failing. The first
    ``warmup`` warm up; up to the last ``traced`` the RSS is sampled every ``every`` calls and
    the reference counts are taken (at the end of the warm-up, at the middle, at the end);
    the last ``traced`` calls run under tracemalloc, apart: its own tables would grow the RSS,
    and on the twin it makes every call many times slower."""
    ok, failing = mix(module, workdir)
    result = SoakResult(backend, calls, warmup, traced=traced)
    watched = watched_objects(ok, failing)
    counts: dict[str, array.array[int]] = {}
    measured_end = calls - traced
    middle = warmup + (measured_end - warmup) // 2
    tracer = Tracer(workdir)
    start = time.perf_counter()
    ok_index = fail_index = 0
    for done in range(calls + 1):
        if done in (warmup, middle, measured_end):
            counts[str(done)] = refcounts(watched)
        if done == measured_end and traced:
            tracer.start(result)
        if (done % every == 0 or done in (warmup, measured_end)) and done <= measured_end:
            sample = Sample(done, time.perf_counter() - start, rss_bytes())
            result.samples.append(sample)
            if on_sample is not None:
                on_sample(sample)
        if done == calls:
            break
        if done % FAILING_SHARE == FAILING_SHARE - 1:
            call = failing[fail_index % len(failing)]
            fail_index += 1
        else:
            call = ok[ok_index % len(ok)]
            ok_index += 1
        problem = run_one(call)
        if problem is not None:
            result.error_count += 1
            if len(result.errors) < 20:
                result.errors.append(problem)
    result.seconds = time.perf_counter() - start
    result.failing_calls = fail_index
    if traced:
        tracer.finish(result)
    compare_refcounts(
        result, watched, counts[str(warmup)], counts[str(middle)], counts[str(measured_end)]
    )
    second_half = measured_end - middle
    least_frequent = min(
        second_half * (FAILING_SHARE - 1) // FAILING_SHARE // len(ok),
        second_half // FAILING_SHARE // len(failing),
    )
    result.shared_tolerance = max(1, least_frequent // 2)
    return result


def compare_refcounts(
    result: SoakResult,
    watched: dict[str, Any],
    before: array.array[int],
    halfway: array.array[int],
    after: array.array[int],
) -> None:
    result.refcounts_checked = len(after)
    result.refcount_changes = {
        label: (before[index], after[index])
        for index, label in enumerate(watched)
        if before[index] != after[index]
    }
    result.second_half_changes = {
        label: (halfway[index], after[index])
        for index, label in enumerate(watched)
        if shared(label) and halfway[index] != after[index]
    }


def run_one(call: Call) -> str | None:
    """None when ``call`` kept its promise, else what went wrong."""
    try:
        call.function(*call.args, **call.kwargs)
    except BaseException as error:
        if call.error is not None and type(error) is call.error:
            return None
        expected = call.error.__name__ if call.error else "no exception"
        return f"{call.name}: {type(error).__name__}: {error} ({expected} expected)"
    if call.error is not None:
        return f"{call.name}: returned, {call.error.__name__} expected"
    return None
