"""``cryptography`` key objects as keys, as PyJWT accepts them (issue 21): every asymmetric
algorithm signs with a private key object and verifies with a public one, on both backends,
interoperating with PyJWT; other objects are refused as before; cryptography is not imported
unless such an object is passed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from types import ModuleType
from typing import Any

import jwt as pyjwt
import pytest

from tests.support.keys import ALG_KEY, Keys

PAYLOAD = {"sub": "42", "big": 2**70}


@pytest.mark.parametrize("alg", sorted(ALG_KEY))
def test_key_objects_sign_and_verify_like_pyjwt(impl: ModuleType, keys: Keys, alg: str) -> None:
    pair = keys.get(ALG_KEY[alg])
    token = impl.jwt.encode(PAYLOAD, pair.private, algorithm=alg)
    assert impl.jwt.decode(token, pair.public, algorithms=[alg]) == PAYLOAD
    # The same key as PEM text verifies the same token: one key, two forms.
    assert impl.jwt.decode(token, pair.public_spki_pem, algorithms=[alg]) == PAYLOAD
    # PyJWT reads covet's token with the same object, and covet reads PyJWT's (its key
    # parameters are typed narrower than the pair's fields).
    public: Any = pair.public
    private: Any = pair.private
    assert pyjwt.decode(token, public, algorithms=[alg]) == PAYLOAD
    theirs = pyjwt.encode(PAYLOAD, private, algorithm=alg)
    assert impl.jwt.decode(theirs, pair.public, algorithms=[alg]) == PAYLOAD
    # A private key object verifies too (its public half), as PyJWT allows.
    assert impl.jwt.decode(token, pair.private, algorithms=[alg]) == PAYLOAD


def test_the_wrong_key_object_fails_verification(impl: ModuleType, keys: Keys) -> None:
    token = impl.jwt.encode(PAYLOAD, keys.rsa2048.private, algorithm="RS256")
    with pytest.raises(impl.jwt.InvalidSignatureError):
        impl.jwt.decode(token, keys.rsa2048_other.public, algorithms=["RS256"])


def test_a_public_key_object_cannot_sign(impl: ModuleType, keys: Keys) -> None:
    with pytest.raises(impl.jwt.InvalidKeyError):
        impl.jwt.encode(PAYLOAD, keys.p256.public, algorithm="ES256")


def test_a_key_object_of_another_family_is_refused(impl: ModuleType, keys: Keys) -> None:
    with pytest.raises(impl.jwt.InvalidKeyError):
        impl.jwt.encode(PAYLOAD, keys.p256.private, algorithm="RS256")
    token = impl.jwt.encode(PAYLOAD, "a secret long enough for HS256!!", algorithm="HS256")
    with pytest.raises(impl.jwt.InvalidKeyError):
        impl.jwt.decode(token, keys.rsa2048.public, algorithms=["HS256"])


def test_unsupported_key_objects_are_a_type_error(impl: ModuleType, keys: Keys) -> None:
    # Ed448 (no backend here signs with it) and an object of no key type at all.
    message = "key must be str, bytes, a JWK dict, jwt.Key, jwt.KeySet or a cryptography key"
    for key in (keys.ed448.private, object()):
        with pytest.raises(TypeError, match=message):
            impl.jwt.encode(PAYLOAD, key, algorithm="EdDSA")


def test_cryptography_is_not_imported_for_other_keys() -> None:
    script = textwrap.dedent(
        """
        import sys
        import covet_rust_core.jwt as jwt
        token = jwt.encode({"a": 1}, "a secret long enough for HS256!!", algorithm="HS256")
        jwt.decode(token, "a secret long enough for HS256!!", algorithms=["HS256"])
        try:
            jwt.encode({"a": 1}, object(), algorithm="HS256")
        except TypeError:
            pass
        print("cryptography" in sys.modules)
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert completed.stdout.strip() == "False", completed.stderr
