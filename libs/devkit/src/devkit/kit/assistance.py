"""Drive households through intake to monitored, then through assistance, over the APIs."""

import datetime as dt
from typing import Any

import httpx

from common import clock
from devkit.kit.households import VILLAGE_A, household_body, member
from devkit.kit.identification import CADRE, DECLARED_ON, TOWNSHIP, approve, ok, review, sign_consent
from devkit.testing.fixtures import eventually, on_day


def risk(category: str, household: dict[str, Any]) -> dict[str, Any]:
    first = household["members"][0]["id"]
    return {
        "illness": {"category": "illness", "patient_member_id": first, "out_of_pocket_medical": "30000"},
        "schooling": {"category": "schooling", "student_member_id": first, "out_of_pocket_schooling": "9000"},
        "disability": {
            "category": "disability",
            "member_id": first,
            "certificate_no": "53250419700101001X11",
            "disability_category": "physical",
            "grade_band": "1-2",
        },
        "natural_disaster": {"category": "natural_disaster", "kind": "flood", "description": "house flooded"},
        "accident": {"category": "accident", "kind": "traffic", "description": "injured on the road"},
        "lack_of_labour": {"category": "lack_of_labour", "kind": "no_labour"},
        "housing_unsafe": {"category": "housing_unsafe", "appraisal": "C", "description": "墙体开裂"},
        "drinking_water_unsafe": {"category": "drinking_water_unsafe", "issue": "access"},
        "microloan_overdue": {
            "category": "microloan_overdue",
            "amount": "50000",
            "overdue_days": 45,
            "lender": "弥勒农商银行",
        },
        "asset_mismanagement": {
            "category": "asset_mismanagement",
            "asset": "村集体光伏电站",
            "issue": "income_not_paid",
            "description": "收益两年未分配到户",
        },
        "policy_transition": {
            "category": "policy_transition",
            "policy": "产业奖补",
            "ended_on": "2026-06-30",
            "description": "奖补到期后收入下降",
        },
    }.get(category, {"category": category, "description": f"{category} reported by the village"})


async def monitored(
    intake: httpx.AsyncClient,
    risks: list[str],
    labour: str = "full",
    weak_motivation: bool = False,
    village: str = VILLAGE_A,
    object_type: str = "sudden_hardship",
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A household whose members have the given labour capacity, taken to monitored with the given risks
    (in a village of 新哨镇, whose officers the kit's tokens are)."""
    members = [member(labour_capacity=labour), member("spouse", labour_capacity=labour)]
    category = "ordinary" if object_type == "marginal" else "lifted"  # a 边缘易致贫户 is no 脱贫户
    body = household_body(village, members=members, category=category)
    household = await ok(await intake.post("/households", json=body, headers=CADRE), 201)
    await sign_consent(intake, household)
    return household, await identified(
        intake, household, risks, weak_motivation=weak_motivation, object_type=object_type
    )


async def identified(
    intake: httpx.AsyncClient,
    household: dict[str, Any],
    risks: list[str],
    *,
    weak_motivation: bool = False,
    income_band: str = "below_6000",
    object_type: str = "sudden_hardship",
) -> dict[str, Any]:
    """A case of a registered household with a valid consent, declared by the village and taken through
    every step of the identification to the county's approval."""
    with on_day(DECLARED_ON):  # declared before the kit's dated steps, none of which may precede it
        case = await ok(
            await intake.post(
                "/cases",
                headers=CADRE,
                json={
                    "household_id": household["id"],
                    "channel": "cadre_screening",
                    "risks": [risk(r, household) for r in risks],
                    "weak_motivation": weak_motivation,
                },
            ),
            201,
        )
    await ok(await intake.post(f"/cases/{case['id']}/consent", headers=CADRE, json={}))
    await review(intake, case)
    await ok(
        await intake.post(f"/cases/{case['id']}/public-notice", headers=CADRE, json={"published_on": "2026-09-28"})
    )
    form = {
        "income_band": income_band,
        "object_type": object_type,
        "channels": ["cadre_screening"],
        "risks": [risk(r, household) for r in risks],
        "decision": "yes",
        "verified_on": "2026-10-12",
        "village_secretary": "赵书记",
        "officer_name": "李干部",
    }
    await ok(await intake.post(f"/cases/{case['id']}/township-verification", headers=TOWNSHIP, json=form))
    return await approve(intake, case)


async def draft_plan(client: httpx.AsyncClient, household: dict[str, Any]) -> dict[str, Any]:
    async def drafted() -> dict[str, Any] | None:
        page = await ok(await client.get("/plans", params={"household_id": household["id"]}, headers=TOWNSHIP))
        return page["items"][0] if page["items"] else None

    plan = await eventually(drafted)
    return await ok(await client.get(f"/plans/{plan['id']}", headers=TOWNSHIP))


async def approved_plan(
    client: httpx.AsyncClient, household: dict[str, Any], due: str = "2026-12-31"
) -> dict[str, Any]:
    plan = await draft_plan(client, household)
    for m in plan["measures"]:
        await ok(
            await client.patch(
                f"/plans/{plan['id']}/measures/{m['id']}",
                headers={**TOWNSHIP, "If-Match": m["etag"]},
                json={"responsible_cadre": "结对干部 陈", "start_date": "2026-10-20", "due_date": due},
            )
        )
    if plan["state"] == "draft":
        await review_measures(client, plan)
    return await ok(await client.post(f"/plans/{plan['id']}/approval", headers=TOWNSHIP))


# The measures' village review and public notice (中农组发〔2021〕7号 三(二)), after the county approval of
# 2026-10-15: the notice runs 10-19 to 10-23 (five working days), over before any test runs.
MEASURES_REVIEW = {"meeting_date": "2026-10-16", "representatives_present": 21, "votes_for": 18}
MEASURES_NOTICE = "2026-10-19"


async def review_measures(client: httpx.AsyncClient, plan: dict[str, Any]) -> dict[str, Any]:
    await ok(await client.post(f"/plans/{plan['id']}/review", headers=CADRE, json=MEASURES_REVIEW))
    return await ok(
        await client.post(f"/plans/{plan['id']}/notice", headers=CADRE, json={"published_on": MEASURES_NOTICE})
    )


async def implement_all(client: httpx.AsyncClient, plan: dict[str, Any]) -> None:
    for m in plan["measures"]:
        await ok(
            await client.post(
                f"/plans/{plan['id']}/measures/{m['id']}/progress",
                headers=TOWNSHIP,
                json={"status": "implemented", "evidence": [{"description": "paid", "amount": "1200.00"}]},
            )
        )


async def income_and_guarantees(
    client: httpx.AsyncClient, intake: httpx.AsyncClient, household: dict[str, Any], monthly: str = "700"
) -> None:
    """Twelve months of income before today, the six guarantees secured, and last year's income on record."""
    first = clock.today().replace(day=1)
    months = []
    for _ in range(12):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append({"month": f"{first:%Y-%m}", "per_capita": monthly})
    path = f"/households/{household['id']}/income-months"
    read = (await client.get(path, headers=TOWNSHIP)).headers["etag"]  # the months as they are, none or some
    await ok(await client.put(path, headers={**TOWNSHIP, "If-Match": read}, json={"months": months}))
    await ok(
        await client.post(
            f"/households/{household['id']}/guarantee-checks",
            headers=TOWNSHIP,
            json={
                "checked_on": "2026-11-01",
                **dict.fromkeys(
                    ["food", "clothing", "compulsory_education", "basic_medical", "housing", "drinking_water"], True
                ),
            },
        ),
        201,
    )
    await ok(
        await intake.put(
            f"/households/{household['id']}/incomes/2025",
            headers={**CADRE, "If-None-Match": "*"},
            json={
                "wages": "12000",
                "production": "3000",
                "property": "0",
                "transfers": "1000",
                "medical_expense": "2000",
            },
        ),
        201,
    )
