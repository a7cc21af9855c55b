"""Evidence attachments of a measure (a receipt, a photo of the repaired house, a certificate): uploaded with
the SHA-256 the app computed, checked and kept by it (common.attachments), linked to the measure they prove,
served only to those who may read the household, each read audited."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from assistance.attachments.models import Attachment
from assistance.config import settings
from assistance.mechanisms import FOLLOW_UP, audit
from assistance.plans import service as plans
from common import attachments
from common.access import PlansRead, PlansWrite
from common.access_audit import audited
from common.auth import ensure_household
from common.db import SessionDep
from common.errors import Forbidden, NotFound, PayloadTooLarge, ValidationFailed, problem_responses
from common.pagination import CursorQuery, LimitQuery, Page, page_rows

router = APIRouter(tags=["attachments"])
STORE = attachments.store(settings)


class AttachmentPublic(attachments.AttachmentFields):
    plan_id: uuid.UUID
    measure_id: uuid.UUID


@router.post(
    "/plans/{plan_id}/measures/{measure_id}/attachments",
    status_code=201,
    response_model=AttachmentPublic,
    responses=problem_responses(Forbidden, NotFound, ValidationFailed, PayloadTooLarge),
    openapi_extra=attachments.UPLOAD_BODY,
)
async def attach(
    plan_id: uuid.UUID,
    measure_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    principal: PlansWrite,
    sha256: Annotated[
        str, Query(pattern=r"^[0-9a-fA-F]{64}$", description="the file's SHA-256, as computed before sending")
    ],
    description: Annotated[str, Query(min_length=1, max_length=500, examples=["危房改造完工照片"])],
) -> AttachmentPublic:
    """Attach a file (JPEG, PNG or PDF, the body as sent) to a measure. Refused unless its bytes are the kind
    declared and hash to `sha256`. The same file attached again to the measure answers the first record."""
    plan = await plans.get(session, principal, plan_id)
    measure = await plans.measure_of(session, plan, measure_id)
    record = await attachments.attach(
        session,
        Attachment,
        request,
        sha256,
        settings,
        STORE,
        proves={"plan_id": plan.id, "measure_id": measure.id},
        owner=(plan.household_id, plan.region_code),
        description=description,
        uploaded_by=principal.sub,
    )
    return AttachmentPublic.model_validate(record)


@router.get(
    "/plans/{plan_id}/measures/{measure_id}/attachments",
    response_model=Page[AttachmentPublic],
    responses=problem_responses(Forbidden, NotFound),
)
async def list_attachments(
    plan_id: uuid.UUID,
    measure_id: uuid.UUID,
    session: SessionDep,
    principal: PlansRead,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[AttachmentPublic]:
    """The files attached to a measure, in the order attached."""
    plan = await plans.get(session, principal, plan_id)
    measure = await plans.measure_of(session, plan, measure_id)
    q = select(Attachment).where(Attachment.measure_id == measure.id)
    rows, next_cursor = await page_rows(session, q, (Attachment.uploaded_at, Attachment.id), cursor, limit)
    return Page(items=[AttachmentPublic.model_validate(a) for a in rows], next_cursor=next_cursor)


@router.get(
    "/attachments/{attachment_id}",
    responses={**problem_responses(Forbidden, NotFound, attachments.AttachmentIntegrity), **attachments.DOWNLOAD},
    openapi_extra=audited("measure attachment"),
)
async def download(attachment_id: uuid.UUID, session: SessionDep, principal: PlansRead) -> Response:
    """The file itself, for those who may read the household (the household too); an audited read."""
    found = await session.get(Attachment, attachment_id)
    if found is None:
        raise NotFound("No such attachment", zh="未找到该附件")
    ensure_household(principal, found.household_id, found.region_code, "attachment")
    await audit.read(session, principal, found.household_id, found.region_code, "measure attachment", FOLLOW_UP)
    return await attachments.serve(STORE, found.sha256, found.media_type)
