"""Ledger's figures for `make bench`: append throughput into the Merkle log, `verify` over the whole log,
and inclusion-proof latency over REST against a signed checkpoint."""

import datetime as dt
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from common.auth import issue_token
from common.db import Database, asyncpg_dsn
from common.settings import CommonSettings

ENTRIES = int(os.environ.get("BENCH_LEDGER_ENTRIES", "1000000"))
BATCH = 1000
PROOFS = int(os.environ.get("BENCH_LEDGER_PROOFS", "2000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))  # the noisy figures are measured this many times


def events(start: int, n: int) -> list[dict[str, Any]]:
    """Events shaped like the system's (an access record: ~400 bytes of canonical JSON each)."""
    now = dt.datetime.now(dt.UTC)
    out = []
    for i in range(start, start + n):
        household = uuid.UUID(int=i)
        out.append(
            {
                "source": "/bench/intake",
                "event_id": str(uuid.uuid4()),
                "topic": "audit.access.v1",
                "type": "audit.access.recorded",
                "subject": str(household),
                "time": now,
                "data": {
                    "household_id": str(household),
                    "region_code": "532504102001",
                    "actor": f"cadre-{i % 500}",
                    "actor_role": "village_cadre",
                    "actor_region": "532504102",
                    "what": "household detail",
                    "purpose": "monthly visit",
                    "service": "intake",
                    "accessed_at": now.isoformat(),
                },
            }
        )
    return out


async def append_all(db: Database, n: int) -> float:
    from ledger.entries import service as log

    elapsed = 0.0
    for start in range(0, n, BATCH):
        batch = events(start, min(BATCH, n - start))  # made outside the timing: the append is measured
        started = time.perf_counter()
        async with db.transaction() as session:
            await log.append(session, batch)
        elapsed += time.perf_counter() - started
    return elapsed


async def proof_latencies(url: str, token: str, tree_size: int, seed: int, *, floor: bool = False) -> list[float]:
    """Sequential inclusion proofs for random entries; with `floor`, the same number of reads of the latest
    checkpoint (one row, the same token check and middleware): what any request costs here."""
    rng = random.Random(seed)
    samples = []

    def path() -> str:
        return "/checkpoints/latest" if floor else f"/entries/{rng.randrange(tree_size)}/inclusion-proof"

    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        for _ in range(50):  # warm-up
            (await client.get(path())).raise_for_status()
        for _ in range(PROOFS):
            started = time.perf_counter()
            (await client.get(path())).raise_for_status()
            samples.append(time.perf_counter() - started)
    return sorted(samples)


async def bench_ledger(env: dict[str, str], start_server: Callable[..., Any]) -> dict[str, str]:
    from ledger.entries.verify import public_key_from, verify

    settings = CommonSettings()
    proc, url = start_server("ledger.main:app", {**env, "LOG_LEVEL": "WARNING", "CHECKPOINT_INTERVAL_S": "3600"})
    db = Database(env["DATABASE_URL"])
    try:
        append_seconds = await append_all(db, ENTRIES)
        token = issue_token(settings, sub="bench-auditor", role="auditor", region="")
        async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
            checkpoint = (await client.post("/checkpoints")).raise_for_status().json()
        from ledger.config import settings as ledger_settings

        report = await verify(
            asyncpg_dsn(env["DATABASE_URL"]),
            public_key_from(ledger_settings.ledger_signing_key),
            ledger_settings.ledger_origin,
        )
        assert report.ok, report.as_dict()
        runs = [await proof_latencies(url, token, checkpoint["tree_size"], seed) for seed in range(REPEATS)]
        floor = await proof_latencies(url, token, checkpoint["tree_size"], 0, floor=True)
    finally:
        await db.dispose()
        proc.terminate()
        proc.wait(10)
    p99s = [r[int(len(r) * 0.99)] for r in runs]
    return {
        "ledger_entries": f"{ENTRIES:,}",
        "append_rate": f"{ENTRIES / append_seconds:,.0f}",
        "verify_entries": f"{report.entries:,}",
        "verify_seconds": f"{report.seconds:.1f}",
        "proof_samples": f"{len(runs[0]):,}",
        "proof_runs": f"{REPEATS}",
        "proof_p50": f"{statistics.median(statistics.median(r) for r in runs) * 1000:.1f}",
        "proof_p99": f"{statistics.median(p99s) * 1000:.1f}",
        "proof_p99_spread": ", ".join(f"{p * 1000:.1f}" for p in p99s),
        "floor_p50": f"{statistics.median(floor) * 1000:.1f}",
        "floor_p99": f"{floor[int(len(floor) * 0.99)] * 1000:.1f}",
    }
