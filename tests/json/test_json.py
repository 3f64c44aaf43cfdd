"""JSON on both implementations (docs/JSON.md): the types table, dict keys, options, what
``loads`` accepts and returns, input types, big documents, reference counts and memory.

Errors and limits are in test_errors.py, random and differential cases in
test_properties.py."""

from __future__ import annotations

import array
import collections
import contextlib
import ctypes
import dataclasses
import datetime as dt
import enum
import functools
import gc
import json
import math
import os
import re
import sys
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, NamedTuple

import pytest
from covet_rust_core._json_errors import JSONDecodeError, JSONEncodeError

from tests.support.asan import skip_under_asan
from tests.support.ids import repr_id
from tests.support.implementations import is_native
from tests.support.json_checks import assert_strict_equal, compact

MIB = 1 << 20

# --- Types used as values ----------------------------------------------------------------


class Color(enum.Enum):
    RED = 1
    GREEN = "green"
    NOTHING = None
    HALF = 0.5


class Answer(enum.Enum):
    YES = True
    NO = False


class Shade(str, enum.Enum):  # noqa: UP042 (the str-mixin Enum that users write)
    DARK = "dark"
    LIGHT = 'li"ght\n'


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 10**30


class Ratio(float, enum.Enum):
    HALF = 0.5
    TINY = 1e-05


class Mixed(int, enum.Enum):
    ONE = 1


class Shape(enum.Enum):
    # Enum values, not class attributes.
    POINT = [1, 2]  # noqa: RUF012
    PAIR = (3, "x")
    MAP = {"k": [None]}  # noqa: RUF012


class Alias(enum.Enum):
    OF_COLOR = Color.RED
    OF_SHADE = Shade.DARK
    OF_SHAPE = Shape.POINT


class Text(str):
    def __str__(self) -> str:
        return "not this"

    def __repr__(self) -> str:
        return "nor this"


class Number(int):
    def __repr__(self) -> str:
        return "not this"

    def __str__(self) -> str:
        return "nor this"


class Real(float):
    def __repr__(self) -> str:
        return "not this"

    def __str__(self) -> str:
        return "nor this"


class Mapping(dict[str, Any]):
    pass


class Items(list[Any]):
    pass


class Pair(tuple[int, int]):
    pass


class Point(NamedTuple):
    x: int
    y: int


class Money(Decimal):
    pass


@dataclasses.dataclass
class Inner:
    name: str
    tags: list[str]


@dataclasses.dataclass
class Outer:
    zeta: int
    alpha: Inner
    items: list[Inner]
    counter: ClassVar[int] = 7
    extra: str | None = None
    computed: int = dataclasses.field(init=False, default=5)


@dataclasses.dataclass(frozen=True)
class Frozen:
    b: int
    a: int


@dataclasses.dataclass
class Base:
    first: int


@dataclasses.dataclass
class Derived(Base):
    second: int


@dataclasses.dataclass
class WithInitVar:
    kept: int
    passed: dataclasses.InitVar[int]

    def __post_init__(self, passed: int) -> None:
        self.kept += passed


class Opaque:
    """Not serializable on its own."""

    def __init__(self, payload: Any = None) -> None:
        self.payload = payload


UTC = dt.UTC
IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
ODD = dt.timezone(dt.timedelta(hours=-1, minutes=-2, seconds=-3))
SOME_UUID = uuid.UUID("12345678-1234-5678-1234-567812345678")

# --- The types table ---------------------------------------------------------------------

# Documents whose meaning the standard library shares: the same compact bytes.
PLAIN_DOCUMENTS: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    7,
    2**63,
    2**64,
    -(2**200),
    10**4000,
    "",
    "abc",
    "é",
    "日本語",
    "\U0001f600",
    "a\U00010000b\U0010ffff",
    "\u2028\u2029",
    "\x7f",
    'tab\tquote"back\\slash/',
    [],
    {},
    [[]],
    [{}],
    {"a": []},
    [1, [2, [3, [4]]]],
    {"a": {"b": {"c": None}}},
    {"z": 1, "a": 2, "m": [True, False, None]},
    {"é": "ü", "\U0001f600": ["\U0001f601"]},
    (),
    (1, 2),
    ((), [()]),
    [0.1, -0.0, 1.5, 100.0, 1e16, 1e-05, 5e-324, 1.7976931348623157e308, 1e22, 123.456e-7],
    [1e15, 1e-4, 2.5e-16, -1.25, 3.0, 9007199254740993.0, 2.2250738585072014e-308],
]


@pytest.mark.parametrize("obj", PLAIN_DOCUMENTS, ids=lambda obj: ascii(obj)[:40])
def test_plain_documents_match_the_standard_library(impl: ModuleType, obj: Any) -> None:
    expected = compact(obj)
    assert impl.json.dumps(obj) == expected
    assert impl.json.dumps_str(obj) == expected.decode()


def test_dumps_returns_bytes_and_dumps_str_returns_str(impl: ModuleType) -> None:
    assert type(impl.json.dumps({"a": [1]})) is bytes
    assert type(impl.json.dumps_str({"a": [1]})) is str


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """What a call gives: its result, or its exception's type and message."""
    try:
        return ("result", call())
    except Exception as error:
        return (type(error).__name__, str(error))


def test_the_one_argument_dumps_agrees_with_the_full_call(impl: ModuleType) -> None:
    """``dumps(obj)`` with no option is the common call (the native side gives it a fast
    entry point, as it does ``loads(data)``): it answers exactly as the same call spelled
    with options at their defaults, which takes the full path, errors included."""
    circular: list[Any] = []
    circular.append(circular)
    objects: list[Any] = [
        {"a": [1, 2.5, None, True, "é"]},
        "\ud800",
        float("nan"),
        {1: "int key"},
        Opaque(),
        circular,
        10**40,
        Frozen(1, 2),
    ]
    for obj in objects:
        short = functools.partial(impl.json.dumps, obj)
        spelled_out = functools.partial(impl.json.dumps, obj, default=None, nan="error")
        assert outcome(short) == outcome(spelled_out), obj


@pytest.mark.parametrize("code", range(0x20))
def test_every_control_character_is_escaped_like_the_standard_library(
    impl: ModuleType, code: int
) -> None:
    text = f"a{chr(code)}b"
    assert impl.json.dumps(text) == compact(text)
    assert impl.json.dumps({text: text}) == compact({text: text})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\x00", b'"\\u0000"'),
        ("\x01", b'"\\u0001"'),
        ("\x0b", b'"\\u000b"'),
        ("\x1f", b'"\\u001f"'),
        ("\x1b", b'"\\u001b"'),
        ("\n", b'"\\n"'),
        ("\r", b'"\\r"'),
        ("\t", b'"\\t"'),
        ("\x08", b'"\\b"'),
        ("\x0c", b'"\\f"'),
        ('"', b'"\\""'),
        ("\\", b'"\\\\"'),
        ("/", b'"/"'),
        ("\x7f", b'"\x7f"'),
        ("\x80\xff", '"\x80\xff"'.encode()),
        ("\u2028", '"\u2028"'.encode()),
        ("\ufeff", '"\ufeff"'.encode()),
        ("\U0001f600", b'"\xf0\x9f\x98\x80"'),
        ("\U0010ffff", b'"\xf4\x8f\xbf\xbf"'),
        ("'", b'"\'"'),
    ],
)
def test_string_escapes(impl: ModuleType, text: str, expected: bytes) -> None:
    assert impl.json.dumps(text) == expected
    assert impl.json.dumps_str(text) == expected.decode()


def test_str_subclass_is_written_as_its_characters(impl: ModuleType) -> None:
    value = Text('he said "hi"')
    assert impl.json.dumps(value) == b'"he said \\"hi\\""'
    assert impl.json.dumps({value: [value]}) == b'{"he said \\"hi\\"":["he said \\"hi\\""]}'


def test_bool_is_checked_before_int(impl: ModuleType) -> None:
    assert impl.json.dumps(True) == b"true"
    assert impl.json.dumps(False) == b"false"
    assert impl.json.dumps([True, 1, False, 0]) == b"[true,1,false,0]"


@pytest.mark.parametrize(
    "value", [0, -0, 1, -1, 2**31, -(2**31) - 1, 2**64 + 1, -(2**64), -(2**200), 10**4299]
)
def test_int_digits(impl: ModuleType, value: int) -> None:
    assert impl.json.dumps(value) == int.__repr__(value).encode()


def test_int_subclasses_use_int_repr(impl: ModuleType) -> None:
    assert impl.json.dumps(Number(42)) == b"42"
    assert impl.json.dumps(Number(-(10**40))) == b"-1" + b"0" * 40
    assert impl.json.dumps(Level.LOW) == b"1"
    assert impl.json.dumps(Level.HIGH) == b"1" + b"0" * 30
    assert impl.json.dumps(Mixed.ONE) == b"1"
    assert impl.json.dumps([Level.LOW, Mixed.ONE]) == b"[1,1]"


@pytest.mark.skipif(not hasattr(sys, "get_int_max_str_digits"), reason="no int digit limit")
def test_int_digit_limit_applies_to_dumps(impl: ModuleType) -> None:
    assert sys.get_int_max_str_digits() == 4300
    assert impl.json.dumps(10**4299) == b"1" + b"0" * 4299  # 4300 digits
    assert impl.json.dumps(-(10**4299)) == b"-1" + b"0" * 4299
    with pytest.raises(ValueError, match="4300"):
        impl.json.dumps(10**4300)  # 4301 digits
    with pytest.raises(ValueError, match="4300"):
        impl.json.dumps({"a": [-(10**4300)]})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1e16, b"1e+16"),
        (1e-05, b"1e-05"),
        (0.1, b"0.1"),
        (-0.0, b"-0.0"),
        (0.0, b"0.0"),
        (5e-324, b"5e-324"),
        (-5e-324, b"-5e-324"),
        (1.7976931348623157e308, b"1.7976931348623157e+308"),
        (1.0, b"1.0"),
        (100.0, b"100.0"),
        (1e15, b"1000000000000000.0"),
        (0.0001, b"0.0001"),
        (1 / 3, b"0.3333333333333333"),
        (2.5e-16, b"2.5e-16"),
        (2.2250738585072014e-308, b"2.2250738585072014e-308"),
    ],
)
def test_float_repr_digits(impl: ModuleType, value: float, expected: bytes) -> None:
    assert impl.json.dumps(value) == expected
    assert impl.json.dumps(Real(value)) == expected
    assert impl.json.dumps_str([value]) == f"[{expected.decode()}]"


def test_float_enum_mixin_uses_float_repr(impl: ModuleType) -> None:
    assert impl.json.dumps([Ratio.HALF, Ratio.TINY]) == b"[0.5,1e-05]"


def test_none(impl: ModuleType) -> None:
    assert impl.json.dumps(None) == b"null"
    assert impl.json.dumps_str(None) == "null"


def test_container_subclasses(impl: ModuleType) -> None:
    ordered = collections.OrderedDict([("b", 1), ("a", 2)])
    assert impl.json.dumps(ordered) == b'{"b":1,"a":2}'
    default_dict: collections.defaultdict[str, list[int]] = collections.defaultdict(list)
    default_dict["x"].append(1)
    assert impl.json.dumps(default_dict) == b'{"x":[1]}'
    assert impl.json.dumps(Mapping(z=1, y=Mapping())) == b'{"z":1,"y":{}}'
    assert impl.json.dumps(Items([1, Items()])) == b"[1,[]]"
    assert impl.json.dumps(Pair((1, 2))) == b"[1,2]"
    assert impl.json.dumps(Point(3, 4)) == b"[3,4]"
    assert impl.json.dumps({"p": (Point(1, 2),)}) == b'{"p":[[1,2]]}'


def test_dict_items_in_insertion_order(impl: ModuleType) -> None:
    value = {"b": 1, "a": 2, "c": 3}
    del value["b"]
    value["b"] = 4
    assert impl.json.dumps(value) == b'{"a":2,"c":3,"b":4}'


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2024, 1, 2, 3, 4, 5),
        dt.datetime(2024, 1, 2, 3, 4, 5, 678901),
        dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        dt.datetime(2024, 1, 2, 3, 4, 5, 1, tzinfo=IST),
        dt.datetime(1, 1, 1, tzinfo=ODD),
        dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
        dt.date(2024, 2, 29),
        dt.date(1, 1, 1),
        dt.time(0, 0),
        dt.time(23, 59, 59, 999999),
        dt.time(12, 30, tzinfo=UTC),
        dt.time(12, 30, 15, 20, tzinfo=IST),
        dt.time(1, 2, 3, tzinfo=ODD),
    ],
    ids=repr,
)
def test_dates_and_times_are_isoformat(impl: ModuleType, value: Any) -> None:
    text = value.isoformat()
    assert impl.json.dumps(value) == f'"{text}"'.encode()
    assert impl.json.dumps({"at": [value]}) == f'{{"at":["{text}"]}}'.encode()


def test_datetime_offsets_exactly(impl: ModuleType) -> None:
    assert impl.json.dumps(dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)) == (
        b'"2024-01-02T03:04:05+00:00"'
    )
    assert impl.json.dumps(dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=IST)) == (
        b'"2024-01-02T03:04:05+05:30"'
    )
    with_seconds = dt.timezone(dt.timedelta(hours=1, seconds=30))
    assert impl.json.dumps(dt.datetime(2024, 1, 2, tzinfo=with_seconds)) == (
        b'"2024-01-02T00:00:00+01:00:30"'
    )
    assert impl.json.dumps(dt.datetime(2024, 1, 2)) == b'"2024-01-02T00:00:00"'
    assert impl.json.dumps(dt.date(2024, 1, 2)) == b'"2024-01-02"'
    assert impl.json.dumps(dt.time(3, 4, 5)) == b'"03:04:05"'


def test_uuid(impl: ModuleType) -> None:
    assert impl.json.dumps(SOME_UUID) == b'"12345678-1234-5678-1234-567812345678"'
    random_uuid = uuid.uuid4()
    assert impl.json.dumps([random_uuid]) == f'["{random_uuid}"]'.encode()
    assert impl.json.dumps(uuid.UUID(int=0)) == b'"00000000-0000-0000-0000-000000000000"'


def test_enums_are_their_values(impl: ModuleType) -> None:
    assert impl.json.dumps(Color.RED) == b"1"
    assert impl.json.dumps(Color.GREEN) == b'"green"'
    assert impl.json.dumps(Color.NOTHING) == b"null"
    assert impl.json.dumps(Answer.YES) == b"true"
    assert impl.json.dumps(Answer.NO) == b"false"
    assert impl.json.dumps(Color.HALF) == b"0.5"
    assert impl.json.dumps(Shade.DARK) == b'"dark"'
    assert impl.json.dumps(Shade.LIGHT) == b'"li\\"ght\\n"'
    assert impl.json.dumps(Shape.POINT) == b"[1,2]"
    assert impl.json.dumps(Shape.PAIR) == b'[3,"x"]'
    assert impl.json.dumps(Shape.MAP) == b'{"k":[null]}'
    assert impl.json.dumps(Alias.OF_COLOR) == b"1"
    assert impl.json.dumps(Alias.OF_SHADE) == b'"dark"'
    assert impl.json.dumps(Alias.OF_SHAPE) == b"[1,2]"
    assert impl.json.dumps({"c": [Color.GREEN, Level.LOW, Shade.DARK]}) == (
        b'{"c":["green",1,"dark"]}'
    )


def test_mixin_enums_give_the_same_text_as_their_values(impl: ModuleType) -> None:
    for member in [*Shade, *Level, *Ratio, *Mixed]:
        assert impl.json.dumps(member) == impl.json.dumps(member.value), member


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1.10"), b"1.10"),
        (Decimal("1E+2"), b"1E+2"),
        (Decimal("-0"), b"-0"),
        (Decimal("0"), b"0"),
        (Decimal("-0.00"), b"-0.00"),
        (Decimal("0.000001"), b"0.000001"),
        (Decimal("0.0000001"), b"1E-7"),
        (
            Decimal("123456789012345678901234567890.123456789"),
            b"123456789012345678901234567890.123456789",
        ),
        (Decimal("1e-400"), b"1E-400"),
        (Decimal("9.99E+999"), b"9.99E+999"),
        (Decimal(1) / Decimal(3), str(Decimal(1) / Decimal(3)).encode()),
        (Decimal(2**-20), b"9.5367431640625E-7"),
        (Money("3.50"), b"3.50"),
    ],
)
def test_decimal_is_exact(impl: ModuleType, value: Decimal, expected: bytes) -> None:
    assert impl.json.dumps(value) == expected
    assert impl.json.dumps({"d": [value]}) == b'{"d":[' + expected + b"]}"


@pytest.mark.parametrize(
    "value",
    [
        Decimal("NaN"),
        Decimal("-NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        float("nan"),
        float("inf"),
        float("-inf"),
        Real("nan"),
    ],
    ids=str,
)
def test_non_finite_numbers_are_null_with_nan_null(impl: ModuleType, value: Any) -> None:
    assert impl.json.dumps(value, nan="null") == b"null"
    assert impl.json.dumps({"x": [1, value]}, nan="null") == b'{"x":[1,null]}'
    assert impl.json.dumps_str([value], nan="null", indent=1) == "[\n null\n]"


def test_dataclasses_in_field_order(impl: ModuleType) -> None:
    value = Outer(
        zeta=1,
        alpha=Inner("a", ["x"]),
        items=[Inner("b", []), Inner("c", ["y", "z"])],
    )
    expected = (
        b'{"zeta":1,"alpha":{"name":"a","tags":["x"]},"items":[{"name":"b","tags":[]},'
        b'{"name":"c","tags":["y","z"]}],"extra":null,"computed":5}'
    )
    assert impl.json.dumps(value) == expected
    assert impl.json.dumps(Frozen(b=2, a=1)) == b'{"b":2,"a":1}'
    assert impl.json.dumps(Derived(first=1, second=2)) == b'{"first":1,"second":2}'
    assert impl.json.dumps(WithInitVar(1, 2)) == b'{"kept":3}'
    assert impl.json.dumps({"list": [Frozen(1, 2)]}) == b'{"list":[{"b":1,"a":2}]}'


def test_dataclass_with_sort_keys_and_indent(impl: ModuleType) -> None:
    assert impl.json.dumps(Frozen(b=2, a=1), sort_keys=True) == b'{"a":1,"b":2}'
    assert impl.json.dumps(Frozen(b=2, a=1), indent=2) == b'{\n  "b": 2,\n  "a": 1\n}'


# --- default -----------------------------------------------------------------------------


def test_default_is_called_with_the_object_and_its_result_serialized(
    impl: ModuleType,
) -> None:
    seen: list[Any] = []
    first, second = Opaque("one"), Opaque({"k": (1, 2)})

    def default(obj: Any) -> Any:
        seen.append(obj)
        return obj.payload

    assert impl.json.dumps([first, {"x": second}], default=default) == (
        b'["one",{"x":{"k":[1,2]}}]'
    )
    assert seen == [first, second]
    assert seen[0] is first
    assert seen[1] is second


def test_default_is_not_called_for_supported_types(impl: ModuleType) -> None:
    calls: list[Any] = []

    def default(obj: Any) -> Any:
        calls.append(obj)
        return None

    document = [
        Text("s"),
        Number(1),
        Real(1.5),
        Mapping(a=1),
        Items([2]),
        Pair((1, 2)),
        dt.datetime(2024, 1, 1),
        SOME_UUID,
        Color.RED,
        Decimal("1.5"),
        Frozen(1, 2),
        None,
        True,
    ]
    impl.json.dumps(document, default=default)
    assert calls == []


def test_default_results_are_chained(impl: ModuleType) -> None:
    # Each result needs default again; the last one is a plain value.
    chain = Opaque(Opaque(Opaque(["done", Opaque(7)])))
    calls: list[Any] = []

    def default(obj: Any) -> Any:
        calls.append(obj)
        return obj.payload

    assert impl.json.dumps({"a": chain}, default=default) == b'{"a":["done",7]}'
    assert len(calls) == 4
    assert impl.json.dumps(chain, default=default, indent=1) == b'[\n "done",\n 7\n]'


def test_default_returning_other_supported_types(impl: ModuleType) -> None:
    converters: dict[type, Callable[[Any], Any]] = {
        set: sorted,
        frozenset: sorted,
        bytes: bytes.hex,
        complex: lambda c: [c.real, c.imag],
    }

    def default(obj: Any) -> Any:
        return converters[type(obj)](obj)

    document = {"s": {3, 1, 2}, "f": frozenset(["b", "a"]), "b": b"\x01\xff", "c": 1 + 2j}
    expected = b'{"s":[1,2,3],"f":["a","b"],"b":"01ff","c":[1.0,2.0]}'
    assert impl.json.dumps(document, default=default) == expected
    assert impl.json.dumps(Opaque(), default=lambda _: Color.GREEN) == b'"green"'
    assert impl.json.dumps(Opaque(), default=lambda _: Frozen(1, 2)) == b'{"b":1,"a":2}'
    assert impl.json.dumps(Opaque(), default=lambda _: Decimal("2.50")) == b"2.50"


def chain_of(length: int) -> Opaque:
    """An object that needs ``length`` calls of ``payload_default`` to become a value."""
    value: Any = "end"
    for _ in range(length):
        value = Opaque(value)
    assert isinstance(value, Opaque)
    return value


def test_default_may_be_needed_32_times_in_a_row(impl: ModuleType) -> None:
    calls: list[Any] = []

    def default(obj: Any) -> Any:
        calls.append(obj)
        return obj.payload

    assert impl.json.dumps([chain_of(32)], default=default) == b'["end"]'
    assert len(calls) == 32


def test_default_33_times_in_a_row_is_an_error(impl: ModuleType) -> None:
    calls: list[Any] = []

    def default(obj: Any) -> Any:
        calls.append(obj)
        return obj.payload

    with pytest.raises(JSONEncodeError) as caught:
        impl.json.dumps({"a": [1, chain_of(33)]}, default=default)
    assert str(caught.value) == (
        "default() was called 32 times in a row without returning a serializable value, "
        'at $["a"][1]'
    )
    assert len(calls) == 32
    calls.clear()

    def endless(obj: Any) -> Any:
        calls.append(obj)
        return Opaque()

    with pytest.raises(JSONEncodeError) as caught:
        impl.json.dumps(Opaque(), default=endless)
    assert str(caught.value) == (
        "default() was called 32 times in a row without returning a serializable value, at $"
    )
    assert len(calls) == 32


def test_default_count_restarts_inside_a_returned_container(impl: ModuleType) -> None:
    # Each result is a serializable list; its item needs default again, but not "in a row".
    def wrap(obj: Any) -> Any:
        depth = obj.payload
        return [Opaque(depth + 1)] if depth < 100 else depth

    expected = b"[" * 100 + b"100" + b"]" * 100
    assert impl.json.dumps(Opaque(0), default=wrap) == expected


class BoomError(Exception):
    pass


@pytest.mark.parametrize("error_type", [BoomError, TypeError, ValueError, KeyError, RecursionError])
def test_exceptions_from_default_propagate_unchanged(
    impl: ModuleType, error_type: type[Exception]
) -> None:
    error = error_type("from default")

    def default(obj: Any) -> Any:
        raise error

    with pytest.raises(error_type) as caught:
        impl.json.dumps({"a": [Opaque()]}, default=default)
    assert caught.value is error
    with pytest.raises(error_type) as caught:
        impl.json.dumps_str(Opaque(), default=default, indent=2, sort_keys=True)
    assert caught.value is error


def test_exception_from_a_later_default_call_propagates(impl: ModuleType) -> None:
    error = BoomError()

    def default(obj: Any) -> Any:
        if obj.payload == "bad":
            raise error
        return obj.payload

    with pytest.raises(BoomError) as caught:
        impl.json.dumps([Opaque(Opaque("bad"))], default=default)
    assert caught.value is error


# --- Dict keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "text"),
    [
        (True, "true"),
        (False, "false"),
        (None, "null"),
        (0, "0"),
        (-5, "-5"),
        (2**70, str(2**70)),
        (Number(12), "12"),
        (Level.LOW, "1"),
        (Level.HIGH, str(10**30)),
        (1.5, "1.5"),
        (-0.0, "-0.0"),
        (1e16, "1e+16"),
        (0.1, "0.1"),
        (5e-324, "5e-324"),
        (Real(2.0), "2.0"),
        (Color.RED, "1"),
        (Color.GREEN, "green"),
        (Color.NOTHING, "null"),
        (Answer.YES, "true"),
        (Answer.NO, "false"),
        (Color.HALF, "0.5"),
        (Alias.OF_COLOR, "1"),
        (Alias.OF_SHADE, "dark"),
        (Shade.LIGHT, 'li"ght\n'),
        (SOME_UUID, "12345678-1234-5678-1234-567812345678"),
        (dt.date(2024, 1, 2), "2024-01-02"),
        (dt.time(3, 4, 5, tzinfo=IST), "03:04:05+05:30"),
        (dt.datetime(2024, 1, 2, 3, 4), "2024-01-02T03:04:00"),
        (dt.datetime(2024, 1, 2, 3, 4, tzinfo=UTC), "2024-01-02T03:04:00+00:00"),
        (Text("plain"), "plain"),
        ('\x00\x1f"\\', '\x00\x1f"\\'),
    ],
    ids=repr,
)
def test_non_str_keys_conversion(impl: ModuleType, key: Any, text: str) -> None:
    expected = compact({text: [1]})
    assert impl.json.dumps({key: [1]}, non_str_keys=True) == expected
    assert impl.json.dumps_str({key: [1]}, non_str_keys=True) == expected.decode()
    assert impl.json.dumps({key: 1}, non_str_keys=True, sort_keys=True, indent=0) == (
        json.dumps({text: 1}, ensure_ascii=False, indent=0, separators=(",", ": ")).encode()
    )


def test_str_keys_are_unaffected_by_non_str_keys(impl: ModuleType) -> None:
    document = {"b": 1, "a": {"é": [2]}}
    assert impl.json.dumps(document, non_str_keys=True) == compact(document)


def test_duplicate_converted_keys_are_all_written(impl: ModuleType) -> None:
    assert impl.json.dumps({1: "int", "1": "str"}, non_str_keys=True) == b'{"1":"int","1":"str"}'
    assert impl.json.dumps({True: 1, "true": 2, None: 3, "null": 4}, non_str_keys=True) == (
        b'{"true":1,"true":2,"null":3,"null":4}'
    )
    assert impl.json.dumps({SOME_UUID: 1, str(SOME_UUID): 2}, non_str_keys=True) == (
        f'{{"{SOME_UUID}":1,"{SOME_UUID}":2}}'.encode()
    )


def test_sort_keys_in_code_point_order(impl: ModuleType) -> None:
    keys = ["b", "a", "B", "é", "z", "\U0001f600", "\uffff", "\ue000", "aa", "", "\x00", "~"]
    document = {key: index for index, key in enumerate(keys)}
    expected = compact(document, sort_keys=True)
    assert impl.json.dumps(document, sort_keys=True) == expected
    # Code-point order, not UTF-16 order: U+1F600 comes after U+FFFF and U+E000.
    text = impl.json.dumps_str(document, sort_keys=True)
    assert text.index("\uffff") < text.index("\U0001f600")
    assert text.index("\ue000") < text.index("\U0001f600")
    assert impl.json.dumps({"b": {"d": 1, "c": 2}, "a": [{"f": 1, "e": 2}]}, sort_keys=True) == (
        b'{"a":[{"e":2,"f":1}],"b":{"c":2,"d":1}}'
    )


def test_sort_keys_sorts_converted_keys_as_strings(impl: ModuleType) -> None:
    assert impl.json.dumps({10: "a", 2: "b"}, non_str_keys=True, sort_keys=True) == (
        b'{"10":"a","2":"b"}'
    )
    document = {2: "a", "10": "b", True: "c", None: "d", 1.5: "e", -1: "f"}
    assert impl.json.dumps(document, non_str_keys=True, sort_keys=True) == (
        b'{"-1":"f","1.5":"e","10":"b","2":"a","null":"d","true":"c"}'
    )


def test_sort_keys_is_stable_for_equal_converted_keys(impl: ModuleType) -> None:
    options: dict[str, Any] = {"non_str_keys": True, "sort_keys": True}
    assert impl.json.dumps({"1": "s", 1: "i", "0": 0}, **options) == b'{"0":0,"1":"s","1":"i"}'
    assert impl.json.dumps({1: "i", "1": "s", "0": 0}, **options) == b'{"0":0,"1":"i","1":"s"}'
    assert impl.json.dumps({"null": 1, "a": 0, None: 2}, **options) == (
        b'{"a":0,"null":1,"null":2}'
    )
    assert impl.json.dumps({None: 2, "a": 0, "null": 1}, **options) == (
        b'{"a":0,"null":2,"null":1}'
    )


# --- Options -----------------------------------------------------------------------------

INDENT_DOCUMENTS: list[Any] = [
    [],
    {},
    [[]],
    {"a": {}},
    {"a": [], "b": {}, "c": [[], {}], "d": [{}, [[]]]},
    [1, [2, [3, {"x": [None, True, "é\n"]}]]],
    {"z": 0.5, "a": {"y": [1, 2], "b": {"c": {}}}, "\U0001f600": "\U0001f601"},
    "scalar",
    12,
]


@pytest.mark.parametrize("indent", [0, 1, 2, 4, 7])
@pytest.mark.parametrize("sort_keys", [False, True])
def test_indent_matches_the_standard_library(
    impl: ModuleType, indent: int, sort_keys: bool
) -> None:
    for document in INDENT_DOCUMENTS:
        expected = json.dumps(
            document,
            indent=indent,
            separators=(",", ": "),
            ensure_ascii=False,
            sort_keys=sort_keys,
        )
        assert impl.json.dumps(document, indent=indent, sort_keys=sort_keys) == (
            expected.encode()
        ), document
        assert impl.json.dumps_str(document, indent=indent, sort_keys=sort_keys) == expected
        assert (
            impl.json.dumps(document, indent=indent, sort_keys=sort_keys, append_newline=True)
            == (expected + "\n").encode()
        )


def test_indent_exact_text(impl: ModuleType) -> None:
    document = {"a": [1, {}], "b": {"c": []}}
    assert impl.json.dumps(document, indent=2) == (
        b'{\n  "a": [\n    1,\n    {}\n  ],\n  "b": {\n    "c": []\n  }\n}'
    )
    assert impl.json.dumps(document, indent=0) == (b'{\n"a": [\n1,\n{}\n],\n"b": {\n"c": []\n}\n}')
    assert impl.json.dumps([], indent=4) == b"[]"
    assert impl.json.dumps({}, indent=4) == b"{}"
    assert impl.json.dumps(None, indent=None) == b"null"


def test_indent_with_dataclasses_enums_and_default(impl: ModuleType) -> None:
    document = {"d": Frozen(1, 2), "e": Shape.POINT, "o": Opaque([])}
    expected = json.dumps(
        {"d": {"b": 1, "a": 2}, "e": [1, 2], "o": []}, indent=3, separators=(",", ": ")
    ).encode()
    assert impl.json.dumps(document, indent=3, default=lambda o: o.payload) == expected


@pytest.mark.parametrize("indent", [-1, -100])
def test_negative_indent_is_a_value_error(impl: ModuleType, indent: int) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the contract names only the type
        impl.json.dumps([1], indent=indent)
    with pytest.raises(ValueError):  # noqa: PT011
        impl.json.dumps_str([1], indent=indent)


@pytest.mark.parametrize("indent", [True, False, "  ", "\t", 2.0, 1.5, b"  ", [2]], ids=repr)
def test_indent_of_another_type_is_a_type_error(impl: ModuleType, indent: Any) -> None:
    with pytest.raises(TypeError):
        impl.json.dumps([1], indent=indent)
    with pytest.raises(TypeError):
        impl.json.dumps_str([1], indent=indent)


@pytest.mark.parametrize("nan", ["", "Error", "NULL", "none", "nan", "raise", None, 0, b"null"])
def test_invalid_nan_option_is_a_value_error(impl: ModuleType, nan: Any) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the contract names only the type
        impl.json.dumps([1.5], nan=nan)
    with pytest.raises(ValueError):  # noqa: PT011
        impl.json.dumps_str([1.5], nan=nan)


def test_valid_nan_options_leave_finite_numbers_alone(impl: ModuleType) -> None:
    for nan in ("error", "null"):
        assert impl.json.dumps([1.5, Decimal("2.5"), -0.0], nan=nan) == b"[1.5,2.5,-0.0]"


@pytest.mark.parametrize("default", [1, "str", b"x", [len], object()], ids=repr_id)
def test_non_callable_default_is_a_type_error(impl: ModuleType, default: Any) -> None:
    with pytest.raises(TypeError):
        impl.json.dumps([1], default=default)
    with pytest.raises(TypeError):
        impl.json.dumps_str([1], default=default)


def test_default_none_means_no_default(impl: ModuleType) -> None:
    assert impl.json.dumps([1], default=None) == b"[1]"
    with pytest.raises(JSONEncodeError):
        impl.json.dumps([Opaque()], default=None)


def test_dumps_options_are_keyword_only_and_obj_positional_only(impl: ModuleType) -> None:
    with pytest.raises(TypeError):
        impl.json.dumps([1], None)
    with pytest.raises(TypeError):
        impl.json.dumps(obj=[1])
    with pytest.raises(TypeError):
        impl.json.dumps_str(obj=[1])
    with pytest.raises(TypeError):
        impl.json.dumps([1], unknown=True)
    with pytest.raises(TypeError):
        impl.json.dumps()


def test_loads_data_is_positional_only(impl: ModuleType) -> None:
    with pytest.raises(TypeError):
        impl.json.loads(data="1")
    with pytest.raises(TypeError):
        impl.json.loads()
    with pytest.raises(TypeError):
        impl.json.loads("1", "2")


def test_append_newline(impl: ModuleType) -> None:
    assert impl.json.dumps(1, append_newline=True) == b"1\n"
    assert impl.json.dumps({"a": [1]}, append_newline=True) == b'{"a":[1]}\n'
    assert impl.json.dumps_str([], append_newline=True) == "[]\n"
    assert impl.json.dumps({"a": [1]}, indent=1, append_newline=True) == (
        b'{\n "a": [\n  1\n ]\n}\n'
    )
    assert impl.json.dumps(1, append_newline=False) == b"1"


OPTION_SETS: list[dict[str, Any]] = [
    {},
    {"sort_keys": True},
    {"indent": 0},
    {"indent": 3, "sort_keys": True},
    {"append_newline": True},
    {"indent": 2, "append_newline": True, "non_str_keys": True},
    {"nan": "null", "default": repr},
]


@pytest.mark.parametrize("options", OPTION_SETS, ids=repr)
def test_dumps_str_is_dumps_decoded(impl: ModuleType, options: dict[str, Any]) -> None:
    documents: list[Any] = [
        *PLAIN_DOCUMENTS,
        *INDENT_DOCUMENTS,
        {"k": [Frozen(1, 2), Color.GREEN, Decimal("1.0"), SOME_UUID, dt.date(2020, 1, 1)]},
    ]
    if options.get("non_str_keys"):
        documents.append({1: {None: [True]}, "x": {2.5: "é"}})
    if "nan" in options:
        documents.append([float("nan"), Opaque(), {"s": {1}}])
    for document in documents:
        as_bytes = impl.json.dumps(document, **options)
        as_str = impl.json.dumps_str(document, **options)
        assert type(as_str) is str
        assert as_str == as_bytes.decode("utf-8")


# --- loads: what it accepts --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "null",
        "true",
        "false",
        "0",
        "-1",
        "123456789",
        '""',
        '"abc"',
        '"é\U0001f600\x7f"',
        "[]",
        "{}",
        '[1, 2.5, "x", null, true, false]',
        '{"a": {"b": [{}, []]}, "c": "d"}',
        ' \t\r\n[ \t\r\n1 \t\r\n, \t\r\n{ \t\r\n"a" \t\r\n: \t\r\n2 \t\r\n} \t\r\n] \t\r\n',
        '{"":""}',
        "[[[[[[[[[[[]]]]]]]]]]]",
        '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
        '"\\u0000\\u001f\\u0020\\u00e9\\u00E9\\uFFFF\\uffff"',
        '"\\ud83d\\ude00"',
        '"\\uD83D\\uDE00"',
        '"\u2028\u2029"',
        "1E5",
        "1e+5",
        "1e-5",
        "-0.0",
        "0.5e007",
    ],
)
def test_loads_agrees_with_the_standard_library(impl: ModuleType, text: str) -> None:
    expected = json.loads(text)
    assert_strict_equal(impl.json.loads(text), expected)
    assert_strict_equal(impl.json.loads(text.encode()), expected)


def test_loads_result_types(impl: ModuleType) -> None:
    value = impl.json.loads('{"a": [1, 1.0, "s", true, false, null, {}, []]}')
    assert type(value) is dict
    items = value["a"]
    assert type(items) is list
    assert [type(item) for item in items] == [int, float, str, bool, bool, type(None), dict, list]
    assert items[3] is True
    assert items[4] is False
    assert items[5] is None


@pytest.mark.parametrize(
    "value",
    [2**63, 2**64, -(2**64), -(2**200), 10**4000, -(10**4000) + 1, 10**100 + 7],
    ids=lambda value: f"{len(str(value))} chars",
)
def test_loads_big_ints_are_exact(impl: ModuleType, value: int) -> None:
    text = str(value)
    assert_strict_equal(impl.json.loads(text), value)
    assert_strict_equal(impl.json.loads(f"[{text}]".encode()), [value])


def test_loads_minus_zero_int_is_zero(impl: ModuleType) -> None:
    result = impl.json.loads("-0")
    assert type(result) is int
    assert result == 0
    assert_strict_equal(impl.json.loads("[-0, 0]"), [0, 0])


@pytest.mark.skipif(not hasattr(sys, "get_int_max_str_digits"), reason="no int digit limit")
def test_loads_int_digit_limit(impl: ModuleType) -> None:
    assert sys.get_int_max_str_digits() == 4300
    assert impl.json.loads("9" * 4300) == int("9" * 4300)
    assert impl.json.loads("-" + "9" * 4300) == -int("9" * 4300)
    assert impl.json.loads(b"[" + b"1" * 4300 + b"]") == [int("1" * 4300)]
    for text in ("9" * 4301, "-" + "9" * 4301, "[1, " + "1" * 5000 + "]"):
        with pytest.raises(ValueError, match="4300"):
            impl.json.loads(text)
        with pytest.raises(ValueError, match="4300"):
            impl.json.loads(text.encode())
    # Floats have no digit limit.
    assert impl.json.loads("1" * 5000 + ".5") == float("1" * 5000 + ".5")


FLOAT_LITERALS = [
    "0.0",
    "-0.0",
    "0e0",
    "-0e0",
    "-0E-0",
    "0.1",
    "1.5",
    "-2.5e3",
    "1e400",
    "-1e400",
    "1e-400",
    "-1e-400",
    "5e-324",
    "4.9406564584124654e-324",
    "2.4703282292062327e-324",
    "2.4703282292062328e-324",
    "2.2250738585072011e-308",
    "2.2250738585072012e-308",
    "2.2250738585072014e-308",
    "1.7976931348623157e308",
    "1.7976931348623158e308",
    "1.7976931348623159e308",
    "9007199254740993.0",
    "9007199254740993e0",
    "1e23",
    "8.41e21",
    "0.30000000000000004441",
    "3.141592653589793238462643383279502884197169399375105820974944",
    "123456789012345678901234567890e-30",
    "1e007",
    "1E+0000000000000000000000002",
    "0." + "0" * 400 + "1",
    "1" + "0" * 400 + ".0",
    "1." + "9" * 800,
    "1e" + "9" * 30,
    "1e-" + "9" * 30,
]


@pytest.mark.parametrize("literal", FLOAT_LITERALS, ids=lambda text: text[:40])
def test_loads_floats_equal_float_of_the_literal(impl: ModuleType, literal: str) -> None:
    expected = float(literal)
    result = impl.json.loads(literal)
    assert type(result) is float
    assert repr(result) == repr(expected)
    assert math.copysign(1.0, result) == math.copysign(1.0, expected)
    assert repr(impl.json.loads(f"[{literal}]".encode())[0]) == repr(expected)


def test_loads_duplicate_keys_last_value_at_first_position(impl: ModuleType) -> None:
    result = impl.json.loads('{"a": 1, "b": 2, "a": 3, "c": 4, "b": 5}')
    assert list(result.items()) == [("a", 3), ("b", 5), ("c", 4)]
    assert list(impl.json.loads('{"a":{"x":1},"a":[2]}').items()) == [("a", [2])]
    assert result == json.loads('{"a": 1, "b": 2, "a": 3, "c": 4, "b": 5}')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"\\ud800"', "\ud800"),
        ('"\\udfff"', "\udfff"),
        ('"\\udc00x"', "\udc00x"),
        ('"a\\ud83d"', "a\ud83d"),
        ('"\\ud83dx"', "\ud83dx"),
        ('"\\ud83d\\u0041"', "\ud83dA"),
        ('"\\ude00\\ud83d"', "\ude00\ud83d"),
        ('"\\ud83d\\ud83d\\ude00"', "\ud83d\U0001f600"),
        ('"\\ud83d\\ude00"', "\U0001f600"),
        ('"\\udbff\\udfff"', "\U0010ffff"),
        ('"\\ud800\\udc00"', "\U00010000"),
        ('"\\ud83d\\n"', "\ud83d\n"),
    ],
)
def test_loads_surrogate_escapes(impl: ModuleType, text: str, expected: str) -> None:
    assert impl.json.loads(text) == expected
    assert impl.json.loads(text.encode()) == expected
    assert impl.json.loads(f"{{{text}: [{text}]}}") == {expected: [expected]}
    assert json.loads(text) == expected


def test_loads_lone_surrogate_cannot_be_dumped_back(impl: ModuleType) -> None:
    value = impl.json.loads('"\\ud800"')
    with pytest.raises(JSONEncodeError):
        impl.json.dumps(value)


DOCUMENT = '{"name": "é\U0001f600", "items": [1, 2.5, null]}'
EXPECTED_VALUE = {"name": "é\U0001f600", "items": [1, 2.5, None]}


class ByteString(bytes):
    pass


class TextString(str):
    pass


@pytest.mark.parametrize(
    "make",
    [
        str,
        TextString,
        lambda text: text.encode(),
        lambda text: ByteString(text.encode()),
        lambda text: bytearray(text.encode()),
        lambda text: memoryview(text.encode()),
        lambda text: memoryview(b"  junk" + text.encode() + b"junk  ")[6:-6],
        lambda text: memoryview(bytearray(text.encode())),
        lambda text: array.array("B", text.encode()),
    ],
    ids=[
        "str",
        "str-subclass",
        "bytes",
        "bytes-subclass",
        "bytearray",
        "memoryview",
        "memoryview-slice",
        "memoryview-bytearray",
        "array-B",
    ],
)
def test_loads_input_types(impl: ModuleType, make: Callable[[str], Any]) -> None:
    data = make(DOCUMENT)
    assert_strict_equal(impl.json.loads(data), EXPECTED_VALUE)


def test_loads_does_not_change_its_input(impl: ModuleType) -> None:
    buffer = bytearray(b'{"a": [1, 2]}')
    assert impl.json.loads(buffer) == {"a": [1, 2]}
    assert buffer == bytearray(b'{"a": [1, 2]}')


def test_loads_empty_containers_are_fresh_objects(impl: ModuleType) -> None:
    result = impl.json.loads("[[], [], {}, {}]")
    assert result[0] is not result[1]
    assert result[2] is not result[3]
    result[0].append(1)
    result[2]["k"] = 1
    assert impl.json.loads("[[], [], {}, {}]") == [[], [], {}, {}]


@pytest.mark.parametrize(
    "data",
    [1, 1.5, None, ["[]"], {"a": 1}, ("[]",), object(), Opaque(), b"1".decode],
    ids=repr_id,
)
def test_loads_of_wrong_types_is_a_type_error(impl: ModuleType, data: Any) -> None:
    with pytest.raises(TypeError):
        impl.json.loads(data)


def test_loads_of_a_non_contiguous_buffer_is_refused(impl: ModuleType) -> None:
    # The contract takes C-contiguous buffers only. The brief says BufferError (as in
    # hashing); docs/JSON.md says "anything else is a TypeError": accept either, and
    # test_properties.py checks that both backends raise the same type.
    strided = memoryview(b"[[1,,2]]")[::2]
    assert not strided.c_contiguous
    with pytest.raises((BufferError, TypeError)):
        impl.json.loads(strided)


def test_loads_of_zero_dimensional_buffers(impl: ModuleType) -> None:
    # A 0-dimensional export has no shape (a ctypes scalar, a 0-d NumPy array, a memoryview
    # cast to shape []): C-contiguous by the protocol, and read like any other buffer.
    assert impl.json.loads(ctypes.c_char(b"7")) == 7
    assert impl.json.loads(ctypes.c_uint16.from_buffer_copy(b"[]")) == []
    scalar_view = memoryview(b"5").cast("B", [])
    assert scalar_view.ndim == 0
    assert impl.json.loads(scalar_view) == 5
    with pytest.raises(JSONDecodeError):
        impl.json.loads(ctypes.c_uint32.from_buffer_copy(b"[1]\x00"))


@pytest.mark.skipif(
    sys.version_info < (3, 12), reason="Python classes export buffers from 3.12 (PEP 688)"
)
def test_loads_passes_on_what_a_buffer_exporter_raises(impl: ModuleType) -> None:
    class Refuses:
        def __buffer__(self, flags: int, /) -> memoryview:
            raise ValueError("no buffer today")

    class RefusesWithTypeError:
        def __buffer__(self, flags: int, /) -> memoryview:
            raise TypeError("not this one")

    with pytest.raises(ValueError, match="no buffer today"):
        impl.json.loads(Refuses())
    # A TypeError is loads' own: the argument is not something it reads.
    message = "loads() argument must be str, bytes, bytearray or memoryview, not RefusesWith"
    with pytest.raises(TypeError, match=re.escape(message)):
        impl.json.loads(RefusesWithTypeError())


def test_decode_error_class(impl: ModuleType) -> None:
    from covet_rust_core import _json_errors

    assert impl.json.JSONDecodeError is _json_errors.JSONDecodeError
    assert impl.json.JSONEncodeError is _json_errors.JSONEncodeError
    assert issubclass(JSONDecodeError, json.JSONDecodeError)
    assert issubclass(JSONDecodeError, ValueError)
    assert issubclass(JSONEncodeError, TypeError)


# --- Big documents, reference counts, memory ---------------------------------------------


def test_ten_megabyte_strings(impl: ModuleType) -> None:
    big = "x" * (10 * MIB)
    written = impl.json.dumps(big)
    assert len(written) == 10 * MIB + 2
    assert written == b'"' + big.encode() + b'"'
    assert impl.json.loads(written) == big
    assert impl.json.loads(written.decode()) == big
    assert impl.json.dumps_str([big]) == f'["{big}"]'
    mixed = 'é\U0001f600abcdefgh\n"' * (MIB // 2)  # ~6 M characters, 1 M escapes
    written = impl.json.dumps({"k": mixed})
    assert written == compact({"k": mixed})
    assert impl.json.loads(written) == {"k": mixed}
    assert impl.json.loads(written.decode()) == {"k": mixed}


def test_dumps_does_not_grow_the_strings_it_reads(impl: ModuleType) -> None:
    """A str keeps its size through dumps: no UTF-8 copy is left cached in it (CPython's
    PyUnicode_AsUTF8AndSize would keep one for as long as the string lives: a 10,000
    character CJK string would grow from about 20 KB to 50 KB)."""
    # Made anew (not the code's constants, which another run may have given a cache).
    texts: list[str] = json.loads(
        json.dumps(
            [
                "plain ascii",
                "café crème",  # Latin-1: one byte per character
                "漢字かな交じり" * 1500,  # two bytes per character, ~10,000 characters
                "emoji \U0001f600 and 世界",  # four bytes per character
                "ĀĀ" * 40,
                'quote " and newline \n in wide text ✓',
            ]
        )
    )
    texts.append(Text("a str subclass: " + texts[1]))
    # Values, keys, keys written sorted, and with an indent: every path that reads a str.
    documents: list[Any] = [
        texts,
        {text: index for index, text in enumerate(texts)},
    ]
    sizes = [sys.getsizeof(text) for text in texts]
    for document in documents:
        expected = compact(document)
        assert impl.json.dumps(document) == expected
        impl.json.dumps(document, sort_keys=True)
        impl.json.dumps(document, indent=2)
        impl.json.dumps_str(document, sort_keys=True, indent=1)
    assert [sys.getsizeof(text) for text in texts] == sizes
    # Once CPython has cached a string's UTF-8 form (as PyUnicode_AsUTF8 does), the same
    # text is written.
    as_utf8 = ctypes.pythonapi.PyUnicode_AsUTF8
    as_utf8.argtypes = [ctypes.py_object]
    as_utf8.restype = ctypes.c_char_p
    for text, size in zip(texts, sizes, strict=True):
        before = impl.json.dumps(text)
        assert as_utf8(text) == str.encode(text)
        assert (sys.getsizeof(text) > size) == (not text.isascii())  # the cache is there
        assert impl.json.dumps(text) == before


@pytest.mark.parametrize(
    "document",
    [
        # Outputs from below the size where the buffer may keep its unused room to several
        # MB, in sizes that land at different places between two doublings.
        *(["y" * 1000] * count for count in (120, 131, 200, 700, 1900, 2500, 6000)),
        # Reserved for escapes or wide text it did not need: more than half unused.
        ["\U0001f600" + "x" * 300_000],
        ["é" * 200_000],
    ],
    ids=repr_id,
)
def test_large_outputs_are_whole_bytes_objects(impl: ModuleType, document: list[str]) -> None:
    """A large result (which may keep the buffer's unused room rather than be shrunk to its
    length) is an ordinary bytes object: its length, its hash, its NUL terminator, and the
    operations that read them."""
    expected = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    result = impl.json.dumps(document)
    assert type(result) is bytes
    assert len(result) == len(expected)
    assert result == expected
    assert hash(result) == hash(bytes(bytearray(expected)))
    assert sys.getsizeof(result) == sys.getsizeof(expected)
    # C code that reads the data as a NUL-terminated string stops at the end.
    as_string = ctypes.pythonapi.PyBytes_AsString
    as_string.argtypes = [ctypes.py_object]
    as_string.restype = ctypes.c_void_p
    assert ctypes.string_at(as_string(result)) == expected
    assert (result + b"!")[-2:] == expected[-1:] + b"!"
    assert json.loads(result) == document


@contextlib.contextmanager
def collector_state(enabled: bool) -> Iterator[None]:
    """The cyclic collector switched on or off for the block, restored afterwards."""
    was_enabled = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        yield
    finally:
        (gc.enable if was_enabled else gc.disable)()


def test_loads_leaves_the_collector_as_it_found_it(impl: ModuleType) -> None:
    """A large loads (native: the collector is paused while it parses) leaves the collector
    on or off as it was, after a valid and after an invalid document, and leaves no
    collection due for the next allocation to run: the one the pause deferred is run
    inside loads."""
    document = [{"id": index, "tags": ["a", "b"], "child": {"n": [index]}} for index in range(5000)]
    text = compact(document)
    assert len(text) > 64 * 1024
    threshold = gc.get_threshold()[0]
    for enabled in (True, False):
        with collector_state(enabled):
            gc.collect()
            assert impl.json.loads(text) == document
            assert gc.isenabled() is enabled
            with pytest.raises(JSONDecodeError):
                impl.json.loads(text[:-1])
            assert gc.isenabled() is enabled
            if enabled and threshold > 0:
                # About 20,000 containers were made: without a collection inside loads, the
                # count would be far over the threshold.
                assert gc.get_count()[0] <= threshold
    parsed = impl.json.loads(text)
    # What loads made is tracked by the collector as usual.
    assert gc.is_tracked(parsed)
    assert gc.is_tracked(parsed[0]["tags"])


def test_ten_megabyte_document(impl: ModuleType) -> None:
    document = [
        {"id": index, "name": f"item {index}", "tags": ["a", "b"]} for index in range(100_000)
    ]
    written = impl.json.dumps(document)
    assert len(written) > 4 * MIB
    assert written == compact(document)
    assert impl.json.loads(written) == document


def test_reference_counts_are_unchanged(impl: ModuleType) -> None:
    text = '{"a": [null, true, false, 1, 2.5, "s", {"b": []}], "c": "é"}'
    data = text.encode()
    buffer = bytearray(data)
    leaf = "shared-leaf"
    items = [None, True, False, 1.5, leaf, 10**30, Color.RED, SOME_UUID]
    document = {"k": items, leaf: Frozen(1, 2), "d": Decimal("1.5")}
    opaque = Opaque(leaf)
    failing = [1, {"x": Opaque()}]
    tracked: list[Any] = [text, data, buffer, leaf, items, document, opaque, failing]
    singletons: list[Any] = [None, True, False]

    def default(obj: Any) -> Any:
        return obj.payload

    def run() -> None:
        for _ in range(1000):
            impl.json.loads(text)
            impl.json.loads(data)
            impl.json.loads(buffer)
            impl.json.dumps(document)
            impl.json.dumps_str(document, sort_keys=True, indent=2)
            impl.json.dumps([opaque], default=default)
            with contextlib.suppress(JSONEncodeError):
                impl.json.dumps(failing)
            with contextlib.suppress(JSONDecodeError):
                impl.json.loads(text[:-1])

    run()  # warm-up: caches and interned objects settle
    gc.collect()
    before = [sys.getrefcount(obj) for obj in tracked]
    singletons_before = [sys.getrefcount(obj) for obj in singletons]
    run()
    gc.collect()
    after = [sys.getrefcount(obj) for obj in tracked]
    singletons_after = [sys.getrefcount(obj) for obj in singletons]
    assert after == before
    # None/True/False are shared by the whole interpreter (immortal from 3.12): allow noise,
    # but not one reference per call.
    for count_before, count_after in zip(singletons_before, singletons_after, strict=True):
        assert abs(count_after - count_before) < 100, (singletons_before, singletons_after)


def resident_bytes() -> int | None:
    statm = Path("/proc/self/statm")
    if not statm.exists():
        return None
    return int(statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@skip_under_asan
def test_no_memory_growth_over_many_calls(impl: ModuleType) -> None:
    if resident_bytes() is None:
        pytest.skip("no /proc/self/statm: resident memory cannot be measured here")
    valid = b'{"a": [1, 2.5, "x\\n", null, true], "b": {"c": "\\u00e9\\ud83d\\ude00"}}'
    document = {"a": [1, 2.5, "x", None, True], "b": Frozen(1, 2), "u": SOME_UUID}
    default_calls = [Opaque(1)]

    def call(index: int) -> None:
        kind = index % 8
        try:
            if kind == 0:
                impl.json.loads(valid)
            elif kind == 1:
                impl.json.dumps(document, sort_keys=True, indent=2)
            elif kind == 2:
                impl.json.loads(b'{"a": [1, 2,]}')
            elif kind == 3:
                impl.json.dumps({"a": [Opaque()]})
            elif kind == 4:
                impl.json.loads(b'["\xff"]')
            elif kind == 5:
                impl.json.dumps([float("nan")])
            elif kind == 6:
                impl.json.dumps_str(default_calls, default=lambda obj: obj.payload)
            else:
                impl.json.loads(f'{{"k{index}": "\\ud800", "n": {index}}}')
        except (JSONDecodeError, JSONEncodeError):
            pass

    for index in range(20_000):
        call(index)
    gc.collect()
    before = resident_bytes()
    for index in range(100_000):
        call(index)
    gc.collect()
    after = resident_bytes()
    assert before is not None
    assert after is not None
    growth = after - before
    assert growth < 4 * MIB, f"resident memory grew by {growth / MIB:.1f} MiB over 100k calls"


def test_native_and_twin_are_distinct_modules(impl: ModuleType) -> None:
    # Guards the harness itself: the "rust" case really is the extension.
    module_file = getattr(impl, "__file__", "") or ""
    assert is_native(impl) == module_file.endswith((".so", ".pyd"))
