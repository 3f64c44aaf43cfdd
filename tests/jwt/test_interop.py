"""JWT interoperability on both backends (docs/JWT.md): the RFC 7515 and RFC 8037 published
examples, and PyJWT in both directions for every supported algorithm (tokens made by PyJWT
decode here with identical claims, tokens made here decode in PyJWT, and where the signature
is deterministic the token bytes are PyJWT's)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from types import ModuleType
from typing import Any

import jwt as pyjwt
import pytest
from covet_rust_core._json_errors import JSONDecodeError
from covet_rust_core._jwt_errors import (
    DecodeError,
    ExpiredSignatureError,
    InvalidAlgorithmError,
    InvalidSignatureError,
)
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from tests.support.jwt_backend import (
    ALGORITHMS,
    HS_ALGORITHMS,
    JwtBackend,
    both_backends,
    jwt_backend,
)
from tests.support.keys import ALG_KEY, material
from tests.support.outcomes import expect
from tests.support.tokens import SECRET, b64url, b64url_decode, now

# --- RFC 7515, Appendix A.1 (HS256) ------------------------------------------------------
# The header is {"typ":"JWT",\r\n "alg":"HS256"}, line break and space included.

A1_TOKEN = (
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)
A1_JWK = {
    "kty": "oct",
    "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
}
# The payload of A.1, A.2 and A.3.
RFC7515_CLAIMS = {"iss": "joe", "exp": 1300819380, "http://example.com/is_root": True}
NO_EXP = {"verify_exp": False}

# --- RFC 7515, Appendix A.3 (ES256) ------------------------------------------------------

A3_TOKEN = (
    "eyJhbGciOiJFUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
)
A3_PUBLIC_JWK = {
    "kty": "EC",
    "crv": "P-256",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
}
A3_PRIVATE_JWK = {**A3_PUBLIC_JWK, "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}

# --- RFC 8037, Appendix A.1, A.2, A.4 (Ed25519) ------------------------------------------

A4_TOKEN = (
    "eyJhbGciOiJFZERTQSJ9"
    ".RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
    ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)
ED25519_PUBLIC_JWK = {
    "kty": "OKP",
    "crv": "Ed25519",
    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
}
ED25519_PRIVATE_JWK = {**ED25519_PUBLIC_JWK, "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}


def with_signature(token: str, signature: bytes) -> str:
    return token.rsplit(".", 1)[0] + "." + b64url(signature)


def flipped(token: str) -> str:
    raw = bytearray(b64url_decode(token.rsplit(".", 1)[1]))
    raw[5] ^= 0x80
    return with_signature(token, bytes(raw))


def a3_public_pem() -> str:
    numbers = ec.EllipticCurvePublicNumbers(
        int.from_bytes(b64url_decode(A3_PUBLIC_JWK["x"]), "big"),
        int.from_bytes(b64url_decode(A3_PUBLIC_JWK["y"]), "big"),
        ec.SECP256R1(),
    )
    return (
        numbers.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def json_error(backend: JwtBackend, raw: bytes) -> str:
    try:
        backend.loads(raw)
    except JSONDecodeError as error:
        return str(error)
    raise AssertionError(f"{raw!r} is valid JSON")


def rfc8037_private_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(b64url_decode(ED25519_PRIVATE_JWK["d"]))


# --- RFC 7515 A.1 ------------------------------------------------------------------------


def test_rfc7515_a1_hs256(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    assert b64url_decode(A1_TOKEN.split(".", maxsplit=1)[0]) == b'{"typ":"JWT",\r\n "alg":"HS256"}'
    secret = b64url_decode(A1_JWK["k"])
    for key in (
        A1_JWK,
        json.loads(json.dumps(A1_JWK)),
        backend.Key.from_jwk(A1_JWK),
        backend.Key.from_jwk(json.dumps(A1_JWK)),
        backend.KeySet.from_jwks({"keys": [A1_JWK]}),
        {"keys": [A1_JWK]},
        secret,
        backend.Key.from_secret(secret),
    ):
        assert backend.decode(A1_TOKEN, key, algorithms=["HS256"], options=NO_EXP) == (
            RFC7515_CLAIMS
        )
    complete = backend.decode_complete(A1_TOKEN, A1_JWK, algorithms=["HS256"], options=NO_EXP)
    assert complete["header"] == {"typ": "JWT", "alg": "HS256"}
    assert list(complete["header"]) == ["typ", "alg"]
    assert complete["payload"] == RFC7515_CLAIMS
    assert complete["signature"] == b64url_decode(A1_TOKEN.split(".")[2])
    assert backend.get_unverified_header(A1_TOKEN) == {"typ": "JWT", "alg": "HS256"}


def test_rfc7515_a1_is_expired_and_signed(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    expect(
        ExpiredSignatureError,
        "Signature has expired",
        backend.decode,
        A1_TOKEN,
        A1_JWK,
        algorithms=["HS256"],
    )
    expect(
        InvalidSignatureError,
        "Signature verification failed",
        backend.decode,
        flipped(A1_TOKEN),
        A1_JWK,
        algorithms=["HS256"],
        options=NO_EXP,
    )
    expect(
        InvalidAlgorithmError,
        "The specified alg value is not allowed",
        backend.decode,
        A1_TOKEN,
        A1_JWK,
        algorithms=["HS384"],
        options=NO_EXP,
    )


# --- RFC 7515 A.3 ------------------------------------------------------------------------


def test_rfc7515_a3_es256(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    for key in (
        A3_PUBLIC_JWK,
        A3_PRIVATE_JWK,
        backend.Key.from_jwk(json.dumps(A3_PUBLIC_JWK)),
        backend.Key.from_jwk(A3_PRIVATE_JWK),
        {"keys": [A3_PUBLIC_JWK]},
        a3_public_pem(),
        backend.Key.from_pem(a3_public_pem()),
    ):
        assert backend.decode(A3_TOKEN, key, algorithms=["ES256"], options=NO_EXP) == (
            RFC7515_CLAIMS
        )
    complete = backend.decode_complete(
        A3_TOKEN, A3_PUBLIC_JWK, algorithms=["ES256"], options=NO_EXP
    )
    assert complete["header"] == {"alg": "ES256"}
    assert len(complete["signature"]) == 64
    expect(
        InvalidSignatureError,
        "Signature verification failed",
        backend.decode,
        flipped(A3_TOKEN),
        A3_PUBLIC_JWK,
        algorithms=["ES256"],
        options=NO_EXP,
    )
    expect(
        ExpiredSignatureError,
        "Signature has expired",
        backend.decode,
        A3_TOKEN,
        A3_PUBLIC_JWK,
        algorithms=["ES256"],
    )


def test_rfc7515_a3_private_key_signs(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"iss": "joe"}, A3_PRIVATE_JWK, algorithm="ES256")
    assert backend.decode(token, A3_PUBLIC_JWK, algorithms=["ES256"]) == {"iss": "joe"}
    assert pyjwt.decode(token, a3_public_pem(), algorithms=["ES256"]) == {"iss": "joe"}


# --- RFC 8037 A.4 ------------------------------------------------------------------------


def test_rfc8037_a4_signature_verifies_but_the_payload_is_not_json(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    # The example's payload is the text "Example of Ed25519 signing". The signature is checked
    # before the payload is parsed (contract step 7 before step 8), so reaching the payload's
    # JSON error proves the published signature verified; a flipped bit does not get there.
    payload = b"Example of Ed25519 signing"
    assert b64url_decode(A4_TOKEN.split(".")[1]) == payload
    message = "Invalid payload string: " + json_error(backend, payload)
    for key in (
        ED25519_PUBLIC_JWK,
        ED25519_PRIVATE_JWK,
        backend.Key.from_jwk(ED25519_PUBLIC_JWK),
        {"keys": [ED25519_PUBLIC_JWK]},
    ):
        expect(DecodeError, message, backend.decode, A4_TOKEN, key, algorithms=["EdDSA"])
        expect(DecodeError, message, backend.decode_complete, A4_TOKEN, key, ["EdDSA"])
        expect(
            InvalidSignatureError,
            "Signature verification failed",
            backend.decode,
            flipped(A4_TOKEN),
            key,
            algorithms=["EdDSA"],
        )
    expect(DecodeError, message, backend.decode, A4_TOKEN, options={"verify_signature": False})
    assert backend.get_unverified_header(A4_TOKEN) == {"alg": "EdDSA"}


def test_rfc8037_key(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    key = backend.Key.from_jwk(ED25519_PRIVATE_JWK)
    assert (key.kty, key.curve, key.is_private) == ("OKP", "Ed25519", True)
    raw_public = (
        rfc8037_private_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    assert b64url(raw_public) == ED25519_PUBLIC_JWK["x"]


ED_PAYLOAD = {"sub": "rfc8037", "n": 1, "ok": True, "list": [1, "two", None]}


def test_ed25519_signatures_are_deterministic(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    first = backend.encode(ED_PAYLOAD, ED25519_PRIVATE_JWK, algorithm="EdDSA")
    assert backend.encode(ED_PAYLOAD, ED25519_PRIVATE_JWK, algorithm="EdDSA") == first
    pem = rfc8037_private_key().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    assert backend.encode(ED_PAYLOAD, pem.decode(), algorithm="EdDSA") == first
    assert backend.encode(ED_PAYLOAD, backend.Key.from_pem(pem.decode()), "EdDSA") == first
    # The signature is Ed25519 over the token's first two segments with the RFC's key.
    signing_input, signature = first.rsplit(".", 1)
    assert b64url_decode(signature) == rfc8037_private_key().sign(signing_input.encode())
    assert backend.decode(first, ED25519_PUBLIC_JWK, algorithms=["EdDSA"]) == ED_PAYLOAD


def test_ed25519_tokens_are_pyjwts_bytes(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    ours = backend.encode(ED_PAYLOAD, ED25519_PRIVATE_JWK, algorithm="EdDSA")
    theirs = pyjwt.encode(ED_PAYLOAD, rfc8037_private_key(), algorithm="EdDSA")
    assert ours == theirs
    # Without typ, the header is exactly the RFC 8037 A.4 header.
    ours = backend.encode(ED_PAYLOAD, ED25519_PRIVATE_JWK, "EdDSA", {"typ": None})
    theirs = pyjwt.encode(
        ED_PAYLOAD, rfc8037_private_key(), algorithm="EdDSA", headers={"typ": None}
    )
    assert ours == theirs
    assert ours.split(".")[0] == A4_TOKEN.split(".", maxsplit=1)[0]


def test_ed25519_tokens_are_identical_across_backends() -> None:
    native, twin = both_backends()
    for headers in (None, {"typ": None}, {"kid": "rfc8037"}):
        assert native.encode(ED_PAYLOAD, ED25519_PRIVATE_JWK, "EdDSA", headers) == twin.encode(
            ED_PAYLOAD, ED25519_PRIVATE_JWK, "EdDSA", headers
        )


# --- PyJWT, both ways --------------------------------------------------------------------


def keys_for(alg: str) -> tuple[Any, Any]:
    if alg in HS_ALGORITHMS:
        return SECRET, SECRET
    pair = material().get(ALG_KEY[alg])
    return pair.private_pkcs8_pem, pair.public_spki_pem


def sample_claims() -> dict[str, Any]:
    t = now()
    return {
        "sub": "42",
        "iss": "https://issuer.example",
        "aud": ["api", "web"],
        "iat": t,
        "nbf": t - 5,
        "exp": t + 600,
        "jti": "token-1",
        "roles": ["admin", "user"],
        "nested": {"k": [1, 2.5, None, True, -7, 10**20]},
        "name": "Zoë 東京",
    }


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_pyjwt_tokens_decode_here(impl: ModuleType, alg: str) -> None:
    backend = jwt_backend(impl)
    sign_key, verify_key = keys_for(alg)
    claims = sample_claims()
    token = pyjwt.encode(claims, sign_key, algorithm=alg, headers={"kid": "k-1"})
    decoded = backend.decode(
        token,
        verify_key,
        algorithms=[alg],
        audience="api",
        issuer="https://issuer.example",
        subject="42",
        options={"require": ["exp", "iat", "nbf"]},
    )
    assert decoded == claims
    complete = backend.decode_complete(token, verify_key, algorithms=[alg], audience="web")
    theirs = pyjwt.api_jwt.decode_complete(token, verify_key, algorithms=[alg], audience="web")
    assert complete["header"] == theirs["header"] == {"alg": alg, "kid": "k-1", "typ": "JWT"}
    assert complete["payload"] == theirs["payload"]
    assert complete["signature"] == theirs["signature"]
    assert backend.get_unverified_header(token) == pyjwt.get_unverified_header(token)


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_tokens_made_here_decode_in_pyjwt(impl: ModuleType, alg: str) -> None:
    backend = jwt_backend(impl)
    sign_key, verify_key = keys_for(alg)
    claims = sample_claims()
    token = backend.encode(claims, sign_key, algorithm=alg, headers={"kid": "k-1"})
    decoded = pyjwt.decode(
        token,
        verify_key,
        algorithms=[alg],
        audience="api",
        issuer="https://issuer.example",
        options={"require": ["exp", "iat", "nbf"]},
    )
    assert decoded == claims
    assert pyjwt.get_unverified_header(token) == {"alg": alg, "kid": "k-1", "typ": "JWT"}
    # PyJWT refuses our token under another key.
    other: Any = SECRET[::-1]
    if alg not in HS_ALGORITHMS:
        other = material().get(ALG_KEY[alg] + "_other").public_spki_pem
    with pytest.raises(pyjwt.InvalidSignatureError):
        pyjwt.decode(token, other, algorithms=[alg], audience="api")


DETERMINISTIC = [*HS_ALGORITHMS, "RS256", "RS384", "RS512", "EdDSA"]


@pytest.mark.parametrize("alg", DETERMINISTIC)
def test_token_bytes_are_pyjwts(impl: ModuleType, alg: str) -> None:
    backend = jwt_backend(impl)
    # ASCII payload with keys in the same order: PyJWT's json.dumps(separators=(",", ":"))
    # and its sorted header give the same bytes as ours.
    sign_key, _ = keys_for(alg)
    t = now()
    payload = {"sub": "42", "iat": t, "exp": t + 600, "scope": "read write", "n": [1, 2.5]}
    assert backend.encode(payload, sign_key, algorithm=alg) == pyjwt.encode(
        payload, sign_key, algorithm=alg
    )
    headers = {"kid": "key-1", "cty": "example", "x5t": "abc"}
    assert backend.encode(payload, sign_key, alg, headers) == pyjwt.encode(
        payload, sign_key, algorithm=alg, headers=headers
    )


def test_datetime_claims_give_pyjwts_bytes(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    when = dt.datetime(2031, 5, 6, 7, 8, 9, 500000, tzinfo=dt.UTC)
    payload = {"exp": when, "iat": when - dt.timedelta(days=1), "nbf": when.replace(tzinfo=None)}
    assert backend.encode(payload, SECRET) == pyjwt.encode(payload, SECRET, algorithm="HS256")


def test_non_ascii_payload_differs_only_in_bytes(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    payload = {"name": "Zoë"}
    ours = backend.encode(payload, SECRET)
    theirs = pyjwt.encode(payload, SECRET, algorithm="HS256")
    assert ours != theirs
    assert base64.urlsafe_b64decode(ours.split(".")[1] + "==") == '{"name":"Zoë"}'.encode()
    assert pyjwt.decode(ours, SECRET, algorithms=["HS256"]) == payload
    assert backend.decode(theirs, SECRET, algorithms=["HS256"]) == payload


def test_pyjwt_alg_none_token_is_refused(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    no_key: Any = None
    token = pyjwt.encode({"admin": True}, no_key, algorithm="none")
    assert token.endswith(".")
    expect(
        InvalidAlgorithmError,
        "The specified alg value is not allowed",
        backend.decode,
        token,
        SECRET,
        algorithms=["HS256"],
    )
