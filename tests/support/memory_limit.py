"""Runs a snippet in a child interpreter whose address space is capped (RLIMIT_AS), so that a
call whose buffers follow its input can be shown to raise MemoryError instead of aborting
the process ("memory allocation of N bytes failed", SIGABRT) or being killed.

The child imports the backend first and caps its address space after, so that importing
(the extension, its runtime, CPython's own start-up) is not what runs out. The snippet sees
the backend as ``M`` (``covet_rust_core._native`` or ``covet_rust_core.fallback``) and reports
what happened by printing one line; ``outcome()`` returns that line, and fails the test with
the child's exit status and stderr when it died instead.

The cap is either absolute (``limit``) or ``headroom`` bytes above what the child uses once
``setup`` has run: build the input in ``setup`` so that the call under test, not the making
of its input, is what meets the limit. The snippet runs on a thread of its own, whose stack
is mapped whole before the cap is set (see ``_PRELUDE``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from types import ModuleType

import pytest

from tests.support.asan import REASON as UNDER_ASAN_REASON
from tests.support.asan import UNDER_ASAN

# Enough for the interpreter, the extension and a few hundred MiB of input; the calls under
# test ask for more than is left. (docs/RELIABILITY.md quotes `ulimit -v 1500000`.)
DEFAULT_LIMIT = 1_500_000 * 1024
# The stack of the thread that runs the snippet (mapped whole, within the limit).
SNIPPET_STACK = 16 << 20

_PRELUDE = """
import importlib, os, resource, sys, threading, traceback
M = importlib.import_module({module!r})
import covet_rust_core.aio, covet_rust_core.jwt, covet_rust_core.strings, covet_rust_core.hashing
{setup}


def report(call):
    # The line is printed once the exception (and the frames its traceback holds, which
    # may hold most of the memory) is gone: printing inside the handler can itself run out.
    try:
        result = call()
    except MemoryError:
        line = "MemoryError"
    except Exception as error:
        line = type(error).__name__ + " " + str(error)[:200]
    else:
        line = "ok " + type(result).__name__
        del result
    print(line, flush=True)


def limited():
    try:
        limit = {limit}
        if {headroom} is not None:
            with open("/proc/self/status") as status:
                used = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
            limit = used * 1024 + {headroom}
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        exec(compile(SNIPPET, "<snippet>", "exec"), globals())
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)


SNIPPET = {snippet!r}
# The snippet runs on a thread whose whole stack is mapped before the limit is set. Under
# RLIMIT_AS the main thread's stack cannot grow once the address space is used up: a deep C
# recursion that is well within the stack's size (CPython 3.14 freeing a long chain of
# dicts after a MemoryError) then dies of SIGSEGV, in CPython, whatever the code under test.
threading.stack_size({stack_size})
worker = threading.Thread(target=limited)
worker.start()
worker.join()
"""


def outcome(
    module: ModuleType,
    snippet: str,
    limit: int = DEFAULT_LIMIT,
    *,
    setup: str = "",
    headroom: int | None = None,
) -> str:
    """What ``snippet`` printed (last line), run with ``M`` = ``module`` under ``limit``
    bytes of address space, or ``headroom`` bytes more than the child uses after ``setup``.
    A child killed by a signal or an abort fails the test."""
    if not sys.platform.startswith("linux"):
        pytest.skip("RLIMIT_AS is enforced as documented on Linux only")
    if UNDER_ASAN:
        pytest.skip(f"RLIMIT_AS: {UNDER_ASAN_REASON}")
    code = _PRELUDE.format(
        module=module.__name__,
        # An absolute limit is what the snippet has besides its thread's stack.
        limit=limit + SNIPPET_STACK,
        setup=textwrap.dedent(setup),
        headroom=headroom,
        snippet=textwrap.dedent(snippet),
        stack_size=SNIPPET_STACK,
    )
    env = dict(os.environ)
    # The child must not start with a fallback warning turned into an error, nor print one.
    env["COVET_RUST_CORE_BACKEND"] = "auto"
    # One malloc arena: glibc gives a new thread an arena of its own, a 64 MiB reservation
    # that would count against the limit as if the snippet ran on the main thread.
    env["MALLOC_ARENA_MAX"] = "1"
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", code],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        pytest.fail(
            f"the child exited with status {done.returncode} (negative: killed by that "
            f"signal) instead of reporting:\nstdout: {done.stdout[-2000:]}\n"
            f"stderr: {done.stderr[-4000:]}",
            pytrace=False,
        )
    return done.stdout.strip().splitlines()[-1]
