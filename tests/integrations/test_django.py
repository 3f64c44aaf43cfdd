"""CovetJsonResponse in Django, and CovetJSONRenderer and CovetJSONParser in Django REST
framework, through their own test clients, on both backends.

Django's settings are process-wide: unless a project is configured already, this module
sets up the minimal one of tests/integrations/django_settings.py, whose URL conf is here.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import math
import os
from types import ModuleType
from typing import Any, ClassVar

import django
import pytest
from django.conf import settings

if not settings.configured:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.integrations.django_settings")
    django.setup()

from covet_rust_core.integrations import django as django_integration
from covet_rust_core.integrations import rest_framework as drf_integration
from covet_rust_core.integrations.django import CovetJsonResponse
from covet_rust_core.integrations.rest_framework import (
    CovetJSONParser,
    CovetJSONRenderer,
)
from django.http import HttpRequest
from django.test import Client
from django.urls import path
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from tests.integrations.documents import (
    DOCUMENT,
    POSTED,
    POSTED_VALUE,
    without_framework,
)


@pytest.fixture
def backend(impl: ModuleType, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Both integrations reading and writing with ``impl``'s JSON."""
    monkeypatch.setattr(django_integration, "_json", impl.json)
    monkeypatch.setattr(drf_integration, "_json", impl.json)
    json_module: ModuleType = impl.json
    return json_module


# --- Django's JsonResponse contract ---------------------------------------------------------


def document_view(request: HttpRequest) -> CovetJsonResponse:
    return CovetJsonResponse(DOCUMENT, status=201, headers={"x-trace": "abc"})


def list_view(request: HttpRequest) -> CovetJsonResponse:
    return CovetJsonResponse([1, "é"], safe=False)


class ItemsView(APIView):  # type: ignore[misc]
    renderer_classes: ClassVar = [CovetJSONRenderer]
    parser_classes: ClassVar = [CovetJSONParser]

    def get(self, request: Request) -> Response:
        return Response({"items": [1, 2**70], "text": "漢字\u2028"})

    def post(self, request: Request) -> Response:
        return Response({"received": request.data}, status=201)

    def delete(self, request: Request) -> Response:
        return Response(None, status=204)


urlpatterns = [
    path("document", document_view),
    path("list", list_view),
    path("items", ItemsView.as_view()),
]


def test_a_view_response_is_written_by_covet(backend: ModuleType) -> None:
    response = Client().get("/document")
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert response["x-trace"] == "abc"
    assert response.content == backend.dumps(DOCUMENT, default=None)
    value = backend.loads(response.content)
    assert value["big"] == 2**100
    # covet's own datetime form: microseconds and "+00:00" kept (DjangoJSONEncoder would cut
    # them to milliseconds and write "Z").
    assert value["when"] == "2026-12-06T03:04:05.678901+00:00"
    assert b'"price":19.99' in response.content


def test_safe_refuses_what_is_not_a_dict(backend: ModuleType) -> None:
    with pytest.raises(TypeError, match="safe parameter"):
        CovetJsonResponse([1, 2])
    assert Client().get("/list").content == '[1,"é"]'.encode()


def test_the_encoder_covers_what_covet_does_not(backend: ModuleType) -> None:
    response = CovetJsonResponse(
        {"lazy": gettext_lazy("Hello"), "span": dt.timedelta(days=1, seconds=5)}
    )
    assert response.content == b'{"lazy":"Hello","span":"P1DT00H00M05S"}'
    with pytest.raises(TypeError):
        CovetJsonResponse({"x": object()})
    with pytest.raises(TypeError, match="object"):
        CovetJsonResponse({"x": object()}, encoder=None)


def test_json_dumps_params_map_to_covet_options(backend: ModuleType) -> None:
    response = CovetJsonResponse(
        {"b": 1, "a": [2]}, json_dumps_params={"sort_keys": True, "indent": 2}
    )
    assert response.content == backend.dumps({"a": [2], "b": 1}, indent=2)
    compact = CovetJsonResponse(
        {"n": math.inf}, json_dumps_params={"separators": (",", ":"), "nan": "null"}
    )
    assert compact.content == b'{"n":null}'
    for params, message in (
        ({"ensure_ascii": True}, "ensure_ascii=True"),
        ({"separators": (", ", ": ")}, "separators"),
        ({"allow_nan": True}, "allow_nan=True"),
        ({"cls": object}, "cls"),
    ):
        with pytest.raises(TypeError, match=message):
            CovetJsonResponse({}, json_dumps_params=params)
    with pytest.raises(backend.JSONEncodeError):
        CovetJsonResponse({"n": math.nan})


def test_content_type_and_status_as_httpresponse(backend: ModuleType) -> None:
    response = CovetJsonResponse({}, status=418, content_type="application/problem+json")
    assert response.status_code == 418
    assert response["Content-Type"] == "application/problem+json"
    assert response.content == b"{}"


# --- Django REST framework -------------------------------------------------------------------


def test_the_renderer_writes_a_view_response(backend: ModuleType) -> None:
    response = APIClient().get("/items")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    # U+2028 escaped, as DRF's JSONRenderer does.
    assert response.content == (
        b'{"items":[1,1180591620717411303424],"text":"\xe6\xbc\xa2\xe5\xad\x97\\u2028"}'
    )


def test_the_renderer_indents_as_the_accepted_media_type_asks(backend: ModuleType) -> None:
    response = APIClient().get("/items", HTTP_ACCEPT="application/json; indent=4")
    assert response.content == backend.dumps(
        {"items": [1, 2**70], "text": "漢字\u2028"}, indent=4
    ).replace("\u2028".encode(), b"\\u2028")
    renderer = CovetJSONRenderer()
    assert renderer.render({"a": 1}, "application/json; indent=0") == b'{"a":1}'
    assert renderer.render({"a": 1}, "application/json; indent=x") == b'{"a":1}'
    assert renderer.render({"a": 1}, None, {"indent": 1}) == b'{\n "a": 1\n}'
    assert renderer.render(None) == b""


def test_the_renderer_uses_drf_encoder_and_the_strict_setting(backend: ModuleType) -> None:
    renderer = CovetJSONRenderer()
    assert renderer.render({"bytes": b"ab", "gen": (n for n in (1, 2))}) == (
        b'{"bytes":"ab","gen":[1,2]}'
    )
    with pytest.raises(backend.JSONEncodeError):
        renderer.render({"x": math.nan})
    renderer.strict = False
    assert renderer.render({"x": math.nan}) == b'{"x":null}'


def test_the_parser_reads_request_bodies(backend: ModuleType) -> None:
    client = APIClient()
    response = client.post("/items", data=POSTED, content_type="application/json")
    assert response.status_code == 201
    assert backend.loads(response.content) == {"received": POSTED_VALUE}
    bad = client.post("/items", data='{"a": NaN}', content_type="application/json")
    assert bad.status_code == 400
    assert b"JSON parse error" in bad.content
    assert client.delete("/items").content == b""


def test_the_parser_decodes_other_charsets(backend: ModuleType) -> None:
    parser = CovetJSONParser()
    body = '{"t": "é"}'.encode("latin-1")
    value: Any = parser.parse(io.BytesIO(body), None, {"encoding": "latin-1"})
    assert value == {"t": "é"}
    with pytest.raises(ParseError, match="JSON parse error"):
        parser.parse(io.BytesIO(b"\xff"), None, {})


def test_without_django_the_import_errors_name_the_extras(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "covet_rust_core.integrations.django"
    without_framework(monkeypatch, name, "django.http", "django.core.serializers.json")
    with pytest.raises(ImportError, match=r"covet_rust_core\[django\]"):
        importlib.import_module(name)
    name = "covet_rust_core.integrations.rest_framework"
    without_framework(monkeypatch, name, "rest_framework", "rest_framework.renderers")
    with pytest.raises(ImportError, match=r"covet_rust_core\[rest_framework\]"):
        importlib.import_module(name)
