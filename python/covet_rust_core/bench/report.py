"""The bench report: one JSON-able dict (raw samples included) from which every table, the
claims verdicts, the chart and a later ``--compare`` are computed, so that nothing printed
is absent from the file.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import e2e as end_to_end
from . import environment as environment_module
from .interleave import Contender, Result, format_time
from .model import DOMAINS, FALLBACK_KIND, NATIVE_KIND, PEER_KIND, Workload
from .stats import (
    CONFIDENCE,
    RESAMPLES,
    Estimate,
    geomean_interval,
    median_interval,
    paired_ratios,
    quartiles,
    ratio_interval,
    versus,
)

SCHEMA = "covet_rust_core.bench/1"

Report = dict[str, Any]
Entry = dict[str, Any]  # one workload of a report


@dataclass(frozen=True)
class Claim:
    """A speed-up the project's predecessor printed in its docs, never measured: covet
    native this many times faster than the pure-Python path."""

    domain: str
    label: str
    low: float
    high: float

    @property
    def text(self) -> str:
        span = f"{self.low:g}x" if self.low == self.high else f"{self.low:g}-{self.high:g}x"
        return f"{self.label} {span} faster"


CLAIMS = (
    Claim("json", "JSON", 7, 8),
    Claim("jwt", "JWT", 10, 10),
    Claim("hashing", "hashing", 15, 20),
    Claim("strings", "string ops", 15, 20),
)

# The two readings of "the pure-Python path": covet's own twin (what runs when the
# extension does not import), and what an application uses for the job without covet.
TWIN, USUAL = "twin", "usual"
REFERENCE_LABELS = {
    TWIN: "covet fallback (the pure-Python twin)",
    USUAL: "the usual library",
}


# Building a report from measurements.


def _measured(contender: Entry) -> bool:
    return not contender["error"] and not contender["unavailable"] and bool(contender["samples"])


def contender_entry(contender: Contender, result: Result | None) -> Entry:
    error = contender.error or (result.error if result is not None else None)
    samples = list(result.per_call) if result is not None else []
    entry: Entry = {
        "name": contender.name,
        "kind": contender.kind,
        "unavailable": contender.unavailable,
        "error": error,
        "calls_per_sample": result.calls_per_sample if result is not None else 0,
        "warmup_calls": result.warmup_calls if result is not None else 0,
        "samples": samples,
        # Collector runs during each sample, and per call over all samples.
        "collections": list(result.collections) if result is not None else [],
        "collections_per_call": (
            sum(result.collections) / (len(result.collections) * result.calls_per_sample)
            if result is not None and result.collections and result.calls_per_sample
            else None
        ),
        "median": None,
        "q1": None,
        "q3": None,
    }
    if samples:
        entry["q1"], entry["median"], entry["q3"] = quartiles(samples)
    return entry


def workload_entry(
    workload: Workload,
    contenders: Iterable[Contender],
    results: dict[str, Result],
    *,
    seconds: float,
    prepare_error: str | None = None,
) -> Entry:
    """One workload of the report; ``vs_native`` holds, for every other measured contender,
    how many times faster covet native was (its time / native's, per round)."""
    items = [contender_entry(c, results.get(c.name)) for c in contenders]
    entry: Entry = {
        "domain": workload.domain,
        "name": workload.name,
        "key": workload.key,
        "description": workload.description,
        "nbytes": workload.nbytes,
        "baseline": workload.baseline,
        "rounds": max((len(c["samples"]) for c in items), default=0),
        "seconds": seconds,
        "error": prepare_error,
        "contenders": items,
        "vs_native": {},
    }
    native = find(entry, kind=NATIVE_KIND)
    if native is not None and _measured(native):
        for other in items:
            if other is native or not _measured(other):
                continue
            label = f"{workload.key}:{other['name']}"
            estimate = ratio_interval(other["samples"], native["samples"], label)
            if estimate is not None:
                entry["vs_native"][other["name"]] = estimate.as_dict()
    return entry


def find(entry: Entry, *, kind: str | None = None, name: str | None = None) -> Entry | None:
    for contender in entry["contenders"]:
        if (kind is None or contender["kind"] == kind) and (
            name is None or contender["name"] == name
        ):
            found: Entry = contender
            return found
    return None


def errors(entries: Iterable[Entry]) -> list[str]:
    out = []
    for entry in entries:
        if entry["error"]:
            out.append(f"{entry['key']}: {entry['error']}")
        out += [
            f"{entry['key']}, {c['name']}: {c['error']}" for c in entry["contenders"] if c["error"]
        ]
    return out


def _reference(entry: Entry, reference: str) -> Entry | None:
    if reference == TWIN:
        return find(entry, kind=FALLBACK_KIND)
    return find(entry, name=entry["baseline"])


def _why_not(entry: Entry, contender: Entry | None, label: str) -> str:
    if contender is None:
        return f"{entry['name']}: no {label}"
    if contender["unavailable"]:
        return f"{entry['name']}: {contender['name']} not timed ({contender['unavailable']})"
    if contender["error"]:
        return f"{entry['name']}: {contender['name']} failed"
    return f"{entry['name']}: {contender['name']} has no samples"


def claim_rows(entries: list[Entry]) -> list[dict[str, Any]]:
    """Each claim against each reading of "the pure-Python path": the geometric mean over
    the domain's workloads of (reference time / covet native time), its interval, and a
    verdict: ``met`` when the whole interval is at or above the claim's low end, ``not met``
    when it is wholly below, ``inconclusive`` when it straddles it."""
    rows = []
    for claim in CLAIMS:
        domain = [e for e in entries if e["domain"] == claim.domain]
        for reference in (TWIN, USUAL):
            ratio_sets, used, left_out = [], [], []
            names = sorted({e["baseline"] for e in domain}) if reference == USUAL else []
            for entry in domain:
                native, other = find(entry, kind=NATIVE_KIND), _reference(entry, reference)
                if native is None or not _measured(native):
                    left_out.append(_why_not(entry, native, "covet native"))
                elif other is None or not _measured(other):
                    left_out.append(_why_not(entry, other, REFERENCE_LABELS[reference]))
                else:
                    ratio_sets.append(paired_ratios(other["samples"], native["samples"]))
                    used.append(entry["name"])
            estimate = geomean_interval(ratio_sets, f"claim:{claim.domain}:{reference}")
            if estimate is None:
                verdict = "not measured"
            else:
                verdict = {"above": "met", "below": "not met", "overlaps": "inconclusive"}[
                    versus(estimate, claim.low)
                ]
            per_workload = [statistics.median(s) for s in ratio_sets]
            rows.append(
                {
                    "domain": claim.domain,
                    "claim": claim.text,
                    "low": claim.low,
                    "high": claim.high,
                    "reference": reference,
                    "reference_label": REFERENCE_LABELS[reference]
                    + (f": {', '.join(names)}" if 0 < len(names) <= 2 else ""),
                    "references": names,
                    "measured": estimate.as_dict() if estimate else None,
                    "range": [min(per_workload), max(per_workload)] if per_workload else None,
                    "workloads": used,
                    "left_out": left_out,
                    "verdict": verdict,
                }
            )
    return rows


# Within this of 1x, covet and the peer are "on par" even when the interval excludes 1x:
# many rounds make intervals narrow enough to separate 0.3% (same code, same speed).
PAR = 0.05


def peer_rows(entries: list[Entry]) -> list[dict[str, Any]]:
    """Per workload, covet native against the fastest installed peer (lowest median):
    ``faster`` when the ratio's interval lies above 1x and its median is at least 1.05x,
    ``slower`` likewise below, else ``on par``."""
    rows = []
    for entry in entries:
        peers = [c for c in entry["contenders"] if c["kind"] == PEER_KIND and _measured(c)]
        native = find(entry, kind=NATIVE_KIND)
        row: dict[str, Any] = {
            "key": entry["key"],
            "domain": entry["domain"],
            "name": entry["name"],
        }
        row["peers"] = [c["name"] for c in peers]
        if not peers or native is None or not _measured(native):
            row.update(best=None, ratio=None, verdict="not measured")
            rows.append(row)
            continue
        best = min(peers, key=lambda c: c["median"])
        estimate = Estimate.from_dict(entry["vs_native"][best["name"]])
        if versus(estimate, 1.0) == "above" and estimate.median >= 1 + PAR:
            verdict = "faster"
        elif versus(estimate, 1.0) == "below" and estimate.median <= 1 / (1 + PAR):
            verdict = "slower"
        else:
            verdict = "on par"
        row.update(best=best["name"], ratio=estimate.as_dict(), verdict=verdict)
        rows.append(row)
    return rows


def build(
    environment: dict[str, Any],
    settings: dict[str, Any],
    entries: list[Entry],
    e2e: dict[str, Any] | None = None,
) -> Report:
    """The report of a run: ``e2e`` is the end-to-end section (``e2e.measure``), when it
    ran; its failure or a variant's non-200 answers count among the errors."""
    found = errors(entries)
    if e2e is not None:
        if e2e["error"]:
            found.append(f"e2e: {e2e['error']}")
        found += [
            f"e2e/{variant}: {figures['errors']} answers were not 200"
            for variant, figures in e2e["variants"].items()
            if figures["errors"]
        ]
    return {
        "schema": SCHEMA,
        "debug_build": environment_module.is_debug_build(environment),
        "environment": environment,
        "settings": settings,
        "domains": [d for d in DOMAINS if any(e["domain"] == d for e in entries)],
        "workloads": entries,
        "claims": claim_rows(entries),
        "peers": peer_rows(entries),
        "errors": found,
        "comparison": None,
        "e2e": e2e,
    }


# --compare.


def _time_interval(contender: Entry, label: str) -> Estimate:
    return median_interval(contender["samples"], label)


def compare(current: Report, baseline: Report, tolerance: float = 0.05) -> dict[str, Any]:
    """covet's own contenders (native and twin), workload by workload, against a baseline
    report: ``slower`` when the whole interval of this run's median time lies above the
    baseline's and the medians differ by more than ``tolerance`` (intervals from one run's
    rounds do not hold the drift between runs minutes apart: a few percent), ``faster``
    likewise, else ``unchanged``. Next to it the same test on the ratio to the workload's
    usual library, which a change of machine or load affects less than absolute times."""
    if baseline.get("schema") != SCHEMA:
        raise ValueError(f"not a {SCHEMA} report (schema {baseline.get('schema')!r})")
    before = {e["key"]: e for e in baseline["workloads"]}
    rows = []
    for entry in current["workloads"]:
        old = before.get(entry["key"])
        if old is None:
            continue
        for kind in (NATIVE_KIND, FALLBACK_KIND):
            now_c, old_c = find(entry, kind=kind), find(old, kind=kind)
            if now_c is None or old_c is None or not _measured(now_c) or not _measured(old_c):
                continue
            now_t = _time_interval(now_c, f"now:{entry['key']}:{kind}")
            old_t = _time_interval(old_c, f"before:{entry['key']}:{kind}")
            change = now_t.median / old_t.median
            verdict = _shift(now_t.lo > old_t.hi, now_t.hi < old_t.lo, change, tolerance)
            relative = None
            now_r = entry["vs_native"].get(entry["baseline"])
            old_r = old["vs_native"].get(old["baseline"])
            if kind == NATIVE_KIND and now_r and old_r:
                # A smaller ratio to the usual library: covet got slower relative to it.
                relative = _shift(
                    now_r["hi"] < old_r["lo"],
                    now_r["lo"] > old_r["hi"],
                    old_r["median"] / now_r["median"],
                    tolerance,
                )
            rows.append(
                {
                    "key": entry["key"],
                    "contender": now_c["name"],
                    "before": old_t.as_dict(),
                    "now": now_t.as_dict(),
                    "change": change,
                    "verdict": verdict,
                    "vs_usual_before": old["vs_native"].get(old["baseline"]),
                    "vs_usual_now": entry["vs_native"].get(entry["baseline"]),
                    "relative_verdict": relative,
                }
            )
    env_now, env_before = current["environment"], baseline["environment"]
    differences = []
    for label, path in (
        ("CPU", ("cpu", "model")),
        ("Python", ("python", "version")),
        ("covet", ("covet", "version")),
        ("OS", ("os",)),
    ):
        a, b = _dig(env_before, path), _dig(env_now, path)
        if a != b:
            differences.append(f"{label}: {a} -> {b}")
    missing = sorted(set(before) - {e["key"] for e in current["workloads"]})
    return {
        "baseline_captured_at": env_before.get("captured_at"),
        "tolerance": tolerance,
        "environment_differences": differences,
        "rows": rows,
        "slower": [f"{r['key']} ({r['contender']})" for r in rows if r["verdict"] == "slower"],
        "not_in_this_run": missing,
    }


def _shift(above: bool, below: bool, change: float, tolerance: float) -> str:
    """``slower`` when beyond the intervals (``above``) and by more than ``tolerance``."""
    if above and change > 1 + tolerance:
        return "slower"
    if below and change < 1 / (1 + tolerance):
        return "faster"
    return "unchanged"


def _dig(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None  # type: ignore[assignment]
    return data


# Rendering.


def number(value: float) -> str:
    """A ratio for people: ``2,040``, ``13.3``, ``1.88``, ``0.412``."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def format_ratio(estimate: dict[str, Any] | None) -> str:
    if not estimate:
        return "n/a"
    return f"{number(estimate['median'])}x"


def format_interval(estimate: dict[str, Any] | None) -> str:
    if not estimate:
        return ""
    return f"[{number(estimate['lo'])}, {number(estimate['hi'])}]"


def table(headers: list[str], rows: list[list[str]], *, markdown: bool) -> list[str]:
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += [
            "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows
        ]
        return lines
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(cells, widths, strict=False)
        ).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(row) for row in rows)]


def _banner(report: Report) -> list[str]:
    lines = []
    if report["debug_build"]:
        lines += [
            "!!! DEBUG BUILD: covet native is an unoptimised debug build (run with --allow-debug).",
            "!!! Its numbers say nothing about covet's speed. Build a release: pip install .",
            "",
        ]
    covet = report["environment"]["covet"]
    if covet["native_build"] is None:
        lines += [
            "!!! The native extension does not import here; only the pure-Python twin and the",
            f"!!! peers are measured. Why: {covet['native_unavailable']}",
            "",
        ]
    return lines


def _environment_lines(report: Report) -> list[str]:
    env = report["environment"]
    cpu, covet, python = env["cpu"], env["covet"], env["python"]
    build = covet["native_build"]
    if build:
        built = (
            f"{build['profile']} build (opt-level {build['opt_level']}, "
            f"debug assertions {'on' if build['debug_assertions'] else 'off'}), {build['rustc']}, "
            f"pyo3 {build['pyo3']}, cpu features in use: {' '.join(build['cpu_features'])}, "
            f"JSON vector level: {build.get('json_simd', 'n/a')}"
        )
    else:
        built = "not importable"
    peers = ", ".join(f"{name} {version}" for name, version in env["peers"].items() if version)
    missing = ", ".join(name for name, version in env["peers"].items() if not version)
    load = cpu["load_average"]
    return [
        f"- CPU: {cpu['model']}; {cpu['usable_cores']} usable of {cpu['logical_cores']} logical "
        f"cores; flags: {' '.join(cpu['flags']) or 'n/a'}"
        + (f"; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}" if load else ""),
        f"- OS: {env['os']}",
        f"- Python: {python['implementation']} {python['version']} {python['build']}",
        f"- covet_rust_core {covet['version']}; import picks the {covet['backend']} backend "
        f"({covet['reason']}); native extension: {built}",
        f"- peers: {peers or 'none installed'}"
        + (f"; not installed: {missing}" if missing else ""),
        f"- captured {env['captured_at']}",
    ]


def _method_lines(report: Report) -> list[str]:
    s = report["settings"]
    gc_state = report["environment"]["gc"]
    return [
        f"- {s['seconds']:g} s budget{' (--quick)' if s['quick'] else ''}, spent "
        f"{s['elapsed']:.0f} s; each workload's rounds fit its share of what is left: "
        f"{s['min_rounds']} to {s['max_rounds']} rounds; every round times each contender once, "
        "in an order rotated each round, one sample of about "
        f"{s['sample_seconds'] * 1e3:g} ms (at least one call).",
        "- Warm-up, untimed: each contender's first call (also the output check against the "
        "reference), then calibration batches of 1, 4, 16... calls until one lasts a quarter "
        "of a sample.",
        f"- Garbage collector: {'enabled' if gc_state['enabled'] else 'DISABLED'} during timing "
        f"(thresholds {gc_state['thresholds']}); an untimed gc.collect() before each workload "
        "and each sample, so every sample starts from the same collector state; only the "
        "workload being timed keeps its inputs alive.",
        f"- Ratios: per round, the contender's time / covet native's; median over rounds, with a "
        f"{CONFIDENCE:.0%} percentile-bootstrap interval ({RESAMPLES} resamples of the rounds). "
        "Claims: the geometric mean over the domain's workloads of those medians.",
        "- Errors (a contender that raises or answers wrongly) are counted, listed and not "
        "timed; the exit status is then 1.",
    ]


def claims_table(report: Report, *, markdown: bool) -> list[str]:
    rows = []
    for row in report["claims"]:
        span = row["range"]
        rows.append(
            [
                row["claim"],
                row["reference_label"],
                format_ratio(row["measured"]),
                format_interval(row["measured"]),
                f"{number(span[0])}x-{number(span[1])}x" if span else "",
                str(len(row["workloads"])),
                row["verdict"],
            ]
        )
    headers = ["claim", "than", "measured", "95% CI", "per workload", "workloads", "verdict"]
    return table(headers, rows, markdown=markdown)


def peers_table(report: Report, *, markdown: bool) -> list[str]:
    rows = []
    for row in report["peers"]:
        rows.append(
            [
                row["key"],
                row["best"] or "(none measured)",
                format_ratio(row["ratio"]),
                format_interval(row["ratio"]),
                row["verdict"],
            ]
        )
    headers = ["workload", "fastest peer", "covet native is", "95% CI", "verdict"]
    return table(headers, rows, markdown=markdown)


def workload_table(entry: Entry, *, markdown: bool) -> list[str]:
    rows = []
    for c in entry["contenders"]:
        if c["error"] or c["unavailable"] or not c["samples"]:
            if c["error"]:
                why = f"ERROR: {c['error']}"
            else:
                why = f"not timed: {c['unavailable'] or 'no samples'}"
            rows.append([c["name"], "", "", "", "", "", "", why])
            continue
        throughput = ""
        if entry["nbytes"]:
            throughput = f"{entry['nbytes'] / c['median'] / 1e6:,.1f}"
        ratio = entry["vs_native"].get(c["name"])
        rows.append(
            [
                c["name"],
                format_time(c["median"]),
                f"{format_time(c['q1'])} - {format_time(c['q3'])}",
                throughput,
                "-" if c["kind"] == NATIVE_KIND else format_ratio(ratio),
                format_interval(ratio),
                _collections_cell(c.get("collections_per_call")),
                "",
            ]
        )
    headers = [
        "contender",
        "median",
        "IQR",
        "MB/s",
        "native faster by",
        "95% CI",
        "GC runs per call",
        "note",
    ]
    size = f", {entry['nbytes']:,} bytes" if entry["nbytes"] else ""
    title = f"{entry['key']}: {entry['description']}{size}; {entry['rounds']} rounds"
    head = [f"#### {title}" if markdown else title, ""]
    if entry["error"]:
        return [*head, f"ERROR preparing the workload: {entry['error']}", ""]
    return [*head, *table(headers, rows, markdown=markdown), ""]


def _collections_cell(per_call: float | None) -> str:
    """Cyclic-collector runs per call during the timed samples (a report from before the
    column has none)."""
    if per_call is None:
        return ""
    return f"{per_call:.3g}"


def comparison_lines(report: Report, *, markdown: bool) -> list[str]:
    comparison = report["comparison"]
    if comparison is None:
        return []
    lines = [
        "## Compared with the baseline" if markdown else "COMPARED WITH THE BASELINE",
        "",
        f"Baseline captured {comparison['baseline_captured_at']}.",
    ]
    if comparison["environment_differences"]:
        lines.append(
            "Different environment (absolute times do not compare; the ratios to the usual "
            "library do better): " + "; ".join(comparison["environment_differences"])
        )
    rows = [
        [
            r["key"],
            r["contender"],
            format_time(r["before"]["median"]),
            format_time(r["now"]["median"]),
            f"{r['change']:.3f}x",
            r["verdict"],
            r["relative_verdict"] or "",
        ]
        for r in comparison["rows"]
    ]
    headers = ["workload", "contender", "before", "now", "time now/before", "verdict", "vs usual"]
    lines += ["", *table(headers, rows, markdown=markdown), ""]
    slower = comparison["slower"]
    lines.append(
        f"Slower beyond the intervals and the {comparison['tolerance']:.0%} tolerance: "
        + (", ".join(slower) if slower else "none")
    )
    if comparison["not_in_this_run"]:
        lines.append(
            "In the baseline, not in this run: " + ", ".join(comparison["not_in_this_run"])
        )
    return [*lines, ""]


def render(report: Report, *, markdown: bool) -> str:
    """The whole report as text: markdown (summary first) or the terminal's layout (details
    first, so that the claims and the peers table end up on screen)."""
    h2 = "## " if markdown else ""
    title = "# covet_rust_core bench" if markdown else "covet_rust_core bench"
    head = [title, "", *_banner(report), f"{h2}Environment", "", *_environment_lines(report), ""]
    head += [f"{h2}Method", "", *_method_lines(report), ""]
    claims = [
        f"{h2}Claims: covet native against the pure-Python path",
        "",
        "The predecessor's documentation claimed these speed-ups without measuring them. "
        "Verdict: met when the whole 95% interval is at or above the claim's low end, not met "
        "when wholly below, else inconclusive.",
        "",
        *claims_table(report, markdown=markdown),
        "",
    ]
    for row in report["claims"]:
        if len(row.get("references", [])) > 2:
            claims.append(
                f"- {row['claim']}: the usual library, per workload: {', '.join(row['references'])}"
            )
        if row["left_out"]:
            claims.append(
                f"- {row['claim']} vs {REFERENCE_LABELS[row['reference']]}: left out: "
                + "; ".join(row["left_out"])
            )
    peers = [
        "",
        f"{h2}covet native against the fastest installed peer",
        "",
        "How many times faster covet native is than the fastest other library for the job "
        "(its time / native's); faster or slower when the interval excludes 1x and the median "
        f"is at least {PAR:.0%} away from it, else on par.",
        "",
        *peers_table(report, markdown=markdown),
        "",
    ]
    details = [f"{h2}Workloads", ""]
    for domain in report["domains"]:
        details += [f"### {domain}" if markdown else f"== {domain} ==", ""]
        for entry in report["workloads"]:
            if entry["domain"] == domain:
                details += workload_table(entry, markdown=markdown)
    if report.get("e2e") is not None:
        section = [
            f"{h2}End to end: covet in a real server",
            "",
            *end_to_end.lines(report["e2e"], markdown=markdown),
        ]
        details = [*details, *section]
    errors_found = report["errors"]
    tail = [f"{h2}Errors: {len(errors_found)}", "", *(f"- {e}" for e in errors_found), ""]
    tail += comparison_lines(report, markdown=markdown)
    body = claims + peers + details if markdown else details + claims + peers
    return "\n".join(head + body + tail)
