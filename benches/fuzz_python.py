"""The long profile of tests/contract/test_fuzz.py, for a bounded time: every property
(native against the pure-Python twin, on hostile input) runs for its share of the minutes
given, and the runner prints, per property, the examples run and the failures found.

    python benches/fuzz_python.py --minutes 10 [--properties test_fuzz_loads,...] [--json FILE]

Each property runs in a child process of its own, so a crash (the native side taking the
process down) is reported as that property's crash and the others still run. In the child,
hypothesis runs the property again and again (``--chunk`` examples a run, the long
profile's settings otherwise, no example database: every run starts from a new random
seed) until the property's time is up; a failing run is counted, its minimal example
printed, and the search goes on. Examples counts every call of the property, shrinking
included.

Exit status: 0 when no property failed or crashed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROFILE_ENV = "COVET_FUZZ_PROFILE"
# Failures reported in full per property; the rest are counted.
KEPT_FAILURES = 5


@dataclass
class Outcome:
    name: str
    seconds: float = 0.0
    runs: int = 0
    examples: int = 0
    failures: int = 0
    crashed: str | None = None
    messages: list[str] = field(default_factory=list)


def described(error: BaseException) -> list[str]:
    """Each failure in ``error`` (hypothesis raises a group for distinct failures), with its
    notes: the failing example."""
    inner = getattr(error, "exceptions", None)  # an exception group
    if isinstance(inner, tuple):
        return [text for exception in inner for text in described(exception)]
    if isinstance(error, AssertionError):
        # The notes hold the failing example.
        return ["".join(traceback.format_exception_only(type(error), error))[-4000:]]
    # Anything else went wrong in the harness or hypothesis: where matters.
    return ["".join(traceback.format_exception(error))[-4000:]]


def child(name: str, seconds: float, chunk: int) -> Outcome:
    """Runs property ``name`` for ``seconds`` in this process (the long profile)."""
    os.environ[PROFILE_ENV] = "long"
    sys.path.insert(0, str(ROOT))
    # Imported here, after the profile is chosen (the module reads it at import).
    from hypothesis import given, settings  # noqa: PLC0415

    from tests.contract import test_fuzz as fuzz  # noqa: PLC0415

    prop = fuzz.PROPERTIES[name]
    outcome = Outcome(name)
    calls = [0]

    def counted(case: Any) -> None:
        calls[0] += 1
        prop.check(case)

    test = settings(fuzz.SETTINGS, max_examples=chunk, database=None, print_blob=True)(
        given(prop.strategy)(counted)
    )
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        outcome.runs += 1
        try:
            test()
        except Exception as error:
            outcome.failures += 1
            if len(outcome.messages) < KEPT_FAILURES:
                outcome.messages.extend(described(error)[: KEPT_FAILURES - len(outcome.messages)])
    outcome.seconds = time.monotonic() - start
    outcome.examples = calls[0]
    return outcome


def run_child(name: str, seconds: float, chunk: int) -> Outcome:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        name,
        "--seconds",
        str(seconds),
        "--chunk",
        str(chunk),
    ]
    env = {**os.environ, PROFILE_ENV: "long"}
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode == 0 and lines:
        return Outcome(**json.loads(lines[-1]))
    if done.returncode < 0:
        reason = f"killed by {signal.Signals(-done.returncode).name}"
    else:
        reason = f"exit status {done.returncode}"
    return Outcome(
        name,
        seconds=time.monotonic() - start,
        crashed=f"{reason}\n{done.stderr[-4000:]}",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="total time (default 10)")
    parser.add_argument("--properties", help="comma-separated property names (default: all)")
    parser.add_argument("--chunk", type=int, default=300, help="examples per hypothesis run")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(asdict(child(args.child, args.seconds, args.chunk))))
        return 0

    os.environ[PROFILE_ENV] = "long"
    sys.path.insert(0, str(ROOT))
    from tests.contract.test_fuzz import PROPERTIES  # noqa: PLC0415 - after the profile

    names = args.properties.split(",") if args.properties else list(PROPERTIES)
    unknown = sorted(set(names) - set(PROPERTIES))
    if unknown:
        parser.error(f"unknown properties {unknown}; known: {', '.join(PROPERTIES)}")
    share = args.minutes * 60 / len(names)
    print(
        f"long fuzz profile: {len(names)} properties, {share:.0f} s each, "
        f"{args.chunk} examples per hypothesis run"
    )
    outcomes = []
    for name in names:
        outcome = run_child(name, share, args.chunk)
        outcomes.append(outcome)
        state = "CRASHED" if outcome.crashed else f"{outcome.failures} failures"
        print(
            f"  {name:28} {outcome.examples:>9,} examples  {outcome.runs:>5} runs  "
            f"{outcome.seconds:6.0f} s  {state}",
            flush=True,
        )
        for message in outcome.messages:
            print("    " + message.replace("\n", "\n    "))
        if outcome.crashed:
            print("    " + outcome.crashed.replace("\n", "\n    "))

    total = sum(outcome.examples for outcome in outcomes)
    failures = sum(outcome.failures for outcome in outcomes)
    crashes = sum(outcome.crashed is not None for outcome in outcomes)
    print(f"total: {total:,} examples, {failures} failures, {crashes} crashes")
    if args.json:
        args.json.write_text(json.dumps([asdict(outcome) for outcome in outcomes], indent=2))
    return 1 if failures or crashes else 0


if __name__ == "__main__":
    sys.exit(main())
