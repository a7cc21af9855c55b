"""Households and their members: registration, versioned updates, yearly income."""

import base64
import uuid
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from common import clock
from common.access import readable
from common.auth import Principal, ensure_covers, ensure_household
from common.errors import Conflict, NotFound
from common.pagination import keyset, page_of
from common.pii import id_facts, mask_phone, mask_resident_id
from contracts.intake import (
    HouseholdIncomeRecordedV1,
    HouseholdRegisteredV1,
    HouseholdUpdatedV1,
    MemberFacts,
)
from intake.crypto import NAME_FIELD, cipher
from intake.households.models import Household, HouseholdRevision, IncomeRecord, Member, name_columns
from intake.households.numbers import next_number
from intake.households.schemas import (
    HouseholdCreate,
    HouseholdUpdate,
    IncomeCreate,
    MemberCreate,
    MemberUpdate,
)
from intake.mechanisms import audit, outbox

ID_FIELD, PHONE_FIELD = "resident_id", "phone"


class DuplicateResident(Conflict):
    slug, title = "resident-already-registered", "Resident ID already belongs to a household"
    title_zh = "该身份证号已登记在其他户"


async def get(session: AsyncSession, principal: Principal, household_id: uuid.UUID, *, lock: bool = False) -> Household:
    """A household with its members; `lock` also locks its row for a change (one statement either way)."""
    q = select(Household).where(Household.id == household_id).options(selectinload(Household.members))
    household = (await session.execute(q.with_for_update(of=Household) if lock else q)).scalar_one_or_none()
    if household is None:
        raise NotFound("No such household", zh="未找到该户")
    ensure_household(principal, household.id, household.region_code)
    return household


def new_member(body: MemberCreate, position: int) -> Member:
    return Member(**member_columns(body, position))


def member_columns(body: MemberCreate, position: int) -> dict[str, Any]:
    """A new member's columns: the resident ID (validated by the schema) encrypted, blind-indexed and masked,
    sex and birth date read from it, the name encrypted. The one way a member is made (the import COPYs them)."""
    facts = id_facts(body.resident_id)
    name_cipher, name_masked = name_columns(body.name)
    return dict(
        position=position,
        name_cipher=name_cipher,
        name_masked=name_masked,
        id_cipher=cipher.encrypt(body.resident_id, ID_FIELD),
        id_index=cipher.blind_index(body.resident_id, ID_FIELD),
        id_masked=mask_resident_id(body.resident_id),
        relation=body.relation.value,
        sex=facts.sex,
        birth_date=facts.birth_date,
        labour_capacity=body.labour_capacity.value,
        health=body.health.value,
        disability_category=body.disability_category.value if body.disability_category else None,
        disability_grade=body.disability_grade,
        schooling=body.schooling.value if body.schooling else None,
        **_phone(body.phone),
    )


def _phone(phone: str | None) -> dict[str, Any]:
    if phone is None:
        return {"phone_cipher": None, "phone_masked": None}
    return {"phone_cipher": cipher.encrypt(phone, PHONE_FIELD), "phone_masked": mask_phone(phone)}


async def _refuse_registered(session: AsyncSession, principal: Principal, resident_ids: list[str]) -> None:
    """A resident can be in one household only. Inside the caller's jurisdiction the answer names the
    household; outside it the answer says nothing of it (a cadre account must not locate anyone in the
    country) and the attempt is recorded in the access audit."""
    indexes = {cipher.blind_index(r, ID_FIELD): r for r in resident_ids}
    row = (
        await session.execute(
            select(Member.id_index, Household.id, Household.household_no, Household.region_code)
            .join(Household, Household.id == Member.household_id)
            .where(Member.id_index.in_(indexes), Member.active)
            .limit(1)
        )
    ).first()
    if row is None:
        return
    if principal.covers(row.region_code):
        raise DuplicateResident(
            f"Resident ID {mask_resident_id(indexes[row.id_index])} already belongs to household "
            f"{row.household_no} ({row.id}) in region {row.region_code}",
            zh=f"身份证号{mask_resident_id(indexes[row.id_index])}已登记在户{row.household_no}",
            existing_household_id=str(row.id),
        )
    refusal = DuplicateResident(
        f"Resident ID {mask_resident_id(indexes[row.id_index])} is registered in another jurisdiction; "
        "the county office can transfer the household",
        zh=f"身份证号{mask_resident_id(indexes[row.id_index])}已在其他辖区登记，可由县级部门办理转移",
    )

    async def recorded(record: AsyncSession) -> None:
        await audit.reads(
            record,
            principal,
            [(row.id, row.region_code)],
            "registration attempt: resident registered in another jurisdiction",
            "household registration",
        )

    refusal.recorded = recorded
    raise refusal


async def _flush_or_duplicate(session: AsyncSession, resident_ids: list[str]) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        # Lost a race with a concurrent registration of the same person: answer as if we had seen it.
        if "uq_members_active_id_index" in str(exc.orig):
            raise DuplicateResident(
                f"Resident ID {mask_resident_id(resident_ids[0])} was registered concurrently",
                zh=f"身份证号{mask_resident_id(resident_ids[0])}刚被同时登记",
            ) from None
        if "household_no" in str(exc.orig):
            raise Conflict(
                "This household number is already registered in the village", zh="该户编号在本村已登记"
            ) from None
        raise


async def register(session: AsyncSession, principal: Principal, body: HouseholdCreate) -> Household:
    ensure_covers(principal, body.region_code, "region")
    resident_ids = [m.resident_id for m in body.members]
    await _refuse_registered(session, principal, resident_ids)  # the household number is left to its unique index
    household = Household(
        id=uuid.uuid4(),
        region_code=body.region_code,
        household_no=body.household_no or await next_number(session, body.region_code),
        address=body.address,
        category=body.category,
        created_by=principal.sub,
        version=1,
        members=[new_member(m, i) for i, m in enumerate(body.members)],
    )
    session.add(household)
    await _flush_or_duplicate(session, resident_ids)
    await _record_version(session, household, principal, "registered")
    await outbox.add(session, HouseholdRegisteredV1(**_event_fields(household)), subject=household.id)
    return household


async def update(session: AsyncSession, principal: Principal, household: Household, body: HouseholdUpdate) -> Household:
    for field in ("address", "category"):
        value = getattr(body, field)
        if value is not None:
            setattr(household, field, value)
    return await _bump(session, household, principal, body.reason)


async def add_member(
    session: AsyncSession, principal: Principal, household: Household, body: MemberCreate, reason: str = "member added"
) -> Household:
    await _refuse_registered(session, principal, [body.resident_id])
    household.members.append(new_member(body, len(household.members)))
    await _flush_or_duplicate(session, [body.resident_id])
    return await _bump(session, household, principal, reason)


async def update_member(
    session: AsyncSession, principal: Principal, household: Household, member_id: uuid.UUID, body: MemberUpdate
) -> Household:
    member = next((m for m in household.members if m.id == member_id), None)
    if member is None:
        raise NotFound("No such member in this household", zh="该户没有这位成员")
    changes = body.model_dump(exclude_unset=True, exclude={"reason", "phone"})
    returning = changes.get("active") is True and not member.active
    if returning:  # back in this household: not if they have since been registered in another
        await _refuse_registered(session, principal, [resident_id_of(member)])
    for field, value in changes.items():
        setattr(member, field, value)
    if "phone" in body.model_fields_set:
        for field, value in _phone(body.phone).items():
            setattr(member, field, value)
    if returning:
        await _flush_or_duplicate(session, [resident_id_of(member)])
    return await _bump(session, household, principal, body.reason)


async def _bump(session: AsyncSession, household: Household, principal: Principal, reason: str) -> Household:
    household.version += 1
    household.updated_at = clock.now()
    await _record_version(session, household, principal, reason)
    await outbox.add(session, HouseholdUpdatedV1(**_event_fields(household)), subject=household.id)
    return household


async def _record_version(session: AsyncSession, household: Household, principal: Principal, reason: str) -> None:
    session.add(
        HouseholdRevision(
            household_id=household.id,
            version=household.version,
            changed_by=principal.sub,
            reason=reason,
            snapshot=snapshot(household),
        )
    )  # written with the outbox row that follows (autoflush): one round trip fewer


MEMBER_FACTS = (
    "relation",
    "labour_capacity",
    "health",
    "disability_category",
    "disability_grade",
    "schooling",
    "active",
)


def member_facts(m: Member | SimpleNamespace) -> dict[str, Any]:
    """A member's facts without identifiers: the shape shared by responses, revisions and events."""
    return {field: getattr(m, field) for field in MEMBER_FACTS}


def snapshot(household: Household | SimpleNamespace) -> dict[str, Any]:
    """The household as stored in its revision history: masked identifiers, names encrypted (a mapped household,
    or the plain record of one the import COPYs)."""
    return {
        "region_code": household.region_code,
        "household_no": household.household_no,
        "address": household.address,
        "category": household.category,
        "members": [
            {
                "id": str(m.id),
                "name_cipher": base64.b64encode(m.name_cipher).decode(),
                "name_masked": m.name_masked,
                "resident_id_masked": m.id_masked,
                "phone_masked": m.phone_masked,
                **member_facts(m),
            }
            for m in household.members
        ],
    }


def opened(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored snapshot as an audited read shows it: names decrypted."""
    members = []
    for m in stored.get("members", []):
        m = dict(m)
        if "name_cipher" in m:
            m["name"] = cipher.decrypt(base64.b64decode(m.pop("name_cipher")), NAME_FIELD)
        members.append(m)
    return {**stored, "members": members}


def _event_fields(household: Household) -> dict[str, Any]:
    return {
        "household_id": household.id,
        "region_code": household.region_code,
        "household_no": household.household_no,
        "category": household.category,
        "version": household.version,
        "members": [
            MemberFacts(member_id=m.id, id_index=m.id_index, sex=m.sex, birth_date=m.birth_date, **member_facts(m))
            for m in household.members
        ],
    }


def per_capita(body: IncomeCreate, members: int) -> Decimal:
    total = body.wages + body.production + body.property + body.transfers
    return (total / max(members, 1)).quantize(Decimal("0.01"), ROUND_HALF_UP)


async def income_revision(session: AsyncSession, household_id: uuid.UUID, year: int) -> int:
    """The year's latest revision (0: none recorded)."""
    return int(
        (
            await session.execute(
                select(func.coalesce(func.max(IncomeRecord.revision), 0)).where(
                    IncomeRecord.household_id == household_id, IncomeRecord.year == year
                )
            )
        ).scalar_one()
    )


async def record_income(
    session: AsyncSession, principal: Principal, household: Household, year: int, body: IncomeCreate
) -> IncomeRecord:
    revision = await income_revision(session, household.id, year) + 1
    members = sum(m.active for m in household.members)
    record = IncomeRecord(
        household_id=household.id,
        year=year,
        revision=revision,
        members_count=members,
        per_capita_net_income=per_capita(body, members),
        recorded_by=principal.sub,
        **body.model_dump(),
    )
    session.add(record)
    await session.flush()
    await outbox.add(
        session,
        HouseholdIncomeRecordedV1(
            household_id=household.id,
            region_code=household.region_code,
            year=year,
            revision=revision,
            members_count=members,
            per_capita_net_income=record.per_capita_net_income,
            **body.model_dump(),
        ),
        subject=household.id,
    )
    return record


async def incomes(session: AsyncSession, household: Household) -> list[IncomeRecord]:
    return list(
        (
            await session.execute(
                select(IncomeRecord)
                .where(IncomeRecord.household_id == household.id)
                .order_by(IncomeRecord.year.desc(), IncomeRecord.revision.desc())
            )
        ).scalars()
    )


async def revisions(session: AsyncSession, household: Household) -> list[HouseholdRevision]:
    return list(
        (
            await session.execute(
                select(HouseholdRevision)
                .where(HouseholdRevision.household_id == household.id)
                .order_by(HouseholdRevision.version)
            )
        ).scalars()
    )


async def find_by_resident_id(session: AsyncSession, principal: Principal, resident_id: str) -> Household:
    row = (
        await session.execute(
            select(Member.household_id).where(
                Member.id_index == cipher.blind_index(resident_id, ID_FIELD), Member.active
            )
        )
    ).first()
    if row is None:
        raise NotFound(
            "No such household", zh="未找到该户"
        )  # the same answer as for a household outside the jurisdiction
    return await get(session, principal, row.household_id)


def resident_id_of(member: Member) -> str:
    return cipher.decrypt(member.id_cipher, ID_FIELD)


async def search(
    session: AsyncSession,
    principal: Principal,
    *,
    region_prefix: str | None,
    category: str | None,
    status: str | None,
    household_no: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Any], str | None]:
    head = (
        select(Member.name_masked)
        .where(Member.household_id == Household.id, Member.relation == "head")
        .limit(1)
        .scalar_subquery()
    )
    members = select(func.count()).where(Member.household_id == Household.id, Member.active).scalar_subquery()
    q = readable(Household, principal, owner=Household.id).add_columns(
        head.label("head_name"), members.label("members_count")
    )
    if region_prefix:
        q = q.where(Household.region_code.like(region_prefix + "%"))
    for column, value in (
        (Household.category, category),
        (Household.status, status),
        (Household.household_no, household_no),
    ):
        if value is not None:
            q = q.where(column == value)
    rows = (await session.execute(keyset(q, (Household.created_at, Household.id), cursor, limit))).all()
    return page_of(list(rows), limit, lambda r: (r.Household.created_at, r.Household.id))
