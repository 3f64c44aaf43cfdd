"""What ``python -m covet_rust_core bench`` measures: workloads, grouped by domain, each
making its own contenders when it is about to be timed.

A domain module (``json_workloads``, ``jwt_workloads``, ``hashing_workloads``,
``strings_workloads``) exposes ``workloads(options) -> list[Workload]``. Building that list
must be cheap: inputs are generated and contenders checked only in ``Workload.prepare``,
which the runner calls right before timing the workload and whose result it drops right
after, so that only one workload's data is alive at a time (every live container slows the
garbage collector's full passes, for all contenders alike).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from covet_rust_core._backend import import_native

from .interleave import Contender

# Contender names every domain uses for covet itself (the claims and peer tables find them).
NATIVE = "covet native"
FALLBACK = "covet fallback"
NATIVE_KIND, FALLBACK_KIND, PEER_KIND = "native", "fallback", "peer"

# The domains, in report order.
DOMAINS = ("json", "jwt", "hashing", "strings")


@dataclass(frozen=True)
class Options:
    """What the command line passes to every domain."""

    data_dir: Path | None = None  # --data: a folder with twitter.json, citm_catalog.json...
    quick: bool = False  # --quick: domains may drop their largest inputs' extra sizes


@dataclass(frozen=True)
class Workload:
    """One job (an operation on one input) and how to make its contenders.

    ``prepare`` returns the contenders in table order: ``covet native`` (kind ``native``),
    ``covet fallback`` (kind ``fallback``), then the peers (kind ``peer``). It runs every
    available contender once and checks its output against a reference: a contender that
    raises or answers wrongly comes back with ``error`` set and ``call`` None (it is counted
    and reported, never timed); one that is not installed, or is disclosed as too slow to
    time at this size, comes back with ``unavailable`` set. Every contender of a workload
    shares one input object.

    ``baseline`` names the peer an application uses for this job without covet (stdlib
    ``json``, ``PyJWT``, ``hashlib.sha256``, ``markupsafe``...): the claims table's second
    reference, next to covet's own pure-Python twin.
    """

    domain: str  # one of DOMAINS
    name: str  # unique within the domain, short: "api-dumps", "RS256-decode", "blake3-1MiB"
    description: str  # one line: what is done to what
    nbytes: int | None  # bytes read or written per call, for MB/s; None where meaningless
    baseline: str
    prepare: Callable[[], list[Contender]]

    @property
    def key(self) -> str:
        """Unique across the report: ``json/api-dumps``."""
        return f"{self.domain}/{self.name}"


# Shared by the domains' contender lookups.

INSTALL = "pip install 'covet_rust_core[bench]'"


def native_module() -> ModuleType | str:
    """``covet_rust_core._native``, or why it cannot be imported (its contenders are then
    unavailable with that reason: the bench still measures the twin and the peers)."""
    try:
        return import_native()
    except ImportError as error:
        return f"covet_rust_core._native cannot be imported: {type(error).__name__}: {error}"


def not_importable(package: str, module: str, error: ImportError) -> str:
    """``package is not installed`` when importing ``module`` found no such package, else why
    it fails (a broken install, or a dependency of its own missing)."""
    missing = (getattr(error, "name", None) or "").partition(".")[0]
    if isinstance(error, ModuleNotFoundError) and missing == module.partition(".")[0]:
        return f"{package} is not installed"
    return f"{package} cannot be imported ({type(error).__name__}: {error})"
