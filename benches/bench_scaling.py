"""Scaling benchmark: does each public helper cost time in proportion to its input?

Every case times one helper on inputs of size n, 10n and 100n along one dimension (JSON:
width and depth separately; strings: length; multi_replace: text length and pattern count;
JWT: the token's size, up to the 256 KiB limit; the ``*_keys`` case conversions: width and
depth), for covet native and the pure-Python twin, all six interleaved in one run
(``python/covet_rust_core/bench/interleave.py``). Run from a release build:

    python benches/bench_scaling.py [--quick] [--json FILE] [--only TEXT]

Inputs are hostile where that is cheap to arrange: every character of a string to escape,
acronym runs for the case conversions, invalid ``%`` escapes, overlapping patterns, a
syntax error at the very end of a large document. Before anything is timed, the two
backends' outputs are compared at every size (a difference is an error, exit status 1).

For each backend the table gives the median time per call at n, 10n and 100n, the two step
ratios (the median of per-round ratios t(10n)/t(n) and t(100n)/t(10n)) and a verdict:

* **linear**: each step between 5x and 20x. A linear cost gives 10x; a step may come out
  below 10x where a fixed per-call cost (argument parsing, a result object, a cache
  lookup: 0.1-1 us) is a visible part of the time at n, and above it when the working set
  leaves a cache level (n log n work, such as sorting keys, gives 11x-13x at these sizes).
  A quadratic path gives 100x per step, and a quadratic term that is only a tenth of the
  cost at n still gives 19x on the first step and more than 50x on the second: 20x keeps
  all of those apart from a linear cost with margin.
* **linear (fixed cost at n)**: a step below 5x, none above 20x: the per-call overhead
  dominates at the small size, the later step shows the linear part.
* **SUPERLINEAR**: a step above 20x: a quadratic (or worse) path; the cause must be found.

``multi_replace`` with a growing pattern count is timed with nine pattern sets used in turn:
the native side keeps the last eight sets compiled (up to 64 KiB of patterns each), and a
single set would be a cache hit up to 1,000 patterns and a compilation at 10,000, a change
of regime (66x) that is no superlinear path.

The pattern-count cases start at 100 patterns: up to a few dozen, the native automaton
finds candidates with a SIMD prefilter (about one instruction per byte of text); past
that it steps through every byte (20 to 60 instructions per byte, whatever the count), a
change of regime that a 10-to-100 step would show as a spurious 25x.

The twin's JSON depth rows are flagged SUPERLINEAR, and that is a change of regime too:
up to about 100 levels the twin runs on the standard library's C scanner and encoder, which
recurse and stop at the interpreter's recursion limit; at 1000 levels it runs on its own
iterative parser and writer (docs/RELIABILITY.md). The rows marked "(twin: iterative ...)"
time that code at every size: linear. The native side's ``loads`` depth step (about 20x)
is the interpreter's cost of a deep structure (the collector runs while it is alive, and
CPython frees deep nesting through its trashcan): callgrind counts 12x to 15x more
instructions per step for ``json``, ``orjson`` and covet alike.

A backend whose one call takes more than a budget (1 s; 0.25 s with ``--quick``) at some
size, or is predicted to (the last step's ratio applied once more), is not run at that
size and larger: the table says so (the twin of some helpers: pure-Python BLAKE3, and
the regex alternation of ``multi_replace`` with very many patterns).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib
import itertools
import operator
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from covet_rust_core.bench.interleave import (
    Contender,
    Result,
    dump_json,
    environment,
    format_time,
    paired_ratio,
    run,
)
from covet_rust_core.bench.strings_workloads import SplitMix64, prose
from covet_rust_core.fallback import _json_parse
from covet_rust_core.fallback import json as twin_json

Call = Callable[[], object]
# A case's input at size n, then the call of one backend on it.
Make = Callable[[int], Any]
Bind = Callable[[ModuleType, Any], Call]

LOW, HIGH = 5.0, 20.0  # the band of a linear 10x step (see the module docstring)
# How many pattern sets the native multi_replace keeps compiled (crates/covet-python/src/strings/,
# RECENT_REPLACERS): one more, used in turn, misses the cache on every call.
RECENT_SETS = 8
SECRET = "a-long-random-secret-for-the-scaling-bench"
BACKENDS = ("native", "twin")


@dataclass(frozen=True)
class Case:
    helper: str
    dimension: str
    n: int
    make: Make
    bind: Bind
    unit: str = ""  # what n counts, for the table

    @property
    def name(self) -> str:
        return f"{self.helper} / {self.dimension}"

    def sizes(self) -> tuple[int, int, int]:
        return self.n, 10 * self.n, 100 * self.n


# ------------------------------------------------------------------------------ inputs


def text(seed: int, length: int, fragments: tuple[str, ...] = (), share: float = 0.0) -> str:
    return prose(seed, length, fragments, share)


def html_text(length: int) -> str:
    # About a fifth of the characters to escape.
    return text(1, length, ("<b>", "&amp;", "'quoted'", '"x"', "a<b>c"), 0.3)


def unicode_text(length: int) -> str:
    fragments = ("北京", "Привет", "Ελληνικά", "café", "😀", "Straße", "日本語", "&amp;", "&#233;")
    return text(2, length, fragments, 0.3)


def camel_text(length: int) -> str:
    unit = "someHTTPRequestId2Value_XMLHttp "
    return (unit * (length // len(unit) + 1))[:length]


def snake_text(length: int) -> str:
    unit = "some_http_request_id_2_value__x "
    return (unit * (length // len(unit) + 1))[:length]


def url_text(length: int) -> str:
    return text(3, length, ("a/b", "ü", "?x=1&y=2", "%", "€", "+"), 0.3)


def quoted_text(length: int) -> str:
    # Valid escapes, invalid ones (%zz, a lone %), UTF-8 split across escapes, and plus signs.
    unit = "a%20b%E2%82%ACc%zz%+d%C3%A9%E2%82+x%"
    return (unit * (length // len(unit) + 1))[:length]


def query(fields: int) -> str:
    return "&".join(f"key{i % 50}=value+{i}%20x" for i in range(fields))


def record(i: int) -> dict[str, Any]:
    return {"id": i, "name": f"user {i}", "score": i / 7, "active": i % 2 == 0, "tags": ["a", "b"]}


def records(count: int) -> list[dict[str, Any]]:
    return [record(i) for i in range(count)]


def wide_object(keys: int) -> dict[str, int]:
    return {f"key{i}": i for i in range(keys)}


def nested_lists(depth: int) -> Any:
    value: Any = [1]
    for _ in range(depth - 1):
        value = [value]
    return value


def nested_dicts(depth: int) -> Any:
    value: Any = {"leafKeyName": 1}
    for _ in range(depth - 1):
        value = {"someKeyName": value, "otherKey": 2}
    return value


def escaped_string(length: int) -> str:
    rng = SplitMix64(4)
    alphabet = 'ab\n"\\\té€\x01😀 c'
    return "".join(alphabet[rng.below(len(alphabet))] for _ in range(length))


def json_text(value: Any) -> str:
    import covet_rust_core._native as native  # noqa: PLC0415

    return native.json.dumps_str(value)


def claims(token_bytes: int) -> dict[str, Any]:
    """Claims whose HS256 token is at most ``token_bytes`` long (and nearly that long)."""
    # Each claim is 35 bytes of JSON, 46.7 of base64url; header and signature take 100.
    count = max(1, (token_bytes - 100) * 3 // 4 // 35 - 1)
    payload: dict[str, Any] = {"sub": "42", "iat": 1_700_000_000}
    payload.update({f"claim{i:06d}": f"value-{i:012d}" for i in range(count)})
    return payload


def token(token_bytes: int) -> str:
    import covet_rust_core._native as native  # noqa: PLC0415

    return str(native.jwt.encode(claims(token_bytes), SECRET, "HS256"))


def aud_token(entries: int) -> str:
    import covet_rust_core._native as native  # noqa: PLC0415

    payload = {"sub": "42", "aud": [f"service-{i}" for i in range(entries)] + ["api"]}
    return str(native.jwt.encode(payload, SECRET, "HS256"))


def patterns(count: int, seed: int = 5) -> dict[str, str]:
    """``count`` word-like patterns, some prefixes of others."""
    rng = SplitMix64(seed)
    table: dict[str, str] = {}
    while len(table) < count:
        word = "".join(chr(97 + rng.below(26)) for _ in range(3 + rng.below(6)))
        table[word] = word.upper()
    return table


def overlapping(count: int) -> dict[str, str]:
    return {"a" * k: f"<{k}>" for k in range(1, count + 1)}


def stopwords(count: int) -> list[str]:
    return [f"w{i}" for i in range(count)] + ["the", "and"]


# ------------------------------------------------------------------------------- cases


def _json_cases() -> list[Case]:
    def loads(make: Callable[[int], str | bytes]) -> tuple[Make, Bind]:
        return make, lambda impl, doc: lambda: impl.json.loads(doc)

    def dumps(make: Make, **options: Any) -> tuple[Make, Bind]:
        return make, lambda impl, value: lambda: impl.json.dumps(value, **options)

    def dumps_str(make: Make, **options: Any) -> tuple[Make, Bind]:
        return make, lambda impl, value: lambda: impl.json.dumps_str(value, **options)

    class Custom:
        __slots__ = ("value",)

        def __init__(self, value: int) -> None:
            self.value = value

    def custom_list(count: int) -> list[Any]:
        return [{"id": i, "obj": Custom(i)} for i in range(count)]

    def deep_error(depth: int) -> Any:
        value: Any = [object()]
        for i in range(depth - 1):
            value = {f"k{i}": value} if i % 2 else [value]
        return value

    def failing_dumps(impl: ModuleType, value: Any) -> Call:
        def call() -> object:
            try:
                impl.json.dumps(value)
            except TypeError as error:
                return str(error)
            return None

        return call

    def failing_loads(impl: ModuleType, doc: Any) -> Call:
        def call() -> object:
            try:
                impl.json.loads(doc)
            except ValueError as error:
                return (type(error).__name__, str(error))
            return None

        return call

    def nested_text(depth: int) -> str:
        return '{"a":' * depth + "1" + "}" * depth

    def slow_loads(impl: ModuleType, doc: str) -> Call:
        if impl.__name__.endswith("_native"):
            return lambda: impl.json.loads(doc)
        return lambda: _json_parse.parse(doc)

    def slow_dumps(impl: ModuleType, value: Any) -> Call:
        if impl.__name__.endswith("_native"):
            return lambda: impl.json.dumps_str(value)
        options = twin_json._Options(None, False, None, False, False)
        return lambda: twin_json._serialize(value, options, [])

    def invalid_utf8(count: int) -> bytes:
        return json_text(records(count)).encode()[:-2] + b'"\xff"]'

    return [
        Case("loads", "array width", 100, *loads(lambda n: json_text(records(n))), "records"),
        Case("loads", "object width", 1000, *loads(lambda n: json_text(wide_object(n))), "keys"),
        Case("loads", "string length", 1000, *loads(lambda n: json_text(escaped_string(n)))),
        Case("loads", "depth (arrays)", 10, *loads(lambda n: "[" * n + "1" + "]" * n), "levels"),
        Case(
            "loads",
            "depth (objects)",
            10,
            *loads(lambda n: '{"a":' * n + "1" + "}" * n),
            "levels",
        ),
        Case("loads", "bytes width", 100, *loads(lambda n: json_text(records(n)).encode())),
        Case(
            "loads (error at the end)",
            "array width",
            100,
            lambda n: json_text(records(n))[:-1] + ",",
            failing_loads,
            "records",
        ),
        Case(
            "loads (invalid UTF-8 at the end)",
            "array width",
            100,
            invalid_utf8,
            failing_loads,
            "records",
        ),
        Case(
            "loads (a 1000-deep array first)",
            "array width",
            100,
            *loads(lambda n: "[" + "[" * 999 + "]" * 999 + "," + json_text(records(n))[1:]),
            "records",
        ),
        Case("dumps", "array width", 100, *dumps(records), "records"),
        Case(
            "dumps (a 1000-deep list first)",
            "array width",
            100,
            *dumps(lambda n: [nested_lists(999), *records(n)]),
            "records",
        ),
        Case("dumps", "object width", 1000, *dumps(wide_object), "keys"),
        Case("dumps", "string length", 1000, *dumps(escaped_string)),
        Case("dumps", "depth (arrays)", 10, *dumps(nested_lists), "levels"),
        Case("dumps", "depth (objects)", 10, *dumps(nested_dicts), "levels"),
        Case("dumps sort_keys", "object width", 1000, *dumps(wide_object, sort_keys=True)),
        Case("dumps indent=2", "array width", 100, *dumps(records, indent=2), "records"),
        Case(
            "dumps default= (never called)",
            "array width",
            100,
            *dumps(records, default=operator.attrgetter("value")),
            "records",
        ),
        Case(
            "dumps default=",
            "array width",
            100,
            *dumps(custom_list, default=operator.attrgetter("value")),
        ),
        Case("dumps (error at the bottom)", "depth", 10, deep_error, failing_dumps, "levels"),
        Case("dumps_str", "array width", 100, *dumps_str(records), "records"),
        Case("dumps_str", "string length", 1000, *dumps_str(escaped_string)),
        Case("dumps_str", "depth (arrays)", 10, *dumps_str(nested_lists), "levels"),
        # The twin's depth rows above cross from the standard library's C code (recursive:
        # it stops at the recursion limit) to the twin's own iterative code between 100
        # and 1000 levels, a change of regime. These time the twin's iterative code alone,
        # at every size, against the same native call.
        Case("loads (twin: iterative parser)", "depth (objects)", 10, nested_text, slow_loads),
        Case("dumps_str (twin: iterative writer)", "depth (arrays)", 10, nested_lists, slow_dumps),
    ]


def _jwt_cases() -> list[Case]:
    def encode(impl: ModuleType, payload: Any) -> Call:
        return lambda: impl.jwt.encode(payload, SECRET, "HS256")

    def decode(impl: ModuleType, jwt: str) -> Call:
        return lambda: impl.jwt.decode(jwt, SECRET, algorithms=["HS256"])

    def decode_aud(impl: ModuleType, jwt: str) -> Call:
        audience = [f"other-{i}" for i in range(10)] + ["api"]
        return lambda: impl.jwt.decode(jwt, SECRET, algorithms=["HS256"], audience=audience)

    def header(impl: ModuleType, jwt: str) -> Call:
        return lambda: impl.jwt.get_unverified_header(jwt)

    return [
        Case("jwt encode HS256", "claims (token bytes)", 2500, claims, encode, "bytes"),
        Case("jwt decode HS256", "claims (token bytes)", 2500, token, decode, "bytes"),
        Case("jwt decode audience", "aud list length", 100, aud_token, decode_aud, "entries"),
        Case("jwt get_unverified_header", "token bytes", 2500, token, header, "bytes"),
    ]


def _hashing_cases() -> list[Case]:
    def data(size: int) -> bytes:
        return bytes(range(256)) * (size // 256)

    def digest(name: str) -> Bind:
        return lambda impl, payload: lambda: getattr(impl, name)(payload)

    return [
        Case("blake3_digest", "bytes", 4096, data, digest("blake3_digest"), "bytes"),
        Case("xxh3_64_digest", "bytes", 4096, data, digest("xxh3_64_digest"), "bytes"),
        Case("xxh3_128_digest", "bytes", 4096, data, digest("xxh3_128_digest"), "bytes"),
    ]


def _strings_cases() -> list[Case]:
    def one(name: str, **options: Any) -> Bind:
        return lambda impl, value: lambda: getattr(impl, name)(value, **options)

    def multi_replace(impl: ModuleType, value: tuple[str, dict[str, str]]) -> Call:
        return lambda: impl.strings.multi_replace(*value)

    def multi_replace_in_turn(impl: ModuleType, value: tuple[str, list[dict[str, str]]]) -> Call:
        text, tables = value
        turn = itertools.cycle(tables)
        return lambda: impl.strings.multi_replace(text, next(turn))

    def replacer_build(impl: ModuleType, mapping: dict[str, str]) -> Call:
        return lambda: len(impl.strings.Replacer(mapping))

    def replacer_replace(impl: ModuleType, value: tuple[str, dict[str, str]]) -> Call:
        replacer = impl.strings.Replacer(value[1])
        return lambda: replacer.replace(value[0])

    def slug_stopwords(impl: ModuleType, words: list[str]) -> Call:
        title = text(6, 2000)
        return lambda: impl.strings.slugify(title, stopwords=words)

    fixed_text = text(7, 10_240)
    cases = [
        Case("escape_html", "length", 1000, html_text, one("escape_html")),
        Case(
            "escape_html",
            "length (all to escape)",
            1000,
            lambda n: "<&>'\"" * (n // 5),
            one("escape_html"),
        ),
        Case("transliterate", "length", 1000, unicode_text, one("transliterate")),
        Case("slugify", "length", 1000, unicode_text, one("slugify")),
        Case(
            "slugify max_length word_boundary",
            "length",
            1000,
            unicode_text,
            lambda impl, value: (
                lambda: impl.strings.slugify(
                    value, max_length=len(value) // 2, word_boundary=True, save_order=True
                )
            ),
        ),
        Case(
            "slugify references",
            "length",
            1000,
            lambda n: "&#65;&amp;&#x42;&#9999999;&bogus;&#" * (n // 36),
            one("slugify"),
        ),
        Case("slugify stopwords", "stopword count", 10, stopwords, slug_stopwords),
    ]
    for case in ("snake", "camel", "pascal", "kebab"):
        source = camel_text if case == "snake" else snake_text
        cases.append(Case(f"to_{case}", "length", 1000, source, one(f"to_{case}")))
    for case in ("snake", "kebab"):
        # pyhumps' split expression, copied as it was, tried a run of _ from each position.
        cases.append(
            Case(f"to_{case} (a run of _)", "length", 1000, lambda n: "_" * n, one(f"to_{case}"))
        )
    for case in ("snake", "camel", "pascal", "kebab"):
        function = f"to_{case}_keys"
        cases += [
            Case(function, "width", 100, wide_camel, one(function), "keys"),
            Case(function, "depth", 10, nested_dicts, one(function), "levels"),
        ]
    cases += [
        Case("quote", "length", 1000, url_text, one("quote")),
        Case("quote_plus", "length", 1000, url_text, one("quote_plus")),
        Case("unquote", "length", 1000, quoted_text, one("unquote")),
        Case("unquote_plus", "length", 1000, quoted_text, one("unquote_plus")),
        Case("parse_qsl", "fields", 100, query, one("parse_qsl", keep_blank_values=True)),
        Case("parse_qs", "fields", 100, query, one("parse_qs")),
        Case(
            "urlencode",
            "pairs",
            100,
            lambda n: [(f"key{i}", f"välue {i}/&") for i in range(n)],
            one("urlencode"),
        ),
        Case(
            "urlencode doseq",
            "values",
            100,
            lambda n: {"k": [f"v {i}" for i in range(n)]},
            one("urlencode", doseq=True),
        ),
        Case(
            "multi_replace",
            "text length",
            1000,
            lambda n: (text(8, n), patterns(20)),
            multi_replace,
        ),
        Case(
            "multi_replace (cache missed)",
            "pattern count",
            100,
            lambda n: (fixed_text, [patterns(n, seed) for seed in range(RECENT_SETS + 1)]),
            multi_replace_in_turn,
            "patterns",
        ),
        Case(
            "multi_replace overlapping",
            "text length",
            1000,
            lambda n: ("a" * n, overlapping(20)),
            multi_replace,
        ),
        Case(
            "multi_replace shared prefix",
            "pattern count",
            10,
            lambda n: ("ab0" * 3500, {f"ab{i:05d}": f"<{i}>" for i in range(n)}),
            multi_replace,
            "patterns",
        ),
        Case("Replacer()", "pattern count", 10, patterns, replacer_build, "patterns"),
        Case(
            "Replacer.replace",
            "text length",
            1000,
            lambda n: (text(8, n), patterns(20)),
            replacer_replace,
        ),
        Case(
            "Replacer.replace",
            "pattern count",
            100,
            lambda n: (fixed_text, patterns(n)),
            replacer_replace,
            "patterns",
        ),
        Case(
            "secure_filename",
            "length",
            1000,
            lambda n: ("../ Dépôt/fïle name..  " * (n // 23 + 1))[:n] + ".tar.gz",
            one("secure_filename"),
        ),
    ]
    return cases


def wide_camel(keys: int) -> dict[str, Any]:
    return {f"someHTTPKey{i}Name": {"innerValue": i} for i in range(keys)}


def all_cases() -> list[Case]:
    return [*_json_cases(), *_jwt_cases(), *_hashing_cases(), *_strings_cases()]


# ------------------------------------------------------------------------------ running


def backend(name: str) -> ModuleType:
    if name == "native":
        return importlib.import_module("covet_rust_core._native")
    return importlib.import_module("covet_rust_core.fallback")


def comparable(value: object) -> object:
    """What two backends' results are compared by (== recurses; deep values go as JSON)."""
    if isinstance(value, (dict, list)):
        import covet_rust_core._native as native  # noqa: PLC0415

        return native.json.dumps(value, default=repr, non_str_keys=True)
    return value


@dataclass
class Probe:
    """One backend at the three sizes: the calls to time, what is skipped and why."""

    calls: dict[int, Call] = dataclasses.field(default_factory=dict)
    outputs: dict[int, object] = dataclasses.field(default_factory=dict)
    skipped: str | None = None
    error: str | None = None


def probe(case: Case, impl: ModuleType, inputs: dict[int, Any], budget: float) -> Probe:
    """Binds and calls ``impl`` once at each size, in order, while it stays in budget."""
    result = Probe()
    times: list[float] = []
    for size in case.sizes():
        if len(times) >= 2:
            step = max(10.0, times[-1] / max(times[-2], 1e-9))
            if times[-1] * step > budget:
                result.skipped = (
                    f"{size:,}: skipped (predicted {format_time(times[-1] * step)} per call)"
                )
                break
        try:
            call = case.bind(impl, inputs[size])
            start = time.perf_counter()
            output = call()
            elapsed = time.perf_counter() - start
        except Exception as error:
            result.error = f"{size:,}: {type(error).__name__}: {error}"
            break
        result.calls[size] = call
        result.outputs[size] = comparable(output)
        times.append(elapsed)
        if elapsed > budget:
            result.skipped = f"{size:,}: one call took {format_time(elapsed)}; larger not run"
            break
    return result


@dataclass
class Row:
    case: Case
    backend: str
    medians: list[float | None]
    steps: list[tuple[float, float, float] | None]
    verdict: str
    note: str = ""

    def cells(self) -> list[str]:
        times = ["-" if m is None else format_time(m) for m in self.medians]
        steps = ["-" if s is None else f"{s[0]:.1f}x" for s in self.steps]
        n = f"{self.case.n:,}" + (f" {self.case.unit}" if self.case.unit else "")
        return [self.case.helper, self.case.dimension, n, *times, *steps, self.verdict]


def judge(steps: list[tuple[float, float, float] | None]) -> str:
    measured = [step[0] for step in steps if step is not None]
    if not measured:
        return "n/a"
    if any(step > HIGH for step in measured):
        return "SUPERLINEAR"
    if any(step < LOW for step in measured):
        return "linear (fixed cost at n)"
    return "linear"


def run_case(
    case: Case, budget: float, rounds: int, sample_seconds: float
) -> tuple[list[Row], list[str], dict[str, Any]]:
    inputs = {size: case.make(size) for size in case.sizes()}
    probes = {name: probe(case, backend(name), inputs, budget) for name in BACKENDS}
    errors = [f"{case.name}, {name}: {p.error}" for name, p in probes.items() if p.error]
    native, twin = probes["native"], probes["twin"]
    for size in case.sizes():
        both = size in native.outputs and size in twin.outputs
        if both and native.outputs[size] != twin.outputs[size]:
            errors.append(f"{case.name}: the backends differ at {size:,}")
    contenders = [
        Contender(f"{name} {size}", call, kind=name)
        for name, p in probes.items()
        for size, call in p.calls.items()
    ]
    gc.collect()
    results = run(contenders, rounds=rounds, sample_seconds=sample_seconds, collect=True)
    rows = []
    raw: dict[str, Any] = {}
    for name, p in probes.items():
        found: list[Result | None] = []
        for size in case.sizes():
            result = results.get(f"{name} {size}")
            if result is not None and result.error is not None:
                errors.append(f"{case.name}, {name} at {size:,}: {result.error}")
                result = None
            found.append(result)
            if result is not None:
                raw[f"{name} {size}"] = result.per_call
        medians = [None if r is None else r.median for r in found]
        steps = [
            None if a is None or b is None else paired_ratio(b, a)
            for a, b in itertools.pairwise(found)
        ]
        note = p.skipped or p.error or ""
        rows.append(Row(case, name, medians, steps, judge(steps), note))
    return rows, errors, raw


HEADER = [
    "helper",
    "dimension",
    "n",
    "t(n)",
    "t(10n)",
    "t(100n)",
    "10n/n",
    "100n/10n",
    "verdict",
]


def markdown(rows: list[Row], backend_name: str) -> list[str]:
    lines = [f"### covet {backend_name}", ""]
    lines += ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    notes = []
    for row in rows:
        if row.backend != backend_name:
            continue
        lines.append("| " + " | ".join(row.cells()) + " |")
        if row.note:
            notes.append(f"- {row.case.name}: {row.note}")
    if notes:
        lines += ["", "Not timed at every size:", *notes]
    return [*lines, ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: about a minute")
    parser.add_argument("--json", help="write the environment, rows and raw samples here")
    parser.add_argument("--only", help="run only the cases whose name contains this")
    args = parser.parse_args()
    rounds = 3 if args.quick else 9
    sample_seconds = 0.01 if args.quick else 0.05
    budget = 0.25 if args.quick else 1.0
    cases = [case for case in all_cases() if not args.only or args.only in case.name]
    env = environment()
    print(
        "\n".join(
            [
                "## Scaling benchmark",
                "",
                "Environment: " + ", ".join(f"{k}={v}" for k, v in env.items()),
                "",
                f"{rounds} interleaved rounds per case (n, 10n and 100n of both backends), "
                f"samples of about {sample_seconds * 1e3:g} ms, a full collection before each. "
                f"Steps: median of per-round ratios; linear when each is within "
                f"{LOW:g}x-{HIGH:g}x.",
                "",
            ]
        ),
        flush=True,
    )
    rows: list[Row] = []
    errors: list[str] = []
    raw: dict[str, Any] = {}
    started = time.perf_counter()
    for index, case in enumerate(cases, 1):
        case_rows, case_errors, case_raw = run_case(case, budget, rounds, sample_seconds)
        rows += case_rows
        errors += case_errors
        raw[case.name] = case_raw
        verdicts = ", ".join(f"{row.backend} {row.verdict}" for row in case_rows)
        print(f"[{index}/{len(cases)}] {case.name}: {verdicts}", file=sys.stderr, flush=True)
    for name in BACKENDS:
        print("\n".join(markdown(rows, name)))
    flagged = [f"- {row.case.name} ({row.backend})" for row in rows if row.verdict == "SUPERLINEAR"]
    print(f"### Superlinear: {len(flagged)}", "", *flagged, "", sep="\n")
    print(f"### Errors: {len(errors)}", "", *(f"- {e}" for e in errors), "", sep="\n")
    print(f"Total time: {time.perf_counter() - started:.0f} s")
    if args.json:
        payload = {
            "environment": env,
            "settings": {
                "rounds": rounds,
                "sample_seconds": sample_seconds,
                "budget": budget,
                "band": [LOW, HIGH],
            },
            "rows": [
                {
                    "helper": row.case.helper,
                    "dimension": row.case.dimension,
                    "backend": row.backend,
                    "sizes": list(row.case.sizes()),
                    "medians": row.medians,
                    "steps": row.steps,
                    "verdict": row.verdict,
                    "note": row.note,
                }
                for row in rows
            ],
            "samples": raw,
            "errors": errors,
        }
        dump_json(args.json, payload)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
