"""Batches for the national monitoring information system: what changed since the region's last batch, as
that system's entry needs it, and the log of every batch and its acknowledgement."""

import io
from typing import Any

from openpyxl import load_workbook

from devkit.kit.assistance import monitored
from devkit.kit.households import TOWNSHIP_A
from devkit.kit.identification import ok
from devkit.testing.fixtures import auth, eventually
from ledger.config import settings

COUNTY = auth(settings, "county_officer", "532504", sub="county-export")
TOWNSHIP_ELSEWHERE = auth(settings, "township_officer", "532504103", sub="township-elsewhere")


async def test_a_batch_holds_what_changed_since_the_last_and_its_acknowledgement_is_logged(services: Any) -> None:
    ledger = await services.client("ledger")
    intake = await services.client("intake")
    await services.client("assistance")
    household, _ = await monitored(intake, ["illness"])

    async def approved_in_log() -> bool:
        r = await ledger.get(f"/households/{household['id']}/archive", params={"purpose": "导出"}, headers=COUNTY)
        return r.status_code == 200 and any(e["type"] == "intake.case.approved" for e in r.json()["entries"])

    assert await eventually(approved_in_log, timeout=60)

    async def first_batch() -> dict[str, Any] | None:
        r = await ledger.post("/national-exports", json={"region_prefix": TOWNSHIP_A}, headers=COUNTY)
        if r.status_code != 201:
            return None
        batch = r.json()
        return batch if any(i["household_id"] == household["id"] for i in batch["households"]) else None

    batch = await eventually(first_batch, timeout=60)
    record = next(i for i in batch["households"] if i["household_id"] == household["id"])
    assert record["household_no"] == household["household_no"] and record["status"] == "监测中"
    assert record["object_type"] == "突发严重困难户" and record["risks"] == ["因病"]
    assert record["identification_no"] == "弥防返贫〔2026〕12号" and record["identified_on"] == "2026-10-15"
    assert batch["records"] == len(batch["households"]) and batch["acknowledged"] is False

    again = await ledger.post("/national-exports", json={"region_prefix": TOWNSHIP_A}, headers=COUNTY)
    if again.status_code == 201:  # what changed since the first: a household again only with a newer entry
        assert again.json()["after_leaf"] == batch["through_leaf"]
        assert all(i["last_leaf"] > batch["through_leaf"] for i in again.json()["households"])
    else:
        assert again.status_code == 409

    ack = await ok(
        await ledger.post(
            f"/national-exports/{batch['id']}/acknowledgement",
            json={"accepted": batch["records"], "note": "已录入"},
            headers=COUNTY,
        ),
        201,
    )
    assert ack["acknowledged"] is True and ack["accepted"] == batch["records"]
    too_many = await ledger.post(
        f"/national-exports/{batch['id']}/acknowledgement", json={"accepted": batch["records"] + 1}, headers=COUNTY
    )
    assert too_many.status_code == 422
    listed = await ok(await ledger.get("/national-exports", headers=COUNTY))
    assert batch["id"] in {b["id"] for b in listed["items"]}
    sheet = await ledger.get(f"/national-exports/{batch['id']}", params={"format": "xlsx"}, headers=COUNTY)
    cells = [c for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True) for c in row]
    assert household["household_no"] in cells and "户编号" in cells and "监测中" in cells
    assert (await ledger.get(f"/national-exports/{batch['id']}", headers=TOWNSHIP_ELSEWHERE)).status_code == 404
