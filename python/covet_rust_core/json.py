"""JSON for web applications: ``dumps``, ``dumps_str``, ``loads``, from the backend the
detector chose (the contract both backends keep: docs/JSON.md).

* ``dumps(obj, *, default=None, sort_keys=False, indent=None, non_str_keys=False,
  nan="error", append_newline=False) -> bytes``: compact UTF-8 JSON; ints of any size exact,
  floats as ``repr`` writes them, ``datetime``/``date``/``time``, ``UUID``, ``Enum``,
  ``Decimal`` (an exact JSON number) and dataclasses built in; any ``indent`` >= 0; NaN and
  infinities are an error or ``null``, never invalid JSON. ``dumps_str`` returns ``str``.
* ``loads(data) -> object``: strict RFC 8259 from ``str`` or UTF-8 bytes; integers of any
  size exact; nesting up to 1024 levels.
* ``JSONDecodeError`` (a ``json.JSONDecodeError``) with ``msg``, ``pos``, ``lineno``, ``colno``
  pointing at the first problem; ``JSONEncodeError`` (a ``TypeError``) naming the type and the
  path (``$["users"][3]``) where it was met. Both backends raise these same classes.
"""

from __future__ import annotations

from covet_rust_core._backend import export_domain

__all__ = export_domain("json", globals())  # noqa: PLE0605 (the names are the implementation\'s)
