"""Objections during a case's public notice (`common.notice`): filed while the notice runs (judged by when
they are recorded, in China Standard Time), resolved by the township; an upheld one sends the case back to
village review."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from intake.cases import service
from intake.cases.models import Case, Objection
from intake.cases.schemas import ObjectionCreate, ObjectionResolve


async def file_objection(session: AsyncSession, principal: Principal, case: Case, body: ObjectionCreate) -> Objection:
    procedure = (await service.procedure_of(session, case))[0]
    procedure.check(case.state, "file_objection", principal, case)
    objection: Objection = await service.NOTICE.object(session, case, body.summary, principal.sub, body.raised_on)
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
    objection = await service.NOTICE.resolve(session, case, objection_id, body.upheld, body.resolution, principal.sub)
    data = {"objection_id": str(objection.id), "upheld": body.upheld, "resolution": body.resolution}
    if body.upheld:
        service.NOTICE.withdraw(case)  # back to the village: a new review, and a new notice after it
    outcome = "upheld" if body.upheld else None
    await procedure.apply(session, service.STEPS, case, "resolve_objection", principal, data, outcome=outcome)
    return case
