"""Every documented limit, on both backends, at limit - 1, limit and limit + 1 (the last with
its exception class and message), and ``dumps`` with a ``default`` that changes the
containers being written (it must end, with the same output on both backends).

The limits (docs/JSON.md, docs/JWT.md, docs/STRINGS.md):

* JSON nesting, ``loads`` and ``dumps``/``dumps_str``: 1024 containers (the root at 1);
* ``default`` chained: 32 calls in a row;
* ``dumps(indent=)``: a 64-bit signed int;
* CPython's digits limit on ints (``sys.get_int_max_str_digits()``), ``loads`` and ``dumps``;
* the ``*_keys`` case conversions: 1000 levels;
* JWT ``decode``: ``max_token_bytes`` (default ``DEFAULT_MAX_TOKEN_BYTES``, 262144), also for
  ``get_unverified_header``; the JSON nesting limit in the header and payload; RSA keys of
  2048 to 8192 bits;
* ``parse_qsl(max_num_fields=)``;
* BLAKE3 output lengths: what CPython's ``bytes`` can hold.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import itertools
import random
import re
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import humps
import pytest
from covet_rust_core._jwt_errors import DecodeError, InvalidKeyError, InvalidSignatureError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

from tests.support import implementations
from tests.support.nesting import nested_dicts, nested_lists

JSON_DEPTH = 1024
DEFAULT_CHAIN = 32
KEYS_DEPTH = 1000
TOKEN_BYTES = 262_144
SECRET = b"a-secret-of-32-bytes-for-limits!"
CASES = ("to_snake_keys", "to_camel_keys", "to_pascal_keys", "to_kebab_keys")


def raises(call: Callable[[], object], kind: type[BaseException], message: str) -> None:
    with pytest.raises(kind) as caught:
        call()
    assert str(caught.value) == message


# --------------------------------------------------------------------- JSON nesting


@pytest.mark.parametrize("opening", ["[", '{"k":'], ids=["arrays", "objects"])
@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
def test_loads_depth(impl: ModuleType, opening: str, as_bytes: bool) -> None:
    empty, closing = ("[]", "]") if opening == "[" else ("{}", "}")

    def document(depth: int) -> str:
        return opening * (depth - 1) + empty + closing * (depth - 1)

    for depth in (JSON_DEPTH - 1, JSON_DEPTH):
        text = document(depth)
        value = impl.json.loads(text.encode() if as_bytes else text)
        # Compared as text: == on values this deep recurses in CPython itself.
        assert impl.json.dumps_str(value) == text
    text = document(JSON_DEPTH + 1)
    with pytest.raises(impl.json.JSONDecodeError) as caught:
        impl.json.loads(text.encode() if as_bytes else text)
    assert caught.value.msg == f"Nesting too deep (limit {JSON_DEPTH})"
    # The opening bracket of the container at depth 1025.
    assert caught.value.pos == JSON_DEPTH * len(opening)


@pytest.mark.parametrize("make", [nested_lists, nested_dicts], ids=["lists", "dicts"])
@pytest.mark.parametrize("function", ["dumps", "dumps_str"])
def test_dumps_depth(impl: ModuleType, make: Callable[[int], Any], function: str) -> None:
    dumps = getattr(impl.json, function)
    for depth in (JSON_DEPTH - 1, JSON_DEPTH):
        text = dumps(make(depth))
        assert len(text) > 2 * depth - 2
    step = "[0]" if make is nested_lists else '["k"]'
    message = f"Nesting too deep (limit {JSON_DEPTH}) at $" + step * JSON_DEPTH
    raises(lambda: dumps(make(JSON_DEPTH + 1)), impl.json.JSONEncodeError, message)


def test_dumps_depth_counts_default_results(impl: ModuleType) -> None:
    """A container returned by default takes the place of the value it replaces."""

    class Deep:
        pass

    for depth, fails in ((JSON_DEPTH, False), (JSON_DEPTH + 1, True)):
        document = nested_lists(depth - 1)
        innermost = document
        while innermost:
            innermost = innermost[0]
        innermost.append(Deep())  # replaced by [] at `depth`
        call = functools.partial(impl.json.dumps, document, default=lambda _: [])
        if fails:
            with pytest.raises(impl.json.JSONEncodeError, match="Nesting too deep"):
                call()
        else:
            assert bytes(call()).endswith(b"[]" + b"]" * (depth - 1))


# ------------------------------------------------------------------- default chain


class Box:
    """Needs ``default`` ``left`` more times before it gives a str."""

    def __init__(self, left: int) -> None:
        self.left = left


def unbox(box: Box) -> object:
    return Box(box.left - 1) if box.left > 1 else "done"


def test_default_chain(impl: ModuleType) -> None:
    for calls in (DEFAULT_CHAIN - 1, DEFAULT_CHAIN):
        assert impl.json.dumps([Box(calls)], default=unbox) == b'["done"]'
    message = (
        f"default() was called {DEFAULT_CHAIN} times in a row without returning a "
        "serializable value, at $[0]"
    )
    raises(
        lambda: impl.json.dumps([Box(DEFAULT_CHAIN + 1)], default=unbox),
        impl.json.JSONEncodeError,
        message,
    )


# ---------------------------------------------------------------- indent, int digits


def test_indent_is_a_64_bit_int(impl: ModuleType) -> None:
    largest = (1 << 63) - 1
    assert impl.json.dumps([], indent=largest - 1) == b"[]"
    assert impl.json.dumps([], indent=largest) == b"[]"
    raises(lambda: impl.json.dumps([], indent=largest + 1), ValueError, "indent is too large")
    # Accepted, but one level of it cannot be allocated.
    with pytest.raises(MemoryError):
        impl.json.dumps([1], indent=largest)


@pytest.mark.skipif(not hasattr(sys, "get_int_max_str_digits"), reason="no int digit limit")
def test_int_digits(impl: ModuleType) -> None:
    limit = sys.get_int_max_str_digits()
    for digits in (limit - 1, limit):
        text = "7" * digits
        assert impl.json.loads(text) == int(text)
        assert impl.json.dumps(int(text)) == text.encode()
    text = "7" * (limit + 1)
    with pytest.raises(ValueError, match="Exceeds the limit") as from_loads:
        impl.json.loads(text)
    assert not isinstance(from_loads.value, impl.json.JSONDecodeError)
    value = 10**limit  # limit + 1 digits
    with pytest.raises(ValueError, match="Exceeds the limit"):
        impl.json.dumps(value)


# ------------------------------------------------------------------ case conversion


def keys_nesting(depth: int) -> Any:
    """Dicts and lists alternating, ``depth`` containers."""
    value: Any = {"innerKey": 1}
    for level in range(depth - 1):
        value = [value] if level % 2 else {"someKey": value}
    return value


@pytest.mark.parametrize("function", CASES)
def test_keys_depth(impl: ModuleType, function: str) -> None:
    convert = getattr(impl.strings, function)
    for depth in (KEYS_DEPTH - 1, KEYS_DEPTH):
        convert(keys_nesting(depth))
    message = f"{function}(): nesting deeper than {KEYS_DEPTH} levels"
    raises(lambda: convert(keys_nesting(KEYS_DEPTH + 1)), RecursionError, message)


# ------------------------------------------------------------------------------- JWT


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64_length(size: int) -> int:
    return (4 * size + 2) // 3


def hs256(header: bytes, payload: bytes) -> str:
    signing_input = b64url(header) + "." + b64url(payload)
    signature = hmac.new(SECRET, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(signature)


def token_of_length(length: int) -> str:
    """A valid HS256 token of exactly ``length`` bytes (a ``kid`` evens out the lengths
    base64url cannot take)."""
    for kid in range(4):
        header = b'{"alg":"HS256","kid":"' + b"k" * kid + b'","typ":"JWT"}'
        fixed = b64_length(len(header)) + 2 + b64_length(32)
        base = len(b'{"sub":""}')
        for padding in range(max(0, (length - fixed) * 3 // 4 - base - 2), length):
            size = b64_length(base + padding) + fixed
            if size == length:
                token = hs256(header, b'{"sub":"' + b"x" * padding + b'"}')
                assert len(token) == length
                return token
            if size > length:
                break
    raise AssertionError(length)


def too_long(size: int, limit: int) -> str:
    return f"Token is {size} bytes, more than max_token_bytes ({limit})"


def test_token_size_default(impl: ModuleType) -> None:
    assert impl.jwt.DEFAULT_MAX_TOKEN_BYTES == TOKEN_BYTES
    for size in (TOKEN_BYTES - 1, TOKEN_BYTES):
        token = token_of_length(size)
        claims = impl.jwt.decode(token, SECRET, algorithms=["HS256"])
        assert len(claims["sub"]) > 190_000
        assert impl.jwt.get_unverified_header(token.encode())["alg"] == "HS256"
    token = token_of_length(TOKEN_BYTES + 1)
    message = too_long(TOKEN_BYTES + 1, TOKEN_BYTES)
    for form in (token, token.encode()):
        decode = functools.partial(impl.jwt.decode, form, SECRET, algorithms=["HS256"])
        raises(decode, DecodeError, message)
        header = functools.partial(impl.jwt.get_unverified_header, form)
        raises(header, DecodeError, message)
    # Checked first: even the key and algorithms are not looked at (the signature is off).
    raises(
        lambda: impl.jwt.decode(token, options={"verify_signature": False}),
        DecodeError,
        message,
    )


def test_token_size_counts_utf8_bytes(impl: ModuleType) -> None:
    # 2 bytes each: at the limit the size check passes and the token is then malformed.
    raises(
        lambda: impl.jwt.get_unverified_header("é" * (TOKEN_BYTES // 2)),
        DecodeError,
        "Not enough segments",
    )
    raises(
        lambda: impl.jwt.get_unverified_header("é" * (TOKEN_BYTES // 2 + 1)),
        DecodeError,
        too_long(TOKEN_BYTES + 2, TOKEN_BYTES),
    )


def test_token_size_custom(impl: ModuleType) -> None:
    token = impl.jwt.encode({"sub": "42"}, SECRET, "HS256")
    size = len(token)

    def decode(limit: int) -> Any:
        return impl.jwt.decode(token, SECRET, algorithms=["HS256"], max_token_bytes=limit)

    assert decode(size + 1) == {"sub": "42"}
    assert decode(size) == {"sub": "42"}
    raises(lambda: decode(size - 1), DecodeError, too_long(size, size - 1))
    # Larger than the default, and beyond 64 bits: no limit at all.
    assert decode(TOKEN_BYTES * 4) == {"sub": "42"}
    assert decode(1 << 70) == {"sub": "42"}
    raises(lambda: decode(0), ValueError, "max_token_bytes must be positive, not 0")
    raises(lambda: decode(-(1 << 70)), ValueError, "max_token_bytes must be positive")
    with pytest.raises(TypeError):
        decode(True)


@pytest.mark.parametrize("part", ["header", "payload"])
def test_token_json_depth(impl: ModuleType, part: str) -> None:
    def token(depth: int) -> str:
        # The object is depth 1, "[]" the last level.
        nested = b"[" * (depth - 1) + b"]" * (depth - 1)
        if part == "header":
            return hs256(b'{"alg":"HS256","x":' + nested + b"}", b"{}")
        return hs256(b'{"alg":"HS256"}', b'{"x":' + nested + b"}")

    for depth in (JSON_DEPTH - 1, JSON_DEPTH):
        impl.jwt.decode(token(depth), SECRET, algorithms=["HS256"])
    position = len(b'{"alg":"HS256","x":' if part == "header" else b'{"x":') + JSON_DEPTH - 1
    message = (
        f"Invalid {part} string: Nesting too deep (limit {JSON_DEPTH}): "
        f"line 1 column {position + 1} (char {position})"
    )
    raises(
        lambda: impl.jwt.decode(token(JSON_DEPTH + 1), SECRET, algorithms=["HS256"]),
        DecodeError,
        message,
    )


def rsa_public_pem(bits: int) -> str:
    """A public key with a ``bits``-bit modulus: any odd number will do for the size check
    (no primes to find: fast at 8193 bits)."""
    modulus = (1 << (bits - 1)) | random.Random(bits).getrandbits(bits - 1) | 1
    key = RSAPublicNumbers(65537, modulus).public_key()
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode()


@pytest.mark.parametrize(("low", "high"), [(2047, 2049), (8191, 8193)])
def test_rsa_key_bits(impl: ModuleType, low: int, high: int) -> None:
    token = hs256(b'{"alg":"RS256"}', b"{}")
    for bits in range(low, high + 1):
        pem = rsa_public_pem(bits)
        supported = 2048 <= bits <= 8192
        decode = functools.partial(impl.jwt.decode, token, pem, algorithms=["RS256"])
        if supported:
            impl.jwt.Key.from_pem(pem)
            # The key is taken; the (HMAC) signature is not an RS256 one.
            raises(decode, InvalidSignatureError, "Signature verification failed")
        else:
            message = f"RSA key of {bits} bits: 2048 to 8192 bits are supported"
            raises(decode, InvalidKeyError, message)
            raises(functools.partial(impl.jwt.Key.from_pem, pem), InvalidKeyError, message)


# ------------------------------------------------------------------- strings, hashing


def test_parse_qsl_max_num_fields(impl: ModuleType) -> None:
    query = "a=1&b=2&c=3"
    for limit in (3, 4):
        assert impl.strings.parse_qsl(query, max_num_fields=limit) == [
            ("a", "1"),
            ("b", "2"),
            ("c", "3"),
        ]
        assert len(impl.strings.parse_qs(query, max_num_fields=limit)) == 3
    for function in (impl.strings.parse_qsl, impl.strings.parse_qs):
        too_many = functools.partial(function, query, max_num_fields=2)
        raises(too_many, ValueError, "Max number of fields exceeded")


# The longest bytes CPython can make: PY_SSIZE_T_MAX less the header and the trailing NUL.
BYTES_LIMIT = sys.maxsize - (33 if sys.maxsize > 2**32 else 17)


@pytest.mark.parametrize("function", ["blake3_digest", "blake3_hexdigest", "hasher"])
def test_blake3_output_length(impl: ModuleType, function: str) -> None:
    def digest(length: int) -> bytes | str:
        result: bytes | str
        if function == "hasher":
            result = impl.hashing.blake3(b"abc").digest(length)
        else:
            result = getattr(impl.hashing, function)(b"abc", length=length)
        return result

    assert len(digest(1 << 16)) in (1 << 16, 1 << 17)
    # At the limit the length is valid but cannot be allocated; past it, CPython's error.
    for length in (BYTES_LIMIT - 1, BYTES_LIMIT):
        with pytest.raises(MemoryError):
            digest(length)
    raises(lambda: digest(BYTES_LIMIT + 1), OverflowError, "byte string is too large")


# ------------------------------------------------ default that changes the containers


class Opaque:
    """Needs ``default``."""


class Scenario:
    """A document and a ``default`` that changes it while it is written; ``calls`` counts
    the calls (and stops a runaway ``default`` with RuntimeError)."""

    def __init__(self, document: Any, change: Callable[[Any], None]) -> None:
        self.document = document
        self.change = change
        self.calls = 0

    def default(self, value: object) -> str:
        self.calls += 1
        if self.calls > 1000:
            msg = "runaway"
            raise RuntimeError(msg)
        self.change(self.document)
        return "o"


def grow_dict(document: dict[str, Any]) -> None:
    document.pop("b", None)
    document[f"z{len(document)}"] = Opaque()


def grow_dict_only(document: dict[str, Any]) -> None:
    document[f"z{len(document)}"] = Opaque()


def grow_list(document: list[Any]) -> None:
    document.append(Opaque())


def edit_list(document: list[Any]) -> None:
    document[1] = "changed"
    document.pop()


def replace_value(document: dict[str, Any]) -> None:
    document["b"] = "changed"


def grow_inner(document: dict[str, Any]) -> None:
    document["b"][f"y{len(document['b'])}"] = 1


SCENARIOS: dict[str, tuple[Callable[[], Scenario], bytes, int]] = {
    # The reproducer: native dumps used to grow its output without end.
    "dict: pop one, add one": (
        lambda: Scenario({"a": Opaque(), "b": 1}, grow_dict),
        b'{"a":"o","b":1}',
        1,
    ),
    "dict: keep adding": (
        lambda: Scenario({"a": Opaque(), "b": Opaque()}, grow_dict_only),
        b'{"a":"o","b":"o"}',
        2,
    ),
    "dict: value replaced": (
        lambda: Scenario({"a": Opaque(), "b": 1}, replace_value),
        b'{"a":"o","b":1}',
        1,
    ),
    "list: keep appending": (
        lambda: Scenario([Opaque(), Opaque()], grow_list),
        b'["o","o"]',
        2,
    ),
    "list: item replaced, last removed": (
        lambda: Scenario([Opaque(), 1, 2], edit_list),
        b'["o",1,2]',
        1,
    ),
    "tuple of a list: keep appending": (
        lambda: Scenario(([Opaque()],), lambda doc: doc[0].append(Opaque())),
        b'[["o"]]',
        1,
    ),
    # A container reached after the change is read as it is then.
    "dict not reached yet": (
        lambda: Scenario({"a": Opaque(), "b": {"x": 1}}, grow_inner),
        b'{"a":"o","b":{"x":1,"y1":1}}',
        1,
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
@pytest.mark.parametrize(
    "options",
    [{}, {"sort_keys": True}, {"indent": 1}],
    ids=["compact", "sort_keys", "indent"],
)
def test_default_changing_containers(impl: ModuleType, name: str, options: dict[str, Any]) -> None:
    """Each dict and list is written with the items it had when writing it started."""
    make, expected, calls = SCENARIOS[name]
    scenario = make()
    text = impl.json.dumps(scenario.document, default=scenario.default, **options)
    assert impl.json.loads(text) == impl.json.loads(expected)
    if not options:
        assert text == expected
    assert scenario.calls == calls
    scenario = make()
    assert impl.json.dumps_str(scenario.document, default=scenario.default, **options) == (
        text.decode()
    )


def test_default_changing_containers_same_on_both() -> None:
    """Deeper: dicts and lists nested five levels, and a default that changes a random one
    of them on every call: the same output and the same calls on both backends."""

    def run(impl: ModuleType) -> tuple[bytes, int]:
        rng = random.Random(7)
        containers: list[Any] = []

        def build(depth: int) -> Any:
            if depth == 0:
                return Opaque()
            value: Any = (
                {f"k{i}": build(depth - 1) for i in range(3)}
                if depth % 2
                else [build(depth - 1) for _ in range(3)]
            )
            containers.append(value)
            return value

        document = build(5)
        calls = 0

        def default(_: object) -> int:
            nonlocal calls
            calls += 1
            target = rng.choice(containers)
            if isinstance(target, dict):
                target.pop(next(iter(target)), None)
                target[f"n{calls}"] = Opaque()
            else:
                target.insert(0, Opaque())
                target.pop()
                target.append(Opaque())
            return calls

        return impl.json.dumps(document, default=default), calls

    native = run(implementations.native())
    assert native == run(implementations.twin())
    assert native[1] > 3**4  # changes to containers not reached yet do show


def test_default_circular_list_still_detected(impl: ModuleType) -> None:
    looped: list[Any] = [Opaque()]
    looped.append(looped)
    raises(
        lambda: impl.json.dumps({"x": looped}, default=lambda _: "o"),
        impl.json.JSONEncodeError,
        'Circular reference detected at $["x"][1]',
    )


# ------------------------------------------------- hostile input, found by bench_scaling


def test_twin_case_split_is_pyhumps_split() -> None:
    """The twin's case split is pyhumps' expression made linear (a long run of _ took 72 s
    at 100,000 characters): the same splits on every short string of the characters that
    matter, and the same conversions as pyhumps and the native side on long runs."""
    from covet_rust_core.fallback import strings as twin

    pyhumps_split = re.compile(r"([\-_]*[A-Z][^A-Z]*[\-_]*)")
    for length in range(7):
        for chars in itertools.product("aA_-1É", repeat=length):
            text = "".join(chars)
            assert twin._CASE_SPLIT.split(text) == pyhumps_split.split(text), text
    native = implementations.native()
    for run in ("_" * 1000, "-_" * 500, "a" + "_" * 1000 + "b", "_" * 1000 + "Ab"):
        for function in ("to_snake", "to_kebab", "to_camel", "to_pascal"):
            assert getattr(twin, function)(run) == getattr(native.strings, function)(run)
        assert twin.to_snake(run) == humps.decamelize(run)
        assert twin.to_kebab(run) == humps.kebabize(run)
    long_run = "_" * 100_000 + "x"
    assert twin.to_snake(long_run) == native.strings.to_snake(long_run) == long_run
