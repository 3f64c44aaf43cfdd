"""String-helper benchmark: covet (native and the pure-Python twin) against the library each
helper matches (markupsafe, python-slugify, pyhumps, urllib.parse, re, werkzeug), interleaved
in one process. Run from a release build:

    pip install ".[bench]" && python benches/bench_strings.py [--quick] [--json FILE]

Workloads (python/covet_rust_core/bench/strings_workloads.py, the bench command's own):
escape_html of 10 KB of HTML-ish text (~5% to escape), of 10 KB with nothing to escape and
of 48 bytes; slugify of a 60-character unicode title and a 60-character ASCII one;
to_snake_keys / to_camel_keys of a 50-key API response; quote of a 200-character path,
unquote of its quoted form, parse_qsl of a 20-pair query string, urlencode of 20 pairs;
multi_replace of 20 patterns (spellings; placeholders) on 10 KB (per call, and with a
Replacer prepared once); secure_filename of an upload's name.
Every contender's output is checked against the anchor's (``str()`` of markupsafe's
``Markup``) before anything is timed; a contender that raises or disagrees is reported as an
error (and the exit status is 1), never timed. A contender that does not exist yet is
reported as not available.

Prints a markdown table per workload (median time per call, its interquartile range, and how
many times faster the row is than the anchor and than its twin: the median of per-round
ratios [interquartile range]), then covet native against the performance targets, each with
its verdict.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
from importlib import metadata
from typing import Any

from covet_rust_core.bench.interleave import (
    NATIVE,
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
from covet_rust_core.bench.strings_workloads import (
    JOBS,
    REPLACER,
    Entry,
    Job,
    NoReference,
    contender,
    entries,
    expected,
    markupsafe_speedups,
    slugify_transliterator,
)

TARGETS = [
    Target("escape_html-10KB", "markupsafe", 1.0),
    Target("escape_html-10KB-clean", "markupsafe", 2.0),
    Target("escape_html-48B", "markupsafe", 1.0),
    Target("slugify-unicode", "python-slugify", 15.0),
    Target("slugify-ascii", "python-slugify", 15.0),
    Target("to_snake_keys-50", "pyhumps", 15.0),
    Target("quote-200", "urllib.parse", 3.0),
    Target("unquote-200", "urllib.parse", 3.0),
    Target("parse_qsl-20", "urllib.parse", 3.0),
    Target("urlencode-20", "urllib.parse", 3.0),
    *(
        Target(f"multi_replace-{kind}{variant}", "re.sub", 3.0)
        for kind in ("words", "placeholders")
        for variant in ("", f" {REPLACER}")
    ),
    Target("secure_filename", "werkzeug", 3.0),
]

ANCHOR_PACKAGES = ("markupsafe", "python-slugify", "text-unidecode", "Unidecode", "pyhumps")


def strings_environment() -> dict[str, Any]:
    """interleave's environment, plus the anchors' versions and how they run."""
    env = environment()
    for package in (*ANCHOR_PACKAGES, "werkzeug"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            env["versions"][package] = metadata.version(package)
    env["markupsafe_escape"] = markupsafe_speedups()
    env["slugify_transliterator"] = slugify_transliterator()
    return env


def prepare(job: Job, available: list[Entry]) -> tuple[list[Contender], dict[str, str]]:
    """Contenders whose output is the anchor's, and an error for each one that raised while
    being bound or called, or returned something else."""
    contenders, problems = [], {}
    for item in available:
        checked = contender(item, job, job.inputs(), expected(job.name))
        if checked.error is not None:
            problems[item.name] = checked.error
        else:
            contenders.append(checked)
    return contenders, problems


def table(job: Job, items: list[Entry], results: dict[str, Result]) -> list[str]:
    lines = [f"### {job.name}: {job.describe()}; {job.inputs().size}", ""]
    anchor = job.anchor
    columns = ["contender", "median", "IQR", f"vs {anchor}", "vs twin"]
    lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    twins = {item.name: item.twin for item in items}
    for name, result in results.items():
        if result.error is not None:
            lines.append("| " + " | ".join([name, result.error, "", "", ""]) + " |")
            continue
        if len(result.per_call) >= 2:
            q1, q3 = result.quartiles()
            spread = f"{format_time(q1)} - {format_time(q3)}"
        else:
            spread = "n/a"
        twin = twins.get(name)
        cells = [
            name,
            format_time(result.median),
            spread,
            "-" if name == anchor else _ratio(results, anchor, result),
            "-" if twin is None else _ratio(results, twin, result),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    missing = [f"{item.name} ({item.reason})" for item in items if item.reason is not None]
    if missing:
        lines += ["", "Not available: " + "; ".join(missing) + "."]
    return [*lines, ""]


def _ratio(results: dict[str, Result], peer: str, result: Result) -> str:
    other = results.get(peer)
    return "n/a" if other is None else format_ratio(paired_ratio(other, result))


def target_views(job: Job, results: dict[str, Result]) -> dict[str, dict[str, Result]]:
    """Results as the targets see them: the job itself (covet native is its
    ``covet native`` row), and for each variant (Replacer) a view named ``{job}
    {variant}`` where covet native is that variant's row."""
    views = {job.name: results}
    for variant in job.variants:
        if variant:
            view = {}
            if f"{NATIVE} {variant}" in results:
                view[NATIVE] = results[f"{NATIVE} {variant}"]
            if job.anchor in results:
                view[job.anchor] = results[job.anchor]
            views[f"{job.name} {variant}"] = view
    return views


def not_available(jobs: list[Job]) -> list[str]:
    """One line per contender left out of some job: the functions it lacks, or why."""
    absent: dict[str, list[str]] = {}
    other: list[str] = []
    for job in jobs:
        for item in entries(job):
            if item.absent is not None:
                names = absent.setdefault(item.name, [])
                if item.absent not in names:
                    names.append(item.absent)
            elif item.reason is not None:
                line = f"- {item.name}: not available: {item.reason}"
                if line not in other:
                    other.append(line)
    lines = [f"- {name}: not available yet: {', '.join(names)}" for name, names in absent.items()]
    return lines + other


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: ~1 minute")
    parser.add_argument("--json", help="write the environment and raw per-round samples here")
    parser.add_argument("--only", help="run only the workloads whose name contains this")
    args = parser.parse_args()
    rounds = 15 if args.quick else 25
    sample_seconds = 0.08 if args.quick else 0.2
    env = strings_environment()
    jobs = [job for job in JOBS if not args.only or args.only in job.name]
    unavailable = not_available(jobs)
    out = [
        "## String helpers benchmark",
        "",
        "Environment: " + ", ".join(f"{k}={v}" for k, v in env.items()),
        "",
        f"{rounds} interleaved rounds per workload, samples of about "
        f"{sample_seconds * 1e3:g} ms. Ratios: how many times faster the row is than the "
        "anchor, and than its twin (covet fallback, the same variant): the median of "
        "per-round ratios [IQR]. markupsafe returns a Markup, covet a str: both hold the "
        "same escaped text, which is what is compared.",
        "",
        *unavailable,
        "",
    ]
    print("\n".join(out), flush=True)
    all_results: dict[str, dict[str, Result]] = {}
    raw: dict[str, Any] = {}
    errors: list[str] = []
    for job in jobs:
        items = entries(job)
        try:
            reference = expected(job.name)
        except Exception as error:  # the anchor itself fails: nothing can be checked
            errors.append(f"- {job.name}, {job.anchor}: {type(error).__name__}: {error}")
            print(f"### {job.name}: not run: the anchor raised {error!r}\n", flush=True)
            raw[job.name] = {"error": f"{type(error).__name__}: {error}"}
            continue
        if isinstance(reference, NoReference):
            print(f"### {job.name}: not run: {reference.reason}\n", flush=True)
            raw[job.name] = {"skipped": reference.reason}
            continue
        available = [item for item in items if item.bind is not None]
        contenders, problems = prepare(job, available)
        gc.collect()
        results = run(contenders, rounds=rounds, sample_seconds=sample_seconds)
        results.update({name: Result(name, error=error) for name, error in problems.items()})
        results = {item.name: results[item.name] for item in available if item.name in results}
        all_results.update(target_views(job, results))
        errors += [f"- {job.name}, {r.name}: {r.error}" for r in results.values() if r.error]
        raw[job.name] = {
            "input": job.inputs().size,
            "samples": {name: r.per_call for name, r in results.items()},
            "errors": {name: r.error for name, r in results.items() if r.error},
            "unavailable": {item.name: item.reason for item in items if item.reason},
        }
        print("\n".join(table(job, items, results)), flush=True)
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
