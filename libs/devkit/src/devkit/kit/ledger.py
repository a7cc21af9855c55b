"""Households in the ledger: one whose identification has reached it (the entries an auditor then reads), and
one taken the whole way to its risk's elimination (the forms and the dossier an officer then files)."""

from typing import Any

import httpx

from devkit.kit.assistance import MEASURES_NOTICE, approved_plan, implement_all, income_and_guarantees, monitored
from devkit.kit.households import register
from devkit.kit.identification import IDENTIFICATION_APPROVAL_NO, approve, ok, to_verified
from devkit.kit.people import AUDITOR, CADRE, COUNTY_OFFICER, TOWNSHIP
from devkit.testing.fixtures import eventually


async def household_in_ledger(intake: httpx.AsyncClient, client: httpx.AsyncClient) -> dict[str, Any]:
    household = await register(intake)
    await approve(intake, await to_verified(intake, household))
    await ok(await intake.get(f"/households/{household['id']}", headers=TOWNSHIP))  # an audited read

    async def recorded() -> list[dict[str, Any]] | None:
        page = await ok(
            await client.get("/entries", params={"subject": household["id"], "limit": 500}, headers=AUDITOR)
        )
        types = {e["type"] for e in page["items"]}
        township_read = any(e["data"].get("what") == "household detail" for e in page["items"])
        return page["items"] if "intake.case.approved" in types and township_read else None

    household["entries"] = await eventually(recorded, timeout=60)
    return household


async def eliminated_household(
    intake: httpx.AsyncClient, assistance: httpx.AsyncClient, ledger: httpx.AsyncClient
) -> dict[str, Any]:
    """A household taken the whole way: identified (illness), planned, assisted, followed (twelve months of
    income, the guarantees checked), its risk eliminated through review, notice, acceptance and approval,
    and all of it in the ledger. Answers the household with the keys of its list forms."""
    household, _ = await monitored(intake, ["illness"])
    plan = await approved_plan(assistance, household)
    await implement_all(assistance, plan)
    await income_and_guarantees(assistance, intake, household)

    async def eligible() -> bool:
        ev = await ok(await assistance.get(f"/households/{household['id']}/elimination-evaluation", headers=TOWNSHIP))
        return bool(ev["eligible"])

    assert await eventually(eligible)
    review = {"meeting_date": "2026-11-02", "representatives_present": 21, "votes_for": 19}
    e = await ok(
        await assistance.post("/eliminations", headers=CADRE, json={"household_id": household["id"], **review}), 201
    )
    await ok(
        await assistance.post(f"/eliminations/{e['id']}/notice", headers=CADRE, json={"published_on": "2026-11-03"})
    )
    acceptance = {
        "accepted_on": "2026-11-20",
        "head_signed": True,
        "village_secretary": "赵书记",
        "officer_name": "李干部",
        "monitor_contact": "陈联系人",
    }
    await ok(await assistance.post(f"/eliminations/{e['id']}/acceptance", headers=TOWNSHIP, json=acceptance))
    approval_no = f"弥防返贫消〔2026〕{household['household_no'][:6]}号"
    await ok(
        await assistance.post(
            f"/eliminations/{e['id']}/approval",
            headers=COUNTY_OFFICER,
            json={"approval_no": approval_no, "approved_on": "2026-11-23"},
        )
    )

    async def in_ledger() -> bool:
        r = await ledger.get(
            "/forms/elimination-approval", params={"purpose": "台账", "key": approval_no}, headers=AUDITOR
        )
        return r.status_code == 200

    assert await eventually(in_ledger, timeout=60)
    return {
        **household,
        "elimination_approval_no": approval_no,
        "identification_approval_no": IDENTIFICATION_APPROVAL_NO,
        "notice_key": f"{household['region_code']}@2026-09-28",
        "elimination_notice_key": f"{household['region_code']}@2026-11-03",
        "measures_notice_key": f"{household['region_code']}@{MEASURES_NOTICE}",
    }
