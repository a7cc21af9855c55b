"""Screening's figures for `make bench`: feed -> alert throughput against aiokafka + COPY, event -> alert
latency over REST at a fixed rate, and re-screening after a policy change against one COPY-and-scan.

Households are written straight into screening's projection tables (as if intake's events had arrived):
what is measured is the department-record path and the rules, not registration (measured on its own)."""

import asyncio
import datetime as dt
import io
import json
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from common.auth import issue_token
from common.db import asyncpg_dsn
from common.events.envelope import encode, new_envelope
from common.messaging.kafka import ensure_topics
from common.regions import regions
from common.settings import CommonSettings
from contracts.dept import HousingRecordV1
from devkit.testing.fixtures import produce_many, resident_id

FEED_RECORDS = int(os.environ.get("BENCH_FEED_RECORDS", "20000"))
LATENCY_RATE = int(os.environ.get("BENCH_LATENCY_RATE", "3000"))
LATENCY_SECONDS = int(os.environ.get("BENCH_LATENCY_SECONDS", "5"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))  # the noisy figures are measured this many times
LATENCY_SAMPLE_EVERY = 100  # one record in 100 is followed over REST (polling more would load the service)
RESCREEN_HOUSEHOLDS = int(os.environ.get("BENCH_RESCREEN_HOUSEHOLDS", "200000"))
FEED_COUNTY, RESCREEN_COUNTY = "640104", "532504"  # Ningxia's 2020 line (5,000); Mile's (4,428)
SOURCE = "/bench/housing"


async def seed_households(conn: asyncpg.Connection, county: str, n: int, *, incomes: bool) -> list[str]:
    """n households of one member each in the county's villages; returns the members' resident IDs."""
    cipher = CommonSettings().pii_cipher()
    villages, rng = regions().villages(county), random.Random(n)
    ids, households, members, income_rows = [], [], [], []
    for i in range(n):
        rid, household, member = resident_id(region=county), uuid.uuid4(), uuid.uuid4()
        index = cipher.blind_index(rid, "resident_id")
        facts = {"id_index": index, "relation": "head", "sex": "male", "labour_capacity": "full", "active": True}
        ids.append(rid)
        households.append((household, villages[i % len(villages)], 1, json.dumps([facts])))
        members.append((member, household, index, True))
        if incomes:
            per_capita = rng.randrange(3000, 12000)
            income_rows.append((household, 2020, 1, 1, per_capita, per_capita, rng.randrange(0, 4000)))
    await conn.copy_records_to_table(
        "known_households",
        schema_name="screening",
        records=households,
        columns=["household_id", "region_code", "version", "members"],
    )
    await conn.copy_records_to_table(
        "known_members",
        schema_name="screening",
        records=members,
        columns=["member_id", "household_id", "id_index", "active"],
    )
    if incomes:
        await conn.copy_records_to_table(
            "known_incomes",
            schema_name="screening",
            records=income_rows,
            columns=[
                "household_id",
                "year",
                "revision",
                "members_count",
                "total_income",
                "per_capita_net_income",
                "rigid_expense",
            ],
        )
    await conn.execute("ANALYZE screening.known_households; ANALYZE screening.known_members")
    return ids


def housing_event(rid: str, n: int) -> tuple[bytes, bytes]:
    """A grade D appraisal: it raises `housing_unsafe` for the household (one alert per record)."""
    record = HousingRecordV1(
        record_id=f"bench-{n}", resident_id=rid, event_date=dt.date(2020, 6, 1), kind="appraisal", grade="D"
    )
    event = encode(new_envelope(record, source=SOURCE, subject=f"housing:bench-{n}"))
    key = event.key
    return event.value, key.encode() if isinstance(key, str) else key or b""


async def wait_for(check: Callable[[], Any], interval: float = 0.05) -> None:
    while not await check():  # noqa: ASYNC110  (polling the database is the measurement)
        await asyncio.sleep(interval)


async def feed_throughput(conn: asyncpg.Connection, bootstrap: str, ids: list[str], offset: int) -> dict[str, float]:
    """From the first record produced to the last one stored and its alert committed."""
    events = [housing_event(rid, offset + i) for i, rid in enumerate(ids)]
    before = await conn.fetchval("SELECT count(*) FROM screening.alerts")
    started = time.perf_counter()
    await produce_many(bootstrap, HousingRecordV1.topic, events)
    produced = time.perf_counter() - started

    async def done() -> bool:
        return int(await conn.fetchval("SELECT count(*) FROM screening.alerts")) - before >= len(events)

    await wait_for(done)
    return {"seconds": time.perf_counter() - started, "produce_seconds": produced}


async def baseline_throughput(bootstrap: str, dsn: str, ids: list[str]) -> float:
    """The raw floor: the same records consumed with aiokafka and COPYed into a table, offsets committed."""
    topic = f"dept.bench-baseline.{uuid.uuid4().hex[:8]}"  # named as a feed: partitioned as the feeds are
    conn = await asyncpg.connect(dsn)
    await conn.execute("CREATE TABLE IF NOT EXISTS public.bench_feed (key bytea, value bytea)")
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-baseline-{uuid.uuid4().hex[:8]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=500,
        metadata_max_age_ms=1000,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await ensure_topics(bootstrap, [topic], CommonSettings())
    await producer.start()
    await consumer.start()
    while not consumer.assignment():
        await consumer.getmany(timeout_ms=200)
    events = [housing_event(rid, i) for i, rid in enumerate(ids)]
    started = time.perf_counter()
    for value, key in events:
        await producer.send(topic, value, key=key)
    await producer.flush()
    stored = 0
    while stored < len(events):
        batch = await consumer.getmany(timeout_ms=200, max_records=500)
        rows = [(r.key, r.value) for records in batch.values() for r in records]
        if rows:
            await conn.copy_records_to_table("bench_feed", schema_name="public", records=rows)
            await consumer.commit()
            stored += len(rows)
    elapsed = time.perf_counter() - started
    await producer.stop()
    await consumer.stop()
    await conn.execute("DROP TABLE public.bench_feed")
    await conn.close()
    return elapsed


async def latency(producer: AIOKafkaProducer, url: str, ids: list[str], token: str, offset: int) -> list[float]:
    """Records at a fixed rate; a sample of them followed over REST until their alert is listed."""
    samples: list[float] = []
    followers = []
    households: dict[str, str] = {}
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:

        async def follow(household_id: str, sent: float) -> None:
            while True:
                page = (await client.get("/alerts", params={"household_id": household_id, "limit": 1})).json()
                if page["items"]:
                    samples.append(time.perf_counter() - sent)
                    return
                await asyncio.sleep(0.025)

        dsn_conn = await asyncpg.connect(asyncpg_dsn(os.environ["DATABASE_URL"]))
        cipher = CommonSettings().pii_cipher()
        sampled = ids[::LATENCY_SAMPLE_EVERY]
        rows = await dsn_conn.fetch(
            "SELECT id_index, household_id::text FROM screening.known_members WHERE id_index = ANY($1)",
            [cipher.blind_index(rid, "resident_id") for rid in sampled],
        )
        await dsn_conn.close()
        by_index = {r["id_index"]: r["household_id"] for r in rows}
        households = {rid: by_index[cipher.blind_index(rid, "resident_id")] for rid in sampled}
        events = [housing_event(rid, offset + i) for i, rid in enumerate(ids)]
        started = time.perf_counter()
        for i, (value, key) in enumerate(events):
            due = started + i / LATENCY_RATE
            if (wait := due - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            await producer.send(HousingRecordV1.topic, value, key=key)
            if ids[i] in households:
                followers.append(asyncio.create_task(follow(households[ids[i]], time.perf_counter())))
        await producer.flush()
        await asyncio.gather(*followers)
    return samples


async def rescreen(url: str, conn: asyncpg.Connection, token: str) -> dict[str, float]:
    """Publish a new version of Mile's 2020 policy and wait for its re-screening job to finish."""
    body = {
        "jurisdiction": {
            "code": RESCREEN_COUNTY,
            "name": "弥勒市",
            "level": "county_city",
            "prefixes": [RESCREEN_COUNTY],
        },
        "year": 2020,
        "effective_from": "2020-01-01",
        "name": "bench: a raised line",
        "source": "make bench",
        "values": {"line": {"basis": "fixed", "amount": "5000"}},
        "sources": {"line": "make bench"},
    }
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        started = time.perf_counter()
        policy = (await client.post("/policies", json=body)).raise_for_status().json()
        while True:
            job = (await client.get(f"/policies/{policy['id']}/rescreening")).raise_for_status().json()
            if job["state"] == "done":
                break
            await asyncio.sleep(0.1)
    elapsed = time.perf_counter() - started
    alerts = await conn.fetchval(
        "SELECT count(*) FROM screening.alerts WHERE region_code LIKE $1 AND rule = 'income_below_line'",
        RESCREEN_COUNTY + "%",
    )
    return {"seconds": elapsed, "households": job["processed"], "alerts": alerts}


def _per_capita(line: bytes) -> float:
    """The per-capita income column of a COPY text line; a household without income has NULL (\\N)."""
    field = line.split(b"\t")[5]
    return 0.0 if field in (b"", b"\\N") else float(field)


async def copy_and_scan(conn: asyncpg.Connection) -> float:
    """The floor for re-screening: every profile of the county read once with COPY and scanned line by line."""
    out = io.BytesIO()
    started = time.perf_counter()
    await conn.copy_from_query(
        "SELECT h.household_id, h.region_code, h.members, i.year, i.total_income, i.per_capita_net_income, "
        "i.rigid_expense FROM screening.known_households h LEFT JOIN screening.known_incomes i USING (household_id) "
        f"WHERE h.region_code LIKE '{RESCREEN_COUNTY}%'",
        output=out,
    )
    below = sum(1 for line in out.getvalue().splitlines() if _per_capita(line) < 5000)
    assert below >= 0
    return time.perf_counter() - started


async def bench_screening(env: dict[str, str], start_server: Callable[..., Any]) -> dict[str, str]:
    bootstrap, dsn = env["KAFKA_BOOTSTRAP_SERVERS"], asyncpg_dsn(env["DATABASE_URL"])
    settings = CommonSettings()
    proc, url = start_server("screening.main:app", {**env, "LOG_LEVEL": "WARNING"})
    conn = await asyncpg.connect(dsn)
    try:
        per_run = LATENCY_RATE * LATENCY_SECONDS
        ids = await seed_households(conn, FEED_COUNTY, FEED_RECORDS + 1 + per_run * REPEATS, incomes=False)
        warm, feed_ids, latency_ids = ids[:1], ids[1 : FEED_RECORDS + 1], ids[FEED_RECORDS + 1 :]
        await feed_throughput(conn, bootstrap, warm, offset=20_000_000)  # the consumer is assigned and warm
        feed = await feed_throughput(conn, bootstrap, feed_ids, offset=0)
        base_seconds = await baseline_throughput(bootstrap, dsn, feed_ids)
        county_token = issue_token(settings, sub="bench-officer", role="county_officer", region=FEED_COUNTY)
        runs = []
        # One producer for every run (one connection, as a department's system would hold).
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=2)
        await producer.start()
        try:
            for run in range(REPEATS):  # the same load again on fresh households: the spread is the noise
                chunk = latency_ids[run * per_run : (run + 1) * per_run]
                # Record ids of their own (the warm-up record is bench-20000000: a run reusing it would be a
                # duplicate, raise no alert, and its follower would wait for ever).
                offset = 40_000_000 + 1_000_000 * run
                runs.append(sorted(await latency(producer, url, chunk, county_token, offset=offset)))
        finally:
            await producer.stop()
        await seed_households(conn, RESCREEN_COUNTY, RESCREEN_HOUSEHOLDS, incomes=True)
        mile_token = issue_token(settings, sub="bench-officer", role="county_officer", region=RESCREEN_COUNTY)
        rescreened = await rescreen(url, conn, mile_token)
        scan_seconds = await copy_and_scan(conn)
    finally:
        await conn.close()
        proc.terminate()
        proc.wait(10)
    feed_rate, base_rate = FEED_RECORDS / feed["seconds"], FEED_RECORDS / base_seconds
    p99s = [r[min(len(r) - 1, int(len(r) * 0.99))] for r in runs]
    return {
        "feed_records": f"{FEED_RECORDS:,}",
        "feed_rate": f"{feed_rate:,.0f}",
        "feed_base_rate": f"{base_rate:,.0f}",
        "feed_ratio": f"{feed_rate / base_rate:.2f}",
        "lat_rate": f"{LATENCY_RATE:,}",
        "lat_samples": f"{sum(len(r) for r in runs):,}",
        "lat_runs": f"{REPEATS}",
        "lat_p50": f"{statistics.median(statistics.median(r) for r in runs) * 1000:.0f}",
        "lat_p99": f"{statistics.median(p99s) * 1000:.0f}",
        "lat_p99_spread": ", ".join(f"{p * 1000:.0f}" for p in p99s),
        "rescreen_households": f"{rescreened['households']:,}",
        "rescreen_seconds": f"{rescreened['seconds']:.1f}",
        "rescreen_alerts": f"{rescreened['alerts']:,}",
        "scan_seconds": f"{scan_seconds:.2f}",
        "rescreen_ratio": f"{rescreened['seconds'] / scan_seconds:.0f}",
    }
