"""The e2e bench's client: a process of its own that sends ``GET /items`` with a bearer token
over keep-alive HTTP/1.1 connections, at a fixed offered rate, and reports what it saw::

    python -m covet_rust_core.bench.e2e_client PORT TOKEN REQUESTS CONNECTIONS RATE

Request ``i`` is due at ``start + i / RATE`` and goes out on connection ``i % CONNECTIONS``
(one request at a time on each, no pipelining). Its latency counts from when it was due,
not from when it was sent, so a server that falls behind shows it (no coordinated
omission). Prints one JSON line: requests, non-200 answers, seconds, achieved requests per
second, and latency percentiles in microseconds.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any


async def _connection(
    port: int, request: bytes, due: list[float], latencies: list[float], statuses: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for when in due:
            delay = when - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - when)
            statuses.append(status)
    finally:
        writer.close()
        await writer.wait_closed()


async def drive(
    port: int, token: str, requests: int, connections: int, rate: float
) -> dict[str, Any]:
    request = (
        f"GET /items HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n\r\n"
    ).encode()
    start = time.perf_counter() + 0.05
    schedule: list[list[float]] = [[] for _ in range(connections)]
    for index in range(requests):
        schedule[index % connections].append(start + index / rate)
    latencies: list[float] = []
    statuses: list[int] = []
    await asyncio.gather(
        *(_connection(port, request, due, latencies, statuses) for due in schedule)
    )
    elapsed = time.perf_counter() - start
    latencies.sort()

    def percentile(fraction: float) -> float:
        return latencies[min(len(latencies) - 1, int(fraction * len(latencies)))] * 1e6

    return {
        "requests": len(statuses),
        "errors": sum(status != 200 for status in statuses),
        "seconds": elapsed,
        "rps": len(statuses) / elapsed,
        "p50_us": percentile(0.50),
        "p99_us": percentile(0.99),
    }


def main(argv: list[str]) -> int:
    port, token, requests, connections, rate = (
        int(argv[0]),
        argv[1],
        int(argv[2]),
        int(argv[3]),
        float(argv[4]),
    )
    print(json.dumps(asyncio.run(drive(port, token, requests, connections, rate))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
