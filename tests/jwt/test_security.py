"""JWT tokens an attacker can send, on both backends (docs/JWT.md, "The token" and "Keys"):
each check raises exactly its class (not a subclass, not a parent) and, where the contract
quotes one, exactly its message.

Malicious tokens are built by hand (tests.support.jwt_backend.craft) and carry a valid
HMAC signature, so the check under test is the one that fires. The claim rules (exp, nbf,
iat, aud, iss, sub, jti, leeway, the exp == now boundary) are in test_claims.py."""

from __future__ import annotations

import base64
import contextlib
import string
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from covet_rust_core._jwt_errors import (
    DecodeError,
    InvalidAlgorithmError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidTokenError,
)
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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

B64_ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
ASYMMETRIC_MESSAGE = (
    "The specified key is an asymmetric key or x509 certificate and should not be used as an "
    "HMAC secret."
)
JWK_MESSAGE = (
    "The specified key looks like a JWK and should not be used directly as an HMAC secret. "
    "Load it with jwt.Key.from_jwk first."
)
NOT_ALLOWED = "The specified alg value is not allowed"
BAD_SIGNATURE = "Signature verification failed"
ALGORITHMS_REQUIRED = (
    'It is required that you pass in a value for the "algorithms" argument when calling decode().'
)


def decode(backend: JwtBackend, token: Any, key: Any = SECRET, **kwargs: Any) -> Any:
    kwargs.setdefault("algorithms", ["HS256"])
    return backend.decode(token, key, **kwargs)


def json_error(backend: JwtBackend, raw: bytes) -> str:
    """The package's JSON error message for this document (embedded in the DecodeErrors):
    a JSONDecodeError's, or the ValueError of CPython's limit on int digits."""
    try:
        backend.loads(raw)
    except ValueError as error:  # JSONDecodeError is one
        return str(error)
    raise AssertionError(f"{raw[:50]!r} is valid JSON")


def keys_for(alg: str) -> tuple[Any, Any]:
    """(signing key, verifying key) for an algorithm."""
    if alg in HS_ALGORITHMS:
        return SECRET, SECRET
    pair = material().get(ALG_KEY[alg])
    return pair.private_pkcs8_pem, pair.public_spki_pem


# --- algorithms --------------------------------------------------------------------------


@pytest.mark.parametrize("algorithms", ["omitted", None, [], ()])
def test_algorithms_omitted(impl: ModuleType, algorithms: Any) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"a": 1}, SECRET)
    if algorithms == "omitted":
        expect(DecodeError, ALGORITHMS_REQUIRED, backend.decode, token, SECRET)
        expect(DecodeError, ALGORITHMS_REQUIRED, backend.decode_complete, token, SECRET)
    else:
        expect(DecodeError, ALGORITHMS_REQUIRED, backend.decode, token, SECRET, algorithms)


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
@pytest.mark.parametrize("signature", ["empty", "hmac"])
def test_alg_none_is_never_accepted(impl: ModuleType, alg: str, signature: str) -> None:
    backend = jwt_backend(impl)
    token = craft({"alg": alg, "typ": "JWT"}, {"admin": True})
    if signature == "empty":
        token = token.rsplit(".", 1)[0] + "."
    expect(InvalidAlgorithmError, NOT_ALLOWED, decode, backend, token)
    expect(InvalidAlgorithmError, NOT_ALLOWED, decode, backend, token, algorithms=ALGORITHMS)
    expect(NotImplementedError, None, decode, backend, token, algorithms=[alg])
    expect(NotImplementedError, None, backend.encode, {"a": 1}, SECRET, algorithm=alg)


def test_alg_missing(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    for header in ({}, {"typ": "JWT"}, {"ALG": "HS256"}):
        expect(
            InvalidAlgorithmError,
            "Algorithm not specified",
            decode,
            backend,
            craft(header),
        )


@pytest.mark.parametrize("alg", [256, None, ["HS256"], {"HS256": 1}, True, 0, ""])
def test_alg_not_a_string(impl: ModuleType, alg: Any) -> None:
    backend = jwt_backend(impl)
    expect(InvalidAlgorithmError, NOT_ALLOWED, decode, backend, craft({"alg": alg}))


@pytest.mark.parametrize(
    ("alg", "algorithms"),
    [
        ("HS384", ["HS256"]),
        ("HS256", ["HS384", "HS512"]),
        ("hs256", ["HS256"]),
        ("HS256 ", ["HS256"]),
        (" HS256", ["HS256"]),
        ("HS2", ["HS256"]),
        ("RS256", ["HS256"]),
        ("ES512", ["HS256", "ES256"]),
        ("ES256K", ALGORITHMS),
        ("Ed448", ALGORITHMS),
        ("HS256\x00", ["HS256"]),
    ],
)
def test_alg_not_in_the_allow_list(impl: ModuleType, alg: str, algorithms: Any) -> None:
    backend = jwt_backend(impl)
    # A token-caused problem is a token error, never NotImplementedError.
    token = craft({"alg": alg})
    expect(InvalidAlgorithmError, NOT_ALLOWED, decode, backend, token, algorithms=algorithms)


def test_alg_check_comes_before_the_key(impl: ModuleType, keys: Keys) -> None:
    backend = jwt_backend(impl)
    token = craft({"alg": "RS256"})
    for key in (keys.rsa2048.public_spki_pem, "", 12345, {"kty": "foo"}):
        expect(InvalidAlgorithmError, NOT_ALLOWED, decode, backend, token, key)


def test_header_rules_come_before_the_alg(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = craft({"alg": "none", "kid": 5})
    expect(InvalidTokenError, "Key ID header parameter must be a string", decode, backend, token)


# --- tampering ---------------------------------------------------------------------------


def flip_bit(segment: str, byte: int = 0) -> str:
    raw = bytearray(b64url_decode(segment))
    raw[byte] ^= 0x01
    return b64url(bytes(raw))


@pytest.mark.parametrize("alg", ALGORITHMS)
@pytest.mark.parametrize("part", ["header", "payload", "signature", "signature_end"])
def test_tampered_token(impl: ModuleType, alg: str, part: str) -> None:
    backend = jwt_backend(impl)
    sign_key, verify_key = keys_for(alg)
    token = backend.encode({"sub": "user", "admin": False}, sign_key, algorithm=alg)
    header, payload, signature = token.split(".")
    if part == "header":
        header = b64url(compact_json({"alg": alg, "typ": "JWT", "kid": "x"}))
    elif part == "payload":
        payload = b64url(compact_json({"sub": "user", "admin": True}))
    elif part == "signature":
        signature = flip_bit(signature)
    else:
        signature = flip_bit(signature, -1)
    tampered = f"{header}.{payload}.{signature}"
    expect(InvalidSignatureError, BAD_SIGNATURE, backend.decode, tampered, verify_key, [alg])


@pytest.mark.parametrize("alg", ALGORITHMS)
@pytest.mark.parametrize("change", ["empty", "one_byte_short", "one_byte_long", "half", "zeros"])
def test_wrong_length_signature(impl: ModuleType, alg: str, change: str) -> None:
    backend = jwt_backend(impl)
    sign_key, verify_key = keys_for(alg)
    token = backend.encode({"a": 1}, sign_key, algorithm=alg)
    signing_input, signature = token.rsplit(".", 1)
    raw = b64url_decode(signature)
    changed = {
        "empty": b"",
        "one_byte_short": raw[:-1],
        "one_byte_long": raw + b"\x00",
        "half": raw[: len(raw) // 2],
        "zeros": bytes(len(raw)),
    }[change]
    forged = f"{signing_input}.{b64url(changed)}"
    expect(InvalidSignatureError, BAD_SIGNATURE, backend.decode, forged, verify_key, [alg])


def test_empty_signature_segment(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = craft()
    unsigned = token.rsplit(".", 1)[0] + "."
    expect(InvalidSignatureError, BAD_SIGNATURE, decode, backend, unsigned)


def test_der_ecdsa_signature_is_refused(impl: ModuleType, keys: Keys) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"a": 1}, keys.p256.private_pkcs8_pem, algorithm="ES256")
    signing_input = token.rsplit(".", 1)[0]
    assert isinstance(keys.p256.private, ec.EllipticCurvePrivateKey)
    der = keys.p256.private.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
    forged = f"{signing_input}.{b64url(der)}"
    expect(
        InvalidSignatureError,
        BAD_SIGNATURE,
        backend.decode,
        forged,
        keys.p256.public_spki_pem,
        ["ES256"],
    )


def test_signature_from_another_algorithm_of_the_family(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"a": 1}, SECRET, algorithm="HS512")
    _, payload, signature = token.split(".")
    relabelled = sign_segments(b64url(b'{"alg":"HS256","typ":"JWT"}'), payload)
    relabelled = relabelled.rsplit(".", 1)[0] + "." + signature
    expect(InvalidSignatureError, BAD_SIGNATURE, decode, backend, relabelled)


def test_signing_input_is_the_segments_as_sent(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    # A header segment with padding: the signature covers the padded text.
    header = b64url(b'{"alg":"HS256"} ')
    assert len(header) % 4 == 2
    payload = b64url(b'{"a":1}')
    padded = sign_segments(header + "==", payload)
    assert decode(backend, padded) == {"a": 1}
    # The same segments signed without the padding do not verify with it.
    unpadded_signature = sign_segments(header, payload).rsplit(".", 1)[1]
    mixed = f"{header}==.{payload}.{unpadded_signature}"
    expect(InvalidSignatureError, BAD_SIGNATURE, decode, backend, mixed)


def test_signature_is_checked_before_the_payload(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    header = b64url(b'{"alg":"HS256"}')
    unsigned = f"{header}.a+b.{b64url(b'x' * 32)}"
    expect(InvalidSignatureError, BAD_SIGNATURE, decode, backend, unsigned)
    signed = sign_segments(header, "a+b")
    expect(DecodeError, "Invalid payload padding", decode, backend, signed)


# --- segments ----------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["", "abc", "abc.def", ".", "eyJhbGciOiJIUzI1NiJ9.e30"])
def test_not_enough_segments(impl: ModuleType, token: str) -> None:
    backend = jwt_backend(impl)
    expect(DecodeError, "Not enough segments", decode, backend, token)
    expect(DecodeError, "Not enough segments", decode, backend, token.encode())


def test_too_many_segments(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = craft()
    for bad in (token + ".", token + ".e30", "a.b.c.d.e", "...", token + "." + token):
        expect(DecodeError, "Too many segments", decode, backend, bad)
        expect(DecodeError, "Too many segments", decode, backend, bad.encode())


# --- base64url ---------------------------------------------------------------------------

LOCATIONS = {"header": "Invalid header padding", "payload": "Invalid payload padding"}


def json_bytes_with_b64_tail(base: dict[str, Any], remainder: int) -> bytes:
    """Compact JSON of ``base`` plus a filler member, with ``len % 3 == remainder``."""
    for size in range(3):
        raw = compact_json({**base, "f": "x" * size})
        if len(raw) % 3 == remainder:
            return raw
    raise AssertionError("unreachable")


def noncanonical(segment: str) -> str:
    """The same bytes spelled with non-zero unused trailing bits (a lenient decoder agrees)."""
    assert len(segment) % 4 in (2, 3), segment
    last = B64_ALPHABET.index(segment[-1])
    assert last & 0b11 == 0
    spelled = segment[:-1] + B64_ALPHABET[last | 1]
    assert base64.urlsafe_b64decode(spelled + "==") == b64url_decode(segment)
    return spelled


def token_with(location: str, spelled: Callable[[str], str], remainder: int = 1) -> str:
    """A signed token whose header or payload segment is respelled by ``spelled``."""
    header = b64url(json_bytes_with_b64_tail({"alg": "HS256"}, remainder))
    payload = b64url(json_bytes_with_b64_tail({"sub": "s"}, remainder))
    if location == "header":
        header = spelled(header)
    else:
        payload = spelled(payload)
    return sign_segments(header, payload)


@pytest.mark.parametrize("location", LOCATIONS)
@pytest.mark.parametrize("remainder", [1, 2])
def test_noncanonical_trailing_bits(impl: ModuleType, location: str, remainder: int) -> None:
    backend = jwt_backend(impl)
    token = token_with(location, noncanonical, remainder)
    expect(DecodeError, LOCATIONS[location], decode, backend, token)


@pytest.mark.parametrize("alg", ["HS256", "HS512", "ES256", "EdDSA", "RS256"])
def test_noncanonical_signature(impl: ModuleType, alg: str) -> None:
    backend = jwt_backend(impl)
    sign_key, verify_key = keys_for(alg)
    token = backend.encode({"a": 1}, sign_key, algorithm=alg)
    signing_input, signature = token.rsplit(".", 1)
    if len(signature) % 4 == 0:  # RS256 over 2048 bits: 342 characters, 2 spare bits
        pytest.fail(f"{alg} signature has no spare bits")
    forged = f"{signing_input}.{noncanonical(signature)}"
    expect(DecodeError, "Invalid signature padding", backend.decode, forged, verify_key, [alg])


BAD_CHARACTERS = ["+", "/", " ", "\n", "\t", "\r", "\x00", "é", "$", "%", "\\", "*", "~"]


@pytest.mark.parametrize("location", LOCATIONS)
@pytest.mark.parametrize("character", BAD_CHARACTERS)
def test_characters_outside_the_alphabet(impl: ModuleType, location: str, character: str) -> None:
    backend = jwt_backend(impl)
    token = token_with(location, lambda segment: segment[:4] + character + segment[4:])
    expect(DecodeError, LOCATIONS[location], decode, backend, token)
    token = token_with(location, lambda segment: segment + character)
    expect(DecodeError, LOCATIONS[location], decode, backend, token)


@pytest.mark.parametrize("character", [*BAD_CHARACTERS, "="])
def test_characters_outside_the_alphabet_in_the_signature(impl: ModuleType, character: str) -> None:
    backend = jwt_backend(impl)
    signing_input, signature = craft().rsplit(".", 1)
    for forged in (signature[:4] + character + signature[4:], character + signature):
        expect(
            DecodeError, "Invalid signature padding", decode, backend, f"{signing_input}.{forged}"
        )


def test_standard_alphabet_is_refused(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    # A payload whose base64url has '-' and '_', sent in the standard alphabet.
    segment = b64url(b'{"sub":"\xfb\xff\xfe>?"}')
    assert "-" in segment
    assert "_" in segment
    standard = segment.replace("-", "+").replace("_", "/")
    token = sign_segments(b64url(b'{"alg":"HS256"}'), standard)
    expect(DecodeError, "Invalid payload padding", decode, backend, token)


def test_bytes_token_with_non_ascii(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = craft().encode()
    expect(DecodeError, "Invalid header padding", decode, backend, b"\xff" + token)
    signing_input = token.split(b".")[0] + b".e30\xff"
    signed = signing_input + b"." + b64url(hs_sign(signing_input)).encode()
    expect(DecodeError, "Invalid payload padding", decode, backend, signed)
    expect(DecodeError, "Invalid signature padding", decode, backend, token + b"\xc3\xa9")


@pytest.mark.parametrize("location", LOCATIONS)
def test_length_one_mod_four(impl: ModuleType, location: str) -> None:
    backend = jwt_backend(impl)

    def lengthen(segment: str) -> str:
        return segment + "A" * ((1 - len(segment)) % 4)

    expect(DecodeError, LOCATIONS[location], decode, backend, token_with(location, lengthen))


def test_length_one_mod_four_signature(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    signing_input, signature = craft().rsplit(".", 1)
    assert len(signature) % 4 == 3
    forged = f"{signing_input}.{signature}AA"
    expect(DecodeError, "Invalid signature padding", decode, backend, forged)


@pytest.mark.parametrize("location", LOCATIONS)
@pytest.mark.parametrize("remainder", [1, 2])
def test_correct_padding_is_accepted(impl: ModuleType, location: str, remainder: int) -> None:
    backend = jwt_backend(impl)
    token = token_with(location, lambda segment: segment + "=" * (-len(segment) % 4), remainder)
    assert decode(backend, token)["sub"] == "s"
    signing_input, signature = token.rsplit(".", 1)
    assert len(signature) % 4 == 3
    assert decode(backend, f"{signing_input}.{signature}=")["sub"] == "s"


@pytest.mark.parametrize("location", LOCATIONS)
@pytest.mark.parametrize(
    ("remainder", "padding"),
    [(1, "="), (1, "==="), (2, "=="), (2, "==="), (0, "="), (0, "=="), (0, "====")],
)
def test_wrong_padding_is_refused(
    impl: ModuleType, location: str, remainder: int, padding: str
) -> None:
    backend = jwt_backend(impl)
    token = token_with(location, lambda segment: segment + padding, remainder)
    expect(DecodeError, LOCATIONS[location], decode, backend, token)


@pytest.mark.parametrize("location", LOCATIONS)
def test_padding_inside_a_segment_is_refused(impl: ModuleType, location: str) -> None:
    backend = jwt_backend(impl)
    token = token_with(location, lambda segment: segment[:4] + "=" + segment[4:])
    expect(DecodeError, LOCATIONS[location], decode, backend, token)
    token = token_with(location, lambda segment: "=" + segment)
    expect(DecodeError, LOCATIONS[location], decode, backend, token)


def test_wrong_signature_padding_is_refused(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    signing_input, signature = craft().rsplit(".", 1)
    for padding in ("==", "===", "===="):
        forged = f"{signing_input}.{signature}{padding}"
        expect(DecodeError, "Invalid signature padding", decode, backend, forged)


# --- header and payload JSON -------------------------------------------------------------


def token_with_json(location: str, raw: bytes) -> str:
    if location == "header":
        return craft(raw, {"a": 1})
    return craft({"alg": "HS256"}, raw)


@pytest.mark.parametrize("location", ["header", "payload"])
@pytest.mark.parametrize("raw", [b"[]", b"[1]", b"1", b"null", b'"{}"', b"true", b"1.5"])
def test_not_a_json_object(impl: ModuleType, location: str, raw: bytes) -> None:
    backend = jwt_backend(impl)
    expect(
        DecodeError,
        f"Invalid {location} string: must be a json object",
        decode,
        backend,
        token_with_json(location, raw),
    )


@pytest.mark.parametrize("location", ["header", "payload"])
@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b'{"alg":"HS256",}',
        b"{'alg':'HS256'}",
        b'{"alg":"HS256"} x',
        b'{"alg":"HS256","n":NaN}',
        b'{"alg":"HS256"}\x00',
        b"\xef\xbb\xbf{}",
        b"not json",
    ],
)
def test_invalid_json(impl: ModuleType, location: str, raw: bytes) -> None:
    backend = jwt_backend(impl)
    message = f"Invalid {location} string: " + json_error(backend, raw)
    expect(DecodeError, message, decode, backend, token_with_json(location, raw))


@pytest.mark.parametrize("location", ["header", "payload"])
@pytest.mark.parametrize(
    "raw",
    [
        b'{"alg":"HS256","x":"\xff"}',
        b'{"alg":"HS256","x":"\xc3"}',
        b'{"alg":"HS256","x":"\xed\xa0\x80"}',
        b'{"alg":"HS256","\xc0\xaf":1}',
        b'{"alg":"HS256","x":"\xf4\x90\x80\x80"}',
    ],
)
def test_invalid_utf8(impl: ModuleType, location: str, raw: bytes) -> None:
    backend = jwt_backend(impl)
    message = f"Invalid {location} string: " + json_error(backend, raw)
    assert "UTF-8" in message
    expect(DecodeError, message, decode, backend, token_with_json(location, raw))


@pytest.mark.parametrize("location", ["header", "payload"])
@pytest.mark.parametrize("digits", [4301, 10_000])
def test_integer_beyond_the_digit_limit(impl: ModuleType, location: str, digits: int) -> None:
    backend = jwt_backend(impl)
    raw = b'{"alg":"HS256","n":' + b"7" * digits + b"}"
    message = f"Invalid {location} string: " + json_error(backend, raw)
    assert "4300" in message
    expect(DecodeError, message, decode, backend, token_with_json(location, raw))


@pytest.mark.parametrize("location", ["header", "payload"])
@pytest.mark.parametrize("bracket", [b"[", b'{"a":'])
def test_deep_nesting(impl: ModuleType, location: str, bracket: bytes) -> None:
    backend = jwt_backend(impl)
    raw = b'{"alg":"HS256","x":' + bracket * 100_000
    message = f"Invalid {location} string: " + json_error(backend, raw)
    assert "Nesting too deep" in message
    token = token_with_json(location, raw)
    expect(DecodeError, message, decode, backend, token, max_token_bytes=1 << 21)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b'{"alg":"HS256","alg":"none"}', "alg"),
        (b'{"alg":"HS256","alg":"HS256"}', "alg"),
        (b'{"alg":"HS256","\\u0061lg":"none"}', "alg"),
        (b'{"alg":"HS256","b":1,"a":1,"a":2,"b":2}', "a"),
        (b'{"alg":"HS256","x":{"k":1,"k":2}}', "k"),
        (b'{"alg":"HS256","x":[1,{"y":[{"k":1,"k":2}]}]}', "k"),
        (b'{"alg":"HS256","kid":"a","kid":"b"}', "kid"),
        (b'{"alg":"HS256","crit":["x"],"crit":[]}', "crit"),
        ('{"alg":"HS256","é":1,"é":2}'.encode(), "é"),
        (b'{"alg":"HS256","\\u00e9":1,"\xc3\xa9":2}', "é"),
        (b'{"alg":"HS256","":1,"":2}', ""),
    ],
)
def test_duplicate_keys_in_the_header(impl: ModuleType, raw: bytes, key: str) -> None:
    backend = jwt_backend(impl)
    expect(
        DecodeError,
        f'Invalid header string: duplicate key "{key}"',
        decode,
        backend,
        craft(raw, {"a": 1}),
    )
    expect(
        DecodeError,
        f'Invalid header string: duplicate key "{key}"',
        backend.get_unverified_header,
        craft(raw, {"a": 1}),
    )


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b'{"sub":"a","sub":"b"}', "sub"),
        (b'{"exp":1,"exp":99999999999}', "exp"),
        (b'{"admin":false,"\\u0061dmin":true}', "admin"),
        (b'{"a":{"b":{"c":1,"c":1}}}', "c"),
        (b'{"a":[[{"k":null,"k":null}]]}', "k"),
        (b'{"z":1,"y":{"q":1,"q":2},"z":2}', "q"),
    ],
)
def test_duplicate_keys_in_the_payload(impl: ModuleType, raw: bytes, key: str) -> None:
    backend = jwt_backend(impl)
    expect(
        DecodeError,
        f'Invalid payload string: duplicate key "{key}"',
        decode,
        backend,
        craft({"alg": "HS256"}, raw),
    )


def test_same_key_in_different_objects_is_fine(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    raw = b'{"a":{"k":1},"b":{"k":2},"c":[{"k":3},{"k":4}]}'
    assert decode(backend, craft({"alg": "HS256"}, raw)) == {
        "a": {"k": 1},
        "b": {"k": 2},
        "c": [{"k": 3}, {"k": 4}],
    }


# --- header rules ------------------------------------------------------------------------


@pytest.mark.parametrize("kid", [1, None, ["k"], {"k": 1}, True, 1.5])
def test_kid_must_be_a_string(impl: ModuleType, kid: Any) -> None:
    backend = jwt_backend(impl)
    token = craft({"alg": "HS256", "kid": kid})
    message = "Key ID header parameter must be a string"
    expect(InvalidTokenError, message, decode, backend, token)
    expect(InvalidTokenError, message, backend.get_unverified_header, token)


@pytest.mark.parametrize("crit", [[], "exp", {}, {"exp": 1}, 1, None, True])
def test_crit_must_be_a_non_empty_list(impl: ModuleType, crit: Any) -> None:
    backend = jwt_backend(impl)
    token = craft({"alg": "HS256", "crit": crit})
    message = "Invalid 'crit' header: must be a non-empty list"
    expect(InvalidTokenError, message, decode, backend, token)
    expect(InvalidTokenError, message, backend.get_unverified_header, token)


@pytest.mark.parametrize("crit", [[1], [None], [["exp"]], [{"b64": 1}], [1, "exp"]])
def test_crit_values_must_be_strings(impl: ModuleType, crit: Any) -> None:
    backend = jwt_backend(impl)
    token = craft({"alg": "HS256", "crit": crit})
    message = "Invalid 'crit' header: values must be strings"
    expect(InvalidTokenError, message, decode, backend, token)


@pytest.mark.parametrize(
    ("crit", "entry"),
    [
        (["exp"], "exp"),
        (["b64"], "b64"),
        (["http://example.com/ext", "b64"], "http://example.com/ext"),
        (["x", 1], "x"),
        ([""], ""),
        (["é"], "é"),
    ],
)
def test_unknown_critical_extension(impl: ModuleType, crit: Any, entry: str) -> None:
    backend = jwt_backend(impl)
    token = craft({"alg": "HS256", "crit": crit, "b64": True, "exp": 1})
    message = f"Unsupported critical extension: {entry}"
    expect(InvalidTokenError, message, decode, backend, token)
    expect(InvalidTokenError, message, backend.get_unverified_header, token)
    expect(
        InvalidTokenError,
        message,
        backend.decode,
        token,
        options={"verify_signature": False},
    )


@pytest.mark.parametrize("b64", [False, None, 0, 1, "true", [], {}])
def test_b64_other_than_true_is_refused(impl: ModuleType, b64: Any) -> None:
    backend = jwt_backend(impl)
    token = craft({"alg": "HS256", "b64": b64})
    message = "The b64 header parameter is not supported"
    expect(DecodeError, message, decode, backend, token)
    expect(DecodeError, message, backend.get_unverified_header, token)


def test_b64_true_is_accepted(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    assert decode(backend, craft({"alg": "HS256", "b64": True}, {"a": 1})) == {"a": 1}


def test_header_rules_order(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = craft({"alg": "HS256", "kid": 1, "crit": [], "b64": False})
    expect(InvalidTokenError, "Key ID header parameter must be a string", decode, backend, token)
    token = craft({"alg": "HS256", "crit": [], "b64": False})
    message = "Invalid 'crit' header: must be a non-empty list"
    expect(InvalidTokenError, message, decode, backend, token)


# --- HMAC keys ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["", b""])
def test_empty_hmac_key(impl: ModuleType, key: Any) -> None:
    backend = jwt_backend(impl)
    message = "HMAC key must not be empty."
    for alg in HS_ALGORITHMS:
        expect(InvalidKeyError, message, backend.encode, {"a": 1}, key, algorithm=alg)
        token = craft({"alg": alg}, key=b"", alg=alg)
        expect(InvalidKeyError, message, backend.decode, token, key, algorithms=[alg])
    expect(InvalidKeyError, message, backend.Key.from_secret, key)


def test_empty_hmac_jwk(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    jwk = {"kty": "oct", "k": ""}
    expect(InvalidKeyError, None, backend.encode, {"a": 1}, jwk)
    expect(InvalidKeyError, None, decode, backend, craft(key=b""), jwk)


def rfc4716(openssh_line: str) -> str:
    blob = openssh_line.split()[1]
    lines = [blob[i : i + 70] for i in range(0, len(blob), 70)]
    return "\n".join(
        [
            "---- BEGIN SSH2 PUBLIC KEY ----",
            'Comment: "covet"',
            *lines,
            "---- END SSH2 PUBLIC KEY ----",
            "",
        ]
    )


def confusion_forms(pair: KeyPair) -> dict[str, tuple[str | bytes, str]]:
    """Ways to hand a public (or private) key over as if it were an HMAC secret, with the
    message each must be refused with."""
    forms: dict[str, tuple[str | bytes, str]] = {
        "spki_pem": (pair.public_spki_pem, ASYMMETRIC_MESSAGE),
        "spki_pem_bytes": (pair.public_spki_pem.encode(), ASYMMETRIC_MESSAGE),
        "pkcs8_pem": (pair.private_pkcs8_pem, ASYMMETRIC_MESSAGE),
        "pem_after_text": ("key:\n" + pair.public_spki_pem, ASYMMETRIC_MESSAGE),
        "spki_der": (pair.public_der, ASYMMETRIC_MESSAGE),
        "pkcs8_der": (pair.private_der, ASYMMETRIC_MESSAGE),
        "public_jwk_json": (compact_json(pair.public_jwk).decode(), JWK_MESSAGE),
        "public_jwk_json_bytes": (compact_json(pair.public_jwk), JWK_MESSAGE),
        "private_jwk_json": (compact_json(pair.private_jwk).decode(), JWK_MESSAGE),
        "jwk_json_indented": ("\n\t " + compact_json(pair.public_jwk).decode(), JWK_MESSAGE),
        "jwk_json_bom": ("\ufeff" + compact_json(pair.public_jwk).decode(), JWK_MESSAGE),
        "jwk_json_bom_bytes": (b"\xef\xbb\xbf" + compact_json(pair.public_jwk), JWK_MESSAGE),
        "jwks_json": (compact_json({"keys": [pair.public_jwk]}).decode(), JWK_MESSAGE),
        "jwk_list_json": (compact_json([pair.public_jwk]).decode(), JWK_MESSAGE),
    }
    if pair.openssh_public is not None:
        forms["openssh"] = (pair.openssh_public, ASYMMETRIC_MESSAGE)
        forms["openssh_bytes"] = (pair.openssh_public.encode(), ASYMMETRIC_MESSAGE)
        forms["openssh_indented"] = (" \t\n" + pair.openssh_public, ASYMMETRIC_MESSAGE)
        forms["rfc4716"] = (rfc4716(pair.openssh_public), ASYMMETRIC_MESSAGE)
    if pair.public_pkcs1_pem is not None:
        forms["pkcs1_pem"] = (pair.public_pkcs1_pem, ASYMMETRIC_MESSAGE)
    if pair.private_traditional_pem is not None:
        forms["traditional_pem"] = (pair.private_traditional_pem, ASYMMETRIC_MESSAGE)
    if isinstance(pair.public, rsa.RSAPublicKey):
        pkcs1_der = pair.public.public_bytes(Encoding.DER, PublicFormat.PKCS1)
        forms["pkcs1_der"] = (pkcs1_der, ASYMMETRIC_MESSAGE)
    if isinstance(pair.private, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        traditional_der = pair.private.private_bytes(
            Encoding.DER, PrivateFormat.TraditionalOpenSSL, NoEncryption()
        )
        forms["traditional_der"] = (traditional_der, ASYMMETRIC_MESSAGE)
    if pair.certificate_pem is not None and pair.certificate_der is not None:
        forms["certificate_pem"] = (pair.certificate_pem, ASYMMETRIC_MESSAGE)
        forms["certificate_der"] = (pair.certificate_der, ASYMMETRIC_MESSAGE)
    return forms


CONFUSION_CASES = [
    (name, form)
    for name in ("rsa2048", "p256", "p384", "ed25519", "p521", "ed448")
    for form in confusion_forms(material().get(name))
]


@pytest.mark.parametrize(("name", "form"), CONFUSION_CASES)
def test_algorithm_confusion(impl: ModuleType, name: str, form: str) -> None:
    backend = jwt_backend(impl)
    secret, message = confusion_forms(material().get(name))[form]
    # The forgery: a token HMAC-signed with the public key's text as the secret.
    forged = craft({"alg": "HS256", "typ": "JWT"}, {"admin": True}, key=secret)
    expect(InvalidKeyError, message, backend.decode, forged, secret, algorithms=["HS256"])
    expect(InvalidKeyError, message, backend.encode, {"admin": True}, secret)
    expect(InvalidKeyError, message, backend.Key.from_secret, secret)


@pytest.mark.parametrize("alg", ["HS384", "HS512"])
@pytest.mark.parametrize("form", ["spki_pem", "public_jwk_json", "openssh", "spki_der"])
def test_algorithm_confusion_other_hmac_sizes(impl: ModuleType, alg: str, form: str) -> None:
    backend = jwt_backend(impl)
    secret, message = confusion_forms(material().rsa2048)[form]
    forged = craft({"alg": alg, "typ": "JWT"}, {"admin": True}, key=secret, alg=alg)
    expect(InvalidKeyError, message, backend.decode, forged, secret, algorithms=[alg])
    expect(InvalidKeyError, message, backend.encode, {"admin": True}, secret, algorithm=alg)


@pytest.mark.parametrize(
    "secret",
    [
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ",
        "ssh-dss AAAAB3NzaC1kc3MAAACBAP",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI",
        "ssh-ed448 AAAACXNzaC1lZDQ0OAAAADk",
        "ecdsa-sha2-nistp256 AAAAE2VjZHNh",
        "ecdsa-sha2-nistp384 AAAAE2VjZHNh",
        "ecdsa-sha2-nistp521 AAAAE2VjZHNh",
        "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t",
        "sk-ecdsa-sha2-nistp256@openssh.com AAAAInNrLWVjZHNh",
        "  \tssh-rsa AAAA",
        "-----BEGIN PUBLIC KEY-----",
        "prefix -----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
        "-----BEGIN EC PRIVATE KEY-----\n",
        "---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----",
        b"\x30\x06\x02\x01\x01\x02\x01\x01",
        b"\x30\x05\x30\x00\x02\x01\x05",
        b"\x30\x08\x30\x03\x02\x01\x01\x04\x01\x00",
    ],
)
def test_asymmetric_looking_secrets_are_refused(impl: ModuleType, secret: str | bytes) -> None:
    backend = jwt_backend(impl)
    expect(InvalidKeyError, ASYMMETRIC_MESSAGE, backend.encode, {"a": 1}, secret)
    expect(InvalidKeyError, ASYMMETRIC_MESSAGE, decode, backend, craft(key=secret), secret)
    expect(InvalidKeyError, ASYMMETRIC_MESSAGE, backend.Key.from_secret, secret)


@pytest.mark.parametrize(
    "secret",
    [
        '{"kty":"oct","k":"c2VjcmV0"}',
        '  {"kty": "RSA"}',
        '[{"kty":"EC"}]',
        '\ufeff{"kty":"oct"}',
        '\ufeff \n{"keys":[{"kty":"oct"}]}',
        b'\xef\xbb\xbf {"kty":"x"}',
    ],
)
def test_jwk_looking_secrets_are_refused(impl: ModuleType, secret: str | bytes) -> None:
    backend = jwt_backend(impl)
    expect(InvalidKeyError, JWK_MESSAGE, backend.encode, {"a": 1}, secret)
    expect(InvalidKeyError, JWK_MESSAGE, decode, backend, craft(key=secret), secret)
    expect(InvalidKeyError, JWK_MESSAGE, backend.Key.from_secret, secret)


@pytest.mark.parametrize(
    "secret",
    [
        "my ssh-rsa secret",
        "BEGIN PUBLIC KEY",
        '{"kid":"no key type here"}',
        'x{"kty":"oct"}',
        "kty",
        b"\x30\x03\x02\x01\x01",
        b"\x30\x06\x04\x01a\x04\x01b",
        b"\x30\x06\x02\x01\x01\x02\x01\x01trailing",
        b"\x30\x80\x02\x01\x01\x02\x01\x01\x00\x00",
        b"\x02\x01\x01\x02\x01\x01",
        bytes(range(256)),
    ],
)
def test_ordinary_secrets_are_accepted(impl: ModuleType, secret: str | bytes) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"a": 1}, secret)
    assert token == craft({"alg": "HS256", "typ": "JWT"}, {"a": 1}, key=secret)
    assert decode(backend, token, secret) == {"a": 1}


@pytest.mark.parametrize("name", ["rsa2048", "p256", "ed25519"])
def test_asymmetric_jwk_and_key_are_refused_for_hmac(impl: ModuleType, name: str) -> None:
    backend = jwt_backend(impl)
    pair = material().get(name)
    forged = craft(key=compact_json(pair.public_jwk))
    for key in (
        dict(pair.public_jwk),
        dict(pair.private_jwk),
        backend.Key.from_jwk(pair.public_jwk),
        backend.Key.from_pem(pair.public_spki_pem),
        {"keys": [dict(pair.public_jwk)]},
        backend.KeySet.from_jwks({"keys": [dict(pair.public_jwk)]}),
    ):
        expect(InvalidKeyError, None, decode, backend, forged, key)
    for key in (dict(pair.private_jwk), backend.Key.from_pem(pair.private_pkcs8_pem)):
        expect(InvalidKeyError, None, backend.encode, {"a": 1}, key)


@pytest.mark.parametrize("alg", ["RS256", "PS256", "ES256", "ES384", "EdDSA"])
def test_hmac_key_is_refused_for_asymmetric_algorithms(impl: ModuleType, alg: str) -> None:
    backend = jwt_backend(impl)
    jwk = {"kty": "oct", "k": b64url(SECRET)}
    for key in (jwk, backend.Key.from_secret(SECRET), backend.Key.from_jwk(jwk)):
        expect(InvalidKeyError, None, backend.encode, {"a": 1}, key, algorithm=alg)
        expect(InvalidKeyError, None, decode, backend, craft({"alg": alg}), key, algorithms=[alg])


# --- the key cache -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rsa2048", "p256", "ed25519"])
def test_a_parsed_key_text_is_still_refused_as_a_secret(impl: ModuleType, name: str) -> None:
    backend = jwt_backend(impl)
    # Parsed key texts are cached: using a PEM text for its own algorithm first must not
    # make it acceptable as an HMAC secret afterwards, nor the other way round.
    pair = material().get(name)
    alg = {"rsa2048": "RS256", "p256": "ES256", "ed25519": "EdDSA"}[name]
    token = backend.encode({"a": 1}, pair.private_pkcs8_pem, algorithm=alg)
    forged = craft({"alg": "HS256"}, {"a": 2}, key=pair.public_spki_pem)
    for _ in range(2):
        assert backend.decode(token, pair.public_spki_pem, algorithms=[alg]) == {"a": 1}
        expect(
            InvalidKeyError,
            ASYMMETRIC_MESSAGE,
            backend.decode,
            forged,
            pair.public_spki_pem,
            algorithms=["HS256", alg],
        )
        expect(InvalidKeyError, ASYMMETRIC_MESSAGE, backend.encode, {}, pair.private_pkcs8_pem)


def test_many_key_texts_in_rotation(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    # More key texts than the cache holds (64), each used several times in turn: every
    # verification uses the key it was given.
    private_keys = [ed25519.Ed25519PrivateKey.generate() for _ in range(70)]
    pems = [
        (
            key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode(),
            key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode(),
        )
        for key in private_keys
    ]
    secrets = [f"rotating-secret-{i:03d}-" + "s" * 40 for i in range(70)]
    for _ in range(2):
        for i, ((private, public), secret) in enumerate(zip(pems, secrets, strict=True)):
            token = backend.encode({"i": i}, private, algorithm="EdDSA")
            assert backend.decode(token, public, algorithms=["EdDSA"]) == {"i": i}
            other_public = pems[(i + 1) % len(pems)][1]
            expect(
                InvalidSignatureError, BAD_SIGNATURE, backend.decode, token, other_public, ["EdDSA"]
            )
            token = backend.encode({"i": i}, secret)
            assert token == craft({"alg": "HS256", "typ": "JWT"}, {"i": i}, key=secret)
            other_secret = secrets[(i + 1) % len(secrets)]
            expect(InvalidSignatureError, BAD_SIGNATURE, decode, backend, token, other_secret)


# --- keys that do not fit the algorithm --------------------------------------------------

MISMATCHES = [
    ("ES256", "p384"),
    ("ES256", "p521"),
    ("ES256", "secp256k1"),
    ("ES384", "p256"),
    ("ES384", "p521"),
    ("ES384", "secp256k1"),
    ("ES256", "rsa2048"),
    ("ES256", "ed25519"),
    ("EdDSA", "ed448"),
    ("EdDSA", "p256"),
    ("EdDSA", "rsa2048"),
    ("RS256", "rsa1024"),
    ("PS256", "rsa1024"),
    ("RS512", "rsa1024"),
    ("RS256", "p256"),
    ("PS384", "ed25519"),
]


@pytest.mark.parametrize(("alg", "name"), MISMATCHES)
def test_key_does_not_fit_the_algorithm(impl: ModuleType, alg: str, name: str) -> None:
    backend = jwt_backend(impl)
    pair = material().get(name)
    signing = [pair.private_pkcs8_pem, dict(pair.private_jwk)]
    verifying = [pair.public_spki_pem, dict(pair.public_jwk), pair.private_pkcs8_pem]
    if pair.private_traditional_pem is not None:
        signing.append(pair.private_traditional_pem)
    if pair.openssh_public is not None:
        verifying.append(pair.openssh_public)
    if pair.certificate_pem is not None:
        verifying.append(pair.certificate_pem)
    for key in signing:
        expect(InvalidKeyError, None, backend.encode, {"a": 1}, key, algorithm=alg)
    # The key check comes before the signature check, so any signature will do.
    token = craft({"alg": alg, "typ": "JWT"})
    for key in verifying:
        expect(InvalidKeyError, None, backend.decode, token, key, algorithms=[alg])
        options = {"enforce_minimum_key_length": False}
        expect(InvalidKeyError, None, backend.decode, token, key, [alg], options)


@pytest.mark.parametrize("alg", ["ES256", "ES384"])
def test_ecdsa_curve_mismatch_with_a_real_signature(impl: ModuleType, keys: Keys, alg: str) -> None:
    backend = jwt_backend(impl)
    # An ES256-labelled token really signed by a P-384 key (and the reverse) is refused as a
    # key problem, whatever the signature bytes.
    other = keys.p384 if alg == "ES256" else keys.p256
    genuine_alg = "ES384" if alg == "ES256" else "ES256"
    token = backend.encode({"a": 1}, other.private_pkcs8_pem, algorithm=genuine_alg)
    _, payload, signature = token.split(".")
    header = b64url(compact_json({"alg": alg, "typ": "JWT"}))
    relabelled = f"{header}.{payload}.{signature}"
    expect(InvalidKeyError, None, backend.decode, relabelled, other.public_spki_pem, [alg])


def construct(make: Callable[[], Any]) -> tuple[Any, InvalidKeyError | None]:
    try:
        return make(), None
    except InvalidKeyError as error:
        return None, error


@pytest.mark.parametrize("alg", ["PS256", "PS512", "RS256"])
def test_rsa_pss_restricted_keys_are_refused(impl: ModuleType, keys: Keys, alg: str) -> None:
    backend = jwt_backend(impl)
    expect(InvalidKeyError, None, backend.encode, {"a": 1}, keys.rsa_pss_private_pem, algorithm=alg)
    token = backend.encode({"a": 1}, keys.rsa2048.private_pkcs8_pem, algorithm=alg)
    for key in (keys.rsa_pss_public_pem, keys.rsa_pss_private_pem):
        expect(InvalidKeyError, None, backend.decode, token, key, algorithms=[alg])


def test_key_refusals_at_construction_or_use(impl: ModuleType, keys: Keys) -> None:
    """Keys the contract refuses: as ``Key`` either the constructor refuses them or every use
    does; either way the class is InvalidKeyError."""
    backend = jwt_backend(impl)
    cases: list[tuple[str, Callable[[], Any], str]] = [
        ("rsa-pss", lambda: backend.Key.from_pem(keys.rsa_pss_private_pem), "PS256"),
        ("rsa-pss", lambda: backend.Key.from_pem(keys.rsa_pss_public_pem), "PS384"),
        ("rsa1024", lambda: backend.Key.from_pem(keys.rsa1024.private_pkcs8_pem), "RS256"),
        ("rsa1024", lambda: backend.Key.from_jwk(keys.rsa1024.public_jwk), "PS256"),
        ("p521", lambda: backend.Key.from_pem(keys.p521.private_pkcs8_pem), "ES256"),
        ("secp256k1", lambda: backend.Key.from_pem(keys.secp256k1.public_spki_pem), "ES256"),
        ("ed448", lambda: backend.Key.from_pem(keys.ed448.private_pkcs8_pem), "EdDSA"),
    ]
    for _name, make, alg in cases:
        key, error = construct(make)
        if error is not None:
            assert type(error) is InvalidKeyError
            continue
        if key.is_private:
            expect(InvalidKeyError, None, backend.encode, {"a": 1}, key, algorithm=alg)
        expect(InvalidKeyError, None, backend.decode, craft({"alg": alg}), key, [alg])


# --- size --------------------------------------------------------------------------------


def size_message(size: int, limit: int) -> str:
    return f"Token is {size} bytes, more than max_token_bytes ({limit})"


@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
def test_default_size_limit_comes_before_any_decoding(impl: ModuleType, as_bytes: bool) -> None:
    backend = jwt_backend(impl)
    size = DEFAULT_MAX_TOKEN_BYTES + 1
    # Garbage that would be a padding error (header of length 1 mod 4) if it were decoded.
    token: Any = "x" * (size - 4) + ".!.!"
    assert len(token) == size
    assert len(token.split(".")[0]) % 4 == 1
    if as_bytes:
        token = token.encode()
    message = size_message(size, DEFAULT_MAX_TOKEN_BYTES)
    expect(DecodeError, message, decode, backend, token)
    expect(DecodeError, message, backend.decode_complete, token, SECRET, ["HS256"])
    expect(DecodeError, message, backend.get_unverified_header, token)
    expect(DecodeError, message, backend.decode, token, options={"verify_signature": False})
    # One byte less is decoded, and fails on its padding.
    expect(DecodeError, "Invalid header padding", decode, backend, token[:-1])


def test_size_limit_boundary(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"sub": "x" * 50}, SECRET)
    size = len(token)
    assert decode(backend, token, max_token_bytes=size) == {"sub": "x" * 50}
    expect(
        DecodeError, size_message(size, size - 1), decode, backend, token, max_token_bytes=size - 1
    )
    expect(
        DecodeError,
        size_message(size, 1),
        decode,
        backend,
        token.encode(),
        max_token_bytes=1,
    )


def test_size_counts_utf8_bytes(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = "é" * 60
    expect(DecodeError, size_message(120, 100), decode, backend, token, max_token_bytes=100)
    expect(DecodeError, "Not enough segments", decode, backend, token, max_token_bytes=120)
    token = "\U0001f600" * 30 + ".a.b"
    expect(DecodeError, size_message(124, 123), decode, backend, token, max_token_bytes=123)


def test_oversized_token_with_a_valid_signature(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"blob": "x" * DEFAULT_MAX_TOKEN_BYTES}, SECRET)
    expect(DecodeError, size_message(len(token), DEFAULT_MAX_TOKEN_BYTES), decode, backend, token)
    assert decode(backend, token, max_token_bytes=len(token))["blob"] == "x" * (
        DEFAULT_MAX_TOKEN_BYTES
    )


# --- properties --------------------------------------------------------------------------

PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    # too_slow measures wall time: a loaded machine must not fail a test.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(st.characters(exclude_categories=["Cs"]), max_size=max_size)


safe_text = text(60)
segment_text = st.text(alphabet=B64_ALPHABET + "=+/ .\n", max_size=40)
small_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=False)
    | text(8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(text(5), children, max_size=3)
    ),
    max_leaves=8,
)
header_objects = st.fixed_dictionaries(
    {},
    optional={
        "alg": st.sampled_from(["HS256", "HS512", "none", "RS256"]) | small_json,
        "typ": st.just("JWT"),
        "kid": text(4) | small_json,
        "crit": small_json,
        "b64": st.booleans(),
    },
)
claim_objects = st.fixed_dictionaries(
    {},
    optional={
        claim: small_json | text(4) for claim in ("exp", "nbf", "iat", "aud", "iss", "sub", "jti")
    },
)


@st.composite
def structured_tokens(draw: st.DrawFn) -> str:
    """Tokens near the valid ones: JSON (or not) segments, signed with SECRET or not."""
    header = draw(header_objects.map(compact_json) | st.binary(max_size=30))
    payload = draw(
        (claim_objects | st.dictionaries(text(4), small_json)).map(compact_json)
        | st.binary(max_size=30)
    )
    header_segment, payload_segment = b64url(header), b64url(payload)
    if draw(st.booleans()):
        return sign_segments(header_segment, payload_segment)
    return f"{header_segment}.{payload_segment}.{draw(segment_text)}"


garbage_tokens = (
    st.binary(max_size=200)
    | safe_text
    | st.lists(segment_text, min_size=1, max_size=5).map(".".join)
    | structured_tokens()
)


@PROPERTY_SETTINGS
@given(token=garbage_tokens)
def test_garbage_raises_only_token_errors(impl: ModuleType, token: str | bytes) -> None:
    backend = jwt_backend(impl)
    with contextlib.suppress(InvalidTokenError):
        decode(backend, token)
    with contextlib.suppress(InvalidTokenError):
        backend.get_unverified_header(token)
    with contextlib.suppress(InvalidTokenError):
        backend.decode(token, options={"verify_signature": False})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(token=garbage_tokens)
def test_garbage_gives_the_same_outcome_on_both_backends(token: str | bytes) -> None:
    native, twin = both_backends()
    assert outcome(decode, native, token) == outcome(decode, twin, token)
    assert outcome(native.get_unverified_header, token) == outcome(
        twin.get_unverified_header, token
    )
    unverified = {"options": {"verify_signature": False}}
    assert outcome(native.decode, token, **unverified) == outcome(twin.decode, token, **unverified)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_any_one_character_change_is_refused(impl: ModuleType, data: st.DataObject) -> None:
    backend = jwt_backend(impl)
    token = backend.encode({"sub": "user", "admin": False, "n": 12345}, SECRET)
    position = data.draw(st.integers(min_value=0, max_value=len(token) - 1))
    replacement = data.draw(
        st.sampled_from(B64_ALPHABET + "=+/ .").filter(lambda c: c != token[position])
    )
    changed = token[:position] + replacement + token[position + 1 :]
    with pytest.raises(InvalidTokenError):
        decode(backend, changed)
