"""What the integration tests send through each framework: the values that tell covet's
JSON from the standard library's (ints beyond 64 bits, exact Decimal, datetimes, UUIDs,
non-ASCII text)."""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from decimal import Decimal
from typing import Any, Final

DOCUMENT: Final[dict[str, Any]] = {
    "big": 2**100,
    "negative": -(2**70),
    "price": Decimal("19.99"),
    "when": dt.datetime(2026, 12, 6, 3, 4, 5, 678901, tzinfo=dt.UTC),
    "day": dt.date(2026, 12, 6),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "text": 'café, 漢字, \U0001f600, "quoted"\n',
    "nested": [1, 2.5, None, True, {"z": 1, "a": [2]}],
}

# The request body the parsing tests post: ints beyond 64 bits and non-ASCII text.
POSTED: Final = '{"big": 123456789012345678901234567890, "text": "漢字 \\u00e9", "f": 1.5}'
POSTED_VALUE: Final[dict[str, Any]] = {
    "big": 123456789012345678901234567890,
    "text": "漢字 é",
    "f": 1.5,
}


def without_framework(monkeypatch: Any, integration: str, *framework_modules: str) -> None:
    """Make ``framework_modules`` unimportable and ``integration`` not yet imported, so that
    importing it again meets the missing framework."""
    for name in framework_modules:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, integration, raising=False)
