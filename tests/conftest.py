"""The suite's one implementation fixture, ``impl``; the ``slow`` tier (skipped unless
``--run-slow``); the hooks every test shares."""

from __future__ import annotations

from types import ModuleType

import pytest

from tests.support import implementations
from tests.support.asan import UNDER_ASAN


@pytest.fixture(params=implementations.IMPLEMENTATIONS)
def impl(request: pytest.FixtureRequest) -> ModuleType:
    """The native extension (id ``native``), then the pure-Python twin (id ``twin``):
    ``covet_rust_core._native`` or ``covet_rust_core.fallback``, each with one module per
    domain and the same names in it (``impl.json.dumps``, ``impl.jwt.decode``). Adapters in
    tests/support give a domain the contract's names with the test id: ``jwt_backend(impl)``,
    ``strings_backend(impl)``, ``aio_backend(impl)``."""
    return implementations.load(request.param)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow",
        action="store_true",
        default=False,
        help="also run the tests marked slow (soak, thread stress, long runs); "
        "-m slow --run-slow runs only them",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` are skipped unless ``--run-slow`` is given: ``python -m pytest``
    answers in minutes, and CI runs the slow tier once, on one interpreter.

    Under AddressSanitizer (.ci/asan), a case that runs the twin alone is skipped: no
    instrumented code runs in it, and with every Python object a guarded malloc block the
    twin's pure-Python hashing alone would take hours. Differential tests still run."""
    if not config.getoption("run_slow"):
        skip_slow = pytest.mark.skip(reason="slow: run with --run-slow (-m slow for only these)")
        for item in items:
            if item.get_closest_marker("slow") is not None:
                item.add_marker(skip_slow)
    if not UNDER_ASAN:
        return
    skip_twin = pytest.mark.skip(reason="under AddressSanitizer: the pure-Python twin alone")
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("impl") == "twin":
            item.add_marker(skip_twin)
