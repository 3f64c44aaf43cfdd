"""The e2e bench: covet inside a real server, measured from outside it.

Each variant of ``e2e_server`` runs as its own uvicorn process on 127.0.0.1 (pinned to one
CPU when there are two or more); a client process (``e2e_client``, pinned to another) sends
batches of requests at a fixed offered rate over keep-alive connections. Every variant's
answer is checked before anything is timed. Then, round by round in a rotating order, each
variant gets one batch, and the server's CPU time for it is read from the server process's
own accounting (before and after the batch): **CPU per request** is the stable figure on a
busy machine; requests per second and latency percentiles at the offered rate are reported
beside it. covet's share of a request is its CPU minus the floor's (the same server and
handler building the same document, with no authentication and a body serialised once).

``python -m covet_rust_core bench --only e2e`` runs it (every full run includes it); its
section of the report explains the figures in an application's terms. When ``wrk`` is on
PATH, each variant's saturation throughput (32 connections) is measured too.
"""

from __future__ import annotations

import http.client
import importlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from typing import Any, Final

from .e2e_server import AUDIENCE, ISSUER, SECRET, VARIANTS, document
from .model import INSTALL, not_importable


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(port: int, path: str, token: str | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _pin(pid: int, cpu: int) -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(pid, {cpu})


def start(variant: str) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "covet_rust_core.bench.e2e_server", variant, str(port)]
    )
    _pin(server.pid, 0)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _get(port, "/__cpu")
            return server, port
        except OSError:
            if server.poll() is not None:
                msg = f"the {variant} server exited with {server.returncode}"
                raise RuntimeError(msg) from None
            time.sleep(0.05)
    server.kill()
    msg = f"the {variant} server did not answer within 30 s"
    raise RuntimeError(msg)


# Rounds, requests per batch, offered rate (requests per second), keep-alive connections.
QUICK: Final[dict[str, Any]] = {"rounds": 2, "requests": 400, "rate": 800.0, "connections": 8}
FULL: Final[dict[str, Any]] = {"rounds": 6, "requests": 4000, "rate": 1000.0, "connections": 8}
# What the servers need: the bench extra.
REQUIREMENTS: Final = (
    ("uvicorn", "uvicorn"),
    ("starlette", "Starlette"),
    ("jwt", "PyJWT"),
    ("orjson", "orjson"),
)


def unavailable() -> str | None:
    """Why the e2e bench cannot run here, or None."""
    for module, package in REQUIREMENTS:
        try:
            importlib.import_module(module)
        except ImportError as error:
            return not_importable(package, module, error) + f" ({INSTALL})"
    return None


def measure(quick: bool) -> dict[str, Any]:
    """The e2e section of a report: the settings, and per variant the medians over rounds
    (or ``unavailable`` / ``error``)."""
    settings = dict(QUICK if quick else FULL)
    section: dict[str, Any] = {
        "settings": settings,
        "variants": {},
        "unavailable": unavailable(),
        "error": None,
        "wrk": shutil.which("wrk"),
    }
    if section["unavailable"] is None:
        try:
            section["variants"] = run(**settings, wrk=section["wrk"])
        except Exception as error:  # reported and counted, never swallowed
            section["error"] = f"{type(error).__name__}: {error}"
    return section


def run(
    rounds: int, requests: int, rate: float, connections: int, wrk: str | None = None
) -> dict[str, Any]:
    """Starts a server per variant, checks each one's answer, then times batches round by
    round in a rotating order; the medians per variant."""
    from covet_rust_core import jwt  # noqa: PLC0415

    token = jwt.encode(
        {"sub": "42", "aud": AUDIENCE, "iss": ISSUER, "exp": int(time.time()) + 3600},
        SECRET,
        algorithm="HS256",
    )
    expected = json.dumps(document("42"), ensure_ascii=False, separators=(",", ":")).encode()
    servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    results: dict[str, list[dict[str, Any]]] = {variant: [] for variant in VARIANTS}
    try:
        for variant in VARIANTS:
            servers[variant] = start(variant)
        for variant, (_, port) in servers.items():
            status, body = _get(port, "/items", token)
            if status != 200 or body != expected:
                msg = f"{variant} answered {status} {body[:80]!r}, not the expected document"
                raise RuntimeError(msg)
            if variant != "floor" and _get(port, "/items")[0] != 401:
                msg = f"{variant} answered a request without a token"
                raise RuntimeError(msg)
        for round_index in range(rounds):
            shift = round_index % len(VARIANTS)
            for variant in VARIANTS[shift:] + VARIANTS[:shift]:
                port = servers[variant][1]
                batch = _batch(port, token, requests, connections, rate)
                if wrk is not None:
                    batch["saturation_rps"] = _saturation(wrk, port, token)
                results[variant].append(batch)
    finally:
        for server, _ in servers.values():
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return _summary(results)


def _batch(port: int, token: str, requests: int, connections: int, rate: float) -> dict[str, Any]:
    """One batch from a client process; the server's CPU for it, per request."""
    before = int(_get(port, "/__cpu")[1])
    argv = [str(port), token, str(requests), str(connections), str(rate)]
    client = subprocess.run(
        [sys.executable, "-m", "covet_rust_core.bench.e2e_client", *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        preexec_fn=_client_cpu,
    )
    after = int(_get(port, "/__cpu")[1])
    if client.returncode != 0:
        msg = f"the client failed ({client.returncode}): {client.stderr.strip()[-300:]}"
        raise RuntimeError(msg)
    batch: dict[str, Any] = json.loads(client.stdout)
    batch["cpu_us"] = (after - before) / 1000 / batch["requests"]
    return batch


def _client_cpu() -> None:
    _pin(0, 1)


def _saturation(wrk: str, port: int, token: str) -> float:
    """Requests per second under ``wrk`` with 32 connections for 2 seconds."""
    completed = subprocess.run(
        [
            wrk,
            "-t1",
            "-c32",
            "-d2s",
            "-H",
            f"Authorization: Bearer {token}",
            f"http://127.0.0.1:{port}/items",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        preexec_fn=_client_cpu,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split(":")[1])
    msg = f"wrk printed no Requests/sec: {completed.stdout[-300:]}"
    raise RuntimeError(msg)


def _summary(results: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for variant, batches in results.items():
        figures: dict[str, Any] = {
            key: statistics.median(batch[key] for batch in batches)
            for key in ("cpu_us", "rps", "p50_us", "p99_us")
        }
        figures["cpu_us_rounds"] = [batch["cpu_us"] for batch in batches]
        figures["errors"] = sum(batch["errors"] for batch in batches)
        if all("saturation_rps" in batch for batch in batches):
            figures["saturation_rps"] = statistics.median(b["saturation_rps"] for b in batches)
        summary[variant] = figures
    floor = summary["floor"]["cpu_us"]
    for figures in summary.values():
        figures["library_us"] = figures["cpu_us"] - floor
        figures["library_share"] = (figures["cpu_us"] - floor) / figures["cpu_us"]
        figures["per_core_rps"] = 1e6 / figures["cpu_us"]
    return summary


LABELS: Final = {
    "covet": "covet (jwt.decode + CovetJSONResponse)",
    "pyjwt-json": "PyJWT + json (Starlette's JSONResponse)",
    "pyjwt-orjson": "PyJWT + orjson",
    "floor": "floor (document built, no authentication, body serialised once)",
}


def lines(section: dict[str, Any], *, markdown: bool) -> list[str]:
    """The report's e2e section."""
    out = [
        "A real server (uvicorn, one worker, Starlette) on 127.0.0.1 answering GET /items: "
        "verify an HS256 bearer token (aud, iss), return a ~2 KB JSON document built per "
        "request. A separate client process sends each batch at a fixed rate over keep-alive "
        "connections; the server's CPU per request comes from its own process accounting.",
        "",
    ]
    if section["unavailable"]:
        return [*out, f"Not run: {section['unavailable']}", ""]
    if section["error"]:
        return [*out, f"ERROR: {section['error']}", ""]
    settings = section["settings"]
    out.append(
        f"{settings['rounds']} rounds, interleaved; {settings['requests']} requests per batch "
        f"at {settings['rate']:.0f}/s over {settings['connections']} connections; medians."
    )
    out.append("")
    header = [
        "variant",
        "server CPU per request",
        "library work (minus floor)",
        "its share",
        "requests/s per core",
        "achieved rps",
        "p50",
        "p99",
        "errors",
    ]
    wrk = section["wrk"] is not None
    if wrk:
        header.insert(-1, "saturation rps (wrk)")
    rows = []
    for variant, figures in section["variants"].items():
        row = [
            LABELS.get(variant, variant),
            f"{figures['cpu_us']:.1f} us",
            f"{figures['library_us']:.1f} us",
            f"{figures['library_share']:.0%}",
            f"{figures['per_core_rps']:.0f}",
            f"{figures['rps']:.0f}",
            f"{figures['p50_us']:.0f} us",
            f"{figures['p99_us']:.0f} us",
            str(figures["errors"]),
        ]
        if wrk:
            row.insert(-1, f"{figures.get('saturation_rps', float('nan')):.0f}")
        rows.append(row)
    if markdown:
        out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(row) + " |" for row in rows]
    else:
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        out += [
            "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True))
            for r in [header, *rows]
        ]
    variants = section["variants"]
    if {"covet", "pyjwt-json", "pyjwt-orjson", "floor"} <= set(variants):
        covet = variants["covet"]["cpu_us"]
        out += [
            "",
            f"In an application's terms: one core serves about "
            f"{variants['covet']['per_core_rps']:.0f} of these requests a second with covet, "
            f"{variants['pyjwt-json']['per_core_rps']:.0f} with PyJWT + json and "
            f"{variants['pyjwt-orjson']['per_core_rps']:.0f} with PyJWT + orjson "
            f"({variants['floor']['per_core_rps']:.0f} with no library work at all). "
            f"covet's request costs {covet / variants['floor']['cpu_us']:.2f}x the floor's CPU, "
            f"PyJWT + json's {variants['pyjwt-json']['cpu_us'] / covet:.2f}x covet's, "
            f"PyJWT + orjson's {variants['pyjwt-orjson']['cpu_us'] / covet:.2f}x covet's.",
        ]
    return [*out, ""]


def main() -> int:
    """``python -m covet_rust_core.bench.e2e``: the e2e section alone, on the terminal."""
    print("\n".join(lines(measure(quick=False), markdown=False)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
