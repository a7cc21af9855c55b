"""A risk's elimination: proposed with its village review, noticed, accepted by the township, approved by the
county (one by one or in a batch). Which step a person sees follows assistance's elimination procedure
(elimination/procedure.py); the service judges every step all the same."""

from typing import Any

from console.cases.forms import Form
from console.session import Session
from console.upstream import Refused, Upstream

ELIMINATION_PURPOSE = "风险消除办理"
PROPOSERS = {"village_cadre", "township_officer"}

# step: (the state it is taken in, the roles that take it, the service's path under the elimination)
STEPS: dict[str, tuple[str, set[str], str]] = {
    "notice": ("village_reviewed", {"village_cadre", "township_officer"}, "notice"),
    "accept": ("in_public_notice", {"township_officer"}, "acceptance"),
    "approve": ("township_accepted", {"county_officer"}, "approval"),
}
TITLES = {"propose": "风险消除村级评议", "notice": "风险消除公示", "accept": "乡镇验收", "approve": "县级审定"}


async def evaluation(upstream: Upstream, session: Session, household_id: str) -> dict[str, Any] | None:
    """Whether the household's risk may be proposed for elimination, as assistance judges it (None: no plan)."""
    response = await upstream.send(session, "assistance", "GET", f"/households/{household_id}/elimination-evaluation")
    if response.status_code != 200:
        return None
    found: dict[str, Any] = response.json()
    return found


async def page(upstream: Upstream, session: Session, elimination_id: str) -> dict[str, Any]:
    elimination = await upstream.get(session, "assistance", f"/eliminations/{elimination_id}")
    household = await upstream.get(
        session, "intake", f"/households/{elimination['household_id']}", purpose=ELIMINATION_PURPOSE
    )
    role = session.principal.role.value
    allowed = [s for s, (state, roles, _) in STEPS.items() if elimination["state"] == state and role in roles]
    return {"elimination": elimination, "household": household, "allowed": allowed, "titles": TITLES}


def propose_body(form: Form, household_id: str) -> dict[str, Any]:
    body = {
        "household_id": household_id,
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


def step_body(form: Form, step: str) -> dict[str, Any]:
    if step == "notice":
        body: dict[str, Any] = {"published_on": form.date("published_on", "公示开始日期")}
    elif step == "accept":
        body = {
            "accepted_on": form.date("accepted_on", "验收日期"),
            "head_signed": form.data.get("head_signed") == "yes",
            "village_secretary": form.text("village_secretary", "村支部书记", limit=100),
            "officer_name": form.text("officer_name", "镇街干部", limit=100),
            "monitor_contact": form.text("monitor_contact", "监测联系人", limit=100),
        }
        if not body["head_signed"]:
            form.errors["head_signed"] = "户主签字同意后方可验收"
    else:
        body = {
            "approval_no": form.text("approval_no", "批复文号", limit=100),
            "approved_on": form.date("approved_on", "批复日期"),
        }
    form.done()
    return body


async def take(upstream: Upstream, session: Session, elimination_id: str, step: str, form: Form) -> Refused | None:
    _, refused = await upstream.write(
        session, "assistance", f"/eliminations/{elimination_id}/{STEPS[step][2]}", step_body(form, step)
    )
    return refused
