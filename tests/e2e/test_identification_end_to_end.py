"""The whole system on the real broker and database: a household taken to "monitored" in intake shows up,
event by event and exactly once, in ledger; assistance and screening learn of it."""

from collections import Counter
from typing import Any

from devkit.kit.households import COUNTY, register
from devkit.kit.identification import TOWNSHIP, approve, ok, to_verified
from devkit.testing.fixtures import auth, eventually
from intake.config import settings

AUDITOR = auth(settings, "auditor", "")
OFFICER = auth(settings, "county_officer", COUNTY)
EXPECTED = [
    "intake.household.registered",
    "intake.consent.signed",
    "intake.case.declared",
    "intake.case.consent-attached",
    "intake.case.household-surveyed",  # 弥勒市's procedure has it
    "intake.case.village-reviewed",
    "intake.case.notice-published",
    "intake.case.township-verified",
    "intake.case.approved",
]


async def test_a_household_travels_through_every_service(services: Any) -> None:
    intake = await services.client("intake")
    ledger = await services.client("ledger")
    assistance = await services.client("assistance")
    screening = await services.client("screening")

    household = await register(intake)
    case = await approve(intake, await to_verified(intake, household))
    await ok(await intake.get(f"/households/{household['id']}", headers=TOWNSHIP))  # an audited read

    async def ledger_types() -> list[str] | None:
        page = await ok(
            await ledger.get("/entries", params={"subject": household["id"], "limit": 1000}, headers=AUDITOR)
        )
        types = [e["type"] for e in page["items"]]
        return types if "intake.case.approved" in types and "audit.access.recorded" in types else None

    types = await eventually(ledger_types, timeout=60)
    counts = Counter(types)
    assert all(counts[t] == 1 for t in EXPECTED), counts  # each event exactly once
    intake_types = [t for t in types if t.startswith("intake.case")]
    assert intake_types == [t for t in EXPECTED if t.startswith("intake.case")]  # in order (one key, one partition)
    assert counts["audit.access.recorded"] >= 1

    async def monitored() -> list[Any]:
        rows = await ok(await assistance.get("/monitored-cases", headers=OFFICER))
        return [r for r in rows["items"] if r["case_id"] == case["id"]]

    (row,) = await eventually(monitored)
    assert row["object_type"] == "sudden_hardship" and row["risks"][0]["category"] == "illness"

    known = await eventually(lambda: _known(screening, household["id"]))
    assert known["active_members"] == 2 and known["version"] == 1


async def _known(client: Any, household_id: str) -> dict[str, Any] | None:
    r = await client.get(f"/households/{household_id}", headers=OFFICER)
    return r.json() if r.status_code == 200 else None


async def test_ledger_refuses_to_change_history(services: Any) -> None:
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from ledger.main import app

    await services.client("ledger")
    async with app.state.db.engine.connect() as conn:
        for statement in (
            "UPDATE ledger.entries SET type = 'forged'",
            "DELETE FROM ledger.entries",
            "TRUNCATE ledger.entries",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                await conn.execute(text(statement))
            await conn.rollback()
