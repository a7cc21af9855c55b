"""A plan's page and its steps: measures given their cadre and dates, the village review of the measures, their
notice, the approval. Which step a person sees follows assistance's plan procedure (plans/procedure.py); the
service judges every step all the same."""

from typing import Any

from console.cases.forms import Form
from console.session import Session
from console.upstream import Refused, Upstream

PLAN_PURPOSE = "帮扶计划办理"
REVIEWING = ("draft", "village_reviewed", "in_public_notice")

# step: (the states it is taken in, the roles that take it)
PLAN_STEPS: dict[str, tuple[set[str], set[str]]] = {
    "assign_measure": ({*REVIEWING, "approved"}, {"township_officer", "county_officer"}),
    "village_review": ({"draft"}, {"village_cadre", "township_officer"}),
    "notice": ({"village_reviewed"}, {"village_cadre", "township_officer"}),
    "approve": ({"in_public_notice"}, {"township_officer", "county_officer"}),
}
STEP_TITLES = {"assign_measure": "落实责任人和期限", "village_review": "帮扶措施村级评议", "notice": "帮扶措施公示",
               "approve": "审批帮扶计划"}  # fmt: skip


async def plan_page(upstream: Upstream, session: Session, plan_id: str) -> dict[str, Any]:
    plan = await upstream.get(session, "assistance", f"/plans/{plan_id}")
    household = await upstream.get(session, "intake", f"/households/{plan['household_id']}", purpose=PLAN_PURPOSE)
    role = session.principal.role.value
    allowed = [s for s, (states, roles) in PLAN_STEPS.items() if plan["state"] in states and role in roles]
    return {"plan": plan, "household": household, "allowed": allowed, "titles": STEP_TITLES}


def review_body(form: Form) -> dict[str, Any]:
    body = {
        "meeting_date": form.date("meeting_date", "评议日期"),
        "representatives_present": form.number("representatives_present", "到会村民代表人数", integer=True),
        "votes_for": form.number("votes_for", "同意票数", integer=True),
    }
    form.done()
    return {
        **body,
        "representatives_present": int(body["representatives_present"]),
        "votes_for": int(body["votes_for"]),
    }


def notice_body(form: Form) -> dict[str, Any]:
    body = {"published_on": form.date("published_on", "公示开始日期")}
    form.done()
    return body


def assignment_body(form: Form) -> dict[str, Any]:
    body = {
        "responsible_cadre": form.text("responsible_cadre", "责任人", limit=200),
        "start_date": form.date("start_date", "开始日期"),
        "due_date": form.date("due_date", "完成期限"),
    }
    form.done()
    return body


async def take(upstream: Upstream, session: Session, plan: dict[str, Any], step: str, form: Form) -> Refused | None:
    """The step's request to assistance; what it refused, or None."""
    path = f"/plans/{plan['id']}"
    if step == "assign_measure":
        measure = next((m for m in plan["measures"] if m["id"] == form.data.get("measure_id")), None)
        if measure is None:
            form.errors["measure_id"] = "请选择本计划的措施"
            form.done()
        assert measure is not None
        response = await upstream.send(
            session, "assistance", "PATCH", f"{path}/measures/{measure['id']}",
            json=assignment_body(form), headers={"If-Match": measure["etag"]},
        )  # fmt: skip
        return Refused.of(response) if response.status_code >= 400 else None
    if step == "approve":
        _, refused = await upstream.write(session, "assistance", f"{path}/approval", None)
        return refused
    body = review_body(form) if step == "village_review" else notice_body(form)
    _, refused = await upstream.write(
        session, "assistance", f"{path}/{'review' if step == 'village_review' else 'notice'}", body
    )
    return refused
