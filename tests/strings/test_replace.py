"""multi_replace and Replacer on both backends (docs/STRINGS.md), held against a reference
written here the slow, obvious way (at each position, try every pattern and keep the
longest that matches): leftmost-longest, one pass, no rescanning of replaced text; mappings,
pairs and iterators (the last repeated pattern wins), errors, and a Replacer shared
between threads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.outcomes import expect, outcome
from tests.support.string_strategies import SETTINGS, any_text
from tests.support.strings_backend import both_backends, strings_backend

# A small alphabet so patterns overlap and nest; multi-byte and combining characters so
# byte offsets and character offsets differ.
ALPHABET = "abc\u00e9\U0001f600\u0301"
texts = st.text(st.sampled_from(ALPHABET + " "), max_size=40)
patterns = st.text(st.sampled_from(ALPHABET), min_size=1, max_size=4)
replacements = st.text(st.sampled_from(ALPHABET + "xy"), max_size=4)
pair_lists = st.lists(st.tuples(patterns, replacements), max_size=8)


def reference_replace(text: str, mapping: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
    """At each position, every pattern is tried; the longest one that matches wins and the
    scan resumes after it; where none matches, the character is kept."""
    table = dict(mapping.items() if isinstance(mapping, Mapping) else mapping)
    out = []
    position = 0
    while position < len(text):
        best = None
        for pattern in table:
            if text.startswith(pattern, position) and (best is None or len(pattern) > len(best)):
                best = pattern
        if best is None:
            out.append(text[position])
            position += 1
        else:
            out.append(table[best])
            position += len(best)
    return "".join(out)


def shaped(pairs: list[tuple[str, str]], shape: str) -> Any:
    if shape == "dict":
        return dict(pairs)
    if shape == "iterator":
        return iter(pairs)
    if shape == "tuple":
        return tuple(pairs)
    return pairs


shapes = st.sampled_from(["dict", "pairs", "iterator", "tuple"])


@SETTINGS
@given(text=texts, pairs=pair_lists, shape=shapes)
def test_multi_replace_matches_the_reference(
    impl: ModuleType, text: str, pairs: list[tuple[str, str]], shape: str
) -> None:
    backend = strings_backend(impl)
    result = backend.multi_replace(text, shaped(pairs, shape))
    assert result == reference_replace(text, pairs)
    assert type(result) is str


@SETTINGS
@given(pairs=pair_lists, shape=shapes, batch=st.lists(texts, min_size=1, max_size=5))
def test_replacer_matches_the_reference(
    impl: ModuleType, pairs: list[tuple[str, str]], shape: str, batch: list[str]
) -> None:
    backend = strings_backend(impl)
    replacer = backend.Replacer(shaped(pairs, shape))
    assert len(replacer) == len(dict(pairs))
    for text in batch:
        assert replacer.replace(text) == reference_replace(text, pairs)
    # Reusable: the same answers a second time.
    for text in batch:
        assert replacer.replace(text) == reference_replace(text, pairs)


@SETTINGS
@given(
    text=any_text(30), pairs=st.lists(st.tuples(any_text(3).filter(bool), any_text(3)), max_size=5)
)
def test_multi_replace_any_text(impl: ModuleType, text: str, pairs: list[tuple[str, str]]) -> None:
    backend = strings_backend(impl)
    # Patterns taken from the text itself, so that they occur.
    pairs += [(text[i : i + 2], "<>") for i in range(0, len(text) - 1, 7)]
    assert backend.multi_replace(text, pairs) == reference_replace(text, pairs)


@pytest.mark.parametrize(
    ("text", "mapping", "expected"),
    [
        ("", {"a": "b"}, ""),
        ("ab", {"a": "b", "b": "a"}, "ba"),
        ("hello", {"he": "X", "hello": "Y", "hell": "Z"}, "Y"),
        ("abcd", {"abc": "1", "bcd": "2"}, "1d"),
        ("abcd", {"bcd": "2", "abc": "1"}, "1d"),
        ("xabcd", {"bc": "1", "abcd": "2"}, "x2"),
        ("aaa", {"a": "aa"}, "aaaaaa"),
        ("aaaa", {"aa": "b", "a": "c"}, "bb"),
        ("aaa", {"aa": "b", "a": "c"}, "bc"),
        ("cat dog", [("cat", "dog"), ("dog", "cat")], "dog cat"),
        ("café", {"é": "e", "e\u0301": "E"}, "cafe"),
        ("\U0001f600\U0001f600!", {"\U0001f600": ":)"}, ":):)!"),
        ("x", [("x", "1"), ("x", "2")], "2"),
        ("text", {}, "text"),
        ("text", [], "text"),
    ],
)
def test_multi_replace_examples(impl: ModuleType, text: str, mapping: Any, expected: str) -> None:
    backend = strings_backend(impl)
    assert reference_replace(text, mapping) == expected
    assert backend.multi_replace(text, mapping) == expected
    assert backend.Replacer(mapping).replace(text) == expected


def test_replacer_len_counts_distinct_patterns(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    assert len(backend.Replacer({})) == 0
    assert len(backend.Replacer([("a", "1"), ("b", "2"), ("a", "3")])) == 2
    assert len(backend.Replacer({"a": "", "ab": "", "abc": ""})) == 3


def test_multi_replace_huge(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    unit = "The quick brown fox jumps over the lazy dog. \U0001f600 "
    mapping = {"quick": "slow", "fox": "cat", "the": "a", "The": "A", "\U0001f600": ":)", "o": "0"}
    # No pattern spans two units, so the reference's answer for one unit repeats.
    expected = reference_replace(unit, mapping) * 60_000
    assert expected.startswith("A slow br0wn cat jumps 0ver a lazy d0g. :) A")
    assert backend.multi_replace(unit * 60_000, mapping) == expected
    assert backend.Replacer(mapping).replace(unit * 60_000) == expected


def test_replacer_shared_between_threads(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    pairs = [("ab", "x"), ("abc", "Y"), ("c", "é"), ("\U0001f600", "z")]
    replacer = backend.Replacer(pairs)
    inputs = [("abcab\U0001f600c" * (1 + i % 7)) + str(i) for i in range(400)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(replacer.replace, inputs))
    assert results == [reference_replace(text, pairs) for text in inputs]


# --- Errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [lambda: {"": "x"}, lambda: [("a", "b"), ("", "x")], lambda: iter([("", "")])],
    ids=["dict", "pairs", "iterator"],
)
def test_empty_pattern(impl: ModuleType, make: Callable[[], Any]) -> None:
    backend = strings_backend(impl)
    # A fresh mapping per call: an iterator is used up by the first.
    expect(ValueError, "multi_replace(): empty pattern", backend.multi_replace, "text", make())
    expect(ValueError, "Replacer(): empty pattern", backend.Replacer, make())


@pytest.mark.parametrize(
    "mapping",
    [{1: "x"}, {"a": 1}, {"a": None}, [(b"a", "x")], [("a", b"x")], [(None, "x")], 5, None],
    ids=repr,
)
def test_bad_patterns_and_replacements(impl: ModuleType, mapping: Any) -> None:
    backend = strings_backend(impl)
    expect(TypeError, None, backend.multi_replace, "a text", mapping)
    expect(TypeError, None, backend.Replacer, mapping)


@pytest.mark.parametrize("mapping", [[("a",)], [("a", "b", "c")], ["abc"], [None]], ids=repr)
def test_items_that_are_not_pairs(mapping: Any) -> None:
    """The contract names no exception for these; both backends raise the same one."""
    native, twin = both_backends()
    for make in (
        lambda m: m.strings.multi_replace("a text", mapping),
        lambda m: m.strings.Replacer(mapping),
    ):
        ours, theirs = outcome(make, native), outcome(make, twin)
        assert ours[0] != "ok"
        assert ours == theirs


@pytest.mark.parametrize("text", [b"abc", None, 5, ["a"]], ids=repr)
def test_text_must_be_str(impl: ModuleType, text: object) -> None:
    backend = strings_backend(impl)
    expect(
        TypeError,
        f"multi_replace() argument 'text' must be str, not {type(text).__name__}",
        backend.multi_replace,
        text,
        {"a": "b"},
    )
    expect(TypeError, None, backend.Replacer({"a": "b"}).replace, text)
