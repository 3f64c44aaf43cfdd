from markupsafe import Markup

# The public strings API, typed as the native one; the twin has the same names and signatures
# (tests/contract/test_exports.py).
from covet_rust_core._native.strings import *  # noqa: F403 (the stub re-exports that module's __all__)
from covet_rust_core._native.strings import __all__ as __all__

__all__ += ["escape_markup"]

def escape_markup(s: object, /) -> Markup: ...
