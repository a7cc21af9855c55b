"""The identification as the household's jurisdiction's pack has it: in 仲恺高新区 every household signs the
authorisation and households in 低保 or 特困 (as civil affairs confirms) are not asked to authorise the asset
query, and its township form's income band is derived from the income on record in its bands; 弥勒市 exempts
nobody from the asset query and has no bands."""

import datetime as dt
import uuid
from typing import Any

import httpx
import pytest

from common import clock
from common.events.envelope import encode, new_envelope
from contracts.dept import CivilAffairsRecordV1
from devkit.kit.households import headers, household_body, member, register
from devkit.kit.identification import (
    CADRE,
    PARTICIPANTS,
    SURVEY,
    declare,
    ok,
    sign_consent,
    verification_form,
)
from devkit.testing.fixtures import eventually, on_day, produce
from intake.config import settings

VILLAGE = "441302106200"  # 潼湖镇永平村, in 仲恺高新区
ZK_CADRE, ZK_TOWNSHIP = headers("village_cadre", VILLAGE[:9]), headers("township_officer", VILLAGE[:9], "zk-li")
EXEMPT = {"exemption": {"enrolled_in": "dibao", "certificate_no": "DB-441302-0042"}}


async def _enrolled_in_dibao(resident_id: str) -> None:
    """Civil affairs' feed reports the person enrolled in 低保, over the real broker."""
    record = CivilAffairsRecordV1(
        record_id=f"MZ-{uuid.uuid4().hex[:10]}",
        resident_id=resident_id,
        event_date=clock.today(),
        kind="dibao_enrolled",
    )
    message = encode(new_envelope(record, source="/departments/civil-affairs", subject=record.record_id))
    await produce(settings.kafka_bootstrap_servers or "", record.topic, message.value, record.record_id.encode())


@pytest.mark.real_clock  # its dates follow the clock
async def test_zhongkai_has_every_household_sign_and_spares_dibao_households_the_asset_query_only(
    client: httpx.AsyncClient,
) -> None:
    """《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 三(二): 拟纳入监测对象需要填写农户授权书，对原区级
    相对贫困户中的非民政低保、特困对象授权查询家庭资产信息 (every household signs; only the asset query is limited
    to those not in 低保/特困, and the enrolment is civil affairs' record, not the cadre's word); 附件3 乡镇核查表:
    年人均可支配收入 6000元以下 / 6000-9000元 / 9000-14000元 / 14000元以上."""
    body = household_body(VILLAGE, members=[member()])
    household = await ok(await client.post("/households", json=body, headers=ZK_CADRE), 201)
    today = clock.today()
    income = {"wages": "7000", "production": "0", "property": "0", "transfers": "0"}
    await ok(
        await client.put(
            f"/households/{household['id']}/incomes/{today.year}",
            json=income,
            headers={**ZK_CADRE, "If-None-Match": "*"},
        ),
        201,
    )
    case = await declare(client, household, who=ZK_CADRE)
    url = f"/cases/{case['id']}/consent"
    unconfirmed = await client.post(url, headers={**ZK_CADRE, "Accept-Language": "zh-CN"}, json=EXEMPT)
    assert unconfirmed.status_code == 422 and unconfirmed.json()["errors"][0]["field"] == "exemption"
    assert "民政部门数据未显示该户成员现为低保对象" in unconfirmed.json()["detail"]

    await _enrolled_in_dibao(body["members"][0]["resident_id"])
    unsigned = await eventually(  # the enrolment is confirmed: the household must still sign
        lambda: _unless(client.post(url, headers=ZK_CADRE, json=EXEMPT), 422)
    )
    assert unsigned.status_code == 409 and unsigned.json()["type"].endswith("/consent-required")

    signed = await ok(
        await client.post(
            f"/households/{household['id']}/consents",
            headers=ZK_CADRE,
            json={
                "scopes": ["data_sharing"],
                "signer_member_ids": [household["members"][0]["id"]],
                "evidence": {"kind": "scanned_form", "sha256": "e" * 64},
                "channel": "village_committee",
                "signed_at": clock.now().isoformat(),
            },
        ),
        201,
    )
    asked = await client.post(url, headers=ZK_CADRE, json={})  # without the enrolment, the asset query is asked
    assert asked.status_code == 409 and "asset_check" in asked.json()["detail"]
    attached = await ok(await client.post(url, headers=ZK_CADRE, json=EXEMPT))
    assert attached["state"] == "consent_signed" and attached["consent_id"] == signed["id"]
    review = {
        "meeting_date": today.isoformat(),
        "participants": ["村民代表"],
        "attendees": 21,
        "votes_for": 18,
        "votes_against": 1,
        "minutes_sha256": "c" * 64,
    }
    missing = await client.post(
        f"/cases/{case['id']}/village-review", headers=ZK_CADRE, json={**review, "participants": []}
    )
    assert missing.status_code == 422 and "村民代表会议 needs 村民代表" in missing.json()["detail"]
    await ok(await client.post(f"/cases/{case['id']}/village-review", headers=ZK_CADRE, json=review))
    notice = await ok(
        await client.post(
            f"/cases/{case['id']}/public-notice", headers=ZK_CADRE, json={"published_on": today.isoformat()}
        )
    )
    verified_on = dt.date.fromisoformat(notice["notice_ends_on"]) + dt.timedelta(days=1)
    form = verification_form(household, income_band=None, verified_on=verified_on.isoformat())
    url = f"/cases/{case['id']}/township-verification"
    with on_day(verified_on):
        if verified_on.year != today.year:  # the notice ran into the next year, whose income the form judges
            incomes = f"/households/{household['id']}/incomes/{verified_on.year}"
            await ok(await client.put(incomes, json=income, headers={**ZK_CADRE, "If-None-Match": "*"}), 201)
        wrong = await client.post(url, headers=ZK_TOWNSHIP, json={**form, "income_band": "below_6000"})
        assert wrong.status_code == 422 and "is in 6000_9000, not below_6000" in wrong.json()["detail"]
        verified = await ok(await client.post(url, headers=ZK_TOWNSHIP, json=form))
    assert verified["state"] == "township_verified"
    steps = verified["steps"]
    step = next(s for s in steps if s["action"] == "township_verify")
    assert step["data"]["income_band"] == "6000_9000" and step["data"]["per_capita_income"] == "7000.00"
    consent_step = next(s for s in steps if s["action"] == "attach_consent")
    assert consent_step["data"]["asset_query"] is False and consent_step["data"]["enrolled_in"] == "dibao"
    assert consent_step["data"]["consent_id"] == signed["id"] and consent_step["data"]["enrolled_since"] == str(today)


async def _unless(call: Any, status: int) -> httpx.Response | None:
    response = await call
    return None if response.status_code == status else response


async def test_mile_exempts_nobody_from_the_asset_query(client: httpx.AsyncClient) -> None:
    household = await register(client)
    case = await declare(client, household)
    refused = await client.post(f"/cases/{case['id']}/consent", headers=CADRE, json=EXEMPT)
    assert refused.status_code == 422 and "exempts no household from the asset query" in refused.json()["detail"]
    assert refused.json()["errors"][0]["field"] == "exemption"


async def test_mile_surveys_the_household_before_the_village_review(client: httpx.AsyncClient) -> None:
    """弥勒市健全完善防止返贫致贫监测和帮扶机制的实施细则(2020) 一(四): 农户申报、入户调查、村组评议 (村组评议时需村小组
    及村“三委”干部、驻村工作队、包村干部参与，对农户申请及入户调查情况进行分析研判)."""
    household = await register(client)
    await sign_consent(client, household)  # 2026-09-20
    case = await declare(client, household)
    await ok(await client.post(f"/cases/{case['id']}/consent", headers=CADRE, json={}))
    review = {
        "meeting_date": "2026-09-25",
        "participants": PARTICIPANTS,
        "attendees": 21,
        "votes_for": 15,
        "votes_against": 6,
        "minutes_sha256": "b" * 64,
    }
    early = await client.post(f"/cases/{case['id']}/village-review", headers=CADRE, json=review)
    assert early.status_code == 409 and "household survey" in early.json()["detail"]
    assert "household_survey" in early.json()["allowed_actions"]
    url = f"/cases/{case['id']}/household-survey"
    before = await client.post(url, headers=CADRE, json={**SURVEY, "surveyed_on": "2026-09-19"})
    assert before.status_code == 422 and before.json()["errors"][0]["field"] == "surveyed_on"
    surveyed = await ok(await client.post(url, headers=CADRE, json=SURVEY))  # 2026-09-22
    step = next(s for s in surveyed["steps"] if s["action"] == "household_survey")
    assert step["data"]["forms"] == ["返贫致贫风险户调查表", "致贫返贫风险户收支测算表"]
    too_soon = await client.post(
        f"/cases/{case['id']}/village-review", headers=CADRE, json={**review, "meeting_date": "2026-09-21"}
    )
    assert too_soon.status_code == 422 and too_soon.json()["errors"][0]["field"] == "meeting_date"
    reviewed = await ok(await client.post(f"/cases/{case['id']}/village-review", headers=CADRE, json=review))
    assert reviewed["state"] == "village_reviewed"
    step = next(s for s in reviewed["steps"] if s["action"] == "village_review")
    assert step["data"]["review_body"] == "村组评议"


@pytest.mark.real_clock  # its dates follow the clock
async def test_ningxia_records_whether_the_township_re_checked_within_three_working_days(
    client: httpx.AsyncClient,
) -> None:
    """宁开办发〔2020〕8号 四(二): 乡镇每月汇总各村“两类人口”名单后，3个工作日内完成入户复核; 四(一): 提交村两委和
    村监会联合会议审议. In 2026 the national pack's authorisation and notice apply to it as well."""
    village = "640202001004"
    cadre, township = headers("village_cadre", village[:9]), headers("township_officer", village[:9], "nx-ma")
    household = await ok(
        await client.post("/households", json=household_body(village, members=[member()]), headers=cadre), 201
    )
    today = clock.today()
    consent = {
        "scopes": ["asset_check", "data_sharing"],
        "signer_member_ids": [household["members"][0]["id"]],
        "evidence": {"kind": "scanned_form", "sha256": "a" * 64},
        "channel": "village_committee",
        "signed_at": clock.now().isoformat(),  # now: at 00:30 a signature of 08:00 today is in the future
    }
    await ok(await client.post(f"/households/{household['id']}/consents", headers=cadre, json=consent), 201)
    case = await declare(client, household, who=cadre)
    await ok(await client.post(f"/cases/{case['id']}/consent", headers=cadre, json={}))
    review = {
        "meeting_date": today.isoformat(),
        "participants": ["村两委", "村监会", "驻村工作队（第一书记）"],
        "attendees": 11,
        "votes_for": 9,
        "votes_against": 0,
        "minutes_sha256": "d" * 64,
    }
    reviewed = await ok(await client.post(f"/cases/{case['id']}/village-review", headers=cadre, json=review))
    assert next(s for s in reviewed["steps"] if s["action"] == "village_review")["data"]["review_body"] == (
        "村两委和村监会联合会议"
    )
    notice = await ok(
        await client.post(f"/cases/{case['id']}/public-notice", headers=cadre, json={"published_on": today.isoformat()})
    )
    late = dt.date.fromisoformat(notice["notice_ends_on"]) + dt.timedelta(days=14)
    form = verification_form(household, income_band=None, verified_on=late.isoformat())
    with on_day(late):
        verified = await ok(
            await client.post(f"/cases/{case['id']}/township-verification", headers=township, json=form)
        )
    step = next(s for s in verified["steps"] if s["action"] == "township_verify")
    assert step["data"]["recheck_working_days"] == 3 and step["data"]["recheck_late"] is True
    assert dt.date.fromisoformat(step["data"]["recheck_due"]) > dt.date.fromisoformat(notice["notice_ends_on"])
