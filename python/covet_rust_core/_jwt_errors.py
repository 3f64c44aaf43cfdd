"""The JWT exception classes, shared by the native extension and the pure-Python twin.

PyJWT's names and hierarchy (docs/JWT.md), defined once in plain Python so that both backends
raise the very same classes: ``except covet_rust_core.jwt.InvalidTokenError`` works whichever
backend the detector chose. Everything a token can cause is an ``InvalidTokenError``; an
``InvalidKeyError`` is the caller's key.
"""

from __future__ import annotations

__all__ = [
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
]


class PyJWTError(Exception):
    """Base class of every JWT error."""


class InvalidTokenError(PyJWTError):
    """The token was refused: anything a token can cause (the "401" path)."""


class DecodeError(InvalidTokenError):
    """The token cannot be decoded: size, segments, base64url, JSON, header rules."""


class InvalidSignatureError(DecodeError):
    """The signature does not match the token and key."""


class ExpiredSignatureError(InvalidTokenError):
    """``exp`` is at or before now minus the leeway."""


class InvalidAudienceError(InvalidTokenError):
    """``aud`` does not match the expected audience, or is present when none is expected."""


class InvalidIssuerError(InvalidTokenError):
    """``iss`` is not a string or does not match the expected issuer."""


class InvalidIssuedAtError(InvalidTokenError):
    """``iat`` is not a number."""


class ImmatureSignatureError(InvalidTokenError):
    """``nbf`` or ``iat`` is in the future beyond the leeway."""


class InvalidAlgorithmError(InvalidTokenError):
    """The token's ``alg`` is missing, not allowed, or not the key's algorithm."""


class MissingRequiredClaimError(InvalidTokenError):
    """A required claim is missing (or null); ``.claim`` names it."""

    def __init__(self, claim: str) -> None:
        super().__init__(claim)
        self.claim = claim

    def __str__(self) -> str:
        return f'Token is missing the "{self.claim}" claim'


class InvalidSubjectError(InvalidTokenError):
    """``sub`` is not a string or does not match the expected subject."""


class InvalidJTIError(InvalidTokenError):
    """``jti`` is not a string."""


class InvalidKeyError(PyJWTError):
    """The key cannot be used: malformed, wrong type for the algorithm, or unsafe as given."""
