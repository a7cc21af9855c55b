"""Objections during a case's public notice: filed while the notice runs (judged by when they are recorded,
in China Standard Time), resolved by the village; an upheld one sends the case back to village review."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.auth import Principal
from common.clock import check_notice_open, check_step_date
from common.errors import Conflict, NotFound
from intake.cases import service
from intake.cases.models import Case, Objection
from intake.cases.schemas import ObjectionCreate, ObjectionResolve


async def file_objection(session: AsyncSession, principal: Principal, case: Case, body: ObjectionCreate) -> Objection:
    procedure = (await service.procedure_of(session, case))[0]
    procedure.check(case.state, "file_objection", principal, case)
    assert case.notice_published_on and case.notice_ends_on
    check_notice_open(case.notice_ends_on, "notice_ends_on")
    check_step_date(
        "raised_on", body.raised_on, not_before=case.notice_published_on, follows="the notice's publication"
    )
    objection = Objection(case_id=case.id, summary=body.summary, raised_on=body.raised_on, filed_by=principal.sub)
    session.add(objection)
    await session.flush()
    await procedure.apply(
        session,
        service.STEPS,
        case,
        "file_objection",
        principal,
        # What was objected is part of the procedure's record (the dossier shows it; the ledger blanks
        # anything shaped like an identifier in it).
        {"objection_id": str(objection.id), "raised_on": body.raised_on.isoformat(), "objection": body.summary},
    )
    return objection


async def resolve_objection(
    session: AsyncSession, principal: Principal, case: Case, objection_id: uuid.UUID, body: ObjectionResolve
) -> Case:
    procedure, _ = await service.procedure_of(session, case)
    procedure.check(case.state, "resolve_objection", principal, case)
    objection = await session.get(Objection, objection_id, with_for_update=True)
    if objection is None or objection.case_id != case.id:
        raise NotFound("No such objection on this case")
    if objection.status != "pending":
        raise Conflict(f"The objection is already {objection.status}")
    objection.status = "upheld" if body.upheld else "dismissed"
    objection.resolution, objection.resolved_by = body.resolution, principal.sub
    objection.resolved_at = clock.now()
    data = {"objection_id": str(objection.id), "upheld": body.upheld, "resolution": body.resolution}
    if body.upheld:
        # Back to the village: the review must be held again, and a new notice published after it.
        case.notice_published_on = case.notice_ends_on = None
    outcome = "upheld" if body.upheld else None
    await procedure.apply(session, service.STEPS, case, "resolve_objection", principal, data, outcome=outcome)
    return case
