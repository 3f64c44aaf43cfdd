"""``python -m covet_rust_core bench``: its statistics, verdicts, comparison, refusals and
outputs. Correctness only: no test here looks at how fast anything was (the command itself
measures; CI runs it once as a smoke)."""

from __future__ import annotations

import gc
import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from covet_rust_core import __main__ as doctor
from covet_rust_core.bench import cli, e2e, environment, interleave, json_workloads, report, stats
from covet_rust_core.bench.interleave import Contender, Result, run
from covet_rust_core.bench.model import DOMAINS, FALLBACK, NATIVE, Options, Workload

# Statistics.


def test_median_interval_holds_the_median_and_is_reproducible() -> None:
    values = [1.0, 1.2, 0.9, 1.1, 5.0, 1.0, 0.95, 1.05, 1.3]
    first = stats.median_interval(values, "label")
    assert first.median == 1.05
    assert first.lo <= first.median <= first.hi
    assert first.n == len(values)
    assert stats.median_interval(values, "label") == first  # seeded from the label
    assert first.hi < 5.0  # one outlier round does not drag the median's interval


def test_constant_ratio_has_a_zero_width_interval() -> None:
    slow, fast = [2.0, 4.0, 6.0, 8.0], [1.0, 2.0, 3.0, 4.0]
    estimate = stats.ratio_interval(slow, fast, "x")
    assert estimate == stats.Estimate(2.0, 2.0, 2.0, 4)
    assert stats.ratio_interval([], [], "x") is None


def test_ratios_are_paired_by_round() -> None:
    # Round-to-round drift hits both contenders alike: per-round ratios cancel it.
    slow = [10.0, 20.0, 40.0]
    fast = [1.0, 2.0, 4.0]
    assert stats.paired_ratios(slow, fast) == [10.0, 10.0, 10.0]


def test_geomean_interval() -> None:
    estimate = stats.geomean_interval([[2.0, 2.0, 2.0], [8.0, 8.0, 8.0], []], "g")
    assert estimate is not None
    assert estimate.median == pytest.approx(4.0)
    assert estimate.lo == pytest.approx(4.0)
    assert estimate.n == 2  # the empty set is not a workload
    assert stats.geomean_interval([], "g") is None


def test_versus() -> None:
    assert stats.versus(stats.Estimate(20, 16, 24, 9), 15) == "above"
    assert stats.versus(stats.Estimate(10, 8, 12, 9), 15) == "below"
    assert stats.versus(stats.Estimate(15, 14, 16, 9), 15) == "overlaps"


def test_quartiles_of_one_value_and_of_none() -> None:
    assert stats.quartiles([3.0]) == (3.0, 3.0, 3.0)
    with pytest.raises(ValueError, match="no values"):
        stats.quartiles([])


# The runner.


def test_run_times_only_contenders_that_can_run_and_reports_a_failure() -> None:
    calls = {"flaky": 0}

    def flaky() -> None:
        calls["flaky"] += 1
        if calls["flaky"] > 3:
            raise RuntimeError("broke in round 2")

    contenders = [
        Contender("ok", lambda: None, "native"),
        Contender("flaky", flaky),
        Contender("absent", None, unavailable="not installed"),
        Contender("wrong", None, error="MISMATCH: no"),
    ]
    done: list[tuple[int, int]] = []
    results = run(contenders, rounds=3, sample_seconds=1e-4, progress=lambda *a: done.append(a))
    assert set(results) == {"ok", "flaky"}
    assert len(results["ok"].per_call) == 3
    assert results["ok"].calls_per_sample >= 1
    assert results["ok"].warmup_calls >= 2  # the first call, then calibration
    assert results["flaky"].error == "RuntimeError: broke in round 2"
    assert done == [(1, 3), (2, 3), (3, 3)]


def test_collector_runs_are_counted_per_contender_and_sample(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each sample records the collector runs counted during its timed calls, and only
    those: the contender that runs them gets them, not the next one, and a cold contender's
    argument making is not counted. A stand-in counter that only the contenders advance:
    the real collector can be run by any thread of the test process."""
    runs = [0]

    def collect(*_: object) -> None:
        runs[0] += 1

    monkeypatch.setattr(interleave, "_collections", lambda: runs[0])
    contenders = [Contender("collects", collect, "native"), Contender("idle", lambda: None)]
    results = run(contenders, rounds=3, sample_seconds=1e-4)
    collects, idle = results["collects"], results["idle"]
    assert len(collects.per_call) == 3
    assert collects.collections == [collects.calls_per_sample] * 3
    assert idle.collections == [0, 0, 0]
    entry = report.contender_entry(contenders[0], collects)
    assert entry["collections"] == collects.collections
    assert entry["collections_per_call"] == 1
    # A cold contender's fresh arguments are made before the count starts, as before the
    # clock does: a collection there is not the contender's.
    made_by_setup = Contender("cold", collect, fresh=collect, call_with=lambda _: None)
    assert run([made_by_setup], rounds=2, sample_seconds=1e-4)["cold"].collections == [0, 0]


def test_the_collector_count_follows_the_collector() -> None:
    """The real counter: a collection raises it (it never falls, whatever else runs)."""
    before = interleave._collections()
    gc.collect()
    assert interleave._collections() > before


def test_a_cold_contender_gets_a_fresh_argument_for_every_call() -> None:
    """Cold: ``fresh`` makes one argument per timed call, never shared between calls, and a
    batch holds at most COLD_MAX_BATCH of them."""
    made: list[object] = []
    given: list[object] = []

    def fresh() -> object:
        made.append(object())
        return made[-1]

    cold = Contender("cold", lambda: given.append(fresh()), fresh=fresh, call_with=given.append)
    results = run([cold], rounds=4, sample_seconds=1.0)
    result = results["cold"]
    assert result.error is None
    assert 1 <= result.calls_per_sample <= interleave.COLD_MAX_BATCH
    assert len(result.per_call) == 4
    assert len(given) == result.warmup_calls + 4 * result.calls_per_sample
    assert len({id(argument) for argument in given}) == len(given)  # all kept alive: distinct
    assert given == made


def test_json_cold_and_sorted_workloads_check_their_contenders() -> None:
    """The cold dumps contenders parse the document anew for each call; a sort_keys output
    whose keys are out of order is a mismatch."""
    jobs = {
        job.op: job
        for job in json_workloads.build_workloads(
            (json_workloads.SMALL,), extras=((json_workloads.DUMPS_SORTED, "small"),), cold=True
        )
    }
    cold = json_workloads.contenders(jobs[json_workloads.DUMPS_COLD])
    native = next(c for c in cold if c.name == json_workloads.NATIVE)
    assert native.error is None, native.error
    assert native.fresh is not None
    assert native.call_with is not None
    first, second = native.fresh(), native.fresh()
    assert first == second
    assert first is not second
    sorted_job = jobs[json_workloads.DUMPS_SORTED]
    reference = sorted_job.reference()
    assert json_workloads.check(sorted_job, b'{"b":1,"a":2}', {"b": 1, "a": 2}) == (
        "sort_keys output has an object whose keys are not in sorted order"
    )
    assert (
        json_workloads.check(sorted_job, json_workloads.compact(reference), reference) is not None
    )
    assert (
        json_workloads.check(
            sorted_job,
            json.dumps(reference, sort_keys=True, separators=(",", ":")).encode(),
            reference,
        )
        is None
    )


def test_run_with_a_budget_keeps_the_minimum_and_the_maximum() -> None:
    fast = [Contender("a", lambda: None), Contender("b", lambda: None)]
    few = run(fast, rounds=4, sample_seconds=1e-4, seconds=0.0, max_rounds=50)
    assert len(few["a"].per_call) == 4  # no time left: the minimum
    # A budget no machine load can use up (10 s could, in principle, on a starved core).
    many = run(fast, rounds=4, sample_seconds=1e-4, seconds=1e9, max_rounds=7)
    assert len(many["a"].per_call) == 7  # plenty of time: the maximum


# Reports from synthetic measurements.


def _workload(domain: str, name: str, baseline: str = "usual") -> Workload:
    return Workload(domain, name, f"{name} of something", 1000, baseline, list)


def _entry(
    domain: str, name: str, times: dict[str, list[float]], *, baseline: str = "usual"
) -> report.Entry:
    kinds = {NATIVE: "native", FALLBACK: "fallback"}
    contenders = [Contender(n, lambda: None, kinds.get(n, "peer")) for n in times]
    results = {n: Result(n, per_call=list(t), calls_per_sample=1) for n, t in times.items()}
    return report.workload_entry(
        _workload(domain, name, baseline), contenders, results, seconds=1.0
    )


def _claim(rows: list[dict[str, Any]], domain: str, reference: str) -> dict[str, Any]:
    return next(r for r in rows if r["domain"] == domain and r["reference"] == reference)


def test_claim_verdicts() -> None:
    native = [1.0] * 9
    entries = [
        # hashing claims 15-20x: 30x against the twin is met, 2x against the usual missed.
        _entry("hashing", "a", {NATIVE: native, FALLBACK: [30.0] * 9, "usual": [2.0] * 9}),
        # JSON claims 7-8x: rounds spread across 7 are inconclusive.
        _entry(
            "json",
            "b",
            {NATIVE: native, FALLBACK: [4, 5, 6, 7, 8, 9, 10, 6.5, 7.5], "usual": [1.0] * 9},
        ),
    ]
    rows = report.claim_rows(entries)
    assert len(rows) == 2 * len(report.CLAIMS)
    met = _claim(rows, "hashing", report.TWIN)
    assert met["verdict"] == "met"
    assert met["measured"]["median"] == pytest.approx(30.0)
    assert met["workloads"] == ["a"]
    assert _claim(rows, "hashing", report.USUAL)["verdict"] == "not met"
    assert _claim(rows, "hashing", report.USUAL)["reference_label"].endswith(": usual")
    assert _claim(rows, "json", report.TWIN)["verdict"] == "inconclusive"
    assert _claim(rows, "jwt", report.TWIN)["verdict"] == "not measured"


def test_a_claim_leaves_out_what_was_not_timed_and_says_why() -> None:
    contenders = [
        Contender(NATIVE, lambda: None, "native"),
        Contender(FALLBACK, None, "fallback", unavailable="too slow at 64 MiB"),
        Contender("usual", lambda: None),
    ]
    results = {n: Result(n, per_call=[1.0, 1.0, 1.0]) for n in (NATIVE, "usual")}
    entry = report.workload_entry(_workload("hashing", "big"), contenders, results, seconds=1.0)
    row = _claim(report.claim_rows([entry]), "hashing", report.TWIN)
    assert row["verdict"] == "not measured"
    assert row["left_out"] == ["big: covet fallback not timed (too slow at 64 MiB)"]


def test_peer_table_picks_the_fastest_peer() -> None:
    native = [1.0] * 7
    entries = [
        _entry(
            "json",
            "fast",
            {NATIVE: native, FALLBACK: [9.0] * 7, "slow": [5.0] * 7, "quick": [2.0] * 7},
        ),
        _entry("json", "slower", {NATIVE: native, "rival": [0.5] * 7}),
        _entry("json", "tie", {NATIVE: [1, 2, 1, 2, 1, 2, 1], "rival": [2, 1, 2, 1, 2, 1, 1]}),
        # Beyond the interval, but by 2%: no difference anyone would act on.
        _entry("json", "close", {NATIVE: native, "rival": [1.02] * 7}),
        _entry("json", "alone", {NATIVE: native, FALLBACK: [9.0] * 7}),
    ]
    rows = {r["name"]: r for r in report.peer_rows(entries)}
    assert rows["fast"]["best"] == "quick"  # the twin is not a peer
    assert rows["fast"]["verdict"] == "faster"
    assert rows["fast"]["ratio"]["median"] == pytest.approx(2.0)
    assert rows["slower"]["verdict"] == "slower"
    assert rows["tie"]["verdict"] == "on par"
    assert rows["close"]["verdict"] == "on par"
    assert rows["alone"]["verdict"] == "not measured"


def _report(entries: list[report.Entry]) -> report.Report:
    return report.build(environment.capture(), {"quick": True}, entries)


def test_errors_are_counted_and_listed() -> None:
    contenders = [
        Contender(NATIVE, lambda: None, "native"),
        Contender("liar", None, error="MISMATCH: returned 'x', expected 'y'"),
    ]
    entry = report.workload_entry(
        _workload("strings", "w"),
        contenders,
        {NATIVE: Result(NATIVE, [1.0])},
        seconds=1.0,
    )
    broken = report.workload_entry(
        _workload("jwt", "k"), [], {}, seconds=0.1, prepare_error="OSError: no keys"
    )
    result = _report([entry, broken])
    assert result["errors"] == [
        "strings/w, liar: MISMATCH: returned 'x', expected 'y'",
        "jwt/k: OSError: no keys",
    ]


def test_compare_reports_slower_beyond_the_intervals_and_the_tolerance() -> None:
    before = _report(
        [
            _entry("json", "same", {NATIVE: [1.0, 1.01, 0.99] * 3, "usual": [5.0] * 9}),
            _entry("json", "worse", {NATIVE: [1.0, 1.01, 0.99] * 3, "usual": [5.0] * 9}),
            _entry("json", "a-bit", {NATIVE: [1.0] * 9, "usual": [5.0] * 9}),
            _entry("json", "gone", {NATIVE: [1.0] * 9}),
        ]
    )
    now = _report(
        [
            _entry("json", "same", {NATIVE: [1.0, 1.02, 0.98] * 3, "usual": [5.0] * 9}),
            _entry("json", "worse", {NATIVE: [2.0, 2.02, 1.98] * 3, "usual": [5.0] * 9}),
            _entry("json", "a-bit", {NATIVE: [1.03] * 9, "usual": [5.0] * 9}),
        ]
    )
    comparison = report.compare(now, json.loads(json.dumps(before)), tolerance=0.05)
    verdicts = {r["key"]: (r["verdict"], r["relative_verdict"]) for r in comparison["rows"]}
    assert verdicts == {
        "json/same": ("unchanged", "unchanged"),
        "json/worse": ("slower", "slower"),
        "json/a-bit": ("unchanged", "unchanged"),  # beyond the intervals, within 5%
    }
    assert comparison["slower"] == ["json/worse (covet native)"]
    assert comparison["not_in_this_run"] == ["json/gone"]
    with pytest.raises(ValueError, match="schema"):
        report.compare(now, {"schema": "something else"})


# The settings of a quick run, as the report's method section reads them.
RENDER_SETTINGS: dict[str, Any] = {
    "seconds": 60.0,
    "quick": True,
    "elapsed": 61.0,
    "min_rounds": 5,
    "max_rounds": 15,
    "sample_seconds": 0.01,
}


def test_render_carries_every_section_and_the_debug_banner() -> None:
    result = _report([_entry("hashing", "a", {NATIVE: [1.0] * 3, FALLBACK: [40.0] * 3})])
    result["settings"] = dict(RENDER_SETTINGS)
    for markdown in (False, True):
        text = report.render(result, markdown=markdown)
        for part in ("Environment", "Method", "Claims", "fastest installed peer", "Errors: 0"):
            assert part in text
        assert "hashing 15-20x faster" in text
        assert "DEBUG BUILD" not in text
    result["debug_build"] = True
    assert report.render(result, markdown=False).startswith(
        "covet_rust_core bench\n\n!!! DEBUG BUILD"
    )


# The command.


def _fake_domains(monkeypatch: pytest.MonkeyPatch, workloads: list[Workload]) -> None:
    module = types.ModuleType("covet_fake_workloads")
    module.workloads = lambda options: [w for w in workloads if isinstance(options, Options)]  # type: ignore[attr-defined]
    empty = types.ModuleType("covet_no_workloads")
    empty.workloads = lambda options: []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(sys.modules, empty.__name__, empty)
    modules = dict.fromkeys(DOMAINS, empty.__name__)
    modules["json"] = module.__name__
    monkeypatch.setattr(cli, "DOMAIN_MODULES", modules)
    # The fake run has no real servers either (the e2e section's own tests run them).
    monkeypatch.setattr(
        e2e,
        "measure",
        lambda quick: {
            "settings": {},
            "variants": {},
            "unavailable": "not run by this test",
            "error": None,
            "wrk": None,
        },
    )


def test_a_failing_contender_makes_exit_status_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def prepare() -> list[Contender]:
        return [
            Contender(NATIVE, lambda: None, "native"),
            Contender(FALLBACK, lambda: None, "fallback"),
            Contender("json", None, error="ERROR: ValueError: nope"),
        ]

    _fake_domains(monkeypatch, [Workload("json", "w", "w", None, "json", prepare)])
    out = tmp_path / "r.json"
    status = cli.main(["--seconds", "0.2", "--no-progress", "--json", str(out)])
    assert status == cli.EXIT_ERRORS
    saved = json.loads(out.read_text())
    assert saved["errors"] == ["json/w, json: ERROR: ValueError: nope"]
    assert "Errors: 1" in capsys.readouterr().out


def test_a_workload_that_cannot_be_prepared_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def prepare() -> list[Contender]:
        raise FileNotFoundError("twitter.json is not in /nowhere")

    _fake_domains(monkeypatch, [Workload("json", "w", "w", None, "json", prepare)])
    assert cli.main(["--seconds", "0.1", "--no-progress"]) == cli.EXIT_ERRORS
    assert "json/w: FileNotFoundError: twitter.json is not in /nowhere" in capsys.readouterr().out


def test_a_debug_build_is_refused_without_allow_debug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = environment.capture()
    debug = json.loads(json.dumps(real))
    debug["covet"]["native_build"] = {
        **(real["covet"]["native_build"] or {}),
        "is_debug_build": True,
        "file": "/x/_native.so",
    }
    monkeypatch.setattr(environment, "capture", lambda: debug)
    assert cli.main(["--only", "nothing-at-all"]) == cli.EXIT_REFUSED
    assert "REFUSED: the native extension is a DEBUG build" in capsys.readouterr().err
    # With --allow-debug it goes on (and here stops at the empty selection, also 2).
    assert cli.main(["--allow-debug", "--only", "nothing-at-all"]) == cli.EXIT_REFUSED
    assert "no workload matches" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--data", "/no/such/folder"], "not a folder"),
        (["--compare", "/no/such/report.json"], "--compare /no/such/report.json"),
        (["--only", "no-such-workload"], "no workload matches"),
    ],
)
def test_bad_arguments_are_refused_before_measuring(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(arguments) == cli.EXIT_REFUSED
    assert message in capsys.readouterr().err


def test_every_domain_offers_workloads_cheaply() -> None:
    # Listing must not generate inputs (that happens in prepare, one workload at a time).
    workloads = cli.load_workloads(Options(), None)
    assert {w.domain for w in workloads} == set(DOMAINS)
    keys = [w.key for w in workloads]
    assert len(keys) == len(set(keys))
    assert all(w.description and w.baseline for w in workloads)


@pytest.mark.slow
def test_the_real_command_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, markdown = tmp_path / "r.json", tmp_path / "r.md"
    argv = ["bench", "--seconds", "1", "--no-progress", "--only", "hashing/blake3-64B"]
    status = doctor.main([*argv, "--json", str(out), "--markdown", str(markdown)])
    text = capsys.readouterr().out
    assert status == cli.EXIT_OK, text
    saved = json.loads(out.read_text())
    assert saved["schema"] == report.SCHEMA
    assert saved["domains"] == ["hashing"]
    (entry,) = saved["workloads"]
    native = report.find(entry, kind="native")
    assert native is not None
    assert native["samples"]
    assert native["warmup_calls"] >= 2
    assert saved["environment"]["covet"]["native_build"]["profile"] == "release"
    assert "hashing/blake3-64B" in text
    assert markdown.read_text().startswith("# covet_rust_core bench")
    # The report against itself: every workload is unchanged.
    comparison = report.compare(saved, saved)
    assert {r["verdict"] for r in comparison["rows"]} == {"unchanged"}
    # And the command against it: the status follows what its own report lists as slower.
    again = tmp_path / "again.json"
    status = cli.main([*argv[1:], "--compare", str(out), "--json", str(again)])
    assert "COMPARED WITH THE BASELINE" in capsys.readouterr().out
    slower = json.loads(again.read_text())["comparison"]["slower"]
    assert status == (cli.EXIT_REGRESSION if slower else cli.EXIT_OK)


def _e2e_section(**changes: Any) -> dict[str, Any]:
    figures = {
        "covet": 40.0,
        "pyjwt-json": 100.0,
        "pyjwt-orjson": 75.0,
        "floor": 34.0,
    }
    variants = {
        name: {
            "cpu_us": cpu,
            "rps": 1000.0,
            "p50_us": 500.0,
            "p99_us": 900.0,
            "errors": 0,
            "library_us": cpu - 34.0,
            "library_share": (cpu - 34.0) / cpu,
            "per_core_rps": 1e6 / cpu,
        }
        for name, cpu in figures.items()
    }
    section: dict[str, Any] = {
        "settings": dict(e2e.QUICK),
        "variants": variants,
        "unavailable": None,
        "error": None,
        "wrk": None,
    }
    section.update(changes)
    return section


def test_the_e2e_section_is_reported_and_its_failures_counted() -> None:
    env = environment.capture()
    built = report.build(env, RENDER_SETTINGS, [], _e2e_section())
    assert built["errors"] == []
    text = report.render(built, markdown=True)
    assert "## End to end: covet in a real server" in text
    assert "| covet (jwt.decode + CovetJSONResponse) | 40.0 us | 6.0 us | 15% | 25000 |" in text
    assert "one core serves about 25000 of these requests a second with covet" in text
    assert "PyJWT + json's 2.50x covet's" in text
    failed = report.build(
        env, RENDER_SETTINGS, [], _e2e_section(error="RuntimeError: floor answered 500")
    )
    assert failed["errors"] == ["e2e: RuntimeError: floor answered 500"]
    assert "ERROR: RuntimeError: floor answered 500" in report.render(failed, markdown=False)
    section = _e2e_section()
    section["variants"]["covet"]["errors"] = 3
    assert report.build(env, RENDER_SETTINGS, [], section)["errors"] == [
        "e2e/covet: 3 answers were not 200"
    ]
    missing = report.build(
        env, RENDER_SETTINGS, [], _e2e_section(unavailable="uvicorn is not installed")
    )
    assert missing["errors"] == []
    assert "Not run: uvicorn is not installed" in report.render(missing, markdown=True)


@pytest.mark.slow
def test_the_e2e_servers_answer_and_are_measured() -> None:
    section = e2e.measure(quick=True)
    assert section["unavailable"] is None, section
    assert section["error"] is None, section
    assert sorted(section["variants"]) == ["covet", "floor", "pyjwt-json", "pyjwt-orjson"]
    for figures in section["variants"].values():
        assert figures["errors"] == 0
        assert figures["cpu_us"] > 0
        assert figures["p99_us"] >= figures["p50_us"] > 0
