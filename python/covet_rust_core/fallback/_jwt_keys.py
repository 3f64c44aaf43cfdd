# cryptography is imported inside the functions that use it, on purpose: HS* must work (and
# this module must import) without it, and loading it costs time nobody using HMAC should pay.
# ruff: noqa: PLC0415
"""Keys for the pure-Python JWT twin (docs/JWT.md, "Keys"): ``Key``, ``KeySet``, the HMAC
secret checks, strict base64url, signing and verifying.

HMAC is plain ``hmac``/``hashlib``; everything asymmetric goes through the ``cryptography``
package, loaded on first use. Without it, any asymmetric key or algorithm raises
``NotImplementedError`` naming the package, while HS* keeps working.

Key texts (PEM, OpenSSH lines) are parsed once and kept in a bounded cache, as the native
side does, so passing the same PEM string on every call costs a lookup, not a parse.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import importlib
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, NoReturn, TypeAlias

from covet_rust_core._jwt_errors import (
    DecodeError,
    InvalidAlgorithmError,
    InvalidKeyError,
    InvalidSignatureError,
)
from covet_rust_core._jwt_key_objects import pem_of_key_object
from covet_rust_core.fallback._jwt_base_types import (
    MISSING,
    bytes_data,
    collection_items,
    dict_items,
    is_a,
    member,
)
from covet_rust_core.fallback.json import loads

if TYPE_CHECKING:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    _PrivateKey: TypeAlias = (
        rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
    )
    _PublicKey: TypeAlias = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey

__all__ = [
    "ALGORITHMS",
    "Key",
    "KeySet",
    "Purpose",
    "b64url_decode",
    "b64url_encode",
    "resolve_key",
    "sign",
    "unsupported_algorithm",
    "verify",
]

ALGORITHMS: Final = (
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "EdDSA",
)
_SUPPORTED: Final = ", ".join(ALGORITHMS)
_HMAC_HASHES: Final = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
# The key type (kty, curve) each algorithm needs.
_NEEDS: Final[dict[str, tuple[str, str | None]]] = {
    "HS256": ("oct", None),
    "HS384": ("oct", None),
    "HS512": ("oct", None),
    "RS256": ("RSA", None),
    "RS384": ("RSA", None),
    "RS512": ("RSA", None),
    "PS256": ("RSA", None),
    "PS384": ("RSA", None),
    "PS512": ("RSA", None),
    "ES256": ("EC", "P-256"),
    "ES384": ("EC", "P-384"),
    "EdDSA": ("OKP", "Ed25519"),
}
_DESCRIBE: Final = {
    ("oct", None): "an HMAC secret",
    ("RSA", None): "an RSA key",
    ("EC", "P-256"): "an EC P-256 key",
    ("EC", "P-384"): "an EC P-384 key",
    ("OKP", "Ed25519"): "an Ed25519 key",
}

Purpose: TypeAlias = Literal["sign", "verify"]

RSA_MIN_BITS: Final = 2048
RSA_MAX_BITS: Final = 8192
KEY_CACHE_ENTRIES: Final = 64

_ASYMMETRIC_SECRET: Final = (
    "The specified key is an asymmetric key or x509 certificate and should not be used as "
    "an HMAC secret."
)
_JWK_SECRET: Final = (
    "The specified key looks like a JWK and should not be used directly as an HMAC secret. "
    "Load it with jwt.Key.from_jwk first."
)
_EMPTY_SECRET: Final = "HMAC key must not be empty."
_NO_CRYPTOGRAPHY: Final = (
    "{} needs the 'cryptography' package in the pure-Python backend: pip install cryptography"
)


# ----------------------------------------------------------------------------- base64url

_B64URL_TEXT: Final = re.compile(rb"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> bytes:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def b64url_decode(text: bytes) -> bytes | None:
    """Strict base64url (docs/JWT.md): the URL alphabet only; one or two ``=`` only where they
    make the length a multiple of 4; never a length of 1 modulo 4; unused trailing bits zero,
    so that every byte string has exactly one accepted spelling. ``None`` when refused."""
    stripped = text.rstrip(b"=")
    padding = len(text) - len(stripped)
    if padding and (padding > 2 or len(text) % 4):
        return None
    if len(stripped) % 4 == 1 or not _B64URL_TEXT.fullmatch(stripped):
        return None
    raw = base64.urlsafe_b64decode(stripped + b"=" * (-len(stripped) % 4))
    # The standard library ignores unused bits; a second spelling of the same bytes would
    # let a token be altered without changing what it decodes to.
    if b64url_encode(raw) != stripped:
        return None
    return raw


# -------------------------------------------------------------------------- algorithms


def _debug_quoted(name: str) -> str:
    """``name`` quoted as the native side's messages quote it (Rust's ``{:?}``)."""
    import unicodedata

    escapes = {"\t": "\\t", "\r": "\\r", "\n": "\\n", "\\": "\\\\", '"': '\\"', "\0": "\\0"}
    out = []
    for char in name:
        if char in escapes:
            out.append(escapes[char])
        elif not char.isprintable() or unicodedata.category(char) in {"Mn", "Me"}:
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def unsupported_algorithm(name: str) -> NotImplementedError:
    """The error for an algorithm name outside ``ALGORITHMS``."""
    if name.lower() == "none":
        message = (
            f"Algorithm {_debug_quoted(name)} is never accepted: unsigned tokens are refused. "
            f"Supported: {_SUPPORTED}"
        )
    else:
        message = f"Algorithm {_debug_quoted(name)} is not supported. Supported: {_SUPPORTED}"
    return NotImplementedError(message)


# ------------------------------------------------------------------ HMAC secret checks

# Rust's is_ascii_whitespace, which the native side uses: no vertical tab.
_ASCII_WHITESPACE: Final = b" \t\n\r\x0c"
_SSH_KEY_TYPES: Final = (
    b"ssh-rsa",
    b"ssh-dss",
    b"ssh-ed25519",
    b"ssh-ed448",
    b"ecdsa-sha2-nistp256",
    b"ecdsa-sha2-nistp384",
    b"ecdsa-sha2-nistp521",
    b"sk-ssh-ed25519@openssh.com",
    b"sk-ecdsa-sha2-nistp256@openssh.com",
)
_TAG_INTEGER: Final = 0x02
_TAG_SEQUENCE: Final = 0x30
_BOM: Final = b"\xef\xbb\xbf"


def _is_ssh_key(text: bytes) -> bool:
    """Whether ``text``, after leading whitespace, starts with an OpenSSH key type."""
    return text.lstrip(_ASCII_WHITESPACE).startswith(_SSH_KEY_TYPES)


def _der_element(data: bytes, pos: int) -> tuple[int, int, int] | None:
    """The DER element at ``pos``: (tag, content start, content end), or ``None`` when it is
    not well-formed. Single-byte tags, definite lengths of up to 4 length bytes."""
    if len(data) - pos < 2:
        return None
    tag, first = data[pos], data[pos + 1]
    if tag & 0x1F == 0x1F:
        return None  # high-tag-number form: never in keys
    pos += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or len(data) - pos < count:
            return None
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if len(data) - pos < length:
        return None
    return tag, pos, pos + length


def _is_der_structure(secret: bytes) -> bool:
    """A SEQUENCE spanning the whole secret whose content is at least two well-formed
    elements, the first a SEQUENCE or an INTEGER: the shape of every key and certificate,
    which a random secret has with negligible odds."""
    whole = _der_element(secret, 0)
    if whole is None or whole[0] != _TAG_SEQUENCE or whole[2] != len(secret):
        return False
    items = _children(secret, whole[1], whole[2])
    # _children stops at the first malformed element: the items must cover the content.
    covered = items[-1][3] if items else whole[1]
    return covered == whole[2] and len(items) >= 2 and items[0][0] in {_TAG_SEQUENCE, _TAG_INTEGER}


def _check_hmac_secret(secret: bytes) -> None:
    """Refuses an empty secret, and one that is really a key (algorithm confusion)."""
    if not secret:
        raise InvalidKeyError(_EMPTY_SECRET)
    if (
        b"-----BEGIN " in secret
        or b"---- BEGIN " in secret
        or _is_ssh_key(secret)
        or _is_der_structure(secret)
    ):
        raise InvalidKeyError(_ASYMMETRIC_SECRET)
    # Any run of whitespace and byte order marks, as a JSON reader might skip.
    text = secret.lstrip(_ASCII_WHITESPACE)
    while text.startswith(_BOM):
        text = text[len(_BOM) :].lstrip(_ASCII_WHITESPACE)
    if text[:1] in {b"{", b"["} and b'"kty"' in text:
        raise InvalidKeyError(_JWK_SECRET)


# -------------------------------------------------------------------------------- Key


class Key:
    """A key parsed once, for repeated use: the fast path for asymmetric keys.

    Make one with ``Key.from_pem(text)`` (PEM, or an OpenSSH public key line),
    ``Key.from_jwk(jwk)`` (a dict or its JSON text) or ``Key.from_secret(secret)`` (HMAC).
    Its attributes are read-only and its ``repr`` never shows key material.
    """

    __slots__ = ("_alg", "_curve", "_kid", "_kty", "_private", "_public", "_secret")

    _kty: str
    _curve: str | None
    _kid: str | None
    _alg: str | None
    # Exactly one of: the HMAC secret; or the public key (with the private key, if any).
    _secret: bytes | None
    _private: _PrivateKey | None
    _public: _PublicKey | None

    def __new__(cls, *args: object, **kwargs: object) -> Key:
        """Refused, as on the native side: keys come from the ``from_*`` constructors."""
        msg = "cannot create 'covet_rust_core.jwt.Key' instances"
        raise TypeError(msg)

    @classmethod
    def _make(
        cls,
        kty: str,
        curve: str | None,
        *,
        secret: bytes | None = None,
        private: _PrivateKey | None = None,
        public: _PublicKey | None = None,
    ) -> Key:
        key = object.__new__(cls)
        key._kty = kty
        key._curve = curve
        key._kid = None
        key._alg = None
        key._secret = secret
        key._private = private
        key._public = public
        return key

    @staticmethod
    def from_pem(data: str | bytes, /) -> Key:
        """A key from PEM text (public, private or certificate) or an OpenSSH public key line."""
        return _cached_text_key(_text_or_bytes(data, "from_pem() argument"))

    @staticmethod
    def from_jwk(jwk: Mapping[str, Any] | str | bytes, /) -> Key:
        """A key from a JWK: a dict, or its JSON text."""
        return _key_from_jwk(_jwk_items(jwk, "from_jwk() argument"))

    @staticmethod
    def from_secret(secret: str | bytes, /) -> Key:
        """An HMAC key (HS256/384/512) from a secret: str (UTF-8) or bytes."""
        raw = _text_or_bytes(secret, "from_secret() argument")
        _check_hmac_secret(raw)
        return Key._make("oct", None, secret=raw)

    @property
    def kty(self) -> str:
        """The JWK key type: "oct", "RSA", "EC" or "OKP"."""
        return self._kty

    @property
    def curve(self) -> str | None:
        """The curve: "P-256", "P-384", "Ed25519", or None."""
        return self._curve

    @property
    def is_private(self) -> bool:
        """True when the key can sign (a private key or an HMAC secret)."""
        return self._secret is not None or self._private is not None

    @property
    def kid(self) -> str | None:
        """The JWK's "kid", or None."""
        return self._kid

    @property
    def alg(self) -> str | None:
        """The JWK's "alg", or None."""
        return self._alg

    def __repr__(self) -> str:
        return (
            f"Key(kty={self._kty!r}, curve={self._curve!r}, is_private={self.is_private!r}, "
            f"kid={self._kid!r}, alg={self._alg!r})"
        )

    def __reduce__(self) -> NoReturn:
        # Key material is never written out behind the caller's back (nor can the native
        # class be pickled).
        msg = "cannot pickle 'covet_rust_core.jwt.Key' object"
        raise TypeError(msg)

    def _check(self, alg: str, purpose: Purpose) -> None:
        """Whether this key can be used with ``alg`` for ``purpose``: type, curve, private
        half."""
        if (self._kty, self._curve) != _NEEDS[alg]:
            if alg in _HMAC_HASHES:
                raise InvalidKeyError(_ASYMMETRIC_SECRET)
            describe = _DESCRIBE[self._kty, self._curve]
            msg = f"{describe} cannot be used with {alg}"
            raise InvalidKeyError(msg)
        if purpose == "sign" and not self.is_private:
            msg = f"{alg} needs a private key to sign; this is a public key"
            raise InvalidKeyError(msg)


class KeySet:
    """A parsed JWK set: ``KeySet.from_jwks(jwks)`` with a dict holding "keys", or its JSON
    text. Entries that cannot be used for signatures are skipped."""

    __slots__ = ("_keys",)

    _keys: tuple[Key, ...]

    def __new__(cls, *args: object, **kwargs: object) -> KeySet:
        """Refused, as on the native side: sets come from ``KeySet.from_jwks``."""
        msg = "cannot create 'covet_rust_core.jwt.KeySet' instances"
        raise TypeError(msg)

    @staticmethod
    def from_jwks(jwks: Mapping[str, Any] | str | bytes, /) -> KeySet:
        """A set from a dict holding "keys", or its JSON text; unusable entries are skipped."""
        entries = member(_jwk_items(jwks, "from_jwks() argument"), "keys")
        if entries is MISSING:
            msg = 'a JWK set is a JSON object with a "keys" list'
            raise InvalidKeyError(msg)
        key_set = object.__new__(KeySet)
        key_set._keys = _key_set(entries)
        return key_set

    def __len__(self) -> int:
        return len(self._keys)

    def get(self, kid: str, /) -> Key | None:
        """The key whose "kid" is ``kid``, or None."""
        if not is_a(kid, str):
            msg = f"get() argument must be str, not {type(kid).__name__}"
            raise TypeError(msg)
        # By its characters: a subclass's __eq__ is not asked.
        text = str.__str__(kid)
        return next((key for key in self._keys if key._kid == text), None)

    @property
    def keys(self) -> list[Key]:
        """The usable keys, in the set's order."""
        return list(self._keys)

    def __repr__(self) -> str:
        return f"KeySet({len(self._keys)} keys)"

    def __reduce__(self) -> NoReturn:
        msg = "cannot pickle 'covet_rust_core.jwt.KeySet' object"
        raise TypeError(msg)


# ------------------------------------------------------------------- arguments and JWKs


def _text_or_bytes(value: object, what: str) -> bytes:
    """The bytes of a str (UTF-8) or bytes argument, through the base types (a subclass's
    ``encode`` or ``__bytes__`` is not called)."""
    if is_a(value, str):
        return str.encode(value, "utf-8")  # type: ignore[arg-type]
    if is_a(value, bytes):
        return bytes_data(value)  # type: ignore[arg-type]
    msg = f"{what} must be str or bytes, not {type(value).__name__}"
    raise TypeError(msg)


def _jwk_items(value: object, what: str) -> list[tuple[Any, Any]]:
    """A JWK or JWK set given as a dict (its items, read through dict itself) or as JSON
    text."""
    if is_a(value, dict):
        return dict_items(value)  # type: ignore[arg-type]
    if is_a(value, (str, bytes)):
        try:
            parsed = loads(_text_or_bytes(value, what))
        except ValueError:
            msg = "the JWK is not valid JSON"
            raise InvalidKeyError(msg) from None
        if not isinstance(parsed, dict):
            msg = "a JWK is a JSON object"
            raise InvalidKeyError(msg)
        return dict_items(parsed)
    msg = f"{what} must be a dict or JSON text, not {type(value).__name__}"
    raise TypeError(msg)


# The members a JWK may have that are read here; each must be a string.
_JWK_TEXT_MEMBERS: Final = ("kty", "crv", "alg", "kid", "use")
_JWK_BYTE_MEMBERS: Final = ("k", "n", "e", "d", "p", "q", "dp", "dq", "qi", "x", "y")


class _Jwk:
    """A JWK's string members, checked; its base64url members decoded on demand."""

    __slots__ = ("members",)

    def __init__(self, items: list[tuple[Any, Any]]) -> None:
        self.members: dict[str, str] = {}
        for name in (*_JWK_TEXT_MEMBERS, *_JWK_BYTE_MEMBERS):
            value = member(items, name)
            if value is MISSING:
                continue
            if not is_a(value, str):
                msg = f'the JWK\'s "{name}" must be a string'
                raise InvalidKeyError(msg)
            # Its characters, as an exact str: compared and returned (Key.kid) by text.
            text = str.__str__(value)
            if not text.isascii():
                try:
                    text.encode()
                except UnicodeEncodeError:
                    msg = f'the JWK\'s "{name}" holds a lone surrogate'
                    raise InvalidKeyError(msg) from None
            self.members[name] = text

    def text(self, name: str) -> str | None:
        return self.members.get(name)

    def raw(self, name: str) -> bytes | None:
        """The decoded member ``name``; ``None`` when absent."""
        text = self.members.get(name)
        if text is None:
            return None
        try:
            raw = b64url_decode(text.encode("ascii"))
        except UnicodeEncodeError:
            raw = None
        if raw is None:
            msg = f'the JWK\'s "{name}" is not valid base64url'
            raise InvalidKeyError(msg)
        return raw

    def required(self, name: str) -> bytes:
        raw = self.raw(name)
        if raw is None:
            raise _missing(name)
        return raw


def _missing(member: str) -> InvalidKeyError:
    return InvalidKeyError(f'the JWK has no "{member}" member')


def _key_from_jwk(items: list[tuple[Any, Any]]) -> Key:
    """A key from a JWK's items (RFC 7517, RFC 7518 §6, RFC 8037 §2)."""
    jwk = _Jwk(items)
    usage = jwk.text("use")
    if usage is not None and usage != "sig":
        msg = f'the JWK is for use "{usage}", not "sig"'
        raise InvalidKeyError(msg)
    alg = jwk.text("alg")
    if alg is not None and alg not in ALGORITHMS:
        msg = f'the JWK\'s alg "{alg}" is not a supported signing algorithm'
        raise InvalidKeyError(msg)
    kty = jwk.text("kty")
    if kty == "oct":
        secret = jwk.required("k")
        if not secret:
            raise InvalidKeyError(_EMPTY_SECRET)
        key = Key._make("oct", None, secret=secret)
    elif kty in _JWK_BUILDERS:
        _require_cryptography(f"a JWK of kty {kty!r}")
        key = _JWK_BUILDERS[kty](jwk)
    elif kty is None:
        raise _missing("kty")
    else:
        msg = f'JWK kty "{kty}" is not supported (oct, RSA, EC and OKP are)'
        raise InvalidKeyError(msg)
    if alg is not None:
        key._check(alg, "verify")
    key._alg = alg
    key._kid = jwk.text("kid")
    return key


def _key_set(entries: object) -> tuple[Key, ...]:
    """The usable keys of a JWK set's ``"keys"`` (a list, read through list itself);
    unusable entries are skipped."""
    if not is_a(entries, list):
        msg = 'a JWK set\'s "keys" must be a list'
        raise InvalidKeyError(msg)
    keys = []
    for entry in collection_items(entries) or ():
        if not is_a(entry, dict):
            continue
        # A set from an identity provider mixes in keys for other uses (encryption, curves
        # we do not support): those are skipped, not fatal.
        try:
            keys.append(_key_from_jwk(dict_items(entry)))
        except InvalidKeyError:
            continue
    if not keys:
        msg = "the JWK set holds no usable signing keys"
        raise InvalidKeyError(msg)
    return tuple(keys)


def _select(keys: tuple[Key, ...], kid: str | None) -> Key:
    """The key of a set for a token with ``kid``."""
    if kid is not None:
        for key in keys:
            if key._kid == kid:
                return key
        msg = f'No key in the JWK set has kid "{kid}"'
        raise DecodeError(msg)
    if len(keys) == 1:
        return keys[0]
    msg = f"The token has no kid header and the JWK set holds {len(keys)} keys"
    raise DecodeError(msg)


def resolve_key(key: object, alg: str, kid: str | None, purpose: Purpose) -> Key:
    """The key to use with ``alg`` from whatever the caller passed (docs/JWT.md, "Keys")."""
    if alg not in _HMAC_HASHES:
        _require_cryptography(alg)
    resolved: Key
    if is_a(key, Key):
        resolved = key  # type: ignore[assignment]
    elif is_a(key, KeySet):
        _refuse_set_for_signing(purpose)
        resolved = _select(key._keys, kid)  # type: ignore[attr-defined]
    elif is_a(key, (str, bytes)):
        raw = _text_or_bytes(key, "key")
        if alg in _HMAC_HASHES:
            _check_hmac_secret(raw)
            resolved = Key._make("oct", None, secret=raw)
        else:
            resolved = _cached_text_key(raw)
    elif is_a(key, dict):
        # Read once through dict itself; a JWK set when it has "keys".
        items = dict_items(key)  # type: ignore[arg-type]
        entries = member(items, "keys")
        if entries is not MISSING:
            _refuse_set_for_signing(purpose)
            resolved = _select(_key_set(entries), kid)
        else:
            resolved = _key_from_jwk(items)
    else:
        resolved = _key_object(key)
    if resolved._alg is not None and resolved._alg != alg:
        if purpose == "verify":
            msg = f"Token algorithm '{alg}' does not match the key's algorithm '{resolved._alg}'"
            raise InvalidAlgorithmError(msg)
        msg = f"the key is for {resolved._alg}, not {alg}"
        raise InvalidKeyError(msg)
    resolved._check(alg, purpose)
    return resolved


def _key_object(key: object) -> Key:
    """A ``cryptography`` key object's key (as PyJWT accepts them); a TypeError for anything
    else."""
    pem = pem_of_key_object(key)
    if pem is None:
        msg = (
            "key must be str, bytes, a JWK dict, jwt.Key, jwt.KeySet or a cryptography key "
            f"object, not {type(key).__name__}"
        )
        raise TypeError(msg)
    return _cached_text_key(pem)


def _refuse_set_for_signing(purpose: Purpose) -> None:
    if purpose == "sign":
        msg = "A JWK set cannot sign: pass one key"
        raise InvalidKeyError(msg)


# ---------------------------------------------------------------- signing and verifying


def sign(key: Key, alg: str, message: bytes) -> bytes:
    """The signature of ``message``; ``key`` was checked for ``alg`` by ``resolve_key``."""
    if key._secret is not None:
        return hmac.new(key._secret, message, _HMAC_HASHES[alg]).digest()
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, utils

    private = key._private
    if isinstance(private, rsa.RSAPrivateKey):
        return private.sign(message, _rsa_padding(alg), _hash(alg))
    if isinstance(private, ec.EllipticCurvePrivateKey):
        r, s = utils.decode_dss_signature(private.sign(message, ec.ECDSA(_hash(alg))))
        width = _field_len(private.curve.key_size)
        return r.to_bytes(width, "big") + s.to_bytes(width, "big")
    if isinstance(private, ed25519.Ed25519PrivateKey):
        return private.sign(message)
    # resolve_key checked that the key can sign: not reached.
    msg = f"signing with {alg} failed"
    raise InvalidKeyError(msg)


def verify(key: Key, alg: str, message: bytes, signature: bytes) -> None:
    """Raises ``InvalidSignatureError`` unless ``signature`` is ``key``'s over ``message``."""
    if key._secret is not None:
        expected = hmac.new(key._secret, message, _HMAC_HASHES[alg]).digest()
        if not hmac.compare_digest(expected, signature):
            raise InvalidSignatureError("Signature verification failed")
        return
    if not _verify_asymmetric(key._public, alg, message, signature):
        raise InvalidSignatureError("Signature verification failed")


def _verify_asymmetric(
    public: _PublicKey | None, alg: str, message: bytes, signature: bytes
) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, utils

    try:
        if isinstance(public, rsa.RSAPublicKey):
            # RFC 8017 §8.1.2 / §8.2.2: a signature is exactly as long as the modulus.
            if len(signature) != (public.key_size + 7) // 8:
                return False
            public.verify(signature, message, _rsa_padding(alg), _hash(alg))
        elif isinstance(public, ec.EllipticCurvePublicKey):
            width = _field_len(public.curve.key_size)
            if len(signature) != 2 * width:
                return False
            r = int.from_bytes(signature[:width], "big")
            s = int.from_bytes(signature[width:], "big")
            public.verify(utils.encode_dss_signature(r, s), message, ec.ECDSA(_hash(alg)))
        elif isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, message)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _hash(alg: str) -> hashes.HashAlgorithm:
    from cryptography.hazmat.primitives import hashes

    bits = alg[-3:]
    if bits == "384":
        return hashes.SHA384()
    if bits == "512":
        return hashes.SHA512()
    return hashes.SHA256()


def _rsa_padding(alg: str) -> Any:
    """PKCS#1 v1.5 for RS*; PSS for PS* with MGF1 of the same hash and a salt as long as the
    hash (RFC 7518 §3.5), when verifying too: a verifier that guesses the salt length
    accepts signatures no JWS signer makes."""
    from cryptography.hazmat.primitives.asymmetric import padding

    if alg.startswith("RS"):
        return padding.PKCS1v15()
    digest = _hash(alg)
    return padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)


def _field_len(curve_bits: int) -> int:
    """Bytes of one coordinate, and of ``r`` or ``s`` in a signature."""
    return (curve_bits + 7) // 8


# ---------------------------------------------------------------- asymmetric key parsing


@functools.cache
def _cryptography_missing() -> bool:
    try:
        for name in ("asymmetric", "serialization", "hashes"):
            importlib.import_module(f"cryptography.hazmat.primitives.{name}")
        importlib.import_module("cryptography.x509")
    except ImportError:
        return True
    return False


def _require_cryptography(what: str) -> None:
    """``NotImplementedError`` naming the package when ``cryptography`` cannot be imported."""
    if _cryptography_missing():
        raise NotImplementedError(_NO_CRYPTOGRAPHY.format(what))


@functools.lru_cache(maxsize=KEY_CACHE_ENTRIES)
def _cached_text_key(text: bytes) -> Key:
    """The key for PEM or OpenSSH ``text``, parsed once and kept among the most recently used
    64 texts. Failures are not cached (``lru_cache`` keeps no exceptions)."""
    _require_cryptography("a PEM or OpenSSH key")
    if _is_ssh_key(text):
        return _key_from_ssh(text)
    return _key_from_pem(text)


def _parsed(parse: Callable[[], Any]) -> Any:
    """The result of a ``cryptography`` loader; any failure of it is an ``InvalidKeyError``.
    (Its documented failures are ValueError, TypeError and UnsupportedAlgorithm; a key
    parser must not let any other one out either.)"""
    try:
        return parse()
    except MemoryError:
        # Not the key's fault: the MemoryError every buffer of the input may raise.
        raise
    except Exception as error:
        msg = f"invalid key: {error}"
        raise InvalidKeyError(msg) from error


# The OpenSSH key types a key can be read from, and the curve each EC one must be on.
_SSH_SUPPORTED: Final = (b"ssh-rsa", b"ecdsa-sha2-nistp256", b"ecdsa-sha2-nistp384", b"ssh-ed25519")


def _key_from_ssh(text: bytes) -> Key:
    """A public key from an OpenSSH line, ``type base64 [comment]``."""
    from cryptography.hazmat.primitives import serialization

    line = text.strip(_ASCII_WHITESPACE)
    kind = line.split(None, 1)[0]
    if kind not in _SSH_SUPPORTED:
        msg = f"OpenSSH {kind.decode('utf-8', 'replace')} keys are not supported"
        raise InvalidKeyError(msg)
    return _key_from_public(_parsed(lambda: serialization.load_ssh_public_key(line)))


_PEM_BEGIN: Final = b"-----BEGIN "
_PEM_DASHES: Final = b"-----"


def _first_pem_block(text: bytes) -> tuple[str, bytes] | None:
    """The label and body of the first complete PEM block of ``text``."""
    start = text.find(_PEM_BEGIN)
    if start < 0:
        return None
    start += len(_PEM_BEGIN)
    label_end = text.find(_PEM_DASHES, start)
    if label_end < 0:
        return None
    try:
        label = text[start:label_end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    body_start = label_end + len(_PEM_DASHES)
    body_end = text.find(b"-----END " + text[start:label_end] + _PEM_DASHES, body_start)
    if body_end < 0:
        return None
    return label, text[body_start:body_end]


def _key_from_pem(text: bytes) -> Key:
    """A key from the first PEM block of ``text``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    block = _first_pem_block(text)
    if block is None:
        msg = "expected a PEM key (-----BEGIN ...-----) or an OpenSSH public key line"
        raise InvalidKeyError(msg)
    label, body = block
    # RFC 1421 encapsulated headers ("Proc-Type: 4,ENCRYPTED") mark legacy encrypted keys.
    if label == "ENCRYPTED PRIVATE KEY" or (b":" in body and label.endswith("PRIVATE KEY")):
        msg = "encrypted private keys are not supported: decrypt the key first"
        raise InvalidKeyError(msg)
    pem = b"%s%s-----%s-----END %s-----\n" % (_PEM_BEGIN, label.encode(), body, label.encode())
    if label in {"PUBLIC KEY", "PRIVATE KEY"}:
        _refuse_rsa_pss(_key_algorithm_oid(_pem_der(body)))
    if label in {"PUBLIC KEY", "RSA PUBLIC KEY"}:
        return _key_from_public(_parsed(lambda: serialization.load_pem_public_key(pem)))
    if label == "CERTIFICATE":
        certificate = _parsed(lambda: x509.load_pem_x509_certificate(pem))
        _refuse_rsa_pss(_key_algorithm_oid(_certificate_spki(_pem_der(body))))
        return _key_from_public(_parsed(certificate.public_key))
    if label in {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"}:
        return _key_from_private(
            _parsed(lambda: serialization.load_pem_private_key(pem, password=None))
        )
    msg = f'PEM blocks labelled "{label}" are not supported keys'
    raise InvalidKeyError(msg)


# id-RSASSA-PSS (RFC 4055): RSA keys restricted to PSS. The native side's AWS-LC refuses
# them; cryptography would load them as plain RSA keys, so they are refused here by their
# algorithm identifier, to give the same answer.
_OID_RSASSA_PSS = bytes.fromhex("2a864886f70d01010a")


def _pem_der(body: bytes) -> bytes:
    """The DER bytes of a PEM body (b"" when it is not base64: the parser refuses it then)."""
    try:
        return base64.b64decode(b"".join(body.split()), validate=True)
    except ValueError:
        return b""


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """The DER elements between ``start`` and ``end``, as (tag, element start, content start,
    content end), as many as are well-formed."""
    items = []
    while start < end:
        element = _der_element(data[:end], start)
        if element is None:
            break
        items.append((element[0], start, element[1], element[2]))
        start = element[2]
    return items


def _key_algorithm_oid(der: bytes) -> bytes | None:
    """The algorithm OID (content bytes) of a SubjectPublicKeyInfo or a PKCS#8 key."""
    outer = _der_element(der, 0)
    if outer is None or outer[0] != 0x30:
        return None
    items = _children(der, outer[1], outer[2])
    # SPKI: SEQUENCE { algorithm, key }; PKCS#8: SEQUENCE { version, algorithm, key, ... }.
    index = 1 if items and items[0][0] == 0x02 else 0
    if len(items) <= index or items[index][0] != 0x30:
        return None
    algorithm = _children(der, items[index][2], items[index][3])
    if not algorithm or algorithm[0][0] != 0x06:
        return None
    return der[algorithm[0][2] : algorithm[0][3]]


def _certificate_spki(der: bytes) -> bytes:
    """The SubjectPublicKeyInfo of an X.509 certificate (b"" when malformed)."""
    outer = _der_element(der, 0)
    if outer is None:
        return b""
    parts = _children(der, outer[1], outer[2])
    if not parts or parts[0][0] != 0x30:
        return b""
    fields = _children(der, parts[0][2], parts[0][3])
    # [0] version is optional; then serial, signature, issuer, validity, subject, key.
    skip = 1 if fields and fields[0][0] == 0xA0 else 0
    if len(fields) <= skip + 5 or fields[skip + 5][0] != 0x30:
        return b""
    _, begin, _, end = fields[skip + 5]
    return der[begin:end]


def _refuse_rsa_pss(oid: bytes | None) -> None:
    if oid == _OID_RSASSA_PSS:
        msg = "RSASSA-PSS-restricted RSA keys are not supported; use a plain RSA key"
        raise InvalidKeyError(msg)


def _curve_name(curve: ec.EllipticCurve) -> str:
    """The JWK name of a supported curve; other curves are refused."""
    names = {"secp256r1": "P-256", "secp384r1": "P-384"}
    if curve.name not in names:
        msg = f"keys on the curve {curve.name} are not supported (P-256 and P-384 are)"
        raise InvalidKeyError(msg)
    return names[curve.name]


def _check_rsa_bits(bits: int) -> None:
    if not RSA_MIN_BITS <= bits <= RSA_MAX_BITS:
        msg = f"RSA key of {bits} bits: {RSA_MIN_BITS} to {RSA_MAX_BITS} bits are supported"
        raise InvalidKeyError(msg)


def _key_from_public(public: object) -> Key:
    """A verifying key from a ``cryptography`` public key of a supported type."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    if isinstance(public, rsa.RSAPublicKey):
        _check_rsa_bits(public.key_size)
        return Key._make("RSA", None, public=public)
    if isinstance(public, ec.EllipticCurvePublicKey):
        return Key._make("EC", _curve_name(public.curve), public=public)
    if isinstance(public, ed25519.Ed25519PublicKey):
        return Key._make("OKP", "Ed25519", public=public)
    msg = f"{type(public).__name__} keys are not supported (RSA, EC P-256/P-384, Ed25519 are)"
    raise InvalidKeyError(msg)


def _key_from_private(private: object) -> Key:
    """A signing key from a ``cryptography`` private key of a supported type."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    if isinstance(
        private, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey)
    ):
        key = _key_from_public(private.public_key())
    else:
        msg = f"{type(private).__name__} keys are not supported (RSA, EC P-256/P-384, Ed25519 are)"
        raise InvalidKeyError(msg)
    key._private = private
    return key


def _rsa_from_jwk(jwk: _Jwk) -> Key:
    from cryptography.hazmat.primitives.asymmetric import rsa

    n = int.from_bytes(jwk.required("n"), "big")
    e = int.from_bytes(jwk.required("e"), "big")
    if jwk.raw("d") is None:
        _check_rsa_bits(n.bit_length())
        public_numbers = rsa.RSAPublicNumbers(e, n)
        return _key_from_public(_parsed(public_numbers.public_key))
    values = []
    for name in ("d", "p", "q", "dp", "dq", "qi"):
        raw = jwk.raw(name)
        if raw is None:
            msg = "RSA private JWKs need d, p, q, dp, dq and qi"
            raise InvalidKeyError(msg)
        values.append(int.from_bytes(raw, "big"))
    _check_rsa_bits(n.bit_length())
    d, p, q, dp, dq, qi = values
    numbers = rsa.RSAPrivateNumbers(p, q, d, dp, dq, qi, rsa.RSAPublicNumbers(e, n))
    return _key_from_private(_parsed(numbers.private_key))


# The order of each curve's base point: a private scalar is in [1, order).
_EC_ORDERS: Final = {
    "P-256": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "P-384": int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
        "581A0DB248B0A77AECEC196ACCC52973",
        16,
    ),
}


def _ec_from_jwk(jwk: _Jwk) -> Key:
    from cryptography.hazmat.primitives.asymmetric import ec

    crv = jwk.text("crv")
    curves: dict[str, ec.EllipticCurve] = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}
    if crv is None:
        raise _missing("crv")
    if crv not in curves:
        msg = f'EC curve "{crv}" is not supported (P-256 and P-384 are)'
        raise InvalidKeyError(msg)
    curve = curves[crv]
    width = _field_len(curve.key_size)

    def coordinate(name: str) -> int:
        raw = jwk.required(name)
        if len(raw) != width:
            msg = f"the JWK's {name} must be {width} bytes on {crv}"
            raise InvalidKeyError(msg)
        return int.from_bytes(raw, "big")

    x, y = coordinate("x"), coordinate("y")
    public_numbers = ec.EllipticCurvePublicNumbers(x, y, curve)
    if jwk.raw("d") is None:
        return _key_from_public(_parsed(public_numbers.public_key))
    d = coordinate("d")
    if not 0 < d < _EC_ORDERS[crv]:
        msg = "invalid EC private JWK: d is out of range"
        raise InvalidKeyError(msg)
    private = _parsed(lambda: ec.derive_private_key(d, curve))
    if private.public_key().public_numbers() != public_numbers:
        msg = "invalid EC private JWK: d does not match x and y"
        raise InvalidKeyError(msg)
    return _key_from_private(private)


def _okp_from_jwk(jwk: _Jwk) -> Key:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    crv = jwk.text("crv")
    if crv is None:
        raise _missing("crv")
    if crv != "Ed25519":
        msg = f'OKP curve "{crv}" is not supported (Ed25519 is)'
        raise InvalidKeyError(msg)
    x = jwk.required("x")
    d = jwk.raw("d")
    if d is None:
        return _key_from_public(_parsed(lambda: ed25519.Ed25519PublicKey.from_public_bytes(x)))
    private = _parsed(lambda: ed25519.Ed25519PrivateKey.from_private_bytes(d))
    raw = serialization.Encoding.Raw
    derived = private.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
    if not hmac.compare_digest(derived, x):
        msg = "invalid Ed25519 private JWK: d does not match x"
        raise InvalidKeyError(msg)
    return _key_from_private(private)


_JWK_BUILDERS: Final[dict[str, Callable[[_Jwk], Key]]] = {
    "RSA": _rsa_from_jwk,
    "EC": _ec_from_jwk,
    "OKP": _okp_from_jwk,
}
