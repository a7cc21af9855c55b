import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from common import clock
from common.access import ChecksRead, within
from common.db import SessionDep
from common.errors import Forbidden, problem_responses
from contracts.policy import PackValues
from screening.checks.models import AssetCheck
from screening.checks.service import exclusion_evidence
from screening.policies.service import in_force_many, label

router = APIRouter(prefix="/households/{household_id}", tags=["economic-status checks"])


class AssetCheckPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    state: str
    consent_id: uuid.UUID
    result: dict[str, Any] | None
    record_ref: str | None
    note: str | None
    requested_at: dt.datetime
    closed_at: dt.datetime | None


class ExclusionEvidence(BaseModel):
    household_id: uuid.UUID
    checks: list[AssetCheckPublic]
    evidence: list[dict[str, Any]]


@router.get("/exclusion-evidence", response_model=ExclusionEvidence, responses=problem_responses(Forbidden))
async def household_exclusion_evidence(
    household_id: uuid.UUID, session: SessionDep, principal: ChecksRead
) -> ExclusionEvidence:
    """The household's economic-status checks and what they show for the township form's "no" reasons
    (high-value assets on the jurisdiction's negative list, as this year's pack gives it; stable income as a
    public employee or legal person). Evidence, not a decision."""
    checks = list(
        (
            await session.execute(
                select(AssetCheck)
                .where(AssetCheck.household_id == household_id, within(AssetCheck, principal))
                .order_by(AssetCheck.requested_at)
            )
        ).scalars()
    )
    today = clock.today()
    packs = await in_force_many(session, {(c.region_code, today.year): today for c in checks})
    evidence = []
    for c in checks:
        found = packs[c.region_code, today.year]
        if c.state == "completed":
            pack, ref = (found.values, label(found.policy)) if found else (PackValues(), "local defaults")
            evidence += exclusion_evidence(c, pack, ref)
    return ExclusionEvidence(
        household_id=household_id, checks=[AssetCheckPublic.model_validate(c) for c in checks], evidence=evidence
    )
