"""JWT benchmark: covet (native and the pure-Python fallback) against PyJWT and oxyjwt,
interleaved in one process. Run from a release build:

    pip install ".[bench]" && python benches/bench_jwt.py [--quick] [--json FILE]

Workloads (python/covet_rust_core/bench/jwt_workloads.py, the bench command's own): encode
and decode of one access token's claims (sub, name, iat, exp, aud, iss, three roles) with
HS256, RS256 (2048-bit RSA), ES256 and EdDSA; every decode checks the audience and the
issuer. The asymmetric algorithms run with a key
parsed once (``prepared``: covet Key.from_pem, cryptography key objects for PyJWT, oxyjwt's
EncodingKey/DecodingKey) and with the PEM string passed on every call (``pem``); HS256 with
the secret string. Every contender's output is checked before anything is timed (decode:
the claims; encode: PyJWT decodes the token to the same claims); a contender that raises or
disagrees is reported as an error (and the exit status is 1), never timed.

Prints a markdown table per workload (median time per call, its interquartile range and the
ratio against each peer: the median of per-round ratios, [interquartile range]), then covet
native against the performance targets, each with its verdict. Rounds are cut, never below
3, when a workload's contenders are too slow for its time budget (RSA signing with a PEM
string costs PyJWT tens of milliseconds per call).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
import time
from importlib import metadata
from typing import Any

from covet_rust_core.bench.interleave import (
    Contender,
    Result,
    Target,
    dump_json,
    environment,
    format_ratio,
    format_time,
    paired_ratio,
    run,
    summary,
)
from covet_rust_core.bench.jwt_workloads import (
    ALGORITHM_NAMES,
    DECODE,
    ENCODE,
    FORM_NAMES,
    HMAC,
    LIBRARIES,
    OXYJWT,
    PEM,
    PREPARED,
    PYJWT,
    SECRET,
    Fixture,
    Job,
    Library,
    build_jobs,
    contender,
    resolve,
)
from covet_rust_core.bench.model import FALLBACK

PEERS = [PYJWT, OXYJWT, FALLBACK]  # the "vs" columns: how many times faster than the peer
MIN_ROUNDS = 3


def _name(alg: str, op: str, form: str) -> str:
    return Job(alg, op, form).name


TARGETS = [
    *(
        target
        for op in (ENCODE, DECODE)
        for target in (
            Target(_name(HMAC, op, SECRET), PYJWT, 10.0),
            Target(_name(HMAC, op, SECRET), OXYJWT, 1.2),
        )
    ),
    Target(_name("RS256", ENCODE, PREPARED), PYJWT, 1.3),
    Target(_name("RS256", ENCODE, PEM), PYJWT, 100.0),
    *(Target(_name(alg, DECODE, PREPARED), PYJWT, 2.0) for alg in ("RS256", "ES256", "EdDSA")),
]


def jwt_environment() -> dict[str, Any]:
    """interleave's environment, plus the versions only the JWT contenders depend on."""
    env = environment()
    for package in ("oxyjwt", "cryptography"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            env["versions"][package] = metadata.version(package)
    with contextlib.suppress(Exception):  # PyJWT's signatures are cryptography's OpenSSL
        from cryptography.hazmat.backends.openssl import backend  # noqa: PLC0415

        env["openssl"] = backend.openssl_version_text()
    return env


def resolve_libraries() -> tuple[list[Library], list[str]]:
    """The available libraries, and one line for each one (or operation, key form) left out."""
    libraries, notes = [], []
    for slug, name in LIBRARIES.items():
        library = resolve(slug)
        if isinstance(library, str):
            notes.append(f"- {name}: not available: {library}")
            continue
        libraries.append(library)
        notes += [f"- {name} {what}: not available: {why}" for what, why in library.missing.items()]
    return libraries, notes


def prepare(
    job: Job, fixture: Fixture, libraries: list[Library]
) -> tuple[list[Contender], dict[str, str], dict[str, float]]:
    """Contenders whose output is right, an error for each one that raised or was wrong, and
    the time of one call of each contender (after the checked one), for the round budget."""
    contenders, problems, seconds = [], {}, {}
    for library in libraries:
        if library.unavailable(job) is not None:
            continue  # reported once at the top
        checked = contender(library, library.name, job, fixture)
        if checked.error is not None or checked.call is None:
            problems[library.name] = checked.error or "ERROR: not callable"
            continue
        try:
            start = time.perf_counter()
            checked.call()
            seconds[library.name] = time.perf_counter() - start
        except Exception as error:
            problems[library.name] = f"ERROR: {type(error).__name__}: {error}"
            continue
        contenders.append(checked)
    return contenders, problems, seconds


def budget_rounds(
    seconds: dict[str, float], rounds: int, sample_seconds: float, budget: float
) -> int:
    """``rounds``, or fewer (never under MIN_ROUNDS) when a round, one sample per contender
    (at least one call, so never shorter than the call), would not fit ``budget`` that often."""
    per_round = sum(max(sample_seconds, call) for call in seconds.values())
    if per_round * rounds <= budget:
        return rounds
    return max(MIN_ROUNDS, int(budget / per_round))


def describe(job: Job, fixture: Fixture) -> str:
    what = "encode (sign)" if job.op == ENCODE else "decode (verify; aud and iss checked)"
    return (
        f"### {job.name}: {what}, {ALGORITHM_NAMES[job.alg]}, "
        f"{FORM_NAMES[job.form]}; {len(fixture.claims)} claims, "
        f"a {len(fixture.token)}-byte token"
    )


def table(job: Job, fixture: Fixture, results: dict[str, Result]) -> list[str]:
    peers = [p for p in PEERS if p in results]
    lines = [describe(job, fixture), ""]
    columns = ["contender", "median", "IQR", *(f"vs {p}" for p in peers)]
    lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for name, result in results.items():
        if result.error is not None:
            cells = [name, result.error, *[""] * (len(columns) - 2)]
            lines.append("| " + " | ".join(cells) + " |")
            continue
        if len(result.per_call) >= 2:
            q1, q3 = result.quartiles()
            spread = f"{format_time(q1)} - {format_time(q3)}"
        else:
            spread = "n/a"
        ratios = [
            "-" if p == name else format_ratio(paired_ratio(results[p], result)) for p in peers
        ]
        lines.append("| " + " | ".join([name, format_time(result.median), spread, *ratios]) + " |")
    return [*lines, ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: fewer, shorter rounds")
    parser.add_argument("--json", help="write the environment and raw per-round samples here")
    parser.add_argument("--only", help="run only the workloads whose name contains this")
    args = parser.parse_args()
    rounds = 15 if args.quick else 25
    sample_seconds = 0.05 if args.quick else 0.1
    budget = 8.0 if args.quick else 40.0
    env = jwt_environment()
    libraries, notes = resolve_libraries()
    out = [
        "## JWT benchmark",
        "",
        "Environment: " + ", ".join(f"{k}={v}" for k, v in env.items()),
        "",
        f"{rounds} interleaved rounds per workload (fewer, at least {MIN_ROUNDS}, when they "
        f"would take over {budget:g} s), samples of about {sample_seconds * 1e3:g} ms "
        "(at least one call). Ratios: how many times faster the row is than the column's "
        "contender (median of per-round ratios [IQR]).",
        "",
        "Contenders: " + ", ".join(library.name for library in libraries),
        *notes,
        "",
    ]
    print("\n".join(out), flush=True)
    jobs = build_jobs()
    if args.only:
        jobs = [job for job in jobs if args.only in job.name]
    order = list(LIBRARIES.values())
    all_results: dict[str, dict[str, Result]] = {}
    raw: dict[str, Any] = {}
    errors: list[str] = []
    for job in jobs:
        fixture = job.fixture()  # keys generated on first use: before any timing
        contenders, problems, seconds = prepare(job, fixture, libraries)
        workload_rounds = budget_rounds(seconds, rounds, sample_seconds, budget)
        gc.collect()
        results = run(contenders, rounds=workload_rounds, sample_seconds=sample_seconds)
        results.update({name: Result(name, error=error) for name, error in problems.items()})
        results = {name: results[name] for name in order if name in results}
        all_results[job.name] = results
        errors += [f"- {job.name}, {r.name}: {r.error}" for r in results.values() if r.error]
        raw[job.name] = {
            "rounds": workload_rounds,
            "token_bytes": len(fixture.token),
            "samples": {name: r.per_call for name, r in results.items()},
            "errors": {name: r.error for name, r in results.items() if r.error},
        }
        lines = table(job, fixture, results)
        if workload_rounds < rounds:
            lines[1:1] = ["", f"{workload_rounds} rounds (the {budget:g} s budget)."]
        print("\n".join(lines), flush=True)
    lines, rows = summary(TARGETS, all_results)
    lines += [f"### Errors: {len(errors)}", "", *errors, ""] if errors else ["Errors: 0", ""]
    print("\n".join(lines))
    if args.json:
        settings = {
            "rounds": rounds,
            "min_rounds": MIN_ROUNDS,
            "sample_seconds": sample_seconds,
            "budget_seconds": budget,
            "quick": args.quick,
        }
        payload = {"environment": env, "settings": settings, "workloads": raw, "targets": rows}
        dump_json(args.json, payload)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
