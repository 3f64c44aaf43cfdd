"""JSON Web Tokens, a drop-in for PyJWT's common calls, from the backend the detector chose
(the contract both backends keep: docs/JWT.md).

>>> from covet_rust_core import jwt
>>> token = jwt.encode({"sub": "42"}, "a-long-random-secret-of-32-bytes", algorithm="HS256")
>>> jwt.decode(token, "a-long-random-secret-of-32-bytes", algorithms=["HS256"])
{'sub': '42'}

* ``encode(payload, key, algorithm="HS256", headers=None) -> str``; ``exp``/``iat``/``nbf``
  datetimes become NumericDates.
* ``decode(token, key, algorithms=[...], options=None, audience=None, issuer=None,
  subject=None, leeway=0, max_token_bytes=262144) -> dict``; ``decode_complete`` also returns
  the header and signature; ``get_unverified_header(token)``.
* Algorithms: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA (Ed25519).
  ``none`` is never accepted; other names raise NotImplementedError.
* Keys: an HMAC secret (str/bytes), PEM text or an OpenSSH public key line, a JWK dict, a JWK
  set dict (picked by the token's ``kid``), or a ``Key`` / ``KeySet`` parsed once for reuse.
  PEM strings are cached, so passing the same one on every call costs no parse.
* Exceptions: PyJWT's names and hierarchy. Everything a token can cause is an
  ``InvalidTokenError``.
"""

from __future__ import annotations

from covet_rust_core._backend import SELECTION
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

if SELECTION.native is not None:
    from covet_rust_core._native import JWT_ALGORITHMS as ALGORITHMS
    from covet_rust_core._native import JWT_DEFAULT_MAX_TOKEN_BYTES as DEFAULT_MAX_TOKEN_BYTES
    from covet_rust_core._native import JwtKey as Key
    from covet_rust_core._native import JwtKeySet as KeySet
    from covet_rust_core._native import jwt_decode as decode
    from covet_rust_core._native import jwt_decode_complete as decode_complete
    from covet_rust_core._native import jwt_encode as encode
    from covet_rust_core._native import jwt_get_unverified_header as get_unverified_header
else:
    from covet_rust_core.fallback.jwt import (  # type: ignore[assignment]
        ALGORITHMS,
        DEFAULT_MAX_TOKEN_BYTES,
        Key,
        KeySet,
        decode,
        decode_complete,
        encode,
        get_unverified_header,
    )

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
