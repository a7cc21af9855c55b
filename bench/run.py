"""`make bench`: starts its own embedded PostgreSQL and broker, measures, and rewrites the figures in
docs/benchmarks.md. Nothing here asserts a target: the figures are recorded for people to read."""

import asyncio
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from common.runtime.embedded import EmbeddedRuntime, free_port  # noqa: E402
from common.testing.fixtures import mobile, resident_id  # noqa: E402

REGISTRATIONS = int(os.environ.get("BENCH_REGISTRATIONS", "3000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))
OUTBOX_EVENTS = int(os.environ.get("BENCH_OUTBOX_EVENTS", "50000"))


def start_server(module: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", module, "--port", str(port), "--no-access-log", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/docs", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{module} did not start")


def household(i: int) -> dict[str, object]:
    return {
        "region_code": "532504102001",
        "household_no": f"b{uuid.uuid4().hex[:14]}",
        "address": "1组",
        "category": "lifted",
        "members": [
            {
                "name": "张三",
                "resident_id": resident_id(),
                "relation": "head",
                "labour_capacity": "full",
                "phone": mobile(),
            },
            {"name": "李四", "resident_id": resident_id(), "relation": "spouse", "labour_capacity": "partial"},
        ],
    }


async def bench_registration(env: dict[str, str]) -> dict[str, str]:
    from load import run_load

    from common.auth import issue_token
    from common.settings import CommonSettings

    token = issue_token(CommonSettings(), sub="bench", role="village_cadre", region="532504102")
    headers = {"Authorization": f"Bearer {token}"}
    results = {}
    for name, module in [("intake", "intake.main:app"), ("baseline", "baseline_app:app")]:
        warmup = [household(i) for i in range(200)]
        bodies = [household(i) for i in range(REGISTRATIONS)]  # fresh resident IDs for each run
        proc, url = start_server(module, {**env, "PYTHONPATH": str(ROOT / "bench"), "LOG_LEVEL": "WARNING"})
        try:
            await run_load(f"{url}/households", warmup.__getitem__, headers, total=200, concurrency=CONCURRENCY)
            results[name] = await run_load(
                f"{url}/households", bodies.__getitem__, headers, total=REGISTRATIONS, concurrency=CONCURRENCY
            )
        finally:
            proc.terminate()
            proc.wait(10)
    intake, base = results["intake"], results["baseline"]
    return {
        "reg_rate": f"{intake.rate:,.0f}",
        "reg_p50": f"{intake.pct(50):.1f}",
        "reg_p99": f"{intake.pct(99):.1f}",
        "reg_errors": str(intake.errors),
        "base_rate": f"{base.rate:,.0f}",
        "base_p50": f"{base.pct(50):.1f}",
        "base_p99": f"{base.pct(99):.1f}",
        "reg_ratio": f"{intake.rate / base.rate:.2f}",
    }


async def bench_relay(env: dict[str, str]) -> dict[str, str]:
    from sqlalchemy import MetaData, func, select, text

    from common.db import Database
    from common.events.contracts.audit import PersonalDataAccessedV1
    from common.events.envelope import encode, new_envelope
    from common.messaging.outbox import Outbox
    from common.messaging.relay import OutboxRelay

    db = Database(env["DATABASE_URL"])
    metadata = MetaData(schema="benchrelay")
    outbox = Outbox(metadata, source="/bench")
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS benchrelay CASCADE"))
        await conn.execute(text("CREATE SCHEMA benchrelay"))
        await conn.run_sync(metadata.create_all)
    payload = PersonalDataAccessedV1(
        household_id=uuid.uuid4(),
        region_code="532504102001",
        actor="bench",
        actor_role="auditor",
        actor_region="",
        what="bench",
        purpose="bench",
        service="bench",
        accessed_at=dt.datetime.now(dt.UTC),
    )
    rows = []
    for i in range(OUTBOX_EVENTS):
        event = new_envelope(payload, source="/bench", subject=f"h{i % 5000}")
        rows.append(
            {
                "event_id": uuid.UUID(event.get_id()),
                "topic": "bench.relay.v1",
                "key": f"h{i % 5000}",
                "value": encode(event).value,
            }
        )
    async with db.transaction() as s:
        for start in range(0, len(rows), 5000):
            await s.execute(outbox.table.insert(), rows[start : start + 5000])
    relay = OutboxRelay(
        outbox.table,
        outbox.channel,
        env["KAFKA_BOOTSTRAP_SERVERS"],
        database_url=env["DATABASE_URL"],
        batch_size=1000,
        client_id="bench-relay",
    )
    started = time.perf_counter()
    task = asyncio.create_task(relay.run())
    unsent = select(func.count()).select_from(outbox.table).where(outbox.table.c.sent_at.is_(None))
    while True:
        async with db.engine.connect() as conn:
            if (await conn.execute(unsent)).scalar_one() == 0:
                break
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    relay.stop()
    await task
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA benchrelay CASCADE"))
    await db.dispose()
    return {
        "relay_events": f"{OUTBOX_EVENTS:,}",
        "relay_seconds": f"{elapsed:.2f}",
        "relay_rate": f"{OUTBOX_EVENTS / elapsed:,.0f}",
    }


def write_report(figures: dict[str, str]) -> None:
    path = ROOT / "docs/benchmarks.md"
    text = path.read_text(encoding="utf-8")
    for key, value in figures.items():
        text = re.sub(rf"(<!-- {key} -->)[^<]*(<!-- /{key} -->)", rf"\g<1>{value}\g<2>", text)
    path.write_text(text, encoding="utf-8")


async def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="safetynet-bench-"))
    runtime = EmbeddedRuntime(data).start()
    env = {**os.environ, **runtime.env(), "ENVIRONMENT": "development", "RUN_WORKERS": "true"}
    os.environ.update(runtime.env())
    try:
        figures = {
            "date": dt.date.today().isoformat(),
            "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
            **await bench_registration(env),
            **await bench_relay(env),
        }
    finally:
        runtime.stop()
    write_report(figures)
    for key, value in figures.items():
        print(f"{key:>14}: {value}")


if __name__ == "__main__":
    asyncio.run(main())
