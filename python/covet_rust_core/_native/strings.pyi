"""Stub for ``covet_rust_core._native.strings`` (crates/covet-python/src/strings/):
the names and signatures of its twin ``covet_rust_core.fallback.strings``."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Self, final

__all__ = [
    "Replacer",
    "escape_html",
    "multi_replace",
    "parse_qs",
    "parse_qsl",
    "quote",
    "quote_plus",
    "secure_filename",
    "slugify",
    "to_camel",
    "to_camel_keys",
    "to_kebab",
    "to_kebab_keys",
    "to_pascal",
    "to_pascal_keys",
    "to_snake",
    "to_snake_keys",
    "transliterate",
    "unquote",
    "unquote_plus",
    "urlencode",
]

def escape_html(s: object) -> str:
    """``str(markupsafe.escape(s))``: HTML-escaped text as a plain ``str``."""

def transliterate(text: str) -> str:
    """ASCII transliteration with the ``deunicode`` table."""

def slugify(
    text: str,
    /,
    *,
    entities: bool = True,
    decimal: bool = True,
    hexadecimal: bool = True,
    max_length: int = 0,
    word_boundary: bool = False,
    save_order: bool = False,
    separator: str = "-",
    stopwords: Iterable[str] = (),
    replacements: Iterable[tuple[str, str]] = (),
    lowercase: bool = True,
    allow_unicode: bool = False,
) -> str:
    """python-slugify's ``slugify`` (legacy pipeline)."""

def to_snake(s: str, /) -> str:
    """pyhumps' ``decamelize``."""

def to_camel(s: str, /) -> str:
    """pyhumps' ``camelize``."""

def to_pascal(s: str, /) -> str:
    """pyhumps' ``pascalize``."""

def to_kebab(s: str, /) -> str:
    """pyhumps' ``kebabize``."""

def to_snake_keys(obj: Any, /) -> Any:
    """``obj`` with the keys of its dicts (through dicts and lists) in snake_case."""

def to_camel_keys(obj: Any, /) -> Any:
    """``obj`` with the keys of its dicts (through dicts and lists) in camelCase."""

def to_pascal_keys(obj: Any, /) -> Any:
    """``obj`` with the keys of its dicts (through dicts and lists) in PascalCase."""

def to_kebab_keys(obj: Any, /) -> Any:
    """``obj`` with the keys of its dicts (through dicts and lists) in kebab-case."""

def quote(string: str | bytes | bytearray, safe: str | bytes = "/") -> str:
    """``urllib.parse.quote`` (UTF-8)."""

def quote_plus(string: str | bytes | bytearray, safe: str | bytes = "") -> str:
    """``urllib.parse.quote_plus`` (UTF-8)."""

def unquote(string: str | bytes) -> str:
    """``urllib.parse.unquote`` (UTF-8, invalid bytes as U+FFFD)."""

def unquote_plus(string: str | bytes) -> str:
    """``urllib.parse.unquote_plus`` (UTF-8, invalid bytes as U+FFFD)."""

def urlencode(
    query: Mapping[Any, Any] | Sequence[tuple[Any, Any]],
    doseq: bool = False,
    safe: str | bytes = "",
) -> str:
    """``urllib.parse.urlencode`` (UTF-8, ``quote_plus``)."""

def parse_qsl(
    qs: str,
    keep_blank_values: bool = False,
    strict_parsing: bool = False,
    max_num_fields: int | None = None,
    separator: str = "&",
) -> list[tuple[str, str]]:
    """``urllib.parse.parse_qsl`` (UTF-8, ``errors="replace"``)."""

def parse_qs(
    qs: str,
    keep_blank_values: bool = False,
    strict_parsing: bool = False,
    max_num_fields: int | None = None,
    separator: str = "&",
) -> dict[str, list[str]]:
    """``urllib.parse.parse_qs`` (UTF-8, ``errors="replace"``)."""

def multi_replace(text: str, mapping: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
    """Every pattern replaced in one pass, leftmost-longest."""

@final
class Replacer:
    """``multi_replace`` with the patterns compiled once (an Aho-Corasick automaton)."""

    def __new__(cls, mapping: Mapping[str, str] | Iterable[tuple[str, str]]) -> Self: ...
    def replace(self, text: str) -> str:
        """``text`` with every pattern replaced in one pass, leftmost-longest."""
    def __len__(self) -> int: ...

def secure_filename(filename: str, /, *, windows: bool | None = None) -> str:
    """werkzeug's ``secure_filename``."""
