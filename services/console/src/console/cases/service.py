"""What a case page shows and what its forms send: the case, its household, the steps this person may take."""

from typing import Any

from console.cases import forms
from console.session import Session
from console.upstream import Refused, Upstream

CASE_PURPOSE = "认定步骤办理"


async def case_page(upstream: Upstream, session: Session, case_id: str) -> dict[str, Any]:
    case = await upstream.get(session, "intake", f"/cases/{case_id}")
    household = await upstream.get(session, "intake", f"/households/{case['household_id']}", purpose=CASE_PURPOSE)
    attachments = await upstream.get(session, "intake", f"/cases/{case_id}/attachments", limit=100)
    allowed = [a for a in case["allowed_actions"] if a in forms.ROLE_STEPS.get(session.principal.role.value, set())]
    # Four eyes: who declared may not verify, who declared or verified may not approve (the procedure's not_by).
    actors = {s["action"]: s["actor"] for s in case["steps"]}
    me = session.principal.sub
    held = {
        "township_verify": me == case.get("declared_by"),
        "county_approve": me in (case.get("declared_by"), actors.get("township_verify")),
    }
    if "household_survey" in allowed and any(s["action"] == "household_survey" for s in case["steps"]):
        allowed.remove("household_survey")  # recorded once; the village review follows it
    return {
        "case": case,
        "household": household,
        "attachments": attachments["items"],
        "allowed": [a for a in allowed if not held.get(a)],
        "held": [a for a in allowed if held.get(a)],
    }


async def attach_consent(
    upstream: Upstream, session: Session, case: dict[str, Any], body: dict[str, Any], scan: forms.Scan
) -> Refused | None:
    """The scanned letter kept with the case's step, the consent recorded on the household, then attached to the
    case. The scan goes first: a file the service refuses leaves no consent recorded without its letter; the
    same file sent again answers the first, so a form sent twice keeps one."""
    response = await upstream.send(
        session,
        "intake",
        "POST",
        f"/cases/{case['id']}/attachments",
        content=scan.content,
        headers={"Content-Type": scan.content_type},
        params={"sha256": scan.sha256, "step": "attach_consent", "description": "承诺授权书扫描件"},
    )
    if response.status_code >= 400:
        return Refused.of(response)
    consent, refused = await upstream.write(session, "intake", f"/households/{case['household_id']}/consents", body)
    if refused is not None:
        return refused
    _, refused = await upstream.write(session, "intake", f"/cases/{case['id']}/consent", {"consent_id": consent["id"]})
    return refused
