"""The JWKS clients (``jwt.PyJWKClient`` and ``aio.JWKSClient``) against a real HTTP server on
127.0.0.1 (the standard library's, in a thread), on both backends: caching, key rotation and
its rate limit, every failure, slow responses, and one request for 100 concurrent lookups.

Time is the clients' own clock (``covet_rust_core._jwks._clock``), moved by the tests: no
test waits for a cache to expire or depends on how fast the machine is."""

from __future__ import annotations

import asyncio
import http.server
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest
from covet_rust_core import _jwks
from covet_rust_core.aio import JWKSClient
from covet_rust_core.jwt import (
    PyJWKClient,
    PyJWKClientConnectionError,
    PyJWKClientError,
    SigningKey,
)

from tests.support.keys import Keys


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    # Seconds the server waits before answering (a slow identity provider).
    delay: float = 0.0


@dataclass
class Server:
    """What the test server answers, and what it was asked."""

    url: str
    reply: Reply = field(default_factory=Reply)
    requests: int = 0
    headers: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    released: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with state.lock:
                state.requests += 1
                state.headers.append(dict(self.headers))
                reply = state.reply
            if reply.delay:
                state.released.wait(reply.delay)
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/jwks.json"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.released.set()
        httpd.shutdown()
        httpd.server_close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(_jwks, "_clock", clock)
    return clock


@pytest.fixture
def backend(impl: ModuleType, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The clients reading keys and JSON with ``impl`` (native or twin)."""
    monkeypatch.setattr(_jwks, "_jwt", impl.jwt)
    monkeypatch.setattr(_jwks, "_json", impl.json)
    jwt_module: ModuleType = impl.jwt
    return jwt_module


def jwk_set(keys: Keys, *kids: str, extra: list[Any] | None = None) -> bytes:
    """A JWK set of public keys: kid "rsa-N" an RSA key, "ec-N" a P-256 key."""
    entries: list[Any] = []
    for kid in kids:
        pair = keys.rsa2048 if kid.startswith("rsa") else keys.p256
        entries.append({**pair.public_jwk, "kid": kid, "use": "sig"})
    import json

    return json.dumps({"keys": entries + (extra or [])}).encode()


def token(jwt: ModuleType, keys: Keys, kid: str | None) -> str:
    alg, pair = ("RS256", keys.rsa2048) if (kid or "").startswith("rsa") else ("ES256", keys.p256)
    headers = {"kid": kid} if kid is not None else None
    encoded: str = jwt.encode({"sub": "42"}, pair.private_pkcs8_pem, alg, headers=headers)
    return encoded


def test_a_token_is_verified_with_the_key_its_kid_names(
    backend: ModuleType, server: Server, keys: Keys, clock: Clock
) -> None:
    server.reply = Reply(body=jwk_set(keys, "rsa-1", "ec-1"))
    client = PyJWKClient(server.url, headers={"X-Tenant": "t1"})
    for kid, alg in (("rsa-1", "RS256"), ("ec-1", "ES256")):
        signing_key = client.get_signing_key_from_jwt(token(backend, keys, kid))
        assert isinstance(signing_key, SigningKey)
        assert signing_key.key_id == kid
        claims = backend.decode(token(backend, keys, kid), signing_key.key, algorithms=[alg])
        assert claims == {"sub": "42"}
    assert server.requests == 1  # the set was cached
    assert server.headers[0]["X-Tenant"] == "t1"
    assert [key.key_id for key in client.get_signing_keys()] == ["rsa-1", "ec-1"]
    assert len(client.get_jwk_set()) == 2
    assert client.fetch_data()["keys"][0]["kid"] == "rsa-1"
    assert server.requests == 2  # fetch_data always fetches


def test_the_set_is_cached_for_its_lifespan(
    backend: ModuleType, server: Server, keys: Keys, clock: Clock
) -> None:
    server.reply = Reply(body=jwk_set(keys, "rsa-1"))
    client = PyJWKClient(server.url, lifespan=60)
    client.get_signing_key("rsa-1")
    clock.now += 59
    client.get_signing_key("rsa-1")
    assert server.requests == 1
    clock.now += 2
    client.get_signing_key("rsa-1")
    assert server.requests == 2
    # Without the set cache, every lookup fetches.
    uncached = PyJWKClient(server.url, cache_jwk_set=False)
    uncached.get_signing_key("rsa-1")
    uncached.get_signing_key("rsa-1")
    assert server.requests == 4


def test_cache_keys_keeps_found_keys_past_the_lifespan(
    backend: ModuleType, server: Server, keys: Keys, clock: Clock
) -> None:
    server.reply = Reply(body=jwk_set(keys, "rsa-1", "ec-1"))
    client = PyJWKClient(server.url, cache_keys=True, max_cached_keys=1, lifespan=10)
    first = client.get_signing_key("rsa-1")
    clock.now += 100
    assert client.get_signing_key("rsa-1") is first  # remembered, as PyJWT's lru_cache does
    assert server.requests == 1
    client.get_signing_key("ec-1")  # the set expired: fetched again; rsa-1 evicted
    assert server.requests == 2
    clock.now += 100
    client.get_signing_key("rsa-1")
    assert server.requests == 3


def test_an_unknown_kid_refetches_once_rate_limited(
    backend: ModuleType, server: Server, keys: Keys, clock: Clock
) -> None:
    server.reply = Reply(body=jwk_set(keys, "rsa-1"))
    client = PyJWKClient(server.url, refetch_interval=30)
    client.get_signing_key("rsa-1")
    # The provider rotates: ec-2 appears; a token naming it refetches the set.
    server.reply = Reply(body=jwk_set(keys, "rsa-1", "ec-2"))
    clock.now += 31
    assert client.get_signing_key("ec-2").key_id == "ec-2"
    assert server.requests == 2
    # A kid nobody has: refetching is rate limited, so a flood of such tokens costs nothing.
    for _ in range(5):
        with pytest.raises(
            PyJWKClientError, match='Unable to find a signing key that matches: "x"'
        ):
            client.get_signing_key("x")
    assert server.requests == 2
    clock.now += 31
    with pytest.raises(PyJWKClientError):
        client.get_signing_key("x")
    assert server.requests == 3


@pytest.mark.parametrize(
    ("reply", "error", "message"),
    [
        (Reply(status=500, body=b"oops"), PyJWKClientConnectionError, "500"),
        (Reply(status=404, body=b""), PyJWKClientConnectionError, "404"),
        (Reply(body=b"{not json"), PyJWKClientError, "did not return JSON"),
        (Reply(body=b'{"keys": {}}'), PyJWKClientError, "did not return a JWK set"),
        (Reply(body=b"[1]"), PyJWKClientError, "did not return a JWK set"),
        (Reply(body=b'{"keys": []}'), PyJWKClientError, "did not contain any signing keys"),
        (
            Reply(body=b'{"keys": [{"kty": "XYZ", "kid": "a"}, 7, {"kty": "RSA"}]}'),
            PyJWKClientError,
            "did not contain any signing keys",
        ),
        (Reply(body=b" " * 2000 + b"{}"), PyJWKClientError, "larger than 1024 bytes"),
    ],
    ids=[
        "500",
        "404",
        "invalid JSON",
        "keys not a list",
        "not an object",
        "no keys",
        "no usable key",
        "too large",
    ],
)
def test_failures_are_clear_errors(
    backend: ModuleType, server: Server, reply: Reply, error: type[Exception], message: str
) -> None:
    server.reply = reply
    client = PyJWKClient(server.url, max_response_bytes=1024)
    with pytest.raises(error, match=message):
        client.get_signing_key("a")
    assert issubclass(error, backend.PyJWTError)


def test_encryption_keys_and_keys_without_kid_are_not_signing_keys(
    backend: ModuleType, server: Server, keys: Keys
) -> None:
    extra = [
        {**keys.p256.public_jwk, "kid": "enc", "use": "enc"},
        {**keys.p256.public_jwk},
    ]
    server.reply = Reply(body=jwk_set(keys, "rsa-1", extra=extra))
    assert [key.key_id for key in PyJWKClient(server.url).get_signing_keys()] == ["rsa-1"]


def test_a_token_without_kid_is_a_clear_error(
    backend: ModuleType, server: Server, keys: Keys
) -> None:
    server.reply = Reply(body=jwk_set(keys, "rsa-1"))
    with pytest.raises(PyJWKClientError, match="no kid"):
        PyJWKClient(server.url).get_signing_key_from_jwt(token(backend, keys, None))
    assert server.requests == 0


def test_a_slow_server_times_out(backend: ModuleType, server: Server) -> None:
    server.reply = Reply(body=b'{"keys": []}', delay=30)
    with pytest.raises(PyJWKClientConnectionError, match="timed out"):
        PyJWKClient(server.url, timeout=0.2).get_signing_keys()


def test_a_refused_connection_is_a_connection_error(backend: ModuleType) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(PyJWKClientConnectionError, match="Fail to fetch data"):
        PyJWKClient(f"http://127.0.0.1:{port}/jwks.json", timeout=5).get_signing_keys()


def test_constructor_arguments_are_checked() -> None:
    with pytest.raises(PyJWKClientError, match="Lifespan must be greater than 0"):
        PyJWKClient("http://127.0.0.1/", lifespan=0)
    with pytest.raises(TypeError, match="uri must be a str"):
        PyJWKClient(b"http://127.0.0.1/")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be positive"):
        PyJWKClient("http://127.0.0.1/", max_response_bytes=0)


# --- asyncio -------------------------------------------------------------------------------


def test_async_lookups_that_miss_together_make_one_request(
    backend: ModuleType, server: Server, keys: Keys, clock: Clock
) -> None:
    server.reply = Reply(body=jwk_set(keys, "rsa-1", "ec-1"), delay=0.2)
    client = JWKSClient(server.url)

    async def main() -> list[SigningKey]:
        lookups = [client.get_signing_key("rsa-1" if n % 2 else "ec-1") for n in range(100)]
        return await asyncio.gather(*lookups)

    found = asyncio.run(main())
    assert server.requests == 1
    assert {key.key_id for key in found} == {"rsa-1", "ec-1"}
    verified = backend.decode(token(backend, keys, "ec-1"), found[0].key, algorithms=["ES256"])
    assert verified == {"sub": "42"}


def test_the_event_loop_runs_while_a_fetch_waits(
    backend: ModuleType, server: Server, keys: Keys
) -> None:
    server.reply = Reply(body=jwk_set(keys, "rsa-1"), delay=30)
    client = JWKSClient(server.url)

    async def main() -> int:
        lookup = asyncio.ensure_future(client.get_signing_key("rsa-1"))
        ticks = 0
        # The server holds the answer until released: the loop must keep running meanwhile.
        while ticks < 50:
            await asyncio.sleep(0)
            ticks += 1
        assert not lookup.done()
        server.released.set()
        key = await lookup
        assert key.key_id == "rsa-1"
        return ticks

    assert asyncio.run(main()) == 50


def test_async_rotation_failures_and_every_waiter_sees_the_error(
    backend: ModuleType, server: Server, keys: Keys, clock: Clock
) -> None:
    server.reply = Reply(body=b"{not json", delay=0.1)
    client = JWKSClient(server.url, refetch_interval=30)

    async def failing() -> list[BaseException | SigningKey]:
        return await asyncio.gather(
            *(client.get_signing_key("rsa-1") for _ in range(10)), return_exceptions=True
        )

    results = asyncio.run(failing())
    assert server.requests == 1
    assert all(isinstance(result, PyJWKClientError) for result in results)

    server.reply = Reply(body=jwk_set(keys, "rsa-1"))

    async def rotation() -> None:
        assert (await client.get_signing_key("rsa-1")).key_id == "rsa-1"
        server.reply = Reply(body=jwk_set(keys, "rsa-1", "ec-9"))
        with pytest.raises(PyJWKClientError, match="ec-9"):
            await client.get_signing_key("ec-9")  # fetched just now: rate limited
        clock.now += 31
        assert (await client.get_signing_key("ec-9")).key_id == "ec-9"
        found = await client.get_signing_key_from_jwt(token(backend, keys, "ec-9"))
        assert found.key_id == "ec-9"
        assert len(await client.get_jwk_set()) == 2
        assert (await client.fetch_data())["keys"][1]["kid"] == "ec-9"

    asyncio.run(rotation())
    # The failed fetch, the first lookup's, the rotation's and fetch_data's.
    assert server.requests == 4


def test_async_connection_errors(backend: ModuleType, server: Server) -> None:
    server.reply = Reply(status=503)
    with pytest.raises(PyJWKClientConnectionError, match="503"):
        asyncio.run(JWKSClient(server.url).get_signing_keys())
