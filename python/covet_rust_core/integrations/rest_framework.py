"""``CovetJSONRenderer`` and ``CovetJSONParser``: Django REST framework's JSON renderer and
parser, with covet (drf-orjson-renderer is the precedent).

In settings::

    REST_FRAMEWORK = {
        "DEFAULT_RENDERER_CLASSES": [
            "covet_rust_core.integrations.rest_framework.CovetJSONRenderer",
        ],
        "DEFAULT_PARSER_CLASSES": [
            "covet_rust_core.integrations.rest_framework.CovetJSONParser",
        ],
    }

The renderer keeps ``JSONRenderer``'s media type, its ``indent`` from the accepted media type
(``application/json; indent=4``, 0 to 8) or the renderer context, its encoder's ``default``
for what covet cannot write itself (querysets, lazy strings, ``timedelta``, bytes,
generators, ...), ``None`` rendered as an empty body, and U+2028 and U+2029 escaped.
What differs (docs/INTEGRATIONS.md): the output is always compact UTF-8 (``COMPACT_JSON`` and
``UNICODE_JSON`` do not change it); ``STRICT_JSON = False`` writes NaN and infinities as
``null`` (covet never writes the invalid ``NaN``); datetimes keep their microseconds and
``Decimal`` is an exact number. The parser reads strict RFC 8259 (no NaN, whatever
``STRICT_JSON`` says) and raises DRF's ``ParseError`` for bad input.
"""

from __future__ import annotations

import contextlib
from typing import Any

from covet_rust_core import json as _json

from ._requirement import missing_framework

try:
    from django.conf import settings
    from django.utils.http import parse_header_parameters
    from rest_framework import renderers
    from rest_framework.exceptions import ParseError
    from rest_framework.parsers import BaseParser
    from rest_framework.settings import api_settings
    from rest_framework.utils import encoders
except ImportError as error:  # pragma: no cover (the test extra installs DRF)
    raise missing_framework(__name__, "Django REST framework", "rest_framework") from error

__all__ = ["CovetJSONParser", "CovetJSONRenderer"]

# Valid in JSON, but not in JavaScript before ES2019: DRF escapes them, and so do we. In
# valid JSON output they can only be inside strings, so the bytes are replaced as they are.
_LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


class CovetJSONRenderer(renderers.BaseRenderer):  # type: ignore[misc]  # DRF is untyped
    """DRF's ``JSONRenderer``, its output written by ``covet_rust_core.json.dumps``."""

    media_type = "application/json"
    format = "json"
    encoder_class: type[Any] = encoders.JSONEncoder
    #: ``None``: DRF's ``STRICT_JSON`` setting, read when rendering.
    strict: bool | None = None
    charset = None

    def get_indent(self, accepted_media_type: str | None, renderer_context: dict[str, Any]) -> Any:
        """The indent: ``indent=N`` of the accepted media type (0 to 8, 0 meaning none), else
        the renderer context's ``indent``, as ``JSONRenderer`` reads it."""
        if accepted_media_type:
            _, params = parse_header_parameters(accepted_media_type)
            with contextlib.suppress(KeyError, ValueError, TypeError):
                return max(min(int(params["indent"]), 8), 0) or None
        return renderer_context.get("indent")

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        output: bytes = _json.dumps(
            data,
            default=self.encoder_class().default,
            indent=indent,
            nan="error" if _strict(self.strict) else "null",
        )
        if b"\xe2\x80" in output:
            for raw, escaped in _LINE_SEPARATORS:
                output = output.replace(raw, escaped)
        return output


def _strict(strict: bool | None) -> bool:
    return bool(api_settings.STRICT_JSON) if strict is None else strict


class CovetJSONParser(BaseParser):  # type: ignore[misc]  # DRF is untyped
    """DRF's ``JSONParser``, reading with ``covet_rust_core.json.loads``."""

    media_type = "application/json"
    renderer_class = CovetJSONRenderer

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        data = stream.read()
        try:
            if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
                data = data.decode(encoding)
            return _json.loads(data)
        except (ValueError, LookupError) as error:
            raise ParseError(f"JSON parse error - {error}") from error
