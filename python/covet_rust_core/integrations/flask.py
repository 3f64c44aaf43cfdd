"""``CovetJSONProvider``: Flask's JSON provider, reading and writing with covet.

``app.json = CovetJSONProvider(app)``: ``jsonify``, returning a dict or list from a view,
``request.get_json()`` and ``app.json.dumps``/``loads`` then use covet. The provider keeps
the settings of Flask's default one: ``sort_keys`` (``True``), ``compact`` (``None``: compact
unless the app is in debug mode, where it indents by 2) and ``mimetype``; a response ends
with a newline, as Flask's does.

What differs from Flask's default provider (docs/INTEGRATIONS.md): text is written as UTF-8
(``ensure_ascii`` is not offered: asking for ``ensure_ascii=True`` is a TypeError); dates and
datetimes are ISO 8601, not HTTP dates; a ``Decimal`` is an exact number, not a string; ints
of any size are exact. ``default`` still receives whatever covet cannot write itself (an
object with ``__html__`` is written as that text, as Flask does).
"""

from __future__ import annotations

from typing import Any

from covet_rust_core import json as _json

from ._dumps_options import covet_options
from ._requirement import missing_framework

try:
    from flask.json.provider import JSONProvider
    from werkzeug.sansio.response import Response
except ImportError as error:  # pragma: no cover (the test extra installs Flask)
    raise missing_framework(__name__, "Flask", "flask") from error

__all__ = ["CovetJSONProvider"]


def _html_default(value: Any) -> Any:
    """Flask's rule for what JSON does not cover: an object with ``__html__`` (markupsafe's
    ``Markup`` and the like) is written as its HTML text."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class CovetJSONProvider(JSONProvider):
    """A Flask ``JSONProvider`` that serializes with ``covet_rust_core.json``."""

    #: Called for objects covet cannot write itself.
    default: Any = staticmethod(_html_default)
    #: Sort the keys of every object (Flask's default provider does).
    sort_keys: bool = True
    #: ``None``: compact, indented by 2 in debug mode; ``True``/``False`` forces one.
    compact: bool | None = None
    #: The mimetype of ``response()``.
    mimetype: str = "application/json"

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """``obj`` as a JSON ``str``. Takes the keyword arguments of ``json.dumps`` that covet
        can honour: ``default``, ``sort_keys``, ``indent``, ``separators`` (compact, or
        ``(",", ": ")`` with an indent), ``ensure_ascii=False``, ``allow_nan=False``; any
        other is a TypeError."""
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return _json.dumps_str(obj, **covet_options(kwargs))

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """The value of the JSON text ``s`` (strict RFC 8259, ints of any size exact)."""
        if kwargs:
            raise TypeError(
                f"CovetJSONProvider.loads() takes no options; got {', '.join(sorted(kwargs))}"
            )
        return _json.loads(s)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """``jsonify``: the arguments as a JSON response (one value as is, several as a list,
        keyword arguments as an object), with a trailing newline, compact unless ``compact``
        is ``False`` or it is ``None`` and the app is in debug mode (then indented by 2)."""
        obj = self._prepare_response_obj(args, kwargs)
        if (self.compact is None and self._app.debug) or self.compact is False:
            body = self.dumps(obj, indent=2)
        else:
            body = self.dumps(obj)
        return self._app.response_class(f"{body}\n", mimetype=self.mimetype)
