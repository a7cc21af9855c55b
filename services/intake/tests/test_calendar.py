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


async def test_a_deadline_from_a_number_is_refused(client: httpx.AsyncClient) -> None:
    """Issue 24: `start=0` was read as seconds since 1970 and answered 1970-01-01."""
    h = {**headers("village_cadre", TOWNSHIP_A), "Accept-Language": "zh-CN"}
    for start in ("0", "1764201600", "2026-9-28", "0001-01-01"):
        r = await client.get("/calendar/deadline", params={"start": start}, headers=h)
        assert r.status_code == 422, (start, r.text)
        assert r.headers["content-type"].startswith("application/problem+json") and "取值" in r.text
    body = {"source": "x", "days": [{"day": 0, "is_workday": False}]}
    assert (await client.put("/calendar/2030", json=body, headers=headers("admin", ""))).status_code == 422
