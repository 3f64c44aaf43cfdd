"""The public names, per domain, that the tests hold both implementations to: the one place
the tests list them. A new public function goes into its domain's table here;
contract/test_exports.py checks the tables against what the two implementations export, and
the tests that must cover every name read them (the fuzz harness: strings, hashing and aio;
the string helpers' argument tests: the keyword table; the JWT, string and aio adapters).
The thread call table reads each module's own ``__all__``."""

from __future__ import annotations

from typing import Final

# docs/JSON.md.
JSON_NAMES: Final = ("loads", "dumps", "dumps_str", "JSONDecodeError", "JSONEncodeError")

# The flat names each implementation exports for JWT (docs/JWT.md).
JWT_NAMES: Final = (
    "jwt_encode",
    "jwt_decode",
    "jwt_decode_complete",
    "jwt_get_unverified_header",
    "JwtKey",
    "JwtKeySet",
    "JWT_ALGORITHMS",
    "JWT_DEFAULT_MAX_TOKEN_BYTES",
)

# The flat names each implementation exports for strings (docs/STRINGS.md); escape_markup
# lives in covet_rust_core.strings, on top of either implementation.
STRING_NAMES: Final = (
    "escape_html",
    "transliterate",
    "slugify",
    "to_snake",
    "to_camel",
    "to_pascal",
    "to_kebab",
    "to_snake_keys",
    "to_camel_keys",
    "to_pascal_keys",
    "to_kebab_keys",
    "quote",
    "quote_plus",
    "unquote",
    "unquote_plus",
    "urlencode",
    "parse_qsl",
    "parse_qs",
    "multi_replace",
    "Replacer",
    "secure_filename",
)

# BLAKE3 and XXH3: the one-shot functions, the hasher classes, and AUTO (max_threads).
HASHING_NAMES: Final = (
    "blake3",
    "blake3_digest",
    "blake3_hexdigest",
    "blake3_file",
    "xxh3_64",
    "xxh3_64_digest",
    "xxh3_64_hexdigest",
    "xxh3_128",
    "xxh3_128_digest",
    "xxh3_128_hexdigest",
    "xxh3_64_hasher",
    "xxh3_128_hasher",
    "AUTO",
)

# The awaitables (covet_rust_core.aio; docs/AIO.md). The extension exports each one's native
# part flat, as AIO_NATIVE_PREFIX + name (covet_rust_core._aio_native wraps them in
# coroutines); the twin's are covet_rust_core.fallback.aio.<name>.
AIO_NAMES: Final = (
    "blake3_digest",
    "blake3_hexdigest",
    "blake3_file",
    "jwt_encode",
    "jwt_decode",
    "jwt_decode_complete",
)

# Each string helper's parameters after the first, which the tests pass by keyword (the first
# is positional).
STRING_KEYWORDS: Final[dict[str, tuple[str, ...]]] = {
    "escape_html": (),
    "transliterate": (),
    "slugify": (
        "entities",
        "decimal",
        "hexadecimal",
        "max_length",
        "word_boundary",
        "save_order",
        "separator",
        "stopwords",
        "replacements",
        "lowercase",
        "allow_unicode",
    ),
    "quote": ("safe",),
    "quote_plus": ("safe",),
    "unquote": (),
    "unquote_plus": (),
    "urlencode": ("doseq", "safe"),
    "parse_qsl": ("keep_blank_values", "strict_parsing", "max_num_fields", "separator"),
    "parse_qs": ("keep_blank_values", "strict_parsing", "max_num_fields", "separator"),
    "multi_replace": (),
    "Replacer": (),
    "secure_filename": ("windows",),
    **dict.fromkeys(("to_snake", "to_camel", "to_pascal", "to_kebab"), ()),
    **{f"{name}_keys": () for name in ("to_snake", "to_camel", "to_pascal", "to_kebab")},
}
assert set(STRING_KEYWORDS) == set(STRING_NAMES)

# How many arguments are passed by position (the required ones), where more than one.
STRING_POSITIONAL: Final = {"multi_replace": 2}
AIO_NATIVE_PREFIX: Final = "aio_"

# Build facts only the compiled extension can report.
NATIVE_ONLY: Final = ("native_info", "build_profile")

# Every name both implementations export flat.
SHARED_NAMES: Final = (*JSON_NAMES, *JWT_NAMES, *HASHING_NAMES, *STRING_NAMES)
