"""Drive a household through the identification procedure over the API, step by step."""

import datetime as dt
import hashlib
from typing import Any

import httpx

from devkit.kit.people import CADRE, COUNTY_OFFICER, TOWNSHIP
from devkit.testing.fixtures import on_day

NOTICE_START, NOTICE_END = "2026-09-28", "2026-10-10"  # across the National Day holiday
CONSENT_SIGNED_AT = "2026-09-20T09:00:00+08:00"  # before the village review of 2026-09-25
DECLARED_ON = dt.date(2026, 9, 20)  # the kit's cases are declared the day the consent is signed: no step before


def illness(household: dict[str, Any], amount: str = "38000") -> dict[str, Any]:
    return {"category": "illness", "patient_member_id": household["members"][0]["id"], "out_of_pocket_medical": amount}


async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return response.json()


async def sign_consent(
    client: httpx.AsyncClient,
    household: dict[str, Any],
    scopes: tuple[str, ...] = ("asset_check", "data_sharing"),
    who: dict[str, str] = CADRE,
) -> dict[str, Any]:
    return await ok(
        await client.post(
            f"/households/{household['id']}/consents",
            headers=who,
            json={
                "scopes": list(scopes),
                "signer_member_ids": [household["members"][0]["id"]],
                "evidence": {"kind": "scanned_form", "sha256": hashlib.sha256(household["id"].encode()).hexdigest()},
                "channel": "village_committee",
                "signed_at": CONSENT_SIGNED_AT,
            },
        ),
        201,
    )


async def declare(
    client: httpx.AsyncClient,
    household: dict[str, Any],
    who: dict[str, str] = CADRE,
    channel: str = "cadre_screening",
    on: dt.date | None = DECLARED_ON,
) -> dict[str, Any]:
    """Declared on `on` (None: today), so that the kit's steps, dated from 2026-09-20 on, follow it."""
    body = {"household_id": household["id"], "channel": channel, "risks": [illness(household)]}
    if on is None:
        return await ok(await client.post("/cases", headers=who, json=body), 201)
    with on_day(on):
        return await ok(await client.post("/cases", headers=who, json=body), 201)


# Everyone the shipped packs name for the village review (弥勒市, 宁夏, 仲恺): a review the kit records
# satisfies any of them.
PARTICIPANTS = [
    "村小组干部",
    "村“三委”干部",
    "驻村工作队",
    "包村干部",
    "村两委",
    "村监会",
    "驻村工作队（第一书记）",
    "村民代表",
]


SURVEY = {
    "surveyed_on": "2026-09-22",
    "surveyors": ["驻村工作队 王", "包村干部 李"],
    "survey_form_sha256": "e" * 64,
    "estimate_form_sha256": "f" * 64,
    "estimated_income": "9000",
    "estimated_expense": "41000",
}


async def survey(client: httpx.AsyncClient, case: dict[str, Any]) -> dict[str, Any]:
    return await ok(await client.post(f"/cases/{case['id']}/household-survey", headers=CADRE, json=SURVEY))


async def review(client: httpx.AsyncClient, case: dict[str, Any], votes_for: int = 15) -> dict[str, Any]:
    """The village review, after the household survey where the case's procedure has one (弥勒市)."""
    now = await ok(await client.get(f"/cases/{case['id']}", headers=CADRE))
    if "household_survey" in now["allowed_actions"] and not any(
        s["action"] == "household_survey" for s in now["steps"]
    ):
        await survey(client, case)
    return await ok(
        await client.post(
            f"/cases/{case['id']}/village-review",
            headers=CADRE,
            json={
                "meeting_date": "2026-09-25",
                "participants": PARTICIPANTS,
                "attendees": 21,
                "votes_for": votes_for,
                "votes_against": 21 - votes_for,
                "minutes_sha256": "b" * 64,
            },
        )
    )


async def notice(client: httpx.AsyncClient, case: dict[str, Any]) -> dict[str, Any]:
    return await ok(
        await client.post(f"/cases/{case['id']}/public-notice", headers=CADRE, json={"published_on": NOTICE_START})
    )


def verification_form(household: dict[str, Any], decision: str = "yes", **over: Any) -> dict[str, Any]:
    return {
        "income_band": "below_6000",
        "object_type": "sudden_hardship",
        "channels": ["cadre_screening"],
        "risks": [illness(household, "41000")],
        "decision": decision,
        "verified_on": "2026-10-12",
        "village_secretary": "赵书记",
        "officer_name": "李干部",
        **over,
    }


async def verify(client: httpx.AsyncClient, case: dict[str, Any], household: dict[str, Any]) -> dict[str, Any]:
    return await ok(
        await client.post(
            f"/cases/{case['id']}/township-verification", headers=TOWNSHIP, json=verification_form(household)
        )
    )


IDENTIFICATION_APPROVAL_NO = "弥防返贫〔2026〕12号"


async def approve(client: httpx.AsyncClient, case: dict[str, Any]) -> dict[str, Any]:
    return await ok(
        await client.post(
            f"/cases/{case['id']}/county-approval",
            headers=COUNTY_OFFICER,
            json={"approval_no": IDENTIFICATION_APPROVAL_NO, "approved_on": "2026-10-15"},
        )
    )


async def to_notice(
    client: httpx.AsyncClient, household: dict[str, Any], who: dict[str, str] = CADRE, channel: str = "cadre_screening"
) -> dict[str, Any]:
    """Consent, declaration, consent attached, village review, notice published: the case in notice."""
    await sign_consent(client, household)
    case = await declare(client, household, who, channel)
    await ok(await client.post(f"/cases/{case['id']}/consent", headers=CADRE, json={}))
    await review(client, case)
    return await notice(client, case)


async def to_verified(client: httpx.AsyncClient, household: dict[str, Any]) -> dict[str, Any]:
    return await verify(client, await to_notice(client, household), household)
