"""String-helper benchmark workloads, shared by ``python -m covet_rust_core bench``
(``workloads()``), benches/bench_strings.py (interleaved runner) and
benches/test_bench_strings.py (pytest-benchmark): the inputs, the contenders and the check
that every contender's output is right before anything is timed.

Jobs (inputs built deterministically, never timed; the 10 KB texts by a small generator,
``prose()``, that the repository's benches/strings.rs repeats step for step):

* ``escape_html`` of 10,240 characters of forum-post-like HTML-ish text with about 5% of the
  characters to escape (tags, ``&``, quotes; a few accented Latin-1 letters), of 10,240
  characters of prose with nothing to escape, and of a 48-byte ASCII string. Anchor:
  ``markupsafe.escape`` (its C speedups; whether they are in use is recorded). markupsafe
  returns a ``Markup`` and covet an exact ``str``: both hold the same escaped text, and
  ``str()`` of markupsafe's result is what every contender must return.
* ``slugify`` of a 60-character title in French and German with a Cyrillic phrase, and of a
  60-character ASCII title. Anchor: python-slugify (its default, legacy pipeline).
* ``to_snake_keys`` of an API response with 50 camelCase keys at all levels (nested objects
  and a list of three objects). Anchor: ``humps.decamelize``. ``to_camel_keys`` of its
  snake_case form against ``humps.camelize`` (reported, no target).
* ``quote`` of a 200-character path with spaces and non-ASCII (``safe="/"``), ``unquote`` of
  its quoted form, ``parse_qsl`` of a 20-pair query string (``+`` and ``%`` escapes) and
  ``urlencode`` of those 20 pairs (a dict, two int values). Anchor: ``urllib.parse``.
* ``multi_replace`` with 20 patterns on 10,240 characters of prose where about 2% of the
  words are hits, twice: British spellings replaced by American ones (some patterns
  prefixes of others: the longest match wins) and an e-mail template's ``{{placeholders}}``
  (whose rare first character makes ``re``'s job much easier). covet's
  ``multi_replace(text, mapping)`` and a ``Replacer(mapping)`` prepared once: in the scripts
  one table with both (``covet native`` and ``covet native Replacer``, the same two of the
  twin), in the bench command two workloads (``multi_replace-words`` and ``Replacer-words``,
  each with one ``covet native`` and one ``covet fallback``). Anchor: a compiled ``re``
  alternation (longest pattern first, so it also picks the longest match) with a dict
  lookup, compiled once outside the timing.
* ``secure_filename`` of an upload's name with path parts and accented letters. Anchor:
  werkzeug.

Contenders: covet native (``covet_rust_core._native.strings``), covet fallback (the
pure-Python twin, ``covet_rust_core.fallback.strings``) and the anchor. Each is resolved
lazily (nothing but the standard library is imported with this module): a backend without
the helper yet, or an anchor that is not installed, is reported as unavailable with the
reason, never silently dropped. A twin that exists but cannot be imported is not
"unavailable": each of its jobs raises the import error, so it is reported (and counted) as
an error.

The anchor's output (``str()`` of it for markupsafe) is the expected result: every covet
contender must return an object of the same type, equal to it, with the same ``repr`` (so
the same key order for dicts). Without the anchor nothing can be checked, so the covet
contenders of its jobs are reported unavailable too.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from covet_rust_core._backend import import_native

from .interleave import Contender
from .model import (
    FALLBACK,
    FALLBACK_KIND,
    INSTALL,
    NATIVE,
    NATIVE_KIND,
    PEER_KIND,
    Options,
    Workload,
    not_importable,
)

DOMAIN = "strings"

# Contender display names (the interleave runner's targets judge NATIVE) and slugs.
COVET = {"covet-native": NATIVE, "covet-fallback": FALLBACK}
COVET_KINDS = {NATIVE: NATIVE_KIND, FALLBACK: FALLBACK_KIND}
REPLACER = "Replacer"  # the prepared variant of multi_replace

Call = Callable[[], object]

KB10 = 10_240  # "10 KB" of text: characters


@dataclass(frozen=True)
class Inputs:
    """The arguments every contender of a workload gets, and their sizes in words."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    size: str = ""


# Text generators: deterministic (fixed seeds), realistic prose.

_VOCABULARY = (
    "the of and to in is that for it as was with be by on not he this are or his from at "
    "which but have an they you were her she there been one all we their has would when if "
    "so no will more can said about up out them some could time into only other new than "
    "then now also after first two may over very well where most should through people our "
    "any these how because just each such before those here between both under while last "
    "never little same another know state good still year make work way system number "
    "part order report account server request page user data value team release update "
    "feature support review change result question answer problem example project version"
)
_WORDS = tuple(_VOCABULARY.split())
_ACCENTED = ("café", "naïve", "déjà", "über", "Müller", "façade", "Zoë", "résumé", "Köln")
_HTML_FRAGMENTS = (
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<p>",
    "</p>",
    "<br>",
    "<code>",
    "</code>",
    '<a href="https://example.com/search?q=rust&page=2">',
    "</a>",
    "R&D",
    "Q&A",
    "x < y",
    "a > b",
    "it's",
    "don't",
    '"quoted"',
    "&amp;",
    "&nbsp;",
)
_SPECIALS = frozenset("&<>'\"")


_MASK64 = (1 << 64) - 1


class SplitMix64:
    """splitmix64, a tiny generator benches/strings.rs repeats step for step, so that the
    criterion benches of the Rust cores read exactly the texts these workloads do."""

    def __init__(self, seed: int) -> None:
        self.state = seed

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        return self.next() % n

    def chance(self, p: float) -> bool:
        return (self.next() >> 11) * 2.0**-53 < p

    def choice(self, items: tuple[str, ...]) -> str:
        return items[self.below(len(items))]


_ENDINGS = (".", ".", ".", "?", "!")
# Seeds of the four texts (benches/strings.rs uses the same).
HTML_SEED, CLEAN_SEED, WORDS_SEED, PLACEHOLDERS_SEED = 1, 2, 3, 4
# Their UTF-8 lengths: a workload's bytes per call, known before its text is made (and
# checked when it is; benches/strings.rs checks the same lengths).
TEXT_BYTES = {HTML_SEED: 10_249, CLEAN_SEED: 10_256, WORDS_SEED: 10_251, PLACEHOLDERS_SEED: 10_254}


def prose(seed: int, length: int, fragments: tuple[str, ...], fragment_share: float) -> str:
    """``length`` characters of sentences from a common-word vocabulary, with a few accented
    words and, with probability ``fragment_share`` per token, one of ``fragments``."""
    rng = SplitMix64(seed)
    parts: list[str] = []
    total = 0
    sentence_left = 0
    while total < length:
        if sentence_left == 0:
            sentence_left = 8 + rng.below(13)
            token = rng.choice(_WORDS).capitalize()
        elif fragments and rng.chance(fragment_share):
            token = rng.choice(fragments)
        elif rng.chance(0.006):
            token = rng.choice(_ACCENTED)
        else:
            token = rng.choice(_WORDS)
        sentence_left -= 1
        if sentence_left == 0:
            token += rng.choice(_ENDINGS) + ("\n\n" if rng.chance(0.15) else "")
        elif rng.chance(0.08):
            token += ","
        parts.append(token)
        total += len(token) + 1
    return " ".join(parts)[:length]


def _kind(text: str) -> str:
    if text.isascii():
        return "ASCII"
    widest = max(map(ord, text))
    return "Latin-1" if widest < 0x100 else "UCS-2" if widest < 0x10000 else "UCS-4"


def _text_size(text: str, extra: str = "") -> str:
    size = f"{len(text):,} chars, {len(text.encode()):,} UTF-8 bytes, {_kind(text)}"
    return f"{size}, {extra}" if extra else size


def _html_text() -> Inputs:
    text = prose(HTML_SEED, KB10, _HTML_FRAGMENTS, 0.16)
    assert len(text.encode()) == TEXT_BYTES[HTML_SEED]
    share = sum(c in _SPECIALS for c in text) / len(text)
    return Inputs((text,), size=_text_size(text, f"{share:.1%} of the characters to escape"))


def _clean_text() -> Inputs:
    text = prose(CLEAN_SEED, KB10, (), 0.0)
    assert len(text.encode()) == TEXT_BYTES[CLEAN_SEED]
    assert not _SPECIALS.intersection(text)
    return Inputs((text,), size=_text_size(text, "nothing to escape"))


SHORT_HTML = 'Q&A: "Why is <covet> so fast?" asked by O\'Neill.'


def _short_html() -> Inputs:
    assert len(SHORT_HTML.encode()) == 48
    share = sum(c in _SPECIALS for c in SHORT_HTML)
    return Inputs((SHORT_HTML,), size=_text_size(SHORT_HTML, f"{share} characters to escape"))


# slugify

UNICODE_TITLE = "Über die Straße: Crème brûlée à Zürich — Москва в 2024 году!"
ASCII_TITLE = "How to Build a Fast REST API with Python & Rust: Part 2 of 3"


def _title(title: str) -> Callable[[], Inputs]:
    def inputs() -> Inputs:
        assert len(title) == 60
        return Inputs((title,), size=_text_size(title))

    return inputs


# Case conversion: an order API's response, 50 camelCase keys at all levels.

CAMEL_RESPONSE: dict[str, Any] = {
    "requestId": "req_8f14e45fceea167a",
    "createdAt": "2024-05-14T09:21:07Z",
    "updatedAt": "2024-05-14T09:24:55Z",
    "apiVersion": "2024-04",
    "customer": {
        "customerId": 48213,
        "firstName": "Zoë",
        "lastName": "Müller",
        "emailAddress": "zoe.mueller@example.com",
        "phoneNumber": "+41 44 668 18 00",
        "isVerified": True,
        "loyaltyTier": "gold",
        "shippingAddress": {
            "streetLine1": "Bahnhofstrasse 12",
            "streetLine2": None,
            "postalCode": "8001",
            "cityName": "Zürich",
            "countryCode": "CH",
        },
    },
    "lineItems": [
        {
            "lineItemId": 1,
            "productSKU": "SKU-1042",
            "displayName": "Espresso cup, set of 2",
            "unitPrice": 12.5,
            "quantityOrdered": 2,
            "taxRatePercent": 7.7,
        },
        {
            "lineItemId": 2,
            "productSKU": "SKU-2210",
            "displayName": "Milk frother",
            "unitPrice": 29.9,
            "quantityOrdered": 1,
            "taxRatePercent": 7.7,
        },
        {
            "lineItemId": 3,
            "productSKU": "SKU-0007",
            "displayName": "Gift card",
            "unitPrice": 7.1,
            "quantityOrdered": 1,
            "taxRatePercent": 0.0,
        },
    ],
    "paymentDetails": {
        "paymentMethod": "card",
        "cardBrand": "visa",
        "lastFourDigits": "4242",
        "authorizationCode": "A1B2C3",
        "capturedAt": "2024-05-14T09:24:51Z",
    },
    "orderTotals": {
        "subtotalAmount": 62.0,
        "shippingAmount": 9.9,
        "taxAmount": 5.54,
        "grandTotal": 77.44,
        "currencyCode": "CHF",
    },
    "nextPageURL": None,
}


def count_keys(value: object) -> int:
    """Keys of every dict reachable through dicts and lists."""
    if isinstance(value, dict):
        return len(value) + sum(count_keys(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_keys(v) for v in value)
    return 0


def _camel_response() -> Inputs:
    keys = count_keys(CAMEL_RESPONSE)
    assert keys == 50
    return Inputs((CAMEL_RESPONSE,), size=f"{keys} camelCase keys, 3 levels, a list of 3 objects")


def _snake_response() -> Inputs:
    import humps  # noqa: PLC0415 - the input is pyhumps' own snake_case form

    snake = humps.decamelize(CAMEL_RESPONSE)
    return Inputs((snake,), size=f"{count_keys(snake)} snake_case keys (decamelize's output)")


# URL coding.

PATH = (
    "/files/Projets clients/Société Générale/Rapports 2024/Q3 — synthèse financière "
    "(version finale)/Annexes & tableaux/Coûts par département/"
    "Tableau récapitulatif des dépenses – Zürich, Genève & Köln.xlsx"  # noqa: RUF001
)

QUERY: dict[str, str | int] = {
    "q": "café au lait & croissants",
    "page": 2,
    "per_page": 50,
    "sort": "-created_at",
    "filter[status]": "active",
    "filter[city]": "Zürich",
    "lang": "fr-CH",
    "utm_source": "newsletter",
    "utm_medium": "email",
    "utm_campaign": "spring sale 2024",
    "redirect": "https://example.com/checkout?step=2&coupon=SPRING",
    "name": "Zoë Müller",
    "email": "zoe+shop@example.com",
    "tags": "rust,python,web",
    "price_min": "9.90",
    "price_max": "120",
    "currency": "CHF",
    "note": "100% cotton — size M/L",
    "session": "a1b2c3d4e5f6",
    "ref": "home page",
}


def _path() -> Inputs:
    assert len(PATH) == 200
    return Inputs((PATH,), {"safe": "/"}, size=_text_size(PATH, 'safe="/"'))


def _quoted_path() -> Inputs:
    quoted = urllib.parse.quote(PATH, safe="/")
    return Inputs((quoted,), size=_text_size(quoted, "quote(PATH, safe='/')"))


def _query_string() -> Inputs:
    qs = urllib.parse.urlencode(QUERY)
    assert len(urllib.parse.parse_qsl(qs)) == 20
    return Inputs((qs,), size=_text_size(qs, f"{len(QUERY)} pairs"))


def _query() -> Inputs:
    assert len(QUERY) == 20
    ints = sum(isinstance(v, int) for v in QUERY.values())
    return Inputs((QUERY,), size=f"a dict of {len(QUERY)} pairs ({ints} int values)")


# multi_replace: British to American spellings; "colour"/"colours" and "favour"/"favourite"
# start alike, so the longest match decides.

SPELLINGS = {
    "colour": "color",
    "colours": "colors",
    "favour": "favor",
    "favourite": "favorite",
    "honour": "honor",
    "neighbour": "neighbor",
    "organise": "organize",
    "organisation": "organization",
    "realise": "realize",
    "recognise": "recognize",
    "analyse": "analyze",
    "centre": "center",
    "theatre": "theater",
    "metre": "meter",
    "licence": "license",
    "defence": "defense",
    "travelling": "traveling",
    "cancelled": "canceled",
    "catalogue": "catalog",
    "programme": "program",
}


# An order e-mail's template placeholders: their rare first character (``{``) lets ``re``
# skip most positions, where the spellings' common first letters make it try the
# alternation at almost every one.
PLACEHOLDERS = {
    "{{first_name}}": "Zoë",
    "{{last_name}}": "Müller",
    "{{order_id}}": "48213",
    "{{order_date}}": "14 May 2024",
    "{{total}}": "CHF 77.44",
    "{{currency}}": "CHF",
    "{{shipping_method}}": "Express",
    "{{tracking_number}}": "1Z999AA10123456784",
    "{{delivery_date}}": "16 May 2024",
    "{{store_name}}": "Covet Coffee",
    "{{support_email}}": "support@example.com",
    "{{support_phone}}": "+41 44 668 18 00",
    "{{unsubscribe_url}}": "https://example.com/u/8f14e45f",
    "{{account_url}}": "https://example.com/account",
    "{{coupon_code}}": "SPRING24",
    "{{discount}}": "15%",
    "{{item_count}}": "4",
    "{{city}}": "Zürich",
    "{{country}}": "Switzerland",
    "{{year}}": "2024",
}


def _replace_text(seed: int, mapping: dict[str, str]) -> Callable[[], Inputs]:
    def inputs() -> Inputs:
        assert len(mapping) == 20
        text = prose(seed, KB10, tuple(mapping), 0.02)
        assert len(text.encode()) == TEXT_BYTES[seed]
        words = len(text.split())
        hits = len(_alternation(mapping).findall(text))
        share = f"{hits} hits in {words:,} words ({hits / words:.1%})"
        return Inputs((text, mapping), size=_text_size(text, share))

    return inputs


def _alternation(mapping: dict[str, str]) -> re.Pattern[str]:
    """The patterns as one regex, longest first: at a position it picks the longest."""
    patterns = sorted(mapping, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, patterns)))


def bind_re_sub(inputs: Inputs) -> Call:
    """The anchor: a compiled alternation and a dict lookup, both made here, once."""
    text, mapping = inputs.args
    pattern = _alternation(mapping)

    def replacement(match: re.Match[str]) -> str:
        return mapping[match.group()]  # type: ignore[no-any-return]

    return functools.partial(pattern.sub, replacement, text)


# secure_filename

# Typographic dash and apostrophe on purpose: what a phone's keyboard puts in a file name.
UPLOAD_NAME = "../../Uploads/Photos été 2024/IMG_2041 (copie) – Zoë’s café.JPEG"  # noqa: RUF001


def _upload_name() -> Inputs:
    return Inputs((UPLOAD_NAME,), size=_text_size(UPLOAD_NAME, "path parts, spaces, accents"))


# Jobs.


@dataclass(frozen=True)
class Job:
    """One helper on one input, against one anchor.

    ``anchor_call`` is the anchor as a dotted path (``markupsafe.escape``) called with the
    job's inputs, or a function binding the inputs itself (the ``re`` alternation).
    """

    name: str  # also the pytest-benchmark group and the bench command's workload
    helper: str  # the covet function
    anchor: str  # the anchor contender's name
    anchor_call: str | Callable[[Inputs], Call]
    what: str  # one line: the helper, and what it is given
    make_inputs: Callable[[], Inputs]
    nbytes: int | None  # UTF-8 bytes of the input text; None for a dict
    variants: tuple[str, ...] = ("",)  # "" the function; REPLACER a prepared Replacer

    @property
    def anchor_module(self) -> str:
        """The module whose absence makes the anchor unavailable."""
        if isinstance(self.anchor_call, str):
            return self.anchor_call.rpartition(".")[0]
        return "re"

    def inputs(self) -> Inputs:
        """The inputs, made on first use and then kept for the process (the scripts')."""
        return _inputs(self.name)

    def describe(self, variants: tuple[str, ...] | None = None) -> str:
        """One line; with the way covet is called when the job has variants (all of them
        unless ``variants`` says which)."""
        if self.variants == ("",):
            return self.what
        variants = variants or self.variants
        what = self.what
        if variants == (REPLACER,):
            what = what.replace(self.helper, f"{REPLACER}.replace", 1)
        notes = "; ".join(_VARIANT_NOTES[variant] for variant in variants)
        return f"{what} ({notes}; re.sub: the alternation compiled once)"

    def workload_name(self, variant: str) -> str:
        """The bench command's name: the job's, or ``Replacer-words`` for a variant."""
        if not variant:
            return self.name
        return f"{variant}-{self.name.removeprefix(self.helper + '-')}"


_VARIANT_NOTES = {
    "": "covet: multi_replace(text, mapping) per call",
    REPLACER: "covet: Replacer(mapping) made once, .replace(text) per call",
}

JOBS = (
    Job(
        "escape_html-10KB",
        "escape_html",
        "markupsafe",
        "markupsafe.escape",
        "escape_html of 10 KB of HTML-ish forum text, about 5% of it to escape",
        _html_text,
        TEXT_BYTES[HTML_SEED],
    ),
    Job(
        "escape_html-10KB-clean",
        "escape_html",
        "markupsafe",
        "markupsafe.escape",
        "escape_html of 10 KB of prose with nothing to escape",
        _clean_text,
        TEXT_BYTES[CLEAN_SEED],
    ),
    Job(
        "escape_html-48B",
        "escape_html",
        "markupsafe",
        "markupsafe.escape",
        "escape_html of a 48-byte value with 6 characters to escape",
        _short_html,
        len(SHORT_HTML.encode()),
    ),
    Job(
        "slugify-unicode",
        "slugify",
        "python-slugify",
        "slugify.slugify",
        f"slugify of {UNICODE_TITLE!r}",
        _title(UNICODE_TITLE),
        len(UNICODE_TITLE.encode()),
    ),
    Job(
        "slugify-ascii",
        "slugify",
        "python-slugify",
        "slugify.slugify",
        f"slugify of {ASCII_TITLE!r}",
        _title(ASCII_TITLE),
        len(ASCII_TITLE.encode()),
    ),
    Job(
        "to_snake_keys-50",
        "to_snake_keys",
        "pyhumps",
        "humps.decamelize",
        "to_snake_keys of an order API response, 50 camelCase keys at 3 levels",
        _camel_response,
        None,
    ),
    Job(
        "to_camel_keys-50",
        "to_camel_keys",
        "pyhumps",
        "humps.camelize",
        "to_camel_keys of the same response in snake_case",
        _snake_response,
        None,
    ),
    Job(
        "quote-200",
        "quote",
        "urllib.parse",
        "urllib.parse.quote",
        "quote of a 200-character file path with spaces and accents, safe='/'",
        _path,
        len(PATH.encode()),
    ),
    Job(
        "unquote-200",
        "unquote",
        "urllib.parse",
        "urllib.parse.unquote",
        "unquote of that file path's quoted form",
        _quoted_path,
        len(urllib.parse.quote(PATH, safe="/")),
    ),
    Job(
        "parse_qsl-20",
        "parse_qsl",
        "urllib.parse",
        "urllib.parse.parse_qsl",
        "parse_qsl of a search page's query string of 20 pairs",
        _query_string,
        len(urllib.parse.urlencode(QUERY)),
    ),
    Job(
        "urlencode-20",
        "urlencode",
        "urllib.parse",
        "urllib.parse.urlencode",
        "urlencode of a search page's 20 parameters (a dict)",
        _query,
        None,
    ),
    Job(
        "multi_replace-words",
        "multi_replace",
        "re.sub",
        bind_re_sub,
        "multi_replace of 20 British spellings by American ones in 10 KB of prose",
        _replace_text(WORDS_SEED, SPELLINGS),
        TEXT_BYTES[WORDS_SEED],
        ("", REPLACER),
    ),
    Job(
        "multi_replace-placeholders",
        "multi_replace",
        "re.sub",
        bind_re_sub,
        "multi_replace of 20 template placeholders ({{first_name}}...) in 10 KB of text",
        _replace_text(PLACEHOLDERS_SEED, PLACEHOLDERS),
        TEXT_BYTES[PLACEHOLDERS_SEED],
        ("", REPLACER),
    ),
    Job(
        "secure_filename",
        "secure_filename",
        "werkzeug",
        "werkzeug.utils.secure_filename",
        f"secure_filename of {UPLOAD_NAME!r}",
        _upload_name,
        len(UPLOAD_NAME.encode()),
    ),
)
BY_NAME = {job.name: job for job in JOBS}


@functools.cache
def _inputs(name: str) -> Inputs:
    return BY_NAME[name].make_inputs()


# Contenders.


@dataclass(frozen=True)
class Entry:
    """One contender of one job: bindable, or unavailable with the reason."""

    name: str  # table row: "covet native", "covet native Replacer", "markupsafe"...
    slug: str  # pytest id: "covet-native", "covet-native-replacer", "markupsafe"...
    bind: Callable[[Inputs], Call] | None
    reason: str | None = None  # why unavailable (then ``bind`` is None)
    twin: str | None = None  # a native entry's fallback counterpart
    absent: str | None = None  # the covet function or class not there yet (for the notes)
    kind: str = PEER_KIND


@dataclass(frozen=True)
class CovetSource:
    """Where one covet backend's string helpers live, or why it has none."""

    name: str
    modules: tuple[ModuleType, ...] = ()
    reason: str | None = None  # the backend is unavailable
    broken: str | None = None  # the twin's module exists and fails to import

    def lookup(self, attribute: str) -> object | None:
        for module in self.modules:
            found: object = getattr(module, attribute, None)
            if found is not None:
                return found
        return None

    def where(self) -> str:
        return " / ".join(module.__name__ for module in self.modules)


@functools.cache
def covet_source(name: str) -> CovetSource:
    return _native_source() if name == NATIVE else _twin_source()


def _native_source() -> CovetSource:
    try:
        return CovetSource(NATIVE, (import_native().strings,))
    except ImportError as error:
        why = f"covet_rust_core._native cannot be imported: {type(error).__name__}: {error}"
        return CovetSource(NATIVE, reason=why)


def _twin_source() -> CovetSource:
    """The twin's strings module. A module that exists and fails to import makes the twin
    broken: every job errors."""
    modules: list[ModuleType] = []
    for module_name in ("covet_rust_core.fallback.strings",):
        try:
            modules.append(importlib.import_module(module_name))
        except ModuleNotFoundError as error:
            if error.name == module_name and modules:  # not written yet
                break
            why = f"{module_name} cannot be imported: {type(error).__name__}: {error}"
            return CovetSource(FALLBACK, tuple(modules), broken=why)
        except Exception as error:
            why = f"{module_name} cannot be imported: {type(error).__name__}: {error}"
            return CovetSource(FALLBACK, tuple(modules), broken=why)
    return CovetSource(FALLBACK, tuple(modules))


def _failing(why: str) -> Callable[[Inputs], Call]:
    def bind(inputs: Inputs) -> Call:
        del inputs
        raise RuntimeError(why)

    return bind


def _covet_entry(job: Job, name: str, slug: str, variant: str) -> Entry:
    source = covet_source(name)
    kind = COVET_KINDS[name]
    label, slug = (f"{name} {variant}", f"{slug}-{variant.lower()}") if variant else (name, slug)
    if source.reason is not None:
        return Entry(label, slug, None, source.reason, kind=kind)
    if source.broken is not None:
        return Entry(label, slug, _failing(source.broken), kind=kind)
    attribute = variant or job.helper
    found = source.lookup(attribute)
    if not callable(found):
        why = f"{source.where()} has no {attribute}() yet"
        return Entry(label, slug, None, why, absent=attribute, kind=kind)
    function: Callable[..., object] = found
    if variant == REPLACER:

        def bind_replacer(inputs: Inputs) -> Call:
            text, mapping = inputs.args
            replacer: Any = function(mapping)  # compiled once, outside the timing
            return functools.partial(replacer.replace, text)

        return Entry(label, slug, bind_replacer, kind=kind)

    def bind(inputs: Inputs) -> Call:
        return functools.partial(function, *inputs.args, **inputs.kwargs)

    return Entry(label, slug, bind, kind=kind)


def _anchor_entry(job: Job) -> Entry:
    slug = job.anchor.replace(".", "-")
    try:
        importlib.import_module(job.anchor_module)
    except ImportError as error:
        why = f"{not_importable(job.anchor, job.anchor_module, error)}: {INSTALL}"
        return Entry(job.anchor, slug, None, why)
    anchor = job.anchor_call
    if not isinstance(anchor, str):
        return Entry(job.anchor, slug, anchor)
    module_name, _, attribute = anchor.rpartition(".")
    function = getattr(importlib.import_module(module_name), attribute)

    def bind(inputs: Inputs) -> Call:
        return functools.partial(function, *inputs.args, **inputs.kwargs)

    return Entry(job.anchor, slug, bind)


def entries(job: Job) -> list[Entry]:
    """The contenders of ``job`` in table order: covet native (and its variants), covet
    fallback (likewise), the anchor."""
    out = []
    for slug, name in COVET.items():
        for variant in job.variants:
            item = _covet_entry(job, name, slug, variant)
            if name == NATIVE:
                twin = f"{FALLBACK} {variant}" if variant else FALLBACK
                item = dataclasses.replace(item, twin=twin)
            out.append(item)
    out.append(_anchor_entry(job))
    return out


def entry(job: Job, slug: str) -> Entry:
    return next(e for e in entries(job) if e.slug == slug)


@dataclass(frozen=True)
class NoReference:
    """Why a job has no expected output: its anchor is unavailable."""

    reason: str


def reference_of(job: Job, output: object) -> object:
    """What every contender must return, from the anchor's ``output``: ``str()`` of
    markupsafe's ``Markup``, else the output itself."""
    return str(output) if job.anchor == "markupsafe" else output


@functools.cache
def expected(name: str) -> object:
    """The anchor's output for job ``name`` on its kept inputs (see ``reference_of``), or a
    NoReference when the anchor is unavailable. Raises what the anchor raises."""
    job = BY_NAME[name]
    anchor = _anchor_entry(job)
    if anchor.bind is None:
        assert anchor.reason is not None
        return NoReference(f"cannot check outputs: {anchor.reason}")
    return reference_of(job, anchor.bind(job.inputs())())


def check(job: Job, output: object, *, anchor: bool = False) -> str | None:
    """``compare`` with the anchor's output on the job's kept inputs (``expected``)."""
    return compare(job, output, expected(job.name), anchor=anchor)


def compare(job: Job, output: object, want: object, *, anchor: bool = False) -> str | None:
    """None if ``output`` is ``want`` (same type, equal, same repr), else what is wrong with
    it. ``anchor``: the output is the anchor's own (markupsafe's ``Markup`` is then compared
    as ``str()``; a covet ``escape_html`` must return an exact ``str``)."""
    if isinstance(want, NoReference):
        return want.reason
    if anchor:
        output = reference_of(job, output)
    if type(output) is not type(want):
        return f"returned {type(output).__name__}, expected {type(want).__name__}"
    if output != want or repr(output) != repr(want):
        shown, wanted = repr(output), repr(want)
        if len(shown) > 160:
            at = next((i for i, (a, b) in enumerate(zip(shown, wanted, strict=False)) if a != b), 0)
            shown, wanted = shown[max(0, at - 40) : at + 80], wanted[max(0, at - 40) : at + 80]
            return f"differs from the anchor near character {at}: {shown} != {wanted}"
        return f"returned {shown}, expected {wanted}"
    return None


def contender(
    item: Entry, job: Job, inputs: Inputs, want: object, name: str | None = None
) -> Contender:
    """``item`` doing ``job`` on ``inputs``: bound, run once and compared with ``want`` (the
    anchor's output), under ``name`` (the entry's own by default)."""
    name = name or item.name
    if item.bind is None:
        return Contender(name, None, item.kind, unavailable=item.reason)
    try:
        call = item.bind(inputs)
        output = call()
    except Exception as error:
        return Contender(name, None, item.kind, error=f"ERROR: {type(error).__name__}: {error}")
    mismatch = compare(job, output, want, anchor=item.name == job.anchor)
    if mismatch is not None:
        return Contender(name, None, item.kind, error=f"MISMATCH: {mismatch}")
    return Contender(name, call, item.kind)


def contenders(job: Job, variant: str) -> list[Contender]:
    """The bench command's contenders of ``job`` done by ``variant`` (covet's function, or a
    prepared Replacer): covet native, covet fallback, the anchor. Inputs and the anchor's
    output are made here, fresh, and dropped with the contenders."""
    covet = [(name, _covet_entry(job, name, slug, variant)) for slug, name in COVET.items()]
    anchor = _anchor_entry(job)

    def unchecked(why: str) -> list[Contender]:
        """covet's contenders when nothing can be checked (each keeps its own reason)."""
        return [
            Contender(name, None, item.kind, unavailable=item.reason or why) for name, item in covet
        ]

    if anchor.bind is None:
        why = f"cannot check outputs: {anchor.reason}"
        return [*unchecked(why), Contender(job.anchor, None, PEER_KIND, unavailable=anchor.reason)]
    try:
        inputs = job.make_inputs()
    except Exception as error:  # a bug in the input makers: every contender fails
        why = f"ERROR: the input cannot be made: {type(error).__name__}: {error}"
        return [
            Contender(name, None, item.kind, error=why)
            for name, item in [*covet, (job.anchor, anchor)]
        ]
    try:
        want = reference_of(job, anchor.bind(inputs)())
    except Exception as error:  # the anchor fails: counted; covet cannot be checked
        failure = f"{type(error).__name__}: {error}"
        return [
            *unchecked(f"cannot check outputs: {job.anchor} raised {failure}"),
            Contender(job.anchor, None, PEER_KIND, error=f"ERROR: {failure}"),
        ]
    return [
        *(contender(item, job, inputs, want, name) for name, item in covet),
        contender(anchor, job, inputs, want),
    ]


def workloads(options: Options) -> list[Workload]:
    """The bench command's string workloads: one per job, and one more per prepared variant
    (``Replacer-words``: covet's Replacer made once against the same re.sub)."""
    del options  # the inputs are at most 10 KB: --quick has nothing to drop
    return [
        Workload(
            domain=DOMAIN,
            name=job.workload_name(variant),
            description=job.describe((variant,)),
            nbytes=job.nbytes,
            baseline=job.anchor,
            prepare=functools.partial(contenders, job, variant),
        )
        for job in JOBS
        for variant in job.variants
    ]


def markupsafe_speedups() -> str | None:
    """Where markupsafe's escaping comes from: its C module, or why not (pure Python)."""
    try:
        import markupsafe  # noqa: PLC0415 - optional anchor
    except ImportError as error:
        return f"markupsafe is not installed ({error})"
    inner = getattr(markupsafe, "_escape_inner", None)
    module = getattr(inner, "__module__", None)
    if module == "markupsafe._speedups":
        speedups = importlib.import_module("markupsafe._speedups")
        return f"C speedups in use ({speedups.__file__})"
    return f"NOT using its C speedups (escape from {module}): the anchor is pure Python"


def slugify_transliterator() -> str:
    """python-slugify's transliteration module in its default ``auto`` backend."""
    for module in ("unidecode", "text_unidecode"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError:
            continue
        return module
    return "none installed"
