"""My work (工作台): the queues a person's role acts on, read from the services as that person.

Which queue a role sees follows the identification procedure (intake's `cases/procedure.py`): the steps a
village cadre takes (consent, review, notice), the township's verification after the notice, the county's
approval. The services still judge every step; a queue only says where this person's work is.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from common import clock
from console.session import Session
from console.upstream import Upstream

PAGE = 20
# A queue is counted up to this many (one page of the service's largest): beyond it, "500+".
COUNT_CAP = 500

CASE_QUEUES: dict[str, list[tuple[str, str, list[str]]]] = {
    # role: (queue key, title, states)
    "village_cadre": [
        ("steps", "待我办理的认定步骤", ["declared", "consent_signed", "village_reviewed"]),
        ("notices", "公示中", ["in_public_notice"]),
    ],
    "township_officer": [
        ("steps", "待乡镇核实", ["in_public_notice"]),
        ("village", "村级办理中", ["declared", "consent_signed", "village_reviewed"]),
    ],
    "county_officer": [
        ("steps", "待县级审批", ["township_verified"]),
        ("notices", "公示中", ["in_public_notice"]),
    ],
}
PLAN_QUEUES: dict[str, tuple[str, list[str]]] = {
    # The measures' review and notice are the village's; the township settles the measures and approves.
    "village_cadre": ("待评议、公示的帮扶计划", ["draft", "village_reviewed"]),
    "township_officer": ("待办理的帮扶计划", ["draft", "village_reviewed", "in_public_notice"]),
}
ELIMINATION_QUEUES: dict[str, tuple[str, list[str]]] = {
    "village_cadre": ("待公示的风险消除", ["village_reviewed"]),
    "township_officer": ("待验收的风险消除", ["in_public_notice"]),
    "county_officer": ("待审定的风险消除", ["township_accepted"]),
}
ALERT_ROLES = {"village_cadre", "township_officer", "county_officer"}
ALERT_STATES = ["open", "verifying"]


@dataclass
class Queue:
    key: str
    title: str
    items: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0
    more: bool = False  # beyond COUNT_CAP
    next_cursor: str | None = None


async def _counted(
    upstream: Upstream, session: Session, service: str, path: str, params: dict[str, Any]
) -> tuple[list[dict[str, Any]], bool]:
    page = await upstream.get(session, service, path, limit=COUNT_CAP, **params)
    return page["items"], page.get("next_cursor") is not None


async def case_queues(upstream: Upstream, session: Session, area: str, offset: int) -> list[Queue]:
    queues = []
    for key, title, states in CASE_QUEUES.get(session.principal.role.value, []):
        items, more = await _counted(upstream, session, "intake", "/cases", {"state": states, "region_prefix": area})
        items.sort(key=lambda c: (c.get("notice_ends_on") or "9999", c["updated_at"]))
        queues.append(Queue(key, title, items[offset : offset + PAGE], len(items), more))
    return queues


async def alert_queue(upstream: Upstream, session: Session, area: str, offset: int) -> Queue | None:
    if session.principal.role.value not in ALERT_ROLES:
        return None
    items, more = await _counted(
        upstream, session, "screening", "/alerts", {"state": ALERT_STATES, "region_prefix": area}
    )
    today = clock.today().isoformat()
    for alert in items:
        alert["overdue"] = alert["verify_by"] < today
    # Overdue first, then by the day it must be verified by.
    items.sort(key=lambda a: (not a["overdue"], a["verify_by"], a["created_at"]))
    return Queue("alerts", "待核实的预警", items[offset : offset + PAGE], len(items), more)


async def plan_queue(upstream: Upstream, session: Session, area: str, offset: int) -> Queue | None:
    found = PLAN_QUEUES.get(session.principal.role.value)
    if found is None:
        return None
    title, states = found
    items, more = await _counted(upstream, session, "assistance", "/plans", {"state": states, "region_prefix": area})
    items.sort(key=lambda p: (p.get("notice_until") or "9999", p["updated_at"]))
    return Queue("plans", title, items[offset : offset + PAGE], len(items), more)


async def elimination_queue(upstream: Upstream, session: Session, area: str, offset: int) -> Queue | None:
    found = ELIMINATION_QUEUES.get(session.principal.role.value)
    if found is None:
        return None
    title, states = found
    params = {"state": states, "region_prefix": area}
    items, more = await _counted(upstream, session, "assistance", "/eliminations", params)
    items.sort(key=lambda e: (e.get("notice_until") or "9999", e["updated_at"]))
    return Queue("eliminations", title, items[offset : offset + PAGE], len(items), more)


def areas_below(region: str) -> list[tuple[str, str]]:
    """The townships (or villages) a person may filter by: the divisions below their jurisdiction."""
    from common.regions import regions

    if not region or len(region) >= 12:
        return []
    return [(code, regions().name(code) or code) for code in regions().children(region)]


def parse_area(area: str, region: str) -> str:
    """A filter inside the person's jurisdiction, or the whole of it."""
    return area if area.isdigit() and area.startswith(region) and len(area) in (9, 12) else region


def today() -> dt.date:
    return clock.today()
