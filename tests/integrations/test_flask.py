"""CovetJSONProvider in Flask, through Flask's test client, on both backends."""

from __future__ import annotations

import importlib
import math
from types import ModuleType
from typing import Any

import flask
import pytest
from covet_rust_core.integrations import flask as integration
from covet_rust_core.integrations.flask import CovetJSONProvider
from markupsafe import Markup

from tests.integrations.documents import DOCUMENT, POSTED, POSTED_VALUE, without_framework


@pytest.fixture
def backend(impl: ModuleType, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The integration reading and writing with ``impl``'s JSON."""
    monkeypatch.setattr(integration, "_json", impl.json)
    json_module: ModuleType = impl.json
    return json_module


def make_app(debug: bool = False) -> flask.Flask:
    app = flask.Flask(__name__)
    app.debug = debug
    app.json = CovetJSONProvider(app)

    @app.get("/document")
    def document() -> Any:
        return DOCUMENT

    @app.get("/jsonify")
    def jsonify() -> Any:
        return flask.jsonify(1, "two", {"three": 3})

    @app.post("/echo")
    def echo() -> Any:
        return flask.jsonify(flask.request.get_json())

    @app.get("/created")
    def created() -> Any:
        return {"id": 2**64}, 201, {"x-trace": "abc"}

    @app.get("/nan")
    def nan() -> Any:
        return {"x": math.nan}

    return app


def test_a_view_returning_a_dict_is_written_by_covet(backend: ModuleType) -> None:
    response = make_app().test_client().get("/document")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    # Flask's default provider sorts keys; so does this one, and ends with a newline.
    assert response.data == backend.dumps(DOCUMENT, sort_keys=True) + b"\n"
    assert backend.loads(response.data)["big"] == 2**100


def test_jsonify_of_several_values_is_a_list(backend: ModuleType) -> None:
    response = make_app().test_client().get("/jsonify")
    assert response.data == b'[1,"two",{"three":3}]\n'


def test_get_json_reads_with_covet(backend: ModuleType) -> None:
    client = make_app().test_client()
    response = client.post("/echo", data=POSTED.encode(), content_type="application/json")
    assert response.status_code == 200
    assert backend.loads(response.data) == POSTED_VALUE


def test_bad_json_in_a_request_is_a_400(backend: ModuleType) -> None:
    client = make_app().test_client()
    for body in (b'{"a": 1,}', b"NaN", b"\xff", b""):
        response = client.post("/echo", data=body, content_type="application/json")
        assert response.status_code == 400, body


def test_status_and_headers_of_a_tuple_return(backend: ModuleType) -> None:
    response = make_app().test_client().get("/created")
    assert response.status_code == 201
    assert response.headers["x-trace"] == "abc"
    assert response.data == b'{"id":18446744073709551616}\n'


def test_nan_is_an_error(backend: ModuleType) -> None:
    app = make_app()
    app.testing = True  # exceptions reach the test
    with pytest.raises(backend.JSONEncodeError):
        app.test_client().get("/nan")


def test_debug_mode_and_compact_indent_as_flask_does(backend: ModuleType) -> None:
    value = {"b": [1], "a": "é"}
    expected = backend.dumps(value, sort_keys=True, indent=2) + b"\n"
    app = make_app(debug=True)
    with app.app_context():
        assert flask.jsonify(value).data == expected
    app = make_app()
    with app.app_context():
        assert flask.jsonify(value).data == b'{"a":"\xc3\xa9","b":[1]}\n'
        app.json.compact = False  # type: ignore[attr-defined]
        assert flask.jsonify(value).data == expected
    app = make_app(debug=True)
    app.json.compact = True  # type: ignore[attr-defined]
    with app.app_context():
        assert flask.jsonify(value).data == b'{"a":"\xc3\xa9","b":[1]}\n'


def test_sort_keys_and_mimetype_settings(backend: ModuleType) -> None:
    app = make_app()
    provider = app.json
    assert isinstance(provider, CovetJSONProvider)
    provider.sort_keys = False
    provider.mimetype = "application/vnd.api+json"
    with app.app_context():
        response = flask.jsonify({"b": 1, "a": 2})
    assert response.data == b'{"b":1,"a":2}\n'
    assert response.mimetype == "application/vnd.api+json"


def test_dumps_and_loads_options(backend: ModuleType) -> None:
    provider = make_app().json
    assert provider.dumps({"b": 1, "a": 2}) == '{"a":2,"b":1}'
    assert provider.dumps({"b": 1}, separators=(",", ":"), ensure_ascii=False) == '{"b":1}'
    assert provider.dumps([1], indent=1, separators=(",", ": ")) == "[\n 1\n]"
    assert provider.dumps({1: 2}, non_str_keys=True) == '{"1":2}'
    assert provider.loads('{"x": [1, 2]}') == {"x": [1, 2]}
    assert provider.loads(b"12345678901234567890123") == 12345678901234567890123
    with pytest.raises(TypeError, match="ensure_ascii=True"):
        provider.dumps("é", ensure_ascii=True)
    with pytest.raises(TypeError, match="separators"):
        provider.dumps([1], separators=(", ", ": "))
    with pytest.raises(TypeError, match="allow_nan=True"):
        provider.dumps([1], allow_nan=True)
    with pytest.raises(TypeError, match="cls"):
        provider.dumps([1], cls=object)
    with pytest.raises(TypeError, match="no options"):
        provider.loads("1", parse_float=float)


def test_html_objects_and_unsupported_types(backend: ModuleType) -> None:
    class Html:
        def __html__(self) -> str:
            return "<b>bold</b>"

    provider = make_app().json
    assert provider.dumps({"m": Markup("<i>x</i>"), "h": Html()}) == (
        '{"h":"<b>bold</b>","m":"<i>x</i>"}'
    )
    # The hook's own TypeError, as json.dumps passes it on.
    with pytest.raises(TypeError, match="not JSON serializable"):
        provider.dumps({"x": object()})


def test_the_session_cookie_round_trips(backend: ModuleType) -> None:
    # Flask's session serializer writes through the app's provider.
    app = make_app()
    app.secret_key = "test"

    @app.get("/set")
    def set_session() -> Any:
        flask.session["n"] = 2**70
        flask.session["t"] = ("a", "é")
        return {}

    @app.get("/get")
    def get_session() -> Any:
        return {"n": flask.session["n"], "t": list(flask.session["t"])}

    client = app.test_client()
    client.get("/set")
    assert client.get("/get").data == b'{"n":1180591620717411303424,"t":["a","\xc3\xa9"]}\n'


def test_without_flask_the_import_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "covet_rust_core.integrations.flask"
    without_framework(monkeypatch, name, "flask", "flask.json.provider")
    with pytest.raises(ImportError, match=r"covet_rust_core\[flask\]"):
        importlib.import_module(name)
