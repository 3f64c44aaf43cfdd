"""Stub for the compiled extension ``covet_rust_core._native`` (crates/covet-python/src/lib.rs)."""

import asyncio
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any, Final, Literal, TypeAlias, final

from typing_extensions import Buffer, Self

from covet_rust_core._json_errors import JSONDecodeError as JSONDecodeError
from covet_rust_core._json_errors import JSONEncodeError as JSONEncodeError

__all__ = [
    "AUTO",
    "JWT_ALGORITHMS",
    "JWT_DEFAULT_MAX_TOKEN_BYTES",
    "JSONDecodeError",
    "JSONEncodeError",
    "JwtKey",
    "JwtKeySet",
    "Replacer",
    "__version__",
    "aio_blake3_digest",
    "aio_blake3_file",
    "aio_blake3_hexdigest",
    "aio_jwt_decode",
    "aio_jwt_decode_complete",
    "aio_jwt_encode",
    "blake3",
    "blake3_digest",
    "blake3_file",
    "blake3_hexdigest",
    "build_profile",
    "dumps",
    "dumps_str",
    "escape_html",
    "jwt_decode",
    "jwt_decode_complete",
    "jwt_encode",
    "jwt_get_unverified_header",
    "loads",
    "multi_replace",
    "native_info",
    "parse_qs",
    "parse_qsl",
    "quote",
    "quote_plus",
    "secure_filename",
    "slugify",
    "to_camel",
    "to_camel_keys",
    "to_kebab",
    "to_kebab_keys",
    "to_pascal",
    "to_pascal_keys",
    "to_snake",
    "to_snake_keys",
    "transliterate",
    "unquote",
    "unquote_plus",
    "urlencode",
    "xxh3_64",
    "xxh3_64_digest",
    "xxh3_64_hasher",
    "xxh3_64_hexdigest",
    "xxh3_128",
    "xxh3_128_digest",
    "xxh3_128_hasher",
    "xxh3_128_hexdigest",
]

__version__: Final[str]
build_profile: Final[str]
AUTO: Final[int]

def native_info() -> dict[str, Any]:
    """Build and CPU facts: version, profile, opt_level, debug_assertions, is_debug_build,
    rustc, target, pyo3, python_abi, free_threaded_build, cpu_features."""

@final
class blake3:
    name: Final = "blake3"
    digest_size: Final = 32
    block_size: Final = 64
    key_size: Final = 32
    AUTO: Final = -1
    def __new__(
        cls,
        data: Buffer | None = None,
        /,
        *,
        key: Buffer | None = None,
        derive_key_context: str | None = None,
        max_threads: int = 1,
        usedforsecurity: bool = True,
    ) -> Self: ...
    def update(self, data: Buffer, /) -> Self: ...
    def digest(self, length: int = 32, *, seek: int = 0) -> bytes: ...
    def hexdigest(self, length: int = 32, *, seek: int = 0) -> str: ...
    def copy(self) -> Self: ...
    def reset(self) -> None: ...

def blake3_digest(
    data: Buffer,
    /,
    *,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
    max_threads: int = 1,
) -> bytes: ...
def blake3_hexdigest(
    data: Buffer,
    /,
    *,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
    max_threads: int = 1,
) -> str: ...
def blake3_file(
    path: str | bytes | os.PathLike[str] | os.PathLike[bytes],
    *,
    max_threads: int = 1,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
) -> bytes: ...
def xxh3_64(data: Buffer, seed: int | None = None) -> int: ...
def xxh3_64_digest(data: Buffer, seed: int | None = None) -> bytes: ...
def xxh3_64_hexdigest(data: Buffer, seed: int | None = None) -> str: ...
def xxh3_128(data: Buffer, seed: int | None = None) -> int: ...
def xxh3_128_digest(data: Buffer, seed: int | None = None) -> bytes: ...
def xxh3_128_hexdigest(data: Buffer, seed: int | None = None) -> str: ...

@final
class xxh3_64_hasher:
    name: Final = "XXH3_64"
    digest_size: Final = 8
    block_size: Final = 32
    def __new__(cls, data: Buffer | None = None, seed: int | None = None) -> Self: ...
    @property
    def seed(self) -> int: ...
    def update(self, data: Buffer) -> Self: ...
    def intdigest(self) -> int: ...
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...
    def copy(self) -> Self: ...
    def reset(self) -> None: ...

@final
class xxh3_128_hasher:
    name: Final = "XXH3_128"
    digest_size: Final = 16
    block_size: Final = 64
    def __new__(cls, data: Buffer | None = None, seed: int | None = None) -> Self: ...
    @property
    def seed(self) -> int: ...
    def update(self, data: Buffer) -> Self: ...
    def intdigest(self) -> int: ...
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...
    def copy(self) -> Self: ...
    def reset(self) -> None: ...

# JSON (crates/covet-python/src/json/, contract in docs/JSON.md)

def dumps(
    obj: Any,
    /,
    *,
    default: Callable[[Any], Any] | None = None,
    sort_keys: bool = False,
    indent: int | None = None,
    non_str_keys: bool = False,
    nan: Literal["error", "null"] = "error",
    append_newline: bool = False,
) -> bytes:
    """Serialize ``obj`` to compact JSON as UTF-8 ``bytes``."""

def dumps_str(
    obj: Any,
    /,
    *,
    default: Callable[[Any], Any] | None = None,
    sort_keys: bool = False,
    indent: int | None = None,
    non_str_keys: bool = False,
    nan: Literal["error", "null"] = "error",
    append_newline: bool = False,
) -> str:
    """Like ``dumps``, returning ``str``."""

def loads(data: str | Buffer, /) -> Any:
    """Parse a JSON document (strict RFC 8259) from ``str`` or UTF-8 bytes."""

# JWT (docs/JWT.md); the package exposes these as covet_rust_core.jwt.*.

JWT_ALGORITHMS: tuple[str, ...]
JWT_DEFAULT_MAX_TOKEN_BYTES: int

@final
class JwtKey:
    """A key parsed once, for repeated use (``covet_rust_core.jwt.Key``)."""

    @staticmethod
    def from_pem(data: str | bytes, /) -> JwtKey:
        """A key from PEM text (public, private or certificate) or an OpenSSH public key line."""
    @staticmethod
    def from_jwk(jwk: Mapping[str, Any] | str | bytes, /) -> JwtKey:
        """A key from a JWK: a dict, or its JSON text."""
    @staticmethod
    def from_secret(secret: str | bytes, /) -> JwtKey:
        """An HMAC key (HS256/384/512) from a secret."""
    @property
    def kty(self) -> str:
        """The JWK key type: "oct", "RSA", "EC" or "OKP"."""
    @property
    def curve(self) -> str | None:
        """ "P-256", "P-384", "Ed25519", or None."""
    @property
    def is_private(self) -> bool:
        """True when the key can sign (a private key or an HMAC secret)."""
    @property
    def kid(self) -> str | None:
        """The JWK's "kid", or None."""
    @property
    def alg(self) -> str | None:
        """The JWK's "alg", or None."""

@final
class JwtKeySet:
    """A parsed JWK set (``covet_rust_core.jwt.KeySet``)."""

    @staticmethod
    def from_jwks(jwks: Mapping[str, Any] | str | bytes, /) -> JwtKeySet:
        """A set from a dict holding "keys", or its JSON text; unusable entries are skipped."""
    def __len__(self) -> int: ...
    def get(self, kid: str, /) -> JwtKey | None:
        """The key whose "kid" is ``kid``, or None."""
    @property
    def keys(self) -> list[JwtKey]:
        """The usable keys, in the set's order."""

_JwtKeyArg: TypeAlias = str | bytes | Mapping[str, Any] | JwtKey | JwtKeySet

def jwt_encode(
    payload: dict[str, Any],
    key: str | bytes | Mapping[str, Any] | JwtKey,
    algorithm: str = "HS256",
    headers: dict[str, Any] | None = None,
) -> str:
    """Encode ``payload`` as a signed JWT (compact JWS)."""

def jwt_decode(
    token: str | bytes,
    key: _JwtKeyArg | None = None,
    algorithms: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
    leeway: float | timedelta = 0,
    max_token_bytes: int = 262144,
) -> dict[str, Any]:
    """Verify a JWT and return its claims."""

def jwt_decode_complete(
    token: str | bytes,
    key: _JwtKeyArg | None = None,
    algorithms: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
    leeway: float | timedelta = 0,
    max_token_bytes: int = 262144,
) -> dict[str, Any]:
    """Like ``jwt_decode``, returning ``{"header": ..., "payload": ..., "signature": ...}``."""

def jwt_get_unverified_header(token: str | bytes, /) -> dict[str, Any]:
    """The token's header, checked for shape but NOT verified."""

# Strings (crates/covet-python/src/strings/, contract in docs/STRINGS.md); the package
# exposes these as covet_rust_core.strings.*.

def escape_html(s: object) -> str:
    """``str(markupsafe.escape(s))``: HTML-escaped text as a plain ``str``."""

def transliterate(text: str) -> str:
    """ASCII transliteration with the ``deunicode`` table."""

def slugify(
    text: str,
    /,
    *,
    entities: bool = True,
    decimal: bool = True,
    hexadecimal: bool = True,
    max_length: int = 0,
    word_boundary: bool = False,
    save_order: bool = False,
    separator: str = "-",
    stopwords: Iterable[str] = (),
    replacements: Iterable[tuple[str, str]] = (),
    lowercase: bool = True,
    allow_unicode: bool = False,
) -> str:
    """python-slugify's ``slugify`` (legacy pipeline)."""

def to_snake(s: str, /) -> str:
    """pyhumps' ``decamelize``."""

def to_camel(s: str, /) -> str:
    """pyhumps' ``camelize``."""

def to_pascal(s: str, /) -> str:
    """pyhumps' ``pascalize``."""

def to_kebab(s: str, /) -> str:
    """pyhumps' ``kebabize``."""

def to_snake_keys(obj: Any, /) -> Any:
    """``obj`` with the keys of its dicts (through dicts and lists) in snake_case."""

def to_camel_keys(obj: Any, /) -> Any:
    """``obj`` with the keys of its dicts (through dicts and lists) in camelCase."""

def to_pascal_keys(obj: Any, /) -> Any:
    """``obj`` with the keys of its dicts (through dicts and lists) in PascalCase."""

def to_kebab_keys(obj: Any, /) -> Any:
    """``obj`` with the keys of its dicts (through dicts and lists) in kebab-case."""

def quote(string: str | bytes | bytearray, safe: str | bytes = "/") -> str:
    """``urllib.parse.quote`` (UTF-8)."""

def quote_plus(string: str | bytes | bytearray, safe: str | bytes = "") -> str:
    """``urllib.parse.quote_plus`` (UTF-8)."""

def unquote(string: str | bytes) -> str:
    """``urllib.parse.unquote`` (UTF-8, invalid bytes as U+FFFD)."""

def unquote_plus(string: str | bytes) -> str:
    """``urllib.parse.unquote_plus`` (UTF-8, invalid bytes as U+FFFD)."""

def urlencode(
    query: Mapping[Any, Any] | Sequence[tuple[Any, Any]],
    doseq: bool = False,
    safe: str | bytes = "",
) -> str:
    """``urllib.parse.urlencode`` (UTF-8, ``quote_plus``)."""

def parse_qsl(
    qs: str,
    keep_blank_values: bool = False,
    strict_parsing: bool = False,
    max_num_fields: int | None = None,
    separator: str = "&",
) -> list[tuple[str, str]]:
    """``urllib.parse.parse_qsl`` (UTF-8, ``errors="replace"``)."""

def parse_qs(
    qs: str,
    keep_blank_values: bool = False,
    strict_parsing: bool = False,
    max_num_fields: int | None = None,
    separator: str = "&",
) -> dict[str, list[str]]:
    """``urllib.parse.parse_qs`` (UTF-8, ``errors="replace"``)."""

def multi_replace(text: str, mapping: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
    """Every pattern replaced in one pass, leftmost-longest."""

@final
class Replacer:
    """``multi_replace`` with the patterns compiled once (an Aho-Corasick automaton)."""

    def __new__(cls, mapping: Mapping[str, str] | Iterable[tuple[str, str]]) -> Self: ...
    def replace(self, text: str) -> str:
        """``text`` with every pattern replaced in one pass, leftmost-longest."""
    def __len__(self) -> int: ...

def secure_filename(filename: str, /, *, windows: bool | None = None) -> str:
    """werkzeug's ``secure_filename``."""

# The awaitables' native parts (crates/covet-python/src/aio.rs): each checks its arguments
# like the sync form and returns a future of the running loop. Use covet_rust_core.aio,
# which wraps them in coroutines.
def aio_blake3_digest(
    data: Buffer,
    /,
    *,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
    max_threads: int = 1,
) -> asyncio.Future[bytes]: ...
def aio_blake3_hexdigest(
    data: Buffer,
    /,
    *,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
    max_threads: int = 1,
) -> asyncio.Future[str]: ...
def aio_blake3_file(
    path: str | bytes | os.PathLike[str] | os.PathLike[bytes],
    *,
    max_threads: int = 1,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
) -> asyncio.Future[bytes]: ...
def aio_jwt_encode(
    payload: dict[str, Any],
    key: str | bytes | Mapping[str, Any] | JwtKey,
    algorithm: str = "HS256",
    headers: dict[str, Any] | None = None,
) -> asyncio.Future[str]: ...
def aio_jwt_decode(
    token: str | bytes,
    key: _JwtKeyArg | None = None,
    algorithms: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
    leeway: float | timedelta = 0,
    max_token_bytes: int = 262144,
) -> asyncio.Future[dict[str, Any]]: ...
def aio_jwt_decode_complete(
    token: str | bytes,
    key: _JwtKeyArg | None = None,
    algorithms: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
    leeway: float | timedelta = 0,
    max_token_bytes: int = 262144,
) -> asyncio.Future[dict[str, Any]]: ...
