"""The pure-Python twin of ``covet_rust_core._native``.

One module per domain, mirroring ``src/`` in the Rust crate, with the same signatures,
results and exception types as the native side. It never imports the extension, so it can
be imported side by side with it (the tests and benchmarks hold the two against each other).

Like the extension module, this package exposes every function flat; ``__all__`` lists
them, and the test suite checks that the two export the same public names (apart from the
native-only build report).
"""

from __future__ import annotations

from covet_rust_core._version import __version__ as __version__
from covet_rust_core.fallback.hashing import (
    AUTO,
    blake3,
    blake3_digest,
    blake3_file,
    blake3_hexdigest,
    xxh3_64,
    xxh3_64_digest,
    xxh3_64_hasher,
    xxh3_64_hexdigest,
    xxh3_128,
    xxh3_128_digest,
    xxh3_128_hasher,
    xxh3_128_hexdigest,
)
from covet_rust_core.fallback.json import (
    JSONDecodeError,
    JSONEncodeError,
    dumps,
    dumps_str,
    loads,
)
from covet_rust_core.fallback.jwt import ALGORITHMS as JWT_ALGORITHMS
from covet_rust_core.fallback.jwt import DEFAULT_MAX_TOKEN_BYTES as JWT_DEFAULT_MAX_TOKEN_BYTES
from covet_rust_core.fallback.jwt import Key as JwtKey
from covet_rust_core.fallback.jwt import KeySet as JwtKeySet
from covet_rust_core.fallback.jwt import decode as jwt_decode
from covet_rust_core.fallback.jwt import decode_complete as jwt_decode_complete
from covet_rust_core.fallback.jwt import encode as jwt_encode
from covet_rust_core.fallback.jwt import get_unverified_header as jwt_get_unverified_header
from covet_rust_core.fallback.strings import (
    Replacer,
    escape_html,
    multi_replace,
    parse_qs,
    parse_qsl,
    quote,
    quote_plus,
    secure_filename,
    slugify,
    to_camel,
    to_camel_keys,
    to_kebab,
    to_kebab_keys,
    to_pascal,
    to_pascal_keys,
    to_snake,
    to_snake_keys,
    transliterate,
    unquote,
    unquote_plus,
    urlencode,
)

__all__ = [
    "AUTO",
    "JWT_ALGORITHMS",
    "JWT_DEFAULT_MAX_TOKEN_BYTES",
    "JSONDecodeError",
    "JSONEncodeError",
    "JwtKey",
    "JwtKeySet",
    "Replacer",
    "blake3",
    "blake3_digest",
    "blake3_file",
    "blake3_hexdigest",
    "dumps",
    "dumps_str",
    "escape_html",
    "jwt_decode",
    "jwt_decode_complete",
    "jwt_encode",
    "jwt_get_unverified_header",
    "loads",
    "multi_replace",
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
