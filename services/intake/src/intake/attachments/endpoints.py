"""Evidence attachments of a case's steps (the signed commitment, the village meeting's minutes, a photo of
the house): uploaded with the SHA-256 the app computed, checked and kept by it (common.attachments), linked
to the step they prove, served only to those who may read the household, each read audited."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from common import attachments
from common.access import CasesRead, HouseholdsWrite
from common.access_audit import audited
from common.db import SessionDep
from common.errors import Forbidden, NotFound, PayloadTooLarge, ValidationFailed, problem_responses
from common.pagination import CursorQuery, LimitQuery, Page, page_rows
from intake.attachments.models import CaseAttachment
from intake.cases import service as cases
from intake.config import settings
from intake.mechanisms import audit

router = APIRouter(tags=["attachments"])
STORE = attachments.store(settings)
WHAT, PURPOSE = "case attachment", "identification"


class CaseAttachmentPublic(attachments.AttachmentFields):
    case_id: uuid.UUID
    step: str


@router.post(
    "/cases/{case_id}/attachments",
    status_code=201,
    response_model=CaseAttachmentPublic,
    responses=problem_responses(Forbidden, NotFound, ValidationFailed, PayloadTooLarge),
    openapi_extra=attachments.UPLOAD_BODY,
)
async def attach(
    case_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    principal: HouseholdsWrite,
    sha256: Annotated[
        str, Query(pattern=r"^[0-9a-fA-F]{64}$", description="the file's SHA-256, as computed before sending")
    ],
    step: Annotated[str, Query(pattern=r"^[a-z_]{2,40}$", examples=["village_review"])],
    description: Annotated[str, Query(min_length=1, max_length=500, examples=["村民代表会议记录"])],
) -> CaseAttachmentPublic:
    """Attach a file (JPEG, PNG or PDF, the body as sent) to a step of the case's procedure (its own
    jurisdiction's: `attach_consent`, `village_review`, `publish_notice`, `township_verify`, ...). Refused unless
    its bytes are the kind declared and hash to `sha256`. The same file again for the step answers the first."""
    case = await cases.get(session, principal, case_id)
    procedure, _ = await cases.procedure_of(session, case)
    if step not in procedure.by_name:
        raise ValidationFailed.on(
            "step",
            f"not a step of this case's procedure: {', '.join(procedure.by_name)}",
            zh="不是本案件办理程序中的步骤",
        )
    record = await attachments.attach(
        session,
        CaseAttachment,
        request,
        sha256,
        settings,
        STORE,
        proves={"case_id": case.id, "step": step},
        owner=(case.household_id, case.region_code),
        description=description,
        uploaded_by=principal.sub,
    )
    return CaseAttachmentPublic.model_validate(record)


@router.get(
    "/cases/{case_id}/attachments",
    response_model=Page[CaseAttachmentPublic],
    responses=problem_responses(Forbidden, NotFound),
)
async def list_attachments(
    case_id: uuid.UUID,
    session: SessionDep,
    principal: CasesRead,
    step: Annotated[str | None, Query(pattern=r"^[a-z_]{2,40}$")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[CaseAttachmentPublic]:
    """The files attached to the case's steps (or one step's), in the order attached."""
    case = await cases.get(session, principal, case_id)
    q = select(CaseAttachment).where(CaseAttachment.case_id == case.id)
    if step:
        q = q.where(CaseAttachment.step == step)
    key = (CaseAttachment.uploaded_at, CaseAttachment.id)
    rows, next_cursor = await page_rows(session, q, key, cursor, limit)
    return Page(items=[CaseAttachmentPublic.model_validate(a) for a in rows], next_cursor=next_cursor)


@router.get(
    "/cases/{case_id}/attachments/{attachment_id}",
    responses={**problem_responses(Forbidden, NotFound, attachments.AttachmentIntegrity), **attachments.DOWNLOAD},
    openapi_extra=audited(WHAT),
)
async def download(case_id: uuid.UUID, attachment_id: uuid.UUID, session: SessionDep, principal: CasesRead) -> Response:
    """The file itself, for those who may read the household (the household too); an audited read."""
    case = await cases.get(session, principal, case_id)
    found = await session.get(CaseAttachment, attachment_id)
    if found is None or found.case_id != case.id:
        raise NotFound("No such attachment", zh="未找到该附件")
    await audit.read(session, principal, found.household_id, found.region_code, WHAT, PURPOSE)
    return await attachments.serve(STORE, found.sha256, found.media_type)
