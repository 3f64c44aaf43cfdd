"""``--plot FILE.png``: how many times faster covet native is than each other contender,
with 95% intervals, on a log axis; one panel per domain. Needs matplotlib (the ``bench``
or ``plot`` extra)."""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from typing import Any

from .environment import one_line
from .model import FALLBACK_KIND
from .report import CLAIMS, Report


class MissingMatplotlibError(RuntimeError):
    pass


def require_matplotlib() -> Any:
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError as error:
        raise MissingMatplotlibError(
            f"matplotlib is not installed ({error}); pip install 'covet_rust_core[plot]'"
        ) from error
    matplotlib.use("Agg")  # files only: no display needed
    return importlib.import_module("matplotlib.pyplot")


# Marker per kind of contender: the twin, the workload's usual library; every other peer
# has a marker of its own and is named in the legend (orjson, ssrjson, msgspec, ...).
STYLES = {
    "twin": {"marker": "s", "color": "#c0392b", "label": "covet fallback (pure-Python twin)"},
    "usual": {"marker": "o", "color": "#2c3e50", "label": "the usual library"},
}
PEER_MARKERS = ("^", "v", "D", "P", "X", "*", "<", ">")
PEER_COLORS = ("#e67e22", "#27ae60", "#8e44ad", "#16a085", "#2980b9", "#d35400", "#7f8c8d")


def peer_styles(report: Report) -> dict[str, dict[str, str]]:
    """A marker and colour for each other peer, named, in order of first appearance."""
    names: list[str] = []
    for entry in report["workloads"]:
        names += [n for style, n, _ in _points(entry) if style == "other" and n not in names]
    return {
        name: {
            "marker": PEER_MARKERS[index % len(PEER_MARKERS)],
            "color": PEER_COLORS[index % len(PEER_COLORS)],
            "label": name,
        }
        for index, name in enumerate(names)
    }


def _points(entry: dict[str, Any]) -> list[tuple[str, str, dict[str, float]]]:
    out = []
    kinds = {c["name"]: c["kind"] for c in entry["contenders"]}
    for name, estimate in entry["vs_native"].items():
        if kinds.get(name) == FALLBACK_KIND:
            style = "twin"
        elif name == entry["baseline"]:
            style = "usual"
        else:
            style = "other"
        out.append((style, name, estimate))
    return out


def draw(report: Report, path: Path) -> None:
    plt = require_matplotlib()
    ticker = importlib.import_module("matplotlib.ticker")
    domains = [
        d
        for d in report["domains"]
        if any(e["vs_native"] for e in report["workloads"] if e["domain"] == d)
    ]
    if not domains:
        raise ValueError("nothing to plot: no ratio was measured")
    heights = [
        max(2.0, 0.32 * sum(e["domain"] == d for e in report["workloads"]) + 1.2) for d in domains
    ]
    figure, axes = plt.subplots(
        len(domains),
        1,
        figsize=(10, sum(heights) + 1.2),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
        layout="constrained",  # room for the title and the legend above the panels
    )
    claims = {claim.domain: claim for claim in CLAIMS}
    peers = peer_styles(report)
    low, high = math.inf, 0.0
    for row, domain in zip(axes[:, 0], domains, strict=True):
        entries = [e for e in report["workloads"] if e["domain"] == domain]
        labels = []
        for y, entry in enumerate(entries):
            labels.append(entry["name"])
            others = 0
            for style, name, estimate in _points(entry):
                look = peers[name] if style == "other" else STYLES[style]
                if style == "other":
                    offset, others = 0.12 + 0.1 * (others % 3), others + 1
                else:
                    offset = {"twin": -0.25, "usual": 0.0}[style]
                median, lo, hi = estimate["median"], estimate["lo"], estimate["hi"]
                low, high = min(low, lo), max(high, hi)
                row.errorbar(
                    median,
                    y + offset,
                    xerr=[[median - lo], [hi - median]],
                    fmt=look["marker"],
                    color=look["color"],
                    markersize=5,
                    capsize=2,
                    linewidth=1,
                )
        row.set_yticks(range(len(entries)), labels, fontsize=8)
        row.set_ylim(len(entries) - 0.5, -0.5)  # first workload on top
        row.set_xscale("log")
        row.axvline(1.0, color="black", linewidth=0.8)
        claim = claims.get(domain)
        if claim is not None:
            row.axvspan(
                claim.low,
                claim.high if claim.high > claim.low else claim.low * 1.02,
                color="#f1c40f",
                alpha=0.35,
            )
        row.set_title(
            f"{domain}" + (f" (shaded: the claim, {claim.text})" if claim else ""),
            fontsize=10,
            loc="left",
        )
        row.xaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}x"))
        row.grid(axis="x", which="both", alpha=0.3)
    for row in axes[:, 0]:
        row.set_xlim(min(low, 0.5) / 1.5, max(high, 20.0) * 1.5)
    axes[-1, 0].set_xlabel("how many times faster covet native is (log scale; 1 = same speed)")
    handles = [
        plt.Line2D([], [], marker=s["marker"], color=s["color"], linestyle="", label=s["label"])
        for s in (*STYLES.values(), *peers.values())
    ]
    figure.legend(handles=handles, loc="outside lower left", fontsize=8, ncol=4)
    title = "covet_rust_core bench: " + one_line(report["environment"])
    if report["debug_build"]:
        title = "DEBUG BUILD, NOT COVET'S SPEED. " + title
    figure.suptitle(title, fontsize=9, x=0.01, ha="left")
    figure.savefig(path, dpi=110)
    plt.close(figure)
