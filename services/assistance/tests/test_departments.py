"""Lists back to the departments and what they report carried out (《仲恺高新区健全防止返贫动态监测和帮扶机制工作
方案》(2021): 定期向……部门推送监测帮扶信息，各部门及时反馈)."""

import datetime as dt
import json
import random
import uuid
from decimal import Decimal
from typing import Any

import httpx

from assistance.config import settings
from common.events.envelope import encode, new_envelope
from contracts.assistance import DEPARTMENT_LIST_TOPIC
from contracts.dept import DEPARTMENT_REPORT_TOPIC, DepartmentReportV1
from contracts.topics import dlq_of
from devkit.kit.assistance import approved_plan, monitored
from devkit.kit.households import headers
from devkit.kit.identification import ok
from devkit.kit.people import TOWNSHIP, department
from devkit.testing.fixtures import TopicReader, eventually, produce


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


async def test_lists_go_out_on_their_topic_and_reports_come_back_on_the_bus(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    """The same list as a topic (assistance.department-list.v1), a department's report on the bus
    (dept.reports.v1) applied once however often it comes, one the list refuses sent to the dead-letter topic,
    and the resident IDs behind the list for a department entitled to them (intake)."""
    bootstrap = settings.kafka_bootstrap_servers or ""
    household, _ = await monitored(intake, ["illness"])
    plan = await approved_plan(client, household)
    health = next(m for m in plan["measures"] if m["code"] == "health")

    async with TopicReader(bootstrap, DEPARTMENT_LIST_TOPIC) as topic:
        message = await topic.wait_for(
            lambda m: household["id"].encode() in m.value and b'"plan_state":"approved"' in m.value.replace(b" ", b""),
            timeout=30,
        )
    entry = json.loads(message.value)["data"]
    assert entry["department"] in ("medical-insurance", "health")
    assert entry["listed"] and entry["risks"] == ["illness"] and [m["code"] for m in entry["measures"]] == ["health"]
    assert "resident_id" not in message.value.decode()

    def report(
        report_id: str, measure_id: str = health["id"], department: str = "medical-insurance"
    ) -> tuple[bytes, bytes]:
        payload = DepartmentReportV1(
            department=department,
            report_id=report_id,
            measure_id=measure_id,
            status="implemented",
            description="医疗救助已发放（总线）",
            amount=Decimal("5200"),
            reported_by="medical-insurance-system",
        )
        m = encode(new_envelope(payload, source="/departments/medical-insurance", subject=household["id"]))
        return m.value, household["id"].encode()

    value, key = report("MI-2026-0001")
    await produce(bootstrap, DEPARTMENT_REPORT_TOPIC, value, key)
    await produce(bootstrap, DEPARTMENT_REPORT_TOPIC, *report("MI-2026-0001"))  # the same report, a new event

    async def applied() -> dict[str, Any] | None:
        found = await ok(await client.get(f"/plans/{plan['id']}", headers=TOWNSHIP))
        m = next(m for m in found["measures"] if m["id"] == health["id"])
        return m if m["status"] == "implemented" else None

    measure = await eventually(applied, timeout=30)
    bus = [e for e in measure["evidence"] if e.get("report_id") == "MI-2026-0001"]
    assert len(bus) == 1 and bus[0]["department"] == "medical-insurance" and bus[0]["amount"] == "5200"

    async with TopicReader(bootstrap, dlq_of(DEPARTMENT_REPORT_TOPIC)) as dlq:
        await produce(bootstrap, DEPARTMENT_REPORT_TOPIC, *report("ED-1", department="education"))
        refused = await dlq.wait_for(lambda m: b"ED-1" in m.value, timeout=30)
    assert b"department's list" in b"".join(v for _, v in refused.headers or []) + refused.value

    medical = department("medical-insurance")

    async def identified() -> list[dict[str, Any]] | None:
        """Once intake has the household on the department's list (the list's own topic)."""
        body = {"household_ids": [household["id"]]}
        ids = await intake.post("/department-lists/medical-insurance/identifiers", json=body, headers=medical)
        assert ids.status_code == 200, ids.text
        return ids.json()["items"] or None

    (found,) = await eventually(identified, timeout=30)
    assert found["household_no"] == household["household_no"] and len(found["members"][0]["resident_id"]) == 18
    other = await intake.post(
        "/department-lists/education/identifiers", json={"household_ids": [household["id"]]}, headers=medical
    )
    assert other.status_code == 403


async def test_a_department_list_pages_after_it_filters(client: httpx.AsyncClient) -> None:
    """Monitored households that do not concern the department come first in the list's order: the first page
    still holds the one that does, and no page is empty while more follow."""
    from sqlalchemy import insert

    from assistance.main import app
    from assistance.projections.models import MonitoredCase

    village = f"532504104{random.randrange(1000):03d}"  # a village of 竹园镇 no other test writes to
    approved = dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)
    cases = [
        {
            "case_id": uuid.uuid4(),
            "household_id": uuid.uuid4(),
            "region_code": village,
            "object_type": "edge_vulnerable",
            "risks": [{"category": category}],
            "approved_at": approved + dt.timedelta(minutes=i),
        }
        for i, category in enumerate(["schooling", "schooling", "housing_unsafe", "illness", "schooling", "illness"])
    ]
    async with app.state.db.transaction() as session:
        await session.execute(insert(MonitoredCase), cases)

    officer = headers("township_officer", village)
    pages, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = await ok(await client.get("/department-lists/medical-insurance", params=params, headers=officer))
        pages.append([i["household_id"] for i in page["items"]])
        if not (cursor := page["next_cursor"]):
            break
    ill = [str(c["household_id"]) for c in cases if c["risks"] == [{"category": "illness"}]]
    assert pages == [[ill[0]], [ill[1]]]
