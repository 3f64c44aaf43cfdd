"""``python -m covet_rust_core bench``: covet native against its pure-Python twin and every
installed peer, on this machine, with the historical claims judged by the measurements.

Exit status: 0 done; 1 a contender raised or answered wrongly (counted and listed in the
report); 2 refused (a debug build without ``--allow-debug``) or bad arguments; 3
``--compare`` found covet slower than the baseline beyond the intervals.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from . import e2e, environment, report
from .interleave import Contender, Result, run
from .model import DOMAINS, Options, Workload

EXIT_OK, EXIT_ERRORS, EXIT_REFUSED, EXIT_REGRESSION = 0, 1, 2, 3

# Budgets: the whole run's target time, rounds per workload, and one sample's length.
QUICK = {"seconds": 60.0, "min_rounds": 5, "max_rounds": 31, "sample_seconds": 0.01}
FULL = {"seconds": 240.0, "min_rounds": 9, "max_rounds": 101, "sample_seconds": 0.02}

DOMAIN_MODULES = {domain: f"covet_rust_core.bench.{domain}_workloads" for domain in DOMAINS}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m covet_rust_core bench",
        description=(__doc__ or "").split("\n\n")[0].split(": ", 1)[1],
        epilog=(__doc__ or "").split("\n\n")[1],
    )
    p.add_argument("--quick", action="store_true", help="a ~1 minute run (fewer, shorter rounds)")
    p.add_argument("--seconds", type=float, help="the run's time budget (default 240, --quick 60)")
    p.add_argument(
        "--only",
        action="append",
        metavar="TEXT",
        help="only the workloads whose key (domain/name, e.g. json/api-loads) contains TEXT; "
        "repeatable",
    )
    p.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help="also the JSON documents twitter.json, citm_catalog.json and canada.json from DIR "
        "(benches/data in the repository)",
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="write the report with raw samples")
    p.add_argument("--markdown", type=Path, metavar="FILE", help="write the report as markdown")
    p.add_argument(
        "--plot", type=Path, metavar="FILE.png", help="draw the ratios (needs matplotlib)"
    )
    p.add_argument(
        "--compare",
        type=Path,
        metavar="BASELINE.json",
        help="report which workloads got slower than in this earlier --json report",
    )
    p.add_argument(
        "--tolerance",
        type=float,
        default=5.0,
        metavar="PERCENT",
        help="--compare: a change smaller than this is not reported, even beyond the "
        "intervals (default 5)",
    )
    p.add_argument(
        "--allow-debug",
        action="store_true",
        help="run even if the native extension is a debug build (the report says so loudly)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress display on stderr")
    return p


class ProgressDisplay:
    """One line per workload on stderr: redrawn in place on a terminal, printed once when
    done otherwise (logs and CI)."""

    def __init__(self, stream: TextIO, total: int, enabled: bool) -> None:
        self.stream, self.total, self.enabled = stream, total, enabled
        self.live = enabled and stream.isatty()
        self.index, self.key, self.started = 0, "", time.perf_counter()

    def start(self, index: int, key: str) -> None:
        self.index, self.key = index, key
        self._draw("preparing and checking")

    def rounds(self, done: int, planned: int) -> None:
        self._draw(f"round {done}/{planned}")

    def done(self, summary: str) -> None:
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.started
        line = f"[{self.index:>2}/{self.total}] {self.key}: {summary} ({elapsed:.0f} s)"
        self.stream.write(("\r\x1b[K" if self.live else "") + line + "\n")
        self.stream.flush()

    def _draw(self, what: str) -> None:
        if self.live:
            self.stream.write(f"\r\x1b[K[{self.index:>2}/{self.total}] {self.key}: {what}")
            self.stream.flush()


def load_workloads(options: Options, only: list[str] | None) -> list[Workload]:
    workloads: list[Workload] = []
    for domain in DOMAINS:
        module = importlib.import_module(DOMAIN_MODULES[domain])
        workloads += module.workloads(options)
    if only:
        workloads = [w for w in workloads if any(text in w.key for text in only)]
    return workloads


def measure(
    workload: Workload, budget: dict[str, float], seconds: float, display: ProgressDisplay
) -> report.Entry:
    """Prepare (inputs, contenders, output checks), time, and make the report entry. Only
    this workload's inputs are alive while it is timed; they are dropped on return."""
    started = time.perf_counter()
    gc.collect()
    contenders: list[Contender] = []
    results: dict[str, Result] = {}
    prepare_error = None
    try:
        contenders = workload.prepare()
    except Exception as error:  # reported and counted, never swallowed
        prepare_error = f"{type(error).__name__}: {error}"
    else:
        left = max(0.0, seconds - (time.perf_counter() - started))
        results = run(
            contenders,
            rounds=int(budget["min_rounds"]),
            sample_seconds=budget["sample_seconds"],
            seconds=left,
            max_rounds=int(budget["max_rounds"]),
            progress=display.rounds,
            collect=True,
        )
    elapsed = time.perf_counter() - started
    entry = report.workload_entry(
        workload, contenders, results, seconds=elapsed, prepare_error=prepare_error
    )
    display.done(_summary(entry))
    return entry


def _summary(entry: report.Entry) -> str:
    if entry["error"]:
        return f"ERROR {entry['error']}"
    failed = sum(bool(c["error"]) for c in entry["contenders"])
    fastest = [f"{name} {ratio['median']:.3g}x" for name, ratio in entry["vs_native"].items()]
    text = f"{entry['rounds']} rounds; native faster than " + ", ".join(
        fastest or ["nothing measured"]
    )
    return text + (f"; {failed} ERRORS" if failed else "")


def refusal(args: argparse.Namespace, env: dict[str, Any]) -> str | None:
    """Why the run must not start, or None. Checked before minutes of measuring."""
    if environment.is_debug_build(env) and not args.allow_debug:
        return (
            "REFUSED: the native extension is a DEBUG build "
            f"({env['covet']['native_build']['file']}); its numbers would say nothing about "
            "covet's speed.\nBuild a release (pip install . or maturin develop --release), or "
            "pass --allow-debug to measure it anyway (the report is then labelled DEBUG BUILD)."
        )
    if args.data is not None and not args.data.is_dir():
        return f"--data {args.data}: not a folder"
    if args.plot is not None:
        from . import plot  # noqa: PLC0415 - matplotlib is an optional extra

        try:
            plot.require_matplotlib()
        except plot.MissingMatplotlibError as error:
            return f"--plot: {error}"
    return None


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    env = environment.capture()
    baseline = None
    why = refusal(args, env)
    if why is None and args.compare is not None:
        try:
            baseline = json.loads(args.compare.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            why = f"--compare {args.compare}: {error}"
    if why is not None:
        print(f"covet_rust_core bench: {why}", file=sys.stderr)
        return EXIT_REFUSED
    budget = dict(QUICK if args.quick else FULL)
    if args.seconds is not None:
        budget["seconds"] = args.seconds
    try:
        workloads = load_workloads(Options(data_dir=args.data, quick=args.quick), args.only)
    except OSError as error:  # --data without the documents
        print(f"covet_rust_core bench: {error}", file=sys.stderr)
        return EXIT_REFUSED
    # The end-to-end section: in every run without --only, and with --only e2e.
    wants_e2e = not args.only or any(text in "e2e" or "e2e" in text for text in args.only)
    if not workloads and not wants_e2e:
        print(f"covet_rust_core bench: no workload matches {args.only}", file=sys.stderr)
        return EXIT_REFUSED
    if environment.is_debug_build(env):
        print("!!! DEBUG BUILD: these numbers say nothing about covet's speed", file=sys.stderr)
    elif environment.is_test_build(env):
        print(
            f"!!! a {env['covet']['native_build']['cargo_profile']} build (no LTO), not the "
            "release profile users get: for checking, not for quoting",
            file=sys.stderr,
        )

    display = ProgressDisplay(sys.stderr, len(workloads) + wants_e2e, not args.no_progress)
    started = time.perf_counter()
    entries = []
    for index, workload in enumerate(workloads, 1):
        # Each workload gets an equal share of what is left, so that a slow preparation
        # (key generation, a slow twin) shortens the ones after it, not the whole budget.
        left = budget["seconds"] - (time.perf_counter() - started)
        share = max(0.0, left / (len(workloads) - index + 1))
        display.start(index, workload.key)
        entries.append(measure(workload, budget, share, display))
    e2e_section = None
    if wants_e2e:
        display.start(len(workloads) + 1, "e2e")
        e2e_section = e2e.measure(quick=args.quick)
        display.done(e2e_section["unavailable"] or e2e_section["error"] or "servers measured")
    settings: dict[str, Any] = {
        **budget,
        "quick": args.quick,
        "elapsed": time.perf_counter() - started,
        "data": str(args.data) if args.data else None,
        "only": args.only,
        "argv": ["python", "-m", "covet_rust_core", "bench", *(argv or sys.argv[2:])],
    }
    result = report.build(env, settings, entries, e2e_section)
    if baseline is not None:
        try:
            result["comparison"] = report.compare(result, baseline, args.tolerance / 100)
        except (KeyError, TypeError, ValueError) as error:
            print(f"covet_rust_core bench: --compare {args.compare}: {error}", file=sys.stderr)
            return EXIT_REFUSED
    print(report.render(result, markdown=False))
    return write_outputs(result, args)


def write_outputs(result: report.Report, args: argparse.Namespace) -> int:
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    if args.markdown is not None:
        args.markdown.write_text(report.render(result, markdown=True), encoding="utf-8")
        print(f"wrote {args.markdown}")
    if args.plot is not None and result["workloads"]:
        from . import plot  # noqa: PLC0415 - matplotlib is an optional extra

        plot.draw(result, args.plot)
        print(f"wrote {args.plot}")
    elif args.plot is not None:
        print(f"--plot: nothing to plot (the chart shows workloads; {args.plot} not written)")
    if result["errors"]:
        return EXIT_ERRORS
    if result["comparison"] is not None and result["comparison"]["slower"]:
        return EXIT_REGRESSION
    return EXIT_OK
