"""The JSON exception classes, shared by the native extension and the pure-Python twin.

They live in plain Python so that both backends raise the very same classes: code written
``except covet_rust_core.JSONDecodeError`` works whichever backend the detector chose, and
the native side subclasses the standard library's exception without re-creating it in Rust.
"""

from __future__ import annotations

import json

__all__ = ["JSONDecodeError", "JSONEncodeError"]


class JSONDecodeError(json.JSONDecodeError):
    """The document is not valid JSON (RFC 8259), or nests deeper than 1024 levels.

    A subclass of :class:`json.JSONDecodeError`, hence of :class:`ValueError`: ``msg``,
    ``doc`` (the document as ``str``), ``pos`` (a character index into ``doc``),
    ``lineno`` and ``colno`` point at the offending character.
    """


class JSONEncodeError(TypeError):
    """The object cannot be written as JSON.

    The message names the problem, the type involved and where it was met, as a path from
    the root ``$`` (``$["users"][3]["created"]``).
    """
