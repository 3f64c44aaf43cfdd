"""Hypothesis strategies for JSON: documents of plain JSON values, mutated JSON text, byte
tokens of JSON and UTF-8, and documents of anything ``dumps`` may meet (enums, decimals, dates,
dataclasses, objects only ``default`` knows), with that ``default``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

# Text without lone surrogates (dumps refuses those), astral and control characters included.
safe_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
huge_ints = st.integers(min_value=-(10**400), max_value=10**400)
finite_floats = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e16, 1e-05]
)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | huge_ints
    | finite_floats
    | safe_text
    | st.sampled_from(["", '"', "\\", "\x00", "\x1f", "\x7f", "\U0001f600", "\u2028"])
)


def json_documents(max_leaves: int = 30) -> st.SearchStrategy[Any]:
    return st.recursive(
        json_scalars,
        lambda children: (
            st.lists(children, max_size=5) | st.dictionaries(safe_text, children, max_size=5)
        ),
        max_leaves=max_leaves,
    )


documents = json_documents()
indents = st.none() | st.sampled_from([0, 1, 2, 3])


MUTATION_CHARACTERS = [
    *'[]{}",:0123456789-+.eE \t\n\r\\/ubfnrtaxlsNI',
    "\x00",
    "\x01",
    "\x1f",
    "\x7f",
    "\x0c",
    "é",
    "\U0001f600",
    "\ufeff",
    "\u00a0",
    "\ud800",
    "\udc00",
    "//",
    "/*",
    "NaN",
    "Infinity",
    "-Infinity",
    "true",
    "null",
    "\\u",
    "\\ud83d",
    "\\ude00",
    "00",
    "1e",
    '"',
    "[" * 1100,
]


@st.composite
def mutated_texts(draw: st.DrawFn) -> str:
    text = json.dumps(
        draw(json_documents(15)),
        ensure_ascii=draw(st.booleans()),
        indent=draw(indents),
    )
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        piece = draw(st.sampled_from(MUTATION_CHARACTERS))
        if kind == "insert":
            text = text[:where] + piece + text[where:]
        elif kind == "delete":
            text = text[:where] + text[where + 1 :]
        elif kind == "replace":
            text = text[:where] + piece + text[where + 1 :]
        else:
            text = text[:where]
    return text


TOKENS = [
    *(b"[", b"]", b"{", b"}", b'"', b":", b",", b"1", b"-", b".", b"e", b" ", b"\\", b"\n"),
    *(b"\x80", b"\xc3", b"\xc3\xa9", b"\xed\xa0\x80", b"\xf0\x9f\x98\x80", b"\xff", b"\x00"),
    *(b"\xef\xbb\xbf", b"true", b"nul", b"u00e9", b"ud800", b"NaN"),
]


class Tint(enum.Enum):
    RED = 1
    NAME = "name"
    NONE = None
    LIST = [1, 2]  # noqa: RUF012 - an Enum value
    NAN = float("nan")


class Mode(str, enum.Enum):  # noqa: UP042 (the str-mixin Enum that users write)
    READ = "r"


class Size(enum.IntEnum):
    BIG = 10**20


class Opaque:
    """default turns it into its payload; an Opaque without one makes default raise."""

    def __init__(self, payload: Any) -> None:
        self.payload = payload


class DefaultError(Exception):
    pass


def default(obj: Any) -> Any:
    if isinstance(obj, Opaque) and obj.payload is not None:
        return obj.payload
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise DefaultError(type(obj).__qualname__)


@dataclasses.dataclass
class Pair:
    first: Any
    second: Any


offsets = st.timedeltas(
    min_value=dt.timedelta(hours=-23, minutes=-59), max_value=dt.timedelta(hours=23, minutes=59)
)
timezones = st.none() | st.just(dt.UTC) | offsets.map(dt.timezone)
any_scalars = (
    json_scalars
    | st.floats()
    | st.text(max_size=8)
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.sampled_from([Decimal("sNaN"), Decimal("-NaN"), Decimal("-0"), Decimal("1E+2")])
    | st.datetimes(timezones=timezones)
    | st.dates()
    | st.times(timezones=timezones)
    | st.uuids()
    | st.sampled_from([*Tint, *Mode, *Size])
    | st.sampled_from([b"bytes", 1j, frozenset([1]), {2, 1}, object, Opaque(None)])
)
any_keys = (
    safe_text
    | st.text(max_size=4)
    | st.integers()
    | st.floats()
    | st.booleans()
    | st.none()
    | st.uuids()
    | st.dates()
    | st.sampled_from([Tint.RED, Tint.NAME, Tint.NONE, Mode.READ, Size.BIG, (1, 2), b"k"])
    | st.decimals(allow_nan=False, allow_infinity=False)
)


def any_documents() -> st.SearchStrategy[Any]:
    return st.recursive(
        any_scalars,
        lambda children: (
            st.lists(children, max_size=4)
            | st.lists(children, max_size=3).map(tuple)
            | st.dictionaries(any_keys, children, max_size=4)
            | st.builds(Pair, children, children)
            | children.map(Opaque)
        ),
        max_leaves=20,
    )
