"""JWTs made by hand for the tests: base64url, compact JSON, HMAC signatures and whole
tokens whose header and payload are exactly what a test gives (``craft``), so that the
check under test, not the signature, is the one that fires."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any, Final

# 64 bytes: long enough for HS512 without PyJWT's short-key warning (an error here).
SECRET: Final = "covet-jwt-tests-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCD"
assert len(SECRET) >= 64

_HASHES: Final = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


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
