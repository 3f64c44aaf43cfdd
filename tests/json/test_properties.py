"""JSON at random (docs/JSON.md): the native extension and the pure-Python twin held against
each other and against the standard library, on random documents, random options, random
mutations of valid text and random bytes."""

from __future__ import annotations

import json
import math
import uuid
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.ids import ascii_id
from tests.support.implementations import native, twin
from tests.support.json_checks import (
    assert_strict_equal,
    compact,
    dump_outcome,
    load_outcome,
    same_load_outcome,
)
from tests.support.json_strategies import (
    TOKENS,
    any_documents,
    default,
    documents,
    finite_floats,
    indents,
    mutated_texts,
)
from tests.support.outcomes import strict_diff

SETTINGS = settings(
    max_examples=250,
    deadline=None,
    # too_slow measures wall time: a loaded machine must not fail a test.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def strict_floats_equal(left: Any, right: Any) -> bool:
    """Float equality that also tells -0.0 from 0.0."""
    return bool(left == right and math.copysign(1.0, left) == math.copysign(1.0, right))


# --- Valid documents: identical bytes, round trips, the standard library -----------------


@SETTINGS
@given(document=documents, sort_keys=st.booleans(), indent=indents, newline=st.booleans())
def test_native_and_twin_write_identical_bytes(
    document: Any, sort_keys: bool, indent: int | None, newline: bool
) -> None:
    options: dict[str, Any] = {"sort_keys": sort_keys, "indent": indent, "append_newline": newline}
    written = native().json.dumps(document, **options)
    assert twin().json.dumps(document, **options) == written
    assert native().json.dumps_str(document, **options) == written.decode()
    assert twin().json.dumps_str(document, **options) == written.decode()


@SETTINGS
@given(document=documents, sort_keys=st.booleans(), indent=indents)
def test_dumps_matches_the_standard_library(
    impl: ModuleType, document: Any, sort_keys: bool, indent: int | None
) -> None:
    separators = (",", ":") if indent is None else (",", ": ")
    expected = json.dumps(
        document, ensure_ascii=False, separators=separators, sort_keys=sort_keys, indent=indent
    )
    assert impl.json.dumps(document, sort_keys=sort_keys, indent=indent) == expected.encode()


@SETTINGS
@given(document=documents, sort_keys=st.booleans(), indent=indents)
def test_round_trip(impl: ModuleType, document: Any, sort_keys: bool, indent: int | None) -> None:
    written = impl.json.dumps(document, sort_keys=sort_keys, indent=indent)
    # The standard library gives the expected value, in the written order.
    expected = json.loads(written)
    assert_strict_equal(impl.json.loads(written), expected)
    assert_strict_equal(impl.json.loads(written.decode()), expected)
    if not sort_keys:
        assert_strict_equal(impl.json.loads(written), document)


@SETTINGS
@given(value=finite_floats)
def test_float_round_trip_keeps_the_sign_of_zero(impl: ModuleType, value: float) -> None:
    result = impl.json.loads(impl.json.dumps(value))
    assert type(result) is float
    assert strict_floats_equal(result, value)


@SETTINGS
@given(document=documents, ensure_ascii=st.booleans(), indent=indents)
def test_loads_of_standard_library_text(
    document: Any, ensure_ascii: bool, indent: int | None
) -> None:
    text = json.dumps(document, ensure_ascii=ensure_ascii, indent=indent)
    expected = json.loads(text)
    for data in (text, text.encode()):
        native_value = native().json.loads(data)
        assert_strict_equal(native_value, expected)
        assert_strict_equal(twin().json.loads(data), native_value)


# --- Invalid and random input: the same verdict on both backends -------------------------


def assert_same_verdict(data: Any) -> None:
    native_outcome = load_outcome(native(), data)
    twin_outcome = load_outcome(twin(), data)
    difference = same_load_outcome(native_outcome, twin_outcome)
    assert difference is None, f"{data!r:.300}: native/twin differ: {difference}"


@SETTINGS
@given(text=mutated_texts())
def test_mutated_text_gets_the_same_verdict(text: str) -> None:
    assert_same_verdict(text)
    encoded = text.encode("utf-8", errors="surrogatepass")
    assert_same_verdict(encoded)
    assert_same_verdict(bytearray(encoded))


@SETTINGS
@given(text=mutated_texts())
def test_mutated_text_accepted_means_the_standard_library_agrees(text: str) -> None:
    outcome = load_outcome(native(), text)
    if outcome[0] == "ok":
        # Everything the strict parser accepts, the standard library accepts equally.
        assert_strict_equal(outcome[1], json.loads(text))


@SETTINGS
@given(data=st.binary(max_size=60))
def test_random_bytes_get_the_same_verdict(data: bytes) -> None:
    assert_same_verdict(data)


@SETTINGS
@given(
    parts=st.lists(
        st.sampled_from(TOKENS),
        max_size=30,
    )
)
def test_random_token_soup_gets_the_same_verdict(parts: list[bytes]) -> None:
    data = b"".join(parts)
    assert_same_verdict(data)
    assert_same_verdict(data.decode("utf-8", errors="replace"))


@SETTINGS
@given(text=st.text(max_size=60))
def test_random_text_gets_the_same_verdict(text: str) -> None:
    # st.text includes lone surrogates and control characters.
    assert_same_verdict(text)


JSON_LIKE = [*'[]{}",:0-1.eE+ \\u\t\n', "\ud800", "é", "\x1f", "a", "tru", "nul", "\\ud83d"]


@SETTINGS
@given(text=st.lists(st.sampled_from(JSON_LIKE), max_size=40).map("".join))
def test_random_json_like_text_gets_the_same_verdict(text: str) -> None:
    assert_same_verdict(text)
    assert_same_verdict(text.encode("utf-8", errors="surrogatepass"))


# Inputs where docs/JSON.md leaves the answer open: the two backends must still agree.
OPEN_QUESTIONS: list[Any] = [
    '"\\',  # ends right after a backslash: unterminated string or invalid escape?
    '"abc\\',
    '"\\u12',
    '"\\ud800\\u',
    "-Inf",
    "-NaN",
    "NaNx",
    "Infinit",
    "[Infinity1]",
    "-Infinityx",
    '"\ud800"',  # a raw lone surrogate in str input
    "\ud800",
    '{"\udc00": 1}',
    b"\xef\xbb\xbf\xff",  # BOM and invalid UTF-8
    b"\xff\xef\xbb\xbf",
    b"\xef\xbb\xbf" * 2,
    "\ufeff" * 2,
    b"[" * 1025 + b"\xff",
    "[" * 1025 + "\ufeff",
    "1" * 4301 + "x",  # digit limit, then extra data
    "[" + "1" * 4301 + ",]",
    "[1, 2" + "\n" * 3,
    memoryview(b"[1]")[::-1],
    memoryview(b"[[1,,2]]")[::2],
    memoryview(b"[1, 2]").cast("B", [2, 3]),  # two-dimensional but C-contiguous
    memoryview(bytes(range(256))).cast("B", [16, 16]),
    __import__("array").array("H", [0x5B31, 0x5D20]),  # a buffer of 2-byte items
    __import__("ctypes").c_char(b"7"),  # 0-dimensional exports: no shape
    __import__("ctypes").c_uint16.from_buffer_copy(b"[]"),
    memoryview(b"5").cast("B", []),
    __import__("ctypes").c_uint32.from_buffer_copy(b"[1]\x00"),
]


@pytest.mark.parametrize("data", OPEN_QUESTIONS, ids=ascii_id)
def test_backends_agree_where_the_contract_is_silent(data: Any) -> None:
    assert_same_verdict(data)


# --- dumps of anything: the same bytes or the same error ---------------------------------


KEY_HINT = " (pass non_str_keys=True)"


def same_key_hint(outcome: tuple[str, Any]) -> tuple[str, Any]:
    """Drops the optional hint after "Dict key must be str" messages: whether it belongs to
    the message is open in docs/JSON.md, and test_backends_agree_on_the_key_hint checks that
    the backends agree on it; here it would hide every other difference."""
    kind, detail = outcome
    if kind == "JSONEncodeError" and detail.endswith(KEY_HINT):
        return kind, detail[: -len(KEY_HINT)]
    return outcome


def test_backends_agree_on_the_key_hint() -> None:
    for document in ({1: 2}, {"a": [{None: 1}]}):
        native_outcome = dump_outcome(native().json.dumps, document)
        assert native_outcome[0] == "JSONEncodeError"
        assert dump_outcome(twin().json.dumps, document) == native_outcome


@SETTINGS
@given(
    document=any_documents(),
    sort_keys=st.booleans(),
    indent=indents,
    non_str_keys=st.booleans(),
    nan=st.sampled_from(["error", "null"]),
    with_default=st.booleans(),
    newline=st.booleans(),
)
def test_native_and_twin_agree_on_anything(
    document: Any,
    sort_keys: bool,
    indent: int | None,
    non_str_keys: bool,
    nan: str,
    with_default: bool,
    newline: bool,
) -> None:
    options: dict[str, Any] = {
        "sort_keys": sort_keys,
        "indent": indent,
        "non_str_keys": non_str_keys,
        "nan": nan,
        "default": default if with_default else None,
        "append_newline": newline,
    }
    native_outcome = same_key_hint(dump_outcome(native().json.dumps, document, **options))
    assert same_key_hint(dump_outcome(twin().json.dumps, document, **options)) == native_outcome
    native_str = same_key_hint(dump_outcome(native().json.dumps_str, document, **options))
    assert same_key_hint(dump_outcome(twin().json.dumps_str, document, **options)) == native_str
    if native_outcome[0] == "ok":
        assert native_str == ("ok", native_outcome[1].decode())
        # What is written is valid JSON that both backends read back alike.
        assert_same_verdict(native_outcome[1])
        assert load_outcome(native(), native_outcome[1])[0] == "ok"
    else:
        assert native_str == native_outcome


# --- The helpers themselves --------------------------------------------------------------


def test_strict_diff() -> None:
    assert strict_diff([1, {"a": -0.0}], [1, {"a": -0.0}]) is None
    assert strict_diff(-0.0, 0.0) is not None
    assert strict_diff(float("nan"), float("nan")) is None
    assert strict_diff(1, 1.0) is not None
    assert strict_diff(True, 1) is not None
    assert strict_diff({"a": 1, "b": 2}, {"b": 2, "a": 1}) is not None
    assert strict_diff([1], [1, 2]) is not None
    assert strict_diff("\ud800", "\ud800") is None
    assert compact({"é": [1.5]}) == '{"é":[1.5]}'.encode()
    assert strict_floats_equal(-0.0, -0.0)
    assert not strict_floats_equal(-0.0, 0.0)
    assert uuid.UUID(int=5) == uuid.UUID(int=5)
