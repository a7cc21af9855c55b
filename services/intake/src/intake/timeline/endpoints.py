"""One household's full history in intake, oldest first: versions, income, consents, every case step."""

import uuid

from fastapi import APIRouter
from sqlalchemy import select

from common.access import HouseholdsRead
from common.access_audit import audited
from common.db import SessionDep
from common.errors import Forbidden, NotFound, problem_responses
from common.pagination import CursorQuery, LimitQuery, Page, page_list
from intake.cases.models import Case, CaseStep
from intake.consents import service as consents
from intake.households import service as households
from intake.mechanisms import audit
from intake.timeline.schemas import TimelineEntry

router = APIRouter(tags=["households"])


@router.get(
    "/households/{household_id}/timeline",
    response_model=Page[TimelineEntry],
    responses=problem_responses(Forbidden, NotFound),
    openapi_extra=audited("household timeline"),
)
async def timeline(
    household_id: uuid.UUID,
    session: SessionDep,
    principal: HouseholdsRead,
    cursor: CursorQuery = None,
    limit: LimitQuery = 200,
) -> Page[TimelineEntry]:
    """Every version, income record, consent and case step of the household, oldest first. Audited."""
    household = await households.get(session, principal, household_id)
    entries = [
        TimelineEntry(
            at=r.changed_at,
            kind="household.version",
            summary=f"version {r.version}: {r.reason}",
            actor=r.changed_by,
            ref=f"version:{r.version}",
            data=households.opened(r.snapshot),
        )
        for r in await households.revisions(session, household)
    ]
    entries += [
        TimelineEntry(
            at=i.recorded_at,
            kind="household.income",
            ref=f"income:{i.year}:{i.revision}",
            summary=f"{i.year} income, per capita {i.per_capita_net_income}",
            actor=i.recorded_by,
            data={"year": i.year, "revision": i.revision, "per_capita_net_income": str(i.per_capita_net_income)},
        )
        for i in await households.incomes(session, household)
    ]
    for consent, revocation in await consents.for_household(session, household.id):
        entries.append(
            TimelineEntry(
                at=consent.signed_at,
                kind="consent.signed",
                ref=f"consent:{consent.id}",
                summary=f"consent signed for {', '.join(consent.scopes)}",
                actor=consent.recorded_by,
                data={"expires_on": str(consent.expires_on)},
            )
        )
        if revocation:
            entries.append(
                TimelineEntry(
                    at=revocation.revoked_at,
                    kind="consent.revoked",
                    ref=f"consent:{consent.id}",
                    summary=f"consent revoked: {revocation.reason}",
                    actor=revocation.revoked_by,
                    data={},
                )
            )
    steps = await session.execute(
        select(CaseStep).join(Case, Case.id == CaseStep.case_id).where(Case.household_id == household.id)
    )
    entries += [
        TimelineEntry(
            at=s.at,
            kind=f"case.{s.action}",
            ref=f"case:{s.case_id}:{s.seq}",
            summary=f"{s.from_state or 'new'} -> {s.to_state}",
            actor=s.actor,
            data=s.data,
        )
        for s in steps.scalars()
    ]
    await audit.read(session, principal, household.id, household.region_code, "household timeline", "timeline view")
    entries.sort(key=lambda e: (e.at, e.ref))
    return page_list(entries, lambda e: f"{e.kind}|{e.ref}", cursor, limit)
