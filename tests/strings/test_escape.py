"""escape_html and escape_markup on both backends (docs/STRINGS.md), held against
markupsafe.escape: str, str subclasses, objects with ``__html__`` (returning text, a Markup
or another ``__html__`` object), other objects; the exact-``str`` result, the same object
when nothing needs escaping, exceptions passing through, and life without markupsafe."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from types import ModuleType
from typing import Any

import markupsafe
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.string_strategies import SETTINGS, any_text
from tests.support.strings_backend import Strings, strings_backend

SPECIALS = "&<>'\""
html_text = st.text(
    st.one_of(
        st.sampled_from(SPECIALS + "&amp;#;"), st.characters(exclude_categories=("Cs", "Cn"))
    ),
    max_size=40,
)


class Html:
    """An object that says it is HTML already; ``__str__`` tells whether it was used."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __html__(self) -> object:
        return self.value

    def __str__(self) -> str:
        return f"<Html.__str__ of {self.value!r}>"

    def __repr__(self) -> str:
        return f"Html({self.value!r})"


class SubStr(str):
    """A str subclass, escaped like any str."""


class SubStrOwnStr(str):
    """A str subclass whose ``__str__`` says something else: ``str(s)`` is what counts."""

    def __str__(self) -> str:
        return "<override & " + str.__str__(self) + ">"


class SubStrHtml(str):
    """A str subclass with ``__html__``: not escaped."""

    def __html__(self) -> str:
        return "<i>" + str.__str__(self) + "</i>"


class BoomError(Exception):
    pass


class RaisesInHtml:
    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __html__(self) -> str:
        raise self.error


class RaisesInStr:
    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __str__(self) -> str:
        raise self.error


def html_values(depth: int = 2) -> st.SearchStrategy[Any]:
    """What ``__html__`` may return: text, a Markup, a number, another ``__html__`` object."""
    base = st.one_of(html_text, html_text.map(markupsafe.Markup), st.integers(), st.none())
    if depth == 0:
        return base
    return st.one_of(base, html_values(depth - 1).map(Html))


escapables = st.one_of(
    html_text,
    html_text.map(SubStr),
    html_text.map(SubStrOwnStr),
    html_text.map(SubStrHtml),
    html_text.map(markupsafe.Markup),
    html_values().map(Html),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.binary(max_size=10),
    st.lists(html_text, max_size=3),
)


# --- Against markupsafe ------------------------------------------------------------------


@SETTINGS
@given(value=escapables)
def test_escape_html_matches_markupsafe(impl: ModuleType, value: Any) -> None:
    backend = strings_backend(impl)
    result = backend.escape_html(value)
    assert type(result) is str
    assert result == str(markupsafe.escape(value))


@SETTINGS
@given(text=any_text(40) | html_text)
def test_escape_html_text(impl: ModuleType, text: str) -> None:
    backend = strings_backend(impl)
    expected = (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )
    result = backend.escape_html(text)
    assert result == expected == str(markupsafe.escape(text))
    assert type(result) is str
    if not any(char in text for char in SPECIALS):
        assert result is text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ""),
        ("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        ('a & "b"', "a &amp; &#34;b&#34;"),
        ("&amp;", "&amp;amp;"),
        ("\U0001f600<\u0301>", "\U0001f600&lt;\u0301&gt;"),
        (markupsafe.Markup("<b>x</b>"), "<b>x</b>"),
        (Html("<b>"), "<b>"),
        (Html(markupsafe.Markup("<b>")), "<b>"),
        # __html__ -> an __html__ object: called once more; its result goes through str().
        (Html(Html("<b>")), "<b>"),
        (Html(Html(Html("<b>"))), "<Html.__str__ of '<b>'>"),
        (Html(5), "5"),
        (SubStr("<"), "&lt;"),
        (SubStrOwnStr("x"), "&lt;override &amp; x&gt;"),
        (SubStrHtml("<b>"), "<i><b></i>"),
        (42, "42"),
        (-1.5, "-1.5"),
        (None, "None"),
        (True, "True"),
        (b"<", "b&#39;&lt;&#39;"),
    ],
)
def test_escape_html_examples(impl: ModuleType, value: object, expected: str) -> None:
    backend = strings_backend(impl)
    result = backend.escape_html(value)
    assert result == expected == str(markupsafe.escape(value))
    assert type(result) is str


def test_escape_html_returns_the_same_object_when_nothing_changes(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    for text in ["", "plain text", "\U0001f600 caf\u00e9 #;", "x" * 100_000]:
        assert backend.escape_html(text) is text
    # A str subclass is converted to an exact str even when nothing is escaped.
    sub = SubStr("plain")
    result = backend.escape_html(sub)
    assert type(result) is str
    assert result == "plain"


def test_escape_html_huge(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    text = ("<p class='x'>Tom & \"Jerry\" \U0001f600 caf\u00e9</p>\n" * 60_000)[:3_000_000]
    result = backend.escape_html(text)
    assert result == str(markupsafe.escape(text))
    assert type(result) is str
    plain = "a" * 3_000_000
    assert backend.escape_html(plain) is plain


@pytest.mark.parametrize("where", ["__html__", "__str__"])
def test_escape_html_exceptions_propagate_unchanged(impl: ModuleType, where: str) -> None:
    backend = strings_backend(impl)
    error = BoomError("from the object")
    value: object = RaisesInHtml(error) if where == "__html__" else RaisesInStr(error)
    with pytest.raises(BoomError) as excinfo:
        backend.escape_html(value)
    assert excinfo.value is error


def test_escape_html_exception_from_a_nested_html(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    error = BoomError("second __html__")
    with pytest.raises(BoomError) as excinfo:
        backend.escape_html(Html(RaisesInHtml(error)))
    assert excinfo.value is error


def test_escape_html_needs_an_argument(impl: ModuleType) -> None:
    backend = strings_backend(impl)
    with pytest.raises(TypeError):
        backend.escape_html()


# --- escape_markup -----------------------------------------------------------------------


def public_module(monkeypatch: pytest.MonkeyPatch, backend: Strings) -> ModuleType:
    """covet_rust_core.strings (imported here, so that a failing import fails these tests
    only), its escape_markup running on ``backend``'s escape_html."""
    import covet_rust_core.strings

    monkeypatch.setattr(covet_rust_core.strings, "escape_html", backend.escape_html)
    return covet_rust_core.strings


@SETTINGS
@given(value=escapables)
def test_escape_markup_matches_markupsafe(
    impl: ModuleType, monkeypatch: pytest.MonkeyPatch, value: Any
) -> None:
    backend = strings_backend(impl)
    strings = public_module(monkeypatch, backend)
    result = strings.escape_markup(value)
    expected = markupsafe.escape(value)
    assert type(result) is markupsafe.Markup
    assert result == expected
    # A Markup is not escaped again.
    assert strings.escape_markup(result) == expected


def test_escape_markup_without_markupsafe(
    impl: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = strings_backend(impl)
    strings = public_module(monkeypatch, backend)
    monkeypatch.setitem(sys.modules, "markupsafe", None)
    with pytest.raises(ModuleNotFoundError) as excinfo:
        strings.escape_markup("<b>")
    assert type(excinfo.value) is ModuleNotFoundError
    assert excinfo.value.name == "markupsafe"
    assert "markupsafe" in str(excinfo.value)
    # escape_html does not need it.
    assert backend.escape_html("<b>") == "&lt;b&gt;"
    result = backend.escape_html(Html("<b>"))
    assert result == "<b>"
    assert type(result) is str


def test_escape_html_in_an_interpreter_without_markupsafe(impl: ModuleType) -> None:
    """Imported from scratch with markupsafe unimportable, each backend still escapes (the
    in-process check above cannot see an import done when the backend was loaded)."""
    backend = strings_backend(impl)
    module = backend.module.__name__
    script = textwrap.dedent(
        f"""
        import sys
        sys.modules["markupsafe"] = None
        import importlib
        escape_html = importlib.import_module({module!r}).strings.escape_html
        class Html:
            def __html__(self):
                return "<b>"
        results = [escape_html("<a & 'b'>"), escape_html(Html())]
        assert all(type(r) is str for r in results), results
        print(repr(results))
        from covet_rust_core import strings
        try:
            strings.escape_markup("x")
        except ModuleNotFoundError as error:
            print(error.name)
        """
    )
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["['&lt;a &amp; &#39;b&#39;&gt;', '<b>']", "markupsafe"]
