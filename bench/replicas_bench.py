"""Two screening replicas in one consumer group share a department feed: how the records split between them,
and that the totals hold (every record applied once, every alert raised once). On a 2-core machine the two
processes cannot go faster than one: what this shows is the split, not a speed-up."""

import asyncio
import os
import re
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
from screening_bench import housing_event, seed_households, wait_for

from common.db import asyncpg_dsn
from contracts.dept import HousingRecordV1
from devkit.testing.fixtures import produce_many

RECORDS = int(os.environ.get("BENCH_REPLICA_RECORDS", "12000"))
COUNTY = "640105"  # 银川市西夏区: households of their own, apart from the other parts'
APPLIED = re.compile(r'events_consumed_total\{[^}]*outcome="applied"[^}]*topic="dept\.housing\.v1"[^}]*\} ([0-9.e+]+)')


async def applied(url: str) -> int:
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"{url}/metrics")).text
    return int(sum(float(v) for v in APPLIED.findall(text)))


async def bench_replicas(env: dict[str, str], start_server: Callable[..., Any]) -> dict[str, str]:
    bootstrap, dsn = env["KAFKA_BOOTSTRAP_SERVERS"], asyncpg_dsn(env["DATABASE_URL"])
    replicas = [start_server("screening.main:app", {**env, "LOG_LEVEL": "WARNING"}) for _ in range(2)]
    conn = await asyncpg.connect(dsn)
    try:
        ids = await seed_households(conn, COUNTY, RECORDS + 2, incomes=False)
        await asyncio.sleep(10)  # both members joined the group and the partitions are assigned
        warm = [housing_event(r, 80_000_000 + i) for i, r in enumerate(ids[:2])]  # one record through each
        await produce_many(bootstrap, HousingRecordV1.topic, warm)
        await asyncio.sleep(2)
        before = [await applied(url) for _, url in replicas]
        events = [housing_event(rid, 90_000_000 + i) for i, rid in enumerate(ids[2:])]
        await produce_many(bootstrap, HousingRecordV1.topic, events)

        async def alerted() -> bool:
            n = await conn.fetchval(
                "SELECT count(*) FROM screening.alerts WHERE region_code LIKE $1 AND rule = 'housing_unsafe'",
                COUNTY + "%",
            )
            return int(n) >= RECORDS + 2

        await wait_for(alerted)
        await asyncio.sleep(2)  # the counters of the last batch
        after = [await applied(url) for _, url in replicas]
        stored = await conn.fetchval(
            "SELECT count(*) FROM screening.dept_records "
            "WHERE department = 'housing' AND record_id LIKE 'bench-9_______'"
        )
        alerts = await conn.fetchval(
            "SELECT count(*) FROM screening.alerts WHERE region_code LIKE $1 AND rule = 'housing_unsafe'", COUNTY + "%"
        )
    finally:
        await conn.close()
        for proc, _ in replicas:
            proc.terminate()
            proc.wait(10)
    split = [a - b for a, b in zip(after, before, strict=True)]
    return {
        "rep_records": f"{RECORDS:,}",
        "rep_a": f"{split[0]:,}",
        "rep_b": f"{split[1]:,}",
        "rep_applied": f"{sum(split):,}",
        "rep_stored": f"{stored:,}",
        "rep_alerts": f"{alerts - 2:,}",
    }
