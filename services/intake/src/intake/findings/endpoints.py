import uuid
from typing import Annotated

from fastapi import APIRouter, Path

from common.access import FindingsRecord
from common.db import SessionDep
from common.errors import Forbidden, NotFound, ValidationFailed, problem_responses
from intake.findings import service
from intake.findings.schemas import FindingCreate, FindingPublic
from intake.households import service as households

router = APIRouter(prefix="/households", tags=["households"])


@router.post(
    "/{household_id}/false-information-findings",
    status_code=201,
    response_model=FindingPublic,
    responses=problem_responses(Forbidden, NotFound, ValidationFailed),
)
async def record_false_information(
    household_id: Annotated[uuid.UUID, Path(description="household id")],
    body: FindingCreate,
    session: SessionDep,
    principal: FindingsRecord,
) -> FindingPublic:
    """Record a finding that the household hid or falsified information (查实故意隐瞒或提供虚假、伪造材料): kept,
    never deleted; a new declaration is refused for the years its jurisdiction's pack states, from `found_on`."""
    household = await households.get(session, principal, household_id)
    return FindingPublic.model_validate(await service.record(session, principal, household, body))
