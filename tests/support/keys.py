"""Key material for the JWT tests (tests/jwt/), generated once per session with
``cryptography``: every key in every form the contract (docs/JWT.md, Keys) names or refuses.

``material()`` builds the keys on first use and caches them for the process (the JWT tests'
session fixture ``keys``, tests/jwt/conftest.py, hands out the same object). JWK dicts are
built here from the key numbers, not by a JWT library, so they check the backends' JWK
parsing independently."""

from __future__ import annotations

import base64
import datetime as dt
import functools
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    PrivateKeyTypes,
    PublicKeyTypes,
)
from cryptography.x509.oid import NameOID

Encoding = serialization.Encoding
PrivateFormat = serialization.PrivateFormat
PublicFormat = serialization.PublicFormat

# The key (a Keys attribute) each asymmetric algorithm signs with in the round trips.
ALG_KEY: dict[str, str] = {
    "RS256": "rsa2048",
    "RS384": "rsa2048",
    "RS512": "rsa2048",
    "PS256": "rsa2048",
    "PS384": "rsa2048",
    "PS512": "rsa2048",
    "ES256": "p256",
    "ES384": "p384",
    "EdDSA": "ed25519",
}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_uint(value: int, length: int | None = None) -> str:
    """An unsigned integer as JWK base64url: big-endian, minimal unless ``length`` is given."""
    size = length if length is not None else max(1, (value.bit_length() + 7) // 8)
    return _b64url(value.to_bytes(size, "big"))


@dataclass(frozen=True)
class KeyPair:
    """One private key and every serialization of it and of its public half that the tests
    use. ``None`` where the form does not exist for that key type."""

    name: str
    private: PrivateKeyTypes
    public: PublicKeyTypes
    # PEM, PKCS#8 ("PRIVATE KEY") and the traditional form ("RSA PRIVATE KEY" / "EC PRIVATE
    # KEY"; None for Edwards keys, which have none).
    private_pkcs8_pem: str
    private_traditional_pem: str | None
    # PEM, SubjectPublicKeyInfo ("PUBLIC KEY") and PKCS#1 ("RSA PUBLIC KEY", RSA only).
    public_spki_pem: str
    public_pkcs1_pem: str | None
    # ``ssh-rsa AAAA...`` and friends (None where OpenSSH has no format: secp256k1, Ed448).
    openssh_public: str | None
    private_der: bytes
    public_der: bytes
    private_jwk: dict[str, str]
    public_jwk: dict[str, str]
    # Self-signed certificate (RSA and EC keys only).
    certificate_pem: str | None = None
    certificate_der: bytes | None = None


def _jwk(private: PrivateKeyTypes) -> tuple[dict[str, str], dict[str, str]]:
    """(private JWK, public JWK) built from the key numbers (RFC 7517/7518/8037)."""
    if isinstance(private, rsa.RSAPrivateKey):
        numbers = private.private_numbers()
        public = {
            "kty": "RSA",
            "n": b64url_uint(numbers.public_numbers.n),
            "e": b64url_uint(numbers.public_numbers.e),
        }
        full = dict(public)
        full.update(
            d=b64url_uint(numbers.d),
            p=b64url_uint(numbers.p),
            q=b64url_uint(numbers.q),
            dp=b64url_uint(numbers.dmp1),
            dq=b64url_uint(numbers.dmq1),
            qi=b64url_uint(numbers.iqmp),
        )
        return full, public
    if isinstance(private, ec.EllipticCurvePrivateKey):
        curve_names = {
            "secp256r1": "P-256",
            "secp384r1": "P-384",
            "secp521r1": "P-521",
            "secp256k1": "secp256k1",
        }
        size = (private.curve.key_size + 7) // 8
        ec_numbers = private.private_numbers()
        public = {
            "kty": "EC",
            "crv": curve_names[private.curve.name],
            "x": b64url_uint(ec_numbers.public_numbers.x, size),
            "y": b64url_uint(ec_numbers.public_numbers.y, size),
        }
        full = dict(public)
        full["d"] = b64url_uint(ec_numbers.private_value, size)
        return full, public
    if isinstance(private, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        crv = "Ed25519" if isinstance(private, ed25519.Ed25519PrivateKey) else "Ed448"
        raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        raw_private = private.private_bytes(
            Encoding.Raw, PrivateFormat.Raw, serialization.NoEncryption()
        )
        public = {"kty": "OKP", "crv": crv, "x": _b64url(raw_public)}
        full = dict(public)
        full["d"] = _b64url(raw_private)
        return full, public
    raise TypeError(type(private).__name__)  # pragma: no cover - only the types above


def _certificate(private: CertificateIssuerPrivateKeyTypes) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "covet-jwt-tests")])
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(private, hashes.SHA256())
    )


def _pair(name: str, private: PrivateKeyTypes) -> KeyPair:
    public = private.public_key()
    no_encryption = serialization.NoEncryption()
    traditional: str | None = None
    pkcs1: str | None = None
    certificate: x509.Certificate | None = None
    if isinstance(private, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        traditional = private.private_bytes(
            Encoding.PEM, PrivateFormat.TraditionalOpenSSL, no_encryption
        ).decode()
        certificate = _certificate(private)
    if isinstance(public, rsa.RSAPublicKey):
        pkcs1 = public.public_bytes(Encoding.PEM, PublicFormat.PKCS1).decode()
    openssh: str | None
    try:
        openssh = public.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
    except ValueError:
        openssh = None
    private_jwk, public_jwk = _jwk(private)
    return KeyPair(
        name=name,
        private=private,
        public=public,
        private_pkcs8_pem=private.private_bytes(
            Encoding.PEM, PrivateFormat.PKCS8, no_encryption
        ).decode(),
        private_traditional_pem=traditional,
        public_spki_pem=public.public_bytes(
            Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
        ).decode(),
        public_pkcs1_pem=pkcs1,
        openssh_public=openssh,
        private_der=private.private_bytes(Encoding.DER, PrivateFormat.PKCS8, no_encryption),
        public_der=public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo),
        private_jwk=private_jwk,
        public_jwk=public_jwk,
        certificate_pem=(
            None if certificate is None else certificate.public_bytes(Encoding.PEM).decode()
        ),
        certificate_der=None if certificate is None else certificate.public_bytes(Encoding.DER),
    )


@dataclass(frozen=True)
class Keys:
    rsa2048: KeyPair
    rsa2048_other: KeyPair
    rsa1024: KeyPair
    rsa3072: KeyPair
    p256: KeyPair
    p256_other: KeyPair
    p384: KeyPair
    p384_other: KeyPair
    p521: KeyPair
    secp256k1: KeyPair
    ed25519: KeyPair
    ed25519_other: KeyPair
    ed448: KeyPair
    # PKCS#8 PEM private keys encrypted with the password b"password".
    encrypted_rsa_pem: str
    encrypted_ec_pem: str
    # rsa2048 restricted to RSASSA-PSS by its algorithm identifier (id-RSASSA-PSS, no
    # parameters: what ``openssl genpkey -algorithm RSA-PSS`` writes), PKCS#8 and SPKI PEM.
    rsa_pss_private_pem: str
    rsa_pss_public_pem: str

    def get(self, name: str) -> KeyPair:
        pair = getattr(self, name)
        assert isinstance(pair, KeyPair)
        return pair


# AlgorithmIdentifier DER: rsaEncryption with NULL parameters, id-RSASSA-PSS without any.
_RSA_ENCRYPTION_ID = bytes.fromhex("300d06092a864886f70d0101010500")
_RSASSA_PSS_ID = bytes.fromhex("300b06092a864886f70d01010a")


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _as_rsa_pss(der: bytes) -> bytes:
    """A PKCS#8 or SPKI RSA key with its algorithm identifier changed to id-RSASSA-PSS."""
    assert der[0] == 0x30
    header = 2 + (der[1] & 0x7F if der[1] & 0x80 else 0)
    body = der[header:]
    assert body.count(_RSA_ENCRYPTION_ID) == 1
    body = body.replace(_RSA_ENCRYPTION_ID, _RSASSA_PSS_ID)
    return b"\x30" + _der_length(len(body)) + body


def _pem(label: str, der: bytes) -> str:
    text = base64.b64encode(der).decode("ascii")
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""])


@functools.cache
def material() -> Keys:
    """Every key the JWT tests use; generated on first call, then cached for the process."""

    def rsa_key(bits: int) -> KeyPair:
        return _pair(f"rsa{bits}", rsa.generate_private_key(public_exponent=65537, key_size=bits))

    def ec_key(name: str, curve: ec.EllipticCurve) -> KeyPair:
        return _pair(name, ec.generate_private_key(curve))

    rsa2048 = rsa_key(2048)
    p256 = ec_key("p256", ec.SECP256R1())
    password = serialization.BestAvailableEncryption(b"password")
    return Keys(
        rsa2048=rsa2048,
        rsa2048_other=rsa_key(2048),
        rsa1024=rsa_key(1024),
        rsa3072=rsa_key(3072),
        p256=p256,
        p256_other=ec_key("p256_other", ec.SECP256R1()),
        p384=ec_key("p384", ec.SECP384R1()),
        p384_other=ec_key("p384_other", ec.SECP384R1()),
        p521=ec_key("p521", ec.SECP521R1()),
        secp256k1=ec_key("secp256k1", ec.SECP256K1()),
        ed25519=_pair("ed25519", ed25519.Ed25519PrivateKey.generate()),
        ed25519_other=_pair("ed25519_other", ed25519.Ed25519PrivateKey.generate()),
        ed448=_pair("ed448", ed448.Ed448PrivateKey.generate()),
        encrypted_rsa_pem=rsa2048.private.private_bytes(
            Encoding.PEM, PrivateFormat.PKCS8, password
        ).decode(),
        encrypted_ec_pem=p256.private.private_bytes(
            Encoding.PEM, PrivateFormat.PKCS8, password
        ).decode(),
        rsa_pss_private_pem=_pem("PRIVATE KEY", _as_rsa_pss(rsa2048.private_der)),
        rsa_pss_public_pem=_pem("PUBLIC KEY", _as_rsa_pss(rsa2048.public_der)),
    )
