"""``python -m covet_rust_core bench``: covet measured against its pure-Python twin and the
libraries people use today, on the user's own machine, from the installed package.

- ``interleave``: the runner (contenders timed round by round, in a rotating order).
- ``model``: workloads and contenders; ``*_workloads``: the workloads of each domain, also
  used by the pytest-benchmark suites and the per-domain scripts in the repository's
  ``benches/`` (one source of workload definitions).
- ``stats``, ``report``, ``plot``, ``cli``: statistics, tables, the chart, the command.

Nothing here is imported by ``import covet_rust_core``.
"""
