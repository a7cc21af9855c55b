"""Risk elimination over the real broker and database: refused with the failing criterion named, households
without labour kept under monitoring, objections during the notice, batch approval, re-entry, the report."""

import datetime as dt
import io
from typing import Any

import httpx
from openpyxl import load_workbook

from common import clock
from devkit.kit.assistance import approved_plan, identified, implement_all, income_and_guarantees, monitored
from devkit.kit.households import TOWNSHIP_A
from devkit.kit.identification import CADRE, COUNTY_OFFICER, TOWNSHIP, ok, sign_consent
from devkit.testing.fixtures import eventually, on_day
from devkit.testing.pdfs import checked_pdf

# After the identification's county approval (2026-10-15); the notice runs 11-04 to 11-10.
REVIEW = {"meeting_date": "2026-11-02", "representatives_present": 21, "votes_for": 19}
NOTICE, NOTICE_UNTIL, IN_NOTICE = "2026-11-03", "2026-11-10", dt.date(2026, 11, 5)
ACCEPTANCE = {
    "accepted_on": "2026-11-20",
    "head_signed": True,
    "village_secretary": "赵书记",
    "officer_name": "李干部",
    "monitor_contact": "陈联系人",
}


async def ready_household(
    client: httpx.AsyncClient, intake: httpx.AsyncClient, risks: list[str] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    household, _ = await monitored(intake, risks or ["illness"])
    plan = await approved_plan(client, household)
    await implement_all(client, plan)
    await income_and_guarantees(client, intake, household)

    async def rigid_known() -> bool:  # intake's yearly income reaches assistance over the bus
        ev = await ok(await client.get(f"/households/{household['id']}/elimination-evaluation", headers=TOWNSHIP))
        return ev["eligible"]

    assert await eventually(rigid_known)
    return household, plan


async def to_accepted(client: httpx.AsyncClient, household: dict[str, Any]) -> dict[str, Any]:
    e = await ok(
        await client.post("/eliminations", headers=CADRE, json={"household_id": household["id"], **REVIEW}), 201
    )
    await ok(await client.post(f"/eliminations/{e['id']}/notice", headers=CADRE, json={"published_on": NOTICE}))
    return await ok(await client.post(f"/eliminations/{e['id']}/acceptance", headers=TOWNSHIP, json=ACCEPTANCE))


async def test_elimination_is_refused_with_the_failing_criterion_named(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household, _ = await monitored(intake, ["illness", "unstable_employment"])
    plan = await approved_plan(client, household)
    ev = await ok(await client.get(f"/households/{household['id']}/elimination-evaluation", headers=TOWNSHIP))
    criteria = {c["code"]: c for c in ev["criteria"]}
    assert not ev["eligible"] and not ev["stays_monitored"]
    assert not criteria["risks_matched"]["met"] and "illness" in criteria["risks_matched"]["explanation"]
    assert "no township record" in criteria["guarantees_secured"]["explanation"]
    assert "not recorded" in criteria["income_stable"]["explanation"]

    health = next(m for m in plan["measures"] if m["code"] == "health")
    await ok(
        await client.post(
            f"/plans/{plan['id']}/measures/{health['id']}/progress", headers=TOWNSHIP, json={"status": "implemented"}
        )
    )
    await income_and_guarantees(client, intake, household, monthly="300")  # 3,600 a year: under Mile's 4,428

    async def refusal() -> dict[str, Any] | None:  # once screening's line for Mile has reached assistance
        r = await client.post("/eliminations", headers=CADRE, json={"household_id": household["id"], **REVIEW})
        assert r.status_code == 409 and r.json()["type"].endswith("elimination-refused")
        return r.json() if "not above the line" in r.json()["detail"] else None

    body = await eventually(refusal)
    assert "income_stable" in body["failing_criteria"] and "risks_matched" in body["failing_criteria"]
    assert "unstable_employment" in body["detail"] and "3,600.00" in body["detail"]
    zh = await client.post(
        "/eliminations", headers={**CADRE, "Accept-Language": "zh-CN"}, json={"household_id": household["id"], **REVIEW}
    )
    detail = zh.json()["detail"]  # the reason itself, in Chinese, not the title repeated
    assert zh.status_code == 409 and "detail_en" not in zh.json()
    assert detail.startswith("未达到：落实了对应的帮扶措施（以下风险尚无已落实的帮扶措施：因务工就业不稳）")
    assert "收入持续稳定（近12个月人均纯收入 3,600.00 元，未高于监测标准" in detail


async def test_a_household_without_labour_whose_floor_is_in_place_stays_monitored(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household, _ = await monitored(intake, ["lack_of_labour"], labour="none")
    plan = await approved_plan(client, household)
    assert [m["code"] for m in plan["measures"]] == ["dibao"]
    await implement_all(client, plan)
    await income_and_guarantees(client, intake, household)
    ev = await ok(await client.get(f"/households/{household['id']}/elimination-evaluation", headers=TOWNSHIP))
    assert ev["stays_monitored"] and not ev["eligible"] and "stays monitored" in ev["reason"]
    refused = await client.post("/eliminations", headers=CADRE, json={"household_id": household["id"], **REVIEW})
    assert refused.status_code == 409 and refused.json()["type"].endswith("stays-monitored")
    assert ev["reason_zh"] == "无劳动能力且兜底保障已落实：继续监测，不标注风险消除"


async def test_a_household_without_labour_whose_floor_is_approved_but_not_carried_out_is_not_proposed(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    """中农组发〔2021〕7号 三(三): 对无劳动能力的，落实社会保障措施后，暂不标注“风险消除”: the floor comes first, so
    a household whose other measures are done and whose floor is only approved is not proposed."""
    household, _ = await monitored(intake, ["illness"], labour="none")
    plan = await approved_plan(client, household)
    assert {m["code"] for m in plan["measures"]} == {"health", "dibao"}
    health = next(m for m in plan["measures"] if m["code"] == "health")
    await implement_all(client, {**plan, "measures": [health]})
    await income_and_guarantees(client, intake, household)
    ev = await ok(await client.get(f"/households/{household['id']}/elimination-evaluation", headers=TOWNSHIP))
    criteria = {c["code"]: c for c in ev["criteria"]}
    assert not ev["eligible"] and not ev["stays_monitored"]
    assert not criteria["social_floor_carried_out"]["met"]
    assert "dibao (planned)" in criteria["social_floor_carried_out"]["explanation"]
    refused = await client.post("/eliminations", headers=CADRE, json={"household_id": household["id"], **REVIEW})
    assert refused.status_code == 409 and "social_floor_carried_out" in refused.text


async def test_the_procedure_with_objections_then_approval_and_re_entry(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household, plan = await ready_household(client, intake)
    e = await ok(
        await client.post("/eliminations", headers=CADRE, json={"household_id": household["id"], **REVIEW}), 201
    )
    assert e["state"] == "village_reviewed" and e["evaluation"]["eligible"]
    twice = await client.post("/eliminations", headers=CADRE, json={"household_id": household["id"], **REVIEW})
    assert twice.status_code == 409

    early = await client.post(f"/eliminations/{e['id']}/acceptance", headers=TOWNSHIP, json=ACCEPTANCE)
    assert early.status_code == 409 and early.json()["allowed_actions"] == ["notice"]
    e = await ok(await client.post(f"/eliminations/{e['id']}/notice", headers=CADRE, json={"published_on": NOTICE}))
    assert e["notice_until"] == NOTICE_UNTIL  # five working days, the weekend not counted

    with on_day(IN_NOTICE):
        objection = await ok(
            await client.post(f"/eliminations/{e['id']}/objections", headers=CADRE, json={"text": "收入不稳定"}),
            201,
        )
    late = await client.post(f"/eliminations/{e['id']}/objections", headers=CADRE, json={"text": "迟到的异议"})
    assert late.status_code == 409 and late.json()["notice_until"] == NOTICE_UNTIL  # judged by when recorded
    pending = await client.post(f"/eliminations/{e['id']}/acceptance", headers=TOWNSHIP, json=ACCEPTANCE)
    assert pending.status_code == 409 and pending.json()["pending_objections"] == 1
    in_notice = await client.post(
        f"/eliminations/{e['id']}/acceptance", headers=TOWNSHIP, json={**ACCEPTANCE, "accepted_on": "2026-11-09"}
    )
    assert in_notice.status_code == 422 and in_notice.json()["errors"][0]["field"] == "accepted_on"
    await ok(
        await client.post(
            f"/eliminations/{e['id']}/objections/{objection['id']}/resolution",
            headers=TOWNSHIP,
            json={"upheld": False, "note": "工资流水已核实"},
        )
    )
    e = await ok(await client.post(f"/eliminations/{e['id']}/acceptance", headers=TOWNSHIP, json=ACCEPTANCE))
    form = e["acceptance"]
    assert e["state"] == "township_accepted" and form["original_risks"] == ["illness"]
    assert form["object_type"] == "sudden_hardship" and form["measure_classes"] == ["guarantees"]
    assert all(form["criteria"].values()) and "8,400.00" in form["income_12_months"]

    self_approval = await client.post(
        f"/eliminations/{e['id']}/approval",
        headers={**TOWNSHIP},
        json={"approval_no": "x", "approved_on": "2026-11-22"},
    )
    assert self_approval.status_code == 403
    e = await ok(
        await client.post(
            f"/eliminations/{e['id']}/approval",
            headers=COUNTY_OFFICER,
            json={"approval_no": "弥防返贫消〔2026〕3号", "approved_on": "2026-11-22"},
        )
    )
    assert e["state"] == "approved"
    closed = await ok(await client.get(f"/plans/{plan['id']}", headers=TOWNSHIP))
    assert closed["state"] == "closed"
    status = await ok(await client.get(f"/households/{household['id']}/assistance", headers=TOWNSHIP))
    assert status["status"] == "eliminated" and status["eliminations"] == 1

    async def intake_status() -> tuple[str, str | None] | None:
        h = await ok(await intake.get(f"/households/{household['id']}", headers=TOWNSHIP))
        return (h["status"], h["assistance_status"]) if h["status"] == "eliminated" else None

    assert await eventually(intake_status) == ("eliminated", "eliminated")

    # Re-entry: a new risk, a new case approved; the old plan and elimination stay on record.
    await sign_consent(intake, household)
    case = await identified(intake, household, ["accident"], income_band="6000_9000")

    async def new_plan() -> dict[str, Any] | None:
        page = await ok(await client.get("/plans", params={"household_id": household["id"]}, headers=TOWNSHIP))
        fresh = [p for p in page["items"] if p["case_id"] == case["id"]]
        return fresh[0] if fresh else None

    fresh = await eventually(new_plan)
    assert fresh["state"] == "draft" and fresh["risks"] == ["accident"]
    status = await ok(await client.get(f"/households/{household['id']}/assistance", headers=TOWNSHIP))
    assert status["status"] == "plan_drafted" and status["eliminations"] == 1
    history = await ok(await client.get("/eliminations", params={"household_id": household["id"]}, headers=TOWNSHIP))
    assert [x["state"] for x in history["items"]] == ["approved"]

    async def monitored_again() -> str | None:
        h = await ok(await intake.get(f"/households/{household['id']}", headers=TOWNSHIP))
        return h["status"] if h["assistance_status"] == "plan_drafted" else None

    assert await eventually(monitored_again) == "monitored"


async def test_an_upheld_objection_ends_the_procedure(client: httpx.AsyncClient, intake: httpx.AsyncClient) -> None:
    household, plan = await ready_household(client, intake)
    e = await ok(
        await client.post("/eliminations", headers=CADRE, json={"household_id": household["id"], **REVIEW}), 201
    )
    await ok(await client.post(f"/eliminations/{e['id']}/notice", headers=CADRE, json={"published_on": NOTICE}))
    with on_day(IN_NOTICE):
        objection = await ok(
            await client.post(f"/eliminations/{e['id']}/objections", headers=CADRE, json={"text": "仍有大额医疗支出"}),
            201,
        )
    e = await ok(
        await client.post(
            f"/eliminations/{e['id']}/objections/{objection['id']}/resolution",
            headers=TOWNSHIP,
            json={"upheld": True, "note": "核实属实"},
        )
    )
    assert e["state"] == "rejected" and "核实属实" in e["rejected_reason"]
    assert e["state_zh"] == "不予通过"  # a state of the declared procedure, labelled like every other
    still = await ok(await client.get(f"/plans/{plan['id']}", headers=TOWNSHIP))
    assert still["state"] == "approved"


async def test_batch_approval_answers_for_each_and_the_monthly_report_counts_them(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    accepted = []
    for _ in range(2):
        household, _ = await ready_household(client, intake)
        accepted.append(await to_accepted(client, household))
    not_ready, _ = await ready_household(client, intake)
    candidates, cursor = [], None
    while True:  # every page of the township's approved plans, evaluated
        params: dict[str, Any] = {"region_prefix": TOWNSHIP_A, "eligible_only": "true", "limit": 50}
        page = await ok(
            await client.get(
                "/elimination-candidates", params={**params, **({"cursor": cursor} if cursor else {})}, headers=TOWNSHIP
            )
        )
        candidates += page["items"]
        if not (cursor := page["next_cursor"]):
            break
    assert not_ready["id"] in {c["household_id"] for c in candidates} and all(c["eligible"] for c in candidates)
    reviewed = await ok(
        await client.post("/eliminations", headers=CADRE, json={"household_id": not_ready["id"], **REVIEW}), 201
    )
    ids = [e["id"] for e in accepted] + [reviewed["id"]]
    results = await ok(
        await client.post(
            "/eliminations/approvals",
            headers=COUNTY_OFFICER,
            json={"elimination_ids": ids, "approval_no": "弥防返贫消〔2026〕9号", "approved_on": "2026-11-23"},
        )
    )
    assert results["approved"] == 2 and results["failed"] == 1
    outcomes = {r["id"]: r for r in results["results"]}
    assert [outcomes[i]["outcome"] for i in ids] == ["approved", "approved", "failed"]
    assert outcomes[reviewed["id"]]["problem"]["current_state"] == "village_reviewed"

    report = await ok(
        await client.get("/reports/monthly", params={"township": TOWNSHIP_A, "month": "2026-11"}, headers=TOWNSHIP)
    )
    assert report["due_by"] == "2026-12-03" and report["township_name"]  # 弥勒市: 次月3日前
    assert report["due_by_source"].startswith("policy:532504")  # the county's, or a township's carried from it
    assert report["totals"]["eliminated"] >= 2 and report["totals"]["measures_implemented"] >= 3
    assert all(v["village"].startswith(TOWNSHIP_A) for v in report["villages"])
    xlsx = await client.get(
        "/reports/monthly", params={"township": TOWNSHIP_A, "month": "2026-11", "format": "xlsx"}, headers=TOWNSHIP
    )
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    eliminated = rows[2].index("风险消除户数")
    total = next(r for r in rows if r[0] == "合计")
    assert rows[2][eliminated + 1] == "风险消除人数" and any(r[0] == "按返贫致贫风险" for r in rows)
    assert all(c is None or "monthly" not in str(c) for row in rows for c in row)  # one Chinese header row
    assert total[eliminated] == report["totals"]["eliminated"]
    # People as well as households (each test household has two members), and the month-end standing.
    assert report["totals"]["eliminated_people"] >= 2 * report["totals"]["eliminated"]
    assert report["totals"]["monitored_now"] >= 1 and report["totals"]["monitored_now_people"] >= 2
    october = await ok(
        await client.get("/reports/monthly", params={"township": TOWNSHIP_A, "month": "2026-10"}, headers=TOWNSHIP)
    )  # the kit's cases state their approval on 2026-10-15: October's newly monitored, by type and risk
    assert october["totals"]["newly_monitored"] >= 1 and october["by_type"] and october["by_risk"].get("因病", 0) >= 1
    # 弥勒市 一(三): the lists, 上月返贫致贫风险户、风险消除户, one line per household with its number.
    assert len(report["eliminated_list"]) == report["totals"]["eliminated"]
    assert all(x["household_no"] and x["people"] >= 1 and x["risks"] for x in report["eliminated_list"])
    assert len(october["newly_monitored_list"]) == october["totals"]["newly_monitored"]
    county = await ok(
        await client.get("/reports/monthly", params={"township": "532504", "month": "2026-11"}, headers=COUNTY_OFFICER)
    )  # the county's roll-up: a row per township, the same totals
    assert county["rows_by"] == "township" and all(len(v["village"]) == 9 for v in county["villages"])
    assert county["totals"]["eliminated"] >= report["totals"]["eliminated"]
    not_mine = await client.get("/reports/monthly", params={"township": "532504", "month": "2026-11"}, headers=TOWNSHIP)
    assert not_mine.status_code == 404  # a township officer does not read the county's
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames[1:] == ["新纳入监测户名单", "风险消除户名单"]
    listed = list(workbook["风险消除户名单"].iter_rows(min_row=3, values_only=True))
    assert len(listed) == report["totals"]["eliminated"] and listed[0][0] == 1
    outside = await client.get(
        "/reports/monthly", params={"township": "441302007", "month": "2026-11"}, headers=TOWNSHIP
    )
    assert outside.status_code == 404
    # For a briefing: the PDF with its charts, every font embedded, every page drawn; the trend and the
    # standing behind the charts are in the JSON too.
    assert [m["month"] for m in county["trend"]][-1] == "2026-11" and len(county["trend"]) == 12
    assert county["trend"][-1]["eliminated"] == county["totals"]["eliminated"]
    assert sum(county["monitored_by_type"].values()) == county["totals"]["monitored_now"]
    assert county["monitored_by_risk"].get("因病", 0) >= 1
    briefing = await client.get(
        "/reports/monthly", params={"township": "532504", "month": "2026-11", "format": "pdf"}, headers=COUNTY_OFFICER
    )
    assert briefing.status_code == 200 and briefing.headers["content-type"] == "application/pdf"
    text = checked_pdf(briefing.content).replace("\n", "")
    for caption in ("各乡镇月末在监测户数与本月风险消除户数", "近十二个月趋势", "按返贫致贫风险", "按监测对象类型"):
        assert caption in text, caption
    assert "本月风险消除户名单" in text and "合计" in text and "因病" in text


async def test_elimination_dates_follow_their_steps_and_the_head_must_sign(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household, _ = await ready_household(client, intake)
    before_approval = await client.post(
        "/eliminations",
        headers=CADRE,
        json={"household_id": household["id"], **REVIEW, "meeting_date": "2026-10-14"},  # identified 2026-10-15
    )
    assert before_approval.status_code == 422 and before_approval.json()["errors"][0]["field"] == "meeting_date"
    e = await ok(
        await client.post("/eliminations", headers=CADRE, json={"household_id": household["id"], **REVIEW}), 201
    )
    ahead = (clock.now() + dt.timedelta(days=60)).date().isoformat()
    for published_on in ("2026-11-01", ahead):  # before the review; a notice ending two months ahead
        r = await client.post(f"/eliminations/{e['id']}/notice", headers=CADRE, json={"published_on": published_on})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "published_on"
    await ok(await client.post(f"/eliminations/{e['id']}/notice", headers=CADRE, json={"published_on": NOTICE}))
    unsigned = await client.post(
        f"/eliminations/{e['id']}/acceptance", headers=TOWNSHIP, json={**ACCEPTANCE, "head_signed": False}
    )
    assert unsigned.status_code == 422 and unsigned.json()["errors"][0]["field"] == "head_signed"
    await ok(await client.post(f"/eliminations/{e['id']}/acceptance", headers=TOWNSHIP, json=ACCEPTANCE))
    early = await client.post(
        f"/eliminations/{e['id']}/approval",
        headers=COUNTY_OFFICER,
        json={"approval_no": "弥防返贫消〔2026〕4号", "approved_on": "2026-11-19"},  # accepted 2026-11-20
    )
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "approved_on"
