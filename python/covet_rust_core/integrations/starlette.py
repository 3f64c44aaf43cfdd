"""``CovetJSONResponse``: Starlette's ``JSONResponse``, rendered by covet.

Starlette: ``return CovetJSONResponse({"id": 1})``. FastAPI: ``FastAPI(default_response_class=
CovetJSONResponse)``, or ``response_class=CovetJSONResponse`` on a route. Status, headers,
background tasks and the media type are Starlette's own; only the body differs: compact
UTF-8 JSON, as Starlette writes it, but ints of any size exact, ``Decimal`` as an exact
number, ``datetime``/``date``/``time``, ``UUID``, ``Enum`` and dataclasses built in, and NaN or
infinity a :class:`covet_rust_core.json.JSONEncodeError` (Starlette's ``allow_nan=False`` raises
a ``ValueError``). FastAPI runs a route's return value through ``jsonable_encoder`` before
the response class sees it (a ``Decimal`` becomes a float there); return a
``CovetJSONResponse`` yourself to keep it exact. docs/INTEGRATIONS.md has the details.
"""

from __future__ import annotations

from typing import Any

from covet_rust_core import json as _json

from ._requirement import missing_framework

try:
    from starlette.responses import JSONResponse
except ImportError as error:  # pragma: no cover (the test extra installs Starlette)
    raise missing_framework(__name__, "Starlette", "starlette") from error

__all__ = ["CovetJSONResponse"]


class CovetJSONResponse(JSONResponse):
    """Starlette's ``JSONResponse`` (``application/json``), its body written by
    ``covet_rust_core.json.dumps``."""

    def render(self, content: Any) -> bytes:
        return _json.dumps(content)
