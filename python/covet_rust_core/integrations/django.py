"""``CovetJsonResponse``: Django's ``JsonResponse``, its body written by covet.

``return CovetJsonResponse({"id": 1})`` in a view. The contract is ``JsonResponse``'s:
``safe`` (only a dict unless ``safe=False``: a TypeError otherwise), ``encoder`` (its
``default`` is called for what covet cannot write itself: lazy translation strings,
``timedelta``, ...), ``json_dumps_params`` (the keyword arguments of ``json.dumps`` that covet
can honour: ``sort_keys``, ``indent``, ``default``, ``separators`` as covet writes them,
``ensure_ascii=False``, ``allow_nan=False``, and covet's own ``non_str_keys`` and ``nan``;
any other is a TypeError), and the rest of ``HttpResponse``'s arguments (``status``,
``headers``, ``content_type``, default ``application/json``).

What differs from ``JsonResponse`` (docs/INTEGRATIONS.md): compact UTF-8 output (Django's
default has spaces after separators and escapes non-ASCII text); ``datetime``, ``date``,
``time``, ``Decimal`` and ``UUID`` are written by covet itself, so a datetime keeps its
microseconds and its ``+00:00`` (``DjangoJSONEncoder`` cuts it to milliseconds and writes
``Z``) and a ``Decimal`` is an exact number, not a string.
"""

from __future__ import annotations

from typing import Any

from covet_rust_core import json as _json

from ._dumps_options import covet_options
from ._requirement import missing_framework

try:
    from django.core.serializers.json import DjangoJSONEncoder
    from django.http import HttpResponse
except ImportError as error:  # pragma: no cover (the test extra installs Django)
    raise missing_framework(__name__, "Django", "django") from error

__all__ = ["CovetJsonResponse"]


class CovetJsonResponse(HttpResponse):  # type: ignore[misc]  # Django is untyped here
    """Django's ``JsonResponse``, written by ``covet_rust_core.json.dumps``."""

    def __init__(
        self,
        data: Any,
        encoder: type[Any] | None = DjangoJSONEncoder,
        safe: bool = True,
        json_dumps_params: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if safe and not isinstance(data, dict):
            raise TypeError(
                "In order to allow non-dict objects to be serialized set the safe parameter "
                "to False."
            )
        params = dict(json_dumps_params or {})
        if encoder is not None:
            params.setdefault("default", encoder().default)
        kwargs.setdefault("content_type", "application/json")
        super().__init__(content=_json.dumps(data, **covet_options(params)), **kwargs)
