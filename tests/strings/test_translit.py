"""transliterate on both backends (docs/STRINGS.md): the deunicode table with its
trailing-space rule, ASCII kept as it is (the same object when the text is ASCII), and the
twin's ``fallback/_deunicode.bin`` proven to be the crate's table by comparing the two
backends on every assigned code point (joined by a newline, by nothing, and by a space,
which exercises the trailing-space rule between neighbours)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import ModuleType

import covet_rust_core.fallback
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.outcomes import expect
from tests.support.string_strategies import SETTINGS, any_text
from tests.support.strings_backend import both_backends, strings_backend
from tests.support.whole_unicode import whole_unicode_mismatch

TABLE_FILE = Path(covet_rust_core.fallback.__file__).parent / "_deunicode.bin"


@cache
def table() -> tuple[str, ...]:
    """The entries for U+0080 upwards (examples/dump_deunicode.rs: each followed by NUL)."""
    raw = TABLE_FILE.read_bytes()
    assert raw.endswith(b"\0")
    return tuple(entry.decode("ascii") for entry in raw[:-1].split(b"\0"))


def entry(char: str) -> str:
    code = ord(char)
    if code < 0x80:
        return char
    entries = table()
    return entries[code - 0x80] if code - 0x80 < len(entries) else ""


def reference_transliterate(text: str) -> str:
    """The contract written out: each character's entry; an entry of two or more characters
    ending in a space loses it before an entry starting with a space, and at the end."""
    entries = [entry(char) for char in text]
    out = []
    for index, current in enumerate(entries):
        following = entries[index + 1] if index + 1 < len(entries) else None
        trim = (
            len(current) > 1
            and current.endswith(" ")
            and (following is None or following.startswith(" "))
        )
        out.append(current[:-1] if trim else current)
    return "".join(out)


# Scripts the table maps with trailing spaces (CJK) next to spaces and unmapped characters.
cjk_and_spaces = st.text(
    st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from(" \u00a0\u3000a\ue000\U000e0100\u0964\u0301\n"),
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
    ),
    max_size=20,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("北京", "Bei Jing"),
        ("北 京", "Bei Jing"),
        ("北京abc", "Bei Jing abc"),
        ("Æneid", "AEneid"),
        ("Łódź", "Lodz"),
        ("Straße", "Strasse"),
        ("Привет мир", "Privet mir"),
        ("Ελληνικά", "Ellenika"),
        ("東京タワー", "Dong Jing tawa"),
        ("서울", "seoul"),
        ("€100 ½ ™", "EUR100 1/2 tm"),
        ("🦄", "unicorn"),
        ("e\u0301", "e"),
        # ASCII is kept as it is, NUL and DEL included, next to non-ASCII too.
        ("\x00é\x7f", "\x00e\x7f"),
    ],
)
def test_transliterate_examples(impl: ModuleType, text: str, expected: str) -> None:
    backend = strings_backend(impl)
    assert reference_transliterate(text) == expected
    result = backend.transliterate(text)
    assert result == expected
    assert type(result) is str


@SETTINGS
@given(text=any_text(30) | cjk_and_spaces)
def test_transliterate_follows_the_table(impl: ModuleType, text: str) -> None:
    backend = strings_backend(impl)
    result = backend.transliterate(text)
    assert result == reference_transliterate(text)
    assert result.isascii()


@pytest.mark.parametrize("text", ["", "plain ASCII", "\x00\x7f\t\n", "x" * 1_000_000])
def test_transliterate_ascii_is_the_same_object(impl: ModuleType, text: str) -> None:
    backend = strings_backend(impl)
    assert backend.transliterate(text) is text


def test_transliterate_huge(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    text = "Zürich 北京 Привет 🦄 " * 150_000
    assert backend.transliterate(text) == reference_transliterate(text)


@pytest.mark.parametrize("value", [b"abc", None, 5, ["a"]])
def test_transliterate_wrong_type(impl: ModuleType, value: object) -> None:
    backend = strings_backend(impl)
    expect(
        TypeError,
        f"transliterate() argument 'text' must be str, not {type(value).__name__}",
        backend.transliterate,
        value,
    )


def test_transliterate_every_code_point_follows_the_table(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    mismatch = whole_unicode_mismatch(backend.transliterate, reference_transliterate, "")
    assert mismatch is None, mismatch


@pytest.mark.parametrize("joiner", ["\n", "", " "], ids=["newline", "nothing", "space"])
def test_native_and_twin_transliterate_every_code_point(joiner: str) -> None:
    native, twin = both_backends()
    mismatch = whole_unicode_mismatch(native.transliterate, twin.transliterate, joiner)
    assert mismatch is None, mismatch


def test_the_table_file_covers_the_crate() -> None:
    """Sanity of the file itself: ASCII only, and it reaches beyond the BMP (the last
    entry is the last code point the crate maps)."""
    entries = table()
    assert all(item.isascii() for item in entries)
    assert entries[-1] != ""
    assert len(entries) + 0x80 > 0x10000
