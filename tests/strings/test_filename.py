"""secure_filename on both backends (docs/STRINGS.md), held against werkzeug 3.1's
secure_filename: random names and paths, Windows device names with ``windows=True`` (against
werkzeug with ``os.name`` set to ``"nt"``), argument types, and the two backends on every
assigned code point."""

from __future__ import annotations

import os
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.utils import secure_filename as anchor_secure_filename

from tests.support.outcomes import expect
from tests.support.string_strategies import SETTINGS, any_text
from tests.support.strings_backend import both_backends, strings_backend
from tests.support.whole_unicode import whole_unicode_mismatch

DEVICE_NAMES = ["CON", "con", "PRN", "AUX", "aux", "NUL", "COM1", "com9", "COM0", "LPT1", "LPT9"]
DEVICE_NAMES += ["COM¹", "LPT²", "CONIN$", "CONOUT$", "COM10"]
PIECES = [".", "..", "/", "\\", " ", "_", "-", ".txt", ".tar.gz", "$", "\t", "\x1c", "\n", "\u3000"]
PIECES += ["ü", "ﬁ", "É", "北京", "\U0001f600", "\u0301", "file", "My cool movie"]
filename_tokens = st.sampled_from(PIECES + DEVICE_NAMES)
filenames = st.lists(filename_tokens | any_text(4), max_size=8).map("".join)


def werkzeug_windows(filename: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """werkzeug's answer on Windows: it reads ``os.name`` when called."""
    with monkeypatch.context() as patch:
        patch.setattr(os, "name", "nt")
        return anchor_secure_filename(filename)


@SETTINGS
@given(filename=filenames)
def test_secure_filename_matches_werkzeug(impl: ModuleType, filename: str) -> None:
    backend = strings_backend(impl)
    expected = anchor_secure_filename(filename)
    result = backend.secure_filename(filename)
    assert result == expected
    assert type(result) is str
    assert backend.secure_filename(filename, windows=False) == expected
    assert backend.secure_filename(filename, windows=None) == expected


@SETTINGS
@given(filename=filenames)
def test_secure_filename_windows_matches_werkzeug_on_nt(
    impl: ModuleType, monkeypatch: pytest.MonkeyPatch, filename: str
) -> None:
    backend = strings_backend(impl)
    assert backend.secure_filename(filename, windows=True) == werkzeug_windows(
        filename, monkeypatch
    )


@pytest.mark.parametrize(
    ("filename", "posix", "windows"),
    [
        ("", "", ""),
        ("../../etc/passwd", "etc_passwd", "etc_passwd"),
        ("My cool movie.mov", "My_cool_movie.mov", "My_cool_movie.mov"),
        (
            "i contain cool \xfcml\xe4uts.txt",
            "i_contain_cool_umlauts.txt",
            "i_contain_cool_umlauts.txt",
        ),
        ("__init__.py", "init__.py", "init__.py"),
        ("..\\x.txt", "x.txt", "x.txt"),
        ("北京.txt", "txt", "txt"),
        ("CON", "CON", "_CON"),
        ("con.txt", "con.txt", "_con.txt"),
        ("NUL.tar.gz", "NUL.tar.gz", "_NUL.tar.gz"),
        ("LPT²", "LPT2", "_LPT2"),
        ("COM0", "COM0", "COM0"),
        ("aux_file", "aux_file", "aux_file"),
        ("ﬁle\x1cname", "file_name", "file_name"),
    ],
)
def test_secure_filename_examples(
    impl: ModuleType, monkeypatch: pytest.MonkeyPatch, filename: str, posix: str, windows: str
) -> None:
    backend = strings_backend(impl)
    assert anchor_secure_filename(filename) == posix
    assert werkzeug_windows(filename, monkeypatch) == windows
    assert backend.secure_filename(filename) == posix
    assert backend.secure_filename(filename, windows=False) == posix
    assert backend.secure_filename(filename, windows=True) == windows


def test_secure_filename_huge(impl: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = strings_backend(impl)
    name = "../Ça coûte/ 1,5 € \t北京 file.tar.gz" * 80_000
    assert backend.secure_filename(name) == anchor_secure_filename(name)
    assert backend.secure_filename(name, windows=True) == werkzeug_windows(name, monkeypatch)


@pytest.mark.parametrize("value", [b"name.txt", None, 5, ["a"]], ids=repr)
def test_secure_filename_takes_only_str(impl: ModuleType, value: object) -> None:
    backend = strings_backend(impl)
    expect(
        TypeError,
        f"secure_filename() argument 'filename' must be str, not {type(value).__name__}",
        backend.secure_filename,
        value,
    )


def test_secure_filename_windows_is_keyword_only(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    with pytest.raises(TypeError):
        backend.secure_filename("CON", True)


@pytest.mark.parametrize("windows", [False, True])
def test_native_and_twin_secure_every_code_point(windows: bool) -> None:
    native, twin = both_backends()
    mismatch = whole_unicode_mismatch(
        lambda text: native.secure_filename(text, windows=windows),
        lambda text: twin.secure_filename(text, windows=windows),
    )
    assert mismatch is None, mismatch


def test_every_code_point_matches_werkzeug(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    mismatch = whole_unicode_mismatch(backend.secure_filename, anchor_secure_filename, joiner=" ")
    assert mismatch is None, mismatch
