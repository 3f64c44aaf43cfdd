"""Pure-Python twin of the native JWT API (crates/covet-python/src/jwt/, contract: docs/JWT.md).

PyJWT's common calls, ``encode``, ``decode``, ``decode_complete`` and
``get_unverified_header``, with the same signatures, results, exception classes and messages
as the native side, stricter than PyJWT where the contract says so. Keys (``Key``,
``KeySet``, the HMAC secret checks, signing and verifying) are in ``_jwt_keys``; HMAC needs
only the standard library, the asymmetric algorithms need ``cryptography``.

Checks run in the contract's order and the first failure is raised: the arguments, then the
token's size, segments, header, algorithm, key, signature, payload and claims.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import time
from collections.abc import Collection, Iterable, Mapping
from typing import Any, Final, NamedTuple

from covet_rust_core._jwt_errors import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAlgorithmError,
    InvalidAudienceError,
    InvalidIssuedAtError,
    InvalidIssuerError,
    InvalidJTIError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidSubjectError,
    InvalidTokenError,
    MissingRequiredClaimError,
    PyJWTError,
)
from covet_rust_core.fallback._jwt_base_types import (
    MISSING,
    bytes_data,
    collection_items,
    dict_items,
    is_a,
    is_empty_text,
    is_truthy,
    key_text,
    member,
    number_as_float,
    numeric_date,
    plain_key,
    total_seconds,
)
from covet_rust_core.fallback._jwt_keys import (
    ALGORITHMS,
    Key,
    KeySet,
    b64url_decode,
    b64url_encode,
    resolve_key,
    sign,
    unsupported_algorithm,
    verify,
)
from covet_rust_core.fallback.json import dumps, loads

__all__ = [
    "ALGORITHMS",
    "DEFAULT_MAX_TOKEN_BYTES",
    "DecodeError",
    "ExpiredSignatureError",
    "ImmatureSignatureError",
    "InvalidAlgorithmError",
    "InvalidAudienceError",
    "InvalidIssuedAtError",
    "InvalidIssuerError",
    "InvalidJTIError",
    "InvalidKeyError",
    "InvalidSignatureError",
    "InvalidSubjectError",
    "InvalidTokenError",
    "Key",
    "KeySet",
    "MissingRequiredClaimError",
    "PyJWTError",
    "decode",
    "decode_complete",
    "encode",
    "get_unverified_header",
]

DEFAULT_MAX_TOKEN_BYTES: Final = 262144

_OPTION_FLAGS: Final = (
    "verify_signature",
    "verify_exp",
    "verify_nbf",
    "verify_iat",
    "verify_aud",
    "verify_iss",
    "verify_sub",
    "verify_jti",
)
_OPTION_NAMES: Final = (*_OPTION_FLAGS, "require", "strict_aud", "enforce_minimum_key_length")
_ALGORITHMS_REQUIRED: Final = (
    'It is required that you pass in a value for the "algorithms" argument when calling decode().'
)
_I64_MIN: Final = -(1 << 63)


# ------------------------------------------------------------------------------ encode


def encode(
    payload: dict[str, Any],
    key: str | bytes | Mapping[str, Any] | Key,
    algorithm: str = "HS256",
    headers: dict[str, Any] | None = None,
) -> str:
    """Encode ``payload`` (a dict) as a signed JWT (compact JWS) and return it as ``str``.

    ``exp``, ``iat`` and ``nbf`` datetimes become NumericDates; ``headers`` are merged into
    ``{"alg": ..., "typ": "JWT"}`` (a truthy ``headers["alg"]`` wins over ``algorithm``).
    The key: an HMAC secret (str/bytes), a private PEM, a private JWK dict, or a ``Key``.
    """
    if not is_a(payload, dict):
        msg = "Expecting a dict object, as JWT only supports JSON objects as payloads."
        raise TypeError(msg)
    if headers is not None and not is_a(headers, dict):
        msg = f"headers must be a dict or None, not {type(headers).__name__}"
        raise TypeError(msg)
    # ``headers`` (a dict subclass too) is read once through dict itself, as the native side
    # reads it, and looked up by its keys' text: overridden methods are not called.
    items = [] if headers is None else dict_items(headers)
    header_alg = member(items, "alg")
    alg = _algorithm_name(
        header_alg if header_alg is not MISSING and is_truthy(header_alg) else algorithm
    )
    kid = member(items, "kid")
    if kid is not MISSING and not is_a(kid, str):
        msg = "Key ID header parameter must be a string"
        raise TypeError(msg)
    b64 = member(items, "b64")
    if b64 is not MISSING and b64 is not True:
        msg = "The b64 header parameter is not supported"
        raise ValueError(msg)
    header_json = dumps(_header(alg, items), sort_keys=True)
    del items
    payload_json = dumps(_claims_to_write(payload))
    signing_input = b64url_encode(header_json) + b"." + b64url_encode(payload_json)
    # A JWK set, which a kid would choose from, cannot sign: the kid is not needed.
    signer = resolve_key(key, alg, None, "sign")
    signature = sign(signer, alg, signing_input)
    return (signing_input + b"." + b64url_encode(signature)).decode("ascii")


def _algorithm_name(value: object) -> str:
    """An algorithm name argument, checked for support."""
    if not is_a(value, str):
        msg = f"algorithm must be a str, not {type(value).__name__}"
        raise TypeError(msg)
    name = _plain(value)  # type: ignore[arg-type]
    if name not in ALGORITHMS:
        raise unsupported_algorithm(name)
    return name


def _header(alg: str, items: list[tuple[Any, Any]]) -> dict[Any, Any]:
    """The header of a new token: ``{"alg", "typ": "JWT"}`` updated with the items of
    ``headers`` (str subclass keys as their text, so none can add a second ``alg``), then
    ``alg`` set to the algorithm that signs (a falsy ``headers["alg"]`` does not name it); a
    ``typ`` set to None or "" there is removed."""
    header: dict[Any, Any] = {"alg": alg, "typ": "JWT"}
    if items:
        for name, value in items:
            header[plain_key(name)] = value
        header["alg"] = alg
        typ = header["typ"]
        if typ is None or (is_a(typ, str) and is_empty_text(typ)):
            del header["typ"]
    return header


def _has_plain_keys(payload: dict[Any, Any]) -> bool:
    """An exact dict whose keys are all exact strs: looking up a name in it runs no code of
    the caller's, and its claims can be used as they are."""
    return type(payload) is dict and all(type(name) is str for name in payload)


def _claims_to_write(payload: dict[Any, Any]) -> dict[Any, Any]:
    """The payload with its time claims' datetimes as NumericDates, and its ``iss`` checked.
    The caller's dict is left alone: a subclass, or a dict with a key that is not an exact
    str, is copied item by item (through dict itself, str subclass keys as their text); a
    plain dict is copied only when a datetime is converted."""
    if _has_plain_keys(payload):
        claims = payload
    else:
        claims = {}
        for name, value in dict_items(payload):
            claims[plain_key(name)] = value
    for name in ("exp", "iat", "nbf"):
        value = claims.get(name, MISSING)
        if value is MISSING or not is_a(value, datetime.datetime):
            continue
        # A naive datetime is taken as UTC, as PyJWT does; the base utctimetuple.
        seconds = numeric_date(value)
        if claims is payload:
            claims = dict(payload)
        claims[name] = seconds
    iss = claims.get("iss", MISSING)
    if iss is not MISSING and not is_a(iss, str):
        msg = "Issuer (iss) must be a string."
        raise TypeError(msg)
    return claims


# ----------------------------------------------------------------- decode: arguments


class _Policy(NamedTuple):
    """What the caller expects of the claims, and which checks are on."""

    verify_exp: bool
    verify_nbf: bool
    verify_iat: bool
    verify_aud: bool
    verify_iss: bool
    verify_sub: bool
    verify_jti: bool
    require: tuple[str, ...]
    strict_aud: bool
    leeway: float
    # One expected string, or any of several (a tuple); None when not checked.
    audience: str | tuple[str, ...] | None
    issuer: str | tuple[str, ...] | None
    subject: str | None


class _DecodeArgs(NamedTuple):
    verify_signature: bool
    algorithms: tuple[str, ...]
    policy: _Policy
    max_token_bytes: int


def _decode_args(
    *,
    algorithms: object,
    options: object,
    audience: object,
    issuer: object,
    subject: object,
    leeway: object,
    max_token_bytes: object,
) -> _DecodeArgs:
    """The checked arguments of a decode, in the contract's order."""
    option_values = _options(options)
    verify_signature = _flag(option_values, "verify_signature", default=True)
    # PyJWT's rule: without the signature check, the claim checks default to off.
    verify = {name: _flag(option_values, name, default=verify_signature) for name in _OPTION_FLAGS}
    strict_aud = _flag(option_values, "strict_aud", default=False)
    _flag(option_values, "enforce_minimum_key_length", default=True)
    require: tuple[str, ...] = ()
    value = option_values.get("require", MISSING)
    if value is not MISSING:
        if not is_a(value, (list, tuple)):
            msg = f"option 'require' must be a list of str, not {type(value).__name__}"
            raise TypeError(msg)
        require = _strings(value, "option 'require'")
    allowed = _algorithms(algorithms) if verify_signature else ()
    policy = _Policy(
        verify_exp=verify["verify_exp"],
        verify_nbf=verify["verify_nbf"],
        verify_iat=verify["verify_iat"],
        verify_aud=verify["verify_aud"],
        verify_iss=verify["verify_iss"],
        verify_sub=verify["verify_sub"],
        verify_jti=verify["verify_jti"],
        require=require,
        strict_aud=strict_aud,
        leeway=_leeway(leeway),
        audience=_expected(audience, "audience"),
        issuer=_expected(issuer, "issuer"),
        subject=_subject(subject),
    )
    return _DecodeArgs(verify_signature, allowed, policy, _max_bytes(max_token_bytes))


def _options(options: object) -> dict[str, Any]:
    """The ``options`` dict's values by name, its keys checked: a typo must not turn a check
    off. Its items are read once through ``dict`` itself (a subclass's overridden methods
    are not called) and matched by their keys' text, as the native side reads them."""
    if options is None:
        return {}
    if not is_a(options, dict):
        msg = f"options must be a dict or None, not {type(options).__name__}"
        raise TypeError(msg)
    values: dict[str, Any] = {}
    for name, value in dict_items(options):  # type: ignore[arg-type]
        text = key_text(name)
        if text is None or text not in _OPTION_NAMES:
            # A str subclass is shown as its characters; another key by its own repr.
            msg = f"Unknown option {plain_key(name)!r}; known: {', '.join(_OPTION_NAMES)}"
            raise TypeError(msg)
        values[text] = value
    return values


def _flag(options: dict[str, Any], name: str, *, default: bool) -> bool:
    value = options.get(name, MISSING)
    if value is MISSING:
        return default
    if not is_a(value, bool):
        msg = f"option '{name}' must be a bool, not {type(value).__name__}"
        raise TypeError(msg)
    return bool(value)


def _strings(value: object, what: str) -> tuple[str, ...]:
    """The items of a ``list``, ``tuple``, ``set`` or ``frozenset`` (read through the base
    type), each a ``str``."""
    items = collection_items(value)
    if items is None:
        msg = f"{what} must be a list of str, not {type(value).__name__}"
        raise TypeError(msg)
    return _strings_of(items, what)


def _strings_of(items: Iterable[object], what: str) -> tuple[str, ...]:
    """Each item a ``str`` (a subclass read as its characters)."""
    strings = []
    for item in items:
        if not is_a(item, str):
            msg = f"{what} must hold only str, not {type(item).__name__}"
            raise TypeError(msg)
        strings.append(_plain(item))  # type: ignore[arg-type]
    return tuple(strings)


def _plain(text: str) -> str:
    """A ``str`` argument as the native side reads it: its characters as an exact ``str``
    (later comparisons are by text, never an overridden ``__eq__``), and the
    ``UnicodeEncodeError`` of ``text.encode()`` for a lone surrogate (the native side works
    on UTF-8, which cannot hold one)."""
    plain = str.__str__(text)
    if not plain.isascii():
        plain.encode()
    return plain


def _no_algorithms(algorithms: object) -> bool:
    """None, or of length 0: a list, tuple, set or frozenset by its base size; another
    object by ``len()``, where only "has no len()" counts as not empty."""
    if algorithms is None:
        return True
    items = collection_items(algorithms)
    if items is not None:
        return not items
    try:
        return len(algorithms) == 0  # type: ignore[arg-type]
    except TypeError:
        return False


def _algorithms(algorithms: object) -> tuple[str, ...]:
    """The allowed algorithms: a collection of supported names, required."""
    if _no_algorithms(algorithms):
        raise DecodeError(_ALGORITHMS_REQUIRED)
    if is_a(algorithms, str):
        # PyJWT would test `alg in "HS256"`: a substring test.
        msg = 'algorithms must be a list of names, e.g. ["HS256"], not a str'
        raise TypeError(msg)
    names = _strings(algorithms, "algorithms")
    for name in names:
        if name not in ALGORITHMS:
            raise unsupported_algorithm(name)
    return names


def _leeway(value: object) -> float:
    """Seconds (an int or float, not bool) or a timedelta, through the base types."""
    if is_a(value, datetime.timedelta):
        seconds = total_seconds(value)  # type: ignore[arg-type]
    elif is_a(value, (int, float)) and not is_a(value, bool):
        seconds = number_as_float(value)  # type: ignore[arg-type]
    else:
        msg = f"leeway must be a number of seconds or a timedelta, not {type(value).__name__}"
        raise TypeError(msg)
    if math.isnan(seconds):
        msg = "leeway must not be NaN"
        raise ValueError(msg)
    return seconds


def _expected(value: object, what: str) -> str | tuple[str, ...] | None:
    """``audience`` or ``issuer``: None, a str, or an iterable of str (not bytes). A list,
    tuple, set or frozenset is read through its base type; another iterable by ``iter()``."""
    if value is None:
        return None
    if is_a(value, str):
        return _plain(value)  # type: ignore[arg-type]
    wrong = f"{what} must be a str or an iterable of str, not {type(value).__name__}"
    if is_a(value, (bytes, bytearray)):
        raise TypeError(wrong)
    items = collection_items(value)
    if items is not None:
        return _strings_of(items, what)
    try:
        iterator = iter(value)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(wrong) from None
    return _strings_of(iterator, what)


def _subject(value: object) -> str | None:
    if value is None:
        return None
    if is_a(value, str):
        return _plain(value)  # type: ignore[arg-type]
    msg = f"subject must be a str or None, not {type(value).__name__}"
    raise TypeError(msg)


def _max_bytes(value: object) -> int:
    """A positive int, by its digits (a subclass's methods are not asked)."""
    if is_a(value, bool) or not is_a(value, int):
        msg = f"max_token_bytes must be an int, not {type(value).__name__}"
        raise TypeError(msg)
    number = int.__int__(value)  # type: ignore[arg-type]
    if number > 0:
        return number
    if number >= _I64_MIN:
        msg = f"max_token_bytes must be positive, not {number}"
        raise ValueError(msg)
    msg = "max_token_bytes must be positive"
    raise ValueError(msg)


# -------------------------------------------------------------------- decode: the token


class _Segments(NamedTuple):
    header: bytes
    payload: bytes
    signature: bytes
    # `header.payload`: what the signature covers.
    signing_input: bytes


def _token_bytes(token: object, max_token_bytes: int) -> bytes:
    """A str's UTF-8 (lone surrogates kept, so they fail as base64url; ``str.encode``
    itself, never a subclass's), or bytes (a subclass's data), within ``max_token_bytes``."""
    if is_a(token, str):
        # An ASCII str is measured before it is encoded: a token over the limit is refused
        # without a copy, as natively.
        if str.isascii(token):  # type: ignore[arg-type]
            _check_size(str.__len__(token), max_token_bytes)  # type: ignore[arg-type]
        raw = str.encode(token, "utf-8", "surrogatepass")  # type: ignore[arg-type]
    elif is_a(token, bytes):
        raw = bytes_data(token)  # type: ignore[arg-type]
    else:
        msg = f"Invalid token type: expected str or bytes, got {type(token).__name__}"
        raise DecodeError(msg)
    _check_size(len(raw), max_token_bytes)
    return raw


def _check_size(size: int, max_token_bytes: int) -> None:
    if size > max_token_bytes:
        msg = f"Token is {size} bytes, more than max_token_bytes ({max_token_bytes})"
        raise DecodeError(msg)


def _split(token: bytes) -> _Segments:
    """The three segments as sent."""
    dots = token.count(b".")
    if dots < 2:
        msg = "Not enough segments"
        raise DecodeError(msg)
    if dots > 2:
        msg = "Too many segments"
        raise DecodeError(msg)
    signing_input, signature = token.rsplit(b".", 1)
    header, payload = signing_input.split(b".")
    return _Segments(header, payload, signature, signing_input)


def _segment(segment: bytes, name: str) -> bytes:
    raw = b64url_decode(segment)
    if raw is None:
        msg = f"Invalid {name} padding"
        raise DecodeError(msg)
    return raw


def _lossy(text: str) -> str:
    """``text`` as the native side words JSON strings in messages: a lone surrogate (which a
    ``\\u`` escape can make) becomes replacement characters, as invalid UTF-8 would."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    """A decoded segment as a JSON object without repeated keys, at any depth."""
    try:
        value = loads(raw)
    except ValueError as error:
        # JSONDecodeError, or CPython's limit on int digits: the package's loads words both.
        msg = f"Invalid {what} string: {error}"
        raise DecodeError(msg) from None
    duplicate = _first_duplicate_key(raw.decode("utf-8"))
    if duplicate is not None:
        msg = f'Invalid {what} string: duplicate key "{_lossy(duplicate)}"'
        raise DecodeError(msg)
    if not isinstance(value, dict):
        msg = f"Invalid {what} string: must be a json object"
        raise DecodeError(msg)
    return value


class _RepeatedKeyError(Exception):
    """Some object of the document repeats a key (which one is found by ``_scan``)."""


def _refuse_repeats(pairs: list[tuple[str, Any]]) -> None:
    if len(pairs) > 1 and len({name for name, _ in pairs}) != len(pairs):
        raise _RepeatedKeyError


# The standard library's C scanner, only to learn quickly whether any key repeats: the
# document was already parsed (and judged) by the package's strict loads.
_find_repeats: Final = json.JSONDecoder(object_pairs_hook=_refuse_repeats).decode
# The scanner recurses per nesting level: deeper documents go straight to `_scan`, which
# keeps its own stack (the strict parser accepts 1024 levels).
_SCANNER_BRACKETS: Final = 256
_TOKENS: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],]')


def _first_duplicate_key(doc: str) -> str | None:
    """The first key repeated within one object, in document order: of all the repeated
    occurrences, the one that comes first in the text."""
    if doc.count("{") + doc.count("[") <= _SCANNER_BRACKETS:
        try:
            _find_repeats(doc)
        except _RepeatedKeyError:
            return _scan(doc)
        return None
    return _scan(doc)


def _scan(doc: str) -> str | None:
    """``_first_duplicate_key`` by one pass over the tokens, in text order (the standard
    library's hook runs when an object closes, inner objects first: not text order)."""
    # One entry per open container: the keys seen so far for an object, None for an array.
    stack: list[set[str] | None] = []
    expect_key = False
    for match in _TOKENS.finditer(doc):
        token = match.group()
        if token == "{":
            stack.append(set())
            expect_key = True
        elif token == "[":
            stack.append(None)
            expect_key = False
        elif token in {"}", "]"}:
            stack.pop()
            expect_key = False
        elif token == ",":
            expect_key = stack[-1] is not None
        elif expect_key:
            keys = stack[-1]
            name: str = json.loads(token)
            if keys is not None:
                if name in keys:
                    return name
                keys.add(name)
            expect_key = False
    return None


def _check_header(header: dict[str, Any]) -> str | None:
    """The header rules that hold whether or not the signature is verified: ``kid``,
    ``crit``, ``b64``. Returns the ``kid``."""
    kid = header.get("kid")
    if "kid" in header and not isinstance(kid, str):
        msg = "Key ID header parameter must be a string"
        raise InvalidTokenError(msg)
    if "crit" in header:
        crit = header["crit"]
        if not isinstance(crit, list) or not crit:
            msg = "Invalid 'crit' header: must be a non-empty list"
            raise InvalidTokenError(msg)
        # No extension is understood here, so the first entry is refused, whatever it is.
        first = crit[0]
        if not isinstance(first, str):
            msg = "Invalid 'crit' header: values must be strings"
            raise InvalidTokenError(msg)
        msg = f"Unsupported critical extension: {_lossy(first)}"
        raise InvalidTokenError(msg)
    if "b64" in header and header["b64"] is not True:
        msg = "The b64 header parameter is not supported"
        raise DecodeError(msg)
    return kid


def _check_alg(header: dict[str, Any], allowed: tuple[str, ...]) -> str:
    """The token's ``alg``, which must be one of ``allowed`` (exact, case-sensitive)."""
    if "alg" not in header:
        msg = "Algorithm not specified"
        raise InvalidAlgorithmError(msg)
    alg = header["alg"]
    if not isinstance(alg, str) or alg not in allowed:
        msg = "The specified alg value is not allowed"
        raise InvalidAlgorithmError(msg)
    return alg


class _Decoded(NamedTuple):
    header: dict[str, Any]
    payload: dict[str, Any]
    signature: bytes


def _decode_token(token: object, key: object, args: _DecodeArgs) -> _Decoded:
    segments = _split(_token_bytes(token, args.max_token_bytes))
    header = _json_object(_segment(segments.header, "header"), "header")
    kid = _check_header(header)
    verified_with = None
    if args.verify_signature:
        alg = _check_alg(header, args.algorithms)
        verified_with = (alg, resolve_key(key, alg, kid, "verify"))
    signature = _segment(segments.signature, "signature")
    if verified_with is not None:
        verify(verified_with[1], verified_with[0], segments.signing_input, signature)
    payload = _json_object(_segment(segments.payload, "payload"), "payload")
    _validate_claims(payload, args.policy, time.time())
    return _Decoded(header, payload, signature)


# ------------------------------------------------------------------------------ claims


def _seconds(value: object) -> float | None:
    """A time claim truncated toward zero as ``int()`` does, as the float the native side
    compares; None unless a finite JSON number (``1e400`` parses as infinity: a token whose
    ``exp`` is infinite would never expire, and ``int()`` refuses it too)."""
    if type(value) is int:
        # Exact ints beyond float's range compare as an infinity of their sign would.
        try:
            return float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    if type(value) is float and math.isfinite(value):
        return float(math.trunc(value))
    return None


def _validate_claims(payload: dict[str, Any], policy: _Policy, now: float) -> None:
    """The registered-claim rules, in the contract's order; the first failure is raised."""
    for name in policy.require:
        if payload.get(name) is None:
            raise MissingRequiredClaimError(name)
    _validate_times(payload, policy, now)
    if policy.verify_iss:
        _validate_iss(payload, policy.issuer)
    if policy.verify_aud:
        _validate_aud(payload.get("aud"), policy.audience, strict=policy.strict_aud)
    if policy.verify_sub:
        _validate_sub(payload, policy.subject)
    if policy.verify_jti and "jti" in payload and not isinstance(payload["jti"], str):
        raise InvalidJTIError("JWT ID must be a string")


def _validate_times(payload: dict[str, Any], policy: _Policy, now: float) -> None:
    """``iat``, ``nbf`` and ``exp``: numbers, truncated; ``exp`` is expired at ``now``."""
    if policy.verify_iat and "iat" in payload:
        iat = _seconds(payload["iat"])
        if iat is None:
            raise InvalidIssuedAtError("Issued At claim (iat) must be an integer.")
        if iat > now + policy.leeway:
            raise ImmatureSignatureError("The token is not yet valid (iat)")
    if policy.verify_nbf and "nbf" in payload:
        nbf = _seconds(payload["nbf"])
        if nbf is None:
            raise DecodeError("Not Before claim (nbf) must be an integer.")
        if nbf > now + policy.leeway:
            raise ImmatureSignatureError("The token is not yet valid (nbf)")
    if policy.verify_exp and "exp" in payload:
        exp = _seconds(payload["exp"])
        if exp is None:
            raise DecodeError("Expiration Time claim (exp) must be an integer.")
        if exp <= now - policy.leeway:
            raise ExpiredSignatureError("Signature has expired")


def _matches(value: str, expected: str | tuple[str, ...]) -> bool:
    return value == expected if isinstance(expected, str) else value in expected


def _validate_iss(payload: dict[str, Any], issuer: str | tuple[str, ...] | None) -> None:
    if issuer is None:
        return
    if "iss" not in payload:
        raise MissingRequiredClaimError("iss")
    iss = payload["iss"]
    if not isinstance(iss, str):
        raise InvalidIssuerError("Payload Issuer (iss) must be a string")
    if not _matches(iss, issuer):
        raise InvalidIssuerError("Invalid issuer")


def _validate_aud(aud: object, audience: str | tuple[str, ...] | None, *, strict: bool) -> None:
    # An empty claim (null, false, 0, "", [], {}) counts as no claim, as in PyJWT.
    if audience is None:
        if aud:
            raise InvalidAudienceError("Invalid audience")
        return
    if not aud:
        raise MissingRequiredClaimError("aud")
    if strict:
        if not isinstance(audience, str):
            raise InvalidAudienceError("Invalid audience (strict)")
        if not isinstance(aud, str):
            raise InvalidAudienceError("Invalid claim format in token (strict)")
        if aud != audience:
            raise InvalidAudienceError("Audience doesn't match (strict)")
        return
    claimed = [aud] if isinstance(aud, str) else aud
    if not isinstance(claimed, list) or not all(isinstance(item, str) for item in claimed):
        raise InvalidAudienceError("Invalid claim format in token")
    if not any(_matches(item, audience) for item in claimed):
        raise InvalidAudienceError("Audience doesn't match")


def _validate_sub(payload: dict[str, Any], subject: str | None) -> None:
    if "sub" in payload:
        sub = payload["sub"]
        if not isinstance(sub, str):
            raise InvalidSubjectError("Subject must be a string")
        if subject is not None and sub != subject:
            raise InvalidSubjectError("Invalid subject")
    elif subject is not None:
        raise MissingRequiredClaimError("sub")


# ------------------------------------------------------------------------------ decode


def decode(  # noqa: PLR0917 - PyJWT's arguments, positional as on the native side
    token: str | bytes,
    key: str | bytes | Mapping[str, Any] | Key | KeySet | None = None,
    algorithms: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
    leeway: float | datetime.timedelta = 0,
    max_token_bytes: int = DEFAULT_MAX_TOKEN_BYTES,
) -> dict[str, Any]:
    """Verify a JWT and return its claims (a dict).

    ``algorithms`` (a list) is required while the signature is verified. ``options`` keys are
    PyJWT's (verify_signature, verify_exp, verify_nbf, verify_iat, verify_aud, verify_iss,
    verify_sub, verify_jti, require, strict_aud); ``audience``, ``issuer``, ``subject`` and
    ``leeway`` (seconds or a timedelta) as in PyJWT. Tokens over ``max_token_bytes`` are
    refused before any decoding. Everything a token can cause is an InvalidTokenError.
    """
    args = _decode_args(
        algorithms=algorithms,
        options=options,
        audience=audience,
        issuer=issuer,
        subject=subject,
        leeway=leeway,
        max_token_bytes=max_token_bytes,
    )
    return _decode_token(token, key, args).payload


def decode_complete(  # noqa: PLR0917 - PyJWT's arguments, positional as on the native side
    token: str | bytes,
    key: str | bytes | Mapping[str, Any] | Key | KeySet | None = None,
    algorithms: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
    leeway: float | datetime.timedelta = 0,
    max_token_bytes: int = DEFAULT_MAX_TOKEN_BYTES,
) -> dict[str, Any]:
    """Like ``decode``, returning ``{"header": dict, "payload": dict, "signature": bytes}``."""
    args = _decode_args(
        algorithms=algorithms,
        options=options,
        audience=audience,
        issuer=issuer,
        subject=subject,
        leeway=leeway,
        max_token_bytes=max_token_bytes,
    )
    decoded = _decode_token(token, key, args)
    return {"header": decoded.header, "payload": decoded.payload, "signature": decoded.signature}


def get_unverified_header(token: str | bytes, /) -> dict[str, Any]:
    """The token's header (a dict), checked for shape but NOT verified: use it only to choose
    a key."""
    segments = _split(_token_bytes(token, DEFAULT_MAX_TOKEN_BYTES))
    header = _json_object(_segment(segments.header, "header"), "header")
    _check_header(header)
    return header
