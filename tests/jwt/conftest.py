"""The JWT tests' key material, as a session fixture."""

from __future__ import annotations

import pytest

from tests.support.keys import Keys, material


@pytest.fixture(scope="session")
def keys() -> Keys:
    """The session's key material (tests/support/keys.py, ``material``)."""
    return material()
