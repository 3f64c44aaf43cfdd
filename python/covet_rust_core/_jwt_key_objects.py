"""``cryptography`` key objects as JWT keys, as PyJWT accepts them:
``jwt.encode(payload, private_key_object, algorithm="RS256")``.

Both backends call :func:`pem_of_key_object` for a key that is none of their own types (the
native one from its binding). It never imports ``cryptography``: an object of its types can
only exist once the application has imported it, so when ``cryptography`` is not in
``sys.modules`` the key is not one.
"""

from __future__ import annotations

import sys


def pem_of_key_object(key: object) -> bytes | None:
    """The PEM form of a ``cryptography`` RSA, EC or Ed25519 key object (PKCS#8 for a private
    key, SubjectPublicKeyInfo for a public one), or None when ``key`` is not one of those."""
    if "cryptography" not in sys.modules:
        return None
    # Imported here, and only once the application has imported cryptography.
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa  # noqa: PLC0415

    if isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey)):
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    if isinstance(key, (rsa.RSAPublicKey, ec.EllipticCurvePublicKey, ed25519.Ed25519PublicKey)):
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    return None
