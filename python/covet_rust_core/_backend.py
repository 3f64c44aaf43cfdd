"""The loud detector: picks the backend once, at import, and says which one runs and why.

A web framework once shipped a Rust extension that failed to import and silently fell back
to Python while its docs promised large speed-ups. This module exists so that can never
happen quietly again:

* ``COVET_RUST_CORE_BACKEND=auto`` (default): the native extension if it loads, otherwise the
  pure-Python twin plus a :class:`CovetFallbackWarning` (emitted once, pointing at the line
  that imported ``covet_rust_core``) and the same text logged at WARNING on the
  ``covet_rust_core`` logger.
* ``native``: a missing or broken extension makes ``import covet_rust_core`` raise
  :class:`NativeUnavailableError` (an ImportError) carrying the diagnosis.
* ``fallback``: the twin, with a warning that says it was forced.

A native *debug* build warns too: it is many times slower than a release build.
Nothing in this package silences these warnings.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import logging
import os
import sys
import sysconfig
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any, Final, Literal

from ._version import __version__
from ._wheels import install_advice

ENV_VAR: Final = "COVET_RUST_CORE_BACKEND"
MODES: Final = ("auto", "native", "fallback")
NATIVE_MODULE: Final = "covet_rust_core._native"
LOGGER_NAME: Final = "covet_rust_core"
PACKAGE_DIR: Final = Path(__file__).resolve().parent

DEBUG_FIX: Final = (
    "Fix: rebuild in release mode: pip install .  or  maturin develop --release. "
    "Check the result with: python -m covet_rust_core"
)


class CovetWarning(RuntimeWarning):
    """Base class of the warnings covet_rust_core emits about its backend."""


class CovetFallbackWarning(CovetWarning):
    """The pure-Python twin is running instead of the native extension."""


class CovetDebugBuildWarning(CovetWarning):
    """The native extension is a debug build, many times slower than a release build."""


class NativeUnavailableError(ImportError):
    """The native extension is required but cannot be used; ``diagnosis`` says why."""

    def __init__(self, diagnosis: str) -> None:
        super().__init__(diagnosis)
        self.diagnosis = diagnosis


@dataclass(frozen=True)
class Selection:
    """Which backend runs, why, and (for the fallback) the full diagnosis."""

    backend: Literal["native", "fallback"]
    mode: str
    reason: str
    diagnosis: str | None
    native: ModuleType | None


def read_mode(environ: os._Environ[str] | dict[str, str] | None = None) -> str:
    """The requested mode from ``COVET_RUST_CORE_BACKEND``; an unknown value is an error."""
    env = os.environ if environ is None else environ
    raw = env.get(ENV_VAR, "")
    mode = raw.strip().lower() or "auto"
    if mode not in MODES:
        msg = (
            f"{ENV_VAR}={raw!r} is not a valid backend mode: use one of "
            f"{', '.join(MODES)} (unset means auto)"
        )
        raise ImportError(msg)
    return mode


def compiled_files(package_dir: Path) -> list[str]:
    """Names of files in ``package_dir`` that look like a build of ``_native``."""
    shared_library_suffixes = (".so", ".pyd", ".dylib", ".sl")
    return sorted(
        path.name
        for path in package_dir.glob("_native*")
        if path.name.endswith(shared_library_suffixes)
    )


def wanted_file_names() -> list[str]:
    """The ``_native`` file names this interpreter can load, most specific first."""
    return ["_native" + suffix for suffix in importlib.machinery.EXTENSION_SUFFIXES]


def interpreter_label() -> str:
    impl = sys.implementation
    version = ".".join(str(part) for part in sys.version_info[:3])
    free_threaded = " free-threaded" if sysconfig.get_config_var("Py_GIL_DISABLED") else ""
    return f"{impl.name} {version}{free_threaded} ({sysconfig.get_platform()})"


def explain_import_failure(error: BaseException, package_dir: Path = PACKAGE_DIR) -> str:
    """One sentence naming why ``_native`` did not import, from what is on disk."""
    found = compiled_files(package_dir)
    wanted = wanted_file_names()
    loadable = [name for name in found if name in wanted]
    if not found:
        return (
            f"no compiled extension file (_native*.so / _native*.pyd) in {package_dir}: the "
            "package was installed from source without building the Rust extension, or "
            "copied without it"
        )
    if not loadable:
        return (
            f"found {', '.join(found)} in {package_dir}, built for another interpreter or "
            f"platform; this interpreter, {interpreter_label()}, loads "
            f"{' or '.join(wanted)}"
        )
    return (
        f"the compiled file {loadable[0]} in {package_dir} is present but failed to load "
        f"({type(error).__name__}: {error})"
    )


def _format_diagnosis(headline: str, cause: str, error: BaseException | None, fix: str) -> str:
    lines = [headline, f"Cause: {cause}."]
    if error is not None:
        lines.append(f"Import error: {type(error).__name__}: {error}")
    lines.append(fix)
    return "\n".join(lines)


def _headline(mode: str) -> str:
    if mode == "native":
        return (
            f"covet_rust_core: {ENV_VAR}=native requires the native extension "
            f"({NATIVE_MODULE}), and it cannot be used."
        )
    return (
        f"covet_rust_core: the native extension ({NATIVE_MODULE}) cannot be used, so the "
        "pure-Python fallback is running instead; it is many times slower."
    )


def import_native() -> ModuleType:
    """Import the compiled ``_native``. Without a compiled file, ``import`` would find the
    stubs' folder ``_native/`` and make it a namespace package (no ``__file__``): that is a
    ModuleNotFoundError here, and nothing of it stays in ``sys.modules``."""
    native = importlib.import_module(NATIVE_MODULE)
    if getattr(native, "__file__", None) is None:
        for name in [
            n for n in sys.modules if n == NATIVE_MODULE or n.startswith(f"{NATIVE_MODULE}.")
        ]:
            del sys.modules[name]
        parent = sys.modules.get(NATIVE_MODULE.rpartition(".")[0])
        if parent is not None and getattr(parent, "_native", None) is native:
            delattr(parent, "_native")
        raise ModuleNotFoundError(
            f"No module named {NATIVE_MODULE!r} (only its stubs' folder, _native/, is there)",
            name=NATIVE_MODULE,
        )
    return native


def _load_native(mode: str) -> tuple[ModuleType | None, str, str]:
    """Import ``_native``; return it, or None with a short cause and the full diagnosis."""
    try:
        native = import_native()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:
        cause = explain_import_failure(error)
        return (
            None,
            cause,
            _format_diagnosis(_headline(mode), cause, error, install_advice(__version__)),
        )

    native_version = getattr(native, "__version__", None)
    if native_version != __version__:
        cause = (
            f"the compiled extension {Path(native.__file__ or '?').name} is version "
            f"{native_version}, but the Python package is version {__version__}: a stale "
            "build was left in the package directory"
        )
        return (
            None,
            cause,
            _format_diagnosis(_headline(mode), cause, None, install_advice(__version__)),
        )
    return native, "", ""


def select_backend(environ: os._Environ[str] | dict[str, str] | None = None) -> Selection:
    """Decide which backend runs. Raises ImportError when ``native`` is required but broken."""
    mode = read_mode(environ)
    if mode == "fallback":
        diagnosis = (
            f"covet_rust_core: {ENV_VAR}=fallback forces the pure-Python fallback; the "
            "native extension is not used, and the fallback is many times slower. Unset "
            f"{ENV_VAR} (or set it to auto) to use the native extension."
        )
        return Selection("fallback", mode, f"forced by {ENV_VAR}=fallback", diagnosis, None)

    native, cause, diagnosis = _load_native(mode)
    if native is None:
        if mode == "native":
            raise NativeUnavailableError(diagnosis)
        return Selection(
            "fallback", mode, f"native extension unavailable: {cause}", diagnosis, None
        )

    reason = (
        f"required by {ENV_VAR}=native and loaded"
        if mode == "native"
        else "native extension loaded"
    )
    return Selection("native", mode, reason, None, native)


def is_debug_build(native: ModuleType) -> bool:
    info: dict[str, Any] = native.native_info()
    return bool(info.get("is_debug_build"))


def debug_build_text(native: ModuleType) -> str:
    info: dict[str, Any] = native.native_info()
    return (
        f"covet_rust_core: the native extension {Path(native.__file__ or '?').name} is a "
        f"debug build (profile {info.get('profile')}, opt-level {info.get('opt_level')}); "
        "it is many times slower than a release build and must not serve traffic.\n" + DEBUG_FIX
    )


_announced: set[tuple[type[Warning], str]] = set()


def _importer_frame() -> FrameType | None:
    """The first frame outside this package and the import machinery: the importer."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        inside = (
            module == "covet_rust_core"
            or module.startswith(("covet_rust_core.", "importlib", "_frozen_importlib"))
            or frame.f_code.co_filename.startswith("<frozen importlib")
        )
        if not inside:
            return frame
        frame = frame.f_back
    return None


def announce(category: type[CovetWarning], text: str) -> None:
    """Warn once per process with ``text``, at the importer's line, and log it at WARNING."""
    key = (category, text)
    if key in _announced:
        return
    _announced.add(key)
    # Log first: under ``-W error`` the warning below raises and nothing after it runs.
    logging.getLogger(LOGGER_NAME).warning("%s", text)
    frame = _importer_frame()
    if frame is None:
        warnings.warn(text, category, stacklevel=2)
        return
    registry = frame.f_globals.setdefault("__warningregistry__", {})
    # No module_globals: with it, warn_explicit asks the importer's __loader__ for source
    # and raises for `python -c` code, whose loader is BuiltinImporter.
    warnings.warn_explicit(
        text,
        category,
        frame.f_code.co_filename,
        frame.f_lineno,
        module=frame.f_globals.get("__name__"),
        registry=registry,
    )


def announce_selection(selection: Selection) -> None:
    if selection.backend == "fallback":
        assert selection.diagnosis is not None
        announce(CovetFallbackWarning, selection.diagnosis)
    elif selection.native is not None and is_debug_build(selection.native):
        announce(CovetDebugBuildWarning, debug_build_text(selection.native))


SELECTION: Final = select_backend()
announce_selection(SELECTION)
BACKEND: Final[Literal["native", "fallback"]] = SELECTION.backend


# The domains: `_native.<domain>` and `fallback.<domain>` export the same names with the same
# signatures (tests/contract/test_exports.py), and `covet_rust_core.<domain>` re-exports
# whichever of the two the detector chose.
DOMAINS: Final = ("json", "jwt", "hashing", "strings", "aio")
TWIN_PACKAGE: Final = "covet_rust_core.fallback"


def domain_module(domain: str) -> ModuleType:
    """``_native.<domain>`` on the native backend, ``fallback.<domain>`` on the fallback."""
    if domain not in DOMAINS:
        raise ValueError(f"no domain called {domain!r}; expected one of {DOMAINS}")
    package = NATIVE_MODULE if SELECTION.native is not None else TWIN_PACKAGE
    return importlib.import_module(f"{package}.{domain}")


def export_module(module: ModuleType, namespace: dict[str, Any]) -> list[str]:
    """Put ``module``'s public names (its ``__all__``) into ``namespace`` (a public module's
    globals) and return them, for its ``__all__``. The public module's stub types them; the
    names themselves are listed only by the two implementations."""
    names: list[str] = list(module.__all__)
    namespace.update({name: getattr(module, name) for name in names})
    return names


def export_domain(domain: str, namespace: dict[str, Any]) -> list[str]:
    """``export_module`` of the chosen implementation of ``domain``."""
    return export_module(domain_module(domain), namespace)


def native_info() -> dict[str, Any]:
    """What runs and why: the native build's facts, or in fallback the diagnosis.

    Keys always present: ``backend``, ``mode``, ``reason``, ``package_version``,
    ``diagnosis`` (None when native). With the native backend it adds the extension's own
    report: ``version``, ``profile``, ``rustc``, ``target``, ``pyo3``, ``python_abi``,
    ``cpu_features`` and more, plus ``file``.
    """
    info: dict[str, Any] = {
        "backend": SELECTION.backend,
        "mode": SELECTION.mode,
        "reason": SELECTION.reason,
        "package_version": __version__,
        "diagnosis": SELECTION.diagnosis,
    }
    if SELECTION.native is not None:
        info.update(SELECTION.native.native_info())
        info["file"] = SELECTION.native.__file__
    return info


def require_native() -> None:
    """Raise :class:`NativeUnavailableError` with the diagnosis unless native is active.

    Call it at application start-up to refuse to serve on the slow path.
    """
    if SELECTION.backend != "native":
        assert SELECTION.diagnosis is not None
        raise NativeUnavailableError(SELECTION.diagnosis)
