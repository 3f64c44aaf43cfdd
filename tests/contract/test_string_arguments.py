"""The native extension and the twin side by side on arguments of every type: the contract
(docs/STRINGS.md) asks for the same results, the same exception types and the same
messages, including where it does not spell a message out."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.outcomes import outcome
from tests.support.public_api import STRING_KEYWORDS, STRING_POSITIONAL
from tests.support.string_strategies import SETTINGS, argument_values
from tests.support.strings_backend import both_backends


@st.composite
def calls(draw: st.DrawFn, name: str) -> tuple[list[Any], dict[str, Any]]:
    positional = [draw(argument_values) for _ in range(STRING_POSITIONAL.get(name, 1))]
    keywords = {
        key: draw(argument_values) for key in STRING_KEYWORDS[name] if draw(st.integers(0, 3)) == 0
    }
    return positional, keywords


@SETTINGS
@pytest.mark.parametrize("name", sorted(STRING_KEYWORDS))
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
