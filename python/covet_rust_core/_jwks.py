"""JWKS clients: fetch an identity provider's JSON Web Key Set over HTTPS, cache it, and find
the key a token names (its ``kid``).

``PyJWKClient`` (exported by ``covet_rust_core.jwt``) has PyJWT's constructor arguments and
methods; ``JWKSClient`` (exported by ``covet_rust_core.aio``) has the same methods as
coroutines, fetches in a worker thread so that the event loop never waits on the network,
and makes one request for all the lookups that miss the cache at once (single flight).
PyJWT has no asyncio client: its sync one blocks the loop of every async app that uses it.

Both use the standard library's HTTP client (no new dependency), read the backend's
``jwt.Key``/``jwt.KeySet`` and JSON parser, and share the rules of docs/INTEGRATIONS.md:
the set is cached for ``lifespan`` seconds; a token naming an unknown ``kid`` refetches the
set once (key rotation), at most once per ``refetch_interval`` seconds; a response body is
capped at ``max_response_bytes``; every failure is a ``PyJWKClientError`` (a
``PyJWKClientConnectionError`` when the server cannot be reached or answers other than 200).
"""

from __future__ import annotations

import asyncio
import collections
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from covet_rust_core._backend import domain_module
from covet_rust_core._jwt_errors import PyJWTError

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_REFETCH_INTERVAL",
    "JWKSClient",
    "PyJWKClient",
    "PyJWKClientConnectionError",
    "PyJWKClientError",
    "SigningKey",
]

#: The largest JWKS response body read (real key sets are a few KiB).
DEFAULT_MAX_RESPONSE_BYTES: Final = 1024 * 1024
#: The least time between two fetches that an unknown ``kid`` causes.
DEFAULT_REFETCH_INTERVAL: Final = 10.0

# Monotonic seconds; a module attribute so that tests can move time deterministically.
_clock = time.monotonic
# The chosen implementation's json and jwt (not the public modules: covet_rust_core.jwt
# imports this one); module attributes, so that the tests can run the clients on each.
_json: Any = domain_module("json")
_jwt: Any = domain_module("jwt")


class PyJWKClientError(PyJWTError):
    """The key set could not be used: invalid JSON, no usable signing key, no key for a
    ``kid``, a response too large (PyJWT's class of the same name)."""


class PyJWKClientConnectionError(PyJWKClientError):
    """The key set could not be fetched: the server was unreachable, too slow, or answered
    with another status than 200."""


@dataclass(frozen=True)
class SigningKey:
    """One signing key of the set, as PyJWT's ``PyJWK`` gives it: ``key`` is a ``jwt.Key``
    to pass to ``jwt.decode``."""

    key: Any
    key_id: str
    key_type: str
    algorithm_name: str | None
    public_key_use: str | None


def _fetch(
    uri: str,
    headers: Mapping[str, str],
    timeout: float,
    ssl_context: ssl.SSLContext | None,
    max_bytes: int,
) -> bytes:
    """The body of a GET of ``uri`` (status 200), at most ``max_bytes`` long."""
    request = urllib.request.Request(uri, headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=ssl_context) as response:
            if response.status != 200:
                msg = f"Fail to fetch data from the url, err: HTTP status {response.status}"
                raise PyJWKClientConnectionError(msg)
            body: bytes = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        # It holds the response: closed here, not whenever it is collected.
        error.close()
        msg = f'Fail to fetch data from the url, err: "{error}"'
        raise PyJWKClientConnectionError(msg) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        msg = f'Fail to fetch data from the url, err: "{error}"'
        raise PyJWKClientConnectionError(msg) from error
    if len(body) > max_bytes:
        msg = f"The JWKS response is larger than {max_bytes} bytes"
        raise PyJWKClientError(msg)
    return body


def _parse(body: bytes) -> dict[str, Any]:
    """The key set document of a response body."""
    try:
        data = _json.loads(body)
    except ValueError as error:
        msg = f"The JWKS endpoint did not return JSON: {error}"
        raise PyJWKClientError(msg) from error
    if type(data) is not dict or type(data.get("keys")) is not list:
        msg = 'The JWKS endpoint did not return a JWK set (an object with a "keys" list)'
        raise PyJWKClientError(msg)
    return data


def _signing_keys(data: dict[str, Any]) -> list[SigningKey]:
    """The set's keys that can verify signatures: a ``kid``, ``use`` "sig" or absent, and a
    key type this library reads; the others are skipped, as PyJWT skips them."""
    keys = []
    for entry in data["keys"]:
        if type(entry) is not dict:
            continue
        kid, use = entry.get("kid"), entry.get("use")
        if type(kid) is not str or use not in ("sig", None):
            continue
        try:
            key = _jwt.Key.from_jwk(entry)
        except (_jwt.InvalidKeyError, TypeError, ValueError):
            continue
        alg = entry.get("alg")
        keys.append(SigningKey(key, kid, key.kty, alg if type(alg) is str else None, use))
    if not keys:
        msg = "The JWKS endpoint did not contain any signing keys"
        raise PyJWKClientError(msg)
    return keys


def _load(settings: _Settings) -> tuple[dict[str, Any], list[SigningKey]]:
    """Fetches the set (in the caller's thread) and reads its signing keys."""
    s = settings
    data = _parse(_fetch(s.uri, s.headers, s.timeout, s.ssl_context, s.max_response_bytes))
    return data, _signing_keys(data)


def _kid_of(token: str | bytes) -> str:
    kid = _jwt.get_unverified_header(token).get("kid")
    if type(kid) is not str:
        msg = "The token has no kid header to find its key by"
        raise PyJWKClientError(msg)
    return kid


def _unknown_kid(kid: str) -> PyJWKClientError:
    return PyJWKClientError(f'Unable to find a signing key that matches: "{kid}"')


class _Settings:
    """The constructor arguments both clients take, checked."""

    def __init__(
        self,
        *,
        uri: str,
        cache_keys: bool,
        max_cached_keys: int,
        cache_jwk_set: bool,
        lifespan: float,
        headers: Mapping[str, str] | None,
        timeout: float,
        ssl_context: ssl.SSLContext | None,
        max_response_bytes: int,
        refetch_interval: float,
    ) -> None:
        if not isinstance(uri, str):
            msg = f"uri must be a str, not {type(uri).__name__}"
            raise TypeError(msg)
        if cache_jwk_set and lifespan <= 0:
            msg = f'Lifespan must be greater than 0, the input is "{lifespan}"'
            raise PyJWKClientError(msg)
        if max_cached_keys < 0 or max_response_bytes <= 0 or refetch_interval < 0:
            msg = "max_cached_keys, max_response_bytes and refetch_interval must be positive"
            raise ValueError(msg)
        self.uri = uri
        self.cache_keys = cache_keys
        self.max_cached_keys = max_cached_keys
        self.cache_jwk_set = cache_jwk_set
        self.lifespan = lifespan
        self.headers = {"User-agent": "covet_rust_core", **(headers or {})}
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.max_response_bytes = max_response_bytes
        self.refetch_interval = refetch_interval


class _Cache:
    """What a client knows: the last key set and when it came, and the keys found by kid.
    No I/O, no locking: each client guards it its own way."""

    def __init__(self, settings: _Settings) -> None:
        self.settings = settings
        self.data: dict[str, Any] | None = None
        self.keys: list[SigningKey] | None = None
        self.fetched_at: float | None = None
        self.by_kid: collections.OrderedDict[str, SigningKey] = collections.OrderedDict()

    def fresh(self) -> bool:
        return (
            self.settings.cache_jwk_set
            and self.keys is not None
            and self.fetched_at is not None
            and _clock() - self.fetched_at < self.settings.lifespan
        )

    def may_refetch(self) -> bool:
        return self.fetched_at is None or (
            _clock() - self.fetched_at >= self.settings.refetch_interval
        )

    def set(self, data: dict[str, Any], keys: list[SigningKey]) -> None:
        self.data, self.keys, self.fetched_at = data, keys, _clock()

    def remembered(self, kid: str) -> SigningKey | None:
        found = self.by_kid.get(kid)
        if found is not None:
            self.by_kid.move_to_end(kid)
        return found

    def remember(self, found: SigningKey) -> SigningKey:
        if self.settings.cache_keys and self.settings.max_cached_keys > 0:
            self.by_kid[found.key_id] = found
            self.by_kid.move_to_end(found.key_id)
            while len(self.by_kid) > self.settings.max_cached_keys:
                self.by_kid.popitem(last=False)
        return found


def match_kid(signing_keys: list[SigningKey], kid: str) -> SigningKey | None:
    """The key of ``signing_keys`` whose ``key_id`` is ``kid``, or None."""
    for key in signing_keys:
        if key.key_id == kid:
            return key
    return None


class _Client:
    """What both clients share: PyJWT's constructor arguments, checked, and the cache."""

    def __init__(  # noqa: PLR0917 (PyJWT's positional parameters)
        self,
        uri: str,
        cache_keys: bool = False,
        max_cached_keys: int = 16,
        cache_jwk_set: bool = True,
        lifespan: float = 300,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30,
        ssl_context: ssl.SSLContext | None = None,
        *,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        refetch_interval: float = DEFAULT_REFETCH_INTERVAL,
    ) -> None:
        self._settings = _Settings(
            uri=uri,
            cache_keys=cache_keys,
            max_cached_keys=max_cached_keys,
            cache_jwk_set=cache_jwk_set,
            lifespan=lifespan,
            headers=headers,
            timeout=timeout,
            ssl_context=ssl_context,
            max_response_bytes=max_response_bytes,
            refetch_interval=refetch_interval,
        )
        self._cache = _Cache(self._settings)
        self._start()

    def _start(self) -> None:
        """The client's own way of sharing one fetch: a lock, or the fetch under way."""
        raise NotImplementedError

    @property
    def uri(self) -> str:
        return self._settings.uri

    @staticmethod
    def match_kid(signing_keys: list[SigningKey], kid: str) -> SigningKey | None:
        """The key of ``signing_keys`` whose ``key_id`` is ``kid``, or None (PyJWT's)."""
        return match_kid(signing_keys, kid)


class PyJWKClient(_Client):
    """PyJWT's ``PyJWKClient``: the signing keys of the JWK set at ``uri``, cached.

    ``cache_jwk_set``/``lifespan``: keep the fetched set that many seconds. ``cache_keys``/
    ``max_cached_keys``: also keep the keys found by ``kid`` (least recently used evicted),
    even past the set's lifespan, as PyJWT does. ``headers``, ``timeout`` and ``ssl_context``
    go to the HTTP request. Beyond PyJWT: ``max_response_bytes`` and ``refetch_interval``
    (keyword only). Safe to share between threads: one fetch at a time.
    """

    def _start(self) -> None:
        self._lock = threading.Lock()

    def fetch_data(self) -> dict[str, Any]:
        """Fetches the set now (whatever the cache holds), caches it, and returns it."""
        with self._lock:
            self._fetch_locked()
            assert self._cache.data is not None
            return self._cache.data

    def _fetch_locked(self) -> None:
        self._cache.set(*_load(self._settings))

    def get_signing_keys(self, refresh: bool = False) -> list[SigningKey]:
        """The set's signing keys, from the cache while it is fresh (``refresh`` fetches)."""
        with self._lock:
            if refresh or not self._cache.fresh():
                self._fetch_locked()
            assert self._cache.keys is not None
            return list(self._cache.keys)

    def get_jwk_set(self, refresh: bool = False) -> Any:
        """The set as a ``jwt.KeySet``, from the cache while it is fresh."""
        self.get_signing_keys(refresh)
        data = self._cache.data
        assert data is not None
        return _jwt.KeySet.from_jwks(data)

    def get_signing_key(self, kid: str) -> SigningKey:
        """The signing key whose ``kid`` is ``kid``: from the cache, else after fetching the
        set again once (key rotation, at most once per ``refetch_interval``)."""
        with self._lock:
            found = self._cache.remembered(kid)
            if found is not None:
                return found
            if not self._cache.fresh():
                self._fetch_locked()
            assert self._cache.keys is not None
            found = match_kid(self._cache.keys, kid)
            if found is None and self._cache.may_refetch():
                self._fetch_locked()
                found = match_kid(self._cache.keys, kid)
            if found is None:
                raise _unknown_kid(kid)
            return self._cache.remember(found)

    def get_signing_key_from_jwt(self, token: str | bytes) -> SigningKey:
        """The signing key named by the ``kid`` of ``token``'s header (not verified here)."""
        return self.get_signing_key(_kid_of(token))


class JWKSClient(_Client):
    """``PyJWKClient``'s constructor and methods as coroutines, for asyncio: the fetch runs in
    a worker thread (the loop is never blocked), and lookups that miss the cache together
    wait for one fetch. Use one client per event loop."""

    def _start(self) -> None:
        self._inflight: asyncio.Future[tuple[dict[str, Any], list[SigningKey]]] | None = None

    async def _refresh(self) -> None:
        """Fetches the set and caches it, or waits for the fetch already under way (single
        flight); every waiter gets that fetch's failure, if it fails."""
        if self._inflight is None:
            inflight = asyncio.ensure_future(asyncio.to_thread(_load, self._settings))
            inflight.add_done_callback(self._loaded)
            self._inflight = inflight
        # Shielded: a cancelled lookup does not cancel the fetch the others wait for.
        await asyncio.shield(self._inflight)

    def _loaded(self, done: asyncio.Future[tuple[dict[str, Any], list[SigningKey]]]) -> None:
        # Runs before any waiter resumes (it was added before their callbacks).
        self._inflight = None
        if not done.cancelled() and done.exception() is None:
            self._cache.set(*done.result())

    async def fetch_data(self) -> dict[str, Any]:
        """Fetches the set now (whatever the cache holds), caches it, and returns it."""
        await self._refresh()
        assert self._cache.data is not None
        return self._cache.data

    async def get_signing_keys(self, refresh: bool = False) -> list[SigningKey]:
        if refresh or not self._cache.fresh():
            await self._refresh()
        assert self._cache.keys is not None
        return list(self._cache.keys)

    async def get_jwk_set(self, refresh: bool = False) -> Any:
        await self.get_signing_keys(refresh)
        data = self._cache.data
        assert data is not None
        return _jwt.KeySet.from_jwks(data)

    async def get_signing_key(self, kid: str) -> SigningKey:
        found = self._cache.remembered(kid)
        if found is not None:
            return found
        keys = await self.get_signing_keys()
        found = match_kid(keys, kid)
        if found is None and self._cache.may_refetch():
            keys = await self.get_signing_keys(refresh=True)
            found = match_kid(keys, kid)
        if found is None:
            raise _unknown_kid(kid)
        return self._cache.remember(found)

    async def get_signing_key_from_jwt(self, token: str | bytes) -> SigningKey:
        return await self.get_signing_key(_kid_of(token))
