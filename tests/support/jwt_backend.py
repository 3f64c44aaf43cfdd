"""Helpers shared by the JWT tests (tests/jwt/): the two backends as namespaces, the
``backend`` fixture that runs a test on both, hand-made tokens, and exact-exception checks.

Both backends are imported directly, as the JSON tests do: ``covet_rust_core._native`` (the
extension) and ``covet_rust_core.fallback`` (the pure-Python twin), whichever one the
detector picked for ``covet_rust_core`` itself. A backend that lacks one of the JWT names
fails its cases; nothing is skipped."""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Final, TypeVar

import pytest
from covet_rust_core._jwt_errors import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAlgorithmError,
    InvalidAudienceError,
    InvalidIssuedAtError,
    InvalidIssuerError,
    InvalidJTIError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidSubjectError,
    InvalidTokenError,
    MissingRequiredClaimError,
    PyJWTError,
)
from covet_rust_core.pytest_plugin import load_native

__all__ = [
    "ALGORITHMS",
    "BACKEND_NAMES",
    "DEFAULT_MAX_TOKEN_BYTES",
    "HS_ALGORITHMS",
    "JWT_NAMES",
    "SECRET",
    "Backend",
    "DecodeError",
    "ExpiredSignatureError",
    "ImmatureSignatureError",
    "InvalidAlgorithmError",
    "InvalidAudienceError",
    "InvalidIssuedAtError",
    "InvalidIssuerError",
    "InvalidJTIError",
    "InvalidKeyError",
    "InvalidSignatureError",
    "InvalidSubjectError",
    "InvalidTokenError",
    "MissingRequiredClaimError",
    "PyJWTError",
    "b64url",
    "b64url_decode",
    "backend",
    "both_backends",
    "compact_json",
    "craft",
    "expect",
    "hs_sign",
    "load_backend",
    "now",
    "outcome",
    "sign_segments",
]

# The flat names each backend module exports for JWT (docs/JWT.md).
JWT_NAMES: Final = (
    "jwt_encode",
    "jwt_decode",
    "jwt_decode_complete",
    "jwt_get_unverified_header",
    "JwtKey",
    "JwtKeySet",
    "JWT_ALGORITHMS",
    "JWT_DEFAULT_MAX_TOKEN_BYTES",
)
BACKEND_NAMES: Final = ("native", "twin")

# The contract's values, asserted against each backend's constants in tests/jwt/test_jwt.py.
ALGORITHMS: Final = (
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "EdDSA",
)
HS_ALGORITHMS: Final = ("HS256", "HS384", "HS512")
DEFAULT_MAX_TOKEN_BYTES: Final = 262144

# 64 bytes: long enough for HS512 without PyJWT's short-key warning (an error here).
SECRET: Final = "covet-jwt-tests-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCD"
assert len(SECRET) >= 64

_HASHES: Final = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


@dataclass(frozen=True)
class Backend:
    """One implementation of the JWT contract, under the contract's (PyJWT's) names."""

    name: str
    module: ModuleType
    encode: Callable[..., Any]
    decode: Callable[..., Any]
    decode_complete: Callable[..., Any]
    get_unverified_header: Callable[..., Any]
    Key: Any
    KeySet: Any
    ALGORITHMS: Any
    DEFAULT_MAX_TOKEN_BYTES: Any
    # The same module's JSON ``loads``: the "Invalid header string: ..." messages embed its
    # error text.
    loads: Callable[[Any], Any]

    def __repr__(self) -> str:
        return f"<Backend {self.name}>"


def _module(name: str) -> ModuleType:
    if name == "native":
        return load_native()
    if name == "twin":
        return importlib.import_module("covet_rust_core.fallback")
    raise ValueError(name)


def load_backend(name: str) -> Backend:
    """The backend ``"native"`` or ``"twin"``; fails the calling test (never skips it) when
    the module cannot be imported or lacks one of the JWT names."""
    module = _module(name)
    missing = [attr for attr in JWT_NAMES if not hasattr(module, attr)]
    if missing:
        pytest.fail(
            f"{module.__name__} ({name} backend) lacks the JWT names {missing}, so the "
            f"{name} half of this test cannot run",
            pytrace=False,
        )
    return Backend(
        name=name,
        module=module,
        encode=module.jwt_encode,
        decode=module.jwt_decode,
        decode_complete=module.jwt_decode_complete,
        get_unverified_header=module.jwt_get_unverified_header,
        Key=module.JwtKey,
        KeySet=module.JwtKeySet,
        ALGORITHMS=module.JWT_ALGORITHMS,
        DEFAULT_MAX_TOKEN_BYTES=module.JWT_DEFAULT_MAX_TOKEN_BYTES,
        loads=module.loads,
    )


def both_backends() -> tuple[Backend, Backend]:
    """(native, twin), for differential checks; either one missing fails the test."""
    return load_backend("native"), load_backend("twin")


@pytest.fixture(params=BACKEND_NAMES)
def backend(request: pytest.FixtureRequest) -> Backend:
    """The native extension, then the pure-Python twin (ids ``native`` and ``twin``)."""
    return load_backend(request.param)


# --- Exceptions --------------------------------------------------------------------------

E = TypeVar("E", bound=BaseException)


def expect(
    cls: type[E], message: str | None, call: Callable[..., object], *args: Any, **kwargs: Any
) -> E:
    """``call(*args, **kwargs)`` raises exactly ``cls`` (not a subclass), with exactly
    ``message`` as its ``str()`` unless ``message`` is None; returns the exception."""
    with pytest.raises(cls) as excinfo:
        call(*args, **kwargs)
    error = excinfo.value
    assert type(error) is cls, f"{type(error).__name__} raised, {cls.__name__} expected: {error}"
    if message is not None:
        assert str(error) == message
    return error


def outcome(call: Callable[..., object], *args: Any, **kwargs: Any) -> tuple[str, Any]:
    """``("ok", result)`` or ``(exception class name, message)``: comparable across backends."""
    try:
        return ("ok", call(*args, **kwargs))
    except Exception as error:
        return (type(error).__name__, str(error))


# --- Tokens by hand ----------------------------------------------------------------------


def b64url(data: bytes | str) -> str:
    """Unpadded base64url of bytes (a str is UTF-8 encoded)."""
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def compact_json(obj: Any) -> bytes:
    """The compact JSON the backends write for plain ASCII-free-or-not documents."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def hs_sign(signing_input: str | bytes, key: str | bytes = SECRET, alg: str = "HS256") -> bytes:
    raw_key = key.encode() if isinstance(key, str) else key
    raw_input = signing_input.encode() if isinstance(signing_input, str) else signing_input
    return hmac.new(raw_key, raw_input, _HASHES[alg]).digest()


def sign_segments(
    header_segment: str, payload_segment: str, key: str | bytes = SECRET, alg: str = "HS256"
) -> str:
    """A token of these two segments exactly as given, with their valid HMAC signature."""
    signing_input = f"{header_segment}.{payload_segment}"
    return f"{signing_input}.{b64url(hs_sign(signing_input, key, alg))}"


def _segment(part: Any) -> str:
    if isinstance(part, bytes):
        return b64url(part)
    return b64url(compact_json(part))


def craft(
    header: Any = None, payload: Any = None, key: str | bytes = SECRET, alg: str = "HS256"
) -> str:
    """An HMAC-signed token from a header and a payload given as raw bytes (encoded as they
    are) or as JSON values (written compactly); the signature is valid, so the check under
    test is the one that fires. The default header is ``{"alg": alg, "typ": "JWT"}``, the
    default payload ``{}``."""
    if header is None:
        header = {"alg": alg, "typ": "JWT"}
    if payload is None:
        payload = {}
    return sign_segments(_segment(header), _segment(payload), key, alg)


def now() -> int:
    """The current second, as the contract truncates it."""
    return int(time.time())
