"""Pure-Python twin of the native string helpers (crates/covet-python/src/strings/,
contract: docs/STRINGS.md).

Each helper gives, output for output, what its anchor gives (markupsafe, python-slugify's
legacy pipeline, pyhumps, urllib.parse, werkzeug), with the contract's argument checks and
messages, and without importing any of them. The hot paths stay in C-level ``str`` and ``re``
operations:

- ``escape_html``: five ``str.replace`` calls, which return the argument itself when there is
  nothing to escape.
- ``transliterate``: one ``str.translate`` through a list indexed by code point (the
  ``deunicode`` table, loaded on first use). An entry that may lose its trailing space ends in
  a marker instead, an empty entry is a second marker, and three ``str.replace`` calls then
  apply the trim rule.
- ``slugify``: python-slugify's regular expressions and ``str`` steps, in its order.
- case conversion: pyhumps' regular expressions; the ``*_keys`` forms walk dicts and lists with
  an explicit stack (the depth limit is ours, not the interpreter's) and convert each distinct
  key once per call.
- URL coding: ``urllib.parse`` itself, after the contract's argument checks.
- ``multi_replace`` / ``Replacer``: one regular expression built from a trie of the patterns
  (longer matches tried first), ``split()`` on it, and the replacements looked up with
  ``map``.
"""

from __future__ import annotations

import contextlib
import html.entities
import importlib.resources
import operator
import os
import re
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias, TypeGuard, TypeVar, cast, final

_T = TypeVar("_T")

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


def _wrong_type(function: str, argument: str, expected: str, value: object) -> TypeError:
    """The contract's TypeError for an argument of the wrong type."""
    return TypeError(
        f"{function}() argument '{argument}' must be {expected}, not {type(value).__name__}"
    )


def _utf8_only(text: str) -> str:
    """``text``, or the ``UnicodeEncodeError`` of ``text.encode()`` when it holds a lone
    surrogate: the native side works on UTF-8, which cannot hold one (docs/STRINGS.md,
    "Argument errors")."""
    if not text.isascii():
        text.encode()
    return text


def _check_str(function: str, argument: str, value: object) -> str:
    """A ``str`` argument of a helper whose native core works on UTF-8."""
    return _utf8_only(_check_any_str(function, argument, value))


def _has_type(value: object, kind: type[_T]) -> TypeGuard[_T]:
    """``isinstance`` by the real type: the native side asks CPython for ``type(value)``,
    where ``isinstance`` would also believe a ``__class__`` that lies."""
    return issubclass(type(value), kind)


def _is_text(value: object) -> TypeGuard[str | bytes]:
    """A ``str`` or ``bytes`` (or subclass) by its real type."""
    return _has_type(value, str) or _has_type(value, bytes)


def _check_any_str(function: str, argument: str, value: object) -> str:
    """A ``str`` argument as an exact ``str``, lone surrogates allowed (case conversion and
    URL coding pass them through, as their anchors do)."""
    if not _has_type(value, str):
        raise _wrong_type(function, argument, "str", value)
    return _exact(value)


def _exact(text: str) -> str:
    """``text`` as an exact ``str``: itself, or a plain copy of a subclass instance, read
    through ``str`` itself (none of the subclass's methods is called), as the native side
    reads it."""
    return text if type(text) is str else str.__str__(text)


def _exact_bytes(data: bytes | bytearray) -> bytes:
    """``data`` as exact ``bytes``, read through the base type (a subclass's ``__bytes__``,
    ``__iter__`` or ``__buffer__`` is never called)."""
    if type(data) is bytes:
        return data
    if _has_type(data, bytes):
        return bytes.__getitem__(data, slice(None))
    return bytes(bytearray.__getitem__(cast("bytearray", data), slice(None)))


def _exact_text(value: str | bytes | bytearray) -> str | bytes:
    """A ``str``, ``bytes`` or ``bytearray`` as an exact ``str`` or ``bytes``."""
    if _has_type(value, str):
        return _exact(value)
    return _exact_bytes(cast("bytes | bytearray", value))


# ------------------------------------------------------------------------------ escape_html


def escape_html(s: object) -> str:
    """``str(markupsafe.escape(s))``: ``& < > ' "`` as ``&amp; &lt; &gt; &#39; &#34;``.

    An object with ``__html__`` gives its (unescaped) ``__html__()``; anything else is escaped
    after ``str()``. An exact ``str`` with nothing to escape is returned as it is.
    """
    if type(s) is not str:
        if hasattr(s, "__html__"):
            safe = s.__html__()
            if hasattr(safe, "__html__"):
                safe = safe.__html__()
            return _exact(str(safe))
        s = _exact(str(s))
    return (
        s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


# ---------------------------------------------------------------------------- transliterate

# In the translation table, an entry of two or more characters ending in a space ends in
# _SPACE instead (the space it may lose), and an empty entry is _EMPTY: the output of the
# translation is ASCII apart from these two, so they cannot be confused with the text.
_SPACE: Final = "\x80"
_EMPTY: Final = "\x81"
_TRAILING_SPACE: Final = re.compile(rb"(?<=[^\0]) (?=\0)")
_EMPTY_ENTRY: Final = re.compile(rb"(?:^|(?<=\0))(?=\0)")


class _Table:
    """The deunicode table as ``str.translate`` needs it (built on first use)."""

    __slots__ = ("beyond", "empty_char", "entries")

    def __init__(self) -> None:
        data = (
            importlib.resources.files(__name__.rpartition(".")[0])
            .joinpath("_deunicode.bin")
            .read_bytes()
        )
        # Mark the entries at the byte level, then one split: an entry of two or more bytes
        # ending in a space ends in _SPACE instead, an empty entry is _EMPTY.
        data = _TRAILING_SPACE.sub(_SPACE.encode("latin-1"), data)
        data = _EMPTY_ENTRY.sub(_EMPTY.encode("latin-1"), data)
        raw = data.decode("latin-1").split("\0")
        # The file ends with a NUL: the last split part is not an entry.
        del raw[-1]
        entries = [chr(code) for code in range(0x80)]
        entries += raw
        empty_code = entries.index(_EMPTY)
        self.entries: Final = entries
        # A character the table does not cover becomes one whose entry is empty (it is
        # dropped, and stops the trim of a space before it, as in deunicode).
        self.empty_char: Final = chr(empty_code)
        self.beyond: Final = re.compile(f"[{re.escape(chr(len(entries)))}-\U0010ffff]")


_table: _Table | None = None


def _get_table() -> _Table:
    global _table  # noqa: PLW0603 (built once, on first use)
    table = _table
    if table is None:
        # Two threads may both build it; either result is the same table.
        table = _table = _Table()
    return table


def transliterate(text: str) -> str:
    """ASCII transliteration with the ``deunicode`` crate's table (``"北京"`` -> ``"Bei Jing"``).

    Characters without an entry are dropped; ASCII text is returned as it is.
    """
    text = _check_any_str("transliterate", "text", text)
    if text.isascii():
        return text
    _utf8_only(text)
    table = _get_table()
    if table.beyond.search(text) is not None:
        text = table.beyond.sub(table.empty_char, text)
    out = text.translate(table.entries)
    if out.isascii():
        return out
    if _SPACE in out:
        # The space is lost when the next entry starts with one, or at the end of the text;
        # after a marker comes the first character of the next entry (or _EMPTY).
        out = out.replace(_SPACE + " ", " ")
        if out[-1] == _SPACE:
            out = out[:-1]
        out = out.replace(_SPACE, " ")
    return out.replace(_EMPTY, "")


# ---------------------------------------------------------------------------------- slugify

_QUOTES: Final = re.compile(r"'+")
_NAMED_REFERENCE: Final = re.compile(r"&([0-9A-Za-z]+);")
_DECIMAL_REFERENCE: Final = re.compile(r"&#(\d+);")
_HEX_REFERENCE: Final = re.compile(r"&#x([\da-fA-F]+);")
_COMMA_IN_NUMBER: Final = re.compile(r"(?<=\d),(?=\d)")
_NOT_SLUG_ASCII: Final = re.compile(r"[^-a-zA-Z0-9]+")
_NOT_SLUG_UNICODE: Final = re.compile(r"[\W_]+")
_DASHES: Final = re.compile(r"-{2,}")
_NAME_TO_CODE: Final = html.entities.name2codepoint
_MAX_CODE: Final = 0x10FFFF


class _OutOfRangeError(Exception):
    """A numeric character reference above U+10FFFF (cancels its kind, as in the anchor)."""


def _named(match: re.Match[str]) -> str:
    code = _NAME_TO_CODE.get(match[1])
    return match[0] if code is None else chr(code)


def _decimal(match: re.Match[str]) -> str:
    digits = match[1]
    if len(digits) > 7:
        # Leading zeros (of any script: ``\d`` is any decimal digit) do not count.
        start = 0
        while start < len(digits) and unicodedata.decimal(digits[start]) == 0:
            start += 1
        digits = digits[start:] or "0"
        if len(digits) > 7:
            raise _OutOfRangeError
    code = int(digits)
    if code > _MAX_CODE:
        raise _OutOfRangeError
    return chr(code)


def _hexadecimal(match: re.Match[str]) -> str:
    code = int(match[1], 16)
    if code > _MAX_CODE:
        raise _OutOfRangeError
    return chr(code)


def _decode_references(text: str, entities: bool, decimal: bool, hexadecimal: bool) -> str:
    if entities:
        text = _NAMED_REFERENCE.sub(_named, text)
    if decimal:
        with contextlib.suppress(_OutOfRangeError):
            text = _DECIMAL_REFERENCE.sub(_decimal, text)
    if hexadecimal:
        with contextlib.suppress(_OutOfRangeError):
            text = _HEX_REFERENCE.sub(_hexadecimal, text)
    return text


def _smart_truncate(text: str, max_length: int, word_boundary: bool, save_order: bool) -> str:
    """python-slugify's ``smart_truncate`` with ``-`` as the separator."""
    text = text.strip("-")
    if len(text) < max_length:
        return text
    if not word_boundary:
        return text[:max_length].strip("-")
    if "-" not in text:
        return text[:max_length]
    truncated = ""
    for word in text.split("-"):
        if not word:
            continue
        length = len(truncated) + len(word)
        if length < max_length:
            truncated += word + "-"
        elif length == max_length:
            truncated += word
            break
        elif save_order:
            break
    if not truncated:
        truncated = text[:max_length]
    return truncated.strip("-")


def _listed(value: object, message: str) -> list[Any]:
    """Every item of an iterable argument, taken before any is looked at: a TypeError (not
    iterable, or raised while iterating) is the argument's TypeError with ``message``. A
    plain loop, not ``list()``: that would also ask for a length hint, which the native
    side never does."""
    items = []
    try:
        for item in value:  # type: ignore[attr-defined]
            items.append(item)
    except TypeError:
        raise TypeError(message) from None
    return items


def _replacement_pairs(replacements: object) -> list[tuple[str, str]]:
    message = "slugify() argument 'replacements' must be an iterable of (old, new) str pairs"
    items = _listed(replacements, message)
    pairs: list[tuple[str, str]] = []
    for item in items:
        # A two-character str would unpack into a pair.
        if _has_type(item, str):
            raise TypeError(message)
        try:
            old, new = item
        except (TypeError, ValueError):
            raise TypeError(message) from None
        if not _has_type(old, str) or not _has_type(new, str):
            raise TypeError(message)
        pairs.append((_utf8_only(_exact(old)), _utf8_only(_exact(new))))
    return pairs


def _stopword_list(stopwords: object) -> list[str]:
    message = "slugify() argument 'stopwords' must be an iterable of str"
    items = _listed(stopwords, message)
    words: list[str] = []
    for word in items:
        if not _has_type(word, str):
            raise TypeError(message)
        words.append(_utf8_only(_exact(word)))
    return words


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
    """python-slugify's ``slugify`` (its legacy pipeline), transliterating with ``deunicode``.

    ``stopwords`` is an iterable of ``str``; ``replacements`` one of ``(old, new)`` pairs,
    applied before and after the slug is made.
    """
    text = _check_str("slugify", "text", text)
    if not _has_type(max_length, int):
        raise _wrong_type("slugify", "max_length", "int", max_length)
    # An int subclass as the int it holds: its __index__ and comparisons are not called.
    max_length = operator.index(max_length)
    separator = _check_str("slugify", "separator", separator)
    words = _stopword_list(stopwords)
    pairs = _replacement_pairs(replacements)
    # Flags are taken for their truth value, as python-slugify does.
    entities, decimal, hexadecimal = bool(entities), bool(decimal), bool(hexadecimal)
    word_boundary, save_order = bool(word_boundary), bool(save_order)
    lowercase, allow_unicode = bool(lowercase), bool(allow_unicode)

    for old, new in pairs:
        text = text.replace(old, new)
    text = _QUOTES.sub("-", text)
    form: Literal["NFKC", "NFKD"] = "NFKC" if allow_unicode else "NFKD"
    text = unicodedata.normalize(form, text)
    if not allow_unicode:
        text = transliterate(text)
    text = _decode_references(text, entities, decimal, hexadecimal)
    text = unicodedata.normalize(form, text)
    if lowercase:
        text = text.lower()
    text = text.replace("'", "")
    text = _COMMA_IN_NUMBER.sub("", text)
    text = (_NOT_SLUG_UNICODE if allow_unicode else _NOT_SLUG_ASCII).sub("-", text)
    text = _DASHES.sub("-", text).strip("-")
    if words:
        excluded = {word.lower() for word in words} if lowercase else set(words)
        text = "-".join(word for word in text.split("-") if word not in excluded)
    for old, new in pairs:
        text = text.replace(old, new)
    if max_length > 0:
        text = _smart_truncate(text, max_length, word_boundary, save_order)
    if separator != "-":
        text = text.replace("-", separator)
    return _exact(text)


# ------------------------------------------------------------------------- case conversion

# pyhumps' expressions: [A-Z] is ASCII only, \d any decimal digit.
_ACRONYM: Final = re.compile(r"([A-Z\d]+)(?=[A-Z\d]|$)")
_WORD_RUN: Final = re.compile(r"[^\-_]+")
# pyhumps' r"([\-_]*[A-Z][^A-Z]*[\-_]*)", which is quadratic on a long run of - and _ not
# followed by an upper-case letter (tried from every position of the run: 72 s for 100,000
# underscores, benches/bench_scaling.py). A match only ever starts where a run starts (or at
# the letter), so the run is tried from its first character alone: the same splits (checked
# on every string of up to 8 characters of "aA_-1É"), in linear time.
_CASE_SPLIT: Final = re.compile(r"((?:(?<![\-_])[\-_]+)?[A-Z][^A-Z]*[\-_]*)")
_JOINER: Final = re.compile(r"(?<=[^\-_])[\-_]+[^\-_]")
_MAX_DEPTH: Final = 1000


def _case_arg(function: str, s: object) -> str:
    """``s`` as an exact ``str`` (a subclass is read as the ``str`` it holds)."""
    if not _has_type(s, str):
        message = f"{function}() argument 's' must be str, not {type(s).__name__}"
        # A list by its real type; a Mapping as the ABC judges it (natively too).
        if _has_type(s, list) or isinstance(s, Mapping):
            message += f" (use {function}_keys for dicts and lists)"
        raise TypeError(message)
    return _exact(s)


def _is_kept(s: str) -> bool:
    """pyhumps returns such a string unchanged (its own object)."""
    return s.isupper() or s.isnumeric()


def _title_acronyms(s: str) -> str:
    return _ACRONYM.sub(lambda match: match[0].title(), s)


def _split_words(s: str, separator: str) -> str:
    return separator.join(part for part in _CASE_SPLIT.split(s) if part)


def _camel(s: str) -> str:
    """pyhumps' ``camelize`` of ``s`` (no whitespace; not upper case or numeric)."""
    if s and not s[:2].isupper():
        s = s[0].lower() + s[1:]
    return _JOINER.sub(lambda match: match[0][-1].upper(), s)


def _camelize(s: str) -> str:
    return s if _is_kept(s) else _camel(s)


def _pascalize(s: str) -> str:
    s = _camelize(_WORD_RUN.sub(lambda match: match[0][0].upper() + match[0][1:], s))
    return s[0].upper() + s[1:] if s else s


def _snake(s: str) -> str:
    stripped = "".join(s.split())
    if _is_kept(stripped):
        return s
    return _split_words(_title_acronyms(stripped), "_").lower()


def _camel_case(s: str) -> str:
    stripped = "".join(s.split())
    if _is_kept(stripped):
        return s
    return _camel(stripped)


def _pascal_case(s: str) -> str:
    stripped = "".join(s.split())
    if _is_kept(stripped):
        return s
    return _pascalize(stripped)


def _kebab(s: str) -> str:
    stripped = "".join(s.split())
    # pyhumps' kebabize keeps numeric strings only; upper case ones are converted.
    if stripped.isnumeric():
        return s
    if not stripped.isupper() and (
        stripped == _camelize(stripped) or stripped == _pascalize(stripped)
    ):
        return _split_words(_title_acronyms(stripped), "-").lower()
    return _JOINER.sub(lambda match: "-" + match[0][-1], stripped)


def to_snake(s: str, /) -> str:
    """pyhumps' ``decamelize``: ``"someHTTPRequestId"`` -> ``"some_http_request_id"``."""
    return _snake(_case_arg("to_snake", s))


def to_camel(s: str, /) -> str:
    """pyhumps' ``camelize``: ``"some_key_name"`` -> ``"someKeyName"``."""
    return _camel_case(_case_arg("to_camel", s))


def to_pascal(s: str, /) -> str:
    """pyhumps' ``pascalize``: ``"some_key_name"`` -> ``"SomeKeyName"``."""
    return _pascal_case(_case_arg("to_pascal", s))


def to_kebab(s: str, /) -> str:
    """pyhumps' ``kebabize``: ``"someKeyName"`` -> ``"some-key-name"``."""
    return _kebab(_case_arg("to_kebab", s))


_Container: TypeAlias = list[Any] | dict[Any, Any]


def _open(value: Any) -> tuple[Iterator[Any], _Container] | None:
    """For a list or Mapping (checked in pyhumps' order): its items' iterator and the new
    container for the converted copy; None for anything else. An exact dict or list is
    read from a copy of its items taken first (no Python code runs while it is taken), so
    that code run meanwhile (a key's ``__hash__``, a Mapping's ``items()``) cannot change
    what is read; a subclass or another Mapping is read through its own methods as it goes,
    as pyhumps reads it."""
    if type(value) is dict:
        return iter(list(value.items())), {}
    if type(value) is list:
        return iter(value.copy()), []
    if _has_type(value, list):
        return iter(value), []
    if isinstance(value, Mapping):
        return iter(value.items()), {}
    return None


def _convert_keys(obj: Any, convert: Callable[[str], str], function: str) -> Any:
    """The keys of every Mapping reached through Mappings and lists, converted (new dicts and
    lists); depth-first in pyhumps' order, at most ``_MAX_DEPTH`` containers deep."""
    frame = _open(obj)
    if frame is None:
        return obj
    root = frame[1]
    converted: dict[str, str] = {}

    def key_of(key: Any) -> Any:
        if type(key) is str:
            new = converted.get(key)
            if new is None:
                new = converted[key] = convert(key)
            return new
        # A str subclass is read as the str it holds; any other key is kept.
        return convert(_exact(key)) if _has_type(key, str) else key

    # Each frame: the source's iterator (items for a Mapping) and the container being built.
    stack = [frame]
    while stack:
        source, target = stack[-1]
        is_list = type(target) is list
        for item in source:
            if is_list:
                value = item
            else:
                key, value = item
            child = _open(value)
            stored = value if child is None else child[1]
            if isinstance(target, list):
                target.append(stored)
            else:
                target[key_of(key)] = stored
            if child is not None:
                if len(stack) >= _MAX_DEPTH:
                    msg = f"{function}(): nesting deeper than {_MAX_DEPTH} levels"
                    raise RecursionError(msg)
                stack.append(child)
                break
        else:
            stack.pop()
    return root


def to_snake_keys(obj: Any, /) -> Any:
    """``obj`` with the keys of its dicts (found through dicts and lists) in snake_case."""
    return _convert_keys(obj, _snake, "to_snake_keys")


def to_camel_keys(obj: Any, /) -> Any:
    """``obj`` with the keys of its dicts (found through dicts and lists) in camelCase."""
    return _convert_keys(obj, _camel_case, "to_camel_keys")


def to_pascal_keys(obj: Any, /) -> Any:
    """``obj`` with the keys of its dicts (found through dicts and lists) in PascalCase."""
    return _convert_keys(obj, _pascal_case, "to_pascal_keys")


def to_kebab_keys(obj: Any, /) -> Any:
    """``obj`` with the keys of its dicts (found through dicts and lists) in kebab-case."""
    return _convert_keys(obj, _kebab, "to_kebab_keys")


# ------------------------------------------------------------------------------ URL coding


def _check_quote_args(
    function: str, string: object, safe: object
) -> tuple[str | bytes | bytearray, Any]:
    """``string`` and ``safe`` checked, as exact ``str`` or ``bytes``: a subclass is read as
    the value it holds (urllib would call its overridden methods, ``encode``, ``rstrip`` or
    ``__iter__``; the native side reads its characters). An empty bytearray ``string``
    stays one, for urllib's ``quote_plus`` to look at ``safe`` as it does for it."""
    if not (_is_text(string) or _has_type(string, bytearray)):
        raise _wrong_type(function, "string", "str, bytes or bytearray", string)
    exact_string = _exact_text(string)
    if isinstance(exact_string, str):
        # urllib encodes the text before it reads safe (a lone surrogate raises first).
        _utf8_only(exact_string)
    # Nothing to quote returns before safe is read, in urllib and natively alike, except
    # that urllib's quote_plus computes `safe + b" "` first for a bytearray.
    reads_safe = bool(exact_string) or (function == "quote_plus" and _has_type(string, bytearray))
    if reads_safe and not _is_text(safe):
        raise _wrong_type(function, "safe", "str or bytes", safe)
    exact_safe = _exact_text(safe) if _is_text(safe) else safe
    if _has_type(string, bytearray) and not exact_string:
        return bytearray(), exact_safe
    return exact_string, exact_safe


def quote(string: str | bytes | bytearray, safe: str | bytes = "/") -> str:
    """``urllib.parse.quote`` (UTF-8); a ``str`` needing no quoting is returned as it is."""
    string, safe = _check_quote_args("quote", string, safe)
    result = urllib.parse.quote(string, safe)
    if isinstance(string, str) and result == string:
        return string
    return result


def quote_plus(string: str | bytes | bytearray, safe: str | bytes = "") -> str:
    """``urllib.parse.quote_plus`` (UTF-8): like ``quote``, spaces as ``+``."""
    string, safe = _check_quote_args("quote_plus", string, safe)
    result = urllib.parse.quote_plus(string, safe)
    if isinstance(string, str) and result == string:
        return string
    return result


def unquote(string: str | bytes) -> str:
    """``urllib.parse.unquote``: ``%XX`` escapes decoded as UTF-8, invalid bytes as U+FFFD."""
    if not _is_text(string):
        raise _wrong_type("unquote", "string", "str or bytes", string)
    return _exact(urllib.parse.unquote(_exact_text(string)))


def unquote_plus(string: str | bytes) -> str:
    """``urllib.parse.unquote_plus``: like ``unquote``, ``+`` as a space (bytes too)."""
    if _has_type(string, str):
        return _exact(urllib.parse.unquote_plus(_exact(string)))
    if not _has_type(string, bytes):
        raise _wrong_type("unquote_plus", "string", "str or bytes", string)
    return urllib.parse.unquote(_exact_bytes(string).replace(b"+", b" "))


def _urlencode_quote(string: str | bytes, safe: object) -> str:
    """urllib's ``quote_plus`` of one name or value, with the contract's TypeError for a bad
    ``safe``, raised where urllib's own would be: at the first non-empty name or value,
    never earlier. A ``str`` or ``bytes`` subclass is read as the value it holds, as the
    native side reads it."""
    string = _exact_text(string)
    if isinstance(string, str):
        # urllib encodes the text before it reads safe (a lone surrogate raises first).
        _utf8_only(string)
    if string and not _is_text(safe):
        raise _wrong_type("urlencode", "safe", "str or bytes", safe)
    exact_safe: Any = _exact_text(safe) if _is_text(safe) else safe
    if isinstance(string, str):
        return urllib.parse.quote_plus(string, exact_safe)
    return urllib.parse.quote_plus(string, exact_safe)


def _urlencode_component(value: object, safe: object) -> str:
    """urllib's name or value: bytes quoted as they are, anything else as ``str()`` of it
    (by the real type: a ``__class__`` claiming bytes is not believed)."""
    if _has_type(value, bytes):
        return _urlencode_quote(value, safe)
    return _urlencode_quote(str(value), safe)


def urlencode(
    query: Mapping[Any, Any] | Sequence[tuple[Any, Any]],
    doseq: bool = False,
    safe: str | bytes = "",
) -> str:
    """``urllib.parse.urlencode`` (UTF-8, ``quote_plus``) of a Mapping or a sequence of pairs.

    urllib's loop, line for line, with the caller's objects typed by their real type. An
    exact dict is read from a copy of its items taken first: a ``__str__`` that changes it
    meanwhile does not change what is encoded (urllib would raise RuntimeError)."""
    doseq = bool(doseq)
    items: Iterable[Any]
    if type(query) is dict:
        items = list(query.items())
    elif hasattr(query, "items"):
        items = query.items()
    else:
        try:
            # Non-sequences fail len(); a non-empty str fails the tuple check.
            if len(query) and not _has_type(query[0], tuple):
                raise TypeError
        except TypeError as error:
            msg = "not a valid non-string sequence or mapping object"
            raise TypeError(msg) from error
        items = query
    pieces: list[str] = []
    for key, value in items:
        name = _urlencode_component(key, safe)
        if not doseq:
            pieces.append(f"{name}={_urlencode_component(value, safe)}")
        elif _is_text(value):
            pieces.append(f"{name}={_urlencode_quote(value, safe)}")
        else:
            try:
                len(value)
            except TypeError:
                pieces.append(f"{name}={_urlencode_component(value, safe)}")
            else:
                pieces.extend(f"{name}={_urlencode_component(item, safe)}" for item in value)
    return "&".join(pieces)


def _check_parse_args(function: str, qs: object, separator: object) -> tuple[str, str]:
    """``qs`` and ``separator`` as exact ``str``. ``max_num_fields`` is compared with the
    field count as urllib compares it (its TypeError for a value that does not compare with
    an int; an int subclass's own ``__lt__`` and ``__gt__``, as urllib calls them)."""
    return (
        _check_any_str(function, "qs", qs),
        _check_any_str(function, "separator", separator),
    )


def parse_qsl(
    qs: str,
    keep_blank_values: bool = False,
    strict_parsing: bool = False,
    max_num_fields: int | None = None,
    separator: str = "&",
) -> list[tuple[str, str]]:
    """``urllib.parse.parse_qsl`` (UTF-8, ``errors="replace"``): the query's pairs in order."""
    # The flags' truth first, as the native side converts its arguments (in signature
    # order, before it looks at them): an object whose __bool__ raises meets it first.
    keep_blank_values, strict_parsing = bool(keep_blank_values), bool(strict_parsing)
    qs, separator = _check_parse_args("parse_qsl", qs, separator)
    return urllib.parse.parse_qsl(
        qs,
        keep_blank_values,
        strict_parsing,
        max_num_fields=max_num_fields,
        separator=separator,
    )


def parse_qs(
    qs: str,
    keep_blank_values: bool = False,
    strict_parsing: bool = False,
    max_num_fields: int | None = None,
    separator: str = "&",
) -> dict[str, list[str]]:
    """``urllib.parse.parse_qs`` (UTF-8, ``errors="replace"``): each name's values in order."""
    # The flags' truth first, as the native side converts its arguments (in signature
    # order, before it looks at them): an object whose __bool__ raises meets it first.
    keep_blank_values, strict_parsing = bool(keep_blank_values), bool(strict_parsing)
    qs, separator = _check_parse_args("parse_qs", qs, separator)
    return urllib.parse.parse_qs(
        qs,
        keep_blank_values,
        strict_parsing,
        max_num_fields=max_num_fields,
        separator=separator,
    )


# ---------------------------------------------------------------------------- multi_replace


def _pattern_table(function: str, mapping: object) -> dict[str, str]:
    """The patterns and their replacements (the last of a repeated pattern wins). Every pair
    is checked for types before any pattern is checked for being empty."""

    def not_pairs() -> TypeError:
        return TypeError(
            f"{function}() argument 'mapping' must be a mapping or an iterable of "
            f"(pattern, replacement) pairs, not {type(mapping).__name__}"
        )

    def text(value: object) -> str:
        if not _has_type(value, str):
            msg = f"{function}(): patterns and replacements must be str, not {type(value).__name__}"
            raise TypeError(msg)
        return _utf8_only(_exact(value))

    pairs: list[tuple[str, str]] = []
    if type(mapping) is dict:
        # A copy of the items taken first, as the native side reads an exact dict.
        pairs.extend((text(pattern), text(new)) for pattern, new in list(mapping.items()))
    elif isinstance(mapping, Mapping):
        pairs.extend((text(pattern), text(new)) for pattern, new in mapping.items())
    else:
        if _has_type(mapping, str):
            raise not_pairs()
        try:
            items = iter(mapping)  # type: ignore[call-overload]
        except TypeError:
            raise not_pairs() from None
        for item in items:
            if _has_type(item, str):
                raise not_pairs()
            try:
                pattern, new = item
            except (TypeError, ValueError):
                raise not_pairs() from None
            pairs.append((text(pattern), text(new)))
    table: dict[str, str] = {}
    for pattern, new in pairs:
        if not pattern:
            msg = f"{function}(): empty pattern"
            raise ValueError(msg)
        table[pattern] = new
    return table


# A trie deeper than this (in branching points) is compiled as a plain alternation: re's
# parser recurses once per nested group.
_MAX_NESTING: Final = 64
_Trie: TypeAlias = dict[str, "_Trie"]


def _trie_source(node: _Trie, depth: int) -> str | None:
    """A regular expression matching the longest pattern of the trie below ``node`` (``""``
    keys mark the ends of patterns): each branching point a group, made optional where a
    pattern ends, so that the greedy ``?`` tries the longer patterns first."""
    if depth > _MAX_NESTING:
        return None
    branches = []
    for char, start in node.items():
        if not char:
            continue
        run, child = [char], start
        # A chain of nodes with one way on and no end is a literal.
        while len(child) == 1 and "" not in child:
            ((step, child),) = child.items()
            run.append(step)
        literal = re.escape("".join(run))
        if len(child) == 1:
            branches.append(literal)
            continue
        inner = _trie_source(child, depth + 1)
        if inner is None:
            return None
        branches.append(f"{literal}(?:{inner}){'?' if '' in child else ''}")
    return "|".join(branches)


def _compile(table: dict[str, str]) -> re.Pattern[str] | None:
    """One expression for all the patterns: at each position re takes the first alternative
    that matches, so the longest pattern must come first. A trie does that and lets re
    skip the alternatives whose first character does not match."""
    if not table:
        return None
    trie: _Trie = {}
    for pattern in table:
        node = trie
        for char in pattern:
            node = node.setdefault(char, {})
        node[""] = {}
    source = _trie_source(trie, 0)
    if source is None:
        source = "|".join(map(re.escape, sorted(table, key=len, reverse=True)))
    # One capturing group: split() returns the text between matches at even indices and the
    # matches at odd ones.
    return re.compile(f"({source})")


def _apply(expression: re.Pattern[str] | None, table: dict[str, str], text: str) -> str:
    if expression is None:
        return _exact(text)
    parts = expression.split(text)
    if len(parts) == 1:
        return _exact(text)
    parts[1::2] = map(table.__getitem__, parts[1::2])
    return "".join(parts)


def multi_replace(text: str, mapping: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
    """Every occurrence of the patterns replaced in one pass, leftmost-longest first; the
    replacements are not scanned again."""
    # The native side's order: text's type, the mapping, then text's UTF-8 form.
    text = _check_any_str("multi_replace", "text", text)
    table = _pattern_table("multi_replace", mapping)
    return _apply(_compile(table), table, _utf8_only(text))


@final
class Replacer:
    """``multi_replace`` with the patterns compiled once; immutable, shareable by threads."""

    __slots__ = ("_expression", "_table")

    def __init__(self, mapping: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        table = _pattern_table("Replacer", mapping)
        self._table: Final = table
        self._expression: Final = _compile(table)

    def replace(self, text: str) -> str:
        """``text`` with every occurrence of the patterns replaced (leftmost-longest)."""
        text = _check_str("replace", "text", text)
        return _apply(self._expression, self._table, text)

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        count = len(self._table)
        return f"Replacer({count} pattern{'' if count == 1 else 's'})"


# -------------------------------------------------------------------------- secure_filename

_NOT_FILENAME: Final = re.compile(r"[^A-Za-z0-9_.-]")
_SEPARATORS: Final = tuple(sep for sep in (os.sep, os.altsep) if sep)
_WINDOWS_DEVICES: Final = frozenset(
    {
        "AUX",
        "CON",
        "CONIN$",
        "CONOUT$",
        "NUL",
        "PRN",
        *(f"{name}{digit}" for name in ("COM", "LPT") for digit in "123456789¹²³"),
    }
)


def secure_filename(filename: str, /, *, windows: bool | None = None) -> str:
    """werkzeug's ``secure_filename``: ``"../../etc/passwd"`` -> ``"etc_passwd"``.

    ``windows`` (default: on Windows) prefixes ``_`` to the Windows device names.
    """
    filename = _check_str("secure_filename", "filename", filename)
    windows = os.name == "nt" if windows is None else bool(windows)
    name = unicodedata.normalize("NFKD", filename)
    name = name.encode("ascii", "ignore").decode("ascii")
    for sep in _SEPARATORS:
        name = name.replace(sep, " ")
    name = _NOT_FILENAME.sub("", "_".join(name.split())).strip("._")
    if windows and name.partition(".")[0].strip().upper() in _WINDOWS_DEVICES:
        name = "_" + name
    return name
