"""The keyword arguments of ``json.dumps`` that frameworks pass (Flask's provider calls,
Django's ``json_dumps_params``), as covet's ``dumps`` options."""

from __future__ import annotations

from typing import Any

# What covet writes: compact, or with an indent these.
_COMPACT_SEPARATORS = (",", ":")
_INDENT_SEPARATORS = (",", ": ")
# covet's own options, accepted as they are.
_COVET_OPTIONS = frozenset({"default", "sort_keys", "indent", "non_str_keys", "nan"})


def covet_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``json.dumps`` keyword arguments as covet's ``dumps`` options; a TypeError for one it
    cannot honour (rather than output that differs from what was asked)."""
    options = dict(kwargs)
    separators = options.pop("separators", None)
    indent = options.get("indent")
    if separators is not None and tuple(separators) != (
        _INDENT_SEPARATORS if indent is not None else _COMPACT_SEPARATORS
    ):
        raise TypeError(
            f"covet writes separators {_COMPACT_SEPARATORS!r} (with an indent: "
            f"{_INDENT_SEPARATORS!r}); separators={tuple(separators)!r} is not supported"
        )
    if options.pop("ensure_ascii", False):
        raise TypeError("covet writes UTF-8 text; ensure_ascii=True is not supported")
    if options.pop("allow_nan", False):
        raise TypeError(
            "allow_nan=True writes NaN, which is not JSON; covet refuses NaN and infinities "
            "(or writes them as null with nan='null')"
        )
    unknown = set(options) - _COVET_OPTIONS
    if unknown:
        raise TypeError(f"unsupported json.dumps options: {', '.join(sorted(unknown))}")
    return options
