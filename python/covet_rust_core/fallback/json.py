"""Pure-Python twin of the native JSON API: ``dumps``, ``dumps_str``, ``loads`` (docs/JSON.md).

Each function has a fast path on the standard library's C accelerators and a slow path in
plain Python that implements the contract completely; the fast path is taken only when it
is known to give the contract's answer, and any failure of it goes to the slow path, which
then decides the result or the error. The standard library alone would not do, because:

- ``json.dumps`` converts ``int``/``float``/``bool``/``None`` dict keys silently (and sorts by
  the original keys), writes ``NaN``/``Infinity`` or raises a plain ``ValueError``, knows
  nothing of ``datetime``/``UUID``/``Enum``/``Decimal``/dataclasses, and says nothing of
  *where* a problem is;
- ``json.loads`` accepts ``NaN``/``Infinity``, and its error messages and positions change
  between Python versions (3.13 added the trailing-comma messages);
- both recurse: their depth limit is the interpreter's (3.10 and 3.11 stop short of the
  contract's 1024 levels; 3.12+ may go beyond it).

``loads`` parses with the standard library's scanner (``NaN``/``Infinity`` rejected through
``parse_constant``) and hands any failure to ``_json_parse``, the iterative strict parser that
owns every error message and position. Where the scanner may nest deeper than 1024 levels
(3.12+, or a raised recursion limit) and the document has enough brackets, the depth of a
successful result is checked too.

``dumps`` first walks the containers (``_plain_tree``: a plain loop for small documents,
C-level passes one level at a time for large ones) to make sure the standard library would
write exactly the contract's text: exact ``dict``/``list``/``tuple`` only, exact ``str``
keys only, no cycle, no deeper than 1024. The C encoder then writes it; its ``default``
hook (``_Hook``) converts the richer types whose JSON is a string and raises
``_SlowPathError`` on anything the encoder cannot write as the contract does (``Decimal``,
dataclasses, containers returned by ``default``...). NaN, a lone surrogate or any other
failure also sends the call to the slow path, ``_serialize``: an iterative serializer with
the whole type table, the key rules, the paths and the messages. The user's ``default`` is
called once per value whichever path writes it: the fast path logs each call with its
result (or exception), and the slow path replays the log before it calls ``default`` itself.

``default`` may change the containers being written; the contract says each dict and list
is written with the items it had when writing it started. The C encoder reads lists (and,
from 3.12, dicts) live, so with a container to write, the fast path never calls the user's
``default``: the first value that needs it sends the call to the slow path, which copies
each container's items when it opens it.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import functools
import json
import math
import operator
import re
import sys
import uuid
from collections.abc import Callable, Iterator
from enum import Enum
from itertools import chain, compress
from json.encoder import encode_basestring
from typing import Any, Final, NamedTuple, NoReturn, cast

from covet_rust_core._json_errors import JSONDecodeError, JSONEncodeError
from covet_rust_core.fallback._json_parse import MAX_DEPTH, parse, parse_bytes

__all__ = ["JSONDecodeError", "JSONEncodeError", "dumps", "dumps_str", "loads"]

# How many times in a row `default` may return a value that needs `default` again.
_MAX_DEFAULT_CHAIN: Final = 32
# The native side takes indent as a 64-bit signed int.
_I64_MAX: Final = (1 << 63) - 1

_NoneType: Final = type(None)
# Types the standard library's encoder writes itself, exactly as the contract does.
_SCALARS: Final = (str, int, float, _NoneType)
_CONTAINERS: Final = (dict, list, tuple)
_DATETIMES: Final = (datetime.date, datetime.time)
# The types that need nothing from the pre-walk of `dumps` but a look inside.
_PLAIN_TYPES: Final = frozenset({str, int, float, bool, _NoneType, dict, list, tuple})
_STR_ONLY: Final = frozenset({str})
_LEAF_TYPES: Final = frozenset({str, int, float, bool, _NoneType})
# Items the pre-walk of `dumps` looks at one by one before it switches to C-level passes.
_SMALL_BUDGET: Final = 128

# C-level predicates on types, for map(): no Python frame per element while walking.
_is_dict: Final = functools.partial(operator.is_, dict)
_is_list: Final = functools.partial(operator.is_, list)
_is_sequence: Final = frozenset({list, tuple}).__contains__
_is_not_empty_tuple: Final = functools.partial(operator.is_not, ())
_CONTAINER_TYPES: Final = frozenset({dict, list, tuple})
# Containers the pre-walk of `dumps` looks at before it checks for repeats (see there).
_WALK_BUDGET: Final = 1 << 18

_SURROGATE: Final = re.compile("[\ud800-\udfff]")
# A pattern that matches everywhere (possibly empty): its match is never None.
_skip_ws: Final = cast("Callable[[str, int], re.Match[str]]", re.compile(r"[ \t\n\r]*").match)


# --------------------------------------------------------------------------------- loads


class _ConstantError(Exception):
    """``NaN``/``Infinity``/``-Infinity`` met by the standard library's scanner."""


def _reject_constant(name: str) -> NoReturn:
    raise _ConstantError(name)


# One scanner for the process; the standard library's own json.loads shares one likewise.
_scan_once: Final[Callable[[str, int], tuple[Any, int]]] = json.JSONDecoder(
    parse_constant=_reject_constant
).scan_once  # type: ignore[attr-defined]  # set by __init__, not in the stubs

# Anything the standard library raises on a document goes to the strict parser.
# (StopIteration is how the scanner says "no value here".)
_FAST_FAILURES: Final = (ValueError, RecursionError, StopIteration, _ConstantError)
# Measured: with the recursion limit L, the 3.10/3.11 scanner nests at most L - 1 levels.
_DEPTH_BOUNDED_BY_RECURSION_LIMIT: Final = sys.version_info < (3, 12)


def loads(data: Any, /) -> Any:
    """The Python value of a JSON document (``str`` or C-contiguous UTF-8 bytes)."""
    if issubclass(type(data), str):
        # A subclass as the plain str it holds: the parser calls str methods on it.
        doc = data if type(data) is str else str.__str__(data)
    else:
        if not issubclass(type(data), (bytes, bytearray)):
            try:
                view = memoryview(data)
            except TypeError:
                msg = (
                    "loads() argument must be str, bytes, bytearray or memoryview, "
                    f"not {type(data).__name__}"
                )
                raise TypeError(msg) from None
            with view:
                # An empty buffer is contiguous whatever its strides, as
                # PyBuffer_IsContiguous (the native side's test) says.
                if not view.c_contiguous and view.nbytes:
                    msg = "loads() needs a C-contiguous buffer"
                    raise BufferError(msg)
                if not view.nbytes:
                    data = b""  # str() refuses a strided view, even an empty one
        try:
            # str(), not .decode(): any buffer, and no overridden method of a subclass.
            doc = str(data, "utf-8")
        except UnicodeDecodeError:
            raw = data if type(data) is bytes else memoryview(data).tobytes()
            return parse_bytes(raw)
    try:
        value, end = _scan_once(doc, _skip_ws(doc, 0).end())
        end = _skip_ws(doc, end).end()
    except _FAST_FAILURES:
        # Outside the handler, so the strict parser's error has no stray context.
        end = -1
    if end != len(doc):
        return _parse(doc, data)
    if len(doc) > 2 * MAX_DEPTH and _may_be_too_deep(doc) and _deeper_than_limit(value):
        return _parse(doc, data)
    return value


def _parse(doc: str, data: Any) -> Any:
    """``parse(doc)``, whose JSONDecodeError carries ``data`` itself as ``doc`` when that is
    a ``str`` subclass, as the standard library's and the native side's do."""
    if doc is data or not issubclass(type(data), str):
        return parse(doc)
    try:
        return parse(doc)
    except JSONDecodeError as error:
        failure = error
    # Raised outside the handler: no stray context, as from the native side.
    raise JSONDecodeError(failure.msg, data, failure.pos)


def _may_be_too_deep(doc: str) -> bool:
    """Whether the scanner may have accepted a document nested deeper than 1024 levels.

    On 3.10 and 3.11 its nesting counts against the recursion limit, and at the default
    limit it fails (and the strict parser takes over) well before. Elsewhere (3.12+: a C
    recursion limit of 1500, 10000, or the stack size) it may not; then only a document
    with more than 1024 brackets can (strings may hold some: this only decides whether to
    look at the value).
    """
    if _DEPTH_BOUNDED_BY_RECURSION_LIMIT and sys.getrecursionlimit() <= MAX_DEPTH + 1:
        return False
    brackets = doc.count("[")
    return brackets > MAX_DEPTH or brackets + doc.count("{") > MAX_DEPTH


def _deeper_than_limit(value: Any) -> bool:
    """Whether a decoded value (dicts and lists only) nests more than 1024 containers."""
    dicts: list[dict[str, Any]] = [value] if type(value) is dict else []
    lists: list[list[Any]] = [value] if type(value) is list else []
    depth = 1
    while True:
        # One level at a time; every loop over items runs in C.
        children = list(chain(chain.from_iterable(map(dict.values, dicts)), *lists))
        types = list(map(type, children))
        found = set(types)
        if dict not in found and list not in found:
            return False
        depth += 1
        if depth > MAX_DEPTH:
            return True
        dicts = list(compress(children, map(_is_dict, types))) if dict in found else []
        lists = list(compress(children, map(_is_list, types))) if list in found else []


# --------------------------------------------------------------------------------- dumps


class _Options(NamedTuple):
    default: Callable[[Any], Any] | None
    sort_keys: bool
    indent: int | None
    non_str_keys: bool
    nan_null: bool


def _options(
    *,
    default: Any,
    sort_keys: Any,
    indent: Any,
    non_str_keys: Any,
    nan: Any,
    append_newline: Any,
) -> tuple[_Options, bool]:
    """The validated options, and append_newline.

    Checked in the native side's order: the flags and ``nan`` are converted with the
    arguments there, in signature order, ``default`` and ``indent`` after (an object whose
    ``__bool__`` raises meets the same check first on both). The flags are taken by truth
    value, as ``json.dumps`` takes them.
    """
    sort_keys = bool(sort_keys)
    non_str_keys = bool(non_str_keys)
    # By its real type and its characters: neither a ``__class__`` property nor a subclass's
    # ``__eq__`` is consulted, as the native side reads the str itself.
    if not (issubclass(type(nan), str) and str.__str__(nan) in ("error", "null")):
        msg = f"nan must be 'error' or 'null', not {nan!r}"
        raise ValueError(msg)
    append_newline = bool(append_newline)
    if default is not None and not callable(default):
        msg = f"default must be callable or None, not {type(default).__name__}"
        raise TypeError(msg)
    if indent is not None:
        if issubclass(type(indent), bool) or not issubclass(type(indent), int):
            msg = f"indent must be None or an int, not {type(indent).__name__}"
            raise TypeError(msg)
        # An IntEnum or other subclass: its value (index() reads it; int() would call an
        # overridden __int__).
        indent = operator.index(indent)
        if not -_I64_MAX - 1 <= indent <= _I64_MAX:
            msg = "indent is too large"
            raise ValueError(msg)
        if indent < 0:
            msg = f"indent must be >= 0, not {indent}"
            raise ValueError(msg)
    options = _Options(default, sort_keys, indent, non_str_keys, str.__str__(nan) == "null")
    return options, append_newline


def dumps(
    obj: Any,
    /,
    *,
    default: Callable[[Any], Any] | None = None,
    sort_keys: bool = False,
    indent: int | None = None,
    non_str_keys: bool = False,
    nan: str = "error",
    append_newline: bool = False,
) -> bytes:
    """``obj`` as compact JSON in UTF-8 (see docs/JSON.md for the types and options)."""
    options, newline = _options(
        default=default,
        sort_keys=sort_keys,
        indent=indent,
        non_str_keys=non_str_keys,
        nan=nan,
        append_newline=append_newline,
    )
    hook = _hook(obj, default)
    text = _fast(obj, options, hook)
    if text is not None:
        try:
            return (text + "\n" if newline else text).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: the slow path says where it is
    text = _serialize(obj, options, hook.log)
    return (text + "\n" if newline else text).encode("utf-8")


def dumps_str(
    obj: Any,
    /,
    *,
    default: Callable[[Any], Any] | None = None,
    sort_keys: bool = False,
    indent: int | None = None,
    non_str_keys: bool = False,
    nan: str = "error",
    append_newline: bool = False,
) -> str:
    """Like ``dumps``, as ``str``."""
    options, newline = _options(
        default=default,
        sort_keys=sort_keys,
        indent=indent,
        non_str_keys=non_str_keys,
        nan=nan,
        append_newline=append_newline,
    )
    hook = _hook(obj, default)
    text = _fast(obj, options, hook)
    # isascii() is O(1); only non-ASCII text can hold a surrogate, and encoding finds one
    # many times faster than a regex search.
    if text is not None and not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = None
    if text is None:
        text = _serialize(obj, options, hook.log)
    return text + "\n" if newline else text


# -------------------------------------------------------------- dumps: the fast path


def _plain_tree(obj: Any) -> bool:
    """Whether the standard library writes ``obj``'s containers as the contract does.

    True when the dicts, lists and tuples reachable from ``obj`` are of exactly those
    types (a subclass may override what the encoder calls), every dict key is exactly
    ``str`` (the encoder would convert other keys by its own rules) and none is deeper
    than 1024. Everything else is left to the encoder's ``default`` hook.
    """
    kind = type(obj)
    if kind is not dict and kind is not list and kind is not tuple:
        return not issubclass(kind, _CONTAINERS)
    small = _plain_small(obj)
    return _plain_levels(obj) if small is None else small


def _plain_small(obj: dict[Any, Any] | list[Any] | tuple[Any, ...]) -> bool | None:
    """``_plain_tree`` for a small document, None past ``_SMALL_BUDGET`` items.

    A plain loop: for a few items it is faster than ``_plain_levels``' set-up. The budget
    ends any cycle, and keeps the depth far below 1024.
    """
    budget = _SMALL_BUDGET
    stack = [obj]
    while stack:
        container = stack.pop()
        budget -= len(container)
        if budget < 0:
            return None
        if type(container) is dict:
            for key in container:
                if type(key) is not str:
                    return False
            items: Any = container.values()
        else:
            items = container
        for item in items:
            kind = type(item)
            if kind in _LEAF_TYPES:
                continue
            if kind is dict or kind is list or kind is tuple:
                stack.append(item)
            elif issubclass(kind, _CONTAINERS):
                return False
    return True


def _plain_levels(obj: Any, *, dedupe: bool = False) -> bool:  # noqa: PLR0911, PLR0912 - one walk
    """``_plain_tree`` for a document of any size, in C-level passes over each level.

    A cycle always ends the walk at depth 1025. A shared container is walked once per
    reference, as the encoder would write it; past ``_WALK_BUDGET`` containers (a cycle
    with branches grows exponentially) the walk starts again with ``dedupe``, which
    refuses any container met twice.
    """
    kind = type(obj)
    if kind is not dict and kind is not list and kind is not tuple:
        return not issubclass(kind, _CONTAINERS)
    level: list[Any] = [obj]
    kinds: list[type] = [kind]
    seen = {id(obj)}
    walked = 1
    depth = 1
    # One level at a time, each loop over items in C; `kinds` holds the type of each
    # container of `level`, so that each object's header is read once.
    while True:
        if dict in kinds:
            dicts = list(compress(level, map(_is_dict, kinds)))
            if not set(map(type, chain.from_iterable(dicts))) <= _STR_ONLY:
                return False
            children = list(chain.from_iterable(map(dict.values, dicts)))
            if len(dicts) != len(level):
                children.extend(chain.from_iterable(compress(level, map(_is_sequence, kinds))))
        else:
            children = list(chain.from_iterable(level))
        types = list(map(type, children))
        found = set(types)
        if not found <= _PLAIN_TYPES and any(
            issubclass(kind, _CONTAINERS) for kind in found - _PLAIN_TYPES
        ):
            return False
        if found.isdisjoint(_CONTAINER_TYPES):
            return True
        depth += 1
        if depth > MAX_DEPTH:
            return False
        selectors = list(map(_CONTAINER_TYPES.__contains__, types))
        level = list(compress(children, selectors))
        kinds = list(compress(types, selectors))
        if dedupe:
            # () is a singleton, met many times; empty, it cannot be part of a cycle.
            if tuple in found:
                level = list(filter(_is_not_empty_tuple, level))
                kinds = list(map(type, level))
            size = len(seen)
            seen.update(map(id, level))
            if len(seen) != size + len(level):
                return False
        else:
            walked += len(level)
            if walked > _WALK_BUDGET:
                return _plain_levels(obj, dedupe=True)


class _SlowPathError(Exception):
    """The encoder met something it would not write as the contract does."""


class _Raised:
    """A ``default`` call that raised, as the fast path's log keeps it for the replay."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


class _Hook:
    """The encoder's ``default``: the contract's rules for the types the encoder leaves.

    Returns what the encoder writes as the contract does (``str``, numbers, ``None``),
    raises ``_SlowPathError`` otherwise. Each call of the user's ``default`` is logged with its
    argument and its result or exception, for ``_serialize`` to replay.
    """

    __slots__ = ("default", "log")

    def __init__(self, default: Callable[[Any], Any] | None) -> None:
        self.default = default
        self.log: list[tuple[Any, Any]] = []

    def __call__(self, obj: Any) -> Any:
        calls = 0
        enum_values = 0
        while True:
            kind = type(obj)
            if issubclass(kind, _SCALARS):
                return obj
            if issubclass(kind, _CONTAINERS):
                # The pre-walk has not seen it: depth, keys and cycles are unchecked.
                raise _SlowPathError
            if issubclass(kind, _DATETIMES):
                if not _runs_no_user_code(obj):
                    # A tzinfo of the user's: run where a change it makes to the containers
                    # is seen as the native side sees it (module docstring).
                    raise _SlowPathError
                return _isoformat(obj)
            if issubclass(kind, uuid.UUID):
                return _uuid_text(obj, [], 0)
            if issubclass(kind, Enum):
                if enum_values == _MAX_DEFAULT_CHAIN:
                    raise _SlowPathError
                enum_values += 1
                obj = _enum_value(obj)
                continue
            default = self.default
            if (
                default is None
                or calls == _MAX_DEFAULT_CHAIN
                or issubclass(kind, decimal.Decimal)
                or _is_dataclass(obj)
            ):
                raise _SlowPathError
            calls += 1
            try:
                result = default(obj)
            except BaseException as error:  # replayed by _serialize: re-raised as it is
                # Not raised through the encoder, which may add notes to it (3.14).
                self.log.append((obj, _Raised(error)))
                raise _SlowPathError from None
            self.log.append((obj, result))
            obj = result


_PLAIN_HOOK: Final = _Hook(None)  # stateless: its log stays empty
# The standard library's C encoder, None where the accelerator is missing (as json does).
_c_make_encoder: Final[Callable[..., Callable[[Any, int], Any]] | None] = getattr(
    json.encoder, "c_make_encoder", None
)


def _hook(obj: Any, default: Callable[[Any], Any] | None) -> _Hook:
    """The fast path's hook: one that may call ``default`` only when ``obj`` is no container
    (then no container is open when ``default`` runs: see the module docstring)."""
    if default is None or issubclass(type(obj), _CONTAINERS):
        return _PLAIN_HOOK
    return _Hook(default)


def _fast(obj: Any, options: _Options, hook: _Hook) -> str | None:
    """The standard library's text for ``obj`` if it is the contract's (lone surrogates
    aside: the caller looks for them), else None."""
    if not _plain_tree(obj):
        return None
    try:
        if options.indent is None and _c_make_encoder is not None:
            if hook is _PLAIN_HOOK:
                encoder = _plain_c_encoder(options.sort_keys)
            else:
                encoder = _new_c_encoder(options.sort_keys, hook)
            return "".join(encoder(obj, 0))
        if hook is _PLAIN_HOOK:
            return _plain_encoder(options.sort_keys, options.indent).encode(obj)
        return _new_encoder(options.sort_keys, options.indent, hook).encode(obj)
    except Exception:  # whatever failed (NaN, RecursionError, _SlowPathError...): slow path
        return None


# What JSONEncoder.encode() does for compact output, without its per-call set-up (a
# third of the time for a small document): the C encoder, called as iterencode calls it.
@functools.lru_cache(maxsize=2)
def _plain_c_encoder(sort_keys: bool) -> Callable[[Any, int], Any]:
    return _new_c_encoder(sort_keys, _PLAIN_HOOK)


def _new_c_encoder(sort_keys: bool, hook: _Hook) -> Callable[[Any, int], Any]:
    assert _c_make_encoder is not None
    # No markers: the pre-walk has ruled cycles out. No skipkeys, no NaN.
    return _c_make_encoder(None, hook, encode_basestring, None, ":", ",", sort_keys, False, False)


@functools.lru_cache(maxsize=64)
def _plain_encoder(sort_keys: bool, indent: int | None) -> json.JSONEncoder:
    return _new_encoder(sort_keys, indent, _PLAIN_HOOK)


def _new_encoder(sort_keys: bool, indent: int | None, hook: _Hook) -> json.JSONEncoder:
    return json.JSONEncoder(
        ensure_ascii=False,
        allow_nan=False,
        # The pre-walk has ruled cycles out; the encoder's check would only cost time.
        check_circular=False,
        sort_keys=sort_keys,
        indent=indent,
        separators=(",", ":") if indent is None else (",", ": "),
        default=hook,
    )


def _is_dataclass(obj: Any) -> bool:
    # dataclasses.is_dataclass(obj) and not isinstance(obj, type), in one lookup.
    return hasattr(type(obj), "__dataclass_fields__")


# -------------------------------------------------- dumps: each type by its own behaviour
#
# A value of a supported type is written as that type writes itself, never through a method
# a subclass can override (docs/JSON.md): the same reads as the native side's, in the same
# order, so that the two agree on subclasses that lie.

# The slot a UUID keeps its 128 bits in; its descriptor reads the slot whatever a subclass
# defines under the name ``int``.
_UUID_INT: Final = uuid.UUID.__dict__["int"]
_UUID_RANGE: Final = 1 << 128
_DATETIME_TZINFO: Final = datetime.datetime.__dict__["tzinfo"]
_TIME_TZINFO: Final = datetime.time.__dict__["tzinfo"]
_JSON_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _returned_str(result: Any, hook: str) -> str:
    """``result`` if ``hook`` returned exactly a ``str``, else the native side's TypeError."""
    if type(result) is not str:
        msg = f"{hook} returned non-str (type {type(result).__name__})"
        raise TypeError(msg)
    return result


def _isoformat(value: Any) -> str:
    """The base type's ``isoformat`` of a datetime, date or time (or subclass)."""
    kind = type(value)
    if issubclass(kind, datetime.datetime):
        return _returned_str(datetime.datetime.isoformat(value), "datetime.isoformat()")
    if issubclass(kind, datetime.date):
        return _returned_str(datetime.date.isoformat(value), "date.isoformat()")
    return _returned_str(datetime.time.isoformat(value), "time.isoformat()")


def _runs_no_user_code(value: Any) -> bool:
    """Whether ``_isoformat(value)`` runs only the standard library: no tzinfo, or one of
    ``datetime.timezone`` (anything else may be the user's ``utcoffset``)."""
    kind = type(value)
    if issubclass(kind, datetime.datetime):
        tzinfo = _DATETIME_TZINFO.__get__(value, datetime.datetime)
    elif issubclass(kind, datetime.time):
        tzinfo = _TIME_TZINFO.__get__(value, datetime.time)
    else:
        return True
    return tzinfo is None or type(tzinfo) is datetime.timezone


def _uuid_text(value: Any, frames: list[_Frame], count: int) -> str:
    """A UUID's canonical text, from its ``int`` slot."""
    number = _UUID_INT.__get__(value, uuid.UUID)
    if not issubclass(type(number), int):
        msg = f"UUID.int must be an int, not {type(number).__qualname__}"
        raise _fail(msg, frames, count)
    number = operator.index(number)  # a subclass's value, without its operators
    if not 0 <= number < _UUID_RANGE:
        raise _fail("UUID.int out of range", frames, count)
    hex_ = f"{number:032x}"
    return f"{hex_[:8]}-{hex_[8:12]}-{hex_[12:16]}-{hex_[16:20]}-{hex_[20:]}"


def _enum_value(member: Any) -> Any:
    """What Enum's own ``value`` gives: ``_value_``, read past a subclass's ``value``
    property, ``__getattribute__`` and ``__getattr__``."""
    return object.__getattribute__(member, "_value_")


def _decimal_text(value: Any, options: _Options, frames: list[_Frame], count: int) -> str:
    """What a Decimal (or subclass) is written as, by Decimal's own ``is_finite`` and
    ``__str__``: a JSON number, or ``null`` / the error for NaN and infinities."""
    finite = decimal.Decimal.is_finite(value)
    if type(finite) is not bool:
        msg = f"Decimal.is_finite() returned non-bool (type {type(finite).__name__})"
        raise TypeError(msg)
    text = _returned_str(decimal.Decimal.__str__(value), "Decimal.__str__()")
    if finite:
        # Only with the pure-Python decimal module can this fail (its __str__ reads
        # attributes a subclass can replace): nothing but a number is written unquoted.
        if _JSON_NUMBER.fullmatch(text) is None:
            raise _fail("Decimal text is not a JSON number", frames, count)
        return text
    if options.nan_null:
        return "null"
    raise _fail(f"Out of range float value {text}", frames, count)


def _enum_chain(frames: list[_Frame], count: int) -> JSONEncodeError:
    msg = (
        f"Enum value unwrapped {_MAX_DEFAULT_CHAIN} times in a row without reaching a "
        "serializable value,"
    )
    return _fail(msg, frames, count)


def _dataclass_items(value: Any) -> list[tuple[str, Any]]:
    """A dataclass's fields as (name, value), leaving out private ones (a leading ``_``,
    as orjson does: ``_password_hash`` must not leak into a response)."""
    items = []
    for field in dataclasses.fields(value):
        name = field.name
        if not issubclass(type(name), str):
            msg = f"dataclass field name must be str, not {type(name).__name__}"
            raise TypeError(msg)
        if str.startswith(name, "_"):
            continue
        items.append((name, getattr(value, name)))
    return items


# -------------------------------------------------------------- dumps: the slow path

_ARRAY: Final = 0  # items are values
_OBJECT: Final = 1  # items are (key, value), keys to convert
_CONVERTED: Final = 2  # items are (key text, value), keys converted and checked
_END: Final[Any] = object()


class _Frame:
    """An open container of ``_serialize``."""

    __slots__ = ("close", "count", "identity", "items", "kind", "newline", "segment", "separator")

    def __init__(
        self, identity: Any, kind: int, items: Iterator[Any], newline: str, close: str
    ) -> None:
        self.identity = identity  # for circularity: the dict, list, tuple or dataclass
        self.kind = kind
        self.items = items
        self.newline = newline  # written before the first item ("" when compact)
        self.separator = "," + newline  # written before each other item
        self.close = close
        self.count = 0  # items started; the current one's index is count - 1
        self.segment = ""  # the current item's key, JSON-encoded (objects)


def _path(frames: list[_Frame], count: int) -> str:
    """The path of the current item of ``frames[count - 1]`` ("$" for count 0)."""
    parts = ["$"]
    for frame in frames[:count]:
        if frame.kind == _ARRAY:
            parts.append(f"[{frame.count - 1}]")
        else:
            parts.append(f"[{frame.segment}]")
    return "".join(parts)


def _fail(message: str, frames: list[_Frame], count: int) -> JSONEncodeError:
    return JSONEncodeError(f"{message} at {_path(frames, count)}")


def _string(text: str, frames: list[_Frame], count: int) -> str:
    # str.isascii (O(1)), not text.isascii: a subclass may override it.
    if not str.isascii(text) and _SURROGATE.search(text):
        raise _fail("str contains a lone surrogate", frames, count)
    return encode_basestring(text)


def _too_deep(frames: list[_Frame], identity: Any) -> JSONEncodeError:
    """The error for a container at depth 1025: a cycle if its chain has one."""
    chain_ = [frame.identity for frame in frames]
    chain_.append(identity)
    met: set[int] = set()
    for index, container in enumerate(chain_):
        if id(container) in met:
            return _fail("Circular reference detected", frames, index)
        met.add(id(container))
    return _fail(f"Nesting too deep (limit {MAX_DEPTH})", frames, len(frames))


def _key_text(  # noqa: PLR0911, PLR0912 - the contract's table of keys, in its order
    key: Any, non_str_keys: bool, frames: list[_Frame], count: int
) -> str:
    """A dict key as the text it is written as; errors are reported at the dict's path."""
    if issubclass(type(key), str):
        if not str.isascii(key) and _SURROGATE.search(key):
            raise _fail("str contains a lone surrogate", frames, count)
        # An exact str: sorting must compare code points, not a subclass's __lt__.
        return str.__str__(key)
    if not non_str_keys:
        # docs/JSON.md follows the message with "(pass non_str_keys=True)"; as the native
        # side, this reads it as part of the message: a hint at the way out.
        error = _fail(f"Dict key must be str, not {type(key).__qualname__}", frames, count)
        raise JSONEncodeError(f"{error} (pass non_str_keys=True)")
    enum_values = 0
    while True:
        kind = type(key)
        if issubclass(kind, str):
            return _key_text(key, non_str_keys, frames, count)
        if key is True:
            return "true"
        if key is False:
            return "false"
        if issubclass(kind, int):
            return _returned_str(int.__repr__(key), "int.__repr__()")
        if issubclass(kind, float):
            if not math.isfinite(key):
                raise _fail(f"Out of range float value {float.__repr__(key)}", frames, count)
            return float.__repr__(key)
        if key is None:
            return "null"
        if issubclass(kind, _DATETIMES):
            return _key_text(_isoformat(key), non_str_keys, frames, count)
        if issubclass(kind, uuid.UUID):
            return _uuid_text(key, frames, count)
        if issubclass(kind, Enum):
            if enum_values == _MAX_DEFAULT_CHAIN:
                raise _enum_chain(frames, count)
            enum_values += 1
            key = _enum_value(key)
            continue
        msg = f"Dict key type is not supported: {kind.__qualname__}"
        raise _fail(msg, frames, count)


def _serialize(  # noqa: PLR0912, PLR0915 - one loop and a stack, no recursion, on purpose
    obj: Any, options: _Options, replay: list[tuple[Any, Any]]
) -> str:
    """The contract's text for ``obj``, or its ``JSONEncodeError``; iterative.

    ``replay`` holds the ``default`` calls the fast path made (argument, result or
    ``_Raised``), in order: they are taken from it while the arguments match, then
    ``default`` is called.
    """
    default = options.default
    non_str_keys = options.non_str_keys
    indent = options.indent
    key_separator = ":" if indent is None else ": "
    out: list[str] = []
    write = out.append
    frames: list[_Frame] = []
    replayed = 0
    value = obj
    while True:
        # Write `value` (its path is _path(frames, len(frames))), or open it. Types are read
        # from type(value): isinstance() would believe a __class__ property.
        calls = 0
        enum_values = 0
        while True:
            kind = type(value)
            if issubclass(kind, str):
                write(_string(value, frames, len(frames)))
            elif value is True:
                write("true")
            elif value is False:
                write("false")
            elif issubclass(kind, int):
                write(_returned_str(int.__repr__(value), "int.__repr__()"))
            elif issubclass(kind, float):
                if math.isfinite(value):
                    write(float.__repr__(value))
                elif options.nan_null:
                    write("null")
                else:
                    msg = f"Out of range float value {float.__repr__(value)}"
                    raise _fail(msg, frames, len(frames))
            elif value is None:
                write("null")
            elif issubclass(kind, dict):
                # Read live, as the native side reads it, or copied: with default, default()
                # may change the dict; to sort, every key is converted (maybe by user code)
                # before any value is written (module docstring).
                items = (
                    dict.items(value)
                    if default is None and not options.sort_keys
                    else list(dict.items(value))
                )
                _open_object(value, items, frames, options, write)
            elif issubclass(kind, (list, tuple)):
                _open_array(value, frames, indent, write, copy=default is not None)
            elif issubclass(kind, _DATETIMES):
                write(_string(_isoformat(value), frames, len(frames)))
            elif issubclass(kind, uuid.UUID):
                write(f'"{_uuid_text(value, frames, len(frames))}"')
            elif issubclass(kind, Enum):
                if enum_values == _MAX_DEFAULT_CHAIN:
                    raise _enum_chain(frames, len(frames))
                enum_values += 1
                value = _enum_value(value)
                continue
            elif issubclass(kind, decimal.Decimal):
                write(_decimal_text(value, options, frames, len(frames)))
            elif _is_dataclass(value):
                if len(frames) == MAX_DEPTH:
                    raise _too_deep(frames, value)
                _open_object(value, _dataclass_items(value), frames, options, write)
            elif default is None:
                msg = f"Type is not JSON serializable: {kind.__qualname__}"
                raise _fail(msg, frames, len(frames))
            elif calls == _MAX_DEFAULT_CHAIN:
                msg = (
                    f"default() was called {_MAX_DEFAULT_CHAIN} times in a row without "
                    "returning a serializable value,"
                )
                raise _fail(msg, frames, len(frames))
            else:
                calls += 1
                if replayed < len(replay) and replay[replayed][0] is value:
                    result = replay[replayed][1]
                    replayed += 1
                    if type(result) is _Raised:
                        raise result.error
                    value = result
                else:
                    replayed = len(replay)  # out of step (cannot happen): stop replaying
                    value = default(value)
                continue
            break
        # Go on with the next item of the innermost open container, closing finished ones.
        while frames:
            frame = frames[-1]
            item = next(frame.items, _END)
            if item is _END:
                write(frame.close)
                frames.pop()
                continue
            write(frame.separator if frame.count else frame.newline)
            frame.count += 1
            if frame.kind == _ARRAY:
                value = item
                break
            key, value = item
            if frame.kind == _OBJECT:
                key = _key_text(key, non_str_keys, frames, len(frames) - 1)
            frame.segment = encode_basestring(key)
            write(frame.segment)
            write(key_separator)
            break
        else:
            return "".join(out)


def _layout(indent: int | None, depth: int) -> tuple[str, str]:
    """What precedes each item of a container at ``depth``, and what closes it (after ``]``
    or ``}`` is added): one item per line, as json.dumps(indent=n) writes them."""
    if indent is None:
        return "", ""
    return "\n" + " " * (indent * depth), "\n" + " " * (indent * (depth - 1))


def _open_array(
    value: list[Any] | tuple[Any, ...],
    frames: list[_Frame],
    indent: int | None,
    write: Callable[[str], object],
    *,
    copy: bool,
) -> None:
    """Open a list or tuple; ``copy``: iterate over a copy of a list (``default`` given)."""
    if len(frames) == MAX_DEPTH:
        raise _too_deep(frames, value)
    # The base class's methods: a subclass's own __len__/__iter__ are not consulted.
    items: Iterator[Any]
    if issubclass(type(value), list):
        as_list = cast("list[Any]", value)
        size, items = list.__len__(as_list), list.__iter__(list.copy(as_list) if copy else as_list)
    else:
        as_tuple = cast("tuple[Any, ...]", value)
        size, items = tuple.__len__(as_tuple), tuple.__iter__(as_tuple)
    if size == 0:
        write("[]")
        return
    newline, close = _layout(indent, len(frames) + 1)
    write("[")
    frames.append(_Frame(value, _ARRAY, items, newline, close + "]"))


def _open_object(
    identity: Any,
    items: Any,
    frames: list[_Frame],
    options: _Options,
    write: Callable[[str], object],
) -> None:
    """Open a dict (``items`` its items view) or a dataclass (``items`` its fields)."""
    if len(frames) == MAX_DEPTH:
        raise _too_deep(frames, identity)
    if len(items) == 0:
        write("{}")
        return
    kind = _OBJECT
    if options.sort_keys:
        # All keys converted first (errors at this object's path), then a stable sort.
        count = len(frames)
        items = [(_key_text(key, options.non_str_keys, frames, count), v) for key, v in items]
        items.sort(key=operator.itemgetter(0))
        kind = _CONVERTED
    newline, close = _layout(options.indent, len(frames) + 1)
    write("{")
    frames.append(_Frame(identity, kind, iter(items), newline, close + "}"))
