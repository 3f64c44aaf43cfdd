"""Case conversion on both backends (docs/STRINGS.md), held against pyhumps 3.8: the string
forms on random identifiers and random Unicode text (quirks included: whitespace removed,
all-caps and numeric input returned as the same object), the ``*_keys`` forms on random
nested dicts and lists, the nesting limit (999, 1000 and 1001 levels, cycles), argument
types, and the two backends on every assigned code point."""

from __future__ import annotations

import collections
import types
from collections.abc import Callable, Iterator, Mapping
from types import ModuleType
from typing import Any

import humps
import pytest
from hypothesis import given

from tests.support.outcomes import expect, strict_diff
from tests.support.string_strategies import SETTINGS, any_text, identifiers, nested_structures
from tests.support.strings_backend import both_backends, strings_backend
from tests.support.whole_unicode import whole_unicode_mismatch

ANCHORS: dict[str, Callable[[Any], Any]] = {
    "to_snake": humps.decamelize,
    "to_camel": humps.camelize,
    "to_pascal": humps.pascalize,
    "to_kebab": humps.kebabize,
}
NAMES = tuple(ANCHORS)
LIMIT = 1000


class ListSub(list[Any]):
    pass


class ReadOnly(Mapping[str, Any]):
    """A Mapping that is not a dict."""

    def __init__(self, items: dict[str, Any]) -> None:
        self._items = items

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


# --- String forms against pyhumps --------------------------------------------------------


@SETTINGS
@pytest.mark.parametrize("name", NAMES)
@given(text=identifiers(10))
def test_case_matches_pyhumps_on_identifiers(impl: ModuleType, name: str, text: str) -> None:
    backend = strings_backend(impl)
    result = backend.function(name)(text)
    expected = ANCHORS[name](text)
    assert result == expected
    assert type(result) is str


@SETTINGS
@pytest.mark.parametrize("name", NAMES)
@given(text=any_text(20))
def test_case_matches_pyhumps_on_unicode_text(impl: ModuleType, name: str, text: str) -> None:
    backend = strings_backend(impl)
    assert backend.function(name)(text) == ANCHORS[name](text)


@pytest.mark.parametrize(
    ("text", "snake", "camel", "pascal", "kebab"),
    [
        ("", "", "", "", ""),
        (
            "someHTTPRequestId",
            "some_http_request_id",
            "someHTTPRequestId",
            "SomeHTTPRequestId",
            "some-http-request-id",
        ),
        ("APIResponse", "api_response", "APIResponse", "APIResponse", "api-response"),
        ("hello_world", "hello_world", "helloWorld", "HelloWorld", "hello-world"),
        ("hello-world", "hello-world", "helloWorld", "HelloWorld", "hello-world"),
        ("_private_key", "_private_key", "_privateKey", "_PrivateKey", "_private-key"),
        ("trailing_", "trailing_", "trailing_", "Trailing_", "trailing_"),
        ("user id", "userid", "userid", "Userid", "userid"),
        ("value2Go", "value2_go", "value2Go", "Value2Go", "value2-go"),
        ("añoNuevo", "año_nuevo", "añoNuevo", "AñoNuevo", "año-nuevo"),
        ("straße_x", "straße_x", "straßeX", "StraßeX", "straße-x"),
    ],
)
def test_case_examples(
    impl: ModuleType, text: str, snake: str, camel: str, pascal: str, kebab: str
) -> None:
    backend = strings_backend(impl)
    expected = {"to_snake": snake, "to_camel": camel, "to_pascal": pascal, "to_kebab": kebab}
    for name, value in expected.items():
        assert ANCHORS[name](text) == value, name
        assert backend.function(name)(text) == value, name


@pytest.mark.parametrize("name", ["to_snake", "to_camel", "to_pascal"])
@pytest.mark.parametrize("text", ["HTTP", "HTTP API", " USER_ID\t", "ÉTÉ 2024", "ΟΔΟΣ"])
def test_all_caps_is_the_same_object(impl: ModuleType, name: str, text: str) -> None:
    backend = strings_backend(impl)
    assert ANCHORS[name](text) is text
    assert backend.function(name)(text) is text


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("text", ["123", " 1 2 ", "\u0663\u0664", "½Ⅻ"])
def test_numeric_is_the_same_object(impl: ModuleType, name: str, text: str) -> None:
    backend = strings_backend(impl)
    assert ANCHORS[name](text) is text
    assert backend.function(name)(text) is text


@pytest.mark.parametrize("name", NAMES)
def test_case_huge(impl: ModuleType, name: str) -> None:
    backend = strings_backend(impl)
    text = "someHTTPRequestId_withÜmlauts-and ΣΙΓΜΑ\u00a0v2Go " * 60_000
    assert backend.function(name)(text) == ANCHORS[name](text)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("value", [{"aB": 1}, ["aB"]], ids=["dict", "list"])
def test_string_forms_point_to_the_keys_forms(impl: ModuleType, name: str, value: object) -> None:
    backend = strings_backend(impl)
    expect(
        TypeError,
        f"{name}() argument 's' must be str, not {type(value).__name__} "
        f"(use {name}_keys for dicts and lists)",
        backend.function(name),
        value,
    )


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("value", [None, 5, b"aB", ("aB",)], ids=repr)
def test_string_forms_take_only_str(impl: ModuleType, name: str, value: object) -> None:
    backend = strings_backend(impl)
    error = expect(TypeError, None, backend.function(name), value)
    assert str(error).startswith(f"{name}() argument 's' must be str, not {type(value).__name__}")


# --- *_keys against pyhumps --------------------------------------------------------------


@SETTINGS
@pytest.mark.parametrize("name", NAMES)
@given(obj=nested_structures(identifiers(5) | any_text(6)))
def test_keys_match_pyhumps(impl: ModuleType, name: str, obj: Any) -> None:
    backend = strings_backend(impl)
    result = backend.function(f"{name}_keys")(obj)
    found = strict_diff(result, ANCHORS[name](obj))
    assert found is None, found


@SETTINGS
@pytest.mark.parametrize("name", NAMES)
@given(obj=nested_structures(identifiers(5)))
def test_keys_leave_the_input_alone(impl: ModuleType, name: str, obj: Any) -> None:
    backend = strings_backend(impl)
    before = repr(obj)
    backend.function(f"{name}_keys")(obj)
    assert repr(obj) == before


def test_keys_mapping_kinds(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    leaf = ({"innerKey": 1},)
    obj = ListSub(
        [
            types.MappingProxyType({"someKey": leaf}),
            collections.OrderedDict(someKey=[{"deepKey": "valueNotConverted"}]),
            ReadOnly({"someKey": ListSub([{"deepKey": None}])}),
        ]
    )
    result = backend.to_snake_keys(obj)
    assert strict_diff(result, humps.decamelize(obj)) is None
    assert result == [
        {"some_key": leaf},
        {"some_key": [{"deep_key": "valueNotConverted"}]},
        {"some_key": [{"deep_key": None}]},
    ]
    assert type(result) is list
    assert all(type(item) is dict for item in result)
    assert type(result[2]["some_key"]) is list
    # Tuples are values like any other: not entered, the same object.
    assert result[0]["some_key"] is leaf


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "value", ["someKey", 5, None, ("someKey",), {"someKey"}, b"someKey", 1.5], ids=repr
)
def test_keys_return_other_values_as_they_are(impl: ModuleType, name: str, value: object) -> None:
    backend = strings_backend(impl)
    assert backend.function(f"{name}_keys")(value) is value


def test_keys_that_are_not_str_are_kept(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    key = ("someKey",)
    obj: dict[Any, Any] = {1: "a", None: "b", key: "c", 2.5: {"innerKey": 1}, "outerKey": 2}
    expected = {1: "a", None: "b", key: "c", 2.5: {"inner_key": 1}, "outer_key": 2}
    result = backend.to_snake_keys(obj)
    assert strict_diff(result, expected) is None
    assert next(k for k in result if isinstance(k, tuple)) is key


def nest(levels: int, kind: str) -> Any:
    """``levels`` containers, one inside the other (the outermost is level 1)."""
    value: Any = "leafValue"
    for level in range(levels):
        as_list = kind == "list" or (kind == "mixed" and level % 2)
        value = [value] if as_list else {"someKey": value}
    return value


def depth_of(value: Any, key: str) -> int:
    levels = 0
    while isinstance(value, (list, dict)):
        levels += 1
        if isinstance(value, dict):
            assert list(value) == [key]
            value = value[key]
        else:
            value = value[0]
    assert value == "leafValue"
    return levels


CONVERTED = {
    "to_snake": "some_key",
    "to_camel": "someKey",
    "to_pascal": "SomeKey",
    "to_kebab": "some-key",
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", ["dict", "list", "mixed"])
@pytest.mark.parametrize("levels", [LIMIT - 1, LIMIT])
def test_keys_nesting_up_to_the_limit(impl: ModuleType, name: str, kind: str, levels: int) -> None:
    backend = strings_backend(impl)
    result = backend.function(f"{name}_keys")(nest(levels, kind))
    assert depth_of(result, CONVERTED[name]) == levels


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", ["dict", "list", "mixed"])
@pytest.mark.parametrize("levels", [LIMIT + 1, 10 * LIMIT])
def test_keys_nesting_beyond_the_limit(impl: ModuleType, name: str, kind: str, levels: int) -> None:
    backend = strings_backend(impl)
    expect(
        RecursionError,
        f"{name}_keys(): nesting deeper than {LIMIT} levels",
        backend.function(f"{name}_keys"),
        nest(levels, kind),
    )


@pytest.mark.parametrize("name", NAMES)
def test_keys_cycles(impl: ModuleType, name: str) -> None:
    backend = strings_backend(impl)
    message = f"{name}_keys(): nesting deeper than {LIMIT} levels"
    cyclic_dict: dict[str, Any] = {"someKey": 1}
    cyclic_dict["selfRef"] = cyclic_dict
    cyclic_list: list[Any] = [{"someKey": 1}]
    cyclic_list.append(cyclic_list)
    for obj in (cyclic_dict, cyclic_list, {"outerKey": [cyclic_list]}):
        expect(RecursionError, message, backend.function(f"{name}_keys"), obj)


# --- The two backends on every code point ------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_native_and_twin_convert_every_code_point(name: str) -> None:
    native, twin = both_backends()
    mismatch = whole_unicode_mismatch(native.function(name), twin.function(name))
    assert mismatch is None, mismatch


@pytest.mark.parametrize("name", NAMES)
def test_every_code_point_matches_pyhumps(impl: ModuleType, name: str) -> None:
    backend = strings_backend(impl)
    mismatch = whole_unicode_mismatch(backend.function(name), ANCHORS[name], joiner="_")
    assert mismatch is None, mismatch
