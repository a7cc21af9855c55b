"""The social-registry gateway (DCI search, subscribe, notify) over the households intake keeps.

It answers only for a household that gave a valid consent to data sharing (承诺授权: 部门间数据共享比对) and lies
within the caller's jurisdiction; for any other (none found, outside, no consent, consent revoked or lapsed)
the answer is the same empty record set, so a search reveals nothing. Every record answered or notified is
a read of the household's data, recorded in the access audit with the registry that received it."""

import re
import uuid
from typing import Any

from sqlalchemy import any_, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.auth import Principal, Role
from common.errors import Forbidden
from common.regions import regions
from common.vocabulary import HOUSEHOLD_STATUS_ZH, zh
from intake.cases.models import Case
from intake.config import settings
from intake.consents.schemas import Scope
from intake.consents.service import valid_consent
from intake.households.models import Household, Member
from intake.households.service import resident_id_of
from intake.mechanisms import audit
from intake.projections.models import DepartmentListing
from intake.registry import entities, queries
from intake.registry.answers import Pagination, RecordSet, SearchResponseItem
from intake.registry.models import RegistryNotice, RegistryReference, RegistrySubscription
from intake.registry.schemas import (
    LEGACY_REG_TYPE,
    LOCALE,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    REG_TYPE,
    IdentifiedHousehold,
    IdentifiedMember,
    MonitoringRecord,
    SearchMessage,
    SearchRequestItem,
)

SHARING = frozenset({Scope.data_sharing})
GATEWAY_ID = "safetynet"
WHAT = "registry gateway record"  # the access audit's name for what the registry read
WHAT_IDS = "department list identifiers"
# A local default: a search that matches more households than this (before consent is looked at) is answered
# `rjct.search.too_many_records_found`, to be narrowed; the standard states no number.
MAX_MATCHES = 1000
_LOCALE = re.compile(r"^[a-z]{3}$")


def locale_of(asked: str | None) -> str:
    """The answer's locale: the one asked for when it is the standard's (three letters), else Chinese."""
    return asked if asked and _LOCALE.match(asked) else LOCALE


async def record_of(session: AsyncSession, household: Household) -> MonitoringRecord | None:
    """The household as another registry may see it, under its valid consent to data sharing (else None)."""
    consent = await valid_consent(session, household.id, SHARING)
    if consent is None:
        return None
    case = (
        await session.execute(
            select(Case)
            .where(Case.household_id == household.id, Case.state == "monitored")
            .order_by(Case.updated_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    relations = (
        await session.execute(
            select(Member.relation).where(Member.household_id == household.id, Member.active).order_by(Member.position)
        )
    ).scalars()
    return MonitoringRecord(
        household_no=household.household_no,
        region_code=household.region_code,
        region_name=regions().name(household.region_code),
        category=household.category,
        status=household.status,
        status_zh=zh(HOUSEHOLD_STATUS_ZH, household.status),
        assistance_status=household.assistance_status,
        object_type=case.object_type if case else None,
        risks=sorted({r["category"] for r in case.risks}) if case else [],
        relations=list(relations),
        consent={"consent_id": consent.id, "scope": Scope.data_sharing.value, "expires_on": consent.expires_on},
    )


async def taken(session: AsyncSession, sender_id: str, action: str, reference_id: str, correlation: uuid.UUID) -> bool:
    """Whether the sender used this reference_id for this action before (else it is taken now). An empty
    reference_id is no reference: not kept, never a duplicate."""
    if not reference_id:
        return False
    row = {"sender_id": sender_id, "action": action, "reference_id": reference_id, "correlation_id": correlation}
    added = await session.execute(insert(RegistryReference).values(**row).on_conflict_do_nothing().returning(1))
    return added.first() is None


def _refused(item: SearchRequestItem, code: str, message: str) -> SearchResponseItem:
    return SearchResponseItem(
        reference_id=item.reference_id,
        timestamp=clock.now(),
        status="rjct",
        status_reason_code=code,
        status_reason_message=message[:999],
        locale=locale_of(item.locale),
    )


async def _answer(
    session: AsyncSession, principal: Principal, item: SearchRequestItem
) -> tuple[SearchResponseItem, list[tuple[uuid.UUID, str]]]:
    """One search request's answer, and the households it reads."""
    criteria = item.search_criteria
    if criteria.reg_type not in (None, REG_TYPE, LEGACY_REG_TYPE):
        return _refused(item, "rjct.search_criteria.invalid", f"this registry is {REG_TYPE}"), []
    try:
        condition = queries.criteria(criteria.query)
    except queries.Unsupported as e:
        return _refused(item, e.code, str(e)), []
    page = criteria.pagination
    size, number = min(page.page_size if page else PAGE_SIZE, MAX_PAGE_SIZE), page.page_number if page else 1
    within = or_(*(Household.region_code.startswith(p) for p in principal.prefixes))
    q = select(Household).where(condition, within).order_by(*queries.order(criteria.sort)).limit(MAX_MATCHES + 1)
    matches = [h for h in (await session.execute(q)).scalars() if principal.covers(h.region_code)]
    if len(matches) > MAX_MATCHES:
        return _refused(item, "rjct.search.too_many_records_found", f"more than {MAX_MATCHES} match: narrow it"), []
    shared = [(h, r) for h in matches if (r := await record_of(session, h)) is not None]
    shown = shared[(number - 1) * size : number * size]
    answer = SearchResponseItem(
        reference_id=item.reference_id,
        timestamp=clock.now(),
        status="succ",
        data=RecordSet(reg_records=entities.records([r for _, r in shown])),
        pagination=Pagination(page_size=size, page_number=number, total_count=len(shared)),
        locale=locale_of(item.locale),
    )
    return answer, [(h.id, h.region_code) for h, _ in shown]


async def search(
    session: AsyncSession,
    principal: Principal,
    sender_id: str,
    message: SearchMessage,
    correlation: uuid.UUID,
    *,
    fresh: bool = True,
) -> list[SearchResponseItem]:
    """The answers to a search's requests, each an audited read of the households it answers. A fresh search
    takes its reference ids (one used before is answered `rjct.reference_id.duplicate`); a search answered
    again for a transaction-status request does not."""
    answers, read = [], []
    for item in message.search_request:
        if fresh and await taken(session, sender_id, "search", item.reference_id, correlation):
            answers.append(_refused(item, "rjct.reference_id.duplicate", "this reference_id was used before"))
            continue
        answer, households = await _answer(session, principal, item)
        answers.append(answer)
        read += households
    purpose = f"DCI search {message.transaction_id} from {sender_id}"
    await audit.reads(session, principal, read, WHAT, purpose[:200])
    return answers


def mine(principal: Principal) -> Any:
    """The subscriptions a caller may see and end: its own (an admin's, all)."""
    q = select(RegistrySubscription)
    return q if principal.role == Role.admin else q.where(RegistrySubscription.subscriber == principal.sub)


async def identifiers(
    session: AsyncSession, principal: Principal, department: str, household_ids: list[uuid.UUID]
) -> list[IdentifiedHousehold]:
    """The members' resident IDs of the households on a department's list (as assistance last sent it), for a
    department entitled to them (DEPARTMENT_IDENTIFIERS), within its jurisdiction and under the household's
    consent to data sharing; every other id (not on the list, outside, no consent, unknown) is left out alike.
    Each household answered is an audited read."""
    if department not in settings.department_identifiers:
        raise Forbidden(
            f"The {department} department is not entitled to resident IDs (DEPARTMENT_IDENTIFIERS)",
            zh="该部门无权获取身份证号",
        )
    if principal.role == Role.department and principal.department != department:
        raise Forbidden(f"Only the {department} department account reads its identifiers", zh="只能读取本部门的清单")
    # Only households on the department's list now (assistance's entries, as intake keeps them): an id that is
    # not on it, whether it exists elsewhere or not at all, is left out as a random one is.
    on_list = select(DepartmentListing.household_id).where(
        DepartmentListing.department == department, DepartmentListing.listed
    )
    q = select(Household).where(Household.id.in_(household_ids), Household.id.in_(on_list)).order_by(Household.id)
    rows = (await session.execute(q)).scalars()
    answered = []
    for household in rows:
        if not principal.covers(household.region_code) or await valid_consent(session, household.id, SHARING) is None:
            continue
        members = (
            await session.execute(
                select(Member).where(Member.household_id == household.id, Member.active).order_by(Member.id)
            )
        ).scalars()
        answered.append(
            IdentifiedHousehold(
                household_id=household.id,
                household_no=household.household_no,
                region_code=household.region_code,
                members=[IdentifiedMember(relation=m.relation, resident_id=resident_id_of(m)) for m in members],
            )
        )
    purpose = f"department list identifiers ({department})"
    await audit.reads(session, principal, [(h.household_id, h.region_code) for h in answered], WHAT_IDS, purpose)
    return answered


async def changed(session: AsyncSession, household: Household, event_type: str) -> None:
    """A household's monitoring status changed (`monitored`, `eliminated`): queue a notification for every
    subscription that covers it and wants the event, if the household consented to the sharing. Called in
    the transaction that changes it, so the notification exists if and only if the change does."""
    subscriptions = [
        s
        for s in (
            await session.execute(
                select(RegistrySubscription).where(
                    RegistrySubscription.ended_at.is_(None), any_(RegistrySubscription.event_types) == event_type
                )
            )
        ).scalars()
        if household.region_code.startswith(s.region_prefix)
    ]
    if not subscriptions:
        return
    await session.flush()
    record = await record_of(session, household)
    if record is None:
        return
    for s in subscriptions:
        session.add(
            RegistryNotice(
                subscription_id=s.id,
                household_id=household.id,
                region_code=household.region_code,
                event_type=event_type,
                record=record.model_dump(mode="json"),
            )
        )
