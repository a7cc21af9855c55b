"""The official working-day calendar the notices are counted in."""

import httpx

from devkit.kit.households import TOWNSHIP_A, headers
from devkit.kit.identification import (
    ok,
)


async def test_calendar_knows_2026_and_assumes_unknown_years(client: httpx.AsyncClient) -> None:
    h = headers("village_cadre", TOWNSHIP_A)
    d = await ok(await client.get("/calendar/deadline", params={"start": "2026-09-28"}, headers=h))
    assert d["due"] == "2026-10-10" and d["calendar_assumed"] is False
    d = await ok(await client.get("/calendar/deadline", params={"start": "2030-01-28"}, headers=h))
    assert d["calendar_assumed"] is True and d["assumed_years"] == [2030] and d["due"] == "2030-02-04"
    year = await ok(await client.get("/calendar/2026", headers=h))
    assert year["official"] and any(x["day"] == "2026-10-10" and x["is_workday"] for x in year["days"])
    body = {
        "source": "test arrangement",
        "days": [
            {"day": "2030-01-29", "is_workday": False, "name": "春节"},
            {"day": "2030-01-30", "is_workday": False, "name": "春节"},
        ],
    }
    assert (await client.put("/calendar/2030", json=body, headers=h)).status_code == 403
    await ok(await client.put("/calendar/2030", json=body, headers=headers("admin", "")))
    d = await ok(await client.get("/calendar/deadline", params={"start": "2030-01-28"}, headers=h))
    assert d["calendar_assumed"] is False and d["due"] == "2030-02-06"
    wrong = await client.put("/calendar/2031", json=body, headers=headers("admin", ""))
    assert wrong.status_code == 422
