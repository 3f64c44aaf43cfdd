"""The strict JSON parser of the pure-Python twin: the one place that decides every error.

``fallback.json.loads`` parses with the standard library first, and comes here whenever that
fails: the standard library's messages and positions change between Python versions (3.13
added the trailing-comma messages), its depth limit is the interpreter's recursion limit,
and it knows nothing of this package's limits. This module implements docs/JSON.md as
written, so its error (``msg``, ``pos``) is the contract's, whichever Python runs it.

It is iterative: the open containers are an explicit stack, never Python frames, so 1024
levels parse on every version (3.10's recursion limit is 1000) and deeper documents are a
``JSONDecodeError``, never a ``RecursionError``. Checks happen in document order; the first
problem found is the one reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final, cast

from covet_rust_core._json_errors import JSONDecodeError

__all__ = ["MAX_DEPTH", "parse", "parse_bytes"]

MAX_DEPTH: Final = 1024

# Only these four are whitespace (RFC 8259); str.isspace() would take far more.
# (It matches everywhere, possibly empty: never None.)
_skip_ws: Final = cast("Callable[[str, int], re.Match[str]]", re.compile(r"[ \t\n\r]*").match)
# The longest prefix that is a number. [0-9], not \d: \d matches every Unicode digit.
_number: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?").match
# A string without escapes or control characters, whole (the common case), and the run of
# plain characters up to the next quote, backslash or control character.
_plain_string: Final = re.compile(r'"([^"\\\x00-\x1f]*)"').match
_plain_run: Final = cast(
    "Callable[[str, int], re.Match[str]]", re.compile(r'[^"\\\x00-\x1f]*').match
)
_hex4: Final = re.compile(r"[0-9a-fA-F]{4}").match

_SHORT_ESCAPES: Final = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
# Literals that look like values but are not JSON, and the error each one gets.
_NOT_JSON: Final = (
    ("NaN", "NaN is not allowed in JSON"),
    ("Infinity", "Infinity is not allowed in JSON"),
    ("-Infinity", "-Infinity is not allowed in JSON"),
)


def parse_bytes(data: bytes) -> Any:
    """Parse UTF-8 bytes: invalid UTF-8 is reported before anything else, then as ``parse``.

    ``utf-8``, not ``utf-8-sig``: a byte order mark is an error, reported by ``parse``.
    """
    try:
        doc = data.decode("utf-8")
    except UnicodeDecodeError as error:
        # The replaced document keeps every valid character before the first bad byte, so
        # the bad byte's U+FFFD sits at the length of the valid prefix, in characters.
        pos = len(data[: error.start].decode("utf-8"))
        raise JSONDecodeError("Invalid UTF-8", data.decode("utf-8", "replace"), pos) from None
    return parse(doc)


def parse(doc: str) -> Any:  # noqa: PLR0912, PLR0915 - one loop and a stack, on purpose
    """The value of the JSON document ``doc``, or the contract's ``JSONDecodeError``.

    Integer literals go through ``int()``, so CPython's limit on int digits raises its
    ``ValueError`` here exactly as in the standard library.
    """
    if doc.startswith("\ufeff"):
        raise JSONDecodeError("Unexpected UTF-8 BOM", doc, 0)
    end = len(doc)
    # The open containers, innermost last, and for each open object the key whose value
    # is being parsed (an object is on `keys` exactly while its value is pending).
    stack: list[list[Any] | dict[str, Any]] = []
    keys: list[str] = []
    # One str object per distinct key, as the standard library does: repeated keys of
    # many objects then share their memory.
    memo: dict[str, str] = {}
    value: Any
    pos = _skip_ws(doc, 0).end()
    while True:
        # A value starts at `pos`: a scalar is read whole; a container is opened, and the
        # loop comes back here for its first item (or goes on at once if it is empty).
        char = doc[pos : pos + 1]
        if char in {"[", "{"}:
            if len(stack) == MAX_DEPTH:
                raise JSONDecodeError(f"Nesting too deep (limit {MAX_DEPTH})", doc, pos)
            pos = _skip_ws(doc, pos + 1).end()
            following = doc[pos : pos + 1]
            if char == "[":
                if following != "]":
                    stack.append([])
                    continue
                value = []
            elif following == '"':
                key, pos = _member_key(doc, pos, memo)
                stack.append({})
                keys.append(key)
                continue
            elif following == "}":
                value = {}
            else:
                raise JSONDecodeError("Expecting property name enclosed in double quotes", doc, pos)
            pos += 1
        else:
            value, pos = _scalar(doc, pos, char)
        # A value ended at `pos`: store it in the innermost container, then read what comes
        # after it; a closing bracket completes that container, which is stored in turn.
        while True:
            pos = _skip_ws(doc, pos).end()
            if not stack:
                if pos != end:
                    raise JSONDecodeError("Extra data", doc, pos)
                return value
            container = stack[-1]
            char = doc[pos : pos + 1]
            if type(container) is list:
                container.append(value)
                if char == ",":
                    comma = pos
                    pos = _skip_ws(doc, pos + 1).end()
                    if doc.startswith("]", pos):
                        raise JSONDecodeError(
                            "Illegal trailing comma before end of array", doc, comma
                        )
                    break
                if char != "]":
                    raise JSONDecodeError("Expecting ',' delimiter", doc, pos)
            else:
                # Plain assignment: a repeated key keeps its first position, last value.
                container[keys.pop()] = value  # type: ignore[call-overload]
                if char == ",":
                    comma = pos
                    pos = _skip_ws(doc, pos + 1).end()
                    following = doc[pos : pos + 1]
                    if following == '"':
                        key, pos = _member_key(doc, pos, memo)
                        keys.append(key)
                        break
                    if following == "}":
                        raise JSONDecodeError(
                            "Illegal trailing comma before end of object", doc, comma
                        )
                    raise JSONDecodeError(
                        "Expecting property name enclosed in double quotes", doc, pos
                    )
                if char != "}":
                    raise JSONDecodeError("Expecting ',' delimiter", doc, pos)
            value = stack.pop()
            pos += 1


def _member_key(doc: str, pos: int, memo: dict[str, str]) -> tuple[str, int]:
    """The key at ``pos`` (a quote), the ``:`` after it; returns where the value starts."""
    key, pos = _string(doc, pos)
    key = memo.setdefault(key, key)
    pos = _skip_ws(doc, pos).end()
    if not doc.startswith(":", pos):
        raise JSONDecodeError("Expecting ':' delimiter", doc, pos)
    return key, _skip_ws(doc, pos + 1).end()


def _scalar(doc: str, pos: int, char: str) -> tuple[Any, int]:
    """The string, number or literal starting at ``pos`` (``char`` is ``doc[pos]``)."""
    if char == '"':
        return _string(doc, pos)
    match = _number(doc, pos)
    if match is not None:
        text = match.group()
        fraction, exponent = match.groups()
        if fraction is None and exponent is None:
            return int(text), match.end()
        return float(text), match.end()
    if char == "n" and doc.startswith("null", pos):
        return None, pos + 4
    if char == "t" and doc.startswith("true", pos):
        return True, pos + 4
    if char == "f" and doc.startswith("false", pos):
        return False, pos + 5
    for literal, message in _NOT_JSON:
        if doc.startswith(literal, pos):
            raise JSONDecodeError(message, doc, pos)
    raise JSONDecodeError("Expecting value", doc, pos)


def _string(doc: str, start: int) -> tuple[str, int]:
    """The string whose opening quote is at ``start``, and the position after its end."""
    plain = _plain_string(doc, start)
    if plain is not None:
        return plain.group(1), plain.end()
    chunks: list[str] = []
    pos = start + 1
    while True:
        run_end = _plain_run(doc, pos).end()
        if run_end != pos:
            chunks.append(doc[pos:run_end])
            pos = run_end
        char = doc[pos : pos + 1]
        if char == '"':
            return "".join(chunks), pos + 1
        if char == "":
            raise JSONDecodeError("Unterminated string starting at", doc, start)
        if char != "\\":
            raise JSONDecodeError("Invalid control character at", doc, pos)
        escape = doc[pos + 1 : pos + 2]
        if escape == "u":
            code, pos = _unicode_escape(doc, pos)
            chunks.append(chr(code))
        elif escape in _SHORT_ESCAPES:
            chunks.append(_SHORT_ESCAPES[escape])
            pos += 2
        elif escape == "":
            # A backslash as the last character: the string never ends.
            raise JSONDecodeError("Unterminated string starting at", doc, start)
        else:
            raise JSONDecodeError("Invalid \\escape", doc, pos)


def _unicode_escape(doc: str, pos: int) -> tuple[int, int]:
    """The code point of the ``\\u`` escape at ``pos`` and the position after it.

    A high surrogate directly followed by an escaped low surrogate is one character, as in
    the standard library; any other surrogate stays a lone one. The second escape is only
    taken here when it is a valid low surrogate: otherwise it is read (and judged) on its own.
    """
    digits = _hex4(doc, pos + 2)
    if digits is None:
        raise JSONDecodeError("Invalid \\uXXXX escape", doc, pos)
    code = int(digits.group(), 16)
    if 0xD800 <= code <= 0xDBFF and doc.startswith("\\u", pos + 6):
        low_digits = _hex4(doc, pos + 8)
        if low_digits is not None:
            low = int(low_digits.group(), 16)
            if 0xDC00 <= low <= 0xDFFF:
                return 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), pos + 12
    return code, pos + 6
