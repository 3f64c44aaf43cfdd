# The public string API is typed as the native one; the pure-Python twin matches it.
from markupsafe import Markup

from covet_rust_core._native import Replacer as Replacer
from covet_rust_core._native import escape_html as escape_html
from covet_rust_core._native import multi_replace as multi_replace
from covet_rust_core._native import parse_qs as parse_qs
from covet_rust_core._native import parse_qsl as parse_qsl
from covet_rust_core._native import quote as quote
from covet_rust_core._native import quote_plus as quote_plus
from covet_rust_core._native import secure_filename as secure_filename
from covet_rust_core._native import slugify as slugify
from covet_rust_core._native import to_camel as to_camel
from covet_rust_core._native import to_camel_keys as to_camel_keys
from covet_rust_core._native import to_kebab as to_kebab
from covet_rust_core._native import to_kebab_keys as to_kebab_keys
from covet_rust_core._native import to_pascal as to_pascal
from covet_rust_core._native import to_pascal_keys as to_pascal_keys
from covet_rust_core._native import to_snake as to_snake
from covet_rust_core._native import to_snake_keys as to_snake_keys
from covet_rust_core._native import transliterate as transliterate
from covet_rust_core._native import unquote as unquote
from covet_rust_core._native import unquote_plus as unquote_plus
from covet_rust_core._native import urlencode as urlencode

__all__ = [
    "Replacer",
    "escape_html",
    "escape_markup",
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
]

def escape_markup(s: object, /) -> Markup:
    """``markupsafe.escape(s)``: the escaped text as a ``Markup`` (needs markupsafe)."""
