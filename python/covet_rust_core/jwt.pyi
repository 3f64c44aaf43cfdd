# The public jwt API, typed as the native one; the twin has the same names and signatures
# (tests/contract/test_exports.py).
from covet_rust_core._jwks import PyJWKClient as PyJWKClient
from covet_rust_core._jwks import PyJWKClientConnectionError as PyJWKClientConnectionError
from covet_rust_core._jwks import PyJWKClientError as PyJWKClientError
from covet_rust_core._jwks import SigningKey as SigningKey
from covet_rust_core._native.jwt import *  # noqa: F403 (the stub re-exports that module's __all__)
from covet_rust_core._native.jwt import __all__ as __all__

__all__ += ["PyJWKClient", "PyJWKClientConnectionError", "PyJWKClientError", "SigningKey"]
