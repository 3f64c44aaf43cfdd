"""JWT claim rules on both backends (docs/JWT.md, "Claims"): require, iat, nbf, exp, iss, aud,
sub and jti, each with its exact class and message, the boundaries (``exp == now`` is already
expired), leeway as a number and as a ``timedelta``, the options that turn checks off, and
the order in which the rules run.

Times are real (``time.time()`` on both sides; the native side cannot be given a fake
clock), so every case is built with a margin that makes it independent of when the second
ticks: a boundary is tested where the inequality cannot flip while the test runs."""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import Any

import pytest
from covet_rust_core._jwt_errors import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAudienceError,
    InvalidIssuedAtError,
    InvalidIssuerError,
    InvalidJTIError,
    InvalidSignatureError,
    InvalidSubjectError,
    MissingRequiredClaimError,
)

from tests.support.jwt_backend import JwtBackend, jwt_backend
from tests.support.outcomes import expect
from tests.support.tokens import SECRET, craft, now

EXPIRED = "Signature has expired"
IAT_TYPE = "Issued At claim (iat) must be an integer."
NBF_TYPE = "Not Before claim (nbf) must be an integer."
EXP_TYPE = "Expiration Time claim (exp) must be an integer."
IAT_FUTURE = "The token is not yet valid (iat)"
NBF_FUTURE = "The token is not yet valid (nbf)"
NOT_NUMBERS = ["123", "1.5", True, False, [1], {"t": 1}, "", None]


def claims(backend: JwtBackend, payload: Any, **kwargs: Any) -> Any:
    """Decode an HS256 token of this payload (a dict, or raw JSON bytes)."""
    return backend.decode(craft(payload=payload), SECRET, algorithms=["HS256"], **kwargs)


def missing(name: str) -> str:
    return f'Token is missing the "{name}" claim'


# --- require -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["exp", "iat", "nbf", "iss", "aud", "sub", "jti", "tenant"])
def test_require_missing(impl: ModuleType, name: str) -> None:
    backend = jwt_backend(impl)
    error = expect(
        MissingRequiredClaimError,
        missing(name),
        claims,
        backend,
        {"other": 1},
        options={"require": [name]},
    )
    assert error.claim == name


@pytest.mark.parametrize("name", ["exp", "sub", "tenant"])
def test_require_null_is_missing(impl: ModuleType, name: str) -> None:
    backend = jwt_backend(impl)
    expect(
        MissingRequiredClaimError,
        missing(name),
        claims,
        backend,
        {name: None},
        options={"require": (name,)},
    )


def test_require_present(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    payload = {"exp": now() + 600, "sub": "x", "tenant": 0, "flag": False, "list": []}
    require = ["exp", "sub", "tenant", "flag", "list"]
    assert claims(backend, payload, options={"require": require}) == payload
    assert claims(backend, payload, options={"require": tuple(require)}) == payload
    assert claims(backend, payload, options={"require": []}) == payload


def test_require_reports_the_first_missing_in_list_order(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    payload = {"sub": "x"}
    options = {"require": ["sub", "jti", "exp"]}
    expect(MissingRequiredClaimError, missing("jti"), claims, backend, payload, options=options)
    options = {"require": ["exp", "jti"]}
    expect(MissingRequiredClaimError, missing("exp"), claims, backend, payload, options=options)


def test_require_runs_before_the_other_rules(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    payload = {"iat": "bad", "exp": 1, "aud": "x", "jti": 5}
    options = {"require": ["sub"]}
    expect(MissingRequiredClaimError, missing("sub"), claims, backend, payload, options=options)


def test_require_applies_without_signature_verification(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = craft(payload={"a": 1}, key="some other key")
    options = {"verify_signature": False, "require": ["exp"]}
    expect(MissingRequiredClaimError, missing("exp"), backend.decode, token, options=options)


# --- iat ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_iat_must_be_a_number(impl: ModuleType, value: Any) -> None:
    backend = jwt_backend(impl)
    expect(InvalidIssuedAtError, IAT_TYPE, claims, backend, {"iat": value})


@pytest.mark.parametrize("delta", [0, -1, -(10**6)])
def test_iat_now_or_past(impl: ModuleType, delta: int) -> None:
    backend = jwt_backend(impl)
    payload = {"iat": now() + delta}
    assert claims(backend, payload) == payload


def test_iat_float_is_truncated(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    payload = {"iat": now() + 0.999}
    assert claims(backend, payload) == payload
    payload = {"iat": 1e9 + 0.5}
    assert claims(backend, payload) == payload


@pytest.mark.parametrize("delta", [60, 3600, 10**9])
def test_iat_in_the_future(impl: ModuleType, delta: int) -> None:
    backend = jwt_backend(impl)
    expect(ImmatureSignatureError, IAT_FUTURE, claims, backend, {"iat": now() + delta})


@pytest.mark.parametrize("leeway", [100, 100.0, dt.timedelta(seconds=100), 150.5])
def test_iat_within_the_leeway(impl: ModuleType, leeway: Any) -> None:
    backend = jwt_backend(impl)
    # iat == now + leeway at the latest: not greater, so accepted.
    payload = {"iat": now() + 100}
    assert claims(backend, payload, leeway=leeway) == payload


@pytest.mark.parametrize("leeway", [50, 50.0, dt.timedelta(seconds=50), 0, -100])
def test_iat_beyond_the_leeway(impl: ModuleType, leeway: Any) -> None:
    backend = jwt_backend(impl)
    expect(ImmatureSignatureError, IAT_FUTURE, claims, backend, {"iat": now() + 100}, leeway=leeway)


def test_iat_not_verified(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    for payload in ({"iat": now() + 3600}, {"iat": "soon"}):
        assert claims(backend, payload, options={"verify_iat": False}) == payload


# --- nbf ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_nbf_must_be_a_number(impl: ModuleType, value: Any) -> None:
    backend = jwt_backend(impl)
    expect(DecodeError, NBF_TYPE, claims, backend, {"nbf": value})


@pytest.mark.parametrize("delta", [0, -1, -(10**6)])
def test_nbf_now_or_past(impl: ModuleType, delta: int) -> None:
    backend = jwt_backend(impl)
    payload = {"nbf": now() + delta}
    assert claims(backend, payload) == payload


def test_nbf_float_is_truncated(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    payload = {"nbf": now() + 0.999}
    assert claims(backend, payload) == payload


@pytest.mark.parametrize("delta", [60, 3600, 10**9])
def test_nbf_in_the_future(impl: ModuleType, delta: int) -> None:
    backend = jwt_backend(impl)
    expect(ImmatureSignatureError, NBF_FUTURE, claims, backend, {"nbf": now() + delta})


def test_nbf_huge_integer_is_in_the_future(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    expect(ImmatureSignatureError, NBF_FUTURE, claims, backend, {"nbf": 2**64})
    expect(ImmatureSignatureError, NBF_FUTURE, claims, backend, {"nbf": 1e300})


@pytest.mark.parametrize("leeway", [100, 100.0, dt.timedelta(seconds=100), 150.5])
def test_nbf_within_the_leeway(impl: ModuleType, leeway: Any) -> None:
    backend = jwt_backend(impl)
    payload = {"nbf": now() + 100}
    assert claims(backend, payload, leeway=leeway) == payload


@pytest.mark.parametrize("leeway", [50, 50.0, dt.timedelta(seconds=50), 0, -100])
def test_nbf_beyond_the_leeway(impl: ModuleType, leeway: Any) -> None:
    backend = jwt_backend(impl)
    expect(ImmatureSignatureError, NBF_FUTURE, claims, backend, {"nbf": now() + 100}, leeway=leeway)


def test_nbf_not_verified(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    for payload in ({"nbf": now() + 3600}, {"nbf": "later"}):
        assert claims(backend, payload, options={"verify_nbf": False}) == payload


# --- exp ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_exp_must_be_a_number(impl: ModuleType, value: Any) -> None:
    backend = jwt_backend(impl)
    expect(DecodeError, EXP_TYPE, claims, backend, {"exp": value})


def test_exp_equal_to_now_is_expired(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    # exp is the current second: now >= exp whenever decode runs, so exp <= now - 0.
    expect(ExpiredSignatureError, EXPIRED, claims, backend, {"exp": now()})


def test_exp_float_is_truncated(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    # now() + 0.999 truncates to now(): expired, although the float itself may be ahead.
    expect(ExpiredSignatureError, EXPIRED, claims, backend, {"exp": now() + 0.999})


@pytest.mark.parametrize("delta", [-1, -3600, -(10**9)])
def test_exp_in_the_past(impl: ModuleType, delta: int) -> None:
    backend = jwt_backend(impl)
    expect(ExpiredSignatureError, EXPIRED, claims, backend, {"exp": now() + delta})


@pytest.mark.parametrize("value", [0, -1, -(2**64), 1.5, -1e300])
def test_exp_long_ago(impl: ModuleType, value: Any) -> None:
    backend = jwt_backend(impl)
    expect(ExpiredSignatureError, EXPIRED, claims, backend, {"exp": value})


@pytest.mark.parametrize("delta", [60, 3600, 10**9])
def test_exp_in_the_future(impl: ModuleType, delta: int) -> None:
    backend = jwt_backend(impl)
    payload = {"exp": now() + delta}
    assert claims(backend, payload) == payload


def test_exp_huge_values_are_in_the_future(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    for value in (2**63, 2**64, 10**30, 1e20, 1e300):
        payload = {"exp": value}
        assert claims(backend, payload) == payload


@pytest.mark.parametrize("leeway", [30, 30.0, dt.timedelta(seconds=30), 60.5])
def test_exp_within_the_leeway(impl: ModuleType, leeway: Any) -> None:
    backend = jwt_backend(impl)
    payload = {"exp": now() - 10}
    assert claims(backend, payload, leeway=leeway) == payload


@pytest.mark.parametrize("leeway", [10, 10.0, dt.timedelta(seconds=10), 9, 0])
def test_exp_at_or_beyond_the_leeway(impl: ModuleType, leeway: Any) -> None:
    backend = jwt_backend(impl)
    # exp == now - leeway at best (the boundary), which is expired.
    expect(ExpiredSignatureError, EXPIRED, claims, backend, {"exp": now() - 10}, leeway=leeway)


@pytest.mark.parametrize("leeway", [-200, -200.0, dt.timedelta(seconds=-200)])
def test_negative_leeway_makes_exp_stricter(impl: ModuleType, leeway: Any) -> None:
    backend = jwt_backend(impl)
    expect(ExpiredSignatureError, EXPIRED, claims, backend, {"exp": now() + 100}, leeway=leeway)


def test_exp_not_verified(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    for payload in ({"exp": now() - 3600}, {"exp": "never"}):
        assert claims(backend, payload, options={"verify_exp": False}) == payload


# --- verify_signature False turns the other checks off -----------------------------------


def test_unverified_tokens_skip_the_claim_checks(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    payload = {
        "iat": now() + 3600,
        "nbf": now() + 3600,
        "exp": now() - 3600,
        "iss": 5,
        "aud": ["someone else"],
        "sub": 7,
        "jti": 8,
    }
    token = craft(payload=payload, key="not the key")
    options = {"verify_signature": False}
    assert backend.decode(token, options=options) == payload
    assert (
        backend.decode(
            token,
            options=options,
            audience="me",
            issuer="iss",
            subject="sub",
            algorithms=["HS256"],
        )
        == payload
    )


@pytest.mark.parametrize(
    ("option", "cls", "message"),
    [
        ("verify_exp", ExpiredSignatureError, EXPIRED),
        ("verify_nbf", ImmatureSignatureError, NBF_FUTURE),
        ("verify_iat", ImmatureSignatureError, IAT_FUTURE),
        ("verify_aud", InvalidAudienceError, "Invalid audience"),
        ("verify_jti", InvalidJTIError, "JWT ID must be a string"),
        ("verify_sub", InvalidSubjectError, "Subject must be a string"),
    ],
)
def test_unverified_tokens_with_a_check_turned_back_on(
    impl: ModuleType, option: str, cls: type[Exception], message: str
) -> None:
    backend = jwt_backend(impl)
    payload = {
        "iat": now() + 3600,
        "nbf": now() + 3600,
        "exp": now() - 3600,
        "aud": "someone",
        "sub": 7,
        "jti": 8,
    }
    token = craft(payload=payload, key="not the key")
    options = {"verify_signature": False, option: True}
    expect(cls, message, backend.decode, token, options=options)


def test_unverified_token_with_issuer_check(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = craft(payload={"iss": "a"}, key="not the key")
    options = {"verify_signature": False, "verify_iss": True}
    expect(InvalidIssuerError, "Invalid issuer", backend.decode, token, issuer="b", options=options)


# --- iss ---------------------------------------------------------------------------------


def test_iss_missing(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    error = expect(MissingRequiredClaimError, missing("iss"), claims, backend, {}, issuer="a")
    assert error.claim == "iss"


@pytest.mark.parametrize("value", [1, ["a"], {"a": 1}, True, 1.5, None])
def test_iss_must_be_a_string(impl: ModuleType, value: Any) -> None:
    backend = jwt_backend(impl)
    expect(
        InvalidIssuerError,
        "Payload Issuer (iss) must be a string",
        claims,
        backend,
        {"iss": value},
        issuer="a",
    )
    expect(
        InvalidIssuerError,
        "Payload Issuer (iss) must be a string",
        claims,
        backend,
        {"iss": value},
        issuer=["a"],
    )


@pytest.mark.parametrize(
    ("iss", "issuer"),
    [
        ("a", "b"),
        ("A", "a"),
        ("ab", "a"),
        ("a", "ab"),
        ("a", ["b", "c"]),
        ("a", ("ab",)),
        ("", "a"),
        ("a ", "a"),
        ("é", "e\u0301"),
    ],
)
def test_iss_mismatch(impl: ModuleType, iss: str, issuer: Any) -> None:
    backend = jwt_backend(impl)
    expect(InvalidIssuerError, "Invalid issuer", claims, backend, {"iss": iss}, issuer=issuer)


@pytest.mark.parametrize("issuer", ["a", ["b", "a"], ("a",), {"a", "z"}, frozenset({"a"})])
def test_iss_match(impl: ModuleType, issuer: Any) -> None:
    backend = jwt_backend(impl)
    assert claims(backend, {"iss": "a"}, issuer=issuer) == {"iss": "a"}


def test_iss_unchecked_without_issuer(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    for payload in ({"iss": 5}, {"iss": ["x"]}, {"iss": "x"}, {}):
        assert claims(backend, payload) == payload


def test_iss_not_verified(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    for payload in ({"iss": "b"}, {"iss": 5}, {}):
        assert claims(backend, payload, issuer="a", options={"verify_iss": False}) == payload


# --- aud ---------------------------------------------------------------------------------

EMPTY_AUDIENCES: list[Any] = [None, False, 0, "", [], {}]


@pytest.mark.parametrize("aud", ["x", ["x"], ["x", "y"], True, 1, {"a": 1}, [""], 1.5])
def test_aud_present_without_audience(impl: ModuleType, aud: Any) -> None:
    backend = jwt_backend(impl)
    expect(InvalidAudienceError, "Invalid audience", claims, backend, {"aud": aud})


@pytest.mark.parametrize("aud", EMPTY_AUDIENCES)
def test_empty_aud_without_audience(impl: ModuleType, aud: Any) -> None:
    backend = jwt_backend(impl)
    assert claims(backend, {"aud": aud}) == {"aud": aud}


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("audience", ["x", ["x"]])
def test_aud_missing_with_audience(impl: ModuleType, strict: bool, audience: Any) -> None:
    backend = jwt_backend(impl)
    options = {"strict_aud": strict}
    error = expect(
        MissingRequiredClaimError,
        missing("aud"),
        claims,
        backend,
        {},
        audience=audience,
        options=options,
    )
    assert error.claim == "aud"


@pytest.mark.parametrize("aud", EMPTY_AUDIENCES)
def test_empty_aud_with_audience(impl: ModuleType, aud: Any) -> None:
    backend = jwt_backend(impl)
    expect(MissingRequiredClaimError, missing("aud"), claims, backend, {"aud": aud}, audience="x")


@pytest.mark.parametrize(
    ("aud", "audience"),
    [
        ("x", "x"),
        ("x", ["y", "x"]),
        (["y", "x"], "x"),
        (["a", "b"], ["c", "b"]),
        (["x"], ("x",)),
        ("x", {"x"}),
        ("x", frozenset({"x", "z"})),
    ],
)
def test_aud_match(impl: ModuleType, aud: Any, audience: Any) -> None:
    backend = jwt_backend(impl)
    assert claims(backend, {"aud": aud}, audience=audience) == {"aud": aud}


@pytest.mark.parametrize(
    ("aud", "audience"),
    [
        ("x", "y"),
        ("abc", "ab"),
        ("ab", "abc"),
        ("X", "x"),
        (["a", "b"], "c"),
        (["a", "b"], ["c", "d"]),
    ],
)
def test_aud_mismatch(impl: ModuleType, aud: Any, audience: Any) -> None:
    backend = jwt_backend(impl)
    expect(
        InvalidAudienceError,
        "Audience doesn't match",
        claims,
        backend,
        {"aud": aud},
        audience=audience,
    )


@pytest.mark.parametrize("aud", [1, True, ["x", 1], [None], {"x": 1}, [["x"]], 1.5])
def test_aud_claim_format(impl: ModuleType, aud: Any) -> None:
    backend = jwt_backend(impl)
    expect(
        InvalidAudienceError,
        "Invalid claim format in token",
        claims,
        backend,
        {"aud": aud},
        audience="x",
    )


def test_strict_aud_match(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    options = {"strict_aud": True}
    assert claims(backend, {"aud": "x"}, audience="x", options=options) == {"aud": "x"}


@pytest.mark.parametrize("audience", [["x"], ("x",), {"x"}])
def test_strict_aud_needs_a_str_audience(impl: ModuleType, audience: Any) -> None:
    backend = jwt_backend(impl)
    expect(
        InvalidAudienceError,
        "Invalid audience (strict)",
        claims,
        backend,
        {"aud": "x"},
        audience=audience,
        options={"strict_aud": True},
    )


@pytest.mark.parametrize("aud", [["x"], ["x", "y"], 1, True, {"x": 1}])
def test_strict_aud_needs_a_str_claim(impl: ModuleType, aud: Any) -> None:
    backend = jwt_backend(impl)
    expect(
        InvalidAudienceError,
        "Invalid claim format in token (strict)",
        claims,
        backend,
        {"aud": aud},
        audience="x",
        options={"strict_aud": True},
    )


@pytest.mark.parametrize("aud", ["y", "xx", "X", " x"])
def test_strict_aud_mismatch(impl: ModuleType, aud: str) -> None:
    backend = jwt_backend(impl)
    expect(
        InvalidAudienceError,
        "Audience doesn't match (strict)",
        claims,
        backend,
        {"aud": aud},
        audience="x",
        options={"strict_aud": True},
    )


def test_strict_aud_without_audience(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    options = {"strict_aud": True}
    expect(InvalidAudienceError, "Invalid audience", claims, backend, {"aud": "x"}, options=options)
    assert claims(backend, {"aud": ""}, options=options) == {"aud": ""}


def test_aud_not_verified(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    for payload in ({"aud": "y"}, {"aud": 1}, {}):
        assert claims(backend, payload, audience="x", options={"verify_aud": False}) == payload
        assert claims(backend, payload, options={"verify_aud": False}) == payload


# --- sub ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, ["a"], {"a": 1}, True, 1.5])
def test_sub_must_be_a_string(impl: ModuleType, value: Any) -> None:
    backend = jwt_backend(impl)
    message = "Subject must be a string"
    expect(InvalidSubjectError, message, claims, backend, {"sub": value})
    expect(InvalidSubjectError, message, claims, backend, {"sub": value}, subject="a")


def test_sub_missing_with_subject(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    error = expect(MissingRequiredClaimError, missing("sub"), claims, backend, {}, subject="a")
    assert error.claim == "sub"


@pytest.mark.parametrize(("sub", "subject"), [("a", "b"), ("A", "a"), ("ab", "a"), ("", "a")])
def test_sub_mismatch(impl: ModuleType, sub: str, subject: str) -> None:
    backend = jwt_backend(impl)
    expect(InvalidSubjectError, "Invalid subject", claims, backend, {"sub": sub}, subject=subject)


def test_sub_match(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    assert claims(backend, {"sub": "a"}, subject="a") == {"sub": "a"}
    assert claims(backend, {"sub": "any"}) == {"sub": "any"}


def test_sub_not_verified(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    for payload in ({"sub": 1}, {"sub": "b"}, {}):
        assert claims(backend, payload, subject="a", options={"verify_sub": False}) == payload


# --- jti ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, ["a"], {"a": 1}, True, 1.5])
def test_jti_must_be_a_string(impl: ModuleType, value: Any) -> None:
    backend = jwt_backend(impl)
    expect(InvalidJTIError, "JWT ID must be a string", claims, backend, {"jti": value})


def test_jti_string(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    assert claims(backend, {"jti": "id-1"}) == {"jti": "id-1"}
    assert claims(backend, {"jti": 5}, options={"verify_jti": False}) == {"jti": 5}


# --- order -------------------------------------------------------------------------------


def test_rules_run_in_the_contracts_order(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    future, past = now() + 3600, now() - 3600
    bad = {
        "iat": "x",
        "nbf": future,
        "exp": past,
        "iss": "wrong",
        "aud": "wrong",
        "sub": "wrong",
        "jti": 1,
    }
    steps: list[tuple[str, Any, type[Exception], str]] = [
        ("iat", now(), InvalidIssuedAtError, IAT_TYPE),
        ("nbf", now() - 10, ImmatureSignatureError, NBF_FUTURE),
        ("exp", future, ExpiredSignatureError, EXPIRED),
        ("iss", "issuer", InvalidIssuerError, "Invalid issuer"),
        ("aud", "audience", InvalidAudienceError, "Audience doesn't match"),
        ("sub", "subject", InvalidSubjectError, "Invalid subject"),
        ("jti", "id", InvalidJTIError, "JWT ID must be a string"),
    ]
    payload = dict(bad)
    for name, fixed, cls, message in steps:
        expect(
            cls,
            message,
            claims,
            backend,
            payload,
            issuer="issuer",
            audience="audience",
            subject="subject",
        )
        payload[name] = fixed
    assert (
        claims(backend, payload, issuer="issuer", audience="audience", subject="subject") == payload
    )


def test_iat_in_the_future_comes_before_nbf(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    payload = {"iat": now() + 3600, "nbf": now() + 3600}
    expect(ImmatureSignatureError, IAT_FUTURE, claims, backend, payload)


def test_claims_are_checked_after_the_signature(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    token = craft(payload={"exp": 1, "iss": 5}, key="another key")
    expect(
        InvalidSignatureError,
        "Signature verification failed",
        backend.decode,
        token,
        SECRET,
        algorithms=["HS256"],
        issuer="a",
    )


def test_claims_in_a_round_trip(impl: ModuleType) -> None:
    backend = jwt_backend(impl)
    payload = {
        "iss": "https://issuer.example",
        "sub": "user-1",
        "aud": ["api", "web"],
        "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
        "nbf": dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5),
        "iat": dt.datetime.now(dt.UTC),
        "jti": "token-1",
    }
    token = backend.encode(payload, SECRET)
    decoded = backend.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        audience="web",
        issuer="https://issuer.example",
        subject="user-1",
        options={"require": ["exp", "iat", "nbf", "jti"]},
    )
    assert decoded["sub"] == "user-1"
    assert isinstance(decoded["exp"], int)
