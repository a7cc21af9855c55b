"""Assistance's figures for `make bench`: plan recommendation for approved cases arriving on the bus, and
elimination evaluation over REST, each against reading the same rows from PostgreSQL.

Households are written straight into assistance's projection (as if intake's events had arrived); the cases
are real `intake.case.approved` events on the broker."""

import asyncio
import datetime as dt
import json
import os
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx

from common.auth import issue_token
from common.db import asyncpg_dsn
from common.events.envelope import encode, new_envelope
from common.regions import regions
from common.settings import CommonSettings
from contracts.intake import CaseApprovedV1, CaseRisk
from devkit.testing.fixtures import produce_many

CASES = int(os.environ.get("BENCH_ASSISTANCE_CASES", "100000"))
COUNTY = "532504"
RISKS = ["illness", "schooling", "disability", "natural_disaster", "accident", "unstable_employment", "lack_of_labour"]


def case_events(households: list[tuple[uuid.UUID, str]]) -> list[tuple[bytes, bytes]]:
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    out = []
    for household_id, village in households:
        event = CaseApprovedV1(
            case_id=uuid.uuid4(),
            household_id=household_id,
            region_code=village,
            state="monitored",
            previous_state="township_verified",
            channels=["cadre_screening"],
            object_type="sudden_hardship",
            risks=[CaseRisk(category=c) for c in rng.sample(RISKS, rng.choice((1, 1, 2, 3)))],
            weak_motivation=rng.random() < 0.1,
            actor="bench",
            actor_role="county_officer",
            occurred_at=now,
        )
        message = encode(new_envelope(event, source="/bench/intake", subject=household_id))
        key = message.key
        out.append((message.value, key.encode() if isinstance(key, str) else key or b""))
    return out


async def seed_households(conn: asyncpg.Connection, n: int) -> list[tuple[uuid.UUID, str]]:
    villages, rng = regions().villages(COUNTY), random.Random(3)
    rows, out = [], []
    for i in range(n):
        household, village = uuid.uuid4(), villages[i % len(villages)]
        labour = rng.choice(("full", "full", "partial", "none"))
        members = [{"labour_capacity": labour, "active": True, "relation": "head"}]
        rows.append((household, village, 1, json.dumps(members)))
        out.append((household, village))
    await conn.copy_records_to_table(
        "known_households",
        schema_name="assistance",
        records=rows,
        columns=["household_id", "region_code", "version", "members"],
    )
    return out


async def recommendation(conn: asyncpg.Connection, bootstrap: str, households: list[tuple[uuid.UUID, str]]) -> float:
    events = case_events(households)
    started = time.perf_counter()
    await produce_many(bootstrap, CaseApprovedV1.topic, events)
    while await conn.fetchval("SELECT count(*) FROM assistance.plans") < len(events):  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    return time.perf_counter() - started


async def read_cases(conn: asyncpg.Connection) -> float:
    """The floor: the same cases and households read back from PostgreSQL."""
    started = time.perf_counter()
    rows = await conn.fetch(
        "SELECT c.case_id, c.household_id, c.region_code, c.risks, c.weak_motivation, h.members "
        "FROM assistance.monitored_cases c JOIN assistance.known_households h USING (household_id)"
    )
    assert rows
    return time.perf_counter() - started


async def prepare_evaluation(conn: asyncpg.Connection, today: dt.date) -> None:
    """Every plan approved with its measures implemented; a year of monthly income, a guarantee check and
    last year's income per household; the line in force."""
    await conn.execute("UPDATE assistance.plans SET state = 'approved', approved_by = 'bench', approved_at = now()")
    await conn.execute(
        "UPDATE assistance.plan_measures SET status = 'implemented', implemented_on = $1, "
        "responsible_cadre = 'bench', start_date = $1, due_date = $1",
        today,
    )
    households = [r["household_id"] for r in await conn.fetch("SELECT household_id FROM assistance.plans")]
    first, months = today.replace(day=1), []
    for _ in range(12):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    rng = random.Random(5)
    await conn.copy_records_to_table(
        "income_months",
        schema_name="assistance",
        records=((h, m, rng.randrange(200, 900), "bench") for h in households for m in months),
        columns=["household_id", "month", "per_capita", "recorded_by"],
    )
    await conn.copy_records_to_table(
        "guarantee_checks",
        schema_name="assistance",
        records=(
            (uuid.uuid4(), h, today, True, True, True, True, rng.random() > 0.05, True, "bench") for h in households
        ),
        columns=[
            "id",
            "household_id",
            "checked_on",
            "food",
            "clothing",
            "compulsory_education",
            "basic_medical",
            "housing",
            "drinking_water",
            "recorded_by",
        ],
    )
    await conn.copy_records_to_table(
        "known_incomes",
        schema_name="assistance",
        records=((h, today.year - 1, 1, 8000, 16000, rng.randrange(0, 20000)) for h in households),
        columns=["household_id", "year", "revision", "per_capita_net_income", "total_income", "rigid_expense"],
    )
    await conn.execute(  # the county's pack, as screening's event leaves it in assistance (common.policy.keep)
        "INSERT INTO assistance.policy_packs (policy_id, jurisdiction, level, prefixes, year, version, effective_from,"
        " pack) VALUES (gen_random_uuid(), $1::varchar, 'county_city', ARRAY[$1::varchar], 2020, 1, '2020-01-01',"
        """ '{"line": {"basis": "fixed", "amount": "4428"}}'::jsonb) ON CONFLICT DO NOTHING""",
        COUNTY,
    )
    await conn.execute("ANALYZE")


async def evaluation(url: str, token: str) -> tuple[float, int, int]:
    """Every approved plan of the county evaluated through `/elimination-candidates`, 1,000 a page."""
    evaluated = eligible = 0
    cursor = None
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        started = time.perf_counter()
        while True:
            params: dict[str, Any] = {"region_prefix": COUNTY, "limit": 1000, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/elimination-candidates", params=params)).raise_for_status().json()
            evaluated += len(page["items"])
            eligible += sum(1 for e in page["items"] if e["eligible"])
            if not (cursor := page["next_cursor"]):
                break
        return time.perf_counter() - started, evaluated, eligible


async def read_evaluation_rows(conn: asyncpg.Connection, today: dt.date) -> float:
    """The floor: the rows the criteria read, fetched from PostgreSQL."""
    started = time.perf_counter()
    for q in (
        "SELECT * FROM assistance.plans WHERE state = 'approved'",
        "SELECT * FROM assistance.plan_measures",
        "SELECT * FROM assistance.known_households",
        "SELECT DISTINCT ON (household_id) * FROM assistance.guarantee_checks ORDER BY household_id, checked_on DESC",
        "SELECT * FROM assistance.known_incomes",
    ):
        assert await conn.fetch(q)
    assert await conn.fetch("SELECT * FROM assistance.income_months WHERE month >= $1", today - dt.timedelta(days=400))
    return time.perf_counter() - started


async def bench_assistance(env: dict[str, str], start_server: Callable[..., Any]) -> dict[str, str]:
    bootstrap, dsn = env["KAFKA_BOOTSTRAP_SERVERS"], asyncpg_dsn(env["DATABASE_URL"])
    proc, url = start_server("assistance.main:app", {**env, "LOG_LEVEL": "WARNING"})
    conn = await asyncpg.connect(dsn)
    today = dt.date.today()
    try:
        households = await seed_households(conn, CASES)
        recommend_seconds = await recommendation(conn, bootstrap, households)
        read_seconds = await read_cases(conn)
        await prepare_evaluation(conn, today)
        token = issue_token(CommonSettings(), sub="bench-county", role="county_officer", region=COUNTY)
        eval_seconds, evaluated, eligible = await evaluation(url, token)
        eval_read_seconds = await read_evaluation_rows(conn, today)
    finally:
        await conn.close()
        proc.terminate()
        proc.wait(10)
    recommend_rate, read_rate = CASES / recommend_seconds, CASES / read_seconds
    eval_rate, eval_read_rate = evaluated / eval_seconds, evaluated / eval_read_seconds
    return {
        "plan_cases": f"{CASES:,}",
        "plan_rate": f"{recommend_rate:,.0f}",
        "plan_base_rate": f"{read_rate:,.0f}",
        "plan_ratio": f"{recommend_rate / read_rate:.3f}",
        "eval_households": f"{evaluated:,}",
        "eval_eligible": f"{eligible:,}",
        "eval_rate": f"{eval_rate:,.0f}",
        "eval_base_rate": f"{eval_read_rate:,.0f}",
        "eval_ratio": f"{eval_rate / eval_read_rate:.3f}",
    }
