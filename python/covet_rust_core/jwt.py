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
* ``PyJWKClient(uri, ...)``: PyJWT's JWKS client (a key set fetched over HTTPS, cached, its
  key found by a token's ``kid``), with ``PyJWKClientError`` and
  ``PyJWKClientConnectionError``; ``covet_rust_core.aio.JWKSClient`` is its asyncio form.
"""

from __future__ import annotations

from covet_rust_core._backend import export_domain

# PyJWT's exception classes are among the names: both implementations export the classes of
# covet_rust_core._jwt_errors, so `except jwt.InvalidTokenError` catches either's errors.
__all__ = export_domain("jwt", globals())  # noqa: PLE0605 (the names are the implementation\'s)

# The JWKS client, in Python over whichever implementation runs (covet_rust_core._jwks).
from covet_rust_core._jwks import (
    PyJWKClient,
    PyJWKClientConnectionError,
    PyJWKClientError,
    SigningKey,
)

__all__ += ["PyJWKClient", "PyJWKClientConnectionError", "PyJWKClientError", "SigningKey"]
