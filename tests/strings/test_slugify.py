"""slugify on both backends (docs/STRINGS.md), held against python-slugify 9.2's default
(legacy) pipeline: Latin-script text with random options (where text-unidecode and deunicode
agree), any text with ``allow_unicode``, references that cancel or decode to surrogates,
argument types, the two backends on every assigned code point, and the agreement measured
on the title corpus in tests/data/titles.txt (``test_corpus_agreement``, printed with -s)."""

from __future__ import annotations

import collections
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slugify import slugify as anchor_slugify

from tests.support.outcomes import expect
from tests.support.string_strategies import SETTINGS, any_text, identifiers, latin_text
from tests.support.strings_backend import both_backends, strings_backend
from tests.support.whole_unicode import whole_unicode_mismatch

TITLES = Path(__file__).parents[1] / "data" / "titles.txt"
SCRIPTS = ("latin", "cyrillic", "greek", "chinese", "japanese", "korean", "emoji")
REPLACEMENTS_MESSAGE = (
    "slugify() argument 'replacements' must be an iterable of (old, new) str pairs"
)

STOPWORDS = ["a", "the", "The", "and", "de", "la", "i", "e", "1", "ss", "x", "ça", "ΤΟ"]  # noqa: RUF001
words = st.sampled_from([" the ", " and ", " a ", " de la ", " The ", " 1 ", " ss "])
slug_text = st.lists(latin_text(4) | words, max_size=4).map("".join)
replacement_old = st.sampled_from(["&", "and", "-", "a", "ß", "'", "e", "th", "&amp;", "1,0"])
replacement_new = st.sampled_from(["and", "", "-", "x", "'", "ss", "&", "é", "--", "a b"])


@st.composite
def slug_options(draw: st.DrawFn, allow_unicode: bool | None = False) -> dict[str, Any]:
    """Random keyword options; each one left out (the default) half of the time."""
    choices: dict[str, st.SearchStrategy[Any]] = {
        "entities": st.booleans(),
        "decimal": st.booleans(),
        "hexadecimal": st.booleans(),
        "max_length": st.integers(-2, 40),
        "word_boundary": st.booleans(),
        "save_order": st.booleans(),
        "separator": st.sampled_from(["-", "_", "", ".", "--", " ", "+", "_-_", "é"]),
        "stopwords": st.lists(st.sampled_from(STOPWORDS), max_size=4),
        "replacements": st.lists(st.tuples(replacement_old, replacement_new), max_size=3),
        "lowercase": st.booleans(),
    }
    options = {name: draw(strategy) for name, strategy in choices.items() if draw(st.booleans())}
    if allow_unicode is None:
        allow_unicode = draw(st.booleans())
    if allow_unicode or draw(st.booleans()):
        options["allow_unicode"] = allow_unicode
    return options


# --- Against python-slugify --------------------------------------------------------------


@SETTINGS
@given(text=slug_text)
def test_slugify_defaults_match_python_slugify_on_latin_text(impl: ModuleType, text: str) -> None:
    backend = strings_backend(impl)
    result = backend.slugify(text)
    assert result == anchor_slugify(text)
    assert type(result) is str


@SETTINGS
@given(text=slug_text, options=slug_options(allow_unicode=None))
def test_slugify_options_match_python_slugify_on_latin_text(
    impl: ModuleType, text: str, options: dict[str, Any]
) -> None:
    backend = strings_backend(impl)
    assert backend.slugify(text, **options) == anchor_slugify(text, **options)


# References written with other scripts' digits (python-slugify's \d is any decimal digit);
# only allow_unicode keeps them as they are until the references are decoded.
unicode_references = st.sampled_from(
    [
        "&#\u0661\u0662\u0663;",
        "&#" + "\u0660" * 9 + "\u0669\u0667;",
        "&#x\u0661F;",
        "&#\uff11\uff12;",
    ]
)
unicode_slug_text = st.lists(any_text(8) | slug_text | unicode_references, max_size=4).map("".join)


@SETTINGS
@given(text=unicode_slug_text, options=slug_options(allow_unicode=True))
def test_slugify_allow_unicode_matches_python_slugify_on_any_text(
    impl: ModuleType, text: str, options: dict[str, Any]
) -> None:
    backend = strings_backend(impl)
    assert backend.slugify(text, **options) == anchor_slugify(text, **options)


@SETTINGS
@given(text=slug_text, options=slug_options(allow_unicode=None), data=st.data())
def test_slugify_takes_any_iterables(
    impl: ModuleType, text: str, options: dict[str, Any], data: st.DataObject
) -> None:
    """stopwords and replacements as one-shot iterators, sets and tuples: the result is the
    one for the same items as a list (replacements serve both stages)."""
    backend = strings_backend(impl)
    expected = anchor_slugify(text, **options)
    shape = data.draw(st.sampled_from(["iterator", "tuple", "set"]))
    for name in ("stopwords", "replacements"):
        if name in options:
            items: list[Any] = options[name]
            if shape == "iterator":
                options[name] = iter(items)
            elif shape == "set" and name == "stopwords":
                options[name] = frozenset(items)
            else:
                options[name] = tuple(items)
    assert backend.slugify(text, **options) == expected


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("", {}, ""),
        ("Héllo, Wörld & Co!", {}, "hello-world-co"),
        ("This is a test ---", {}, "this-is-a-test"),
        ("C'est déjà l'été.", {}, "c-est-deja-l-ete"),
        ("1,000 reasons", {}, "1000-reasons"),
        ("Nín hǎo. Wǒ shì zhōng guó rén", {}, "nin-hao-wo-shi-zhong-guo-ren"),
        ("caf&eacute;s &amp; bars", {}, "cafe-s-bars"),
        ("&#233;t&#xe9;", {}, "e-te"),
        # One out-of-range reference cancels every reference of its kind (python-slugify).
        ("&#65;&#1114112;", {}, "65-1114112"),
        ("&#x41;&#x110000;&#66;", {}, "x41-x110000-b"),
        # Only a lower-case x makes a hex reference.
        ("&#X41;&#x42;", {}, "x41-b"),
        # \d is any decimal digit: references in other scripts' digits decode (leading zeros
        # of any script do not count towards the range).
        ("&#\u0661\u0662\u0663;", {"allow_unicode": True}, ""),
        (
            "a&#\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0666\u0665;",
            {"allow_unicode": True},
            "aa",
        ),
        ("&#x\u0661F;!", {"allow_unicode": True}, ""),
        # A surrogate code point decodes to a separator.
        ("a&#55296;b", {}, "a-b"),
        ("a&#xD800;b", {"allow_unicode": True}, "a-b"),
        ("a&#55296;b&#1114112;", {}, "a-55296-b-1114112"),
        ("the quick brown fox", {"stopwords": ["the", "fox"]}, "quick-brown"),
        ("Tōkyō Olympics 2020", {"max_length": 12, "word_boundary": True}, "tokyo-2020"),
        (
            "Tōkyō Olympics 2020",
            {"max_length": 12, "word_boundary": True, "save_order": True},
            "tokyo",
        ),
        ("one two three", {"max_length": 9, "word_boundary": True, "save_order": True}, "one-two"),
        ("Ærøskøbing", {"separator": "_", "lowercase": False}, "AEroskobing"),
        ("影師嗎", {"allow_unicode": True}, "影師嗎"),
        ("Κείμενο ΟΔΟΣ", {"allow_unicode": True}, "κείμενο-οδος"),
        ("10 | 20 %", {"replacements": [["|", "or"], ["%", "percent"]]}, "10-or-20-percent"),
    ],
)
def test_slugify_examples(
    impl: ModuleType, text: str, options: dict[str, Any], expected: str
) -> None:
    backend = strings_backend(impl)
    assert anchor_slugify(text, **options) == expected
    assert backend.slugify(text, **options) == expected


def test_slugify_bool_is_an_int(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    assert backend.slugify("abc def", max_length=True) == anchor_slugify("abc def", max_length=True)
    assert backend.slugify("abc def", max_length=True) == "a"


@pytest.mark.parametrize(
    "text",
    [
        "Ça coûte 1,5 € — d'accord? " * 100_000,
        "word " * 600_000,
        "&amp;&#233;&#x41;" * 150_000,
    ],
    ids=["french", "words", "references"],
)
def test_slugify_huge(impl: ModuleType, text: str) -> None:
    backend = strings_backend(impl)
    assert backend.slugify(text) == anchor_slugify(text)
    assert backend.slugify(text, max_length=50, word_boundary=True) == anchor_slugify(
        text, max_length=50, word_boundary=True
    )


@SETTINGS
@given(text=identifiers(6) | slug_text)
def test_slugify_of_a_slug_is_itself(impl: ModuleType, text: str) -> None:
    backend = strings_backend(impl)
    slug = backend.slugify(text)
    assert backend.slugify(slug) == slug


# --- Arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [b"abc", bytearray(b"abc"), None, 5, ["abc"]])
def test_slugify_text_must_be_str(impl: ModuleType, value: object) -> None:
    backend = strings_backend(impl)
    expect(
        TypeError,
        f"slugify() argument 'text' must be str, not {type(value).__name__}",
        backend.slugify,
        value,
    )


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("separator", 5, "str"),
        ("separator", b"-", "str"),
        ("separator", None, "str"),
        ("max_length", "10", "int"),
        ("max_length", 1.5, "int"),
        ("max_length", None, "int"),
    ],
)
def test_slugify_option_types(impl: ModuleType, name: str, value: object, expected: str) -> None:
    backend = strings_backend(impl)
    expect(
        TypeError,
        f"slugify() argument '{name}' must be {expected}, not {type(value).__name__}",
        backend.slugify,
        "text",
        **{name: value},
    )


@pytest.mark.parametrize(
    "replacements",
    [5, [("a",)], [("a", "b", "c")], [("a", 1)], [(1, "a")], [None], [b"ab"], [(b"a", b"b")]],
    ids=repr,
)
def test_slugify_replacements_must_be_str_pairs(impl: ModuleType, replacements: object) -> None:
    backend = strings_backend(impl)
    expect(TypeError, REPLACEMENTS_MESSAGE, backend.slugify, "a text", replacements=replacements)


@pytest.mark.parametrize("stopwords", [5, [1], [None], [b"the"]], ids=repr)
def test_slugify_stopwords_must_be_str(impl: ModuleType, stopwords: object) -> None:
    backend = strings_backend(impl)
    with pytest.raises(TypeError) as excinfo:
        backend.slugify("the text", stopwords=stopwords)
    assert type(excinfo.value) is TypeError
    assert "stopwords" in str(excinfo.value)


def test_slugify_options_are_keyword_only(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    with pytest.raises(TypeError):
        backend.slugify("a b", False)
    with pytest.raises(TypeError):
        backend.slugify("a b", regex_pattern="[a]")


# --- The two backends on every code point ------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"lowercase": False},
        {"allow_unicode": True},
        {"allow_unicode": True, "lowercase": False},
    ],
    ids=["default", "keep-case", "unicode", "unicode-keep-case"],
)
def test_native_and_twin_slugify_every_code_point(options: dict[str, Any]) -> None:
    native, twin = both_backends()
    mismatch = whole_unicode_mismatch(
        lambda text: native.slugify(text, **options),
        lambda text: twin.slugify(text, **options),
    )
    assert mismatch is None, mismatch


# --- The title corpus --------------------------------------------------------------------


def read_titles() -> list[tuple[str, str]]:
    titles = []
    for number, line in enumerate(TITLES.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        script, tab, title = line.partition("\t")
        where = f"titles.txt:{number}: {line!r}"
        assert tab, where
        assert script in SCRIPTS, where
        assert title.strip(), where
        titles.append((script, title))
    return titles


def test_corpus_agreement(impl: ModuleType) -> None:
    """slugify (default options) of every title against python-slugify: identical on every
    Latin-script title; for the other scripts the agreement is counted and printed (run with
    -s), for docs/STRINGS.md."""
    backend = strings_backend(impl)
    titles = read_titles()
    assert len(titles) >= 250
    assert {script for script, _ in titles} == set(SCRIPTS)
    counts: collections.Counter[str] = collections.Counter()
    identical: collections.Counter[str] = collections.Counter()
    differing: dict[str, list[tuple[str, str, str]]] = collections.defaultdict(list)
    for script, title in titles:
        ours, theirs = backend.slugify(title), anchor_slugify(title)
        counts[script] += 1
        if ours == theirs:
            identical[script] += 1
        else:
            differing[script].append((title, ours, theirs))

    lines = [
        "",
        f"slugify() vs python-slugify 9.2 on {TITLES.name}, default options ({backend.name}):",
        f"{'script':<10} {'titles':>6} {'identical':>10}",
    ]
    for script in SCRIPTS:
        share = identical[script] / counts[script]
        lines.append(f"{script:<10} {counts[script]:>6} {identical[script]:>5} ({share:4.0%})")
    total = sum(counts.values())
    lines.append(f"{'all':<10} {total:>6} {sum(identical.values()):>5}")
    for script in SCRIPTS:
        for title, ours, theirs in differing[script][:3]:
            lines.append(f"  {script}: {title}")
            lines.append(f"    ours:           {ours}")
            lines.append(f"    python-slugify: {theirs}")
    print("\n".join(lines))

    assert differing["latin"] == [], differing["latin"]
