"""A small closed-loop HTTP load generator: N concurrent clients, each sending its next request on reply."""

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        return statistics.quantiles(self.latencies_ms, n=100)[int(q) - 1]


async def run_load(
    url: str, body: Callable[[int], dict[str, Any]], headers: dict[str, str], *, total: int, concurrency: int
) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for i in counter:
            start = time.perf_counter()
            r = await client.post(url, json=body(i), headers=headers)
            latencies.append((time.perf_counter() - start) * 1000)
            if r.status_code != 201:
                errors += 1

    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return LoadResult(total, errors, elapsed, latencies)
