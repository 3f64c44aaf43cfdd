"""JSON benchmark workloads, shared by bench_json.py (interleaved runner) and
test_bench_json.py (pytest-benchmark): the documents, the 165-byte dict, the contenders
and the check that every contender's output agrees before anything is timed.

Contenders: covet native (``covet_rust_core._native``), covet fallback (the pure-Python
twin), the standard library's ``json`` and ``orjson``. Each is resolved lazily, per
operation: a backend that does not (yet) have ``dumps``, ``dumps_str`` or ``loads``, or
an uninstalled orjson, is reported as unavailable with the reason, never silently dropped.

Like for like: every ``dumps`` contender returns UTF-8 ``bytes`` with compact separators and
non-ASCII written as it is (stdlib: ``ensure_ascii=False, separators=(",", ":")`` and
``.encode()``); every ``loads`` contender parses the same ``bytes``.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
DOCUMENTS = ("twitter", "citm_catalog", "canada")
SMALL = "small"  # the 165-byte dict, standing in for one API response

# One API response as a web handler returns it; its compact JSON is exactly 165 bytes.
SMALL_DICT: dict[str, object] = {
    "id": 4821,
    "username": "mira",
    "email": "mira@example.com",
    "active": True,
    "roles": ["editor", "viewer"],
    "score": 97.5,
    "created_at": "2024-03-18T09:41:07Z",
    "last_login": None,
}
SMALL_DICT_SIZE = 165

# Operations. Each names what a contender is asked to do with the workload's payload.
DUMPS = "dumps"  # compact, bytes
LOADS = "loads"  # from bytes
DUMPS_INDENT2 = "dumps-indent2"  # indent=2, bytes
DUMPS_STR = "dumps_str"  # compact, str
OPERATIONS = (DUMPS, LOADS, DUMPS_INDENT2, DUMPS_STR)

# The extra operations run on these documents only (twitter: mixed text, non-ASCII).
EXTRA_WORKLOADS = ((DUMPS_INDENT2, "twitter"), (DUMPS_STR, "twitter"), (DUMPS_STR, SMALL))

# Contender slugs (pytest ids) and display names, in table order.
LIBRARIES = {
    "covet-native": "covet native",
    "covet-fallback": "covet fallback",
    "json": "json",
    "orjson": "orjson",
}
NATIVE, FALLBACK, STDLIB, ORJSON = LIBRARIES.values()

Call = Callable[[], object]
Binder = Callable[[Any], Call]  # payload -> zero-argument call


@dataclass(frozen=True)
class Workload:
    """One operation on one document. The parsed document is not kept here: each workload
    parses its own when it is run, so that only the document being measured is alive
    (every live container makes the garbage collector's full passes slower, for all
    contenders alike, and would blur the numbers of the next workloads)."""

    document: str  # a name from DOCUMENTS, or SMALL
    op: str  # one of OPERATIONS
    nbytes: int  # size of the JSON text read or written (compact, or indented for indent)

    @property
    def name(self) -> str:
        """Also the pytest-benchmark group: ``twitter-dumps``, ``small-loads``..."""
        return f"{self.document}-{self.op}"

    def payload(self) -> object:
        """What the contenders are given: the JSON bytes for loads, else a fresh parse."""
        return document_bytes(self.document) if self.op == LOADS else self.reference()

    def reference(self) -> object:
        """The value every contender's result must equal (a fresh standard-library parse)."""
        return json.loads(document_bytes(self.document))


@dataclass(frozen=True)
class Library:
    name: str
    binders: dict[str, Binder]  # op -> binder, for the operations it has
    missing: dict[str, str] = field(default_factory=dict)  # op -> why it is unavailable

    def bind(self, op: str, payload: object) -> Call | None:
        binder = self.binders.get(op)
        return None if binder is None else binder(payload)


@functools.cache
def document_bytes(document: str) -> bytes:
    if document == SMALL:
        return json.dumps(SMALL_DICT, ensure_ascii=False, separators=(",", ":")).encode()
    return (DATA_DIR / f"{document}.json").read_bytes()


def build_workloads(documents: tuple[str, ...] = (*DOCUMENTS, SMALL)) -> list[Workload]:
    """Per document dumps and loads, then the EXTRA_WORKLOADS of these documents."""
    small = document_bytes(SMALL)
    if len(small) != SMALL_DICT_SIZE:
        msg = f"the small dict's compact JSON is {len(small)} bytes, not {SMALL_DICT_SIZE}"
        raise AssertionError(msg)
    pairs = [(op, doc) for doc in documents for op in (DUMPS, LOADS)]
    pairs += [(op, doc) for op, doc in EXTRA_WORKLOADS if doc in documents]
    sizes = {}
    for document in documents:
        value = json.loads(document_bytes(document))
        sizes[LOADS, document] = len(document_bytes(document))
        compact = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        sizes[DUMPS, document] = sizes[DUMPS_STR, document] = len(compact.encode())
        indented = json.dumps(value, ensure_ascii=False, indent=2)
        sizes[DUMPS_INDENT2, document] = len(indented.encode())
    return [Workload(document, op, sizes[op, document]) for op, document in pairs]


def _bind(fn: Callable[..., object], **kwargs: object) -> Binder:
    """A C-level ``functools.partial``: no Python frame between the runner and ``fn``."""

    def bind(payload: object) -> Call:
        return functools.partial(fn, payload, **kwargs)

    return bind


def stdlib_library() -> Library:
    compact: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":")}

    def dumps(payload: object) -> Call:
        return lambda: json.dumps(payload, **compact).encode()

    def dumps_indent2(payload: object) -> Call:
        return lambda: json.dumps(payload, ensure_ascii=False, indent=2).encode()

    return Library(
        STDLIB,
        {
            DUMPS: dumps,
            LOADS: _bind(json.loads),
            DUMPS_INDENT2: dumps_indent2,
            DUMPS_STR: _bind(json.dumps, **compact),
        },
    )


def orjson_library() -> Library | str:
    """orjson, or why it is unavailable."""
    try:
        import orjson  # noqa: PLC0415 - optional peer
    except ImportError as error:
        return f"orjson is not installed ({error}); skipped"

    def dumps_str(payload: object) -> Call:
        return lambda: orjson.dumps(payload).decode()

    return Library(
        ORJSON,
        {
            DUMPS: _bind(orjson.dumps),
            LOADS: _bind(orjson.loads),
            DUMPS_INDENT2: _bind(orjson.dumps, option=orjson.OPT_INDENT_2),
            DUMPS_STR: dumps_str,  # orjson has no str output: .decode(), as a user would
        },
    )


def _covet_module(name: str) -> ModuleType | str:
    """The module that holds the covet JSON functions, or why there is none."""
    if name == NATIVE:
        try:
            return importlib.import_module("covet_rust_core._native")
        except ImportError as error:
            return f"covet_rust_core._native cannot be imported: {type(error).__name__}: {error}"
    package = importlib.import_module("covet_rust_core.fallback")
    if hasattr(package, "loads") or hasattr(package, "dumps"):
        return package
    try:
        return importlib.import_module("covet_rust_core.fallback.json")
    except ModuleNotFoundError as error:
        if error.name != "covet_rust_core.fallback.json":
            raise  # the twin exists but is broken: loud, not "unavailable"
        return "covet_rust_core.fallback.json does not exist yet"


def covet_library(name: str) -> Library | str:
    """covet native or fallback with the JSON functions it has, or why it has none."""
    module = _covet_module(name)
    if isinstance(module, str):
        return module
    binders: dict[str, Binder] = {}
    missing: dict[str, str] = {}
    functions: dict[str, tuple[str, dict[str, object]]] = {
        DUMPS: ("dumps", {}),
        LOADS: ("loads", {}),
        DUMPS_INDENT2: ("dumps", {"indent": 2}),
        DUMPS_STR: ("dumps_str", {}),
    }
    for op, (attribute, kwargs) in functions.items():
        fn = getattr(module, attribute, None)
        if callable(fn):
            binders[op] = _bind(fn, **kwargs)
        else:
            missing[op] = f"{module.__name__} has no {attribute}()"
    if not binders:
        return f"{module.__name__} has no JSON functions yet (dumps, dumps_str, loads)"
    return Library(name, binders, missing)


@functools.cache
def resolve(slug: str) -> Library | str:
    """The library behind a slug of LIBRARIES, or why it is unavailable (a message)."""
    name = LIBRARIES[slug]
    if name == STDLIB:
        return stdlib_library()
    if name == ORJSON:
        return orjson_library()
    return covet_library(name)


def check(workload: Workload, output: object, reference: object) -> str | None:
    """None if ``output`` is a right answer for ``workload``, else what is wrong with it.

    loads: equal to ``reference`` (the standard library's result). dumps: of the right
    type and layout, and parsing back (with the standard library) to the document. Bytes
    are not compared: float text may legitimately differ between libraries (orjson writes
    ``1e16``, Python's repr ``1e+16``).
    """
    if workload.op == LOADS:
        same = output == reference
        return None if same else f"loads result differs from json.loads ({type(output).__name__})"
    want: type = str if workload.op == DUMPS_STR else bytes
    if not isinstance(output, want):
        return f"{workload.op} returned {type(output).__name__}, expected {want.__name__}"
    assert isinstance(output, (str, bytes))
    text = output.encode() if isinstance(output, str) else output
    if workload.op == DUMPS_INDENT2:
        layout_ok = text.startswith((b"{\n  ", b"[\n  "))
    else:
        layout_ok = b"\n" not in text
    if not layout_ok:
        return f"{workload.op} output is not laid out as asked (indent=2 or compact)"
    try:
        parsed = json.loads(text)
    except ValueError as error:
        return f"output is not valid JSON: {error}"
    return None if parsed == reference else "output parses to a different value than the document"
