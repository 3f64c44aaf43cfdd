"""JWT on both backends (docs/JWT.md): the exported names, round trips for every algorithm and
key form, what ``encode`` writes, ``decode_complete`` and ``get_unverified_header``, ``Key`` and
``KeySet``, and the argument checks of ``encode`` and ``decode``.

The token checks an attacker can reach are in test_security.py, the claim rules in
test_claims.py, RFC vectors and PyJWT in test_interop.py."""

from __future__ import annotations

import calendar
import collections
import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from covet_rust_core._json_errors import JSONEncodeError
from covet_rust_core._jwt_errors import (
    DecodeError,
    InvalidAlgorithmError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidTokenError,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.json_checks import assert_strict_equal
from tests.support.jwt_backend import (
    ALGORITHMS,
    DEFAULT_MAX_TOKEN_BYTES,
    HS_ALGORITHMS,
    JwtBackend,
    both_backends,
    jwt_backend,
)
from tests.support.keys import ALG_KEY, KeyPair, Keys, material
from tests.support.outcomes import expect, outcome
from tests.support.tokens import (
    SECRET,
    b64url,
    b64url_decode,
    compact_json,
    craft,
    hs_sign,
    sign_segments,
)

PAYLOAD: dict[str, Any] = {"sub": "42", "name": "Ada", "admin": True, "n": [1, 2.5, None]}
ASYMMETRIC = tuple(alg for alg in ALGORITHMS if alg not in HS_ALGORITHMS)
SIGNATURE_BYTES = {
    "HS256": 32,
    "HS384": 48,
    "HS512": 64,
    "ES256": 64,
    "ES384": 96,
    "EdDSA": 64,
    **{f"{family}{bits}": 256 for family in ("RS", "PS") for bits in (256, 384, 512)},
}
KEY_TYPE_MESSAGE = (
    "key must be str, bytes, a JWK dict, jwt.Key, jwt.KeySet or a cryptography key object, not {}"
)


def segments(token: str) -> list[str]:
    parts = token.split(".")
    assert len(parts) == 3, token
    return parts


def header_bytes(token: str) -> bytes:
    return b64url_decode(segments(token)[0])


def payload_bytes(token: str) -> bytes:
    return b64url_decode(segments(token)[1])


def family(alg: str) -> str:
    return alg[:2]


# --- Exported names ----------------------------------------------------------------------


def test_algorithms_constant(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    assert type(backend.ALGORITHMS) is tuple
    assert backend.ALGORITHMS == ALGORITHMS


def test_default_max_token_bytes_constant(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    assert type(backend.DEFAULT_MAX_TOKEN_BYTES) is int
    assert backend.DEFAULT_MAX_TOKEN_BYTES == DEFAULT_MAX_TOKEN_BYTES == 256 * 1024


def test_exception_hierarchy_is_pyjwts() -> None:
    from covet_rust_core import _jwt_errors as errors

    token_errors = [
        errors.DecodeError,
        errors.ExpiredSignatureError,
        errors.InvalidAudienceError,
        errors.InvalidIssuerError,
        errors.InvalidIssuedAtError,
        errors.ImmatureSignatureError,
        errors.InvalidAlgorithmError,
        errors.MissingRequiredClaimError,
        errors.InvalidSubjectError,
        errors.InvalidJTIError,
    ]
    for cls in token_errors:
        assert cls.__bases__ == (errors.InvalidTokenError,), cls
    assert errors.InvalidSignatureError.__bases__ == (errors.DecodeError,)
    assert errors.InvalidTokenError.__bases__ == (errors.PyJWTError,)
    assert errors.InvalidKeyError.__bases__ == (errors.PyJWTError,)
    assert errors.PyJWTError.__bases__ == (Exception,)
    missing = errors.MissingRequiredClaimError("aud")
    assert missing.claim == "aud"
    assert str(missing) == 'Token is missing the "aud" claim'


# --- HMAC round trips --------------------------------------------------------------------


@pytest.mark.parametrize("alg", HS_ALGORITHMS)
def test_hmac_round_trip(impl: ModuleType, alg: str) -> None:
    backend = jwt_backend(impl)
    token = backend.encode(PAYLOAD, SECRET, algorithm=alg)
    assert type(token) is str
    assert "=" not in token
    assert json.loads(header_bytes(token)) == {"alg": alg, "typ": "JWT"}
    claims = backend.decode(token, SECRET, algorithms=[alg])
    assert type(claims) is dict
    assert claims == PAYLOAD
    assert backend.decode(token.encode(), SECRET.encode(), algorithms=(alg,)) == PAYLOAD


@pytest.mark.parametrize("alg", HS_ALGORITHMS)
def test_hmac_token_is_exactly_the_contracts_bytes(impl: ModuleType, alg: str) -> None:
    backend = jwt_backend(impl)
    token = backend.encode(PAYLOAD, SECRET, algorithm=alg)
    header = b64url(b'{"alg":"' + alg.encode() + b'","typ":"JWT"}')
    payload = b64url(compact_json(PAYLOAD))
    assert token == sign_segments(header, payload, SECRET, alg)


def test_default_algorithm_is_hs256(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"a": 1}, SECRET)
    assert header_bytes(token) == b'{"alg":"HS256","typ":"JWT"}'
    assert token == backend.encode({"a": 1}, SECRET, algorithm="HS256")


def test_str_secret_is_its_utf8_bytes(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    text = "clé-secrète-ünïcödé-0123456789"
    token = backend.encode({"a": 1}, text)
    assert token == backend.encode({"a": 1}, text.encode("utf-8"))
    assert backend.decode(token, text.encode("utf-8"), algorithms=["HS256"]) == {"a": 1}


def test_hmac_key_forms_give_the_same_token(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    raw = SECRET.encode()
    jwk = {"kty": "oct", "k": b64url(raw)}
    expected = backend.encode(PAYLOAD, SECRET)
    for key in (raw, jwk, backend.Key.from_secret(SECRET), backend.Key.from_secret(raw)):
        assert backend.encode(PAYLOAD, key) == expected
        assert backend.decode(expected, key, algorithms=["HS256"]) == PAYLOAD
    assert backend.encode(PAYLOAD, backend.Key.from_jwk(jwk)) == expected
    assert backend.encode(PAYLOAD, backend.Key.from_jwk(json.dumps(jwk))) == expected


def test_wrong_secret_is_an_invalid_signature(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = backend.encode(PAYLOAD, SECRET)
    expect(
        InvalidSignatureError,
        "Signature verification failed",
        backend.decode,
        token,
        SECRET + "x",
        algorithms=["HS256"],
    )


def test_hmac_tokens_are_identical_on_both_backends() -> None:
    native, twin = both_backends()
    payload = {"sub": "ü", "iat": 1, "x": {"z": [1, {"b": None}]}}
    headers = {"kid": "k-1", "cty": "x", "extra": {"b": 1, "a": 2}}
    for alg in HS_ALGORITHMS:
        assert native.encode(payload, SECRET, alg, headers) == twin.encode(
            payload, SECRET, alg, headers
        )


# --- Asymmetric round trips --------------------------------------------------------------

SIGN_FORMS = ("pkcs8_pem", "pkcs8_pem_bytes", "traditional_pem", "jwk", "key_pem", "key_jwk")
VERIFY_FORMS = (
    "spki_pem",
    "spki_pem_bytes",
    "pkcs1_pem",
    "openssh",
    "certificate_pem",
    "private_pem",
    "jwk",
    "private_jwk",
    "jwks",
    "key_pem",
    "key_openssh",
    "key_jwk",
    "key_jwk_json",
    "keyset",
)


def form_exists(alg: str, form: str) -> bool:
    if form in ("traditional_pem", "certificate_pem"):
        return alg != "EdDSA"
    if form == "pkcs1_pem":
        return family(alg) in ("RS", "PS")
    return True


def signing_key(backend: JwtBackend, pair: KeyPair, form: str) -> Any:
    forms: dict[str, Callable[[], Any]] = {
        "pkcs8_pem": lambda: pair.private_pkcs8_pem,
        "pkcs8_pem_bytes": pair.private_pkcs8_pem.encode,
        "traditional_pem": lambda: pair.private_traditional_pem,
        "jwk": lambda: dict(pair.private_jwk),
        "key_pem": lambda: backend.Key.from_pem(pair.private_pkcs8_pem),
        "key_jwk": lambda: backend.Key.from_jwk(dict(pair.private_jwk)),
    }
    return forms[form]()


def verifying_key(backend: JwtBackend, pair: KeyPair, form: str) -> Any:
    forms: dict[str, Callable[[], Any]] = {
        "spki_pem": lambda: pair.public_spki_pem,
        "spki_pem_bytes": pair.public_spki_pem.encode,
        "pkcs1_pem": lambda: pair.public_pkcs1_pem,
        "openssh": lambda: pair.openssh_public,
        "certificate_pem": lambda: pair.certificate_pem,
        "private_pem": lambda: pair.private_pkcs8_pem,
        "jwk": lambda: dict(pair.public_jwk),
        "private_jwk": lambda: dict(pair.private_jwk),
        "jwks": lambda: {"keys": [dict(pair.public_jwk, kid="only")]},
        "key_pem": lambda: backend.Key.from_pem(pair.public_spki_pem),
        "key_openssh": lambda: backend.Key.from_pem(pair.openssh_public),
        "key_jwk": lambda: backend.Key.from_jwk(dict(pair.public_jwk)),
        "key_jwk_json": lambda: backend.Key.from_jwk(json.dumps(pair.public_jwk)),
        "keyset": lambda: backend.KeySet.from_jwks({"keys": [dict(pair.public_jwk, kid="only")]}),
    }
    return forms[form]()


@pytest.mark.parametrize(
    ("alg", "form"),
    [(alg, form) for alg in ASYMMETRIC for form in SIGN_FORMS if form_exists(alg, form)],
)
def test_asymmetric_signing_key_forms(impl: ModuleType, keys: Keys, alg: str, form: str) -> None:
    backend = jwt_backend(impl)
    pair = keys.get(ALG_KEY[alg])
    token = backend.encode(PAYLOAD, signing_key(backend, pair, form), algorithm=alg)
    assert json.loads(header_bytes(token)) == {"alg": alg, "typ": "JWT"}
    assert payload_bytes(token) == compact_json(PAYLOAD)
    assert backend.decode(token, pair.public_spki_pem, algorithms=[alg]) == PAYLOAD


@pytest.mark.parametrize(
    ("alg", "form"),
    [(alg, form) for alg in ASYMMETRIC for form in VERIFY_FORMS if form_exists(alg, form)],
)
def test_asymmetric_verifying_key_forms(impl: ModuleType, keys: Keys, alg: str, form: str) -> None:
    backend = jwt_backend(impl)
    pair = keys.get(ALG_KEY[alg])
    token = backend.encode(PAYLOAD, pair.private_pkcs8_pem, algorithm=alg)
    key = verifying_key(backend, pair, form)
    assert backend.decode(token, key, algorithms=[alg]) == PAYLOAD
    # The same key refuses a token signed by another key of the same kind.
    other = keys.get(ALG_KEY[alg] + "_other")
    forged = backend.encode(PAYLOAD, other.private_pkcs8_pem, algorithm=alg)
    expect(
        InvalidSignatureError,
        "Signature verification failed",
        backend.decode,
        forged,
        key,
        algorithms=[alg],
    )


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_signature_length_and_bytes(impl: ModuleType, keys: Keys, alg: str) -> None:
    backend = jwt_backend(impl)
    if alg in HS_ALGORITHMS:
        sign_key: Any = SECRET
        verify_key: Any = SECRET
    else:
        pair = keys.get(ALG_KEY[alg])
        sign_key, verify_key = pair.private_pkcs8_pem, pair.public_spki_pem
    token = backend.encode(PAYLOAD, sign_key, algorithm=alg)
    complete = backend.decode_complete(token, verify_key, algorithms=[alg])
    assert type(complete["signature"]) is bytes
    assert len(complete["signature"]) == SIGNATURE_BYTES[alg]
    assert complete["signature"] == b64url_decode(segments(token)[2])


@pytest.mark.parametrize("alg", ["RS256", "PS512"])
def test_rsa_3072_round_trip(impl: ModuleType, keys: Keys, alg: str) -> None:
    backend = jwt_backend(impl)
    token = backend.encode(PAYLOAD, keys.rsa3072.private_pkcs8_pem, algorithm=alg)
    assert len(b64url_decode(segments(token)[2])) == 384
    assert backend.decode(token, keys.rsa3072.public_spki_pem, algorithms=[alg]) == PAYLOAD


@pytest.mark.parametrize("alg", ["RS256", "RS512", "EdDSA"])
def test_deterministic_signatures_repeat(impl: ModuleType, keys: Keys, alg: str) -> None:
    backend = jwt_backend(impl)
    key = keys.get(ALG_KEY[alg]).private_pkcs8_pem
    assert backend.encode(PAYLOAD, key, algorithm=alg) == backend.encode(
        PAYLOAD, key, algorithm=alg
    )


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_tokens_cross_between_backends(alg: str) -> None:
    native, twin = both_backends()
    if alg in HS_ALGORITHMS:
        sign_key: Any = SECRET
        verify_key: Any = SECRET
    else:
        pair = material().get(ALG_KEY[alg])
        sign_key, verify_key = pair.private_pkcs8_pem, pair.public_spki_pem
    for maker, checker in ((native, twin), (twin, native)):
        token = maker.encode(PAYLOAD, sign_key, algorithm=alg)
        assert checker.decode(token, verify_key, algorithms=[alg]) == PAYLOAD
    if alg[:2] in ("HS", "RS") or alg == "EdDSA":
        # Header and payload bytes are fixed by the contract and these signatures are
        # deterministic, so the whole token is.
        assert native.encode(PAYLOAD, sign_key, algorithm=alg) == twin.encode(
            PAYLOAD, sign_key, algorithm=alg
        )


def test_decode_accepts_any_of_several_algorithms(impl: ModuleType, keys: Keys) -> None:
    backend = jwt_backend(impl)
    token = backend.encode(PAYLOAD, keys.p256.private_pkcs8_pem, algorithm="ES256")
    allowed = ["RS256", "ES256", "EdDSA"]
    for algorithms in (allowed, tuple(allowed), set(allowed), frozenset(allowed)):
        assert backend.decode(token, keys.p256.public_spki_pem, algorithms=algorithms) == PAYLOAD


# --- What encode writes ------------------------------------------------------------------


def test_header_is_sorted_at_every_level(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    headers = {
        "zeta": {"b": [{"d": 1, "c": 2}], "a": None},
        "kid": "key-1",
        "cty": "example",
    }
    token = backend.encode({"a": 1}, SECRET, headers=headers)
    expected = {"alg": "HS256", "typ": "JWT", **headers}
    assert (
        header_bytes(token) == json.dumps(expected, sort_keys=True, separators=(",", ":")).encode()
    )
    assert backend.get_unverified_header(token) == expected


@pytest.mark.parametrize("typ", [None, ""])
def test_empty_typ_is_removed(impl: ModuleType, typ: Any) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"a": 1}, SECRET, headers={"typ": typ})
    assert header_bytes(token) == b'{"alg":"HS256"}'
    assert backend.decode(token, SECRET, algorithms=["HS256"]) == {"a": 1}


def test_typ_can_be_replaced(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"a": 1}, SECRET, headers={"typ": "at+jwt"})
    assert header_bytes(token) == b'{"alg":"HS256","typ":"at+jwt"}'


def test_headers_alg_wins_over_algorithm(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"a": 1}, SECRET, algorithm="HS256", headers={"alg": "HS512"})
    header, payload, signature = segments(token)
    assert b64url_decode(header) == b'{"alg":"HS512","typ":"JWT"}'
    assert b64url_decode(signature) == hs_sign(f"{header}.{payload}", SECRET, "HS512")
    assert backend.decode(token, SECRET, algorithms=["HS512"]) == {"a": 1}


@pytest.mark.parametrize("alg", [None, "", False, 0])
def test_falsy_headers_alg_gives_the_signing_algorithm(impl: ModuleType, alg: Any) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"a": 1}, SECRET, algorithm="HS384", headers={"alg": alg})
    assert header_bytes(token) == b'{"alg":"HS384","typ":"JWT"}'
    assert backend.decode(token, SECRET, algorithms=["HS384"]) == {"a": 1}


def test_headers_alg_picks_the_key_family(impl: ModuleType, keys: Keys) -> None:
    backend = jwt_backend(impl)
    token = backend.encode(
        {"a": 1}, keys.ed25519.private_pkcs8_pem, algorithm="HS256", headers={"alg": "EdDSA"}
    )
    assert backend.decode(token, keys.ed25519.public_spki_pem, algorithms=["EdDSA"]) == {"a": 1}


def test_kid_and_b64_true_are_written(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"a": 1}, SECRET, headers={"kid": "k1", "b64": True})
    assert header_bytes(token) == b'{"alg":"HS256","b64":true,"kid":"k1","typ":"JWT"}'
    assert backend.decode(token, SECRET, algorithms=["HS256"]) == {"a": 1}


def test_payload_is_written_in_insertion_order(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    payload = {"z": 1, "a": {"y": 2, "b": 3}, "m": [{"k": 1, "c": 2}]}
    token = backend.encode(payload, SECRET)
    assert payload_bytes(token) == b'{"z":1,"a":{"y":2,"b":3},"m":[{"k":1,"c":2}]}'
    decoded = backend.decode(token, SECRET, algorithms=["HS256"])
    assert list(decoded) == ["z", "a", "m"]
    assert list(decoded["a"]) == ["y", "b"]


def test_non_ascii_payload_is_utf8_not_escapes(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"name": "Zoë 東京 \U0001f600"}, SECRET)
    assert payload_bytes(token) == '{"name":"Zoë 東京 \U0001f600"}'.encode()
    assert backend.decode(token, SECRET, algorithms=["HS256"]) == {"name": "Zoë 東京 \U0001f600"}


def test_dict_subclasses_are_payloads(impl: ModuleType) -> None:
    backend = jwt_backend(impl)

    class Claims(dict[str, Any]):
        pass

    for payload in (collections.OrderedDict([("b", 1), ("a", 2)]), Claims(b=1, a=2)):
        token = backend.encode(payload, SECRET)
        assert payload_bytes(token) == b'{"b":1,"a":2}'


def test_time_claims_from_datetimes(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    aware = dt.datetime(2030, 1, 2, 3, 4, 5, 999999, tzinfo=dt.UTC)
    naive = dt.datetime(2020, 6, 7, 8, 9, 10, 123456)
    shifted = dt.datetime(2030, 1, 2, 5, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    payload = {"exp": aware, "iat": naive, "nbf": shifted, "sub": "x"}
    token = backend.encode(payload, SECRET)
    expected_exp = calendar.timegm(aware.utctimetuple())
    expected_iat = calendar.timegm(naive.utctimetuple())
    assert expected_exp == calendar.timegm(shifted.utctimetuple())
    assert (
        payload_bytes(token)
        == (
            f'{{"exp":{expected_exp},"iat":{expected_iat},"nbf":{expected_exp},"sub":"x"}}'
        ).encode()
    )
    # The caller's dict is not changed.
    assert payload == {"exp": aware, "iat": naive, "nbf": shifted, "sub": "x"}
    claims = backend.decode(token, SECRET, algorithms=["HS256"], options={"verify_nbf": False})
    assert claims["exp"] == expected_exp
    assert type(claims["exp"]) is int


def test_other_values_are_written_by_the_package_dumps(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    payload = {
        "auth_time": dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "price": Decimal("12.50"),
        "day": dt.date(2030, 1, 2),
    }
    token = backend.encode(payload, SECRET)
    assert payload_bytes(token) == backend.module.json.dumps(payload)
    assert payload_bytes(token) == (
        b'{"auth_time":"2030-01-02T03:04:05+00:00",'
        b'"id":"12345678-1234-5678-1234-567812345678","price":12.50,"day":"2030-01-02"}'
    )


def test_unserializable_payload_is_a_json_encode_error(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    error = expect(JSONEncodeError, None, backend.encode, {"x": object()}, SECRET)
    assert isinstance(error, TypeError)


@pytest.mark.parametrize("payload", [[], ["a", 1], "x", None, b"{}", 1, (("a", 1),)])
def test_payload_must_be_a_dict(impl: ModuleType, payload: Any) -> None:
    backend = jwt_backend(impl)
    expect(
        TypeError,
        "Expecting a dict object, as JWT only supports JSON objects as payloads.",
        backend.encode,
        payload,
        SECRET,
    )


@pytest.mark.parametrize("iss", [1, None, ["a"], b"a", {"a": 1}])
def test_encode_refuses_non_str_iss(impl: ModuleType, iss: Any) -> None:
    backend = jwt_backend(impl)
    expect(TypeError, "Issuer (iss) must be a string.", backend.encode, {"iss": iss}, SECRET)


@pytest.mark.parametrize("algorithm", [None, 256, b"HS256", ["HS256"]])
def test_encode_algorithm_must_be_a_str(impl: ModuleType, algorithm: Any) -> None:
    backend = jwt_backend(impl)
    expect(TypeError, None, backend.encode, {"a": 1}, SECRET, algorithm=algorithm)


@pytest.mark.parametrize("alg", [256, ["HS256"], True])
def test_encode_headers_alg_must_be_a_str(impl: ModuleType, alg: Any) -> None:
    backend = jwt_backend(impl)
    expect(TypeError, None, backend.encode, {"a": 1}, SECRET, headers={"alg": alg})


UNSUPPORTED = ["none", "None", "NONE", "ES512", "ES256K", "Ed448", "Ed25519", "hs256", "RSA1_5"]


def assert_unsupported_message(error: BaseException, alg: str) -> None:
    message = str(error)
    assert alg in message
    for supported in ALGORITHMS:
        assert supported in message


@pytest.mark.parametrize("alg", UNSUPPORTED)
def test_encode_unsupported_algorithm(impl: ModuleType, alg: str) -> None:
    backend = jwt_backend(impl)
    error = expect(NotImplementedError, None, backend.encode, {"a": 1}, SECRET, algorithm=alg)
    assert_unsupported_message(error, alg)
    error = expect(
        NotImplementedError, None, backend.encode, {"a": 1}, SECRET, headers={"alg": alg}
    )
    assert_unsupported_message(error, alg)


@pytest.mark.parametrize("alg", UNSUPPORTED)
def test_decode_unsupported_algorithm_up_front(impl: ModuleType, alg: str) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"a": 1}, SECRET)
    error = expect(
        NotImplementedError, None, backend.decode, token, SECRET, algorithms=["HS256", alg]
    )
    assert_unsupported_message(error, alg)


@pytest.mark.parametrize("headers", [[("kid", "x")], "kid", ("a",), 1])
def test_headers_must_be_a_dict(impl: ModuleType, headers: Any) -> None:
    backend = jwt_backend(impl)
    expect(TypeError, None, backend.encode, {"a": 1}, SECRET, headers=headers)


@pytest.mark.parametrize("kid", [1, None, ["k"], b"k", {"k": 1}])
def test_encode_kid_must_be_a_str(impl: ModuleType, kid: Any) -> None:
    backend = jwt_backend(impl)
    expect(
        TypeError,
        "Key ID header parameter must be a string",
        backend.encode,
        {"a": 1},
        SECRET,
        headers={"kid": kid},
    )


@pytest.mark.parametrize("b64", [False, None, "true", 0])
def test_encode_refuses_b64_other_than_true(impl: ModuleType, b64: Any) -> None:
    backend = jwt_backend(impl)
    expect(
        ValueError,
        "The b64 header parameter is not supported",
        backend.encode,
        {"a": 1},
        SECRET,
        headers={"b64": b64},
    )


def test_encode_positional_arguments(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"a": 1}, SECRET, "HS384", {"kid": "k"})
    assert header_bytes(token) == b'{"alg":"HS384","kid":"k","typ":"JWT"}'


# --- Keys on encode ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "type_name"),
    [(123, "int"), (None, "NoneType"), (bytearray(b"secret"), "bytearray"), (["k"], "list")],
)
def test_encode_key_type(impl: ModuleType, key: Any, type_name: str) -> None:
    backend = jwt_backend(impl)
    expect(TypeError, KEY_TYPE_MESSAGE.format(type_name), backend.encode, {"a": 1}, key)


@pytest.mark.parametrize(
    ("key", "type_name"),
    [(123, "int"), (None, "NoneType"), (bytearray(b"secret"), "bytearray"), (1.5, "float")],
)
def test_decode_key_type(impl: ModuleType, key: Any, type_name: str) -> None:
    backend = jwt_backend(impl)
    token = craft()
    expect(
        TypeError,
        KEY_TYPE_MESSAGE.format(type_name),
        backend.decode,
        token,
        key,
        algorithms=["HS256"],
    )


def test_key_defaults_to_none(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    expect(
        TypeError,
        KEY_TYPE_MESSAGE.format("NoneType"),
        backend.decode,
        craft(),
        algorithms=["HS256"],
    )


@pytest.mark.parametrize(
    "form", ["spki_pem", "pkcs1_pem", "openssh", "certificate_pem", "jwk", "key_pem", "keyset"]
)
def test_signing_needs_a_private_key(impl: ModuleType, keys: Keys, form: str) -> None:
    backend = jwt_backend(impl)
    key = verifying_key(backend, keys.rsa2048, form)
    expect(InvalidKeyError, None, backend.encode, {"a": 1}, key, algorithm="RS256")


def test_jwk_set_dict_cannot_sign(impl: ModuleType, keys: Keys) -> None:
    backend = jwt_backend(impl)
    jwks = {"keys": [dict(keys.rsa2048.private_jwk, kid="a")]}
    expect(InvalidKeyError, None, backend.encode, {"a": 1}, jwks, algorithm="RS256")
    keyset = backend.KeySet.from_jwks(jwks)
    expect(InvalidKeyError, None, backend.encode, {"a": 1}, keyset, algorithm="RS256")


def test_encrypted_pem_is_refused(impl: ModuleType, keys: Keys) -> None:
    backend = jwt_backend(impl)
    expect(
        InvalidKeyError, None, backend.encode, {"a": 1}, keys.encrypted_rsa_pem, algorithm="RS256"
    )
    expect(
        InvalidKeyError, None, backend.encode, {"a": 1}, keys.encrypted_ec_pem, algorithm="ES256"
    )
    token = backend.encode({"a": 1}, keys.p256.private_pkcs8_pem, algorithm="ES256")
    expect(InvalidKeyError, None, backend.decode, token, keys.encrypted_ec_pem, ["ES256"])
    expect(InvalidKeyError, None, backend.Key.from_pem, keys.encrypted_rsa_pem)


@pytest.mark.parametrize("alg", ASYMMETRIC)
def test_garbage_pem_is_an_invalid_key(impl: ModuleType, alg: str) -> None:
    backend = jwt_backend(impl)
    garbage = "-----BEGIN PUBLIC KEY-----\nAAAAAAAA\n-----END PUBLIC KEY-----\n"
    expect(InvalidKeyError, None, backend.encode, {"a": 1}, garbage, algorithm=alg)
    token = craft({"alg": alg, "typ": "JWT"})
    expect(InvalidKeyError, None, backend.decode, token, garbage, algorithms=[alg])
    expect(InvalidKeyError, None, backend.decode, token, "not a key at all", algorithms=[alg])


# --- decode_complete and get_unverified_header -------------------------------------------


def test_decode_complete(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = backend.encode(PAYLOAD, SECRET, headers={"kid": "k1"})
    complete = backend.decode_complete(token, SECRET, algorithms=["HS256"])
    assert type(complete) is dict
    assert set(complete) == {"header", "payload", "signature"}
    assert complete["header"] == {"alg": "HS256", "kid": "k1", "typ": "JWT"}
    assert complete["payload"] == PAYLOAD
    assert complete["signature"] == b64url_decode(segments(token)[2])
    assert complete["signature"] == hs_sign(token.rsplit(".", 1)[0])


def test_decode_complete_without_verification(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = craft(payload={"a": 1}, key="another secret entirely")
    complete = backend.decode_complete(token, options={"verify_signature": False})
    assert complete["payload"] == {"a": 1}
    assert complete["header"] == {"alg": "HS256", "typ": "JWT"}
    assert complete["signature"] == hs_sign(token.rsplit(".", 1)[0], "another secret entirely")
    assert backend.decode(token, options={"verify_signature": False}) == {"a": 1}
    # algorithms is ignored when the signature is not verified.
    assert backend.decode(token, None, None, {"verify_signature": False}) == {"a": 1}


def test_get_unverified_header(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"a": 1}, SECRET, headers={"kid": "k1", "x5t": "abc"})
    expected = {"alg": "HS256", "kid": "k1", "typ": "JWT", "x5t": "abc"}
    assert backend.get_unverified_header(token) == expected
    assert backend.get_unverified_header(token.encode()) == expected


def test_get_unverified_header_verifies_nothing(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    payload = b64url(b'{"a":1}')
    for header in ({"alg": "none"}, {"alg": "ES512", "x": 1}, {}):
        token = f"{b64url(compact_json(header))}.{payload}.{b64url(b'not a signature')}"
        assert backend.get_unverified_header(token) == header
    # Not even the payload or the signature segment are looked at.
    assert backend.get_unverified_header(f"{b64url(b'{}')}.!!!.***") == {}


def test_get_unverified_header_runs_the_header_rules(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    expect(
        InvalidTokenError,
        "Key ID header parameter must be a string",
        backend.get_unverified_header,
        craft({"alg": "HS256", "kid": 7}),
    )
    expect(
        InvalidTokenError,
        "Unsupported critical extension: exp",
        backend.get_unverified_header,
        craft({"alg": "HS256", "crit": ["exp"]}),
    )
    expect(
        DecodeError,
        "The b64 header parameter is not supported",
        backend.get_unverified_header,
        craft({"alg": "HS256", "b64": False}),
    )
    expect(DecodeError, "Not enough segments", backend.get_unverified_header, "abc.def")
    expect(DecodeError, "Invalid header padding", backend.get_unverified_header, "a+b.c.d")
    expect(
        DecodeError,
        "Invalid header string: must be a json object",
        backend.get_unverified_header,
        craft(b"[]"),
    )


def test_get_unverified_header_has_the_default_size_limit(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = craft()
    token += "A" * (DEFAULT_MAX_TOKEN_BYTES + 1 - len(token))
    expect(
        DecodeError,
        f"Token is {DEFAULT_MAX_TOKEN_BYTES + 1} bytes, more than max_token_bytes "
        f"({DEFAULT_MAX_TOKEN_BYTES})",
        backend.get_unverified_header,
        token,
    )


# --- Key ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "attribute", "kty", "curve", "is_private"),
    [
        ("rsa2048", "private_pkcs8_pem", "RSA", None, True),
        ("rsa2048", "private_traditional_pem", "RSA", None, True),
        ("rsa2048", "public_spki_pem", "RSA", None, False),
        ("rsa2048", "public_pkcs1_pem", "RSA", None, False),
        ("rsa2048", "openssh_public", "RSA", None, False),
        ("rsa2048", "certificate_pem", "RSA", None, False),
        ("rsa3072", "public_spki_pem", "RSA", None, False),
        ("p256", "private_pkcs8_pem", "EC", "P-256", True),
        ("p256", "private_traditional_pem", "EC", "P-256", True),
        ("p256", "public_spki_pem", "EC", "P-256", False),
        ("p256", "openssh_public", "EC", "P-256", False),
        ("p256", "certificate_pem", "EC", "P-256", False),
        ("p384", "private_traditional_pem", "EC", "P-384", True),
        ("p384", "public_spki_pem", "EC", "P-384", False),
        ("p384", "openssh_public", "EC", "P-384", False),
        ("ed25519", "private_pkcs8_pem", "OKP", "Ed25519", True),
        ("ed25519", "public_spki_pem", "OKP", "Ed25519", False),
        ("ed25519", "openssh_public", "OKP", "Ed25519", False),
    ],
)
def test_key_from_pem_attributes(
    impl: ModuleType,
    keys: Keys,
    name: str,
    attribute: str,
    kty: str,
    curve: str | None,
    is_private: bool,
) -> None:
    backend = jwt_backend(impl)
    text = getattr(keys.get(name), attribute)
    key = backend.Key.from_pem(text)
    assert (key.kty, key.curve, key.is_private, key.kid, key.alg) == (
        kty,
        curve,
        is_private,
        None,
        None,
    )
    assert type(key.is_private) is bool


@pytest.mark.parametrize(
    ("name", "kty", "curve"),
    [
        ("rsa2048", "RSA", None),
        ("p256", "EC", "P-256"),
        ("p384", "EC", "P-384"),
        ("ed25519", "OKP", "Ed25519"),
    ],
)
def test_key_from_jwk_attributes(
    impl: ModuleType, keys: Keys, name: str, kty: str, curve: str | None
) -> None:
    backend = jwt_backend(impl)
    pair = keys.get(name)
    public = backend.Key.from_jwk(pair.public_jwk)
    assert (public.kty, public.curve, public.is_private, public.kid, public.alg) == (
        kty,
        curve,
        False,
        None,
        None,
    )
    private = backend.Key.from_jwk(json.dumps(dict(pair.private_jwk, kid="k-7", use="sig")))
    assert (private.kty, private.curve, private.is_private, private.kid, private.alg) == (
        kty,
        curve,
        True,
        "k-7",
        None,
    )
    alg = {"RSA": "PS384", "EC": "ES256" if curve == "P-256" else "ES384", "OKP": "EdDSA"}[kty]
    with_alg = backend.Key.from_jwk(dict(pair.public_jwk, alg=alg))
    assert with_alg.alg == alg


def test_key_from_secret_attributes(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    for key in (
        backend.Key.from_secret(SECRET),
        backend.Key.from_secret(SECRET.encode()),
        backend.Key.from_jwk({"kty": "oct", "k": b64url(SECRET)}),
    ):
        assert (key.kty, key.curve, key.kid, key.alg) == ("oct", None, None, None)
    key = backend.Key.from_jwk({"kty": "oct", "k": b64url(SECRET), "kid": "h", "alg": "HS384"})
    assert (key.kid, key.alg) == ("h", "HS384")


def test_key_attributes_are_read_only(impl: ModuleType, keys: Keys) -> None:
    backend = jwt_backend(impl)
    key = backend.Key.from_jwk(dict(keys.p256.private_jwk, kid="k", alg="ES256"))
    for attribute in ("kty", "curve", "is_private", "kid", "alg"):
        before = getattr(key, attribute)
        with pytest.raises(AttributeError):
            setattr(key, attribute, "changed")
        assert getattr(key, attribute) == before


def material_fragments(key_text: str) -> list[str]:
    """Chunks of the base64 body of a PEM text, any of which in a repr would leak it."""
    body = "".join(line for line in key_text.splitlines() if not line.startswith("-----"))
    return [body[i : i + 16] for i in range(0, len(body) - 16, 16)]


def test_key_repr_shows_no_key_material(impl: ModuleType, keys: Keys) -> None:
    backend = jwt_backend(impl)
    secret = "repr-secret-" + "s" * 40
    cases: list[tuple[Any, list[str]]] = [
        (
            backend.Key.from_secret(secret),
            [secret, b64url(secret), secret.encode().hex(), "s" * 16],
        ),
        (
            backend.Key.from_jwk({"kty": "oct", "k": b64url(secret)}),
            [secret, b64url(secret)[:16], "s" * 16],
        ),
    ]
    for name in ("rsa2048", "p256", "ed25519"):
        pair = keys.get(name)
        private_members = ("d", "p", "q", "dp", "dq", "qi")
        fragments = [v[:16] for k, v in pair.private_jwk.items() if k in private_members]
        cases.append((backend.Key.from_jwk(pair.private_jwk), fragments))
        cases.append(
            (
                backend.Key.from_pem(pair.private_pkcs8_pem),
                material_fragments(pair.private_pkcs8_pem),
            )
        )
    for key, fragments in cases:
        text = repr(key)
        assert text
        for fragment in fragments:
            assert fragment not in text, (text, fragment)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not a key",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        "-----BEGIN RSA PRIVATE KEY-----\nnotbase64!\n-----END RSA PRIVATE KEY-----\n",
        "ssh-rsa AAAA",
        "ssh-ed25519 !!!!",
    ],
)
def test_key_from_pem_refuses_garbage(impl: ModuleType, text: str) -> None:
    backend = jwt_backend(impl)
    expect(InvalidKeyError, None, backend.Key.from_pem, text)


def jwk_refusals() -> list[Any]:
    pair = material()
    rsa_private = dict(pair.rsa2048.private_jwk)
    del rsa_private["qi"]
    return [
        {},
        {"kty": "RSA"},
        {"kty": "RSA", "n": pair.rsa2048.public_jwk["n"]},
        rsa_private,
        {k: v for k, v in pair.p256.public_jwk.items() if k != "y"},
        dict(pair.p256.public_jwk, crv="P-384"),
        dict(pair.p256.public_jwk, x=pair.p256.public_jwk["x"] + "=="),
        dict(pair.p256.public_jwk, x="/" + pair.p256.public_jwk["x"][1:]),
        dict(pair.p256.public_jwk, use="enc"),
        dict(pair.rsa2048.public_jwk, use="enc"),
        {"kty": "oct", "k": ""},
        {"kty": "oct"},
        {"kty": "oct", "k": "a+b/"},
        {"kty": "foo", "k": "AAAA"},
        {"kty": "OKP", "crv": "X25519", "x": b64url(bytes(32))},
        dict(pair.ed448.public_jwk),
        dict(pair.secp256k1.public_jwk),
        dict(pair.p521.public_jwk),
        "{not json",
        "[]",
        '{"keys": []}',
    ]


@pytest.mark.parametrize("jwk", jwk_refusals())
def test_key_from_jwk_refuses_invalid_input(impl: ModuleType, jwk: Any) -> None:
    backend = jwt_backend(impl)
    expect(InvalidKeyError, None, backend.Key.from_jwk, jwk)


@pytest.mark.parametrize("secret", ["", b""])
def test_key_from_secret_refuses_empty(impl: ModuleType, secret: Any) -> None:
    backend = jwt_backend(impl)
    expect(InvalidKeyError, "HMAC key must not be empty.", backend.Key.from_secret, secret)


@pytest.mark.parametrize("constructor", ["from_pem", "from_jwk", "from_secret"])
@pytest.mark.parametrize("argument", [123, None, 1.5, ["x"]])
def test_key_constructor_argument_types(impl: ModuleType, constructor: str, argument: Any) -> None:
    backend = jwt_backend(impl)
    expect(TypeError, None, getattr(backend.Key, constructor), argument)


def test_keyset_from_jwks_argument_type(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    for argument in (123, None, 1.5, ["x"]):
        expect(TypeError, None, backend.KeySet.from_jwks, argument)


def test_key_used_for_the_wrong_family(impl: ModuleType, keys: Keys) -> None:
    backend = jwt_backend(impl)
    oct_key = backend.Key.from_secret(SECRET)
    rsa_key = backend.Key.from_pem(keys.rsa2048.private_pkcs8_pem)
    ec_key = backend.Key.from_pem(keys.p256.private_pkcs8_pem)
    for key, alg in ((oct_key, "RS256"), (oct_key, "EdDSA"), (rsa_key, "ES256")):
        expect(InvalidKeyError, None, backend.encode, {"a": 1}, key, algorithm=alg)
        token = craft({"alg": alg})
        expect(InvalidKeyError, None, backend.decode, token, key, algorithms=[alg])
    for key in (rsa_key, ec_key):
        expect(InvalidKeyError, None, backend.encode, {"a": 1}, key, algorithm="HS256")
        expect(InvalidKeyError, None, backend.decode, craft(), key, algorithms=["HS256"])


def test_jwk_alg_must_match_the_token(impl: ModuleType, keys: Keys) -> None:
    backend = jwt_backend(impl)
    private = dict(keys.rsa2048.private_jwk, alg="RS384")
    public = dict(keys.rsa2048.public_jwk, alg="RS384")
    token = backend.encode({"a": 1}, keys.rsa2048.private_pkcs8_pem, algorithm="RS256")
    message = "Token algorithm 'RS256' does not match the key's algorithm 'RS384'"
    for key in (public, backend.Key.from_jwk(public), private):
        expect(InvalidAlgorithmError, message, backend.decode, token, key, algorithms=["RS256"])
    for key in (private, backend.Key.from_jwk(private)):
        expect(InvalidKeyError, None, backend.encode, {"a": 1}, key, algorithm="RS256")
        good = backend.encode({"a": 1}, key, algorithm="RS384")
        assert backend.decode(good, public, algorithms=["RS384"]) == {"a": 1}


def test_jwk_use_sig_is_accepted(impl: ModuleType, keys: Keys) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"a": 1}, dict(keys.p256.private_jwk, use="sig"), algorithm="ES256")
    public = dict(keys.p256.public_jwk, use="sig")
    assert backend.decode(token, public, algorithms=["ES256"]) == {"a": 1}


def test_jwk_use_enc_is_refused(impl: ModuleType, keys: Keys) -> None:
    backend = jwt_backend(impl)
    expect(
        InvalidKeyError,
        None,
        backend.encode,
        {"a": 1},
        dict(keys.p256.private_jwk, use="enc"),
        algorithm="ES256",
    )
    token = backend.encode({"a": 1}, keys.p256.private_pkcs8_pem, algorithm="ES256")
    public = dict(keys.p256.public_jwk, use="enc")
    expect(InvalidKeyError, None, backend.decode, token, public, algorithms=["ES256"])


# --- KeySet ------------------------------------------------------------------------------


def jwks(keys: Keys) -> dict[str, Any]:
    return {
        "keys": [
            dict(keys.rsa2048.public_jwk, kid="rsa-a", use="sig"),
            dict(keys.rsa2048_other.public_jwk, kid="rsa-b"),
            dict(keys.p256.public_jwk, kid="ec"),
            {"kty": "oct", "k": b64url(SECRET), "kid": "hmac"},
            # Unusable entries, skipped:
            {"kty": "foo", "kid": "unknown-kty"},
            dict(keys.p521.public_jwk, kid="p521"),
            dict(keys.ed448.public_jwk, kid="ed448"),
            dict(keys.p384.public_jwk, kid="enc", use="enc"),
            {"kty": "RSA", "kid": "malformed", "e": "AQAB"},
            "not even a dict",
        ]
    }


def test_keyset_contents(impl: ModuleType, keys: Keys) -> None:
    backend = jwt_backend(impl)
    for source in (jwks(keys), json.dumps(jwks(keys))):
        keyset = backend.KeySet.from_jwks(source)
        assert len(keyset) == 4
        assert type(keyset.keys) is list
        assert [key.kid for key in keyset.keys] == ["rsa-a", "rsa-b", "ec", "hmac"]
        assert all(isinstance(key, backend.Key) for key in keyset.keys)
        found = keyset.get("ec")
        assert isinstance(found, backend.Key)
        assert (found.kty, found.curve, found.kid) == ("EC", "P-256", "ec")
        for kid in ("nope", "enc", "p521", "malformed", "unknown-kty"):
            assert keyset.get(kid) is None


@pytest.mark.parametrize("as_keyset", [False, True], ids=["dict", "KeySet"])
def test_jwk_set_picks_the_key_by_kid(impl: ModuleType, keys: Keys, as_keyset: bool) -> None:
    backend = jwt_backend(impl)
    key: Any = backend.KeySet.from_jwks(jwks(keys)) if as_keyset else jwks(keys)
    signed_b = backend.encode(
        {"a": 1}, keys.rsa2048_other.private_pkcs8_pem, "RS256", {"kid": "rsa-b"}
    )
    assert backend.decode(signed_b, key, algorithms=["RS256"]) == {"a": 1}
    claimed_a = backend.encode(
        {"a": 1}, keys.rsa2048_other.private_pkcs8_pem, "RS256", {"kid": "rsa-a"}
    )
    expect(
        InvalidSignatureError,
        "Signature verification failed",
        backend.decode,
        claimed_a,
        key,
        algorithms=["RS256"],
    )
    es = backend.encode({"a": 1}, keys.p256.private_pkcs8_pem, "ES256", {"kid": "ec"})
    assert backend.decode(es, key, algorithms=["ES256"]) == {"a": 1}
    hs = backend.encode({"a": 1}, SECRET, "HS256", {"kid": "hmac"})
    assert backend.decode(hs, key, algorithms=["HS256"]) == {"a": 1}
    # The key under the token's kid is of the wrong family for the token's alg.
    wrong = craft({"alg": "ES256", "kid": "rsa-a"})
    expect(InvalidKeyError, None, backend.decode, wrong, key, algorithms=["ES256"])
    for kid in ("missing", "enc", "p521"):
        token = backend.encode({"a": 1}, SECRET, "HS256", {"kid": kid})
        expect(
            DecodeError,
            f'No key in the JWK set has kid "{kid}"',
            backend.decode,
            token,
            key,
            algorithms=["HS256"],
        )
    expect(
        DecodeError,
        "The token has no kid header and the JWK set holds 4 keys",
        backend.decode,
        backend.encode({"a": 1}, SECRET),
        key,
        algorithms=["HS256"],
    )


def test_token_without_kid_and_a_single_usable_key(impl: ModuleType, keys: Keys) -> None:
    backend = jwt_backend(impl)
    only = {"keys": [dict(keys.ed25519.public_jwk), {"kty": "foo"}, dict(keys.ed448.public_jwk)]}
    token = backend.encode({"a": 1}, keys.ed25519.private_pkcs8_pem, algorithm="EdDSA")
    assert backend.decode(token, only, algorithms=["EdDSA"]) == {"a": 1}
    keyset = backend.KeySet.from_jwks(only)
    assert len(keyset) == 1
    assert backend.decode(token, keyset, algorithms=["EdDSA"]) == {"a": 1}


@pytest.mark.parametrize(
    "source",
    [
        {"keys": []},
        {"keys": [{"kty": "foo"}, {"kty": "EC", "crv": "P-521", "x": "AA", "y": "AA"}]},
        '{"keys": [{"kty": "oct", "k": "AA", "use": "enc"}]}',
    ],
)
def test_jwk_set_without_a_usable_key(impl: ModuleType, source: Any) -> None:
    backend = jwt_backend(impl)
    expect(InvalidKeyError, None, backend.KeySet.from_jwks, source)
    if isinstance(source, dict):
        token = backend.encode({"a": 1}, SECRET, headers={"kid": "x"})
        expect(InvalidKeyError, None, backend.decode, token, source, algorithms=["HS256"])


# --- decode's arguments ------------------------------------------------------------------


def test_decode_positional_arguments(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"sub": "s", "aud": "a", "iss": "i"}, SECRET)
    claims = backend.decode(token, SECRET, ["HS256"], None, "a", "i", "s", 0, 1000)
    assert claims == {"sub": "s", "aud": "a", "iss": "i"}
    complete = backend.decode_complete(token, SECRET, ["HS256"], None, "a", "i", "s", 0, 1000)
    assert complete["payload"] == claims


@pytest.mark.parametrize("call", ["decode", "decode_complete"])
def test_unknown_keyword_argument(impl: ModuleType, call: str) -> None:
    backend = jwt_backend(impl)
    for keyword in ("verify", "json_decoder", "detached_payload", "algorithm"):
        expect(
            TypeError,
            None,
            getattr(backend, call),
            craft(),
            SECRET,
            algorithms=["HS256"],
            **{keyword: None},
        )


ALGORITHMS_REQUIRED = (
    'It is required that you pass in a value for the "algorithms" argument when calling decode().'
)


@pytest.mark.parametrize("algorithms", [None, [], (), set(), frozenset()])
def test_algorithms_are_required(impl: ModuleType, algorithms: Any) -> None:
    backend = jwt_backend(impl)
    token = craft()
    expect(DecodeError, ALGORITHMS_REQUIRED, backend.decode, token, SECRET, algorithms=algorithms)
    expect(
        DecodeError,
        ALGORITHMS_REQUIRED,
        backend.decode_complete,
        token,
        SECRET,
        algorithms=algorithms,
    )


def test_algorithms_default_is_required(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    expect(DecodeError, ALGORITHMS_REQUIRED, backend.decode, craft(), SECRET)


@pytest.mark.parametrize(
    "algorithms",
    ["HS256", b"HS256", [b"HS256"], ["HS256", None], {"HS256": True}, 256, ["HS256", 1]],
)
def test_algorithms_must_be_a_collection_of_str(impl: ModuleType, algorithms: Any) -> None:
    backend = jwt_backend(impl)
    expect(TypeError, None, backend.decode, craft(), SECRET, algorithms=algorithms)


def test_algorithms_as_a_generator_is_a_type_error(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    expect(
        TypeError,
        None,
        backend.decode,
        craft(),
        SECRET,
        algorithms=(alg for alg in ["HS256"]),
    )


@pytest.mark.parametrize("options", [[], "verify_exp", ("verify_exp", False), 1])
def test_options_must_be_a_dict(impl: ModuleType, options: Any) -> None:
    backend = jwt_backend(impl)
    expect(TypeError, None, backend.decode, craft(), SECRET, ["HS256"], options)


@pytest.mark.parametrize("name", ["verify_expp", "verify", "leeway", "VERIFY_EXP", "audience"])
def test_unknown_option_is_a_type_error(impl: ModuleType, name: str) -> None:
    backend = jwt_backend(impl)
    error = expect(
        TypeError, None, backend.decode, craft(), SECRET, ["HS256"], options={name: False}
    )
    assert str(error).startswith(f"Unknown option {name!r}; known: ")
    for known in ("verify_signature", "verify_exp", "require", "strict_aud"):
        assert known in str(error)


def test_unknown_option_is_refused_even_without_verification(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    error = expect(
        TypeError,
        None,
        backend.decode,
        craft(),
        options={"verify_signature": False, "verify_expp": True},
    )
    assert str(error).startswith("Unknown option 'verify_expp'; known: ")


@pytest.mark.parametrize(
    "options",
    [
        {"verify_signature": 0},
        {"verify_exp": 1},
        {"verify_nbf": "yes"},
        {"verify_iat": None},
        {"verify_aud": 1.0},
        {"verify_iss": []},
        {"verify_sub": "False"},
        {"verify_jti": 0},
        {"strict_aud": 1},
        {"enforce_minimum_key_length": "no"},
        {"require": "exp"},
        {"require": ["exp", 1]},
        {"require": {"exp"}},
        {"require": None},
        {"require": [b"exp"]},
    ],
)
def test_option_value_types(impl: ModuleType, options: dict[str, Any]) -> None:
    backend = jwt_backend(impl)
    expect(TypeError, None, backend.decode, craft(), SECRET, ["HS256"], options)


def test_valid_options_are_accepted(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    options = {
        "verify_signature": True,
        "verify_exp": True,
        "verify_nbf": True,
        "verify_iat": True,
        "verify_aud": True,
        "verify_iss": True,
        "verify_sub": True,
        "verify_jti": True,
        "require": ("sub",),
        "strict_aud": False,
        "enforce_minimum_key_length": True,
    }
    token = craft(payload={"sub": "x"})
    assert backend.decode(token, SECRET, ["HS256"], options) == {"sub": "x"}
    options["enforce_minimum_key_length"] = False
    options["require"] = ["sub"]
    assert backend.decode(token, SECRET, ["HS256"], options) == {"sub": "x"}


@pytest.mark.parametrize("leeway", [True, False, "1", None, b"1", [1], 1j])
def test_leeway_type(impl: ModuleType, leeway: Any) -> None:
    backend = jwt_backend(impl)
    expect(TypeError, None, backend.decode, craft(), SECRET, ["HS256"], leeway=leeway)


def test_leeway_nan(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    expect(ValueError, None, backend.decode, craft(), SECRET, ["HS256"], leeway=float("nan"))


@pytest.mark.parametrize("leeway", [0, 5, 1.5, dt.timedelta(seconds=3), -1, 0.0])
def test_leeway_accepted_types(impl: ModuleType, leeway: Any) -> None:
    backend = jwt_backend(impl)
    assert backend.decode(craft(payload={"a": 1}), SECRET, ["HS256"], leeway=leeway) == {"a": 1}


@pytest.mark.parametrize("audience", [b"aud", 1, ["a", 1], [b"a"], ("a", None), 1.5])
def test_audience_type(impl: ModuleType, audience: Any) -> None:
    backend = jwt_backend(impl)
    token = craft(payload={"aud": "a"})
    expect(TypeError, None, backend.decode, token, SECRET, ["HS256"], audience=audience)


@pytest.mark.parametrize("audience", ["a", ["a"], ("x", "a"), {"a"}, frozenset({"a", "b"})])
def test_audience_accepted_types(impl: ModuleType, audience: Any) -> None:
    backend = jwt_backend(impl)
    token = craft(payload={"aud": "a"})
    assert backend.decode(token, SECRET, ["HS256"], audience=audience) == {"aud": "a"}


@pytest.mark.parametrize("issuer", [b"iss", 1, ["a", 1], (None,)])
def test_issuer_type(impl: ModuleType, issuer: Any) -> None:
    backend = jwt_backend(impl)
    token = craft(payload={"iss": "a"})
    expect(TypeError, None, backend.decode, token, SECRET, ["HS256"], issuer=issuer)


@pytest.mark.parametrize("subject", [b"sub", 1, ["a"], ("a",)])
def test_subject_type(impl: ModuleType, subject: Any) -> None:
    backend = jwt_backend(impl)
    token = craft(payload={"sub": "a"})
    expect(TypeError, None, backend.decode, token, SECRET, ["HS256"], subject=subject)


@pytest.mark.parametrize(("limit", "cls"), [(0, ValueError), (-1, ValueError)])
def test_max_token_bytes_must_be_positive(
    impl: ModuleType, limit: int, cls: type[Exception]
) -> None:
    backend = jwt_backend(impl)
    expect(cls, None, backend.decode, craft(), SECRET, ["HS256"], max_token_bytes=limit)


@pytest.mark.parametrize("limit", [1000.0, "1000", None, b"1000"])
def test_max_token_bytes_must_be_an_int(impl: ModuleType, limit: Any) -> None:
    backend = jwt_backend(impl)
    expect(TypeError, None, backend.decode, craft(), SECRET, ["HS256"], max_token_bytes=limit)


@pytest.mark.parametrize(
    ("token", "type_name"),
    [
        (123, "int"),
        (None, "NoneType"),
        (bytearray(b"a.b.c"), "bytearray"),
        (["a", "b", "c"], "list"),
        (memoryview(b"a.b.c"), "memoryview"),
    ],
)
def test_token_type(impl: ModuleType, token: Any, type_name: str) -> None:
    backend = jwt_backend(impl)
    message = f"Invalid token type: expected str or bytes, got {type_name}"
    expect(DecodeError, message, backend.decode, token, SECRET, algorithms=["HS256"])
    expect(DecodeError, message, backend.decode_complete, token, SECRET, algorithms=["HS256"])


def test_arguments_are_checked_before_the_token(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    garbage = "x" * 300
    # options before algorithms
    expect(TypeError, None, backend.decode, garbage, SECRET, None, {"verify_expp": True})
    # algorithms before the token's type, size and segments
    expect(DecodeError, ALGORITHMS_REQUIRED, backend.decode, 123, SECRET)
    expect(DecodeError, ALGORITHMS_REQUIRED, backend.decode, garbage, SECRET, max_token_bytes=10)
    expect(TypeError, None, backend.decode, 123, SECRET, algorithms="HS256")
    # the other arguments before the token
    expect(TypeError, None, backend.decode, 123, SECRET, ["HS256"], leeway="1")
    expect(TypeError, None, backend.decode, garbage, SECRET, ["HS256"], audience=1)
    expect(TypeError, None, backend.decode, garbage, SECRET, ["HS256"], issuer=1)
    expect(TypeError, None, backend.decode, garbage, SECRET, ["HS256"], subject=1)
    expect(ValueError, None, backend.decode, 123, SECRET, ["HS256"], max_token_bytes=0)
    expect(NotImplementedError, None, backend.decode, 123, SECRET, ["none"])


# --- Properties --------------------------------------------------------------------------

# Random nested documents are costly to draw; 100 per backend keep this file fast.
ROUND_TRIP_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    # too_slow measures wall time: a loaded machine must not fail a test.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RESERVED = {"exp", "nbf", "iat", "aud", "iss", "sub", "jti"}
safe_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | safe_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(safe_text, children, max_size=4)
    ),
    max_leaves=8,
)
payloads = st.dictionaries(
    safe_text.filter(lambda key: key not in RESERVED), json_values, max_size=6
)


@ROUND_TRIP_SETTINGS
@given(payload=payloads, alg=st.sampled_from(HS_ALGORITHMS))
def test_random_payloads_round_trip(impl: ModuleType, payload: dict[str, Any], alg: str) -> None:
    backend = jwt_backend(impl)
    token = backend.encode(payload, SECRET, algorithm=alg)
    assert_strict_equal(backend.decode(token, SECRET, algorithms=[alg]), payload)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    payload=payloads,
    alg=st.sampled_from(HS_ALGORITHMS),
    secret=st.binary(min_size=1, max_size=80) | st.text(min_size=1, max_size=40),
    headers=st.none()
    | st.fixed_dictionaries({}, optional={"kid": safe_text, "cty": safe_text, "x": json_values}),
)
def test_hmac_tokens_match_across_backends(
    payload: dict[str, Any], alg: str, secret: bytes | str, headers: dict[str, Any] | None
) -> None:
    native, twin = both_backends()
    native_result = outcome(native.encode, payload, secret, alg, headers)
    assert native_result == outcome(twin.encode, payload, secret, alg, headers)
    if native_result[0] == "ok":
        token = native_result[1]
        expected = {"alg": alg, "typ": "JWT", **(headers or {})}
        assert json.loads(header_bytes(token)) == expected
        assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", token)
