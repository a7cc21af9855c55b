"""Plans over the real broker and database: a case approved in intake gets the right draft plan; officers
assign, approve and track measures; overdue measures reach the work queue; excluded cases get no plan."""

import hashlib
import json

import httpx
import pytest

from assistance.config import settings
from common import clock
from devkit.kit.assistance import approved_plan, draft_plan, monitored, review_measures
from devkit.kit.households import headers
from devkit.kit.identification import CADRE, COUNTY_OFFICER, TOWNSHIP, ok
from devkit.kit.screening import pack
from devkit.testing.fixtures import TopicReader, eventually

CASES = [  # risks, labour, weak motivation -> recommended measures
    (["illness"], "full", False, {"health"}),  # one risk, one measure: no stacking
    (["unstable_employment"], "full", False, {"employment"}),
    (["illness", "unstable_employment"], "full", False, {"health", "employment"}),  # comprehensive
    # + developmental; partial labour: the floor only where no stable income from work is possible
    # (中农组发〔2021〕7号 四(二): 且无法通过产业就业获得稳定收入的), which no income on record shows (test_recommend)
    (["illness", "schooling"], "partial", False, {"health", "education_aid", "employment"}),
    (["lack_of_labour"], "none", False, {"dibao"}),  # the floor
    (["illness"], "none", False, {"health", "dibao"}),
    (["industry_failure"], "none", False, {"dibao"}),
    (["illness"], "full", True, {"health", "motivation_skills"}),  # 扶志扶智
    # 《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(三)'s other risk types, declared by the village.
    (["microloan_overdue"], "full", False, {"micro_credit"}),  # 续贷展期
    (["asset_mismanagement"], "none", False, {"dibao"}),
    (
        ["policy_transition", "housing_unsafe", "drinking_water_unsafe"],
        "full",
        False,
        {"social_assistance", "housing_safety", "drinking_water", "employment"},
    ),
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
    unreviewed = await client.post(f"/plans/{plan['id']}/approval", headers=TOWNSHIP)
    assert unreviewed.status_code == 409 and unreviewed.json()["type"].endswith("illegal-plan-step")
    assert "public notice" in unreviewed.json()["detail"] and "village_review" in unreviewed.json()["allowed_actions"]
    await review_measures(client, plan)
    refused = await client.post(f"/plans/{plan['id']}/approval", headers=TOWNSHIP)
    assert refused.status_code == 409 and refused.json()["type"].endswith("plan-incomplete")
    assert {i["code"] for i in refused.json()["incomplete"]} == {"health", "employment"}
    assert "responsible_cadre" in refused.json()["incomplete"][0]["missing"]

    cadre = await client.post(f"/plans/{plan['id']}/approval", headers=CADRE)
    assert cadre.status_code == 403  # village cadres carry plans out; officers approve them

    plan = await approved_plan(client, household, due="2026-11-02")  # already past
    assert plan["state"] == "approved" and plan["approved_by"] == "township-li" and plan["state_zh"] == "已批准"

    queue = await ok(await client.get("/measures/overdue", params={"on": "2026-11-09"}, headers=TOWNSHIP))
    mine = [m for m in queue["items"] if m["plan_id"] == plan["id"]]
    assert {m["code"] for m in mine} == {"health", "employment"}
    assert all(m["working_days_overdue"] == 5 for m in mine)  # 11-03..11-09: five working days

    health = next(m for m in plan["measures"] if m["code"] == "health")
    document = hashlib.sha256(b"medical assistance decision").hexdigest()
    # Two cadres on one measure: the evidence reported on the version read goes through, and a second report
    # made on that same version is refused 412 (the measure's etag is in the plan as read).
    started = await client.post(
        f"/plans/{plan['id']}/measures/{health['id']}/progress",
        headers={**CADRE, "If-Match": health["etag"]},
        json={"status": "in_progress", "evidence": [{"description": "医保缴费补贴已申请"}]},
    )
    assert started.status_code == 200 and started.headers["etag"] == started.json()["etag"] != health["etag"]
    stale = await client.post(
        f"/plans/{plan['id']}/measures/{health['id']}/progress",
        headers={**CADRE, "If-Match": health["etag"]},
        json={"status": "in_progress", "evidence": [{"description": "重复上报"}]},
    )
    assert stale.status_code == 412 and stale.json()["current_etag"] == started.json()["etag"]
    done = await ok(
        await client.post(
            f"/plans/{plan['id']}/measures/{health['id']}/progress",
            headers={**CADRE, "If-Match": started.json()["etag"]},
            json={
                "status": "implemented",
                "evidence": [
                    {"description": "医疗救助", "amount": "8600.00", "date": "2026-11-05", "document_sha256": document}
                ],
            },
        )
    )
    assert done["status"] == "implemented" and done["evidence"][1]["document_sha256"] == document
    assert done["status_zh"] == "已落实"
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
    tea = {"code": "mile_tea_cooperative", "reason": "replant after the flood", "risks": ["natural_disaster"]}
    # One risk, one measure (中农组发〔2021〕7号 四(二), mandatory): the flood has its measure already.
    stacked = await client.post(f"/plans/{plan['id']}/measures", headers=TOWNSHIP, json=tea)
    assert stacked.status_code == 422 and stacked.json()["errors"][0]["field"] == "stacking_reason"
    assert "the national pack 2021" in stacked.json()["detail"]
    why = "临时救助只解一时之急，茶园需要补种"
    added = await ok(
        await client.post(f"/plans/{plan['id']}/measures", headers=TOWNSHIP, json={**tea, "stacking_reason": why}),
        201,
    )
    assert added["responsible_unit"] == "弥勒市农科局" and not added["recommended"]
    assert why in added["reason"] and "a second measure for natural_disaster" in added["reason"]
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


async def test_a_not_assisted_finding_takes_out_the_measure_or_expense_not_the_plan(
    client: httpx.AsyncClient, intake: httpx.AsyncClient, screening: httpx.AsyncClient
) -> None:
    """宁开办发〔2020〕8号 五(八): 不属于C级或D级房屋……过度医疗治疗……不予帮扶: the measure or the expense concerned,
    on the list of the jurisdiction's pack (a village publishes Ningxia's list for itself here)."""
    village = "532504102008"  # 羊街社区: no other test registers here
    items = [
        {
            "code": "housing_not_c_or_d",
            "zh": "非C级或D级危房",
            "excludes": "measure",
            "measure_kinds": ["housing_safety"],
        },
        {"code": "excessive_medical", "zh": "过度医疗治疗", "excludes": "expense"},
    ]
    body = pack(village, clock.today().year, name="羊街社区", level="zone", not_assisted=items)
    body["sources"] = {"not_assisted": "宁开办发〔2020〕8号 五(八)"}
    published = await screening.post("/policies", json=body, headers=headers("county_officer", "532504"))
    assert published.status_code == 201, published.text
    from sqlalchemy import text

    from assistance.main import app

    async def arrived() -> bool:
        async with app.state.db.engine.connect() as conn:
            query = text("SELECT count(*) FROM assistance.policy_packs WHERE policy_id = :p")
            return (await conn.execute(query, {"p": published.json()["id"]})).scalar_one() == 1

    assert await eventually(arrived)
    household, _ = await monitored(intake, ["illness"], village=village)
    plan = await draft_plan(client, household)
    health = next(m for m in plan["measures"] if m["code"] == "health")
    housing = await ok(
        await client.post(
            f"/plans/{plan['id']}/measures",
            headers=TOWNSHIP,
            json={"code": "housing_safety", "reason": "屋顶漏雨", "risks": ["other"]},
        ),
        201,
    )
    url = f"/plans/{plan['id']}/not-assisted"
    wrong = await client.post(
        url, headers=TOWNSHIP, json={"code": "housing_not_c_or_d", "note": "B级", "measure_ids": [health["id"]]}
    )
    assert wrong.status_code == 422 and "housing_safety" in wrong.json()["detail"]
    found = await ok(
        await client.post(
            url,
            headers=TOWNSHIP,
            json={"code": "housing_not_c_or_d", "note": "鉴定为B级", "measure_ids": [housing["id"]]},
        )
    )
    assert found["state"] == "draft" and [m["code"] for m in found["measures"]] == ["health"]  # the plan stays
    assert found["withdrawn_measures"][0]["id"] == housing["id"]
    assert found["not_assisted"][0]["code"] == "housing_not_c_or_d"
    assert found["not_assisted"][0]["policy"].startswith("policy:532504102008:")
    no_amount = await client.post(url, headers=TOWNSHIP, json={"code": "excessive_medical", "note": "进口药"})
    assert no_amount.status_code == 422
    expense = {"code": "excessive_medical", "note": "进口药", "amount": "8000", "year": clock.today().year}
    assert len((await ok(await client.post(url, headers=TOWNSHIP, json=expense)))["not_assisted"]) == 2
    whole = await client.post(
        f"/plans/{plan['id']}/exclusion", headers=TOWNSHIP, json={"reason": "excessive_medical", "note": "x"}
    )
    assert whole.status_code == 422 and "not the household's plan" in whole.json()["detail"]

    # 弥勒市's pack lists nothing: nothing to find there.
    elsewhere, _ = await monitored(intake, ["illness"])
    other = await draft_plan(client, elsewhere)
    none = await client.post(f"/plans/{other['id']}/not-assisted", headers=TOWNSHIP, json=expense)
    assert none.status_code == 422 and "its pack lists none" in none.json()["detail"]


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
