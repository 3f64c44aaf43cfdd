"""The native extension and the twin side by side on arguments of every type: the contract
(docs/STRINGS.md) asks for the same results, the same exception types and the same
messages, including where it does not spell a message out."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.strings_backend import SETTINGS, STRING_NAMES, any_text, both_backends, outcome

# Each function's parameters after the first (passed by keyword; the first is positional).
KEYWORDS: dict[str, tuple[str, ...]] = {
    "escape_html": (),
    "transliterate": (),
    "slugify": (
        "entities",
        "decimal",
        "hexadecimal",
        "max_length",
        "word_boundary",
        "save_order",
        "separator",
        "stopwords",
        "replacements",
        "lowercase",
        "allow_unicode",
    ),
    "quote": ("safe",),
    "quote_plus": ("safe",),
    "unquote": (),
    "unquote_plus": (),
    "urlencode": ("doseq", "safe"),
    "parse_qsl": ("keep_blank_values", "strict_parsing", "max_num_fields", "separator"),
    "parse_qs": ("keep_blank_values", "strict_parsing", "max_num_fields", "separator"),
    "multi_replace": (),
    "Replacer": (),
    "secure_filename": ("windows",),
}
for _name in ("to_snake", "to_camel", "to_pascal", "to_kebab"):
    KEYWORDS[_name] = KEYWORDS[f"{_name}_keys"] = ()
assert set(KEYWORDS) == set(STRING_NAMES)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 50),
    st.floats(allow_nan=False),
    any_text(6),
    st.sampled_from(["", "-", "&", "a=1&b", "someKey", "CON", "%zz%C3"]),
    st.binary(max_size=4),
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.tuples(children, children)
        | st.dictionaries(any_text(3), children, max_size=3)
    ),
    max_leaves=6,
)


# How many arguments are passed by position (the required ones).
POSITIONAL = {"multi_replace": 2}


@st.composite
def calls(draw: st.DrawFn, name: str) -> tuple[list[Any], dict[str, Any]]:
    positional = [draw(values) for _ in range(POSITIONAL.get(name, 1))]
    keywords = {key: draw(values) for key in KEYWORDS[name] if draw(st.integers(0, 3)) == 0}
    return positional, keywords


@SETTINGS
@pytest.mark.parametrize("name", sorted(KEYWORDS))
@given(data=st.data())
def test_native_and_twin_agree_on_any_arguments(name: str, data: st.DataObject) -> None:
    positional, keywords = data.draw(calls(name))
    native, twin = both_backends()
    ours = outcome(native.function(name), *positional, **keywords)
    theirs = outcome(twin.function(name), *positional, **keywords)
    if name == "Replacer":
        # Compare what the two replacers do, not the objects.
        ours = (ours[0], outcome(ours[1].replace, "someKey & CON") if ours[0] == "ok" else ours[1])
        theirs = (
            theirs[0],
            outcome(theirs[1].replace, "someKey & CON") if theirs[0] == "ok" else theirs[1],
        )
    assert ours == theirs
