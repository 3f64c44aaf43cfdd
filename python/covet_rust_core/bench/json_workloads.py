"""JSON workloads: the documents, the 165-byte dict, the contenders and the check that every
contender's output agrees before anything is timed. ``workloads(options)`` gives them to
``python -m covet_rust_core bench``; benches/bench_json.py (interleaved runner) and
benches/test_bench_json.py (pytest-benchmark) use ``build_workloads`` and ``contenders``.

Documents: ``api``, a generated API response (``api_document()``, the same bytes on every
run); ``small``, a 165-byte dict (per-call overhead); and twitter, citm_catalog and canada,
read from a folder the caller names (``--data DIR``; the repository has them in
benches/data), since an installed package carries no data files.

Contenders: covet native (``covet_rust_core._native.json``), covet fallback (the pure-Python
twin), the standard library's ``json``, ``orjson``, ``ssrjson`` and ``msgspec``. Each is
resolved lazily, per operation: a backend that does not (yet) have ``dumps``, ``dumps_str``
or ``loads``, a peer without the option asked for, or an uninstalled peer, is reported as
unavailable with the reason, never silently dropped.

Warm and cold: a ``dumps`` workload dumps one object over and over, as benchmarks usually
do; after the first call every non-ASCII ``str`` in it carries a cached UTF-8 copy
(``PyUnicode_AsUTF8AndSize``), which later calls reuse. A web application dumps objects it
has just built: the ``-cold`` workloads give every call a document parsed anew (untimed),
whose strings have no such copy.

Like for like: every ``dumps`` contender returns UTF-8 ``bytes`` with compact separators and
non-ASCII written as it is (stdlib: ``ensure_ascii=False, separators=(",", ":")`` and
``.encode()``); every ``loads`` contender parses the same ``bytes``.
"""

from __future__ import annotations

import datetime
import functools
import importlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from .interleave import Contender
from .model import FALLBACK_KIND, NATIVE_KIND, PEER_KIND, Options, Workload, native_module

DOCUMENTS = ("twitter", "citm_catalog", "canada")  # read from the caller's data folder
API = "api"  # the generated API response
SMALL = "small"  # the 165-byte dict, standing in for one small API response
GENERATED = (API, SMALL)

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

# The compact JSON of api_document(): any change to the generator (or to what random.Random
# gives for a seed, or to float repr) changes it, and the check in document_bytes says so.
API_SEED = 20240601
API_ORDERS = 222  # orders on the page: about 300 KB
API_DOCUMENT_SIZE = 300_143

# Compact UTF-8 sizes of the standard documents (nativejson-benchmark's), keyed by their
# file sizes: what a dumps writes, known without parsing them when the workloads are listed.
KNOWN_COMPACT_SIZES = {
    ("twitter", 631_514): 466_906,
    ("citm_catalog", 1_727_204): 500_299,
    ("canada", 2_251_051): 2_090_234,
}
DOCUMENT_TRAITS = {
    "twitter": "text-heavy, non-ASCII",
    "citm_catalog": "many small objects and ints",
    "canada": "mostly floats",
}

# Operations. Each names what a contender is asked to do with the workload's payload.
DUMPS = "dumps"  # compact, bytes
LOADS = "loads"  # from bytes
DUMPS_INDENT2 = "dumps-indent2"  # indent=2, bytes
DUMPS_STR = "dumps_str"  # compact, str
DUMPS_SORTED = "dumps-sort_keys"  # compact, bytes, every object's keys in sorted order
DUMPS_COLD = "dumps-cold"  # compact, bytes, of a document parsed anew for every call
OPERATIONS = (DUMPS, LOADS, DUMPS_INDENT2, DUMPS_STR, DUMPS_SORTED, DUMPS_COLD)
# What each operation asks of a library: the function behind it (a cold dumps is a dumps).
FUNCTION_OF = {DUMPS_COLD: DUMPS}

# The extra operations bench_json.py runs on these documents only (twitter: mixed text).
EXTRA_WORKLOADS = (
    (DUMPS_INDENT2, "twitter"),
    (DUMPS_STR, "twitter"),
    (DUMPS_STR, SMALL),
    (DUMPS_SORTED, "twitter"),
)
# What `python -m covet_rust_core bench` adds to every document's dumps and loads: a cold
# dumps of each, and the options on the two documents a web application is most like.
COMMAND_EXTRAS = (
    (DUMPS_SORTED, "twitter"),
    (DUMPS_SORTED, API),
    (DUMPS_INDENT2, "twitter"),
    (DUMPS_INDENT2, API),
)

# Contender slugs (pytest ids) and display names, in table order.
LIBRARIES = {
    "covet-native": "covet native",
    "covet-fallback": "covet fallback",
    "json": "json",
    "orjson": "orjson",
    "ssrjson": "ssrjson",
    "msgspec": "msgspec",
}
NATIVE, FALLBACK, STDLIB, ORJSON, SSRJSON, MSGSPEC = LIBRARIES.values()
KINDS = {
    NATIVE: NATIVE_KIND,
    FALLBACK: FALLBACK_KIND,
    **dict.fromkeys((STDLIB, ORJSON, SSRJSON, MSGSPEC), PEER_KIND),
}
ORJSON_MISSING = "orjson is not installed; pip install 'covet_rust_core[bench]'"

Call = Callable[[], object]
Function = Callable[[Any], object]  # payload -> result


@dataclass(frozen=True)
class Job:
    """One operation on one document. The parsed document is not kept here: each job
    parses its own when it is run, so that only the document being measured is alive
    (every live container makes the garbage collector's full passes slower, for all
    contenders alike, and would blur the numbers of the next workloads)."""

    document: str  # a name from DOCUMENTS, or API or SMALL
    op: str  # one of OPERATIONS
    nbytes: int  # size of the JSON text read or written (compact, or indented for indent)
    data_dir: Path | None = None  # where the DOCUMENTS are; unused for API and SMALL

    @property
    def name(self) -> str:
        """Also the pytest-benchmark group: ``twitter-dumps``, ``small-loads``..."""
        return f"{self.document}-{self.op}"

    def payload(self) -> object:
        """What the contenders are given: the JSON bytes for loads, else a fresh parse."""
        return self.text() if self.op == LOADS else self.reference()

    def reference(self) -> object:
        """The value every contender's result must equal (a fresh standard-library parse)."""
        return json.loads(self.text())

    def text(self) -> bytes:
        return document_bytes(self.document, self.data_dir)


@dataclass(frozen=True)
class Library:
    name: str
    functions: dict[str, Function]  # op -> the function doing it, for the ops it has
    missing: dict[str, str] = field(default_factory=dict)  # op -> why it is unavailable

    def function(self, op: str) -> Function | None:
        return self.functions.get(FUNCTION_OF.get(op, op))

    def why_missing(self, op: str) -> str | None:
        op = FUNCTION_OF.get(op, op)
        if op in self.functions:
            return None
        return self.missing.get(op, f"{self.name} has no {op}")

    def bind(self, op: str, payload: object) -> Call | None:
        """A C-level ``functools.partial``: no Python frame between the runner and the
        library (the Python functions are the adapters a user would write too)."""
        function = self.function(op)
        return None if function is None else functools.partial(function, payload)


# --- the generated API response --------------------------------------------------------

# Text pools: what user-written fields of an international shop hold. Escapes on purpose:
# quotes, backslashes, newlines and a tab in notes and product names.
_FIRST_NAMES = (
    "Amélie", "José", "Zoë", "Björn", "Łukasz", "Çağla", "Søren", "Noémie", "Dvořák",
    "Анна", "Дмитрий", "Ольга", "陈伟", "李娜", "佐藤", "김민준", "Aoife", "Mira", "Liam",
    "Olivia", "Noah", "Emma", "Mateo", "Sofía",
)  # fmt: skip
_LAST_NAMES = (
    "Müller", "García", "Łopuszańska", "Nguyễn", "O'Brien", "Kowalski", "Иванов",
    "Петрова", "王", "山田", "Smith", "Dubois", "Rossi", "Sørensen",
    "Yılmaz", "Novák",  # noqa: RUF001 - Turkish dotless i
)  # fmt: skip
_CITIES = (  # (city, country, postal code, street)
    ("Paris", "FR", "75011", "Rue de la Roquette"),
    ("München", "DE", "80331", "Sendlinger Straße"),
    ("Zürich", "CH", "8001", "Bahnhofstrasse"),
    ("København", "DK", "1050", "Nørrebrogade"),
    ("Kraków", "PL", "31-042", "ulica Floriańska"),
    ("São Paulo", "BR", "01310-100", "Avenida Paulista"),
    ("Москва", "RU", "101000", "Тверская улица"),
    ("東京", "JP", "100-0001", "銀座通り"),
    ("서울", "KR", "04524", "세종대로"),
    ("Reykjavík", "IS", "101", "Laugavegur"),
    ("New York", "US", "10001", "West 34th Street"),
    ("Zaragoza", "ES", "50001", "Calle de Alfonso I"),
)
_PRODUCTS = (
    "Crème brûlée torch", "Kaffeemühle „Classic“", "Ceramic mug 12\" tall", "Чайник 1,7 л",
    "抹茶セット", "Wool scarf — charcoal", "Notebook A5 (dotted)", "Ski goggles ❄️",
    "Résumé template pack", "Cable USB-C\\Lightning", "Bento box 弁当", "Olive oil 500 ml",
    "Plant pot 🌱 small", "Headphones \"Studio\"", "Canvas tote",
    "Espresso cups ×4",  # noqa: RUF001 - a multiplication sign
)  # fmt: skip
_TAGS = (
    "gift", "fragile", "eco", "sale", "new", "bestseller", "bio", "handmade", "подарок",
    "限定", "vegan", "b2b", "express", "früh", "🔥hot", "clearance",
)  # fmt: skip
_NOTES = (
    'Please ring twice, the bell is "temperamental".',
    "Leave at the door.\nIf nobody answers, try the neighbours (flat 4B).",
    "Geschenk – bitte ohne Rechnung verpacken.",  # noqa: RUF001 - a German en dash
    "Не звонить до 10:00, спасибо!",  # noqa: RUF001 - Russian
    "置き配をお願いします。",
    "Tab-separated ref:\tPO-7731\tdept. 42",
    "Path on invoice: C:\\Invoices\\2024\\Q2",
    "Merci beaucoup ! 😊🎉",
)
_STATUSES = ("pending", "paid", "shipped", "delivered", "refunded", "cancelled")
_CARRIERS = ("DHL", "UPS", "La Poste", "PostNord", "Почта России", "ヤマト運輸", "FedEx")
_METHODS = ("standard", "express", "pickup", "same_day")
_LOCALES = ("fr-FR", "de-DE", "es-ES", "pl-PL", "ru-RU", "ja-JP", "ko-KR", "en-US", "da-DK")
_EPOCH = datetime.datetime(2024, 1, 1)  # naive: the timestamps are written in UTC, with "Z"


def _moment(
    rng: random.Random, after: datetime.datetime = _EPOCH, days: int = 180
) -> datetime.datetime:
    return after + datetime.timedelta(milliseconds=rng.randrange(days * 86_400_000))


def _iso(moment: datetime.datetime, millis: bool = False) -> str:
    return moment.isoformat(timespec="milliseconds" if millis else "seconds") + "Z"


def _money(cents: int) -> float:
    """A price with 2 decimals: the float nearest to cents / 100, written like "12.34"."""
    return cents / 100


def _address(rng: random.Random) -> dict[str, object]:
    city, country, postal_code, street = rng.choice(_CITIES)
    return {
        "line1": f"{rng.randrange(1, 250)} {street}",
        "line2": f"Apt. {rng.randrange(1, 90)}" if rng.random() < 0.3 else None,
        "city": city,
        "postal_code": postal_code,
        "country": country,
        "geo": {
            "lat": round(rng.uniform(-60.0, 70.0), 6),
            "lon": round(rng.uniform(-170.0, 170.0), 6),
        },
    }


def _customer(rng: random.Random) -> dict[str, object]:
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    customer_id = rng.randrange(10_000, 999_999)
    return {
        "id": customer_id,
        "name": f"{first} {last}",
        "email": f"user{customer_id}@example.com",
        "locale": rng.choice(_LOCALES),
        "vip": rng.random() < 0.1,
        "tags": rng.sample(_TAGS, rng.randrange(0, 4)),
        "orders_count": rng.randrange(1, 120),
        "address": _address(rng),
    }


def _line_item(rng: random.Random) -> tuple[dict[str, object], int]:
    """An order line and its total in cents."""
    quantity = rng.randrange(1, 6)
    unit_cents = rng.randrange(199, 25_000)
    discount = rng.choice((0.0, 0.0, 0.05, 0.1, 0.15, 0.25))
    total_cents = round(quantity * unit_cents * (1 - discount))
    item = {
        "sku": f"SKU-{rng.randrange(100_000, 999_999)}-{rng.choice('ABCDEFGH')}",
        "name": rng.choice(_PRODUCTS),
        "quantity": quantity,
        "unit_price": _money(unit_cents),
        "discount": discount,
        "total": _money(total_cents),
        "weight_kg": round(rng.uniform(0.05, 12.0), 3),
        "attributes": (
            {"color": rng.choice(("noir", "weiß", "赤", "синий")), "size": rng.choice("SML")}
            if rng.random() < 0.5
            else None
        ),
        "tags": rng.sample(_TAGS, rng.randrange(0, 3)),
    }
    return item, total_cents


def _order(rng: random.Random, index: int) -> dict[str, object]:
    items, subtotal = [], 0
    for _ in range(rng.randrange(1, 6)):
        item, cents = _line_item(rng)
        items.append(item)
        subtotal += cents
    tax_rate = rng.choice((0.0, 0.07, 0.1, 0.19, 0.2, 0.21))
    tax, shipping = round(subtotal * tax_rate), rng.choice((0, 490, 590, 1290))
    status = rng.choice(_STATUSES)
    shipped = status in ("shipped", "delivered")
    created = _moment(rng)
    updated = _moment(rng, after=created, days=14)
    return {
        "id": 1_000_000 + index,
        "number": f"ORD-2024-{index:06d}",
        "status": status,
        "created_at": _iso(created, millis=True),
        "updated_at": _iso(updated, millis=True),
        "paid": status not in ("pending", "cancelled"),
        "currency": "EUR",
        "customer": _customer(rng),
        "items": items,
        "totals": {
            "subtotal": _money(subtotal),
            "tax_rate": tax_rate,
            "tax": _money(tax),
            "shipping": _money(shipping),
            "grand_total": _money(subtotal + tax + shipping),
        },
        "shipping": {
            "method": rng.choice(_METHODS),
            "carrier": rng.choice(_CARRIERS) if shipped else None,
            "tracking": f"TRK{rng.randrange(10**11, 10**12)}" if shipped else None,
            "eta": _iso(_moment(rng, after=updated, days=7)) if shipped else None,
        },
        "note": rng.choice(_NOTES) if rng.random() < 0.35 else None,
        "metrics": {
            "fraud_score": round(rng.random(), 4),
            "margin_ratio": round(rng.uniform(0.05, 0.6), 4),
            "items_count": len(items),
        },
        "flags": {
            "gift": rng.random() < 0.15,
            "expedited": rng.random() < 0.2,
            "first_order": rng.random() < 0.25,
        },
    }


def api_document() -> dict[str, object]:
    """A page of orders as a shop's REST API returns it: ``data``, ``meta``, ``links``.

    Only ``random.Random`` methods whose output for a seed is stable across CPython versions
    (``random``, ``randrange``, ``choice``, ``sample``, ``uniform``) and exact arithmetic
    (``round``, integer cents) are used, so the document is the same on 3.10 to 3.14.
    """
    rng = random.Random(API_SEED)
    orders = [_order(rng, index) for index in range(1, API_ORDERS + 1)]
    base = "https://api.example.com/v2/orders"
    total = 4_821
    pages = -(-total // API_ORDERS)
    return {
        "data": orders,
        "meta": {
            "request_id": f"req_{rng.getrandbits(64):016x}",
            "generated_at": _iso(_moment(rng, days=200), millis=True),
            "api_version": "2024-06-01",
            "page": 3,
            "per_page": API_ORDERS,
            "total": total,
            "total_pages": pages,
            "took_ms": round(rng.uniform(5.0, 40.0), 2),
            "filters": {"status": None, "since": "2024-01-01T00:00:00Z", "country": ["FR", "DE"]},
            "cache": {"hit": False, "ttl": 300},
        },
        "links": {
            "self": f"{base}?page=3&per_page={API_ORDERS}",
            "first": f"{base}?page=1&per_page={API_ORDERS}",
            "prev": f"{base}?page=2&per_page={API_ORDERS}",
            "next": f"{base}?page=4&per_page={API_ORDERS}",
            "last": f"{base}?page={pages}&per_page={API_ORDERS}",
        },
    }


def compact(value: object) -> bytes:
    """The standard library's compact UTF-8 JSON: what every dumps contender must match."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _sized(name: str, text: bytes, size: int) -> bytes:
    if len(text) != size:
        msg = f"the {name}'s compact JSON is {len(text):,} bytes, not {size:,}: it has drifted"
        raise AssertionError(msg)
    return text


def document_path(document: str, data_dir: Path | None) -> Path:
    """The file of one of DOCUMENTS, with a clear error when it is not there."""
    if data_dir is None:
        msg = f"{document} needs a data folder (--data DIR), none was given"
        raise FileNotFoundError(msg)
    path = Path(data_dir) / f"{document}.json"
    if not path.is_file():
        expected = ", ".join(f"{name}.json" for name in DOCUMENTS)
        msg = (
            f"{path.name} is not in {data_dir}: the data folder must hold {expected} "
            "(the repository has them in benches/data)"
        )
        raise FileNotFoundError(msg)
    return path


def document_bytes(document: str, data_dir: Path | None = None) -> bytes:
    """The JSON text of a document: generated (API, SMALL) or read from ``data_dir``."""
    if document == SMALL:
        return _sized("small dict", compact(SMALL_DICT), SMALL_DICT_SIZE)
    if document == API:
        return _sized("api document", compact(api_document()), API_DOCUMENT_SIZE)
    return document_path(document, data_dir).read_bytes()


def _sizes(document: str, data_dir: Path | None, indent: bool) -> dict[str, int]:
    """Bytes read (loads) and written (dumps, dumps_str, indent=2 if asked) per operation.

    Known without generating or parsing anything for the generated documents and the
    standard files; other files (or indent=2) are parsed once.
    """
    if document in GENERATED:
        written = SMALL_DICT_SIZE if document == SMALL else API_DOCUMENT_SIZE
        sizes = {LOADS: written}
    else:
        read = document_path(document, data_dir).stat().st_size
        written = KNOWN_COMPACT_SIZES.get((document, read), 0)
        if not written:
            written = len(compact(json.loads(document_bytes(document, data_dir))))
        sizes = {LOADS: read}
    sizes.update(dict.fromkeys((DUMPS, DUMPS_STR, DUMPS_SORTED, DUMPS_COLD), written))
    if indent:
        value = json.loads(document_bytes(document, data_dir))
        sizes[DUMPS_INDENT2] = len(json.dumps(value, ensure_ascii=False, indent=2).encode())
    return sizes


def build_workloads(
    documents: tuple[str, ...] = (*DOCUMENTS, API, SMALL),
    data_dir: Path | None = None,
    extras: tuple[tuple[str, str], ...] = EXTRA_WORKLOADS,
    cold: bool = False,
) -> list[Job]:
    """Per document dumps (and, if ``cold``, a cold dumps) and loads, then the ``extras``
    (operation, document) of these documents. Cold dumps need the interleaved runner (its
    contenders get a fresh argument per call): the pytest-benchmark suites do not ask."""
    per_document = (DUMPS, DUMPS_COLD, LOADS) if cold else (DUMPS, LOADS)
    pairs = [(op, doc) for doc in documents for op in per_document]
    pairs += [(op, doc) for op, doc in extras if doc in documents]
    indented = {doc for op, doc in pairs if op == DUMPS_INDENT2}
    sizes = {doc: _sizes(doc, data_dir, indent=doc in indented) for doc in documents}
    return [Job(doc, op, sizes[doc][op], data_dir) for op, doc in pairs]


def _function(fn: Callable[..., object], **kwargs: object) -> Function:
    """``fn`` with keyword options, as a C-level ``functools.partial``."""
    return functools.partial(fn, **kwargs) if kwargs else fn


def _sorted_keys(text: bytes) -> bool:
    """Whether every object of the JSON ``text`` has its keys in sorted order."""
    in_order = True

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        nonlocal in_order
        keys = [key for key, _ in items]
        in_order = in_order and keys == sorted(keys)
        return dict(items)

    json.loads(text, object_pairs_hook=pairs)
    return in_order


def stdlib_library() -> Library:
    compact_options: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":")}

    def dumps(payload: object) -> bytes:
        return json.dumps(payload, **compact_options).encode()

    def dumps_indent2(payload: object) -> bytes:
        return json.dumps(payload, ensure_ascii=False, indent=2).encode()

    def dumps_sorted(payload: object) -> bytes:
        return json.dumps(payload, sort_keys=True, **compact_options).encode()

    return Library(
        STDLIB,
        {
            DUMPS: dumps,
            LOADS: json.loads,
            DUMPS_INDENT2: dumps_indent2,
            DUMPS_STR: _function(json.dumps, **compact_options),
            DUMPS_SORTED: dumps_sorted,
        },
    )


def orjson_library() -> Library | str:
    """orjson, or why it is unavailable."""
    try:
        import orjson  # noqa: PLC0415 - optional peer
    except ImportError:
        return ORJSON_MISSING

    def dumps_str(payload: object) -> str:
        return orjson.dumps(payload).decode()  # orjson has no str output: as a user would

    return Library(
        ORJSON,
        {
            DUMPS: orjson.dumps,
            LOADS: orjson.loads,
            DUMPS_INDENT2: _function(orjson.dumps, option=orjson.OPT_INDENT_2),
            DUMPS_STR: dumps_str,
            DUMPS_SORTED: _function(orjson.dumps, option=orjson.OPT_SORT_KEYS),
        },
    )


def ssrjson_library() -> Library | str:
    """ssrjson (C, SIMD), or why it is unavailable. It writes ``str`` (``dumps``) or UTF-8
    ``bytes`` (``dumps_to_bytes``); it has no sort_keys."""
    try:
        import ssrjson  # noqa: PLC0415 - optional peer
    except ImportError:
        return "ssrjson is not installed; pip install 'covet_rust_core[bench]'"
    return Library(
        SSRJSON,
        {
            DUMPS: ssrjson.dumps_to_bytes,
            LOADS: ssrjson.loads,
            DUMPS_INDENT2: _function(ssrjson.dumps_to_bytes, indent=2),
            DUMPS_STR: ssrjson.dumps,
        },
        {DUMPS_SORTED: "ssrjson has no option to sort keys"},
    )


def msgspec_library() -> Library | str:
    """msgspec's JSON, or why it is unavailable. It writes bytes; it has no indent option
    (``msgspec.json.format`` re-formats what was written: a second pass)."""
    try:
        import msgspec  # noqa: PLC0415 - optional peer
    except ImportError:
        return "msgspec is not installed; pip install 'covet_rust_core[bench]'"
    encode = msgspec.json.Encoder().encode
    sorted_encode = msgspec.json.Encoder(order="sorted").encode
    decode = msgspec.json.Decoder().decode

    def dumps_str(payload: object) -> str:
        return encode(payload).decode()  # msgspec has no str output: as a user would

    return Library(
        MSGSPEC,
        {DUMPS: encode, LOADS: decode, DUMPS_STR: dumps_str, DUMPS_SORTED: sorted_encode},
        {DUMPS_INDENT2: "msgspec has no indent option (msgspec.json.format is a second pass)"},
    )


def _covet_module(name: str) -> ModuleType | str:
    """The module that holds the covet JSON functions (``_native.json`` or the twin's
    ``fallback.json``), or why the extension cannot be imported."""
    if name == NATIVE:
        native = native_module()
        return native if isinstance(native, str) else native.json
    return importlib.import_module("covet_rust_core.fallback.json")


def covet_library(name: str) -> Library | str:
    """covet native or fallback with the JSON functions it has, or why it has none."""
    module = _covet_module(name)
    if isinstance(module, str):
        return module
    found: dict[str, Function] = {}
    missing: dict[str, str] = {}
    functions: dict[str, tuple[str, dict[str, object]]] = {
        DUMPS: ("dumps", {}),
        LOADS: ("loads", {}),
        DUMPS_INDENT2: ("dumps", {"indent": 2}),
        DUMPS_STR: ("dumps_str", {}),
        DUMPS_SORTED: ("dumps", {"sort_keys": True}),
    }
    for op, (attribute, kwargs) in functions.items():
        fn = getattr(module, attribute, None)
        if callable(fn):
            found[op] = _function(fn, **kwargs)
        else:
            missing[op] = f"{module.__name__} has no {attribute}()"
    if not found:
        return f"{module.__name__} has no JSON functions yet (dumps, dumps_str, loads)"
    return Library(name, found, missing)


@functools.cache
def resolve(slug: str) -> Library | str:
    """The library behind a slug of LIBRARIES, or why it is unavailable (a message)."""
    name = LIBRARIES[slug]
    if name == STDLIB:
        return stdlib_library()
    if name == ORJSON:
        return orjson_library()
    if name == SSRJSON:
        return ssrjson_library()
    if name == MSGSPEC:
        return msgspec_library()
    return covet_library(name)


def check(job: Job, output: object, reference: object) -> str | None:
    """None if ``output`` is a right answer for ``job``, else what is wrong with it.

    loads: equal to ``reference`` (the standard library's result). dumps: of the right
    type and layout, and parsing back (with the standard library) to the document. Bytes
    are not compared: float text may legitimately differ between libraries (orjson writes
    ``1e16``, Python's repr ``1e+16``).
    """
    if job.op == LOADS:
        same = output == reference
        return None if same else f"loads result differs from json.loads ({type(output).__name__})"
    want: type = str if job.op == DUMPS_STR else bytes
    if not isinstance(output, want):
        return f"{job.op} returned {type(output).__name__}, expected {want.__name__}"
    assert isinstance(output, (str, bytes))
    text = output.encode() if isinstance(output, str) else output
    if job.op == DUMPS_INDENT2:
        layout_ok = text.startswith((b"{\n  ", b"[\n  "))
    else:
        layout_ok = b"\n" not in text
    if not layout_ok:
        return f"{job.op} output is not laid out as asked (indent=2 or compact)"
    try:
        parsed = json.loads(text)
    except ValueError as error:
        return f"output is not valid JSON: {error}"
    if parsed != reference:
        return "output parses to a different value than the document"
    unsorted = job.op == DUMPS_SORTED and not _sorted_keys(text)
    return "sort_keys output has an object whose keys are not in sorted order" if unsorted else None


def contenders(job: Job) -> list[Contender]:
    """Every library's contender for ``job``, in table order, each run once and checked.

    They share one payload; the reference parse is dropped on return. A library without the
    operation is ``unavailable``; one that raises or disagrees has ``error`` set, no call.
    """
    text = job.text()
    reference = json.loads(text)
    payload = text if job.op == LOADS else json.loads(text)
    out = []
    for slug, name in LIBRARIES.items():
        library = resolve(slug)
        if isinstance(library, str):
            out.append(Contender(name, None, KINDS[name], unavailable=library))
            continue
        function = library.function(job.op)
        if function is None:
            why = library.why_missing(job.op) or f"{name} has no {job.op}"
            out.append(Contender(name, None, KINDS[name], unavailable=why))
            continue
        fresh: Call | None = None
        if job.op == DUMPS_COLD:  # a fresh parse for every call, made untimed
            fresh = functools.partial(json.loads, text)
            call: Call = functools.partial(_fresh_call, function, fresh)
        else:
            call = functools.partial(function, payload)
        try:
            output = call()
        except Exception as error:
            failure = f"ERROR: {type(error).__name__}: {error}"
            out.append(Contender(name, None, KINDS[name], error=failure))
            continue
        mismatch = check(job, output, reference)
        if mismatch is not None:
            out.append(Contender(name, None, KINDS[name], error=f"MISMATCH: {mismatch}"))
            continue
        cold = {"fresh": fresh, "call_with": function} if fresh is not None else {}
        out.append(Contender(name, call, KINDS[name], **cold))  # type: ignore[arg-type]
    return out


def _fresh_call(function: Function, fresh: Call) -> object:
    """One cold call, untimed parse included: the check and the warm-up."""
    return function(fresh())


def describe(job: Job) -> str:
    """One line: what is done to which document, in how many bytes."""
    kilobytes = f"{job.nbytes / 1000:,.0f} KB"
    if job.document == SMALL:
        what = f"a {job.nbytes}-byte API dict (per-call overhead)"
    elif job.document == API:
        what = f"a generated {kilobytes} API response (unicode, floats, nesting)"
    else:
        what = f"{job.document}.json ({kilobytes}, {DOCUMENT_TRAITS.get(job.document, 'file')})"
    if job.op == LOADS:
        return f"loads of {what} from UTF-8 bytes"
    layout = {
        DUMPS: "compact UTF-8 bytes",
        DUMPS_STR: "a compact str",
        DUMPS_INDENT2: "UTF-8 bytes indented by 2",
        DUMPS_SORTED: "compact UTF-8 bytes with sorted keys",
        DUMPS_COLD: "compact UTF-8 bytes, a fresh parse of it for every call (cold strings)",
    }[job.op]
    return f"{job.op.split('-')[0]} of {what} to {layout}"


def workloads(options: Options) -> list[Workload]:
    """``api`` and ``small``, then the data folder's documents (if given): dumps, cold dumps
    and loads of each, then COMMAND_EXTRAS (sort_keys, indent=2)."""
    documents = (API, SMALL) + (DOCUMENTS if options.data_dir is not None else ())
    return [
        Workload(
            domain="json",
            name=job.name,
            description=describe(job),
            nbytes=job.nbytes,
            baseline=STDLIB,
            prepare=functools.partial(contenders, job),
        )
        for job in build_workloads(documents, options.data_dir, COMMAND_EXTRAS, cold=True)
    ]
