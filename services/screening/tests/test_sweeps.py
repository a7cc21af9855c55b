"""Screening sweeps: planned for a township and a period, each household's visit recorded, coverage by
village with the villages behind schedule, and the report that shows every household was looked at."""

import datetime as dt
import io
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from common import clock
from devkit.kit.households import TOWNSHIP_A, VILLAGE_A, headers, register
from devkit.kit.identification import CADRE, TOWNSHIP, ok
from devkit.testing.fixtures import eventually

# Its dates follow the clock: it runs at the machine's time, which `make test-dates` moves.
pytestmark = pytest.mark.real_clock

VILLAGE = "532504102003"  # a village of 新哨镇 no other test registers in


async def test_a_sweep_covers_every_household_of_its_village(services: Any, client: httpx.AsyncClient) -> None:
    intake = await services.client("intake")
    households = [await register(intake, VILLAGE) for _ in range(3)]

    async def known() -> bool:  # screening keeps intake's households (each on its own partition: all of them)
        answers = [await client.get("/households/" + h["id"], headers=TOWNSHIP) for h in households]
        return all(r.status_code == 200 for r in answers)

    await eventually(known, timeout=60)
    today = clock.today()
    one = dt.timedelta(days=1)
    start = today - dt.timedelta(days=20)
    body = {"region_code": VILLAGE, "kind": "look_back", "name": "2026年下半年回头看", "period_start": str(start)}
    sweep = await ok(
        await client.post("/sweeps", headers=TOWNSHIP, json={**body, "period_end": str(today + dt.timedelta(days=1))}),
        201,
    )
    assert sweep["kind_zh"] == "回头看" and sweep["region_name"].endswith("社区")
    assert (await client.post("/sweeps", headers=CADRE, json={**body, "period_end": str(today)})).status_code == 403

    visits = [("no_change", households[0]), ("declared_risk", households[1])]
    for result, household in visits:
        visit = await ok(
            await client.post(
                f"/sweeps/{sweep['id']}/visits",
                headers=CADRE,
                json={"household_id": household["id"], "visited_on": str(today), "result": result},
            ),
            201,
        )
        assert visit["visited_by"] == "cadre-zhang" and visit["region_code"] == VILLAGE
    early = await client.post(
        f"/sweeps/{sweep['id']}/visits",
        headers=CADRE,
        json={
            "household_id": households[2]["id"],
            "visited_on": str(start - one),
            "result": "refused",
        },
    )
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "visited_on"
    future = await client.post(
        f"/sweeps/{sweep['id']}/visits",
        headers=CADRE,
        json={
            "household_id": households[2]["id"],
            "visited_on": str(today + dt.timedelta(days=1)),
            "result": "refused",
        },
    )
    assert future.status_code == 422  # a date after today (China Standard Time) is refused
    outside = await register(intake, VILLAGE_A)
    stranger = await client.post(
        f"/sweeps/{sweep['id']}/visits",
        headers=CADRE,
        json={"household_id": outside["id"], "visited_on": str(today), "result": "no_change"},
    )
    assert stranger.status_code == 404  # not a household of the swept village

    report = await ok(await client.get(f"/sweeps/{sweep['id']}/coverage", headers=TOWNSHIP))
    (row,) = report["rows"]
    assert row["region_code"] == VILLAGE and row["households"] == 3 and row["visited"] == 2
    assert row["by_result"] == {"no_change": 1, "declared_risk": 1} and report["complete"] is False
    assert row["expected_share"] > 0.9 and row["behind"] is True  # 2 of 3 with the period nearly over
    queue = await ok(await client.get("/sweeps/behind/villages", headers=TOWNSHIP))
    assert VILLAGE in {r["region_code"] for r in queue["items"]}

    await ok(
        await client.post(
            f"/sweeps/{sweep['id']}/visits",
            headers=CADRE,
            json={"household_id": households[2]["id"], "visited_on": str(today), "result": "not_at_home"},
        ),
        201,
    )
    report = await ok(await client.get(f"/sweeps/{sweep['id']}/coverage", headers=TOWNSHIP))
    assert report["complete"] is True and report["rows"][0]["behind"] is False  # 应纳尽纳
    by_township = await ok(
        await client.get(f"/sweeps/{sweep['id']}/coverage", params={"by": "township"}, headers=TOWNSHIP)
    )
    assert [r["region_code"] for r in by_township["rows"]] == [TOWNSHIP_A]
    sheet = await client.get(f"/sweeps/{sweep['id']}/coverage", params={"format": "xlsx"}, headers=TOWNSHIP)
    cells = [c for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True) for c in row if c]
    assert "应纳尽纳：全部已排查" in cells and "不在家" in cells
    elsewhere = headers("township_officer", "532504103", sub="township-other")
    assert (await client.get(f"/sweeps/{sweep['id']}", headers=elsewhere)).status_code == 404
