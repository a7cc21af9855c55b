"""Beijing time at every boundary (ADR 0016). At 00:30 on 1 December in Beijing it is still 30 November in UTC:
whatever the system derives or prints is December's, and whatever a client states for 1 December is today's."""

import datetime as dt
from typing import Any

import httpx
import pytest

from common import clock
from devkit.kit.assistance import approved_plan, monitored
from devkit.kit.households import TOWNSHIP_A
from devkit.kit.identification import COUNTY_OFFICER, TOWNSHIP, ok
from devkit.testing.fixtures import eventually
from devkit.testing.pdfs import checked_pdf

FIRST = dt.datetime(2026, 12, 1, 0, 30, tzinfo=clock.CST)
pytestmark = pytest.mark.clock(FIRST)


def test_the_clock_is_set_where_utc_is_still_the_day_before() -> None:
    assert clock.today() == dt.date(2026, 12, 1) and clock.now().astimezone(dt.UTC).date() == dt.date(2026, 11, 30)


async def _implemented(client: httpx.AsyncClient, month: str) -> int:
    report = await ok(
        await client.get("/reports/monthly", params={"township": TOWNSHIP_A, "month": month}, headers=TOWNSHIP)
    )
    return int(report["totals"]["measures_implemented"])


async def test_a_measure_carried_out_at_half_past_midnight_is_decembers_everywhere(
    client: httpx.AsyncClient, intake: httpx.AsyncClient, services: Any
) -> None:
    household, _ = await monitored(intake, ["illness"])
    plan = await approved_plan(client, household, due="2026-12-31")
    november, december = await _implemented(client, "2026-11"), await _implemented(client, "2026-12")
    measure = plan["measures"][0]
    done = await ok(
        await client.post(
            f"/plans/{plan['id']}/measures/{measure['id']}/progress",
            headers=TOWNSHIP,
            json={"status": "implemented", "evidence": [{"description": "已落实", "amount": "1200.00"}]},
        )
    )
    assert done["implemented_on"] == "2026-12-01"  # the Beijing date, not UTC's 30 November
    assert await _implemented(client, "2026-12") == december + 1  # the month it is counted in
    assert await _implemented(client, "2026-11") == november

    ledger = await services.client("ledger")

    async def printed() -> str | None:  # once the plan's event has reached the ledger
        r = await ledger.get(
            "/forms/measures-table",
            params={"household_id": household["id"], "purpose": "台账", "format": "pdf"},
            headers=COUNTY_OFFICER,
        )
        text = checked_pdf(r.content).replace("\n", "") if r.status_code == 200 else ""  # cells wrap lines
        return text if "已落实（2026年12月1日）" in text else None

    text = await eventually(printed)
    assert "2026年11月30日" not in text and "生成于 2026年12月1日 00:3" in text


async def test_a_date_stated_for_the_first_is_today_and_the_second_is_not(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household, _ = await monitored(intake, ["illness"])
    guarantees = dict.fromkeys(
        ["food", "clothing", "compulsory_education", "basic_medical", "housing", "drinking_water"], True
    )
    url = f"/households/{household['id']}/guarantee-checks"
    today = await client.post(url, headers=TOWNSHIP, json={"checked_on": "2026-12-01", **guarantees})
    assert today.status_code == 201, today.text
    tomorrow = await client.post(url, headers=TOWNSHIP, json={"checked_on": "2026-12-02", **guarantees})
    assert tomorrow.status_code == 422 and tomorrow.json()["errors"][0]["field"] == "checked_on"
    assert "2026-12-01" in tomorrow.json()["detail"]  # today, as the refusal states it
