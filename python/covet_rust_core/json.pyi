# The public JSON API is typed as the native one; the pure-Python twin matches it.
from covet_rust_core._json_errors import JSONDecodeError as JSONDecodeError
from covet_rust_core._json_errors import JSONEncodeError as JSONEncodeError
from covet_rust_core._native import dumps as dumps
from covet_rust_core._native import dumps_str as dumps_str
from covet_rust_core._native import loads as loads

__all__ = ["JSONDecodeError", "JSONEncodeError", "dumps", "dumps_str", "loads"]
