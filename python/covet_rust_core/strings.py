"""String helpers for web applications, each identical to the library people use for it
today, from the backend the detector chose (the contract: docs/STRINGS.md).

>>> from covet_rust_core import strings
>>> strings.escape_html("<a href='x'>")
'&lt;a href=&#39;x&#39;&gt;'
>>> strings.slugify("Héllo, Wörld & Co!")
'hello-world-co'
>>> strings.to_snake_keys({"userId": 1, "homeAddress": {"zipCode": "x"}})
{'user_id': 1, 'home_address': {'zip_code': 'x'}}
>>> strings.secure_filename("../../etc/passwd")
'etc_passwd'

* ``escape_html`` (markupsafe's escape, as a plain ``str``) and ``escape_markup`` (a
  ``markupsafe.Markup``, for templates);
* ``slugify`` (python-slugify) and ``transliterate`` (Unicode to ASCII);
* ``to_snake`` / ``to_camel`` / ``to_pascal`` / ``to_kebab`` and their ``*_keys`` forms for
  dicts and lists (pyhumps);
* ``quote``, ``quote_plus``, ``unquote``, ``unquote_plus``, ``urlencode``, ``parse_qsl``,
  ``parse_qs`` (urllib.parse, UTF-8);
* ``multi_replace`` and ``Replacer`` (many patterns in one pass, leftmost-longest);
* ``secure_filename`` (werkzeug).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from covet_rust_core._backend import domain_module, export_domain

if TYPE_CHECKING:
    from markupsafe import Markup

__all__ = [*export_domain("strings", globals()), "escape_markup"]  # noqa: PLE0604
_implementation = domain_module("strings")


def escape_markup(s: object, /) -> Markup:
    """``markupsafe.escape(s)``: the escaped text as a ``Markup``, which templates do not
    escape again. Needs markupsafe (``ModuleNotFoundError`` naming it otherwise)."""
    try:
        from markupsafe import Markup  # noqa: PLC0415 (optional: only this needs it)
    except ModuleNotFoundError as error:
        if error.name != "markupsafe":
            raise
        raise ModuleNotFoundError(
            "escape_markup() returns a markupsafe.Markup and needs markupsafe: "
            "pip install markupsafe (escape_html() returns a plain str without it)",
            name="markupsafe",
        ) from None
    return Markup(_implementation.escape_html(s))
