"""Finding a household and showing it: every read of its personal data goes through the service's audited read,
with the purpose the person gave (or the console's, for a step of the procedure)."""

import re
from typing import Any

from common import clock
from console.eliminations import service as eliminations
from console.session import Session
from console.upstream import Upstream

HOUSEHOLD_PURPOSE = "户信息查看"
# The purposes offered on the search form; the services record the one chosen with the read.
PURPOSES = ("认定步骤办理", "预警核实", "帮扶计划办理", "信访核查", "户信息查看")
RESIDENT_ID = re.compile(r"^\d{17}[\dXx]$")


async def search(upstream: Upstream, session: Session, query: str, purpose: str) -> list[dict[str, Any]]:
    """By ID number (the services' blind index: the number never leaves intake in clear) or household number."""
    if RESIDENT_ID.match(query):
        response = await upstream.send(
            session,
            "intake",
            "POST",
            "/households/lookup",
            json={"resident_id": query.upper()},
            params={"purpose": purpose},
        )
        if response.status_code != 200:
            return []
        found = response.json()
        head = next(
            (m for m in found["members"] if m["relation"] == "head"), found["members"][0] if found["members"] else None
        )
        return [
            {
                "id": found["id"],
                "household_no": found["household_no"],
                "region_code": found["region_code"],
                "head_name_masked": head["name"] if head else "",
                "members_count": len(found["members"]),
                "status": found["status"],
            }
        ]
    page = await upstream.get(session, "intake", "/households", household_no=query, limit=20)
    items: list[dict[str, Any]] = page["items"]
    return items


async def household_page(upstream: Upstream, session: Session, household: dict[str, Any]) -> dict[str, Any]:
    cases = await upstream.get(session, "intake", "/cases", household_id=household["id"], limit=50)
    alerts = await upstream.get(session, "screening", "/alerts", household_id=household["id"], limit=50)
    plans = await upstream.get(session, "assistance", "/plans", household_id=household["id"], limit=20)
    ended = await upstream.get(session, "assistance", "/eliminations", household_id=household["id"], limit=20)
    approved_plan = any(p["state"] == "approved" for p in plans["items"])
    open_elimination = any(e["state"] not in ("approved", "rejected") for e in ended["items"])
    # Proposed only where assistance finds it eligible; its reason is shown either way.
    evaluation = await eliminations.evaluation(upstream, session, household["id"]) if approved_plan else None
    open_case = next((c for c in cases["items"] if c["state"] not in ("monitored", "rejected")), None)
    return {
        "household": household,
        "cases": cases["items"],
        "alerts": alerts["items"],
        "open_case": open_case,
        "plans": plans["items"],
        "eliminations": ended["items"],
        "evaluation": evaluation,
        "open_elimination": open_elimination,
        "today": clock.today().isoformat(),
    }
