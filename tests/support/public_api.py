"""The public names, per domain, that the tests hold both implementations to: the one place a
new public function is added for the tests (contract/test_exports.py checks these tables
against what the two implementations export)."""

from __future__ import annotations

from typing import Final

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

# The awaitables (covet_rust_core.aio; docs/AIO.md).
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
