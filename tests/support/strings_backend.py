"""The string helpers under the contract's names (docs/STRINGS.md): one implementation's
``strings`` module (``_native.strings`` or ``fallback.strings``) with the implementation's
test id. A module that lacks one of the string names fails the calling test; nothing is
skipped."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from tests.support import implementations
from tests.support.public_api import STRING_NAMES


class Strings:
    """One implementation of the string contract, under the contract's names (a plain class,
    not a dataclass, so that hypothesis reports it by its short repr)."""

    name: str
    module: ModuleType
    escape_html: Callable[..., Any]
    transliterate: Callable[..., Any]
    slugify: Callable[..., Any]
    to_snake: Callable[..., Any]
    to_camel: Callable[..., Any]
    to_pascal: Callable[..., Any]
    to_kebab: Callable[..., Any]
    to_snake_keys: Callable[..., Any]
    to_camel_keys: Callable[..., Any]
    to_pascal_keys: Callable[..., Any]
    to_kebab_keys: Callable[..., Any]
    quote: Callable[..., Any]
    quote_plus: Callable[..., Any]
    unquote: Callable[..., Any]
    unquote_plus: Callable[..., Any]
    urlencode: Callable[..., Any]
    parse_qsl: Callable[..., Any]
    parse_qs: Callable[..., Any]
    multi_replace: Callable[..., Any]
    Replacer: Any
    secure_filename: Callable[..., Any]

    def __init__(self, name: str, module: ModuleType) -> None:
        self.name = name
        self.module = module
        for attr in STRING_NAMES:
            setattr(self, attr, getattr(module.strings, attr))

    def __repr__(self) -> str:
        return f"<Strings {self.name}>"

    def function(self, name: str) -> Callable[..., Any]:
        """The function called ``name`` (for tests parametrized over names)."""
        found: Callable[..., Any] = getattr(self, name)
        return found


def strings_backend(impl: ModuleType) -> Strings:
    """The string helpers of ``impl`` (the ``impl`` fixture's module, or
    ``native()``/``twin()``)."""
    name = implementations.name_of(impl)
    missing = [attr for attr in STRING_NAMES if not hasattr(impl.strings, attr)]
    if missing:
        pytest.fail(
            f"{impl.strings.__name__} ({name}) lacks the string names {missing}, so the {name} "
            "half of this test cannot run",
            pytrace=False,
        )
    return Strings(name, impl)


def both_backends() -> tuple[Strings, Strings]:
    """(native, twin), for differential checks; either one missing fails the test."""
    return strings_backend(implementations.native()), strings_backend(implementations.twin())
