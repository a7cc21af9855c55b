import datetime as dt
import json
from typing import Any

import httpx

from common import clock
from contracts.intake import CASE_TOPIC
from devkit.kit.households import COUNTY, TOWNSHIP_B, VILLAGE_A, headers, register
from devkit.kit.identification import (
    CADRE,
    COUNTY_OFFICER,
    NOTICE_END,
    TOWNSHIP,
    approve,
    declare,
    illness,
    notice,
    ok,
    review,
    sign_consent,
    to_notice,
    to_verified,
    verification_form,
    verify,
)
from devkit.kit.screening import pack
from devkit.testing.fixtures import TopicReader, eventually, on_day
from devkit.testing.fixtures import auth as screening_auth
from intake.config import settings
from screening.config import settings as screening_settings


async def test_full_procedure_to_monitored_with_events(client: httpx.AsyncClient) -> None:
    household = await register(client)
    consent = await sign_consent(client, household)
    case = await declare(client, household)
    assert case["state"] == "declared" and case["allowed_actions"] == ["attach_consent", "reject"]
    # The label beside the code, where a cadre reads it.
    assert case["state_zh"] == "已申报" and case["allowed_actions_zh"] == ["签署承诺授权书", "不予认定"]
    case = await ok(await client.post(f"/cases/{case['id']}/consent", headers=CADRE, json={}))
    assert case["state"] == "consent_signed" and case["consent_id"] == consent["id"]
    assert (await review(client, case))["state"] == "village_reviewed"
    case = await notice(client, case)
    assert case["state"] == "in_public_notice"
    assert case["notice_ends_on"] == NOTICE_END and case["notice_calendar_assumed"] is False
    case = await verify(client, case, household)
    assert case["state"] == "township_verified" and case["object_type"] == "sudden_hardship"
    case = await approve(client, case)
    assert case["state"] == "monitored" and case["allowed_actions"] == []
    assert [s["action"] for s in case["steps"]] == [
        "declare",
        "attach_consent",
        "household_survey",  # 弥勒市's procedure has it (its pack)
        "village_review",
        "publish_notice",
        "township_verify",
        "county_approve",
    ]
    h = await ok(await client.get(f"/households/{household['id']}", headers=TOWNSHIP))
    assert h["status"] == "monitored"

    async with TopicReader(settings.kafka_bootstrap_servers or "", CASE_TOPIC) as topic:
        approved = await topic.wait_for(
            lambda m: json.loads(m.value)["type"] == "intake.case.approved" and m.key.decode() == household["id"]
        )
        types = [json.loads(m.value)["type"] for m in topic.seen if m.key and m.key.decode() == household["id"]]
    assert types == [
        "intake.case.declared",
        "intake.case.consent-attached",
        "intake.case.household-surveyed",
        "intake.case.village-reviewed",
        "intake.case.notice-published",
        "intake.case.township-verified",
        "intake.case.approved",
    ]
    event = json.loads(approved.value)
    assert event["specversion"] == "1.0" and event["subject"] == household["id"]
    assert event["data"]["state"] == "monitored" and event["data"]["risks"][0]["category"] == "illness"


async def test_illegal_transition_lists_allowed_steps(client: httpx.AsyncClient) -> None:
    household = await register(client)
    case = await declare(client, household)
    r = await client.post(
        f"/cases/{case['id']}/county-approval",
        headers=COUNTY_OFFICER,
        json={"approval_no": "x", "approved_on": "2026-10-15"},
    )
    assert r.status_code == 409
    assert r.json()["type"].endswith("/illegal-transition")
    assert r.json()["current_state"] == "declared" and r.json()["allowed_actions"] == ["attach_consent", "reject"]


async def test_consent_is_required_and_revocation_respected(client: httpx.AsyncClient) -> None:
    household = await register(client)
    case = await declare(client, household)
    r = await client.post(f"/cases/{case['id']}/consent", headers=CADRE, json={})
    assert r.status_code == 409 and r.json()["type"].endswith("/consent-required")
    partial = await sign_consent(client, household, scopes=("data_sharing",))
    assert (
        await client.post(f"/cases/{case['id']}/consent", headers=CADRE, json={"consent_id": partial["id"]})
    ).status_code == 409
    full = await sign_consent(client, household)
    revoked = await ok(
        await client.post(
            f"/households/{household['id']}/consents/{full['id']}/revocation",
            headers=CADRE,
            json={"reason": "household withdrew"},
        ),
        201,
    )
    assert revoked["status"] == "revoked"
    assert (await client.post(f"/cases/{case['id']}/consent", headers=CADRE, json={})).status_code == 409
    again = await client.post(
        f"/households/{household['id']}/consents/{full['id']}/revocation", headers=CADRE, json={"reason": "twice"}
    )
    assert again.status_code == 409


async def test_head_must_sign(client: httpx.AsyncClient) -> None:
    household = await register(client)
    r = await client.post(
        f"/households/{household['id']}/consents",
        headers=CADRE,
        json={
            "scopes": ["asset_check"],
            "signer_member_ids": [household["members"][1]["id"]],
            "evidence": {"kind": "e_sign", "sha256": "c" * 64},
            "channel": "app",
            "signed_at": "2026-11-01T09:00:00+08:00",
        },
    )
    assert r.status_code == 422 and "head" in r.json()["detail"]


async def test_no_one_approves_what_they_submitted(client: httpx.AsyncClient) -> None:
    household = await register(client)
    case = await to_notice(client, household, who=COUNTY_OFFICER, channel="social_supervision")
    await verify(client, case, household)
    r = await client.post(
        f"/cases/{case['id']}/county-approval",
        headers=COUNTY_OFFICER,
        json={"approval_no": "x", "approved_on": "2026-10-15"},
    )
    assert r.status_code == 403 and r.json()["type"].endswith("/self-approval")
    other = headers("county_officer", COUNTY, sub="county-zhou")
    r = await client.post(
        f"/cases/{case['id']}/county-approval", headers=other, json={"approval_no": "x", "approved_on": "2026-10-15"}
    )
    assert r.status_code == 200 and r.json()["state"] == "monitored"


async def test_objections_block_verification_and_upheld_sends_back(client: httpx.AsyncClient) -> None:
    household = await register(client)
    case = await to_notice(client, household)
    backdated = await client.post(  # recorded after the notice ended: its raised_on does not reopen it
        f"/cases/{case['id']}/objections", headers=CADRE, json={"summary": "too late", "raised_on": "2026-10-09"}
    )
    assert backdated.status_code == 409 and backdated.json()["notice_ends_on"] == NOTICE_END
    with on_day(dt.date(2026, 10, 9)):  # during the notice
        for raised_on in ("2026-10-11", "2026-09-27"):  # after today, before the notice
            wrong = await client.post(
                f"/cases/{case['id']}/objections", headers=CADRE, json={"summary": "x", "raised_on": raised_on}
            )
            assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "raised_on"
        case = await ok(
            await client.post(
                f"/cases/{case['id']}/objections",
                headers=CADRE,
                json={"summary": "家中有车辆", "raised_on": "2026-10-09"},
            ),
            201,
        )
    objection = case["objections"][0]
    assert objection["status"] == "pending"
    blocked = await client.post(
        f"/cases/{case['id']}/township-verification", headers=TOWNSHIP, json=verification_form(household)
    )
    assert blocked.status_code == 409 and blocked.json()["type"].endswith("/notice-not-over")
    cadre_resolves = await client.post(
        f"/cases/{case['id']}/objections/{objection['id']}/resolution",
        headers=CADRE,
        json={"upheld": True, "resolution": "x"},
    )
    assert cadre_resolves.status_code == 403
    case = await ok(
        await client.post(
            f"/cases/{case['id']}/objections/{objection['id']}/resolution",
            headers=TOWNSHIP,
            json={"upheld": True, "resolution": "车辆属实，需重新评议"},
        )
    )
    assert case["state"] == "consent_signed" and case["notice_ends_on"] is None
    assert case["objections"][0]["status"] == "upheld"
    assert (await review(client, case))["state"] == "village_reviewed"


async def test_village_vote_and_township_no_reject(client: httpx.AsyncClient) -> None:
    household = await register(client)
    await sign_consent(client, household)
    case = await declare(client, household)
    await ok(await client.post(f"/cases/{case['id']}/consent", headers=CADRE, json={}))
    case = await review(client, case, votes_for=10)
    assert case["state"] == "rejected" and "10 of 21" in case["rejection_reason"]

    second = await register(client)
    case = await to_notice(client, second)
    no_reason = await client.post(
        f"/cases/{case['id']}/township-verification", headers=TOWNSHIP, json=verification_form(second, decision="no")
    )
    assert no_reason.status_code == 422 and "no_reasons" in no_reason.json()["detail"] + json.dumps(no_reason.json())
    case = await ok(
        await client.post(
            f"/cases/{case['id']}/township-verification",
            headers=TOWNSHIP,
            json=verification_form(second, decision="no", no_reasons=["high_value_assets"]),
        )
    )
    assert case["state"] == "rejected" and "high_value_assets" in case["rejection_reason"]


async def test_batch_approval_reports_each_case(client: httpx.AsyncClient) -> None:
    verified = [await to_verified(client, await register(client)) for _ in range(2)]
    declared = await declare(client, await register(client))
    r = await ok(
        await client.post(
            "/cases/approvals",
            headers=COUNTY_OFFICER,
            json={
                "case_ids": [c["id"] for c in verified] + [declared["id"]],
                "approval_no": "批2026-3",
                "approved_on": "2026-10-15",
            },
        )
    )
    assert r["approved"] == 2 and r["failed"] == 1
    failed = next(x for x in r["results"] if x["outcome"] == "failed")
    assert failed["id"] == declared["id"] and failed["problem"]["type"].endswith("/illegal-transition")
    for c in verified:
        assert (await ok(await client.get(f"/cases/{c['id']}", headers=TOWNSHIP)))["state"] == "monitored"


async def test_roles_jurisdiction_and_one_open_case(client: httpx.AsyncClient) -> None:
    household = await register(client)
    case = await declare(client, household)
    again = await client.post(
        "/cases",
        headers=CADRE,
        json={"household_id": household["id"], "channel": "cadre_screening", "risks": [illness(household)]},
    )
    assert again.status_code == 409 and again.json()["case_id"] == case["id"]
    assert (await client.post(f"/cases/{case['id']}/rejection", headers=CADRE, json={"reason": "x"})).status_code == 403
    other = headers("township_officer", TOWNSHIP_B)
    assert (await client.get(f"/cases/{case['id']}", headers=other)).status_code == 404
    assert (await client.post(f"/cases/{case['id']}/rejection", headers=other, json={"reason": "x"})).status_code == 404
    stranger = {
        "category": "illness",
        "patient_member_id": "6f1c7d2e-1111-4a5b-9c8d-000000000009",
        "out_of_pocket_medical": "1",
    }
    r = await client.post(
        "/cases",
        headers=CADRE,
        json={"household_id": (await register(client))["id"], "channel": "cadre_screening", "risks": [stranger]},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "risks.0.patient_member_id"
    dept = await client.post(
        "/cases",
        headers=CADRE,
        json={"household_id": household["id"], "channel": "department_alert", "risks": [illness(household)]},
    )
    assert dept.status_code == 422
    rejected = await ok(await client.post(f"/cases/{case['id']}/rejection", headers=TOWNSHIP, json={"reason": "迁出"}))
    assert rejected["state"] == "rejected"
    assert (await declare(client, household))["state"] == "declared"  # a closed case allows a new one


async def test_work_queue_notice_list_and_timeline(client: httpx.AsyncClient) -> None:
    household = await register(client)
    case = await to_notice(client, household)
    queue = await ok(await client.get("/cases", params={"state": "in_public_notice", "limit": 500}, headers=TOWNSHIP))
    assert case["id"] in {c["id"] for c in queue["items"]}
    assert all(c["state"] == "in_public_notice" for c in queue["items"])
    listed = await ok(await client.get(f"/villages/{VILLAGE_A}/public-notice", headers=CADRE))
    assert listed["next_cursor"] is None
    entry = next(e for e in listed["items"] if e["case_id"] == case["id"])
    assert entry["ends_on"] == NOTICE_END and entry["head_name"] == household["members"][0]["name"]
    csv = await client.get(f"/villages/{VILLAGE_A}/public-notice", params={"format": "csv"}, headers=CADRE)
    assert csv.headers["content-type"].startswith("text/csv") and household["household_no"] in csv.text
    assert "新哨社区" in csv.text
    assert (await client.get("/villages/532504103202/public-notice", headers=CADRE)).status_code == 404
    timeline = await ok(await client.get(f"/households/{household['id']}/timeline", headers=TOWNSHIP))
    kinds = [e["kind"] for e in timeline["items"]]
    paged, cursor = [], None
    while True:  # a page at a time, the same entries in the same order
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = await ok(await client.get(f"/households/{household['id']}/timeline", params=params, headers=TOWNSHIP))
        paged += page["items"]
        if (cursor := page["next_cursor"]) is None:
            break
    assert paged == timeline["items"] and len(paged) > 3
    assert {"household.version", "consent.signed"} <= set(kinds)  # the paper consent may predate registration
    assert [k for k in kinds if k.startswith("case.")] == [  # the kit declares on 2026-09-20, before the rest
        "case.declare",
        "case.attach_consent",
        "case.household_survey",
        "case.village_review",
        "case.publish_notice",
    ]


async def test_a_jurisdictions_pack_may_require_every_adult_to_sign(services: Any) -> None:
    """Who signs the authorisation is the pack's (`identification.consent_signers`): a township publishes
    its own, and intake applies it once the pack reaches it over the bus."""
    client, screening = await services.client("intake"), await services.client("screening")
    township = "532504001"  # 弥阳街道: no other test registers here
    body = pack(
        township, clock.today().year, name="弥阳街道", level="zone", identification={"consent_signers": "all_adults"}
    )
    published = await screening.post(
        "/policies", json=body, headers=screening_auth(screening_settings, "county_officer", "532504")
    )
    assert published.status_code == 201, published.text
    household = await register(client, f"{township}001")  # head and spouse, both adults
    head, spouse = household["members"][0]["id"], household["members"][1]["id"]
    consent = {
        "scopes": ["asset_check", "data_sharing"],
        "signer_member_ids": [head],
        "evidence": {"kind": "e_sign", "sha256": "d" * 64},
        "channel": "app",
        "signed_at": "2026-11-01T09:00:00+08:00",
    }
    cadre = headers("village_cadre", township)
    from sqlalchemy import text

    from intake.main import app

    async def arrived() -> bool:  # the pack has reached intake over the bus
        async with app.state.db.engine.connect() as conn:
            query = text("SELECT count(*) FROM intake.policy_packs WHERE policy_id = :p")
            return (await conn.execute(query, {"p": published.json()["id"]})).scalar_one() == 1

    assert await eventually(arrived)
    r = await client.post(f"/households/{household['id']}/consents", headers=cadre, json=consent)
    assert r.status_code == 422 and spouse in json.dumps(r.json()) and "policy pack" in r.json()["detail"]
    consent["signer_member_ids"] = [head, spouse]
    signed = await client.post(f"/households/{household['id']}/consents", headers=cadre, json=consent)
    assert signed.status_code == 201
