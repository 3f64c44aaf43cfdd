"""URL coding on both backends (docs/STRINGS.md), held against urllib.parse of the running
interpreter: quote / quote_plus (str, bytes, bytearray; str and bytes ``safe``; the same
object back when nothing needs quoting; lone surrogates), unquote / unquote_plus (% followed
by hex and non-hex, invalid and truncated UTF-8, '+'), urlencode (mappings, pairs, doseq,
bytes and int values) and parse_qsl / parse_qs with every flag, with their errors."""

from __future__ import annotations

import urllib.parse
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.ids import repr_id
from tests.support.outcomes import expect, outcome, strict_diff
from tests.support.string_strategies import SETTINGS, any_text, query_strings
from tests.support.strings_backend import strings_backend

ALWAYS_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"
url_text = st.one_of(any_text(20), query_strings(8))
safe_chars = st.text(st.sampled_from("/:@&=+$,;?#[]% é~\U0001f600"), max_size=4)
safe_values = st.one_of(safe_chars, safe_chars.map(lambda s: s.encode()))
byte_strings = st.one_of(st.binary(max_size=20), url_text.map(lambda s: s.encode()))


def same_outcome(ours: tuple[str, Any], theirs: tuple[str, Any]) -> None:
    """The same result (strictly, types included) or the same exception class."""
    if ours[0] == "ok" and theirs[0] == "ok":
        found = strict_diff(ours[1], theirs[1])
        assert found is None, found
    else:
        assert ours[0] == theirs[0], (ours, theirs)


# --- quote -------------------------------------------------------------------------------


@SETTINGS
@pytest.mark.parametrize("name", ["quote", "quote_plus"])
@given(string=url_text | byte_strings | byte_strings.map(bytearray), safe=st.none() | safe_values)
def test_quote_matches_urllib(
    impl: ModuleType, name: str, string: str | bytes, safe: str | bytes | None
) -> None:
    backend = strings_backend(impl)
    kwargs = {} if safe is None else {"safe": safe}
    result = backend.function(name)(string, **kwargs)
    expected = getattr(urllib.parse, name)(string, **kwargs)
    assert result == expected
    assert type(result) is str


@SETTINGS
@given(string=st.text(st.sampled_from(ALWAYS_SAFE + "/"), max_size=30))
def test_quote_returns_the_same_object_when_nothing_changes(impl: ModuleType, string: str) -> None:
    backend = strings_backend(impl)
    assert backend.quote(string) is string
    if "/" not in string:
        assert backend.quote_plus(string) is string
    text = string + ":@"
    assert backend.quote(text, safe=":@/") is text


@pytest.mark.parametrize(
    ("string", "kwargs", "expected"),
    [
        ("", {}, ""),
        ("a b/c", {}, "a%20b/c"),
        ("a b/c", {"safe": ""}, "a%20b%2Fc"),
        ("café \U0001f600", {}, "caf%C3%A9%20%F0%9F%98%80"),
        ("~user_.-", {}, "~user_.-"),
        ("é/é", {"safe": "é"}, "%C3%A9%2F%C3%A9"),
        ("é/é", {"safe": "é/"}, "%C3%A9/%C3%A9"),
        (b"\xff a", {"safe": b"\xff"}, "%FF%20a"),
        (bytearray(b"a/b"), {"safe": b""}, "a%2Fb"),
    ],
)
def test_quote_examples(
    impl: ModuleType, string: Any, kwargs: dict[str, Any], expected: str
) -> None:
    backend = strings_backend(impl)
    assert urllib.parse.quote(string, **kwargs) == expected
    assert backend.quote(string, **kwargs) == expected


@pytest.mark.parametrize(
    ("string", "safe", "expected"),
    [
        ("a b+c", "", "a+b%2Bc"),
        ("a b+c", "+", "a+b+c"),
        (b"a b", b"", "a+b"),
        ("a/b c", "/", "a/b+c"),
    ],
)
def test_quote_plus_examples(impl: ModuleType, string: Any, safe: Any, expected: str) -> None:
    backend = strings_backend(impl)
    assert urllib.parse.quote_plus(string, safe) == expected
    assert backend.quote_plus(string, safe=safe) == expected


@pytest.mark.parametrize("name", ["quote", "quote_plus"])
@pytest.mark.parametrize("string", ["\ud800", "ab\udfffc", "ok \U0001f600 \udc80"], ids=repr)
def test_quote_lone_surrogate(impl: ModuleType, name: str, string: str) -> None:
    backend = strings_backend(impl)
    with pytest.raises(UnicodeEncodeError) as theirs:
        getattr(urllib.parse, name)(string)
    error = expect(UnicodeEncodeError, str(theirs.value), backend.function(name), string)
    assert (error.encoding, error.object, error.start, error.end, error.reason) == (
        theirs.value.encoding,
        theirs.value.object,
        theirs.value.start,
        theirs.value.end,
        theirs.value.reason,
    )


def test_quote_huge(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    text = "path/to/café + \U0001f600 & more?" * 100_000
    assert backend.quote(text) == urllib.parse.quote(text)
    assert backend.quote_plus(text) == urllib.parse.quote_plus(text)
    plain = "a/b-c_d.e~" * 300_000
    assert backend.quote(plain) is plain


@pytest.mark.parametrize("name", ["quote", "quote_plus"])
@pytest.mark.parametrize("string", [None, 5, ["a"], memoryview(b"a")], ids=repr_id)
def test_quote_wrong_string_type(impl: ModuleType, name: str, string: object) -> None:
    backend = strings_backend(impl)
    expect(TypeError, None, backend.function(name), string)


@pytest.mark.parametrize("name", ["quote", "quote_plus"])
@pytest.mark.parametrize("safe", [None, 5, ["/"]], ids=repr)
def test_quote_wrong_safe_type(impl: ModuleType, name: str, safe: object) -> None:
    backend = strings_backend(impl)
    expect(TypeError, None, backend.function(name), "a b", safe=safe)


# --- unquote -----------------------------------------------------------------------------


@SETTINGS
@given(string=url_text)
def test_unquote_matches_urllib(impl: ModuleType, string: str) -> None:
    backend = strings_backend(impl)
    for name in ("unquote", "unquote_plus"):
        result = backend.function(name)(string)
        assert result == getattr(urllib.parse, name)(string), name
        assert type(result) is str


@SETTINGS
@given(string=byte_strings)
def test_unquote_bytes(impl: ModuleType, string: bytes) -> None:
    backend = strings_backend(impl)
    assert backend.unquote(string) == urllib.parse.unquote(string)
    # urllib's unquote_plus takes only str; ours also bytes, the same way.
    assert backend.unquote_plus(string) == urllib.parse.unquote(string.replace(b"+", b" "))


@pytest.mark.parametrize(
    ("string", "expected"),
    [
        ("", ""),
        ("a%20b+c", "a b+c"),
        ("%", "%"),
        ("%2", "%2"),
        ("%zz%4", "%zz%4"),
        ("%C3%A9%c3%a9", "éé"),
        ("%C3", "\ufffd"),
        ("%C3%28", "\ufffd("),
        ("%E2%82", "\ufffd"),
        ("%E2%82%AC%E2", "€\ufffd"),
        ("%ED%A0%80", "\ufffd\ufffd\ufffd"),
        ("%F0%9F%98%80%F0%9F%98", "\U0001f600\ufffd"),
        ("%C0%AF", "\ufffd\ufffd"),
        ("%FF%FE", "\ufffd\ufffd"),
        ("%C3é%A9", "\ufffdé\ufffd"),
        ("%%41", "%A"),
    ],
)
def test_unquote_examples(impl: ModuleType, string: str, expected: str) -> None:
    backend = strings_backend(impl)
    assert urllib.parse.unquote(string) == expected
    assert backend.unquote(string) == expected


def test_unquote_huge(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    text = "caf%C3%A9+%F0%9F%98%80%zz%E2%82+plain/" * 100_000
    assert backend.unquote(text) == urllib.parse.unquote(text)
    assert backend.unquote_plus(text) == urllib.parse.unquote_plus(text)


@pytest.mark.parametrize("name", ["unquote", "unquote_plus"])
@pytest.mark.parametrize("string", [None, 5, ["a"]], ids=repr)
def test_unquote_wrong_type(impl: ModuleType, name: str, string: object) -> None:
    backend = strings_backend(impl)
    expect(TypeError, None, backend.function(name), string)


# --- urlencode ---------------------------------------------------------------------------

keys = st.one_of(query_strings(3), any_text(4), st.binary(max_size=4), st.integers(-5, 5))
scalars = st.one_of(
    query_strings(3),
    any_text(4),
    st.binary(max_size=4),
    st.integers(),
    st.floats(allow_nan=False),
    st.none(),
    st.booleans(),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.tuples(scalars, scalars),
    st.dictionaries(any_text(2), scalars, max_size=2),
)
pairs = st.lists(st.tuples(keys, values), max_size=5)
queries = st.one_of(pairs, pairs.map(dict), pairs.map(tuple))


@SETTINGS
@given(query=queries, doseq=st.none() | st.booleans(), safe=st.none() | safe_values)
def test_urlencode_matches_urllib(
    impl: ModuleType, query: Any, doseq: bool | None, safe: str | bytes | None
) -> None:
    backend = strings_backend(impl)
    kwargs: dict[str, Any] = {}
    if doseq is not None:
        kwargs["doseq"] = doseq
    if safe is not None:
        kwargs["safe"] = safe
    same_outcome(
        outcome(backend.urlencode, query, **kwargs),
        outcome(urllib.parse.urlencode, query, **kwargs),
    )


@pytest.mark.parametrize(
    ("query", "kwargs", "expected"),
    [
        ({}, {}, ""),
        ({"a": "1 2", "b": "é&"}, {}, "a=1+2&b=%C3%A9%26"),
        ([("a", 1), ("a", 2)], {}, "a=1&a=2"),
        ({"a": [1, "x y"]}, {}, "a=%5B1%2C+%27x+y%27%5D"),
        ({"a": [1, "x y"]}, {"doseq": True}, "a=1&a=x+y"),
        ({"a": (b"\xff", None)}, {"doseq": True}, "a=%FF&a=None"),
        ({b"k\xe9": b"v w"}, {}, "k%E9=v+w"),
        ({"p": "a/b"}, {"safe": "/"}, "p=a/b"),
        ({"s": "abc", "n": 12}, {"doseq": True}, "s=abc&n=12"),
    ],
)
def test_urlencode_examples(
    impl: ModuleType, query: Any, kwargs: dict[str, Any], expected: str
) -> None:
    backend = strings_backend(impl)
    assert urllib.parse.urlencode(query, **kwargs) == expected
    assert backend.urlencode(query, **kwargs) == expected


@pytest.mark.parametrize("query", ["abc", [["a", "b"]], 5, None, ["ab"]], ids=repr)
def test_urlencode_not_a_query(impl: ModuleType, query: object) -> None:
    backend = strings_backend(impl)
    with pytest.raises(TypeError) as theirs:
        urllib.parse.urlencode(query)  # type: ignore[arg-type]
    assert str(theirs.value) == "not a valid non-string sequence or mapping object"
    expect(TypeError, "not a valid non-string sequence or mapping object", backend.urlencode, query)


@pytest.mark.parametrize("query", [[("a",)], [("a", "b", "c")]], ids=repr)
def test_urlencode_bad_pairs(impl: ModuleType, query: object) -> None:
    backend = strings_backend(impl)
    same_outcome(outcome(backend.urlencode, query), outcome(urllib.parse.urlencode, query))


class ListOfPairs(list[Any]):
    pass


@pytest.mark.parametrize(
    "pair",
    [
        ["a", "b", "c"],
        ("a", "b", "c"),
        {"a": 1, "b": 2, "c": 3},
        ListOfPairs(["a", "b", "c"]),
        "abc",
        ["a"],
        5,
    ],
    ids=repr_id,
)
def test_urlencode_unpacks_pairs_as_the_interpreter_words_it(impl: ModuleType, pair: Any) -> None:
    """``k, v = pair``'s message is the running interpreter's: from CPython 3.14 it counts
    the items of an exact list, tuple or dict ("too many values to unpack (expected 2, got
    3)"), not of other iterables."""
    backend = strings_backend(impl)
    with pytest.raises((ValueError, TypeError)) as theirs:
        urllib.parse.urlencode([pair])
    expect(type(theirs.value), str(theirs.value), backend.urlencode, [pair])


# --- parse_qsl / parse_qs ----------------------------------------------------------------

separators = st.sampled_from(["&", ";", "&&", "=", "+", "%", "%2", "é", "\U0001f600", "ab"])


@SETTINGS
@given(
    qs=query_strings(),
    keep=st.none() | st.booleans(),
    strict=st.none() | st.booleans(),
    max_fields=st.none() | st.integers(-1, 8),
    separator=st.none() | separators,
)
def test_parse_qsl_and_parse_qs_match_urllib(
    impl: ModuleType,
    qs: str,
    keep: bool | None,
    strict: bool | None,
    max_fields: int | None,
    separator: str | None,
) -> None:
    backend = strings_backend(impl)
    kwargs: dict[str, Any] = {}
    if keep is not None:
        kwargs["keep_blank_values"] = keep
    if strict is not None:
        kwargs["strict_parsing"] = strict
    if max_fields is not None:
        kwargs["max_num_fields"] = max_fields
    if separator is not None:
        kwargs["separator"] = separator
    for name in ("parse_qsl", "parse_qs"):
        ours = outcome(backend.function(name), qs, **kwargs)
        theirs = outcome(getattr(urllib.parse, name), qs, **kwargs)
        assert ours[0] == theirs[0], (name, ours, theirs)
        if ours[0] == "ok":
            found = strict_diff(ours[1], theirs[1])
            assert found is None, (name, found)
        else:
            assert ours[1] == theirs[1], name


def test_parse_qs_positional_flags(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    qs = "a=1&b=&c&a=%20"
    assert backend.parse_qsl(qs, True) == urllib.parse.parse_qsl(qs, True)
    assert backend.parse_qs(qs, True) == urllib.parse.parse_qs(qs, True)
    assert backend.parse_qsl(qs) == [("a", "1"), ("a", " ")]
    assert backend.parse_qs(qs) == {"a": ["1", " "]}
    assert backend.parse_qsl(qs, keep_blank_values=True) == [
        ("a", "1"),
        ("b", ""),
        ("c", ""),
        ("a", " "),
    ]


@pytest.mark.parametrize("name", ["parse_qsl", "parse_qs"])
def test_parse_qs_errors(impl: ModuleType, name: str) -> None:
    backend = strings_backend(impl)
    parse = backend.function(name)
    expect(ValueError, "Max number of fields exceeded", parse, "a=1&b=2&c=3", max_num_fields=2)
    assert parse("a=1&b=2", max_num_fields=2) == getattr(urllib.parse, name)("a=1&b=2")
    # An empty query with max_num_fields=0: [] on 3.11+, ValueError on 3.10 (1 field).
    same_outcome(
        outcome(parse, "", max_num_fields=0),
        outcome(getattr(urllib.parse, name), "", max_num_fields=0),
    )
    expect(ValueError, "bad query field: 'b'", parse, "a=1&b", strict_parsing=True)
    expect(ValueError, "bad query field: ''", parse, "a=1&&b=2", strict_parsing=True)
    expect(ValueError, "bad query field: 'x\U0001f600'", parse, "x\U0001f600", strict_parsing=True)
    expect(ValueError, "Separator must be of type string or bytes.", parse, "a=1", separator="")
    # urllib raises AttributeError here; the contract's rule for bad types is TypeError.
    expect(TypeError, None, parse, "a=1", separator=5)


@pytest.mark.parametrize("name", ["parse_qsl", "parse_qs"])
@pytest.mark.parametrize("qs", [b"a=1", None, 5, ["a=1"]], ids=repr)
def test_parse_qs_takes_only_str(impl: ModuleType, name: str, qs: object) -> None:
    backend = strings_backend(impl)
    expect(TypeError, None, backend.function(name), qs)


def test_parse_qs_huge(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    qs = "&".join(f"key{i % 50}=caf%C3%A9+{i}%zz" for i in range(100_000))
    assert backend.parse_qsl(qs) == urllib.parse.parse_qsl(qs)
    assert backend.parse_qs(qs) == urllib.parse.parse_qs(qs)
