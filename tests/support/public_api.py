"""The public names, per domain, that the tests hold both implementations to. They are not
listed here: they are the twin's ``__all__`` (``covet_rust_core.fallback.<domain>``), which
contract/test_exports.py holds equal, name for name and signature for signature, to the
native ``covet_rust_core._native.<domain>``. A new public function is added to the core, its
binding, the twin and the stub; the tests that must cover every name (the fuzz harness:
strings, hashing and aio; the string helpers' argument tests; the JWT, string and aio
adapters) read these tuples and pick it up."""

from __future__ import annotations

import inspect
from typing import Final

from covet_rust_core.fallback import aio, hashing, jwt, strings

JWT_NAMES: Final = tuple(jwt.__all__)
STRING_NAMES: Final = tuple(strings.__all__)
HASHING_NAMES: Final = tuple(hashing.__all__)
AIO_NAMES: Final = tuple(aio.__all__)


def _parameters(name: str) -> list[inspect.Parameter]:
    function = getattr(strings, name)
    return list(inspect.signature(function).parameters.values())


# How many arguments each string helper takes by position when the tests call it: its
# required ones (at least one).
STRING_POSITIONAL: Final = {
    name: max(
        1,
        sum(
            parameter.default is inspect.Parameter.empty
            and parameter.kind is not inspect.Parameter.KEYWORD_ONLY
            for parameter in _parameters(name)
        ),
    )
    for name in STRING_NAMES
}

# Each string helper's optional parameters, which the tests pass by keyword.
STRING_KEYWORDS: Final[dict[str, tuple[str, ...]]] = {
    name: tuple(
        parameter.name
        for parameter in _parameters(name)[STRING_POSITIONAL[name] :]
        if parameter.kind is not inspect.Parameter.POSITIONAL_ONLY
    )
    for name in STRING_NAMES
}
