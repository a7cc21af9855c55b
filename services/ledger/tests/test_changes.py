"""The app's delta feed: what changed in my jurisdiction since my cursor, from the log."""

from typing import Any

from devkit.kit.households import TOWNSHIP_A, VILLAGE_B, headers, register
from devkit.kit.identification import CADRE, ok
from devkit.testing.fixtures import eventually


async def test_the_app_fetches_only_what_changed_in_its_jurisdiction_since_its_cursor(services: Any) -> None:
    ledger = await services.client("ledger")
    intake = await services.client("intake")
    start = await ok(await ledger.get("/changes", params={"limit": 500}, headers=CADRE))
    cursor = start["resume_cursor"]
    while start["next_cursor"]:  # catch up with what other tests recorded
        start = await ok(await ledger.get("/changes", params={"cursor": cursor, "limit": 500}, headers=CADRE))
        cursor = start["resume_cursor"]
    mine = await register(intake)
    elsewhere = await register(intake, VILLAGE_B)  # another township: not this cadre's

    async def arrived() -> list[dict[str, Any]] | None:
        page = await ok(await ledger.get("/changes", params={"cursor": cursor}, headers=CADRE))
        return page["items"] if any(i["subject"] == mine["id"] for i in page["items"]) else None

    changed = await eventually(arrived, timeout=60)
    registered = next(i for i in changed if i["subject"] == mine["id"])
    assert registered["type"] == "intake.household.registered" and registered["type_zh"] == "建档登记"
    assert all(i["region_code"].startswith(TOWNSHIP_A) for i in changed)
    assert elsewhere["id"] not in {i["subject"] for i in changed}
    assert all(i["type"] != "audit.access.recorded" for i in changed)  # reads are not changes
    assert "resident_id" not in str(registered["data"]) and "name" not in registered["data"]["members"][0]
    # Caught up: nothing new, and the cursor to resume from is given back.
    page = await ok(await ledger.get("/changes", params={"cursor": cursor}, headers=CADRE))
    last = page["resume_cursor"]
    again = await ok(await ledger.get("/changes", params={"cursor": last}, headers=CADRE))
    assert not [i for i in again["items"] if i["leaf_index"] <= page["items"][-1]["leaf_index"]]
    if not again["items"]:
        assert again["resume_cursor"] == last and again["next_cursor"] is None
    # A household's own feed holds its own events only.
    own = headers("household", mine["region_code"], household_id=mine["id"])
    feed = await ok(await ledger.get("/changes", params={"cursor": cursor}, headers=own))
    assert feed["items"] and {i["subject"] for i in feed["items"]} == {mine["id"]}
    bad = await ledger.get("/changes", params={"cursor": "not-a-cursor"}, headers=CADRE)
    assert bad.status_code == 400
