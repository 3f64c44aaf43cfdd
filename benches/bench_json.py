"""JSON benchmark: covet (native and the pure-Python fallback) against the standard
library's json and orjson, interleaved in one process. Run from a release build:

    pip install ".[bench]" && python benches/bench_json.py [--quick] [--json FILE]

Workloads (covet_rust_core.bench.json_workloads, shared with ``python -m covet_rust_core
bench``): dumps and loads of twitter.json, citm_catalog.json and canada.json (benches/data/),
of a generated 300 KB API response and of a 165-byte API dict (per-call overhead); dumps
with indent=2 and dumps_str of twitter; dumps_str of the small dict. Every contender's output is
checked against the standard library's before anything is timed; a contender that raises
or disagrees is reported as an error (and the exit status is 1), never timed.

Prints a markdown table per workload (median time per call, its interquartile range, MB/s
and the ratio against each peer: the median of per-round ratios, [interquartile range]),
then covet native against the performance targets, each with its verdict.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
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
from covet_rust_core.bench.json_workloads import (
    DOCUMENTS,
    FALLBACK,
    LIBRARIES,
    MSGSPEC,
    ORJSON,
    SMALL,
    SSRJSON,
    STDLIB,
    Job,
    Library,
    build_workloads,
    contenders,
    describe,
    resolve,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

# The "vs" columns: how many times faster than the peer.
PEERS = [STDLIB, ORJSON, SSRJSON, MSGSPEC, FALLBACK]


LOADS_VS_STDLIB = {"twitter": 2.0, "citm_catalog": 2.0, "canada": 5.0}
TARGETS = [
    *(
        target
        for doc in DOCUMENTS
        for target in (
            Target(f"{doc}-dumps", STDLIB, 10.0),
            Target(f"{doc}-dumps", ORJSON, 1.0, floor=0.8),
        )
    ),
    *(
        target
        for doc in DOCUMENTS
        for target in (
            Target(f"{doc}-loads", STDLIB, LOADS_VS_STDLIB[doc]),
            Target(f"{doc}-loads", ORJSON, 1.0, floor=0.8),
        )
    ),
    Target(f"{SMALL}-dumps", ORJSON, 1.2, max_time_ratio=True),
    Target(f"{SMALL}-loads", ORJSON, 1.2, max_time_ratio=True),
]


def resolve_libraries() -> tuple[list[Library], list[str]]:
    """The available libraries, and one line for each one (or operation) left out."""
    libraries, notes = [], []
    for slug, name in LIBRARIES.items():
        library = resolve(slug)
        if isinstance(library, str):
            notes.append(f"- {name}: not available: {library}")
            continue
        libraries.append(library)
        notes += [f"- {name} {op}: not available: {why}" for op, why in library.missing.items()]
    return libraries, notes


def prepare(job: Job) -> tuple[list[Contender], dict[str, str]]:
    """Contenders whose output agrees, and an error for each one that raised or disagreed
    (the unavailable ones are left out: they are listed once at the top)."""
    ready, problems = [], {}
    for contender in contenders(job):
        if contender.error is not None:
            problems[contender.name] = contender.error
        elif contender.call is not None:
            ready.append(contender)
    return ready, problems


def table(job: Job, results: dict[str, Result]) -> list[str]:
    peers = [p for p in PEERS if p in results]
    lines = [f"### {job.name}: {describe(job)}", ""]
    columns = ["contender", "median", "IQR", "MB/s", *(f"vs {p}" for p in peers)]
    lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for name, result in results.items():
        if result.error is not None:
            cells = [name, result.error, *[""] * (len(columns) - 2)]
            lines.append("| " + " | ".join(cells) + " |")
            continue
        median = result.median
        if len(result.per_call) >= 2:
            q1, q3 = result.quartiles()
            spread = f"{format_time(q1)} - {format_time(q3)}"
        else:
            spread = "n/a"
        ratios = [
            "-" if p == name else format_ratio(paired_ratio(results[p], result)) for p in peers
        ]
        throughput = f"{job.nbytes / median / 1e6:.1f}"
        lines.append(
            "| " + " | ".join([name, format_time(median), spread, throughput, *ratios]) + " |"
        )
    return [*lines, ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: fewer, shorter rounds")
    parser.add_argument("--json", help="write the environment and raw per-round samples here")
    parser.add_argument("--only", help="run only the workloads whose name contains this")
    args = parser.parse_args()
    rounds = 5 if args.quick else 15
    sample_seconds = 0.02 if args.quick else 0.05
    env = environment()
    libraries, notes = resolve_libraries()
    out = [
        "## JSON benchmark",
        "",
        "Environment: " + ", ".join(f"{k}={v}" for k, v in env.items()),
        "",
        f"{rounds} interleaved rounds per workload, samples of about {sample_seconds * 1e3:g} ms "
        "(at least one call). Ratios: how many times faster the row is than the column's "
        "contender (median of per-round ratios [IQR]).",
        "",
        "Contenders: " + ", ".join(library.name for library in libraries),
        *notes,
        "",
    ]
    print("\n".join(out), flush=True)
    workloads = build_workloads(data_dir=DATA_DIR)
    if args.only:
        workloads = [w for w in workloads if args.only in w.name]
    order = list(LIBRARIES.values())
    all_results: dict[str, dict[str, Result]] = {}
    raw: dict[str, Any] = {}
    errors: list[str] = []
    for workload in workloads:
        ready, problems = prepare(workload)
        gc.collect()  # start from a clean heap: only this workload's payload is alive
        results = run(ready, rounds=rounds, sample_seconds=sample_seconds)
        results.update({name: Result(name, error=error) for name, error in problems.items()})
        results = {name: results[name] for name in order if name in results}
        all_results[workload.name] = results
        errors += [f"- {workload.name}, {r.name}: {r.error}" for r in results.values() if r.error]
        raw[workload.name] = {
            "nbytes": workload.nbytes,
            "samples": {name: r.per_call for name, r in results.items()},
            "errors": {name: r.error for name, r in results.items() if r.error},
        }
        print("\n".join(table(workload, results)), flush=True)
        del ready  # and with them the payload
    lines, rows = summary(TARGETS, all_results)
    lines += [f"### Errors: {len(errors)}", "", *errors, ""] if errors else ["Errors: 0", ""]
    print("\n".join(lines))
    if args.json:
        settings = {"rounds": rounds, "sample_seconds": sample_seconds, "quick": args.quick}
        payload = {"environment": env, "settings": settings, "workloads": raw, "targets": rows}
        dump_json(args.json, payload)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
