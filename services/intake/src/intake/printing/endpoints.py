"""The heads of household as the paper the ledger prints shows them: the ledger draws its forms from the log,
which holds no names or ID numbers (ADR 0014), and fills them in at print time from here, with the token of
the officer who prints. Each household answered is an audited read that states the form and its purpose."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from common.access import DISCLOSERS, PrintedHeadsRead, readable
from common.access_audit import audited
from common.db import SessionDep
from common.errors import Forbidden, problem_responses
from common.pagination import CursorQuery, LimitQuery, Page, page_list
from intake.households.models import Household, Member
from intake.households.service import resident_id_of
from intake.mechanisms import audit
from intake.printing.schemas import PrintedHead, Use

router = APIRouter(prefix="/printed-heads", tags=["paperwork"])
MAX_HOUSEHOLDS = 200  # a village's notice or a county's approval; the ledger asks in batches of this size


@router.get(
    "",
    response_model=Page[PrintedHead],
    responses=problem_responses(Forbidden),
    openapi_extra=audited("printed form"),
)
async def printed_heads(
    session: SessionDep,
    principal: PrintedHeadsRead,
    household_id: Annotated[list[uuid.UUID], Query(min_length=1, max_length=MAX_HOUSEHOLDS)],
    form: Annotated[str, Query(pattern=r"^[a-z][a-z-]{1,59}$", description="the form printed (its code)")],
    use: Use,
    purpose: Annotated[str, Query(min_length=2, max_length=200, description="why the form is printed (audited)")],
    cursor: CursorQuery = None,
    limit: LimitQuery = MAX_HOUSEHOLDS,
) -> Page[PrintedHead]:
    """The head's name and resident ID number of each household asked for that lies within the caller's
    jurisdiction; a household outside it, or unknown, is left out (the same answer for both)."""
    q = (
        readable(Household, principal, owner=Household.id)
        .add_columns(Member)
        .join(Member, (Member.household_id == Household.id) & (Member.relation == "head") & Member.active)
        .where(Household.id.in_(set(household_id)))
        .order_by(Household.id)
    )
    rows = (await session.execute(q)).all()
    full = use == "filed" and principal.role in DISCLOSERS
    heads = [
        PrintedHead(
            household_id=r.Household.id,
            household_no=r.Household.household_no,
            head_name=r.Member.name,
            head_resident_id=resident_id_of(r.Member) if full else r.Member.id_masked,
            resident_id_masked=not full,
        )
        for r in rows
    ]
    page = page_list(heads, lambda h: str(h.household_id), cursor, limit)
    shown = {h.household_id for h in page.items}
    # Printing puts the names on paper: what the documents order (a notice posted, a form filed) is a
    # disclosure, recorded like any read, with the form and its purpose.
    await audit.reads(
        session,
        principal,
        [(r.Household.id, r.Household.region_code) for r in rows if r.Household.id in shown],
        f"printed form {form}",
        purpose,
    )
    return page
