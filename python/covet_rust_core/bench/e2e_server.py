"""The e2e bench's server: a real ASGI server (uvicorn, one worker) serving one realistic
endpoint, in one of the variants the bench compares. Run as a process of its own::

    python -m covet_rust_core.bench.e2e_server VARIANT PORT

``GET /items`` verifies an HS256 bearer token (with ``aud`` and ``iss``), then returns a JSON
document of about 2 KB built for the token's subject on every request. Variants:

* ``covet``: ``covet_rust_core.jwt.decode`` and ``CovetJSONResponse``;
* ``pyjwt-json``: PyJWT and Starlette's ``JSONResponse`` (the standard library's json);
* ``pyjwt-orjson``: PyJWT and a response rendered by ``orjson.dumps``;
* ``floor``: no authentication and no serialization: the document is built per request as
  in every variant (the application's own work), and the answer is its JSON serialised
  once, at start-up. What the server, the framework and the application cost without the
  library work.

``GET /__cpu`` answers the server process's CPU time in nanoseconds (the operating
system's accounting: ``time.process_time_ns``), so that the driver can take the CPU a batch
of requests cost, to the nanosecond rather than the scheduler's 10 ms ticks.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any, Final

SECRET: Final = "the e2e bench's HS256 secret, 32 bytes and more"
AUDIENCE: Final = "covet-bench-api"
ISSUER: Final = "https://issuer.covet-bench.example"
VARIANTS: Final = ("covet", "pyjwt-json", "pyjwt-orjson", "floor")


def document(subject: str) -> dict[str, Any]:
    """The response body's value for ``subject``: about 2 KB of JSON, the shape of an API
    listing (ints, floats, strings with some non-ASCII text, booleans, nesting)."""
    return {
        "user": subject,
        "page": 1,
        "items": [
            {
                "id": 100_000 + index,
                "name": f"Item {index} — édition spéciale",
                "price": round(9.99 + index * 1.25, 2),
                "in_stock": index % 3 != 0,
                "tags": ["sale", "new"] if index % 2 else ["café"],
                "rating": {"average": 4.5 - index / 20, "count": 17 * index},
            }
            for index in range(12)
        ],
        "next": "/items?page=2",
    }


def application(variant: str) -> Any:
    """The Starlette application of ``variant``."""
    from starlette.applications import Starlette  # noqa: PLC0415 (the bench extra)
    from starlette.requests import Request  # noqa: PLC0415
    from starlette.responses import JSONResponse, Response  # noqa: PLC0415
    from starlette.routing import Route  # noqa: PLC0415

    handler: Callable[[Request], Awaitable[Response]]
    if variant == "covet":
        from covet_rust_core import jwt  # noqa: PLC0415
        from covet_rust_core.integrations.starlette import CovetJSONResponse  # noqa: PLC0415

        handler = _authenticated(jwt, CovetJSONResponse)
    elif variant in ("pyjwt-json", "pyjwt-orjson"):
        import jwt as pyjwt  # noqa: PLC0415

        if variant == "pyjwt-json":
            respond: Callable[..., Response] = JSONResponse
        else:
            import orjson  # noqa: PLC0415

            def respond(content: Any, status_code: int = 200) -> Response:
                return Response(orjson.dumps(content), status_code, media_type="application/json")

        handler = _authenticated(pyjwt, respond)
    elif variant == "floor":
        import json  # noqa: PLC0415

        body = json.dumps(document("42"), ensure_ascii=False, separators=(",", ":")).encode()

        async def floor(request: Request) -> Response:
            document("42")  # built and dropped: the work every variant's handler does
            return Response(body, media_type="application/json")

        handler = floor
    else:
        msg = f"no variant called {variant!r}; expected one of {VARIANTS}"
        raise ValueError(msg)

    async def cpu(request: Request) -> Response:
        return Response(str(time.process_time_ns()), media_type="text/plain")

    return Starlette(routes=[Route("/items", handler), Route("/__cpu", cpu)])


def _authenticated(jwt: Any, respond: Callable[..., Any]) -> Callable[[Any], Awaitable[Any]]:
    """The endpoint of a variant that verifies its token with ``jwt`` (covet's module or
    PyJWT, which share ``decode`` and ``InvalidTokenError``) and answers with ``respond``."""

    async def endpoint(request: Any) -> Any:
        token = _bearer(request)
        if token is None:
            return respond({"error": "no token"}, status_code=401)
        try:
            claims = jwt.decode(
                token, SECRET, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER
            )
        except jwt.InvalidTokenError as error:
            return respond({"error": str(error)}, status_code=401)
        return respond(document(claims["sub"]))

    return endpoint


def _bearer(request: Any) -> str | None:
    header: str = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token if scheme.lower() == "bearer" and token else None


def main(argv: list[str]) -> int:
    import uvicorn  # noqa: PLC0415 (the bench extra)

    variant, port = argv[0], int(argv[1])
    uvicorn.run(
        application(variant),
        host="127.0.0.1",
        port=port,
        workers=1,
        log_level="warning",
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
