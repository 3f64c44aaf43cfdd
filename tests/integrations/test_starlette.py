"""CovetJSONResponse in Starlette and FastAPI, through their own test client, on both
backends."""

from __future__ import annotations

import importlib
import math
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from covet_rust_core.integrations import starlette as integration
from covet_rust_core.integrations.starlette import CovetJSONResponse
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient as FastAPIClient
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.integrations.documents import DOCUMENT, POSTED, POSTED_VALUE, without_framework


@pytest.fixture
def backend(impl: ModuleType, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The integration writing with ``impl``'s JSON (the native one or the twin)."""
    monkeypatch.setattr(integration, "_json", impl.json)
    json_module: ModuleType = impl.json
    return json_module


def test_a_starlette_response_keeps_status_headers_and_background(backend: ModuleType) -> None:
    ran: list[str] = []

    async def endpoint(request: Request) -> CovetJSONResponse:
        return CovetJSONResponse(
            DOCUMENT,
            status_code=201,
            headers={"x-trace": "abc"},
            background=BackgroundTask(ran.append, "done"),
        )

    client = TestClient(Starlette(routes=[Route("/", endpoint)]))
    response = client.get("/")
    assert response.status_code == 201
    assert response.headers["x-trace"] == "abc"
    assert response.headers["content-type"] == "application/json"
    assert response.content == backend.dumps(DOCUMENT)
    assert int(response.headers["content-length"]) == len(response.content)
    assert ran == ["done"]
    # What covet keeps that Starlette's JSONResponse would not: exact values.
    assert backend.loads(response.content)["big"] == 2**100
    assert b'"price":19.99' in response.content
    assert "café, 漢字".encode() in response.content


def test_media_type_and_null(backend: ModuleType) -> None:
    response = CovetJSONResponse(None, media_type="application/vnd.api+json")
    assert response.body == b"null"
    assert response.media_type == "application/vnd.api+json"


def test_nan_is_an_error_not_invalid_json(backend: ModuleType) -> None:
    with pytest.raises(backend.JSONEncodeError):
        CovetJSONResponse({"x": math.nan})


def test_an_unsupported_type_is_an_error_naming_it(backend: ModuleType) -> None:
    with pytest.raises(backend.JSONEncodeError, match="object"):
        CovetJSONResponse({"x": object()})


def test_fastapi_default_response_class(backend: ModuleType) -> None:
    app = FastAPI(default_response_class=CovetJSONResponse)

    @app.get("/items/{item_id}")
    def item(item_id: int) -> dict[str, Any]:
        if item_id == 0:
            raise HTTPException(status_code=404, detail="no such item")
        return {"id": item_id, "big": 2**80, "name": "漢字"}

    @app.get("/exact")
    def exact() -> CovetJSONResponse:
        # Returned as a response, the value skips jsonable_encoder: Decimal stays exact.
        return CovetJSONResponse({"price": Decimal("0.1"), "big": 2**100})

    @app.post("/echo")
    async def echo(request: Request) -> Any:
        return backend.loads(await request.body())

    client = FastAPIClient(app)
    response = client.get("/items/7")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == backend.dumps({"id": 7, "big": 2**80, "name": "漢字"})
    missing = client.get("/items/0")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "no such item"}
    assert client.get("/items/x").status_code == 422
    assert client.get("/exact").content == b'{"price":0.1,"big":1267650600228229401496703205376}'
    echoed = client.post("/echo", content=POSTED.encode())
    assert backend.loads(echoed.content) == POSTED_VALUE


def test_fastapi_response_class_on_a_route(backend: ModuleType) -> None:
    app = FastAPI()

    @app.get("/", response_class=CovetJSONResponse, status_code=202)
    def home() -> dict[str, Any]:
        return {"text": "é", "n": [1, 2]}

    response = FastAPIClient(app).get("/")
    assert response.status_code == 202
    assert response.content == '{"text":"é","n":[1,2]}'.encode()


def test_without_starlette_the_import_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "covet_rust_core.integrations.starlette"
    without_framework(monkeypatch, name, "starlette", "starlette.responses")
    with pytest.raises(ImportError, match=r"covet_rust_core\[starlette\]"):
        importlib.import_module(name)
