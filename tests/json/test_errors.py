"""JSON errors and limits on both implementations (docs/JSON.md): ``JSONEncodeError`` messages
and paths, NaN policies, lone surrogates, nesting depth, circular references, and every
``loads`` rejection with its message and position."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import enum
import json
import pickle
import uuid
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from covet_rust_core._json_errors import JSONDecodeError, JSONEncodeError

from tests.support.ids import repr_id
from tests.support.json_checks import expect_decode_error
from tests.support.nesting import nested_dicts, nested_lists

LIMIT = 1024


class Holder:
    class Nested:
        pass


class Opaque:
    def __init__(self, payload: Any = None) -> None:
        self.payload = payload


class Color(enum.Enum):
    RED = 1


class Level(enum.IntEnum):
    LOW = 1


class Broken(enum.Enum):
    OBJECT = Holder.Nested()
    NAN = float("nan")
    LONE = "\ud800"


class Real(float):
    def __repr__(self) -> str:
        return "not this"


@dataclasses.dataclass
class Record:
    field: Any


@dataclasses.dataclass
class Node:
    child: Any = None
    children: list[Any] = dataclasses.field(default_factory=list)


def encode_error(module: ModuleType, obj: Any, **options: Any) -> str:
    """The message of the JSONEncodeError that dumps and dumps_str both raise."""
    with pytest.raises(JSONEncodeError) as caught:
        module.json.dumps(obj, **options)
    assert type(caught.value) is JSONEncodeError
    message = str(caught.value)
    with pytest.raises(JSONEncodeError) as caught_str:
        module.json.dumps_str(obj, **options)
    assert str(caught_str.value) == message
    return message


def assert_key_must_be_str(message: str, qualname: str, path: str) -> None:
    # docs/JSON.md writes the message followed by "(pass non_str_keys=True)" outside the
    # code span: read as a hint in the doc or as part of the message, both are accepted.
    base = f"Dict key must be str, not {qualname} at {path}"
    assert message in {base, f"{base} (pass non_str_keys=True)"}, message


# --- Unsupported types -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "qualname"),
    [
        (object(), "object"),
        ({1, 2}, "set"),
        (frozenset(), "frozenset"),
        (b"bytes", "bytes"),
        (bytearray(b"x"), "bytearray"),
        (memoryview(b"x"), "memoryview"),
        (1 + 2j, "complex"),
        (range(3), "range"),
        (Opaque(), "Opaque"),
        (Holder.Nested(), "Holder.Nested"),
        (Record, "type"),  # a dataclass class is not a dataclass instance
        (Holder, "type"),
        (len, "builtin_function_or_method"),
        (dt.timedelta(1), "timedelta"),
        (iter([]), "list_iterator"),
    ],
    ids=lambda value: type(value).__qualname__,
)
def test_unsupported_types(impl: ModuleType, value: Any, qualname: str) -> None:
    assert encode_error(impl, value) == f"Type is not JSON serializable: {qualname} at $"
    assert encode_error(impl, {"a": [0, value]}) == (
        f'Type is not JSON serializable: {qualname} at $["a"][1]'
    )


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ([Opaque()], "$[0]"),
        ((1, (2, Opaque())), "$[1][1]"),
        ({"a": {"b": [0, 1, 2, Opaque()]}}, '$["a"]["b"][3]'),
        ([{"x": Opaque()}], '$[0]["x"]'),
        ({'q"b\\s\n': Opaque()}, '$["q\\"b\\\\s\\n"]'),
        ({"": [Opaque()]}, '$[""][0]'),
        (Record(Opaque()), '$["field"]'),
        ([Record([1, Record(Opaque())])], '$[0]["field"][1]["field"]'),
        (Node(children=[Node(), Node(child=Opaque())]), '$["children"][1]["child"]'),
        ([Broken.OBJECT], "$[0]"),
    ],
)
def test_unsupported_type_paths(impl: ModuleType, document: Any, path: str) -> None:
    message = encode_error(impl, document)
    assert message.startswith("Type is not JSON serializable: ")
    assert message.endswith(f" at {path}")
    # The options change the text, not the place.
    assert encode_error(impl, document, indent=2, sort_keys=True) == message


def test_unsupported_type_path_under_a_converted_key(impl: ModuleType) -> None:
    assert encode_error(impl, {1: Opaque()}, non_str_keys=True) == (
        'Type is not JSON serializable: Opaque at $["1"]'
    )
    assert encode_error(impl, {"a": {None: [Opaque()]}}, non_str_keys=True) == (
        'Type is not JSON serializable: Opaque at $["a"]["null"][0]'
    )


def test_first_problem_in_document_order_is_reported(impl: ModuleType) -> None:
    assert encode_error(impl, [1, Opaque(), {1, 2}]) == (
        "Type is not JSON serializable: Opaque at $[1]"
    )
    assert encode_error(impl, {"b": [set()], "a": Opaque()}) == (
        'Type is not JSON serializable: set at $["b"][0]'
    )


def test_a_dataclass_class_goes_to_default(impl: ModuleType) -> None:
    seen: list[Any] = []

    def default(obj: Any) -> Any:
        seen.append(obj)
        return obj.__name__

    assert impl.json.dumps({"cls": Record}, default=default) == b'{"cls":"Record"}'
    assert seen == [Record]


def test_encode_error_is_a_type_error(impl: ModuleType) -> None:
    caught: Exception | None = None
    try:
        impl.json.dumps([Opaque()])
    except TypeError as error:
        caught = error
    assert isinstance(caught, JSONEncodeError)


# --- Dict keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "qualname"),
    [
        (1, "int"),
        (True, "bool"),
        (None, "NoneType"),
        (1.5, "float"),
        (float("nan"), "float"),
        (Color.RED, "Color"),
        (Level.LOW, "Level"),
        ((1, 2), "tuple"),
        (uuid.UUID(int=1), "UUID"),
        (dt.date(2024, 1, 1), "date"),
        (dt.datetime(2024, 1, 1), "datetime"),
        (Decimal(1), "Decimal"),
        (b"k", "bytes"),
        (Holder.Nested(), "Holder.Nested"),
    ],
    ids=repr_id,
)
def test_non_str_key_without_the_option(impl: ModuleType, key: Any, qualname: str) -> None:
    assert_key_must_be_str(encode_error(impl, {key: 1}), qualname, "$")
    assert_key_must_be_str(encode_error(impl, {"a": [{"ok": 1, key: 2}]}), qualname, '$["a"][0]')
    assert_key_must_be_str(
        encode_error(impl, {"a": {key: 1}}, sort_keys=True, indent=1), qualname, '$["a"]'
    )


@pytest.mark.parametrize(
    ("key", "qualname"),
    [
        ((1, 2), "tuple"),
        (Decimal("1.5"), "Decimal"),
        (frozenset(), "frozenset"),
        (b"k", "bytes"),
        (Opaque(), "Opaque"),
        (Holder.Nested(), "Holder.Nested"),
        (dt.timedelta(0), "timedelta"),
        (1 + 1j, "complex"),
    ],
    ids=repr_id,
)
def test_unsupported_key_type_with_the_option(impl: ModuleType, key: Any, qualname: str) -> None:
    options: dict[str, Any] = {"non_str_keys": True}
    assert encode_error(impl, {key: 1}, **options) == (
        f"Dict key type is not supported: {qualname} at $"
    )
    assert encode_error(impl, [{"a": {key: 1}}], **options) == (
        f'Dict key type is not supported: {qualname} at $[0]["a"]'
    )


def test_default_is_not_used_for_keys(impl: ModuleType) -> None:
    calls: list[Any] = []

    def default(obj: Any) -> Any:
        calls.append(obj)
        return "converted"

    assert encode_error(impl, {Opaque(): 1}, non_str_keys=True, default=default) == (
        "Dict key type is not supported: Opaque at $"
    )
    assert_key_must_be_str(encode_error(impl, {Opaque(): 1}, default=default), "Opaque", "$")
    assert calls == []


@pytest.mark.parametrize(
    ("key", "text"),
    [(float("nan"), "nan"), (float("inf"), "inf"), (float("-inf"), "-inf"), (Real("inf"), "inf")],
    ids=repr,
)
@pytest.mark.parametrize("nan", ["error", "null"])
def test_non_finite_float_key_is_always_an_error(
    impl: ModuleType, key: float, text: str, nan: str
) -> None:
    assert encode_error(impl, {key: 1}, non_str_keys=True, nan=nan) == (
        f"Out of range float value {text} at $"
    )
    assert encode_error(impl, {"a": [{key: 1}]}, non_str_keys=True, nan=nan) == (
        f'Out of range float value {text} at $["a"][0]'
    )


# --- NaN and infinity --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (float("-inf"), "-inf"),
        (Real("nan"), "nan"),
        (Real("-inf"), "-inf"),
        (Decimal("NaN"), "NaN"),
        (Decimal("-NaN"), "-NaN"),
        (Decimal("NaN123"), "NaN123"),
        (Decimal("sNaN"), "sNaN"),
        (Decimal("Infinity"), "Infinity"),
        (Decimal("-Infinity"), "-Infinity"),
        (Broken.NAN, "nan"),
    ],
    ids=repr,
)
def test_non_finite_values_with_nan_error(impl: ModuleType, value: Any, text: str) -> None:
    expected = f"Out of range float value {text} at $"
    assert encode_error(impl, value) == expected
    assert encode_error(impl, value, nan="error") == expected
    assert encode_error(impl, {"a": [1, value]}, indent=2) == (
        f'Out of range float value {text} at $["a"][1]'
    )
    assert encode_error(impl, Record(value)) == (f'Out of range float value {text} at $["field"]')


def test_nan_null_for_an_enum_value(impl: ModuleType) -> None:
    assert impl.json.dumps([Broken.NAN], nan="null") == b"[null]"


# --- Lone surrogates ---------------------------------------------------------------------


class Text(str):
    pass


@pytest.mark.parametrize(
    "text", ["\ud800", "a\udfffb", "\ud83d\ude00", "ok\U0001f600\udc00", Text("\ud800")], ids=ascii
)
def test_lone_surrogate_in_a_value(impl: ModuleType, text: str) -> None:
    assert encode_error(impl, text) == "str contains a lone surrogate at $"
    assert encode_error(impl, ["fine", text]) == "str contains a lone surrogate at $[1]"
    assert encode_error(impl, {"k": text}, sort_keys=True) == (
        'str contains a lone surrogate at $["k"]'
    )
    assert encode_error(impl, Record(text)) == ('str contains a lone surrogate at $["field"]')


def test_lone_surrogate_in_an_enum_value(impl: ModuleType) -> None:
    assert encode_error(impl, [Broken.LONE]) == "str contains a lone surrogate at $[0]"


@pytest.mark.parametrize("key", ["\ud800", "x\udfff", Text("\udbff")], ids=ascii)
@pytest.mark.parametrize("non_str_keys", [False, True])
def test_lone_surrogate_in_a_key(impl: ModuleType, key: str, non_str_keys: bool) -> None:
    options: dict[str, Any] = {"non_str_keys": non_str_keys}
    assert encode_error(impl, {key: 1}, **options) == "str contains a lone surrogate at $"
    assert encode_error(impl, {"a": [{"b": 1, key: 2}]}, **options) == (
        'str contains a lone surrogate at $["a"][0]'
    )
    assert encode_error(impl, {"a": {key: 1}}, sort_keys=True, **options) == (
        'str contains a lone surrogate at $["a"]'
    )


# --- Depth -------------------------------------------------------------------------------


def nested_records(depth: int) -> Record:
    value = Record(None)
    for _ in range(depth - 1):
        value = Record(value)
    return value


def too_deep(path: str) -> str:
    return f"Nesting too deep (limit {LIMIT}) at {path}"


def test_dumps_depth_limit_with_lists(impl: ModuleType) -> None:
    assert impl.json.dumps(nested_lists(LIMIT)) == b"[" * LIMIT + b"]" * LIMIT
    assert impl.json.dumps(nested_lists(LIMIT, 7)) == b"[" * LIMIT + b"7" + b"]" * LIMIT
    assert encode_error(impl, nested_lists(LIMIT + 1)) == too_deep("$" + "[0]" * LIMIT)
    assert encode_error(impl, nested_lists(LIMIT + 1), indent=1) == too_deep("$" + "[0]" * LIMIT)
    tuples: Any = ()
    for _ in range(LIMIT):
        tuples = (tuples,)
    assert encode_error(impl, tuples) == too_deep("$" + "[0]" * LIMIT)


def test_dumps_depth_limit_with_dicts(impl: ModuleType) -> None:
    assert impl.json.dumps(nested_dicts(LIMIT)) == b'{"k":' * (LIMIT - 1) + b"{}" + b"}" * (
        LIMIT - 1
    )
    assert encode_error(impl, nested_dicts(LIMIT + 1), sort_keys=True) == too_deep(
        "$" + '["k"]' * LIMIT
    )


def test_dumps_depth_limit_with_dataclasses(impl: ModuleType) -> None:
    written = impl.json.dumps(nested_records(LIMIT))
    assert written == b'{"field":' * (LIMIT - 1) + b'{"field":null}' + b"}" * (LIMIT - 1)
    assert encode_error(impl, nested_records(LIMIT + 1)) == too_deep("$" + '["field"]' * LIMIT)


def test_dumps_depth_counts_under_a_deep_root(impl: ModuleType) -> None:
    # 1023 lists, then a dict and a list: the list is at depth 1025.
    document = nested_lists(LIMIT - 1, {"a": []})
    assert encode_error(impl, document) == too_deep("$" + "[0]" * (LIMIT - 1) + '["a"]')
    assert impl.json.dumps(nested_lists(LIMIT - 1, {"a": 1})).count(b"[") == LIMIT - 1


def test_default_and_enum_results_take_the_place_of_the_value(impl: ModuleType) -> None:
    inside = nested_lists(LIMIT - 1, Opaque())
    assert impl.json.dumps(inside, default=lambda _: []) == b"[" * LIMIT + b"]" * LIMIT
    assert encode_error(impl, inside, default=lambda _: [[]]) == too_deep("$" + "[0]" * LIMIT)
    shape = enum.Enum("shape", {"DEEP": [[]], "FLAT": []})
    assert impl.json.dumps(nested_lists(LIMIT - 1, shape.FLAT)) == b"[" * LIMIT + b"]" * LIMIT
    assert encode_error(impl, nested_lists(LIMIT - 1, shape.DEEP)) == too_deep("$" + "[0]" * LIMIT)


def test_endless_default_nesting_stops_at_the_limit(impl: ModuleType) -> None:
    # A fresh list each time: no container repeats, so this is depth, not a cycle.
    assert encode_error(impl, Opaque(), default=lambda obj: [obj]) == too_deep("$" + "[0]" * LIMIT)


def test_very_deep_input_is_an_error_not_a_crash(impl: ModuleType) -> None:
    for document in (nested_lists(100_000), nested_dicts(50_000), nested_records(20_000)):
        message = encode_error(impl, document)
        assert message.startswith(f"Nesting too deep (limit {LIMIT}) at $")


# --- Circular references -----------------------------------------------------------------


def circular(path: str) -> str:
    return f"Circular reference detected at {path}"


def test_circular_list(impl: ModuleType) -> None:
    loop: list[Any] = []
    loop.append(loop)
    assert encode_error(impl, loop) == circular("$[0]")
    assert encode_error(impl, {"k": [1, loop]}, indent=2) == circular('$["k"][1][0]')
    inner: list[Any] = [1, 2, []]
    inner[2].append(inner)
    assert encode_error(impl, inner) == circular("$[2][0]")


def test_circular_dict(impl: ModuleType) -> None:
    loop: dict[str, Any] = {}
    loop["self"] = loop
    assert encode_error(impl, loop) == circular('$["self"]')
    assert encode_error(impl, loop, sort_keys=True) == circular('$["self"]')
    outer: dict[str, Any] = {"x": [loop]}
    outer["y"] = outer
    assert encode_error(impl, outer) == circular('$["x"][0]["self"]')


def test_circular_through_several_containers(impl: ModuleType) -> None:
    first: list[Any] = []
    second: list[Any] = [first]
    first.append(second)
    assert encode_error(impl, first) == circular("$[0][0]")
    deep: list[Any] = [[[]]]
    deep[0][0].append(deep[0])
    assert encode_error(impl, deep) == circular("$[0][0][0]")
    mixed: dict[str, Any] = {"a": [{"b": None}]}
    mixed["a"][0]["b"] = mixed["a"]
    assert encode_error(impl, mixed) == circular('$["a"][0]["b"]')


def test_circular_through_a_dataclass(impl: ModuleType) -> None:
    node = Node()
    node.child = node
    assert encode_error(impl, node) == circular('$["child"]')
    parent = Node()
    parent.children.append(Node(child=parent))
    assert encode_error(impl, [parent]) == circular('$[0]["children"][0]["child"]')


def test_circular_through_default_and_enum(impl: ModuleType) -> None:
    opaque = Opaque()
    holder: list[Any] = [opaque]
    assert encode_error(impl, holder, default=lambda _: holder) == circular("$[0]")
    values: list[Any] = []
    looped = enum.Enum("looped", {"SELF": values})
    values.append(looped.SELF)
    assert encode_error(impl, looped.SELF) == circular("$[0]")


def test_shared_references_are_not_circular(impl: ModuleType) -> None:
    shared: list[Any] = [1, {"a": 2}]
    document = {"x": shared, "y": [shared, shared], "z": Record(shared)}
    expected = b'{"x":[1,{"a":2}],"y":[[1,{"a":2}],[1,{"a":2}]],"z":{"field":[1,{"a":2}]}}'
    assert impl.json.dumps(document) == expected
    chain: list[Any] = []
    for _ in range(14):
        chain = [chain, chain]
    assert impl.json.dumps(chain).count(b"[]") == 2**14


def test_circular_error_repeats_and_leaves_the_objects_alone(impl: ModuleType) -> None:
    loop: list[Any] = [1]
    loop.append(loop)
    for _ in range(50):
        assert encode_error(impl, loop) == circular("$[1]")
    assert len(loop) == 2
    assert loop[1] is loop
    loop.pop()
    assert impl.json.dumps(loop) == b"[1]"


# --- loads: every rejection, with message and position -----------------------------------

EXPECTING_VALUE = "Expecting value"
TRAILING_ARRAY = "Illegal trailing comma before end of array"
TRAILING_OBJECT = "Illegal trailing comma before end of object"
PROPERTY_NAME = "Expecting property name enclosed in double quotes"
COLON = "Expecting ':' delimiter"
COMMA = "Expecting ',' delimiter"
UNTERMINATED = "Unterminated string starting at"
CONTROL = "Invalid control character at"
ESCAPE = "Invalid \\escape"
UNICODE_ESCAPE = "Invalid \\uXXXX escape"
EXTRA = "Extra data"
BOM = "Unexpected UTF-8 BOM"
INVALID_UTF8 = "Invalid UTF-8"

DECODE_ERRORS: list[tuple[str, str, int]] = [
    # Nothing where a value must start: the end of the input.
    ("", EXPECTING_VALUE, 0),
    ("   ", EXPECTING_VALUE, 3),
    (" \t\r\n", EXPECTING_VALUE, 4),
    ("[", EXPECTING_VALUE, 1),
    ("[1,", EXPECTING_VALUE, 3),
    ("[1, ", EXPECTING_VALUE, 4),
    ('{"a":', EXPECTING_VALUE, 5),
    ('{"a": \n', EXPECTING_VALUE, 7),
    # A character that cannot start a value.
    ("x", EXPECTING_VALUE, 0),
    ("[x]", EXPECTING_VALUE, 1),
    ('{"a":x}', EXPECTING_VALUE, 5),
    ("[1,,]", EXPECTING_VALUE, 3),
    ("[,]", EXPECTING_VALUE, 1),
    ("[,1]", EXPECTING_VALUE, 1),
    ("]", EXPECTING_VALUE, 0),
    ("}", EXPECTING_VALUE, 0),
    (",", EXPECTING_VALUE, 0),
    (":", EXPECTING_VALUE, 0),
    ("-", EXPECTING_VALUE, 0),
    ("[-]", EXPECTING_VALUE, 1),
    ("-a", EXPECTING_VALUE, 0),
    ("- 1", EXPECTING_VALUE, 0),
    ("+1", EXPECTING_VALUE, 0),
    (".5", EXPECTING_VALUE, 0),
    ("[.5]", EXPECTING_VALUE, 1),
    ("tru", EXPECTING_VALUE, 0),
    ("True", EXPECTING_VALUE, 0),
    ("nul", EXPECTING_VALUE, 0),
    ("[fals]", EXPECTING_VALUE, 1),
    ("[1, tRue]", EXPECTING_VALUE, 4),
    ("nan", EXPECTING_VALUE, 0),
    ("inf", EXPECTING_VALUE, 0),
    ("None", EXPECTING_VALUE, 0),
    ("'a'", EXPECTING_VALUE, 0),
    ("['a']", EXPECTING_VALUE, 1),
    ("\x0c1", EXPECTING_VALUE, 0),
    ("\x0b[]", EXPECTING_VALUE, 0),
    ("\u00a01", EXPECTING_VALUE, 0),
    ("[\u20281]", EXPECTING_VALUE, 1),
    ("[1,\x0c2]", EXPECTING_VALUE, 3),
    ("\x00", EXPECTING_VALUE, 0),
    ("// comment\n1", EXPECTING_VALUE, 0),
    ("/* comment */ 1", EXPECTING_VALUE, 0),
    ("[/**/1]", EXPECTING_VALUE, 1),
    ("# comment\n1", EXPECTING_VALUE, 0),
    ("\U0001f600", EXPECTING_VALUE, 0),
    ("é", EXPECTING_VALUE, 0),
    ('["é", x]', EXPECTING_VALUE, 6),
    ('["\U0001f600\U0001f600", x]', EXPECTING_VALUE, 7),
    ("[\ufeff]", EXPECTING_VALUE, 1),
    (" \ufeff1", EXPECTING_VALUE, 1),
    # NaN and infinities.
    ("NaN", "NaN is not allowed in JSON", 0),
    ("Infinity", "Infinity is not allowed in JSON", 0),
    ("-Infinity", "-Infinity is not allowed in JSON", 0),
    ("  NaN  ", "NaN is not allowed in JSON", 2),
    ("[1, NaN]", "NaN is not allowed in JSON", 4),
    ('{"a": Infinity}', "Infinity is not allowed in JSON", 6),
    ("[-Infinity]", "-Infinity is not allowed in JSON", 1),
    # Trailing commas.
    ("[1,]", TRAILING_ARRAY, 2),
    ("[1, ]", TRAILING_ARRAY, 2),
    ("[1 ,\n]", TRAILING_ARRAY, 3),
    ("[[],]", TRAILING_ARRAY, 3),
    ('[{"a":[1,]}]', TRAILING_ARRAY, 8),
    ('{"a":1,}', TRAILING_OBJECT, 6),
    ('{"a":1 , }', TRAILING_OBJECT, 7),
    ('[{"a":{"b":2,}}]', TRAILING_OBJECT, 12),
    # Property names.
    ("{1:2}", PROPERTY_NAME, 1),
    ("{'a':1}", PROPERTY_NAME, 1),
    ('{"a":1,2}', PROPERTY_NAME, 7),
    ('{"a":1, x}', PROPERTY_NAME, 8),
    ("{a:1}", PROPERTY_NAME, 1),
    ("{NaN:1}", PROPERTY_NAME, 1),
    ("{,}", PROPERTY_NAME, 1),
    ('{"a":1,,"b":2}', PROPERTY_NAME, 7),
    ("{", PROPERTY_NAME, 1),
    ("{ ", PROPERTY_NAME, 2),
    ('{"a":1,', PROPERTY_NAME, 7),
    # Colons.
    ('{"a" 1}', COLON, 5),
    ('{"a",1}', COLON, 4),
    ('{"a"}', COLON, 4),
    ('{"a"', COLON, 4),
    ('{"a" ', COLON, 5),
    ('{"a":1, "b"}', COLON, 11),
    # Commas.
    ("[1 2]", COMMA, 3),
    ("[1", COMMA, 2),
    ("[1 ", COMMA, 3),
    ('{"a":1 "b":2}', COMMA, 7),
    ('{"a":1', COMMA, 6),
    ("[01]", COMMA, 2),
    ('{"a":01}', COMMA, 6),
    ("[1}", COMMA, 2),
    ('{"a":1]', COMMA, 6),
    ("[1 /* c */]", COMMA, 3),
    ("[true false]", COMMA, 6),
    ("[1.]", COMMA, 2),
    ("[1e5.5]", COMMA, 4),
    ("[-0-1]", COMMA, 3),
    ("[1.2.3]", COMMA, 4),
    ('["a""b"]', COMMA, 4),
    ("[1\x0c]", COMMA, 2),
    ("[nullnull]", COMMA, 5),
    # Strings.
    ('"abc', UNTERMINATED, 0),
    ('"', UNTERMINATED, 0),
    ('["abc', UNTERMINATED, 1),
    ('{"a', UNTERMINATED, 1),
    ('{"a":"b', UNTERMINATED, 5),
    ('"abc\\"', UNTERMINATED, 0),
    ('"\\\\', UNTERMINATED, 0),
    ('"é\U0001f600', UNTERMINATED, 0),
    ('["é", "abc', UNTERMINATED, 6),
    ('"a\x01"', CONTROL, 2),
    ('"abc\x01', CONTROL, 4),
    ('"\t"', CONTROL, 1),
    ('["ok", "a\nb"]', CONTROL, 9),
    ('{"a\x00":1}', CONTROL, 3),
    ('"é\x1f"', CONTROL, 2),
    ('"\\x"', ESCAPE, 1),
    ('"ab\\q"', ESCAPE, 3),
    ('"\\U0041"', ESCAPE, 1),
    ('"\\\'"', ESCAPE, 1),
    ('"\\a"', ESCAPE, 1),
    ('"\\0"', ESCAPE, 1),
    ('"\\ "', ESCAPE, 1),
    ('"\\\n"', ESCAPE, 1),
    ('"\\é"', ESCAPE, 1),
    ('{"\\x": 1}', ESCAPE, 2),
    ('"é\\x"', ESCAPE, 2),
    ('"\\u12"', UNICODE_ESCAPE, 1),
    ('"\\u12G4"', UNICODE_ESCAPE, 1),
    ('"\\u"', UNICODE_ESCAPE, 1),
    ('"ab\\u00"', UNICODE_ESCAPE, 3),
    ('"\\u 123"', UNICODE_ESCAPE, 1),
    ('"\\u+123"', UNICODE_ESCAPE, 1),
    ('"\\u-123"', UNICODE_ESCAPE, 1),
    ('"\\u0x12"', UNICODE_ESCAPE, 1),
    ('"\\u00é9"', UNICODE_ESCAPE, 1),
    ('"\\u\uff11\uff12\uff13\uff14"', UNICODE_ESCAPE, 1),  # full-width digits
    ('"\\uD800\\u12"', UNICODE_ESCAPE, 7),
    ('"\\ud800\\uzzzz"', UNICODE_ESCAPE, 7),
    ('{"\\u12": 1}', UNICODE_ESCAPE, 2),
    ('"\\u12', UNICODE_ESCAPE, 1),
    # After the value.
    ("1 2", EXTRA, 2),
    ("01", EXTRA, 1),
    ("00", EXTRA, 1),
    ("-01", EXTRA, 2),
    ("[] x", EXTRA, 3),
    ("{}{}", EXTRA, 2),
    ("[]]", EXTRA, 2),
    ("1.", EXTRA, 1),
    ("2.", EXTRA, 1),
    ("1.e5", EXTRA, 1),
    ("1e", EXTRA, 1),
    ("1e+", EXTRA, 1),
    ("1E-", EXTRA, 1),
    ("1.5e", EXTRA, 3),
    ("1e5e5", EXTRA, 3),
    ("0.5.", EXTRA, 3),
    ("-0-", EXTRA, 2),
    ("0x10", EXTRA, 1),
    ("1_000", EXTRA, 1),
    ("truex", EXTRA, 4),
    ("nulll", EXTRA, 4),
    ("true false", EXTRA, 5),
    ('"a" "b"', EXTRA, 4),
    ('"é" x', EXTRA, 4),
    ("1\n\n2", EXTRA, 3),
    ("[1]\n\n  x", EXTRA, 7),
    ("1 // c", EXTRA, 2),
    ("1 /* c */", EXTRA, 2),
    ("1\x00", EXTRA, 1),
    ("[]\x0c", EXTRA, 2),
    ("[]\u00a0", EXTRA, 2),
    ("1\ufeff", EXTRA, 1),
    ("1 NaN", EXTRA, 2),
    # Byte order mark.
    ("\ufeff{}", BOM, 0),
    ("\ufeff", BOM, 0),
    ("\ufeffx", BOM, 0),
    ("\ufeff\ufeff1", BOM, 0),
]


@pytest.mark.parametrize(("text", "msg", "pos"), DECODE_ERRORS, ids=ascii)
def test_decode_error_message_and_position(impl: ModuleType, text: str, msg: str, pos: int) -> None:
    expect_decode_error(impl, text, msg, pos)
    # Bytes input: the same message at the same character (not byte) position.
    expect_decode_error(impl, text.encode(), msg, pos)
    expect_decode_error(impl, bytearray(text.encode()), msg, pos)


@pytest.mark.parametrize("code", range(0x20))
def test_every_control_character_in_a_string_is_refused(impl: ModuleType, code: int) -> None:
    text = f'["ab{chr(code)}cd"]'
    expect_decode_error(impl, text, CONTROL, 4)
    expect_decode_error(impl, text.encode(), CONTROL, 4)
    expect_decode_error(impl, f'{{"k{chr(code)}": 1}}', CONTROL, 3)


def test_delete_character_in_a_string_is_accepted(impl: ModuleType) -> None:
    assert impl.json.loads('"\x7f"') == "\x7f"
    assert impl.json.loads(b'"\x7f\xc2\x80\xc2\x9f"') == "\x7f\x80\x9f"


@pytest.mark.parametrize(
    ("data", "pos"),
    [
        (b'"\x80"', 1),  # lone continuation byte
        (b'["\xc3\xa9", "\x80"]', 7),  # after a two-byte character: a character index
        (b'"\xe2\x82"', 1),  # truncated three-byte sequence
        (b'"\xe2\x82', 1),  # truncated at the end of the input
        (b'"\xc3', 1),
        (b'"\xc3"', 1),
        (b'"\xc0\xaf"', 1),  # overlong two-byte
        (b'"\xe0\x80\xaf"', 1),  # overlong three-byte
        (b'"\xf0\x80\x80\xaf"', 1),  # overlong four-byte
        (b'"\xed\xa0\x80"', 1),  # a surrogate, encoded
        (b'"\xed\xb0\x80"', 1),
        (b'"\xf4\x90\x80\x80"', 1),  # above U+10FFFF
        (b'"\xf5\x80\x80\x80"', 1),
        (b'"\xff"', 1),
        (b'"\xfe\xff"', 1),
        (b"\xfe", 0),
        (b"x\xff", 1),  # decoded first: reported before the syntax error at 0
        (b"[1]\xff", 3),  # not "Extra data"
        (b"[1,]\xff", 4),  # not the trailing comma
        (b'"\xf0\x9f\x98\x80\xf0\x9f\x98"', 2),  # after an astral character
        (b"\xef\xbb", 0),  # a truncated BOM
        (b'"ok"\n\n  \x80', 8),
        (b'["\xe9\xe9"]', 2),  # Latin-1
        (b'"\xc3\xa9\xe2\x82\xac\x80"', 3),
        (b'{"\xc3\xa9": 1, "k\xc3": 2}', 11),
    ],
    ids=lambda value: value.hex() if isinstance(value, bytes) else str(value),
)
def test_invalid_utf8(impl: ModuleType, data: bytes, pos: int) -> None:
    error = expect_decode_error(impl, data, INVALID_UTF8, pos)
    assert error.doc == data.decode("utf-8", errors="replace")
    assert error.doc[pos] == "\ufffd"
    expect_decode_error(impl, memoryview(data), INVALID_UTF8, pos)


def test_bom_in_bytes(impl: ModuleType) -> None:
    error = expect_decode_error(impl, b"\xef\xbb\xbf{}", BOM, 0)
    assert error.doc == "\ufeff{}"
    expect_decode_error(impl, b"\xef\xbb\xbf", BOM, 0)
    expect_decode_error(impl, b"\xef\xbb\xbf[1,]", BOM, 0)
    expect_decode_error(impl, bytearray(b"\xef\xbb\xbf1"), BOM, 0)
    expect_decode_error(impl, b" \xef\xbb\xbf1", EXPECTING_VALUE, 1)


def test_multi_line_positions(impl: ModuleType) -> None:
    text = '{\n  "a": 1,\n  "b": x\n}'
    error = expect_decode_error(impl, text, EXPECTING_VALUE, text.index("x"))
    assert (error.lineno, error.colno) == (3, 8)
    text = "[\r\n  1,\r\n  ]"
    error = expect_decode_error(impl, text, TRAILING_ARRAY, text.index(","))
    assert (error.lineno, error.colno) == (2, 4)
    text = '[\n"é\U0001f600",\n"é\U0001f600" 3]'
    error = expect_decode_error(impl, text, COMMA, text.index("3"))
    assert (error.lineno, error.colno) == (3, 6)
    error = expect_decode_error(impl, text.encode(), COMMA, text.index("3"))
    assert (error.lineno, error.colno) == (3, 6)
    text = "\n\n\n   "
    error = expect_decode_error(impl, text, EXPECTING_VALUE, 6)
    assert (error.lineno, error.colno) == (4, 4)
    text = '{"k":\n  "abc'
    error = expect_decode_error(impl, text, UNTERMINATED, 8)
    assert (error.lineno, error.colno) == (2, 3)


def test_decode_positions_after_non_ascii_text(impl: ModuleType) -> None:
    prefix = '["é", "日本", "\U0001f600\U0001f601", '
    for tail, msg in (("x]", EXPECTING_VALUE), ("1,]", TRAILING_ARRAY), ('"\\q"]', ESCAPE)):
        text = prefix + tail
        pos = len(prefix) + (0 if msg == EXPECTING_VALUE else 1)
        expect_decode_error(impl, text, msg, pos)
        expect_decode_error(impl, text.encode(), msg, pos)


def test_first_decode_problem_in_document_order_is_reported(impl: ModuleType) -> None:
    expect_decode_error(impl, '[1, x, NaN, "\\q"', EXPECTING_VALUE, 4)
    expect_decode_error(impl, '["\\q", NaN', ESCAPE, 2)
    expect_decode_error(impl, b'[NaN, "\xff"]', INVALID_UTF8, 7)  # decoding comes first
    expect_decode_error(impl, '"\\u12" x', UNICODE_ESCAPE, 1)
    expect_decode_error(impl, '[1,] "x', TRAILING_ARRAY, 2)


# --- loads: nesting ----------------------------------------------------------------------


def test_loads_depth_limit(impl: ModuleType) -> None:
    ok = "[" * LIMIT + "]" * LIMIT
    assert impl.json.dumps(impl.json.loads(ok)) == ok.encode()
    too_deep_text = "[" * (LIMIT + 1) + "]" * (LIMIT + 1)
    message = f"Nesting too deep (limit {LIMIT})"
    expect_decode_error(impl, too_deep_text, message, LIMIT)
    expect_decode_error(impl, too_deep_text.encode(), message, LIMIT)
    expect_decode_error(impl, "[" * (LIMIT + 1), message, LIMIT)
    expect_decode_error(impl, "  " + "[" * 5000, message, LIMIT + 2)
    # Checks happen in document order: a problem before the limit wins.
    expect_decode_error(impl, "[" * (LIMIT - 1) + "x", EXPECTING_VALUE, LIMIT - 1)
    expect_decode_error(impl, "[" * LIMIT, EXPECTING_VALUE, LIMIT)
    expect_decode_error(impl, "[" * LIMIT + "x", EXPECTING_VALUE, LIMIT)
    expect_decode_error(impl, "[" * (LIMIT + 1) + "x", message, LIMIT)


def test_loads_depth_limit_with_objects(impl: ModuleType) -> None:
    message = f"Nesting too deep (limit {LIMIT})"
    ok = '{"a":' * (LIMIT - 1) + "{}" + "}" * (LIMIT - 1)
    value = impl.json.loads(ok)
    depth = 1
    while value:
        value = value["a"]
        depth += 1
    assert depth == LIMIT
    deep = '{"a":' * LIMIT + "{}" + "}" * LIMIT
    expect_decode_error(impl, deep, message, 5 * LIMIT)
    expect_decode_error(impl, '{"a":' * 5000, message, 5 * LIMIT)
    mixed = '[{"a":' * (LIMIT // 2) + "[1]" + "}]" * (LIMIT // 2)
    expect_decode_error(impl, mixed, message, mixed.index("[1]"))
    mixed_ok = '[{"a":' * (LIMIT // 2) + "1" + "}]" * (LIMIT // 2)
    assert impl.json.loads(mixed_ok.encode())[0]["a"][0]["a"] is not None


def test_loads_very_deep_input_is_an_error_not_a_crash(impl: ModuleType) -> None:
    message = f"Nesting too deep (limit {LIMIT})"
    cases = [
        ("[" * 1_000_000, LIMIT),
        ('{"":' * 200_000, 4 * LIMIT),
        ("[" * 500_000 + "]" * 500_000, LIMIT),
        ('[{"":' * 100_000, 5 * (LIMIT // 2)),
    ]
    for text, pos in cases:
        expect_decode_error(impl, text, message, pos)


# --- JSONDecodeError ---------------------------------------------------------------------


def test_decode_error_is_caught_as_the_standard_exceptions(impl: ModuleType) -> None:
    caught: list[Exception] = []
    try:
        impl.json.loads("[1,]")
    except json.JSONDecodeError as error:
        caught.append(error)
    try:
        impl.json.loads(b"{")
    except ValueError as error:
        caught.append(error)
    assert [type(error) for error in caught] == [JSONDecodeError, JSONDecodeError]
    assert [error.msg for error in caught if isinstance(error, JSONDecodeError)] == [
        TRAILING_ARRAY,
        PROPERTY_NAME,
    ]
    with pytest.raises(impl.json.JSONDecodeError):
        impl.json.loads("")


def test_decode_error_pickles_and_copies(impl: ModuleType) -> None:
    with pytest.raises(JSONDecodeError) as caught:
        impl.json.loads('[\n  "é", x]')
    error = caught.value
    for clone in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(clone) is JSONDecodeError
        assert (clone.msg, clone.doc, clone.pos, clone.lineno, clone.colno) == (
            error.msg,
            error.doc,
            error.pos,
            error.lineno,
            error.colno,
        )
        assert str(clone) == str(error)


def test_encode_error_pickles(impl: ModuleType) -> None:
    with pytest.raises(JSONEncodeError) as caught:
        impl.json.dumps([Opaque()])
    clone = pickle.loads(pickle.dumps(caught.value))
    assert type(clone) is JSONEncodeError
    assert str(clone) == str(caught.value)


SMALL_STACK_SCRIPT = """
import importlib, sys, threading
json_impl = importlib.import_module(sys.argv[1])
results = []

def work():
    nested_list = []
    inner = nested_list
    for _ in range(1023):
        inner.append([])
        inner = inner[0]
    nested_dict = {}
    inner = nested_dict
    for _ in range(1023):
        inner["k"] = {}
        inner = inner["k"]
    # Compared as text: == on 1024-deep values recurses in CPython itself.
    for value in (nested_list, nested_dict):
        text = json_impl.json.dumps(value, sort_keys=True)
        results.append(json_impl.json.dumps(json_impl.json.loads(text)) == text)
    deep = '{"k":' * 1024 + "1" + "}" * 1024
    results.append(json_impl.json.dumps(json_impl.json.loads(deep)) != b"")

threading.stack_size(int(sys.argv[2]) * 1024)
thread = threading.Thread(target=work)
thread.start()
thread.join()
print(results)
"""


def test_the_depth_limit_fits_a_small_thread_stack(impl: ModuleType) -> None:
    # 1024 levels need about 300 KiB of stack on the native side; a thread with 128 KiB
    # must still get its result (the native side moves to a new stack segment), never a
    # crash. The twin runs on the standard library's recursive C code, which CPython
    # itself needs 256 KiB for (measured: 128 KiB crashes the interpreter on 3.11).
    # In a subprocess: a crash must fail this test, not the whole run.
    import subprocess
    import sys

    module, stack_kib = impl.__name__, 128
    if module.endswith("fallback"):
        stack_kib = 256
    completed = subprocess.run(
        [sys.executable, "-c", SMALL_STACK_SCRIPT, module, str(stack_kib)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[True, True, True]"
