"""The measures' democratic review and public notice (中农组发〔2021〕7号 三(二): 落实帮扶措施……应进行民主评议和
公开公示) over the real broker and database: no approval before them, the dates checked against the steps
before, a review that fails keeps the draft, objections judged by when they are recorded, an upheld one
returns the plan to its draft, and every step reaches the plan's topic with its record."""

import datetime as dt
import json

import httpx

from assistance.config import settings
from devkit.kit.assistance import draft_plan, monitored
from devkit.kit.identification import CADRE, COUNTY_OFFICER, TOWNSHIP, ok
from devkit.testing.fixtures import TopicReader, on_day

# The county approved the case on 2026-10-15 (devkit.kit.identification.approve).
REVIEW = {"meeting_date": "2026-10-16", "representatives_present": 21, "votes_for": 18}


async def test_measures_are_reviewed_and_noticed_before_approval_and_an_upheld_objection_returns_the_draft(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household, _ = await monitored(intake, ["illness"])
    plan = await draft_plan(client, household)
    for m in plan["measures"]:
        assignment = {"responsible_cadre": "结对干部 陈", "start_date": "2026-10-20", "due_date": "2026-12-31"}
        for blind in ({}, {"If-Match": "*"}):  # a change that does not say which version it was made on
            refused = await client.patch(
                f"/plans/{plan['id']}/measures/{m['id']}", headers={**TOWNSHIP, **blind}, json=assignment
            )
            assert refused.status_code == 428 and refused.json()["type"].endswith("/precondition-required")
        changed = {**TOWNSHIP, "If-Match": m["etag"]}
        await ok(await client.patch(f"/plans/{plan['id']}/measures/{m['id']}", headers=changed, json=assignment))
    url = f"/plans/{plan['id']}"

    refused = await client.post(f"{url}/approval", headers={**TOWNSHIP, "Accept-Language": "zh-CN"})
    assert refused.status_code == 409 and "民主评议和公开公示" in refused.json()["detail"]

    early = await client.post(f"{url}/review", headers=CADRE, json={**REVIEW, "meeting_date": "2026-10-14"})
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "meeting_date"
    too_many = await client.post(f"{url}/review", headers=CADRE, json={**REVIEW, "votes_for": 22})
    assert too_many.status_code == 422

    failed = await ok(await client.post(f"{url}/review", headers=CADRE, json={**REVIEW, "votes_for": 10}))
    assert failed["state"] == "draft" and failed["review"]["passed"] is False
    reviewed = await ok(await client.post(f"{url}/review", headers=CADRE, json=REVIEW))
    assert reviewed["state"] == "village_reviewed" and reviewed["state_zh"] == "措施已村级评议"
    assert reviewed["review"]["passed"] and reviewed["reviewed_by"] == "cadre-zhang"
    settled = await client.post(f"{url}/measures", headers=TOWNSHIP, json={"code": "employment", "reason": "就业"})
    assert settled.status_code == 409  # what the village reviewed is what the notice lists

    before = await client.post(f"{url}/notice", headers=CADRE, json={"published_on": "2026-10-15"})
    assert before.status_code == 422 and before.json()["errors"][0]["field"] == "published_on"
    noticed = await ok(await client.post(f"{url}/notice", headers=CADRE, json={"published_on": "2026-10-19"}))
    assert noticed["state"] == "in_public_notice" and noticed["notice_until"] == "2026-10-26"

    with on_day(dt.date(2026, 10, 21)):
        running = await client.post(f"{url}/approval", headers=TOWNSHIP)
        assert running.status_code == 409 and running.json()["notice_until"] == "2026-10-26"
        objection = await ok(
            await client.post(f"{url}/objections", headers=CADRE, json={"text": "该户已有医保补助，措施重复"}), 201
        )
        returned = await ok(
            await client.post(
                f"{url}/objections/{objection['id']}/resolution",
                headers=TOWNSHIP,
                json={"upheld": True, "note": "重新研究措施"},
            )
        )
        assert returned["state"] == "draft" and returned["notice_until"] is None
        stale = await client.post(f"{url}/review", headers=CADRE, json=REVIEW)  # before the objection returned it
        assert stale.status_code == 422 and "objection" in stale.json()["detail"]
    with on_day(dt.date(2026, 10, 23)):
        again = {**REVIEW, "meeting_date": "2026-10-22"}
        await ok(await client.post(f"{url}/review", headers=CADRE, json=again))
        await ok(await client.post(f"{url}/notice", headers=CADRE, json={"published_on": "2026-10-23"}))
        second = await ok(await client.post(f"{url}/objections", headers=CADRE, json={"text": "措施安排不公"}), 201)
        pending = await client.post(f"{url}/approval", headers=TOWNSHIP)
        assert pending.status_code == 409  # still in notice, and an objection pending
    with on_day(dt.date(2026, 11, 2)):  # the second notice ran 10-26 to 10-30
        waiting = await client.post(f"{url}/approval", headers=TOWNSHIP)
        assert waiting.status_code == 409 and waiting.json()["pending_objections"] == 1
        await ok(
            await client.post(
                f"{url}/objections/{second['id']}/resolution",
                headers=COUNTY_OFFICER,
                json={"upheld": False, "note": "经核实措施合理"},
            )
        )
    late = await client.post(f"{url}/objections", headers=CADRE, json={"text": "公示期后提出"})
    assert late.status_code == 409 and late.json()["type"].endswith("notice-over")

    approved = await ok(await client.post(f"{url}/approval", headers=TOWNSHIP))
    assert approved["state"] == "approved"
    objections = await ok(await client.get(f"{url}/objections", headers=TOWNSHIP))
    assert [o["resolution"] for o in objections["items"]] == ["upheld", "dismissed"]
    assert objections["items"][0]["resolved_on"] == "2026-10-21"

    async with TopicReader(settings.kafka_bootstrap_servers or "", "assistance.plan.v1") as topic:
        event = await topic.wait_for(
            lambda m: b"plan.notice-published" in m.value and plan["id"].encode() in m.value, timeout=30
        )
    data = json.loads(event.value)["data"]
    assert data["state"] == "in_public_notice" and data["data"]["until"] == "2026-10-26"
    assert [m["code"] for m in data["measures"]] == [m["code"] for m in plan["measures"]]
