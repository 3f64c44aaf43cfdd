"""Stub for ``covet_rust_core._native.jwt`` (crates/covet-python/src/jwt/):
the names and signatures of its twin ``covet_rust_core.fallback.jwt``."""

from collections.abc import Collection, Iterable, Mapping
from datetime import timedelta
from typing import Any, TypeAlias, final

from covet_rust_core._jwt_errors import DecodeError as DecodeError
from covet_rust_core._jwt_errors import ExpiredSignatureError as ExpiredSignatureError
from covet_rust_core._jwt_errors import ImmatureSignatureError as ImmatureSignatureError
from covet_rust_core._jwt_errors import InvalidAlgorithmError as InvalidAlgorithmError
from covet_rust_core._jwt_errors import InvalidAudienceError as InvalidAudienceError
from covet_rust_core._jwt_errors import InvalidIssuedAtError as InvalidIssuedAtError
from covet_rust_core._jwt_errors import InvalidIssuerError as InvalidIssuerError
from covet_rust_core._jwt_errors import InvalidJTIError as InvalidJTIError
from covet_rust_core._jwt_errors import InvalidKeyError as InvalidKeyError
from covet_rust_core._jwt_errors import InvalidSignatureError as InvalidSignatureError
from covet_rust_core._jwt_errors import InvalidSubjectError as InvalidSubjectError
from covet_rust_core._jwt_errors import InvalidTokenError as InvalidTokenError
from covet_rust_core._jwt_errors import MissingRequiredClaimError as MissingRequiredClaimError
from covet_rust_core._jwt_errors import PyJWTError as PyJWTError

__all__ = [
    "ALGORITHMS",
    "DEFAULT_MAX_TOKEN_BYTES",
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
    "Key",
    "KeySet",
    "MissingRequiredClaimError",
    "PyJWTError",
    "decode",
    "decode_complete",
    "encode",
    "get_unverified_header",
]

ALGORITHMS: tuple[str, ...]
DEFAULT_MAX_TOKEN_BYTES: int

@final
class Key:
    """A key parsed once, for repeated use (``covet_rust_core.jwt.Key``)."""

    @staticmethod
    def from_pem(data: str | bytes, /) -> Key:
        """A key from PEM text (public, private or certificate) or an OpenSSH public key line."""
    @staticmethod
    def from_jwk(jwk: Mapping[str, Any] | str | bytes, /) -> Key:
        """A key from a JWK: a dict, or its JSON text."""
    @staticmethod
    def from_secret(secret: str | bytes, /) -> Key:
        """An HMAC key (HS256/384/512) from a secret."""
    @property
    def kty(self) -> str:
        """The JWK key type: "oct", "RSA", "EC" or "OKP"."""
    @property
    def curve(self) -> str | None:
        """ "P-256", "P-384", "Ed25519", or None."""
    @property
    def is_private(self) -> bool:
        """True when the key can sign (a private key or an HMAC secret)."""
    @property
    def kid(self) -> str | None:
        """The JWK's "kid", or None."""
    @property
    def alg(self) -> str | None:
        """The JWK's "alg", or None."""

@final
class KeySet:
    """A parsed JWK set (``covet_rust_core.jwt.KeySet``)."""

    @staticmethod
    def from_jwks(jwks: Mapping[str, Any] | str | bytes, /) -> KeySet:
        """A set from a dict holding "keys", or its JSON text; unusable entries are skipped."""
    def __len__(self) -> int: ...
    def get(self, kid: str, /) -> Key | None:
        """The key whose "kid" is ``kid``, or None."""
    @property
    def keys(self) -> list[Key]:
        """The usable keys, in the set's order."""

_KeyArgument: TypeAlias = str | bytes | Mapping[str, Any] | Key | KeySet

def encode(
    payload: dict[str, Any],
    key: str | bytes | Mapping[str, Any] | Key,
    algorithm: str = "HS256",
    headers: dict[str, Any] | None = None,
) -> str:
    """Encode ``payload`` as a signed JWT (compact JWS)."""

def decode(
    token: str | bytes,
    key: _KeyArgument | None = None,
    algorithms: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
    leeway: float | timedelta = 0,
    max_token_bytes: int = 262144,
) -> dict[str, Any]:
    """Verify a JWT and return its claims."""

def decode_complete(
    token: str | bytes,
    key: _KeyArgument | None = None,
    algorithms: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
    leeway: float | timedelta = 0,
    max_token_bytes: int = 262144,
) -> dict[str, Any]:
    """Like ``decode``, returning ``{"header": ..., "payload": ..., "signature": ...}``."""

def get_unverified_header(token: str | bytes, /) -> dict[str, Any]:
    """The token's header, checked for shape but NOT verified."""
