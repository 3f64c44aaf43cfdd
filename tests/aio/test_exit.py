"""Interpreter exit with covet's aio threads about: never a crash.

A covet thread that took the GIL while `Py_FinalizeEx` ran was ended by CPython with
`pthread_exit`, whose forced unwind through Rust frames aborted the process (SIGABRT, exit
status 134) about half the time for a script that exited right after an RS256
`aio.jwt_encode`. The `atexit` hook in crates/covet-python/src/aio.rs now keeps covet's
threads out of the interpreter from exit on. Each scenario runs in fresh processes, several
times, because the failure depended on thread timing; a process must exit 0 every time.

Native only: the twin's awaitables are `asyncio.to_thread`, whose threads CPython joins. The
children force the native backend, so these run (and mean the same) under any
COVET_RUST_CORE_BACKEND.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.implementations import native
from tests.support.keys import material

RUNS_PER_SCENARIO = 10

SCENARIOS = {
    # The original report: one awaited RS256 signature, then exit.
    "exit_right_after_an_awaited_signature": """
async def main():
    await aio.jwt_encode({"a": 1}, PEM, algorithm="RS256")
""",
    # Work still running on covet's threads when asyncio.run cancels the tasks and returns.
    "exit_with_signatures_in_flight": """
async def main():
    tasks = [asyncio.ensure_future(aio.jwt_encode({"n": n}, PEM, algorithm="RS256"))
             for n in range(40)]
    await asyncio.sleep(0)
""",
    # Cancelled hashes of a bytearray: their buffer exports are released on covet threads.
    "exit_with_buffer_hashes_cancelled": """
async def main():
    data = bytearray(4 << 20)
    tasks = [asyncio.ensure_future(aio.blake3_digest(data)) for _ in range(20)]
    await asyncio.sleep(0)
    for task in tasks:
        task.cancel()
""",
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_process_exits_cleanly(scenario: str, tmp_path: Path) -> None:
    # The children run the native backend whatever this process runs; a missing build fails
    # here, with the reason, rather than in every child.
    native()
    pem = tmp_path / "key.pem"
    pem.write_text(material().rsa2048.private_pkcs8_pem)
    script = tmp_path / "exit.py"
    script.write_text(
        "import asyncio, sys\n"
        "from covet_rust_core import aio\n"
        "PEM = open(sys.argv[1]).read()\n"
        f"{SCENARIOS[scenario]}\n"
        "asyncio.run(main())\n"
    )
    env = {**os.environ, "COVET_RUST_CORE_BACKEND": "native"}
    statuses = []
    for _ in range(RUNS_PER_SCENARIO):
        done = subprocess.run(
            [sys.executable, str(script), str(pem)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert "Traceback" not in done.stderr, done.stderr
        statuses.append(done.returncode)
    assert statuses == [0] * RUNS_PER_SCENARIO
