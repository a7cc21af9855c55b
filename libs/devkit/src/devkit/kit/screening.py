"""Screening's side of the test kit: households registered through intake,
their income, department records through the feeds, and the alerts they raise."""

import uuid
from typing import Any

from devkit.kit.households import SETTINGS
from devkit.kit.people import ADMIN
from devkit.testing.fixtures import auth, eventually, resident_id


async def household(services: Any, village: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    intake = await services.client("intake")
    body = {
        "region_code": village,
        "household_no": uuid.uuid4().hex[:16],
        "address": "1组",
        "category": "lifted",
        "members": members,
    }
    r = await intake.post("/households", json=body, headers=auth(SETTINGS, "village_cadre", village[:9]))
    assert r.status_code == 201, r.text
    return r.json()


def person(relation: str = "head", labour: str = "full", rid: str | None = None) -> dict[str, Any]:
    return {
        "name": "赵" + uuid.uuid4().hex[:2],
        "resident_id": rid or resident_id(),
        "relation": relation,
        "labour_capacity": labour,
    }


async def income(services: Any, h: dict[str, Any], year: int, wages: str, **extra: str) -> None:
    intake = await services.client("intake")
    r = await intake.put(
        f"/households/{h['id']}/incomes/{year}",
        headers={**auth(SETTINGS, "village_cadre", h["region_code"][:9]), "If-None-Match": "*"},  # its first
        json={"wages": wages, "production": "0", "property": "0", "transfers": "0", **extra},
    )
    assert r.status_code == 201, r.text


async def feed(services: Any, department: str, record: dict[str, Any]) -> None:
    screening = await services.client("screening")
    body = {"record_id": f"{department[:3]}-{uuid.uuid4().hex[:10]}", **record}
    r = await screening.post(f"/feeds/{department}/records", json=body, headers=ADMIN)
    assert r.status_code == 202, r.text


async def alerts_of(services: Any, h: dict[str, Any], count: int = 1) -> dict[str, dict[str, Any]]:
    screening = await services.client("screening")

    async def fetch() -> dict[str, dict[str, Any]] | None:
        items = (
            await screening.get(
                "/alerts", params={"household_id": h["id"], "state": ["open", "verifying"]}, headers=ADMIN
            )
        ).json()["items"]
        return {a["rule"]: a for a in items} if len(items) >= count else None

    return await eventually(fetch, timeout=40)


def pack(
    prefix: str,
    year: int,
    *,
    line: str | None = None,
    effective_from: str | None = None,
    name: str = "test pack",
    code: str | None = None,
    level: str = "county",
    sources: dict[str, str] | None = None,
    **values: Any,
) -> dict[str, Any]:
    """A POST /policies body for a single-prefix jurisdiction: a fixed line if given, and other values."""
    return {
        "jurisdiction": {"code": code or prefix, "name": name, "level": level, "prefixes": [prefix]},
        "year": year,
        "effective_from": effective_from or f"{year}-01-01",
        "name": name,
        "source": "a test document",
        "values": {**({"line": {"basis": "fixed", "amount": line}} if line else {}), **values},
        "sources": sources or {},
    }
