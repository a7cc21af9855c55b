"""`make bench`: starts its own embedded PostgreSQL and broker, measures, and rewrites the figures in
docs/benchmarks.md with each target's verdict computed from them (bench/verdicts.py). Nothing here asserts a
target: the figures and verdicts are recorded for people to read."""

import asyncio
import datetime as dt
import json
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

from assistance_bench import bench_assistance  # noqa: E402
from import_bench import bench_import  # noqa: E402
from ledger_bench import bench_ledger  # noqa: E402
from replicas_bench import bench_replicas  # noqa: E402
from screening_bench import bench_screening  # noqa: E402
from verdicts import verdicts  # noqa: E402

from devkit.runtime.embedded import EmbeddedRuntime, free_port  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "2"))
OUTBOX_EVENTS = int(os.environ.get("BENCH_OUTBOX_EVENTS", "50000"))
# BENCH_ONLY=screening (comma-separated) runs a part; the report keeps the other parts' last figures.
ONLY = set(os.environ.get("BENCH_ONLY", "intake,import,relay,screening,replicas,assistance,ledger").split(","))


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


def wrk(url: str, token: str, offset: int, seconds: int) -> dict[str, float]:
    """Closed-loop load from wrk (C, so the client takes little of the CPU the servers need)."""
    out = subprocess.run(
        [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{CONCURRENCY}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(ROOT / "bench/register.lua"),
            f"{url}/households",
            "--",
            token,
            str(offset),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def bench_registration(env: dict[str, str]) -> dict[str, str]:
    from common.auth import issue_token
    from common.settings import CommonSettings

    token = issue_token(CommonSettings(), sub="bench", role="village_cadre", region="532504102")
    results = {}
    for offset, (name, module) in enumerate([("intake", "intake.main:app"), ("baseline", "baseline_app:app")]):
        proc, url = start_server(module, {**env, "PYTHONPATH": str(ROOT / "bench"), "LOG_LEVEL": "WARNING"})
        try:
            wrk(url, token, offset=(2 * offset + 1) * 10_000_000, seconds=3)  # warm-up
            results[name] = wrk(url, token, offset=(2 * offset + 2) * 10_000_000, seconds=SECONDS)
        finally:
            proc.terminate()
            proc.wait(10)
    intake, base = results["intake"], results["baseline"]
    rate = {k: v["requests"] / v["seconds"] for k, v in results.items()}
    return {
        "reg_rate": f"{rate['intake']:,.0f}",
        "reg_p50": f"{intake['p50_ms']:.1f}",
        "reg_p99": f"{intake['p99_ms']:.1f}",
        "reg_errors": f"{intake['non_2xx'] + intake['socket_errors']:.0f}",
        "base_rate": f"{rate['baseline']:,.0f}",
        "base_p50": f"{base['p50_ms']:.1f}",
        "base_p99": f"{base['p99_ms']:.1f}",
        "reg_ratio": f"{rate['intake'] / rate['baseline']:.2f}",
    }


async def bench_relay(env: dict[str, str]) -> dict[str, str]:
    from sqlalchemy import MetaData, func, select, text

    from common.db import Database
    from common.events.envelope import encode, new_envelope
    from common.messaging.outbox import Outbox
    from common.messaging.relay import OutboxRelay
    from contracts.audit import PersonalDataAccessedV1

    db = Database(env["DATABASE_URL"])
    metadata = MetaData(schema="benchrelay")
    outbox = Outbox(metadata, source="/bench", topics=[PersonalDataAccessedV1.topic])
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
            **(bench_registration(env) if "intake" in ONLY else {}),
            **(await bench_import(env, start_server) if "import" in ONLY else {}),
            **(await bench_relay(env) if "relay" in ONLY else {}),
            **(await bench_screening(env, start_server) if "screening" in ONLY else {}),
            **(await bench_replicas(env, start_server) if "replicas" in ONLY else {}),
            **(await bench_assistance(env, start_server) if "assistance" in ONLY else {}),
            **(await bench_ledger(env, start_server) if "ledger" in ONLY else {}),
        }
    finally:
        runtime.stop()
    figures |= verdicts(figures)
    write_report(figures)
    for key, value in figures.items():
        print(f"{key:>14}: {value}")


if __name__ == "__main__":
    asyncio.run(main())
