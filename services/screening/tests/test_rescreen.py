"""Re-screening's set-based prefilter against the per-event path: over a random population, across the
packs of several jurisdictions (one judging the previous year's income), with department records, open
alerts that the new data updates or withdraws, and incomes around every threshold, both paths must leave
exactly the same alerts."""

import datetime as dt
import random
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from screening.alerts.models import Alert
from screening.alerts.service import reevaluate_many
from screening.feeds.models import DeptRecord
from screening.policies.rescreen import candidates, rescreen_households
from screening.projections.models import KnownHousehold, KnownIncome

TODAY = dt.date(2026, 11, 27)
VILLAGES = (
    "532504102001",  # 弥勒市: its own 2020 pack
    "640104001003",  # 宁夏: judges the previous year's income
    "420102001001",  # 湖北
    "441302007001",  # 仲恺
    "110101001001",  # no pack of its own: the national pack governs
)
COMPARED = (
    Alert.household_id,
    Alert.rule,
    Alert.year,
    Alert.grade,
    Alert.state,
    Alert.explanation,
    Alert.explanation_zh,
    Alert.evidence,
    Alert.policy_id,
    Alert.policy_basis,
    Alert.verify_by,
)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _incomes(rng: random.Random, household_id: uuid.UUID) -> list[KnownIncome]:
    out = []
    for year in range(2019, TODAY.year + 2):  # one beyond this year: never judged
        if rng.random() < 0.45:
            per_capita = rng.choice([Decimal(0), _money(rng, 1500, 9000), Decimal(4428), Decimal(5000)])
            total = rng.choice([Decimal(0), per_capita * rng.randint(1, 5)])
            rigid = rng.choice([Decimal(0), _money(rng, 0, 30000)])
            out.append(
                KnownIncome(
                    household_id=household_id,
                    year=year,
                    revision=1,
                    members_count=1,
                    total_income=total,
                    per_capita_net_income=per_capita,
                    rigid_expense=rigid,
                )
            )
    return out


def _record(household_id: uuid.UUID, n: int, year: int) -> DeptRecord:
    department, facts = random.Random(n).choice(
        [
            ("housing", {"kind": "appraisal", "grade": "D"}),
            ("medical-insurance", {"kind": "settlement", "out_of_pocket": "25000"}),
            ("medical-insurance", {"kind": "settlement", "out_of_pocket": "800"}),
        ]
    )
    return DeptRecord(
        department=department,
        record_id=f"rescreen-test-{household_id}-{n}",
        revision=1,
        event_date=dt.date(year, 5, 1),
        id_index="head",
        id_cipher=b"\x00",
        id_masked="110101********0011",
        facts=facts,
        household_id=household_id,
        event_id=f"rescreen-test-{household_id}-{n}",
    )


async def _alerts(session: Any, ids: list[uuid.UUID]) -> list[tuple[Any, ...]]:
    rows = await session.execute(
        select(*COMPARED).where(Alert.household_id.in_(ids)).order_by(Alert.household_id, Alert.rule, Alert.state)
    )
    return [tuple(r) for r in rows]


async def test_rescreening_leaves_the_alerts_the_per_event_path_leaves(services: Any) -> None:
    from screening.main import app

    await services.client("screening")  # the app started, with its database
    rng = random.Random(20261127)
    ids = [uuid.uuid4() for _ in range(600)]
    async with app.state.db.sessionmaker() as session:
        await session.begin()
        members = [{"id_index": "head", "relation": "head", "labour_capacity": "full", "active": True}]
        session.add_all(
            KnownHousehold(household_id=h, region_code=VILLAGES[i % len(VILLAGES)], version=1, members=members)
            for i, h in enumerate(ids)
        )
        await session.flush()
        session.add_all(income for h in ids for income in _incomes(rng, h))
        session.add_all(_record(h, n, rng.choice([2020, 2025, 2026])) for n, h in enumerate(ids) if rng.random() < 0.1)
        await session.flush()
        # Open alerts from earlier data, which the re-screening must update, keep or withdraw.
        await reevaluate_many(session, ids, TODAY)
        before = await _alerts(session, ids)
        for income in (await session.execute(select(KnownIncome).where(KnownIncome.household_id.in_(ids)))).scalars():
            if rng.random() < 0.5:
                income.per_capita_net_income = _money(rng, 1500, 9000)
                income.total_income = income.per_capita_net_income * rng.randint(0, 4)
        await session.flush()
        with_records = set(
            (await session.execute(select(DeptRecord.household_id).where(DeptRecord.household_id.in_(ids)))).scalars()
        )
        already_open = {r[0] for r in await _alerts(session, ids) if r[4] == "open"}
        chosen, _ = await candidates(session, ids, TODAY)

        per_event = await session.begin_nested()
        await reevaluate_many(session, ids, TODAY)
        expected = await _alerts(session, ids)
        await per_event.rollback()

        bulk = await session.begin_nested()
        await rescreen_households(session, ids, TODAY)
        got = await _alerts(session, ids)
        await bulk.rollback()
        await session.rollback()

    assert got == expected
    # And it is not loose: every household chosen for its incomes alone gets an income alert.
    alerted = {r[0] for r in expected if r[4] == "open"}
    assert set(chosen) - with_records - already_open <= alerted
    assert len(chosen) < len(ids)
    # The population reaches what the comparison is about: several rules and jurisdictions, alerts kept,
    # changed and withdrawn.
    assert {r[1] for r in expected} >= {
        "income_below_line",
        "income_drop",
        "rigid_expense_exceeds_income",
        "housing_unsafe",
        "medical_out_of_pocket_high",
    }
    assert {r[4] for r in expected} == {"open", "withdrawn"}
    assert len({r[9] for r in expected}) >= 2  # published and assumed (or no) packs
    assert expected != before and len(expected) > 100
