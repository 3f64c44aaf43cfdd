"""JWT under the contract's (PyJWT's) names: ``jwt_backend(impl).decode`` is
``impl.jwt.decode``, ``.Key`` is ``impl.jwt.Key``, and so on (docs/JWT.md), with the test id
and the same implementation's ``json.loads``. A module that lacks one of the JWT names fails
the calling test; nothing is skipped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Final

import pytest

from tests.support import implementations
from tests.support.public_api import JWT_NAMES

# The contract's values, asserted against each implementation's constants in
# tests/jwt/test_jwt.py.
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


@dataclass(frozen=True)
class JwtBackend:
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
        return f"<JwtBackend {self.name}>"


def jwt_backend(impl: ModuleType) -> JwtBackend:
    """The JWT names of ``impl`` (the ``impl`` fixture's module, or ``native()``/``twin()``)."""
    name = implementations.name_of(impl)
    missing = [attr for attr in JWT_NAMES if not hasattr(impl.jwt, attr)]
    if missing:
        pytest.fail(
            f"{impl.jwt.__name__} ({name}) lacks the JWT names {missing}, so the {name} half of "
            "this test cannot run",
            pytrace=False,
        )
    return JwtBackend(
        name=name,
        module=impl,
        encode=impl.jwt.encode,
        decode=impl.jwt.decode,
        decode_complete=impl.jwt.decode_complete,
        get_unverified_header=impl.jwt.get_unverified_header,
        Key=impl.jwt.Key,
        KeySet=impl.jwt.KeySet,
        ALGORITHMS=impl.jwt.ALGORITHMS,
        DEFAULT_MAX_TOKEN_BYTES=impl.jwt.DEFAULT_MAX_TOKEN_BYTES,
        loads=impl.json.loads,
    )


def both_backends() -> tuple[JwtBackend, JwtBackend]:
    """(native, twin), for differential checks; either one missing fails the test."""
    return jwt_backend(implementations.native()), jwt_backend(implementations.twin())
