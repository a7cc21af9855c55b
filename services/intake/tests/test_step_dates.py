"""A date a client states for a step is a claim: checked against today and the step before it."""

import datetime as dt

import httpx

from common import clock
from devkit.kit.households import member, register
from devkit.kit.identification import (
    CADRE,
    COUNTY_OFFICER,
    PARTICIPANTS,
    SURVEY,
    approve,
    declare,
    illness,
    ok,
    review,
    sign_consent,
    to_verified,
)
from devkit.testing.fixtures import resident_id


async def test_step_dates_are_checked_against_the_step_before_and_today(client: httpx.AsyncClient) -> None:
    household = await register(client)
    case = await to_verified(client, household)  # verified on 2026-10-12
    tomorrow = (clock.now() + dt.timedelta(days=2)).date().isoformat()
    for approved_on in ("2026-09-01", tomorrow):
        r = await client.post(
            f"/cases/{case['id']}/county-approval",
            headers=COUNTY_OFFICER,
            json={"approval_no": "弥防返贫〔2026〕12号", "approved_on": approved_on},
        )
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == "approved_on"
    batch = await ok(
        await client.post(
            "/cases/approvals",
            headers=COUNTY_OFFICER,
            json={"case_ids": [case["id"]], "approval_no": "弥防返贫〔2026〕13号", "approved_on": "2026-09-01"},
        )
    )
    assert batch["failed"] == 1 and batch["results"][0]["problem"]["status"] == 422
    assert (await approve(client, case))["state"] == "monitored"


async def test_a_review_before_the_consent_and_a_notice_before_the_review_are_refused(
    client: httpx.AsyncClient,
) -> None:
    household = await register(client)
    await sign_consent(client, household)  # signed 2026-09-20
    case = await declare(client, household)
    await ok(await client.post(f"/cases/{case['id']}/consent", headers=CADRE, json={}))
    await ok(
        await client.post(
            f"/cases/{case['id']}/household-survey", headers=CADRE, json={**SURVEY, "surveyed_on": "2026-09-20"}
        )
    )
    early = await client.post(
        f"/cases/{case['id']}/village-review",
        headers=CADRE,
        json={
            "meeting_date": "2026-09-19",
            "participants": PARTICIPANTS,
            "attendees": 21,
            "votes_for": 15,
            "votes_against": 6,
            "minutes_sha256": "b" * 64,
        },
    )
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "meeting_date"
    await review(client, case)  # 2026-09-25
    for published_on in ("2026-09-24", (clock.now() + dt.timedelta(days=60)).date().isoformat()):
        r = await client.post(f"/cases/{case['id']}/public-notice", headers=CADRE, json={"published_on": published_on})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "published_on"


async def test_a_consent_signed_earlier_does_not_let_a_step_precede_the_declaration(client: httpx.AsyncClient) -> None:
    """中农组发〔2021〕7号 三(二): 监测对象确定前，农户应承诺…并授权; the steps follow the declaration. A consent
    signed on 2026-09-20 for a case declared on the scenario day does not let its survey or review be dated
    between them."""
    household = await register(client)
    await sign_consent(client, household)  # signed 2026-09-20
    case = await declare(client, household, on=None)  # declared today (the scenario day, 2026-11-27)
    declared = clock.today()
    await ok(await client.post(f"/cases/{case['id']}/consent", headers=CADRE, json={}))
    url = f"/cases/{case['id']}/household-survey"
    before = await client.post(url, headers=CADRE, json=SURVEY)  # 2026-09-22: after the consent, before the case
    assert before.status_code == 422 and before.json()["errors"][0]["field"] == "surveyed_on"
    assert f"cannot be before the declaration ({declared})" in before.json()["detail"]
    await ok(await client.post(url, headers=CADRE, json={**SURVEY, "surveyed_on": declared.isoformat()}))
    review = {
        "meeting_date": "2026-09-25",
        "participants": PARTICIPANTS,
        "attendees": 21,
        "votes_for": 15,
        "votes_against": 6,
        "minutes_sha256": "b" * 64,
    }
    early = await client.post(f"/cases/{case['id']}/village-review", headers=CADRE, json=review)
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "meeting_date"
    reviewed = await client.post(
        f"/cases/{case['id']}/village-review", headers=CADRE, json={**review, "meeting_date": declared.isoformat()}
    )
    assert reviewed.status_code == 200, reviewed.text


async def test_a_consent_signed_before_the_mechanism_or_before_the_signer_was_born_is_refused(
    client: httpx.AsyncClient,
) -> None:
    """Issue 24: a consent signed 1900-01-01 by a head born in 1975 was accepted."""
    born = [resident_id(dt.date(1975, 3, 2)), resident_id(dt.date(2023, 5, 1))]
    household = await register(client, members=[member(resident_id=born[0]), member("child", resident_id=born[1])])
    head, child = (m["id"] for m in household["members"])

    async def signed(on: str, signers: list[str]) -> httpx.Response:
        body = {
            "scopes": ["asset_check", "data_sharing"],
            "signer_member_ids": signers,
            "evidence": {"kind": "scanned_form", "sha256": "a" * 64},
            "channel": "village_committee",
            "signed_at": on,
        }
        return await client.post(
            f"/households/{household['id']}/consents", json=body, headers={**CADRE, "Accept-Language": "zh-CN"}
        )

    for on, signers in (("1900-01-01T10:00:00+08:00", [head]), ("2019-12-31T10:00:00+08:00", [head])):
        r = await signed(on, signers)
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == "signed_at" and "签署日期" in r.json()["errors"][0]["message"]
    unborn = await signed("2022-06-01T10:00:00+08:00", [head, child])  # the child was born in 2023
    assert unborn.status_code == 422 and "出生日期" in unborn.json()["errors"][0]["message"], unborn.text
    assert (await signed("2026-11-20T10:00:00+08:00", [head, child])).status_code == 201


async def test_a_declaration_entered_later_states_its_day_and_the_steps_follow_it(client: httpx.AsyncClient) -> None:
    """A declaration the village took on paper is entered later with the day it was taken (`declared_on`): a claim
    checked against today in China Standard Time, and the day no later step may precede."""
    household = await register(client)
    await sign_consent(client, household)  # signed 2026-09-20
    body = {"household_id": household["id"], "channel": "cadre_screening", "risks": [illness(household)]}
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    future = await client.post("/cases", headers=CADRE, json={**body, "declared_on": tomorrow})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "declared_on", future.text
    case = await ok(await client.post("/cases", headers=CADRE, json={**body, "declared_on": "2026-09-21"}), 201)
    await ok(await client.post(f"/cases/{case['id']}/consent", headers=CADRE, json={}))
    url = f"/cases/{case['id']}/household-survey"
    before = await client.post(url, headers=CADRE, json={**SURVEY, "surveyed_on": "2026-09-20"})
    assert before.status_code == 422 and "cannot be before the declaration (2026-09-21)" in before.json()["detail"]
    await ok(await client.post(url, headers=CADRE, json=SURVEY))  # 2026-09-22: after the day it states
