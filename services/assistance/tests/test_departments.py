"""Lists back to the departments and what they report carried out (《仲恺高新区健全防止返贫动态监测和帮扶机制工作
方案》(2021): 定期向……部门推送监测帮扶信息，各部门及时反馈)."""

from typing import Any

import httpx

from devkit.kit.assistance import approved_plan, monitored
from devkit.kit.identification import ok
from devkit.kit.people import TOWNSHIP, department
from devkit.testing.fixtures import eventually


async def test_a_department_reads_its_list_and_reports_a_measure_carried_out(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household, _ = await monitored(intake, ["illness"])
    plan = await approved_plan(client, household)
    health = next(m for m in plan["measures"] if m["code"] == "health")
    medical = department("medical-insurance")

    async def listed() -> dict[str, Any] | None:
        """The household's line, once its number has reached assistance too (the household's own event)."""
        cursor, found = None, None
        while True:
            page = await ok(
                await client.get(
                    "/department-lists/medical-insurance", params={"cursor": cursor} if cursor else {}, headers=medical
                )
            )
            found = found or next((i for i in page["items"] if i["household_id"] == household["id"]), None)
            if not (cursor := page["next_cursor"]):
                return found if found and found["household_no"] else None

    entry = await eventually(listed, timeout=40)
    assert entry["household_no"] == household["household_no"] and entry["risks"] == ["因病"]
    assert [m["measure_id"] for m in entry["measures"]] == [health["id"]] and entry["measures"][0][
        "status_zh"
    ] == "已计划"
    assert "resident_id" not in str(entry) and "name" not in entry

    done = await ok(
        await client.post(
            "/department-lists/medical-insurance/reports",
            headers=medical,
            json={
                "measure_id": health["id"],
                "status": "implemented",
                "description": "医疗救助已发放",
                "amount": "8600",
            },
        )
    )
    assert done["status"] == "implemented" and done["evidence"][-1]["department"] == "medical-insurance"
    assert done["evidence"][-1]["by"] == "medical-insurance-system"
    after = await ok(await client.get(f"/plans/{plan['id']}", headers=TOWNSHIP))
    assert next(m for m in after["measures"] if m["id"] == health["id"])["status"] == "implemented"

    education = department("education")
    assert (await client.get("/department-lists/medical-insurance", headers=education)).status_code == 403
    not_theirs = await client.post(
        "/department-lists/education/reports",
        headers=education,
        json={"measure_id": health["id"], "status": "implemented", "description": "x"},
    )
    assert not_theirs.status_code == 404
    assert (await client.get("/department-lists/no-such", headers=medical)).status_code == 404
