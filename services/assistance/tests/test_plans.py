"""Plans over the real broker and database: a case approved in intake gets the right draft plan; officers
assign, approve and track measures; overdue measures reach the work queue; excluded cases get no plan."""

import hashlib
import json

import httpx
import pytest

from assistance.config import settings
from devkit.kit.assistance import approved_plan, draft_plan, monitored
from devkit.kit.households import headers
from devkit.kit.identification import CADRE, COUNTY_OFFICER, TOWNSHIP, ok
from devkit.testing.fixtures import TopicReader, eventually

CASES = [  # risks, labour, weak motivation -> recommended measures
    (["illness"], "full", False, {"health"}),  # one risk, one measure: no stacking
    (["unstable_employment"], "full", False, {"employment"}),
    (["illness", "unstable_employment"], "full", False, {"health", "employment"}),  # comprehensive
    (["illness", "schooling"], "partial", False, {"health", "education_aid", "employment"}),  # + developmental
    (["lack_of_labour"], "none", False, {"dibao"}),  # the floor
    (["illness"], "none", False, {"health", "dibao"}),
    (["industry_failure"], "none", False, {"dibao"}),
    (["illness"], "full", True, {"health", "motivation_skills"}),  # 扶志扶智
]


@pytest.mark.parametrize(("risks", "labour", "weak", "expected"), CASES)
async def test_an_approved_case_gets_the_draft_plan_its_risks_and_labour_call_for(
    client: httpx.AsyncClient, intake: httpx.AsyncClient, risks: list[str], labour: str, weak: bool, expected: set[str]
) -> None:
    household, case = await monitored(intake, risks, labour, weak)
    plan = await draft_plan(client, household)
    assert plan["case_id"] == case["id"] and plan["state"] == "draft" and plan["labour"] == labour
    assert {m["code"] for m in plan["measures"]} == expected
    assert all(m["reason"] and m["recommended"] and m["responsible_unit"] for m in plan["measures"])
    for m in plan["measures"]:
        if m["risks"]:
            assert set(m["risks"]) <= set(risks)

    async def status() -> str | None:
        h = await ok(await intake.get(f"/households/{household['id']}", headers=TOWNSHIP))
        return h["assistance_status"]

    assert await eventually(status) == "plan_drafted"


async def test_approval_needs_assignments_then_measures_are_tracked_and_overdue_ones_queued(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household, _ = await monitored(intake, ["illness", "unstable_employment"])
    plan = await draft_plan(client, household)
    refused = await client.post(f"/plans/{plan['id']}/approval", headers=TOWNSHIP)
    assert refused.status_code == 409 and refused.json()["type"].endswith("plan-incomplete")
    assert {i["code"] for i in refused.json()["incomplete"]} == {"health", "employment"}
    assert "responsible_cadre" in refused.json()["incomplete"][0]["missing"]

    cadre = await client.post(f"/plans/{plan['id']}/approval", headers=CADRE)
    assert cadre.status_code == 403  # village cadres carry plans out; officers approve them

    plan = await approved_plan(client, household, due="2026-11-02")  # already past
    assert plan["state"] == "approved" and plan["approved_by"] == "township-li"

    queue = await ok(await client.get("/measures/overdue", params={"on": "2026-11-09"}, headers=TOWNSHIP))
    mine = [m for m in queue["items"] if m["plan_id"] == plan["id"]]
    assert {m["code"] for m in mine} == {"health", "employment"}
    assert all(m["working_days_overdue"] == 5 for m in mine)  # 11-03..11-09: five working days

    health = next(m for m in plan["measures"] if m["code"] == "health")
    document = hashlib.sha256(b"medical assistance decision").hexdigest()
    done = await ok(
        await client.post(
            f"/plans/{plan['id']}/measures/{health['id']}/progress",
            headers=CADRE,
            json={
                "status": "implemented",
                "evidence": [
                    {"description": "医疗救助", "amount": "8600.00", "date": "2026-11-05", "document_sha256": document}
                ],
            },
        )
    )
    assert done["status"] == "implemented" and done["evidence"][0]["document_sha256"] == document
    back = await client.post(
        f"/plans/{plan['id']}/measures/{health['id']}/progress", headers=CADRE, json={"status": "in_progress"}
    )
    assert back.status_code == 409 and back.json()["current_state"] == "implemented"
    assert back.json()["allowed_actions"] == []
    queue = await ok(await client.get("/measures/overdue", params={"on": "2026-11-09"}, headers=TOWNSHIP))
    assert {m["code"] for m in queue["items"] if m["plan_id"] == plan["id"]} == {"employment"}

    other_county = await client.get("/measures/overdue", headers={**COUNTY_OFFICER, **_elsewhere()})
    assert all(m["plan_id"] != plan["id"] for m in other_county.json()["items"])


def _elsewhere() -> dict[str, str]:
    return headers("county_officer", "441302")


async def test_officers_adjust_a_draft_within_the_catalogue(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household, _ = await monitored(intake, ["natural_disaster"])
    plan = await draft_plan(client, household)
    unknown = await client.post(
        f"/plans/{plan['id']}/measures", headers=TOWNSHIP, json={"code": "lottery", "reason": "luck"}
    )
    assert unknown.status_code == 422
    ext = await client.post(
        "/measures/catalogue",
        headers=COUNTY_OFFICER,
        json={
            "code": "mile_tea_cooperative",
            "measure_class": "income",
            "kind": "developmental",
            "zh": "茶叶合作社带动",
            "en": "Tea cooperative",
            "department": "弥勒市农科局",
            "addresses": ["natural_disaster", "industry_failure"],
            "region_prefix": "532504",
        },
    )
    assert ext.status_code == 201, ext.text
    added = await ok(
        await client.post(
            f"/plans/{plan['id']}/measures",
            headers=TOWNSHIP,
            json={"code": "mile_tea_cooperative", "reason": "replant after the flood", "risks": ["natural_disaster"]},
        ),
        201,
    )
    assert added["responsible_unit"] == "弥勒市农科局" and not added["recommended"]
    catalogue = await ok(
        await client.get("/measures/catalogue", params={"region_code": "532504102001"}, headers=TOWNSHIP)
    )
    codes = {m["code"]: m for m in catalogue["items"]}
    assert {"industry", "dibao", "drinking_water", "motivation_skills", "mile_tea_cooperative"} <= set(codes)
    assert codes["dibao"]["zh"].startswith("最低生活保障") and codes["dibao"]["department"] == "民政部门"
    assert len([m for m in catalogue["items"] if m["region_prefix"] == ""]) == 19

    recommended = next(m for m in plan["measures"] if m["recommended"])
    withdrawal = f"/plans/{plan['id']}/measures/{recommended['id']}/withdrawal"
    assert (await client.post(withdrawal, headers=TOWNSHIP, json={})).status_code == 422  # a reason is required
    withdrawn = await ok(await client.post(withdrawal, headers=TOWNSHIP, json={"reason": "与产业帮扶重复，不叠加"}))
    assert withdrawn["withdrawn_reason"] == "与产业帮扶重复，不叠加" and withdrawn["withdrawn_by"]
    again = await client.post(withdrawal, headers=TOWNSHIP, json={"reason": "again"})
    assert again.status_code == 409 and again.json()["type"].endswith("/measure-withdrawn")
    plan = await ok(await client.get(f"/plans/{plan['id']}", headers=TOWNSHIP))
    assert [m["code"] for m in plan["measures"]] == ["mile_tea_cooperative"]
    assert [m["id"] for m in plan["withdrawn_measures"]] == [recommended["id"]]  # kept, never deleted
    async with TopicReader(settings.kafka_bootstrap_servers or "", "assistance.plan.v1") as topic:
        event = await topic.wait_for(
            lambda m: b"measure-withdrawn" in m.value and recommended["id"].encode() in m.value, timeout=30
        )
    assert "与产业帮扶重复" in json.loads(event.value)["data"]["reason"]


async def test_a_not_assisted_case_records_its_reason_and_gets_no_plan(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household, _ = await monitored(intake, ["illness"])
    plan = await draft_plan(client, household)
    bad = await client.post(
        f"/plans/{plan['id']}/exclusion", headers=TOWNSHIP, json={"reason": "bad_luck", "note": "x"}
    )
    assert bad.status_code == 422
    excluded = await ok(
        await client.post(
            f"/plans/{plan['id']}/exclusion",
            headers=TOWNSHIP,
            json={"reason": "excessive_treatment", "note": "imported drugs outside the reimbursement list"},
        )
    )
    assert excluded["state"] == "excluded" and excluded["excluded_reason"] == "excessive_treatment"
    assert excluded["measures"] == []
    again = await client.post(f"/plans/{plan['id']}/approval", headers=TOWNSHIP)
    assert again.status_code == 409 and again.json()["current_state"] == "excluded"
    status = await ok(await client.get(f"/households/{household['id']}/assistance", headers=TOWNSHIP))
    assert status["status"] == "excluded"


async def test_a_year_ops_load_in_intake_counts_in_assistances_working_days(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    """2031 is unknown to chinese-calendar: Monday-Friday is assumed until ops load it in intake; assistance
    then counts by the loaded arrangement (intake.calendar.v1)."""
    household, _ = await monitored(intake, ["illness"])
    plan = await approved_plan(client, household, due="2030-12-31")
    on = {"on": "2031-01-06"}

    async def overdue_days() -> int:
        queue = await ok(await client.get("/measures/overdue", params={**on, "limit": 500}, headers=TOWNSHIP))
        return next(m["working_days_overdue"] for m in queue["items"] if m["plan_id"] == plan["id"])

    assert await overdue_days() == 4  # 01-01, 01-02, 01-03 and 01-06, Monday-Friday
    loaded = await intake.put(
        "/calendar/2031",
        headers=headers("admin", ""),
        json={
            "source": "国务院办公厅关于2031年部分节假日安排的通知",
            "days": [
                {"day": "2031-01-01", "is_workday": False, "name": "元旦"},
                {"day": "2031-01-02", "is_workday": False, "name": "元旦"},
            ],
        },
    )
    assert loaded.status_code in (200, 201), loaded.text

    async def counted() -> bool:
        return await overdue_days() == 2  # only 01-03 and 01-06 are working days now

    assert await eventually(counted)
